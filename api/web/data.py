"""The workbench reads through the API's cache with the API's keys, so a page and an API
call for the same thing on the same day compute it once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from fastapi import Request

from api import models
from api.deps import get_cache, get_directory, get_policy, get_store
from queries.development.data import DevelopmentData
from queries.directory import Directory
from queries.selection.candidates import SelectionContext
from queries.selection.results import CandidatesResult

__all__ = [
    "analysis",
    "cached",
    "candidates",
    "development",
    "directory",
    "selection",
    "store",
    "vacancies",
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
    return models.selection(_cache(request), store(request), _policy(request), day or date.today())


def vacancies(request: Request, context: SelectionContext) -> list[str]:
    """The context's vacancies (leadership posts nobody holds), found once per graph version
    and day: the pages ask on every request, and a province has 300,000 posts to look at."""
    found: list[str] = _cache(request).get(
        store(request), ("vacancies", context.as_of), context.vacancies
    )
    return found


def candidates(
    request: Request, post_id: str, limit: int | None = 20, *, reveal_supervision: bool = True
) -> CandidatesResult:
    return models.candidates(
        _cache(request),
        store(request),
        _policy(request),
        post_id,
        limit=limit,
        day=date.today(),
        reveal_supervision=reveal_supervision,
    )


def development(request: Request) -> DevelopmentData:
    return models.development(_cache(request), store(request), _policy(request), date.today())


def cached(request: Request, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """Any result under ``key`` for the store's current graph version."""
    return _cache(request).get(store(request), key, compute)


def analysis(request: Request, name: str, run: Callable[..., T], **options: Any) -> T:
    """A development analysis (``run(data=...)``), cached under the API's key ``(name, day)``."""
    if not options:  # the API's key, so that a page and an API call compute it once
        return models.analysis(
            _cache(request),
            store(request),
            _policy(request),
            name,
            date.today(),
            lambda data: run(data=data),
        )
    key = (name, date.today(), *sorted(options.items()))
    result: T = _cache(request).get(
        store(request), key, lambda: run(data=development(request), **options)
    )
    return result
