"""The report's targets, year by year (``[targets]``).

- **new cadres under 35**: of the cadres recruited that year (录用时间, else the
  start of work), the share under ``young_age`` (35) when they started;
  target at least ``new_cadres_young_share`` (60%);
- **promotions under 35**: of the posts taken up that year at a higher level
  than any the cadre held before, the share taken by cadres under 35;
- **pool size** at the year's end (or the day of the analysis);
- **mentoring coverage** at the year's end: of those who should have had a
  mentor then (the mentoring policy), the share covered then: a pairing running with a
  serving mentor (:func:`queries.development.mentoring.covered_mentees`, the one
  definition the mentoring page and the home page read too).

A target the policy leaves empty is reported without a verdict. History is read
from the records as they are now: cadres who have left count among that year's
recruits, and promotions are read from the posts of cadres still serving.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from graphsvc.dates import months_between
from graphsvc.vocab import LEVEL_ORDER, Level
from queries.development.data import DevelopmentData
from queries.development.mentoring import covered_mentees, mentees_needing
from queries.development.results import TargetsResult, TargetYear

__all__ = ["promotions", "target_figures"]


def _level_order(post: dict[str, Any]) -> int:
    try:
        return LEVEL_ORDER[Level(str(post.get("level")))]
    except ValueError:
        return 0


def promotions(data: DevelopmentData) -> list[tuple[str, date]]:
    """``(cadre id, day)`` of every post taken up at a level above all earlier ones."""
    found = []
    for cadre_id, record in data.records.items():
        highest: int | None = None
        for tenure in sorted(record.tenures, key=lambda t: t.start):
            order = _level_order(tenure.post)
            if highest is not None and order > highest:
                found.append((cadre_id, tenure.start))
            highest = order if highest is None else max(highest, order)
    return found


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _verdict(value: float | None, target: float | None) -> bool | None:
    if value is None or target is None:
        return None
    return value >= target


def target_figures(*, data: DevelopmentData) -> TargetsResult:
    """Each year's figures against the report's targets.

    Returns
    -------
    dict
        ``years`` (one row per year with the figures and whether each target
        is met) and ``targets`` (the policy's numbers).
    """
    policy = data.policy.targets
    as_of = data.as_of
    young_months = round(policy.young_age * 12)

    recruits: Counter[int] = Counter()
    young_recruits: Counter[int] = Counter()
    for cadre in data.cadres.values():
        entered = cadre.get("recruit_date") or cadre.get("work_start")
        if entered is None or entered > as_of or cadre.get("birth") is None:
            continue
        recruits[entered.year] += 1
        if months_between(cadre["birth"], entered) < young_months:
            young_recruits[entered.year] += 1

    promoted: Counter[int] = Counter()
    young_promoted: Counter[int] = Counter()
    for cadre_id, day in promotions(data):
        if day > as_of:
            continue
        promoted[day.year] += 1
        birth = data.cadres.get(cadre_id, {}).get("birth")
        if birth and months_between(birth, day) < young_months:
            young_promoted[day.year] += 1

    rows: list[TargetYear] = []
    for year in range(as_of.year - policy.years + 1, as_of.year + 1):
        end = min(date(year, 12, 31), as_of)
        need = mentees_needing(data, end)
        covered = len(covered_mentees(data, need, end))
        pool_size = len(data.pool_members(end))
        new_share = _share(young_recruits[year], recruits[year])
        promo_share = _share(young_promoted[year], promoted[year])
        coverage = _share(covered, len(need))
        rows.append(
            {
                "year": year,
                "until": end.isoformat(),
                "new_cadres": recruits[year],
                "new_cadres_under_35": young_recruits[year],
                "new_cadres_young_share": new_share,
                "new_cadres_target_met": _verdict(new_share, policy.new_cadres_young_share),
                "promotions": promoted[year],
                "promotions_under_35": young_promoted[year],
                "promotions_young_share": promo_share,
                "promotions_target_met": _verdict(promo_share, policy.promotions_young_share),
                "pool_size": pool_size,
                "pool_target_met": _verdict(
                    float(pool_size), None if policy.pool_size is None else float(policy.pool_size)
                ),
                "mentoring_need": len(need),
                "mentoring_covered": covered,
                "mentoring_coverage": coverage,
                "mentoring_target_met": _verdict(coverage, policy.mentoring_coverage),
            }
        )
    return {
        "as_of": as_of.isoformat(),
        "targets": policy.model_dump(),
        "years": rows,
    }
