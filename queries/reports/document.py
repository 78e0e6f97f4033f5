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

from queries.reports.sheets import (
    SheetColumn,
    new_workbook,
    put,
    sheet_name,
    workbook_bytes,
    write_table,
)

__all__ = [
    "CHART_FONTS",
    "REPORT_SUFFIXES",
    "Chart",
    "Report",
    "Section",
    "write_report",
    "write_report_bytes",
]

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
                axes.set_xlabel("" if self.second else self.xlabel)  # two series: the legend
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
        "th{background:#f3f3f3;white-space:nowrap}td{min-width:4.5em;word-break:keep-all;"
        "overflow-wrap:anywhere}h1{color:#922B21}figure{margin:1em 0}"
        "figure svg{max-width:100%;height:auto}"
        "@page{size:A4 landscape;margin:12mm}"
        "@media print{body{margin:0;font-size:12px}table{font-size:11px}"
        "thead{display:table-header-group}tr{break-inside:avoid}}</style></head><body>",
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
            parts.append(frame.to_html(index=False, escape=True, border=0, na_rep=""))
        else:
            parts.append("<p>（无）</p>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _display_width(value: Any) -> int:
    """Characters a cell needs: a Chinese character is two wide."""
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _columns(frame: pd.DataFrame) -> list[SheetColumn]:
    """Each column's header and a width fitted to its longest cell (long text wraps)."""
    columns = []
    for name in frame.columns:
        widest = max(
            [_display_width(name)] + [_display_width(v) for v in frame[name].head(300).tolist()]
        )
        columns.append(SheetColumn(str(name), min(max(widest + 2, 6), 50), wrap=widest > 48))
    return columns


def _cell_value(value: Any) -> Any:
    """A value as an .xlsx cell takes it: numbers and text; lists joined; NaN empty."""
    if isinstance(value, list | tuple | set):
        return "；".join(str(v) for v in value)
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, int | float | str) or value is None:
        return value
    return str(value)


def _xlsx_chart(sheet: Any, data_sheet: Any, chart: Chart, anchor_column: int) -> None:
    """A native Excel bar chart beside the table, fed from two columns of ``data_sheet``
    (the chart's figures are kept there, so the table has no helper columns)."""
    from openpyxl.chart import BarChart, Reference

    first = data_sheet.max_row + 2 if data_sheet.max_row > 1 else 1
    put(data_sheet, first, 1, chart.title)
    put(data_sheet, first, 2, chart.xlabel or chart.title)
    for offset, (label, value) in enumerate(zip(chart.labels, chart.values, strict=True)):
        put(data_sheet, first + offset + 1, 1, str(label))
        put(data_sheet, first + offset + 1, 2, float(value))
    series = 1
    if chart.second is not None:  # a second series in the next column
        name, other = chart.second
        series = 2
        put(data_sheet, first, 3, name)
        for offset, value in enumerate(other):
            put(data_sheet, first + offset + 1, 3, float(value))
    last = first + len(chart.labels)
    data_sheet.column_dimensions["A"].width = 30
    bars = BarChart()
    bars.type = "bar"
    bars.title = chart.title
    if series == 1:
        bars.legend = None
    bars.height = max(7.5, 0.5 * len(chart.labels) * series + 2)
    bars.add_data(
        Reference(data_sheet, min_col=2, max_col=1 + series, min_row=first, max_row=last),
        titles_from_data=True,
    )
    bars.set_categories(Reference(data_sheet, min_col=1, min_row=first + 1, max_row=last))
    sheet.add_chart(bars, sheet.cell(row=2, column=anchor_column).coordinate)


def _workbook(report: Report) -> bytes:
    """The report as an .xlsx: a sheet per section (header frozen, widths, A4 set-up), its
    chart beside the table; the charts' figures on the last sheet, 图表数据."""
    book = new_workbook()
    summary = pd.DataFrame({"说明": [report.title, *report.summary]})
    write_table(
        book,
        "概要",
        title=None,
        columns=_columns(summary),
        rows=summary.itertuples(index=False, name=None),
        landscape=False,
    )
    charts: list[tuple[Any, Chart, int]] = []
    for index, section in enumerate(report.sections, start=1):
        frame = pd.DataFrame(section.rows or [{"": "（无）"}])
        sheet = write_table(
            book,
            f"{index}-{section.title}",
            title=None,
            columns=_columns(frame),
            rows=([_cell_value(v) for v in row] for row in frame.itertuples(index=False)),
        )
        if section.chart is not None:
            charts.append((sheet, section.chart, len(frame.columns) + 2))
    if charts:
        data_sheet = book.create_sheet(sheet_name("图表数据", book.sheetnames))
        for sheet, chart, column in charts:
            _xlsx_chart(sheet, data_sheet, chart, column)
    return workbook_bytes(book)


REPORT_SUFFIXES = (".xlsx", ".html", ".pdf")


def write_report_bytes(report: Report, fmt: str) -> bytes:
    """The report as the bytes of an ``xlsx``, ``html`` or ``pdf`` file (a download; the
    PDF is the HTML page printed by Chromium, as the forms are: ``PdfUnavailable``
    without it)."""
    if fmt == "html":
        return _html(report).encode("utf-8")
    if fmt == "xlsx":
        return _workbook(report)
    if fmt == "pdf":
        import tempfile

        from queries.forms.pdf import html_to_pdf

        with tempfile.TemporaryDirectory() as folder:
            return html_to_pdf(_html(report), Path(folder) / "report.pdf").read_bytes()
    raise ValueError(f"报告只能写成 .xlsx、.html 或 .pdf 文件，而不是 .{fmt}")


def write_report(report: Report, path: Path) -> Path:
    """Write ``report`` to ``path``: ``.xlsx`` (a sheet per section, charts as native Excel
    charts), ``.html`` (one page, charts as inline SVG whose text the browser draws) or
    ``.pdf`` (that page printed)."""
    suffix = path.suffix.lower()
    if suffix not in REPORT_SUFFIXES:
        raise ValueError(f"{path}：报告只能写成 .xlsx、.html 或 .pdf 文件")
    body = write_report_bytes(report, suffix[1:])  # all of it before anything is written
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    return path
