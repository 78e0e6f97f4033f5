"""年轻干部库: the roster, who is due for exit review, who may enter, every entry and exit as
recorded, and the pool's shape; editors record 入库 and 出库 with a date and a reason."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import Response
from markupsafe import Markup

from api.cache import reading
from api.web import data
from api.web.deps import PageError, allowed, check_csrf, shown
from api.web.development import (
    form_day,
    page_tables,
    unit_choices,
    unit_filter,
    write_then_show,
)
from api.web.formats import day_text
from api.web.people import find_people
from api.web.render import render
from api.web.tables import Column, Table
from graphsvc.access import Session
from queries.development import ledger
from queries.development.pool import pool_review

__all__ = ["router"]

router = APIRouter()

# Editors record entries and exits, so they see the pool as well as analysts.
PoolDep = Annotated[Session, Depends(allowed("analyse", "write"))]
WriteDep = Annotated[Session, Depends(allowed("write"))]
CHOICES_SHOWN = 50  # people found by name when entering someone from outside the list


def _enter_cell(row: Mapping[str, Any]) -> Markup:
    query = urlencode({"cadre_id": row["cadre_id"]})
    return Markup('<a class="button enter" href="/pool/enter?{}">入库…</a>').format(query)


def _exit_cell(row: Mapping[str, Any]) -> Markup:
    query = urlencode({"cadre_id": row["cadre_id"]})
    return Markup('<a class="button leave" href="/pool/exit?{}">出库…</a>').format(query)


PERSON = (
    Column("name", "姓名", link="/cadres/{cadre_id}", css="nowrap", width=10),
    Column("unit_name", "单位", width=24),
    Column("age", "年龄", kind="number", digits=1, css="num", width=6),
    Column("level", "职务层次", choices=True, width=10),
)
ROSTER = (
    Column("name", "姓名", link="/cadres/{cadre_id}", css="nowrap", width=10),
    Column("birth", "出生年月", kind="month", css="nowrap", width=10),
    Column("age", "年龄", kind="number", digits=1, css="num", width=6),
    Column("unit_name", "单位", width=24),
    Column("level", "职务层次", choices=True, width=10),
    Column("channel", "录用渠道", choices=True, width=16),
    Column("start", "入库时间", kind="day", css="nowrap", width=11),
    Column("entry_reason", "入库原因", width=24),
    Column("recorded_by", "入库登记人", width=10),
    Column("review", "应复核", kind="list", width=30),
)
EXITS = (
    *PERSON,
    Column("in_pool_since", "入库时间", kind="day", css="nowrap", width=11),
    Column("reasons", "复核原因", kind="list", css="wide", width=40),
)
ENTRIES = (
    *PERSON,
    Column("channel", "录用渠道", choices=True, width=16),
    Column("reasons", "理由", kind="list", css="wide", width=40),
)
STAYS = (
    Column("name", "姓名", link="/cadres/{cadre_id}", css="nowrap", width=10),
    Column("unit_name", "单位", width=24),
    Column("state", "状态", choices=True, css="nowrap", width=8),
    Column("start", "入库时间", kind="day", css="nowrap", width=11),
    Column("entry_reason", "入库原因", width=24),
    Column("recorded_by", "入库登记人", width=10),
    Column("end", "出库时间", kind="day", css="nowrap", width=11),
    Column("exit_reason", "出库原因", width=24),
    Column("ended_by", "出库登记人", width=10),
)
HISTORY = (
    Column("year", "年度", css="nowrap", width=8),
    Column("size", "年末在库", kind="number", css="num", width=8),
    Column("entered", "入库", kind="number", css="num", width=6),
    Column("exited", "出库", kind="number", css="num", width=6),
    Column("exit_reasons_text", "出库原因", kind="list", width=40),
)


@router.get("/pool")
def pool(
    request: Request,
    session: PoolDep,
    unit: Annotated[str, Query(max_length=20)] = "",
    done: Annotated[str, Query(max_length=10)] = "",
    cadre_id: Annotated[str, Query(max_length=20)] = "",
    v: Annotated[int | None, Query(ge=0, description="graph version to read at least")] = None,
) -> Response:
    with reading(at_least=v):  # after a change, the page reads that write
        dev = data.development(request)
        result = data.analysis(request, "pool", pool_review)
        stays = data.cached(
            request, ("web-pool-stays", dev.as_of), lambda: ledger.pool_ledger(data=dev)
        )
    unit_name, within = unit_filter(dev, unit)
    can_write = session.principal.can("write")
    review = {c["cadre_id"]: c["reasons"] for c in result["exit_review"]}
    roster = [
        {**s, "review": review.get(s["cadre_id"], [])}
        for s in stays
        if s["current"] and s["active"] and within(s["cadre_id"])
    ]
    exits = [c for c in result["exit_review"] if within(c["cadre_id"])]
    entries = [c for c in result["entry_candidates"] if within(c["cadre_id"])]
    recorded = [
        {**s, "state": "在库" if s["current"] else "已出库"} for s in stays if within(s["cadre_id"])
    ]
    history = [
        {
            **y,
            "year": str(y["year"]),
            "exit_reasons_text": [f"{k} {n}人" for k, n in y["exit_reasons"].items()],
        }
        for y in result["history"]
    ]
    scope = unit_name or "全区"
    leave = (Column("leave", "操作", sortable=False, export=False, cell=_exit_cell),)
    enter = (Column("enter", "操作", sortable=False, export=False, cell=_enter_cell),)
    pages = page_tables(
        request,
        [
            (
                Table(
                    "roster",
                    f"优秀年轻干部库名册（{scope}）",
                    ROSTER + (leave if can_write else ()),
                    roster,
                    subject="cadre_id",
                    empty=f"{scope}目前没有在库干部。",
                ),
                (),
            ),
            (
                Table(
                    "exits",
                    f"应复核出库（{scope}）",
                    EXITS + (leave if can_write else ()),
                    exits,
                    subject="cadre_id",
                    empty=f"{scope}没有需要复核出库的干部。",
                ),
                (),
            ),
            (
                Table(
                    "entries",
                    f"建议入库人选（{scope}）",
                    ENTRIES + (enter if can_write else ()),
                    entries,
                    subject="cadre_id",
                    empty=f"{scope}没有符合入库条件的人选。",
                ),
                (),
            ),
            (
                Table(
                    "stays",
                    f"出入库记录（{scope}）",
                    STAYS,
                    recorded,
                    subject="cadre_id",
                    empty=f"{scope}没有出入库记录。",
                ),
                (),
            ),
            (Table("history", "干部库历年变化", HISTORY, history), ()),
        ],
    )
    if isinstance(pages, Response):
        return pages
    notice = None
    if done in {"entered", "left"} and cadre_id in dev.cadres:
        stay = next((s for s in stays if s["cadre_id"] == cadre_id), None)
        name = f"{dev.name(cadre_id)}（{dev.units.name(dev.unit_of(cadre_id)) or '单位未填'}）"
        if done == "entered":
            text = f"已登记入库：{name}，{day_text(stay and stay['start'])}入库。"
        else:
            text = f"已登记出库：{name}，{day_text(stay and stay['end'])}出库，入库记录保留。"
        notice = {"text": text + "已写入数据并记入审计日志。", "cadre_id": cadre_id}
        shown(request, None, [cadre_id])
    shown(request, "analysis:pool", [])
    this_year = result["history"][-1] if result["history"] else None
    return render(
        request,
        "pool.html",
        title="年轻干部库",
        session=session,
        result=result,
        tables=pages,
        roster=roster,
        exits=exits,
        entries=entries,
        this_year=this_year,
        notice=notice,
        can_write=can_write,
        units=unit_choices(dev),
        unit=unit,
        unit_name=unit_name,
    )


@router.get("/pool/enter")
def enter_form(
    request: Request,
    session: WriteDep,
    cadre_id: Annotated[str, Query(max_length=20)] = "",
    q: Annotated[str, Query(max_length=50)] = "",
) -> Response:
    dev = data.development(request)
    choices: list[dict[str, Any]] = []
    found = 0
    if not cadre_id and q.strip():
        people = find_people(request, q.strip())
        found = people.num_rows
        choices = people.slice(0, CHOICES_SHOWN).to_pylist()
        shown(request, None, [c["id"] for c in choices])
    if cadre_id and cadre_id not in dev.cadres:
        raise PageError(404, f"没有编号为 {cadre_id} 的干部。")
    result = data.analysis(request, "pool", pool_review)
    candidate = next((c for c in result["entry_candidates"] if c["cadre_id"] == cadre_id), None)
    shown(request, "enter_pool_form", [cadre_id])
    return render(
        request,
        "pool_enter.html",
        title="登记入库",
        session=session,
        cadre_id=cadre_id,
        name=dev.name(cadre_id) if cadre_id else "",
        unit_name=dev.units.name(dev.unit_of(cadre_id)) if cadre_id else "",
        in_pool=bool(cadre_id) and dev.in_pool(cadre_id, date.today()),
        candidate=candidate,
        pools=sorted((pid, str(p.get("name") or pid)) for pid, p in dev.pools.items()),
        q=q,
        choices=choices,
        found=found,
        choices_shown=CHOICES_SHOWN,
        today=date.today(),
    )


@router.get("/pool/exit")
def exit_form(
    request: Request, session: WriteDep, cadre_id: Annotated[str, Query(max_length=20)]
) -> Response:
    dev = data.development(request)
    if cadre_id not in dev.cadres:
        raise PageError(404, f"没有编号为 {cadre_id} 的干部。")
    today = date.today()
    stay = next((s for s in dev.stays if s.cadre_id == cadre_id and s.current(today)), None)
    result = data.analysis(request, "pool", pool_review)
    review = next((c for c in result["exit_review"] if c["cadre_id"] == cadre_id), None)
    shown(request, "exit_pool_form", [cadre_id])
    return render(
        request,
        "pool_exit.html",
        title="登记出库",
        session=session,
        cadre_id=cadre_id,
        name=dev.name(cadre_id),
        unit_name=dev.units.name(dev.unit_of(cadre_id)),
        stay=stay,
        pool_name=dev.pools.get(stay.pool_id, {}).get("name") if stay else None,
        review=review,
        today=today,
    )


async def _write(
    request: Request, action: str, cadre_id: str, build: Callable[[], dict[str, Any]], done: str
) -> Response:
    return await write_then_show(
        request,
        action=action,
        person=cadre_id,
        table="pool_membership",
        build=build,
        page="/pool",
        source="干部库",
        notice={"done": done, "cadre_id": cadre_id},
    )


@router.post("/pool/enter")
async def enter_pool(
    request: Request,
    session: WriteDep,
    cadre_id: Annotated[str, Form(max_length=20)] = "",
    pool_id: Annotated[str, Form(max_length=20)] = "",
    start: Annotated[str, Form(max_length=10)] = "",
    reason: Annotated[str, Form(max_length=200)] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(session, csrf)
    if not cadre_id or not pool_id:
        raise PageError(400, "请给出干部编号和干部库。")
    today = date.today()
    began = form_day(start, "入库日期") if start else today
    store = data.store(request)
    return await _write(
        request,
        "enter_pool",
        cadre_id,
        lambda: ledger.enter_pool_row(
            store=store,
            cadre_id=cadre_id,
            pool_id=pool_id,
            start=began,
            reason=reason,
            by=session.user,
            today=today,
        ),
        "entered",
    )


@router.post("/pool/exit")
async def leave_pool(
    request: Request,
    session: WriteDep,
    cadre_id: Annotated[str, Form(max_length=20)] = "",
    end: Annotated[str, Form(max_length=10)] = "",
    reason: Annotated[str, Form(max_length=200)] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(session, csrf)
    if not cadre_id:
        raise PageError(400, "请给出干部编号。")
    today = date.today()
    ended = form_day(end, "出库日期") if end else today
    store = data.store(request)
    return await _write(
        request,
        "leave_pool",
        cadre_id,
        lambda: ledger.leave_pool_row(
            store=store, cadre_id=cadre_id, end=ended, reason=reason, by=session.user, today=today
        ),
        "left",
    )
