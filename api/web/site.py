"""Wiring the workbench into the app: routers, static files, error pages and page audit."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.web import (
    audit,
    auth,
    development,
    imports,
    mentoring,
    network,
    overview,
    paths,
    people,
    pool,
    proposals,
    rounds,
    selection,
)
from api.web.deps import PageError, PasswordChangeRequired, SignInRequired, optional_session
from api.web.render import render
from graphsvc.access import AuditEntry
from graphsvc.stores import StoreError, StoreUnavailable

__all__ = ["install_site"]

STATIC = Path(__file__).parent / "static"
log = logging.getLogger("graphsvc.web")

# No inline script, nothing from elsewhere: the pages work on an intranet without internet.
_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline';"
        " img-src 'self' data:; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def _back(request: Request) -> str:
    """Where 返回上一页 leads without script: the referring page of this site, else home."""
    referrer = urlsplit(request.headers.get("referer", ""))
    here = urlsplit(str(request.url))
    if referrer.netloc != here.netloc or not referrer.path.startswith("/"):
        return "/"
    if referrer.path == here.path and referrer.query == here.query:
        return "/"
    return referrer.path + (f"?{referrer.query}" if referrer.query else "")


def _error_page(request: Request, status: int, message: str) -> Response:
    session = getattr(request.state, "web_session", None) or optional_session(request)
    return render(
        request,
        "error.html",
        title="无法显示",
        session=session,
        status=status,
        message=message,
        back=_back(request),
    )


async def _delegate(handler: Any, request: Request, error: Exception) -> Response:
    """Hand an API path's error to the app's own (JSON) handler."""
    result = handler(request, error)
    response: Response = await result if inspect.isawaitable(result) else result
    return response


def install_site(app: FastAPI, *, api_prefix: str) -> None:
    # FastAPI's own documentation pages are not workbench pages (they load Swagger UI).
    not_pages = {app.docs_url, app.redoc_url, app.openapi_url, app.swagger_ui_oauth2_redirect_url}

    def is_page(request: Request) -> bool:
        path = request.url.path
        return (
            not path.startswith(api_prefix)
            and not path.startswith("/static/")
            and path not in not_pages
        )

    api_http_error = app.exception_handlers.get(StarletteHTTPException)
    api_invalid = app.exception_handlers.get(RequestValidationError)
    api_store_error = app.exception_handlers.get(StoreError)
    api_unavailable = app.exception_handlers.get(StoreUnavailable)

    async def sign_in_required(request: Request, _error: Exception) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    async def password_change(_request: Request, _error: Exception) -> Response:
        return RedirectResponse("/password", status_code=303)

    async def page_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, PageError)
        return _error_page(request, error.status, error.message)

    async def http_error(request: Request, error: Exception) -> Response:
        if not is_page(request) and api_http_error:
            return await _delegate(api_http_error, request, error)
        assert isinstance(error, StarletteHTTPException)
        message = {404: "没有这个页面。", 405: "不支持这种请求方式。"}.get(
            error.status_code, "请求无法处理。"
        )
        return _error_page(request, error.status_code, message)

    async def invalid(request: Request, error: Exception) -> Response:
        if not is_page(request) and api_invalid:
            return await _delegate(api_invalid, request, error)
        return _error_page(request, 400, "参数不正确，请检查链接或表单中填写的内容。")

    async def store_down(request: Request, error: Exception) -> Response:
        if not is_page(request) and api_unavailable:
            return await _delegate(api_unavailable, request, error)
        log.warning("graph store unavailable: %s", error)
        return _error_page(request, 503, "图数据库暂时无法连接，请稍后再试或联系管理员。")

    async def store_error(request: Request, error: Exception) -> Response:
        if not is_page(request) and api_store_error:
            return await _delegate(api_store_error, request, error)
        return _error_page(request, 400, f"查询无法完成：{error}")

    app.add_exception_handler(SignInRequired, sign_in_required)
    app.add_exception_handler(PasswordChangeRequired, password_change)
    app.add_exception_handler(PageError, page_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(StoreUnavailable, store_down)
    app.add_exception_handler(StoreError, store_error)

    @app.middleware("http")
    async def audit_every_page(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        if not is_page(request):
            return await call_next(request)
        try:
            response = await call_next(request)
        except Exception:  # no stack trace reaches the reader
            log.exception("unhandled error on %s %s", request.method, request.url.path)
            response = _error_page(request, 500, "页面出错了，错误已记录，请联系管理员。")
        for name, value in _SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        principal = getattr(request.state, "principal", None)
        client = request.client
        entry = AuditEntry(
            method=request.method,
            path=request.url.path,
            query=str(request.url.query),
            status=response.status_code,
            action=getattr(request.state, "audit_action", "page"),
            who=principal.name if principal else getattr(request.state, "audit_who", None),
            role=principal.role if principal else None,
            client=f"{client.host}:{client.port}" if client else None,
            subjects=list(getattr(request.state, "audit_subjects", [])),
        )
        try:
            await run_in_threadpool(app.state.access.append, entry)
        except Exception:  # no page leaves without its audit entry
            log.exception("cannot write the audit entry for %s", request.url.path)
            return _error_page(request, 503, "审计日志无法写入，页面内容已被扣留。")
        return response

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (
        auth,
        overview,
        selection,
        rounds,
        people,
        development,
        mentoring,
        pool,
        network,
        paths,
        proposals,
        imports,
        audit,
    ):
        app.include_router(module.router, include_in_schema=False)
