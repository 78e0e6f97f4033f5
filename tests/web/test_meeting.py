"""The workbench a committee takes into the meeting, in real Chromium against a real server on
the district: tables sorted and paged to their last row and exported, the search box on every
page, 审查 by name, a round with every vacancy, a swap, a saved plan reopened as it was, the
papers read back from their PDFs, the print and phone layouts, and the rough edges."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.sync_api import BrowserContext, Download, Page

from tests.web.conftest import Workbench, sign_in
from tests.web.test_workbench import audit_entries

# The pages this part of the workbench owns, each with what it must show.
MY_PAGES = {
    "/": "从这里开始",
    "/vacancies": "空缺领导岗位",
    "/vacancies/P000007": "候选人",
    "/check?cadre_id=C000010&post_id=P000016": "结论：",
    "/compare?post_id=P000007&ids=C002314&ids=C002836&ids=C002218": "领导职务经历",
    "/round": "计算整体方案",
    "/round/plans": "已保存的方案",
    "/cadres?q=王": "现任职务",
    "/cadres/C000010": "任职经历",
    "/attention/conflicts": "回避情形",
    "/attention/retiring": "到龄退休时间",
}


def table_rows(page: Page, box: str) -> list[list[str]]:
    """The cells of a table's body rows, as the reader sees them."""
    rows: list[list[str]] = page.locator(f"#{box} table tbody tr").evaluate_all(
        "rows => rows.map(r => Array.from(r.cells).map(c => c.innerText.trim()))"
    )
    return rows


def total_of(page: Page, box: str) -> int:
    return int(page.inner_text(f"#{box} .table-count .total"))


def downloaded(page: Page, click: Any) -> tuple[Download, bytes]:
    with page.expect_download() as waiting:
        click()
    download = waiting.value
    path = download.path()
    assert path is not None
    return download, Path(path).read_bytes()


def sheet_rows(body: bytes, header_text: str) -> tuple[list[str], list[list[Any]]]:
    """An exported sheet's header and data rows (the header is found by its first cell)."""
    sheet = load_workbook(io.BytesIO(body)).worksheets[0]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    start = next(i for i, row in enumerate(values) if row and row[0] == header_text)
    assert sheet.freeze_panes == f"A{start + 2}"  # the header stays in view
    assert sheet.print_title_rows == f"${start + 1}:${start + 1}"  # and on every printed page
    assert int(sheet.page_setup.paperSize) == 9  # A4
    return [str(v) for v in values[start]], values[start + 1 :]


def test_sorting_and_paging_reach_the_last_row_and_the_export_has_them_all(
    context: BrowserContext, workbench: Workbench
) -> None:
    page = sign_in(context, workbench, "viewer")
    page.goto(f"{workbench.base}/vacancies/P000042")  # a 副科 post: many may take it
    total = total_of(page, "c")
    assert total > 100  # more than a page: the district's eligible, none cut off
    page.click("#c th >> text=年龄")
    assert page.get_attribute("#c th[aria-sort=ascending]", "aria-sort") == "ascending"
    first_page = table_rows(page, "c")
    page.click("#c a.page-last")
    page.wait_for_url(re.compile(r".*c\.page=\d+.*"))
    assert f"第 {total - len(table_rows(page, 'c')) + 1}–{total} 条" in page.inner_text("#c")
    last_page = table_rows(page, "c")
    ages = [int(r[5]) for r in first_page + last_page if r[5].isdigit()]
    assert ages == sorted(ages)  # the last page holds the oldest
    # Descending on a second click, and the first row is then the oldest.
    page.click("#c th >> text=年龄")
    assert int(table_rows(page, "c")[0][5]) == max(ages)

    # The export has every row the sort shows, in that order, ending with the last row.
    page.click("#c th >> text=年龄")  # ascending again
    download, body = downloaded(page, lambda: page.click("#c a.export"))
    assert download.suggested_filename.endswith(".xlsx") and "候选人" in (
        download.suggested_filename
    )
    header, rows = sheet_rows(body, "排名")
    assert header[:3] == ["排名", "姓名", "现任职务"] and "提示" in header
    assert len(rows) == total
    name = header.index("姓名")
    assert [r[name] for r in rows[-len(last_page) :]] == [r[2].split("\n")[0] for r in last_page]
    entry = audit_entries(workbench, "/vacancies/P000042")[0]
    assert entry["action"] == "export_table" and len(entry["subjects"]) == total


def test_a_filtered_search_exports_the_rows_shown(
    context: BrowserContext, workbench: Workbench
) -> None:
    page = sign_in(context, workbench, "viewer")
    page.goto(f"{workbench.base}/vacancies")
    # The search box is in the top bar of every page.
    page.fill("header form.find input[name=q]", "王")
    page.click("header form.find button")
    page.wait_for_url(re.compile(r".*/cadres\?q=.*"))
    everyone = total_of(page, "found")
    page.select_option("#found select[name='found.f.gender']", "女")
    page.wait_for_url(re.compile(r".*found\.f\.gender=.*"))
    women = total_of(page, "found")
    assert 0 < women < everyone
    shown_rows = table_rows(page, "found")
    assert all(r[1] == "女" for r in shown_rows)
    _, body = downloaded(page, lambda: page.click("#found a.export"))
    header, rows = sheet_rows(body, "姓名")
    assert header[:6] == ["姓名", "性别", "出生年月", "年龄", "现任职务", "单位"]
    assert len(rows) == women
    # The first rows of the export are the rows on the screen, cell for cell.
    assert [[str(v or "—") for v in r[:3]] for r in rows[: len(shown_rows)]] == [
        r[:3] for r in shown_rows
    ]
    # A filter that matches nobody is an empty list with the filter kept, not an error.
    response = page.goto(f"{workbench.base}/cadres?q=王&found.q=不存在的人")
    assert response is not None and response.status == 200
    assert "没有找到符合条件的干部" in page.inner_text("#found")
    assert page.input_value("#found input[name='found.q']") == "不存在的人"
    response = page.goto(f"{workbench.base}/vacancies?v.f.level=正处")
    assert response is not None and response.status == 200
    assert "没有符合条件的空缺岗位" in page.inner_text("#v")


def test_namesakes_are_told_apart_and_checked_by_name(
    context: BrowserContext, workbench: Workbench
) -> None:
    page = sign_in(context, workbench, "viewer")
    page.goto(f"{workbench.base}/cadres?q=郭月")
    rows = table_rows(page, "found")
    assert len(rows) >= 2 and {r[0] for r in rows} == {"郭月"}
    # Post, unit, birth month and level tell them apart.
    assert len({(r[2], r[4], r[5], r[6]) for r in rows}) == len(rows)
    assert all(re.fullmatch(r"\d{4}\.\d{2}", r[2]) for r in rows)

    page.goto(f"{workbench.base}/vacancies/P000007")
    page.fill("#excluded-card input[name=q]", "郭月")
    page.click("#excluded-card form.filters button")
    page.wait_for_url(re.compile(r".*/check\?.*q=.*"))
    choices = page.locator("a.choose")
    assert choices.count() == len(rows)
    choices.first.click()
    page.wait_for_url(re.compile(r".*/check\?cadre_id=.*"))
    assert "结论：" in page.inner_text("main") and "郭月" in page.inner_text("h1")
    rules = page.locator("table.rules tbody tr td:first-child").all_inner_texts()
    assert rules and all(re.search(r"[\u4e00-\u9fff]", r) for r in rules)  # names in Chinese


def test_one_ticked_candidate_is_told_on_the_same_page(
    context: BrowserContext, workbench: Workbench
) -> None:
    page = sign_in(context, workbench, "viewer")
    page.goto(f"{workbench.base}/vacancies/P000007")
    page.locator("input[name=ids]").first.check()
    page.click("text=对比所选")
    message = page.locator("#compare-message")
    assert message.is_visible() and "现在勾选了1名" in message.inner_text()
    assert "/vacancies/P000007" in page.url
    # Without the page's script the server answers the same way on the same page.
    first = page.locator("input[name=ids]").first.get_attribute("value")
    response = page.goto(f"{workbench.base}/compare?post_id=P000007&ids={first}")
    assert response is not None and response.status == 200 and "/vacancies/P000007" in page.url
    assert "现在勾选了1名" in page.inner_text("#compare-message")
    assert page.locator(f"input[name=ids][value={first}]").is_checked()

    # Two ticked: the columns a committee scans, side by side, with the rule lines.
    boxes = page.locator("input[name=ids]")
    boxes.nth(1).check()
    page.click("text=对比所选")
    page.wait_for_url(re.compile(r".*/compare\?.*"))
    side = page.inner_text("table.side-by-side")
    for label in (
        "年龄",
        "现任职务",
        "职级",
        "领导职务经历",
        "提示",
        "选任范围",
        "任职回避",
        "法定退休年龄",
    ):
        assert label in side


def run_round(page: Page, workbench: Workbench) -> None:
    page.goto(f"{workbench.base}/round")
    boxes = page.locator("#round-posts input[name=posts]")
    count = boxes.count()
    assert count > 10
    assert boxes.evaluate_all("bs => bs.every(b => b.checked)")  # every vacancy by default
    page.click("button[data-check=posts][data-value='0']")
    assert "已选 0 / " in page.inner_text("output[data-count=posts]")
    page.click("button[data-check=posts][data-value='1']")
    assert f"已选 {count} / {count}" in page.inner_text("output[data-count=posts]")
    boxes.nth(count - 1).uncheck()  # one left out: the answer says so
    # Sent, the form disables its button and shows the time spent (the sending is stopped
    # here, after the page's own handler, to look at the page before the answer replaces it).
    page.evaluate(
        "document.getElementById('round-form')"
        ".addEventListener('submit', event => event.preventDefault())"
    )
    assert not page.locator("#round-form .busy").is_visible()  # nothing running yet
    page.click("#run-round")
    assert page.locator("#run-round").is_disabled()  # no second click while it runs
    assert page.locator("#round-form .busy").is_visible()
    assert "正在计算整体方案" in page.inner_text("#round-form .busy")
    page.evaluate("document.getElementById('round-form').submit()")
    page.wait_for_selector("#plan", timeout=180_000)
    assert not page.locator("#round-form .busy").is_visible()  # the answer is in: no progress
    plan = page.inner_text("#plan")
    assert f"纳入本轮 {count - 1} 个" in plan and "未纳入 1 个" in plan


def test_a_round_is_swapped_saved_reopened_identical_and_compared(
    context: BrowserContext, workbench: Workbench
) -> None:
    page = sign_in(context, workbench, "viewer")
    run_round(page, workbench)
    first = table_rows(page, "r")[0]
    alternate = first[10].split(" ")[0]
    page.locator("#r tbody tr").first.locator("a.swap").first.click()
    page.wait_for_selector(".swap-note", timeout=180_000)
    assert "换人后其余岗位已重新求解" in page.inner_text(".swap-note")
    swapped = table_rows(page, "r")
    row = next(r for r in swapped if r[2] == first[2] and r[1] == first[1])
    assert row[3].startswith(alternate) and "已换入" in row[3]

    page.fill("form.save-plan input[name=name]", "12月干部调整方案（初稿）")
    page.click("form.save-plan button[type=submit]")
    page.wait_for_url(re.compile(r".*/round/plans/\d+\?saved=1"))
    assert "已保存" in page.inner_text(".notice")
    assert "保存人 viewer" in page.inner_text("main")

    def plain(rows: list[list[str]]) -> list[list[str]]:
        return [[cell.replace(" 换入", "").replace("换入", "") for cell in r] for r in rows]

    reopened = table_rows(page, "r")
    assert plain(reopened) == plain(swapped)  # the plan as it was shown
    plan_path = page.url.split("?")[0].removeprefix(workbench.base)
    entry = audit_entries(workbench, plan_path)[0]
    appointees = {r[3].split("\n")[0] for r in reopened if r[3] != "未配"}
    assert entry["action"] == "read_plan"
    assert len(set(entry["subjects"])) > len(appointees)  # the alternates are named too
    saving = audit_entries(workbench, "/round/plans")
    assert any(e["action"] == "save_plan" and e["who"] == "viewer" for e in saving)

    # A second plan without the swap; the two compared post by post.
    page.goto(f"{workbench.base}/round?run=1&all=1")
    page.fill("form.save-plan input[name=name]", "不换人的方案")
    page.click("form.save-plan button[type=submit]")
    page.wait_for_url(re.compile(r".*/round/plans/\d+\?saved=1"))
    page.goto(f"{workbench.base}/round/plans")
    assert total_of(page, "p") >= 2
    page.locator("#p input[name=ids]").nth(0).check()
    page.click("text=对比所选的两个方案")
    assert "请勾选两个方案" in page.inner_text("#plans-message")
    page.locator("#p input[name=ids]").nth(1).check()
    page.click("text=对比所选的两个方案")
    page.wait_for_url(re.compile(r".*/round/plans/compare\?.*"))
    assert int(page.inner_text(".tiles .tile b >> nth=0")) >= 1  # the swapped post differs
    assert page.locator("tr.differs").count() >= 1


def pdf_text(body: bytes, tmp_path: Path, name: str) -> str:
    path = tmp_path / name
    path.write_bytes(body)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_the_papers_name_each_appointee(
    context: BrowserContext, workbench: Workbench, tmp_path: Path
) -> None:
    page = sign_in(context, workbench, "viewer")
    page.goto(f"{workbench.base}/round?run=1&all=1")
    page.fill("form.save-plan input[name=name]", "上会材料")
    page.click("form.save-plan button[type=submit]")
    page.wait_for_url(re.compile(r".*/round/plans/\d+\?saved=1"))
    rows = [r for r in table_rows(page, "r") if r[3] != "未配"]
    names = [r[3].split("\n")[0] for r in rows]
    assert len(names) >= 10

    download, body = downloaded(page, lambda: page.click("text=建议名单（PDF）"))
    assert download.suggested_filename.endswith(".pdf") and "干部任免建议名单" in (
        download.suggested_filename
    )
    text = pdf_text(body, tmp_path, "list.pdf")
    assert "干部任免建议名单" in text and "第 1 页" in text
    for label in ("出生年月", "全日制学历", "在职学历", "拟任职务", "拟免职务"):
        assert label in text
    assert all(name in text for name in names)

    _, body = downloaded(page, lambda: page.click("text=建议名单（Excel）"))
    header, sheet = sheet_rows(body, "序号")
    assert header[:4] == ["序号", "姓名", "性别", "出生年月（年龄）"] and header[-1] == "备注"
    assert [r[1] for r in sheet] == names
    assert load_workbook(io.BytesIO(body)).worksheets[0].page_setup.orientation == "landscape"

    _, body = downloaded(page, lambda: page.click("text=任免审批表（PDF）"))
    text = pdf_text(body, tmp_path, "forms.pdf")
    assert text.count("干部任免审批表") >= len(names)
    assert all(name in text for name in names)

    _, body = downloaded(page, lambda: page.click("text=任免审批表（.lrmx 压缩包）"))
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        files = archive.namelist()
        assert len(files) == len(names) and all(f.endswith(".lrmx") for f in files)
        first = archive.read(files[0]).decode("utf-8")
    assert f"<XingMing>{names[0]}</XingMing>" in first and "<NiRenZhiWu>" in first

    _, body = downloaded(page, lambda: page.click("text=方案（Excel）"))
    book = load_workbook(io.BytesIO(body))
    plan = book["1-拟任人选"]
    header_row = [c.value for c in plan[1]]
    assert header_row[:4] == ["序号", "单位", "岗位", "拟任人选"] and "备选1" in header_row
    assert not any(str(v).startswith("C0") for row in plan.iter_rows(values_only=True) for v in row)
    entry = audit_entries(workbench, page.url.split("?")[0].removeprefix(workbench.base))
    assert entry  # the plan's page was audited; the papers are too:
    papers = [
        e
        for path in ("list.pdf", "forms.pdf")
        for e in audit_entries(
            workbench, page.url.split("?")[0].removeprefix(workbench.base) + f"/papers/{path}"
        )
    ]
    assert papers and all(e["action"] == "download_papers" for e in papers)


def test_the_phone_layout_does_not_overflow(browser: Any, workbench: Workbench) -> None:
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    phone.set_default_timeout(120_000)
    try:
        page = phone.new_page()
        page.goto(f"{workbench.base}/login")
        page.fill("input[name=name]", "admin")
        page.fill("input[name=password]", workbench.passwords["admin"])
        page.click("button[type=submit]")
        page.wait_for_url(f"{workbench.base}/")
        assert not page.locator("header nav").is_visible()  # the menu folds on a phone
        page.click("label.nav-button")
        assert page.locator("header nav").is_visible()
        for path in [*MY_PAGES, "/round?run=1&all=1"]:
            page.goto(workbench.base + path)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, (path, width)  # tables scroll inside their own box
    finally:
        phone.close()


def test_the_rough_edges(context: BrowserContext, workbench: Workbench) -> None:
    page = context.new_page()
    page.goto(f"{workbench.base}/login")
    assert "graphsvc" not in page.inner_text("main") and "令牌" not in page.inner_text("main")
    icon = page.request.get(f"{workbench.base}/static/favicon.svg")
    assert icon.ok and "svg" in icon.headers["content-type"]
    page = sign_in(context, workbench, "admin")
    for path, word in MY_PAGES.items():
        response = page.goto(workbench.base + path)
        assert response is not None and response.status == 200, path
        body = page.inner_text("main")
        assert word in body, path
        # Dates as 1998.03 (no ISO days), no solver's names, no English rule keys.
        assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", body), path
        for word in ("milp", "lap", "min-cost", "avoidance", "years_at_level", "None"):
            assert word not in body, (path, word)
    # A 404 keeps the navigation; 返回上一页 works under the CSP.
    page.goto(f"{workbench.base}/vacancies")
    response = page.goto(f"{workbench.base}/no-such-page", referer=f"{workbench.base}/vacancies")
    assert response is not None and response.status == 404
    assert page.locator("header nav a").count() >= 5
    page.click("text=返回上一页")
    page.wait_for_url(f"{workbench.base}/vacancies")
    # Every card on the home page leads to its whole list.
    page.goto(f"{workbench.base}/")
    cards = page.locator(".grid2 > .card")
    assert cards.count() >= 6
    for index in range(cards.count()):
        assert cards.nth(index).locator("a.more").count() == 1, index
    assert page.locator(".tile .definition").count() >= 4


def test_printing_leaves_out_the_menu_and_wraps_the_columns(
    context: BrowserContext, workbench: Workbench, tmp_path: Path
) -> None:
    page = sign_in(context, workbench, "viewer")
    page.goto(f"{workbench.base}/vacancies/P000007")
    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible()
    assert not page.locator("#c .table-tools").is_visible()
    width = page.locator("#c th", has_text="提示").bounding_box()
    assert width is not None and width["width"] > 60  # not two characters wide
    printed = tmp_path / "candidates.pdf"
    printed.write_bytes(page.pdf(format="A4"))
    info = subprocess.run(["pdfinfo", str(printed)], capture_output=True, text=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    assert 1 <= pages <= 8, pages  # 20 candidates a page; it used to print as 16 pages


@pytest.mark.parametrize("path", ["/round/plans/999999", "/round/plans/999999/papers/list.pdf"])
def test_an_unknown_plan_is_a_clear_404(
    context: BrowserContext, workbench: Workbench, path: str
) -> None:
    page = sign_in(context, workbench, "viewer")
    response = page.goto(workbench.base + path)
    assert response is not None and response.status == 404
    assert "没有编号为 999999 的方案" in page.inner_text("main")
