"""The rule units on hand-built cadres: each rule's numbers and lines, the leadership
track, retirement, scope, and the day each rule will be met."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest

from queries.selection.policy import PolicyError, load_policy
from queries.selection.records import CadreRecord, Course, Stint
from queries.selection.rules import BY_NAME, RULES, eligible, met_on, span
from queries.selection.rules.base import day_of, months_after
from queries.selection.rules.facts import Target
from tests.selection.kit import (
    AS_OF,
    POLICY,
    UNITS,
    cadre,
    context,
    lines,
    post,
    tenure,
    verdict_of,
    with_policy,
)


def test_every_rule_is_one_unit_named_as_its_module() -> None:
    names = [unit.name for unit in RULES]
    assert len(names) == len(set(names))
    for unit in RULES:
        assert type(unit).__module__ == f"queries.selection.rules.{unit.name}"
        assert unit.title


# ---------------------------------------------------------------- years at the level


def test_years_at_the_level_below_name_the_facts() -> None:
    short = CadreRecord(cadre(level_since=date(2025, 3, 1)), annual_grades={2025: "称职"})
    result = lines(short, post("正科"))["years_at_level"]
    assert result.status == "fail"
    assert result.message == "副科领导职务自2025.03起1年8个月 < 要求2年"
    assert result.facts["months"] == 20 and result.facts["leadership_track"]
    enough = CadreRecord(cadre(), annual_grades={2025: "称职"})
    assert lines(enough, post("正科"))["years_at_level"].status == "pass"


def test_two_levels_at_once_are_never_allowed() -> None:
    record = CadreRecord(cadre(level="科员", level_since=None), annual_grades={2025: "优秀"})
    found = lines(record, post("正科"))
    assert found["one_level"].status == "fail" and "不得越级" in found["one_level"].message
    assert found["_verdict"] == "not_eligible"


def test_lateral_moves_skip_the_promotion_rules() -> None:
    record = CadreRecord(cadre(), annual_grades={2025: "称职"})
    found = lines(record, post("副科"))
    assert not {"one_level", "years_at_level", "training", "probation"} & found.keys()
    assert found["leadership"].message == "现任副科领导职务，平级交流"
    assert found["_verdict"] == "eligible"


def test_county_rules_apply_to_county_posts() -> None:
    record = CadreRecord(
        cadre(level="正科", level_since=date(2020, 1, 1), education="大学专科"),
        tenures=[tenure("P1", "T", "正科", date(2020, 1, 1), None)],
        annual_grades={2025: "称职"},
    )
    found = lines(record, post("副处", unit="D"))
    assert found["service_years"].status == "pass"  # 16 years
    assert found["grassroots_years"].status == "pass"  # the township since 2020
    assert found["posts_below"].status == "warn"  # one 正科 post, generally two
    assert found["posts_below"].facts["posts"] == ["P1"]
    assert found["education_county"].status == "warn"
    assert found["years_at_level"].message == "正科领导职务自2020.01起6年10个月 ≥ 要求3年"
    assert found["_verdict"] == "eligible_with_warnings"


def test_staff_to_deputy_section_counts_years_as_first_class_staff() -> None:
    def staff(**extra: object) -> CadreRecord:
        return CadreRecord(cadre(level="科员", level_since=date(2019, 7, 1), **extra))

    # A 二级科员 of seven years has no years as 一级科员.
    second = lines(staff(rank="二级科员", rank_since=date(2019, 7, 1)), post("副科"))
    assert second["years_at_level"].status == "fail"
    assert second["years_at_level"].message.startswith("现任二级科员，未任一级科员")
    # 一级科员 since 2022.01: 4 years 10 months ≥ 3.
    first = lines(staff(rank="一级科员", rank_since=date(2022, 1, 1)), post("副科"))
    assert first["years_at_level"].status == "pass"
    assert first["years_at_level"].message.startswith("一级科员自2022.01起4年10个月")
    recent = lines(staff(rank="一级科员", rank_since=date(2025, 1, 1)), post("副科"))
    assert recent["years_at_level"].status == "fail"
    # A department may count all years at the 科员 level instead.
    lenient = with_policy(rules__years_at_level__staff_rank="")
    counted = lines(
        staff(rank="二级科员", rank_since=date(2019, 7, 1)), post("副科"), policy=lenient
    )
    assert counted["years_at_level"].status == "pass"


def test_the_first_post_is_not_a_promotion() -> None:
    newcomer = CadreRecord(
        cadre(
            level="科员",
            level_since=date(2025, 7, 1),
            work_start=date(2025, 7, 1),
            rank="一级科员",
            rank_since=date(2021, 1, 1),
        )
    )
    assert "recent_promotion" not in lines(newcomer, post("副科"))
    appointed = CadreRecord(cadre(level_since=date(2010, 7, 1)))
    assert "recent_promotion" not in lines(appointed, post("正科"))
    promoted = CadreRecord(cadre(level_since=date(2026, 3, 1)))
    result = lines(promoted, post("正科"))["recent_promotion"]
    assert result.status == "warn"
    assert result.message.startswith("距上次晋升（2026.03任副科）8个月")


# ---------------------------------------------------------------- the leadership track

# A 四级主任科员 who never held a leadership post, and a 副镇长 (副科) of three and a half
# years: the same in everything else.
NON_LEADER = cadre(
    "C1", level="科员", level_since=None, rank="四级主任科员", rank_since=date(2020, 1, 1)
)
LEADER = cadre("C2", level="副科", level_since=date(2023, 5, 1), rank="四级主任科员",
               rank_since=date(2020, 1, 1))  # fmt: skip


def test_a_principal_post_is_filled_from_a_deputy_leadership_post() -> None:
    town_head = post("正科", principal=True, name="乙镇镇长")
    non_leader = lines(CadreRecord(dict(NON_LEADER), annual_grades={2025: "优秀"}), town_head)
    assert non_leader["years_at_level"].status == "fail"
    assert non_leader["years_at_level"].message == (
        "未任副科领导职务（四级主任科员相当于副科，职级年限不计入领导职务任职年限） < 要求2年"
    )
    assert non_leader["_verdict"] == "not_eligible"
    leader = lines(CadreRecord(dict(LEADER), annual_grades={2025: "称职"}), town_head)
    assert leader["years_at_level"].status == "pass"
    assert leader["years_at_level"].message.startswith("副科领导职务自2023.05起3年6个月")
    assert leader["_verdict"] == "eligible_with_warnings"  # only the training warns
    assert [r for r, line in leader.items() if r != "_verdict" and line.status == "warn"] == [
        "training"
    ]


def test_a_department_may_count_rank_years_for_leadership_posts() -> None:
    counting = with_policy(rules__years_at_level__rank_counts_for_leadership=True)
    town_head = post("正科", principal=True)
    found = lines(
        CadreRecord(dict(NON_LEADER), annual_grades={2025: "优秀"}), town_head, policy=counting
    )
    assert found["years_at_level"].status == "pass"
    assert found["years_at_level"].message.startswith("四级主任科员（相当于副科）自2020.01起")


@pytest.mark.parametrize("rank_counts", [False, True])
def test_for_a_principal_post_a_non_leader_never_outranks_a_similar_leader(
    rank_counts: bool,
) -> None:
    policy = with_policy(rules__years_at_level__rank_counts_for_leadership=rank_counts)
    town_head = post("正科", principal=True)
    # The non-leader is better on paper: excellent grades, the leader merely competent.
    people = [
        CadreRecord(dict(NON_LEADER), annual_grades={2023: "优秀", 2024: "优秀", 2025: "优秀"}),
        CadreRecord(dict(LEADER), annual_grades={2025: "称职"}),
    ]
    from queries.selection.candidates import rank_in_context

    found = rank_in_context(context(people, [town_head], policy=policy), "P9", limit=None)
    ranked = [c["cadre_id"] for c in found["candidates"]]
    assert ranked[0] == "C2"
    assert found["candidates"][0]["leader"] is True
    if rank_counts:
        assert ranked == ["C2", "C1"]  # both eligible: the leader first
        assert found["candidates"][1]["score"] > found["candidates"][0]["score"]
    else:
        assert ranked == ["C2"]
        assert [e["cadre_id"] for e in found["excluded"]] == ["C1"]


def test_a_rank_equal_to_the_post_level_allows_a_lateral_move() -> None:
    # A 二级主任科员 (相当于正科) who holds no leadership post: 平级转任 to a 正科 post.
    staff = CadreRecord(
        cadre(level="科员", level_since=None, rank="二级主任科员", rank_since=date(2021, 6, 1)),
        annual_grades={2025: "称职"},
    )
    found = lines(staff, post("正科", principal=True))
    assert found["leadership"].status == "warn"
    assert found["leadership"].message == "无领导职务经历：以二级主任科员（相当于正科）平级转任"
    assert not {"one_level", "years_at_level"} & found.keys()
    assert found["_verdict"] == "eligible_with_warnings"
    # A department may bar such moves.
    barring = with_policy(rules__leadership__warn=False)
    assert lines(staff, post("正科"), policy=barring)["_verdict"] == "not_eligible"


def test_leadership_years_count_in_the_experience_of_a_leadership_post() -> None:
    from queries.selection.candidates import explain

    deputy = CadreRecord(dict(LEADER), tenures=[tenure("P1", "T", "副科", date(2023, 5, 1), None)])
    head = CadreRecord(
        cadre("C3", level="副科", level_since=date(2023, 5, 1)),
        tenures=[tenure("P2", "T", "副科", date(2023, 5, 1), None, principal=True)],
    )
    built = context([deputy, head], [post("正科")])
    parts = {c: explain(built, "P9", c).parts["experience"] for c in ("C2", "C3")}
    assert parts["C3"] > parts["C2"]  # a 正职 year counts whole, a 副职 year half
    reasons = explain(built, "P9", "C3").reasons
    assert any(r.startswith("领导职务经历3.5年") for r in reasons)


# ---------------------------------------------------------------- retirement


def test_past_the_statutory_date_bars_and_close_to_it_warns() -> None:
    # A man born 1964-03 retired at 60 in 2024-03 (before the 2025 reform's first cohort).
    past = CadreRecord(cadre(birth=date(1964, 3, 1)), annual_grades={2025: "称职"})
    found = lines(past, post("正科"))["retirement"]
    assert found.status == "fail"
    assert found.message == "已于2024.03达到法定退休年龄，不得任用"
    assert found.facts["retires"] == "2024-03-01"
    # Born 1967-01: 60 and 7 months (one month per four from 1965-01), retires 2027-08.
    near = CadreRecord(cadre(birth=date(1967, 1, 1)), annual_grades={2025: "称职"})
    close = lines(near, post("正科"))["retirement"]
    assert close.status == "warn"
    assert close.message == "距法定退休年龄不足2年（2027.08达到），须组织研究"
    # A woman born 1988-03 retires at 58 in 2046: plenty of time.
    far = lines(CadreRecord(cadre(gender="女")), post("副科"))["retirement"]
    assert far.status == "pass" and far.message == "距法定退休年龄（2046.03）19年4个月"


def test_retirement_warn_years_is_a_setting() -> None:
    near = CadreRecord(cadre(birth=date(1967, 1, 1)))
    strict = with_policy(rules__retirement__warn_years=0.5)
    assert lines(near, post("副科"), policy=strict)["retirement"].status == "pass"
    # Exactly two years left is not "fewer than two": born 1968-01 retires 2028-11-01.
    edge = lines(CadreRecord(cadre(birth=date(1968, 1, 1))), post("副科"))["retirement"]
    assert edge.facts["retires"] == "2028-11-01" and edge.status == "pass"
    day_before = CadreRecord(cadre(birth=date(1968, 1, 1)))
    assert lines(day_before, post("副科"), as_of=date(2026, 11, 2))["retirement"].status == "warn"


# ---------------------------------------------------------------- scope


def test_a_cadre_of_another_district_is_outside_a_section_posts_scope() -> None:
    other = CadreRecord(
        cadre("C7"), tenures=[tenure("Q1", "F", "副科", date(2021, 3, 1), None)],
        annual_grades={2025: "称职"},
    )  # fmt: skip
    found = lines(other, post("正科"))
    assert found["scope"].status == "fail"
    assert found["scope"].message == (
        "不在选任范围内：该岗位从甲区的干部中选任，该同志现在丁镇任职"
    )
    assert found["_verdict"] == "not_eligible"
    # 交流: the city's other districts are in scope too.
    exchange = with_policy(scope__exchange=True)
    widened = lines(other, post("正科"), policy=exchange)
    assert widened["scope"].status == "pass"  # the city is the whole area here
    assert widened["scope"].message == "在选任范围内：该岗位从全域的干部中选任，该同志现在丁镇任职"
    # A 处级 post is filled from the whole city.
    assert lines(other, post("副处", unit="D"))["scope"].status == "pass"


# ---------------------------------------------------------------- the other rules


def test_effect_periods_bar_until_they_end_and_a_viewer_reads_no_detail() -> None:
    record = CadreRecord(
        cadre(),
        annual_grades={2025: "称职"},
        supervision=[{"kind": "诫勉", "date": date(2026, 6, 1)}],
    )
    found = lines(record, post("正科"))["effect_period"]
    assert found.status == "fail" and "影响期至2026.12" in found.message
    masked = {r.rule: r for r in verdict_of(record, post("正科")).masked().rules}
    assert masked["effect_period"].message == (
        "存在影响期内的处分或组织处理，影响期内不得提拔或重用"
    )
    assert masked["effect_period"].facts == {} and masked["effect_period"].status == "fail"
    expired = CadreRecord(cadre(), supervision=[{"kind": "诫勉", "date": date(2026, 4, 1)}])
    assert lines(expired, post("正科"))["effect_period"].status == "pass"
    longer = CadreRecord(
        cadre(), supervision=[{"kind": "诫勉", "date": date(2026, 4, 1), "effect_months": 12}]
    )
    assert lines(longer, post("正科"))["effect_period"].status == "fail"
    talk = CadreRecord(cadre(), supervision=[{"kind": "提醒谈话", "date": date(2026, 10, 1)}])
    assert lines(talk, post("正科"))["effect_period"].status == "pass"


def test_a_weak_last_assessment_bars() -> None:
    record = CadreRecord(cadre(), annual_grades={2024: "优秀", 2025: "基本称职"})
    result = lines(record, post("正科"))["assessment"]
    assert result.status == "fail" and result.facts == {"year": 2025, "grade": "基本称职"}
    assert lines(CadreRecord(cadre()), post("正科"))["assessment"].message == "无年度考核记录"


def test_training_shortfall_is_a_warning() -> None:
    record = CadreRecord(
        cadre(),
        annual_grades={2025: "称职"},
        courses=[Course("T1", "专题培训", date(2026, 3, 1), 2, 16, False)],
    )
    result = lines(record, post("正科"))["training"]
    assert result.status == "warn" and "16学时" in result.message


def test_probation_bars_promotion() -> None:
    record = CadreRecord(
        cadre(
            level="科员",
            level_since=None,
            probation_until=date(2027, 8, 1),
            rank="一级科员",
            rank_since=date(2020, 1, 1),
        ),
        annual_grades={2025: "称职"},
    )
    assert lines(record, post("副科"))["probation"].status == "fail"


def test_a_policy_file_switches_rules_and_numbers(tmp_path: Path) -> None:
    own = tmp_path / "policy.toml"
    own.write_text(
        "[rules.years_at_level]\ndeputy_to_principal = 1\n[rules.assessment]\nenabled = false\n",
        encoding="utf-8",
    )
    policy = load_policy(own)
    assert policy.rules.years_at_level.principal_to_upper_deputy == 3  # defaults kept
    record = CadreRecord(cadre(level_since=date(2025, 3, 1)), annual_grades={2025: "不称职"})
    found = lines(record, post("正科"), policy=policy)
    assert found["years_at_level"].status == "pass" and "assessment" not in found
    bad = tmp_path / "bad.toml"
    bad.write_text("[rules.service_years]\nmin_years = -1\n", encoding="utf-8")
    with pytest.raises(PolicyError, match=r"rules\.service_years\.min_years：不能小于0，这里是-1"):
        load_policy(bad)
    bad.write_text("[rules]\nx = = 1\n", encoding="utf-8")
    with pytest.raises(PolicyError, match=r"不是有效的TOML格式（第2行第5列）"):
        load_policy(bad)


def test_span_reads_as_committees_write_it() -> None:
    assert (span(32), span(24), span(5), span(0)) == ("2年8个月", "2年", "5个月", "0个月")


def test_the_masks_are_the_failures_of_the_barring_rules() -> None:
    people = [
        CadreRecord(cadre("C1"), annual_grades={2025: "称职"}),
        CadreRecord(cadre("C2", level_since=date(2025, 3, 1)), annual_grades={2025: "称职"}),
        CadreRecord(cadre("C3"), annual_grades={2025: "基本称职"}),
        CadreRecord(cadre("C4", birth=date(1964, 3, 1)), annual_grades={2025: "称职"}),
    ]
    built = context(people, [post("正科")])
    target = built.target("P9")
    mask = eligible(built.facts, target)
    assert mask.tolist() == [True, False, False, False]
    assert [built.verdict(c, "P9").eligible for c in ("C1", "C2", "C3", "C4")] == mask.tolist()
    with pytest.raises(ValueError):
        mask[0] = False  # read only: shared by every post of the level


# ---------------------------------------------------------------- the day a rule is met


def _days(built: object, rule: str, post_id: str = "P9") -> list[date | None]:
    ctx = built  # a SelectionContext
    target = ctx.target(post_id)  # type: ignore[attr-defined]
    found = BY_NAME[rule].met_on(ctx.facts, target)  # type: ignore[attr-defined]
    return [day_of(d) for d in found]


def test_years_at_level_are_met_on_the_boundary_day() -> None:
    # 副科 since 2025-03-15: two years complete on 2027-03-15, not a day before.
    record = CadreRecord(cadre(level_since=date(2025, 3, 15)))
    built = context([record], [post("正科")])
    assert _days(built, "years_at_level") == [date(2027, 3, 15)]
    assert BY_NAME["years_at_level"].needs(built.facts, built.target("P9"), 0) == (
        "2027.03.15任满2年"
    )
    for day, status in ((date(2027, 3, 14), "fail"), (date(2027, 3, 15), "pass")):
        assert lines(record, post("正科"), as_of=day)["years_at_level"].status == status


def test_a_month_too_short_moves_the_day_to_the_next_month() -> None:
    start = np.array([np.datetime64("2024-01-31"), np.datetime64("2024-03-31")])
    assert [day_of(d) for d in months_after(start, np.array([1, 12]))] == [
        date(2024, 3, 1),
        date(2025, 3, 31),
    ]


def test_the_effect_period_is_met_on_its_end() -> None:
    record = CadreRecord(cadre(), supervision=[{"kind": "记过", "date": date(2026, 9, 10)}])
    built = context([record], [post("正科")])
    assert _days(built, "effect_period") == [date(2027, 9, 10)]
    assert lines(record, post("正科"), as_of=date(2027, 9, 10))["effect_period"].status == "pass"


def test_a_barred_grade_has_no_day_and_says_what_it_waits_for() -> None:
    record = CadreRecord(cadre(), annual_grades={2025: "基本称职"})
    built = context([record], [post("正科")])
    assert _days(built, "assessment") == [None]
    needs = BY_NAME["assessment"].needs(built.facts, built.target("P9"), 0)
    assert needs == "待下一年度考核定为称职以上等次"


def test_grassroots_years_grow_only_while_a_grassroots_post_goes_on() -> None:
    county = post("副处", unit="D")
    # In the township since 2025-06-01 (17 months), before that nowhere grassroots.
    there = CadreRecord(
        cadre("C1", level="正科", level_since=date(2020, 1, 1)),
        tenures=[tenure("P1", "T", "正科", date(2025, 6, 1), None)],
    )
    # A year in a village, ended: no day can be known without another posting.
    before = CadreRecord(
        cadre("C2", level="正科", level_since=date(2020, 1, 1)),
        tenures=[tenure("P2", "B", "正科", date(2020, 1, 1), None)],
        rotations=[Stint("V", "挂职", date(2018, 1, 1), date(2019, 1, 1))],
    )
    built = context([there, before], [county])
    assert _days(built, "grassroots_years") == [date(2027, 6, 1), None]
    needs = BY_NAME["grassroots_years"].needs(built.facts, built.target("P9"), 1)
    assert needs == "须到基层（乡镇、街道、村、社区）工作或挂职，尚缺1年"


def test_days_over_columns_equal_each_cadres_day() -> None:
    people = [
        CadreRecord(cadre("C1", level_since=date(2025, 1, 20))),  # years: 2027-01-20
        CadreRecord(cadre("C2", probation_until=date(2027, 2, 1), level_since=date(2020, 1, 1))),
        CadreRecord(cadre("C3", level="科员", level_since=None)),  # two levels below: no day
        CadreRecord(cadre("C4", level_since=date(2026, 5, 1))),  # 2028-05-01, promotion 2027-05
        CadreRecord(
            cadre("C5", level_since=date(2019, 1, 1)),
            supervision=[{"kind": "党内警告", "date": date(2026, 1, 1)}],
        ),
    ]
    built = context(people, [post("正科")])
    found = met_on(built.facts, built.target("P9"))
    ready = []
    for row in range(len(people)):
        days = [found[name][row] for name in found]
        ready.append(None if any(np.isnat(d) for d in days) else day_of(max(days)))
    assert ready == [date(2027, 1, 20), date(2027, 2, 1), None, date(2028, 5, 1), date(2027, 1, 1)]
    assert {"scope", "avoidance"} <= found.keys()  # per-post rules, for a post


def test_retirement_lapses_on_its_day() -> None:
    record = CadreRecord(cadre(birth=date(1967, 1, 1)))
    built = context([record], [post("正科")])
    target = built.target("P9")
    assert [day_of(d) for d in BY_NAME["retirement"].lapses_on(built.facts, target)] == [
        date(2027, 8, 1)
    ]
    assert _days(built, "retirement") == [AS_OF]


def test_a_target_reads_the_post() -> None:
    target = Target.of_post(post("正科"), policy=POLICY, as_of=AS_OF)
    assert target.track and not target.county and target.below() is not None
    assert not Target.of_post(post("副科"), policy=POLICY, as_of=AS_OF).track
    assert Target.of_post({"level": "无此级别"}, policy=POLICY, as_of=AS_OF).level.value == "科员"
    assert UNITS.name("D") == "甲区"
