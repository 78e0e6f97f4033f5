"""首页: this year's targets with their figures, and what needs attention."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from api.web import data
from api.web.deps import allowed, shown
from api.web.render import render
from api.web.selection import post_title
from api.web.tables import Column, Table
from graphsvc.access import Session
from queries.development.mentoring import coverage
from queries.development.pool import pool_review
from queries.development.targets import target_figures
from queries.development.teams import team_structure
from queries.development.training import training_compliance
from queries.selection.check import current_conflicts

router = APIRouter()

RETIRING_YEARS = 3
# Where each role starts: (who, what they do here, the pages in the order of the work,
# the permission that makes it "your role").
STARTS = (
    (
        "评审委员会",
        "为空缺岗位比较人选、逐条审查，整体配备后带着会议材料上会。",
        (
            ("/vacancies", "空缺岗位 → 候选人"),
            ("/vacancies", "勾选2至4人对比，逐条审查任职资格"),
            ("/round", "整体方案：一次配齐多个岗位，可换人"),
            ("/round/plans", "保存方案，下载建议名单和任免审批表"),
        ),
        "select",
    ),
    (
        "干部科（分析员）",
        "掌握队伍结构，做导师结对、年轻干部库进出和培训督促。",
        (
            ("/teams", "班子结构：哪些班子要优先调整"),
            ("/pool", "年轻干部库：入库人选和应复核出库"),
            ("/mentoring", "导师帮带：无导师的干部和建议结对"),
            ("/training", "教育培训：学时不足的干部"),
        ),
        "analyse",
    ),
    (
        "查阅档案",
        "在顶部搜索框输入姓名、职务或单位，找到干部后查看档案和关系网络。",
        (("/cadres", "干部档案：按姓名、职务或单位查找"),),
        "read",
    ),
)


@router.get("/")
def overview(request: Request, session: Annotated[Session, Depends(allowed("read"))]) -> Response:
    principal = session.principal
    mine = "analyse" if principal.role == "analyst" else "select"
    starts = [
        {"who": who, "what": what, "steps": steps, "mine": permission == mine}
        for who, what, steps, permission in STARTS
        if principal.can(permission)
    ]
    context: dict[str, Any] = {
        "vacancies": None,
        "development": None,
        "conflicts": None,
        "starts": starts,
    }
    people: list[str | None] = []
    if principal.can("select"):
        selection = data.selection(request)
        vacant = data.vacancies(request, selection)
        by_level: dict[str, int] = {}
        for post_id in vacant:
            level = str(selection.posts[post_id].get("level") or "未定")
            by_level[level] = by_level.get(level, 0) + 1
        context["vacancies"] = {"count": len(vacant), "by_level": sorted(by_level.items())}
        context["conflicts"] = conflicts = conflict_rows(request)
        people += [c["cadre_id"] for c in conflicts[:6]]
    if principal.can("analyse"):
        year = date.today().year
        targets = data.analysis(request, "targets", target_figures)
        this_year = next((y for y in targets["years"] if y["year"] == year), targets["years"][-1])
        training = data.analysis(request, "training", training_compliance)
        mentoring = data.analysis(request, "mentoring", coverage)
        teams = data.analysis(request, "teams", team_structure)
        pool = data.analysis(request, "pool", pool_review)
        retiring = retiring_rows(request)
        ageing = [t for t in teams["teams"] if "ageing" in t["flags"]]
        counted = training["counted"] or 1
        context["development"] = {
            "year": this_year,
            "targets": targets["targets"],
            "training_share": 1 - len(training["below_yearly_hours"]) / counted,
            "training_target": training["yearly_hours_target"],
            "mentoring": mentoring,
            "ageing": ageing,
            "retiring": retiring,
            "over_capacity": mentoring["over_capacity"],
            "departed": mentoring["departed"],
            "exits": pool["exit_review"],
        }
        people += [str(p["cadre_id"]) for p in retiring[:6]]
        people += [p["cadre_id"] for p in pool["exit_review"][:6]]
        people += [m["mentor_id"] for m in mentoring["over_capacity"] + mentoring["departed"]]
    shown(request, "page:overview", people)
    return render(request, "overview.html", title="首页", session=session, **context)


def conflict_rows(request: Request) -> list[dict[str, Any]]:
    """Avoidance conflicts that exist now, each with the cadre's name (cached per day)."""
    selection = data.selection(request)
    day = date.today()
    graph, policy = data.store(request), request.app.state.policy
    conflicts = data.cached(
        request,
        ("conflicts", day),
        lambda: current_conflicts(store=graph, policy=policy, as_of=day),
    )
    names = {
        c["cadre_id"]: selection.records[c["cadre_id"]].cadre.get("name")
        for c in conflicts
        if c["cadre_id"] in selection.records
    }
    return [
        {
            **c,
            "name": names.get(c["cadre_id"]),
            "post": post_title(selection, selection.posts[c["post_id"]])
            if c["post_id"] in selection.posts
            else c["post_id"],
        }
        for c in conflicts
    ]


def retiring_rows(request: Request) -> list[dict[str, Any]]:
    """Team members who reach retirement within ``RETIRING_YEARS`` years, soonest first."""
    teams = data.analysis(request, "teams", team_structure)
    horizon = (date.today() + timedelta(days=365 * RETIRING_YEARS)).isoformat()
    return sorted(
        (
            {**person, "unit_name": team["unit_name"]}
            for team in teams["teams"]
            for person in team["retiring"]
            if str(person["retires"]) <= horizon
        ),
        key=lambda person: str(person["retires"]),
    )


CONFLICT_COLUMNS = (
    Column("name", "姓名", link="/cadres/{cadre_id}", css="nowrap", width=10),
    Column("post", "现任职务", width=30),
    Column("message", "回避情形", width=60, css="wide"),
)


@router.get("/attention/conflicts")
def conflicts_page(
    request: Request, session: Annotated[Session, Depends(allowed("select"))]
) -> Response:
    table = Table(
        "k",
        "现职回避情形",
        CONFLICT_COLUMNS,
        conflict_rows(request),
        subject="cadre_id",
        empty="未发现现职回避情形。",
    )
    note = "在任干部之间现存的任职回避情形（亲属在同一班子、直接上下级或要害部门）。"
    return _whole_list(request, session, table, "page:conflicts", note)


RETIRING_COLUMNS = (
    Column("name", "姓名", link="/cadres/{cadre_id}", css="nowrap", width=10),
    Column("unit_name", "班子", width=24),
    Column("retires", "到龄退休时间", kind="month", css="nowrap", width=12),
    Column("overdue", "已超期", kind="bool", choices=False, width=8),
)


@router.get("/attention/retiring")
def retiring_page(
    request: Request, session: Annotated[Session, Depends(allowed("analyse"))]
) -> Response:
    table = Table(
        "t",
        f"{RETIRING_YEARS}年内到龄退休的班子成员",
        RETIRING_COLUMNS,
        retiring_rows(request),
        subject="cadre_id",
        empty=f"没有{RETIRING_YEARS}年内到龄退休的班子成员。",
    )
    note = "按法定退休年龄（2025年起渐进式延迟退休）计算，最早到龄的在前。"
    return _whole_list(request, session, table, "page:retiring", note)


def _whole_list(
    request: Request, session: Session, table: Table, action: str, note: str
) -> Response:
    """A home card's whole list: the table (or its export) and a line on what it lists."""
    if (download := table.download(request)) is not None:
        return download
    shown(request, action)
    view = table.view(request)
    return render(
        request, "attention.html", title=table.title, session=session, table=view, note=note
    )
