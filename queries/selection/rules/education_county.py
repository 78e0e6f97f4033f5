"""县处级学历: 本科 or above generally for 县处级 (a warning by default), checked once the
basic minimum (``education``) is met. Its settings are ``rules.education``'s
``county_minimum`` and ``county_warn``."""

from __future__ import annotations

from graphsvc.vocab import EDUCATION_ORDER, Education
from queries.selection.policy import EducationRule, SelectionPolicy
from queries.selection.rules.base import Days, RuleResult, RuleUnit, outcome
from queries.selection.rules.facts import CadreFacts, Judgement, Target

__all__ = ["EducationCounty"]


class EducationCounty(RuleUnit):
    """本科 or above generally for 县处级, checked once the basic minimum is met."""

    name = "education_county"
    title = "县处级学历"

    def settings(self, policy: SelectionPolicy) -> EducationRule:
        return policy.rules.education

    def bars(self, policy: SelectionPolicy) -> bool:
        rule = self.settings(policy)
        return rule.enabled and not rule.county_warn

    def judge(self, facts: CadreFacts, target: Target) -> Judgement:
        rule = self.settings(target.policy)
        basic = facts.education >= EDUCATION_ORDER[Education(rule.minimum)]
        ok = facts.education >= EDUCATION_ORDER[Education(rule.county_minimum)]
        applies = basic & (rule.enabled and target.county)
        return Judgement(outcome(applies, ok, rule.county_warn), {"ok": ok})

    def line(self, facts: CadreFacts, target: Target, judged: Judgement, row: int) -> RuleResult:
        rule = self.settings(target.policy)
        ok = bool(judged.values["ok"][row])
        return self.result(
            int(judged.status[row]),
            f"县处级一般要求{rule.county_minimum}以上：" + ("符合" if ok else "不符合"),
            minimum=rule.county_minimum,
        )

    def met_on(self, facts: CadreFacts, target: Target) -> Days:
        return self.holds_now(facts, target)

    def needs(self, facts: CadreFacts, target: Target, row: int) -> str:
        minimum = self.settings(target.policy).county_minimum
        return "" if self.holds(facts, target)[row] else f"须取得{minimum}以上学历"
