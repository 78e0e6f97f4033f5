"""The embedded default store: one SQLite file, no server, no set-up.

Two tables hold the property graph (``nodes``, ``edges``) with properties as
JSON. Every write is one ``BEGIN IMMEDIATE`` transaction with
``synchronous=FULL`` in WAL mode: a crash mid-write leaves the last committed
state, never half a load. Rows whose JSON is unchanged are not rewritten, so
a reload changes nothing and the graph version stays put.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import orjson

from graphsvc.changes import KEPT_ENTRIES, MAX_LOGGED_KEYS, ChangeSet, merge_log
from graphsvc.model import EDGE_SPECS, NODE_SPECS, date_fields, edge_spec, node_spec
from graphsvc.rows import EdgeRow, GraphBatch, NodeRow, ProgressCallback, WriteSummary
from graphsvc.stores.base import EdgeView, GraphStore, StoreCounts, StoreError

__all__ = ["EmbeddedStore", "path_from_url"]

SCHEMA_VERSION = 1
_T = TypeVar("_T")
_CHUNK = 900  # stays under SQLite's bound-parameter limit on every build
_BIG_CHUNK = 50_000  # rows per insert when there is nothing to compare with
_WRITE_CACHE_KIB = 256 * 1024  # page cache while writing: a province's indexes stay in memory

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS nodes (
    label TEXT NOT NULL, id TEXT NOT NULL, props TEXT NOT NULL,
    PRIMARY KEY (label, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS edges (
    type TEXT NOT NULL, src TEXT NOT NULL, dst TEXT NOT NULL, key TEXT NOT NULL,
    props TEXT NOT NULL,
    PRIMARY KEY (type, src, dst, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS edges_by_target ON edges (type, dst);
CREATE TABLE IF NOT EXISTS changes (version INTEGER PRIMARY KEY, keys TEXT);
"""


def path_from_url(url: str) -> Path:
    """The file behind an embedded-store URL.

    A plain path, ``file:path``, or SQLAlchemy's form: ``sqlite:///relative.db``,
    ``sqlite:////absolute/path.db``.
    """
    for prefix in ("sqlite:///", "sqlite://", "file://", "file:", "sqlite:"):
        if url.startswith(prefix):
            return Path(url[len(prefix) :])
    return Path(url)


def _dumps(props: Mapping[str, Any]) -> str:
    # Sorted keys, compact, UTF-8, dates as ISO text: the same props give the same text, so
    # a reload can tell an unchanged row by comparing texts.
    return orjson.dumps(props, option=orjson.OPT_SORT_KEYS).decode()


@cache
def _node_dates(label: str) -> frozenset[str]:
    return date_fields(node_spec(label).model)


@cache
def _edge_dates(edge_type: str) -> frozenset[str]:
    model = edge_spec(edge_type).model
    return date_fields(model) if model is not None else frozenset()


def _loads(text: str, dates: frozenset[str]) -> dict[str, Any]:
    props: dict[str, Any] = orjson.loads(text)
    for name in dates & props.keys():
        props[name] = date.fromisoformat(props[name])
    return props


def _chunks(items: Sequence[_T], size: int = _CHUNK) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class EmbeddedStore(GraphStore):
    """A graph in one SQLite file."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.path = path_from_url(url)
        if self.path.exists() and self.path.is_dir():
            raise StoreError(f"{self.path} 是文件夹，不是图数据库文件")
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        # The file is created by the first write, not by opening: a load that fails
        # validation, or a read of a store never written, leaves no empty file behind.
        self._ready = False
        self._ready_lock = threading.Lock()
        if self.path.exists():
            self._prepare()

    # ------------------------------------------------------------ connections

    def _prepare(self) -> None:
        """Create the file and its schema if needed, and check that it is a graphsvc store."""
        with self._ready_lock:
            if not self._ready:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._init_schema()
                self._ready = True

    def _reader(self) -> sqlite3.Connection | None:
        """A connection for reads; None while no file exists (the graph is empty)."""
        if not self._ready:
            if not self.path.exists():
                return None
            self._prepare()  # another process wrote the first load meanwhile
        return self._conn()

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            # isolation_level=None: we issue BEGIN/COMMIT ourselves.
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            try:
                conn.execute("PRAGMA busy_timeout = 30000")
                conn.execute("PRAGMA synchronous = FULL")
            except sqlite3.DatabaseError as error:
                conn.close()
                raise StoreError(f"{self.path} 不是 graphsvc 图数据库文件（{error}）") from None
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    def _init_schema(self) -> None:
        conn = self._conn()
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{self.path} 不是 graphsvc 图数据库文件（{error}）") from None
        if tables and "meta" not in tables:
            raise StoreError(f"{self.path} 是 SQLite 文件，但不是 graphsvc 图数据库")
        conn.executescript(_SCHEMA)
        conn.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', ?), ('version', '0')",
            (str(SCHEMA_VERSION),),
        )
        found = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()[0]
        if int(found) != SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} 的存储结构为第 {found} 版，"
                f"本版 graphsvc 只能读取第 {SCHEMA_VERSION} 版"
            )

    def close(self) -> None:
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()

    # ----------------------------------------------------------------- writes

    def write(
        self, batch: GraphBatch, *, on_progress: ProgressCallback | None = None
    ) -> WriteSummary:
        summary = WriteSummary()
        total = len(batch)
        done = 0

        def advance(count: int) -> None:
            nonlocal done
            done += count
            if on_progress is not None:
                on_progress("write", done, total)

        nodes_by_label: dict[str, list[NodeRow]] = defaultdict(list)
        for node in batch.nodes:
            nodes_by_label[node.label].append(node)
        edges_by_type: dict[str, list[EdgeRow]] = defaultdict(list)
        for edge in batch.edges:
            edges_by_type[edge.type].append(edge)

        changed = _Changed()
        with self._transaction() as conn:
            # Labels in model order, so referenced nodes exist before their referrers.
            for spec in NODE_SPECS:
                rows = nodes_by_label.pop(spec.label, [])
                if rows:
                    self._write_nodes(conn, spec.label, rows, summary, advance, changed)
            if nodes_by_label:
                raise StoreError(f"unknown node labels {sorted(nodes_by_label)}")
            for edge_type, edge_rows in edges_by_type.items():
                edge_spec(edge_type)  # unknown types fail here, inside the transaction
                self._write_edges(conn, edge_type, edge_rows, summary, advance, changed)
            if summary.changed:
                self._bump_version(conn, changed.as_set())
        return summary

    def _write_nodes(
        self,
        conn: sqlite3.Connection,
        label: str,
        rows: list[NodeRow],
        summary: WriteSummary,
        advance: Any,
        log: _Changed,
    ) -> None:
        spec = node_spec(label)
        # A first load finds nothing to compare with: skip looking up each chunk.
        empty = self._none_of("nodes", "label", label, conn)
        for chunk in _chunks(rows, _BIG_CHUNK if empty else _CHUNK):
            existing: dict[str, str] = {}
            if not empty:
                marks = ",".join("?" * len(chunk))
                existing = dict(
                    conn.execute(
                        f"SELECT id, props FROM nodes WHERE label = ? AND id IN ({marks})",
                        [label, *(row.id for row in chunk)],
                    ).fetchall()
                )
            changed = []
            created = updated = 0
            for row in chunk:
                text = _dumps(row.props)
                old = existing.get(row.id)
                if old == text:
                    continue
                if old is None:
                    created += 1
                else:
                    updated += 1
                changed.append((label, row.id, text))
            log.nodes(label, [row_id for _, row_id, _ in changed])
            changed.sort()  # in key order: each insert lands beside the last one in the B-tree
            conn.executemany(
                "INSERT INTO nodes (label, id, props) VALUES (?, ?, ?) "
                "ON CONFLICT (label, id) DO UPDATE SET props = excluded.props",
                changed,
            )
            summary.add(
                label, created=created, updated=updated, unchanged=len(chunk) - len(changed)
            )
            for ref in spec.references:
                self._write_reference(conn, ref.edge_type, ref.field, chunk, summary)
            advance(len(chunk))

    def _write_reference(
        self,
        conn: sqlite3.Connection,
        edge_type: str,
        field: str,
        chunk: Sequence[NodeRow],
        summary: WriteSummary,
    ) -> None:
        current: dict[str, set[str]] = defaultdict(set)
        if not self._none_of("edges", "type", edge_type, conn):
            for ids in _chunks([row.id for row in chunk]):
                marks = ",".join("?" * len(ids))
                for src, dst in conn.execute(
                    f"SELECT src, dst FROM edges WHERE type = ? AND src IN ({marks})",
                    [edge_type, *ids],
                ):
                    current[src].add(dst)
        stale: list[tuple[str, str, str]] = []
        fresh: list[tuple[str, str, str, str, str]] = []
        created = updated = unchanged = 0
        for row in chunk:
            wanted = row.props.get(field)
            have = current.get(row.id, set())
            stale.extend((edge_type, row.id, dst) for dst in have if dst != wanted)
            if wanted is None:
                continue
            if wanted in have:
                unchanged += 1
                continue
            fresh.append((edge_type, row.id, str(wanted), "", "{}"))
            if have:
                updated += 1
            else:
                created += 1
        conn.executemany("DELETE FROM edges WHERE type = ? AND src = ? AND dst = ?", stale)
        conn.executemany(
            "INSERT OR REPLACE INTO edges (type, src, dst, key, props) VALUES (?, ?, ?, ?, ?)",
            fresh,
        )
        summary.add(edge_type, created=created, updated=updated, unchanged=unchanged)

    def _write_edges(
        self,
        conn: sqlite3.Connection,
        edge_type: str,
        rows: list[EdgeRow],
        summary: WriteSummary,
        advance: Any,
        log: _Changed,
    ) -> None:
        empty = self._none_of("edges", "type", edge_type, conn)
        for chunk in _chunks(rows, _BIG_CHUNK if empty else _CHUNK):
            existing: dict[tuple[str, str, str], str] = {}
            if not empty:
                sources = sorted({row.source for row in chunk})
                marks = ",".join("?" * len(sources))
                existing = {
                    (src, dst, key): props
                    for src, dst, key, props in conn.execute(
                        f"SELECT src, dst, key, props FROM edges "
                        f"WHERE type = ? AND src IN ({marks})",
                        [edge_type, *sources],
                    )
                }
            changed = []
            created = updated = 0
            for row in chunk:
                text = _dumps(row.props)
                old = existing.get((row.source, row.target, row.key))
                if old == text:
                    continue
                if old is None:
                    created += 1
                else:
                    updated += 1
                changed.append((edge_type, row.source, row.target, row.key, text))
            log.edges(edge_type, [(src, dst) for _, src, dst, _, _ in changed])
            changed.sort()
            conn.executemany(
                "INSERT INTO edges (type, src, dst, key, props) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (type, src, dst, key) DO UPDATE SET props = excluded.props",
                changed,
            )
            summary.add(
                edge_type, created=created, updated=updated, unchanged=len(chunk) - len(changed)
            )
            advance(len(chunk))

    @staticmethod
    def _none_of(table: str, column: str, value: str, conn: sqlite3.Connection) -> bool:
        """Whether ``table`` has no row of this label or type yet (``table``, ``column``: ours)."""
        found = conn.execute(f"SELECT 1 FROM {table} WHERE {column} = ? LIMIT 1", (value,))
        return found.fetchone() is None

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed whole, or rolled back whole on any error."""
        self._prepare()
        conn = self._conn()
        conn.execute(f"PRAGMA cache_size = -{_WRITE_CACHE_KIB}")
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        finally:
            conn.execute("PRAGMA cache_size = -2000")  # SQLite's default, for this reader again

    @staticmethod
    def _bump_version(conn: sqlite3.Connection, changes: ChangeSet | None) -> None:
        """Raise the version and log what the write changed (``None``: everything)."""
        conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'version'")
        version = int(conn.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()[0])
        conn.execute(
            "INSERT OR REPLACE INTO changes (version, keys) VALUES (?, ?)",
            (version, None if changes is None else changes.to_json()),
        )
        conn.execute("DELETE FROM changes WHERE version <= ?", (version - KEPT_ENTRIES,))

    def _replace_edges(self, edge_type: str, rows: Sequence[EdgeRow]) -> None:
        with self._transaction() as conn:
            conn.execute("DELETE FROM edges WHERE type = ?", (edge_type,))
            conn.executemany(
                "INSERT OR REPLACE INTO edges (type, src, dst, key, props) VALUES (?, ?, ?, ?, ?)",
                [(edge_type, r.source, r.target, r.key, _dumps(r.props)) for r in rows],
            )
            self._bump_version(conn, ChangeSet(whole=frozenset({edge_type})))

    def clear(self) -> None:
        with self._transaction() as conn:
            conn.execute("DELETE FROM nodes")
            conn.execute("DELETE FROM edges")
            self._bump_version(conn, None)

    # ------------------------------------------------------------------ reads

    def counts(self) -> StoreCounts:
        conn = self._reader()
        if conn is None:
            return StoreCounts(nodes={}, edges={})
        nodes = dict(conn.execute("SELECT label, COUNT(*) FROM nodes GROUP BY label"))
        edges = dict(conn.execute("SELECT type, COUNT(*) FROM edges GROUP BY type"))
        return StoreCounts(nodes=nodes, edges=edges)

    def get_nodes(self, label: str, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        dates = _node_dates(label)
        found: dict[str, dict[str, Any]] = {}
        conn = self._reader()
        if conn is None:
            return found
        for chunk in _chunks(list(dict.fromkeys(ids))):
            marks = ",".join("?" * len(chunk))
            for node_id, text in conn.execute(
                f"SELECT id, props FROM nodes WHERE label = ? AND id IN ({marks})",
                [label, *chunk],
            ):
                props = _loads(text, dates)
                props["id"] = node_id
                found[node_id] = props
        return found

    def iter_nodes(
        self, label: str, fields: Sequence[str] | None = None
    ) -> Iterator[dict[str, Any]]:
        dates = _node_dates(label)
        wanted = set(fields) if fields is not None else None
        conn = self._reader()
        if conn is None:
            return
        cursor = conn.execute("SELECT id, props FROM nodes WHERE label = ? ORDER BY id", (label,))
        for node_id, text in cursor:
            props = _loads(text, dates)
            if wanted is not None:
                props = {name: value for name, value in props.items() if name in wanted}
            props["id"] = node_id
            yield props

    def iter_edges(self, edge_type: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
        dates = _edge_dates(edge_type)
        conn = self._reader()
        if conn is None:
            return
        cursor = conn.execute(
            "SELECT src, dst, props FROM edges WHERE type = ? ORDER BY src, dst, key",
            (edge_type,),
        )
        for src, dst, text in cursor:
            yield src, dst, _loads(text, dates)

    def edges_of(self, label: str, node_id: str) -> list[EdgeView]:
        views: list[EdgeView] = []
        conn = self._reader()
        if conn is None:
            return views
        for spec in EDGE_SPECS:
            if spec.source == label:
                for dst, text in conn.execute(
                    "SELECT dst, props FROM edges WHERE type = ? AND src = ? ORDER BY dst, key",
                    (spec.type, node_id),
                ):
                    props = _loads(text, _edge_dates(spec.type))
                    views.append(EdgeView(spec.type, "out", spec.target, dst, props))
            if spec.target == label:
                for src, text in conn.execute(
                    "SELECT src, props FROM edges WHERE type = ? AND dst = ? ORDER BY src, key",
                    (spec.type, node_id),
                ):
                    props = _loads(text, _edge_dates(spec.type))
                    views.append(EdgeView(spec.type, "in", spec.source, src, props))
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
        clauses = ["label = ?"]
        params: list[Any] = [label]
        for name, value in (where or {}).items():
            if name not in fields:
                raise StoreError(f"{label} has no property {name!r}")
            if name == "id":
                clauses.append("id = ?")
            else:
                # The field name is checked against the model above; values are bound.
                clauses.append(f"json_extract(props, '$.{name}') = ?")
            if isinstance(value, bool):
                value = int(value)
            elif isinstance(value, date):
                value = value.isoformat()
            params.append(value)
        condition = " AND ".join(clauses)
        conn = self._reader()
        if conn is None:
            return [], 0
        total = conn.execute(f"SELECT COUNT(*) FROM nodes WHERE {condition}", params).fetchone()[0]
        dates = _node_dates(label)
        page = []
        for node_id, text in conn.execute(
            f"SELECT id, props FROM nodes WHERE {condition} ORDER BY id LIMIT ? OFFSET ?",
            [*params, limit, offset],
        ):
            props = _loads(text, dates)
            props["id"] = node_id
            page.append(props)
        return page, int(total)

    def load_memo(self) -> Mapping[str, Any] | None:
        conn = self._reader()
        if conn is None:
            return None
        row = conn.execute("SELECT value FROM meta WHERE key = 'last_load'").fetchone()
        memo: dict[str, Any] | None = orjson.loads(row[0]) if row else None
        return memo

    def remember_load(self, memo: Mapping[str, Any]) -> None:
        with self._transaction() as conn:
            found = conn.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
            if int(found[0]) != memo.get("version"):
                return  # someone wrote since: this memo would describe another graph
            conn.execute(
                "INSERT INTO meta (key, value) VALUES ('last_load', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (orjson.dumps(memo).decode(),),
            )

    def changes_since(self, version: int) -> ChangeSet | None:
        conn = self._reader()
        if conn is None:
            return None
        # The version first: every entry up to it is committed (each with its version).
        current = int(conn.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()[0])
        entries = conn.execute(
            "SELECT version, keys FROM changes WHERE version > ? AND version <= ?",
            (version, current),
        ).fetchall()
        return merge_log(entries, version, current)

    def version(self) -> int:
        conn = self._reader()
        if conn is None:
            return 0
        row = conn.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
        return int(row[0])

    # ------------------------------------------------------------ columnar reads

    @contextmanager
    def columnar_reader(self) -> Iterator[RawReader]:
        """Raw rows of one committed version, for the columnar snapshot (graphsvc.snapshot).

        Every read inside sees the same version (one read transaction in WAL mode), so a
        write landing meanwhile is not half seen.
        """
        self._prepare()
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            conn.execute("PRAGMA busy_timeout = 30000")
            conn.execute("BEGIN")
            row = conn.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
            yield RawReader(conn, int(row[0]))
            conn.execute("COMMIT")
        finally:
            conn.close()


class _Changed:
    """The keys one write changed, gathered as it goes (its change-log entry)."""

    def __init__(self) -> None:
        self._nodes: dict[str, set[str]] = defaultdict(set)
        self._edges: dict[str, set[tuple[str, str]]] = defaultdict(set)
        self._count = 0

    def nodes(self, label: str, ids: Iterable[str]) -> None:
        if self._count <= MAX_LOGGED_KEYS:
            before = len(self._nodes[label])
            self._nodes[label].update(ids)
            self._count += len(self._nodes[label]) - before

    def edges(self, edge_type: str, ends: Iterable[tuple[str, str]]) -> None:
        if self._count <= MAX_LOGGED_KEYS:
            before = len(self._edges[edge_type])
            self._edges[edge_type].update(ends)
            self._count += len(self._edges[edge_type]) - before

    def as_set(self) -> ChangeSet | None:
        """What changed; ``None`` (everything) past :data:`MAX_LOGGED_KEYS` keys."""
        if self._count > MAX_LOGGED_KEYS:
            return None
        return ChangeSet(
            {label: frozenset(ids) for label, ids in self._nodes.items() if ids},
            {kind: frozenset(ends) for kind, ends in self._edges.items() if ends},
        )


class RawReader:
    """Node and edge rows with their properties as stored (JSON text), one version."""

    def __init__(self, conn: sqlite3.Connection, version: int) -> None:
        self.conn = conn
        self.version = version

    def nodes(self, label: str) -> Iterator[tuple[str, str]]:
        """``(id, props JSON)`` of every node of ``label``."""
        yield from self.conn.execute("SELECT id, props FROM nodes WHERE label = ?", (label,))

    def edges(self, edge_type: str) -> Iterator[tuple[str, str, str, str]]:
        """``(source, target, key, props JSON)`` of every edge of ``edge_type``."""
        yield from self.conn.execute(
            "SELECT src, dst, key, props FROM edges WHERE type = ?", (edge_type,)
        )
