"""Eligibility masks equal the exact per-cadre check for every (cadre, level) pair."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from graphsvc.vocab import Level
from queries.selection.candidates import SelectionContext
from queries.selection.eligibility import check_eligibility
from queries.selection.masks import EligibilityFacts
from queries.selection.policy import SelectionPolicy
from queries.selection.round import run_round
from queries.selection.vectorized import rank_posts


def _exact(context: SelectionContext, policy: SelectionPolicy, level: str) -> list[bool]:
    post = {"id": "P", "level": level, "unit_id": None}
    return [
        check_eligibility(
            context.records[c], post, context.units, policy=policy, as_of=context.as_of
        ).eligible
        for c in sorted(context.records)
    ]


def _levels(context: SelectionContext) -> list[str]:
    """Every level, every vacancy's level, and a level nobody knows."""
    vacancies = {str(context.posts[p].get("level")) for p in context.vacancies()}
    return sorted({level.value for level in Level} | vacancies | {"无此级别"})


def test_default_policy_masks_equal_check(context: SelectionContext) -> None:
    facts = context.facts
    assert facts.ids == sorted(context.records)
    some_barred = False
    for level in _levels(context):
        mask = facts.eligible(level)
        exact = _exact(context, context.policy, level)
        assert mask.tolist() == exact, level
        some_barred = some_barred or not all(exact)
    assert some_barred  # the sample bars someone, so the masks are tested on both sides


def _strict(policy: SelectionPolicy) -> SelectionPolicy:
    """Every rule enabled and barring (no warn-only rule), with shorter thresholds."""
    data = policy.model_dump()
    for rule in data["rules"].values():
        rule["enabled"] = True
        rule["warn"] = False
    data["rules"]["education"]["county_warn"] = False
    data["rules"]["posts_below"]["min_posts"] = 1
    data["rules"]["recent_promotion"]["min_months"] = 30
    data["rules"]["grassroots_years"]["count_secondments"] = False
    return SelectionPolicy.model_validate(data)


@pytest.mark.parametrize("variant", ["strict", "no_staff_rank", "off"])
def test_policy_variants_masks_equal_check(context: SelectionContext, variant: str) -> None:
    policy = _strict(context.policy)
    if variant == "no_staff_rank":
        data = policy.model_dump()
        data["rules"]["years_at_level"]["staff_rank"] = ""
        policy = SelectionPolicy.model_validate(data)
    if variant == "off":
        data = policy.model_dump()
        for rule in data["rules"].values():
            rule["enabled"] = False
        policy = SelectionPolicy.model_validate(data)
    facts = EligibilityFacts.build(
        context.records, context.units, policy=policy, as_of=context.as_of
    )
    passed = 0
    for level in _levels(context):
        mask = facts.eligible(level)
        assert mask.tolist() == _exact(context, policy, level), (variant, level)
        passed += int(np.count_nonzero(mask))
    if variant == "off":
        assert passed == len(facts.ids) * len(_levels(context))
    else:
        assert passed < len(facts.ids) * len(_levels(context))


def test_masks_are_read_only(context: SelectionContext) -> None:
    mask = context.facts.eligible("副科")
    with pytest.raises(ValueError):
        mask[0] = not mask[0]


def _with_exact_masks(context: SelectionContext, policy: SelectionPolicy) -> SelectionContext:
    """The same graph whose eligibility masks hold ``check_eligibility``'s own verdicts."""
    facts = EligibilityFacts.build(
        context.records, context.units, policy=policy, as_of=context.as_of
    )
    for level in _levels(context):
        facts._masks[level] = np.array(_exact(context, policy, level), dtype=bool)
    return dataclasses.replace(
        context, policy=policy, _verdicts={}, memo={}, _scopes=None, _facts=facts
    )


@pytest.mark.parametrize("strict", [False, True])
def test_round_with_masks_equals_round_with_exact_verdicts(
    context: SelectionContext, strict: bool
) -> None:
    policy = _strict(context.policy) if strict else context.policy
    masked = dataclasses.replace(
        context, policy=policy, _verdicts={}, memo={}, _scopes=None, _facts=None
    )
    exact = _with_exact_masks(context, policy)
    vacancies = context.vacancies()
    assert rank_posts(masked, vacancies, top_k=100) == rank_posts(exact, vacancies, top_k=100)
    for options in ({}, {"own_unit": "exclude"}, {"by_scope": False}):
        by_masks = run_round(context=masked, **options)  # type: ignore[arg-type]
        by_checks = run_round(context=exact, **options)  # type: ignore[arg-type]
        assert by_masks == by_checks
        assert by_masks["assignments"]
    # Every appointee passes the exact check.
    for row in run_round(context=masked)["assignments"]:
        post = context.posts[str(row["post_id"])]
        record = context.records[str(row["cadre_id"])]
        assert check_eligibility(
            record, post, context.units, policy=policy, as_of=context.as_of
        ).eligible


def test_facts_follow_the_context_policy(context: SelectionContext) -> None:
    strict = dataclasses.replace(context, policy=_strict(context.policy))
    assert strict.facts is not context.facts
    assert strict.facts.policy is strict.policy
    level = "副处"
    assert strict.facts.eligible(level).tolist() == _exact(context, strict.policy, level)
