"""Screenshots of the page import for docs/forms.md: the upload page, a review, the
appointments under way and a profile with its photo and proposal.

Run against a workbench serving the sample district's tables (not its forms), with an
editor's sign-in and the folder of the sample's forms (``graphsvc sample --forms``):
    PYTHONPATH=. python tests/web/take_import_screenshots.py URL NAME PASSWORD DIR/forms
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"


def sign_in(page: Page, base: str, name: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def _uploads(forms: Path, spare: Path) -> list[Path]:
    """Four forms: one proposing a post, two more as they are, and a person new to the graph
    (synthetic) whose last post is in an office the district does not have yet."""
    chosen = [p for p in sorted(forms.glob("*.lrmx")) if ET.parse(p).findtext("NiRenZhiWu")][:1]
    chosen += sorted(forms.glob("*.lrmx"))[40:42]
    tree = ET.parse(sorted(forms.glob("*.lrmx"))[60])
    root = tree.getroot()
    for tag, value in (("XingMing", "宋佳怡"), ("ChuShengNianYue", "199403"),
                       ("ShenFenZheng", ""), ("JiaTingChengYuan", None)):  # fmt: skip
        node = root.find(tag)
        assert node is not None
        if value is None:
            node.clear()
        else:
            node.text = value
    resume = root.find("JianLi")
    assert resume is not None
    resume.text = (resume.text or "").replace("--       ", "--2026.10") + (
        "\n2026.10--  金湾区长铺镇便民服务中心主任"
    )
    spare.mkdir(parents=True, exist_ok=True)
    tree.write(spare / "宋佳怡.lrmx", encoding="utf-8", xml_declaration=True)
    return [*chosen, spare / "宋佳怡.lrmx"]


def main(base: str, name: str, password: str, forms: str) -> None:
    import tempfile

    IMAGES.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="zh-CN")
        sign_in(page, base, name, password)
        page.goto(f"{base}/imports")
        page.screenshot(path=str(IMAGES / "workbench-import.png"))
        spare = Path(tempfile.mkdtemp(prefix="import-shots-"))
        page.set_input_files("input[name=files]", [str(p) for p in _uploads(Path(forms), spare)])
        page.click("#upload button[type=submit]")
        page.wait_for_selector("#summary")
        page.screenshot(path=str(IMAGES / "workbench-import-review.png"), full_page=True)
        page.click("#confirm")
        page.wait_for_selector("#written")
        page.goto(f"{base}/proposals")
        page.screenshot(path=str(IMAGES / "workbench-proposals.png"))
        link = page.locator("table.proposals tbody tr a").first
        link.click()
        page.wait_for_selector("img.photo")
        page.wait_for_timeout(800)
        page.screenshot(path=str(IMAGES / "workbench-profile-photo.png"))
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:5])
