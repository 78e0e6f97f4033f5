"""The form out of the graph: .lrmx/.lrm round trips, the printed HTML and PDF."""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from graphsvc.stores import GraphStore, open_store
from loaders.forms.importer import import_forms
from queries.forms.document import build_form
from queries.forms.export import write_form
from queries.forms.lrmx import LRMX_ORDER
from tests.forms.kit import DAUGHTER, FATHER, base_district, write_lrmx

AS_OF = date(2025, 6, 30)


@pytest.fixture
def graph(tmp_path: Path) -> Iterator[GraphStore]:
    store = open_store(str(tmp_path / "graph.db"))
    base_district(store)
    import_forms(
        store=store,
        paths=[write_lrmx(tmp_path, "d", DAUGHTER), write_lrmx(tmp_path, "f", FATHER)],
    )
    try:
        yield store
    finally:
        store.close()


def _id(store: GraphStore, name: str) -> str:
    return next(str(c["id"]) for c in store.iter_nodes("Cadre") if c["name"] == name)


def _snapshot(store: GraphStore) -> tuple[object, ...]:
    nodes = {
        label: sorted((n["id"], sorted(n.items(), key=str)) for n in store.iter_nodes(label))
        for label in ("Cadre", "Unit", "Post", "Assessment", "Supervision")
    }
    edges = {
        kind: sorted((a, b, sorted(p.items(), key=str)) for a, b, p in store.iter_edges(kind))
        for kind in ("HOLDS", "ROTATED_TO", "RELATIVE_OF", "HAS_SPECIALTY")
    }
    return (repr(nodes), repr(edges))


@pytest.mark.parametrize("suffix", [".lrmx", ".lrm"])
def test_import_export_import_gives_the_same_record(
    graph: GraphStore, tmp_path: Path, suffix: str
) -> None:
    before = _snapshot(graph)
    version = graph.version()
    out = tmp_path / "out"
    for name in ("林晓雯", "林国栋"):
        write_form(store=graph, cadre_id=_id(graph, name), post_id=None,
                   out=out / f"{name}{suffix}", as_of=AS_OF)  # fmt: skip
    report = import_forms(store=graph, paths=[out])
    assert report.ok, report.problems
    assert report.cadres == {"created": 0, "updated": 0, "unchanged": 2}
    assert not report.created  # every post and unit matched the ones made the first time
    assert _snapshot(graph) == before and graph.version() == version


def test_the_lrmx_keeps_the_editors_element_order(graph: GraphStore, tmp_path: Path) -> None:
    out = write_form(store=graph, cadre_id=_id(graph, "林晓雯"), post_id="P1",
                     out=tmp_path / "f.lrmx", as_of=AS_OF)  # fmt: skip
    root = ET.fromstring(out.read_bytes())
    assert root.tag == "Person"
    assert tuple(child.tag for child in root) == LRMX_ORDER
    assert root.findtext("NiRenZhiWu") == "东江区兴口镇党委书记"
    assert root.findtext("NiMianZhiWu") == "东江区兴口镇财政所所长"
    items = root.findall("JiaTingChengYuan/Item")
    assert [i.findtext("XingMing") for i in items] == ["林国栋", "陈秀英"]
    assert [c.tag for c in items[0]] == [
        "ChengWei", "XingMing", "ChuShengRiQi", "ZhengZhiMianMao", "GongZuoDanWeiJiZhiWu",
    ]  # fmt: skip


def test_the_form_computes_age_and_writes_the_history(graph: GraphStore) -> None:
    form = build_form(store=graph, cadre_id=_id(graph, "林晓雯"), post_id=None, as_of=AS_OF)
    assert form.age == 38  # born 1987.05, counted on 2025.06.30
    lines = form.get("JianLi").split("\n")
    assert lines[0].startswith("2009.07--2012.03") and "兴口镇党政综合办公室科员" in lines[0]
    assert any("其间" in line and "财政局挂职" in line for line in lines)
    assert lines[-1].startswith("2016.06--") and lines[-1].endswith("东江区兴口镇财政所所长")
    assert form.get("NianDuKaoHeJieGuo") == "2021年度考核称职；2022年度考核称职；2023年度考核优秀"
    hidden = build_form(store=graph, cadre_id=_id(graph, "林晓雯"), as_of=AS_OF,
                        reveal=frozenset())  # fmt: skip
    assert hidden.family == [] and "*" in hidden.get("ShenFenZheng")


def test_the_pdf_holds_name_resume_and_family(graph: GraphStore, tmp_path: Path) -> None:
    out = write_form(store=graph, cadre_id=_id(graph, "林晓雯"), post_id="P1",
                     out=tmp_path / "form.pdf", as_of=AS_OF)  # fmt: skip
    assert out.read_bytes().startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], check=True, capture_output=True, text=True
    ).stdout
    compact = "".join(text.split())
    assert "干部任免审批表" in compact and "林晓雯" in compact
    assert "东江区兴口镇党政综合办公室科员" in compact  # 简历
    assert "林国栋" in compact and "陈秀英" in compact  # the family table
    assert "东江区兴口镇党委书记" in compact  # 拟任职务


def test_the_html_form_has_the_standard_parts(graph: GraphStore, tmp_path: Path) -> None:
    out = write_form(store=graph, cadre_id=_id(graph, "林晓雯"), post_id=None,
                     out=tmp_path / "form.html", as_of=AS_OF)  # fmt: skip
    html = out.read_text(encoding="utf-8")
    for part in ("size: A4", "照片", "简<br><br><br>历", "奖<br>惩", "年度考<br>核结果",
                 "任免<br>理由", "工作单位及职务", "呈报<br>单位", "审批机<br>关意见"):  # fmt: skip
        assert part in html
    assert "（38岁）" in html
