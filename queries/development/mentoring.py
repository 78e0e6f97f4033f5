"""Mentoring coverage (成长导师制) and mentor matching by minimum-cost flow.

Who should have a mentor is a policy (``[mentoring]``): recruits within N years,
listed channels (选调生, 到村(社区)工作大学生) within N years of starting work,
and pool members. A mentee is *covered* on a day when a pairing running that day
names a mentor who is serving (在岗, and an active cadre when the mentor is one): the
one definition of coverage (:func:`covered_mentees`), read by this analysis, the
targets, the home page and the reports.

Matching pairs uncovered mentees with mentors that have spare capacity. It is a
minimum-cost flow (networkx's network simplex):

    mentee --(1, pair cost)--> mentor --(1, slot cost k)--> slot k --> sink
    mentee --(1, unmatched)--> sink

The unmatched arc costs more than any pairing, so the flow pairs as many
mentees as the rules allow and, among those, minimises the total cost. The
slot costs grow with the mentor's load (convex), so a mentor's second new
mentee costs more than the first and work spreads. Pair cost, each part 0..1
and weighted by ``[mentoring.cost]``:

- **distance**: unit-hierarchy hops between the units over ``max_distance``
  (same unit 0), 1 for another township, street or department (allowed only
  with ``allow_far``); an outside expert counts as local to the units of the
  mentees they already have (one with none is suggested only with
  ``allow_far``, at 0.5);
- **specialty**: 0 when mentor and mentee share a specialty category;
- **seniority**: 0 for a party secretary or a mentor 3+ levels above;
- **assessment**: one minus the mean value of the mentor's last annual grades;
- **load** (on the slot arcs): how full the mentor is with that mentee.

Rules never broken: a mentor is never the mentee, never a relative
(RELATIVE_OF), never junior to the mentee (lower level, or same level with
less service), never retiring within ``min_years_to_retire``, never one whose last
annual grade bars or who is inside an effect period (``skip_barred_grade``,
``skip_in_effect``), never beyond
``max_distance`` or (unless ``allow_far``) outside the mentee's township,
street or department, never over capacity (``many_to_one`` false: a mentor
takes one mentee at most).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import networkx as nx
import numpy as np

from graphsvc.dates import add_months
from graphsvc.rows import EdgeRow
from graphsvc.stores.base import GraphStore
from graphsvc.vocab import GRADE_VALUE
from queries.development.data import DevelopmentData
from queries.development.results import (
    CoverageGroup,
    CoverageResult,
    DepartedMentor,
    DistantPairing,
    MenteeRow,
    MentorGaps,
    MentorLoad,
    PairingRow,
    RecommendationResult,
    RetiringMentor,
    UncoveredMentee,
    UnitShort,
    UnmatchedMentee,
)
from queries.selection.rules.assessment import barred_grade
from queries.selection.rules.effect_period import effect_ends

__all__ = [
    "MentorSlot",
    "coverage",
    "covered_mentees",
    "mentees_needing",
    "min_cost_pairing",
    "recommend_mentors",
    "write_back_suggestions",
]

_SCALE = 1000  # costs are integers for the network simplex: thousandths


def _need_reason(data: DevelopmentData, cadre_id: str, on: date, pool: set[str]) -> str | None:
    """Why this cadre should have a mentor on ``on`` (``None``: no need)."""
    policy = data.policy.mentoring
    cadre = data.cadres.get(cadre_id, {})
    recruited = cadre.get("recruit_date")
    if recruited and recruited <= on < add_months(recruited, round(policy.recruit_years * 12)):
        return f"录用{policy.recruit_years:g}年内"
    started = cadre.get("work_start")
    channel = cadre.get("channel")
    if (
        channel in policy.channels
        and started
        and started <= on < add_months(started, round(policy.channel_years * 12))
    ):
        return f"{channel}（参加工作{policy.channel_years:g}年内）"
    if policy.pool_members and cadre_id in pool:
        return "优秀年轻干部库成员"
    return None


def mentees_needing(data: DevelopmentData, on: date | None = None) -> dict[str, str]:
    """Active cadres who should have a mentor on ``on``, each with the reason.

    Parameters
    ----------
    data : DevelopmentData
    on : date, optional
        The day (default ``data.as_of``); for history, cadres active now are counted.
    """
    day = on or data.as_of
    pool = data.pool_members(day)
    found: dict[str, str] = {}
    for cadre_id in data.records:
        reason = _need_reason(data, cadre_id, day, pool)
        if reason is not None:
            found[cadre_id] = reason
    return found


def _mentor_serving(data: DevelopmentData, mentor: Mapping[str, Any]) -> bool:
    if mentor.get("status", "在岗") != "在岗":
        return False
    cadre_id = mentor.get("cadre_id")
    return not cadre_id or data.cadres.get(cadre_id, {}).get("status", "在职") == "在职"


def _mentor_unit(data: DevelopmentData, mentor: Mapping[str, Any]) -> str | None:
    return data.unit_of(mentor.get("cadre_id"))


def _mentor_retires(data: DevelopmentData, mentor: Mapping[str, Any]) -> date | None:
    if mentor.get("retire_date"):
        return mentor["retire_date"]  # type: ignore[no-any-return]
    return data.retirement_date(mentor["cadre_id"]) if mentor.get("cadre_id") else None


def _current_pairings(data: DevelopmentData, on: date) -> dict[str, list[str]]:
    """Mentee → mentors of current pairings (computed once per day and data)."""
    key = ("current_pairings", on)
    if key not in data.memo:
        found: dict[str, list[str]] = defaultdict(list)
        for pairing in data.pairings:
            if pairing.start <= on and (pairing.end is None or pairing.end > on):
                found[pairing.mentee_id].append(pairing.mentor_id)
        data.memo[key] = dict(found)
    current: dict[str, list[str]] = data.memo[key]
    return current


def _covered(data: DevelopmentData, mentors: list[str]) -> bool:
    return any(_mentor_serving(data, data.mentors.get(m, {})) for m in mentors)


def covered_mentees(data: DevelopmentData, need: Mapping[str, str], on: date) -> set[str]:
    """Coverage, defined once: of the cadres who ``need`` a mentor on ``on``, those with a
    pairing running that day whose mentor is serving (在岗, an active cadre when a cadre;
    the mentor's status as recorded now)."""
    current = _current_pairings(data, on)
    return {c for c in need if _covered(data, current.get(c, []))}


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _breakdown(
    need: dict[str, str], covered: set[str], key: Mapping[str, str]
) -> list[CoverageGroup]:
    totals: Counter[str] = Counter(key[c] for c in need)
    hits: Counter[str] = Counter(key[c] for c in need if c in covered)
    return [
        {
            "group": group,
            "need": totals[group],
            "covered": hits[group],
            "coverage": _share(hits[group], totals[group]),
        }
        for group in sorted(totals)
    ]


def coverage(*, data: DevelopmentData) -> CoverageResult:
    """Coverage figures and the lists of gaps.

    Returns
    -------
    dict
        ``need``, ``covered``, ``coverage`` (covered / need), ``by_unit``,
        ``by_channel``, ``by_year`` (of recruitment or starting work), and the
        gaps: ``uncovered`` mentees, ``over_capacity``, ``departed``,
        ``retiring`` and ``distant`` mentors, ``units_without_spare_mentor``.
    """
    as_of = data.as_of
    need = mentees_needing(data)
    current = _current_pairings(data, as_of)
    covered = covered_mentees(data, need, as_of)
    branch = {c: data.units.name(data.branch(data.unit_of(c))) for c in need}
    channel = {c: str(data.cadres[c].get("channel", "")) for c in need}
    year = {
        c: str((data.cadres[c].get("recruit_date") or data.cadres[c]["work_start"]).year)
        for c in need
    }
    uncovered: list[UncoveredMentee] = [
        {**_mentee_row(data, c, need), "mentors": current.get(c, [])}
        for c in sorted(need)
        if c not in covered
    ]
    gaps = _mentor_gaps(data, current)
    return {
        "as_of": as_of.isoformat(),
        "need": len(need),
        "covered": len(covered),
        "coverage": _share(len(covered), len(need)),
        "by_unit": _breakdown(need, covered, branch),
        "by_channel": _breakdown(need, covered, channel),
        "by_year": _breakdown(need, covered, year),
        "uncovered": uncovered,
        "over_capacity": gaps["over_capacity"],
        "departed": gaps["departed"],
        "retiring": gaps["retiring"],
        "distant": gaps["distant"],
        "units_without_spare_mentor": _branches_without_spare(data, uncovered),
    }


def _mentee_row(data: DevelopmentData, cadre_id: str, need: Mapping[str, str]) -> MenteeRow:
    unit = data.unit_of(cadre_id)
    return {
        "cadre_id": cadre_id,
        "name": data.name(cadre_id),
        "unit_id": unit,
        "unit_name": data.units.name(unit),
        "channel": data.cadres.get(cadre_id, {}).get("channel"),
        "reason": need.get(cadre_id),
    }


def _mentor_gaps(data: DevelopmentData, current: Mapping[str, list[str]]) -> MentorGaps:
    """Mentors over capacity, departed, retiring within the horizon, and distant pairings."""
    horizon = add_months(data.as_of, round(data.policy.mentoring.retire_within_years * 12))
    mentees_of: dict[str, list[str]] = defaultdict(list)
    for mentee, mentors in current.items():
        for mentor_id in mentors:
            mentees_of[mentor_id].append(mentee)
    over: list[MentorLoad] = []
    departed: list[DepartedMentor] = []
    retiring: list[RetiringMentor] = []
    distant: list[DistantPairing] = []
    for mentor_id in sorted(mentees_of):
        mentor = data.mentors.get(mentor_id, {"id": mentor_id})
        load = len(mentees_of[mentor_id])
        row: MentorLoad = {
            "mentor_id": mentor_id,
            "name": mentor.get("name"),
            "kind": mentor.get("kind"),
            "mentees": sorted(mentees_of[mentor_id]),
            "load": load,
            "capacity": mentor.get("capacity"),
        }
        if load > int(mentor.get("capacity") or 0):
            over.append(row)
        if not _mentor_serving(data, mentor):
            cadre_status = data.cadres.get(mentor.get("cadre_id") or "", {}).get("status")
            departed.append({**row, "status": mentor.get("status"), "cadre_status": cadre_status})
        else:
            retires = _mentor_retires(data, mentor)
            if retires is not None and retires <= horizon:
                retiring.append({**row, "retires": retires.isoformat()})
        distant += _distant_pairings(data, mentor_id, mentor, mentees_of[mentor_id])
    return {"over_capacity": over, "departed": departed, "retiring": retiring, "distant": distant}


def _distant_pairings(
    data: DevelopmentData, mentor_id: str, mentor: Mapping[str, Any], mentees: list[str]
) -> list[DistantPairing]:
    """Pairings whose mentor and mentee sit in different townships (streets, departments)."""
    mentor_unit = _mentor_unit(data, mentor)
    found: list[DistantPairing] = []
    for mentee in sorted(mentees):
        mentee_unit = data.unit_of(mentee)
        if mentor_unit and mentee_unit and data.branch(mentor_unit) != data.branch(mentee_unit):
            found.append(
                {
                    "mentor_id": mentor_id,
                    "mentor_name": mentor.get("name"),
                    "mentor_unit": data.units.name(mentor_unit),
                    "mentee_id": mentee,
                    "mentee_name": data.name(mentee),
                    "mentee_unit": data.units.name(mentee_unit),
                    "hops": data.unit_distance(mentor_unit, mentee_unit),
                }
            )
    return found


def _branches_without_spare(
    data: DevelopmentData, uncovered: list[UncoveredMentee]
) -> list[UnitShort]:
    """Townships (streets, departments) with uncovered mentees and no spare mentor."""
    spare_by_branch: Counter[str] = Counter()
    for slot in available_mentors(data):
        if slot.unit_id:
            spare_by_branch[data.branch(slot.unit_id) or ""] += slot.spare
    waiting: Counter[str] = Counter(
        data.branch(data.unit_of(row["cadre_id"])) or "" for row in uncovered
    )
    return [
        {
            "unit_id": unit,
            "unit_name": data.units.name(unit),
            "uncovered": count,
            "spare_capacity": spare_by_branch[unit],
        }
        for unit, count in sorted(waiting.items())
        if unit and spare_by_branch[unit] == 0
    ]


# ------------------------------------------------------------------ matching


@dataclass(frozen=True)
class MentorSlot:
    """A mentor who can take new mentees: ``spare`` places, ``load`` current mentees."""

    mentor_id: str
    spare: int
    load: int
    capacity: int
    unit_id: str | None
    home_units: tuple[str, ...]  # where the mentor is local (own unit, or mentees' units)


def _unfit(data: DevelopmentData) -> set[str]:
    """Cadres never suggested as mentors (settings): a last annual grade that bars
    (``skip_barred_grade``), or inside an effect period (``skip_in_effect``)."""
    policy, facts = data.policy, data.context.facts
    unfit = np.zeros(len(facts), dtype=bool)
    if policy.mentoring.skip_barred_grade:
        unfit |= barred_grade(facts, policy.rules.assessment.barred_grades)
    if policy.mentoring.skip_in_effect:
        unfit |= ~np.isnat(effect_ends(facts)[0])
    return {facts.ids[row] for row in np.flatnonzero(unfit).tolist()}


def available_mentors(data: DevelopmentData) -> list[MentorSlot]:
    """Serving pool mentors with spare capacity, not retiring within the policy's years,
    whose last grade does not bar and who are in no effect period (settings)."""
    policy = data.policy.mentoring
    unfit = _unfit(data)
    current = _current_pairings(data, data.as_of)
    load: Counter[str] = Counter(m for ms in current.values() for m in ms)
    mentee_units: dict[str, set[str]] = defaultdict(set)
    for mentee, mentors in current.items():
        for mentor_id in mentors:
            unit = data.unit_of(mentee)
            if unit:
                mentee_units[mentor_id].add(unit)
    horizon = add_months(data.as_of, round(policy.min_years_to_retire * 12))
    slots = []
    for mentor_id, mentor in sorted(data.mentors.items()):
        if not _mentor_serving(data, mentor) or mentor.get("in_pool") is False:
            continue
        if mentor.get("cadre_id") in unfit:
            continue
        retires = _mentor_retires(data, mentor)
        if retires is not None and retires <= horizon:
            continue
        capacity = int(mentor.get("capacity") or 0)
        spare = (capacity if policy.many_to_one else 1) - load[mentor_id]
        if spare <= 0:
            continue
        unit = _mentor_unit(data, mentor)
        home = (unit,) if unit else tuple(sorted(mentee_units[mentor_id]))
        slots.append(MentorSlot(mentor_id, spare, load[mentor_id], capacity, unit, home))
    return slots


def min_cost_pairing(
    mentees: Sequence[str],
    slots: Mapping[str, int],
    pair_cost: Mapping[tuple[str, str], int],
    slot_cost: Mapping[str, Sequence[int]],
) -> dict[str, str]:
    """Pair as many mentees as possible at the least total cost (a minimum-cost flow).

    Parameters
    ----------
    mentees : sequence of str
    slots : mapping
        Mentor id → how many new mentees it can take.
    pair_cost : mapping
        ``(mentee, mentor)`` → integer cost, for allowed pairs only.
    slot_cost : mapping
        Mentor id → integer cost of its 1st, 2nd, ... new mentee (non-decreasing).

    Returns
    -------
    dict
        Mentee → mentor. Maximum cardinality first, then minimum
        ``sum(pair_cost) + sum(slot_cost of the slots used)``.
    """
    if not mentees or not pair_cost:
        return {}
    # Mentees that share no candidate mentor never compete: solve each connected part
    # of the candidate graph alone (exact, and much faster than one large flow).
    parts = nx.Graph()
    parts.add_edges_from((("mentee", e), ("mentor", m)) for e, m in pair_cost)
    components = list(nx.connected_components(parts))
    if len(components) == 1:
        return _min_cost_flow(list(mentees), slots, pair_cost, slot_cost)
    options: dict[str, dict[tuple[str, str], int]] = defaultdict(dict)
    for (mentee, mentor), cost in pair_cost.items():
        options[mentee][(mentee, mentor)] = cost
    order = {mentee: index for index, mentee in enumerate(mentees)}
    pairs: dict[str, str] = {}
    for component in components:
        inside = sorted((n for k, n in component if k == "mentee"), key=order.__getitem__)
        costs = {key: cost for mentee in inside for key, cost in options[mentee].items()}
        pairs.update(_min_cost_flow(inside, slots, costs, slot_cost))
    return pairs


def _min_cost_flow(
    mentees: Sequence[str],
    slots: Mapping[str, int],
    pair_cost: Mapping[tuple[str, str], int],
    slot_cost: Mapping[str, Sequence[int]],
) -> dict[str, str]:
    graph = nx.DiGraph()
    # Sorted, not a set: equal-cost ties then break the same way in every process.
    used = sorted({mentor for _, mentor in pair_cost})
    biggest = max(pair_cost.values(), default=0) + max(
        (max(slot_cost.get(mentor, ()), default=0) for mentor in used), default=0
    )
    unmatched = (biggest + 1) * 2 + 1  # dearer than any pairing: cardinality comes first
    sink = ("sink",)
    graph.add_node(sink, demand=len(mentees))
    for mentee in mentees:
        graph.add_node(("mentee", mentee), demand=-1)
        graph.add_edge(("mentee", mentee), sink, capacity=1, weight=unmatched)
    for (mentee, mentor), cost in pair_cost.items():
        graph.add_edge(("mentee", mentee), ("mentor", mentor), capacity=1, weight=cost)
    for mentor in used:
        costs = list(slot_cost.get(mentor, []))
        for k in range(slots.get(mentor, 0)):
            slot = ("slot", mentor, k)
            graph.add_edge(("mentor", mentor), slot, capacity=1, weight=costs[k] if costs else 0)
            graph.add_edge(slot, sink, capacity=1, weight=0)
    flow = nx.min_cost_flow(graph)
    pairs: dict[str, str] = {}
    for mentee in mentees:
        for target, amount in flow[("mentee", mentee)].items():
            if amount and target != sink:
                pairs[mentee] = target[1]
    return pairs


def _categories(data: DevelopmentData, cadre_id: str | None) -> set[str]:
    record = data.records.get(cadre_id or "")
    if record is None:
        return set()
    category_of = data.context.category_of
    own = {category_of[s] for s in record.specialties if s in category_of}
    domains = {
        category_of[str(p.get("domain_id"))]
        for p, _, _ in record.projects
        if str(p.get("domain_id")) in category_of
    }
    return own | domains


def _grades(data: DevelopmentData, cadre_id: str | None) -> list[str]:
    record = data.records.get(cadre_id or "")
    if record is None:
        return []
    years = sorted(record.annual_grades, reverse=True)[:3]
    return [record.annual_grades[y] for y in years if record.annual_grades[y] in GRADE_VALUE]


Terms = tuple[dict[str, float], list[str]]


def _pair_terms(data: DevelopmentData, mentee: str, slot: MentorSlot) -> Terms | str:
    """The cost parts of a pairing and its reasons, or (text) the rule that forbids it."""
    policy = data.policy.mentoring
    mentor = data.mentors[slot.mentor_id]
    mentor_cadre = mentor.get("cadre_id")
    who = f"{mentor.get('name')}({slot.mentor_id})"
    record = data.records.get(mentee)
    if record is None or mentor_cadre == mentee:
        return "本人"
    relative = next((r for r in record.relatives if r.cadre_id == mentor_cadre), None)
    if mentor_cadre and relative is not None:
        return f"{who}系其{relative.relation}（亲属回避）"
    reasons: list[str] = []
    mentee_unit = data.unit_of(mentee)
    hops = [
        h for h in (data.unit_distance(u, mentee_unit) for u in slot.home_units) if h is not None
    ]
    if hops:
        distance = min(hops)
        near = any(data.branch(u) == data.branch(mentee_unit) for u in slot.home_units)
        if distance > policy.max_distance:
            return f"{who}相距{distance}级，超过{policy.max_distance}级"
        if not (near or policy.allow_far):
            return f"{who}在其他乡镇（街道、部门）"
        # Same unit 0; within the township (street, department) by hops; elsewhere 1.
        distance_part = min(distance, policy.max_distance) / max(policy.max_distance, 1)
        where = data.units.name(slot.unit_id) if slot.unit_id else "所带学员所在单位"
        if distance == 0:
            reasons.append(f"同单位（{where}）")
        elif near:
            reasons.append(f"同一乡镇（街道、部门）内，相距{distance}级（{where}）")
        else:
            distance_part = 1.0
            reasons.append(f"跨乡镇（街道、部门），相距{distance}级（{where}）")
    elif mentor_cadre:
        return f"{who}无现任职务"  # a cadre mentor without a current post: nowhere to meet
    else:
        distance_part = 0.5
        reasons.append(f"外部专家（{mentor.get('organization') or '单位未填'}）")

    seniority_part = 0.3
    if mentor_cadre:
        gap_levels = (data.level_rank(mentor_cadre) or 0) - (data.level_rank(mentee) or 0)
        mentor_start = data.cadres.get(mentor_cadre, {}).get("work_start")
        mentee_start = data.cadres.get(mentee, {}).get("work_start")
        if gap_levels < 0 or (
            gap_levels == 0 and mentor_start and mentee_start and mentor_start >= mentee_start
        ):
            return f"{who}职务层次或资历不高于学员"  # never a mentor junior to the mentee
        seniority_part = 1 - min(gap_levels, 3) / 3
        if mentor.get("kind") == "党组织书记":
            seniority_part = 0.0
        reasons.append(f"导师为{mentor.get('kind')}，职务层次高{gap_levels}级")
    else:
        reasons.append("导师为外部专家")

    shared = _categories(data, mentor_cadre) & _categories(data, mentee)
    specialty_part = 0.0 if shared else (0.5 if not mentor_cadre else 1.0)
    if shared:
        reasons.append(f"专业相近：{'、'.join(sorted(shared))}")

    grades = _grades(data, mentor_cadre)
    if grades:
        assessment_part = 1 - sum(GRADE_VALUE[g] for g in grades) / len(grades)
        reasons.append(f"导师近年考核：{'、'.join(grades)}")
    else:
        assessment_part = 0.3
    reasons.append(f"导师现带{slot.load}人，容量{slot.capacity}人")
    parts = {
        "distance": distance_part,
        "specialty": specialty_part,
        "seniority": seniority_part,
        "assessment": assessment_part,
    }
    return parts, reasons


def _slot_costs(data: DevelopmentData, slot: MentorSlot) -> list[int]:
    weight = data.policy.mentoring.cost.load
    return [
        round(_SCALE * weight * (slot.load + k) / max(slot.capacity, 1)) for k in range(slot.spare)
    ]


def _candidates_by_place(
    data: DevelopmentData, slots: Mapping[str, MentorSlot]
) -> tuple[Callable[[str | None], str | None], dict[str | None, list[MentorSlot]]]:
    """Mentors indexed by where they are local, so a mentee's candidates are found in time
    linear in the mentees: its township (its district with ``allow_far``), and with
    ``allow_far`` experts local nowhere (no mentee yet), who may go anywhere."""
    policy = data.policy.mentoring

    def locality(unit: str | None) -> str | None:
        return _area(data, unit) if policy.allow_far else data.branch(unit)

    by_place: dict[str | None, list[MentorSlot]] = defaultdict(list)
    for slot in slots.values():
        for place in {locality(unit) for unit in slot.home_units} or (
            {None} if policy.allow_far else set()
        ):
            by_place[place].append(slot)
    return locality, by_place


def _pair_options(
    data: DevelopmentData, uncovered: Sequence[str], slots: Mapping[str, MentorSlot]
) -> tuple[dict[tuple[str, str], int], dict[tuple[str, str], Terms], dict[str, list[str]]]:
    """Allowed pairings with their integer costs and terms, and what blocks the others."""
    policy = data.policy.mentoring
    weights = policy.cost.model_dump()
    locality, by_place = _candidates_by_place(data, slots)
    pair_cost: dict[tuple[str, str], int] = {}
    terms: dict[tuple[str, str], Terms] = {}
    blocked: dict[str, list[str]] = defaultdict(list)
    for mentee in uncovered:
        place = locality(data.unit_of(mentee))
        options: list[tuple[int, str]] = []
        for slot in by_place.get(place, []) + by_place.get(None, []):
            found = _pair_terms(data, mentee, slot)
            if isinstance(found, str):
                blocked[mentee].append(found)
                continue
            cost = round(_SCALE * sum(weights[k] * v for k, v in found[0].items()))
            options.append((cost, slot.mentor_id))
            terms[(mentee, slot.mentor_id)] = found
        # Keep the cheapest few per mentee: the flow stays small at province scale.
        for cost, mentor_id in sorted(options)[: policy.candidates_per_mentee]:
            pair_cost[(mentee, mentor_id)] = cost
    return pair_cost, terms, blocked


def _unmatched_reason(mentee: str, has_options: bool, blockers: list[str]) -> str:
    """Why no pairing was proposed, naming the blocker when one rule stands in the way."""
    if has_options:
        return "符合条件的导师名额已被更合适的人选占用"
    named = [b for b in blockers if b != "本人"]
    if not named:
        return "所在乡镇（街道、部门）没有有余量的在库导师"
    shown = "；".join(named[:5]) + ("等" if len(named) > 5 else "")
    if len(named) == 1:
        return f"附近唯一有余量的导师不符合条件：{shown}"
    return f"附近有余量的导师均不符合条件：{shown}"


def recommend_mentors(*, data: DevelopmentData) -> RecommendationResult:
    """Optimal new pairings for uncovered mentees, with coverage before and after.

    Returns
    -------
    dict
        ``pairs`` (``mentee_id``, ``mentor_id``, ``cost``, ``parts``,
        ``reasons``), ``unmatched`` (with why, naming the blocker), ``coverage_before``,
        ``coverage_after``, ``need``, ``method``.
    """
    weights = data.policy.mentoring.cost.model_dump()
    need = mentees_needing(data)
    uncovered = sorted(set(need) - covered_mentees(data, need, data.as_of))
    slots = {slot.mentor_id: slot for slot in available_mentors(data)}
    pair_cost, terms, blocked = _pair_options(data, uncovered, slots)
    pairs = min_cost_pairing(
        uncovered,
        {m: s.spare for m, s in slots.items()},
        pair_cost,
        {m: _slot_costs(data, s) for m, s in slots.items()},
    )
    taken: Counter[str] = Counter()
    rows: list[PairingRow] = []
    for mentee in uncovered:
        if mentee not in pairs:
            continue
        mentor_id = pairs[mentee]
        parts, reasons = terms[(mentee, mentor_id)]
        slot = slots[mentor_id]
        parts = {**parts, "load": (slot.load + taken[mentor_id]) / max(slot.capacity, 1)}
        taken[mentor_id] += 1
        cost = sum(weights[k] * v for k, v in parts.items())
        rows.append(
            {
                "mentee_id": mentee,
                "mentee_name": data.name(mentee),
                "mentee_unit": data.units.name(data.unit_of(mentee)),
                "mentor_id": mentor_id,
                "mentor_name": data.mentors[mentor_id].get("name"),
                "mentor_kind": data.mentors[mentor_id].get("kind"),
                "cost": round(cost, 4),
                "parts": {k: round(v, 4) for k, v in parts.items()},
                "reasons": [need[mentee], *reasons],
            }
        )
    with_options = {mentee for mentee, _ in pair_cost}
    unmatched: list[UnmatchedMentee] = [
        {
            "mentee_id": mentee,
            "name": data.name(mentee),
            "unit_name": data.units.name(data.unit_of(mentee)),
            "reason": _unmatched_reason(mentee, mentee in with_options, blocked[mentee]),
        }
        for mentee in uncovered
        if mentee not in pairs
    ]
    covered_before = len(need) - len(uncovered)
    return {
        "as_of": data.as_of.isoformat(),
        "method": "min-cost flow (network simplex): most pairings, then least total cost",
        "need": len(need),
        "coverage_before": _share(covered_before, len(need)),
        "coverage_after": _share(covered_before + len(rows), len(need)),
        "pairs": rows,
        "unmatched": unmatched,
    }


def _area(data: DevelopmentData, unit_id: str | None) -> str | None:
    """The district (the nearest far-kind ancestor) a unit sits in."""
    if not unit_id:
        return None
    far = set(data.policy.mentoring.far_unit_kinds)
    for current in [unit_id, *data.units.ancestors(unit_id)]:
        if data.units.kind(current) in far:
            return current
    return None


def write_back_suggestions(*, store: GraphStore, result: RecommendationResult) -> int:
    """Write pairings as ``(Mentor)-[:SUGGESTED_MENTOR {rank, score, reasons, run}]->(Cadre)``,
    replacing the previous run; returns how many edges were written."""
    rows = [
        EdgeRow(
            "SUGGESTED_MENTOR",
            pair["mentor_id"],
            pair["mentee_id"],
            "",
            {"rank": 1, "score": pair["cost"], "reasons": pair["reasons"], "run": result["as_of"]},
        )
        for pair in result["pairs"]
    ]
    return store.replace_results("SUGGESTED_MENTOR", rows)
