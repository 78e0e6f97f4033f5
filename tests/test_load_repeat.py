"""A repeat of the last load is recognised (embedded store) and never mistaken.

The embedded store keeps the digest of the last load's files and the version it left; the
same files into a graph nobody wrote to since are answered without reading them again.
Anything else runs in full: a changed byte, a write in between, another ID-number setting.
"""

from __future__ import annotations

from pathlib import Path

from graphsvc.stores import open_store
from loaders.load import load_paths, load_records
from tests.test_loading import TABLES, write_tables


def _cadre_rows() -> list[list[str]]:
    return [list(row) for row in TABLES["cadres"]]


def test_the_same_files_again_are_recognised(tmp_path: Path) -> None:
    folder = write_tables(tmp_path / "d", {**TABLES, "cadres": [*_cadre_rows()]})
    (folder / "cadres.csv").write_text(
        (folder / "cadres.csv").read_text(encoding="utf-8").replace("录用渠道", "录用渠道,备注"),
        encoding="utf-8",
    )  # an extra column: a warning the repeat must still say
    with open_store(str(tmp_path / "g.db")) as store:
        first = load_paths(store, [folder])
        version = store.version()
        again = load_paths(store, [folder])
        assert not first.repeated and again.repeated
        assert again.rows_by_table == first.rows_by_table
        assert [w.as_dict() for w in again.warnings] == [w.as_dict() for w in first.warnings]
        assert again.warnings, "the extra column is warned about both times"
        assert again.summary.unchanged == {
            kind: first.summary.created.get(kind, 0) for kind in first.summary.created
        }
        assert not again.summary.changed and store.version() == version


def test_a_changed_byte_runs_the_whole_load(tmp_path: Path) -> None:
    folder = write_tables(tmp_path / "d", TABLES)
    with open_store(str(tmp_path / "g.db")) as store:
        load_paths(store, [folder])
        rows = _cadre_rows()
        rows[2][1] = "李肆"
        write_tables(folder, {"cadres": rows})
        again = load_paths(store, [folder])
        assert not again.repeated and again.summary.updated == {"Cadre": 1}
        assert store.get_node("Cadre", "C2")["name"] == "李肆"  # type: ignore[index]


def test_a_write_in_between_runs_the_whole_load(tmp_path: Path) -> None:
    folder = write_tables(tmp_path / "d", TABLES)
    with open_store(str(tmp_path / "g.db")) as store:
        load_paths(store, [folder])
        record = dict(zip(TABLES["cadres"][0], TABLES["cadres"][2], strict=True))
        load_records(store, "cadres", [record | {"姓名": "李四四"}])
        again = load_paths(store, [folder])
        assert not again.repeated and again.summary.updated == {"Cadre": 1}
        assert store.get_node("Cadre", "C2")["name"] == "李四"  # type: ignore[index]


def test_another_id_number_setting_runs_the_whole_load(tmp_path: Path) -> None:
    folder = write_tables(tmp_path / "d", TABLES)
    with open_store(str(tmp_path / "g.db")) as store:
        load_paths(store, [folder], id_number_check="error")
        assert not load_paths(store, [folder], id_number_check="warn").repeated
        assert load_paths(store, [folder], id_number_check="warn").repeated
