"""Uploads that cannot sink the server, and writes that hold the lock only to write.

An upload route takes no body parameter, so its dependencies (token, role) run before a
byte of the body is read; :func:`receive_files` then refuses a ``Content-Length`` over the
limit before reading, takes one of the process's upload slots (503 when all are busy),
streams the multipart body to disk counting bytes, and stops at the limit (413). Early
refusals close the connection (:class:`CloseUnreadBody`) so that the rest of a body is
never read. The work runs in a thread that stops when the client goes away
(:func:`run_while_connected`), and :func:`write_in_turn` lets it read and validate beside
other requests, taking the write lock only for the write.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar, cast

from fastapi import HTTPException, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.schemas import ERRORS
from graphsvc.exports import safe_file_name
from graphsvc.stores import GraphStore

__all__ = [
    "CLIENT_GONE",
    "CloseUnreadBody",
    "UploadSlots",
    "multipart_body",
    "receive_files",
    "run_while_connected",
    "upload_slot",
    "write_in_turn",
]

T = TypeVar("T")
_MIB = 1024 * 1024
CLIENT_GONE = 499  # as nginx logs it: the client closed the connection before the answer


class UploadSlots:
    """How many uploads this process reads at once; past that an upload is refused (503)
    rather than queued, so that six large uploads cannot take the memory and disk at once.
    Used on the event loop only (no lock needed)."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.busy = 0

    @contextmanager
    def take(self) -> Iterator[None]:
        if self.busy >= self.count:
            raise HTTPException(
                status_code=503,
                detail=f"服务器正在处理其他上传（同时最多{self.count}个，设置 "
                "GRAPHSVC_UPLOADS_AT_ONCE），请稍后重试",
                headers={"Retry-After": "10"},
            )
        self.busy += 1
        try:
            yield
        finally:
            self.busy -= 1


class _TooLarge(Exception):
    pass


def _too_large(limit_mb: int, setting: str) -> HTTPException:
    return HTTPException(
        status_code=413,
        detail=f"上传的内容超过上限{limit_mb} MB（设置 {setting}）：请拆分后分批上传",
    )


async def _counted(chunks: AsyncIterator[bytes], limit: int) -> AsyncGenerator[bytes, None]:
    received = 0
    async for chunk in chunks:
        received += len(chunk)
        if received > limit:
            raise _TooLarge
        yield chunk


def _file_name(given: str | None) -> str:
    # The last part of what the client called it (either separator), made a safe name.
    return safe_file_name(re.split(r"[\\/]", given or "")[-1], fallback="")


@contextmanager
def upload_slot(request: Request) -> Iterator[None]:
    """One of the process's upload slots for the length of a ``with`` (503 if none)."""
    slots: UploadSlots = request.app.state.upload_slots
    with slots.take():
        yield


async def receive_files(
    request: Request,
    folder: Path,
    *,
    field: str,
    limit_mb: int,
    setting: str,
    max_files: int = 1,
    fields: dict[str, str] | None = None,
) -> list[tuple[str, Path]]:
    """Stream the multipart body's files of ``field`` into ``folder``; their names (made
    safe) and paths. Call inside :func:`upload_slot`. ``fields``, if given, receives the
    body's text fields (a page's csrf token: it comes in the same body).

    Raises
    ------
    HTTPException
        413 over ``limit_mb`` (by ``Content-Length`` before reading, or while reading); 400
        for a body that is not multipart or cannot be parsed; 422 without a file in
        ``field``; 499 when the client went away.
    """
    limit = limit_mb * _MIB
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > limit:
        raise _too_large(limit_mb, setting)  # said before a byte of the body is read
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise HTTPException(
            status_code=400,
            detail=f"请以 multipart/form-data 上传文件（字段 {field}）",
        )
    parser = MultiPartParser(
        request.headers,
        _counted(request.stream(), limit),
        max_files=max_files,
        max_fields=16,
        max_part_size=64 * 1024,
    )
    try:
        form = await parser.parse()
    except _TooLarge:
        raise _too_large(limit_mb, setting) from None
    except MultiPartException:
        raise HTTPException(
            status_code=400,
            detail=f"上传的内容无法解析（不是完整的 multipart/form-data，或文件超过{max_files}个）",
        ) from None
    except ClientDisconnect:
        raise HTTPException(status_code=CLIENT_GONE, detail="客户端已断开，上传未完成") from None
    saved: list[tuple[str, Path]] = []
    try:
        for name, value in form.multi_items():
            if not isinstance(value, UploadFile):
                if fields is not None:
                    fields[name] = value
                continue
            if name != field:
                continue
            file_name = _file_name(value.filename) or f"上传文件{len(saved) + 1}"
            path = folder / f"{len(saved)}" / file_name  # a folder each: namesakes stay apart
            path.parent.mkdir()
            await run_in_threadpool(_save, value, path)
            saved.append((file_name, path))
    finally:
        await form.close()
    if not saved:
        raise HTTPException(status_code=422, detail=f"没有收到上传的文件（表单字段应为 {field}）")
    return saved


def _save(upload: UploadFile, path: Path) -> None:
    upload.file.seek(0)
    with path.open("wb") as out:
        while block := upload.file.read(_MIB):
            out.write(block)


async def run_while_connected(request: Request, work: Callable[[Callable[[], bool]], T]) -> T:
    """Run ``work(gone)`` in a worker thread; ``gone()`` turns true once the client has
    disconnected, and the work is expected to stop then (reading checks it)."""
    gone = threading.Event()

    async def watch() -> None:
        # The body has been read: the next message the server has for this request is its
        # disconnect. (Request.is_disconnected only peeks, and a middleware's wrapped
        # receive hides what a peek would see.)
        while (await request.receive())["type"] != "http.disconnect":
            pass
        gone.set()

    watcher = asyncio.create_task(watch())
    try:
        return await run_in_threadpool(work, gone.is_set)
    finally:
        watcher.cancel()


class _StaleRead(Exception):
    """Someone wrote between this request's reading and its write."""


class _WriteInTurn:
    """The store, but its write takes the write lock and goes ahead only if nobody has
    written since this request began reading; every other call goes straight through."""

    def __init__(self, store: GraphStore, lock: threading.Lock) -> None:
        self._store = store
        self._lock = lock
        self._seen = store.version()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def write(self, batch: Any, **options: Any) -> Any:
        with self._lock:
            if self._store.version() != self._seen:
                raise _StaleRead
            return self._store.write(batch, **options)


def write_in_turn(store: GraphStore, lock: threading.Lock, action: Callable[[GraphStore], T]) -> T:
    """Run ``action`` (read, validate, write through the store it is given) holding
    ``lock`` only for its write. Should another writer have changed the graph meanwhile,
    what was validated may no longer hold: the action runs again, whole, holding the lock,
    so no two writes ever validate against a state the other is changing."""
    try:
        return action(cast(GraphStore, _WriteInTurn(store, lock)))
    except _StaleRead:
        with lock:
            return action(store)


def multipart_body(field: str, description: str, *, many: bool = False) -> dict[str, Any]:
    """The OpenAPI request body of an upload route (which reads its body itself)."""
    file = {"type": "string", "format": "binary", "description": description}
    schema = {"type": "array", "items": file} if many else file
    return {
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": [field],
                        "properties": {field: schema},
                    }
                }
            },
        }
    }


UPLOAD_ERRORS: dict[int | str, dict[str, Any]] = {
    status: ERRORS[status] for status in (400, 413, 422, 503)
}


def _api_headers(scope: Scope, prefix: str) -> dict[bytes, bytes] | None:
    """The headers of an HTTP request under ``prefix`` (the API); None for anything else."""
    if scope["type"] != "http" or not str(scope.get("path", "")).startswith(prefix):
        return None
    return dict(scope.get("headers", []))


class CloseUnreadBody:
    """ASGI middleware: an answer sent before the request's body was read to its end says
    ``Connection: close``, so the server closes the connection instead of reading (and
    throwing away) the rest: a refused 300 MB upload costs no more than what was in flight."""

    def __init__(self, app: ASGIApp, *, prefix: str) -> None:
        self.app = app
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = _api_headers(scope, self.prefix)
        if headers is None:
            await self.app(scope, receive, send)
            return
        has_body = b"transfer-encoding" in headers or headers.get(b"content-length", b"0") != b"0"
        state = {"read": not has_body}

        async def tracked_receive() -> Message:
            message = await receive()
            ended = message["type"] == "http.request" and not message.get("more_body", False)
            if ended or message["type"] == "http.disconnect":
                state["read"] = True
            return message

        async def closing_send(message: Message) -> None:
            if message["type"] == "http.response.start" and not state["read"]:
                raw = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"connection"]
                message = {**message, "headers": [*raw, (b"connection", b"close")]}
            await send(message)

        await self.app(scope, tracked_receive, closing_send)


class LimitPlainBodies:
    """ASGI middleware: a request body that is not a multipart upload (JSON, a form) is
    refused over ``max_mb``: by its ``Content-Length`` before a byte is read, and a body
    sent in chunks stops being read at the limit. The upload routes read multipart bodies
    to their own limits (:func:`receive_files`); nothing else needs megabytes, and without
    this a client (signed in or not: the body is read before the token is checked) could
    make the server hold and parse hundreds of them."""

    def __init__(self, app: ASGIApp, *, prefix: str, max_mb: int) -> None:
        self.app = app
        self.prefix = prefix
        self.max_mb = max_mb

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = _api_headers(scope, self.prefix)
        if headers is None:
            await self.app(scope, receive, send)
            return
        if headers.get(b"content-type", b"").lower().startswith(b"multipart/form-data"):
            await self.app(scope, receive, send)
            return
        limit = self.max_mb * 1024 * 1024
        length = headers.get(b"content-length", b"")
        if length.isdigit() and int(length) > limit:
            await self._refuse(send)
            return
        state = {"received": 0, "over": False, "refused": False}

        async def counted_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                state["received"] += len(message.get("body", b""))
                if state["received"] > limit:
                    # Read no further: the app sees the body end here, and whatever it
                    # answers is replaced by the refusal below.
                    state["over"] = True
                    return {"type": "http.request", "body": b"", "more_body": False}
            return message

        async def refusing_send(message: Message) -> None:
            if not state["over"]:
                await send(message)
            elif not state["refused"]:
                state["refused"] = True
                await self._refuse(send)

        await self.app(scope, counted_receive, refusing_send)

    async def _refuse(self, send: Send) -> None:
        body = json.dumps(
            {
                "detail": f"请求体超过上限{self.max_mb} MB（设置 GRAPHSVC_BODY_MAX_MB）；"
                "上传文件请用 multipart/form-data 发往上传接口"
            },
            ensure_ascii=False,
        ).encode("utf-8")
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
