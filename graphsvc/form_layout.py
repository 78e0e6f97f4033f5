"""The layout of the national form editor's files (干部任免审批表), defined once.

Both directions read it: ``loaders.forms`` (forms in) and ``queries.forms`` (the form
out), and the sample that writes forms. ``.lrmx`` (version 3) is XML whose reader is
order-sensitive; ``.lrm`` (version 2) is one line of quoted fields by position.
"""

from __future__ import annotations

import re
from datetime import date

__all__ = [
    "FAMILY_ELEMENTS",
    "LRMX_ORDER",
    "LRM_FIELD_COUNT",
    "LRM_POSITIONS",
    "placed_line",
    "read_placed_line",
]

# The element order the form editor writes and expects under <Person>.
LRMX_ORDER: tuple[str, ...] = (
    "XingMing", "XingBie", "ChuShengNianYue", "MinZu", "JiGuan", "ChuShengDi",
    "RuDangShiJian", "CanJiaGongZuoShiJian", "JianKangZhuangKuang", "ZhuanYeJiShuZhiWu",
    "ShuXiZhuanYeYouHeZhuanChang",
    "QuanRiZhiJiaoYu_XueLi", "QuanRiZhiJiaoYu_XueWei",
    "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi", "QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi",
    "ZaiZhiJiaoYu_XueLi", "ZaiZhiJiaoYu_XueWei",
    "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi", "ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi",
    "XianRenZhiWu", "NiRenZhiWu", "NiMianZhiWu", "JianLi", "JiangChengQingKuang",
    "NianDuKaoHeJieGuo", "RenMianLiYou", "JiaTingChengYuan", "ChengBaoDanWei",
    "JiSuanNianLingShiJian", "TianBiaoShiJian", "TianBiaoRen", "ShenFenZheng", "ZhaoPian",
    "Version",
)  # fmt: skip

# Item children of JiaTingChengYuan (the family table), in the editor's order:
# 称谓, 姓名, 出生日期, 政治面貌, 工作单位及职务.
FAMILY_ELEMENTS: tuple[str, ...] = (
    "ChengWei",
    "XingMing",
    "ChuShengRiQi",
    "ZhengZhiMianMao",
    "GongZuoDanWeiJiZhiWu",
)

# .lrm: position → the .lrmx element the field stands for. Positions 9 and 10 (education,
# split by @ and #) and 20–24 (the family columns, @-joined) are split further; 12–15 are
# unused by most editors.
LRM_POSITIONS: dict[int, str] = {
    0: "XingMing", 1: "XingBie", 2: "ChuShengNianYue", 3: "MinZu", 4: "JiGuan",
    5: "RuDangShiJian", 6: "JianKangZhuangKuang", 7: "ChuShengDi", 8: "CanJiaGongZuoShiJian",
    11: "ZhuanYeJiShuZhiWu", 16: "ShuXiZhuanYeYouHeZhuanChang", 17: "JianLi",
    18: "JiangChengQingKuang", 19: "NianDuKaoHeJieGuo", 25: "XianRenZhiWu", 26: "NiRenZhiWu",
    27: "NiMianZhiWu", 28: "RenMianLiYou", 29: "ChengBaoDanWei", 30: "JiSuanNianLingShiJian",
    31: "TianBiaoRen", 32: "TianBiaoShiJian",
}  # fmt: skip
LRM_FIELD_COUNT = 33


# A 简历 line no rule could read is kept on the cadre (``Cadre.resume_unread``, a line each)
# with the period it follows, so the form written out again puts it back in its place:
# ``〔2012.03后〕那几年在外地务工`` follows the post held from 2012.03; ``〔最前〕`` opens the 简历.
_PLACED = re.compile(r"^〔(?:(\d{4})\.(\d{2})后|最前)〕")


def placed_line(after: date | None, line: str) -> str:
    """An unread 简历 line as the cadre keeps it, with the start of the post it follows."""
    return f"〔{after:%Y.%m}后〕{line}" if after else f"〔最前〕{line}"


def read_placed_line(kept: str) -> tuple[date | None, bool, str]:
    """A kept line → (the start of the post it follows, whether it says where, the line).

    Lines kept before they said where are not placed: they are written at the end.
    """
    match = _PLACED.match(kept)
    if match is None:
        return None, False, kept
    year, month = match.groups()
    after = date(int(year), int(month), 1) if year else None
    return after, True, kept[match.end() :]
