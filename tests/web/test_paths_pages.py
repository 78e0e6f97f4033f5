"""梯队研判 and 一人一策 in real headless Chromium: the pipeline's chart and its drill-down to
the people behind a bar, a cadre's path from the profile, and who may see them."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import BrowserContext

from graphsvc.access import AccessStore
from tests.web.conftest import Workbench, sign_in


def _audited(workbench: Workbench, path: str) -> list[dict[str, Any]]:
    with AccessStore(workbench.access_db) as access:
        entries, _ = access.query_audit(limit=10_000)
    return [e for e in entries if e["path"] == path]


def test_the_pipeline_chart_drills_down_to_its_people(
    context: BrowserContext, workbench: Workbench
) -> None:
    page = sign_in(context, workbench, "analyst")
    page.click("header nav >> text=梯队研判")
    page.wait_for_selector("section.pipeline-level svg.chart")
    assert page.locator("header nav a.on").inner_text() == "梯队研判"
    first = page.locator("section.pipeline-level").first
    level = first.locator("h2").inner_text().split("：")[0]
    row = first.locator("tbody tr").last  # the last year: the most people ready
    year = row.locator("td").nth(0).inner_text()
    supply = int(row.locator("td").nth(3).inner_text())
    demand_to_date = int(row.locator("td").nth(2).inner_text())
    # The bars are links: the last pair goes to that year's people.
    first.locator("svg.chart a").last.locator("text").last.click()  # the pair's year
    page.wait_for_selector("table.ready")
    assert f"{year}年{level}" in page.title()
    heading = page.locator("section.card h2").nth(1).inner_text()
    assert re.search(rf"（{supply}人", heading), heading  # the bar's count is its people
    shown = page.locator("table.ready tbody tr a[href$='/path']").count()
    assert shown == min(supply, 60)
    assert page.locator("table.openings tbody tr").count() == max(demand_to_date, 1)
    # Every person the drill-down shows is in the audit log.
    entry = _audited(workbench, "/pipeline/people")[0]
    listed = page.locator("table.ready tbody tr td:first-child a").evaluate_all(
        "links => links.map(a => a.getAttribute('href').split('/').pop())"
    )
    assert set(listed) <= set(entry["subjects"])


def test_a_pool_members_path_from_the_profile(
    context: BrowserContext, workbench: Workbench, district_manifest: dict[str, Any]
) -> None:
    member = district_manifest["planted"]["pool_members"][0]
    page = sign_in(context, workbench, "analyst")
    page.goto(f"{workbench.base}/cadres/{member}")
    page.click("a.path-link")
    page.wait_for_selector("table.rules")
    body = page.inner_text("main")
    assert "成长路径" in body and "具备任职条件之日" in body and "干部库" in body
    assert "一年内" in page.inner_text("p.stage-goal")
    assert page.locator("svg.chart circle").count() >= 2  # today and at least one more step
    assert page.locator("table.rules tbody tr").count() >= 3
    entry = _audited(workbench, f"/cadres/{member}/path")[0]
    assert member in entry["subjects"]
    missing = page.goto(f"{workbench.base}/cadres/NOPE/path")
    assert missing is not None and missing.status == 404


def test_a_viewer_sees_neither(context: BrowserContext, workbench: Workbench) -> None:
    page = sign_in(context, workbench, "viewer")
    assert page.locator("header nav >> text=梯队研判").count() == 0
    denied = page.goto(f"{workbench.base}/pipeline")
    assert denied is not None and denied.status == 403
    page.goto(f"{workbench.base}/cadres/C000001")
    assert page.locator("a.path-link").count() == 0
