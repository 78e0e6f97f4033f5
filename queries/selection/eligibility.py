"""Eligibility of a cadre for a post under the selection policy.

Every rule answers pass, fail or warn and says the facts it used, e.g.
"副科 since 2021.03: 2 years 8 months < 3 years required". The verdict is
``eligible``, ``eligible_with_warnings`` or ``not_eligible``; rules that do not
apply to this appointment (a lateral move, a 乡科级 post) are left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from graphsvc.dates import add_months, format_cadre_date, months_between
from graphsvc.vocab import EDUCATION_ORDER, LEVEL_ORDER, RANK_LEVEL, Education, Level, Rank
from queries.selection.policy import SelectionPolicy
from queries.selection.records import CadreRecord, UnitIndex
from queries.selection.results import RuleRow, VerdictRow

__all__ = [
    "RuleResult",
    "Verdict",
    "check_eligibility",
    "equivalent_level",
    "grassroots_months",
    "in_effect",
    "span",
]

Status = Literal["pass", "fail", "warn"]


@dataclass(frozen=True)
class RuleResult:
    rule: str
    status: Status
    message: str
    facts: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> RuleRow:
        return {
            "rule": self.rule,
            "status": self.status,
            "message": self.message,
            "facts": self.facts,
        }


@dataclass(frozen=True)
class Verdict:
    cadre_id: str
    post_id: str
    rules: list[RuleResult]

    @property
    def status(self) -> Literal["eligible", "eligible_with_warnings", "not_eligible"]:
        statuses = {rule.status for rule in self.rules}
        if "fail" in statuses:
            return "not_eligible"
        return "eligible_with_warnings" if "warn" in statuses else "eligible"

    @property
    def eligible(self) -> bool:
        return self.status != "not_eligible"

    def as_dict(self) -> VerdictRow:
        return {
            "cadre_id": self.cadre_id,
            "post_id": self.post_id,
            "verdict": self.status,
            "rules": [rule.as_dict() for rule in self.rules],
        }


def span(months: int) -> str:
    """``32`` → ``"2年8个月"``."""
    years, rest = divmod(max(months, 0), 12)
    if years and rest:
        return f"{years}年{rest}个月"
    return f"{years}年" if years else f"{rest}个月"


def _level(value: object) -> Level | None:
    try:
        return Level(str(value))
    except ValueError:
        return None


def equivalent_level(cadre: dict[str, Any]) -> tuple[Level, date | None]:
    """The level a cadre counts as (leadership level or the rank's equivalent) and since when.

    Time at the equivalent 职级 counts (职务与职级并行).
    """
    level = _level(cadre.get("level")) or Level.STAFF
    since: date | None = cadre.get("level_since")
    rank = cadre.get("rank")
    if rank:
        try:
            rank_level = RANK_LEVEL[Rank(str(rank))]
        except ValueError:
            rank_level = None
        if rank_level is not None and LEVEL_ORDER[rank_level] > LEVEL_ORDER[level]:
            return rank_level, cadre.get("rank_since")
        if rank_level == level and cadre.get("rank_since"):
            rank_since: date = cadre["rank_since"]
            since = min(since, rank_since) if since else rank_since
    return level, since


def _merge_months(spans: Iterable[tuple[date, date]]) -> int:
    total, current_start, current_end = 0, None, None
    for start, end in sorted(spans):
        if current_end is None or start > current_end:
            if current_start is not None and current_end is not None:
                total += months_between(current_start, current_end)
            current_start, current_end = start, end
        elif end > current_end:
            current_end = end
    if current_start is not None and current_end is not None:
        total += months_between(current_start, current_end)
    return total


def grassroots_months(
    record: CadreRecord,
    units: UnitIndex,
    *,
    kinds: Iterable[str],
    as_of: date,
    count_secondments: bool = True,
) -> int:
    """Months served in grassroots units (乡镇, 街道, 村, 社区), overlaps counted once."""
    grassroots = set(kinds)
    spans = [
        (tenure.start, min(tenure.end or as_of, as_of))
        for tenure in record.tenures
        if units.kind(tenure.post.get("unit_id")) in grassroots and tenure.start < as_of
    ]
    if count_secondments:
        spans += [
            (stint.start, min(stint.end or as_of, as_of))
            for stint in record.rotations
            if units.kind(stint.unit_id) in grassroots and stint.start < as_of
        ]
    return _merge_months(spans)


def _outcome(ok: bool, warn_only: bool) -> Status:
    if ok:
        return "pass"
    return "warn" if warn_only else "fail"


def in_effect(
    record: CadreRecord, policy: SelectionPolicy, as_of: date
) -> list[tuple[dict[str, Any], date]]:
    """Supervision records still in their effect period (影响期) on ``as_of``, with its end.

    A record's own 影响期 wins; otherwise the policy's months for its kind.
    """
    months_by_kind = policy.rules.effect_period.months
    active = []
    for item in record.supervision:
        months = item.get("effect_months") or months_by_kind.get(str(item.get("kind")), 0)
        if months:
            ends = add_months(item["date"], int(months))
            if ends > as_of:
                active.append((item, ends))
    return active


def check_eligibility(
    record: CadreRecord,
    post: dict[str, Any],
    units: UnitIndex,
    *,
    policy: SelectionPolicy,
    as_of: date,
) -> Verdict:
    """Check every enabled rule of ``policy`` for appointing ``record`` to ``post``.

    Parameters
    ----------
    record : CadreRecord
        The candidate, as :func:`queries.selection.records.load_cadre_record` reads it.
    post : dict
        The post's properties (``level``, ``unit_id``, ...).
    units : UnitIndex
        Every unit, to tell grassroots units.
    policy : SelectionPolicy
        The rules and their numbers.
    as_of : date
        The day of the decision.

    Returns
    -------
    Verdict
        The rule-by-rule results; ``status`` is the verdict.
    """
    rules = policy.rules
    cadre = record.cadre
    results: list[RuleResult] = []
    target = _level(post.get("level")) or Level.STAFF
    current, since = equivalent_level(cadre)
    step = LEVEL_ORDER[target] - LEVEL_ORDER[current]
    county = target.value in policy.county_levels
    promotion = step > 0

    def add(rule: str, status: Status, message: str, **facts: Any) -> None:
        results.append(RuleResult(rule, status, message, facts))

    if rules.one_level.enabled and promotion:
        add(
            "one_level",
            _outcome(step == 1, rules.one_level.warn),
            f"现为{current.value}，拟任{target.value}："
            + ("晋升一级" if step == 1 else f"跨{step}级，不得越级提拔"),
            current_level=current.value,
            target_level=target.value,
            steps=step,
        )

    if rules.years_at_level.enabled and step == 1:
        needed = {
            Level.DEPUTY_SECTION: rules.years_at_level.staff_to_deputy_section,
            Level.SECTION: rules.years_at_level.deputy_to_principal,
            Level.DEPUTY_DIVISION: rules.years_at_level.principal_to_upper_deputy,
            Level.DIVISION: rules.years_at_level.deputy_to_principal,
            Level.DEPUTY_BUREAU: rules.years_at_level.principal_to_upper_deputy,
            Level.BUREAU: rules.years_at_level.deputy_to_principal,
        }.get(target)
        start = since or cadre.get("work_start")
        if needed is not None and start is not None:
            held = months_between(start, as_of)
            ok = held >= needed * 12
            add(
                "years_at_level",
                _outcome(ok, rules.years_at_level.warn),
                f"{current.value}自{format_cadre_date(start)}起{span(held)}"
                + (" ≥ " if ok else " < ")
                + f"要求{needed:g}年",
                level=current.value,
                since=start.isoformat(),
                months=held,
                required_years=needed,
            )

    if rules.service_years.enabled and county and promotion:
        work_start = cadre.get("work_start")
        months = months_between(work_start, as_of) if work_start else 0
        ok = months >= rules.service_years.min_years * 12
        add(
            "service_years",
            _outcome(ok, rules.service_years.warn),
            f"工龄{span(months)}"
            + (" ≥ " if ok else " < ")
            + f"县处级要求{rules.service_years.min_years:g}年",
            months=months,
            required_years=rules.service_years.min_years,
        )

    if rules.grassroots_years.enabled and county and promotion:
        months = grassroots_months(
            record,
            units,
            kinds=rules.grassroots_years.unit_kinds,
            as_of=as_of,
            count_secondments=rules.grassroots_years.count_secondments,
        )
        ok = months >= rules.grassroots_years.min_years * 12
        add(
            "grassroots_years",
            _outcome(ok, rules.grassroots_years.warn),
            f"基层工作经历{span(months)}"
            + (" ≥ " if ok else " < ")
            + f"要求{rules.grassroots_years.min_years:g}年",
            months=months,
            required_years=rules.grassroots_years.min_years,
        )

    if rules.posts_below.enabled and county and promotion:
        below = [level for level, order in LEVEL_ORDER.items() if order == LEVEL_ORDER[target] - 1]
        posts = {
            t.post_id
            for t in record.tenures
            if below and _level(t.post.get("level")) == below[0] and t.post.get("leadership")
        }
        ok = len(posts) >= rules.posts_below.min_posts
        add(
            "posts_below",
            _outcome(ok, rules.posts_below.warn),
            f"下一级领导职务经历{len(posts)}个岗位"
            + (" ≥ " if ok else " < ")
            + f"一般要求{rules.posts_below.min_posts}个",
            posts=sorted(posts),
            required=rules.posts_below.min_posts,
        )

    if rules.education.enabled:
        best = max(
            (
                EDUCATION_ORDER.get(Education(str(value)), 0)
                for value in (cadre.get("education"), cadre.get("inservice_education"))
                if value in {e.value for e in Education}
            ),
            default=0,
        )
        minimum = EDUCATION_ORDER[Education(rules.education.minimum)]
        ok = best >= minimum
        add(
            "education",
            _outcome(ok, rules.education.warn),
            f"学历{cadre.get('education')}"
            + ("符合" if ok else "低于")
            + f"{rules.education.minimum}以上要求",
            education=cadre.get("education"),
            minimum=rules.education.minimum,
        )
        if county and ok:
            county_min = EDUCATION_ORDER[Education(rules.education.county_minimum)]
            county_ok = best >= county_min
            add(
                "education_county",
                _outcome(county_ok, rules.education.county_warn),
                f"县处级一般要求{rules.education.county_minimum}以上："
                + ("符合" if county_ok else "不符合"),
                minimum=rules.education.county_minimum,
            )

    if rules.training.enabled and promotion:
        years = 5 if county else 1
        window_start = date(as_of.year - years, as_of.month, 1)
        recent = [c for c in record.courses if window_start <= c.start <= as_of]
        hours = sum(c.hours for c in recent)
        days = sum(c.days for c in recent)
        if county:
            need_hours, need_days = rules.training.county_hours_5y, rules.training.county_days_5y
        else:
            need_hours = rules.training.section_hours_per_year
            need_days = rules.training.section_days_per_year
        ok = hours >= need_hours or days >= need_days
        add(
            "training",
            _outcome(ok, rules.training.warn),
            f"近{years}年培训{hours:g}学时、{days:g}天"
            + ("，达到" if ok else "，未达到")
            + f"{need_hours:g}学时或{need_days:g}天"
            + ("" if ok else "（可在任职后1年内补足）"),
            hours=hours,
            days=days,
            years=years,
        )

    if rules.assessment.enabled:
        if record.annual_grades:
            year = max(record.annual_grades)
            grade = record.annual_grades[year]
            ok = grade not in rules.assessment.barred_grades
            add(
                "assessment",
                _outcome(ok, rules.assessment.warn),
                f"{year}年度考核{grade}" + ("" if ok else "，不得列为考察对象"),
                year=year,
                grade=grade,
            )
        else:
            add("assessment", "warn", "无年度考核记录", year=None, grade=None)

    if rules.effect_period.enabled:
        active = in_effect(record, policy, as_of)
        if active:
            item, ends = max(active, key=lambda pair: pair[1])
            add(
                "effect_period",
                _outcome(False, rules.effect_period.warn),
                f"{format_cadre_date(item['date'])}受{item['kind']}，影响期至"
                f"{format_cadre_date(ends)}，影响期内不得提拔或重用",
                kind=item["kind"],
                date=item["date"].isoformat(),
                ends=ends.isoformat(),
            )
        else:
            add("effect_period", "pass", "无影响期内的处分或诫勉")

    if rules.probation.enabled and promotion:
        until = cadre.get("probation_until")
        on_probation = until is not None and until > as_of
        add(
            "probation",
            _outcome(not on_probation, rules.probation.warn),
            f"试用期至{format_cadre_date(until)}，试用期内不得提拔"
            if on_probation
            else "不在试用期",
            until=until.isoformat() if until else None,
        )

    promoted_on: date | None = cadre.get("level_since")  # a leadership level's start
    if rules.recent_promotion.enabled and promotion and promoted_on is not None:
        months = months_between(promoted_on, as_of)
        ok = months >= rules.recent_promotion.min_months
        add(
            "recent_promotion",
            _outcome(ok, rules.recent_promotion.warn),
            f"距上次晋升{span(months)}"
            + ("" if ok else f"，不足{rules.recent_promotion.min_months}个月，须组织研究（破格）"),
            months=months,
        )

    return Verdict(record.id, str(post.get("id", "")), results)
