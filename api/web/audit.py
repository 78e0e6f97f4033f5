"""审计日志 (admins): who read or changed whose record, when and from where; filtered by person,
user and day. The entries are those of ``graphsvc audit`` and ``GET /api/v1/audit``, read through
the access file's own query (``AccessStore.query_audit``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Annotated, Any
from urllib.parse import unquote_plus

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from markupsafe import Markup

from api.web import data
from api.web.deps import allowed, shown
from api.web.development import form_day
from api.web.render import ROLE_NAMES, render
from api.web.tables import Column, Table
from graphsvc.access import AccessStore, Session
from queries.analyses import ANALYSES

__all__ = ["ACTION_NAMES", "router"]

router = APIRouter()

AuditDep = Annotated[Session, Depends(allowed("audit"))]
BEIJING = timezone(timedelta(hours=8), "北京时间")  # the log keeps UTC; the page shows this
_MAX_ENTRIES = 100_000  # one day (or one person, one user) is far less; said if reached

# What the actions are called on the page (others are shown as they are logged).
ACTION_NAMES = {
    "read_record": "查阅档案",
    "read_network": "查看关系网络",
    "read_team": "查看领导班子",
    "read_form": "导出任免审批表",
    "search_records": "查询干部",
    "rank_candidates": "查看候选人",
    "check_appointment": "逐条审查",
    "selection_round": "整体方案",
    "export_round": "下载整体方案",
    "export_table": "导出表格",
    "avoidance_conflicts": "查看回避情形",
    "pair_mentor": "导师结对",
    "end_pairing": "结束导师结对",
    "undo_pairing": "撤销导师结对",
    "confirm_pairing": "确认导师结对（未保存）",
    "change_pairing_form": "打开结束或撤销结对",
    "enter_pool": "登记入库",
    "leave_pool": "登记出库",
    "enter_pool_form": "打开入库登记",
    "exit_pool_form": "打开出库登记",
    "record_assessment": "登记考核",
    "write_records": "修改记录",
    "load_file": "导入文件",
    "upload_forms": "导入任免审批表",
    "sign_in": "登录",
    "sign_in_form": "打开登录页",
    "sign_out": "退出",
    "password_form": "打开修改密码",
    "change_password": "修改密码",
    "read_audit": "查阅审计日志",
    "analysis:ninebox": "分析：九宫格",
    "page": "打开页面",
}


def action_name(action: str) -> str:
    """The action as the page names it (an analysis by its Chinese title)."""
    if action in ACTION_NAMES:
        return ACTION_NAMES[action]
    kind, _, name = action.partition(":")
    if kind == "analysis" and name in ANALYSES:
        return f"分析：{ANALYSES[name].title}"
    if kind == "page":
        return f"打开页面：{name}"
    return action


def _local(at: str) -> datetime:
    moment = datetime.fromisoformat(at)
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(BEIJING)


PEOPLE_SHOWN = 8  # names a row shows (with how many in all); the person filter finds the rest


def _people_cell(row: Mapping[str, Any]) -> Markup:
    if not row["people"]:
        return Markup("—")
    links = Markup("、").join(
        Markup('<a href="/cadres/{}">{}</a>').format(cadre_id, name)
        for cadre_id, name in row["people"]
    )
    more = row["count"] - len(row["people"])
    return links + (Markup("等{}人").format(row["count"]) if more > 0 else Markup(""))


COLUMNS = (
    Column("time", "时间（北京时间）", css="nowrap", width=20),
    Column("who", "用户", choices=True, css="nowrap", width=12),
    Column("role_name", "角色", choices=True, width=10),
    Column("action_name", "操作", choices=True, css="nowrap", width=20),
    Column("people_text", "涉及人员", cell=_people_cell, css="wide", width=40),
    Column("count", "人数", kind="number", css="num", width=6),
    Column("request", "请求", width=40),
    Column("status", "结果", kind="number", css="num", width=6),
    Column("client", "来源", css="nowrap", width=18),
)


@router.get("/audit")
def audit_page(
    request: Request,
    session: AuditDep,
    person: Annotated[str, Query(max_length=50)] = "",
    user: Annotated[str, Query(max_length=100)] = "",
    day: Annotated[str, Query(max_length=10)] = "",
) -> Response:
    person, user, day = person.strip(), user.strip(), day.strip()
    if not (person or user or day):
        # A whole log at once is not a page: today's first (today in Beijing, as shown).
        day = datetime.now(BEIJING).date().isoformat()
    on = form_day(day, "日期") if day else None
    directory = data.directory(request)
    names = {c["id"]: str(c.get("name") or c["id"]) for c in directory.cadres}
    # A person by id, or by name (namesakes are offered to choose from).
    namesakes = (
        []
        if not person or person in names
        else sorted(cadre_id for cadre_id, name in names.items() if name == person)
    )
    subject: str | None = None
    if person in names:
        subject = person
    elif len(namesakes) == 1:
        subject = namesakes[0]
    since = until = None
    if on is not None:
        start = datetime(on.year, on.month, on.day, tzinfo=BEIJING).astimezone(UTC)
        since, until = start.isoformat(), (start + timedelta(days=1)).isoformat()
    access: AccessStore = request.app.state.access
    entries: list[dict[str, Any]] = []
    total = 0
    unknown = bool(person) and person not in names and not namesakes
    if unknown and person.isascii():  # an id no longer in the graph is still in the log
        subject, unknown = person, False
    if not person or subject is not None:  # a name nobody has: no entries, said on the page
        entries, total = access.query_audit(
            subject=subject, who=user or None, since=since, until=until, limit=_MAX_ENTRIES
        )
    rows = []
    for entry in entries:
        first: dict[str, None] = {}
        for subject in entry["subjects"]:  # the first few people, without a repeat
            if len(first) == PEOPLE_SHOWN:
                break
            first.setdefault(subject)
        count = len(set(entry["subjects"]))
        people = [(s, names.get(s, s)) for s in first]
        more = count - len(people)
        rows.append(
            {
                **entry,
                "time": _local(entry["at"]).strftime("%Y.%m.%d %H:%M:%S"),
                "role_name": ROLE_NAMES.get(entry["role"] or "", entry["role"] or "—"),
                "action_name": action_name(entry["action"]),
                "people": people,
                "people_text": "、".join(name for _, name in people)
                + (f"等{count}人" if more > 0 else ""),
                "count": count,
                "request": f"{entry['method']} {entry['path']}"
                + (f"?{unquote_plus(entry['query'])}" if entry["query"] else ""),
            }
        )
    scope = "，".join(
        part
        for part in (
            f"日期 {on:%Y.%m.%d}" if on else "",
            f"人员 {names.get(subject or '', person)}" if person else "",
            f"用户 {user}" if user else "",
        )
        if part
    )
    table = Table(
        "log",
        "审计日志",
        COLUMNS,
        rows,
        empty=f"没有符合条件的审计记录（{scope}）。",
        notes=[f"筛选：{scope}", "时间为北京时间（日志中以协调世界时保存）"],
    )
    if (download := table.download(request)) is not None:  # names the people it writes
        shown(request, None, [s for row in rows for s, _ in row["people"]])
        return download
    view = table.view(request)
    shown(request, "read_audit", [s for row in view.rows for s, _ in row["people"]])
    users = sorted(
        {u["name"] for u in access.list_users()} | {t["name"] for t in access.list_tokens()}
    )
    return render(
        request,
        "audit.html",
        title="审计日志",
        session=session,
        log=view,
        person=person,
        user=user,
        day=on.isoformat() if on else "",
        namesakes=[(c, names[c], directory.unit_of.get(c)) for c in namesakes],
        unit_names={u: str(v.get("name") or u) for u, v in directory.units.items()},
        total=total,
        capped=total > len(entries),
        unknown_person=unknown,
        users=users,
    )
