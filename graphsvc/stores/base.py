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

from graphsvc.rows import GraphBatch, ProgressCallback, WriteSummary

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

    def pending_write(self) -> bool:
        """Whether a write too large for one transaction was interrupted (run it again)."""
        return False

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
