"""Mentoring in the sample: the mentor pool and the pairings, one step a function, and the
mentoring facts they plant (uncovered mentees, distant pairings, overloaded and departed
mentors) in ``manifest["planted"]``.

The steps share the generator's random stream and run in a fixed order; changing the order
changes the sample.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from graphsvc.retirement import statutory_retirement
from loaders.sample.catalogue import AS_OF
from loaders.sample.district import District
from loaders.sample.names import person_name
from loaders.sample.records import Person, add_months, months_between
from loaders.sample.state import SampleState

__all__ = ["build_mentoring"]

_OUTSIDE_ORGANIZATIONS = ("区委党校", "农业科学研究院", "规划设计研究院", "职业技术学院")
_UNCOVERED_SHARE = 0.12  # mentees left without a mentor on purpose
_STAYS_LOCAL = 0.95  # a mentee is paired within their township when a mentor there has room


@dataclass
class _Book:
    """The district's mentor pool as it is built: rows, load, capacity and home township."""

    mentors: list[dict[str, Any]] = field(default_factory=list)
    load: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    capacity: dict[str, int] = field(default_factory=dict)
    home: dict[str, str] = field(default_factory=dict)
    pool_of: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    mentor_cadre: dict[str, str | None] = field(default_factory=dict)
    pairs: list[dict[str, Any]] = field(default_factory=list)
    uncovered: list[str] = field(default_factory=list)

    def has_room(self, mentor_id: str) -> bool:
        return self.load[mentor_id] < self.capacity[mentor_id]

    def pair(self, mentor_id: str, mentee_id: str, start: Any, end: Any = None) -> None:
        self.load[mentor_id] += 1
        self.pairs.append({"mentor_id": mentor_id, "mentee_id": mentee_id, "start": start,
                           "end": end})  # fmt: skip


def build_mentoring(gen: SampleState, district: District) -> None:
    """Mentors and pairings of one district; plants uncovered mentees, distant pairings,
    overloaded and departed mentors."""
    need = _mentees(district)
    candidates = _mentor_candidates(gen, district)
    book = _Book()
    _recruit_mentors(gen, district, book, need, candidates)
    _pair_mentees(gen, district, book, need)
    _overload_some_mentors(gen, district, book, need)
    gen.planted["uncovered_mentees"].extend(book.uncovered)
    _let_some_mentors_leave(gen, district, book)
    _past_pairings(gen, district, book)
    gen.tables["mentors"].extend(book.mentors)
    gen.tables["mentoring"].extend(book.pairs)


def _township(district: District, person: Person) -> str:
    return district.unit_town.get(person.unit_id, person.unit_id)


def _mentees(district: District) -> list[Person]:
    """Who needs a mentor: new recruits, village graduates, recent 选调生, pool members."""
    return [
        p
        for p in district.people
        if p.young_recruit
        or p.channel == "到村(社区)工作大学生"
        or (p.channel == "选调生" and months_between(p.work_start, AS_OF) < 60)
        or p.id in district.pool_ids
    ]


def _mentor_candidates(gen: SampleState, district: District) -> dict[str, list[Person]]:
    """Team members and a quarter of the long-serving staff, by township."""
    by_town: dict[str, list[Person]] = defaultdict(list)
    for person in district.people:
        seasoned = months_between(person.work_start, AS_OF) >= 12 * 12
        if person.level != "科员" or (seasoned and gen.rng.random() < 0.25):
            by_town[_township(district, person)].append(person)
    return by_town


def _new_mentor(
    gen: SampleState, district: District, book: _Book, person: Person | None, unit: str
) -> str:
    """Add a mentor (a cadre, or an outside expert when ``person`` is None) homed in ``unit``."""
    rng = gen.rng
    mentor_id = gen.mentor_id()
    row: dict[str, Any]
    if person is None:
        kind, cap = "外部专家", rng.choice((2, 3))
        row = {
            "id": mentor_id,
            "name": person_name(rng, rng.choice("男女")),
            "cadre_id": None,
            "kind": kind,
            "organization": rng.choice(_OUTSIDE_ORGANIZATIONS),
            "capacity": cap,
            "in_pool": True,
            "status": "在岗",
            "retire_date": None,
        }
    else:
        post_name = gen.post_name[person.post_id]
        if "书记" in post_name and person.level in {"正科", "正处"}:
            kind = "党组织书记"
        elif person.level != "科员":
            kind = "班子成员"
        else:
            kind = "业务骨干"
        cap = rng.choice((2, 3, 3, 4)) if kind != "党组织书记" else rng.choice((3, 4, 5))
        retire = statutory_retirement(person.birth, person.gender)
        row = {
            "id": mentor_id,
            "name": "",  # the cadre's name, filled in once every mentor is chosen
            "cadre_id": person.id,
            "kind": kind,
            "organization": district.unit_name[person.unit_id],
            "capacity": cap,
            "in_pool": True,
            "status": "在岗",
            "retire_date": retire,
        }
    book.mentors.append(row)
    book.capacity[mentor_id] = int(row["capacity"])
    book.home[mentor_id] = unit
    return mentor_id


def _recruit_mentors(
    gen: SampleState,
    district: District,
    book: _Book,
    need: list[Person],
    candidates: dict[str, list[Person]],
) -> None:
    """About one mentor for two mentees in each township, sometimes an outside expert too."""
    rng = gen.rng
    for unit in sorted({_township(district, p) for p in need}):
        wanted = sum(1 for p in need if _township(district, p) == unit)
        count = max(1, round(wanted / 2.1))
        people = candidates.get(unit, [])
        for person in rng.sample(people, min(len(people), count)):
            book.pool_of[unit].append(_new_mentor(gen, district, book, person, unit))
        if rng.random() < 0.15 or not people:
            book.pool_of[unit].append(_new_mentor(gen, district, book, None, unit))
    for row in book.mentors:
        if row["cadre_id"]:
            row["name"] = gen.cadre_rows[row["cadre_id"]]["name"]
    book.mentor_cadre = {row["id"]: row["cadre_id"] for row in book.mentors}


def _pair_mentees(gen: SampleState, district: District, book: _Book, need: list[Person]) -> None:
    """Pair most mentees, within their township when possible; leave some uncovered on purpose
    and plant the pairings across townships."""
    rng = gen.rng
    for person in sorted(need, key=lambda p: p.id):
        unit = _township(district, person)
        if rng.random() < _UNCOVERED_SHARE or not book.pool_of.get(unit):
            book.uncovered.append(person.id)
            continue
        local = [
            m for m in book.pool_of[unit] if book.has_room(m) and book.mentor_cadre[m] != person.id
        ]
        if local and rng.random() < _STAYS_LOCAL:
            mentor_id = rng.choice(local)
        else:
            anywhere = [m for ms in book.pool_of.values() for m in ms if book.has_room(m)]
            if not anywhere:
                book.uncovered.append(person.id)
                continue
            mentor_id = rng.choice(anywhere)
            if book.home[mentor_id] != unit:
                gen.planted["distant_pairings"].append([mentor_id, person.id])
        if book.mentor_cadre[mentor_id] == person.id:  # nobody mentors themself
            book.uncovered.append(person.id)
            continue
        start = add_months(person.recruit_date or person.post_start, rng.randint(0, 3))
        book.pair(mentor_id, person.id, min(start, AS_OF))


def _overload_some_mentors(
    gen: SampleState, district: District, book: _Book, need: list[Person]
) -> None:
    """Give a few full mentors up to two more local mentees than their capacity (planted)."""
    full = sorted((m for m in book.mentors if not book.has_room(m["id"])), key=lambda m: m["id"])
    for mentor in full[: max(1, district.scaled(8))]:
        unit = book.home[mentor["id"]]
        uncovered_now = set(book.uncovered)
        extra = [
            p
            for p in need
            if p.id in uncovered_now
            and _township(district, p) == unit
            and p.id != mentor.get("cadre_id")
        ][:2]
        for person in extra:
            book.uncovered.remove(person.id)
            book.pair(mentor["id"], person.id, add_months(AS_OF, -gen.rng.randint(1, 6)))
        if book.load[mentor["id"]] > book.capacity[mentor["id"]]:
            gen.planted["overloaded_mentors"].append(mentor["id"])


def _let_some_mentors_leave(gen: SampleState, district: District, book: _Book) -> None:
    """Mentors who have left or retired but still have active mentees (planted)."""
    rng = gen.rng
    active = sorted({p["mentor_id"] for p in book.pairs})
    for mentor_id in rng.sample(active, min(len(active), district.scaled(6))):
        row = next(m for m in book.mentors if m["id"] == mentor_id)
        row["status"] = rng.choice(("离任", "退休"))
        gen.planted["departed_mentors"].append(mentor_id)


def _past_pairings(gen: SampleState, district: District, book: _Book) -> None:
    """Pairings of earlier years that ended after the usual three years.

    A veteran may still be a mentee today (a pool member, a recent 选调生); a mentor who
    mentors them now cannot also be a past mentor: the ended pairing would be the open
    one again, possibly with the same start (the same record written twice).
    """
    rng = gen.rng
    veterans = [p for p in district.people if 36 <= months_between(p.work_start, AS_OF) < 120]
    mentor_ids = [m["id"] for m in book.mentors]
    current = {(pair["mentor_id"], pair["mentee_id"]) for pair in book.pairs if not pair["end"]}
    for person in rng.sample(veterans, min(len(veterans), district.scaled(150))):
        start = add_months(person.work_start, 1)
        mentor_id = rng.choice(mentor_ids)
        if book.mentor_cadre[mentor_id] == person.id or (mentor_id, person.id) in current:
            continue
        # Past pairings do not count against today's load.
        book.pairs.append(
            {"mentor_id": mentor_id, "mentee_id": person.id, "start": start,
             "end": add_months(start, 36)}
        )  # fmt: skip
