"""Eligibility of every cadre at once: the hard rules as boolean masks over arrays.

:func:`queries.selection.eligibility.check_eligibility` checks one cadre for one post
and says why, rule by rule; a round needs only *whether* each cadre may be appointed
at each level, for hundreds of thousands of cadres. :class:`EligibilityFacts` reads the
facts the rules use (standing level and since when, service, grassroots months, posts
held at each level, education, training, the last annual grade, effect periods,
probation, the last promotion) once per context into columns, one row per cadre, and
:meth:`EligibilityFacts.eligible` combines them into the mask of one target level: a
cadre is ``True`` exactly when ``check_eligibility(...).eligible`` is (tests compare
every pair). A rule that only warns, or is switched off, never bars anyone, so its
facts are not read at all. The reasons a committee reads still come from
``check_eligibility``, for the candidates that are shown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from numpy.typing import NDArray

from graphsvc.vocab import EDUCATION_ORDER, LEVEL_ORDER, Education, Level, Rank
from queries.selection.columns import CadreColumns, Histories, RowRecords, codes, months_to
from queries.selection.eligibility import (
    _EDUCATION_RANK,
    _level,
    _rank,
    in_effect,
    years_needed,
)
from queries.selection.policy import SelectionPolicy
from queries.selection.records import CadreRecord, SnapshotGraph, UnitIndex

__all__ = ["EligibilityFacts"]

Ints = NDArray[np.int64]
Floats = NDArray[np.float64]
Bools = NDArray[np.bool_]

_RANK_POSITION: dict[Rank, int] = {rank: n for n, rank in enumerate(Rank)}
_MISSING = -(2**62)  # a month count whose start date is unknown (no real count is this low)


@dataclass
class EligibilityFacts:
    """The facts the hard rules read, one row per cadre (order: ``ids``), for one policy
    and day; :meth:`eligible` is the mask of a target level."""

    ids: list[str]
    policy: SelectionPolicy
    as_of: date
    standing: Ints  # LEVEL_ORDER of the level the cadre counts as
    since_months: Ints  # months at that level (its date, else the first day of work)
    rank_position: Ints  # position of the 职级 in Rank, _MISSING none
    rank_months: Ints  # months since the 职级's date
    work_months: Ints
    grassroots: Ints
    posts_at: dict[Level, Ints]  # leadership posts ever held at each level (distinct)
    education: Ints
    training: dict[int, tuple[Floats, Floats]]  # window years → (hours, days)
    barred_grade: Bools  # the last annual grade bars
    in_effect: Bools
    on_probation: Bools
    promoted_months: Ints  # months since the last promotion, _MISSING never promoted
    index: dict[str, int] = field(default_factory=dict)
    _masks: dict[str, Bools] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if not self.index:
            self.index = {cadre_id: n for n, cadre_id in enumerate(self.ids)}

    @classmethod
    def build(
        cls,
        records: Mapping[str, CadreRecord],
        units: UnitIndex,
        *,
        policy: SelectionPolicy,
        as_of: date,
        histories: Histories | None = None,
        cadres: CadreColumns | None = None,
        graph: SnapshotGraph | None = None,
        rows: Ints | None = None,
    ) -> EligibilityFacts:
        """Read the facts of every record (rows sorted by id), column by column.

        ``histories``, ``cadres``: the records' columns in that order, when already built.
        ``graph``, ``rows``: the snapshot and the records' rows in it; then grades,
        supervision and education are read from its columns and no record is built (but
        the rare one :meth:`Histories.grassroots` counts one by one).
        Facts of rules that cannot bar (switched off, or warn only) are left at zero.
        """
        rules = policy.rules
        ids = sorted(records)
        ordered: Sequence[CadreRecord] = (
            RowRecords(records, ids) if graph is not None else [records[c] for c in ids]
        )
        if histories is None:
            histories = Histories.build(ordered, units, as_of=as_of)
        n = len(ids)
        bars = _barring(policy)
        if cadres is None:
            cadres = CadreColumns.build([record.cadre for record in ordered])
        since = np.where(np.isnat(cadres.standing_since), cadres.work_start, cadres.standing_since)
        grassroots = (
            histories.grassroots(
                ordered,
                units,
                kinds=rules.grassroots_years.unit_kinds,
                count_secondments=rules.grassroots_years.count_secondments,
            )
            if bars["grassroots_years"]
            else np.zeros(n, dtype=np.int64)
        )
        posts_at = (
            {level: histories.leadership_posts_at(level) for level in Level}
            if bars["posts_below"]
            else {}
        )
        training: dict[int, tuple[Floats, Floats]] = {}
        if bars["training"]:
            day = np.datetime64(as_of, "D")
            for years in (1, 5):
                start = np.datetime64(date(as_of.year - years, as_of.month, 1), "D")
                window = (histories.course_start >= start) & (histories.course_start <= day)
                training[years] = histories.course_sums(window)
        barred_grades = set(rules.assessment.barred_grades)
        barred = np.zeros(n, dtype=bool)
        effect = np.zeros(n, dtype=bool)
        if graph is not None and rows is not None:
            if bars["assessment"]:
                (owner, grade_years, grades), _ = graph.assessments_of(rows)
                # Each cadre's grade of their latest year: rows sorted by (cadre, year).
                order = np.lexsort((grade_years, owner))
                ends = np.ones(len(order), dtype=bool)
                ends[:-1] = owner[order][1:] != owner[order][:-1]
                last = order[ends]
                for row, grade in zip(owner[last].tolist(), [grades[k] for k in last.tolist()],
                                      strict=True):  # fmt: skip
                    barred[row] = grade in barred_grades
            if bars["effect_period"]:
                for row, items in graph.supervision(rows).items():
                    supervised = CadreRecord({"id": ids[row]}, supervision=items)
                    effect[row] = bool(in_effect(supervised, policy, as_of))
            cadre_table = graph.snapshot.nodes("Cadre")
            education = np.maximum(
                *(
                    codes(cadre_table.column(key), _EDUCATION_RANK, 0)[rows]
                    for key in ("education", "inservice_education")
                )
            )
        else:
            for row, record in enumerate(ordered):
                # Only the few cadres with grades or supervision records are visited.
                if bars["assessment"] and record.annual_grades:
                    barred[row] = record.annual_grades[max(record.annual_grades)] in barred_grades
                if bars["effect_period"] and record.supervision:
                    effect[row] = bool(in_effect(record, policy, as_of))
            # ``_best_education``: the better of the two, 0 when neither is known.
            education = np.maximum(
                *(
                    np.array([_EDUCATION_RANK.get(r.cadre.get(key), 0) for r in ordered], np.int64)
                    for key in ("education", "inservice_education")
                )
            )
        return cls(
            ids=ids,
            policy=policy,
            as_of=as_of,
            standing=cadres.standing,
            since_months=months_to(since, as_of, _MISSING),
            rank_position=np.where(cadres.rank_position < 0, _MISSING, cadres.rank_position),
            rank_months=months_to(cadres.rank_since, as_of, _MISSING),
            work_months=months_to(cadres.work_start, as_of, _MISSING),
            grassroots=grassroots,
            posts_at=posts_at,
            education=education,
            training=training,
            barred_grade=barred,
            in_effect=effect,
            on_probation=cadres.probation_until > np.datetime64(as_of, "D"),
            promoted_months=months_to(cadres.last_promotion(), as_of, _MISSING),
        )

    def eligible(self, level: object) -> Bools:
        """Who may be appointed to a post of ``level`` (its ``level`` property): ``True``
        where :func:`~queries.selection.eligibility.check_eligibility` says eligible
        (with or without warnings). Remembered per level; do not modify the array."""
        key = str(level)
        if key not in self._masks:
            self._masks[key] = ~self._barred(key)
            self._masks[key].flags.writeable = False
        return self._masks[key]

    def _barred(self, key: str) -> Bools:
        """Cadres at least one rule fails for, rule by rule as in ``eligibility.RULES``."""
        policy, rules = self.policy, self.policy.rules
        bars = _barring(policy)
        target = _level(key) or Level.STAFF
        order = LEVEL_ORDER[target]
        step = order - self.standing
        promotion = step > 0
        county = target.value in policy.county_levels
        fails = np.zeros(len(self.ids), dtype=bool)
        if bars["one_level"]:
            fails |= promotion & (step != 1)
        if bars["years_at_level"]:
            fails |= (step == 1) & self._short_at_level(target)
        if county and bars["service_years"]:
            fails |= promotion & (
                self._at_least_zero(self.work_months) < _months_of(rules.service_years.min_years)
            )
        if county and bars["grassroots_years"]:
            fails |= promotion & (self.grassroots < _months_of(rules.grassroots_years.min_years))
        if county and bars["posts_below"]:
            below = [level for level, rank in LEVEL_ORDER.items() if rank == order - 1]
            count = self.posts_at[below[0]] if below else np.zeros(len(self.ids), np.int64)
            fails |= promotion & (count < rules.posts_below.min_posts)
        minimum = EDUCATION_ORDER[Education(rules.education.minimum)]
        if bars["education"]:
            fails |= self.education < minimum
        if county and rules.education.enabled and not rules.education.county_warn:
            county_minimum = EDUCATION_ORDER[Education(rules.education.county_minimum)]
            fails |= (self.education >= minimum) & (self.education < county_minimum)
        if bars["training"]:
            hours, days = self.training[5 if county else 1]
            training = rules.training
            need_hours = training.county_hours_5y if county else training.section_hours_per_year
            need_days = training.county_days_5y if county else training.section_days_per_year
            fails |= promotion & ~((hours >= need_hours) | (days >= need_days))
        if bars["assessment"]:
            fails |= self.barred_grade
        if bars["effect_period"]:
            fails |= self.in_effect
        if bars["probation"]:
            fails |= promotion & self.on_probation
        if bars["recent_promotion"]:
            promoted = self.promoted_months
            fails |= (
                promotion & (promoted != _MISSING) & (promoted < rules.recent_promotion.min_months)
            )
        return fails

    def _short_at_level(self, target: Level) -> Bools:
        """``years_at_level`` fails (for cadres one level below ``target``)."""
        rule = self.policy.rules.years_at_level
        needed = years_needed(rule, target)
        if needed is None:
            return np.zeros(len(self.ids), dtype=bool)
        required = needed * 12
        # Months held, and whether the rule applies at all (it is left out without a date).
        held, known = self.since_months, self.since_months != _MISSING
        staff_rank = _rank(rule.staff_rank)
        if target == Level.DEPUTY_SECTION and staff_rank is not None:
            no_rank = self.rank_position == _MISSING
            lower = ~no_rank & (self.rank_position < _RANK_POSITION[staff_rank])
            # No rank: the level's date; a lower rank: "现任…", 0 months; else the rank's date.
            held = np.where(no_rank, held, np.where(lower, 0, self.rank_months))
            known = np.where(no_rank, known, np.where(lower, True, self.rank_months != _MISSING))
        short: Bools = known & (held < required)
        return short

    @staticmethod
    def _at_least_zero(months: Ints) -> Ints:
        """A missing start counts as 0 months (as the rules do)."""
        return np.where(months == _MISSING, 0, months)


def _months_of(years: float) -> float:
    return years * 12


def _barring(policy: SelectionPolicy) -> dict[str, bool]:
    """Which rules can bar a cadre: enabled and not warn-only."""
    rules = policy.rules
    return {
        name: bool(getattr(rules, name).enabled and not getattr(rules, name).warn)
        for name in type(rules).model_fields
    }
