"""``GET /api/v1/health``: open to all, says whether the store answers."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import CacheDep, StoreDep
from api.schemas import HealthOut
from graphsvc.model import EDGE_SPECS, NODE_SPECS
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
