"""The ASGI app factory: an entry point, so it wires the store into the routers."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from http import HTTPStatus

import orjson
from fastapi import FastAPI, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from api import web
from api.cache import AnalysisCache, GraphVersionHeaders
from api.routers import (
    audit,
    cadres,
    development,
    forms,
    guide,
    health,
    posts,
    records,
    selection,
    units,
)
from api.schemas import ERRORS, ErrorOut, Problem
from api.subjects import cadre_ids
from graphsvc.access import AccessStore, AuditEntry, AuditWriter
from graphsvc.messages import validation_reason
from graphsvc.settings import Settings, get_settings
from graphsvc.stores import StoreError, StoreUnavailable, open_store
from queries.selection.policy import load_policy

API_PREFIX = "/api/v1"
OPEN_PATHS = {f"{API_PREFIX}/health", f"{API_PREFIX}/labels"}  # no personal data
REBUILD_GAP = 1.0  # seconds between background rebuilds of the cached read models
log = logging.getLogger("graphsvc.api")
_ISO_DAY = "应写作YYYY-MM-DD，如2026-11-01"
# What the framework answers by itself (no route, wrong method), said in Chinese.
_FRAMEWORK_ERRORS = {
    404: "没有这个接口：{path}；接口列表见 /docs",
    405: "接口 {path} 不支持 {method} 请求；用法见 /docs",
}


def _error(status: int, detail: str, errors: list[Problem] | None = None) -> JSONResponse:
    body = ErrorOut(detail=detail, errors=errors or [])
    return JSONResponse(status_code=status, content=jsonable_encoder(body))


async def _people_shown(request: Request, response: Response) -> tuple[Response, list[str]]:
    """The cadre ids a successful JSON answer shows, found through its route's declared type;
    and the response to send (its body, once read, is sent as read)."""
    kind = getattr(request.scope.get("route"), "response_model", None)
    is_json = "json" in response.headers.get("content-type", "")
    if kind is None or not is_json or not 200 <= response.status_code < 300:
        return response, []
    body_iterator = getattr(response, "body_iterator", None)
    if body_iterator is None:
        body = bytes(getattr(response, "body", b""))
    else:
        chunks = [chunk async for chunk in body_iterator]
        body = b"".join(c.encode() if isinstance(c, str) else bytes(c) for c in chunks)
    found = await run_in_threadpool(lambda: cadre_ids(kind, orjson.loads(body)) if body else [])
    sent = Response(content=body, status_code=response.status_code, headers=response.headers)
    return sent, found


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the service for ``settings`` (the environment's by default)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.store = open_store(settings.store)
        app.state.access = AccessStore(settings.access_db)
        app.state.audit_writer = AuditWriter(app.state.access)
        try:
            yield
        finally:
            app.state.audit_writer.close()
            app.state.store.close()
            app.state.access.close()

    app = FastAPI(
        title="graphsvc",
        summary="Talent-network analysis for organization departments (组织部干部工作图谱服务)",
        description=(
            "Every endpoint but `/api/v1/health` needs `Authorization: Bearer TOKEN` "
            "(`graphsvc token create --role viewer|analyst|editor|admin --name NAME`). "
            "Roles: **viewer** reads records and runs selection; **analyst** also runs the "
            "development analyses and sees kinship and supervision records; **editor** also "
            "writes and sees full ID numbers; **admin** does everything and reads the audit "
            "log. Every request is audited. Errors share one shape: `detail` and `errors`."
        ),
        version="0.2.0",
        lifespan=lifespan,
        responses={401: ERRORS[401], 403: ERRORS[403], 503: ERRORS[503]},
    )
    app.state.settings = settings
    app.state.policy = load_policy(settings.policy)
    # Under a stream of writes the read models are rebuilt at most about once a second (and
    # never more than half the time): readers keep the CPU, answering from the last one.
    app.state.cache = AnalysisCache(settings.cache_entries, rebuild_gap=REBUILD_GAP)
    app.state.write_lock = threading.Lock()  # one writer at a time: validate, then write

    @app.exception_handler(StoreUnavailable)
    async def store_unavailable(_request: Request, error: StoreUnavailable) -> JSONResponse:
        return _error(503, f"图数据库暂时无法访问，请稍后重试或联系管理员：{error}")

    @app.exception_handler(StoreError)
    async def store_error(_request: Request, error: StoreError) -> JSONResponse:
        return _error(400, str(error))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        detail = str(error.detail)
        framework = _FRAMEWORK_ERRORS.get(error.status_code)
        if framework and detail == HTTPStatus(error.status_code).phrase:  # said in English
            detail = framework.format(method=request.method, path=request.url.path)
        response = _error(error.status_code, detail, getattr(error, "problems", None))
        for name, value in (error.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, error: RequestValidationError) -> JSONResponse:
        problems = [
            Problem(
                field=(field := ".".join(str(part) for part in item.get("loc", ()))),
                message=validation_reason(
                    item, str(item["loc"][-1]) if item.get("loc") else field, date_forms=_ISO_DAY
                ),
                value=item.get("input")
                if isinstance(item.get("input"), str | int | float)
                else None,
            )
            for item in error.errors()
        ]
        summary = "；".join(f"{p.field}：{p.message}" for p in problems[:5])
        return _error(422, f"请求有误：{summary}", problems)

    # Added before the audit middleware, which so wraps it: a refused header is audited too.
    app.add_middleware(GraphVersionHeaders, prefix=API_PREFIX)

    @app.middleware("http")
    async def audit_every_call(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        path = request.url.path
        if not path.startswith(API_PREFIX) or path in OPEN_PATHS:
            return await call_next(request)
        try:
            response = await call_next(request)
        except Exception:  # the last line of defence: a clear 500, logged and audited
            log.exception("unhandled error on %s %s", request.method, path)
            response = _error(500, "服务内部出错，本次请求已记录；请稍后重试或联系管理员")
        try:
            response, shown = await _people_shown(request, response)
        except Exception:  # an answer whose people cannot be named is not sent
            log.exception("cannot find the people in the answer to %s %s", request.method, path)
            response, shown = (
                _error(500, "服务内部出错，本次请求已记录；请稍后重试或联系管理员"),
                [],
            )
        principal = getattr(request.state, "principal", None)
        client = request.client
        entry = AuditEntry(
            method=request.method,
            path=path,
            query=str(request.url.query),
            status=response.status_code,
            action=getattr(request.state, "audit_action", "call"),
            who=principal.name if principal else None,
            role=principal.role if principal else None,
            client=f"{client.host}:{client.port}" if client else None,
            # Whom the endpoint named, then everyone its answer's type marks as a cadre.
            subjects=list(dict.fromkeys([*getattr(request.state, "audit_subjects", []), *shown])),
        )
        try:
            # Group commit: answered only once the transaction holding the entry is durable.
            await asyncio.wrap_future(app.state.audit_writer.submit(entry))
        except Exception:  # no answer leaves without its audit entry
            log.exception("cannot write the audit entry for %s %s", request.method, path)
            return _error(503, "审计日志无法写入，为保护数据本次结果未予返回；请联系管理员")
        return response

    for module in (health, cadres, posts, units, selection, development, records, forms, audit):
        app.include_router(module.router, prefix=API_PREFIX)
    app.include_router(guide.router)  # /browser-guide: open, no personal data, outside the API
    web.install(app, api_prefix=API_PREFIX)  # the workbench pages under /
    return app
