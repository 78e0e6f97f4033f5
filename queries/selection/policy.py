"""The selection policy: rules and numbers a department can edit.

The pydantic models below are the one source of every default and of what each
setting means (``Field(description=...)``). ``default_policy.toml`` beside this
module and ``docs/policy.md`` are generated from them (``python
tools/gen_policy.py``; a test keeps both current). A department's own file
(``--policy FILE`` or ``GRAPHSVC_POLICY``) is merged over the defaults, so it
only needs the settings it changes; in a map-valued setting (a table whose keys
are names, such as ``[rules.effect_period.months]``) an entry set to ``false``
is removed, any other entry is added or replaced.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from graphsvc.messages import validation_reason
from graphsvc.vocab import Level, UnitKind

__all__ = [
    "DEFAULT_POLICY",
    "WHOLE_AREA",
    "HeadRole",
    "PolicyError",
    "RetirementSchedule",
    "ScopePolicy",
    "SelectionPolicy",
    "load_policy",
    "merge_policy",
]

DEFAULT_POLICY = Path(__file__).with_name("default_policy.toml")


class PolicyError(ValueError):
    """A policy file that cannot be read or does not validate; says which setting and why."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Rule(_Section):
    enabled: bool = Field(default=True, description="check this rule")
    warn: bool = Field(default=False, description="a failed check is a warning, not a bar")


class ServiceYears(_Rule):
    """县处级: 5+ years of service (工龄)."""

    min_years: float = Field(default=5, ge=0, description="years of service required")


class GrassrootsYears(_Rule):
    """县处级: 2+ years of grassroots experience."""

    min_years: float = Field(default=2, ge=0, description="grassroots years required")
    unit_kinds: list[str] = Field(
        default=["乡镇", "街道", "村", "社区"], description="unit kinds that are grassroots"
    )
    count_secondments: bool = Field(default=True, description="挂职/交流 in such units count too")


class YearsAtLevel(_Rule):
    """Time at the level below before a promotion."""

    staff_to_deputy_section: float = Field(
        default=3, ge=0, description="一级科员 → 副科: years as staff_rank (or at a higher rank)"
    )
    staff_rank: str = Field(
        default="一级科员",
        description="the rank whose years count for 副科 (its equivalents above count too); "
        '"" counts all years at the 科员 level',
    )
    deputy_to_principal: float = Field(
        default=2, ge=0, description="副职 → 正职 at the same level (副科→正科, 副处→正处)"
    )
    principal_to_upper_deputy: float = Field(
        default=3, ge=0, description="lower 正职 → upper 副职 (正科→副处)"
    )
    rank_counts_for_leadership: bool = Field(
        default=False,
        description="for a leadership post above 副科, time at an equivalent 职级 counts as "
        "time in a leadership post (default: only leadership posts count, 由副职提任正职)",
    )


class LeadershipRule(_Rule):
    """A lateral move (平级转任) into a leadership post by a 职级 equal to the post's level,
    without a leadership post at that level: shown as 无领导职务经历."""

    warn: bool = Field(default=True, description="a failed check is a warning, not a bar")


class RetirementRule(_Rule):
    """Nobody past the statutory retirement date (the ``[retirement]`` schedules) is
    appointed; close to it a committee decides."""

    warn_years: float = Field(
        default=2, ge=0, description="fewer years than this left before retirement warns"
    )


class PostsBelow(_Rule):
    """县处级: generally 2+ leadership posts at the level below."""

    warn: bool = Field(default=True, description="a failed check is a warning, not a bar")
    min_posts: int = Field(default=2, ge=0, description="posts at the level below required")


class EducationRule(_Rule):
    """大专 or above; 本科 generally for 县处级 and up."""

    minimum: str = Field(default="大学专科", description="lowest education for any post")
    county_minimum: str = Field(default="大学本科", description="lowest education for 县处级")
    county_warn: bool = Field(default=True, description="the 县处级 minimum only warns")


class TrainingRule(_Rule):
    """Training before promotion; what is missing may be finished within 1 year after."""

    warn: bool = Field(default=True, description="a failed check is a warning, not a bar")
    section_days_per_year: float = Field(
        default=12, ge=0, description="乡科级: training days in the last year"
    )
    section_hours_per_year: float = Field(
        default=90, ge=0, description="乡科级: or training hours in the last year"
    )
    county_hours_5y: float = Field(default=550, ge=0, description="县处级+: hours in 5 years")
    county_days_5y: float = Field(default=90, ge=0, description="县处级+: or days in 5 years")


class AssessmentRule(_Rule):
    """Art. 24: not a candidate after a last annual grade of 基本称职 or lower."""

    barred_grades: list[str] = Field(
        default=["基本称职", "不称职"], description="last annual grades that bar"
    )


class EffectPeriod(_Rule):
    """Art. 24: not a candidate inside an effect period (影响期)."""

    months: dict[str, int] = Field(
        default={
            "诫勉": 6,
            "组织处理": 12,
            "党内警告": 12,
            "党内严重警告": 18,
            "撤销党内职务": 24,
            "留党察看": 24,
            "政务警告": 6,
            "记过": 12,
            "记大过": 18,
            "降级": 24,
            "撤职": 24,
        },
        description="months by record kind; a record's own 影响期 overrides",
    )


class OneLevel(_Rule):
    """Never two levels at once."""


class Probation(_Rule):
    """Not while on probation."""


class RecentPromotion(_Rule):
    """Within a year of the last promotion a human decides (破格)."""

    warn: bool = Field(default=True, description="a failed check is a warning, not a bar")
    min_months: int = Field(default=12, ge=0, description="months since the last promotion")


class Rules(_Section):
    """The rules of a selection, one section a rule (each in ``queries/selection/rules/``)."""

    service_years: ServiceYears = ServiceYears()
    grassroots_years: GrassrootsYears = GrassrootsYears()
    years_at_level: YearsAtLevel = YearsAtLevel()
    leadership: LeadershipRule = LeadershipRule()
    posts_below: PostsBelow = PostsBelow()
    education: EducationRule = EducationRule()
    training: TrainingRule = TrainingRule()
    assessment: AssessmentRule = AssessmentRule()
    effect_period: EffectPeriod = EffectPeriod()
    one_level: OneLevel = OneLevel()
    probation: Probation = Probation()
    recent_promotion: RecentPromotion = RecentPromotion()
    retirement: RetirementRule = RetirementRule()


class HeadRole(_Section):
    """A head post under regional avoidance, by what it is rather than how it is spelt.

    A post is this head when its 职务类别 (or its name), with spaces and a leading
    place name removed, is one of ``roles``, or when it is a principal (正职) post
    of one of ``functions`` with no deputy (副) in its title; in both cases its unit
    must be of one of ``unit_kinds``, and a department (区直部门) must have one of
    ``department_names`` in its name when that list is given.
    """

    roles: list[str] = Field(default=[], description="spellings of the role")
    unit_kinds: list[str] = Field(default=[], description="kinds of unit the post sits in")
    department_names: list[str] = Field(
        default=[], description="a 区直部门 qualifies only with one of these in its name"
    )
    functions: list[str] = Field(
        default=[], description="a principal post of these functions is this head too"
    )


_TERRITORIAL = ["区县", "乡镇", "街道"]
_COUNTY = ["区县", "区直部门"]

DEFAULT_HEADS: dict[str, HeadRole] = {
    "党委书记": HeadRole(
        roles=[
            "书记",
            "党委书记",
            "区委书记",
            "县委书记",
            "市委书记",
            "旗委书记",
            "镇党委书记",
            "乡党委书记",
            "党工委书记",
            "街道党工委书记",
        ],
        unit_kinds=_TERRITORIAL,
        functions=["党委"],
    ),
    "政府正职": HeadRole(
        roles=["区长", "县长", "市长", "旗长", "乡长", "镇长", "办事处主任", "街道办事处主任"],
        unit_kinds=_TERRITORIAL,
        functions=["政府"],
    ),
    "纪委书记": HeadRole(
        roles=[
            "纪委书记",
            "区纪委书记",
            "县纪委书记",
            "纪委书记、监委主任",
            "纪委书记兼监委主任",
            "监委主任",
            "书记",
            "主任",
        ],
        unit_kinds=_COUNTY,
        department_names=["纪委", "纪律检查委员会", "监委", "监察委员会"],
        functions=["纪检监察"],
    ),
    "组织部长": HeadRole(
        roles=["组织部长", "组织部部长", "区委组织部部长", "县委组织部部长", "部长"],
        unit_kinds=_COUNTY,
        department_names=["组织部"],
        functions=["组织人事"],
    ),
    "法院院长": HeadRole(
        roles=["法院院长", "人民法院院长", "院长"],
        unit_kinds=_COUNTY,
        department_names=["法院"],
        functions=["政法"],
    ),
    "检察长": HeadRole(
        roles=["检察长", "检察院检察长", "人民检察院检察长"],
        unit_kinds=_COUNTY,
        department_names=["检察院"],
        functions=["政法"],
    ),
    "公安局长": HeadRole(
        roles=["公安局长", "公安局局长", "公安分局局长", "分局局长", "局长"],
        unit_kinds=_COUNTY,
        department_names=["公安"],
        functions=["政法"],
    ),
}


class Avoidance(_Section):
    """任职回避: between relatives, and of heads where they grew up."""

    enabled: bool = Field(default=True, description="check avoidance at all")
    same_unit: bool = Field(
        default=True, description="same organ under the same leader / same leadership team"
    )
    superior_subordinate: bool = Field(
        default=True, description="a direct line through the unit hierarchy"
    )
    sensitive_functions: list[str] = Field(
        default=["组织人事", "纪检监察", "审计", "财务"],
        description="functions one may not hold in a unit the relative leads",
    )
    regional: bool = Field(
        default=True, description="heads may not serve in the area where they grew up"
    )
    area_kinds: list[str] = Field(
        default=["乡镇", "街道", "区县"],
        description="a head governs the nearest unit of these kinds at or above its post's unit",
    )
    heads: dict[str, HeadRole] = Field(
        default=DEFAULT_HEADS, description="the head posts under regional avoidance"
    )


class RetirementSchedule(_Section):
    """Statutory retirement age by birth month (渐进式延迟法定退休年龄, from 2025-01-01).

    People born before ``first_cohort`` retire at ``base_age``; from it on, every
    ``birth_months_per_step`` months of birth add one month, up to ``max_delay_months``.
    """

    base_age: int = Field(ge=40, le=75, description="age before the reform")
    first_cohort: str = Field(
        pattern=r"^\d{4}-\d{2}$", description="first birth month (YYYY-MM) that retires later"
    )
    birth_months_per_step: int = Field(default=4, ge=1, description="birth months per month")
    max_delay_months: int = Field(default=36, ge=0, description="the cap of the delay")


class Retirement(_Section):
    """Retirement dates: 'retires within N years' and the succession bench read them."""

    male: RetirementSchedule = Field(
        default=RetirementSchedule(base_age=60, first_cohort="1965-01"),
        description="men: 60 → 63",
    )
    female: RetirementSchedule = Field(
        default=RetirementSchedule(base_age=55, first_cohort="1970-01"),
        description="women cadres: 55 → 58",
    )
    female_county_apply: bool = Field(
        default=False, description="women at 县处级 (county_levels) follow female_county"
    )
    female_county: RetirementSchedule = Field(
        default=RetirementSchedule(base_age=60, first_cohort="1965-01"),
        description="women at 县处级 where a department applies 60",
    )


class ScoringWeights(_Section):
    specialty: float = Field(
        default=0.30, ge=0, description="post requirements vs own specialties and project domains"
    )
    experience: float = Field(
        default=0.25, ge=0, description="grassroots years, major tasks, similar units served"
    )
    performance: float = Field(default=0.25, ge=0, description="annual grades, quarterly stars")
    development: float = Field(default=0.10, ge=0, description="pool membership, training")
    team_fit: float = Field(
        default=0.10, ge=0, description="fills the team's gaps: age, gender, specialty"
    )


class ExperienceScoring(_Section):
    grassroots_years_full: float = Field(
        default=5, gt=0, description="this many grassroots years score 1"
    )
    major_tasks_full: float = Field(
        default=3.0,
        gt=0,
        description="weighted tasks (lead 1, core 0.7, member 0.4) that score 1",
    )
    similar_unit_years_full: float = Field(
        default=3, gt=0, description="years in units of the target's kind that score 1"
    )
    leadership_years_full: float = Field(
        default=5,
        gt=0,
        description="for a leadership post: years in leadership posts that score 1 (a fourth "
        "part of experience)",
    )
    deputy_post_weight: float = Field(
        default=0.5, ge=0, le=1, description="a year in a 副职 post counts this much of a 正职 year"
    )


class TeamScoring(_Section):
    young_age: float = Field(
        default=40, gt=0, description="a team with nobody under this age wants a younger member"
    )


class DevelopmentScoring(_Section):
    training_hours_target: float = Field(
        default=80, gt=0, description="concentrated training hours a year (the report's target)"
    )


class Scoring(_Section):
    """How candidates are ranked; each part is 0..1, the weights sum to 1."""

    ready_threshold: float = Field(
        default=0.55, ge=0, le=1, description='bench: "ready now" needs this total score'
    )
    leaders_first: bool = Field(
        default=True,
        description="for a leadership post above 副科, candidates who hold a leadership post "
        "rank before those who hold none; a round proposes one who holds none only where "
        "no one who holds one can be had",
    )
    weights: ScoringWeights = ScoringWeights()
    experience: ExperienceScoring = ExperienceScoring()
    team: TeamScoring = TeamScoring()
    development: DevelopmentScoring = DevelopmentScoring()


class MentoringCost(_Section):
    """Cost of a pairing: each part 0..1, weighted; lower is better."""

    distance: float = Field(
        default=0.40, ge=0, description="unit-hierarchy hops between mentor and mentee"
    )
    specialty: float = Field(
        default=0.20, ge=0, description="0 when they share a specialty category, else 1"
    )
    seniority: float = Field(
        default=0.15, ge=0, description="0 for a much more senior mentor (3+ levels, a secretary)"
    )
    assessment: float = Field(
        default=0.15, ge=0, description="the mentor's last annual grades (all 优秀 scores 0)"
    )
    load: float = Field(default=0.10, ge=0, description="how full the mentor already is")


class MentoringPolicy(_Section):
    """成长导师制: who should have a mentor, what makes a pairing acceptable, its cost."""

    recruit_years: float = Field(
        default=3, ge=0, description="recruits within this many years of recruitment need one"
    )
    channels: list[str] = Field(
        default=["选调生", "到村(社区)工作大学生"], description="... and these channels"
    )
    channel_years: float = Field(
        default=5, ge=0, description="... within this many years of starting work"
    )
    pool_members: bool = Field(default=True, description="pool members need a mentor too")
    retire_within_years: float = Field(
        default=3, ge=0, description="flag mentors retiring within this many years"
    )
    far_unit_kinds: list[str] = Field(
        default=["区县", "市", "省"],
        description='a pairing is "far" when the units only meet at this level',
    )
    max_distance: int = Field(
        default=4, ge=0, description="a suggested mentor sits at most this many hops away"
    )
    allow_far: bool = Field(
        default=False, description="suggest mentors from another township/street/department"
    )
    many_to_one: bool = Field(
        default=True, description="a mentor may take several new mentees, up to capacity"
    )
    min_years_to_retire: float = Field(
        default=1, ge=0, description="never suggest a mentor retiring within this many years"
    )
    candidates_per_mentee: int = Field(
        default=40, ge=1, description="the cheapest mentors kept per mentee before the solve"
    )
    skip_barred_grade: bool = Field(
        default=True,
        description="never suggest a mentor whose last annual grade is barred "
        "(rules.assessment.barred_grades)",
    )
    skip_in_effect: bool = Field(
        default=True,
        description="never suggest a mentor inside the effect period of a sanction "
        "(rules.effect_period)",
    )
    cost: MentoringCost = MentoringCost()


class TeamsPolicy(_Section):
    """领导班子结构."""

    ageing_mean_age: float = Field(default=50, gt=0, description="ageing: mean age at or above")
    ageing_youngest_age: float = Field(
        default=45, gt=0, description="... and nobody younger than this"
    )
    young_age: float = Field(default=40, gt=0, description="flag a team with nobody under this")
    retire_within_years: float = Field(
        default=3, ge=0, description="retirements counted within this many years"
    )
    several_retiring: int = Field(
        default=2, ge=1, description="flag a team with this many retiring"
    )
    needed_categories: dict[str, list[str]] = Field(
        default={
            "乡镇": ["农业", "规划", "社会治理", "经济"],
            "街道": ["规划", "社会治理", "经济"],
            "区县": ["经济", "规划", "法律", "党务"],
        },
        description="specialty categories a team of this unit kind should have",
    )


class PoolPolicy(_Section):
    """优秀年轻干部库."""

    max_age: float = Field(default=40, gt=0, description="age limit when the pool names none")
    entry_max_age: float = Field(default=38, gt=0, description="entry: at most this age ...")
    entry_min_service_years: float = Field(
        default=2, ge=0, description="... this many years of service ..."
    )
    entry_excellent_years: int = Field(
        default=1, ge=0, description="... this many 优秀 in the last three years"
    )
    no_progress_years: float = Field(
        default=5, ge=0, description="exit review: in the pool this long without promotion"
    )
    history_years: int = Field(default=5, ge=1, description="years of entries and exits shown")


class NineBoxPolicy(_Section):
    """九宫格: potential from evidence (never from pool membership), each part 0..1."""

    reference_ages: dict[str, float] = Field(
        default={
            "科员": 30,
            "副科": 35,
            "正科": 40,
            "副处": 45,
            "正处": 50,
            "副厅": 54,
            "正厅": 57,
        },
        description="a typical age at each level (the level a cadre stands at); younger "
        "counts toward potential",
    )
    age_span: float = Field(
        default=10,
        gt=0,
        description="age at level scores 1 at half this below the typical age, 0 at half "
        "this above it",
    )


class TrainingCompliance(_Section):
    """教育培训 compliance."""

    yearly_hours_target: float = Field(
        default=80, ge=0, description="concentrated training hours a year"
    )
    pool_offjob_days: float = Field(
        default=7, ge=0, description="pool members: an off-job course of this many days ..."
    )
    pool_offjob_years: float = Field(default=3, gt=0, description="... within this many years")
    exempt_new_months: int = Field(
        default=12, ge=0, description="cadres who started work this recently are not counted"
    )


class NetworkPolicy(_Section):
    """The collaboration network."""

    bridge_participation: float = Field(
        default=0.5, ge=0, le=1, description="participation coefficient that marks a bridge"
    )
    bridge_min_degree: int = Field(
        default=4, ge=1, description="... among people with this many collaborators"
    )
    quiet_excellent_years: int = Field(
        default=2, ge=1, description="quiet performers: this many 优秀 in the last three years"
    )
    quiet_unpromoted_years: float = Field(
        default=5, ge=0, description="... not in the pool, not promoted for this many years"
    )
    louvain_resolution: float = Field(default=1.0, gt=0, description="community resolution")
    seed: int = Field(default=7, description="random seed of the community detection")


class TargetsPolicy(_Section):
    """The report's targets, per year."""

    young_age: float = Field(default=35, gt=0, description="young means under this age")
    new_cadres_young_share: float = Field(
        default=0.60, ge=0, le=1, description="share of each year's new cadres under young_age"
    )
    promotions_young_share: float | None = Field(
        default=None, ge=0, le=1, description="share of promotions under young_age (optional)"
    )
    pool_size: int | None = Field(default=None, ge=0, description="pool size target (optional)")
    mentoring_coverage: float = Field(
        default=0.95, ge=0, le=1, description="share of mentees with a mentor"
    )
    years: int = Field(default=5, ge=1, description="years shown")


class PathsPolicy(_Section):
    """一人一策 and 超前研判: each cadre's path to the next level and the district's pipeline."""

    posting_unit_kinds: list[str] = Field(
        default=["乡镇", "街道"],
        description="where a posting or secondment (挂职) for missing 基层工作经历 goes",
    )
    actions_shown: int = Field(
        default=3, ge=1, le=20, description="concrete units, posts or courses named per action"
    )
    young_ages: list[float] = Field(
        default=[35, 40], description="the pipeline counts the ready under each of these ages"
    )
    years: int = Field(default=5, ge=1, le=20, description="years the pipeline looks ahead")

    @field_validator("posting_unit_kinds")
    @classmethod
    def _unit_kinds(cls, kinds: list[str]) -> list[str]:
        known = {kind.value for kind in UnitKind}
        for kind in kinds:
            if kind not in known:
                raise ValueError(f"“{kind}”不是单位类型（应为{'、'.join(sorted(known))}）")
        return kinds


WHOLE_AREA = "all"


class ScopePolicy(_Section):
    """干部管理权限 (下管一级): whose cadres may be candidates for a post, by the post's level.

    A post's candidates are the cadres whose current unit lies in the post's scope: the
    nearest unit of the kind its level names at or above the post's unit (``"区县"``: the
    district the post is in), or the whole area (``"all"``, or a kind with no such unit
    above the post). A round ranks and solves each scope on its own, the whole area first.
    """

    levels: dict[str, str] = Field(
        default={
            "科员": "区县",
            "副科": "区县",
            "正科": "区县",
            "副处": WHOLE_AREA,
            "正处": WHOLE_AREA,
            "副厅": WHOLE_AREA,
            "正厅": WHOLE_AREA,
        },
        description='post level → the unit kind whose cadres form the pool ("all": the whole '
        "area); a level not listed draws from the whole area",
    )
    exchange: bool = Field(
        default=False,
        description="交流: a post scoped to a unit (科级: its district) takes candidates from the "
        "unit above it (the other districts of the city or province) too",
    )

    @field_validator("levels")
    @classmethod
    def _known_levels_and_kinds(cls, levels: dict[str, str]) -> dict[str, str]:
        known_levels = {level.value for level in Level}
        kinds = {kind.value for kind in UnitKind} | {WHOLE_AREA}
        for level, kind in levels.items():
            if level not in known_levels:
                raise ValueError(
                    f"“{level}”不是职务层次（应为{'、'.join(x.value for x in Level)}）"
                )
            if kind not in kinds:
                raise ValueError(
                    f"{level}：“{kind}”不是单位类型（应为{'、'.join(k.value for k in UnitKind)}"
                    f"或 {WHOLE_AREA}）"
                )
        return levels


class SelectionPolicy(_Section):
    """The whole policy: selection rules, avoidance, scoring and the development analyses."""

    county_levels: list[str] = Field(
        default=["副处", "正处", "副厅", "正厅"],
        description="levels counted as 县处级 and above for the rules that apply there",
    )
    rules: Rules = Rules()
    scope: ScopePolicy = ScopePolicy()
    avoidance: Avoidance = Avoidance()
    retirement: Retirement = Retirement()
    scoring: Scoring = Scoring()
    mentoring: MentoringPolicy = MentoringPolicy()
    teams: TeamsPolicy = TeamsPolicy()
    pool: PoolPolicy = PoolPolicy()
    ninebox: NineBoxPolicy = NineBoxPolicy()
    training: TrainingCompliance = TrainingCompliance()
    network: NetworkPolicy = NetworkPolicy()
    targets: TargetsPolicy = TargetsPolicy()
    paths: PathsPolicy = PathsPolicy()


def merge_policy(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """``override`` merged into ``base``: tables merge, an entry set to ``false`` over a
    value that is not a switch (a map entry) is removed, anything else replaces."""
    merged = dict(base)
    for key, value in override.items():
        current = merged.get(key)
        if isinstance(value, dict) and isinstance(current, dict):
            merged[key] = merge_policy(current, value)
        elif value is False and key in merged and not isinstance(current, bool):
            del merged[key]
        else:
            merged[key] = value
    return merged


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PolicyError(f"选拔政策文件 {path} 不存在，请检查路径") from None
    except tomllib.TOMLDecodeError as error:
        # tomllib says why in English; where (line, column) is what helps the user.
        where = re.search(r"at line (\d+), column (\d+)", str(error))
        place = f"第{where[1]}行第{where[2]}列" if where else "文件末尾"
        raise PolicyError(
            f"选拔政策文件 {path} 不是有效的TOML格式（{place}），请检查该处的方括号、引号和等号"
        ) from None


def load_policy(path: Path | None = None) -> SelectionPolicy:
    """The default policy, with ``path``'s settings merged over it when given.

    Raises
    ------
    PolicyError
        Naming the file, the setting and what is wrong with it.
    """
    data = SelectionPolicy().model_dump()
    if path is not None:
        data = merge_policy(data, _read(path))
    try:
        return SelectionPolicy.model_validate(data)
    except ValidationError as error:
        problems = "；".join(_setting_problem(item) for item in error.errors(include_url=False))
        raise PolicyError(f"选拔政策文件 {path or DEFAULT_POLICY} 的设置有误：{problems}") from None


def _setting_problem(item: Mapping[str, Any]) -> str:
    """One setting's problem, named by its dotted name (``rules.service_years.min_years``)."""
    setting = ".".join(str(part) for part in item["loc"])
    if item.get("type") == "extra_forbidden":
        return f"{setting}：没有这项设置，请检查拼写"
    if item.get("type") in {"bool_parsing", "bool_type"}:  # TOML spells switches true / false
        return f"{setting}：应填 true 或 false，这里是“{item.get('input')}”"
    return f"{setting}：{validation_reason(item, setting)}"
