"""The cadre section's pages: 班子结构 and a team's own page, 教育培训, 九宫格; and what the
section's other pages share (``api.web.mentoring``, ``api.web.pool``, ``api.web.network``):
the unit filter, and a table page that names every person it shows in the audit."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from api.edits import LoadFailed, problems_text, write_change
from api.web import data
from api.web.deps import PageError, allowed, shown
from api.web.formats import day_text
from api.web.render import render
from api.web.tables import Column, Table, TableView
from graphsvc.access import Session
from queries.development.data import DevelopmentData
from queries.development.ledger import EditRefused
from queries.development.ninebox import LEVELS, PERFORMANCE_CUTS, POTENTIAL_CUTS, nine_box
from queries.development.teams import team_detail, team_structure
from queries.development.training import training_compliance

__all__ = [
    "AnalyseDep",
    "cadre_link",
    "form_day",
    "page_tables",
    "router",
    "unit_choices",
    "unit_filter",
    "write_then_show",
]

router = APIRouter()

AnalyseDep = Annotated[Session, Depends(allowed("analyse"))]
UNIT_KINDS = ("区县", "乡镇", "街道", "区直部门")  # the units a filter offers


def unit_choices(dev: DevelopmentData) -> list[tuple[str, str]]:
    """The townships, streets, departments (and the district) a page's unit filter offers."""
    return sorted(
        (
            (uid, str(u.get("name", uid)))
            for uid, u in dev.units.units.items()
            if u.get("kind") in UNIT_KINDS
        ),
        key=lambda unit: unit[0],
    )


def unit_filter(dev: DevelopmentData, unit: str) -> tuple[str, Callable[[str | None], bool]]:
    """The chosen unit's name and a test ``within(cadre_id)`` (the unit or a unit under it);
    with no unit chosen, everyone. An unknown unit is a clear error."""
    if not unit:
        return "", lambda _cadre_id: True
    if unit not in dev.units.units:
        raise PageError(400, f"没有编号为 {unit} 的单位。")

    def within(cadre_id: str | None) -> bool:
        home = dev.unit_of(cadre_id)
        return bool(home) and (home == unit or unit in dev.units.ancestors(home))

    return dev.units.name(unit), within


def form_day(text: str, what: str) -> date:
    """A date a form sent (``2026-05-01``, as a date input sends it), or a clear error."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise PageError(400, f"{what}应为日期（如 2026-05-01），这里是“{text}”。") from None


def cadre_link(id_key: str, name_key: str) -> Callable[[Mapping[str, Any]], Markup]:
    """A cell naming a person with a link to the profile (plain text without an id)."""

    def cell(row: Mapping[str, Any]) -> Markup:
        name = row.get(name_key) or "—"
        if row.get(id_key):
            return Markup('<a href="/cadres/{}">{}</a>').format(row[id_key], name)
        return Markup("{}").format(name)

    return cell


def page_tables(
    request: Request, tables: Iterable[tuple[Table, tuple[str, ...]]]
) -> dict[str, TableView] | Response:
    """The page of each table the address asks for, or the .xlsx one of them is asked for.

    Each table names the person of a row through its ``subject``; the extra field names given
    with it (a mentor who is a cadre, ...) are named too, for the rows shown (all rows the
    export holds)."""
    chosen = list(tables)
    for table, also in chosen:
        download = table.download(request)
        if download is not None:
            rows = table.rows if isinstance(table.rows, list) else []
            shown(request, None, [str(r.get(k) or "") for r in rows for k in also])
            return download
    views: dict[str, TableView] = {}
    for table, also in chosen:
        view = table.view(request)
        shown(request, None, [str(r.get(k) or "") for r in view.rows for k in also])
        views[table.key] = view
    return views


async def write_then_show(
    request: Request,
    *,
    action: str,
    person: str,
    table: str,
    build: Callable[[], dict[str, Any]],
    page: str,
    notice: Mapping[str, str],
    source: str,
) -> Response:
    """An editor's change written through the loader (``api.edits``), audited as ``action``
    with the person changed; then back to ``page``, which reads at least that write and says
    what was done (``notice``). A refusal is shown on a page saying why."""
    shown(request, action, [person])
    store = data.store(request)
    try:
        version = await run_in_threadpool(write_change, request, store, table, build, source=source)
    except EditRefused as refused:
        raise PageError(refused.status, refused.message) from None
    except LoadFailed as failure:
        raise PageError(422, problems_text(failure)) from None
    query = urlencode({**notice, "v": version})
    return RedirectResponse(f"{page}?{query}#notice", status_code=303)


# ------------------------------------------------------------------ teams

TEAM_COLUMNS = (
    Column("rank", "排序", kind="number", css="num", width=6),
    Column("unit_name", "单位", link="/teams/{unit_id}", css="nowrap", width=24),
    Column("unit_kind", "单位类型", choices=True, width=10),
    Column("members", "成员", kind="number", css="num", width=6),
    Column("mean_age", "平均年龄", kind="number", digits=1, css="num", width=8),
    Column("youngest_age", "最年轻", kind="number", digits=1, css="num", width=8),
    Column("under_35", "35岁以下", kind="number", css="num", width=8),
    Column("women", "女性", kind="number", css="num", width=6),
    Column("vacancies", "空缺", kind="number", css="num", width=6),
    Column("retiring_count", "3年内退休", kind="number", css="num", width=8),
    Column("flag_names", "结构问题", kind="list", width=30),
    Column("categories_missing", "缺少专业", kind="list", width=24),
)


@router.get("/teams")
def teams(
    request: Request, session: AnalyseDep, unit: Annotated[str, Query(max_length=20)] = ""
) -> Response:
    dev = data.development(request)
    result = data.analysis(request, "teams", team_structure)
    unit_name, _ = unit_filter(dev, unit)
    chosen = [
        t
        for t in result["teams"]
        if not unit or t["unit_id"] == unit or unit in dev.units.ancestors(t["unit_id"])
    ]
    flags: dict[str, int] = {}
    for team in chosen:
        for name in team["flag_names"]:
            flags[name] = flags.get(name, 0) + 1
    rows = [
        {**t, "vacancies": len(t["vacant_posts"]), "retiring_count": len(t["retiring"])}
        for t in chosen
    ]
    empty = f"{unit_name}没有领导班子。" if unit_name else "没有领导班子。"
    table = Table("teams", "领导班子结构", TEAM_COLUMNS, rows, empty=empty, page_size=50)
    pages = page_tables(request, [(table, ())])
    if isinstance(pages, Response):
        return pages
    shown(request, "analysis:teams", [m["cadre_id"] for t in chosen for m in t["member_list"]])
    return render(
        request,
        "teams.html",
        title="班子结构",
        session=session,
        result=result,
        teams=chosen,
        table=pages["teams"],
        flags=sorted(flags.items(), key=lambda f: -f[1]),
        units=unit_choices(dev),
        unit=unit,
        unit_name=unit_name,
    )


def _retires_cell(row: Mapping[str, Any]) -> Markup:
    text = day_text(row.get("retires"))
    if row.get("retires") and str(row["retires"]) <= date.today().isoformat():
        return Markup('<span class="flag">{}（已到龄）</span>').format(text)
    if row.get("retiring_soon"):
        return Markup('<span class="flag">{}（3年内）</span>').format(text)
    return Markup("{}").format(text)


MEMBER_COLUMNS = (
    Column("name", "姓名", link="/cadres/{cadre_id}", css="nowrap", width=10),
    Column("post_name", "职务", css="wide", width=30),
    Column("gender", "性别", choices=True, width=6),
    Column("birth", "出生年月", kind="month", css="nowrap", width=10),
    Column("age", "年龄", kind="number", digits=1, css="num", width=6),
    Column("level", "职务层次", choices=True, width=10),
    Column("rank", "职级", choices=True, width=14),
    Column("retires", "退休时间", kind="day", cell=_retires_cell, css="nowrap", width=12),
)
CANDIDATES_SHOWN = 5  # per vacancy on the team page; the vacancy's page lists every one


@router.get("/teams/{unit_id}")
def team(request: Request, session: AnalyseDep, unit_id: str) -> Response:
    dev = data.development(request)
    detail = data.cached(
        request,
        ("web-team", unit_id, dev.as_of),
        lambda: team_detail(data=dev, unit_id=unit_id),
    )
    if detail is None:
        raise PageError(404, f"没有编号为 {unit_id} 的单位。")
    structure = data.analysis(request, "teams", team_structure)
    row = next((t for t in structure["teams"] if t["unit_id"] == unit_id), None)
    members = Table(
        "members",
        f"{detail['unit_name']}领导班子成员",
        MEMBER_COLUMNS,
        detail["members"],
        subject="cadre_id",
        empty="该单位领导班子目前没有在任成员。",
    )
    pages = page_tables(request, [(members, ())])
    if isinstance(pages, Response):
        return pages
    vacancies = []
    for vacancy in detail["vacancies"]:
        ranked = data.candidates(request, vacancy["post_id"])
        top = ranked["candidates"][:CANDIDATES_SHOWN]
        shown(request, None, [c["cadre_id"] for c in top])
        vacancies.append({**vacancy, "top": top, "eligible": ranked["eligible"]})
    shown(request, "read_team", [])
    return render(
        request,
        "team.html",
        title=f"班子结构 · {detail['unit_name']}",
        session=session,
        detail=detail,
        row=row,
        members=pages["members"],
        vacancies=vacancies,
        shown_candidates=CANDIDATES_SHOWN,
    )


# ------------------------------------------------------------------ training

TRAINING_PERSON = (
    Column("name", "姓名", link="/cadres/{cadre_id}", css="nowrap", width=10),
    Column("unit_name", "单位", width=24),
    Column("level", "职务层次", choices=True, width=10),
)


@router.get("/training")
def training(
    request: Request, session: AnalyseDep, unit: Annotated[str, Query(max_length=20)] = ""
) -> Response:
    dev = data.development(request)
    result = data.analysis(request, "training", training_compliance)
    unit_name, within = unit_filter(dev, unit)
    below = [c for c in result["below_yearly_hours"] if within(c["cadre_id"])]
    regulation = [c for c in result["below_regulation"] if within(c["cadre_id"])]
    offjob = [c for c in result["pool_without_offjob"] if within(c["cadre_id"])]
    by_unit = sorted(result["by_unit"], key=lambda u: (u["compliance"], u["unit_name"]))
    if unit:
        by_unit = [u for u in by_unit if u["unit_name"] == unit_name]
    scope = unit_name or "全区"
    tables = [
        (
            Table(
                "below",
                "近12个月学时不足",
                (
                    *TRAINING_PERSON,
                    Column("hours_12m", "近12个月学时", kind="number", css="num", width=10),
                    Column("short_by", "差额", kind="number", css="num", width=8),
                ),
                below,
                subject="cadre_id",
                empty=f"{scope}近12个月学时全部达标。",
                default_sort=("short_by", True),
            ),
            (),
        ),
        (
            Table(
                "regulation",
                "未达5年培训规定",
                (
                    *TRAINING_PERSON,
                    Column("rule", "规定", css="wide", width=30),
                    Column("days_12m", "近12个月天数", kind="number", digits=1, css="num"),
                    Column("hours_12m", "近12个月学时", kind="number", css="num"),
                    Column("days_5y", "近5年天数", kind="number", digits=1, css="num"),
                    Column("hours_5y", "近5年学时", kind="number", css="num"),
                ),
                regulation,
                subject="cadre_id",
                empty=f"{scope}没有未达5年培训规定的干部。",
            ),
            (),
        ),
        (
            Table(
                "offjob",
                "在库干部缺脱产培训",
                (
                    *TRAINING_PERSON,
                    Column("last_offjob_course", "最近一次脱产培训", kind="day", width=14),
                ),
                offjob,
                subject="cadre_id",
                empty=f"{scope}在库干部均有脱产培训。",
            ),
            (),
        ),
        (
            Table(
                "units",
                "各单位培训达标率",
                (
                    Column("unit_name", "单位", css="nowrap", width=24),
                    Column("counted", "纳入统计", kind="number", css="num", width=8),
                    Column("below_yearly_hours", "学时不足", kind="number", css="num", width=8),
                    Column("below_regulation", "未达5年规定", kind="number", css="num", width=10),
                    Column("compliance", "达标率", kind="number", digits=3, css="num", width=8),
                ),
                by_unit,
                empty=f"{scope}没有统计数据。",
            ),
            (),
        ),
    ]
    pages = page_tables(request, tables)
    if isinstance(pages, Response):
        return pages
    shown(request, "analysis:training", [])
    return render(
        request,
        "training.html",
        title="教育培训",
        session=session,
        result=result,
        below=below,
        regulation=regulation,
        offjob=offjob,
        chart_units=by_unit[:20],
        rules=dev.policy.training,
        tables=pages,
        units=unit_choices(dev),
        unit=unit,
        unit_name=unit_name,
    )


# ------------------------------------------------------------------ nine-box


def _box_name(box: list[int]) -> str:
    return f"业绩{LEVELS[box[0]]}·潜力{LEVELS[box[1]]}"


NINEBOX_COLUMNS = (
    Column("name", "姓名", link="/cadres/{cadre_id}", css="nowrap", width=10),
    Column("unit_name", "单位", width=24),
    Column("age", "年龄", kind="number", digits=1, css="num", width=6),
    Column("box_name", "格子", choices=True, css="nowrap", width=14),
    Column("performance", "考核业绩", kind="number", digits=3, css="num", width=8),
    Column("potential", "发展潜力", kind="number", digits=3, css="num", width=8),
)


@router.get("/ninebox")
def ninebox(
    request: Request, session: AnalyseDep, unit: Annotated[str, Query(max_length=20)] = ""
) -> Response:
    dev = data.development(request)
    unit_filter(dev, unit)
    options = {"unit_id": unit} if unit else {}
    result = data.analysis(request, "ninebox", nine_box, **options)
    # Rows from high performance to low, columns from low potential to high.
    grid = [[result["boxes"][p * 3 + q] for q in range(3)] for p in (2, 1, 0)]
    people = [{**p, "box_name": _box_name(p["box"])} for p in result["people"]]
    table = Table(
        "people",
        f"九宫格（{result['scope']}）",
        NINEBOX_COLUMNS,
        people,
        subject="cadre_id",
        empty=f"{result['scope']}没有可以放入九宫格的在职干部。",
        default_sort=("performance", True),
    )
    pages = page_tables(request, [(table, ())])
    if isinstance(pages, Response):
        return pages
    shown(request, "analysis:ninebox", [p["cadre_id"] for p in result["people"]])
    return render(
        request,
        "ninebox.html",
        title="九宫格",
        session=session,
        result=result,
        grid=grid,
        table=pages["people"],
        levels=LEVELS,
        performance_cuts=PERFORMANCE_CUTS,
        potential_cuts=POTENTIAL_CUTS,
        units=unit_choices(dev),
        unit=unit,
    )
