"""Writes while people read: the shared read models are served from the previous graph
version while the next is built, and a reader that must see a write can ask for it.

The unit tests drive the cache with a stand-in store that only has a graph version (raised
by ``write``) and a read model whose builds can be held mid-way; the last test runs the
real service on a real store.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from api.cache import AnalysisCache, reading
from graphsvc.stores import open_store
from loaders.load import load_paths
from tests.service import make_token, running_service


class Store:
    """A graph version shared by every thread, raised by each write."""

    def __init__(self) -> None:
        self.current = 1
        self.lock = threading.Lock()

    def write(self) -> None:
        with self.lock:
            self.current += 1

    def version(self) -> int:
        with self.lock:
            return self.current


class Directory:
    """A read model's builds: the version each one read; ``hold`` keeps a build waiting."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.read_versions: list[int] = []
        self.hold = threading.Event()
        self.hold.set()
        self.started = threading.Event()
        self.failures = 0  # how many of the next builds fail

    def __call__(self) -> str:
        version = self.store.version()
        self.read_versions.append(version)
        self.started.set()
        assert self.hold.wait(timeout=60), "the test never let the build finish"
        if self.failures:
            self.failures -= 1
            raise RuntimeError("the store stopped answering mid-read")
        return f"directory@{version}"


def _until(condition: str, check: Callable[[], bool]) -> None:
    """Wait for something a background thread does (never a timing assertion)."""
    deadline = time.monotonic() + 30
    while not check():
        assert time.monotonic() < deadline, f"never happened: {condition}"
        time.sleep(0.005)


def test_readers_during_a_rebuild_get_the_previous_value_at_once() -> None:
    store = Store()
    cache = AnalysisCache()
    directory = Directory(store)
    assert cache.get(store, "directory", directory, heavy=True) == "directory@1"

    directory.hold.clear()  # the next build reads the store, then waits
    directory.started.clear()
    store.write()
    answers: list[str] = []

    def reader() -> None:
        answers.append(cache.get(store, "directory", directory, heavy=True))

    readers = [threading.Thread(target=reader) for _ in range(8)]
    for thread in readers:
        thread.start()
    for thread in readers:
        thread.join(timeout=30)
    # Every reader has its answer while the rebuild is still held: none waited for it.
    assert not any(thread.is_alive() for thread in readers)
    assert answers == ["directory@1"] * 8
    assert directory.started.wait(timeout=30)
    assert cache.stats()["rebuilding"] == 2 and cache.stats()["stale_hits"] == 8

    directory.hold.set()
    with reading(at_least=2) as follow_up:  # e.g. the editor's own next read: waits for it
        assert cache.get(store, "directory", directory, heavy=True) == "directory@2"
    assert follow_up.version == 2
    # One rebuild for version 2, though nine readers saw that version before it was built.
    assert directory.read_versions == [1, 2]
    with reading() as later:
        assert cache.get(store, "directory", directory, heavy=True) == "directory@2"
    assert later.version == 2
    stats = cache.stats()
    assert stats["version"] == 2 and stats["rebuilds"] == 1 and stats["rebuilding"] is None

    # Two writes before anyone reads again: one rebuild, of the newest version.
    store.write()
    store.write()
    assert cache.get(store, "directory", directory, heavy=True) == "directory@2"
    with reading(fresh=True) as fresh:
        assert cache.get(store, "directory", directory, heavy=True) == "directory@4"
    assert fresh.version == 4 and directory.read_versions == [1, 2, 4]


def test_a_first_build_under_way_is_kept_when_a_write_lands_during_it() -> None:
    """A worker's first directory is still being read when a write lands: readers of the new
    version wait for that build (nothing older exists), get it, and one rebuild follows,
    instead of each new version throwing the running build away and starting another."""
    store = Store()
    cache = AnalysisCache()
    directory = Directory(store)
    directory.hold.clear()
    answers: list[str] = []

    def reader() -> None:
        answers.append(cache.get(store, "directory", directory, heavy=True))

    first = threading.Thread(target=reader)
    first.start()
    assert directory.started.wait(timeout=30)
    store.write()
    second = threading.Thread(target=reader)
    second.start()
    second.join(timeout=0.5)  # time to reach the cache; it cannot finish while the build waits
    assert second.is_alive()
    directory.hold.set()
    for thread in (first, second):
        thread.join(timeout=30)
    assert answers == ["directory@1", "directory@1"]
    with reading(at_least=2) as follow_up:
        assert cache.get(store, "directory", directory, heavy=True) == "directory@2"
    assert follow_up.version == 2 and directory.read_versions == [1, 2]


def test_results_follow_the_read_model_they_were_computed_from() -> None:
    store = Store()
    cache = AnalysisCache()
    directory = Directory(store)
    computed: list[str] = []

    def teams(shared: str) -> str:
        computed.append(shared)
        return f"teams from {shared}"

    with reading() as first:
        shared = cache.get(store, "directory", directory, heavy=True)
        assert cache.get(store, "teams", lambda: teams(shared)) == "teams from directory@1"
    assert first.version == 1

    directory.hold.clear()
    store.write()
    with reading() as during:  # served from version 1 while version 2 is built ...
        shared = cache.get(store, "directory", directory, heavy=True)
        assert shared == "directory@1"
        directory.hold.set()  # ... which finishes before this request's next step
        with reading(at_least=2):
            cache.get(store, "directory", directory, heavy=True)
        assert cache.stats()["version"] == 2
        # Its result comes from the version-1 directory, so it is not kept as version 2's.
        assert cache.get(store, "teams", lambda: teams(shared)) == "teams from directory@1"
    assert during.version == 1  # the oldest part of the answer
    with reading() as after:
        shared = cache.get(store, "directory", directory, heavy=True)
        assert cache.get(store, "teams", lambda: teams(shared)) == "teams from directory@2"
        assert cache.get(store, "teams", lambda: teams(shared)) == "teams from directory@2"
    assert after.version == 2
    assert computed == ["directory@1", "directory@1", "directory@2"]


def test_a_failed_rebuild_keeps_the_old_value_is_logged_and_retried(
    caplog: pytest.LogCaptureFixture,
) -> None:
    store = Store()
    cache = AnalysisCache(retry_after=3600)
    directory = Directory(store)
    assert cache.get(store, "directory", directory, heavy=True) == "directory@1"

    directory.failures = 1
    store.write()
    with caplog.at_level(logging.ERROR, logger="graphsvc.api.cache"):
        assert cache.get(store, "directory", directory, heavy=True) == "directory@1"
        _until("the rebuild failed", lambda: cache.stats()["rebuild_errors"] == 1)
    assert "rebuilding the cached read models failed" in caplog.text
    assert "the store stopped answering mid-read" in caplog.text  # with its traceback

    # The old value stays, and no new rebuild starts before the pause is over.
    assert cache.get(store, "directory", directory, heavy=True) == "directory@1"
    assert directory.read_versions == [1, 2] and cache.stats()["rebuilding"] is None
    # A reader that must see version 2 does not wait for a rebuild that is not coming:
    # it reads its own, without caching it.
    with reading(at_least=2) as own:
        assert cache.get(store, "directory", directory, heavy=True) == "directory@2"
    assert own.version == 2 and cache.stats()["version"] == 1

    cache.retry_after = 0  # the pause is over: the next reader starts the rebuild again
    with reading(fresh=True) as retried:
        assert cache.get(store, "directory", directory, heavy=True) == "directory@2"
    assert retried.version == 2
    stats = cache.stats()
    assert stats["version"] == 2 and stats["rebuilds"] == 1 and stats["rebuild_errors"] == 1
    assert directory.read_versions == [1, 2, 2, 2]


# ----------------------------------------------------------------- the real service


@pytest.fixture(scope="module")
def live(
    tmp_path_factory: pytest.TempPathFactory, small_sample_dir: Path
) -> Iterator[tuple[str, dict[str, str]]]:
    folder = tmp_path_factory.mktemp("live")
    db, access_db = str(folder / "live.db"), folder / "access.db"
    with open_store(db) as store:
        load_paths(store, [small_sample_dir])
    tokens = {role: make_token(access_db, role, f"live-{role}") for role in ("viewer", "editor")}
    with running_service(db, access_db) as base:
        yield base, tokens


def test_the_service_says_which_version_an_answer_reflects_and_keeps_its_writes(
    live: tuple[str, dict[str, str]],
) -> None:
    base, tokens = live
    viewer, editor = (
        httpx.Client(
            base_url=f"{base}/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=60
        )
        for token in (tokens["viewer"], tokens["editor"])
    )
    version = editor.get("/health/detail").json()["graph_version"]
    search = viewer.get("/cadres", params={"name": "王", "limit": 5})
    assert search.status_code == 200 and search.headers["X-Graph-Version"] == str(version)

    # A new cadre: the search's read model (the directory) is behind until it is rebuilt.
    row = {
        "干部编号": "C900001",
        "姓名": "甄新来",
        "性别": "女",
        "出生年月": "1998.03",
        "参加工作时间": "2021.08",
        "学历": "大学本科",
        "录用渠道": "选调生",
    }
    written = editor.post("/records/cadres", json={"rows": [row]})
    assert written.status_code == 200, written.text
    new_version = written.json()["version"]
    assert new_version > version and written.headers["X-Graph-Version"] == str(new_version)

    # A profile reads the store: the write shows at once, and says so.
    profile = viewer.get("/cadres/C900001")
    assert profile.status_code == 200 and profile.json()["cadre"]["name"] == "甄新来"
    assert int(profile.headers["X-Graph-Version"]) >= new_version

    # A search may answer from the previous version, and says which one it did answer from.
    quick = viewer.get("/cadres", params={"name": "甄新来"})
    assert quick.status_code == 200
    shown = quick.json()["total"]
    assert (shown, int(quick.headers["X-Graph-Version"]) >= new_version) in {(0, False), (1, True)}

    # The editor's follow-up asks for its write's version and is sure to see it.
    follow_up = editor.get(
        "/cadres", params={"name": "甄新来"}, headers={"X-Min-Graph-Version": str(new_version)}
    )
    assert follow_up.status_code == 200 and follow_up.json()["total"] == 1
    assert int(follow_up.headers["X-Graph-Version"]) >= new_version
    fresh = viewer.get("/cadres", params={"name": "甄新来"}, headers={"Cache-Control": "no-cache"})
    assert fresh.json()["total"] == 1 and int(fresh.headers["X-Graph-Version"]) >= new_version

    wrong = viewer.get("/cadres", headers={"X-Min-Graph-Version": "latest"})
    assert wrong.status_code == 422
    assert "X-Min-Graph-Version" in wrong.json()["detail"] and "整数" in wrong.json()["detail"]
    cache = editor.get("/health/detail").json()["cache"]
    assert cache["rebuild_errors"] == 0 and cache["version"] >= new_version
