"""选任范围 (干部管理权限, 下管一级): a post is filled from the cadres of its scope.

The post's scope follows ``policy.scope`` (the nearest unit of the kind its level names,
or the whole area; with ``exchange``, the unit above). A cadre belongs to a scope when
a unit of a post the cadre holds now lies in it. Outside it the appointment is barred,
in ``check`` as in ``match`` and the round, where the scope is the first filter.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Any

import numpy as np

from queries.selection.policy import ScopePolicy, SelectionPolicy
from queries.selection.rules.base import FAIL, PASS, Days, RuleResult, RuleUnit, outcome
from queries.selection.rules.facts import CadreFacts, Judgement, Target
from queries.selection.scope import ScopeIndex

__all__ = ["Scope"]


class Scope(RuleUnit):
    """The cadre belongs to the post's candidate scope."""

    name = "scope"
    title = "选任范围"
    per_post = True

    def settings(self, policy: SelectionPolicy) -> ScopePolicy:
        return policy.scope

    def enabled(self, policy: SelectionPolicy) -> bool:
        return True

    def bars(self, policy: SelectionPolicy) -> bool:
        return True

    def judge(self, facts: CadreFacts, target: Target) -> Judgement:
        """Every cadre at once: the scope's mask, shared by every post of the scope."""
        scope = _scopes(facts).of_post(target.post or {})

        def compute() -> Judgement:
            rows = _scopes(facts).member_rows(scope)  # the scope's rows are the facts' rows
            ok = np.ones(len(facts), dtype=bool)
            if rows is not None:
                ok[:] = False
                ok[rows] = True
            return Judgement(outcome(np.ones(len(facts), dtype=bool), ok, False), {"ok": ok})

        found: Judgement = facts.memo(("scope", scope), compute)
        return found

    def reason(self, facts: CadreFacts, target: Target, row: int) -> RuleResult | None:
        """One cadre's line, from the scope's members alone (no mask over every cadre)."""
        scopes = _scopes(facts)
        members = scopes.members(scopes.of_post(target.post or {}))
        cadre_id = facts.ids[row]
        ok = members is None or _holds(members, cadre_id)
        status = PASS if ok else FAIL
        return self.line(facts, target, Judgement(np.array([status], np.int8),
                                                  {"ok": np.array([ok])}), 0, cadre_id)  # fmt: skip

    def line(
        self,
        facts: CadreFacts,
        target: Target,
        judged: Judgement,
        row: int,
        cadre_id: str | None = None,
    ) -> RuleResult:
        """The line of cadre ``row`` (``cadre_id``: whose it is when ``judged`` holds only
        that cadre's outcome, at ``row`` 0)."""
        scopes = _scopes(facts)
        post: dict[str, Any] = dict(target.post or {})
        scope = scopes.of_post(post)
        name = scopes.name(scope)
        who = cadre_id if cadre_id is not None else facts.ids[row]
        where = "、".join(facts.units.name(u) for u in scopes.units_of(who))
        widened = "（交流：含上级范围）" if target.policy.scope.exchange and scope else ""
        pool = f"该岗位从{name}{widened}的干部中选任"
        if judged.values["ok"][row]:
            message = f"在选任范围内：{pool}" + (f"，该同志现在{where}任职" if where else "")
        else:
            message = f"不在选任范围内：{pool}，该同志" + (
                f"现在{where}任职" if where else "无现任职务"
            )
        return self.result(
            int(judged.status[row]),
            message,
            scope_id=scope,
            scope_name=name,
            exchange=target.policy.scope.exchange,
        )

    def met_on(self, facts: CadreFacts, target: Target) -> Days:
        return self.holds_now(facts, target)  # only a move mends it

    def needs(self, facts: CadreFacts, target: Target, row: int) -> str:
        if self.holds(facts, target)[row]:
            return ""
        scopes = _scopes(facts)
        return f"须在{scopes.name(scopes.of_post(target.post or {}))}任职"


def _scopes(facts: CadreFacts) -> ScopeIndex:
    if facts.scopes is None:
        raise ValueError("the facts were built without candidate scopes")
    return facts.scopes


def _holds(members: list[str], cadre_id: str) -> bool:
    """Whether ``cadre_id`` is among ``members`` (sorted)."""
    at = bisect_left(members, cadre_id)
    return at < len(members) and members[at] == cadre_id
