"""Who may see what: roles, bearer tokens and user accounts (stored hashed), and the
append-only audit log.

Both live in one small SQLite file beside the graph (``GRAPHSVC_ACCESS_DB``,
default ``./graphsvc-access.db``), whatever the graph store is: access control
and audit are the service's own records, not part of the talent graph.

- **Roles** decide permissions: ``viewer`` (selection committees: read records,
  run selection), ``analyst`` (+ the development analyses, kinship and
  supervision records), ``editor`` (+ writes and full ID numbers), ``admin``
  (everything, and the audit log).
- **Tokens** are random (256 bits) and shown once; only their SHA-256 is kept,
  so a copy of the file gives nobody a working token. A revoked or expired
  token stops working at once.
- **Users** (people at the workbench) sign in with a password, kept only as
  an Argon2 hash; a password an administrator hands out is for one use: the
  user must choose their own before anything else. A sign-in opens a session
  (random id, kept as a SHA-256) that ends on sign-out or after an idle time.
  Failed sign-ins are counted per account and per address, in the same transaction
  that checks the wait, so each next try waits longer (:class:`SignInThrottle`).
- **Audit**: one entry per request (who, role, from where, when, what, which
  people's records), numbered without gaps; the table refuses UPDATE and DELETE
  (triggers), and each entry carries an HMAC, keyed with a secret kept in a file
  of its own, over the hash of the one before, its number and its content, so
  :meth:`AccessStore.check_audit` finds any entry changed, removed or re-chained
  behind SQLite's back, and, against a checkpoint kept elsewhere, a cut-off tail
  (:mod:`graphsvc.audit_check`).

**Under load.** A token check reads through a connection of its own per thread
(WAL lets readers run beside a writer), so it never queues behind an audit
commit and a revocation still counts from the next request. The service writes
audit entries through an :class:`AuditWriter`: one thread commits every entry
waiting at that moment in one transaction (group commit: one ``fsync`` for many
requests, ``synchronous=FULL`` kept), and a request is answered only once the
commit holding its entry has returned.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from graphsvc.audit_check import (
    GENESIS,
    AuditCheck,
    Checkpoint,
    LogRow,
    check_log,
    entry_hash,
    key_id,
)
from graphsvc.passwords import password_problem
from graphsvc.sqlite_locks import begin_immediate

__all__ = [
    "PART_PERMISSIONS",
    "PERMISSIONS",
    "PERMISSION_TITLES",
    "ROLES",
    "AccessError",
    "AccessStore",
    "AuditEntry",
    "AuditWriter",
    "Principal",
    "Session",
    "SignInThrottle",
    "generate_password",
]

ROLES = ("viewer", "analyst", "editor", "admin")

_READ = {"read", "select"}
# A cadre's photo is on the form a committee decides with; analyses never need a face.
PERMISSIONS: dict[str, frozenset[str]] = {
    "viewer": frozenset(_READ | {"see_photo"}),
    "analyst": frozenset(_READ | {"analyse", "see_kinship", "see_supervision"}),
    "editor": frozenset(_READ | {"write", "see_id_number", "see_photo"}),
    "admin": frozenset(
        _READ
        | {"analyse", "write", "audit", "see_id_number", "see_kinship", "see_supervision",
           "see_photo"}
    ),
}  # fmt: skip
# The sensitive parts of a cadre's record, each with the permission that shows it.
PART_PERMISSIONS: dict[str, str] = {
    "id_number": "see_id_number",
    "kinship": "see_kinship",
    "supervision": "see_supervision",
    "photo": "see_photo",
}

# What each permission lets a role do, as a refusal names it to the user.
PERMISSION_TITLES: dict[str, str] = {
    "read": "查阅档案",
    "select": "选拔任用分析",
    "analyse": "培养发展分析",
    "write": "录入和修改数据",
    "audit": "查阅审计日志",
    "see_id_number": "查看完整身份证号",
    "see_kinship": "查看亲属关系",
    "see_supervision": "查看监督记录",
    "see_photo": "查看照片",
}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS tokens (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT,
    expires_at TEXT
);
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    password_set_at TEXT NOT NULL,
    disabled_at TEXT,
    must_change INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE IF NOT EXISTS sessions (
    id_hash TEXT PRIMARY KEY,
    user_name TEXT NOT NULL,
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sign_in_failures (
    key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    who TEXT,
    role TEXT,
    client TEXT,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    query TEXT NOT NULL,
    status INTEGER NOT NULL,
    action TEXT NOT NULL,
    subjects TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_at ON audit(at);
CREATE TABLE IF NOT EXISTS audit_subjects (
    seq INTEGER NOT NULL,
    subject TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_subject ON audit_subjects(subject);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_subjects_no_update BEFORE UPDATE ON audit_subjects
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_subjects_no_delete BEFORE DELETE ON audit_subjects
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TABLE IF NOT EXISTS audit_meta (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS audit_meta_no_update BEFORE UPDATE ON audit_meta
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_meta_no_delete BEFORE DELETE ON audit_meta
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""

_HASHER = PasswordHasher()  # Argon2id with the library's current recommended costs
_KEY_BYTES = 32
_BUSY_MS = 10_000  # how long a write waits for another process's (the other workers')


class AccessError(ValueError):
    """A token or role request that cannot be honoured (says why)."""


@dataclass(frozen=True)
class SignInThrottle:
    """How failed sign-ins slow the next ones down (the settings ``sign_in_*``).

    After ``n`` failures in a row the next try waits ``first_wait * 2**(n-1)`` seconds (1 s,
    2 s, 4 s ...), at most ``max_wait``; an address waits so only for its failures beyond
    ``address_allowance``; counts are forgotten after ``forget`` without a failure.
    """

    max_wait: float = 300.0
    address_allowance: int = 20
    forget: timedelta = timedelta(days=1)
    first_wait: float = 1.0

    def wait_after(self, failures: int) -> float:
        """How long the next try waits after ``failures`` failed ones in a row."""
        if failures <= 0:
            return 0.0
        return min(self.first_wait * 2.0 ** min(failures - 1, 62), self.max_wait)


@dataclass(frozen=True)
class Principal:
    """Who is calling: the token's name and role."""

    name: str
    role: str

    def can(self, permission: str) -> bool:
        return permission in PERMISSIONS.get(self.role, frozenset())

    def parts_shown(self) -> frozenset[str]:
        """The sensitive parts of a record this role sees (``id_number``, ``photo`` ...)."""
        return frozenset(part for part, needs in PART_PERMISSIONS.items() if self.can(needs))


@dataclass(frozen=True)
class Session:
    """A signed-in user at the workbench: who, which role, the form token (CSRF)."""

    user: str
    role: str
    csrf: str
    must_change: bool = False  # signed in with a one-time password: choose one first

    @property
    def principal(self) -> Principal:
        return Principal(self.user, self.role)


@dataclass
class AuditEntry:
    """One request as the audit log keeps it."""

    method: str
    path: str
    status: int
    action: str
    who: str | None = None
    role: str | None = None
    client: str | None = None
    query: str = ""
    subjects: list[str] = field(default_factory=list)
    at: str = ""
    seq: int | None = None

    def content(self) -> dict[str, Any]:
        return {
            "at": self.at,
            "who": self.who,
            "role": self.role,
            "client": self.client,
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "status": self.status,
            "action": self.action,
            "subjects": self.subjects,
        }


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def generate_password() -> str:
    """A random password of 16 letters and digits, easy to read out (no 0/O, 1/l/I)."""
    alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(16))


def _hash_password(password: str, *, user: str = "") -> str:
    problem = password_problem(password, user=user)
    if problem is not None:
        raise AccessError(problem)
    return _HASHER.hash(password)


def _verify_password(digest: str, password: str) -> bool:
    try:
        return _HASHER.verify(digest, password)
    except (VerificationError, InvalidHashError):
        return False


_DUMMY_HASH = _HASHER.hash("not-a-password-of-anyone")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


class AccessStore:
    """Tokens and the audit log in one SQLite file; safe to share between threads."""

    def __init__(self, path: Path | str, *, audit_key: Path | str | None = None) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # The audit log's secret: a file of its own, beside the access file unless placed
        # elsewhere (GRAPHSVC_AUDIT_KEY); read when the log is first written or checked.
        self.audit_key_path = (
            Path(audit_key) if audit_key else self.path.with_name(self.path.name + ".key")
        )
        self._key: bytes | None = None
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute(f"PRAGMA busy_timeout={_BUSY_MS}")
        # Token checks read through a connection per thread: no wait behind a commit.
        self._readers: dict[threading.Thread, sqlite3.Connection] = {}
        self._readers_lock = threading.Lock()
        self._db.executescript(_SCHEMA)
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(tokens)")}
        if "expires_at" not in columns:  # an access file from before tokens could expire
            self._db.execute("ALTER TABLE tokens ADD COLUMN expires_at TEXT")
        user_columns = {row[1] for row in self._db.execute("PRAGMA table_info(users)")}
        if "must_change" not in user_columns:  # users from before one-time passwords
            self._db.execute("ALTER TABLE users ADD COLUMN must_change INTEGER NOT NULL DEFAULT 0")

    def close(self) -> None:
        with self._readers_lock:
            for reader in self._readers.values():
                reader.close()
            self._readers.clear()
        self._db.close()

    def _reader(self) -> sqlite3.Connection:
        """This thread's read connection (autocommit: each statement sees the latest commit).
        Making one closes those of threads that have ended (worker pools retire threads)."""
        thread = threading.current_thread()
        reader = self._readers.get(thread)
        if reader is None:
            reader = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            reader.execute(f"PRAGMA busy_timeout={_BUSY_MS}")
            reader.execute("PRAGMA query_only=1")
            with self._readers_lock:
                for ended in [t for t in self._readers if not t.is_alive()]:
                    self._readers.pop(ended).close()
                self._readers[thread] = reader
        return reader

    def __enter__(self) -> AccessStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            begin_immediate(self._db, timeout=_BUSY_MS / 1000, busy_timeout_ms=_BUSY_MS)
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # ---------------------------------------------------------------- tokens

    def create_token(
        self,
        *,
        name: str,
        role: str,
        replace: bool = False,
        expires_at: datetime | None = None,
    ) -> str:
        """A new token for ``name`` with ``role``; returned once, kept only as a hash.

        ``replace`` revokes the name's current token first (a rotation); after
        ``expires_at`` (UTC) the token no longer works.
        """
        if role not in ROLES:
            raise AccessError(f"没有“{role}”这个角色；可选角色：{'、'.join(ROLES)}")
        if not name.strip():
            raise AccessError("令牌须有名称")
        token = "gs_" + secrets.token_urlsafe(32)
        with self._transaction() as db:
            existing = db.execute(
                "SELECT revoked_at FROM tokens WHERE name = ?", (name,)
            ).fetchone()
            if existing is not None and existing[0] is None and not replace:
                raise AccessError(
                    f"名为“{name}”的令牌已存在；请先吊销它，或选择替换（命令行加 --replace）"
                )
            db.execute("DELETE FROM tokens WHERE name = ?", (name,))
            db.execute(
                "INSERT INTO tokens (name, role, token_hash, created_at, expires_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (
                    name,
                    role,
                    _hash_token(token),
                    _now(),
                    expires_at.astimezone(UTC).isoformat(timespec="microseconds")
                    if expires_at
                    else None,
                ),
            )
        return token

    def revoke_token(self, name: str) -> bool:
        """Revoke ``name``'s token; ``False`` when there is no active token of that name."""
        with self._transaction() as db:
            cursor = db.execute(
                "UPDATE tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL",
                (_now(), name),
            )
            return cursor.rowcount > 0

    def list_tokens(self) -> list[dict[str, Any]]:
        """Names, roles and dates (never the tokens: they are not kept)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT name, role, created_at, revoked_at, expires_at FROM tokens ORDER BY name"
            ).fetchall()
        return [
            {"name": n, "role": r, "created_at": c, "revoked_at": v, "expires_at": e}
            for n, r, c, v, e in rows
        ]

    def authenticate(self, token: str) -> Principal | None:
        """The principal of an active, unexpired token, else ``None``.

        Read afresh on every call (a revocation counts from the next request), through this
        thread's own connection, so that the check never waits for an audit commit.
        """
        row = (
            self._reader()
            .execute(
                "SELECT name, role FROM tokens WHERE token_hash = ? AND revoked_at IS NULL"
                " AND (expires_at IS NULL OR expires_at > ?)",
                (_hash_token(token), _now()),
            )
            .fetchone()
        )
        return Principal(row[0], row[1]) if row else None

    # ----------------------------------------------------------------- users

    def create_user(
        self, *, name: str, role: str, password: str | None = None, one_time: bool = True
    ) -> str:
        """A new user account; returns its password (generated by default). A ``one_time``
        password must be changed at the first sign-in."""
        if role not in ROLES:
            raise AccessError(f"未知角色 {role!r}；可用角色：{'、'.join(ROLES)}")
        if not name.strip():
            raise AccessError("用户名不能为空")
        password = password or generate_password()
        digest = _hash_password(password, user=name)
        now = _now()
        with self._transaction() as db:
            if db.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
                raise AccessError(f"用户 {name!r} 已存在")
            db.execute(
                "INSERT INTO users (name, role, password_hash, created_at, password_set_at,"
                " must_change) VALUES (?, ?, ?, ?, ?, ?)",
                (name, role, digest, now, now, int(one_time)),
            )
        return password

    def set_password(self, *, name: str, password: str | None = None, one_time: bool = True) -> str:
        """A new password for ``name`` (generated by default); ends the user's sessions.

        An administrator's new password is ``one_time``; the one a user chooses is not.
        """
        password = password or generate_password()
        digest = _hash_password(password, user=name)
        with self._transaction() as db:
            cursor = db.execute(
                "UPDATE users SET password_hash = ?, password_set_at = ?, must_change = ?"
                " WHERE name = ?",
                (digest, _now(), int(one_time), name),
            )
            if cursor.rowcount == 0:
                raise AccessError(f"没有名为 {name!r} 的用户")
            db.execute("DELETE FROM sessions WHERE user_name = ?", (name,))
        return password

    def disable_user(self, name: str) -> bool:
        """Disable ``name`` and end its sessions; ``False`` when no such active user."""
        with self._transaction() as db:
            cursor = db.execute(
                "UPDATE users SET disabled_at = ? WHERE name = ? AND disabled_at IS NULL",
                (_now(), name),
            )
            db.execute("DELETE FROM sessions WHERE user_name = ?", (name,))
            return cursor.rowcount > 0

    def list_users(self) -> list[dict[str, Any]]:
        """Names, roles and dates (never the password hashes)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT name, role, created_at, password_set_at, disabled_at FROM users"
                " ORDER BY name"
            ).fetchall()
        keys = ("name", "role", "created_at", "password_set_at", "disabled_at")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    def check_password(self, name: str, password: str) -> Principal | None:
        """The user's principal when ``password`` is right and the account active."""
        with self._lock:
            row = self._db.execute(
                "SELECT role, password_hash FROM users WHERE name = ? AND disabled_at IS NULL",
                (name,),
            ).fetchone()
        if row is None:
            # Hash anyway, so an unknown name takes as long as a wrong password.
            _verify_password(_DUMMY_HASH, password)
            return None
        return Principal(name, row[0]) if _verify_password(row[1], password) else None

    # -------------------------------------------------------------- sessions

    def open_session(self, principal: Principal) -> tuple[str, Session]:
        """A new session for a signed-in user: its id (for the cookie, shown once) and itself."""
        session_id, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        now = _now()
        with self._transaction() as db:
            row = db.execute(
                "SELECT must_change FROM users WHERE name = ?", (principal.name,)
            ).fetchone()
            session = Session(principal.name, principal.role, csrf, bool(row and row[0]))
            db.execute(
                "INSERT INTO sessions (id_hash, user_name, csrf, created_at, last_seen)"
                " VALUES (?, ?, ?, ?, ?)",
                (_hash_token(session_id), principal.name, session.csrf, now, now),
            )
        return session_id, session

    def session(self, session_id: str, *, idle: timedelta) -> Session | None:
        """The live session behind ``session_id`` (its idle clock restarted), else ``None``."""
        key = _hash_token(session_id)
        now = datetime.now(UTC)
        with self._transaction() as db:
            row = db.execute(
                "SELECT s.user_name, u.role, s.csrf, s.last_seen, u.must_change FROM sessions s"
                " JOIN users u ON u.name = s.user_name"
                " WHERE s.id_hash = ? AND u.disabled_at IS NULL",
                (key,),
            ).fetchone()
            if row is None:
                return None
            if datetime.fromisoformat(row[3]) + idle < now:
                db.execute("DELETE FROM sessions WHERE id_hash = ?", (key,))
                return None
            db.execute(
                "UPDATE sessions SET last_seen = ? WHERE id_hash = ?",
                (now.isoformat(timespec="microseconds"), key),
            )
        return Session(row[0], row[1], row[2], bool(row[4]))

    def close_session(self, session_id: str) -> None:
        with self._transaction() as db:
            db.execute("DELETE FROM sessions WHERE id_hash = ?", (_hash_token(session_id),))

    def begin_sign_in(self, account: str, address: str, *, throttle: SignInThrottle) -> float:
        """Before a password is checked: the seconds this try must still wait, or ``0.0``
        when it may go on, in which case it is already counted as a failure.

        Checking the wait and counting the try are one transaction, so concurrent tries
        cannot all pass a check that none of them has counted yet: after the first wrong
        password every other try of the account waits. The account waits from its first
        failure; its address only after ``throttle.address_allowance`` failures against any
        accounts, so one address failing at one account does not lock the others out.
        Call :meth:`end_sign_in` with the outcome.
        """
        keys = (f"user:{account}", f"client:{address}")
        now = datetime.now(UTC)
        with self._transaction() as db:
            db.execute(
                "DELETE FROM sign_in_failures WHERE last_at < ?",
                ((now - throttle.forget).isoformat(timespec="microseconds"),),
            )
            counts = {
                key: (failures, datetime.fromisoformat(last))
                for key, failures, last in db.execute(
                    "SELECT key, failures, last_at FROM sign_in_failures WHERE key IN (?, ?)",
                    keys,
                )
            }
            left = 0.0
            for key, allowance in zip(keys, (0, throttle.address_allowance), strict=True):
                failures, last = counts.get(key, (0, now))
                wait = throttle.wait_after(failures - allowance)
                left = max(left, wait - (now - last).total_seconds())
            if left > 0:
                return left
            stamp = now.isoformat(timespec="microseconds")
            db.executemany(
                "INSERT INTO sign_in_failures (key, failures, last_at) VALUES (?, 1, ?)"
                " ON CONFLICT(key) DO UPDATE"
                " SET failures = failures + 1, last_at = excluded.last_at",
                [(key, stamp) for key in keys],
            )
        return 0.0

    def end_sign_in(self, account: str, address: str, *, succeeded: bool) -> int:
        """After the password was checked: a right one clears the account's count and takes
        this try off the address's; returns the account's failures in a row."""
        account_key, address_key = f"user:{account}", f"client:{address}"
        with self._transaction() as db:
            if succeeded:
                db.execute("DELETE FROM sign_in_failures WHERE key = ?", (account_key,))
                db.execute(
                    "UPDATE sign_in_failures SET failures = failures - 1 WHERE key = ?",
                    (address_key,),
                )
                db.execute("DELETE FROM sign_in_failures WHERE failures <= 0")
                return 0
            row = db.execute(
                "SELECT failures FROM sign_in_failures WHERE key = ?", (account_key,)
            ).fetchone()
        return int(row[0]) if row else 0

    # ----------------------------------------------------------------- audit

    def append(self, entry: AuditEntry) -> AuditEntry:
        """Append ``entry`` (time-stamped now), chained to the previous entry's hash."""
        return self.append_many([entry])[0]

    def append_many(self, entries: Sequence[AuditEntry]) -> list[AuditEntry]:
        """Append ``entries`` in order in one transaction (one durable commit for all), each
        time-stamped now and chained to the one before; all are written or none."""
        key = self._audit_key(create=True)
        with self._transaction() as db:
            last = db.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
            seq, prev_hash = (last[0], last[1]) if last else (0, GENESIS)
            meta = dict(db.execute("SELECT name, value FROM audit_meta").fetchall())
            if "keyed_from" not in meta:  # the first keyed entry (older ones: plain SHA-256)
                db.executemany(
                    "INSERT INTO audit_meta (name, value) VALUES (?, ?)",
                    [("keyed_from", str(seq + 1)), ("key_id", key_id(key))],
                )
            elif meta.get("key_id") != key_id(key):
                raise AccessError(
                    f"审计密钥文件 {self.audit_key_path} 不是写入此审计日志时所用的密钥"
                )
            for entry in entries:
                entry.at = entry.at or _now()
                seq += 1  # numbers run on without gaps: a missing one shows a deletion
                hashed = entry_hash(key, prev_hash, seq, entry.content())
                db.execute(
                    "INSERT INTO audit (seq, at, who, role, client, method, path, query, status,"
                    " action, subjects, prev_hash, hash)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        seq,
                        entry.at,
                        entry.who,
                        entry.role,
                        entry.client,
                        entry.method,
                        entry.path,
                        entry.query,
                        entry.status,
                        entry.action,
                        json.dumps(entry.subjects, ensure_ascii=False),
                        prev_hash,
                        hashed,
                    ),
                )
                entry.seq = seq
                db.executemany(
                    "INSERT INTO audit_subjects (seq, subject) VALUES (?, ?)",
                    [(entry.seq, subject) for subject in dict.fromkeys(entry.subjects)],
                )
                prev_hash = hashed
        return list(entries)

    def query_audit(
        self,
        *,
        subject: str | None = None,
        who: str | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> tuple[list[dict[str, Any]], int]:
        """Entries newest first, filtered; and how many match in all."""
        where, params = [], []
        if subject is not None:
            where.append("seq IN (SELECT seq FROM audit_subjects WHERE subject = ?)")
            params.append(subject)
        if who is not None:
            where.append("who = ?")
            params.append(who)
        if since is not None:
            where.append("at >= ?")
            params.append(since)
        if until is not None:
            where.append("at < ?")
            params.append(until)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        with self._lock:
            total = self._db.execute(f"SELECT count(*) FROM audit {clause}", params).fetchone()[0]
            rows = self._db.execute(
                "SELECT seq, at, who, role, client, method, path, query, status, action, subjects"
                f" FROM audit {clause} ORDER BY seq DESC LIMIT ? OFFSET ?",
                [*params, limit, offset],
            ).fetchall()
        keys = ("seq", "at", "who", "role", "client", "method", "path", "query", "status")
        entries = [
            {
                **dict(zip(keys, row[:9], strict=True)),
                "action": row[9],
                "subjects": json.loads(row[10]),
            }
            for row in rows
        ]
        return entries, int(total)

    def verify_audit(self) -> tuple[bool, int, int | None]:
        """Check the whole log: ``(intact, entries, first broken seq or None)``; see
        :meth:`check_audit` for what is found and why."""
        check = self.check_audit()
        return check.intact, check.entries, check.first_broken

    def check_audit(self, against: Checkpoint | None = None) -> AuditCheck:
        """Check every entry's keyed hash, link and number, the subject index, and, given a
        checkpoint written earlier, that the log still holds the entry it names with the
        same hash (:mod:`graphsvc.audit_check`). The findings are in Chinese."""
        with self._lock:
            meta = dict(self._db.execute("SELECT name, value FROM audit_meta").fetchall())
            index = self._db.execute("SELECT seq, subject FROM audit_subjects").fetchall()
            rows = self._db.execute(
                "SELECT seq, at, who, role, client, method, path, query, status, action,"
                " subjects, prev_hash, hash FROM audit ORDER BY seq"
            ).fetchall()
        try:
            key = self._audit_key(create=False)
        except AccessError:
            key = None
        check = check_log(
            (_log_row(row) for row in rows),
            index,
            key=key,
            keyed_from=int(meta["keyed_from"]) if "keyed_from" in meta else None,
            stored_key_id=meta.get("key_id"),
            against=against,
        )
        if key is None and rows and "keyed_from" not in meta and self.audit_key_path.exists():
            check.findings.append("审计密钥文件无法读取")
        return check

    def checkpoint(self) -> tuple[Checkpoint, AuditCheck]:
        """A checkpoint of the log as it is now (its latest entry's number and keyed hash),
        and the check of the log it was taken over: keep it only when that found nothing."""
        check = self.check_audit()
        key = self._audit_key(create=True)
        with self._lock:
            last = self._db.execute(
                "SELECT seq, hash, at FROM audit ORDER BY seq DESC LIMIT 1"
            ).fetchone()
        seq, hashed, at = last if last else (0, GENESIS, "")
        point = Checkpoint(
            seq=int(seq), hash=hashed, key_id=key_id(key), entry_at=at, written_at=Checkpoint.now()
        )
        return point, check

    def _audit_key(self, *, create: bool) -> bytes:
        """The audit key, read from its file (made, owner-only, when ``create`` and absent).

        Raises
        ------
        AccessError
            The file is missing (and not to be made), unreadable, open to others, or not a key.
        """
        if self._key is not None:
            return self._key
        path = self.audit_key_path
        if not path.exists() and create:
            with self._lock:
                keyed = self._db.execute(
                    "SELECT 1 FROM audit_meta WHERE name = 'keyed_from'"
                ).fetchone()
            if keyed:
                # The log is keyed only once the key file is in place, so another process
                # may have made both since the look above: only a file still missing is lost
                # (and a new key would make every entry written so far unverifiable).
                if not path.exists():
                    raise AccessError(
                        f"找不到审计密钥文件 {path}：审计日志已用它写过记录，请恢复该文件"
                    )
            else:
                self._make_audit_key(path)
        try:
            mode = path.stat().st_mode
            text = path.read_text(encoding="ascii").strip()
        except FileNotFoundError:
            raise AccessError(f"找不到审计密钥文件 {path}") from None
        except (OSError, UnicodeDecodeError) as error:
            raise AccessError(f"无法读取审计密钥文件 {path}：{error}") from None
        if mode & 0o077:
            raise AccessError(
                f"审计密钥文件 {path} 的权限过宽：只应由其所有者读写（chmod 600 {path}）"
            )
        try:
            key = bytes.fromhex(text)
        except ValueError:
            key = b""
        if len(key) < _KEY_BYTES:
            raise AccessError(f"审计密钥文件 {path} 的内容不是有效的密钥")
        self._key = key
        return key

    @staticmethod
    def _make_audit_key(path: Path) -> None:
        """A new key at ``path``, owner-only; a key another process links first is kept."""
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written whole under another name, then linked into place: a process starting
        # at the same moment sees no file or a whole key, and the first link wins.
        draft = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(_KEY_BYTES) + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            os.link(draft, path)
        except FileExistsError:
            pass  # another process made it a moment ago: read theirs
        finally:
            draft.unlink(missing_ok=True)


def _log_row(row: Sequence[Any]) -> LogRow:
    content = {
        "at": row[1],
        "who": row[2],
        "role": row[3],
        "client": row[4],
        "method": row[5],
        "path": row[6],
        "query": row[7],
        "status": row[8],
        "action": row[9],
        "subjects": json.loads(row[10]),
    }
    return LogRow(seq=int(row[0]), content=content, prev_hash=row[11], hash=row[12])


class AuditWriter:
    """Group commit of audit entries: many concurrent requests, one durable commit.

    :meth:`submit` queues an entry and returns a future that completes when the entry is
    committed (``synchronous=FULL``: on disk) or fails with the commit's error. One thread
    takes every entry waiting when it is free and appends them in one transaction, in the
    order submitted; while it commits, the next entries gather. A lone request waits for
    one commit, as with :meth:`AccessStore.append`; under load the ``fsync`` is shared.

    Parameters
    ----------
    access : AccessStore
        Where the entries go.
    max_batch : int
        The most entries in one transaction.
    """

    def __init__(self, access: AccessStore, *, max_batch: int = 256) -> None:
        self.access = access
        self.max_batch = max_batch
        self._pending: list[tuple[AuditEntry, Future[AuditEntry]]] = []
        self._ready = threading.Condition(threading.Lock())
        self._closed = False
        self.commits = 0
        self.entries = 0
        self._thread = threading.Thread(target=self._run, name="graphsvc-audit-writer", daemon=True)
        self._thread.start()

    def submit(self, entry: AuditEntry) -> Future[AuditEntry]:
        """Queue ``entry``; the future's result is the entry as written (with its ``seq``)."""
        done: Future[AuditEntry] = Future()
        with self._ready:
            if self._closed:
                raise RuntimeError("the audit writer is closed")
            self._pending.append((entry, done))
            self._ready.notify()
        return done

    @property
    def waiting(self) -> int:
        """Entries submitted and not yet taken into a commit."""
        with self._ready:
            return len(self._pending)

    def close(self) -> None:
        """Write what is queued, then stop the thread."""
        with self._ready:
            self._closed = True
            self._ready.notify()
        self._thread.join()

    def _run(self) -> None:
        while True:
            with self._ready:
                while not self._pending and not self._closed:
                    self._ready.wait()
                if not self._pending:
                    return  # closed, and nothing left to write
                batch = self._pending[: self.max_batch]
                del self._pending[: self.max_batch]
            try:
                self.access.append_many([entry for entry, _ in batch])
            except BaseException as error:  # every waiter learns its entry was not written
                for _, done in batch:
                    done.set_exception(error)
                continue
            self.commits += 1
            self.entries += len(batch)
            for entry, done in batch:
                done.set_result(entry)
