"""Forms written by hand for the tests (synthetic people only; ID numbers use region 99)
and a small district to import them into: 东江区 with the townships 兴口镇 and 白沙镇."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from graphsvc.form_layout import LRMX_ORDER
from graphsvc.stores import GraphStore
from loaders.load import load_records

ORDER = LRMX_ORDER

DAUGHTER_RESUME = """2005.09--2009.07  东江大学经济学专业学习
2009.07--2012.03\u3000\u3000东江区兴口镇党政综合办公室科员
2012.03--2016.06  东江区白沙镇财政所副所长、团委书
                  记
                  (其间：2014.03--2015.03在东江区财政局挂职)
2016.06--  东江区兴口镇财政所所长"""

DAUGHTER: dict[str, Any] = {
    "XingMing": "林晓雯",
    "XingBie": "女",
    "ChuShengNianYue": "198705",
    "MinZu": "汉族",
    "JiGuan": "东江区",
    "ChuShengDi": "东江区",
    "RuDangShiJian": "2008.06",
    "CanJiaGongZuoShiJian": "200907",
    "JianKangZhuangKuang": "健康",
    "ShuXiZhuanYeYouHeZhuanChang": "熟悉财政金融、农学",
    "QuanRiZhiJiaoYu_XueLi": "大学",
    "QuanRiZhiJiaoYu_XueWei": "经济学学士",
    "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi": "东江大学经济学专业",
    "XianRenZhiWu": "东江区兴口镇财政所所长",
    "JianLi": DAUGHTER_RESUME,
    "JiangChengQingKuang": "2019年被评为东江区优秀共产党员；2021.03受到诫勉",
    "NianDuKaoHeJieGuo": "2021、2022年度考核称职，2023年度考核优秀",
    "TianBiaoShiJian": "202405",
    "ShenFenZheng": "990102198705120023",
    "family": [
        ("父亲", "林国栋", "196203", "中共党员", "东江区兴口镇党委书记"),
        ("母亲", "陈秀英", "196408", "群众", "东江区兴口镇退休职工"),
    ],
}

FATHER: dict[str, Any] = {
    "XingMing": "林国栋",
    "XingBie": "男",
    "ChuShengNianYue": "196203",
    "MinZu": "汉族",
    "JiGuan": "东江区",
    "RuDangShiJian": "198507",
    "CanJiaGongZuoShiJian": "198207",
    "QuanRiZhiJiaoYu_XueLi": "大专",
    "XianRenZhiWu": "东江区兴口镇党委书记",
    "JianLi": "1982.07--2015.01  东江区白沙镇副镇长\n2015.01--至今  东江区兴口镇党委书记",
    "NianDuKaoHeJieGuo": "2023年度考核优秀",
    "TianBiaoShiJian": "202403",
    "ShenFenZheng": "990102196203150039",
    "family": [("女儿", "林晓雯", "198705", "中共党员", "东江区兴口镇财政所所长")],
}


# What a form proposes (拟任 ...), as the editor writes it; 拟任职务 names 兴口镇's P1.
PROPOSAL = {
    "NiRenZhiWu": "东江区兴口镇党委书记",
    "NiMianZhiWu": "东江区兴口镇财政所所长",
    "RenMianLiYou": "工作需要，拟提名为兴口镇党委书记人选",
    "ChengBaoDanWei": "中共东江区委组织部",
    "JiSuanNianLingShiJian": "20261120",
    "TianBiaoShiJian": "20261120",
}


def jpeg(colour: tuple[int, int, int] = (180, 40, 40)) -> bytes:
    """A one-inch portrait-sized synthetic image (no real person)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (295, 413), colour).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def lrmx_bytes(fields: dict[str, Any]) -> bytes:
    """A .lrmx file as the editor writes it, from the fields given (family as tuples)."""
    root = ET.Element("Person")
    for name in ORDER:
        element = ET.SubElement(root, name)
        if name == "JiaTingChengYuan":
            for member in fields.get("family", []):
                item = ET.SubElement(element, "Item")
                for tag, value in zip(
                    ("ChengWei", "XingMing", "ChuShengRiQi", "ZhengZhiMianMao",
                     "GongZuoDanWeiJiZhiWu"),
                    member,
                    strict=True,
                ):  # fmt: skip
                    ET.SubElement(item, tag).text = value
        elif name == "Version":
            element.text = "3.2.1.0"
        else:
            element.text = str(fields.get(name, ""))
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8")


def write_lrmx(folder: Path, name: str, fields: dict[str, Any]) -> Path:
    path = folder / f"{name}.lrmx"
    path.write_bytes(lrmx_bytes(fields))
    return path


def lrm_text(fields: dict[str, Any]) -> str:
    parts = [""] * 33
    positions = {
        0: "XingMing", 1: "XingBie", 2: "ChuShengNianYue", 3: "MinZu", 4: "JiGuan",
        5: "RuDangShiJian", 6: "JianKangZhuangKuang", 7: "ChuShengDi",
        8: "CanJiaGongZuoShiJian", 16: "ShuXiZhuanYeYouHeZhuanChang", 17: "JianLi",
        18: "JiangChengQingKuang", 19: "NianDuKaoHeJieGuo", 25: "XianRenZhiWu",
        32: "TianBiaoShiJian",
    }  # fmt: skip
    for position, key in positions.items():
        parts[position] = str(fields.get(key, ""))
    parts[9] = (
        f"{fields.get('QuanRiZhiJiaoYu_XueLi', '')}#{fields.get('QuanRiZhiJiaoYu_XueWei', '')}@#"
    )
    parts[10] = f"{fields.get('QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi', '')}#@#"
    members = fields.get("family", [])
    for offset in range(5):
        parts[20 + offset] = "@".join(member[offset] for member in members)
    return '"' + '","'.join(parts) + '"'


def base_district(store: GraphStore) -> None:
    """东江区: 兴口镇 and 白沙镇, their heads, finance posts and an office post."""
    load_records(
        store,
        "units",
        [
            {"id": "U1", "name": "东江区", "kind": "区县"},
            {"id": "U2", "name": "兴口镇", "kind": "乡镇", "parent_id": "U1"},
            {"id": "U3", "name": "白沙镇", "kind": "乡镇", "parent_id": "U1"},
        ],
    )
    head = {"level": "正科", "leadership": True, "team_member": True, "principal": True}
    deputy = {"level": "副科", "leadership": True, "team_member": True}
    load_records(
        store,
        "posts",
        [
            {"id": "P1", "name": "兴口镇党委书记", "unit_id": "U2", "function": "党委",
             "role": "党委书记", **head},
            {"id": "P2", "name": "兴口镇财政所所长", "unit_id": "U2", "level": "科员",
             "function": "财务", "role": "财政所所长"},
            {"id": "P3", "name": "白沙镇副镇长", "unit_id": "U3", "function": "政府",
             "role": "副镇长", **deputy},
            {"id": "P4", "name": "白沙镇副镇长", "unit_id": "U3", "function": "政府",
             "role": "副镇长", **deputy},
            {"id": "P5", "name": "兴口镇党政综合办公室科员", "unit_id": "U2", "level": "科员",
             "function": "综合", "role": "党政综合办公室科员"},
        ],
    )  # fmt: skip
    load_records(
        store,
        "specialties",
        [{"id": "S1", "name": "农学"}, {"id": "S2", "name": "财政金融"}],
    )
