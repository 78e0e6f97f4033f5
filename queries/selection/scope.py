"""Candidate scope (干部管理权限, 下管一级): whose cadres may be candidates for a post.

A district fills its townships' and departments' 科级 posts from its own cadres; the
city or province fills district leadership (处级) posts from its whole area. The
policy's ``[scope]`` says, by the post's level, which kind of unit bounds the pool:
the post's scope is the nearest unit of that kind at or above the post's unit (with
``exchange``, the unit above that one), or the whole area. A cadre lies in a scope
when a unit of a post they hold now is the scope's unit or inside it.

A scope that is the only root of the unit tree is the whole area too: in a one-district
graph every post's scope is the whole area, and nothing is filtered.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import NDArray

from graphsvc.arrays import distinct_sorted
from queries.selection.columns import Histories
from queries.selection.policy import WHOLE_AREA, ScopePolicy
from queries.selection.records import CadreRecord, UnitIndex

__all__ = ["WHOLE_AREA_NAME", "ScopeIndex"]

WHOLE_AREA_NAME = "全域"


@dataclass
class ScopeIndex:
    """The scope of each post and the cadres of each scope, for one graph, policy and day.

    A scope is named by its unit's id; ``None`` is the whole area.
    """

    policy: ScopePolicy
    units: UnitIndex
    root: str | None  # the one unit every other lies under, when there is one
    ids: list[str]  # every cadre, sorted: the rows of the pairs below
    unit_ids: list[str]  # the units of posts, by number
    pair_cadre: NDArray[np.int64]  # (cadre row, unit number) of each post held now,
    pair_unit: NDArray[np.int64]  # each pair once, sorted
    _members: dict[str, list[str]] | None = field(default=None, repr=False)
    _member_rows: dict[str, NDArray[np.int64]] | None = field(default=None, repr=False)

    @classmethod
    def build(
        cls,
        *,
        records: Mapping[str, CadreRecord],
        units: UnitIndex,
        policy: ScopePolicy,
        as_of: date,
        histories: Histories | None = None,
    ) -> ScopeIndex:
        """Each cadre's current units, and the root of the unit tree.

        ``histories``: the records' history tables in ``sorted(records)`` order, when
        already built (the context's).
        """
        roots = {
            unit_id
            for unit_id, unit in units.units.items()
            if not unit.get("parent_id") or unit["parent_id"] not in units.units
        }
        ids = sorted(records)
        if histories is None:
            histories = Histories.build([records[c] for c in ids], units, as_of=as_of)
        elif histories.cadres != len(ids) or histories.as_of != as_of:
            raise ValueError("histories do not belong to these records and day")
        pair_cadre, pair_unit = histories.current_units()
        root = next(iter(roots)) if len(roots) == 1 else None
        return cls(policy, units, root, ids, histories.unit_ids, pair_cadre, pair_unit)

    @classmethod
    def from_units(
        cls,
        *,
        policy: ScopePolicy,
        units: UnitIndex,
        root: str | None,
        cadre_units: Mapping[str, Iterable[str]],
    ) -> ScopeIndex:
        """The index from each cadre's current units, as a snapshot's columns give them."""
        ids = sorted(cadre_units)
        unit_ids = sorted({unit for found in cadre_units.values() for unit in found})
        number = {unit: index for index, unit in enumerate(unit_ids)}
        pairs = sorted(
            {(row, number[unit]) for row, c in enumerate(ids) for unit in cadre_units[c]}
        )
        pair_cadre = np.array([row for row, _ in pairs], dtype=np.int64)
        pair_unit = np.array([unit for _, unit in pairs], dtype=np.int64)
        return cls(policy, units, root, ids, unit_ids, pair_cadre, pair_unit)

    @property
    def cadre_units(self) -> dict[str, tuple[str, ...]]:
        """Cadre → units of the posts they hold now (sorted ids; empty when none)."""
        found: dict[str, list[str]] = {cadre_id: [] for cadre_id in self.ids}
        for row, unit in zip(self.pair_cadre.tolist(), self.pair_unit.tolist(), strict=True):
            found[self.ids[row]].append(self.unit_ids[unit])
        return {cadre_id: tuple(sorted(found[cadre_id])) for cadre_id in self.ids}

    def of_post(self, post: Mapping[str, Any]) -> str | None:
        """The post's scope: the unit whose cadres form its pool (``None``: the whole area)."""
        kind = self.policy.levels.get(str(post.get("level")), WHOLE_AREA)
        if kind == WHOLE_AREA:
            return None
        unit_id = post.get("unit_id")
        found = next(
            (
                u
                for u in [unit_id, *self.units.ancestors(unit_id)]
                if u and self.units.kind(u) == kind
            ),
            None,
        )
        if found is not None and self.policy.exchange:
            found = self.units.units.get(found, {}).get("parent_id") or None
        return None if found == self.root else found

    def members(self, scope: str | None) -> list[str] | None:
        """The cadres of a scope, sorted; ``None`` for the whole area (everyone)."""
        if scope is None:
            return None
        if self._members is None:
            ids = np.array(self.ids, dtype=object)
            self._members = {a: ids[rows].tolist() for a, rows in self._rows_by_area().items()}
        return self._members.get(scope, [])

    def member_rows(self, scope: str | None) -> NDArray[np.int64] | None:
        """The rows (in ``ids``) of a scope's cadres, ascending; ``None`` for the whole
        area."""
        if scope is None:
            return None
        return self._rows_by_area().get(scope, np.zeros(0, dtype=np.int64))

    def units_of(self, cadre_id: str) -> list[str]:
        """The units of the posts a cadre holds now (sorted ids)."""
        row = bisect_left(self.ids, cadre_id)
        if row == len(self.ids) or self.ids[row] != cadre_id:
            return []
        low, high = np.searchsorted(self.pair_cadre, [row, row + 1])
        return sorted(self.unit_ids[u] for u in self.pair_unit[low:high].tolist())

    def _rows_by_area(self) -> dict[str, NDArray[np.int64]]:
        if self._member_rows is None:
            self._member_rows = self._all_members()
        return self._member_rows

    def _all_members(self) -> dict[str, NDArray[np.int64]]:
        """Every area's cadres: those holding a post in a unit at or under it."""
        # Each post unit's chain (itself and its ancestors), flattened, areas numbered.
        areas: dict[str, int] = {}
        chains = [
            [areas.setdefault(u, len(areas)) for u in [unit_id, *self.units.ancestors(unit_id)]]
            for unit_id in self.unit_ids
        ]
        lengths = np.array([len(chain) for chain in chains], dtype=np.int64)
        flat = np.array([a for chain in chains for a in chain], dtype=np.int64)
        starts = np.cumsum(lengths) - lengths
        # Each (cadre, unit) pair becomes one (cadre, area) pair per area of the unit's chain.
        repeat = lengths[self.pair_unit]
        offsets = np.arange(int(repeat.sum())) - np.repeat(np.cumsum(repeat) - repeat, repeat)
        area = flat[np.repeat(starts[self.pair_unit], repeat) + offsets]
        cadre = np.repeat(self.pair_cadre, repeat)
        keys = distinct_sorted(area * max(len(self.ids), 1) + cadre)
        area, cadre = np.divmod(keys, max(len(self.ids), 1))
        bounds = np.flatnonzero(np.diff(area)) + 1
        names = list(areas)
        return {
            names[int(group_area[0])]: group
            for group_area, group in zip(
                np.split(area, bounds), np.split(cadre, bounds), strict=True
            )
            if len(group)
        }

    def name(self, scope: str | None) -> str:
        """The scope's unit name, or 全域 for the whole area."""
        return WHOLE_AREA_NAME if scope is None else self.units.name(scope)

    def depth(self, scope: str | None) -> int:
        """How far below the whole area: a round fills the higher authority's posts first."""
        return -1 if scope is None else len(self.units.ancestors(scope))

    def partition(self, posts: Iterable[Mapping[str, Any]]) -> dict[str | None, list[str]]:
        """Post ids by scope, the whole area first, then by depth and unit id."""
        by_scope: dict[str | None, list[str]] = defaultdict(list)
        for post in posts:
            by_scope[self.of_post(post)].append(str(post["id"]))
        order = sorted(by_scope, key=lambda s: (self.depth(s), s or ""))
        return {scope: sorted(by_scope[scope]) for scope in order}
