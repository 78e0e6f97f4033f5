"""The store interface every backend implements (embedded SQLite, Neo4j).

Callers never learn which store they hold: the contract tests in
``tests/test_store_contract.py`` run the same assertions on each.

Properties come back as plain Python values with dates as ``datetime.date``
and the node id under ``"id"``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Literal

from graphsvc.changes import ChangeSet
from graphsvc.model import RESULT_SPECS, edge_spec
from graphsvc.rows import EdgeRow, GraphBatch, ProgressCallback, WriteSummary

__all__ = ["EdgeView", "GraphStore", "StoreCounts", "StoreError", "StoreUnavailable"]


class StoreError(Exception):
    """A store could not do what was asked (bad URL, schema mismatch, failed write)."""


class StoreUnavailable(StoreError):
    """The store's server cannot be reached; the caller may retry later."""


@dataclass(frozen=True)
class StoreCounts:
    nodes: dict[str, int] = field(default_factory=dict)
    edges: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class EdgeView:
    """An edge seen from one of its ends."""

    type: str
    direction: Literal["out", "in"]
    other_label: str
    other_id: str
    props: Mapping[str, Any]


class GraphStore(ABC):
    """A property graph of the talent model, with atomic batch writes."""

    url: str

    # ----------------------------------------------------------------- writes

    @abstractmethod
    def write(
        self, batch: GraphBatch, *, on_progress: ProgressCallback | None = None
    ) -> WriteSummary:
        """Upsert every row of ``batch`` by id (nodes) or key (edges), all or nothing.

        Reference edges (``IN_UNIT`` from ``Post.unit_id``, ...) are derived
        from node properties and replaced when the property changes.
        Writing the same batch twice changes nothing the second time.
        """

    def replace_results(self, edge_type: str, rows: Sequence[EdgeRow]) -> int:
        """Replace every edge of a result type (``CANDIDATE_FOR`` ...) with ``rows``, atomically.

        Raises :class:`StoreError` for a type that is not a result or an endpoint that does
        not exist. Returns how many edges were written.
        """
        spec = edge_spec(edge_type)
        if not spec.result:
            raise StoreError(f"{edge_type} is not an analysis result; results are "
                             f"{[s.type for s in RESULT_SPECS]}")  # fmt: skip
        for label, ids in ((spec.source, {r.source for r in rows}),
                           (spec.target, {r.target for r in rows})):  # fmt: skip
            missing = ids - self.existing_ids(label, ids)
            if missing:
                raise StoreError(f"{edge_type}: no {label} with id(s) {sorted(missing)[:5]}")
        if any(row.type != edge_type for row in rows):
            raise StoreError(f"every row must be a {edge_type} edge")
        self._replace_edges(edge_type, rows)
        return len(rows)

    def clear_results(self, edge_type: str) -> None:
        """Remove every edge of a result type."""
        self.replace_results(edge_type, [])

    @abstractmethod
    def _replace_edges(self, edge_type: str, rows: Sequence[EdgeRow]) -> None:
        """Delete all edges of ``edge_type`` and write ``rows``, in one transaction."""

    @abstractmethod
    def clear(self) -> None:
        """Remove every node and edge (``sync --replace``, tests). The version still grows."""

    # ------------------------------------------------------------------ reads

    @abstractmethod
    def counts(self) -> StoreCounts:
        """Node counts per label and edge counts per type (types with none are left out)."""

    @abstractmethod
    def get_nodes(self, label: str, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The nodes of ``label`` among ``ids`` that exist, by id."""

    def get_node(self, label: str, node_id: str) -> dict[str, Any] | None:
        return self.get_nodes(label, [node_id]).get(node_id)

    def existing_ids(self, label: str, ids: Iterable[str]) -> set[str]:
        """Which of ``ids`` exist as nodes of ``label``."""
        return set(self.get_nodes(label, ids))

    @abstractmethod
    def iter_nodes(
        self, label: str, fields: Sequence[str] | None = None
    ) -> Iterator[dict[str, Any]]:
        """Every node of ``label``; only ``fields`` (and ``id``) when given."""

    @abstractmethod
    def iter_edges(self, edge_type: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """Every edge of ``edge_type`` as ``(source id, target id, props)``."""

    @abstractmethod
    def edges_of(self, label: str, node_id: str) -> list[EdgeView]:
        """Every edge touching one node, both directions."""

    @abstractmethod
    def list_nodes(
        self,
        label: str,
        *,
        where: Mapping[str, Any] | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[dict[str, Any]], int]:
        """A page of nodes of ``label`` whose properties equal ``where``, and the total."""

    @abstractmethod
    def version(self) -> int:
        """A number that grows with every write that changed something (for caches)."""

    def changes_since(self, version: int) -> ChangeSet | None:
        """The keys written from ``version`` to the current one, from the store's change log
        (:mod:`graphsvc.changes`); ``None`` when the log cannot say (too old, a write too
        large to list, a cleared graph, a store that keeps no log): read everything again.
        """
        del version
        return None

    def pending_write(self) -> bool:
        """Whether a write too large for one transaction was interrupted (run it again)."""
        return False

    def load_memo(self) -> Mapping[str, Any] | None:
        """What the last file load left to recognise a repeat of it (see :meth:`remember_load`);
        ``None`` when this store keeps no such memo."""
        return None

    def remember_load(self, memo: Mapping[str, Any]) -> None:
        """Keep a small JSON-able memo of the load just written: its input's digest and the
        graph ``version`` it left, kept only while the graph is still at that version. A store
        that keeps none ignores it: every load then runs in full."""
        del memo

    # -------------------------------------------------------------- lifecycle

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
