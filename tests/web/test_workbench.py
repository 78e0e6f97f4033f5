"""The workbench in real headless Chromium against a real server on the sample district:
sign-in, every page, a vacancy's candidates, comparing, a profile's network, a round; masking
and kinship by role; a wrong password. (Pairings, the pool and a write without its CSRF token:
tests/web/test_section.py.)"""

from __future__ import annotations

import json
import re
import sqlite3
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page

from graphsvc.access import AccessStore
from graphsvc.stores import open_store
from tests.web.conftest import Workbench, sign_in

# Every page with a word it must show (the district has data for each).
PAGES = {
    "/": "需要关注",
    "/vacancies": "空缺领导岗位",
    "/round": "计算整体方案",
    "/cadres?q=王": "共",
    "/mentoring": "建议结对",
    "/teams": "按调整迫切程度排序",
    "/pool": "应复核出库",
    "/training": "学时分布",
    "/ninebox": "业绩高·潜力高",
    "/pipeline": "累计需求与具备条件人数",
}


def audit_entries(workbench: Workbench, path: str) -> list[dict[str, Any]]:
    with AccessStore(workbench.access_db) as access:
        entries, _ = access.query_audit(limit=10_000)
    return [e for e in entries if e["path"] == path]


def wait_for_nodes(page: Page, more_than: int) -> int:
    """Poll the network's node count (the pages' CSP forbids wait_for_function's eval)."""
    for _ in range(240):
        count = int(page.locator("#network").get_attribute("data-nodes") or 0)
        if count > more_than:
            return count
        page.wait_for_timeout(250)
    raise AssertionError(f"the network did not grow past {more_than} nodes")


def kinship_case(manifest: dict[str, Any]) -> tuple[str, str]:
    """A planted kinship conflict: (cadre, relative)."""
    planted = manifest["planted"]["kinship_conflicts"][0]
    return planted["cadres"][0], planted["cadres"][1]


def test_every_page_renders_in_chinese_for_an_admin(
    context: BrowserContext, workbench: Workbench
) -> None:
    page = sign_in(context, workbench, "admin")
    for path, word in PAGES.items():
        response = page.goto(workbench.base + path)
        assert response is not None and response.status == 200, path
        body = page.inner_text("body")
        assert word in body, path
        assert "Traceback" not in body and "Internal" not in body
        assert page.locator("header nav a.on").count() == 1, path  # the page's own tab is lit


def test_open_a_vacancy_compare_candidates_and_check_one(
    context: BrowserContext, workbench: Workbench
) -> None:
    page = sign_in(context, workbench, "viewer")
    page.click("text=空缺岗位")
    page.locator("a.vacancy").first.click()
    page.wait_for_selector("table.candidates")
    rows = page.locator("table.candidates tbody tr")
    assert rows.count() >= 3
    assert page.locator("table.candidates svg.chart").count() == rows.count()  # parts as bars
    assert "专业匹配" in page.inner_text("table.candidates")
    post_path = page.url.removeprefix(workbench.base)

    # Everyone the page named is in its audit entry.
    shown = set(
        page.eval_on_selector_all(
            "table.candidates input[name=ids]", "inputs => inputs.map(i => i.value)"
        )
    )
    entry = audit_entries(workbench, post_path)[0]
    assert entry["who"] == "viewer" and shown <= set(entry["subjects"])

    boxes = page.locator("table.candidates input[name=ids]")
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.click("text=对比所选")
    page.wait_for_url(re.compile(r".*/compare\?.*"))
    assert page.locator("section.person").count() == 2
    text = page.inner_text("main")
    for label in ("基层工作", "近5年培训", "年度考核", "重大项目", "任职经历", "专业匹配"):
        assert label in text

    page.go_back()
    page.locator("table.candidates a", has_text="逐条审查").first.click()
    page.wait_for_url(re.compile(r".*/check\?.*"))
    assert "结论：" in page.inner_text("main")
    assert page.locator("tbody tr").count() >= 3  # the rules, one by one


def test_comparing_one_person_gets_a_clear_message(
    context: BrowserContext, workbench: Workbench
) -> None:
    page = sign_in(context, workbench, "viewer")
    response = page.goto(f"{workbench.base}/compare?ids=C000001")
    assert response is not None and response.status == 400
    assert "请勾选2至4名候选人" in page.inner_text("main")
    response = page.goto(f"{workbench.base}/vacancies/NOPOST")
    assert response is not None and response.status == 404
    assert "没有编号为 NOPOST 的岗位" in page.inner_text("main")
    response = page.goto(f"{workbench.base}/round?run=1&posts=P000007&young=abc")
    assert response is not None and response.status == 400
    assert "35岁以下占比" in page.inner_text("main")


def test_a_kinship_conflict_is_drawn_as_a_chain(
    context: BrowserContext, workbench: Workbench, district_manifest: dict[str, Any]
) -> None:
    cadre, relative = kinship_case(district_manifest)
    page = sign_in(context, workbench, "analyst")
    with open_store(workbench.store) as store:
        unit = district_manifest["planted"]["kinship_conflicts"][0]["unit_id"]
        posts, _ = store.list_nodes("Post", where={"unit_id": unit}, limit=50)
    post = next(p["id"] for p in posts if p.get("team_member"))
    page.goto(f"{workbench.base}/check?cadre_id={cadre}&post_id={post}")
    chain = page.locator(".conflict svg").first
    assert chain.is_visible()
    assert relative in chain.inner_html()  # the chain runs through the relative
    entry = audit_entries(workbench, "/check")[0]
    assert entry["who"] == "analyst" and {cadre, relative} <= set(entry["subjects"])


def test_open_a_profile_and_expand_its_network(
    context: BrowserContext, workbench: Workbench, district_manifest: dict[str, Any]
) -> None:
    cadre, relative = kinship_case(district_manifest)
    page = sign_in(context, workbench, "analyst")
    page.goto(f"{workbench.base}/cadres/{cadre}")
    for part in ("任职经历", "考核", "教育培训", "重大项目", "导师与帮带对象", "亲属关系"):
        assert part in page.inner_text("main")
    network = page.locator("#network")
    before = wait_for_nodes(page, 1)
    labels = page.evaluate("document.getElementById('network').cy.nodes().map(n => n.id())")
    assert f"Cadre:{relative}" in labels  # an analyst sees the relative

    # Click a post the cadre holds: the graph grows by that post's unit.
    target = next(label for label in labels if label.startswith("Post:"))
    position = page.evaluate(
        f"(() => {{ const p = document.getElementById('network').cy"
        f".getElementById('{target}').renderedPosition(); return [p.x, p.y]; }})()"
    )
    frame = network.bounding_box()
    assert frame is not None
    page.mouse.click(frame["x"] + position[0], frame["y"] + position[1])
    wait_for_nodes(page, before)
    grown = page.evaluate("document.getElementById('network').cy.nodes().map(n => n.id())")
    assert any(label.startswith("Unit:") for label in grown)


def test_a_viewer_sees_masked_id_numbers_and_no_kinship(
    context: BrowserContext, workbench: Workbench, district_manifest: dict[str, Any]
) -> None:
    cadre, relative = kinship_case(district_manifest)
    page = sign_in(context, workbench, "viewer")
    overview = page.inner_text("main")
    assert "现职回避情形" in overview and "空缺岗位" in overview
    assert "需要“分析员”或“管理员”角色" in overview  # no development figures for viewers
    page.goto(f"{workbench.base}/cadres/{cadre}")
    id_number = page.inner_text("dd.id-number")
    assert re.fullmatch(r"\d{6}\*{8}[\dX]{4}", id_number), id_number
    assert "亲属关系" not in page.inner_text("main")
    wait_for_nodes(page, 1)
    labels = page.evaluate("document.getElementById('network').cy.nodes().map(n => n.id())")
    assert f"Cadre:{relative}" not in labels
    graph = page.request.get(f"{workbench.base}/graph/Cadre/{cadre}").json()
    assert all(e["data"].get("type") != "RELATIVE_OF" for e in graph["elements"])

    # Nor the chain of a kinship conflict, nor the development analyses.
    with open_store(workbench.store) as store:
        unit = district_manifest["planted"]["kinship_conflicts"][0]["unit_id"]
        posts, _ = store.list_nodes("Post", where={"unit_id": unit}, limit=50)
    post = next(p["id"] for p in posts if p.get("team_member"))
    page.goto(f"{workbench.base}/check?cadre_id={cadre}&post_id={post}")
    assert relative not in page.inner_text("main")
    assert "关系链涉及亲属信息" in page.inner_text("main")
    response = page.goto(f"{workbench.base}/mentoring")
    assert response is not None and response.status == 403
    assert "没有" in page.inner_text("main") and "权限" in page.inner_text("main")
    assert "导师帮带" not in page.inner_text("header nav")

    # An editor sees the whole number.
    editor = sign_in(context.browser.new_context(), workbench, "editor")  # type: ignore[union-attr]
    editor.goto(f"{workbench.base}/cadres/{cadre}")
    assert "*" not in editor.inner_text("dd.id-number")
    editor.context.close()


def test_run_a_round_and_download_it(context: BrowserContext, workbench: Workbench) -> None:
    page = sign_in(context, workbench, "viewer")
    page.goto(f"{workbench.base}/round")
    page.fill("input[name=young]", "25")
    page.click("#run-round")
    page.wait_for_selector("#plan")
    plan = page.inner_text("#plan")
    assert "总匹配分" in plan and "35岁以下占比" in plan
    appointed = page.locator("#plan tbody tr")
    assert appointed.count() >= 1
    with page.expect_download() as waiting:
        page.click("text=方案（Excel）")
    download = waiting.value
    path = download.path()
    assert path is not None and download.suggested_filename.endswith(".xlsx")
    with open(path, "rb") as handle:
        assert handle.read(2) == b"PK"  # an .xlsx is a zip
    entry = audit_entries(workbench, "/round")[0]
    assert entry["action"] == "selection_round" and len(entry["subjects"]) >= appointed.count()


def test_a_wrong_password_is_refused_and_the_next_try_delayed(
    context: BrowserContext, workbench: Workbench
) -> None:
    page = context.new_page()
    page.goto(f"{workbench.base}/login")
    page.fill("input[name=name]", "analyst")
    page.fill("input[name=password]", "not-the-password")
    page.click("button[type=submit]")
    assert "用户名或密码不正确" in page.inner_text(".alert")
    assert "/login" in page.url
    # Even the right password waits its turn right after a failure.
    page.fill("input[name=name]", "analyst")
    page.fill("input[name=password]", workbench.passwords["analyst"])
    page.click("button[type=submit]")
    assert "登录失败次数过多" in page.inner_text(".alert")
    assert "/login" in page.url
    # Once the wait is over the right password gets in (and the count is cleared).
    for _ in range(40):
        page.wait_for_timeout(250)
        page.fill("input[name=name]", "analyst")
        page.fill("input[name=password]", workbench.passwords["analyst"])
        page.click("button[type=submit]")
        if page.url == f"{workbench.base}/":
            break
    assert page.url == f"{workbench.base}/"
    failures = [e for e in audit_entries(workbench, "/login") if e["status"] == 401]
    assert failures and failures[0]["who"] == "analyst"


def test_a_one_time_password_is_changed_at_the_first_sign_in(
    context: BrowserContext, workbench: Workbench
) -> None:
    with AccessStore(workbench.access_db) as access:
        one_time = access.create_user(name="新同志", role="viewer")
    page = context.new_page()
    page.goto(f"{workbench.base}/vacancies")
    page.fill("input[name=name]", "新同志")
    page.fill("input[name=password]", one_time)
    page.click("button[type=submit]")
    page.wait_for_url(f"{workbench.base}/password")
    assert "一次性密码" in page.inner_text("main")
    page.goto(f"{workbench.base}/cadres/C000001")  # nothing else opens first
    assert page.url == f"{workbench.base}/password"

    page.fill("input[name=current]", one_time)
    page.fill("input[name=new]", "a-new-password-1")
    page.fill("input[name=repeat]", "a-new-password-2")
    page.click("form.login button[type=submit]")
    assert "两次输入的新密码不一致" in page.inner_text(".alert")
    page.fill("input[name=current]", one_time)
    page.fill("input[name=new]", "a-new-password-1")
    page.fill("input[name=repeat]", "a-new-password-1")
    page.click("form.login button[type=submit]")
    page.wait_for_url(f"{workbench.base}/")
    page.goto(f"{workbench.base}/cadres/C000001")
    assert "干部档案" in page.inner_text("h1")
    with AccessStore(workbench.access_db) as access:
        assert access.check_password("新同志", one_time) is None
        assert access.check_password("新同志", "a-new-password-1") is not None


def test_sign_out_ends_the_session(context: BrowserContext, workbench: Workbench) -> None:
    page = sign_in(context, workbench, "viewer")
    cookie = next(c for c in context.cookies() if c["name"] == "gs_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    page.click("header .who button")
    page.wait_for_url(re.compile(r".*/login.*"))
    page.goto(f"{workbench.base}/vacancies")
    assert "/login?next=/vacancies" in page.url
    # The old cookie no longer opens anything.
    context.add_cookies([{**cookie}])  # type: ignore[list-item]
    page.goto(f"{workbench.base}/vacancies")
    assert "/login" in page.url


@pytest.mark.parametrize("path", ["/", "/cadres/C000001", "/graph/Cadre/C000001"])
def test_pages_need_a_session(workbench: Workbench, path: str) -> None:
    import httpx

    response = httpx.get(workbench.base + path, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    api = httpx.get(workbench.base + "/api/v1/cadres")
    assert api.status_code == 401 and json.loads(api.text)["detail"]  # the API stays JSON


def test_the_api_documentation_stays_as_it_was(workbench: Workbench) -> None:
    import httpx

    spec = httpx.get(workbench.base + "/openapi.json").json()
    assert all(path.startswith("/api/v1/") for path in spec["paths"])  # no page in the API
    docs = httpx.get(workbench.base + "/docs")
    assert docs.status_code == 200 and "content-security-policy" not in docs.headers
    page = httpx.get(workbench.base + "/login")
    assert "script-src 'self'" in page.headers["content-security-policy"]


def test_audit_chain_stays_intact(workbench: Workbench) -> None:
    with AccessStore(workbench.access_db) as access:
        intact, count, broken = access.verify_audit()
    assert intact and count > 10 and broken is None
    with sqlite3.connect(workbench.access_db) as db:
        stored = [row[0] for row in db.execute("SELECT password_hash FROM users")]
    assert stored and all(h.startswith("$argon2id$") for h in stored)
