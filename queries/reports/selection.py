"""The selection round as a report: appointments, runners-up, unfilled posts, openings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from queries.reports.document import Chart, Report, Section
from queries.selection.results import BenchResult, RoundResult

__all__ = ["bench_report", "posts_in_order", "round_report"]


def posts_in_order(result: RoundResult) -> list[str]:
    """A round's posts as its papers list them: the filled ones as solved, then the unfilled."""
    filled = [a["post_id"] for a in result["assignments"]]
    return filled + [u["post_id"] for u in result["unfilled"] if u["post_id"] not in set(filled)]


def _unique(labels: list[str]) -> list[str]:
    """Chart labels that keep posts apart: a repeated label gets （2）, （3）, ..."""
    seen: dict[str, int] = {}
    unique = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        unique.append(label if seen[label] == 1 else f"{label}（{seen[label]}）")
    return unique


def _post_or_rank(assignment: Mapping[str, Any]) -> str:
    """领导职务 when the appointee holds a leadership post, else the 职级 (未登记: none)."""
    if assignment.get("leader"):
        return "领导职务"
    return str(assignment.get("rank") or "未登记")


def _dotted(iso: str) -> str:
    return iso[:10].replace("-", ".")


def round_report(
    result: RoundResult,
    *,
    posts: Mapping[str, Mapping[str, Any]] | None = None,
    people: Mapping[str, Mapping[str, Any]] | None = None,
) -> Report:
    """The round as the meeting reads it: one row per post (the appointee or 未配, then the
    alternates in their own columns), names rather than ids, a chart with a bar per post.

    ``posts`` (post id → ``name``, ``unit_name``) names posts left unfilled by their unit;
    ``people`` (cadre id → ``birth``, ``current_post``) adds those columns for appointees.
    """
    posts = posts or {}
    people = people or {}
    assignments = {a["post_id"]: a for a in result["assignments"]}
    young = result.get("young_share")
    order = posts_in_order(result)
    alternates = max((len(r) for r in result["runners_up"].values()), default=0)
    report = Report(
        f"干部选配方案（{_dotted(result['as_of'])}）",
        summary=[
            f"本轮岗位{result['posts']}个，拟任{len(assignments)}人，"
            f"未配{len(result['unfilled'])}个",
            f"总匹配分{result['total']:.3f}（在所给条件下全局最优）",
            f"35岁以下占比{young:.1%}" if young is not None else "本轮无拟任人选",
            f"因拟任产生的新空缺{len(result['new_openings'])}个",
        ],
    )
    rows = []
    for number, post_id in enumerate(order, start=1):
        a = assignments.get(post_id)
        post = posts.get(post_id, {})
        person = people.get(str(a["cadre_id"]), {}) if a else {}
        row: dict[str, Any] = {
            "序号": number,
            "单位": a["unit_name"] if a else post.get("unit_name", ""),
            "岗位": (a["post_name"] if a else None) or post.get("name") or post_id,
            "拟任人选": a["name"] if a else "（未配）",
            "出生年月": person.get("birth", "") if a else "",
            "年龄": a.get("age") if a else None,
            "现任职务": (a.get("current_post") or person.get("current_post", "")) if a else "",
            "领导职务或职级": _post_or_rank(a) if a else "",
            "提示": "；".join(a.get("flags", [])) if a else "",
            "匹配分": a["score"] if a else None,
            "该岗位排名": a["rank_for_post"] if a else None,
            "35岁以下": ("是" if a["young"] else "否") if a else "",
            "推荐理由": "；".join(a["reasons"]) if a else "",
        }
        if not people:
            del row["出生年月"]
        runners = result["runners_up"].get(post_id, [])
        for index in range(alternates):
            runner = runners[index] if index < len(runners) else None
            row[f"备选{index + 1}"] = f"{runner['name']}（{runner['score']:.3f}）" if runner else ""
        rows.append(row)
    filled = result["assignments"]
    report.sections.append(
        Section(
            "拟任人选",
            rows,
            chart=Chart(
                "各岗位拟任人选匹配分",
                _unique([f"{a['unit_name']}{a['post_name'] or ''}" for a in filled]),
                [a["score"] for a in filled],
                "匹配分",
            ),
        )
    )
    report.sections.append(
        Section(
            "未配岗位",
            [
                {
                    "单位": posts.get(u["post_id"], {}).get("unit_name", ""),
                    "岗位": u["post_name"] or u["post_id"],
                    "符合条件人数": u["eligible"],
                }
                for u in result["unfilled"]
            ],
        )
    )
    names = {a["cadre_id"]: a["name"] for a in result["assignments"]}
    post_names = {a["post_id"]: f"{a['unit_name']}{a['post_name'] or ''}" for a in filled}
    report.sections.append(
        Section(
            "拟任后产生的新空缺",
            [
                {
                    "岗位": o["post_name"] or o["post_id"],
                    "原任": names.get(o["left_by"], o["left_by"]),
                    "原任拟任岗位": post_names.get(o["for_post"], o["for_post"]),
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
