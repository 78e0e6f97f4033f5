"""Bulk import into an empty Neo4j database (``load --bulk``, ``neo4j.sh import``).

A second, temporary Neo4j instance (its own state folder and ports, run through
tools/neo4j/neo4j.sh) receives the small sample with Neo4j's importer; the shared test
server receives the same files through the transactional path; both graphs must agree.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from graphsvc.rows import EdgeRow, GraphBatch, NodeRow
from graphsvc.stores import neo4j_queries as cypher
from graphsvc.stores.neo4j import Neo4jStore
from graphsvc.stores.neo4j_bulk import write_import_files
from loaders.load import load_paths
from tests.conftest import fresh_neo4j, neo4j_turn

pytestmark = pytest.mark.neo4j

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tools" / "neo4j" / "neo4j.sh"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Instance:
    """A temporary Neo4j: never started until a test imports into it."""

    state: Path
    env: dict[str, str]
    url: str

    @property
    def home(self) -> Path:
        return self.state / "home"

    def script(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(SCRIPT), *args], env=self.env, capture_output=True, text=True, timeout=300
        )

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "cli", *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )


@pytest.fixture(scope="module")
def instance(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Instance]:
    state = tmp_path_factory.mktemp("neo4j-bulk")
    bolt, http = free_port(), free_port()
    env = {
        **os.environ,
        "NEO4J_STATE_DIR": str(state),
        "NEO4J_BOLT_PORT": str(bolt),
        "NEO4J_HTTP_PORT": str(http),
        "NEO4J_HEAP": "1g",
        "NEO4J_PAGECACHE_MB": "256",
        "GRAPHSVC_PYTHON": sys.executable,
        "PYTHONPATH": str(ROOT),
    }
    running = Instance(state, env, f"neo4j://127.0.0.1:{bolt}")
    try:
        yield running
    finally:
        running.script("stop")


def test_import_files_type_every_column_and_derive_reference_edges(tmp_path: Path) -> None:
    batch = GraphBatch(
        nodes=[
            NodeRow("Unit", "U1", {"name": "区委", "kind": "党委"}),
            NodeRow("Unit", "U2", {"name": "", "kind": "乡镇", "parent_id": "U1"}),
            NodeRow("Post", "P1", {"name": "书记", "unit_id": "U2", "leadership": True}),
            NodeRow("Unit", "U2", {"name": "高田街道", "kind": "乡镇", "parent_id": "U1"}),
        ],
        edges=[EdgeRow("HOLDS", "C1", "P1", "2020-01-01", {"start": date(2020, 1, 1)})],
    )
    files = write_import_files(batch, tmp_path / "files")
    units = files.nodes["Unit"].read_text("utf-8").splitlines()
    assert units[0].startswith("id:ID(Unit),name:string,")
    assert len(units) == 3  # the last row of U2 wins, as in the transactional path
    assert '"U2","高田街道"' in units[2]
    assert files.rows["PART_OF"] == 1 and files.rows["IN_UNIT"] == 1
    part_of = files.relationships["PART_OF"].read_text("utf-8").splitlines()
    assert part_of == [":START_ID(Unit),:END_ID(Unit),key:string", '"U2","U1",""']
    holds = files.relationships["HOLDS"].read_text("utf-8").splitlines()
    assert holds[0].startswith(":START_ID(Cadre),:END_ID(Post),key:string,")
    assert "start:date" in holds[0] and "2020-01-01" in holds[1]
    post = files.nodes["Post"].read_text("utf-8").splitlines()
    assert "leadership:boolean" in post[0] and ",true," in post[1]


def test_a_bad_row_imports_nothing(
    instance: Instance, small_sample_dir: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad"
    shutil.copytree(small_sample_dir, bad)
    cadres = (bad / "cadres.csv").read_text("utf-8").splitlines()
    header = cadres[0].split(",")
    row = cadres[3].split(",")
    row[header.index("出生年月")] = "不详"
    cadres[3] = ",".join(row)
    (bad / "cadres.csv").write_text("\n".join(cadres) + "\n", "utf-8")
    done = instance.cli(
        "load", str(bad), "--store", instance.url, "--bulk", "--neo4j-home", str(instance.home)
    )
    assert done.returncode == 1
    assert "cadres.csv" in done.stderr and "未写入任何数据" in done.stderr
    assert not (instance.home / "data" / "databases" / "neo4j").exists()


def _graph(store: Neo4jStore, cadre_ids: list[str]) -> dict[str, object]:
    return {
        "counts": store.counts(),
        "cadres": store.get_nodes("Cadre", cadre_ids),
        "posts": store.get_nodes("Post", ["P000001", "P000002"]),
        "edges": {cadre: store.edges_of("Cadre", cadre) for cadre in cadre_ids},
        "mentoring": sorted(map(repr, store.iter_edges("MENTORS"))),
        "in_unit": sorted(map(repr, store.iter_edges("IN_UNIT"))),
    }


def _constraints(store: Neo4jStore) -> list[str]:
    records, _, _ = store._driver.execute_query(cypher.list_constraints())
    return [record["name"] for record in records]


def test_bulk_import_equals_the_transactional_load(
    instance: Instance, small_sample_dir: Path
) -> None:
    done = instance.script("import", str(small_sample_dir))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "批量导入" in done.stderr
    cadres = ["C000001", "C000002", "C000150", "C000400"]
    with Neo4jStore(instance.url) as bulk:
        assert bulk.version() == 1 and not bulk.pending_write()
        imported = _graph(bulk, cadres)
        bulk_constraints = _constraints(bulk)
        with neo4j_turn(), Neo4jStore(fresh_neo4j()) as shared:
            before = shared.version()
            load_paths(shared, [small_sample_dir])
            assert shared.version() == before + 1  # one load, one version: as the bulk
            loaded = _graph(shared, cadres)
            assert _constraints(shared) == bulk_constraints
        assert imported == loaded
        assert len(imported["cadres"]) == 4  # type: ignore[arg-type]
        # The transactional path finds every property of every row already there.
        again = load_paths(bulk, [small_sample_dir]).summary
        assert not again.changed and sum(again.unchanged.values()) > 7000
        assert bulk.version() == 1


def test_a_database_that_holds_data_is_refused(instance: Instance, small_sample_dir: Path) -> None:
    refused = instance.cli("load", str(small_sample_dir), "--store", instance.url, "--bulk")
    assert refused.returncode == 1 and "已有数据" in refused.stderr
    # With the server still running on the folder, the importer is not even tried.
    running = instance.cli(
        "load",
        str(small_sample_dir),
        "--store",
        instance.url,
        "--bulk",
        "--neo4j-home",
        str(instance.home),
    )
    assert running.returncode == 1 and "正在运行" in running.stderr
    assert instance.script("stop").returncode == 0
    stopped = instance.cli(
        "load",
        str(small_sample_dir),
        "--store",
        instance.url,
        "--bulk",
        "--neo4j-home",
        str(instance.home),
    )
    assert stopped.returncode == 1 and "已有数据" in stopped.stderr
