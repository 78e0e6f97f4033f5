"""A whole round on the district: optimal for its scores, constraints kept, report written."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from graphsvc.dates import months_between
from queries.reports.document import write_report
from queries.reports.selection import round_report
from queries.selection.assignment import InfeasibleRound, greedy_assign
from queries.selection.candidates import SelectionContext, rank_in_context
from queries.selection.round import run_round


def test_a_round_fills_vacancies_one_to_one_and_beats_greedy(context: SelectionContext) -> None:
    result = run_round(context=context)
    vacancies = context.vacancies()
    assert result["posts"] == len(vacancies) > 0
    pairs = [(a["post_id"], a["cadre_id"]) for a in result["assignments"]]
    assert len({c for _, c in pairs}) == len(pairs)  # one post per cadre
    assert {p for p, _ in pairs} <= set(vacancies)
    assert result["total"] == pytest.approx(
        sum(a["score"] for a in result["assignments"]), abs=1e-3
    )
    # The round's objective: the most first-tier placements (a leader for a leadership post
    # above 副科), then the most total score; it beats greedy on it.
    bonus = 2.0 * (len(vacancies) + 1)
    weights = {}
    for post_id in vacancies:
        track = context.target(post_id).track
        for c in rank_in_context(context, post_id, limit=None)["candidates"]:
            first = c["leader"] or not track
            weights[(post_id, c["cadre_id"])] = c["score"] + (bonus if first and track else 0)
    chosen = {(a["post_id"], a["cadre_id"]) for a in result["assignments"]}
    objective = sum(weights[pair] for pair in chosen)
    assert objective >= greedy_assign(weights, posts=vacancies).total - 1e-6
    for runners in result["runners_up"].values():
        assert not {r["cadre_id"] for r in runners} & {c for _, c in pairs}
    for opening in result["new_openings"]:
        assert opening["left_by"] in {c for _, c in pairs}


def test_the_young_share_is_kept(context: SelectionContext) -> None:
    result = run_round(context=context, min_young_share=0.7)
    assert result["method"] == "milp"
    assert result["assignments"], "the district's round appoints nobody"
    share = result["young_share"]
    assert share is not None and share >= 0.7
    # The share is that of the appointees, counted here from their birth dates.
    young = [
        months_between(context.records[a["cadre_id"]].cadre["birth"], context.as_of) < 35 * 12
        for a in result["assignments"]
    ]
    assert [a["young"] for a in result["assignments"]] == young
    assert share == pytest.approx(sum(young) / len(young), abs=1e-4)
    free = run_round(context=context)
    assert result["total"] <= free["total"] + 1e-6  # a constraint never raises the optimum


def test_own_unit_excluded(context: SelectionContext) -> None:
    result = run_round(context=context, own_unit="exclude")
    for a in result["assignments"]:
        post_unit = context.posts[a["post_id"]].get("unit_id")
        held = context.records[a["cadre_id"]].current_tenures(context.as_of)
        assert all(t.post.get("unit_id") != post_unit for t in held)


def test_the_report_opens_with_its_chart(context: SelectionContext, tmp_path: Path) -> None:
    result = run_round(context=context)
    report = round_report(result)
    html = write_report(report, tmp_path / "round.html").read_text(encoding="utf-8")
    assert '<svg role="img" aria-label="各岗位拟任人选匹配分"' in html and "<img" not in html
    assert ">各岗位拟任人选匹配分</text>" in html  # the browser draws the title
    # Names, not ids; no solver's name; every post its own bar (posts of one name kept apart).
    assert all(a["name"] in html for a in result["assignments"])
    assert not any(a["cadre_id"] in html for a in result["assignments"])
    assert "求解方法" not in html and f"（{result['method']}" not in html
    assert html.count("<text") >= len(result["assignments"])
    book = load_workbook(write_report(report, tmp_path / "round.xlsx"))
    assert book.sheetnames[:2] == ["概要", "1-拟任人选"]
    sheet = book["1-拟任人选"]
    assert sheet.max_row == result["posts"] + 1  # one row per post, filled or not
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["序号", "单位", "岗位", "拟任人选"] and "备选1" in header
    assert sheet.freeze_panes == "A2" and sheet.max_column == len(header)  # no helper columns
    assert book["图表数据"].max_row >= len(result["assignments"])
    with pytest.raises(
        ValueError, match=r"round\.docx：报告只能写成 \.xlsx、\.html 或 \.pdf 文件$"
    ):
        write_report(report, tmp_path / "round.docx")


def test_a_fixed_choice_is_kept_and_the_rest_solved_around_it(context: SelectionContext) -> None:
    free = run_round(context=context)
    first = free["assignments"][0]
    post = first["post_id"]
    runner = free["runners_up"][post][0]
    alternate = runner["cadre_id"]
    fixed = {post: alternate}  # the committee swaps in the post's first alternate
    swapped = run_round(context=context, fixed=fixed)
    pairs = {a["post_id"]: a["cadre_id"] for a in swapped["assignments"]}
    assert pairs[post] == alternate
    assert list(pairs.values()).count(alternate) == 1  # nowhere else
    # Never better than the free optimum; and at least as good as the free plan with only
    # that post changed (a runner-up is appointed nowhere, so that plan is allowed).
    assert swapped["total"] <= free["total"] + 1e-6
    assert swapped["total"] >= free["total"] - first["score"] + runner["score"] - 1e-6
    with pytest.raises(InfeasibleRound):
        run_round(context=context, fixed={post: alternate, "NOPOST": alternate})
