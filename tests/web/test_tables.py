"""The one table on its own: sorting (empty values last both ways, ties in the given order),
words filtering, choices, paging to the last row, the address kept, the export, bad input."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pyarrow as pa
import pytest
from openpyxl import load_workbook
from starlette.requests import Request

from api.web.deps import PageError
from api.web.tables import Column, Table

COLUMNS = (
    Column("name", "姓名", link="/cadres/{id}"),
    Column("unit", "单位", choices=True),
    Column("age", "年龄", kind="number"),
    Column("birth", "出生年月", kind="month"),
    Column("notes", "说明", kind="list"),
)
ROWS = [
    {"id": f"C{i:03d}", "name": f"干部{i:03d}", "unit": ["兴口镇", "平湾镇", "区财政局"][i % 3],
     "age": None if i % 10 == 0 else 25 + i % 30, "birth": f"{1970 + i % 40}-0{1 + i % 9}-01",
     "notes": ["在库"] if i % 4 == 0 else []}
    for i in range(1, 238)
]  # fmt: skip


def request(query: dict[str, Any] | list[tuple[str, str]] | None = None) -> Request:
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/list",
        "query_string": urlencode(query or {}).encode(),
        "headers": [],
    }
    return Request(scope)


def follow(href: str) -> Request:
    return request(parse_qsl(urlsplit(href).query))


@pytest.mark.parametrize("source", ["dicts", "arrow"])
def test_sort_page_to_the_last_row(source: str) -> None:
    rows: Any = ROWS if source == "dicts" else pa.Table.from_pylist(ROWS)
    table = Table("t", "名单", COLUMNS, rows, subject="id", page_size=20)
    view = table.view(request({"t.sort": "age"}))
    assert view.total == len(ROWS) and view.pages == 12
    last = table.view(follow(view.page_href(view.pages)))
    assert last.page == 12 and last.last == len(ROWS) and last.first == 221
    ages = [r["age"] for r in last.rows]
    assert ages[-1] is None  # empty values last ...
    down = table.view(request({"t.sort": "age", "t.desc": "1", "t.page": "12"}))
    assert down.rows[-1]["age"] is None  # ... whichever the direction
    top = table.view(request({"t.sort": "age", "t.desc": "1"}))
    assert top.rows[0]["age"] == max(r["age"] for r in ROWS if r["age"] is not None)
    # Equal ages keep the order they were given in (a stable order to page through).
    same = [r["id"] for r in top.rows if r["age"] == top.rows[0]["age"]]
    assert same == sorted(same)
    # A page past the end shows the last page, not an empty one.
    assert table.view(request({"t.page": "99"})).page == 12


def test_filter_words_and_choices_keep_the_address() -> None:
    table = Table("t", "名单", COLUMNS, ROWS, subject="id")
    view = table.view(request([("other", "x"), ("t.q", "兴口 在库"), ("t.f.unit", "兴口镇")]))
    assert view.total == sum(1 for r in ROWS if r["unit"] == "兴口镇" and r["notes"])
    assert all(r["unit"] == "兴口镇" and r["notes"] == ["在库"] for r in view.rows)
    assert view.choices["unit"] == ["兴口镇", "区财政局", "平湾镇"]
    assert ("other", "x") in view.hidden  # another table's or the page's own parameters
    assert "other=x" in view.sort_href(COLUMNS[2]) and "t.q=" in view.sort_href(COLUMNS[2])
    assert "t.q" not in view.clear_href and "other=x" in view.clear_href
    nobody = table.view(request({"t.q": "没有这个人"}))
    assert nobody.total == 0 and nobody.rows == [] and nobody.filtered


def test_cells_and_the_export() -> None:
    table = Table("t", "名单", COLUMNS, ROWS, subject="id", notes=["说明一行"])
    view = table.view(request({"t.sort": "name"}))
    assert str(view.cells[0][0]) == '<a href="/cadres/C001">干部001</a>'
    assert str(view.cells[0][3]) == "1971.02"  # dates as cadre records write them
    response = table.download(request({"t.export": "xlsx", "t.q": "平湾镇", "t.sort": "age"}))
    assert response is not None
    assert "filename*=UTF-8''" in response.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(response.body)).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "名单" and values[1][0] == "说明一行"
    assert list(values[3]) == ["姓名", "单位", "年龄", "出生年月", "说明"]
    kept = [r for r in ROWS if r["unit"] == "平湾镇"]
    assert len(values) - 4 == len(kept)
    assert [v[2] for v in values[4:]][:3] == sorted(r["age"] for r in kept if r["age"])[:3]
    assert table.download(request({})) is None


def test_bad_addresses_are_said_in_chinese() -> None:
    table = Table("t", "名单", COLUMNS, ROWS)
    with pytest.raises(PageError, match="不能按"):
        table.view(request({"t.sort": "id_number"}))
    with pytest.raises(PageError, match="整数"):
        table.view(request({"t.page": "x"}))
    with pytest.raises(PageError, match=r"\.xlsx"):
        table.download(request({"t.export": "csv"}))
