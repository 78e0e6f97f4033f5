"""Team structure reads its members' education and specialties from the snapshot's columns:
the same answer as from the store's records, and no cadre record built."""

from __future__ import annotations

import json

import pytest

from graphsvc.stores import GraphStore
from loaders.sample import AS_OF
from queries.development.data import DevelopmentData
from queries.development.teams import team_structure
from queries.selection.policy import load_policy


@pytest.fixture(scope="module")
def from_snapshot(district_store: GraphStore) -> DevelopmentData:
    return DevelopmentData.load(district_store, policy=load_policy(), as_of=AS_OF)


@pytest.fixture(scope="module")
def from_store(district_store: GraphStore) -> DevelopmentData:
    return DevelopmentData.load(district_store, policy=load_policy(), as_of=AS_OF, source="store")


def _records_built(data: DevelopmentData) -> int:
    """Records held so far (a lazy mapping counts only what it has built)."""
    return len(dict.keys(data.records))


def test_same_answer_from_columns_as_from_records(
    from_snapshot: DevelopmentData, from_store: DevelopmentData
) -> None:
    from_columns = team_structure(data=from_snapshot)
    from_records = team_structure(data=from_store)
    assert from_columns["teams"], "the district has leadership teams"
    assert json.dumps(from_columns, ensure_ascii=False, sort_keys=True) == json.dumps(
        from_records, ensure_ascii=False, sort_keys=True
    )


def test_no_record_built_for_the_team_answer(district_store: GraphStore) -> None:
    data = DevelopmentData.load(district_store, policy=load_policy(), as_of=AS_OF)
    before = _records_built(data)
    result = team_structure(data=data)
    assert result["summary"]["members"] > 0
    assert _records_built(data) == before == 0


def test_member_facts_equal_the_records(
    from_snapshot: DevelopmentData, from_store: DevelopmentData
) -> None:
    # Every active cadre, in an order that is not the table's, with a repeat.
    ids = sorted(from_store.records, reverse=True)
    ids.append(ids[0])
    facts = from_snapshot.member_facts(ids)
    assert facts.cadre_ids == ids
    expected_education = [from_store.records[c].cadre.get("education") for c in ids]
    expected_specialties = [frozenset(from_store.records[c].specialties) for c in ids]
    assert facts.education == expected_education
    assert facts.specialties == expected_specialties
    assert any(facts.specialties) and any(e is not None for e in facts.education)
    assert from_store.member_facts(ids) == facts
