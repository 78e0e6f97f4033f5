"""The shared read models each worker keeps in its cache: one key, read and patch each.

The API's routers and the workbench's pages reach the directory, the selection context,
the development data and the unit index only through these functions, so a page and an
API call compute each once per day and graph version, and every read model is patched
the same way after a write (``api.cache``). :func:`warm` prepares them as the service
starts.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from api.cache import AnalysisCache, Follow, Step
from graphsvc.changes import ChangeSet, Patched
from graphsvc.snapshot import newest_snapshot, reading_snapshot
from graphsvc.stores import GraphStore
from queries.analyses import ANALYSES
from queries.development.data import DevelopmentData
from queries.directory import Directory
from queries.selection.candidates import SelectionContext, rank_in_context
from queries.selection.follow import Ranking, followed_candidates, patched_context
from queries.selection.policy import SelectionPolicy
from queries.selection.records import UnitIndex, load_units
from queries.selection.results import CandidatesResult

__all__ = [
    "WARM_STEPS",
    "Warming",
    "candidates",
    "development",
    "directory",
    "selection",
    "start_warming",
    "units",
    "warm",
]

log = logging.getLogger("graphsvc.api.models")
T = TypeVar("T")
M = TypeVar("M")


def _patch(
    store: GraphStore, patch: Callable[[Any, GraphStore, ChangeSet], Patched | None]
) -> Callable[[Any, ChangeSet], Patched | None]:
    return lambda model, changes: patch(model, store, changes)


def _forward(
    store: GraphStore,
    read: Callable[[], M],
    patch: Callable[[M, GraphStore, ChangeSet], Patched | None],
) -> M:
    """A read model first asked for after writes (another day's, say): read from the
    snapshot this process holds and patched to the store's version from the change log,
    when the log allows, instead of a new snapshot of the whole graph first (a minute at a
    province's size); else read at the store's version."""
    base = newest_snapshot(store)
    if base is not None and base.version < store.version():
        changes = store.changes_since(base.version)
        if changes is not None:
            with reading_snapshot(store, base):
                model = read()
            moved = patch(model, store, changes)
            if moved is not None:
                found: M = moved.value
                return found
    return read()


def directory(cache: AnalysisCache, store: GraphStore, day: date) -> Directory:
    """The searchable directory of cadres and posts on ``day``."""
    found: Directory = cache.get(
        store,
        ("directory", day),
        lambda: _forward(store, lambda: Directory.load(store, as_of=day), _directory_patched),
        heavy=True,
        patch=_patch(store, _directory_patched),
    )
    return found


def selection(
    cache: AnalysisCache, store: GraphStore, policy: SelectionPolicy, day: date
) -> SelectionContext:
    """What ranking, checks, the round and the bench read, on ``day``."""
    found: SelectionContext = cache.get(
        store,
        ("selection", day),
        lambda: _forward(
            store, lambda: SelectionContext.load(store, policy=policy, as_of=day), patched_context
        ),
        heavy=True,
        patch=_patch(store, patched_context),
    )
    return found


def candidates(
    cache: AnalysisCache,
    store: GraphStore,
    policy: SelectionPolicy,
    post_id: str,
    *,
    limit: int | None,
    day: date,
    reveal_supervision: bool = True,
    excluded_limit: int | None = None,
) -> CandidatesResult:
    """A post's ranked candidates on ``day``, the first ``limit`` shown. Every candidate is
    ranked once and kept: after a write, the rows of the cadres it touched are ranked again
    and merged in (or nothing changes), instead of the whole post ranked again.
    ``reveal_supervision`` ``False``: lines naming a supervision record say only that one
    bars (a viewer's answer, kept apart from an analyst's). ``excluded_limit``: how many of
    the excluded to list with why (all: None; their number is ``excluded_total``)."""
    context = selection(cache, store, policy, day)
    ranking: Ranking = cache.get(
        store,
        ("candidates", post_id, day, reveal_supervision),
        # Every candidate ranked, none explained yet: those shown are explained when asked.
        lambda: Ranking(
            rank_in_context(
                context, post_id, limit=None, reveal_supervision=reveal_supervision, explained=0
            ),
            context=context,
            reveal_supervision=reveal_supervision,
        ),
        follow=_following(context, post_id, day, reveal_supervision),
    )
    return ranking.answer(limit, excluded_limit)


def _following(context: SelectionContext, post_id: str, day: date, reveal: bool) -> Follow:
    """How a post's candidates ranked in ``context`` follow a step of the cache."""

    def follow(ranked: Ranking, step: Step) -> tuple[Ranking, Follow] | None:
        moved = step.patched(("selection", day))
        if moved is None:
            return None  # the context was read whole on the way
        found = followed_candidates(
            ranked, context, moved.value, moved.changed, post_id, reveal_supervision=reveal
        )
        return None if found is None else (found, _following(moved.value, post_id, day, reveal))

    return follow


def development(
    cache: AnalysisCache, store: GraphStore, policy: SelectionPolicy, day: date
) -> DevelopmentData:
    """What the development analyses read, on ``day``."""
    found: DevelopmentData = cache.get(
        store,
        ("development", day),
        lambda: _development(cache, store, policy, day),
        heavy=True,
        patch=_patch(store, _development_patched),
    )
    return found


def analysis(
    cache: AnalysisCache,
    store: GraphStore,
    policy: SelectionPolicy,
    name: str,
    day: date,
    run: Callable[[DevelopmentData], T],
) -> T:
    """A development analysis of ``day`` (``run(data)``), cached under ``(name, day)``."""
    found: T = cache.get(store, (name, day), lambda: run(development(cache, store, policy, day)))
    return found


def _development(
    cache: AnalysisCache, store: GraphStore, policy: SelectionPolicy, day: date
) -> DevelopmentData:
    """The development data of ``day`` with the day's selection context shared (read and
    patched once for both). Its own parts are read from the snapshot of the store's version
    (another day's, first asked after writes, waits for that snapshot)."""
    context = selection(cache, store, policy, day)
    return DevelopmentData.load(store, policy=policy, as_of=day, context=context)


def _directory_patched(model: Directory, store: GraphStore, changes: ChangeSet) -> Patched | None:
    return model.patched(store, changes)


def _development_patched(
    model: DevelopmentData, store: GraphStore, changes: ChangeSet
) -> Patched | None:
    return model.patched(store, changes)


def units(cache: AnalysisCache, store: GraphStore) -> UnitIndex:
    """Every unit, for appointment checks."""
    found: UnitIndex = cache.get(
        store,
        ("units",),
        lambda: _forward(store, lambda: load_units(store), _units_patched),
        heavy=True,
        patch=_patch(store, _units_patched),
    )
    return found


def _units_patched(index: UnitIndex, _store: GraphStore, changes: ChangeSet) -> Patched | None:
    """The same index when no unit changed; read whole otherwise."""
    return None if changes.touches(("Unit",)) else Patched(index, frozenset())


# What the start prepares, in order: what a committee asks first (search, a check, a
# vacancy's candidates), then what the cadre section's analyses read, then the analyses
# the workbench's first page shows.
WARM_STEPS = ("directory", "units", "selection", "development", "analyses")
WARM_ANALYSES = ("mentoring", "teams", "pool", "training", "targets")


@dataclass
class Warming:
    """How far the start-up preparation of the read models has got (``GET /health``)."""

    steps: tuple[str, ...] = WARM_STEPS
    done: int = 0
    step: str | None = None
    started: float = field(default_factory=time.monotonic)
    seconds: float | None = None  # how long it took, once every step is done
    failed: str | None = None  # the step that failed (logged); the service answers anyway

    @property
    def ready(self) -> bool:
        return self.seconds is not None

    def as_dict(self) -> dict[str, Any]:
        elapsed = self.seconds if self.ready else time.monotonic() - self.started
        return {
            "done": self.done,
            "total": len(self.steps),
            "step": self.step,
            "seconds": round(elapsed or 0.0, 1),
            "failed": self.failed,
        }


def warm(
    cache: AnalysisCache, store: GraphStore, policy: SelectionPolicy, warming: Warming
) -> None:
    """Read and prepare every shared read model of today into ``cache``, step by step,
    noting progress in ``warming``. A request meanwhile waits for the step it needs (the
    cache computes a key once) and no longer than it would have without the warm-up."""
    day = date.today()
    prepare: dict[str, Callable[[], Any]] = {
        "directory": lambda: directory(cache, store, day),
        "units": lambda: units(cache, store),
        "selection": lambda: _prepared(selection(cache, store, policy, day)),
        "development": lambda: development(cache, store, policy, day),
        "analyses": lambda: [
            analysis(cache, store, policy, name, day, ANALYSES[name].compute)
            for name in WARM_ANALYSES
        ],
    }
    try:
        for name in warming.steps:
            warming.step = name
            try:
                prepare[name]()
            except Exception:  # answered on demand later, as without a warm-up
                log.exception("preparing the read model %s at start failed", name)
                warming.failed = name
            warming.done += 1
    finally:
        # What the start read stays for the process's life: kept out of the collector's
        # full passes, which otherwise walked it every few seconds (0.2 s each on the
        # district, every request waiting) to find nothing to free.
        gc.freeze()
        warming.step = None
        warming.seconds = time.monotonic() - warming.started


def _prepared(context: SelectionContext) -> None:
    """What the first candidates, check or round would otherwise build: the facts of every
    cadre as columns and the candidate scopes."""
    context.scopes  # noqa: B018 (built on first use)
    context.facts  # noqa: B018
    context.arrays  # noqa: B018


def start_warming(cache: AnalysisCache, store: GraphStore, policy: SelectionPolicy) -> Warming:
    """:func:`warm` in a background thread (a daemon: stopping the service does not wait)."""
    warming = Warming()
    threading.Thread(
        target=warm, args=(cache, store, policy, warming), name="graphsvc-warm", daemon=True
    ).start()
    return warming
