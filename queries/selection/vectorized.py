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

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from graphsvc.dates import months_between
from graphsvc.vocab import GRADE_VALUE
from queries.selection.avoidance import appointment_conflicts
from queries.selection.candidates import SelectionContext, post_team
from queries.selection.eligibility import grassroots_months
from queries.selection.ranking import (
    _RESULT_WEIGHT,
    _ROLE_WEIGHT,
    candidate_levels,
    equivalent,
)

__all__ = ["CadreArrays", "rank_posts"]

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

    @classmethod
    def build(cls, context: SelectionContext) -> CadreArrays:
        policy, as_of, units = context.policy, context.as_of, context.units
        ids = sorted(context.records)
        records = [context.records[i] for i in ids]
        kinds = policy.rules.grassroots_years.unit_kinds
        specialty_index = {sid: n for n, sid in enumerate(sorted(context.specialty_names))}
        rows, cols, values = [], [], []
        categories: dict[str, NDArray[np.bool_]] = {}
        similar: dict[str | None, Floats] = {}
        grassroots, tasks, perf, dev, age, female = ([] for _ in range(6))
        for n, record in enumerate(records):
            memo = context.memo.setdefault(record.id, {})
            if "grassroots" not in memo:
                memo["grassroots"] = grassroots_months(record, units, kinds=kinds, as_of=as_of) / 12
            grassroots.append(memo["grassroots"])
            tasks.append(
                sum(
                    _ROLE_WEIGHT.get(role, 0.4) * _RESULT_WEIGHT.get(result, 0.6)
                    for _, role, result in record.projects
                )
            )
            years = sorted(record.annual_grades)[-3:]
            grades = [GRADE_VALUE.get(record.annual_grades[y], 0.5) for y in years]
            grade_part = sum(grades) / len(grades) if grades else 0.5
            star_part = sum(record.stars) / (5 * len(record.stars)) if record.stars else 0.6
            perf.append(0.7 * grade_part + 0.3 * star_part)
            hours = sum(c.hours for c in record.courses if months_between(c.start, as_of) < 12)
            target = policy.scoring.development.training_hours_target
            dev.append(0.5 * float(record.in_pool) + 0.5 * min(hours / target, 1.0))
            birth = record.cadre.get("birth")
            age.append(months_between(birth, as_of) / 12 if birth else 0.0)
            female.append(record.cadre.get("gender") == "女")
            domains = {str(p.get("domain_id")) for p, _, _ in record.projects if p.get("domain_id")}
            credit = {sid: 0.6 for sid in domains} | {sid: 1.0 for sid in record.specialties}
            for sid, value in credit.items():
                if sid in specialty_index:
                    rows.append(n)
                    cols.append(specialty_index[sid])
                    values.append(value)
        for kind in {units.kind(p.get("unit_id")) for p in context.posts.values()}:
            similar[kind] = np.array(
                [
                    sum(
                        months_between(t.start, min(t.end or as_of, as_of))
                        for t in r.tenures
                        if units.kind(t.post.get("unit_id")) == kind and t.start < as_of
                    )
                    / 12
                    for r in records
                ]
            )
        for category in set(context.category_of.values()):
            members = {sid for sid, c in context.category_of.items() if c == category}
            categories[category] = np.array([bool(r.specialties & members) for r in records])
        return cls(
            ids=ids,
            levels=np.array([equivalent(r) for r in records]),
            grassroots=np.array(grassroots, dtype=float),
            tasks=np.array(tasks, dtype=float),
            performance=np.array(perf, dtype=float),
            development=np.array(dev, dtype=float),
            age=np.array(age, dtype=float),
            female=np.array(female, dtype=bool),
            match=sparse.csr_matrix(
                (values, (rows, cols)), shape=(len(ids), max(len(specialty_index), 1))
            ),
            specialty_index=specialty_index,
            categories=categories,
            similar=similar,
        )


def _eligible(
    context: SelectionContext, arrays: CadreArrays, post: dict[str, Any]
) -> NDArray[np.bool_]:
    """Eligibility for the post's level, computed once per (cadre, level) through the context."""
    levels = candidate_levels(post)
    mask = np.isin(arrays.levels, list(levels))
    for n in np.flatnonzero(mask):
        if not context.verdict(arrays.ids[n], post).eligible:
            mask[n] = False
    return mask


def rank_posts(
    context: SelectionContext,
    post_ids: Sequence[str],
    *,
    top_k: int = 200,
    arrays: CadreArrays | None = None,
) -> dict[str, list[tuple[str, float]]]:
    """The best ``top_k`` eligible, conflict-free cadres of each post, with their scores."""
    arrays = arrays or CadreArrays.build(context)
    policy = context.policy
    weights = policy.scoring.weights.model_dump()
    total_weight = sum(weights.values()) or 1.0
    exp = policy.scoring.experience
    base_experience = np.minimum(arrays.grassroots / exp.grassroots_years_full, 1.0) + np.minimum(
        arrays.tasks / exp.major_tasks_full, 1.0
    )
    base = weights["performance"] * arrays.performance + weights["development"] * arrays.development
    eligible_by_level: dict[str, NDArray[np.bool_]] = {}
    index = {cadre_id: n for n, cadre_id in enumerate(arrays.ids)}
    posts_by_unit: dict[str, list[dict[str, Any]]] = {}
    for candidate_post in context.posts.values():
        posts_by_unit.setdefault(str(candidate_post.get("unit_id") or ""), []).append(
            candidate_post
        )
    ranked: dict[str, list[tuple[str, float]]] = {}
    for post_id in post_ids:
        post = context.posts[post_id]
        level = str(post.get("level"))
        if level not in eligible_by_level:
            eligible_by_level[level] = _eligible(context, arrays, post)
        mask = eligible_by_level[level].copy()
        for holder in context.holders.get(post_id, set()):
            if holder in index:
                mask[index[holder]] = False
        requirements = context.requirements.get(post_id, {})
        if requirements:
            vector = np.zeros(arrays.match.shape[1])
            for sid, weight in requirements.items():
                if sid in arrays.specialty_index:
                    vector[arrays.specialty_index[sid]] = weight
            specialty = (arrays.match @ vector) / sum(requirements.values())
        else:
            specialty = np.full(len(arrays.ids), 0.5)
        kind = context.units.kind(post.get("unit_id"))
        similar = arrays.similar.get(kind, np.zeros(len(arrays.ids)))
        experience = (base_experience + np.minimum(similar / exp.similar_unit_years_full, 1.0)) / 3
        team = post_team(context, post_id)
        young_age = policy.scoring.team.young_age
        fit = np.zeros(len(arrays.ids))
        if team.youngest_age is None or team.youngest_age >= young_age:
            fit += 0.4 * (arrays.age < young_age)
        if not team.has_woman:
            fit += 0.3 * arrays.female
        missing = team.wanted_categories - team.categories
        if missing:
            brings = np.zeros(len(arrays.ids), dtype=bool)
            for category in missing:
                brings |= arrays.categories.get(category, brings)
            fit += 0.3 * brings
        score = (
            base
            + weights["specialty"] * specialty
            + weights["experience"] * experience
            + weights["team_fit"] * fit
        ) / total_weight
        allowed = np.flatnonzero(mask)
        # The best few (with room for avoidance drops) by partial sort; ties by id order.
        wanted_n = min(len(allowed), 2 * top_k + 50)
        if wanted_n < len(allowed):
            # Widen the cut to every cadre tied with the last one kept.
            threshold = -np.partition(-score[allowed], wanted_n - 1)[wanted_n - 1]
            best = allowed[score[allowed] >= threshold - 1e-9]
        else:
            best = allowed
        # Round away float noise so that equal scores tie exactly and fall back to id order.
        order = best[np.lexsort((best, -np.round(score[best], 9)))]
        keep: list[tuple[str, float]] = []
        for n in order:
            if len(keep) >= top_k:
                break
            record = context.records[arrays.ids[n]]
            if (record.relatives or record.cadre.get("hometown_unit_id")) and appointment_conflicts(
                record, post, context.units, policy=policy, as_of=context.as_of
            ):
                continue
            keep.append((arrays.ids[n], float(score[n])))
        ranked[post_id] = keep
    return ranked
