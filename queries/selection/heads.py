"""Head posts under regional avoidance (地域回避), by what they are, and the area each governs.

A head post is recognised from the policy's ``[avoidance.heads]``: its 职务类别 (or
its name) with spaces, brackets and a leading place name removed is one of a head's
spellings, or it is a principal (正职) post of one of the head's functions; either
way in a unit of the head's kinds (and, for a 区直部门, a department whose name says
what it is: 纪委, 组织部, 法院, 检察院, 公安). A title with 副 is a deputy, never a head.
The area a head governs is the nearest unit of ``avoidance.area_kinds`` at or above
the post's unit: the county for the county's heads and its departments' heads, the
township (or street) for township heads. Whoever grew up in that area (a village is
in its township, a township in its county) may not hold the post.
"""

from __future__ import annotations

import re
from typing import Any

from queries.selection.policy import Avoidance
from queries.selection.records import UnitIndex

__all__ = ["governed_area", "grew_up_in", "head_kind", "normalise_role"]

_NOISE = re.compile(r"[\s\u3000]+|[（(][^）)]*[）)]")
_PLACE_SUFFIXES = ("街道", "区", "县", "市", "旗", "镇", "乡")
_DEPARTMENT = "区直部门"


def normalise_role(text: str | None) -> str:
    """Spaces (full-width too) and bracketed notes removed.

    ``"镇 党委书记（兼）"`` → ``"镇党委书记"``.
    """
    return _NOISE.sub("", text or "")


def _place_stems(units: UnitIndex, unit_id: str | None) -> list[str]:
    """Names a title may start with: the unit's and its ancestors', with and without 区/镇/..."""
    stems: list[str] = []
    for uid in [unit_id, *units.ancestors(unit_id)]:
        if not uid:
            continue
        name = normalise_role(units.name(uid))
        stems.append(name)
        for suffix in _PLACE_SUFFIXES:
            if name.endswith(suffix) and len(name) > len(suffix):
                stems.append(name[: -len(suffix)])
                break
    return sorted(set(stems), key=len, reverse=True)


def _titles(post: dict[str, Any], units: UnitIndex) -> list[str]:
    """The post's role and name, each also with a leading place name removed."""
    stems = _place_stems(units, post.get("unit_id"))
    titles: list[str] = []
    for text in (post.get("role"), post.get("name")):
        title = normalise_role(str(text or ""))
        if not title:
            continue
        titles.append(title)
        titles += [title[len(stem) :] for stem in stems if title.startswith(stem) and title != stem]
    return titles


def _unit_qualifies(head_unit_kinds: list[str], names: list[str], kind: str, name: str) -> bool:
    if kind not in head_unit_kinds:
        return False
    return kind != _DEPARTMENT or not names or any(word in name for word in names)


def head_kind(post: dict[str, Any], units: UnitIndex, avoidance: Avoidance) -> str | None:
    """The head this post is (a key of ``avoidance.heads``), or ``None`` for any other post.

    Parameters
    ----------
    post : dict
        ``role``, ``name``, ``unit_id``, ``principal``, ``function`` are read.
    units : UnitIndex
        To read the unit's kind and name and strip place names from titles.
    avoidance : Avoidance
        The policy's head definitions.
    """
    unit_id = post.get("unit_id")
    kind = units.kind(unit_id) or ""
    unit_name = units.name(unit_id)
    titles = _titles(post, units)
    if any("副" in title for title in titles):
        return None  # a deputy (副书记, 常务副部长 ...) is never the head
    for name, head in avoidance.heads.items():
        if not _unit_qualifies(head.unit_kinds, head.department_names, kind, unit_name):
            continue
        if any(title in head.roles for title in titles):
            return name
    for name, head in avoidance.heads.items():
        if not _unit_qualifies(head.unit_kinds, head.department_names, kind, unit_name):
            continue
        if post.get("principal") and str(post.get("function") or "") in head.functions:
            return name
    return None


def governed_area(unit_id: str | None, units: UnitIndex, avoidance: Avoidance) -> str | None:
    """The nearest unit of ``avoidance.area_kinds`` at or above ``unit_id``."""
    wanted = set(avoidance.area_kinds)
    for uid in [unit_id, *units.ancestors(unit_id)]:
        if uid and units.kind(uid) in wanted:
            return uid
    return None


def grew_up_in(hometown: str | None, area: str | None, units: UnitIndex) -> bool:
    """Whether ``hometown`` is ``area`` or lies inside it."""
    return bool(hometown and area) and (hometown == area or area in units.ancestors(hometown))
