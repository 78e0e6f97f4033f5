"""Selection for committees: check an appointment, rank candidates, fill a round, the bench.

Avoidance conflicts carry the chain of relations behind them (kinship) only for
roles that may see kinship (analyst, admin); others get the rule and message. A line
that names a supervision record (its kind and dates) reads, for roles that may not
see supervision records, only that one bars the appointment.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal, TypeVar

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from pydantic import BaseModel, Field

from api import models
from api.deps import AuditDep, CacheDep, PolicyDep, PrincipalDep, StoreDep, require
from api.schemas import EARLIEST_DAY, ERRORS, LATEST_DAY
from graphsvc.access import Principal
from graphsvc.stores import GraphStore
from queries.selection.assignment import InfeasibleRound
from queries.selection.bench import succession_bench
from queries.selection.candidates import SelectionContext
from queries.selection.check import NotFound, check_appointment, current_conflicts
from queries.selection.policy import SelectionPolicy
from queries.selection.results import (
    BenchResult,
    CandidatesResult,
    CheckResult,
    ConflictRow,
    CurrentConflict,
    CurrentConflicts,
    RoundResult,
)
from queries.selection.round import run_round

router = APIRouter(tags=["selection"], dependencies=[Depends(require("select"))])

AsOf = Annotated[
    date | None,
    Query(
        description="Day of the decision (default today)",
        examples=["2026-11-01"],
        ge=EARLIEST_DAY,
        le=LATEST_DAY,
    ),
]


def _context(
    cache: CacheDep, store: GraphStore, policy: SelectionPolicy, as_of: date
) -> SelectionContext:
    return models.selection(cache, store, policy, as_of)


_Conflict = TypeVar("_Conflict", ConflictRow, CurrentConflict)


def _shown(conflicts: list[_Conflict], principal: Principal) -> list[_Conflict]:
    if principal.can("see_kinship"):
        return conflicts
    shown = []
    for conflict in conflicts:
        kept = conflict.copy()  # the cached answer stays whole for the next caller
        kept.pop("chain", None)
        kept.pop("relative_id", None)
        shown.append(kept)
    return shown


@router.get(
    "/selection/check",
    response_model=CheckResult,
    summary="Check an appointment rule by rule (任职资格与回避审查)",
    responses={404: ERRORS[404]},
)
def check(
    store: StoreDep,
    cache: CacheDep,
    policy: PolicyDep,
    principal: PrincipalDep,
    audit: AuditDep,
    cadre_id: Annotated[str, Query(description="干部编号", examples=["C000120"])],
    post_id: Annotated[str, Query(description="岗位编号", examples=["P000003"])],
    as_of: AsOf = None,
) -> CheckResult:
    audit.record("check_appointment", [cadre_id])
    try:
        result = check_appointment(
            store=store,
            cadre_id=cadre_id,
            post_id=post_id,
            policy=policy,
            as_of=as_of or date.today(),
            units=models.units(cache, store),
            reveal_supervision=principal.can("see_supervision"),
        )
    except NotFound as error:
        raise HTTPException(status_code=404, detail=str(error)) from None
    result["conflicts"] = _shown(result["conflicts"], principal)
    return result


@router.get(
    "/posts/{post_id}/candidates",
    response_model=CandidatesResult,
    summary="Ranked eligible candidates for a post (人岗匹配)",
    responses={404: ERRORS[404]},
)
def candidates(
    post_id: Annotated[str, Path(description="岗位编号", examples=["P000003"])],
    store: StoreDep,
    policy: PolicyDep,
    cache: CacheDep,
    principal: PrincipalDep,
    audit: AuditDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    excluded_limit: Annotated[
        int,
        Query(
            ge=0,
            le=100_000,
            description="How many of the excluded to list, in id order (their number is "
            "excluded_total); a post has hundreds, each shown person is audited",
        ),
    ] = 50,
    as_of: AsOf = None,
) -> CandidatesResult:
    day = as_of or date.today()
    context = _context(cache, store, policy, day)
    if post_id not in context.posts:
        raise HTTPException(status_code=404, detail=f"未找到编号为 '{post_id}' 的岗位")
    result = models.candidates(
        cache,
        store,
        policy,
        post_id,
        limit=limit,
        day=day,
        reveal_supervision=principal.can("see_supervision"),
        excluded_limit=excluded_limit,
    )
    audit.record("rank_candidates", (c["cadre_id"] for c in result["candidates"]))
    return result


class RoundRequest(BaseModel):
    post_ids: list[str] | None = Field(
        default=None, description="Posts of the round; default every vacancy"
    )
    must_fill: list[str] = Field(
        default_factory=list, description="Posts that may not stay unfilled"
    )
    min_young_share: float = Field(
        default=0.0, ge=0, le=1, description="Share of appointees under 35"
    )
    own_unit: Literal["allow", "exclude", "prefer"] = "allow"
    as_of: date | None = Field(default=None, ge=EARLIEST_DAY, le=LATEST_DAY)

    model_config = {
        "json_schema_extra": {
            "examples": [{"min_young_share": 0.3, "own_unit": "allow", "as_of": "2026-11-01"}]
        }
    }


@router.post(
    "/selection/round",
    response_model=RoundResult,
    summary="Fill a round of vacancies, best overall (整体选配)",
    responses={404: ERRORS[404], 422: ERRORS[422]},
)
def round_(
    request: RoundRequest,
    store: StoreDep,
    policy: PolicyDep,
    cache: CacheDep,
    audit: AuditDep,
) -> RoundResult:
    context = _context(cache, store, policy, request.as_of or date.today())
    unknown = [p for p in (request.post_ids or []) + request.must_fill if p not in context.posts]
    if unknown:
        raise HTTPException(status_code=404, detail=f"未找到以下编号的岗位：{'、'.join(unknown)}")
    try:
        result = run_round(
            context=context,
            post_ids=request.post_ids,
            must_fill=request.must_fill,
            min_young_share=request.min_young_share,
            own_unit=request.own_unit,
        )
    except InfeasibleRound as error:
        raise HTTPException(status_code=422, detail=str(error)) from None
    audit.record("selection_round", (a["cadre_id"] for a in result["assignments"]))
    return result


@router.get(
    "/selection/bench",
    response_model=BenchResult,
    summary="Succession bench per leadership post (后备梯队)",
    responses={404: ERRORS[404]},
)
def bench(
    store: StoreDep,
    policy: PolicyDep,
    cache: CacheDep,
    post_ids: Annotated[
        list[str] | None, Query(description="Posts; default every team post")
    ] = None,
    as_of: AsOf = None,
) -> BenchResult:
    day = as_of or date.today()
    context = _context(cache, store, policy, day)
    unknown = [p for p in post_ids or [] if p not in context.posts]
    if unknown:
        raise HTTPException(status_code=404, detail=f"未找到以下编号的岗位：{'、'.join(unknown)}")
    key = ("bench", tuple(sorted(post_ids)) if post_ids else None, day)
    result: BenchResult = cache.get(
        store, key, lambda: succession_bench(context=context, post_ids=post_ids)
    )
    return result


@router.get(
    "/selection/conflicts",
    response_model=CurrentConflicts,
    summary="Avoidance conflicts that exist now (现职回避情况)",
)
def conflicts(
    store: StoreDep,
    policy: PolicyDep,
    cache: CacheDep,
    principal: PrincipalDep,
    audit: AuditDep,
    as_of: AsOf = None,
) -> CurrentConflicts:
    day = as_of or date.today()
    found: list[CurrentConflict] = cache.get(
        store,
        ("conflicts", day),
        lambda: current_conflicts(store=store, policy=policy, as_of=day),
    )
    audit.record("avoidance_conflicts", (c["cadre_id"] for c in found))
    return {"conflicts": _shown(found, principal)}
