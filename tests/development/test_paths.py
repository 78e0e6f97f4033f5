"""Hand-worked paths (一人一策) and pipelines (超前研判): the day each rule is met, the
ready day, the actions and their days, pool members who age out first, and a pipeline
that is the sum of its paths.

The day of the decision is 2026-11-01 (``tests.selection.kit.AS_OF``). Defaults:
副科 → 正科 takes 2 years in a 副科 leadership post, 正科 → 副处 3 years in a 正科 one
and 2 years of grassroots work; 记过 has an effect period of 12 months; training only
warns; the pool's age limit is 40.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from graphsvc.vocab import Level
from queries.development.data import DevelopmentData, PoolStay
from queries.development.openings import openings
from queries.development.path import cadre_path, pool_paths
from queries.development.pipeline import pipeline
from queries.selection.candidates import NotFound
from queries.selection.policy import SelectionPolicy
from queries.selection.records import CadreRecord, Course
from tests.development.planted_paths import assert_as_planted, planted_paths
from tests.selection.kit import AS_OF, POLICY, cadre, context, post, tenure, with_policy

GOOD_GRADES = {2024: "称职", 2025: "称职"}
ENOUGH_TRAINING = [Course("K0", "脱产培训", date(2026, 3, 1), 15, 100, True)]


def _deputy(cadre_id: str, since: date, **extra: Any) -> CadreRecord:
    """A 副科 leader of 乙镇 (T) since ``since``, grades and training in order."""
    fields = {"birth": date(1988, 3, 1)} | extra.pop("fields", {})
    return CadreRecord(
        cadre(cadre_id, level="副科", level_since=since, **fields),
        tenures=[tenure(f"P{cadre_id}", "T", "副科", since, None, team_member=True)],
        annual_grades=dict(GOOD_GRADES),
        courses=list(ENOUGH_TRAINING),
        **extra,
    )


def _data(
    records: list[CadreRecord],
    posts: list[dict[str, Any]] = (),  # type: ignore[assignment]
    *,
    policy: SelectionPolicy = POLICY,
    stays: list[PoolStay] = (),  # type: ignore[assignment]
    trainings: list[dict[str, Any]] = (),  # type: ignore[assignment]
    holders: dict[str, set[str]] | None = None,
    projects: list[dict[str, Any]] = (),  # type: ignore[assignment]
) -> DevelopmentData:
    built = context(records, list(posts), policy=policy, holders=holders)
    return DevelopmentData(
        context=built,
        cadres={r.id: dict(r.cadre, status="在职") for r in records},
        mentors={},
        pairings=[],
        pools={"POOL1": {"id": "POOL1", "name": "区优秀年轻干部库"}},
        stays=list(stays),
        trainings=list(trainings),
        projects=list(projects),
    )


def _rules(path: Any) -> dict[str, Any]:
    return {line["rule"]: line for line in path["rules"]}


def test_a_cadre_ready_now() -> None:
    path = cadre_path(data=_data([_deputy("C1", date(2021, 3, 1))]), cadre_id="C1")
    assert (path["level"], path["next_level"]) == ("副科", "正科")
    assert path["ready_now"] is True and path["ready_on"] == "2026-11-01"
    assert all(r["status"] == "pass" and r["met_on"] == "2026-11-01" for r in path["rules"])
    assert _rules(path)["years_at_level"]["needs"] == ""
    assert path["pool"] is None
    assert "已具备提任正科的任职条件" in path["stage_goal"]


def test_years_at_level_complete_on_a_known_day() -> None:
    path = cadre_path(data=_data([_deputy("C1", date(2025, 3, 15))]), cadre_id="C1")
    years = _rules(path)["years_at_level"]
    assert (years["status"], years["met_on"]) == ("fail", "2027-03-15")
    assert path["ready_now"] is False and path["ready_on"] == "2027-03-15"
    assert years["needs"] == "2027.03.15任满2年"
    assert "2027.03.15具备提任正科的任职条件" in path["stage_goal"]  # within the year


def test_the_boundary_day_exactly_n_years_today() -> None:
    today = cadre_path(data=_data([_deputy("C1", date(2024, 11, 1))]), cadre_id="C1")
    assert today["ready_now"] is True and _rules(today)["years_at_level"]["status"] == "pass"
    tomorrow = cadre_path(data=_data([_deputy("C1", date(2024, 11, 2))]), cadre_id="C1")
    assert tomorrow["ready_now"] is False and tomorrow["ready_on"] == "2026-11-02"


def test_under_an_effect_period_the_day_it_ends() -> None:
    record = _deputy("C1", date(2021, 3, 1))
    record.supervision.append({"kind": "记过", "date": date(2026, 5, 1)})
    path = cadre_path(data=_data([record]), cadre_id="C1")
    effect = _rules(path)["effect_period"]
    assert (effect["status"], effect["met_on"]) == ("fail", "2027-05-01")
    assert path["ready_on"] == "2027-05-01" and path["ready_now"] is False
    assert "影响期" in effect["needs"]


def test_a_barred_grade_has_no_day() -> None:
    record = _deputy("C1", date(2025, 3, 15))
    record.annual_grades[2025] = "不称职"
    path = cadre_path(data=_data([record]), cadre_id="C1")
    grade = _rules(path)["assessment"]
    assert (grade["status"], grade["met_on"]) == ("fail", None)
    assert grade["needs"] == "待下一年度考核定为称职以上等次"
    # Years at level still have their day; the ready day waits for the grade.
    assert _rules(path)["years_at_level"]["met_on"] == "2027-03-15"
    assert path["ready_on"] is None and path["ready_now"] is False
    assert path["ready_with_actions"] is None  # no action mends a grade


def test_the_unit_column_numbers_each_cadres_unit_now() -> None:
    """C1 and C2 lead in 乙镇 (T), C3 in 区财政局 (B) and C4's post ended: no unit now."""
    records = [
        _deputy("C1", date(2021, 3, 1)),
        _deputy("C2", date(2025, 3, 15)),
        CadreRecord(cadre("C3"), tenures=[tenure("PB", "B", "副科", date(2021, 3, 1), None)]),
        CadreRecord(cadre("C4"), tenures=[tenure("PX", "T", "副科", date(2019, 1, 1), AS_OF)]),
    ]
    data = _data(records)
    units, numbers = data.unit_column()
    assert [units[n] if n >= 0 else None for n in numbers.tolist()] == ["T", "T", "B", None]
    assert sorted(units) == ["B", "T"]
    assert [data.unit_of(c) for c in data.context.facts.ids] == ["T", "T", "B", None]


def _department_head(**extra: Any) -> CadreRecord:
    """A 正科 leader of 区财政局 (B) since 2020-01, never posted to the grassroots."""
    return CadreRecord(
        cadre("C1", level="正科", level_since=date(2020, 1, 1), birth=date(1985, 6, 1)),
        tenures=[
            tenure("PB1", "B", "副科", date(2016, 1, 1), date(2020, 1, 1)),
            tenure("PB2", "B", "正科", date(2020, 1, 1), None, team_member=True),
        ],
        annual_grades=dict(GOOD_GRADES),
        courses=list(ENOUGH_TRAINING),
        **extra,
    )


def test_missing_grassroots_years_get_a_township_posting_with_its_day() -> None:
    posts = [
        post("正科", "T", "PT", name="乙镇党委书记"),  # vacant: 乙镇 (甲区), the cadre's district
        post("正科", "F", "PF"),  # vacant: 丁镇 in 乙区, outside the cadre's scope
        post("正科", "B", "PB2"),  # held by the cadre
    ]
    data = _data([_department_head()], posts, holders={"PB2": {"C1"}})
    path = cadre_path(data=data, cadre_id="C1")
    assert path["next_level"] == "副处"
    grassroots = _rules(path)["grassroots_years"]
    assert (grassroots["status"], grassroots["met_on"]) == ("fail", None)
    assert grassroots["needs"] == "须到基层（乡镇、街道、村、社区）工作或挂职，尚缺2年"
    assert path["ready_on"] is None
    # Posted today to 乙镇's vacant 正科 post (or seconded there): 2 years on, 2028-11-01.
    places = [(a["kind"], a["unit_id"], a["post_id"], a["ready_on"]) for a in path["actions"]]
    assert ("posting", "T", "PT", "2028-11-01") in places
    assert ("secondment", "T", None, "2028-11-01") in places
    assert all(unit != "F" for _, unit, _, _ in places)  # 乙区 is not the cadre's scope
    assert path["ready_with_actions"] == "2028-11-01"
    # The post's name begins with its unit's: the unit is said once.
    assert "交流任乙镇党委书记" in path["stage_goal"] and "乙镇乙镇" not in path["stage_goal"]


def test_a_posting_in_conflict_with_a_relative_is_not_offered() -> None:
    from queries.selection.records import Relative

    relative = CadreRecord(
        cadre("C2", level="正科", level_since=date(2019, 1, 1), birth=date(1975, 1, 1)),
        tenures=[tenure("PT2", "T", "正科", date(2019, 1, 1), None, team_member=True)],
    )
    held = (tenure("PT2", "T", "正科", date(2019, 1, 1), None, team_member=True),)
    head = _department_head(relatives=[Relative("C2", "李四", "夫妻", held)])
    posts = [post("正科", "T", "PT"), post("正科", "T", "PT2"), post("正科", "B", "PB2")]
    data = _data([head, relative], posts, holders={"PB2": {"C1"}, "PT2": {"C2"}})
    path = cadre_path(data=data, cadre_id="C1")
    assert [a for a in path["actions"] if a["unit_id"] == "T"] == []
    assert path["ready_with_actions"] is None


def test_a_training_gap_gets_the_next_course_that_fills_it() -> None:
    record = _deputy("C1", date(2021, 3, 1))
    record.courses.clear()
    trainings = [
        # Too short on its own; then one long enough; then a later one.
        {"id": "K1", "name": "短训班", "start": date(2026, 11, 10), "end": date(2026, 11, 12),
         "hours": 24, "days": 3},
        {"id": "K2", "name": "中青年干部培训班", "start": date(2026, 12, 1),
         "end": date(2026, 12, 20), "hours": 120, "days": 20},
        {"id": "K3", "name": "春季班", "start": date(2027, 3, 1), "end": date(2027, 3, 20),
         "hours": 120, "days": 20},
        {"id": "K0", "name": "已结束", "start": date(2026, 6, 1), "end": date(2026, 6, 20),
         "hours": 120, "days": 20},
    ]  # fmt: skip
    # By default training only warns: ready now, with the gap among the warnings.
    path = cadre_path(data=_data([record], trainings=trainings), cadre_id="C1")
    assert path["ready_now"] is True
    assert [w["rule"] for w in path["warnings"]] == ["training"]
    courses = [a for a in path["actions"] if a["kind"] == "course"]
    assert [(a["unit_id"], a["ready_on"]) for a in courses] == [(None, "2026-11-01")]
    assert "中青年干部培训班" in courses[0]["title"]
    # Where training bars, the course's last day is the ready day.
    barring = with_policy(rules__training__warn=False)
    path = cadre_path(data=_data([record], trainings=trainings, policy=barring), cadre_id="C1")
    training = _rules(path)["training"]
    assert (training["status"], training["met_on"]) == ("fail", None)
    assert path["ready_on"] is None
    courses = [a for a in path["actions"] if a["kind"] == "course"]
    assert [a["ready_on"] for a in courses] == ["2026-12-20"]
    assert path["ready_with_actions"] == "2026-12-20"


def _pool_member(cadre_id: str, since: date) -> tuple[CadreRecord, PoolStay]:
    """A pool member born 1988-03-01: past the limit of 40 from 2028-04-01."""
    record = _deputy(cadre_id, since, in_pool=True, pool_since=date(2022, 1, 1))
    return record, PoolStay(cadre_id, "POOL1", date(2022, 1, 1), None, None)


def test_a_cadre_without_a_major_task_gets_the_nearest_one_under_way_in_scope() -> None:
    """A 副科 leader of 乙镇 (T, in 甲区) with no major task: of the tasks under way in 甲区,
    the one in 丙村 (under 乙镇, one step away) before the one in 区财政局 (two steps);
    one in 乙区 is outside the scope, one in 乙镇 has ended."""
    projects = [
        {"id": "K0", "name": "财政改革", "unit_id": "B", "start": date(2026, 1, 1)},
        {"id": "K1", "name": "乡村振兴示范", "unit_id": "V", "start": date(2026, 1, 1)},
        {"id": "K2", "name": "乙区招商", "unit_id": "F", "start": date(2026, 1, 1)},
        {"id": "K3", "name": "乙镇旧改", "unit_id": "T", "start": date(2025, 1, 1),
         "end": date(2026, 6, 30)},
    ]  # fmt: skip
    data = _data([_deputy("C1", date(2021, 3, 1))], projects=projects)
    tasks = [
        a for a in cadre_path(data=data, cadre_id="C1")["actions"] if a["kind"] == "major_task"
    ]
    assert [(a["project_id"], a["unit_id"]) for a in tasks] == [("K1", "V")]
    assert tasks[0]["ready_on"] == "2026-11-01"  # ready now: the task changes no day
    offer = openings(data)
    assert [p["id"] for p in offer.tasks_within("D")] == ["K0", "K1"]
    assert [p["id"] for p in offer.tasks_within("T")] == ["K1"]
    assert [p["id"] for p in offer.tasks_within(None)] == ["K0", "K1", "K2"]


def test_a_pool_member_who_ages_out_before_being_ready() -> None:
    late, late_stay = _pool_member("C1", date(2026, 6, 1))  # ready 2028-06-01
    early, early_stay = _pool_member("C2", date(2025, 1, 1))  # ready 2027-01-01
    data = _data([late, early], stays=[late_stay, early_stay])
    path = cadre_path(data=data, cadre_id="C1")
    assert path["ready_on"] == "2028-06-01"
    assert path["pool"] == {
        "pool_id": "POOL1",
        "pool_name": "区优秀年轻干部库",
        "ages_out_on": "2028-04-01",
        "at_risk": True,
    }
    assert "将超出干部库年龄上限" in path["stage_goal"]
    other = cadre_path(data=data, cadre_id="C2")
    assert other["pool"] is not None and other["pool"]["at_risk"] is False
    assert pipeline(data=data, years=3)["at_risk"] == ["C1"]


def test_a_target_level_asked_for_and_errors() -> None:
    data = _data([_deputy("C1", date(2021, 3, 1))])
    path = cadre_path(data=data, cadre_id="C1", target=Level.DEPUTY_DIVISION)
    assert path["next_level"] == "副处"
    assert _rules(path)["one_level"]["status"] == "fail"
    assert path["ready_on"] is None
    with pytest.raises(NotFound, match="未找到编号为 'NOPE' 的在职干部"):
        cadre_path(data=data, cadre_id="NOPE")


def test_a_hand_built_pipeline_counts_its_posts_and_paths() -> None:
    """Two 副科 leaders aiming at 正科 (one ready now, one on 2027-03-15); a 正科 post
    vacant now; a 正科 holder born 1966-09 who retires on 2027-03-01 by the 2025 schedule
    (60 years and 6 months: a month for each 4 months of birth from 1965-01 on)."""
    ready = _deputy("C1", date(2021, 3, 1))
    later = _deputy("C2", date(2025, 3, 15), fields={"birth": date(1993, 7, 1)})
    retiring = CadreRecord(
        cadre("C3", level="正科", level_since=date(2010, 1, 1), birth=date(1966, 9, 1)),
        tenures=[tenure("PH", "T", "正科", date(2010, 1, 1), None)],
        annual_grades=dict(GOOD_GRADES),
    )
    posts = [post("正科", "T", "PV"), post("正科", "T", "PH", team_member=False)]
    data = _data([ready, later, retiring], posts, holders={"PH": {"C3"}})
    found = pipeline(data=data, years=3)
    section = {row["year"]: row for row in found["years"] if row["level"] == "正科"}
    assert [section[y]["demand"] for y in (2026, 2027, 2028)] == [1, 1, 0]
    assert section[2026]["demand_vacant"] == 1 and section[2027]["demand_retiring"] == 1
    assert [section[y]["supply"] for y in (2026, 2027, 2028)] == [1, 2, 2]
    assert [section[y]["gap"] for y in (2026, 2027, 2028)] == [0, 0, 0]
    # C2 is 34 at the end of 2027 and 35 at the end of 2028 (C1 is 39, then 40).
    assert section[2027]["supply_young"] == {"under_35": 1, "under_40": 2}
    assert section[2028]["supply_young"] == {"under_35": 0, "under_40": 1}
    assert found["at_risk"] == []
    kinds = {(g["year"], g["group"]): g for g in found["by_unit_kind"] if g["level"] == "正科"}
    assert kinds[(2027, "乡镇")]["demand_to_date"] == 2 and kinds[(2027, "乡镇")]["supply"] == 2


def _paths_sum(data: DevelopmentData, found: Any) -> None:
    """Each year and level's supply counts equal the paths ready by the year's end."""
    paths = [cadre_path(data=data, cadre_id=c) for c in data.context.facts.ids]
    for row in found["years"]:
        end = date(row["year"], 12, 31).isoformat()
        aimed = [p for p in paths if p["next_level"] == row["level"]]
        assert row["supply"] == sum(
            p["ready_on"] is not None and p["ready_on"] <= end for p in aimed
        ), row
        assert row["supply_with_actions"] == sum(
            p["ready_with_actions"] is not None and p["ready_with_actions"] <= end for p in aimed
        ), row
    risky = sorted(p["cadre_id"] for p in paths if p["pool"] is not None and p["pool"]["at_risk"])
    assert sorted(found["at_risk"]) == risky


def test_the_pipeline_is_the_sum_of_its_paths_on_a_hand_built_case() -> None:
    records = [
        _deputy("C1", date(2021, 3, 1)),
        _deputy("C2", date(2025, 3, 15)),
        _department_head(),
    ]
    records[1].annual_grades[2025] = "不称职"
    data = _data(records, [post("正科", "T", "PT")])
    _paths_sum(data, pipeline(data=data, years=3))


def test_the_district_pipeline_is_the_sum_of_its_paths(data: DevelopmentData) -> None:
    found = pipeline(data=data)
    assert found["cadres"] == len(data.context.facts.ids)
    assert {row["year"] for row in found["years"]} == set(range(AS_OF.year, AS_OF.year + 5))
    assert sum(row["supply"] for row in found["years"]) > 0
    assert found["at_risk"]  # the district has pool members who age out first
    _paths_sum(data, found)


def test_district_courses_come_from_the_planted_schedule(
    data: DevelopmentData, district_manifest: dict[str, Any]
) -> None:
    """The sample schedules three courses after the day; pool members short of training
    are offered one of them (the earliest long enough on its own)."""
    scheduled = district_manifest["planted"]["scheduled_courses"]
    paths = pool_paths(data=data)
    courses = [a for p in paths for a in p["actions"] if a["kind"] == "course"]
    assert courses and {a["training_id"] for a in courses} <= set(scheduled)


# ------------------------------------------------- the situations the sample plants


def test_the_planted_situations_follow_the_policy() -> None:
    """The numbers the sample plants by (loaders may not read the policy) are the
    policy's defaults: a changed default shows here before the paths below go wrong."""
    from loaders.sample.path_cases import POLICY_DEFAULTS

    rules = POLICY.rules
    assert {
        "deputy_to_principal": rules.years_at_level.deputy_to_principal,
        "principal_to_upper_deputy": rules.years_at_level.principal_to_upper_deputy,
        "grassroots_years": rules.grassroots_years.min_years,
        "grassroots_kinds": rules.grassroots_years.unit_kinds,
        "posting_unit_kinds": POLICY.paths.posting_unit_kinds,
        "effect_months": {"记过": rules.effect_period.months["记过"]},
        "barred_grade": POLICY_DEFAULTS["barred_grade"],
        "education_minimum": rules.education.minimum,
        "retirement_warn_years": rules.retirement.warn_years,
    } == POLICY_DEFAULTS
    assert POLICY_DEFAULTS["barred_grade"] in rules.assessment.barred_grades


def test_the_sample_plants_each_path_situation(
    data: DevelopmentData, district_manifest: dict[str, Any]
) -> None:
    """Each planted cadre's path reads as the manifest says (both stores:
    ``test_on_neo4j``), and the days agree with the cadre's own records."""
    from graphsvc.dates import add_months

    planted = planted_paths(district_manifest)
    assert district_manifest["as_of"] == data.as_of.isoformat()
    as_of = data.as_of
    rules = data.policy.rules
    for entry in planted.values():
        path = cadre_path(data=data, cadre_id=entry["cadre_id"])
        assert_as_planted(
            path, entry, unit_kind=data.units.kind, actions_shown=data.policy.paths.actions_shown
        )
    record = data.context.records
    deputy_years = rules.years_at_level.deputy_to_principal
    # Ready now: more than 2 years as a 副科 leader; the boundary: exactly 2 years today.
    since = record[planted["ready_now"]["cadre_id"]].cadre["level_since"]
    assert add_months(since, round(deputy_years * 12)) < as_of
    since = record[planted["boundary_day"]["cadre_id"]].cadre["level_since"]
    assert add_months(since, round(deputy_years * 12)) == as_of
    # A known day: 2 years after the post began, later than today, within the horizon.
    known = planted["years_known_day"]
    since = record[known["cadre_id"]].cadre["level_since"]
    ready = add_months(since, round(deputy_years * 12))
    assert as_of < ready <= add_months(as_of, 12 * data.policy.paths.years)
    assert known["ready_on"] == ready.isoformat()
    # An effect period: the sanction's day and its kind's months.
    effect = planted["effect_period"]
    (sanction,) = record[effect["cadre_id"]].supervision
    months = rules.effect_period.months[sanction["kind"]]
    assert effect["ready_on"] == add_months(sanction["date"], months).isoformat()
    # A barred grade: the last one recorded.
    grades = record[planted["barred_grade"]["cadre_id"]].annual_grades
    assert grades[max(grades)] in rules.assessment.barred_grades
    # No grassroots work at all: a posting today gives the day 2 years are full.
    head = record[planted["grassroots_posting"]["cadre_id"]]
    kinds = set(rules.grassroots_years.unit_kinds)
    assert not [t for t in head.tenures if data.units.kind(t.post.get("unit_id")) in kinds]
    assert not [s for s in head.rotations if data.units.kind(s.unit_id) in kinds]
    ready = add_months(as_of, round(rules.grassroots_years.min_years * 12))
    assert planted["grassroots_posting"]["ready_with_actions"] == ready.isoformat()
    # A pool member: past the pool's age limit by a whole month before the ready day.
    member = planted["pool_ages_out"]
    pool = data.pools[member["pool"]["pool_id"]]
    birth = record[member["cadre_id"]].cadre["birth"]
    ages_out = add_months(birth, int(pool["max_age"]) * 12 + 1).isoformat()
    assert member["pool"]["ages_out_on"] == ages_out < member["ready_on"]
    assert member["cadre_id"] in pipeline(data=data)["at_risk"]


def test_the_planted_paths_through_the_command_line(
    district_store: Any, district_manifest: dict[str, Any], data: DevelopmentData
) -> None:
    """``graphsvc path --json`` says the same of every planted situation; the boundary
    cadre, a day earlier, is ready only the next day."""
    import json
    import subprocess

    from tests.service import GRAPHSVC

    def path_json(cadre_id: str, day: str) -> dict[str, Any]:
        command = ["path", "--cadre", cadre_id, "--store", district_store.url, "--as-of", day]
        result = subprocess.run(
            [*GRAPHSVC, *command, "--json"], capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, result.stderr
        found: dict[str, Any] = json.loads(result.stdout)
        return found

    planted = planted_paths(district_manifest)
    as_of = district_manifest["as_of"]
    for entry in planted.values():
        assert_as_planted(
            path_json(entry["cadre_id"], as_of),
            entry,
            unit_kind=data.units.kind,
            actions_shown=data.policy.paths.actions_shown,
        )
    day_before = (date.fromisoformat(as_of) - timedelta(days=1)).isoformat()
    earlier = path_json(planted["boundary_day"]["cadre_id"], day_before)
    assert (earlier["ready_now"], earlier["ready_on"]) == (False, as_of)
    years = _rules(earlier)["years_at_level"]
    assert (years["status"], years["met_on"]) == ("fail", as_of)
