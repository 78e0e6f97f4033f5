"""`graphsvc sync`: embedded → Neo4j and back, equal counts and properties, idempotent."""

from __future__ import annotations

from pathlib import Path

import pytest

from graphsvc.model import EDGE_SPECS, NODE_SPECS
from graphsvc.stores import GraphStore, open_store
from graphsvc.sync import copy_store
from loaders.load import load_paths

pytestmark = pytest.mark.neo4j


def snapshot(store: GraphStore) -> dict[str, object]:
    """Every node and edge with its properties, in a canonical order."""
    nodes = {
        spec.label: sorted(repr(sorted(props.items())) for props in store.iter_nodes(spec.label))
        for spec in NODE_SPECS
    }
    edges = {
        spec.type: sorted(
            repr((src, dst, sorted(props.items())))
            for src, dst, props in store.iter_edges(spec.type)
        )
        for spec in EDGE_SPECS
    }
    return {"counts": store.counts(), "nodes": nodes, "edges": edges}


def test_embedded_to_neo4j_and_back(tmp_path: Path, small_sample_dir: Path, neo4j_url: str) -> None:
    with open_store(str(tmp_path / "a.db")) as embedded:
        load_paths(embedded, [small_sample_dir])
        original = snapshot(embedded)
        with open_store(neo4j_url) as neo4j:
            first = copy_store(embedded, neo4j)
            assert first.created["Cadre"] == 400
            assert snapshot(neo4j) == original
            again = copy_store(embedded, neo4j)
            assert not again.changed  # idempotent
            with open_store(str(tmp_path / "b.db")) as back:
                copy_store(neo4j, back)
                assert snapshot(back) == original


def test_replace_makes_the_target_equal(
    tmp_path: Path, small_sample_dir: Path, neo4j_url: str
) -> None:
    from graphsvc.rows import GraphBatch, NodeRow

    with open_store(str(tmp_path / "a.db")) as embedded, open_store(neo4j_url) as neo4j:
        load_paths(embedded, [small_sample_dir])
        neo4j.write(GraphBatch(nodes=[NodeRow("Unit", "EXTRA", {"name": "多余", "kind": "村"})]))
        copy_store(embedded, neo4j)
        assert neo4j.get_node("Unit", "EXTRA") is not None  # kept without --replace
        copy_store(embedded, neo4j, replace=True)
        assert neo4j.get_node("Unit", "EXTRA") is None
        assert neo4j.counts() == embedded.counts()
