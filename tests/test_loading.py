"""Loading: good data in every accepted form, each kind of bad input, all or nothing."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from graphsvc.stores import GraphStore
from loaders.load import LoadFailed, load_paths
from loaders.tables import SourceError

TABLES: dict[str, list[list[str]]] = {
    "units": [
        ["单位编号", "单位名称", "单位类型", "上级单位编号"],
        ["U1", "甲区", "区县", ""],
        ["U2", "乙镇", "乡镇", "U1"],
    ],
    "posts": [
        ["岗位编号", "岗位名称", "单位编号", "职务层次", "是否领导职务"],
        ["P1", "乙镇党委书记", "U2", "正科", "是"],
        ["P2", "乙镇党政办科员", "U2", "科员", "否"],
    ],
    "cadres": [
        ["干部编号", "姓名", "性别", "出生年月", "参加工作时间", "全日制学历", "录用渠道"],
        ["C1", "张三", "男", "1980.05", "2003.07", "大学本科", "公务员"],
        ["C2", "李四", "女", "1992.11.03", "2015-08-01", "研究生", "选调生"],
    ],
    "post_history": [
        ["干部编号", "岗位编号", "任职时间", "免职时间"],
        ["C1", "P2", "2003.07", "2020.03"],
        ["C1", "P1", "2020.03", ""],
        ["C2", "P2", "2015.08", ""],
    ],
}


def write_tables(folder: Path, tables: dict[str, list[list[str]]], encoding: str = "utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        with (folder / f"{name}.csv").open("w", encoding=encoding, newline="") as handle:
            csv.writer(handle).writerows(rows)
    return folder


def with_rows(table: str, *rows: list[str]) -> dict[str, list[list[str]]]:
    changed = {name: [list(r) for r in rows_] for name, rows_ in TABLES.items()}
    changed[table] = changed[table] + [list(r) for r in rows]
    return changed


def problems(store: GraphStore, folder: Path) -> list[tuple[str, int | None, str | None, str]]:
    with pytest.raises(LoadFailed) as caught:
        load_paths(store, [folder])
    assert store.counts().nodes == {}, "a load with errors must write nothing"
    return [(i.source, i.row, i.column, i.reason) for i in caught.value.issues]


def test_good_data_loads(store: GraphStore, tmp_path: Path) -> None:
    outcome = load_paths(store, [write_tables(tmp_path / "d", TABLES)])
    assert outcome.rows_by_table == {"units": 2, "posts": 2, "cadres": 2, "post_history": 3}
    assert store.counts().nodes == {"Unit": 2, "Post": 2, "Cadre": 2}
    assert store.counts().edges == {"PART_OF": 1, "IN_UNIT": 2, "HOLDS": 3}
    li = store.get_node("Cadre", "C2")
    assert (
        li is not None and li["birth"] == date(1992, 11, 3) and li["work_start"] == date(2015, 8, 1)
    )
    assert store.get_node("Post", "P1")["leadership"] is True  # type: ignore[index]


def test_loading_twice_changes_nothing(store: GraphStore, tmp_path: Path) -> None:
    folder = write_tables(tmp_path / "d", TABLES)
    load_paths(store, [folder])
    counts, version = store.counts(), store.version()
    again = load_paths(store, [folder])
    assert not again.summary.changed
    assert store.counts() == counts and store.version() == version


def test_a_later_load_updates_by_id(store: GraphStore, tmp_path: Path) -> None:
    load_paths(store, [write_tables(tmp_path / "d", TABLES)])
    update = {
        "cadres": [
            TABLES["cadres"][0] + ["职务层次"],
            ["C2", "李四", "女", "1992.11", "2015.08", "研究生", "选调生", "副科"],
        ],
        "post_history": [TABLES["post_history"][0], ["C2", "P2", "2015.08", "2024.01"]],
    }
    outcome = load_paths(store, [write_tables(tmp_path / "u", update)])
    assert outcome.summary.updated == {"Cadre": 1, "HOLDS": 1}
    li = store.get_node("Cadre", "C2")
    assert li is not None and li["level"] == "副科" and li["birth"] == date(1992, 11, 1)
    assert store.counts().nodes["Cadre"] == 2  # updated, not added


def test_a_relation_may_name_what_the_store_already_has(store: GraphStore, tmp_path: Path) -> None:
    load_paths(store, [write_tables(tmp_path / "d", TABLES)])
    later = {"post_history": [TABLES["post_history"][0], ["C2", "P1", "2024.01", ""]]}
    load_paths(store, [write_tables(tmp_path / "later", later)])
    assert store.counts().edges["HOLDS"] == 4


def test_a_bad_date(store: GraphStore, tmp_path: Path) -> None:
    folder = write_tables(
        tmp_path / "d",
        with_rows("cadres", ["C3", "王五", "男", "1990.13", "2012.07", "大学本科", "公务员"]),
    )
    [(source, row, column, reason)] = problems(store, folder)
    assert (source, row, column) == ("cadres.csv", 4, "出生年月")
    assert "month 13" in reason


def test_a_missing_required_value(store: GraphStore, tmp_path: Path) -> None:
    folder = write_tables(
        tmp_path / "d",
        with_rows("cadres", ["C3", "", "男", "1990.01", "2012.07", "大学本科", "公务员"]),
    )
    assert problems(store, folder) == [("cadres.csv", 4, "姓名", "required value missing")]


def test_an_unknown_id_in_a_relation(store: GraphStore, tmp_path: Path) -> None:
    folder = write_tables(tmp_path / "d", with_rows("post_history", ["C9", "P1", "2021.01", ""]))
    assert problems(store, folder) == [
        ("post_history.csv", 5, "干部编号", "no Cadre with id 'C9' in this load or in the store")
    ]


def test_an_unknown_id_in_a_reference_field(store: GraphStore, tmp_path: Path) -> None:
    folder = write_tables(
        tmp_path / "d", with_rows("posts", ["P3", "丙镇镇长", "U7", "正科", "是"])
    )
    assert problems(store, folder) == [
        ("posts.csv", 4, "单位编号", "no Unit with id 'U7' in this load or in the store")
    ]


def test_a_duplicate_id(store: GraphStore, tmp_path: Path) -> None:
    folder = write_tables(
        tmp_path / "d",
        with_rows("cadres", ["C1", "张三", "男", "1981.01", "2004.07", "大学本科", "公务员"]),
    )
    assert problems(store, folder) == [
        ("cadres.csv", 4, "干部编号", "duplicate Cadre id; first given at cadres.csv, row 2")
    ]


def test_a_duplicate_relation(store: GraphStore, tmp_path: Path) -> None:
    folder = write_tables(
        tmp_path / "d", with_rows("post_history", ["C2", "P2", "2015.08", "2016.01"])
    )
    [(source, row, column, reason)] = problems(store, folder)
    assert (source, row, column) == ("post_history.csv", 5, None)
    assert "first given at post_history.csv, row 4" in reason


def test_a_value_outside_the_vocabulary(store: GraphStore, tmp_path: Path) -> None:
    folder = write_tables(
        tmp_path / "d",
        with_rows("cadres", ["C3", "王五", "男", "1990.01", "2012.07", "大学本科", "内部推荐"]),
    )
    [(source, row, column, reason)] = problems(store, folder)
    assert (source, row, column) == ("cadres.csv", 4, "录用渠道")
    assert "选调生" in reason  # the message lists what is accepted


def test_a_missing_required_column(store: GraphStore, tmp_path: Path) -> None:
    tables = dict(TABLES)
    tables["cadres"] = [row[:3] + row[4:] for row in TABLES["cadres"]]  # drop 出生年月
    assert problems(store, write_tables(tmp_path / "d", tables)) == [
        ("cadres.csv", 1, "出生年月", "required column missing")
    ]


def test_every_problem_is_reported_at_once(store: GraphStore, tmp_path: Path) -> None:
    tables = with_rows("cadres", ["C3", "", "男", "1990.13", "2012.07", "大学本科", "公务员"])
    tables["post_history"].append(["C9", "P9", "2021.01", ""])
    found = problems(store, write_tables(tmp_path / "d", tables))
    assert {(column, row) for _, row, column, _ in found} == {
        ("姓名", 4),
        ("出生年月", 4),
        ("干部编号", 5),
        ("岗位编号", 5),
    }


def test_an_unknown_column_is_a_warning(store: GraphStore, tmp_path: Path) -> None:
    tables = {**TABLES, "units": [[*row, "x"] for row in TABLES["units"]]}
    tables["units"][0][-1] = "备注"
    outcome = load_paths(store, [write_tables(tmp_path / "d", tables)])
    assert [(w.source, w.column) for w in outcome.warnings] == [("units.csv", "备注")]
    assert store.counts().nodes["Unit"] == 2


def test_unreadable_sources(store: GraphStore, tmp_path: Path) -> None:
    folder = write_tables(tmp_path / "d", TABLES)
    (folder / "people.csv").write_text("id\n1\n", encoding="utf-8")
    with pytest.raises(SourceError, match="unknown table 'people'"):
        load_paths(store, [folder])
    with pytest.raises(SourceError, match="does not exist"):
        load_paths(store, [tmp_path / "nowhere"])
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(SourceError, match="not a folder"):
        load_paths(store, [tmp_path / "notes.txt"])
    assert store.counts().nodes == {}


def test_english_headers_and_gb18030(store: GraphStore, tmp_path: Path) -> None:
    english = {
        "units": [["id", "name", "kind", "parent_id"], ["U1", "甲区", "区县", ""]],
        "cadres": [
            ["id", "name", "gender", "birth", "work_start", "education", "channel"],
            ["C1", "张三", "男", "198005", "200307", "大学本科", "到村（社区）工作大学生"],
        ],
    }
    load_paths(store, [write_tables(tmp_path / "en", english, encoding="gb18030")])
    zhang = store.get_node("Cadre", "C1")
    assert (
        zhang is not None and zhang["name"] == "张三" and zhang["channel"] == "到村(社区)工作大学生"
    )


def test_an_xlsx_workbook_with_excel_cells(store: GraphStore, tmp_path: Path) -> None:
    book = Workbook()
    units = book.active
    assert units is not None
    units.title = "单位"
    units.append(["单位编号", "单位名称", "单位类型"])
    units.append(["U1", "甲区", "区县"])
    cadres = book.create_sheet("干部")
    cadres.append(
        ["干部编号", "姓名", "性别", "出生年月", "参加工作时间", "全日制学历", "录用渠道"]
    )
    cadres.append([1001, "张三", "男", datetime(1980, 5, 1), 200307, "大学本科", "公务员"])
    cadres.append([1002.0, "李四", "女", "1992.11", datetime(2015, 8, 1), "研究生", "选调生"])
    cadres.append([1003, "王五", "男", "1990.99", "2012.07", "大学本科", "公务员"])
    path = tmp_path / "district.xlsx"
    book.save(path)
    with pytest.raises(LoadFailed) as caught:
        load_paths(store, [path])
    [issue] = caught.value.issues
    assert (issue.source, issue.row, issue.column) == ("district.xlsx[干部]", 4, "出生年月")
    assert store.counts().nodes == {}
    cadres.delete_rows(4)
    book.save(path)
    load_paths(store, [path])
    assert store.counts().nodes == {"Unit": 1, "Cadre": 2}
    assert store.get_node("Cadre", "1001")["birth"] == date(1980, 5, 1)  # type: ignore[index]
    assert store.get_node("Cadre", "1002")["work_start"] == date(2015, 8, 1)  # type: ignore[index]


def test_the_sample_district_loads_clean(store: GraphStore, small_sample_dir: Path) -> None:
    outcome = load_paths(store, [small_sample_dir])
    assert outcome.warnings == []
    counts = store.counts()
    assert counts.nodes["Cadre"] == 400
    assert sum(outcome.rows_by_table.values()) == sum(n for label, n in counts.nodes.items()) + sum(
        n
        for t, n in counts.edges.items()
        if t
        in {
            "HOLDS",
            "ROTATED_TO",
            "MENTORS",
            "WORKED_ON",
            "ATTENDED",
            "HAS_SPECIALTY",
            "REQUIRES",
            "RELATIVE_OF",
            "IN_POOL",
        }
    )
