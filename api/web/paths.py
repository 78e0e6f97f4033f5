"""梯队研判 (the pipeline: demand beside supply per year and level, with the people behind
each bar) and 一人一策 (a cadre's path as a timeline: today, each rule met, ready)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from api.web import charts, data
from api.web.deps import PageError, allowed, shown
from api.web.render import render
from graphsvc.access import Session
from graphsvc.vocab import Level
from queries.development.path import ACTION_KINDS, cadre_path
from queries.development.pipeline import WHY, pipeline, pipeline_of
from queries.selection.candidates import NotFound

router = APIRouter()

AnalyseDep = Annotated[Session, Depends(allowed("analyse"))]
SHOWN = 60  # rows per long table
_LEVELS = {level.value: level for level in Level}


@router.get("/pipeline")
def pipeline_page(request: Request, session: AnalyseDep) -> Response:
    result = data.analysis(request, "pipeline", pipeline)
    levels = list(dict.fromkeys(row["level"] for row in result["years"]))
    by_level = {
        level: [row for row in result["years"] if row["level"] == level] for level in levels
    }
    drawn = {
        level: charts.paired_columns(
            [(str(r["year"]), r["demand_to_date"], r["supply"]) for r in rows],
            names=("累计需求", "具备条件"),
            links=[f"/pipeline/people?level={level}&year={r['year']}" for r in rows],
            label=f"{level}：累计需求与具备条件人数",
        )
        for level, rows in by_level.items()
    }
    risks = result["at_risk_detail"][:SHOWN]
    shown(request, "analysis:pipeline", [r["cadre_id"] for r in risks])
    return render(
        request,
        "pipeline.html",
        title="梯队研判",
        session=session,
        result=result,
        by_level=by_level,
        drawn=drawn,
        risks=risks,
        young_keys=list(result["years"][0]["supply_young"]) if result["years"] else [],
    )


@router.get("/pipeline/people")
def pipeline_people(
    request: Request,
    session: AnalyseDep,
    level: Annotated[str, Query(max_length=10)],
    year: Annotated[int, Query(ge=1900, le=2200)],
) -> Response:
    """The people behind one year and level's bars: the posts that open to date and the
    cadres ready by the year's end (each a path)."""
    chosen = _LEVELS.get(level)
    dev = data.development(request)
    found = pipeline_of(dev)  # the columns the page's answer was counted from (remembered)
    if chosen is None or year not in found.years:
        raise PageError(400, f"没有{year}年{level}这一栏。")
    ids = dev.context.facts.ids
    ready = [ids[int(row)] for row in found.ready_by(year, chosen)]
    people = [
        {
            "cadre_id": cadre_id,
            "name": dev.name(cadre_id),
            "unit_name": dev.units.name(dev.unit_of(cadre_id)) if dev.unit_of(cadre_id) else "",
            "age": dev.age(cadre_id),
        }
        for cadre_id in ready[:SHOWN]
    ]
    opened = [o for o in found.openings if o.level == chosen and o.year <= year]
    posts = [
        {
            "year": o.year,
            "unit_name": dev.units.name(o.unit_id),
            "post_name": str(dev.context.posts.get(o.post_id or "", {}).get("name") or ""),
            "why": WHY[o.why],
            "holder_id": o.holder_id,
            "holder_name": dev.name(o.holder_id) if o.holder_id else "",
        }
        for o in sorted(opened, key=lambda o: (o.year, o.unit_id, o.post_id or ""))
    ]
    shown(
        request,
        "analysis:pipeline",
        ready[:SHOWN] + [o.holder_id for o in opened if o.holder_id],
    )
    return render(
        request,
        "pipeline_people.html",
        title=f"梯队研判 · {year}年{level}",
        session=session,
        level=level,
        year=year,
        people=people,
        ready_total=len(ready),
        posts=posts,
    )


@router.get("/cadres/{cadre_id}/path")
def path_page(request: Request, session: AnalyseDep, cadre_id: str) -> Response:
    try:
        path = data.analysis(request, "path", cadre_path, cadre_id=cadre_id)
    except NotFound:
        raise PageError(404, f"没有编号为 {cadre_id} 的在职干部。") from None
    mentor = path["mentor"]
    shown(
        request,
        "analysis:path",
        [cadre_id] + ([mentor["cadre_id"]] if mentor and mentor["cadre_id"] else []),
    )
    today = date.fromisoformat(path["as_of"])
    steps: list[tuple[str, date | None]] = [("今天", today)]
    steps += [
        (r["title"], date.fromisoformat(r["met_on"]) if r["met_on"] else None)
        for r in path["rules"]
        if r["status"] != "pass"
    ]
    if path["next_level"] is not None and not path["ready_now"]:
        ready = date.fromisoformat(path["ready_on"]) if path["ready_on"] else None
        steps.append((f"具备提任{path['next_level']}条件", ready))
    if path["pool"] is not None and path["pool"]["ages_out_on"]:
        steps.append(("超出干部库年龄上限", date.fromisoformat(path["pool"]["ages_out_on"])))
    actions: list[dict[str, Any]] = [
        dict(a, kind_name=ACTION_KINDS.get(a["kind"], a["kind"])) for a in path["actions"]
    ]
    return render(
        request,
        "path.html",
        title=f"一人一策 · {path['name']}",
        session=session,
        path=path,
        actions=actions,
        drawn=charts.milestones(steps, label="成长路径"),
    )
