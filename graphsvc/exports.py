"""What leaves the service as a file: spreadsheet cells that cannot run, file names that stay
in their folder.

Every .xlsx and CSV writer passes its cells through :func:`safe_cell`: a text that starts
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is one a spreadsheet would take
for a formula (``=HYPERLINK(...)``, ``=cmd|' /C calc'!A0``), so it is written behind an
apostrophe, as text (OWASP's advice for CSV injection). Plain numbers (``-3``, ``+1.5``) are
left as they are, and so is a lone ``-``.

File names made from data (a cadre's name in ``graphsvc form --round``) go through
:func:`safe_file_name` and are written with :func:`path_inside`, which refuses any path that
would land outside the chosen folder.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

__all__ = [
    "FORMULA_STARTS",
    "OutsideFolder",
    "UniqueNames",
    "path_inside",
    "safe_cell",
    "safe_file_name",
    "safe_row",
]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?")


def safe_cell(value: Any) -> Any:
    """``value`` as a spreadsheet cell that cannot run: a text a spreadsheet would read as a
    formula gets a leading apostrophe; anything else (numbers, dates, other text) is kept."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and value not in {"-", "+"}  # a lone dash is a spreadsheet's "none", never a formula
        and not _NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


def safe_row(values: Any) -> list[Any]:
    """Each cell of a row through :func:`safe_cell`."""
    return [safe_cell(value) for value in values]


# Characters no file name may hold on any system a department uses, and Windows' device names.
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')
_DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10))}
_DEVICES |= {f"LPT{i}" for i in range(1, 10)}


def safe_file_name(text: str, *, max_bytes: int = 150, fallback: str = "未命名") -> str:
    """A file name (without folder) made from ``text``: no path separators, no control or
    reserved characters, no ``..``, no leading dot, at most ``max_bytes`` bytes of UTF-8.

    >>> safe_file_name("x/../../../outside/X")
    'x_outside_X'
    """
    name = unicodedata.normalize("NFC", str(text))
    name = _UNSAFE.sub("_", name)
    name = re.sub(r"\.{2,}", "_", name)  # no "..": never a way up, whatever the system
    name = re.sub(r"_+", "_", name).strip(" ._")
    if name.split(".")[0].upper() in _DEVICES:
        name = "_" + name
    encoded = name.encode("utf-8")[:max_bytes]
    name = encoded.decode("utf-8", errors="ignore").rstrip(" .")
    return name or fallback


class UniqueNames:
    """Hands out file names unique within one folder (case-insensitively, as Windows and
    macOS compare them): a second ``张伟.lrmx`` becomes ``张伟-2.lrmx``."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def __call__(self, stem: str, suffix: str = "") -> str:
        stem = safe_file_name(stem)
        name, number = f"{stem}{suffix}", 1
        while name.casefold() in self._taken:
            number += 1
            name = f"{stem}-{number}{suffix}"
        self._taken.add(name.casefold())
        return name


class OutsideFolder(ValueError):
    """A path that would be written outside the folder chosen for it."""


def path_inside(folder: Path, name: str) -> Path:
    """``folder / name``, made sure to lie inside ``folder`` once links are followed.

    Raises
    ------
    OutsideFolder
        ``name`` is not a plain file name, or the path resolves outside ``folder`` (a link).
    """
    if name != safe_file_name(name, max_bytes=len(name.encode("utf-8"))):
        raise OutsideFolder(f"“{name}”不是安全的文件名")
    path = folder / name
    if not path.resolve().is_relative_to(folder.resolve()):
        raise OutsideFolder(f"“{name}”会写到所选文件夹之外，已拒绝")
    return path
