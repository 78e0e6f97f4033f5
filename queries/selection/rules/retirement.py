"""法定退休年龄: nobody past the statutory retirement date (the policy's ``[retirement]``
schedules, 2025 onwards) is appointed; with fewer than ``warn_years`` left a committee
decides (a warning: 距法定退休年龄不足2年)."""

from __future__ import annotations

import numpy as np

from graphsvc.dates import format_cadre_date, months_between
from graphsvc.vocab import Level
from queries.selection.policy import RetirementRule as Settings
from queries.selection.retirement import retirement_dates
from queries.selection.rules.base import (
    FAIL,
    PASS,
    WARN,
    Days,
    RuleResult,
    RuleUnit,
    day_of,
    months_after,
    outcome,
    span,
)
from queries.selection.rules.facts import CadreFacts, Judgement, Target

__all__ = ["Retirement", "statutory_dates"]


def statutory_dates(facts: CadreFacts, county: bool) -> Days:
    """Each cadre's statutory retirement day (NaT: birth unknown); ``county``: the
    appointment is at 县处级 (for the schedule of women at that level)."""
    policy = facts.policy
    levels = np.array([level.value in policy.county_levels for level in Level], dtype=bool)

    def compute() -> Days:
        own = levels[facts.cadres.level]
        return retirement_dates(
            facts.cadres.birth,
            facts.cadres.female,
            own | county,
            retirement=policy.retirement,
        )

    found: Days = facts.memo(("retirement", county), compute)
    return found


class Retirement(RuleUnit):
    """Past the statutory day bars; fewer than ``warn_years`` left warns."""

    name = "retirement"
    title = "法定退休年龄"

    def judge(self, facts: CadreFacts, target: Target) -> Judgement:
        settings: Settings = self.settings(target.policy)
        retires = statutory_dates(facts, target.county)
        day = np.datetime64(target.as_of, "D")
        known = ~np.isnat(retires)
        ok = ~known | (retires > day)
        status = outcome(known & settings.enabled, ok, settings.warn)
        horizon = months_after(np.array([day]), np.array([round(settings.warn_years * 12)]))
        status[known & ok & (retires < horizon) & (status == PASS)] = WARN
        return Judgement(status, {"ok": ok, "retires": retires})

    def line(self, facts: CadreFacts, target: Target, judged: Judgement, row: int) -> RuleResult:
        settings: Settings = self.settings(target.policy)
        retires = day_of(judged.values["retires"][row])
        assert retires is not None  # a line only where the day is known
        status = int(judged.status[row])
        when = format_cadre_date(retires)
        if not judged.values["ok"][row]:
            message = f"已于{when}达到法定退休年龄" + ("，不得任用" if status == FAIL else "")
        else:
            left = months_between(target.as_of, retires)
            message = f"距法定退休年龄（{when}）{span(left)}"
            if status == WARN:
                message = f"距法定退休年龄不足{settings.warn_years:g}年（{when}达到），须组织研究"
        return self.result(
            status, message, retires=retires.isoformat(), warn_years=settings.warn_years
        )

    def met_on(self, facts: CadreFacts, target: Target) -> Days:
        return self.holds_now(facts, target)  # past the day, never again

    def lapses_on(self, facts: CadreFacts, target: Target) -> Days:
        retires: Days = facts.judgement(self, target).values["retires"]
        return retires

    def needs(self, facts: CadreFacts, target: Target, row: int) -> str:
        return "" if self.holds(facts, target)[row] else "已达到法定退休年龄"
