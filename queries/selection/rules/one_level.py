"""不越级提拔: never two levels at once."""

from __future__ import annotations

from graphsvc.vocab import Level
from queries.selection.rules.base import Days, RuleResult, RuleUnit, outcome
from queries.selection.rules.facts import CadreFacts, Judgement, Target

__all__ = ["OneLevel"]

_LEVELS = list(Level)


class OneLevel(RuleUnit):
    """A promotion is one level up from where the cadre stands (leadership level or the
    职级's equivalent)."""

    name = "one_level"
    title = "不越级提拔"

    def judge(self, facts: CadreFacts, target: Target) -> Judgement:
        settings = self.settings(target.policy)
        step = target.order - facts.cadres.standing
        ok = step == 1
        applies = (step > 0) & settings.enabled
        return Judgement(outcome(applies, ok, settings.warn), {"ok": ok, "step": step})

    def line(self, facts: CadreFacts, target: Target, judged: Judgement, row: int) -> RuleResult:
        step = int(judged.values["step"][row])
        current = _LEVELS[facts.cadres.standing[row]].value
        return self.result(
            int(judged.status[row]),
            f"现为{current}，拟任{target.level.value}："
            + ("晋升一级" if step == 1 else f"跨{step}级，不得越级提拔"),
            current_level=current,
            target_level=target.level.value,
            steps=step,
        )

    def met_on(self, facts: CadreFacts, target: Target) -> Days:
        return self.holds_now(facts, target)  # only a promotion in between mends it

    def needs(self, facts: CadreFacts, target: Target, row: int) -> str:
        if self.holds(facts, target)[row]:
            return ""
        below = target.below()
        return f"须先任{below.value if below else '下一级'}"
