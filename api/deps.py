"""Dependencies shared by the routers, as ``Annotated`` aliases.

The cheap ones are ``async``: FastAPI runs a plain ``def`` dependency in a worker thread,
and that hand-off costs more than they do.

``require(permission)`` guards a router or an endpoint: no or a bad bearer token
gives 401, a role without the permission 403. ``Audit`` lets an endpoint name
its action and the people whose records a request read or changed; the audit
middleware adds everyone its answer's type marks ``CadreId`` (``api.subjects``)
and writes the entry when the response is sent.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from datetime import date
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api import models
from api.cache import AnalysisCache
from graphsvc.access import PERMISSION_TITLES, AccessStore, Principal
from graphsvc.settings import Settings
from graphsvc.stores import GraphStore
from queries.directory import Directory
from queries.selection.policy import SelectionPolicy

_bearer = HTTPBearer(
    auto_error=False,
    description="A token from `graphsvc token create --role ROLE --name NAME`",
)


def get_store(request: Request) -> GraphStore:
    store: GraphStore = request.app.state.store
    return store


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_policy(request: Request) -> SelectionPolicy:
    policy: SelectionPolicy = request.app.state.policy
    return policy


def get_cache(request: Request) -> AnalysisCache:
    cache: AnalysisCache = request.app.state.cache
    return cache


# The same, as async dependencies for the routes (the plain ones serve direct calls).
async def _store(request: Request) -> GraphStore:
    return get_store(request)


async def _policy(request: Request) -> SelectionPolicy:
    return get_policy(request)


async def _settings(request: Request) -> Settings:
    return get_settings(request)


async def _cache(request: Request) -> AnalysisCache:
    return get_cache(request)


async def _audit(request: Request) -> Audit:
    return Audit(request)


def get_directory(
    store: Annotated[GraphStore, Depends(_store)],
    cache: Annotated[AnalysisCache, Depends(_cache)],
) -> Directory:
    """Today's searchable directory of cadres and posts; after a write the previous one
    answers while the rows the write changed are patched (``api.cache``, ``api.models``)."""
    return models.directory(cache, store, date.today())


async def get_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The caller behind the bearer token; 401 without a valid one.

    Checked on the event loop: a lookup by primary key through this thread's own read
    connection (``AccessStore.authenticate``) costs less than a hand-off to a worker thread.
    """
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(
            status_code=401,
            detail="需要登录：请在请求头中发送 Authorization: Bearer 令牌",
            headers={"WWW-Authenticate": "Bearer"},
        )
    access: AccessStore = request.app.state.access
    principal = access.authenticate(credentials.credentials)
    if principal is None:
        raise HTTPException(
            status_code=401,
            detail="令牌无效、已过期或已吊销：请向管理员申请新的令牌",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    request.state.principal = principal
    return principal


def require(permission: str) -> Callable[..., Awaitable[Principal]]:
    """A dependency that lets through only roles with ``permission``."""

    async def check(principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
        if not principal.can(permission):
            what = PERMISSION_TITLES.get(permission, permission)
            raise HTTPException(
                status_code=403,
                detail=f"角色 {principal.role} 无权进行 {permission}（{what}）操作"
                f"（令牌 {principal.name}）；如需此权限，请联系管理员",
            )
        return principal

    return check


class Audit:
    """What an endpoint tells the audit log: the action and whose records it touched."""

    def __init__(self, request: Request) -> None:
        self._request = request

    def record(self, action: str, subjects: Iterable[str] = ()) -> None:
        self._request.state.audit_action = action
        previous: list[str] = getattr(self._request.state, "audit_subjects", [])
        self._request.state.audit_subjects = [*previous, *subjects]


StoreDep = Annotated[GraphStore, Depends(_store)]
PolicyDep = Annotated[SelectionPolicy, Depends(_policy)]
SettingsDep = Annotated[Settings, Depends(_settings)]
CacheDep = Annotated[AnalysisCache, Depends(_cache)]
DirectoryDep = Annotated[Directory, Depends(get_directory)]
PrincipalDep = Annotated[Principal, Depends(get_principal)]
AuditDep = Annotated[Audit, Depends(_audit)]
