"""The young-cadre pool (优秀年轻干部库): composition, who should enter, who is due for review.

- **composition** of current members by age band, channel, unit kind and
  specialty category;
- **entry candidates**: active cadres not in the pool who meet the entry
  criteria of ``[pool]`` (age at most ``entry_max_age``, ``entry_min_service_years``
  of service, at least ``entry_excellent_years`` 优秀 grades in the last three
  years and no grade below 称职, nothing under supervision in effect), strongest first;
- **exit review**: members flagged by :mod:`queries.selection.pool_review` (the one
  reading ranking uses too: a flagged member earns no pool credit in a score): a last
  annual grade barred or fallen more than a step, a supervision record since entering,
  past the pool's age limit, or ``no_progress_years`` in the pool without a promotion;
- **history**: size at each year's end, entries and exits (with reasons).
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from graphsvc.dates import add_months, completed_years
from queries.development.data import DevelopmentData
from queries.development.results import PoolCandidate, PoolExit, PoolPerson, PoolResult, PoolYear
from queries.selection.pool_review import GRADE_STEPS, exit_reasons, recent_grades
from queries.selection.records import CadreRecord
from queries.selection.rules.effect_period import active_records

__all__ = ["pool_review"]

_GRADE_VALUE = GRADE_STEPS
_RESULT_VALUE = {"优秀": 1.0, "良好": 0.6, "合格": 0.3}


_AGE_BANDS = ((30, "30岁以下"), (35, "30-34岁"), (40, "35-39岁"), (None, "40岁及以上"))


def _age_band(age: float) -> str:
    return next(label for limit, label in _AGE_BANDS if limit is None or age < limit)


def _strength(record: CadreRecord, grades: list[tuple[int, str]]) -> float:
    """Excellent grades first, then project results and stars (the order of the list)."""
    excellent = sum(1 for _, g in grades if g == "优秀")
    projects = sum(_RESULT_VALUE.get(str(result), 0.0) for _, _, result in record.projects)
    stars = sum(record.stars) / len(record.stars) if record.stars else 0.0
    return excellent * 10 + min(projects, 5) + stars / 5


def _categories(data: DevelopmentData, record: CadreRecord) -> list[str]:
    category_of = data.context.category_of
    return sorted({category_of[s] for s in record.specialties if s in category_of}) or ["未登记"]


def _composition(data: DevelopmentData, members: set[str]) -> dict[str, dict[str, int]]:
    """Current members counted by age band, channel, unit kind and specialty category."""
    composition: dict[str, Counter[str]] = {
        key: Counter() for key in ("age", "channel", "unit_kind", "specialty")
    }
    for cadre_id in members:
        record = data.records[cadre_id]
        composition["age"][_age_band(data.age(cadre_id) or 0)] += 1
        composition["channel"][str(record.cadre.get("channel"))] += 1
        composition["unit_kind"][str(data.units.kind(data.unit_of(cadre_id)))] += 1
        for category in _categories(data, record):
            composition["specialty"][category] += 1
    found = {key: dict(sorted(c.items())) for key, c in composition.items()}
    found["age"] = {label: found["age"][label] for _, label in _AGE_BANDS if label in found["age"]}
    return found  # age bands youngest first, the rest by name


def _person(data: DevelopmentData, cadre_id: str) -> PoolPerson:
    record = data.records[cadre_id]
    return {
        "cadre_id": cadre_id,
        "name": data.name(cadre_id),
        "age": round(data.age(cadre_id) or 0, 1),
        "unit_name": data.units.name(data.unit_of(cadre_id)),
        "level": record.cadre.get("level"),
        "channel": record.cadre.get("channel"),
    }


# Entry rules: each says whether a cadre outside the pool meets one criterion of [pool].


def _young_enough(data: DevelopmentData, cadre_id: str) -> bool:
    age = data.age(cadre_id)
    return age is not None and age <= data.policy.pool.entry_max_age


def _served_long_enough(data: DevelopmentData, record: CadreRecord) -> bool:
    started = record.cadre.get("work_start")
    years = data.policy.pool.entry_min_service_years
    return started is not None and started <= add_months(data.as_of, -round(years * 12))


def _graded_well(data: DevelopmentData, grades: list[tuple[int, str]]) -> bool:
    """Enough 优秀 grades in the last three years and none below 称职."""
    excellent = sum(1 for _, g in grades if g == "优秀")
    return excellent >= data.policy.pool.entry_excellent_years and not any(
        _GRADE_VALUE[g] < _GRADE_VALUE["称职"] for _, g in grades
    )


def _entry_candidate(data: DevelopmentData, cadre_id: str) -> PoolCandidate | None:
    """The cadre as an entry candidate with strength and reasons, or None if a rule fails."""
    record = data.records[cadre_id]
    if not (_young_enough(data, cadre_id) and _served_long_enough(data, record)):
        return None
    facts = data.context.facts
    grades = recent_grades(facts, facts.index[cadre_id])
    if not _graded_well(data, grades):
        return None
    if active_records(record.supervision, data.policy, data.as_of):  # nothing in effect
        return None
    started: date = record.cadre["work_start"]
    return {
        **_person(data, cadre_id),
        "strength": round(_strength(record, grades), 3),
        "reasons": [
            f"{completed_years(record.cadre['birth'], data.as_of)}岁",  # 周岁
            f"工作{(data.as_of - started).days / 365.25:.0f}年",
            "近三年考核：" + "、".join(f"{y}年{g}" for y, g in grades),
        ],
    }


def _entry_candidates(data: DevelopmentData, members: set[str]) -> list[PoolCandidate]:
    """Active cadres outside the pool who meet every entry rule, strongest first."""
    candidates = [
        candidate
        for cadre_id in data.records
        if cadre_id not in members and (candidate := _entry_candidate(data, cadre_id)) is not None
    ]
    candidates.sort(key=lambda c: (-c["strength"], c["cadre_id"]))
    return candidates


def _exit_review(data: DevelopmentData, members: set[str]) -> list[PoolExit]:
    """Members due for review, each with the grounds (``kinds``) and their reasons."""
    stays = {s.cadre_id: s for s in data.stays if s.current(data.as_of)}
    facts = data.context.facts
    review: list[PoolExit] = []
    for cadre_id in sorted(members):
        grounds = exit_reasons(facts, facts.index[cadre_id])
        if grounds:
            stay = stays[cadre_id]
            review.append(
                {
                    **_person(data, cadre_id),
                    "pool_id": stay.pool_id,
                    "in_pool_since": stay.start.isoformat(),
                    "kinds": [kind for kind, _ in grounds],
                    "reasons": [reason for _, found in grounds for reason in found],
                }
            )
    return review


def _history(data: DevelopmentData) -> list[PoolYear]:
    """Size at each year's end (or today), entries and exits with their reasons."""
    as_of = data.as_of
    history: list[PoolYear] = []
    for year in range(as_of.year - data.policy.pool.history_years + 1, as_of.year + 1):
        end = min(date(year, 12, 31), as_of)
        entered = [s for s in data.stays if s.start.year == year and s.start <= as_of]
        exited = [s for s in data.stays if s.end is not None and s.end.year == year]
        history.append(
            {
                "year": year,
                "size": sum(1 for s in data.stays if s.current(end)),
                "entered": len(entered),
                "exited": len(exited),
                "exit_reasons": dict(Counter(str(s.exit_reason or "未注明") for s in exited)),
            }
        )
    return history


def pool_review(*, data: DevelopmentData) -> PoolResult:
    """The pool's composition, entry candidates, exit review and history.

    Returns
    -------
    PoolResult
        ``size``, ``composition`` (``age``, ``channel``, ``unit_kind``,
        ``specialty``), ``entry_candidates``, ``exit_review``, ``history``.
    """
    members = {c for c in data.pool_members() if c in data.records}
    return {
        "as_of": data.as_of.isoformat(),
        "size": len(members),
        "composition": _composition(data, members),
        "entry_candidates": _entry_candidates(data, members),
        "exit_review": _exit_review(data, members),
        "history": _history(data),
    }
