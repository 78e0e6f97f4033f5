"""Building the tables an import writes, and collecting what it has to say.

Every step of an import (people, careers, family, proposals ...) adds rows to an
:class:`ImportBatch` by table, each with the file (and row) it came from, and says
problems and warnings there. The rows become :class:`~loaders.tables.RawTable` s with the
model's Chinese headers, so the loader's validation names fields as the form does.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from graphsvc.dates import parse_cadre_date
from graphsvc.model import EDGE_SPECS, NODE_SPECS, EdgeSpec, NodeSpec
from loaders.forms.record import FormProblem, FormRecord
from loaders.forms.review import ImportReport
from loaders.tables import RawTable
from loaders.validate import LoadIssue

__all__ = ["FIELD_LABELS", "ImportBatch"]

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
    "NiRenZhiWu": "拟任职务",
    "NiMianZhiWu": "拟免职务",
    "RenMianLiYou": "任免理由",
    "ChengBaoDanWei": "呈报单位",
    "JiSuanNianLingShiJian": "计算年龄时间",
    "JianLi": "简历",
    "JiangChengQingKuang": "奖惩情况",
    "NianDuKaoHeJieGuo": "年度考核结果",
    "JiaTingChengYuan": "家庭成员",
    "TianBiaoShiJian": "填表时间",
    "ShenFenZheng": "身份证号",
    "ZhaoPian": "照片",
    "RenXianZhiShiJian": "任现职时间",
    "RenXianZhiJiShiJian": "任现职级时间",
    "ZhiJi": "职级",
}


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
_TABLE_ZH: dict[str, str] = {
    **{spec.table: spec.table_zh for spec in NODE_SPECS},
    **{spec.table: spec.table_zh for spec in EDGE_SPECS if spec.table and spec.table_zh},
}
# A duplicate's reason names the row seen first: "已在本次导入的干部 第3行出现".
_SEEN = re.compile(r"已在(本次导入的\S+) 第(\d+)行出现")


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
class ImportBatch:
    """The rows an import will write, by table, and its report, problems and warnings."""

    report: ImportReport = field(default_factory=ImportReport)
    problems: list[FormProblem] = field(default_factory=list)
    warnings: list[FormProblem] = field(default_factory=list)
    rows: dict[str, list[tuple[str, dict[str, Any]]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    seen: set[str] = field(default_factory=set)  # units and posts already reported created
    _where: dict[tuple[str, int], str] = field(default_factory=dict)  # table row → its file

    # ------------------------------------------------------------ saying

    def problem(self, record: FormRecord, key: str | None, value: Any, reason: str) -> None:
        """A problem with ``record``'s field ``key`` (by its .lrmx name): nothing is written."""
        label = FIELD_LABELS.get(key or "", key)
        self.problems.append(
            FormProblem(record.where, label, None if value is None else str(value), reason)
        )

    def warn(self, record: FormRecord, key: str | None, value: Any, reason: str) -> None:
        """Something a clerk should look at; the import goes on."""
        label = FIELD_LABELS.get(key or "", key)
        self.warnings.append(
            FormProblem(record.where, label, None if value is None else str(value), reason)
        )

    def date(self, record: FormRecord, key: str) -> date | None:
        """A date field of ``record``; a problem (and ``None``) when it is no date."""
        text = record.get(key)
        if not text:
            return None
        try:
            return parse_cadre_date(text)
        except ValueError:
            self.problem(record, key, text, f"“{text}”不是日期（应为 199005、1990.05 或 19900512）")
            return None

    # ------------------------------------------------------------ tables

    def add(self, table: str, source: str, row: dict[str, Any]) -> None:
        """One row of ``table`` (a model table: ``cadres``, ``post_history`` ...)."""
        self.rows[table].append((source, row))

    def raw_tables(self) -> list[RawTable]:
        """The rows as tables the loader's validation reads: one per table, whatever file
        each row came from (a table each would cost its set-up per form); :meth:`absorb`
        names each problem's own file again."""
        raw: list[RawTable] = []
        self._where: dict[tuple[str, int], str] = {}
        for name, rows in self.rows.items():
            keys = list(dict.fromkeys(key for _, row in rows for key in row))
            label = f"本次导入的{_TABLE_ZH[name]}"
            cells: list[tuple[int, list[Any]]] = []
            for number, (source, row) in enumerate(rows, start=1):
                self._where[(label, number)] = source
                cells.append((number, [row.get(key) for key in keys]))
            # Chinese headers, so that problems name fields as the form does.
            titles = _TITLES[name]
            raw.append(RawTable(name, label, [titles.get(k, k) for k in keys], cells))
        return raw

    def _source(self, label: str, row: int | None) -> str:
        return self._where.get((label, row or 0), label)

    def absorb(self, issues: list[LoadIssue]) -> None:
        """The validation's problems, each at its own file; not again for a field already said
        to be wrong."""
        reported = {(p.file, p.field) for p in self.problems}
        for issue in issues:
            value = None if issue.value is None else str(issue.value)
            reason = _SEEN.sub(
                lambda m: f"已在{self._source(m.group(1), int(m.group(2)))}出现",
                _zh_reason(issue.reason),
            )
            problem = FormProblem(
                self._source(issue.source, issue.row), issue.column, value, reason
            )
            if (problem.file, problem.field) not in reported:
                self.problems.append(problem)
