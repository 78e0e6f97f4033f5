"""Reading the input format: a folder of CSV files or one .xlsx workbook.

Each file (or sheet) holds one node or relation table, named by its English
or Chinese table name (``cadres.csv`` or ``干部.csv``; a sheet ``干部``). The
first row is the header; data rows are numbered as a spreadsheet shows them
(the first data row is row 2). See ``docs/input-format.md``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa
import pyarrow.compute as pa_compute
import pyarrow.csv as pa_csv

from graphsvc.model import EDGE_SPECS, NODE_SPECS, EdgeSpec, NodeSpec
from loaders.headers import HeaderProblem, combine_header, expand_education, is_second_header

__all__ = [
    "TABLE_NAMES",
    "RawTable",
    "SourceError",
    "canonical_table",
    "input_files",
    "read_sources",
]


def _table_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for node in NODE_SPECS:
        names[node.table] = node.table
        names[node.table_zh] = node.table
    for edge in EDGE_SPECS:
        if edge.table is not None and edge.table_zh is not None:
            names[edge.table] = edge.table
            names[edge.table_zh] = edge.table
    return names


# File stem or sheet name (English or Chinese) → the canonical table name.
TABLE_NAMES = _table_names()


class SourceError(Exception):
    """A source that cannot be read at all (missing, wrong kind, unknown table)."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}：{reason}")
        self.source = source
        self.reason = reason


@dataclass
class RawTable:
    """One table as read: its canonical name, where it came from, header and rows.

    A CSV file whose every row has the header's width is read by columns instead:
    ``columnar`` holds the cells under each header position (Arrow's compact form, turned
    into Python values a column at a time by :meth:`column`), ``numbers`` each row's number,
    and ``rows`` stays empty.
    """

    table: str
    source: str
    header: list[str]
    rows: list[tuple[int, list[Any]]]  # (spreadsheet row number, cells)
    kind: Literal["csv", "xlsx", "records"] = "records"  # records: mappings given by a request
    columnar: pa.Table | None = None
    numbers: list[int] = field(default_factory=list)
    # Columns of a two-row header that name nothing known: (row, column as written, why).
    header_problems: list[tuple[int, str, str]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.numbers) if self.columnar is not None else len(self.rows)

    def column(self, position: int) -> pa.ChunkedArray:
        """The cells under one header position (a table read by columns), as Arrow text."""
        assert self.columnar is not None
        return self.columnar.column(position)

    def cells(self, index: int) -> list[Any]:
        """One row's cells (a table read by columns)."""
        assert self.columnar is not None
        return [column[index].as_py() for column in self.columnar.columns]

    def iter_cells(self) -> Iterator[list[Any]]:
        """Each row's cells, by header position."""
        if self.columnar is None:
            yield from (cells for _, cells in self.rows)
        else:
            yield from (list(row.values()) for row in self.columnar.to_pylist())


def _decode(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Chinese Excel saves "CSV" in the local code page.
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            raise SourceError(str(path), "既不是UTF-8也不是GB18030编码的文本，无法读取") from None


def _is_blank(cells: list[Any]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def canonical_table(source: str, name: str) -> str:
    """The canonical table a file stem or sheet name (English or Chinese) stands for."""
    table = TABLE_NAMES.get(name.strip()) or TABLE_NAMES.get(name.strip().lower())
    if table is None:
        known = "、".join(
            [f"{spec.table_zh}({spec.table})" for spec in NODE_SPECS]
            + [f"{spec.table_zh}({spec.table})" for spec in EDGE_SPECS if spec.table is not None]
        )
        raise SourceError(source, f"没有名为“{name}”的表；文件名或工作表名应为以下之一：{known}")
    return table


def _read_csv(path: Path) -> RawTable:
    table = canonical_table(str(path), path.stem)
    return _read_csv_columns(path, table) or _read_csv_rows(path, table)


def _read_csv_rows(path: Path, table: str) -> RawTable:
    """Any CSV file a row at a time (UTF-8 or GB18030; rows of any width)."""
    reader = csv.reader(io.StringIO(_decode(path), newline=""))
    header: list[str] | None = None
    rows: list[tuple[int, list[Any]]] = []
    for number, cells in enumerate(reader, start=1):
        if header is None:
            if _is_blank(cells):
                continue
            header = [cell.strip() for cell in cells]
            continue
        if not _is_blank(cells):
            rows.append((number, list(cells)))
    if header is None:
        raise SourceError(str(path), "是空文件（没有表头行）")
    return RawTable(table, path.name, header, rows, "csv")


def _read_csv_columns(path: Path, table: str) -> RawTable | None:
    """A well-formed UTF-8 CSV file read by columns with Arrow's parser (in C, a fraction of
    the memory of a list per row); ``None`` for anything else (another encoding, a blank or
    repeated header, a row of another width, ...), which the row reader then reads and
    explains row by row."""
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    first_line, newline, _ = data.partition(b"\n")
    try:
        header_text = first_line.decode("utf-8")
    except UnicodeDecodeError:
        return None
    headers = next(csv.reader([header_text.rstrip("\r")]), [])
    header = [cell.strip() for cell in headers]
    if not newline or '"' in header_text or not all(header) or len(set(header)) < len(header):
        return None
    names = [f"c{position}" for position in range(len(header))]
    misfits: list[int] = []

    def misfit(row: pa_csv.InvalidRow) -> str:
        misfits.append(row.number or 0)
        return "skip"

    try:
        read = pa_csv.read_csv(
            pa.BufferReader(data),
            read_options=pa_csv.ReadOptions(column_names=names, skip_rows=1),
            parse_options=pa_csv.ParseOptions(
                newlines_in_values=True, ignore_empty_lines=False, invalid_row_handler=misfit
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return None
    if misfits:
        return None
    blank = None
    for name in names:
        empty = pa_compute.equal(pa_compute.utf8_trim_whitespace(read[name]), "")
        blank = empty if blank is None else pa_compute.and_(blank, empty)
    keep = pa_compute.invert(blank) if blank is not None else None
    numbers = list(range(2, read.num_rows + 2))
    if keep is not None and not pa_compute.all(keep).as_py():
        read = read.filter(keep)
        numbers = [n for n, kept in zip(numbers, keep.to_pylist(), strict=True) if kept]
    return RawTable(table, path.name, header, [], "csv", columnar=read, numbers=numbers)


def _read_workbook(path: Path) -> Iterator[RawTable]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise SourceError(str(path), f"无法作为.xlsx工作簿打开：{error}") from None
    try:
        for sheet in book.worksheets:
            source = f"{path.name}[{sheet.title}]"
            try:
                table = canonical_table(source, sheet.title)
            except SourceError as error:
                raise _roster_hint(error, sheet) from None
            header: list[str] | None = None
            top: list[Any] = []
            problems: list[tuple[int, str, str]] = []
            rows: list[tuple[int, list[Any]]] = []
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                cells = list(values)
                if header is None:
                    if _is_blank(cells):
                        continue
                    header = ["" if cell is None else str(cell).strip() for cell in cells]
                    top = cells
                    continue
                if top and not rows and is_second_header(top, cells):
                    header, unknown = _two_row_header(table, top, cells)
                    problems = [(number, p.text, p.reason) for p in unknown]
                    top = []
                    continue
                top = []
                if not _is_blank(cells):
                    rows.append((number, cells))
            if header is None:
                continue  # an empty sheet is no table
            if problems or set(header) & {"全日制学历学位", "在职学历学位"}:
                header = expand_education(header, [cells for _, cells in rows])
            yield RawTable(table, source, header, rows, "xlsx", header_problems=problems)
    finally:
        book.close()


def _two_row_header(
    table: str, top: list[Any], below: list[Any]
) -> tuple[list[str], list[HeaderProblem]]:
    """A sheet's header over two rows, with the names its table knows."""
    from loaders.validate import header_map, normalize_header  # validate reads this module

    specs: list[NodeSpec | EdgeSpec] = [*NODE_SPECS, *EDGE_SPECS]
    model = next(spec.model for spec in specs if spec.table == table)
    assert model is not None
    known = header_map(model)
    return combine_header(top, below, lambda name: normalize_header(name) in known)


def _roster_hint(error: SourceError, sheet: Any) -> SourceError:
    """A sheet named as no table: said plainly when it is a roster (干部花名册)."""
    from loaders.forms.roster import looks_like_roster

    head = [list(values) for values in islice(sheet.iter_rows(values_only=True), 15)]
    if not looks_like_roster(head):
        return error
    return SourceError(
        error.source,
        f"工作表“{sheet.title}”不是数据表，看起来是干部花名册：请用 graphsvc import-forms 导入"
        "（graphsvc load 读取以表名命名的工作表，如 干部、岗位、任职经历）",
    )


def input_files(paths: list[Path]) -> list[Path]:
    """The files a load reads: each .csv or .xlsx file given, and those in each folder given.

    Raises
    ------
    SourceError
        For a path that does not exist or is of an unknown kind, or a folder with no tables.
    """
    files: list[Path] = []
    for path in paths:
        if not path.exists():
            raise SourceError(str(path), "不存在")
        if path.is_dir():
            found = sorted(
                file
                for file in path.iterdir()
                if file.suffix.lower() in {".csv", ".xlsx"}
                and not file.name.startswith((".", "~$"))
            )
            if not found:
                raise SourceError(str(path), "文件夹中没有.csv或.xlsx文件")
            files.extend(found)
        elif path.suffix.lower() in {".csv", ".xlsx"}:
            files.append(path)
        else:
            raise SourceError(str(path), "不是文件夹、.csv文件或.xlsx工作簿")
    return files


def read_sources(paths: list[Path]) -> list[RawTable]:
    """Read every table from folders of CSV files, single CSV files and .xlsx workbooks.

    Raises
    ------
    SourceError
        For a path that does not exist, is of an unknown kind, or names an
        unknown table.
    """
    tables: list[RawTable] = []
    for file in input_files(paths):
        if file.suffix.lower() == ".csv":
            tables.append(_read_csv(file))
        else:
            tables.extend(_read_workbook(file))
    return tables
