"""Synthetic Chinese names and places: plausible, deterministic, belonging to no one."""

from __future__ import annotations

import random

from graphsvc.id_number import check_character

__all__ = ["DEPARTMENTS", "SPECIALTIES", "person_name", "place_name", "synthetic_id_number"]

# Common surnames, most frequent first; weights roughly follow their frequency.
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_SURNAME_WEIGHTS = [max(1.0, 60.0 / (index + 1) ** 0.9) for index in range(len(_SURNAMES))]
_GIVEN_MALE = "伟强磊军勇杰涛斌超明辉刚鹏华飞亮俊峰浩宇轩博文凯健波海东晨阳帆林立志振兴建国庆宏"
_GIVEN_FEMALE = "芳娜敏静丽艳娟霞婷雪琳颖倩慧晶玲梅燕萍红佳欣悦怡蕾洁璐瑶月雯琪薇丹宁"
_GIVEN_ANY = "子一思嘉雨可梓书若欣泽睿诗天明新世永春秋晓德"

_PLACE_FIRST = "东西南北上下新安永长清平宁泰和兴丰富龙凤金石桃柳青白云双三高大小"
_PLACE_SECOND = "河山坪岭湾桥塘溪庄集营坝口沟田湖洲岗铺寨堡源林城关冲"

DEPARTMENTS = (
    ("区委办公室", "综合"), ("区政府办公室", "综合"), ("区委组织部", "组织人事"),
    ("区委宣传部", "宣传"), ("区委统战部", "党委"), ("区委政法委员会", "政法"),
    ("区纪委监委", "纪检监察"), ("区发展和改革局", "业务"), ("区教育局", "业务"),
    ("区科学技术局", "业务"), ("区工业和信息化局", "业务"), ("区公安分局", "政法"),
    ("区民政局", "业务"), ("区司法局", "政法"), ("区财政局", "财务"),
    ("区人力资源和社会保障局", "组织人事"), ("区自然资源和规划局", "业务"),
    ("区生态环境分局", "业务"), ("区住房和城乡建设局", "业务"), ("区交通运输局", "业务"),
    ("区水利局", "业务"), ("区农业农村局", "业务"), ("区商务局", "业务"),
    ("区文化和旅游局", "业务"), ("区卫生健康委员会", "业务"), ("区退役军人事务局", "业务"),
    ("区应急管理局", "业务"), ("区审计局", "审计"), ("区市场监督管理局", "业务"),
    ("区统计局", "业务"), ("区医疗保障局", "业务"), ("区信访局", "业务"),
    ("区城市管理局", "业务"), ("区行政审批服务局", "业务"), ("区投资促进局", "业务"),
    ("区乡村振兴局", "业务"), ("区机关事务管理局", "综合"), ("区人民法院", "政法"),
    ("区融媒体中心", "宣传"), ("区人民检察院", "政法"),
)  # fmt: skip

# (name, category, scarce): 农业、规划、社会治理 are the report's priority specialties.
SPECIALTIES = (
    ("农学", "农业", True), ("农业经济管理", "农业", True), ("畜牧兽医", "农业", True),
    ("城乡规划", "规划", True), ("土地资源管理", "规划", True), ("建筑学", "规划", True),
    ("社会工作", "社会治理", True), ("公共管理", "社会治理", True), ("社会学", "社会治理", True),
    ("经济学", "经济", False), ("金融学", "经济", False), ("国际贸易", "经济", False),
    ("法学", "法律", False), ("会计学", "财务", False), ("审计学", "财务", False),
    ("土木工程", "工程", False), ("水利工程", "工程", False), ("环境工程", "环境", False),
    ("计算机科学与技术", "信息技术", False), ("数据科学", "信息技术", False),
    ("汉语言文学", "文字宣传", False), ("新闻传播", "文字宣传", False),
    ("马克思主义理论", "党务", False), ("思想政治教育", "党务", False),
    ("临床医学", "卫生", False), ("公共卫生", "卫生", False), ("教育学", "教育", False),
    ("旅游管理", "文旅", False), ("安全工程", "应急", False), ("人力资源管理", "组织人事", False),
)  # fmt: skip


def person_name(rng: random.Random, gender: str) -> str:
    surname = rng.choices(_SURNAMES, weights=_SURNAME_WEIGHTS)[0]
    pool = _GIVEN_MALE if gender == "男" else _GIVEN_FEMALE
    if rng.random() < 0.35:
        return surname + rng.choice(pool)
    return surname + rng.choice(_GIVEN_ANY + pool) + rng.choice(pool)


def place_name(rng: random.Random, taken: set[str]) -> str:
    """A two-character place name not in ``taken`` (adds it)."""
    for _ in range(50):
        name = rng.choice(_PLACE_FIRST) + rng.choice(_PLACE_SECOND)
        if name not in taken:
            taken.add(name)
            return name
    # The two-character space (about 1,300 names) runs thin; add a third character.
    while True:
        name = rng.choice(_PLACE_FIRST) + rng.choice(_PLACE_FIRST) + rng.choice(_PLACE_SECOND)
        if name not in taken:
            taken.add(name)
            return name


def synthetic_id_number(rng: random.Random, birth_iso: str, male: bool) -> str:
    """An 18-digit ID number with a valid check digit.

    Its region code 99xxxx belongs to no real region, so it can be no real person's.
    """
    region = f"99{rng.randrange(10000):04d}"
    sequence = rng.randrange(0, 99) * 10 + rng.choice((1, 3, 5, 7, 9) if male else (0, 2, 4, 6, 8))
    body = f"{region}{birth_iso.replace('-', '')}{sequence:03d}"
    return body + check_character(body)
