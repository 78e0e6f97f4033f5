"""Turning raw tables into a validated graph batch, reporting every problem at once.

Each problem names the source (file or sheet), the row as a spreadsheet shows
it, the column as the file spells it, the value, and why. Checks:

- headers: required columns present, no column given twice;
- rows: no more cells than the header has columns (an unquoted comma shifts every value after
  it), no short row that leaves out a required column;
- cells: the model's types, vocabularies, ranges and date forms;
- ID numbers: the check digit and the birth date inside, as errors or warnings by setting;
- duplicates: ids and relations given twice within the load;
- references: every id a row names exists in the load or already in the store.

Reasons are in Chinese (see :mod:`loaders.messages`), for the clerk who fixes the file.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, partial
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray
from pydantic import ValidationError

from graphsvc.id_number import birth_date_problem, check_digit_problem
from graphsvc.model import EDGE_SPECS, NODE_SPECS, Cadre, EdgeSpec, NodeSpec, Record
from graphsvc.rows import (
    EdgeRow,
    EdgeTable,
    GraphBatch,
    NodeRow,
    NodeTable,
    ProgressCallback,
    edge_row_from_values,
    node_row_from_values,
    record_props,
)
from graphsvc.settings import get_settings
from graphsvc.snapshot import edge_fields, node_fields
from graphsvc.stores.base import GraphStore
from loaders.columns import Accepted, accept_rows, column_plan
from loaders.headers import column_letter
from loaders.messages import cell_problem
from loaders.tables import RawTable

__all__ = [
    "IdNumberCheck",
    "LoadIssue",
    "ValidatedLoad",
    "header_map",
    "normalize_header",
    "validate_tables",
]


@dataclass(frozen=True)
class LoadIssue:
    """One problem with the input, precise enough to fix without guessing."""

    source: str
    row: int | None
    column: str | None
    reason: str
    value: Any = None

    @property
    def location(self) -> str:
        """Where, as the clerk reads it: ``cadres.csv 第4行 「出生年月」列``."""
        where = self.source
        if self.row is not None:
            where += f" 第{self.row}行"
        if self.column:
            where += f" 「{self.column}」列"
        return where

    def __str__(self) -> str:
        shown = "" if self.value is None else f"（值：{self.value}）"
        return f"{self.location}：{self.reason}{shown}"

    def as_dict(self) -> dict[str, Any]:
        value = self.value if self.value is None else str(self.value)
        return {
            "source": self.source,
            "row": self.row,
            "column": self.column,
            "reason": self.reason,
            "value": value,
        }


@dataclass
class ValidatedLoad:
    batch: GraphBatch
    issues: list[LoadIssue] = field(default_factory=list)
    warnings: list[LoadIssue] = field(default_factory=list)
    rows_by_table: dict[str, int] = field(default_factory=dict)


def normalize_header(text: str) -> str:
    """A header as compared with the model's titles and aliases."""
    return (
        text.strip()
        .lower()
        .replace("（", "(")
        .replace("）", ")")
        .replace(" ", "")
        .replace("\u3000", "")
        .replace("_", "")
    )


def header_map(model: type[Record]) -> dict[str, str]:
    """Every accepted header (normalized) → field name.

    Accepted: the English field name, its Chinese title, and its aliases.
    """
    mapping: dict[str, str] = {}
    for name, info in model.model_fields.items():
        names = [name]
        if info.title:
            names.append(info.title)
        extra = info.json_schema_extra
        if isinstance(extra, dict):
            aliases = extra.get("aliases")
            if isinstance(aliases, list):
                names.extend(str(alias) for alias in aliases)
        for header in names:
            mapping.setdefault(normalize_header(header), name)
    return mapping


_NODE_SPECS = {spec.label: spec for spec in NODE_SPECS}
_EDGE_SPECS = {spec.type: spec for spec in EDGE_SPECS}
_SPECS_BY_TABLE: dict[str, NodeSpec | EdgeSpec] = {
    **{spec.table: spec for spec in NODE_SPECS},
    **{spec.table: spec for spec in EDGE_SPECS if spec.table is not None},
}


def _column_of(columns: dict[str, str], model: type[Record], name: str) -> str:
    if name in columns:
        return columns[name]
    info = model.model_fields.get(name)
    return (info.title or name) if info is not None else name


_ANY_ID = "\x00any"  # stands for "every id": a table whose id column is missing
_TABLE_ZH = {
    **{spec.table: spec.table_zh for spec in NODE_SPECS},
    **{spec.table: spec.table_zh for spec in EDGE_SPECS if spec.table and spec.table_zh},
}
_LABEL_ZH = {spec.label: spec.table_zh for spec in NODE_SPECS}
IdNumberCheck = Literal["error", "warn"]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _shown(cells: list[Any]) -> str:
    text = "”“".join(str(cell) for cell in cells)
    return text if len(text) <= 60 else text[:57] + "…"


def _row_shape_problem(
    table: RawTable,
    number: int,
    cells: list[Any],
    positions: dict[str, int],
    columns: dict[str, str],
    required: set[str],
    warnings: list[LoadIssue],
) -> LoadIssue | None:
    """A row whose cells do not line up with the header: refused, since every value after an
    unquoted comma (or a missing one) sits under the wrong column. Trailing empty cells are
    harmless; so is a short row whose missing cells are all optional (read as empty, said in a
    warning)."""
    width = len(table.header)
    unheaded = [
        (position, cell)
        for position, cell in enumerate(cells)
        if not _blank(cell) and (position >= width or not table.header[position])
    ]
    if unheaded:
        shown = _shown([cell for _, cell in unheaded])
        if table.kind == "csv" and all(position >= width for position, _ in unheaded):
            last = max(position for position, cell in enumerate(cells) if not _blank(cell))
            reason = (
                f"第{number}行有{last + 1}个单元格，表头只有{width}列：多出的单元格“{shown}”"
                "可能是备注等内容中未加引号的逗号；请给含逗号的内容加英文双引号，或删去逗号"
            )
        else:
            letters = "、".join(column_letter(position) for position, _ in unheaded)
            reason = (
                f"第{number}行的{letters}列有内容“{shown}”，但该列没有表头；"
                "请补上表头，或删去这些内容"
            )
        return LoadIssue(table.source, number, None, reason)
    if len(cells) < width:
        cut = [name for name, position in positions.items() if position >= len(cells)]
        if not cut:
            return None
        names = "、".join(columns[name] for name in sorted(cut, key=positions.__getitem__))
        if any(name in required for name in cut):
            return LoadIssue(
                table.source,
                number,
                None,
                f"第{number}行只有{len(cells)}个单元格，表头有{width}列：缺少必填列{names}；"
                "可能少了逗号或整行被截断",
            )
        warnings.append(
            LoadIssue(
                table.source,
                number,
                None,
                f"第{number}行只有{len(cells)}个单元格，表头有{width}列：{names}按空值读入",
            )
        )
    return None


def _id_number_problems(model: type[Record], values: dict[str, Any]) -> list[str]:
    """The check digit and the birth date inside a cadre's ID number (its shape is the model's)."""
    id_number = values.get("id_number")
    if id_number is None or model is not Cadre:
        return []
    birth = values["birth"]
    problems = [check_digit_problem(id_number)]
    problems.append(birth_date_problem(id_number, birth, with_day=birth.day != 1))
    return [problem for problem in problems if problem is not None]


def _raw_id(cells: list[Any], position: int) -> str:
    value = cells[position] if position < len(cells) else None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def _validate_table(
    table: RawTable,
    spec: NodeSpec | EdgeSpec,
    issues: list[LoadIssue],
    warnings: list[LoadIssue],
    on_rows: Callable[[int], None],
    seen_ids: set[str] | None,
    id_number_check: IdNumberCheck,
    by_columns: bool,
) -> _Checked | None:
    """Validate one table's rows. Ids of rows that fail go into ``seen_ids`` (when given),
    so that relations naming them are not reported a second time as unknown."""
    model = spec.model
    assert model is not None  # every table has a model; reference edges have no table
    headers = header_map(model)
    for row, column, reason in table.header_problems:  # a two-row header's unknown group
        issues.append(LoadIssue(table.source, row, column, reason))
    columns: dict[str, str] = {}  # field name → header as spelled in the file
    positions: dict[str, int] = {}
    for position, header in enumerate(table.header):
        if not header:
            continue
        field_name = headers.get(normalize_header(header))
        if field_name is None:
            # Spreadsheets carry extra columns (序号, 备注); say so, but do not refuse them.
            warnings.append(
                LoadIssue(
                    table.source,
                    1,
                    header,
                    f"此列未读入：不是{_TABLE_ZH[table.table]}表的字段；该表的列为"
                    + "、".join(info.title or name for name, info in model.model_fields.items()),
                )
            )
            continue
        if field_name in columns:
            issues.append(
                LoadIssue(
                    table.source,
                    1,
                    header,
                    f"与「{columns[field_name]}」列是同一字段，只能给一次",
                )
            )
            continue
        columns[field_name] = header
        positions[field_name] = position
    missing = [
        name
        for name, info in model.model_fields.items()
        if info.is_required() and name not in columns
    ]
    for name in missing:
        issues.append(LoadIssue(table.source, 1, _column_of(columns, model, name), "缺少必填列"))
    if missing:
        if seen_ids is not None:
            if "id" not in positions:
                seen_ids.add(_ANY_ID)
            else:
                seen_ids.update(_raw_id(cells, positions["id"]) for cells in table.iter_cells())
        on_rows(len(table))
        return None

    rows = _lined_up(table, positions, columns, model, issues, warnings, seen_ids)
    on_rows(len(table) - len(rows.numbers))
    types = _field_types(spec)
    count = len(rows.numbers)
    if by_columns:
        accepted = accept_rows(
            column_plan(model),
            {name: rows.column(position) for name, position in positions.items()},
            count,
            all_text=table.kind == "csv",
            types=types,
        )
    else:
        accepted = Accepted({}, list(range(count)))
    # The exact path: each doubtful row through the model, its problems written down.
    judged: dict[int, dict[str, Any]] = {}
    for index in accepted.judged:
        cells = rows.cells(index)
        stored = _judge_row(table, model, rows.numbers[index], cells, positions, columns, issues)
        if stored is not None:
            judged[index] = stored
        elif seen_ids is not None and "id" in positions:
            seen_ids.add(_raw_id(cells, positions["id"]))
    schema = pa.schema(list(types.items()))
    if by_columns:
        values = _merged(accepted, judged, schema, count)
        numbers = np.asarray(rows.numbers, dtype=np.int64)
        if judged or accepted.judged:
            numbers = numbers[_kept(accepted.judged, judged, count)]
        stored_rows = None
    else:
        order = sorted(judged)
        stored_rows = [judged[index] for index in order]
        values = pa.Table.from_pylist(stored_rows, schema=schema)
        numbers = np.asarray([rows.numbers[index] for index in order], dtype=np.int64)
    checked = _Checked(spec, model, table.source, columns, numbers, values, stored_rows)
    if model is Cadre and "id_number" in positions:
        checked = _check_id_numbers(checked, issues, warnings, seen_ids, id_number_check)
    on_rows(count)
    return checked


def _field_types(spec: NodeSpec | EdgeSpec) -> dict[str, pa.DataType]:
    """Every field of a table's model with its Arrow type, in the model's order."""
    return dict(_field_types_of(spec))


@cache
def _field_types_of(spec: NodeSpec | EdgeSpec) -> dict[str, pa.DataType]:
    if isinstance(spec, NodeSpec):
        props = node_fields(spec.label)
        ends = {"id": pa.string()}
    else:
        props = edge_fields(spec.type)
        ends = {spec.source_field: pa.string(), spec.target_field: pa.string()}
    model = spec.model
    assert model is not None
    known = {**ends, **props}
    return {name: known[name] for name in model.model_fields}


def _kept(refused: list[int], judged: dict[int, dict[str, Any]], count: int) -> NDArray[np.bool_]:
    """Which rows stay: those accepted by columns, and those the exact path let through."""
    keep = np.ones(count, dtype=bool)
    keep[refused] = False
    keep[list(judged)] = True
    return keep


def _merged(
    accepted: Accepted, judged: dict[int, dict[str, Any]], schema: pa.Schema, count: int
) -> pa.Table:
    """The rows that stay, in their order, as typed columns: the columns' values for the rows
    accepted by columns, the model's for the rows judged one by one."""
    columns = [
        accepted.columns[field.name]
        if field.name in accepted.columns
        else pa.nulls(count, field.type)
        for field in schema
    ]
    table = pa.Table.from_arrays(columns, schema=schema) if count else schema.empty_table()
    if not accepted.judged:
        return table
    keep = np.ones(count, dtype=bool)
    keep[accepted.judged] = False
    parts = [table.filter(pa.array(keep))]
    if judged:
        parts.append(pa.Table.from_pylist([judged[index] for index in sorted(judged)], schema))
    positions = np.concatenate([np.flatnonzero(keep), np.asarray(sorted(judged), dtype=np.int64)])
    return pa.concat_tables(parts).take(pa.array(np.argsort(positions, kind="stable")))


@dataclass
class _Checked:
    """One table's rows that passed validation, as typed columns, and where each came from."""

    spec: NodeSpec | EdgeSpec
    model: type[Record]
    source: str
    columns: dict[str, str]  # field name → header as spelled in the file
    numbers: NDArray[np.int64]  # each row's number in the file
    values: pa.Table  # every field of the model, typed; null: no value
    stored: list[dict[str, Any]] | None  # by_columns=False: each row's values from the model

    def column_header(self, name: str) -> str:
        return _column_of(self.columns, self.model, name)

    def keep(self, mask: NDArray[np.bool_]) -> _Checked:
        stored = None
        if self.stored is not None:
            stored = [row for row, kept in zip(self.stored, mask.tolist(), strict=True) if kept]
        return _Checked(
            self.spec,
            self.model,
            self.source,
            self.columns,
            self.numbers[mask],
            self.values.filter(pa.array(mask)),
            stored,
        )


def _check_id_numbers(
    checked: _Checked,
    issues: list[LoadIssue],
    warnings: list[LoadIssue],
    seen_ids: set[str] | None,
    id_number_check: IdNumberCheck,
) -> _Checked:
    """The check digit and birth date of every cadre's ID number, as errors or warnings.

    By columns only the rows an array test doubts are looked at one by one; the exact path
    (``stored``) looks at every row."""
    values = checked.values
    if checked.stored is None:
        doubtful = np.flatnonzero(_id_number_doubts(values)).tolist()
        taken = values.select(["id", "id_number", "birth"]).take(pa.array(doubtful, pa.int64()))
        ids, numbers, births = (column.to_pylist() for column in taken.columns)
        looked = [
            (index, {"id": node_id, "id_number": number, "birth": birth})
            for index, node_id, number, birth in zip(doubtful, ids, numbers, births, strict=True)
        ]
    else:
        looked = list(enumerate(checked.stored))
    drop: list[int] = []
    header = checked.column_header("id_number")
    for index, stored in looked:
        problems = _id_number_problems(Cadre, stored)
        if not problems:
            continue
        number = int(checked.numbers[index])
        for reason in problems:
            (warnings if id_number_check == "warn" else issues).append(
                LoadIssue(checked.source, number, header, reason, stored.get("id_number"))
            )
        if id_number_check == "error":
            drop.append(index)
            if seen_ids is not None:
                seen_ids.add(str(stored["id"]))
    if not drop:
        return checked
    mask = np.ones(len(checked.numbers), dtype=bool)
    mask[drop] = False
    return checked.keep(mask)


_ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_ID_CHECK = np.frombuffer(b"10X98765432", dtype=np.uint8)


def _id_number_doubts(values: pa.Table) -> NDArray[np.bool_]:
    """Rows whose ID number may have a wrong check character or birth date: every row but
    those whose number an array test finds right (the exact check then looks at these)."""
    count = values.num_rows
    numbers = values.column("id_number").combine_chunks()
    present = pc.is_valid(numbers).to_numpy(zero_copy_only=False)
    doubts = np.zeros(count, dtype=bool)
    rows = np.flatnonzero(present)
    if not len(rows):
        return doubts
    text = numbers.filter(pa.array(present)).cast(pa.binary())
    if not pc.all(pc.equal(pc.binary_length(text), 18)).as_py():
        doubts[rows] = True  # not the model's shape: let the exact check say so
        return doubts
    start = text.offset
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int32)[start : start + len(text) + 1]
    data = np.frombuffer(text.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
    chars = data.reshape(len(text), 18)
    digits = chars[:, :17].astype(np.int64) - ord("0")
    right_check = chars[:, 17] == _ID_CHECK[(digits @ _ID_WEIGHTS) % 11]
    year = digits[:, 6:10] @ np.array([1000, 100, 10, 1])
    month = digits[:, 10:12] @ np.array([10, 1])
    day = digits[:, 12:14] @ np.array([10, 1])
    births = values.column("birth").combine_chunks().filter(pa.array(present))
    birth = births.to_numpy(zero_copy_only=False).astype("datetime64[D]")
    birth_month = birth.astype("datetime64[M]")
    birth_year = birth.astype("datetime64[Y]").astype(np.int64) + 1970
    birth_day = (birth - birth_month.astype("datetime64[D]")).astype(np.int64) + 1
    month_number = birth_month.astype(np.int64) % 12 + 1
    valid_month = (month >= 1) & (month <= 12)
    first = ((year - 1970) * 12 + np.clip(month, 1, 12) - 1).astype("datetime64[M]")
    length = ((first + 1).astype("datetime64[D]") - first.astype("datetime64[D]")).astype(np.int64)
    valid = valid_month & (day >= 1) & (day <= length)
    same = valid & (year == birth_year) & (month == month_number)
    same &= (birth_day == 1) | (day == birth_day)
    doubts[rows] = ~(right_check & same)
    return doubts


@dataclass
class _Rows:
    """The rows of a table whose cells line up with its header: as read (a list of rows),
    or by columns (read so from CSV)."""

    numbers: list[int]
    by_row: list[list[Any]] | None = None
    by_column: RawTable | None = None

    def column(self, position: int) -> list[Any] | pa.ChunkedArray:
        if self.by_column is not None:
            return self.by_column.column(position)
        assert self.by_row is not None
        return [cells[position] if position < len(cells) else None for cells in self.by_row]

    def cells(self, index: int) -> list[Any]:
        if self.by_column is not None:
            return self.by_column.cells(index)
        assert self.by_row is not None
        return self.by_row[index]


def _lined_up(
    table: RawTable,
    positions: dict[str, int],
    columns: dict[str, str],
    model: type[Record],
    issues: list[LoadIssue],
    warnings: list[LoadIssue],
    seen_ids: set[str] | None,
) -> _Rows:
    """The rows fit to validate. Rows whose cells do not line up with the header are looked
    at one by one: refused, or kept with a warning when only optional cells are missing."""
    if table.columnar is not None:  # read by columns: every row has the header's width
        return _Rows(table.numbers, by_column=table)
    required = {name for name, info in model.model_fields.items() if info.is_required()}
    width = len(table.header)
    headed = all(table.header)
    numbers: list[int] = []
    kept: list[list[Any]] = []
    for number, cells in table.rows:
        if not (len(cells) == width and headed):
            shape = _row_shape_problem(table, number, cells, positions, columns, required, warnings)
            if shape is not None:
                issues.append(shape)
                if seen_ids is not None and "id" in positions:
                    seen_ids.add(_raw_id(cells, positions["id"]))
                continue
        numbers.append(number)
        kept.append(cells)
    return _Rows(numbers, by_row=kept)


def _judge_row(
    table: RawTable,
    model: type[Record],
    number: int,
    cells: list[Any],
    positions: dict[str, int],
    columns: dict[str, str],
    issues: list[LoadIssue],
) -> dict[str, Any] | None:
    """The exact path: one row through the model, each problem written down as the clerk
    reads it. Returns the row's stored values, or ``None`` when it has problems."""
    data: dict[str, Any] = {}
    for name, position in positions.items():
        value = cells[position] if position < len(cells) else None
        if _blank(value):
            continue
        data[name] = value
    try:
        record = model.model_validate(data)
    except ValidationError as error:
        for detail in error.errors(include_url=False):
            loc = detail.get("loc") or ()
            failed = str(loc[0]) if loc else None
            column = _column_of(columns, model, failed) if failed else None
            issues.append(
                LoadIssue(
                    table.source,
                    number,
                    column,
                    cell_problem(detail, column or _TABLE_ZH[table.table]),
                    data.get(failed) if failed else None,
                )
            )
        return None
    return record_props(record)


# ------------------------------------------------------------ a label's or type's rows


@dataclass
class _Kind:
    """Every checked row of one node label or relation type, from all its tables."""

    spec: NodeSpec | EdgeSpec
    parts: list[_Checked]
    values: pa.Table  # the parts' rows one after the other
    keys: pa.Array | None  # relations: each row's key (tells apart edges of the same ends)

    @classmethod
    def of(cls, spec: NodeSpec | EdgeSpec, parts: list[_Checked]) -> _Kind:
        if not parts:  # most tables of a one-row write: no Arrow call (~0.2 ms each)
            return cls(
                spec, parts, _empty_table(spec), _NO_TEXT if isinstance(spec, EdgeSpec) else None
            )
        values = pa.concat_tables([part.values for part in parts]).combine_chunks()
        keys = _edge_keys(spec, values) if isinstance(spec, EdgeSpec) else None
        return cls(spec, parts, values, keys)

    def where(self, index: int) -> tuple[_Checked, int]:
        """The table a row came from and its number there."""
        for part in self.parts:
            if index < len(part.numbers):
                return part, int(part.numbers[index])
            index -= len(part.numbers)
        raise IndexError(index)

    def ids(self, name: str) -> pa.Array:
        """One id field of every row, as text (null: none)."""
        column = self.values.column(name).combine_chunks()
        return column if column.type == pa.string() else column.cast(pa.string())


_NO_TEXT = pa.array([], pa.string())


@cache
def _empty_table(spec: NodeSpec | EdgeSpec) -> pa.Table:
    """A table's columns without rows (Arrow tables are immutable: one serves every load)."""
    return pa.schema(list(_field_types_of(spec).items())).empty_table()


def _edge_keys(spec: EdgeSpec, values: pa.Table) -> pa.Array:
    """Each relation's key (:func:`graphsvc.rows.edge_key`), computed by columns."""
    count = values.num_rows
    if not spec.key_fields:
        return pa.array([""] * count, pa.string())
    parts: list[pa.Array] = []
    for name in spec.key_fields:
        column = values.column(name).combine_chunks()
        if pa.types.is_date32(column.type) or pa.types.is_string(column.type):
            text = column.cast(pa.string())
        else:  # str(value or ""), as edge_key writes other values
            text = pa.array([str(value or "") for value in column.to_pylist()], pa.string())
        parts.append(pc.fill_null(text, ""))
    if len(parts) == 1:
        return parts[0]
    return pc.binary_join_element_wise(*parts, "|")


def _all_distinct(columns: list[pa.Array]) -> bool:
    """Whether no two rows have the same values in ``columns``: sorted (input files are
    mostly in order already), then each row compared with the next, in C."""
    table = pa.table({f"c{number}": column for number, column in enumerate(columns)})
    if table.num_rows < 2:
        return True
    order = pc.sort_indices(table, sort_keys=[(name, "ascending") for name in table.column_names])
    ordered = table.take(order)
    same: pa.Array | None = None
    for column in ordered.columns:
        equal = pc.equal(column.slice(1), column.slice(0, table.num_rows - 1))
        same = equal if same is None else pc.and_(same, equal)
    return not pc.any(same).as_py()


def _duplicates(kinds: dict[str, _Kind], issues: list[LoadIssue]) -> None:
    """Report ids (nodes) and (source, target, key) (relations) given twice."""
    for kind in kinds.values():
        spec = kind.spec
        if kind.values.num_rows < 2:
            continue  # nothing can be given twice
        if isinstance(spec, NodeSpec):
            ends = [kind.ids("id")]
        else:
            assert kind.keys is not None
            ends = [kind.ids(spec.source_field), kind.ids(spec.target_field), kind.keys]
        if _all_distinct(ends):
            continue  # the common case: nothing given twice, no need to say where
        names = ("id",) if isinstance(spec, NodeSpec) else ("source", "target", "key")
        frame = pd.DataFrame(
            {
                name: column.to_numpy(zero_copy_only=False)
                for name, column in zip(names, ends, strict=True)
            }
        )
        again = frame.duplicated().to_numpy()
        if not again.any():
            continue
        first_of = frame.reset_index().groupby(list(frame.columns), sort=False)["index"].first()
        for index in np.flatnonzero(again).tolist():
            row = tuple(frame.iloc[index])
            part, number = kind.where(index)
            first, first_number = kind.where(int(first_of[row if len(row) > 1 else row[0]]))
            where = f"已在{first.source} 第{first_number}行出现"
            if isinstance(spec, NodeSpec):
                reason = f"{_LABEL_ZH[spec.label]}编号重复：{where}"
                issues.append(
                    LoadIssue(part.source, number, part.column_header("id"), reason, row[0])
                )
            else:
                issues.append(
                    LoadIssue(part.source, number, None, f"{spec.table_zh}记录重复：{where}")
                )


_Reference = tuple[_Checked, int, str, str, str]  # table, row number, field, target label, id


def _unknown_references(
    kinds: dict[str, _Kind], failed_ids: dict[str, set[str]]
) -> Iterator[_Reference]:
    """Every id a row names that is not in the load (nor among the rows that failed). Checked
    a column at a time; rows are visited one by one only when some id is missing."""
    known: dict[str, pa.Array] = {}
    for label, kind in kinds.items():
        if isinstance(kind.spec, NodeSpec):
            failed = sorted(failed_ids.get(label, set()) - {_ANY_ID})
            if not kind.values.num_rows and not failed:
                known[label] = _NO_TEXT  # no id of that label in the load
                continue
            known[label] = pa.concat_arrays([kind.ids("id"), pa.array(failed, pa.string())])
    for kind in kinds.values():
        spec = kind.spec
        if not kind.values.num_rows:
            continue
        if isinstance(spec, NodeSpec):
            fields = [(ref.field, ref.target) for ref in spec.references]
        else:
            fields = [(spec.source_field, spec.source), (spec.target_field, spec.target)]
        missing: list[tuple[str, str, NDArray[np.bool_], pa.Array]] = []
        for field_name, label in fields:
            if _ANY_ID in failed_ids.get(label, set()):
                continue  # that table could not be read at all; it is reported already
            ids = kind.ids(field_name)
            absent = pc.and_(pc.is_valid(ids), pc.invert(pc.is_in(ids, value_set=known[label])))
            mask = absent.to_numpy(zero_copy_only=False)
            if mask.any():
                missing.append((field_name, label, mask, ids))
        if not missing:
            continue
        rows = np.flatnonzero(np.logical_or.reduce([mask for _, _, mask, _ in missing]))
        for index in rows.tolist():
            part, number = kind.where(index)
            for field_name, label, mask, ids in missing:
                if mask[index]:
                    yield part, number, field_name, label, str(ids[index].as_py())


def _check_references(
    items: Iterable[_Reference], store: GraphStore | None, issues: list[LoadIssue]
) -> None:
    """``items``: ids not in the load; they are looked up in the store."""
    pending: dict[str, list[_Reference]] = defaultdict(list)
    for item in items:
        pending[item[3]].append(item)
    for label, rows in pending.items():
        in_store = store.existing_ids(label, {row[4] for row in rows}) if store else set()
        for part, number, field_name, _, target_id in rows:
            if target_id in in_store:
                continue
            issues.append(
                LoadIssue(
                    part.source,
                    number,
                    part.column_header(field_name),
                    f"本次导入和库中都没有编号为“{target_id}”的{_LABEL_ZH[label]}",
                    target_id,
                )
            )


def _table_of(kind: _Kind) -> NodeTable | EdgeTable:
    """A label's or type's rows as the columns a store writes."""
    spec = kind.spec
    values = kind.values
    if isinstance(spec, NodeSpec):
        return NodeTable(spec.label, kind.ids("id"), values.drop_columns(["id"]))
    assert kind.keys is not None
    return EdgeTable(
        spec.type,
        kind.ids(spec.source_field),
        kind.ids(spec.target_field),
        kind.keys,
        values.drop_columns([spec.source_field, spec.target_field]),
    )


def _rows_of(kind: _Kind) -> list[NodeRow | EdgeRow]:
    """A label's or type's rows as objects, from the model's values (the exact path)."""
    spec = kind.spec
    to_row = (
        partial(node_row_from_values, spec)
        if isinstance(spec, NodeSpec)
        else partial(edge_row_from_values, spec)
    )
    return [to_row(dict(stored)) for part in kind.parts for stored in part.stored or []]


def validate_tables(
    tables: list[RawTable],
    store: GraphStore | None = None,
    *,
    on_progress: ProgressCallback | None = None,
    id_number_check: IdNumberCheck | None = None,
    by_columns: bool = True,
) -> ValidatedLoad:
    """Validate raw tables into a batch; ``issues`` lists every problem found.

    The batch must not be written when ``issues`` is not empty. ``id_number_check``: whether
    a wrong ID-number check digit or birth date is an ``"error"`` or a ``"warn"``ing; by
    default the setting ``GRAPHSVC_ID_NUMBER_CHECK``. By columns (the default) the batch
    holds each label's and type's rows as typed columns (:class:`graphsvc.rows.NodeTable`);
    ``by_columns=False`` sends every row through the model one at a time and gives row
    objects: the reference the column path (:mod:`loaders.columns`) is tested against.
    """
    check = id_number_check or get_settings().id_number_check
    issues: list[LoadIssue] = []
    total = sum(len(table) for table in tables)
    done = 0

    def on_rows(count: int) -> None:
        nonlocal done
        done += count
        if on_progress is not None and count:
            on_progress("validate", done, total)

    by_table: dict[str, list[RawTable]] = defaultdict(list)
    for table in tables:
        by_table[table.table].append(table)

    result = ValidatedLoad(GraphBatch())
    kinds: dict[str, _Kind] = {}
    failed_ids: dict[str, set[str]] = defaultdict(set)  # ids of node rows that did not validate
    for name, spec in _SPECS_BY_TABLE.items():
        seen = failed_ids[spec.label] if isinstance(spec, NodeSpec) else None
        parts = [
            checked
            for table in by_table.get(name, [])
            if (
                checked := _validate_table(
                    table, spec, issues, result.warnings, on_rows, seen, check, by_columns
                )
            )
            is not None
        ]
        if by_table.get(name):
            result.rows_by_table[name] = sum(len(table) for table in by_table[name])
        kinds[spec.label if isinstance(spec, NodeSpec) else spec.type] = _Kind.of(spec, parts)

    _duplicates(kinds, issues)
    _check_references(_unknown_references(kinds, failed_ids), store, issues)

    for kind in kinds.values():
        if not kind.values.num_rows:
            continue
        if by_columns:
            result.batch.tables.append(_table_of(kind))
        else:
            for row in _rows_of(kind):
                if isinstance(row, NodeRow):
                    result.batch.nodes.append(row)
                else:
                    result.batch.edges.append(row)
    result.issues = sorted(issues, key=lambda issue: (issue.source, issue.row or 0))
    return result
