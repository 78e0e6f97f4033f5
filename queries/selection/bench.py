"""The succession bench: for each leadership post, who could take it now and who soon.

- **ready now**: eligible today, no avoidance conflict, score at or above
  ``policy.scoring.ready_threshold``;
- **ready in 1 year / 2 years**: not eligible today, but eligible on that day
  (time clears what bars them: years at the level, an effect period, probation);
- **no bench**: posts with nobody ready now;
- **retiring**: incumbents who reach retirement age (``policy.retirement``) within
  three years, with their post's bench.

A post's bench comes from its scope (``policy.scope``): a 科级 post's from its district.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, cast

from graphsvc.dates import add_months, months_between
from queries.selection.candidates import SelectionContext, rank_in_context
from queries.selection.ranking import candidate_levels, equivalent
from queries.selection.results import (
    BenchCandidate,
    BenchPost,
    BenchResult,
    Incumbent,
    ReadyCandidate,
)
from queries.selection.retirement import retirement_date

__all__ = ["succession_bench"]


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
    later_days = {"ready_in_1y": add_months(as_of, 12), "ready_in_2y": add_months(as_of, 24)}
    posts_out: list[BenchPost] = []
    for post_id in chosen:
        post = context.posts[post_id]
        ranked = rank_in_context(context, post_id, limit=None)
        ready: list[ReadyCandidate] = [
            ReadyCandidate(cadre_id=c["cadre_id"], name=c["name"], score=c["score"])
            for c in ranked["candidates"]
            if c["score"] >= threshold
        ][:per_post]
        excluded = {item["cadre_id"] for item in ranked["excluded"]}
        entry: dict[str, Any] = {
            "post_id": post_id,
            "post_name": post.get("name"),
            "unit_name": context.units.name(post.get("unit_id")),
            "level": post.get("level"),
            "scope_name": ranked["scope_name"],
            "ready_now": ready,
        }
        levels = candidate_levels(post)
        found_before: set[str] = set()
        for label, day in later_days.items():
            soon: list[BenchCandidate] = []
            for cadre_id in sorted(excluded - found_before):
                record = context.records[cadre_id]
                if equivalent(record) not in levels:
                    continue
                verdict = context.verdict(cadre_id, post, day)
                conflicts_now = [
                    why
                    for item in ranked["excluded"]
                    if item["cadre_id"] == cadre_id
                    for why in item["why"]
                    if why.startswith("回避")
                ]
                if verdict.eligible and not conflicts_now:
                    soon.append({"cadre_id": cadre_id, "name": record.cadre.get("name")})
            found_before |= {s["cadre_id"] for s in soon}
            entry[label] = soon[:per_post]
            entry[f"{label}_count"] = len(soon)
        incumbents: list[Incumbent] = []
        for cadre_id in sorted(context.holders.get(post_id, set())):
            cadre = context.records[cadre_id].cadre if cadre_id in context.records else {}
            retires = retirement_date(
                cadre,
                retirement=policy.retirement,
                county=str(cadre.get("level") or "") in policy.county_levels,
            )
            incumbents.append(
                {
                    "cadre_id": cadre_id,
                    "name": cadre.get("name"),
                    "retires": retires.isoformat() if retires else None,
                    "retiring_soon": retires is not None
                    and months_between(as_of, retires) <= retiring_within_months,
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
