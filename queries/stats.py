"""What is in the graph: counts by type, and data-quality warnings.

Warnings point at records a department should look at before relying on
the analyses; none of them stops anything.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from graphsvc.stores.base import GraphStore
from queries.selection.policy import Retirement, SelectionPolicy
from queries.selection.retirement import retirement_date

__all__ = ["GraphStats", "QualityWarning", "graph_stats"]

_EXAMPLES = 10


@dataclass(frozen=True)
class QualityWarning:
    code: str
    message: str
    count: int
    examples: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "count": self.count,
            "examples": self.examples,
        }


@dataclass
class GraphStats:
    store: str
    version: int
    nodes: dict[str, int]
    edges: dict[str, int]
    warnings: list[QualityWarning] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "store": self.store,
            "version": self.version,
            "nodes": self.nodes,
            "edges": self.edges,
            "warnings": [warning.as_dict() for warning in self.warnings],
        }


def _active(props: dict[str, Any], as_of: date) -> bool:
    end = props.get("end")
    return end is None or end > as_of


def _warn(found: list[QualityWarning], code: str, message: str, ids: list[str]) -> None:
    if ids:
        found.append(QualityWarning(code, message, len(ids), sorted(ids)[:_EXAMPLES]))


def _quality_warnings(
    store: GraphStore, as_of: date, retirement: Retirement, county_levels: list[str]
) -> list[QualityWarning]:
    found: list[QualityWarning] = []
    if store.pending_write():
        found.append(
            QualityWarning(
                "write_interrupted",
                "上次导入未完成：请再执行一次同样的导入",
                1,
                [],
            )
        )
    _warn(
        found,
        "post_without_unit",
        "岗位未关联单位",
        [post["id"] for post in store.iter_nodes("Post", ["unit_id"]) if not post.get("unit_id")],
    )

    mentors = {mentor["id"]: mentor for mentor in store.iter_nodes("Mentor")}
    load: Counter[str] = Counter()
    for mentor_id, _mentee, props in store.iter_edges("MENTORS"):
        if _active(props, as_of):
            load[mentor_id] += 1
    _warn(
        found,
        "mentor_over_capacity",
        "导师帮带人数超过上限",
        [m for m, n in load.items() if n > int(mentors.get(m, {}).get("capacity", 0))],
    )
    _warn(
        found,
        "mentor_departed_with_mentees",
        "导师已离任或退休但仍有在帮对象",
        [m for m in load if mentors.get(m, {}).get("status") not in (None, "在岗")],
    )

    cadres = {
        c["id"]: c
        for c in store.iter_nodes("Cadre", ["status", "name", "birth", "gender", "level"])
    }
    current_posts: dict[str, list[str]] = defaultdict(list)
    holders: dict[str, list[str]] = defaultdict(list)
    for cadre_id, post_id, props in store.iter_edges("HOLDS"):
        if _active(props, as_of):
            current_posts[cadre_id].append(post_id)
            holders[post_id].append(cadre_id)
    _warn(
        found,
        "active_cadre_without_post",
        "在职干部无现任岗位",
        [
            c
            for c, props in cadres.items()
            if props.get("status") == "在职" and c not in current_posts
        ],
    )
    past: list[str] = []
    for cadre_id, props in cadres.items():
        if props.get("status", "在职") != "在职":
            continue
        county = str(props.get("level") or "") in county_levels
        retires = retirement_date(props, retirement=retirement, county=county)
        if retires is not None and retires <= as_of:
            past.append(cadre_id)
    _warn(found, "cadre_past_retirement", "在职干部已达到法定退休年龄", past)
    leadership = {
        post["id"] for post in store.iter_nodes("Post", ["leadership"]) if post.get("leadership")
    }
    _warn(
        found,
        "leadership_post_held_twice",
        "同一领导职务同时由多人担任",
        [p for p, people in holders.items() if p in leadership and len(people) > 1],
    )
    return found


def graph_stats(
    *,
    store: GraphStore,
    as_of: date | None = None,
    quality: bool = True,
    policy: SelectionPolicy | None = None,
) -> GraphStats:
    """Counts by node label and edge type, and data-quality warnings.

    Parameters
    ----------
    store : GraphStore
        The store to describe.
    as_of : date, optional
        The day that decides which mentorings and posts are current (today by default).
    quality : bool
        Whether to compute the warnings (a full pass over several node and edge types).
    policy : SelectionPolicy, optional
        Whose retirement schedules say who is past the statutory day (the default
        policy's when not given).
    """
    counts = store.counts()
    stats = GraphStats(store.url, store.version(), dict(counts.nodes), dict(counts.edges))
    if quality:
        policy = policy or SelectionPolicy()
        stats.warnings = _quality_warnings(
            store, as_of or date.today(), policy.retirement, policy.county_levels
        )
    return stats
