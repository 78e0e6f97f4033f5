"""Appointment forms over HTTP: a cadre's 干部任免审批表, and an editor's upload of forms.

``GET /cadres/{id}/form`` shows what the profile shows the caller's role: ID numbers
masked unless the role may see them, the family table and sanctions only for roles
that see kinship and supervision records; it is audited with the cadre's id.
``POST /forms`` takes .lrmx/.lrm files through the same matching and validation as
``graphsvc import-forms``: all or nothing, every problem with file, field, value, reason.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path as FilePath
from typing import Annotated, Literal, cast

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import Response

from api.deps import AuditDep, PrincipalDep, SettingsDep, StoreDep, require
from api.schemas import ERRORS, FormsImportOut, Problem
from api.uploads import (
    UPLOAD_ERRORS,
    multipart_body,
    receive_files,
    run_while_connected,
    upload_slot,
    write_in_turn,
)
from graphsvc.exports import safe_file_name
from loaders.forms.importer import import_form_bytes
from loaders.forms.review import ImportReport
from queries.forms.document import FormNotFound, build_form
from queries.forms.export import MEDIA_TYPES, form_bytes
from queries.forms.pdf import PdfUnavailable

__all__ = ["router"]

router = APIRouter(tags=["forms"])

_MAX_FILES = 1000  # forms in one upload (their size together: GRAPHSVC_FORMS_UPLOAD_MAX_MB)
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
    filename = safe_file_name(f"{cadre_id}.{_SUFFIX[format]}")  # the id comes from the URL
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
    description="The forms go in the form field `files` (multipart/form-data), one or more. "
    "Refused before the body is read without a token with the write permission (401, 403) "
    "or over `GRAPHSVC_FORMS_UPLOAD_MAX_MB` (413). `message` says in Chinese what was done.",
    response_model=FormsImportOut,
    responses=UPLOAD_ERRORS,
    dependencies=[Depends(require("write"))],
    openapi_extra=multipart_body("files", "One or more .lrmx / .lrm files", many=True),
)
async def upload_forms(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    audit: AuditDep,
    dry_run: Annotated[bool, Query(description="Check and report; write nothing")] = False,
) -> FormsImportOut:
    with upload_slot(request), tempfile.TemporaryDirectory(prefix="graphsvc-forms-") as folder:
        saved = await receive_files(
            request,
            FilePath(folder),
            field="files",
            limit_mb=settings.forms_upload_max_mb,
            setting="GRAPHSVC_FORMS_UPLOAD_MAX_MB",
            max_files=_MAX_FILES,
        )
        uploads = [(name, path.read_bytes()) for name, path in saved]
    lock = request.app.state.write_lock

    def run(_gone: Callable[[], bool]) -> ImportReport:
        # Forms are read, matched and validated beside other requests; the lock only to write.
        return write_in_turn(
            store,
            lock,
            lambda graph: import_form_bytes(store=graph, files=uploads, dry_run=dry_run),
        )

    report = await run_while_connected(request, run)
    audit.record("upload_forms", report.cadre_ids)
    if report.problems:
        shown = "；".join(
            f"{p['file']}{' ' + str(p['field']) if p.get('field') else ''}：{p['reason']}"
            for p in report.problems[:3]
        )
        raise _Rejected(
            f"任免审批表中有{len(report.problems)}处问题，未写入任何数据：{shown}"
            + ("……" if len(report.problems) > 3 else ""),
            [
                Problem(
                    field=" ".join(str(p[k]) for k in ("file", "field") if p.get(k)),
                    message=str(p["reason"]),
                    value=p.get("value"),
                )
                for p in report.problems
            ],
        )
    message = report.sentence() + ("；试运行，未写入任何数据" if dry_run else "")
    return cast(
        FormsImportOut, {**report.as_dict(), "version": store.version(), "message": message}
    )
