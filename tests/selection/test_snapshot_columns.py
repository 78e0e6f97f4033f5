"""Columns read straight from the snapshot equal the columns built from records, and a
round from the snapshot gives the same answer as a round from records, byte for byte."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy import sparse

from graphsvc.stores import open_store
from graphsvc.stores.base import GraphStore
from loaders.load import load_paths
from loaders.sample import AS_OF
from queries.selection.avoidance import appointment_conflicts
from queries.selection.candidates import SelectionContext
from queries.selection.columns import CadreColumns, Histories
from queries.selection.policy import load_policy
from queries.selection.records import LazyRecords
from queries.selection.round import run_round
from queries.selection.rules import CadreFacts


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, small_sample_dir: Path) -> Iterator[GraphStore]:
    with open_store(str(tmp_path_factory.mktemp("snapcols") / "g.db")) as opened:
        load_paths(opened, [small_sample_dir])
        yield opened


def _from_snapshot(store: GraphStore) -> SelectionContext:
    context = SelectionContext.load(store, policy=load_policy(), as_of=AS_OF)
    assert context.graph is not None and isinstance(context.records, LazyRecords)
    return context


def _from_records(store: GraphStore) -> SelectionContext:
    context = SelectionContext.load(store, policy=load_policy(), as_of=AS_OF, source="store")
    assert context.graph is None
    return context


def _assert_same(left: Any, right: Any, name: str) -> None:
    if isinstance(left, np.ndarray):
        assert left.dtype == right.dtype, name
        assert left.shape == right.shape, name
        if left.dtype.kind == "M":
            assert ((left == right) | (np.isnat(left) & np.isnat(right))).all(), name
        else:
            assert np.array_equal(left, right, equal_nan=left.dtype.kind == "f"), name
    elif sparse.issparse(left):
        assert left.shape == right.shape, name
        assert (left != right).nnz == 0, name
    elif isinstance(left, dict):
        assert left.keys() == right.keys(), name
        for key in left:
            _assert_same(left[key], right[key], f"{name}[{key}]")
    elif isinstance(left, tuple):
        assert len(left) == len(right), name
        for n, (a, b) in enumerate(zip(left, right, strict=True)):
            _assert_same(a, b, f"{name}[{n}]")
    else:
        assert left == right, name


def _assert_fields_equal(left: Any, right: Any, skip: set[str] = frozenset()) -> None:
    compared = 0
    for item in dataclasses.fields(left):
        if item.name in skip or item.name.startswith("_"):
            continue
        _assert_same(getattr(left, item.name), getattr(right, item.name), item.name)
        compared += 1
    assert compared > 5


def test_history_and_cadre_columns_from_the_snapshot_equal_those_from_records(
    store: GraphStore,
) -> None:
    snapshot, records = _from_snapshot(store), _from_records(store)
    histories, cadres = snapshot.columns
    assert isinstance(histories, Histories) and histories.cadres == len(records.records)
    assert len(histories.tenure_cadre) > len(records.records)  # most hold several posts
    expected_histories, expected_cadres = records.columns
    _assert_fields_equal(histories, expected_histories)
    _assert_fields_equal(cadres, expected_cadres)
    assert isinstance(cadres, CadreColumns)
    # Nothing was built record by record for them.
    assert isinstance(snapshot.records, LazyRecords)
    assert dict.__len__(snapshot.records) == 0


def test_rule_facts_and_cadre_arrays_from_the_snapshot_equal_those_from_records(
    store: GraphStore,
) -> None:
    snapshot, records = _from_snapshot(store), _from_records(store)
    facts = snapshot.facts
    assert isinstance(facts, CadreFacts)
    _assert_fields_equal(
        facts,
        records.facts,
        skip={"policy", "records", "scopes", "avoidance_record", "cadres", "histories", "units"},
    )
    assert facts.in_pool.any() and facts.supervision and len(facts.grade_owner)
    assert (~np.isnan(facts.pool_max_age)).any() and facts.education.any()
    arrays = snapshot.arrays
    expected = records.arrays
    _assert_fields_equal(arrays, expected)
    assert arrays.match.nnz > 0 and arrays.tasks.any()
    everyone = np.arange(len(arrays.ids))
    for area in (None, next(iter(snapshot.units.units))):
        _assert_same(
            arrays.may_conflict(snapshot, everyone, area=area),
            expected.may_conflict(records, everyone, area=area),
            f"may_conflict({area})",
        )
    # Only a few records (those avoidance looks at closely) may have been built.
    assert dict.__len__(snapshot.records) < len(arrays.ids) // 2


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"min_young_share": 0.3, "own_unit": "prefer"},
        {"own_unit": "exclude", "by_scope": False},
    ],
)
def test_round_from_the_snapshot_is_byte_identical_to_the_round_from_records(
    store: GraphStore, options: dict[str, Any]
) -> None:
    snapshot, records = _from_snapshot(store), _from_records(store)
    got = run_round(context=snapshot, **options)
    expected = run_round(context=records, **options)
    assert got["assignments"], "the round appoints someone"
    dump = json.dumps(got, ensure_ascii=False, sort_keys=False, default=str)
    assert dump == json.dumps(expected, ensure_ascii=False, sort_keys=False, default=str)
    # The round built the records it shows reasons for, not every cadre's.
    assert dict.__len__(snapshot.records) < len(snapshot.records)


def test_avoidance_records_give_the_conflicts_of_full_records(store: GraphStore) -> None:
    snapshot, records = _from_snapshot(store), _from_records(store)
    policy = snapshot.policy
    related = sorted(c for c, r in records.records.items() if r.relatives)
    assert related, "the sample has relatives"
    heads = [p for p in snapshot.posts.values() if p.get("leadership")][:40]
    found = 0
    for cadre_id in related[:30]:
        lite = snapshot.avoidance_record(cadre_id)
        assert not dict.__contains__(snapshot.records, cadre_id)  # not built for this
        for post in heads:
            got = appointment_conflicts(
                lite, post, snapshot.units, policy=policy, as_of=snapshot.as_of
            )
            expected = appointment_conflicts(
                records.records[cadre_id], post, records.units, policy=policy, as_of=AS_OF
            )
            assert got == expected
            found += len(got)
    assert found > 0, "some of those appointments conflict"
