"""The review report of a form import: what matched what, what was created, what is
ambiguous, and every problem, as JSON and as an .xlsx workbook for the cadre section."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graphsvc.exports import safe_row

__all__ = ["ImportReport", "write_review_xlsx"]


@dataclass
class ImportReport:
    """The outcome of ``import_forms``; ``problems`` non-empty means nothing was written."""

    cadres: dict[str, int] = field(
        default_factory=lambda: {"created": 0, "updated": 0, "unchanged": 0}
    )
    matched: list[dict[str, Any]] = field(default_factory=list)
    created: list[dict[str, Any]] = field(default_factory=list)
    ambiguous: list[dict[str, Any]] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    files: int = 0
    cadre_ids: list[str] = field(default_factory=list)  # whose records the import touches
    written: bool = False
    dry_run: bool = False
    summary: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def sentence(self) -> str:
        """What the import did, in one Chinese sentence (the CLI's line, the API's message)."""
        c = self.cadres
        return (
            f"{self.files} 个文件：干部新建 {c['created']}、更新 {c['updated']}、"
            f"未变 {c['unchanged']}；已匹配 {len(self.matched)}，新建待核实 "
            f"{len(self.created)}，存疑 {len(self.ambiguous)}，提示 {len(self.warnings)}"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "cadres": dict(self.cadres),
            "matched": self.matched,
            "created": self.created,
            "ambiguous": self.ambiguous,
            "problems": self.problems,
            "warnings": self.warnings,
            "files": self.files,
            "cadre_ids": self.cadre_ids,
            "written": self.written,
            "dry_run": self.dry_run,
            "summary": self.summary,
        }


_ISSUE_COLUMNS = (("file", "文件"), ("field", "字段"), ("value", "值"), ("reason", "原因"))
_SHEETS: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    (
        "matched",
        "已匹配",
        (("file", "文件"), ("kind", "类别"), ("text", "表中写法"), ("id", "图中编号"),
         ("name", "图中名称"), ("note", "说明")),
    ),
    (
        "created",
        "新建待核实",
        (("file", "文件"), ("kind", "类别"), ("id", "编号"), ("name", "名称"),
         ("parent", "所属"), ("note", "说明")),
    ),
    (
        "ambiguous",
        "存疑",
        (("file", "文件"), ("kind", "类别"), ("text", "表中写法"), ("candidates", "可能是"),
         ("note", "说明")),
    ),
    ("problems", "问题", _ISSUE_COLUMNS),
    ("warnings", "提示", _ISSUE_COLUMNS),
)  # fmt: skip


def write_review_xlsx(report: ImportReport, path: Path) -> Path:
    """Write the review report as a workbook: a summary sheet and one sheet per list."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "概况"
    rows: list[tuple[str, Any]] = [
        ("文件数", report.files),
        ("新建干部", report.cadres["created"]),
        ("更新干部", report.cadres["updated"]),
        ("未变干部", report.cadres["unchanged"]),
        ("已匹配", len(report.matched)),
        ("新建待核实", len(report.created)),
        ("存疑", len(report.ambiguous)),
        ("问题", len(report.problems)),
        ("提示", len(report.warnings)),
        ("是否已写入", "是" if report.written else "否"),
    ]
    for row in rows:
        summary.append(safe_row(row))
    for key, title, columns in _SHEETS:
        sheet = book.create_sheet(title)
        sheet.append([label for _, label in columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for item in getattr(report, key):
            sheet.append(
                safe_row(
                    "、".join(map(str, value)) if isinstance(value, list) else value
                    for value in (item.get(name) for name, _ in columns)
                )
            )
        for column, width in zip("ABCDEF", (40, 12, 30, 24, 30, 40), strict=False):
            sheet.column_dimensions[column].width = width
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path
