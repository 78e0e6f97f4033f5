"""Units (单位): list; detail with child units, posts and the leadership team."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import APIRouter, Depends, HTTPException, Query

from api.deps import StoreDep, require
from api.schemas import ERRORS, PageOut
from queries.records import UnitDetail, list_records, unit_detail
from queries.results import UnitNode

router = APIRouter(prefix="/units", tags=["units"], dependencies=[Depends(require("read"))])


@router.get("", response_model=PageOut[UnitNode], summary="List units (单位列表)")
def list_units(
    store: StoreDep,
    kind: Annotated[
        str | None, Query(description="单位类型: 乡镇, 街道, 区直部门, 村, 社区, ...")
    ] = None,
    parent_id: Annotated[str | None, Query(description="上级单位编号")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> PageOut[UnitNode]:
    where = {
        key: value
        for key, value in {"kind": kind, "parent_id": parent_id}.items()
        if value is not None
    }
    page = list_records(store=store, label="Unit", where=where, limit=limit, offset=offset)
    items = [cast(UnitNode, item) for item in page.items]
    return PageOut[UnitNode](items=items, total=page.total, limit=limit, offset=offset)


@router.get(
    "/{unit_id}",
    response_model=UnitDetail,
    summary="A unit and its team (单位及领导班子)",
    responses={404: ERRORS[404]},
)
def get_unit(unit_id: str, store: StoreDep) -> UnitDetail:
    detail = unit_detail(store=store, unit_id=unit_id)
    if detail is None:
        raise HTTPException(status_code=404, detail=f"未找到编号为 '{unit_id}' 的单位")
    return detail
