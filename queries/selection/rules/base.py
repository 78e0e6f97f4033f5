"""What every rule unit shares: the appointment it is asked about, its judgement over
every cadre, the line a committee reads for one cadre, and day arithmetic over columns.

A rule unit answers three questions from the same arrays, so there is one copy of each
rule: **judge** (pass, warn or fail for every cadre of the facts, with the figures the
line quotes), **reason** (the line of one cadre, read from those figures) and **met_on**
(the first day from the day of the decision on which the rule's condition holds if
nothing changes, NaT when no day can be known, with **needs** saying what would have to
happen). A mask over every cadre is ``judge(...).status != FAIL``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar, Literal

import numpy as np
from numpy.typing import NDArray

from queries.selection.columns import month_shift
from queries.selection.policy import SelectionPolicy
from queries.selection.results import RuleRow
from queries.selection.rules.facts import CadreFacts, Judgement, Target

__all__ = [
    "FAIL",
    "NA",
    "NAT",
    "PASS",
    "WARN",
    "CountyYears",
    "Days",
    "Judgement",
    "RuleResult",
    "RuleUnit",
    "Target",
    "against",
    "day_of",
    "days",
    "months_after",
    "outcome",
    "span",
]

Bools = NDArray[np.bool_]
Ints = NDArray[np.int64]
Days = NDArray[np.datetime64]
Status = Literal["pass", "fail", "warn"]

NA, PASS, WARN, FAIL = 0, 1, 2, 3  # a rule left out of this appointment, or its outcome
STATUS_NAMES: dict[int, Status] = {PASS: "pass", WARN: "warn", FAIL: "fail"}
NAT = np.datetime64("NaT", "D")


def span(months: int) -> str:
    """``32`` → ``"2年8个月"``."""
    years, rest = divmod(max(months, 0), 12)
    if years and rest:
        return f"{years}年{rest}个月"
    return f"{years}年" if years else f"{rest}个月"


def day_of(value: np.datetime64) -> date | None:
    """One element of a day column as a date (``None`` for NaT)."""
    if np.isnat(value):
        return None
    found: date = value.astype("datetime64[D]").astype(date)
    return found


def days(n: int, day: date | None = None) -> Days:
    """A day column of ``n`` rows, all ``day`` (NaT when ``None``)."""
    return np.full(n, NAT if day is None else np.datetime64(day, "D"))


def months_after(start: Days, months: NDArray[Any]) -> Days:
    """The first day on which ``months`` whole months have passed since ``start``
    (``graphsvc.dates.months_between`` counts them): the same day ``months`` later, or
    the first of the next month when that month is too short (01-31 + 1 month → 03-01).
    NaT where ``start`` is NaT."""
    first, length, offset = month_shift(start, months)
    found: Days = np.where(
        offset < length,
        first + offset.astype("timedelta64[D]"),
        first + length.astype("timedelta64[D]"),  # the first of the next month
    )
    return np.where(np.isnat(start), NAT, found)


def outcome(applies: Bools, ok: Bools, warn_only: bool) -> NDArray[np.int8]:
    """The status of every cadre: NA where the rule does not apply, else PASS where ``ok``,
    else FAIL (WARN for a rule that only warns)."""
    status = np.where(ok, PASS, WARN if warn_only else FAIL).astype(np.int8)
    status[~applies] = NA
    return status


@dataclass(frozen=True)
class RuleResult:
    """One rule's line in a verdict: its outcome, what a committee reads, the facts."""

    rule: str
    status: Status
    message: str
    facts: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> RuleRow:
        return {
            "rule": self.rule,
            "status": self.status,
            "message": self.message,
            "facts": self.facts,
        }


class RuleUnit(ABC):
    """One rule: its settings, its judgement over every cadre, its line for one cadre and
    the day it will be met. Subclasses set ``name`` (the code in verdicts and in the
    policy) and ``title`` (its Chinese name), and implement :meth:`judge` (whose values
    hold ``ok``, the rule's condition for every cadre), :meth:`line`, :meth:`met_on` and
    :meth:`needs`.
    """

    name: ClassVar[str]
    title: ClassVar[str]
    per_post: ClassVar[bool] = False  # judged for a post, not only for its level
    # A line that names restricted facts (supervision records) carries this instead for
    # roles that may not see them.
    public_message: ClassVar[str | None] = None

    def settings(self, policy: SelectionPolicy) -> Any:
        """This rule's section of the policy (``policy.rules.<name>``)."""
        return getattr(policy.rules, self.name)

    def enabled(self, policy: SelectionPolicy) -> bool:
        return bool(self.settings(policy).enabled)

    def bars(self, policy: SelectionPolicy) -> bool:
        """Whether a failure can bar anyone: enabled and not a warning only."""
        settings = self.settings(policy)
        return bool(settings.enabled and not settings.warn)

    @abstractmethod
    def judge(self, facts: CadreFacts, target: Target) -> Judgement:
        """Every cadre's status and condition (``ok``) for ``target``."""

    @abstractmethod
    def line(self, facts: CadreFacts, target: Target, judged: Judgement, row: int) -> RuleResult:
        """The line of cadre ``row`` (its status is not NA)."""

    def reason(self, facts: CadreFacts, target: Target, row: int) -> RuleResult | None:
        """Cadre ``row``'s line, or ``None`` when the rule does not apply."""
        judged = facts.judgement(self, target)
        status = int(judged.status[row])
        if status == NA:
            return None
        return self.line(facts, target, judged, row)

    @abstractmethod
    def met_on(self, facts: CadreFacts, target: Target) -> Days:
        """For every cadre: the first day from the day of the decision on which the rule's
        condition holds if nothing changes (the day itself when it holds now, or when the
        rule does not apply); NaT when no day can be known."""

    @abstractmethod
    def needs(self, facts: CadreFacts, target: Target, row: int) -> str:
        """What cadre ``row`` needs for the rule to hold ("" when it holds now)."""

    def days(self, facts: CadreFacts, target: Target) -> Days:
        """:meth:`met_on`, remembered on the facts per level (per post for a rule that reads
        the post): one cadre's line and path read it without another pass over every
        cadre."""
        post_id = str((target.post or {}).get("id", "")) if self.per_post else None

        def compute() -> Days:
            met = self.met_on(facts, target)
            met.flags.writeable = False  # shared by every reader
            return met

        found: Days = facts.memo(("met_on", self.name, target.key, post_id), compute)
        return found

    def result(self, row_status: int, message: str, **facts: Any) -> RuleResult:
        return RuleResult(self.name, STATUS_NAMES[row_status], message, facts)

    def lapses_on(self, facts: CadreFacts, target: Target) -> Days:
        """For every cadre: the day from which the rule stops holding if nothing changes
        (NaT: never). Only a rule that time can break (retirement) has such a day."""
        return days(len(facts))

    def holds(self, facts: CadreFacts, target: Target) -> Bools:
        """Where the rule's condition holds now or the rule does not apply (a rule that
        only warns holds where it would pass)."""
        judged = facts.judgement(self, target)
        ok: Bools = (judged.status == NA) | judged.values["ok"]
        return ok

    def holds_now(self, facts: CadreFacts, target: Target) -> Days:
        """``met_on`` of a rule whose condition, once it fails, only a change can mend:
        the day itself where it holds now, NaT elsewhere."""
        return np.where(self.holds(facts, target), np.datetime64(target.as_of, "D"), NAT)

    def status(self, facts: CadreFacts, target: Target, row: int) -> int:
        return int(facts.judgement(self, target).status[row])


def against(have: str, ok: bool, required: str) -> str:
    """A rule line's comparison: what the cadre has, then ≥ or < what is required."""
    return f"{have}{' ≥ ' if ok else ' < '}{required}"


class CountyYears(RuleUnit):
    """A promotion to a 县处级 post needs ``min_years`` of something counted in months for
    every cadre (:meth:`months`): work (工龄), grassroots work. Subclasses set ``counted``
    and ``required`` (how the line names the count and the requirement) and implement
    :meth:`months`, :meth:`met_on` and :meth:`needs`."""

    counted: ClassVar[str]  # "工龄"
    required: ClassVar[str]  # "县处级要求"

    @abstractmethod
    def months(self, facts: CadreFacts, settings: Any) -> Ints:
        """Every cadre's months of what the rule counts, on the facts' day."""

    def judge(self, facts: CadreFacts, target: Target) -> Judgement:
        settings = self.settings(target.policy)
        months = self.months(facts, settings)
        ok = months >= settings.min_years * 12
        promotion = target.order > facts.cadres.standing
        applies = promotion & (settings.enabled and target.county)
        return Judgement(outcome(applies, ok, settings.warn), {"ok": ok, "months": months})

    def line(self, facts: CadreFacts, target: Target, judged: Judgement, row: int) -> RuleResult:
        settings = self.settings(target.policy)
        months = int(judged.values["months"][row])
        ok = bool(judged.values["ok"][row])
        return self.result(
            int(judged.status[row]),
            against(
                f"{self.counted}{span(months)}", ok, f"{self.required}{settings.min_years:g}年"
            ),
            months=months,
            required_years=settings.min_years,
        )
