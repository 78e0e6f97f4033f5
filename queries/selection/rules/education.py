"""学历: 大专 or above for any post (full-time or in-service, the better one). The
县处级 minimum is its own rule, ``education_county``."""

from __future__ import annotations

import numpy as np

from graphsvc.vocab import EDUCATION_ORDER, Education
from queries.selection.policy import EducationRule
from queries.selection.rules.base import Days, RuleResult, RuleUnit, outcome
from queries.selection.rules.facts import CadreFacts, Judgement, Target

__all__ = ["EducationMinimum"]


class EducationMinimum(RuleUnit):
    """The lowest education for any post."""

    name = "education"
    title = "学历"

    def judge(self, facts: CadreFacts, target: Target) -> Judgement:
        rule: EducationRule = self.settings(target.policy)
        ok = facts.education >= EDUCATION_ORDER[Education(rule.minimum)]
        applies = np.full(len(facts), rule.enabled)
        return Judgement(outcome(applies, ok, rule.warn), {"ok": ok})

    def line(self, facts: CadreFacts, target: Target, judged: Judgement, row: int) -> RuleResult:
        rule: EducationRule = self.settings(target.policy)
        education = facts.record(row).cadre.get("education")
        ok = bool(judged.values["ok"][row])
        return self.result(
            int(judged.status[row]),
            f"学历{education}" + ("符合" if ok else "低于") + f"{rule.minimum}以上要求",
            education=education,
            minimum=rule.minimum,
        )

    def met_on(self, facts: CadreFacts, target: Target) -> Days:
        return self.holds_now(facts, target)

    def needs(self, facts: CadreFacts, target: Target, row: int) -> str:
        minimum = self.settings(target.policy).minimum
        return "" if self.holds(facts, target)[row] else f"须取得{minimum}以上学历"
