"""工作年限: 县处级 needs 5+ years of service (工龄)."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from graphsvc.dates import format_cadre_date
from queries.selection.rules.base import NAT, CountyYears, Days, day_of, months_after
from queries.selection.rules.facts import CadreFacts, Target

__all__ = ["ServiceYears", "service_months"]


def service_months(facts: CadreFacts) -> NDArray[np.int64]:
    """Each cadre's whole months since starting work (0 when unknown), remembered."""

    def compute() -> NDArray[np.int64]:
        start = facts.cadres.work_start
        months: NDArray[np.int64] = np.where(np.isnat(start), 0, facts.months_since(start))
        return months

    found: NDArray[np.int64] = facts.memo(("service_years", "months"), compute)
    return found


class ServiceYears(CountyYears):
    """A promotion to a 县处级 post needs ``min_years`` of service."""

    name = "service_years"
    title = "工作年限"
    counted = "工龄"
    required = "县处级要求"

    def months(self, facts: CadreFacts, settings: Any) -> NDArray[np.int64]:
        return service_months(facts)

    def met_on(self, facts: CadreFacts, target: Target) -> Days:
        settings = self.settings(target.policy)
        required = round(settings.min_years * 12)

        def due() -> Days:  # the same for every level: remembered once
            start = facts.cadres.work_start
            return np.where(np.isnat(start), NAT, months_after(start, np.asarray(required)))

        found: Days = facts.memo(("service_years", "due", required), due)
        return np.where(self.holds(facts, target), np.datetime64(target.as_of, "D"), found)

    def needs(self, facts: CadreFacts, target: Target, row: int) -> str:
        if self.holds(facts, target)[row]:
            return ""
        due = day_of(self.days(facts, target)[row])
        years = self.settings(target.policy).min_years
        return (
            f"{format_cadre_date(due, with_day=True)}工龄满{years:g}年" if due else "须有工作经历"
        )
