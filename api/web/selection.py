"""空缺岗位 → 候选人, the rule-by-rule check, 对比 (side by side) and 整体方案 (a round)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Annotated, Any
from urllib.parse import quote, urlencode

import pyarrow.compute as pc
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup

from api.web import charts, data
from api.web.deps import PageError, allowed, shown
from api.web.formats import day_text, month_text
from api.web.people import find_people
from api.web.render import render
from api.web.tables import Column, Table
from graphsvc.access import Principal, Session
from queries.selection.candidates import SelectionContext, explain
from queries.selection.check import NotFound, check_appointment
from queries.selection.rules import BY_NAME

router = APIRouter()

# The rules by their Chinese names, as their units call them.
RULE_NAMES = {name: unit.title for name, unit in BY_NAME.items()}

SelectDep = Annotated[Session, Depends(allowed("select"))]
VERDICTS = {
    "eligible": "符合任职资格",
    "eligible_with_warnings": "符合（有提示）",
    "not_eligible": "不符合",
}
RULE_STATUS = {"pass": "符合", "warn": "提示", "fail": "不符合"}
OWN_UNIT = {"allow": "不限", "exclude": "不在本单位任职", "prefer": "优先本单位"}
COMPARE_TEXT = "请勾选2至4名候选人再对比（现在勾选了{n}名）。"


def rule_name(rule: str) -> str:
    """A rule's name in Chinese (a rule this page does not know yet: a plain word, not code)."""
    return RULE_NAMES.get(rule, "其他任职条件")


def _post(context: SelectionContext, post_id: str) -> dict[str, Any]:
    post = context.posts.get(post_id)
    if post is None:
        raise PageError(404, f"没有编号为 {post_id} 的岗位。")
    return post


def _no_kinship(
    conflicts: Sequence[Mapping[str, Any]], principal: Principal
) -> list[dict[str, Any]]:
    # As the API: the chain behind a conflict may name relatives.
    if principal.can("see_kinship"):
        return [dict(c) for c in conflicts]
    return [{k: v for k, v in c.items() if k not in {"chain", "relative_id"}} for c in conflicts]


def _age(birth: Any, day: date) -> int | None:
    if not isinstance(birth, date):
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _leadership_text(leader: Any) -> str:
    """The typed answer's ``leader`` (when the ranking gives it) as a committee reads it."""
    if isinstance(leader, str):
        return leader
    if isinstance(leader, Mapping):
        post, years = leader.get("post") or leader.get("post_name"), leader.get("years")
        level = leader.get("level") or ""
        if post or years is not None:
            return f"{level}{post or '领导职务'}" + (f" {float(years):.1f}年" if years else "")
        return "无领导职务经历"
    if leader is False or leader is None:
        return "无领导职务经历"
    return str(leader)


def person_facts(
    context: SelectionContext, cadre_id: str, given: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """What a committee reads first about a candidate: current post, 职级, age and
    leadership experience. The ranking's own keys (``current_post``, ``rank``, ``age``,
    ``leader``) win when the answer carries them; otherwise they are read from the record."""
    given = given or {}
    record = context.records[cadre_id]
    day = context.as_of
    current = record.current_tenures(day)
    led: dict[str, float] = {}
    for tenure in record.tenures:
        if tenure.post.get("leadership"):
            level = str(tenure.post.get("level") or "")
            end = min(tenure.end or day, day)
            led[level] = led.get(level, 0.0) + max((end - tenure.start).days, 0) / 365.25
    leading = [t for t in current if t.post.get("leadership")]
    if isinstance(given.get("leader"), str | Mapping):  # a bool says less than the record
        leader = _leadership_text(given["leader"])
    elif leading:
        held = leading[0]
        years = max((day - held.start).days, 0) / 365.25
        leader = f"现任{held.post.get('level') or ''}领导职务 {years:.1f}年"
    elif led:
        leader = "曾任" + "、".join(f"{lv}领导职务{y:.1f}年" for lv, y in sorted(led.items()))
    else:
        leader = "无领导职务经历"
    posts = "、".join(post_title(context, t.post) for t in current)
    cadre = record.cadre
    # ``rank`` in a candidate row is the place in the ranking (a number); a 职级 is a word.
    rank = given.get("rank") if isinstance(given.get("rank"), str) else None
    return {
        "current_post": given.get("current_post") or posts or cadre.get("title") or None,
        "rank": rank or cadre.get("rank") or cadre.get("level"),
        "age": given["age"] if given.get("age") is not None else _age(cadre.get("birth"), day),
        "leader": leader,
        "led_years": round(sum(led.values()), 1),
        "birth": cadre.get("birth"),
    }


def post_title(context: SelectionContext, post: Mapping[str, Any]) -> str:
    """A post with its unit, as a committee says it (the unit once: 兴口镇财政所所长)."""
    name = str(post.get("name") or post.get("id") or "")
    unit = context.units.name(post.get("unit_id")) if post.get("unit_id") else ""
    return name if not unit or name.startswith(unit) else f"{unit}{name}"


def _vacancy_rows(request: Request, context: SelectionContext) -> list[dict[str, Any]]:
    rows = []
    for post_id in data.vacancies(request, context):
        post = context.posts[post_id]
        unit_id = str(post.get("unit_id") or "")
        rows.append(
            {
                "post_id": post_id,
                "name": post.get("name"),
                "level": post.get("level") or "未定",
                "unit_id": unit_id,
                "unit_name": context.units.name(unit_id),
                "within": {unit_id, *context.units.ancestors(unit_id)},
            }
        )
    return rows


def _candidates_link(row: Mapping[str, Any]) -> Markup:
    return Markup('<a class="vacancy" href="/vacancies/{}">候选人 →</a>').format(row["post_id"])


VACANCY_COLUMNS = (
    Column("name", "岗位", link="/vacancies/{post_id}", width=24),
    Column("unit_name", "单位", width=24),
    Column("level", "职务层次", choices=True, css="nowrap", width=10),
    Column("post_id", "岗位编号", css="nowrap", width=10),
    Column("go", "", sortable=False, export=False, cell=_candidates_link, css="nowrap"),
)


@router.get("/vacancies")
def vacancies(
    request: Request,
    session: SelectDep,
    unit: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    context = data.selection(request)
    rows = data.cached(
        request, ("web-vacancy-rows", context.as_of), lambda: _vacancy_rows(request, context)
    )
    units = sorted({(r["unit_id"], r["unit_name"]) for r in rows}, key=lambda u: u[0])
    if unit and unit not in context.units.units:
        raise PageError(404, f"没有编号为 {unit} 的单位。")
    chosen = [r for r in rows if not unit or unit in r["within"]]
    table = Table(
        "v",
        "空缺岗位",
        VACANCY_COLUMNS,
        chosen,
        empty="没有符合条件的空缺岗位。",
        notes=[f"单位：{context.units.name(unit)}（含下级单位）" if unit else "全部单位"],
    )
    if (download := table.download(request)) is not None:
        return download
    shown(request, "page:vacancies")
    return render(
        request,
        "vacancies.html",
        title="空缺岗位",
        session=session,
        table=table.view(request),
        total=len(rows),
        units=units,
        unit=unit or "",
    )


def _pick(ticked: set[str]) -> Any:
    def cell(row: Mapping[str, Any]) -> Markup:
        return Markup(
            '<input type="checkbox" name="ids" value="{0}" form="compare-form"'
            ' aria-label="选择{1}"{2}>'
        ).format(
            row["cadre_id"], row["name"], Markup(" checked") if row["cadre_id"] in ticked else ""
        )

    return cell


def _name_cell(row: Mapping[str, Any]) -> Markup:
    return Markup('<a href="/cadres/{0}">{1}</a><br><small>{2} · {3}</small>').format(
        row["cadre_id"], row["name"], month_text(row.get("birth")), row["cadre_id"]
    )


def _parts_cell(weights: dict[str, float]) -> Any:
    return lambda row: charts.parts_bars(row["parts"], weights)


def _check_link(post_id: str) -> Any:
    return lambda row: Markup('<a href="/check?cadre_id={0}&amp;post_id={1}">逐条审查</a>').format(
        row["cadre_id"], post_id
    )


def candidate_columns(
    weights: dict[str, float], post_id: str, ticked: set[str]
) -> tuple[Column, ...]:
    return (
        Column("pick", "对比", sortable=False, export=False, cell=_pick(ticked), css="no-print"),
        Column("place", "排名", kind="number", css="num", width=6),
        Column("name", "姓名", cell=_name_cell, css="nowrap", width=10),
        Column("current_post", "现任职务", width=28, css="w8"),
        Column("rank_title", "职级", choices=True, css="nowrap", width=14),
        Column("age", "年龄", kind="number", css="num", width=6),
        Column("leader", "领导职务经历", width=22, css="w6"),
        Column("score", "总分", kind="number", digits=3, css="num", width=8),
        Column(
            "parts", "得分构成", sortable=False, export=False, cell=_parts_cell(weights),
            css="parts no-print",
        ),
        Column("reasons", "推荐理由", kind="list", width=40, css="wide"),
        Column("warnings", "提示", kind="list", width=30, css="wide"),
        Column("check", "", sortable=False, export=False, cell=_check_link(post_id),
               css="nowrap no-print"),
    )  # fmt: skip


def excluded_columns(post_id: str) -> tuple[Column, ...]:
    return (
        Column("name", "姓名", link="/cadres/{cadre_id}", css="nowrap", width=10),
        Column("current_post", "现任职务", width=28, css="w8"),
        Column("age", "年龄", kind="number", css="num", width=6),
        Column("why", "未列入原因", kind="list", width=50, css="wide"),
        Column("check", "", sortable=False, export=False, cell=_check_link(post_id),
               css="nowrap no-print"),
    )  # fmt: skip


def _candidate_row(context: SelectionContext, row: Mapping[str, Any]) -> dict[str, Any]:
    """A candidate as the table shows it. The place in the ranking is ``place`` (or, in the
    older answer, a numeric ``rank``); flags (a pending exit review ...) lead the warnings."""
    facts = person_facts(context, row["cadre_id"], row)
    place = row.get("place", row.get("rank") if isinstance(row.get("rank"), int) else None)
    return {
        **row,
        **facts,
        "place": place,
        "rank_title": facts["rank"],
        "warnings": [*row.get("flags", []), *row.get("warnings", [])],
    }


@router.get("/vacancies/{post_id}")
def vacancy(
    request: Request,
    session: SelectDep,
    post_id: str,
    picked: Annotated[list[str] | None, Query()] = None,
    too_few: Annotated[int | None, Query(ge=0, le=100)] = None,
) -> Response:
    context = data.selection(request)
    post = _post(context, post_id)
    reveal = session.principal.can("see_supervision")
    result = data.candidates(request, post_id, None, reveal_supervision=reveal)
    weights = context.policy.scoring.weights.model_dump()
    ticked = set(picked or [])
    # The rows with what a committee reads first, made once per post, day and graph version.
    candidate_rows, excluded_rows = data.cached(
        request,
        ("web-candidates", post_id, context.as_of),
        lambda: (
            [_candidate_row(context, c) for c in result["candidates"]],
            [{**e, **person_facts(context, e["cadre_id"])} for e in result["excluded"]],
        ),
    )
    candidates = Table(
        "c",
        f"{post_title(context, post)}候选人",
        candidate_columns(weights, post_id, ticked),
        candidate_rows,
        subject="cadre_id",
        page_size=20,
        css="candidates",
        empty="没有符合任职资格且无回避情形的候选人。",
        notes=[f"审查日 {day_text(result['as_of'])} · 符合条件 {result['eligible']} 人"],
    )
    excluded = Table(
        "x",
        f"{post_title(context, post)}未列入的干部",
        excluded_columns(post_id),
        excluded_rows,
        subject="cadre_id",
        page_size=20,
        empty="没有未列入的干部。",
    )
    for table in (candidates, excluded):
        if (download := table.download(request)) is not None:
            return download
    shown(request, "page:candidates")
    return render(
        request,
        "vacancy.html",
        title=f"{post.get('name')} · 候选人",
        session=session,
        post=post,
        result=result,
        candidates=candidates.view(request),
        excluded=excluded.view(request),
        verdicts=VERDICTS,
        vacant=not context.holders.get(post_id),
        compare_text=COMPARE_TEXT,
        too_few=too_few,
    )


def _namesakes(request: Request, q: str) -> list[dict[str, Any]]:
    """Cadres a name (or an id) in the 审查 box may mean: the id itself, else by name."""
    people = find_people(request, "")
    by_id = people.filter(pc.equal(people.column("id"), q))
    if by_id.num_rows:
        found: list[dict[str, Any]] = by_id.to_pylist()
        return found
    named = people.filter(pc.equal(people.column("name"), q))
    if not named.num_rows:
        named = find_people(request, q)
    return [r for r in named.to_pylist() if r.get("status") in (None, "在职")]


@router.get("/check")
def check(
    request: Request,
    session: SelectDep,
    cadre_id: Annotated[str, Query(max_length=50)] = "",
    post_id: Annotated[str, Query(max_length=50)] = "",
    q: Annotated[str, Query(max_length=50)] = "",
) -> Response:
    q = q.strip()
    if q and not cadre_id:
        if not post_id:
            raise PageError(400, "请先选定岗位，再输入要审查的干部。")
        context = data.selection(request)
        post = _post(context, post_id)
        matches = _namesakes(request, q)
        if len(matches) == 1:
            cadre_id = str(matches[0]["id"])
        else:
            shown(request, "check_appointment:choose", [str(m["id"]) for m in matches])
            return render(
                request,
                "check_choose.html",
                title="任职资格审查 · 选择干部",
                session=session,
                q=q,
                post=post,
                unit_name=context.units.name(post.get("unit_id")),
                matches=matches[:200],
                more=max(len(matches) - 200, 0),
            )
    if not cadre_id or not post_id:
        raise PageError(400, "请同时给出干部（姓名或编号）和岗位。")
    shown(request, "check_appointment", [cadre_id])
    try:
        result = check_appointment(
            store=data.store(request),
            cadre_id=cadre_id,
            post_id=post_id,
            policy=request.app.state.policy,
            as_of=date.today(),
            reveal_supervision=session.principal.can("see_supervision"),
        )
    except NotFound:
        raise PageError(404, f"找不到干部 {cadre_id} 或岗位 {post_id}。") from None
    conflicts = _no_kinship(result["conflicts"], session.principal)
    shown(request, "check_appointment", [c.get("relative_id") for c in conflicts])
    context = data.selection(request)
    facts = person_facts(context, cadre_id) if cadre_id in context.records else None
    return render(
        request,
        "check.html",
        title=f"任职资格审查 · {result['cadre_name']}",
        session=session,
        result=result,
        facts=facts,
        conflicts=conflicts,
        verdicts=VERDICTS,
        rule_status=RULE_STATUS,
        rule_name=rule_name,
    )


@router.get("/compare")
def compare(
    request: Request,
    session: SelectDep,
    ids: Annotated[list[str] | None, Query()] = None,
    post_id: Annotated[str | None, Query(max_length=50)] = None,
) -> Response:
    chosen = list(dict.fromkeys(ids or []))
    if not 2 <= len(chosen) <= 4:
        if post_id:  # back to the candidates, with the message and the ticks kept
            query = urlencode([("too_few", len(chosen)), *(("picked", c) for c in chosen)])
            return RedirectResponse(f"/vacancies/{quote(post_id)}?{query}#c", status_code=303)
        raise PageError(400, COMPARE_TEXT.format(n=len(chosen)))
    context = data.selection(request)
    missing = [c for c in chosen if c not in context.records]
    if missing:
        raise PageError(404, f"找不到在职干部：{'、'.join(missing)}。")
    post = _post(context, post_id) if post_id else None
    weights = context.policy.scoring.weights.model_dump()
    today = context.as_of
    people = []
    reveal = session.principal.can("see_supervision")
    arrays = context.arrays
    rule_lines: dict[str, dict[str, Any]] = {}
    for cadre_id in chosen:
        record = context.records[cadre_id]
        score = explain(context, post_id, cadre_id, reveal_supervision=reveal) if post_id else None
        grades = {year: record.annual_grades[year] for year in sorted(record.annual_grades)[-5:]}
        recent = [c for c in record.courses if (today - c.start).days < 365 * 5]
        verdict = context.verdict(cadre_id, post["id"]) if post is not None else None
        if verdict is not None:
            verdict = verdict if reveal else verdict.masked()
            for rule in verdict.rules:
                rule_lines.setdefault(rule.rule, {})[cadre_id] = rule
        people.append(
            {
                "cadre_id": cadre_id,
                "cadre": record.cadre,
                "facts": person_facts(context, cadre_id),
                "score": score,
                "verdict": verdict.status if verdict is not None else None,
                "grassroots": float(arrays.grassroots[arrays.index[cadre_id]]),
                "grades": grades,
                "stars": record.stars[-4:],
                "hours_5y": sum(c.hours for c in recent),
                "projects": record.projects,
                "timeline": [
                    (f"{t.post.get('name', t.post_id)}", t.start, t.end)
                    for t in sorted(record.tenures, key=lambda t: t.start)
                ],
                "in_pool": record.in_pool,
            }
        )
    shown(request, "page:compare", chosen)
    return render(
        request,
        "compare.html",
        title="候选人对比",
        session=session,
        post=post,
        unit_name=context.units.name(post.get("unit_id")) if post else "",
        people=people,
        rules=[(rule_name(rule), by_person) for rule, by_person in rule_lines.items()],
        rule_status=RULE_STATUS,
        weights=weights,
        today=today,
        verdicts=VERDICTS,
    )
