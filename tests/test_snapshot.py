"""The columnar snapshot: equal to the store, one per version, shared, never half written.

Runs on every store kind (see conftest.STORE_KINDS), as the store contract does.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from graphsvc.rows import GraphBatch, NodeRow
from graphsvc.snapshot import (
    SNAPSHOT_EDGES,
    SNAPSHOT_LABELS,
    build_snapshot,
    node_dicts,
    snapshot_of,
)
from graphsvc.stores import GraphStore
from loaders.load import load_paths
from queries.development.data import DevelopmentData
from queries.selection.candidates import SelectionContext, rank_in_context
from queries.selection.policy import load_policy
from queries.selection.records import LazyRecords

AS_OF = date(2025, 6, 30)
ROOT = Path(__file__).resolve().parents[1]


def edge_rows(snapshot_table: Any) -> list[tuple[str, str, dict[str, Any]]]:
    """An edge table as ``iter_edges`` gives it: (source, target, properties present)."""
    props = [
        name
        for name in snapshot_table.column_names
        if name not in {"src", "dst"} and not name.startswith("_")
    ]
    columns = [snapshot_table.column(name).to_pylist() for name in ["src", "dst", *props]]
    rows = []
    for values in zip(*columns, strict=True):
        found = {n: v for n, v in zip(props, values[2:], strict=True) if v is not None}
        rows.append((values[0], values[1], found))
    return rows


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300
    )


def versions(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.is_dir())


def rename_cadre(store: GraphStore, cadre_id: str, name: str) -> None:
    cadre = store.get_node("Cadre", cadre_id)
    assert cadre is not None
    props = {k: v for k, v in cadre.items() if k != "id"} | {"name": name}
    store.write(GraphBatch(nodes=[NodeRow("Cadre", cadre_id, props)]))


@pytest.fixture
def loaded(store: GraphStore, small_sample_dir: Path) -> GraphStore:
    load_paths(store, [small_sample_dir])
    return store


def test_snapshot_equals_the_store(loaded: GraphStore, tmp_path: Path) -> None:
    snapshot = snapshot_of(loaded, root=tmp_path / "snap")
    assert snapshot.version == loaded.version()
    for label in SNAPSHOT_LABELS:
        assert node_dicts(snapshot.nodes(label)) == list(loaded.iter_nodes(label)), label
    for edge_type in SNAPSHOT_EDGES:
        assert edge_rows(snapshot.edges(edge_type)) == list(loaded.iter_edges(edge_type)), edge_type
    assert snapshot.nodes("Cadre").num_rows == loaded.counts().nodes["Cadre"]
    # Typed columns: dates as date32, flags as bools, numbers as numbers.
    schema = snapshot.nodes("Cadre").schema
    assert str(schema.field("birth").type) == "date32[day]"
    assert str(snapshot.nodes("Post").schema.field("leadership").type) == "bool"
    assert str(snapshot.nodes("Training").schema.field("hours").type) == "double"


def test_a_write_makes_a_new_version_and_the_old_one_goes(
    loaded: GraphStore, tmp_path: Path
) -> None:
    root = tmp_path / "snap"
    first = snapshot_of(loaded, root=root)
    assert versions(root) == [f"v{first.version}"]
    cadre_id = first.nodes("Cadre").column("id")[0].as_py()
    rename_cadre(loaded, cadre_id, "王新名")
    second = snapshot_of(loaded, root=root)
    assert second.version == loaded.version() > first.version
    assert versions(root) == [f"v{second.version}"]
    names = dict(
        zip(
            second.nodes("Cadre").column("id").to_pylist(),
            second.nodes("Cadre").column("name").to_pylist(),
            strict=True,
        )
    )
    assert names[cadre_id] == "王新名"
    # The read models follow the new version too.
    context = SelectionContext.load(loaded, policy=load_policy(), as_of=AS_OF)
    if cadre_id in context.records:
        assert context.records[cadre_id].cadre["name"] == "王新名"


def test_a_second_process_reuses_the_snapshot(loaded: GraphStore, tmp_path: Path) -> None:
    root = tmp_path / "snap"
    built = build_snapshot(loaded, root=root)
    meta = built / "meta.json"
    before = (meta.stat().st_ino, meta.stat().st_mtime_ns)
    result = run_python(
        "import json, sys\n"
        "from pathlib import Path\n"
        "from graphsvc.stores import open_store\n"
        "from graphsvc.snapshot import snapshot_of\n"
        f"store = open_store({loaded.url!r})\n"
        f"snap = snapshot_of(store, root=Path({str(root)!r}))\n"
        "print(json.dumps([str(snap.path), snap.version, snap.nodes('Cadre').num_rows]))\n"
    )
    assert result.returncode == 0, result.stderr
    path, version, cadres = json.loads(result.stdout.strip().splitlines()[-1])
    assert Path(path) == built.resolve()
    assert version == loaded.version()
    assert cadres == loaded.counts().nodes["Cadre"]
    assert (meta.stat().st_ino, meta.stat().st_mtime_ns) == before  # not built again


def test_a_crash_mid_build_leaves_no_half_snapshot(loaded: GraphStore, tmp_path: Path) -> None:
    root = tmp_path / "snap"
    # A real process dies (os._exit) after writing its third table file.
    result = run_python(
        "import os\n"
        "from pathlib import Path\n"
        "import pyarrow as pa\n"
        "from graphsvc.stores import open_store\n"
        "from graphsvc import snapshot\n"
        "real = pa.ipc.new_file\n"
        "calls = []\n"
        "def dying(*args, **kwargs):\n"
        "    calls.append(1)\n"
        "    if len(calls) == 3:\n"
        "        os._exit(7)\n"
        "    return real(*args, **kwargs)\n"
        "pa.ipc.new_file = dying\n"
        f"store = open_store({loaded.url!r})\n"
        f"snapshot.build_snapshot(store, root=Path({str(root)!r}))\n"
    )
    assert result.returncode == 7, result.stderr
    left = versions(root)
    assert not [name for name in left if name.startswith("v")]  # no snapshot to be read
    assert [name for name in left if name.startswith(".tmp-")]  # the crash's leftovers
    snapshot = snapshot_of(loaded, root=root)
    assert versions(root) == [f"v{snapshot.version}"]  # leftovers tidied by the next build
    assert snapshot.nodes("Cadre").num_rows == loaded.counts().nodes["Cadre"]


def test_read_models_from_the_snapshot_equal_those_from_the_store(
    store: GraphStore, district_dir: Path
) -> None:
    load_paths(store, [district_dir])
    policy = load_policy()
    from_store = SelectionContext.load(store, policy=policy, as_of=AS_OF, source="store")
    from_snapshot = SelectionContext.load(store, policy=policy, as_of=AS_OF)
    assert from_snapshot.posts == from_store.posts
    assert dict(from_snapshot.holders) == dict(from_store.holders)
    assert dict(from_snapshot.requirements) == dict(from_store.requirements)
    assert from_snapshot.units == from_store.units
    assert from_snapshot.specialty_names == from_store.specialty_names
    assert from_snapshot.category_of == from_store.category_of
    assert from_snapshot.scopes.cadre_units == from_store.scopes.cadre_units
    assert from_snapshot.scopes.root == from_store.scopes.root
    records = from_snapshot.records
    assert isinstance(records, LazyRecords)
    assert sorted(from_store.records) == list(records) and len(records) == len(from_store.records)
    # Answers before every record is built, then every record.
    vacancies = from_store.vacancies()
    assert vacancies == from_snapshot.vacancies() and vacancies
    for post_id in vacancies[:3]:
        assert rank_in_context(from_snapshot, post_id) == rank_in_context(from_store, post_id)
    assert dict(records.items()) == from_store.records
    development = DevelopmentData.load(store, policy=policy, as_of=AS_OF)
    expected = DevelopmentData.load(store, policy=policy, as_of=AS_OF, source="store")
    assert development.cadres == expected.cadres
    assert development.mentors == expected.mentors
    assert development.pools == expected.pools
    assert development.pairings == expected.pairings and development.pairings
    assert development.stays == expected.stays and development.stays
    everyone = sorted(expected.cadres)
    assert [development.unit_of(c) for c in everyone] == [expected.unit_of(c) for c in everyone]


def test_a_cleared_and_reloaded_graph_is_not_taken_for_the_old_one(
    loaded: GraphStore, small_sample_dir: Path, tmp_path: Path
) -> None:
    # Neo4j's version starts again after a clear: the same version and counts, other data.
    root = tmp_path / "snap"
    first_ids = snapshot_of(loaded, root=root).nodes("Cadre").column("id").to_pylist()
    one, other = first_ids[0], first_ids[1]
    rename_cadre(loaded, one, "甲改名")
    before = snapshot_of(loaded, root=root)
    loaded.clear()
    load_paths(loaded, [small_sample_dir])
    rename_cadre(loaded, other, "乙改名")
    after = snapshot_of(loaded, root=root)
    names = dict(
        zip(
            after.nodes("Cadre").column("id").to_pylist(),
            after.nodes("Cadre").column("name").to_pylist(),
            strict=True,
        )
    )
    assert names[other] == "乙改名" and names[one] != "甲改名"
    assert after.identity != before.identity or after.version != before.version
