"""``GET /api/v1/health``: open to all, says only that the service is up and its version,
and while the read models are prepared after a start (``warming``), how far that has got.

What is in the graph (counts by type, the graph version, cache figures) is
``GET /api/v1/health/detail``, for any valid token: even counts say something
about a department's cadres.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version

from fastapi import APIRouter, Request

from api.deps import CacheDep, PrincipalDep, StoreDep
from api.schemas import HealthDetailOut, HealthOut, WarmingOut
from graphsvc.model import EDGE_SPECS, NODE_SPECS
from graphsvc.stores import is_neo4j_url

router = APIRouter(tags=["health"])


@lru_cache(maxsize=1)
def service_version() -> str:
    """The installed graphsvc package's version (``unknown`` when run uninstalled)."""
    try:
        return package_version("graphsvc")
    except PackageNotFoundError:
        return "unknown"


@router.get(
    "/health",
    response_model=HealthOut,
    response_model_exclude_none=True,
    summary="Is the service up? Its version (open, no token)",
    responses={503: {"description": "The graph store does not answer"}},
)
def health(store: StoreDep, request: Request) -> HealthOut:
    store.version()  # a store that does not answer makes this a 503
    warming = getattr(request.app.state, "warming", None)
    if warming is not None and not warming.ready:
        return HealthOut(
            status="warming", version=service_version(), warming=WarmingOut(**warming.as_dict())
        )
    return HealthOut(status="ok", version=service_version())


@router.get(
    "/health/detail",
    response_model=HealthDetailOut,
    summary="Store kind, graph version, counts by type, cache figures (any role)",
    responses={503: {"description": "The graph store does not answer"}},
)
def health_detail(
    store: StoreDep, cache: CacheDep, _caller: PrincipalDep, request: Request
) -> HealthDetailOut:
    counts = store.counts()
    warming = getattr(request.app.state, "warming", None)
    return HealthDetailOut(
        status="warming" if warming is not None and not warming.ready else "ok",
        version=service_version(),
        warming=WarmingOut(**warming.as_dict()) if warming is not None else None,
        store="neo4j" if is_neo4j_url(store.url) else "embedded",
        graph_version=store.version(),
        nodes=counts.nodes,
        edges=counts.edges,
        cache=cache.stats(),
    )


@router.get(
    "/labels",
    response_model=dict[str, dict[str, str]],
    summary="Chinese labels of every record type and field (字段中文名, open)",
)
def labels() -> dict[str, dict[str, str]]:
    """``{"Cadre": {"name": "姓名", "birth": "出生年月", ...}, ...}``: for screens and exports."""
    found: dict[str, dict[str, str]] = {}
    for spec in NODE_SPECS:
        found[spec.label] = {"": spec.table_zh} | {
            name: info.title or name for name, info in spec.model.model_fields.items()
        }
    for edge in EDGE_SPECS:
        if edge.model is not None:
            found[edge.type] = {"": edge.table_zh or edge.type} | {
                name: info.title or name for name, info in edge.model.model_fields.items()
            }
    return found
