"""Reading the input format: a folder of CSV files or one .xlsx workbook.

Each file (or sheet) holds one node or relation table, named by its English
or Chinese table name (``cadres.csv`` or ``干部.csv``; a sheet ``干部``). The
first row is the header; data rows are numbered as a spreadsheet shows them
(the first data row is row 2). See ``docs/input-format.md``.

Reading has limits (:class:`ReadLimits`, from the settings): an .xlsx workbook's parts
may not expand past a total size or ratio (checked on the archive's directory before a
byte is inflated; Python's zip reader never inflates a part past its declared size), and
a load reads at most so many rows and cells (counted as they are read). A damaged file
(a cut archive, broken XML, an entity declaration, the wrong kind) is a
:class:`SourceError` naming the file, never a crash; XML is parsed by defusedxml.
"""

from __future__ import annotations

import csv
import io
import logging
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO, Literal

import pyarrow as pa
import pyarrow.compute as pa_compute
import pyarrow.csv as pa_csv

from graphsvc.model import EDGE_SPECS, NODE_SPECS, EdgeSpec, NodeSpec
from graphsvc.settings import get_settings
from loaders.headers import HeaderProblem, combine_header, expand_education, is_second_header

__all__ = [
    "TABLE_NAMES",
    "RawTable",
    "ReadCancelled",
    "ReadLimits",
    "SourceError",
    "TooLarge",
    "canonical_table",
    "input_files",
    "open_workbook",
    "read_sources",
]

log = logging.getLogger("graphsvc.loaders")
_MIB = 1024 * 1024


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


class TooLarge(SourceError):
    """A source past one of the reading limits (:class:`ReadLimits`)."""


class ReadCancelled(Exception):
    """Whoever asked for the read has gone (a client that disconnected)."""


@dataclass(frozen=True)
class ReadLimits:
    """How much one load may read, and whether to stop early.

    ``unzipped_mb``: an .xlsx workbook's parts together, decompressed; ``ratio``: the most
    a part may expand over its compressed size; ``rows`` and ``cells``: over all the files
    of a load; ``cancelled``: asked now and then while reading, True stops the read
    (:class:`ReadCancelled`).
    """

    unzipped_mb: int = 2048
    ratio: int = 100
    rows: int = 5_000_000
    cells: int = 60_000_000
    cancelled: Callable[[], bool] | None = None

    @classmethod
    def from_settings(cls, cancelled: Callable[[], bool] | None = None) -> ReadLimits:
        settings = get_settings()
        return cls(
            unzipped_mb=settings.workbook_max_unzipped_mb,
            ratio=settings.workbook_max_ratio,
            rows=settings.table_max_rows,
            cells=settings.table_max_cells,
            cancelled=cancelled,
        )


class _Tally:
    """Rows and cells read so far in one load, against its limits; checked every so many
    rows while reading, so that a huge sheet stops near the limit, not after it."""

    _EVERY = 1024

    def __init__(self, limits: ReadLimits) -> None:
        self.limits = limits
        self.rows = 0
        self.cells = 0

    def row(self, source: str, cells: int) -> None:
        self.rows += 1
        self.cells += cells
        if self.rows % self._EVERY == 0:
            self.check(source)

    def bulk(self, source: str, rows: int, cells: int) -> None:
        self.rows += rows
        self.cells += cells
        self.check(source)

    def check(self, source: str) -> None:
        limits = self.limits
        if self.rows > limits.rows:
            raise TooLarge(
                source,
                f"行数超过上限（一次最多读取{limits.rows:,}行，设置 GRAPHSVC_TABLE_MAX_ROWS）",
            )
        if self.cells > limits.cells:
            raise TooLarge(
                source,
                f"单元格数超过上限（一次最多读取{limits.cells:,}个，"
                "设置 GRAPHSVC_TABLE_MAX_CELLS）",
            )
        if limits.cancelled is not None and limits.cancelled():
            raise ReadCancelled


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
    if b"\x00" in data:  # no text table holds a NUL: a binary file, or not a CSV at all
        raise SourceError(path.name, "不是文本文件（含有二进制内容），无法作为.csv表读取")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Chinese Excel saves "CSV" in the local code page.
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            raise SourceError(path.name, "既不是UTF-8也不是GB18030编码的文本，无法读取") from None


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


def _read_csv(path: Path, tally: _Tally) -> RawTable:
    table = canonical_table(path.name, path.stem)
    read = _read_csv_columns(path, table) or _read_csv_rows(path, table, tally)
    if read.columnar is not None:
        tally.bulk(path.name, len(read), len(read) * len(read.header))
    return read


def _read_csv_rows(path: Path, table: str, tally: _Tally | None = None) -> RawTable:
    """Any CSV file a row at a time (UTF-8 or GB18030; rows of any width)."""
    tally = tally or _Tally(ReadLimits.from_settings())
    reader = csv.reader(io.StringIO(_decode(path), newline=""))
    header: list[str] | None = None
    rows: list[tuple[int, list[Any]]] = []
    try:
        for number, cells in enumerate(reader, start=1):
            tally.row(path.name, len(cells))
            if header is None:
                if _is_blank(cells):
                    continue
                header = [cell.strip() for cell in cells]
                continue
            if not _is_blank(cells):
                rows.append((number, list(cells)))
    except csv.Error as error:
        raise SourceError(path.name, f"CSV格式有误（第{reader.line_num}行）：{error}") from None
    tally.check(path.name)
    if header is None:
        raise SourceError(path.name, "是空文件（没有表头行）")
    return RawTable(table, path.name, header, rows, "csv")


def _read_csv_columns(path: Path, table: str) -> RawTable | None:
    """A well-formed UTF-8 CSV file read by columns with Arrow's parser (in C, a fraction of
    the memory of a list per row); ``None`` for anything else (another encoding, a blank or
    repeated header, a row of another width, ...), which the row reader then reads and
    explains row by row."""
    data = path.read_bytes()
    # Offsets and slices of one buffer: a file's bytes are never copied.
    start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    end = data.find(b"\n", start)
    try:
        header_text = data[start : max(end, start)].decode("utf-8")
    except UnicodeDecodeError:
        return None
    headers = next(csv.reader([header_text.rstrip("\r")]), [])
    header = [cell.strip() for cell in headers]
    if end < 0 or '"' in header_text or not all(header) or len(set(header)) < len(header):
        return None
    names = [f"c{position}" for position in range(len(header))]
    misfits: list[int] = []

    def misfit(row: pa_csv.InvalidRow) -> str:
        misfits.append(row.number or 0)
        return "skip"

    try:
        read = pa_csv.read_csv(
            pa.BufferReader(pa.py_buffer(data).slice(start)),
            read_options=pa_csv.ReadOptions(column_names=names, skip_rows=1),
            parse_options=pa_csv.ParseOptions(
                # Without a quote no value can hold a line break: Arrow then parses blocks
                # of the file on every core instead of one.
                newlines_in_values=b'"' in data,
                ignore_empty_lines=False,
                invalid_row_handler=misfit,
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
    blank = _blank_rows(read)
    numbers = list(range(2, read.num_rows + 2))
    if blank is not None:
        keep = pa_compute.invert(blank)
        read = read.filter(keep)
        numbers = [n for n, kept in zip(numbers, keep.to_pylist(), strict=True) if kept]
    return RawTable(table, path.name, header, [], "csv", columnar=read, numbers=numbers)


def _blank_rows(read: pa.Table) -> pa.ChunkedArray | None:
    """Which rows have nothing but white space in every cell; ``None`` when none has.

    Column by column, stopping at the first column with no blank cell (usually the first:
    an id), and without making trimmed copies of the cells.
    """
    blank = None
    for column in read.columns:
        empty = pa_compute.or_(
            pa_compute.equal(pa_compute.binary_length(column), 0), pa_compute.utf8_is_space(column)
        )
        blank = empty if blank is None else pa_compute.and_(blank, empty)
        if not pa_compute.any(blank).as_py():
            return None
    return blank


def _check_archive(path: Path | BinaryIO, limits: ReadLimits, name: str) -> None:
    """Refuse a workbook whose parts would expand past the limits, before inflating any:
    the sizes come from the archive's directory, and Python's zip reader never inflates a
    part past its declared size (a part that holds more fails its CRC check)."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise SourceError(name, _DAMAGED_ZIP) from None
    if not isinstance(path, Path):
        path.seek(0)
    total = sum(part.file_size for part in parts)
    if total > limits.unzipped_mb * _MIB:
        raise TooLarge(
            name,
            f"解压后共{total / _MIB:,.0f} MB，超过上限{limits.unzipped_mb:,} MB"
            "（设置 GRAPHSVC_WORKBOOK_MAX_UNZIPPED_MB）：可能是恶意构造的压缩文件，"
            "或请拆分成几个工作簿",
        )
    for part in parts:
        # Small parts compress well by nature; a large one expanding hundreds of times is a bomb.
        if part.file_size > _MIB and part.file_size > limits.ratio * max(part.compress_size, 1):
            raise TooLarge(
                name,
                f"其中的“{part.filename}”解压后是压缩时的"
                f"{part.file_size // max(part.compress_size, 1):,}倍，超过上限{limits.ratio}倍"
                "（设置 GRAPHSVC_WORKBOOK_MAX_RATIO）：可能是恶意构造的压缩文件（“压缩炸弹”）",
            )


_DAMAGED_ZIP = "不是有效的.xlsx工作簿（文件已损坏、被截断，或并非Excel工作簿）"


def _damaged(error: BaseException) -> str:
    """What is wrong with a workbook openpyxl could not read, in the reader's words (the
    cause is looked for along the chain: openpyxl wraps the parser's error in its own)."""
    chain: list[BaseException] = []
    cause: BaseException | None = error
    while cause is not None and cause not in chain:
        chain.append(cause)
        cause = cause.__cause__ or cause.__context__
    names = {type(link).__name__ for link in chain}
    if names & {"EntitiesForbidden", "DTDForbidden", "ExternalReferenceForbidden"}:
        return "工作簿的XML含有实体或外部引用声明，出于安全原因拒绝读取"
    if any(isinstance(link, zipfile.BadZipFile | EOFError) for link in chain):
        return _DAMAGED_ZIP
    if "ParseError" in names:
        return "工作簿中的XML已损坏（文件可能被截断或被改动），无法读取"
    if any(isinstance(link, KeyError) for link in chain):
        return "工作簿缺少必需的组成部分（文件已损坏或并非Excel工作簿）"
    return "工作簿已损坏，无法读取；请在Excel中打开并另存为.xlsx后再试"


def open_workbook(
    path: Path | BinaryIO, limits: ReadLimits | None = None, *, name: str | None = None
) -> Any:
    """Open an .xlsx workbook read-only, values only, after its archive passed the limits.
    ``path`` is a file, or an upload's content (``name`` then names it in problems).

    Raises
    ------
    SourceError
        The file is damaged or not a workbook (:class:`TooLarge` past a limit).
    """
    from openpyxl import DEFUSEDXML, load_workbook

    name = name or (path.name if isinstance(path, Path) else "工作簿")
    if not DEFUSEDXML:  # openpyxl parses with defusedxml only when it is there and allowed
        raise SourceError(name, "服务器未启用安全的XML解析（defusedxml），拒绝读取工作簿")
    _check_archive(path, limits or ReadLimits.from_settings(), name)
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        log.info("cannot open workbook %s: %r", name, error)
        raise SourceError(name, _damaged(error)) from None


def _read_workbook(path: Path, tally: _Tally) -> Iterator[RawTable]:
    book = open_workbook(path, tally.limits)
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
            try:
                for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                    cells = list(values)
                    tally.row(source, len(cells))  # checked while reading, not after
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
                tally.check(source)
            except (SourceError, ReadCancelled):
                raise
            except Exception as error:  # a part that breaks only once it is read
                log.info("cannot read sheet %s: %r", source, error)
                raise SourceError(source, _damaged(error)) from None
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


def read_sources(paths: list[Path], *, limits: ReadLimits | None = None) -> list[RawTable]:
    """Read every table from folders of CSV files, single CSV files and .xlsx workbooks,
    within ``limits`` (by default the settings').

    Raises
    ------
    SourceError
        For a path that does not exist, is of an unknown kind, is damaged, or names an
        unknown table; :class:`TooLarge` past a limit.
    ReadCancelled
        ``limits.cancelled`` said so.
    """
    tally = _Tally(limits or ReadLimits.from_settings())
    tables: list[RawTable] = []
    for file in input_files(paths):
        if file.suffix.lower() == ".csv":
            tables.append(_read_csv(file, tally))
        else:
            tables.extend(_read_workbook(file, tally))
    return tables
