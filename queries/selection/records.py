"""What the selection rules read about a cadre, gathered in one plain structure.

A :class:`CadreRecord` holds a cadre's properties and the parts of the graph the
rules look at: posts held (with their units), rotations, courses, assessments,
supervision records, relatives. :func:`load_cadre_record` reads one from any
store; the same structure serves one check or a whole round.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from graphsvc.stores.base import GraphStore

__all__ = [
    "CadreRecord",
    "Course",
    "Relative",
    "Stint",
    "Tenure",
    "UnitIndex",
    "load_cadre_record",
    "load_units",
]


@dataclass(frozen=True)
class Tenure:
    """A post held, from ``start`` to ``end`` (``None``: still held)."""

    post_id: str
    post: dict[str, Any]
    start: date
    end: date | None

    def current(self, as_of: date) -> bool:
        return self.start <= as_of and (self.end is None or self.end > as_of)


@dataclass(frozen=True)
class Stint:
    """A rotation or secondment (交流/轮岗/挂职) to a unit."""

    unit_id: str
    kind: str
    start: date
    end: date | None


@dataclass(frozen=True)
class Course:
    training_id: str
    kind: str
    start: date
    days: float
    hours: float
    off_job: bool


@dataclass(frozen=True)
class Relative:
    cadre_id: str
    name: str
    relation: str
    tenures: tuple[Tenure, ...]


@dataclass
class CadreRecord:
    cadre: dict[str, Any]
    tenures: list[Tenure] = field(default_factory=list)
    rotations: list[Stint] = field(default_factory=list)
    courses: list[Course] = field(default_factory=list)
    annual_grades: dict[int, str] = field(default_factory=dict)
    supervision: list[dict[str, Any]] = field(default_factory=list)
    relatives: list[Relative] = field(default_factory=list)
    # Read by ranking (load_cadre_records fills them):
    specialties: set[str] = field(default_factory=set)
    projects: list[tuple[dict[str, Any], str, str | None]] = field(default_factory=list)
    stars: list[int] = field(default_factory=list)
    in_pool: bool = False

    @property
    def id(self) -> str:
        return str(self.cadre["id"])

    def current_tenures(self, as_of: date) -> list[Tenure]:
        return [tenure for tenure in self.tenures if tenure.current(as_of)]


@dataclass(frozen=True)
class UnitIndex:
    """Every unit with its kind, name and parent, for walking the hierarchy."""

    units: dict[str, dict[str, Any]]

    def kind(self, unit_id: str | None) -> str | None:
        return self.units.get(unit_id or "", {}).get("kind")

    def name(self, unit_id: str | None) -> str:
        return str(self.units.get(unit_id or "", {}).get("name", unit_id))

    def ancestors(self, unit_id: str | None) -> list[str]:
        """Parent, grandparent, ... (not the unit itself), nearest first."""
        chain: list[str] = []
        current = self.units.get(unit_id or "", {}).get("parent_id")
        while current and current not in chain:
            chain.append(current)
            current = self.units.get(current, {}).get("parent_id")
        return chain


def _stint(unit_id: str, props: dict[str, Any]) -> Stint:
    return Stint(unit_id, str(props.get("kind", "")), props["start"], props.get("end"))


def _course(
    training_id: str, course: dict[str, Any] | None, props: dict[str, Any]
) -> Course | None:
    """A completed course with its credited hours (the attendance's own, else the course's)."""
    if course is None or props.get("completed") is False:
        return None
    return Course(
        training_id,
        str(course.get("kind", "")),
        course["start"],
        float(course.get("days", 0)),
        float(props.get("hours") or course.get("hours", 0)),
        bool(course.get("off_job")),
    )


def load_units(store: GraphStore) -> UnitIndex:
    return UnitIndex({unit["id"]: unit for unit in store.iter_nodes("Unit")})


def _tenures(store: GraphStore, edges: list[tuple[str, dict[str, Any]]]) -> list[Tenure]:
    posts = store.get_nodes("Post", {post_id for post_id, _ in edges})
    found = [
        Tenure(post_id, posts.get(post_id, {"id": post_id}), props["start"], props.get("end"))
        for post_id, props in edges
    ]
    return sorted(found, key=lambda tenure: tenure.start)


def load_cadre_record(
    store: GraphStore, cadre_id: str, *, with_relatives: bool = True
) -> CadreRecord | None:
    """Everything the rules read about one cadre; ``None`` when there is no such cadre."""
    cadre = store.get_node("Cadre", cadre_id)
    if cadre is None:
        return None
    record = CadreRecord(cadre)
    by_type: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for edge in store.edges_of("Cadre", cadre_id):
        by_type.setdefault(edge.type, []).append((edge.other_id, dict(edge.props)))
    record.tenures = _tenures(store, by_type.get("HOLDS", []))
    record.rotations = [_stint(unit_id, props) for unit_id, props in by_type.get("ROTATED_TO", [])]
    trainings = store.get_nodes("Training", {t for t, _ in by_type.get("ATTENDED", [])})
    for training_id, props in by_type.get("ATTENDED", []):
        course = _course(training_id, trainings.get(training_id), props)
        if course is not None:
            record.courses.append(course)
    assessments = store.get_nodes("Assessment", {a for a, _ in by_type.get("ASSESSMENT_OF", [])})
    for assessment in assessments.values():
        if assessment.get("quarter") is None and assessment.get("grade"):
            record.annual_grades[int(assessment["year"])] = str(assessment["grade"])
    record.supervision = list(
        store.get_nodes("Supervision", {s for s, _ in by_type.get("RECORD_OF", [])}).values()
    )
    if with_relatives:
        relatives = store.get_nodes("Cadre", {r for r, _ in by_type.get("RELATIVE_OF", [])})
        for relative_id, props in by_type.get("RELATIVE_OF", []):
            held = [
                (edge.other_id, dict(edge.props))
                for edge in store.edges_of("Cadre", relative_id)
                if edge.type == "HOLDS"
            ]
            record.relatives.append(
                Relative(
                    relative_id,
                    str(relatives.get(relative_id, {}).get("name", relative_id)),
                    str(props.get("relation", "")),
                    tuple(_tenures(store, held)),
                )
            )
    return record


def load_cadre_records(store: GraphStore, cadre_ids: set[str]) -> dict[str, CadreRecord]:
    """Records of many cadres from one scan per edge type (for ranking and rounds).

    Relatives are loaded with their posts, as :func:`load_cadre_record` does.
    """
    cadres = store.get_nodes("Cadre", cadre_ids)
    records = {cadre_id: CadreRecord(props) for cadre_id, props in cadres.items()}
    held: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for cadre_id, post_id, props in store.iter_edges("HOLDS"):
        held.setdefault(cadre_id, []).append((post_id, props))
    posts = {post["id"]: post for post in store.iter_nodes("Post")}

    def tenures_of(cadre_id: str) -> list[Tenure]:
        found = [
            Tenure(post_id, posts.get(post_id, {"id": post_id}), props["start"], props.get("end"))
            for post_id, props in held.get(cadre_id, [])
        ]
        return sorted(found, key=lambda tenure: tenure.start)

    trainings = {t["id"]: t for t in store.iter_nodes("Training")}
    for cadre_id, record in records.items():
        record.tenures = tenures_of(cadre_id)
    for cadre_id, unit_id, props in store.iter_edges("ROTATED_TO"):
        if cadre_id in records:
            records[cadre_id].rotations.append(_stint(unit_id, props))
    for cadre_id, training_id, props in store.iter_edges("ATTENDED"):
        course = _course(training_id, trainings.get(training_id), props)
        if cadre_id in records and course is not None:
            records[cadre_id].courses.append(course)
    for assessment in store.iter_nodes(
        "Assessment", ["cadre_id", "year", "quarter", "grade", "stars"]
    ):
        assessed = records.get(str(assessment.get("cadre_id")))
        if assessed is None:
            continue
        if assessment.get("quarter") is None and assessment.get("grade"):
            assessed.annual_grades[int(assessment["year"])] = str(assessment["grade"])
        elif assessment.get("stars"):
            assessed.stars.append(int(assessment["stars"]))
    for cadre_id, specialty_id, _ in store.iter_edges("HAS_SPECIALTY"):
        if cadre_id in records:
            records[cadre_id].specialties.add(specialty_id)
    projects = {p["id"]: p for p in store.iter_nodes("Project")}
    for cadre_id, project_id, props in store.iter_edges("WORKED_ON"):
        if cadre_id in records and project_id in projects:
            records[cadre_id].projects.append(
                (projects[project_id], str(props.get("role", "成员")), props.get("result"))
            )
    for cadre_id, _pool, props in store.iter_edges("IN_POOL"):
        if cadre_id in records and props.get("end") is None:
            records[cadre_id].in_pool = True
    for item in store.iter_nodes("Supervision"):
        supervised = records.get(str(item.get("cadre_id")))
        if supervised is not None:
            supervised.supervision.append(item)
    names = {c["id"]: c.get("name", c["id"]) for c in store.iter_nodes("Cadre", ["name"])}
    for source, target, props in store.iter_edges("RELATIVE_OF"):
        for me, other in ((source, target), (target, source)):
            if me in records:
                records[me].relatives.append(
                    Relative(
                        other,
                        str(names.get(other, other)),
                        str(props.get("relation", "")),
                        tuple(tenures_of(other)),
                    )
                )
    return records
