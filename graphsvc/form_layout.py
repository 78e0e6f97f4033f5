"""The layout of the national form editor's files (干部任免审批表), defined once.

Both directions read it: ``loaders.forms`` (forms in) and ``queries.forms`` (the form
out), and the sample that writes forms. ``.lrmx`` (version 3) is XML whose reader is
order-sensitive; ``.lrm`` (version 2) is one line of quoted fields by position.
"""

from __future__ import annotations

__all__ = ["FAMILY_ELEMENTS", "LRMX_ORDER", "LRM_FIELD_COUNT", "LRM_POSITIONS"]

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
