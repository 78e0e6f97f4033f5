"""Turning raw tables into a validated graph batch, reporting every problem at once.

Each problem names the source (file or sheet), the row as a spreadsheet shows
it, the column as the file spells it, the value, and why. Checks:

- headers: required columns present, no column given twice;
- cells: the model's types, vocabularies, ranges and date forms;
- rows: duplicate ids and duplicate relations within the load;
- references: every id a row names exists in the load or already in the store.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from pydantic import ValidationError

from graphsvc.model import EDGE_SPECS, NODE_SPECS, EdgeSpec, NodeSpec, Record
from graphsvc.rows import EdgeRow, GraphBatch, NodeRow, ProgressCallback, edge_row, node_row
from graphsvc.stores.base import GraphStore
from loaders.tables import RawTable

__all__ = ["LoadIssue", "ValidatedLoad", "header_map", "validate_tables"]


@dataclass(frozen=True)
class LoadIssue:
    """One problem with the input, precise enough to fix without guessing."""

    source: str
    row: int | None
    column: str | None
    reason: str
    value: Any = None

    def __str__(self) -> str:
        where = self.source
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column}"
        shown = "" if self.value is None else f" (value {self.value!r})"
        return f"{where}: {self.reason}{shown}"

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


def _normalize_header(text: str) -> str:
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
            mapping.setdefault(_normalize_header(header), name)
    return mapping


@dataclass
class _Located:
    """A validated record with where it came from, and the header spelling of its columns."""

    record: Record
    source: str
    row: int
    columns: dict[str, str]
    graph_row: NodeRow | EdgeRow  # what the store will be given for it


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
    on_row: Any,
    seen_ids: set[str] | None,
    to_row: Callable[[Record], NodeRow | EdgeRow],
) -> list[_Located]:
    """Validate one table's rows. Ids of rows that fail go into ``seen_ids`` (when given),
    so that relations naming them are not reported a second time as unknown."""
    accepted = header_map(model)
    columns: dict[str, str] = {}  # field name → header as spelled in the file
    positions: dict[str, int] = {}
    for position, header in enumerate(table.header):
        if not header:
            continue
        field_name = accepted.get(_normalize_header(header))
        if field_name is None:
            # Spreadsheets carry extra columns (序号, 备注); say so, but do not refuse them.
            warnings.append(
                LoadIssue(
                    table.source,
                    1,
                    header,
                    f"column ignored: not a field of {table.table}, which takes "
                    + ", ".join(
                        f"{info.title}/{name}" for name, info in model.model_fields.items()
                    ),
                )
            )
            continue
        if field_name in columns:
            issues.append(
                LoadIssue(
                    table.source,
                    1,
                    header,
                    f"gives {field_name} again (already in column {columns[field_name]})",
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
        issues.append(
            LoadIssue(table.source, 1, _column_of(columns, model, name), "required column missing")
        )
    if missing:
        if seen_ids is not None:
            if "id" not in positions:
                seen_ids.add(_ANY_ID)
            else:
                seen_ids.update(_raw_id(cells, positions["id"]) for _, cells in table.rows)
        return []

    located: list[_Located] = []
    for number, cells in table.rows:
        data: dict[str, Any] = {}
        for name, position in positions.items():
            value = cells[position] if position < len(cells) else None
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            data[name] = value
        try:
            record = model.model_validate(data)
        except ValidationError as error:
            if seen_ids is not None and "id" in positions:
                seen_ids.add(_raw_id(cells, positions["id"]))
            for detail in error.errors(include_url=False):
                loc = detail.get("loc") or ()
                failed = str(loc[0]) if loc else None
                message = str(detail.get("msg", "invalid"))
                if detail.get("type") == "missing":
                    message = "required value missing"
                issues.append(
                    LoadIssue(
                        table.source,
                        number,
                        _column_of(columns, model, failed) if failed else None,
                        message.removeprefix("Value error, "),
                        data.get(failed) if failed else None,
                    )
                )
        else:
            located.append(_Located(record, table.source, number, columns, to_row(record)))
        on_row()
    return located


def _check_references(
    items: Iterable[tuple[_Located, str, str, str]],
    known: dict[str, set[str]],
    store: GraphStore | None,
    issues: list[LoadIssue],
) -> None:
    """``items``: (row, field, target label, id). Ids not in the load are looked up in the store."""
    pending: dict[str, list[tuple[_Located, str, str]]] = defaultdict(list)
    for located, field_name, label, target_id in items:
        if target_id not in known.get(label, set()):
            pending[label].append((located, field_name, target_id))
    for label, rows in pending.items():
        if _ANY_ID in known.get(label, set()):
            continue  # that table could not be read at all; it is reported already
        in_store = store.existing_ids(label, {row[2] for row in rows}) if store else set()
        for located, field_name, target_id in rows:
            if target_id in in_store:
                continue
            model = type(located.record)
            issues.append(
                LoadIssue(
                    located.source,
                    located.row,
                    _column_of(located.columns, model, field_name),
                    f"no {label} with id {target_id!r} in this load or in the store",
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
        first_seen: dict[str, _Located] = {}
        for item in rows:
            node_id = str(getattr(item.record, "id"))  # noqa: B009
            first = first_seen.setdefault(node_id, item)
            if first is not item:
                issues.append(
                    LoadIssue(
                        item.source,
                        item.row,
                        _column_of(item.columns, type(item.record), "id"),
                        f"duplicate {label} id; first given at {first.source}, row {first.row}",
                        node_id,
                    )
                )
        known[label] = set(first_seen)
    for edge_type, rows in edge_rows.items():
        spec = _EDGE_SPECS[edge_type]
        first_edge: dict[tuple[str, str, str], _Located] = {}
        for item in rows:
            row = item.graph_row
            assert isinstance(row, EdgeRow)
            first = first_edge.setdefault((row.source, row.target, row.key), item)
            if first is not item:
                issues.append(
                    LoadIssue(
                        item.source,
                        item.row,
                        None,
                        f"duplicate {spec.table} row; first given at {first.source}, "
                        f"row {first.row}",
                    )
                )
    return known


def _references(
    node_rows: dict[str, list[_Located]], edge_rows: dict[str, list[_Located]]
) -> Iterator[tuple[_Located, str, str, str]]:
    """Every id a row names: (row, field, target label, id)."""
    for node in NODE_SPECS:
        for item in node_rows.get(node.label, []):
            for ref in node.references:
                value = getattr(item.record, ref.field)
                if value is not None:
                    yield item, ref.field, ref.target, str(value)
    for edge_type, rows in edge_rows.items():
        edge = _EDGE_SPECS[edge_type]
        for item in rows:
            for field_name, label in (
                (edge.source_field, edge.source),
                (edge.target_field, edge.target),
            ):
                yield item, field_name, label, str(getattr(item.record, field_name))


def validate_tables(
    tables: list[RawTable],
    store: GraphStore | None = None,
    *,
    on_progress: ProgressCallback | None = None,
) -> ValidatedLoad:
    """Validate raw tables into a batch; ``issues`` lists every problem found.

    The batch must not be written when ``issues`` is not empty.
    """
    issues: list[LoadIssue] = []
    total = sum(len(table.rows) for table in tables)
    done = 0

    def on_row() -> None:
        nonlocal done
        done += 1
        if on_progress is not None and (done % 5000 == 0 or done == total):
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
        to_row: Callable[[Record], NodeRow | EdgeRow] = (
            partial(node_row, spec) if isinstance(spec, NodeSpec) else partial(edge_row, spec)
        )
        located = [
            row
            for table in by_table.get(name, [])
            for row in _validate_table(
                table,
                model,
                issues,
                result.warnings,
                on_row,
                seen,
                to_row,
            )
        ]
        if by_table.get(name):
            result.rows_by_table[name] = sum(len(table.rows) for table in by_table[name])
        if isinstance(spec, NodeSpec):
            node_rows[spec.label] = located
        else:
            edge_rows[spec.type] = located

    known = _duplicates(node_rows, edge_rows, issues)
    for label, ids in failed_ids.items():
        known.setdefault(label, set()).update(ids)
    _check_references(_references(node_rows, edge_rows), known, store, issues)

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
