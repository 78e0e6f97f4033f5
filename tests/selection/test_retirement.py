"""Statutory retirement dates under the 2025 schedule, by birth month, gender and level."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from queries.selection.columns import date_column
from queries.selection.policy import load_policy
from queries.selection.retirement import delay_months, retirement_date, retirement_dates

RETIREMENT = load_policy().retirement


def retires(born: tuple[int, int], gender: str, *, county: bool = False, **policy: object) -> date:
    retirement = RETIREMENT.model_copy(update=policy)
    cadre = {"birth": date(*born, 1), "gender": gender}
    found = retirement_date(cadre, retirement=retirement, county=county)
    assert found is not None
    return found


@pytest.mark.parametrize(
    ("born", "expected"),
    [
        ((1960, 6), (2020, 6)),  # long before the reform: 60
        ((1964, 12), (2024, 12)),  # the last cohort at 60
        ((1965, 1), (2025, 2)),  # first cohort: 60 and 1 month
        ((1965, 4), (2025, 5)),  # same step of four birth months
        ((1965, 5), (2025, 7)),  # next step: 60 and 2 months
        ((1968, 5), (2029, 4)),  # mid-schedule: 60 and 11 months (not 2028-05)
        ((1976, 8), (2039, 7)),  # one month short of the cap: 60 and 35 months
        ((1976, 9), (2039, 9)),  # reaches the cap: 63
        ((1985, 3), (2048, 3)),  # past the cap: still 63
    ],
)
def test_men_from_60_to_63(born: tuple[int, int], expected: tuple[int, int]) -> None:
    assert retires(born, "男") == date(*expected, 1)


@pytest.mark.parametrize(
    ("born", "expected"),
    [
        ((1966, 3), (2021, 3)),  # before the reform: 55
        ((1969, 12), (2024, 12)),  # the last cohort at 55
        ((1970, 1), (2025, 2)),  # first cohort: 55 and 1 month
        ((1972, 6), (2028, 2)),  # mid-schedule: 55 and 8 months
        ((1981, 9), (2039, 9)),  # reaches the cap: 58
        ((1990, 1), (2048, 1)),  # past the cap: 58
    ],
)
def test_women_cadres_from_55_to_58(born: tuple[int, int], expected: tuple[int, int]) -> None:
    assert retires(born, "女") == date(*expected, 1)


def test_women_at_county_level_where_a_department_applies_60() -> None:
    # Off by default: a woman 副处 follows the women cadres' schedule.
    assert retires((1966, 3), "女", county=True) == date(2021, 3, 1)
    # On: she follows the 60 → 63 schedule, as men do.
    assert retires((1966, 3), "女", county=True, female_county_apply=True) == date(2026, 7, 1)
    assert retires((1964, 5), "女", county=True, female_county_apply=True) == date(2024, 5, 1)
    # Not at county level: unchanged even with the setting on.
    assert retires((1966, 3), "女", female_county_apply=True) == date(2021, 3, 1)


def test_the_delay_is_capped_and_counted_in_steps_of_birth_months() -> None:
    men = RETIREMENT.male
    assert [delay_months(date(1965, m, 1), men) for m in (1, 4, 5, 8, 9)] == [1, 1, 2, 2, 3]
    assert delay_months(date(2000, 1, 1), men) == 36
    workers = men.model_copy(
        update={
            "base_age": 50,
            "first_cohort": "1975-01",
            "birth_months_per_step": 2,
            "max_delay_months": 60,
        }
    )
    assert [delay_months(date(1975, m, 1), workers) for m in (1, 2, 3)] == [1, 1, 2]
    assert delay_months(date(1990, 1, 1), workers) == 60


def test_a_recorded_retirement_date_wins() -> None:
    cadre = {"birth": date(1968, 5, 1), "gender": "男", "retire_date": date(2027, 1, 1)}
    assert retirement_date(cadre, retirement=RETIREMENT) == date(2027, 1, 1)
    assert retirement_date({"gender": "男"}, retirement=RETIREMENT) is None


def test_retirement_dates_of_many_cadres_over_columns() -> None:
    births = [date(1968, 5, 31), date(1972, 6, 30), date(1964, 12, 15), date(1966, 3, 1), None]
    female = np.array([False, True, False, True, True])
    county = np.array([False, False, True, True, False])
    got = retirement_dates(date_column(births), female, county, retirement=RETIREMENT)
    assert got.tolist() == [
        date(2029, 4, 30),  # a man, 60 and 11 months: April has no 31st
        date(2028, 2, 29),  # a woman cadre, 55 and 8 months: a leap February
        date(2024, 12, 15),  # the last cohort at 60
        date(2021, 3, 1),  # a woman 副处 follows the women cadres' schedule by default
        None,  # no birth day, no date
    ]
    applied = RETIREMENT.model_copy(update={"female_county_apply": True})
    got = retirement_dates(date_column(births), female, county, retirement=applied)
    assert got.tolist()[3] == date(2026, 7, 1)  # 60 and 4 months where a department applies 60
    for born, woman, at_county, day in zip(births[:4], female, county, got.tolist(), strict=False):
        cadre = {"birth": born, "gender": "女" if woman else "男"}
        assert retirement_date(cadre, retirement=applied, county=bool(at_county)) == day
