"""The analysts' saved Cypher queries, run on the real server over the synthetic district."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from neo4j import Driver, GraphDatabase

from graphsvc.settings import get_settings
from loaders.sample import AS_OF
from queries.cypher_library import GRASS_STYLE, saved_queries

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def driver(neo4j_district: str) -> Iterator[Driver]:
    settings = get_settings()
    auth = (settings.neo4j_user, settings.neo4j_password.get_secret_value())
    with GraphDatabase.driver(neo4j_district, auth=auth) as connection:
        yield connection


def run(driver: Driver, name: str, **params: Any) -> list[dict[str, Any]]:
    query = saved_queries()[name]
    assert set(query.params) == set(params), f"{name} takes {query.params}"
    records, _, _ = driver.execute_query(query.text, params, database_="neo4j")
    return [record.data() for record in records]


def test_the_library_is_complete() -> None:
    assert set(saved_queries()) == {
        "cadre_network",
        "unit_team",
        "mentees_without_mentor",
        "mentors_over_capacity",
        "project_collaborators",
        "kinship_among_leaders",
        "pool_overview",
        "suggested_mentors",
    }
    for query in saved_queries().values():
        assert query.title and "$" not in query.title
        assert set(re.findall(r"\$(\w+)", query.text)) == set(query.params), query.name
    script = saved_queries()["unit_team"].browser_script({"unitId": "U00002"})
    assert script.startswith(":param unitId => 'U00002'\n:param asOf => date()\n// title:")


def test_a_cadres_network(driver: Driver, district_manifest: dict[str, Any]) -> None:
    a, b = district_manifest["planted"]["kinship_conflicts"][0]["cadres"]
    records, _, _ = driver.execute_query(
        saved_queries()["cadre_network"].text, {"cadreId": a}, database_="neo4j"
    )
    ids = {node["id"] for record in records for node in record["path"].nodes}
    labels = {label for record in records for node in record["path"].nodes for label in node.labels}
    assert b in ids  # the relative
    assert {"Cadre", "Post", "Unit"} <= labels
    assert not labels & {"Assessment", "Supervision"}


def test_a_units_team(driver: Driver, district_manifest: dict[str, Any]) -> None:
    planted = district_manifest["planted"]
    ageing = planted["ageing_teams"][0]
    rows = run(driver, "unit_team", unitId=ageing, asOf=AS_OF)
    members = [row for row in rows if not row["vacant"]]
    assert members and all(row["age"] >= 50 for row in members)
    vacancies = set(planted["vacancies"])
    for row in rows:
        assert row["vacant"] == (row["post_id"] in vacancies)


def test_mentees_without_a_mentor(driver: Driver, district_manifest: dict[str, Any]) -> None:
    found = {row["cadre_id"] for row in run(driver, "mentees_without_mentor", asOf=AS_OF)}
    planted = set(district_manifest["planted"]["uncovered_mentees"])
    assert planted <= found
    assert len(found) < 1.5 * len(planted)  # the gaps, not everyone


def test_mentors_over_capacity(driver: Driver, district_manifest: dict[str, Any]) -> None:
    rows = run(driver, "mentors_over_capacity", asOf=AS_OF)
    assert set(district_manifest["planted"]["overloaded_mentors"]) <= {r["mentor_id"] for r in rows}
    assert all(row["mentees"] > row["capacity"] for row in rows)


def test_project_collaborators(driver: Driver) -> None:
    rows = run(driver, "project_collaborators")
    assert rows and rows[0]["shared"] >= 2
    assert all(row["shared"] == len(row["projects"]) for row in rows)
    assert [row["shared"] for row in rows] == sorted((row["shared"] for row in rows), reverse=True)


def test_kinship_among_leaders(driver: Driver, district_manifest: dict[str, Any]) -> None:
    rows = run(driver, "kinship_among_leaders", asOf=AS_OF)
    pairs = {frozenset((row["cadre_a"], row["cadre_b"])) for row in rows}
    for conflict in district_manifest["planted"]["kinship_conflicts"]:
        if conflict["rule"] in {"same_team", "sensitive_function"}:
            assert frozenset(conflict["cadres"]) in pairs


def test_pool_overview(driver: Driver, district_manifest: dict[str, Any]) -> None:
    rows = run(driver, "pool_overview", asOf=AS_OF)
    assert sum(row["cadres"] for row in rows) == len(district_manifest["planted"]["pool_members"])
    assert {row["age_band"] for row in rows} <= {"30岁以下", "30-34岁", "35-39岁", "40岁及以上"}
    assert "40岁及以上" in {row["age_band"] for row in rows}  # the planted over-age members


def test_the_style_covers_every_label() -> None:
    style = GRASS_STYLE.read_text(encoding="utf-8")
    for label in ("Cadre", "Mentor", "Post", "Unit", "Project", "Training", "Pool"):
        assert f"node.{label} {{" in style
    assert style.count("{") == style.count("}")
    assert date.today() >= AS_OF  # the sample is dated before any run of these tests


def test_suggested_mentors_after_write_back(driver: Driver, neo4j_district: str) -> None:
    from graphsvc.stores import open_store
    from queries.development.data import DevelopmentData
    from queries.development.mentoring import recommend_mentors, write_back_suggestions
    from queries.selection.policy import load_policy

    with open_store(neo4j_district) as store:
        data = DevelopmentData.load(store, policy=load_policy(), as_of=AS_OF)
        result = recommend_mentors(data=data)
        write_back_suggestions(store=store, result=result)
        try:
            rows = run(driver, "suggested_mentors")
        finally:
            store.clear_results("SUGGESTED_MENTOR")
    assert {(r["mentor_id"], r["mentee_id"]) for r in rows} == {
        (p["mentor_id"], p["mentee_id"]) for p in result["pairs"]
    }
    assert all(r["reasons"] and r["mentee_unit"] for r in rows)
    assert any(r["mentor_unit"] == r["mentee_unit"] for r in rows)
