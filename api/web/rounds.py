"""整体方案: a round chosen, solved, an alternate swapped in, saved, reopened and compared;
and the papers the meeting reads (the list, the forms, the plan)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Annotated, Any, Literal
from urllib.parse import parse_qs, urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from api.web import data
from api.web.deps import PageError, allowed, check_csrf, reveal_for, shown
from api.web.files import attachment, file_name
from api.web.formats import month_text
from api.web.render import render
from api.web.selection import OWN_UNIT, person_facts, post_title
from api.web.tables import XLSX, Column, Table
from graphsvc.access import Session
from graphsvc.plans import MAX_NAME, Plan, PlanError, PlanStore, PlanSummary
from queries.forms.export import round_documents
from queries.forms.pdf import PdfUnavailable
from queries.reports.appointments import (
    Proposal,
    forms_pdf,
    forms_zip,
    proposal_pdf,
    proposal_rows,
    proposal_workbook,
)
from queries.reports.document import write_report_bytes
from queries.reports.selection import posts_in_order, round_report
from queries.selection.assignment import InfeasibleRound
from queries.selection.candidates import SelectionContext
from queries.selection.results import RoundResult
from queries.selection.round import run_round

__all__ = ["RoundOptions", "plan_store", "router"]

router = APIRouter()

SelectDep = Annotated[Session, Depends(allowed("select"))]
OwnUnit = Literal["allow", "exclude", "prefer"]
PAPERS = {
    "list.xlsx": ("干部任免建议名单", "xlsx"),
    "list.pdf": ("干部任免建议名单", "pdf"),
    "forms.pdf": ("干部任免审批表", "pdf"),
    "forms.zip": ("干部任免审批表", "zip"),
    "report.xlsx": ("干部选配方案", "xlsx"),
    "report.html": ("干部选配方案", "html"),
}
MEDIA = {
    "xlsx": XLSX,
    "pdf": "application/pdf",
    "zip": "application/zip",
    "html": "text/html; charset=utf-8",
}
_PLANS_LOCK = threading.Lock()


@dataclass(frozen=True)
class RoundOptions:
    """What a round was asked with (the page's address, and what a saved plan keeps)."""

    posts: tuple[str, ...]
    must: tuple[str, ...] = ()
    young: str = ""  # as typed: a percentage, or empty
    own_unit: OwnUnit = "allow"
    fix: tuple[tuple[str, str], ...] = ()  # (post, cadre) swapped in, in the order chosen
    every: bool = False  # the posts are every vacancy (the address says ``all=1``, not each)

    @property
    def share(self) -> float:
        return float(self.young) / 100 if self.young else 0.0

    @property
    def fixed(self) -> dict[str, str]:
        return dict(self.fix)

    def pairs(self, **changes: Any) -> list[tuple[str, str]]:
        """The options as address parameters (``changes`` replace fields first)."""
        options = {**self.as_dict(), **changes}
        every = self.every and "posts" not in changes
        return (
            [("run", "1")]
            + ([("all", "1")] if every else [("posts", p) for p in options["posts"]])
            + [("must", p) for p in options["must"]]
            + ([("young", options["young"])] if options["young"] else [])
            + [("own_unit", options["own_unit"])]
            + [("fix", f"{p}:{c}") for p, c in options["fix"]]
        )

    def query(self, **changes: Any) -> str:
        return urlencode(self.pairs(**changes))

    def as_dict(self) -> dict[str, Any]:
        return {
            "posts": list(self.posts),
            "must": list(self.must),
            "young": self.young,
            "own_unit": self.own_unit,
            "fix": [list(pair) for pair in self.fix],
        }


def parse_options(
    request: Request,
    context: SelectionContext,
    posts: Sequence[str] | None,
    must: Sequence[str] | None,
    young: str | None,
    own_unit: str,
    fix: Sequence[str] | None = None,
    every: bool = False,
) -> RoundOptions:
    """The round's options from a form or an address, each checked (a Chinese message);
    ``every``: the posts are every vacancy (an address too long to list them otherwise)."""
    post_ids = (
        tuple(data.vacancies(request, context)) if every else tuple(dict.fromkeys(posts or []))
    )
    must_fill = tuple(dict.fromkeys(must or []))
    unknown = [p for p in post_ids + must_fill if p not in context.posts]
    if unknown:
        raise PageError(404, f"没有这些岗位：{'、'.join(unknown)}。")
    young = (young or "").strip()
    try:
        share = float(young) / 100 if young else 0.0
    except ValueError:
        raise PageError(400, f"35岁以下占比应为0到100之间的数字，而不是“{young}”。") from None
    if not 0 <= share <= 1:
        raise PageError(400, "35岁以下占比应在0到100之间。")
    if own_unit not in OWN_UNIT:
        raise PageError(400, "本单位规则只能是不限、不在本单位任职或优先本单位。")
    stray = [p for p in must_fill if p not in post_ids]
    if stray:
        raise PageError(400, f"必须配齐的岗位应在本轮岗位之中：{'、'.join(stray)}。")
    swaps: dict[str, str] = {}
    for item in fix or []:
        post, _, cadre = item.partition(":")
        if post not in post_ids or cadre not in context.records:
            raise PageError(400, f"换人的岗位或人选不在本轮之中：{item}。")
        swaps.pop(post, None)  # a later choice for the same post replaces the earlier one
        swaps = {p: c for p, c in swaps.items() if c != cadre}
        swaps[post] = cadre
    return RoundOptions(
        post_ids,
        must_fill,
        young,
        own_unit,  # type: ignore[arg-type]
        tuple(swaps.items()),
        every=every or set(post_ids) == set(data.vacancies(request, context)),
    )


def _options_from_query(request: Request, context: SelectionContext, query: str) -> RoundOptions:
    params = parse_qs(query)
    return parse_options(
        request,
        context,
        params.get("posts"),
        params.get("must"),
        (params.get("young") or [""])[0],
        (params.get("own_unit") or ["allow"])[0],
        params.get("fix"),
        every=(params.get("all") or [""])[0] == "1",
    )


def solve(request: Request, context: SelectionContext, options: RoundOptions) -> RoundResult:
    """The round for these options, cached per graph version (the page, its swaps, saving
    and the papers share it). Raises InfeasibleRound."""
    key = (
        "round",
        context.as_of,
        tuple(sorted(options.posts)),
        tuple(sorted(options.must)),
        options.share,
        options.own_unit,
        tuple(sorted(options.fix)),
    )

    def compute() -> RoundResult:
        started = time.perf_counter()
        result = run_round(
            context=context,
            post_ids=list(options.posts),
            must_fill=list(options.must),
            min_young_share=options.share,
            own_unit=options.own_unit,
            fixed=options.fixed,
        )
        request.app.state.round_seconds = time.perf_counter() - started
        return result

    return data.cached(request, key, compute)


def plan_view(
    request: Request, context: SelectionContext, options: RoundOptions, result: RoundResult
) -> dict[str, Any]:
    """The round as shown and as a saved plan keeps it: the answer, the posts named with
    their units, the appointees' and alternates' current posts and ages on the day."""
    people_ids = [str(a["cadre_id"]) for a in result["assignments"]] + [
        str(r["cadre_id"]) for runners in result["runners_up"].values() for r in runners
    ]
    context.prefetch(people_ids)
    people = {}
    for cadre_id in dict.fromkeys(people_ids):
        facts = person_facts(context, cadre_id)
        people[cadre_id] = {
            "birth": month_text(facts["birth"], ""),
            "age": facts["age"],
            "current_post": facts["current_post"] or "",
            "rank": facts["rank"] or "",
            "leader": facts["leader"],
        }
    posts = {
        p: {
            "name": context.posts[p].get("name"),
            "title": post_title(context, context.posts[p]),
            "unit_name": context.units.name(context.posts[p].get("unit_id")),
            "level": context.posts[p].get("level"),
        }
        for p in options.posts
    }
    return {
        "result": dict(result),
        "posts": posts,
        "people": people,
        "vacancies": len(data.vacancies(request, context)),
        "options": options.as_dict(),
    }


def _alternate(index: int) -> Callable[[Mapping[str, Any]], Markup]:
    def cell(row: Mapping[str, Any]) -> Markup:
        alt = row.get(f"alt{index}")
        if not alt:
            return Markup("—")
        text = Markup('<a href="/cadres/{0}">{1}</a> <small>{2:.3f}</small>{3}').format(
            alt["cadre_id"],
            alt["name"],
            alt["score"],
            Markup("").join(
                Markup(' <span class="tag">{}</span>').format(f) for f in alt.get("flags", [])
            ),
        )
        href = row.get(f"alt{index}_swap")
        if href:
            text += Markup(
                ' <a class="swap no-print" href="{0}" title="让{1}任{2}，其余岗位重新求解"'
                ' data-busy="正在把{1}换入并重新求解其余岗位">换入</a>'
            ).format(href, alt["name"], row["post_name"])
        return text

    return cell


def _appointee(row: Mapping[str, Any]) -> Markup:
    if not row.get("cadre_id"):
        return Markup('<span class="alert-text">未配</span>')
    tags = [*(["已换入"] if row.get("swapped") else []), *row.get("flags", [])]
    return Markup('<a href="/cadres/{0}">{1}</a>{2}').format(
        row["cadre_id"],
        row["name"],
        Markup("").join(Markup(' <span class="tag">{}</span>').format(t) for t in tags),
    )


PLAN_COLUMNS = (
    Column("n", "序号", kind="number", css="num", width=5),
    Column("unit_name", "单位", width=18),
    Column("post_name", "岗位", width=20),
    Column("name", "拟任人选", cell=_appointee, css="nowrap", width=10),
    Column("birth", "出生年月", kind="month", width=9),
    Column("current_post", "现任职务", width=26, css="wide"),
    Column("age", "年龄", kind="number", css="num", width=6),
    Column("score", "匹配分", kind="number", digits=3, css="num", width=8),
    Column("rank_for_post", "该岗排名", kind="number", css="num", width=8),
    Column("young", "35岁以下", kind="bool", width=8),
    Column("alt1_text", "备选1", cell=_alternate(1), width=16),
    Column("alt2_text", "备选2", cell=_alternate(2), width=16),
    Column("alt3_text", "备选3", cell=_alternate(3), width=16),
)


def plan_rows(
    view: Mapping[str, Any], swap: Callable[[str, str], str] | None = None
) -> list[dict[str, Any]]:
    """One row per post of the round: the appointee (or 未配), then three alternates."""
    result, posts, people = view["result"], view["posts"], view["people"]
    fixed = {p: c for p, c in view["options"].get("fix", [])}
    by_post = {a["post_id"]: a for a in result["assignments"]}
    order = posts_in_order(result)
    rows = []
    for number, post_id in enumerate(order, start=1):
        a = by_post.get(post_id)
        post = posts.get(post_id, {})
        person = people.get(str(a["cadre_id"]), {}) if a else {}
        row: dict[str, Any] = {
            "n": number,
            "post_id": post_id,
            "unit_name": post.get("unit_name") or (a["unit_name"] if a else ""),
            "post_name": post.get("name") or (a["post_name"] if a else post_id),
            "cadre_id": a["cadre_id"] if a else None,
            "name": a["name"] if a else "（未配）",
            "birth": person.get("birth") or None,
            "current_post": person.get("current_post"),
            "age": person.get("age"),
            "score": a["score"] if a else None,
            "rank_for_post": a["rank_for_post"] if a else None,
            "young": a["young"] if a else None,
            "swapped": a is not None and fixed.get(post_id) == a["cadre_id"],
            "flags": list(a.get("flags", [])) if a else [],
        }
        for index, runner in enumerate(result["runners_up"].get(post_id, [])[:3], start=1):
            row[f"alt{index}"] = runner
            flags = "".join(f"，{f}" for f in runner.get("flags", []))
            row[f"alt{index}_text"] = f"{runner['name']}（{runner['score']:.3f}{flags}）"
            if swap is not None:
                row[f"alt{index}_swap"] = swap(post_id, str(runner["cadre_id"]))
        rows.append(row)
    return rows


def plan_table(view: Mapping[str, Any], title: str, swap: Any = None) -> Table:
    return Table(
        "r",
        title,
        PLAN_COLUMNS,
        plan_rows(view, swap),
        subject="cadre_id",
        page_size=100,
        css="plan",
        empty="本轮没有岗位。",
    )


def _changes(
    context: SelectionContext, before: Mapping[str, Any], after: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """Posts whose appointee a swap changed: the post, who was proposed, who is now."""
    old = {a["post_id"]: a for a in before["assignments"]}
    new = {a["post_id"]: a for a in after["assignments"]}
    changed = []
    for post_id in list(dict.fromkeys([*old, *new])):
        was, now = old.get(post_id), new.get(post_id)
        if (was or {}).get("cadre_id") != (now or {}).get("cadre_id"):
            changed.append(
                {
                    "post": post_title(context, context.posts[post_id]),
                    "was": was["name"] if was else "（未配）",
                    "now": now["name"] if now else "（未配）",
                }
            )
    return changed


def _vacancy_choices(request: Request, context: SelectionContext) -> list[dict[str, Any]]:
    return [
        {
            "post_id": p,
            "name": context.posts[p].get("name"),
            "unit_name": context.units.name(context.posts[p].get("unit_id")),
            "level": context.posts[p].get("level"),
        }
        for p in data.vacancies(request, context)
    ]


def _people_of(view: Mapping[str, Any]) -> list[str]:
    result = view["result"]
    people = [str(a["cadre_id"]) for a in result["assignments"]]
    people += [str(r["cadre_id"]) for rs in result["runners_up"].values() for r in rs]
    return people


@router.get("/round")
def round_page(
    request: Request,
    session: SelectDep,
    posts: Annotated[list[str] | None, Query()] = None,
    must: Annotated[list[str] | None, Query()] = None,
    young: Annotated[str | None, Query(max_length=10)] = None,
    own_unit: Annotated[str, Query(max_length=10)] = "allow",
    fix: Annotated[list[str] | None, Query()] = None,
    run: Annotated[str | None, Query(max_length=2)] = None,
    every: Annotated[str | None, Query(alias="all", max_length=2)] = None,
) -> Response:
    context = data.selection(request)
    vacancies = _vacancy_choices(request, context)
    options = parse_options(request, context, posts, must, young, own_unit, fix, every=every == "1")
    view = table = None
    changes: list[dict[str, Any]] = []
    changes_total: float | None = None
    refused = ""
    undo = ""
    if run:
        if not options.posts:
            raise PageError(400, "请至少选择一个岗位再计算方案。")
        shown_options = options
        try:
            result = solve(request, context, options)
        except InfeasibleRound as error:
            if not options.fix:
                raise PageError(422, f"在这些条件下无法配齐：{error}") from None
            # The last swap breaks a constraint: say so, and show the plan before it.
            post, cadre = options.fix[-1]
            name = context.names([cadre])[0]
            refused = (
                f"把{name}换入{post_title(context, context.posts[post])}后，"
                f"在所给条件下无法配齐（必须配齐的岗位或35岁以下占比无法满足）：{error}"
            )
            shown_options = replace(options, fix=options.fix[:-1])
            result = solve(request, context, shown_options)
        else:
            if options.fix:
                before = solve(request, context, replace(options, fix=options.fix[:-1]))
                changes = _changes(context, before, result)
                changes_total = result["total"] - before["total"]
                undo = "/round?" + options.query(fix=[list(p) for p in options.fix[:-1]])
        view = plan_view(request, context, shown_options, result)

        def swap(post_id: str, cadre_id: str) -> str:
            fixes = [list(p) for p in shown_options.fix if p[0] != post_id and p[1] != cadre_id]
            return "/round?" + shown_options.query(fix=[*fixes, [post_id, cadre_id]]) + "#plan"

        table = plan_table(view, "干部选配方案", swap)
        if (download := table.download(request)) is not None:
            return download
        shown(request, "selection_round", _people_of(view))
        options = shown_options
    else:
        shown(request, "page:round")
    left_out = [v for v in vacancies if v["post_id"] not in set(options.posts)] if run else []
    return render(
        request,
        "round.html",
        title="整体方案",
        session=session,
        vacancies=vacancies,
        chosen=set(options.posts) if run else {v["post_id"] for v in vacancies},
        must=set(options.must),
        young=options.young,
        own_unit=options.own_unit,
        own_unit_names=OWN_UNIT,
        view=view,
        table=table.view(request) if table else None,
        left_out=left_out,
        changes=changes,
        changes_total=changes_total,
        refused=refused,
        undo=undo,
        query=options.query() if run else "",
        expect=getattr(request.app.state, "round_seconds", 0.0),
        max_name=MAX_NAME,
        papers_base="/round/papers",
    )


def plan_store(request: Request) -> PlanStore:
    """The saved plans, in the access file (opened once per app)."""
    store: PlanStore | None = getattr(request.app.state, "plans", None)
    if store is None:
        with _PLANS_LOCK:
            store = getattr(request.app.state, "plans", None)
            if store is None:
                store = PlanStore(request.app.state.settings.access_db)
                request.app.state.plans = store
    return store


@router.post("/round/plans")
async def save_plan(
    request: Request,
    session: SelectDep,
    name: Annotated[str, Form(max_length=200)] = "",
    query: Annotated[str, Form(max_length=200_000)] = "",
    csrf: Annotated[str | None, Form()] = None,
) -> Response:
    check_csrf(session, csrf)

    def save() -> Plan:
        context = data.selection(request)
        options = _options_from_query(request, context, query)
        if not options.posts:
            raise PageError(400, "方案中没有岗位，无法保存。")
        try:
            result = solve(request, context, options)
        except InfeasibleRound as error:
            raise PageError(422, f"在这些条件下无法配齐：{error}") from None
        view = plan_view(request, context, options, result)
        try:
            plan = plan_store(request).save(
                name=name,
                created_by=session.user,
                graph_version=data.store(request).version(),
                as_of=context.as_of.isoformat(),
                options=options.as_dict(),
                result=view,
                posts=result["posts"],
                filled=len(result["assignments"]),
                total=result["total"],
            )
        except PlanError as error:
            raise PageError(400, str(error)) from None
        shown(request, "save_plan", _people_of(view))
        return plan

    plan = await run_in_threadpool(save)
    return RedirectResponse(f"/round/plans/{plan.id}?saved=1", status_code=303)


def _plan(request: Request, plan_id: int) -> Plan:
    plan = plan_store(request).get(plan_id)
    if plan is None:
        raise PageError(404, f"没有编号为 {plan_id} 的方案。")
    return plan


def _plan_summary(plan: PlanSummary, version: int) -> dict[str, Any]:
    return {
        "id": plan.id,
        "name": plan.name,
        "created_by": plan.created_by,
        "created_at": plan.created_at.astimezone(),
        "as_of": plan.as_of,
        "graph_version": plan.graph_version,
        "changed": "数据已变化" if plan.graph_version != version else "未变化",
        "posts": plan.posts,
        "filled": plan.filled,
        "total": plan.total,
    }


def _pick_plan(row: Mapping[str, Any]) -> Markup:
    return Markup(
        '<input type="checkbox" name="ids" value="{0}" form="compare-plans" aria-label="选择{1}">'
    ).format(row["id"], row["name"])


PLANS_COLUMNS = (
    Column("pick", "对比", sortable=False, export=False, cell=_pick_plan, css="no-print"),
    Column("name", "方案名称", link="/round/plans/{id}", width=24),
    Column("created_by", "保存人", choices=True, width=10),
    Column("created_at", "保存时间", kind="day", css="nowrap", width=12),
    Column("as_of", "审查日", kind="day", css="nowrap", width=12),
    Column("graph_version", "数据版本", kind="number", css="num", width=8),
    Column("changed", "此后数据", choices=True, width=10),
    Column("posts", "岗位数", kind="number", css="num", width=8),
    Column("filled", "已配", kind="number", css="num", width=8),
    Column("total", "总匹配分", kind="number", digits=3, css="num", width=10),
)


@router.get("/round/plans")
def plans_page(
    request: Request,
    session: SelectDep,
    pick: Annotated[int | None, Query(ge=0, le=100)] = None,
) -> Response:
    version = data.store(request).version()
    rows = [_plan_summary(plan, version) for plan in plan_store(request).list()]
    table = Table(
        "p",
        "已保存的方案",
        PLANS_COLUMNS,
        rows,
        empty="还没有保存的方案：在“整体方案”算出方案后可保存。",
    )
    if (download := table.download(request)) is not None:
        return download
    shown(request, "page:plans")
    return render(
        request,
        "plans.html",
        title="已保存的方案",
        session=session,
        table=table.view(request),
        version=version,
        pick=pick,
    )


@router.get("/round/plans/compare")
def compare_plans(
    request: Request,
    session: SelectDep,
    ids: Annotated[list[int] | None, Query()] = None,
) -> Response:
    chosen = list(dict.fromkeys(ids or []))
    if len(chosen) != 2:
        return RedirectResponse(f"/round/plans?pick={len(chosen)}#p", status_code=303)
    first, second = (_plan(request, plan_id) for plan_id in chosen)
    rows = []
    a_by = {a["post_id"]: a for a in first.result["result"]["assignments"]}
    b_by = {a["post_id"]: a for a in second.result["result"]["assignments"]}
    posts = {**second.result["posts"], **first.result["posts"]}
    for post_id in dict.fromkeys([*first.result["posts"], *second.result["posts"]]):
        a, b = a_by.get(post_id), b_by.get(post_id)
        post = posts.get(post_id, {})
        rows.append(
            {
                "unit_name": post.get("unit_name"),
                "post_name": post.get("name") or post_id,
                "a": a["name"] if a else ("（未配）" if post_id in first.result["posts"] else "—"),
                "a_id": a["cadre_id"] if a else None,
                "b": b["name"] if b else ("（未配）" if post_id in second.result["posts"] else "—"),
                "b_id": b["cadre_id"] if b else None,
                "same": (a or {}).get("cadre_id") == (b or {}).get("cadre_id"),
            }
        )
    shown(request, "compare_plans", [*first.cadre_ids, *second.cadre_ids])
    return render(
        request,
        "plans_compare.html",
        title="方案对比",
        session=session,
        plans=(first, second),
        rows=rows,
        differ=sum(not r["same"] for r in rows),
        version=data.store(request).version(),
    )


@router.get("/round/plans/{plan_id}")
def plan_page(
    request: Request,
    session: SelectDep,
    plan_id: int,
    saved: Annotated[str | None, Query(max_length=2)] = None,
) -> Response:
    plan = _plan(request, plan_id)
    table = plan_table(plan.result, plan.name)
    if (download := table.download(request)) is not None:
        return download
    shown(request, "read_plan", plan.cadre_ids)
    options = plan.result["options"]
    version = data.store(request).version()
    return render(
        request,
        "plan.html",
        title=f"方案 · {plan.name}",
        session=session,
        plan=plan,
        view=plan.result,
        table=table.view(request),
        saved=bool(saved),
        version=version,
        changed=plan.graph_version != version,
        rerun="/round?" + urlencode(RoundOptions(**_stored(options)).pairs()),
        own_unit_names=OWN_UNIT,
        papers_base=f"/round/plans/{plan.id}/papers",
        query="",
    )


def _stored(options: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "posts": tuple(options["posts"]),
        "must": tuple(options["must"]),
        "young": options["young"],
        "own_unit": options["own_unit"],
        "fix": tuple((p, c) for p, c in options["fix"]),
    }


def _district(context: SelectionContext, view: Mapping[str, Any]) -> str:
    """Whose list it is: the scope the round's posts are filled in, else the top unit."""
    scopes = {a.get("scope_name") for a in view["result"]["assignments"]}
    scopes.discard(None)
    if len(scopes) == 1 and "全域" not in scopes:
        return str(next(iter(scopes)))
    tops = [u for u in context.units.units.values() if not u.get("parent_id")]
    return str(tops[0].get("name")) if len(tops) == 1 else "全域"


def _papers(
    request: Request, session: Session, view: Mapping[str, Any], kind: str, as_of: date
) -> Response:
    if kind not in PAPERS:
        raise PageError(404, "没有这种材料：可下载建议名单、任免审批表或方案。")
    title, suffix = PAPERS[kind]
    result = view["result"]
    if not result["assignments"] and not kind.startswith("report"):
        raise PageError(400, "本方案没有拟任人选，没有可下载的任免材料。")
    context = data.selection(request)
    district = _district(context, view)
    organ = f"中共{district}委组织部" if district[-1:] in "区县市" else ""
    if kind.startswith("report"):
        report = round_report(result, posts=view["posts"], people=view["people"])
        body = write_report_bytes(report, suffix)
        shown(request, "download_round", _people_of(view))
        return attachment(body, file_name(f"{district}{title}", suffix), MEDIA[suffix])
    reveal = frozenset(reveal_for(session.principal))
    documents = round_documents(
        store=data.store(request),
        plan=result,
        as_of=as_of,
        reporting_unit=organ,
        reveal=reveal,
    )
    people = [str(item["cadre_id"]) for item, _ in documents]
    people += [r for _, document in documents for r in document.relatives]
    shown(request, "download_papers", people)
    try:
        if kind == "list.xlsx" or kind == "list.pdf":
            heading = Proposal(district, as_of, organ)
            rows = proposal_rows(documents)
            body = (
                proposal_workbook(heading, rows)
                if suffix == "xlsx"
                else proposal_pdf(heading, rows)
            )
        elif kind == "forms.pdf":
            body = forms_pdf([document for _, document in documents])
        else:
            body = forms_zip(documents)
    except PdfUnavailable:
        raise PageError(
            503, "服务器上没有可用的浏览器打印PDF，请下载 Excel 或 .lrmx 格式。"
        ) from None
    return attachment(body, file_name(f"{district}{title}", suffix, as_of), MEDIA[suffix])


@router.get("/round/papers/{kind}")
def round_papers(
    request: Request,
    session: SelectDep,
    kind: str,
    posts: Annotated[list[str] | None, Query()] = None,
    must: Annotated[list[str] | None, Query()] = None,
    young: Annotated[str | None, Query(max_length=10)] = None,
    own_unit: Annotated[str, Query(max_length=10)] = "allow",
    fix: Annotated[list[str] | None, Query()] = None,
    every: Annotated[str | None, Query(alias="all", max_length=2)] = None,
) -> Response:
    context = data.selection(request)
    options = parse_options(request, context, posts, must, young, own_unit, fix, every=every == "1")
    if not options.posts:
        raise PageError(400, "请至少选择一个岗位。")
    try:
        result = solve(request, context, options)
    except InfeasibleRound as error:
        raise PageError(422, f"在这些条件下无法配齐：{error}") from None
    return _papers(
        request, session, plan_view(request, context, options, result), kind, context.as_of
    )


@router.get("/round/plans/{plan_id}/papers/{kind}")
def plan_papers(request: Request, session: SelectDep, plan_id: int, kind: str) -> Response:
    plan = _plan(request, plan_id)
    return _papers(request, session, plan.result, kind, date.fromisoformat(plan.as_of))
