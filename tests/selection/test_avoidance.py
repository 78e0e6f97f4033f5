"""Avoidance on hand-built records, and on the district's planted cases."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from graphsvc.stores import open_store
from loaders.load import load_paths
from loaders.sample import AS_OF
from queries.selection.avoidance import appointment_conflicts
from queries.selection.check import NotFound, check_appointment, current_conflicts
from queries.selection.policy import load_policy
from queries.selection.records import CadreRecord, Relative, Tenure, UnitIndex

POLICY = load_policy()
UNITS = UnitIndex(
    {
        "D": {"id": "D", "name": "甲区", "kind": "区县"},
        "T": {"id": "T", "name": "乙镇", "kind": "乡镇", "parent_id": "D"},
        "V": {"id": "V", "name": "丙村", "kind": "村", "parent_id": "T"},
    }
)


def held(post_id: str, unit: str, **flags: Any) -> Tenure:
    return Tenure(
        post_id, {"id": post_id, "name": post_id, "unit_id": unit, **flags}, date(2020, 1, 1), None
    )


def rules(record: CadreRecord, post: dict[str, Any]) -> list[str]:
    found = appointment_conflicts(record, post, UNITS, policy=POLICY, as_of=AS_OF)
    return sorted(conflict.rule for conflict in found)


def with_relative(*tenures: Tenure, relation: str = "配偶") -> CadreRecord:
    return CadreRecord(
        {"id": "C1", "name": "甲"}, relatives=[Relative("C2", "乙", relation, tenures)]
    )


def test_same_unit_with_a_leader() -> None:
    record = with_relative(held("P1", "T", team_member=True))
    assert rules(record, {"id": "P2", "unit_id": "T", "function": "业务"}) == ["same_unit"]
    # Neither leads: same unit is allowed.
    record = with_relative(held("P1", "T"))
    assert rules(record, {"id": "P2", "unit_id": "T", "function": "业务"}) == []


def test_direct_line_through_the_hierarchy_with_its_chain() -> None:
    record = with_relative(held("P1", "T", team_member=True), relation="父母")
    found = appointment_conflicts(
        record,
        {"id": "P3", "name": "村书记助理", "unit_id": "V"},
        UNITS,
        policy=POLICY,
        as_of=AS_OF,
    )
    [conflict] = found
    assert conflict.rule == "superior_subordinate"
    assert conflict.chain[0] == "甲(C1)与乙(C2)系父母关系"
    assert conflict.chain[-1] == "隶属关系：丙村 → 乙镇 → 甲区"


def test_sensitive_functions_in_a_unit_a_relative_leads() -> None:
    record = with_relative(held("P1", "T", team_member=True, principal=True))
    found = rules(record, {"id": "P2", "unit_id": "T", "function": "财务"})
    assert found == ["same_unit", "sensitive_function"]


def test_regional_avoidance_for_head_posts() -> None:
    record = CadreRecord({"id": "C1", "name": "甲", "hometown_unit_id": "V"})
    assert rules(record, {"id": "P1", "unit_id": "T", "role": "党委书记"}) == ["regional"]
    assert rules(record, {"id": "P1", "unit_id": "T", "role": "宣传委员"}) == []


def test_switched_off() -> None:
    policy = POLICY.model_copy(
        update={"avoidance": POLICY.avoidance.model_copy(update={"enabled": False})}
    )
    record = with_relative(held("P1", "T", team_member=True))
    assert (
        appointment_conflicts(
            record, {"id": "P2", "unit_id": "T"}, UNITS, policy=policy, as_of=AS_OF
        )
        == []
    )


@pytest.fixture(scope="module")
def district_db(tmp_path_factory: pytest.TempPathFactory, district_dir: Path) -> str:
    db = str(tmp_path_factory.mktemp("selection") / "district.db")
    with open_store(db) as store:
        load_paths(store, [district_dir])
    return db


def test_the_districts_planted_conflicts_are_found(
    district_db: str, district_manifest: dict[str, Any]
) -> None:
    with open_store(district_db) as store:
        found = current_conflicts(store=store, policy=POLICY, as_of=AS_OF)
    pairs = {
        (c["rule"], frozenset((c["cadre_id"], c["relative_id"]))) for c in found if c["relative_id"]
    }
    expected_rule = {
        "same_team": "same_unit",
        "superior_subordinate": "superior_subordinate",
        "sensitive_function": "sensitive_function",
    }
    for planted in district_manifest["planted"]["kinship_conflicts"]:
        assert (expected_rule[planted["rule"]], frozenset(planted["cadres"])) in pairs
    regional = {(c["cadre_id"], c["post_id"]) for c in found if c["rule"] == "regional"}
    planted = district_manifest["planted"]
    cases = {(r["cadre_id"], r["post_id"]) for r in planted["regional_avoidance"]}
    assert len(cases) >= 6 and cases <= regional
    near_misses = {(r["cadre_id"], r["post_id"]) for r in planted["regional_avoidance_near_misses"]}
    assert near_misses and not near_misses & regional
    assert all(c["chain"] for c in found)
    # Conflicts that exist now speak of posts held (现任), never of proposals (拟任).
    assert not any("拟任" in line for c in found for line in c["chain"])


def test_check_an_appointment_of_a_sanctioned_cadre(
    district_db: str, district_manifest: dict[str, Any]
) -> None:
    sanctioned = [
        s
        for s in district_manifest["planted"]["sanctioned"]
        if s["kind"] in {"诫勉", "记过", "党内警告"} and s["date"] >= "2026-06-01"
    ]
    assert sanctioned
    vacancy = district_manifest["planted"]["vacancies"][0]
    with open_store(district_db) as store:
        result = check_appointment(
            store=store,
            cadre_id=sanctioned[0]["cadre_id"],
            post_id=vacancy,
            policy=POLICY,
            as_of=AS_OF,
        )
        assert result["verdict"] == "not_eligible"
        effect = next(r for r in result["rules"] if r["rule"] == "effect_period")
        assert effect["status"] == "fail" and sanctioned[0]["kind"] in effect["message"]
        with pytest.raises(NotFound, match=r"^未找到编号为 'NOPE' 的岗位$"):
            check_appointment(
                store=store, cadre_id="C000001", post_id="NOPE", policy=POLICY, as_of=AS_OF
            )
