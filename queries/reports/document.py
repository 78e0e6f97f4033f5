"""Writing a report as an .xlsx workbook or a self-contained HTML page with charts."""

from __future__ import annotations

import hashlib
import html
import io
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display: render to memory
import matplotlib.pyplot as plt
import pandas as pd

__all__ = ["CHART_FONTS", "REPORT_SUFFIXES", "Chart", "Report", "Section", "write_report"]

# The reader's browser draws the chart text, so name fonts that browsers resolve to a CJK
# font on Linux, Windows and macOS; matplotlib measures with the first one installed here.
CHART_FONTS = (
    "Noto Sans CJK SC",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "Noto Sans CJK JP",  # the name matplotlib reads from Debian's fonts-noto-cjk collection
)
# Typed loosely: matplotlib types rc keys as a Literal of every setting name.
_CHART_STYLE: dict[Any, Any] = {
    "svg.fonttype": "none",  # text stays <text>, not paths: no font needed where it is made
    "svg.hashsalt": "graphsvc",  # the same chart gives the same SVG
    "font.family": ["sans-serif"],
    "font.sans-serif": [*CHART_FONTS, "DejaVu Sans"],  # DejaVu ships with matplotlib
    "axes.unicode_minus": False,
}
_CSS_FONTS = ",".join(f"'{name}'" for name in CHART_FONTS) + ",sans-serif"
_SVG_START = re.compile(r"<svg\b")
_SVG_ID = re.compile(r'\b(id)="([^"]+)"')
_SVG_REF = re.compile(r'(url\(|href=")#([^)"]+)')


@dataclass(frozen=True)
class Chart:
    """A bar chart: one bar per label (``xlabel`` names the values); with ``second``, a
    second bar beside each, named and valued there (demand beside supply)."""

    title: str
    labels: Sequence[str]
    values: Sequence[float]
    xlabel: str = ""
    second: tuple[str, Sequence[float]] | None = None

    def svg(self) -> str:
        """The chart as an inline ``<svg>`` element whose labels are ``<text>``.

        Without a CJK font here, matplotlib measures Chinese with a Latin font and warns
        once per glyph; the browser draws the text, so those warnings are silenced.
        """
        height = max(2.5, 0.28 * len(self.labels) + 1.2)
        buffer = io.StringIO()
        with plt.rc_context(_CHART_STYLE), warnings.catch_warnings():
            warnings.filterwarnings(
                "ignore", message=r"Glyph \d+ .*missing from", category=UserWarning
            )
            figure, axes = plt.subplots(figsize=(8, height))
            try:
                if self.second is None:
                    axes.barh(list(self.labels)[::-1], list(self.values)[::-1], color="#C0392B")
                else:
                    name, other = self.second
                    where = list(range(len(self.labels)))[::-1]
                    axes.barh(
                        [y + 0.2 for y in where],
                        list(self.values),
                        0.4,
                        color="#C0392B",
                        label=self.xlabel,
                    )
                    axes.barh(
                        [y - 0.2 for y in where], list(other), 0.4, color="#2F6FB3", label=name
                    )
                    axes.set_yticks(where, list(self.labels))
                    axes.legend()
                axes.set_title(self.title)
                axes.set_xlabel(self.xlabel)
                figure.tight_layout()
                figure.savefig(buffer, format="svg", metadata={"Date": None})
            finally:
                plt.close(figure)
        text = buffer.getvalue()
        match = _SVG_START.search(text)
        if match is None:  # matplotlib always writes one; say so if that ever changes
            raise RuntimeError("matplotlib wrote no <svg> element")
        label = html.escape(self.title, quote=True)
        return _scoped_ids(
            f'<svg role="img" aria-label="{label}"' + text[match.end() :], self._id_prefix()
        )

    def _id_prefix(self) -> str:
        shown = (self.title, list(self.labels), list(self.values), self.second)
        digest = hashlib.sha1(repr(shown).encode())
        return f"c{digest.hexdigest()[:8]}-"


def _scoped_ids(svg: str, prefix: str) -> str:
    """Prefix the SVG's ids and the references to them: several charts share one page, and
    matplotlib numbers every figure's elements from 1 (``figure_1``, ``patch_1``)."""
    svg = _SVG_ID.sub(lambda m: f'{m.group(1)}="{prefix}{m.group(2)}"', svg)
    return _SVG_REF.sub(lambda m: f"{m.group(1)}#{prefix}{m.group(2)}", svg)


@dataclass(frozen=True)
class Section:
    title: str
    rows: list[dict[str, Any]]
    note: str = ""
    chart: Chart | None = None


@dataclass
class Report:
    title: str
    summary: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)


def _html(report: Report) -> str:
    parts = [
        "<!doctype html><html lang='zh'><head><meta charset='utf-8'>",
        f"<title>{html.escape(report.title)}</title>",
        f"<style>body{{font-family:{_CSS_FONTS};margin:2em;"
        "color:#222}table{border-collapse:collapse;margin:1em 0;font-size:14px}"
        "th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}"
        "th{background:#f3f3f3}h1{color:#922B21}figure{margin:1em 0}"
        "figure svg{max-width:100%;height:auto}</style></head><body>",
        f"<h1>{html.escape(report.title)}</h1>",
    ]
    if report.summary:
        parts.append(
            "<ul>" + "".join(f"<li>{html.escape(s)}</li>" for s in report.summary) + "</ul>"
        )
    for section in report.sections:
        parts.append(f"<h2>{html.escape(section.title)}</h2>")
        if section.note:
            parts.append(f"<p>{html.escape(section.note)}</p>")
        if section.chart is not None:
            parts.append(f"<figure>{section.chart.svg()}</figure>")
        if section.rows:
            frame = pd.DataFrame(section.rows)
            parts.append(frame.to_html(index=False, escape=True, border=0))
        else:
            parts.append("<p>（无）</p>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _xlsx_chart(sheet: Any, chart: Chart, column: int) -> None:
    """A native Excel bar chart beside the table, fed from two columns written for it."""
    from openpyxl.chart import BarChart, Reference

    sheet.cell(row=1, column=column, value="")
    sheet.cell(row=1, column=column + 1, value=chart.xlabel or chart.title)
    for offset, (label, value) in enumerate(zip(chart.labels, chart.values, strict=True)):
        sheet.cell(row=offset + 2, column=column, value=str(label))
        sheet.cell(row=offset + 2, column=column + 1, value=float(value))
    series = 1
    if chart.second is not None:
        name, other = chart.second
        series = 2
        sheet.cell(row=1, column=column + 2, value=name)
        for offset, value in enumerate(other):
            sheet.cell(row=offset + 2, column=column + 2, value=float(value))
    bars = BarChart()
    bars.type = "bar"
    bars.title = chart.title
    if series == 1:
        bars.legend = None
    bars.height = max(7.5, 0.5 * len(chart.labels) * series + 2)
    last = len(chart.labels) + 1
    bars.add_data(
        Reference(sheet, min_col=column + 1, max_col=column + series, min_row=1, max_row=last),
        titles_from_data=True,
    )
    bars.set_categories(Reference(sheet, min_col=column, min_row=2, max_row=last))
    sheet.add_chart(bars, sheet.cell(row=2, column=column + 2 + series).coordinate)


REPORT_SUFFIXES = (".xlsx", ".html", ".pdf")


def write_report(report: Report, path: Path) -> Path:
    """Write ``report`` to ``path``: ``.xlsx`` (a sheet per section, charts as native Excel
    charts), ``.html`` (one page, charts as inline SVG whose text the browser draws) or
    ``.pdf`` (that page printed by Chromium, as the forms are; ``PdfUnavailable`` without
    it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    if suffix == ".html":
        path.write_text(_html(report), encoding="utf-8")
    elif suffix == ".pdf":
        from queries.forms.pdf import html_to_pdf

        html_to_pdf(_html(report), path)
    elif suffix == ".xlsx":
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            pd.DataFrame({"说明": [report.title, *report.summary]}).to_excel(
                writer, sheet_name="概要", index=False
            )
            for index, section in enumerate(report.sections, start=1):
                name = f"{index}-{section.title}"[:31]
                frame = pd.DataFrame(section.rows or [{"": "（无）"}])
                frame.to_excel(writer, sheet_name=name, index=False)
                if section.chart is not None:
                    _xlsx_chart(writer.sheets[name], section.chart, len(frame.columns) + 2)
    else:
        raise ValueError(f"{path}：报告只能写成 .xlsx、.html 或 .pdf 文件")
    return path
