"""The column path of validation gives exactly what the row-by-row path gives.

:mod:`loaders.columns` accepts rows a column at a time and hands every doubtful row to the
exact path. These tests run both paths on the same tables (the sample district, and
tables of odd cells for every field of every model, as CSV text and as workbook cells)
and require the same batch, the same problems and the same warnings.
"""

from __future__ import annotations

import random
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from graphsvc.model import EDGE_SPECS, NODE_SPECS, HoldsPost
from graphsvc.rows import GraphBatch
from loaders.columns import accept_rows, column_plan
from loaders.tables import RawTable, read_sources
from loaders.validate import ValidatedLoad, validate_tables

# Cells that are right, nearly right, or wrong for some field: spaces around, full-width
# space, Excel's float ids, every date form, flags, numbers out of range, long text, junk.
ODD_TEXT = [
    "",
    " ",
    "\u3000",
    "C1",
    " C1 ",
    "C1\u3000",
    "\x1cC1",
    "1001.0",
    "x" * 64,
    "x" * 65,
    "是",
    "否",
    "Y",
    "n",
    "√",
    "×",
    "true",
    "maybe",
    "1985.03",
    "1985.3",
    "1985-03-01",
    "1985/03/01",
    "1985年3月",
    "198503",
    "19850301",
    "1985.13",
    "1985.02.30",
    "2101.01",
    "1899.12",
    "0",
    "-1",
    "1",
    "3",
    "3.5",
    "5",
    "6",
    "10",
    "11",
    "120",
    "121",
    "1e3",
    "nan",
    "inf",
    "2025",
    "1989",
    "3000",
    "3001",
    "正科",
    "副科",
    "科员",
    "正处",
    "乡镇领导",
    "男",
    "女",
    "大学本科",
    "本科",
    "研究生",
    "在职",
    "退休",
    "优秀",
    "称职",
    "基本称职",
    "不称职",
    "(正科)",
    "（正科）",
    "选调生",
    "公务员",
    "区县",
    "乡镇",
    "街道",
    "村(社区)",
    "村（社区）",
    "党政正职",
    "交流",
    "挂职",
    "轮岗",
    "配偶",
    "父子",
    "谈话提醒",
    "诫勉",
    "导师库",
    "干部",
    "学员",
    "负责人",
    "成员",
    "主要负责人",
    "脱产",
    "专题培训",
    "重点项目",
]
ODD_CELLS: list[Any] = [
    *ODD_TEXT, None, 0, 1, 3, 1001, 1001.0, 1001.5, True, False, 3.0, -2,
    datetime(1985, 3, 1), date(1990, 11, 3), datetime(2101, 1, 1),
]  # fmt: skip


def _sorted(batch: GraphBatch) -> tuple[list[Any], list[Any]]:
    nodes = sorted((n.label, n.id, sorted(n.props.items())) for n in batch.nodes)
    edges = sorted(
        (e.type, e.source, e.target, e.key, sorted(e.props.items())) for e in batch.edges
    )
    return nodes, edges


def _same(columns: ValidatedLoad, rows: ValidatedLoad) -> None:
    assert [i.as_dict() for i in columns.issues] == [i.as_dict() for i in rows.issues]
    assert [i.as_dict() for i in columns.warnings] == [i.as_dict() for i in rows.warnings]
    assert _sorted(columns.batch) == _sorted(rows.batch)
    assert columns.rows_by_table == rows.rows_by_table


def _both(tables: list[RawTable]) -> tuple[ValidatedLoad, ValidatedLoad]:
    return (
        validate_tables(tables, None, id_number_check="warn"),
        validate_tables(tables, None, id_number_check="warn", by_columns=False),
    )


def test_the_sample_district_is_the_same_both_ways(small_sample_dir: Path) -> None:
    columns, rows = _both(read_sources([small_sample_dir]))
    assert columns.issues == [] and len(columns.batch) > 5000
    _same(columns, rows)


TABLES = [spec.table for spec in [*NODE_SPECS, *EDGE_SPECS] if getattr(spec, "table", None)]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize("table", TABLES)
def test_odd_cells_give_the_same_answer_both_ways(
    small_sample_dir: Path, table: str, kind: str
) -> None:
    """Rows of the sample with about one cell in six replaced by an odd one."""
    sample = {raw.table: raw for raw in read_sources([small_sample_dir])}
    if table not in sample:
        pytest.fail(f"the sample has no {table} table to start from")
    raw = sample[table]
    assert raw.columnar is not None, "the sample's CSV files are read by columns"
    sample_rows = list(raw.iter_cells())
    random_ = random.Random(f"{table}-{kind}")
    pool = ODD_TEXT if kind == "csv" else ODD_CELLS
    rows = []
    for number in range(2, 602):  # small tables repeat (their ids then repeat too)
        cells = sample_rows[(number - 2) % len(sample_rows)]
        changed = [random_.choice(pool) if random_.random() < 0.15 else c for c in cells]
        if kind == "csv":
            changed = ["" if cell is None else cell for cell in changed]
        rows.append((number, changed))
    odd = RawTable(table, f"{table}.{kind}", raw.header, rows, kind)  # type: ignore[arg-type]
    columns, by_rows = _both([odd])
    assert columns.batch.nodes or columns.batch.edges, "some rows should pass"
    assert columns.issues, "some rows should be refused"
    _same(columns, by_rows)


def test_rows_the_column_path_refuses_are_judged_by_the_model() -> None:
    plan = column_plan(HoldsPost)
    good = {"cadre_id": ["C1", " C2 "], "post_id": ["P1", "P2"]}
    dates = {"start": ["2020.03", "2020.03"], "end": ["2019.01", ""]}
    accepted = accept_rows(plan, good | dates, 2, all_text=True, apart=("cadre_id", "post_id"))
    assert accepted.judged == [0]  # ended before it started: the model's own check
    assert accepted.rows[1] == {"start": date(2020, 3, 1)}
    assert accepted.apart["cadre_id"][1] == "C2" and accepted.apart["post_id"][1] == "P2"


CSV_TEXTS = {
    "plain": "干部编号,姓名\nC1,张三\nC2,李四\n",
    "crlf and no final newline": "干部编号,姓名\r\nC1,张三\r\nC2,李四",
    "quoted comma and quote": '干部编号,姓名\nC1,"张,三"\nC2,"李""四"\n',
    "quoted newline": '干部编号,姓名\nC1,"张\n三"\nC2,李四\n',
    "blank rows": "干部编号,姓名\nC1,张三\n, \n,\nC2,李四\n",
    "blank rows of odd spaces": "干部编号,姓名\nC1,张三\n\u3000,\t\n\xa0,\x1c\nC2,李四\n",
    "a blank first cell only": "干部编号,姓名\n,张三\n \u3000,李四\nC3,\n",
    "spaces kept": "干部编号 , 姓名\n C1 ,\u3000张三 \n",
    "bom": "\ufeff干部编号,姓名\nC1,张三\n",
    "header only": "干部编号,姓名\n",
    "empty line inside": "干部编号,姓名\nC1,张三\n\nC2,李四\n",
    "a long row": "干部编号,姓名\nC1,张三,多余\n",
    "a short row": "干部编号,姓名\nC1\n",
    "blank header cell": "干部编号,,姓名\nC1,,张三\n",
    "quoted header": '"干部编号","姓名"\nC1,张三\n',
}


@pytest.mark.parametrize("text", CSV_TEXTS.values(), ids=CSV_TEXTS.keys())
def test_csv_read_by_columns_equals_read_by_rows(tmp_path: Path, text: str) -> None:
    from loaders.tables import _read_csv_columns, _read_csv_rows

    path = tmp_path / "cadres.csv"
    path.write_bytes(text.encode("utf-8"))
    by_rows = _read_csv_rows(path, "cadres")
    by_columns = _read_csv_columns(path, "cadres")
    if by_columns is None:  # left to the row reader: only for files it must explain
        assert any(len(cells) != len(by_rows.header) for _, cells in by_rows.rows) or (
            not all(by_rows.header) or "\n\n" in text or '"' in text.split("\n")[0]
        )
        return
    assert by_columns.header == by_rows.header
    assert by_columns.numbers == [number for number, _ in by_rows.rows]
    assert list(by_columns.iter_cells()) == [cells for _, cells in by_rows.rows]


def test_a_file_of_many_blocks_is_read_by_columns_as_by_rows(tmp_path: Path) -> None:
    """Without a quote, Arrow parses blocks of the file on several threads (a file of more
    than one block here); the rows, their numbers and blanks still come out in order."""
    from loaders.tables import _read_csv_columns, _read_csv_rows

    lines = ["干部编号,姓名,备注"]
    for number in range(150_000):
        lines.append(
            " , ,\u3000" if number % 997 == 0 else f"C{number},姓名{number},{'备' * (number % 7)}"
        )
    path = tmp_path / "cadres.csv"
    path.write_bytes("\n".join(lines).encode("utf-8"))
    assert path.stat().st_size > 3 * (1 << 20)
    by_rows = _read_csv_rows(path, "cadres")
    by_columns = _read_csv_columns(path, "cadres")
    assert by_columns is not None and by_columns.columnar is not None
    assert by_columns.columnar.column(0).num_chunks > 1
    assert by_columns.numbers == [number for number, _ in by_rows.rows]
    assert list(by_columns.iter_cells()) == [cells for _, cells in by_rows.rows]


def test_a_gb18030_file_is_read_by_rows(tmp_path: Path) -> None:
    from loaders.tables import _read_csv_columns

    path = tmp_path / "cadres.csv"
    path.write_bytes("干部编号,姓名\nC1,张三\n".encode("gb18030"))
    assert _read_csv_columns(path, "cadres") is None
    assert list(read_sources([path])[0].iter_cells()) == [["C1", "张三"]]
