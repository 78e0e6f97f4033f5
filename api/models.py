"""The shared read models each worker keeps in its cache: one key, read and patch each.

The API's routers and the workbench's pages reach the directory, the selection context,
the development data and the unit index only through these functions, so a page and an
API call compute each once per day and graph version, and every read model is patched
the same way after a write (``api.cache``). :func:`warm` prepares them as the service
starts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from api.cache import AnalysisCache
from graphsvc.changes import ChangeSet, Patched
from graphsvc.stores import GraphStore
from queries.development.data import DevelopmentData
from queries.directory import Directory
from queries.selection.candidates import SelectionContext
from queries.selection.policy import SelectionPolicy
from queries.selection.records import UnitIndex, load_units

__all__ = ["development", "directory", "selection", "units"]


def _patch(
    store: GraphStore, patch: Callable[[Any, GraphStore, ChangeSet], Patched | None]
) -> Callable[[Any, ChangeSet], Patched | None]:
    return lambda model, changes: patch(model, store, changes)


def directory(cache: AnalysisCache, store: GraphStore, day: date) -> Directory:
    """The searchable directory of cadres and posts on ``day``."""
    found: Directory = cache.get(
        store,
        ("directory", day),
        lambda: Directory.load(store, as_of=day),
        heavy=True,
        patch=_patch(store, lambda model, graph, changes: model.patched(graph, changes)),
    )
    return found


def selection(
    cache: AnalysisCache, store: GraphStore, policy: SelectionPolicy, day: date
) -> SelectionContext:
    """What ranking, checks, the round and the bench read, on ``day``."""
    found: SelectionContext = cache.get(
        store,
        ("selection", day),
        lambda: SelectionContext.load(store, policy=policy, as_of=day),
        heavy=True,
    )
    return found


def development(
    cache: AnalysisCache, store: GraphStore, policy: SelectionPolicy, day: date
) -> DevelopmentData:
    """What the development analyses read, on ``day``."""
    found: DevelopmentData = cache.get(
        store,
        ("development", day),
        lambda: DevelopmentData.load(store, policy=policy, as_of=day),
        heavy=True,
        patch=_patch(store, lambda model, graph, changes: model.patched(graph, changes)),
    )
    return found


def units(cache: AnalysisCache, store: GraphStore) -> UnitIndex:
    """Every unit, for appointment checks."""
    found: UnitIndex = cache.get(
        store,
        ("units",),
        lambda: load_units(store),
        heavy=True,
        patch=_patch(store, _units_patched),
    )
    return found


def _units_patched(index: UnitIndex, _store: GraphStore, changes: ChangeSet) -> Patched | None:
    """The same index when no unit changed; read whole otherwise."""
    return None if changes.touches(("Unit",)) else Patched(index, frozenset())
