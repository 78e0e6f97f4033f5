"""Cadres (干部): list and profile. ID numbers are masked; kinship and supervision left out."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query

from api.deps import StoreDep
from api.schemas import ErrorOut, PageOut
from queries.records import cadre_profile, list_records

router = APIRouter(prefix="/cadres", tags=["cadres"])


@router.get("", response_model=PageOut, summary="List cadres (干部列表)")
def list_cadres(
    store: StoreDep,
    name: Annotated[
        str | None, Query(description="姓名 (exact; names are shared, ids are not)")
    ] = None,
    gender: Annotated[str | None, Query(description="性别: 男 / 女")] = None,
    level: Annotated[str | None, Query(description="职务层次, e.g. 副科")] = None,
    channel: Annotated[str | None, Query(description="录用渠道, e.g. 选调生")] = None,
    status: Annotated[str | None, Query(description="状态, e.g. 在职")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> PageOut:
    where = {
        key: value
        for key, value in {
            "name": name,
            "gender": gender,
            "level": level,
            "channel": channel,
            "status": status,
        }.items()
        if value is not None
    }
    page = list_records(store=store, label="Cadre", where=where, limit=limit, offset=offset)
    return PageOut(items=page.items, total=page.total, limit=limit, offset=offset)


@router.get(
    "/{cadre_id}",
    summary="A cadre's profile with full history (干部档案)",
    responses={404: {"model": ErrorOut}},
)
def get_cadre(cadre_id: str, store: StoreDep) -> dict[str, Any]:
    profile = cadre_profile(store=store, cadre_id=cadre_id, reveal_sensitive=False)
    if profile is None:
        raise HTTPException(status_code=404, detail=f"no cadre with id {cadre_id!r}")
    return profile
