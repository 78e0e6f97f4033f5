"""The analysis cache under concurrent readers: its graph version only moves forward.

A unit test of the cache alone, so the store is a tiny stand-in that only says
which graph version a request read. The first tests hold the strict mode (a new
version empties the cache at once, so every answer is its own version's); the
guarantee holds as well in the service's mode, which serves the previous
version while the next is built (more of that mode in tests/test_live_reads.py).
"""

from __future__ import annotations

import random
import threading
from typing import Any

import pytest

from api.cache import AnalysisCache, reading


class VersionedStore:
    """Answers ``version()`` with what the calling thread should have read."""

    def __init__(self, version: int = 1) -> None:
        self.default = version
        self.local = threading.local()

    def read_as(self, version: int, *, then_wait: threading.Event | None = None) -> None:
        """This thread reads ``version``, then (optionally) stalls until ``then_wait`` is set."""
        self.local.version = version
        self.local.wait = then_wait

    def version(self) -> int:
        version: int = getattr(self.local, "version", self.default)
        wait: threading.Event | None = getattr(self.local, "wait", None)
        if wait is not None:
            assert wait.wait(timeout=30), "the other request never finished"
        return version


def _cache(*, serve_stale: bool = False) -> AnalysisCache:
    return AnalysisCache(max_entries=8, max_heavy=2, serve_stale=serve_stale)


def test_a_request_with_an_older_version_computes_without_caching() -> None:
    store = VersionedStore()
    cache = _cache()
    store.read_as(2)
    assert cache.get(store, "teams", lambda: "teams@2") == "teams@2"
    assert cache.get(store, "graph", lambda: "graph@2", heavy=True) == "graph@2"
    calls: list[str] = []

    def compute_old() -> str:
        calls.append("old")
        return "teams@1"

    store.read_as(1)
    assert cache.get(store, "teams", compute_old) == "teams@1"  # its own version's answer
    assert cache.get(store, "teams", compute_old) == "teams@1"  # ... computed again, not kept
    assert calls == ["old", "old"]
    stats = cache.stats()
    assert stats["version"] == 2 and stats["entries"] == 1 and stats["heavy_entries"] == 1

    def must_not_compute() -> str:
        raise AssertionError("the newer version's entry was lost")

    store.read_as(2)
    assert cache.get(store, "teams", must_not_compute) == "teams@2"
    assert cache.get(store, "graph", must_not_compute, heavy=True) == "graph@2"
    store.read_as(3)  # a newer version still empties the cache and moves it forward
    assert cache.get(store, "teams", lambda: "teams@3") == "teams@3"
    assert cache.stats()["version"] == 3 and cache.stats()["heavy_entries"] == 0


@pytest.mark.parametrize("serve_stale", [False, True], ids=["strict", "stale-while-rebuilt"])
def test_a_slow_reader_of_an_older_version_cannot_set_the_cache_back(serve_stale: bool) -> None:
    """Request A reads version 1; before it reaches the cache, B reads 2 and caches."""
    store = VersionedStore()
    cache = _cache(serve_stale=serve_stale)
    b_done = threading.Event()
    answers: dict[str, Any] = {}

    def request_a() -> None:
        store.read_as(1, then_wait=b_done)
        answers["a"] = cache.get(store, "pool", lambda: "pool@1")

    def request_b() -> None:
        store.read_as(2)
        answers["b"] = cache.get(store, "pool", lambda: "pool@2")
        b_done.set()

    threads = [threading.Thread(target=request_a), threading.Thread(target=request_b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert answers == {"a": "pool@1", "b": "pool@2"}
    assert cache.stats()["version"] == 2
    store.read_as(2)
    assert cache.get(store, "pool", lambda: "recomputed") == "pool@2"


def test_many_readers_of_mixed_versions_see_the_version_only_grow() -> None:
    store = VersionedStore()
    cache = _cache()
    record = threading.Lock()
    seen: list[int] = []  # the cache's version, in the order it was read
    wrong: list[tuple[int, Any]] = []
    latest = [1]  # the newest version any request has read so far (writes happen meanwhile)
    rng = random.Random(14)
    plans = [rng.random() for _ in range(64 * 40)]

    def reader(index: int) -> None:
        for step in range(40):
            draw = plans[index * 40 + step]
            with record:
                if draw < 0.1:
                    latest[0] += 1  # a write lands
                # Most read the newest version; some read one that a write already passed.
                version = latest[0] if draw < 0.6 else max(1, latest[0] - 1 - int(draw * 3))
            store.read_as(version)
            key = ("analysis", step % 5)
            value = cache.get(store, key, lambda v=version, k=key: (v, k), heavy=step % 7 == 0)
            if value != (version, key):
                wrong.append((version, value))
            with record:
                current = cache.stats()["version"]
                assert current is not None
                seen.append(current)

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(64)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not wrong, wrong[:5]  # every answer is its own version's
    assert len(seen) == 64 * 40
    assert seen == sorted(seen), "the cache went back to an older graph version"
    assert seen[-1] == latest[0]


class WrittenStore:
    """One graph version for every thread, raised by writes (as a real store's is)."""

    def __init__(self) -> None:
        self.current = 1
        self.lock = threading.Lock()

    def write(self) -> int:
        with self.lock:
            self.current += 1
            return self.current

    def version(self) -> int:
        with self.lock:
            return self.current


def test_serving_the_previous_version_while_rebuilding_still_only_moves_forward() -> None:
    """Readers, heavy and light, while writes land: the generation never goes back; each
    reader's answers never reflect an older version than its earlier ones; every answer is at
    least as new as the version it is said to reflect; after the writes, a reader that asks
    for the latest gets it."""
    store = WrittenStore()
    cache = AnalysisCache(max_entries=8, max_heavy=2, retry_after=0)
    record = threading.Lock()
    generations: list[int] = []
    wrong: list[str] = []
    rng = random.Random(15)
    plans = [rng.random() for _ in range(16 * 60)]

    def model(key: str) -> tuple[int, str]:
        return (store.version(), key)  # a read model: what the store holds when it is read

    def reader(index: int) -> None:
        said: list[int] = []
        for step in range(60):
            draw = plans[index * 60 + step]
            if draw < 0.1:
                store.write()
            key = f"model-{step % 2}"
            with reading() as request:
                if draw < 0.5:
                    value = cache.get(store, key, lambda k=key: model(k), heavy=True)
                else:
                    shared = cache.get(store, key, lambda k=key: model(k), heavy=True)
                    value = cache.get(store, ("result", key), lambda s=shared: s)
            assert request.version is not None
            if value[0] < request.version:
                wrong.append(f"{value} said to reflect version {request.version}")
            if said and request.version < said[-1]:
                wrong.append(f"reader {index} went back from {said[-1]} to {request.version}")
            said.append(request.version)
            with record:
                generation = cache.stats()["version"]
                assert generation is not None
                generations.append(generation)

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not wrong, wrong[:5]
    assert len(generations) == 16 * 60
    assert generations == sorted(generations), "the cache went back to an older graph version"
    with reading(fresh=True) as request:
        latest = cache.get(store, "model-0", lambda: model("model-0"), heavy=True)
    assert latest == (store.version(), "model-0") and request.version == store.version()
    stats = cache.stats()
    assert stats["rebuilds"] is not None and stats["rebuilds"] >= 1
    assert stats["rebuild_errors"] == 0
    assert stats["stale_hits"] is not None and stats["stale_hits"] > 0  # it did serve stale
