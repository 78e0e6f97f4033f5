"""Appointment forms over HTTP: a cadre's 干部任免审批表, an editor's upload of forms and
rosters, the appointments under way, and a cadre's photo.

``GET /cadres/{id}/form`` shows what the profile shows the caller's role: ID numbers
masked unless the role may see them, the family table and sanctions only for roles
that see kinship and supervision records, the photo only for roles that see photos; it
is audited with the cadre's id. ``POST /forms`` takes .lrmx/.lrm (.pic) files and roster
workbooks through the same matching and validation as ``graphsvc import-forms``: all or
nothing, every problem with file, field, value, reason. The workbench's page import reads
its uploads with the same dependency (:data:`FormUploads`). ``GET /proposals`` lists the
proposals (任免建议); ``GET /cadres/{id}/photo`` is the photo, for roles that see it (the
image never enters the audit: the entry names the cadre).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Annotated, Any, Literal, cast

from fastapi import APIRouter, Depends, File, HTTPException, Path, Query, Request, UploadFile
from fastapi.responses import Response

from api.deps import AuditDep, PrincipalDep, StoreDep, require
from api.schemas import ERRORS, FormsImportOut, Problem
from graphsvc.vocab import PhotoType
from loaders.forms.importer import import_form_bytes
from queries.forms.document import FormNotFound, build_form
from queries.forms.export import MEDIA_TYPES, form_bytes
from queries.forms.pdf import PdfUnavailable
from queries.forms.proposals import ProposalsResult, proposals_under_way
from queries.records import cadre_photo

__all__ = ["FormUploads", "read_form_uploads", "router"]

router = APIRouter(tags=["forms"])

_MAX_UPLOAD = 20 * 1024 * 1024  # bytes, all files together
_SUFFIX = {"lrmx": "lrmx", "lrm": "lrm", "html": "html", "pdf": "pdf"}


def read_form_uploads(
    files: Annotated[
        list[UploadFile],
        File(description="One or more .lrmx / .lrm (with its .pic) files or roster .xlsx"),
    ],
) -> list[tuple[str, bytes]]:
    """The uploaded files as (name, content), all together at most 20 MB (else 413)."""
    uploads: list[tuple[str, bytes]] = []
    total = 0
    for upload in files:
        data = upload.file.read(_MAX_UPLOAD + 1)
        total += len(data)
        if total > _MAX_UPLOAD:
            raise HTTPException(status_code=413, detail="上传的文件合计超过20 MB，请分批上传")
        uploads.append((upload.filename or "form", data))
    return uploads


# Forms and rosters uploaded, read once: POST /forms and the workbench's page import.
FormUploads = Annotated[list[tuple[str, bytes]], Depends(read_form_uploads)]


def _binary(description: str, media_types: Iterable[str]) -> dict[str, Any]:
    """An OpenAPI 200 answer that is a file, in any of ``media_types``."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {"description": description, "content": dict.fromkeys(media_types, binary)}


class _Rejected(HTTPException):
    """A 422 carrying every problem; the app's handler turns it into the error shape."""

    def __init__(self, detail: str, problems: list[Problem]) -> None:
        super().__init__(status_code=422, detail=detail)
        self.problems = problems


@router.get(
    "/cadres/{cadre_id}/form",
    summary="A cadre's appointment form (干部任免审批表) as .lrmx, .lrm, HTML or PDF",
    response_class=Response,
    responses={
        200: _binary("The form as a file in the chosen format", MEDIA_TYPES.values()),
        404: ERRORS[404],
        503: ERRORS[503],
    },
    dependencies=[Depends(require("read"))],
)
def get_form(
    cadre_id: Annotated[str, Path(description="干部编号", examples=["C000001"])],
    store: StoreDep,
    principal: PrincipalDep,
    audit: AuditDep,
    post: Annotated[
        str | None, Query(description="岗位编号 proposed: fills 拟任职务 and 拟免职务")
    ] = None,
    format: Annotated[
        Literal["lrmx", "lrm", "html", "pdf"], Query(description="lrmx, lrm, html or pdf")
    ] = "html",
    as_of: Annotated[
        date | None,
        Query(description="计算年龄时间; default the proposal's, else today"),
    ] = None,
) -> Response:
    reveal = principal.parts_shown()
    audit.record("read_form", [cadre_id])
    try:
        document = build_form(
            store=store, cadre_id=cadre_id, post_id=post, as_of=as_of, reveal=reveal
        )
        body = form_bytes(document, format)
        audit.record("read_form", document.relatives)  # relatives in its family table
    except FormNotFound as error:
        raise HTTPException(status_code=404, detail=str(error)) from None
    except PdfUnavailable as error:
        raise HTTPException(status_code=503, detail=str(error)) from None
    filename = f"{cadre_id}.{_SUFFIX[format]}"
    return Response(
        body,
        media_type=MEDIA_TYPES[format],
        headers={
            "Content-Disposition": f'inline; filename="{filename}"',
            "X-Shown-Sensitive": ",".join(sorted(reveal)),
        },
    )


@router.post(
    "/forms",
    summary="Upload appointment forms (.lrmx/.lrm/.pic) and rosters (.xlsx): all or nothing",
    response_model=FormsImportOut,
    responses={422: ERRORS[422]},
    dependencies=[Depends(require("write"))],
)
def upload_forms(
    request: Request,
    store: StoreDep,
    audit: AuditDep,
    uploads: FormUploads,
    dry_run: Annotated[bool, Query(description="Check and report; write nothing")] = False,
) -> FormsImportOut:
    with request.app.state.write_lock:
        report = import_form_bytes(store=store, files=uploads, dry_run=dry_run)
    audit.record("upload_forms", report.cadre_ids)
    if report.problems:
        raise _Rejected(
            f"{len(report.problems)} problem(s) in the forms; nothing was written",
            [
                Problem(
                    field=" ".join(str(p[k]) for k in ("file", "field") if p.get(k)),
                    message=str(p["reason"]),
                    value=p.get("value"),
                )
                for p in report.problems
            ],
        )
    return cast(FormsImportOut, {**report.as_dict(), "version": store.version()})


@router.get(
    "/proposals",
    summary="Appointments under way (在办任免): proposals from forms and round plans",
    response_model=ProposalsResult,
    dependencies=[Depends(require("read"))],
)
def list_proposals(
    store: StoreDep,
    audit: AuditDep,
    status: Annotated[
        Literal["拟任", "已任命", "撤回", "全部"],
        Query(description="拟任 (default: under way), 已任命, 撤回, or 全部"),
    ] = "拟任",
) -> ProposalsResult:
    audit.record("list_proposals")
    return proposals_under_way(store=store, status=None if status == "全部" else status)


@router.get(
    "/cadres/{cadre_id}/photo",
    summary="A cadre's photo (roles that see photos); audited by the cadre's id",
    response_class=Response,
    responses={
        200: _binary("The image, of the kind kept (JPEG, PNG, BMP or GIF)", PhotoType),
        403: ERRORS[403],
        404: ERRORS[404],
    },
    dependencies=[Depends(require("read"))],
)
def get_photo(
    cadre_id: Annotated[str, Path(description="干部编号", examples=["C000001"])],
    store: StoreDep,
    principal: PrincipalDep,
    audit: AuditDep,
) -> Response:
    audit.record("read_photo", [cadre_id])
    if "photo" not in principal.parts_shown():
        raise HTTPException(status_code=403, detail="您的角色无权查看干部照片")
    found = cadre_photo(store=store, cadre_id=cadre_id)
    if found is None:
        raise HTTPException(status_code=404, detail=f"干部 {cadre_id} 没有照片")
    data, media_type = found
    return Response(data, media_type=media_type, headers={"Cache-Control": "no-store"})
