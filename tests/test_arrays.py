"""graphsvc.arrays: the distinct values and pairs, as np.unique gives them; membership in a
sorted array, as np.isin gives it."""

from __future__ import annotations

import numpy as np
import pytest

from graphsvc.arrays import distinct_pairs, distinct_sorted, in_sorted


def test_distinct_values_hand_worked() -> None:
    assert distinct_sorted(np.array([3, 1, 3, 2, 1], dtype=np.int64)).tolist() == [1, 2, 3]
    assert distinct_sorted(np.array([-5, 7, -5], dtype=np.int64)).tolist() == [-5, 7]
    assert distinct_sorted(np.zeros(0, dtype=np.int64)).tolist() == []


def test_distinct_pairs_hand_worked() -> None:
    first, second = distinct_pairs(np.array([2, 1, 2, 1, 0]), np.array([5, 7, 5, 6, 9]))
    assert list(zip(first.tolist(), second.tolist(), strict=True)) == [
        (0, 9),
        (1, 6),
        (1, 7),
        (2, 5),
    ]
    empty = distinct_pairs(np.zeros(0, np.int64), np.zeros(0, np.int64))
    assert [a.tolist() for a in empty] == [[], []]
    with pytest.raises(ValueError):
        distinct_pairs(np.array([-1]), np.array([0]))


@pytest.mark.parametrize("seed", range(5))
def test_the_same_as_numpy_unique(seed: int) -> None:
    rng = np.random.default_rng(seed)
    values = rng.integers(-1000, 1000, size=5000)
    assert np.array_equal(distinct_sorted(values), np.unique(values))
    first, second = rng.integers(0, 300, size=(2, 5000))
    expected = np.unique(np.stack([first, second]), axis=1)
    found = distinct_pairs(first, second)
    assert np.array_equal(found[0], expected[0]) and np.array_equal(found[1], expected[1])


def test_membership_hand_worked() -> None:
    assert in_sorted(np.array([4, 1, 9, 0]), np.array([1, 2, 4])).tolist() == [
        True,
        True,
        False,
        False,
    ]
    assert in_sorted(np.array([3]), np.zeros(0, np.int64)).tolist() == [False]
    assert in_sorted(np.zeros(0, np.int64), np.array([1])).tolist() == []


@pytest.mark.parametrize("seed", range(5))
def test_membership_the_same_as_numpy_isin(seed: int) -> None:
    rng = np.random.default_rng(seed)
    values = rng.integers(-50, 50, size=2000)
    some = distinct_sorted(rng.integers(-60, 60, size=40))
    assert np.array_equal(in_sorted(values, some), np.isin(values, some))
