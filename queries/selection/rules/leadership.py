"""领导职务经历: a lateral move (平级转任) into a leadership post by a 职级 equal to the
post's level, from no leadership post at that level, is possible and said so
(无领导职务经历); a move between leadership posts of the same level passes."""

from __future__ import annotations

from graphsvc.vocab import Level, Rank
from queries.selection.rules.base import Days, RuleResult, RuleUnit, outcome
from queries.selection.rules.facts import CadreFacts, Judgement, Target

__all__ = ["Leadership"]

_LEVELS = list(Level)
_RANKS = list(Rank)


class Leadership(RuleUnit):
    """A lateral move into a leadership post: from a leadership post of the same level, or
    by a 职级 of that level (a warning by default)."""

    name = "leadership"
    title = "领导职务经历"

    def judge(self, facts: CadreFacts, target: Target) -> Judgement:
        settings = self.settings(target.policy)
        lateral = facts.cadres.standing == target.order
        ok = facts.cadres.level >= target.order
        applies = lateral & (settings.enabled and target.leadership)
        return Judgement(outcome(applies, ok, settings.warn), {"ok": ok})

    def line(self, facts: CadreFacts, target: Target, judged: Judgement, row: int) -> RuleResult:
        cadres = facts.cadres
        level = _LEVELS[cadres.level[row]].value
        position = int(cadres.rank_position[row])
        rank = _RANKS[position].value if position >= 0 else None
        if judged.values["ok"][row]:
            message = f"现任{level}领导职务，平级交流"
        elif cadres.level[row] == 0:
            message = f"无领导职务经历：以{rank}（相当于{target.level.value}）平级转任"
        else:
            message = f"以{rank}（相当于{target.level.value}）平级转任，现任领导职务为{level}"
        return self.result(
            int(judged.status[row]),
            message,
            leadership_level=level if cadres.level[row] else None,
            rank=rank,
        )

    def met_on(self, facts: CadreFacts, target: Target) -> Days:
        return self.holds_now(facts, target)

    def needs(self, facts: CadreFacts, target: Target, row: int) -> str:
        if self.holds(facts, target)[row]:
            return ""
        return f"须任{target.level.value}领导职务"
