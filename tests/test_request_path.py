"""The request path under load: token checks, the audit log's group commit, the prepared
directory search and the spacing of read-model rebuilds under a stream of writes.

Real SQLite files, a real store and (for the audit of concurrent calls) the real service
over loopback. No timing is asserted: where a test needs the writer to be busy, another
connection holds the access file's write lock, as another worker process would.
"""

from __future__ import annotations

import random
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.cache import AnalysisCache, reading
from graphsvc.access import AccessError, AccessStore, AuditEntry, AuditWriter, Principal
from graphsvc.dates import months_between
from graphsvc.stores import open_store
from loaders.load import load_paths
from queries.directory import Directory
from tests.service import make_token, running_service


def _until(condition: str, check: Callable[[], bool]) -> None:
    """Wait for something a background thread does (never a timing assertion)."""
    deadline = time.monotonic() + 30
    while not check():
        assert time.monotonic() < deadline, f"never happened: {condition}"
        time.sleep(0.005)


def _entry(n: int) -> AuditEntry:
    return AuditEntry(
        method="GET", path="/api/v1/cadres", status=200, action="search", subjects=[f"C{n:06d}"]
    )


# ------------------------------------------------------------------ tokens


def test_a_revoked_token_stops_at_once_for_a_thread_that_already_checked_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "access.db"
    with AccessStore(path) as service, AccessStore(path) as command_line:
        token = command_line.create_token(name="committee", role="viewer")
        seen: list[object] = []
        go_on = threading.Event()
        checked = threading.Event()

        def one_thread() -> None:  # the same thread (and so its read connection) both times
            seen.append(service.authenticate(token))
            checked.set()
            assert go_on.wait(timeout=30)
            seen.append(service.authenticate(token))

        worker = threading.Thread(target=one_thread)
        worker.start()
        assert checked.wait(timeout=30)
        assert command_line.revoke_token("committee")  # another process's revocation
        go_on.set()
        worker.join(timeout=30)
        assert isinstance(seen[0], Principal) and seen[0].role == "viewer"
        assert seen[1] is None


def test_read_connections_of_ended_threads_are_closed(tmp_path: Path) -> None:
    with AccessStore(tmp_path / "access.db") as access:
        token = access.create_token(name="committee", role="viewer")
        for _ in range(20):  # a worker pool retiring and starting threads
            worker = threading.Thread(target=access.authenticate, args=(token,))
            worker.start()
            worker.join()
        assert access.authenticate(token) is not None
        assert len(access._readers) == 1  # this thread's: the 20 ended threads' are closed


def test_a_token_check_does_not_wait_for_a_write_in_progress(tmp_path: Path) -> None:
    path = tmp_path / "access.db"
    with AccessStore(path) as access:
        token = access.create_token(name="committee", role="viewer")
        other_process = sqlite3.connect(path, isolation_level=None)
        other_process.execute("BEGIN IMMEDIATE")  # an audit commit of another worker
        other_process.execute(
            "INSERT INTO audit (at, method, path, query, status, action, subjects, prev_hash,"
            " hash) VALUES ('x', 'GET', '/', '', 200, 'call', '[]', '', '')"
        )
        try:
            principal = access.authenticate(token)
        finally:
            other_process.execute("ROLLBACK")
            other_process.close()
        assert principal is not None and principal.name == "committee"


# ------------------------------------------------------------ group commit


def test_entries_waiting_together_are_committed_together_and_chained(tmp_path: Path) -> None:
    path = tmp_path / "access.db"
    with AccessStore(path) as access:
        writer = AuditWriter(access)
        other_process = sqlite3.connect(path, isolation_level=None)
        other_process.execute("BEGIN IMMEDIATE")  # the writer's first commit must wait
        first = writer.submit(_entry(0))
        _until("the writer takes the first entry", lambda: writer.waiting == 0)
        rest = [writer.submit(_entry(n)) for n in range(1, 50)]
        assert not first.done() and not any(f.done() for f in rest)  # none before durable
        other_process.execute("COMMIT")
        other_process.close()
        written = [f.result(timeout=30) for f in [first, *rest]]
        writer.close()
        assert writer.commits == 2 and writer.entries == 50  # the 49 waiting: one commit
        seqs = [entry.seq for entry in written]
        assert seqs == sorted(seqs) and len(set(seqs)) == 50  # in the order submitted
        intact, count, broken = access.verify_audit()
        assert (intact, count, broken) == (True, 50, None)
        by_subject, total = access.query_audit(subject="C000049")
        assert total == 1 and by_subject[0]["seq"] == seqs[-1]


def test_concurrent_submitters_all_get_their_entry_and_one_chain(tmp_path: Path) -> None:
    path = tmp_path / "access.db"
    with AccessStore(path) as access, AccessStore(path) as second_worker:
        writers = [AuditWriter(access), AuditWriter(second_worker)]  # two processes' writers
        with ThreadPoolExecutor(max_workers=16) as pool:
            written = list(
                pool.map(lambda n: writers[n % 2].submit(_entry(n)).result(30), range(400))
            )
        for writer in writers:
            writer.close()
        assert sorted(e.subjects[0] for e in written) == [f"C{n:06d}" for n in range(400)]
        assert len({e.seq for e in written}) == 400
        assert access.verify_audit() == (True, 400, None)


def test_a_key_another_process_made_meanwhile_is_read_not_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second worker looks for the key file before the first has made it; by the time
    it reads the log's meta, the first has made the key and written with it."""
    path = tmp_path / "access.db"
    with AccessStore(path) as first, AccessStore(path) as second:
        key_path, exists = second.audit_key_path, Path.exists
        looks: list[Path] = []

        def first_look_misses(self: Path) -> bool:
            if self == key_path and not looks:
                looks.append(self)
                first.append(_entry(1))  # the other process makes the key and keys the log
                return False
            return exists(self)

        monkeypatch.setattr(Path, "exists", first_look_misses)
        second.append(_entry(2))
        monkeypatch.undo()
        assert looks == [key_path]
        assert first.verify_audit() == (True, 2, None)
        key_path.unlink()  # a log keyed with a key now lost: refused, no new key made
    with AccessStore(path) as third, pytest.raises(AccessError, match="审计日志已用它写过记录"):
        third.append(_entry(3))
    assert not key_path.exists()


def test_a_failed_commit_fails_every_entry_in_it(tmp_path: Path) -> None:
    access = AccessStore(tmp_path / "access.db")
    writer = AuditWriter(access)
    access.close()  # the file can no longer be written
    waiting = [writer.submit(_entry(n)) for n in range(5)]
    for future in waiting:
        assert isinstance(future.exception(timeout=30), sqlite3.ProgrammingError)
    writer.close()
    with pytest.raises(RuntimeError, match="closed"):
        writer.submit(_entry(9))


# -------------------------------------------------------- over HTTP, at once


@pytest.fixture(scope="module")
def district(tmp_path_factory: pytest.TempPathFactory, small_sample_dir: Path) -> str:
    db = str(tmp_path_factory.mktemp("request-path") / "graph.db")
    with open_store(db) as store:
        load_paths(store, [small_sample_dir])
    return db


def test_concurrent_calls_are_each_audited_with_the_people_they_showed(
    district: str, tmp_path: Path
) -> None:
    access_db = tmp_path / "access.db"
    viewer = make_token(access_db, "viewer", "committee")
    with running_service(district, access_db, "--workers", "2") as base:
        client = httpx.Client(
            base_url=f"{base}/api/v1", headers={"Authorization": f"Bearer {viewer}"}, timeout=60
        )

        def page(offset: int) -> list[str]:
            answer = client.get("/cadres", params={"limit": 3, "offset": offset})
            assert answer.status_code == 200, answer.text
            return [item["id"] for item in answer.json()["items"]]

        with ThreadPoolExecutor(max_workers=12) as pool:
            shown = dict(zip(range(60), pool.map(page, range(60)), strict=True))
    with AccessStore(access_db) as access:
        entries, _ = access.query_audit(who="committee", limit=1000)
        assert access.verify_audit()[0]
    searches = {e["query"]: e for e in entries if e["path"] == "/api/v1/cadres"}
    assert len(searches) == 60
    for offset, ids in shown.items():
        entry = searches[f"limit=3&offset={offset}"]
        assert entry["status"] == 200 and entry["action"] == "search_records"
        assert entry["subjects"] == ids and len(ids) == 3


def test_no_answer_leaves_while_its_audit_entry_cannot_be_written(
    district: str, tmp_path: Path
) -> None:
    access_db = tmp_path / "access.db"
    viewer = make_token(access_db, "viewer", "committee")
    with running_service(district, access_db) as base:
        client = httpx.Client(
            base_url=f"{base}/api/v1", headers={"Authorization": f"Bearer {viewer}"}, timeout=60
        )
        assert client.get("/cadres", params={"limit": 1}).status_code == 200
        blocker = sqlite3.connect(access_db, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")  # holds the write lock past the busy timeout
        try:
            refused = client.get("/cadres", params={"limit": 1})
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        assert refused.status_code == 503
        assert refused.json()["detail"].startswith("审计日志无法写入")
        assert "items" not in refused.json()
        assert client.get("/cadres", params={"limit": 1}).status_code == 200  # and recovers


# ------------------------------------------------------------ directory search


def _naive(directory: Directory, **wanted: Any) -> list[str]:
    """The search as a plain filter over every cadre (the definition the index must keep)."""

    def within(unit: str | None, ancestor: str) -> bool:
        seen: set[str] = set()
        while unit and unit not in seen:
            if unit == ancestor:
                return True
            seen.add(unit)
            unit = directory.units.get(unit, {}).get("parent_id")
        return False

    found = []
    for cadre in directory.cadres:
        cid = cadre["id"]
        birth = cadre.get("birth")
        age = months_between(birth, directory.as_of) / 12 if birth else None
        if wanted.get("name") is not None and wanted["name"] not in str(cadre.get("name", "")):
            continue
        if any(
            wanted.get(key) is not None and cadre.get(key) != wanted[key]
            for key in ("level", "channel", "gender", "status")
        ):
            continue
        if wanted.get("unit_id") is not None and not within(
            directory.unit_of.get(cid), wanted["unit_id"]
        ):
            continue
        if wanted.get("specialty_id") is not None and wanted[
            "specialty_id"
        ] not in directory.specialties.get(cid, ()):
            continue
        if wanted.get("in_pool") is not None and (cid in directory.pool) != wanted["in_pool"]:
            continue
        if wanted.get("min_age") is not None and (age is None or age < wanted["min_age"]):
            continue
        if wanted.get("max_age") is not None and (age is None or age >= wanted["max_age"] + 1):
            continue
        found.append(cid)
    return found


@pytest.fixture(scope="module")
def directory(district: str) -> Iterator[Directory]:
    with open_store(district) as store:
        yield Directory.load(store, as_of=date(2026, 11, 1))


def test_the_prepared_search_finds_what_a_plain_filter_finds(directory: Directory) -> None:
    rng = random.Random(12)
    names = [str(c.get("name", "")) for c in directory.cadres]
    fragments = [n[:1] for n in names] + [n[1:3] for n in names] + ["", "没有这个名字"]
    units = [*directory.units, "U-none"]
    specialties = sorted({s for found in directory.specialties.values() for s in found})
    values = {
        key: sorted({str(c.get(key)) for c in directory.cadres if c.get(key)})
        for key in ("level", "channel", "gender", "status")
    }
    tried_with_hits = 0
    for _ in range(400):
        wanted: dict[str, Any] = {}
        if rng.random() < 0.6:
            wanted["name"] = rng.choice(fragments)
        if rng.random() < 0.3:
            wanted["unit_id"] = rng.choice(units)
        for key, options in values.items():
            if rng.random() < 0.2:
                wanted[key] = rng.choice(options)
        if rng.random() < 0.2:
            wanted["specialty_id"] = rng.choice(specialties)
        if rng.random() < 0.2:
            wanted["in_pool"] = rng.random() < 0.5
        if rng.random() < 0.3:
            wanted["min_age"] = rng.choice([25, 30.5, 35, 40])
        if rng.random() < 0.3:
            wanted["max_age"] = rng.choice([30, 35, 40.5, 50])
        expected = _naive(directory, **wanted)
        offset, limit = rng.choice([(0, 50), (0, 5), (3, 7)])
        items, total = directory.search_cadres(**wanted, limit=limit, offset=offset)
        assert total == len(expected), wanted
        assert [item["id"] for item in items] == expected[offset : offset + limit], wanted
        tried_with_hits += total > 0
    assert tried_with_hits > 100  # the comparison was not all empty answers


def test_posts_under_a_unit_are_those_of_the_unit_and_its_sub_units(
    directory: Directory,
) -> None:
    parent_of = {u["id"]: u.get("parent_id") for u in directory.units.values()}

    def within(unit: str | None, ancestor: str) -> bool:
        while unit is not None:
            if unit == ancestor:
                return True
            unit = parent_of.get(unit)
        return False

    nested = 0
    for unit_id in directory.units:
        posts, total = directory.search_posts(unit_id=unit_id, limit=100_000)
        expected = [p["id"] for p in directory.posts if within(p.get("unit_id"), unit_id)]
        assert [p["id"] for p in posts] == expected and total == len(expected)
        nested += any(p.get("unit_id") != unit_id for p in posts)
    assert nested > 0  # some unit's posts came from the units below it


# ------------------------------------------------------------ rebuild spacing


class _Store:
    def __init__(self) -> None:
        self.current = 1

    def version(self) -> int:
        return self.current


def test_rebuilds_are_spaced_under_writes_but_a_reader_who_asks_gets_the_newest() -> None:
    store = _Store()
    cache = AnalysisCache(rebuild_gap=3600)  # no second rebuild unasked within this test
    builds: list[int] = []

    def build() -> str:
        builds.append(store.current)
        return f"directory@{store.current}"

    def get() -> str:
        return cache.get(store, "directory", build, heavy=True)  # type: ignore[arg-type]

    assert get() == "directory@1"
    store.current = 2  # a write: the first rebuild starts at once
    assert get() == "directory@1"
    _until("the first rebuild ends", lambda: cache.stats()["version"] == 2)
    assert get() == "directory@2"
    store.current = 3  # another write within the gap: answered stale, no rebuild started
    for _ in range(5):
        assert get() == "directory@2"
    assert cache.stats()["rebuilding"] is None and cache.stats()["rebuilds"] == 1
    with reading(fresh=True) as record:  # an editor's follow-up read does not wait the gap
        assert get() == "directory@3"
    assert record.version == 3
    assert builds == [1, 2, 3] and cache.stats()["rebuilds"] == 2
