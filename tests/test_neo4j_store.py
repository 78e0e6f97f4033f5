"""What only the Neo4j store does: chunked resumable writes, crashes, an absent server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from neo4j import GraphDatabase

from graphsvc.model import EDGE_SPECS, NODE_SPECS
from graphsvc.rows import GraphBatch, NodeRow
from graphsvc.settings import Settings, get_settings
from graphsvc.stores import StoreError, StoreUnavailable, open_store
from graphsvc.stores import neo4j_queries as cypher
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


def test_an_absent_server_is_unavailable() -> None:
    with pytest.raises(StoreUnavailable, match=r"^无法连接 bolt://127\.0\.0\.1:1 上的 Neo4j："):
        open_store("bolt://127.0.0.1:1")


def test_wrong_credentials_are_named(neo4j_url: str) -> None:
    with pytest.raises(StoreError, match="拒绝了登录凭据，请检查 NEO4J_USER / NEO4J_PASSWORD"):
        Neo4jStore(neo4j_url, Settings(NEO4J_PASSWORD="not-the-password"))  # type: ignore[call-arg]


def test_the_servers_notes_on_our_own_statements_are_not_logged(
    neo4j_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The counts name every label and type, and the start makes constraints "if not exists":
    the server's notes on those (a type not stored yet, a constraint there already) are
    turned off rather than logged on every call."""
    with caplog.at_level("INFO", logger="neo4j"), open_store(neo4j_url) as store:
        store.write(units(0, 3))
        assert store.counts().nodes == {"Unit": 3}
    assert not [record for record in caplog.records if "notification" in record.getMessage()]


def _operators(plan: dict[str, Any]) -> Iterator[str]:
    yield plan["operatorType"].split("@")[0]
    for child in plan.get("children", []):
        yield from _operators(child)


def test_write_statements_keep_plans_that_do_not_depend_on_the_statistics(
    neo4j_url: str,
) -> None:
    """The write statements keep their first plan (``replan=skip``), which may be made on an
    empty database: planned there, each finds its nodes by unique-index seeks, never a scan."""
    statements = [
        *(cypher.create_nodes(spec.label, spec.references) for spec in NODE_SPECS),
        *(cypher.upsert_nodes(spec.label, spec.references) for spec in NODE_SPECS),
        *(cypher.create_references(spec, ref) for spec in NODE_SPECS for ref in spec.references),
        *(cypher.create_edges(spec) for spec in EDGE_SPECS),
        *(cypher.upsert_edges(spec) for spec in EDGE_SPECS),
        cypher.count_all(),
    ]
    Neo4jStore(neo4j_url).close()  # the constraints, and so the indexes, are made
    settings = get_settings()
    auth = (settings.neo4j_user, settings.neo4j_password.get_secret_value())
    with GraphDatabase.driver(neo4j_url, auth=auth, notifications_min_severity="OFF") as driver:
        for statement in statements:
            assert statement.startswith("CYPHER replan=skip ")
            summary = driver.execute_query("EXPLAIN " + statement, rows=[]).summary
            assert summary.plan is not None
            operators = set(_operators(summary.plan))
            assert not {op for op in operators if "Scan" in op}, statement
            if "{id:" in statement:  # the counts come from the count store
                assert "NodeUniqueIndexSeek(Locking)" in operators, statement
