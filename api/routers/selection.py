"""Selection for committees: check an appointment, rank candidates, fill a round, the bench.

Until access control lands, avoidance conflicts are served with their rule and message but
without the chain of relations behind them (kinship is sensitive); the CLI shows chains.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field

from api.deps import PolicyDep, StoreDep
from api.schemas import ErrorOut
from queries.selection.assignment import InfeasibleRound
from queries.selection.bench import succession_bench
from queries.selection.candidates import SelectionContext, rank_candidates
from queries.selection.check import NotFound, check_appointment, current_conflicts
from queries.selection.round import run_round

router = APIRouter(tags=["selection"])

AsOf = Annotated[date | None, Query(description="Day of the decision (default today)")]


def _without_chains(conflicts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in c.items() if k not in {"chain", "relative_id"}} for c in conflicts]


@router.get(
    "/selection/check",
    summary="Check an appointment rule by rule (任职资格与回避审查)",
    responses={404: {"model": ErrorOut}},
)
def check(
    store: StoreDep,
    policy: PolicyDep,
    cadre_id: Annotated[str, Query(description="干部编号")],
    post_id: Annotated[str, Query(description="岗位编号")],
    as_of: AsOf = None,
) -> dict[str, Any]:
    try:
        result = check_appointment(
            store=store,
            cadre_id=cadre_id,
            post_id=post_id,
            policy=policy,
            as_of=as_of or date.today(),
        )
    except NotFound as error:
        raise HTTPException(status_code=404, detail=str(error)) from None
    result["conflicts"] = _without_chains(result["conflicts"])
    return result


@router.get(
    "/posts/{post_id}/candidates",
    summary="Ranked eligible candidates for a post (人岗匹配)",
    responses={404: {"model": ErrorOut}},
)
def candidates(
    post_id: str,
    store: StoreDep,
    policy: PolicyDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    as_of: AsOf = None,
) -> dict[str, Any]:
    try:
        return rank_candidates(
            store=store, post_id=post_id, policy=policy, as_of=as_of or date.today(), limit=limit
        )
    except NotFound as error:
        raise HTTPException(status_code=404, detail=str(error)) from None


class RoundRequest(BaseModel):
    post_ids: list[str] | None = Field(
        None, description="Posts of the round; default every vacancy"
    )
    must_fill: list[str] = Field(
        default_factory=list, description="Posts that may not stay unfilled"
    )
    min_young_share: float = Field(0.0, ge=0, le=1, description="Share of appointees under 35")
    own_unit: Literal["allow", "exclude", "prefer"] = "allow"
    as_of: date | None = None


@router.post(
    "/selection/round",
    summary="Fill a round of vacancies, best overall (整体选配)",
    responses={404: {"model": ErrorOut}, 422: {"model": ErrorOut}},
)
def round_(request: RoundRequest, store: StoreDep, policy: PolicyDep) -> dict[str, Any]:
    context = SelectionContext.load(store, policy=policy, as_of=request.as_of or date.today())
    unknown = [p for p in (request.post_ids or []) + request.must_fill if p not in context.posts]
    if unknown:
        raise HTTPException(status_code=404, detail=f"no post with id(s) {unknown}")
    try:
        return run_round(
            context=context,
            post_ids=request.post_ids,
            must_fill=request.must_fill,
            min_young_share=request.min_young_share,
            own_unit=request.own_unit,
        )
    except InfeasibleRound as error:
        raise HTTPException(status_code=422, detail=str(error)) from None


@router.get("/selection/bench", summary="Succession bench per leadership post (后备梯队)")
def bench(
    store: StoreDep,
    policy: PolicyDep,
    post_ids: Annotated[
        list[str] | None, Query(description="Posts; default every team post")
    ] = None,
    as_of: AsOf = None,
) -> dict[str, Any]:
    context = SelectionContext.load(store, policy=policy, as_of=as_of or date.today())
    unknown = [p for p in post_ids or [] if p not in context.posts]
    if unknown:
        raise HTTPException(status_code=404, detail=f"no post with id(s) {unknown}")
    return succession_bench(context=context, post_ids=post_ids)


@router.get("/selection/conflicts", summary="Avoidance conflicts that exist now (现职回避情况)")
def conflicts(store: StoreDep, policy: PolicyDep, as_of: AsOf = None) -> dict[str, Any]:
    found = current_conflicts(store=store, policy=policy, as_of=as_of or date.today())
    return {"conflicts": _without_chains(found)}
