"""Every cadre's step to the next level, as columns: the day each barring rule is met, the
ready day, and the ready day if the suggested actions start today.

A cadre aims at the level above the one it stands at (its leadership level, or its
职级's equivalent; ``aims``), as a leadership post. For each level the barring rules'
days come from the rule units themselves (``met_on`` over every cadre's columns,
:func:`queries.selection.rules.met_on`, through the bench's :func:`ready_on`): the ready
day is the latest of them, NaT when one has no day (a barred grade waits for a later
one) or when retirement comes first. An action can give a day to a rule that has none:

- ``grassroots_years`` (no grassroots post or secondment goes on): a posting to a vacant
  post in a township or street, or a secondment (挂职) there, starting today: met when
  the missing months have passed;
- ``years_at_level`` on the leadership track (no leadership post at the level below): a
  posting to a vacant leadership post of that level, starting today: met when the
  required years have passed;
- ``training`` (hours or days missing): the earliest scheduled course long enough on its
  own: met on its last day.

An action counts only where one is open to the cadre (:mod:`queries.development.openings`).
The ready day with actions takes each such rule's action day. A cadre's path
(:mod:`queries.development.path`) reads its row of these columns and the pipeline
(:mod:`queries.development.pipeline`) counts them, so the pipeline is the sum of the paths.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from graphsvc.vocab import Level
from queries.development.openings import Openings
from queries.selection.bench import ready_on
from queries.selection.candidates import SelectionContext
from queries.selection.rules import BY_NAME, Target
from queries.selection.rules import met_on as rule_days
from queries.selection.rules.base import NAT, months_after
from queries.selection.rules.grassroots_years import grassroots as grassroots_months
from queries.selection.rules.training import Training
from queries.selection.rules.years_at_level import NOT_LEADING, years_needed

__all__ = [
    "FIXED_BY",
    "LevelDays",
    "aims",
    "combine",
    "fixes",
    "level_days",
    "pool_ages_out",
    "target_of",
]

Rows = NDArray[np.intp]
Days = NDArray[np.datetime64]
Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]
LEVELS = list(Level)

# The rules an action can give a day to, and the action that does.
FIXED_BY = {
    "grassroots_years": "posting or secondment",
    "years_at_level": "posting",
    "training": "course",
}


def target_of(context: SelectionContext, level: Level) -> Target:
    """The appointment a step aims at: a leadership post of ``level``."""
    return Target(level, True, context.policy, context.as_of)


def aims(context: SelectionContext, rows: Rows | None = None) -> Ints:
    """Each cadre's next level (its ``LEVEL_ORDER``): the one above where it stands; -1 at
    the top of the ladder. Of ``rows`` only, when given."""
    standing = context.facts.cadres.standing
    if rows is not None:
        standing = standing[rows]
    found: Ints = np.where(standing + 1 < len(LEVELS), standing + 1, -1)
    return found


@dataclass(frozen=True)
class LevelDays:
    """The barring rules' days for every cadre at one level (rows as the facts')."""

    target: Target
    met: dict[str, Days]  # each barring rule that applies: its day (NaT: none can be known)
    lapses: Days  # the first day a rule stops holding (retirement), NaT: none

    def latest(self, rows: Rows, fixed: dict[str, Days] | None = None) -> Days:
        """The day the last rule of ``rows`` is met, lapses aside (NaT: a rule has no day);
        a rule of ``fixed`` takes the day given there where it has none of its own."""
        as_of = np.datetime64(self.target.as_of, "D")
        latest = np.full(len(rows), as_of)
        unknown = np.zeros(len(rows), dtype=bool)
        for name, met in self.met.items():
            day = met[rows]
            if fixed and name in fixed:
                day = np.where(np.isnat(day), fixed[name], day)
            unknown |= np.isnat(day)
            latest = np.maximum(latest, np.where(np.isnat(day), latest, day))
        found: Days = np.where(unknown, NAT, latest)
        return found


def level_days(context: SelectionContext, level: Level) -> LevelDays:
    """The days of every cadre at ``level`` (remembered on the facts)."""
    facts = context.facts

    def compute() -> LevelDays:
        target = target_of(context, level)
        _, lapses = ready_on(context, target)
        return LevelDays(target, rule_days(facts, target), lapses)

    found: LevelDays = facts.memo(("paths:level_days", level.value), compute)
    return found


def combine(days: LevelDays, rows: Rows, fixed: dict[str, Days]) -> Days:
    """The ready day of ``rows`` when each rule of ``fixed`` has the day given there where
    it has none of its own (NaT in ``fixed``: no action for that row); NaT too where a rule
    lapses (retirement) on or before it."""
    ready = days.latest(rows, fixed)
    lapses = days.lapses[rows]
    late = ~np.isnat(ready) & ~np.isnat(lapses) & (lapses <= ready)
    found: Days = np.where(late, NAT, ready)
    return found


def fixes(openings: Openings, days: LevelDays, rows: Rows) -> dict[str, Days]:
    """For each rule an action can mend: the day the action would meet it, for ``rows``
    (NaT where the rule has its own day, or no action is open to the cadre)."""
    context = openings.data.context
    facts, target = context.facts, days.target
    policy = target.policy
    as_of = np.datetime64(target.as_of, "D")
    found: dict[str, Days] = {}
    below = target.below()
    if "grassroots_years" in days.met:
        settings = policy.rules.grassroots_years
        months, _ = grassroots_months(facts, settings)
        need = np.isnat(days.met["grassroots_years"][rows])
        missing = np.maximum(round(settings.min_years * 12) - months[rows], 0)
        day = np.where(need, _from_today(as_of, missing), NAT)
        open_ = (
            _open(openings, rows, need, below, grassroots_only=True)
            if below is not None
            else np.zeros(len(rows), dtype=bool)
        )
        found["grassroots_years"] = np.where(open_, day, NAT)
    if "years_at_level" in days.met and below is not None:
        how = facts.judgement(BY_NAME["years_at_level"], target).values["how"][rows]
        need = np.isnat(days.met["years_at_level"][rows]) & (how == NOT_LEADING)
        years = years_needed(policy.rules.years_at_level, target.level) or 0
        day = _from_today(as_of, np.full(len(rows), round(years * 12)))
        open_ = _open(openings, rows, need, below, grassroots_only=False)
        found["years_at_level"] = np.where(need & open_, day, NAT)
    if "training" in days.met:
        unit = BY_NAME["training"]
        assert isinstance(unit, Training)
        need = np.isnat(days.met["training"][rows])
        hours, spent = unit.missing(facts, target)
        course = openings.first_courses(hours[rows], spent[rows])
        ends = np.array([np.datetime64(c.end, "D") for c in openings.courses] + [NAT])
        found["training"] = np.where(need & (course >= 0), ends[course], NAT)
    return found


def _from_today(as_of: np.datetime64, months: Ints) -> Days:
    """:func:`months_after` the day for every count of ``months`` (a few years at most):
    each count worked out once."""
    if not len(months):
        return np.full(0, NAT)
    top = int(months.max())
    days: Days = months_after(np.full(top + 1, as_of), np.arange(top + 1))
    found: Days = days[months]
    return found


def _open(
    openings: Openings, rows: Rows, need: Bools, level: Level, *, grassroots_only: bool
) -> Bools:
    """Which of ``rows`` (only where ``need``) have an open place at ``level`` in their
    scope: a vacant post (in a grassroots unit when ``grassroots_only``) or, then, a
    grassroots unit to be seconded to."""
    found = np.zeros(len(rows), dtype=bool)
    wanted = np.flatnonzero(need)
    scopes, scope_of = openings.row_scopes(rows[wanted], level)
    order = np.argsort(scope_of, kind="stable")  # the rows of each scope together
    bounds = np.searchsorted(scope_of[order], np.arange(len(scopes) + 1))
    for number, scope in enumerate(scopes):
        members = wanted[order[bounds[number] : bounds[number + 1]]]
        places = openings.places(level, scope, grassroots=grassroots_only)
        found[members] = openings.any_open(rows[members], places)
    return found


def pool_ages_out(context: SelectionContext, rows: Rows) -> Days:
    """For pool members among ``rows``: the first day they are past the pool's age limit
    (the pool's own 年龄上限, else ``pool.max_age``; as the pool review counts it: more
    than the limit in whole months); NaT for others."""
    facts = context.facts
    limit = facts.pool_max_age[rows]
    limit = np.where(np.isnan(limit), context.policy.pool.max_age, limit)
    months = np.floor(limit * 12).astype(np.int64) + 1
    day = months_after(facts.cadres.birth[rows], months)
    found: Days = np.where(facts.in_pool[rows], day, NAT)
    return found
