"""Cadres (干部): search and a profile with full history.

What a caller sees of a person depends on the role: full ID numbers for editors
and admins (masked for others), kinship and supervision records for analysts
and admins (left out for others). Every read names the people it showed in the
audit log.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query

from api.deps import AuditDep, DirectoryDep, PrincipalDep, StoreDep, require
from api.schemas import ERRORS, PageOut
from queries.directory import CadreHit
from queries.records import CadreProfile, cadre_profile

router = APIRouter(prefix="/cadres", tags=["cadres"], dependencies=[Depends(require("read"))])

CadreId = Annotated[str, Path(description="干部编号", examples=["C000001"])]


@router.get("", response_model=PageOut[CadreHit], summary="Search cadres (干部查询)")
def search_cadres(
    directory: DirectoryDep,
    audit: AuditDep,
    name: Annotated[str | None, Query(description="姓名, or part of it", examples=["王"])] = None,
    unit_id: Annotated[
        str | None, Query(description="单位编号: the unit and the units under it")
    ] = None,
    min_age: Annotated[float | None, Query(ge=0, le=120, description="年龄 at least")] = None,
    max_age: Annotated[float | None, Query(ge=0, le=120, description="年龄 at most")] = None,
    level: Annotated[str | None, Query(description="职务层次, e.g. 副科")] = None,
    specialty_id: Annotated[str | None, Query(description="专业编号, e.g. S001")] = None,
    channel: Annotated[str | None, Query(description="录用渠道, e.g. 选调生")] = None,
    gender: Annotated[str | None, Query(description="性别: 男 / 女")] = None,
    status: Annotated[str | None, Query(description="状态, e.g. 在职")] = None,
    in_pool: Annotated[bool | None, Query(description="In the young-cadre pool now")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> PageOut[CadreHit]:
    items, total = directory.search_cadres(
        name=name,
        unit_id=unit_id,
        min_age=min_age,
        max_age=max_age,
        level=level,
        specialty_id=specialty_id,
        channel=channel,
        gender=gender,
        status=status,
        in_pool=in_pool,
        limit=limit,
        offset=offset,
    )
    audit.record("search_records", (item["id"] for item in items))
    return PageOut[CadreHit](items=items, total=total, limit=limit, offset=offset)


@router.get(
    "/{cadre_id}",
    response_model=CadreProfile,
    summary="A cadre's profile with full history (干部档案)",
    responses={404: ERRORS[404]},
)
def get_cadre(
    cadre_id: CadreId, store: StoreDep, principal: PrincipalDep, audit: AuditDep
) -> CadreProfile:
    reveal = principal.parts_shown()
    audit.record("read_record", [cadre_id])
    profile = cadre_profile(store=store, cadre_id=cadre_id, reveal=reveal)
    if profile is None:
        raise HTTPException(status_code=404, detail=f"未找到编号为 '{cadre_id}' 的干部")
    profile["shown_sensitive"] = sorted(reveal)
    return profile
