"""Cadre histories as flat columns, and the month counts the rules and scores take from them.

The selection rules and the ranking scores read, for every cadre, sums over their posts,
secondments and courses (grassroots months with overlaps counted once, months in units
of a kind, leadership posts held at a level, training hours in a window). Read record by
record that is several Python calls per cadre; here each kind of history is one table
(a row per post held, per secondment, per course, with the cadre's row number) and each
count is a handful of array operations over it. Every function returns exactly what its
per-record counterpart in :mod:`queries.selection.eligibility` or
:mod:`queries.selection.ranking` computes (tests compare them); a cadre with a span that
ends before it starts, which the array form would merge differently, is counted by the
per-record function.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import chain
from operator import attrgetter, methodcaller
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from graphsvc.vocab import LEVEL_ORDER, RANK_LEVEL, Level, Rank
from queries.selection.eligibility import grassroots_months
from queries.selection.records import CadreRecord, UnitIndex

__all__ = ["CadreColumns", "Histories", "date_column", "months_between_columns", "months_to"]

Ints = NDArray[np.int64]
Floats = NDArray[np.float64]
Days = NDArray[np.datetime64]

_NO_LEVEL = -1
_Item = TypeVar("_Item")


_EPOCH = date(1970, 1, 1).toordinal()
_NAT = np.datetime64("NaT", "D").astype(np.int64)


def date_column(values: Iterable[date | None]) -> Days:
    """Dates as ``datetime64[D]``; ``None`` is NaT."""
    # Day numbers through C-level calls: numpy converts ints far faster than dates.
    items = values if isinstance(values, list) else list(values)
    present = np.array([d is not None for d in items], dtype=bool)
    known = [d for d in items if d is not None]
    days = np.full(len(items), _NAT, dtype=np.int64)
    days[present] = np.fromiter(map(date.toordinal, known), np.int64, len(known)) - _EPOCH
    return days.view("datetime64[D]")


def _months_and_days(days: Days) -> tuple[Ints, Ints]:
    """Months since 1970-01 and the day of the month."""
    months = days.astype("datetime64[M]")
    return months.astype(np.int64), (days - months).astype(np.int64) + 1


def months_between_columns(start: Days, end: Days | date) -> Ints:
    """:func:`graphsvc.dates.months_between` element by element (NaT gives garbage: mask
    it)."""
    end_days = np.datetime64(end, "D") if isinstance(end, date) else end
    start_month, start_day = _months_and_days(start)
    end_month, end_day = _months_and_days(np.asarray(end_days))
    return end_month - start_month - (end_day < start_day)


@dataclass
class Histories:
    """Posts held, secondments and courses of cadres ``0..n-1``, one row each."""

    cadres: int
    as_of: date
    # posts held (tenures)
    tenure_cadre: Ints
    kind_codes: dict[str | None, int]  # unit kind → its number in the kind columns
    tenure_kind: Ints  # the post's unit kind
    tenure_start: Days
    tenure_end: Days  # NaT: still held
    tenure_level: Ints  # LEVEL_ORDER of the post's level, -1 unknown
    tenure_leadership: NDArray[np.bool_]
    tenure_post: Ints  # a number per post id
    tenure_unit: Ints  # a number per unit id of the post (``unit_ids``), -1 none
    unit_ids: list[str]  # the post units' ids, by number
    # rotations and secondments (交流/轮岗/挂职)
    stint_cadre: Ints
    stint_kind: Ints
    stint_start: Days
    stint_end: Days
    # completed courses
    course_cadre: Ints
    course_start: Days
    course_hours: Floats
    course_days: Floats

    @classmethod
    def build(cls, records: Sequence[CadreRecord], units: UnitIndex, *, as_of: date) -> Histories:
        """The tables of ``records`` (row ``n`` is ``records[n]``)."""
        tenures, tenure_cadre = _flatten([record.tenures for record in records])
        stints, stint_cadre = _flatten([record.rotations for record in records])
        courses, course_cadre = _flatten([record.courses for record in records])
        kind_codes: dict[str | None, int] = {None: 0}
        kind_of = {
            unit_id: kind_codes.setdefault(unit.get("kind"), len(kind_codes))
            for unit_id, unit in units.units.items()
        }
        levels = {level.value: order for level, order in LEVEL_ORDER.items()}
        post_numbers: dict[str, int] = {}
        unit_numbers: dict[str, int] = {}
        tenure_posts = [t.post for t in tenures]
        post_units = [post.get("unit_id") for post in tenure_posts]
        return cls(
            cadres=len(records),
            as_of=as_of,
            tenure_cadre=tenure_cadre,
            kind_codes=kind_codes,
            tenure_kind=np.array(
                [kind_of.get(unit_id or "", 0) for unit_id in post_units], dtype=np.int64
            ),
            tenure_start=date_column(list(map(attrgetter("start"), tenures))),
            tenure_end=date_column(list(map(attrgetter("end"), tenures))),
            tenure_level=np.array(
                [levels.get(str(post.get("level")), _NO_LEVEL) for post in tenure_posts],
                dtype=np.int64,
            ),
            tenure_leadership=np.array(
                [bool(post.get("leadership")) for post in tenure_posts], dtype=bool
            ),
            tenure_post=np.array(
                [post_numbers.setdefault(t.post_id, len(post_numbers)) for t in tenures],
                dtype=np.int64,
            ),
            tenure_unit=np.array(
                [
                    unit_numbers.setdefault(str(unit_id), len(unit_numbers)) if unit_id else -1
                    for unit_id in post_units
                ],
                dtype=np.int64,
            ),
            unit_ids=list(unit_numbers),
            stint_cadre=stint_cadre,
            stint_kind=np.array([kind_of.get(s.unit_id or "", 0) for s in stints], dtype=np.int64),
            stint_start=date_column(list(map(attrgetter("start"), stints))),
            stint_end=date_column(list(map(attrgetter("end"), stints))),
            course_cadre=course_cadre,
            course_start=date_column(list(map(attrgetter("start"), courses))),
            course_hours=np.array([c.hours for c in courses], dtype=float),
            course_days=np.array([c.days for c in courses], dtype=float),
        )

    def _spans(
        self, cadre: Ints, kind: Ints, start: Days, end: Days, kinds: Collection[str | None]
    ) -> tuple[Ints, Days, Days]:
        """Spans in units of ``kinds`` begun before the day, cut at the day (as the rules do)."""
        day = np.datetime64(self.as_of, "D")
        codes = [self.kind_codes[k] for k in kinds if k in self.kind_codes]
        keep = np.isin(kind, codes) & (start < day)
        cut = np.where(np.isnat(end[keep]) | (end[keep] > day), day, end[keep])
        return cadre[keep], start[keep], cut

    def months_in_kinds(self, kinds: Collection[str | None]) -> dict[str | None, Floats]:
        """Per unit kind, each cadre's months in posts of units of that kind (overlaps
        counted each time), as ``CadreArrays`` sums them."""
        found: dict[str | None, Floats] = {}
        for kind in kinds:
            cadre, start, end = self._spans(
                self.tenure_cadre,
                self.tenure_kind,
                self.tenure_start,
                self.tenure_end,
                [kind],
            )
            months = months_between_columns(start, end).astype(float)
            found[kind] = _sums(cadre, months, self.cadres)
        return found

    def grassroots(
        self,
        records: Sequence[CadreRecord],
        units: UnitIndex,
        *,
        kinds: Collection[str],
        count_secondments: bool = True,
    ) -> Ints:
        """:func:`~queries.selection.eligibility.grassroots_months` of every cadre."""
        parts = [
            self._spans(
                self.tenure_cadre, self.tenure_kind, self.tenure_start, self.tenure_end, kinds
            )
        ]
        if count_secondments:
            parts.append(
                self._spans(
                    self.stint_cadre, self.stint_kind, self.stint_start, self.stint_end, kinds
                )
            )
        cadre = np.concatenate([p[0] for p in parts])
        start = np.concatenate([p[1] for p in parts]).astype(np.int64)
        end = np.concatenate([p[2] for p in parts]).astype(np.int64)
        # Spans merged as the per-record function does: sorted by (start, end), a new run
        # where a span starts after the latest end so far. With a span ending before it
        # starts the two can differ: such cadres are counted one by one below.
        order = np.lexsort((end, start, cadre))
        cadre, start, end = cadre[order], start[order], end[order]
        offset = 10**7  # days: more than any date range, so each cadre's keys stay apart
        keyed = cadre * (4 * offset) + (end + offset)
        latest = np.maximum.accumulate(keyed) - cadre * (4 * offset) - offset if len(cadre) else end
        first = np.ones(len(cadre), dtype=bool)
        if len(cadre):
            first[1:] = (cadre[1:] != cadre[:-1]) | (start[1:] > latest[:-1])
        starts = np.flatnonzero(first)
        lasts = np.append(starts[1:] - 1, len(cadre) - 1) if len(starts) else starts
        run_months = months_between_columns(
            start[starts].astype("datetime64[D]"), latest[lasts].astype("datetime64[D]")
        )
        total = np.bincount(
            cadre[starts], weights=run_months.astype(float), minlength=self.cadres
        ).astype(np.int64)
        for n in np.unique(cadre[end < start]).tolist():
            total[n] = grassroots_months(
                records[n],
                units,
                kinds=kinds,
                as_of=self.as_of,
                count_secondments=count_secondments,
            )
        return total

    def leadership_posts_at(self, level: Level) -> Ints:
        """Each cadre's distinct leadership posts of ``level`` ever held."""
        keep = self.tenure_leadership & (self.tenure_level == LEVEL_ORDER[level])
        pairs = np.unique(np.stack([self.tenure_cadre[keep], self.tenure_post[keep]]), axis=1)
        return np.bincount(pairs[0], minlength=self.cadres).astype(np.int64)

    def current_units(self) -> tuple[Ints, Ints]:
        """``(cadre, unit)`` number pairs of the posts held on the day (unit known), each
        pair once, sorted."""
        day = np.datetime64(self.as_of, "D")
        end = self.tenure_end
        now = (self.tenure_start <= day) & (np.isnat(end) | (end > day)) & (self.tenure_unit >= 0)
        pairs = np.unique(np.stack([self.tenure_cadre[now], self.tenure_unit[now]]), axis=1)
        return pairs[0], pairs[1]

    def course_sums(self, keep: NDArray[np.bool_]) -> tuple[Floats, Floats]:
        """Each cadre's hours and days of the courses ``keep`` selects, summed in the
        records' order (so the floats equal Python's ``sum``)."""
        cadre = self.course_cadre[keep]
        hours = _sums(cadre, self.course_hours[keep], self.cadres)
        days = _sums(cadre, self.course_days[keep], self.cadres)
        return hours, days


def _flatten(lists: Sequence[Sequence[_Item]]) -> tuple[list[_Item], Ints]:
    """The items of every list in one list, and the number of the list each came from."""
    counts = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    return list(chain.from_iterable(lists)), np.repeat(np.arange(len(lists)), counts)


def _sums(rows: Ints, values: Floats, length: int) -> Floats:
    """Each row's values summed in order (``bincount`` adds them one after another)."""
    sums: Floats = np.bincount(rows, weights=values, minlength=length).astype(np.float64)
    return sums


@dataclass
class CadreColumns:
    """The cadre properties the rules read, one row per cadre, and the standing of
    :func:`~queries.selection.eligibility.level_standing` computed over them."""

    level: Ints  # LEVEL_ORDER of the leadership level (科员 when unknown)
    level_since: Days
    standing: Ints  # LEVEL_ORDER of the level the cadre counts as
    standing_since: Days
    rank_position: Ints  # position in Rank, -1 none
    rank_since: Days
    work_start: Days
    birth: Days
    probation_until: Days

    @classmethod
    def build(cls, cadres: Sequence[dict[str, Any]]) -> CadreColumns:
        staff = LEVEL_ORDER[Level.STAFF]
        level_of = {level.value: order for level, order in LEVEL_ORDER.items()}
        rank_of = {rank.value: n for n, rank in enumerate(Rank)}
        rank_level = np.array([LEVEL_ORDER[RANK_LEVEL[rank]] for rank in Rank], dtype=np.int64)
        level = np.array([level_of.get(str(c.get("level")), staff) for c in cadres], np.int64)
        since = date_column(list(map(methodcaller("get", "level_since"), cadres)))
        # ``_rank``: a falsy value is no rank; an unknown one neither.
        rank = np.array(
            [rank_of.get(str(c.get("rank")), -1) if c.get("rank") else -1 for c in cadres],
            dtype=np.int64,
        )
        rank_since = date_column(list(map(methodcaller("get", "rank_since"), cadres)))
        has_rank = rank >= 0
        by_rank = np.where(has_rank, rank_level[np.maximum(rank, 0)], -1)
        # A higher rank's level counts, from the rank's date; the same level's earlier
        # rank date counts for the level.
        higher = has_rank & (by_rank > level)
        earlier = (
            has_rank
            & (by_rank == level)
            & ~np.isnat(rank_since)
            & (np.isnat(since) | (rank_since < since))
        )
        return cls(
            level=level,
            level_since=since,
            standing=np.where(higher, by_rank, level),
            standing_since=np.where(higher | earlier, rank_since, since),
            rank_position=rank,
            rank_since=rank_since,
            work_start=date_column(list(map(methodcaller("get", "work_start"), cadres))),
            birth=date_column(list(map(methodcaller("get", "birth"), cadres))),
            probation_until=date_column(list(map(methodcaller("get", "probation_until"), cadres))),
        )

    def last_promotion(self) -> Days:
        """:func:`~queries.selection.eligibility.last_promotion` of every cadre (NaT: none)."""
        since = self.level_since
        never = (self.level == LEVEL_ORDER[Level.STAFF]) | np.isnat(since)
        never |= ~np.isnat(self.work_start) & (since <= self.work_start)
        return np.where(never, np.datetime64("NaT", "D"), since)


def months_to(days: Days, as_of: date, missing: int) -> Ints:
    """Whole months from each day to ``as_of``; ``missing`` where the day is NaT."""
    return np.where(np.isnat(days), missing, months_between_columns(days, as_of))
