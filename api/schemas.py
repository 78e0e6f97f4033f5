"""Response shapes shared by the routers."""

from __future__ import annotations

from datetime import date
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field
from typing_extensions import TypedDict

from queries.results import CadreId

Item = TypeVar("Item")


class PageOut(BaseModel, Generic[Item]):
    """A page of records: ``PageOut[CadreHit]``, ``PageOut[PostHit]``, ``PageOut[UnitNode]``."""

    items: list[Item] = Field(description="记录 (records) of this page")
    total: int = Field(description="How many records match in all")
    limit: int
    offset: int


class WarmingOut(BaseModel):
    """How far the start-up preparation of the read models has got."""

    done: int = Field(description="Steps done")
    total: int = Field(description="Steps in all")
    step: str | None = Field(description="The step under way: directory, units, selection …")
    seconds: float = Field(description="Seconds since the start (the whole time, once done)")
    failed: str | None = Field(default=None, description="A step that failed (logged)")


class HealthOut(BaseModel):
    """Open to all: the service is up (its store answers), and which release it is."""

    status: str = Field(
        examples=["ok"],
        description="ok, or warming while the read models are prepared after a start "
        "(answers meanwhile are no slower than without the preparation)",
    )
    version: str = Field(description="The graphsvc release serving", examples=["0.2.0"])
    warming: WarmingOut | None = Field(
        default=None, description="While warming: its progress (left out once ready)"
    )


class HealthDetailOut(HealthOut):
    """For any valid token: what the service holds."""

    store: str = Field(description="Kind of store: embedded or neo4j", examples=["embedded"])
    graph_version: int = Field(
        description="Graph version; grows with every write that changed data"
    )
    nodes: dict[str, int] = Field(description="Node counts by label")
    edges: dict[str, int] = Field(description="Edge counts by type")
    cache: dict[str, int | None] = Field(
        default_factory=dict, description="Analysis cache: version, entries, hits, misses"
    )


class AuditEntryOut(BaseModel):
    """One audited request: who, when, from where, and whose records it showed."""

    seq: int
    at: str = Field(description="When (UTC, ISO 8601)")
    who: str | None = Field(description="The token's name")
    role: str | None
    client: str | None = Field(description="host:port of the caller")
    method: str
    path: str
    query: str
    status: int
    action: str = Field(examples=["read_record", "analysis:mentoring"])
    subjects: list[CadreId] = Field(description="The people whose records it read or changed")


class AuditPageOut(BaseModel):
    total: int
    limit: int
    offset: int
    entries: list[AuditEntryOut]


class Problem(BaseModel):
    """One thing wrong with a request or its data."""

    field: str | None = Field(
        default=None, description="Where: query.limit, body.rows.0.年度, 考核.csv row 3 ..."
    )
    message: str = Field(description="Why, in plain words")
    value: Any = Field(default=None, description="The value given, when there was one")


class ErrorOut(BaseModel):
    """Every error has this shape: a sentence, and the problems one by one if several."""

    detail: str = Field(examples=["未找到编号为 'C999999' 的干部"])
    errors: list[Problem] = Field(default_factory=list)


# The days an analysis can be asked for: the records start after 1950, and a day far outside
# them is a typing slip (a year 0001 would break the calendar arithmetic), said as a 422.
EARLIEST_DAY = date(1950, 1, 1)
LATEST_DAY = date(2100, 12, 31)

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "The request cannot be carried out"},
    401: {"model": ErrorOut, "description": "No token, or an unknown or revoked one"},
    403: {"model": ErrorOut, "description": "The token's role may not do this"},
    404: {"model": ErrorOut, "description": "No such record"},
    409: {"model": ErrorOut, "description": "The record's state does not allow it (says why)"},
    413: {"model": ErrorOut, "description": "The upload is over a size limit (nothing written)"},
    422: {"model": ErrorOut, "description": "Invalid parameters or data, every problem listed"},
    429: {"model": ErrorOut, "description": "Too many tries: wait as the message says"},
    503: {
        "model": ErrorOut,
        "description": "The graph store or the audit log does not answer, or the server is "
        "busy with other uploads (retry later)",
    },
}


class FormsImportOut(TypedDict):
    """What an upload of appointment forms did: counts, what matched what, what is new."""

    cadres: dict[str, int]  # created / updated / unchanged
    matched: list[dict[str, Any]]
    created: list[dict[str, Any]]
    ambiguous: list[dict[str, Any]]
    problems: list[dict[str, Any]]
    warnings: list[dict[str, Any]]
    closed: list[dict[str, Any]]  # posts a newer form no longer lists, closed at its date
    proposals: list[dict[str, Any]]  # 任免建议 the forms make
    channels: list[dict[str, Any]]  # 录用渠道 read from 简历, or left 未知 for a clerk
    files: int
    cadre_ids: list[CadreId]
    written: bool
    dry_run: bool
    summary: dict[str, Any]
    version: int
    message: str  # what was done, in one Chinese sentence
