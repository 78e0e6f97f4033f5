"""How the pages write dates: ``1998.03`` for a month, ``1998.03.12`` for a day, as cadre
records do (the templates' ``ym`` and ``ymd`` filters, the tables and the downloads)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

__all__ = ["day_text", "moment_text", "month_text"]

_DIGITS = re.compile(r"^(\d{4})[-./年]?(\d{1,2})?(?:[-./月]?(\d{1,2}))?日?")


def _parts(value: Any) -> tuple[int, int | None, int | None] | None:
    if isinstance(value, datetime | date):
        return value.year, value.month, value.day
    match = _DIGITS.match(str(value).strip())
    if not match:
        return None
    year, month, day = match.groups()
    return int(year), int(month) if month else None, int(day) if day else None


def month_text(value: Any, empty: str = "—") -> str:
    """``1998.03`` for a date, an ISO day, ``199803``, ``1998.3`` or ``1998年3月``."""
    if value is None or value == "":
        return empty
    parts = _parts(value)
    if parts is None:
        return str(value)
    year, month, _ = parts
    return f"{year}.{month:02d}" if month else str(year)


def day_text(value: Any, empty: str = "—") -> str:
    """``1998.03.12`` (a time of day is left out); a month alone stays ``1998.03``."""
    if value is None or value == "":
        return empty
    parts = _parts(value)
    if parts is None:
        return str(value)
    year, month, day = parts
    if month and day:
        return f"{year}.{month:02d}.{day:02d}"
    return month_text(value, empty)


def moment_text(value: datetime | None, empty: str = "—") -> str:
    """``2026.12.03 14:05`` in the server's local time (a stored UTC time is converted)."""
    if value is None:
        return empty
    local = value.astimezone() if value.tzinfo else value
    return local.strftime("%Y.%m.%d %H:%M")
