"""What a write changed, by key: the change log that lets read models follow writes.

Every write that raises the graph version leaves one entry in its store's change log
(:meth:`GraphStore.changes_since`): the ids of the nodes it wrote, by label, and the two
ends of the edges it wrote, by type. A read model kept in memory for version ``V`` reads
the changes from ``V`` to now and updates the rows of the cadres they touch instead of
reading the whole graph again. A node's reference edges (``Assessment.cadre_id`` →
``ASSESSMENT_OF``) change with the node and are not listed apart.

An entry may list more than changed (the Neo4j store lists every row a write sent, changed
or not), never less. A write of more than :data:`MAX_LOGGED_KEYS` keys, a replaced type
of analysis results, or a cleared graph is logged as *everything* (or a whole type):
whoever reads past it reads the graph again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

from graphsvc.rows import GraphBatch

__all__ = [
    "KEPT_ENTRIES",
    "MAX_LOGGED_KEYS",
    "ChangeSet",
    "Patched",
    "changes_of",
    "merge_log",
]

MAX_LOGGED_KEYS = 20_000  # a larger write is logged as "everything": a rebuild is cheaper
KEPT_ENTRIES = 1_000  # change-log entries a store keeps (the oldest are pruned)


@dataclass(frozen=True)
class ChangeSet:
    """Keys changed between two graph versions.

    Attributes
    ----------
    nodes : mapping of str to frozenset of str
        Node ids by label.
    edges : mapping of str to frozenset of (str, str)
        ``(source id, target id)`` by edge type.
    whole : frozenset of str
        Labels and edge types changed beyond listing (every one of them may have changed).
    """

    nodes: Mapping[str, frozenset[str]] = field(default_factory=dict)
    edges: Mapping[str, frozenset[tuple[str, str]]] = field(default_factory=dict)
    whole: frozenset[str] = frozenset()

    def node_ids(self, label: str) -> frozenset[str]:
        return self.nodes.get(label, frozenset())

    def edge_ends(self, edge_type: str) -> frozenset[tuple[str, str]]:
        return self.edges.get(edge_type, frozenset())

    def touches(self, names: Iterable[str]) -> bool:
        """Whether any of these labels or edge types changed."""
        return any(name in self.whole or name in self.nodes or name in self.edges for name in names)

    def wholly(self, names: Iterable[str]) -> bool:
        """Whether any of these labels or edge types changed beyond listing."""
        return any(name in self.whole for name in names)

    @property
    def size(self) -> int:
        """How many keys are listed."""
        return sum(map(len, self.nodes.values())) + sum(map(len, self.edges.values()))

    @property
    def empty(self) -> bool:
        return not self.nodes and not self.edges and not self.whole

    def __or__(self, other: ChangeSet) -> ChangeSet:
        nodes = {k: self.node_ids(k) | other.node_ids(k) for k in {*self.nodes, *other.nodes}}
        edges = {k: self.edge_ends(k) | other.edge_ends(k) for k in {*self.edges, *other.edges}}
        return ChangeSet(nodes, edges, self.whole | other.whole)

    def to_json(self) -> str:
        return orjson.dumps(
            {
                "nodes": {label: sorted(ids) for label, ids in sorted(self.nodes.items())},
                "edges": {
                    kind: sorted([list(pair) for pair in ends])
                    for kind, ends in sorted(self.edges.items())
                },
                "whole": sorted(self.whole),
            }
        ).decode()

    @classmethod
    def from_json(cls, text: str | bytes) -> ChangeSet:
        data: dict[str, Any] = orjson.loads(text)
        return cls(
            nodes={label: frozenset(ids) for label, ids in data.get("nodes", {}).items()},
            edges={
                kind: frozenset((str(a), str(b)) for a, b in ends)
                for kind, ends in data.get("edges", {}).items()
            },
            whole=frozenset(data.get("whole", [])),
        )


@dataclass(frozen=True)
class Patched:
    """A read model brought to a newer graph version by patching the rows a write changed.

    Attributes
    ----------
    value : Any
        The read model of the newer version (a new object: the old one may still be read).
    changed : frozenset of str
        The ids (of cadres) whose rows differ from the old read model's.
    """

    value: Any
    changed: frozenset[str]


def changes_of(batch: GraphBatch) -> ChangeSet | None:
    """Every key ``batch`` writes; ``None`` (everything) when it writes more than
    :data:`MAX_LOGGED_KEYS`."""
    if len(batch) > MAX_LOGGED_KEYS:
        return None
    nodes: dict[str, set[str]] = {}
    for node in batch.nodes:
        nodes.setdefault(node.label, set()).add(node.id)
    edges: dict[str, set[tuple[str, str]]] = {}
    for edge in batch.edges:
        edges.setdefault(edge.type, set()).add((edge.source, edge.target))
    return ChangeSet(
        {label: frozenset(ids) for label, ids in nodes.items()},
        {kind: frozenset(ends) for kind, ends in edges.items()},
    )


def merge_log(
    entries: Iterable[tuple[int, str | None]], since: int, until: int
) -> ChangeSet | None:
    """The union of a store's log entries for the versions after ``since`` up to ``until``;
    ``None`` when one is missing (pruned, or written by a graphsvc that kept no log) or
    says everything (``None`` text)."""
    if until < since:
        return None
    found: dict[int, str | None] = dict(entries)
    merged = ChangeSet()
    for version in range(since + 1, until + 1):
        if version not in found or found[version] is None:
            return None
        merged = merged | ChangeSet.from_json(str(found[version]))
    return merged
