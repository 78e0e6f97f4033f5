"""Ranking many posts at once with numpy: the same score, computed as arrays.

:func:`queries.selection.ranking.score_candidate` scores one cadre for one post;
at province scale (300,000 cadres, thousands of posts) that is too slow in
Python. Here the post-independent parts of the score are arrays over every
cadre, computed once; a post adds its specialty match (a sparse product), its
unit kind's experience column and its team's gaps, and keeps its best ``top_k``
eligible, conflict-free cadres. Eligibility is checked once per (cadre, level).
The scores equal ``score_candidate``'s (tests compare them).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray
from scipy import sparse

from graphsvc.snapshot import pylist
from graphsvc.vocab import GRADE_VALUE, Level
from queries.selection.avoidance import appointment_conflicts
from queries.selection.candidates import SelectionContext, post_team
from queries.selection.columns import (
    CadreColumns,
    Histories,
    RowRecords,
    codes,
    months_between_columns,
)
from queries.selection.heads import governed_area, head_kind
from queries.selection.ranking import (
    _RESULT_WEIGHT,
    _ROLE_WEIGHT,
    candidate_levels,
)
from queries.selection.records import CadreRecord, UnitIndex
from queries.selection.records import positions_in as _positions

__all__ = ["CadreArrays", "rank_posts"]

_LEVEL_VALUES = np.array([level.value for level in Level])  # by LEVEL_ORDER

Floats = NDArray[np.float64]


@dataclass
class CadreArrays:
    """Post-independent figures of every cadre, one row each (order: ``ids``)."""

    ids: list[str]
    levels: NDArray[np.str_]
    grassroots: Floats
    tasks: Floats
    performance: Floats
    development: Floats
    age: Floats
    female: NDArray[np.bool_]
    match: sparse.csr_matrix  # cadre × specialty: 1 own, 0.6 project domain
    specialty_index: dict[str, int]
    categories: dict[str, NDArray[np.bool_]]
    similar: dict[str | None, Floats]  # unit kind → years served in such units
    index: dict[str, int] = field(default_factory=dict)  # cadre id → row
    _facts_rows: NDArray[np.intp] | None = field(default=None, repr=False)
    # For avoidance: who has relatives, where each grew up (unit number), each area's units.
    _relatives: NDArray[np.bool_] | None = field(default=None, repr=False)
    _hometowns: NDArray[np.int64] | None = field(default=None, repr=False)
    _unit_numbers: dict[str, int] = field(default_factory=dict, repr=False)
    _areas: dict[str, NDArray[np.int64]] = field(default_factory=dict, repr=False)
    _children: dict[str, list[str]] | None = field(default=None, repr=False)
    _id_array: NDArray[np.str_] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if not self.index:
            self.index = {cadre_id: n for n, cadre_id in enumerate(self.ids)}

    @property
    def id_array(self) -> NDArray[np.str_]:
        """``ids`` as a numpy array (sorted), for finding many rows at once."""
        if self._id_array is None:
            self._id_array = np.array(self.ids, dtype=str)
        return self._id_array

    def facts_rows(self, context: SelectionContext) -> NDArray[np.intp]:
        """Each row's row in ``context.facts`` (the same when the arrays hold everyone)."""
        if self._facts_rows is None:
            facts = context.facts
            if len(self.ids) == len(facts.ids):  # both sorted ids of every cadre
                self._facts_rows = np.arange(len(self.ids), dtype=np.intp)
            else:
                self._facts_rows = np.array([facts.index[c] for c in self.ids], dtype=np.intp)
        return self._facts_rows

    def may_conflict(
        self, context: SelectionContext, rows: NDArray[np.intp], *, area: str | None
    ) -> NDArray[np.bool_]:
        """Which of ``rows`` avoidance must look at for a post: with relatives, or (a head
        post governing ``area``; ``None`` for any other post) grown up in that area."""
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
        risky = self._relatives[rows]
        if area is not None:
            if area not in self._areas:
                if self._children is None:
                    self._children = _children_of(context.units)
                within = _units_within(self._children, area)
                self._areas[area] = np.array(
                    [self._unit_numbers[u] for u in within if u in self._unit_numbers], np.int64
                )
            assert self._hometowns is not None
            risky = risky | np.isin(self._hometowns[rows], self._areas[area])
        return risky

    @classmethod
    def build(
        cls, context: SelectionContext, cadre_ids: Collection[str] | None = None
    ) -> CadreArrays:
        """The arrays of every cadre of the context, or of ``cadre_ids`` only.

        Sums over posts, secondments and courses come from the history tables
        (:mod:`queries.selection.columns`, the context's own when every cadre is built);
        only the few cadres with projects, specialties, grades or stars are visited one
        by one.
        """
        policy, as_of, units = context.policy, context.as_of, context.units
        if cadre_ids is None and context.graph is not None and context.rows is not None:
            return cls._from_snapshot(context)
        if cadre_ids is None:
            ids = context.facts.ids
            records = [context.records[i] for i in ids]
            histories, cadres = context.columns
        else:
            ids = sorted(cadre_ids)
            records = [context.records[i] for i in ids]
            histories = Histories.build(records, units, as_of=as_of)
            cadres = CadreColumns.build([record.cadre for record in records])
        n = len(ids)
        specialty_index = {sid: k for k, sid in enumerate(sorted(context.specialty_names))}
        post_kinds = {units.kind(p.get("unit_id")) for p in context.posts.values()}
        similar = {
            kind: months / 12 for kind, months in histories.months_in_kinds(post_kinds).items()
        }
        categories: dict[str, NDArray[np.bool_]] = {
            category: np.zeros(n, dtype=bool) for category in set(context.category_of.values())
        }
        kinds = policy.rules.grassroots_years.unit_kinds
        grassroots = histories.grassroots(records, units, kinds=kinds) / 12
        tasks = np.zeros(n)
        rows, cols, values = [], [], []
        for row, record in enumerate(records):
            # Only cadres with something beyond their posts and courses take a turn here.
            if record.projects:
                tasks[row] = sum(
                    _ROLE_WEIGHT.get(role, 0.4) * _RESULT_WEIGHT.get(result, 0.6)
                    for _, role, result in record.projects
                )
            if record.specialties or record.projects:
                for category in {context.category_of.get(sid) for sid in record.specialties}:
                    if category is not None:
                        categories[category][row] = True
                domains = {
                    str(p.get("domain_id")) for p, _, _ in record.projects if p.get("domain_id")
                }
                credit = {sid: 0.6 for sid in domains} | {sid: 1.0 for sid in record.specialties}
                for sid, value in credit.items():
                    if sid in specialty_index:
                        rows.append(row)
                        cols.append(specialty_index[sid])
                        values.append(value)
        recent = months_between_columns(histories.course_start, as_of) < 12
        hours, _ = histories.course_sums(recent)
        target = policy.scoring.development.training_hours_target
        in_pool = np.array([record.in_pool for record in records], dtype=float)
        birth_months = months_between_columns(cadres.birth, as_of)
        return cls(
            ids=ids,
            levels=_LEVEL_VALUES[cadres.standing],
            grassroots=grassroots,
            tasks=tasks,
            performance=_performance(records),
            development=0.5 * in_pool + 0.5 * np.minimum(hours / target, 1.0),
            age=np.where(np.isnat(cadres.birth), 0.0, birth_months / 12),
            female=np.array([record.cadre.get("gender") == "女" for record in records], bool),
            match=sparse.csr_matrix(
                (values, (rows, cols)), shape=(n, max(len(specialty_index), 1))
            ),
            specialty_index=specialty_index,
            categories=categories,
            similar=similar,
        )

    @classmethod
    def _from_snapshot(cls, context: SelectionContext) -> CadreArrays:
        """:meth:`build` of every cadre, from the snapshot's tables: no record is built."""
        assert context.graph is not None and context.rows is not None
        graph, rows = context.graph, context.rows
        snap = graph.snapshot
        policy, as_of, units = context.policy, context.as_of, context.units
        ids = context.facts.ids
        histories, cadres = context.columns
        n = len(ids)
        specialty_index = {sid: k for k, sid in enumerate(sorted(context.specialty_names))}
        post_kinds = {units.kind(p.get("unit_id")) for p in context.posts.values()}
        similar = {
            kind: months / 12 for kind, months in histories.months_in_kinds(post_kinds).items()
        }
        kinds = policy.rules.grassroots_years.unit_kinds
        grassroots = histories.grassroots(RowRecords(context.records, ids), units, kinds=kinds) / 12
        # Projects: the role and result weights, summed in reading order; their domains.
        projects = snap.edges("WORKED_ON")
        edge, owner = graph.group("WORKED_ON", "_src").rows(rows)
        project_row = np.asarray(projects.column("_dst").combine_chunks(), np.int64)[edge]
        found = project_row >= 0
        edge, owner, project_row = edge[found], _positions(rows, owner[found]), project_row[found]
        taken = projects.select(["role", "result"]).take(pa.array(edge, pa.int64()))
        weights = [
            _ROLE_WEIGHT.get(str(role or "成员"), 0.4) * _RESULT_WEIGHT.get(result, 0.6)
            for role, result in zip(
                pylist(taken.column("role")), pylist(taken.column("result")), strict=True
            )
        ]
        tasks = np.bincount(owner, weights=np.asarray(weights, float), minlength=n).astype(float)
        domain_of = [str(p["domain_id"]) if p.get("domain_id") else None for p in graph.projects]
        # Specialties held, and the credit of each (cadre, specialty): 1 own, 0.6 a domain.
        held = snap.edges("HAS_SPECIALTY")
        held_edge, held_owner = graph.group("HAS_SPECIALTY", "_src").rows(rows)
        held_owner = _positions(rows, held_owner)
        held_ids = pylist(held.column("dst").combine_chunks().take(pa.array(held_edge, pa.int64())))
        credit: dict[tuple[int, str], float] = {}
        for who, project in zip(owner.tolist(), project_row.tolist(), strict=True):
            domain = domain_of[project]
            if domain is not None:
                credit.setdefault((who, domain), 0.6)
        categories: dict[str, NDArray[np.bool_]] = {
            category: np.zeros(n, dtype=bool) for category in set(context.category_of.values())
        }
        for who, sid in zip(held_owner.tolist(), held_ids, strict=True):
            credit[(who, sid)] = 1.0
            category = context.category_of.get(sid)
            if category is not None:
                categories[category][who] = True
        entries = [(who, specialty_index[sid], v) for (who, sid), v in credit.items()
                   if sid in specialty_index]  # fmt: skip
        grades, stars = graph.assessments_of(rows)
        pools = snap.edges("IN_POOL")
        pool_edge, pool_owner = graph.group("IN_POOL", "_src").rows(rows)
        open_pool = np.asarray(pools.column("end").combine_chunks().is_null(), bool)[pool_edge]
        in_pool = np.zeros(n, dtype=float)
        in_pool[_positions(rows, pool_owner[open_pool])] = 1.0
        recent = months_between_columns(histories.course_start, as_of) < 12
        hours, _ = histories.course_sums(recent)
        target = policy.scoring.development.training_hours_target
        birth_months = months_between_columns(cadres.birth, as_of)
        gender = codes(snap.nodes("Cadre").column("gender"), {"女": 1}, 0)[rows]
        arrays = cls(
            ids=ids,
            levels=_LEVEL_VALUES[cadres.standing],
            grassroots=grassroots,
            tasks=tasks,
            performance=_performance_of(n, grades, stars),
            development=0.5 * in_pool + 0.5 * np.minimum(hours / target, 1.0),
            age=np.where(np.isnat(cadres.birth), 0.0, birth_months / 12),
            female=gender == 1,
            match=sparse.csr_matrix(
                (
                    [v for _, _, v in entries],
                    ([w for w, _, _ in entries], [k for _, k, _ in entries]),
                ),
                shape=(n, max(len(specialty_index), 1)),
            ),
            specialty_index=specialty_index,
            categories=categories,
            similar=similar,
        )
        # For avoidance: who has relatives (either side of an edge) and where each grew up.
        relatives = snap.edges("RELATIVE_OF")
        related = np.zeros(snap.nodes("Cadre").num_rows + 1, dtype=bool)
        for side in ("_src", "_dst"):
            related[np.asarray(relatives.column(side).combine_chunks(), np.int64)] = True
        numbers = {unit_id: k for k, unit_id in enumerate(units.units)}
        arrays._relatives = related[rows]
        arrays._hometowns = codes(snap.nodes("Cadre").column("hometown_unit_id"), numbers, -1)[rows]
        arrays._unit_numbers = numbers
        return arrays


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


def _performance(records: Sequence[CadreRecord]) -> Floats:
    """The performance part of :func:`~queries.selection.ranking.performance_part` of every
    record: the mean of the last three annual grades (0.7), then the stars (0.3)."""
    n = len(records)
    grades = [record.annual_grades for record in records]
    counts = np.fromiter(map(len, grades), dtype=np.int64, count=n)
    owner = np.repeat(np.arange(n), counts)
    years = np.fromiter(chain.from_iterable(grades), dtype=np.int64, count=int(counts.sum()))
    values = list(chain.from_iterable(map(dict.values, grades)))
    stars = [record.stars for record in records]
    star_counts = np.fromiter(map(len, stars), dtype=np.int64, count=n)
    star_values = np.fromiter(chain.from_iterable(stars), np.int64, int(star_counts.sum()))
    return _performance_of(
        n, (owner, years, values), (np.repeat(np.arange(n), star_counts), star_values)
    )


def _performance_of(
    n: int,
    grades: tuple[NDArray[np.int64], NDArray[np.int64], list[str]],
    stars: tuple[NDArray[np.int64], NDArray[np.int64]],
) -> Floats:
    """The performance part from the annual grades ``(cadre, year, grade)``, one per cadre
    and year, and the stars ``(cadre, stars)``."""
    owner, years, grade_texts = grades
    values = np.array([GRADE_VALUE.get(g, 0.5) for g in grade_texts], dtype=float)
    counts = np.bincount(owner, minlength=n).astype(np.int64)
    order = np.lexsort((years, owner))
    owner, values = owner[order], values[order]
    # The last three years of each cadre, summed oldest first (as Python's sum adds them).
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


def _in_score_order(
    rows: NDArray[np.intp], score: Floats, first: int
) -> Iterator[NDArray[np.intp]]:
    """Positions into ``rows``, best score first, ties by row (id order), in chunks (the
    best ``first``, then four times as many, ...) so a post rarely sorts all its pool."""
    # Round away float noise so that equal scores tie exactly and fall back to id order.
    rounded = np.round(score, 9)
    remaining = np.arange(len(rows))
    chunk = max(first, 1)
    while remaining.size:
        if remaining.size > chunk:
            # Everything at or above the chunk-th best score, ties included.
            threshold = -np.partition(-rounded[remaining], chunk - 1)[chunk - 1]
            take = remaining[rounded[remaining] >= threshold]
            remaining = remaining[rounded[remaining] < threshold]
        else:
            take, remaining = remaining, remaining[:0]
        yield take[np.lexsort((rows[take], -rounded[take]))]
        chunk *= 4


def rank_posts(
    context: SelectionContext,
    post_ids: Sequence[str],
    *,
    top_k: int = 200,
    arrays: CadreArrays | None = None,
    by_scope: bool = True,
    exclude: Collection[str] = (),
) -> dict[str, list[tuple[str, float]]]:
    """The best ``top_k`` eligible, conflict-free cadres of each post, with their scores.

    Parameters
    ----------
    context : SelectionContext
        The graph, policy and day.
    post_ids : sequence of str
        The posts to rank.
    top_k : int
        Candidates kept per post.
    arrays : CadreArrays, optional
        The post-independent figures, when already built (a round shares them).
    by_scope : bool
        Only cadres of each post's scope (``policy.scope``) are candidates; ``False``:
        every cadre of the whole area.
    exclude : collection of str
        Cadres who are no candidates (appointed already by a higher scope's round).

    Returns
    -------
    dict
        Post id → ``[(cadre_id, score), ...]``, best first, ties in id order.

    Notes
    -----
    Scores are computed for the post's pool only: its scope's cadres at the right
    level whom the eligibility masks (``context.facts``, the hard rules as array
    operations) let through. The best are then taken in score order, avoidance checked
    only for those who may conflict, until ``top_k`` are found, so a post's cost
    follows its scope, not the whole area.
    """
    if arrays is None:
        # Only the cadres of the posts' scopes are ever scored: a district's posts need
        # the district's arrays, not the province's.
        needed: set[str] = set()
        everyone = not by_scope
        for post_id in post_ids if by_scope else ():
            members = context.scopes.members(context.scopes.of_post(context.posts[post_id]))
            everyone = everyone or members is None
            needed.update(members or ())
        arrays = CadreArrays.build(context, None if everyone else needed)
    policy = context.policy
    weights = policy.scoring.weights.model_dump()
    total_weight = sum(weights.values()) or 1.0
    exp = policy.scoring.experience
    base_experience = np.minimum(arrays.grassroots / exp.grassroots_years_full, 1.0) + np.minimum(
        arrays.tasks / exp.major_tasks_full, 1.0
    )
    base = weights["performance"] * arrays.performance + weights["development"] * arrays.development
    young_age = policy.scoring.team.young_age
    excluded = [arrays.index[c] for c in exclude if c in arrays.index]
    pools: dict[tuple[str | None, str], tuple[NDArray[np.intp], sparse.csr_matrix]] = {}
    # The teams' records, built in one pass (not a district at a time as they are read).
    context.prefetch(
        {
            cadre_id
            for post_id in post_ids
            for p in context.posts_in_unit(str(context.posts[post_id].get("unit_id") or ""))
            if p.get("team_member")
            for cadre_id in context.holders.get(p["id"], ())
        }
    )
    ranked: dict[str, list[tuple[str, float]]] = {}
    for post_id in post_ids:
        post = context.posts[post_id]
        # Candidate levels and eligibility both follow from the post's level alone.
        level = str(post.get("level"))
        scope = context.scopes.of_post(post) if by_scope else None
        if (scope, level) not in pools:
            pool = _pool(context, arrays, scope, post, excluded)
            # The pool's rows of the specialty matrix, sliced once for all its posts.
            pools[(scope, level)] = (pool, arrays.match[pool])
        rows, match = pools[(scope, level)]
        holders = [arrays.index[h] for h in context.holders.get(post_id, ()) if h in arrays.index]
        present = ~np.isin(rows, holders) if holders else None
        if present is not None:
            rows = rows[present]
        requirements = context.requirements.get(post_id, {})
        if requirements:
            vector = np.zeros(arrays.match.shape[1])
            for sid, weight in requirements.items():
                if sid in arrays.specialty_index:
                    vector[arrays.specialty_index[sid]] = weight
            matched = match @ vector
            if present is not None:
                matched = matched[present]
            specialty = matched / sum(requirements.values())
        else:
            specialty = np.full(len(rows), 0.5)
        kind = context.units.kind(post.get("unit_id"))
        similar = arrays.similar[kind][rows] if kind in arrays.similar else np.zeros(len(rows))
        experience = (
            base_experience[rows] + np.minimum(similar / exp.similar_unit_years_full, 1.0)
        ) / 3
        team = post_team(context, post_id)
        fit = np.zeros(len(rows))
        if team.youngest_age is None or team.youngest_age >= young_age:
            fit += 0.4 * (arrays.age[rows] < young_age)
        if not team.has_woman:
            fit += 0.3 * arrays.female[rows]
        missing = team.wanted_categories - team.categories
        if missing:
            brings = np.zeros(len(rows), dtype=bool)
            for category in missing:
                if category in arrays.categories:
                    brings |= arrays.categories[category][rows]
            fit += 0.3 * brings
        score = (
            base[rows]
            + weights["specialty"] * specialty
            + weights["experience"] * experience
            + weights["team_fit"] * fit
        ) / total_weight
        # Regional avoidance binds head posts only: elsewhere only relatives can conflict.
        # Regional avoidance binds head posts only, in the area they govern (grew_up_in);
        # elsewhere only relatives can conflict.
        regional = (
            policy.avoidance.enabled
            and policy.avoidance.regional
            and head_kind(post, context.units, policy.avoidance) is not None
        )
        area = governed_area(post.get("unit_id"), context.units, policy.avoidance)
        keep: list[tuple[str, float]] = []
        # The pool holds eligible cadres only: who may still conflict is checked in score
        # order, the rest are kept as they come.
        for positions in _in_score_order(rows, score, top_k + 50):
            chosen = rows[positions]
            scores = score[positions]
            risky = arrays.may_conflict(context, chosen, area=area if regional else None)
            conflicting = np.flatnonzero(risky)
            if conflicting.size:
                dropped = [
                    n
                    for n in conflicting.tolist()
                    if appointment_conflicts(
                        context.avoidance_record(arrays.ids[chosen[n]]),
                        post,
                        context.units,
                        policy=policy,
                        as_of=context.as_of,
                    )
                ]
                if dropped:
                    kept = np.ones(len(chosen), dtype=bool)
                    kept[dropped] = False
                    chosen, scores = chosen[kept], scores[kept]
            wanted = top_k - len(keep)
            keep += zip(
                [arrays.ids[r] for r in chosen[:wanted].tolist()],
                scores[:wanted].tolist(),
                strict=True,
            )
            if len(keep) >= top_k:
                break
        ranked[post_id] = keep
    return ranked


def _pool(
    context: SelectionContext,
    arrays: CadreArrays,
    scope: str | None,
    post: dict[str, Any],
    excluded: list[int],
) -> NDArray[np.intp]:
    """Rows of the eligible cadres a post of this scope and level may take, in id order."""
    members = context.scopes.members(scope)
    if members is None:
        rows = np.arange(len(arrays.ids))
    else:
        # Both id lists are sorted: find the members' rows by binary search.
        ids = arrays.id_array
        wanted = np.array(members, dtype=str)
        found = np.minimum(np.searchsorted(ids, wanted), max(len(ids) - 1, 0))
        hit = ids[found] == wanted if len(ids) else np.zeros(len(wanted), dtype=bool)
        rows = np.unique(found[hit]).astype(np.intp)
    rows = rows[np.isin(arrays.levels[rows], list(candidate_levels(post)))]
    eligible = context.facts.eligible(post.get("level"))
    rows = rows[eligible[arrays.facts_rows(context)[rows]]]
    if excluded:
        rows = rows[~np.isin(rows, excluded)]
    return rows
