"""The shapes of the selection answers: a check, ranked candidates, a round, the bench,
avoidance conflicts. Plain dicts at run time (reports and the CLI read them as such);
typed for mypy, for the OpenAPI document and for the audit (every ``CadreId`` in an
answer is a person whose record it showed).
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired

from typing_extensions import TypedDict

from queries.results import CadreId

__all__ = [
    "Assignment",
    "BenchCandidate",
    "BenchPost",
    "BenchResult",
    "CandidateRow",
    "CandidateScore",
    "CandidatesResult",
    "CheckResult",
    "ConflictRow",
    "CurrentConflict",
    "CurrentConflicts",
    "ExcludedRow",
    "Incumbent",
    "NewOpening",
    "Person",
    "ReadyCandidate",
    "RetiringIncumbent",
    "RoundResult",
    "RuleRow",
    "RunnerUp",
    "ScopeRow",
    "ScopeSummary",
    "TeamGapsRow",
    "UnfilledPost",
    "VerdictRow",
    "VerdictStatus",
]

VerdictStatus = Literal["eligible", "eligible_with_warnings", "not_eligible"]


class RuleRow(TypedDict):
    """One eligibility rule's outcome and the facts behind it."""

    rule: str
    status: Literal["pass", "fail", "warn"]
    message: str
    facts: dict[str, Any]


class ConflictRow(TypedDict):
    """An avoidance conflict; ``chain`` and ``relative_id`` only for roles that see kinship."""

    rule: str
    message: str
    chain: NotRequired[list[str]]
    relative_id: NotRequired[CadreId | None]


class VerdictRow(TypedDict):
    """The eligibility rules' verdict on one cadre for one post."""

    cadre_id: CadreId
    post_id: str
    verdict: VerdictStatus
    rules: list[RuleRow]


class CheckResult(VerdictRow):
    """An appointment checked rule by rule (任职资格与回避审查)."""

    cadre_name: str | None
    post_name: str | None
    unit_name: str | None
    as_of: str
    conflicts: list[ConflictRow]


class CurrentConflict(ConflictRow):
    """A conflict that exists now: who, in which post."""

    cadre_id: CadreId
    post_id: str
    unit_id: str | None


class CurrentConflicts(TypedDict):
    conflicts: list[CurrentConflict]


class TeamGapsRow(TypedDict):
    unit_id: str
    members: int
    youngest_age: float | None
    has_woman: bool
    missing_categories: list[str]  # required by a post of the team, no member has it
    missing_recommended_categories: list[str]  # wanted for the unit's kind by the policy


class Person(TypedDict):
    """Who a ranked cadre is, as a committee reads it first: the post held now, whether it
    is a leadership post, the 职级, the age in whole years (周岁), and flags such as a pool
    member's pending exit review."""

    current_post: str | None
    leader: bool  # holds a leadership post (领导职务)
    rank: str | None  # 职级
    age: int | None  # 周岁
    flags: list[str]


class CandidateScore(Person):
    """A candidate's score for a post, with parts and reasons."""

    cadre_id: CadreId
    name: str
    score: float
    parts: dict[str, float]
    reasons: list[str]
    verdict: str
    warnings: list[str]


class CandidateRow(CandidateScore):
    """A ranked candidate; ``place`` is the position in the ranking (名次)."""

    place: int


class ExcludedRow(TypedDict):
    cadre_id: CadreId
    name: str | None
    why: list[str]


class ScopeRow(TypedDict):
    """Where a post's candidates come from (干部管理权限): a unit, or the whole area."""

    scope_id: str | None  # the scope's unit (a district); None: the whole area
    scope_name: str  # its name, or 全域


class CandidatesResult(TypedDict):
    """Ranked eligible candidates for one post (人岗匹配), and who is excluded and why.

    Only cadres of the post's scope are considered.
    """

    post_id: str
    post_name: str | None
    unit_id: str
    unit_name: str | None
    level: str | None
    as_of: str
    scope_id: str | None
    scope_name: str
    team: TeamGapsRow
    considered: int
    candidates: list[CandidateRow]
    eligible: int
    excluded: list[ExcludedRow]
    excluded_total: int  # how many are excluded (``excluded`` may list only the first)


class Assignment(Person):
    post_id: str
    post_name: str | None
    unit_name: str
    scope_id: str | None  # the scope the post was filled from (None: the whole area)
    scope_name: str
    cadre_id: CadreId
    name: str
    score: float
    rank_for_post: int
    young: bool
    reasons: list[str]


class UnfilledPost(TypedDict):
    post_id: str
    post_name: str | None
    eligible: int
    scope_name: str


class RunnerUp(TypedDict):
    cadre_id: CadreId
    name: str | None
    score: float
    flags: list[str]


class NewOpening(TypedDict):
    """A leadership post an appointee leaves."""

    post_id: str
    post_name: str | None
    left_by: CadreId
    for_post: str


class ScopeSummary(ScopeRow):
    """One scope of a round, ranked and solved on its own."""

    posts: int
    filled: int
    total: float
    method: str
    candidates: int  # (post, cadre) pairs the solver chose from


class RoundResult(TypedDict):
    """A round of vacancies filled best overall (整体选配), each scope on its own."""

    as_of: str
    method: str
    posts: int
    scopes: list[ScopeSummary]  # in the order solved: the whole area first
    assignments: list[Assignment]
    total: float
    unfilled: list[UnfilledPost]
    runners_up: dict[str, list[RunnerUp]]
    new_openings: list[NewOpening]
    young_share: float | None
    candidates_per_post: dict[str, int]


class BenchCandidate(TypedDict):
    """Someone on a post's bench: ready now (with the score) or later."""

    cadre_id: CadreId
    name: str | None


class ReadyCandidate(TypedDict):
    """Someone ready for the post now, with the score."""

    cadre_id: CadreId
    name: str
    score: float
    flags: list[str]


class Incumbent(TypedDict):
    cadre_id: CadreId
    name: str | None
    retires: str | None
    retiring_soon: bool


class BenchPost(TypedDict):
    post_id: str
    post_name: str | None
    unit_name: str | None
    level: str | None
    scope_name: str  # where its bench comes from
    ready_now: list[ReadyCandidate]
    ready_in_1y: list[BenchCandidate]
    ready_in_1y_count: int
    ready_in_2y: list[BenchCandidate]
    ready_in_2y_count: int
    incumbents: list[Incumbent]


class RetiringIncumbent(Incumbent):
    post_id: str
    post_name: str | None
    bench: list[CadreId]


class BenchResult(TypedDict):
    """The succession bench per leadership post (后备梯队)."""

    as_of: str
    ready_threshold: float
    posts: list[BenchPost]
    no_bench: list[str]
    retiring: list[RetiringIncumbent]
