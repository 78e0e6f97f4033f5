"""Appointment forms over HTTP: a cadre's 干部任免审批表, and an editor's upload of forms.

``GET /cadres/{id}/form`` shows what the profile shows the caller's role: ID numbers
masked unless the role may see them, the family table and sanctions only for roles
that see kinship and supervision records; it is audited with the cadre's id.
``POST /forms`` takes .lrmx/.lrm files through the same matching and validation as
``graphsvc import-forms``: all or nothing, every problem with file, field, value, reason.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal, cast

from fastapi import APIRouter, Depends, File, HTTPException, Path, Query, Request, UploadFile
from fastapi.responses import Response

from api.deps import AuditDep, PrincipalDep, StoreDep, require
from api.schemas import ERRORS, FormsImportOut, Problem
from loaders.forms.importer import import_form_bytes
from queries.forms.document import FormNotFound, build_form
from queries.forms.export import MEDIA_TYPES, form_bytes
from queries.forms.pdf import PdfUnavailable

__all__ = ["router"]

router = APIRouter(tags=["forms"])

_MAX_UPLOAD = 20 * 1024 * 1024  # bytes, all files together
_SUFFIX = {"lrmx": "lrmx", "lrm": "lrm", "html": "html", "pdf": "pdf"}


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
        200: {
            "description": "The form as a file in the chosen format",
            "content": {
                media_type: {"schema": {"type": "string", "format": "binary"}}
                for media_type in MEDIA_TYPES.values()
            },
        },
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
    as_of: Annotated[date | None, Query(description="计算年龄时间; default today")] = None,
) -> Response:
    reveal = frozenset(
        part
        for part, permission in (
            ("id_number", "see_id_number"),
            ("kinship", "see_kinship"),
            ("supervision", "see_supervision"),
        )
        if principal.can(permission)
    )
    audit.record("read_form", [cadre_id])
    try:
        document = build_form(
            store=store, cadre_id=cadre_id, post_id=post, as_of=as_of or date.today(),
            reveal=reveal,
        )  # fmt: skip
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
    summary="Upload appointment forms (.lrmx/.lrm): matched and validated, all or nothing",
    response_model=FormsImportOut,
    responses={422: ERRORS[422]},
    dependencies=[Depends(require("write"))],
)
def upload_forms(
    request: Request,
    store: StoreDep,
    audit: AuditDep,
    files: Annotated[list[UploadFile], File(description="One or more .lrmx / .lrm files")],
    dry_run: Annotated[bool, Query(description="Check and report; write nothing")] = False,
) -> FormsImportOut:
    uploads: list[tuple[str, bytes]] = []
    total = 0
    for upload in files:
        data = upload.file.read(_MAX_UPLOAD + 1)
        total += len(data)
        if total > _MAX_UPLOAD:
            raise HTTPException(status_code=413, detail="the forms are larger than 20 MB")
        uploads.append((upload.filename or "form", data))
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
