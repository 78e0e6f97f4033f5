"""``GET /api/v1/health``: open to all, says only that the service is up and its version.

What is in the graph (counts by type, the graph version, cache figures) is
``GET /api/v1/health/detail``, for any valid token: even counts say something
about a department's cadres.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version

from fastapi import APIRouter

from api.deps import CacheDep, PrincipalDep, StoreDep
from api.schemas import HealthDetailOut, HealthOut
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
    summary="Is the service up? Its version (open, no token)",
    responses={503: {"description": "The graph store does not answer"}},
)
def health(store: StoreDep) -> HealthOut:
    store.version()  # a store that does not answer makes this a 503
    return HealthOut(status="ok", version=service_version())


@router.get(
    "/health/detail",
    response_model=HealthDetailOut,
    summary="Store kind, graph version, counts by type, cache figures (any role)",
    responses={503: {"description": "The graph store does not answer"}},
)
def health_detail(store: StoreDep, cache: CacheDep, _caller: PrincipalDep) -> HealthDetailOut:
    counts = store.counts()
    return HealthDetailOut(
        status="ok",
        version=service_version(),
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
