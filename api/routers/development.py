"""The cadre section's analyses: mentoring, teams, the pool, training, network, targets."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.deps import PolicyDep, StoreDep
from queries.development.data import DevelopmentData
from queries.development.mentoring import coverage, recommend_mentors
from queries.development.network import network_analysis
from queries.development.pool import pool_review
from queries.development.targets import target_figures
from queries.development.teams import team_structure
from queries.development.training import training_compliance

router = APIRouter(tags=["development"])

AsOf = Annotated[date | None, Query(description="Day of the analysis (default today)")]


def _data(store: StoreDep, policy: PolicyDep, as_of: date | None) -> DevelopmentData:
    return DevelopmentData.load(store, policy=policy, as_of=as_of or date.today())


@router.get("/mentoring", summary="Mentoring coverage and its gaps (导师帮带覆盖)")
def mentoring(store: StoreDep, policy: PolicyDep, as_of: AsOf = None) -> dict[str, Any]:
    return coverage(data=_data(store, policy, as_of))


@router.get(
    "/mentoring/recommendations",
    summary="Proposed mentor pairings, optimal by min-cost flow (导师结对建议)",
)
def mentoring_recommendations(
    store: StoreDep, policy: PolicyDep, as_of: AsOf = None
) -> dict[str, Any]:
    return recommend_mentors(data=_data(store, policy, as_of))


@router.get("/teams", summary="Leadership-team structure, ranked for adjustment (班子结构)")
def teams(store: StoreDep, policy: PolicyDep, as_of: AsOf = None) -> dict[str, Any]:
    return team_structure(data=_data(store, policy, as_of))


@router.get("/pool", summary="The young-cadre pool: composition, entry, exit review (年轻干部库)")
def pool(store: StoreDep, policy: PolicyDep, as_of: AsOf = None) -> dict[str, Any]:
    return pool_review(data=_data(store, policy, as_of))


@router.get("/training", summary="Training compliance (教育培训达标)")
def training(store: StoreDep, policy: PolicyDep, as_of: AsOf = None) -> dict[str, Any]:
    return training_compliance(data=_data(store, policy, as_of))


@router.get("/network", summary="Collaboration network: communities, bridges, quiet performers")
def network(store: StoreDep, policy: PolicyDep, as_of: AsOf = None) -> dict[str, Any]:
    return network_analysis(data=_data(store, policy, as_of))


@router.get("/targets", summary="The report's targets per year (目标完成情况)")
def targets(store: StoreDep, policy: PolicyDep, as_of: AsOf = None) -> dict[str, Any]:
    return target_figures(data=_data(store, policy, as_of))
