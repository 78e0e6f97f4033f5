"""One table for every list of the workbench: sort by any column, filter, page through all
rows with the total shown, and export what the filter shows to .xlsx.

The work is done on the server, over columns (pyarrow): a page ships only the rows it
shows, so a list of 300,000 rows pages as fast as one of 300, nothing is cut off
silently, and the pages need no script (the CSP stays strict). The table's state lives in
the address (``KEY.sort``, ``KEY.desc``, ``KEY.page``, ``KEY.size``, ``KEY.q`` and
``KEY.f.COLUMN``; ``KEY`` tells several tables of one page apart), so a sorted, filtered
page can be bookmarked, and ``KEY.export=xlsx`` downloads the same rows.

Use it in a page handler::

    table = Table("cand", "候选人", COLUMNS, rows, subject="cadre_id")
    if (download := table.download(request)) is not None:
        return download  # the .xlsx of every row the filter keeps, in the shown order
    view = table.view(request)  # one page; names its people in the page's audit entry
    return render(request, "page.html", title=..., session=session, candidates=view)

and in the template::

    {% from "_table.html" import data_table %}
    {{ data_table(candidates) }}

``COLUMNS`` are :class:`Column` s: ``key`` (the row's field), ``title`` (Chinese header),
``kind`` (``text``, ``number``, ``month`` (shown 1998.03), ``day`` (1998.03.12),
``list``, ``bool``), ``link`` (a path made from the row, e.g. ``"/cadres/{cadre_id}"``),
``choices`` (offer a drop-down filter of the column's values), ``cell`` (a function
row → HTML for a richer cell; the export keeps the plain value), ``width`` (characters,
for the .xlsx). ``rows`` are dicts (any extra fields are there for links and cells), or a
``pyarrow.Table`` with a column per key for lists too long for dicts.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

import pyarrow as pa
import pyarrow.compute as pc
from fastapi import Request
from fastapi.responses import Response
from markupsafe import Markup, escape

from api.web.deps import PageError, shown
from api.web.files import attachment, file_name
from api.web.formats import day_text, month_text
from queries.reports.sheets import SheetColumn, new_workbook, workbook_bytes, write_table

__all__ = ["PAGE_SIZES", "Column", "Table", "TableView"]

PAGE_SIZES = (20, 50, 100, 200, 500)
_ROW = "__row"  # the row's position in the rows given, the last sort key (a stable order)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    """A column of a :class:`Table` (see the module's documentation)."""

    key: str
    title: str
    kind: str = "text"  # text | number | month | day | list | bool
    digits: int = 0  # decimals shown for a number
    link: str | None = None  # e.g. "/cadres/{cadre_id}", filled from the row
    choices: bool = False  # a drop-down filter of the column's distinct values
    sortable: bool = True
    cell: Callable[[Mapping[str, Any]], Markup] | None = None  # richer HTML than the value
    export: bool = True  # in the .xlsx
    width: float = 12  # characters, in the .xlsx
    css: str = ""  # class of the column's cells: "num", "wide", "nowrap" ...

    def text(self, value: Any) -> str:
        """The value as the page and the export write it."""
        if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
            return "—"
        if self.kind == "number":
            return f"{float(value):,.{self.digits}f}"
        if self.kind == "month":
            return month_text(value)
        if self.kind == "day":
            return day_text(value)
        if self.kind == "list":
            return "；".join(str(v) for v in value) if value else "—"
        if self.kind == "bool":
            return "是" if value else "否"
        return str(value)

    def export_value(self, value: Any) -> Any:
        """The value in an .xlsx cell: numbers stay numbers, the rest as the page writes it."""
        if self.kind == "number" and value is not None and not math.isnan(float(value)):
            return round(float(value), self.digits) if self.digits else value
        text = self.text(value)
        return "" if text == "—" else text


def _arrow_type(kind: str) -> pa.DataType:
    return {
        "number": pa.float64(),
        "month": pa.date32(),
        "day": pa.date32(),
        "list": pa.list_(pa.string()),
        "bool": pa.bool_(),
    }.get(kind, pa.string())


def _as_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).replace(".", "-")
    parts = [int(p) for p in text.split("-") if p.isdigit()]
    if not parts:
        return None
    return date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def _column_array(column: Column, values: list[Any]) -> pa.Array:
    if column.kind in {"month", "day"}:
        values = [_as_date(v) for v in values]
    elif column.kind == "list":
        values = [None if v is None else [str(x) for x in v] for v in values]
    elif column.kind == "text":
        values = [None if v is None or v == "" else str(v) for v in values]
    elif column.kind == "number":
        values = [None if v is None else float(v) for v in values]
    return pa.array(values, type=_arrow_type(column.kind))


def _sort_indices(data: pa.Table, keys: list[tuple[str, str]]) -> pa.Array:
    """Row order by ``keys``, empty values last whichever the direction."""
    try:  # pyarrow 20+: where empty values go is said per key
        return pc.sort_indices(data, sort_keys=[(k, o, "at_end") for k, o in keys])
    except (TypeError, ValueError, pa.ArrowInvalid):
        return pc.sort_indices(data, sort_keys=keys, null_placement="at_end")


@dataclass
class TableView:
    """One page of a table as the template draws it (see ``_table.html``)."""

    table: Table
    columns: list[Column]
    rows: list[Mapping[str, Any]]
    cells: list[list[Markup]]
    total: int  # rows the filter keeps
    unfiltered: int  # rows before the filter
    page: int
    pages: int
    size: int
    first: int  # position (1-based) of the first row shown; 0 when none
    sort: str | None
    desc: bool
    q: str
    filters: dict[str, str]  # column key → value chosen
    choices: dict[str, list[str]]  # column key → values offered
    params: list[tuple[str, str]]  # the address's other parameters (kept by every link)
    base: str  # the page's path

    @property
    def key(self) -> str:
        return self.table.key

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1 if self.rows else 0

    @property
    def filtered(self) -> bool:
        return bool(self.q or self.filters)

    def _mine(self, **changes: Any) -> list[tuple[str, str]]:
        state: dict[str, Any] = {
            "sort": self.sort,
            "desc": "1" if self.desc else None,
            "page": self.page if self.page > 1 else None,
            "size": self.size if self.size != self.table.page_size else None,
            "q": self.q or None,
            **{f"f.{k}": v for k, v in self.filters.items()},
        }
        state.update(changes)
        return [(f"{self.key}.{k}", str(v)) for k, v in state.items() if v not in (None, "")]

    def href(self, **changes: Any) -> str:
        """This page's address with the table's state changed (``page=3``, ``sort="age"``)."""
        query = urlencode(self.params + self._mine(**changes))
        return f"{self.base}?{query}#{self.key}" if query else f"{self.base}#{self.key}"

    def sort_href(self, column: Column) -> str:
        desc = "1" if self.sort == column.key and not self.desc else None
        return self.href(sort=column.key, desc=desc, page=None)

    def aria_sort(self, column: Column) -> str:
        if self.sort != column.key:
            return "none"
        return "descending" if self.desc else "ascending"

    def page_href(self, page: int) -> str:
        return self.href(page=page if page > 1 else None)

    @property
    def export_href(self) -> str:
        query = urlencode([*self.params, *self._mine(page=None), (f"{self.key}.export", "xlsx")])
        return f"{self.base}?{query}"

    @property
    def clear_href(self) -> str:
        return self.href(q=None, page=None, **{f"f.{k}": None for k in self.filters})

    @property
    def hidden(self) -> list[tuple[str, str]]:
        """What the filter form carries besides the filter: the other parameters, the sort."""
        return self.params + self._mine(
            page=None, q=None, size=None, **{f"f.{k}": None for k in self.filters}
        )

    @property
    def page_sizes(self) -> list[int]:
        return sorted({*PAGE_SIZES, self.table.page_size})


@dataclass
class Table:
    """A list with its columns; :meth:`view` gives a page, :meth:`download` the .xlsx."""

    key: str  # tells the tables of one page apart in the address
    title: str  # the export's sheet and file name
    columns: Sequence[Column]
    rows: Sequence[Mapping[str, Any]] | pa.Table
    subject: str | None = None  # the field naming the person of a row (for the audit)
    page_size: int = 50
    empty: str = "没有符合条件的记录。"
    css: str = ""  # extra classes of the <table>
    default_sort: tuple[str, bool] | None = None  # (column, descending) before any click
    notes: Sequence[str] = ()  # lines under the export's title
    _data: pa.Table | None = field(default=None, init=False, repr=False)

    def _columns(self) -> list[Column]:
        return list(self.columns)

    def data(self) -> pa.Table:
        """The columns as an Arrow table (built once), with each row's position."""
        if self._data is None:
            if isinstance(self.rows, pa.Table):
                arrays = {
                    c.key: self.rows.column(c.key).cast(_arrow_type(c.kind))
                    if c.kind != "text"
                    else pc.cast(self.rows.column(c.key), pa.string())
                    for c in self.columns
                    if c.key in self.rows.column_names
                }
                count = self.rows.num_rows
            else:
                arrays = {
                    c.key: _column_array(c, [row.get(c.key) for row in self.rows])
                    for c in self.columns
                }
                count = len(self.rows)
            arrays[_ROW] = pa.array(range(count), type=pa.int64())
            self._data = pa.table(arrays)
        return self._data

    def _state(self, request: Request) -> tuple[str | None, bool, str, dict[str, str], int, int]:
        params = request.query_params
        k = self.key
        columns = {c.key: c for c in self.columns}
        sort = params.get(f"{k}.sort") or None
        desc = params.get(f"{k}.desc") == "1"
        if sort is None and self.default_sort:
            sort, desc = self.default_sort
            if f"{k}.desc" in params:
                desc = params.get(f"{k}.desc") == "1"
        if sort is not None and (sort not in columns or not columns[sort].sortable):
            raise PageError(400, f"表格“{self.title}”不能按“{sort}”排序。")
        q = (params.get(f"{k}.q") or "").strip()[:100]
        filters = {
            c.key: params[f"{k}.f.{c.key}"]
            for c in self.columns
            if c.choices and params.get(f"{k}.f.{c.key}")
        }
        try:
            size = int(params.get(f"{k}.size") or self.page_size)
            page = int(params.get(f"{k}.page") or 1)
        except ValueError:
            raise PageError(400, "页码和每页行数应为整数。") from None
        size = min(max(size, 1), max(PAGE_SIZES))
        return sort, desc, q, filters, size, max(page, 1)

    def _kept(self, q: str, filters: Mapping[str, str]) -> pa.Table:
        data = self.data()
        keep: pa.ChunkedArray | None = None

        def both(mask: Any) -> None:
            nonlocal keep
            mask = pc.fill_null(mask, False)
            keep = mask if keep is None else pc.and_(keep, mask)

        for key, value in filters.items():
            both(pc.equal(data.column(key), pa.scalar(value, type=data.column(key).type)))
        texts = [
            c for c in self.columns if c.kind in {"text", "list"} and c.key in data.column_names
        ]
        for word in q.split():
            found: Any = None
            for column in texts:
                values = data.column(column.key)
                if column.kind == "list":
                    values = pc.binary_join(values, "；")
                hit = pc.fill_null(pc.match_substring(values, word, ignore_case=True), False)
                found = hit if found is None else pc.or_(found, hit)
            if found is not None:
                both(found)
        return data if keep is None else data.filter(keep)

    def _ordered(self, data: pa.Table, sort: str | None, desc: bool) -> pa.Table:
        if sort is None:
            return data
        column = next(c for c in self.columns if c.key == sort)
        keys = data
        by = sort
        if column.kind == "list":  # a list sorts by its text
            by = "__sort"
            keys = data.append_column(by, pc.binary_join(data.column(sort), "；"))
        order = "descending" if desc else "ascending"
        indices = _sort_indices(keys, [(by, order), (_ROW, "ascending")])
        return data.take(indices)

    def _rows_at(self, positions: list[int]) -> list[Mapping[str, Any]]:
        if isinstance(self.rows, pa.Table):
            taken: list[Mapping[str, Any]] = self.rows.take(
                pa.array(positions, type=pa.int64())
            ).to_pylist()
            return taken
        return [self.rows[i] for i in positions]

    def _cell(self, column: Column, row: Mapping[str, Any]) -> Markup:
        if column.cell is not None:
            return column.cell(row)
        value = row.get(column.key)
        if column.kind == "list" and value:
            return Markup("<ul class='cell-list'>{}</ul>").format(
                Markup("").join(Markup("<li>{}</li>").format(v) for v in value)
            )
        text = escape(column.text(value))
        if column.link and value not in (None, ""):
            return Markup('<a href="{}">{}</a>').format(column.link.format_map(row), text)
        return Markup(text)

    def view(self, request: Request) -> TableView:
        """The page of rows the address asks for; their people go into the page's audit."""
        sort, desc, q, filters, size, page = self._state(request)
        kept = self._ordered(self._kept(q, filters), sort, desc)
        total = kept.num_rows
        pages = max(math.ceil(total / size), 1)
        page = min(page, pages)
        start = (page - 1) * size
        positions = kept.column(_ROW).slice(start, size).to_pylist()
        rows = self._rows_at(positions)
        columns = self._columns()
        if self.subject:
            shown(request, None, [str(row.get(self.subject) or "") for row in rows])
        data = self.data()
        choices = {
            c.key: sorted(
                str(v) for v in pc.unique(data.column(c.key)).to_pylist() if v is not None
            )
            for c in columns
            if c.choices
        }
        prefix = f"{self.key}."
        return TableView(
            table=self,
            columns=columns,
            rows=rows,
            cells=[[self._cell(c, row) for c in columns] for row in rows],
            total=total,
            unfiltered=data.num_rows,
            page=page,
            pages=pages,
            size=size,
            first=start + 1 if rows else 0,
            sort=sort,
            desc=desc,
            q=q,
            filters=filters,
            choices=choices,
            params=[
                (k, v) for k, v in request.query_params.multi_items() if not k.startswith(prefix)
            ],
            base=request.url.path,
        )

    def download(self, request: Request) -> Response | None:
        """With ``KEY.export=xlsx`` in the address, the .xlsx of every row the filter keeps,
        in the order shown (its people in the audit); else ``None``."""
        wanted = request.query_params.get(f"{self.key}.export")
        if wanted is None:
            return None
        if wanted != "xlsx":
            raise PageError(400, "表格只能导出为 .xlsx 文件。")
        sort, desc, q, filters, _, _ = self._state(request)
        kept = self._ordered(self._kept(q, filters), sort, desc)
        rows = self._rows_at(kept.column(_ROW).to_pylist())
        columns = [c for c in self.columns if c.export]
        if self.subject:
            shown(request, "export_table", [str(row.get(self.subject) or "") for row in rows])
        else:
            shown(request, "export_table")
        notes = [*self.notes]
        chosen = [f"“{q}”"] if q else []
        names = {c.key: c.title for c in self.columns}
        chosen += [f"{names[k]}为“{v}”" for k, v in filters.items()]
        notes.append(
            f"共 {len(rows)} 条"
            + (f"（筛选：{'，'.join(chosen)}）" if chosen else "")
            + f" · 导出时间 {day_text(date.today())}"
        )
        book = new_workbook(streaming=True)  # a long list is written as it comes
        write_table(
            book,
            self.title,
            title=self.title,
            columns=[SheetColumn(c.title, c.width, wrap=c.width >= 20) for c in columns],
            rows=([c.export_value(row.get(c.key)) for c in columns] for row in rows),
            notes=notes,
        )
        return attachment(workbook_bytes(book), file_name(self.title, "xlsx"), XLSX)
