"""A columnar snapshot of what the analyses read, one per graph version.

The analyses (selection, development) read every cadre, post, unit and the
relations between them. Reading those from the store as one Python dict per row
costs minutes at province size; a snapshot holds the same nodes and edges as
Arrow IPC (feather) files with typed columns, built once per graph version and
memory-mapped by every process (the CLI, each server worker).

Layout, next to an embedded store's file (``p.db.snapshot/``) or under
``GRAPHSVC_SNAPSHOT_DIR`` for a Neo4j store::

    v<N>/meta.json          the version, the store's identity, row counts
    v<N>/node-Cadre.arrow   id, then each property (sorted), typed
    v<N>/edge-HOLDS.arrow   src, dst, then each property; _src/_dst: row of each end

A snapshot is written into a temporary directory and renamed into place (a crash
leaves no half snapshot); older versions are removed. Builders take a file lock,
so two processes never build the same version twice.

Node tables are sorted by id and edge tables by (source, target, key), the order
the stores' ``iter_nodes`` / ``iter_edges`` use. Missing properties are nulls
(stores never keep a ``None``). ``_src`` / ``_dst`` (edges) and ``_ref_<field>``
(nodes with a reference field) give the row of the node they name in its own
table (-1: none), so readers group and join with numpy instead of Python dicts.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import json
import os
import shutil
import threading
import types
import typing
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.compute as pc

from graphsvc.model import NODE_SPECS, edge_spec, node_spec
from graphsvc.rows import EdgeTable, GraphBatch, NodeTable
from graphsvc.stores.base import GraphStore
from graphsvc.stores.embedded import EmbeddedStore

__all__ = [
    "SNAPSHOT_EDGES",
    "SNAPSHOT_LABELS",
    "Snapshot",
    "build_snapshot",
    "newest_snapshot",
    "node_dicts",
    "pylist",
    "reading_snapshot",
    "snapshot_of",
    "snapshot_root",
]

# What the analyses read: every node label but photos (large, and no analysis looks at a
# face), and the relations (reference edges such as IN_UNIT are the nodes' own fields,
# analysis results are not read back).
SNAPSHOT_LABELS: tuple[str, ...] = tuple(spec.label for spec in NODE_SPECS if spec.label != "Photo")
SNAPSHOT_EDGES: tuple[str, ...] = (
    "HOLDS",
    "ROTATED_TO",
    "MENTORS",
    "WORKED_ON",
    "ATTENDED",
    "HAS_SPECIALTY",
    "REQUIRES",
    "RELATIVE_OF",
    "IN_POOL",
)
FORMAT = 1
_CHUNK_ROWS = 200_000
_INTERNAL_PREFIX = "_"


# ------------------------------------------------------------------ schemas


def _base_type(annotation: Any) -> Any:
    """The plain type under ``Annotated[...]`` and ``X | None``."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin is typing.Union or origin is types.UnionType:
            annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
        else:
            return annotation


def _arrow_type(annotation: Any) -> pa.DataType:
    base = _base_type(annotation)
    if isinstance(base, type):
        if issubclass(base, bool):
            return pa.bool_()
        if issubclass(base, int):
            return pa.int64()
        if issubclass(base, float):
            return pa.float64()
        if issubclass(base, date):
            return pa.date32()
    return pa.string()  # text and vocabularies (enums are stored as their text)


def _fields(model: type[Any], skip: Iterable[str]) -> dict[str, pa.DataType]:
    """Property columns of a model, sorted by name (the stores' JSON key order)."""
    skipped = set(skip)
    return {
        name: _arrow_type(info.annotation)
        for name, info in sorted(model.model_fields.items())
        if name not in skipped
    }


def node_fields(label: str) -> dict[str, pa.DataType]:
    """The property columns of a node table (``id`` apart)."""
    return dict(_node_fields(label))


def edge_fields(edge_type: str) -> dict[str, pa.DataType]:
    """The property columns of an edge table (its two ends apart)."""
    return dict(_edge_fields(edge_type))


# Worked out once a process: every one-row write validates against every table's columns.
@functools.cache
def _node_fields(label: str) -> dict[str, pa.DataType]:
    return _fields(node_spec(label).model, ["id"])


@functools.cache
def _edge_fields(edge_type: str) -> dict[str, pa.DataType]:
    spec = edge_spec(edge_type)
    if spec.model is None:
        return {}
    return _fields(spec.model, [spec.source_field, spec.target_field])


def _encode(array: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Dictionary-encode text with few distinct values (vocabularies, ids of few nodes)."""
    if not pa.types.is_string(array.type) or len(array) < 64:
        return array
    encoded = pc.dictionary_encode(array)
    distinct = (
        len(encoded.dictionary)
        if isinstance(encoded, pa.Array)
        else max((len(c.dictionary) for c in encoded.chunks), default=0)
    )
    return encoded if distinct * 4 < len(array) else array


# ------------------------------------------------------------------ reading rows


class _Rows:
    """Rows of one table gathered in chunks: text heads (ids), then typed properties."""

    def __init__(self, heads: list[str], props: dict[str, pa.DataType]) -> None:
        self.heads = heads
        self.props = props
        self.chunks: list[pa.RecordBatch] = []
        fields = [pa.field(name, pa.string()) for name in heads]
        self.schema = pa.schema(fields + [pa.field(n, k) for n, k in props.items()])

    def add(
        self, heads: list[list[Any]], props: list[dict[str, Any]], *, dates_as_text: bool
    ) -> None:
        """One chunk; ``props`` one dict per row (converted field by field in C++, as a struct)."""
        arrays = [pa.array(values, pa.string()) for values in heads]
        if self.props:
            # The embedded store keeps dates as ISO text: read as text, then cast.
            loose = pa.struct(
                [
                    (n, pa.string() if dates_as_text and pa.types.is_date32(k) else k)
                    for n, k in self.props.items()
                ]
            )
            parts = pa.array(props, loose).flatten()
            arrays += [
                part.cast(kind) if part.type != kind else part
                for part, kind in zip(parts, self.props.values(), strict=True)
            ]
        self.chunks.append(pa.RecordBatch.from_arrays(arrays, schema=self.schema))

    def table(self, sort_keys: list[str]) -> pa.Table:
        table = pa.Table.from_batches(self.chunks, schema=self.schema)
        if table.num_rows:
            table = table.take(pc.sort_indices(table, [(k, "ascending") for k in sort_keys]))
        return table.combine_chunks()


def _chunks(rows: Iterator[tuple[str, ...]]) -> Iterator[list[tuple[str, ...]]]:
    while True:
        chunk = [row for _, row in zip(range(_CHUNK_ROWS), rows, strict=False)]
        if not chunk:
            return
        yield chunk


def _embedded_tables(store: EmbeddedStore) -> tuple[int, dict[str, pa.Table]]:
    """Every table from one read transaction: raw rows, one orjson pass, columns in C++."""
    tables: dict[str, pa.Table] = {}
    with store.columnar_reader() as reader:
        version = reader.version
        for label in SNAPSHOT_LABELS:
            rows = _Rows(["id"], node_fields(label))
            for chunk in _chunks(reader.nodes(label)):
                decoded = [orjson.loads(row[1]) for row in chunk]
                rows.add([[row[0] for row in chunk]], decoded, dates_as_text=True)
            tables[label] = rows.table(["id"])
        for edge_type in SNAPSHOT_EDGES:
            rows = _Rows(["src", "dst", "key"], edge_fields(edge_type))
            for chunk in _chunks(reader.edges(edge_type)):
                heads = [[row[n] for row in chunk] for n in range(3)]
                rows.add(heads, [orjson.loads(row[3]) for row in chunk], dates_as_text=True)
            tables[edge_type] = rows.table(["src", "dst", "key"]).drop_columns(["key"])
    return version, tables


def _store_tables(store: GraphStore) -> tuple[int, dict[str, pa.Table]]:
    """Any store through its interface (Neo4j); read again when a write lands meanwhile."""
    for _ in range(5):
        version = store.version()
        tables: dict[str, pa.Table] = {}
        for label in SNAPSHOT_LABELS:
            rows = _Rows(["id"], node_fields(label))
            nodes = list(store.iter_nodes(label))
            rows.add([[n["id"] for n in nodes]], nodes, dates_as_text=False)
            tables[label] = rows.table(["id"])
        for edge_type in SNAPSHOT_EDGES:
            rows = _Rows(["src", "dst"], edge_fields(edge_type))
            edges = list(store.iter_edges(edge_type))
            heads = [[e[0] for e in edges], [e[1] for e in edges]]
            rows.add(heads, [e[2] for e in edges], dates_as_text=False)
            # iter_edges gives (source, target, key) order already; the sort is stable.
            tables[edge_type] = rows.table(["src", "dst"])
        if store.version() == version:
            return version, tables
    raise RuntimeError("图数据在读取快照期间持续变化，请稍后重试")


def _written_tables(batch: GraphBatch) -> dict[str, pa.Table] | None:
    """The tables of a store that ``batch`` filled from empty, made from the batch's columns
    (as :func:`_embedded_tables` reads them back, without reading); ``None`` when the batch
    holds row objects."""
    node_rows, edge_rows, columns = batch.parts()
    if node_rows or edge_rows:
        return None
    tables: dict[str, pa.Table] = {}
    for label in SNAPSHOT_LABELS:
        found = [t for t in columns if isinstance(t, NodeTable) and t.label == label]
        heads = {"id": pa.concat_arrays([t.ids for t in found] or [pa.array([], pa.string())])}
        tables[label] = _typed(heads, [t.props for t in found], node_fields(label), ["id"])
    for edge_type in SNAPSHOT_EDGES:
        edges = [t for t in columns if isinstance(t, EdgeTable) and t.type == edge_type]
        heads = {
            name: pa.concat_arrays([getattr(t, part) for t in edges] or [pa.array([], pa.string())])
            for name, part in (("src", "sources"), ("dst", "targets"), ("key", "keys"))
        }
        props = [t.props for t in edges]
        table = _typed(heads, props, edge_fields(edge_type), ["src", "dst", "key"])
        tables[edge_type] = table.drop_columns(["key"])
    return tables


def _typed(
    heads: dict[str, pa.Array],
    props: list[pa.Table],
    fields: dict[str, pa.DataType],
    sort_keys: list[str],
) -> pa.Table:
    """Text heads, then each property column of ``fields`` (null where a table has none),
    sorted by ``sort_keys``: the layout :class:`_Rows` gives."""
    columns = dict(heads)
    count = len(next(iter(heads.values())))
    for name, kind in fields.items():
        parts = [
            table.column(name).cast(kind)
            if name in table.column_names
            else pa.chunked_array([pa.nulls(table.num_rows, kind)], kind)
            for table in props
        ]
        chunks = [chunk for part in parts for chunk in part.chunks]
        columns[name] = pa.chunked_array(chunks, kind) if chunks else pa.nulls(count, kind)
    table = pa.table(columns)
    if table.num_rows:
        table = table.take(pc.sort_indices(table, [(k, "ascending") for k in sort_keys]))
    return table.combine_chunks()


def _row_of(ids: pa.ChunkedArray | pa.Array, table: pa.Table) -> pa.Array:
    """The row of each id in ``table`` (sorted by id), -1 where there is none."""
    found = pc.index_in(ids, value_set=table.column("id").combine_chunks())
    return pc.fill_null(found, -1).cast(pa.int32())


def _with_positions(tables: dict[str, pa.Table]) -> dict[str, pa.Table]:
    for label in SNAPSHOT_LABELS:
        for ref in node_spec(label).references:
            table = tables[label]
            rows = _row_of(table.column(ref.field), tables[ref.target])
            tables[label] = table.append_column(f"_ref_{ref.field}", rows)
    for edge_type in SNAPSHOT_EDGES:
        spec = edge_spec(edge_type)
        table = tables[edge_type]
        table = table.append_column("_src", _row_of(table.column("src"), tables[spec.source]))
        table = table.append_column("_dst", _row_of(table.column("dst"), tables[spec.target]))
        tables[edge_type] = table
    return {
        name: pa.table(
            {
                column: _encode(table.column(column)) if column not in {"id"} else table[column]
                for column in table.column_names
            }
        )
        for name, table in tables.items()
    }


# ------------------------------------------------------------------ where, and which graph


def snapshot_root(store: GraphStore) -> Path:
    """Where a store's snapshots live: beside the embedded file, or under the settings path."""
    if isinstance(store, EmbeddedStore):
        return store.path.with_name(store.path.name + ".snapshot")
    from graphsvc.settings import get_settings

    digest = hashlib.sha256(f"{store.url}|{getattr(store, 'database', '')}".encode()).hexdigest()[
        :16
    ]
    return Path(get_settings().snapshot_dir) / f"neo4j-{digest}"


def _identity(store: GraphStore) -> str:
    """What tells this graph apart from another one at the same version number.

    The embedded file's inode (a deleted and reloaded file starts again at version 1);
    for Neo4j, whose version also starts again after ``clear``, the token its meta node gets
    when made (``Neo4jStore.graph_id``), and the counts per label and type.
    """
    if isinstance(store, EmbeddedStore):
        stat = store.path.stat()
        return f"sqlite:{stat.st_dev}:{stat.st_ino}"
    counts = store.counts()
    graph_id = getattr(store, "graph_id", None)
    token = graph_id() if callable(graph_id) else None
    return f"graph:{token}|counts:" + json.dumps(
        {"nodes": counts.nodes, "edges": counts.edges}, sort_keys=True, ensure_ascii=False
    )


# ------------------------------------------------------------------ the snapshot


@dataclass
class Snapshot:
    """One graph version's tables, memory-mapped read-only."""

    version: int
    identity: str
    path: Path
    tables: dict[str, pa.Table]
    memo: dict[Any, Any] = field(default_factory=dict, repr=False)  # readers' derived arrays
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def nodes(self, label: str) -> pa.Table:
        return self.tables[label]

    def edges(self, edge_type: str) -> pa.Table:
        return self.tables[edge_type]

    def derived(self, key: Any, make: typing.Callable[[], Any]) -> Any:
        """A value computed once from this snapshot's tables (ids by row, groupings)."""
        with self.lock:
            if key not in self.memo:
                self.memo[key] = make()
            return self.memo[key]

    @classmethod
    def open(cls, path: Path) -> Snapshot:
        meta = json.loads((path / "meta.json").read_text("utf-8"))
        tables = {}
        for name in [*meta["nodes"], *meta["edges"]]:
            kind = "node" if name in meta["nodes"] else "edge"
            source = pa.memory_map(str(path / f"{kind}-{name}.arrow"))
            tables[name] = pa.ipc.open_file(source).read_all()
        return cls(int(meta["version"]), str(meta["identity"]), path, tables)


def pylist(column: pa.Array | pa.ChunkedArray) -> list[Any]:
    """A column's values as Python objects, as ``to_pylist`` gives them, but faster.

    Dictionary columns are decoded first, dates and numbers go through numpy.
    """
    if pa.types.is_dictionary(column.type):
        column = column.cast(column.type.value_type)
    kind = column.type
    plain = pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_boolean(kind)
    if pa.types.is_date32(kind) or (plain and column.null_count == 0):
        # Through numpy: dates come out as ``date`` (NaT as None), many times faster.
        if isinstance(column, pa.ChunkedArray):
            column = column.combine_chunks()
        fast: list[Any] = column.to_numpy(zero_copy_only=False).tolist()
        return fast
    values: list[Any] = column.to_pylist()
    return values


def node_dicts(
    table: pa.Table, rows: np.ndarray | None = None, fields: Iterable[str] | None = None
) -> list[dict[str, Any]]:
    """Rows of a node table as the stores give them: properties present, then ``id``."""
    if rows is not None:
        table = table.take(pa.array(rows, pa.int64()))
    names = [
        name
        for name in (fields if fields is not None else table.column_names)
        if name != "id" and not name.startswith(_INTERNAL_PREFIX)
    ]
    columns = [pylist(table.column(name)) for name in names]
    ids = pylist(table.column("id"))
    found = []
    for node_id, values in zip(ids, zip(*columns, strict=True) if columns else [()] * len(ids),
                               strict=True):  # fmt: skip
        props = {
            name: value for name, value in zip(names, values, strict=True) if value is not None
        }
        props["id"] = node_id
        found.append(props)
    return found


def _write(path: Path, version: int, identity: str, tables: dict[str, pa.Table]) -> None:
    for name, table in tables.items():
        kind = "node" if name in SNAPSHOT_LABELS else "edge"
        target = str(path / f"{kind}-{name}.arrow")
        with pa.OSFile(target, "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)
    meta = {
        "format": FORMAT,
        "version": version,
        "identity": identity,
        "nodes": list(SNAPSHOT_LABELS),
        "edges": list(SNAPSHOT_EDGES),
        "rows": {name: table.num_rows for name, table in tables.items()},
    }
    (path / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), "utf-8")


@contextmanager
def _build_lock(root: Path) -> Iterator[None]:
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _current(root: Path, version: int, identity: str) -> Path | None:
    path = root / f"v{version}"
    try:
        meta = json.loads((path / "meta.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if meta.get("format") != FORMAT or meta.get("identity") != identity:
        return None
    return path


def _tidy(root: Path, keep: Path) -> None:
    """Remove older versions and what a crashed build left (under the build lock)."""
    for entry in root.iterdir():
        if entry.is_dir() and entry != keep and (entry.name.startswith((".tmp-", "v"))):
            shutil.rmtree(entry, ignore_errors=True)


def build_snapshot(
    store: GraphStore, *, root: Path | None = None, written: GraphBatch | None = None
) -> Path:
    """Write the snapshot of the store's current version (if not there yet); its directory.

    ``written``: the batch whose write filled the store from empty, its only write (version
    1): the tables are then made from the batch's columns instead of read back from the store
    (the same tables, tested; a province's seconds instead of half a minute).
    """
    root = root or snapshot_root(store)
    with _build_lock(root):
        identity = _identity(store)
        version = store.version()
        existing = _current(root, version, identity)
        if existing is not None:
            return existing
        from_batch = _written_tables(written) if written is not None and version == 1 else None
        if from_batch is not None:
            tables = from_batch
        elif isinstance(store, EmbeddedStore):
            version, tables = _embedded_tables(store)
        else:
            version, tables = _store_tables(store)
        tables = _with_positions(tables)
        final = root / f"v{version}"
        temp = root / f".tmp-v{version}-{os.getpid()}"
        shutil.rmtree(temp, ignore_errors=True)
        temp.mkdir()
        _write(temp, version, identity, tables)
        if final.exists():  # a snapshot of another graph at the same version number
            shutil.rmtree(final)
        os.rename(temp, final)
        _tidy(root, final)
        return final


def _empty() -> Snapshot:
    tables = {label: _Rows(["id"], node_fields(label)).table(["id"]) for label in SNAPSHOT_LABELS}
    for edge_type in SNAPSHOT_EDGES:
        tables[edge_type] = _Rows(["src", "dst"], edge_fields(edge_type)).table(["src", "dst"])
    return Snapshot(0, "empty", Path(), _with_positions(tables))


_OPEN: dict[Path, Snapshot] = {}
_OPEN_LOCK = threading.Lock()


_PINNED = threading.local()  # per thread: root → the snapshot ``snapshot_of`` answers


def newest_snapshot(store: GraphStore, *, root: Path | None = None) -> Snapshot | None:
    """The snapshot of ``store`` this process mapped last, of whatever version (None: none).

    With the store's change log (``GraphStore.changes_since(snapshot.version)``) a read
    model read from it can be brought to the current version without a new snapshot.
    """
    if isinstance(store, EmbeddedStore) and not store.path.exists():
        return None
    with _OPEN_LOCK:
        return _OPEN.get((root or snapshot_root(store)).resolve())


@contextmanager
def reading_snapshot(store: GraphStore, snapshot: Snapshot) -> Iterator[None]:
    """Within the block, ``snapshot_of(store)`` in this thread answers ``snapshot`` (an
    older version's: a read model read from it is then patched forward)."""
    pinned: dict[Path, Snapshot] = getattr(_PINNED, "roots", {})
    root = snapshot_root(store).resolve()
    _PINNED.roots = {**pinned, root: snapshot}
    try:
        yield
    finally:
        _PINNED.roots = pinned


def snapshot_of(store: GraphStore, *, root: Path | None = None) -> Snapshot:
    """The snapshot of the store's current version, built if needed, mapped once per process."""
    pinned: dict[Path, Snapshot] = getattr(_PINNED, "roots", {})
    if pinned:
        found = pinned.get((root or snapshot_root(store)).resolve())
        if found is not None:
            return found
    if isinstance(store, EmbeddedStore) and not store.path.exists():
        # Never written: an empty graph, and no file or folder left behind by reading it.
        return _empty()
    root = (root or snapshot_root(store)).resolve()
    version = store.version()
    with _OPEN_LOCK:
        held = _OPEN.get(root)
    if held is not None and held.version == version and held.identity == _identity(store):
        return held
    path = _current(root, version, _identity(store)) or build_snapshot(store, root=root)
    try:
        snapshot = Snapshot.open(path)
    except FileNotFoundError:  # another process built a newer version and tidied this one
        snapshot = Snapshot.open(build_snapshot(store, root=root))
    with _OPEN_LOCK:
        _OPEN[root] = snapshot
    return snapshot
