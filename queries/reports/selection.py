"""The selection round as a report: appointments, runners-up, unfilled posts, openings."""

from __future__ import annotations

from queries.reports.document import Chart, Report, Section
from queries.selection.results import BenchResult, RoundResult

__all__ = ["bench_report", "round_report"]


def round_report(result: RoundResult) -> Report:
    assignments = result["assignments"]
    young = result.get("young_share")
    report = Report(
        f"干部选配方案（{result['as_of']}）",
        summary=[
            f"本轮岗位{result['posts']}个，拟任{len(assignments)}人，空缺未配{len(result['unfilled'])}个",
            f"总匹配分{result['total']:.3f}（求解方法：{result['method']}，全局最优）",
            f"35岁以下占比{young:.1%}" if young is not None else "本轮无拟任人选",
            f"因拟任产生的新空缺{len(result['new_openings'])}个",
        ],
    )
    report.sections.append(
        Section(
            "拟任人选",
            [
                {
                    "选配范围": a["scope_name"],
                    "岗位编号": a["post_id"],
                    "岗位": a["post_name"],
                    "单位": a["unit_name"],
                    "干部编号": a["cadre_id"],
                    "姓名": a["name"],
                    "年龄": a["age"],
                    "现任职务": a["current_post"],
                    "领导职务或职级": "领导职务" if a["leader"] else (a["rank"] or "未登记"),
                    "提示": "；".join(a["flags"]),
                    "匹配分": a["score"],
                    "在该岗位排名": a["rank_for_post"],
                    "35岁以下": "是" if a["young"] else "否",
                    "理由": "；".join(a["reasons"]),
                }
                for a in assignments
            ],
            chart=Chart(
                "各岗位拟任人选匹配分",
                [a["post_name"] or a["post_id"] for a in assignments],
                [a["score"] for a in assignments],
                "匹配分",
            ),
        )
    )
    report.sections.append(
        Section(
            "备选人选",
            [
                {
                    "岗位编号": post_id,
                    "备选": "、".join(
                        f"{c['name']}({c['cadre_id']}) {c['score']:.3f}" for c in runners
                    ),
                }
                for post_id, runners in result["runners_up"].items()
            ],
        )
    )
    report.sections.append(
        Section(
            "未配岗位",
            [
                {"岗位编号": u["post_id"], "岗位": u["post_name"], "符合条件人数": u["eligible"]}
                for u in result["unfilled"]
            ],
        )
    )
    report.sections.append(
        Section(
            "拟任后产生的新空缺",
            [
                {
                    "岗位编号": o["post_id"],
                    "岗位": o["post_name"],
                    "原任": o["left_by"],
                    "拟任岗位": o["for_post"],
                }
                for o in result["new_openings"]
            ],
        )
    )
    return report


def bench_report(result: BenchResult) -> Report:
    posts = result["posts"]
    depth: dict[int, int] = {}
    for p in posts:
        depth[len(p["ready_now"])] = depth.get(len(p["ready_now"]), 0) + 1
    report = Report(
        f"领导班子后备梯队（{result['as_of']}）",
        summary=[
            f"领导职务{len(posts)}个，无现成后备人选{len(result['no_bench'])}个",
            f"近三年将退休的在任领导{len(result['retiring'])}人",
            f"“现可任职”指符合资格、无回避情形且匹配分不低于{result['ready_threshold']}",
        ],
    )
    report.sections.append(
        Section(
            "后备人数分布",
            [{"现可任职人数": k, "岗位数": v} for k, v in sorted(depth.items())],
            chart=Chart(
                "各岗位现可任职后备人数",
                [f"{k}人" for k in sorted(depth)],
                [depth[k] for k in sorted(depth)],
                "岗位数",
            ),
        )
    )
    report.sections.append(
        Section(
            "无后备岗位",
            [
                {
                    "岗位编号": p["post_id"],
                    "岗位": p["post_name"],
                    "单位": p["unit_name"],
                    "一年内可任职": p["ready_in_1y_count"],
                    "两年内可任职": p["ready_in_2y_count"],
                }
                for p in posts
                if not p["ready_now"]
            ],
        )
    )
    report.sections.append(
        Section(
            "近三年退休的在任领导",
            [
                {
                    "岗位": r["post_name"],
                    "姓名": r["name"],
                    "退休时间": r["retires"],
                    "现可接任": "、".join(r["bench"]) or "无",
                }
                for r in result["retiring"]
            ],
        )
    )
    report.sections.append(
        Section(
            "各岗位后备",
            [
                {
                    "岗位编号": p["post_id"],
                    "岗位": p["post_name"],
                    "现可任职": "、".join(
                        f"{c['name']}({c['score']:.2f}{''.join('，' + f for f in c['flags'])})"
                        for c in p["ready_now"]
                    ),
                    "一年内": p["ready_in_1y_count"],
                    "两年内": p["ready_in_2y_count"],
                }
                for p in posts
            ],
        )
    )
    return report
