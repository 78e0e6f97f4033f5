"""Family members on a form (家庭主要成员及重要社会关系) and the kinship edges they make.

A member's 称谓 maps onto the kinship kinds the avoidance rules know; a member is the
cadre in the graph with the same name whose post or workplace matches the form's
工作单位及职务 (and whose birth matches, where the form gives one). One match makes a
``RELATIVE_OF`` edge; none keeps the member on the person for later imports; two or
more is ambiguous and makes no edge.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from graphsvc.dates import parse_cadre_date
from loaders.forms.record import FamilyEntry
from loaders.forms.units import OrgIndex, normalize_name

if TYPE_CHECKING:
    from graphsvc.stores.base import GraphStore
    from loaders.forms.batch import ImportBatch
    from loaders.forms.people import Person

__all__ = [
    "KINSHIP_BY_TITLE",
    "KinMatcher",
    "Kinsman",
    "dump_family",
    "kinship_of",
    "kinship_rows",
    "load_family",
]

_GROUPS: dict[str, str] = {
    "配偶": "妻子 丈夫 妻 夫 爱人 配偶 老婆 老公",
    "父母": "父亲 母亲 父 母 继父 继母 养父 养母",
    "子女": "儿子 女儿 子 女 长子 次子 长女 次女 养子 养女 继子 继女",
    "兄弟姐妹": "哥哥 姐姐 弟弟 妹妹 兄 姐 弟 妹 长兄 兄长 大哥 二哥 大姐 二姐",
    "配偶父母": "岳父 岳母 公公 婆婆 公 婆",
    "子女配偶": "儿媳 女婿 儿媳妇",
    "祖父母": "祖父 祖母 爷爷 奶奶",
    "外祖父母": "外祖父 外祖母 外公 外婆 姥爷 姥姥",
    "孙子女": "孙子 孙女",
    "外孙子女": "外孙 外孙女",
    "叔伯姑舅姨": "伯父 伯母 叔叔 叔父 婶婶 姑姑 姑母 舅舅 舅父 舅妈 姨 姨母 姨妈",
    "侄子女": "侄子 侄女",
    "外甥子女": "外甥 外甥女",
    "堂兄弟姐妹": "堂兄 堂弟 堂姐 堂妹 堂哥",
    "表兄弟姐妹": "表兄 表弟 表姐 表妹 表哥",
    "配偶兄弟姐妹": "大伯子 小叔子 大姑子 小姑子 内兄 内弟 大姨子 小姨子 妻兄 妻弟 妻姐 妻妹",
    "兄弟姐妹配偶": "嫂子 嫂嫂 弟媳 弟妹 姐夫 妹夫",
}
# 称谓 as written → kinship kind (graphsvc.vocab.Kinship values).
KINSHIP_BY_TITLE: dict[str, str] = {
    **{kind: kind for kind in _GROUPS},  # some forms write the kind itself (配偶, 子女)
    **{title: kind for kind, titles in _GROUPS.items() for title in titles.split()},
}


def kinship_of(title: str) -> str | None:
    """The kinship kind of a 称谓, or ``None`` when it is not one the rules cover."""
    return KINSHIP_BY_TITLE.get(normalize_name(title))


@dataclass
class Kinsman:
    """A cadre as family matching sees them: name, birth, and what their posts are called."""

    id: str
    name: str
    birth: date | None
    workplaces: set[str] = field(default_factory=set)  # normalised post and unit texts


def _workplace_matches(written: str, person: Kinsman) -> bool:
    wanted = normalize_name(written)
    if not wanted:
        return False
    return any(place and (place in wanted or wanted in place) for place in person.workplaces)


def _birth(text: str) -> date | None:
    try:
        return parse_cadre_date(text)
    except ValueError:
        return None  # an unreadable birth does not decide a match


class KinMatcher:
    """Cadres by name, to find the one a family member is."""

    def __init__(self, people: Iterable[Kinsman] = ()) -> None:
        self._by_name: dict[str, dict[str, Kinsman]] = defaultdict(dict)
        for person in people:
            self.add(person)

    def add(self, person: Kinsman) -> None:
        self._by_name[normalize_name(person.name)][person.id] = person

    def match(self, entry: FamilyEntry, *, exclude: str) -> list[str]:
        """Ids of the cadres ``entry`` can be (empty: none; two or more: ambiguous)."""
        birth = _birth(entry.birth)
        found = []
        for person in self._by_name.get(normalize_name(entry.name), {}).values():
            if person.id == exclude:
                continue
            born = person.birth
            if birth and born and (birth.year, birth.month) != (born.year, born.month):
                continue
            if _workplace_matches(entry.workplace, person):
                found.append(person.id)
        return sorted(found)


def dump_family(members: list[dict[str, Any]]) -> str | None:
    """The ``Cadre.family`` text: the members as written, each with the cadre it matched."""
    if not members:
        return None
    return json.dumps(members, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def load_family(text: object) -> list[dict[str, Any]]:
    """Members kept on a cadre (``Cadre.family``); empty for none or unreadable text."""
    if not text:
        return []
    try:
        value = json.loads(str(text))
    except json.JSONDecodeError:
        return []
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _entry(member: dict[str, Any]) -> FamilyEntry:
    return FamilyEntry(
        str(member.get("relation", "")),
        str(member.get("name", "")),
        str(member.get("birth", "")),
        str(member.get("politics", "")),
        str(member.get("workplace", "")),
    )


def kinship_rows(
    batch: ImportBatch,
    store: GraphStore,
    people: list[Person],
    cadres: dict[str, dict[str, Any]],
    org: OrgIndex,
) -> None:
    """Family members of the people imported, and those kept on cadres already in the graph,
    matched to cadres: ``RELATIVE_OF`` rows, each person's ``family`` as kept."""
    current: dict[str, list[str]] = defaultdict(list)
    for post_id, holders in org.holders.items():
        for cadre_id, _start, end in holders:
            if end is None:
                current[cadre_id].append(post_id)

    def places(title: object, posts: Iterable[str]) -> set[str]:
        texts = {normalize_name(str(title or ""))}
        for post_id in posts:
            if post_id in org.posts or post_id in org.new_posts:
                texts.add(org.post_text(post_id))
        return {t for t in texts if len(t) >= 2}

    matcher = KinMatcher()
    for cadre_id, cadre in cadres.items():
        matcher.add(
            Kinsman(cadre_id, cadre.get("name", ""), cadre.get("birth"),
                    places(cadre.get("title"), current.get(cadre_id, [])))
        )  # fmt: skip
    importing = {person.cadre_id for person in people}
    for person in people:
        matcher.add(
            Kinsman(
                person.cadre_id,
                person.props.get("name", ""),
                person.props.get("birth"),
                places(
                    person.props.get("title"),
                    [*current.get(person.cadre_id, []), *person.current_posts],
                ),
            )
        )
    related = {frozenset((a, b)) for a, b, _ in store.iter_edges("RELATIVE_OF")}

    def link(source: str, where: str, member: dict[str, Any], kind: str | None) -> None:
        ids = matcher.match(_entry(member), exclude=source)
        if len(ids) > 1:
            batch.report.ambiguous.append(
                {
                    "file": where,
                    "kind": "亲属",
                    "text": f"{member['relation']} {member['name']}"
                    f"（{member.get('workplace', '')}）",
                    "candidates": ids,
                    "note": "与图中多位干部的姓名和单位职务相符，未建立亲属关系",
                }
            )
            member.pop("relative_id", None)
            return
        if not ids or kind is None:
            member.pop("relative_id", None)
            return
        member["relative_id"] = ids[0]
        pair = frozenset((source, ids[0]))
        batch.report.matched.append(
            {
                "file": where,
                "kind": "亲属",
                "text": f"{member['relation']} {member['name']}",
                "id": ids[0],
                "name": member["name"],
                "note": f"关系：{kind}",
            }
        )
        if pair in related:
            return
        related.add(pair)
        batch.add("kinship", where, {"cadre_id": source, "relative_id": ids[0], "relation": kind})

    for person in people:
        if person.record.kind == "roster":
            continue  # a roster has no family columns: what the graph keeps stays
        members: list[dict[str, Any]] = []
        for entry in person.record.family:
            member = {
                "relation": entry.relation,
                "name": normalize_name(entry.name),
                "birth": entry.birth,
                "politics": entry.politics,
                "workplace": entry.workplace,
            }
            kind = kinship_of(entry.relation)
            if kind is None:
                batch.warn(
                    person.record,
                    "JiaTingChengYuan",
                    entry.relation,
                    f"称谓“{entry.relation}”不在回避所列亲属关系中，已保留，未建立亲属关系",
                )
            link(person.cadre_id, person.record.where, member, kind)
            members.append(member)
        person.family = members
        person.props["family"] = dump_family(members)
    # Members kept on cadres already in the graph are matched again: a father imported
    # after his daughter links to her now.
    for cadre_id, cadre in cadres.items():
        if cadre_id in importing:
            continue
        kept = load_family(cadre.get("family"))
        if all(m.get("relative_id") for m in kept):
            continue
        before = dump_family(kept)
        for member in kept:
            if not member.get("relative_id"):
                link(
                    cadre_id,
                    f"图中已有记录 {cadre_id}",
                    member,
                    kinship_of(str(member.get("relation", ""))),
                )
        if dump_family(kept) != before:
            props = {k: v for k, v in cadre.items() if v is not None}
            props["family"] = dump_family(kept)
            batch.add("cadres", f"图中已有记录 {cadre_id}", props)
