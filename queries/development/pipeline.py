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

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import NDArray

from graphsvc.arrays import distinct_sorted
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
from queries.selection.rules.base import NAT
from queries.selection.rules.retirement import statutory_dates

__all__ = ["UNIT_KIND_GROUPS", "Opening", "Pipeline", "pipeline", "pipeline_of"]

Rows = NDArray[np.intp]
Days = NDArray[np.datetime64]
Counts = NDArray[np.int64]
Bools = NDArray[np.bool_]
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
        units, unit_of_row = data.unit_column()
        here = np.array([unit in inside for unit in units] + [False])  # -1, no unit: last
        rows = np.flatnonzero(here[unit_of_row]).astype(np.intp)
    level = aims(context)[rows]
    ready = np.full(len(rows), NAT)
    with_actions = np.full(len(rows), NAT)
    offer = openings(data)
    for order in distinct_sorted(level[level >= 0]).tolist():
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


@dataclass(frozen=True)
class _HeldPosts:
    """The leadership posts of a known level that someone holds now, by id, with their
    holders (facts rows, by id) as pairs: what retirements and ageing teams open."""

    post_ids: list[str]
    level: NDArray[np.int64]  # LEVEL_ORDER
    unit_ids: list[Any]  # the post's unit_id as recorded
    team: NDArray[np.bool_]  # a team member's post
    pair_post: NDArray[np.int64]  # each pair's post (its number here)
    pair_row: NDArray[np.int64]  # and holder


def _held_posts(data: DevelopmentData) -> _HeldPosts:
    """The held leadership posts (remembered on the data)."""
    key = "paths:held_posts"
    if key not in data.memo:
        context = data.context
        index = context.facts.index
        post_ids: list[str] = []
        levels: list[int] = []
        unit_ids: list[Any] = []
        team: list[bool] = []
        pair_post: list[int] = []
        pair_row: list[int] = []
        posts, holders = context.posts, context.holders
        for post_id in sorted(p for p, post in posts.items() if post.get("leadership")):
            held = posts[post_id]
            level = _LEVELS.get(str(held.get("level")))
            if level is None or post_id not in holders:
                continue
            rows = [index[c] for c in sorted(holders[post_id]) if c in index]
            pair_post += [len(post_ids)] * len(rows)
            pair_row += rows
            post_ids.append(post_id)
            levels.append(LEVEL_ORDER[level])
            unit_ids.append(held.get("unit_id"))
            team.append(bool(held.get("team_member")))
        data.memo[key] = _HeldPosts(
            post_ids,
            np.array(levels, dtype=np.int64),
            unit_ids,
            np.array(team, dtype=bool),
            np.array(pair_post, dtype=np.int64),
            np.array(pair_row, dtype=np.int64),
        )
    found: _HeldPosts = data.memo[key]
    return found


def _year_of(days: Days) -> NDArray[np.int64]:
    """The calendar year of each day (garbage where NaT: mask it)."""
    found: NDArray[np.int64] = days.astype("datetime64[Y]").astype(np.int64) + 1970
    return found


def _openings(data: DevelopmentData, years: list[int], inside: set[str] | None) -> list[Opening]:
    """The leadership posts that open in ``years`` (see the module), over columns: the
    holders' retirement days and each team's youngest birth are read at once."""
    context = data.context
    facts = context.facts
    policy = data.policy
    first, last = years[0], years[-1]
    as_of = np.datetime64(data.as_of, "D")

    def here(unit_id: Any) -> bool:
        return bool(unit_id) and (inside is None or unit_id in inside)

    found: list[Opening] = []
    for post_id in openings(data).vacancies:
        post = context.posts[post_id]
        level = _LEVELS.get(str(post.get("level")))
        if level is not None and here(post.get("unit_id")):
            found.append(Opening(first, level, str(post["unit_id"]), post_id, "vacant"))
    held = _held_posts(data)
    post_here = np.array([here(unit_id) for unit_id in held.unit_ids], dtype=bool)
    pairs = np.flatnonzero(post_here[held.pair_post])
    post_of, row_of = held.pair_post[pairs], held.pair_row[pairs]
    # Holders reaching the statutory day (already past it: the first year), post by post.
    county_levels = np.array([lv.value in policy.county_levels for lv in Level], dtype=bool)
    county = county_levels[held.level[post_of]]
    retires = np.where(
        county, statutory_dates(facts, True)[row_of], statutory_dates(facts, False)[row_of]
    )
    year = np.where(retires > as_of, np.maximum(_year_of(retires), first), first)
    leaving = ~np.isnat(retires) & (year <= last)
    for post, row, when in zip(
        post_of[leaving].tolist(), row_of[leaving].tolist(), year[leaving].tolist(), strict=True
    ):
        found.append(
            Opening(
                when,
                LEVELS[int(held.level[post])],
                str(held.unit_ids[post]),
                held.post_ids[post],
                "retiring",
                facts.ids[row],
            )
        )
    # Teams: the day the last member under the age reaches it (already past: the first
    # year), at the team's lowest level.
    member = held.team[post_of]
    if member.any():
        team_unit = np.array([str(held.unit_ids[p]) for p in post_of[member].tolist()])
        units, unit_number = np.unique(team_unit, return_inverse=True)
        unit_number = unit_number.reshape(-1)
        births = facts.cadres.birth[row_of[member]].astype(np.int64)  # NaT: the smallest
        youngest = np.full(len(units), np.iinfo(np.int64).min)
        np.maximum.at(youngest, unit_number, births)
        lowest = np.full(len(units), len(LEVELS))
        np.minimum.at(lowest, unit_number, held.level[post_of[member]])
        known = ~np.isnat(youngest.astype("datetime64[D]"))
        months = np.timedelta64(round(policy.teams.young_age * 12), "M")
        turns = (youngest.astype("datetime64[D]").astype("datetime64[M]") + months).astype(
            "datetime64[D]"
        )
        year = np.where(turns > as_of, _year_of(turns), first)
        for k in np.flatnonzero(known & (year <= last)).tolist():  # units by id
            level = LEVELS[int(lowest[k])]
            found.append(Opening(int(year[k]), level, str(units[k]), None, "young"))
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
        units, unit_of_row = data.unit_column()
        # Once a unit (the last entry: no unit now).
        group_of = [_unit_group(data, unit) for unit in units] + [_unit_group(data, None)]
        names = sorted(set(group_of))
        kinds = np.array([names.index(group) for group in group_of], dtype=np.int64)[unit_of_row]
        found = {("kind", group): kinds == number for number, group in enumerate(names)}
        held = data.context.arrays.categories
        none = np.ones(len(facts), dtype=bool)
        for category, flags in sorted(held.items()):
            found[("specialty", category)] = flags
            none &= ~flags
        found[("specialty", NO_SPECIALTY)] = none
        data.memo[key] = found
    groups: dict[tuple[str, str], NDArray[np.bool_]] = data.memo[key]
    return groups


def _year_index(found: Pipeline, days: Days) -> NDArray[np.int64]:
    """Each counted cadre's first year ready by, as its index among the years (their
    number: later, or never)."""
    first, horizon = found.years[0], len(found.years)
    index: NDArray[np.int64] = np.where(
        np.isnat(days), horizon, np.clip(_year_of(days) - first, 0, horizon)
    )
    return index


def _by_year(found: Pipeline, index: NDArray[np.int64], where: Bools | None = None) -> Counts:
    """How many of the counted cadres are ready by the end of each year (``index``, from
    :func:`_year_index`), per level aimed at: ``[level order, year index]``; only those
    ``where`` when given."""
    horizon = len(found.years)
    chosen = found.level >= 0
    if where is not None:
        chosen &= where
    cells = found.level[chosen] * (horizon + 1) + index[chosen]
    table = np.bincount(cells, minlength=len(LEVELS) * (horizon + 1))
    counts: Counts = table.reshape(len(LEVELS), horizon + 1).cumsum(axis=1)[:, :horizon]
    return counts


def pipeline(
    *, data: DevelopmentData, years: int | None = None, unit_id: str | None = None
) -> PipelineResult:
    """Demand, supply and gap per year and level, with the breakdowns and the pool's
    members at risk (see the module).

    Supply is counted over columns (each cadre's first year ready by, per level aimed
    at), demand over the openings once each; both as many as the drill-down lists.

    Raises
    ------
    NotFound
        ``unit_id`` names no unit.
    """
    found = pipeline_of(data, years=years, unit_id=unit_id)
    ages = data.policy.paths.young_ages
    aimed = distinct_sorted(found.level[found.level >= 0]).tolist()
    levels = sorted(
        {LEVELS[o] for o in aimed} | {o.level for o in found.openings},
        key=LEVEL_ORDER.__getitem__,
    )
    first = found.years[0]
    ready_in = _year_index(found, found.ready)
    supply = _by_year(found, ready_in)
    with_actions = _by_year(found, _year_index(found, found.with_actions))
    # Age in whole months at each year's end (as ``ages_at``): a year later, 12 more.
    birth = data.context.facts.cadres.birth[found.rows]
    born = ~np.isnat(birth)
    months = months_between_columns(birth, date(first, 12, 31))
    young = {age: np.zeros_like(supply) for age in ages}
    for k in range(len(found.years)):
        later = months + 12 * k
        for age in ages:
            under = born & (later >= 0) & (later < age * 12)
            young[age][:, k] = _by_year(found, ready_in, under)[:, k]
    flags = _cadre_groups(data)
    supplied = {
        (side, group): _by_year(found, ready_in, column[found.rows])
        for (side, group), column in flags.items()
    }
    # Demand: each opening counted once, in its year, then summed to date.
    opened: dict[tuple[Level, int], Counter[str]] = defaultdict(Counter)
    wanted: dict[tuple[str, Level, int], Counter[str]] = defaultdict(Counter)
    unit_groups: dict[str, str] = {}
    post_groups: dict[str | None, set[str]] = {}
    for opening in found.openings:
        opened[(opening.level, opening.year)][opening.why] += 1
        if opening.unit_id not in unit_groups:
            unit_groups[opening.unit_id] = _unit_group(data, opening.unit_id)
        wanted[("kind", opening.level, opening.year)][unit_groups[opening.unit_id]] += 1
        if opening.post_id not in post_groups:
            post_groups[opening.post_id] = _post_categories(data, opening.post_id)
        for category in post_groups[opening.post_id]:
            wanted[("specialty", opening.level, opening.year)][category] += 1
    rows_out: list[PipelineYear] = []
    breakdowns: dict[str, list[PipelineGroup]] = {"kind": [], "specialty": []}
    for level in levels:
        order = LEVEL_ORDER[level]
        demand_to_date = 0
        to_date: dict[str, Counter[str]] = {"kind": Counter(), "specialty": Counter()}
        for k, year in enumerate(found.years):
            this_year = opened.get((level, year), Counter())
            demand_to_date += this_year.total()
            ready = int(supply[order, k])
            rows_out.append(
                {
                    "year": year,
                    "level": level.value,
                    "demand": this_year.total(),
                    "demand_vacant": this_year["vacant"],
                    "demand_retiring": this_year["retiring"],
                    "demand_young": this_year["young"],
                    "demand_to_date": demand_to_date,
                    "supply": ready,
                    "supply_young": {f"under_{age:g}": int(young[age][order, k]) for age in ages},
                    "supply_with_actions": int(with_actions[order, k]),
                    "gap": demand_to_date - ready,
                }
            )
            for side, groups in breakdowns.items():
                to_date[side].update(wanted.get((side, level, year), Counter()))
                groups += _groups(
                    year,
                    level,
                    to_date[side],
                    {g: int(n[order, k]) for (s, g), n in supplied.items() if s == side},
                )
    at_risk = np.flatnonzero(found.at_risk)
    risky = found.rows[at_risk]
    ids = data.context.facts.ids
    risk_detail: list[PipelineRisk] = [
        {
            "cadre_id": ids[row],
            "name": data.name(ids[row]),
            "next_level": LEVELS[order].value if order >= 0 else None,
            "ages_out_on": ages_out,
            "ready_on": ready_on,
        }
        for row, order, ages_out, ready_on in zip(
            risky.tolist(),
            found.level[at_risk].tolist(),
            _iso_days(found.ages_out[at_risk]),
            _iso_days(found.ready[at_risk]),
            strict=True,
        )
    ]
    return {
        "as_of": data.as_of.isoformat(),
        "unit_id": unit_id,
        "unit_name": data.units.name(unit_id) if unit_id else "全域",
        "cadres": len(found.rows),
        "years": rows_out,
        "by_unit_kind": breakdowns["kind"],
        "by_specialty": breakdowns["specialty"],
        "at_risk": [ids[row] for row in risky.tolist()],
        "at_risk_detail": risk_detail,
    }


def _iso_days(days: Days) -> list[str | None]:
    """Each day as an ISO date (``None`` for NaT)."""
    return [None if text == "NaT" else text for text in np.datetime_as_string(days).tolist()]


def _groups(
    year: int, level: Level, wanted: Counter[str], supply: dict[str, int]
) -> list[PipelineGroup]:
    """Demand to date (openings per group) and supply (ready cadres per group) of one
    year and level; groups with neither are left out."""
    shown = {g for g, n in wanted.items() if n} | {g for g, n in supply.items() if n}
    return [
        {
            "year": year,
            "level": level.value,
            "group": group,
            "demand_to_date": wanted[group],
            "supply": supply.get(group, 0),
            "gap": wanted[group] - supply.get(group, 0),
        }
        for group in sorted(shown)
    ]
