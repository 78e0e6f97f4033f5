"""A real browser: headless Chromium opens the served Neo4j Browser, connects, applies the
graphsvc style, runs a saved query and renders the cadre's network. Keeps a screenshot."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, sync_playwright

from graphsvc.settings import get_settings
from queries.cypher_library import GRASS_STYLE, saved_queries

pytestmark = pytest.mark.neo4j

CHROMIUM = "/usr/bin/chromium"  # Debian's package; .ci/run installs it
SCREENSHOTS = Path(__file__).resolve().parents[1] / "var" / "screenshots"
# Without these, Chromium's own connections are refused by this network, many at a time.
QUIET = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def page(neo4j_district: str) -> Iterator[Page]:
    assert Path(CHROMIUM).exists(), "Chromium is missing: apt-get install chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=QUIET)
        try:
            yield browser.new_page(viewport={"width": 1400, "height": 1000})
        finally:
            browser.close()


def run_in_editor(page: Page, text: str) -> None:
    page.click('[data-testid="activeEditor"]')
    page.keyboard.insert_text(text)  # no key events: the editor adds no closing braces
    page.click('[data-testid="editor-Run"]')


def test_browser_connects_styles_and_renders_a_saved_query(
    page: Page, district_manifest: dict[str, Any]
) -> None:
    settings = get_settings()
    page.goto("http://127.0.0.1:7474/browser/", wait_until="networkidle")
    page.fill('[data-testid="username"]', settings.neo4j_user)
    page.fill('[data-testid="password"]', settings.neo4j_password.get_secret_value())
    page.click('[data-testid="connect"]')
    page.wait_for_selector("text=You are connected", timeout=30_000)

    style = GRASS_STYLE.read_text(encoding="utf-8")
    run_in_editor(page, ":style " + " ".join(style.split()))
    for _ in range(50):  # Browser's CSP forbids wait_for_function's eval; poll instead
        if "node.Cadre" in (page.evaluate("localStorage.getItem('neo4j.grass')") or ""):
            break
        page.wait_for_timeout(200)
    else:
        pytest.fail("the :style command did not take")

    cadre_id = district_manifest["planted"]["kinship_conflicts"][0]["cadres"][0]
    query = saved_queries()["cadre_network"]
    run_in_editor(page, f":param cadreId => '{cadre_id}'")
    page.wait_for_timeout(500)
    run_in_editor(page, query.text)
    page.wait_for_selector("svg g.node", timeout=30_000)
    page.wait_for_timeout(2_500)  # let the force layout settle for the picture

    nodes = page.locator("svg g.node")
    assert nodes.count() >= 5
    fills = set(
        page.eval_on_selector_all("svg g.node circle", "cs => cs.map(c => c.getAttribute('fill'))")
    )
    assert "#C0392B" in fills  # cadres drawn in the graphsvc colour, not the default
    assert page.locator("text=RELATIVE_OF").count() >= 1  # the relative shows in the overview
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / "neo4j-browser-cadre-network.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 20_000
