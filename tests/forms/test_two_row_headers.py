"""Headers over two rows: a department's roster (学历学位, 毕业院校及专业 and 任职时间 each
over two sub-headers) and a table workbook, and a group no one knows said as a problem."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from graphsvc.stores import GraphStore
from loaders.forms.importer import import_forms
from loaders.headers import combine_header, is_second_header, split_education
from loaders.load import LoadFailed, load_paths
from loaders.tables import SourceError

GROUPED = ["序号", "姓名", "性别", "出生年月", "参加工作时间", "学历学位", None,
           "毕业院校及专业", None, "现任职务", "现任职级", "任职时间", None, "备注"]  # fmt: skip
SUBS = [None, None, None, None, None, "全日制", "在职", "全日制", "在职", None, None, "职务",
        "职级", None]  # fmt: skip


def roster(path: Path, *, top: list[object], subs: list[object]) -> Path:
    """A roster as departments keep it: a merged title row, the header over rows 3–4
    (merged cells for the groups and for the single headers), a 合计 row."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "科级干部"
    sheet.append(["东江区科级干部花名册"])
    sheet.merge_cells("A1:N1")
    sheet.append(["填报单位：区委组织部　　　　2026年11月"])
    sheet.append(top)
    sheet.append(subs)
    for column, (upper, lower) in enumerate(zip(top, subs, strict=True), start=1):
        if upper and lower is None and column < len(top) and top[column] is not None:
            sheet.merge_cells(start_row=3, start_column=column, end_row=4, end_column=column)
    sheet.merge_cells("F3:G3")
    sheet.merge_cells("H3:I3")
    sheet.merge_cells("L3:M3")
    sheet.append([1, "赵一鸣", "男", "1990.05", "2012.07", "大学本科 经济学学士",
                  "研究生\n管理学硕士", "东江大学经济学专业", "东江区委党校经济管理专业",
                  "东江区兴口镇党委书记", "一级主任科员", "2021.10", 2020.01, None])  # fmt: skip
    sheet.append([None] * 14)
    sheet.append([2, "钱二", "女", "1991.05", "2013.07", "大学本科", None, "东江师范学院中文系",
                  None, "东江区白沙镇副镇长", "四级主任科员", "2019.05", "2019.05",
                  "调入"])  # fmt: skip
    sheet.append(["合计", "2人"])
    book.save(path)
    return path


def test_the_usual_groupings_make_one_name_a_column() -> None:
    assert is_second_header(GROUPED, SUBS)
    names, problems = combine_header(GROUPED, SUBS, lambda name: False)
    assert not problems
    assert names[5:9] == ["全日制学历学位", "在职学历学位", "全日制毕业院校及专业",
                          "在职毕业院校及专业"]  # fmt: skip
    assert names[11:13] == ["任现职务时间", "任现职级时间"]
    assert names[:5] == ["序号", "姓名", "性别", "出生年月", "参加工作时间"]  # merged down
    # A data row under a one-row header is no second header, whatever it holds.
    assert not is_second_header(["单位编号", "单位名称", "单位类型"], ["U1", "甲区", "区县"])
    assert split_education("大学本科 经济学学士") == ("大学本科", "经济学学士")
    assert split_education("研究生\n管理学硕士") == ("研究生", "管理学硕士")
    assert split_education("大学本科经济学学士") == ("大学本科", "经济学学士")
    assert split_education("硕士研究生") == ("硕士研究生", "")


def test_a_roster_with_two_grouped_header_rows_imports_with_the_right_fields(
    graph: GraphStore, tmp_path: Path
) -> None:
    path = roster(tmp_path / "花名册.xlsx", top=GROUPED, subs=SUBS)
    report = import_forms(store=graph, paths=[path])
    assert report.ok and report.written, report.problems
    assert report.cadres["created"] == 2
    zhao = next(c for c in graph.iter_nodes("Cadre") if c["name"] == "赵一鸣")
    assert (zhao["education"], zhao["degree"]) == ("大学本科", "经济学学士")
    assert (zhao["inservice_education"], zhao["inservice_degree"]) == ("研究生", "管理学硕士")
    assert zhao["school_major"] == "东江大学经济学专业"
    assert zhao["inservice_school_major"] == "东江区委党校经济管理专业"
    assert zhao["rank"] == "一级主任科员" and zhao["rank_since"] == date(2020, 1, 1)
    (held,) = [e for e in graph.edges_of("Cadre", str(zhao["id"])) if e.type == "HOLDS"]
    assert held.other_id == "P1" and held.props["start"] == date(2021, 10, 1)
    qian = next(c for c in graph.iter_nodes("Cadre") if c["name"] == "钱二")
    assert qian["education"] == "大学本科" and "inservice_education" not in qian
    assert qian["school_major"] == "东江师范学院中文系"


def test_an_unknown_group_is_a_clear_problem_naming_the_column(
    graph: GraphStore, tmp_path: Path
) -> None:
    top = [*GROUPED[:11], "联系方式", None, "备注"]
    subs = [*SUBS[:11], "手机", "座机", None]
    report = import_forms(store=graph, paths=[roster(tmp_path / "r.xlsx", top=top, subs=subs)])
    assert not report.written
    columns = {p["field"]: p for p in report.problems}
    assert set(columns) == {"联系方式 / 手机", "联系方式 / 座机"}
    problem = columns["联系方式 / 手机"]
    assert "第L列" in problem["reason"] and "学历学位" in problem["reason"]  # what is known
    assert problem["file"].endswith("r.xlsx[科级干部] 第3–4行")
    assert not list(graph.iter_nodes("Cadre"))
    # Under a known group, an unknown sub-header names what the group takes.
    wrong = [*SUBS[:5], "全日制", "博士后", *SUBS[7:]]
    again = import_forms(store=graph, paths=[roster(tmp_path / "w.xlsx", top=GROUPED, subs=wrong)])
    (problem,) = again.problems
    assert problem["field"] == "学历学位 / 博士后" and "全日制、在职" in problem["reason"]


def test_a_table_workbook_with_a_two_row_header_loads(graph: GraphStore, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "干部"
    sheet.append(["干部编号", "姓名", "性别", "出生年月", "参加工作时间", "录用渠道", "学历学位",
                  None, "毕业院校及专业", None])  # fmt: skip
    sheet.append([None, None, None, None, None, None, "全日制", "在职", "全日制", "在职"])
    sheet.merge_cells("G1:H1")
    sheet.merge_cells("I1:J1")
    sheet.append(["C1", "张三", "男", "1980.05", "2003.07", "公务员", "大学本科 法学学士",
                  "研究生 法学硕士", "东江大学法学", "东江大学法律硕士"])  # fmt: skip
    path = tmp_path / "干部.xlsx"
    book.save(path)
    outcome = load_paths(graph, [path])
    assert outcome.rows_by_table == {"cadres": 1}
    cadre = graph.get_node("Cadre", "C1")
    assert cadre is not None
    assert (cadre["education"], cadre["degree"]) == ("大学本科", "法学学士")
    assert (cadre["inservice_education"], cadre["inservice_degree"]) == ("研究生", "法学硕士")
    assert cadre["school_major"] == "东江大学法学"
    assert cadre["inservice_school_major"] == "东江大学法律硕士"
    # An unknown group in a table workbook: a problem naming the column; nothing written.
    sheet["I1"] = "联系方式"
    sheet["I2"], sheet["J2"] = "手机", "座机"
    sheet["A3"] = "C2"
    book.save(path)
    with pytest.raises(LoadFailed) as caught:
        load_paths(graph, [path])
    found = {(i.row, i.column) for i in caught.value.issues}
    assert found == {(2, "联系方式 / 手机"), (2, "联系方式 / 座机")}
    assert "第I列" in caught.value.issues[0].reason
    assert graph.get_node("Cadre", "C2") is None


def test_loading_a_roster_as_tables_says_what_it_is(graph: GraphStore, tmp_path: Path) -> None:
    path = roster(tmp_path / "花名册.xlsx", top=GROUPED, subs=SUBS)
    with pytest.raises(SourceError) as caught:
        load_paths(graph, [path])
    assert "花名册" in caught.value.reason and "import-forms" in caught.value.reason
