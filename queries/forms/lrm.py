"""Writing .lrm forms (version 2): quoted fields joined by ``","``, GB18030 text."""

from __future__ import annotations

from graphsvc.form_layout import LRM_FIELD_COUNT, LRM_POSITIONS
from queries.forms.document import FormDocument

__all__ = ["LRM_FIELDS", "write_lrm"]

LRM_FIELDS = LRM_FIELD_COUNT
_POSITIONS = LRM_POSITIONS


def _clean(text: str) -> str:
    # The separators may not appear inside a value.
    return text.replace('"', "”").replace("@", "＠").replace("#", "＃")


def write_lrm(document: FormDocument) -> bytes:
    """The form as .lrm bytes (GB18030, which every GB2312 reader accepts for GB2312 text)."""
    parts = [""] * LRM_FIELDS
    for position, name in _POSITIONS.items():
        parts[position] = _clean(document.get(name)).replace('","', "”,”")
    get = document.get
    parts[9] = (
        f"{_clean(get('QuanRiZhiJiaoYu_XueLi'))}#{_clean(get('QuanRiZhiJiaoYu_XueWei'))}"
        f"@{_clean(get('ZaiZhiJiaoYu_XueLi'))}#{_clean(get('ZaiZhiJiaoYu_XueWei'))}"
    )
    parts[10] = (
        f"{_clean(get('QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi'))}"
        f"#{_clean(get('QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi'))}"
        f"@{_clean(get('ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi'))}"
        f"#{_clean(get('ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi'))}"
    )
    for offset, key in enumerate(("relation", "name", "birth", "politics", "workplace")):
        parts[20 + offset] = "@".join(_clean(m.get(key, "")) for m in document.family)
    text = '"' + '","'.join(parts) + '"'
    return text.replace("\n", "\r\n").encode("gb18030")
