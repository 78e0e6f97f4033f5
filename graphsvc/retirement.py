"""The statutory retirement age by birth month (渐进式延迟法定退休年龄).

From 2025-01-01 the statutory age rises gradually over 15 years (全国人大常委会关于
实施渐进式延迟法定退休年龄的决定, 2024): men from 60 to 63 and women cadres from 55
to 58, one month later for every four months of birth from the first cohort, capped
at 36 months. This module holds the arithmetic and the law's defaults; the policy
(``queries.selection.policy.Retirement``) makes every number a setting.
"""

from __future__ import annotations

from datetime import date

from graphsvc.dates import add_months

__all__ = ["STATUTORY", "delay_months", "statutory_retirement"]

# gender → (base age, first delayed birth month, birth months per month of delay, cap)
STATUTORY: dict[str, tuple[int, date, int, int]] = {
    "男": (60, date(1965, 1, 1), 4, 36),
    "女": (55, date(1970, 1, 1), 4, 36),
}


def delay_months(birth: date, first_cohort: date, months_per_step: int, max_delay: int) -> int:
    """Months added to the base age for someone born in ``birth``'s month.

    Men (first cohort 1965-01, one month per four): born 1964-12 → 0, 1965-01 → 1,
    1965-05 → 2, 1968-05 → 11, 1976-09 and later → 36.
    """
    since_first = (birth.year - first_cohort.year) * 12 + (birth.month - first_cohort.month)
    if since_first < 0:
        return 0
    return min(since_first // months_per_step + 1, max_delay)


def statutory_retirement(birth: date, gender: str | None) -> date:
    """The day the law's default schedule retires a man (or, for ``"女"``, a woman cadre)."""
    base, first, step, cap = STATUTORY["女" if gender == "女" else "男"]
    return add_months(birth, base * 12 + delay_months(birth, first, step, cap))
