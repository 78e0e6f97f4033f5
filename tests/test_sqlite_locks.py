"""graphsvc.sqlite_locks: the write lock asked for again until it comes free."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from graphsvc.sqlite_locks import begin_immediate


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    return conn


def test_the_lock_is_taken_once_another_process_lets_it_go(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    holder, waiter = _connect(path), _connect(path)
    holder.execute("CREATE TABLE entries (n INTEGER)")
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO entries VALUES (1)")
    released = threading.Event()

    def commit_later() -> None:
        released.wait(0.2)  # the waiter is already asking by then
        holder.execute("COMMIT")

    threading.Thread(target=commit_later).start()
    begin_immediate(waiter, timeout=10, busy_timeout_ms=1234)
    # The waiter holds the lock now: it sees the holder's committed row and can write.
    waiter.execute("INSERT INTO entries VALUES (2)")
    waiter.execute("COMMIT")
    assert [n for (n,) in waiter.execute("SELECT n FROM entries ORDER BY n")] == [1, 2]
    assert waiter.execute("PRAGMA busy_timeout").fetchone()[0] == 1234


def test_a_lock_held_past_the_timeout_is_a_locked_error(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    holder, waiter = _connect(path), _connect(path)
    holder.execute("CREATE TABLE entries (n INTEGER)")
    holder.execute("BEGIN IMMEDIATE")
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        begin_immediate(waiter, timeout=0.05, busy_timeout_ms=777)
    assert not waiter.in_transaction
    assert waiter.execute("PRAGMA busy_timeout").fetchone()[0] == 777
    holder.execute("ROLLBACK")


def test_other_errors_are_not_waited_on(tmp_path: Path) -> None:
    conn = _connect(tmp_path / "one.db")
    conn.execute("BEGIN")
    with pytest.raises(sqlite3.OperationalError, match="within a transaction"):
        begin_immediate(conn, timeout=10, busy_timeout_ms=5)
