"""Appointment forms over HTTP: a cadre's 干部任免审批表, an editor's upload of forms and
rosters, the appointments under way, and a cadre's photo.

``GET /cadres/{id}/form`` shows what the profile shows the caller's role: ID numbers
masked unless the role may see them, the family table and sanctions only for roles
that see kinship and supervision records, the photo only for roles that see photos; it
is audited with the cadre's id. ``POST /forms`` takes .lrmx/.lrm (.pic) files and roster
workbooks through the same matching and validation as ``graphsvc import-forms``: all or
nothing, every problem with file, field, value, reason. The workbench's page import reads
its uploads the same way (:func:`receive_form_uploads`). ``GET /proposals`` lists the
proposals (任免建议); ``GET /cadres/{id}/photo`` is the photo, for roles that see it (the
image never enters the audit: the entry names the cadre).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path as FilePath
from typing import Annotated, Any, Literal, cast

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import Response

from api.deps import AuditDep, PrincipalDep, SettingsDep, StoreDep, require
from api.schemas import EARLIEST_DAY, ERRORS, LATEST_DAY, FormsImportOut, Problem
from api.uploads import (
    UPLOAD_ERRORS,
    multipart_body,
    receive_files,
    run_while_connected,
    upload_slot,
    write_in_turn,
)
from graphsvc.exports import safe_file_name
from graphsvc.settings import Settings
from graphsvc.vocab import PhotoType
from loaders.forms.importer import import_form_bytes
from loaders.forms.review import ImportReport
from queries.forms.document import FormNotFound, build_form
from queries.forms.export import MEDIA_TYPES, form_bytes
from queries.forms.pdf import PdfUnavailable
from queries.forms.proposals import ProposalsResult, proposals_under_way
from queries.records import cadre_photo

__all__ = ["receive_form_uploads", "router"]

router = APIRouter(tags=["forms"])

_MAX_FILES = 1000  # forms in one upload (their size together: GRAPHSVC_FORMS_UPLOAD_MAX_MB)
_SUFFIX = {"lrmx": "lrmx", "lrm": "lrm", "html": "html", "pdf": "pdf"}


async def receive_form_uploads(
    request: Request, settings: Settings, *, fields: dict[str, str] | None = None
) -> list[tuple[str, bytes]]:
    """The forms, rosters or tables uploaded in the field ``files``, as (name, content):
    streamed within ``GRAPHSVC_FORMS_UPLOAD_MAX_MB`` and one upload slot
    (:mod:`api.uploads`), for ``POST /forms`` and the workbench's page import alike.
    ``fields``, if given, receives the text fields sent beside (the page's csrf)."""
    with upload_slot(request), tempfile.TemporaryDirectory(prefix="graphsvc-forms-") as folder:
        saved = await receive_files(
            request,
            FilePath(folder),
            field="files",
            limit_mb=settings.forms_upload_max_mb,
            setting="GRAPHSVC_FORMS_UPLOAD_MAX_MB",
            max_files=_MAX_FILES,
            fields=fields,
        )
        return [(name, path.read_bytes()) for name, path in saved]


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
        Query(
            description="计算年龄时间; default the proposal's, else today",
            ge=EARLIEST_DAY,
            le=LATEST_DAY,
        ),
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
    summary="Upload appointment forms (.lrmx/.lrm/.pic) and rosters (.xlsx): all or nothing",
    description="The forms (and a roster) go in the form field `files` (multipart/form-data), "
    "one or more. "
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
    uploads = await receive_form_uploads(request, settings)
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
