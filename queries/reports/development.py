"""The cadre section's reports: mentoring, teams, pool, training, network, targets."""

from __future__ import annotations

from queries.development.results import (
    CoverageResult,
    NetworkResult,
    PoolResult,
    RecommendationResult,
    TargetsResult,
    TeamsResult,
    TrainingResult,
)
from queries.reports.document import Chart, Report, Section

__all__ = [
    "mentoring_report",
    "network_report",
    "pool_report",
    "targets_report",
    "teams_report",
    "training_report",
]


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _met(value: bool | None) -> str:
    return {True: "达标", False: "未达标", None: "未设目标"}[value]


def mentoring_report(coverage: CoverageResult, recommended: RecommendationResult) -> Report:
    report = Report(
        f"成长导师帮带覆盖情况（{coverage['as_of']}）",
        summary=[
            f"应配导师{coverage['need']}人，已有在岗导师{coverage['covered']}人，"
            f"覆盖率{_pct(coverage['coverage'])}",
            f"未配导师{len(coverage['uncovered'])}人；导师超额带人{len(coverage['over_capacity'])}人；"
            f"导师已离任或退休仍有学员{len(coverage['departed'])}人；"
            f"{len(coverage['retiring'])}名导师3年内退休；跨乡镇（部门）结对{len(coverage['distant'])}对",
            f"建议新结对{len(recommended['pairs'])}对，覆盖率由{_pct(recommended['coverage_before'])}"
            f"提高到{_pct(recommended['coverage_after'])}（{recommended['method']}）",
        ],
    )
    by_unit = coverage["by_unit"]
    report.sections += [
        Section(
            "分单位覆盖率",
            [
                {
                    "单位": r["group"],
                    "应配": r["need"],
                    "已配": r["covered"],
                    "覆盖率": r["coverage"],
                }
                for r in by_unit
            ],
            chart=Chart(
                "分单位导师覆盖率",
                [r["group"] for r in by_unit],
                [r["coverage"] or 0 for r in by_unit],
                "覆盖率",
            ),
        ),
        Section(
            "分渠道、分年度覆盖率",
            [
                {
                    "分组": r["group"],
                    "应配": r["need"],
                    "已配": r["covered"],
                    "覆盖率": r["coverage"],
                }
                for r in coverage["by_channel"] + coverage["by_year"]
            ],
        ),
        Section(
            "未配导师人员",
            [
                {
                    "干部编号": r["cadre_id"],
                    "姓名": r["name"],
                    "单位": r["unit_name"],
                    "渠道": r["channel"],
                    "应配原因": r["reason"],
                    "原导师（已离任）": "、".join(r["mentors"]),
                }
                for r in coverage["uncovered"]
            ],
        ),
        Section(
            "导师问题",
            [
                {
                    "问题": problem,
                    "导师编号": r["mentor_id"],
                    "姓名": r["name"],
                    "现带": r["load"],
                    "容量": r["capacity"],
                    "学员": "、".join(r["mentees"]),
                }
                for problem, rows in (
                    ("超额带人", coverage["over_capacity"]),
                    ("已离任或退休", coverage["departed"]),
                    ("3年内退休", coverage["retiring"]),
                )
                for r in rows
            ],
        ),
        Section(
            "无余量导师的单位",
            [
                {"单位": r["unit_name"], "未配人数": r["uncovered"], "本单位导师余量": 0}
                for r in coverage["units_without_spare_mentor"]
            ],
            note="这些乡镇（街道、部门）有待配导师的人员，但本地没有在岗且有余量的导师，需补充导师库。",
        ),
        Section(
            "建议结对",
            [
                {
                    "学员编号": p["mentee_id"],
                    "学员": p["mentee_name"],
                    "学员单位": p["mentee_unit"],
                    "导师编号": p["mentor_id"],
                    "导师": p["mentor_name"],
                    "导师类型": p["mentor_kind"],
                    "代价": p["cost"],
                    "理由": "；".join(p["reasons"]),
                }
                for p in recommended["pairs"]
            ],
            note="最小费用流求解：先使结对人数最多，再使总代价最小；从不安排亲属、"
            "职级低于学员、即将退休或超出容量的导师。",
        ),
        Section(
            "仍无法结对",
            [
                {
                    "学员编号": r["mentee_id"],
                    "姓名": r["name"],
                    "单位": r["unit_name"],
                    "原因": r["reason"],
                }
                for r in recommended["unmatched"]
            ],
        ),
    ]
    return report


def teams_report(result: TeamsResult) -> Report:
    summary = result["summary"]
    flagged = summary["flagged"]
    report = Report(
        f"领导班子结构分析（{result['as_of']}）",
        summary=[
            f"班子{summary['teams']}个，成员{summary['members']}人，平均年龄{summary['mean_age']}岁，"
            f"35岁以下{summary['under_35']}人，40岁以下{summary['under_40']}人，女干部{summary['women']}人",
            f"3年内退休{summary['retiring']}人；空缺班子职位{summary['vacant_posts']}个",
            f"老化班子{flagged['ageing']}个；无40岁以下成员{flagged['no_young']}个；"
            f"缺所需专业{flagged['missing_specialty']}个；多人3年内退休{flagged['several_retiring']}个；"
            f"无女干部{flagged['no_woman']}个",
        ],
    )
    teams = result["teams"]
    report.sections += [
        Section(
            "班子调整优先顺序",
            [
                {
                    "排序": t["rank"],
                    "单位": t["unit_name"],
                    "类型": t["unit_kind"],
                    "成员": t["members"],
                    "平均年龄": t["mean_age"],
                    "最小年龄": t["youngest_age"],
                    "35岁以下": t["under_35"],
                    "40岁以下": t["under_40"],
                    "女干部": t["women"],
                    "本科及以上": t["bachelor_or_above"],
                    "缺少专业": "、".join(t["categories_missing"]),
                    "3年内退休": "、".join(f"{r['name']}({r['retires']})" for r in t["retiring"]),
                    "空缺职位": len(t["vacant_posts"]),
                    "问题": "、".join(t["flag_names"]),
                    "调整分": t["adjustment_score"],
                }
                for t in teams
            ],
            chart=Chart(
                "班子调整分（前20）",
                [t["unit_name"] for t in teams[:20]],
                [t["adjustment_score"] for t in teams[:20]],
                "调整分",
            ),
        ),
        Section(
            "各班子平均年龄",
            [],
            chart=Chart(
                "班子平均年龄", [t["unit_name"] for t in teams], [t["mean_age"] or 0 for t in teams]
            ),
        ),
    ]
    return report


def pool_report(result: PoolResult) -> Report:
    history = result["history"]
    report = Report(
        f"优秀年轻干部库分析（{result['as_of']}）",
        summary=[
            f"在库{result['size']}人；符合入库条件未入库{len(result['entry_candidates'])}人；"
            f"需出库复核{len(result['exit_review'])}人",
        ],
    )
    composition = result["composition"]
    report.sections.append(
        Section(
            "在库结构",
            [
                {"维度": label, "分组": group, "人数": count}
                for dimension, label in (
                    ("age", "年龄"),
                    ("channel", "渠道"),
                    ("unit_kind", "单位类型"),
                    ("specialty", "专业"),
                )
                for group, count in composition[dimension].items()
            ],
            chart=Chart(
                "在库人员年龄结构",
                list(composition["age"]),
                list(composition["age"].values()),
                "人数",
            ),
        )
    )
    report.sections.append(
        Section(
            "需出库复核",
            [
                {
                    "干部编号": r["cadre_id"],
                    "姓名": r["name"],
                    "年龄": r["age"],
                    "单位": r["unit_name"],
                    "入库时间": r["in_pool_since"],
                    "复核原因": "；".join(r["reasons"]),
                }
                for r in result["exit_review"]
            ],
        )
    )
    report.sections.append(
        Section(
            "符合条件未入库（按实绩排序）",
            [
                {
                    "干部编号": r["cadre_id"],
                    "姓名": r["name"],
                    "年龄": r["age"],
                    "单位": r["unit_name"],
                    "职务层次": r["level"],
                    "实绩分": r["strength"],
                    "依据": "；".join(r["reasons"]),
                }
                for r in result["entry_candidates"]
            ],
        )
    )
    report.sections.append(
        Section(
            "历年变化",
            [
                {
                    "年度": h["year"],
                    "年末在库": h["size"],
                    "入库": h["entered"],
                    "出库": h["exited"],
                    "出库原因": "、".join(f"{k}{v}人" for k, v in h["exit_reasons"].items()),
                }
                for h in history
            ],
            chart=Chart(
                "历年年末在库人数", [str(h["year"]) for h in history], [h["size"] for h in history]
            ),
        )
    )
    return report


def training_report(result: TrainingResult) -> Report:
    report = Report(
        f"干部教育培训达标情况（{result['as_of']}）",
        summary=[
            f"纳入统计{result['counted']}人（参加工作未满一年者不计）",
            f"近12个月学时低于{result['yearly_hours_target']:g}学时{len(result['below_yearly_hours'])}人",
            f"未达到培训条例要求{len(result['below_regulation'])}人",
            f"在库年轻干部3年内未参加1周以上脱产培训{len(result['pool_without_offjob'])}人",
        ],
    )
    distribution = result["hours_distribution"]
    by_unit = result["by_unit"]
    report.sections += [
        Section(
            "学时分布",
            [{"学时": band, "人数": n} for band, n in distribution.items()],
            chart=Chart(
                "近12个月学时分布", list(distribution), list(distribution.values()), "人数"
            ),
        ),
        Section(
            "分单位达标率",
            [
                {
                    "单位": r["unit_name"],
                    "纳入统计": r["counted"],
                    "学时不足": r["below_yearly_hours"],
                    "未达条例要求": r["below_regulation"],
                    "在库未脱产培训": r["pool_without_offjob"],
                    "达标率": r["compliance"],
                }
                for r in by_unit
            ],
            chart=Chart(
                "分单位学时达标率",
                [r["unit_name"] for r in by_unit],
                [r["compliance"] for r in by_unit],
                "达标率",
            ),
        ),
        Section(
            "在库年轻干部未参加脱产培训",
            [
                {
                    "干部编号": r["cadre_id"],
                    "姓名": r["name"],
                    "单位": r["unit_name"],
                    "最近一次脱产培训": r["last_offjob_course"] or "无",
                }
                for r in result["pool_without_offjob"]
            ],
        ),
        Section(
            "学时不足人员",
            [
                {
                    "干部编号": r["cadre_id"],
                    "姓名": r["name"],
                    "单位": r["unit_name"],
                    "近12个月学时": r["hours_12m"],
                    "差额": r["short_by"],
                }
                for r in result["below_yearly_hours"]
            ],
        ),
    ]
    return report


def network_report(result: NetworkResult) -> Report:
    measures = result["measures"]
    communities = result["communities"]
    report = Report(
        f"干部协作网络分析（{result['as_of']}）",
        summary=[
            f"{result['nodes']}人，协作关系{result['edges']}条，无协作记录{result['isolated']}人",
            f"社区{len(communities)}个（模块度{result['modularity']}）；"
            f"桥梁人物{len(result['bridges'])}人；实绩突出但关注不够{len(result['quiet_performers'])}人",
            *[f"口径：{text}" for text in measures.values()],
        ],
    )
    report.sections += [
        Section(
            "协作社区",
            [
                {"社区": c["community"], "人数": c["size"], "主要单位": "、".join(c["main_units"])}
                for c in communities
            ],
            chart=Chart(
                "最大的协作社区（人数）",
                [f"社区{c['community']}" for c in communities[:15]],
                [c["size"] for c in communities[:15]],
            ),
        ),
        Section(
            "社区成员",
            [
                {
                    "社区": c["community"],
                    "干部编号": m["cadre_id"],
                    "姓名": m["name"],
                    "单位": m["unit_name"],
                }
                for c in communities
                for m in c["members"]
            ],
        ),
        Section(
            "桥梁人物",
            [
                {
                    "干部编号": b["cadre_id"],
                    "姓名": b["name"],
                    "单位": b["unit_name"],
                    "参与系数": b["participation"],
                    "合作者": b["collaborators"],
                    "连接社区数": b["communities_reached"],
                }
                for b in result["bridges"]
            ],
            note=measures["bridges"],
        ),
        Section(
            "实绩突出但关注不够",
            [
                {
                    "干部编号": q["cadre_id"],
                    "姓名": q["name"],
                    "单位": q["unit_name"],
                    "职务层次": q["level"],
                    "年龄": q["age"],
                    "优秀年度": "、".join(str(y) for y in q["excellent_years"]),
                    "突出项目": "；".join(q["strong_projects"]),
                    "任现职务层次以来": q["unpromoted_since"],
                }
                for q in result["quiet_performers"]
            ],
            note=measures["quiet_performers"],
        ),
    ]
    return report


def targets_report(result: TargetsResult) -> Report:
    years = result["years"]
    targets = result["targets"]
    latest = years[-1]
    report = Report(
        f"年轻干部工作目标完成情况（{result['as_of']}）",
        summary=[
            f"{latest['year']}年新增干部35岁以下占比{_pct(latest['new_cadres_young_share'])}"
            f"（目标不低于{targets['new_cadres_young_share']:.0%}，{_met(latest['new_cadres_target_met'])}）",
            f"{latest['year']}年新提拔干部35岁以下占比{_pct(latest['promotions_young_share'])}",
            f"年轻干部库{latest['pool_size']}人；导师覆盖率{_pct(latest['mentoring_coverage'])}"
            f"（目标{targets['mentoring_coverage']:.0%}，{_met(latest['mentoring_target_met'])}）",
        ],
    )
    report.sections += [
        Section(
            "分年度指标",
            [
                {
                    "年度": y["year"],
                    "新增干部": y["new_cadres"],
                    "其中35岁以下": y["new_cadres_under_35"],
                    "占比": y["new_cadres_young_share"],
                    "新增干部目标": _met(y["new_cadres_target_met"]),
                    "新提拔": y["promotions"],
                    "其中35岁以下(提拔)": y["promotions_under_35"],
                    "提拔占比": y["promotions_young_share"],
                    "年末在库": y["pool_size"],
                    "导师覆盖率": y["mentoring_coverage"],
                    "导师覆盖目标": _met(y["mentoring_target_met"]),
                }
                for y in years
            ],
            chart=Chart(
                "新提拔干部中35岁以下占比",
                [str(y["year"]) for y in years],
                [y["promotions_young_share"] or 0 for y in years],
                "占比",
            ),
        ),
        Section(
            "导师覆盖率",
            [],
            chart=Chart(
                "年末导师覆盖率",
                [str(y["year"]) for y in years],
                [y["mentoring_coverage"] or 0 for y in years],
                "覆盖率",
            ),
        ),
    ]
    return report
