"""Sign-in, sign-out and changing one's password (at once after a one-time password).

A wrong password makes the next try of that account wait longer each time (1 s, 2 s, 4 s,
... up to ``sign_in_max_wait_seconds``), and so, beyond ``sign_in_address_allowance``
failures, the next try from that address; a right one clears the account's count. The wait
is checked and the try counted in one step (``AccessStore.begin_sign_in``), so concurrent
tries cannot slip past it."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from api.web.deps import SESSION_COOKIE, SessionDep, check_csrf
from api.web.render import render
from graphsvc.access import AccessError, AccessStore, SignInThrottle
from graphsvc.settings import Settings

router = APIRouter()

_FORM_COOKIE = "gs_form"  # the sign-in form's own anti-forgery token (no session yet)


def throttle(request: Request) -> SignInThrottle:
    """The sign-in throttle the settings ask for."""
    settings: Settings = request.app.state.settings
    return SignInThrottle(
        max_wait=settings.sign_in_max_wait_seconds,
        address_allowance=settings.sign_in_address_allowance,
        forget=timedelta(minutes=settings.sign_in_forget_minutes),
        first_wait=settings.sign_in_first_wait_seconds,
    )


def _address(request: Request) -> str:
    # The peer, or the client a trusted proxy names (api.app believes only those).
    return request.client.host if request.client else "unknown"


def _too_many(remaining: float) -> str:
    if remaining >= 1:
        return f"登录失败次数过多，请{remaining:.0f}秒后再试。"
    return "登录失败次数过多，请稍后再试。"


def _session_cookie(response: Response, request: Request, session_id: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        session_id,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )


def _safe_next(target: str | None) -> str:
    # Only paths on this site: never an address elsewhere (//host or a scheme).
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _login_page(
    request: Request, *, message: str = "", name: str = "", status: int = 200, target: str = "/"
) -> Response:
    token = secrets.token_urlsafe(24)
    response = render(
        request,
        "login.html",
        title="登录",
        message=message,
        name=name,
        form_token=token,
        target=target,
        status=status,
    )
    response.set_cookie(
        _FORM_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/login",
    )
    return response


@router.get("/login")
def login_form(request: Request, next: str | None = None) -> Response:
    request.state.audit_action = "sign_in_form"
    return _login_page(request, target=_safe_next(next))


@router.post("/login")
async def login(
    request: Request,
    name: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    form_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    access: AccessStore = request.app.state.access
    target = _safe_next(next)
    name = name.strip()
    request.state.audit_action = "sign_in"
    request.state.audit_who = name or None
    cookie = request.cookies.get(_FORM_COOKIE, "")
    if not form_token or not secrets.compare_digest(form_token, cookie):
        return _login_page(
            request, message="登录表单已失效，请重新输入。", name=name, status=403, target=target
        )
    if not name or not password:
        return _login_page(request, message="请输入用户名和密码。", name=name, status=400)
    rule, address = throttle(request), _address(request)
    remaining = await run_in_threadpool(lambda: access.begin_sign_in(name, address, throttle=rule))
    if remaining > 0:
        return _login_page(
            request, message=_too_many(remaining), name=name, status=429, target=target
        )
    principal = await run_in_threadpool(access.check_password, name, password)
    failures = await run_in_threadpool(
        lambda: access.end_sign_in(name, address, succeeded=principal is not None)
    )
    if principal is None:
        return _login_page(
            request,
            message=f"用户名或密码不正确。下次尝试需等待{rule.wait_after(failures):.0f}秒。",
            name=name,
            status=401,
            target=target,
        )
    session_id, _ = await run_in_threadpool(access.open_session, principal)
    request.state.principal = principal
    response = RedirectResponse(target, status_code=303)
    _session_cookie(response, request, session_id)
    response.delete_cookie(_FORM_COOKIE, path="/login")
    return response


@router.get("/password")
def password_form(request: Request, session: SessionDep) -> Response:
    request.state.audit_action = "password_form"
    return render(request, "password.html", title="修改密码", session=session, message="")


@router.post("/password")
async def change_password(
    request: Request,
    session: SessionDep,
    current: Annotated[str, Form()] = "",
    new: Annotated[str, Form()] = "",
    repeat: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(session, csrf)
    request.state.audit_action = "change_password"
    access: AccessStore = request.app.state.access
    rule, address = throttle(request), _address(request)

    def again(message: str, status: int) -> Response:
        return render(
            request,
            "password.html",
            title="修改密码",
            session=session,
            message=message,
            status=status,
        )

    remaining = await run_in_threadpool(
        lambda: access.begin_sign_in(session.user, address, throttle=rule)
    )
    if remaining > 0:
        return again(_too_many(remaining), 429)
    right = await run_in_threadpool(access.check_password, session.user, current) is not None
    await run_in_threadpool(lambda: access.end_sign_in(session.user, address, succeeded=right))
    if not right:
        return again("当前密码不正确。", 400)
    if new != repeat:
        return again("两次输入的新密码不一致。", 400)
    if new == current:
        return again("新密码不能与当前密码相同。", 400)
    try:
        await run_in_threadpool(
            lambda: access.set_password(name=session.user, password=new, one_time=False)
        )
    except AccessError as error:
        return again(f"{error}。", 400)
    # Changing the password ended every session of the user; this one continues anew.
    session_id, _ = await run_in_threadpool(access.open_session, session.principal)
    response = RedirectResponse("/", status_code=303)
    _session_cookie(response, request, session_id)
    return response


@router.post("/logout")
def logout(request: Request, session: SessionDep, csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(session, csrf)
    access: AccessStore = request.app.state.access
    access.close_session(request.cookies.get(SESSION_COOKIE, ""))
    request.state.audit_action = "sign_out"
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
