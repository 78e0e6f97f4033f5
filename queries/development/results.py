"""The shapes of the development analyses: mentoring coverage and recommendations,
team structure, the pool review, training compliance, the network, the targets.

Plain dicts at run time (the reports read them as such); typed for mypy, for the
OpenAPI document and for the audit (every ``CadreId`` is a person the answer shows).
"""

from __future__ import annotations

from typing import Any, NotRequired

from typing_extensions import TypedDict

from queries.results import CadreId

__all__ = [
    "BelowHours",
    "BelowRegulation",
    "Bridge",
    "CommunityMember",
    "CountyBelowRegulation",
    "CoverageGroup",
    "CoverageResult",
    "DistantPairing",
    "MentorGaps",
    "MentorLoad",
    "NetworkResult",
    "PairingEntry",
    "PairingRow",
    "PathAction",
    "PathMentor",
    "PathPool",
    "PathResult",
    "PathRule",
    "PathWarning",
    "PipelineGroup",
    "PipelineResult",
    "PipelineRisk",
    "PipelineYear",
    "PoolCandidate",
    "PoolExit",
    "PoolPerson",
    "PoolResult",
    "PoolStayEntry",
    "PoolYear",
    "QuietPerformer",
    "RecommendationResult",
    "TargetYear",
    "TargetsResult",
    "TeamDetail",
    "TeamMember",
    "TeamMemberDetail",
    "TeamRow",
    "TeamVacancy",
    "TeamsResult",
    "TrainingResult",
    "TrainingRow",
    "UncoveredMentee",
]


# ------------------------------------------------------------------ mentoring


class CoverageGroup(TypedDict):
    group: str
    need: int
    covered: int
    coverage: float | None


class MenteeRow(TypedDict):
    cadre_id: CadreId
    name: str
    unit_id: str | None
    unit_name: str | None
    channel: Any
    reason: str | None


class UncoveredMentee(MenteeRow):
    """A mentee who should have a mentor and has none serving; ``mentors``: the pairings
    that exist but do not count (a departed mentor, ...)."""

    mentors: list[str]


class MentorLoad(TypedDict):
    """A mentor with current mentees; departed and retiring rows say more."""

    mentor_id: str
    name: str | None
    kind: str | None
    mentees: list[CadreId]
    load: int
    capacity: int | None


class DepartedMentor(MentorLoad):
    status: str | None
    cadre_status: str | None


class RetiringMentor(MentorLoad):
    retires: str


class DistantPairing(TypedDict):
    mentor_id: str
    mentor_name: str | None
    mentor_unit: str | None
    mentee_id: CadreId
    mentee_name: str
    mentee_unit: str | None
    hops: int | None


class MentorGaps(TypedDict):
    """Mentors over capacity, departed, retiring, and pairings across townships."""

    over_capacity: list[MentorLoad]
    departed: list[DepartedMentor]
    retiring: list[RetiringMentor]
    distant: list[DistantPairing]


class UnitShort(TypedDict):
    unit_id: str
    unit_name: str | None
    uncovered: int
    spare_capacity: int


class CoverageResult(TypedDict):
    """Mentoring coverage and its gaps (导师帮带覆盖)."""

    as_of: str
    need: int
    covered: int
    coverage: float | None
    by_unit: list[CoverageGroup]
    by_channel: list[CoverageGroup]
    by_year: list[CoverageGroup]
    uncovered: list[UncoveredMentee]
    over_capacity: list[MentorLoad]
    departed: list[DepartedMentor]
    retiring: list[RetiringMentor]
    distant: list[DistantPairing]
    units_without_spare_mentor: list[UnitShort]


class PairingRow(TypedDict):
    """A proposed pairing with its cost parts and reasons."""

    mentee_id: CadreId
    mentee_name: str
    mentee_unit: str | None
    mentor_id: str
    mentor_name: str | None
    mentor_kind: str | None
    cost: float
    parts: dict[str, float]
    reasons: list[str]


class UnmatchedMentee(TypedDict):
    mentee_id: CadreId
    name: str
    unit_name: str | None
    reason: str


class RecommendationResult(TypedDict):
    """Proposed mentor pairings, optimal by min-cost flow (导师结对建议)."""

    as_of: str
    method: str
    need: int
    coverage_before: float | None
    coverage_after: float | None
    pairs: list[PairingRow]
    unmatched: list[UnmatchedMentee]


# ------------------------------------------------------------------ teams


class TeamRetiring(TypedDict):
    cadre_id: CadreId
    name: str
    retires: str | None
    overdue: bool


class TeamMember(TypedDict):
    cadre_id: CadreId
    name: str
    age: float
    gender: str | None


class TeamRow(TypedDict):
    """One leadership team's structure and why it should be adjusted first."""

    unit_id: str
    unit_name: str
    unit_kind: str | None
    members: int
    posts: int
    vacant_posts: list[str]
    mean_age: float | None
    youngest_age: float | None
    under_35: int
    under_40: int
    women: int
    bachelor_or_above: int
    categories_present: list[str]
    categories_needed: list[str]
    categories_missing: list[str]
    retiring: list[TeamRetiring]
    flags: list[str]
    flag_names: list[str]
    adjustment_score: float
    member_list: list[TeamMember]
    rank: NotRequired[int]  # set once every team is scored


class TeamsSummary(TypedDict):
    teams: int
    members: int
    mean_age: float | None
    under_35: int
    under_40: int
    women: int
    retiring: int
    vacant_posts: int
    flagged: dict[str, int]


class TeamsResult(TypedDict):
    """Leadership-team structure, ranked for adjustment (班子结构)."""

    as_of: str
    summary: TeamsSummary
    teams: list[TeamRow]


# ------------------------------------------------------------------ pool


class PoolPerson(TypedDict):
    cadre_id: CadreId
    name: str
    age: float
    unit_name: str | None
    level: str | None
    channel: str | None


class PoolCandidate(PoolPerson):
    """Who could enter the pool, and why."""

    strength: float
    reasons: list[str]


class PoolExit(PoolPerson):
    """A member to review for exit, and why."""

    pool_id: str
    in_pool_since: str | None
    kinds: list[str]
    reasons: list[str]


class PoolYear(TypedDict):
    year: int
    size: int
    entered: int
    exited: int
    exit_reasons: dict[str, int]


class PoolResult(TypedDict):
    """The young-cadre pool: composition, entry candidates, exit review (年轻干部库)."""

    as_of: str
    size: int
    composition: dict[str, dict[str, int]]
    entry_candidates: list[PoolCandidate]
    exit_review: list[PoolExit]
    history: list[PoolYear]


# ------------------------------------------------------------------ training


class TrainingRow(TypedDict):
    cadre_id: CadreId
    name: str
    unit_name: str | None
    level: str | None
    hours_12m: float
    days_12m: float


class BelowHours(TrainingRow):
    short_by: float


class BelowRegulation(TrainingRow):
    """Below the regulation's training for the cadre's level."""

    rule: str


class CountyBelowRegulation(BelowRegulation):
    """A county-level cadre below the regulation, with the 5-year figures."""

    hours_5y: float
    days_5y: float


class PoolWithoutOffJob(TrainingRow):
    last_offjob_course: str | None


class TrainingByUnit(TypedDict):
    unit_name: str
    counted: int
    below_yearly_hours: int
    below_regulation: int
    pool_without_offjob: int
    compliance: float


class TrainingResult(TypedDict):
    """Training compliance (教育培训达标)."""

    as_of: str
    counted: int
    yearly_hours_target: float
    below_yearly_hours: list[BelowHours]
    below_regulation: list[CountyBelowRegulation | BelowRegulation]
    pool_without_offjob: list[PoolWithoutOffJob]
    by_unit: list[TrainingByUnit]
    hours_distribution: dict[str, int]


# ------------------------------------------------------------------ network


class CommunityMember(TypedDict):
    cadre_id: CadreId
    name: str
    unit_name: str | None


class Community(TypedDict):
    community: int
    size: int
    main_units: list[str]
    members: list[CommunityMember]  # by unit, then name


class Bridge(TypedDict):
    cadre_id: CadreId
    name: str
    unit_name: str | None
    participation: float
    collaborators: int
    communities_reached: int
    community: int | None


class QuietPerformer(TypedDict):
    cadre_id: CadreId
    name: str
    unit_name: str | None
    level: str | None
    age: float | None
    excellent_years: list[int]
    strong_projects: list[str]
    unpromoted_since: str | None
    collaborators: int


class NetworkResult(TypedDict):
    """Collaboration network: communities, bridges, quiet performers (协作网络)."""

    as_of: str
    nodes: int
    edges: int
    isolated: int
    modularity: float | None
    communities: list[Community]
    bridges: list[Bridge]
    quiet_performers: list[QuietPerformer]
    measures: dict[str, str]


# ------------------------------------------------------------------ targets


class TargetYear(TypedDict):
    year: int
    until: str
    new_cadres: int
    new_cadres_under_35: int
    new_cadres_young_share: float | None
    new_cadres_target_met: bool | None
    promotions: int
    promotions_under_35: int
    promotions_young_share: float | None
    promotions_target_met: bool | None
    pool_size: int
    pool_target_met: bool | None
    mentoring_need: int
    mentoring_covered: int
    mentoring_coverage: float | None
    mentoring_target_met: bool | None


class TargetsResult(TypedDict):
    """The report's targets per year (目标完成情况)."""

    as_of: str
    targets: dict[str, float | int | None]
    years: list[TargetYear]


# ------------------------------------------------------------------ ledger and team page


class PairingEntry(TypedDict):
    """A pairing as recorded (导师结对记录); ``state``: current, ended, undone, planned."""

    mentor_id: str
    mentor_name: str | None
    mentor_kind: str | None
    mentor_cadre_id: CadreId | None
    mentee_id: CadreId
    mentee_name: str
    mentee_unit: str | None
    start: str
    end: str | None
    end_reason: str | None
    state: str
    recorded_by: str | None
    recorded_on: str | None
    ended_by: str | None


class PoolStayEntry(TypedDict):
    """A stay in a pool (入库记录), current or ended, with its reasons."""

    cadre_id: CadreId
    name: str
    pool_id: str
    pool_name: str | None
    unit_name: str | None
    age: float | None
    birth: str | None
    level: str | None
    channel: str | None
    active: bool
    start: str
    end: str | None
    current: bool
    entry_reason: str | None
    exit_reason: str | None
    recorded_by: str | None
    ended_by: str | None


class TeamMemberDetail(TypedDict):
    cadre_id: CadreId
    name: str
    gender: str | None
    birth: str | None
    age: float | None
    post_id: str
    post_name: str | None
    principal: bool
    level: str | None
    rank: str | None
    retires: str | None
    retiring_soon: bool  # within the teams policy's horizon


class TeamVacancy(TypedDict):
    post_id: str
    post_name: str | None
    level: str | None


class TeamDetail(TypedDict):
    """One leadership team (领导班子): its members post by post and its vacant posts."""

    as_of: str
    unit_id: str
    unit_name: str
    unit_kind: str | None
    members: list[TeamMemberDetail]
    vacancies: list[TeamVacancy]


# ------------------------------------------------------------------ paths and the pipeline


class PathRule(TypedDict):
    """A barring rule of the step: its status now, the day it is met, what it needs."""

    rule: str
    title: str
    status: str  # pass / warn / fail, now
    met_on: str | None  # the first day it holds if nothing changes; None: no day can be known
    needs: str  # what has to happen ("" when it holds now)
    message: str  # the line a committee reads today


class PathWarning(TypedDict):
    rule: str
    message: str


class PathAction(TypedDict):
    """Something that brings the ready day forward, and the ready day if started now."""

    kind: str  # posting / secondment / course / major_task
    unit_id: str | None  # None for a course (no unit of the graph runs it)
    post_id: str | None
    ready_on: str | None
    title: str  # what to do, in Chinese
    unit_name: str | None
    post_name: str | None
    training_id: str | None
    project_id: str | None
    fixes: list[str]  # the rules it gives a day to


class PathPool(TypedDict):
    pool_id: str
    pool_name: str
    ages_out_on: str | None
    at_risk: bool


class PathMentor(TypedDict):
    mentor_id: str
    name: str
    cadre_id: CadreId | None  # when the mentor is a cadre
    since: str


class PathResult(TypedDict):
    """One cadre's path to the next level (一人一策)."""

    cadre_id: CadreId
    name: str
    as_of: str
    unit_name: str | None
    level: str  # where the cadre stands: its leadership level or its 职级's equivalent
    rank: str | None
    next_level: str | None  # None at the top of the ladder
    ready_now: bool
    ready_on: str | None  # every barring rule met; None while a rule has no day
    ready_with_actions: str | None  # the same, each action below started today
    rules: list[PathRule]
    warnings: list[PathWarning]
    actions: list[PathAction]
    pool: PathPool | None
    mentor: PathMentor | None
    stage_goal: str  # the 一人一策 line for the coming year


class PipelineYear(TypedDict):
    """One year and level: posts that open, cadres ready, the gap."""

    year: int
    level: str
    demand: int  # posts opening in the year: vacant now (first year), retiring, young target
    demand_vacant: int
    demand_retiring: int
    demand_young: int
    demand_to_date: int  # opened from today to the year's end
    supply: int  # cadres aimed at the level and ready by the year's end (the paths' sum)
    supply_young: dict[str, int]  # of those, under each age of ``paths.young_ages``
    supply_with_actions: int  # ready by the year's end if their paths' actions start now
    gap: int  # demand_to_date - supply: positive, short of ready cadres


class PipelineGroup(TypedDict):
    """The gap of one year and level in one group (a unit kind, a specialty category)."""

    year: int
    level: str
    group: str
    demand_to_date: int
    supply: int
    gap: int


class PipelineRisk(TypedDict):
    cadre_id: CadreId
    name: str
    next_level: str | None
    ages_out_on: str | None
    ready_on: str | None


class PipelineResult(TypedDict):
    """Ready cadres against the posts that will open, year by year (超前研判)."""

    as_of: str
    unit_id: str | None
    unit_name: str
    cadres: int  # paths counted
    years: list[PipelineYear]
    by_unit_kind: list[PipelineGroup]
    by_specialty: list[PipelineGroup]
    at_risk: list[CadreId]  # pool members who leave the age band before they are ready
    at_risk_detail: list[PipelineRisk]
