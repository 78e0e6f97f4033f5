"""The cadre section's analyses: mentoring, teams, the pool, training, network, targets.

For analysts and admins. Results are cached per graph version and day.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from api import models
from api.deps import AuditDep, CacheDep, PolicyDep, StoreDep, require
from queries.analyses import ANALYSES

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
    audit.record(f"analysis:{name}")
    return models.analysis(cache, store, policy, name, as_of or date.today(), analysis)


# (path, cache name, analysis, summary, answer type): one GET endpoint each, all alike, from
# the registry. The answer type is the route's response_model: the OpenAPI schema and what
# the audit walks to name the people shown.
_ENDPOINTS: tuple[tuple[str, str, Callable[..., Any], str, type[Any]], ...] = tuple(
    (analysis.path, analysis.name, analysis.compute, analysis.summary, analysis.result_type)
    for analysis in ANALYSES.values()
    if analysis.path is not None
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
