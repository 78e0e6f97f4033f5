"""处分影响期 (条例 Art. 24): not a candidate inside the effect period (影响期) of an
admonishment (诫勉), organizational handling or a sanction.

A record's own 影响期 (``effect_months``) wins; otherwise the policy's months for its
kind. The line names the record's kind and dates; a role that may not see supervision
records reads only that one exists (:attr:`EffectPeriod.public_message`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import numpy as np

from graphsvc.dates import add_months, format_cadre_date
from queries.selection.policy import SelectionPolicy
from queries.selection.rules.base import NAT, Days, RuleResult, RuleUnit, day_of, outcome
from queries.selection.rules.facts import CadreFacts, Judgement, Target

__all__ = ["EffectPeriod", "active_records", "effect_ends"]


def active_records(
    items: Iterable[dict[str, Any]], policy: SelectionPolicy, as_of: date
) -> list[tuple[dict[str, Any], date]]:
    """Supervision records still in their effect period on ``as_of``, each with its end."""
    months_by_kind = policy.rules.effect_period.months
    active = []
    for item in items:
        months = item.get("effect_months") or months_by_kind.get(str(item.get("kind")), 0)
        if months:
            ends = add_months(item["date"], int(months))
            if ends > as_of:
                active.append((item, ends))
    return active


def effect_ends(facts: CadreFacts) -> tuple[Days, dict[int, dict[str, Any]]]:
    """Each cadre's latest effect-period end (NaT: none in effect) and the record it
    belongs to (only the few cadres with one)."""

    def compute() -> tuple[Days, dict[int, dict[str, Any]]]:
        ends = np.full(len(facts), NAT)
        latest: dict[int, dict[str, Any]] = {}
        for row, items in facts.supervision.items():
            active = active_records(items, facts.policy, facts.as_of)
            if active:
                item, end = max(active, key=lambda pair: pair[1])
                ends[row] = np.datetime64(end, "D")
                latest[row] = item
        return ends, latest

    found: tuple[Days, dict[int, dict[str, Any]]] = facts.memo("effect_ends", compute)
    return found


class EffectPeriod(RuleUnit):
    """Nobody inside an effect period."""

    name = "effect_period"
    title = "处分影响期"
    public_message = "存在影响期内的处分或组织处理，影响期内不得提拔或重用"

    def judge(self, facts: CadreFacts, target: Target) -> Judgement:
        settings = self.settings(target.policy)
        ends, _ = effect_ends(facts)
        ok = np.isnat(ends)
        applies = np.full(len(facts), settings.enabled)
        return Judgement(outcome(applies, ok, settings.warn), {"ok": ok})

    def line(self, facts: CadreFacts, target: Target, judged: Judgement, row: int) -> RuleResult:
        ends, latest = effect_ends(facts)
        if row not in latest:
            return self.result(int(judged.status[row]), "无影响期内的处分或诫勉")
        item, end = latest[row], day_of(ends[row])
        return self.result(
            int(judged.status[row]),
            f"{format_cadre_date(item['date'])}受{item['kind']}，影响期至"
            f"{format_cadre_date(end)}，影响期内不得提拔或重用",
            kind=item["kind"],
            date=item["date"].isoformat(),
            ends=end.isoformat() if end else None,
        )

    def met_on(self, facts: CadreFacts, target: Target) -> Days:
        """The day the last effect period ends (it is in effect while its end is later)."""
        ends, _ = effect_ends(facts)
        return np.where(np.isnat(ends), np.datetime64(target.as_of, "D"), ends)

    def needs(self, facts: CadreFacts, target: Target, row: int) -> str:
        ends, _ = effect_ends(facts)
        end = day_of(ends[row])
        return f"影响期{format_cadre_date(end, with_day=True)}结束" if end else ""
