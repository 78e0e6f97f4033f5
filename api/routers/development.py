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
from queries.development.results import (
    CoverageResult,
    NetworkResult,
    PoolResult,
    RecommendationResult,
    TargetsResult,
    TeamsResult,
    TrainingResult,
)
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
    analysis: Callable[..., Any],
    store: StoreDep,
    policy: PolicyDep,
    cache: CacheDep,
    audit: AuditDep,
    as_of: date | None,
) -> Any:
    day = as_of or date.today()

    def compute() -> Any:
        data = cache.get(
            store,
            ("development", day),
            lambda: DevelopmentData.load(store, policy=policy, as_of=day),
            heavy=True,
        )
        return analysis(data=data)

    audit.record(f"analysis:{name}")
    return cache.get(store, (name, day), compute)


# (path, cache name, analysis, summary, answer type): one GET endpoint each, all alike.
# The answer type is the route's response_model: the OpenAPI schema and what the audit
# walks to name the people shown.
_ENDPOINTS: tuple[tuple[str, str, Callable[..., Any], str, type[Any]], ...] = (
    (
        "/mentoring",
        "mentoring",
        coverage,
        "Mentoring coverage and its gaps (导师帮带覆盖)",
        CoverageResult,
    ),
    (
        "/mentoring/recommendations",
        "recommendations",
        recommend_mentors,
        "Proposed mentor pairings, optimal by min-cost flow (导师结对建议)",
        RecommendationResult,
    ),
    (
        "/teams",
        "teams",
        team_structure,
        "Leadership-team structure, ranked (班子结构)",
        TeamsResult,
    ),
    (
        "/pool",
        "pool",
        pool_review,
        "The young-cadre pool: composition, entry, exit (年轻干部库)",
        PoolResult,
    ),
    (
        "/training",
        "training",
        training_compliance,
        "Training compliance (教育培训达标)",
        TrainingResult,
    ),
    (
        "/network",
        "network",
        network_analysis,
        "Collaboration network: communities, bridges, quiet performers (协作网络)",
        NetworkResult,
    ),
    (
        "/targets",
        "targets",
        target_figures,
        "The report's targets per year (目标完成情况)",
        TargetsResult,
    ),
)


def _endpoint(name: str, analysis: Callable[..., Any]) -> Callable[..., Any]:
    def endpoint(
        store: StoreDep, policy: PolicyDep, cache: CacheDep, audit: AuditDep, as_of: AsOf = None
    ) -> Any:
        return _run(name, analysis, store, policy, cache, audit, as_of)

    endpoint.__name__ = name
    return endpoint


for path, name, analysis, summary, answer in _ENDPOINTS:
    router.add_api_route(
        path, _endpoint(name, analysis), methods=["GET"], summary=summary, response_model=answer
    )
