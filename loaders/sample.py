"""A synthetic district, deterministic for a seed, written in the input format.

By default about 3,000 cadres in one district: 15 townships and streets with
their villages and communities, 40 district departments, the district's own
leadership, and the figures of the source report (118 civil-servant recruits
and 328 village/community graduates this year, a pool of about 196 young
cadres). Larger counts make a province of several such districts.

The generator plants what the analyses must find (ageing teams, leaders
retiring soon, vacancies, mentees left without a mentor, overloaded and
departed mentors, people behind on training, sanctions in their effect
period, kinship that breaks the avoidance rules) and lists them in
``manifest.json`` beside the tables, so tests can check the analyses against
ground truth. No real person: names are drawn at random and ID numbers use a
region code no real region has.
"""

from __future__ import annotations

import csv
import json
import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from graphsvc.dates import format_cadre_date
from graphsvc.model import EDGE_SPECS, NODE_SPECS
from loaders.names import (
    DEPARTMENTS,
    SPECIALTIES,
    person_name,
    place_name,
    synthetic_id_number,
)

__all__ = ["AS_OF", "DISTRICT_CADRES", "Sample", "generate_sample", "write_sample"]

AS_OF = date(2026, 11, 1)  # the sample's "today", fixed so that output is deterministic
DISTRICT_CADRES = 3000  # one district's size; larger samples are several districts
MONTH_FIELDS = frozenset(
    {"birth", "work_start", "party_date", "recruit_date", "level_since", "rank_since"}
)


def _month(year: int, month: int) -> date:
    return date(year, month, 1)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


@dataclass
class Sample:
    """The generated tables (table name → rows of field → value) and the manifest."""

    tables: dict[str, list[dict[str, Any]]]
    manifest: dict[str, Any]


@dataclass
class _Post:
    id: str
    name: str
    unit_id: str
    level: str
    leadership: bool = False
    team_member: bool = False
    principal: bool = False
    function: str = "业务"
    role: str | None = None
    busy: list[tuple[date, date]] = field(default_factory=list)  # leadership tenures

    def free(self, start: date, end: date) -> bool:
        return all(end <= s or start >= e for s, e in self.busy)


@dataclass
class _Person:
    id: str
    gender: str
    birth: date
    work_start: date
    channel: str
    unit_id: str
    post_id: str
    post_start: date
    level: str = "科员"
    hometown_unit_id: str | None = None
    recruit_date: date | None = None
    young_recruit: bool = False


# Township / street leadership teams: (title, level, principal, function).
_TOWN_TEAM = (
    ("党委书记", "正科", True, "党委"), ("{head}", "正科", True, "政府"),
    ("人大主席", "正科", False, "党委"), ("党委副书记", "副科", False, "党委"),
    ("纪委书记", "副科", False, "纪检监察"), ("组织委员", "副科", False, "组织人事"),
    ("宣传委员", "副科", False, "宣传"), ("政法委员", "副科", False, "政法"),
    ("武装部长", "副科", False, "综合"), ("{deputy}", "副科", False, "政府"),
    ("{deputy}", "副科", False, "政府"), ("{deputy}", "副科", False, "政府"),
)  # fmt: skip
_STREET_TEAM = (
    ("党工委书记", "正科", True, "党委"), ("办事处主任", "正科", True, "政府"),
    ("党工委副书记", "副科", False, "党委"), ("纪工委书记", "副科", False, "纪检监察"),
    ("组织委员", "副科", False, "组织人事"), ("宣传委员", "副科", False, "宣传"),
    ("办事处副主任", "副科", False, "政府"), ("办事处副主任", "副科", False, "政府"),
    ("办事处副主任", "副科", False, "政府"),
)  # fmt: skip
_DISTRICT_TEAM = (
    ("区委书记", "正处", True, "党委"), ("区长", "正处", True, "政府"),
    ("区委副书记", "副处", False, "党委"), ("区纪委书记", "副处", False, "纪检监察"),
    ("区委组织部部长", "副处", False, "组织人事"), ("区委宣传部部长", "副处", False, "宣传"),
    ("区委政法委书记", "副处", False, "政法"), ("常务副区长", "副处", False, "政府"),
    ("副区长", "副处", False, "政府"), ("副区长", "副处", False, "政府"),
    ("副区长", "副处", False, "政府"), ("区委办公室主任", "副处", False, "综合"),
)  # fmt: skip
_DEPARTMENT_HEADS = {
    "区委办公室": ("主任", "副主任"), "区政府办公室": ("主任", "副主任"),
    "区委组织部": ("常务副部长", "副部长"), "区委宣传部": ("常务副部长", "副部长"),
    "区委统战部": ("常务副部长", "副部长"), "区委政法委员会": ("常务副书记", "副书记"),
    "区纪委监委": ("副书记", "常委"),
}  # fmt: skip
_TOWN_STAFF = (
    ("党政综合办公室科员", "综合"), ("党建工作办公室科员", "组织人事"),
    ("经济发展办公室科员", "业务"), ("社会事务办公室科员", "业务"),
    ("综合治理办公室科员", "政法"), ("财政所科员", "财务"), ("农业农村服务中心科员", "业务"),
)  # fmt: skip
_TOWN_MIDDLE = (
    ("党政综合办公室主任", "综合"),
    ("财政所所长", "财务"),
    ("经济发展办公室主任", "业务"),
)
_DEPARTMENT_STAFF = (("办公室科员", "综合"), ("业务股科员", None), ("财务股科员", "财务"))
_DEPARTMENT_MIDDLE = (("办公室主任", "综合"), ("业务股股长", None))

# Specialties by unit: (category, weight); the main business of each kind of unit.
_TOWN_NEEDS = ("农业", "规划", "社会治理", "经济")
_PROJECT_DOMAINS = {
    "项目建设": ("城乡规划", "土木工程", "建筑学"),
    "招商引资": ("经济学", "国际贸易", "金融学"),
    "乡村振兴": ("农学", "农业经济管理", "畜牧兽医"),
    "基层治理": ("社会工作", "公共管理", "社会学"),
    "信访维稳": ("法学", "社会学", "社会工作"),
    "重大活动保障": ("公共管理", "新闻传播", "安全工程"),
    "应急处置": ("安全工程", "水利工程", "公共卫生"),
}
_PROJECT_TOPICS = {
    "项目建设": ("产业园基础设施建设", "老旧小区改造", "农村公路提档升级", "污水处理厂扩建"),
    "招商引资": ("新能源装备招商专班", "食品加工产业链招商", "返乡创业园招商"),
    "乡村振兴": ("高标准农田建设", "特色种植产业发展", "和美乡村示范片建设", "村集体经济强村"),
    "基层治理": ("网格化治理提升", "矛盾纠纷多元化解", "党建引领社区治理"),
    "信访维稳": ("信访积案化解攻坚", "重点群体稳控"),
    "重大活动保障": ("区运动会保障", "国际展会服务保障"),
    "应急处置": ("汛期防汛抗洪", "森林防火专项"),
}
_DEPARTMENT_CATEGORY = {
    "区委组织部": "组织人事", "区人力资源和社会保障局": "组织人事", "区纪委监委": "法律",
    "区委政法委员会": "法律", "区司法局": "法律", "区公安分局": "法律",
    "区财政局": "财务", "区审计局": "财务", "区统计局": "经济", "区发展和改革局": "经济",
    "区商务局": "经济", "区投资促进局": "经济", "区工业和信息化局": "信息技术",
    "区科学技术局": "信息技术", "区自然资源和规划局": "规划", "区住房和城乡建设局": "工程",
    "区交通运输局": "工程", "区水利局": "工程", "区生态环境分局": "环境",
    "区农业农村局": "农业", "区乡村振兴局": "农业", "区卫生健康委员会": "卫生",
    "区医疗保障局": "卫生", "区教育局": "教育", "区文化和旅游局": "文旅",
    "区应急管理局": "应急", "区委宣传部": "文字宣传", "区融媒体中心": "文字宣传",
    "区民政局": "社会治理", "区信访局": "社会治理", "区城市管理局": "社会治理",
}  # fmt: skip
_UNIVERSITY_KINDS = ("大学", "师范大学", "农业大学", "理工大学", "财经大学", "政法大学")
_EXIT_REASONS = ("年龄超过入库条件", "年度考核等次下降", "本人申请退出", "已提拔使用")


class _District:
    """Generates one district into the shared tables."""

    def __init__(self, gen: _Generator, index: int, cadres: int, parent_id: str | None) -> None:
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
        self.team_posts: dict[str, list[_Post]] = defaultdict(list)
        self.staff_posts: dict[str, list[_Post]] = defaultdict(list)
        self.middle_posts: dict[str, list[_Post]] = defaultdict(list)
        self.people: list[_Person] = []
        self.holder: dict[str, _Person] = {}  # leadership post id → current holder
        self.pool_ids: set[str] = set()
        self.annual_rows: dict[tuple[str, int], dict[str, Any]] = {}  # (cadre, year) → row

    def scaled(self, count: float, minimum: int = 1) -> int:
        return max(minimum, round(count * self.scale))

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
        for role, level, principal, function in _DISTRICT_TEAM:
            self._team_post(self.district_id, role, level, principal, function)
        for town_id in self.towns:
            name = self.unit_name[town_id]
            if self.unit_kind[town_id] == "街道":
                team: Sequence[tuple[str, str, bool, str]] = _STREET_TEAM
            else:
                head = "乡长" if name.endswith("乡") else "镇长"
                team = [
                    (role.format(head=head, deputy="副" + head), level, principal, function)
                    for role, level, principal, function in _TOWN_TEAM
                ]
            for role, level, principal, function in team:
                self._team_post(town_id, role, level, principal, function)
            for role, function in _TOWN_MIDDLE:
                self.middle_posts[town_id].append(self._post(town_id, role, "科员", function))
            for role, function in _TOWN_STAFF:
                self.staff_posts[town_id].append(self._post(town_id, role, "科员", function))
            for village_id in self.villages_of[town_id]:
                kind = self.unit_kind[village_id]
                role = "村党组织书记助理" if kind == "村" else "社区党组织书记助理"
                self.staff_posts[village_id].append(self._post(village_id, role, "科员", "党委"))
        for department_id in self.departments:
            name = self.unit_name[department_id]
            function = dict(DEPARTMENTS)[name]
            head, deputy = _DEPARTMENT_HEADS.get(
                name,
                ("局长", "副局长") if name.endswith("局") else ("主任", "副主任"),
            )
            self._team_post(department_id, head, "正科", True, function)
            for _ in range(self.rng.choice((2, 3, 3, 4))):
                self._team_post(department_id, deputy, "副科", False, function)
            for role, role_function in _DEPARTMENT_MIDDLE:
                self.middle_posts[department_id].append(
                    self._post(department_id, role, "科员", role_function or function)
                )
            for role, role_function in _DEPARTMENT_STAFF:
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
    ) -> _Post:
        unit_name = self.unit_name[unit_id]
        # 金湾区 + 区委书记 is written 金湾区委书记, not 金湾区区委书记.
        title = role[1:] if unit_name.endswith("区") and role.startswith("区") else role
        post = _Post(
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
        # Nobody in the sample is past retirement (cap: 60 for men, 55 for women here).
        months = min(int(age * 12) + self.rng.randint(0, 11), int(cap * 12) - 1)
        return _add_months(_month(AS_OF.year, AS_OF.month), -months)

    def _person(
        self,
        unit_id: str,
        post: _Post,
        *,
        age: float,
        channel: str,
        post_start: date | None = None,
        gender: str | None = None,
        work_age: float | None = None,
        level: str = "科员",
    ) -> _Person:
        rng = self.rng
        gender = gender or ("男" if rng.random() < (0.62 if level != "科员" else 0.5) else "女")
        birth = self._birth_for_age(age, 60 if gender == "男" else 55.5)
        start_age = work_age if work_age is not None else rng.uniform(21.8, 25.5)
        work_start = _add_months(birth, int(start_age * 12))
        work_start = min(work_start, _month(AS_OF.year, 8))
        if post_start is None:
            earliest = _months_between(work_start, AS_OF)
            post_start = _add_months(work_start, rng.randint(0, max(0, earliest - 1)))
        post_start = max(post_start, work_start)
        person = _Person(
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
                start = _add_months(_month(AS_OF.year, AS_OF.month), -tenure)
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
            start = _month(AS_OF.year, rng.choice((7, 8, 8, 9)))
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
                start = _month(year, rng.choice((8, 9)))
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
                start = _month(year, rng.choice((7, 8, 9)))
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
        # Leaders retiring within three years (men at 60): at least a dozen in a district.
        for person in self.people:
            if person.level != "科员" and person.gender == "男":
                age_months = _months_between(person.birth, AS_OF)
                if 57 * 12 <= age_months < 60 * 12:
                    planted["retiring_within_3y"].append(person.id)

    # ---------------------------------------------------------------- careers

    def _history_post(self, person: _Person, start: date, end: date, prefer: str) -> _Post:
        """A post held before the current one; leadership posts must be free then."""
        rng = self.rng
        if prefer in {"副科", "正科"}:
            units = [*self.towns, *self.departments]
            for _ in range(8):
                unit_id = rng.choice(units)
                options = [
                    post
                    for post in self.team_posts[unit_id]
                    if post.level == prefer and post.id != person.post_id and post.free(start, end)
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
        rng = self.rng
        tables = self.gen.tables
        for person in self.people:
            history: list[tuple[str, date, date | None]] = []
            span = _months_between(person.work_start, person.post_start)
            previous = 0 if span < 18 else min(span // 36, rng.choice((1, 1, 2, 2, 3)))
            cuts = sorted(rng.sample(range(6, span - 5), previous)) if previous else []
            bounds = [person.work_start] + [_add_months(person.work_start, c) for c in cuts]
            bounds.append(person.post_start)
            if span < 3:  # started in the current post: no earlier posts
                bounds = [person.post_start]
            level_before = {"正科": "副科", "副处": "正科", "正处": "副处"}.get(person.level)
            for position in range(len(bounds) - 1):
                start, end = bounds[position], bounds[position + 1]
                last = position == len(bounds) - 2
                prefer = level_before if (last and level_before) else "科员"
                post = self._history_post(person, start, end, prefer or "科员")
                history.append((post.id, start, end))
            history.append((person.post_id, person.post_start, None))
            for post_id, held_from, held_to in history:
                tables["post_history"].append(
                    {"cadre_id": person.id, "post_id": post_id, "start": held_from, "end": held_to}
                )
            self._cadre_row(person, history)

    def _cadre_row(self, person: _Person, history: list[tuple[str, date, date | None]]) -> None:
        rng = self.rng
        years = _months_between(person.work_start, AS_OF) / 12
        if person.level == "正处":
            rank = rng.choice(("一级调研员", "二级调研员"))
        elif person.level == "副处":
            rank = rng.choice(("三级调研员", "四级调研员"))
        elif person.level == "正科":
            rank = rng.choice(("一级主任科员", "二级主任科员"))
        elif person.level == "副科":
            rank = rng.choice(("三级主任科员", "四级主任科员"))
        elif years < 4:
            rank = "一级科员"
        elif years < 8:
            rank = "四级主任科员"
        elif years < 12:
            rank = "三级主任科员"
        elif years < 17:
            rank = "二级主任科员"
        else:
            rank = "一级主任科员"
        # The current level began with the first post at that level in a row of such posts.
        level_since = person.post_start
        if person.level != "科员":
            for post_id, start, _end in reversed(history[:-1]):
                if self.gen.post_level.get(post_id) == person.level:
                    level_since = start
                else:
                    break
        rank_since = max(person.work_start, _add_months(AS_OF, -rng.randint(6, 60)))
        age = _months_between(person.birth, AS_OF) / 12
        if person.channel in {"选调生", "引进人才"}:
            education = rng.choice(("研究生", "大学本科", "研究生"))
        elif age > 48:
            education = rng.choices(("大学本科", "大学专科", "研究生", "中专"), (55, 32, 8, 5))[0]
        else:
            education = rng.choices(("大学本科", "研究生", "大学专科"), (68, 22, 10))[0]
        degree = {"研究生": "硕士", "大学本科": "学士"}.get(education)
        university = place_name(rng, set()) + rng.choice(_UNIVERSITY_KINDS)
        specialty = self.gen.specialty_for(self.unit_category(person.unit_id), rng)
        party = None
        if person.channel == "选调生" or rng.random() < 0.8:
            party = _add_months(person.work_start, rng.randint(-30, 60))
            party = min(party, _month(AS_OF.year, 6))
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
                _add_months(person.recruit_date, 12)
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
            return self.rng.choice(_TOWN_NEEDS)
        return _DEPARTMENT_CATEGORY.get(self.unit_name[unit_id])

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
            span = _months_between(person.work_start, AS_OF)
            if span < 30:
                continue
            start = _add_months(person.work_start, rng.randint(12, span - 12))
            kind = rng.choices(("挂职", "交流", "轮岗"), (50, 25, 25))[0]
            if kind == "挂职":
                town = rng.choice(self.towns)
                unit_id = rng.choice(self.villages_of[town] or [town])
            else:
                unit_id = rng.choice([*self.towns, *self.departments])
            end = _add_months(start, rng.choice((6, 12, 12, 24)))
            self.gen.tables["rotations"].append(
                {
                    "cadre_id": person.id,
                    "unit_id": unit_id,
                    "kind": kind,
                    "start": start,
                    "end": end if end < AS_OF else None,
                }
            )

    # ---------------------------------------------------------------- projects

    def build_projects(self) -> None:
        rng = self.rng
        by_unit: dict[str, list[_Person]] = defaultdict(list)
        for person in self.people:
            by_unit[self.unit_town.get(person.unit_id, person.unit_id)].append(person)
        kinds = list(_PROJECT_DOMAINS)
        for number in range(self.scaled(60, 4)):
            kind = kinds[number % len(kinds)]
            lead = rng.choice(self.towns if kind in {"乡村振兴", "基层治理"} else self.departments)
            start = _add_months(AS_OF, -rng.randint(2, 48))
            duration = rng.randint(6, 30)
            end = _add_months(start, duration)
            project_id = self.gen.project_id()
            domain = self.gen.specialty_ids[rng.choice(_PROJECT_DOMAINS[kind])]
            self.gen.tables["projects"].append(
                {
                    "id": project_id,
                    "name": self.unit_name[lead].removeprefix("区")
                    + rng.choice(_PROJECT_TOPICS[kind]),
                    "kind": kind,
                    "domain_id": domain,
                    "unit_id": lead,
                    "start": start,
                    "end": end if end < AS_OF else None,
                }
            )
            local = [p for p in by_unit[lead] if p.work_start < start]
            others = [p for p in self.people if p.work_start < start]
            team: dict[str, _Person] = {}
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
        young = [p for p in self.people if _months_between(p.birth, AS_OF) < 40 * 12]
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
                    start = _month(year, month)
                    training_id = self.gen.training_id()
                    self.gen.tables["trainings"].append(
                        {
                            "id": training_id,
                            "name": f"{year}年{district}{kind}"
                            + (f"第{number + 1}期" if count > 1 else ""),
                            "kind": kind,
                            "organizer": "区委组织部" if off_job else "区委党校",
                            "start": start,
                            "end": _add_months(start, 1) if days >= 28 else start,
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
                        "start": _month(year, 1),
                        "end": _month(year, 12),
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
                if person.work_start > _month(AS_OF.year, quarter * 3):
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


class _Generator:
    def __init__(self, cadres: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.cadres = cadres
        self.seed = seed
        self.tables: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.planted: dict[str, list[Any]] = defaultdict(list)
        self.place_names: set[str] = set()
        self.district_names: set[str] = set()
        self.posts: list[_Post] = []
        self.post_name: dict[str, str] = {}
        self.post_level: dict[str, str] = {}
        self.cadre_rows: dict[str, dict[str, Any]] = {}
        self.behind_on_training: set[str] = set()
        self._counters: dict[str, int] = defaultdict(int)
        self.specialty_ids: dict[str, str] = {}
        self._specialties_by_category: dict[str, list[tuple[str, str]]] = defaultdict(list)

    def _next(self, prefix: str, width: int) -> str:
        self._counters[prefix] += 1
        return f"{prefix}{self._counters[prefix]:0{width}d}"

    def unit_id(self) -> str:
        return self._next("U", 5)

    def post_id(self) -> str:
        return self._next("P", 6)

    def cadre_id(self) -> str:
        return self._next("C", 6)

    def mentor_id(self) -> str:
        return self._next("M", 5)

    def project_id(self) -> str:
        return self._next("J", 5)

    def training_id(self) -> str:
        return self._next("T", 5)

    def assessment_id(self) -> str:
        return self._next("A", 7)

    def record_id(self) -> str:
        return self._next("R", 5)

    def specialty_for(self, category: str | None, rng: random.Random) -> tuple[str, str]:
        """(name, id) of a specialty, from ``category`` most of the time."""
        if category and category in self._specialties_by_category and rng.random() < 0.7:
            return rng.choice(self._specialties_by_category[category])
        name, _category, _scarce = rng.choice(SPECIALTIES)
        return name, self.specialty_ids[name]

    def run(self, on_progress: Callable[[str, int, int], None] | None) -> Sample:
        for number, (name, category, scarce) in enumerate(SPECIALTIES, start=1):
            specialty_id = f"S{number:03d}"
            self.specialty_ids[name] = specialty_id
            self._specialties_by_category[category].append((name, specialty_id))
            self.tables["specialties"].append(
                {"id": specialty_id, "name": name, "category": category, "scarce": scarce}
            )
        n_districts = max(1, round(self.cadres / DISTRICT_CADRES))
        root = None
        if n_districts > 1:
            root = self.unit_id()
            self.tables["units"].append(
                {"id": root, "name": "示范省", "kind": "省", "parent_id": None, "remote": False}
            )
        sizes = [self.cadres // n_districts] * n_districts
        sizes[0] += self.cadres - sum(sizes)
        for index, size in enumerate(sizes):
            district = _District(self, index, size, root)
            district.build_units()
            district.build_posts()
            district.build_people()
            district.build_careers()
            district.build_requirements()
            district.build_rotations()
            district.build_projects()
            self._plant_people_facts(district)
            district.build_trainings()
            district.build_assessments()
            self._build_pool(district)
            self._build_mentoring(district)
            self._build_supervision(district)
            self._build_kinship(district)
            self._plant_quiet_performers(district)
            if on_progress is not None:
                on_progress("generate", sum(sizes[: index + 1]), self.cadres)
        self._emit_posts()
        manifest = {
            "seed": self.seed,
            "cadres": self.cadres,
            "districts": n_districts,
            "as_of": AS_OF.isoformat(),
            "rows": {name: len(rows) for name, rows in sorted(self.tables.items())},
            "planted": {key: value for key, value in sorted(self.planted.items())},
        }
        return Sample(dict(self.tables), manifest)

    def _emit_posts(self) -> None:
        for post in self.posts:
            self.tables["posts"].append(
                {
                    "id": post.id,
                    "name": post.name,
                    "unit_id": post.unit_id,
                    "level": post.level,
                    "leadership": post.leadership,
                    "team_member": post.team_member,
                    "principal": post.principal,
                    "function": post.function,
                    "role": post.role,
                }
            )
        self.posts = []

    def _plant_people_facts(self, district: _District) -> None:
        """Choose who will be behind on training."""
        rng = self.rng
        settled = [p for p in district.people if not p.young_recruit]
        behind = rng.sample(settled, min(len(settled), district.scaled(60, 2)))
        # Only people past their first working year count as behind (newcomers are exempt).
        behind = [p for p in behind if _months_between(p.work_start, AS_OF) >= 24]
        self.behind_on_training.update(p.id for p in behind)
        self.planted["behind_on_training"].extend(sorted(p.id for p in behind))

    # -------------------------------------------------------------------- pool

    def _build_pool(self, district: _District) -> None:
        rng = self.rng
        pool_id = f"POOL{district.index + 1:03d}"
        self.tables["pools"].append(
            {
                "id": pool_id,
                "name": f"{district.unit_name[district.district_id]}优秀年轻干部库",
                "level": "区级",
                "max_age": 40,
            }
        )
        candidates = [
            p
            for p in district.people
            if 26 * 12 <= _months_between(p.birth, AS_OF) < 39 * 12
            and _months_between(p.work_start, AS_OF) >= 24
            and p.id not in self.behind_on_training
        ]
        size = min(len(candidates), district.scaled(196, 3))
        members = sorted(rng.sample(candidates, size), key=lambda p: p.id)
        # Planted for exit review: a declining assessment, past the age limit.
        declining = members[: max(1, size // 40)]
        self.planted["pool_declining"].extend(p.id for p in declining)
        for person in declining:  # last year's grade falls (assessments are already written)
            if (person.id, AS_OF.year - 1) in district.annual_rows:
                district.annual_rows[(person.id, AS_OF.year - 1)]["grade"] = "基本称职"
        for person in members:
            start = _add_months(AS_OF, -rng.randint(3, 60))
            start = max(start, _add_months(person.work_start, 12))
            self.tables["pool_membership"].append(
                {
                    "cadre_id": person.id,
                    "pool_id": pool_id,
                    "start": start,
                    "end": None,
                    "exit_reason": None,
                }
            )
        over_age = [
            p
            for p in district.people
            if 40 * 12 <= _months_between(p.birth, AS_OF) < 42 * 12 and p.level == "科员"
        ][: max(1, district.scaled(3))]
        for person in over_age:
            self.tables["pool_membership"].append(
                {
                    "cadre_id": person.id,
                    "pool_id": pool_id,
                    "start": _add_months(AS_OF, -rng.randint(40, 70)),
                    "end": None,
                    "exit_reason": None,
                }
            )
            self.planted["pool_over_age"].append(person.id)
        district.pool_ids = {p.id for p in members} | {p.id for p in over_age}
        self.planted["pool_members"].extend([p.id for p in members] + [p.id for p in over_age])
        current = {p.id for p in members} | {p.id for p in over_age}
        former = [p for p in district.people if p.id not in current]
        for person in rng.sample(former, min(len(former), district.scaled(40, 1))):
            start = max(_add_months(AS_OF, -rng.randint(40, 80)), person.work_start)
            end = _add_months(start, rng.randint(12, 36))
            if end >= AS_OF:
                continue
            self.tables["pool_membership"].append(
                {
                    "cadre_id": person.id,
                    "pool_id": pool_id,
                    "start": start,
                    "end": end,
                    "exit_reason": rng.choice(_EXIT_REASONS),
                }
            )

    # --------------------------------------------------------------- mentoring

    def _build_mentoring(self, district: _District) -> None:
        rng = self.rng
        pool_members = district.pool_ids
        need = [
            p
            for p in district.people
            if p.young_recruit
            or p.channel == "到村(社区)工作大学生"
            or (p.channel == "选调生" and _months_between(p.work_start, AS_OF) < 60)
            or p.id in pool_members
        ]
        # Mentor candidates: team members and long-serving staff, by township.
        by_town: dict[str, list[_Person]] = defaultdict(list)
        for person in district.people:
            seasoned = _months_between(person.work_start, AS_OF) >= 12 * 12
            if person.level != "科员" or (seasoned and rng.random() < 0.25):
                by_town[district.unit_town.get(person.unit_id, person.unit_id)].append(person)
        mentors: list[dict[str, Any]] = []
        load: dict[str, int] = defaultdict(int)
        capacity: dict[str, int] = {}
        home: dict[str, str] = {}

        def new_mentor(person: _Person | None, unit: str) -> str:
            mentor_id = self.mentor_id()
            row: dict[str, Any]
            if person is None:
                kind, cap = "外部专家", rng.choice((2, 3))
                row = {
                    "id": mentor_id,
                    "name": person_name(rng, rng.choice("男女")),
                    "cadre_id": None,
                    "kind": kind,
                    "organization": rng.choice(
                        ("区委党校", "农业科学研究院", "规划设计研究院", "职业技术学院")
                    ),
                    "capacity": cap,
                    "in_pool": True,
                    "status": "在岗",
                    "retire_date": None,
                }
            else:
                post_name = self.post_name[person.post_id]
                if "书记" in post_name and person.level in {"正科", "正处"}:
                    kind = "党组织书记"
                elif person.level != "科员":
                    kind = "班子成员"
                else:
                    kind = "业务骨干"
                cap = rng.choice((2, 3, 3, 4)) if kind != "党组织书记" else rng.choice((3, 4, 5))
                retire = _add_months(person.birth, (60 if person.gender == "男" else 55) * 12)
                row = {
                    "id": mentor_id,
                    "name": "",
                    "cadre_id": person.id,
                    "kind": kind,
                    "organization": district.unit_name[person.unit_id],
                    "capacity": cap,
                    "in_pool": True,
                    "status": "在岗",
                    "retire_date": retire,
                }
            mentors.append(row)
            capacity[mentor_id] = int(row["capacity"])
            home[mentor_id] = unit
            return mentor_id

        mentee_units = sorted({district.unit_town.get(p.unit_id, p.unit_id) for p in need})
        pool_of: dict[str, list[str]] = defaultdict(list)
        for unit in mentee_units:
            wanted = sum(1 for p in need if district.unit_town.get(p.unit_id, p.unit_id) == unit)
            count = max(1, round(wanted / 2.1))
            people = by_town.get(unit, [])
            for person in rng.sample(people, min(len(people), count)):
                pool_of[unit].append(new_mentor(person, unit))
            if rng.random() < 0.15 or not people:
                pool_of[unit].append(new_mentor(None, unit))
        for row in mentors:
            if row["cadre_id"]:
                row["name"] = self.cadre_rows[row["cadre_id"]]["name"]
        mentor_cadre = {row["id"]: row["cadre_id"] for row in mentors}
        # Pair most mentees; leave some uncovered on purpose.
        uncovered_share = 0.12
        uncovered: list[str] = []
        pairs: list[dict[str, Any]] = []
        for person in sorted(need, key=lambda p: p.id):
            unit = district.unit_town.get(person.unit_id, person.unit_id)
            if rng.random() < uncovered_share or not pool_of.get(unit):
                uncovered.append(person.id)
                continue
            local = [
                m for m in pool_of[unit] if load[m] < capacity[m] and mentor_cadre[m] != person.id
            ]
            if local and rng.random() < 0.95:
                mentor_id = rng.choice(local)
            else:
                anywhere = [m for ms in pool_of.values() for m in ms if load[m] < capacity[m]]
                if not anywhere:
                    uncovered.append(person.id)
                    continue
                mentor_id = rng.choice(anywhere)
                if home[mentor_id] != unit:
                    self.planted["distant_pairings"].append([mentor_id, person.id])
            if mentor_cadre[mentor_id] == person.id:
                uncovered.append(person.id)
                continue
            load[mentor_id] += 1
            start = _add_months(person.recruit_date or person.post_start, rng.randint(0, 3))
            pairs.append(
                {
                    "mentor_id": mentor_id,
                    "mentee_id": person.id,
                    "start": min(start, AS_OF),
                    "end": None,
                }
            )
        # Overloaded mentors: a few given more mentees than their capacity.
        full = sorted(
            (m for m in mentors if load[m["id"]] >= capacity[m["id"]]), key=lambda m: m["id"]
        )
        for mentor in full[: max(1, district.scaled(8))]:
            unit = home[mentor["id"]]
            uncovered_now = set(uncovered)
            extra = [
                p
                for p in need
                if p.id in uncovered_now
                and district.unit_town.get(p.unit_id, p.unit_id) == unit
                and p.id != mentor.get("cadre_id")
            ][:2]
            for person in extra:
                uncovered.remove(person.id)
                load[mentor["id"]] += 1
                pairs.append(
                    {
                        "mentor_id": mentor["id"],
                        "mentee_id": person.id,
                        "start": _add_months(AS_OF, -rng.randint(1, 6)),
                        "end": None,
                    }
                )
            if load[mentor["id"]] > capacity[mentor["id"]]:
                self.planted["overloaded_mentors"].append(mentor["id"])
        self.planted["uncovered_mentees"].extend(uncovered)
        # Mentors who have left or retired but still have active mentees.
        active = sorted({p["mentor_id"] for p in pairs})
        for mentor_id in rng.sample(active, min(len(active), district.scaled(6))):
            row = next(m for m in mentors if m["id"] == mentor_id)
            row["status"] = rng.choice(("离任", "退休"))
            self.planted["departed_mentors"].append(mentor_id)
        # Past pairings that ended after the usual three years.
        veterans = [p for p in district.people if 36 <= _months_between(p.work_start, AS_OF) < 120]
        mentor_ids = [m["id"] for m in mentors]
        for person in rng.sample(veterans, min(len(veterans), district.scaled(150))):
            start = _add_months(person.work_start, 1)
            mentor_id = rng.choice(mentor_ids)
            if mentor_cadre[mentor_id] == person.id:
                continue
            pairs.append(
                {
                    "mentor_id": mentor_id,
                    "mentee_id": person.id,
                    "start": start,
                    "end": _add_months(start, 36),
                }
            )
        self.tables["mentors"].extend(mentors)
        self.tables["mentoring"].extend(pairs)

    # ------------------------------------------------------------- supervision

    def _plant_quiet_performers(self, district: _District) -> None:
        """A few strong, unseen people: excellent grades and project results, not in the
        pool, no promotion for years. Own random stream: the rest of the sample is unchanged."""
        rng = random.Random(self.seed * 1_000 + district.index)
        ids = {p.id for p in district.people}
        worked: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in self.tables["participation"]:
            if row["cadre_id"] in ids:
                worked[row["cadre_id"]].append(row)
        sanctioned = {
            row["cadre_id"] for row in self.tables["supervision"] if row["cadre_id"] in ids
        }
        settled_before = _add_months(AS_OF, -6 * 12)
        chosen = [
            p
            for p in district.people
            if p.id in worked
            and p.id not in district.pool_ids
            and p.id not in sanctioned
            and p.work_start < settled_before
            and (self.cadre_rows[p.id].get("level_since") or p.work_start) < settled_before
            and all((p.id, AS_OF.year - k) in district.annual_rows for k in (1, 2))
        ]
        for person in rng.sample(chosen, min(len(chosen), district.scaled(5, 1))):
            for k in (1, 2):
                district.annual_rows[(person.id, AS_OF.year - k)]["grade"] = "优秀"
            rng.choice(worked[person.id])["result"] = "优秀"
            self.planted["quiet_performers"].append(person.id)

    def _build_supervision(self, district: _District) -> None:
        rng = self.rng
        kinds = (
            ("提醒谈话", 35),
            ("关爱谈话", 25),
            ("诫勉", 15),
            ("党内警告", 8),
            ("政务警告", 5),
            ("记过", 4),
            ("党内严重警告", 4),
            ("组织处理", 4),
        )
        subjects = rng.sample(district.people, min(len(district.people), district.scaled(45, 2)))
        for person in sorted(subjects, key=lambda p: p.id):
            kind = rng.choices([k for k, _ in kinds], [w for _, w in kinds])[0]
            earliest = max(person.work_start, _add_months(AS_OF, -36))
            span = max(1, _months_between(earliest, AS_OF))
            when = _add_months(earliest, rng.randint(0, span - 1))
            self.tables["supervision"].append(
                {
                    "id": self.record_id(),
                    "cadre_id": person.id,
                    "kind": kind,
                    "date": when,
                    "effect_months": None,
                    "note": "(合成数据)",
                }
            )
            if kind not in {"提醒谈话", "关爱谈话"}:
                self.planted["sanctioned"].append(
                    {"cadre_id": person.id, "kind": kind, "date": when.isoformat()}
                )

    # ----------------------------------------------------------------- kinship

    def _build_kinship(self, district: _District) -> None:
        rng = self.rng
        rows = self.tables["kinship"]
        people = district.people
        holder = district.holder

        def relate(a: _Person, b: _Person, relation: str) -> None:
            rows.append({"cadre_id": a.id, "relative_id": b.id, "relation": relation})

        # Harmless relatives: different, unrelated units.
        for _ in range(district.scaled(25, 2)):
            a, b = rng.sample(people, 2)
            if district.unit_town.get(a.unit_id) != district.unit_town.get(b.unit_id):
                relate(a, b, rng.choice(("配偶", "兄弟姐妹", "表兄弟姐妹", "配偶兄弟姐妹")))
        conflicts = self.planted["kinship_conflicts"]
        # 1. Spouses in the same leadership team.
        for unit in district.towns:
            team = [holder[p.id] for p in district.team_posts[unit] if p.id in holder]
            if len(team) >= 2:
                a, b = team[0], team[-1]
                relate(a, b, "配偶")
                conflicts.append({"rule": "same_team", "cadres": [a.id, b.id], "unit_id": unit})
                break
        # 2. A township head's child in a village under that township (superior–subordinate line).
        for unit in district.towns[1:]:
            heads = [
                holder[p.id] for p in district.team_posts[unit] if p.principal and p.id in holder
            ]
            below = [
                p for p in people if district.unit_town.get(p.unit_id) == unit and p.unit_id != unit
            ]
            if heads and below:
                relate(heads[0], below[0], "子女")
                conflicts.append(
                    {
                        "rule": "superior_subordinate",
                        "cadres": [heads[0].id, below[0].id],
                        "unit_id": unit,
                    }
                )
                break
        # 3. A department head's spouse in that department's finance post.
        for unit in district.departments:
            heads = [
                holder[p.id] for p in district.team_posts[unit] if p.principal and p.id in holder
            ]
            finance = [
                p
                for p in people
                if p.unit_id == unit and self.post_name[p.post_id].endswith("财务股科员")
            ]
            if heads and finance:
                relate(heads[0], finance[0], "配偶")
                conflicts.append(
                    {
                        "rule": "sensitive_function",
                        "cadres": [heads[0].id, finance[0].id],
                        "unit_id": unit,
                    }
                )
                break
        # 4. Regional avoidance: a township party secretary serving where they grew up.
        for unit in reversed(district.towns):
            secretaries = [
                holder[p.id]
                for p in district.team_posts[unit]
                if p.principal and p.function == "党委" and p.id in holder
            ]
            if secretaries:
                person = secretaries[0]
                person.hometown_unit_id = unit
                row = self.cadre_rows[person.id]
                row["hometown_unit_id"] = unit
                row["native_place"] = f"本区{district.unit_name[unit]}"
                self.planted["regional_avoidance"].append({"cadre_id": person.id, "unit_id": unit})
                break


def generate_sample(
    *,
    cadres: int = DISTRICT_CADRES,
    seed: int = 7,
    on_progress: Callable[[str, int, int], None] | None = None,
) -> Sample:
    """Generate a synthetic district (or province, past 4,500 cadres).

    Parameters
    ----------
    cadres : int
        How many cadres, at least 50.
    seed : int
        The same seed gives the same sample, byte for byte.
    on_progress : callable, optional
        Called as ``(what, done, total)`` after each district.
    """
    if cadres < 50:
        raise ValueError(f"a sample needs at least 50 cadres (asked for {cadres})")
    return _Generator(cadres, seed).run(on_progress)


def _cell(name: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, date):
        return format_cadre_date(value, with_day=name not in MONTH_FIELDS)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def write_sample(sample: Sample, out_dir: Path) -> list[Path]:
    """Write one CSV per table with Chinese headers, and ``manifest.json``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    specs: list[tuple[str, Any]] = [(spec.table, spec.model) for spec in NODE_SPECS]
    specs += [(spec.table, spec.model) for spec in EDGE_SPECS if spec.table is not None]
    written = []
    for table, model in specs:
        rows = sample.tables.get(table, [])
        fields = list(model.model_fields)
        path = out_dir / f"{table}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([model.model_fields[name].title or name for name in fields])
            for row in rows:
                writer.writerow([_cell(name, row.get(name)) for name in fields])
        written.append(path)
    manifest = out_dir / "manifest.json"
    manifest.write_text(json.dumps(sample.manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    written.append(manifest)
    return written
