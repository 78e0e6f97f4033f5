"""What only the embedded store promises: one file, survives a crash mid-write."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from graphsvc.rows import GraphBatch, NodeRow
from graphsvc.stores import StoreError, open_store
from graphsvc.stores.embedded import EmbeddedStore, path_from_url


def test_urls_name_the_file(tmp_path: Path) -> None:
    # SQLAlchemy's convention: three slashes then a relative path, four for an absolute one.
    assert path_from_url("sqlite:///var/x.db") == Path("var/x.db")
    assert path_from_url("sqlite:////tmp/x.db") == Path("/tmp/x.db")
    assert path_from_url("file:rel.db") == Path("rel.db")
    assert path_from_url("./graphsvc.db") == Path("graphsvc.db")
    store = open_store(f"sqlite:///{tmp_path}/nested/dir/g.db")
    assert isinstance(store, EmbeddedStore)
    # Opening creates nothing: the file (and its folders) come with the first write.
    assert store.counts().nodes == {} and store.version() == 0
    assert not (tmp_path / "nested").exists()
    store.write(GraphBatch(nodes=[NodeRow("Specialty", "S1", {"name": "农学"})]))
    store.close()
    assert (tmp_path / "nested/dir/g.db").exists()


def test_refuses_what_is_not_a_store(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    with pytest.raises(StoreError, match=r"是 SQLite 文件，但不是 graphsvc 图数据库$"):
        open_store(str(other))
    text = tmp_path / "notes.db"
    text.write_text("just some text, long enough to not look like an empty database" * 20)
    with pytest.raises(StoreError, match="不是 graphsvc 图数据库文件"):
        open_store(str(text))
    with pytest.raises(StoreError, match=r"是文件夹，不是图数据库文件$"):
        open_store(str(tmp_path))
    with pytest.raises(
        StoreError, match=r"^无法识别存储地址 postgres://localhost/db 中的协议 'postgres'"
    ):
        open_store("postgres://localhost/db")
