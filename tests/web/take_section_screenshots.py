"""Screenshots of the cadre section's pages at 1400×900 and 390×844 for docs/workbench.md.

Run against a served workbench (the sample district) with an admin's sign-in:
    PYTHONPATH=. python tests/web/take_section_screenshots.py URL NAME PASSWORD

Each shot is the page as it opens, or scrolled to the part it shows (``#anchor``); the
profile's network is shown after a unit was opened as groups.
"""

from __future__ import annotations

import sys

from playwright.sync_api import Page, sync_playwright

from tests.web.take_screenshots import ARGS, CHROMIUM, IMAGES, sign_in

SIZES = {"": (1400, 900), "-phone": (390, 844)}


PAGES = {
    "mentoring": "/mentoring",
    "mentoring-recorded": "/mentoring#recorded",
    "pairing-confirm": "/mentoring a.accept",  # the first link of that kind on the page
    "pairing-change": "/mentoring a.change",
    "teams": "/teams#teams",
    "team": "/teams a[href^='/teams/']",
    "pool": "/pool",
    "pool-roster": "/pool#roster",
    "pool-exit": "/pool a.leave",
    "training": "/training",
    "ninebox": "/ninebox",
    "network": "/network",
    "network-members": "/network #communities tbody a",
    "audit": "/audit",
}


def _open(page: Page, base: str, path: str) -> None:
    """A page, scrolled to its ``#part``; or the page a link on another page leads to."""
    where, _, link = path.partition(" ")
    page.goto(base + where, wait_until="networkidle")
    if link:
        page.locator(link).first.click()
        page.wait_for_load_state("networkidle")
    elif "#" in where:  # the card holding that part, from its heading
        page.locator(f"#{where.split('#')[1]}").evaluate(
            "part => (part.closest('section') || part).scrollIntoView()"
        )


def _settle(page: Page, selector: str, more_than: int) -> None:
    for _ in range(120):  # the CSP forbids wait_for_function: poll
        if int(page.locator(selector).get_attribute("data-nodes") or 0) > more_than:
            return
        page.wait_for_timeout(250)


def _profile_network(page: Page, base: str, cadre: str) -> None:
    """The profile with a post and then its unit opened (the unit as groups)."""
    page.goto(f"{base}/cadres/{cadre}", wait_until="networkidle")
    _settle(page, "#network", 1)
    for kind in ("Post", "Unit"):
        before = int(page.locator("#network").get_attribute("data-nodes") or 0)
        page.evaluate(
            "kind => { const cy = document.getElementById('network').cy;"
            " cy.nodes().filter(n => n.data('kind') === kind)[0].emit('tap'); }",
            kind,
        )
        _settle(page, "#network", before)
    page.wait_for_timeout(600)
    page.locator(".network-tools").evaluate("tools => tools.scrollIntoView()")


def main(base: str, name: str, password: str) -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for suffix, (width, height) in SIZES.items():
            page = browser.new_page(viewport={"width": width, "height": height}, locale="zh-CN")
            sign_in(page, base, name, password)
            for key, path in PAGES.items():
                _open(page, base, path)
                page.screenshot(path=str(IMAGES / f"section-{key}{suffix}.png"))
            _profile_network(page, base, "C000010")
            page.screenshot(path=str(IMAGES / f"section-profile-network{suffix}.png"))
            page.close()
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
