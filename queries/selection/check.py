"""Service functions for the selection committee: check one appointment; list the
avoidance conflicts that already exist in the current teams."""

from __future__ import annotations

from datetime import date

from graphsvc.stores.base import GraphStore
from queries.selection.avoidance import appointment_conflicts
from queries.selection.candidates import NotFound, SelectionContext
from queries.selection.heads import head_kind
from queries.selection.policy import SelectionPolicy
from queries.selection.records import UnitIndex, load_cadre_record, load_units
from queries.selection.results import CheckResult, CurrentConflict
from queries.selection.rules import AVOIDANCE

__all__ = ["NotFound", "check_appointment", "current_conflicts"]


def check_appointment(
    *,
    store: GraphStore,
    cadre_id: str,
    post_id: str,
    policy: SelectionPolicy,
    as_of: date,
    units: UnitIndex | None = None,
    reveal_supervision: bool = True,
) -> CheckResult:
    """Every rule line for appointing a cadre to a post: whether the cadre is in the post's
    scope, the rules of the post's level, retirement, and avoidance with its conflicts.

    The verdict is ``not_eligible`` when a line fails. The cadre's facts are judged by the
    same rule units as a post's candidates and a round, as a context of one cadre.
    ``units``: the graph's unit index when the caller keeps one (a service answering many
    checks); read from the store otherwise. ``reveal_supervision`` ``False``: a line that
    names a supervision record says only that one bars (for roles that may not see it).
    """
    record = load_cadre_record(store, cadre_id)
    if record is None:
        raise NotFound(f"未找到编号为 '{cadre_id}' 的干部")
    post = store.get_node("Post", post_id)
    if post is None:
        raise NotFound(f"未找到编号为 '{post_id}' 的岗位")
    units = units if units is not None else load_units(store)
    context = SelectionContext(
        posts={post_id: post},
        records={cadre_id: record},
        units=units,
        holders={},
        requirements={},
        specialty_names={},
        category_of={},
        policy=policy,
        as_of=as_of,
    )
    found = context.verdict(cadre_id, post_id)
    if not reveal_supervision:
        found = found.masked()
    target = context.target(post_id)
    conflicts = AVOIDANCE.conflicts(context.facts, target, 0) if policy.avoidance.enabled else []
    return {
        **found.as_dict(),
        "cadre_name": record.cadre.get("name"),
        "post_name": post.get("name"),
        "unit_name": units.name(post.get("unit_id")),
        "as_of": as_of.isoformat(),
        "conflicts": [conflict.as_dict() for conflict in conflicts],
    }


def current_conflicts(
    *, store: GraphStore, policy: SelectionPolicy, as_of: date
) -> list[CurrentConflict]:
    """Every avoidance conflict among the posts people hold now, each with its chain."""
    units = load_units(store)
    found: list[CurrentConflict] = []
    seen: set[tuple[str, str, str, str | None]] = set()
    people = {src for src, _, _ in store.iter_edges("RELATIVE_OF")}
    people |= {dst for _, dst, _ in store.iter_edges("RELATIVE_OF")}
    # Regional avoidance concerns anyone in a head post with a known hometown.
    holding = {
        cadre_id
        for cadre_id, post_id, props in store.iter_edges("HOLDS")
        if props.get("end") is None or props["end"] > as_of
    }
    hometowned = {
        c["id"]
        for c in store.iter_nodes("Cadre", ["hometown_unit_id"])
        if c.get("hometown_unit_id")
    }
    for cadre_id in sorted(people | (holding & hometowned)):
        record = load_cadre_record(store, cadre_id)
        if record is None:
            continue
        for tenure in record.current_tenures(as_of):
            if cadre_id not in people and head_kind(tenure.post, units, policy.avoidance) is None:
                continue
            for conflict in appointment_conflicts(
                record, tenure.post, units, policy=policy, as_of=as_of, holding=True
            ):
                pair = tuple(sorted((cadre_id, conflict.relative_id or "")))
                key = (pair[0], pair[1], conflict.rule, None)
                if key in seen:
                    continue
                seen.add(key)
                found.append(
                    {
                        "cadre_id": cadre_id,
                        "post_id": tenure.post_id,
                        "unit_id": tenure.post.get("unit_id"),
                        **conflict.as_dict(),
                    }
                )
    return found
