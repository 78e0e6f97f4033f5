"""Statutory retirement dates (法定退休年龄), by birth month, gender and level.

From 2025-01-01 the statutory age rises gradually over 15 years (全国人大常委会
关于实施渐进式延迟法定退休年龄的决定, 2024): men from 60 to 63 and women cadres from
55 to 58, one month later for every four months of birth, capped at 36 months.
The schedules are policy settings (``[retirement]``), so a department can add the
60 that applies to women at 县处级, or a later change of the law.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
from numpy.typing import NDArray

from graphsvc.dates import add_months
from graphsvc.retirement import delay_months as statutory_delay
from queries.selection.columns import add_months_columns
from queries.selection.policy import Retirement, RetirementSchedule

__all__ = ["delay_months", "retirement_age_months", "retirement_date", "retirement_dates"]


def delay_months(birth: date, schedule: RetirementSchedule) -> int:
    """Months added to ``schedule.base_age`` for someone born in ``birth``'s month.

    Examples
    --------
    Men (60, first cohort 1965-01, one month per four): born 1964-12 → 0, 1965-01 → 1,
    1965-05 → 2, 1968-05 → 11, 1976-09 and later → 36.
    """
    year, month = (int(part) for part in schedule.first_cohort.split("-"))
    return statutory_delay(
        birth, date(year, month, 1), schedule.birth_months_per_step, schedule.max_delay_months
    )


def _schedule(gender: str | None, county: bool, retirement: Retirement) -> RetirementSchedule:
    if gender != "女":
        return retirement.male
    if county and retirement.female_county_apply:
        return retirement.female_county
    return retirement.female


def retirement_age_months(
    birth: date, gender: str | None, *, county: bool = False, retirement: Retirement
) -> int:
    """The statutory retirement age in months for this birth month, gender and level."""
    schedule = _schedule(gender, county, retirement)
    return schedule.base_age * 12 + delay_months(birth, schedule)


def retirement_date(
    cadre: dict[str, Any], *, retirement: Retirement, county: bool = False
) -> date | None:
    """The day a cadre reaches the statutory retirement age; a recorded 预计退休时间 wins.

    Parameters
    ----------
    cadre : dict
        ``birth`` and ``gender`` are read; ``retire_date`` when recorded overrides.
    retirement : Retirement
        The policy's schedules.
    county : bool
        Whether the cadre is at 县处级 (for ``female_county_apply``).

    Returns
    -------
    date or None
        ``None`` without a birth date.
    """
    recorded: date | None = cadre.get("retire_date")
    if recorded is not None:
        return recorded
    birth: date | None = cadre.get("birth")
    if birth is None:
        return None
    months = retirement_age_months(
        birth, str(cadre.get("gender") or ""), county=county, retirement=retirement
    )
    return add_months(birth, months)


def _delays(months: NDArray[np.int64], schedule: RetirementSchedule) -> NDArray[np.int64]:
    """:func:`delay_months` of many birth months (months since 1970-01)."""
    year, month = (int(part) for part in schedule.first_cohort.split("-"))
    since_first = months - ((year - 1970) * 12 + month - 1)
    steps = np.minimum(since_first // schedule.birth_months_per_step + 1, schedule.max_delay_months)
    found: NDArray[np.int64] = np.where(since_first < 0, 0, steps)
    return found


def retirement_dates(
    birth: NDArray[np.datetime64],
    female: NDArray[np.bool_],
    county: NDArray[np.bool_],
    *,
    retirement: Retirement,
) -> NDArray[np.datetime64]:
    """:func:`retirement_date` of many cadres from their birth days, genders and levels
    (NaT without a birth day), over columns: each one's schedule, its age in months, and
    the birth day that many months later."""
    female = np.asarray(female, dtype=bool)
    women_county = female & np.asarray(county, dtype=bool) & retirement.female_county_apply
    months = birth.astype("datetime64[M]").astype(np.int64)  # garbage where NaT: masked
    age = np.zeros(len(birth), dtype=np.int64)
    for chosen, schedule in (
        (~female, retirement.male),
        (female & ~women_county, retirement.female),
        (women_county, retirement.female_county),
    ):
        age = np.where(chosen, schedule.base_age * 12 + _delays(months, schedule), age)
    return add_months_columns(birth, age)
