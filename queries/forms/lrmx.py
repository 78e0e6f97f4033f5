"""Writing .lrmx forms in the editor's element order (its XML reader is order-sensitive)."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET

from queries.forms.document import FormDocument

__all__ = ["FAMILY_ORDER", "LRMX_ORDER", "write_lrmx"]

# The element order the form editor (version 3) writes and expects.
LRMX_ORDER = (
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
FAMILY_ORDER = (
    ("ChengWei", "relation"),
    ("XingMing", "name"),
    ("ChuShengRiQi", "birth"),
    ("ZhengZhiMianMao", "politics"),
    ("GongZuoDanWeiJiZhiWu", "workplace"),
)


def write_lrmx(document: FormDocument) -> bytes:
    """The form as .lrmx bytes (UTF-8 XML, root ``Person``)."""
    root = ET.Element("Person")
    for name in LRMX_ORDER:
        element = ET.SubElement(root, name)
        if name == "JiaTingChengYuan":
            for member in document.family:
                item = ET.SubElement(element, "Item")
                for tag, key in FAMILY_ORDER:
                    ET.SubElement(item, tag).text = member.get(key, "")
        elif name == "ZhaoPian":
            element.text = base64.b64encode(document.photo).decode() if document.photo else ""
        else:
            element.text = document.get(name)
    ET.indent(root, space="  ")
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body + b"\n"
