"""Saved round plans (整体方案存档): what a committee decided to take into the meeting.

A plan is kept as it was shown: its options, its answer (the round's typed answer, as JSON),
who saved it, when, on which day's rules and from which graph version, so that reopening it
shows the same plan even after the graph has changed (and says that it has). Plans live in
their own table of the access file (beside accounts and the audit log), outside the graph:
they are the committee's working papers, not facts about people.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

__all__ = ["MAX_NAME", "Plan", "PlanError", "PlanStore", "PlanSummary"]

MAX_NAME = 60

_SCHEMA = """
CREATE TABLE IF NOT EXISTS round_plans (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    graph_version INTEGER NOT NULL,
    as_of TEXT NOT NULL,
    options BLOB NOT NULL,
    result BLOB NOT NULL,
    posts INTEGER NOT NULL DEFAULT 0,
    filled INTEGER NOT NULL DEFAULT 0,
    total REAL NOT NULL DEFAULT 0
);
"""


_PLAN = "id, name, created_at, created_by, graph_version, as_of, options, result"


class PlanError(ValueError):
    """A plan that cannot be saved as given (the message says why, in Chinese)."""


@dataclass(frozen=True)
class Plan:
    """A saved plan; ``result`` is the round's answer exactly as it was shown."""

    id: int
    name: str
    created_at: datetime
    created_by: str
    graph_version: int
    as_of: str
    options: dict[str, Any]
    result: dict[str, Any]

    @property
    def cadre_ids(self) -> list[str]:
        """Everyone the plan shows: appointees and runners-up (for the audit). The answer is
        the round's, or under ``result`` beside what the page shows with it."""
        answer = self.result.get("result", self.result)
        people = [str(a["cadre_id"]) for a in answer.get("assignments", [])]
        for runners in answer.get("runners_up", {}).values():
            people += [str(r["cadre_id"]) for r in runners]
        return list(dict.fromkeys(people))


@dataclass(frozen=True)
class PlanSummary:
    """A plan as a list of plans shows it (without its answer)."""

    id: int
    name: str
    created_at: datetime
    created_by: str
    graph_version: int
    as_of: str
    posts: int
    filled: int
    total: float


class PlanStore:
    """The plans table of an SQLite file (created on first use); safe across threads."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA busy_timeout=10000")
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)
        # A table made before the list's summary columns gets them (older plans show 0).
        have = {row[1] for row in self._db.execute("PRAGMA table_info(round_plans)")}
        for column, kind in (("posts", "INTEGER"), ("filled", "INTEGER"), ("total", "REAL")):
            if column not in have:
                self._db.execute(
                    f"ALTER TABLE round_plans ADD COLUMN {column} {kind} NOT NULL DEFAULT 0"
                )

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def save(
        self,
        *,
        name: str,
        created_by: str,
        graph_version: int,
        as_of: str,
        options: dict[str, Any],
        result: dict[str, Any],
        posts: int = 0,
        filled: int = 0,
        total: float = 0.0,
    ) -> Plan:
        """Keep a plan; the name is trimmed and must be 1 to ``MAX_NAME`` characters.
        ``posts``, ``filled`` and ``total`` are what the list of plans shows."""
        name = " ".join(name.split())
        if not name:
            raise PlanError("请给方案起一个名称。")
        if len(name) > MAX_NAME:
            raise PlanError(f"方案名称最多{MAX_NAME}个字（现在{len(name)}个字）。")
        created = datetime.now(UTC).replace(microsecond=0)
        with self._lock:
            cursor = self._db.execute(
                "INSERT INTO round_plans (name, created_at, created_by, graph_version, as_of,"
                " options, result, posts, filled, total) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    name,
                    created.isoformat(),
                    created_by,
                    graph_version,
                    as_of,
                    orjson.dumps(options),
                    orjson.dumps(result),
                    posts,
                    filled,
                    total,
                ),
            )
            plan_id = int(cursor.lastrowid or 0)
        return Plan(plan_id, name, created, created_by, graph_version, as_of, options, result)

    def get(self, plan_id: int) -> Plan | None:
        with self._lock:
            row = self._db.execute(
                f"SELECT {_PLAN} FROM round_plans WHERE id = ?",
                (plan_id,),
            ).fetchone()
        return None if row is None else _plan(row)

    def list(self) -> list[PlanSummary]:
        """Every plan, the newest first, without their answers."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, name, created_at, created_by, graph_version, as_of, posts, filled,"
                " total FROM round_plans ORDER BY id DESC"
            ).fetchall()
        return [
            PlanSummary(int(i), str(n), datetime.fromisoformat(c), str(b), int(v), str(a), p, f, t)
            for i, n, c, b, v, a, p, f, t in rows
        ]


def _plan(row: tuple[Any, ...]) -> Plan:
    plan_id, name, created, by, version, as_of, options, result = row
    return Plan(
        int(plan_id),
        str(name),
        datetime.fromisoformat(created),
        str(by),
        int(version),
        str(as_of),
        orjson.loads(options),
        orjson.loads(result),
    )
