"""Eligibility rules on hand-built records: each rule's numbers and messages."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from queries.selection.eligibility import (
    check_eligibility,
    equivalent_level,
    grassroots_months,
    span,
)
from queries.selection.policy import PolicyError, load_policy
from queries.selection.records import CadreRecord, Course, Stint, Tenure, UnitIndex

AS_OF = date(2026, 11, 1)
UNITS = UnitIndex(
    {
        "D": {"id": "D", "name": "甲区", "kind": "区县"},
        "T": {"id": "T", "name": "乙镇", "kind": "乡镇", "parent_id": "D"},
        "V": {"id": "V", "name": "丙村", "kind": "村", "parent_id": "T"},
        "B": {"id": "B", "name": "区财政局", "kind": "区直部门", "parent_id": "D"},
    }
)
POLICY = load_policy()


def cadre(**extra: Any) -> dict[str, Any]:
    return {
        "id": "C1",
        "name": "张三",
        "gender": "男",
        "birth": date(1988, 3, 1),
        "work_start": date(2010, 7, 1),
        "education": "大学本科",
        "level": "副科",
        "level_since": date(2021, 3, 1),
        **extra,
    }


def post(level: str, unit: str = "T", **extra: Any) -> dict[str, Any]:
    return {
        "id": "P9",
        "name": f"乙镇{level}职务",
        "unit_id": unit,
        "level": level,
        "leadership": True,
        "team_member": True,
        **extra,
    }


def tenure(post_id: str, unit: str, level: str, start: date, end: date | None) -> Tenure:
    return Tenure(
        post_id,
        {"id": post_id, "unit_id": unit, "level": level, "leadership": level != "科员"},
        start,
        end,
    )


def rules_of(record: CadreRecord, target: dict[str, Any], **kw: Any) -> dict[str, Any]:
    verdict = check_eligibility(record, target, UNITS, policy=kw.get("policy", POLICY), as_of=AS_OF)
    return {r.rule: r for r in verdict.rules} | {"_verdict": verdict.status}


def test_years_at_the_level_below_name_the_facts() -> None:
    short = CadreRecord(cadre(level_since=date(2025, 3, 1)), annual_grades={2025: "称职"})
    result = rules_of(short, post("正科"))["years_at_level"]
    assert result.status == "fail"
    assert result.message == "副科自2025.03起1年8个月 < 要求2年"
    assert result.facts["months"] == 20
    enough = CadreRecord(cadre(), annual_grades={2025: "称职"})
    assert rules_of(enough, post("正科"))["years_at_level"].status == "pass"


def test_two_levels_at_once_are_never_allowed() -> None:
    record = CadreRecord(cadre(level="科员", level_since=None), annual_grades={2025: "优秀"})
    found = rules_of(record, post("正科"))
    assert found["one_level"].status == "fail" and "不得越级" in found["one_level"].message
    assert found["_verdict"] == "not_eligible"


def test_lateral_moves_skip_the_promotion_rules() -> None:
    record = CadreRecord(cadre(), annual_grades={2025: "称职"})
    found = rules_of(record, post("副科"))
    assert not {"one_level", "years_at_level", "training", "probation"} & found.keys()
    assert found["_verdict"] == "eligible"


def test_rank_equivalence_counts_time_at_rank() -> None:
    # A 四级主任科员 counts as 副科: promotion to 正科 is one level, timed from the rank.
    staff = cadre(level="科员", level_since=None, rank="四级主任科员", rank_since=date(2020, 1, 1))
    assert equivalent_level(staff) == ("副科", date(2020, 1, 1))
    found = rules_of(CadreRecord(staff, annual_grades={2025: "称职"}), post("正科"))
    assert found["one_level"].status == "pass"
    assert found["years_at_level"].facts["since"] == "2020-01-01"


def test_county_rules_apply_to_county_posts() -> None:
    record = CadreRecord(
        cadre(level="正科", level_since=date(2020, 1, 1), education="大学专科"),
        tenures=[tenure("P1", "T", "正科", date(2020, 1, 1), None)],
        annual_grades={2025: "称职"},
    )
    found = rules_of(record, post("副处", unit="D"))
    assert found["service_years"].status == "pass"  # 16 years
    assert found["grassroots_years"].status == "pass"  # the township since 2020
    assert found["posts_below"].status == "warn"  # one 正科 post, generally two
    assert found["education_county"].status == "warn"
    assert found["_verdict"] == "eligible_with_warnings"


def test_grassroots_months_merge_overlaps_and_count_secondments() -> None:
    record = CadreRecord(
        cadre(),
        tenures=[
            tenure("P1", "T", "科员", date(2015, 1, 1), date(2016, 1, 1)),
            tenure("P2", "B", "科员", date(2016, 1, 1), None),
        ],
        rotations=[Stint("V", "挂职", date(2015, 7, 1), date(2016, 7, 1))],
    )
    kinds = ["乡镇", "街道", "村", "社区"]
    assert grassroots_months(record, UNITS, kinds=kinds, as_of=AS_OF) == 18
    assert grassroots_months(record, UNITS, kinds=kinds, as_of=AS_OF, count_secondments=False) == 12


def test_effect_periods_bar_promotion_until_they_end() -> None:
    record = CadreRecord(
        cadre(),
        annual_grades={2025: "称职"},
        supervision=[{"kind": "诫勉", "date": date(2026, 6, 1)}],
    )
    result = rules_of(record, post("正科"))["effect_period"]
    assert result.status == "fail" and "影响期至2026.12" in result.message
    expired = CadreRecord(
        cadre(),
        annual_grades={2025: "称职"},
        supervision=[{"kind": "诫勉", "date": date(2026, 4, 1)}],
    )
    assert rules_of(expired, post("正科"))["effect_period"].status == "pass"
    longer = CadreRecord(
        cadre(),
        annual_grades={2025: "称职"},
        supervision=[{"kind": "诫勉", "date": date(2026, 4, 1), "effect_months": 12}],
    )
    assert rules_of(longer, post("正科"))["effect_period"].status == "fail"
    talk = CadreRecord(
        cadre(),
        annual_grades={2025: "称职"},
        supervision=[{"kind": "提醒谈话", "date": date(2026, 10, 1)}],
    )
    assert rules_of(talk, post("正科"))["effect_period"].status == "pass"


def test_a_weak_last_assessment_bars() -> None:
    record = CadreRecord(cadre(), annual_grades={2024: "优秀", 2025: "基本称职"})
    result = rules_of(record, post("正科"))["assessment"]
    assert result.status == "fail" and result.facts == {"year": 2025, "grade": "基本称职"}


def test_training_shortfall_is_a_warning() -> None:
    record = CadreRecord(
        cadre(),
        annual_grades={2025: "称职"},
        courses=[Course("T1", "专题培训", date(2026, 3, 1), 2, 16, False)],
    )
    result = rules_of(record, post("正科"))["training"]
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
    assert rules_of(record, post("副科"))["probation"].status == "fail"


def test_a_policy_file_switches_rules_and_numbers(tmp_path: Path) -> None:
    own = tmp_path / "policy.toml"
    own.write_text(
        "[rules.years_at_level]\ndeputy_to_principal = 1\n[rules.assessment]\nenabled = false\n",
        encoding="utf-8",
    )
    policy = load_policy(own)
    assert policy.rules.years_at_level.principal_to_upper_deputy == 3  # defaults kept
    record = CadreRecord(cadre(level_since=date(2025, 3, 1)), annual_grades={2025: "不称职"})
    found = rules_of(record, post("正科"), policy=policy)
    assert found["years_at_level"].status == "pass" and "assessment" not in found
    bad = tmp_path / "bad.toml"
    bad.write_text("[rules.service_years]\nmin_years = -1\n", encoding="utf-8")
    with pytest.raises(PolicyError, match=r"rules\.service_years\.min_years：不能小于0，这里是-1"):
        load_policy(bad)
    bad.write_text("[rules]\nx = = 1\n", encoding="utf-8")
    with pytest.raises(PolicyError, match=r"不是有效的TOML格式（第2行第5列）"):
        load_policy(bad)
    bad.write_text("[rules", encoding="utf-8")
    with pytest.raises(PolicyError, match=r"不是有效的TOML格式（文件末尾）"):
        load_policy(bad)


def test_span_reads_as_committees_write_it() -> None:
    assert (span(32), span(24), span(5), span(0)) == ("2年8个月", "2年", "5个月", "0个月")


def test_the_rank_date_is_quoted_with_the_rank_it_belongs_to() -> None:
    # 副科 post since 2023.03, but the equivalent rank 四级主任科员 since 2020.01: the earlier
    # date counts, and the message says it is the rank's, not the post level's.
    record = CadreRecord(
        cadre(level_since=date(2023, 3, 1), rank="四级主任科员", rank_since=date(2020, 1, 1))
    )
    result = rules_of(record, post("正科"))["years_at_level"]
    assert result.status == "pass"
    assert result.message.startswith("四级主任科员（相当于副科）自2020.01起6年10个月")
    # Without the rank, the post level's own date is quoted.
    plain = rules_of(CadreRecord(cadre(level_since=date(2023, 3, 1))), post("正科"))
    assert plain["years_at_level"].message.startswith("副科自2023.03起3年8个月")


def test_staff_to_deputy_section_counts_years_as_first_class_staff() -> None:
    def staff(**extra: Any) -> CadreRecord:
        return CadreRecord(cadre(level="科员", level_since=date(2019, 7, 1), **extra))

    # A 二级科员 of seven years has no years as 一级科员.
    second = rules_of(staff(rank="二级科员", rank_since=date(2019, 7, 1)), post("副科"))
    assert second["years_at_level"].status == "fail"
    assert second["years_at_level"].message.startswith("现任二级科员，未任一级科员")
    # 一级科员 since 2022.01: 4 years 10 months ≥ 3.
    first = rules_of(staff(rank="一级科员", rank_since=date(2022, 1, 1)), post("副科"))
    assert first["years_at_level"].status == "pass"
    assert first["years_at_level"].message.startswith("一级科员自2022.01起4年10个月")
    recent = rules_of(staff(rank="一级科员", rank_since=date(2025, 1, 1)), post("副科"))
    assert recent["years_at_level"].status == "fail"
    # A department may count all years at the 科员 level instead.
    lenient = POLICY.model_copy(deep=True)
    lenient.rules.years_at_level.staff_rank = ""
    counted = rules_of(
        staff(rank="二级科员", rank_since=date(2019, 7, 1)), post("副科"), policy=lenient
    )
    assert counted["years_at_level"].status == "pass"


def test_the_first_post_is_not_a_promotion() -> None:
    # A 科员 since the first day of work: no recent-promotion line at all.
    newcomer = CadreRecord(
        cadre(
            level="科员",
            level_since=date(2025, 7, 1),
            work_start=date(2025, 7, 1),
            rank="一级科员",
            rank_since=date(2021, 1, 1),
        )
    )
    assert "recent_promotion" not in rules_of(newcomer, post("副科"))
    # A 副科 whose level date is the first day of work was appointed, not promoted.
    appointed = CadreRecord(cadre(level_since=date(2010, 7, 1)))
    assert "recent_promotion" not in rules_of(appointed, post("正科"))
    # Promoted to 副科 eight months ago: a human decides, and the date is named.
    promoted = CadreRecord(cadre(level_since=date(2026, 3, 1)))
    result = rules_of(promoted, post("正科"))["recent_promotion"]
    assert result.status == "warn"
    assert result.message.startswith("距上次晋升（2026.03任副科）8个月")
