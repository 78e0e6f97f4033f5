"""Training compliance finds the planted people and applies each rule as stated."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from graphsvc.dates import add_months
from loaders.sample import AS_OF
from queries.development.data import DevelopmentData
from queries.development.training import training_compliance


@pytest.fixture(scope="module")
def result(data: DevelopmentData) -> dict[str, Any]:
    return training_compliance(data=data)


def test_planted_people_are_behind_with_no_hours(
    result: dict[str, Any], district_manifest: dict[str, Any]
) -> None:
    behind = {r["cadre_id"]: r for r in result["below_yearly_hours"]}
    planted = district_manifest["planted"]["behind_on_training"]
    assert planted
    for cadre_id in planted:
        assert behind[cadre_id]["hours_12m"] == 0
    regulation = {r["cadre_id"] for r in result["below_regulation"]}
    assert set(planted) <= regulation


def test_hours_are_the_sum_of_courses_in_the_window(
    result: dict[str, Any], data: DevelopmentData
) -> None:
    year_ago = add_months(AS_OF, -12)
    for row in result["below_yearly_hours"][-20:]:
        record = data.records[row["cadre_id"]]
        hours = sum(c.hours for c in record.courses if c.start >= year_ago)
        assert row["hours_12m"] == pytest.approx(hours, abs=0.05)
        assert hours < 80
    newcomers = {
        c for c, r in data.records.items() if r.cadre["work_start"] > add_months(AS_OF, -12)
    }
    assert newcomers
    listed = {r["cadre_id"] for r in result["below_yearly_hours"]}
    assert not newcomers & listed


def test_pool_members_without_an_offjob_week(result: dict[str, Any], data: DevelopmentData) -> None:
    pool = data.pool_members()
    assert result["pool_without_offjob"]
    three_years_ago: date = add_months(AS_OF, -36)
    for row in result["pool_without_offjob"]:
        assert row["cadre_id"] in pool
        courses = data.records[row["cadre_id"]].courses
        assert not [c for c in courses if c.off_job and c.days >= 7 and c.start >= three_years_ago]
    assert sum(u["counted"] for u in result["by_unit"]) == result["counted"]
