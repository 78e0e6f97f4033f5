"""简历 and names as editors really write them; the same line makes the same record.

Each spelling of a period keeps its post; invisible characters copied from other systems
are not part of a name; a secondment line reads the same on every import (its role too),
and a later form of the same person creates nothing the first one made.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from graphsvc.stores import GraphStore
from loaders.forms.importer import import_forms
from loaders.forms.resume import parse_resume
from queries.forms.document import build_form
from queries.forms.export import write_form
from tests.forms.kit import DAUGHTER, write_lrmx

AS_OF = date(2026, 12, 31)

# The same four posts, written as editors write them.
SPELLINGS = {
    "six digits": "200907--201203  东江区兴口镇党政综合办公室科员\n"
    "201203--201506  东江区白沙镇财政所副所长\n"
    "201506--202003  东江区白沙镇副镇长\n"
    "202003--  东江区兴口镇财政所所长",
    "eight digits and 至": "20090701至20120301  东江区兴口镇党政综合办公室科员\n"
    "20120301至20150601  东江区白沙镇财政所副所长\n"
    "20150601至20200301  东江区白沙镇副镇长\n"
    "20200301至今  东江区兴口镇财政所所长",
    "em dashes": "2009.07—2012.03  东江区兴口镇党政综合办公室科员\n"
    "2012.03——2015.06  东江区白沙镇财政所副所长\n"
    "2015.06—2020.03  东江区白沙镇副镇长\n"
    "2020.03—  东江区兴口镇财政所所长",
    "full-width hyphens and spaces": "２００９．０７－－２０１２．０３\u3000"
    "东江区兴口镇党政综合办公室科员\n"
    "2012.03－2015.06\u3000\u3000东江区白沙镇财政所副所长\n"
    "2015.06 - 2020.03 东江区白沙镇副镇长\n"
    "2020.03-至今 东江区兴口镇财政所所长",
    "leading spaces and a note": " 2009.07--2012.03  东江区兴口镇党政综合办公室科员\n"
    "  2012.03--2015.06  东江区白沙镇财政所副所长\n"
    "\u30002015.06--2020.03  东江区白沙镇副镇长\n"
    "   (期间:2016.09-2018.08在东江区财政局挂职)\n"
    " 2020.03--  东江区兴口镇财政所所长",
    "dates with days and invisible characters": "2009.07.15--2012.03.01  "
    "东江区兴口镇党政综合\u200b办公室科员\n"
    "\ufeff2012.3-2015.6  东江区白沙镇财政所副所长\n"
    "2015年6月--2020年3月  东江区白沙镇副镇长\n"
    "2020.03--\u00a0东江区兴口镇财政所所长",
}  # fmt: skip
POSTS = [
    "东江区兴口镇党政综合办公室科员",
    "东江区白沙镇财政所副所长",
    "东江区白沙镇副镇长",
    "东江区兴口镇财政所所长",
]


def _cadre(store: GraphStore, name: str) -> dict[str, object]:
    (found,) = [c for c in store.iter_nodes("Cadre") if c["name"] == name]
    return found


@pytest.mark.parametrize("spelling", list(SPELLINGS))
def test_each_spelling_keeps_every_post(spelling: str, graph: GraphStore, tmp_path: Path) -> None:
    resume = parse_resume(SPELLINGS[spelling])
    assert [p.text for p in resume.posts] == POSTS, resume.unread
    assert [(p.start, p.end) for p in resume.posts] == [
        (date(2009, 7, 1), date(2012, 3, 1)),
        (date(2012, 3, 1), date(2015, 6, 1)),
        (date(2015, 6, 1), date(2020, 3, 1)),
        (date(2020, 3, 1), None),
    ]
    assert not resume.unread
    report = import_forms(
        store=graph,
        paths=[write_lrmx(tmp_path, "d", {**DAUGHTER, "JianLi": SPELLINGS[spelling]})],
    )
    assert report.ok and report.written, report.problems
    assert not [w for w in report.warnings if w["field"] == "简历"]
    cadre = _cadre(graph, "林晓雯")
    held = [e for e in graph.edges_of("Cadre", str(cadre["id"])) if e.type == "HOLDS"]
    assert len(held) == 4
    assert {e.other_id for e in held} >= {"P5", "P2"}  # matched through their units
    assert cadre["level"] == "科员" and not cadre.get("resume_unread")


def test_a_name_with_invisible_characters_is_the_same_person_in_a_roster(
    graph: GraphStore, tmp_path: Path
) -> None:
    form = {**DAUGHTER, "XingMing": "周\u200b文斌", "ShenFenZheng": ""}
    assert import_forms(store=graph, paths=[write_lrmx(tmp_path, "z", form)]).ok
    cadre = _cadre(graph, "周文斌")  # stored without the zero-width space: a search finds her
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["序号", "姓名", "性别", "出生年月", "参加工作时间", "全日制学历", "现任职务",
                  "任现职时间"])  # fmt: skip
    sheet.append([1, "\ufeff周\u00a0文斌\u200d", "女", "1987.05", "2009.07", "大学",
                  "东江区兴口镇财政所所长", "2016.06"])  # fmt: skip
    path = tmp_path / "roster.xlsx"
    book.save(path)
    report = import_forms(store=graph, paths=[path])
    assert report.ok, report.problems
    assert report.cadres == {"created": 0, "updated": 0, "unchanged": 1}
    (matched,) = [m for m in report.matched if m["kind"] == "干部"]
    assert matched["id"] == cadre["id"] and matched["note"] == "按姓名+出生年月匹配"


WANG_LI = {
    **DAUGHTER,
    "XingMing": "王丽",
    "ShenFenZheng": "990102198705120023",
    "family": [],
    "JianLi": "2009.07--2016.06  东江区兴口镇党政综合办公室科员\n"
    "2016.06--  东江区白沙镇副镇长\n"
    "（其间：2016.09--2018.08在白沙镇石门村挂职村党支部副书记）",
}


def test_a_later_form_of_the_same_person_makes_nothing_twice(
    graph: GraphStore, tmp_path: Path
) -> None:
    first = {**WANG_LI, "TianBiaoShiJian": "20261120"}
    report = import_forms(store=graph, paths=[write_lrmx(tmp_path, "early", first)])
    assert report.ok, report.problems
    units_before = {u["id"]: u["name"] for u in graph.iter_nodes("Unit")}
    assert sorted(set(units_before.values()) - {"东江区", "兴口镇", "白沙镇"}) == ["石门村"]
    # The later form: the same lines, the deputy post closed, a new one added.
    later = {
        **WANG_LI,
        "TianBiaoShiJian": "20261202",
        "JianLi": "2009.07--2016.06  东江区兴口镇党政综合办公室科员\n"
        "2016.06--2026.11  东江区白沙镇副镇长\n"
        "（其间：2016.09--2018.08在白沙镇石门村挂职村党支部副书记）\n"
        "2026.11--  东江区白沙镇农业农村服务中心主任",
    }
    again = import_forms(store=graph, paths=[write_lrmx(tmp_path, "later", later)])
    assert again.ok, again.problems
    new_units = {u["id"]: u["name"] for u in graph.iter_nodes("Unit")}.keys() - units_before
    assert [graph.get_node("Unit", u)["name"] for u in new_units] == ["农业农村服务中心"]  # type: ignore[index]
    cadre = _cadre(graph, "王丽")
    (secondment,) = [e for e in graph.edges_of("Cadre", str(cadre["id"])) if e.type == "ROTATED_TO"]
    assert secondment.props["role"] == "村党支部副书记" and secondment.props["kind"] == "挂职"
    assert graph.get_node("Unit", secondment.other_id)["name"] == "石门村"  # type: ignore[index]
    lines = build_form(store=graph, cadre_id=str(cadre["id"]), as_of=AS_OF).get("JianLi")
    notes = [line.strip() for line in lines.split("\n") if "其间" in line]
    assert notes == ["(其间：2016.09--2018.08在东江区白沙镇石门村挂职村党支部副书记)"]
    # The form written out and read again is the same record, on every import.
    out = write_form(store=graph, cadre_id=str(cadre["id"]), post_id=None,
                     out=tmp_path / "out" / "wang.lrmx", as_of=AS_OF)  # fmt: skip
    version = graph.version()
    for _ in range(2):
        third = import_forms(store=graph, paths=[out])
        assert third.ok and third.cadres["unchanged"] == 1 and not third.created
    assert graph.version() == version


def test_verbs_are_never_unit_names(graph: GraphStore, tmp_path: Path) -> None:
    resume = (
        "2009.07--2016.06  任东江区兴口镇党政综合办公室科员\n"
        "2016.06--2020.01  东江区白沙镇副镇长兼财政所所长\n"
        "2020.01--  挂职东江区财政局副局长"
    )
    report = import_forms(
        store=graph, paths=[write_lrmx(tmp_path, "v", {**DAUGHTER, "JianLi": resume})]
    )
    assert report.ok, report.problems
    names = {u["name"] for u in graph.iter_nodes("Unit")}
    assert not any(name.startswith(("任", "兼", "挂职")) or "挂职" in name for name in names)
    cadre = _cadre(graph, "林晓雯")
    edges = graph.edges_of("Cadre", str(cadre["id"]))
    held = {e.other_id for e in edges if e.type == "HOLDS"}
    assert "P5" in held  # 任 is not part of the post's name
    deputy = [graph.get_node("Post", p) for p in held if p not in {"P5"}]
    assert [p["name"] for p in deputy if p] == ["白沙镇副镇长兼财政所所长"]
    (secondment,) = [e for e in edges if e.type == "ROTATED_TO"]
    assert secondment.props["role"] == "副局长"
    assert graph.get_node("Unit", secondment.other_id)["name"] == "财政局"  # type: ignore[index]


def test_an_unreadable_line_keeps_its_place_in_the_form_written_out(
    graph: GraphStore, tmp_path: Path
) -> None:
    resume = (
        "那年先在家务农\n"
        "2009.07--2012.03  东江区兴口镇党政综合办公室科员\n"
        "那几年在南方务工，具体时间记不清\n"
        "2012.03--  东江区兴口镇财政所所长"
    )
    path = write_lrmx(tmp_path, "d", {**DAUGHTER, "JianLi": resume})
    assert import_forms(store=graph, paths=[path]).ok
    cadre_id = str(_cadre(graph, "林晓雯")["id"])
    lines = build_form(store=graph, cadre_id=cadre_id, as_of=AS_OF).get("JianLi").split("\n")
    assert [line.strip()[:9] for line in lines] == [
        "那年先在家务农",
        "2009.07--",
        "那几年在南方务工，",
        "2012.03--",
    ]
    out = write_form(store=graph, cadre_id=cadre_id, post_id=None, out=tmp_path / "o" / "d.lrm",
                     as_of=AS_OF)  # fmt: skip
    version = graph.version()
    again = import_forms(store=graph, paths=[out])
    assert again.ok and again.cadres["unchanged"] == 1 and graph.version() == version
