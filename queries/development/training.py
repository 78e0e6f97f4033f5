"""Training compliance (教育培训): who is behind, by rule, and by unit.

Three checks, over the 12 months (or the years named) before the day of the
analysis, on completed courses with their credited hours:

- **yearly hours** (the report's target, ``[training].yearly_hours_target``,
  80): all credited hours in the last 12 months, online learning included;
- **the regulation** (``[rules.training]``): 乡科级 cadres 12+ days or 90+
  hours in the last 12 months; 县处级 and above 90+ days or 550+ hours in
  the last 5 years;
- **the pool**: each pool member at least one off-job course of at least
  ``pool_offjob_days`` days in the last ``pool_offjob_years`` years.

Cadres who started work within ``exempt_new_months`` are not yet counted.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from graphsvc.dates import add_months
from queries.development.data import DevelopmentData
from queries.development.results import (
    BelowHours,
    BelowRegulation,
    CountyBelowRegulation,
    PoolWithoutOffJob,
    TrainingResult,
    TrainingRow,
)
from queries.selection.records import CadreRecord

__all__ = ["training_compliance"]


def _since(record: CadreRecord, start: Any) -> tuple[float, float]:
    """Credited hours and days of courses started on or after ``start``."""
    courses = [c for c in record.courses if c.start >= start]
    return sum(c.hours for c in courses), sum(c.days for c in courses)


def training_compliance(*, data: DevelopmentData) -> TrainingResult:
    """Who is behind on training, under each rule, with figures by unit.

    Returns
    -------
    dict
        ``counted`` (cadres checked), ``below_yearly_hours``,
        ``below_regulation``, ``pool_without_offjob``, ``by_unit`` and
        ``hours_distribution`` (cadres per band of yearly hours).
    """
    policy = data.policy.training
    rule = data.policy.rules.training
    as_of = data.as_of
    year_ago = add_months(as_of, -12)
    five_years_ago = add_months(as_of, -60)
    pool_window = add_months(as_of, -round(policy.pool_offjob_years * 12))
    exempt_after = add_months(as_of, -policy.exempt_new_months)
    county = set(data.policy.county_levels)
    pool = data.pool_members()

    below_hours: list[BelowHours] = []
    below_rule: list[CountyBelowRegulation | BelowRegulation] = []
    pool_gap: list[PoolWithoutOffJob] = []
    by_unit: dict[str, Counter[str]] = {}
    bands: Counter[str] = Counter()
    counted = 0
    for cadre_id, record in sorted(data.records.items()):
        started = record.cadre.get("work_start")
        if started is None or started > exempt_after:
            continue
        counted += 1
        unit = data.units.name(data.branch(data.unit_of(cadre_id)))
        tally = by_unit.setdefault(unit, Counter())
        tally["counted"] += 1
        hours, days = _since(record, year_ago)
        bands[_band(hours)] += 1
        row: TrainingRow = {
            "cadre_id": cadre_id,
            "name": data.name(cadre_id),
            "unit_name": data.units.name(data.unit_of(cadre_id)),
            "level": record.cadre.get("level"),
            "hours_12m": round(hours, 1),
            "days_12m": round(days, 1),
        }
        if hours < policy.yearly_hours_target:
            below_hours.append({**row, "short_by": round(policy.yearly_hours_target - hours, 1)})
            tally["below_yearly_hours"] += 1
        if rule.enabled:
            if record.cadre.get("level") in county:
                hours_5y, days_5y = _since(record, five_years_ago)
                if hours_5y < rule.county_hours_5y and days_5y < rule.county_days_5y:
                    below_rule.append(
                        {
                            **row,
                            "hours_5y": round(hours_5y, 1),
                            "days_5y": round(days_5y, 1),
                            "rule": f"县处级5年内{rule.county_days_5y:g}天或"
                            f"{rule.county_hours_5y:g}学时",
                        }
                    )
                    tally["below_regulation"] += 1
            elif hours < rule.section_hours_per_year and days < rule.section_days_per_year:
                below_rule.append(
                    {
                        **row,
                        "rule": f"乡科级每年{rule.section_days_per_year:g}天或"
                        f"{rule.section_hours_per_year:g}学时",
                    }
                )
                tally["below_regulation"] += 1
        if cadre_id in pool:
            offjob = [
                c
                for c in record.courses
                if c.off_job and c.days >= policy.pool_offjob_days and c.start >= pool_window
            ]
            if not offjob:
                last = max((c.start for c in record.courses if c.off_job), default=None)
                pool_gap.append({**row, "last_offjob_course": last.isoformat() if last else None})
                tally["pool_without_offjob"] += 1
    return {
        "as_of": as_of.isoformat(),
        "counted": counted,
        "yearly_hours_target": policy.yearly_hours_target,
        "below_yearly_hours": sorted(below_hours, key=lambda r: r["hours_12m"]),
        "below_regulation": below_rule,
        "pool_without_offjob": pool_gap,
        "by_unit": [
            {
                "unit_name": unit,
                "counted": tally["counted"],
                "below_yearly_hours": tally["below_yearly_hours"],
                "below_regulation": tally["below_regulation"],
                "pool_without_offjob": tally["pool_without_offjob"],
                "compliance": round(1 - tally["below_yearly_hours"] / tally["counted"], 4),
            }
            for unit, tally in sorted(by_unit.items())
        ],
        "hours_distribution": {band: bands[band] for band in _BANDS if bands[band]},
    }


_BANDS = ("0学时", "1-39学时", "40-79学时", "80-119学时", "120学时以上")


def _band(hours: float) -> str:
    if hours <= 0:
        return _BANDS[0]
    for limit, band in ((40, _BANDS[1]), (80, _BANDS[2]), (120, _BANDS[3])):
        if hours < limit:
            return band
    return _BANDS[4]
