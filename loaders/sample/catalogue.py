"""The sample's catalogue: leadership-team and staff templates, specialties by unit kind,
project topics and the small vocabularies the generator draws from."""

from __future__ import annotations

from datetime import date

__all__ = [
    "AS_OF",
    "DEPARTMENT_CATEGORY",
    "DEPARTMENT_HEADS",
    "DEPARTMENT_MIDDLE",
    "DEPARTMENT_STAFF",
    "DISTRICT_CADRES",
    "DISTRICT_TEAM",
    "EXIT_REASONS",
    "PROJECT_DOMAINS",
    "PROJECT_TOPICS",
    "STREET_TEAM",
    "TOWN_MIDDLE",
    "TOWN_NEEDS",
    "TOWN_STAFF",
    "TOWN_TEAM",
    "UNIVERSITY_KINDS",
]

AS_OF = date(2026, 11, 1)  # the sample's "today", fixed so that output is deterministic
DISTRICT_CADRES = 3000  # one district's size; larger samples are several districts

# Township / street leadership teams: (title, level, principal, function).
TOWN_TEAM = (
    ("党委书记", "正科", True, "党委"), ("{head}", "正科", True, "政府"),
    ("人大主席", "正科", False, "党委"), ("党委副书记", "副科", False, "党委"),
    ("纪委书记", "副科", False, "纪检监察"), ("组织委员", "副科", False, "组织人事"),
    ("宣传委员", "副科", False, "宣传"), ("政法委员", "副科", False, "政法"),
    ("武装部长", "副科", False, "综合"), ("{deputy}", "副科", False, "政府"),
    ("{deputy}", "副科", False, "政府"), ("{deputy}", "副科", False, "政府"),
)  # fmt: skip
STREET_TEAM = (
    ("党工委书记", "正科", True, "党委"), ("办事处主任", "正科", True, "政府"),
    ("党工委副书记", "副科", False, "党委"), ("纪工委书记", "副科", False, "纪检监察"),
    ("组织委员", "副科", False, "组织人事"), ("宣传委员", "副科", False, "宣传"),
    ("办事处副主任", "副科", False, "政府"), ("办事处副主任", "副科", False, "政府"),
    ("办事处副主任", "副科", False, "政府"),
)  # fmt: skip
DISTRICT_TEAM = (
    ("区委书记", "正处", True, "党委"), ("区长", "正处", True, "政府"),
    ("区委副书记", "副处", False, "党委"), ("区纪委书记", "副处", False, "纪检监察"),
    ("区委组织部部长", "副处", False, "组织人事"), ("区委宣传部部长", "副处", False, "宣传"),
    ("区委政法委书记", "副处", False, "政法"), ("常务副区长", "副处", False, "政府"),
    ("副区长", "副处", False, "政府"), ("副区长", "副处", False, "政府"),
    ("副区长", "副处", False, "政府"), ("区委办公室主任", "副处", False, "综合"),
)  # fmt: skip
DEPARTMENT_HEADS = {
    "区委办公室": ("主任", "副主任"), "区政府办公室": ("主任", "副主任"),
    "区委组织部": ("常务副部长", "副部长"), "区委宣传部": ("常务副部长", "副部长"),
    "区委统战部": ("常务副部长", "副部长"), "区委政法委员会": ("常务副书记", "副书记"),
    "区纪委监委": ("副书记", "常委"),
}  # fmt: skip
TOWN_STAFF = (
    ("党政综合办公室科员", "综合"), ("党建工作办公室科员", "组织人事"),
    ("经济发展办公室科员", "业务"), ("社会事务办公室科员", "业务"),
    ("综合治理办公室科员", "政法"), ("财政所科员", "财务"), ("农业农村服务中心科员", "业务"),
)  # fmt: skip
TOWN_MIDDLE = (
    ("党政综合办公室主任", "综合"),
    ("财政所所长", "财务"),
    ("经济发展办公室主任", "业务"),
)
DEPARTMENT_STAFF = (("办公室科员", "综合"), ("业务股科员", None), ("财务股科员", "财务"))
DEPARTMENT_MIDDLE = (("办公室主任", "综合"), ("业务股股长", None))

# Specialties by unit: (category, weight); the main business of each kind of unit.
TOWN_NEEDS = ("农业", "规划", "社会治理", "经济")
PROJECT_DOMAINS = {
    "项目建设": ("城乡规划", "土木工程", "建筑学"),
    "招商引资": ("经济学", "国际贸易", "金融学"),
    "乡村振兴": ("农学", "农业经济管理", "畜牧兽医"),
    "基层治理": ("社会工作", "公共管理", "社会学"),
    "信访维稳": ("法学", "社会学", "社会工作"),
    "重大活动保障": ("公共管理", "新闻传播", "安全工程"),
    "应急处置": ("安全工程", "水利工程", "公共卫生"),
}
PROJECT_TOPICS = {
    "项目建设": ("产业园基础设施建设", "老旧小区改造", "农村公路提档升级", "污水处理厂扩建"),
    "招商引资": ("新能源装备招商专班", "食品加工产业链招商", "返乡创业园招商"),
    "乡村振兴": ("高标准农田建设", "特色种植产业发展", "和美乡村示范片建设", "村集体经济强村"),
    "基层治理": ("网格化治理提升", "矛盾纠纷多元化解", "党建引领社区治理"),
    "信访维稳": ("信访积案化解攻坚", "重点群体稳控"),
    "重大活动保障": ("区运动会保障", "国际展会服务保障"),
    "应急处置": ("汛期防汛抗洪", "森林防火专项"),
}
DEPARTMENT_CATEGORY = {
    "区委组织部": "组织人事", "区人力资源和社会保障局": "组织人事", "区纪委监委": "法律",
    "区委政法委员会": "法律", "区司法局": "法律", "区公安分局": "法律",
    "区财政局": "财务", "区审计局": "财务", "区统计局": "经济", "区发展和改革局": "经济",
    "区商务局": "经济", "区投资促进局": "经济", "区工业和信息化局": "信息技术",
    "区科学技术局": "信息技术", "区自然资源和规划局": "规划", "区住房和城乡建设局": "工程",
    "区交通运输局": "工程", "区水利局": "工程", "区生态环境分局": "环境",
    "区农业农村局": "农业", "区乡村振兴局": "农业", "区卫生健康委员会": "卫生",
    "区医疗保障局": "卫生", "区教育局": "教育", "区文化和旅游局": "文旅",
    "区应急管理局": "应急", "区委宣传部": "文字宣传", "区融媒体中心": "文字宣传",
    "区民政局": "社会治理", "区信访局": "社会治理", "区城市管理局": "社会治理",
}  # fmt: skip
UNIVERSITY_KINDS = ("大学", "师范大学", "农业大学", "理工大学", "财经大学", "政法大学")
EXIT_REASONS = ("年龄超过入库条件", "年度考核等次下降", "本人申请退出", "已提拔使用")
