"""Ranking posts: scope → masks → scores → avoidance for those shown, as arrays.

A post's pool is the cadres of its scope (``policy.scope``) at its level or the one
below whom no barring rule of its level fails (the rule units' masks, shared by every
post of the level), less its holders. Posts of one scope, level and kind (leadership or
not) share their pool, so their scores are computed together, a column a post
(:func:`queries.selection.scores.score_posts`); the second tier (no leadership post, for a
leadership post above 副科) is ordered after the first; avoidance is checked in that
order, only for those who may conflict, until enough are kept. One post's candidates, a
round and the succession bench all rank this way.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from graphsvc.vocab import Level
from queries.selection.avoidance import Conflict, appointment_conflicts
from queries.selection.rules import Target, eligible
from queries.selection.scores import CadreArrays, PostScores, score_posts

__all__ = [
    "Pool",
    "Ranked",
    "conflicting",
    "holder_rows",
    "pool_of",
    "rank_posts",
    "ranked_post",
    "without",
]

Rows = NDArray[np.intp]
_LEVEL_NAMES = {level.value for level in Level}


@dataclass
class Ranked:
    """A post's ranking: the candidates kept, best first, with their scores (and tiers),
    and the cadres of the pool whom avoidance dropped on the way, with their conflicts."""

    post_id: str
    kept: list[tuple[str, float]]
    tiers: list[int]
    dropped: dict[str, list[Conflict]] = field(default_factory=dict)
    pool: int = 0  # eligible cadres of the pool (before avoidance)
    scores: PostScores | None = None  # the pool's scores, for the reasons of those shown


@dataclass(frozen=True)
class Pool:
    """The cadres posts of one scope, level and kind consider (their scope's at the level or
    the one below) and, of those, the eligible (in id order; holders not yet left out)."""

    considered: Rows
    allowed: Rows


def _in_order(rows: Rows, key: NDArray[np.float64], first: int) -> Iterator[NDArray[np.intp]]:
    """Positions into ``rows``, best key first, ties by row (id order), in chunks (the best
    ``first``, then four times as many, ...) so a post rarely sorts all its pool."""
    remaining = np.arange(len(rows))
    chunk = max(first, 1)
    while remaining.size:
        if remaining.size > chunk:
            # Everything at or above the chunk-th best key, ties included.
            threshold = -np.partition(-key[remaining], chunk - 1)[chunk - 1]
            take = remaining[key[remaining] >= threshold]
            remaining = remaining[key[remaining] < threshold]
        else:
            take, remaining = remaining, remaining[:0]
        yield take[np.lexsort((rows[take], -key[take]))]
        chunk *= 4


def _group(context: Any, post: dict[str, Any], by_scope: bool) -> tuple[Any, ...]:
    """What a post's pool depends on: its scope, its level and whether it leads."""
    scope = context.scopes.of_post(post) if by_scope else None
    return scope, str(post.get("level")), bool(post.get("leadership"))


def pool_of(
    context: Any,
    arrays: CadreArrays,
    post: dict[str, Any],
    *,
    by_scope: bool = True,
    cache: dict[Any, Pool] | None = None,
) -> Pool:
    """The pool of a post's scope, level and kind (``cache`` keeps it for the next post of
    the same)."""
    key = _group(context, post, by_scope)
    found = None if cache is None else cache.get(key)
    if found is None:
        scope, level, _ = key
        rows = _scope_rows(context, arrays, scope)
        target = Target.of_post(post, policy=context.policy, as_of=context.as_of)
        standing = arrays.standing[rows]
        known = level in _LEVEL_NAMES  # a level nobody knows takes nobody
        rows = rows[(standing >= target.order - 1) & (standing <= target.order) & known]
        found = Pool(rows, rows[eligible(context.facts, target)[rows]])
        if cache is not None:
            cache[key] = found
    return found


def _scope_rows(context: Any, arrays: CadreArrays, scope: str | None) -> Rows:
    """The rows of a scope's cadres (every row for the whole area): the scope index's rows,
    which are the arrays' (both every active cadre in id order)."""
    if len(context.scopes.ids) != len(arrays.ids):
        raise ValueError("the candidate scopes do not hold the context's cadres")
    rows = context.scopes.member_rows(scope)
    if rows is None:
        return np.arange(len(arrays.ids))
    found: Rows = rows.astype(np.intp)
    return found


def holder_rows(context: Any, arrays: CadreArrays, post_id: str) -> Rows:
    """The rows of the post's current holders (no candidates of their own post)."""
    held = [arrays.index[h] for h in context.holders.get(post_id, ()) if h in arrays.index]
    return np.array(sorted(held), dtype=np.intp)


def without(rows: Rows, some: Rows) -> NDArray[np.bool_]:
    """Which of ``rows`` (sorted) are not among ``some``."""
    keep = np.ones(len(rows), dtype=bool)
    if len(some) and len(rows):
        where = np.minimum(np.searchsorted(rows, some), len(rows) - 1)
        keep[where[rows[where] == some]] = False
    return keep


def conflicting(context: Any, arrays: CadreArrays, post_id: str, rows: Rows) -> NDArray[np.bool_]:
    """Which of ``rows`` an appointment to the post would put in an avoidance conflict: a
    head post's area where they grew up (from the columns), or a relative in a post on the
    same line of units (looked at closely, ``appointment_conflicts``, only then)."""
    policy = context.policy
    found = np.zeros(len(rows), dtype=bool)
    if not policy.avoidance.enabled or not len(rows):
        return found
    area = context.regional_area(post_id)
    if area is not None:
        found |= arrays.grew_up_in(context, rows, area)
    post = context.posts[post_id]
    target = post.get("unit_id")
    line = {target, *context.units.ancestors(target)}
    for n in np.flatnonzero(arrays.with_relatives(context, rows) & ~found).tolist():
        row = int(rows[n])
        near = any(
            unit in line or target in context.units.ancestors(unit)
            for unit in arrays.kin_units(context, row)
        )
        if near:
            found[n] = bool(
                appointment_conflicts(
                    context.avoidance_record(arrays.ids[row]),
                    post,
                    context.units,
                    policy=policy,
                    as_of=context.as_of,
                )
            )
    return found


def ranked_post(
    context: Any,
    arrays: CadreArrays,
    post_id: str,
    scores: PostScores,
    *,
    top_k: int | None,
    min_score: float | None = None,
    skip: Rows | None = None,
) -> Ranked:
    """The best ``top_k`` (``None``: all) conflict-free of the scored rows, in order: tier,
    score, id; ``skip``: rows that are no candidates (the post's holders, cadres a higher
    scope appointed)."""
    policy = context.policy
    post = context.posts[post_id]
    rows = scores.rows
    position = np.arange(len(rows))
    keep = np.ones(len(rows), dtype=bool) if skip is None else without(rows, skip)
    if min_score is not None:
        keep &= np.round(scores.total, 9) >= min_score
    if not keep.all():
        rows, position = rows[keep], position[keep]
    key = scores.order_key()[position]
    wanted = len(rows) if top_k is None else top_k
    kept: list[tuple[str, float]] = []
    tiers: list[int] = []
    dropped: dict[str, list[Conflict]] = {}
    for positions in _in_order(rows, key, wanted + 50):
        chosen, where = rows[positions], position[positions]
        clashes = conflicting(context, arrays, post_id, chosen)
        for n in np.flatnonzero(clashes).tolist():
            cadre_id = arrays.ids[int(chosen[n])]
            dropped[cadre_id] = appointment_conflicts(
                context.avoidance_record(cadre_id),
                post,
                context.units,
                policy=policy,
                as_of=context.as_of,
            )
        chosen, where = chosen[~clashes], where[~clashes]
        room = wanted - len(kept)
        kept += zip(
            [arrays.ids[r] for r in chosen[:room].tolist()],
            scores.total[where[:room]].tolist(),
            strict=True,
        )
        tiers += scores.tier[where[:room]].tolist()
        if len(kept) >= wanted:
            break
    return Ranked(post_id, kept, tiers, dropped, len(rows), scores)


def rank_posts(
    context: Any,
    post_ids: Sequence[str],
    *,
    top_k: int = 200,
    by_scope: bool = True,
    exclude: Collection[str] = (),
    min_score: float | None = None,
    pools: dict[Any, Pool] | None = None,
) -> dict[str, Ranked]:
    """The best ``top_k`` eligible, conflict-free cadres of each post, with their scores.

    Parameters
    ----------
    context : SelectionContext
        The graph, policy and day.
    post_ids : sequence of str
        The posts to rank.
    top_k : int
        Candidates kept per post.
    by_scope : bool
        Only cadres of each post's scope (``policy.scope``) are candidates; ``False``:
        every cadre of the whole area.
    exclude : collection of str
        Cadres who are no candidates (appointed already by a higher scope's round).
    min_score : float, optional
        Only cadres scoring at least this are kept (the bench's "ready now").
    pools : dict, optional
        Pools already found, by scope, level and kind (kept for the caller).

    Returns
    -------
    dict
        Post id → :class:`Ranked` (``kept``: ``[(cadre_id, score), ...]``, best first:
        the first tier before the second, then by score, ties in id order), in the order
        of ``post_ids``.
    """
    arrays = context.arrays
    excluded = np.array(sorted(arrays.index[c] for c in exclude if c in arrays.index), np.intp)
    pools = {} if pools is None else pools
    groups: dict[Any, list[str]] = {}
    for post_id in post_ids:
        groups.setdefault(_group(context, context.posts[post_id], by_scope), []).append(post_id)
    ranked: dict[str, Ranked] = {}
    for members in groups.values():
        pool = pool_of(context, arrays, context.posts[members[0]], by_scope=by_scope, cache=pools)
        allowed = pool.allowed[without(pool.allowed, excluded)] if len(excluded) else pool.allowed
        scored = score_posts(context, arrays, members, allowed)
        for post_id in members:
            ranked[post_id] = ranked_post(
                context,
                arrays,
                post_id,
                scored[post_id],
                top_k=top_k,
                min_score=min_score,
                skip=holder_rows(context, arrays, post_id),
            )
    return {post_id: ranked[post_id] for post_id in post_ids}
