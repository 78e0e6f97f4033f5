"""Who in the young-cadre pool (优秀年轻干部库) is due for exit review, and on what grounds.

One reading for the pool review (``graphsvc pool``) and for ranking: a member flagged
here earns no pool credit in a candidate's score, and the flag shows next to the name
wherever the person is ranked. The grounds, over every cadre's facts:

- **decline**: the latest of the last three years' graded annual assessments is barred
  (``rules.assessment.barred_grades``), or more than one step below the one before;
- **sanction**: a supervision record (talks included) since entering the pool, or one
  still in its effect period;
- **over_age**: older than the pool's own age limit (else ``pool.max_age``);
- **no_progress**: ``pool.no_progress_years`` in the pool without a promotion or a
  职级 step since entering.
"""

from __future__ import annotations

from datetime import date

import numpy as np
from numpy.typing import NDArray

from queries.selection.rules.effect_period import active_records
from queries.selection.rules.facts import CadreFacts

__all__ = [
    "GRADE_STEPS",
    "GROUNDS",
    "exit_grounds",
    "exit_reasons",
    "recent_grades",
    "under_review",
]

Bools = NDArray[np.bool_]
GROUNDS = ("decline", "sanction", "over_age", "no_progress")
GRADE_STEPS = {"优秀": 3, "称职": 2, "基本称职": 1, "不称职": 0}


def recent_grades(facts: CadreFacts, row: int) -> list[tuple[int, str]]:
    """The cadre's graded annual assessments among the last three years before the
    year of the facts, newest first."""
    by_year = facts.grades_of(row)
    years = sorted((y for y in by_year if y < facts.as_of.year), reverse=True)[:3]
    return [(y, by_year[y]) for y in years if by_year[y] in GRADE_STEPS]


def _positions(owner: NDArray[np.int64]) -> NDArray[np.int64]:
    """Each entry's position within its run of equal owners (owners sorted)."""
    if not len(owner):
        return owner
    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    lengths = np.diff(np.r_[starts, len(owner)])
    found: NDArray[np.int64] = np.arange(len(owner)) - np.repeat(starts, lengths)
    return found


def _last_two(facts: CadreFacts) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Each cadre's newest and next graded step among the last three years (-1: none)."""
    keep = facts.grade_year < facts.as_of.year
    owner, year = facts.grade_owner[keep], facts.grade_year[keep]
    step = np.array(
        [GRADE_STEPS.get(g, -1) for g, k in zip(facts.grade, keep.tolist(), strict=True) if k],
        dtype=np.int64,
    )
    order = np.lexsort((-year, owner))
    owner, step = owner[order], step[order]
    graded = (_positions(owner) < 3) & (step >= 0)  # the last three years, graded ones
    owner, step = owner[graded], step[graded]
    rank = _positions(owner)
    newest = np.full(len(facts), -1, dtype=np.int64)
    previous = np.full(len(facts), -1, dtype=np.int64)
    newest[owner[rank == 0]] = step[rank == 0]
    previous[owner[rank == 1]] = step[rank == 1]
    return newest, previous


def exit_grounds(facts: CadreFacts) -> dict[str, Bools]:
    """Each ground of :data:`GROUNDS` over every cadre (only pool members can be flagged)."""

    def compute() -> dict[str, Bools]:
        policy, as_of = facts.policy, facts.as_of
        member = facts.in_pool
        newest, previous = _last_two(facts)
        barred = {GRADE_STEPS[g] for g in policy.rules.assessment.barred_grades if g in GRADE_STEPS}
        decline = (np.isin(newest, list(barred)) & (newest >= 0)) | (
            (previous >= 0) & (newest >= 0) & (newest < previous - 1)
        )
        sanction = np.zeros(len(facts), dtype=bool)
        for row, items in facts.supervision.items():
            since = facts.pool_since[row]
            entered = None if np.isnat(since) else since.astype(date)
            sanction[row] = any(
                entered is not None and item["date"] >= entered for item in items
            ) or bool(active_records(items, policy, as_of))
        limit = np.where(np.isnan(facts.pool_max_age), policy.pool.max_age, facts.pool_max_age)
        over_age = facts.age_months / 12 > limit
        day = np.datetime64(as_of, "D")
        years_in = (day - facts.pool_since).astype("timedelta64[D]").astype(float) / 365.25
        cadres = facts.cadres
        moved = (cadres.level_since >= facts.pool_since) | (cadres.rank_since >= facts.pool_since)
        no_progress = (years_in >= policy.pool.no_progress_years) & ~moved
        return {
            "decline": member & decline,
            "sanction": member & sanction,
            "over_age": member & over_age,
            "no_progress": member & no_progress,
        }

    found: dict[str, Bools] = facts.memo("pool_exit_grounds", compute)
    return found


def under_review(facts: CadreFacts) -> Bools:
    """Pool members flagged on any ground."""
    grounds = exit_grounds(facts)
    flagged: Bools = np.logical_or.reduce([grounds[g] for g in GROUNDS])
    return flagged


def exit_reasons(facts: CadreFacts, row: int) -> list[tuple[str, list[str]]]:
    """The grounds cadre ``row`` is flagged on, each with what a reviewer reads."""
    policy, as_of = facts.policy, facts.as_of
    grounds = exit_grounds(facts)
    found: list[tuple[str, list[str]]] = []
    if grounds["decline"][row]:
        graded = recent_grades(facts, row)
        before = graded[1][1] if len(graded) > 1 else "无"
        found.append(("decline", [f"{graded[0][0]}年度考核{graded[0][1]}（此前{before}）"]))
    if grounds["sanction"][row]:
        items = facts.supervision.get(row, [])
        entered = facts.pool_since[row].astype(date)
        since_entry = [s for s in items if s["date"] >= entered]
        flagged = since_entry or [item for item, _ in active_records(items, policy, as_of)]
        found.append(("sanction", [f"{i['date'].isoformat()}受{i['kind']}" for i in flagged]))
    if grounds["over_age"][row]:
        limit = facts.pool_max_age[row]
        limit = policy.pool.max_age if np.isnan(limit) else float(limit)
        years, months = divmod(int(facts.age_months[row]), 12)  # whole years, never rounded up
        found.append(("over_age", [f"{years}岁{months}个月，超过入库年龄上限{limit:g}岁"]))
    if grounds["no_progress"][row]:
        entered = facts.pool_since[row].astype(date)
        years_in = (as_of - entered).days / 365.25
        found.append(("no_progress", [f"入库{years_in:.1f}年未获提拔或晋升职级"]))
    return found
