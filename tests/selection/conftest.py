"""A small district loaded into a selection context, one per test module."""

from __future__ import annotations

from pathlib import Path

import pytest

from graphsvc.stores import open_store
from loaders.load import load_paths
from loaders.sample import AS_OF
from queries.selection.candidates import SelectionContext
from queries.selection.policy import load_policy


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory, small_sample_dir: Path) -> SelectionContext:
    with open_store(str(tmp_path_factory.mktemp("selection") / "g.db")) as store:
        load_paths(store, [small_sample_dir])
        return SelectionContext.load(store, policy=load_policy(), as_of=AS_OF)
