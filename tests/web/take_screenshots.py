"""Screenshots of the workbench pages at 1400×900 and on a 390×844 phone for docs/workbench.md.

Run against a served workbench (the district, seed 7) with an admin's sign-in (and a
viewer's, for the masked profile):
    PYTHONPATH=. python tests/web/take_screenshots.py URL NAME PASSWORD [VIEWER PASSWORD]

It saves two round plans on the way (one with an alternate swapped in) to show the saved
plans, their comparison and the papers (the 建议名单 and a 任免审批表 as pictures).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
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
SIZES = {"": (1400, 900), "-phone": (390, 844)}
POST, CADRE, CHECK = "P000007", "C000010", ("C000010", "P000016")


def pages(plans: tuple[str, str]) -> dict[str, str]:
    """The pages, by screenshot name (``plans``: two saved plans' ids)."""
    return {
        "overview": "/",
        "vacancies": "/vacancies",
        "candidates": f"/vacancies/{POST}",
        "candidates-sorted": f"/vacancies/{POST}?c.sort=age&c.desc=1&c.q=本科#c",
        "check": f"/check?cadre_id={CHECK[0]}&post_id={CHECK[1]}",
        "check-by-name": f"/check?post_id={POST}&q=黄丽",
        "compare": f"/compare?post_id={POST}&ids=C002314&ids=C002836&ids=C002218",
        "search": "/cadres?q=黄丽",
        "profile": f"/cadres/{CADRE}",
        "round-form": "/round",
        "round": "/round?run=1&all=1#plan",
        "round-swapped": f"/round?run=1&all=1&fix={POST}:C002314#plan",
        "plans": "/round/plans",
        "plan": f"/round/plans/{plans[0]}",
        "plans-compare": f"/round/plans/compare?ids={plans[0]}&ids={plans[1]}",
        "conflicts": "/attention/conflicts",
        "not-found": "/no-such-page",
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


def save_plan(page: Page, base: str, path: str, name: str) -> str:
    page.goto(base + path, timeout=300_000)
    page.fill("form.save-plan input[name=name]", name)
    page.click("form.save-plan button[type=submit]")
    page.wait_for_url(re.compile(r".*/round/plans/\d+\?saved=1"), timeout=300_000)
    return page.url.split("?")[0].rsplit("/", 1)[1]


def paper_pictures(page: Page, base: str, plan: str) -> None:
    """The 建议名单 and the first 任免审批表 of a plan, as pictures of their printed pages."""
    with tempfile.TemporaryDirectory() as folder:
        for kind, name in (("list.pdf", "paper-list"), ("forms.pdf", "paper-form")):
            body = page.request.get(f"{base}/round/plans/{plan}/papers/{kind}").body()
            pdf = Path(folder) / kind
            pdf.write_bytes(body)
            subprocess.run(
                ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                 str(IMAGES / f"workbench-{name}")],
                check=True,
            )  # fmt: skip


def main(base: str, name: str, password: str, *viewer: str) -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        setup = browser.new_page(viewport={"width": 1400, "height": 900})
        sign_in(setup, base, name, password)
        plans = (
            save_plan(setup, base, f"/round?run=1&all=1&fix={POST}:C002314", "换入谢鹏超的方案"),
            save_plan(setup, base, "/round?run=1&all=1", "系统最优方案"),
        )
        paper_pictures(setup, base, plans[0])
        setup.close()
        for suffix, (width, height) in SIZES.items():
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            page.set_default_timeout(300_000)
            page.goto(f"{base}/login")
            page.screenshot(path=str(IMAGES / f"workbench-login{suffix}.png"))
            sign_in(page, base, name, password)
            if suffix:  # the phone's folded menu, opened
                page.click("label.nav-button")
                page.screenshot(path=str(IMAGES / f"workbench-menu{suffix}.png"))
            for key, path in pages(plans).items():
                page.goto(base + path, wait_until="networkidle", referer=f"{base}/vacancies")
                if key == "profile":
                    for _ in range(120):  # the CSP forbids wait_for_function: poll
                        if int(page.locator("#network").get_attribute("data-nodes") or 0) > 3:
                            break
                        page.wait_for_timeout(250)
                    page.wait_for_timeout(500)
                page.screenshot(path=str(IMAGES / f"workbench-{key}{suffix}.png"))
            context.close()
            if viewer:  # what a committee member sees: the ID number masked, no relatives
                context = browser.new_context(viewport={"width": width, "height": height})
                page = context.new_page()
                sign_in(page, base, viewer[0], viewer[1])
                page.goto(f"{base}/cadres/{CADRE}", wait_until="networkidle")
                page.wait_for_timeout(800)
                page.screenshot(path=str(IMAGES / f"workbench-profile-viewer{suffix}.png"))
                context.close()
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
