"""Rendering pages: one Jinja2 environment, the navigation a role may use, number formats."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from api.web import charts
from api.web.formats import day_text, moment_text, month_text
from graphsvc.access import Session

__all__ = ["NAVIGATION", "ROLE_NAMES", "render"]

TEMPLATES = Path(__file__).parent / "templates"

ROLE_NAMES = {"viewer": "评审委员", "analyst": "分析员", "editor": "编辑", "admin": "管理员"}

# (path, title, permissions any of which shows the link)
NAVIGATION: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("/", "首页", ("read",)),
    ("/vacancies", "空缺岗位", ("select",)),
    ("/round", "整体方案", ("select",)),
    ("/cadres", "干部档案", ("read",)),
    ("/mentoring", "导师帮带", ("analyse", "write")),
    ("/teams", "班子结构", ("analyse",)),
    ("/pool", "年轻干部库", ("analyse", "write")),
    ("/training", "教育培训", ("analyse",)),
    ("/ninebox", "九宫格", ("analyse",)),
    ("/network", "协作网络", ("analyse",)),
    ("/pipeline", "梯队研判", ("analyse",)),
    ("/proposals", "在办任免", ("read",)),
    ("/imports", "导入", ("write",)),
    ("/audit", "审计日志", ("audit",)),
)


def _pct(value: float | None, digits: int = 0) -> str:
    return "—" if value is None else f"{value:.{digits}%}"


def _num(value: float | None, digits: int = 0) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _text(value: Any) -> str:
    return "—" if value is None or value == "" else str(value)


_ISO_DAY = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def _dotted(text: Any) -> str:
    """Free text (a reason, a message) with its ISO days written as 1998.03.12."""
    return _ISO_DAY.sub(r"\1.\2.\3", str(text))


def _series(rows: list[dict[str, Any]], label: str, value: str) -> list[tuple[str, float]]:
    """Rows as (label, value) pairs for a chart."""
    return [(str(row[label]), float(row[value] or 0)) for row in rows]


_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,  # a missing value is a bug, not an empty cell
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters.update(
    pct=_pct,
    num=_num,
    text=_text,
    series=_series,
    dotted=_dotted,
    ym=month_text,
    ymd=day_text,
    when=moment_text,
)
_env.globals.update(charts=charts, PART_NAMES=charts.PART_NAMES, ROLE_NAMES=ROLE_NAMES)


def render(
    request: Request,
    template: str,
    *,
    title: str,
    session: Session | None = None,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    """The page ``template`` with the layout's navigation for ``session``'s role."""
    navigation = [
        (path, name)
        for path, name, permissions in NAVIGATION
        if session and any(session.principal.can(p) for p in permissions)
    ]
    html = _env.get_template(template).render(
        request=request,
        title=title,
        session=session,
        navigation=navigation,
        can_search=bool(session and session.principal.can("read")),
        current=request.url.path,
        **context,
    )
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})
