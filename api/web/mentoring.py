"""导师帮带: coverage, the recommended pairings, the mentees without a mentor, and every pairing
as recorded; editors make a pairing (after a confirmation naming both people), end it (date and
reason kept) or undo it (recorded by mistake)."""

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
from api.web.development import cadre_link, form_day, page_tables, write_then_show
from api.web.formats import day_text
from api.web.render import render
from api.web.tables import Column, Table
from graphsvc.access import Session
from queries.development import ledger
from queries.development.data import DevelopmentData
from queries.development.mentoring import coverage, recommend_mentors

__all__ = ["router"]

router = APIRouter()

# Editors make the pairings, so they see what to pair as well as analysts.
MentoringDep = Annotated[Session, Depends(allowed("analyse", "write"))]
WriteDep = Annotated[Session, Depends(allowed("write"))]
IdForm = Annotated[str, Form(max_length=20)]
ReasonForm = Annotated[str, Form(max_length=200)]


def _mentor_cell(row: Mapping[str, Any]) -> Markup:
    return cadre_link("mentor_cadre_id", "mentor_name")(row)


def _pair_query(row: Mapping[str, Any], *keys: str) -> str:
    return urlencode({k: row[k] for k in keys})


def _accept_cell(row: Mapping[str, Any]) -> Markup:
    query = _pair_query(row, "mentor_id", "mentee_id")
    return Markup('<a class="button accept" href="/mentoring/pairs/confirm?{}">采纳…</a>').format(
        query
    )


def _change_cell(row: Mapping[str, Any]) -> Markup:
    if row["state"] not in {"current", "planned"}:
        return Markup("")
    query = _pair_query(row, "mentor_id", "mentee_id", "start")
    return Markup(
        '<a class="button change" href="/mentoring/pairs/change?{}">结束或撤销…</a>'
    ).format(query)


def _state_cell(row: Mapping[str, Any]) -> Markup:
    state = row["state"]
    return Markup('<span class="state {}">{}</span>').format(state, ledger.STATE_NAMES[state])


RECOMMENDED = (
    Column("mentee_name", "帮带对象", link="/cadres/{mentee_id}", css="nowrap", width=10),
    Column("mentee_unit", "单位", width=24),
    Column("mentor_name", "建议导师", cell=_mentor_cell, css="nowrap", width=10),
    Column("mentor_kind", "导师类型", choices=True, width=12),
    Column("reasons", "理由", kind="list", css="wide", width=60),
)
UNCOVERED = (
    Column("name", "姓名", link="/cadres/{cadre_id}", css="nowrap", width=10),
    Column("unit_name", "单位", width=24),
    Column("channel", "录用渠道", choices=True, width=16),
    Column("reason", "需要帮带的原因", choices=True, width=24),
)
MENTOR_LOAD = (
    Column("name", "导师", cell=cadre_link("mentor_cadre_id", "name"), css="nowrap", width=10),
    Column("kind", "导师类型", choices=True, width=12),
    Column("load", "现带人数", kind="number", css="num", width=8),
    Column("capacity", "上限", kind="number", css="num", width=6),
    Column("status_text", "状态", choices=True, width=10),
)
PAIRINGS = (
    Column("mentee_name", "帮带对象", link="/cadres/{mentee_id}", css="nowrap", width=10),
    Column("mentee_unit", "单位", width=24),
    Column("mentor_name", "导师", cell=_mentor_cell, css="nowrap", width=10),
    Column("mentor_kind", "导师类型", choices=True, width=12),
    Column("start", "开始", kind="day", css="nowrap", width=11),
    Column("state_name", "状态", choices=True, cell=_state_cell, css="nowrap", width=14),
    Column("end", "结束", kind="day", css="nowrap", width=11),
    Column("end_reason", "结束原因", width=24),
    Column("recorded_by", "登记人", choices=True, width=10),
    Column("recorded_on", "登记日期", kind="day", css="nowrap", width=11),
    Column("ended_by", "结束登记人", width=10),
)
BY_UNIT = (
    Column("group", "单位", css="nowrap", width=24),
    Column("need", "需帮带", kind="number", css="num", width=8),
    Column("covered", "已有导师", kind="number", css="num", width=8),
    Column("coverage", "覆盖率", kind="number", digits=3, css="num", width=8),
)


def _mentor_cadre(dev: DevelopmentData, mentor_id: str) -> str | None:
    cadre_id = dev.mentors.get(mentor_id, {}).get("cadre_id")
    return str(cadre_id) if cadre_id else None


def _pair_names(dev: DevelopmentData, mentor_id: str, mentee_id: str) -> dict[str, Any]:
    """Both people of a pairing as a page names them."""
    mentor = dev.mentors.get(mentor_id, {})
    mentor_cadre = _mentor_cadre(dev, mentor_id)
    return {
        "mentor_id": mentor_id,
        "mentor_name": mentor.get("name") or mentor_id,
        "mentor_kind": mentor.get("kind"),
        "mentor_cadre_id": mentor_cadre,
        "mentor_where": dev.units.name(dev.unit_of(mentor_cadre))
        if mentor_cadre
        else mentor.get("organization"),
        "mentor_capacity": mentor.get("capacity"),
        "mentee_id": mentee_id,
        "mentee_name": dev.name(mentee_id),
        "mentee_unit": dev.units.name(dev.unit_of(mentee_id)),
        "mentee_channel": dev.cadres.get(mentee_id, {}).get("channel"),
    }


def _notice(dev: DevelopmentData, done: str, row: Mapping[str, str]) -> dict[str, Any] | None:
    """What the page says after a change (by names, never ids), and whom it names."""
    mentor_id, mentee_id = row.get("mentor_id", ""), row.get("mentee_id", "")
    if not mentor_id or not mentee_id or done not in {"made", "ended", "undone"}:
        return None
    names = _pair_names(dev, mentor_id, mentee_id)
    start = row.get("start", "")
    who = f"{names['mentee_name']}（{names['mentee_unit'] or '单位未填'}）"
    mentor = f"{names['mentor_name']}（{names['mentor_kind'] or '导师'}）"
    text = {
        "made": f"已确定导师结对：{who}，导师{mentor}，自{day_text(start)}起。"
        "已写入数据并记入审计日志。",
        "ended": f"已结束导师结对：{who}与导师{mentor}。结对记录、结束日期和原因均已保留。",
        "undone": f"已撤销导师结对：{who}与导师{mentor}。"
        "该结对视为从未生效，记录和撤销原因均已保留。",
    }[done]
    return {**names, "done": done, "text": text, "start": start}


@router.get("/mentoring")
def mentoring(
    request: Request,
    session: MentoringDep,
    done: Annotated[str, Query(max_length=10)] = "",
    mentor_id: Annotated[str, Query(max_length=20)] = "",
    mentee_id: Annotated[str, Query(max_length=20)] = "",
    start: Annotated[str, Query(max_length=10)] = "",
    v: Annotated[int | None, Query(ge=0, description="graph version to read at least")] = None,
) -> Response:
    # After a change the editor must see it: read at least that write's version
    # (elsewhere the previous version may answer while the next is built, see api.cache).
    with reading(at_least=v):
        dev = data.development(request)
        found = data.analysis(request, "mentoring", coverage)
        recommended = data.analysis(request, "recommendations", recommend_mentors)
        pairings = data.cached(
            request, ("web-pairings", dev.as_of), lambda: ledger.pairing_ledger(data=dev)
        )
        goal = dev.policy.targets.mentoring_coverage
    can_write = session.principal.can("write")
    pairs = [
        {**p, "mentor_cadre_id": _mentor_cadre(dev, p["mentor_id"])} for p in recommended["pairs"]
    ]
    loads = [
        {**m, "mentor_cadre_id": _mentor_cadre(dev, m["mentor_id"]), "status_text": "超负荷"}
        for m in found["over_capacity"]
    ] + [
        {
            **m,
            "mentor_cadre_id": _mentor_cadre(dev, m["mentor_id"]),
            "status_text": f"已{m['status'] or m['cadre_status'] or '离岗'}",
        }
        for m in found["departed"]
    ]
    recorded = [{**p, "state_name": ledger.STATE_NAMES[p["state"]]} for p in pairings]
    action = (Column("action", "操作", sortable=False, export=False, cell=_accept_cell),)
    change = (Column("change", "操作", sortable=False, export=False, cell=_change_cell),)
    tables: list[tuple[Table, tuple[str, ...]]] = [
        (
            Table(
                "pairs",
                "建议结对",
                RECOMMENDED + (action if can_write else ()),
                pairs,
                subject="mentee_id",
                empty="目前没有可建议的结对。",
            ),
            ("mentor_cadre_id",),
        ),
        (
            Table(
                "uncovered",
                "无导师的帮带对象",
                UNCOVERED,
                found["uncovered"],
                subject="cadre_id",
                empty="需要帮带的干部都已有在岗导师。",
            ),
            (),
        ),
        (
            Table(
                "recorded",
                "导师结对记录",
                PAIRINGS + (change if can_write else ()),
                recorded,
                subject="mentee_id",
                empty="没有结对记录。",
            ),
            ("mentor_cadre_id",),
        ),
        (
            Table(
                "mentors",
                "超负荷或已离岗的导师",
                MENTOR_LOAD,
                loads,
                empty="没有超负荷或已离岗仍在帮带的导师。",
            ),
            ("mentor_cadre_id",),
        ),
        (
            Table(
                "units",
                "按镇街、部门的导师帮带覆盖率",
                BY_UNIT,
                found["by_unit"],
                default_sort=("coverage", False),
                empty="没有需要帮带的干部。",
            ),
            (),
        ),
    ]
    pages = page_tables(request, tables)
    if isinstance(pages, Response):
        return pages
    notice = _notice(dev, done, {"mentor_id": mentor_id, "mentee_id": mentee_id, "start": start})
    if notice:
        shown(request, None, [notice["mentee_id"], notice["mentor_cadre_id"]])
    shown(request, "page:mentoring", [])
    by_unit = sorted(found["by_unit"], key=lambda g: (g["coverage"] or 0, g["group"]))[:20]
    return render(
        request,
        "mentoring.html",
        title="导师帮带",
        session=session,
        found=found,
        recommended=recommended,
        by_unit=by_unit,
        tables=pages,
        goal=goal,
        notice=notice,
        counts={
            "ended": sum(1 for p in pairings if p["state"] == "ended"),
            "undone": sum(1 for p in pairings if p["state"] == "undone"),
            "current": sum(1 for p in pairings if p["state"] == "current"),
        },
        can_write=can_write,
    )


def _recommendation(request: Request, mentor_id: str, mentee_id: str) -> dict[str, Any] | None:
    recommended = data.analysis(request, "recommendations", recommend_mentors)
    return next(
        (
            dict(p)
            for p in recommended["pairs"]
            if p["mentor_id"] == mentor_id and p["mentee_id"] == mentee_id
        ),
        None,
    )


@router.get("/mentoring/pairs/confirm")
def confirm_pairing(
    request: Request,
    session: WriteDep,
    mentor_id: Annotated[str, Query(max_length=20)],
    mentee_id: Annotated[str, Query(max_length=20)],
) -> Response:
    dev = data.development(request)
    if mentee_id not in dev.cadres:
        raise PageError(404, f"没有编号为 {mentee_id} 的干部。")
    if mentor_id not in dev.mentors:
        raise PageError(404, f"没有编号为 {mentor_id} 的导师。")
    names = _pair_names(dev, mentor_id, mentee_id)
    load = sum(1 for p in dev.pairings if p.mentor_id == mentor_id and p.current(dev.as_of))
    shown(request, "confirm_pairing", [mentee_id, names["mentor_cadre_id"]])
    return render(
        request,
        "pairing_confirm.html",
        title="确认导师结对",
        session=session,
        pair=names,
        load=load,
        recommendation=_recommendation(request, mentor_id, mentee_id),
        today=date.today(),
    )


async def _write(
    request: Request,
    action: str,
    row: Mapping[str, str],
    build: Callable[[], dict[str, Any]],
) -> Response:
    """Write a change to a pairing; the page then reads it and names both people."""
    done = {"pair_mentor": "made", "end_pairing": "ended", "undo_pairing": "undone"}[action]
    return await write_then_show(
        request,
        action=action,
        person=row["mentee_id"],
        table="mentoring",
        build=build,
        page="/mentoring",
        source="结对",
        notice={"done": done, **row},
    )


@router.post("/mentoring/pairs")
async def make_pairing(
    request: Request,
    session: WriteDep,
    mentor_id: IdForm = "",
    mentee_id: IdForm = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(session, csrf)
    if not mentor_id or not mentee_id:
        raise PageError(400, "请给出导师编号和帮带对象编号。")
    today = date.today()
    store = data.store(request)
    return await _write(
        request,
        "pair_mentor",
        {"mentor_id": mentor_id, "mentee_id": mentee_id, "start": today.isoformat()},
        lambda: ledger.new_pairing_row(
            store=store,
            mentor_id=mentor_id,
            mentee_id=mentee_id,
            start=today,
            by=session.user,
            today=today,
        ),
    )


@router.get("/mentoring/pairs/change")
def change_pairing(
    request: Request,
    session: WriteDep,
    mentor_id: Annotated[str, Query(max_length=20)],
    mentee_id: Annotated[str, Query(max_length=20)],
    start: Annotated[str, Query(max_length=10)],
) -> Response:
    dev = data.development(request)
    day = form_day(start, "结对开始日期")
    found = next(
        (
            p
            for p in dev.pairings
            if (p.mentor_id, p.mentee_id, p.start) == (mentor_id, mentee_id, day)
        ),
        None,
    )
    if found is None:
        raise PageError(
            404, f"没有导师 {mentor_id} 自 {day_text(day)} 起帮带 {mentee_id} 的结对记录。"
        )
    names = _pair_names(dev, mentor_id, mentee_id)
    shown(request, "change_pairing_form", [mentee_id, names["mentor_cadre_id"]])
    return render(
        request,
        "pairing_change.html",
        title="结束或撤销导师结对",
        session=session,
        pair=names,
        pairing=found,
        state=ledger.STATE_NAMES[ledger.pairing_state(found, dev.as_of)],
        today=date.today(),
    )


@router.post("/mentoring/pairs/end")
async def end_pairing(
    request: Request,
    session: WriteDep,
    mentor_id: IdForm = "",
    mentee_id: IdForm = "",
    start: Annotated[str, Form(max_length=10)] = "",
    end: Annotated[str, Form(max_length=10)] = "",
    reason: ReasonForm = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(session, csrf)
    began, today = form_day(start, "结对开始日期"), date.today()
    ended = form_day(end, "结束日期") if end else today
    store = data.store(request)
    return await _write(
        request,
        "end_pairing",
        {"mentor_id": mentor_id, "mentee_id": mentee_id, "start": began.isoformat()},
        lambda: ledger.end_pairing_row(
            store=store,
            mentor_id=mentor_id,
            mentee_id=mentee_id,
            start=began,
            end=ended,
            reason=reason,
            by=session.user,
            today=today,
        ),
    )


@router.post("/mentoring/pairs/undo")
async def undo_pairing(
    request: Request,
    session: WriteDep,
    mentor_id: IdForm = "",
    mentee_id: IdForm = "",
    start: Annotated[str, Form(max_length=10)] = "",
    reason: ReasonForm = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(session, csrf)
    began = form_day(start, "结对开始日期")
    store = data.store(request)
    return await _write(
        request,
        "undo_pairing",
        {"mentor_id": mentor_id, "mentee_id": mentee_id, "start": began.isoformat()},
        lambda: ledger.undo_pairing_row(
            store=store,
            mentor_id=mentor_id,
            mentee_id=mentee_id,
            start=began,
            reason=reason,
            by=session.user,
            today=date.today(),
        ),
    )
