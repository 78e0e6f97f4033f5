"""The young-cadre pool (优秀年轻干部库): composition, who should enter, who is due for review.

- **composition** of current members by age band, channel, unit kind and
  specialty category;
- **entry candidates**: active cadres not in the pool who meet the entry
  criteria of ``[pool]`` (age at most ``entry_max_age``, ``entry_min_service_years``
  of service, at least ``entry_excellent_years`` 优秀 grades in the last three
  years and no grade below 称职, nothing under supervision in effect), strongest first;
- **exit review**: members whose last annual grade fell to a barred grade or
  below the year before, who received a supervision record since entering, who
  are past the pool's age limit (the pool's own ``max_age``, else the policy's),
  or who have been in the pool ``no_progress_years`` without a promotion;
- **history**: size at each year's end, entries and exits (with reasons).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date

from graphsvc.dates import add_months, completed_years
from queries.development.data import DevelopmentData, PoolStay
from queries.development.results import PoolCandidate, PoolExit, PoolPerson, PoolResult, PoolYear
from queries.selection.eligibility import in_effect
from queries.selection.records import CadreRecord

__all__ = ["pool_review"]

_GRADE_VALUE = {"优秀": 3, "称职": 2, "基本称职": 1, "不称职": 0}
_RESULT_VALUE = {"优秀": 1.0, "良好": 0.6, "合格": 0.3}


_AGE_BANDS = ((30, "30岁以下"), (35, "30-34岁"), (40, "35-39岁"), (None, "40岁及以上"))


def _age_band(age: float) -> str:
    return next(label for limit, label in _AGE_BANDS if limit is None or age < limit)


def _recent_grades(record: CadreRecord, as_of: date) -> list[tuple[int, str]]:
    """The last three years' graded annual assessments, newest first."""
    years = [y for y in sorted(record.annual_grades, reverse=True) if y < as_of.year][:3]
    return [(y, record.annual_grades[y]) for y in years if record.annual_grades[y] in _GRADE_VALUE]


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
    grades = _recent_grades(record, data.as_of)
    if not _graded_well(data, grades):
        return None
    if in_effect(record, data.policy, data.as_of):  # nothing under supervision in effect
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


# Exit rules: each gives the reasons a member is due for review on one ground (none: not due).


def _declined(data: DevelopmentData, cadre_id: str, stay: PoolStay) -> list[str]:
    """The last grade is barred, or more than one step below the year before."""
    grades = _recent_grades(data.records[cadre_id], data.as_of)
    barred = set(data.policy.rules.assessment.barred_grades)
    if grades and (
        grades[0][1] in barred
        or (len(grades) > 1 and _GRADE_VALUE[grades[0][1]] < _GRADE_VALUE[grades[1][1]] - 1)
    ):
        before = grades[1][1] if len(grades) > 1 else "无"
        return [f"{grades[0][0]}年度考核{grades[0][1]}（此前{before}）"]
    return []


def _sanctioned(data: DevelopmentData, cadre_id: str, stay: PoolStay) -> list[str]:
    """Supervision records since entering, else any still in effect."""
    record = data.records[cadre_id]
    since_entry = [s for s in record.supervision if s["date"] >= stay.start]
    flagged = since_entry or [item for item, _ in in_effect(record, data.policy, data.as_of)]
    return [f"{item['date'].isoformat()}受{item['kind']}" for item in flagged]


def _over_age(data: DevelopmentData, cadre_id: str, stay: PoolStay) -> list[str]:
    """Older than the pool's own age limit, else the policy's."""
    pool = data.pools.get(stay.pool_id, {})
    limit = float(pool.get("max_age") or data.policy.pool.max_age)
    age = data.age(cadre_id) or 0
    if age <= limit:
        return []
    years, months = divmod(round(age * 12), 12)  # whole years and months, never rounded up
    return [f"{years}岁{months}个月，超过入库年龄上限{limit:g}岁"]


def _no_progress(data: DevelopmentData, cadre_id: str, stay: PoolStay) -> list[str]:
    """In the pool ``no_progress_years`` without a promotion or a rank step."""
    record = data.records[cadre_id]
    years_in = (data.as_of - stay.start).days / 365.25
    # A promotion or a rank step since entering resets the level or rank date.
    promoted_since = any(
        (record.cadre.get(key) or date.min) >= stay.start for key in ("level_since", "rank_since")
    )
    if years_in >= data.policy.pool.no_progress_years and not promoted_since:
        return [f"入库{years_in:.1f}年未获提拔或晋升职级"]
    return []


_EXIT_RULES: tuple[tuple[str, Callable[[DevelopmentData, str, PoolStay], list[str]]], ...] = (
    ("decline", _declined),
    ("sanction", _sanctioned),
    ("over_age", _over_age),
    ("no_progress", _no_progress),
)


def _exit_review(data: DevelopmentData, members: set[str]) -> list[PoolExit]:
    """Members due for review, each with the grounds (``kinds``) and their reasons."""
    stays = {s.cadre_id: s for s in data.stays if s.current(data.as_of)}
    review: list[PoolExit] = []
    for cadre_id in sorted(members):
        stay = stays[cadre_id]
        kinds: list[str] = []
        reasons: list[str] = []
        for kind, rule in _EXIT_RULES:
            found = rule(data, cadre_id, stay)
            if found:
                kinds.append(kind)
                reasons.extend(found)
        if kinds:
            review.append(
                {
                    **_person(data, cadre_id),
                    "pool_id": stay.pool_id,
                    "in_pool_since": stay.start.isoformat(),
                    "kinds": kinds,
                    "reasons": reasons,
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
