"""A searchable directory of cadres and posts, read once per graph version.

Search by name (part of it), unit (with its sub-units), age, level, specialty,
channel, gender, status and pool membership, which plain property filters
cannot do: the unit comes from the current post, specialties and the pool from
relations. Posts can be filtered to vacancies (no current holder).

The directory is prepared for search when it is read: each cadre's age in months, unit,
and the cadres under each character of a name, so that a search narrows by its most
selective filter first instead of testing every cadre. After a write, :meth:`Directory.patched`
reads again only the cadres the write changed and updates their rows (a new directory; the
old one keeps answering meanwhile); a change to posts or units, or a new cadre, reads it whole.
"""

from __future__ import annotations

import bisect
import copy
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal, cast

import pyarrow as pa
import pyarrow.compute as pc
from pydantic import ConfigDict, with_config

from graphsvc.changes import ChangeSet, Patched
from graphsvc.dates import months_between
from graphsvc.snapshot import Snapshot, node_dicts, pylist, snapshot_of
from graphsvc.stores.base import GraphStore
from queries.results import CadreId, CadreNode, PostNode

__all__ = ["CadreHit", "Directory", "PostHit"]


@with_config(ConfigDict(extra="allow"))
class CadreHit(CadreNode, total=False):
    """A cadre found by a search: the record with age, unit, specialties and pool."""

    age: int | None
    unit_id: str | None
    unit_name: str | None
    specialty_ids: list[str]
    in_pool: bool


@with_config(ConfigDict(extra="allow"))
class PostHit(PostNode, total=False):
    """A post found by a search, with its current holders."""

    unit_name: str | None
    holders: list[CadreId]
    vacant: bool


def _current(props: Any, as_of: date) -> bool:
    start, end = props.get("start"), props.get("end")
    return (start is None or start <= as_of) and (end is None or end > as_of)


_CADRE_FIELDS = ("name", "gender", "birth", "level", "rank", "channel", "status", "title")
_VALUE_KEYS = ("level", "channel", "gender", "status")  # prepared lists by value
_CADRE_EDGES = ("HOLDS", "HAS_SPECIALTY", "IN_POOL")  # what the directory reads of a cadre
_MOST_PATCHED = 0.1  # beyond this share of the cadres changed, reading it whole is cheaper


@dataclass
class Directory:
    as_of: date
    cadres: list[dict[str, Any]]  # id, name, gender, birth, level, channel, status, unit
    posts: list[dict[str, Any]]
    units: dict[str, dict[str, Any]]
    unit_of: dict[str, str | None]
    specialties: dict[str, set[str]]
    pool: set[str]
    holders: dict[str, list[str]] = field(default_factory=dict)
    # Prepared for search (from the fields above): per cadre, by position in ``cadres``.
    _months: list[int | None] = field(init=False, repr=False)
    _columns: dict[str, list[Any]] = field(init=False, repr=False)  # id, name, level ...
    _ages: list[float] = field(init=False, repr=False)  # years (months / 12), NaN unknown
    _by_char: dict[str, list[int]] = field(init=False, repr=False)
    _by_value: dict[tuple[str, Any], list[int]] = field(init=False, repr=False)
    _children: dict[str, list[str]] = field(init=False, repr=False)
    # Made on the first patch and handed on to the patched copies.
    _positions: dict[str, int] | None = field(default=None, init=False, repr=False)
    _held: dict[str, list[str]] | None = field(default=None, init=False, repr=False)
    _post_units: dict[str, str | None] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self._months = [
            months_between(c["birth"], self.as_of) if c.get("birth") else None for c in self.cadres
        ]
        by_char: dict[str, list[int]] = defaultdict(list)
        by_value: dict[tuple[str, Any], list[int]] = defaultdict(list)
        for index, cadre in enumerate(self.cadres):
            for char in set(str(cadre.get("name", ""))):
                by_char[char].append(index)
            for key in _VALUE_KEYS:
                by_value[(key, cadre.get(key))].append(index)
        self._by_char = dict(by_char)
        self._by_value = dict(by_value)
        self._ages = [math.nan if m is None else m / 12 for m in self._months]
        self._columns = {
            "id": [c["id"] for c in self.cadres],
            "name": [str(c.get("name", "")) for c in self.cadres],
            "unit": [self.unit_of.get(c["id"]) for c in self.cadres],
            **{key: [c.get(key) for c in self.cadres] for key in _VALUE_KEYS},
        }
        children: dict[str, list[str]] = defaultdict(list)
        for unit in self.units.values():
            if unit.get("parent_id"):
                children[unit["parent_id"]].append(unit["id"])
        self._children = dict(children)

    @classmethod
    def load(
        cls,
        store: GraphStore,
        *,
        as_of: date,
        source: Literal["snapshot", "store"] = "snapshot",
    ) -> Directory:
        """The directory on ``as_of``, from the store's columnar snapshot of its current
        version (``source="store"``: read row by row; the snapshot must equal it)."""
        if source == "snapshot":
            return cls._from_snapshot(snapshot_of(store), as_of=as_of)
        cadres = sorted(store.iter_nodes("Cadre", _CADRE_FIELDS), key=lambda c: c["id"])
        posts = sorted(store.iter_nodes("Post"), key=lambda p: p["id"])
        post_unit = {p["id"]: p.get("unit_id") for p in posts}
        units = {u["id"]: u for u in store.iter_nodes("Unit")}
        holders: dict[str, list[str]] = defaultdict(list)
        unit_of: dict[str, str | None] = {}
        for cadre_id, post_id, props in store.iter_edges("HOLDS"):
            if _current(props, as_of):
                holders[post_id].append(cadre_id)
                unit_of.setdefault(cadre_id, post_unit.get(post_id))
        specialties: dict[str, set[str]] = defaultdict(set)
        for cadre_id, specialty_id, _ in store.iter_edges("HAS_SPECIALTY"):
            specialties[cadre_id].add(specialty_id)
        pool = {c for c, _, props in store.iter_edges("IN_POOL") if _current(props, as_of)}
        return cls(as_of, cadres, posts, units, unit_of, specialties, pool, dict(holders))

    @classmethod
    def _from_snapshot(cls, snap: Snapshot, *, as_of: date) -> Directory:
        """:meth:`load` from the snapshot's columns (tables in id and edge-key order)."""
        cadres = node_dicts(snap.nodes("Cadre"), fields=_CADRE_FIELDS)
        posts = node_dicts(snap.nodes("Post"))
        units = {u["id"]: u for u in node_dicts(snap.nodes("Unit"))}
        post_unit = {post["id"]: post.get("unit_id") for post in posts}
        held = snap.edges("HOLDS")
        holders: dict[str, list[str]] = defaultdict(list)
        unit_of: dict[str, str | None] = {}
        current = _current_rows(held, as_of)
        for cadre_id, post_id in zip(
            pylist(held.column("src").take(current)),
            pylist(held.column("dst").take(current)),
            strict=True,
        ):
            holders[post_id].append(cadre_id)
            unit_of.setdefault(cadre_id, post_unit.get(post_id))
        specialties: dict[str, set[str]] = defaultdict(set)
        having = snap.edges("HAS_SPECIALTY")
        for cadre_id, specialty_id in zip(
            pylist(having.column("src")), pylist(having.column("dst")), strict=True
        ):
            specialties[cadre_id].add(specialty_id)
        stays = snap.edges("IN_POOL")
        pool = set(pylist(stays.column("src").take(_current_rows(stays, as_of))))
        return cls(as_of, cadres, posts, units, unit_of, specialties, pool, dict(holders))

    def patched(self, store: GraphStore, changes: ChangeSet) -> Patched | None:
        """This directory with the rows of the cadres ``changes`` touched read again from
        ``store``: a new directory (this one is left as it was); None when the changes
        reach what a patch cannot follow (posts, units, too many cadres). A new cadre
        moves every row after it: the prepared lists are then made again (the store is
        still read for the touched cadres only)."""
        if changes.touches(("Post", "Unit")) or changes.wholly(("Cadre", *_CADRE_EDGES)):
            return None
        touched = set(changes.node_ids("Cadre"))
        for edge_type in _CADRE_EDGES:
            touched.update(source for source, _ in changes.edge_ends(edge_type))
        if not touched:
            return Patched(self, frozenset())
        if len(touched) > max(100, _MOST_PATCHED * len(self.cadres)):
            return None
        found = store.get_nodes("Cadre", touched)
        if len(found) != len(touched):
            return None
        patched = copy.copy(self)
        patched._copy_for_patch()
        rows: dict[str, dict[str, Any]] = {}
        for cadre_id in sorted(touched):
            edges = [e for e in store.edges_of("Cadre", cadre_id) if e.direction == "out"]
            props = found[cadre_id]
            rows[cadre_id] = {k: v for k, v in props.items() if k in _CADRE_FIELDS}
            rows[cadre_id]["id"] = cadre_id
            patched._relations(cadre_id, edges)
        position = self._position()
        if all(cadre_id in position for cadre_id in rows):
            for cadre_id, cadre in rows.items():
                patched._prepared_row(position[cadre_id], cadre)
            return Patched(patched, frozenset(touched))
        cadres = list(self.cadres)
        for cadre_id, cadre in rows.items():
            if cadre_id in position:
                cadres[position[cadre_id]] = cadre
            else:
                bisect.insort(cadres, cadre, key=lambda c: str(c["id"]))
        return Patched(
            Directory(
                self.as_of,
                cadres,
                self.posts,
                self.units,
                patched.unit_of,
                patched.specialties,
                patched.pool,
                patched.holders,
            ),
            frozenset(touched),
        )

    def _position(self) -> dict[str, int]:
        """Each cadre's row (made on the first patch, then handed on to the patched copy)."""
        if self._positions is None:
            self._positions = {c["id"]: n for n, c in enumerate(self.cadres)}
        return self._positions

    def _copy_for_patch(self) -> None:
        """Own copies of everything a patch changes (the copy was shallow)."""
        self.cadres = list(self.cadres)
        self.unit_of = dict(self.unit_of)
        self.specialties = dict(self.specialties)
        self.pool = set(self.pool)
        self.holders = dict(self.holders)
        self._months = list(self._months)
        self._ages = list(self._ages)
        self._columns = {key: list(values) for key, values in self._columns.items()}
        self._by_char = dict(self._by_char)
        self._by_value = dict(self._by_value)
        self._held = dict(self._held) if self._held is not None else None

    def _relations(self, cadre_id: str, edges: Sequence[Any]) -> None:
        """One cadre's posts held now, specialties and pool stay, as :meth:`load` reads
        them from the cadre's edges (``edges``: those going out of it)."""
        # Posts held now: off the posts held before, onto those held now (in post order).
        for post_id in self._held_by().pop(cadre_id, []):
            self.holders[post_id] = [c for c in self.holders[post_id] if c != cadre_id]
            if not self.holders[post_id]:
                del self.holders[post_id]
        post_unit = self._post_unit()
        now = sorted(
            (e.other_id for e in edges if e.type == "HOLDS" and _current(e.props, self.as_of)),
        )
        for post_id in now:
            self.holders[post_id] = sorted([*self.holders.get(post_id, []), cadre_id])
        self._held_by()[cadre_id] = list(dict.fromkeys(now))
        self.unit_of.pop(cadre_id, None)
        if now:
            self.unit_of[cadre_id] = post_unit.get(now[0])
        held = {e.other_id for e in edges if e.type == "HAS_SPECIALTY"}
        if held:
            self.specialties[cadre_id] = held
        else:
            self.specialties.pop(cadre_id, None)
        if any(e.type == "IN_POOL" and _current(e.props, self.as_of) for e in edges):
            self.pool.add(cadre_id)
        else:
            self.pool.discard(cadre_id)

    def _prepared_row(self, row: int, cadre: dict[str, Any]) -> None:
        """Put one cadre's record in place of row ``row``, its entries in the prepared lists
        moved from its old values to its new ones (after :meth:`_relations`)."""
        cadre_id, old = cadre["id"], self.cadres[row]
        self.cadres[row] = cadre
        name = str(cadre.get("name", ""))
        for char in set(str(old.get("name", ""))) - set(name):
            self._by_char[char] = [i for i in self._by_char[char] if i != row]
        for char in set(name) - set(str(old.get("name", ""))):
            self._by_char[char] = _inserted(self._by_char.get(char, []), row)
        for key in _VALUE_KEYS:
            before, after = (key, old.get(key)), (key, cadre.get(key))
            if before != after:
                self._by_value[before] = [i for i in self._by_value[before] if i != row]
                self._by_value[after] = _inserted(self._by_value.get(after, []), row)
            self._columns[key][row] = cadre.get(key)
        months = months_between(cadre["birth"], self.as_of) if cadre.get("birth") else None
        self._months[row] = months
        self._ages[row] = math.nan if months is None else months / 12
        self._columns["name"][row] = name
        self._columns["unit"][row] = self.unit_of.get(cadre_id)

    def _held_by(self) -> dict[str, list[str]]:
        """The posts each cadre holds now (from ``holders``; made on the first patch)."""
        if self._held is None:
            held: dict[str, list[str]] = defaultdict(list)
            for post_id, cadre_ids in self.holders.items():
                for cadre_id in cadre_ids:
                    held[cadre_id].append(post_id)
            self._held = dict(held)
        return self._held

    def _post_unit(self) -> dict[str, str | None]:
        if self._post_units is None:
            self._post_units = {p["id"]: p.get("unit_id") for p in self.posts}
        return self._post_units

    def _under(self, ancestor: str) -> set[str]:
        """``ancestor`` and every unit below it."""
        found, todo = {ancestor}, [ancestor]
        while todo:
            for child in self._children.get(todo.pop(), ()):
                if child not in found:
                    found.add(child)
                    todo.append(child)
        return found

    def search_cadres(
        self,
        *,
        name: str | None = None,
        unit_id: str | None = None,
        min_age: float | None = None,
        max_age: float | None = None,
        level: str | None = None,
        specialty_id: str | None = None,
        channel: str | None = None,
        gender: str | None = None,
        status: str | None = None,
        in_pool: bool | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[CadreHit], int]:
        """Matching cadres (a page of them, by id) and how many match in all."""
        # Start from the smallest prepared list that a filter allows, then test the rest.
        starts: list[list[int]] = []
        if name:
            starts.extend(self._by_char.get(char, []) for char in set(name))
        for key, wanted in (
            ("level", level),
            ("channel", channel),
            ("gender", gender),
            ("status", status),
        ):
            if wanted is not None:
                starts.append(self._by_value.get((key, wanted), []))
        found: Sequence[int] = min(starts, key=len) if starts else range(len(self.cadres))
        # Then one pass over the survivors per filter given (a column each, no dict lookups).
        column = self._columns
        if name is not None:
            names = column["name"]
            found = [i for i in found if name in names[i]]
        for key, wanted in (
            ("level", level),
            ("channel", channel),
            ("gender", gender),
            ("status", status),
        ):
            if wanted is not None:
                values = column[key]
                found = [i for i in found if values[i] == wanted]
        if unit_id is not None:
            units, unit_of = self._under(unit_id), column["unit"]
            found = [i for i in found if unit_of[i] in units]
        ids = column["id"]
        if specialty_id is not None:
            specialties = self.specialties
            found = [i for i in found if specialty_id in specialties.get(ids[i], ())]
        if in_pool is not None:
            found = [i for i in found if (ids[i] in self.pool) == in_pool]
        # Age = months / 12, as the bounds have always been read; NaN (no birth date) fails
        # every comparison, so a cadre without one is never in an age range.
        ages = self._ages
        if min_age is not None:
            found = [i for i in found if ages[i] >= min_age]
        if max_age is not None:
            below = max_age + 1
            found = [i for i in found if ages[i] < below]
        page = [self._summary(self.cadres[i]) for i in found[offset : offset + limit]]
        return page, len(found)

    def _summary(self, cadre: dict[str, Any]) -> CadreHit:
        unit = self.unit_of.get(cadre["id"])
        birth = cadre.get("birth")
        summary = {
            **{k: v for k, v in cadre.items() if k != "birth"},
            "birth": birth,
            "age": int(months_between(birth, self.as_of) // 12) if birth else None,
            "unit_id": unit,
            "unit_name": self.units.get(unit or "", {}).get("name"),
            "specialty_ids": sorted(self.specialties.get(cadre["id"], ())),
            "in_pool": cadre["id"] in self.pool,
        }
        return cast(CadreHit, summary)

    def search_posts(
        self,
        *,
        unit_id: str | None = None,
        level: str | None = None,
        leadership: bool | None = None,
        vacant: bool | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[PostHit], int]:
        """Matching posts with their current holders, and how many match in all."""
        found: list[PostHit] = []
        units = self._under(unit_id) if unit_id is not None else None
        for post in self.posts:
            if units is not None and post.get("unit_id") not in units:
                continue
            if level is not None and post.get("level") != level:
                continue
            if leadership is not None and bool(post.get("leadership")) != leadership:
                continue
            holders = self.holders.get(post["id"], [])
            if vacant is not None and (not holders) != vacant:
                continue
            hit = {
                **post,
                "unit_name": self.units.get(post.get("unit_id") or "", {}).get("name"),
                "holders": sorted(holders),
                "vacant": not holders,
            }
            found.append(cast(PostHit, hit))
        return found[offset : offset + limit], len(found)


def _current_rows(edges: pa.Table, as_of: date) -> pa.Array:
    """Rows of a dated edge table current on ``as_of`` (begun by then, not ended)."""
    day = pa.scalar(as_of, pa.date32())
    begun = pc.fill_null(pc.less_equal(edges.column("start"), day), True)
    going = pc.fill_null(pc.greater(edges.column("end"), day), True)
    return pc.indices_nonzero(pc.and_(begun, going).combine_chunks())


def _inserted(rows: list[int], row: int) -> list[int]:
    """A new sorted list with ``row`` in its place (the prepared lists are in row order)."""
    found = list(rows)
    place = bisect.bisect_left(found, row)
    if place == len(found) or found[place] != row:
        found.insert(place, row)
    return found
