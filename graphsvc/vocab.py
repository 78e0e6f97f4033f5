"""Controlled vocabularies of the field, with their Chinese values.

Values are what the department writes in its spreadsheets; names are English.
Ordered ladders (levels, ranks, education) carry their order in ``*_ORDER``.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "EDUCATION_ALIASES",
    "EDUCATION_ORDER",
    "GRADE_VALUE",
    "LEVEL_ORDER",
    "RANK_LEVEL",
    "CadreStatus",
    "Channel",
    "Education",
    "Gender",
    "Grade",
    "Kinship",
    "Level",
    "MentorKind",
    "MentorStatus",
    "ParticipationRole",
    "PhotoType",
    "PostFunction",
    "ProjectKind",
    "ProjectResult",
    "ProposalStatus",
    "Rank",
    "RotationKind",
    "SupervisionKind",
    "TrainingKind",
    "UnitKind",
]


class Gender(StrEnum):
    MALE = "男"
    FEMALE = "女"


class Channel(StrEnum):
    """How a cadre was recruited (录用渠道)."""

    SELECTED_GRADUATE = "选调生"
    CIVIL_SERVANT = "公务员"
    VILLAGE_GRADUATE = "到村(社区)工作大学生"
    INTRODUCED_TALENT = "引进人才"
    PUBLIC_INSTITUTION = "事业单位"
    MILITARY_TRANSFER = "军转干部"
    OTHER = "其他"
    UNKNOWN = "未知"  # a form did not say; a clerk fills it in


class UnitKind(StrEnum):
    PROVINCE = "省"
    CITY = "市"
    DISTRICT = "区县"
    TOWNSHIP = "乡镇"
    STREET = "街道"
    DEPARTMENT = "区直部门"
    VILLAGE = "村"
    COMMUNITY = "社区"


class Level(StrEnum):
    """职务层次: the leadership ladder (and the level a rank is equivalent to)."""

    STAFF = "科员"
    DEPUTY_SECTION = "副科"
    SECTION = "正科"
    DEPUTY_DIVISION = "副处"
    DIVISION = "正处"
    DEPUTY_BUREAU = "副厅"
    BUREAU = "正厅"


LEVEL_ORDER: dict[Level, int] = {level: index for index, level in enumerate(Level)}


class Rank(StrEnum):
    """职级: the civil-servant rank ladder, parallel to leadership posts."""

    CLERK = "办事员"
    STAFF_2 = "二级科员"
    STAFF_1 = "一级科员"
    PRINCIPAL_STAFF_4 = "四级主任科员"
    PRINCIPAL_STAFF_3 = "三级主任科员"
    PRINCIPAL_STAFF_2 = "二级主任科员"
    PRINCIPAL_STAFF_1 = "一级主任科员"
    RESEARCHER_4 = "四级调研员"
    RESEARCHER_3 = "三级调研员"
    RESEARCHER_2 = "二级调研员"
    RESEARCHER_1 = "一级调研员"


# The leadership level each rank counts as (职务与职级并行).
RANK_LEVEL: dict[Rank, Level] = {
    Rank.CLERK: Level.STAFF,
    Rank.STAFF_2: Level.STAFF,
    Rank.STAFF_1: Level.STAFF,
    Rank.PRINCIPAL_STAFF_4: Level.DEPUTY_SECTION,
    Rank.PRINCIPAL_STAFF_3: Level.DEPUTY_SECTION,
    Rank.PRINCIPAL_STAFF_2: Level.SECTION,
    Rank.PRINCIPAL_STAFF_1: Level.SECTION,
    Rank.RESEARCHER_4: Level.DEPUTY_DIVISION,
    Rank.RESEARCHER_3: Level.DEPUTY_DIVISION,
    Rank.RESEARCHER_2: Level.DIVISION,
    Rank.RESEARCHER_1: Level.DIVISION,
}


class Education(StrEnum):
    """学历; the short forms departments write (本科, 大专, 硕士研究生...) are accepted as
    aliases, see :data:`EDUCATION_ALIASES`."""

    POSTGRADUATE = "研究生"
    BACHELOR = "大学本科"
    JUNIOR_COLLEGE = "大学专科"
    SECONDARY = "中专"
    HIGH_SCHOOL_OR_BELOW = "高中及以下"

    @classmethod
    def _missing_(cls, value: object) -> Education | None:
        # Called by Education(...) and by pydantic for a value that is not a member.
        if isinstance(value, str):
            return EDUCATION_ALIASES.get(value.strip().replace(" ", "").replace("\u3000", ""))
        return None


# Other ways a 学历 is written → the vocabulary's value.
EDUCATION_ALIASES: dict[str, Education] = {
    **dict.fromkeys(
        ("研究生学历", "研究生毕业", "硕士研究生", "博士研究生", "硕士", "博士",
         "研究生(硕士)", "研究生(博士)", "硕士研究生学历", "博士研究生学历"),
        Education.POSTGRADUATE,
    ),
    **dict.fromkeys(
        ("本科", "大学", "大本", "本科学历", "大学本科学历", "本科毕业", "大学毕业",
         "大学学历"),
        Education.BACHELOR,
    ),
    **dict.fromkeys(
        ("大专", "专科", "高职", "大专学历", "专科学历", "大学专科学历", "高职高专", "大专毕业"),
        Education.JUNIOR_COLLEGE,
    ),
    **dict.fromkeys(
        ("中专学历", "中等专科", "中等专业学校", "中技", "中等职业教育"), Education.SECONDARY
    ),
    **dict.fromkeys(
        ("高中", "初中", "小学", "高中学历", "初中学历", "高中及以下学历", "初中及以下"),
        Education.HIGH_SCHOOL_OR_BELOW,
    ),
}  # fmt: skip


EDUCATION_ORDER: dict[Education, int] = {
    Education.HIGH_SCHOOL_OR_BELOW: 0,
    Education.SECONDARY: 1,
    Education.JUNIOR_COLLEGE: 2,
    Education.BACHELOR: 3,
    Education.POSTGRADUATE: 4,
}


class CadreStatus(StrEnum):
    ACTIVE = "在职"
    RETIRED = "退休"
    LEFT = "离职"
    TRANSFERRED_OUT = "调出"


class Grade(StrEnum):
    """Annual assessment grades (年度考核等次)."""

    EXCELLENT = "优秀"
    COMPETENT = "称职"
    BASICALLY_COMPETENT = "基本称职"
    INCOMPETENT = "不称职"
    UNGRADED = "不定等次"


# How good an annual grade is, 0..1, where scores read it (不定等次: no value).
GRADE_VALUE: dict[str, float] = {
    Grade.EXCELLENT: 1.0,
    Grade.COMPETENT: 0.7,
    Grade.BASICALLY_COMPETENT: 0.2,
    Grade.INCOMPETENT: 0.0,
}


class MentorKind(StrEnum):
    PARTY_SECRETARY = "党组织书记"
    TEAM_MEMBER = "班子成员"
    BACKBONE = "业务骨干"
    OUTSIDE_EXPERT = "外部专家"


class MentorStatus(StrEnum):
    ACTIVE = "在岗"
    LEFT = "离任"
    RETIRED = "退休"


class PostFunction(StrEnum):
    """What a post does; avoidance rules single out organization, discipline, audit, finance."""

    PARTY = "党委"
    GOVERNMENT = "政府"
    ORGANIZATION = "组织人事"
    DISCIPLINE = "纪检监察"
    AUDIT = "审计"
    FINANCE = "财务"
    POLITICS_AND_LAW = "政法"
    PUBLICITY = "宣传"
    BUSINESS = "业务"
    GENERAL = "综合"


class ProjectKind(StrEnum):
    CONSTRUCTION = "项目建设"
    INVESTMENT = "招商引资"
    RURAL_REVITALIZATION = "乡村振兴"
    GRASSROOTS_GOVERNANCE = "基层治理"
    PETITION_STABILITY = "信访维稳"
    MAJOR_EVENT = "重大活动保障"
    EMERGENCY = "应急处置"


class ParticipationRole(StrEnum):
    LEAD = "负责人"
    CORE = "骨干"
    MEMBER = "成员"


class ProjectResult(StrEnum):
    EXCELLENT = "优秀"
    GOOD = "良好"
    PASS = "合格"
    FAIL = "不合格"


class TrainingKind(StrEnum):
    PARTY_SPIRIT = "党性教育"
    YOUNG_CADRE_CLASS = "中青年干部培训班"
    THEMATIC = "专题培训"
    PROFESSIONAL = "业务培训"
    ONLINE = "在线学习"


class ProposalStatus(StrEnum):
    """Where a proposed appointment (任免建议) stands."""

    PROPOSED = "拟任"
    APPOINTED = "已任命"
    WITHDRAWN = "撤回"


class PhotoType(StrEnum):
    """The image kinds a cadre's photo may be (what form editors write)."""

    JPEG = "image/jpeg"
    PNG = "image/png"
    BMP = "image/bmp"
    GIF = "image/gif"


class RotationKind(StrEnum):
    TRANSFER = "交流"
    ROTATION = "轮岗"
    SECONDMENT = "挂职"


class Kinship(StrEnum):
    """Relations the avoidance rules cover.

    Spouse, lineal blood relatives, collateral blood relatives within three
    generations, and close in-laws.
    """

    SPOUSE = "配偶"
    PARENT = "父母"
    CHILD = "子女"
    SIBLING = "兄弟姐妹"
    GRANDPARENT = "祖父母"
    MATERNAL_GRANDPARENT = "外祖父母"
    GRANDCHILD = "孙子女"
    MATERNAL_GRANDCHILD = "外孙子女"
    UNCLE_AUNT = "叔伯姑舅姨"
    NEPHEW_NIECE = "侄子女"
    SISTERS_CHILD = "外甥子女"
    COUSIN_PATERNAL = "堂兄弟姐妹"
    COUSIN_MATERNAL = "表兄弟姐妹"
    PARENT_IN_LAW = "配偶父母"
    SIBLING_IN_LAW = "配偶兄弟姐妹"
    CHILD_IN_LAW = "子女配偶"
    SIBLINGS_SPOUSE = "兄弟姐妹配偶"


class SupervisionKind(StrEnum):
    CARE_TALK = "关爱谈话"
    REMINDER_TALK = "提醒谈话"
    ADMONISHMENT = "诫勉"
    ORGANIZATIONAL_HANDLING = "组织处理"
    PARTY_WARNING = "党内警告"
    PARTY_SERIOUS_WARNING = "党内严重警告"
    PARTY_POST_REMOVAL = "撤销党内职务"
    PARTY_PROBATION = "留党察看"
    GOV_WARNING = "政务警告"
    GOV_DEMERIT = "记过"
    GOV_MAJOR_DEMERIT = "记大过"
    GOV_DEMOTION = "降级"
    GOV_DISMISSAL = "撤职"
