"""The audit log shows tampering: keyed hashes, numbers without gaps, the subject index
checked against the entries, and checkpoints kept elsewhere (`graphsvc audit --checkpoint`,
`graphsvc audit --verify --against`). Each test tampers as someone with the file but not the
key would: triggers dropped, rows deleted or rewritten, the chain recomputed."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import stat
from pathlib import Path

import httpx
import pytest
from click.testing import Result
from typer.testing import CliRunner

from cli import app as graphsvc
from graphsvc.access import AccessError, AccessStore, AuditEntry
from tests.service import make_token, running_service


def _fill(path: Path, count: int, *, subject_every: int = 3) -> None:
    with AccessStore(path) as access:
        access.append_many(
            [
                AuditEntry(
                    "GET",
                    f"/api/v1/cadres/C{n:06d}",
                    200,
                    "read_record",
                    who="viewer",
                    subjects=["C000007"] if n % subject_every == 0 else [f"C{n:06d}"],
                )
                for n in range(count)
            ]
        )


def audit(*args: str, access_db: Path) -> Result:
    return CliRunner().invoke(graphsvc, ["audit", *args, "--access-db", str(access_db)])


def _tamper(path: Path, *statements: str) -> None:
    db = sqlite3.connect(path)
    for trigger in ("audit_no_update", "audit_no_delete", "audit_subjects_no_delete"):
        db.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    for statement in statements:
        db.execute(statement)
    db.commit()
    db.close()


def test_an_intact_log_verifies_and_a_checkpoint_agrees(tmp_path: Path) -> None:
    path = tmp_path / "access.db"
    _fill(path, 40)
    key = path.with_name("access.db.key")
    assert stat.S_IMODE(key.stat().st_mode) == 0o600  # the key: a file of its own, owner-only
    point = tmp_path / "elsewhere" / "checkpoint.json"
    written = audit("--checkpoint", str(point), access_db=path)
    assert written.exit_code == 0, written.output
    assert json.loads(point.read_text("utf-8"))["seq"] == 40
    _fill(path, 5)  # the log grows after the checkpoint: still agrees
    verified = audit("--verify", "--against", str(point), access_db=path)
    assert verified.exit_code == 0, verified.output
    assert "共 45 条记录；未发现篡改" in verified.output
    as_json = json.loads(audit("--verify", "--json", access_db=path).stdout)
    assert as_json["intact"] is True and as_json["findings"] == [] and as_json["entries"] == 45


def test_a_cut_off_tail_is_found_against_a_checkpoint(tmp_path: Path) -> None:
    path = tmp_path / "access.db"
    _fill(path, 40)
    point = tmp_path / "checkpoint.json"
    assert audit("--checkpoint", str(point), access_db=path).exit_code == 0
    _tamper(path, "DELETE FROM audit WHERE seq > 30", "DELETE FROM audit_subjects WHERE seq > 30")
    found = audit("--verify", "--against", str(point), access_db=path)
    assert found.exit_code == 1
    assert "记到第40条，日志却只到第30条：末尾的记录被删除" in found.output
    # New entries take the deleted numbers: the checkpoint's entry is not the one it recorded.
    _fill(path, 15)
    again = audit("--verify", "--against", str(point), access_db=path)
    assert again.exit_code == 1 and "所记的哈希不同" in again.output


def test_an_entry_removed_from_the_middle_is_found(tmp_path: Path) -> None:
    path = tmp_path / "access.db"
    _fill(path, 20)
    _tamper(path, "DELETE FROM audit WHERE seq = 12", "DELETE FROM audit_subjects WHERE seq = 12")
    found = audit("--verify", access_db=path)
    assert found.exit_code == 1
    assert "第11条与第13条之间缺少1条记录" in found.output
    assert "第13条记录与其前一条的链接不符" in found.output


def test_a_persons_rows_removed_from_the_subject_index_are_found(tmp_path: Path) -> None:
    path = tmp_path / "access.db"
    _fill(path, 30)
    with AccessStore(path) as access:
        assert access.query_audit(subject="C000007")[1] == 11
    _tamper(path, "DELETE FROM audit_subjects WHERE subject = 'C000007'")
    with AccessStore(path) as access:
        assert access.query_audit(subject="C000007")[1] == 0  # what the deletion hides
    found = audit("--verify", access_db=path)
    assert found.exit_code == 1
    assert "人员索引缺少11行" in found.output and "C000007" in found.output


def _rechain(path: Path, *, deleted: set[int]) -> None:
    """Delete entries, renumber the rest and recompute every hash as the old unkeyed chain
    did: what someone with the file but without the key can do."""
    db = sqlite3.connect(path)
    for trigger in ("audit_no_update", "audit_no_delete", "audit_subjects_no_delete"):
        db.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    rows = db.execute(
        "SELECT seq, at, who, role, client, method, path, query, status, action, subjects"
        " FROM audit ORDER BY seq"
    ).fetchall()
    db.execute("DELETE FROM audit")
    db.execute("DELETE FROM audit_subjects")
    prev = "0" * 64
    kept = [row for row in rows if row[0] not in deleted]
    for seq, row in enumerate(kept, start=1):
        keys = ("at", "who", "role", "client", "method", "path", "query", "status", "action")
        content = {**dict(zip(keys, row[1:10], strict=True)), "subjects": json.loads(row[10])}
        text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        guess = hashlib.sha256((prev + text).encode()).hexdigest()
        db.execute(
            "INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (seq, *row[1:], prev, guess),
        )
        for subject in json.loads(row[10]):
            db.execute("INSERT INTO audit_subjects VALUES (?, ?)", (seq, subject))
        prev = guess
    db.commit()
    db.close()


def test_a_recomputed_chain_is_found(tmp_path: Path) -> None:
    path = tmp_path / "access.db"
    _fill(path, 20)
    _rechain(path, deleted={7, 8})
    found = audit("--verify", access_db=path)
    assert found.exit_code == 1
    assert "第1–18条记录的内容与其哈希不符" in found.output


def test_the_key_is_kept_apart_and_guarded(tmp_path: Path) -> None:
    path = tmp_path / "access.db"
    key = tmp_path / "keys" / "audit.key"
    with AccessStore(path, audit_key=key) as access:
        access.append(AuditEntry("GET", "/api/v1/cadres", 200, "search"))
    assert key.exists() and not path.with_name("access.db.key").exists()
    assert key.read_text().strip() not in path.read_bytes().decode("latin1")  # not in the log
    key.chmod(0o644)
    with AccessStore(path, audit_key=key) as access, pytest.raises(AccessError, match="权限过宽"):
        access.append(AuditEntry("GET", "/api/v1/cadres", 200, "search"))
    key.unlink()
    with AccessStore(path, audit_key=key) as access:
        with pytest.raises(AccessError, match="找不到审计密钥文件"):
            access.append(AuditEntry("GET", "/api/v1/cadres", 200, "search"))
        check = access.check_audit()
    assert not check.intact and "找不到可用的审计密钥文件" in check.findings[0]
    assert not key.exists()  # a check never makes a key that would bless a rewritten log


def test_an_older_unkeyed_log_goes_on_keyed(tmp_path: Path) -> None:
    """An access file from before the key: its entries stay checkable by the plain chain,
    and entries from then on are keyed."""
    path = tmp_path / "access.db"
    _fill(path, 5)
    _rechain(path, deleted=set())  # as the older graphsvc wrote them: plain SHA-256
    db = sqlite3.connect(path)
    db.execute("DROP TABLE audit_meta")
    db.commit()
    db.close()
    path.with_name("access.db.key").unlink()
    with AccessStore(path) as access:
        access.append(AuditEntry("GET", "/api/v1/cadres", 200, "search"))
        check = access.check_audit()
    assert check.intact and check.entries == 6
    assert "有5条记录写于审计日志启用密钥之前" in check.notes[0]


def test_forwarded_for_is_believed_only_from_trusted_proxies(
    tmp_path: Path, small_sample_dir: Path
) -> None:
    store, access_db = str(tmp_path / "graph.db"), tmp_path / "access.db"
    token = make_token(access_db, "viewer", "proxy-test")
    headers = {"Authorization": f"Bearer {token}", "X-Forwarded-For": "203.0.113.9"}
    for trusted, shown in (("", "127.0.0.1"), ("127.0.0.1", "203.0.113.9")):
        with running_service(store, access_db, GRAPHSVC_TRUSTED_PROXIES=trusted) as base:
            assert httpx.get(f"{base}/api/v1/health/detail", headers=headers).status_code == 200
        with AccessStore(access_db) as access:
            entry = access.query_audit(who="proxy-test", limit=1)[0][0]
        assert entry["client"].split(":")[0] == shown, trusted
