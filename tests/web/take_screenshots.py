"""Screenshots of every workbench page at 1400×900 and 1280×720 for docs/workbench.md.

Run against a served workbench with an admin's sign-in (and a viewer's, for the masked profile):
    PYTHONPATH=. python tests/web/take_screenshots.py URL NAME PASSWORD [VIEWER PASSWORD]
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"
SIZES = {"": (1400, 900), "-laptop": (1280, 720)}


def pages(post: str, cadre: str, pair: tuple[str, str]) -> dict[str, str]:
    return {
        "overview": "/",
        "vacancies": "/vacancies",
        "candidates": f"/vacancies/{post}",
        "check": f"/check?cadre_id={pair[0]}&post_id={pair[1]}",
        "compare": f"/compare?post_id={post}&ids=C002314&ids=C002836&ids=C002218",
        "round": f"/round?run=1&posts={post}&posts=P000009&posts=P000010&posts=P000042&young=30",
        "profile": f"/cadres/{cadre}",
        "mentoring": "/mentoring",
        "teams": "/teams",
        "pool": "/pool",
        "training": "/training",
        "ninebox": "/ninebox",
    }


def sign_in(page: Page, base: str, name: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def main(base: str, name: str, password: str, *viewer: str) -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for suffix, (width, height) in SIZES.items():
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(f"{base}/login")
            page.screenshot(path=str(IMAGES / f"workbench-login{suffix}.png"))
            sign_in(page, base, name, password)
            for key, path in pages("P000007", "C000010", ("C000010", "P000016")).items():
                page.goto(base + path, wait_until="networkidle")
                if key == "profile":
                    for _ in range(120):  # the CSP forbids wait_for_function: poll
                        if int(page.locator("#network").get_attribute("data-nodes") or 0) > 3:
                            break
                        page.wait_for_timeout(250)
                    page.wait_for_timeout(500)
                page.screenshot(path=str(IMAGES / f"workbench-{key}{suffix}.png"))
            page.close()
            if viewer:  # what a committee member sees: the ID number masked, no relatives
                context = browser.new_context(viewport={"width": width, "height": height})
                page = context.new_page()
                sign_in(page, base, viewer[0], viewer[1])
                page.goto(f"{base}/cadres/C000010", wait_until="networkidle")
                page.wait_for_timeout(800)
                page.screenshot(path=str(IMAGES / f"workbench-profile-viewer{suffix}.png"))
                context.close()
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
