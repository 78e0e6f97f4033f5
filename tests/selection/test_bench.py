"""The succession bench on a small district."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from graphsvc.dates import months_between
from loaders.sample import AS_OF
from queries.selection.bench import succession_bench
from queries.selection.candidates import SelectionContext


def test_bench_per_post(context: SelectionContext) -> None:
    team_posts = sorted(p for p, post in context.posts.items() if post.get("team_member"))
    chosen = team_posts[:12]
    result = succession_bench(context=context, post_ids=chosen)
    threshold = result["ready_threshold"]
    assert [p["post_id"] for p in result["posts"]] == chosen
    for entry in result["posts"]:
        assert all(c["score"] >= threshold for c in entry["ready_now"])
        ready = {c["cadre_id"] for c in entry["ready_now"]}
        later = {c["cadre_id"] for c in entry["ready_in_1y"]} | {
            c["cadre_id"] for c in entry["ready_in_2y"]
        }
        assert not ready & later  # someone ready now is not listed again as ready later
        for cadre in entry["ready_in_1y"]:  # eligible in a year, not today
            post = context.posts[entry["post_id"]]
            assert not context.verdict(cadre["cadre_id"], post).eligible
        assert (entry["post_id"] in result["no_bench"]) == (not entry["ready_now"])
    for person in result["retiring"]:
        assert months_between(AS_OF, date.fromisoformat(person["retires"])) <= 36


def test_the_bench_report(context: SelectionContext, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from queries.reports.document import write_report
    from queries.reports.selection import bench_report

    team_posts = sorted(p for p, post in context.posts.items() if post.get("team_member"))[:8]
    result = succession_bench(context=context, post_ids=team_posts)
    html = write_report(bench_report(result), tmp_path / "bench.html").read_text(encoding="utf-8")
    assert "<svg " in html and ">各岗位现可任职后备人数</text>" in html
    book = load_workbook(write_report(bench_report(result), tmp_path / "bench.xlsx"))
    assert book["4-各岗位后备"].max_row == len(team_posts) + 1
