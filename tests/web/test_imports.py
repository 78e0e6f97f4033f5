"""Imports from the page in real Chromium: an editor uploads a form, a roster or a table,
reads the review (matched, created, ambiguous, problems with file, row and field), and
confirms (written, audited) or cancels (nothing written); the appointments under way and
the photo on the profile."""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from playwright.sync_api import BrowserContext, Page

from graphsvc.stores import open_store
from tests.forms.kit import DAUGHTER, FATHER, PROPOSAL, jpeg, lrmx_bytes
from tests.web.conftest import Workbench, sign_in
from tests.web.test_workbench import audit_entries

REVIEW = re.compile(r".*/imports/[A-Za-z0-9_-]{16,64}$")


def _form(fields: dict[str, Any], photo: bytes | None = None) -> bytes:
    data = lrmx_bytes(fields)
    if photo is None:
        return data
    root = ET.fromstring(data)
    node = root.find("ZhaoPian")
    assert node is not None
    node.text = base64.b64encode(photo).decode()
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _upload(page: Page, workbench: Workbench, files: list[tuple[str, bytes]]) -> str:
    page.goto(f"{workbench.base}/imports")
    page.set_input_files(
        "input[name=files]",
        files=[{"name": n, "mimeType": "application/octet-stream", "buffer": b} for n, b in files],
    )
    page.click("#upload button[type=submit]")
    page.wait_for_url(REVIEW)
    return page.url.removeprefix(workbench.base)


def _people(workbench: Workbench, name: str) -> list[dict[str, Any]]:
    with open_store(workbench.store) as store:
        return [c for c in store.iter_nodes("Cadre") if c["name"] == name]


def test_an_upload_reaches_its_review_and_its_confirmation_writes(
    context: BrowserContext, workbench: Workbench
) -> None:
    page = sign_in(context, workbench, "editor")
    page.click("header nav >> text=导入")
    photo = jpeg()
    path = _upload(page, workbench, [("林晓雯.lrmx", _form({**DAUGHTER, **PROPOSAL}, photo))])
    assert "检查通过，尚未写入" in page.inner_text("#checked")
    summary = page.inner_text("#summary")
    assert "1 个文件：干部新建 1、更新 0、未变 0" in summary and "林晓雯.lrmx" in summary
    assert page.locator("section.created tbody tr").count() >= 1  # units and posts 待核实
    assert "东江区兴口镇党委书记" in page.inner_text("section.proposals")
    assert "待核实" in page.inner_text("section.channels")
    assert not _people(workbench, "林晓雯")  # checked, not written
    page.click("#confirm")
    page.wait_for_selector("#written")
    (cadre,) = _people(workbench, "林晓雯")
    with open_store(workbench.store) as store:
        (proposal,) = [p for p in store.iter_nodes("Proposal") if p["cadre_id"] == cadre["id"]]
        assert proposal["appoint"] == "东江区兴口镇党委书记" and proposal["status"] == "拟任"
    # Audited: the check, the review and the write, each naming her.
    token = path.rsplit("/", 1)[1]
    for route, action in ((f"/imports/{token}/confirm", "import_write"),
                          (path, "import_review")):  # fmt: skip
        entries = audit_entries(workbench, route)
        assert entries and entries[-1]["action"] == action, (route, entries)
        assert cadre["id"] in entries[-1]["subjects"]
    # The profile shows the proposal and the photo (an editor's role sees photos).
    page.goto(f"{workbench.base}/cadres/{cadre['id']}")
    assert "东江区兴口镇党委书记" in page.inner_text("section.proposals")
    assert page.locator("img.photo").count() == 1
    image = context.request.get(f"{workbench.base}/cadres/{cadre['id']}/photo")
    assert image.status == 200 and image.body() == photo
    assert image.headers["content-type"] == "image/jpeg"
    shown = audit_entries(workbench, f"/cadres/{cadre['id']}/photo")[-1]
    assert shown["subjects"] == [cadre["id"]]
    assert base64.b64encode(photo).decode()[:40] not in str(shown)  # never in the audit text
    # The appointments under way list her; an editor marks the proposal withdrawn.
    page.goto(f"{workbench.base}/proposals")
    assert page.locator("header nav a.on").inner_text() == "在办任免"
    row = page.locator("table.proposals tbody tr", has_text="林晓雯")
    row.locator("button", has_text="标记撤回").click()
    page.wait_for_url(re.compile(r".*/proposals\?status=%E6%92%A4%E5%9B%9E&v=\d+#notice$"))  # 撤回
    assert "林晓雯" in page.inner_text("table.proposals")
    with open_store(workbench.store) as store:
        assert store.get_node("Proposal", proposal["id"])["status"] == "撤回"  # type: ignore[index]
    (entry,) = audit_entries(workbench, f"/proposals/{proposal['id']}/status")
    assert entry["subjects"] == [cadre["id"]] and entry["action"] == "proposal_status"


def test_a_cancelled_upload_writes_nothing(context: BrowserContext, workbench: Workbench) -> None:
    page = sign_in(context, workbench, "editor")
    path = _upload(page, workbench, [("林国栋.lrmx", lrmx_bytes(FATHER))])
    assert "干部新建 1" in page.inner_text("#summary")
    version = _version(workbench)
    page.click("#cancel")
    page.wait_for_url(f"{workbench.base}/imports?cancelled=1")
    assert "已取消这次导入" in page.inner_text("main")
    assert not _people(workbench, "林国栋") and _version(workbench) == version
    gone = page.goto(workbench.base + path)
    assert gone is not None and gone.status == 404
    (entry,) = audit_entries(workbench, f"{path}/cancel")
    assert entry["action"] == "import_cancel"


def _version(workbench: Workbench) -> int:
    with open_store(workbench.store) as store:
        return store.version()


def test_problems_are_shown_with_file_row_and_field_and_block_the_write(
    context: BrowserContext, workbench: Workbench
) -> None:
    page = sign_in(context, workbench, "editor")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "花名册"
    sheet.append(["东江区科级干部花名册"])
    sheet.append(["序号", "姓名", "性别", "出生年月", "学历学位", None, "现任职务"])
    sheet.append([None, None, None, None, "全日制", "在职", None])
    sheet.append([1, "赵一鸣", "男", "1990.13", "大学本科 法学学士", None, "东江区兴口镇副镇长"])
    buffer = BytesIO()
    book.save(buffer)
    _upload(page, workbench, [("花名册.xlsx", buffer.getvalue())])
    assert "不能导入" in page.inner_text("#blocked")
    assert page.locator("#confirm").count() == 0
    rows = page.locator("section.problems tbody tr").all_inner_texts()
    assert any("花名册.xlsx[花名册] 第4行" in row and "出生年月" in row for row in rows), rows
    # A table: the problem names its file, row and column.
    table = "干部编号,年度,等次,考核编号\nC000001,2025,很好,A-X1\n".encode()
    _upload(page, workbench, [("考核.csv", table)])
    (problem,) = page.locator("section.problems tbody tr").all_inner_texts()
    assert "考核.csv" in problem and "2" in problem and "等次" in problem
    assert page.locator("#confirm").count() == 0


def test_a_table_upload_writes_on_confirmation(
    context: BrowserContext, workbench: Workbench
) -> None:
    page = sign_in(context, workbench, "editor")
    table = "干部编号,年度,等次,考核编号\nC000001,2030,优秀,A-PAGE-2030\n".encode()
    _upload(page, workbench, [("考核.csv", table)])
    assert "assessments 1 行" in page.inner_text("#summary") or "1 行" in page.inner_text(
        "#summary"
    )
    page.click("#confirm")
    page.wait_for_selector("#written")
    with open_store(workbench.store) as store:
        assert store.get_node("Assessment", "A-PAGE-2030") is not None


def test_only_editors_import(context: BrowserContext, workbench: Workbench) -> None:
    page = sign_in(context, workbench, "viewer")
    assert page.locator("header nav >> text=导入").count() == 0
    refused = page.goto(f"{workbench.base}/imports")
    assert refused is not None and refused.status == 403
    assert "没有修改数据的权限" in page.inner_text("main")


def test_a_saved_plan_makes_its_proposals_once(
    context: BrowserContext, workbench: Workbench
) -> None:
    from tests.web.test_meeting import table_rows

    page = sign_in(context, workbench, "editor")
    page.goto(f"{workbench.base}/round?run=1&all=1")
    page.fill("form.save-plan input[name=name]", "十二月拟任方案")
    page.click("form.save-plan button[type=submit]")
    page.wait_for_url(re.compile(r".*/round/plans/\d+\?saved=1"))
    plan_path = page.url.split("?")[0].removeprefix(workbench.base)
    appointees = [r for r in table_rows(page, "r") if r[3] != "未配"]
    assert appointees

    def made() -> list[dict[str, Any]]:
        with open_store(workbench.store) as store:
            source = "整体方案：十二月拟任方案"
            return [p for p in store.iter_nodes("Proposal") if p.get("source") == source]

    assert made() == []
    for _ in range(2):  # making them again updates, never doubles
        page.goto(workbench.base + plan_path)
        page.click("#make-proposals")
        page.wait_for_url(re.compile(r".*/proposals\?made=\d+&plan=.*&v=\d+#notice$"))
        assert f"提出任免建议 {len(appointees)} 条" in page.inner_text("#notice")
        proposals = made()
        assert len(proposals) == len(appointees)
        assert all(p["status"] == "拟任" and p["post_id"] and p["appoint"] for p in proposals)
    shown = page.inner_text("table.proposals")
    assert all(r[3].split("\n")[0] in shown for r in appointees)  # the list of 在办任免
    (entry, *_) = audit_entries(workbench, f"{plan_path}/proposals")
    assert entry["action"] == "plan_proposals"
    assert {p["cadre_id"] for p in proposals} <= set(entry["subjects"])


def test_an_upload_without_the_form_token_is_refused(
    context: BrowserContext, workbench: Workbench
) -> None:
    page = sign_in(context, workbench, "editor")
    page.goto(f"{workbench.base}/imports")
    token = page.locator("#upload input[name=csrf]").get_attribute("value")
    assert token
    form = {"name": "林国栋.lrmx", "mimeType": "application/xml", "buffer": lrmx_bytes(FATHER)}
    refused = context.request.post(
        f"{workbench.base}/imports", multipart={"files": form}, max_redirects=0
    )
    assert refused.status == 403 and "防伪令牌" in refused.text()
    taken = context.request.post(
        f"{workbench.base}/imports", multipart={"csrf": token, "files": form}, max_redirects=0
    )
    assert taken.status == 303 and REVIEW.match(taken.headers["location"])
