"""What a form carries beyond the career: its proposal (拟任/拟免), the photo, 录用渠道 from
the 简历, and a newer form's career closing what it no longer lists."""

from __future__ import annotations

import base64
import json
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graphsvc.stores import GraphStore
from loaders.forms.importer import import_forms
from loaders.forms.proposals import ProposalRequest, create_proposals
from loaders.load import LoadFailed
from queries.forms.document import build_form
from queries.forms.export import write_form
from queries.forms.proposals import proposals_under_way
from queries.records import cadre_profile
from tests.forms.kit import DAUGHTER, PROPOSAL, jpeg, lrm_text, write_lrmx


def _id(store: GraphStore, name: str = "林晓雯") -> str:
    return next(str(c["id"]) for c in store.iter_nodes("Cadre") if c["name"] == name)


def _form(folder: Path, name: str, fields: dict[str, object], photo: bytes | None = None) -> Path:
    path = write_lrmx(folder, name, fields)
    if photo is not None:
        root = ET.fromstring(path.read_bytes())
        node = root.find("ZhaoPian")
        assert node is not None
        node.text = base64.b64encode(photo).decode()
        path.write_bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))
    return path


@pytest.mark.parametrize("suffix", [".lrmx", ".lrm"])
def test_a_form_with_a_proposal_stores_it_and_exports_it_again_as_written(
    graph: GraphStore, tmp_path: Path, suffix: str
) -> None:
    report = import_forms(store=graph, paths=[_form(tmp_path, "d", {**DAUGHTER, **PROPOSAL})])
    assert report.ok, report.problems
    (stored,) = list(graph.iter_nodes("Proposal"))
    assert stored["post_id"] == "P1" and stored["status"] == "拟任"  # matched to the post
    assert stored["cadre_id"] == _id(graph) and stored["date"] == date(2026, 11, 20)
    (listed,) = report.proposals
    assert listed["post_id"] == "P1" and listed["note"] == "按岗位全称匹配"
    out = write_form(store=graph, cadre_id=_id(graph), post_id=None, out=tmp_path / f"o{suffix}")
    if suffix == ".lrmx":
        root = ET.fromstring(out.read_bytes())
        written = {key: root.findtext(key) for key in PROPOSAL}
    else:
        parts = out.read_bytes().decode("gb18030").strip('"').split('","')
        at = {"NiRenZhiWu": 26, "NiMianZhiWu": 27, "RenMianLiYou": 28, "ChengBaoDanWei": 29,
              "JiSuanNianLingShiJian": 30, "TianBiaoShiJian": 32}  # fmt: skip
        written = {key: parts[position] for key, position in at.items()}
    assert written == PROPOSAL  # byte for byte in its fields
    # Read again: the same proposal, nothing new.
    version = graph.version()
    again = import_forms(store=graph, paths=[out])
    assert again.ok and again.cadres["unchanged"] == 1 and graph.version() == version
    assert len(list(graph.iter_nodes("Proposal"))) == 1


def test_proposals_are_on_the_profile_and_in_the_list_until_made(
    graph: GraphStore, tmp_path: Path
) -> None:
    import_forms(store=graph, paths=[_form(tmp_path, "d", {**DAUGHTER, **PROPOSAL})])
    cadre_id = _id(graph)
    profile = cadre_profile(store=graph, cadre_id=cadre_id, reveal=())
    assert profile is not None
    (entry,) = profile["proposals"]
    assert entry["appoint"] == "东江区兴口镇党委书记" and entry["status"] == "拟任"
    under_way = proposals_under_way(store=graph)
    assert [row["cadre_id"] for row in under_way["items"]] == [cadre_id]
    assert under_way["items"][0]["unit_name"] == "兴口镇"
    # The next form shows her holding the post: the proposal was made.
    later = {
        **DAUGHTER,
        "TianBiaoShiJian": "20270301",
        "JianLi": DAUGHTER["JianLi"].replace("2016.06--  ", "2016.06--2027.01  ")
        + "\n2027.01--  东江区兴口镇党委书记",
    }
    report = import_forms(store=graph, paths=[_form(tmp_path, "later", later)])
    assert report.ok, report.problems
    (made,) = list(graph.iter_nodes("Proposal"))
    assert made["status"] == "已任命"
    assert proposals_under_way(store=graph)["total"] == 0
    assert proposals_under_way(store=graph, status="已任命")["by_status"]["已任命"] == 1


def test_a_round_plan_makes_proposals_through_the_validation(
    graph: GraphStore, tmp_path: Path
) -> None:
    import_forms(store=graph, paths=[_form(tmp_path, "d", DAUGHTER)])
    cadre_id = _id(graph)
    request = ProposalRequest(cadre_id, "P1", "专业匹配：财政金融", "区委组织部", date(2027, 1, 5))
    dry = create_proposals(store=graph, requests=[request], dry_run=True)
    assert dry.outcome is None and not list(graph.iter_nodes("Proposal"))
    made = create_proposals(store=graph, requests=[request], source="2027年第一轮")
    (proposal,) = list(graph.iter_nodes("Proposal"))
    assert made.ids == [proposal["id"]]
    assert proposal["appoint"] == "东江区兴口镇党委书记"
    assert proposal["remove"] == "东江区兴口镇财政所所长"  # her title, as the form gave it
    assert proposal["source"] == "2027年第一轮" and proposal["status"] == "拟任"
    # Made again: the same proposal, not a second one.
    create_proposals(store=graph, requests=[request])
    assert len(list(graph.iter_nodes("Proposal"))) == 1
    form = build_form(store=graph, cadre_id=cadre_id, post_id="P1")
    assert form.get("RenMianLiYou") == "专业匹配：财政金融"
    assert form.get("JiSuanNianLingShiJian") == "20270105"
    with pytest.raises(LoadFailed) as caught:
        create_proposals(store=graph, requests=[ProposalRequest("NOPE", "P1"), request])
    (issue,) = caught.value.issues
    assert issue.column == "干部编号" and "NOPE" in issue.reason
    assert len(list(graph.iter_nodes("Proposal"))) == 1  # nothing half-written


@pytest.mark.parametrize("suffix", [".lrmx", ".lrm"])
def test_a_photo_round_trips(graph: GraphStore, tmp_path: Path, suffix: str) -> None:
    photo = jpeg()
    if suffix == ".lrmx":
        path = _form(tmp_path, "d", DAUGHTER, photo)
    else:
        path = tmp_path / "d.lrm"
        path.write_bytes(lrm_text(DAUGHTER).encode("gb18030"))
        path.with_suffix(".pic").write_bytes(photo)
    report = import_forms(store=graph, paths=[path])
    assert report.ok and report.summary["created"]["Photo"] == 1
    cadre_id = _id(graph)
    kept = graph.get_node("Photo", cadre_id)
    assert kept is not None and kept["media_type"] == "image/jpeg"
    assert base64.b64decode(kept["data"]) == photo
    assert kept["data"] not in json.dumps(graph.get_node("Cadre", cadre_id), default=str)
    out = write_form(
        store=graph, cadre_id=cadre_id, post_id=None, out=tmp_path / "o" / f"x{suffix}"
    )
    if suffix == ".lrmx":
        text = ET.fromstring(out.read_bytes()).findtext("ZhaoPian") or ""
        assert base64.b64decode(text) == photo
    else:
        assert out.with_suffix(".pic").read_bytes() == photo
    html = write_form(store=graph, cadre_id=cadre_id, post_id=None, out=tmp_path / "o" / "x.html")
    assert base64.b64encode(photo).decode() in html.read_text("utf-8")  # in the photo box
    version = graph.version()
    assert import_forms(store=graph, paths=[out]).ok and graph.version() == version
    # Who sees it: the roles that see photos; not an analyst.
    assert "photo" in (cadre_profile(store=graph, cadre_id=cadre_id, reveal=("photo",)) or {})
    assert "photo" not in (cadre_profile(store=graph, cadre_id=cadre_id, reveal=()) or {})
    hidden = build_form(store=graph, cadre_id=cadre_id, reveal=frozenset({"kinship"}))
    assert hidden.photo is None


def test_what_is_no_photo_is_not_kept(graph: GraphStore, tmp_path: Path) -> None:
    fake = _form(tmp_path, "d", DAUGHTER, b"%PDF-1.4 not an image")
    report = import_forms(store=graph, paths=[fake])
    assert report.ok and report.written  # the rest of the form is imported
    (warning,) = [w for w in report.warnings if w["field"] == "照片"]
    assert "不是 JPEG" in warning["reason"]
    big = _form(tmp_path, "f", {**DAUGHTER, "XingMing": "林晓"},
                b"\xff\xd8\xff\xe0" + bytes(2 * 1024 * 1024))  # fmt: skip
    report = import_forms(store=graph, paths=[big])
    assert any("超过上限" in w["reason"] for w in report.warnings)
    assert not list(graph.iter_nodes("Photo"))


def test_a_newer_form_closes_a_dropped_post_and_the_dry_run_shows_it_first(
    graph: GraphStore, tmp_path: Path
) -> None:
    first = {
        **DAUGHTER,
        "TianBiaoShiJian": "20240501",
        "JianLi": DAUGHTER["JianLi"] + "\n2020.01--  东江区兴口镇党政综合办公室科员",
    }
    assert import_forms(store=graph, paths=[_form(tmp_path, "first", first)]).ok
    cadre_id = _id(graph)
    # A correction: the later form no longer lists the office post at all.
    corrected = {**DAUGHTER, "TianBiaoShiJian": "20241015"}
    path = _form(tmp_path, "second", corrected)
    dry = import_forms(store=graph, paths=[path], dry_run=True)
    (closing,) = dry.closed
    assert closing["post_id"] == "P5" and closing["end"] == date(2024, 10, 15)
    assert closing["start"] == date(2020, 1, 1) and closing["cadre_id"] == cadre_id
    assert any(e.other_id == "P5" and e.props.get("end") is None
               for e in graph.edges_of("Cadre", cadre_id) if e.type == "HOLDS")  # fmt: skip
    result = CliRunner().invoke(_cli(), ["import-forms", str(path), "--store", graph.url,
                                         "--dry-run"])  # fmt: skip
    assert (
        result.exit_code == 0
        and "免职" in result.stdout
        and "东江区兴口镇党政综合办公室科员" in (result.stdout)
    )
    report = import_forms(store=graph, paths=[path])
    assert report.ok and report.closed == dry.closed
    ended = {
        (e.other_id, e.props["start"]): e.props.get("end")
        for e in graph.edges_of("Cadre", cadre_id)
        if e.type == "HOLDS"
    }
    assert ended[("P5", date(2020, 1, 1))] == date(2024, 10, 15)
    assert ended[("P2", date(2016, 6, 1))] is None  # still listed: still held


def test_only_the_person_the_form_is_about(graph: GraphStore, tmp_path: Path) -> None:
    other = {**DAUGHTER, "XingMing": "王强", "ShenFenZheng": "",
             "ChuShengNianYue": "198001", "family": [],
             "JianLi": "2020.01--  东江区兴口镇党政综合办公室科员"}  # fmt: skip
    first = import_forms(store=graph, paths=[_form(tmp_path, "o", other),
                                             _form(tmp_path, "d", DAUGHTER)])  # fmt: skip
    assert first.ok, first.problems
    later = _form(tmp_path, "d2", {**DAUGHTER, "TianBiaoShiJian": "202501"})
    again = import_forms(store=graph, paths=[later])
    assert again.ok and not again.closed
    held = [e for e in graph.edges_of("Cadre", _id(graph, "王强")) if e.type == "HOLDS"]
    assert held and all(e.props.get("end") is None for e in held)


def test_the_channel_comes_from_the_resume_where_it_says_so(
    graph: GraphStore, tmp_path: Path
) -> None:
    said = {
        **DAUGHTER,
        "JianLi": "2009.07--2012.03  东江区兴口镇党政综合办公室科员（选调生）\n"
        "2012.03--  东江区兴口镇财政所所长",
    }
    report = import_forms(store=graph, paths=[_form(tmp_path, "d", said)])
    assert report.ok
    cadre = graph.get_node("Cadre", _id(graph))
    assert cadre is not None and cadre["channel"] == "选调生"
    (entry,) = report.channels
    assert entry["channel"] == "选调生" and "选调生" in entry["note"]
    held = {e.other_id for e in graph.edges_of("Cadre", _id(graph)) if e.type == "HOLDS"}
    assert "P5" in held  # the remark is not part of the post's name
    two = {**said, "XingMing": "林晓", "ShenFenZheng": "",
           "JianLi": said["JianLi"] + "\n（其间：2013.01--2014.01大学生村官）"}  # fmt: skip
    report = import_forms(store=graph, paths=[_form(tmp_path, "t", two)])
    cadre = graph.get_node("Cadre", _id(graph, "林晓"))
    assert cadre is not None and cadre["channel"] == "未知"  # two channels said: never guessed
    (entry,) = report.channels
    assert "不止一种" in entry["note"]


def _cli() -> object:
    import typer

    from cli.forms import register

    app = typer.Typer()
    register(app)

    @app.callback()
    def main() -> None:
        """graphsvc"""

    return app
