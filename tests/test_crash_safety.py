"""A writer killed mid-transaction leaves the last commit, on every store."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

from graphsvc.stores import open_store
from graphsvc.stores.embedded import path_from_url

CRASHING_WRITER = textwrap.dedent(
    """
    import os, sys
    from graphsvc.rows import GraphBatch, NodeRow
    from graphsvc.stores import open_store

    def unit(i):
        return NodeRow("Unit", f"U{i:05d}", {"name": f"单位{i}", "kind": "村"})

    store = open_store(sys.argv[1])
    store.write(GraphBatch(nodes=[unit(i) for i in range(100)]))   # committed
    def die(what, done, total):
        if done >= 2000:
            os._exit(9)  # the process dies with the transaction open, no cleanup at all
    store.write(GraphBatch(nodes=[unit(i) for i in range(100, 30_000)]), on_progress=die)
    print("not reached")
    """
)


def test_a_crash_mid_write_keeps_the_last_commit(store_url: str) -> None:
    with open_store(store_url) as store:
        before = store.version()
    result = subprocess.run(
        [sys.executable, "-c", CRASHING_WRITER, store_url],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 9, result.stderr
    assert "not reached" not in result.stdout
    with open_store(store_url) as store:
        assert store.counts().nodes == {"Unit": 100}
        assert store.version() == before + 1 and not store.pending_write()
    if "://" not in store_url or store_url.startswith("sqlite"):
        with sqlite3.connect(path_from_url(store_url)) as conn:  # and the file is sound
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


CRASHING_FIRST_LOAD = textwrap.dedent(
    """
    import os, sys
    from graphsvc.rows import GraphBatch, NodeRow
    from graphsvc.stores import embedded, open_store

    embedded._INDEX_LATER_ROWS = 1000  # a first load this large goes through a rollback journal
    embedded._WRITE_CACHE_KIB = 64  # a small cache: pages reach the file before the commit
    store = open_store(sys.argv[1])
    store.write(GraphBatch())  # the file, empty
    def die(what, done, total):
        conn = store._conn()
        if done >= 2000 and conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete":
            os._exit(9)  # mid-load, pages past the file's old end already written
    units = [NodeRow("Unit", f"U{i:05d}", {"name": f"单位{i}"}) for i in range(30_000)]
    store.write(GraphBatch(nodes=units), on_progress=die)
    print("not reached")
    """
)


def test_a_crash_mid_first_load_leaves_an_empty_sound_file(tmp_path: Path) -> None:
    path = tmp_path / "graph.db"
    result = subprocess.run(
        [sys.executable, "-c", CRASHING_FIRST_LOAD, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 9, result.stderr
    assert (tmp_path / "graph.db-journal").exists()  # the hot journal the crash left
    assert path.stat().st_size > 1 << 20  # and pages of the load in the file
    with open_store(str(path)) as store:
        assert store.counts().nodes == {} and store.version() == 0
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
