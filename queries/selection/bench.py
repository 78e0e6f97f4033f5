"""The succession bench: for each leadership post, who could take it now and who soon.

- **ready now**: eligible today, no avoidance conflict, score at or above
  ``policy.scoring.ready_threshold``, ranked as one post's candidates are;
- **ready in 1 year / 2 years**: not eligible today, but every rule that bars them met
  by that day if nothing changes (each rule unit's day: years at the level, the end of an
  effect period or of probation), none lapsing before it (retirement), and no avoidance
  conflict now;
- **no bench**: posts with nobody ready now;
- **retiring**: incumbents who reach retirement age (``policy.retirement``) within
  three years, with their post's bench.

Every post at once, through the round's masks and scores: a post's bench comes from its
scope (``policy.scope``), a 科级 post's from its district.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any, cast

import numpy as np
from numpy.typing import NDArray

from graphsvc.dates import add_months, months_between
from queries.selection.candidates import POOL_REVIEW_FLAG, SelectionContext
from queries.selection.results import (
    BenchCandidate,
    BenchPost,
    BenchResult,
    Incumbent,
    ReadyCandidate,
)
from queries.selection.rules import LEVEL_RULES, Target
from queries.selection.rules.base import NAT, day_of
from queries.selection.rules.retirement import statutory_dates
from queries.selection.vectorized import (
    Pool,
    conflicting,
    holder_rows,
    pool_of,
    rank_posts,
    without,
)

__all__ = ["ready_on", "succession_bench"]

Days = NDArray[np.datetime64]


def ready_on(context: SelectionContext, target: Target) -> tuple[Days, Days]:
    """For every cadre: the day every barring rule of the target's level is met if
    nothing changes (NaT: no day can be known), and the first day one stops holding
    (NaT: none does). Remembered per level."""

    def compute() -> tuple[Days, Days]:
        facts = context.facts
        ready = np.full(len(facts), np.datetime64(target.as_of, "D"))
        unknown = np.zeros(len(facts), dtype=bool)
        lapses = np.full(len(facts), NAT)
        for unit in LEVEL_RULES:
            if not unit.bars(target.policy):
                continue
            met = unit.days(facts, target)
            unknown |= np.isnat(met)
            ready = np.maximum(ready, np.where(np.isnat(met), ready, met))
            ends = unit.lapses_on(facts, target)
            lapses = np.where(np.isnat(lapses) | (ends < lapses), ends, lapses)
        return np.where(unknown, NAT, ready), lapses

    found: tuple[Days, Days] = context.facts.memo(("ready_on", target.key), compute)
    return found


def succession_bench(
    *,
    context: SelectionContext,
    post_ids: Collection[str] | None = None,
    per_post: int = 5,
    retiring_within_months: int = 36,
) -> BenchResult:
    """The bench of every leadership team post (or of ``post_ids``).

    Returns
    -------
    dict
        ``posts`` (each with ``ready_now``, ``ready_in_1y``, ``ready_in_2y``,
        ``incumbents``), ``no_bench`` and ``retiring``.
    """
    as_of = context.as_of
    policy = context.policy
    threshold = policy.scoring.ready_threshold
    chosen = (
        sorted(post_ids)
        if post_ids is not None
        else sorted(post_id for post_id, post in context.posts.items() if post.get("team_member"))
    )
    pools: dict[Any, Pool] = {}
    ranked = rank_posts(context, chosen, top_k=per_post, min_score=threshold, pools=pools)
    arrays, facts = context.arrays, context.facts
    later_days = {"ready_in_1y": add_months(as_of, 12), "ready_in_2y": add_months(as_of, 24)}
    retires = statutory_dates(facts, county=False)
    people = sorted({c for p in chosen for c, _ in ranked[p].kept})
    names = dict(zip(people, context.names(people), strict=True))
    waiting: dict[Any, dict[str, NDArray[np.intp]]] = {}
    posts_out: list[BenchPost] = []
    for post_id in chosen:
        post = context.posts[post_id]
        ready: list[ReadyCandidate] = [
            {
                "cadre_id": cadre_id,
                "name": str(names[cadre_id]),
                "score": round(score, 4),
                "flags": [POOL_REVIEW_FLAG] if arrays.flagged[arrays.index[cadre_id]] else [],
            }
            for cadre_id, score in ranked[post_id].kept
        ]
        entry: dict[str, Any] = {
            "post_id": post_id,
            "post_name": post.get("name"),
            "unit_name": context.units.name(post.get("unit_id")),
            "level": post.get("level"),
            "scope_name": context.scope_row(post_id)["scope_name"],
            "ready_now": ready,
        }
        later = _later(context, post, pools, waiting, later_days)
        holders = holder_rows(context, arrays, post_id)
        for label in later_days:
            soon = later[label][without(later[label], holders)]
            soon = _without_conflicts(context, post_id, soon)
            listed = [arrays.ids[r] for r in soon[:per_post].tolist()]
            entry[label] = [
                cast(BenchCandidate, {"cadre_id": c, "name": n})
                for c, n in zip(listed, context.names(listed), strict=True)
            ]
            entry[f"{label}_count"] = len(soon)
        incumbents: list[Incumbent] = []
        for cadre_id in sorted(context.holders.get(post_id, set())):
            row = facts.index.get(cadre_id)
            retiring = day_of(retires[row]) if row is not None else None
            incumbents.append(
                {
                    "cadre_id": cadre_id,
                    "name": context.names([cadre_id])[0] if row is not None else None,
                    "retires": retiring.isoformat() if retiring else None,
                    "retiring_soon": retiring is not None
                    and months_between(as_of, retiring) <= retiring_within_months,
                }
            )
        entry["incumbents"] = incumbents
        # Built key by key (one pair of keys a horizon), so typed once it is whole.
        posts_out.append(cast(BenchPost, entry))
    return {
        "as_of": as_of.isoformat(),
        "ready_threshold": threshold,
        "posts": posts_out,
        "no_bench": [p["post_id"] for p in posts_out if not p["ready_now"]],
        "retiring": [
            {
                "post_id": p["post_id"],
                "post_name": p["post_name"],
                **i,
                "bench": [c["cadre_id"] for c in p["ready_now"]],
            }
            for p in posts_out
            for i in p["incumbents"]
            if i["retiring_soon"]
        ],
    }


def _later(
    context: SelectionContext,
    post: dict[str, Any],
    pools: dict[Any, Pool],
    found: dict[Any, dict[str, NDArray[np.intp]]],
    later_days: dict[str, date],
) -> dict[str, NDArray[np.intp]]:
    """The cadres of the post's pool not eligible now who will be by each horizon and not
    by the one before (every barring rule met, none lapsing first): the same for every
    post of a scope, level and kind, so remembered in ``found``."""
    pool = pool_of(context, context.arrays, post, cache=pools)
    key = id(pool)
    if key not in found:
        target = Target.of_post(post, policy=context.policy, as_of=context.as_of)
        day_ready, lapses = ready_on(context, target)
        waiting = np.setdiff1d(pool.considered, pool.allowed, assume_unique=True)
        ready, ends = day_ready[waiting], lapses[waiting]
        sets: dict[str, NDArray[np.intp]] = {}
        before = np.zeros(0, dtype=np.intp)
        for label, horizon in later_days.items():
            when = np.datetime64(horizon, "D")
            soon = waiting[~np.isnat(ready) & (ready <= when) & (np.isnat(ends) | (ends > when))]
            sets[label] = np.setdiff1d(soon, before, assume_unique=True)
            before = soon
        found[key] = sets
    return found[key]


def _without_conflicts(
    context: SelectionContext, post_id: str, rows: NDArray[np.intp]
) -> NDArray[np.intp]:
    """``rows`` less those who would be in an avoidance conflict with the post now."""
    found: NDArray[np.intp] = rows[~conflicting(context, context.arrays, post_id, rows)]
    return found
