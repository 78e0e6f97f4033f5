"""试用期: not promoted while on probation."""

from __future__ import annotations

import numpy as np

from graphsvc.dates import format_cadre_date
from queries.selection.rules.base import Days, RuleResult, RuleUnit, day_of, outcome
from queries.selection.rules.facts import CadreFacts, Judgement, Target

__all__ = ["Probation"]


class Probation(RuleUnit):
    """A promotion waits for the end of probation (``probation_until``)."""

    name = "probation"
    title = "试用期"

    def judge(self, facts: CadreFacts, target: Target) -> Judgement:
        settings = self.settings(target.policy)
        until = facts.cadres.probation_until
        ok = ~(until > np.datetime64(target.as_of, "D"))
        promotion = target.order > facts.cadres.standing
        return Judgement(outcome(promotion & settings.enabled, ok, settings.warn), {"ok": ok})

    def line(self, facts: CadreFacts, target: Target, judged: Judgement, row: int) -> RuleResult:
        until = day_of(facts.cadres.probation_until[row])
        ok = bool(judged.values["ok"][row])
        return self.result(
            int(judged.status[row]),
            "不在试用期" if ok else f"试用期至{format_cadre_date(until)}，试用期内不得提拔",
            until=until.isoformat() if until else None,
        )

    def met_on(self, facts: CadreFacts, target: Target) -> Days:
        until = facts.cadres.probation_until
        return np.where(self.holds(facts, target), np.datetime64(target.as_of, "D"), until)

    def needs(self, facts: CadreFacts, target: Target, row: int) -> str:
        if self.holds(facts, target)[row]:
            return ""
        until = day_of(facts.cadres.probation_until[row])
        return f"试用期{format_cadre_date(until, with_day=True)}期满"
