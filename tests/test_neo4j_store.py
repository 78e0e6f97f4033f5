"""What only the Neo4j store does: chunked resumable writes, crashes, an absent server."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator

import pytest

from graphsvc.rows import GraphBatch, NodeRow
from graphsvc.settings import Settings
from graphsvc.stores import StoreError, StoreUnavailable, open_store
from graphsvc.stores.neo4j import Neo4jStore
from queries.stats import graph_stats

pytestmark = pytest.mark.neo4j


def units(start: int, stop: int) -> GraphBatch:
    return GraphBatch(
        nodes=[
            NodeRow("Unit", f"U{i:05d}", {"name": f"单位{i}", "kind": "村"})
            for i in range(start, stop)
        ]
    )


@pytest.fixture
def chunked(neo4j_url: str) -> Iterator[Neo4jStore]:
    """A Neo4j store that writes more than 10 rows in transactions of 5."""
    store = Neo4jStore(neo4j_url, Settings(neo4j_atomic_rows=10, neo4j_batch_rows=5))
    yield store
    store.close()


def test_a_large_write_goes_in_chunks_and_completes(chunked: Neo4jStore) -> None:
    before = chunked.version()
    summary = chunked.write(units(0, 50))
    assert summary.created == {"Unit": 50}
    assert chunked.counts().nodes == {"Unit": 50}
    assert not chunked.pending_write() and chunked.version() == before + 1
    assert not chunked.write(units(0, 50)).changed  # idempotent in chunks too


def test_an_interrupted_chunked_write_resumes(chunked: Neo4jStore) -> None:
    class Stop(Exception):
        pass

    def stop_midway(what: str, done: int, total: int) -> None:
        if done >= 20:
            raise Stop

    with pytest.raises(Stop):
        chunked.write(units(0, 50), on_progress=stop_midway)
    assert chunked.pending_write()
    assert 0 < chunked.counts().nodes["Unit"] < 50
    assert [w.code for w in graph_stats(store=chunked).warnings] == ["write_interrupted"]
    summary = chunked.write(units(0, 50))  # the same load again finishes the job
    assert summary.unchanged["Unit"] >= 20 and sum(summary.created.values()) <= 30
    assert chunked.counts().nodes == {"Unit": 50}
    assert not chunked.pending_write()


CRASHING_WRITER = textwrap.dedent(
    """
    import os, sys
    from graphsvc.rows import GraphBatch, NodeRow
    from graphsvc.stores import open_store

    def unit(i):
        return NodeRow("Unit", f"U{i:05d}", {"name": f"单位{i}", "kind": "村"})

    store = open_store(sys.argv[1])
    store.write(GraphBatch(nodes=[unit(i) for i in range(100)]))   # committed
    def die(what, done, total):
        if done >= 20000:
            os._exit(9)  # dies with the transaction open
    store.write(GraphBatch(nodes=[unit(i) for i in range(100, 50_000)]), on_progress=die)
    """
)


def test_a_crash_mid_write_keeps_the_last_commit(neo4j_url: str) -> None:
    with open_store(neo4j_url) as store:
        before = store.version()
    result = subprocess.run(
        [sys.executable, "-c", CRASHING_WRITER, neo4j_url],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 9, result.stderr
    store = open_store(neo4j_url)
    try:
        assert store.counts().nodes == {"Unit": 100}
        assert store.version() == before + 1 and not store.pending_write()
    finally:
        store.close()


def test_an_absent_server_is_unavailable() -> None:
    with pytest.raises(StoreUnavailable, match="cannot be reached"):
        open_store("bolt://127.0.0.1:1")


def test_wrong_credentials_are_named(neo4j_url: str) -> None:
    with pytest.raises(StoreError, match="NEO4J_PASSWORD"):
        Neo4jStore(neo4j_url, Settings(NEO4J_PASSWORD="not-the-password"))  # type: ignore[call-arg]
