"""Loading: good data in every accepted form, each kind of bad input, all or nothing."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from graphsvc.id_number import check_character
from graphsvc.stores import GraphStore, open_store
from graphsvc.vocab import Education
from loaders.load import LoadFailed, load_paths, load_records
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
    assert reason == "不是有效日期：月份13不在1–12之间；应写作1990.05、1990.05.12或1990-05-12"


def test_a_missing_required_value(store: GraphStore, tmp_path: Path) -> None:
    folder = write_tables(
        tmp_path / "d",
        with_rows("cadres", ["C3", "", "男", "1990.01", "2012.07", "大学本科", "公务员"]),
    )
    assert problems(store, folder) == [("cadres.csv", 4, "姓名", "必填项为空")]


def test_an_unknown_id_in_a_relation(store: GraphStore, tmp_path: Path) -> None:
    folder = write_tables(tmp_path / "d", with_rows("post_history", ["C9", "P1", "2021.01", ""]))
    assert problems(store, folder) == [
        ("post_history.csv", 5, "干部编号", "本次导入和库中都没有编号为“C9”的干部")
    ]


def test_an_unknown_id_in_a_reference_field(store: GraphStore, tmp_path: Path) -> None:
    folder = write_tables(
        tmp_path / "d", with_rows("posts", ["P3", "丙镇镇长", "U7", "正科", "是"])
    )
    assert problems(store, folder) == [
        ("posts.csv", 4, "单位编号", "本次导入和库中都没有编号为“U7”的单位")
    ]


def test_a_duplicate_id(store: GraphStore, tmp_path: Path) -> None:
    folder = write_tables(
        tmp_path / "d",
        with_rows("cadres", ["C1", "张三", "男", "1981.01", "2004.07", "大学本科", "公务员"]),
    )
    assert problems(store, folder) == [
        ("cadres.csv", 4, "干部编号", "干部编号重复：已在cadres.csv 第2行出现")
    ]


def test_a_duplicate_relation(store: GraphStore, tmp_path: Path) -> None:
    folder = write_tables(
        tmp_path / "d", with_rows("post_history", ["C2", "P2", "2015.08", "2016.01"])
    )
    [(source, row, column, reason)] = problems(store, folder)
    assert (source, row, column) == ("post_history.csv", 5, None)
    assert reason == "任职经历记录重复：已在post_history.csv 第4行出现"


def test_a_value_outside_the_vocabulary(store: GraphStore, tmp_path: Path) -> None:
    folder = write_tables(
        tmp_path / "d",
        with_rows("cadres", ["C3", "王五", "男", "1990.01", "2012.07", "大学本科", "内部推荐"]),
    )
    [(source, row, column, reason)] = problems(store, folder)
    assert (source, row, column) == ("cadres.csv", 4, "录用渠道")
    assert reason.startswith("“内部推荐”不是录用渠道的可选值；可填：选调生、公务员")


def test_a_missing_required_column(store: GraphStore, tmp_path: Path) -> None:
    tables = dict(TABLES)
    tables["cadres"] = [row[:3] + row[4:] for row in TABLES["cadres"]]  # drop 出生年月
    assert problems(store, write_tables(tmp_path / "d", tables)) == [
        ("cadres.csv", 1, "出生年月", "缺少必填列")
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
    with pytest.raises(SourceError, match="没有名为“people”的表"):
        load_paths(store, [folder])
    with pytest.raises(SourceError, match="不存在"):
        load_paths(store, [tmp_path / "nowhere"])
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(SourceError, match="不是文件夹"):
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


# ------------------------------------------------------------- cells and rows


def write_raw(folder: Path, name: str, lines: list[str]) -> None:
    """A CSV file exactly as typed, unquoted commas and all."""
    (folder / f"{name}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_row_with_more_cells_than_the_header_is_refused(
    store: GraphStore, tmp_path: Path
) -> None:
    folder = write_tables(tmp_path / "d", TABLES)
    header = "单位编号,单位名称,单位类型,上级单位编号,备注"
    # The note holds an unquoted comma: its second half lands past the last column.
    write_raw(folder, "units", [header, "U1,甲区,区县,,", "U2,乙镇,乡镇,U1,撤乡设镇,2019年批复"])
    [(source, row, column, reason)] = problems(store, folder)
    assert (source, row, column) == ("units.csv", 3, None)
    assert reason.startswith("第3行有6个单元格，表头只有5列：多出的单元格“2019年批复”")
    assert "未加引号的逗号" in reason


def test_a_comma_in_a_middle_column_does_not_shift_values(
    store: GraphStore, tmp_path: Path
) -> None:
    folder = write_tables(tmp_path / "d", TABLES)
    lines = [",".join(row) for row in TABLES["cadres"]]
    lines.append("C3,王,五,男,1990.01,2012.07,大学本科,公务员")  # 姓名 typed with a comma
    write_raw(folder, "cadres", lines)
    [(source, row, column, reason)] = problems(store, folder)
    assert (source, row, column) == ("cadres.csv", 4, None)
    assert "第4行有8个单元格，表头只有7列" in reason and "“公务员”" in reason


def test_a_value_under_a_blank_header_is_refused(store: GraphStore, tmp_path: Path) -> None:
    folder = write_tables(tmp_path / "d", TABLES)
    write_raw(
        folder, "units", ["单位编号,,单位名称,单位类型", "U1,,甲区,区县", "U2,备用,乙镇,乡镇"]
    )
    [(source, row, column, reason)] = problems(store, folder)
    assert (source, row, column) == ("units.csv", 3, None)
    assert reason == "第3行的B列有内容“备用”，但该列没有表头；请补上表头，或删去这些内容"


def test_trailing_empty_cells_are_harmless(store: GraphStore, tmp_path: Path) -> None:
    folder = write_tables(tmp_path / "d", TABLES)
    write_raw(
        folder,
        "units",
        ["单位编号,单位名称,单位类型,上级单位编号", "U1,甲区,区县,,,", "U2,乙镇,乡镇,U1, ,"],
    )
    outcome = load_paths(store, [folder])
    assert outcome.warnings == [] and store.counts().nodes["Unit"] == 2


def test_a_short_row_missing_required_columns_is_refused(store: GraphStore, tmp_path: Path) -> None:
    folder = write_tables(tmp_path / "d", TABLES)
    lines = [",".join(row) for row in TABLES["cadres"]]
    lines.append("C3,王五,男,1990.01,2012.07")
    write_raw(folder, "cadres", lines)
    assert problems(store, folder) == [
        (
            "cadres.csv",
            4,
            None,
            "第4行只有5个单元格，表头有7列：缺少必填列全日制学历、录用渠道；"
            "可能少了逗号或整行被截断",
        )
    ]


def test_a_short_row_missing_only_optional_columns_loads_with_a_warning(
    store: GraphStore, tmp_path: Path
) -> None:
    folder = write_tables(tmp_path / "d", TABLES)
    lines = [",".join(row) for row in TABLES["post_history"]]
    lines[-1] = "C2,P2,2015.08"  # 免职时间 left off: still in post
    write_raw(folder, "post_history", lines)
    outcome = load_paths(store, [folder])
    assert [(w.source, w.row, w.reason) for w in outcome.warnings] == [
        ("post_history.csv", 4, "第4行只有3个单元格，表头有4列：免职时间按空值读入")
    ]
    assert store.counts().edges["HOLDS"] == 3


def test_an_xlsx_cell_under_no_header_is_refused(store: GraphStore, tmp_path: Path) -> None:
    book = Workbook()
    units = book.active
    assert units is not None
    units.title = "单位"
    units.append(["单位编号", "单位名称", "单位类型"])
    units.append(["U1", "甲区", "区县", None, "备注：2019年撤县设区"])
    path = tmp_path / "units.xlsx"
    book.save(path)
    with pytest.raises(LoadFailed) as caught:
        load_paths(store, [path])
    [issue] = caught.value.issues
    assert (issue.source, issue.row) == ("units.xlsx[单位]", 2)
    assert issue.reason.startswith("第2行的E列有内容“备注：2019年撤县设区”，但该列没有表头")
    assert store.counts().nodes == {}


# ------------------------------------------------------------------ the store


@pytest.mark.parametrize("broken", ["bad_row", "unknown_table"])
def test_a_failed_first_load_leaves_no_store_file(tmp_path: Path, broken: str) -> None:
    folder = write_tables(tmp_path / "d", TABLES)
    if broken == "bad_row":
        write_tables(folder, with_rows("cadres", ["C3", "", "男", "1990.13", "", "", ""]))
    else:
        (folder / "people.csv").write_text("id\n1\n", encoding="utf-8")
    path = tmp_path / "new" / "graph.db"
    with open_store(str(path)) as graph, pytest.raises((LoadFailed, SourceError)):
        load_paths(graph, [folder])
    leftovers = [p.name for p in tmp_path.rglob("graph.db*")]
    assert leftovers == [] and not (tmp_path / "new").exists()
    # The same store loads once the data is right, and then exists.
    write_tables(folder, TABLES)
    (folder / "people.csv").unlink(missing_ok=True)
    with open_store(str(path)) as graph:
        load_paths(graph, [folder])
    assert path.exists()
    with open_store(str(path)) as graph:
        assert graph.counts().nodes == {"Unit": 2, "Post": 2, "Cadre": 2}


# ------------------------------------------------------------ vocab and IDs


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("本科", Education.BACHELOR),
        ("大学", Education.BACHELOR),
        ("大专", Education.JUNIOR_COLLEGE),
        ("专科", Education.JUNIOR_COLLEGE),
        ("研究生学历", Education.POSTGRADUATE),
        ("硕士研究生", Education.POSTGRADUATE),
        ("中专学历", Education.SECONDARY),
        ("高中", Education.HIGH_SCHOOL_OR_BELOW),
    ],
)
def test_education_short_forms(
    store: GraphStore, tmp_path: Path, written: str, meant: Education
) -> None:
    tables = with_rows("cadres", ["C3", "王五", "男", "1990.01", "2012.07", written, "公务员"])
    load_paths(store, [write_tables(tmp_path / "d", tables)])
    wang = store.get_node("Cadre", "C3")
    assert wang is not None and wang["education"] == meant.value


def test_an_unknown_education_lists_the_values(store: GraphStore, tmp_path: Path) -> None:
    tables = with_rows("cadres", ["C3", "王五", "男", "1990.01", "2012.07", "私塾", "公务员"])
    [(_, _, column, reason)] = problems(store, write_tables(tmp_path / "d", tables))
    assert column == "全日制学历"
    assert (
        reason == "“私塾”不是全日制学历的可选值；可填：研究生、大学本科、大学专科、中专、高中及以下"
    )


def id_number(birth: str, sequence: str = "123") -> str:
    body = f"990101{birth}{sequence}"
    return body + check_character(body)


def with_id_number(number: str, birth: str = "1990.01") -> dict[str, list[list[str]]]:
    tables = with_rows("cadres", ["C3", "王五", "男", birth, "2012.07", "大学本科", "公务员"])
    tables["cadres"][0] = [*tables["cadres"][0], "身份证号"]
    tables["cadres"][1:] = [[*row, ""] for row in tables["cadres"][1:-1]] + [
        [*tables["cadres"][-1], number]
    ]
    return tables


def test_a_good_id_number_loads(store: GraphStore, tmp_path: Path) -> None:
    number = id_number("19900115")
    load_paths(store, [write_tables(tmp_path / "d", with_id_number(number.lower()))])
    wang = store.get_node("Cadre", "C3")
    assert wang is not None and wang["id_number"] == number


def test_a_wrong_check_digit(store: GraphStore, tmp_path: Path) -> None:
    good = id_number("19900115")
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    folder = write_tables(tmp_path / "d", with_id_number(wrong))
    assert problems(store, folder) == [
        (
            "cadres.csv",
            4,
            "身份证号",
            f"身份证号校验码不符：按前17位应为{good[17]}，这里是{wrong[17]}，请核对是否录错",
        )
    ]


def test_a_birth_date_that_disagrees(store: GraphStore, tmp_path: Path) -> None:
    folder = write_tables(tmp_path / "d", with_id_number(id_number("19910115")))
    assert problems(store, folder) == [
        ("cadres.csv", 4, "身份证号", "身份证号中的出生日期1991.01.15与出生年月1990.01不一致")
    ]


def test_id_number_problems_can_be_warnings(store: GraphStore, tmp_path: Path) -> None:
    folder = write_tables(tmp_path / "d", with_id_number(id_number("19910115")))
    outcome = load_paths(store, [folder], id_number_check="warn")
    assert [(w.source, w.row, w.column) for w in outcome.warnings] == [
        ("cadres.csv", 4, "身份证号")
    ]
    assert "出生年月1990.01不一致" in outcome.warnings[0].reason
    assert store.counts().nodes["Cadre"] == 3


def test_the_setting_decides_by_default(
    store: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from graphsvc.settings import get_settings

    folder = write_tables(tmp_path / "d", with_id_number(id_number("19910115")))
    monkeypatch.setenv("GRAPHSVC_ID_NUMBER_CHECK", "warn")
    get_settings.cache_clear()
    try:
        assert len(load_paths(store, [folder]).warnings) == 1
    finally:
        monkeypatch.delenv("GRAPHSVC_ID_NUMBER_CHECK")
        get_settings.cache_clear()


@pytest.mark.parametrize("typed", ["9.92957E+17", "9.92957e+17"])
def test_an_id_number_excel_turned_into_a_float(
    store: GraphStore, tmp_path: Path, typed: str
) -> None:
    [(source, row, column, reason)] = problems(
        store, write_tables(tmp_path / "d", with_id_number(typed))
    )
    assert (source, row, column) == ("cadres.csv", 4, "身份证号")
    assert reason == (
        f"身份证号应为18位，这里是“{typed.upper()}”：可能被Excel转成了科学计数法，"
        "请把该列设为文本后重新录入"
    )


def test_an_id_number_excel_padded_with_zeros(store: GraphStore, tmp_path: Path) -> None:
    padded = id_number("19900115")[:15] + "000"
    if check_character(padded[:17]) == "0":  # the zeros happen to be right: change one digit
        padded = padded[:14] + "1000"
    [(_, _, column, reason)] = problems(store, write_tables(tmp_path / "d", with_id_number(padded)))
    assert column == "身份证号" and reason.startswith("身份证号校验码不符")
    assert reason.endswith("末尾为000，可能被Excel转成了科学计数法，请把该列设为文本后重新录入")


def test_an_id_number_as_an_xlsx_number(store: GraphStore, tmp_path: Path) -> None:
    book = Workbook()
    cadres = book.active
    assert cadres is not None
    cadres.title = "干部"
    cadres.append(
        [
            "干部编号",
            "姓名",
            "性别",
            "出生年月",
            "参加工作时间",
            "全日制学历",
            "录用渠道",
            "身份证号",
        ]
    )
    cadres.append(["C1", "张三", "男", "1990.01", "2012.07", "本科", "公务员", 9.90101199001e17])
    path = tmp_path / "cadres.xlsx"
    book.save(path)
    with pytest.raises(LoadFailed) as caught:
        load_paths(store, [path])
    [issue] = caught.value.issues
    assert (issue.source, issue.row, issue.column) == ("cadres.xlsx[干部]", 2, "身份证号")
    assert "身份证号应为18位文本，这里是数字" in issue.reason
    assert issue.reason.endswith("可能被Excel转成了科学计数法，请把该列设为文本后重新录入")


# ------------------------------------------------------------------ messages


def test_problems_read_in_chinese_with_file_row_and_column(
    store: GraphStore, tmp_path: Path
) -> None:
    rows = [
        {"培训编号": "T1", "培训班名称": "x", "培训类型": "专题培训", "开始时间": "2025.03",
         "天数": "三", "学时": "-4", "是否脱产": "也许"},
        {"培训编号": "T2", "培训班名称": "y", "培训类型": "专题", "开始时间": "2025.05",
         "天数": "1", "学时": "8"},
    ]  # fmt: skip
    with pytest.raises(LoadFailed) as caught:
        load_records(store, "培训", rows, source="培训")
    found = {(i.row, i.column): i.reason for i in caught.value.issues}
    assert found == {
        (1, "天数"): "应为数字，这里是“三”",
        (1, "学时"): "不能小于0，这里是-4",
        (1, "是否脱产"): "应填“是”或“否”，这里是“也许”",
        (2, "培训类型"): "“专题”不是培训类型的可选值；可填：党性教育、中青年干部培训班、专题培训、"
        "业务培训、在线学习",
    }
    assert str(caught.value) == "输入有4处问题，未写入任何数据"
    issue = caught.value.issues[0]
    assert str(issue) == "培训 第1行 「天数」列：应为数字，这里是“三”（值：三）"
    assert store.counts().nodes == {}
    with pytest.raises(LoadFailed) as caught:
        load_records(
            store,
            "任职经历",
            [{"干部编号": "C1", "岗位编号": "P1", "任职时间": "2020.01", "免职时间": "2019.01"}],
        )
    assert "request 第1行：免职时间早于任职时间" in [str(i) for i in caught.value.issues]
