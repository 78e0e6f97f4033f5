"""``GET /api/v1/health``: open to all, says whether the store answers."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import CacheDep, StoreDep
from api.schemas import HealthOut
from graphsvc.stores import is_neo4j_url

router = APIRouter(tags=["health"])


@router.get(
    "/health",
    response_model=HealthOut,
    summary="Service and store health (open, no token)",
    responses={503: {"description": "The graph store does not answer"}},
)
def health(store: StoreDep, cache: CacheDep) -> HealthOut:
    counts = store.counts()
    return HealthOut(
        status="ok",
        store="neo4j" if is_neo4j_url(store.url) else "embedded",
        version=store.version(),
        nodes=counts.nodes,
        cache=cache.stats(),
    )
