"""The pool review: composition, entry candidates, exit review, history."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from loaders.sample import AS_OF
from queries.development.data import DevelopmentData
from queries.development.pool import pool_review


@pytest.fixture(scope="module")
def result(data: DevelopmentData) -> dict[str, Any]:
    return pool_review(data=data)


def test_exit_review_finds_the_planted_members(
    result: dict[str, Any], district_manifest: dict[str, Any]
) -> None:
    planted = district_manifest["planted"]
    by_kind: dict[str, set[str]] = {}
    for row in result["exit_review"]:
        for kind in row["kinds"]:
            by_kind.setdefault(kind, set()).add(row["cadre_id"])
    assert set(planted["pool_declining"]) <= by_kind["decline"]
    assert set(planted["pool_over_age"]) <= by_kind["over_age"]
    for row in result["exit_review"]:
        assert row["reasons"] and len(row["reasons"]) >= len(row["kinds"])
        if "over_age" in row["kinds"]:
            assert row["age"] > 40


def test_composition_counts_every_member(result: dict[str, Any], data: DevelopmentData) -> None:
    members = data.pool_members() & data.records.keys()
    assert result["size"] == len(members)
    for dimension in ("age", "channel", "unit_kind"):
        assert sum(result["composition"][dimension].values()) == len(members)
    # Age bands youngest first (as a chart shows them), not in the order of their text.
    order = ["30岁以下", "30-34岁", "35-39岁", "40岁及以上"]
    bands = list(result["composition"]["age"])
    assert len(bands) >= 3 and bands == [b for b in order if b in bands]
    assert result["history"][-1]["size"] == len(data.pool_members(AS_OF))


def test_entry_candidates_meet_the_criteria(result: dict[str, Any], data: DevelopmentData) -> None:
    members = data.pool_members()
    assert result["entry_candidates"]
    for row in result["entry_candidates"]:
        record = data.records[row["cadre_id"]]
        assert row["cadre_id"] not in members
        assert row["age"] <= 38
        assert (AS_OF - record.cadre["work_start"]).days >= 2 * 365
        recent = [g for y, g in record.annual_grades.items() if AS_OF.year - 3 <= y < AS_OF.year]
        assert "优秀" in recent and not {"基本称职", "不称职"} & set(recent)
    strengths = [row["strength"] for row in result["entry_candidates"]]
    assert strengths == sorted(strengths, reverse=True)


def test_history_adds_up(result: dict[str, Any]) -> None:
    history = result["history"]
    for before, after in itertools.pairwise(history):
        assert after["size"] == before["size"] + after["entered"] - after["exited"]
