"""导师帮带 (with accepting a pairing), 班子结构, 年轻干部库, 教育培训 and 九宫格."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from api.cache import reading
from api.web import data
from api.web.deps import PageError, allowed, check_csrf, shown
from api.web.render import render
from graphsvc.access import Session
from queries.development.data import DevelopmentData
from queries.development.mentoring import coverage, recommend_mentors
from queries.development.ninebox import LEVELS, nine_box
from queries.development.pool import pool_review
from queries.development.teams import team_structure
from queries.development.training import training_compliance

router = APIRouter()

AnalyseDep = Annotated[Session, Depends(allowed("analyse"))]
# Editors write pairings, so they see what to pair as well as analysts.
MentoringDep = Annotated[Session, Depends(allowed("analyse", "write"))]
WriteDep = Annotated[Session, Depends(allowed("write"))]
UNIT_KINDS = ("区", "乡镇", "街道", "区直部门")  # the units a filter offers
SHOWN = 60  # rows per long table


def _units(dev: DevelopmentData) -> list[tuple[str, str]]:
    return sorted(
        (
            (uid, str(u.get("name", uid)))
            for uid, u in dev.units.units.items()
            if u.get("kind") in UNIT_KINDS
        ),
        key=lambda unit: unit[0],
    )


def _unit_filter(dev: DevelopmentData, unit: str) -> tuple[str, Any]:
    """The chosen unit's name and a test ``within(cadre_id)``; every cadre without a unit."""
    if not unit:
        return "", lambda _cadre_id: True
    if unit not in dev.units.units:
        raise PageError(400, f"没有编号为 {unit} 的单位。")

    def within(cadre_id: str) -> bool:
        home = dev.unit_of(cadre_id)
        return bool(home) and (home == unit or unit in dev.units.ancestors(home))

    return dev.units.name(unit), within


@router.get("/mentoring")
def mentoring(
    request: Request,
    session: MentoringDep,
    accepted: Annotated[str | None, Query(max_length=20)] = None,
    v: Annotated[int | None, Query(ge=0, description="graph version to read at least")] = None,
) -> Response:
    # After accepting a pairing the editor must see it: read at least that write's version
    # (elsewhere the previous version may answer while the next is built, see api.cache).
    with reading(at_least=v):
        found = data.analysis(request, "mentoring", coverage)
        recommended = data.analysis(request, "recommendations", recommend_mentors)
        goal = data.development(request).policy.targets.mentoring_coverage
    by_unit = sorted(found["by_unit"], key=lambda g: (g["coverage"], g["group"]))[:20]
    pairs = recommended["pairs"][:SHOWN]
    uncovered = found["uncovered"][:SHOWN]
    shown(
        request,
        "page:mentoring",
        [p["mentee_id"] for p in pairs]
        + [p["mentor_id"] for p in pairs]
        + [u["cadre_id"] for u in uncovered]
        + [m["mentor_id"] for m in found["over_capacity"] + found["departed"]],
    )
    return render(
        request,
        "mentoring.html",
        title="导师帮带",
        session=session,
        found=found,
        recommended=recommended,
        by_unit=by_unit,
        pairs=pairs,
        uncovered=uncovered,
        goal=goal,
        accepted=accepted,
        can_write=session.principal.can("write"),
    )


@router.post("/mentoring/pairs")
async def accept_pairing(
    request: Request,
    session: WriteDep,
    mentor_id: Annotated[str, Form(max_length=20)] = "",
    mentee_id: Annotated[str, Form(max_length=20)] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(session, csrf)
    if not mentor_id or not mentee_id:
        raise PageError(400, "请给出导师编号和帮带对象编号。")
    shown(request, "pair_mentor", [mentee_id, mentor_id])
    row = {"mentor_id": mentor_id, "mentee_id": mentee_id, "start": date.today().isoformat()}
    version = await data.write_rows(request, "mentoring", [row], "结对")
    return RedirectResponse(f"/mentoring?accepted={mentee_id}&v={version}", status_code=303)


@router.get("/teams")
def teams(
    request: Request, session: AnalyseDep, unit: Annotated[str, Query(max_length=20)] = ""
) -> Response:
    dev = data.development(request)
    result = data.analysis(request, "teams", team_structure)
    unit_name, _ = _unit_filter(dev, unit)
    chosen = [
        t
        for t in result["teams"]
        if not unit or t["unit_id"] == unit or unit in dev.units.ancestors(t["unit_id"])
    ]
    flags: dict[str, int] = {}
    for team in chosen:
        for name in team["flag_names"]:
            flags[name] = flags.get(name, 0) + 1
    shown(request, "analysis:teams", [m["cadre_id"] for t in chosen for m in t["member_list"]])
    return render(
        request,
        "teams.html",
        title="班子结构",
        session=session,
        result=result,
        teams=chosen,
        flags=sorted(flags.items(), key=lambda f: -f[1]),
        units=_units(dev),
        unit=unit,
        unit_name=unit_name,
    )


@router.get("/pool")
def pool(
    request: Request, session: AnalyseDep, unit: Annotated[str, Query(max_length=20)] = ""
) -> Response:
    dev = data.development(request)
    result = data.analysis(request, "pool", pool_review)
    unit_name, within = _unit_filter(dev, unit)
    entries = [c for c in result["entry_candidates"] if within(c["cadre_id"])][:SHOWN]
    exits = [c for c in result["exit_review"] if within(c["cadre_id"])]
    members = sorted(c for c in dev.pool_members() if within(c))
    shown(request, "analysis:pool", [c["cadre_id"] for c in entries + exits])
    return render(
        request,
        "pool.html",
        title="年轻干部库",
        session=session,
        result=result,
        entries=entries,
        exits=exits,
        members=len(members),
        units=_units(dev),
        unit=unit,
        unit_name=unit_name,
    )


@router.get("/training")
def training(
    request: Request, session: AnalyseDep, unit: Annotated[str, Query(max_length=20)] = ""
) -> Response:
    dev = data.development(request)
    result = data.analysis(request, "training", training_compliance)
    unit_name, within = _unit_filter(dev, unit)
    below = [c for c in result["below_yearly_hours"] if within(c["cadre_id"])]
    regulation = [c for c in result["below_regulation"] if within(c["cadre_id"])]
    offjob = [c for c in result["pool_without_offjob"] if within(c["cadre_id"])]
    by_unit = sorted(result["by_unit"], key=lambda u: (u["compliance"], u["unit_name"]))
    if unit:
        by_unit = [u for u in by_unit if u["unit_name"] == unit_name]
    shown(
        request,
        "analysis:training",
        [c["cadre_id"] for c in below[:SHOWN] + regulation[:SHOWN] + offjob[:SHOWN]],
    )
    return render(
        request,
        "training.html",
        title="教育培训",
        session=session,
        result=result,
        below=below,
        regulation=regulation,
        offjob=offjob,
        by_unit=by_unit[:20],
        shown_rows=SHOWN,
        units=_units(dev),
        unit=unit,
        unit_name=unit_name,
    )


@router.get("/ninebox")
def ninebox(
    request: Request, session: AnalyseDep, unit: Annotated[str, Query(max_length=20)] = ""
) -> Response:
    dev = data.development(request)
    _unit_filter(dev, unit)
    options = {"unit_id": unit} if unit else {}
    result = data.analysis(request, "ninebox", nine_box, **options)
    if not result["people"]:
        raise PageError(404, f"{result['scope']}没有可以放入九宫格的在职干部。")
    # Rows from high performance to low, columns from low potential to high.
    grid = [[result["boxes"][p * 3 + q] for q in range(3)] for p in (2, 1, 0)]
    shown(request, "analysis:ninebox", [p["cadre_id"] for p in result["people"]])
    return render(
        request,
        "ninebox.html",
        title="九宫格",
        session=session,
        result=result,
        grid=grid,
        levels=LEVELS,
        units=_units(dev),
        unit=unit,
    )
