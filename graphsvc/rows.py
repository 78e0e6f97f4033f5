"""What stores write: validated records turned into node and edge rows.

A :class:`GraphBatch` is the unit of an atomic write. Node rows carry their
reference fields (``Post.unit_id``) as properties; stores derive the reference
edges (``IN_UNIT``) from them, so a batch holds relation edges only.

Rows come as objects (:class:`NodeRow`, :class:`EdgeRow`: a request, a form, a copy) or,
for a file load, as columns (:class:`NodeTable`, :class:`EdgeTable`: a label's or type's
rows as typed Arrow arrays, no Python object per row). Stores write either; the columns
are what makes a province's millions of rows fast to validate and write.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Any

import pyarrow as pa

from graphsvc.model import EdgeSpec, NodeSpec, Record

__all__ = [
    "EdgeRow",
    "EdgeTable",
    "GraphBatch",
    "NodeRow",
    "NodeTable",
    "ProgressCallback",
    "WriteSummary",
    "edge_key",
    "edge_row",
    "edge_row_from_values",
    "node_row",
    "node_row_from_values",
    "record_props",
]

# Called as work advances: (what, done, total).
ProgressCallback = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class NodeRow:
    label: str
    id: str
    props: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class EdgeRow:
    """One relation: ``key`` tells apart several edges between the same two nodes."""

    type: str
    source: str
    target: str
    key: str
    props: Mapping[str, Any]


def _props(table: pa.Table) -> list[dict[str, Any]]:
    """One dict a row, without its nulls (stores never keep a ``None``)."""
    names = table.column_names
    columns = [column.to_pylist() for column in table.columns]
    return [
        {name: value for name, value in zip(names, values, strict=True) if value is not None}
        for values in zip(*columns, strict=True)
    ] if names else [{} for _ in range(table.num_rows)]  # fmt: skip


@dataclass(frozen=True)
class NodeTable:
    """The nodes of one label as columns: ``ids`` (text, each once) and ``props``, one typed
    column per property (text, int64, float64, bool, date32; null: no value)."""

    label: str
    ids: pa.Array
    props: pa.Table

    def __len__(self) -> int:
        return len(self.ids)

    def rows(self) -> list[NodeRow]:
        return [
            NodeRow(self.label, node_id, props)
            for node_id, props in zip(self.ids.to_pylist(), _props(self.props), strict=True)
        ]


@dataclass(frozen=True)
class EdgeTable:
    """The relations of one type as columns: ends, keys (text) and typed ``props``."""

    type: str
    sources: pa.Array
    targets: pa.Array
    keys: pa.Array
    props: pa.Table

    def __len__(self) -> int:
        return len(self.sources)

    def rows(self) -> list[EdgeRow]:
        ends = zip(
            self.sources.to_pylist(), self.targets.to_pylist(), self.keys.to_pylist(), strict=True
        )
        return [
            EdgeRow(self.type, source, target, key, props)
            for (source, target, key), props in zip(ends, _props(self.props), strict=True)
        ]


class GraphBatch:
    """Rows to write at once: as objects (``nodes``, ``edges``) and as columns (``tables``).

    Reading ``nodes`` or ``edges`` turns every table into row objects first (so they list
    every row); stores read :meth:`parts` instead, which leaves the columns as they are.
    """

    def __init__(
        self,
        nodes: list[NodeRow] | None = None,
        edges: list[EdgeRow] | None = None,
        tables: list[NodeTable | EdgeTable] | None = None,
    ) -> None:
        self._nodes = nodes if nodes is not None else []
        self._edges = edges if edges is not None else []
        self.tables = tables if tables is not None else []

    @property
    def nodes(self) -> list[NodeRow]:
        self._to_rows()
        return self._nodes

    @property
    def edges(self) -> list[EdgeRow]:
        self._to_rows()
        return self._edges

    def _to_rows(self) -> None:
        for table in self.tables:
            if isinstance(table, NodeTable):
                self._nodes.extend(table.rows())
            else:
                self._edges.extend(table.rows())
        self.tables = []

    def parts(self) -> tuple[list[NodeRow], list[EdgeRow], list[NodeTable | EdgeTable]]:
        """Row objects and tables as given, nothing converted."""
        return self._nodes, self._edges, self.tables

    def __len__(self) -> int:
        return len(self._nodes) + len(self._edges) + sum(len(table) for table in self.tables)

    def __repr__(self) -> str:
        return (
            f"GraphBatch({len(self._nodes)} nodes, {len(self._edges)} edges, "
            f"{len(self.tables)} tables)"
        )


@dataclass
class WriteSummary:
    """What a write did, per node label and edge type."""

    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, *, created: int = 0, updated: int = 0, unchanged: int = 0) -> None:
        for bucket, count in (
            (self.created, created),
            (self.updated, updated),
            (self.unchanged, unchanged),
        ):
            if count:
                bucket[kind] = bucket.get(kind, 0) + count

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


def record_props(record: Record, *, exclude: frozenset[str] = frozenset()) -> dict[str, Any]:
    """A record's properties as plain values: enums as their text, no ``None``."""
    # Records are flat and frozen, so their fields can be read directly (faster than model_dump).
    props: dict[str, Any] = {}
    for name, value in record.__dict__.items():
        if value is None or name in exclude:
            continue
        props[name] = value.value if isinstance(value, Enum) else value
    return props


def node_row(spec: NodeSpec, record: Record) -> NodeRow:
    return node_row_from_values(spec, record_props(record))


def node_row_from_values(spec: NodeSpec, values: dict[str, Any]) -> NodeRow:
    """A node row from a record's stored values (as :func:`record_props` gives them);
    ``values`` becomes the row's properties (its ``id`` taken out)."""
    node_id = values.pop("id")
    return NodeRow(spec.label, str(node_id), values)


def edge_key(spec: EdgeSpec, props: Mapping[str, Any]) -> str:
    if not spec.key_fields:
        return ""
    parts = []
    for name in spec.key_fields:
        value = props.get(name)
        parts.append(value.isoformat() if isinstance(value, date) else str(value or ""))
    return "|".join(parts)


def edge_row(spec: EdgeSpec, record: Record) -> EdgeRow:
    return edge_row_from_values(spec, record_props(record))


def edge_row_from_values(spec: EdgeSpec, values: dict[str, Any]) -> EdgeRow:
    """An edge row from a relation's stored values; ``values`` becomes its properties (the
    two ends taken out)."""
    source = str(values.pop(spec.source_field))
    target = str(values.pop(spec.target_field))
    return EdgeRow(spec.type, source, target, edge_key(spec, values), values)
