"""Posts (岗位): list, filter vacancies' candidates later; detail with holders."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query

from api.deps import StoreDep
from api.schemas import ErrorOut, PageOut
from queries.records import list_records, post_detail

router = APIRouter(prefix="/posts", tags=["posts"])


@router.get("", response_model=PageOut, summary="List posts (岗位列表)")
def list_posts(
    store: StoreDep,
    unit_id: Annotated[str | None, Query(description="单位编号")] = None,
    level: Annotated[str | None, Query(description="职务层次, e.g. 正科")] = None,
    leadership: Annotated[bool | None, Query(description="领导职务 only")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> PageOut:
    where = {
        key: value
        for key, value in {"unit_id": unit_id, "level": level, "leadership": leadership}.items()
        if value is not None
    }
    page = list_records(store=store, label="Post", where=where, limit=limit, offset=offset)
    return PageOut(items=page.items, total=page.total, limit=limit, offset=offset)


@router.get(
    "/{post_id}", summary="A post with its holders (岗位详情)", responses={404: {"model": ErrorOut}}
)
def get_post(post_id: str, store: StoreDep) -> dict[str, Any]:
    detail = post_detail(store=store, post_id=post_id)
    if detail is None:
        raise HTTPException(status_code=404, detail=f"no post with id {post_id!r}")
    return detail
