"""Eligibility of a cadre for a post under the selection policy.

Every rule answers pass, fail or warn and says the facts it used, e.g.
"副科 since 2021.03: 2 years 8 months < 3 years required". The verdict is
``eligible``, ``eligible_with_warnings`` or ``not_eligible``; rules that do not
apply to this appointment (a lateral move, a 乡科级 post) are left out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from graphsvc.dates import add_months, format_cadre_date, months_between
from graphsvc.vocab import EDUCATION_ORDER, LEVEL_ORDER, RANK_LEVEL, Education, Level, Rank
from queries.selection.policy import SelectionPolicy, YearsAtLevel
from queries.selection.records import CadreRecord, UnitIndex
from queries.selection.results import RuleRow, VerdictRow

__all__ = [
    "RULES",
    "Appointment",
    "RuleResult",
    "Standing",
    "Verdict",
    "check_eligibility",
    "equivalent_level",
    "grassroots_months",
    "in_effect",
    "last_promotion",
    "level_standing",
    "span",
    "years_needed",
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

    def with_rule(self, rule: RuleResult) -> Verdict:
        """The same verdict with one more rule line (e.g. avoidance, checked elsewhere)."""
        return Verdict(self.cadre_id, self.post_id, [*self.rules, rule])

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


# Lookups by value: the same answers as ``Level(str(value))`` / ``Rank(...)``, without the
# enum call's cost (rounds read every cadre's level).
_LEVEL_BY_VALUE: dict[str, Level] = {level.value: level for level in Level}
_RANK_BY_VALUE: dict[str, Rank] = {rank.value: rank for rank in Rank}


def _level(value: object) -> Level | None:
    return _LEVEL_BY_VALUE.get(str(value))


@dataclass(frozen=True)
class Standing:
    """The level a cadre counts as, since when, and on what basis (a post's level or a rank)."""

    level: Level
    since: date | None
    rank: Rank | None = None  # set when the date is the rank's (职级), not the post level's

    def describe(self) -> str:
        """``"副科"`` or ``"四级主任科员（相当于副科）"``: what the date belongs to."""
        return f"{self.rank.value}（相当于{self.level.value}）" if self.rank else self.level.value


def _rank(value: object) -> Rank | None:
    return _RANK_BY_VALUE.get(str(value)) if value else None


def level_standing(cadre: dict[str, Any]) -> Standing:
    """The level a cadre counts as (leadership level or the rank's equivalent) and since when.

    Time at the equivalent 职级 counts (职务与职级并行); when the rank's date is the one
    used, ``rank`` says so, so a message names the rank rather than the post level.
    """
    level = _level(cadre.get("level")) or Level.STAFF
    since: date | None = cadre.get("level_since")
    rank = _rank(cadre.get("rank"))
    rank_since: date | None = cadre.get("rank_since")
    if rank is None:
        return Standing(level, since)
    rank_level = RANK_LEVEL[rank]
    if LEVEL_ORDER[rank_level] > LEVEL_ORDER[level]:
        return Standing(rank_level, rank_since, rank)
    if rank_level == level and rank_since and (since is None or rank_since < since):
        return Standing(level, rank_since, rank)
    return Standing(level, since)


def equivalent_level(cadre: dict[str, Any]) -> tuple[Level, date | None]:
    """``(level, since)`` of :func:`level_standing`."""
    standing = level_standing(cadre)
    return standing.level, standing.since


def last_promotion(cadre: dict[str, Any]) -> date | None:
    """When the cadre last reached a higher leadership level; ``None`` if never.

    The first post (科员 from the first day of work) is an appointment, not a promotion.
    """
    level = _level(cadre.get("level")) or Level.STAFF
    since: date | None = cadre.get("level_since")
    work_start: date | None = cadre.get("work_start")
    if level == Level.STAFF or since is None:
        return None
    if work_start is not None and since <= work_start:
        return None
    return since


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


@dataclass(frozen=True)
class Appointment:
    """One proposed appointment, as every rule reads it."""

    record: CadreRecord
    post: dict[str, Any]
    units: UnitIndex
    policy: SelectionPolicy
    as_of: date
    target: Level
    standing: Standing

    @property
    def cadre(self) -> dict[str, Any]:
        return self.record.cadre

    @property
    def step(self) -> int:
        """Levels up from where the cadre stands (0 a lateral move)."""
        return LEVEL_ORDER[self.target] - LEVEL_ORDER[self.standing.level]

    @property
    def promotion(self) -> bool:
        return self.step > 0

    @property
    def county(self) -> bool:
        return self.target.value in self.policy.county_levels


Rule = Callable[[Appointment], RuleResult | None]


def _result(rule: str, ok: bool, warn: bool, message: str, **facts: Any) -> RuleResult:
    return RuleResult(rule, _outcome(ok, warn), message, facts)


def _compare(ok: bool) -> str:
    return " ≥ " if ok else " < "


def one_level(a: Appointment) -> RuleResult | None:
    """Never two levels at once."""
    rule = a.policy.rules.one_level
    if not (rule.enabled and a.promotion):
        return None
    return _result(
        "one_level",
        a.step == 1,
        rule.warn,
        f"现为{a.standing.level.value}，拟任{a.target.value}："
        + ("晋升一级" if a.step == 1 else f"跨{a.step}级，不得越级提拔"),
        current_level=a.standing.level.value,
        target_level=a.target.value,
        steps=a.step,
    )


def _staff_rank_standing(a: Appointment, staff_rank: Rank) -> tuple[date | None, str]:
    """For 一级科员 → 副科: since when the cadre holds ``staff_rank`` (or a higher rank)."""
    rank = _rank(a.cadre.get("rank"))
    order = list(Rank)
    if rank is None:
        start = a.standing.since or a.cadre.get("work_start")
        return start, f"无职级记录，按{a.standing.level.value}"
    if order.index(rank) < order.index(staff_rank):
        return None, f"现任{rank.value}，未任{staff_rank.value}"
    return a.cadre.get("rank_since"), rank.value


def years_needed(rule: YearsAtLevel, target: Level) -> float | None:
    """Years at the level below that a promotion to ``target`` needs (``None``: no rule)."""
    return {
        Level.DEPUTY_SECTION: rule.staff_to_deputy_section,
        Level.SECTION: rule.deputy_to_principal,
        Level.DEPUTY_DIVISION: rule.principal_to_upper_deputy,
        Level.DIVISION: rule.deputy_to_principal,
        Level.DEPUTY_BUREAU: rule.principal_to_upper_deputy,
        Level.BUREAU: rule.deputy_to_principal,
    }.get(target)


def years_at_level(a: Appointment) -> RuleResult | None:
    """Time at the level below: 一级科员 → 副科 3 years, 副职 → 正职 2, 正职 → upper 副职 3."""
    rule = a.policy.rules.years_at_level
    if not (rule.enabled and a.step == 1):
        return None
    needed = years_needed(rule, a.target)
    if needed is None:
        return None
    staff_rank = _rank(rule.staff_rank)
    if a.target == Level.DEPUTY_SECTION and staff_rank is not None:
        start, held_as = _staff_rank_standing(a, staff_rank)
    else:
        start, held_as = a.standing.since or a.cadre.get("work_start"), a.standing.describe()
    if start is None and not held_as.startswith("现任"):
        return None
    held = months_between(start, a.as_of) if start else 0
    ok = held >= needed * 12
    since_text = f"{held_as}自{format_cadre_date(start)}起{span(held)}" if start else held_as
    return _result(
        "years_at_level",
        ok,
        rule.warn,
        since_text + _compare(ok) + f"要求{needed:g}年",
        level=a.standing.level.value,
        held_as=held_as,
        since=start.isoformat() if start else None,
        months=held,
        required_years=needed,
    )


def service_years(a: Appointment) -> RuleResult | None:
    """县处级: 5+ years of service (工龄)."""
    rule = a.policy.rules.service_years
    if not (rule.enabled and a.county and a.promotion):
        return None
    work_start = a.cadre.get("work_start")
    months = months_between(work_start, a.as_of) if work_start else 0
    ok = months >= rule.min_years * 12
    return _result(
        "service_years",
        ok,
        rule.warn,
        f"工龄{span(months)}" + _compare(ok) + f"县处级要求{rule.min_years:g}年",
        months=months,
        required_years=rule.min_years,
    )


def grassroots_years(a: Appointment) -> RuleResult | None:
    """县处级: 2+ years in grassroots units, secondments counted, overlaps once."""
    rule = a.policy.rules.grassroots_years
    if not (rule.enabled and a.county and a.promotion):
        return None
    months = grassroots_months(
        a.record,
        a.units,
        kinds=rule.unit_kinds,
        as_of=a.as_of,
        count_secondments=rule.count_secondments,
    )
    ok = months >= rule.min_years * 12
    return _result(
        "grassroots_years",
        ok,
        rule.warn,
        f"基层工作经历{span(months)}" + _compare(ok) + f"要求{rule.min_years:g}年",
        months=months,
        required_years=rule.min_years,
    )


def posts_below(a: Appointment) -> RuleResult | None:
    """县处级: generally leadership posts at 2+ posts of the level below."""
    rule = a.policy.rules.posts_below
    if not (rule.enabled and a.county and a.promotion):
        return None
    below = [level for level, order in LEVEL_ORDER.items() if order == LEVEL_ORDER[a.target] - 1]
    posts = {
        t.post_id
        for t in a.record.tenures
        if below and _level(t.post.get("level")) == below[0] and t.post.get("leadership")
    }
    ok = len(posts) >= rule.min_posts
    return _result(
        "posts_below",
        ok,
        rule.warn,
        f"下一级领导职务经历{len(posts)}个岗位" + _compare(ok) + f"一般要求{rule.min_posts}个",
        posts=sorted(posts),
        required=rule.min_posts,
    )


_EDUCATION_RANK: dict[object, int] = {e.value: EDUCATION_ORDER.get(e, 0) for e in Education}


def _best_education(cadre: dict[str, Any]) -> int:
    return max(
        (
            _EDUCATION_RANK[value]
            for value in (cadre.get("education"), cadre.get("inservice_education"))
            if value in _EDUCATION_RANK
        ),
        default=0,
    )


def education(a: Appointment) -> RuleResult | None:
    """大专 or above (full-time or in-service)."""
    rule = a.policy.rules.education
    if not rule.enabled:
        return None
    ok = _best_education(a.cadre) >= EDUCATION_ORDER[Education(rule.minimum)]
    return _result(
        "education",
        ok,
        rule.warn,
        f"学历{a.cadre.get('education')}" + ("符合" if ok else "低于") + f"{rule.minimum}以上要求",
        education=a.cadre.get("education"),
        minimum=rule.minimum,
    )


def education_county(a: Appointment) -> RuleResult | None:
    """本科 or above generally for 县处级 (checked once the basic minimum is met)."""
    rule = a.policy.rules.education
    if not (rule.enabled and a.county):
        return None
    best = _best_education(a.cadre)
    if best < EDUCATION_ORDER[Education(rule.minimum)]:
        return None
    ok = best >= EDUCATION_ORDER[Education(rule.county_minimum)]
    return _result(
        "education_county",
        ok,
        rule.county_warn,
        f"县处级一般要求{rule.county_minimum}以上：" + ("符合" if ok else "不符合"),
        minimum=rule.county_minimum,
    )


def training(a: Appointment) -> RuleResult | None:
    """乡科级 12 days or 90 hours in the last year; 县处级 3 months or 550 hours in 5 years."""
    rule = a.policy.rules.training
    if not (rule.enabled and a.promotion):
        return None
    years = 5 if a.county else 1
    window_start = date(a.as_of.year - years, a.as_of.month, 1)
    recent = [c for c in a.record.courses if window_start <= c.start <= a.as_of]
    hours = sum(c.hours for c in recent)
    days = sum(c.days for c in recent)
    if a.county:
        need_hours, need_days = rule.county_hours_5y, rule.county_days_5y
    else:
        need_hours, need_days = rule.section_hours_per_year, rule.section_days_per_year
    ok = hours >= need_hours or days >= need_days
    return _result(
        "training",
        ok,
        rule.warn,
        f"近{years}年培训{hours:g}学时、{days:g}天"
        + ("，达到" if ok else "，未达到")
        + f"{need_hours:g}学时或{need_days:g}天"
        + ("" if ok else "（可在任职后1年内补足）"),
        hours=hours,
        days=days,
        years=years,
    )


def assessment(a: Appointment) -> RuleResult | None:
    """Art. 24: the last annual grade may not be 基本称职 or lower."""
    rule = a.policy.rules.assessment
    if not rule.enabled:
        return None
    if not a.record.annual_grades:
        return RuleResult("assessment", "warn", "无年度考核记录", {"year": None, "grade": None})
    year = max(a.record.annual_grades)
    grade = a.record.annual_grades[year]
    ok = grade not in rule.barred_grades
    return _result(
        "assessment",
        ok,
        rule.warn,
        f"{year}年度考核{grade}" + ("" if ok else "，不得列为考察对象"),
        year=year,
        grade=grade,
    )


def effect_period(a: Appointment) -> RuleResult | None:
    """Art. 24: not inside the effect period (影响期) of an admonishment or sanction."""
    rule = a.policy.rules.effect_period
    if not rule.enabled:
        return None
    active = in_effect(a.record, a.policy, a.as_of)
    if not active:
        return RuleResult("effect_period", "pass", "无影响期内的处分或诫勉")
    item, ends = max(active, key=lambda pair: pair[1])
    return _result(
        "effect_period",
        False,
        rule.warn,
        f"{format_cadre_date(item['date'])}受{item['kind']}，影响期至"
        f"{format_cadre_date(ends)}，影响期内不得提拔或重用",
        kind=item["kind"],
        date=item["date"].isoformat(),
        ends=ends.isoformat(),
    )


def probation(a: Appointment) -> RuleResult | None:
    """Not promoted while on probation."""
    rule = a.policy.rules.probation
    if not (rule.enabled and a.promotion):
        return None
    until: date | None = a.cadre.get("probation_until")
    on_probation = until is not None and until > a.as_of
    return _result(
        "probation",
        not on_probation,
        rule.warn,
        f"试用期至{format_cadre_date(until)}，试用期内不得提拔" if on_probation else "不在试用期",
        until=until.isoformat() if until else None,
    )


def recent_promotion(a: Appointment) -> RuleResult | None:
    """Within ``min_months`` of the last promotion a human decides (破格)."""
    rule = a.policy.rules.recent_promotion
    if not (rule.enabled and a.promotion):
        return None
    promoted_on = last_promotion(a.cadre)
    if promoted_on is None:
        return None  # never promoted: the first post is an appointment, not a promotion
    months = months_between(promoted_on, a.as_of)
    ok = months >= rule.min_months
    return _result(
        "recent_promotion",
        ok,
        rule.warn,
        f"距上次晋升（{format_cadre_date(promoted_on)}任{a.standing.level.value}）{span(months)}"
        + ("" if ok else f"，不足{rule.min_months}个月，须组织研究（破格）"),
        months=months,
        promoted_on=promoted_on.isoformat(),
    )


# The rules in the order a verdict lists them.
RULES: tuple[Rule, ...] = (
    one_level,
    years_at_level,
    service_years,
    grassroots_years,
    posts_below,
    education,
    education_county,
    training,
    assessment,
    effect_period,
    probation,
    recent_promotion,
)


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
        The rule-by-rule results of :data:`RULES` that apply; ``status`` is the verdict.
    """
    appointment = Appointment(
        record=record,
        post=post,
        units=units,
        policy=policy,
        as_of=as_of,
        target=_level(post.get("level")) or Level.STAFF,
        standing=level_standing(record.cadre),
    )
    results = [result for rule in RULES if (result := rule(appointment)) is not None]
    return Verdict(record.id, str(post.get("id", "")), results)
