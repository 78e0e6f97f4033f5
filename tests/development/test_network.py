"""The collaboration network: participation coefficient, communities, quiet performers."""

from __future__ import annotations

from typing import Any

import networkx as nx
import pytest

from queries.development.data import DevelopmentData
from queries.development.network import (
    collaboration_graph,
    network_analysis,
    participation_coefficient,
)


def test_participation_coefficient_of_a_bridge() -> None:
    graph = nx.Graph()
    graph.add_edges_from(nx.complete_graph(["a1", "a2", "a3"]).edges)
    graph.add_edges_from(nx.complete_graph(["b1", "b2", "b3"]).edges)
    graph.add_edges_from([("x", "a1"), ("x", "b1")])
    community = {"a1": 0, "a2": 0, "a3": 0, "b1": 1, "b2": 1, "b3": 1, "x": 2}
    found = participation_coefficient(graph, community)
    assert found["x"] == pytest.approx(0.5)  # half its links in each group
    assert found["a2"] == 0.0
    assert found["a1"] == pytest.approx(1 - (2 / 3) ** 2 - (1 / 3) ** 2)


@pytest.fixture(scope="module")
def result(data: DevelopmentData) -> dict[str, Any]:
    return network_analysis(data=data)


def test_links_come_from_shared_projects_and_teams(data: DevelopmentData) -> None:
    graph = collaboration_graph(data)
    projects: dict[str, set[str]] = {}
    for cadre_id, record in data.records.items():
        for project, _, _ in record.projects:
            projects.setdefault(project["id"], set()).add(cadre_id)
    people = max(projects.values(), key=len)
    a, b = sorted(people)[:2]
    shared = sum(1 for members in projects.values() if {a, b} <= members)
    assert graph[a][b]["projects"] == shared


def test_quiet_performers_include_the_planted(
    result: dict[str, Any], district_manifest: dict[str, Any], data: DevelopmentData
) -> None:
    quiet = {q["cadre_id"] for q in result["quiet_performers"]}
    assert set(district_manifest["planted"]["quiet_performers"]) <= quiet
    pool = data.pool_members()
    for row in result["quiet_performers"]:
        assert row["cadre_id"] not in pool
        assert len(row["excellent_years"]) >= 2 and row["strong_projects"]
    assert result["measures"]["quiet_performers"]


def test_communities_and_bridges_are_stable(result: dict[str, Any], data: DevelopmentData) -> None:
    again = network_analysis(data=data)
    assert again["communities"] == result["communities"]
    assert result["communities"] and result["modularity"] > 0.3
    for bridge in result["bridges"]:
        assert bridge["participation"] >= 0.5 and bridge["communities_reached"] >= 2


def test_communities_list_their_members(result: dict[str, Any], data: DevelopmentData) -> None:
    graph = collaboration_graph(data)
    linked = {n for n in graph if graph.degree(n) > 0}
    members = [m["cadre_id"] for c in result["communities"] for m in c["members"]]
    # Every linked cadre in exactly one community, each listed with name and unit.
    assert sorted(members) == sorted(linked)
    for community in result["communities"]:
        assert len(community["members"]) == community["size"]
        assert community["main_units"]  # the existing keys stay
        for member in community["members"]:
            assert member["name"] == data.name(member["cadre_id"])
            assert member["unit_name"] == data.units.name(data.unit_of(member["cadre_id"]))
