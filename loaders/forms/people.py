"""Matching the people forms and roster rows give to the cadres in the graph.

A person is matched by ID number, else by name + birth (year and month). Two forms of
one person in one import: the one filled in later (填表时间) is taken. A form without an
ID number is the person of one with it when name and birth agree. A form older than the
record the graph holds is not taken. A new cadre's id is ``CF`` + a hash of the ID number
(or of name and birth), so the same form always gives the same id.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from graphsvc.dates import parse_cadre_date
from graphsvc.stores.base import GraphStore
from graphsvc.vocab import Rank
from loaders.forms.batch import ImportBatch
from loaders.forms.fields import channel_in_resume, education_level
from loaders.forms.record import FormRecord, stable_id
from loaders.forms.units import normalize_name
from loaders.headers import split_education

__all__ = ["CadreIndex", "Person", "count_person", "fill_person", "take_people"]


@dataclass
class Person:
    """One person an import writes: the record taken for them and the cadre they are."""

    record: FormRecord
    cadre_id: str
    existing: dict[str, Any] | None  # the cadre as the graph holds them, None when new
    props: dict[str, Any] = field(default_factory=dict)
    current_posts: list[str] = field(default_factory=list)  # posts the form says are held
    holdings: list[dict[str, Any]] = field(default_factory=list)  # HOLDS rows its career gave
    family: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class CadreIndex:
    """The graph's cadres by id, by ID number and by name + birth."""

    cadres: dict[str, dict[str, Any]]
    by_number: dict[str, list[str]]
    by_name_birth: dict[tuple[str, date], list[str]]

    @classmethod
    def load(cls, store: GraphStore) -> CadreIndex:
        cadres = {c["id"]: c for c in store.iter_nodes("Cadre")}
        by_number: dict[str, list[str]] = defaultdict(list)
        by_name_birth: dict[tuple[str, date], list[str]] = defaultdict(list)
        for cadre_id, cadre in cadres.items():
            if cadre.get("id_number"):
                by_number[str(cadre["id_number"]).upper()].append(cadre_id)
            by_name_birth[(normalize_name(cadre.get("name", "")), cadre["birth"])].append(cadre_id)
        return cls(cadres, by_number, by_name_birth)


def take_people(batch: ImportBatch, records: list[FormRecord], index: CadreIndex) -> list[Person]:
    """The people the records give, each matched to a cadre or new; one record a person."""
    chosen: dict[tuple[str, ...], tuple[tuple[date, int], FormRecord]] = {}
    for order, record in enumerate(records):
        name = normalize_name(record.get("XingMing"))
        if not name:
            batch.problem(record, "XingMing", None, "姓名为空")
            continue
        birth = batch.date(record, "ChuShengNianYue")
        if birth is None:
            if not record.get("ChuShengNianYue"):
                batch.problem(record, "ChuShengNianYue", None, "出生年月为空，无法确认是哪一位干部")
            continue
        filled = batch.date(record, "TianBiaoShiJian") or date.min
        number = record.get("ShenFenZheng").upper()
        key: tuple[str, ...] = ("id", number) if number else ("name", name, birth.isoformat())
        rank = (filled, order)
        previous = chosen.get(key)
        if previous is None:
            chosen[key] = (rank, record)
            continue
        older, newer = sorted([previous, (rank, record)], key=lambda item: item[0])
        chosen[key] = newer
        batch.report.matched.append(
            {
                "file": older[1].where,
                "kind": "同一人",
                "text": name,
                "id": None,
                "name": name,
                "note": f"与 {newer[1].where} 是同一人，以填表时间较晚的 {newer[1].where} 为准",
            }
        )
    # A form without an ID number is the person of a form with one, by name + birth.
    with_number: dict[tuple[str, str], list[tuple[str, ...]]] = defaultdict(list)
    for known, (_, record) in chosen.items():
        if known[0] == "id":
            birth_text = str(parse_cadre_date(record.get("ChuShengNianYue")))
            with_number[(normalize_name(record.get("XingMing")), birth_text)].append(known)
    for loose in [k for k in chosen if k[0] == "name"]:
        owners = with_number.get((loose[1], loose[2]), [])
        if len(owners) > 1:
            record = chosen.pop(loose)[1]
            batch.report.ambiguous.append(
                {"file": record.where, "kind": "干部", "text": loose[1],
                 "candidates": [chosen[o][1].where for o in owners],
                 "note": "没有身份证号，与本次导入的多位同名同出生年月的干部无法区分"}
            )  # fmt: skip
            reason = "没有身份证号，无法确定是同名干部中的哪一位"
            batch.problem(record, "ShenFenZheng", None, reason)
        elif owners:
            mine, theirs = chosen.pop(loose), chosen[owners[0]]
            older, newer = sorted([mine, theirs], key=lambda item: item[0])
            chosen[owners[0]] = newer
            batch.report.matched.append(
                {"file": older[1].where, "kind": "同一人", "text": loose[1], "id": None,
                 "name": loose[1],
                 "note": f"与 {newer[1].where} 是同一人，以填表时间较晚的表为准"}
            )  # fmt: skip
    people: list[Person] = []
    for record in (item[1] for item in chosen.values()):
        person = _match_cadre(batch, record, index)
        if person is not None:
            fill_person(batch, person)
            people.append(person)
    return people


def _match_cadre(batch: ImportBatch, record: FormRecord, index: CadreIndex) -> Person | None:
    name = normalize_name(record.get("XingMing"))
    birth = parse_cadre_date(record.get("ChuShengNianYue"))
    assert birth is not None
    number = record.get("ShenFenZheng").upper()
    ids = index.by_number.get(number, []) if number else []
    how = "身份证号"
    if not ids:
        ids = [
            i
            for i in index.by_name_birth.get((name, birth), [])
            if not number or not index.cadres[i].get("id_number")
        ]
        how = "姓名+出生年月"
    if len(ids) > 1:
        batch.report.ambiguous.append(
            {
                "file": record.where,
                "kind": "干部",
                "text": f"{name}（{record.get('ChuShengNianYue')}）",
                "candidates": ids,
                "note": f"图中有{len(ids)}位同名同出生年月的干部，请补充身份证号",
            }
        )
        batch.problem(record, "XingMing", name, "与图中多位干部姓名、出生年月相同，无法确定是谁")
        return None
    if ids:
        existing = index.cadres[ids[0]]
        filled = batch.date(record, "TianBiaoShiJian")
        kept = existing.get("form_date")
        if filled is not None and kept is not None and kept > filled:
            batch.warn(
                record,
                "TianBiaoShiJian",
                record.get("TianBiaoShiJian"),
                f"图中 {ids[0]} 的记录来自填表时间更晚（{kept:%Y.%m}）的表，本表未导入",
            )
            return None
        batch.report.matched.append(
            {
                "file": record.where,
                "kind": "干部",
                "text": name,
                "id": ids[0],
                "name": existing.get("name"),
                "note": f"按{how}匹配",
            }
        )
        return Person(record, ids[0], existing)
    key = number or f"{name}|{birth.isoformat()}"
    return Person(record, stable_id("CF", key), None)


_TEXT_FIELDS = {
    "name": "XingMing",
    "gender": "XingBie",
    "ethnicity": "MinZu",
    "native_place": "JiGuan",
    "birthplace": "ChuShengDi",
    "health": "JianKangZhuangKuang",
    "professional_title": "ZhuanYeJiShuZhiWu",
    "expertise": "ShuXiZhuanYeYouHeZhuanChang",
    "degree": "QuanRiZhiJiaoYu_XueWei",
    "inservice_degree": "ZaiZhiJiaoYu_XueWei",
    "title": "XianRenZhiWu",
    "id_number": "ShenFenZheng",
    "rewards_and_sanctions": "JiangChengQingKuang",
}
_DATE_FIELDS = {
    "birth": "ChuShengNianYue",
    "work_start": "CanJiaGongZuoShiJian",
    "form_date": "TianBiaoShiJian",
    "rank_since": "RenXianZhiJiShiJian",
}


def fill_person(batch: ImportBatch, person: Person) -> None:
    """The cadre's properties: what the graph holds, overwritten by what the record gives."""
    record = person.record
    for prefix in ("QuanRiZhiJiaoYu", "ZaiZhiJiaoYu"):
        both = record.get(f"{prefix}_XueLiXueWei")  # a roster's 学历学位 column
        if both:
            level, degree = split_education(both)
            record.fields.setdefault(f"{prefix}_XueLi", level)
            record.fields.setdefault(f"{prefix}_XueWei", degree)
    props: dict[str, Any] = {
        k: v for k, v in (person.existing or {}).items() if k != "id" and v is not None
    }
    props["id"] = person.cadre_id
    for name, key in _TEXT_FIELDS.items():
        value = record.get(key)
        if value and value not in {"无", "无。"}:  # "无" says there is nothing to keep
            props[name] = normalize_name(value) if name == "name" else value
    for name, key in _DATE_FIELDS.items():
        when = batch.date(record, key)
        if when is not None:
            props[name] = when
    party = record.get("RuDangShiJian")
    if party and any(ch.isdigit() for ch in party):
        joined = batch.date(record, "RuDangShiJian")
        if joined is not None:
            props["party_date"] = joined
    for ladder, key in (
        ("education", "QuanRiZhiJiaoYu_XueLi"),
        ("inservice_education", "ZaiZhiJiaoYu_XueLi"),
    ):
        found = education_level(record.get(key))
        if found:
            props[ladder] = found
    if "education" not in props and "inservice_education" in props:
        batch.problem(record, "QuanRiZhiJiaoYu_XueLi", None, "全日制学历为空（只填了在职学历）")
    school = record.get("QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi") or record.get(
        "QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi"
    )
    if school:
        props["school_major"] = school
    school = record.get("ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi") or record.get(
        "ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi"
    )
    if school:
        props["inservice_school_major"] = school
    rank = record.get("ZhiJi")
    if rank:
        if rank in {r.value for r in Rank}:
            props["rank"] = rank
        else:
            batch.warn(record, "ZhiJi", rank, "不是规范的职级名称，未导入")
    person.props = props
    _channel(batch, person)


_UNSAID = {None, "", "未知", "其他"}  # what a channel the graph holds says nothing


def _channel(batch: ImportBatch, person: Person) -> None:
    """录用渠道: a roster's column, else what the 简历 says; what the graph holds is kept; if
    nothing says it, 未知 and listed for a clerk, never guessed."""
    record, props = person.record, person.props
    kept = props.get("channel")
    given = record.get("LuYongQuDao")
    said, words = channel_in_resume(record.get("JianLi")) if not given else (given, [given])
    entry = {"file": record.where, "cadre_id": person.cadre_id, "name": props.get("name")}
    if said and (kept in _UNSAID or given):
        props["channel"] = said
        if said != kept:
            how = f"由简历中的“{words[0]}”得出" if not given else "花名册所填"
            batch.report.channels.append({**entry, "channel": said, "note": how})
        return
    if said and said != kept:
        batch.warn(
            record, "JianLi", words[0], f"简历写明{said}，图中录用渠道为{kept}，未改动，请核对"
        )
        return
    if kept in (None, ""):
        props["channel"] = "未知"
    if props["channel"] == "未知":
        note = (
            f"简历中提到{('、'.join(words))}，不止一种录用渠道，待核实"
            if words
            else "表中没有写明录用渠道，待核实"
        )
        batch.report.channels.append({**entry, "channel": "未知", "note": note})


def count_person(batch: ImportBatch, person: Person) -> None:
    """Count the person as created, updated or unchanged in the report."""
    if person.existing is None:
        batch.report.cadres["created"] += 1
        return
    before = {k: v for k, v in person.existing.items() if k != "id" and v is not None}
    after = {k: v for k, v in person.props.items() if k != "id" and v is not None}
    key = "unchanged" if before == after else "updated"
    batch.report.cadres[key] += 1
