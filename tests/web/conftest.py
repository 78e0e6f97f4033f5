"""A real workbench: the sample district in an embedded store, served by uvicorn in its own
process, one user per role, and headless Chromium (Debian's) to drive it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from graphsvc.access import ROLES, AccessStore
from graphsvc.stores import open_store
from loaders.load import load_paths
from tests.service import free_port

CHROMIUM = "/usr/bin/chromium"  # Debian's package; .ci/run installs it
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Workbench:
    base: str
    store: str
    access_db: Path
    passwords: dict[str, str]  # role → password of the user named after the role


@pytest.fixture(scope="module")
def workbench(tmp_path_factory: pytest.TempPathFactory, district_dir: Path) -> Iterator[Workbench]:
    folder = tmp_path_factory.mktemp("workbench")
    store_path, access_db = folder / "graph.db", folder / "access.db"
    with open_store(str(store_path)) as store:
        load_paths(store, [district_dir])
    with AccessStore(access_db) as access:
        # Accounts that have chosen their password (the one-time flow has its own test).
        passwords = {
            role: access.create_user(name=role, role=role, one_time=False) for role in ROLES
        }
    port = free_port()
    # The server's log goes to a file: an unread pipe fills with access lines and then
    # blocks the server mid-request.
    log_path = folder / "server.log"
    log = log_path.open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "api.app:create_app", "--port", str(port)],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "GRAPHSVC_STORE": str(store_path),
            "GRAPHSVC_ACCESS_DB": str(access_db),
            # Long enough that the next try after a failure still waits on a busy machine.
            "GRAPHSVC_SIGN_IN_FIRST_WAIT_SECONDS": "4",
        },
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the workbench did not start: {log_path.read_text()[-3000:]}")
            time.sleep(0.2)
        yield Workbench(base, str(store_path), access_db, passwords)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        finally:
            log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), "Chromium is missing: apt-get install chromium"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    fresh = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    fresh.set_default_timeout(60_000)  # the first page of a kind reads the district once
    try:
        yield fresh
    finally:
        fresh.close()


def sign_in(context: BrowserContext, workbench: Workbench, role: str) -> Page:
    """A page signed in as the user of ``role`` (on the overview)."""
    page = context.new_page()
    page.goto(f"{workbench.base}/")
    assert "/login" in page.url  # no session: the sign-in page first
    page.fill("input[name=name]", role)
    page.fill("input[name=password]", workbench.passwords[role])
    page.click("button[type=submit]")
    page.wait_for_url(f"{workbench.base}/")
    return page
