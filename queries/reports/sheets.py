"""Worksheets a department prints: a title row, Chinese headers with widths, the header frozen
and repeated on every printed page, A4 with page numbers.

Every value the service writes into an .xlsx goes through :func:`cell_value` (one place, so
that what a cell may hold is decided once): :func:`put` for a single cell, and
:func:`write_table` for a whole table. A workbook made with ``new_workbook(streaming=True)``
writes its rows as they come (openpyxl's write-only mode), so a list of 300,000 rows is
exported without holding a cell object per value; printed, its grid comes from the print
settings instead of a border on every cell.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from graphsvc.exports import safe_cell

__all__ = [
    "SheetColumn",
    "cell_value",
    "new_workbook",
    "put",
    "sheet_name",
    "workbook_bytes",
    "write_table",
]

_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="EEF1F5")
_FONT = "宋体"
_TITLE_FONT = Font(name=_FONT, size=16, bold=True)
_NOTE_FONT = Font(name=_FONT, size=10, color="555555")
_HEADER_FONT = Font(name=_FONT, bold=True)
_CENTRED = Alignment(horizontal="center", vertical="center", wrap_text=True)


@dataclass(frozen=True)
class SheetColumn:
    """A column of a printed table: its header, width (in characters) and cell format."""

    title: str
    width: float = 12
    wrap: bool = False  # long text wraps inside the column instead of running on
    number_format: str | None = None  # e.g. "0.000"; None: as the value comes


def cell_value(value: Any) -> Any:
    """What a cell holds for ``value`` (the one gate every written value passes): a text a
    spreadsheet would run as a formula is written as text (:func:`graphsvc.exports.safe_cell`)."""
    return safe_cell(value)


def put(sheet: Worksheet, row: int, column: int, value: Any) -> Any:
    """Write one cell of a (not streaming) sheet and return it."""
    cell = sheet.cell(row=row, column=column)
    cell.value = cell_value(value)
    return cell


def sheet_name(text: str, taken: Iterable[str] = ()) -> str:
    """A valid, unique sheet name: at most 31 characters, none of ``[]:*?/\\``."""
    clean = "".join("－" if ch in "[]:*?/\\" else ch for ch in text)[:31] or "表"
    used, name, number = set(taken), clean, 2
    while name in used:
        suffix = f"({number})"
        name, number = clean[: 31 - len(suffix)] + suffix, number + 1
    return name


def new_workbook(*, streaming: bool = False) -> Workbook:
    """A workbook with no sheet yet (sheets are added by :func:`write_table`); ``streaming``:
    rows are written as they come (for long lists; no charts, no cell read back)."""
    if streaming:
        return Workbook(write_only=True)
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    return book


def _styled(sheet: Any, value: Any, **style: Any) -> Any:
    cell = WriteOnlyCell(sheet, value=cell_value(value))
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def _print_setup(sheet: Any, header: int, width: int, last: int, wide: bool) -> None:
    if last > header:
        sheet.auto_filter.ref = f"A{header}:{get_column_letter(width)}{last}"
    setup = sheet.page_setup
    setup.paperSize = Worksheet.PAPERSIZE_A4
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


def write_table(
    book: Workbook,
    name: str,
    *,
    title: str | None,
    columns: Sequence[SheetColumn],
    rows: Iterable[Sequence[Any]],
    notes: Sequence[str] = (),
    landscape: bool | None = None,
) -> Any:
    """A sheet with ``title`` (merged over the columns), ``notes`` lines, the header and the
    rows; the header frozen and printed on every page, A4 fitted to the page width, the page
    number in the footer. ``landscape`` defaults to landscape for more than six columns.

    Returns the sheet; its header is on row ``len(notes) + 2`` and the rows follow (with
    ``title`` None and no notes, the header is the first row).
    """
    sheet: Any = book.create_sheet(sheet_name(name, book.sheetnames))
    width = max(len(columns), 1)
    lines = ([title] if title is not None else []) + list(notes)
    header = len(lines) + 1
    wide = landscape if landscape is not None else len(columns) > 6
    # Widths and the frozen header first: a streaming sheet writes them before its rows.
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = f"A{header + 1}"
    if getattr(book, "write_only", False):
        last = _stream(sheet, title, lines, columns, rows, header)
        sheet.print_options.gridLines = True  # the grid, printed, without a border a cell
    else:
        last = _cells(sheet, title, lines, columns, rows, header)
    for offset in range(1, len(lines) + 1):
        if width == 1:
            continue
        if getattr(book, "write_only", False):
            sheet.merged_cells.add(
                CellRange(min_col=1, min_row=offset, max_col=width, max_row=offset)
            )
        else:
            sheet.merge_cells(start_row=offset, start_column=1, end_row=offset, end_column=width)
    _print_setup(sheet, header, width, last, wide)
    return sheet


def _cells(
    sheet: Worksheet,
    title: str | None,
    lines: list[str],
    columns: Sequence[SheetColumn],
    rows: Iterable[Sequence[Any]],
    header: int,
) -> int:
    for offset, line in enumerate(lines, start=1):
        cell = put(sheet, offset, 1, line)
        if offset == 1 and title is not None:
            cell.font = _TITLE_FONT
            cell.alignment = Alignment(horizontal="center", vertical="center")
            sheet.row_dimensions[1].height = 30
        else:
            cell.font = _NOTE_FONT
    for index, column in enumerate(columns, start=1):
        cell = put(sheet, header, index, column.title)
        cell.font, cell.fill, cell.border, cell.alignment = (
            _HEADER_FONT,
            _HEADER_FILL,
            _BORDER,
            _CENTRED,
        )
    aligned = [Alignment(vertical="top", wrap_text=column.wrap) for column in columns]
    last = header
    for last, values in enumerate(rows, start=header + 1):
        for index, (column, value) in enumerate(zip(columns, values, strict=True), start=1):
            cell = put(sheet, last, index, value)
            cell.border = _BORDER
            cell.alignment = aligned[index - 1]
            if column.number_format and isinstance(value, int | float):
                cell.number_format = column.number_format
    return last


def _stream(
    sheet: Any,
    title: str | None,
    lines: list[str],
    columns: Sequence[SheetColumn],
    rows: Iterable[Sequence[Any]],
    header: int,
) -> int:
    for offset, line in enumerate(lines, start=1):
        big = offset == 1 and title is not None
        sheet.append([_styled(sheet, line, font=_TITLE_FONT if big else _NOTE_FONT)])
        if big:
            sheet.row_dimensions[1].height = 30
    sheet.append(
        [
            _styled(sheet, c.title, font=_HEADER_FONT, fill=_HEADER_FILL, border=_BORDER,
                    alignment=_CENTRED)
            for c in columns
        ]
    )  # fmt: skip
    wrap = Alignment(vertical="top", wrap_text=True)
    # Only the cells that need a style (wrapped text, a number format) carry one.
    styled = [
        {"alignment": wrap} if c.wrap else {"number_format": c.number_format}
        if c.number_format else None
        for c in columns
    ]  # fmt: skip
    plain = not any(styled)
    count = 0
    for values in rows:
        count += 1
        if plain:
            sheet.append([cell_value(v) for v in values])
        else:
            sheet.append(
                [
                    _styled(sheet, v, **style) if style else cell_value(v)
                    for v, style in zip(values, styled, strict=True)
                ]
            )
    return header + count


def workbook_bytes(book: Workbook) -> bytes:
    """The workbook as the bytes of an .xlsx file."""
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
