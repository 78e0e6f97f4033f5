"""The ASGI app factory: an entry point, so it wires the store into the routers."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from http import HTTPStatus
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from api import web
from api.cache import AnalysisCache, GraphVersionHeaders
from api.models import start_warming
from api.openapi import document_errors
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
from api.schemas import ErrorOut, Problem
from api.subjects import cadre_ids
from api.uploads import CloseUnreadBody, LimitPlainBodies, UploadSlots
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
    400: "无法解析请求体：请检查其格式与 Content-Type；用法见 /docs",
    404: "没有这个接口：{path}；接口列表见 /docs",
    405: "接口 {path} 不支持 {method} 请求；用法见 /docs",
}
# What the framework says in English, besides a status's own phrase.
_FRAMEWORK_DETAILS = {"There was an error parsing the body"}


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:  # 499 and the like
        return ""


def _error(status: int, detail: str, errors: list[Problem] | None = None) -> JSONResponse:
    body = ErrorOut(detail=detail, errors=errors or [])
    return JSONResponse(status_code=status, content=jsonable_encoder(body))


_PEOPLE_INLINE = 256 * 1024  # bytes of JSON read on the event loop; larger answers in a thread


def _people_in(kind: Any, body: bytes) -> list[str]:
    return cadre_ids(kind, orjson.loads(body)) if body else []


class AuditEveryCall:
    """ASGI middleware: one audit entry for every API call, durable before the answer leaves.

    A successful JSON answer of a route with a declared type is held back, read for the
    people it shows (``api.subjects``), audited, then sent; any other answer is audited when
    its status is known and then streams through. An answer whose people cannot be named is
    replaced by a 500, one whose entry cannot be written by a 503 (the entry goes through
    the app's :class:`~graphsvc.access.AuditWriter`: group commit). A plain ASGI middleware,
    not ``@app.middleware``: no extra task and stream per call.
    """

    def __init__(self, app: ASGIApp, *, prefix: str, open_paths: set[str]) -> None:
        self.app = app
        self.prefix = prefix
        self.open_paths = open_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] != "http" or not path.startswith(self.prefix) or path in self.open_paths:
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        start: Message | None = None
        held: list[bytes] = []
        state = {"streaming": False, "refused": False}

        async def hold_or_pass(message: Message) -> None:
            nonlocal start
            if state["refused"]:
                return  # the answer was replaced (its audit entry could not be written)
            if message["type"] == "http.response.start":
                start = message
                if not self._reads_people(scope, message):
                    if await self._audit(request, int(message["status"]), []):
                        state["streaming"] = True
                        await send(message)
                    else:
                        state["refused"] = True
                        await self._refuse(scope, receive, send)
                return
            if message["type"] == "http.response.body" and not state["streaming"]:
                held.append(bytes(message.get("body", b"")))
                return
            await send(message)

        try:
            await self.app(scope, receive, hold_or_pass)
        except Exception:  # the last line of defence: a clear 500, logged and audited
            if state["streaming"] or state["refused"]:
                raise  # already answered: nothing left to replace
            log.exception("unhandled error on %s %s", request.method, path)
            await self._fail(request, scope, receive, send)
            return
        if state["streaming"] or state["refused"] or start is None:
            return
        body = b"".join(held)
        kind = getattr(scope.get("route"), "response_model", None)
        try:
            if len(body) <= _PEOPLE_INLINE:
                shown = _people_in(kind, body)
            else:
                shown = await run_in_threadpool(_people_in, kind, body)
        except Exception:  # an answer whose people cannot be named is not sent
            log.exception("cannot find the people in the answer to %s %s", request.method, path)
            await self._fail(request, scope, receive, send)
            return
        if not await self._audit(request, int(start["status"]), shown):
            await self._refuse(scope, receive, send)
            return
        await send(start)
        await send({"type": "http.response.body", "body": body, "more_body": False})

    @staticmethod
    def _reads_people(scope: Scope, start: Message) -> bool:
        """Whether the answer must be read for the people it shows before it is sent."""
        kind = getattr(scope.get("route"), "response_model", None)
        content_type = Headers(raw=start.get("headers", [])).get("content-type", "")
        return kind is not None and "json" in content_type and 200 <= start["status"] < 300

    @staticmethod
    async def _audit(request: Request, status: int, shown: list[str]) -> bool:
        """Write the call's entry and wait until it is durable; False if it cannot be."""
        state = request.state
        principal = getattr(state, "principal", None)
        client = request.client
        entry = AuditEntry(
            method=request.method,
            path=request.url.path,
            query=str(request.url.query),
            status=status,
            action=getattr(state, "audit_action", "call"),
            who=principal.name if principal else None,
            role=principal.role if principal else None,
            client=f"{client.host}:{client.port}" if client else None,
            # Whom the endpoint named, then everyone its answer's type marks as a cadre.
            subjects=list(dict.fromkeys([*getattr(state, "audit_subjects", []), *shown])),
        )
        try:
            writer: AuditWriter = request.app.state.audit_writer
            # Group commit: answered only once the transaction holding the entry is durable.
            await asyncio.wrap_future(writer.submit(entry))
        except Exception:  # no answer leaves without its audit entry
            log.exception(
                "cannot write the audit entry for %s %s", request.method, request.url.path
            )
            return False
        return True

    async def _fail(self, request: Request, scope: Scope, receive: Receive, send: Send) -> None:
        """A clear 500 in place of an answer that cannot be given, audited (or refused)."""
        answer = _error(500, "服务内部出错，本次请求已记录；请稍后重试或联系管理员")
        if await self._audit(request, answer.status_code, []):
            await answer(scope, receive, send)
        else:
            await self._refuse(scope, receive, send)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send) -> None:
        answer = _error(503, "审计日志无法写入，为保护数据本次结果未予返回；请联系管理员")
        await answer(scope, receive, send)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the service for ``settings`` (the environment's by default)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.store = open_store(settings.store)
        app.state.access = AccessStore(settings.access_db, audit_key=settings.audit_key)
        app.state.audit_writer = AuditWriter(app.state.access)
        if settings.warm:  # the read models prepared in the background (GET /health)
            app.state.warming = start_warming(app.state.cache, app.state.store, app.state.policy)
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
    )
    document_errors(app, prefix=API_PREFIX)  # one error shape, declared
    app.state.settings = settings
    app.state.policy = load_policy(settings.policy)
    # Under a stream of writes the read models are rebuilt at most about once a second (and
    # never more than half the time): readers keep the CPU, answering from the last one.
    app.state.cache = AnalysisCache(settings.cache_entries, rebuild_gap=REBUILD_GAP)
    app.state.write_lock = threading.Lock()  # one writer at a time (api.uploads.write_in_turn)
    app.state.upload_slots = UploadSlots(settings.uploads_at_once)

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
        english = {_phrase(error.status_code), *_FRAMEWORK_DETAILS}
        if framework and detail in english:  # said in English by the framework
            detail = framework.format(method=request.method, path=request.url.path)
        response = _error(error.status_code, detail, getattr(error, "problems", None))
        for name, value in (error.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, error: RequestValidationError) -> JSONResponse:
        unreadable = [item for item in error.errors() if item.get("type") == "json_invalid"]
        if unreadable:  # not JSON at all: the request, not a value in it, is wrong
            where = unreadable[0].get("loc", ("body", 0))[-1]
            return _error(
                400,
                f"请求体不是有效的JSON（第{where}个字符附近有误）；请检查格式与 Content-Type",
                [Problem(field="body", message="不是有效的JSON")],
            )
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

    app.add_middleware(GraphVersionHeaders, prefix=API_PREFIX)
    app.add_middleware(LimitPlainBodies, prefix=API_PREFIX, max_mb=settings.body_max_mb)
    app.add_middleware(CloseUnreadBody, prefix=API_PREFIX)  # a refused upload is not read on

    # Added after GraphVersionHeaders, so that it wraps it: a refused header is audited too.
    app.add_middleware(AuditEveryCall, prefix=API_PREFIX, open_paths=OPEN_PATHS)

    for module in (health, cadres, posts, units, selection, development, records, forms, audit):
        app.include_router(module.router, prefix=API_PREFIX)
    app.include_router(guide.router)  # /browser-guide: open, no personal data, outside the API
    web.install(app, api_prefix=API_PREFIX)  # the workbench pages under /
    if settings.trusted_proxies:
        # Added last, so outermost: the client and scheme a trusted proxy names are what
        # everything sees (the audit's address, sign-in throttling, the Secure cookie); from
        # anyone else X-Forwarded-* are ignored.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    return app
