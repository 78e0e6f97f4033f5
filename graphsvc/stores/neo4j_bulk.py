"""Filling an empty Neo4j database with Neo4j's own bulk importer.

``neo4j-admin database import full`` writes the store files directly, far
faster than transactions; Neo4j recommends it for initial loads. It works on
a stopped database only, so it is for an empty database (incremental loads
keep the transactional path of :class:`graphsvc.stores.neo4j.Neo4jStore`).

Two parts:

- :class:`ImportWriter` writes the importer's CSV files: one node file per
  label (``id:ID(Label)`` and a typed column per model field), one
  relationship file per type (``:START_ID(Source)``, ``:END_ID(Target)``,
  ``key`` and the typed fields), including the reference edges the store
  derives from node fields (``IN_UNIT`` from ``Post.unit_id``). Rows come as
  a whole :class:`GraphBatch` or a table at a time (pyarrow tables).
- :func:`run_import` runs tools/neo4j's ``Neo4jBulkImport`` on the stopped
  database: it refuses a database that holds data and runs the importer; the
  graph-version node is imported with the rest (version = the one the empty
  database kept plus one, as a transactional load would make it). The
  uniqueness constraints (and their indexes) are created when graphsvc first
  connects to the started server (``Neo4jStore`` does so on every connect,
  idempotently); ``neo4j.sh import`` connects once right after starting it.

The graph that results equals a transactional load of the same batch: same
labels, properties and types, relation keys, reference edges, constraints,
and version semantics (tests/test_neo4j_bulk.py compares them).
"""

from __future__ import annotations

import enum
import subprocess
import types
import typing
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from graphsvc.model import EDGE_SPECS, NODE_SPECS, Record, edge_spec, node_spec
from graphsvc.rows import EdgeRow, EdgeTable, GraphBatch, NodeRow, NodeTable, WriteSummary
from graphsvc.stores import neo4j_queries as cypher
from graphsvc.stores.base import StoreError
from graphsvc.stores.neo4j import SCHEMA_VERSION

__all__ = [
    "BulkImportFailed",
    "BulkImportRefused",
    "BulkOutcome",
    "ImportFiles",
    "ImportWriter",
    "importer_arguments",
    "run_import",
    "write_import_files",
]

# The importer's column type and the arrow type its values are written from.
_ARROW_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "long": pa.int64(),
    "double": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
}
# Exit codes of tools/neo4j's Neo4jBulkImport.
_NOT_EMPTY, _IN_USE, _IMPORT_FAILED = 3, 4, 5


class BulkImportRefused(StoreError):
    """The database holds data, or its server is running: nothing was imported."""


class BulkImportFailed(StoreError):
    """The importer failed; the database holds nothing from this import."""


def _importer_type(annotation: Any) -> str:
    """The importer's column type for a model field's annotation (``int | None`` → long)."""
    kinds: set[Any] = set()
    pending = [annotation]
    while pending:
        current = pending.pop()
        origin = typing.get_origin(current)
        if origin is typing.Annotated:
            pending.append(typing.get_args(current)[0])
        elif origin in (typing.Union, types.UnionType):
            pending.extend(typing.get_args(current))
        elif current is not type(None):
            kinds.add(current)
    if len(kinds) != 1:
        raise TypeError(f"no importer type for {annotation!r}")
    kind = kinds.pop()
    if kind is bool:  # before int: bool is an int
        return "boolean"
    if kind is int:
        return "long"
    if kind is float:
        return "double"
    if kind is datetime:
        raise TypeError("date-times are not part of the model")
    if kind is date:
        return "date"
    if kind is str or (isinstance(kind, type) and issubclass(kind, enum.StrEnum)):
        return "string"
    raise TypeError(f"no importer type for {annotation!r}")


def _model_columns(model: type[Record] | None, exclude: Iterable[str]) -> dict[str, str]:
    if model is None:
        return {}
    skip = set(exclude)
    return {
        name: _importer_type(info.annotation)
        for name, info in model.model_fields.items()
        if name not in skip
    }


def _node_columns(label: str) -> dict[str, str]:
    """Property columns of a node file, ``id`` first (the ID column)."""
    columns = _model_columns(node_spec(label).model, exclude=())
    columns.pop("id", None)
    return {"id": "string", **columns}


def _edge_columns(edge_type: str) -> dict[str, str]:
    """Property columns of a relationship file, ``key`` first."""
    spec = edge_spec(edge_type)
    columns = _model_columns(spec.model, exclude=(spec.source_field, spec.target_field))
    columns.pop("key", None)
    return {"key": "string", **columns}


def _csv_field(name: str) -> str:
    # The importer reads headers as plain CSV; names come from the model (no quotes, commas).
    if any(char in name for char in ',"\n\r'):
        raise ValueError(f"column name {name!r} cannot be written to an importer header")
    return name


@dataclass(frozen=True)
class ImportFiles:
    """The importer's input: files by label and type, and what they hold."""

    folder: Path
    nodes: dict[str, Path]
    relationships: dict[str, Path]
    rows: dict[str, int]  # per label and type, reference edges included
    multiline: bool  # some text holds a line break: the importer must read fields whole
    meta: Path  # the graph-version node; Neo4jBulkImport fills in its {VERSION}

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


@dataclass
class _Open:
    path: Path
    columns: dict[str, str]
    rows: int = 0


@dataclass
class ImportWriter:
    """Writes importer CSV files a table at a time into ``folder`` (created, must be empty).

    Call :meth:`add_nodes` / :meth:`add_edges` (or the ``*_table`` forms with pyarrow tables)
    any number of times per label or type, then :meth:`finish`. Ids must be unique per label
    across all calls (the importer refuses duplicates, so a bad input imports nothing).
    """

    folder: Path
    _files: dict[tuple[str, str], _Open] = field(default_factory=dict)
    _multiline: bool = False

    def __post_init__(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        if any(self.folder.iterdir()):
            raise StoreError(f"导入文件目录 {self.folder} 不为空")

    # ------------------------------------------------------------ the files

    def _file(self, kind: str, name: str, header: list[str], columns: dict[str, str]) -> _Open:
        opened = self._files.get((kind, name))
        if opened is None:
            opened = _Open(self.folder / f"{kind}-{name}.csv", columns)
            opened.path.write_text(",".join(map(_csv_field, header)) + "\n", encoding="utf-8")
            self._files[(kind, name)] = opened
        return opened

    def _append(self, opened: _Open, table: pa.Table) -> None:
        if table.num_rows == 0:
            return
        for column in table.columns:
            if pa.types.is_string(column.type) and not self._multiline:
                breaks = pc.any(pc.match_substring_regex(column, r"[\r\n]")).as_py()
                self._multiline = bool(breaks)
        with opened.path.open("ab") as sink:
            # Strings are always quoted and nulls never: "" stays an empty text, null no property.
            pacsv.write_csv(
                table,
                sink,
                pacsv.WriteOptions(include_header=False, quoting_style="needed"),
            )
        opened.rows += table.num_rows

    @staticmethod
    def _typed(table: pa.Table, columns: Mapping[str, str], what: str) -> pa.Table:
        """``table`` with exactly ``columns`` in order, each cast to its importer type."""
        extra = set(table.column_names) - set(columns)
        if extra:
            raise StoreError(f"{what} 含有模型之外的字段 {sorted(extra)}")
        arrays = []
        for name, kind in columns.items():
            wanted = _ARROW_TYPES[kind]
            if name in table.column_names:
                column = table.column(name)
                arrays.append(column if column.type == wanted else column.cast(wanted))
            else:
                arrays.append(pa.nulls(table.num_rows, wanted))
        return pa.table(arrays, names=list(columns))

    # -------------------------------------------------------------- tables

    def add_nodes_table(self, label: str, table: pa.Table) -> None:
        """Nodes of ``label``: a column ``id`` and model fields (absent fields are null)."""
        spec = node_spec(label)
        columns = _node_columns(label)
        typed = self._typed(table, columns, f"{label} 节点")
        if typed.column("id").null_count:
            raise StoreError(f"{label} 节点缺少 id")
        header = [
            f"id:ID({label})" if name == "id" else f"{name}:{kind}"
            for name, kind in columns.items()
        ]
        self._append(self._file("nodes", label, header, columns), typed)
        for ref in spec.references:
            # The edge the store derives from a reference field: (node)-[TYPE {key: ''}]->(target).
            target = typed.column(ref.field)
            present = pc.is_valid(target)
            refs = pa.table(
                {
                    "source": typed.column("id").filter(present),
                    "target": target.filter(present).cast(pa.string()),
                }
            )
            refs = refs.append_column("key", pa.array([""] * refs.num_rows, pa.string()))
            self._add_edge_table(ref.edge_type, label, ref.target, refs, {"key": "string"})

    def add_edges_table(self, edge_type: str, table: pa.Table) -> None:
        """Relations of ``edge_type``: columns ``source``, ``target``, ``key`` and model fields."""
        spec = edge_spec(edge_type)
        self._add_edge_table(edge_type, spec.source, spec.target, table, _edge_columns(edge_type))

    def _add_edge_table(
        self, edge_type: str, source: str, target: str, table: pa.Table, columns: dict[str, str]
    ) -> None:
        ends = {"source": "string", "target": "string"}
        typed = self._typed(table, {**ends, **columns}, f"{edge_type} 关系")
        if typed.column("source").null_count or typed.column("target").null_count:
            raise StoreError(f"{edge_type} 关系缺少起点或终点")
        header = [f":START_ID({source})", f":END_ID({target})"]
        header += [f"{name}:{kind}" for name, kind in columns.items()]
        self._append(self._file("relationships", edge_type, header, columns), typed)

    # ---------------------------------------------------------------- rows

    def add_nodes(self, label: str, rows: Sequence[NodeRow]) -> None:
        """Node rows of one label (as a :class:`GraphBatch` holds them)."""
        names = list(_node_columns(label))
        data: dict[str, list[Any]] = {"id": [row.id for row in rows]}
        for name in names[1:]:
            data[name] = [row.props.get(name) for row in rows]
        self._check_props(label, names, (row.props for row in rows))
        self.add_nodes_table(label, _table(data, _node_columns(label)))

    def add_edges(self, edge_type: str, rows: Sequence[EdgeRow]) -> None:
        """Relation rows of one type (as a :class:`GraphBatch` holds them)."""
        columns = _edge_columns(edge_type)
        data: dict[str, list[Any]] = {
            "source": [row.source for row in rows],
            "target": [row.target for row in rows],
            "key": [row.key for row in rows],
        }
        for name in list(columns)[1:]:
            data[name] = [row.props.get(name) for row in rows]
        self._check_props(edge_type, list(columns), (row.props for row in rows))
        kinds = {"source": "string", "target": "string", **columns}
        self.add_edges_table(edge_type, _table(data, kinds))

    @staticmethod
    def _check_props(name: str, columns: list[str], props: Iterable[Mapping[str, Any]]) -> None:
        known = set(columns)
        for row in props:
            if not known.issuperset(row):
                raise StoreError(f"{name} 含有模型之外的字段 {sorted(set(row) - known)}")

    def finish(self) -> ImportFiles:
        """The files written, for :func:`run_import`."""
        meta = self.folder / "meta.csv"
        meta.write_text(
            f"id:ID({cypher.META_LABEL}),schema:long,version:long,pending:boolean,graph\n"
            # graph: tells this graph from any earlier one at the same version (snapshots)
            f'"graphsvc",{SCHEMA_VERSION},{{VERSION}},false,{uuid.uuid4()}\n',
            encoding="utf-8",
        )
        return ImportFiles(
            folder=self.folder,
            nodes={name: f.path for (kind, name), f in self._files.items() if kind == "nodes"},
            relationships={
                name: f.path for (kind, name), f in self._files.items() if kind == "relationships"
            },
            rows={name: f.rows for (_, name), f in self._files.items()},
            multiline=self._multiline,
            meta=meta,
        )


def _table(data: Mapping[str, list[Any]], kinds: Mapping[str, str]) -> pa.Table:
    arrays = []
    for name, values in data.items():
        kind = kinds[name]
        try:
            arrays.append(pa.array(values, type=_ARROW_TYPES[kind]))
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError) as error:
            raise StoreError(f"字段 {name} 的值不是 {kind} 类型：{error}") from error
    return pa.table(arrays, names=list(data))


def write_import_files(batch: GraphBatch, folder: Path) -> ImportFiles:
    """The importer's CSV files for ``batch``, in ``folder`` (created; must be empty).

    Tables (a validated file load's columns) are written as they are, in C: no Python object
    per row. Row objects are deduplicated as the transactional path does: the last row of a
    node id, or of an edge's (source, target, key), wins (a label or type that has row
    objects has its tables' rows joined to them first).
    """
    node_rows, edge_rows, tables = batch.parts()
    node_tables: dict[str, list[NodeTable]] = {spec.label: [] for spec in NODE_SPECS}
    edge_tables: dict[str, list[EdgeTable]] = {}
    for table in tables:
        if isinstance(table, NodeTable):
            if table.label not in node_tables:
                raise StoreError(f"unknown node label {table.label!r}")
            node_tables[table.label].append(table)
        else:
            edge_spec(table.type)
            edge_tables.setdefault(table.type, []).append(table)
    nodes: dict[str, dict[str, NodeRow]] = {spec.label: {} for spec in NODE_SPECS}
    for node in node_rows:
        if node.label not in nodes:
            raise StoreError(f"unknown node label {node.label!r}")
        nodes[node.label][node.id] = node
    edges: dict[str, dict[tuple[str, str, str], EdgeRow]] = {}
    for edge in edge_rows:
        edge_spec(edge.type)
        edges.setdefault(edge.type, {})[(edge.source, edge.target, edge.key)] = edge
    writer = ImportWriter(folder)
    for label, by_id in nodes.items():
        if by_id:
            for node_table in node_tables.pop(label, []):
                by_id.update((row.id, row) for row in node_table.rows())
            writer.add_nodes(label, list(by_id.values()))
        for node_table in node_tables.get(label, []):
            columns = {
                "id": node_table.ids,
                **dict(zip(node_table.props.column_names, node_table.props.columns, strict=True)),
            }
            writer.add_nodes_table(label, pa.table(columns))  # fmt: skip
    for spec in EDGE_SPECS:
        keyed = edges.get(spec.type)
        if keyed:
            for edge_table in edge_tables.pop(spec.type, []):
                keyed.update(((row.source, row.target, row.key), row) for row in edge_table.rows())
            writer.add_edges(spec.type, list(keyed.values()))
        for edge_table in edge_tables.get(spec.type, []):
            props = edge_table.props
            columns = {
                "source": edge_table.sources,
                "target": edge_table.targets,
                "key": edge_table.keys,
                **dict(zip(props.column_names, props.columns, strict=True)),
            }
            writer.add_edges_table(spec.type, pa.table(columns))
    return writer.finish()


def importer_arguments(files: ImportFiles, *, threads: int, memory: str) -> list[str]:
    """``neo4j-admin database import full`` options for ``files``: strict (any bad row fails)."""
    arguments = [f"--nodes={label}={path}" for label, path in files.nodes.items()]
    arguments.append(f"--nodes={cypher.META_LABEL}={files.meta}")
    arguments += [f"--relationships={kind}={path}" for kind, path in files.relationships.items()]
    arguments += [
        "--id-type=string",
        "--delimiter=,",
        "--array-delimiter=;",
        '--quote="',
        "--bad-tolerance=0",
        "--skip-bad-relationships=false",
        "--skip-duplicate-nodes=false",
        f"--multiline-fields={'true' if files.multiline else 'false'}",
        f"--threads={threads}",
        f"--max-off-heap-memory={memory}",
        f"--report-file={files.folder / 'import.report'}",
    ]
    return arguments


@dataclass(frozen=True)
class BulkOutcome:
    summary: WriteSummary
    version: int  # the graph version the database now keeps
    files: ImportFiles
    # Seconds in each phase: the emptiness check, the importer itself.
    phases: dict[str, float] = field(default_factory=dict)


def run_import(
    files: ImportFiles,
    *,
    home: Path,
    java: Sequence[str],
    database: str = "neo4j",
    threads: int = 2,
    memory: str = "1G",
) -> BulkOutcome:
    """Import ``files`` into the empty database ``database`` of the stopped Neo4j in ``home``.

    ``java`` is the command that runs a class of tools/neo4j (``java -cp CLASSPATH``; the CLI
    gets it from ``tools/neo4j/neo4j.sh classpath``). ``memory``: the importer's off-heap
    memory limit.

    Raises
    ------
    BulkImportRefused
        The database holds data, or a server is running on ``home``; nothing changed.
    BulkImportFailed
        The importer refused a row or failed; its report is in the message.
    """
    if not files.nodes:
        raise BulkImportRefused("没有可导入的节点")
    command = [
        *java,
        "graphsvc.tools.Neo4jBulkImport",
        "--home",
        str(home),
        "--database",
        database,
        "--check",
        cypher.bulk_check(),
        "--meta",
        str(files.meta),
    ]
    command += ["--", *importer_arguments(files, threads=threads, memory=memory)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    output = (done.stdout + done.stderr).strip()
    if done.returncode == _NOT_EMPTY:
        raise BulkImportRefused(
            f"{home} 中的数据库 {database} 已有数据，批量导入只用于空数据库："
            "请改用普通导入（去掉 --bulk），或先清空数据库"
        )
    if done.returncode == _IN_USE:
        raise BulkImportRefused(
            f"{home} 中的 Neo4j 正在运行：批量导入须先停止服务器"
            "（tools/neo4j/neo4j.sh stop），或直接用 tools/neo4j/neo4j.sh import 目录"
            "（停止、导入、再启动）"
        )
    if done.returncode != 0:
        report = files.folder / "import.report"
        details = report.read_text("utf-8", errors="replace")[-2000:] if report.exists() else ""
        raise BulkImportFailed(
            f"Neo4j 批量导入失败（退出码 {done.returncode}），数据库未导入任何数据：\n"
            f"{output[-3000:]}\n{details}".rstrip()
        )
    version = int(done.stdout.rsplit("version ", 1)[-1].split()[0])
    timings = [float(value) for value in done.stdout.rsplit("phases ", 1)[-1].split()[:2]]
    summary = WriteSummary()
    for name, count in files.rows.items():
        summary.add(name, created=count)
    return BulkOutcome(
        summary=summary,
        version=version,
        files=files,
        phases=dict(zip(("check", "import"), timings, strict=True)),
    )
