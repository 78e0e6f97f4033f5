"""Writes, for editors: load a file, add or change records, record an assessment, pair a mentor.

Every write goes through the loader's validation (the same headers, vocabularies,
date forms and reference checks as a file load), is all or nothing, and raises
the graph version so cached analyses are recomputed. Writes take turns (one
lock), so two concurrent requests never validate against a state the other is
about to change; no update is lost.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, HTTPException, Path, Request, UploadFile
from pydantic import BaseModel, Field

from api.deps import AuditDep, StoreDep, require
from api.schemas import ERRORS, Problem
from graphsvc.stores import GraphStore
from loaders.load import LoadFailed, LoadOutcome, load_paths, load_records
from loaders.tables import SourceError

router = APIRouter(
    tags=["writes"],
    dependencies=[Depends(require("write"))],
    responses={422: ERRORS[422]},
)

_MAX_UPLOAD = 200 * 1024 * 1024  # bytes


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


def _write(request: Request, store: GraphStore, action: Callable[[], LoadOutcome]) -> WriteOut:
    with request.app.state.write_lock:
        try:
            outcome = action()
        except SourceError as error:
            raise _Rejected(
                str(error), [Problem(field=error.source, message=error.reason)]
            ) from None
        except LoadFailed as failure:
            raise _Rejected(str(failure), _problems(failure)) from None
    summary = outcome.summary.as_dict()
    return WriteOut(
        version=store.version(),
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
)
def load_file(
    request: Request,
    store: StoreDep,
    audit: AuditDep,
    file: Annotated[UploadFile, File(description="e.g. assessments.csv, 考核.csv, 干部信息.xlsx")],
) -> WriteOut:
    name = FilePath(file.filename or "").name
    if not name or FilePath(name).suffix.lower() not in {".csv", ".xlsx"}:
        raise HTTPException(
            status_code=422,
            detail=f"文件“{name}”无法导入："
            "应为以表名命名的 .csv 文件（如 考核.csv）或 .xlsx 工作簿",
        )
    data = file.file.read(_MAX_UPLOAD + 1)
    if len(data) > _MAX_UPLOAD:
        raise HTTPException(status_code=413, detail="文件超过200 MB，请拆分后分批上传")
    with tempfile.TemporaryDirectory() as folder:
        path = FilePath(folder) / name
        path.write_bytes(data)
        result = _write(request, store, lambda: load_paths(store, [path]))
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
    result = _write(request, store, lambda: load_records(store, table, body.rows, source=table))
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
        request, store, lambda: load_records(store, "assessments", [row], source="assessment")
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
    return _write(request, store, lambda: load_records(store, "mentoring", [row], source="pair"))
