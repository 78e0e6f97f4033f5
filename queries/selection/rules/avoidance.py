"""任职回避: between relatives (same unit, a direct line, sensitive functions), and of
head posts where the holder grew up (地域回避). The conflicts and their chains come
from :mod:`queries.selection.avoidance`; this unit states the outcome in the verdict,
and finds, among given cadres, those an appointment would put in conflict.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from queries.selection.avoidance import Conflict, appointment_conflicts
from queries.selection.policy import Avoidance as Settings
from queries.selection.policy import SelectionPolicy
from queries.selection.rules.base import Days, RuleResult, RuleUnit, outcome
from queries.selection.rules.facts import CadreFacts, Judgement, Target

__all__ = ["AvoidanceRule", "avoidance_line"]


def avoidance_line(conflicts: Sequence[Conflict]) -> RuleResult:
    """The rule line that states the avoidance outcome in the verdict itself."""
    if not conflicts:
        return RuleResult("avoidance", "pass", "无任职回避情形")
    kinds = "；".join(dict.fromkeys(conflict.message for conflict in conflicts))
    return RuleResult(
        "avoidance",
        "fail",
        f"存在任职回避情形：{kinds}（详见回避冲突及关系链）",
        {"conflicts": len(conflicts), "rules": sorted({c.rule for c in conflicts})},
    )


class AvoidanceRule(RuleUnit):
    """No avoidance conflict with the post."""

    name = "avoidance"
    title = "任职回避"
    per_post = True

    def settings(self, policy: SelectionPolicy) -> Settings:
        return policy.avoidance

    def bars(self, policy: SelectionPolicy) -> bool:
        return policy.avoidance.enabled

    def conflicts(self, facts: CadreFacts, target: Target, row: int) -> list[Conflict]:
        """The conflicts appointing cadre ``row`` to the post would make."""
        cadre_id = facts.ids[row]
        record = (
            facts.avoidance_record(cadre_id)
            if facts.avoidance_record is not None
            else facts.records[cadre_id]
        )
        post: dict[str, Any] = dict(target.post or {})
        return appointment_conflicts(
            record, post, facts.units, policy=target.policy, as_of=target.as_of
        )

    def judge(self, facts: CadreFacts, target: Target) -> Judgement:
        """Every cadre, one by one: for a check (one cadre); rankings ask :meth:`conflicts`
        of the few in score order who may conflict."""
        ok = np.array(
            [not self.conflicts(facts, target, row) for row in range(len(facts))], dtype=bool
        ).reshape(len(facts))
        applies = np.full(len(facts), target.policy.avoidance.enabled)
        return Judgement(outcome(applies, ok, False), {"ok": ok})

    def line(self, facts: CadreFacts, target: Target, judged: Judgement, row: int) -> RuleResult:
        return avoidance_line(self.conflicts(facts, target, row))

    def reason(self, facts: CadreFacts, target: Target, row: int) -> RuleResult | None:
        if not target.policy.avoidance.enabled:
            return None
        return avoidance_line(self.conflicts(facts, target, row))

    def met_on(self, facts: CadreFacts, target: Target) -> Days:
        return self.holds_now(facts, target)  # only a move (of either relative) mends it

    def needs(self, facts: CadreFacts, target: Target, row: int) -> str:
        return "须消除任职回避情形" if self.conflicts(facts, target, row) else ""
