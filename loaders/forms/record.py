"""One appointment form (干部任免审批表) as read, before it is matched against the graph.

Fields are keyed by the .lrmx element names (``XingMing``, ``JianLi``, ...), whatever
file they came from; a roster row fills the same keys it has columns for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

__all__ = ["FamilyEntry", "FormProblem", "FormRecord", "FormUnreadable"]


@dataclass(frozen=True)
class FamilyEntry:
    """A row of 家庭主要成员及重要社会关系, as written."""

    relation: str  # 称谓
    name: str  # 姓名
    birth: str = ""  # 出生日期
    politics: str = ""  # 政治面貌
    workplace: str = ""  # 工作单位及职务


@dataclass(frozen=True)
class FormProblem:
    """A problem in the input: which file, which field, what value, and why (in Chinese)."""

    file: str
    field: str | None
    value: str | None
    reason: str

    def as_dict(self) -> dict[str, str | None]:
        return {"file": self.file, "field": self.field, "value": self.value, "reason": self.reason}


class FormUnreadable(Exception):
    """A file that cannot be read as a form at all (not XML, truncated, wrong encoding)."""

    def __init__(self, problem: FormProblem) -> None:
        super().__init__(f"{problem.file}: {problem.reason}")
        self.problem = problem


@dataclass
class FormRecord:
    """A person as one form or one roster row gives them."""

    source: str  # the file (and sheet) it came from
    fields: dict[str, str]
    family: list[FamilyEntry] = field(default_factory=list)
    photo: bytes | None = None
    row: int | None = None  # roster row number; None for a form
    post_since: date | None = None  # 任现职时间, from a roster
    kind: str = "form"  # "form" or "roster"

    def get(self, key: str) -> str:
        return self.fields.get(key, "").strip()

    @property
    def where(self) -> str:
        return self.source if self.row is None else f"{self.source} 第{self.row}行"
