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
from typing import Any

import httpx
import pytest

from api.cache import AnalysisCache, Follow, Step, reading
from graphsvc.changes import ChangeSet, Patched
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


class LoggedStore(Store):
    """A store whose writes each leave a change-log entry (as the real stores do)."""

    def __init__(self) -> None:
        super().__init__()
        self.log: dict[int, ChangeSet | None] = {}

    def write_keys(self, cadre_ids: set[str] | None) -> None:
        """A write of these cadres (None: one too large to list)."""
        with self.lock:
            self.current += 1
            entry = None if cadre_ids is None else ChangeSet({"Cadre": frozenset(cadre_ids)})
            self.log[self.current] = entry

    def changes_since(self, version: int) -> ChangeSet | None:
        with self.lock:
            merged = ChangeSet()
            for entry in (self.log.get(v) for v in range(version + 1, self.current + 1)):
                if entry is None:
                    return None
                merged = merged | entry
            return merged


class Rows:
    """A read model of rows by cadre: read whole, or patched from the changes."""

    def __init__(self, store: LoggedStore) -> None:
        self.store = store
        self.whole_reads = 0
        self.patched_with: list[frozenset[str]] = []
        self.refuse: set[str] = set()  # cadres whose change the patch cannot follow

    def read(self) -> dict[str, int]:
        self.whole_reads += 1
        return {"version": self.store.version()}

    def patch(self, old: dict[str, int], changes: ChangeSet) -> Patched | None:
        touched = changes.node_ids("Cadre")
        if touched & self.refuse:
            return None
        self.patched_with.append(touched)
        return Patched({**old, "version": self.store.version()}, touched)


def test_a_write_is_followed_by_a_patch_and_results_it_leaves_alone_are_kept() -> None:
    store = LoggedStore()
    cache = AnalysisCache()
    rows = Rows(store)
    computed: list[str] = []

    def model() -> dict[str, int]:
        return cache.get(store, "rows", rows.read, heavy=True, patch=rows.patch)

    def result(name: str, depends_on: str) -> str:
        def follow(value: str, step: Step) -> tuple[str, Follow] | None:
            moved = step.patched("rows")
            if moved is None or depends_on in moved.changed:
                return None
            return value, follow  # the step leaves it right: kept as it is

        def compute() -> str:
            computed.append(name)
            return f"{name}@{model()['version']}"

        return cache.get(store, ("result", name), compute, follow=follow)

    assert model() == {"version": 1}
    assert result("a", depends_on="C1") == "a@1" and result("b", depends_on="C2") == "b@1"
    store.write_keys({"C1"})
    with reading(at_least=2) as follow_up:  # the writer's next read: waits for the patch
        assert model() == {"version": 2}
    assert follow_up.version == 2
    assert rows.whole_reads == 1 and rows.patched_with == [frozenset({"C1"})]
    with reading() as later:
        assert result("a", depends_on="C1") == "a@2"  # C1 changed: computed again
        assert result("b", depends_on="C2") == "b@1"  # C2 did not: kept, and still right
    assert later.version == 2
    assert computed == ["a", "b", "a"]
    stats = cache.stats()
    assert stats["patches"] == 1 and stats["full_reads"] == 0 and stats["kept_results"] == 1

    # A change the patch cannot follow: the model is read whole, and no result is kept.
    rows.refuse = {"C3"}
    store.write_keys({"C3"})
    with reading(fresh=True):
        assert model() == {"version": 3}
    assert rows.whole_reads == 2
    assert result("b", depends_on="C2") == "b@3"
    # A write too large for the log: read whole as well.
    store.write_keys(None)
    with reading(fresh=True):
        assert model() == {"version": 4}
    assert rows.whole_reads == 3 and cache.stats()["full_reads"] == 2


def test_a_result_follows_the_steps_it_missed_when_next_asked_for() -> None:
    store = LoggedStore()
    cache = AnalysisCache()
    rows = Rows(store)
    followed: list[int] = []

    def model() -> dict[str, int]:
        return cache.get(store, "rows", rows.read, heavy=True, patch=rows.patch)

    def follow(value: str, step: Step) -> tuple[str, Follow] | None:
        moved = step.patched("rows")
        if moved is None:
            return None
        followed.append(moved.value["version"])
        return f"{value}+{moved.value['version']}", follow

    def result() -> str:
        return cache.get(store, "result", lambda: f"computed@{model()['version']}", follow=follow)

    assert result() == "computed@1"
    for cadre in ("C1", "C2"):  # two steps, nobody asks for the result meanwhile
        store.write_keys({cadre})
        with reading(fresh=True):
            model()
    assert followed == []  # a step does not wait for the results
    assert result() == "computed@1+3" and followed == [3]  # both steps at once
    rows.refuse = {"C4"}
    for cadre in ("C3", "C4", "C5"):  # one of the steps missed read the model whole
        store.write_keys({cadre})
        with reading(fresh=True):
            model()
    assert result() == "computed@6" and followed == [3]


def test_a_patch_that_fails_is_logged_and_the_model_read_whole(
    caplog: pytest.LogCaptureFixture,
) -> None:
    store = LoggedStore()
    cache = AnalysisCache()
    reads: list[int] = []

    def read() -> int:
        reads.append(store.version())
        return store.version()

    def broken(_old: int, _changes: ChangeSet) -> Patched | None:
        raise RuntimeError("a bug in the patch")

    assert cache.get(store, "n", read, heavy=True, patch=broken) == 1
    store.write_keys({"C1"})
    with caplog.at_level(logging.ERROR, logger="graphsvc.api.cache"), reading(fresh=True):
        assert cache.get(store, "n", read, heavy=True, patch=broken) == 2
    assert (
        "patching the read model 'n' failed" in caplog.text and "a bug in the patch" in caplog.text
    )
    assert reads == [1, 2] and cache.stats()["rebuild_errors"] == 0


def test_a_read_model_read_from_another_in_a_step_reads_the_steps_version() -> None:
    """The development data is read from the day's selection context: when a step reads it
    whole, it reads the context the same step brings forward, never the served one."""
    store = LoggedStore()
    cache = AnalysisCache()
    reads: list[str] = []

    def context() -> dict[str, int]:
        def read() -> dict[str, int]:
            reads.append(f"context@{store.version()}")
            return {"version": store.version()}

        return cache.get(store, "context", read, heavy=True)  # no patch: read whole

    def development() -> dict[str, Any]:
        def read() -> dict[str, Any]:
            reads.append(f"development@{store.version()}")
            return {"version": store.version(), "context": context()}

        return cache.get(store, "development", read, heavy=True)

    assert development() == {"version": 1, "context": {"version": 1}}
    store.write_keys({"C1"})
    with reading(fresh=True):
        assert development() == {"version": 2, "context": {"version": 2}}
        assert context() == {"version": 2}
    assert sorted(reads) == ["context@1", "context@2", "development@1", "development@2"]


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


def _clients(live: tuple[str, dict[str, str]]) -> tuple[httpx.Client, httpx.Client]:
    """A viewer's and an editor's client of the live service."""
    base, tokens = live
    viewer, editor = (
        httpx.Client(
            base_url=f"{base}/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=60
        )
        for token in (tokens["viewer"], tokens["editor"])
    )
    return viewer, editor


def test_the_service_says_which_version_an_answer_reflects_and_keeps_its_writes(
    live: tuple[str, dict[str, str]],
) -> None:
    viewer, editor = _clients(live)
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


def test_a_writer_reads_its_own_write_at_once_and_the_read_models_were_warm(
    live: tuple[str, dict[str, str]],
) -> None:
    viewer, editor = _clients(live)
    detail = editor.get("/health/detail").json()
    assert detail["status"] == "ok" and detail["warming"]["done"] == detail["warming"]["total"]
    assert detail["warming"]["failed"] is None and detail["cache"]["heavy_entries"] >= 4
    assert editor.get("/health").json()["status"] == "ok"
    row = {
        "干部编号": "C900002",
        "姓名": "甄自见",
        "性别": "男",
        "出生年月": "1996.07",
        "参加工作时间": "2019.08",
        "学历": "大学本科",
        "录用渠道": "选调生",
    }
    written = editor.post("/records/cadres", json={"rows": [row]})
    assert written.status_code == 200, written.text
    version = written.json()["version"]
    assert f"graphsvc_written={version}" in written.headers["set-cookie"]
    # The editor's client sends the cookie back: its next search waits for its own write.
    own = editor.get("/cadres", params={"name": "甄自见"})
    assert own.json()["total"] == 1 and int(own.headers["X-Graph-Version"]) >= version
    # Others see it once the read model has followed (no header, no cookie).
    _until(
        "a viewer's search shows the new cadre",
        lambda: viewer.get("/cadres", params={"name": "甄自见"}).json()["total"] == 1,
    )
    # A star rating on an existing cadre is patched in, not read whole.
    before = editor.get("/health/detail").json()["cache"]
    cadre = viewer.get("/cadres", params={"limit": 1}).json()["items"][0]["id"]
    had = {
        a.get("stars")
        for a in viewer.get(f"/cadres/{cadre}").json()["assessments"]
        if a.get("year") == 2026 and a.get("quarter") == 4
    }
    stars = next(n for n in (1, 2, 3, 4, 5) if n not in had)
    starred = editor.post(
        f"/cadres/{cadre}/assessments", json={"year": 2026, "quarter": 4, "stars": stars}
    )
    assert starred.status_code == 200 and starred.json()["version"] > version
    assert editor.get("/cadres", params={"name": "甄"}).status_code == 200  # waits for it
    after = editor.get("/health/detail").json()["cache"]
    assert after["version"] >= starred.json()["version"]
    assert after["patches"] > before["patches"], (before, after)


def test_health_says_warming_with_its_progress_until_the_read_models_are_ready(
    tmp_path: Path, small_sample_dir: Path
) -> None:
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.models import WARM_ANALYSES, WARM_STEPS, Warming, warm
    from graphsvc.settings import get_settings

    db = str(tmp_path / "graph.db")
    with open_store(db) as store:
        load_paths(store, [small_sample_dir])
    settings = get_settings().model_copy(
        update={"store": db, "access_db": tmp_path / "access.db", "warm": False}
    )
    app = create_app(settings)
    with TestClient(app) as client:
        warming = Warming()
        warming.done, warming.step = 1, "units"
        app.state.warming = warming
        body = client.get("/api/v1/health").json()
        assert body["status"] == "warming"
        assert body["warming"]["done"] == 1 and body["warming"]["total"] == len(WARM_STEPS)
        assert body["warming"]["step"] == "units"
        warming = app.state.warming = Warming()
        warm(app.state.cache, app.state.store, app.state.policy, warming)
        assert warming.ready and warming.done == len(WARM_STEPS) and warming.failed is None
        assert client.get("/api/v1/health").json() == {
            "status": "ok",
            "version": client.get("/api/v1/health").json()["version"],
        }
        # Every read model a first question needs is in the cache already, and the
        # analyses of the workbench's first page.
        stats = app.state.cache.stats()
        assert stats["heavy_entries"] == 4 and stats["entries"] == len(WARM_ANALYSES)
        assert stats["misses"] == 4 + len(WARM_ANALYSES)
