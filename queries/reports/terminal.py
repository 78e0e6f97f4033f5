"""What an analysis's command prints without ``--json``: a titled table and some lines.

A :class:`View` is plain data, so the registry names one per analysis and the command
line only draws it (``cli/development.py``): a table with columns, or label and value
pairs when it has none, then its notes line by line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from queries.development.results import (
    CoverageResult,
    NetworkResult,
    PathResult,
    PipelineResult,
    PoolResult,
    RecommendationResult,
    TargetsResult,
    TeamsResult,
    TrainingResult,
)

__all__ = [
    "View",
    "mentoring_view",
    "network_view",
    "path_view",
    "pipeline_view",
    "pool_view",
    "recommendations_view",
    "targets_view",
    "teams_view",
    "training_view",
]


@dataclass(frozen=True)
class View:
    """A title, a table (``columns`` and ``rows``; no columns: label, value pairs) and
    lines printed after it."""

    title: str
    rows: Sequence[Sequence[Any]] = ()
    columns: Sequence[str] = ()
    notes: list[str] = field(default_factory=list)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def mentoring_view(covered: CoverageResult) -> View:
    return View(
        f"导师帮带覆盖情况（{covered['as_of']}）",
        [
            ("应配导师人数", covered["need"]),
            ("已配导师人数", covered["covered"]),
            ("覆盖率", _pct(covered["coverage"])),
            ("未配导师人数", len(covered["uncovered"])),
            ("帮带超额的导师", len(covered["over_capacity"])),
            ("已离任但仍有帮带对象的导师", len(covered["departed"])),
            ("即将退休的导师", len(covered["retiring"])),
            ("异地结对", len(covered["distant"])),
            ("无富余导师的单位", len(covered["units_without_spare_mentor"])),
        ],
    )


def recommendations_view(proposed: RecommendationResult) -> View:
    return View(
        f"导师结对建议（{proposed['method']}）",
        notes=[
            f"{pair['mentee_name']}({pair['mentee_id']}) ← {pair['mentor_name']}"
            f"({pair['mentor_id']}) {pair['cost']:.3f}: {'；'.join(pair['reasons'][1:3])}"
            for pair in proposed["pairs"]
        ]
        + [
            f"建议结对 {len(proposed['pairs'])} 对；帮带覆盖率 "
            f"{proposed['coverage_before']:.1%} → {proposed['coverage_after']:.1%}；"
            f"仍有 {len(proposed['unmatched'])} 人未能配到导师"
        ],
    )


def teams_view(result: TeamsResult) -> View:
    return View(
        f"领导班子结构，最需调整的在前（{result['as_of']}）",
        [
            (
                team["rank"],
                team["unit_name"],
                team["members"],
                team["mean_age"],
                team["youngest_age"],
                "、".join(team["flag_names"]),
            )
            for team in result["teams"][:25]
        ],
        ("序号", "单位", "成员数", "平均年龄", "最小年龄", "问题"),
    )


def pool_view(result: PoolResult) -> View:
    return View(
        f"优秀年轻干部库（{result['as_of']}）",
        [
            ("在库人数", result["size"]),
            ("符合入库条件但未入库", len(result["entry_candidates"])),
            ("应作出库复核", len(result["exit_review"])),
        ],
        notes=[
            f"  复核 {row['name']}（{row['cadre_id']}）：{'；'.join(row['reasons'])}"
            for row in result["exit_review"]
        ],
    )


def training_view(result: TrainingResult) -> View:
    return View(
        f"培训达标情况（{result['as_of']}）",
        [
            ("统计干部人数", result["counted"]),
            (
                f"年度学时不足 {result['yearly_hours_target']:g} 学时",
                len(result["below_yearly_hours"]),
            ),
            ("未达培训规定", len(result["below_regulation"])),
            ("在库干部未参加脱产培训", len(result["pool_without_offjob"])),
        ],
    )


def network_view(result: NetworkResult) -> View:
    return View(
        f"干部协作网络（{result['as_of']}）",
        [
            ("人数", result["nodes"]),
            ("协作关系", result["edges"]),
            ("社区", len(result["communities"])),
            ("桥梁人物", len(result["bridges"])),
            ("实绩突出但关注不够", len(result["quiet_performers"])),
        ],
        notes=[
            f"  实绩突出但关注不够：{row['name']}（{row['cadre_id']}），{row['unit_name']}"
            for row in result["quiet_performers"]
        ],
    )


def targets_view(result: TargetsResult) -> View:
    return View(
        f"工作目标（{result['as_of']}）",
        [
            (
                year["year"],
                _pct(year["new_cadres_young_share"]),
                _pct(year["promotions_young_share"]),
                year["pool_size"],
                _pct(year["mentoring_coverage"]),
            )
            for year in result["years"]
        ],
        ("年度", "新进干部35岁以下占比", "提拔35岁以下占比", "在库人数", "帮带覆盖率"),
    )


_STATUS = {"pass": "已满足", "warn": "提示", "fail": "未满足"}


def path_view(result: PathResult) -> View:
    who = f"{result['name']}（{result['cadre_id']}）"
    if result["next_level"] is None:
        return View(f"{who}：{result['level']}，已处于最高一级", notes=[result["stage_goal"]])
    when = (
        "已具备任职条件"
        if result["ready_now"]
        else f"{result['ready_on']}具备任职条件"
        if result["ready_on"]
        else "具备任职条件的日期尚无法确定"
    )
    notes = [f"提示：{w['message']}" for w in result["warnings"]]
    notes += [
        f"措施：{a['title']}" + (f"，今日开始则{a['ready_on']}具备条件" if a["ready_on"] else "")
        for a in result["actions"]
    ]
    pool = result["pool"]
    if pool is not None:
        notes.append(
            f"干部库：{pool['pool_name']}，{pool['ages_out_on'] or '—'}超出年龄上限"
            + ("，早于具备条件之日（有超龄风险）" if pool["at_risk"] else "")
        )
    if result["mentor"] is not None:
        notes.append(f"导师：{result['mentor']['name']}（{result['mentor']['since']}起）")
    notes.append(result["stage_goal"])
    return View(
        f"{who}：{result['level']} → {result['next_level']}，{when}（{result['as_of']}）",
        [
            (
                r["title"],
                _STATUS.get(r["status"], r["status"]),
                r["met_on"] or "无法确定",
                r["needs"] or "—",
            )
            for r in result["rules"]
        ],
        ("任职条件", "现状", "满足日期", "尚需"),
        notes,
    )


def pipeline_view(result: PipelineResult) -> View:
    years = result["years"]
    young = list(years[0]["supply_young"]) if years else []
    return View(
        f"年轻干部梯队：{result['unit_name']}，纳入测算{result['cadres']}人（{result['as_of']}）",
        [
            (
                y["year"],
                y["level"],
                y["demand"],
                y["demand_to_date"],
                y["supply"],
                *(y["supply_young"][k] for k in young),
                y["supply_with_actions"],
                y["gap"],
            )
            for y in years
        ],
        (
            "年度",
            "层次",
            "当年需求",
            "累计需求",
            "具备条件",
            *(f"{k.removeprefix('under_')}岁以下" for k in young),
            "采取措施后",
            "缺口",
        ),
        [f"超出干部库年龄上限早于具备条件：{len(result['at_risk'])}人"],
    )
