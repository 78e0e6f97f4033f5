"""Cadres' photos: what kind of image the bytes are, and how large one may be.

A form carries the photo for its printed photo box (the base64 ``ZhaoPian`` of an
``.lrmx``, the ``.pic`` beside an ``.lrm``). The kind is read from the bytes themselves,
never from a file name; anything else, or anything larger than :data:`PHOTO_MAX_BYTES`,
is no photo.
"""

from __future__ import annotations

import base64
import binascii

from graphsvc.vocab import PhotoType

__all__ = ["PHOTO_MAX_BYTES", "decode_photo", "photo_problem", "photo_type"]

# A form's photo is a one-inch portrait, tens of kilobytes; a scan at most a few hundred.
PHOTO_MAX_BYTES = 1024 * 1024

_MAGIC: tuple[tuple[bytes, PhotoType], ...] = (
    (b"\xff\xd8\xff", PhotoType.JPEG),
    (b"\x89PNG\r\n\x1a\n", PhotoType.PNG),
    (b"GIF87a", PhotoType.GIF),
    (b"GIF89a", PhotoType.GIF),
    (b"BM", PhotoType.BMP),
)


def photo_type(data: bytes) -> PhotoType | None:
    """The image kind of ``data`` by its first bytes; ``None`` for anything else."""
    return next((kind for magic, kind in _MAGIC if data.startswith(magic)), None)


def photo_problem(data: bytes) -> str | None:
    """Why ``data`` cannot be kept as a photo (in Chinese), or ``None`` when it can."""
    if not data:
        return "照片为空"
    if len(data) > PHOTO_MAX_BYTES:
        return f"照片有{len(data) / 1024:.0f} KB，超过上限{PHOTO_MAX_BYTES // 1024} KB"
    if photo_type(data) is None:
        return "不是 JPEG、PNG、BMP 或 GIF 图片"
    return None


def decode_photo(text: str) -> bytes:
    """A photo kept as base64 text back as bytes.

    Raises
    ------
    ValueError
        The text is not base64.
    """
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("照片不是有效的 base64 编码") from None
