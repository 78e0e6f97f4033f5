"""Regional avoidance (地域回避) in a hand-built county (县) and district (区).

Every head role of the rule, spelt as departments write it, is caught for someone who
grew up anywhere in the area the post governs (the county for the county's heads and
its departments' heads, the township for township heads), and nobody else is: not
deputies, not other heads of the same unit, not people from another area.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from graphsvc.stores import open_store
from loaders.load import load_paths
from queries.selection.avoidance import appointment_conflicts
from queries.selection.check import check_appointment, current_conflicts
from queries.selection.heads import governed_area, head_kind
from queries.selection.policy import load_policy
from queries.selection.records import CadreRecord, UnitIndex

AS_OF = date(2026, 11, 1)
POLICY = load_policy()

# 青山县 (a county) and 红河区 (a district), each with townships, a street, villages and
# the departments whose heads the rule names.
UNIT_ROWS = [
    ("Y", "青山县", "区县", ""),
    ("Y-T1", "青山县兴口镇", "乡镇", "Y"),
    ("Y-T1-V", "兴口镇柳树村", "村", "Y-T1"),
    ("Y-T2", "石门乡", "乡镇", "Y"),
    ("Y-T2-V", "石门乡大坪村", "村", "Y-T2"),
    ("Y-S", "城关街道", "街道", "Y"),
    ("Y-S-C", "城关街道东风社区", "社区", "Y-S"),
    ("Y-JW", "青山县纪委监委", "区直部门", "Y"),
    ("Y-ZZB", "中共青山县委组织部", "区直部门", "Y"),
    ("Y-GA", "青山县公安局", "区直部门", "Y"),
    ("Y-FY", "青山县人民法院", "区直部门", "Y"),
    ("Y-JCY", "青山县人民检察院", "区直部门", "Y"),
    ("Y-CZ", "青山县财政局", "区直部门", "Y"),
    ("Q", "红河区", "区县", ""),
    ("Q-T", "红河区平安镇", "乡镇", "Q"),
    ("Q-T-V", "平安镇新村", "村", "Q-T"),
    ("Q-GA", "红河区公安分局", "区直部门", "Q"),
    ("Q-JW", "红河区纪委监委", "区直部门", "Q"),
]
UNITS = UnitIndex(
    {
        uid: {"id": uid, "name": name, "kind": kind, "parent_id": parent or None}
        for uid, name, kind, parent in UNIT_ROWS
    }
)

# (post id, unit, role, name, flags): each a head the rule names, spelt as written.
HEADS: list[tuple[str, str, str | None, str, dict[str, Any]]] = [
    ("P-XWSJ", "Y", "县委书记", "青山县委书记", {"principal": True, "function": "党委"}),
    ("P-XZ", "Y", "县长", "青山县县长", {"principal": True, "function": "政府"}),
    ("P-JWSJ", "Y-JW", "纪委书记", "青山县纪委书记、监委主任", {"principal": True}),
    ("P-ZZBZ", "Y-ZZB", "组织部长", "县委组织部部长", {"principal": True}),
    ("P-GAJZ", "Y-GA", "公安局长", "青山县公安局局长", {"principal": True}),
    ("P-FYYZ", "Y-FY", "法院院长", "青山县人民法院院长", {"principal": True}),
    ("P-JCZ", "Y-JCY", "检察长", "青山县人民检察院检察长", {"principal": True}),
    ("P-ZSJ", "Y-T1", "镇党委书记", "兴口镇党委书记", {"principal": True}),
    ("P-ZZ", "Y-T1", "镇长", "兴口镇镇长", {"principal": True}),
    ("P-XZ2", "Y-T2", "乡长", "石门乡乡长", {"principal": True}),
    ("P-JDSJ", "Y-S", "街道党工委书记", "城关街道党工委书记", {"principal": True}),
    ("P-JDZR", "Y-S", "街道办事处主任", "城关街道办事处主任", {"principal": True}),
    # No role text: a principal post of the township government is its head.
    ("P-NOROLE", "Y-T2", None, "石门乡人民政府主要负责人", {"principal": True, "function": "政府"}),
    ("P-QZ", "Q", "区长", "红河区区长", {"principal": True, "function": "政府"}),
    ("P-FJZ", "Q-GA", "公安分局局长", "红河区公安分局局长", {"principal": True}),
    ("P-QJW", "Q-JW", "书记", "红河区纪委书记", {"principal": True, "function": "纪检监察"}),
    ("P-QTSJ", "Q-T", "党委书记", "平安镇党委书记", {"principal": True, "function": "党委"}),
]

# Posts that are not heads under the rule, though they sit in the same units.
NOT_HEADS: list[tuple[str, str, str | None, str, dict[str, Any]]] = [
    ("N-FXZ", "Y", "副县长", "青山县副县长", {"function": "政府"}),
    ("N-CWFBZ", "Y-ZZB", "常务副部长", "县委组织部常务副部长", {"principal": True}),
    ("N-FJW", "Y-JW", "副书记", "青山县纪委副书记", {"principal": True}),
    ("N-ZFSJ", "Y-T1", "党委副书记", "兴口镇党委副书记", {"function": "党委"}),
    ("N-FZZ", "Y-T1", "副镇长", "兴口镇副镇长", {"function": "政府"}),
    ("N-ZJW", "Y-T1", "纪委书记", "兴口镇纪委书记", {"function": "纪检监察"}),  # township 纪委
    ("N-CZJZ", "Y-CZ", "局长", "青山县财政局局长", {"principal": True, "function": "财务"}),
    ("N-ZFW", "Y", "政法委书记", "青山县委政法委书记", {"function": "政法"}),
    ("N-DZSJ", "Y-CZ", "党组书记", "青山县财政局党组书记", {"principal": True}),
]

# Where each head's area is: the county for county and department heads, else the township.
AREA = {
    "Y": "Y",
    "Y-JW": "Y",
    "Y-ZZB": "Y",
    "Y-GA": "Y",
    "Y-FY": "Y",
    "Y-JCY": "Y",
    "Y-CZ": "Y",
    "Y-T1": "Y-T1",
    "Y-T2": "Y-T2",
    "Y-S": "Y-S",
    "Q": "Q",
    "Q-GA": "Q",
    "Q-JW": "Q",
    "Q-T": "Q-T",
}


def post(row: tuple[str, str, str | None, str, dict[str, Any]]) -> dict[str, Any]:
    post_id, unit, role, name, flags = row
    return {"id": post_id, "unit_id": unit, "role": role, "name": name, "level": "正科", **flags}


def regional(hometown: str, target: dict[str, Any]) -> list[Any]:
    record = CadreRecord({"id": "C1", "name": "甲", "hometown_unit_id": hometown})
    found = appointment_conflicts(record, target, UNITS, policy=POLICY, as_of=AS_OF)
    return [c for c in found if c.rule == "regional"]


def inside(area: str) -> list[str]:
    """The area and every unit inside it: anyone who grew up there is caught."""
    return [uid for uid in UNITS.units if uid == area or area in UNITS.ancestors(uid)]


@pytest.mark.parametrize("row", HEADS, ids=[row[0] for row in HEADS])
def test_every_head_role_is_caught_anywhere_in_its_area(row: Any) -> None:
    target = post(row)
    assert head_kind(target, UNITS, POLICY.avoidance) is not None
    area = AREA[target["unit_id"]]
    assert governed_area(target["unit_id"], UNITS, POLICY.avoidance) == area
    for hometown in inside(area):
        [conflict] = regional(hometown, target)
        assert UNITS.name(area) in conflict.message
        assert UNITS.name(hometown) in conflict.chain[0]


@pytest.mark.parametrize("row", HEADS, ids=[row[0] for row in HEADS])
def test_no_head_is_caught_for_someone_from_another_area(row: Any) -> None:
    target = post(row)
    area = AREA[target["unit_id"]]
    outside = [uid for uid in UNITS.units if uid not in inside(area)]
    assert outside
    for hometown in outside:
        assert regional(hometown, target) == []


@pytest.mark.parametrize("row", NOT_HEADS, ids=[row[0] for row in NOT_HEADS])
def test_deputies_and_other_posts_are_not_heads(row: Any) -> None:
    target = post(row)
    assert head_kind(target, UNITS, POLICY.avoidance) is None
    for hometown in UNITS.units:
        assert regional(hometown, target) == []


def test_county_department_heads_govern_the_county_not_their_department() -> None:
    # Grew up in a village of a township of the county: the county's police chief is caught.
    [conflict] = regional("Y-T1-V", post(HEADS[4]))
    assert conflict.chain[0] == "甲(C1)成长地为兴口镇柳树村，属青山县"
    assert "系公安局长，管辖青山县" in conflict.chain[1]


def test_a_department_can_extend_and_remove_head_roles(tmp_path: Path) -> None:
    file = tmp_path / "policy.toml"
    file.write_text(
        '[avoidance.heads."政法委书记"]\n'
        'roles = ["政法委书记"]\nunit_kinds = ["区县"]\n'
        '[avoidance.heads]\n"检察长" = false\n',
        encoding="utf-8",
    )
    policy = load_policy(file)
    assert "检察长" not in policy.avoidance.heads and "法院院长" in policy.avoidance.heads
    assert head_kind(post(NOT_HEADS[7]), UNITS, policy.avoidance) == "政法委书记"
    assert head_kind(post(HEADS[6]), UNITS, policy.avoidance) is None


def _write_county(folder: Path) -> dict[str, str]:
    """The county as CSV tables: a head for each role, half of them from the area."""
    folder.mkdir()
    units = ["单位编号,单位名称,单位类型,上级单位编号"] + [",".join(r) for r in UNIT_ROWS]
    posts = [
        "岗位编号,岗位名称,单位编号,职务层次,是否领导职务,是否班子成员,是否正职,职能类别,职务类别"
    ]
    cadres = ["干部编号,姓名,性别,出生年月,成长地单位编号,参加工作时间,全日制学历,录用渠道"]
    history = ["干部编号,岗位编号,任职时间,免职时间"]
    expected: dict[str, str] = {}
    for index, row in enumerate([*HEADS, *NOT_HEADS]):
        target = post(row)
        flag = "是" if target.get("principal") else "否"
        posts.append(
            f"{target['id']},{target['name']},{target['unit_id']},正科,是,是,{flag},"
            f"{target.get('function', '业务')},{target['role'] or ''}"
        )
        cadre_id = f"C{index:03d}"
        area = AREA[target["unit_id"]]
        # Heads alternate: from a village or township inside the area, or from the other county.
        home = inside(area)[-1] if index % 2 == 0 else ("Q-T-V" if area.startswith("Y") else "Y")
        if row in NOT_HEADS:
            home = inside(AREA[target["unit_id"]])[-1]  # from the area: still no conflict
        elif index % 2 == 0:
            expected[cadre_id] = target["id"]
        cadres.append(f"{cadre_id},干部{index},男,1975.05,{home},1997.07,大学本科,公务员")
        history.append(f"{cadre_id},{target['id']},2022.01,")
    for name, lines in {
        "units": units,
        "posts": posts,
        "cadres": cadres,
        "post_history": history,
    }.items():
        (folder / f"{name}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return expected


def test_current_conflicts_in_a_loaded_county(tmp_path: Path) -> None:
    expected = _write_county(tmp_path / "county")
    with open_store(str(tmp_path / "county.db")) as store:
        load_paths(store, [tmp_path / "county"])
        found = current_conflicts(store=store, policy=POLICY, as_of=AS_OF)
        assert {c["cadre_id"]: c["post_id"] for c in found} == expected
        assert all(c["rule"] == "regional" and "现任" in c["chain"][1] for c in found)
        assert not any("拟任" in line for c in found for line in c["chain"])
        # The same post checked as a proposal: the verdict itself says why.
        cadre_id, post_id = next(iter(expected.items()))
        result = check_appointment(
            store=store, cadre_id=cadre_id, post_id=post_id, policy=POLICY, as_of=AS_OF
        )
        assert result["verdict"] == "not_eligible"
        avoidance = next(r for r in result["rules"] if r["rule"] == "avoidance")
        assert avoidance["status"] == "fail"
        assert "不得在本人成长地任职" in avoidance["message"]
        assert any("拟任" in line for c in result["conflicts"] for line in c["chain"])
