"""Reading records: a cadre's profile with its history, a post, a unit with its team.

Sensitive data (ID numbers, kinship, supervision records) is left out or
masked unless the caller says the reader may see it.
"""

from __future__ import annotations

import base64
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, NotRequired, TypeVar, cast

from pydantic import ConfigDict, with_config
from typing_extensions import TypedDict

from graphsvc.model import node_spec, sensitive_fields
from graphsvc.stores.base import EdgeView, GraphStore
from queries.results import (
    AssessmentNode,
    CadreId,
    CadreNode,
    PostNode,
    SpecialtyNode,
    SupervisionNode,
    UnitNode,
)

__all__ = [
    "SENSITIVE_PARTS",
    "CadreProfile",
    "Page",
    "PhotoInfo",
    "PostDetail",
    "ProposalEntry",
    "UnitDetail",
    "cadre_photo",
    "cadre_profile",
    "list_records",
    "mask_id_number",
    "post_detail",
    "proposal_entry",
    "unit_detail",
]


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int


_Row = TypeVar("_Row")

# Relations carry their own fields (dates, kinds, roles ...): passed through as kept.
_OPEN = ConfigDict(extra="allow")


class PostEntry(TypedDict):
    """A post a cadre holds or held, with its dates."""

    post_id: str
    post_name: str | None
    unit_id: str | None
    unit_name: str | None
    level: str | None
    start: date | None
    end: date | None


@with_config(_OPEN)
class RotationEntry(TypedDict):
    unit_id: str
    unit_name: str | None


@with_config(_OPEN)
class MentorEntry(TypedDict):
    mentor_id: str
    mentor_name: str | None
    current: bool


@with_config(_OPEN)
class ProjectEntry(TypedDict):
    project_id: str
    project_name: str | None
    kind: str | None


@with_config(_OPEN)
class TrainingEntry(TypedDict):
    training_id: str


@with_config(_OPEN)
class PoolEntry(TypedDict):
    pool_id: str


@with_config(_OPEN)
class RelativeEntry(TypedDict):
    """A relative who is a cadre too (RELATIVE_OF); shown only to roles that see kinship."""

    cadre_id: CadreId
    name: str | None
    direction: str


class ProposalEntry(TypedDict):
    """An appointment proposed for the cadre (任免建议), with where it stands."""

    proposal_id: str
    post_id: str | None
    post_name: str | None
    appoint: str | None  # 拟任职务, as written
    remove: str | None  # 拟免职务
    reason: str | None
    reporting_unit: str | None
    date: date | None
    status: str
    source: str | None


class PhotoInfo(TypedDict):
    """That the cadre has a photo, and what kind; the image itself is fetched on its own."""

    media_type: str
    size: int  # bytes


class CadreProfile(TypedDict):
    """A cadre's profile with full history (干部档案)."""

    cadre: CadreNode
    current_posts: list[PostEntry]
    post_history: list[PostEntry]
    rotations: list[RotationEntry]
    mentors: list[MentorEntry]
    projects: list[ProjectEntry]
    trainings: list[TrainingEntry]
    specialties: list[SpecialtyNode]
    assessments: list[AssessmentNode]
    pool_membership: list[PoolEntry]
    proposals: list[ProposalEntry]
    photo: NotRequired[PhotoInfo]
    relatives: NotRequired[list[RelativeEntry]]
    supervision: NotRequired[list[SupervisionNode]]
    shown_sensitive: NotRequired[list[str]]


@with_config(_OPEN)
class HolderEntry(TypedDict):
    """Who holds or held a post, with the dates."""

    cadre_id: CadreId
    name: str | None
    current: bool


class PostDetail(TypedDict):
    """A post with its unit, required specialties and holders (岗位详情)."""

    post: PostNode
    unit: UnitNode | None
    required_specialties: list[SpecialtyNode]
    holders: list[HolderEntry]
    vacant: bool


class TeamHolder(TypedDict):
    cadre_id: CadreId
    name: str | None
    gender: str | None
    birth: date | None


class TeamSeat(TypedDict):
    post_id: str
    post_name: str | None
    level: str | None
    holders: list[TeamHolder]


class UnitDetail(TypedDict):
    """A unit with its parent, child units, posts and leadership team (单位及领导班子)."""

    unit: UnitNode
    parent: UnitNode | None
    children: list[UnitNode]
    posts: list[PostNode]
    team: list[TeamSeat]


# What a role may be shown of a person's record, beyond the ordinary fields.
SENSITIVE_PARTS = ("id_number", "kinship", "supervision", "photo")


def mask_id_number(value: str) -> str:
    """``990001199005121234`` → ``990001********1234``: region kept, birth and sequence hidden."""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def _masked(label: str, props: Mapping[str, Any], reveal: bool) -> dict[str, Any]:
    shown = dict(props)
    if not reveal:
        for name in sensitive_fields(node_spec(label).model) & shown.keys():
            value = shown[name]
            shown[name] = mask_id_number(str(value)) if name == "id_number" else "***"
    return shown


def list_records(
    *,
    store: GraphStore,
    label: str,
    where: Mapping[str, Any] | None = None,
    limit: int = 50,
    offset: int = 0,
    reveal_sensitive: bool = False,
) -> Page:
    """A page of nodes of ``label`` whose properties equal ``where``."""
    items, total = store.list_nodes(label, where=where, limit=limit, offset=offset)
    return Page([_masked(label, item, reveal_sensitive) for item in items], total, limit, offset)


def _open(kind: type[_Row], fields: Mapping[str, Any], extra: Mapping[str, Any]) -> _Row:
    """A row of ``kind``: its typed ``fields`` and, after them, a relation's own ``extra``."""
    return cast(_Row, {**fields, **extra})


def _current(props: Mapping[str, Any], as_of: date) -> bool:
    end = props.get("end")
    return end is None or end > as_of


def _names(store: GraphStore, label: str, ids: set[str]) -> dict[str, dict[str, Any]]:
    return store.get_nodes(label, ids) if ids else {}


def cadre_profile(
    *,
    store: GraphStore,
    cadre_id: str,
    reveal_sensitive: bool = False,
    reveal: Collection[str] = (),
    as_of: date | None = None,
) -> CadreProfile | None:
    """A cadre with current post, post history, rotations, mentors, projects, trainings,
    specialties, assessments and pool membership. ``None`` when there is no such cadre.

    Sensitive parts appear only when named in ``reveal`` (``"id_number"``,
    ``"kinship"``, ``"supervision"``, ``"photo"``) or all of them with ``reveal_sensitive``;
    otherwise the ID number is masked and the other parts are left out. Proposals
    (任免建议) are listed for every reader, latest first.
    """
    shown = set(SENSITIVE_PARTS) if reveal_sensitive else set(reveal)
    cadre = store.get_node("Cadre", cadre_id)
    if cadre is None:
        return None
    day = as_of or date.today()
    edges = store.edges_of("Cadre", cadre_id)
    by_type: dict[str, list[EdgeView]] = {}
    for edge in edges:
        by_type.setdefault(edge.type, []).append(edge)

    posts = _names(store, "Post", {e.other_id for e in by_type.get("HOLDS", [])})
    units = _names(
        store,
        "Unit",
        {str(p.get("unit_id")) for p in posts.values() if p.get("unit_id")}
        | {e.other_id for e in by_type.get("ROTATED_TO", [])},
    )

    def post_entry(edge: EdgeView) -> PostEntry:
        post = posts.get(edge.other_id, {})
        unit = units.get(str(post.get("unit_id")), {})
        return {
            "post_id": edge.other_id,
            "post_name": post.get("name"),
            "unit_id": post.get("unit_id"),
            "unit_name": unit.get("name"),
            "level": post.get("level"),
            "start": edge.props.get("start"),
            "end": edge.props.get("end"),
        }

    history = sorted(
        (post_entry(e) for e in by_type.get("HOLDS", [])), key=lambda h: h["start"] or date.min
    )
    mentors = _names(store, "Mentor", {e.other_id for e in by_type.get("MENTORS", [])})
    projects = _names(store, "Project", {e.other_id for e in by_type.get("WORKED_ON", [])})
    trainings = _names(store, "Training", {e.other_id for e in by_type.get("ATTENDED", [])})
    specialties = _names(store, "Specialty", {e.other_id for e in by_type.get("HAS_SPECIALTY", [])})
    assessments = _names(
        store, "Assessment", {e.other_id for e in by_type.get("ASSESSMENT_OF", [])}
    )

    profile: CadreProfile = {
        "cadre": cast(CadreNode, _masked("Cadre", cadre, "id_number" in shown)),
        "current_posts": [h for h in history if _current(cast(Mapping[str, Any], h), day)],
        "post_history": history,
        "rotations": [
            _open(
                RotationEntry,
                {"unit_id": e.other_id, "unit_name": units.get(e.other_id, {}).get("name")},
                e.props,
            )
            for e in by_type.get("ROTATED_TO", [])
        ],
        "mentors": [
            _open(
                MentorEntry,
                {
                    "mentor_id": e.other_id,
                    "mentor_name": mentors.get(e.other_id, {}).get("name"),
                    "current": _current(e.props, day),
                },
                e.props,
            )
            for e in by_type.get("MENTORS", [])
        ],
        "projects": [
            _open(
                ProjectEntry,
                {
                    "project_id": e.other_id,
                    "project_name": projects.get(e.other_id, {}).get("name"),
                    "kind": projects.get(e.other_id, {}).get("kind"),
                },
                e.props,
            )
            for e in by_type.get("WORKED_ON", [])
        ],
        "trainings": sorted(
            (
                _open(
                    TrainingEntry,
                    {"training_id": e.other_id},
                    {**trainings.get(e.other_id, {}), **e.props},
                )
                for e in by_type.get("ATTENDED", [])
            ),
            key=lambda t: cast(dict[str, Any], t).get("start") or date.min,
        ),
        "specialties": [
            cast(SpecialtyNode, specialties[e.other_id])
            for e in by_type.get("HAS_SPECIALTY", [])
            if e.other_id in specialties
        ],
        "assessments": cast(
            list[AssessmentNode],
            sorted(assessments.values(), key=lambda a: (a.get("year", 0), a.get("quarter") or 0)),
        ),
        "pool_membership": [
            _open(PoolEntry, {"pool_id": e.other_id}, e.props) for e in by_type.get("IN_POOL", [])
        ],
        "proposals": _proposals(store, by_type.get("PROPOSAL_OF", [])),
    }
    if "photo" in shown and by_type.get("PHOTO_OF"):
        kept = store.get_node("Photo", by_type["PHOTO_OF"][0].other_id)
        if kept is not None:
            profile["photo"] = {
                "media_type": str(kept["media_type"]),
                "size": len(str(kept["data"])) * 3 // 4,
            }
    if "kinship" in shown:
        relatives = _names(store, "Cadre", {e.other_id for e in by_type.get("RELATIVE_OF", [])})
        profile["relatives"] = [
            _open(
                RelativeEntry,
                {
                    "cadre_id": e.other_id,
                    "name": relatives.get(e.other_id, {}).get("name"),
                    "direction": e.direction,
                },
                e.props,
            )
            for e in by_type.get("RELATIVE_OF", [])
        ]
    if "supervision" in shown:
        records = _names(store, "Supervision", {e.other_id for e in by_type.get("RECORD_OF", [])})
        profile["supervision"] = [cast(SupervisionNode, r) for r in records.values()]
    # What a form keeps on the cadre follows its part's permission, not the ID number's.
    if "family" in cadre:
        profile["cadre"]["family"] = cadre["family"] if "kinship" in shown else "***"
    if "rewards_and_sanctions" in cadre:
        allowed = "supervision" in shown
        profile["cadre"]["rewards_and_sanctions"] = (
            cadre["rewards_and_sanctions"] if allowed else "***"
        )
    return profile


def proposal_entry(proposal: Mapping[str, Any], post: Mapping[str, Any]) -> ProposalEntry:
    """A proposal as answers show it, with the name of the post it is for."""
    return {
        "proposal_id": str(proposal["id"]),
        "post_id": proposal.get("post_id"),
        "post_name": post.get("name"),
        "appoint": proposal.get("appoint"),
        "remove": proposal.get("remove"),
        "reason": proposal.get("reason"),
        "reporting_unit": proposal.get("reporting_unit"),
        "date": proposal.get("date"),
        "status": str(proposal.get("status") or "拟任"),
        "source": proposal.get("source"),
    }


def _proposals(store: GraphStore, edges: list[EdgeView]) -> list[ProposalEntry]:
    found = _names(store, "Proposal", {e.other_id for e in edges})
    posts = _names(store, "Post", {str(p["post_id"]) for p in found.values() if p.get("post_id")})
    entries = [proposal_entry(p, posts.get(str(p.get("post_id")), {})) for p in found.values()]
    return sorted(entries, key=lambda e: (e["date"] or date.min, e["proposal_id"]), reverse=True)


def cadre_photo(*, store: GraphStore, cadre_id: str) -> tuple[bytes, str] | None:
    """The cadre's photo (bytes, media type), or ``None``; callers check the role first."""
    kept = store.get_node("Photo", cadre_id)
    if kept is None:
        return None
    return base64.b64decode(str(kept["data"])), str(kept["media_type"])


def post_detail(*, store: GraphStore, post_id: str, as_of: date | None = None) -> PostDetail | None:
    """A post with its unit, required specialties and holders (current and past)."""
    post = store.get_node("Post", post_id)
    if post is None:
        return None
    day = as_of or date.today()
    edges = store.edges_of("Post", post_id)
    holders = [e for e in edges if e.type == "HOLDS"]
    people = _names(store, "Cadre", {e.other_id for e in holders})
    required = _names(store, "Specialty", {e.other_id for e in edges if e.type == "REQUIRES"})
    unit = store.get_node("Unit", str(post["unit_id"])) if post.get("unit_id") else None
    holder_rows = sorted(
        (
            _open(
                HolderEntry,
                {
                    "cadre_id": e.other_id,
                    "name": people.get(e.other_id, {}).get("name"),
                    "current": _current(e.props, day),
                },
                e.props,
            )
            for e in holders
        ),
        key=lambda h: cast(dict[str, Any], h)["start"],
    )
    return {
        "post": cast(PostNode, post),
        "unit": cast(UnitNode | None, unit),
        "required_specialties": [cast(SpecialtyNode, s) for s in required.values()],
        "holders": holder_rows,
        "vacant": not any(h["current"] for h in holder_rows),
    }


def unit_detail(*, store: GraphStore, unit_id: str, as_of: date | None = None) -> UnitDetail | None:
    """A unit with its parent, child units and posts; leadership posts with their holders."""
    unit = store.get_node("Unit", unit_id)
    if unit is None:
        return None
    day = as_of or date.today()
    edges = store.edges_of("Unit", unit_id)
    children = _names(
        store, "Unit", {e.other_id for e in edges if e.type == "PART_OF" and e.direction == "in"}
    )
    posts = _names(store, "Post", {e.other_id for e in edges if e.type == "IN_UNIT"})
    team: list[TeamSeat] = []
    for post_id, post in sorted(posts.items()):
        if not post.get("team_member"):
            continue
        holders = [
            e.other_id
            for e in store.edges_of("Post", post_id)
            if e.type == "HOLDS" and _current(e.props, day)
        ]
        people = _names(store, "Cadre", set(holders))
        team.append(
            {
                "post_id": post_id,
                "post_name": post.get("name"),
                "level": post.get("level"),
                "holders": [
                    {
                        "cadre_id": c,
                        "name": people.get(c, {}).get("name"),
                        "gender": people.get(c, {}).get("gender"),
                        "birth": people.get(c, {}).get("birth"),
                    }
                    for c in holders
                ],
            }
        )
    parent = store.get_node("Unit", str(unit["parent_id"])) if unit.get("parent_id") else None
    return {
        "unit": cast(UnitNode, unit),
        "parent": cast(UnitNode | None, parent),
        "children": cast(list[UnitNode], sorted(children.values(), key=lambda u: u["id"])),
        "posts": cast(list[PostNode], sorted(posts.values(), key=lambda p: p["id"])),
        "team": team,
    }
