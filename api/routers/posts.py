"""Posts (岗位): search, vacancies, detail with holders."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query

from api.deps import DirectoryDep, StoreDep, require
from api.schemas import ERRORS, PageOut
from queries.directory import PostHit
from queries.records import PostDetail, post_detail

router = APIRouter(prefix="/posts", tags=["posts"], dependencies=[Depends(require("read"))])


@router.get("", response_model=PageOut[PostHit], summary="Search posts and vacancies (岗位与空缺)")
def list_posts(
    directory: DirectoryDep,
    unit_id: Annotated[str | None, Query(description="单位编号 (with the units under it)")] = None,
    level: Annotated[str | None, Query(description="职务层次, e.g. 正科")] = None,
    leadership: Annotated[bool | None, Query(description="领导职务 only")] = None,
    vacant: Annotated[bool | None, Query(description="Vacant (nobody holds it now) only")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> PageOut[PostHit]:
    items, total = directory.search_posts(
        unit_id=unit_id,
        level=level,
        leadership=leadership,
        vacant=vacant,
        limit=limit,
        offset=offset,
    )
    return PageOut[PostHit](items=items, total=total, limit=limit, offset=offset)


@router.get(
    "/{post_id}",
    response_model=PostDetail,
    summary="A post with its holders (岗位详情)",
    responses={404: ERRORS[404]},
)
def get_post(
    post_id: Annotated[str, Path(description="岗位编号", examples=["P000001"])], store: StoreDep
) -> PostDetail:
    detail = post_detail(store=store, post_id=post_id)
    if detail is None:
        raise HTTPException(status_code=404, detail=f"未找到编号为 '{post_id}' 的岗位")
    return detail
