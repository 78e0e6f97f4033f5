"""What stores write: validated records turned into node and edge rows.

A :class:`GraphBatch` is the unit of an atomic write. Node rows carry their
reference fields (``Post.unit_id``) as properties; stores derive the reference
edges (``IN_UNIT``) from them, so a batch holds relation edges only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Any

from graphsvc.model import EdgeSpec, NodeSpec, Record

__all__ = [
    "EdgeRow",
    "GraphBatch",
    "NodeRow",
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


@dataclass
class GraphBatch:
    nodes: list[NodeRow] = field(default_factory=list)
    edges: list[EdgeRow] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.nodes) + len(self.edges)


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
