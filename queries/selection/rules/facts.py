"""What the rules read about every cadre, as columns (one row a cadre, rows in id order),
and the appointment they are asked about.

:class:`CadreFacts` is read once per selection context (policy and day): the cadre
properties and histories as columns (:mod:`queries.selection.columns`), the annual
grades and stars, the supervision records, the open pool stay. It is read from the
store's snapshot by columns, or from cadre records (hand-built ones, one cadre's for a
check, or every cadre's read row by row): the same columns either way. Each rule unit
(:mod:`queries.selection.rules`) derives what it needs from them and remembers it here,
with its judgement of each target.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import chain
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from graphsvc.vocab import EDUCATION_ORDER, LEVEL_ORDER, Education, Level
from queries.selection.columns import (
    CadreColumns,
    Histories,
    RowRecords,
    codes,
    months_between_columns,
    put_rows,
    snapshot_dates,
    splice_events,
)
from queries.selection.policy import SelectionPolicy
from queries.selection.records import CadreRecord, SnapshotGraph, UnitIndex, positions_in
from queries.selection.scope import ScopeIndex

__all__ = ["EDUCATION_RANK", "CadreFacts", "Judgement", "Target"]

Bools = NDArray[np.bool_]
Ints = NDArray[np.int64]
Floats = NDArray[np.float64]
Days = NDArray[np.datetime64]

EDUCATION_RANK: dict[object, int] = {e.value: EDUCATION_ORDER.get(e, 0) for e in Education}
_LEVELS: dict[str, Level] = {level.value: level for level in Level}


@dataclass(frozen=True)
class Target:
    """The appointment the rules are asked about: the post's level and whether it is a
    leadership post, under a policy on a day; ``post`` for the rules that read the post
    itself (scope, avoidance)."""

    level: Level
    leadership: bool
    policy: SelectionPolicy
    as_of: date
    post: Mapping[str, Any] | None = None

    @classmethod
    def of_post(cls, post: Mapping[str, Any], *, policy: SelectionPolicy, as_of: date) -> Target:
        """A post's target (a level nobody knows counts as 科员)."""
        level = _LEVELS.get(str(post.get("level")), Level.STAFF)
        return cls(level, bool(post.get("leadership")), policy, as_of, post)

    @property
    def key(self) -> tuple[str, bool]:
        """What a level rule's judgement depends on (not the post itself)."""
        return self.level.value, self.leadership

    @property
    def order(self) -> int:
        return LEVEL_ORDER[self.level]

    @property
    def county(self) -> bool:
        """A 县处级 (or higher) post: the rules for that level apply."""
        return self.level.value in self.policy.county_levels

    @property
    def track(self) -> bool:
        """The leadership track applies: a leadership post above the first leadership level
        (副科), filled from leadership posts (由副职提任正职, 下级正职提任上级副职)."""
        return self.leadership and self.order > LEVEL_ORDER[Level.DEPUTY_SECTION]

    def below(self) -> Level | None:
        """The level below the post's (``None`` below 科员)."""
        return next((lv for lv, n in LEVEL_ORDER.items() if n == self.order - 1), None)


@dataclass
class Judgement:
    """A rule's outcome for every cadre of the facts (``status``: 0 the rule does not
    apply, 1 pass, 2 warn, 3 fail) and the figures its lines quote, one entry a cadre."""

    status: NDArray[np.int8]
    values: dict[str, NDArray[Any]] = field(default_factory=dict)


class _Judge(Protocol):
    """What the facts remember judgements of: a rule unit."""

    @property
    def name(self) -> str: ...

    @property
    def per_post(self) -> bool: ...

    def judge(self, facts: CadreFacts, target: Target) -> Judgement: ...


@dataclass
class CadreFacts:
    """Every cadre's facts as columns, rows in ``ids`` order (sorted), for one policy and
    day."""

    ids: list[str]
    policy: SelectionPolicy
    as_of: date
    units: UnitIndex
    cadres: CadreColumns
    histories: Histories
    education: Ints  # the better of full-time and in-service education, 0 when neither
    grade_owner: Ints  # annual grades: row, year, grade (one per cadre and year)
    grade_year: Ints
    grade: list[str]
    star_owner: Ints  # quarterly stars: row, stars
    stars: Ints
    supervision: dict[int, list[dict[str, Any]]]  # row → its supervision records
    in_pool: Bools  # an open pool stay
    pool_since: Days
    pool_max_age: Floats  # the pool's own age limit, NaN when it names none
    records: Mapping[str, CadreRecord]  # each row's record, built when first read
    scopes: ScopeIndex | None = None  # each post's candidate scope and its cadres
    avoidance_record: Callable[[str], CadreRecord] | None = None
    index: dict[str, int] = field(default_factory=dict)
    _memo: dict[Hashable, Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if not self.index:
            self.index = {cadre_id: n for n, cadre_id in enumerate(self.ids)}

    def __len__(self) -> int:
        return len(self.ids)

    def memo(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """A figure computed once (a rule's derived column)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def judgement(self, unit: _Judge, target: Target) -> Judgement:
        """``unit.judge(self, target)``, remembered per level (per post for rules that read
        the post)."""
        post_id = str((target.post or {}).get("id", "")) if unit.per_post else None
        key = ("judgement", unit.name, target.key, post_id)
        if key not in self._memo:
            self._memo[key] = unit.judge(self, target)
        found: Judgement = self._memo[key]
        return found

    def record(self, row: int) -> CadreRecord:
        return self.records[self.ids[row]]

    # ------------------------------------------------------------------ shared figures

    def months_since(self, day: Days) -> Ints:
        """Whole months from each day to the day of the facts (garbage where NaT: mask)."""
        return months_between_columns(day, self.as_of)

    @property
    def age_months(self) -> Ints:
        """Each cadre's age in whole months (0 when the birth is unknown)."""
        found: Ints = self.memo(
            "age_months",
            lambda: np.where(np.isnat(self.cadres.birth), 0, self.months_since(self.cadres.birth)),
        )
        return found

    @property
    def leader(self) -> Bools:
        """Holds a leadership post: a 职务层次 above 科员."""
        held: Bools = self.memo("leader", lambda: self.cadres.level > LEVEL_ORDER[Level.STAFF])
        return held

    def grades_of(self, row: int) -> dict[int, str]:
        """Cadre ``row``'s annual grades by year."""

        def compute() -> tuple[Ints, Ints]:
            order = np.argsort(self.grade_owner, kind="stable")
            return order, self.grade_owner[order]

        order, owners = self.memo("grades_by_owner", compute)
        low, high = np.searchsorted(owners, [row, row + 1])
        return {int(self.grade_year[k]): self.grade[k] for k in order[low:high].tolist()}

    def stars_of(self, row: int) -> list[int]:
        """Cadre ``row``'s quarterly stars in time order."""
        owners = self.star_owner  # sorted by row already (time order within a row)
        low, high = np.searchsorted(owners, [row, row + 1])
        found: list[int] = self.stars[low:high].tolist()
        return found

    def last_grades(self) -> tuple[Ints, list[str | None]]:
        """Each cadre's latest graded year and its grade (0 and ``None``: no grade)."""

        def compute() -> tuple[Ints, list[str | None]]:
            year = np.zeros(len(self.ids), dtype=np.int64)
            grade: list[str | None] = [None] * len(self.ids)
            if len(self.grade_owner):
                order = np.lexsort((self.grade_year, self.grade_owner))
                owner = self.grade_owner[order]
                ends = np.ones(len(order), dtype=bool)
                ends[:-1] = owner[1:] != owner[:-1]
                last = order[ends]
                year[self.grade_owner[last]] = self.grade_year[last]
                for row, k in zip(self.grade_owner[last].tolist(), last.tolist(), strict=True):
                    grade[row] = self.grade[k]
            return year, grade

        found: tuple[Ints, list[str | None]] = self.memo("last_grades", compute)
        return found

    # ------------------------------------------------------------------ building

    def with_rows(
        self,
        rows: Ints,
        part: CadreFacts,
        *,
        histories: Histories,
        cadres: CadreColumns,
        records: Mapping[str, CadreRecord],
        scopes: ScopeIndex | None,
        avoidance_record: Callable[[str], CadreRecord] | None,
    ) -> CadreFacts:
        """These facts with cadres ``rows`` replaced by ``part``'s (the facts of those
        cadres alone, in that order): a write's few cadres read again, the rest shared.
        ``histories``, ``cadres``: the columns with those rows replaced already; the rule
        units' derived figures are made again from them when first read."""
        grade_owner, (grade_year, grade) = splice_events(
            self.grade_owner,
            rows,
            part.grade_owner,
            [(self.grade_year, part.grade_year), (self.grade, part.grade)],
        )
        star_owner, (stars,) = splice_events(
            self.star_owner, rows, part.star_owner, [(self.stars, part.stars)]
        )
        replaced = set(rows.tolist())
        supervision = {r: items for r, items in self.supervision.items() if r not in replaced}
        supervision.update({int(rows[k]): items for k, items in part.supervision.items()})
        return CadreFacts(
            ids=self.ids,
            policy=self.policy,
            as_of=self.as_of,
            units=self.units,
            cadres=cadres,
            histories=histories,
            education=put_rows(self.education, rows, part.education),
            grade_owner=grade_owner,
            grade_year=grade_year,
            grade=grade,
            star_owner=star_owner,
            stars=stars,
            supervision=supervision,
            in_pool=put_rows(self.in_pool, rows, part.in_pool),
            pool_since=put_rows(self.pool_since, rows, part.pool_since),
            pool_max_age=put_rows(self.pool_max_age, rows, part.pool_max_age),
            records=records,
            scopes=scopes,
            avoidance_record=avoidance_record,
            index=self.index,
        )

    @classmethod
    def build(
        cls,
        records: Mapping[str, CadreRecord],
        units: UnitIndex,
        *,
        policy: SelectionPolicy,
        as_of: date,
        histories: Histories | None = None,
        cadres: CadreColumns | None = None,
        graph: SnapshotGraph | None = None,
        rows: Ints | None = None,
        scopes: ScopeIndex | None = None,
        avoidance_record: Callable[[str], CadreRecord] | None = None,
    ) -> CadreFacts:
        """The facts of every record (rows sorted by id), column by column.

        ``histories``, ``cadres``: the records' columns in that order, when already built.
        ``graph``, ``rows``: the snapshot and the records' rows in it; then grades,
        supervision, pools and education are read from its columns and no record is built.
        """
        ids = sorted(records)
        ordered: Sequence[CadreRecord] = (
            RowRecords(records, ids) if graph is not None else [records[c] for c in ids]
        )
        if histories is None:
            histories = Histories.build(ordered, units, as_of=as_of)
        if cadres is None:
            cadres = CadreColumns.build([record.cadre for record in ordered])
        if graph is not None and rows is not None:
            parts = _from_snapshot(graph, rows)
        else:
            parts = _from_records(ordered)
        return cls(
            ids=ids,
            policy=policy,
            as_of=as_of,
            units=units,
            cadres=cadres,
            histories=histories,
            records=records,
            scopes=scopes,
            avoidance_record=avoidance_record,
            **parts,
        )


def _from_records(ordered: Sequence[CadreRecord]) -> dict[str, Any]:
    """Grades, stars, supervision, pools and education of records, in their order."""
    n = len(ordered)
    grades = [record.annual_grades for record in ordered]
    grade_counts = np.fromiter(map(len, grades), dtype=np.int64, count=n)
    stars = [record.stars for record in ordered]
    star_counts = np.fromiter(map(len, stars), dtype=np.int64, count=n)
    pool_since = np.array(
        [np.datetime64(r.pool_since, "D") if r.pool_since else np.datetime64("NaT", "D")
         for r in ordered],
        dtype="datetime64[D]",
    ).reshape(n)  # fmt: skip
    return {
        "education": np.maximum(
            *(
                np.array([EDUCATION_RANK.get(r.cadre.get(key), 0) for r in ordered], np.int64)
                for key in ("education", "inservice_education")
            )
        )
        if n
        else np.zeros(0, np.int64),
        "grade_owner": np.repeat(np.arange(n), grade_counts),
        "grade_year": np.fromiter(
            chain.from_iterable(grades), dtype=np.int64, count=int(grade_counts.sum())
        ),
        "grade": [str(g) for g in chain.from_iterable(map(dict.values, grades))],
        "star_owner": np.repeat(np.arange(n), star_counts),
        "stars": np.fromiter(chain.from_iterable(stars), np.int64, int(star_counts.sum())),
        "supervision": {
            row: list(record.supervision)
            for row, record in enumerate(ordered)
            if record.supervision
        },
        "in_pool": np.array([record.in_pool for record in ordered], dtype=bool).reshape(n),
        "pool_since": pool_since,
        "pool_max_age": np.array(
            [np.nan if r.pool_max_age is None else r.pool_max_age for r in ordered], float
        ).reshape(n),
    }


def _from_snapshot(graph: SnapshotGraph, rows: Ints) -> dict[str, Any]:
    """The same columns as :func:`_from_records`, from the snapshot's tables: no record is
    built."""
    snap = graph.snapshot
    n = len(rows)
    (grade_owner, grade_year, grade), (star_owner, stars) = graph.assessments_of(rows)
    cadre_table = snap.nodes("Cadre")
    education = np.maximum(
        *(
            codes(cadre_table.column(key), EDUCATION_RANK, 0)[rows]
            for key in ("education", "inservice_education")
        )
    )
    # The open pool stay each cadre reads first (edge order), with its pool's age limit.
    stays = snap.edges("IN_POOL")
    edge, owner = graph.group("IN_POOL", "_src").rows(rows)
    open_stay = np.asarray(stays.column("end").combine_chunks().is_null(), bool)[edge]
    edge, owner = edge[open_stay], owner[open_stay]
    first = np.unique(owner, return_index=True)[1]
    edge, owner = edge[first], positions_in(rows, owner[first])
    in_pool = np.zeros(n, dtype=bool)
    in_pool[owner] = True
    pool_since = np.full(n, np.datetime64("NaT", "D"))
    pool_since[owner] = snapshot_dates(stays.column("start"), edge)
    pool_rows = np.asarray(stays.column("_dst").combine_chunks(), np.int64)[edge]
    limits = np.array(
        [np.nan if p.get("max_age") is None else float(p["max_age"]) for p in graph.pools]
        + [np.nan],
        dtype=float,
    )
    pool_max_age = np.full(n, np.nan)
    pool_max_age[owner] = limits[pool_rows]  # row -1: a pool that is not there names none
    return {
        "education": education,
        "grade_owner": grade_owner,
        "grade_year": grade_year,
        "grade": grade,
        "star_owner": star_owner,
        "stars": stars,
        "supervision": graph.supervision(rows),
        "in_pool": in_pool,
        "pool_since": pool_since,
        "pool_max_age": pool_max_age,
    }
