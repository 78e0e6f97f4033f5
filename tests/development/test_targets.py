"""The report's targets, checked against the input files themselves."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from graphsvc.dates import months_between, parse_cadre_date
from loaders.sample import AS_OF
from queries.development.data import DevelopmentData
from queries.development.targets import target_figures


@pytest.fixture(scope="module")
def result(data: DevelopmentData) -> dict[str, Any]:
    return target_figures(data=data)


def test_new_cadres_counted_from_the_cadre_table(
    result: dict[str, Any], district_dir: Path
) -> None:
    with (district_dir / "cadres.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for year_row in result["years"]:
        year = year_row["year"]
        entered = []
        for row in rows:
            day = parse_cadre_date(row["录用时间"] or row["参加工作时间"])
            if day.year == year and day <= AS_OF:
                entered.append(months_between(parse_cadre_date(row["出生年月"]), day) < 35 * 12)
        assert year_row["new_cadres"] == len(entered)
        assert year_row["new_cadres_under_35"] == sum(entered)
        if entered:
            assert year_row["new_cadres_target_met"] == (sum(entered) / len(entered) >= 0.6)


def test_promotions_and_coverage_are_consistent(result: dict[str, Any]) -> None:
    years = result["years"]
    assert [y["year"] for y in years] == list(range(AS_OF.year - 4, AS_OF.year + 1))
    assert sum(y["promotions"] for y in years) > 0
    for y in years:
        assert 0 <= y["promotions_under_35"] <= y["promotions"]
        assert y["mentoring_covered"] <= y["mentoring_need"]
        assert y["promotions_target_met"] is None  # no target set by default
    assert years[-1]["pool_size"] > years[0]["pool_size"]
