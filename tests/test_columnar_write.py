"""A file load's columns written as they are: the same store, files and snapshot as rows give.

The loader hands the stores each label's and type's rows as typed Arrow columns
(:class:`graphsvc.rows.NodeTable`); these tests hold every place that writes them equal to the
same rows given as objects (the path every other writer uses): the embedded store's rows
(byte for byte), the bulk importer's files (byte for byte), the Neo4j graph, and the snapshot
made from the load's columns against the one read back from the store. The array shortcuts
of validation (the ID-number check, the fields ``after`` validators read) are held to the
exact functions they stand for.
"""

from __future__ import annotations

import random
import sqlite3
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from graphsvc.changes import ChangeSet, changes_of
from graphsvc.id_number import birth_date_problem, check_character, check_digit_problem
from graphsvc.model import EDGE_SPECS, NODE_SPECS
from graphsvc.rows import GraphBatch, NodeTable
from graphsvc.snapshot import SNAPSHOT_EDGES, SNAPSHOT_LABELS, Snapshot, build_snapshot
from graphsvc.stores import embedded
from graphsvc.stores.embedded import EmbeddedStore, _dumps, json_texts
from graphsvc.stores.neo4j_bulk import write_import_files
from loaders.columns import column_plan, fields_read
from loaders.load import load_paths
from loaders.tables import read_sources
from loaders.validate import _id_number_doubts, validate_tables


def _by_rows(folder: Path) -> GraphBatch:
    """The batch as row objects (the exact path), the reference for the columns."""
    validated = validate_tables(read_sources([folder]), None, by_columns=False)
    assert not validated.issues and validated.batch.nodes
    return validated.batch


def _by_columns(folder: Path) -> GraphBatch:
    validated = validate_tables(read_sources([folder]), None)
    assert not validated.issues
    nodes, edges, tables = validated.batch.parts()
    assert tables and not nodes and not edges, "a clean CSV load gives columns only"
    return validated.batch


# ------------------------------------------------------------------ JSON by columns

ODD_TEXTS = ["", "plain", 'a"b', "c\\d", "x\ny", "\t", "\x00", "\x1f", "\x7f", "中文，（）",
             "é\u2028", "/", " spaced ", "\u3000", "😀", None]  # fmt: skip


def test_json_texts_are_orjsons_text_of_each_row() -> None:
    random_ = random.Random(5)
    values: dict[str, list[Any]] = {
        "a": ODD_TEXTS,
        "b": [None, 0, 1, -5, 10**15, 2**62],
        "c": [None, 0.0, 0.1, 3.0, 1e-7, 1e20, 2.5, 123456789.125],
        "d": [None, True, False],
        "e": [None, date(2020, 1, 31), date(1901, 12, 1), date(2100, 12, 31)],
        "f": ODD_TEXTS,
    }
    kinds = {"a": pa.string(), "b": pa.int64(), "c": pa.float64(), "d": pa.bool_(),
             "e": pa.date32(), "f": pa.string()}  # fmt: skip
    rows = [{name: random_.choice(pool) for name, pool in values.items()} for _ in range(3000)]
    rows += [dict.fromkeys(values)]  # a row with no property at all: "{}"
    table = pa.Table.from_pylist(rows, schema=pa.schema(list(kinds.items())))
    expected = [_dumps({k: v for k, v in row.items() if v is not None}) for row in rows]
    assert json_texts(table).to_pylist() == expected
    assert json_texts(table.select(["d", "a"])).to_pylist() == [
        _dumps({k: row[k] for k in ("a", "d") if row[k] is not None}) for row in rows
    ]


# ------------------------------------------------------------------ the embedded store


def _stored(path: Path) -> tuple[list[Any], list[Any]]:
    conn = sqlite3.connect(path)
    try:
        nodes = conn.execute("SELECT label, id, props FROM nodes ORDER BY label, id").fetchall()
        edges = conn.execute("SELECT * FROM edges ORDER BY type, src, dst, key").fetchall()
    finally:
        conn.close()
    return nodes, edges


def test_the_embedded_store_written_from_columns_equals_rows(
    small_sample_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A small threshold, so that this load builds the index by target after its inserts.
    monkeypatch.setattr(embedded, "_INDEX_LATER_ROWS", 1000)
    summaries = {}
    for name, batch in (("columns", _by_columns(small_sample_dir)),
                        ("rows", _by_rows(small_sample_dir))):  # fmt: skip
        store = EmbeddedStore(str(tmp_path / f"{name}.db"))
        summaries[name] = store.write(batch).as_dict()
        store.close()
    assert summaries["columns"] == summaries["rows"]
    assert _stored(tmp_path / "columns.db") == _stored(tmp_path / "rows.db")
    conn = sqlite3.connect(tmp_path / "columns.db")
    plan = conn.execute(
        "EXPLAIN QUERY PLAN SELECT src FROM edges WHERE type = 'HOLDS' AND dst = 'P000001'"
    ).fetchall()
    conn.close()
    assert any("edges_by_target" in str(step) for step in plan), plan


def test_a_load_into_a_store_with_data_compares_by_columns(
    small_sample_dir: Path, tmp_path: Path
) -> None:
    store = EmbeddedStore(str(tmp_path / "graph.db"))
    first = load_paths(store, [small_sample_dir])
    assert sum(first.summary.created.values()) > 7000
    again = store.write(_by_columns(small_sample_dir))  # the memo bypassed: all compared
    assert not again.changed and again.unchanged == first.summary.created
    store.close()


def test_a_failed_first_load_keeps_the_index_by_target(
    small_sample_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(embedded, "_INDEX_LATER_ROWS", 1000)
    store = EmbeddedStore(str(tmp_path / "graph.db"))
    store.write(GraphBatch())  # the file and its schema
    seen = []

    def fail(self: EmbeddedStore, conn: sqlite3.Connection, *args: Any) -> None:
        seen.append(conn.execute("PRAGMA journal_mode").fetchone()[0])
        raise RuntimeError("the disk is full")  # after every node was written

    monkeypatch.setattr(EmbeddedStore, "_write_edges", fail)
    with pytest.raises(RuntimeError, match="disk is full"):
        store.write(_by_columns(small_sample_dir))
    assert seen == ["delete"]  # a first load into an empty graph: through a rollback journal
    conn = sqlite3.connect(tmp_path / "graph.db")
    names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert "edges_by_target" in names
    assert conn.execute("SELECT COUNT(*) FROM nodes").fetchone() == (0,)
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)  # and back to the log
    conn.close()
    assert not (tmp_path / "graph.db-journal").exists()
    store.close()


def test_a_first_load_keeps_the_log_while_another_connection_reads(
    small_sample_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Leaving WAL needs the file to itself: with a reader open the load keeps the log, and
    neither waits for the other."""
    monkeypatch.setattr(embedded, "_INDEX_LATER_ROWS", 1000)
    store = EmbeddedStore(str(tmp_path / "graph.db"))
    store.write(GraphBatch())
    reader = sqlite3.connect(tmp_path / "graph.db")
    assert reader.execute("SELECT COUNT(*) FROM nodes").fetchone() == (0,)
    modes = []
    write_nodes = EmbeddedStore._write_nodes

    def spy(self: EmbeddedStore, conn: sqlite3.Connection, *args: Any) -> None:
        modes.append(conn.execute("PRAGMA journal_mode").fetchone()[0])
        write_nodes(self, conn, *args)

    monkeypatch.setattr(EmbeddedStore, "_write_nodes", spy)
    summary = store.write(_by_columns(small_sample_dir))
    assert set(modes) == {"wal"}
    labels = {spec.label for spec in NODE_SPECS}
    assert reader.execute("SELECT COUNT(*) FROM nodes").fetchone()[0] == sum(
        count for name, count in summary.created.items() if name in labels
    )
    reader.close()
    store.close()


def _renamed(batch: GraphBatch, count: int, mark: str) -> tuple[GraphBatch, list[str]]:
    """``batch``'s Cadre columns alone, the first ``count`` cadres' names changed (by
    ``mark`` added); and those cadres' ids."""
    _, _, tables = batch.parts()
    cadres = next(t for t in tables if isinstance(t, NodeTable) and t.label == "Cadre")
    names = cadres.props.column("name").to_pylist()
    names[:count] = [f"{name}{mark}" for name in names[:count]]
    index = cadres.props.column_names.index("name")
    props = cadres.props.set_column(index, "name", pa.array(names, pa.string()))
    renamed = GraphBatch(tables=[NodeTable("Cadre", cadres.ids, props)])
    return renamed, cadres.ids.slice(0, count).to_pylist()


def test_a_write_by_columns_logs_exactly_the_keys_it_changed(
    small_sample_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    logged = {}
    for name, batch in (("columns", _by_columns(small_sample_dir)),
                        ("rows", _by_rows(small_sample_dir))):  # fmt: skip
        store = EmbeddedStore(str(tmp_path / f"{name}.db"))
        store.write(batch)
        logged[name] = store.changes_since(0)
        store.close()
    assert logged["columns"] is not None and logged["columns"] == logged["rows"]
    assert len(logged["columns"].node_ids("Cadre")) == 400
    assert logged["columns"] == changes_of(_by_rows(small_sample_dir))

    store = EmbeddedStore(str(tmp_path / "columns.db"))
    renamed, ids = _renamed(_by_columns(small_sample_dir), 3, "甲")
    assert store.write(renamed).updated == {"Cadre": 3}
    assert store.changes_since(1) == ChangeSet({"Cadre": frozenset(ids)})
    # Past the cap a write by columns is logged as everything, its keys never gathered.
    monkeypatch.setattr(embedded, "MAX_LOGGED_KEYS", 100)
    assert store.write(_renamed(_by_columns(small_sample_dir), 150, "乙")[0]).changed
    assert store.version() == 3 and store.changes_since(2) is None
    store.close()


def test_the_keys_of_a_batch_of_columns_are_read_without_making_rows(
    small_sample_dir: Path,
) -> None:
    batch = _by_columns(small_sample_dir)
    assert changes_of(batch) == changes_of(_by_rows(small_sample_dir))
    nodes, edges, tables = batch.parts()
    assert tables and not nodes and not edges


# ------------------------------------------------------------------ the snapshot


def test_the_snapshot_from_the_loads_columns_equals_the_one_read_back(
    small_sample_dir: Path, tmp_path: Path
) -> None:
    store = EmbeddedStore(str(tmp_path / "graph.db"))
    load_paths(store, [small_sample_dir], snapshot=True)
    assert store.version() == 1
    written = Snapshot.open(build_snapshot(store))
    read_back = Snapshot.open(build_snapshot(store, root=tmp_path / "read"))
    for name in [*SNAPSHOT_LABELS, *SNAPSHOT_EDGES]:
        assert written.tables[name].equals(read_back.tables[name]), name
    assert written.tables["Cadre"].num_rows == 400
    store.close()


# ------------------------------------------------------------------ the bulk importer's files


def test_the_importer_files_from_columns_equal_those_from_rows(
    small_sample_dir: Path, tmp_path: Path
) -> None:
    from_columns = write_import_files(_by_columns(small_sample_dir), tmp_path / "columns")
    from_rows = write_import_files(_by_rows(small_sample_dir), tmp_path / "rows")
    assert from_columns.rows == from_rows.rows and from_columns.total_rows > 7000
    assert from_columns.multiline == from_rows.multiline
    names = {**from_rows.nodes, **from_rows.relationships}
    for name, path in {**from_columns.nodes, **from_columns.relationships}.items():
        assert path.read_bytes() == names[name].read_bytes(), name


# ------------------------------------------------------------------ the Neo4j store


@pytest.mark.neo4j
def test_neo4j_written_from_columns_equals_rows(small_sample_dir: Path) -> None:
    from graphsvc.stores.neo4j import Neo4jStore
    from tests.conftest import fresh_neo4j, neo4j_turn

    graphs = {}
    with neo4j_turn():
        for name, batch in (("columns", _by_columns(small_sample_dir)),
                            ("rows", _by_rows(small_sample_dir))):  # fmt: skip
            with Neo4jStore(fresh_neo4j()) as store:
                summary = store.write(batch).as_dict()
                graphs[name] = (
                    summary,
                    {spec.label: list(store.iter_nodes(spec.label)) for spec in NODE_SPECS},
                    {spec.type: list(store.iter_edges(spec.type)) for spec in EDGE_SPECS},
                )
    assert graphs["columns"] == graphs["rows"]
    assert len(graphs["columns"][1]["Cadre"]) == 400


# ------------------------------------------------------------------ the array shortcuts


def test_the_fields_after_validators_read() -> None:
    reads = {spec.model.__name__: column_plan(spec.model).after_reads
             for spec in [*NODE_SPECS, *EDGE_SPECS] if spec.model is not None}  # fmt: skip
    assert reads["HoldsPost"] == ("start", "end")
    assert reads["Rotation"] == ("start", "end")
    assert reads["Project"] == ("start", "end")
    assert reads["Assessment"] == ("quarter", "grade", "stars")
    assert reads["RelativeOf"] == ("cadre_id", "relative_id")
    assert reads["Cadre"] == ()

    fields = frozenset({"a", "b"})

    def passes_self_on(self: Any) -> Any:
        return sorted([self])

    def calls_a_method(self: Any) -> Any:
        return self.model_dump()

    def reads_a(self: Any) -> Any:
        if self.a is None:
            raise ValueError("a")
        return self

    assert fields_read(passes_self_on, fields) is None
    assert fields_read(calls_a_method, fields) is None
    assert fields_read(reads_a, fields) == frozenset({"a"})


def _id_number(random_: random.Random, birth: date) -> str:
    first = f"99{random_.randrange(10000):04d}{birth:%Y%m%d}{random_.randrange(1000):03d}"
    return first + check_character(first)


def test_the_id_number_array_check_doubts_every_row_the_exact_check_refuses() -> None:
    random_ = random.Random(9)
    numbers, births = [], []
    for _ in range(4000):
        birth = date(1950, 1, 1) + timedelta(days=random_.randrange(20000))
        number = _id_number(random_, birth)
        change = random_.random()
        if change < 0.1:  # another check character
            number = number[:17] + random_.choice("0123456789X".replace(number[17], ""))
        elif change < 0.2:  # another birth date inside the number
            number = number[:10] + random_.choice(["13", "00", "02", "11"]) + number[12:]
        elif change < 0.3:  # a day the month has not
            number = number[:12] + random_.choice(["00", "31", "32", "30"]) + number[14:]
        elif change < 0.4:  # the month only, or another day
            birth = birth.replace(day=1) if random_.random() < 0.5 else birth
        numbers.append(number if random_.random() > 0.05 else None)
        births.append(birth)
    table = pa.table({"id_number": pa.array(numbers, pa.string()),
                      "birth": pa.array(births, pa.date32())})  # fmt: skip
    doubts = _id_number_doubts(table).tolist()
    refused = 0
    for number, birth, doubt in zip(numbers, births, doubts, strict=True):
        if number is None:
            assert not doubt
            continue
        problems = [check_digit_problem(number),
                    birth_date_problem(number, birth, with_day=birth.day != 1)]  # fmt: skip
        wrong = any(problem is not None for problem in problems)
        refused += wrong
        assert doubt == wrong, (number, birth, problems)
    assert 500 < refused < 2500
