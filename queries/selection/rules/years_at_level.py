"""任职年限: time at the level below before a promotion, on the leadership track.

- 一级科员 → 副科: ``staff_to_deputy_section`` years as ``staff_rank`` (一级科员) or a
  higher 职级;
- a leadership post above 副科 (the leadership track): ``deputy_to_principal`` years in
  a leadership post at the 副 level below (副科 → 正科, 由副职提任正职), or
  ``principal_to_upper_deputy`` years in one at the lower 正 level (正科 → 副处). Time at
  an equivalent 职级 does not count unless ``rank_counts_for_leadership``: a 四级主任科员
  who never held a leadership post is not promoted to 镇长;
- any other promotion: time at the level the cadre stands at (its post level or the
  职级's equivalent, the earlier date when both).
"""

from __future__ import annotations

from datetime import date

import numpy as np

from graphsvc.dates import format_cadre_date
from graphsvc.vocab import LEVEL_ORDER, Level, Rank
from queries.selection.policy import YearsAtLevel as Settings
from queries.selection.rules.base import (
    NAT,
    Days,
    RuleResult,
    RuleUnit,
    against,
    day_of,
    months_after,
    outcome,
    span,
)
from queries.selection.rules.facts import CadreFacts, Judgement, Target

__all__ = ["YearsAtLevel", "years_needed"]

_LEVELS = list(Level)
_RANKS = list(Rank)
_RANK_BY_VALUE = {rank.value: rank for rank in Rank}

# How the years are counted for a cadre (what the line names).
BY_STANDING, LOWER_RANK, BY_RANK, NO_RANK, LEADING, NOT_LEADING = range(6)


def years_needed(rule: Settings, target: Level) -> float | None:
    """Years at the level below that a promotion to ``target`` needs (``None``: no rule)."""
    return {
        Level.DEPUTY_SECTION: rule.staff_to_deputy_section,
        Level.SECTION: rule.deputy_to_principal,
        Level.DEPUTY_DIVISION: rule.principal_to_upper_deputy,
        Level.DIVISION: rule.deputy_to_principal,
        Level.DEPUTY_BUREAU: rule.principal_to_upper_deputy,
        Level.BUREAU: rule.deputy_to_principal,
    }.get(target)


class YearsAtLevel(RuleUnit):
    """Years at the level below before a promotion (see the module)."""

    name = "years_at_level"
    title = "任职年限"

    def judge(self, facts: CadreFacts, target: Target) -> Judgement:
        rule: Settings = self.settings(target.policy)
        cadres = facts.cadres
        n = len(facts)
        needed = years_needed(rule, target.level)
        step = target.order - cadres.standing
        standing_start = np.where(
            np.isnat(cadres.standing_since), cadres.work_start, cadres.standing_since
        )
        start, how = standing_start, np.full(n, BY_STANDING)
        staff_rank = _RANK_BY_VALUE.get(rule.staff_rank) if rule.staff_rank else None
        if target.level == Level.DEPUTY_SECTION and staff_rank is not None:
            no_rank = cadres.rank_position < 0
            lower = ~no_rank & (cadres.rank_position < _RANKS.index(staff_rank))
            start = np.where(no_rank, start, np.where(lower, NAT, cadres.rank_since))
            how = np.where(no_rank, NO_RANK, np.where(lower, LOWER_RANK, BY_RANK))
        elif target.track and not rule.rank_counts_for_leadership:
            below = target.below()
            leading = cadres.level == (LEVEL_ORDER[below] if below else -1)
            level_start = np.where(
                np.isnat(cadres.level_since), cadres.work_start, cadres.level_since
            )
            start = np.where(leading, level_start, NAT)
            how = np.where(leading, LEADING, NOT_LEADING)
        # Without a date the years cannot be counted: the line is left out.
        known = ~np.isnat(start) | (how == LOWER_RANK) | (how == NOT_LEADING)
        held = np.where(np.isnat(start), 0, facts.months_since(start))
        required = (needed or 0) * 12
        ok = held >= required
        applies = (step == 1) & known & (rule.enabled and needed is not None)
        return Judgement(
            outcome(applies, ok, rule.warn),
            {"ok": ok, "start": start, "how": how, "months": held},
        )

    def line(self, facts: CadreFacts, target: Target, judged: Judgement, row: int) -> RuleResult:
        rule: Settings = self.settings(target.policy)
        needed = years_needed(rule, target.level) or 0
        cadres = facts.cadres
        how = int(judged.values["how"][row])
        start = day_of(judged.values["start"][row])
        months = int(judged.values["months"][row])
        ok = bool(judged.values["ok"][row])
        standing = _LEVELS[cadres.standing[row]].value
        rank = _rank(facts, row)
        below = target.below()
        below_name = below.value if below else ""
        if how == LOWER_RANK:
            held_as = f"现任{rank}，未任{rule.staff_rank}"
        elif how == NO_RANK:
            held_as = f"无职级记录，按{standing}"
        elif how == BY_RANK:
            held_as = rank or standing
        elif how == LEADING:
            held_as = f"{below_name}领导职务"
        elif how == NOT_LEADING:
            held_as = f"未任{below_name}领导职务" + (
                f"（{rank}相当于{standing}，职级年限不计入领导职务任职年限）" if rank else ""
            )
        elif cadres.standing_by_rank[row] and rank:
            held_as = f"{rank}（相当于{standing}）"
        else:
            held_as = standing
        since_text = f"{held_as}自{format_cadre_date(start)}起{span(months)}" if start else held_as
        return self.result(
            int(judged.status[row]),
            against(since_text, ok, f"要求{needed:g}年"),
            level=standing,
            held_as=held_as,
            since=start.isoformat() if start else None,
            months=months,
            required_years=needed,
            leadership_track=how in (LEADING, NOT_LEADING),
        )

    def met_on(self, facts: CadreFacts, target: Target) -> Days:
        judged = facts.judgement(self, target)
        needed = years_needed(self.settings(target.policy), target.level) or 0
        due = months_after(judged.values["start"], np.full(len(facts), round(needed * 12)))
        return np.where(self.holds(facts, target), np.datetime64(target.as_of, "D"), due)

    def needs(self, facts: CadreFacts, target: Target, row: int) -> str:
        if self.holds(facts, target)[row]:
            return ""
        rule: Settings = self.settings(target.policy)
        needed = years_needed(rule, target.level) or 0
        how = int(facts.judgement(self, target).values["how"][row])
        below = target.below()
        if how == NOT_LEADING:
            return f"须任{below.value if below else ''}领导职务满{needed:g}年"
        if how == LOWER_RANK:
            return f"须晋升为{rule.staff_rank}并任满{needed:g}年"
        due: date | None = day_of(self.days(facts, target)[row])
        return f"{format_cadre_date(due, with_day=True)}任满{needed:g}年"


def _rank(facts: CadreFacts, row: int) -> str | None:
    position = int(facts.cadres.rank_position[row])
    return _RANKS[position].value if position >= 0 else None
