"""Team structure finds the planted ageing teams and retirements; selection reads its gaps."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from graphsvc.retirement import statutory_retirement
from queries.development.data import DevelopmentData
from queries.development.teams import FLAG_WEIGHTS, team_detail, team_structure
from queries.selection.candidates import post_team


@pytest.fixture(scope="module")
def result(data: DevelopmentData) -> dict[str, Any]:
    return team_structure(data=data)


def test_ageing_teams_are_the_planted_ones(
    result: dict[str, Any], district_manifest: dict[str, Any]
) -> None:
    ageing = {t["unit_id"] for t in result["teams"] if "ageing" in t["flags"]}
    assert ageing == set(district_manifest["planted"]["ageing_teams"])
    for team in result["teams"]:
        if "ageing" in team["flags"]:
            assert team["mean_age"] >= 50 and team["youngest_age"] >= 45
            assert "no_young" in team["flags"]


def test_retirements_within_three_years(
    result: dict[str, Any], district_manifest: dict[str, Any], data: DevelopmentData
) -> None:
    retiring = {r["cadre_id"] for t in result["teams"] for r in t["retiring"]}
    assert set(district_manifest["planted"]["retiring_within_3y"]) <= retiring
    horizon = date(data.as_of.year + 3, data.as_of.month, data.as_of.day)
    for team in result["teams"]:
        for person in team["retiring"]:
            cadre = data.cadres[person["cadre_id"]]
            # By the 2025 schedule (the default policy): 60 → 63 for men, 55 → 58 for women.
            retires = statutory_retirement(cadre["birth"], cadre["gender"])
            assert person["retires"] == retires.isoformat() and retires <= horizon
            assert person["overdue"] == (retires <= data.as_of)


def test_figures_and_flags_agree_with_members(result: dict[str, Any]) -> None:
    for team in result["teams"]:
        ages = [m["age"] for m in team["member_list"]]
        assert team["members"] == len(ages)
        if ages:
            assert team["youngest_age"] == pytest.approx(min(ages), abs=0.06)
            assert team["under_40"] == sum(1 for a in ages if a < 40)
            assert ("no_young" in team["flags"]) == (team["under_40"] == 0)
            assert ("no_woman" in team["flags"]) == (team["women"] == 0)
        assert team["categories_missing"] == sorted(
            set(team["categories_needed"]) - set(team["categories_present"])
        )
        assert ("vacancies" in team["flags"]) == bool(team["vacant_posts"])


def test_teams_ranked_by_adjustment_score(result: dict[str, Any]) -> None:
    scores = [t["adjustment_score"] for t in result["teams"]]
    assert scores == sorted(scores, reverse=True)
    top = result["teams"][0]
    assert top["adjustment_score"] >= FLAG_WEIGHTS["ageing"]
    summary = result["summary"]
    assert summary["teams"] == len(result["teams"])
    assert summary["flagged"]["ageing"] == sum("ageing" in t["flags"] for t in result["teams"])


def test_selection_reads_the_same_needed_specialties(
    result: dict[str, Any], data: DevelopmentData
) -> None:
    team = next(t for t in result["teams"] if t["unit_kind"] == "乡镇")
    post = next(
        p
        for p in data.context.posts.values()
        if p.get("unit_id") == team["unit_id"] and p.get("team_member")
    )
    gaps = post_team(data.context, post["id"])
    assert gaps.wanted_categories == frozenset(team["categories_needed"])
    assert {"农业", "规划", "社会治理", "经济"} <= gaps.wanted_categories


def test_a_team_page_lists_its_members_and_vacancies(
    result: dict[str, Any], data: DevelopmentData
) -> None:
    team = next(t for t in result["teams"] if t["vacant_posts"] and t["retiring"])
    detail = team_detail(data=data, unit_id=team["unit_id"])
    assert detail is not None and detail["unit_name"] == team["unit_name"]
    assert sorted(m["cadre_id"] for m in detail["members"]) == sorted(
        m["cadre_id"] for m in team["member_list"]
    )
    assert [v["post_id"] for v in detail["vacancies"]] == team["vacant_posts"]
    retiring = {r["cadre_id"]: r["retires"] for r in team["retiring"]}
    for member in detail["members"]:
        cadre = data.records[member["cadre_id"]].cadre
        assert member["rank"] == cadre.get("rank") and member["post_name"]
        assert member["retiring_soon"] == (member["cadre_id"] in retiring)
        if member["cadre_id"] in retiring:
            assert member["retires"] == retiring[member["cadre_id"]]
    assert team_detail(data=data, unit_id="NO-SUCH-UNIT") is None
