"""Reading forms, 简历, rosters and names, each on its own (no store)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from loaders.forms.family import kinship_of
from loaders.forms.fields import education_level, parse_assessments, parse_sanctions
from loaders.forms.lrm import read_lrm
from loaders.forms.lrmx import read_lrmx
from loaders.forms.record import FormUnreadable
from loaders.forms.resume import parse_resume
from loaders.forms.roster import read_roster, roster_date
from loaders.forms.units import post_function, split_post_text
from tests.forms.kit import DAUGHTER, lrm_text, lrmx_bytes, write_lrmx


def test_an_lrmx_form_is_read_with_its_family(tmp_path: Path) -> None:
    record = read_lrmx(write_lrmx(tmp_path, "a", DAUGHTER))
    assert record.get("XingMing") == "林晓雯"
    assert record.get("ChuShengNianYue") == "198705"
    assert [m.relation for m in record.family] == ["父亲", "母亲"]
    assert record.family[0].workplace == "东江区兴口镇党委书记"


def test_a_non_xml_file_is_a_clear_problem(tmp_path: Path) -> None:
    path = tmp_path / "notes.lrmx"
    path.write_text("这不是XML，是一段说明文字", encoding="utf-8")
    with pytest.raises(FormUnreadable) as caught:
        read_lrmx(path)
    assert "XML" in caught.value.problem.reason and caught.value.problem.file == str(path)


def test_a_truncated_lrmx_is_reported_as_cut_short(tmp_path: Path) -> None:
    path = tmp_path / "cut.lrmx"
    path.write_bytes(lrmx_bytes(DAUGHTER)[:700])
    with pytest.raises(FormUnreadable) as caught:
        read_lrmx(path)
    assert "不完整" in caught.value.problem.reason


def test_another_root_is_not_a_form(tmp_path: Path) -> None:
    path = tmp_path / "other.lrmx"
    path.write_text("<Root><XingMing>王</XingMing></Root>", encoding="utf-8")
    with pytest.raises(FormUnreadable, match="Person"):
        read_lrmx(path)


def test_a_gb18030_lrm_with_its_photo(tmp_path: Path) -> None:
    fields = {**DAUGHTER, "XingMing": "林䶮"}  # 䶮 is in GB18030, not in GB2312
    path = tmp_path / "person.lrm"
    path.write_bytes(lrm_text(fields).encode("gb18030"))
    path.with_suffix(".pic").write_bytes(b"\xff\xd8\xff\xe0fake-jpeg")
    record = read_lrm(path)
    assert record.get("XingMing") == "林䶮"
    assert record.get("QuanRiZhiJiaoYu_XueLi") == "大学"
    assert record.get("QuanRiZhiJiaoYu_XueWei") == "经济学学士"
    assert record.photo is not None and record.photo.startswith(b"\xff\xd8")
    assert [(m.relation, m.name) for m in record.family] == [("父亲", "林国栋"), ("母亲", "陈秀英")]
    assert "东江区兴口镇财政所所长" in record.get("JianLi")


def test_a_truncated_lrm_names_the_missing_fields(tmp_path: Path) -> None:
    path = tmp_path / "cut.lrm"
    path.write_bytes(lrm_text(DAUGHTER).encode("gb18030")[:200] + b'"')
    with pytest.raises(FormUnreadable, match="只有"):
        read_lrm(path)


def test_the_resume_reads_periods_notes_study_and_keeps_what_it_cannot_read() -> None:
    text = (
        "2005.09--2009.07  东江大学经济学专业学习\n"
        "2009.07--2012.03\u3000\u3000东江区兴口镇党政综合办公室科员\n"
        "２０１２．０３－－２０１６．０６  东江区白沙镇财政所副所长、团委书\n"
        "                  记\n"
        "                  (其间：2014.03--2015.03在东江区财政局挂职)\n"
        "2016.06--\n"
        "2018.01  东江区兴口镇财政所所长\n"
        "2018.01--至今  东江区兴口镇党委委员、副镇长\n"
        "2010.13--2011.01  月份写错的一行\n"
        "那几年在外地务工"
    )
    resume = parse_resume(text)
    posts = resume.posts
    assert [p.text for p in posts] == [
        "东江区兴口镇党政综合办公室科员",
        "东江区白沙镇财政所副所长、团委书记",  # wrapped over two lines, joined
        "东江区兴口镇财政所所长",  # a period wrapped after its dashes
        "东江区兴口镇党委委员、副镇长",
    ]
    assert posts[1].start == date(2012, 3, 1) and posts[1].end == date(2016, 6, 1)
    assert posts[-1].end is None
    assert [e.text for e in resume.entries if e.study] == ["东江大学经济学专业学习"]
    assert [(n.kind, n.text, n.start) for n in resume.notes] == [
        ("挂职", "东江区财政局", date(2014, 3, 1))
    ]
    assert [line for _, line in resume.unread] == [
        "2010.13--2011.01  月份写错的一行",
        "那几年在外地务工",
    ]


@pytest.mark.parametrize(
    ("text", "end"),
    [("2019.05--  东江区兴口镇副镇长", None), ("2019.05-- 至今 东江区兴口镇副镇长", None),
     ("2019.05  东江区兴口镇副镇长", None),
     ("2019.05--2021.10  东江区兴口镇副镇长", date(2021, 10, 1))],
)  # fmt: skip
def test_open_ends(text: str, end: date | None) -> None:
    (entry,) = parse_resume(text).posts
    assert entry.text == "东江区兴口镇副镇长" and entry.end == end


def test_post_texts_split_along_the_hierarchy() -> None:
    assert split_post_text("东江区兴口镇财政所所长") == (
        [("东江区", "区县"), ("兴口镇", "乡镇")],
        "财政所",
        "所长",
    )
    assert split_post_text("东江区委组织部部长") == ([("东江区", "区县")], "区委组织部", "部长")
    assert split_post_text("东江区委书记")[2] == "区委书记"
    assert split_post_text("丰城区泰沟镇金塘村")[0][0] == ("丰城区", "区县")
    assert split_post_text("东江区白沙街道新坝社区党组织书记助理")[0][-1] == ("新坝社区", "社区")
    assert split_post_text("兴口镇农业农村服务中心科员")[1] == "农业农村服务中心"
    assert split_post_text("东江区政府办公室副主任")[1] == "区政府办公室"
    assert split_post_text("东江区市场监管局科员")[1] == "市场监管局"
    assert split_post_text("东江市政府副市长") == ([("东江市", "市")], "", "副市长")
    assert post_function("财政所所长") == "财务"
    assert post_function("纪委书记") == "纪检监察"
    assert post_function("农业农村服务中心科员") == "业务"


def test_kinship_education_assessments_and_sanctions() -> None:
    assert kinship_of("父亲") == "父母" and kinship_of("岳母") == "配偶父母"
    assert kinship_of("女婿") == "子女配偶" and kinship_of("同学") is None
    assert education_level("大学") == "大学本科" and education_level("硕士研究生") == "研究生"
    assert education_level("大专") == "大学专科"
    assert parse_assessments("2021、2022年度考核称职，2023年度考核优秀") == {
        2021: "称职",
        2022: "称职",
        2023: "优秀",
    }
    records, undated = parse_sanctions(
        "2019年被评为优秀共产党员；2021.03受到诫勉；2022年5月受到党内严重警告处分；曾受记过处分"
    )
    assert [(kind, when) for kind, when, _ in records] == [
        ("诫勉", date(2021, 3, 1)),
        ("党内严重警告", date(2022, 5, 1)),
    ]
    assert undated == ["曾受记过处分"]


@pytest.mark.parametrize(
    ("cell", "text"),
    [
        (datetime(1990, 5, 1), "1990.05"),
        ("1990.05", "1990.05"),
        ("1990.5", "1990.5"),
        ("199005", "199005"),
        (1990.05, "1990.05"),
        (1990.1, "1990.10"),  # 1990.10 typed into a number cell: October
        (1990.12, "1990.12"),
        (199005, "1990.05"),
    ],
)
def test_roster_date_cells(cell: object, text: str) -> None:
    assert roster_date(cell) == text


def test_a_roster_as_departments_keep_it(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "科级干部"
    sheet.append(["东江区科级干部花名册"])
    sheet.merge_cells("A1:L1")
    sheet.append(["序号", "姓名", "性别", "民族", "出生年月", "参加工作时间", "学历", None,
                  "现任职务", "任现职时间", "身份证号", "备注"])  # fmt: skip
    sheet.merge_cells("G2:H2")
    sheet.append([None, None, None, None, None, None, "全日制", "在职"])
    sheet.append([1, "赵一鸣", "男", "汉族", datetime(1990, 5, 1), "2012.07", "大学本科", "研究生",
                  "东江区兴口镇副镇长", 2021.1, "990102199005010012", None])  # fmt: skip
    sheet.append([None] * 12)
    sheet.append([2, "钱二", "女", "汉族", 1991.05, "201307", "大专", None,
                  "东江区兴口镇党政综合办公室科员", "2019.5", 9.91020199105e17,
                  "调入"])  # fmt: skip
    sheet.append(["合计", "2人"])
    path = tmp_path / "roster.xlsx"
    book.save(path)

    read = read_roster(path)
    assert [r.get("XingMing") for r in read.records] == ["赵一鸣", "钱二"]
    first, second = read.records
    assert first.get("ChuShengNianYue") == "1990.05"
    assert first.get("RenXianZhiShiJian") == "2021.10"
    assert first.get("QuanRiZhiJiaoYu_XueLi") == "大学本科"
    assert first.get("ZaiZhiJiaoYu_XueLi") == "研究生"
    assert first.get("ShenFenZheng") == "990102199005010012"
    assert second.get("ChuShengNianYue") == "1991.05"
    assert second.get("ShenFenZheng") == ""  # lost digits: never stored
    assert second.row == 6
    (flag,) = read.warnings
    assert flag.field == "身份证号" and "数字" in flag.reason and "第6行" in flag.file
    assert not read.problems


def test_an_lrmx_saved_in_gb2312(tmp_path: Path) -> None:
    text = lrmx_bytes(DAUGHTER).decode("utf-8").replace('encoding="UTF-8"', 'encoding="GB2312"')
    path = tmp_path / "gb.lrmx"
    path.write_bytes(text.encode("gb18030"))
    record = read_lrmx(path)
    assert record.get("XingMing") == "林晓雯" and record.family[0].name == "林国栋"
