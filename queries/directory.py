"""A searchable directory of cadres and posts, read once per graph version.

Search by name (part of it), unit (with its sub-units), age, level, specialty,
channel, gender, status and pool membership, which plain property filters
cannot do: the unit comes from the current post, specialties and the pool from
relations. Posts can be filtered to vacancies (no current holder).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from pydantic import ConfigDict, with_config

from graphsvc.dates import months_between
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


def _current(props: dict[str, Any], as_of: date) -> bool:
    start, end = props.get("start"), props.get("end")
    return (start is None or start <= as_of) and (end is None or end > as_of)


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

    @classmethod
    def load(cls, store: GraphStore, *, as_of: date) -> Directory:
        fields = ["name", "gender", "birth", "level", "rank", "channel", "status", "title"]
        cadres = sorted(store.iter_nodes("Cadre", fields), key=lambda c: c["id"])
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

    def _within(self, unit_id: str | None, ancestor: str) -> bool:
        seen: set[str] = set()
        while unit_id and unit_id not in seen:
            if unit_id == ancestor:
                return True
            seen.add(unit_id)
            unit_id = self.units.get(unit_id, {}).get("parent_id")
        return False

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
        found = []
        for cadre in self.cadres:
            cadre_id = cadre["id"]
            if name is not None and name not in str(cadre.get("name", "")):
                continue
            if any(
                wanted is not None and cadre.get(key) != wanted
                for key, wanted in (
                    ("level", level),
                    ("channel", channel),
                    ("gender", gender),
                    ("status", status),
                )
            ):
                continue
            if unit_id is not None and not self._within(self.unit_of.get(cadre_id), unit_id):
                continue
            if specialty_id is not None and specialty_id not in self.specialties.get(cadre_id, ()):
                continue
            if in_pool is not None and (cadre_id in self.pool) != in_pool:
                continue
            birth = cadre.get("birth")
            age = months_between(birth, self.as_of) / 12 if birth else None
            if min_age is not None and (age is None or age < min_age):
                continue
            if max_age is not None and (age is None or age >= max_age + 1):
                continue
            found.append(cadre)
        page = [self._summary(c) for c in found[offset : offset + limit]]
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
        for post in self.posts:
            if unit_id is not None and not self._within(post.get("unit_id"), unit_id):
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
