"""The papers a meeting reads for a round: the 干部任免建议名单 (.xlsx and PDF) and one
干部任免审批表 per proposed appointment (one PDF, or a .zip of .lrmx files).

The list is read from the same forms (``queries.forms``) that ``graphsvc form --round``
writes, so the list and the forms say the same thing about each person.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from graphsvc.exports import UniqueNames
from queries.forms.document import FormDocument
from queries.forms.html import render_html
from queries.forms.lrmx import write_lrmx
from queries.forms.pdf import html_to_pdf
from queries.reports.sheets import SheetColumn, new_workbook, workbook_bytes, write_table

__all__ = [
    "PROPOSAL_COLUMNS",
    "Proposal",
    "forms_pdf",
    "forms_zip",
    "proposal_html",
    "proposal_pdf",
    "proposal_rows",
    "proposal_workbook",
]

# The list's usual columns, with widths (characters) for the sheet.
PROPOSAL_COLUMNS = (
    SheetColumn("序号", 5),
    SheetColumn("姓名", 8),
    SheetColumn("性别", 5),
    SheetColumn("出生年月（年龄）", 12, wrap=True),
    SheetColumn("民族", 6),
    SheetColumn("籍贯", 9, wrap=True),
    SheetColumn("入党时间", 9),
    SheetColumn("参加工作时间", 9),
    SheetColumn("全日制学历学位", 12, wrap=True),
    SheetColumn("在职学历学位", 12, wrap=True),
    SheetColumn("现任职务", 24, wrap=True),
    SheetColumn("拟任职务", 24, wrap=True),
    SheetColumn("拟免职务", 24, wrap=True),
    SheetColumn("备注", 14, wrap=True),
)


@dataclass(frozen=True)
class Proposal:
    """The list's heading: whose list (the unit) and of which day."""

    unit: str  # 金湾区
    day: date
    organ: str = ""  # 呈报单位, e.g. 中共金湾区委组织部

    @property
    def title(self) -> str:
        return f"{self.unit}干部任免建议名单"

    @property
    def dated(self) -> str:
        return f"{self.day.year}年{self.day.month}月{self.day.day}日"


def _ym(text: str) -> str:
    digits = text.replace(".", "")
    return f"{digits[:4]}.{digits[4:6]}" if len(digits) >= 6 and digits[:6].isdigit() else text


def _both(first: str, second: str) -> str:
    return "\n".join(part for part in (first, second) if part)


def proposal_rows(
    documents: Sequence[tuple[dict[str, Any], FormDocument]], notes: dict[str, str] | None = None
) -> list[list[str]]:
    """One row per proposed appointment, in the list's columns (``notes``: 备注 by post id)."""
    notes = notes or {}
    rows: list[list[str]] = []
    for number, (item, d) in enumerate(documents, start=1):
        birth = _ym(d.get("ChuShengNianYue"))
        rows.append(
            [
                str(number),
                d.get("XingMing"),
                d.get("XingBie"),
                f"{birth}\n（{d.age}岁）" if d.age is not None else birth,
                d.get("MinZu"),
                d.get("JiGuan"),
                _ym(d.get("RuDangShiJian")),
                _ym(d.get("CanJiaGongZuoShiJian")),
                _both(d.get("QuanRiZhiJiaoYu_XueLi"), d.get("QuanRiZhiJiaoYu_XueWei")),
                _both(d.get("ZaiZhiJiaoYu_XueLi"), d.get("ZaiZhiJiaoYu_XueWei")),
                d.get("XianRenZhiWu"),
                d.get("NiRenZhiWu"),
                d.get("NiMianZhiWu"),
                notes.get(str(item.get("post_id")), ""),
            ]
        )
    return rows


def proposal_workbook(heading: Proposal, rows: Sequence[Sequence[str]]) -> bytes:
    """The list as an .xlsx: title, unit and date, the usual columns, A4 landscape."""
    book = new_workbook()
    notes = [
        f"呈报单位：{heading.organ}　　日期：{heading.dated}" if heading.organ else heading.dated
    ]
    write_table(
        book,
        "建议名单",
        title=heading.title,
        columns=PROPOSAL_COLUMNS,
        rows=rows,
        notes=notes,
        landscape=True,
    )
    return workbook_bytes(book)


_LIST_CSS = """
@page { size: A4 landscape; margin: 14mm 10mm 16mm;
  @bottom-center { content: "第 " counter(page) " 页，共 " counter(pages) " 页";
                   font-size: 9pt; } }
body { font-family: "SimSun", "Songti SC", "WenQuanYi Micro Hei", "Noto Sans CJK SC",
       sans-serif; font-size: 10pt; color: #000; margin: 0; }
h1 { text-align: center; font-size: 18pt; letter-spacing: 2pt; margin: 0 0 4pt; }
p.meta { text-align: center; margin: 0 0 8pt; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
th, td { border: 0.6pt solid #000; padding: 3pt 3pt; text-align: center; vertical-align: middle;
         word-break: break-all; white-space: pre-line; line-height: 1.35; }
th { font-weight: bold; background: #f2f2f2; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
td.text { text-align: left; }
"""
# Widths (mm) of the columns on a landscape A4 page (277 mm inside the margins).
_LIST_WIDTHS = (9, 14, 8, 20, 10, 15, 15, 15, 22, 22, 37, 37, 33, 20)
_LEFT = {10, 11, 12, 13}  # the posts and notes read left to right


def proposal_html(heading: Proposal, rows: Sequence[Sequence[str]]) -> str:
    """The list as a printable page (A4 landscape, page numbers at the foot)."""
    cols = "".join(f'<col style="width:{w}mm">' for w in _LIST_WIDTHS)
    head = "".join(f"<th>{html.escape(c.title)}</th>" for c in PROPOSAL_COLUMNS)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="{"text" if i in _LEFT else ""}">{html.escape(str(v))}</td>'
            for i, v in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    meta = f"呈报单位：{heading.organ}　　" if heading.organ else ""
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{html.escape(heading.title)}</title><style>{_LIST_CSS}</style></head><body>"
        f"<h1>{html.escape(heading.title)}</h1>"
        f'<p class="meta">{html.escape(meta)}{heading.dated}</p>'
        f"<table><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table></body></html>"
    )


def _print(page: str) -> bytes:
    with TemporaryDirectory(prefix="graphsvc-papers-") as folder:
        return html_to_pdf(page, Path(folder) / "papers.pdf").read_bytes()


def proposal_pdf(heading: Proposal, rows: Sequence[Sequence[str]]) -> bytes:
    """The list as a PDF (printed by Chromium, as the forms are)."""
    return _print(proposal_html(heading, rows))


_BODY = re.compile(r"<body>(.*)</body>", re.S)
_STYLE = re.compile(r"<style>(.*?)</style>", re.S)


def forms_html(documents: Sequence[FormDocument]) -> str:
    """Every form in one printable page, each starting on a new sheet."""
    pages = [render_html(d) for d in documents]
    if not pages:
        raise ValueError("a round without appointments has no forms")
    style = _STYLE.search(pages[0])
    bodies = []
    for page in pages:
        found = _BODY.search(page)
        assert found is not None, "queries.forms.html writes a <body>"
        bodies.append(f'<section class="form">{found.group(1)}</section>')
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        "<title>干部任免审批表</title>"
        f"<style>{style.group(1) if style else ''}"
        " section.form { break-after: page; } section.form:last-child { break-after: auto; }"
        "</style></head><body>" + "".join(bodies) + "</body></html>"
    )


def forms_pdf(documents: Sequence[FormDocument]) -> bytes:
    """One PDF with the 干部任免审批表 of every proposed appointment, in order."""
    return _print(forms_html(documents))


def forms_zip(documents: Sequence[tuple[dict[str, Any], FormDocument]]) -> bytes:
    """A .zip of one .lrmx per proposed appointment: ``01-姓名-岗位.lrmx``."""
    buffer = io.BytesIO()
    names = UniqueNames()  # made from data: safe names, never a way out of the folder
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, (item, document) in enumerate(documents, start=1):
            person = document.get("XingMing") or item["cadre_id"]
            post = item.get("post_name") or item["post_id"]
            archive.writestr(names(f"{number:02d}-{person}-{post}", ".lrmx"), write_lrmx(document))
    return buffer.getvalue()
