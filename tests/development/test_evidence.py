"""Hand-worked development cases: mentors a rule keeps out of the suggestions, potential in
the nine-box from evidence, one coverage figure for the mentoring page and the targets, and
pool members under exit review on the pool page and the district."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from queries.development.data import DevelopmentData, Pairing, PoolStay
from queries.development.mentoring import coverage, recommend_mentors
from queries.development.ninebox import nine_box, potential_parts
from queries.development.pool import pool_review
from queries.development.targets import target_figures
from queries.selection.policy import SelectionPolicy
from queries.selection.records import CadreRecord, Course
from tests.selection.kit import AS_OF, POLICY, cadre, context, tenure, with_policy


def _data(
    records: list[CadreRecord],
    *,
    mentors: dict[str, dict[str, Any]] | None = None,
    pairings: list[Pairing] = (),  # type: ignore[assignment]
    stays: list[PoolStay] = (),  # type: ignore[assignment]
    policy: SelectionPolicy = POLICY,
) -> DevelopmentData:
    built = context(records, [], policy=policy)
    return DevelopmentData(
        context=built,
        cadres={r.id: dict(r.cadre, status="在职") for r in records},
        mentors=mentors or {},
        pairings=list(pairings),
        pools={"POOL1": {"id": "POOL1", "max_age": 40}},
        stays=list(stays),
    )


def _mentors_case(policy: SelectionPolicy = POLICY) -> DevelopmentData:
    """A 选调生 of 2025 in 乙镇 without a mentor; two mentors in the township: 甲, the
    township's party secretary in the same unit with the same specialty, whose last grade is
    基本称职; 乙, a 副科 in a village, 称职."""
    mentee = CadreRecord(
        cadre("E1", level="科员", level_since=None, channel="选调生", birth=date(2001, 5, 1),
              work_start=date(2025, 8, 1), recruit_date=date(2025, 8, 1)),
        tenures=[tenure("PE", "T", "科员", date(2025, 8, 1), None, leadership=False)],
        specialties={"S1"},
    )  # fmt: skip
    barred = CadreRecord(
        cadre("A1", level="正科", level_since=date(2019, 1, 1), birth=date(1978, 1, 1)),
        tenures=[tenure("PA", "T", "正科", date(2019, 1, 1), None)],
        specialties={"S1"},
        annual_grades={2023: "优秀", 2024: "称职", 2025: "基本称职"},
    )
    plain = CadreRecord(
        cadre("B1", level="副科", level_since=date(2020, 1, 1), birth=date(1980, 1, 1)),
        tenures=[tenure("PB", "V", "副科", date(2020, 1, 1), None)],
        annual_grades={2025: "称职"},
    )
    mentors = {
        "MA": {"id": "MA", "name": "甲", "cadre_id": "A1", "kind": "党组织书记", "capacity": 3},
        "MB": {"id": "MB", "name": "乙", "cadre_id": "B1", "kind": "班子成员", "capacity": 3},
    }
    data = _data([mentee, barred, plain], mentors=mentors, policy=policy)
    data.context.category_of["S1"] = "农业"
    return data


def test_a_mentor_whose_last_grade_bars_is_not_suggested() -> None:
    found = recommend_mentors(data=_mentors_case())
    assert [(p["mentee_id"], p["mentor_id"]) for p in found["pairs"]] == [("E1", "MB")]
    # The setting off: the better-placed mentor (same unit, a party secretary) wins.
    lenient = with_policy(mentoring__skip_barred_grade=False)
    found = recommend_mentors(data=_mentors_case(lenient))
    assert [(p["mentee_id"], p["mentor_id"]) for p in found["pairs"]] == [("E1", "MA")]


def test_a_mentor_inside_an_effect_period_is_not_suggested() -> None:
    data = _mentors_case(with_policy(mentoring__skip_barred_grade=False))
    data.context.records["A1"].supervision.append({"kind": "记过", "date": date(2026, 5, 1)})
    found = recommend_mentors(data=data)
    assert [p["mentor_id"] for p in found["pairs"]] == ["MB"]
    lenient = with_policy(mentoring__skip_barred_grade=False, mentoring__skip_in_effect=False)
    data = _mentors_case(lenient)
    data.context.records["A1"].supervision.append({"kind": "记过", "date": date(2026, 5, 1)})
    assert [p["mentor_id"] for p in recommend_mentors(data=data)["pairs"]] == ["MA"]


def test_coverage_is_one_figure_for_the_mentoring_page_and_the_targets() -> None:
    """Two mentees: one paired with a serving mentor, one whose mentor has left. Both the
    mentoring page and this year's target count one covered of two."""
    mentees = [
        CadreRecord(cadre(f"E{n}", level="科员", level_since=None, channel="选调生",
                          birth=date(2001, 5, 1), work_start=date(2024, 8, 1),
                          recruit_date=date(2024, 8, 1)))
        for n in (1, 2)
    ]  # fmt: skip
    mentors = {
        "M1": {"id": "M1", "name": "甲", "kind": "外部专家", "capacity": 3, "status": "在岗"},
        "M2": {"id": "M2", "name": "乙", "kind": "外部专家", "capacity": 3, "status": "离任"},
    }
    pairings = [
        Pairing("M1", "E1", date(2024, 9, 1), None),
        Pairing("M2", "E2", date(2024, 9, 1), None),
    ]
    data = _data(mentees, mentors=mentors, pairings=pairings)
    page = coverage(data=data)
    assert (page["covered"], page["need"], page["coverage"]) == (1, 2, 0.5)
    this_year = next(y for y in target_figures(data=data)["years"] if y["year"] == AS_OF.year)
    assert (this_year["mentoring_covered"], this_year["mentoring_need"]) == (1, 2)
    assert this_year["mentoring_coverage"] == page["coverage"]


def _member(cadre_id: str, **extra: Any) -> CadreRecord:
    return CadreRecord(
        cadre(cadre_id, level="科员", level_since=None, rank="一级科员",
              rank_since=date(2019, 8, 1), work_start=date(2018, 8, 1)),
        tenures=[tenure(f"T{cadre_id}", "T", "科员", date(2018, 8, 1), None, leadership=False)],
        **extra,
    )  # fmt: skip


def test_potential_comes_from_evidence_not_from_the_pool() -> None:
    rising = dict(
        annual_grades={2023: "称职", 2024: "称职", 2025: "优秀"},
        stars=[3, 4, 5],
        projects=[({"name": "高标准农田建设", "domain_id": "S1"}, "负责人", "优秀")] * 3,
        courses=[Course("K1", "中青年干部培训班", date(2026, 3, 1), 30, 240, True)],
    )
    people = [
        # In the pool, rising, leading tasks, young for a 科员, trained: high potential.
        _member("P1", in_pool=True, pool_since=date(2024, 1, 1), **rising),
        # The same evidence outside the pool: the same potential.
        _member("P2", **rising),
        # In the pool, falling, no tasks, no training, old for a 科员: low potential.
        CadreRecord(
            cadre("P3", level="科员", level_since=None, rank="一级科员", birth=date(1984, 1, 1),
                  rank_since=date(2012, 8, 1), work_start=date(2011, 8, 1)),
            tenures=[tenure("TP3", "T", "科员", date(2011, 8, 1), None, leadership=False)],
            annual_grades={2023: "优秀", 2024: "称职", 2025: "称职"},
            stars=[4, 3, 2],
            in_pool=True,
            pool_since=date(2022, 1, 1),
        ),
    ]  # fmt: skip
    people[0].cadre["birth"] = people[1].cadre["birth"] = date(1996, 6, 1)
    stays = [
        PoolStay("P1", "POOL1", date(2024, 1, 1), None, None),
        PoolStay("P3", "POOL1", date(2022, 1, 1), None, None),
    ]
    data = _data(people, stays=stays)
    parts = {c: potential_parts(data, c) for c in ("P1", "P2", "P3")}
    assert parts["P1"] == parts["P2"]
    # Grades 称职, 称职 then 优秀 (0.7, 0.7, 1.0): +0.3 → 0.65; stars 3 → 5: +0.4 → 0.7;
    # trajectory (0.65 + 0.7) / 2 = 0.675. Three led tasks at 优秀 fill tasks (1.0).
    # 30岁5个月 at 科员 (typical 30, span 10): (30 + 5 − 30.42) / 10 = 0.458. 240 hours: 1.0.
    assert parts["P1"] == pytest.approx(
        {"trajectory": 0.675, "tasks": 1.0, "age_at_level": 0.4583, "training": 1.0}, abs=1e-3
    )
    assert parts["P3"]["trajectory"] < 0.5 and parts["P3"]["tasks"] == 0.0
    assert parts["P3"]["age_at_level"] == 0.0 and parts["P3"]["training"] == 0.0
    grid = nine_box(data=data)
    boxes = {p["cadre_id"]: p["box"] for p in grid["people"]}
    assert set(boxes) == {"P1", "P3"}  # the pool's members
    assert boxes["P1"][1] == 2 and boxes["P3"][1] == 0  # potential high and low


def test_a_pool_member_under_exit_review_is_listed_with_the_grounds() -> None:
    people = [
        _member("R1", in_pool=True, pool_since=date(2024, 1, 1),
                supervision=[{"kind": "提醒谈话", "date": date(2026, 5, 1)}]),
        _member("R2", in_pool=True, pool_since=date(2024, 1, 1)),
    ]  # fmt: skip
    stays = [PoolStay(c, "POOL1", date(2024, 1, 1), None, None) for c in ("R1", "R2")]
    review = pool_review(data=_data(people, stays=stays))["exit_review"]
    assert [(r["cadre_id"], r["kinds"], r["reasons"]) for r in review] == [
        ("R1", ["sanction"], ["2026-05-01受提醒谈话"])
    ]
