"""Worksheets a department prints: a title row, Chinese headers with widths, the header frozen
and repeated on every printed page, A4 with page numbers.

Every .xlsx the service writes puts its cells through :func:`put` (one place, so that what
a cell may hold is decided once), and lays a table out with :func:`write_table`.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["SheetColumn", "new_workbook", "put", "sheet_name", "workbook_bytes", "write_table"]

_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="EEF1F5")
_FONT = "宋体"


@dataclass(frozen=True)
class SheetColumn:
    """A column of a printed table: its header, width (in characters) and cell format."""

    title: str
    width: float = 12
    wrap: bool = False  # long text wraps inside the column instead of running on
    number_format: str | None = None  # e.g. "0.000"; None: as the value comes


def put(sheet: Worksheet, row: int, column: int, value: Any) -> Any:
    """Write one cell (every writer of the service goes through here) and return it."""
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    return cell


def sheet_name(text: str, taken: Iterable[str] = ()) -> str:
    """A valid, unique sheet name: at most 31 characters, none of ``[]:*?/\\``."""
    clean = "".join("－" if ch in "[]:*?/\\" else ch for ch in text)[:31] or "表"
    used, name, number = set(taken), clean, 2
    while name in used:
        suffix = f"({number})"
        name, number = clean[: 31 - len(suffix)] + suffix, number + 1
    return name


def new_workbook() -> Workbook:
    """A workbook with no sheet yet (sheets are added by :func:`write_table`)."""
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    return book


def write_table(
    book: Workbook,
    name: str,
    *,
    title: str,
    columns: Sequence[SheetColumn],
    rows: Iterable[Sequence[Any]],
    notes: Sequence[str] = (),
    landscape: bool | None = None,
) -> Worksheet:
    """A sheet with ``title`` (merged over the columns), ``notes`` lines, the header and the
    rows; the header frozen and printed on every page, A4 fitted to the page width, the page
    number in the footer. ``landscape`` defaults to landscape for more than six columns.

    Returns the sheet; its header is on row ``len(notes) + 2`` and the rows follow.
    """
    sheet: Worksheet = book.create_sheet(sheet_name(name, book.sheetnames))
    width = max(len(columns), 1)
    put(sheet, 1, 1, title).font = Font(name=_FONT, size=16, bold=True)
    sheet.cell(row=1, column=1).alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 30
    if width > 1:
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    for offset, note in enumerate(notes, start=2):
        put(sheet, offset, 1, note).font = Font(name=_FONT, size=10, color="555555")
        if width > 1:
            sheet.merge_cells(start_row=offset, start_column=1, end_row=offset, end_column=width)
    header = len(notes) + 2
    for index, column in enumerate(columns, start=1):
        cell = put(sheet, header, index, column.title)
        cell.font = Font(name=_FONT, bold=True)
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    aligned = [
        Alignment(vertical="top", wrap_text=column.wrap) for column in columns
    ]  # one style object per column, shared by its cells
    last = header
    for last, values in enumerate(rows, start=header + 1):
        for index, (column, value) in enumerate(zip(columns, values, strict=True), start=1):
            cell = put(sheet, last, index, value)
            cell.border = _BORDER
            cell.alignment = aligned[index - 1]
            if column.number_format and isinstance(value, int | float):
                cell.number_format = column.number_format
    sheet.freeze_panes = f"A{header + 1}"
    if last > header:
        sheet.auto_filter.ref = f"A{header}:{get_column_letter(width)}{last}"
    setup = sheet.page_setup
    setup.paperSize = sheet.PAPERSIZE_A4
    wide = landscape if landscape is not None else len(columns) > 6
    setup.orientation = "landscape" if wide else "portrait"
    setup.fitToWidth = 1
    setup.fitToHeight = 0  # as many pages down as it takes
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = f"{header}:{header}"
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    footer = sheet.oddFooter
    if footer is not None:
        footer.center.text = "第 &P 页，共 &N 页"
    return sheet


def workbook_bytes(book: Workbook) -> bytes:
    """The workbook as the bytes of an .xlsx file."""
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
