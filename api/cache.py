"""Analysis results cached per graph version.

Every write that changes data raises the store's version (see
``GraphStore.version``); a request first reads the version, and a cache whose
version is older is emptied. The cache's version only moves forward: a request
that read an older version than the cache holds (it started before a write that
another request has already seen) computes its answer without caching it, and
leaves the newer entries alone. Results stay until then or until evicted (least
recently used). Heavy entries (the graph read into memory for selection or
development) have their own small LRU. A key computed by one request is
waited for, not recomputed, by concurrent requests for the same key.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from graphsvc.stores import GraphStore

__all__ = ["AnalysisCache"]

T = TypeVar("T")


class AnalysisCache:
    def __init__(self, max_entries: int = 256, max_heavy: int = 4) -> None:
        self.max_entries = max_entries
        self.max_heavy = max_heavy
        self._lock = threading.Lock()
        self._version: int | None = None
        self._light: OrderedDict[Hashable, Any] = OrderedDict()
        self._heavy: OrderedDict[Hashable, Any] = OrderedDict()
        self._computing: dict[Hashable, threading.Lock] = {}
        self.hits = 0
        self.misses = 0

    def stats(self) -> dict[str, int | None]:
        with self._lock:
            return {
                "version": self._version,
                "entries": len(self._light),
                "heavy_entries": len(self._heavy),
                "hits": self.hits,
                "misses": self.misses,
            }

    def get(
        self,
        store: GraphStore,
        key: Hashable,
        compute: Callable[[], T],
        *,
        heavy: bool = False,
    ) -> T:
        """The cached value of ``key`` for the store's current version, computed once."""
        version = store.version()
        limit = self.max_heavy if heavy else self.max_entries
        if limit <= 0:
            return compute()
        entries = self._heavy if heavy else self._light
        with self._lock:
            stale = self._version is not None and version < self._version
            if stale:
                self.misses += 1
            else:
                if version != self._version:
                    self._light.clear()
                    self._heavy.clear()
                    self._version = version
                if key in entries:
                    entries.move_to_end(key)
                    self.hits += 1
                    value: T = entries[key]
                    return value
                gate = self._computing.setdefault((heavy, key), threading.Lock())
        if stale:
            # Read before a newer write: answer, but neither cache it nor empty newer entries.
            return compute()
        with gate:
            with self._lock:
                if self._version == version and key in entries:
                    self.hits += 1
                    found: T = entries[key]
                    return found
                self.misses += 1
            value = compute()
            with self._lock:
                if self._version == version:
                    entries[key] = value
                    while len(entries) > limit:
                        entries.popitem(last=False)
                self._computing.pop((heavy, key), None)
        return value
