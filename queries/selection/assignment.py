"""Filling a round of vacancies at once: the assignment of most total score.

Pure functions over a score table ``{(post, cadre): score}`` (pairs absent from
it are not allowed: ineligible or conflicting). One cadre per post, one post per
cadre; a post may stay unfilled unless it must be filled.

- Without a share constraint this is a rectangular assignment problem, solved
  exactly by :func:`scipy.optimize.linear_sum_assignment` (LAPJV) with one
  "leave unfilled" column per post; past ``DENSE_LIMIT`` cells, on a sparse
  matrix by :func:`scipy.sparse.csgraph.min_weight_full_bipartite_matching`
  (LAPJVsp), the same optimum without the dense matrix.
- With "at least N% of appointees under 35" it is no longer a pure assignment;
  it is solved exactly as a 0/1 integer programme by HiGHS
  (:func:`scipy.optimize.milp`, relative gap 0).

Both are deterministic for the same input.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linear_sum_assignment, milp
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

__all__ = ["Assignment", "InfeasibleRound", "assign", "greedy_assign"]

_FORBIDDEN = 1e9
DENSE_LIMIT = 4_000_000  # matrix cells; past this a round is solved on a sparse matrix


class InfeasibleRound(ValueError):
    """No assignment meets the constraints (a must-fill post with no candidate, a share
    that cannot be reached); the message says which."""


@dataclass(frozen=True)
class Assignment:
    pairs: list[tuple[str, str, float]]  # (post, cadre, score), by post
    method: str

    @property
    def total(self) -> float:
        return float(sum(score for _, _, score in self.pairs))


def _check(
    scores: Mapping[tuple[str, str], float], posts: Sequence[str], must_fill: Collection[str]
) -> None:
    allowed = {post for post, _ in scores}
    missing = sorted(set(must_fill) - allowed)
    if missing:
        raise InfeasibleRound(
            f"必须配备的岗位 {'、'.join(missing)} 没有符合条件的人选，请调整必配岗位或放宽条件"
        )
    unknown = sorted(allowed - set(posts))
    if unknown:
        raise ValueError(f"scores name posts outside the round: {unknown[:5]}")


def _lap(
    scores: Mapping[tuple[str, str], float], posts: Sequence[str], must_fill: Collection[str]
) -> Assignment:
    cadres = sorted({cadre for _, cadre in scores})
    column = {cadre: index for index, cadre in enumerate(cadres)}
    row = {post: index for index, post in enumerate(posts)}
    cost = np.full((len(posts), len(cadres) + len(posts)), _FORBIDDEN)
    for (post, cadre), score in scores.items():
        cost[row[post], column[cadre]] = -score
    for post, index in row.items():
        if post not in must_fill:
            cost[index, len(cadres) + index] = 0.0  # leaving it unfilled scores nothing
    rows, cols = linear_sum_assignment(cost)
    pairs = []
    for r, c in zip(rows, cols, strict=True):
        if cost[r, c] >= _FORBIDDEN:
            raise InfeasibleRound(
                f"必须配备的岗位 {posts[r]} 无法配备人选：符合条件的人选已配到其他必配岗位，"
                "请减少必配岗位或放宽条件"
            )
        if c < len(cadres):
            pairs.append((posts[r], cadres[c], float(scores[(posts[r], cadres[c])])))
    return Assignment(sorted(pairs), "lap")


def _lap_sparse(
    scores: Mapping[tuple[str, str], float], posts: Sequence[str], must_fill: Collection[str]
) -> Assignment:
    """The same problem as :func:`_lap` on a sparse matrix (LAPJVsp), for large rounds.

    Costs are made positive (``1 + best - score``; leaving a post unfilled costs
    ``1 + best``), which changes every full matching's cost by the same constant per post,
    so the optimum is the same.
    """
    cadres = sorted({cadre for _, cadre in scores})
    column = {cadre: index for index, cadre in enumerate(cadres)}
    row = {post: index for index, post in enumerate(posts)}
    best = max(scores.values())
    rows_, cols_, costs = [], [], []
    for (post, cadre), score in scores.items():
        rows_.append(row[post])
        cols_.append(column[cadre])
        costs.append(1.0 + best - score)
    for post, index in row.items():
        if post not in must_fill:
            rows_.append(index)
            cols_.append(len(cadres) + index)
            costs.append(1.0 + best)
    matrix = sparse.csr_matrix(
        (costs, (rows_, cols_)), shape=(len(posts), len(cadres) + len(posts))
    )
    try:
        rows, cols = min_weight_full_bipartite_matching(matrix)
    except ValueError:
        raise InfeasibleRound("必须配备的岗位无法全部配备人选，请减少必配岗位或放宽条件") from None
    pairs = [
        (posts[r], cadres[c], float(scores[(posts[r], cadres[c])]))
        for r, c in zip(rows, cols, strict=True)
        if c < len(cadres)
    ]
    return Assignment(sorted(pairs), "lap-sparse")


def _milp(
    scores: Mapping[tuple[str, str], float],
    posts: Sequence[str],
    must_fill: Collection[str],
    young: Collection[str],
    min_young_share: float,
) -> Assignment:
    pairs = sorted(scores)
    post_index = {post: i for i, post in enumerate(posts)}
    cadres = sorted({cadre for _, cadre in pairs})
    cadre_index = {cadre: i for i, cadre in enumerate(cadres)}
    n = len(pairs)
    columns = np.arange(n)
    by_post = sparse.csr_matrix(
        (np.ones(n), ([post_index[p] for p, _ in pairs], columns)), shape=(len(posts), n)
    )
    by_cadre = sparse.csr_matrix(
        (np.ones(n), ([cadre_index[c] for _, c in pairs], columns)), shape=(len(cadres), n)
    )
    share = sparse.csr_matrix(
        np.array([[(1.0 if c in young else 0.0) - min_young_share for _, c in pairs]])
    )
    post_lower = np.array([1.0 if post in must_fill else 0.0 for post in posts])
    constraints = [
        LinearConstraint(by_post, post_lower, np.ones(len(posts))),
        LinearConstraint(by_cadre, np.zeros(len(cadres)), np.ones(len(cadres))),
        LinearConstraint(share, np.zeros(1), np.full(1, np.inf)),
    ]
    result = milp(
        c=-np.array([scores[pair] for pair in pairs]),
        constraints=constraints,
        integrality=np.ones(n),
        bounds=Bounds(0, 1),
        options={"mip_rel_gap": 0.0, "presolve": True},
    )
    if result.status != 0 or result.x is None:
        # The solver's own (English) status is for engineers; the user needs the constraints.
        raise InfeasibleRound(
            f"没有能同时满足各项要求的配备方案（年轻干部至少占{min_young_share:.0%}，"
            f"{len(must_fill)}个岗位必须配备）；请降低年轻干部比例或减少必配岗位"
        )
    chosen = [
        (p, c, float(scores[(p, c)])) for (p, c), x in zip(pairs, result.x, strict=True) if x > 0.5
    ]
    return Assignment(sorted(chosen), "milp")


def assign(
    scores: Mapping[tuple[str, str], float],
    *,
    posts: Sequence[str],
    must_fill: Collection[str] = (),
    young: Collection[str] = (),
    min_young_share: float = 0.0,
) -> Assignment:
    """The assignment of posts to cadres with the largest total score.

    Parameters
    ----------
    scores : mapping of (post, cadre) to float
        Allowed pairs and their scores (positive). Absent pairs are forbidden.
    posts : sequence of str
        The posts of the round (their order does not change the answer's total).
    must_fill : collection of str
        Posts that may not stay unfilled.
    young : collection of str
        Cadres who count as young for ``min_young_share``.
    min_young_share : float
        At least this share of the appointees must be young (0 to 1).

    Returns
    -------
    Assignment
        The pairs and the method used (``lap`` or ``milp``).

    Raises
    ------
    InfeasibleRound
        When the constraints cannot all be met.
    """
    posts = sorted(set(posts))
    _check(scores, posts, must_fill)
    if not scores:
        return Assignment([], "lap")
    if min_young_share > 0:
        return _milp(scores, posts, set(must_fill), set(young), min_young_share)
    cadres = len({cadre for _, cadre in scores})
    if len(posts) * (cadres + len(posts)) > DENSE_LIMIT:
        return _lap_sparse(scores, posts, set(must_fill))
    return _lap(scores, posts, set(must_fill))


def greedy_assign(scores: Mapping[tuple[str, str], float], *, posts: Sequence[str]) -> Assignment:
    """Best pair first, then the next among what is left: the baseline an exact round beats."""
    taken_posts: set[str] = set()
    taken_cadres: set[str] = set()
    pairs = []
    for (post, cadre), score in sorted(scores.items(), key=lambda item: (-item[1], item[0])):
        if post in taken_posts or cadre in taken_cadres or post not in posts:
            continue
        pairs.append((post, cadre, float(score)))
        taken_posts.add(post)
        taken_cadres.add(cadre)
    return Assignment(sorted(pairs), "greedy")
