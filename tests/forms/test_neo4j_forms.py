"""Forms into Neo4j: the same import, matching and conflict as on the embedded store."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from graphsvc.settings import get_settings
from graphsvc.stores import open_store
from loaders.forms.importer import import_forms
from queries.forms.export import write_form
from queries.selection.check import current_conflicts
from queries.selection.policy import load_policy
from tests.forms.kit import DAUGHTER, FATHER, base_district, write_lrmx


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
