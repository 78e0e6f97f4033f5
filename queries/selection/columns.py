"""Cadre histories as flat columns, and the month counts the rules and scores take from them.

The selection rules and the ranking scores read, for every cadre, sums over their posts,
secondments and courses (grassroots months with overlaps counted once, months in units
of a kind, leadership posts held at a level, training hours in a window). Read record by
record that is several Python calls per cadre; here each kind of history is one table
(a row per post held, per secondment, per course, with the cadre's row number) and each
count is a handful of array operations over it. Every function returns exactly what its
meaning is stated beside it and tested on hand-worked cadres; the rule units
(:mod:`queries.selection.rules`) and the scores (:mod:`queries.selection.scores`) read
them. A span never ends before it starts (the model refuses such rows).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date
from itertools import chain
from operator import attrgetter, methodcaller
from typing import Any, TypeVar

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from graphsvc.arrays import distinct_pairs
from graphsvc.snapshot import pylist
from graphsvc.vocab import LEVEL_ORDER, RANK_LEVEL, Level, Rank
from queries.selection.records import CadreRecord, SnapshotGraph, UnitIndex, date_days

__all__ = [
    "CadreColumns",
    "Histories",
    "RowRecords",
    "add_months_columns",
    "codes",
    "date_column",
    "month_shift",
    "months_between_columns",
    "months_to",
    "put_rows",
    "snapshot_dates",
    "splice_events",
]

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


def snapshot_dates(column: pa.ChunkedArray | pa.Array, rows: Ints | None = None) -> Days:
    """A snapshot's date column (of ``rows``, all when ``None``) as ``datetime64[D]``."""
    days, valid = date_days(
        column if isinstance(column, pa.ChunkedArray) else pa.chunked_array([column])
    )
    if rows is not None:
        days, valid = days[rows], valid[rows]
    return np.where(valid, days, _NAT).view("datetime64[D]")


def put_rows(old: NDArray[Any], rows: Ints, new: NDArray[Any]) -> NDArray[Any]:
    """A copy of the per-cadre column ``old`` with ``rows`` set to ``new`` (the old column
    may still be read: a read model patched for a write answers beside the one before)."""
    found = old.copy()
    found[rows] = new
    return found


def splice_events(
    owner: Ints, rows: Ints, part_owner: Ints, columns: Sequence[tuple[Any, Any]]
) -> tuple[Ints, list[Any]]:
    """An event table (a row per post held, grade, course ...) with the events of cadres
    ``rows`` replaced by another table's (``part_owner`` numbers them ``0..k-1``:
    ``rows[k]`` is its cadre ``k``). ``columns``: each column of the old table beside the
    same column of the other (arrays or lists). Events stay sorted by owner, each owner's
    in their order."""
    keep = np.flatnonzero(~np.isin(owner, rows))
    merged = np.concatenate([owner[keep], rows[part_owner]]).astype(np.int64)
    order = np.argsort(merged, kind="stable")
    found: list[Any] = []
    for old, new in columns:
        if isinstance(old, list):  # text: permuted as an object array, in C
            both = np.concatenate([_objects(old)[keep], _objects(new)])
            found.append(both[order].tolist())
        else:
            found.append(np.concatenate([old[keep], new])[order])
    return merged[order], found


def _objects(values: Sequence[Any]) -> NDArray[np.object_]:
    """``values`` as a 1-d object array (never 2-d, whatever the values are)."""
    found = np.empty(len(values), dtype=object)
    found[:] = list(values)
    return found


def _first_seen_numbers(values: Ints) -> tuple[Ints, Ints]:
    """Each value's number in order of first appearance, and the values by number."""
    if not len(values):
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    distinct, first, inverse = np.unique(values, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    number = np.empty(len(distinct), dtype=np.int64)
    number[order] = np.arange(len(distinct))
    return number[inverse.reshape(-1)], distinct[order]


def codes(values: pa.ChunkedArray | pa.Array, codes: dict[Any, int], missing: int) -> Ints:
    """Each value of a (possibly dictionary-encoded) text column looked up in ``codes``."""
    array = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    if pa.types.is_dictionary(array.type):
        lookup = np.array(
            [codes.get(v, missing) for v in array.dictionary.to_pylist()] + [missing], np.int64
        )
        indices = np.asarray(array.indices.fill_null(len(array.dictionary)), dtype=np.int64)
        return lookup[indices]
    return np.array([codes.get(v, missing) for v in array.to_pylist()], dtype=np.int64)


class RowRecords(Sequence[CadreRecord]):
    """Records by row number (row ``n``: ``records[ids[n]]``), each read only when used."""

    def __init__(self, records: Mapping[str, CadreRecord], ids: Sequence[str]) -> None:
        self.records = records
        self.ids = ids

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, row: Any) -> Any:
        if isinstance(row, slice):
            return [self.records[c] for c in self.ids[row]]
        return self.records[self.ids[int(row)]]


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


def month_shift(start: Days, months: NDArray[Any]) -> tuple[Days, Ints, Ints]:
    """For each day of ``start`` and count of ``months``: the first day of the month that
    many months after the day's own, that month's length in days, and the day's offset in
    its own month (0 on the first). Garbage where ``start`` is NaT: mask it."""
    own = start.astype("datetime64[M]")
    offset = (start - own.astype("datetime64[D]")).astype(np.int64)
    target = own + np.asarray(months, dtype=np.int64).astype("timedelta64[M]")
    first = target.astype("datetime64[D]")
    length = ((target + 1).astype("datetime64[D]") - first).astype(np.int64)
    return first, length, offset


def add_months_columns(start: Days, months: NDArray[Any]) -> Days:
    """:func:`graphsvc.dates.add_months` element by element: the same day ``months``
    later, clamped to the month's end (01-31 + 1 month → 02-28); NaT where ``start`` is."""
    first, length, offset = month_shift(start, months)
    found: Days = first + np.minimum(offset, length - 1).astype("timedelta64[D]")
    return np.where(np.isnat(start), np.datetime64("NaT", "D"), found)


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
    tenure_principal: NDArray[np.bool_]  # a 正职 post (the post's 是否正职)
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
            tenure_principal=np.array(
                [bool(post.get("principal")) for post in tenure_posts], dtype=bool
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

    @classmethod
    def from_snapshot(
        cls, graph: SnapshotGraph, rows: Ints, units: UnitIndex, *, as_of: date
    ) -> Histories:
        """The tables of the snapshot's cadre ``rows`` (row ``n`` is ``rows[n]``), read from
        its columns: exactly what :meth:`build` makes of their records, in the same order."""
        snap = graph.snapshot
        n = len(rows)
        position = np.full(snap.nodes("Cadre").num_rows, -1, dtype=np.int64)
        position[rows] = np.arange(n)
        kind_codes: dict[str | None, int] = {None: 0}
        kind_of = {
            unit_id: kind_codes.setdefault(unit.get("kind"), len(kind_codes))
            for unit_id, unit in units.units.items()
        }
        # Posts held: a record's tenures are its HOLDS edges in table order, sorted by start.
        held = snap.edges("HOLDS")
        edge, owner = graph.group("HOLDS", "_src").rows(rows)
        cadre = position[owner]
        start = np.asarray(held.column("start").combine_chunks().cast(pa.int32()), np.int64)[edge]
        order = np.lexsort((np.arange(len(edge)), start, cadre))
        edge, cadre = edge[order], cadre[order]
        posts = snap.nodes("Post")
        post_row = np.asarray(held.column("_dst").combine_chunks(), dtype=np.int64)[edge]
        known = post_row >= 0
        safe = np.where(known, post_row, 0)
        levels = {level.value: order for level, order in LEVEL_ORDER.items()}
        if posts.num_rows:
            post_level = codes(posts.column("level"), levels, _NO_LEVEL)
            post_leadership, post_principal = (
                np.asarray(posts.column(name).combine_chunks().fill_null(False), dtype=bool)
                for name in ("leadership", "principal")
            )
            post_units = pylist(posts.column("unit_id"))
        else:
            post_level = np.zeros(1, np.int64)
            post_leadership = post_principal = np.zeros(1, bool)
            post_units = [None]
        unit_by_post = np.array([kind_of.get(u or "", 0) for u in post_units], dtype=np.int64)
        # Unit numbers in first-seen order over the tenures, as ``build`` numbers them.
        unit_texts = sorted({str(u) for u in post_units if u})
        unit_code = {u: k for k, u in enumerate(unit_texts)}
        unit_of_post = np.array([unit_code[str(u)] if u else -1 for u in post_units], np.int64)
        tenure_unit_raw = np.where(known, unit_of_post[safe], -1)
        present = tenure_unit_raw >= 0
        numbers, distinct = _first_seen_numbers(tenure_unit_raw[present])
        tenure_unit = np.full(len(edge), -1, dtype=np.int64)
        tenure_unit[present] = numbers
        # Posts are numbered by id in first-seen order: a post's row stands for its id (a
        # post missing from the table by its id, after every row).
        post_key = post_row.copy()
        if not known.all():
            missing_ids = np.asarray(pylist(held.column("dst")), dtype=object)[edge[~known]]
            _, missing_key = np.unique(missing_ids.astype(str), return_inverse=True)
            post_key[~known] = posts.num_rows + missing_key.reshape(-1)
        tenure_post, _ = _first_seen_numbers(post_key)
        # Secondments, in table order per cadre.
        stints = snap.edges("ROTATED_TO")
        stint_edge, stint_owner = graph.group("ROTATED_TO", "_src").rows(rows)
        stint_kind = codes(stints.column("dst"), kind_of, 0)[stint_edge]
        # Completed courses of trainings that exist, in table order per cadre.
        attended = snap.edges("ATTENDED")
        course_edge, course_owner = graph.group("ATTENDED", "_src").rows(rows)
        training_row = np.asarray(attended.column("_dst").combine_chunks(), np.int64)[course_edge]
        # ``_course``: an attendance marked not completed, or of no training, is no course.
        completed = attended.column("completed").combine_chunks().fill_null(True)
        keep = np.asarray(completed, dtype=bool)[course_edge] & (training_row >= 0)
        course_edge, course_owner, training_row = (
            course_edge[keep],
            course_owner[keep],
            training_row[keep],
        )
        trainings = snap.nodes("Training")
        course_hours_of = np.array([float(t[3] or 0) for t in graph.courses] or [0.0], dtype=float)
        course_days_of = np.array([t[2] for t in graph.courses] or [0.0], dtype=float)
        hours = np.asarray(attended.column("hours").combine_chunks().fill_null(0.0), float)
        own_hours = hours[course_edge]  # ``props.get("hours") or course.get("hours", 0)``
        return cls(
            cadres=n,
            as_of=as_of,
            tenure_cadre=cadre,
            kind_codes=kind_codes,
            tenure_kind=np.where(known, unit_by_post[safe], 0),
            tenure_start=snapshot_dates(held.column("start"), edge),
            tenure_end=snapshot_dates(held.column("end"), edge),
            tenure_level=np.where(known, post_level[safe], _NO_LEVEL),
            tenure_leadership=np.where(known, post_leadership[safe], False),
            tenure_principal=np.where(known, post_principal[safe], False),
            tenure_post=tenure_post,
            tenure_unit=tenure_unit,
            unit_ids=[unit_texts[k] for k in distinct.tolist()],
            stint_cadre=position[stint_owner],
            stint_kind=stint_kind,
            stint_start=snapshot_dates(stints.column("start"), stint_edge),
            stint_end=snapshot_dates(stints.column("end"), stint_edge),
            course_cadre=position[course_owner],
            course_start=snapshot_dates(trainings.column("start"), training_row),
            course_hours=np.where(own_hours != 0, own_hours, course_hours_of[training_row]),
            course_days=course_days_of[training_row],
        )

    def with_rows(self, rows: Ints, part: Histories) -> Histories:
        """These tables with the histories of cadres ``rows`` replaced by ``part``'s (built
        for those cadres, in that order, on the same day and unit tree)."""
        if part.kind_codes != self.kind_codes or part.as_of != self.as_of:
            raise ValueError("the part's histories are not of the same day and unit tree")
        unit_ids = list(self.unit_ids)
        number = {unit_id: n for n, unit_id in enumerate(unit_ids)}
        for unit_id in part.unit_ids:
            if unit_id not in number:
                number[unit_id] = len(unit_ids)
                unit_ids.append(unit_id)
        unit_of = np.array([number[u] for u in part.unit_ids] + [-1], dtype=np.int64)
        # Post numbers only tell one cadre's posts apart: the part's follow the old ones.
        post_base = int(self.tenure_post.max()) + 1 if len(self.tenure_post) else 0
        tenure_cadre, tenure = splice_events(
            self.tenure_cadre,
            rows,
            part.tenure_cadre,
            [
                (self.tenure_kind, part.tenure_kind),
                (self.tenure_start, part.tenure_start),
                (self.tenure_end, part.tenure_end),
                (self.tenure_level, part.tenure_level),
                (self.tenure_leadership, part.tenure_leadership),
                (self.tenure_principal, part.tenure_principal),
                (self.tenure_post, part.tenure_post + post_base),
                (self.tenure_unit, unit_of[part.tenure_unit]),  # -1 (none) stays -1
            ],
        )
        stint_cadre, stint = splice_events(
            self.stint_cadre,
            rows,
            part.stint_cadre,
            [
                (self.stint_kind, part.stint_kind),
                (self.stint_start, part.stint_start),
                (self.stint_end, part.stint_end),
            ],
        )
        course_cadre, course = splice_events(
            self.course_cadre,
            rows,
            part.course_cadre,
            [
                (self.course_start, part.course_start),
                (self.course_hours, part.course_hours),
                (self.course_days, part.course_days),
            ],
        )
        kind, start, end, level, leadership, principal, post, unit = tenure
        return Histories(
            cadres=self.cadres,
            as_of=self.as_of,
            tenure_cadre=tenure_cadre,
            kind_codes=self.kind_codes,
            tenure_kind=kind,
            tenure_start=start,
            tenure_end=end,
            tenure_level=level,
            tenure_leadership=leadership,
            tenure_principal=principal,
            tenure_post=post,
            tenure_unit=unit,
            unit_ids=unit_ids,
            stint_cadre=stint_cadre,
            stint_kind=stint[0],
            stint_start=stint[1],
            stint_end=stint[2],
            course_cadre=course_cadre,
            course_start=course[0],
            course_hours=course[1],
            course_days=course[2],
        )

    def _spans(
        self, cadre: Ints, kind: Ints, start: Days, end: Days, kinds: Collection[str | None]
    ) -> tuple[Ints, Days, Days, NDArray[np.bool_]]:
        """Spans in units of ``kinds`` begun before the day, cut at the day (as the rules do),
        and whether each goes on past the day."""
        day = np.datetime64(self.as_of, "D")
        codes = [self.kind_codes[k] for k in kinds if k in self.kind_codes]
        keep = np.isin(kind, codes) & (start < day)
        goes_on = np.isnat(end[keep]) | (end[keep] > day)
        cut = np.where(goes_on, day, end[keep])
        return cadre[keep], start[keep], cut, goes_on

    def months_in_kinds(self, kinds: Collection[str | None]) -> dict[str | None, Floats]:
        """Per unit kind, each cadre's months in posts of units of that kind (overlaps
        counted each time), as ``CadreArrays`` sums them."""
        found: dict[str | None, Floats] = {}
        for kind in kinds:
            cadre, start, end, _ = self._spans(
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
        self, *, kinds: Collection[str], count_secondments: bool = True
    ) -> tuple[Ints, Days]:
        """Each cadre's months in units of ``kinds`` (乡镇, 街道, 村, 社区) up to the day,
        secondments counted when asked, overlapping spans counted once; and the start of
        the run of such spans that goes on past the day (NaT: none goes on), from which
        the months keep growing if nothing changes.

        Months are whole months of each merged run (``graphsvc.dates.months_between``).
        """
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
        goes_on = np.concatenate([p[3] for p in parts])
        # Spans merged: sorted by (start, end), a new run where a span starts after the
        # latest end so far.
        order = np.lexsort((end, start, cadre))
        cadre, start, end, goes_on = cadre[order], start[order], end[order], goes_on[order]
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
        # A run goes on when one of its spans goes on past the day (it then ends at the day).
        run_of = np.cumsum(first) - 1
        run_goes_on = np.zeros(len(starts), dtype=bool)
        np.logical_or.at(run_goes_on, run_of, goes_on)
        since = np.full(self.cadres, np.datetime64("NaT", "D"))
        live = starts[run_goes_on]
        since[cadre[live]] = start[live].astype("datetime64[D]")
        return total, since

    def leadership_months(self, deputy_weight: float) -> Floats:
        """Each cadre's months in leadership posts up to the day, a 正职 post's months
        counted whole and another's times ``deputy_weight`` (overlaps counted each time)."""
        day = np.datetime64(self.as_of, "D")
        keep = self.tenure_leadership & (self.tenure_start < day)
        end = self.tenure_end[keep]
        cut = np.where(np.isnat(end) | (end > day), day, end)
        months = months_between_columns(self.tenure_start[keep], cut).astype(float)
        weight = np.where(self.tenure_principal[keep], 1.0, deputy_weight)
        return _sums(self.tenure_cadre[keep], months * weight, self.cadres)

    def leadership_posts_at(self, level: Level) -> Ints:
        """Each cadre's distinct leadership posts of ``level`` ever held."""
        keep = self.tenure_leadership & (self.tenure_level == LEVEL_ORDER[level])
        cadres, _ = distinct_pairs(self.tenure_cadre[keep], self.tenure_post[keep])
        return np.bincount(cadres, minlength=self.cadres).astype(np.int64)

    def current_units(self) -> tuple[Ints, Ints]:
        """``(cadre, unit)`` number pairs of the posts held on the day (unit known), each
        pair once, sorted."""
        day = np.datetime64(self.as_of, "D")
        end = self.tenure_end
        now = (self.tenure_start <= day) & (np.isnat(end) | (end > day)) & (self.tenure_unit >= 0)
        return distinct_pairs(self.tenure_cadre[now], self.tenure_unit[now])

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
    """The cadre properties the rules read, one row per cadre, and each cadre's standing:
    the level the cadre counts as and since when. Time at an equivalent 职级 counts (职务与
    职级并行): a rank above the leadership level stands at the rank's level from the rank's
    date; a rank at the same level gives the earlier of the two dates."""

    level: Ints  # LEVEL_ORDER of the leadership level (科员 when unknown)
    level_since: Days
    standing: Ints  # LEVEL_ORDER of the level the cadre counts as
    standing_since: Days
    standing_by_rank: NDArray[np.bool_]  # the standing's date is the 职级's
    rank_position: Ints  # position in Rank, -1 none
    rank_since: Days
    work_start: Days
    birth: Days
    probation_until: Days
    female: NDArray[np.bool_]

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
        return cls._from(
            level=level,
            since=since,
            rank=rank,
            rank_since=rank_since,
            rank_level=rank_level,
            work_start=date_column(list(map(methodcaller("get", "work_start"), cadres))),
            birth=date_column(list(map(methodcaller("get", "birth"), cadres))),
            probation_until=date_column(list(map(methodcaller("get", "probation_until"), cadres))),
            female=np.array([c.get("gender") == "女" for c in cadres], dtype=bool),
        )

    @classmethod
    def _from(
        cls,
        *,
        level: Ints,
        since: Days,
        rank: Ints,
        rank_since: Days,
        rank_level: Ints,
        work_start: Days,
        birth: Days,
        probation_until: Days,
        female: NDArray[np.bool_],
    ) -> CadreColumns:
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
            standing_by_rank=higher | earlier,
            rank_position=rank,
            rank_since=rank_since,
            work_start=work_start,
            birth=birth,
            probation_until=probation_until,
            female=female,
        )

    @classmethod
    def from_snapshot(cls, cadres: pa.Table, rows: Ints) -> CadreColumns:
        """The columns of the Cadre table's ``rows``: what :meth:`build` makes of their
        properties."""
        staff = LEVEL_ORDER[Level.STAFF]
        level_of = {level.value: order for level, order in LEVEL_ORDER.items()}
        rank_of = {rank.value: n for n, rank in enumerate(Rank)}
        rank_level = np.array([LEVEL_ORDER[RANK_LEVEL[rank]] for rank in Rank], dtype=np.int64)
        level = codes(cadres.column("level"), level_of, staff)[rows]
        since = snapshot_dates(cadres.column("level_since"), rows)
        rank = codes(cadres.column("rank"), rank_of, -1)[rows]
        rank_since = snapshot_dates(cadres.column("rank_since"), rows)
        return cls._from(
            level=level,
            since=since,
            rank=rank,
            rank_since=rank_since,
            rank_level=rank_level,
            work_start=snapshot_dates(cadres.column("work_start"), rows),
            birth=snapshot_dates(cadres.column("birth"), rows),
            probation_until=snapshot_dates(cadres.column("probation_until"), rows),
            female=codes(cadres.column("gender"), {"女": 1}, 0)[rows] == 1,
        )

    def with_rows(self, rows: Ints, part: CadreColumns) -> CadreColumns:
        """These columns with cadres ``rows`` set to ``part``'s (built for those cadres, in
        that order)."""
        return CadreColumns(
            **{
                f.name: put_rows(getattr(self, f.name), rows, getattr(part, f.name))
                for f in fields(self)
            }
        )

    def last_promotion(self) -> Days:
        """When each cadre last reached a higher leadership level (NaT: never). The first post
        (a level dated the first day of work or earlier) is an appointment, not a promotion."""
        since = self.level_since
        never = (self.level == LEVEL_ORDER[Level.STAFF]) | np.isnat(since)
        never |= ~np.isnat(self.work_start) & (since <= self.work_start)
        return np.where(never, np.datetime64("NaT", "D"), since)


def months_to(days: Days, as_of: date, missing: int) -> Ints:
    """Whole months from each day to ``as_of``; ``missing`` where the day is NaT."""
    return np.where(np.isnat(days), missing, months_between_columns(days, as_of))
