"""``GET /api/v1/audit`` (admin): who read or changed which person's record, when, from where."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from api.deps import require
from api.schemas import AuditEntryOut, AuditPageOut
from graphsvc.access import AccessStore

router = APIRouter(tags=["audit"], dependencies=[Depends(require("audit"))])


@router.get("/audit", response_model=AuditPageOut, summary="The audit log, newest first (审计日志)")
def audit_log(
    request: Request,
    subject: Annotated[
        str | None, Query(description="Entries that read or changed this person (干部编号)")
    ] = None,
    who: Annotated[str | None, Query(description="Entries by this token name")] = None,
    since: Annotated[datetime | None, Query(description="From this time (ISO 8601)")] = None,
    until: Annotated[datetime | None, Query(description="Before this time (ISO 8601)")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> AuditPageOut:
    access: AccessStore = request.app.state.access
    entries, total = access.query_audit(
        subject=subject,
        who=who,
        since=since.isoformat() if since else None,
        until=until.isoformat() if until else None,
        limit=limit,
        offset=offset,
    )
    return AuditPageOut(
        total=total,
        limit=limit,
        offset=offset,
        entries=[AuditEntryOut.model_validate(entry) for entry in entries],
    )
