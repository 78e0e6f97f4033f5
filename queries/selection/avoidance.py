"""Appointment avoidance (任职回避): kinship and regional conflicts of a proposed appointment.

Relatives (spouse, lineal, collateral within three generations, close in-laws:
every ``RELATIVE_OF`` in the graph) may not

- serve in the same unit where either of them sits on its leadership team
  (``same_unit``: the same organ under the same leader, the same team);
- stand in a direct line through the unit hierarchy where the upper one leads
  (``superior_subordinate``);
- work in organization/personnel, discipline, audit or finance of a unit the
  other leads (``sensitive_function``);

and the heads listed in the policy may not serve in the area they govern where
they grew up (``regional``: see :mod:`queries.selection.heads`). Each conflict
carries the chain of facts that causes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from queries.selection.heads import governed_area, grew_up_in, head_kind
from queries.selection.policy import SelectionPolicy
from queries.selection.records import CadreRecord, Relative, Tenure, UnitIndex
from queries.selection.results import ConflictRow

__all__ = ["Conflict", "appointment_conflicts"]


@dataclass(frozen=True)
class Conflict:
    rule: str
    message: str
    chain: list[str] = field(default_factory=list)
    relative_id: str | None = None

    def as_dict(self) -> ConflictRow:
        return {
            "rule": self.rule,
            "message": self.message,
            "chain": self.chain,
            "relative_id": self.relative_id,
        }


def _verb(holding: bool) -> str:
    return "现任" if holding else "拟任"


def _leads(post: dict[str, Any]) -> bool:
    return bool(post.get("team_member") or post.get("leadership"))


def _holds(relative: Relative, tenure: Tenure, units: UnitIndex) -> str:
    post = tenure.post
    return (
        f"{relative.name}({relative.cadre_id})现任{post.get('name', tenure.post_id)}"
        f"（{units.name(post.get('unit_id'))}）"
    )


def _kin_conflicts(
    name: str,
    relative: Relative,
    post: dict[str, Any],
    units: UnitIndex,
    policy: SelectionPolicy,
    as_of: date,
    holding: bool,
) -> list[Conflict]:
    rules = policy.avoidance
    target_unit = post.get("unit_id")
    target_up = units.ancestors(target_unit)
    found: list[Conflict] = []
    for tenure in relative.tenures:
        if not tenure.current(as_of) or tenure.post_id == post.get("id"):
            continue
        other = tenure.post
        other_unit = other.get("unit_id")
        # Only units on one line can conflict: skip the rest before any text is made.
        if (
            other_unit != target_unit
            and other_unit not in target_up
            and (target_unit not in units.ancestors(other_unit))
        ):
            continue
        kin = f"{name}与{relative.name}({relative.cadre_id})系{relative.relation}关系"
        where = f"{_verb(holding)}{post.get('name', post.get('id'))}（{units.name(target_unit)}）"
        chain = [kin, _holds(relative, tenure, units), where]
        if rules.same_unit and other_unit == target_unit and (_leads(post) or _leads(other)):
            found.append(
                Conflict(
                    "same_unit", "亲属在同一单位任职且一方为领导班子成员", chain, relative.cadre_id
                )
            )
        if rules.superior_subordinate:
            if _leads(other) and other_unit in target_up:
                path = " → ".join(units.name(u) for u in [target_unit, *target_up] if u is not None)
                found.append(
                    Conflict(
                        "superior_subordinate",
                        "亲属为拟任单位上级单位的领导成员（直接上下级）",
                        [*chain, f"隶属关系：{path}"],
                        relative.cadre_id,
                    )
                )
            if _leads(post) and target_unit in units.ancestors(other_unit):
                found.append(
                    Conflict(
                        "superior_subordinate",
                        "拟任职务为亲属所在单位的上级领导（直接上下级）",
                        chain,
                        relative.cadre_id,
                    )
                )
        sensitive = set(rules.sensitive_functions)
        if sensitive:
            led_by_relative = _leads(other) and (
                other_unit == target_unit or other_unit in target_up
            )
            if post.get("function") in sensitive and led_by_relative:
                found.append(
                    Conflict(
                        "sensitive_function",
                        f"拟在亲属领导的单位从事{post.get('function')}工作",
                        chain,
                        relative.cadre_id,
                    )
                )
            if (
                other.get("function") in sensitive
                and _leads(post)
                and (other_unit == target_unit or target_unit in units.ancestors(other_unit))
            ):
                found.append(
                    Conflict(
                        "sensitive_function",
                        f"亲属在拟领导的单位从事{other.get('function')}工作",
                        chain,
                        relative.cadre_id,
                    )
                )
    return found


def appointment_conflicts(
    record: CadreRecord,
    post: dict[str, Any],
    units: UnitIndex,
    *,
    policy: SelectionPolicy,
    as_of: date,
    holding: bool = False,
) -> list[Conflict]:
    """Every avoidance conflict of appointing ``record`` to ``post``, with its chain.

    Parameters
    ----------
    record : CadreRecord
        The candidate with relatives (and their posts) loaded.
    post : dict
        The post's properties; ``unit_id``, ``team_member``, ``function``, ``role`` are read.
    units : UnitIndex
        The unit hierarchy.
    policy : SelectionPolicy
        ``policy.avoidance`` switches the rules and lists sensitive functions and head posts.
    as_of : date
        The day that decides who holds what.
    holding : bool
        The cadre holds ``post`` already (a current conflict: 现任), rather than being
        proposed for it (拟任).

    Returns
    -------
    list of Conflict
        Empty when the appointment breaks no avoidance rule.
    """
    rules = policy.avoidance
    if not rules.enabled:
        return []
    name = f"{record.cadre.get('name', record.id)}({record.id})"
    conflicts: list[Conflict] = []
    for relative in record.relatives:
        conflicts.extend(_kin_conflicts(name, relative, post, units, policy, as_of, holding))
    if rules.regional:
        conflicts.extend(_regional_conflicts(name, record, post, units, policy, holding))
    return conflicts


def _head(
    post: dict[str, Any], units: UnitIndex, policy: SelectionPolicy
) -> tuple[str | None, str | None]:
    """The head this post is and the area it governs, found once per post and policy on the
    unit index (one a graph version): a round asks for the same post for every candidate."""
    what = tuple(post.get(k) for k in ("id", "unit_id", "role", "name", "function", "principal"))
    key = (what, id(policy.avoidance))
    found = units.memo.get(key)
    if found is None or found[0] is not policy.avoidance:
        head = head_kind(post, units, policy.avoidance)
        area = governed_area(post.get("unit_id"), units, policy.avoidance) if head else None
        found = units.memo[key] = (policy.avoidance, head, area)
    return found[1], found[2]


def _regional_conflicts(
    name: str,
    record: CadreRecord,
    post: dict[str, Any],
    units: UnitIndex,
    policy: SelectionPolicy,
    holding: bool,
) -> list[Conflict]:
    """A head post in the area where the cadre grew up."""
    hometown = record.cadre.get("hometown_unit_id")
    if not hometown:
        return []
    head, area = _head(post, units, policy)
    if head is None or not grew_up_in(hometown, area, units):
        return []
    inside = "" if hometown == area else f"，属{units.name(area)}"
    return [
        Conflict(
            "regional",
            f"{head}不得在本人成长地任职（管辖{units.name(area)}）",
            [
                f"{name}成长地为{units.name(hometown)}{inside}",
                f"{_verb(holding)}{post.get('name', post.get('id'))}"
                f"（{units.name(post.get('unit_id'))}），系{head}，管辖{units.name(area)}",
            ],
        )
    ]
