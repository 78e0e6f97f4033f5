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
from datetime import date
from functools import cache, partial
from typing import Any, TypeVar

import neo4j
import pyarrow as pa
from neo4j import GraphDatabase, NotificationMinimumSeverity, RoutingControl
from neo4j import exceptions as neo4j_errors

from graphsvc.changes import KEPT_ENTRIES, ChangeSet, changes_of, merge_log
from graphsvc.model import (
    EDGE_SPECS,
    NODE_SPECS,
    EdgeSpec,
    NodeSpec,
    date_fields,
    edge_spec,
    node_spec,
)
from graphsvc.rows import (
    EdgeRow,
    EdgeTable,
    GraphBatch,
    NodeRow,
    NodeTable,
    ProgressCallback,
    WriteSummary,
)
from graphsvc.settings import Settings, get_settings
from graphsvc.stores import neo4j_queries as cypher
from graphsvc.stores.base import EdgeView, GraphStore, StoreCounts, StoreError, StoreUnavailable

__all__ = ["Neo4jStore"]

SCHEMA_VERSION = 1
_T = TypeVar("_T")
_LABELS = [spec.label for spec in NODE_SPECS]
# A unit of work: a chunk of rows of one kind, sent inside a given transaction. It returns
# what adds its counts to the summary once the server has answered: the next chunk's maps are
# made, and sent, while the server still works on this one.
_Finish = Callable[[], None]
_Work = Callable[[neo4j.ManagedTransaction, WriteSummary], _Finish]
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


def _decode(props: Mapping[str, Any], dates: frozenset[str]) -> dict[str, Any]:
    """Properties read with dates as ISO text (see neo4j_queries._props) back to dates."""
    decoded = {name: _native(value) for name, value in props.items()}
    for name in dates & decoded.keys():
        value = decoded[name]
        if value is None:
            del decoded[name]
        else:
            decoded[name] = date.fromisoformat(value)
    return decoded


@cache
def _node_dates(label: str) -> frozenset[str]:
    return date_fields(node_spec(label).model)


@cache
def _edge_dates(edge_type: str) -> frozenset[str]:
    model = edge_spec(edge_type).model
    return date_fields(model) if model is not None else frozenset()


def _chunks(items: Sequence[_T], size: int) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _counted(result: neo4j.Result) -> tuple[int, int]:
    """(created, updated) from an upsert statement's one row."""
    record = result.single(strict=True)
    return int(record["created"]), int(record["updated"])


def _node_maps(rows: Sequence[NodeRow]) -> list[dict[str, Any]]:
    return [{**row.props, "id": row.id} for row in rows]


def _present(table: pa.Table) -> list[dict[str, Any]]:
    """Each row of ``table`` as a map without its nulls (a node or relation keeps no null)."""
    names = table.column_names
    return [
        {name: value for name, value in zip(names, values, strict=True) if value is not None}
        for values in zip(*(column.to_pylist() for column in table.columns), strict=True)
    ]


def _table_node_maps(table: NodeTable, start: int, count: int) -> list[dict[str, Any]]:
    props = table.props.slice(start, count)
    ids = table.ids.slice(start, count).to_pylist()
    if not props.num_columns:
        return [{"id": node_id} for node_id in ids]
    maps = _present(props)
    for row, node_id in zip(maps, ids, strict=True):
        row["id"] = node_id
    return maps


def _edge_maps(rows: Sequence[EdgeRow]) -> list[dict[str, Any]]:
    return [
        {"source": row.source, "target": row.target, "props": {**row.props, "key": row.key}}
        for row in rows
    ]


def _table_edge_maps(table: EdgeTable, start: int, count: int) -> list[dict[str, Any]]:
    props = table.props.slice(start, count)
    keys = table.keys.slice(start, count).to_pylist()
    maps = _present(props) if props.num_columns else [{} for _ in keys]
    for row, key in zip(maps, keys, strict=True):
        row["key"] = key
    return [
        {"source": source, "target": target, "props": row}
        for source, target, row in zip(
            table.sources.slice(start, count).to_pylist(),
            table.targets.slice(start, count).to_pylist(),
            maps,
            strict=True,
        )
    ]


def _nothing() -> None:
    """The finish of a statement whose counts are known before it runs."""


def _log_change(tx: neo4j.ManagedTransaction, changes: ChangeSet | None) -> None:
    """The change-log entry of the version just raised, in the write's own transaction."""
    keys = None if changes is None else changes.to_json()
    tx.run(cypher.meta_log_change(), keys=keys, kept=KEPT_ENTRIES).consume()


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
            # Our statements draw notes nobody acts on: the counts name every label and type
            # (stored or not), the start makes each constraint "if not exists".
            notifications_min_severity=NotificationMinimumSeverity.OFF,
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
            raise StoreUnavailable(f"无法连接 {self.url} 上的 Neo4j：{error}") from error
        except neo4j_errors.AuthError as error:
            raise StoreError(
                f"{self.url} 上的 Neo4j 拒绝了登录凭据，请检查 NEO4J_USER / NEO4J_PASSWORD："
                f"{error.message}"
            ) from error
        except neo4j_errors.ClientError as error:
            raise StoreError(f"{self.url} 上的 Neo4j 报错：{error.message}") from error

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
                f"{self.url} 的存储结构为第 {found} 版，"
                f"本版 graphsvc 只能读取第 {SCHEMA_VERSION} 版"
            )

    def close(self) -> None:
        self._driver.close()

    # ----------------------------------------------------------------- writes

    def write(
        self, batch: GraphBatch, *, on_progress: ProgressCallback | None = None
    ) -> WriteSummary:
        return self._guard(lambda: self._write(batch, on_progress))

    def _plan(self, batch: GraphBatch, empty: set[str]) -> list[tuple[int, _Work]]:
        """(rows, work) in write order: nodes in model order with their references, then edges.

        ``empty`` names the labels and edge types with nothing stored yet: the batch is
        deduplicated, so all its rows of those are new and nothing needs reading first.
        Tables (a file load's columns; ids unique) are sent a chunk at a time, each chunk's
        maps made from its columns only when it is sent.
        """
        node_rows, edge_rows, tables = batch.parts()
        nodes_by_label: dict[str, dict[str, NodeRow]] = defaultdict(dict)
        for node in node_rows:
            nodes_by_label[node.label][node.id] = node  # the last row of an id wins
        edges_by_type: dict[str, dict[tuple[str, str, str], EdgeRow]] = defaultdict(dict)
        for edge in edge_rows:
            edge_spec(edge.type)
            edges_by_type[edge.type][(edge.source, edge.target, edge.key)] = edge
        node_tables: dict[str, list[NodeTable]] = defaultdict(list)
        edge_tables: dict[str, list[EdgeTable]] = defaultdict(list)
        for table in tables:
            if isinstance(table, NodeTable):
                node_tables[table.label].append(table)
            else:
                edge_spec(table.type)
                edge_tables[table.type].append(table)
        unknown = (set(nodes_by_label) | set(node_tables)) - set(_LABELS)
        if unknown:
            raise StoreError(f"unknown node labels {sorted(unknown)}")
        size = self.batch_rows
        plan: list[tuple[int, _Work]] = []
        for spec in NODE_SPECS:
            rows = list(nodes_by_label.get(spec.label, {}).values())
            for chunk in _chunks(rows, size):
                payload = partial(_node_maps, chunk)
                plan.append((len(chunk), partial(self._write_nodes, spec, payload, empty)))
            for node_table in node_tables.get(spec.label, []):
                for start in range(0, len(node_table), size):
                    count = min(size, len(node_table) - start)
                    payload = partial(_table_node_maps, node_table, start, count)
                    plan.append((count, partial(self._write_nodes, spec, payload, empty)))
        for edge_type in dict.fromkeys([*edges_by_type, *edge_tables]):
            relation = edge_spec(edge_type)
            for edge_chunk in _chunks(list(edges_by_type.get(edge_type, {}).values()), size):
                edges = partial(_edge_maps, edge_chunk)
                plan.append((len(edge_chunk), partial(self._write_edges, relation, edges, empty)))
            for edge_table in edge_tables.get(edge_type, []):
                for start in range(0, len(edge_table), size):
                    count = min(size, len(edge_table) - start)
                    edges = partial(_table_edge_maps, edge_table, start, count)
                    plan.append((count, partial(self._write_edges, relation, edges, empty)))
        return plan

    @staticmethod
    def _write_nodes(
        spec: NodeSpec,
        maps: Callable[[], list[dict[str, Any]]],
        empty: set[str],
        tx: neo4j.ManagedTransaction,
        summary: WriteSummary,
    ) -> _Finish:
        payload = maps()  # each node's properties with its id, no nulls
        present = {
            ref.field: sum(1 for row in payload if row.get(ref.field) is not None)
            for ref in spec.references
        }
        if spec.label in empty:
            # New nodes, and their reference edges from them, in one statement.
            tx.run(cypher.create_nodes(spec.label, spec.references), rows=payload)
            summary.add(spec.label, created=len(payload))
            for ref in spec.references:
                summary.add(ref.edge_type, created=present[ref.field])
            return _nothing
        # Only new and changed nodes are written, their reference edges synced with them.
        synced = tuple(ref for ref in spec.references if ref.edge_type not in empty)
        upserted = tx.run(cypher.upsert_nodes(spec.label, synced), rows=payload)
        for ref in spec.references:
            if ref not in synced:  # a type with no edge yet: one from every node that names one
                fresh = [{"id": row["id"], "target": row[ref.field]}
                         for row in payload if row.get(ref.field) is not None]  # fmt: skip
                if fresh:
                    tx.run(cypher.create_references(spec, ref), rows=fresh)
                summary.add(ref.edge_type, created=len(fresh))
        count = len(payload)

        def finish() -> None:
            record = upserted.single(strict=True)
            created, updated = int(record["created"]), int(record["updated"])
            summary.add(
                spec.label, created=created, updated=updated, unchanged=count - created - updated
            )
            for number, ref in enumerate(synced):
                made, moved = int(record[f"created_{number}"]), int(record[f"updated_{number}"])
                summary.add(
                    ref.edge_type,
                    created=made,
                    updated=moved,
                    unchanged=present[ref.field] - made - moved,
                )

        return finish

    @staticmethod
    def _write_edges(
        spec: EdgeSpec,
        maps: Callable[[], list[dict[str, Any]]],
        empty: set[str],
        tx: neo4j.ManagedTransaction,
        summary: WriteSummary,
    ) -> _Finish:
        payload = maps()  # {source, target, props (with key)} a relation
        count = len(payload)
        if spec.type in empty:
            tx.run(cypher.create_edges(spec), rows=payload)
            summary.add(spec.type, created=count)
            return _nothing
        upserted = tx.run(cypher.upsert_edges(spec), rows=payload)

        def finish() -> None:
            created, updated = _counted(upserted)
            summary.add(
                spec.type, created=created, updated=updated, unchanged=count - created - updated
            )

        return finish

    def _write(self, batch: GraphBatch, on_progress: ProgressCallback | None) -> WriteSummary:
        counts = self.counts()
        stored = set(counts.nodes) | set(counts.edges)
        plan = self._plan(batch, {name for name in (*_LABELS, *_TYPES) if name not in stored})
        total = sum(count for count, _ in plan)

        def report(done: int) -> None:
            if on_progress is not None:
                on_progress("write", done, total)

        with self._driver.session(database=self.database) as session:
            if total <= self.atomic_rows:
                # One transaction; the driver may retry it whole, so it starts afresh each time.
                def whole(tx: neo4j.ManagedTransaction) -> WriteSummary:
                    summary, done, pending = WriteSummary(), 0, _nothing
                    for count, work in plan:
                        # This chunk is made and sent while the server works on the last one
                        # (Bolt answers in order); the last one's counts are read after.
                        finish = work(tx, summary)
                        pending()
                        pending = finish
                        done += count
                        report(done)
                    pending()
                    if summary.changed:
                        tx.run(cypher.meta_bump_version()).consume()
                        _log_change(tx, changes_of(batch))  # every row sent: a superset
                    return summary

                return session.execute_write(whole)

            # Too large for one transaction: idempotent chunks, with a marker until done.
            session.execute_write(
                lambda tx: tx.run(cypher.meta_set_pending(), pending=True).consume()
            )
            summary, done = WriteSummary(), 0
            for count, work in plan:
                part = session.execute_write(self._run_alone, work)
                for bucket in ("created", "updated", "unchanged"):
                    for name, value in getattr(part, bucket).items():
                        summary.add(name, **{bucket: value})
                done += count
                report(done)

            def finish(tx: neo4j.ManagedTransaction) -> None:
                if summary.changed:
                    tx.run(cypher.meta_bump_version()).consume()
                    _log_change(tx, None)
                tx.run(cypher.meta_set_pending(), pending=False).consume()

            session.execute_write(finish)
            return summary

    @staticmethod
    def _run_alone(tx: neo4j.ManagedTransaction, work: _Work) -> WriteSummary:
        part = WriteSummary()
        work(tx, part)()
        return part

    def _replace_edges(self, edge_type: str, rows: Sequence[EdgeRow]) -> None:
        spec = edge_spec(edge_type)
        payload = [
            {"source": r.source, "target": r.target, "props": {**r.props, "key": r.key}}
            for r in rows
        ]

        def replace(tx: neo4j.ManagedTransaction) -> None:
            tx.run(cypher.delete_edges_of_type(edge_type)).consume()
            for chunk in _chunks(payload, self.batch_rows):
                tx.run(cypher.create_edges(spec), rows=list(chunk)).consume()
            tx.run(cypher.meta_bump_version()).consume()
            _log_change(tx, ChangeSet(whole=frozenset({edge_type})))

        def run() -> None:
            with self._driver.session(database=self.database) as session:
                session.execute_write(replace)

        self._guard(run)

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
            record = self._read(cypher.count_all())[0]
            nodes = {label: int(count) for label, count in record["nodes"].items() if count}
            edges = {kind: int(count) for kind, count in record["edges"].items() if count}
            return StoreCounts(
                nodes={label: nodes[label] for label in _LABELS if label in nodes},
                edges={kind: edges[kind] for kind in _TYPES if kind in edges},
            )

        return self._guard(read)

    def get_nodes(self, label: str, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        wanted = list(dict.fromkeys(ids))
        node_spec(label)

        def read() -> dict[str, dict[str, Any]]:
            found: dict[str, dict[str, Any]] = {}
            for chunk in _chunks(wanted, 10_000):
                for record in self._read(cypher.get_nodes(label), ids=list(chunk)):
                    props = _decode(record["props"], _node_dates(label))
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
            raise StoreUnavailable(f"无法连接 {self.url} 上的 Neo4j：{error}") from error

    def iter_nodes(
        self, label: str, fields: Sequence[str] | None = None
    ) -> Iterator[dict[str, Any]]:
        dates = _node_dates(label)
        if fields is None:
            for record in self._stream(cypher.iter_nodes(label, None)):
                yield _decode(record["props"], dates)
            return
        names = tuple(name for name in fields if name != "id")
        for record in self._stream(cypher.iter_nodes(label, names)):
            props = {
                name: value
                for name, value in zip(names, record["values"], strict=True)
                if value is not None
            }
            props = _decode(props, dates)
            props["id"] = record["id"]
            yield props

    def iter_edges(self, edge_type: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
        spec = edge_spec(edge_type)
        dates = _edge_dates(edge_type)
        for record in self._stream(cypher.iter_edges(spec)):
            props = _decode(record["props"], dates)
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
                _decode(record["props"], _node_dates(label))
                for record in self._read(
                    cypher.list_nodes(label), where=conditions, offset=offset, limit=limit
                )
            ]
            total = self._read(cypher.list_nodes_total(label), where=conditions)[0]["n"]
            return page, int(total)

        return self._guard(read)

    def changes_since(self, version: int) -> ChangeSet | None:
        found = self._guard(lambda: self._read(cypher.meta_changes_since(), since=version))
        if not found:
            return None
        entries = [(int(v), keys) for v, keys in found[0]["entries"]]
        return merge_log(entries, version, int(found[0]["current"]))

    def version(self) -> int:
        records = self._guard(lambda: self._read(cypher.meta_get()))
        return int(records[0]["version"])

    def graph_id(self) -> str | None:
        """A token made when the graph's meta node is (after ``clear``, the version restarts)."""
        records = self._guard(lambda: self._read(cypher.meta_get()))
        graph = records[0]["graph"]
        return str(graph) if graph is not None else None
