"""The analyses read the same answers from the Neo4j server as from the embedded store."""

from __future__ import annotations

from typing import Any

from graphsvc.stores import GraphStore, open_store
from loaders.sample import AS_OF
from queries.development.data import DevelopmentData
from queries.development.mentoring import coverage, recommend_mentors
from queries.development.path import cadre_path, pool_paths
from queries.development.pipeline import pipeline
from queries.development.pool import pool_review
from queries.development.teams import team_structure
from queries.development.training import training_compliance
from queries.selection.policy import load_policy
from tests.development.planted_paths import assert_as_planted, planted_paths


def test_same_results_on_neo4j(neo4j_district: str, data: DevelopmentData) -> None:
    with open_store(neo4j_district) as server:
        on_server = DevelopmentData.load(server, policy=load_policy(), as_of=AS_OF)
    for analysis in (
        coverage,
        recommend_mentors,
        team_structure,
        pool_review,
        training_compliance,
        pool_paths,
        pipeline,
    ):
        assert analysis(data=on_server) == analysis(data=data), analysis.__name__


def test_planted_paths_on_neo4j(
    neo4j_district: str, data: DevelopmentData, district_manifest: dict[str, Any]
) -> None:
    """Each planted path situation reads as the manifest says on the server too, and the
    same as on the embedded store."""
    with open_store(neo4j_district) as server:
        on_server = DevelopmentData.load(server, policy=load_policy(), as_of=AS_OF)
    for entry in planted_paths(district_manifest).values():
        path = cadre_path(data=on_server, cadre_id=entry["cadre_id"])
        assert_as_planted(
            path,
            entry,
            unit_kind=on_server.units.kind,
            actions_shown=on_server.policy.paths.actions_shown,
        )
        assert path == cadre_path(data=data, cadre_id=entry["cadre_id"])


def test_suggestions_written_back_to_neo4j(neo4j_district: str, data: DevelopmentData) -> None:
    from queries.development.mentoring import write_back_suggestions

    result = recommend_mentors(data=data)
    with open_store(neo4j_district) as server:
        assert isinstance(server, GraphStore)
        written = write_back_suggestions(store=server, result=result)
        stored = {(s, t) for s, t, _ in server.iter_edges("SUGGESTED_MENTOR")}
        server.clear_results("SUGGESTED_MENTOR")
    assert written == len(result["pairs"]) and stored == {
        (p["mentor_id"], p["mentee_id"]) for p in result["pairs"]
    }
