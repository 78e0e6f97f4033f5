"""The cadre section's analyses: mentoring, teams, the pool, training, network, targets.

For analysts and admins. Results are cached per graph version and day.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from api.deps import AuditDep, CacheDep, PolicyDep, StoreDep, require
from queries.development.data import DevelopmentData
from queries.development.mentoring import coverage, recommend_mentors
from queries.development.network import network_analysis
from queries.development.pool import pool_review
from queries.development.targets import target_figures
from queries.development.teams import team_structure
from queries.development.training import training_compliance

router = APIRouter(tags=["development"], dependencies=[Depends(require("analyse"))])

AsOf = Annotated[
    date | None,
    Query(description="Day of the analysis (default today)", examples=["2026-11-01"]),
]


def _run(
    name: str,
    analysis: Callable[..., dict[str, Any]],
    store: StoreDep,
    policy: PolicyDep,
    cache: CacheDep,
    audit: AuditDep,
    as_of: date | None,
) -> dict[str, Any]:
    day = as_of or date.today()

    def compute() -> dict[str, Any]:
        data = cache.get(
            store,
            ("development", day),
            lambda: DevelopmentData.load(store, policy=policy, as_of=day),
            heavy=True,
        )
        return analysis(data=data)

    audit.record(f"analysis:{name}")
    result: dict[str, Any] = cache.get(store, (name, day), compute)
    return result


@router.get("/mentoring", summary="Mentoring coverage and its gaps (导师帮带覆盖)")
def mentoring(
    store: StoreDep, policy: PolicyDep, cache: CacheDep, audit: AuditDep, as_of: AsOf = None
) -> dict[str, Any]:
    return _run("mentoring", coverage, store, policy, cache, audit, as_of)


@router.get(
    "/mentoring/recommendations",
    summary="Proposed mentor pairings, optimal by min-cost flow (导师结对建议)",
)
def mentoring_recommendations(
    store: StoreDep, policy: PolicyDep, cache: CacheDep, audit: AuditDep, as_of: AsOf = None
) -> dict[str, Any]:
    return _run("recommendations", recommend_mentors, store, policy, cache, audit, as_of)


@router.get("/teams", summary="Leadership-team structure, ranked for adjustment (班子结构)")
def teams(
    store: StoreDep, policy: PolicyDep, cache: CacheDep, audit: AuditDep, as_of: AsOf = None
) -> dict[str, Any]:
    return _run("teams", team_structure, store, policy, cache, audit, as_of)


@router.get("/pool", summary="The young-cadre pool: composition, entry, exit review (年轻干部库)")
def pool(
    store: StoreDep, policy: PolicyDep, cache: CacheDep, audit: AuditDep, as_of: AsOf = None
) -> dict[str, Any]:
    return _run("pool", pool_review, store, policy, cache, audit, as_of)


@router.get("/training", summary="Training compliance (教育培训达标)")
def training(
    store: StoreDep, policy: PolicyDep, cache: CacheDep, audit: AuditDep, as_of: AsOf = None
) -> dict[str, Any]:
    return _run("training", training_compliance, store, policy, cache, audit, as_of)


@router.get("/network", summary="Collaboration network: communities, bridges, quiet performers")
def network(
    store: StoreDep, policy: PolicyDep, cache: CacheDep, audit: AuditDep, as_of: AsOf = None
) -> dict[str, Any]:
    return _run("network", network_analysis, store, policy, cache, audit, as_of)


@router.get("/targets", summary="The report's targets per year (目标完成情况)")
def targets(
    store: StoreDep, policy: PolicyDep, cache: CacheDep, audit: AuditDep, as_of: AsOf = None
) -> dict[str, Any]:
    return _run("targets", target_figures, store, policy, cache, audit, as_of)
