"""The workbench reads through the API's cache with the API's keys, so a page and an API
call for the same thing on the same day compute it once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from fastapi import Request

from api.deps import get_cache, get_directory, get_policy, get_store
from queries.development.data import DevelopmentData
from queries.directory import Directory
from queries.selection.candidates import SelectionContext, rank_in_context
from queries.selection.results import CandidatesResult

__all__ = [
    "analysis",
    "cached",
    "candidates",
    "development",
    "directory",
    "selection",
    "store",
]

T = TypeVar("T")


# The API's own accessors: one way to reach the store, cache and policy of the app.
store = get_store
_cache = get_cache
_policy = get_policy


def directory(request: Request) -> Directory:
    """The API's directory (same cache key), for the pages' searches."""
    return get_directory(get_store(request), get_cache(request))


def selection(request: Request, day: date | None = None) -> SelectionContext:
    day = day or date.today()
    graph, policy = store(request), _policy(request)
    context: SelectionContext = _cache(request).get(
        graph,
        ("selection", day),
        lambda: SelectionContext.load(graph, policy=policy, as_of=day),
        heavy=True,
    )
    return context


def candidates(
    request: Request, post_id: str, limit: int = 20, *, reveal_supervision: bool = True
) -> CandidatesResult:
    day = date.today()
    context = selection(request, day)
    result: CandidatesResult = _cache(request).get(
        store(request),
        ("candidates", post_id, limit, day, reveal_supervision),
        lambda: rank_in_context(
            context, post_id, limit=limit, reveal_supervision=reveal_supervision
        ),
    )
    return result


def development(request: Request) -> DevelopmentData:
    day = date.today()
    graph, policy = store(request), _policy(request)
    data: DevelopmentData = _cache(request).get(
        graph,
        ("development", day),
        lambda: DevelopmentData.load(graph, policy=policy, as_of=day),
        heavy=True,
    )
    return data


def cached(request: Request, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """Any result under ``key`` for the store's current graph version."""
    return _cache(request).get(store(request), key, compute)


def analysis(request: Request, name: str, run: Callable[..., T], **options: Any) -> T:
    """A development analysis (``run(data=...)``), cached under the API's key ``(name, day)``."""
    day = date.today()
    key = (name, day, *sorted(options.items()))
    result: T = _cache(request).get(
        store(request), key, lambda: run(data=development(request), **options)
    )
    return result
