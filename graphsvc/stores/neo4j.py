"""The Neo4j store: the same interface over a Neo4j server (5.26 or later).

Nodes carry their model label and a unique ``id``; relations carry their
model type and a ``key`` that tells apart several edges between the same two
nodes. Writes are ``UNWIND $rows`` batches, always parameterized, with the
database named on every call. Reads go out with read routing, so a
``neo4j://`` URL of a cluster spreads them over its secondaries.

Atomicity: a write of up to ``neo4j_atomic_rows`` rows (500,000 by default,
far more than a district) is one transaction, all or nothing. A larger write
is sent in transactions of ``neo4j_batch_rows`` rows; each is an idempotent
upsert, a marker says a write is under way until the last one commits, and
running the same load again completes an interrupted one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

import neo4j
from neo4j import GraphDatabase, RoutingControl
from neo4j import exceptions as neo4j_errors

from graphsvc.model import EDGE_SPECS, NODE_SPECS, edge_spec, node_spec
from graphsvc.rows import EdgeRow, GraphBatch, NodeRow, ProgressCallback, WriteSummary
from graphsvc.settings import Settings, get_settings
from graphsvc.stores import neo4j_queries as cypher
from graphsvc.stores.base import EdgeView, GraphStore, StoreCounts, StoreError, StoreUnavailable

__all__ = ["Neo4jStore"]

SCHEMA_VERSION = 1
_T = TypeVar("_T")
_LABELS = [spec.label for spec in NODE_SPECS]
_TYPES = [spec.type for spec in EDGE_SPECS]


def _native(value: Any) -> Any:
    """Neo4j temporal values back to Python's."""
    if isinstance(value, neo4j.time.Date):
        return value.to_native()
    if isinstance(value, neo4j.time.DateTime):
        return value.to_native()
    return value


def _plain(props: Mapping[str, Any]) -> dict[str, Any]:
    return {name: _native(value) for name, value in props.items()}


def _chunks(items: Sequence[_T], size: int) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Neo4jStore(GraphStore):
    """A graph in a Neo4j database."""

    def __init__(self, url: str, settings: Settings | None = None) -> None:
        settings = settings or get_settings()
        self.url = url
        self.database = settings.neo4j_database
        self.atomic_rows = settings.neo4j_atomic_rows
        self.batch_rows = settings.neo4j_batch_rows
        auth = (
            None
            if settings.neo4j_auth == "none"
            else (settings.neo4j_user, settings.neo4j_password.get_secret_value())
        )
        self._driver = GraphDatabase.driver(
            url,
            auth=auth,
            connection_timeout=5,
            connection_acquisition_timeout=15,
            max_transaction_retry_time=settings.neo4j_retry_seconds,
        )
        try:
            self._guard(self._driver.verify_connectivity)  # fail fast when nothing answers
            self._guard(self._init_schema)
        except StoreError:
            self._driver.close()
            raise

    # ----------------------------------------------------------------- errors

    def _guard(self, action: Callable[[], _T]) -> _T:
        """Run ``action``, turning driver errors into the store's own."""
        try:
            return action()
        except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired) as error:
            raise StoreUnavailable(f"Neo4j at {self.url} cannot be reached: {error}") from error
        except neo4j_errors.AuthError as error:
            raise StoreError(
                f"Neo4j at {self.url} refused the credentials (NEO4J_USER / NEO4J_PASSWORD): "
                f"{error.message}"
            ) from error
        except neo4j_errors.ClientError as error:
            raise StoreError(f"Neo4j at {self.url}: {error.message}") from error

    def _read(self, query: str, **params: Any) -> list[neo4j.Record]:
        records, _, _ = self._driver.execute_query(
            query, params, database_=self.database, routing_=RoutingControl.READ
        )
        return records

    def _init_schema(self) -> None:
        for statement in cypher.constraint_statements():
            self._driver.execute_query(statement, database_=self.database)
        records, _, _ = self._driver.execute_query(
            cypher.meta_read(), {"schema": SCHEMA_VERSION}, database_=self.database
        )
        found = records[0]["schema"]
        if found != SCHEMA_VERSION:
            raise StoreError(
                f"{self.url} has store schema {found}; this graphsvc reads {SCHEMA_VERSION}"
            )

    def close(self) -> None:
        self._driver.close()

    # ----------------------------------------------------------------- writes

    def write(
        self, batch: GraphBatch, *, on_progress: ProgressCallback | None = None
    ) -> WriteSummary:
        return self._guard(lambda: self._write(batch, on_progress))

    def _statements(self, batch: GraphBatch) -> list[tuple[str, str, list[dict[str, Any]]]]:
        """(kind, statement, rows) in write order: nodes by model order, their references, edges."""
        nodes_by_label: dict[str, list[NodeRow]] = defaultdict(list)
        for node in batch.nodes:
            nodes_by_label[node.label].append(node)
        unknown = set(nodes_by_label) - set(_LABELS)
        if unknown:
            raise StoreError(f"unknown node labels {sorted(unknown)}")
        edges_by_type: dict[str, list[EdgeRow]] = defaultdict(list)
        for edge in batch.edges:
            edge_spec(edge.type)
            edges_by_type[edge.type].append(edge)
        steps: list[tuple[str, str, list[dict[str, Any]]]] = []
        for spec in NODE_SPECS:
            rows = nodes_by_label.get(spec.label, [])
            if not rows:
                continue
            steps.append(
                (
                    spec.label,
                    cypher.upsert_nodes(spec),
                    [{"id": row.id, "props": {**row.props, "id": row.id}} for row in rows],
                )
            )
            for ref in spec.references:
                steps.append(
                    (
                        ref.edge_type,
                        cypher.upsert_reference(spec, ref),
                        [{"id": row.id, "target": row.props.get(ref.field)} for row in rows],
                    )
                )
        for edge_type, edge_rows in edges_by_type.items():
            steps.append(
                (
                    edge_type,
                    cypher.upsert_edges(edge_spec(edge_type)),
                    [
                        {"source": e.source, "target": e.target, "key": e.key,
                         "props": {**e.props, "key": e.key}}
                        for e in edge_rows
                    ],
                )
            )  # fmt: skip
        return steps

    @staticmethod
    def _run_step(
        tx: neo4j.ManagedTransaction, kind: str, query: str, rows: Sequence[Any], into: WriteSummary
    ) -> None:
        for record in tx.run(query, rows=list(rows)):
            outcome, count = record["outcome"], record["n"]
            if outcome == "created":
                into.add(kind, created=count)
            elif outcome == "updated":
                into.add(kind, updated=count)
            elif outcome == "unchanged":
                into.add(kind, unchanged=count)

    @classmethod
    def _chunk_write(
        cls, tx: neo4j.ManagedTransaction, kind: str, query: str, rows: Sequence[Any]
    ) -> WriteSummary:
        part = WriteSummary()
        cls._run_step(tx, kind, query, rows, part)
        return part

    def _write(self, batch: GraphBatch, on_progress: ProgressCallback | None) -> WriteSummary:
        steps = self._statements(batch)
        total = sum(len(rows) for _, _, rows in steps)

        def report(done: int) -> None:
            if on_progress is not None:
                on_progress("write", done, total)

        with self._driver.session(database=self.database) as session:
            if total <= self.atomic_rows:
                # One transaction; the driver may retry it whole, so it starts afresh each time.
                def whole(tx: neo4j.ManagedTransaction) -> WriteSummary:
                    summary, done = WriteSummary(), 0
                    for kind, query, rows in steps:
                        for chunk in _chunks(rows, self.batch_rows):
                            self._run_step(tx, kind, query, chunk, summary)
                            done += len(chunk)
                            report(done)
                    if summary.changed:
                        tx.run(cypher.meta_bump_version()).consume()
                    return summary

                return session.execute_write(whole)

            # Too large for one transaction: idempotent chunks, with a marker until done.
            session.execute_write(
                lambda tx: tx.run(cypher.meta_set_pending(), pending=True).consume()
            )
            summary, done = WriteSummary(), 0
            for kind, query, rows in steps:
                for chunk in _chunks(rows, self.batch_rows):
                    part = session.execute_write(self._chunk_write, kind, query, chunk)
                    for bucket in ("created", "updated", "unchanged"):
                        for name, count in getattr(part, bucket).items():
                            summary.add(name, **{bucket: count})
                    done += len(chunk)
                    report(done)

            def finish(tx: neo4j.ManagedTransaction) -> None:
                if summary.changed:
                    tx.run(cypher.meta_bump_version()).consume()
                tx.run(cypher.meta_set_pending(), pending=False).consume()

            session.execute_write(finish)
            return summary

    def clear(self) -> None:
        def wipe() -> None:
            version = self.version()
            with self._driver.session(database=self.database) as session:
                session.run(cypher.delete_everything()).consume()
            self._init_schema()
            self._driver.execute_query(
                cypher.meta_set_version(), {"version": version + 1}, database_=self.database
            )

        self._guard(wipe)

    # ------------------------------------------------------------------ reads

    def counts(self) -> StoreCounts:
        def read() -> StoreCounts:
            nodes: dict[str, int] = {}
            edges: dict[str, int] = {}
            for label in _LABELS:
                count = self._read(cypher.count_nodes(label))[0]["n"]
                if count:
                    nodes[label] = count
            for edge_type in _TYPES:
                count = self._read(cypher.count_edges(edge_type))[0]["n"]
                if count:
                    edges[edge_type] = count
            return StoreCounts(nodes=nodes, edges=edges)

        return self._guard(read)

    def get_nodes(self, label: str, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        wanted = list(dict.fromkeys(ids))
        node_spec(label)

        def read() -> dict[str, dict[str, Any]]:
            found: dict[str, dict[str, Any]] = {}
            for chunk in _chunks(wanted, 10_000):
                for record in self._read(cypher.get_nodes(label), ids=list(chunk)):
                    props = _plain(record["props"])
                    found[props["id"]] = props
            return found

        return self._guard(read)

    def pending_write(self) -> bool:
        return bool(self._guard(lambda: self._read(cypher.meta_get())[0]["pending"]))

    def _stream(self, query: str, **params: Any) -> Iterator[neo4j.Record]:
        try:
            with self._driver.session(
                database=self.database, default_access_mode=neo4j.READ_ACCESS, fetch_size=5000
            ) as session:
                yield from session.run(query, params)
        except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired) as error:
            raise StoreUnavailable(f"Neo4j at {self.url} cannot be reached: {error}") from error

    def iter_nodes(
        self, label: str, fields: Sequence[str] | None = None
    ) -> Iterator[dict[str, Any]]:
        node_spec(label)
        if fields is None:
            for record in self._stream(cypher.iter_nodes(label, with_fields=False)):
                yield _plain(record["props"])
            return
        names = [name for name in fields if name != "id"]
        for record in self._stream(cypher.iter_nodes(label, with_fields=True), fields=names):
            props = {
                name: _native(value)
                for name, value in zip(names, record["values"], strict=True)
                if value is not None
            }
            props["id"] = record["id"]
            yield props

    def iter_edges(self, edge_type: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
        spec = edge_spec(edge_type)
        for record in self._stream(cypher.iter_edges(spec)):
            props = _plain(record["props"])
            props.pop("key", None)
            yield record["source"], record["target"], props

    def edges_of(self, label: str, node_id: str) -> list[EdgeView]:
        node_spec(label)
        records = self._guard(
            lambda: self._read(cypher.edges_of(label), id=node_id, types=_TYPES, labels=_LABELS)
        )
        views = []
        for record in records:
            props = _plain(record["props"])
            props.pop("key", None)
            views.append(
                EdgeView(
                    record["type"],
                    "out" if record["outgoing"] else "in",
                    record["other_label"],
                    record["other_id"],
                    props,
                )
            )
        return views

    def list_nodes(
        self,
        label: str,
        *,
        where: Mapping[str, Any] | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[dict[str, Any]], int]:
        fields = node_spec(label).model.model_fields
        for name in where or {}:
            if name not in fields:
                raise StoreError(f"{label} has no property {name!r}")
        conditions = dict(where or {})

        def read() -> tuple[list[dict[str, Any]], int]:
            page = [
                _plain(record["props"])
                for record in self._read(
                    cypher.list_nodes(label), where=conditions, offset=offset, limit=limit
                )
            ]
            total = self._read(cypher.list_nodes_total(label), where=conditions)[0]["n"]
            return page, int(total)

        return self._guard(read)

    def version(self) -> int:
        records = self._guard(lambda: self._read(cypher.meta_get()))
        return int(records[0]["version"])
