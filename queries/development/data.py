"""The graph read once for the development analyses.

Builds on the selection context (posts, holders, cadre records, units,
specialties) and adds what only these analyses read: mentors and pairings,
pools and memberships, and every cadre's status (mentors who left are still
named in pairings). After a write, :meth:`DevelopmentData.patched` reads again only
what the write changed (the context's records through ``queries.selection.follow``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import repeat
from typing import Any, Literal

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from graphsvc.arrays import distinct_sorted
from graphsvc.changes import ChangeSet, Patched
from graphsvc.dates import months_between
from graphsvc.snapshot import Snapshot, node_dicts, pylist, snapshot_of
from graphsvc.stores.base import GraphStore
from graphsvc.vocab import LEVEL_ORDER, Level
from queries.selection.candidates import SelectionContext
from queries.selection.follow import patched_context
from queries.selection.policy import SelectionPolicy
from queries.selection.records import (
    CadreRecord,
    SnapshotGraph,
    UnitIndex,
    date_days,
    day_number,
)
from queries.selection.retirement import retirement_date

__all__ = ["DevelopmentData", "MemberFacts", "Pairing", "PoolStay"]

_UNREAD: Any = object()  # a cadre whose unit is not read yet


@dataclass(frozen=True)
class Pairing:
    """A mentoring relation (MENTORS), ``end`` ``None`` while it lasts."""

    mentor_id: str
    mentee_id: str
    start: date
    end: date | None
    end_reason: str | None = None
    recorded_by: str | None = None
    recorded_on: date | None = None
    ended_by: str | None = None

    def current(self, as_of: date) -> bool:
        return self.start <= as_of and (self.end is None or self.end > as_of)


@dataclass(frozen=True)
class PoolStay:
    """A stay in a pool (IN_POOL)."""

    cadre_id: str
    pool_id: str
    start: date
    end: date | None
    exit_reason: str | None
    entry_reason: str | None = None
    recorded_by: str | None = None
    ended_by: str | None = None

    def current(self, as_of: date) -> bool:
        return self.start <= as_of and (self.end is None or self.end > as_of)


@dataclass(frozen=True)
class MemberFacts:
    """What the team analysis reads of some cadres beyond ``cadres``, as columns.

    Row ``i`` of each column is the cadre ``cadre_ids[i]``.
    """

    cadre_ids: list[str]
    education: list[Any]  # 全日制学历, as the cadre's record holds it (``None``: not recorded)
    specialties: list[frozenset[str]]  # specialty ids (HAS_SPECIALTY)


@dataclass
class DevelopmentData:
    context: SelectionContext
    cadres: dict[str, dict[str, Any]]  # every cadre, active or not: id, name, status, birth, ...
    mentors: dict[str, dict[str, Any]]
    pairings: list[Pairing]
    pools: dict[str, dict[str, Any]]
    stays: list[PoolStay]
    # Courses and major tasks, for the actions a cadre's path suggests.
    trainings: list[dict[str, Any]] = field(default_factory=list)
    projects: list[dict[str, Any]] = field(default_factory=list)
    _unit_of: dict[str, str | None] = field(default_factory=dict)
    memo: dict[Any, Any] = field(default_factory=dict)  # figures several analyses share
    # The snapshot the data was read from (None: read from the store row by row).
    _snapshot: Snapshot | None = field(default=None, repr=False)
    # Cadres read again since the snapshot (patched): their rows come from their records.
    _fresh: frozenset[str] = field(default=frozenset(), repr=False)
    # Per unit (units never change in a patch: a changed unit reads the data whole).
    _branches: dict[str, str | None] = field(default_factory=dict, repr=False)
    _distances: dict[tuple[str, str], int | None] = field(default_factory=dict, repr=False)

    @classmethod
    def load(
        cls,
        store: GraphStore,
        *,
        policy: SelectionPolicy,
        as_of: date,
        source: Literal["snapshot", "store"] = "snapshot",
        context: SelectionContext | None = None,
    ) -> DevelopmentData:
        """What the development analyses read, from the store's columnar snapshot.

        ``source="store"`` reads the store row by row instead (the snapshot must equal it).
        ``context``: the selection context of the same store, policy and day, when one is
        read already (the service shares its own).
        """
        if context is None:
            context = SelectionContext.load(store, policy=policy, as_of=as_of, source=source)
        fields = list(_CADRE_FIELDS)
        snap: Snapshot | None = None
        if source == "store":
            cadres = {c["id"]: c for c in store.iter_nodes("Cadre", fields)}
            pairings = [
                Pairing(mentor_id, mentee_id, *_props(props, _PAIRING_FIELDS))
                for mentor_id, mentee_id, props in store.iter_edges("MENTORS")
            ]
            stays = [
                PoolStay(cadre_id, pool_id, *_props(props, _STAY_FIELDS))
                for cadre_id, pool_id, props in store.iter_edges("IN_POOL")
            ]
            mentors = {m["id"]: m for m in store.iter_nodes("Mentor")}
            pools = {p["id"]: p for p in store.iter_nodes("Pool")}
            trainings = list(store.iter_nodes("Training"))
            projects = list(store.iter_nodes("Project"))
            unit_of = {}
        else:
            snap = snapshot_of(store)
            cadres = {c["id"]: c for c in node_dicts(snap.nodes("Cadre"), fields=fields)}
            pairings = [Pairing(*row) for row in _rows(snap.edges("MENTORS"), _PAIRING_FIELDS)]
            stays = [PoolStay(*row) for row in _rows(snap.edges("IN_POOL"), _STAY_FIELDS)]
            mentors = {m["id"]: m for m in node_dicts(snap.nodes("Mentor"))}
            pools = {p["id"]: p for p in node_dicts(snap.nodes("Pool"))}
            trainings = node_dicts(snap.nodes("Training"))
            projects = node_dicts(snap.nodes("Project"))
            unit_of = _units_of_cadres(snap, context)
        return cls(
            context=context,
            cadres=cadres,
            mentors=mentors,
            pairings=sorted(pairings, key=lambda p: (p.mentee_id, p.start, p.mentor_id)),
            pools=pools,
            stays=sorted(stays, key=lambda s: (s.cadre_id, s.start)),
            trainings=sorted(trainings, key=lambda t: str(t["id"])),
            projects=sorted(projects, key=lambda p: str(p["id"])),
            _unit_of=unit_of if source == "snapshot" else {},
            _snapshot=snap,
        )

    def patched(self, store: GraphStore, changes: ChangeSet) -> Patched | None:
        """This data brought to the store's version by reading again what ``changes``
        touched (a new object; this one is left as it was); None when its context cannot
        be patched (see :func:`queries.selection.follow.patched_context`)."""
        moved = patched_context(self.context, store, changes)
        if moved is None:
            return None
        changed = set(moved.changed)
        mentors = self.mentors
        cadres = self.cadres
        if changes.node_ids("Cadre"):
            found = store.get_nodes("Cadre", changes.node_ids("Cadre"))
            cadres = _replaced(
                cadres, {c: _fields(node, _CADRE_FIELDS) for c, node in found.items()}
            )
            changed |= found.keys()
        if changes.node_ids("Mentor"):
            mentors = _replaced(mentors, store.get_nodes("Mentor", changes.node_ids("Mentor")))
        pools = self.pools
        if changes.node_ids("Pool"):
            pools = _replaced(pools, store.get_nodes("Pool", changes.node_ids("Pool")))
        pairings = self.pairings
        if changes.edge_ends("MENTORS"):
            pairs = changes.edge_ends("MENTORS")
            fresh = [
                Pairing(mentor_id, mentee_id, *_props(edge.props, _PAIRING_FIELDS))
                for mentor_id, mentee_id in sorted(pairs)
                for edge in store.edges_of("Mentor", mentor_id)
                if edge.type == "MENTORS" and edge.other_id == mentee_id
            ]
            kept = [p for p in pairings if (p.mentor_id, p.mentee_id) not in pairs]
            pairings = sorted(kept + fresh, key=lambda p: (p.mentee_id, p.start, p.mentor_id))
            changed |= {mentee for _, mentee in pairs}
        stays = self.stays
        if changes.edge_ends("IN_POOL"):
            members = {cadre_id for cadre_id, _ in changes.edge_ends("IN_POOL")}
            fresh_stays = [
                PoolStay(cadre_id, edge.other_id, *_props(edge.props, _STAY_FIELDS))
                for cadre_id in sorted(members)
                for edge in store.edges_of("Cadre", cadre_id)
                if edge.type == "IN_POOL" and edge.direction == "out"
            ]
            kept_stays = [stay for stay in stays if stay.cadre_id not in members]
            stays = sorted(kept_stays + fresh_stays, key=lambda s: (s.cadre_id, s.start))
        unit_of = {c: u for c, u in self._unit_of.items() if c not in moved.changed}
        patched = DevelopmentData(
            context=moved.value,
            cadres=cadres,
            mentors=mentors,
            pairings=pairings,
            pools=pools,
            stays=stays,
            trainings=_patched_nodes(self.trainings, store, "Training", changes),
            projects=_patched_nodes(self.projects, store, "Project", changes),
            _unit_of=unit_of,
            _snapshot=self._snapshot,
            _fresh=self._fresh | moved.changed,
            _branches=self._branches,
            _distances=self._distances,
        )
        return Patched(patched, frozenset(changed))

    # -- shortcuts ----------------------------------------------------------

    @property
    def as_of(self) -> date:
        return self.context.as_of

    @property
    def policy(self) -> SelectionPolicy:
        return self.context.policy

    @property
    def units(self) -> UnitIndex:
        return self.context.units

    @property
    def records(self) -> dict[str, CadreRecord]:
        """Active cadres only."""
        return self.context.records

    def name(self, cadre_id: str | None) -> str:
        return str(self.cadres.get(cadre_id or "", {}).get("name", cadre_id))

    def age(self, cadre_id: str, on: date | None = None) -> float | None:
        birth = self.cadres.get(cadre_id, {}).get("birth")
        return months_between(birth, on or self.as_of) / 12 if birth else None

    def retirement_date(self, cadre_id: str) -> date | None:
        """The statutory retirement date by the policy's schedules (birth month, gender, level)."""
        cadre = self.cadres.get(cadre_id, {})
        county = str(cadre.get("level") or "") in self.policy.county_levels
        return retirement_date(cadre, retirement=self.policy.retirement, county=county)

    def unit_of(self, cadre_id: str | None) -> str | None:
        """The unit of the cadre's current post (the principal one when several)."""
        if not cadre_id:
            return None
        if cadre_id not in self._unit_of:
            record = self.records.get(cadre_id)
            current = record.current_tenures(self.as_of) if record else []
            current.sort(key=lambda t: -LEVEL_ORDER.get(Level(t.post.get("level", "科员")), 0))
            self._unit_of[cadre_id] = (
                str(current[0].post.get("unit_id")) if current and current[0].post else None
            )
        return self._unit_of[cadre_id]

    def unit_column(self) -> tuple[list[str], NDArray[np.int64]]:
        """Every cadre's unit (:meth:`unit_of`) as a column over the selection facts' rows:
        the distinct units and each row's number among them (-1: none). Remembered: what a
        province's pipeline groups 300,000 cadres by."""
        key = "unit_column"
        if key not in self.memo:
            ids = self.context.facts.ids
            homes = list(map(self._unit_of.get, ids, repeat(_UNREAD)))
            if _UNREAD in homes:  # read again since (patched): from the records
                homes = [
                    self.unit_of(c) if u is _UNREAD else u for c, u in zip(ids, homes, strict=True)
                ]
            encoded = pa.array(homes, type=pa.string()).dictionary_encode()
            units: list[str] = encoded.dictionary.to_pylist()
            numbers = np.asarray(encoded.indices.fill_null(-1), dtype=np.int64)
            if "" in units:  # not a unit either
                numbers[numbers == units.index("")] = -1
            self.memo[key] = (units, numbers)
        found: tuple[list[str], NDArray[np.int64]] = self.memo[key]
        return found

    def level_rank(self, cadre_id: str) -> int | None:
        """The cadre's level on the ladder (ranks count as their equivalent level)."""
        facts = self.context.facts
        row = facts.index.get(cadre_id)
        return None if row is None else int(facts.cadres.standing[row])

    def branch(self, unit_id: str | None) -> str | None:
        """The township, street or department a unit belongs to (itself when it is one).

        The unit just below the nearest unit of a ``far_unit_kinds`` kind (the
        district): villages belong to their township.
        """
        if not unit_id:
            return None
        # Asked for every cadre's unit (a province's 300,000): worked out once per unit.
        if unit_id not in self._branches:
            far = set(self.policy.mentoring.far_unit_kinds)
            chain = [unit_id, *self.units.ancestors(unit_id)]
            found = chain[-1]
            for index, current in enumerate(chain):
                if self.units.kind(current) in far:
                    found = chain[index - 1] if index > 0 else current
                    break
            self._branches[unit_id] = found
        return self._branches[unit_id]

    def unit_distance(self, a: str | None, b: str | None) -> int | None:
        """Hops between two units through their lowest common ancestor (``None``: unknown)."""
        if not a or not b:
            return None
        key = (a, b)
        if key not in self._distances:
            up_a = [a, *self.units.ancestors(a)]
            up_b = [b, *self.units.ancestors(b)]
            depth_b = {unit: depth for depth, unit in enumerate(up_b)}
            self._distances[key] = next(
                (depth_a + depth_b[u] for depth_a, u in enumerate(up_a) if u in depth_b), None
            )
        return self._distances[key]

    def in_pool(self, cadre_id: str, on: date | None = None) -> bool:
        day = on or self.as_of
        return any(s.cadre_id == cadre_id and s.current(day) for s in self.stays)

    def pool_members(self, on: date | None = None) -> set[str]:
        day = on or self.as_of
        return {s.cadre_id for s in self.stays if s.current(day)}

    def member_facts(self, cadre_ids: Sequence[str]) -> MemberFacts:
        """Education and specialties of active cadres, as columns in the order given.

        From the snapshot's columns when the data was read from it, so no cadre record is
        built (about 35 µs each: a province's team members would wait seconds for them);
        from the records when it was read from the store (they are all built already).
        """
        ids = list(cadre_ids)
        if self._snapshot is None:
            return self._member_facts_from_records(ids)
        if self._fresh.isdisjoint(ids):
            return self._member_facts_from_snapshot(ids)
        # Patched since the snapshot: the cadres read again come from their records.
        old = [c for c in ids if c not in self._fresh]
        parts = (
            self._member_facts_from_snapshot(old),
            self._member_facts_from_records([c for c in ids if c in self._fresh]),
        )
        by_id = {
            cadre_id: (education, specialties)
            for part in parts
            for cadre_id, education, specialties in zip(
                part.cadre_ids, part.education, part.specialties, strict=True
            )
        }
        return MemberFacts(
            cadre_ids=ids,
            education=[by_id[c][0] for c in ids],
            specialties=[by_id[c][1] for c in ids],
        )

    def _member_facts_from_records(self, ids: list[str]) -> MemberFacts:
        chosen = [self.records[c] for c in ids]
        return MemberFacts(
            cadre_ids=ids,
            education=[record.cadre.get("education") for record in chosen],
            specialties=[frozenset(record.specialties) for record in chosen],
        )

    def _member_facts_from_snapshot(self, ids: list[str]) -> MemberFacts:
        assert self._snapshot is not None
        graph = SnapshotGraph.of(self._snapshot)
        rows = np.asarray([graph.cadre_row[c] for c in ids], dtype=np.int64)
        cadres = self._snapshot.nodes("Cadre")
        education = pylist(cadres.column("education").take(pa.array(rows, pa.int64())))
        owners = distinct_sorted(rows)
        edge_rows, owner = graph.group("HAS_SPECIALTY", "_src").rows(owners)
        held = self._snapshot.edges("HAS_SPECIALTY").column("dst")
        found: dict[int, set[str]] = {}
        for who, specialty_id in zip(
            owner.tolist(), pylist(held.take(pa.array(edge_rows, pa.int64()))), strict=True
        ):
            found.setdefault(who, set()).add(specialty_id)
        return MemberFacts(
            cadre_ids=ids,
            education=education,
            specialties=[frozenset(found.get(row, ())) for row in rows.tolist()],
        )


_CADRE_FIELDS = (
    "name",
    "status",
    "birth",
    "gender",
    "level",
    "channel",
    "work_start",
    "recruit_date",
)


def _fields(node: dict[str, Any], names: Sequence[str]) -> dict[str, Any]:
    """A node's properties among ``names`` (and its id), as the snapshot reads them."""
    return {name: value for name, value in node.items() if name in names} | {"id": node["id"]}


def _replaced(
    found: dict[str, dict[str, Any]], fresh: dict[str, dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """``found`` with ``fresh`` in place (a new dict, in id order as it was read)."""
    merged = {**found, **fresh}
    if fresh.keys() <= found.keys():
        return merged
    return dict(sorted(merged.items()))


# The properties of a pairing and a pool stay after their two ends, in the dataclasses' order.
_PAIRING_FIELDS = ("start", "end", "end_reason", "recorded_by", "recorded_on", "ended_by")
_STAY_FIELDS = ("start", "end", "exit_reason", "entry_reason", "recorded_by", "ended_by")


def _props(props: Mapping[str, Any], fields: Sequence[str]) -> tuple[Any, ...]:
    return tuple(props.get(n) for n in fields)


def _rows(table: pa.Table, fields: Sequence[str]) -> Iterator[tuple[Any, ...]]:
    """``src``, ``dst`` and ``fields`` of each edge; a property the snapshot lacks (one
    written before the model had it) reads as missing."""
    columns = [
        pylist(table.column(n)) if n in table.column_names else [None] * table.num_rows
        for n in ("src", "dst", *fields)
    ]
    return zip(*columns, strict=True)


def _patched_nodes(
    nodes: list[dict[str, Any]], store: GraphStore, label: str, changes: ChangeSet
) -> list[dict[str, Any]]:
    """``nodes`` (by id) with those of ``label`` that ``changes`` touched read again."""
    touched = changes.node_ids(label)
    if not touched:
        return nodes
    found = store.get_nodes(label, touched)
    kept = [node for node in nodes if node["id"] not in touched]
    fresh = [{**node, "id": node_id} for node_id, node in found.items()]
    return sorted(kept + fresh, key=lambda node: str(node["id"]))


def _units_of_cadres(snap: Snapshot, context: SelectionContext) -> dict[str, str | None]:
    """:meth:`DevelopmentData.unit_of` of every active cadre, from the snapshot's columns.

    The same choice as from the records (the current post of highest level, then the
    earliest start, then edge order), without building a record per cadre.
    """
    held = snap.edges("HOLDS")
    starts, _ = date_days(held.column("start"))
    ends, ended = date_days(held.column("end"))
    day = day_number(context.as_of)
    current = np.flatnonzero((starts <= day) & (~ended | (ends > day)))
    holders = np.asarray(held.column("_src").combine_chunks(), dtype=np.int64)[current]
    post_rows = np.asarray(held.column("_dst").combine_chunks(), dtype=np.int64)[current]
    posts = snap.nodes("Post")
    default = LEVEL_ORDER.get(Level("科员"), 0)
    ranks = np.asarray(
        [
            default if v is None else LEVEL_ORDER.get(Level(v), 0)
            for v in pylist(posts.column("level"))
        ]
        + [default],  # row -1: a post that is not there reads as {"id": ...}: 科员
        dtype=np.int64,
    )
    order = np.lexsort((current, starts[current], -ranks[post_rows], holders))
    first = np.unique(holders[order], return_index=True)[1]
    chosen = order[first]
    units = pylist(posts.column("unit_id"))
    cadre_ids = pylist(snap.nodes("Cadre").column("id"))
    found: dict[str, str | None] = dict.fromkeys(context.records)
    for holder, post_row in zip(holders[chosen].tolist(), post_rows[chosen].tolist(), strict=True):
        cadre_id = cadre_ids[holder] if holder >= 0 else None
        if cadre_id in found:
            found[cadre_id] = str(units[post_row] if post_row >= 0 else None)
    return found
