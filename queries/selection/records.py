"""What the selection rules read about a cadre, gathered in one plain structure.

A :class:`CadreRecord` holds a cadre's properties and the parts of the graph the
rules look at: posts held (with their units), rotations, courses, assessments,
supervision records, relatives. :func:`load_cadre_record` reads one from any
store; the same structure serves one check or a whole round.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, KeysView, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from graphsvc.arrays import distinct_sorted
from graphsvc.snapshot import Snapshot, node_dicts, pylist, snapshot_of
from graphsvc.stores.base import GraphStore

__all__ = [
    "CadreRecord",
    "Course",
    "LazyRecords",
    "Relative",
    "SnapshotGraph",
    "Stint",
    "Tenure",
    "UnitIndex",
    "date_days",
    "day_number",
    "enter_pool",
    "load_cadre_record",
    "load_cadre_records",
    "load_units",
    "positions_in",
    "read_cadre_records",
    "read_units",
    "star_order",
]


@dataclass(frozen=True)
class Tenure:
    """A post held, from ``start`` to ``end`` (``None``: still held)."""

    post_id: str
    post: dict[str, Any]
    start: date
    end: date | None

    def current(self, as_of: date) -> bool:
        return self.start <= as_of and (self.end is None or self.end > as_of)


@dataclass(frozen=True)
class Stint:
    """A rotation or secondment (交流/轮岗/挂职) to a unit."""

    unit_id: str
    kind: str
    start: date
    end: date | None


@dataclass(frozen=True)
class Course:
    training_id: str
    kind: str
    start: date
    days: float
    hours: float
    off_job: bool


@dataclass(frozen=True)
class Relative:
    cadre_id: str
    name: str
    relation: str
    tenures: tuple[Tenure, ...]


@dataclass
class CadreRecord:
    cadre: dict[str, Any]
    tenures: list[Tenure] = field(default_factory=list)
    rotations: list[Stint] = field(default_factory=list)
    courses: list[Course] = field(default_factory=list)
    annual_grades: dict[int, str] = field(default_factory=dict)
    supervision: list[dict[str, Any]] = field(default_factory=list)
    relatives: list[Relative] = field(default_factory=list)
    # Read by ranking (load_cadre_records fills them):
    specialties: set[str] = field(default_factory=set)
    projects: list[tuple[dict[str, Any], str, str | None]] = field(default_factory=list)
    stars: list[int] = field(default_factory=list)
    in_pool: bool = False
    # The open pool stay (IN_POOL without an end): since when, and the pool's own age limit.
    pool_since: date | None = None
    pool_max_age: float | None = None

    @property
    def id(self) -> str:
        return str(self.cadre["id"])

    def current_tenures(self, as_of: date) -> list[Tenure]:
        return [tenure for tenure in self.tenures if tenure.current(as_of)]


@dataclass(frozen=True)
class UnitIndex:
    """Every unit with its kind, name and parent, for walking the hierarchy."""

    units: dict[str, dict[str, Any]]
    # Each unit's ancestors, walked once (a round asks for them hundreds of thousands of
    # times).
    _chains: dict[str | None, tuple[str, ...]] = field(
        default_factory=dict, repr=False, compare=False
    )
    # Figures read from the units alone, remembered with them (a head post's area).
    memo: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    def kind(self, unit_id: str | None) -> str | None:
        return self.units.get(unit_id or "", {}).get("kind")

    def name(self, unit_id: str | None) -> str:
        return str(self.units.get(unit_id or "", {}).get("name", unit_id))

    def ancestors(self, unit_id: str | None) -> list[str]:
        """Parent, grandparent, ... (not the unit itself), nearest first."""
        found = self._chains.get(unit_id)
        if found is None:
            chain: list[str] = []
            current = self.units.get(unit_id or "", {}).get("parent_id")
            while current and current not in chain:
                chain.append(current)
                current = self.units.get(current, {}).get("parent_id")
            found = self._chains[unit_id] = tuple(chain)
        return list(found)


def _stint(unit_id: str, props: dict[str, Any]) -> Stint:
    return Stint(unit_id, str(props.get("kind", "")), props["start"], props.get("end"))


def _course(
    training_id: str, course: dict[str, Any] | None, props: dict[str, Any]
) -> Course | None:
    """A completed course with its credited hours (the attendance's own, else the course's)."""
    if course is None or props.get("completed") is False:
        return None
    return Course(
        training_id,
        str(course.get("kind", "")),
        course["start"],
        float(course.get("days", 0)),
        float(props.get("hours") or course.get("hours", 0)),
        bool(course.get("off_job")),
    )


def star_order(assessment: dict[str, Any]) -> tuple[int, int, int]:
    """A quarterly star rating as ``(year, quarter, stars)``: records keep them in time order."""
    return (
        int(assessment.get("year") or 0),
        int(assessment.get("quarter") or 0),
        int(assessment["stars"]),
    )


def enter_pool(
    record: CadreRecord, stay: Mapping[str, Any], pool: Mapping[str, Any] | None
) -> None:
    """Note an open pool stay (no end) on the record; the first one read counts."""
    if stay.get("end") is not None or record.in_pool:
        return
    record.in_pool = True
    record.pool_since = stay.get("start")
    limit = (pool or {}).get("max_age")
    record.pool_max_age = float(limit) if limit is not None else None


def load_units(store: GraphStore) -> UnitIndex:
    """Every unit, from the store's columnar snapshot."""
    return SnapshotGraph.of(snapshot_of(store)).units()


def read_units(store: GraphStore) -> UnitIndex:
    """Every unit, read from the store row by row (what the snapshot must equal)."""
    return UnitIndex({unit["id"]: unit for unit in store.iter_nodes("Unit")})


def _tenures(store: GraphStore, edges: list[tuple[str, dict[str, Any]]]) -> list[Tenure]:
    posts = store.get_nodes("Post", {post_id for post_id, _ in edges})
    found = [
        Tenure(post_id, posts.get(post_id, {"id": post_id}), props["start"], props.get("end"))
        for post_id, props in edges
    ]
    return sorted(found, key=lambda tenure: tenure.start)


def load_cadre_record(
    store: GraphStore, cadre_id: str, *, with_relatives: bool = True
) -> CadreRecord | None:
    """Everything the rules read about one cadre; ``None`` when there is no such cadre."""
    cadre = store.get_node("Cadre", cadre_id)
    if cadre is None:
        return None
    record = CadreRecord(cadre)
    by_type: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for edge in store.edges_of("Cadre", cadre_id):
        by_type.setdefault(edge.type, []).append((edge.other_id, dict(edge.props)))
    record.tenures = _tenures(store, by_type.get("HOLDS", []))
    record.rotations = [_stint(unit_id, props) for unit_id, props in by_type.get("ROTATED_TO", [])]
    trainings = store.get_nodes("Training", {t for t, _ in by_type.get("ATTENDED", [])})
    for training_id, props in by_type.get("ATTENDED", []):
        course = _course(training_id, trainings.get(training_id), props)
        if course is not None:
            record.courses.append(course)
    assessments = store.get_nodes("Assessment", {a for a, _ in by_type.get("ASSESSMENT_OF", [])})
    starred: list[tuple[int, int, int]] = []
    for assessment in assessments.values():
        if assessment.get("quarter") is None and assessment.get("grade"):
            record.annual_grades[int(assessment["year"])] = str(assessment["grade"])
        elif assessment.get("stars"):
            starred.append(star_order(assessment))
    record.stars = [stars for *_, stars in sorted(starred)]
    record.supervision = list(
        store.get_nodes("Supervision", {s for s, _ in by_type.get("RECORD_OF", [])}).values()
    )
    pools = store.get_nodes("Pool", {p for p, _ in by_type.get("IN_POOL", [])})
    for pool_id, props in by_type.get("IN_POOL", []):
        enter_pool(record, props, pools.get(pool_id))
    record.specialties = {s for s, _ in by_type.get("HAS_SPECIALTY", [])}
    projects = store.get_nodes("Project", {p for p, _ in by_type.get("WORKED_ON", [])})
    for project_id, props in by_type.get("WORKED_ON", []):
        if project_id in projects:
            record.projects.append(
                (projects[project_id], str(props.get("role", "成员")), props.get("result"))
            )
    if with_relatives:
        relatives = store.get_nodes("Cadre", {r for r, _ in by_type.get("RELATIVE_OF", [])})
        for relative_id, props in by_type.get("RELATIVE_OF", []):
            held = [
                (edge.other_id, dict(edge.props))
                for edge in store.edges_of("Cadre", relative_id)
                if edge.type == "HOLDS"
            ]
            record.relatives.append(
                Relative(
                    relative_id,
                    str(relatives.get(relative_id, {}).get("name", relative_id)),
                    str(props.get("relation", "")),
                    tuple(_tenures(store, held)),
                )
            )
    return record


def load_cadre_records(store: GraphStore, cadre_ids: set[str]) -> dict[str, CadreRecord]:
    """Records of many cadres from the store's columnar snapshot (for ranking and rounds).

    Relatives are loaded with their posts, as :func:`load_cadre_record` does. The same
    records as :func:`read_cadre_records`, which reads the store row by row.
    """
    graph = SnapshotGraph.of(snapshot_of(store))
    return graph.records(graph.rows_of(cadre_ids))


def read_cadre_records(store: GraphStore, cadre_ids: set[str]) -> dict[str, CadreRecord]:
    """Records of many cadres from one scan of the store per edge type.

    Relatives are loaded with their posts, as :func:`load_cadre_record` does.
    """
    cadres = store.get_nodes("Cadre", cadre_ids)
    records = {cadre_id: CadreRecord(props) for cadre_id, props in cadres.items()}
    held: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for cadre_id, post_id, props in store.iter_edges("HOLDS"):
        held.setdefault(cadre_id, []).append((post_id, props))
    posts = {post["id"]: post for post in store.iter_nodes("Post")}

    def tenures_of(cadre_id: str) -> list[Tenure]:
        found = [
            Tenure(post_id, posts.get(post_id, {"id": post_id}), props["start"], props.get("end"))
            for post_id, props in held.get(cadre_id, [])
        ]
        return sorted(found, key=lambda tenure: tenure.start)

    trainings = {t["id"]: t for t in store.iter_nodes("Training")}
    for cadre_id, record in records.items():
        record.tenures = tenures_of(cadre_id)
    for cadre_id, unit_id, props in store.iter_edges("ROTATED_TO"):
        if cadre_id in records:
            records[cadre_id].rotations.append(_stint(unit_id, props))
    for cadre_id, training_id, props in store.iter_edges("ATTENDED"):
        course = _course(training_id, trainings.get(training_id), props)
        if cadre_id in records and course is not None:
            records[cadre_id].courses.append(course)
    starred: dict[str, list[tuple[int, int, int]]] = {}
    for assessment in store.iter_nodes(
        "Assessment", ["cadre_id", "year", "quarter", "grade", "stars"]
    ):
        assessed = records.get(str(assessment.get("cadre_id")))
        if assessed is None:
            continue
        if assessment.get("quarter") is None and assessment.get("grade"):
            assessed.annual_grades[int(assessment["year"])] = str(assessment["grade"])
        elif assessment.get("stars"):
            starred.setdefault(assessed.id, []).append(star_order(assessment))
    for cadre_id, found in starred.items():
        records[cadre_id].stars = [stars for *_, stars in sorted(found)]
    for cadre_id, specialty_id, _ in store.iter_edges("HAS_SPECIALTY"):
        if cadre_id in records:
            records[cadre_id].specialties.add(specialty_id)
    projects = {p["id"]: p for p in store.iter_nodes("Project")}
    for cadre_id, project_id, props in store.iter_edges("WORKED_ON"):
        if cadre_id in records and project_id in projects:
            records[cadre_id].projects.append(
                (projects[project_id], str(props.get("role", "成员")), props.get("result"))
            )
    pools = {p["id"]: p for p in store.iter_nodes("Pool")}
    for cadre_id, pool_id, props in store.iter_edges("IN_POOL"):
        if cadre_id in records:
            enter_pool(records[cadre_id], props, pools.get(pool_id))
    for item in store.iter_nodes("Supervision"):
        supervised = records.get(str(item.get("cadre_id")))
        if supervised is not None:
            supervised.supervision.append(item)
    names = {c["id"]: c.get("name", c["id"]) for c in store.iter_nodes("Cadre", ["name"])}
    for source, target, props in store.iter_edges("RELATIVE_OF"):
        for me, other in ((source, target), (target, source)):
            if me in records:
                records[me].relatives.append(
                    Relative(
                        other,
                        str(names.get(other, other)),
                        str(props.get("relation", "")),
                        tuple(tenures_of(other)),
                    )
                )
    return records


# ---------------------------------------------------------------- from the snapshot

Rows = NDArray[np.int64]
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def date_days(column: pa.ChunkedArray) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """A date column as days since 1970 and a mask of where it is set."""
    array = column.combine_chunks()
    valid = np.asarray(array.is_valid(), dtype=bool)
    days = np.asarray(array.cast(pa.int32()).fill_null(0), dtype=np.int64)
    return days, valid


def day_number(day: date) -> int:
    return day.toordinal() - _EPOCH_ORDINAL


@dataclass(frozen=True)
class _Grouping:
    """Rows of a table grouped by the node row one of its columns names (stable)."""

    order: Rows
    keys: Rows

    @classmethod
    def by(cls, table: pa.Table, column: str) -> _Grouping:
        values = np.asarray(table.column(column).combine_chunks(), dtype=np.int64)
        order = np.argsort(values, kind="stable")
        return cls(order, values[order])

    def rows(self, owners: Rows) -> tuple[Rows, Rows]:
        """The table rows of each owner, owner by owner, and the owner of each."""
        low = np.searchsorted(self.keys, owners, side="left")
        high = np.searchsorted(self.keys, owners, side="right")
        counts = high - low
        total = int(counts.sum())
        if total == 0:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty
        starts = np.repeat(low - np.cumsum(counts) + counts, counts)
        picked = starts + np.arange(total)
        return self.order[picked], np.repeat(owners, counts)


def _columns(table: pa.Table, rows: Rows, names: Sequence[str]) -> list[list[Any]]:
    taken = table.select(list(names)).take(pa.array(rows, pa.int64()))
    return [pylist(taken.column(name)) for name in names]


Grades = tuple[Rows, Rows, list[str]]  # position, year, grade
Stars = tuple[Rows, Rows]  # position, stars


def positions_in(owners: Rows, owner: Rows) -> Rows:
    """The position in ``owners`` of each of ``owner`` (each one of ``owners``)."""
    order = np.argsort(owners, kind="stable")
    found: Rows = order[np.searchsorted(owners, owner, sorter=order)]
    return found


class SnapshotGraph:
    """What the selection records read, as the snapshot's columns and groupings.

    Made once per snapshot (per graph version and process) by :meth:`of`; every record
    built from it is new, so analyses of different days never share a mutable record.
    """

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        cadres = snapshot.nodes("Cadre")
        self.cadre_ids: list[str] = pylist(cadres.column("id"))
        self.cadre_row = {cadre_id: row for row, cadre_id in enumerate(self.cadre_ids)}
        self.posts = node_dicts(snapshot.nodes("Post"))
        self.trainings = node_dicts(snapshot.nodes("Training"))
        self.projects = node_dicts(snapshot.nodes("Project"))
        self.pools = node_dicts(snapshot.nodes("Pool"))
        self.courses = [
            (
                str(t.get("kind", "")),
                t["start"],
                float(t.get("days", 0)),
                t.get("hours", 0),
                bool(t.get("off_job")),
            )
            for t in self.trainings
        ]
        self._names: list[Any] | None = None
        self._groups: dict[tuple[str, str], _Grouping] = {}
        self._avoidance: tuple[list[Any], dict[int, list[Relative]]] | None = None
        self._assessments: tuple[Rows, tuple[Grades, Stars]] | None = None
        self._lock = threading.RLock()  # the avoidance read groups while it holds it

    @classmethod
    def of(cls, snapshot: Snapshot) -> SnapshotGraph:
        graph: SnapshotGraph = snapshot.derived("selection-graph", lambda: cls(snapshot))
        return graph

    def group(self, table: str, column: str) -> _Grouping:
        with self._lock:
            key = (table, column)
            if key not in self._groups:
                source = self.snapshot.tables[table]
                self._groups[key] = _Grouping.by(source, column)
            return self._groups[key]

    def units(self) -> UnitIndex:
        return UnitIndex({unit["id"]: unit for unit in node_dicts(self.snapshot.nodes("Unit"))})

    def rows_of(self, cadre_ids: Iterator[str] | set[str] | Sequence[str]) -> Rows:
        """Rows of the cadres among ``cadre_ids`` that exist, in id order."""
        rows = sorted(self.cadre_row[c] for c in cadre_ids if c in self.cadre_row)
        return np.asarray(rows, dtype=np.int64)

    def names(self) -> list[Any]:
        if self._names is None:
            self._names = pylist(self.snapshot.nodes("Cadre").column("name"))
        return self._names

    def tenures(self, owners: Rows) -> dict[int, list[Tenure]]:
        """Posts held by each cadre row, by start (as :func:`read_cadre_records` sorts them)."""
        table = self.snapshot.edges("HOLDS")
        rows, owner = self.group("HOLDS", "_src").rows(owners)
        post_ids, post_rows, starts, ends = _columns(table, rows, ["dst", "_dst", "start", "end"])
        found: dict[int, list[Tenure]] = {}
        for who, post_id, post_row, start, end in zip(
            owner.tolist(), post_ids, post_rows, starts, ends, strict=True
        ):
            post = self.posts[post_row] if post_row >= 0 else {"id": post_id}
            found.setdefault(who, []).append(Tenure(post_id, post, start, end))
        for held in found.values():
            held.sort(key=lambda tenure: tenure.start)
        return found

    def records(self, owners: Rows) -> dict[str, CadreRecord]:
        """The records of the given cadre rows (sorted), as :func:`read_cadre_records` reads."""
        snap = self.snapshot
        cadres = node_dicts(snap.nodes("Cadre"), owners)
        by_row = {int(row): CadreRecord(cadre) for row, cadre in zip(owners, cadres, strict=True)}
        for row, held in self.tenures(owners).items():
            by_row[row].tenures = held
        rows, owner = self.group("ROTATED_TO", "_src").rows(owners)
        for who, unit_id, kind, start, end in zip(
            owner.tolist(),
            *_columns(snap.edges("ROTATED_TO"), rows, ["dst", "kind", "start", "end"]),
            strict=True,
        ):
            by_row[who].rotations.append(Stint(unit_id, str(kind or ""), start, end))
        rows, owner = self.group("ATTENDED", "_src").rows(owners)
        for who, training_id, training_row, hours, completed in zip(
            owner.tolist(),
            *_columns(snap.edges("ATTENDED"), rows, ["dst", "_dst", "hours", "completed"]),
            strict=True,
        ):
            # _course's rules, inline: a course not completed, or not there, does not count.
            if completed is False or training_row < 0:
                continue
            kind, start, days, course_hours, off_job = self.courses[training_row]
            by_row[who].courses.append(
                Course(training_id, kind, start, days, float(hours or course_hours), off_job)
            )
        rows, owner = self.group("Assessment", "_ref_cadre_id").rows(owners)
        starred: dict[int, list[tuple[int, int, int]]] = {}
        for who, year, quarter, grade, stars in zip(
            owner.tolist(),
            *_columns(snap.nodes("Assessment"), rows, ["year", "quarter", "grade", "stars"]),
            strict=True,
        ):
            if quarter is None and grade:
                by_row[who].annual_grades[int(year)] = str(grade)
            elif stars:
                starred.setdefault(who, []).append(
                    star_order({"year": year, "quarter": quarter, "stars": stars})
                )
        for who, found in starred.items():
            by_row[who].stars = [value for *_, value in sorted(found)]
        rows, owner = self.group("HAS_SPECIALTY", "_src").rows(owners)
        for who, specialty_id in zip(
            owner.tolist(), *_columns(snap.edges("HAS_SPECIALTY"), rows, ["dst"]), strict=True
        ):
            by_row[who].specialties.add(specialty_id)
        rows, owner = self.group("WORKED_ON", "_src").rows(owners)
        for who, project_row, role, result in zip(
            owner.tolist(),
            *_columns(snap.edges("WORKED_ON"), rows, ["_dst", "role", "result"]),
            strict=True,
        ):
            if project_row >= 0:
                by_row[who].projects.append(
                    (self.projects[project_row], str(role or "成员"), result)
                )
        rows, owner = self.group("IN_POOL", "_src").rows(owners)
        pools = self.pools
        for who, pool_row, start, end in zip(
            owner.tolist(),
            *_columns(snap.edges("IN_POOL"), rows, ["_dst", "start", "end"]),
            strict=True,
        ):
            pool = pools[pool_row] if pool_row >= 0 else None
            enter_pool(by_row[who], {"start": start, "end": end}, pool)
        supervision = snap.nodes("Supervision")
        rows, owner = self.group("Supervision", "_ref_cadre_id").rows(owners)
        for who, item in zip(owner.tolist(), node_dicts(supervision, rows), strict=True):
            by_row[who].supervision.append(item)
        self._relatives(owners, by_row)
        return {self.cadre_ids[row]: record for row, record in by_row.items()}

    def assessments(self, owners: Rows) -> tuple[Grades, Stars]:
        """Annual grades and quarterly stars of the cadre ``owners`` as columns, by position
        in ``owners``, as :meth:`records` reads them: ``(position, year, grade)`` with one
        row per cadre and year (the last one read wins, as in ``annual_grades``), and
        ``(position, stars)`` by position, then in time order (year, quarter)."""
        table = self.snapshot.nodes("Assessment")
        rows, owner = self.group("Assessment", "_ref_cadre_id").rows(owners)
        position = positions_in(owners, owner)
        taken = table.select(["year", "quarter", "grade", "stars"]).take(pa.array(rows, pa.int64()))
        quarter_missing = np.asarray(taken.column("quarter").is_null(), dtype=bool)
        grade_column = taken.column("grade")
        # A grade is there when present and not empty (``bool(grade)``), column-wise.
        has_grade = np.asarray(
            pc.fill_null(pc.not_equal(grade_column.cast(pa.string()), ""), False), dtype=bool
        )
        annual = quarter_missing & has_grade
        stars = np.asarray(taken.column("stars").fill_null(0), dtype=np.int64)
        starred = ~annual & (stars != 0)
        years = np.asarray(taken.column("year").fill_null(0), dtype=np.int64)
        quarters = np.asarray(taken.column("quarter").fill_null(0), dtype=np.int64)
        # The last row of each (cadre, year) wins, as a dict keeps the last value.
        picked = np.flatnonzero(annual)
        keys = position[picked] * 100_000 + years[picked]
        reversed_keys = keys[::-1]
        _, last_from_end = np.unique(reversed_keys, return_index=True)
        chosen = np.sort(picked[len(picked) - 1 - last_from_end])
        in_time = np.flatnonzero(starred)
        in_time = in_time[
            np.lexsort((stars[in_time], quarters[in_time], years[in_time], position[in_time]))
        ]
        return (
            (
                position[chosen],
                years[chosen],
                [str(g) for g in pylist(grade_column.take(pa.array(chosen, pa.int64())))],
            ),
            (position[in_time], stars[in_time]),
        )

    def avoidance_records(self, owners: Sequence[int]) -> list[CadreRecord]:
        """Records of the cadre rows ``owners`` with what avoidance reads only: the id,
        name and hometown, and the relatives with their posts (as :meth:`records` reads
        them). Cheap enough to make one at a time, in a round's hot loop."""
        with self._lock:
            if self._avoidance is None:
                table = self.snapshot.edges("RELATIVE_OF")
                sides = [table.column(side).combine_chunks() for side in ("_src", "_dst")]
                related = distinct_sorted(np.concatenate([np.asarray(a, np.int64) for a in sides]))
                related = related[related >= 0]
                holders = {int(row): CadreRecord({}) for row in related.tolist()}
                hometowns = pylist(self.snapshot.nodes("Cadre").column("hometown_unit_id"))
                self._avoidance = (hometowns, {})
                self._relatives(related, holders)
                self._avoidance = (
                    hometowns,
                    {row: record.relatives for row, record in holders.items()},
                )
        hometowns, relatives = self._avoidance
        names = self.names()
        found = []
        for row in owners:
            cadre = {"name": names[row], "hometown_unit_id": hometowns[row]}
            cadre = {key: value for key, value in cadre.items() if value is not None}
            cadre["id"] = self.cadre_ids[row]
            found.append(CadreRecord(cadre, relatives=list(relatives.get(row, []))))
        return found

    def assessments_of(self, owners: Rows) -> tuple[Grades, Stars]:
        """:meth:`assessments`, remembered for the last ``owners`` asked about."""
        with self._lock:
            cached = self._assessments
        if cached is not None and np.array_equal(cached[0], owners):
            return cached[1]
        found = self.assessments(owners)
        with self._lock:
            self._assessments = (owners, found)
        return found

    def supervision(self, owners: Rows) -> dict[int, list[dict[str, Any]]]:
        """Supervision records of the cadre ``owners`` by position in ``owners``, in the
        order :meth:`records` reads them."""
        rows, owner = self.group("Supervision", "_ref_cadre_id").rows(owners)
        found: dict[int, list[dict[str, Any]]] = {}
        items = node_dicts(self.snapshot.nodes("Supervision"), rows)
        for who, item in zip(positions_in(owners, owner).tolist(), items, strict=True):
            found.setdefault(who, []).append(item)
        return found

    def _relatives(self, owners: Rows, by_row: dict[int, CadreRecord]) -> None:
        """Relatives in edge order, each with the posts they held (both directions)."""
        table = self.snapshot.edges("RELATIVE_OF")
        found: list[tuple[int, int, int, str, int, Any]] = []
        for mine, theirs, side in (("_src", "dst", 0), ("_dst", "src", 1)):
            rows, owner = self.group("RELATIVE_OF", mine).rows(owners)
            other_rows_column = "_dst" if mine == "_src" else "_src"
            others, other_rows, relations = _columns(
                table, rows, [theirs, other_rows_column, "relation"]
            )
            for edge, who, other, other_row, relation in zip(
                rows.tolist(), owner.tolist(), others, other_rows, relations, strict=True
            ):
                found.append((edge, side, who, other, other_row, relation))
        if not found:
            return
        found.sort(key=lambda item: (item[0], item[1]))
        names = self.names()
        held = self.tenures(np.asarray(sorted({f[4] for f in found if f[4] >= 0}), np.int64))
        for _, _, who, other, other_row, relation in found:
            name = names[other_row] if other_row >= 0 else other
            by_row[who].relatives.append(
                Relative(
                    other,
                    str(name if name is not None else other),
                    str(relation or ""),
                    tuple(held.get(other_row, [])),
                )
            )


class LazyRecords(dict[str, CadreRecord]):
    """Records of a fixed set of cadres, built on first use (all of them on ``items()``).

    An answer about one scope reads a few thousand of a province's records; building
    all of them first would keep it waiting. A record is built with the rest of its group
    (``group_of``: cadre id → group, such as the district they work in), in one pass.
    Iteration and ``len`` give every id (sorted) without building; ``values()`` and
    ``items()`` build what is still missing in one pass.
    """

    def __init__(
        self,
        ids: Sequence[str],
        build: Callable[[list[str]], dict[str, CadreRecord]],
        group_of: dict[str, str] | None = None,
    ) -> None:
        super().__init__()
        self._group_of = group_of or {}
        self._groups: dict[str, list[str]] | None = None
        self._ids = sorted(ids)
        self._known = frozenset(self._ids)
        self._build = build
        self._complete = False
        self._lock = threading.RLock()

    def __missing__(self, key: str) -> CadreRecord:
        if key not in self._known:
            raise KeyError(key)
        with self._lock:
            if not dict.__contains__(self, key):
                wanted = [key]
                group = self._group_of.get(key)
                if group is not None:
                    if self._groups is None:
                        self._groups = {}
                        for cadre_id in self._ids:
                            self._groups.setdefault(self._group_of.get(cadre_id, ""), [])
                            self._groups[self._group_of.get(cadre_id, "")].append(cadre_id)
                    wanted = [c for c in self._groups[group] if not dict.__contains__(self, c)]
                dict.update(self, self._build(wanted))
            return dict.__getitem__(self, key)

    def __contains__(self, key: object) -> bool:
        return key in self._known

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def get(self, key: str, default: Any = None) -> Any:
        return self[key] if key in self._known else default

    def keys(self) -> KeysView[str]:  # type: ignore[override]
        return dict.fromkeys(self._ids).keys()

    def fill(self) -> None:
        """Build every record not built yet, in one pass; keep them in id order."""
        with self._lock:
            if self._complete:
                return
            missing = [c for c in self._ids if not dict.__contains__(self, c)]
            built = {**dict(dict.items(self)), **(self._build(missing) if missing else {})}
            dict.clear(self)
            dict.update(self, ((c, built[c]) for c in self._ids))
            self._complete = True

    def prefetch(self, cadre_ids: Iterable[str]) -> None:
        """Build the records of ``cadre_ids`` not built yet, in one pass, without the rest
        of their groups."""
        with self._lock:
            wanted = sorted(
                {c for c in cadre_ids if c in self._known and not dict.__contains__(self, c)}
            )
            if wanted:
                dict.update(self, self._build(wanted))

    def values(self) -> Any:
        self.fill()
        return dict.values(self)

    def items(self) -> Any:
        self.fill()
        return dict.items(self)
