"""提拔间隔: within a year of the last promotion a human decides (破格; a warning by
default). The first post is an appointment, not a promotion."""

from __future__ import annotations

import numpy as np

from graphsvc.dates import format_cadre_date
from graphsvc.vocab import Level
from queries.selection.rules.base import (
    Days,
    RuleResult,
    RuleUnit,
    day_of,
    months_after,
    outcome,
    span,
)
from queries.selection.rules.facts import CadreFacts, Judgement, Target

__all__ = ["RecentPromotion"]

_LEVELS = list(Level)


class RecentPromotion(RuleUnit):
    """``min_months`` since the last promotion (the date of the current leadership level)."""

    name = "recent_promotion"
    title = "提拔间隔"

    def judge(self, facts: CadreFacts, target: Target) -> Judgement:
        settings = self.settings(target.policy)
        promoted = facts.memo("last_promotion", facts.cadres.last_promotion)
        known = ~np.isnat(promoted)
        months = np.where(known, facts.months_since(promoted), 0)
        ok = ~known | (months >= settings.min_months)
        promotion = target.order > facts.cadres.standing
        applies = promotion & known & settings.enabled
        return Judgement(
            outcome(applies, ok, settings.warn), {"ok": ok, "months": months, "on": promoted}
        )

    def line(self, facts: CadreFacts, target: Target, judged: Judgement, row: int) -> RuleResult:
        settings = self.settings(target.policy)
        months = int(judged.values["months"][row])
        promoted = day_of(judged.values["on"][row])
        ok = bool(judged.values["ok"][row])
        level = _LEVELS[facts.cadres.standing[row]].value
        return self.result(
            int(judged.status[row]),
            f"距上次晋升（{format_cadre_date(promoted)}任{level}）{span(months)}"
            + ("" if ok else f"，不足{settings.min_months}个月，须组织研究（破格）"),
            months=months,
            promoted_on=promoted.isoformat() if promoted else None,
        )

    def met_on(self, facts: CadreFacts, target: Target) -> Days:
        settings = self.settings(target.policy)
        promoted = facts.judgement(self, target).values["on"]
        due = months_after(promoted, np.full(len(facts), settings.min_months))
        return np.where(self.holds(facts, target), np.datetime64(target.as_of, "D"), due)

    def needs(self, facts: CadreFacts, target: Target, row: int) -> str:
        if self.holds(facts, target)[row]:
            return ""
        due = day_of(self.days(facts, target)[row])
        months = self.settings(target.policy).min_months
        return f"{format_cadre_date(due, with_day=True)}距上次晋升满{months}个月"
