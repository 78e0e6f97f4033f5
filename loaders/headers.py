"""Headers over two rows, as departments' rosters and workbooks draw them.

A group header merged over several cells (``学历学位``) has its sub-headers in the row
below (``全日制`` / ``在职``); a header merged down over both rows (``姓名``) has nothing
under it. Each column becomes one name: the group and its sub-header together
(学历学位 + 全日制 → 全日制学历学位), the sub-header alone when it is a name by itself
(基本情况 + 姓名 → 姓名), the header above when nothing is below. The usual groupings of
departments' rosters are known (:data:`GROUPINGS`); a sub-header under any other group
that names nothing known is a problem naming the column, never a guess.

Both readers use it: rosters (:mod:`loaders.forms.roster`) and table workbooks
(:mod:`loaders.tables`), each with the names it knows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from loaders.forms.record import clean_text

__all__ = [
    "GROUPINGS",
    "HeaderProblem",
    "column_letter",
    "combine_header",
    "expand_education",
    "header_text",
    "is_second_header",
    "split_education",
]


def header_text(cell: object) -> str:
    """A header cell as compared: no spaces, line breaks or invisible characters, ASCII
    parentheses."""
    text = re.sub(r"\s+", "", clean_text(cell))
    return text.replace("（", "(").replace("）", ")")


_FULL_TIME = ("全日制", "全日制教育")
_IN_SERVICE = ("在职", "在职教育")
_SCHOOLS = ("毕业院校及专业", "毕业院校系及专业", "毕业院校", "院校及专业", "毕业学校及专业")
_EDUCATION = ("学历学位", "学历(学位)", "学历及学位", "学历、学位")
# group (as written) → sub-header (as written) → the one name they make together.
GROUPINGS: dict[tuple[str, ...], dict[tuple[str, ...], str]] = {
    _EDUCATION: {_FULL_TIME: "全日制学历学位", _IN_SERVICE: "在职学历学位"},
    ("学历",): {_FULL_TIME: "全日制学历", _IN_SERVICE: "在职学历"},
    ("学位",): {_FULL_TIME: "全日制学位", _IN_SERVICE: "在职学位"},
    _SCHOOLS: {_FULL_TIME: "全日制毕业院校及专业", _IN_SERVICE: "在职毕业院校及专业"},
    ("任职时间", "任现职时间", "任现职务职级时间", "任职务职级时间", "任现职务、职级时间"): {
        ("职务", "现职务", "任现职务"): "任现职务时间",
        ("职级", "现职级", "任现职级"): "任现职级时间",
    },
    ("现任职务职级", "现任职务及职级", "现职务职级", "职务职级"): {
        ("职务", "现任职务", "现职务"): "现任职务",
        ("职级", "现任职级", "现职级"): "职级",
    },
    _FULL_TIME: {
        ("学历",): "全日制学历",
        ("学位",): "全日制学位",
        _EDUCATION: "全日制学历学位",
        _SCHOOLS: "全日制毕业院校及专业",
    },
    _IN_SERVICE: {
        ("学历",): "在职学历",
        ("学位",): "在职学位",
        _EDUCATION: "在职学历学位",
        _SCHOOLS: "在职毕业院校及专业",
    },
}
_GROUP_OF = {name: subs for names, subs in GROUPINGS.items() for name in names}


def _known_groups() -> str:
    shown = []
    for names, subs in GROUPINGS.items():
        parts = "/".join(sorted({words[0] for words in subs}, key=len))
        shown.append(f"{names[0]}（{parts}）")
    return "、".join(shown)


@dataclass(frozen=True)
class HeaderProblem:
    """A column of a two-row header that names nothing known."""

    column: int  # 0-based position
    text: str  # 学历学位 / 博士后, as the two rows write it
    reason: str  # in Chinese, naming the column

    @property
    def letter(self) -> str:
        return column_letter(self.column)


def column_letter(position: int) -> str:
    """A 0-based column position as a spreadsheet names it: 0 → A, 27 → AB."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _is_text(cell: object) -> bool:
    return isinstance(cell, str) and bool(cell.strip())


def is_second_header(top: Sequence[Any], below: Sequence[Any]) -> bool:
    """Whether ``below`` holds the sub-headers of ``top``: text only, and every text under a
    merged group (a header whose right neighbour is empty, or an empty cell right of one).
    A data row has values under the single headers too (an id under 干部编号)."""
    if any(isinstance(cell, int | float | date | datetime) for cell in below):
        return False
    texts = [position for position, cell in enumerate(below) if _is_text(cell)]
    names = [header_text(cell) for cell in top]
    width = len(names)

    def under_group(position: int) -> bool:
        if position >= width:
            return False
        if names[position]:
            return position + 1 < width and not names[position + 1]
        return any(names[:position])

    return bool(texts) and all(under_group(position) for position in texts)


def combine_header(
    top: Sequence[Any], below: Sequence[Any], known: Callable[[str], bool]
) -> tuple[list[str], list[HeaderProblem]]:
    """One name per column of a two-row header, and the columns that name nothing known.

    Parameters
    ----------
    top, below : sequence
        The two rows' cells; a merged cell's value sits in its first column.
    known : callable
        Whether a (compared) name is a column the reader takes.

    Returns
    -------
    (names, problems)
        ``names[i]`` the name of column ``i`` (``""`` for an empty column; ``group / sub``
        for one that names nothing known, which ``problems`` lists).
    """
    names: list[str] = []
    problems: list[HeaderProblem] = []
    group = ""
    for position in range(max(len(top), len(below))):
        upper = header_text(top[position]) if position < len(top) else ""
        lower = header_text(below[position]) if position < len(below) else ""
        if upper:
            group = upper
        if not lower:
            names.append(upper)
            continue
        if not group:
            names.append(lower)  # a sub-header under nothing: a header of its own
            continue
        subs = _GROUP_OF.get(group)
        combined = (
            next((name for words, name in subs.items() if lower in words), None) if subs else None
        )
        if combined is None and subs is None:
            candidates = (lower, lower + group, group + lower)
            combined = next((name for name in candidates if known(name)), None)
        if combined is None:
            where = f"第{column_letter(position)}列"
            reason = f"{where}表头“{group}”下的“{lower}”不是可识别的列" + (
                f"（“{group}”下应为 " + "、".join(words[0] for words in subs) + "）"
                if subs
                else f"；两行表头可识别的分组有：{_known_groups()}；"
                "或把分组下的列名写成完整的字段名（如 全日制学历）"
            )
            problems.append(HeaderProblem(position, f"{group} / {lower}", reason))
            names.append(f"{group} / {lower}")  # said as a problem, and read as no field
            continue
        names.append(combined)
    return names, problems


_DEGREE = re.compile(r"(学士|硕士|博士)(学位)?$")
_PARTS = re.compile(r"[\s/、，,；;]+")
_LEVEL_HEAD = re.compile(
    r"^(研究生|大学本科|大学专科|大学|大专|本科|专科|中专|中等专科|技校|高中|初中|小学)(.+)$"
)


def split_education(text: str) -> tuple[str, str]:
    """A 学历学位 cell as (学历, 学位): ``大学本科 经济学学士``, ``研究生/管理学硕士``,
    ``大学本科经济学学士``; ``硕士研究生`` is a 学历, ``工学硕士`` a 学位."""
    parts = [part for part in _PARTS.split(str(text or "").strip()) if part]
    if len(parts) == 1:
        match = _LEVEL_HEAD.match(parts[0])
        if match and _DEGREE.search(match.group(2)):
            parts = [match.group(1), match.group(2)]
    levels = [part for part in parts if not _DEGREE.search(part) or part.endswith("研究生")]
    degrees = [part for part in parts if part not in levels]
    return "".join(levels[:1]), "".join(degrees[:1])


# The combined 学历学位 columns, each read as two fields.
_SPLIT = {
    "全日制学历学位": ("全日制学历", "全日制学位"),
    "在职学历学位": ("在职学历", "在职学位"),
}


def expand_education(header: list[str], rows: list[list[Any]]) -> list[str]:
    """Split each 全日制学历学位 / 在职学历学位 column into its 学历 and 学位 columns, in
    ``rows`` (changed in place); returns the new header."""
    positions = [i for i, name in enumerate(header) if name in _SPLIT]
    if not positions:
        return header
    for position in reversed(positions):
        level, degree = _SPLIT[header[position]]
        header = [*header[:position], level, degree, *header[position + 1 :]]
        for cells in rows:
            value = cells[position] if position < len(cells) else None
            parts = split_education(str(value)) if value not in (None, "") else (None, None)
            cells[position : position + 1] = [parts[0] or None, parts[1] or None]
    return header
