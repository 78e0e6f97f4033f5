"""空缺岗位 → 候选人, the rule-by-rule check, 对比 (side by side) and 整体方案 (a round)."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from api.web import data
from api.web.deps import PageError, allowed, shown
from api.web.render import render
from graphsvc.access import Principal, Session
from queries.reports.document import write_report
from queries.reports.selection import round_report
from queries.selection.assignment import InfeasibleRound
from queries.selection.candidates import SelectionContext, explain, person
from queries.selection.check import NotFound, check_appointment
from queries.selection.results import RoundResult
from queries.selection.round import run_round
from queries.selection.rules import BY_NAME

# The rules by their Chinese names, as their units call them.
RULE_NAMES = {name: unit.title for name, unit in BY_NAME.items()}

router = APIRouter()

SelectDep = Annotated[Session, Depends(allowed("select"))]
VERDICTS = {
    "eligible": "符合任职资格",
    "eligible_with_warnings": "符合（有提示）",
    "not_eligible": "不符合",
}
RULE_STATUS = {"pass": "符合", "warn": "提示", "fail": "不符合"}
OWN_UNIT = {"allow": "不限", "exclude": "不在本单位任职", "prefer": "优先本单位"}


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


@router.get("/vacancies")
def vacancies(
    request: Request,
    session: SelectDep,
    unit: Annotated[str | None, Query()] = None,
    level: Annotated[str | None, Query()] = None,
) -> Response:
    context = data.selection(request)
    rows: list[dict[str, Any]] = []
    for post_id in context.vacancies():
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
    units = sorted({(r["unit_id"], r["unit_name"]) for r in rows}, key=lambda u: u[0])
    levels = sorted({r["level"] for r in rows})
    if unit and unit not in context.units.units:
        raise PageError(400, f"没有编号为 {unit} 的单位。")
    if level and level not in levels:
        raise PageError(400, f"没有职务层次为“{level}”的空缺岗位。")
    chosen = [
        r for r in rows if (not unit or unit in r["within"]) and (not level or r["level"] == level)
    ]
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in chosen:
        groups.setdefault(row["unit_name"], []).append(row)
    shown(request, "page:vacancies")
    return render(
        request,
        "vacancies.html",
        title="空缺岗位",
        session=session,
        groups=groups,
        total=len(chosen),
        units=units,
        levels=levels,
        unit=unit or "",
        level=level or "",
    )


@router.get("/vacancies/{post_id}")
def vacancy(request: Request, session: SelectDep, post_id: str) -> Response:
    context = data.selection(request)
    post = _post(context, post_id)
    result = data.candidates(
        request, post_id, 20, reveal_supervision=session.principal.can("see_supervision")
    )
    weights = context.policy.scoring.weights.model_dump()
    excluded = result["excluded"][:40]
    shown(
        request,
        "page:candidates",
        [c["cadre_id"] for c in result["candidates"]] + [e["cadre_id"] for e in excluded],
    )
    return render(
        request,
        "vacancy.html",
        title=f"{post.get('name')} · 候选人",
        session=session,
        post=post,
        result=result,
        excluded=excluded,
        weights=weights,
        verdicts=VERDICTS,
        vacant=not context.holders.get(post_id),
    )


@router.get("/check")
def check(
    request: Request,
    session: SelectDep,
    cadre_id: Annotated[str, Query()] = "",
    post_id: Annotated[str, Query()] = "",
) -> Response:
    if not cadre_id or not post_id:
        raise PageError(400, "请同时给出干部编号和岗位编号。")
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
    return render(
        request,
        "check.html",
        title=f"任职资格审查 · {result['cadre_name']}",
        session=session,
        result=result,
        conflicts=conflicts,
        verdicts=VERDICTS,
        rule_status=RULE_STATUS,
        rule_names=RULE_NAMES,
    )


@router.get("/compare")
def compare(
    request: Request,
    session: SelectDep,
    ids: Annotated[list[str] | None, Query()] = None,
    post_id: Annotated[str | None, Query()] = None,
) -> Response:
    chosen = list(dict.fromkeys(ids or []))
    if not 2 <= len(chosen) <= 4:
        raise PageError(400, f"请选择2至4名干部进行对比（现在选了{len(chosen)}名）。")
    context = data.selection(request)
    missing = [c for c in chosen if c not in context.records]
    if missing:
        raise PageError(404, f"找不到在职干部：{'、'.join(missing)}。")
    post = _post(context, post_id) if post_id else None
    weights = context.policy.scoring.weights.model_dump()
    today = date.today()
    people = []
    reveal = session.principal.can("see_supervision")
    arrays = context.arrays
    for cadre_id in chosen:
        record = context.records[cadre_id]
        score = explain(context, post_id, cadre_id, reveal_supervision=reveal) if post_id else None
        grades = {year: record.annual_grades[year] for year in sorted(record.annual_grades)[-5:]}
        recent = [c for c in record.courses if (today - c.start).days < 365 * 5]
        people.append(
            {
                "cadre_id": cadre_id,
                "cadre": record.cadre,
                "score": score,
                "grassroots": float(arrays.grassroots[arrays.index[cadre_id]]),
                "person": person(context, cadre_id),
                "grades": grades,
                "stars": record.stars[-4:],
                "hours_5y": sum(c.hours for c in recent),
                "projects": record.projects,
                "timeline": [
                    (
                        f"{t.post.get('name', t.post_id)}",
                        t.start,
                        t.end,
                    )
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
        people=people,
        weights=weights,
        today=today,
        verdicts=VERDICTS,
    )


def _round_options(
    context: SelectionContext,
    posts: list[str] | None,
    must: list[str] | None,
    young: str | None,
    own_unit: str,
) -> tuple[list[str], list[str], float, Literal["allow", "exclude", "prefer"]]:
    post_ids = list(dict.fromkeys(posts or []))
    must_fill = list(dict.fromkeys(must or []))
    unknown = [p for p in post_ids + must_fill if p not in context.posts]
    if unknown:
        raise PageError(404, f"没有这些岗位：{'、'.join(unknown)}。")
    try:
        share = float(young) / 100 if young not in (None, "") else 0.0
    except ValueError:
        raise PageError(400, f"35岁以下占比应为0到100之间的数字，而不是“{young}”。") from None
    if not 0 <= share <= 1:
        raise PageError(400, "35岁以下占比应在0到100之间。")
    if own_unit not in OWN_UNIT:
        raise PageError(400, "本单位规则只能是不限、不在本单位任职或优先本单位。")
    stray = [p for p in must_fill if p not in post_ids]
    if stray:
        raise PageError(400, f"必须配齐的岗位应在本轮岗位之中：{'、'.join(stray)}。")
    return post_ids, must_fill, share, own_unit  # type: ignore[return-value]


def _run(
    request: Request,
    context: SelectionContext,
    post_ids: list[str],
    must_fill: list[str],
    share: float,
    own_unit: Literal["allow", "exclude", "prefer"],
) -> RoundResult:
    """The round for these options, cached per graph version (the page and its downloads)."""
    key = (
        "round",
        context.as_of,
        tuple(sorted(post_ids)),
        tuple(sorted(must_fill)),
        share,
        own_unit,
    )
    try:
        return data.cached(
            request,
            key,
            lambda: run_round(
                context=context,
                post_ids=post_ids,
                must_fill=must_fill,
                min_young_share=share,
                own_unit=own_unit,
            ),
        )
    except InfeasibleRound as error:
        raise PageError(422, f"在这些条件下无法配齐：{error}") from None


@router.get("/round")
def round_page(
    request: Request,
    session: SelectDep,
    posts: Annotated[list[str] | None, Query()] = None,
    must: Annotated[list[str] | None, Query()] = None,
    young: Annotated[str | None, Query()] = None,
    own_unit: Annotated[str, Query()] = "allow",
    run: Annotated[str | None, Query()] = None,
) -> Response:
    context = data.selection(request)
    vacancies = [
        {
            "post_id": p,
            "name": context.posts[p].get("name"),
            "unit_name": context.units.name(context.posts[p].get("unit_id")),
            "level": context.posts[p].get("level"),
        }
        for p in context.vacancies()
    ]
    result = None
    post_ids, must_fill, share, rule = _round_options(context, posts, must, young, own_unit)
    if run:
        if not post_ids:
            raise PageError(400, "请至少选择一个岗位再计算方案。")
        result = _run(request, context, post_ids, must_fill, share, rule)
        shown(
            request,
            "selection_round",
            [a["cadre_id"] for a in result["assignments"]]
            + [r["cadre_id"] for rs in result["runners_up"].values() for r in rs],
        )
    else:
        shown(request, "page:round")
    return render(
        request,
        "round.html",
        title="整体方案",
        session=session,
        vacancies=vacancies,
        chosen=set(post_ids) if run else {v["post_id"] for v in vacancies[:10]},
        must=set(must_fill),
        young=young or "",
        own_unit=rule,
        own_unit_names=OWN_UNIT,
        result=result,
        post_names={p: context.posts[p].get("name") for p in context.posts},
        query=request.url.query,
    )


@router.get("/round/export")
def round_export(
    request: Request,
    session: SelectDep,
    posts: Annotated[list[str] | None, Query()] = None,
    must: Annotated[list[str] | None, Query()] = None,
    young: Annotated[str | None, Query()] = None,
    own_unit: Annotated[str, Query()] = "allow",
    format: Annotated[str, Query()] = "xlsx",
) -> Response:
    if format not in {"xlsx", "html"}:
        raise PageError(400, "只能下载 .xlsx 或 .html 格式。")
    context = data.selection(request)
    post_ids, must_fill, share, rule = _round_options(context, posts, must, young, own_unit)
    if not post_ids:
        raise PageError(400, "请至少选择一个岗位。")
    result = _run(request, context, post_ids, must_fill, share, rule)
    shown(request, "export_round", [a["cadre_id"] for a in result["assignments"]])
    with tempfile.TemporaryDirectory() as folder:
        path = write_report(round_report(result), Path(folder) / f"round.{format}")
        body = path.read_bytes()
    media = (
        "text/html; charset=utf-8"
        if format == "html"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"selection-round-{result['as_of']}.{format}"
    return Response(
        body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
