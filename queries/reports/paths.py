"""The 一人一策 sheets (every pool member's path) and the pipeline (超前研判) as reports."""

from __future__ import annotations

from collections import Counter

from queries.development.path import ACTION_KINDS
from queries.development.results import PathResult, PipelineResult
from queries.reports.document import Chart, Report, Section

__all__ = ["path_report", "pipeline_report"]

_STATUS = {"pass": "已满足", "warn": "提示", "fail": "未满足"}
UNKNOWN = "日期无法确定"


def _day(value: str | None) -> str:
    return value or UNKNOWN


def _ages_out(path: PathResult) -> str | None:
    return path["pool"]["ages_out_on"] if path["pool"] is not None else None


def path_report(result: PathResult | list[PathResult]) -> Report:
    """One sheet line a cadre (the paths of one cadre, or of every pool member), the rules
    and actions behind them, and when they will be ready."""
    paths = result if isinstance(result, list) else [result]
    as_of = paths[0]["as_of"] if paths else ""
    ready_now = sum(p["ready_now"] for p in paths)
    at_risk = [p for p in paths if p["pool"] is not None and p["pool"]["at_risk"]]
    unknown = sum(p["ready_on"] is None and p["next_level"] is not None for p in paths)
    report = Report(
        f"优秀年轻干部一人一策（{as_of}）" if isinstance(result, list) else
        f"一人一策：{paths[0]['name']}（{as_of}）",
        summary=[
            f"共{len(paths)}人；已具备提任条件{ready_now}人；具备条件日期尚无法确定{unknown}人"
            f"（须先满足无日期的条件，或采取建议措施）",
            f"超出干部库年龄上限早于具备条件{len(at_risk)}人：" + (
                "、".join(f"{p['name']}（{_ages_out(p)}）" for p in at_risk[:20])
                if at_risk else "无"
            ),
            "具备条件日期：每项任职条件在情况不变时满足之日中最晚的一天；"
            "“采取措施后”按建议措施今日开始计算",
        ],
    )  # fmt: skip
    years = Counter(
        "已具备" if p["ready_now"] else (p["ready_on"] or "")[:4] or "无法确定" for p in paths
    )
    order = sorted(years, key=lambda k: (k != "已具备", k == "无法确定", k))
    report.sections.append(
        Section(
            "一人一策",
            [
                {
                    "干部编号": p["cadre_id"],
                    "姓名": p["name"],
                    "单位": p["unit_name"] or "",
                    "现层次": p["level"] + (f"（{p['rank']}）" if p["rank"] else ""),
                    "目标层次": p["next_level"] or "",
                    "具备条件日期": "已具备" if p["ready_now"] else _day(p["ready_on"]),
                    "采取措施后": _day(p["ready_with_actions"]),
                    "尚需": "；".join(r["needs"] for r in p["rules"] if r["needs"]),
                    "建议措施": "；".join(a["title"] for a in p["actions"]),
                    "导师": p["mentor"]["name"] if p["mentor"] else "",
                    "超出库龄之日": _ages_out(p) or "",
                    "超龄风险": "是" if p["pool"] and p["pool"]["at_risk"] else "",
                    "年度目标": p["stage_goal"],
                }
                for p in paths
            ],
            note="每人一行：现状、目标、具备条件之日、尚需条件、建议措施与年度目标。",
            chart=Chart("具备提任条件的年份", order, [years[k] for k in order], "人数"),
        )
    )
    report.sections.append(
        Section(
            "任职条件明细",
            [
                {
                    "干部编号": p["cadre_id"],
                    "姓名": p["name"],
                    "条件": r["title"],
                    "现状": _STATUS.get(r["status"], r["status"]),
                    "满足日期": _day(r["met_on"]),
                    "说明": r["message"],
                    "尚需": r["needs"],
                }
                for p in paths
                for r in p["rules"]
            ],
        )
    )
    report.sections.append(
        Section(
            "培养措施",
            [
                {
                    "干部编号": p["cadre_id"],
                    "姓名": p["name"],
                    "措施": ACTION_KINDS.get(a["kind"], a["kind"]),
                    "内容": a["title"],
                    "单位": a["unit_name"] or "",
                    "岗位编号": a["post_id"] or "",
                    "今日开始则具备条件于": _day(a["ready_on"]),
                }
                for p in paths
                for a in p["actions"]
            ],
        )
    )
    report.sections.append(
        Section(
            "提示事项",
            [
                {"干部编号": p["cadre_id"], "姓名": p["name"], "提示": w["message"]}
                for p in paths
                for w in p["warnings"]
            ],
        )
    )
    return report


def pipeline_report(result: PipelineResult) -> Report:
    """Demand, supply and gap per year and level with charts, the breakdowns, and the pool
    members at risk."""
    years = result["years"]
    last = max((y["year"] for y in years), default=0)
    final = [y for y in years if y["year"] == last]
    short = [y for y in final if y["gap"] > 0]
    report = Report(
        f"年轻干部梯队超前研判（{result['unit_name']}，{result['as_of']}）",
        summary=[
            f"纳入测算{result['cadres']}人；测算至{last}年底",
            "需求：现空缺（首年）、到龄退休、无40岁以下成员的班子需配备年轻干部；"
            "可用：按各人任职条件满足之日，至当年底具备提任上一层次条件的人数",
            (
                "至期末缺口：" + "、".join(f"{y['level']}缺{y['gap']}人" for y in short)
                if short
                else "至期末各层次具备条件人数均不少于需求"
            ),
            f"超出干部库年龄上限早于具备条件{len(result['at_risk'])}人",
        ],
    )
    young_keys = list(years[0]["supply_young"]) if years else []
    report.sections.append(
        Section(
            "分年度需求与可用人选",
            [
                {
                    "年度": y["year"],
                    "层次": y["level"],
                    "当年需求": y["demand"],
                    "其中空缺": y["demand_vacant"],
                    "其中退休": y["demand_retiring"],
                    "其中班子年轻化": y["demand_young"],
                    "累计需求": y["demand_to_date"],
                    "具备条件": y["supply"],
                    **{
                        f"{k.removeprefix('under_')}岁以下": y["supply_young"][k]
                        for k in young_keys
                    },
                    "采取措施后": y["supply_with_actions"],
                    "缺口": y["gap"],
                }
                for y in years
            ],
            note="缺口 = 累计需求 − 至当年底具备条件的人数；为正表示具备条件的人选不足。",
            chart=Chart(
                f"至{last}年底累计需求与具备条件人数（各层次）",
                [y["level"] for y in final],
                [y["demand_to_date"] for y in final],
                "累计需求",
                second=("具备条件", [y["supply"] for y in final]),
            ),
        )
    )
    for key, title in (("by_unit_kind", "单位类型"), ("by_specialty", "专业类别")):
        groups = [g for g in result[key] if g["year"] == last]  # type: ignore[literal-required]
        report.sections.append(
            Section(
                f"至{last}年底分{title}缺口",
                [
                    {
                        "层次": g["level"],
                        title: g["group"],
                        "累计需求": g["demand_to_date"],
                        "具备条件": g["supply"],
                        "缺口": g["gap"],
                    }
                    for g in groups
                ],
                chart=Chart(
                    f"分{title}缺口（正为不足）",
                    [f"{g['level']}·{g['group']}" for g in groups],
                    [g["gap"] for g in groups],
                    "缺口",
                ),
            )
        )
    report.sections.append(
        Section(
            "超龄风险（干部库）",
            [
                {
                    "干部编号": r["cadre_id"],
                    "姓名": r["name"],
                    "目标层次": r["next_level"] or "",
                    "超出库龄之日": r["ages_out_on"] or "",
                    "具备条件日期": _day(r["ready_on"]),
                }
                for r in result["at_risk_detail"]
            ],
        )
    )
    return report
