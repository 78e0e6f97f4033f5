"""The pipeline of ready cadres against the posts that will open (超前研判年轻干部缺口).

For each year from the day's year on (``paths.years``) and each level:

- **demand**, the leadership posts that open in the year: those vacant now (the first
  year), those whose holders reach the statutory retirement day in the year (by the 2025
  schedule; already past it: the first year), and one post a team asks for in the year
  its last member under ``teams.young_age`` reaches that age (the first year when it has
  none now), at the team's lowest level; ``demand_to_date`` adds the years so far;
- **supply**, the cadres aimed at the level (the one above where each stands) whose
  path's ready day falls by the year's end: exactly the count of their paths
  (:mod:`queries.development.readiness` gives both); of those, under each age of
  ``paths.young_ages`` at the year's end; and ready by then with their paths' actions;
- **gap** = demand to date − supply: positive, short of ready cadres.

The gap is broken down by unit kind (乡镇, 街道, 区直 …: a post's unit, a cadre's unit now)
and by specialty category (the categories a post requires, 不限 when none; a cadre's
own, 未登记 when none; a person or post with several counts in each). Pool members who
leave the pool's age band before they are ready are listed (``at_risk``). ``unit_id``
narrows both sides to a unit and everything under it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import NDArray

from graphsvc.vocab import LEVEL_ORDER, Level
from queries.development.data import DevelopmentData
from queries.development.openings import openings
from queries.development.readiness import (
    LEVELS,
    aims,
    combine,
    fixes,
    level_days,
    pool_ages_out,
)
from queries.development.results import (
    PipelineGroup,
    PipelineResult,
    PipelineRisk,
    PipelineYear,
)
from queries.selection.candidates import NotFound
from queries.selection.columns import months_between_columns
from queries.selection.rules.base import NAT, day_of
from queries.selection.rules.retirement import statutory_dates

__all__ = ["UNIT_KIND_GROUPS", "Opening", "Pipeline", "pipeline", "pipeline_of"]

Rows = NDArray[np.intp]
Days = NDArray[np.datetime64]
_LEVELS = {level.value: level for level in Level}
UNIT_KIND_GROUPS = {"乡镇": "乡镇", "街道": "街道", "区直部门": "区直"}
OTHER_KIND = "其他"
ANY_SPECIALTY, NO_SPECIALTY = "不限", "未登记"
WHY = {"vacant": "现空缺", "retiring": "到龄退休", "young": "班子需配备年轻干部"}


@dataclass(frozen=True)
class Opening:
    """A post that opens: when, at which level, where, why (``vacant``, ``retiring``,
    ``young``), and who leaves it (a retiring holder)."""

    year: int
    level: Level
    unit_id: str
    post_id: str | None
    why: str
    holder_id: str | None = None


@dataclass
class Pipeline:
    """The pipeline's columns: the cadres counted with their level and days, and the
    posts that open (what the answer counts and the page drills into)."""

    data: DevelopmentData
    years: list[int]
    unit_id: str | None
    rows: Rows  # the cadres counted (facts rows)
    level: NDArray[np.int64]  # each one's next level (LEVEL_ORDER; -1 at the top)
    ready: Days
    with_actions: Days
    ages_out: Days  # pool members: the day they leave the age band (NaT: not a member)
    openings: list[Opening]

    @property
    def at_risk(self) -> NDArray[np.bool_]:
        """Pool members not ready now whose age band ends first (or whose ready day cannot
        be known), as each one's path says."""
        as_of = np.datetime64(self.data.as_of, "D")
        member = ~np.isnat(self.ages_out)
        ready_now = self.ready == as_of
        late = np.isnat(self.ready) | (self.ages_out < self.ready)
        found: NDArray[np.bool_] = member & ~ready_now & late
        return found

    def ready_by(self, year: int, level: Level, *, actions: bool = False) -> Rows:
        """The rows aimed at ``level`` ready by the end of ``year`` (with the actions)."""
        end = np.datetime64(date(year, 12, 31), "D")
        days = self.with_actions if actions else self.ready
        chosen = (self.level == LEVEL_ORDER[level]) & ~np.isnat(days) & (days <= end)
        found: Rows = self.rows[chosen]
        return found

    def ages_at(self, rows: Rows, year: int) -> NDArray[np.int64]:
        """Age in whole months at the end of ``year`` (-1 when the birth is unknown)."""
        birth = self.data.context.facts.cadres.birth[rows]
        months = months_between_columns(birth, date(year, 12, 31))
        found: NDArray[np.int64] = np.where(np.isnat(birth), -1, months)
        return found


def _within(data: DevelopmentData, unit_id: str | None) -> set[str] | None:
    """The unit and every unit under it (``None``: everywhere)."""
    if unit_id is None:
        return None
    children: dict[str, list[str]] = defaultdict(list)
    for uid, unit in data.units.units.items():
        if unit.get("parent_id"):
            children[str(unit["parent_id"])].append(uid)
    found, stack = {unit_id}, [unit_id]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def pipeline_of(
    data: DevelopmentData, *, years: int | None = None, unit_id: str | None = None
) -> Pipeline:
    """The pipeline's columns (remembered on the data per horizon and unit).

    Raises
    ------
    NotFound
        ``unit_id`` names no unit.
    """
    if unit_id is not None and unit_id not in data.units.units:
        raise NotFound(f"未找到编号为 '{unit_id}' 的单位")
    horizon = years if years is not None else data.policy.paths.years
    if horizon < 1:
        raise ValueError("年数至少为1")
    key = ("paths:pipeline", horizon, unit_id)
    if key not in data.memo:
        data.memo[key] = _build(data, horizon, unit_id)
    found: Pipeline = data.memo[key]
    return found


def _build(data: DevelopmentData, horizon: int, unit_id: str | None) -> Pipeline:
    context = data.context
    facts = context.facts
    first = data.as_of.year
    year_list = list(range(first, first + horizon))
    inside = _within(data, unit_id)
    if inside is None:
        rows = np.arange(len(facts), dtype=np.intp)
    else:
        rows = np.array(
            [facts.index[c] for c in facts.ids if data.unit_of(c) in inside], dtype=np.intp
        )
    level = aims(context)[rows]
    ready = np.full(len(rows), NAT)
    with_actions = np.full(len(rows), NAT)
    offer = openings(data)
    for order in np.unique(level[level >= 0]).tolist():
        picked = np.flatnonzero(level == order)
        days = level_days(context, LEVELS[order])
        ready[picked] = combine(days, rows[picked], {})
        with_actions[picked] = combine(days, rows[picked], fixes(offer, days, rows[picked]))
    return Pipeline(
        data=data,
        years=year_list,
        unit_id=unit_id,
        rows=rows,
        level=level,
        ready=ready,
        with_actions=with_actions,
        ages_out=pool_ages_out(context, rows),
        openings=_openings(data, year_list, inside),
    )


def _openings(data: DevelopmentData, years: list[int], inside: set[str] | None) -> list[Opening]:
    """The leadership posts that open in ``years`` (see the module)."""
    context = data.context
    facts = context.facts
    policy = data.policy
    first, last = years[0], years[-1]
    as_of = np.datetime64(data.as_of, "D")

    def here(post: dict[str, Any]) -> bool:
        return bool(post.get("unit_id")) and (inside is None or post["unit_id"] in inside)

    found: list[Opening] = []
    for post_id in context.vacancies():
        post = context.posts[post_id]
        level = _LEVELS.get(str(post.get("level")))
        if level is not None and here(post):
            found.append(Opening(first, level, str(post["unit_id"]), post_id, "vacant"))
    retires = {county: statutory_dates(facts, county) for county in (False, True)}
    teams: dict[str, list[tuple[Level, int]]] = defaultdict(list)  # unit → (level, holder row)
    for post_id in sorted(context.holders):
        held = context.posts.get(post_id)
        level = _LEVELS.get(str((held or {}).get("level")))
        if held is None or level is None or not held.get("leadership") or not here(held):
            continue
        county = level.value in policy.county_levels
        for holder in sorted(context.holders[post_id]):
            row = facts.index.get(holder)
            if row is None:
                continue
            if held.get("team_member"):
                teams[str(held["unit_id"])].append((level, row))
            day = retires[county][row]
            if np.isnat(day):
                continue
            year = max(int(str(day)[:4]), first) if day > as_of else first
            if year <= last:
                found.append(
                    Opening(year, level, str(held["unit_id"]), post_id, "retiring", holder)
                )
    young = policy.teams.young_age
    births = facts.cadres.birth
    for unit, members in sorted(teams.items()):
        known = [births[row] for _, row in members if not np.isnat(births[row])]
        if not known:
            continue
        # The day the last member under the age reaches it (already past: the first year).
        turns = max(known).astype("datetime64[M]") + np.timedelta64(round(young * 12), "M")
        day = turns.astype("datetime64[D]")
        year = int(str(day)[:4]) if day > as_of else first
        if year <= last:
            lowest = min((lv for lv, _ in members), key=LEVEL_ORDER.__getitem__)
            found.append(Opening(year, lowest, unit, None, "young"))
    return found


def _unit_group(data: DevelopmentData, unit_id: str | None) -> str:
    return UNIT_KIND_GROUPS.get(str(data.units.kind(unit_id)), OTHER_KIND)


def _post_categories(data: DevelopmentData, post_id: str | None) -> set[str]:
    context = data.context
    required = context.requirements.get(post_id or "", {})
    found = {context.category_of[s] for s in required if s in context.category_of}
    return found or {ANY_SPECIALTY}


def _cadre_groups(data: DevelopmentData) -> dict[tuple[str, str], NDArray[np.bool_]]:
    """For every cadre (facts rows): its unit kind's group and its specialty categories
    (未登记 when none), as one column of flags a group, remembered."""
    key = "paths:groups"
    if key not in data.memo:
        facts = data.context.facts
        homes = [data.unit_of(cadre_id) for cadre_id in facts.ids]
        group_of = {unit: _unit_group(data, unit) for unit in set(homes)}  # once a unit
        kinds = np.array([group_of[unit] for unit in homes], dtype=object)
        found = {("kind", group): kinds == group for group in sorted(set(kinds.tolist()))}
        held = data.context.arrays.categories
        none = np.ones(len(facts), dtype=bool)
        for category, flags in sorted(held.items()):
            found[("specialty", category)] = flags
            none &= ~flags
        found[("specialty", NO_SPECIALTY)] = none
        data.memo[key] = found
    groups: dict[tuple[str, str], NDArray[np.bool_]] = data.memo[key]
    return groups


def pipeline(
    *, data: DevelopmentData, years: int | None = None, unit_id: str | None = None
) -> PipelineResult:
    """Demand, supply and gap per year and level, with the breakdowns and the pool's
    members at risk (see the module).

    Raises
    ------
    NotFound
        ``unit_id`` names no unit.
    """
    found = pipeline_of(data, years=years, unit_id=unit_id)
    ages = data.policy.paths.young_ages
    levels = sorted(
        {LEVELS[o] for o in found.level.tolist() if o >= 0} | {o.level for o in found.openings},
        key=LEVEL_ORDER.__getitem__,
    )
    opened: dict[tuple[int, Level], list[Opening]] = defaultdict(list)
    for opening in found.openings:
        opened[(opening.year, opening.level)].append(opening)
    rows_out: list[PipelineYear] = []
    kind_groups: list[PipelineGroup] = []
    specialty_groups: list[PipelineGroup] = []
    ids = data.context.facts.ids
    flags = _cadre_groups(data)
    for level in levels:
        to_date: list[Opening] = []
        for year in found.years:
            this_year = opened.get((year, level), [])
            to_date = to_date + this_year
            ready = found.ready_by(year, level)
            months = found.ages_at(ready, year)
            supply = len(ready)
            rows_out.append(
                {
                    "year": year,
                    "level": level.value,
                    "demand": len(this_year),
                    "demand_vacant": sum(o.why == "vacant" for o in this_year),
                    "demand_retiring": sum(o.why == "retiring" for o in this_year),
                    "demand_young": sum(o.why == "young" for o in this_year),
                    "demand_to_date": len(to_date),
                    "supply": supply,
                    "supply_young": {
                        f"under_{age:g}": int(((months >= 0) & (months < age * 12)).sum())
                        for age in ages
                    },
                    "supply_with_actions": len(found.ready_by(year, level, actions=True)),
                    "gap": len(to_date) - supply,
                }
            )
            supplied = {key: int(column[ready].sum()) for key, column in flags.items()}
            kind_groups += _groups(
                year,
                level,
                ([_unit_group(data, o.unit_id)] for o in to_date),
                {group: n for (side, group), n in supplied.items() if side == "kind"},
            )
            specialty_groups += _groups(
                year,
                level,
                (_post_categories(data, o.post_id) for o in to_date),
                {group: n for (side, group), n in supplied.items() if side == "specialty"},
            )
    risky = found.rows[found.at_risk]
    risk_detail: list[PipelineRisk] = []
    for k in np.flatnonzero(found.at_risk).tolist():
        row = int(found.rows[k])
        order = int(found.level[k])
        ready_day, ages_out = day_of(found.ready[k]), day_of(found.ages_out[k])
        risk_detail.append(
            {
                "cadre_id": ids[row],
                "name": data.name(ids[row]),
                "next_level": LEVELS[order].value if order >= 0 else None,
                "ages_out_on": ages_out.isoformat() if ages_out else None,
                "ready_on": ready_day.isoformat() if ready_day else None,
            }
        )
    return {
        "as_of": data.as_of.isoformat(),
        "unit_id": unit_id,
        "unit_name": data.units.name(unit_id) if unit_id else "全域",
        "cadres": len(found.rows),
        "years": rows_out,
        "by_unit_kind": kind_groups,
        "by_specialty": specialty_groups,
        "at_risk": [ids[int(r)] for r in risky.tolist()],
        "at_risk_detail": risk_detail,
    }


def _groups(
    year: int, level: Level, demand: Iterable[Iterable[str]], supply: dict[str, int]
) -> list[PipelineGroup]:
    """Demand to date (each opening's groups) and supply (ready cadres per group) of one
    year and level; groups with neither are left out."""
    wanted: dict[str, int] = defaultdict(int)
    for groups in demand:
        for group in groups:
            wanted[group] += 1
    return [
        {
            "year": year,
            "level": level.value,
            "group": group,
            "demand_to_date": wanted[group],
            "supply": supply.get(group, 0),
            "gap": wanted[group] - supply.get(group, 0),
        }
        for group in sorted(set(wanted) | {g for g, n in supply.items() if n})
    ]
