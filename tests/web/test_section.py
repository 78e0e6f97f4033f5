"""The cadre section's pages in real headless Chromium against a real server on the sample
district: a pairing confirmed by both names, undone, ended (kept with its reason); a forged
write refused; a team's own page; 入库 and 出库 recorded and shown; every nine-box name
reachable; the profile network's zoom, reset, legend and grouped unit; communities with their
members; the audit page; no page wider than a phone."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import openpyxl
import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from api.web.audit import BEIJING
from graphsvc.access import AccessStore
from graphsvc.stores import open_store
from tests.web.conftest import Workbench, sign_in

CADRE_ID = re.compile(r"(?<![A-Za-z0-9])C\d{6}(?![0-9])")


def audit_entries(workbench: Workbench, path: str) -> list[dict[str, Any]]:
    with AccessStore(workbench.access_db) as access:
        entries, _ = access.query_audit(limit=10_000)
    return [e for e in entries if e["path"] == path]


def query_of(page: Page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}


def pairing(workbench: Workbench, mentor: str, mentee: str, start: str) -> dict[str, Any]:
    with open_store(workbench.store) as store:
        found = [
            dict(e.props)
            for e in store.edges_of("Cadre", mentee)
            if e.type == "MENTORS"
            and e.other_id == mentor
            and e.props["start"] == date.fromisoformat(start)
        ]
    assert len(found) == 1, found
    return found[0]


def cells(page: Page, table: str, row: int = 0) -> list[str]:
    return page.locator(f"#{table} table.data tbody tr").nth(row).locator("td").all_inner_texts()


def test_a_pairing_is_confirmed_by_both_names_and_can_be_undone(
    context: BrowserContext, workbench: Workbench
) -> None:
    page = sign_in(context, workbench, "editor")
    page.goto(f"{workbench.base}/mentoring")
    first = cells(page, "pairs")
    mentee_name, mentor_name = first[0], first[2]
    page.locator("#pairs a.accept").first.click()
    page.wait_for_url(re.compile(r".*/mentoring/pairs/confirm\?.*"))
    asked = query_of(page)
    confirm = page.inner_text(".pair-confirm")
    assert mentee_name in confirm and mentor_name in confirm and "确认后" in confirm
    # Nothing is written before the editor confirms.
    with open_store(workbench.store) as store:
        before = [e for e in store.edges_of("Cadre", asked["mentee_id"]) if e.type == "MENTORS"]
    assert not any(e.other_id == asked["mentor_id"] and e.props.get("end") is None for e in before)

    page.click("#confirm-pairing")
    page.wait_for_selector("#notice")
    notice = page.inner_text("#notice")
    assert mentee_name in notice and mentor_name in notice and "已确定导师结对" in notice
    assert not CADRE_ID.search(notice)  # names, not ids
    start = date.today().isoformat()
    made = pairing(workbench, asked["mentor_id"], asked["mentee_id"], start)
    assert made.get("end") is None and made["recorded_by"] == "editor"
    entry = audit_entries(workbench, "/mentoring/pairs")[0]
    assert entry["action"] == "pair_mentor" and asked["mentee_id"] in entry["subjects"]
    assert entry["who"] == "editor" and entry["status"] == 303
    # The page shows who made it and when.
    page.goto(f"{workbench.base}/mentoring?recorded.q={quote(mentee_name)}#recorded")
    shown = page.inner_text("#recorded tbody")
    assert mentor_name in shown and "进行中" in shown and "editor" in shown
    assert date.today().strftime("%Y.%m.%d") in shown

    # Undone from the notice: kept, ended on the day it started, with the reason.
    page.goto(
        f"{workbench.base}/mentoring?done=made&mentor_id={asked['mentor_id']}"
        f"&mentee_id={asked['mentee_id']}&start={start}"
    )
    page.click("form.undo button[type=submit]")
    page.wait_for_selector("#notice")
    assert "已撤销导师结对" in page.inner_text("#notice")
    undone = pairing(workbench, asked["mentor_id"], asked["mentee_id"], start)
    assert undone["end"] == date.fromisoformat(start)
    assert undone["end_reason"] == "撤销：采纳有误" and undone["ended_by"] == "editor"
    page.goto(f"{workbench.base}/mentoring?recorded.q={quote(mentee_name)}#recorded")
    assert "已撤销" in page.inner_text("#recorded tbody")
    assert audit_entries(workbench, "/mentoring/pairs/undo")[0]["action"] == "undo_pairing"


def test_a_pairing_ended_is_kept_with_its_reason(
    context: BrowserContext, workbench: Workbench
) -> None:
    page = sign_in(context, workbench, "editor")
    page.goto(f"{workbench.base}/mentoring?recorded.f.state_name={quote('进行中')}#recorded")
    assert int(page.inner_text("#recorded .total")) > 60  # every pairing, none cut off
    mentee_name = cells(page, "recorded")[0]
    page.locator("#recorded a.change").first.click()
    page.wait_for_url(re.compile(r".*/mentoring/pairs/change\?.*"))
    asked = query_of(page)
    assert mentee_name in page.inner_text("main")
    page.fill("#end-form input[name=reason]", "帮带期满")
    page.click("#end-form button[type=submit]")
    page.wait_for_selector("#notice")
    assert "已结束导师结对" in page.inner_text("#notice")
    kept = pairing(workbench, asked["mentor_id"], asked["mentee_id"], asked["start"])
    assert kept["end"] == date.today() and kept["end_reason"] == "帮带期满"
    assert kept["ended_by"] == "editor"
    page.goto(f"{workbench.base}/mentoring?recorded.q={quote(mentee_name)}#recorded")
    row = page.inner_text("#recorded tbody")
    assert "已结束" in row and "帮带期满" in row
    # Ending it again is refused on the page, and the record stays as it was.
    page.goto(
        f"{workbench.base}/mentoring/pairs/change?mentor_id={asked['mentor_id']}"
        f"&mentee_id={asked['mentee_id']}&start={asked['start']}"
    )
    page.fill("#end-form input[name=reason]", "再结束一次")
    page.click("#end-form button[type=submit]")
    page.wait_for_load_state()
    assert "记录保留不变" in page.inner_text("main")
    assert pairing(workbench, asked["mentor_id"], asked["mentee_id"], asked["start"]) == kept


def test_a_write_without_its_csrf_token_is_refused(
    context: BrowserContext, workbench: Workbench
) -> None:
    page = sign_in(context, workbench, "editor")
    page.goto(f"{workbench.base}/mentoring")
    page.locator("#pairs a.accept").last.click()
    page.wait_for_url(re.compile(r".*/mentoring/pairs/confirm\?.*"))
    asked = query_of(page)
    # The page's own form, with its token changed, as a forged form would be.
    page.locator("form input[name=csrf]").last.evaluate("input => { input.value = 'forged' }")
    page.click("#confirm-pairing")
    page.wait_for_load_state()
    assert "防伪令牌" in page.inner_text("main")
    with open_store(workbench.store) as store:
        pairs = [e for e in store.edges_of("Cadre", asked["mentee_id"]) if e.type == "MENTORS"]
    assert not any(e.other_id == asked["mentor_id"] and e.props.get("end") is None for e in pairs)
    assert audit_entries(workbench, "/mentoring/pairs")[0]["status"] == 403


def test_a_team_links_to_its_page_with_members_and_vacancies(
    context: BrowserContext, workbench: Workbench
) -> None:
    page = sign_in(context, workbench, "analyst")
    page.goto(f"{workbench.base}/teams?teams.sort=vacancies&teams.desc=1#teams")
    row = cells(page, "teams")
    unit_name, members = row[1], int(row[3])
    page.locator("#teams tbody tr").first.locator("a").first.click()
    page.wait_for_url(re.compile(r".*/teams/[^/?]+$"))
    assert unit_name in page.inner_text("h1")
    assert int(page.inner_text("#members .total")) == members > 0
    header = page.inner_text("#members thead")
    for title in ("姓名", "职务", "年龄", "职级", "退休时间"):
        assert title in header
    first = cells(page, "members")
    assert re.fullmatch(r"\d{4}\.\d{2}\.\d{2}.*", first[-1]), first  # dates as 2031.05.01
    assert re.fullmatch(r"\d{4}\.\d{2}", first[3]), first  # birth as 1975.03
    vacancies = page.locator("#vacancies .vacancy-block")
    assert vacancies.count() >= 1
    block = vacancies.first.inner_text()
    assert "符合条件" in block
    assert vacancies.first.locator("a[href^='/vacancies/']").count() >= 1
    member_ids = page.locator("#members tbody a").evaluate_all(
        "links => links.map(a => a.getAttribute('href').split('/').pop())"
    )
    entry = audit_entries(workbench, urlsplit(page.url).path)[0]
    assert set(member_ids) <= set(entry["subjects"]) and entry["who"] == "analyst"


def test_pool_entries_and_exits_are_recorded_and_shown(
    context: BrowserContext, workbench: Workbench
) -> None:
    page = sign_in(context, workbench, "editor")
    page.goto(f"{workbench.base}/pool")
    text = page.inner_text("main")
    assert text.index("30岁以下") < text.index("30-34岁") < text.index("35-39岁")  # in order
    size = int(page.inner_text("#roster .total"))
    assert size > 100  # the roster lists every member, paged

    # 入库 from the suggested list: a date and a reason, through the loader.
    page.locator("#entries a.enter").first.click()
    page.wait_for_url(re.compile(r".*/pool/enter\?cadre_id=.*"))
    entering = query_of(page)["cadre_id"]
    name = page.locator("h2 a").first.inner_text()
    page.fill("#enter-form input[name=reason]", "单位推荐、组织考察")
    page.click("#enter-form button[type=submit]")
    page.wait_for_selector("#notice")
    assert "已登记入库" in page.inner_text("#notice") and name in page.inner_text("#notice")
    assert int(page.inner_text("#roster .total")) == size + 1
    page.goto(f"{workbench.base}/pool?roster.q={quote(name)}#roster")
    roster = page.inner_text("#roster tbody")
    assert "单位推荐、组织考察" in roster and "editor" in roster

    # 出库 of a member due for review: the stay is kept, with the date and the reason.
    page.goto(f"{workbench.base}/pool")
    page.locator("#exits a.leave").first.click()
    page.wait_for_url(re.compile(r".*/pool/exit\?cadre_id=.*"))
    leaving = query_of(page)["cadre_id"]
    leaving_name = page.locator("h2 a").first.inner_text()
    page.fill("#exit-form input[name=reason]", "年度考核下降，经研究出库")
    page.click("#exit-form button[type=submit]")
    page.wait_for_selector("#notice")
    assert "已登记出库" in page.inner_text("#notice")
    page.goto(f"{workbench.base}/pool?stays.q={quote(leaving_name)}#stays")
    stays = page.inner_text("#stays tbody")
    assert "已出库" in stays and "年度考核下降，经研究出库" in stays
    with open_store(workbench.store) as store:
        entered = [e.props for e in store.edges_of("Cadre", entering) if e.type == "IN_POOL"]
        left = [e.props for e in store.edges_of("Cadre", leaving) if e.type == "IN_POOL"]
    assert any(
        p["entry_reason"] == "单位推荐、组织考察" and p["recorded_by"] == "editor" for p in entered
    )
    assert any(
        p["end"] == date.today() and p["exit_reason"] == "年度考核下降，经研究出库" for p in left
    )
    actions = {e["action"] for e in audit_entries(workbench, "/pool/enter")}
    assert "enter_pool" in actions
    assert leaving in audit_entries(workbench, "/pool/exit")[0]["subjects"]

    # The roster exports every member the filter keeps.
    page.goto(f"{workbench.base}/pool#roster")
    total = int(page.inner_text("#roster .total"))
    with page.expect_download() as waiting:
        page.click("#roster a.export")
    download = waiting.value
    assert download.suggested_filename.endswith(".xlsx") and "名册" in download.suggested_filename
    path = download.path()
    assert path is not None
    with open(path, "rb") as handle:
        sheet = openpyxl.load_workbook(handle).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row[0] == "姓名")
    names = [row[0] for row in rows[header + 1 :]]
    assert len(names) == total and name in names and leaving_name not in names


def test_every_name_in_the_nine_box_is_reachable(
    context: BrowserContext, workbench: Workbench
) -> None:
    page = sign_in(context, workbench, "analyst")
    page.goto(f"{workbench.base}/ninebox")
    boxes = page.locator(".boxes .box")
    assert boxes.count() == 9
    people = int(page.inner_text("#people .total"))
    listed = 0
    biggest = (0, 0)
    for index in range(9):
        box = boxes.nth(index)
        count = int(box.locator("h3 .count").inner_text())
        names = box.locator("ul.names li:not(.empty)")
        assert names.count() == count
        listed += count
        biggest = max(biggest, (count, index))
        lists = box.locator("ul.names")
        width = lists.evaluate("ul => [ul.scrollWidth, ul.clientWidth]")
        assert width[0] <= width[1] + 1  # never scrolls sideways
    assert listed == people > 100
    # The fullest box scrolls down to its last name.
    box = boxes.nth(biggest[1])
    heights = box.locator("ul.names").evaluate("ul => [ul.scrollHeight, ul.clientHeight]")
    assert heights[0] > heights[1]
    last = box.locator("ul.names li").last
    last.scroll_into_view_if_needed()
    assert last.is_visible()
    # Or a page per box: its count opens the table with that box's people.
    box.locator("h3 .count").click()
    page.wait_for_url(re.compile(r".*people\.f\.box_name=.*"))
    assert int(page.inner_text("#people .total")) == biggest[0]


def test_the_profile_network_zooms_resets_and_opens_a_unit_as_groups(
    context: BrowserContext, workbench: Workbench
) -> None:
    page = sign_in(context, workbench, "analyst")
    with open_store(workbench.store) as store:
        holders = [
            (cadre, post)
            for cadre, post, props in store.iter_edges("HOLDS")
            if props.get("end") is None
        ]
    cadre = holders[0][0]
    page.goto(f"{workbench.base}/cadres/{cadre}")

    def nodes() -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = page.evaluate(
            "document.getElementById('network').cy.nodes()"
            ".map(n => ({id: n.id(), kind: n.data('kind'), label: n.data('label')}))"
        )
        return found

    def grow(before: int) -> int:
        for _ in range(240):
            count = int(page.locator("#network").get_attribute("data-nodes") or 0)
            if count > before:
                return count
            page.wait_for_timeout(250)
        raise AssertionError(f"the network did not grow past {before} nodes")

    def tap(node_id: str) -> None:
        # In braces: the collection emit() returns holds the whole graph, too much to send back.
        page.evaluate(
            "id => { document.getElementById('network').cy.getElementById(id).emit('tap'); }",
            node_id,
        )

    initial = grow(1)
    for tool in ("zoom-in", "zoom-out", "fit", "reset"):
        assert page.locator(f"button[data-tool={tool}]").is_visible()
    legend = page.inner_text(".network-legend")
    assert "节点" in legend and "干部" in legend and "关系" in legend and "任职" in legend
    zoom = float(page.locator("#network").get_attribute("data-zoom") or 0)
    page.click("button[data-tool=zoom-in]")
    assert float(page.locator("#network").get_attribute("data-zoom") or 0) > zoom

    post = next(n["id"] for n in nodes() if n["kind"] == "Post")
    tap(post)
    with_unit = grow(initial)
    unit = next(n["id"] for n in nodes() if n["kind"] == "Unit")
    tap(unit)
    grouped = grow(with_unit)
    assert grouped - with_unit <= 10  # a handful of summaries, not every post and person
    groups = [n for n in nodes() if n["kind"] == "Group"]
    assert groups and any(re.fullmatch(r"岗位 \d+个", g["label"]) for g in groups)
    assert "分组" in page.inner_text(".network-legend")
    # A summary opens into its members.
    posts = next(g for g in groups if g["label"].startswith("岗位"))
    tap(posts["id"])
    opened = grow(grouped)
    assert opened - grouped <= min(int(re.findall(r"\d+", posts["label"])[0]), 40)
    entry = next(e for e in audit_entries(workbench, f"/graph/members/{unit.replace(':', '/')}"))
    assert entry["action"] == "read_network" and entry["status"] == 200
    page.click("button[data-tool=reset]")
    for _ in range(240):
        if int(page.locator("#network").get_attribute("data-nodes") or 0) == initial:
            break
        page.wait_for_timeout(250)
    assert int(page.locator("#network").get_attribute("data-nodes") or 0) == initial


def test_communities_list_their_members_linked_to_profiles(
    context: BrowserContext, workbench: Workbench
) -> None:
    page = sign_in(context, workbench, "analyst")
    page.goto(f"{workbench.base}/network")
    first = cells(page, "communities")
    size = int(first[1])
    page.locator("#communities tbody a").first.click()
    page.wait_for_url(re.compile(r".*members\.f\.community_name=.*"))
    assert int(page.inner_text("#members .total")) == size
    assert page.locator("#members tbody a[href^='/cadres/']").count() == min(size, 50)
    assert page.locator("#bridges tbody a[href^='/cadres/']").count() >= 1
    assert page.locator("#quiet tbody a[href^='/cadres/']").count() >= 1
    for heading in ("协作社区", "桥梁人物", "实绩突出但关注不够"):
        assert heading in page.inner_text("main")
    assert page.locator(".tile .definition").count() == 5  # each figure says what it counts


def test_the_audit_page_shows_a_read_just_made_and_filters(
    context: BrowserContext, workbench: Workbench, browser: Browser
) -> None:
    viewer = sign_in(browser.new_context(), workbench, "viewer")
    with open_store(workbench.store) as store:
        people, _ = store.list_nodes("Cadre", limit=5000)
    named: dict[str, int] = {}
    for person in people:
        named[person["name"]] = named.get(person["name"], 0) + 1
    cadre = next(p for p in people[40:] if named[p["name"]] == 1)  # no namesake
    viewer.goto(f"{workbench.base}/cadres/{cadre['id']}")
    response = viewer.goto(f"{workbench.base}/audit")
    assert response is not None and response.status == 403  # admins only
    viewer.context.close()

    page = sign_in(context, workbench, "admin")
    page.goto(f"{workbench.base}/audit?person={cadre['id']}")
    rows = page.locator("#log tbody tr").all_inner_texts()
    read = [r for r in rows[:3] if "查阅档案" in r and f"/cadres/{cadre['id']}" in r]
    assert read and "viewer" in read[0] and cadre["name"] in read[0]
    # The same entries as `graphsvc audit --subject` reads.
    with AccessStore(workbench.access_db) as access:
        newest, total = access.query_audit(subject=cadre["id"], limit=1)
    assert newest[0]["path"] == "/audit"  # the audit page names whom it showed, too
    assert int(page.inner_text("#log .total")) == total - 1
    # By name, by user, by day.
    page.goto(f"{workbench.base}/audit?person={quote(cadre['name'])}")
    assert int(page.inner_text("#log .total")) >= total  # the same person, found by name
    # The page's days are Beijing's (after 16:00 UTC it is tomorrow there).
    today = datetime.now(BEIJING).date().isoformat()
    page.goto(f"{workbench.base}/audit?user=viewer&day={today}")
    users = page.locator("#log tbody tr td:nth-child(2)").all_inner_texts()
    assert users and set(users) == {"viewer"}
    page.goto(f"{workbench.base}/audit?day=2001-01-01")
    assert "没有符合条件的审计记录" in page.inner_text("#log")
    assert page.locator("#audit-filter input[name=day]").input_value() == "2001-01-01"


SECTION_PAGES = (
    "/mentoring",
    "/teams",
    "/pool",
    "/pool/enter?q=王",
    "/training",
    "/ninebox",
    "/network",
    "/audit",
)


@pytest.mark.parametrize("width", [390])
def test_the_section_pages_fit_a_phone(browser: Browser, workbench: Workbench, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 844}, locale="zh-CN")
    context.set_default_timeout(60_000)
    try:
        page = sign_in(context, workbench, "admin")
        with open_store(workbench.store) as store:
            posts, _ = store.list_nodes("Post", where={"team_member": True}, limit=1)
        paths = [*SECTION_PAGES, f"/teams/{posts[0]['unit_id']}"]
        for path in paths:
            response = page.goto(workbench.base + path)
            assert response is not None and response.status == 200, path
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= width, (path, wide)
            for table in page.locator("table.data").all():  # tables scroll inside their box
                assert table.evaluate("t => !!t.closest('.table-scroll')"), path
    finally:
        context.close()
