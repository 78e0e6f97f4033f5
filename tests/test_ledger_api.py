"""The ledger over HTTP: editors end and undo pairings and record 入库/出库; refusals say why;
readers cannot write; every change is audited with the person changed."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest

from graphsvc.access import AccessStore
from graphsvc.stores import open_store
from loaders.load import load_paths
from tests.service import make_token, running_service


@pytest.fixture(scope="module")
def clients(
    tmp_path_factory: pytest.TempPathFactory, small_sample_dir: Path
) -> Iterator[tuple[dict[str, httpx.Client], str, Path]]:
    folder = tmp_path_factory.mktemp("ledger-api")
    db, access_db = str(folder / "g.db"), folder / "access.db"
    with open_store(db) as store:
        load_paths(store, [small_sample_dir])
    tokens = {role: make_token(access_db, role, f"t-{role}") for role in ("editor", "analyst")}
    with running_service(db, access_db) as base:
        made = {
            role: httpx.Client(
                base_url=f"{base}/api/v1",
                headers={"Authorization": f"Bearer {token}"},
                timeout=60,
            )
            for role, token in tokens.items()
        }
        try:
            yield made, db, access_db
        finally:
            for client in made.values():
                client.close()


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def test_end_and_undo_over_http(
    clients: tuple[dict[str, httpx.Client], str, Path], small_sample_dir: Path
) -> None:
    made, db, access_db = clients
    editor, analyst = made["editor"], made["analyst"]
    first, second = [r for r in _rows(small_sample_dir / "mentoring.csv") if not r["结束时间"]][:2]

    def body(row: dict[str, str], reason: str) -> dict[str, str]:
        start = row["开始时间"].replace(".", "-")
        return {
            "mentor_id": row["导师编号"],
            "mentee_id": row["干部编号"],
            "start": start,
            "reason": reason,
        }

    assert analyst.post("/mentoring/pairs/end", json=body(first, "期满")).status_code == 403
    ended = editor.post("/mentoring/pairs/end", json=body(first, "帮带期满"))
    assert ended.status_code == 200, ended.text
    assert ended.json()["row"]["end"] == date.today().isoformat()
    again = editor.post("/mentoring/pairs/end", json=body(first, "再次"))
    assert again.status_code == 409 and "已于" in again.json()["detail"]
    undone = editor.post("/mentoring/pairs/undo", json=body(second, "误登记"))
    assert undone.status_code == 200, undone.text
    missing = editor.post(
        "/mentoring/pairs/undo", json={**body(second, "x"), "start": "1990-01-01"}
    )
    assert missing.status_code == 404
    with open_store(db) as store:
        kept = {
            e.other_id: dict(e.props)
            for row in (first, second)
            for e in store.edges_of("Cadre", row["干部编号"])
            if e.type == "MENTORS" and e.other_id == row["导师编号"]
        }
    assert kept[first["导师编号"]]["end_reason"] == "帮带期满"
    assert kept[first["导师编号"]]["ended_by"] == "t-editor"
    assert kept[second["导师编号"]]["end"] == kept[second["导师编号"]]["start"]
    with AccessStore(access_db) as access:
        entries, _ = access.query_audit(who="t-editor", limit=20)
    actions = {(e["action"], e["status"]): e["subjects"] for e in entries}
    assert first["干部编号"] in actions[("end_pairing", 200)]
    assert second["干部编号"] in actions[("undo_pairing", 200)]


def test_pool_entry_and_exit_over_http(
    clients: tuple[dict[str, httpx.Client], str, Path], small_sample_dir: Path
) -> None:
    made, db, _ = clients
    editor = made["editor"]
    stays = _rows(small_sample_dir / "pool_membership.csv")
    inside = {r["干部编号"] for r in stays}
    member = next(r["干部编号"] for r in stays if not r["出库时间"])
    outside = next(
        r["干部编号"] for r in _rows(small_sample_dir / "cadres.csv") if r["干部编号"] not in inside
    )
    no_reason = editor.post("/pool/entries", json={"cadre_id": outside, "reason": " "})
    assert no_reason.status_code == 422 and "入库原因" in no_reason.text
    entered = editor.post("/pool/entries", json={"cadre_id": outside, "reason": "单位推荐"})
    assert entered.status_code == 200, entered.text
    twice = editor.post("/pool/entries", json={"cadre_id": outside, "reason": "单位推荐"})
    assert twice.status_code == 409 and "已在库中" in twice.json()["detail"]
    future = editor.post(
        "/pool/exits", json={"cadre_id": member, "reason": "考核下降", "end": "2999-01-01"}
    )
    assert future.status_code == 422 and "不能晚于今天" in future.json()["detail"]
    left = editor.post("/pool/exits", json={"cadre_id": member, "reason": "考核下降"})
    assert left.status_code == 200, left.text
    with open_store(db) as store:
        entry = next(e.props for e in store.edges_of("Cadre", outside) if e.type == "IN_POOL")
        exit_ = next(
            e.props
            for e in store.edges_of("Cadre", member)
            if e.type == "IN_POOL" and e.props.get("end") == date.today()
        )
    assert entry["entry_reason"] == "单位推荐" and entry["recorded_by"] == "t-editor"
    assert exit_["exit_reason"] == "考核下降" and exit_["ended_by"] == "t-editor"
