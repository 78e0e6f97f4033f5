"""SQLite's write lock taken promptly when several processes write one file.

SQLite's own busy handler waits for a lock by sleeping ever longer (up to 100 ms a nap)
and is not woken when the lock comes free: with two service workers appending to the same
audit log or graph file, one worker's writer kept finding the lock taken again by the
other and waited 0.1–1.4 s for a commit that takes a millisecond, while every request it
was auditing waited too. :func:`begin_immediate` asks again every millisecond or so.
"""

from __future__ import annotations

import random
import sqlite3
import time

__all__ = ["begin_immediate"]

_FIRST_NAP = 0.0005  # seconds
_LONGEST_NAP = 0.004


def begin_immediate(conn: sqlite3.Connection, *, timeout: float, busy_timeout_ms: int) -> None:
    """Start a write transaction (``BEGIN IMMEDIATE``) on ``conn``, asking for the write
    lock again every few milliseconds (with jitter, so that writers do not ask in step)
    for up to ``timeout`` seconds.

    Parameters
    ----------
    conn : sqlite3.Connection
        A connection in autocommit mode (``isolation_level=None``).
    timeout : float
        How long to wait for the lock before giving up.
    busy_timeout_ms : int
        The connection's own busy timeout, set again once the transaction has begun (the
        statements inside it wait as before).

    Raises
    ------
    sqlite3.OperationalError
        The lock stayed taken for ``timeout`` seconds ("database is locked"), or another
        error.
    """
    deadline = time.monotonic() + timeout
    nap = _FIRST_NAP
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        while True:
            try:
                conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if error.sqlite_errorcode != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                    raise
            time.sleep(nap * (0.5 + random.random()))
            nap = min(nap * 1.5, _LONGEST_NAP)
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
