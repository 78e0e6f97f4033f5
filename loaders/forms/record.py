"""One appointment form (干部任免审批表) as read, before it is matched against the graph.

Fields are keyed by the .lrmx element names (``XingMing``, ``JianLi``, ...), whatever
file they came from; a roster row fills the same keys it has columns for.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

__all__ = ["FamilyEntry", "FormProblem", "FormRecord", "FormUnreadable", "clean_text", "stable_id"]

# Characters copied in from other systems that no one sees: zero-width spaces and joiners,
# byte-order marks, soft hyphens, direction marks. Removed; non-breaking spaces become spaces.
_INVISIBLE = str.maketrans(
    {
        **dict.fromkeys(
            [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD, 0x200E, 0x200F,
             *range(0x202A, 0x202F), *range(0x2066, 0x206A)],
            None,
        ),
        0x00A0: " ",
        0x2007: " ",
        0x202F: " ",
    }
)  # fmt: skip


def clean_text(text: object) -> str:
    """``text`` without invisible characters (zero-width spaces, BOMs), NBSP as a space."""
    return str(text or "").translate(_INVISIBLE)


def stable_id(prefix: str, text: str) -> str:
    """An id the same text always gives: ``CF`` + a hash of an ID number, ``UF`` + a unit's
    path ..., so that importing a form again finds what it made the first time."""
    return prefix + hashlib.sha1(text.encode("utf-8")).hexdigest()[:10].upper()


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
        """A field as written, without invisible characters or space around it."""
        return clean_text(self.fields.get(key, "")).strip()

    @property
    def where(self) -> str:
        return self.source if self.row is None else f"{self.source} 第{self.row}行"
