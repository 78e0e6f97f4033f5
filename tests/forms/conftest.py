"""The small district of the forms tests (东江区 with 兴口镇 and 白沙镇), in a fresh store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graphsvc.stores import GraphStore, open_store
from tests.forms.kit import base_district


@pytest.fixture
def graph(tmp_path: Path) -> Iterator[GraphStore]:
    store = open_store(str(tmp_path / "graph.db"))
    base_district(store)
    try:
        yield store
    finally:
        store.close()
