"""What a form's text fields say: education, annual grades, sanctions, specialties.

Each reader is a plain function of the text (tested on its own); the ``*_rows`` functions
turn one person's fields into the rows an import writes, reusing the ids of records the
graph already has (the same year's grade, the same sanction) so a repeat changes nothing.
"""

from __future__ import annotations

import base64
import re
from datetime import date
from typing import TYPE_CHECKING, Any

from graphsvc.photos import photo_problem, photo_type
from loaders.forms.units import normalize_name

if TYPE_CHECKING:
    from loaders.forms.batch import ImportBatch
    from loaders.forms.people import Person

__all__ = [
    "CHANNEL_WORDS",
    "assessment_rows",
    "channel_in_resume",
    "education_level",
    "parse_assessments",
    "parse_sanctions",
    "photo_rows",
    "specialty_rows",
    "supervision_rows",
]

_EDUCATION: tuple[tuple[str, str], ...] = (
    ("研究生", "研究生"),
    ("博士", "研究生"),
    ("硕士", "研究生"),
    ("大学本科", "大学本科"),
    ("本科", "大学本科"),
    ("大学专科", "大学专科"),
    ("专科", "大学专科"),
    ("大专", "大学专科"),
    ("中专", "中专"),
    ("中等专科", "中专"),
    ("技校", "中专"),
    ("大学", "大学本科"),
    ("高中", "高中及以下"),
    ("初中", "高中及以下"),
    ("小学", "高中及以下"),
)


def education_level(text: str) -> str | None:
    """The education ladder value (大学本科 ...) a form's 学历 text means; None if empty."""
    cleaned = normalize_name(text)
    if not cleaned:
        return None
    for word, level in _EDUCATION:
        if word in cleaned:
            return level
    return cleaned  # left for validation to name as not a known 学历


# What a 简历 writes when it says how the cadre was recruited (录用渠道).
CHANNEL_WORDS: dict[str, tuple[str, ...]] = {
    "选调生": ("选调生", "定向选调", "选调到", "选调至"),
    "到村(社区)工作大学生": (
        "到村(社区)工作大学生", "到村工作大学生", "到社区工作大学生", "大学生村官",
        "到村任职", "村官",
    ),
    "军转干部": ("军转干部", "军队转业", "部队转业", "转业安置", "军转"),
    "引进人才": ("人才引进", "引进人才", "高层次人才"),
    "公务员": ("考录为公务员", "录用为公务员", "招录为公务员", "公务员考试录用", "考录"),
    "事业单位": ("事业单位公开招聘", "事业编制"),
}  # fmt: skip


def channel_in_resume(text: str) -> tuple[str | None, list[str]]:
    """The 录用渠道 a 简历 says (选调生 ...), with the words that say it.

    Returns
    -------
    (channel, words)
        ``channel`` is None when the text names none, or names two different ones (then
        ``words`` has both, for the clerk).
    """
    compact = normalize_name(text).replace("（", "(").replace("）", ")")
    found = {
        channel: next(word for word in words if word in compact)
        for channel, words in CHANNEL_WORDS.items()
        if any(word in compact for word in words)
    }
    if len(found) == 1:
        ((channel, word),) = found.items()
        return channel, [word]
    return None, sorted(found.values())


_GRADES = re.compile(r"基本称职|不称职|不定等次|优秀|称职|合格|不合格")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def parse_assessments(text: str) -> dict[int, str]:
    """年度考核结果 → {year: grade}: ``2021、2022年度称职，2023年度优秀`` gives three years.

    Each grade applies to the years written before it since the previous grade.
    """
    found: dict[int, str] = {}
    pending: list[int] = []
    position = 0
    for grade in _GRADES.finditer(text or ""):
        pending.extend(int(y) for y in _YEAR.findall(text[position : grade.start()]))
        value = {"合格": "称职", "不合格": "不称职"}.get(grade.group(0), grade.group(0))
        for year in pending:
            found[year] = value
        pending = []
        position = grade.end()
    return found


_SANCTIONS: tuple[tuple[str, str], ...] = (
    ("党内严重警告", "党内严重警告"),
    ("严重警告", "党内严重警告"),
    ("撤销党内职务", "撤销党内职务"),
    ("留党察看", "留党察看"),
    ("党内警告", "党内警告"),
    ("政务警告", "政务警告"),
    ("行政警告", "政务警告"),
    ("记大过", "记大过"),
    ("记过", "记过"),
    ("降级", "降级"),
    ("撤职", "撤职"),
    ("诫勉", "诫勉"),
    ("组织处理", "组织处理"),
    ("提醒谈话", "提醒谈话"),
    ("警告", "政务警告"),
)
_WHEN = re.compile(r"((?:19|20)\d{2})\s*[.年/\-]\s*(\d{1,2})")


def parse_sanctions(text: str) -> tuple[list[tuple[str, date, str]], list[str]]:
    """奖惩情况 → ([(supervision kind, date, sentence)], [sanction sentences without a date]).

    Rewards are not records; the whole text stays on the cadre.
    """
    records: list[tuple[str, date, str]] = []
    undated: list[str] = []
    for sentence in re.split(r"[。；;\n]", text or ""):
        sentence = sentence.strip()
        if not sentence:
            continue
        kind = next((k for word, k in _SANCTIONS if word in sentence), None)
        if kind is None:
            continue
        when = _WHEN.search(sentence)
        if when is None or not 1 <= int(when.group(2)) <= 12:
            undated.append(sentence)
            continue
        records.append((kind, date(int(when.group(1)), int(when.group(2)), 1), sentence))
    return records, undated


def assessment_rows(batch: ImportBatch, person: Person, annual: dict[tuple[str, int], str]) -> None:
    """One annual ``Assessment`` a year the form's 年度考核结果 names."""
    for year, grade in sorted(parse_assessments(person.record.get("NianDuKaoHeJieGuo")).items()):
        assessment_id = annual.get((person.cadre_id, year)) or f"{person.cadre_id}-A{year}"
        batch.add(
            "assessments",
            person.record.where,
            {"id": assessment_id, "cadre_id": person.cadre_id, "year": year, "grade": grade},
        )


def supervision_rows(
    batch: ImportBatch, person: Person, supervised: dict[tuple[str, str, date], str]
) -> None:
    """A ``Supervision`` record for each dated sanction in 奖惩情况; undated ones are warned."""
    found, undated = parse_sanctions(person.record.get("JiangChengQingKuang"))
    for index, (kind, when, sentence) in enumerate(found):
        record_id = (
            supervised.get((person.cadre_id, kind, when))
            or f"{person.cadre_id}-S{when:%Y%m}{index}"
        )
        batch.add(
            "supervision",
            person.record.where,
            {"id": record_id, "cadre_id": person.cadre_id, "kind": kind, "date": when,
             "note": sentence},
        )  # fmt: skip
    for sentence in undated:
        batch.warn(
            person.record,
            "JiangChengQingKuang",
            sentence,
            "提到处分或诫勉但没有写明时间，未生成监督记录（原文保留在奖惩情况中）",
        )


def specialty_rows(batch: ImportBatch, person: Person, specialties: dict[str, str]) -> None:
    """``HAS_SPECIALTY`` for every specialty of the vocabulary 熟悉专业有何专长 names."""
    text = normalize_name(person.record.get("ShuXiZhuanYeYouHeZhuanChang"))
    if not text:
        return
    for name, specialty_id in sorted(specialties.items()):
        if name and name in text:
            batch.add(
                "cadre_specialties",
                person.record.where,
                {"cadre_id": person.cadre_id, "specialty_id": specialty_id},
            )


def photo_rows(batch: ImportBatch, person: Person, kept: dict[str, Any] | None) -> None:
    """The form's photo, kept with the cadre when it is an image of a known kind and size;
    otherwise a warning (the rest of the form is imported). A form without a photo leaves
    the one the graph has."""
    data = person.record.photo
    if not data:
        return
    problem = photo_problem(data)
    kind = photo_type(data)
    if problem or kind is None:
        batch.warn(person.record, "ZhaoPian", None, f"{problem}，照片未导入")
        return
    encoded = base64.b64encode(data).decode("ascii")
    if kept and kept.get("data") == encoded:
        return  # the same photo: nothing to write
    batch.add(
        "photos",
        person.record.where,
        {"id": person.cadre_id, "cadre_id": person.cadre_id, "media_type": kind.value,
         "data": encoded},
    )  # fmt: skip
