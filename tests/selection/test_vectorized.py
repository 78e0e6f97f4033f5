"""The array ranking gives the same scores and order as the one-by-one ranking."""

from __future__ import annotations

import pytest

from queries.selection.candidates import SelectionContext, rank_in_context
from queries.selection.vectorized import rank_posts


def test_same_scores_and_order_as_one_by_one(context: SelectionContext) -> None:
    posts = sorted(p for p, post in context.posts.items() if post.get("leadership"))
    fast = rank_posts(context, posts, top_k=15)
    for post_id in posts:
        slow = rank_in_context(context, post_id, limit=15)["candidates"]
        assert [c for c, _ in fast[post_id]] == [c["cadre_id"] for c in slow], post_id
        for (_, score), candidate in zip(fast[post_id], slow, strict=True):
            assert score == pytest.approx(candidate["score"], abs=1e-4)
