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
        roster = import_forms(store=store, paths=[tmp_path / "roster" / "花名册.xlsx"])
        assert roster.ok, roster.problems[:3]
        assert roster.cadres["created"] == 0  # every row is someone a form already gave
