"""The sample speaks forms: its forms and roster import back into the same district."""

from __future__ import annotations

from pathlib import Path

import pytest

from graphsvc.stores import GraphStore, open_store
from loaders.forms.importer import import_forms
from loaders.load import load_records
from loaders.sample import Sample, generate_sample
from loaders.sample.forms import write_forms


@pytest.fixture(scope="module")
def sample() -> Sample:
    return generate_sample(cadres=200, seed=5)


def _organisation(store: GraphStore, sample: Sample) -> None:
    for table in ("units", "specialties", "posts"):
        rows = [{k: v for k, v in row.items() if v is not None} for row in sample.tables[table]]
        load_records(store, table, rows)


def test_the_sample_forms_import_back_into_the_district(sample: Sample, tmp_path: Path) -> None:
    files = write_forms(sample, tmp_path)
    suffixes = {path.suffix for path in files}
    assert {".lrmx", ".lrm", ".pic", ".xlsx"} == suffixes
    with open_store(str(tmp_path / "graph.db")) as store:
        _organisation(store, sample)
        report = import_forms(store=store, paths=[tmp_path / "forms"])
        assert report.ok, report.problems[:3]
        assert report.cadres["created"] == len(sample.tables["cadres"])
        assert not report.created  # every post in every 简历 is one the district has
        held = sorted((a, b, p["start"]) for a, b, p in store.iter_edges("HOLDS"))
        assert len(held) == len(sample.tables["post_history"])
        assert len(list(store.iter_edges("RELATIVE_OF"))) == len(sample.tables["kinship"])
        # Every form's photo, the proposals of vacant posts, 选调生 from their 简历.
        assert store.counts().nodes["Photo"] == len(sample.tables["cadres"])
        proposals = list(store.iter_nodes("Proposal"))
        assert proposals and all(p["status"] == "拟任" for p in proposals)
        linked = [p for p in proposals if p.get("post_id")]  # two vacant 副镇长: no guessing
        assert len(linked) >= len(proposals) / 2
        held_now = {b for _, b, props in store.iter_edges("HOLDS") if props.get("end") is None}
        assert not {p["post_id"] for p in linked} & held_now  # each a vacant post
        # The forms say the tables' own proposals (the people by name and birth: a form's
        # cadre has an id of its own; the posts as written: twin posts read as one).
        person = {c["id"]: (c["name"], c["birth"]) for c in store.iter_nodes("Cadre")}
        tabled = {c["id"]: (c["name"], c["birth"]) for c in sample.tables["cadres"]}
        said = {(person[p["cadre_id"]], p["appoint"], p["remove"]) for p in proposals}
        kept = {
            (tabled[p["cadre_id"]], p["appoint"], p["remove"]) for p in sample.tables["proposals"]
        }
        assert said == kept
        channels = [c["channel"] for c in store.iter_nodes("Cadre")]
        assert set(channels) == {"选调生", "未知"}  # said by the 简历, or left for a clerk
        chosen = channels.count("选调生")
        assert chosen == sum(1 for c in sample.tables["cadres"] if c["channel"] == "选调生")
        roster = import_forms(store=store, paths=[tmp_path / "roster" / "花名册.xlsx"])
        assert roster.ok, roster.problems[:3]
        assert roster.cadres["created"] == 0  # every row is someone a form already gave
        by_name = {(c["name"], c["birth"]): c for c in store.iter_nodes("Cadre")}
        for cadre in sample.tables["cadres"][:50]:  # the grouped header's fields, as given
            kept = by_name[(cadre["name"], cadre["birth"])]
            assert kept.get("rank") == cadre.get("rank")
            assert kept.get("degree") == cadre.get("degree")
            assert kept.get("school_major") == cadre.get("school_major")
