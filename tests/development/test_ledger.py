"""The ledger on both stores: a pairing made, ended (kept with its date and reason) and undone;
a cadre entering and leaving the pool; the analyses read an ended pairing as ended."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from graphsvc.stores import GraphStore
from loaders.load import load_paths, load_records
from loaders.sample import AS_OF
from queries.development import ledger
from queries.development.data import DevelopmentData
from queries.development.mentoring import coverage, recommend_mentors
from queries.development.pool import pool_review
from queries.selection.policy import load_policy

TODAY = AS_OF  # the sample's "today"


def _data(store: GraphStore, source: str = "snapshot") -> DevelopmentData:
    return DevelopmentData.load(store, policy=load_policy(), as_of=TODAY, source=source)  # type: ignore[arg-type]


def _write(store: GraphStore, table: str, row: dict[str, Any]) -> None:
    load_records(store, table, [row], source="test")


def _pairing(store: GraphStore, mentor: str, mentee: str) -> dict[str, Any]:
    found = [
        dict(e.props)
        for e in store.edges_of("Cadre", mentee)
        if e.type == "MENTORS" and e.other_id == mentor
    ]
    assert len(found) == 1, found
    return found[0]


def test_a_pairing_is_made_ended_and_undone_and_kept(
    store: GraphStore, small_sample_dir: Path
) -> None:
    load_paths(store, [small_sample_dir])
    before = coverage(data=_data(store))
    first, second = recommend_mentors(data=_data(store))["pairs"][:2]

    # Made: recorded by whom and when; the mentee is covered.
    made = ledger.new_pairing_row(
        store=store,
        mentor_id=first["mentor_id"],
        mentee_id=first["mentee_id"],
        start=TODAY,
        by="编辑甲",
        today=TODAY,
    )
    _write(store, "mentoring", made)
    assert coverage(data=_data(store))["covered"] == before["covered"] + 1
    with pytest.raises(ledger.EditRefused, match="已在结对中") as twice:
        ledger.new_pairing_row(
            store=store,
            mentor_id=first["mentor_id"],
            mentee_id=first["mentee_id"],
            start=TODAY,
            by="编辑甲",
            today=TODAY,
        )
    assert twice.value.status == 409

    # Ended a month later: kept, with the date, the reason and who ended it.
    later = TODAY + timedelta(days=31)
    ended = ledger.end_pairing_row(
        store=store,
        mentor_id=first["mentor_id"],
        mentee_id=first["mentee_id"],
        start=TODAY,
        end=later,
        reason="导师调离",
        by="编辑乙",
        today=later,
    )
    _write(store, "mentoring", ended)
    kept = _pairing(store, first["mentor_id"], first["mentee_id"])
    assert kept["end"] == later and kept["end_reason"] == "导师调离"
    assert kept["recorded_by"] == "编辑甲" and kept["recorded_on"] == TODAY
    assert kept["ended_by"] == "编辑乙"
    # Read from the snapshot and row by row alike; ended on the day it ends, in force before.
    for source in ("snapshot", "store"):
        pairing = next(
            p
            for p in _data(store, source).pairings
            if (p.mentor_id, p.mentee_id) == (first["mentor_id"], first["mentee_id"])
        )
        assert (pairing.end, pairing.end_reason, pairing.ended_by) == (later, "导师调离", "编辑乙")
        assert ledger.pairing_state(pairing, later) == "ended"
        assert ledger.pairing_state(pairing, later - timedelta(days=1)) == "current"
    after_end = DevelopmentData.load(store, policy=load_policy(), as_of=later)
    assert first["mentee_id"] in {u["cadre_id"] for u in coverage(data=after_end)["uncovered"]}
    with pytest.raises(ledger.EditRefused, match="已于") as again:
        ledger.end_pairing_row(
            store=store,
            mentor_id=first["mentor_id"],
            mentee_id=first["mentee_id"],
            start=TODAY,
            end=later,
            reason="再次结束",
            by="编辑乙",
            today=later,
        )
    assert again.value.status == 409

    # Undone: recorded by mistake, so it ends the day it starts and never counted.
    _write(
        store,
        "mentoring",
        ledger.new_pairing_row(
            store=store,
            mentor_id=second["mentor_id"],
            mentee_id=second["mentee_id"],
            start=TODAY,
            by="编辑甲",
            today=TODAY,
        ),
    )
    _write(
        store,
        "mentoring",
        ledger.undo_pairing_row(
            store=store,
            mentor_id=second["mentor_id"],
            mentee_id=second["mentee_id"],
            start=TODAY,
            reason="选错了导师",
            by="编辑甲",
            today=TODAY,
        ),
    )
    undone = _pairing(store, second["mentor_id"], second["mentee_id"])
    assert undone["end"] == TODAY and undone["end_reason"] == "撤销：选错了导师"
    with pytest.raises(ledger.EditRefused, match="记录保留不变"):  # never overwritten
        ledger.new_pairing_row(
            store=store,
            mentor_id=second["mentor_id"],
            mentee_id=second["mentee_id"],
            start=TODAY,
            by="编辑甲",
            today=TODAY,
        )
    data = _data(store)
    assert second["mentee_id"] in {u["cadre_id"] for u in coverage(data=data)["uncovered"]}
    entries = {(e["mentor_id"], e["mentee_id"]): e for e in ledger.pairing_ledger(data=data)}
    shown = entries[(second["mentor_id"], second["mentee_id"])]
    assert shown["state"] == "undone" and shown["recorded_by"] == "编辑甲"
    assert shown["mentee_name"] and shown["mentor_name"]
    # The two pairings are still there, with everything else the store held.
    assert len(entries) == len(data.pairings) >= 2


def test_a_cadre_enters_and_leaves_the_pool(store: GraphStore, small_sample_dir: Path) -> None:
    load_paths(store, [small_sample_dir])
    data = _data(store)
    before = pool_review(data=data)
    outside = next(c for c in sorted(data.records) if c not in data.pool_members())
    pool_id = next(iter(data.pools))
    entered = ledger.enter_pool_row(
        store=store,
        cadre_id=outside,
        pool_id=pool_id,
        start=TODAY,
        reason="单位推荐、组织考察",
        by="编辑甲",
        today=TODAY,
    )
    _write(store, "pool_membership", entered)
    assert pool_review(data=_data(store))["size"] == before["size"] + 1
    with pytest.raises(ledger.EditRefused, match="已在库中"):
        ledger.enter_pool_row(
            store=store,
            cadre_id=outside,
            pool_id=pool_id,
            start=TODAY,
            reason="重复",
            by="编辑甲",
            today=TODAY,
        )

    later = TODAY + timedelta(days=40)
    left = ledger.leave_pool_row(
        store=store, cadre_id=outside, end=later, reason="考核下降", by="编辑乙", today=later
    )
    _write(store, "pool_membership", left)
    stays = [e.props for e in store.edges_of("Cadre", outside) if e.type == "IN_POOL"]
    assert len(stays) == 1
    assert stays[0]["start"] == TODAY and stays[0]["end"] == later
    assert stays[0]["entry_reason"] == "单位推荐、组织考察"
    assert stays[0]["exit_reason"] == "考核下降"
    assert stays[0]["recorded_by"] == "编辑甲" and stays[0]["ended_by"] == "编辑乙"
    at_later = DevelopmentData.load(store, policy=load_policy(), as_of=later)
    assert outside not in at_later.pool_members()
    row = next(r for r in ledger.pool_ledger(data=at_later) if r["cadre_id"] == outside)
    assert not row["current"] and row["exit_reason"] == "考核下降"
    with pytest.raises(ledger.EditRefused, match="目前不在库中"):
        ledger.leave_pool_row(
            store=store, cadre_id=outside, end=later, reason="再次", by="编辑乙", today=later
        )


def test_changes_that_cannot_be_made_say_why(tmp_path: Path, small_sample_dir: Path) -> None:
    from graphsvc.stores import open_store

    with open_store(str(tmp_path / "g.db")) as store:
        load_paths(store, [small_sample_dir])
        data = _data(store)
        pairing = next(p for p in data.pairings if p.end is None and p.start < TODAY)
        common = {"store": store, "mentor_id": pairing.mentor_id, "mentee_id": pairing.mentee_id}
        with pytest.raises(ledger.EditRefused, match="请填写结束原因"):
            ledger.end_pairing_row(
                **common, start=pairing.start, end=TODAY, reason=" ", by="x", today=TODAY
            )
        with pytest.raises(ledger.EditRefused, match="不能晚于今天"):
            ledger.end_pairing_row(
                **common,
                start=pairing.start,
                end=TODAY + timedelta(days=1),
                reason="期满",
                by="x",
                today=TODAY,
            )
        with pytest.raises(ledger.EditRefused, match="须晚于结对开始日期"):
            ledger.end_pairing_row(
                **common, start=pairing.start, end=pairing.start, reason="期满", by="x", today=TODAY
            )
        with pytest.raises(ledger.EditRefused, match="没有导师") as missing:
            ledger.end_pairing_row(
                **common, start=date(1990, 1, 1), end=TODAY, reason="期满", by="x", today=TODAY
            )
        assert missing.value.status == 404
        with pytest.raises(ledger.EditRefused, match="没有编号为 NOBODY 的干部"):
            ledger.enter_pool_row(
                store=store,
                cadre_id="NOBODY",
                pool_id="POOL001",
                start=TODAY,
                reason="推荐",
                by="x",
                today=TODAY,
            )
        # The model refuses an end before the start whoever writes it (a file load too).
        from loaders.load import LoadFailed

        with pytest.raises(LoadFailed) as failed:
            _write(
                store,
                "mentoring",
                {
                    "mentor_id": pairing.mentor_id,
                    "mentee_id": pairing.mentee_id,
                    "start": pairing.start.isoformat(),
                    "end": (pairing.start - timedelta(days=1)).isoformat(),
                },
            )
        assert "结束时间早于开始时间" in str(failed.value.issues[0])
