"""Downloads: a file with a Chinese name that every browser keeps (RFC 6266's ``filename*``)."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

from fastapi.responses import Response

from api.web.formats import day_text
from graphsvc.exports import safe_file_name

__all__ = ["attachment", "file_name"]


def file_name(title: str, suffix: str, day: date | None = None) -> str:
    """``干部任免建议名单-2026.05.12.xlsx``: the title, the day, the suffix; no path signs."""
    return safe_file_name(f"{title}-{day_text(day or date.today())}.{suffix}", fallback="下载")


def attachment(body: bytes, name: str, media_type: str) -> Response:
    """``body`` as a download named ``name`` (an ASCII stand-in for very old clients)."""
    kept = "".join(ch for ch in name if ch.isascii() and (ch.isalnum() or ch in ".-_"))
    fallback = kept if kept[:1].isalnum() else f"graphsvc{kept}"
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"},
    )
