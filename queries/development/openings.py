"""What a cadre's path can propose, and whether it is open to a cadre.

- **vacant posts**: leadership posts nobody holds, by level; a posting (平级交流 or 转任)
  to one at the level below the target starts the years of leadership at that level, and
  in a grassroots unit (``paths.posting_unit_kinds``: 乡镇, 街道) the grassroots years too;
- **grassroots units** for a secondment (挂职) that starts the grassroots years;
- **scheduled courses**: trainings that begin after the day, earliest first;
- **major tasks** under way (重大任务/重点项目 not yet ended).

A post or unit is open to a cadre when it lies in the cadre's scope (the unit the
cadre's own level is managed from, ``policy.scope``: a 科级 cadre's district) and
appointing the cadre there breaks no avoidance rule (the same check as a ranking's, and
only for those who may conflict). A cadre's path lists the open ones nearest first; the
pipeline asks only whether one is open; both ask :func:`is_open`, so they agree.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import NDArray

from graphsvc.vocab import LEVEL_ORDER, Level
from queries.development.data import DevelopmentData
from queries.selection.avoidance import appointment_conflicts

__all__ = ["Course", "Openings", "Place", "openings"]

Rows = NDArray[np.intp]
Bools = NDArray[np.bool_]
Days = NDArray[np.datetime64]
Floats = NDArray[np.float64]
Ints = NDArray[np.int64]
_LEVELS = {level.value: level for level in Level}


@dataclass(frozen=True)
class Course:
    """A scheduled course (培训班 that begins after the day)."""

    training_id: str
    name: str
    start: date
    end: date
    hours: float
    days: float


@dataclass(frozen=True)
class Place:
    """Where a posting or secondment goes: a vacant post, or a unit (``post_id`` ``None``,
    a secondment, 挂职); ``post`` is what avoidance reads of it."""

    unit_id: str
    post_id: str | None
    post: dict[str, Any]

    @property
    def secondment(self) -> bool:
        return self.post_id is None


@dataclass
class Openings:
    """Everything on offer on the day, indexed for the paths (built once per data)."""

    data: DevelopmentData
    vacancies: list[str]  # the leadership posts nobody holds, by id
    vacant: dict[Level, list[dict[str, Any]]]  # those of a known level, by level, by id
    grassroots: list[str]  # units a posting or secondment for 基层工作经历 goes to, by id
    courses: list[Course]  # scheduled, earliest first
    tasks: list[dict[str, Any]]  # major tasks under way, by id
    _places: dict[Any, list[Place]]
    _open: dict[tuple[int, str, str | None], bool]
    _scopes: dict[Level, dict[str, str | None]] = field(default_factory=dict)
    # Each place made once (a unit's secondment at a level, a vacant post), shared by the
    # lists of every scope it lies in.
    _made: dict[Level | None, dict[str, Place]] = field(default_factory=dict)
    _grassroots_by_scope: dict[str, list[str]] | None = None
    _tasks_by_scope: dict[str | None, list[dict[str, Any]]] | None = None
    _by_scope: dict[Level, dict[str | None, list[dict[str, Any]]]] = field(default_factory=dict)

    # ------------------------------------------------------------------ scope

    def home_scope(self, cadre_id: str, level: Level) -> tuple[bool, str | None]:
        """Whether the cadre has a unit now, and the scope a post of ``level`` in that unit
        draws from (``None``: the whole area): where the cadre may be posted."""
        unit = self.data.unit_of(cadre_id)
        if not unit:
            return False, None
        return True, self.unit_scope(unit, level)

    def unit_scope(self, unit: str, level: Level) -> str | None:
        """The scope a post of ``level`` in ``unit`` draws from (remembered per unit)."""
        known = self._scopes.setdefault(level, {})
        if unit not in known:
            known[unit] = self.data.context.scopes.of_post({"unit_id": unit, "level": level.value})
        return known[unit]

    def row_scopes(self, rows: Rows, level: Level) -> tuple[list[str | None], Ints]:
        """The scope each cadre of ``rows`` may be posted within at ``level`` (as
        :meth:`home_scope`): the distinct scopes, and each row's number among them (-1:
        no unit now). A scope is found once a unit, not once a cadre."""
        units, unit_of_row = self.data.unit_column()
        homes, inverse = np.unique(unit_of_row[rows], return_inverse=True)
        number: dict[str | None, int] = {}
        per_home = np.array(
            [
                number.setdefault(self.unit_scope(units[home], level), len(number))
                if home >= 0
                else -1
                for home in homes.tolist()
            ],
            dtype=np.int64,
        )
        found: Ints = per_home[inverse.reshape(-1)]
        return list(number), found

    def _grassroots_within(self, scope: str | None) -> list[str]:
        """The grassroots units in ``scope`` (the unit itself or under it; all for
        ``None``), by id: each unit's ancestors walked once, not once a scope."""
        if scope is None:
            return self.grassroots
        if self._grassroots_by_scope is None:
            by_scope: dict[str, list[str]] = defaultdict(list)
            for unit_id in self.grassroots:  # by id, so each list is too
                for above in dict.fromkeys([unit_id, *self.data.units.ancestors(unit_id)]):
                    by_scope[above].append(unit_id)
            self._grassroots_by_scope = dict(by_scope)
        return self._grassroots_by_scope.get(scope, [])

    def places(self, level: Level, scope: str | None, *, grassroots: bool) -> list[Place]:
        """The vacant posts of ``level`` a post of which the scope ``scope`` fills (only those
        in grassroots units when ``grassroots``), then, with ``grassroots``, the scope's
        grassroots units for a secondment; in a fixed order (by id)."""
        key = (level, scope, grassroots)
        if key not in self._places:
            kinds = set(self.data.policy.paths.posting_unit_kinds)
            units = self.data.units
            posts, stand_ins = self._made.setdefault(None, {}), self._made.setdefault(level, {})
            found = []
            for post in self._vacant_in(level, scope):
                if not grassroots or units.kind(post["unit_id"]) in kinds:
                    post_id = str(post["id"])
                    if post_id not in posts:
                        posts[post_id] = Place(str(post["unit_id"]), post_id, post)
                    found.append(posts[post_id])
            if grassroots:
                for unit_id in self._grassroots_within(scope):
                    if unit_id not in stand_ins:
                        post = _stand_in(unit_id, level, units.name(unit_id))
                        stand_ins[unit_id] = Place(unit_id, None, post)
                    found.append(stand_ins[unit_id])
            self._places[key] = found
        return self._places[key]

    def _vacant_in(self, level: Level, scope: str | None) -> list[dict[str, Any]]:
        """The vacant posts of ``level`` that ``scope`` fills: each post's scope found once."""
        if level not in self._by_scope:
            scopes = self.data.context.scopes
            grouped: dict[str | None, list[dict[str, Any]]] = defaultdict(list)
            for post in self.vacant.get(level, []):
                if post.get("unit_id"):
                    grouped[scopes.of_post(post)].append(post)
            self._by_scope[level] = grouped
        return self._by_scope[level].get(scope, [])

    def tasks_within(self, scope: str | None) -> list[dict[str, Any]]:
        """The major tasks under way in a unit of ``scope`` (the scope itself or under it;
        every one with a unit for ``None``), by id: each task's ancestors walked once."""
        if self._tasks_by_scope is None:
            by_scope: dict[str | None, list[dict[str, Any]]] = defaultdict(list)
            for task in self.tasks:  # by id, so each list is too
                unit_id = task.get("unit_id")
                if unit_id:
                    chain = [None, unit_id, *self.data.units.ancestors(unit_id)]
                    for above in dict.fromkeys(chain):
                        by_scope[above].append(task)
            self._tasks_by_scope = dict(by_scope)
        return self._tasks_by_scope.get(scope, [])

    # ------------------------------------------------------------------ avoidance

    def is_open(self, row: int, place: Place) -> bool:
        """No avoidance conflict for cadre ``row`` at ``place`` (:meth:`open_at`)."""
        return bool(self.open_at(np.array([row], dtype=np.intp), place)[0])

    def open_at(self, rows: Rows, place: Place) -> Bools:
        """Which of ``rows`` have no avoidance conflict at ``place``: checked only for those
        who may conflict (relatives, or grown up where a head post governs), the others
        decided at once; each check remembered."""
        context = self.data.context
        area = None if place.secondment else context.regional_area(str(place.post_id))
        found: Bools = ~context.arrays.may_conflict(context, rows, area=area)
        for k in np.flatnonzero(~found).tolist():
            found[k] = self._conflict_free(int(rows[k]), place)
        return found

    def _conflict_free(self, row: int, place: Place) -> bool:
        key = (row, place.unit_id, place.post_id)
        if key not in self._open:
            context = self.data.context
            self._open[key] = not appointment_conflicts(
                context.avoidance_record(context.facts.ids[row]),
                place.post,
                context.units,
                policy=context.policy,
                as_of=context.as_of,
            )
        return self._open[key]

    def any_open(self, rows: Rows, places: list[Place]) -> Bools:
        """Which of ``rows`` have at least one open place among ``places``: place by place,
        each asked about the rows that have none yet (after the first, the few who may
        conflict)."""
        found = np.zeros(len(rows), dtype=bool)
        waiting = np.arange(len(rows))
        for place in places:
            if not len(waiting):
                break
            here = self.open_at(rows[waiting], place)
            found[waiting[here]] = True
            waiting = waiting[~here]
        return found

    def nearest(self, cadre_id: str, places: list[Place]) -> list[Place]:
        """``places`` nearest the cadre's unit first (hops in the unit tree, then id)."""
        home = self.data.unit_of(cadre_id)

        def hops(place: Place) -> tuple[int, str, str]:
            found = self.data.unit_distance(home, place.unit_id)
            return (10**6 if found is None else found, place.unit_id, place.post_id or "")

        return sorted(places, key=hops)

    # ------------------------------------------------------------------ courses

    def first_courses(self, hours: Floats, days: Floats) -> NDArray[np.int64]:
        """For each missing (hours, days): the earliest scheduled course long enough to
        mend it on its own (-1: none is)."""
        found = np.full(len(hours), -1, dtype=np.int64)
        for index, course in enumerate(self.courses):
            fits = (found < 0) & ((course.hours >= hours) | (course.days >= days))
            found[fits] = index
        return found


def _stand_in(unit_id: str, level: Level, name: str) -> dict[str, Any]:
    """A secondment as avoidance reads it: a place on the unit's team at the level."""
    return {
        "id": None,
        "name": f"{name}挂职",
        "unit_id": unit_id,
        "level": level.value,
        "leadership": True,
        "team_member": True,
    }


def openings(data: DevelopmentData) -> Openings:
    """What is on offer on the data's day (remembered on the data)."""
    key = "paths:openings"
    if key not in data.memo:
        context = data.context
        as_of = data.as_of
        vacancies = context.vacancies()
        vacant: dict[Level, list[dict[str, Any]]] = defaultdict(list)
        for post_id in vacancies:
            post = context.posts[post_id]
            level = _LEVELS.get(str(post.get("level")))
            if level is not None:
                vacant[level].append(post)
        kinds = set(data.policy.paths.posting_unit_kinds)
        grassroots = sorted(u for u, unit in data.units.units.items() if unit.get("kind") in kinds)
        courses = sorted(
            (
                Course(
                    str(t["id"]),
                    str(t.get("name", t["id"])),
                    t["start"],
                    t.get("end") or t["start"],
                    float(t.get("hours") or 0),
                    float(t.get("days") or 0),
                )
                for t in data.trainings
                if t.get("start") is not None and t["start"] > as_of
            ),
            key=lambda c: (c.start, c.training_id),
        )
        tasks = [
            p
            for p in data.projects
            if p.get("start") is not None and (p.get("end") is None or p["end"] > as_of)
        ]
        data.memo[key] = Openings(
            data=data,
            vacancies=vacancies,
            vacant={level: vacant[level] for level in sorted(vacant, key=LEVEL_ORDER.__getitem__)},
            grassroots=grassroots,
            courses=courses,
            tasks=tasks,
            _places={},
            _open={},
        )
    found: Openings = data.memo[key]
    return found
