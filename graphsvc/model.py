"""The talent graph: one validated definition of every node and relation.

Loaders validate rows with these models, stores persist what they produce,
the API serves them. Each node type is a :class:`NodeSpec`; each relation
type an :class:`EdgeSpec`. Some node fields reference another node
(``Post.unit_id``); stores materialize those as edges too
(``(Post)-[:IN_UNIT]->(Unit)``), so the graph can be walked either way.

Field titles are the Chinese column headers departments use; ``aliases``
lists other headers accepted for the same field.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from graphsvc.dates import parse_cadre_date
from graphsvc.id_number import normalize_id_number
from graphsvc.vocab import (
    CadreStatus,
    Channel,
    Education,
    Gender,
    Grade,
    Kinship,
    Level,
    MentorKind,
    MentorStatus,
    ParticipationRole,
    PostFunction,
    ProjectKind,
    ProjectResult,
    Rank,
    RotationKind,
    SupervisionKind,
    TrainingKind,
    UnitKind,
)

__all__ = [
    "EDGE_SPECS",
    "NODE_SPECS",
    "RESULT_SPECS",
    "Assessment",
    "Cadre",
    "EdgeSpec",
    "Mentor",
    "NodeSpec",
    "Pool",
    "Post",
    "Project",
    "Reference",
    "Specialty",
    "Supervision",
    "Training",
    "Unit",
    "date_fields",
    "edge_spec",
    "keeps_text",
    "node_spec",
    "sensitive_fields",
]


def _to_date(value: object) -> object:
    return parse_cadre_date(value)


def _to_bool(value: object) -> object:
    if isinstance(value, str):
        text = value.strip().lower()
        if text in {"是", "y", "yes", "true", "1", "√", "t"}:
            return True
        if text in {"否", "n", "no", "false", "0", "×", "f", ""}:
            return False
    return value


def _normalize_text(value: object) -> object:
    # Spreadsheets mix full-width and ASCII parentheses in the same vocabulary.
    if isinstance(value, str):
        return value.strip().replace("（", "(").replace("）", ")")
    return value


def keeps_text(check: object) -> bool:
    """Whether a before-validator leaves a ``str`` as it is (the loader's column path
    relies on it to take text cells as they are)."""
    return check is _to_id


def _to_id(value: object) -> object:
    # Excel turns numeric ids into floats (1001 -> 1001.0); ids are text.
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


CadreDate = Annotated[date, BeforeValidator(_to_date)]
Vocab = BeforeValidator(_normalize_text)  # on vocabulary fields: strip, unify parentheses
Flag = Annotated[bool, BeforeValidator(_to_bool)]
Id = Annotated[str, BeforeValidator(_to_id), Field(min_length=1, max_length=64)]
IdNumber = Annotated[str, BeforeValidator(normalize_id_number)]


def col(title: str, *aliases: str, sensitive: bool = False, **kwargs: Any) -> Any:
    """A model field with its Chinese header, accepted aliases and sensitivity."""
    extra: dict[str, Any] = {"aliases": list(aliases)}
    if sensitive:
        extra["sensitive"] = True
    return Field(title=title, json_schema_extra=extra, **kwargs)


class Record(BaseModel):
    """Base of every node and relation row."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


# --------------------------------------------------------------------- nodes


class Unit(Record):
    """单位: a township, street, district department, village or community."""

    id: Id = col("单位编号", "编号", "unit_id")
    name: str = col("单位名称", "名称", min_length=1)
    kind: Annotated[UnitKind, Vocab] = col("单位类型", "类型")
    parent_id: Id | None = col("上级单位编号", "上级单位", default=None)
    remote: Flag = col("是否偏远", default=False)
    needs_review: Flag = col("待核实", default=False)  # created from a form's 简历; check by hand


class Post(Record):
    """岗位/职务: a post in a unit; leadership posts form the unit's team (领导班子)."""

    id: Id = col("岗位编号", "编号", "post_id")
    name: str = col("岗位名称", "职务名称", "名称", min_length=1)
    unit_id: Id | None = col("单位编号", "所在单位", default=None)
    level: Annotated[Level, Vocab] = col("职务层次", "层次")
    leadership: Flag = col("是否领导职务", "领导职务", default=False)
    team_member: Flag = col("是否班子成员", "班子成员", default=False)
    principal: Flag = col("是否正职", "正职", default=False)
    function: Annotated[PostFunction, Vocab] = col(
        "职能类别", "职能", default=PostFunction.BUSINESS
    )
    role: str | None = col("职务类别", "角色", default=None)
    needs_review: Flag = col("待核实", default=False)  # created from a form's 简历; check by hand


class Cadre(Record):
    """干部: a civil servant or public-institution staff member in a management role."""

    id: Id = col("干部编号", "工号", "编号", "cadre_id")
    name: str = col("姓名", min_length=1)
    gender: Annotated[Gender, Vocab] = col("性别")
    birth: CadreDate = col("出生年月", "出生日期")
    ethnicity: str | None = col("民族", default=None)
    native_place: str | None = col("籍贯", default=None)
    hometown_unit_id: Id | None = col("成长地单位编号", "成长地", default=None)
    party_date: CadreDate | None = col("入党时间", default=None)
    work_start: CadreDate = col("参加工作时间")
    education: Annotated[Education, Vocab] = col("全日制学历", "学历")
    degree: str | None = col("全日制学位", "学位", default=None)
    school_major: str | None = col("毕业院校及专业", "毕业院校系及专业", default=None)
    inservice_education: Annotated[Education, Vocab] | None = col("在职学历", default=None)
    channel: Annotated[Channel, Vocab] = col("录用渠道", "来源渠道", "渠道")
    recruit_date: CadreDate | None = col("录用时间", "招录时间", default=None)
    title: str | None = col("现任职务", default=None)
    level: Annotated[Level, Vocab] = col("职务层次", default=Level.STAFF)
    level_since: CadreDate | None = col("任现职务层次时间", default=None)
    rank: Annotated[Rank, Vocab] | None = col("职级", default=None)
    rank_since: CadreDate | None = col("任现职级时间", default=None)
    status: Annotated[CadreStatus, Vocab] = col("状态", "在职状态", default=CadreStatus.ACTIVE)
    probation_until: CadreDate | None = col("试用期截止", default=None)
    # Shape only; the check digit and the birth date inside are checked by the loader, as an
    # error or a warning by setting (GRAPHSVC_ID_NUMBER_CHECK).
    id_number: IdNumber | None = col("身份证号", "公民身份号码", sensitive=True, default=None)
    # Read from appointment forms (干部任免审批表) and written back into them.
    birthplace: str | None = col("出生地", default=None)
    health: str | None = col("健康状况", default=None)
    professional_title: str | None = col("专业技术职务", default=None)
    expertise: str | None = col("熟悉专业有何专长", "专长", default=None)
    inservice_degree: str | None = col("在职学位", default=None)
    inservice_school_major: str | None = col("在职毕业院校及专业", default=None)
    rewards_and_sanctions: str | None = col("奖惩情况", sensitive=True, default=None)
    resume_unread: str | None = col("未识别简历", default=None)  # 简历 lines no rule could read
    family: str | None = col("家庭成员", sensitive=True, default=None)  # JSON list, as on the form
    form_date: CadreDate | None = col("填表时间", default=None)


class Mentor(Record):
    """导师: a cadre or an outside expert in the mentor pool (导师库)."""

    id: Id = col("导师编号", "编号", "mentor_id")
    name: str = col("姓名", "导师姓名", min_length=1)
    cadre_id: Id | None = col("干部编号", default=None)
    kind: Annotated[MentorKind, Vocab] = col("导师类型", "类型")
    organization: str | None = col("工作单位", default=None)
    capacity: int = col("最大帮带人数", "帮带容量", ge=1, le=20, default=3)
    in_pool: Flag = col("是否入库", "导师库", default=True)
    status: Annotated[MentorStatus, Vocab] = col("状态", default=MentorStatus.ACTIVE)
    retire_date: CadreDate | None = col("预计退休时间", default=None)


class Project(Record):
    """重大任务/重点项目: major tasks where cadres are observed."""

    id: Id = col("项目编号", "编号", "project_id")
    name: str = col("项目名称", "名称", min_length=1)
    kind: Annotated[ProjectKind, Vocab] = col("项目类型", "类型")
    domain_id: Id | None = col("领域专业编号", "领域", default=None)
    unit_id: Id | None = col("牵头单位编号", "牵头单位", default=None)
    start: CadreDate = col("开始时间")
    end: CadreDate | None = col("结束时间", default=None)

    @model_validator(mode="after")
    def _dates_in_order(self) -> Project:
        if self.end is not None and self.end < self.start:
            raise ValueError("结束时间早于开始时间")
        return self


class Training(Record):
    """培训班: a course; off-job (脱产) courses count for political training."""

    id: Id = col("培训编号", "编号", "training_id")
    name: str = col("培训班名称", "名称", min_length=1)
    kind: Annotated[TrainingKind, Vocab] = col("培训类型", "类型")
    organizer: str | None = col("主办单位", default=None)
    start: CadreDate = col("开始时间")
    end: CadreDate | None = col("结束时间", default=None)
    days: float = col("天数", ge=0, le=366)
    hours: float = col("学时", ge=0, le=3000)
    off_job: Flag = col("是否脱产", "脱产", default=False)


class Specialty(Record):
    """专业/特长."""

    id: Id = col("专业编号", "编号", "specialty_id")
    name: str = col("专业名称", "名称", min_length=1)
    category: str | None = col("专业类别", "类别", default=None)
    scarce: Flag = col("是否紧缺", default=False)


class Pool(Record):
    """优秀年轻干部库: a reserve bench."""

    id: Id = col("库编号", "编号", "pool_id")
    name: str = col("名称", min_length=1)
    level: str | None = col("层级", default=None)
    max_age: int | None = col("年龄上限", ge=18, le=70, default=None)


class Assessment(Record):
    """考核: an annual grade (年度定档) or a quarterly star rating (季度评星)."""

    id: Id = col("考核编号", "编号", "assessment_id")
    cadre_id: Id = col("干部编号")
    year: int = col("年度", ge=1990, le=2100)
    quarter: int | None = col("季度", ge=1, le=4, default=None)
    grade: Annotated[Grade, Vocab] | None = col("等次", "考核等次", default=None)
    stars: int | None = col("星级", ge=1, le=5, default=None)

    @model_validator(mode="after")
    def _grade_or_stars(self) -> Assessment:
        if self.quarter is None and self.grade is None:
            raise ValueError("年度考核（未填季度）须填等次")
        if self.quarter is not None and self.stars is None:
            raise ValueError("季度考核（已填季度）须填星级")
        return self


class Supervision(Record):
    """监督记录: talks, admonishments, sanctions; restricted data."""

    id: Id = col("记录编号", "编号", "record_id")
    cadre_id: Id = col("干部编号")
    kind: Annotated[SupervisionKind, Vocab] = col("类型", "处理类型")
    date: CadreDate = col("日期", "作出时间")
    effect_months: int | None = col("影响期(月)", "影响期", ge=0, le=120, default=None)
    note: str | None = col("说明", "事由", default=None)


# --------------------------------------------------------------- relations


class HoldsPost(Record):
    """任职经历: a post held, current when ``end`` is empty."""

    cadre_id: Id = col("干部编号")
    post_id: Id = col("岗位编号")
    start: CadreDate = col("任职时间", "开始时间")
    end: CadreDate | None = col("免职时间", "结束时间", default=None)

    @model_validator(mode="after")
    def _dates_in_order(self) -> HoldsPost:
        if self.end is not None and self.end < self.start:
            raise ValueError("免职时间早于任职时间")
        return self


class Rotation(Record):
    """交流/轮岗/挂职."""

    cadre_id: Id = col("干部编号")
    unit_id: Id = col("单位编号", "交流单位编号")
    kind: Annotated[RotationKind, Vocab] = col("类型", "交流类型")
    start: CadreDate = col("开始时间")
    end: CadreDate | None = col("结束时间", default=None)

    @model_validator(mode="after")
    def _dates_in_order(self) -> Rotation:
        if self.end is not None and self.end < self.start:
            raise ValueError("结束时间早于开始时间")
        return self


class Mentoring(Record):
    """帮带关系: a mentor and a mentee, with dates. An ended pairing is kept, with why it
    ended; one undone (recorded by mistake) ends on the day it started."""

    mentor_id: Id = col("导师编号")
    mentee_id: Id = col("干部编号", "帮带对象编号")
    start: CadreDate = col("开始时间", "结对时间")
    end: CadreDate | None = col("结束时间", default=None)
    end_reason: str | None = col("结束原因", default=None)
    recorded_by: str | None = col("登记人", default=None)  # who made the pairing
    recorded_on: CadreDate | None = col("登记日期", default=None)
    ended_by: str | None = col("结束登记人", default=None)

    @model_validator(mode="after")
    def _dates_in_order(self) -> Mentoring:
        if self.end is not None and self.end < self.start:
            raise ValueError("结束时间早于开始时间")
        return self


class Participation(Record):
    """参与重大任务: role and result."""

    cadre_id: Id = col("干部编号")
    project_id: Id = col("项目编号")
    role: Annotated[ParticipationRole, Vocab] = col(
        "角色", "承担角色", default=ParticipationRole.MEMBER
    )
    result: Annotated[ProjectResult, Vocab] | None = col("表现", "成效", default=None)


class Attendance(Record):
    """参加培训."""

    cadre_id: Id = col("干部编号")
    training_id: Id = col("培训编号")
    hours: float | None = col("认定学时", ge=0, le=3000, default=None)
    completed: Flag = col("是否结业", default=True)


class HasSpecialty(Record):
    cadre_id: Id = col("干部编号")
    specialty_id: Id = col("专业编号")


class RequiresSpecialty(Record):
    post_id: Id = col("岗位编号")
    specialty_id: Id = col("专业编号")
    weight: float = col("权重", gt=0, le=10, default=1.0)


class RelativeOf(Record):
    """亲属关系 between two cadres: the avoidance graph."""

    cadre_id: Id = col("干部编号")
    relative_id: Id = col("亲属干部编号")
    relation: Annotated[Kinship, Vocab] = col("关系", "称谓")

    @model_validator(mode="after")
    def _not_self(self) -> RelativeOf:
        if self.cadre_id == self.relative_id:
            raise ValueError("干部不能是自己的亲属")
        return self


class InPool(Record):
    """入库记录: membership of a reserve pool, with entry and exit."""

    cadre_id: Id = col("干部编号")
    pool_id: Id = col("库编号")
    start: CadreDate = col("入库时间")
    end: CadreDate | None = col("出库时间", default=None)
    exit_reason: str | None = col("出库原因", default=None)
    entry_reason: str | None = col("入库原因", default=None)
    recorded_by: str | None = col("入库登记人", default=None)
    ended_by: str | None = col("出库登记人", default=None)

    @model_validator(mode="after")
    def _dates_in_order(self) -> InPool:
        if self.end is not None and self.end < self.start:
            raise ValueError("出库时间早于入库时间")
        return self


# ------------------------------------------------------------------- specs


@dataclass(frozen=True)
class Reference:
    """A node field naming another node; stored as an edge from the node."""

    field: str
    edge_type: str
    target: str


@dataclass(frozen=True)
class NodeSpec:
    label: str
    table: str
    table_zh: str
    model: type[Record]
    references: tuple[Reference, ...] = ()
    sensitive: bool = False


@dataclass(frozen=True)
class EdgeSpec:
    """A relation type. ``table`` is None for edges derived from a node reference."""

    type: str
    source: str
    target: str
    source_field: str
    target_field: str
    model: builtins.type[Record] | None = None  # `type` is a field name here
    table: str | None = None
    table_zh: str | None = None
    key_fields: tuple[str, ...] = ()
    sensitive: bool = False
    result: bool = False  # written back by an analysis, not loaded from a table


NODE_SPECS: tuple[NodeSpec, ...] = (
    NodeSpec("Unit", "units", "单位", Unit, (Reference("parent_id", "PART_OF", "Unit"),)),
    NodeSpec("Specialty", "specialties", "专业", Specialty),
    NodeSpec("Pool", "pools", "干部库", Pool),
    NodeSpec("Post", "posts", "岗位", Post, (Reference("unit_id", "IN_UNIT", "Unit"),)),
    NodeSpec(
        "Cadre", "cadres", "干部", Cadre, (Reference("hometown_unit_id", "GREW_UP_IN", "Unit"),)
    ),
    NodeSpec("Mentor", "mentors", "导师", Mentor, (Reference("cadre_id", "IS_CADRE", "Cadre"),)),
    NodeSpec(
        "Project",
        "projects",
        "项目",
        Project,
        (
            Reference("domain_id", "IN_DOMAIN", "Specialty"),
            Reference("unit_id", "LED_BY", "Unit"),
        ),
    ),
    NodeSpec("Training", "trainings", "培训", Training),
    NodeSpec(
        "Assessment",
        "assessments",
        "考核",
        Assessment,
        (Reference("cadre_id", "ASSESSMENT_OF", "Cadre"),),
    ),
    NodeSpec(
        "Supervision",
        "supervision",
        "监督记录",
        Supervision,
        (Reference("cadre_id", "RECORD_OF", "Cadre"),),
        sensitive=True,
    ),
)

_RELATION_SPECS: tuple[EdgeSpec, ...] = (
    EdgeSpec(
        "HOLDS", "Cadre", "Post", "cadre_id", "post_id", HoldsPost,
        "post_history", "任职经历", ("start",),
    ),
    EdgeSpec(
        "ROTATED_TO", "Cadre", "Unit", "cadre_id", "unit_id", Rotation,
        "rotations", "交流轮岗", ("start",),
    ),
    EdgeSpec(
        "MENTORS", "Mentor", "Cadre", "mentor_id", "mentee_id", Mentoring,
        "mentoring", "帮带关系", ("start",),
    ),
    EdgeSpec(
        "WORKED_ON", "Cadre", "Project", "cadre_id", "project_id", Participation,
        "participation", "参与项目",
    ),
    EdgeSpec(
        "ATTENDED", "Cadre", "Training", "cadre_id", "training_id", Attendance,
        "attendance", "参训记录",
    ),
    EdgeSpec(
        "HAS_SPECIALTY", "Cadre", "Specialty", "cadre_id", "specialty_id", HasSpecialty,
        "cadre_specialties", "干部专业",
    ),
    EdgeSpec(
        "REQUIRES", "Post", "Specialty", "post_id", "specialty_id", RequiresSpecialty,
        "post_requirements", "岗位专业要求",
    ),
    EdgeSpec(
        "RELATIVE_OF", "Cadre", "Cadre", "cadre_id", "relative_id", RelativeOf,
        "kinship", "亲属关系", sensitive=True,
    ),
    EdgeSpec(
        "IN_POOL", "Cadre", "Pool", "cadre_id", "pool_id", InPool,
        "pool_membership", "入库记录", ("start",),
    ),
)  # fmt: skip


def _reference_specs() -> Iterator[EdgeSpec]:
    for node in NODE_SPECS:
        for ref in node.references:
            yield EdgeSpec(
                ref.edge_type,
                node.label,
                ref.target,
                "id",
                ref.field,
                sensitive=node.sensitive,
            )


# Analysis results written back into the graph for Browser (and removed again):
# CANDIDATE_FOR {rank, score, reasons, run}, SUGGESTED_MENTOR {rank, score, reasons, run}.
# Their properties are plain numbers, text and lists of text (``run`` as ISO text).
RESULT_SPECS: tuple[EdgeSpec, ...] = (
    EdgeSpec("CANDIDATE_FOR", "Cadre", "Post", "cadre_id", "post_id", result=True),
    EdgeSpec("SUGGESTED_MENTOR", "Mentor", "Cadre", "mentor_id", "mentee_id", result=True),
)

EDGE_SPECS: tuple[EdgeSpec, ...] = _RELATION_SPECS + tuple(_reference_specs()) + RESULT_SPECS

_NODES_BY_LABEL = {spec.label: spec for spec in NODE_SPECS}
_EDGES_BY_TYPE = {spec.type: spec for spec in EDGE_SPECS}


def node_spec(label: str) -> NodeSpec:
    """The spec of a node label; ``KeyError`` naming the known labels otherwise."""
    try:
        return _NODES_BY_LABEL[label]
    except KeyError:
        raise KeyError(f"unknown node label {label!r}; known: {sorted(_NODES_BY_LABEL)}") from None


def edge_spec(edge_type: str) -> EdgeSpec:
    """The spec of an edge type; ``KeyError`` naming the known types otherwise."""
    try:
        return _EDGES_BY_TYPE[edge_type]
    except KeyError:
        raise KeyError(
            f"unknown edge type {edge_type!r}; known: {sorted(_EDGES_BY_TYPE)}"
        ) from None


def date_fields(model: type[Record]) -> frozenset[str]:
    """Names of the fields of ``model`` that hold dates (stores round-trip them)."""
    names = set()
    for name, info in model.model_fields.items():
        annotation = str(info.annotation)
        if "datetime.date" in annotation:
            names.add(name)
    return frozenset(names)


def sensitive_fields(model: type[Record]) -> frozenset[str]:
    """Names of the fields of ``model`` marked sensitive (masked for most roles)."""
    names = set()
    for name, info in model.model_fields.items():
        extra = info.json_schema_extra
        if isinstance(extra, dict) and extra.get("sensitive"):
            names.add(name)
    return frozenset(names)
