"""One district generated into the shared tables: units, posts, people, careers,
requirements, rotations, projects, trainings and assessments."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from graphsvc.retirement import statutory_retirement
from loaders.sample.catalogue import (
    AS_OF,
    DEPARTMENT_CATEGORY,
    DEPARTMENT_HEADS,
    DEPARTMENT_MIDDLE,
    DEPARTMENT_STAFF,
    DISTRICT_CADRES,
    DISTRICT_TEAM,
    PROJECT_DOMAINS,
    PROJECT_TOPICS,
    STREET_TEAM,
    TOWN_MIDDLE,
    TOWN_NEEDS,
    TOWN_STAFF,
    TOWN_TEAM,
    UNIVERSITY_KINDS,
)
from loaders.sample.names import DEPARTMENTS, person_name, place_name, synthetic_id_number
from loaders.sample.records import Person, Post, add_months, first_of_month, months_between
from loaders.sample.state import SampleState

__all__ = ["District"]

# The leadership levels a holder of each level came up through, nearest first, with the
# least months in each (副职 → 正职 2 years, lower 正职 → upper 副职 3 years).
_LADDER_BELOW: dict[str, list[tuple[str, int]]] = {
    "正科": [("副科", 24)],
    "副处": [("正科", 36), ("副科", 24)],
    "正处": [("副处", 24), ("正科", 36), ("副科", 24)],
}
# Before the first leadership post (副科): a year's probation and three as 一级科员.
_FIRST_LEADERSHIP_MONTHS = 48
# The rank ladder (职务与职级并行规定, 2019) and the least years at each rank.
_RANKS = (
    "二级科员", "一级科员", "四级主任科员", "三级主任科员", "二级主任科员", "一级主任科员",
    "四级调研员", "三级调研员", "二级调研员", "一级调研员",
)  # fmt: skip
_RANK_YEARS = {"二级科员": 2, "一级科员": 3} | {rank: 2 for rank in _RANKS[2:]}
# The highest rank of a leader of each level (its level's ranks).
_TOP_RANK = {"副科": "三级主任科员", "正科": "一级主任科员", "副处": "三级调研员",
             "正处": "一级调研员"}  # fmt: skip


class District:
    """Generates one district into the shared tables."""

    def __init__(self, gen: SampleState, index: int, cadres: int, parent_id: str | None) -> None:
        self.gen = gen
        self.rng = gen.rng
        self.index = index
        self.budget = cadres
        self.scale = cadres / DISTRICT_CADRES
        self.parent_id = parent_id
        self.units: list[dict[str, Any]] = []
        self.towns: list[str] = []
        self.departments: list[str] = []
        self.villages_of: dict[str, list[str]] = defaultdict(list)
        self.unit_town: dict[str, str] = {}  # village → its township (itself for townships)
        self.unit_kind: dict[str, str] = {}
        self.unit_name: dict[str, str] = {}
        self.team_posts: dict[str, list[Post]] = defaultdict(list)
        self.staff_posts: dict[str, list[Post]] = defaultdict(list)
        self.middle_posts: dict[str, list[Post]] = defaultdict(list)
        self.people: list[Person] = []
        self.holder: dict[str, Person] = {}  # leadership post id → current holder
        self.pool_ids: set[str] = set()
        self.annual_rows: dict[tuple[str, int], dict[str, Any]] = {}  # (cadre, year) → row
        # Each cadre's rows of post_history (oldest first) and of rotations, as written.
        self.history_of: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.rotations_of: dict[str, list[dict[str, Any]]] = defaultdict(list)
        # Where this district's rows and planted facts begin in each list (earlier
        # districts' precede them).
        self.rows_from = {name: len(rows) for name, rows in gen.tables.items()}
        self.planted_from = {key: len(values) for key, values in gen.planted.items()}

    def scaled(self, count: float, minimum: int = 1) -> int:
        return max(minimum, round(count * self.scale))

    def rows(self, table: str) -> list[dict[str, Any]]:
        """The rows this district has added to ``table`` so far."""
        return self.gen.tables[table][self.rows_from.get(table, 0) :]

    # ------------------------------------------------------------------ units

    def build_units(self) -> None:
        gen = self.gen
        # Place names are unique within a district; districts may repeat each other's.
        gen.place_names = {name for name in gen.district_names}
        district_name = place_name(self.rng, gen.place_names) + "区"
        gen.district_names.add(district_name.removesuffix("区"))
        self.district_id = gen.unit_id()
        self._add_unit(self.district_id, district_name, "区县", self.parent_id)
        n_towns = self.scaled(15, 2)
        n_streets = max(1, round(n_towns * 0.4))
        for position in range(n_towns):
            street = position < n_streets
            name = place_name(self.rng, gen.place_names) + (
                "街道" if street else ("乡" if self.rng.random() < 0.2 else "镇")
            )
            town_id = gen.unit_id()
            remote = not street and self.rng.random() < 0.3
            self._add_unit(town_id, name, "街道" if street else "乡镇", self.district_id, remote)
            self.towns.append(town_id)
            self.unit_town[town_id] = town_id
            for _ in range(self.rng.randint(6, 8) if street else self.rng.randint(8, 13)):
                village_id = gen.unit_id()
                suffix = "社区" if street else "村"
                village_name = place_name(self.rng, gen.place_names) + suffix
                self._add_unit(village_id, village_name, suffix, town_id, remote)
                self.villages_of[town_id].append(village_id)
                self.unit_town[village_id] = town_id
        n_departments = min(len(DEPARTMENTS), self.scaled(40, 3))
        for name, _function in DEPARTMENTS[:n_departments]:
            department_id = gen.unit_id()
            self._add_unit(department_id, name, "区直部门", self.district_id)
            self.departments.append(department_id)

    def _add_unit(
        self, unit_id: str, name: str, kind: str, parent: str | None, remote: bool = False
    ) -> None:
        row = {"id": unit_id, "name": name, "kind": kind, "parent_id": parent, "remote": remote}
        self.gen.tables["units"].append(row)
        self.units.append(row)
        self.unit_kind[unit_id] = kind
        self.unit_name[unit_id] = name

    # ------------------------------------------------------------------ posts

    def build_posts(self) -> None:
        for role, level, principal, function in DISTRICT_TEAM:
            self._team_post(self.district_id, role, level, principal, function)
        for town_id in self.towns:
            name = self.unit_name[town_id]
            if self.unit_kind[town_id] == "街道":
                team: Sequence[tuple[str, str, bool, str]] = STREET_TEAM
            else:
                head = "乡长" if name.endswith("乡") else "镇长"
                team = [
                    (role.format(head=head, deputy="副" + head), level, principal, function)
                    for role, level, principal, function in TOWN_TEAM
                ]
            for role, level, principal, function in team:
                self._team_post(town_id, role, level, principal, function)
            for role, function in TOWN_MIDDLE:
                self.middle_posts[town_id].append(self._post(town_id, role, "科员", function))
            for role, function in TOWN_STAFF:
                self.staff_posts[town_id].append(self._post(town_id, role, "科员", function))
            for village_id in self.villages_of[town_id]:
                kind = self.unit_kind[village_id]
                role = "村党组织书记助理" if kind == "村" else "社区党组织书记助理"
                self.staff_posts[village_id].append(self._post(village_id, role, "科员", "党委"))
        for department_id in self.departments:
            name = self.unit_name[department_id]
            function = dict(DEPARTMENTS)[name]
            head, deputy = DEPARTMENT_HEADS.get(
                name,
                ("局长", "副局长") if name.endswith("局") else ("主任", "副主任"),
            )
            self._team_post(department_id, head, "正科", True, function)
            for _ in range(self.rng.choice((2, 3, 3, 4))):
                self._team_post(department_id, deputy, "副科", False, function)
            for role, role_function in DEPARTMENT_MIDDLE:
                self.middle_posts[department_id].append(
                    self._post(department_id, role, "科员", role_function or function)
                )
            for role, role_function in DEPARTMENT_STAFF:
                self.staff_posts[department_id].append(
                    self._post(department_id, role, "科员", role_function or function)
                )

    def _post(
        self,
        unit_id: str,
        role: str,
        level: str,
        function: str,
        *,
        leadership: bool = False,
        team_member: bool = False,
        principal: bool = False,
    ) -> Post:
        unit_name = self.unit_name[unit_id]
        # 金湾区 + 区委书记 is written 金湾区委书记, not 金湾区区委书记.
        title = role[1:] if unit_name.endswith("区") and role.startswith("区") else role
        post = Post(
            self.gen.post_id(),
            unit_name + title,
            unit_id,
            level,
            leadership=leadership,
            team_member=team_member,
            principal=principal,
            function=function,
            role=role,
        )
        self.gen.posts.append(post)
        self.gen.post_name[post.id] = post.name
        self.gen.post_level[post.id] = post.level
        return post

    def _team_post(
        self, unit_id: str, role: str, level: str, principal: bool, function: str
    ) -> None:
        post = self._post(
            unit_id, role, level, function, leadership=True, team_member=True, principal=principal
        )
        self.team_posts[unit_id].append(post)

    # ----------------------------------------------------------------- people

    def _birth_for_age(self, age: float, cap: float) -> date:
        # Nobody in the sample is past retirement at AS_OF: the cap (in years) is below the
        # statutory age of the birth months it reaches (2025 schedule: a woman born 1971-07
        # retires at 55 years 5 months, in 2026-12).
        months = min(int(age * 12) + self.rng.randint(0, 11), round(cap * 12) - 1)
        return add_months(first_of_month(AS_OF.year, AS_OF.month), -months)

    def _person(
        self,
        unit_id: str,
        post: Post,
        *,
        age: float,
        channel: str,
        post_start: date | None = None,
        gender: str | None = None,
        work_age: float | None = None,
        level: str = "科员",
    ) -> Person:
        rng = self.rng
        gender = gender or ("男" if rng.random() < (0.62 if level != "科员" else 0.5) else "女")
        birth = self._birth_for_age(age, 60 if gender == "男" else 55 + 5 / 12)
        start_age = work_age if work_age is not None else rng.uniform(21.8, 25.5)
        work_start = add_months(birth, int(start_age * 12))
        work_start = min(work_start, first_of_month(AS_OF.year, 8))
        if post_start is None:
            earliest = months_between(work_start, AS_OF)
            post_start = add_months(work_start, rng.randint(0, max(0, earliest - 1)))
        post_start = max(post_start, work_start)
        person = Person(
            self.gen.cadre_id(),
            gender,
            birth,
            work_start,
            channel,
            unit_id,
            post.id,
            post_start,
            level=level,
        )
        if rng.random() < 0.35:
            person.hometown_unit_id = rng.choice(self.towns)
        self.people.append(person)
        return person

    def build_people(self) -> None:
        rng = self.rng
        planted = self.gen.planted
        # Ageing teams: every member past 50. About one team in seven.
        team_units = [self.district_id, *self.towns, *self.departments]
        ageing = {unit for unit in team_units[1:] if rng.random() < 0.15}
        planted["ageing_teams"].extend(sorted(ageing))
        vacancy_rate = 0.13
        for unit_id in team_units:
            for post in self.team_posts[unit_id]:
                if rng.random() < vacancy_rate:
                    planted["vacancies"].append(post.id)
                    continue
                if post.level in {"正处", "副处"}:
                    age = rng.uniform(44, 57)
                elif unit_id in ageing:
                    age = rng.uniform(51, 58.5)
                elif post.principal:
                    age = rng.uniform(37, 54)
                else:
                    age = rng.uniform(29, 52)
                tenure = rng.randint(3, 70)
                start = add_months(first_of_month(AS_OF.year, AS_OF.month), -tenure)
                person = self._person(
                    unit_id,
                    post,
                    age=age,
                    channel=rng.choices(
                        ("公务员", "选调生", "军转干部", "事业单位", "引进人才"),
                        (70, 14, 8, 6, 2),
                    )[0],
                    post_start=start,
                    level=post.level,
                )
                post.busy.append((start, date.max))
                self.holder[post.id] = person
        # Middle posts (股级/站所长) and the long-serving staff.
        for unit_id, posts in self.middle_posts.items():
            for post in posts:
                self._person(unit_id, post, age=rng.uniform(30, 55), channel="公务员", level="科员")
        recruits_cs = self.scaled(118)
        recruits_village = self.scaled(328)
        earlier_village = self.scaled(90)
        earlier_recruits = self.scaled(140)  # per year, the two years before this one
        grassroots_units = [*self.towns, *self.departments]
        villages = [village for town in self.towns for village in self.villages_of[town]]
        # This year's civil servants (选调生 among them), placed in townships, streets, departments.
        selected = max(1, round(recruits_cs * 0.22))
        for number in range(recruits_cs):
            unit_id = rng.choice(self.towns) if rng.random() < 0.7 else rng.choice(grassroots_units)
            post = rng.choice(self.staff_posts[unit_id])
            start = first_of_month(AS_OF.year, rng.choice((7, 8, 8, 9)))
            person = self._person(
                unit_id,
                post,
                age=rng.uniform(22, 27.5),
                channel="选调生" if number < selected else "公务员",
                post_start=start,
            )
            person.work_start = start
            person.recruit_date = start
            person.young_recruit = True
        for year, count in ((AS_OF.year, recruits_village), (AS_OF.year - 2, earlier_village)):
            for _ in range(count):
                village_id = rng.choice(villages)
                start = first_of_month(year, rng.choice((8, 9)))
                person = self._person(
                    village_id,
                    self.staff_posts[village_id][0],
                    age=rng.uniform(22, 26) + (AS_OF.year - year),
                    channel="到村(社区)工作大学生",
                    post_start=start,
                )
                person.work_start = start
                person.recruit_date = start
                person.young_recruit = True
        for year in (AS_OF.year - 2, AS_OF.year - 1):
            for number in range(earlier_recruits):
                unit_id = rng.choice(grassroots_units)
                start = first_of_month(year, rng.choice((7, 8, 9)))
                person = self._person(
                    unit_id,
                    rng.choice(self.staff_posts[unit_id]),
                    age=rng.uniform(22, 28) + (AS_OF.year - year),
                    channel="选调生" if number % 5 == 0 else "公务员",
                    post_start=start,
                )
                person.work_start = start
                person.recruit_date = start
                person.young_recruit = True
        # Everyone else: staff of every age, the young ones more numerous.
        remaining = self.budget - len(self.people)
        for _ in range(max(0, remaining)):
            unit_id = rng.choice(self.towns) if rng.random() < 0.5 else rng.choice(self.departments)
            age = min(59.5, 24 + rng.expovariate(1 / 11))
            self._person(
                unit_id,
                rng.choice(self.staff_posts[unit_id]),
                age=age,
                channel=rng.choices(
                    ("公务员", "选调生", "事业单位", "军转干部", "引进人才", "其他"),
                    (68, 9, 10, 6, 4, 3),
                )[0],
            )

    def note_retiring(self) -> None:
        """Leaders retiring within three years (by the 2025 schedule): a dozen or more."""
        horizon = add_months(AS_OF, 36)
        for person in self.people:
            retires = statutory_retirement(person.birth, person.gender)
            if person.level != "科员" and person.gender == "男" and AS_OF < retires <= horizon:
                self.gen.planted["retiring_within_3y"].append(person.id)

    # ---------------------------------------------------------------- careers

    def _leadership_posts(self, level: str) -> list[Post]:
        """Every leadership post of ``level`` in the district (its team, the townships' and
        streets', the departments')."""
        units = [self.district_id, *self.towns, *self.departments]
        return [post for unit in units for post in self.team_posts[unit] if post.level == level]

    def _history_post(self, person: Person, start: date, end: date, prefer: str) -> Post:
        """A post held before the current one: a leadership post of ``prefer`` free then
        (when one is), else a staff post, at the grassroots six times in ten."""
        rng = self.rng
        if prefer != "科员":
            options = [
                post
                for post in self._leadership_posts(prefer)
                if post.id != person.post_id and post.free(start, end)
            ]
            if options:
                post = rng.choice(options)
                post.busy.append((start, end))
                return post
        grassroots = rng.random() < 0.6
        if grassroots:
            town = rng.choice(self.towns)
            unit_id = rng.choice([town, *self.villages_of[town][:2]])
        else:
            unit_id = rng.choice(self.departments)
        return rng.choice(self.staff_posts[unit_id] or self.middle_posts[unit_id])

    def build_careers(self) -> None:
        """Each person's posts before the current one. A leader came up the leadership
        ladder (由副职提任正职, 下级正职提任上级副职): a 正科 holder held a 副科 leadership post
        for two years or more before, a 副处 holder a 正科 one for three or more (and a 副科
        one before that), a 正处 holder a 副处 one for two or more; and a first leadership
        post (副科) came after a year's probation and three years as 一级科员."""
        rng = self.rng
        tables = self.gen.tables
        for person in self.people:
            chain = _LADDER_BELOW.get(person.level, [])
            # The least time before the current post: staff years, then each level below.
            least = (_FIRST_LEADERSHIP_MONTHS if person.level != "科员" else 0) + sum(
                months for _, months in chain
            )
            if months_between(person.work_start, person.post_start) < least:
                # Too early for the ladder: the current post began later.
                person.post_start = min(add_months(person.work_start, least), add_months(AS_OF, -3))
                if months_between(person.work_start, person.post_start) < least:
                    person.work_start = add_months(person.post_start, -least)
            history: list[tuple[str, date, date | None]] = []
            cursor = person.post_start
            leadership: list[tuple[str, date, date]] = []
            for number, (level, minimum) in enumerate(chain):
                still = sum(months for _, months in chain[number + 1 :]) + _FIRST_LEADERSHIP_MONTHS
                room = months_between(person.work_start, cursor) - still - minimum
                length = minimum + rng.randint(0, max(0, min(room, 48)))
                start = add_months(cursor, -length)
                post = self._history_post(person, start, cursor, level)
                leadership.append((post.id, start, cursor))
                cursor = start
            span = months_between(person.work_start, cursor)
            previous = 0 if span < 18 else min(span // 36, rng.choice((1, 1, 2, 2, 3)))
            cuts = sorted(rng.sample(range(6, span - 5), previous)) if previous else []
            bounds = [person.work_start] + [add_months(person.work_start, c) for c in cuts]
            bounds.append(cursor)
            if span < 3:  # started in the first post of the ladder: no staff posts
                bounds = [cursor]
            for position in range(len(bounds) - 1):
                start, end = bounds[position], bounds[position + 1]
                post = self._history_post(person, start, end, "科员")
                history.append((post.id, start, end))
            history += reversed(leadership)
            history.append((person.post_id, person.post_start, None))
            for post_id, held_from, held_to in history:
                row = {
                    "cadre_id": person.id,
                    "post_id": post_id,
                    "start": held_from,
                    "end": held_to,
                }
                tables["post_history"].append(row)
                self.history_of[person.id].append(row)
            self._cadre_row(person, history)

    def _rank(self, person: Person, education: str) -> tuple[str | None, date | None]:
        """The 职级 the rank ladder gives by the day, and since when: 定级 after the year of
        probation (一级科员, 二级科员 below 本科), then each step after its minimum years
        (一级科员 → 四级主任科员 3, then 2 a step) and a wait for a place (职数) of up to
        three years more for a leader, five for staff; a leader's no higher than the ranks
        of the post's level, a staff member's no higher than 一级主任科员 (one in twenty
        四级调研员). ``None`` while on probation."""
        rng = self.rng
        day = add_months(person.work_start, 12)
        if day > AS_OF:
            return None, None
        position = _RANKS.index("一级科员" if education in {"研究生", "大学本科"} else "二级科员")
        staff_top = "四级调研员" if rng.random() < 0.05 else "一级主任科员"
        top = _RANKS.index(_TOP_RANK.get(person.level, staff_top))
        waits = (0, 0, 12, 12, 24, 36) if person.level != "科员" else (0, 12, 24, 36, 48, 60)
        while position < top:
            wait = _RANK_YEARS[_RANKS[position]] * 12 + rng.choice(waits)
            if add_months(day, wait) > AS_OF:
                break
            day = add_months(day, wait)
            position += 1
        return _RANKS[position], day

    def _cadre_row(self, person: Person, history: list[tuple[str, date, date | None]]) -> None:
        rng = self.rng
        # The current level began with the first post at that level in a row of such posts.
        level_since = person.post_start
        if person.level != "科员":
            for post_id, start, _end in reversed(history[:-1]):
                if self.gen.post_level.get(post_id) == person.level:
                    level_since = start
                else:
                    break
        age = months_between(person.birth, AS_OF) / 12
        if person.channel in {"选调生", "引进人才"}:
            education = rng.choice(("研究生", "大学本科", "研究生"))
        elif age > 48:
            education = rng.choices(("大学本科", "大学专科", "研究生", "中专"), (55, 32, 8, 5))[0]
        else:
            education = rng.choices(("大学本科", "研究生", "大学专科"), (68, 22, 10))[0]
        degree = {"研究生": "硕士", "大学本科": "学士"}.get(education)
        rank, rank_since = self._rank(person, education)
        university = place_name(rng, set()) + rng.choice(UNIVERSITY_KINDS)
        specialty = self.gen.specialty_for(self.unit_category(person.unit_id), rng)
        party = None
        if person.channel == "选调生" or rng.random() < 0.8:
            party = add_months(person.work_start, rng.randint(-30, 60))
            party = min(party, first_of_month(AS_OF.year, 6))
        post_name = self.gen.post_name[person.post_id]
        row = {
            "id": person.id,
            "name": person_name(rng, person.gender),
            "gender": person.gender,
            "birth": person.birth,
            "ethnicity": "汉族" if rng.random() < 0.93 else rng.choice(("回族", "满族", "壮族")),
            "native_place": (
                f"本区{self.unit_name[person.hometown_unit_id]}"
                if person.hometown_unit_id
                else place_name(rng, set()) + "县"
            ),
            "hometown_unit_id": person.hometown_unit_id,
            "party_date": party,
            "work_start": person.work_start,
            "education": education,
            "degree": degree,
            "school_major": f"{university}{specialty[0]}专业",
            "channel": person.channel,
            "recruit_date": person.recruit_date,
            "title": post_name,
            "level": person.level,
            "level_since": level_since if person.level != "科员" else None,
            "rank": rank,
            "rank_since": rank_since,
            "status": "在职",
            "probation_until": (
                add_months(person.recruit_date, 12)
                if person.recruit_date and person.recruit_date.year == AS_OF.year
                else None
            ),
            "id_number": synthetic_id_number(rng, person.birth.isoformat(), person.gender == "男"),
        }
        self.gen.tables["cadres"].append(row)
        self.gen.cadre_rows[person.id] = row
        self.gen.tables["cadre_specialties"].append(
            {"cadre_id": person.id, "specialty_id": specialty[1]}
        )
        if rng.random() < 0.45:
            other = self.gen.specialty_for(None, rng)
            if other[1] != specialty[1]:
                self.gen.tables["cadre_specialties"].append(
                    {"cadre_id": person.id, "specialty_id": other[1]}
                )

    def unit_category(self, unit_id: str) -> str | None:
        kind = self.unit_kind[unit_id]
        if kind in {"乡镇", "街道", "村", "社区"}:
            return self.rng.choice(TOWN_NEEDS)
        return DEPARTMENT_CATEGORY.get(self.unit_name[unit_id])

    # --------------------------------------------------- requirements, rotations

    def build_requirements(self) -> None:
        rng = self.rng
        for unit_id, posts in self.team_posts.items():
            for post in posts:
                wanted = {self.gen.specialty_for(self.unit_category(unit_id), rng)[1]}
                if rng.random() < 0.5:
                    wanted.add(self.gen.specialty_for(self.unit_category(unit_id), rng)[1])
                for specialty_id in sorted(wanted):
                    self.gen.tables["post_requirements"].append(
                        {"post_id": post.id, "specialty_id": specialty_id, "weight": 1.0}
                    )

    def build_rotations(self) -> None:
        rng = self.rng
        for person in self.people:
            if person.young_recruit or rng.random() > 0.14:
                continue
            span = months_between(person.work_start, AS_OF)
            if span < 30:
                continue
            start = add_months(person.work_start, rng.randint(12, span - 12))
            kind = rng.choices(("挂职", "交流", "轮岗"), (50, 25, 25))[0]
            if kind == "挂职":
                town = rng.choice(self.towns)
                unit_id = rng.choice(self.villages_of[town] or [town])
            else:
                unit_id = rng.choice([*self.towns, *self.departments])
            end = add_months(start, rng.choice((6, 12, 12, 24)))
            row = {
                "cadre_id": person.id,
                "unit_id": unit_id,
                "kind": kind,
                "start": start,
                "end": end if end < AS_OF else None,
            }
            self.gen.tables["rotations"].append(row)
            self.rotations_of[person.id].append(row)

    # ---------------------------------------------------------------- projects

    def build_projects(self) -> None:
        rng = self.rng
        by_unit: dict[str, list[Person]] = defaultdict(list)
        for person in self.people:
            by_unit[self.unit_town.get(person.unit_id, person.unit_id)].append(person)
        kinds = list(PROJECT_DOMAINS)
        for number in range(self.scaled(60, 4)):
            kind = kinds[number % len(kinds)]
            lead = rng.choice(self.towns if kind in {"乡村振兴", "基层治理"} else self.departments)
            start = add_months(AS_OF, -rng.randint(2, 48))
            duration = rng.randint(6, 30)
            end = add_months(start, duration)
            project_id = self.gen.project_id()
            domain = self.gen.specialty_ids[rng.choice(PROJECT_DOMAINS[kind])]
            self.gen.tables["projects"].append(
                {
                    "id": project_id,
                    "name": self.unit_name[lead].removeprefix("区")
                    + rng.choice(PROJECT_TOPICS[kind]),
                    "kind": kind,
                    "domain_id": domain,
                    "unit_id": lead,
                    "start": start,
                    "end": end if end < AS_OF else None,
                }
            )
            local = [p for p in by_unit[lead] if p.work_start < start]
            others = [p for p in self.people if p.work_start < start]
            team: dict[str, Person] = {}
            for _ in range(rng.randint(4, 14)):
                source = local if (local and rng.random() < 0.65) else others
                if source:
                    chosen = rng.choice(source)
                    team[chosen.id] = chosen
            members = sorted(team.values(), key=lambda p: p.birth)
            for position, person in enumerate(members):
                role = "负责人" if position == 0 else ("骨干" if position <= 3 else "成员")
                result = rng.choices(("优秀", "良好", "合格", "不合格"), (22, 48, 27, 3))[0]
                self.gen.tables["participation"].append(
                    {
                        "cadre_id": person.id,
                        "project_id": project_id,
                        "role": role,
                        "result": result if end < AS_OF or rng.random() < 0.5 else None,
                    }
                )

    # --------------------------------------------------------------- trainings

    def build_trainings(self) -> None:
        rng = self.rng
        young = [p for p in self.people if months_between(p.birth, AS_OF) < 40 * 12]
        leaders = [p for p in self.people if p.level != "科员"]
        district = self.unit_name[self.district_id]
        plan = (
            ("中青年干部培训班", 30, 240.0, True, 1, 50, young),
            ("党性教育", 7, 56.0, True, 2, 60, self.people),
            ("专题培训", 2, 16.0, False, 5, 80, self.people),
            ("业务培训", 3, 24.0, False, 3, 70, self.people),
        )
        behind = set(self.gen.behind_on_training)
        for year in range(AS_OF.year - 4, AS_OF.year + 1):
            for kind, days, hours, off_job, count, size, source in plan:
                for number in range(count):
                    month = rng.randint(3, 10 if year == AS_OF.year else 11)
                    start = first_of_month(year, month)
                    training_id = self.gen.training_id()
                    self.gen.tables["trainings"].append(
                        {
                            "id": training_id,
                            "name": f"{year}年{district}{kind}"
                            + (f"第{number + 1}期" if count > 1 else ""),
                            "kind": kind,
                            "organizer": "区委组织部" if off_job else "区委党校",
                            "start": start,
                            "end": add_months(start, 1) if days >= 28 else start,
                            "days": days,
                            "hours": hours,
                            "off_job": off_job,
                        }
                    )
                    eligible = [p for p in source if p.work_start <= start and p.id not in behind]
                    # Leaders are called to training more often.
                    if kind in {"党性教育", "专题培训"}:
                        eligible = eligible + [
                            p for p in leaders if p.work_start <= start and p.id not in behind
                        ]
                    chosen = {
                        p.id for p in rng.sample(eligible, min(len(eligible), self.scaled(size, 3)))
                    }
                    for cadre_id in sorted(chosen):
                        self.gen.tables["attendance"].append(
                            {
                                "cadre_id": cadre_id,
                                "training_id": training_id,
                                "hours": None,
                                "completed": rng.random() > 0.02,
                            }
                        )
            # Online learning: most cadres log hours each year (50 credited hours).
            if year >= AS_OF.year - 1:
                training_id = self.gen.training_id()
                self.gen.tables["trainings"].append(
                    {
                        "id": training_id,
                        "name": f"{year}年{district}干部网络学院在线学习",
                        "kind": "在线学习",
                        "organizer": "区委组织部",
                        "start": first_of_month(year, 1),
                        "end": first_of_month(year, 12),
                        "days": 0,
                        "hours": 50.0,
                        "off_job": False,
                    }
                )
                for person in self.people:
                    logged = person.work_start.year <= year and person.id not in behind
                    if logged and rng.random() < 0.85:
                        credited = float(rng.choice((50, 60, 70, 80, 80, 90, 100)))
                        self.gen.tables["attendance"].append(
                            {
                                "cadre_id": person.id,
                                "training_id": training_id,
                                "hours": credited,
                                "completed": True,
                            }
                        )

        # Scheduled courses, after the day and nobody enrolled yet: what a cadre's path
        # offers for missing training (一人一策). Drawn from no random stream, so nothing
        # else in the district changes.
        scheduled = (
            (date(AS_OF.year, AS_OF.month, 16), "专题培训", 2, 16.0, False),
            (first_of_month(AS_OF.year + 1, 3), "中青年干部培训班", 30, 240.0, True),
            (first_of_month(AS_OF.year + 1, 4), "党性教育", 7, 56.0, True),
        )
        for start, kind, days, hours, off_job in scheduled:
            training_id = self.gen.training_id()
            self.gen.tables["trainings"].append(
                {
                    "id": training_id,
                    "name": f"{start.year}年{district}{kind}（计划）",
                    "kind": kind,
                    "organizer": "区委组织部" if off_job else "区委党校",
                    "start": start,
                    "end": add_months(start, 1) if days >= 28 else start + timedelta(days - 1),
                    "days": days,
                    "hours": hours,
                    "off_job": off_job,
                }
            )
            self.gen.planted["scheduled_courses"].append(training_id)

    # ------------------------------------------------------------- assessments

    def build_assessments(self) -> None:
        rng = self.rng
        gen = self.gen
        for person in self.people:
            for year in range(AS_OF.year - 3, AS_OF.year):
                if person.work_start.year > year:
                    continue
                if person.work_start.year == year:
                    grade = "不定等次"  # a new recruit's first year is not graded
                else:
                    grade = rng.choices(("优秀", "称职", "基本称职", "不称职"), (16, 82, 1.6, 0.4))[
                        0
                    ]
                row = {
                    "id": gen.assessment_id(),
                    "cadre_id": person.id,
                    "year": year,
                    "quarter": None,
                    "grade": grade,
                    "stars": None,
                }
                gen.tables["assessments"].append(row)
                self.annual_rows[(person.id, year)] = row
            for quarter in (1, 2, 3):
                if person.work_start > first_of_month(AS_OF.year, quarter * 3):
                    continue
                stars = rng.choices((1, 2, 3, 4, 5), (2, 8, 45, 32, 13))[0]
                gen.tables["assessments"].append(
                    {
                        "id": gen.assessment_id(),
                        "cadre_id": person.id,
                        "year": AS_OF.year,
                        "quarter": quarter,
                        "grade": None,
                        "stars": stars,
                    }
                )
