"""Importing appointment forms and rosters: read, match, validate everything, write once.

Each form or roster row becomes a cadre (matched to one in the graph by ID number,
else name + birth; a person given twice is taken from the form filled in later),
the posts of their 简历 (matched or created, see :mod:`loaders.forms.units`),
secondments, annual assessments, supervision records, specialties and kinship.
The rows go through the loader's own validation (:func:`loaders.validate.validate_tables`):
any problem anywhere and nothing is written; a clean import is one atomic store write,
so importing the same files twice changes nothing.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from graphsvc.dates import parse_cadre_date
from graphsvc.model import EDGE_SPECS, NODE_SPECS, EdgeSpec, NodeSpec
from graphsvc.stores.base import GraphStore
from graphsvc.vocab import Rank
from loaders.forms.family import KinMatcher, Kinsman, dump_family, kinship_of, load_family
from loaders.forms.lrm import read_lrm, read_lrm_bytes
from loaders.forms.lrmx import read_lrmx, read_lrmx_bytes
from loaders.forms.record import FamilyEntry, FormProblem, FormRecord, FormUnreadable
from loaders.forms.resume import parse_resume
from loaders.forms.review import ImportReport
from loaders.forms.roster import read_roster
from loaders.forms.units import OrgIndex, normalize_name
from loaders.tables import RawTable
from loaders.validate import LoadIssue, validate_tables

__all__ = [
    "FIELD_LABELS",
    "FORM_SUFFIXES",
    "education_level",
    "import_form_bytes",
    "import_forms",
    "parse_assessments",
    "parse_sanctions",
]

FORM_SUFFIXES = (".lrmx", ".lrm", ".xlsx")

# .lrmx element → the label the printed form gives it (problems name fields this way).
FIELD_LABELS: dict[str, str] = {
    "XingMing": "姓名",
    "XingBie": "性别",
    "ChuShengNianYue": "出生年月",
    "MinZu": "民族",
    "JiGuan": "籍贯",
    "ChuShengDi": "出生地",
    "RuDangShiJian": "入党时间",
    "CanJiaGongZuoShiJian": "参加工作时间",
    "JianKangZhuangKuang": "健康状况",
    "ZhuanYeJiShuZhiWu": "专业技术职务",
    "ShuXiZhuanYeYouHeZhuanChang": "熟悉专业有何专长",
    "QuanRiZhiJiaoYu_XueLi": "全日制学历",
    "QuanRiZhiJiaoYu_XueWei": "全日制学位",
    "ZaiZhiJiaoYu_XueLi": "在职学历",
    "ZaiZhiJiaoYu_XueWei": "在职学位",
    "XianRenZhiWu": "现任职务",
    "JianLi": "简历",
    "JiangChengQingKuang": "奖惩情况",
    "NianDuKaoHeJieGuo": "年度考核结果",
    "TianBiaoShiJian": "填表时间",
    "ShenFenZheng": "身份证号",
    "RenXianZhiShiJian": "任现职时间",
    "RenXianZhiJiShiJian": "任现职级时间",
    "ZhiJi": "职级",
}

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


def _titles() -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    specs: list[NodeSpec | EdgeSpec] = [*NODE_SPECS, *EDGE_SPECS]
    for spec in specs:
        if spec.table is not None and spec.model is not None:
            fields = spec.model.model_fields.items()
            found[spec.table] = {name: info.title or name for name, info in fields}
    return found


# Table → field → its Chinese header.
_TITLES = _titles()


def _stable_id(prefix: str, text: str) -> str:
    return prefix + hashlib.sha1(text.encode("utf-8")).hexdigest()[:10].upper()


def _zh_reason(reason: str) -> str:
    known = {
        "required value missing": "必填项缺失",
        "required column missing": "缺少必填字段",
    }
    if reason in known:
        return known[reason]
    if reason.startswith("Input should be"):
        return "取值不在允许范围内：" + reason.removeprefix("Input should be ")
    if reason.startswith("String should match pattern"):
        return "格式不对（身份证号应为18位，最后一位可为X）"
    if re.search(r"[\u4e00-\u9fff]", reason):
        return reason
    return "校验未通过：" + reason


@dataclass
class _Person:
    record: FormRecord
    cadre_id: str
    existing: dict[str, Any] | None
    props: dict[str, Any] = field(default_factory=dict)
    current_posts: list[str] = field(default_factory=list)
    family: list[dict[str, Any]] = field(default_factory=list)


def _read_file(path: Path) -> tuple[list[FormRecord], list[FormProblem], list[FormProblem]]:
    suffix = path.suffix.lower()
    try:
        if suffix == ".lrmx":
            return [read_lrmx(path)], [], []
        if suffix == ".lrm":
            return [read_lrm(path)], [], []
        roster = read_roster(path)
        return roster.records, roster.problems, roster.warnings
    except FormUnreadable as error:
        return [], [error.problem], []
    except OSError as error:
        return [], [FormProblem(str(path), None, None, f"无法读取文件：{error.strerror}")], []


def _files(paths: Iterable[Path]) -> tuple[list[Path], list[FormProblem]]:
    found: list[Path] = []
    problems: list[FormProblem] = []
    for path in paths:
        if not path.exists():
            problems.append(FormProblem(str(path), None, None, "文件或文件夹不存在"))
        elif path.is_dir():
            inside = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in FORM_SUFFIXES
                and not p.name.startswith((".", "~$"))
            )
            if not inside:
                problems.append(
                    FormProblem(str(path), None, None, "文件夹中没有 .lrmx/.lrm/.xlsx 文件")
                )
            found.extend(inside)
        elif path.suffix.lower() in FORM_SUFFIXES:
            found.append(path)
        else:
            problems.append(
                FormProblem(
                    str(path), None, path.suffix, "不是 .lrmx、.lrm 任免审批表或 .xlsx 花名册"
                )
            )
    return found, problems


def import_forms(*, store: GraphStore, paths: list[Path], dry_run: bool = False) -> ImportReport:
    """Import .lrmx/.lrm forms and roster workbooks (files or folders), all or nothing.

    Parameters
    ----------
    store : GraphStore
        Where the records go; read for matching.
    paths : list of Path
        Files (``.lrmx``, ``.lrm``, ``.xlsx``) or folders searched for them.
    dry_run : bool
        Build and check everything, report, write nothing.

    Returns
    -------
    ImportReport
        ``written`` is True only when there were no problems and not ``dry_run``.
    """
    files, problems = _files(paths)
    named = {path.resolve() for path in paths}
    records: list[FormRecord] = []
    warnings: list[FormProblem] = []
    for path in files:
        read, bad, notes = _read_file(path)
        if path.suffix.lower() == ".xlsx" and path.resolve() not in named and not read:
            # A workbook that happens to sit in a folder of forms (a review report) is no roster.
            warnings.extend(
                FormProblem(p.file, p.field, p.value, p.reason + "；不是花名册，已跳过")
                for p in bad
            )
            continue
        records.extend(read)
        problems.extend(bad)
        warnings.extend(notes)
    return _Importer(store).run(records, problems, warnings, files=len(files), dry_run=dry_run)


def import_form_bytes(
    *, store: GraphStore, files: list[tuple[str, bytes]], dry_run: bool = False
) -> ImportReport:
    """Import uploaded forms given as (file name, content); the same checks as files."""
    records: list[FormRecord] = []
    problems: list[FormProblem] = []
    for name, data in files:
        suffix = Path(name).suffix.lower()
        try:
            if suffix == ".lrmx":
                records.append(read_lrmx_bytes(data, name))
            elif suffix == ".lrm":
                records.append(read_lrm_bytes(data, name))
            else:
                problems.append(FormProblem(name, None, suffix, "只接受 .lrmx 或 .lrm 任免审批表"))
        except FormUnreadable as error:
            problems.append(error.problem)
    return _Importer(store).run(records, problems, [], files=len(files), dry_run=dry_run)


class _Importer:
    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self.report = ImportReport()
        self.problems: list[FormProblem] = []
        self.warnings: list[FormProblem] = []

    # ----------------------------------------------------------- helpers

    def _problem(self, record: FormRecord, key: str | None, value: Any, reason: str) -> None:
        label = FIELD_LABELS.get(key or "", key)
        self.problems.append(
            FormProblem(record.where, label, None if value is None else str(value), reason)
        )

    def _warn(self, record: FormRecord, key: str | None, value: Any, reason: str) -> None:
        label = FIELD_LABELS.get(key or "", key)
        self.warnings.append(
            FormProblem(record.where, label, None if value is None else str(value), reason)
        )

    def _date(self, record: FormRecord, key: str) -> date | None:
        text = record.get(key)
        if not text:
            return None
        try:
            return parse_cadre_date(text)
        except ValueError:
            self._problem(
                record, key, text, f"“{text}”不是日期（应为 199005、1990.05 或 19900512）"
            )
            return None

    # -------------------------------------------------------------- run

    def run(
        self,
        records: list[FormRecord],
        problems: list[FormProblem],
        warnings: list[FormProblem],
        *,
        files: int,
        dry_run: bool,
    ) -> ImportReport:
        self.problems.extend(problems)
        self.warnings.extend(warnings)
        self.report.files = files
        self.report.dry_run = dry_run
        store = self.store
        cadres = {c["id"]: c for c in store.iter_nodes("Cadre")}
        by_number: dict[str, list[str]] = defaultdict(list)
        by_name_birth: dict[tuple[str, date], list[str]] = defaultdict(list)
        for cadre_id, cadre in cadres.items():
            if cadre.get("id_number"):
                by_number[str(cadre["id_number"]).upper()].append(cadre_id)
            by_name_birth[(normalize_name(cadre.get("name", "")), cadre["birth"])].append(cadre_id)
        org = OrgIndex.load(store)

        people = self._people(records, cadres, by_number, by_name_birth)
        self.report.cadre_ids = [person.cadre_id for person in people]
        tables: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
        annual = {
            (a["cadre_id"], int(a["year"])): a["id"]
            for a in store.iter_nodes("Assessment", ["cadre_id", "year", "quarter"])
            if a.get("quarter") is None
        }
        supervised = {
            (s["cadre_id"], s["kind"], s["date"]): s["id"]
            for s in store.iter_nodes("Supervision", ["cadre_id", "kind", "date"])
        }
        specialties = {
            normalize_name(s["name"]): s["id"] for s in store.iter_nodes("Specialty", ["name"])
        }
        created_seen: set[str] = set()
        for person in people:
            self._career(person, org, tables, created_seen)
            self._assessments(person, annual, tables)
            self._supervision(person, supervised, tables)
            self._specialties(person, specialties, tables)
        self._kinship(people, cadres, org, tables)
        for person in people:
            tables["cadres"].append((person.record.where, person.props))
            self._count(person)
        for unit in org.new_units.values():
            tables["units"].append((unit.pop("_source", "简历"), unit))
        for post in org.new_posts.values():
            tables["posts"].append((post.pop("_source", "简历"), post))

        raw = self._raw_tables(tables)
        validated = validate_tables(raw, store)
        reported = {(p.file, p.field) for p in self.problems}
        for issue in validated.issues:
            problem = self._from_issue(issue)
            if (problem.file, problem.field) not in reported:  # said once is enough
                self.problems.append(problem)
        self.report.problems = [p.as_dict() for p in self.problems]
        self.report.warnings = [w.as_dict() for w in self.warnings]
        if self.problems or dry_run:
            return self.report
        summary = store.write(validated.batch)
        self.report.written = True
        self.report.summary = summary.as_dict()
        return self.report

    @staticmethod
    def _from_issue(issue: LoadIssue) -> FormProblem:
        value = None if issue.value is None else str(issue.value)
        return FormProblem(issue.source, issue.column, value, _zh_reason(issue.reason))

    @staticmethod
    def _raw_tables(tables: dict[str, list[tuple[str, dict[str, Any]]]]) -> list[RawTable]:
        raw: list[RawTable] = []
        for name, rows in tables.items():
            by_source: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for source, row in rows:
                by_source[source].append(row)
            for source, items in by_source.items():
                keys = list(dict.fromkeys(key for item in items for key in item))
                cells = [
                    (number, [item.get(key) for key in keys])
                    for number, item in enumerate(items, start=1)
                ]
                # Chinese headers, so that problems name fields as the form does.
                titles = _TITLES[name]
                raw.append(RawTable(name, source, [titles.get(k, k) for k in keys], cells))
        return raw

    def _count(self, person: _Person) -> None:
        if person.existing is None:
            self.report.cadres["created"] += 1
            return
        before = {k: v for k, v in person.existing.items() if k != "id" and v is not None}
        after = {k: v for k, v in person.props.items() if k != "id" and v is not None}
        key = "unchanged" if before == after else "updated"
        self.report.cadres[key] += 1

    # ------------------------------------------------------------ people

    def _people(
        self,
        records: list[FormRecord],
        cadres: dict[str, dict[str, Any]],
        by_number: dict[str, list[str]],
        by_name_birth: dict[tuple[str, date], list[str]],
    ) -> list[_Person]:
        chosen: dict[tuple[str, ...], tuple[tuple[date, int], FormRecord]] = {}
        for order, record in enumerate(records):
            name = normalize_name(record.get("XingMing"))
            if not name:
                self._problem(record, "XingMing", None, "姓名为空")
                continue
            birth = self._date(record, "ChuShengNianYue")
            if birth is None:
                if not record.get("ChuShengNianYue"):
                    self._problem(
                        record, "ChuShengNianYue", None, "出生年月为空，无法确认是哪一位干部"
                    )
                continue
            filled = self._date(record, "TianBiaoShiJian") or date.min
            number = record.get("ShenFenZheng").upper()
            key: tuple[str, ...] = ("id", number) if number else ("name", name, birth.isoformat())
            rank = (filled, order)
            previous = chosen.get(key)
            if previous is None:
                chosen[key] = (rank, record)
                continue
            older, newer = sorted([previous, (rank, record)], key=lambda item: item[0])
            chosen[key] = newer
            self.report.matched.append(
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
                self.report.ambiguous.append(
                    {"file": record.where, "kind": "干部", "text": loose[1],
                     "candidates": [chosen[o][1].where for o in owners],
                     "note": "没有身份证号，与本次导入的多位同名同出生年月的干部无法区分"}
                )  # fmt: skip
                self._problem(
                    record, "ShenFenZheng", None, "没有身份证号，无法确定是同名干部中的哪一位"
                )
            elif owners:
                mine, theirs = chosen.pop(loose), chosen[owners[0]]
                older, newer = sorted([mine, theirs], key=lambda item: item[0])
                chosen[owners[0]] = newer
                self.report.matched.append(
                    {"file": older[1].where, "kind": "同一人", "text": loose[1], "id": None,
                     "name": loose[1],
                     "note": f"与 {newer[1].where} 是同一人，以填表时间较晚的表为准"}
                )  # fmt: skip
        people: list[_Person] = []
        for record in (item[1] for item in chosen.values()):
            person = self._match_cadre(record, cadres, by_number, by_name_birth)
            if person is not None:
                self._fill(person)
                people.append(person)
        return people

    def _match_cadre(
        self,
        record: FormRecord,
        cadres: dict[str, dict[str, Any]],
        by_number: dict[str, list[str]],
        by_name_birth: dict[tuple[str, date], list[str]],
    ) -> _Person | None:
        name = normalize_name(record.get("XingMing"))
        birth = parse_cadre_date(record.get("ChuShengNianYue"))
        assert birth is not None
        number = record.get("ShenFenZheng").upper()
        ids = by_number.get(number, []) if number else []
        how = "身份证号"
        if not ids:
            ids = [
                i
                for i in by_name_birth.get((name, birth), [])
                if not number or not cadres[i].get("id_number")
            ]
            how = "姓名+出生年月"
        if len(ids) > 1:
            self.report.ambiguous.append(
                {
                    "file": record.where,
                    "kind": "干部",
                    "text": f"{name}（{record.get('ChuShengNianYue')}）",
                    "candidates": ids,
                    "note": f"图中有{len(ids)}位同名同出生年月的干部，请补充身份证号",
                }
            )
            self._problem(
                record, "XingMing", name, "与图中多位干部姓名、出生年月相同，无法确定是谁"
            )
            return None
        if ids:
            existing = cadres[ids[0]]
            filled = self._date(record, "TianBiaoShiJian")
            kept = existing.get("form_date")
            if filled is not None and kept is not None and kept > filled:
                self._warn(
                    record,
                    "TianBiaoShiJian",
                    record.get("TianBiaoShiJian"),
                    f"图中 {ids[0]} 的记录来自填表时间更晚（{kept:%Y.%m}）的表，本表未导入",
                )
                return None
            self.report.matched.append(
                {
                    "file": record.where,
                    "kind": "干部",
                    "text": name,
                    "id": ids[0],
                    "name": existing.get("name"),
                    "note": f"按{how}匹配",
                }
            )
            return _Person(record, ids[0], existing)
        key = number or f"{name}|{birth.isoformat()}"
        return _Person(record, _stable_id("CF", key), None)

    def _fill(self, person: _Person) -> None:
        record = person.record
        props: dict[str, Any] = {
            k: v for k, v in (person.existing or {}).items() if k != "id" and v is not None
        }
        props["id"] = person.cadre_id
        text_fields = {
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
        for name, key in text_fields.items():
            value = record.get(key)
            if value and value not in {"无", "无。"}:  # "无" says there is nothing to keep
                props[name] = normalize_name(value) if name == "name" else value
        for name, key in (
            ("birth", "ChuShengNianYue"),
            ("work_start", "CanJiaGongZuoShiJian"),
            ("form_date", "TianBiaoShiJian"),
            ("rank_since", "RenXianZhiJiShiJian"),
        ):
            when = self._date(record, key)
            if when is not None:
                props[name] = when
        party = record.get("RuDangShiJian")
        if party and re.search(r"\d", party):
            joined = self._date(record, "RuDangShiJian")
            if joined is not None:
                props["party_date"] = joined
        for name, key in (
            ("education", "QuanRiZhiJiaoYu_XueLi"),
            ("inservice_education", "ZaiZhiJiaoYu_XueLi"),
        ):
            level = education_level(record.get(key))
            if level:
                props[name] = level
        if "education" not in props and "inservice_education" in props:
            self._problem(record, "QuanRiZhiJiaoYu_XueLi", None, "全日制学历为空（只填了在职学历）")
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
                self._warn(record, "ZhiJi", rank, "不是规范的职级名称，未导入")
        props.setdefault("channel", "其他")  # forms do not say how a cadre was recruited
        person.props = props

    # ------------------------------------------------------------ career

    def _career(
        self,
        person: _Person,
        org: OrgIndex,
        tables: dict[str, list[tuple[str, dict[str, Any]]]],
        created_seen: set[str],
    ) -> None:
        record = person.record
        where = record.where
        holdings: dict[tuple[str, date], dict[str, Any]] = {}

        def hold(text: str, start: date, end: date | None) -> None:
            match = org.match_post(text, cadre_id=person.cadre_id, start=start, end=end)
            holdings[(match.post_id, start)] = {
                "cadre_id": person.cadre_id,
                "post_id": match.post_id,
                "start": start,
                "end": end,
            }
            if end is None:
                person.current_posts.append(match.post_id)
            for unit in match.created_units:
                if unit["id"] not in created_seen:
                    created_seen.add(unit["id"])
                    unit["_source"] = where
                    parent = unit.get("parent_id")
                    self.report.created.append(
                        {
                            "file": where,
                            "kind": "单位",
                            "id": unit["id"],
                            "name": unit["name"],
                            "parent": " / ".join(org.unit_path(parent)) if parent else None,
                            "note": f"由“{text}”推断，待核实",
                        }
                    )
            if match.created:
                function = org.new_posts[match.post_id].get("function")
                if match.post_id not in created_seen:
                    created_seen.add(match.post_id)
                    org.new_posts[match.post_id]["_source"] = where
                    self.report.created.append(
                        {
                            "file": where,
                            "kind": "岗位",
                            "id": match.post_id,
                            "name": match.post_name,
                            "parent": match.unit_path,
                            "note": f"由“{text}”推断（职能：{function}），待核实",
                        }
                    )
            else:
                self.report.matched.append(
                    {
                        "file": where,
                        "kind": "岗位",
                        "text": text,
                        "id": match.post_id,
                        "name": f"{match.post_name}（{match.unit_path}）",
                        "note": "按规范化名称匹配",
                    }
                )

        if record.kind == "roster":
            title = record.get("XianRenZhiWu")
            since = self._date(record, "RenXianZhiShiJian")
            if title and since is not None:
                hold(title, since, None)
            elif title:
                self._warn(
                    record, "RenXianZhiShiJian", None, "没有任现职时间，现任职务未建立任职经历"
                )
        else:
            resume = parse_resume(record.get("JianLi"))
            for entry in resume.posts:
                hold(entry.text, entry.start, entry.end)
            for note in resume.notes:
                unit_id, created = org.match_unit(note.text)
                for unit in created:
                    if unit["id"] not in created_seen:
                        created_seen.add(unit["id"])
                        unit["_source"] = where
                        self.report.created.append(
                            {
                                "file": where,
                                "kind": "单位",
                                "id": unit["id"],
                                "name": unit["name"],
                                "parent": " / ".join(org.unit_path(unit.get("parent_id"))) or None,
                                "note": f"由挂职/交流“{note.text}”推断，待核实",
                            }
                        )
                tables["rotations"].append(
                    (
                        where,
                        {
                            "cadre_id": person.cadre_id,
                            "unit_id": unit_id,
                            "kind": note.kind,
                            "start": note.start,
                            "end": note.end,
                        },
                    )
                )
            for number, line in resume.unread:
                self._warn(
                    record,
                    "JianLi",
                    line,
                    f"简历第{number}行无法识别，已原样保存在干部记录（未识别简历）中，请核对",
                )
            person.props["resume_unread"] = "\n".join(line for _, line in resume.unread) or None
        for row in holdings.values():
            tables["post_history"].append((where, row))
        if person.existing is None and person.current_posts:
            post = (
                org.posts.get(person.current_posts[-1]) or org.new_posts[person.current_posts[-1]]
            )
            if post.get("level"):
                person.props["level"] = post["level"]

    def _assessments(
        self,
        person: _Person,
        annual: dict[tuple[str, int], str],
        tables: dict[str, list[tuple[str, dict[str, Any]]]],
    ) -> None:
        for year, grade in sorted(
            parse_assessments(person.record.get("NianDuKaoHeJieGuo")).items()
        ):
            assessment_id = annual.get((person.cadre_id, year)) or f"{person.cadre_id}-A{year}"
            tables["assessments"].append(
                (
                    person.record.where,
                    {
                        "id": assessment_id,
                        "cadre_id": person.cadre_id,
                        "year": year,
                        "grade": grade,
                    },
                )
            )

    def _supervision(
        self,
        person: _Person,
        supervised: dict[tuple[str, str, date], str],
        tables: dict[str, list[tuple[str, dict[str, Any]]]],
    ) -> None:
        found, undated = parse_sanctions(person.record.get("JiangChengQingKuang"))
        for index, (kind, when, sentence) in enumerate(found):
            record_id = (
                supervised.get((person.cadre_id, kind, when))
                or f"{person.cadre_id}-S{when:%Y%m}{index}"
            )
            tables["supervision"].append(
                (
                    person.record.where,
                    {
                        "id": record_id,
                        "cadre_id": person.cadre_id,
                        "kind": kind,
                        "date": when,
                        "note": sentence,
                    },
                )
            )
        for sentence in undated:
            self._warn(
                person.record,
                "JiangChengQingKuang",
                sentence,
                "提到处分或诫勉但没有写明时间，未生成监督记录（原文保留在奖惩情况中）",
            )

    def _specialties(
        self,
        person: _Person,
        specialties: dict[str, str],
        tables: dict[str, list[tuple[str, dict[str, Any]]]],
    ) -> None:
        text = normalize_name(person.record.get("ShuXiZhuanYeYouHeZhuanChang"))
        if not text:
            return
        for name, specialty_id in sorted(specialties.items()):
            if name and name in text:
                tables["cadre_specialties"].append(
                    (
                        person.record.where,
                        {"cadre_id": person.cadre_id, "specialty_id": specialty_id},
                    )
                )

    # ----------------------------------------------------------- kinship

    def _kinship(
        self,
        people: list[_Person],
        cadres: dict[str, dict[str, Any]],
        org: OrgIndex,
        tables: dict[str, list[tuple[str, dict[str, Any]]]],
    ) -> None:
        current: dict[str, list[str]] = defaultdict(list)
        for post_id, holders in org.holders.items():
            for cadre_id, _start, end in holders:
                if end is None:
                    current[cadre_id].append(post_id)

        def places(cadre_id: str, title: object, posts: Iterable[str]) -> set[str]:
            texts = {normalize_name(str(title or ""))}
            for post_id in posts:
                if post_id in org.posts or post_id in org.new_posts:
                    texts.add(org.post_text(post_id))
            return {t for t in texts if len(t) >= 2}

        matcher = KinMatcher()
        for cadre_id, cadre in cadres.items():
            matcher.add(
                Kinsman(cadre_id, cadre.get("name", ""), cadre.get("birth"),
                        places(cadre_id, cadre.get("title"), current.get(cadre_id, [])))
            )  # fmt: skip
        importing = {person.cadre_id for person in people}
        for person in people:
            matcher.add(
                Kinsman(
                    person.cadre_id,
                    person.props.get("name", ""),
                    person.props.get("birth"),
                    places(
                        person.cadre_id,
                        person.props.get("title"),
                        [*current.get(person.cadre_id, []), *person.current_posts],
                    ),
                )
            )
        related = {frozenset((a, b)) for a, b, _ in self.store.iter_edges("RELATIVE_OF")}

        def link(source: str, where: str, member: dict[str, Any], kind: str | None) -> None:
            entry = _entry(member)
            ids = matcher.match(entry, exclude=source)
            if len(ids) > 1:
                self.report.ambiguous.append(
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
            self.report.matched.append(
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
            tables["kinship"].append(
                (where, {"cadre_id": source, "relative_id": ids[0], "relation": kind})
            )

        for person in people:
            members: list[dict[str, Any]] = []
            if person.record.kind == "roster":
                continue  # a roster has no family columns: what the graph keeps stays
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
                    self._warn(
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
            members = load_family(cadre.get("family"))
            if not any(not m.get("relative_id") for m in members):
                continue
            before = dump_family(members)
            for member in members:
                if not member.get("relative_id"):
                    link(
                        cadre_id,
                        f"图中已有记录 {cadre_id}",
                        member,
                        kinship_of(str(member.get("relation", ""))),
                    )
            if dump_family(members) != before:
                props = {k: v for k, v in cadre.items() if v is not None}
                props["family"] = dump_family(members)
                tables["cadres"].append((f"图中已有记录 {cadre_id}", props))


def _entry(member: dict[str, Any]) -> FamilyEntry:
    return FamilyEntry(
        str(member.get("relation", "")),
        str(member.get("name", "")),
        str(member.get("birth", "")),
        str(member.get("politics", "")),
        str(member.get("workplace", "")),
    )
