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
from functools import partial
from typing import Any, Literal

import pyarrow as pa
from pydantic import ValidationError

from graphsvc.id_number import birth_date_problem, check_digit_problem
from graphsvc.model import EDGE_SPECS, NODE_SPECS, Cadre, EdgeSpec, NodeSpec, Record
from graphsvc.rows import (
    EdgeRow,
    GraphBatch,
    NodeRow,
    ProgressCallback,
    edge_key,
    edge_row_from_values,
    node_row_from_values,
    record_props,
)
from graphsvc.settings import get_settings
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


@dataclass(slots=True)
class _Located:
    """A validated row with where it came from, and the header spelling of its columns."""

    model: type[Record]
    source: str
    row: int
    columns: dict[str, str]
    graph_row: NodeRow | EdgeRow  # what the store will be given for it

    def value(self, name: str) -> Any:
        """The stored value of one field (``None`` when empty)."""
        graph_row = self.graph_row
        if isinstance(graph_row, NodeRow):
            return graph_row.id if name == "id" else graph_row.props.get(name)
        spec = _EDGE_SPECS[graph_row.type]
        if name == spec.source_field:
            return graph_row.source
        if name == spec.target_field:
            return graph_row.target
        return graph_row.props.get(name)


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
    model: type[Record],
    issues: list[LoadIssue],
    warnings: list[LoadIssue],
    on_rows: Callable[[int], None],
    seen_ids: set[str] | None,
    to_row: Callable[[dict[str, Any]], NodeRow | EdgeRow],
    id_number_check: IdNumberCheck,
    by_columns: bool,
) -> list[_Located]:
    """Validate one table's rows. Ids of rows that fail go into ``seen_ids`` (when given),
    so that relations naming them are not reported a second time as unknown."""
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
        return []

    rows = _lined_up(table, positions, columns, model, issues, warnings, seen_ids)
    on_rows(len(table) - len(rows.numbers))

    spec = _SPECS_BY_TABLE[table.table]
    ends = _ends(spec)
    if by_columns:
        accepted = accept_rows(
            column_plan(model),
            {name: rows.column(position) for name, position in positions.items()},
            len(rows.numbers),
            all_text=table.kind == "csv",
            apart=ends if model is not Cadre else (),
        )
    else:
        accepted = Accepted([], {}, list(range(len(rows.numbers))))
    refused = set(accepted.judged)
    if accepted.apart and not refused:
        # Every row accepted (the common case): the graph rows straight from the columns.
        graph_rows = _graph_rows(spec, accepted)
        on_rows(len(rows.numbers))
        return [
            _Located(model, table.source, number, columns, graph_row)
            for number, graph_row in zip(rows.numbers, graph_rows, strict=True)
        ]
    located: list[_Located] = []
    for index, number in enumerate(rows.numbers):
        if index in refused:
            cells = rows.cells(index)
            stored = _judge_row(table, model, number, cells, positions, columns, issues)
            if stored is None:
                if seen_ids is not None and "id" in positions:
                    seen_ids.add(_raw_id(cells, positions["id"]))
                continue
        else:
            stored = accepted.rows[index]
            for name, array in accepted.apart.items():
                stored[name] = array[index]
        id_problems = _id_number_problems(model, stored) if model is Cadre else None
        if id_problems:
            for reason in id_problems:
                (warnings if id_number_check == "warn" else issues).append(
                    LoadIssue(
                        table.source,
                        number,
                        _column_of(columns, model, "id_number"),
                        reason,
                        stored.get("id_number"),
                    )
                )
            if id_number_check == "error":
                if seen_ids is not None:
                    seen_ids.add(str(stored["id"]))
                continue
        located.append(_Located(model, table.source, number, columns, to_row(stored)))
    on_rows(len(rows.numbers))
    return located


def _ends(spec: NodeSpec | EdgeSpec) -> tuple[str, ...]:
    """The fields a graph row keeps outside its properties."""
    if isinstance(spec, NodeSpec):
        return ("id",)
    return (spec.source_field, spec.target_field)


def _graph_rows(spec: NodeSpec | EdgeSpec, accepted: Accepted) -> list[NodeRow | EdgeRow]:
    """Graph rows of a table whose every row was accepted by columns."""
    found: list[NodeRow | EdgeRow]
    if isinstance(spec, NodeSpec):
        label = spec.label
        found = [
            NodeRow(label, node_id, props)
            for node_id, props in zip(accepted.apart["id"].tolist(), accepted.rows, strict=True)
        ]
        return found
    kind = spec.type
    sources = accepted.apart[spec.source_field].tolist()
    targets = accepted.apart[spec.target_field].tolist()
    if spec.key_fields:
        keys = [edge_key(spec, props) for props in accepted.rows]
    else:
        keys = [""] * len(sources)
    found = [
        EdgeRow(kind, source, target, key, props)
        for source, target, key, props in zip(sources, targets, keys, accepted.rows, strict=True)
    ]
    return found


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


def _check_references(
    items: Iterable[tuple[_Located, str, str, str]],
    known: dict[str, set[str]],
    store: GraphStore | None,
    issues: list[LoadIssue],
) -> None:
    """``items``: (row, field, target label, id) whose id is not in the load; they are
    looked up in the store."""
    pending: dict[str, list[tuple[_Located, str, str]]] = defaultdict(list)
    for located, field_name, label, target_id in items:
        pending[label].append((located, field_name, target_id))
    for label, rows in pending.items():
        if _ANY_ID in known.get(label, set()):
            continue  # that table could not be read at all; it is reported already
        in_store = store.existing_ids(label, {row[2] for row in rows}) if store else set()
        for located, field_name, target_id in rows:
            if target_id in in_store:
                continue
            issues.append(
                LoadIssue(
                    located.source,
                    located.row,
                    _column_of(located.columns, located.model, field_name),
                    f"本次导入和库中都没有编号为“{target_id}”的{_LABEL_ZH[label]}",
                    target_id,
                )
            )


def _duplicates(
    node_rows: dict[str, list[_Located]],
    edge_rows: dict[str, list[_Located]],
    issues: list[LoadIssue],
) -> dict[str, set[str]]:
    """Report ids (nodes) and (source, target, key) (relations) given twice; return the ids."""
    known: dict[str, set[str]] = {}
    for label, rows in node_rows.items():
        ids = [item.value("id") for item in rows]
        known[label] = set(ids)
        if len(known[label]) == len(ids):
            continue  # the common case: nothing given twice, no need to say where
        first_seen: dict[str, _Located] = {}
        for node_id, item in zip(ids, rows, strict=True):
            first = first_seen.setdefault(node_id, item)
            if first is not item:
                issues.append(
                    LoadIssue(
                        item.source,
                        item.row,
                        _column_of(item.columns, item.model, "id"),
                        f"{_LABEL_ZH[label]}编号重复：已在{first.source} 第{first.row}行出现",
                        node_id,
                    )
                )
    for edge_type, rows in edge_rows.items():
        spec = _EDGE_SPECS[edge_type]
        keys = [
            (row.source, row.target, row.key)
            for row in (item.graph_row for item in rows)
            if isinstance(row, EdgeRow)
        ]
        if len(set(keys)) == len(keys):
            continue
        first_edge: dict[tuple[str, str, str], _Located] = {}
        for key, item in zip(keys, rows, strict=True):
            first = first_edge.setdefault(key, item)
            if first is not item:
                issues.append(
                    LoadIssue(
                        item.source,
                        item.row,
                        None,
                        f"{spec.table_zh}记录重复：已在{first.source} 第{first.row}行出现",
                    )
                )
    return known


def _unknown_references(
    node_rows: dict[str, list[_Located]],
    edge_rows: dict[str, list[_Located]],
    known: dict[str, set[str]],
) -> Iterator[tuple[_Located, str, str, str]]:
    """Every id a row names that is not in the load: (row, field, target label, id)."""
    for node in NODE_SPECS:
        refs = [(ref.field, ref.target) for ref in node.references]
        yield from _unknown_in(node_rows.get(node.label, []), refs, known)
    for edge_type, rows in edge_rows.items():
        edge = _EDGE_SPECS[edge_type]
        ends = [(edge.source_field, edge.source), (edge.target_field, edge.target)]
        yield from _unknown_in(rows, ends, known)


def _unknown_in(
    rows: list[_Located], fields: list[tuple[str, str]], known: dict[str, set[str]]
) -> Iterator[tuple[_Located, str, str, str]]:
    # A column at a time: rows are visited one by one only when some id is missing.
    missing = []
    for field_name, label in fields:
        values = _column_values(rows, field_name)
        if not {value for value in values if value is not None} <= known.get(label, set()):
            missing.append((field_name, label, values))
    if not missing:
        return
    for index, item in enumerate(rows):
        for field_name, label, values in missing:
            value = values[index]
            if value is not None and value not in known.get(label, set()):
                yield item, field_name, label, value


def _column_values(rows: list[_Located], name: str) -> list[str | None]:
    """One field of every row, as id text."""
    if not rows:
        return []
    first = rows[0].graph_row
    if isinstance(first, EdgeRow):
        spec = _EDGE_SPECS[first.type]
        if name == spec.source_field:
            return [item.graph_row.source for item in rows]  # type: ignore[union-attr]
        if name == spec.target_field:
            return [item.graph_row.target for item in rows]  # type: ignore[union-attr]
    return [None if (v := item.value(name)) is None else str(v) for item in rows]


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
    default the setting ``GRAPHSVC_ID_NUMBER_CHECK``. ``by_columns=False`` sends every row
    through the model one at a time: the reference the column path
    (:mod:`loaders.columns`) is tested against.
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
    node_rows: dict[str, list[_Located]] = {}
    edge_rows: dict[str, list[_Located]] = {}
    failed_ids: dict[str, set[str]] = defaultdict(set)  # ids of node rows that did not validate
    for name, spec in _SPECS_BY_TABLE.items():
        model = spec.model
        assert model is not None  # every table has a model; reference edges have no table
        seen = failed_ids[spec.label] if isinstance(spec, NodeSpec) else None
        to_row: Callable[[dict[str, Any]], NodeRow | EdgeRow] = (
            partial(node_row_from_values, spec)
            if isinstance(spec, NodeSpec)
            else partial(edge_row_from_values, spec)
        )
        located = [
            row
            for table in by_table.get(name, [])
            for row in _validate_table(
                table,
                model,
                issues,
                result.warnings,
                on_rows,
                seen,
                to_row,
                check,
                by_columns,
            )
        ]
        if by_table.get(name):
            result.rows_by_table[name] = sum(len(table) for table in by_table[name])
        if isinstance(spec, NodeSpec):
            node_rows[spec.label] = located
        else:
            edge_rows[spec.type] = located

    known = _duplicates(node_rows, edge_rows, issues)
    for label, ids in failed_ids.items():
        known.setdefault(label, set()).update(ids)
    _check_references(_unknown_references(node_rows, edge_rows, known), known, store, issues)

    for rows in node_rows.values():
        result.batch.nodes.extend(
            row.graph_row for row in rows if isinstance(row.graph_row, NodeRow)
        )
    for rows in edge_rows.values():
        result.batch.edges.extend(
            row.graph_row for row in rows if isinstance(row.graph_row, EdgeRow)
        )
    result.issues = sorted(issues, key=lambda issue: (issue.source, issue.row or 0))
    return result
