"""The cadre section's analyses: mentoring, teams, the pool, training, network, targets, a
cadre's path (一人一策) and the pipeline (超前研判), one GET each from the registry; and
its changes to the ledger: ending or undoing a pairing, a cadre entering or leaving the pool.

Analyses for analysts and admins, cached per graph version and day; changes for editors and
admins, through the loader's validation (see ``api.edits``), audited with the person changed.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from pydantic import BaseModel, Field

from api import models
from api.deps import AuditDep, CacheDep, PolicyDep, StoreDep, require
from api.edits import LoadFailed, problems_text, write_change
from api.schemas import EARLIEST_DAY, ERRORS, LATEST_DAY
from graphsvc.access import Principal
from queries.analyses import ANALYSES, Analysis
from queries.development import ledger
from queries.development.data import DevelopmentData
from queries.results import CadreId
from queries.selection.candidates import NotFound

router = APIRouter(tags=["development"])
_ANALYSE = [Depends(require("analyse"))]
WriterDep = Annotated[Principal, Depends(require("write"))]

AsOf = Annotated[
    date | None,
    Query(
        description="Day of the analysis (default today)",
        examples=["2026-11-01"],
        ge=EARLIEST_DAY,
        le=LATEST_DAY,
    ),
]


def _run(
    analysis: Analysis,
    store: StoreDep,
    policy: PolicyDep,
    cache: CacheDep,
    audit: AuditDep,
    as_of: date | None,
    given: dict[str, Any],
) -> Any:
    audit.record(f"analysis:{analysis.name}")
    day = as_of or date.today()

    def run(data: DevelopmentData) -> Any:
        try:
            return analysis.run(data, **given)
        except NotFound as error:
            raise HTTPException(status_code=404, detail=str(error)) from None
        except ValueError as error:
            raise HTTPException(status_code=422, detail=str(error)) from None

    asked = tuple(sorted((k, v) for k, v in given.items() if v is not None))
    if not asked:  # the key a workbench page shares
        return models.analysis(cache, store, policy, analysis.name, day, run)
    return cache.get(
        store,
        (analysis.name, day, *asked),
        lambda: run(models.development(cache, store, policy, day)),
    )


def _endpoint(analysis: Analysis) -> Callable[..., Any]:
    """One GET endpoint: the analysis's parameters (a path segment or a query parameter
    each), then the day."""

    def endpoint(**kwargs: Any) -> Any:
        given = {p.name: kwargs[p.over_http] for p in analysis.params}
        return _run(
            analysis,
            kwargs["store"],
            kwargs["policy"],
            kwargs["cache"],
            kwargs["audit"],
            kwargs["as_of"],
            given,
        )

    own = [
        inspect.Parameter(
            p.over_http,
            inspect.Parameter.KEYWORD_ONLY,
            annotation=Annotated[str, Path(description=p.help)]
            if p.in_path
            else Annotated[p.kind | None, Query(description=p.help, ge=p.minimum)],
            **({} if p.in_path else {"default": None}),
        )
        for p in analysis.params
    ]
    common = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=kind)
        for name, kind in (
            ("store", StoreDep),
            ("policy", PolicyDep),
            ("cache", CacheDep),
            ("audit", AuditDep),
        )
    ]
    day = inspect.Parameter("as_of", inspect.Parameter.KEYWORD_ONLY, annotation=AsOf, default=None)
    endpoint.__signature__ = inspect.Signature([*own, *common, day])  # type: ignore[attr-defined]
    endpoint.__name__ = analysis.name
    return endpoint


# One GET endpoint per analysis of the registry that has a path, all alike. The answer type
# is the route's response_model: the OpenAPI schema and what the audit walks to name the
# people shown.
for analysis in ANALYSES.values():
    if analysis.path is None:
        continue
    router.add_api_route(
        analysis.path,
        _endpoint(analysis),
        methods=["GET"],
        summary=analysis.summary,
        response_model=analysis.result_type,
        responses={404: ERRORS[404]} if analysis.params else {},
        dependencies=_ANALYSE,
    )


# ------------------------------------------------------------------ changes (editors)


class ChangeOut(BaseModel):
    ok: bool = True
    version: int = Field(description="Graph version after the write")
    cadre_id: CadreId = Field(description="The person whose record changed")
    row: dict[str, Any] = Field(description="The record as written")


class PairingEndIn(BaseModel):
    mentor_id: str = Field(examples=["M00001"])
    mentee_id: str = Field(examples=["C000522"])
    start: date = Field(description="The pairing's start (it names the pairing)")
    end: date | None = Field(default=None, description="Ended on (default today)")
    reason: str = Field(min_length=1, max_length=200, examples=["帮带期满"])


class PairingUndoIn(BaseModel):
    mentor_id: str = Field(examples=["M00001"])
    mentee_id: str = Field(examples=["C000522"])
    start: date = Field(description="The pairing's start (it names the pairing)")
    reason: str = Field(min_length=1, max_length=200, examples=["误登记"])


class PoolEntryIn(BaseModel):
    cadre_id: str = Field(examples=["C000120"])
    pool_id: str | None = Field(default=None, description="Default: the only pool")
    start: date | None = Field(default=None, description="Entered on (default today)")
    reason: str = Field(min_length=1, max_length=200, examples=["单位推荐、组织考察"])


class PoolExitIn(BaseModel):
    cadre_id: str = Field(examples=["C000120"])
    pool_id: str | None = Field(default=None, description="Default: the pool the cadre is in")
    end: date | None = Field(default=None, description="Left on (default today)")
    reason: str = Field(min_length=1, max_length=200, examples=["年度考核基本称职"])


def _change(
    request: Request,
    store: StoreDep,
    audit: AuditDep,
    action: str,
    cadre_id: str,
    table: str,
    build: Callable[[], dict[str, Any]],
) -> ChangeOut:
    audit.record(action, [cadre_id])
    written: dict[str, Any] = {}

    def row() -> dict[str, Any]:
        written.update(build())
        return written

    try:
        version = write_change(request, store, table, row, source=action)
    except ledger.EditRefused as refused:
        raise HTTPException(status_code=refused.status, detail=refused.message) from None
    except LoadFailed as failure:
        raise HTTPException(status_code=422, detail=problems_text(failure)) from None
    return ChangeOut(version=version, cadre_id=cadre_id, row=written)


def _only_pool(store: StoreDep) -> str:
    pools, total = store.list_nodes("Pool", limit=2)
    if total != 1:
        raise HTTPException(status_code=422, detail="有多个干部库，请用 pool_id 指明哪一个")
    return str(pools[0]["id"])


_CHANGE_ERRORS: dict[int | str, dict[str, Any]] = {
    404: ERRORS[404],
    409: ERRORS[409],
    422: ERRORS[422],
}


@router.post(
    "/mentoring/pairs/end",
    response_model=ChangeOut,
    summary="End a pairing with a date and a reason; it is kept (结束帮带)",
    responses=_CHANGE_ERRORS,
)
def end_pairing(
    body: PairingEndIn, request: Request, store: StoreDep, audit: AuditDep, who: WriterDep
) -> ChangeOut:
    today = date.today()
    return _change(
        request,
        store,
        audit,
        "end_pairing",
        body.mentee_id,
        "mentoring",
        lambda: ledger.end_pairing_row(
            store=store,
            mentor_id=body.mentor_id,
            mentee_id=body.mentee_id,
            start=body.start,
            end=body.end or today,
            reason=body.reason,
            by=who.name,
            today=today,
        ),
    )


@router.post(
    "/mentoring/pairs/undo",
    response_model=ChangeOut,
    summary="Undo a pairing recorded by mistake: it ends the day it started, kept (撤销结对)",
    responses=_CHANGE_ERRORS,
)
def undo_pairing(
    body: PairingUndoIn, request: Request, store: StoreDep, audit: AuditDep, who: WriterDep
) -> ChangeOut:
    return _change(
        request,
        store,
        audit,
        "undo_pairing",
        body.mentee_id,
        "mentoring",
        lambda: ledger.undo_pairing_row(
            store=store,
            mentor_id=body.mentor_id,
            mentee_id=body.mentee_id,
            start=body.start,
            reason=body.reason,
            by=who.name,
            today=date.today(),
        ),
    )


@router.post(
    "/pool/entries",
    response_model=ChangeOut,
    summary="A cadre enters the pool, with a date and a reason (入库)",
    responses=_CHANGE_ERRORS,
)
def enter_pool(
    body: PoolEntryIn, request: Request, store: StoreDep, audit: AuditDep, who: WriterDep
) -> ChangeOut:
    today = date.today()
    return _change(
        request,
        store,
        audit,
        "enter_pool",
        body.cadre_id,
        "pool_membership",
        lambda: ledger.enter_pool_row(
            store=store,
            cadre_id=body.cadre_id,
            pool_id=body.pool_id or _only_pool(store),
            start=body.start or today,
            reason=body.reason,
            by=who.name,
            today=today,
        ),
    )


@router.post(
    "/pool/exits",
    response_model=ChangeOut,
    summary="A cadre leaves the pool, with a date and a reason; the stay is kept (出库)",
    responses=_CHANGE_ERRORS,
)
def leave_pool(
    body: PoolExitIn, request: Request, store: StoreDep, audit: AuditDep, who: WriterDep
) -> ChangeOut:
    today = date.today()
    return _change(
        request,
        store,
        audit,
        "leave_pool",
        body.cadre_id,
        "pool_membership",
        lambda: ledger.leave_pool_row(
            store=store,
            cadre_id=body.cadre_id,
            pool_id=body.pool_id,
            end=body.end or today,
            reason=body.reason,
            by=who.name,
            today=today,
        ),
    )
