"""年度考核 (条例 Art. 24): not a candidate after a last annual grade of 基本称职 or lower."""

from __future__ import annotations

import numpy as np

from queries.selection.rules.base import PASS, WARN, Days, RuleResult, RuleUnit, outcome
from queries.selection.rules.facts import CadreFacts, Judgement, Target

__all__ = ["Assessment", "barred_grade"]

Bools = np.ndarray


def barred_grade(facts: CadreFacts, barred: list[str]) -> Bools:
    """Whose latest annual grade is one of ``barred``."""
    _, grades = facts.last_grades()
    wanted = set(barred)
    found: Bools = facts.memo(
        ("barred_grade", tuple(barred)),
        lambda: np.array([g in wanted for g in grades], dtype=bool).reshape(len(grades)),
    )
    return found


class Assessment(RuleUnit):
    """The last annual grade may not be barred (no grade at all: a warning)."""

    name = "assessment"
    title = "年度考核"

    def judge(self, facts: CadreFacts, target: Target) -> Judgement:
        settings = self.settings(target.policy)
        ok = ~barred_grade(facts, settings.barred_grades)
        years, _ = facts.last_grades()
        status = outcome(np.full(len(facts), settings.enabled), ok, settings.warn)
        status[(years == 0) & (status == PASS)] = WARN  # no record: a committee should know
        return Judgement(status, {"ok": ok, "year": years})

    def line(self, facts: CadreFacts, target: Target, judged: Judgement, row: int) -> RuleResult:
        years, grades = facts.last_grades()
        year, grade = int(years[row]), grades[row]
        if not year:
            return self.result(WARN, "无年度考核记录", year=None, grade=None)
        ok = bool(judged.values["ok"][row])
        return self.result(
            int(judged.status[row]),
            f"{year}年度考核{grade}" + ("" if ok else "，不得列为考察对象"),
            year=year,
            grade=grade,
        )

    def met_on(self, facts: CadreFacts, target: Target) -> Days:
        return self.holds_now(facts, target)  # a later grade, on no known day

    def needs(self, facts: CadreFacts, target: Target, row: int) -> str:
        if self.holds(facts, target)[row]:
            return ""
        return "待下一年度考核定为称职以上等次"
