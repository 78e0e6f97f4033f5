"""Checking the audit log for tampering, and checkpoints an administrator keeps elsewhere.

Each entry of the log (``graphsvc.access``) carries ``hash = HMAC-SHA256(key, prev_hash,
seq, content)``, where the content holds everything the entry says (its subjects too) and
the key is a secret kept in a file of its own. :func:`check_log` reads the whole log and
finds, in Chinese:

- an entry changed, or a chain recomputed without the key (its keyed hash does not match);
- an entry removed or inserted (the next entry's link, or a gap in the numbers);
- entries removed at the start (the first entry is not number 1 or not linked to nothing);
- rows of the subject index removed, added or changed (``audit --subject`` would miss them);
- with a checkpoint (:class:`Checkpoint`, written by ``graphsvc audit --checkpoint FILE``):
  entries removed at the end, and any rewrite of the log up to the checkpoint, even by
  someone who holds the key.

What it cannot find is said in docs/api.md (Security): someone holding the key can rewrite
or drop entries written after the last checkpoint; entries written before the key existed
(an access file from an older graphsvc) are protected only by the unkeyed chain.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = [
    "GENESIS",
    "AuditCheck",
    "Checkpoint",
    "CheckpointError",
    "LogRow",
    "check_log",
    "entry_hash",
    "key_id",
]

GENESIS = "0" * 64
_CHECKPOINT_FORMAT = "graphsvc-audit-checkpoint/1"


@dataclass(frozen=True)
class LogRow:
    """One stored entry as the check reads it: its number, content, link and hash."""

    seq: int
    content: dict[str, Any]
    prev_hash: str
    hash: str


def _text(content: dict[str, Any]) -> str:
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def entry_hash(key: bytes | None, prev_hash: str, seq: int, content: dict[str, Any]) -> str:
    """The hash an entry carries: keyed (HMAC-SHA256 over the link, the number and the
    content), or, for entries written before the log had a key, the old plain SHA-256."""
    if key is None:
        return hashlib.sha256((prev_hash + _text(content)).encode("utf-8")).hexdigest()
    message = f"{prev_hash}\n{seq}\n{_text(content)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def key_id(key: bytes) -> str:
    """A short fingerprint of the key (tells a wrong key file from tampering); not the key."""
    return hmac.new(key, b"graphsvc audit key id", hashlib.sha256).hexdigest()[:16]


class CheckpointError(ValueError):
    """A checkpoint file that cannot be read (says why, in Chinese)."""


@dataclass(frozen=True)
class Checkpoint:
    """The latest entry's number and keyed hash at one moment, for keeping elsewhere."""

    seq: int
    hash: str
    key_id: str
    entry_at: str = ""
    written_at: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": _CHECKPOINT_FORMAT,
            "seq": self.seq,
            "hash": self.hash,
            "key_id": self.key_id,
            "entry_at": self.entry_at,
            "written_at": self.written_at,
        }

    def write(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.as_dict(), ensure_ascii=False, indent=1), "utf-8")
        return path

    @classmethod
    def read(cls, path: Path) -> Checkpoint:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CheckpointError(f"检查点文件 {path} 不存在") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            raise CheckpointError(f"{path} 不是可读的审计检查点文件") from None
        if not isinstance(data, dict) or data.get("format") != _CHECKPOINT_FORMAT:
            raise CheckpointError(
                f"{path} 不是审计检查点文件（应由 graphsvc audit --checkpoint 生成）"
            )
        try:
            return cls(
                seq=int(data["seq"]),
                hash=str(data["hash"]),
                key_id=str(data["key_id"]),
                entry_at=str(data.get("entry_at", "")),
                written_at=str(data.get("written_at", "")),
            )
        except (KeyError, TypeError, ValueError):
            raise CheckpointError(f"{path} 缺少检查点的编号或哈希") from None

    @staticmethod
    def now() -> str:
        return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class AuditCheck:
    """What a check of the log found: ``findings`` (tampering, in Chinese), ``notes`` (facts
    worth knowing that are not tampering), the number of entries and the first broken one."""

    entries: int = 0
    findings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    first_broken: int | None = None
    last_seq: int = 0
    last_hash: str = GENESIS

    @property
    def intact(self) -> bool:
        return not self.findings

    def broken(self, seq: int, finding: str) -> None:
        self.findings.append(finding)
        if self.first_broken is None or seq < self.first_broken:
            self.first_broken = seq

    def as_dict(self) -> dict[str, Any]:
        return {
            "intact": self.intact,
            "entries": self.entries,
            "first_broken": self.first_broken,
            "last_seq": self.last_seq,
            "findings": self.findings,
            "notes": self.notes,
        }


def _ranges(numbers: Sequence[int]) -> str:
    """``[3, 4, 5, 9]`` → ``第3–5、9条``; long lists are cut with a count."""
    spans: list[tuple[int, int]] = []
    for number in numbers:
        if spans and number == spans[-1][1] + 1:
            spans[-1] = (spans[-1][0], number)
        else:
            spans.append((number, number))
    shown = [f"{a}" if a == b else f"{a}–{b}" for a, b in spans[:10]]
    more = f"等{len(spans)}处" if len(spans) > 10 else ""
    return f"第{'、'.join(shown)}{more}条"


def check_log(
    rows: Iterable[LogRow],
    index: Iterable[tuple[int, str]],
    *,
    key: bytes | None,
    keyed_from: int | None,
    stored_key_id: str | None,
    against: Checkpoint | None = None,
) -> AuditCheck:
    """Check every entry, the subject index and, if given, a checkpoint.

    Parameters
    ----------
    rows : iterable of LogRow
        The entries in order of their numbers.
    index : iterable of (seq, subject)
        The rows of the subject index.
    key : bytes or None
        The audit key (None: it could not be read; keyed hashes are then not checked).
    keyed_from : int or None
        The number of the first entry written with the key (None: no entry was).
    stored_key_id : str or None
        The fingerprint of the key the log was written with.
    against : Checkpoint, optional
        A checkpoint written earlier.
    """
    check = AuditCheck()
    if key is not None and stored_key_id is not None and key_id(key) != stored_key_id:
        check.findings.append("审计密钥文件与写入日志时所用的密钥不同：请使用原来的密钥文件核验")
        key = None  # every keyed hash would fail: said once, not for every entry
    elif key is None and keyed_from is not None:
        check.findings.append("找不到可用的审计密钥文件：带密钥的记录无法核验")
    prev_hash, expected = GENESIS, 1
    unlinked: list[int] = []
    forged: list[int] = []
    legacy = 0
    subjects: set[tuple[int, str]] = set()
    at_checkpoint: str | None = None
    for row in rows:
        check.entries += 1
        if row.seq != expected:
            missing = row.seq - expected
            where = "日志开头" if expected == 1 else f"第{expected - 1}条与第{row.seq}条之间"
            check.broken(
                row.seq,
                f"{where}缺少{missing}条记录（编号不连续）：记录被删除"
                if missing > 0
                else f"第{row.seq}条记录的编号不按顺序：记录被改动",
            )
        if row.prev_hash != prev_hash:
            unlinked.append(row.seq)
        keyed = keyed_from is not None and row.seq >= keyed_from
        legacy += not keyed
        checkable = key is not None or not keyed  # keyed entries need the key
        if checkable and row.hash != entry_hash(
            key if keyed else None, row.prev_hash, row.seq, row.content
        ):
            forged.append(row.seq)
        subjects.update((row.seq, str(subject)) for subject in row.content.get("subjects", []))
        if against is not None and row.seq == against.seq:
            at_checkpoint = row.hash
        prev_hash, expected = row.hash, row.seq + 1
        check.last_seq, check.last_hash = row.seq, row.hash
    if unlinked:
        check.broken(
            unlinked[0],
            f"{_ranges(unlinked)}记录与其前一条的链接不符：其前有记录被删除、插入或改动",
        )
    if forged:
        check.broken(
            forged[0],
            f"{_ranges(forged)}记录的内容与其哈希不符：记录被改动，或哈希链被重新计算",
        )
    if legacy:
        check.notes.append(
            f"有{legacy}条记录写于审计日志启用密钥之前，只受无密钥哈希链保护"
            "（能发现改动和删除，但不能发现整条链被重新计算）"
        )
    _check_index(check, subjects, index)
    if against is not None:
        _check_checkpoint(check, against, at_checkpoint, keyed_from, stored_key_id)
    return check


def _check_index(
    check: AuditCheck, subjects: set[tuple[int, str]], index: Iterable[tuple[int, str]]
) -> None:
    """The subject index (what ``audit --subject`` reads) must list exactly the entries'
    own subjects, which the hash covers."""
    indexed = {(int(seq), str(subject)) for seq, subject in index}
    missing = sorted(subjects - indexed)
    extra = sorted(indexed - subjects)
    if missing:
        people = "、".join(dict.fromkeys(subject for _, subject in missing[:20]))
        check.broken(
            missing[0][0],
            f"人员索引缺少{len(missing)}行（{_ranges(sorted({s for s, _ in missing}))}记录，"
            f"涉及 {people}）：按人员查询审计日志会漏掉这些记录",
        )
    if extra:
        seqs = _ranges(sorted({s for s, _ in extra}))
        check.broken(extra[0][0], f"人员索引多出{len(extra)}行，与记录所载人员不符（{seqs}）")


def _check_checkpoint(
    check: AuditCheck,
    against: Checkpoint,
    stored_hash: str | None,
    keyed_from: int | None,
    stored_key_id: str | None,
) -> None:
    """The entry a checkpoint names must still be there with the hash it recorded; since
    each hash covers the one before, everything up to it is then as it was."""
    when = f"检查点（{against.written_at or '时间不详'}）"
    if against.seq == 0:
        return
    if stored_key_id is not None and against.key_id != stored_key_id:
        check.broken(against.seq, f"{when}是用另一把审计密钥写的，与本日志不符")
    if stored_hash is None:
        if check.last_seq < against.seq:
            check.broken(
                check.last_seq + 1,
                f"{when}记到第{against.seq}条，日志却只到第{check.last_seq}条：末尾的记录被删除",
            )
        else:
            check.broken(against.seq, f"{when}所记的第{against.seq}条记录已不在日志中")
    elif stored_hash != against.hash:
        check.broken(
            against.seq,
            f"第{against.seq}条记录与{when}所记的哈希不同："
            "检查点之前的日志被改写（记录被删除、改动或重新计算）",
        )
    elif keyed_from is None or against.seq < keyed_from:
        check.broken(against.seq, f"{when}所记的第{against.seq}条记录在日志中成了无密钥记录")
