"""Importing forms and rosters into the embedded store: matching, all or nothing, idempotence."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from openpyxl import Workbook, load_workbook

from graphsvc.settings import get_settings
from graphsvc.stores import GraphStore
from loaders.forms.importer import import_forms
from loaders.forms.review import write_review_xlsx
from queries.selection.check import check_appointment, current_conflicts
from queries.selection.policy import load_policy
from tests.forms.kit import DAUGHTER, FATHER, write_lrmx

TODAY = date(2025, 1, 1)


def _cadre(store: GraphStore, name: str) -> dict[str, object]:
    (found,) = [c for c in store.iter_nodes("Cadre") if c["name"] == name]
    return found


def test_a_form_becomes_a_cadre_with_career_assessments_and_records(
    graph: GraphStore, tmp_path: Path
) -> None:
    report = import_forms(store=graph, paths=[write_lrmx(tmp_path, "daughter", DAUGHTER)])
    assert report.ok and report.written
    assert report.cadres == {"created": 1, "updated": 0, "unchanged": 0}
    cadre = _cadre(graph, "林晓雯")
    assert cadre["birth"] == date(1987, 5, 1) and cadre["education"] == "大学本科"
    assert cadre["id_number"] == "990102198705120023"
    assert cadre["channel"] == "未知"  # the form does not say: left for a clerk, listed
    (channel,) = report.channels
    assert channel["cadre_id"] == cadre["id"] and "待核实" in channel["note"]
    assert cadre["form_date"] == date(2024, 5, 1)
    edges = graph.edges_of("Cadre", str(cadre["id"]))
    held = {e.other_id: e.props for e in edges if e.type == "HOLDS"}
    assert held["P5"]["start"] == date(2009, 7, 1)  # matched by name through its units
    assert held["P2"].get("end") is None  # the open last period: held now
    assert len(held) == 3  # the study period is not a post
    (created,) = [p for p in graph.iter_nodes("Post") if p.get("needs_review")]
    assert created["name"] == "财政所副所长、团委书记" and created["function"] == "财务"
    office = graph.get_node("Unit", str(created["unit_id"]))
    assert office is not None and office["name"] == "财政所" and office["needs_review"]
    assert office["parent_id"] == "U3"  # 白沙镇, part of 东江区
    (rotation,) = [e for e in edges if e.type == "ROTATED_TO"]
    assert rotation.props["kind"] == "挂职" and rotation.props["start"] == date(2014, 3, 1)
    bureau = graph.get_node("Unit", rotation.other_id)
    assert bureau is not None and bureau["name"] == "财政局" and bureau["parent_id"] == "U1"
    grades = {
        a["year"]: a["grade"]
        for a in graph.iter_nodes("Assessment")
        if a["cadre_id"] == cadre["id"]
    }
    assert grades == {2021: "称职", 2022: "称职", 2023: "优秀"}
    (record,) = [s for s in graph.iter_nodes("Supervision") if s["cadre_id"] == cadre["id"]]
    assert record["kind"] == "诫勉" and record["date"] == date(2021, 3, 1)
    assert "优秀共产党员" in str(cadre["rewards_and_sanctions"])  # rewards kept as text
    specialties = {e.other_id for e in edges if e.type == "HAS_SPECIALTY"}
    assert specialties == {"S1", "S2"}
    family = json.loads(str(cadre["family"]))
    assert [m["name"] for m in family] == ["林国栋", "陈秀英"]
    assert not any(m.get("relative_id") for m in family)  # the father is not in the graph yet
    kinds = {item["kind"] for item in report.created}
    assert kinds == {"单位", "岗位"}


def test_importing_twice_changes_nothing(graph: GraphStore, tmp_path: Path) -> None:
    paths = [write_lrmx(tmp_path, "d", DAUGHTER), write_lrmx(tmp_path, "f", FATHER)]
    import_forms(store=graph, paths=paths)
    version = graph.version()
    again = import_forms(store=graph, paths=paths)
    assert again.ok and again.cadres == {"created": 0, "updated": 0, "unchanged": 2}
    assert not again.summary["created"] and not again.summary["updated"]
    assert graph.version() == version


def test_a_father_imported_after_his_daughter_still_links(
    graph: GraphStore, tmp_path: Path
) -> None:
    import_forms(store=graph, paths=[write_lrmx(tmp_path, "d", DAUGHTER)])
    assert not list(graph.iter_edges("RELATIVE_OF"))
    report = import_forms(store=graph, paths=[write_lrmx(tmp_path, "f", FATHER)])
    assert report.ok
    daughter, father = _cadre(graph, "林晓雯"), _cadre(graph, "林国栋")
    (edge,) = list(graph.iter_edges("RELATIVE_OF"))
    assert {edge[0], edge[1]} == {daughter["id"], father["id"]}
    kept = json.loads(str(daughter["family"]))
    assert kept[0]["relative_id"] == father["id"]  # matched again on the later import
    assert "relative_id" not in kept[1]  # the mother is no cadre: still kept, unmatched


def test_the_avoidance_conflict_is_reported_with_its_chain(
    graph: GraphStore, tmp_path: Path
) -> None:
    import_forms(
        store=graph,
        paths=[write_lrmx(tmp_path, "d", DAUGHTER), write_lrmx(tmp_path, "f", FATHER)],
    )
    policy = load_policy(get_settings().policy)
    daughter = str(_cadre(graph, "林晓雯")["id"])
    found = current_conflicts(store=graph, policy=policy, as_of=TODAY)
    finance = [c for c in found if c["rule"] == "sensitive_function"]
    assert finance and finance[0]["post_id"] == "P2"
    assert any("林国栋" in step and "兴口镇党委书记" in step for step in finance[0]["chain"])
    check = check_appointment(
        store=graph, cadre_id=daughter, post_id="P2", policy=policy, as_of=TODAY
    )
    assert check["verdict"] == "not_eligible"
    assert "sensitive_function" in {c["rule"] for c in check["conflicts"]}


def test_a_broken_date_stops_the_whole_import(graph: GraphStore, tmp_path: Path) -> None:
    good = write_lrmx(tmp_path, "father", FATHER)
    broken = write_lrmx(tmp_path, "broken", {**DAUGHTER, "CanJiaGongZuoShiJian": "2009.13"})
    report = import_forms(store=graph, paths=[good, broken])
    assert not report.written
    (problem,) = report.problems
    assert problem["file"] == str(broken) and problem["field"] == "参加工作时间"
    assert problem["value"] == "2009.13" and "不是日期" in problem["reason"]
    assert not list(graph.iter_nodes("Cadre"))  # the good form was not written either


def test_a_non_xml_file_and_a_truncated_file_are_problems(
    graph: GraphStore, tmp_path: Path
) -> None:
    junk = tmp_path / "junk.lrmx"
    junk.write_text("姓名：张三", encoding="utf-8")
    cut = tmp_path / "cut.lrmx"
    cut.write_bytes(write_lrmx(tmp_path, "whole", FATHER).read_bytes()[:500])
    report = import_forms(store=graph, paths=[junk, cut, write_lrmx(tmp_path, "d", DAUGHTER)])
    assert {p["file"] for p in report.problems} == {str(junk), str(cut)}
    assert all(p["reason"] for p in report.problems) and not report.written
    assert not list(graph.iter_nodes("Cadre"))


def test_validation_problems_name_file_field_value_and_reason(
    graph: GraphStore, tmp_path: Path
) -> None:
    bad = write_lrmx(tmp_path, "bad", {**DAUGHTER, "XingBie": "未知", "ShenFenZheng": "12345"})
    report = import_forms(store=graph, paths=[bad])
    fields = {p["field"]: p for p in report.problems}
    assert set(fields) == {"性别", "身份证号"}
    assert fields["性别"]["value"] == "未知" and fields["性别"]["file"].endswith("bad.lrmx")
    assert "身份证号" in fields["身份证号"]["reason"]


def test_an_unreadable_resume_line_is_kept_and_reported(graph: GraphStore, tmp_path: Path) -> None:
    resume = DAUGHTER["JianLi"] + "\n那几年在南方务工，具体时间记不清"
    report = import_forms(
        store=graph, paths=[write_lrmx(tmp_path, "d", {**DAUGHTER, "JianLi": resume})]
    )
    assert report.ok and report.written
    (warning,) = [w for w in report.warnings if w["field"] == "简历"]
    assert warning["value"] == "那几年在南方务工，具体时间记不清" and "第7行" in warning["reason"]
    # Kept with the post it follows (the last one, from 2016.06), for the form written out.
    kept = _cadre(graph, "林晓雯")["resume_unread"]
    assert kept == "〔2016.06后〕那几年在南方务工，具体时间记不清"


def test_an_ambiguous_relative_makes_no_edge(graph: GraphStore, tmp_path: Path) -> None:
    twins = [
        {**FATHER, "XingMing": "张伟", "ChuShengNianYue": "197001", "ShenFenZheng": "",
         "JianLi": "2015.01--  东江区白沙镇副镇长", "family": []},
        {**FATHER, "XingMing": "张伟", "ChuShengNianYue": "197506", "ShenFenZheng": "",
         "JianLi": "2016.01--  东江区白沙镇副镇长", "family": []},
    ]  # fmt: skip
    paths = [write_lrmx(tmp_path, f"z{i}", fields) for i, fields in enumerate(twins)]
    sister = {
        **DAUGHTER,
        "family": [("哥哥", "张伟", "", "中共党员", "东江区白沙镇副镇长")],
    }
    report = import_forms(store=graph, paths=[*paths, write_lrmx(tmp_path, "s", sister)])
    assert report.ok
    (item,) = report.ambiguous
    assert item["kind"] == "亲属" and len(item["candidates"]) == 2
    assert not list(graph.iter_edges("RELATIVE_OF"))
    zhang = sorted(c["id"] for c in graph.iter_nodes("Cadre") if c["name"] == "张伟")
    held = {
        next(e.other_id for e in graph.edges_of("Cadre", str(z)) if e.type == "HOLDS")
        for z in zhang
    }
    assert held == {"P3", "P4"}  # two posts of one name: each 张伟 took a free one


def test_the_same_person_twice_takes_the_later_form(graph: GraphStore, tmp_path: Path) -> None:
    later = {
        **DAUGHTER,
        "TianBiaoShiJian": "202410",
        "XianRenZhiWu": "东江区兴口镇财政所所长（新）",
    }
    earlier = {**DAUGHTER, "TianBiaoShiJian": "202301", "XianRenZhiWu": "旧职务"}
    report = import_forms(
        store=graph,
        paths=[write_lrmx(tmp_path, "b-later", later), write_lrmx(tmp_path, "c-earlier", earlier)],
    )
    assert report.ok and report.cadres["created"] == 1
    assert _cadre(graph, "林晓雯")["title"] == "东江区兴口镇财政所所长（新）"
    (same,) = [m for m in report.matched if m["kind"] == "同一人"]
    assert same["file"].endswith("c-earlier.lrmx")
    # Without an ID number: name + birth. An older form than the graph's is not taken.
    older = {**DAUGHTER, "ShenFenZheng": "", "TianBiaoShiJian": "202001", "XianRenZhiWu": "更旧"}
    again = import_forms(store=graph, paths=[write_lrmx(tmp_path, "older", older)])
    assert again.ok and _cadre(graph, "林晓雯")["title"] == "东江区兴口镇财政所所长（新）"
    assert any("更晚" in w["reason"] for w in again.warnings)


def test_a_dry_run_reports_and_writes_nothing(graph: GraphStore, tmp_path: Path) -> None:
    version = graph.version()
    report = import_forms(store=graph, paths=[write_lrmx(tmp_path, "d", DAUGHTER)], dry_run=True)
    assert report.ok and not report.written and report.cadres["created"] == 1
    assert report.created and graph.version() == version
    assert not list(graph.iter_nodes("Cadre"))


def test_a_roster_yields_cadres_and_current_posts(graph: GraphStore, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["东江区科级干部花名册"])
    sheet.merge_cells("A1:I1")
    sheet.append(["序号", "姓名", "性别", "出生年月", "参加工作时间", "全日制学历",
                  "现任职务", "任现职时间", "身份证号"])  # fmt: skip
    sheet.append([1, "孙立", "男", 1988.1, 2010.07, "大学", "东江区兴口镇党委书记", "2020.5",
                  9.90102198810e17])  # fmt: skip
    sheet.append(["合计", None])
    path = tmp_path / "roster.xlsx"
    book.save(path)
    report = import_forms(store=graph, paths=[path])
    assert report.ok, report.problems
    cadre = _cadre(graph, "孙立")
    assert cadre["birth"] == date(1988, 10, 1) and "id_number" not in cadre
    (held,) = [e for e in graph.edges_of("Cadre", str(cadre["id"])) if e.type == "HOLDS"]
    assert held.other_id == "P1" and held.props["start"] == date(2020, 5, 1)
    assert cadre["level"] == "正科"  # from the post it holds
    assert any(w["field"] == "身份证号" for w in report.warnings)


def test_the_review_report_as_xlsx(graph: GraphStore, tmp_path: Path) -> None:
    report = import_forms(store=graph, paths=[write_lrmx(tmp_path, "d", DAUGHTER)])
    path = write_review_xlsx(report, tmp_path / "review.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["概况", "已匹配", "新建待核实", "存疑", "新表未列的任职",
                               "任免建议", "录用渠道", "问题", "提示"]  # fmt: skip
    created = [row for row in book["新建待核实"].iter_rows(min_row=2, values_only=True)]
    assert len(created) == len(report.created) and created[0][1] in {"单位", "岗位"}


def test_a_form_without_an_id_number_is_the_person_of_one_with_it(
    graph: GraphStore, tmp_path: Path
) -> None:
    from tests.forms.kit import lrm_text

    lrm = tmp_path / "older.lrm"
    lrm.write_bytes(lrm_text({**DAUGHTER, "TianBiaoShiJian": "202001"}).encode("gb18030"))
    report = import_forms(store=graph, paths=[lrm, write_lrmx(tmp_path, "d", DAUGHTER)])
    assert report.ok and report.cadres["created"] == 1
    (same,) = [m for m in report.matched if m["kind"] == "同一人"]
    assert same["file"] == str(lrm)  # the earlier form gives way


def test_what_a_form_keeps_follows_the_roles_of_the_profile(
    graph: GraphStore, tmp_path: Path
) -> None:
    from queries.records import cadre_profile

    import_forms(store=graph, paths=[write_lrmx(tmp_path, "d", DAUGHTER)])
    cadre_id = str(_cadre(graph, "林晓雯")["id"])
    viewer = cadre_profile(store=graph, cadre_id=cadre_id, reveal=())
    analyst = cadre_profile(store=graph, cadre_id=cadre_id, reveal=("kinship", "supervision"))
    editor = cadre_profile(store=graph, cadre_id=cadre_id, reveal=("id_number",))
    assert viewer and analyst and editor
    assert viewer["cadre"]["family"] == "***" and viewer["cadre"]["rewards_and_sanctions"] == "***"
    assert (
        "林国栋" in analyst["cadre"]["family"]
        and "诫勉" in analyst["cadre"]["rewards_and_sanctions"]
    )
    assert editor["cadre"]["family"] == "***"  # the ID number's permission is not kinship's
    assert editor["cadre"]["id_number"] == "990102198705120023"


def test_a_workbook_in_a_folder_of_forms_that_is_no_roster_is_skipped(
    graph: GraphStore, tmp_path: Path
) -> None:
    folder = tmp_path / "forms"
    folder.mkdir()
    first = import_forms(store=graph, paths=[write_lrmx(folder, "d", DAUGHTER)], dry_run=True)
    write_review_xlsx(first, folder / "review.xlsx")  # the review report saved beside the forms
    report = import_forms(store=graph, paths=[folder])
    assert report.ok and report.written
    assert any("不是花名册" in w["reason"] for w in report.warnings)
    named = import_forms(store=graph, paths=[folder / "review.xlsx"], dry_run=True)
    assert named.problems and "花名册" in named.problems[0]["reason"]
