"""Shared fixtures: sample districts on disk, and a fresh store of each kind per test."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graphsvc.stores import GraphStore, open_store
from loaders.sample import generate_sample, write_sample

# The store kinds the contract tests run on. Neo4j joins when its store lands.
STORE_KINDS = ["embedded"]


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


@pytest.fixture(params=STORE_KINDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL of an empty store of each kind."""
    kind = request.param
    if kind == "embedded":
        return str(tmp_path / "graph.db")
    raise AssertionError(f"unknown store kind {kind}")


@pytest.fixture
def store(store_url: str) -> Iterator[GraphStore]:
    graph = open_store(store_url)
    try:
        yield graph
    finally:
        graph.close()
