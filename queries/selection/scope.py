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

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

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
    cadre_units: dict[str, tuple[str, ...]]  # cadre → units of the posts they hold now
    _members: dict[str, list[str]] | None = field(default=None, repr=False)

    @classmethod
    def build(
        cls,
        *,
        records: Mapping[str, CadreRecord],
        units: UnitIndex,
        policy: ScopePolicy,
        as_of: date,
    ) -> ScopeIndex:
        """Each cadre's current units, and the root of the unit tree."""
        roots = {
            unit_id
            for unit_id, unit in units.units.items()
            if not unit.get("parent_id") or unit["parent_id"] not in units.units
        }
        cadre_units = {
            cadre_id: tuple(
                sorted(
                    {
                        str(t.post["unit_id"])
                        for t in record.current_tenures(as_of)
                        if t.post.get("unit_id")
                    }
                )
            )
            for cadre_id, record in records.items()
        }
        return cls(policy, units, next(iter(roots)) if len(roots) == 1 else None, cadre_units)

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
            members: dict[str, list[str]] = defaultdict(list)
            area_of: dict[str, list[str]] = {}
            for cadre_id in sorted(self.cadre_units):
                areas: set[str] = set()
                for unit_id in self.cadre_units[cadre_id]:
                    if unit_id not in area_of:
                        area_of[unit_id] = [unit_id, *self.units.ancestors(unit_id)]
                    areas.update(area_of[unit_id])
                for area in areas:
                    members[area].append(cadre_id)
            self._members = dict(members)
        return self._members.get(scope, [])

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
