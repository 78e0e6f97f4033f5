"""What every workbench page needs: the signed-in session, permission checks, CSRF, audit.

A page names the people it shows with :func:`shown`; the page audit (see
``api.web.site``) writes one entry per request with them, as the API does.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request

from graphsvc.access import AccessStore, Principal, Session
from graphsvc.settings import Settings

__all__ = [
    "SESSION_COOKIE",
    "PageError",
    "PasswordChangeRequired",
    "SessionDep",
    "SignInRequired",
    "allowed",
    "check_csrf",
    "optional_session",
    "reveal_for",
    "shown",
    "web_session",
]

SESSION_COOKIE = "gs_session"
_WHILE_ONE_TIME = {"/password", "/logout"}  # all a one-time password opens


class SignInRequired(Exception):
    """No live session: the page sends the reader to the sign-in page."""


class PasswordChangeRequired(Exception):
    """Signed in with a one-time password: the reader chooses their own first."""


class PageError(Exception):
    """A page that cannot be shown: a status and a message in Chinese for the reader."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def web_session(request: Request) -> Session:
    """The signed-in user behind the session cookie (idle sessions end)."""
    session_id = request.cookies.get(SESSION_COOKIE)
    if not session_id:
        raise SignInRequired
    access: AccessStore = request.app.state.access
    settings: Settings = request.app.state.settings
    session = access.session(session_id, idle=timedelta(minutes=settings.session_idle_minutes))
    if session is None:
        raise SignInRequired
    request.state.principal = session.principal
    request.state.web_session = session
    if session.must_change and request.url.path not in _WHILE_ONE_TIME:
        raise PasswordChangeRequired
    return session


SessionDep = Annotated[Session, Depends(web_session)]


def optional_session(request: Request) -> Session | None:
    """The signed-in session if there is one (for pages anyone may see, e.g. a 404)."""
    try:
        return web_session(request)
    except (SignInRequired, PasswordChangeRequired):
        return None


# What each permission is called in a refusal.
_PERMISSION_NAMES = {
    "read": "查阅干部信息",
    "select": "人岗匹配",
    "analyse": "干部队伍分析",
    "write": "修改数据",
    "audit": "查阅审计日志",
}


def allowed(*permissions: str) -> Callable[..., Session]:
    """A dependency that lets through sessions whose role has any of ``permissions``."""

    def check(session: SessionDep) -> Session:
        if not any(session.principal.can(p) for p in permissions):
            wanted = "或".join(_PERMISSION_NAMES.get(p, p) for p in permissions)
            raise PageError(403, f"您的角色（{session.role}）没有{wanted}的权限。")
        return session

    return check


def check_csrf(session: Session, token: str | None) -> None:
    """Refuse a write whose form does not carry the session's form token."""
    if not token or not secrets.compare_digest(token, session.csrf):
        raise PageError(403, "表单已失效或来源不明（缺少防伪令牌），请刷新页面后重试。")


def reveal_for(principal: Principal) -> set[str]:
    """The sensitive parts of a record this reader may see (as the API decides)."""
    return {
        part
        for part, permission in (
            ("id_number", "see_id_number"),
            ("kinship", "see_kinship"),
            ("supervision", "see_supervision"),
        )
        if principal.can(permission)
    }


def shown(request: Request, action: str | None, subjects: Iterable[str | None] = ()) -> None:
    """Name the action and the people a page shows, for its audit entry (``action`` None:
    add people, keep the action named so far)."""
    if action is not None:
        request.state.audit_action = action
    previous: list[str] = getattr(request.state, "audit_subjects", [])
    request.state.audit_subjects = [*previous, *(s for s in subjects if s)]
