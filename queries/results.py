"""What every answer shares: the mark on a field that holds a cadre's id, and the records
(a cadre, a post, a unit, ...) that answers show as the store keeps them.

``CadreId`` is how an answer says "this value names a person". The HTTP audit walks
each response through its declared type and records every ``CadreId`` it finds, so a
field that holds a cadre's id must be typed ``CadreId`` (or a container of it), never
plain ``str``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import ConfigDict, GetJsonSchemaHandler, with_config
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema
from typing_extensions import TypedDict

__all__ = [
    "AssessmentNode",
    "CadreId",
    "CadreNode",
    "CadreRef",
    "PostNode",
    "SpecialtyNode",
    "SupervisionNode",
    "UnitNode",
]


class CadreRef:
    """Marks a value as a cadre's id (干部编号): a person whose record an answer shows."""

    def __repr__(self) -> str:
        return "CadreRef()"

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        # The OpenAPI document says which fields name a person.
        found: JsonSchemaValue = handler(schema)
        found.setdefault("description", "干部编号 (a cadre's id)")
        found["x-cadre-id"] = True
        return found


CadreId = Annotated[str, CadreRef()]

# Records as the store keeps them: the fields the model defines, others passed through.
_OPEN = ConfigDict(extra="allow")


@with_config(_OPEN)
class CadreNode(TypedDict, total=False):
    """A cadre's own record (干部); sensitive fields masked unless the reader may see them."""

    id: CadreId
    name: str
    gender: str
    birth: date | None
    ethnicity: str | None
    native_place: str | None
    hometown_unit_id: str | None
    party_date: date | None
    work_start: date | None
    education: str | None
    degree: str | None
    school_major: str | None
    inservice_education: str | None
    channel: str | None
    recruit_date: date | None
    title: str | None
    level: str | None
    level_since: date | None
    rank: str | None
    rank_since: date | None
    status: str | None
    probation_until: date | None
    id_number: str | None


@with_config(_OPEN)
class PostNode(TypedDict, total=False):
    """A post (岗位) as the store keeps it."""

    id: str
    name: str
    unit_id: str | None
    level: str | None
    leadership: bool | None
    team_member: bool | None
    principal: bool | None
    function: str | None
    role: str | None


@with_config(_OPEN)
class UnitNode(TypedDict, total=False):
    """A unit (单位) as the store keeps it."""

    id: str
    name: str
    kind: str | None
    parent_id: str | None
    remote: bool | None


@with_config(_OPEN)
class SpecialtyNode(TypedDict, total=False):
    """A specialty (专业) as the store keeps it."""

    id: str
    name: str
    category: str | None
    scarce: bool | None


@with_config(_OPEN)
class AssessmentNode(TypedDict, total=False):
    """An assessment (考核): an annual grade or a quarter's stars."""

    id: str
    cadre_id: CadreId
    year: int
    quarter: int | None
    grade: str | None
    stars: int | None


@with_config(_OPEN)
class SupervisionNode(TypedDict, total=False):
    """A supervision record (监督记录); restricted data."""

    id: str
    cadre_id: CadreId
    kind: str
    date: date | None
    effect_months: int | None
    note: str | None
