"""Forms into Neo4j, and into both stores: the same import, matching, proposals, photos,
closing and round trips whichever store holds the graph."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest

from graphsvc.settings import get_settings
from graphsvc.stores import GraphStore, open_store
from loaders.forms.importer import import_forms
from loaders.forms.proposals import ProposalRequest, create_proposals
from queries.forms.export import write_form
from queries.forms.proposals import proposals_under_way
from queries.records import cadre_photo, cadre_profile
from queries.selection.check import current_conflicts
from queries.selection.policy import load_policy
from tests.forms.kit import DAUGHTER, FATHER, PROPOSAL, base_district, jpeg, write_lrmx


@pytest.mark.neo4j
def test_forms_on_neo4j_link_relatives_round_trip_and_conflict(
    neo4j_url: str, tmp_path: Path
) -> None:
    with open_store(neo4j_url) as store:
        base_district(store)
        first = import_forms(store=store, paths=[write_lrmx(tmp_path, "d", DAUGHTER)])
        second = import_forms(store=store, paths=[write_lrmx(tmp_path, "f", FATHER)])
        assert first.ok and second.ok
        assert len(list(store.iter_edges("RELATIVE_OF"))) == 1
        found = current_conflicts(
            store=store, policy=load_policy(get_settings().policy), as_of=date(2025, 1, 1)
        )
        assert "sensitive_function" in {c["rule"] for c in found}
        daughter = next(str(c["id"]) for c in store.iter_nodes("Cadre") if c["name"] == "林晓雯")
        out = write_form(store=store, cadre_id=daughter, post_id=None,
                         out=tmp_path / "out" / "d.lrmx", as_of=date(2025, 6, 30))  # fmt: skip
        version = store.version()
        again = import_forms(store=store, paths=[out])
        assert again.ok and again.cadres == {"created": 0, "updated": 0, "unchanged": 1}
        assert store.version() == version


def test_proposals_photos_and_a_newer_form_on_each_store(store: GraphStore, tmp_path: Path) -> None:
    base_district(store)
    photo = jpeg()
    office = "\n2020.01--  东江区兴口镇党政综合办公室科员"
    first = {**DAUGHTER, **PROPOSAL, "JianLi": DAUGHTER["JianLi"] + office}
    path = write_lrmx(tmp_path, "d", first)
    root = ET.fromstring(path.read_bytes())
    node = root.find("ZhaoPian")
    assert node is not None
    node.text = base64.b64encode(photo).decode()
    path.write_bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))
    report = import_forms(store=store, paths=[path])
    assert report.ok, report.problems
    cadre_id = next(str(c["id"]) for c in store.iter_nodes("Cadre"))
    assert cadre_photo(store=store, cadre_id=cadre_id) == (photo, "image/jpeg")
    profile = cadre_profile(store=store, cadre_id=cadre_id, reveal=("photo",))
    assert profile is not None and profile["photo"]["media_type"] == "image/jpeg"
    assert [p["post_id"] for p in profile["proposals"]] == ["P1"]
    assert proposals_under_way(store=store)["items"][0]["cadre_id"] == cadre_id
    out = write_form(store=store, cadre_id=cadre_id, post_id=None, out=tmp_path / "o" / "d.lrmx")
    written = ET.fromstring(out.read_bytes())
    assert {key: written.findtext(key) for key in PROPOSAL} == PROPOSAL
    assert base64.b64decode(written.findtext("ZhaoPian") or "") == photo
    version = store.version()
    assert import_forms(store=store, paths=[out]).ok and store.version() == version
    # A later, corrected form: the office post is gone; closed at the form's date.
    later = write_lrmx(tmp_path, "later", {**DAUGHTER, "TianBiaoShiJian": "20261201"})
    closed = import_forms(store=store, paths=[later])
    assert [(c["post_id"], c["end"]) for c in closed.closed] == [("P5", date(2026, 12, 1))]
    ended = {(e.other_id, e.props["start"]): e.props.get("end")
             for e in store.edges_of("Cadre", cadre_id) if e.type == "HOLDS"}  # fmt: skip
    assert ended[("P5", date(2020, 1, 1))] == date(2026, 12, 1)
    # A round's plan proposes through the same validation.
    made = create_proposals(store=store, requests=[ProposalRequest(cadre_id, "P3", "工作需要")])
    assert store.get_node("Proposal", made.ids[0])["appoint"] == "东江区白沙镇副镇长"  # type: ignore[index]
