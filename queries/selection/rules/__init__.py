"""The rules of a selection, one unit a rule, in the order a verdict lists them.

Each unit (a module here, named as the rule) holds its reading of the policy, its
judgement over every cadre (whose failures make the eligibility mask of a level), the
line a committee reads for one cadre, and the day the rule will be met if nothing
changes (:mod:`queries.selection.rules.base`). ``check``, one post's candidates and a
round all go one way through them: the post's scope, the masks of the barring rules,
the scores of those left (:mod:`queries.selection.scores`), then the lines of the
people shown. Adding a rule is adding its unit (and its policy section) and listing it
in :data:`RULES`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from queries.selection.policy import SelectionPolicy
from queries.selection.results import VerdictRow
from queries.selection.rules.assessment import Assessment
from queries.selection.rules.avoidance import AvoidanceRule, avoidance_line
from queries.selection.rules.base import FAIL, RuleResult, RuleUnit, span
from queries.selection.rules.education import EducationMinimum
from queries.selection.rules.education_county import EducationCounty
from queries.selection.rules.effect_period import EffectPeriod
from queries.selection.rules.facts import CadreFacts, Target
from queries.selection.rules.grassroots_years import GrassrootsYears
from queries.selection.rules.leadership import Leadership
from queries.selection.rules.one_level import OneLevel
from queries.selection.rules.posts_below import PostsBelow
from queries.selection.rules.probation import Probation
from queries.selection.rules.recent_promotion import RecentPromotion
from queries.selection.rules.retirement import Retirement
from queries.selection.rules.scope import Scope
from queries.selection.rules.service_years import ServiceYears
from queries.selection.rules.training import Training
from queries.selection.rules.years_at_level import YearsAtLevel

__all__ = [
    "AVOIDANCE",
    "BY_NAME",
    "LEVEL_RULES",
    "RULES",
    "SCOPE",
    "CadreFacts",
    "RuleResult",
    "RuleUnit",
    "Target",
    "Verdict",
    "avoidance_line",
    "eligible",
    "level_verdict",
    "met_on",
    "span",
    "verdict",
]

SCOPE = Scope()
AVOIDANCE = AvoidanceRule()

# The rules in the order a verdict lists them: whose cadre, then the level's rules, then
# the age, then the relatives.
RULES: tuple[RuleUnit, ...] = (
    SCOPE,
    OneLevel(),
    YearsAtLevel(),
    Leadership(),
    ServiceYears(),
    GrassrootsYears(),
    PostsBelow(),
    EducationMinimum(),
    EducationCounty(),
    Training(),
    Assessment(),
    EffectPeriod(),
    Probation(),
    RecentPromotion(),
    Retirement(),
    AVOIDANCE,
)
BY_NAME: dict[str, RuleUnit] = {unit.name: unit for unit in RULES}
# The rules a post's level decides (its masks are shared by every post of the level).
LEVEL_RULES: tuple[RuleUnit, ...] = tuple(unit for unit in RULES if not unit.per_post)

Bools = NDArray[np.bool_]
VerdictStatus = Literal["eligible", "eligible_with_warnings", "not_eligible"]


@dataclass(frozen=True)
class Verdict:
    """The lines of one cadre for one post, and the verdict they make."""

    cadre_id: str
    post_id: str
    rules: list[RuleResult]

    @property
    def status(self) -> VerdictStatus:
        statuses = {rule.status for rule in self.rules}
        if "fail" in statuses:
            return "not_eligible"
        return "eligible_with_warnings" if "warn" in statuses else "eligible"

    @property
    def eligible(self) -> bool:
        return self.status != "not_eligible"

    def failures(self) -> list[str]:
        return [rule.message for rule in self.rules if rule.status == "fail"]

    def warnings(self) -> list[str]:
        return [rule.message for rule in self.rules if rule.status == "warn"]

    def masked(self) -> Verdict:
        """The verdict for a role that may not see supervision records: a line that names
        them says only that one bars (or warns), without its kind or dates."""
        lines = []
        for line in self.rules:
            public = BY_NAME[line.rule].public_message if line.rule in BY_NAME else None
            if public is not None and line.status != "pass":
                line = RuleResult(line.rule, line.status, public, {})
            lines.append(line)
        return Verdict(self.cadre_id, self.post_id, lines)

    def as_dict(self) -> VerdictRow:
        return {
            "cadre_id": self.cadre_id,
            "post_id": self.post_id,
            "verdict": self.status,
            "rules": [rule.as_dict() for rule in self.rules],
        }


def eligible(facts: CadreFacts, target: Target) -> Bools:
    """Who no barring rule of the post's level fails (scope and avoidance, which read the
    post itself, are applied by the caller). Remembered per level; read only."""

    def compute() -> Bools:
        barred = np.zeros(len(facts), dtype=bool)
        for unit in LEVEL_RULES:
            if unit.bars(target.policy):
                barred |= facts.judgement(unit, target).status == FAIL
        mask = ~barred
        mask.flags.writeable = False
        return mask

    found: Bools = facts.memo(("eligible", target.key), compute)
    return found


def level_verdict(facts: CadreFacts, row: int, target: Target) -> list[RuleResult]:
    """Cadre ``row``'s lines of the rules the post's level decides."""
    return [line for unit in LEVEL_RULES if (line := unit.reason(facts, target, row)) is not None]


def verdict(
    facts: CadreFacts, row: int, target: Target, *, units: Sequence[RuleUnit] = RULES
) -> Verdict:
    """Every line of cadre ``row`` for the post of ``target``: its scope, its level's
    rules and avoidance."""
    lines = [line for unit in units if (line := unit.reason(facts, target, row)) is not None]
    return Verdict(facts.ids[row], str((target.post or {}).get("id", "")), lines)


def met_on(facts: CadreFacts, target: Target) -> dict[str, NDArray[np.datetime64]]:
    """Each barring rule's day of every cadre (NaT: no day can be known): the date
    method over columns that a cadre's path and the district's pipeline read."""
    policy: SelectionPolicy = target.policy
    found = {}
    for unit in RULES:
        if unit.bars(policy) and (not unit.per_post or target.post is not None):
            found[unit.name] = unit.days(facts, target)
    return found
