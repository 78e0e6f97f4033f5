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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date
from functools import cache, partial
from itertools import repeat
from pathlib import Path
from typing import Any, TypeVar

import orjson
import pyarrow as pa
import pyarrow.compute as pc

from graphsvc.changes import KEPT_ENTRIES, MAX_LOGGED_KEYS, ChangeSet, merge_log
from graphsvc.model import EDGE_SPECS, NODE_SPECS, date_fields, edge_spec, node_spec
from graphsvc.rows import (
    EdgeRow,
    EdgeTable,
    GraphBatch,
    NodeRow,
    NodeTable,
    ProgressCallback,
    WriteSummary,
)
from graphsvc.sqlite_locks import begin_immediate
from graphsvc.stores.base import EdgeView, GraphStore, StoreCounts, StoreError

__all__ = ["EmbeddedStore", "json_texts", "path_from_url"]

SCHEMA_VERSION = 1
_T = TypeVar("_T")
_CHUNK = 900  # stays under SQLite's bound-parameter limit on every build
_BIG_CHUNK = 50_000  # rows per insert when there is nothing to compare with
_BUSY_MS = 30_000  # how long a statement waits for another process's write lock
_WRITE_CACHE_KIB = 256 * 1024  # page cache while writing: a province's indexes stay in memory
_UPSERT_NODE = (
    "INSERT INTO nodes (label, id, props) VALUES (?, ?, ?) "
    "ON CONFLICT (label, id) DO UPDATE SET props = excluded.props"
)
_INSERT_REFERENCE = (
    "INSERT OR REPLACE INTO edges (type, src, dst, key, props) VALUES (?, ?, ?, '', '{}')"
)
_UPSERT_EDGE = (
    "INSERT INTO edges (type, src, dst, key, props) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT (type, src, dst, key) DO UPDATE SET props = excluded.props"
)

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
CREATE TABLE IF NOT EXISTS changes (version INTEGER PRIMARY KEY, keys TEXT);
"""
_TARGET_INDEX = "edges_by_target"
_TARGET_INDEX_SQL = f"CREATE INDEX IF NOT EXISTS {_TARGET_INDEX} ON edges (type, dst)"
_INDEX_LATER_ROWS = 100_000  # a write this large into an empty edge table builds it at the end


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


_K = TypeVar("_K")


def _grouped(rows: Iterable[_T], kind: Callable[[_T], _K]) -> dict[_K, list[_T]]:
    found: dict[_K, list[_T]] = defaultdict(list)
    for row in rows:
        found[kind(row)].append(row)
    return found


def _json_pieces(name: str, column: pa.Array) -> pa.Array:
    """``,"name":value`` for each row (value as orjson writes it), ``""`` where null; by
    columns: text needing no escape is quoted in C, anything else each distinct value
    through orjson."""
    prefix = f',"{name}":'
    if pa.types.is_string(column.type):
        pieces = pc.binary_join_element_wise(prefix + '"', column, '"', "")
        odd = pc.fill_null(pc.match_substring_regex(column, r'["\\\x00-\x1f]'), False)
        if pc.any(odd).as_py():
            escaped = [
                prefix + orjson.dumps(text).decode() for text in column.filter(odd).to_pylist()
            ]
            pieces = pc.replace_with_mask(pieces, odd, pa.array(escaped, pa.string()))
    else:
        encoded = pc.dictionary_encode(column)
        distinct = [
            prefix + orjson.dumps(value).decode() for value in encoded.dictionary.to_pylist()
        ]
        pieces = pa.array(distinct, pa.string()).take(encoded.indices)
    return pc.fill_null(pieces, "")


def json_texts(props: pa.Table) -> pa.Array:
    """Each row's properties as the JSON text :func:`_dumps` gives a row's dict (sorted keys,
    no nulls), made by columns: no Python object per row."""
    count = props.num_rows
    pieces = [
        _json_pieces(name, column.combine_chunks())
        for name in sorted(props.column_names)
        if (column := props.column(name)).null_count < count
    ]
    if not pieces:
        return _empty_texts(count)
    # '{,"a":1,"b":2}' in one pass, then the comma after the brace cut in another; a row
    # with no property at all ('{}') keeps its text.
    joined = pc.binary_join_element_wise("{", *pieces, "}", "")
    texts = pc.utf8_replace_slice(joined, 1, 2, "")
    bare = pc.equal(joined, "{}")
    if pc.any(bare).as_py():
        texts = pc.if_else(bare, joined, texts)
    return texts


@dataclass
class _Nodes:
    """Node rows of one label as text arrays: ids, property texts (JSON), each reference
    field's target (null: none); sorted by id when ``in_order``."""

    ids: pa.Array
    texts: pa.Array
    references: dict[str, pa.Array]
    in_order: bool

    @classmethod
    def of_rows(cls, rows: Sequence[NodeRow]) -> _Nodes:
        references = {
            ref.field: pa.array(
                [_text_or_none(row.props.get(ref.field)) for row in rows], pa.string()
            )
            for ref in node_spec(rows[0].label).references
        }
        texts = pa.array([_dumps(row.props) for row in rows], pa.string())
        ids = pa.array([row.id for row in rows], pa.string())
        return cls(ids, texts, references, in_order=False)

    @classmethod
    def of_table(cls, table: NodeTable) -> _Nodes:
        order = pc.sort_indices(table.ids)
        props = table.props.take(order) if table.props.num_columns else table.props
        references = {
            ref.field: props.column(ref.field).combine_chunks().cast(pa.string())
            if ref.field in props.column_names
            else pa.nulls(len(table), pa.string())
            for ref in node_spec(table.label).references
        }
        texts = json_texts(props) if props.num_columns else _empty_texts(len(table))
        return cls(table.ids.take(order), texts, references, in_order=True)


def _empty_texts(count: int) -> pa.Array:
    return pa.repeat(pa.scalar("{}", pa.string()), count)


def _text_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


@dataclass
class _Edges:
    """Relation rows of one type as text arrays: ends, keys, property texts (JSON); sorted by
    (source, target, key) when ``in_order``."""

    sources: pa.Array
    targets: pa.Array
    keys: pa.Array
    texts: pa.Array
    in_order: bool

    @classmethod
    def of_rows(cls, rows: Sequence[EdgeRow]) -> _Edges:
        return cls(
            pa.array([row.source for row in rows], pa.string()),
            pa.array([row.target for row in rows], pa.string()),
            pa.array([row.key for row in rows], pa.string()),
            pa.array([_dumps(row.props) for row in rows], pa.string()),
            in_order=False,
        )

    @classmethod
    def of_table(cls, table: EdgeTable) -> _Edges:
        ends = pa.table({"source": table.sources, "target": table.targets, "key": table.keys})
        order = pc.sort_indices(ends, sort_keys=[(name, "ascending") for name in ends.column_names])
        ends = ends.take(order).combine_chunks()
        props = table.props
        texts = json_texts(props.take(order)) if props.num_columns else _empty_texts(len(table))
        return cls(
            ends.column("source").chunk(0) if ends.num_rows else pa.array([], pa.string()),
            ends.column("target").chunk(0) if ends.num_rows else pa.array([], pa.string()),
            ends.column("key").chunk(0) if ends.num_rows else pa.array([], pa.string()),
            texts,
            in_order=True,
        )


def _lists(*arrays: pa.Array, start: int, size: int) -> list[list[Any]]:
    """One chunk of each array as Python values (made a chunk at a time: a province's
    millions of strings never exist at once)."""
    return [array.slice(start, size).to_pylist() for array in arrays]


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
                conn.execute(f"PRAGMA busy_timeout = {_BUSY_MS}")
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
        conn.execute(_TARGET_INDEX_SQL)
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

        # Each part's text arrays are made from its columns when its turn comes, in write
        # order: labels in model order (referenced nodes exist before their referrers), then
        # relation types.
        node_rows, edge_rows, tables = batch.parts()
        nodes: dict[str, list[Callable[[], _Nodes]]] = defaultdict(list)
        edges: dict[str, list[Callable[[], _Edges]]] = defaultdict(list)
        for label, labelled in _grouped(node_rows, lambda row: row.label).items():
            nodes[label].append(partial(_Nodes.of_rows, labelled))
        for edge_type, typed in _grouped(edge_rows, lambda row: row.type).items():
            edges[edge_type].append(partial(_Edges.of_rows, typed))
        for table in tables:
            if isinstance(table, NodeTable):
                nodes[table.label].append(partial(_Nodes.of_table, table))
            else:
                edges[table.type].append(partial(_Edges.of_table, table))
        unknown = set(nodes) - {spec.label for spec in NODE_SPECS}
        if unknown:
            raise StoreError(f"unknown node labels {sorted(unknown)}")
        for edge_type in edges:
            edge_spec(edge_type)  # an unknown type fails here, before anything is written
        order: list[tuple[str, Callable[[], _Nodes | _Edges]]] = [
            *((spec.label, make) for spec in NODE_SPECS for make in nodes.get(spec.label, [])),
            *((edge_type, make) for edge_type, makes in edges.items() for make in makes),
        ]
        large = total >= _INDEX_LATER_ROWS

        changed = _Changed()
        with self._transaction(into_empty=large and self._is_empty()) as conn:
            # Into an empty edge table, the index by target is built once after the inserts
            # (a sort) instead of kept up to date row by row: three times less work.
            no_edges = conn.execute("SELECT 1 FROM edges LIMIT 1").fetchone() is None
            index_later = large and no_edges
            if index_later:
                conn.execute(f"DROP INDEX IF EXISTS {_TARGET_INDEX}")
            for name, make in order:
                part = make()  # one part's texts at a time: a province's never all at once
                if isinstance(part, _Nodes):
                    self._write_nodes(conn, name, part, summary, advance, changed)
                else:
                    self._write_edges(conn, name, part, summary, advance, changed)
            if index_later:
                conn.execute(_TARGET_INDEX_SQL)
            if summary.changed:
                self._bump_version(conn, changed.as_set())
        return summary

    def _write_nodes(
        self,
        conn: sqlite3.Connection,
        label: str,
        rows: _Nodes,
        summary: WriteSummary,
        advance: Any,
        log: _Changed,
    ) -> None:
        spec = node_spec(label)
        # A first load finds nothing to compare with: rows go in as they are, no look-ups.
        empty = self._none_of("nodes", "label", label, conn)
        size = _BIG_CHUNK if empty else _CHUNK
        no_edges = {
            ref.edge_type: self._none_of("edges", "type", ref.edge_type, conn)
            for ref in spec.references
        }
        for start in range(0, len(rows.ids), size):
            ids, texts = _lists(rows.ids, rows.texts, start=start, size=size)
            if empty and rows.in_order:
                conn.executemany(
                    _UPSERT_NODE, zip(repeat(label, len(ids)), ids, texts, strict=True)
                )
                summary.add(label, created=len(ids))
                log.nodes(label, ids, len(ids))
            else:
                self._upsert_nodes(conn, label, ids, texts, summary, log, empty=empty)
            for ref in spec.references:
                targets = rows.references[ref.field].slice(start, size)
                if no_edges[ref.edge_type]:
                    # Nothing to compare with: the nodes that name a target, straight in.
                    named = pc.is_valid(targets)
                    sources = rows.ids.slice(start, size).filter(named).to_pylist()
                    conn.executemany(
                        _INSERT_REFERENCE,
                        zip(
                            repeat(ref.edge_type, len(sources)),
                            sources,
                            targets.filter(named).to_pylist(),
                            strict=True,
                        ),
                    )
                    summary.add(ref.edge_type, created=len(sources))
                else:
                    self._write_reference(conn, ref.edge_type, ids, targets.to_pylist(), summary)
            advance(len(ids))

    @staticmethod
    def _upsert_nodes(
        conn: sqlite3.Connection,
        label: str,
        ids: list[str],
        texts: list[str],
        summary: WriteSummary,
        log: _Changed,
        *,
        empty: bool,
    ) -> None:
        """Nodes compared with what is stored: only new and changed ones are written."""
        existing: dict[str, str] = {}
        if not empty:
            marks = ",".join("?" * len(ids))
            existing = dict(
                conn.execute(
                    f"SELECT id, props FROM nodes WHERE label = ? AND id IN ({marks})",
                    [label, *ids],
                ).fetchall()
            )
        changed = []
        created = updated = 0
        for node_id, text in zip(ids, texts, strict=True):
            old = existing.get(node_id)
            if old == text:
                continue
            if old is None:
                created += 1
            else:
                updated += 1
            changed.append((label, node_id, text))
        log.nodes(label, (node_id for _, node_id, _ in changed), len(changed))
        changed.sort()  # in key order: each insert lands beside the last one in the B-tree
        conn.executemany(_UPSERT_NODE, changed)
        summary.add(label, created=created, updated=updated, unchanged=len(ids) - len(changed))

    def _write_reference(
        self,
        conn: sqlite3.Connection,
        edge_type: str,
        ids: list[str],
        targets: list[str | None],
        summary: WriteSummary,
    ) -> None:
        """The reference edge of each node (``ids``) made to point at its target alone."""
        current: dict[str, set[str]] = defaultdict(set)
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            for src, dst in conn.execute(
                f"SELECT src, dst FROM edges WHERE type = ? AND src IN ({marks})",
                [edge_type, *chunk],
            ):
                current[src].add(dst)
        stale: list[tuple[str, str, str]] = []
        new: list[tuple[str, str, str, str, str]] = []
        created = updated = unchanged = 0
        for node_id, wanted in zip(ids, targets, strict=True):
            have = current.get(node_id, set())
            stale.extend((edge_type, node_id, dst) for dst in have if dst != wanted)
            if wanted is None:
                continue
            if wanted in have:
                unchanged += 1
                continue
            new.append((edge_type, node_id, wanted, "", "{}"))
            if have:
                updated += 1
            else:
                created += 1
        conn.executemany("DELETE FROM edges WHERE type = ? AND src = ? AND dst = ?", stale)
        conn.executemany(
            "INSERT OR REPLACE INTO edges (type, src, dst, key, props) VALUES (?, ?, ?, ?, ?)",
            new,
        )
        summary.add(edge_type, created=created, updated=updated, unchanged=unchanged)

    def _write_edges(
        self,
        conn: sqlite3.Connection,
        edge_type: str,
        rows: _Edges,
        summary: WriteSummary,
        advance: Any,
        log: _Changed,
    ) -> None:
        empty = self._none_of("edges", "type", edge_type, conn)
        size = _BIG_CHUNK if empty else _CHUNK
        for start in range(0, len(rows.sources), size):
            sources, targets, keys, texts = _lists(
                rows.sources, rows.targets, rows.keys, rows.texts, start=start, size=size
            )
            if empty and rows.in_order:
                conn.executemany(
                    _UPSERT_EDGE,
                    zip(repeat(edge_type, len(keys)), sources, targets, keys, texts, strict=True),
                )
                summary.add(edge_type, created=len(keys))
                log.edges(edge_type, zip(sources, targets, strict=True), len(keys))
            else:
                self._upsert_edges(
                    conn, edge_type, sources, targets, keys, texts, summary, log, empty=empty
                )
            advance(len(keys))

    @staticmethod
    def _upsert_edges(
        conn: sqlite3.Connection,
        edge_type: str,
        sources: list[str],
        targets: list[str],
        keys: list[str],
        texts: list[str],
        summary: WriteSummary,
        log: _Changed,
        *,
        empty: bool,
    ) -> None:
        """Relations compared with what is stored: only new and changed ones are written."""
        existing: dict[tuple[str, str, str], str] = {}
        if not empty:
            distinct = sorted(set(sources))
            marks = ",".join("?" * len(distinct))
            existing = {
                (src, dst, key): props
                for src, dst, key, props in conn.execute(
                    f"SELECT src, dst, key, props FROM edges WHERE type = ? AND src IN ({marks})",
                    [edge_type, *distinct],
                )
            }
        changed = []
        created = updated = 0
        for source, target, key, text in zip(sources, targets, keys, texts, strict=True):
            old = existing.get((source, target, key))
            if old == text:
                continue
            if old is None:
                created += 1
            else:
                updated += 1
            changed.append((edge_type, source, target, key, text))
        log.edges(edge_type, ((src, dst) for _, src, dst, _, _ in changed), len(changed))
        changed.sort()
        conn.executemany(_UPSERT_EDGE, changed)
        summary.add(
            edge_type, created=created, updated=updated, unchanged=len(sources) - len(changed)
        )

    def _is_empty(self) -> bool:
        """Whether nothing at all is stored (a hint: a write checks again inside its own)."""
        conn = self._reader()
        if conn is None:
            return True
        found = conn.execute("SELECT EXISTS (SELECT 1 FROM nodes) OR EXISTS (SELECT 1 FROM edges)")
        return not found.fetchone()[0]

    @staticmethod
    def _none_of(table: str, column: str, value: str, conn: sqlite3.Connection) -> bool:
        """Whether ``table`` has no row of this label or type yet (``table``, ``column``: ours)."""
        found = conn.execute(f"SELECT 1 FROM {table} WHERE {column} = ? LIMIT 1", (value,))
        return found.fetchone() is None

    @contextmanager
    def _transaction(self, *, into_empty: bool = False) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed whole, or rolled back whole on any error.

        ``into_empty``: a large write into a graph with nothing stored; it writes its pages
        once, through a rollback journal, when no other connection has the file open.
        """
        self._prepare()
        conn = self._conn()
        journal = into_empty and self._leave_wal(conn)
        conn.execute(f"PRAGMA cache_size = -{_WRITE_CACHE_KIB}")
        try:
            begin_immediate(conn, timeout=_BUSY_MS / 1000, busy_timeout_ms=_BUSY_MS)
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        finally:
            conn.execute("PRAGMA cache_size = -2000")  # SQLite's default, for this reader again
            if journal:
                # Should a reader hold the file now, the write stands all the same, and the
                # next open of the store sets the log again (``_init_schema``).
                with suppress(sqlite3.OperationalError):
                    conn.execute("PRAGMA journal_mode = WAL")

    @staticmethod
    def _leave_wal(conn: sqlite3.Connection) -> bool:
        """Switch to a rollback journal for one write, if no other connection has the file open.

        The log (WAL) would take every new page and copy it into the file at the commit: a
        first load of a province wrote its gigabyte twice. A rollback journal keeps only the
        pages a write changes that existed before it; pages past the file's old end need no
        copy, since a rollback cuts the file back. Still all or nothing, crash included.
        """
        conn.execute("PRAGMA busy_timeout = 0")  # others have the file open: don't wait, keep WAL
        try:
            mode = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
        except sqlite3.OperationalError:
            return False
        finally:
            conn.execute(f"PRAGMA busy_timeout = {_BUSY_MS}")
        return bool(mode == "delete")

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
            conn.execute(f"PRAGMA busy_timeout = {_BUSY_MS}")
            conn.execute("BEGIN")
            row = conn.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
            yield RawReader(conn, int(row[0]))
            conn.execute("COMMIT")
        finally:
            conn.close()


class _Changed:
    """The keys one write changed, gathered as it goes (its change-log entry).

    Past :data:`MAX_LOGGED_KEYS` rows it stops gathering (the entry says everything): a first
    load's millions of keys are never made into a set.
    """

    def __init__(self) -> None:
        self._nodes: dict[str, set[str]] = defaultdict(set)
        self._edges: dict[str, set[tuple[str, str]]] = defaultdict(set)
        self._count = 0

    def _room(self, count: int) -> bool:
        """Whether ``count`` more keys may still be listed (counted as given, repeats too)."""
        self._count += count
        return self._count <= MAX_LOGGED_KEYS

    def nodes(self, label: str, ids: Iterable[str], count: int) -> None:
        if self._room(count):
            self._nodes[label].update(ids)

    def edges(self, edge_type: str, ends: Iterable[tuple[str, str]], count: int) -> None:
        if self._room(count):
            self._edges[edge_type].update(ends)

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
