from datetime import date, datetime

import pytest

from graphsvc.dates import format_cadre_date, months_between, parse_cadre_date


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1990.05", date(1990, 5, 1)),
        ("1990.5", date(1990, 5, 1)),
        ("1990.05.12", date(1990, 5, 12)),
        ("1990-05-12", date(1990, 5, 12)),
        ("1990/5/12", date(1990, 5, 12)),
        ("199005", date(1990, 5, 1)),
        ("19900512", date(1990, 5, 12)),
        ("1990年5月", date(1990, 5, 1)),
        ("1990年05月12日", date(1990, 5, 12)),
        ("2019-05-01T00:00:00", date(2019, 5, 1)),
        (datetime(1990, 5, 12, 0, 0), date(1990, 5, 12)),
        (date(1990, 5, 12), date(1990, 5, 12)),
        (33005, date(1990, 5, 12)),  # an Excel serial number
        (199005, date(1990, 5, 1)),  # a YYYYMM cell Excel stored as a number
        ("  1990.05 ", date(1990, 5, 1)),
    ],
)
def test_parses_the_forms_found_in_cadre_records(raw: object, expected: date) -> None:
    assert parse_cadre_date(raw) == expected


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_empty_cells_are_no_date(raw: object) -> None:
    assert parse_cadre_date(raw) is None


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("1990.13", "^不是有效日期：月份13不在1–12之间；应写作1990.05、1990.05.12或1990-05-12$"),
        ("1990.02.30", "^不是有效日期：1990年2月没有30日$"),
        ("1800.01", "^不是有效日期：年份1800不在1900–2100之间；应写作"),
        ("去年", "^不是日期：应写作1990.05、1990.05.12或1990-05-12$"),
        ("12/05/1990", "^不是日期：应写作"),
        (True, "^不是日期：应写作"),
    ],
)
def test_bad_dates_say_what_is_wrong(raw: object, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_cadre_date(raw)


def test_format_and_months() -> None:
    assert format_cadre_date(date(1990, 5, 12)) == "1990.05"
    assert format_cadre_date(date(1990, 5, 12), with_day=True) == "1990.05.12"
    assert format_cadre_date(None) == ""
    assert months_between(date(2021, 3, 1), date(2023, 11, 1)) == 32
    assert months_between(date(2021, 3, 15), date(2021, 4, 14)) == 0


def test_add_months_clamps_to_the_month_end() -> None:
    from graphsvc.dates import add_months

    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert add_months(date(2023, 11, 15), 18) == date(2025, 5, 15)
    assert add_months(date(2023, 3, 1), -3) == date(2022, 12, 1)
