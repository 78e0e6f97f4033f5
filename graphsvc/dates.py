"""Parsing the date forms found in cadre records.

Cadre records write dates as ``1990.05`` (year.month) or ``1990.05.12``;
spreadsheets mix these with ISO dates, ``199005`` / ``19900512`` digit runs,
``1990年5月`` and Excel date cells (``datetime`` objects or serial numbers).
Month-precision dates become the first day of that month.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

__all__ = [
    "DATE_FORMS",
    "add_months",
    "completed_years",
    "format_cadre_date",
    "months_between",
    "parse_cadre_date",
    "years_between",
]

_SEPARATED = re.compile(
    r"^\s*(\d{4})\s*(?:[.\-/年])\s*(\d{1,2})\s*(?:(?:[.\-/月])\s*(\d{1,2})\s*日?)?\s*月?\s*$"
)
_DIGITS = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})?\s*$")
_YEAR_ONLY = re.compile(r"^\s*(\d{4})\s*年?\s*$")
DATE_FORMS = "应写作1990.05、1990.05.12或1990-05-12"
# Excel's day zero; serial 60 is the fictitious 1900-02-29, so dates after it shift by one.
_EXCEL_EPOCH = date(1899, 12, 30)


def _build(year: int, month: int, day: int | None) -> date:
    # Messages leave the value out: the loader shows it beside the reason.
    if not 1900 <= year <= 2100:
        raise ValueError(f"不是有效日期：年份{year}不在1900–2100之间；{DATE_FORMS}")
    if not 1 <= month <= 12:
        raise ValueError(f"不是有效日期：月份{month}不在1–12之间；{DATE_FORMS}")
    try:
        return date(year, month, day or 1)
    except ValueError:
        raise ValueError(f"不是有效日期：{year}年{month}月没有{day}日") from None


def parse_cadre_date(value: object) -> date | None:
    """Parse one date cell as written in cadre records.

    Parameters
    ----------
    value : object
        A string (``1990.05``, ``1990.05.12``, ``1990-05-12``, ``199005``,
        ``1990年5月``), a ``date``/``datetime`` (Excel date cells), an Excel
        serial number, or ``None``/empty.

    Returns
    -------
    datetime.date or None
        ``None`` for an empty cell; month-precision input gives day 1.

    Raises
    ------
    ValueError
        With a Chinese message saying what is wrong and how dates are written (the caller
        shows the value: the loader gives it beside the reason).
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise ValueError(f"不是日期：{DATE_FORMS}")
    if isinstance(value, int | float):
        number = float(value)
        if number.is_integer() and 190001 <= number <= 210012:
            return parse_cadre_date(str(int(number)))
        if number.is_integer() and 19000101 <= number <= 21001231:
            return parse_cadre_date(str(int(number)))
        if 1 <= number < 80000:
            return _EXCEL_EPOCH + timedelta(days=int(number))
        raise ValueError(f"不是日期：{DATE_FORMS}")
    text = str(value).strip()
    if not text:
        return None
    if match := _SEPARATED.match(text):
        year, month, day = match.groups()
        return _build(int(year), int(month), int(day) if day else None)
    if match := _DIGITS.match(text):
        year, month, day = match.groups()
        return _build(int(year), int(month), int(day) if day else None)
    if match := _YEAR_ONLY.match(text):
        return _build(int(match.group(1)), 1, None)
    # ISO with a time part, as some exports write it.
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        pass
    raise ValueError(f"不是日期：{DATE_FORMS}")


def format_cadre_date(value: date | None, *, with_day: bool = False) -> str:
    """Write a date the way cadre forms do: ``1990.05`` or ``1990.05.12``."""
    if value is None:
        return ""
    return value.strftime("%Y.%m.%d" if with_day else "%Y.%m")


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (clamped to the month's end: 01-31 + 1 month → 02-28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def months_between(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end`` (negative when end is earlier)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        months -= 1
    return months


def completed_years(start: date, end: date) -> int:
    """Whole years from ``start`` to ``end``: an age in 周岁 (27.9 years is 27岁)."""
    return months_between(start, end) // 12


def years_between(start: date, end: date) -> float:
    """Years from ``start`` to ``end`` in whole months, as a fraction (age, service)."""
    return months_between(start, end) / 12.0
