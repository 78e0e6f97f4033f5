"""Ranking candidates for a post: a score from graph features, each part visible.

Parts (each 0..1, weighted by ``policy.scoring.weights``):

- **specialty**: the post's required specialties against the cadre's own
  specialties (full credit) and the domains of projects they worked on (0.6);
- **experience**: grassroots years, major tasks (lead 1, core 0.7, member 0.4,
  scaled by result), years in units of the same kind as the post's unit;
- **performance**: the last three annual grades and the quarterly stars;
- **development**: membership of the young-cadre pool, training hours last year;
- **team_fit**: what the post's leadership team lacks that the cadre brings
  (someone under 40, a woman, a missing specialty category).

Only eligible, conflict-free cadres are ranked; the others are listed with why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from graphsvc.dates import months_between
from graphsvc.vocab import GRADE_VALUE, LEVEL_ORDER, Level
from queries.selection.avoidance import appointment_conflicts
from queries.selection.eligibility import (
    Verdict,
    check_eligibility,
    equivalent_level,
    grassroots_months,
)
from queries.selection.policy import SelectionPolicy
from queries.selection.records import CadreRecord, UnitIndex
from queries.selection.results import CandidateScore, TeamGapsRow

__all__ = [
    "Candidate",
    "TeamGaps",
    "development_part",
    "experience_part",
    "performance_part",
    "score_candidate",
    "specialty_part",
    "team_fit_part",
    "team_gaps",
]

_ROLE_WEIGHT = {"负责人": 1.0, "骨干": 0.7, "成员": 0.4}
_RESULT_WEIGHT = {"优秀": 1.0, "良好": 0.8, "合格": 0.6, "不合格": 0.1, None: 0.6}


@dataclass(frozen=True)
class TeamGaps:
    """What a leadership team lacks, read from its current members."""

    unit_id: str
    members: int
    youngest_age: float | None
    has_woman: bool
    categories: frozenset[str]
    wanted_categories: frozenset[str]  # required by the team's posts, or wanted for its kind
    required_categories: frozenset[str] = frozenset()  # required by a post of the team

    def as_dict(self) -> TeamGapsRow:
        lacking = self.wanted_categories - self.categories
        return {
            "unit_id": self.unit_id,
            "members": self.members,
            "youngest_age": self.youngest_age,
            "has_woman": self.has_woman,
            # What a post of the team requires and no member has ...
            "missing_categories": sorted(lacking & self.required_categories),
            # ... and what the policy wants in a team of this kind of unit.
            "missing_recommended_categories": sorted(lacking - self.required_categories),
        }


@dataclass(frozen=True)
class Candidate:
    cadre_id: str
    name: str
    score: float
    parts: dict[str, float]
    reasons: list[str]
    verdict: str
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> CandidateScore:
        return {
            "cadre_id": self.cadre_id,
            "name": self.name,
            "score": round(self.score, 4),
            "parts": {k: round(v, 4) for k, v in self.parts.items()},
            "reasons": self.reasons,
            "verdict": self.verdict,
            "warnings": self.warnings,
        }


def _age(record: CadreRecord, as_of: date) -> float:
    birth = record.cadre.get("birth")
    return months_between(birth, as_of) / 12 if birth else 0.0


def team_gaps(
    unit_id: str,
    team: list[CadreRecord],
    *,
    wanted_categories: frozenset[str],
    category_of: dict[str, str],
    as_of: date,
    required_categories: frozenset[str] = frozenset(),
) -> TeamGaps:
    """The team's youngest age, whether it has a woman, which specialty categories it has."""
    ages = [_age(member, as_of) for member in team]
    categories = frozenset(
        category_of[s] for member in team for s in member.specialties if s in category_of
    )
    return TeamGaps(
        unit_id,
        len(team),
        min(ages) if ages else None,
        any(member.cadre.get("gender") == "女" for member in team),
        categories,
        wanted_categories,
        required_categories,
    )


def score_candidate(
    record: CadreRecord,
    post: dict[str, Any],
    *,
    requirements: dict[str, float],
    specialty_names: dict[str, str],
    category_of: dict[str, str],
    team: TeamGaps,
    units: UnitIndex,
    policy: SelectionPolicy,
    as_of: date,
    memo: dict[str, float] | None = None,
) -> tuple[float, dict[str, float], list[str]]:
    """Score one cadre for one post.

    ``memo``, when given, keeps this cadre's post-independent figures (grassroots
    years, years in each kind of unit) across the posts of a round.

    Returns
    -------
    (score, parts, reasons)
        ``score`` is the weighted sum of ``parts``; ``reasons`` say in Chinese why.
    """
    parts_and_reasons = {
        "specialty": specialty_part(record, requirements, specialty_names),
        "experience": experience_part(record, post, units, policy, as_of, memo),
        "performance": performance_part(record),
        "development": development_part(record, policy, as_of),
        "team_fit": team_fit_part(record, team, category_of, policy, as_of),
    }
    parts = {name: value for name, (value, _) in parts_and_reasons.items()}
    reasons = [reason for _, found in parts_and_reasons.values() for reason in found]
    weights = policy.scoring.weights.model_dump()
    total = sum(weights[name] * value for name, value in parts.items()) / (
        sum(weights.values()) or 1.0
    )
    return total, parts, reasons


Part = tuple[float, list[str]]


def specialty_part(
    record: CadreRecord, requirements: dict[str, float], specialty_names: dict[str, str]
) -> Part:
    """The post's required specialties: own specialties count fully, project domains 0.6."""
    if not requirements:
        return 0.5, []  # the post names no requirement: neutral
    domains = {str(p.get("domain_id")) for p, _, _ in record.projects if p.get("domain_id")}
    matched, reasons = 0.0, []
    for specialty_id, weight in requirements.items():
        name = specialty_names.get(specialty_id, specialty_id)
        if specialty_id in record.specialties:
            matched += weight
            reasons.append(f"具备岗位所需专业：{name}")
        elif specialty_id in domains:
            matched += 0.6 * weight
            reasons.append(f"参与过{name}领域重大任务")
    return matched / sum(requirements.values()), reasons


def experience_part(
    record: CadreRecord,
    post: dict[str, Any],
    units: UnitIndex,
    policy: SelectionPolicy,
    as_of: date,
    memo: dict[str, float] | None,
) -> Part:
    """Grassroots years, weighted major tasks, years in units of the target's kind."""
    exp = policy.scoring.experience
    memo = {} if memo is None else memo
    if "grassroots" not in memo:
        kinds = policy.rules.grassroots_years.unit_kinds
        memo["grassroots"] = grassroots_months(record, units, kinds=kinds, as_of=as_of) / 12
    grassroots = memo["grassroots"]
    tasks = sum(
        _ROLE_WEIGHT.get(role, 0.4) * _RESULT_WEIGHT.get(result, 0.6)
        for _, role, result in record.projects
    )
    target_kind = units.kind(post.get("unit_id"))
    if f"similar:{target_kind}" not in memo:
        memo[f"similar:{target_kind}"] = (
            sum(
                months_between(t.start, min(t.end or as_of, as_of))
                for t in record.tenures
                if units.kind(t.post.get("unit_id")) == target_kind and t.start < as_of
            )
            / 12
        )
    similar = memo[f"similar:{target_kind}"]
    value = (
        min(grassroots / exp.grassroots_years_full, 1.0)
        + min(tasks / exp.major_tasks_full, 1.0)
        + min(similar / exp.similar_unit_years_full, 1.0)
    ) / 3
    reasons = []
    if grassroots >= 2:
        reasons.append(f"基层工作{grassroots:.1f}年")
    leads = [p.get("name") for p, role, _ in record.projects if role == "负责人"]
    if leads:
        reasons.append(f"牵头重大任务：{'、'.join(str(n) for n in leads[:2])}")
    elif record.projects:
        reasons.append(f"参与重大任务{len(record.projects)}项")
    if similar >= 1 and target_kind:
        reasons.append(f"在{target_kind}任职{similar:.1f}年")
    return value, reasons


def performance_part(record: CadreRecord) -> Part:
    """The last three annual grades (0.7), then quarterly stars (0.3)."""
    years = sorted(record.annual_grades)[-3:]
    grades = [GRADE_VALUE.get(record.annual_grades[y], 0.5) for y in years]
    grade_part = sum(grades) / len(grades) if grades else 0.5
    star_part = sum(record.stars) / (5 * len(record.stars)) if record.stars else 0.6
    excellent = [y for y in years if record.annual_grades[y] == "优秀"]
    reasons = [f"{'、'.join(map(str, excellent))}年度考核优秀"] if excellent else []
    return 0.7 * grade_part + 0.3 * star_part, reasons


def development_part(record: CadreRecord, policy: SelectionPolicy, as_of: date) -> Part:
    """Pool membership (0.5) and last year's training hours against the target (0.5)."""
    last_year = [c for c in record.courses if months_between(c.start, as_of) < 12]
    hours = sum(c.hours for c in last_year)
    target = policy.scoring.development.training_hours_target
    value = 0.5 * float(record.in_pool) + 0.5 * min(hours / target, 1.0)
    return value, ["在优秀年轻干部库中"] if record.in_pool else []


def team_fit_part(
    record: CadreRecord,
    team: TeamGaps,
    category_of: dict[str, str],
    policy: SelectionPolicy,
    as_of: date,
) -> Part:
    """What the cadre brings the team: youth where nobody is young, a woman, missing fields."""
    young_age = policy.scoring.team.young_age
    fit, reasons = 0.0, []
    age = _age(record, as_of)
    no_young = team.youngest_age is None or team.youngest_age >= young_age
    if no_young and age < young_age:
        fit += 0.4
        reasons.append(f"班子无{young_age:g}岁以下成员，该同志{int(age)}岁")  # 周岁, whole years
    if not team.has_woman and record.cadre.get("gender") == "女":
        fit += 0.3
        reasons.append("班子无女性成员")
    missing = team.wanted_categories - team.categories
    brings = {category_of[s] for s in record.specialties if s in category_of} & missing
    if brings:
        fit += 0.3
        reasons.append(f"补充班子{'、'.join(sorted(brings))}专业短板")
    return fit, reasons


def candidate_levels(post: dict[str, Any]) -> set[str]:
    """Levels a candidate for this post may hold now: the same, or one below."""
    try:
        target = Level(str(post.get("level")))
    except ValueError:
        return set()
    order = LEVEL_ORDER[target]
    return {level.value for level, rank in LEVEL_ORDER.items() if order - 1 <= rank <= order}


def evaluate(
    record: CadreRecord,
    post: dict[str, Any],
    units: UnitIndex,
    *,
    policy: SelectionPolicy,
    as_of: date,
    verdict: Verdict | None = None,
) -> tuple[str, list[str], list[str]]:
    """(verdict, warnings, reasons it is excluded) under eligibility and avoidance.

    ``verdict`` may be passed in when already known: eligibility depends on the post
    only through its level, so callers cache it per (cadre, level, day).
    """
    if verdict is None:
        verdict = check_eligibility(record, post, units, policy=policy, as_of=as_of)
    conflicts = (
        appointment_conflicts(record, post, units, policy=policy, as_of=as_of)
        if record.relatives or record.cadre.get("hometown_unit_id")
        else []
    )
    excluded = [r.message for r in verdict.rules if r.status == "fail"]
    excluded += [f"回避：{c.message}" for c in conflicts]
    warnings = [r.message for r in verdict.rules if r.status == "warn"]
    return ("not_eligible" if excluded else verdict.status), warnings, excluded


def equivalent(record: CadreRecord) -> str:
    return equivalent_level(record.cadre)[0].value
