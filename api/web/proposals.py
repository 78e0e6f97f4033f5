"""在办任免: the appointments under way, their status, and a cadre's photo for the profile.

Every reader sees the proposals (任免建议) from forms and rounds' plans; editors mark one
已任命 or 撤回 (through the loader's validation, audited). The photo is served only to
roles that see photos, with ``no-store``; the audit entry names the cadre, never the image.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import Response

from api.cache import reading
from api.web import data
from api.web.deps import PageError, allowed, check_csrf, reveal_for, shown
from api.web.development import write_then_show
from api.web.render import render
from graphsvc.access import Session
from graphsvc.vocab import ProposalStatus
from queries.forms.proposals import proposals_under_way
from queries.records import cadre_photo

router = APIRouter()

ReadDep = Annotated[Session, Depends(allowed("read"))]
WriteDep = Annotated[Session, Depends(allowed("write"))]
STATUSES = [status.value for status in ProposalStatus]


@router.get("/proposals")
def proposals(
    request: Request,
    session: ReadDep,
    status: Annotated[str, Query(max_length=10)] = "拟任",
    made: Annotated[int | None, Query(ge=0)] = None,
    plan: Annotated[str | None, Query(max_length=200)] = None,
    v: Annotated[int | None, Query(ge=0, description="graph version to read at least")] = None,
) -> Response:
    if status not in (*STATUSES, "全部"):
        raise PageError(400, f"状态应为 {'、'.join(STATUSES)} 或 全部。")
    with reading(at_least=v):
        found = data.cached(
            request,
            ("proposals", status),
            lambda: proposals_under_way(
                store=data.store(request), status=None if status == "全部" else status
            ),
        )
    shown(request, "page:proposals", [row["cadre_id"] for row in found["items"]])
    return render(
        request,
        "proposals.html",
        title="在办任免",
        session=session,
        found=found,
        chosen=status,  # not `status`: render() takes that as the HTTP status
        statuses=[*STATUSES, "全部"],
        can_write=session.principal.can("write"),
        notice=f"已按方案“{plan or ''}”提出任免建议 {made} 条。" if made is not None else "",
    )


@router.post("/proposals/{proposal_id}/status")
async def set_status(
    request: Request,
    session: WriteDep,
    proposal_id: str,
    status: Annotated[str, Form(max_length=10)] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(session, csrf)
    if status not in STATUSES:
        raise PageError(400, f"状态应为 {'、'.join(STATUSES)}。")
    store = data.store(request)
    kept = store.get_node("Proposal", proposal_id)
    if kept is None:
        raise PageError(404, f"没有编号为 {proposal_id} 的任免建议。")
    return await write_then_show(
        request,
        action="proposal_status",
        person=str(kept["cadre_id"]),
        table="proposals",
        build=lambda: {**kept, "status": status},
        page="/proposals",
        notice={"status": status},
        source="在办任免",
    )


@router.get("/cadres/{cadre_id}/photo")
def photo(request: Request, session: ReadDep, cadre_id: str) -> Response:
    shown(request, "read_photo", [cadre_id])
    if "photo" not in reveal_for(session.principal):
        raise PageError(403, f"您的角色（{session.role}）无权查看干部照片。")
    found = cadre_photo(store=data.store(request), cadre_id=cadre_id)
    if found is None:
        raise PageError(404, f"干部 {cadre_id} 没有照片。")
    image, media_type = found
    return Response(image, media_type=media_type, headers={"Cache-Control": "no-store"})
