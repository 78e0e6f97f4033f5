"""The round solver: equal to brute force on small cases, never worse than greedy."""

from __future__ import annotations

import itertools
import random

import pytest

from queries.selection.assignment import InfeasibleRound, assign, greedy_assign


def brute_force(
    scores: dict[tuple[str, str], float],
    posts: list[str],
    young: set[str] = frozenset(),
    share: float = 0.0,
    must_fill: set[str] = frozenset(),
) -> float:  # type: ignore[assignment]
    """Try every way to give each post one cadre or none."""
    cadres = sorted({c for _, c in scores})
    best = -1.0
    for choice in itertools.product([None, *cadres], repeat=len(posts)):
        chosen = [c for c in choice if c is not None]
        if len(chosen) != len(set(chosen)):
            continue
        if any(c is not None and (p, c) not in scores for p, c in zip(posts, choice, strict=True)):
            continue
        if any(c is None and p in must_fill for p, c in zip(posts, choice, strict=True)):
            continue
        if chosen and sum(c in young for c in chosen) < share * len(chosen) - 1e-9:
            continue
        best = max(
            best, sum(scores[(p, c)] for p, c in zip(posts, choice, strict=True) if c is not None)
        )
    return best


def random_case(seed: int) -> tuple[dict[tuple[str, str], float], list[str], set[str]]:
    rng = random.Random(seed)
    posts = [f"P{i}" for i in range(rng.randint(1, 4))]
    cadres = [f"C{i}" for i in range(rng.randint(1, 5))]
    scores = {
        (p, c): round(rng.uniform(0.1, 1.0), 3) for p in posts for c in cadres if rng.random() < 0.7
    }
    young = {c for c in cadres if rng.random() < 0.4}
    return scores, posts, young


@pytest.mark.parametrize("seed", range(40))
def test_equals_brute_force_and_beats_greedy(seed: int) -> None:
    scores, posts, _ = random_case(seed)
    exact = assign(scores, posts=posts)
    assert exact.total == pytest.approx(brute_force(scores, posts), abs=1e-9) or not scores
    assert exact.total >= greedy_assign(scores, posts=posts).total - 1e-9
    cadres = [c for _, c, _ in exact.pairs]
    assert len(cadres) == len(set(cadres)) and all((p, c) in scores for p, c, _ in exact.pairs)


@pytest.mark.parametrize("seed", range(25))
def test_the_young_share_is_exact_too(seed: int) -> None:
    scores, posts, young = random_case(seed)
    try:
        exact = assign(scores, posts=posts, young=young, min_young_share=0.5)
    except InfeasibleRound:
        assert brute_force(scores, posts, young, 0.5) <= 0 or not scores
        return
    best = brute_force(scores, posts, young, 0.5)
    assert exact.total == pytest.approx(best, abs=1e-6)
    chosen = [c for _, c, _ in exact.pairs]
    if best > 0:  # an empty answer may not pass for a kept share
        assert chosen
    if chosen:
        assert sum(c in young for c in chosen) >= 0.5 * len(chosen)


def test_greedy_can_lose() -> None:
    scores = {("A", "x"): 0.9, ("A", "y"): 0.8, ("B", "x"): 0.85}
    assert greedy_assign(scores, posts=["A", "B"]).total == pytest.approx(0.9)
    assert assign(scores, posts=["A", "B"]).total == pytest.approx(1.65)


def test_must_fill_and_determinism() -> None:
    scores = {("A", "x"): 0.9, ("B", "x"): 0.2}
    assert assign(scores, posts=["A", "B"]).pairs == [("A", "x", 0.9)]
    assert assign(scores, posts=["A", "B"], must_fill={"B"}).pairs == [("B", "x", 0.2)]
    with pytest.raises(
        InfeasibleRound, match=r"^必须配备的岗位 B 无法配备人选：符合条件的人选已配到"
    ):
        assign(scores, posts=["A", "B"], must_fill={"A", "B"})
    with pytest.raises(InfeasibleRound, match=r"^必须配备的岗位 C 没有符合条件的人选"):
        assign(scores, posts=["A", "B", "C"], must_fill={"C"})
    first = assign({("A", "x"): 0.5, ("A", "y"): 0.5}, posts=["A"])
    assert all(assign({("A", "x"): 0.5, ("A", "y"): 0.5}, posts=["A"]) == first for _ in range(5))


@pytest.mark.parametrize("seed", range(8))
def test_the_sparse_path_finds_the_same_optimum(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    import queries.selection.assignment as module

    rng = random.Random(seed)
    posts = [f"P{i:03d}" for i in range(60)]
    cadres = [f"C{i:04d}" for i in range(400)]
    scores = {
        (p, c): round(rng.uniform(0.05, 1.0), 4) for p in posts for c in rng.sample(cadres, 25)
    }
    must = set(posts[:5])
    dense = assign(scores, posts=posts, must_fill=must)
    monkeypatch.setattr(module, "DENSE_LIMIT", 0)
    sparse = assign(scores, posts=posts, must_fill=must)
    assert (dense.method, sparse.method) == ("lap", "lap-sparse")
    assert sparse.total == pytest.approx(dense.total, abs=1e-9)
    assert {p for p, _, _ in sparse.pairs} >= must
