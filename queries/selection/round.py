"""A whole round of vacancies filled at once, best overall within each scope.

Every post is ranked in one :class:`~queries.selection.candidates.SelectionContext`;
eligibility and avoidance are hard constraints (only ranked pairs are allowed);
the department's constraints are options: a minimum share of appointees under an
age, posts that must be filled, and what to do with candidates from the post's own
unit. The answer lists the appointments, the runners-up of each post, the posts
left unfilled, and the posts appointees leave (new openings).

A leadership post above 副科 takes a candidate who holds no leadership post only where no
one who holds one can be had (``scoring.leaders_first``): each such pair of the first
tier weighs more in the solve than any sum of scores, so the solver places as many of
the first tier as it can, then the most total score.

Posts are filled by the authority that manages them (``policy.scope``, 下管一级): the
round splits its posts by scope and solves each scope on its own, exactly, the whole
area's posts first (the higher authority), then each district's; someone appointed by
a higher scope is no candidate of a lower one. The young share is kept in every scope
(so in the round as a whole too).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from itertools import islice
from typing import Literal

from queries.selection.assignment import InfeasibleRound, assign
from queries.selection.candidates import POOL_REVIEW_FLAG, SelectionContext, explain, person
from queries.selection.results import (
    Assignment,
    NewOpening,
    RoundResult,
    RunnerUp,
    ScopeRow,
    ScopeSummary,
    UnfilledPost,
)
from queries.selection.scores import PostScores
from queries.selection.vectorized import Ranked, rank_posts

__all__ = ["run_round"]

OwnUnit = Literal["allow", "exclude", "prefer"]


def run_round(
    *,
    context: SelectionContext,
    post_ids: Collection[str] | None = None,
    must_fill: Collection[str] = (),
    min_young_share: float = 0.0,
    young_age: float = 35,
    own_unit: OwnUnit = "allow",
    own_unit_bonus: float = 0.05,
    top_k: int = 200,
    runners_up: int = 3,
    by_scope: bool = True,
    fixed: Mapping[str, str] | None = None,
) -> RoundResult:
    """Fill ``post_ids`` (default: every vacant leadership post) for the largest total score,
    each scope on its own.

    Parameters
    ----------
    context : SelectionContext
        The graph, policy and day, loaded once.
    post_ids : collection of str, optional
        The posts of the round; by default every leadership post nobody holds.
    must_fill : collection of str
        Posts that may not stay unfilled.
    min_young_share : float
        At least this share of appointees must be younger than ``young_age``, in each scope.
    own_unit : {"allow", "exclude", "prefer"}
        Candidates already working in the post's unit: as anyone else, not at all, or
        with ``own_unit_bonus`` added to their score.
    top_k : int
        Candidates kept per post. At least as many as there are posts in the scope (and
        of each age group under a share constraint) are always kept, so the optimum is
        never cut off.
    by_scope : bool
        ``False``: one problem over the whole area, every cadre a candidate of every post,
        whatever ``policy.scope`` says.
    fixed : mapping of str to str, optional
        Post → cadre chosen by the committee (an alternate swapped in): kept as chosen,
        the cadre is no candidate of any other post, and the rest is solved around them.

    Returns
    -------
    RoundResult
        ``assignments`` (``post_id``, ``cadre_id``, ``score``, ``scope_name``, ...),
        ``total``, ``scopes`` (each scope's posts, total and method, in the order
        solved), ``unfilled``, ``runners_up``, ``new_openings``, ``young_share``, ``method``.

    Raises
    ------
    InfeasibleRound
        A post that must be filled is not in the round, or cannot be filled in its scope
        (a higher scope may have appointed its only candidates), or a scope cannot reach
        the young share, or the ``fixed`` choices leave one of these without a way.
    """
    posts = sorted(post_ids) if post_ids is not None else context.vacancies()
    fixed = dict(fixed or {})
    outside = sorted((set(must_fill) | set(fixed)) - set(posts))
    if outside:
        raise InfeasibleRound(f"post(s) {outside} must be filled but are not posts of the round")
    if len(set(fixed.values())) < len(fixed):
        raise InfeasibleRound("one cadre is fixed to two posts")
    scopes = context.scopes
    partition = (
        scopes.partition(context.posts[p] for p in posts) if by_scope else {None: list(posts)}
    )
    young_of = _Young(context, young_age)
    works_in = _current_units(context) if own_unit != "allow" else {}
    ranked: dict[str, list[tuple[str, float]]] = {}
    first_counts: dict[str, int] = {}  # post → its first tier's rows, at its ranking's head
    scored: dict[str, PostScores] = {}
    pairs: list[tuple[str, str, float]] = []
    young: set[str] = set()
    summaries: list[ScopeSummary] = []
    counts: dict[str, int] = {}
    for scope, scope_posts in partition.items():
        # Cadres fixed to another scope's post are no candidates here.
        appointed_before = {cadre for _, cadre, _ in pairs} | {
            cadre for post, cadre in fixed.items() if post not in scope_posts
        }
        # Keeping at least as many candidates per post as there are posts (of each age group
        # under a share constraint) provably keeps the optimum; past 1,000 posts in one scope
        # the round is optimal over each post's best `keep` candidates.
        keep = max(top_k, min(len(scope_posts), 1000))
        scope_ranked = _kept(
            rank_posts(
                context,
                scope_posts,
                top_k=keep * (3 if min_young_share > 0 else 1),
                by_scope=by_scope,
                exclude=appointed_before,
            ),
            first_counts,
            scored,
        )
        ranked.update(scope_ranked)
        # The first tier outweighs any sum of scores: more than the largest possible total.
        bonus = 2.0 * (len(scope_posts) + 1)
        scores, boosted = _candidate_scores(
            context,
            scope_posts,
            scope_ranked,
            keep=keep,
            by_age=min_young_share > 0,
            young_of=young_of,
            works_in=works_in,
            own_unit=own_unit,
            own_unit_bonus=own_unit_bonus,
            first_counts=first_counts,
            bonus=bonus,
        )
        scope_fixed = {p: c for p, c in fixed.items() if p in scope_posts}
        scores = _with_fixed(context, scores, scope_fixed)
        if scope_fixed:
            # The same pairs; a fixed pair is its post's only one and must be chosen, so
            # whether it carries the bonus changes no choice.
            boosted = {pair: boosted.get(pair, score) for pair, score in scores.items()}
        counts.update(_counts(scores))
        young_of.learn({cadre for _, cadre in scores})
        scope_young = {cadre for cadre in {cadre for _, cadre in scores} if young_of(cadre)}
        young |= scope_young
        solution = assign(
            boosted,
            posts=scope_posts,
            must_fill=(set(must_fill) | set(scope_fixed)) & set(scope_posts),
            young=scope_young,
            min_young_share=min_young_share,
        )
        chosen = [(post, cadre, scores[(post, cadre)]) for post, cadre, _ in solution.pairs]
        pairs += chosen
        summaries.append(
            {
                "scope_id": scope,
                "scope_name": scopes.name(scope),
                "posts": len(scope_posts),
                "filled": len(chosen),
                "total": round(sum(score for _, _, score in chosen), 4),
                "method": solution.method,
                "candidates": len(scores),
            }
        )
    pairs.sort()
    appointed = {cadre for _, cadre, _ in pairs}
    # Only the appointees' records are read (their reasons, the posts they leave).
    context.prefetch(appointed)
    scope_of: dict[str, ScopeRow] = {
        post_id: {"scope_id": scope, "scope_name": scopes.name(scope)}
        for scope, scope_posts in partition.items()
        for post_id in scope_posts
    }
    assignments = _assignments(context, pairs, ranked, young, scope_of, scored)
    methods = sorted({s["method"] for s in summaries})
    return {
        "as_of": context.as_of.isoformat(),
        "method": "+".join(methods) if methods else "lap",
        "posts": len(posts),
        "scopes": summaries,
        "assignments": assignments,
        "total": round(sum(score for _, _, score in pairs), 4),
        "unfilled": _unfilled(
            context, posts, ranked, {a["post_id"] for a in assignments}, scope_of
        ),
        "runners_up": _runners_up(context, posts, ranked, appointed, runners_up),
        "new_openings": _new_openings(context, assignments),
        "young_share": round(len(appointed & young) / len(appointed), 4) if appointed else None,
        "candidates_per_post": counts,
    }


def _kept(
    ranked: Mapping[str, Ranked],
    first_counts: dict[str, int],
    scored: dict[str, PostScores],
) -> dict[str, list[tuple[str, float]]]:
    """Each post's kept candidates; how many of them are its first tier (when it has two
    tiers: they come first) noted in ``first_counts``, its scores in ``scored``."""
    found: dict[str, list[tuple[str, float]]] = {}
    for post_id, result in ranked.items():
        if result.scores is not None:
            scored[post_id] = result.scores
        found[post_id] = result.kept
        # Two tiers, the first one's rows first (see ranked_post); one: no tier to favour.
        first_counts[post_id] = result.tiers.count(0) if any(result.tiers) else 0
    return found


class _Young:
    """Whether a cadre is younger than ``young_age`` on the round's day (unknown birth: not
    young), read from the birth column and remembered."""

    def __init__(self, context: SelectionContext, young_age: float) -> None:
        self.context = context
        self.young_age = young_age
        self.known: dict[str, bool] = {}

    def __call__(self, cadre_id: str) -> bool:
        if cadre_id not in self.known:
            self.known[cadre_id] = self.context.young([cadre_id], self.young_age)[0]
        return self.known[cadre_id]

    def learn(self, cadre_ids: Collection[str]) -> None:
        """Look many cadres up at once."""
        wanted = sorted(set(cadre_ids) - self.known.keys())
        self.known.update(zip(wanted, self.context.young(wanted, self.young_age), strict=True))


def _current_units(context: SelectionContext) -> dict[str, set[str]]:
    """Each cadre's units of the posts they hold on the day."""
    scopes = context.scopes
    found: dict[str, set[str]] = {}
    for row, unit in zip(scopes.pair_cadre.tolist(), scopes.pair_unit.tolist(), strict=True):
        found.setdefault(scopes.ids[row], set()).add(scopes.unit_ids[unit])
    return found


def _candidate_scores(
    context: SelectionContext,
    posts: Sequence[str],
    ranked: Mapping[str, list[tuple[str, float]]],
    *,
    keep: int,
    by_age: bool,
    young_of: _Young,
    works_in: Mapping[str, set[str]],
    own_unit: OwnUnit,
    own_unit_bonus: float,
    first_counts: Mapping[str, int],
    bonus: float,
) -> tuple[dict[tuple[str, str], float], dict[tuple[str, str], float]]:
    """The (post, cadre) pairs the solver may choose, with their scores, and the same pairs
    with ``bonus`` added to those of a post's first tier (what the solver maximises).

    Each post keeps its best ``keep`` candidates (``keep`` of each age group when
    ``by_age``); the own-unit rule drops those candidates or adds the bonus. Both made in
    one pass: a province's round has 860,000 pairs.
    """
    scores: dict[tuple[str, str], float] = {}
    boosted: dict[tuple[str, str], float] = {}
    if by_age:
        young_of.learn({cadre_id for p in posts for cadre_id, _ in ranked[p]})
    for post_id in posts:
        unit_id = str(context.posts[post_id].get("unit_id") or "")
        kept: dict[bool, int] = {True: 0, False: 0}
        first = first_counts.get(post_id, 0)
        for place, (cadre_id, score) in enumerate(ranked[post_id]):
            group = young_of(cadre_id) if by_age else True
            if kept[group] >= keep:
                continue
            if own_unit != "allow" and unit_id in works_in.get(cadre_id, ()):
                if own_unit == "exclude":
                    continue
                score += own_unit_bonus
            kept[group] += 1
            pair = (post_id, cadre_id)
            scores[pair] = score
            boosted[pair] = score + bonus if place < first else score
    return scores, boosted


def _with_fixed(
    context: SelectionContext, scores: dict[tuple[str, str], float], fixed: Mapping[str, str]
) -> dict[tuple[str, str], float]:
    """The solver's pairs when ``fixed`` posts keep their chosen cadre: the fixed pair is the
    post's only pair, and the cadre is in no other pair."""
    if not fixed:
        return scores
    taken = set(fixed.values())
    kept = {
        (post, cadre): score
        for (post, cadre), score in scores.items()
        if post not in fixed and cadre not in taken
    }
    for post, cadre in fixed.items():
        kept[(post, cadre)] = scores.get((post, cadre), explain(context, post, cadre).score)
    return kept


def _assignments(
    context: SelectionContext,
    pairs: Sequence[tuple[str, str, float]],
    ranked: Mapping[str, list[tuple[str, float]]],
    young: set[str],
    scope_of: Mapping[str, ScopeRow],
    scored: Mapping[str, PostScores],
) -> list[Assignment]:
    """Each appointment with the post, its scope, the person, the score, the rank and the
    reasons."""
    assignments: list[Assignment] = []
    for post_id, cadre_id, score in pairs:
        post = context.posts[post_id]
        candidate = explain(context, post_id, cadre_id, scores=scored.get(post_id))
        # A fixed choice may rank below the candidates kept: then it is counted after them.
        rank = next(
            (n for n, (c, _) in enumerate(ranked[post_id], start=1) if c == cadre_id),
            len(ranked[post_id]) + 1,
        )
        assignments.append(
            {
                **person(context, cadre_id),
                "post_id": post_id,
                "post_name": post.get("name"),
                "unit_name": context.units.name(post.get("unit_id")),
                "scope_id": scope_of[post_id]["scope_id"],
                "scope_name": scope_of[post_id]["scope_name"],
                "cadre_id": cadre_id,
                "name": candidate.name,
                "score": round(score, 4),
                "rank_for_post": rank,
                "young": cadre_id in young,
                "reasons": candidate.reasons,
            }
        )
    return assignments


def _unfilled(
    context: SelectionContext,
    posts: Sequence[str],
    ranked: Mapping[str, list[tuple[str, float]]],
    filled: set[str],
    scope_of: Mapping[str, ScopeRow],
) -> list[UnfilledPost]:
    """Posts left empty, with how many eligible candidates they had in their scope."""
    return [
        {
            "post_id": p,
            "post_name": context.posts[p].get("name"),
            "eligible": len(ranked[p]),
            "scope_name": scope_of[p]["scope_name"],
        }
        for p in posts
        if p not in filled
    ]


def _runners_up(
    context: SelectionContext,
    posts: Sequence[str],
    ranked: Mapping[str, list[tuple[str, float]]],
    appointed: set[str],
    count: int,
) -> dict[str, list[RunnerUp]]:
    """Each post's best ``count`` candidates not appointed anywhere in the round."""
    shown = {
        p: list(islice(((c, s) for c, s in ranked[p] if c not in appointed), count)) for p in posts
    }
    people = sorted({c for found in shown.values() for c, _ in found})
    name_of = dict(zip(people, context.names(people), strict=True))
    arrays = context.arrays
    flags = {c: [POOL_REVIEW_FLAG] if arrays.flagged[arrays.index[c]] else [] for c in people}
    return {
        p: [
            {"cadre_id": c, "name": name_of[c], "score": round(s, 4), "flags": flags[c]}
            for c, s in found
        ]
        for p, found in shown.items()
    }


def _new_openings(context: SelectionContext, assignments: Sequence[Assignment]) -> list[NewOpening]:
    """Leadership posts the appointees leave behind."""
    openings: list[NewOpening] = []
    for a in assignments:
        for tenure in context.records[str(a["cadre_id"])].current_tenures(context.as_of):
            if tenure.post.get("leadership"):
                openings.append(
                    {
                        "post_id": tenure.post_id,
                        "post_name": tenure.post.get("name"),
                        "left_by": a["cadre_id"],
                        "for_post": a["post_id"],
                    }
                )
    return openings


def _counts(scores: dict[tuple[str, str], float]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for post, _ in scores:
        counts[post] = counts.get(post, 0) + 1
    return counts
