"""Array helpers the column code shares.

numpy 2.x finds the distinct values of a plain ``np.unique`` call (no ``return_*``
flag, or ``axis=``) by hashing and then sorts them: on a million integers that is about
20 times slower than one sort and a comparison of neighbours, which is what these do.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["distinct_pairs", "distinct_sorted", "in_sorted"]

Ints = NDArray[np.int64]


def distinct_sorted(values: NDArray[np.int64]) -> Ints:
    """The distinct values, ascending (``np.unique(values)`` for integers).

    Examples
    --------
    >>> distinct_sorted(np.array([3, 1, 3, 2, 1])).tolist()
    [1, 2, 3]
    """
    ordered = np.sort(np.asarray(values, dtype=np.int64), kind="stable")
    keep = np.ones(len(ordered), dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    found: Ints = ordered[keep]
    return found


def distinct_pairs(first: NDArray[np.int64], second: NDArray[np.int64]) -> tuple[Ints, Ints]:
    """The distinct ``(first, second)`` pairs of non-negative integers, sorted by first
    then second (``np.unique(np.stack([first, second]), axis=1)``).

    Examples
    --------
    >>> a, b = distinct_pairs(np.array([2, 1, 2, 1]), np.array([5, 7, 5, 6]))
    >>> a.tolist(), b.tolist()
    ([1, 1, 2], [6, 7, 5])
    """
    first = np.asarray(first, dtype=np.int64)
    second = np.asarray(second, dtype=np.int64)
    if not len(first):
        return first.copy(), second.copy()
    if first.min() < 0 or second.min() < 0:
        raise ValueError("distinct_pairs takes non-negative integers")
    width = int(second.max()) + 1
    keys = distinct_sorted(first * width + second)
    found_first, found_second = np.divmod(keys, width)
    return found_first, found_second


def in_sorted(values: NDArray[np.int64], ascending: NDArray[np.int64]) -> NDArray[np.bool_]:
    """Which of ``values`` are among ``ascending`` (sorted): ``np.isin`` by one binary
    search each, without sorting both sides again.

    Examples
    --------
    >>> in_sorted(np.array([4, 1, 9]), np.array([1, 2, 4])).tolist()
    [True, True, False]
    """
    values = np.asarray(values, dtype=np.int64)
    if not len(ascending):
        return np.zeros(len(values), dtype=bool)
    where = np.minimum(np.searchsorted(ascending, values), len(ascending) - 1)
    found: NDArray[np.bool_] = ascending[where] == values
    return found
