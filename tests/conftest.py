"""Shared fixtures: sample districts on disk, and a fresh store of each kind per test."""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from graphsvc.stores import GraphStore, open_store
from loaders.sample import generate_sample, write_sample

# The Neo4j server the tests use: `make neo4j` (and .ci/run) start it. Community
# Neo4j has one user database, so Neo4j tests take turns (a file lock across workers).
NEO4J_TEST_URL = os.environ.get("GRAPHSVC_TEST_NEO4J_URL", "neo4j://127.0.0.1:7687")
STORE_KINDS = ["embedded", "neo4j"]
NEO4J_LOCK = Path(tempfile.gettempdir()) / "graphsvc-tests-neo4j.lock"


def fresh_neo4j() -> str:
    """Empty the test Neo4j database and return its URL; fail (never skip) if it is down."""
    from graphsvc.stores import StoreUnavailable
    from graphsvc.stores.neo4j import Neo4jStore

    try:
        store = Neo4jStore(NEO4J_TEST_URL)
    except StoreUnavailable as error:
        pytest.fail(
            f"Neo4j is not running at {NEO4J_TEST_URL} (start it with `make neo4j`): {error}"
        )
    try:
        store.clear()
    finally:
        store.close()
    return NEO4J_TEST_URL


@pytest.fixture(scope="session")
def small_sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 400-cadre district (seed 11): quick to load, with every kind of record."""
    folder = tmp_path_factory.mktemp("small_sample")
    write_sample(generate_sample(cadres=400, seed=11), folder)
    return folder


@pytest.fixture(scope="session")
def district_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default district: 3,000 cadres, seed 7, as `graphsvc demo` makes it."""
    folder = tmp_path_factory.mktemp("district")
    write_sample(generate_sample(cadres=3000, seed=7), folder)
    return folder


@pytest.fixture(scope="session")
def district_manifest(district_dir: Path) -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads((district_dir / "manifest.json").read_text("utf-8"))
    return manifest


@contextmanager
def neo4j_turn() -> Iterator[None]:
    """Hold the test Neo4j database alone for the length of one test."""
    with open(NEO4J_LOCK, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture
def neo4j_url() -> Iterator[str]:
    """The test Neo4j database, empty and held by this test alone."""
    with neo4j_turn():
        yield fresh_neo4j()


@pytest.fixture(params=STORE_KINDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty store of each kind."""
    kind = request.param
    if kind == "embedded":
        yield str(tmp_path / "graph.db")
    elif kind == "neo4j":
        with neo4j_turn():
            yield fresh_neo4j()
    else:
        raise AssertionError(f"unknown store kind {kind}")


@pytest.fixture
def store(store_url: str) -> Iterator[GraphStore]:
    graph = open_store(store_url)
    try:
        yield graph
    finally:
        graph.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # `-m neo4j` selects every test that runs against the Neo4j server.
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("store_url") == "neo4j":
            item.add_marker(pytest.mark.neo4j)


@pytest.fixture(scope="module")
def neo4j_district(district_dir: Path) -> Iterator[str]:
    """The 3,000-cadre district loaded into Neo4j, held for one test module.

    `make test` runs with `--dist loadfile`, so the module's tests share a worker.
    """
    from loaders.load import load_paths

    with neo4j_turn():
        url = fresh_neo4j()
        with open_store(url) as store:
            load_paths(store, [district_dir])
        yield url
