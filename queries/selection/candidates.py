"""Candidates for a post: eligible, conflict-free cadres ranked with reasons."""

from __future__ import annotations

from datetime import date
from typing import Any

from graphsvc.rows import EdgeRow
from graphsvc.stores.base import GraphStore
from queries.selection.check import NotFound
from queries.selection.policy import SelectionPolicy
from queries.selection.ranking import (
    Candidate,
    candidate_levels,
    equivalent,
    evaluate,
    score_candidate,
    team_gaps,
)
from queries.selection.records import load_cadre_records, load_units

__all__ = ["rank_candidates", "write_back_candidates"]


def _current_holders(store: GraphStore, post_id: str, as_of: date) -> set[str]:
    return {
        edge.other_id
        for edge in store.edges_of("Post", post_id)
        if edge.type == "HOLDS" and (edge.props.get("end") is None or edge.props["end"] > as_of)
    }


def rank_candidates(
    *,
    store: GraphStore,
    post_id: str,
    policy: SelectionPolicy,
    as_of: date,
    limit: int = 20,
) -> dict[str, Any]:
    """Eligible, conflict-free candidates for ``post_id``, best first, with score parts and
    reasons; and the cadres at the right level who are excluded, with why.

    Raises
    ------
    NotFound
        When the post does not exist.
    """
    post = store.get_node("Post", post_id)
    if post is None:
        raise NotFound(f"no post with id {post_id!r}")
    units = load_units(store)
    unit_id = str(post.get("unit_id") or "")
    levels = candidate_levels(post)
    holders = _current_holders(store, post_id, as_of)
    pool = {
        c["id"]
        for c in store.iter_nodes("Cadre", ["level", "rank", "rank_since", "level_since", "status"])
        if c.get("status", "在职") == "在职" and c["id"] not in holders
    }
    unit_edges = store.edges_of("Unit", unit_id) if unit_id else []
    unit_posts = store.get_nodes("Post", {e.other_id for e in unit_edges if e.type == "IN_UNIT"})
    team_posts = [p for p in unit_posts.values() if p.get("team_member") and p["id"] != post_id]
    team_ids = set().union(*(_current_holders(store, p["id"], as_of) for p in team_posts))
    records = load_cadre_records(store, pool | team_ids)
    candidates = {cid: r for cid, r in records.items() if cid in pool and equivalent(r) in levels}

    specialties = {s["id"]: s for s in store.iter_nodes("Specialty")}
    names = {sid: str(s.get("name", sid)) for sid, s in specialties.items()}
    category_of = {sid: str(s["category"]) for sid, s in specialties.items() if s.get("category")}
    requirements = {
        e.other_id: float(e.props.get("weight", 1.0))
        for e in store.edges_of("Post", post_id)
        if e.type == "REQUIRES"
    }
    wanted = frozenset(
        category_of[e.other_id]
        for p in unit_posts.values()
        for e in store.edges_of("Post", p["id"])
        if e.type == "REQUIRES" and e.other_id in category_of
    )
    team = team_gaps(
        unit_id,
        [records[c] for c in team_ids if c in records],
        wanted_categories=wanted,
        category_of=category_of,
        as_of=as_of,
    )
    ranked: list[Candidate] = []
    excluded: list[dict[str, Any]] = []
    for cadre_id in sorted(candidates):
        record = candidates[cadre_id]
        verdict, warnings, why = evaluate(record, post, units, policy=policy, as_of=as_of)
        if why:
            excluded.append({"cadre_id": cadre_id, "name": record.cadre.get("name"), "why": why})
            continue
        score, parts, reasons = score_candidate(
            record,
            post,
            requirements=requirements,
            specialty_names=names,
            category_of=category_of,
            team=team,
            units=units,
            policy=policy,
            as_of=as_of,
        )
        ranked.append(
            Candidate(
                cadre_id,
                str(record.cadre.get("name", cadre_id)),
                score,
                parts,
                reasons,
                verdict,
                warnings,
            )
        )
    ranked.sort(key=lambda c: (-c.score, c.cadre_id))
    return {
        "post_id": post_id,
        "post_name": post.get("name"),
        "unit_name": units.name(unit_id),
        "level": post.get("level"),
        "as_of": as_of.isoformat(),
        "team": team.as_dict(),
        "considered": len(candidates),
        "candidates": [
            {"rank": index + 1, **candidate.as_dict()}
            for index, candidate in enumerate(ranked[:limit])
        ],
        "eligible": len(ranked),
        "excluded": excluded,
    }


def write_back_candidates(*, store: GraphStore, results: list[dict[str, Any]]) -> int:
    """Write ranked candidates as ``(Cadre)-[:CANDIDATE_FOR {rank, score, reasons, run}]->(Post)``,
    replacing the previous run; returns how many edges were written."""
    rows = [
        EdgeRow(
            "CANDIDATE_FOR",
            c["cadre_id"],
            result["post_id"],
            "",
            {
                "rank": c["rank"],
                "score": c["score"],
                "reasons": c["reasons"],
                "run": result["as_of"],
            },
        )
        for result in results
        for c in result["candidates"]
    ]
    return store.replace_results("CANDIDATE_FOR", rows)
