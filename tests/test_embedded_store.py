"""What only the embedded store promises: one file, survives a crash mid-write."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from graphsvc.stores import StoreError, open_store
from graphsvc.stores.embedded import EmbeddedStore, path_from_url

CRASHING_WRITER = textwrap.dedent(
    """
    import os, sys
    from datetime import date
    from graphsvc.rows import GraphBatch, NodeRow
    from graphsvc.stores import open_store

    def unit(i):
        return NodeRow("Unit", f"U{i:05d}", {"name": f"单位{i}", "kind": "村"})

    store = open_store(sys.argv[1])
    store.write(GraphBatch(nodes=[unit(i) for i in range(100)]))   # committed
    def die(what, done, total):
        if done >= 2000:
            os._exit(9)  # the process dies mid-transaction, no cleanup at all
    store.write(GraphBatch(nodes=[unit(i) for i in range(100, 10_000)]), on_progress=die)
    print("not reached")
    """
)


def test_a_crash_mid_write_keeps_the_last_commit(tmp_path: Path) -> None:
    db = tmp_path / "crash.db"
    result = subprocess.run(
        [sys.executable, "-c", CRASHING_WRITER, str(db)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 9, result.stderr
    assert "not reached" not in result.stdout
    store = open_store(str(db))
    try:
        assert store.counts().nodes == {"Unit": 100}
        assert store.version() == 1
    finally:
        store.close()
    # And the file is a sound SQLite database.
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_urls_name_the_file(tmp_path: Path) -> None:
    # SQLAlchemy's convention: three slashes then a relative path, four for an absolute one.
    assert path_from_url("sqlite:///var/x.db") == Path("var/x.db")
    assert path_from_url("sqlite:////tmp/x.db") == Path("/tmp/x.db")
    assert path_from_url("file:rel.db") == Path("rel.db")
    assert path_from_url("./graphsvc.db") == Path("graphsvc.db")
    store = open_store(f"sqlite:///{tmp_path}/nested/dir/g.db")
    assert isinstance(store, EmbeddedStore)
    store.close()
    assert (tmp_path / "nested/dir/g.db").exists()


def test_refuses_what_is_not_a_store(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    with pytest.raises(StoreError, match="not a graphsvc store"):
        open_store(str(other))
    text = tmp_path / "notes.db"
    text.write_text("just some text, long enough to not look like an empty database" * 20)
    with pytest.raises(StoreError, match="not a graphsvc store"):
        open_store(str(text))
    with pytest.raises(StoreError, match="folder"):
        open_store(str(tmp_path))
    with pytest.raises(StoreError, match="unknown store URL scheme"):
        open_store("postgres://localhost/db")
