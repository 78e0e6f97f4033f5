"""The default district loaded once per module, read as the development analyses read it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graphsvc.stores import GraphStore, open_store
from loaders.load import load_paths
from loaders.sample import AS_OF
from queries.development.data import DevelopmentData
from queries.selection.policy import load_policy


@pytest.fixture(scope="module")
def district_store(
    tmp_path_factory: pytest.TempPathFactory, district_dir: Path
) -> Iterator[GraphStore]:
    with open_store(str(tmp_path_factory.mktemp("development") / "g.db")) as store:
        load_paths(store, [district_dir])
        yield store


@pytest.fixture(scope="module")
def data(district_store: GraphStore) -> DevelopmentData:
    return DevelopmentData.load(district_store, policy=load_policy(), as_of=AS_OF)
