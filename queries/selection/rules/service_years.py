"""工作年限: 县处级 needs 5+ years of service (工龄)."""

from __future__ import annotations

import numpy as np

from graphsvc.dates import format_cadre_date
from queries.selection.rules.base import (
    NAT,
    Days,
    RuleResult,
    RuleUnit,
    day_of,
    months_after,
    outcome,
    span,
)
from queries.selection.rules.facts import CadreFacts, Judgement, Target

__all__ = ["ServiceYears"]


class ServiceYears(RuleUnit):
    """A promotion to a 县处级 post needs ``min_years`` of service."""

    name = "service_years"
    title = "工作年限"

    def judge(self, facts: CadreFacts, target: Target) -> Judgement:
        settings = self.settings(target.policy)
        start = facts.cadres.work_start
        months = np.where(np.isnat(start), 0, facts.months_since(start))
        ok = months >= settings.min_years * 12
        promotion = target.order > facts.cadres.standing
        applies = promotion & (settings.enabled and target.county)
        return Judgement(outcome(applies, ok, settings.warn), {"ok": ok, "months": months})

    def line(self, facts: CadreFacts, target: Target, judged: Judgement, row: int) -> RuleResult:
        settings = self.settings(target.policy)
        months = int(judged.values["months"][row])
        ok = bool(judged.values["ok"][row])
        return self.result(
            int(judged.status[row]),
            f"工龄{span(months)}"
            + (" ≥ " if ok else " < ")
            + f"县处级要求{settings.min_years:g}年",
            months=months,
            required_years=settings.min_years,
        )

    def met_on(self, facts: CadreFacts, target: Target) -> Days:
        settings = self.settings(target.policy)
        start = facts.cadres.work_start
        due = months_after(start, np.full(len(facts), round(settings.min_years * 12)))
        return np.where(
            self.holds(facts, target),
            np.datetime64(target.as_of, "D"),
            np.where(np.isnat(start), NAT, due),
        )

    def needs(self, facts: CadreFacts, target: Target, row: int) -> str:
        if self.holds(facts, target)[row]:
            return ""
        due = day_of(self.days(facts, target)[row])
        years = self.settings(target.policy).min_years
        return (
            f"{format_cadre_date(due, with_day=True)}工龄满{years:g}年" if due else "须有工作经历"
        )
