"""The graphsvc guide in a real Neo4j Browser: headless Chromium plays it from the graphsvc
HTTP app (``GET /browser-guide``), applies the style from it, sets a parameter from it,
puts a saved query into the editor with one click and runs it on the district."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from playwright.sync_api import Locator, Page, sync_playwright

from api.routers import guide
from graphsvc.settings import get_settings
from queries.browser_guide import EXAMPLE_VALUES, GUIDE_TITLE, browser_guide_html
from queries.cypher_library import saved_queries

CHROMIUM = "/usr/bin/chromium"  # Debian's package; .ci/run installs it
BROWSER_URL = os.environ.get("GRAPHSVC_TEST_BROWSER_URL", "http://127.0.0.1:7474/browser/")
SCREENSHOTS = Path(__file__).resolve().parents[1] / "var" / "screenshots"
QUIET = [  # as in test_browser.py: keep Chromium from calling out of this network
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _guide_app() -> FastAPI:
    app = FastAPI()
    app.include_router(guide.router)
    return app


def test_the_guide_lists_every_saved_query_with_its_parameters() -> None:
    page = browser_guide_html()
    assert page.count("<slide") == len(saved_queries()) + 1
    for query in saved_queries().values():
        assert f'data-query="{query.name}"' in page
        for name in query.params:
            assert f":param {name} =&gt;" in page
    assert ":param asOf =&gt; date()" in page
    assert ":style node {" in page and "node.Cadre" in page


def test_the_guide_is_served_open_and_cross_origin() -> None:
    with TestClient(_guide_app()) as client:
        answer = client.get(guide.GUIDE_PATH)
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/html")
        assert answer.headers["access-control-allow-origin"] == "*"
        assert GUIDE_TITLE in answer.text
        preflight = client.options(
            guide.GUIDE_PATH,
            headers={
                "Origin": "http://127.0.0.1:7474",
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Headers": "pragma,cache-control",
            },
        )
        assert preflight.status_code == 204
        assert preflight.headers["access-control-allow-origin"] == "*"
        assert "GET" in preflight.headers["access-control-allow-methods"]


def test_the_guide_can_be_written_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "www" / "guide.html"
    tool = Path(__file__).resolve().parents[1] / "tools" / "gen_browser_guide.py"
    result = subprocess.run(
        [sys.executable, str(tool), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8") == browser_guide_html()


@pytest.fixture(scope="module")
def guide_url() -> Iterator[str]:
    """The guide served by a real HTTP server on a free port of 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(_guide_app(), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the guide server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}{guide.GUIDE_PATH}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def page(neo4j_district: str) -> Iterator[Page]:
    assert Path(CHROMIUM).exists(), "Chromium is missing: apt-get install chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=QUIET)
        try:
            yield browser.new_page(viewport={"width": 1400, "height": 1000})
        finally:
            browser.close()


def _run_in_editor(page: Page, text: str) -> None:
    page.click('[data-testid="activeEditor"]')
    page.keyboard.insert_text(text)
    page.click('[data-testid="editor-Run"]')


def _play(page: Page, url: str) -> Locator:
    """Play the guide and return its frame. Browser reads the server's guide allowlist
    just after connecting; until then a host other than localhost is refused, so retry."""
    for _ in range(20):
        _run_in_editor(page, f":play {url}")
        frame = page.locator('[data-testid="frame"]').first
        frame.locator('[data-testid="frameContents"]').wait_for(timeout=15_000)
        page.wait_for_timeout(500)
        if frame.get_by_text(GUIDE_TITLE).count():
            return frame
        page.wait_for_timeout(500)
    pytest.fail(f"Browser did not play {url}: is 127.0.0.1 in its guide allowlist?")


@pytest.mark.neo4j
def test_an_analyst_plays_the_guide_styles_and_runs_a_saved_query(
    page: Page, guide_url: str, district_manifest: dict[str, Any]
) -> None:
    settings = get_settings()
    page.goto(BROWSER_URL, wait_until="networkidle")
    page.fill('[data-testid="username"]', settings.neo4j_user)
    page.fill('[data-testid="password"]', settings.neo4j_password.get_secret_value())
    page.click('[data-testid="connect"]')
    page.wait_for_selector("text=You are connected", timeout=30_000)

    frame = _play(page, guide_url)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    frame.screenshot(path=str(SCREENSHOTS / "neo4j-browser-guide-start.png"))
    first = frame.locator('[data-testid="frameContents"]')
    for query in saved_queries().values():  # the contents list every query
        assert first.get_by_text(query.title.split(" — ")[0], exact=True).count() == 1

    # The style block's play icon applies the graphsvc style.
    frame.locator("pre[data-style] i").first.click()
    for _ in range(50):  # Browser's CSP forbids wait_for_function's eval; poll instead
        grass = page.evaluate("localStorage.getItem('neo4j.grass')") or ""
        if "node.Cadre" in grass and "#C0392B" in grass:
            break
        page.wait_for_timeout(200)
    else:
        pytest.fail("the guide's style block did not apply the style")

    # Turn to the cadre network slide: slide 1 is the start, then the queries in order.
    frame = page.locator('[data-testid="frame"]').filter(has_text=guide_url).first
    for _ in range(list(saved_queries()).index("cadre_network") + 1):
        frame.locator('[data-testid="nextSlide"]').click()
    query_block = frame.locator('pre[data-query="cadre_network"]')
    query_block.wait_for(timeout=10_000)

    # Not the guide's example id, so the typed value must reach the block.
    cadre_id = district_manifest["planted"]["kinship_conflicts"][0]["cadres"][1]
    assert cadre_id != EXAMPLE_VALUES["cadreId"]
    box = frame.locator('input[value-for="cadreId"]')
    box.fill("")
    box.press_sequentially(cadre_id)  # Browser binds the value on keyup
    param_block = frame.locator("pre").filter(has_text=":param cadreId")
    assert param_block.inner_text().strip().endswith(f"'{cadre_id}'")
    param_block.locator("i").first.click()
    page.locator('[data-testid="frame"]').filter(has_text=f":param cadreId => '{cadre_id}'").filter(
        has_text="Successfully set your parameters"
    ).wait_for(timeout=15_000)

    query_block.click(position={"x": 600, "y": 12})  # the block's text, not its run icon
    editor = page.locator('[data-testid="activeEditor"]')
    for _ in range(25):
        if "$cadreId" in editor.inner_text():
            break
        page.wait_for_timeout(200)
    else:
        pytest.fail("clicking the query block did not put the query into the editor")
    page.click('[data-testid="editor-Run"]')
    page.wait_for_selector("svg g.node", timeout=30_000)
    page.wait_for_timeout(2_000)  # let the force layout settle for the picture
    assert page.locator("svg g.node").count() >= 5
    fills = set(
        page.eval_on_selector_all("svg g.node circle", "cs => cs.map(c => c.getAttribute('fill'))")
    )
    assert "#C0392B" in fills  # drawn with the style the guide applied
    page.screenshot(path=str(SCREENSHOTS / "neo4j-browser-guide-query.png"))
