"""One cadre's path to the next level (一人一策).

For the level above where the cadre stands (or one asked for), as a leadership post:
each barring rule's status today, the day it will be met if nothing changes or, when no
day can be known, what it waits for; the ready day (every barring rule met, none lapsed
first); the warnings apart; and the actions that bring the day forward, each with the
ready day if it starts today (:mod:`queries.development.readiness` says what each action
assumes):

- **posting** to a vacant post at the level below the target, nearest first, in the
  cadre's scope and free of avoidance conflicts: for missing years of leadership at that
  level (the leadership track), and, in a township or street, for missing 基层工作经历;
- **secondment** (挂职) to a township or street of the cadre's scope, for missing
  基层工作经历;
- **course**: the earliest scheduled course long enough on its own, for missing training;
- **major task**: a major task under way in the cadre's scope (its specialty's domain
  first, then nearest) for a cadre with none (the score's major-task part is empty), or a
  pool member whose part is not full.

Pool members get the day they leave the pool's age band and ``at_risk`` when that comes
before the ready day (or the ready day cannot be known). The cadre's mentor and a stage
goal for the coming year make the line a 一人一策 sheet prints.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np

from graphsvc.dates import add_months, format_cadre_date
from graphsvc.vocab import Level
from queries.development.data import DevelopmentData, Pairing, PoolStay
from queries.development.openings import Openings, Place, openings
from queries.development.readiness import (
    LEVELS,
    LevelDays,
    aims,
    combine,
    fixes,
    level_days,
    pool_ages_out,
)
from queries.development.results import (
    PathAction,
    PathMentor,
    PathPool,
    PathResult,
    PathRule,
    PathWarning,
)
from queries.selection.candidates import NotFound
from queries.selection.rules import LEVEL_RULES
from queries.selection.rules.base import FAIL, NA, STATUS_NAMES, WARN, day_of

__all__ = ["ACTION_KINDS", "cadre_path", "pool_paths"]

ACTION_KINDS = {
    "posting": "交流任职",
    "secondment": "挂职锻炼",
    "course": "参加培训",
    "major_task": "重大任务历练",
}


def _iso(day: np.datetime64) -> str | None:
    found = day_of(day)
    return found.isoformat() if found else None


def cadre_path(*, data: DevelopmentData, cadre_id: str, target: Level | None = None) -> PathResult:
    """The path of one active cadre to ``target`` (default: the level above its own).

    Raises
    ------
    NotFound
        No active cadre has that id.
    """
    context = data.context
    facts = context.facts
    row = facts.index.get(cadre_id)
    if row is None:
        raise NotFound(f"未找到编号为 '{cadre_id}' 的在职干部")
    cadres = facts.cadres
    rows = np.array([row], dtype=np.intp)
    standing = LEVELS[int(cadres.standing[row])]
    rank_position = int(cadres.rank_position[row])
    record = context.records[cadre_id]
    rank = record.cadre.get("rank") if rank_position >= 0 else None
    aimed = aims(context, rows)[0]
    level = target if target is not None else (LEVELS[int(aimed)] if aimed >= 0 else None)
    found: PathResult = {
        "cadre_id": cadre_id,
        "name": data.name(cadre_id),
        "as_of": data.as_of.isoformat(),
        "unit_name": data.units.name(data.unit_of(cadre_id)) if data.unit_of(cadre_id) else None,
        "level": standing.value,
        "rank": str(rank) if rank else None,
        "next_level": level.value if level is not None else None,
        "ready_now": False,
        "ready_on": None,
        "ready_with_actions": None,
        "rules": [],
        "warnings": [],
        "actions": [],
        "pool": None,
        "mentor": _mentor(data, cadre_id),
        "stage_goal": "",
    }
    if level is not None:
        days = level_days(context, level)
        offer = openings(data)
        fixed = fixes(offer, days, rows)
        ready = combine(days, rows, {})[0]
        found["ready_on"] = _iso(ready)
        found["ready_now"] = found["ready_on"] == data.as_of.isoformat()
        found["ready_with_actions"] = _iso(combine(days, rows, fixed)[0])
        found["rules"], found["warnings"] = _lines(data, days, row)
        latest, lapses = days.latest(rows)[0], days.lapses[row]
        if not np.isnat(latest) and not np.isnat(lapses) and lapses <= latest:
            found["warnings"].append(
                {
                    "rule": "retirement",
                    "message": f"{format_cadre_date(day_of(lapses), with_day=True)}"
                    "达到法定退休年龄，早于其他条件全部满足之日",
                }
            )
        found["actions"] = _actions(offer, days, row, fixed)
    found["pool"] = _pool(data, cadre_id, row, found["ready_on"], found["ready_now"])
    found["stage_goal"] = stage_goal(found, data.as_of)
    return found


def pool_paths(*, data: DevelopmentData) -> list[PathResult]:
    """The path of every pool member (an open stay), by id: the 一人一策 sheets."""
    facts = data.context.facts
    return [cadre_path(data=data, cadre_id=facts.ids[row]) for row in np.flatnonzero(facts.in_pool)]


def _lines(
    data: DevelopmentData, days: LevelDays, row: int
) -> tuple[list[PathRule], list[PathWarning]]:
    """The barring rules' lines with their days, and every warning (of any rule)."""
    facts, target = data.context.facts, days.target
    rules: list[PathRule] = []
    warnings: list[PathWarning] = []
    for unit in LEVEL_RULES:
        status = unit.status(facts, target, row)
        if status == NA:
            continue
        line = unit.line(facts, target, facts.judgement(unit, target), row)
        if status == WARN:
            warnings.append({"rule": unit.name, "message": line.message})
        if unit.name in days.met:
            rules.append(
                {
                    "rule": unit.name,
                    "title": unit.title,
                    "status": STATUS_NAMES[status],
                    "met_on": _iso(days.met[unit.name][row]),
                    "needs": unit.needs(facts, target, row),
                    "message": line.message,
                }
            )
    return rules, warnings


def _actions(
    offer: Openings, days: LevelDays, row: int, fixed: dict[str, np.ndarray]
) -> list[PathAction]:
    data = offer.data
    context = data.context
    facts, target = context.facts, days.target
    cadre_id = facts.ids[row]
    rows = np.array([row], dtype=np.intp)
    shown = data.policy.paths.actions_shown
    found: list[PathAction] = []

    def ready_if(rules: dict[str, np.datetime64]) -> str | None:
        plan = {name: day.copy() for name, day in fixed.items()}
        for name, day in rules.items():
            if name in plan:
                plan[name][0] = day
            else:
                plan[name] = np.array([day])
        return _iso(combine(days, rows, plan)[0])

    below = target.below()
    gaps = {name for name, day in fixed.items() if not np.isnat(day[0])}
    if below is not None and {"grassroots_years", "years_at_level"} & gaps:
        has_unit, scope = offer.home_scope(cadre_id, below)
        places: list[Place] = []
        if has_unit and "grassroots_years" in gaps:
            places += offer.places(below, scope, grassroots=True)
        if has_unit and "years_at_level" in gaps:
            places += [p for p in offer.places(below, scope, grassroots=False) if p not in places]
        kinds = set(data.policy.paths.posting_unit_kinds)
        taken = {"posting": 0, "secondment": 0}
        ordered = offer.nearest(cadre_id, places)
        # Posts that mend both first, then the others, each list nearest first.
        ordered.sort(key=lambda p: (p.secondment, data.units.kind(p.unit_id) not in kinds))
        for place in ordered:
            kind = "secondment" if place.secondment else "posting"
            if taken[kind] >= shown or not offer.is_open(row, place):
                continue
            grassroots = data.units.kind(place.unit_id) in kinds
            mends: list[str] = [
                name
                for name in ("grassroots_years", "years_at_level")
                if name in gaps
                and (grassroots or name != "grassroots_years")
                and (not place.secondment or name != "years_at_level")
            ]
            if not mends:
                continue
            taken[kind] += 1
            unit_name = data.units.name(place.unit_id)
            post_name = str(place.post.get("name")) if place.post_id else ""
            # A post's name often begins with its unit's (白堡街道党工委书记): said once.
            full_name = post_name if post_name.startswith(unit_name) else unit_name + post_name
            title = (
                f"到{unit_name}挂职锻炼（补足基层工作经历）"
                if place.secondment
                else f"交流任{full_name}"
                + ("（补足基层工作经历）" if "grassroots_years" in mends else "")
            )
            found.append(
                {
                    "kind": kind,
                    "unit_id": place.unit_id,
                    "post_id": place.post_id,
                    "ready_on": ready_if({name: fixed[name][0] for name in mends}),
                    "title": title,
                    "unit_name": unit_name,
                    "post_name": post_name,
                    "training_id": None,
                    "project_id": None,
                    "fixes": mends,
                }
            )
    found.extend(_course(offer, days, row, ready_if))
    found.extend(_task(offer, days, row, ready_if))
    return found


def _course(offer: Openings, days: LevelDays, row: int, ready_if: Any) -> list[PathAction]:
    """The earliest scheduled course that mends missing training on its own (the rule bars
    or warns)."""
    from queries.selection.rules import BY_NAME
    from queries.selection.rules.training import Training

    facts, target = offer.data.context.facts, days.target
    unit = BY_NAME["training"]
    assert isinstance(unit, Training)
    if unit.status(facts, target, row) not in (FAIL, WARN):
        return []
    hours, spent = unit.missing(facts, target)
    index = int(offer.first_courses(hours[row : row + 1], spent[row : row + 1])[0])
    if index < 0:
        return []
    course = offer.courses[index]
    end = np.datetime64(course.end, "D")
    return [
        {
            "kind": "course",
            "unit_id": None,
            "post_id": None,
            "ready_on": ready_if({"training": end} if "training" in days.met else {}),
            "title": f"参加{course.name}（{format_cadre_date(course.start, with_day=True)}开班，"
            f"{course.hours:g}学时，补足近期培训）",
            "unit_name": None,
            "post_name": None,
            "training_id": course.training_id,
            "project_id": None,
            "fixes": ["training"],
        }
    ]


def _task(offer: Openings, days: LevelDays, row: int, ready_if: Any) -> list[PathAction]:
    """A major task under way in the cadre's scope for a cadre with none, or a pool member
    whose major-task part of the score is not full: its specialty's domain first, then
    nearest."""
    data = offer.data
    context = data.context
    arrays = context.arrays
    cadre_id = context.facts.ids[row]
    full = data.policy.scoring.experience.major_tasks_full
    weight = float(arrays.tasks[row])
    member = bool(context.facts.in_pool[row])
    # The score's major-task part is empty, or a pool member's is not full.
    if weight > 0 and not (member and weight < full):
        return []
    record = context.records[cadre_id]
    done = {str(project.get("id")) for project, _, _ in record.projects}
    home = data.unit_of(cadre_id)
    _, scope = offer.home_scope(cadre_id, LEVELS[int(context.facts.cadres.standing[row])])
    candidates = [p for p in offer.tasks_within(scope) if str(p["id"]) not in done]
    if not candidates:
        return []

    def order(project: dict[str, Any]) -> tuple[bool, int, str]:
        distance = data.unit_distance(home, project.get("unit_id"))
        return (
            project.get("domain_id") not in record.specialties,
            10**6 if distance is None else distance,
            str(project["id"]),
        )

    project = min(candidates, key=order)
    unit_id = str(project["unit_id"])
    why = "优秀年轻干部库成员在重大任务中历练" if member else "尚无重大任务经历"
    return [
        {
            "kind": "major_task",
            "unit_id": unit_id,
            "post_id": None,
            "ready_on": ready_if({}),
            "title": f"参与{project.get('name', project['id'])}"
            f"（{project.get('kind', '重大任务')}，{why}）",
            "unit_name": data.units.name(unit_id),
            "post_name": None,
            "training_id": None,
            "project_id": str(project["id"]),
            "fixes": [],
        }
    ]


def _by_cadre(data: DevelopmentData, key: str, items: list[Any]) -> dict[str, list[Any]]:
    """``items`` (pairings by mentee, or pool stays by cadre) grouped once per data."""
    memo_key = ("paths:by_cadre", key)
    if memo_key not in data.memo:
        grouped: dict[str, list[Any]] = {}
        for item in items:
            grouped.setdefault(getattr(item, key), []).append(item)
        data.memo[memo_key] = grouped
    found: dict[str, list[Any]] = data.memo[memo_key]
    return found


def _mentor(data: DevelopmentData, cadre_id: str) -> PathMentor | None:
    """The cadre's current mentor (the latest pairing that runs today)."""
    pairings: list[Pairing] = _by_cadre(data, "mentee_id", data.pairings).get(cadre_id, [])
    current = [p for p in pairings if p.current(data.as_of)]
    if not current:
        return None
    pairing = current[-1]
    mentor = data.mentors.get(pairing.mentor_id, {})
    return {
        "mentor_id": pairing.mentor_id,
        "name": str(mentor.get("name", pairing.mentor_id)),
        "cadre_id": str(mentor["cadre_id"]) if mentor.get("cadre_id") else None,
        "since": pairing.start.isoformat(),
    }


def _pool(
    data: DevelopmentData, cadre_id: str, row: int, ready_on: str | None, ready_now: bool
) -> PathPool | None:
    """The pool the cadre is in now, the day it leaves its age band, and whether that comes
    before the ready day (a ready day that cannot be known counts as later)."""
    if not data.context.facts.in_pool[row]:  # an open stay, as the rules read it
        return None
    stays: list[PoolStay] = _by_cadre(data, "cadre_id", data.stays).get(cadre_id, [])
    stay = next(s for s in stays if s.end is None)
    ages_out = _iso(pool_ages_out(data.context, np.array([row], dtype=np.intp))[0])
    at_risk = not ready_now and ages_out is not None and (ready_on is None or ages_out < ready_on)
    return {
        "pool_id": stay.pool_id,
        "pool_name": str(data.pools.get(stay.pool_id, {}).get("name", stay.pool_id)),
        "ages_out_on": ages_out,
        "at_risk": at_risk,
    }


def stage_goal(path: PathResult, as_of: date) -> str:
    """The 一人一策 line for the coming year: what to reach, and what to do."""
    until = add_months(as_of, 12)
    horizon = until.isoformat()
    level = path["next_level"]
    if level is None:
        return "已处于职务层次最高一级，保持现岗位历练"
    parts: list[str] = []
    if path["ready_now"]:
        parts.append(f"已具备提任{level}的任职条件，可作为动议人选")
    elif path["ready_on"] and path["ready_on"] <= horizon:
        parts.append(f"{_day(path['ready_on'])}具备提任{level}的任职条件")
    else:
        waiting = [r["needs"] for r in path["rules"] if r["status"] == "fail" and r["needs"]]
        if waiting:
            parts.append(waiting[0])
    kinds_done: set[str] = set()
    for action in path["actions"]:
        if action["kind"] in kinds_done:
            continue
        kinds_done.add(action["kind"])
        when = (
            f"，{_day(action['ready_on'])}可具备任职条件"
            if action["ready_on"] and action["fixes"] and action["ready_on"] != path["ready_on"]
            else ""
        )
        parts.append(action["title"] + when)
    pool = path["pool"]
    if pool is not None and pool["at_risk"] and pool["ages_out_on"]:
        parts.append(f"注意：{_day(pool['ages_out_on'])}将超出干部库年龄上限，宜加快培养")
    if path["mentor"] is not None:
        parts.append(f"由导师{path['mentor']['name']}继续帮带")
    return f"一年内（至{format_cadre_date(until)}）：" + "；".join(parts)


def _day(iso: str) -> str:
    return format_cadre_date(date.fromisoformat(iso), with_day=True)
