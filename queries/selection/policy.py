"""The selection policy: rules and numbers a department can edit.

The defaults live in ``default_policy.toml`` beside this module; a department's
own file (``--policy FILE`` or ``GRAPHSVC_POLICY``) is merged over them, so it
only needs the settings it changes.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

__all__ = ["DEFAULT_POLICY", "PolicyError", "SelectionPolicy", "load_policy"]

DEFAULT_POLICY = Path(__file__).with_name("default_policy.toml")


class PolicyError(ValueError):
    """A policy file that cannot be read or does not validate; says which setting and why."""


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    enabled: bool = True
    warn: bool = False


class ServiceYears(_Rule):
    min_years: float = Field(default=5, ge=0)


class GrassrootsYears(_Rule):
    min_years: float = Field(default=2, ge=0)
    unit_kinds: list[str] = ["乡镇", "街道", "村", "社区"]
    count_secondments: bool = True


class YearsAtLevel(_Rule):
    staff_to_deputy_section: float = Field(default=3, ge=0)
    deputy_to_principal: float = Field(default=2, ge=0)
    principal_to_upper_deputy: float = Field(default=3, ge=0)


class PostsBelow(_Rule):
    min_posts: int = Field(default=2, ge=0)


class EducationRule(_Rule):
    minimum: str = "大学专科"
    county_minimum: str = "大学本科"
    county_warn: bool = True


class TrainingRule(_Rule):
    section_days_per_year: float = Field(default=12, ge=0)
    section_hours_per_year: float = Field(default=90, ge=0)
    county_hours_5y: float = Field(default=550, ge=0)
    county_days_5y: float = Field(default=90, ge=0)


class AssessmentRule(_Rule):
    barred_grades: list[str] = ["基本称职", "不称职"]


class EffectPeriod(_Rule):
    months: dict[str, int] = {}


class RecentPromotion(_Rule):
    min_months: int = Field(default=12, ge=0)


class Rules(BaseModel):
    model_config = ConfigDict(extra="forbid")
    service_years: ServiceYears = ServiceYears()
    grassroots_years: GrassrootsYears = GrassrootsYears()
    years_at_level: YearsAtLevel = YearsAtLevel()
    posts_below: PostsBelow = PostsBelow()
    education: EducationRule = EducationRule()
    training: TrainingRule = TrainingRule()
    assessment: AssessmentRule = AssessmentRule()
    effect_period: EffectPeriod = EffectPeriod()
    one_level: _Rule = _Rule()
    probation: _Rule = _Rule()
    recent_promotion: RecentPromotion = RecentPromotion()


class Avoidance(BaseModel):
    model_config = ConfigDict(extra="forbid")
    enabled: bool = True
    same_unit: bool = True
    superior_subordinate: bool = True
    sensitive_functions: list[str] = ["组织人事", "纪检监察", "审计", "财务"]
    regional: bool = True
    regional_roles: list[str] = []


class Retirement(BaseModel):
    model_config = ConfigDict(extra="forbid")
    male: float = Field(default=60, ge=40, le=75)
    female: float = Field(default=55, ge=40, le=75)


class ScoringWeights(BaseModel):
    model_config = ConfigDict(extra="forbid")
    specialty: float = Field(default=0.30, ge=0)
    experience: float = Field(default=0.25, ge=0)
    performance: float = Field(default=0.25, ge=0)
    development: float = Field(default=0.10, ge=0)
    team_fit: float = Field(default=0.10, ge=0)


class ExperienceScoring(BaseModel):
    model_config = ConfigDict(extra="forbid")
    grassroots_years_full: float = Field(default=5, gt=0)
    major_tasks_full: float = Field(default=3.0, gt=0)
    similar_unit_years_full: float = Field(default=3, gt=0)


class TeamScoring(BaseModel):
    model_config = ConfigDict(extra="forbid")
    young_age: float = Field(default=40, gt=0)


class DevelopmentScoring(BaseModel):
    model_config = ConfigDict(extra="forbid")
    training_hours_target: float = Field(default=80, gt=0)


class Scoring(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ready_threshold: float = Field(default=0.55, ge=0, le=1)
    weights: ScoringWeights = ScoringWeights()
    experience: ExperienceScoring = ExperienceScoring()
    team: TeamScoring = TeamScoring()
    development: DevelopmentScoring = DevelopmentScoring()


class MentoringCost(BaseModel):
    model_config = ConfigDict(extra="forbid")
    distance: float = Field(default=0.40, ge=0)
    specialty: float = Field(default=0.20, ge=0)
    seniority: float = Field(default=0.15, ge=0)
    assessment: float = Field(default=0.15, ge=0)
    load: float = Field(default=0.10, ge=0)


class MentoringPolicy(BaseModel):
    """Who should have a mentor, what makes a pairing acceptable, and its cost."""

    model_config = ConfigDict(extra="forbid")
    recruit_years: float = Field(default=3, ge=0)
    channels: list[str] = ["选调生", "到村(社区)工作大学生"]
    channel_years: float = Field(default=5, ge=0)
    pool_members: bool = True
    retire_within_years: float = Field(default=3, ge=0)
    far_unit_kinds: list[str] = ["区县", "市", "省"]
    max_distance: int = Field(default=4, ge=0)
    allow_far: bool = False
    many_to_one: bool = True
    min_years_to_retire: float = Field(default=1, ge=0)
    candidates_per_mentee: int = Field(default=40, ge=1)
    cost: MentoringCost = MentoringCost()


class TeamsPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ageing_mean_age: float = Field(default=50, gt=0)
    ageing_youngest_age: float = Field(default=45, gt=0)
    young_age: float = Field(default=40, gt=0)
    retire_within_years: float = Field(default=3, ge=0)
    several_retiring: int = Field(default=2, ge=1)
    needed_categories: dict[str, list[str]] = {}


class PoolPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid")
    max_age: float = Field(default=40, gt=0)
    entry_max_age: float = Field(default=38, gt=0)
    entry_min_service_years: float = Field(default=2, ge=0)
    entry_excellent_years: int = Field(default=1, ge=0)
    no_progress_years: float = Field(default=5, ge=0)
    history_years: int = Field(default=5, ge=1)


class TrainingCompliance(BaseModel):
    model_config = ConfigDict(extra="forbid")
    yearly_hours_target: float = Field(default=80, ge=0)
    pool_offjob_days: float = Field(default=7, ge=0)
    pool_offjob_years: float = Field(default=3, gt=0)
    exempt_new_months: int = Field(default=12, ge=0)


class NetworkPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid")
    bridge_participation: float = Field(default=0.5, ge=0, le=1)
    bridge_min_degree: int = Field(default=4, ge=1)
    quiet_excellent_years: int = Field(default=2, ge=1)
    quiet_unpromoted_years: float = Field(default=5, ge=0)
    louvain_resolution: float = Field(default=1.0, gt=0)
    seed: int = 7


class TargetsPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid")
    young_age: float = Field(default=35, gt=0)
    new_cadres_young_share: float = Field(default=0.60, ge=0, le=1)
    promotions_young_share: float | None = Field(default=None, ge=0, le=1)
    pool_size: int | None = Field(default=None, ge=0)
    mentoring_coverage: float = Field(default=0.95, ge=0, le=1)
    years: int = Field(default=5, ge=1)


class SelectionPolicy(BaseModel):
    """The whole policy; see ``default_policy.toml`` for what each setting means."""

    model_config = ConfigDict(extra="forbid")
    county_levels: list[str] = ["副处", "正处", "副厅", "正厅"]
    rules: Rules = Rules()
    avoidance: Avoidance = Avoidance()
    retirement: Retirement = Retirement()
    scoring: Scoring = Scoring()
    mentoring: MentoringPolicy = MentoringPolicy()
    teams: TeamsPolicy = TeamsPolicy()
    pool: PoolPolicy = PoolPolicy()
    training: TrainingCompliance = TrainingCompliance()
    network: NetworkPolicy = NetworkPolicy()
    targets: TargetsPolicy = TargetsPolicy()


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PolicyError(f"policy file {path} does not exist") from None
    except tomllib.TOMLDecodeError as error:
        raise PolicyError(f"policy file {path} is not valid TOML: {error}") from None


def load_policy(path: Path | None = None) -> SelectionPolicy:
    """The default policy, with ``path``'s settings merged over it when given.

    Raises
    ------
    PolicyError
        Naming the file, the setting and what is wrong with it.
    """
    data = _read(DEFAULT_POLICY)
    if path is not None:
        data = _merge(data, _read(path))
    try:
        return SelectionPolicy.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in item['loc'])}: {item['msg']}"
            for item in error.errors(include_url=False)
        )
        raise PolicyError(f"policy {path or DEFAULT_POLICY}: {problems}") from None
