"""Saved round plans: kept as shown, listed without their answers, names checked, an older
table given the list's columns."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from graphsvc.plans import MAX_NAME, PlanError, PlanStore

RESULT = {
    "result": {
        "posts": 2,
        "total": 1.25,
        "assignments": [{"post_id": "P1", "cadre_id": "C1", "name": "王一", "score": 0.75}],
        "runners_up": {"P1": [{"cadre_id": "C2", "name": "李二", "score": 0.5}], "P2": []},
    },
    "people": {"C1": {"birth": "1990.05", "age": 36}},
}


def test_a_plan_reopens_as_saved_and_lists_without_its_answer(tmp_path: Path) -> None:
    store = PlanStore(tmp_path / "access.db")
    first = store.save(
        name="  12月 调整方案 ",
        created_by="viewer",
        graph_version=7,
        as_of="2026-12-03",
        options={"posts": ["P1", "P2"], "fix": [["P1", "C1"]]},
        result=RESULT,
        posts=2,
        filled=1,
        total=1.25,
    )
    second = store.save(
        name="第二稿", created_by="admin", graph_version=8, as_of="2026-12-04",
        options={}, result=RESULT,
    )  # fmt: skip
    again = PlanStore(tmp_path / "access.db").get(first.id)  # another connection, as a worker
    assert again is not None
    assert again.name == "12月 调整方案" and again.result == RESULT
    assert again.options["fix"] == [["P1", "C1"]] and again.graph_version == 7
    assert again.created_at == first.created_at and again.created_at.tzinfo is not None
    assert again.cadre_ids == ["C1", "C2"]  # everyone it shows, for the audit
    listed = store.list()
    assert [p.id for p in listed] == [second.id, first.id]  # newest first
    assert (listed[1].posts, listed[1].filled, listed[1].total) == (2, 1, 1.25)
    assert store.get(999) is None


@pytest.mark.parametrize("name", ["", "   ", "长" * (MAX_NAME + 1)])
def test_a_name_is_required_and_short(tmp_path: Path, name: str) -> None:
    store = PlanStore(tmp_path / "access.db")
    with pytest.raises(PlanError, match="名称"):
        store.save(
            name=name, created_by="v", graph_version=1, as_of="2026-12-03", options={},
            result=RESULT,
        )  # fmt: skip
    assert store.list() == []


def test_an_older_table_gets_the_summary_columns(tmp_path: Path) -> None:
    path = tmp_path / "access.db"
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE round_plans (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL,"
            " created_at TEXT NOT NULL, created_by TEXT NOT NULL, graph_version INTEGER NOT NULL,"
            " as_of TEXT NOT NULL, options BLOB NOT NULL, result BLOB NOT NULL)"
        )
        db.execute(
            "INSERT INTO round_plans (name, created_at, created_by, graph_version, as_of, options,"
            " result) VALUES ('旧方案', '2026-12-01T08:00:00+00:00', 'v', 1, '2026-12-01', '{}',"
            " '{}')"
        )
    listed = PlanStore(path).list()
    assert [(p.name, p.posts, p.total) for p in listed] == [("旧方案", 0, 0.0)]
