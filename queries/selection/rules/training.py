"""培训: before a promotion, 乡科级 12 days or 90 hours in the last year, 县处级 3 months or
550 hours in 5 years; what is missing may be finished within a year after (a warning by
default)."""

from __future__ import annotations

from datetime import date

import numpy as np

from queries.selection.policy import TrainingRule as Settings
from queries.selection.rules.base import Days, RuleResult, RuleUnit, outcome
from queries.selection.rules.facts import CadreFacts, Judgement, Target

__all__ = ["Training", "training_sums"]

Floats = np.ndarray


def training_sums(facts: CadreFacts, years: int) -> tuple[Floats, Floats]:
    """Each cadre's hours and days of completed courses that began in the last ``years``
    (from the first of the month ``years`` back, to the day)."""

    def compute() -> tuple[Floats, Floats]:
        as_of = facts.as_of
        start = np.datetime64(date(as_of.year - years, as_of.month, 1), "D")
        course_start = facts.histories.course_start
        window = (course_start >= start) & (course_start <= np.datetime64(as_of, "D"))
        return facts.histories.course_sums(window)

    found: tuple[Floats, Floats] = facts.memo(("training", years), compute)
    return found


def _need(settings: Settings, county: bool) -> tuple[int, float, float]:
    if county:
        return 5, settings.county_hours_5y, settings.county_days_5y
    return 1, settings.section_hours_per_year, settings.section_days_per_year


class Training(RuleUnit):
    """Training hours or days in the window of the post's level, before a promotion."""

    name = "training"
    title = "培训"

    def judge(self, facts: CadreFacts, target: Target) -> Judgement:
        settings: Settings = self.settings(target.policy)
        years, need_hours, need_days = _need(settings, target.county)
        hours, days = training_sums(facts, years)
        ok = (hours >= need_hours) | (days >= need_days)
        promotion = target.order > facts.cadres.standing
        applies = promotion & settings.enabled
        return Judgement(outcome(applies, ok, settings.warn), {"ok": ok})

    def line(self, facts: CadreFacts, target: Target, judged: Judgement, row: int) -> RuleResult:
        settings: Settings = self.settings(target.policy)
        years, need_hours, need_days = _need(settings, target.county)
        hours_of, days_of = training_sums(facts, years)
        hours, days = float(hours_of[row]), float(days_of[row])
        ok = bool(judged.values["ok"][row])
        return self.result(
            int(judged.status[row]),
            f"近{years}年培训{hours:g}学时、{days:g}天"
            + ("，达到" if ok else "，未达到")
            + f"{need_hours:g}学时或{need_days:g}天"
            + ("" if ok else "（可在任职后1年内补足）"),
            hours=hours,
            days=days,
            years=years,
        )

    def met_on(self, facts: CadreFacts, target: Target) -> Days:
        return self.holds_now(facts, target)  # only courses mend it

    def missing(self, facts: CadreFacts, target: Target) -> tuple[Floats, Floats]:
        """Each cadre's hours and days still missing in the window (0 where none is): a
        course of either length mends the rule (what a cadre's path looks for)."""
        settings: Settings = self.settings(target.policy)
        years, need_hours, need_days = _need(settings, target.county)
        hours, days = training_sums(facts, years)
        return np.maximum(need_hours - hours, 0.0), np.maximum(need_days - days, 0.0)

    def needs(self, facts: CadreFacts, target: Target, row: int) -> str:
        if self.holds(facts, target)[row]:
            return ""
        settings: Settings = self.settings(target.policy)
        years, need_hours, _ = _need(settings, target.county)
        hours, _days = training_sums(facts, years)
        return f"须参加培训，近{years}年尚缺{need_hours - float(hours[row]):g}学时"
