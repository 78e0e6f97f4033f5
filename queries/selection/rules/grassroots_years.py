"""基层工作经历: 县处级 needs 2+ years in grassroots units (乡镇, 街道, 村, 社区),
secondments counted, overlapping spans counted once."""

from __future__ import annotations

import numpy as np

from graphsvc.dates import format_cadre_date
from queries.selection.policy import GrassrootsYears as Settings
from queries.selection.rules.base import (
    NAT,
    CountyYears,
    Days,
    day_of,
    months_after,
    span,
)
from queries.selection.rules.facts import CadreFacts, Target

__all__ = ["GrassrootsYears", "grassroots"]

Ints = np.ndarray


def grassroots(facts: CadreFacts, settings: Settings) -> tuple[Ints, Days]:
    """Each cadre's grassroots months and the start of the run that goes on (NaT: none),
    as ``settings`` counts them (remembered on the facts)."""
    key = ("grassroots", tuple(settings.unit_kinds), settings.count_secondments)
    found: tuple[Ints, Days] = facts.memo(
        key,
        lambda: facts.histories.grassroots(
            kinds=settings.unit_kinds, count_secondments=settings.count_secondments
        ),
    )
    return found


class GrassrootsYears(CountyYears):
    """A promotion to a 县处级 post needs ``min_years`` of grassroots work."""

    name = "grassroots_years"
    title = "基层工作经历"
    counted = "基层工作经历"
    required = "要求"

    def months(self, facts: CadreFacts, settings: Settings) -> Ints:
        months, _ = grassroots(facts, settings)
        return months

    def met_on(self, facts: CadreFacts, target: Target) -> Days:
        """Months grow only while a grassroots post or secondment goes on: the day the run
        that goes on has added what is missing; NaT when none goes on."""
        settings: Settings = self.settings(target.policy)
        required = round(settings.min_years * 12)

        def due() -> Days:  # the same for every level: remembered once
            months, since = grassroots(facts, settings)
            missing = np.maximum(required - months, 0)
            run = np.where(np.isnat(since), 0, facts.months_since(since))
            return np.where(np.isnat(since), NAT, months_after(since, run + missing))

        key = ("grassroots_due", tuple(settings.unit_kinds), settings.count_secondments, required)
        found: Days = facts.memo(key, due)
        return np.where(self.holds(facts, target), np.datetime64(target.as_of, "D"), found)

    def needs(self, facts: CadreFacts, target: Target, row: int) -> str:
        if self.holds(facts, target)[row]:
            return ""
        settings: Settings = self.settings(target.policy)
        months, _ = grassroots(facts, settings)
        missing = span(round(settings.min_years * 12) - int(months[row]))
        due = day_of(self.days(facts, target)[row])
        if due is None:
            return f"须到基层（乡镇、街道、村、社区）工作或挂职，尚缺{missing}"
        return f"{format_cadre_date(due, with_day=True)}基层工作经历满{settings.min_years:g}年"
