"""Data-quality warnings find what the sample district plants."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from graphsvc.stores import GraphStore
from loaders.load import load_paths
from loaders.sample import AS_OF
from queries.stats import graph_stats


def test_stats_count_and_warn(
    store: GraphStore, district_dir: Path, district_manifest: dict[str, Any]
) -> None:
    load_paths(store, [district_dir])
    stats = graph_stats(store=store, as_of=AS_OF)
    assert stats.nodes["Cadre"] == 3000
    assert stats.edges["MENTORS"] == district_manifest["rows"]["mentoring"]
    warnings = {w.code: w for w in stats.warnings}
    planted = district_manifest["planted"]
    over = warnings["mentor_over_capacity"]
    assert set(planted["overloaded_mentors"]) <= set(over.examples) or over.count >= len(
        planted["overloaded_mentors"]
    )
    assert set(warnings["mentor_departed_with_mentees"].examples) == set(
        planted["departed_mentors"]
    )
    assert "post_without_unit" not in warnings
    assert "active_cadre_without_post" not in warnings
    assert "leadership_post_held_twice" not in warnings
    past = {p["cadre_id"] for p in planted["past_retirement"]}
    assert past and set(warnings["cadre_past_retirement"].examples) == past
    assert warnings["cadre_past_retirement"].message == "在职干部已达到法定退休年龄"
    as_dict = stats.as_dict()
    assert as_dict["nodes"]["Cadre"] == 3000 and as_dict["warnings"]


def test_an_empty_store(store: GraphStore) -> None:
    stats = graph_stats(store=store, as_of=date(2026, 1, 1))
    assert stats.nodes == {} and stats.edges == {} and stats.warnings == []
