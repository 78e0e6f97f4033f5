"""What the generator works with: the finished sample, and the posts and people it builds
before they become table rows; month arithmetic at the sample's month granularity."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

__all__ = ["Person", "Post", "Sample", "add_months", "first_of_month", "months_between"]


def first_of_month(year: int, month: int) -> date:
    return date(year, month, 1)


def add_months(day: date, months: int) -> date:
    """The first of the month ``months`` after ``day``'s month (the sample keeps no days)."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def months_between(start: date, end: date) -> int:
    """Calendar months from ``start``'s month to ``end``'s month, days ignored."""
    return (end.year - start.year) * 12 + end.month - start.month


@dataclass
class Sample:
    """The generated tables (table name → rows of field → value) and the manifest."""

    tables: dict[str, list[dict[str, Any]]]
    manifest: dict[str, Any]


@dataclass
class Post:
    id: str
    name: str
    unit_id: str
    level: str
    leadership: bool = False
    team_member: bool = False
    principal: bool = False
    function: str = "业务"
    role: str | None = None
    busy: list[tuple[date, date]] = field(default_factory=list)  # leadership tenures

    def free(self, start: date, end: date) -> bool:
        return all(end <= s or start >= e for s, e in self.busy)


@dataclass
class Person:
    id: str
    gender: str
    birth: date
    work_start: date
    channel: str
    unit_id: str
    post_id: str
    post_start: date
    level: str = "科员"
    hometown_unit_id: str | None = None
    recruit_date: date | None = None
    young_recruit: bool = False
