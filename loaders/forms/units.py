"""Matching the units and posts a form names to those in the graph, or creating them.

A 简历 line such as ``东江区兴口镇财政所所长`` names a post (所长) in an office (财政所)
of a township (兴口镇) of a district (东江区). It is matched, after normalising the
name, to a post in the graph whose unit path and name give the same text; failing
that, the units the name implies are found or created along the hierarchy, and the
post is created in the last of them. Everything created is marked ``needs_review``.
A created post takes its level, leadership and function from a post of the same
title in the graph when there is one, else from its title (财政所所长 is finance).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from graphsvc.stores.base import GraphStore
from loaders.forms.record import clean_text, stable_id

__all__ = [
    "OrgIndex",
    "PostMatch",
    "normalize_name",
    "post_function",
    "split_post_text",
    "split_unit_role",
    "strip_verbs",
]

_PARENS = str.maketrans({"（": "(", "）": ")", "\u3000": "", " ": "", "\t": ""})


def normalize_name(text: str) -> str:
    """The comparable form of a unit or post name: no spaces, ASCII parentheses, no 中共 prefix."""
    name = clean_text(text).translate(_PARENS).strip()
    for prefix in ("中国共产党", "中共"):
        name = name.removeprefix(prefix)
    return name


# Titles, matched as the longest suffix of a post's text.
_TITLE_WORDS = """
区委书记 区委副书记 县委书记 县委副书记 市委书记 市长 副市长 区长 副区长 常务副区长
县长 副县长 常务副县长 党委书记 党委副书记 党工委书记 党工委副书记
纪委书记 纪工委书记 镇长 副镇长 乡长 副乡长 人大主席 人大副主席 组织委员
宣传委员 政法委员 统战委员 武装部长 党委委员 党工委委员 办事处主任
办事处副主任 主任 副主任 常务副主任 局长 副局长 部长 副部长 常务副部长
所长 副所长 站长 副站长 科长 副科长 股长 副股长 院长 副院长 书记
副书记 委员 主席 副主席 队长 副队长 馆长 科员 一级科员 二级科员 办事员
主任科员 副主任科员 四级主任科员 三级主任科员 二级主任科员 一级主任科员
四级调研员 三级调研员 二级调研员 一级调研员 干事 工作人员 职员 教师
村党组织书记助理 社区党组织书记助理 党组织书记助理 书记助理 主任助理
大学生村官 专职副书记 纪检员 团委书记
"""
_TITLES = sorted(_TITLE_WORDS.split(), key=len, reverse=True)
_TITLE_SET = frozenset(_TITLES)
# Where a name ends a level of the administrative hierarchy, with the unit kind it makes.
_ADMIN = re.compile(r"^(.{1,8}?(?:街道办事处|街道|自治区|省|市|区|县|乡|镇|社区|村))")
_ADMIN_KIND = (
    ("街道办事处", "街道"),
    ("街道", "街道"),
    ("社区", "社区"),
    ("自治区", "省"),
    ("省", "省"),
    ("市", "市"),
    ("区", "区县"),
    ("县", "区县"),
    ("乡", "乡镇"),
    ("镇", "乡镇"),
    ("村", "村"),
)
# Parts that only look like a place (农业农村服务中心, 市场监管局, 城区).
_NOT_A_PLACE = ("农村", "乡村", "城乡", "辖区", "园区", "景区")
# The unit's own organs: a title under them stays in the unit (党委书记 of the township,
# 党支部书记 of the village).
_OWN_ORGANS = (
    "党委", "党工委", "政府", "人民政府", "人大", "委", "办事处", "纪委", "纪工委",
    "党支部", "党总支", "村委会", "居委会", "村民委员会", "居民委员会", "两委",
)  # fmt: skip
# Words that say what a person did there, never part of a unit's name: 任 副镇长, 兼 所长,
# 挂职 (the secondment itself), 在/到/赴 a place.
_VERB = re.compile(r"^(担任|兼任|任职于|任|兼|挂职|在|到|赴|于)")
# Places whose own name starts like a verb (任丘市): left as they are.
_VERB_PLACES = ("任丘", "任城", "任县", "任泽", "于都", "于洪", "兼山")


def strip_verbs(text: str) -> str:
    """``任东江区白沙镇副镇长`` → ``东江区白沙镇副镇长``: the verbs in front of a post or place."""
    while (match := _VERB.match(text)) and not text.startswith(_VERB_PLACES):
        text = text[match.end() :]
    return text


_FUNCTION_WORDS: tuple[tuple[str, str], ...] = (
    ("纪委", "纪检监察"),
    ("纪工委", "纪检监察"),
    ("纪检", "纪检监察"),
    ("监察", "纪检监察"),
    ("审计", "审计"),
    ("财政", "财务"),
    ("财务", "财务"),
    ("会计", "财务"),
    ("经管", "财务"),
    ("组织", "组织人事"),
    ("人事", "组织人事"),
    ("人力资源", "组织人事"),
    ("党建", "组织人事"),
    ("政法", "政法"),
    ("综治", "政法"),
    ("综合治理", "政法"),
    ("司法", "政法"),
    ("公安", "政法"),
    ("宣传", "宣传"),
    ("党委书记", "党委"),
    ("党委副书记", "党委"),
    ("党工委", "党委"),
    ("区委书记", "党委"),
    ("人大", "党委"),
    ("党组织", "党委"),
    ("镇长", "政府"),
    ("乡长", "政府"),
    ("区长", "政府"),
    ("县长", "政府"),
    ("办事处主任", "政府"),
    ("办事处副主任", "政府"),
    ("办公室", "综合"),
    ("党政办", "综合"),
    ("武装", "综合"),
)


def post_function(text: str) -> str:
    """The post function (职能类别) a post's name implies; 业务 when nothing says otherwise."""
    for word, function in _FUNCTION_WORDS:
        if word in text:
            return function
    return "业务"


def split_post_text(text: str) -> tuple[list[tuple[str, str]], str, str]:
    """Split ``东江区兴口镇财政所所长`` into places, an office and a title.

    Returns
    -------
    (places, office, title)
        ``places``: (name, unit kind) from the top of the hierarchy down
        (``[("东江区", "区县"), ("兴口镇", "乡镇")]``); ``office``: a body inside the last
        place (``财政所``), or ``""``; ``title``: the post itself (``所长``). Several titles
        joined by 、 stay together (``党委委员、副镇长``).
    """
    name = strip_verbs(normalize_name(text))
    joined = re.search(r"、|兼(?!职)", name)  # 副镇长、党委委员; 副镇长兼财政所所长
    first, sep, others = (
        (name[: joined.start()], joined.group(0), name[joined.end() :])
        if joined
        else (name, "", "")
    )
    title = next(
        (
            t
            for t in _TITLES
            if first.endswith(t) and len(first) > len(t) and not _eats_place(first, t)
        ),
        "",
    )
    if not title:
        title = next((t for t in _TITLES if first == t), "")
    body = first[: len(first) - len(title)] if title else first
    places: list[tuple[str, str]] = []
    while body:
        match = _ADMIN.match(body)
        if match is None:
            break
        place = match.group(1)
        if (
            any(place.endswith(word) for word in _NOT_A_PLACE)
            or place == "城市"
            or _runs_on(place, body[len(place) : len(place) + 2])
        ):
            break
        if len(place) < 2 or strip_verbs(place) != place:
            break  # 挂职村, 任镇: a verb and a place's suffix, not a place
        kind = next(kind for suffix, kind in _ADMIN_KIND if place.endswith(suffix))
        places.append((place, kind))
        body = body[len(place) :]
    office = body
    organ = office.startswith(("委", "政府", "人大", "政协", "纪委"))
    if organ and places and places[-1][0][-1] in "区县市":
        office = places[-1][0][-1] + office  # 东江区委组织部 → 区委组织部 in 东江区
        if office in {"区委", "县委", "市委"}:
            office = ""
            title = places[-1][0][-1] + "委" + title
    if office[1:] in {"政府", "人民政府"} and office[:1] in "区县市":
        office = ""  # 东江市政府副市长: the city's own post
    if office in _OWN_ORGANS:
        title, office = office + title, ""
    if not title:
        title, office = office, ""
    full_title = title + (sep + others if sep else "")
    return places, office, full_title


def split_unit_role(text: str) -> tuple[str, str]:
    """A secondment's place and role written together apart: ``东江区财政局副局长`` →
    (``东江区财政局``, ``副局长``); a text that names no post is the place alone."""
    name = strip_verbs(normalize_name(text))
    _, _, title = split_post_text(name)
    head = re.split(r"、|兼(?!职)", title)[0]
    if not title or not name.endswith(title) or not any(head.endswith(t) for t in _TITLES):
        return name, ""
    return name[: len(name) - len(title)], title


def _runs_on(place: str, after: str) -> bool:
    """Whether the place's last character starts a word instead (市场, 市政局, 区域)."""
    if place.endswith("市"):
        return after.startswith("场") or (after.startswith("政") and after != "政府")
    return place.endswith("区") and after.startswith("域")


def _eats_place(text: str, title: str) -> bool:
    """Whether ``title`` starts with the end of a place name (东江|区委书记, 新坝|社区...)."""
    body = text[: len(text) - len(title)]
    for size in (2, 1):
        head = title[:size]
        if head in {"社区", "街道"} or (size == 1 and head in "区县市镇乡村"):
            rest = body + head
            while rest and (match := _ADMIN.match(rest)) is not None:
                rest = rest[len(match.group(1)) :]
            if not rest:
                return True
    return False


@dataclass
class PostMatch:
    """Where a post text led: an existing post, or one created (with the units created for it)."""

    text: str
    post_id: str
    post_name: str
    unit_path: str
    created: bool
    created_units: list[dict[str, Any]] = field(default_factory=list)


class OrgIndex:
    """The graph's units and posts, indexed by normalised name; grows as posts are created."""

    def __init__(
        self,
        units: list[dict[str, Any]],
        posts: list[dict[str, Any]],
        holders: dict[str, list[tuple[str, date, date | None]]],
    ) -> None:
        self.units: dict[str, dict[str, Any]] = {str(u["id"]): dict(u) for u in units}
        self.posts: dict[str, dict[str, Any]] = {str(p["id"]): dict(p) for p in posts}
        self.holders = holders  # post id → (cadre id, start, end); grows as posts are chosen
        # What the graph holds, per cadre: (post id, start, end), before this import.
        self.held: dict[str, list[tuple[str, date, date | None]]] = defaultdict(list)
        for post_id, rows in holders.items():
            for cadre_id, start, end in rows:
                self.held[cadre_id].append((post_id, start, end))
        self.new_units: dict[str, dict[str, Any]] = {}
        self.new_posts: dict[str, dict[str, Any]] = {}
        self._children: dict[str | None, list[str]] = defaultdict(list)
        for unit_id, unit in self.units.items():
            self._children[unit.get("parent_id")].append(unit_id)
        self._by_key: dict[str, list[str]] = defaultdict(list)
        self._templates: dict[tuple[str, str], dict[str, Any]] = {}
        for post_id in sorted(self.posts):
            self._index_post(post_id)

    @classmethod
    def load(cls, store: GraphStore) -> OrgIndex:
        """Read every unit, post and post holding once."""
        holders: dict[str, list[tuple[str, date, date | None]]] = defaultdict(list)
        for cadre_id, post_id, props in store.iter_edges("HOLDS"):
            holders[post_id].append((cadre_id, props["start"], props.get("end")))
        return cls(list(store.iter_nodes("Unit")), list(store.iter_nodes("Post")), holders)

    # ------------------------------------------------------------- names

    def unit_path(self, unit_id: str | None) -> list[str]:
        """Names from the top of the hierarchy down to ``unit_id``."""
        names: list[str] = []
        seen: set[str] = set()
        while unit_id and unit_id not in seen:
            seen.add(unit_id)
            unit = self.units.get(unit_id) or self.new_units.get(unit_id)
            if unit is None:
                break
            names.append(normalize_name(unit["name"]))
            unit_id = unit.get("parent_id")
        return names[::-1]

    def unit_text(self, unit_id: str) -> str:
        """The full text a form writes for a unit: ``东江区兴口镇``, ``东江区委组织部``."""
        path = self.unit_path(unit_id)
        return self.full_name(path[:-1], path[-1]) if path else ""

    def post_text(self, post_id: str) -> str:
        """The full text a form writes for a post: unit path and post name, no repetition."""
        post = self.posts.get(post_id) or self.new_posts[post_id]
        return self.full_name(self.unit_path(post.get("unit_id")), normalize_name(post["name"]))

    @staticmethod
    def full_name(path: list[str], name: str) -> str:
        """A post or unit's full name as a form writes it: the unit path before its name,
        without repeating a place the name already has (``东江区兴口镇财政所所长``)."""
        text = name
        for place in reversed(path):
            if text.startswith(place):
                continue
            if place[-1] in "区县市" and text.startswith(place[-1]) and len(text) > 2:
                text = place[:-1] + text  # 区委组织部 in 东江区 → 东江区委组织部
                continue
            text = place + text
        return text

    def _index_post(self, post_id: str) -> None:
        post = self.posts.get(post_id) or self.new_posts[post_id]
        name = normalize_name(post["name"])
        full = self.full_name(self.unit_path(post.get("unit_id")), name)
        for key in {name, full}:
            self._by_key[key].append(post_id)
        unit = self.units.get(str(post.get("unit_id"))) or {}
        _, _, title = split_post_text(name)
        role = normalize_name(str(post.get("role") or title))
        for key in (role, title):
            self._templates.setdefault((str(unit.get("kind", "")), key), post)

    # ---------------------------------------------------------- matching

    def match_post(self, text: str, *, cadre_id: str, start: date, end: date | None) -> PostMatch:
        """The post a 简历 text names: matched by full name, else created along its units."""
        key = strip_verbs(normalize_name(text))
        candidates = self._by_key.get(key, [])
        if candidates:
            post_id = self._choose(candidates, cadre_id, start, end)
            post = self.posts.get(post_id) or self.new_posts[post_id]
            created = post_id in self.new_posts
            return PostMatch(text, post_id, str(post["name"]), self._path_text(post), created)
        return self._create_post(text, key)

    def find_posts(self, text: str) -> list[str]:
        """The posts a text names by full name (several for three 副镇长); none created."""
        return list(dict.fromkeys(self._by_key.get(strip_verbs(normalize_name(text)), [])))

    def vacant(self, post_id: str, on: date) -> bool:
        """Whether nobody in the graph holds ``post_id`` on ``on``."""
        return not any(
            start <= on and (end is None or end > on)
            for _, start, end in self.holders.get(post_id, [])
        )

    def _choose(self, candidates: list[str], cadre_id: str, start: date, end: date | None) -> str:
        # Several posts can share a name (three 副镇长): the one this cadre already holds,
        # else one nobody holds over the period, else the first.
        for post_id in candidates:
            if any(holder == cadre_id for holder, _, _ in self.holders.get(post_id, [])):
                return post_id
        for post_id in candidates:
            busy = [
                (s, e)
                for holder, s, e in self.holders.get(post_id, [])
                if holder != cadre_id and (e is None or e > start) and (end is None or s < end)
            ]
            if not busy:
                self.holders.setdefault(post_id, []).append((cadre_id, start, end))
                return post_id
        return candidates[0]

    def _path_text(self, post: dict[str, Any]) -> str:
        return " / ".join(self.unit_path(post.get("unit_id")))

    def match_unit(self, text: str) -> tuple[str, list[dict[str, Any]]]:
        """The unit a text names (a secondment's place), creating what is missing."""
        known, rest = self._known_prefix(strip_verbs(normalize_name(text)))
        places, office, title = split_post_text(rest)
        if title and title.split("、")[0] not in _TITLE_SET:
            office, title = office + title, ""  # no post named: the text is the unit itself
        unit_id, created = self._walk(places, office, start=known)
        return unit_id, created

    def _known_prefix(self, text: str) -> tuple[str | None, str]:
        """Consume the units the graph knows from the front of ``text``, down the hierarchy.

        ``金湾区委办公室主任`` → (the unit 区委办公室 of 金湾区, ``主任``).
        """
        parent: str | None = None
        rest = text
        while rest:
            pool = self._children.get(parent, []) if parent else list(self.units)
            parent_name = normalize_name(str(self.units[parent]["name"])) if parent else ""
            best: str | None = None
            best_length = 0
            for unit_id in pool:
                name = normalize_name(self.units[unit_id]["name"])
                variants = [name]
                if parent_name and name[:1] == parent_name[-1:]:
                    variants.append(name[1:])  # 区委办公室 written after 金湾区: 金湾区委办公室
                for variant in variants:
                    if (
                        len(variant) >= 2
                        and rest.startswith(variant)
                        and len(variant) > best_length
                    ):
                        best, best_length = unit_id, len(variant)
            if best is None:
                break
            parent, rest = best, rest[best_length:]
        return parent, rest

    def _find_child(self, parent_id: str | None, name: str) -> str | None:
        wanted = normalize_name(name)
        pool = self._children.get(parent_id, []) if parent_id else list(self.units)
        pool = pool + [u for u, v in self.new_units.items() if v.get("parent_id") == parent_id]
        for unit_id in sorted(pool):
            unit = self.units.get(unit_id) or self.new_units[unit_id]
            if normalize_name(unit["name"]) == wanted:
                return unit_id
        if parent_id:  # a name the graph keeps without the place (区委组织部 for 东江区委组织部)
            parent = self.units.get(parent_id) or self.new_units.get(parent_id) or {}
            short = wanted.removeprefix(normalize_name(str(parent.get("name", ""))))
            for unit_id in sorted(pool):
                unit = self.units.get(unit_id) or self.new_units[unit_id]
                if short and normalize_name(unit["name"]) == short:
                    return unit_id
        return None

    def _walk(
        self, places: list[tuple[str, str]], office: str, *, start: str | None = None
    ) -> tuple[str, list[dict[str, Any]]]:
        created: list[dict[str, Any]] = []
        parent: str | None = start
        path: list[str] = self.unit_path(start)
        steps = [*places, *([(office, "")] if office else [])]
        if not steps and start is None:
            steps = [("未注明单位", "区直部门")]
        for name, kind in steps:
            path.append(name)
            found = self._find_child(parent, name)
            if found is None and parent is None:
                found = None
            if found is None:
                if not kind:  # an office: a township's office is grassroots, a district's a 部门
                    parent_kind = str(
                        (
                            self.units.get(parent or "") or self.new_units.get(parent or "") or {}
                        ).get("kind", "区直部门")
                    )
                    kind = parent_kind if parent_kind in {"乡镇", "街道"} else "区直部门"
                found = stable_id("UF", "/".join(path))
                unit = {
                    "id": found,
                    "name": name,
                    "kind": kind,
                    "parent_id": parent,
                    "needs_review": True,
                }
                self.new_units[found] = unit
                created.append(unit)
            parent = found
        assert parent is not None
        return parent, created

    def _create_post(self, text: str, key: str) -> PostMatch:
        known, rest = self._known_prefix(key)
        places, office, title = split_post_text(rest)
        unit_id, created_units = self._walk(places, office, start=known)
        unit = self.units.get(unit_id) or self.new_units[unit_id]
        name = normalize_name(unit["name"]) + title
        post_id = stable_id("PF", f"{unit_id}/{title}")
        if post_id in self.posts:  # made by an earlier import from another spelling
            self._by_key[key].append(post_id)
            kept = self.posts[post_id]
            return PostMatch(text, post_id, str(kept["name"]), self._path_text(kept), False)
        if post_id not in self.new_posts:
            template = self._templates.get((str(unit.get("kind", "")), title)) or next(
                (v for (_, t), v in self._templates.items() if t == title), None
            )
            post: dict[str, Any] = {
                "id": post_id,
                "name": name or title,
                "unit_id": unit_id,
                "role": title,
                "needs_review": True,
            }
            if template is not None:
                for part in ("level", "leadership", "team_member", "principal", "function"):
                    post[part] = template.get(part)
            else:
                post.update(self._guess(title, office, str(unit.get("kind", ""))))
            self.new_posts[post_id] = post
            self._by_key[key].append(post_id)
            self._index_post(post_id)
        post = self.new_posts[post_id]
        return PostMatch(
            text, post_id, str(post["name"]), self._path_text(post), True, created_units
        )

    @staticmethod
    def _guess(title: str, office: str, kind: str) -> dict[str, Any]:
        """Level, leadership and function from the title alone (no such post in the graph)."""
        deputy = title.startswith("副") or "副" in title.split("、")[-1][:3]
        staff = any(
            word in title for word in ("科员", "办事员", "干事", "工作人员", "助理", "职员")
        )
        leads = not staff and any(w in title for w in ("书记", "长", "主任", "主席", "委员"))
        team = leads and not office  # the heads of the unit itself, not of an office inside it
        if kind == "区县" and team:
            level = "副处" if deputy or "委员" in title else "正处"
        elif team or (leads and kind == "区直部门"):
            level = "副科" if deputy or "委员" in title else "正科"
        else:
            level = "科员"
        return {
            "level": level,
            "leadership": leads,
            "team_member": team,
            "principal": leads and not deputy and "委员" not in title,
            "function": post_function(office + title),
        }
