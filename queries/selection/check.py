"""Service functions for the selection committee: check one appointment; list the
avoidance conflicts that already exist in the current teams."""

from __future__ import annotations

from datetime import date

from graphsvc.stores.base import GraphStore
from queries.selection.avoidance import appointment_conflicts
from queries.selection.eligibility import check_eligibility
from queries.selection.policy import SelectionPolicy
from queries.selection.records import load_cadre_record, load_units
from queries.selection.results import CheckResult, CurrentConflict, VerdictStatus

__all__ = ["NotFound", "check_appointment", "current_conflicts"]


class NotFound(LookupError):
    """A cadre or post id that the store does not have."""


def check_appointment(
    *, store: GraphStore, cadre_id: str, post_id: str, policy: SelectionPolicy, as_of: date
) -> CheckResult:
    """Eligibility rule by rule and avoidance conflicts for appointing a cadre to a post.

    The verdict is ``not_eligible`` when a rule fails or any avoidance conflict exists.
    """
    record = load_cadre_record(store, cadre_id)
    if record is None:
        raise NotFound(f"no cadre with id {cadre_id!r}")
    post = store.get_node("Post", post_id)
    if post is None:
        raise NotFound(f"no post with id {post_id!r}")
    units = load_units(store)
    verdict = check_eligibility(record, post, units, policy=policy, as_of=as_of)
    conflicts = appointment_conflicts(record, post, units, policy=policy, as_of=as_of)
    status: VerdictStatus = "not_eligible" if conflicts else verdict.status
    return {
        **verdict.as_dict(),
        "verdict": status,
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
    # Regional avoidance concerns anyone in a listed head post with a known hometown.
    roles = set(policy.avoidance.regional_roles)
    heads = {
        cadre_id
        for cadre_id, post_id, props in store.iter_edges("HOLDS")
        if props.get("end") is None or props["end"] > as_of
    }
    hometowned = {
        c["id"]
        for c in store.iter_nodes("Cadre", ["hometown_unit_id"])
        if c.get("hometown_unit_id")
    }
    for cadre_id in sorted(people | (heads & hometowned)):
        record = load_cadre_record(store, cadre_id)
        if record is None:
            continue
        for tenure in record.current_tenures(as_of):
            if cadre_id not in people and str(tenure.post.get("role") or "") not in roles:
                continue
            for conflict in appointment_conflicts(
                record, tenure.post, units, policy=policy, as_of=as_of
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
