"""Writes, for editors: load a file, add or change records, record an assessment, pair a mentor.

Every write goes through the loader's validation (the same headers, vocabularies,
date forms and reference checks as a file load), is all or nothing, and raises
the graph version so cached analyses are recomputed. Reading and validating run beside
other requests; only the write takes the write lock, and it goes ahead only if nobody
wrote in between (else the whole write runs again, holding the lock): no two writes
validate against a state the other is changing, and no update is lost
(``api.uploads.write_in_turn``). A file upload is refused before its body is read when
the token is missing or lacks the role, or when it is too large (``api.uploads``).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from pydantic import BaseModel, Field

from api.cache import note_write
from api.deps import AuditDep, SettingsDep, StoreDep, require
from api.schemas import ERRORS, Problem
from api.uploads import (
    CLIENT_GONE,
    UPLOAD_ERRORS,
    multipart_body,
    receive_files,
    run_while_connected,
    upload_slot,
    write_in_turn,
)
from graphsvc.stores import GraphStore
from loaders.load import LoadFailed, LoadOutcome, load_paths, load_records
from loaders.tables import ReadCancelled, ReadLimits, SourceError, TooLarge

router = APIRouter(
    tags=["writes"],
    dependencies=[Depends(require("write"))],
    responses={400: ERRORS[400], 422: ERRORS[422]},
)


class WriteOut(BaseModel):
    ok: bool = True
    version: int = Field(description="Graph version after the write")
    rows: dict[str, int] = Field(description="Rows read per table")
    created: dict[str, int] = Field(default_factory=dict)
    updated: dict[str, int] = Field(default_factory=dict)
    unchanged: dict[str, int] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)


def _problems(failure: LoadFailed) -> list[Problem]:
    return [
        Problem(
            field=issue.location,
            message=issue.reason,
            value=None if issue.value is None else str(issue.value),
        )
        for issue in failure.issues
    ]


def _write(
    request: Request, store: GraphStore, action: Callable[[GraphStore], LoadOutcome]
) -> WriteOut:
    try:
        outcome = write_in_turn(store, request.app.state.write_lock, action)
    except TooLarge as error:
        raise HTTPException(status_code=413, detail=str(error)) from None
    except SourceError as error:
        raise _Rejected(str(error), [Problem(field=error.source, message=error.reason)]) from None
    except LoadFailed as failure:
        raise _Rejected(str(failure), _problems(failure)) from None
    summary = outcome.summary.as_dict()
    version = store.version()
    if outcome.summary.changed:
        note_write(version)  # the writer's next reads ask for it (api.cache)
    return WriteOut(
        version=version,
        rows=outcome.rows_by_table,
        created=summary.get("created", {}),
        updated=summary.get("updated", {}),
        unchanged=summary.get("unchanged", {}),
        warnings=[str(w) for w in outcome.warnings],
    )


class _Rejected(HTTPException):
    """A 422 carrying every problem; the app's handler turns it into the error shape."""

    def __init__(self, detail: str, problems: list[Problem]) -> None:
        super().__init__(status_code=422, detail=detail)
        self.problems = problems


@router.post(
    "/load",
    response_model=WriteOut,
    summary="Load a file (.csv named after its table, or an .xlsx workbook): all or nothing",
    description="The file goes in the form field `file` (multipart/form-data): e.g. "
    "assessments.csv, 考核.csv, 干部信息.xlsx. Refused before its body is read without a "
    "token with the write permission (401, 403) or over `GRAPHSVC_UPLOAD_MAX_MB` (413); a "
    "workbook past its limits (decompressed size, rows, cells) is 413 too.",
    openapi_extra=multipart_body("file", "e.g. assessments.csv, 考核.csv, 干部信息.xlsx"),
    responses=UPLOAD_ERRORS,
)
async def load_file(
    request: Request, store: StoreDep, settings: SettingsDep, audit: AuditDep
) -> WriteOut:
    # No body parameter: the token and role (the router's dependency) are checked before
    # a byte of the body is read.
    with upload_slot(request), tempfile.TemporaryDirectory(prefix="graphsvc-upload-") as folder:
        ((name, path),) = await receive_files(
            request,
            FilePath(folder),
            field="file",
            limit_mb=settings.upload_max_mb,
            setting="GRAPHSVC_UPLOAD_MAX_MB",
        )
        if path.suffix.lower() not in {".csv", ".xlsx"}:
            raise HTTPException(
                status_code=422,
                detail=f"文件“{name}”无法导入："
                "应为以表名命名的 .csv 文件（如 考核.csv）或 .xlsx 工作簿",
            )

        def load(gone: Callable[[], bool]) -> WriteOut:
            limits = ReadLimits.from_settings(cancelled=gone)

            def stop_if_gone(stage: str, _done: int, _total: int) -> None:
                if gone() and stage != "write":  # validating: stop; a write runs to its end
                    raise ReadCancelled

            return _write(
                request,
                store,
                lambda graph: load_paths(graph, [path], limits=limits, on_progress=stop_if_gone),
            )

        try:
            result = await run_while_connected(request, load)
        except ReadCancelled:
            raise HTTPException(
                status_code=CLIENT_GONE, detail="客户端已断开，导入已取消，未写入任何数据"
            ) from None
    audit.record("load_file")
    return result


class RowsIn(BaseModel):
    rows: list[dict[str, Any]] = Field(
        min_length=1,
        max_length=10_000,
        description="Rows as a file would have them: Chinese or English field names",
        examples=[[{"干部编号": "C000120", "年度": 2025, "等次": "优秀", "考核编号": "A-1"}]],
    )


@router.post(
    "/records/{table}",
    response_model=WriteOut,
    summary="Add or change records of one table (same validation as a file load)",
)
def write_rows(
    table: Annotated[str, Path(description="Table name, English or Chinese: assessments, 考核")],
    body: RowsIn,
    request: Request,
    store: StoreDep,
    audit: AuditDep,
) -> WriteOut:
    result = _write(
        request, store, lambda graph: load_records(graph, table, body.rows, source=table)
    )
    subjects = [
        str(row.get(key))
        for row in body.rows
        for key in ("cadre_id", "干部编号", "mentee_id", "帮带对象编号")
        if row.get(key)
    ]
    audit.record("write_records", subjects)
    return result


class AssessmentIn(BaseModel):
    year: int = Field(ge=1990, le=2100, examples=[2025])
    quarter: int | None = Field(default=None, ge=1, le=4, description="None for the annual grade")
    grade: str | None = Field(default=None, description="等次: 优秀, 称职, 基本称职, 不称职")
    stars: int | None = Field(default=None, ge=1, le=5, description="季度星级")


@router.post(
    "/cadres/{cadre_id}/assessments",
    response_model=WriteOut,
    summary="Record an assessment (年度定档 or 季度评星); replaces the same year and quarter",
    responses={404: ERRORS[404]},
)
def record_assessment(
    cadre_id: Annotated[str, Path(description="干部编号")],
    body: AssessmentIn,
    request: Request,
    store: StoreDep,
    audit: AuditDep,
) -> WriteOut:
    audit.record("record_assessment", [cadre_id])
    if store.get_node("Cadre", cadre_id) is None:
        raise HTTPException(status_code=404, detail=f"未找到编号为 '{cadre_id}' 的干部")
    # The same year and quarter is one assessment: update it rather than add a second.
    existing = [e.other_id for e in store.edges_of("Cadre", cadre_id) if e.type == "ASSESSMENT_OF"]
    same = [
        a["id"]
        for a in store.get_nodes("Assessment", set(existing)).values()
        if a.get("year") == body.year and a.get("quarter") == body.quarter
    ]
    suffix = f"Q{body.quarter}" if body.quarter else "Y"
    row = {
        "id": same[0] if same else f"A-{cadre_id}-{body.year}{suffix}",
        "cadre_id": cadre_id,
        "year": body.year,
        "quarter": body.quarter,
        "grade": body.grade,
        "stars": body.stars,
    }
    return _write(
        request, store, lambda graph: load_records(graph, "assessments", [row], source="assessment")
    )


class PairingIn(BaseModel):
    mentor_id: str = Field(examples=["M00001"])
    mentee_id: str = Field(examples=["C000522"])
    start: date = Field(examples=["2026-11-01"])
    end: date | None = None


@router.post(
    "/mentoring/pairs",
    response_model=WriteOut,
    summary="Pair a mentor with a mentee (导师结对)",
)
def pair_mentor(body: PairingIn, request: Request, store: StoreDep, audit: AuditDep) -> WriteOut:
    audit.record("pair_mentor", [body.mentee_id])
    row = {
        "mentor_id": body.mentor_id,
        "mentee_id": body.mentee_id,
        "start": body.start.isoformat(),
        "end": body.end.isoformat() if body.end else None,
        "recorded_by": request.state.principal.name,  # who made it, shown beside the pairing
        "recorded_on": date.today().isoformat(),
    }
    return _write(
        request, store, lambda graph: load_records(graph, "mentoring", [row], source="pair")
    )
