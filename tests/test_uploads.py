"""Uploads that cannot sink the server (issue 19, item 1).

A refused upload is refused before its body is read (no token, a role without the write
permission, a declared length over the limit) and a body without a declared length is read
only up to the limit; a workbook is read within limits on its decompressed size, rows and
cells while other writes and reads go on; the read stops when the client goes away;
uploads at once are limited; every damaged file is a Chinese problem naming the file, never
a 500 and never a server path, with nothing written, over HTTP and on the command line.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from api.app import create_app
from cli import app as graphsvc
from graphsvc.access import AccessStore
from graphsvc.settings import get_settings
from graphsvc.stores import open_store
from loaders.load import load_paths
from tests.service import make_token, running_service
from tests.upload_kit import (
    ASSESSMENT_HEADER,
    damaged_forms,
    damaged_tables,
    damaged_workbooks,
    mixed_rows,
    multipart,
    ratio_bomb,
    sheet_xml,
    stream_upload,
    xlsx,
)

MIB = 1024 * 1024
LIMIT_MB = 16
LIMITS = {
    "GRAPHSVC_UPLOAD_MAX_MB": str(LIMIT_MB),
    "GRAPHSVC_FORMS_UPLOAD_MAX_MB": "2",
    "GRAPHSVC_WORKBOOK_MAX_UNZIPPED_MB": "24",
    "GRAPHSVC_TABLE_MAX_CELLS": "120000",
    "GRAPHSVC_UPLOADS_AT_ONCE": "1",
}
CHINESE = re.compile(r"[\u4e00-\u9fff]")
SERVER_PATHS = re.compile(r"/tmp|graphsvc-upload|graphsvc-forms|site-packages|Traceback")


@dataclass
class Guarded:
    base: str
    store: str
    access_db: Path
    tokens: dict[str, str]

    def client(self, role: str | None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.tokens[role]}"} if role else {}
        return httpx.Client(base_url=f"{self.base}/api/v1", headers=headers, timeout=300)

    def version(self) -> int:
        with open_store(self.store) as graph:
            return graph.version()


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory, small_sample_dir: Path) -> Iterator[Guarded]:
    """The service with small limits (16 MB uploads, 24 MB unzipped, 120,000 cells, one
    upload at a time) over the 400-cadre district."""
    folder = tmp_path_factory.mktemp("uploads")
    store, access_db = str(folder / "graph.db"), folder / "access.db"
    with open_store(store) as graph:
        load_paths(graph, [small_sample_dir])
    tokens = {role: make_token(access_db, role, f"up-{role}") for role in ("viewer", "editor")}
    with running_service(store, access_db, **LIMITS) as base:
        yield Guarded(base, store, access_db, tokens)


# ----------------------------------------------------------- refused before the body


def _asgi_upload(
    headers: dict[str, str],
    total: int,
    *,
    path: str = "/api/v1/load",
    content_type: str | None = None,
    **settings: Any,
) -> tuple[int, int]:
    """POST a ``total``-byte body to ``path`` of the app itself (ASGI, in this process; a
    multipart upload unless ``content_type`` says otherwise) and count exactly how many
    body bytes the app asked for: (status, bytes read)."""
    app = create_app(get_settings().model_copy(update=settings))
    boundary = "b0undary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="考核.csv"\r\n\r\n'
    ).encode()
    block = 64 * 1024
    state = {"read": 0, "status": 0}

    async def receive() -> dict[str, Any]:
        if state["read"] >= total:
            await asyncio.sleep(3600)  # nothing more: as a client that waits
        chunk = head if state["read"] == 0 else b"x" * min(block, total - state["read"])
        state["read"] += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": state["read"] < total}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            state["status"] = message["status"]

    raw = [
        (b"content-type", (content_type or f"multipart/form-data; boundary={boundary}").encode())
    ]
    raw += [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": raw,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }

    async def call() -> None:
        async with app.router.lifespan_context(app):
            await asyncio.wait_for(app(scope, receive, send), timeout=600)

    asyncio.run(call())
    return state["status"], state["read"]


def test_an_upload_is_refused_before_its_body_is_read(tmp_path: Path) -> None:
    access_db = tmp_path / "access.db"
    with AccessStore(access_db) as access:
        viewer = access.create_token(name="v", role="viewer")
        editor = access.create_token(name="e", role="editor")
    settings = {"store": str(tmp_path / "g.db"), "access_db": access_db, "upload_max_mb": 16}
    huge = 300 * MIB
    # No token, a token without the write permission: refused having read nothing.
    assert _asgi_upload({"content-length": str(huge)}, huge, **settings) == (401, 0)
    bearer = {"authorization": f"Bearer {viewer}", "content-length": str(huge)}
    assert _asgi_upload(bearer, huge, **settings) == (403, 0)
    # A declared length over the limit: refused before reading, too.
    bearer = {"authorization": f"Bearer {editor}", "content-length": str(huge)}
    assert _asgi_upload(bearer, huge, **settings) == (413, 0)
    # No declared length (chunked): read up to the limit, not a block more.
    bearer = {"authorization": f"Bearer {editor}", "transfer-encoding": "chunked"}
    status, read = _asgi_upload(bearer, huge, **settings)
    assert status == 413 and 16 * MIB <= read <= 16 * MIB + 64 * 1024


def test_a_json_body_over_the_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    """A JSON write (not an upload) is refused over ``body_max_mb`` by its declared length
    having read nothing, signed in or not (the body would be parsed before the token is
    checked), and a chunked one stops being read at the limit."""
    access_db = tmp_path / "access.db"
    with AccessStore(access_db) as access:
        editor = access.create_token(name="e", role="editor")
    settings = {"store": str(tmp_path / "g.db"), "access_db": access_db, "body_max_mb": 2}
    json_post = {"path": "/api/v1/records/cadres", "content_type": "application/json"}
    huge = 300 * MIB
    assert _asgi_upload({"content-length": str(huge)}, huge, **json_post, **settings) == (413, 0)
    bearer = {"authorization": f"Bearer {editor}", "content-length": str(huge)}
    assert _asgi_upload(bearer, huge, **json_post, **settings) == (413, 0)
    bearer = {"authorization": f"Bearer {editor}", "transfer-encoding": "chunked"}
    status, read = _asgi_upload(bearer, huge, **json_post, **settings)
    assert status == 413 and 2 * MIB <= read <= 2 * MIB + 64 * 1024
    # Under the limit, the body is read and answered as before (here: not JSON, 400).
    small = 1000
    bearer = {"authorization": f"Bearer {editor}", "content-length": str(small)}
    assert _asgi_upload(bearer, small, **json_post, **settings)[0] == 400


def test_over_http_a_refused_upload_takes_no_more_than_the_limit(guarded: Guarded) -> None:
    url = f"{guarded.base}/api/v1/load"
    huge = 300 * MIB
    status, sent = stream_upload(url, headers={}, total=huge)
    # What the socket took is what was in flight when the server answered: the kernel's
    # buffers, not the body (the server read none of it).
    assert status == 401 and sent <= LIMIT_MB * MIB, sent
    viewer = {"Authorization": f"Bearer {guarded.tokens['viewer']}"}
    status, sent = stream_upload(url, headers=viewer, total=huge)
    assert status == 403 and sent <= LIMIT_MB * MIB, sent
    editor = {"Authorization": f"Bearer {guarded.tokens['editor']}"}
    status, sent = stream_upload(url, headers=editor, total=huge)
    assert status == 413 and sent <= LIMIT_MB * MIB, sent
    status, sent = stream_upload(url, headers=editor, total=huge, chunked=True)
    assert status == 413 and sent < huge // 4, sent  # the limit read, plus buffers
    answer = guarded.client("editor").post(
        "/load", files={"file": ("考核.csv", b"x" * (LIMIT_MB * MIB + 1))}
    )
    assert answer.status_code == 413
    assert answer.json()["detail"] == (
        f"上传的内容超过上限{LIMIT_MB} MB（设置 GRAPHSVC_UPLOAD_MAX_MB）：请拆分后分批上传"
    )


# ----------------------------------------------------------------- workbook limits


def test_a_zip_bomb_is_refused_by_its_expansion(guarded: Guarded) -> None:
    before = guarded.version()
    with guarded.client("editor") as editor:
        bomb = ratio_bomb(16)  # 16 MiB (within the size allowed) from about 40 KiB
        answer = editor.post("/load", files={"file": ("考核.xlsx", bomb)})
        assert answer.status_code == 413, answer.text
        assert "考核.xlsx" in answer.json()["detail"] and "倍" in answer.json()["detail"]
        # Within the ratio but over the decompressed size allowed (24 MiB).
        wide = mixed_rows(320_000)
        answer = editor.post("/load", files={"file": ("考核.xlsx", wide)})
        assert answer.status_code == 413, answer.text
        assert "GRAPHSVC_WORKBOOK_MAX_UNZIPPED_MB" in answer.json()["detail"]
    assert guarded.version() == before


def test_a_workbook_past_the_cell_limit_is_stopped_while_writes_and_reads_go_on(
    guarded: Guarded,
) -> None:
    """Rows past the cell limit stop the read; meanwhile the write lock is free: an
    assessment written and a search made during the read both answer before it."""
    heavy = mixed_rows(45_000)  # 180,000 cells against a limit of 120,000
    before = guarded.version()
    finished: dict[str, float] = {}
    with guarded.client("editor") as editor, ThreadPoolExecutor(max_workers=3) as pool:

        def upload() -> httpx.Response:
            answer = editor.post("/load", files={"file": ("考核.xlsx", heavy)})
            finished["upload"] = time.monotonic()
            return answer

        uploading = pool.submit(upload)
        time.sleep(0.5)  # the body is on its way; the server reads the workbook

        def write() -> httpx.Response:
            answer = editor.post(
                "/cadres/C000001/assessments", json={"year": 2019, "grade": "优秀"}
            )
            finished["write"] = time.monotonic()
            return answer

        def read() -> httpx.Response:
            answer = editor.get("/cadres", params={"limit": 1})
            finished["read"] = time.monotonic()
            return answer

        writing, reading = pool.submit(write), pool.submit(read)
        assert writing.result().status_code == 200, writing.result().text
        assert reading.result().status_code == 200
        refused = uploading.result()
    assert refused.status_code == 413, refused.text
    assert "GRAPHSVC_TABLE_MAX_CELLS" in refused.json()["detail"]
    assert finished["write"] < finished["upload"] and finished["read"] < finished["upload"]
    assert guarded.version() == before + 1  # the assessment; nothing of the workbook


def _audited(guarded: Guarded, path: str, status: int) -> list[dict[str, Any]]:
    with AccessStore(guarded.access_db) as access:
        entries, _ = access.query_audit(who="up-editor", limit=200)
    return [e for e in entries if e["path"] == path and e["status"] == status]


def test_a_client_that_goes_away_stops_the_read_and_another_upload_waits_its_turn(
    guarded: Guarded,
) -> None:
    workbook = mixed_rows(29_000)  # within the limits: read whole, it would be loaded
    head, tail = multipart("file", "考核.xlsx", workbook)
    body = head + tail
    before, gone_before = guarded.version(), len(_audited(guarded, "/api/v1/load", 499))
    request = (
        "POST /api/v1/load HTTP/1.1\r\nHost: x\r\n"
        f"Authorization: Bearer {guarded.tokens['editor']}\r\n"
        "Content-Type: multipart/form-data; boundary=graphsvc-test\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    port = int(guarded.base.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port)) as leaving:
        leaving.sendall(request + body)
        time.sleep(0.3)
        # The one upload slot is taken: a second upload is turned away, not queued.
        busy = guarded.client("editor").post("/load", files={"file": ("考核.xlsx", workbook)})
        assert busy.status_code == 503, busy.text
        assert "GRAPHSVC_UPLOADS_AT_ONCE" in busy.json()["detail"]
        assert busy.headers["retry-after"]
    # The client has gone: the read stops, the call is audited as 499, nothing is written.
    deadline = time.monotonic() + 600
    while len(_audited(guarded, "/api/v1/load", 499)) == gone_before:
        assert time.monotonic() < deadline, "the abandoned upload was never stopped"
        time.sleep(0.5)
    assert guarded.version() == before


# ------------------------------------------------------------------- damaged files


def _refused_clearly(answer: httpx.Response, name: str) -> None:
    assert answer.status_code in {400, 413, 422}, (name, answer.status_code, answer.text)
    body = answer.json()
    assert set(body) == {"detail", "errors"}, body
    text = json.dumps(body, ensure_ascii=False)
    assert CHINESE.search(body["detail"]), (name, body)
    assert name in text, (name, body)  # which file
    assert not SERVER_PATHS.search(text), (name, body)  # no server path, no trace


def _as_table(name: str) -> str:
    """A damaged CSV file named as a table (考核-random.csv → 考核.csv): what is tried is
    its content, not its name; unknown.csv keeps its name (a table nobody knows)."""
    return "考核.csv" if name.endswith(".csv") and name != "unknown.csv" else name


def test_upload_fuzz_damaged_files_are_refused_with_nothing_written(guarded: Guarded) -> None:
    """Cut, random, nested, bombed, entity-laden workbooks, tables and forms: never a 500,
    always which file and why in Chinese, and the graph unchanged."""
    before = guarded.version()
    with guarded.client("editor") as editor:
        for name, data in {**damaged_workbooks(), **damaged_tables()}.items():
            stored = _as_table(name)
            answer = editor.post("/load", files={"file": (stored, data)})
            _refused_clearly(answer, stored)
            if "laughs" in name or "xxe" in name:  # entities: refused, never expanded
                assert "实体" in answer.json()["detail"], answer.json()
        for name, data in damaged_forms().items():
            answer = editor.post("/forms", files=[("files", (name, data))])
            _refused_clearly(answer, name)
            if "laughs" in name or "xxe" in name:
                assert "实体" in answer.json()["detail"], answer.json()
    assert guarded.version() == before


def test_a_header_only_table_is_loaded_with_a_warning(guarded: Guarded) -> None:
    with guarded.client("editor") as editor:
        empty_sheet = xlsx(sheet_xml([ASSESSMENT_HEADER]))
        for name, data in (
            ("考核.csv", "考核编号,干部编号,年度,等次\n".encode()),
            ("考核.xlsx", empty_sheet),
        ):
            answer = editor.post("/load", files={"file": (name, data)})
            assert answer.status_code == 200, answer.text
            assert any("只有表头，没有数据行" in w for w in answer.json()["warnings"]), (
                answer.json()
            )


def test_forms_upload_answers_in_chinese(guarded: Guarded) -> None:
    from tests.forms.kit import DAUGHTER, lrmx_bytes

    with guarded.client("editor") as editor:
        answer = editor.post(
            "/forms",
            params={"dry_run": True},
            files=[("files", ("女儿.lrmx", lrmx_bytes(DAUGHTER)))],
        )
        assert answer.status_code in {200, 422}, answer.text
        if answer.status_code == 200:
            assert (
                answer.json()["message"].startswith("1 个文件：")
                and "试运行" in answer.json()["message"]
            )
        else:
            assert CHINESE.search(answer.json()["detail"]), answer.json()
        too_big = editor.post("/forms", files=[("files", ("大.lrmx", b"<" * (3 * MIB)))])
        assert too_big.status_code == 413 and CHINESE.search(too_big.json()["detail"])


def test_damaged_files_on_the_command_line_are_problems_not_tracebacks(tmp_path: Path) -> None:
    runner = CliRunner()
    store = str(tmp_path / "graph.db")
    for name, data in {**damaged_workbooks(), **damaged_tables()}.items():
        path = tmp_path / _as_table(name)
        path.write_bytes(data)
        result = runner.invoke(graphsvc, ["load", str(path), "--store", store])
        assert result.exit_code == 1, (name, result.output, result.exception)
        assert isinstance(result.exception, SystemExit), (name, result.exception)
        assert CHINESE.search(result.output) and "Traceback" not in result.output, name
        path.unlink()
    for name, data in damaged_forms().items():
        path = tmp_path / name
        path.write_bytes(data)
        result = runner.invoke(graphsvc, ["import-forms", str(path), "--store", store])
        assert result.exit_code == 1 and isinstance(result.exception, SystemExit), (
            name,
            result.output,
        )
        assert "问题" in result.output and "Traceback" not in result.output, name
        path.unlink()
    roster = tmp_path / "花名册.xlsx"
    for name, data in damaged_workbooks().items():
        roster.write_bytes(data)
        result = runner.invoke(graphsvc, ["import-forms", str(roster), "--store", store])
        assert result.exit_code == 1 and isinstance(result.exception, SystemExit), (
            name,
            result.output,
        )
    assert not Path(store).exists()  # nothing was ever written
