"""The forms router over real HTTP: uvicorn on a loopback port, bearer tokens, the audit log."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from api.app import API_PREFIX, create_app
from api.routers import forms
from graphsvc.access import AccessStore
from graphsvc.settings import get_settings
from graphsvc.stores import open_store
from tests.forms.kit import DAUGHTER, FATHER, base_district, lrmx_bytes
from tests.service import free_port


@pytest.fixture
def api(tmp_path: Path) -> Iterator[tuple[str, dict[str, str], Path]]:
    store_url = str(tmp_path / "graph.db")
    access_db = tmp_path / "access.db"
    with open_store(store_url) as store:
        base_district(store)
    tokens: dict[str, str] = {}
    with AccessStore(access_db) as access:
        for role in ("viewer", "analyst", "editor"):
            tokens[role] = access.create_token(name=f"t-{role}", role=role)
    settings = get_settings().model_copy(update={"store": store_url, "access_db": access_db})
    app = create_app(settings)
    app.include_router(forms.router, prefix=API_PREFIX)  # as api/app.py will
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}{API_PREFIX}", tokens, access_db
    finally:
        server.should_exit = True
        thread.join(timeout=20)


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_upload_then_read_the_form_by_role(api: tuple[str, dict[str, str], Path]) -> None:
    base, tokens, access_db = api
    files = [
        ("files", ("daughter.lrmx", lrmx_bytes(DAUGHTER), "application/xml")),
        ("files", ("father.lrmx", lrmx_bytes(FATHER), "application/xml")),
    ]
    denied = httpx.post(f"{base}/forms", files=files, headers=_auth(tokens["viewer"]))
    assert denied.status_code == 403
    uploaded = httpx.post(f"{base}/forms", files=files, headers=_auth(tokens["editor"]))
    assert uploaded.status_code == 200, uploaded.text
    report = uploaded.json()
    assert report["cadres"]["created"] == 2 and report["written"]
    daughter = next(
        m["id"] for m in report["matched"] if m["kind"] == "亲属" and m["name"] == "林晓雯"
    )

    viewer = httpx.get(
        f"{base}/cadres/{daughter}/form", params={"format": "lrmx", "post": "P1"},
        headers=_auth(tokens["viewer"]),
    )  # fmt: skip
    assert viewer.status_code == 200
    assert "<NiRenZhiWu>东江区兴口镇党委书记</NiRenZhiWu>" in viewer.text
    assert "990102198705120023" not in viewer.text and "林国栋" not in viewer.text  # masked
    analyst = httpx.get(
        f"{base}/cadres/{daughter}/form", params={"format": "html"},
        headers=_auth(tokens["analyst"]),
    )  # fmt: skip
    assert analyst.status_code == 200 and "林国栋" in analyst.text
    missing = httpx.get(f"{base}/cadres/NOPE/form", headers=_auth(tokens["viewer"]))
    assert missing.status_code == 404
    with AccessStore(access_db) as access:
        entries, _ = access.query_audit(subject=daughter)
    assert {"read_form", "upload_forms"} <= {entry["action"] for entry in entries}


def test_a_bad_upload_is_rejected_whole(api: tuple[str, dict[str, str], Path]) -> None:
    base, tokens, access_db = api
    files = [
        ("files", ("good.lrmx", lrmx_bytes(FATHER), "application/xml")),
        ("files", ("bad.lrmx", b"<Person><XingMing>", "application/xml")),
    ]
    response = httpx.post(f"{base}/forms", files=files, headers=_auth(tokens["editor"]))
    assert response.status_code == 422
    (problem,) = response.json()["errors"]
    assert problem["field"] == "bad.lrmx" and "不完整" in problem["message"]
    with open_store(str(Path(access_db).parent / "graph.db")) as store:
        assert not list(store.iter_nodes("Cadre"))
