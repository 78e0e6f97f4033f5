"""The path situations (一人一策): cadres whose path to the next level is worked out by hand
from the rules, listed in ``manifest["planted"]["paths"]`` with what ``graphsvc path`` must
say of each.

One entry a situation and district, each naming the ``situation``, the ``cadre_id``, the
``level`` and ``next_level``, the expected ``ready_now``, ``ready_on`` and
``ready_with_actions`` (ISO days, ``None`` where no day can be known), the lines of the
rules that decide it (``rules``: rule → ``status`` and ``met_on``), ``pool`` (``None``, or
``pool_id``, ``ages_out_on`` and ``at_risk``) and the facts the day comes from:

- ``ready_now``: a 副科 leader past 2 years in the post (the years' line passes today);
- ``years_known_day``: a 副科 leader 9 months in the post: ready the day 2 years are full;
- ``effect_period``: a 副科 leader otherwise ready, given a 记过 4 months ago: ready the day
  its 影响期 ends;
- ``barred_grade``: a 副科 leader otherwise ready whose last annual grade is 基本称职: no
  day can be known (a later grade on no known day);
- ``grassroots_posting``: a department head (正科) aiming at 副处 with no 基层工作经历 at
  all: no day, but a posting to a township's or street's vacant 正科 post (``actions``
  lists the district's) or a secondment there makes it the day 2 years are full;
- ``pool_ages_out``: a 副科 leader aged 38, entered in the district's pool, who passes the
  pool's age limit before 2 years in the post are full (``at_risk``);
- ``boundary_day``: a 副科 leader in the post exactly 2 years on the day: ready today (the
  day before, not yet).

Every other barring rule holds for them now and until the ready day: an education of
大学专科 or more, no probation, a last grade that does not bar (but the one planted), no
supervision record (but the one planted), retirement more than four years away, no
relatives and no other planted role. Loaders may not import the policy
(``queries/selection/policy.py``); the numbers the situations are built from are its
defaults, stated below beside their settings, and the tests check them against it. Own
random stream: the rest of the sample is the same with or without these cases, apart from
the facts they set (and, in a province, the ids of later districts' supervision records).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from graphsvc.retirement import statutory_retirement
from graphsvc.vocab import EDUCATION_ORDER, Education
from loaders.sample.catalogue import AS_OF
from loaders.sample.district import District
from loaders.sample.records import Person, add_months, months_between
from loaders.sample.state import SampleState

__all__ = ["POLICY_DEFAULTS", "SITUATIONS", "plant_path_cases"]

# The policy's defaults the situations are built from (queries/selection/default_policy.toml).
POLICY_DEFAULTS: dict[str, Any] = {
    "deputy_to_principal": 2,  # [rules.years_at_level]: years as 副科 leader → 正科
    "principal_to_upper_deputy": 3,  # [rules.years_at_level]: years as 正科 leader → 副处
    "grassroots_years": 2,  # [rules.grassroots_years] min_years
    "grassroots_kinds": ["乡镇", "街道", "村", "社区"],  # [rules.grassroots_years] unit_kinds
    "posting_unit_kinds": ["乡镇", "街道"],  # [paths] posting_unit_kinds
    "effect_months": {"记过": 12},  # [rules.effect_period.months]
    "barred_grade": "基本称职",  # one of [rules.assessment] barred_grades
    "education_minimum": "大学专科",  # [rules.education] minimum
    "retirement_warn_years": 2,  # [rules.retirement] warn_years
}
SITUATIONS = (
    "ready_now",
    "years_known_day",
    "effect_period",
    "barred_grade",
    "grassroots_posting",
    "pool_ages_out",
    "boundary_day",
)

_EDUCATION_OK = {
    education.value
    for education, order in EDUCATION_ORDER.items()
    if order >= EDUCATION_ORDER[Education(POLICY_DEFAULTS["education_minimum"])]
}
_GOOD_GRADES = {"优秀", "称职"}
_DEPUTY_MONTHS = POLICY_DEFAULTS["deputy_to_principal"] * 12
_PRINCIPAL_MONTHS = POLICY_DEFAULTS["principal_to_upper_deputy"] * 12
_GRASSROOTS_MONTHS = POLICY_DEFAULTS["grassroots_years"] * 12
_SANCTION = "记过"
_SANCTION_AGO = 4  # months before the day: in effect, ending 8 months after it
_KNOWN_DAY_TENURE = 9  # months in the post on the day: ready 15 months after it
_SETTLED_TENURE = 30  # months in the post, at least, of a cadre ready now (well past 2 years)


def _strings(value: Any) -> Iterable[str]:
    """Every string in a planted value (ids, and the ids inside entries)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def plant_path_cases(gen: SampleState, district: District) -> None:
    """Plant the path situations in one district (see the module); a situation no cadre of
    the district can carry is left out."""
    rng = random.Random(gen.seed * 1_000 + 900 + district.index)
    taken = set(
        _strings([items[district.planted_from.get(key, 0) :] for key, items in gen.planted.items()])
    )
    taken |= district.pool_ids
    taken |= {row["cadre_id"] for row in district.rows("supervision")}
    for row in district.rows("kinship"):
        taken |= {row["cadre_id"], row["relative_id"]}
    ready_by = add_months(AS_OF, _GRASSROOTS_MONTHS)  # the latest ready day planted
    # Retirement neither warns nor comes before the ready day.
    retires_after = add_months(ready_by, POLICY_DEFAULTS["retirement_warn_years"] * 12 + 1)

    def clear(person: Person) -> bool:
        row = gen.cadre_rows[person.id]
        last = district.annual_rows.get((person.id, AS_OF.year - 1))
        return (
            person.id not in taken
            and row["education"] in _EDUCATION_OK
            and row["probation_until"] is None
            and row["level_since"] == person.post_start
            and last is not None
            and last["grade"] in _GOOD_GRADES
            and statutory_retirement(person.birth, person.gender) > retires_after
        )

    deputies = [p for p in district.people if p.level == "副科" and clear(p)]
    heads = [
        p
        for p in district.people
        if p.level == "正科" and p.unit_id in district.departments and clear(p)
    ]
    rng.shuffle(deputies)
    rng.shuffle(heads)

    def pick(people: list[Person], fits: Callable[[Person], bool]) -> Person | None:
        for person in people:
            if person.id not in taken and fits(person):
                taken.add(person.id)
                return person
        return None

    def tenure(person: Person) -> int:
        return months_between(person.post_start, AS_OF)

    entries: list[dict[str, Any]] = []
    # The most particular first: a pool member of the right age, a head who can do without
    # grassroots years.
    mentors = _Mentors(district)
    member = pick(
        deputies,
        lambda p: _pool_start(gen, district, p) is not None and mentors.local(p) is not None,
    )
    if member is not None:
        entries.append(_pool_ages_out(gen, district, member, mentors))
    team_unit = {post.id: unit for unit, posts in district.team_posts.items() for post in posts}
    head = pick(
        heads,
        lambda p: tenure(p) >= _PRINCIPAL_MONTHS + 4 and _kept_out(district, p, team_unit),
    )
    if head is not None:
        entries.append(_grassroots_posting(gen, district, head))
    for situation, fits in (
        ("ready_now", lambda p: tenure(p) >= _SETTLED_TENURE),
        ("years_known_day", lambda p: tenure(p) >= _KNOWN_DAY_TENURE),
        ("effect_period", lambda p: tenure(p) >= _SETTLED_TENURE),
        ("barred_grade", lambda p: tenure(p) >= _SETTLED_TENURE),
        ("boundary_day", lambda p: tenure(p) > _DEPUTY_MONTHS),
    ):
        person = pick(deputies, fits)
        if person is not None:
            entries.append(_DEPUTY_CASES[situation](gen, district, person))
    entries.sort(key=lambda entry: SITUATIONS.index(entry["situation"]))
    gen.planted["paths"].extend(entries)


def _entry(situation: str, person: Person, next_level: str, **expected: Any) -> dict[str, Any]:
    return {
        "situation": situation,
        "cadre_id": person.id,
        "level": person.level,
        "next_level": next_level,
        **expected,
    }


def _in_post_since(gen: SampleState, district: District, person: Person, start: date) -> None:
    """The current post (the first at the cadre's level) began on ``start``, no earlier than
    it did: the staff post before it runs on until then."""
    rows = district.history_of[person.id]
    current = rows[-1]
    assert current["end"] is None and start >= current["start"]
    for row in rows[:-1]:
        if row["end"] == current["start"]:
            row["end"] = start
    current["start"] = start
    person.post_start = start
    gen.cadre_rows[person.id]["level_since"] = start


def _years_line(met_on: str) -> dict[str, dict[str, Any]]:
    """The years-at-level line met on ``met_on`` (passing when that is the day)."""
    status = "pass" if met_on == AS_OF.isoformat() else "fail"
    return {"years_at_level": {"status": status, "met_on": met_on}}


def _deputy_entry(
    situation: str, person: Person, ready: str | None, rules: dict[str, Any], **facts: Any
) -> dict[str, Any]:
    """A 副科 leader aiming at 正科, not in the pool, ready on ``ready`` (``None``: no day);
    no action brings what these cadres wait for forward."""
    return _entry(
        situation,
        person,
        "正科",
        ready_now=ready == AS_OF.isoformat(),
        ready_on=ready,
        ready_with_actions=ready,
        rules=rules,
        pool=None,
        **facts,
    )


def _ready_now(gen: SampleState, district: District, person: Person) -> dict[str, Any]:
    today = AS_OF.isoformat()
    since = person.post_start.isoformat()
    return _deputy_entry("ready_now", person, today, _years_line(today), level_since=since)


def _years_known_day(gen: SampleState, district: District, person: Person) -> dict[str, Any]:
    start = add_months(AS_OF, -_KNOWN_DAY_TENURE)
    _in_post_since(gen, district, person, start)
    ready = add_months(start, _DEPUTY_MONTHS).isoformat()
    since = start.isoformat()
    return _deputy_entry("years_known_day", person, ready, _years_line(ready), level_since=since)


def _effect_period(gen: SampleState, district: District, person: Person) -> dict[str, Any]:
    when = add_months(AS_OF, -_SANCTION_AGO)
    ends = add_months(when, POLICY_DEFAULTS["effect_months"][_SANCTION]).isoformat()
    gen.tables["supervision"].append(
        {
            "id": gen.record_id(),
            "cadre_id": person.id,
            "kind": _SANCTION,
            "date": when,
            "effect_months": None,  # the policy's months for the kind
            "note": "(合成数据)",
        }
    )
    gen.planted["sanctioned"].append(
        {"cadre_id": person.id, "kind": _SANCTION, "date": when.isoformat()}
    )
    rules = {"effect_period": {"status": "fail", "met_on": ends}} | _years_line(AS_OF.isoformat())
    sanction = {"kind": _SANCTION, "date": when.isoformat(), "ends": ends}
    return _deputy_entry("effect_period", person, ends, rules, sanction=sanction)


def _barred_grade(gen: SampleState, district: District, person: Person) -> dict[str, Any]:
    year = AS_OF.year - 1
    grade = POLICY_DEFAULTS["barred_grade"]
    district.annual_rows[(person.id, year)]["grade"] = grade
    rules = {"assessment": {"status": "fail", "met_on": None}} | _years_line(AS_OF.isoformat())
    # No day: a later grade, on no known day; and no action mends a grade.
    return _deputy_entry("barred_grade", person, None, rules, grade={"year": year, "grade": grade})


def _boundary_day(gen: SampleState, district: District, person: Person) -> dict[str, Any]:
    start = add_months(AS_OF, -_DEPUTY_MONTHS)
    _in_post_since(gen, district, person, start)
    today = AS_OF.isoformat()
    since = start.isoformat()
    return _deputy_entry("boundary_day", person, today, _years_line(today), level_since=since)


_DEPUTY_CASES = {
    "ready_now": _ready_now,
    "years_known_day": _years_known_day,
    "effect_period": _effect_period,
    "barred_grade": _barred_grade,
    "boundary_day": _boundary_day,
}


def _pool_dates(gen: SampleState, district: District, person: Person) -> tuple[str, date, date]:
    """The district's pool, the day ``person`` passes its age limit (over it by a whole
    month, as the pool review counts it), and the day in the post from which 2 years are
    full three months after that (at least a month after, and a month before the day)."""
    pool_id = f"POOL{district.index + 1:03d}"
    pool = next(row for row in gen.tables["pools"] if row["id"] == pool_id)
    ages_out = add_months(person.birth, int(pool["max_age"]) * 12 + 1)
    start = min(add_months(ages_out, 3 - _DEPUTY_MONTHS), add_months(AS_OF, -1))
    return pool_id, ages_out, start


def _pool_start(gen: SampleState, district: District, person: Person) -> date | None:
    """The day a pool member would be in the post since (see :func:`_pool_dates`), or
    ``None`` when ``person`` cannot be one: the post began later, the ready day would not
    come after the age limit, or the cadre would enter the pool past the entry ages the
    sample uses (26 to 39 on the day)."""
    _, ages_out, start = _pool_dates(gen, district, person)
    age = months_between(person.birth, AS_OF)
    fits = 26 * 12 <= age < 39 * 12 and months_between(person.work_start, AS_OF) >= 24
    if not fits or start < person.post_start or add_months(start, _DEPUTY_MONTHS) <= ages_out:
        return None
    return start


class _Mentors:
    """The district's mentors as the mentoring step left them: who may take one more
    mentee in a township."""

    def __init__(self, district: District) -> None:
        self.district = district
        self.rows = district.rows("mentors")
        pairs = district.rows("mentoring")
        self.load = Counter(pair["mentor_id"] for pair in pairs if pair["end"] is None)
        self.paired = {(pair["mentor_id"], pair["mentee_id"]) for pair in pairs}
        self.unit_of = {person.id: person.unit_id for person in district.people}

    def local(self, person: Person) -> str | None:
        """A cadre mentor at work in ``person``'s township with room for one more, who
        never mentored ``person`` (a pool member needs a mentor; this one is no distant
        pairing, and no mentor is overloaded by it)."""
        town_of = self.district.unit_town
        town = town_of.get(person.unit_id, person.unit_id)
        for row in self.rows:
            cadre_id = row["cadre_id"]
            if (
                cadre_id
                and cadre_id != person.id
                and row["status"] == "在岗"
                and self.load[row["id"]] < int(row["capacity"])
                and (row["id"], person.id) not in self.paired
                and town_of.get(self.unit_of[cadre_id], self.unit_of[cadre_id]) == town
            ):
                return str(row["id"])
        return None


def _pool_ages_out(
    gen: SampleState, district: District, person: Person, mentors: _Mentors
) -> dict[str, Any]:
    """Enter a 副科 leader aged 38 in the district's pool (with a mentor, as pool members
    have), in the post since a day that makes 2 years full after the pool's age limit is
    passed."""
    pool_id, ages_out, start = _pool_dates(gen, district, person)
    _in_post_since(gen, district, person, start)
    ready = add_months(start, _DEPUTY_MONTHS)
    entered = max(add_months(AS_OF, -24), add_months(person.work_start, 12))
    gen.tables["pool_membership"].append(
        {
            "cadre_id": person.id,
            "pool_id": pool_id,
            "start": entered,
            "end": None,
            "exit_reason": None,
        }
    )
    mentor_id = mentors.local(person)
    assert mentor_id is not None
    gen.tables["mentoring"].append(
        {"mentor_id": mentor_id, "mentee_id": person.id, "start": entered, "end": None}
    )
    gen.planted["pool_members"].append(person.id)
    district.pool_ids.add(person.id)
    return _entry(
        "pool_ages_out",
        person,
        "正科",
        ready_now=False,
        ready_on=ready.isoformat(),
        ready_with_actions=ready.isoformat(),
        rules={"years_at_level": {"status": "fail", "met_on": ready.isoformat()}},
        pool={"pool_id": pool_id, "ages_out_on": ages_out.isoformat(), "at_risk": True},
        birth=person.birth.isoformat(),
        level_since=start.isoformat(),
    )


def _kept_out(district: District, person: Person, team_unit: dict[str, str]) -> bool:
    """Whether a department head's career can be told without grassroots work: no
    rotation, the leadership posts before this one (``team_unit``: a team post's unit)
    outside the grassroots, and no hometown in the district (so that no regional
    avoidance closes a township's head post to him)."""
    if person.id in district.rotations_of or person.hometown_unit_id is not None:
        return False
    grassroots = set(POLICY_DEFAULTS["grassroots_kinds"])
    return all(
        district.unit_kind[team_unit[row["post_id"]]] not in grassroots
        for row in district.history_of[person.id][:-1]
        if row["post_id"] in team_unit
    )


def _grassroots_posting(gen: SampleState, district: District, person: Person) -> dict[str, Any]:
    """A department head whose staff years before are all told in his department: no
    grassroots month at all."""
    grassroots = set(POLICY_DEFAULTS["grassroots_kinds"])
    staff = {post.id: unit for unit, posts in district.staff_posts.items() for post in posts}
    staff |= {post.id: unit for unit, posts in district.middle_posts.items() for post in posts}
    own = district.staff_posts[person.unit_id]
    for row in district.history_of[person.id][:-1]:
        unit = staff.get(row["post_id"])
        if unit is not None and district.unit_kind[unit] in grassroots:
            row["post_id"] = own[0].id
    posting_kinds = set(POLICY_DEFAULTS["posting_unit_kinds"])
    vacant = set(gen.planted["vacancies"])
    township_posts = sorted(
        post.id
        for town in district.towns
        if district.unit_kind[town] in posting_kinds
        for post in district.team_posts[town]
        if post.level == "正科" and post.id in vacant
    )
    today = AS_OF.isoformat()
    ready = add_months(AS_OF, _GRASSROOTS_MONTHS).isoformat()
    return _entry(
        "grassroots_posting",
        person,
        "副处",
        ready_now=False,
        ready_on=None,  # grassroots years grow only while a grassroots post goes on
        ready_with_actions=ready,
        rules={
            "grassroots_years": {"status": "fail", "met_on": None},
            "years_at_level": {"status": "pass", "met_on": today},
        },
        pool=None,
        actions={
            "kinds": ["posting", "secondment"],
            "unit_kinds": sorted(posting_kinds),
            "vacant_posts": township_posts,
            "ready_on": ready,
        },
    )
