"""A candidate's score for a post, as arrays: every cadre's post-independent figures once,
then a post's parts over the cadres it may take; the reasons of the people shown are
read from the same figures.

Parts (each 0..1, weighted by ``policy.scoring.weights``):

- **specialty**: the post's required specialties against the cadre's own specialties
  (full credit) and the domains of major tasks they worked on (0.6);
- **experience**: grassroots years, major tasks (lead 1, core 0.7, member 0.4, scaled by
  result), years in units of the same kind as the post's unit, and for a leadership post
  years in leadership posts (a 正职 year whole, a 副职 year ``deputy_post_weight``);
- **performance**: the last three annual grades (0.7) and the quarterly stars (0.3);
- **development**: membership of the young-cadre pool (none while flagged for exit
  review) and last year's training hours;
- **team_fit**: what the post's team lacks that the cadre brings (someone under 40, a
  woman, a missing specialty category).

For a leadership post above 副科 (``scoring.leaders_first``) a cadre who holds no
leadership post is in the second tier: ranked after every cadre who holds one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray
from scipy import sparse

from graphsvc.arrays import distinct_sorted, in_sorted
from graphsvc.snapshot import pylist
from graphsvc.vocab import GRADE_VALUE, Level
from queries.selection.columns import months_between_columns, put_rows
from queries.selection.pool_review import under_review
from queries.selection.records import UnitIndex
from queries.selection.records import positions_in as _positions
from queries.selection.rules.facts import CadreFacts, Target

__all__ = [
    "PARTS",
    "PER_CADRE",
    "RESULT_WEIGHT",
    "ROLE_WEIGHT",
    "CadreArrays",
    "PostScores",
    "score_post",
]

Floats = NDArray[np.float64]
Bools = NDArray[np.bool_]
Rows = NDArray[np.intp]
# Specialty credits as a sparse matrix's coordinates: cadre rows, specialty columns, values.
Entries = tuple[NDArray[np.int64], NDArray[np.int64], Floats]

PARTS = ("specialty", "experience", "performance", "development", "team_fit")
ROLE_WEIGHT = {"负责人": 1.0, "骨干": 0.7, "成员": 0.4}
RESULT_WEIGHT = {"优秀": 1.0, "良好": 0.8, "合格": 0.6, "不合格": 0.1, None: 0.6}
_LEVEL_VALUES = np.array([level.value for level in Level])  # by LEVEL_ORDER
# The arrays of :class:`CadreArrays` with one value per cadre.
PER_CADRE = (
    "levels", "grassroots", "tasks", "leadership", "leader", "standing", "performance",
    "hours", "in_pool", "flagged", "age", "female", "development",
)  # fmt: skip


@dataclass
class CadreArrays:
    """Post-independent figures of every cadre of a context, rows as its facts' rows."""

    ids: list[str]
    levels: NDArray[np.str_]  # the level each cadre stands at (职务层次 or 职级's equivalent)
    grassroots: Floats  # years
    tasks: Floats  # weighted major tasks
    leadership: Floats  # years in leadership posts, a 副职 year weighted
    leader: Bools  # holds a leadership post
    standing: NDArray[np.int64]  # LEVEL_ORDER of ``levels``
    performance: Floats
    hours: Floats  # training hours in the last twelve months
    in_pool: Bools
    flagged: Bools  # a pool member flagged for exit review: no pool credit
    age: Floats
    female: Bools
    match: sparse.csr_matrix  # cadre × specialty: 1 own, 0.6 a major task's domain
    specialty_index: dict[str, int]
    categories: dict[str, Bools]
    similar: dict[str | None, Floats]  # unit kind → years served in such units
    development: Floats = field(default_factory=lambda: np.zeros(0))
    index: dict[str, int] = field(default_factory=dict)
    _id_array: NDArray[np.str_] | None = field(default=None, repr=False)
    # For avoidance: who has relatives, where each grew up (unit number), each area's units.
    _relatives: Bools | None = field(default=None, repr=False)
    _hometowns: NDArray[np.int64] | None = field(default=None, repr=False)
    _unit_numbers: dict[str, int] = field(default_factory=dict, repr=False)
    _areas: dict[str, NDArray[np.int64]] = field(default_factory=dict, repr=False)
    _children: dict[str, list[str]] | None = field(default=None, repr=False)
    _kin_units: dict[int, frozenset[str]] = field(default_factory=dict, repr=False)
    _credited: Bools | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if not self.index:
            self.index = {cadre_id: n for n, cadre_id in enumerate(self.ids)}

    @property
    def id_array(self) -> NDArray[np.str_]:
        """``ids`` as a numpy array (sorted), for finding many rows at once."""
        if self._id_array is None:
            self._id_array = np.array(self.ids, dtype=str)
        return self._id_array

    def credited(self) -> Bools:
        """Pool members who earn the pool's credit (not flagged for exit review)."""
        if self._credited is None:
            self._credited = self.in_pool & ~self.flagged
        return self._credited

    def may_conflict(self, context: Any, rows: Rows, *, area: str | None) -> Bools:
        """Which of ``rows`` avoidance must look at for a post: with relatives, or (a head
        post governing ``area``; ``None`` for any other post) grown up in that area."""
        risky = self.with_relatives(context, rows)
        if area is not None:
            risky = risky | self.grew_up_in(context, rows, area)
        return risky

    def with_relatives(self, context: Any, rows: Rows) -> Bools:
        """Which of ``rows`` have relatives (RELATIVE_OF)."""
        self._avoidance_columns(context)
        assert self._relatives is not None
        found: Bools = self._relatives[rows]
        return found

    def grew_up_in(self, context: Any, rows: Rows, area: str) -> Bools:
        """Which of ``rows`` grew up in ``area`` (the area or a unit inside it)."""
        self._avoidance_columns(context)
        if area not in self._areas:
            if self._children is None:
                self._children = _children_of(context.units)
            within = _units_within(self._children, area)
            self._areas[area] = np.array(
                [self._unit_numbers[u] for u in within if u in self._unit_numbers], np.int64
            )
        assert self._hometowns is not None
        found: Bools = np.isin(self._hometowns[rows], self._areas[area])
        return found

    def kin_units(self, context: Any, row: int) -> frozenset[str]:
        """The units of the posts the relatives of cadre ``row`` hold on the day."""
        if row not in self._kin_units:
            record = context.avoidance_record(self.ids[row])
            self._kin_units[row] = frozenset(
                str(t.post.get("unit_id"))
                for relative in record.relatives
                for t in relative.tenures
                if t.current(context.as_of) and t.post.get("unit_id")
            )
        return self._kin_units[row]

    def _avoidance_columns(self, context: Any) -> None:
        """Who has relatives and where each grew up, read once (from the records)."""
        if self._relatives is None:
            records = context.records
            self._relatives = np.array([bool(records[c].relatives) for c in self.ids], bool)
            numbers = {unit_id: n for n, unit_id in enumerate(context.units.units)}
            self._hometowns = np.array(
                [
                    numbers.get(str(records[c].cadre.get("hometown_unit_id") or ""), -1)
                    for c in self.ids
                ],
                dtype=np.int64,
            )
            self._unit_numbers = numbers

    def with_rows(
        self, context: Any, rows: Rows, part: CadreArrays, part_context: Any
    ) -> CadreArrays:
        """These arrays with cadres ``rows`` replaced by ``part``'s (the arrays of those
        cadres alone, in that order, built in ``part_context``); ``context``: the context
        these arrays will belong to."""
        if (
            part.specialty_index != self.specialty_index
            or part.similar.keys() != self.similar.keys()
        ):
            raise ValueError("the part's arrays are not of the same posts and specialties")
        put: dict[str, Any] = {
            name: put_rows(getattr(self, name), rows, getattr(part, name)) for name in PER_CADRE
        }
        kept = self.match.tocoo()
        keep = ~np.isin(kept.row, rows)
        added = part.match.tocoo()
        match = sparse.csr_matrix(
            (
                np.concatenate([kept.data[keep], added.data]),
                (np.concatenate([kept.row[keep], rows[added.row]]),
                 np.concatenate([kept.col[keep], added.col])),
            ),
            shape=self.match.shape,
        )  # fmt: skip
        replaced = set(rows.tolist())
        # What is read per post or unit is kept; what is read per cadre, for other rows.
        arrays = replace(
            self,
            **put,
            match=match,
            categories={
                c: put_rows(column, rows, part.categories[c])
                for c, column in self.categories.items()
            },
            similar={
                k: put_rows(column, rows, part.similar[k]) for k, column in self.similar.items()
            },
            _relatives=None,
            _hometowns=None,
            _kin_units={r: u for r, u in self._kin_units.items() if r not in replaced},
            _credited=None,
        )
        if self._relatives is not None and self._hometowns is not None:
            part._avoidance_columns(part_context)
            assert part._relatives is not None and part._hometowns is not None
            arrays._relatives = put_rows(self._relatives, rows, part._relatives)
            arrays._hometowns = put_rows(self._hometowns, rows, part._hometowns)
        return arrays

    @classmethod
    def build(cls, context: Any) -> CadreArrays:
        """The arrays of every cadre of ``context`` (a ``SelectionContext``): from its
        snapshot's tables when it has one (no record built), else from its records."""
        facts: CadreFacts = context.facts
        policy, units = context.policy, context.units
        histories = facts.histories
        ids = facts.ids
        n = len(ids)
        specialty_index = {sid: k for k, sid in enumerate(sorted(context.specialty_names))}
        post_kinds = {units.kind(p.get("unit_id")) for p in context.posts.values()}
        similar = {
            kind: months / 12 for kind, months in histories.months_in_kinds(post_kinds).items()
        }
        grassroots, _ = facts.memo(
            (
                "grassroots",
                tuple(policy.rules.grassroots_years.unit_kinds),
                True,
            ),
            lambda: histories.grassroots(kinds=policy.rules.grassroots_years.unit_kinds),
        )
        exp = policy.scoring.experience
        recent = months_between_columns(histories.course_start, context.as_of) < 12
        hours, _ = histories.course_sums(recent)
        relatives: Bools | None = None
        hometowns: NDArray[np.int64] | None = None
        numbers: dict[str, int] = {}
        if context.graph is not None and context.rows is not None:
            tasks, entries, categories, relatives, hometowns, numbers = _snapshot_parts(
                context, specialty_index
            )
        else:
            tasks, entries, categories = _record_parts(context, ids, specialty_index)
        cadres = facts.cadres
        birth_months = months_between_columns(cadres.birth, context.as_of)
        arrays = cls(
            ids=ids,
            levels=_LEVEL_VALUES[cadres.standing],
            grassroots=grassroots / 12,
            tasks=tasks,
            leadership=histories.leadership_months(exp.deputy_post_weight) / 12,
            leader=facts.leader,
            standing=cadres.standing,
            performance=_performance_of(
                n,
                (facts.grade_owner, facts.grade_year, facts.grade),
                (facts.star_owner, facts.stars),
            ),
            hours=hours,
            in_pool=facts.in_pool,
            flagged=under_review(facts),
            age=np.where(np.isnat(cadres.birth), 0.0, birth_months / 12),
            female=cadres.female,
            match=sparse.csr_matrix(
                (
                    entries[2],
                    (entries[0], entries[1]),
                ),
                shape=(n, max(len(specialty_index), 1)),
            ),
            specialty_index=specialty_index,
            categories=categories,
            similar=similar,
        )
        target = policy.scoring.development.training_hours_target
        arrays.development = 0.5 * arrays.credited() + 0.5 * np.minimum(hours / target, 1.0)
        if relatives is not None:
            arrays._relatives, arrays._hometowns, arrays._unit_numbers = (
                relatives,
                hometowns,
                numbers,
            )
        return arrays


def _record_parts(
    context: Any, ids: list[str], specialty_index: dict[str, int]
) -> tuple[Floats, Entries, dict[str, Bools]]:
    """Tasks, specialty credits and categories from the records (each record visited)."""
    n = len(ids)
    records = [context.records[c] for c in ids]
    categories: dict[str, Bools] = {
        category: np.zeros(n, dtype=bool) for category in set(context.category_of.values())
    }
    tasks = np.zeros(n)
    entries: list[tuple[int, int, float]] = []
    for row, record in enumerate(records):
        if record.projects:
            tasks[row] = sum(
                ROLE_WEIGHT.get(role, 0.4) * RESULT_WEIGHT.get(result, 0.6)
                for _, role, result in record.projects
            )
        if record.specialties or record.projects:
            for category in {context.category_of.get(sid) for sid in record.specialties}:
                if category is not None:
                    categories[category][row] = True
            domains = {str(p.get("domain_id")) for p, _, _ in record.projects if p.get("domain_id")}
            credit = {sid: 0.6 for sid in domains} | {sid: 1.0 for sid in record.specialties}
            entries += [
                (row, specialty_index[sid], value)
                for sid, value in credit.items()
                if sid in specialty_index
            ]
    found = np.array(entries, dtype=float).reshape(-1, 3)
    return (
        tasks,
        (found[:, 0].astype(np.int64), found[:, 1].astype(np.int64), found[:, 2]),
        categories,
    )


def _snapshot_parts(
    context: Any, specialty_index: dict[str, int]
) -> tuple[
    Floats,
    Entries,
    dict[str, Bools],
    Bools,
    NDArray[np.int64],
    dict[str, int],
]:
    """What :func:`_record_parts` reads, from the snapshot's tables, and for avoidance who
    has relatives and where each grew up."""
    from queries.selection.columns import codes

    graph, rows = context.graph, context.rows
    snap = graph.snapshot
    n = len(rows)
    projects = snap.edges("WORKED_ON")
    edge, owner = graph.group("WORKED_ON", "_src").rows(rows)
    project_row = np.asarray(projects.column("_dst").combine_chunks(), np.int64)[edge]
    found = project_row >= 0
    edge, owner, project_row = edge[found], _positions(rows, owner[found]), project_row[found]
    taken = projects.select(["role", "result"]).take(pa.array(edge, pa.int64()))
    weights = [
        ROLE_WEIGHT.get(str(role or "成员"), 0.4) * RESULT_WEIGHT.get(result, 0.6)
        for role, result in zip(
            pylist(taken.column("role")), pylist(taken.column("result")), strict=True
        )
    ]
    tasks = np.bincount(owner, weights=np.asarray(weights, float), minlength=n).astype(float)
    # Specialty credit as (cadre, specialty) keys: a held specialty 1.0, else a major
    # task's domain 0.6 (the record's ``credit`` dict, column-wise).
    width = max(len(specialty_index), 1)
    domain_code = np.array(
        [specialty_index.get(str(p["domain_id"]), -1) if p.get("domain_id") else -1
         for p in graph.projects] + [-1],
        dtype=np.int64,
    )  # fmt: skip
    task_specialty = domain_code[project_row]
    on_task = task_specialty >= 0
    task_keys = distinct_sorted(owner[on_task] * width + task_specialty[on_task])
    held = snap.edges("HAS_SPECIALTY")
    held_edge, held_owner = graph.group("HAS_SPECIALTY", "_src").rows(rows)
    held_owner = _positions(rows, held_owner)
    held_dst = held.column("dst").combine_chunks().take(pa.array(held_edge, pa.int64()))
    held_specialty = codes(held_dst, specialty_index, -1)
    known = held_specialty >= 0
    held_keys = distinct_sorted(held_owner[known] * width + held_specialty[known])
    task_keys = task_keys[~in_sorted(task_keys, held_keys)]
    keys = np.concatenate([held_keys, task_keys])
    values = np.concatenate([np.ones(len(held_keys)), np.full(len(task_keys), 0.6)])
    entries = (keys // width, keys % width, values)
    # Categories of the specialties held (any held, known to the index or not).
    names = sorted(set(context.category_of.values()))
    number = {name: n for n, name in enumerate(names)}
    category = codes(held_dst, {sid: number[c] for sid, c in context.category_of.items()}, -1)
    categories: dict[str, Bools] = {}
    for code, name in enumerate(names):
        column = np.zeros(n, dtype=bool)
        column[held_owner[category == code]] = True
        categories[name] = column
    relatives = snap.edges("RELATIVE_OF")
    related = np.zeros(snap.nodes("Cadre").num_rows + 1, dtype=bool)
    for side in ("_src", "_dst"):
        related[np.asarray(relatives.column(side).combine_chunks(), np.int64)] = True
    numbers = {unit_id: k for k, unit_id in enumerate(context.units.units)}
    hometowns = codes(snap.nodes("Cadre").column("hometown_unit_id"), numbers, -1)[rows]
    return tasks, entries, categories, related[rows], hometowns, numbers


def _children_of(units: UnitIndex) -> dict[str, list[str]]:
    children: dict[str, list[str]] = {}
    for unit_id, unit in units.units.items():
        children.setdefault(str(unit.get("parent_id") or ""), []).append(unit_id)
    return children


def _units_within(children: dict[str, list[str]], area: str) -> set[str]:
    """``area`` and every unit under it (where ``grew_up_in(unit, area)`` holds)."""
    found, frontier = {area}, [area]
    while frontier:
        below = [c for u in frontier for c in children.get(u, ()) if c not in found]
        found.update(below)
        frontier = below
    return found


def _performance_of(
    n: int,
    grades: tuple[NDArray[np.int64], NDArray[np.int64], list[str]],
    stars: tuple[NDArray[np.int64], NDArray[np.int64]],
) -> Floats:
    """The performance part from the annual grades ``(cadre, year, grade)``, one per cadre
    and year, and the stars ``(cadre, stars)``: the mean of the last three grades (0.7;
    0.5 without any), then the mean stars out of five (0.3; 0.6 without any)."""
    owner, years, grade_texts = grades
    values = np.array([GRADE_VALUE.get(g, 0.5) for g in grade_texts], dtype=float)
    counts = np.bincount(owner, minlength=n).astype(np.int64)
    order = np.lexsort((years, owner))
    owner, values = owner[order], values[order]
    # The last three years of each cadre, summed oldest first.
    from_end = (np.cumsum(counts) - 1)[owner] - np.arange(len(owner))
    last = from_end < 3
    summed = np.bincount(owner[last], weights=values[last], minlength=n)
    kept = np.minimum(counts, 3)
    grade_part = np.where(kept > 0, summed / np.maximum(kept, 1), 0.5)
    star_owner, star_values = stars
    star_counts = np.bincount(star_owner, minlength=n)
    star_sums = np.bincount(star_owner, weights=star_values.astype(float), minlength=n)
    star_part = np.where(star_counts > 0, star_sums / np.maximum(5 * star_counts, 1), 0.6)
    performance: Floats = 0.7 * grade_part + 0.3 * star_part
    return performance


@dataclass
class PostScores:
    """A post's score of each of ``rows``, with its parts and what the reasons read."""

    post_id: str
    rows: Rows
    total: Floats
    parts: dict[str, Floats]
    tier: NDArray[np.int64]  # 0, or 1 for the second tier (no leadership post)
    similar: Floats  # years in units of the post's kind
    young: Bools  # brings youth to a team with nobody young
    woman: Bools  # brings a woman to a team with none
    brings: dict[str, Bools]  # each missing category: who brings it

    def index_of(self, row: int) -> int | None:
        """Where ``row`` is in ``rows`` (sorted), ``None`` when it is not there."""
        found = int(np.searchsorted(self.rows, row))
        return found if found < len(self.rows) and self.rows[found] == row else None

    def brought(self, i: int) -> list[str]:
        """The missing categories the cadre at ``i`` brings, in name order."""
        return [category for category, has in self.brings.items() if has[i]]

    def order_key(self) -> Floats:
        """Sorts best first when descending: the tier, then the score (rounded, so that
        equal scores tie exactly and fall back to id order)."""
        key: Floats = np.round(self.total, 9) - 10.0 * self.tier
        return key


def score_posts(
    context: Any, arrays: CadreArrays, post_ids: Sequence[str], rows: Rows
) -> dict[str, PostScores]:
    """The scores of cadre ``rows`` (rows of ``arrays``, sorted) for each of ``post_ids`` at
    once, as matrices (a row a cadre, a column a post). The parts that depend on a post only
    through its unit kind, its kind (leadership or not) or its team's gaps are computed once
    for each distinct value and gathered; one post alone goes the same way, to the last bit.
    """
    policy = context.policy
    k, m = len(post_ids), len(rows)
    posts = [context.posts[p] for p in post_ids]
    targets = [Target.of_post(post, policy=policy, as_of=context.as_of) for post in posts]
    weights = policy.scoring.weights.model_dump()
    total_weight = sum(weights.values()) or 1.0
    exp = policy.scoring.experience
    # specialty: the posts' requirements as columns (a post naming none: neutral, 0.5)
    wanted = np.zeros((arrays.match.shape[1], k))
    totals = np.ones(k)
    neutral = np.zeros(k, dtype=bool)
    for j, post_id in enumerate(post_ids):
        requirements = context.requirements.get(post_id, {})
        if not requirements:
            neutral[j] = True
            continue
        for sid, weight in requirements.items():
            if sid in arrays.specialty_index:
                wanted[arrays.specialty_index[sid], j] = weight
        totals[j] = sum(requirements.values())
    specialty = np.asarray(arrays.match[rows] @ wanted) / totals
    specialty[:, neutral] = 0.5
    # experience: grassroots, tasks, years in units of the post's kind (and leadership)
    grassroots = np.minimum(arrays.grassroots[rows] / exp.grassroots_years_full, 1.0)
    tasks = np.minimum(arrays.tasks[rows] / exp.major_tasks_full, 1.0)
    leadership = np.minimum(arrays.leadership[rows] / exp.leadership_years_full, 1.0)
    zeros = np.zeros(m)
    kinds = [(context.units.kind(post.get("unit_id")), t.leadership) for post, t in
             zip(posts, targets, strict=True)]  # fmt: skip
    distinct = sorted(set(kinds), key=lambda pair: (str(pair[0]), pair[1]))
    similar_of: dict[Any, Floats] = {}
    experience_of = []
    for kind, leads in distinct:
        similar = arrays.similar[kind][rows] if kind in arrays.similar else zeros
        similar_of[kind] = similar
        three = grassroots + tasks + np.minimum(similar / exp.similar_unit_years_full, 1.0)
        experience_of.append((three + leadership) / 4 if leads else three / 3)
    experience_index = np.array([distinct.index(pair) for pair in kinds], dtype=np.intp)
    experiences = np.column_stack(experience_of).reshape(m, len(distinct))
    # team fit: what each post's team lacks that the cadre brings
    young_age = policy.scoring.team.young_age
    teams = [context.team(post_id) for post_id in post_ids]
    young_rows = arrays.age[rows] < young_age
    female = arrays.female[rows]
    no_woman = [not t.has_woman for t in teams]
    no_young = [t.youngest_age is None or t.youngest_age >= young_age for t in teams]
    missing = [tuple(sorted(t.wanted_categories - t.categories)) for t in teams]
    has = {
        c: arrays.categories[c][rows]
        for c in sorted({c for lacking in missing for c in lacking})
        if c in arrays.categories
    }
    gaps = list(zip(no_young, no_woman, missing, strict=True))
    distinct_gaps = sorted(set(gaps))
    fits = []
    for young_wanted, woman_wanted, lacking in distinct_gaps:
        brought = np.zeros(m, dtype=bool)
        for category in lacking:
            if category in has:
                brought |= has[category]
        young = young_rows if young_wanted else np.zeros(m, dtype=bool)
        woman = female if woman_wanted else np.zeros(m, dtype=bool)
        fits.append(0.4 * young + 0.3 * woman + 0.3 * brought)
    fit_index = np.array([distinct_gaps.index(gap) for gap in gaps], dtype=np.intp)
    team_fit = np.column_stack(fits).reshape(m, len(distinct_gaps))
    performance = arrays.performance[rows]
    development = arrays.development[rows]
    base = weights["performance"] * performance + weights["development"] * development
    total = (
        weights["specialty"] * specialty
        + (weights["experience"] * experiences)[:, experience_index]
        + base[:, None]
        + (weights["team_fit"] * team_fit)[:, fit_index]
    ) / total_weight
    leader = arrays.leader[rows]
    found: dict[str, PostScores] = {}
    for j, (post_id, target) in enumerate(zip(post_ids, targets, strict=True)):
        second = target.track and policy.scoring.leaders_first
        young_wanted, woman_wanted, lacking = gaps[j]
        found[post_id] = PostScores(
            post_id,
            rows,
            total[:, j],
            {
                "specialty": specialty[:, j],
                "experience": experiences[:, experience_index[j]],
                "performance": performance,
                "development": development,
                "team_fit": team_fit[:, fit_index[j]],
            },
            (~leader & second).astype(np.int64),
            similar_of[kinds[j][0]],
            young_rows & young_wanted,
            female & woman_wanted,
            {c: has[c] for c in lacking if c in has},
        )
    return found


def score_post(context: Any, arrays: CadreArrays, post_id: str, rows: Rows) -> PostScores:
    """The post's scores of cadre ``rows`` (:func:`score_posts` of one post)."""
    return score_posts(context, arrays, [post_id], rows)[post_id]


def score_reasons(context: Any, arrays: CadreArrays, scores: PostScores, i: int) -> list[str]:
    """Why cadre ``scores.rows[i]`` scores as it does, part by part (reads the record)."""
    row = int(scores.rows[i])
    post = context.posts[scores.post_id]
    record = context.records[arrays.ids[row]]
    policy = context.policy
    reasons: list[str] = []
    # specialty
    # The row's stored entries straight from the CSR arrays: scipy's row slicing costs
    # ~0.1 ms a call, a tenth of an explanation.
    match = arrays.match
    start, end = int(match.indptr[row]), int(match.indptr[row + 1])
    held = dict(zip(match.indices[start:end].tolist(), match.data[start:end].tolist(), strict=True))
    for sid in context.requirements.get(scores.post_id, {}):
        name = context.specialty_names.get(sid, sid)
        value = held.get(arrays.specialty_index.get(sid, -1))
        if value == 1.0:
            reasons.append(f"具备岗位所需专业：{name}")
        elif value is not None:
            reasons.append(f"参与过{name}领域重大任务")
    # experience
    grassroots = float(arrays.grassroots[row])
    if grassroots >= 2:
        reasons.append(f"基层工作{grassroots:.1f}年")
    leads = [p.get("name") for p, role, _ in record.projects if role == "负责人"]
    if leads:
        reasons.append(f"牵头重大任务：{'、'.join(str(n) for n in leads[:2])}")
    elif record.projects:
        reasons.append(f"参与重大任务{len(record.projects)}项")
    kind = context.units.kind(post.get("unit_id"))
    similar = float(scores.similar[i])
    if similar >= 1 and kind:
        reasons.append(f"在{kind}任职{similar:.1f}年")
    leadership = float(arrays.leadership[row])
    if post.get("leadership") and leadership > 0:
        reasons.append(
            f"领导职务经历{leadership:.1f}年（副职按{policy.scoring.experience.deputy_post_weight:g}折算）"
        )
    # performance
    years = sorted(record.annual_grades)[-3:]
    excellent = [y for y in years if record.annual_grades[y] == "优秀"]
    if excellent:
        reasons.append(f"{'、'.join(map(str, excellent))}年度考核优秀")
    # development
    if arrays.credited()[row]:
        reasons.append("在优秀年轻干部库中")
    # team fit
    young_age = policy.scoring.team.young_age
    if scores.young[i]:
        reasons.append(f"班子无{young_age:g}岁以下成员，该同志{int(arrays.age[row])}岁")  # 周岁
    if scores.woman[i]:
        reasons.append("班子无女性成员")
    if brought := scores.brought(i):
        reasons.append(f"补充班子{'、'.join(brought)}专业短板")
    return reasons
