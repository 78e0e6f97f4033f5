"""首页: this year's targets with their figures, and what needs attention."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from api.web import data
from api.web.deps import allowed, shown
from api.web.render import render
from graphsvc.access import Session
from queries.development.mentoring import coverage
from queries.development.pool import pool_review
from queries.development.targets import target_figures
from queries.development.teams import team_structure
from queries.development.training import training_compliance
from queries.selection.check import current_conflicts

router = APIRouter()

RETIRING_YEARS = 3


@router.get("/")
def overview(request: Request, session: Annotated[Session, Depends(allowed("read"))]) -> Response:
    principal = session.principal
    context: dict[str, Any] = {"vacancies": None, "development": None, "conflicts": None}
    people: list[str | None] = []
    if principal.can("select"):
        selection = data.selection(request)
        vacant = selection.vacancies()
        by_level: dict[str, int] = {}
        for post_id in vacant:
            level = str(selection.posts[post_id].get("level") or "未定")
            by_level[level] = by_level.get(level, 0) + 1
        context["vacancies"] = {"count": len(vacant), "by_level": sorted(by_level.items())}
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
        context["conflicts"] = [{**c, "name": names.get(c["cadre_id"])} for c in conflicts]
        people += [c["cadre_id"] for c in conflicts]
    if principal.can("analyse"):
        year = date.today().year
        targets = data.analysis(request, "targets", target_figures)
        this_year = next((y for y in targets["years"] if y["year"] == year), targets["years"][-1])
        training = data.analysis(request, "training", training_compliance)
        mentoring = data.analysis(request, "mentoring", coverage)
        teams = data.analysis(request, "teams", team_structure)
        pool = data.analysis(request, "pool", pool_review)
        horizon = (date.today() + timedelta(days=365 * RETIRING_YEARS)).isoformat()
        retiring = sorted(
            (
                {**person, "unit_name": team["unit_name"]}
                for team in teams["teams"]
                for person in team["retiring"]
                if str(person["retires"]) <= horizon
            ),
            key=lambda person: str(person["retires"]),
        )
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
        people += [str(p["cadre_id"]) for p in retiring]
        people += [p["cadre_id"] for p in pool["exit_review"]]
        people += [m["mentor_id"] for m in mentoring["over_capacity"] + mentoring["departed"]]
    shown(request, "page:overview", people)
    return render(request, "overview.html", title="首页", session=session, **context)
