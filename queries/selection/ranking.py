"""What ranking shares: a leadership team's gaps, a ranked candidate, the levels a post
takes candidates from. The scores themselves are computed as arrays in
:mod:`queries.selection.scores`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphsvc.vocab import LEVEL_ORDER, Level
from queries.selection.results import CandidateScore, TeamGapsRow

__all__ = ["Candidate", "TeamGaps", "candidate_levels"]


@dataclass(frozen=True)
class TeamGaps:
    """What a leadership team lacks, read from its current members."""

    unit_id: str
    members: int
    youngest_age: float | None
    has_woman: bool
    categories: frozenset[str]
    wanted_categories: frozenset[str]  # required by the team's posts, or wanted for its kind
    required_categories: frozenset[str] = frozenset()  # required by a post of the team

    def as_dict(self) -> TeamGapsRow:
        lacking = self.wanted_categories - self.categories
        return {
            "unit_id": self.unit_id,
            "members": self.members,
            "youngest_age": self.youngest_age,
            "has_woman": self.has_woman,
            # What a post of the team requires and no member has ...
            "missing_categories": sorted(lacking & self.required_categories),
            # ... and what the policy wants in a team of this kind of unit.
            "missing_recommended_categories": sorted(lacking - self.required_categories),
        }


@dataclass(frozen=True)
class Candidate:
    """One cadre's score for one post, its parts and reasons, and who the cadre is."""

    cadre_id: str
    name: str
    score: float
    parts: dict[str, float]
    reasons: list[str]
    verdict: str
    warnings: list[str] = field(default_factory=list)
    current_post: str | None = None
    leader: bool = False
    rank: str | None = None  # 职级
    age: int | None = None  # 周岁
    flags: list[str] = field(default_factory=list)

    def as_dict(self) -> CandidateScore:
        return {
            "cadre_id": self.cadre_id,
            "name": self.name,
            "score": round(self.score, 4),
            "parts": {k: round(v, 4) for k, v in self.parts.items()},
            "reasons": self.reasons,
            "verdict": self.verdict,
            "warnings": self.warnings,
            "current_post": self.current_post,
            "leader": self.leader,
            "rank": self.rank,
            "age": self.age,
            "flags": self.flags,
        }


def candidate_levels(post: dict[str, Any]) -> set[str]:
    """Levels a candidate for this post may hold now: the same, or one below."""
    try:
        target = Level(str(post.get("level")))
    except ValueError:
        return set()
    order = LEVEL_ORDER[target]
    return {level.value for level, rank in LEVEL_ORDER.items() if order - 1 <= rank <= order}
