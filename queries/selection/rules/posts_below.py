"""下一级领导职务经历: 县处级 generally needs leadership posts at 2+ posts of the level
below (a warning by default)."""

from __future__ import annotations

import numpy as np

from queries.selection.rules.base import Days, RuleResult, RuleUnit, against, outcome
from queries.selection.rules.facts import CadreFacts, Judgement, Target

__all__ = ["PostsBelow"]


class PostsBelow(RuleUnit):
    """Distinct leadership posts ever held at the level below the post's."""

    name = "posts_below"
    title = "下一级领导职务经历"

    def judge(self, facts: CadreFacts, target: Target) -> Judgement:
        settings = self.settings(target.policy)
        below = target.below()
        count = (
            facts.memo(("posts_at", below), lambda: facts.histories.leadership_posts_at(below))
            if below is not None
            else np.zeros(len(facts), dtype=np.int64)
        )
        ok = count >= settings.min_posts
        promotion = target.order > facts.cadres.standing
        applies = promotion & (settings.enabled and target.county)
        return Judgement(outcome(applies, ok, settings.warn), {"ok": ok, "count": count})

    def line(self, facts: CadreFacts, target: Target, judged: Judgement, row: int) -> RuleResult:
        settings = self.settings(target.policy)
        below = target.below()
        count = int(judged.values["count"][row])
        ok = bool(judged.values["ok"][row])
        posts = sorted(
            {
                t.post_id
                for t in facts.record(row).tenures
                if below is not None
                and str(t.post.get("level")) == below.value
                and t.post.get("leadership")
            }
        )
        return self.result(
            int(judged.status[row]),
            against(f"下一级领导职务经历{count}个岗位", ok, f"一般要求{settings.min_posts}个"),
            posts=posts,
            required=settings.min_posts,
        )

    def met_on(self, facts: CadreFacts, target: Target) -> Days:
        return self.holds_now(facts, target)  # only another post mends it

    def needs(self, facts: CadreFacts, target: Target, row: int) -> str:
        if self.holds(facts, target)[row]:
            return ""
        judged = facts.judgement(self, target)
        more = self.settings(target.policy).min_posts - int(judged.values["count"][row])
        below = target.below()
        return f"须再任{more}个{below.value if below else ''}领导职务"
