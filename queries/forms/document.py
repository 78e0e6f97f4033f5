"""A cadre's appointment form (干部任免审批表) assembled from the graph.

Fields are keyed by the .lrmx element names. 简历 is written from the posts held
(unit path and post name, as a form writes them) with secondments as ``(其间: ...)``
notes; 奖惩 from the text kept from a form, else from supervision records; 年度考核结果
from the annual assessments; the family table from the members kept from a form and
the kinship edges; the age at 计算年龄时间.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from graphsvc.dates import years_between
from graphsvc.form_layout import read_placed_line
from graphsvc.stores.base import GraphStore
from queries.records import cadre_photo

__all__ = [
    "ALL_PARTS",
    "FormDocument",
    "FormNotFound",
    "build_form",
    "post_text",
    "unit_text",
]

_RELATION_BACK = {
    "配偶": "配偶",
    "父母": "子女",
    "子女": "父母",
    "兄弟姐妹": "兄弟姐妹",
    "配偶父母": "子女配偶",
    "子女配偶": "配偶父母",
    "祖父母": "孙子女",
    "孙子女": "祖父母",
    "外祖父母": "外孙子女",
    "外孙子女": "外祖父母",
    "叔伯姑舅姨": "侄子女",
    "侄子女": "叔伯姑舅姨",
    "外甥子女": "叔伯姑舅姨",
    "堂兄弟姐妹": "堂兄弟姐妹",
    "表兄弟姐妹": "表兄弟姐妹",
    "配偶兄弟姐妹": "兄弟姐妹配偶",
    "兄弟姐妹配偶": "配偶兄弟姐妹",
}
# The 称谓 a form writes for a kinship kind: (for a man, for a woman).
_TITLE_FOR = {
    "配偶": ("丈夫", "妻子"),
    "父母": ("父亲", "母亲"),
    "子女": ("儿子", "女儿"),
    "配偶父母": ("岳父", "岳母"),
    "子女配偶": ("女婿", "儿媳"),
    "祖父母": ("祖父", "祖母"),
    "外祖父母": ("外祖父", "外祖母"),
    "孙子女": ("孙子", "孙女"),
    "外孙子女": ("外孙", "外孙女"),
    "叔伯姑舅姨": ("叔叔", "姑姑"),
    "侄子女": ("侄子", "侄女"),
    "外甥子女": ("外甥", "外甥女"),
    "堂兄弟姐妹": ("堂兄", "堂姐"),
    "表兄弟姐妹": ("表兄", "表姐"),
    "配偶兄弟姐妹": ("内兄", "妻姐"),
    "兄弟姐妹配偶": ("姐夫", "嫂子"),
}


# The sensitive parts of a form, each shown as the profile shows it to the caller's role.
ALL_PARTS = frozenset({"id_number", "kinship", "supervision", "photo"})


class FormNotFound(LookupError):
    """A cadre or post id the store does not have."""


@dataclass
class FormDocument:
    """One form: fields by .lrmx element name, the family table, the photo, the age."""

    fields: dict[str, str]
    family: list[dict[str, str]] = field(default_factory=list)
    photo: bytes | None = None
    age: int | None = None
    cadre_id: str | None = None
    relatives: list[str] = field(default_factory=list)  # cadres in the family table (audit)
    photo_type: str | None = None  # image/jpeg ...

    def get(self, key: str) -> str:
        return self.fields.get(key, "") or ""


def _ym(value: date | None) -> str:
    return value.strftime("%Y%m") if value else ""


def _day_or_month(value: date) -> str:
    """A form's own dates (填表时间, 计算年龄时间) as written in: ``20261202``, or ``202612``
    when only the month was given (kept as its first day)."""
    return value.strftime("%Y%m%d") if value.day != 1 else value.strftime("%Y%m")


def _dotted(value: date | None) -> str:
    return value.strftime("%Y.%m") if value else ""


def _clean(text: object) -> str:
    return str(text or "").replace("（", "(").replace("）", ")").replace(" ", "").strip()


def unit_path(units: dict[str, dict[str, Any]], unit_id: str | None) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    while unit_id and unit_id in units and unit_id not in seen:
        seen.add(unit_id)
        names.append(_clean(units[unit_id].get("name")))
        unit_id = units[unit_id].get("parent_id")
    return names[::-1]


def _prefixed(path: list[str], name: str) -> str:
    # The same full name the form importer matches on (loaders.forms.units.OrgIndex).
    text = name
    for place in reversed(path):
        if text.startswith(place):
            continue
        if place[-1] in "区县市" and text.startswith(place[-1]) and len(text) > 2:
            text = place[:-1] + text
            continue
        text = place + text
    return text


def unit_text(units: dict[str, dict[str, Any]], unit_id: str | None) -> str:
    """A unit as a form names it: ``东江区兴口镇``."""
    path = unit_path(units, unit_id)
    return _prefixed(path[:-1], path[-1]) if path else ""


def post_text(units: dict[str, dict[str, Any]], post: dict[str, Any]) -> str:
    """A post as a form names it: ``东江区兴口镇财政所所长``."""
    return _prefixed(unit_path(units, post.get("unit_id")), _clean(post.get("name")))


def _assessments_text(grades: dict[int, str]) -> str:
    return "；".join(f"{year}年度考核{grade}" for year, grade in sorted(grades.items()))


def _title_for(kind: str, gender: str) -> str:
    pair = _TITLE_FOR.get(kind)
    if pair is None:
        return kind
    return pair[1] if gender == "女" else pair[0]


def build_form(
    *,
    store: GraphStore,
    cadre_id: str,
    post_id: str | None = None,
    as_of: date | None = None,
    reveal: frozenset[str] = ALL_PARTS,
    reason: str = "",
    reporting_unit: str = "",
) -> FormDocument:
    """The cadre's form, with the appointment under way.

    拟任职务, 拟免职务, 任免理由, 呈报单位 and 计算年龄时间 come from the cadre's proposal
    (任免建议) as it was written: the one for ``post_id``, else the latest still 拟任. With a
    ``post_id`` no proposal names, 拟任职务 is that post and 拟免职务 the current one.

    Parameters
    ----------
    store : GraphStore
        Read only.
    cadre_id, post_id : str
        The cadre; the proposed post (optional).
    as_of : date, optional
        计算年龄时间: the age and the current posts are taken on this day; by default the
        proposal's own, else today.
    reveal : frozenset of str
        Which sensitive parts to show (``id_number``, ``kinship``, ``supervision``,
        ``photo``), as the profile does for the caller's role.
    reason, reporting_unit : str
        任免理由 and 呈报单位, when the caller gives them (over the proposal's).

    Raises
    ------
    FormNotFound
        No such cadre or post.
    """
    cadre = store.get_node("Cadre", cadre_id)
    if cadre is None:
        raise FormNotFound(f"no cadre with id {cadre_id!r}")
    proposed = store.get_node("Post", post_id) if post_id else None
    if post_id and proposed is None:
        raise FormNotFound(f"no post with id {post_id!r}")
    units = {str(u["id"]): u for u in store.iter_nodes("Unit", ["name", "parent_id"])}
    edges = store.edges_of("Cadre", cadre_id)
    proposal = _proposal(store, edges, post_id)
    if as_of is None:
        as_of = (proposal or {}).get("age_date") or date.today()
    assert as_of is not None
    held = sorted(
        ((e.other_id, dict(e.props)) for e in edges if e.type == "HOLDS"),
        key=lambda item: (item[1]["start"], item[0]),
    )
    posts = store.get_nodes("Post", {post for post, _ in held})
    rotations = sorted(
        ((e.other_id, dict(e.props)) for e in edges if e.type == "ROTATED_TO"),
        key=lambda item: item[1]["start"],
    )
    lines = _resume_lines(units, posts, held, rotations, str(cadre.get("resume_unread") or ""))

    current = [
        posts[p]
        for p, props in held
        if p in posts
        and props["start"] <= as_of
        and (props.get("end") is None or props["end"] > as_of)
    ]
    grades: dict[int, str] = {}
    supervision: list[dict[str, Any]] = []
    assessment_ids = {e.other_id for e in edges if e.type == "ASSESSMENT_OF"}
    for item in store.get_nodes("Assessment", assessment_ids).values():
        if item.get("quarter") is None and item.get("grade"):
            grades[int(item["year"])] = str(item["grade"])
    if "supervision" in reveal:
        ids = {e.other_id for e in edges if e.type == "RECORD_OF"}
        supervision = sorted(store.get_nodes("Supervision", ids).values(), key=lambda s: s["date"])
    rewards = str(cadre.get("rewards_and_sanctions") or "")
    if not rewards:
        serious = [s for s in supervision if s.get("kind") not in {"关爱谈话", "提醒谈话"}]
        rewards = "；".join(f"{_dotted(s['date'])}受到{s['kind']}" for s in serious) or "无"
    elif "supervision" not in reveal:
        rewards = "（按权限不显示）"

    family: list[dict[str, str]] = []
    if "kinship" in reveal:
        family = _family(store, cadre, edges, units)

    birth = cadre.get("birth")
    current_title = str(cadre.get("title") or "") or "、".join(
        post_text(units, post) for post in current
    )
    id_number = str(cadre.get("id_number") or "")
    if id_number and "id_number" not in reveal:
        id_number = id_number[:6] + "*" * (len(id_number) - 10) + id_number[-4:]
    fields = {
        "XingMing": str(cadre.get("name", "")),
        "XingBie": str(cadre.get("gender", "")),
        "ChuShengNianYue": _ym(birth),
        "MinZu": str(cadre.get("ethnicity") or ""),
        "JiGuan": str(cadre.get("native_place") or ""),
        "ChuShengDi": str(cadre.get("birthplace") or ""),
        "RuDangShiJian": _ym(cadre.get("party_date")),
        "CanJiaGongZuoShiJian": _ym(cadre.get("work_start")),
        "JianKangZhuangKuang": str(cadre.get("health") or ""),
        "ZhuanYeJiShuZhiWu": str(cadre.get("professional_title") or ""),
        "ShuXiZhuanYeYouHeZhuanChang": str(cadre.get("expertise") or "")
        or _specialties(store, edges),
        "QuanRiZhiJiaoYu_XueLi": str(cadre.get("education") or ""),
        "QuanRiZhiJiaoYu_XueWei": str(cadre.get("degree") or ""),
        "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi": str(cadre.get("school_major") or ""),
        "QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi": "",
        "ZaiZhiJiaoYu_XueLi": str(cadre.get("inservice_education") or ""),
        "ZaiZhiJiaoYu_XueWei": str(cadre.get("inservice_degree") or ""),
        "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi": str(cadre.get("inservice_school_major") or ""),
        "ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi": "",
        "XianRenZhiWu": current_title,
        "NiRenZhiWu": post_text(units, proposed) if proposed else "",
        "NiMianZhiWu": current_title if proposed else "",
        "JianLi": "\n".join(lines),
        "JiangChengQingKuang": rewards,
        "NianDuKaoHeJieGuo": _assessments_text(grades),
        "RenMianLiYou": reason or ("工作需要" if proposed else ""),
        "ChengBaoDanWei": reporting_unit,
        "JiSuanNianLingShiJian": _day_or_month(as_of),
        "TianBiaoShiJian": _day_or_month(cadre.get("form_date") or as_of),
        "TianBiaoRen": "",
        "ShenFenZheng": id_number,
        "Version": "3.2.1.0",
    }
    if proposal is not None:  # the appointment under way, as its form wrote it
        fields["NiRenZhiWu"] = str(proposal.get("appoint") or fields["NiRenZhiWu"])
        fields["NiMianZhiWu"] = str(proposal.get("remove") or "")
        fields["RenMianLiYou"] = reason or str(proposal.get("reason") or "")
        fields["ChengBaoDanWei"] = reporting_unit or str(proposal.get("reporting_unit") or "")
    age = int(years_between(birth, as_of)) if isinstance(birth, date) else None
    relatives = [row["relative_id"] for row in family if row.get("relative_id")]
    found = cadre_photo(store=store, cadre_id=cadre_id) if "photo" in reveal else None
    photo, photo_type = found if found else (None, None)
    return FormDocument(fields, family, photo, age, cadre_id, relatives, photo_type)


def _proposal(store: GraphStore, edges: list[Any], post_id: str | None) -> dict[str, Any] | None:
    """The cadre's proposal for ``post_id``; without one, the latest still 拟任."""
    ids = {e.other_id for e in edges if e.type == "PROPOSAL_OF"}
    found = sorted(
        store.get_nodes("Proposal", ids).values(),
        key=lambda p: (p.get("date") or date.min, str(p["id"])),
    )
    if post_id:
        return next((p for p in reversed(found) if p.get("post_id") == post_id), None)
    return next((p for p in reversed(found) if p.get("status") == "拟任"), None)


def _rotation_line(units: dict[str, dict[str, Any]], unit_id: str, rot: dict[str, Any]) -> str:
    until = _dotted(rot.get("end"))
    return (
        f"                  (其间：{_dotted(rot['start'])}--{until}在"
        f"{unit_text(units, unit_id)}{rot.get('kind', '挂职')}{rot.get('role') or ''})"
    )


def _resume_lines(
    units: dict[str, dict[str, Any]],
    posts: dict[str, dict[str, Any]],
    held: list[tuple[str, dict[str, Any]]],
    rotations: list[tuple[str, dict[str, Any]]],
    unread: str,
) -> list[str]:
    """简历: a line a post held (by start), its secondments under it as ``(其间：...)``, and
    each line no rule could read back where the form had it (after the post it followed)."""
    kept = [read_placed_line(line) for line in unread.split("\n") if line.strip()]
    top = [text for after, placed, text in kept if placed and after is None]
    lines = list(top)
    placed_rotations: set[int] = set()
    for position, (held_post, props) in enumerate(held):
        start, end = props["start"], props.get("end")
        text = post_text(units, posts.get(held_post, {"name": held_post}))
        lines.append(f"{_dotted(start)}--{_dotted(end) if end else '       '}  {text}")
        for index, (unit_id, rot) in enumerate(rotations):
            if index in placed_rotations or rot["start"] < start:
                continue
            if end is not None and rot["start"] >= end:
                continue
            placed_rotations.add(index)
            lines.append(_rotation_line(units, unit_id, rot))
        # A line follows the last post that started by the month it was kept after.
        following = held[position + 1][1]["start"] if position + 1 < len(held) else None
        lines.extend(
            text
            for after, placed, text in kept
            if placed
            and after is not None
            and start <= after
            and (following is None or after < following)
        )
    orphans = [
        text
        for after, placed, text in kept
        if placed and after is not None and (not held or after < held[0][1]["start"])
    ]
    lines[len(top) : len(top)] = orphans  # kept after a post now gone: before the first one
    for index, (unit_id, rot) in enumerate(rotations):
        if index not in placed_rotations:
            lines.append(_rotation_line(units, unit_id, rot))
    lines.extend(text for _, placed, text in kept if not placed)
    return lines


def _specialties(store: GraphStore, edges: list[Any]) -> str:
    ids = {e.other_id for e in edges if e.type == "HAS_SPECIALTY"}
    names = sorted(str(s.get("name", "")) for s in store.get_nodes("Specialty", ids).values())
    return "熟悉" + "、".join(names) if names else ""


def _family(
    store: GraphStore,
    cadre: dict[str, Any],
    edges: list[Any],
    units: dict[str, dict[str, Any]],
) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    covered: set[str] = set()
    try:
        kept = json.loads(str(cadre.get("family") or "[]"))
    except json.JSONDecodeError:
        kept = []
    for member in kept if isinstance(kept, list) else []:
        if not isinstance(member, dict):
            continue
        rows.append(
            {
                key: str(member.get(key) or "")
                for key in ("relation", "name", "birth", "politics", "workplace", "relative_id")
            }
        )
        if member.get("relative_id"):
            covered.add(str(member["relative_id"]))
    kin = [
        (e.other_id, e.direction, str(e.props.get("relation", "")))
        for e in edges
        if e.type == "RELATIVE_OF" and e.other_id not in covered
    ]
    relatives = store.get_nodes("Cadre", {other for other, _, _ in kin})
    for other, direction, relation in sorted(kin):
        person = relatives.get(other)
        if person is None:
            continue
        kind = relation if direction == "out" else _RELATION_BACK.get(relation, relation)
        workplace = str(person.get("title") or "")
        if not workplace:
            held = [
                (e.other_id, e.props)
                for e in store.edges_of("Cadre", other)
                if e.type == "HOLDS" and e.props.get("end") is None
            ]
            found = store.get_nodes("Post", {post for post, _ in held})
            workplace = "、".join(post_text(units, post) for post in found.values())
        rows.append(
            {
                "relation": _title_for(kind, str(person.get("gender", ""))),
                "name": str(person.get("name", "")),
                "birth": _ym(person.get("birth")),
                "politics": "中共党员" if person.get("party_date") else "",
                "workplace": workplace,
                "relative_id": other,
            }
        )
    return rows
