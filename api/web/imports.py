"""导入: editors upload forms, a roster or tables, see the review, then confirm or cancel.

The upload is read as the API reads it (:func:`api.routers.forms.receive_form_uploads`:
streamed, one upload slot, the same limits as ``POST /api/v1/forms``; its csrf token comes
in the same body), kept in a folder of its own for its editor
(a random name, readable by the service alone), and checked at once
(:func:`loaders.forms.uploads.review_upload`): the review shows what matched, what would
be created, what is ambiguous with its choices, and every problem with file, row and
field, as ``graphsvc import-forms`` prints it. 确认导入 writes it through the same
validation, all or nothing, one writer at a time; 取消 throws the files away. Every step
is audited with the people it touches. Uploads nobody confirmed are removed after a day.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path, PurePath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from api.deps import SettingsDep
from api.routers.forms import receive_form_uploads
from api.uploads import write_in_turn
from api.web import data
from api.web.deps import PageError, allowed, check_csrf, shown
from api.web.render import render
from graphsvc.access import Session
from loaders.forms.review import REVIEW_SECTIONS
from loaders.forms.uploads import review_upload

router = APIRouter()

WriteDep = Annotated[Session, Depends(allowed("write"))]
STAGING = Path(tempfile.gettempdir()) / "graphsvc-imports"
KEPT_SECONDS = 24 * 3600  # an upload nobody confirmed or cancelled
_TOKEN = r"^[A-Za-z0-9_-]{16,64}$"


def _checked(token: str) -> str:
    if not re.fullmatch(_TOKEN, token):
        raise PageError(404, "没有这次导入，或它已完成、已取消、已过期。")
    return token


TokenDep = Annotated[str, Depends(_checked)]


def _folder(token: str) -> Path:
    return STAGING / token


def _meta(token: str, session: Session) -> dict[str, Any]:
    """The upload's record; only its own editor sees it (anyone else: as if it did not exist)."""
    path = _folder(token) / "meta.json"
    if not path.exists():
        raise PageError(404, "没有这次导入，或它已完成、已取消、已过期。")
    meta: dict[str, Any] = json.loads(path.read_text("utf-8"))
    if meta.get("user") != session.user:
        raise PageError(404, "没有这次导入，或它已完成、已取消、已过期。")
    return meta


def _save(token: str, meta: dict[str, Any]) -> None:
    path = _folder(token) / "meta.json"
    path.write_text(json.dumps(meta, ensure_ascii=False, default=str), encoding="utf-8")


def _sweep() -> None:
    """Uploads left longer than :data:`KEPT_SECONDS` go (they hold personal data)."""
    if not STAGING.exists():
        return
    cutoff = time.time() - KEPT_SECONDS
    for folder in STAGING.iterdir():
        if folder.is_dir() and folder.stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)


def _stage(uploads: list[tuple[str, bytes]], user: str) -> str:
    names = [PurePath(name.replace("\\", "/")).name for name, _ in uploads]
    if any(not name or name.startswith(".") for name in names) or len(set(names)) < len(names):
        raise PageError(400, "文件名为空、以“.”开头或有重名，请改名后重新上传。")
    _sweep()
    STAGING.mkdir(mode=0o700, parents=True, exist_ok=True)
    token = secrets.token_urlsafe(24)
    files = _folder(token) / "files"
    files.mkdir(mode=0o700, parents=True)
    for name, (_, content) in zip(names, uploads, strict=True):
        (files / name).write_bytes(content)
    _save(token, {"user": user, "names": names, "state": "checked", "uploaded": time.time()})
    return token


@router.get("/imports")
def upload_page(
    request: Request,
    session: WriteDep,
    settings: SettingsDep,
    cancelled: Annotated[bool, Query()] = False,
) -> Response:
    shown(request, "page:imports")
    return render(
        request,
        "imports.html",
        title="导入",
        session=session,
        cancelled=cancelled,
        limit_mb=settings.forms_upload_max_mb,
    )


@router.post("/imports")
async def upload(request: Request, session: WriteDep, settings: SettingsDep) -> Response:
    # No body parameter: the session is checked before a byte of the body is read.
    sent: dict[str, str] = {}
    uploads = await receive_form_uploads(request, settings, fields=sent)
    check_csrf(session, sent.get("csrf"))
    token = _stage(uploads, session.user)
    store = data.store(request)
    review = await run_in_threadpool(
        review_upload, store=store, folder=_folder(token) / "files", write=False
    )
    meta = _meta(token, session)
    meta["review"] = review
    _save(token, meta)
    shown(request, "import_check", review.get("cadre_ids", []))
    return RedirectResponse(f"/imports/{token}", status_code=303)


@router.get("/imports/{token}")
def review_page(
    request: Request,
    session: WriteDep,
    token: TokenDep,
) -> Response:
    meta = _meta(token, session)
    review: dict[str, Any] = meta["review"]
    shown(request, "import_review", review.get("cadre_ids", []))
    sections = [
        (key, title, columns, review.get(key, []))
        for key, title, columns in REVIEW_SECTIONS
        if key not in {"problems", "warnings"} and review.get(key)
    ]
    return render(
        request,
        "import_review.html",
        title="导入检查结果" if meta["state"] != "written" else "导入完成",
        session=session,
        token=token,
        meta=meta,
        review=review,
        sections=sections,
        today=date.today(),
    )


@router.post("/imports/{token}/confirm")
async def confirm(
    request: Request, session: WriteDep, token: TokenDep, csrf: Annotated[str, Form()] = ""
) -> Response:
    check_csrf(session, csrf)
    meta = _meta(token, session)
    if meta["state"] == "written":
        return RedirectResponse(f"/imports/{token}", status_code=303)
    if meta["review"].get("problems"):
        raise PageError(409, "检查发现问题，不能导入；请改正文件后重新上传。")
    store = data.store(request)

    def write() -> dict[str, Any]:
        # Read and validated beside other requests; the write lock only to write (as the API).
        return write_in_turn(
            store,
            request.app.state.write_lock,
            lambda graph: review_upload(store=graph, folder=_folder(token) / "files", write=True),
        )

    review = await run_in_threadpool(write)
    shown(request, "import_write", review.get("cadre_ids", []))
    meta["review"] = review
    if review.get("written"):
        meta["state"] = "written"
        meta["version"] = store.version()
        shutil.rmtree(_folder(token) / "files", ignore_errors=True)  # the review stays
    else:
        meta["state"] = "refused"  # the graph changed since the check: said on the page
    _save(token, meta)
    return RedirectResponse(f"/imports/{token}", status_code=303)


@router.post("/imports/{token}/cancel")
async def cancel(
    request: Request, session: WriteDep, token: TokenDep, csrf: Annotated[str, Form()] = ""
) -> Response:
    check_csrf(session, csrf)
    meta = _meta(token, session)
    if meta["state"] == "written":
        raise PageError(409, "这次导入已经写入，不能取消。")
    shown(request, "import_cancel", meta["review"].get("cadre_ids", []))
    shutil.rmtree(_folder(token), ignore_errors=True)
    return RedirectResponse("/imports?cancelled=1", status_code=303)
