"""The ASGI app factory: an entry point, so it wires the store into the routers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from api.routers import cadres, development, health, posts, selection, units
from graphsvc.settings import Settings, get_settings
from graphsvc.stores import StoreError, StoreUnavailable, open_store
from queries.selection.policy import load_policy

API_PREFIX = "/api/v1"


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the service for ``settings`` (the environment's by default)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.store = open_store(settings.store)
        try:
            yield
        finally:
            app.state.store.close()

    app = FastAPI(
        title="graphsvc",
        summary="Talent-network analysis for organization departments (组织部干部工作图谱服务)",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings

    @app.exception_handler(StoreUnavailable)
    async def store_unavailable(_request: Request, error: StoreUnavailable) -> JSONResponse:
        return JSONResponse(status_code=503, content={"detail": f"store unavailable: {error}"})

    @app.exception_handler(StoreError)
    async def store_error(_request: Request, error: StoreError) -> JSONResponse:
        return JSONResponse(status_code=400, content={"detail": str(error)})

    app.state.policy = load_policy(settings.policy)
    routers = (health, cadres, posts, units, selection, development)
    for router in (module.router for module in routers):
        app.include_router(router, prefix=API_PREFIX)
    return app
