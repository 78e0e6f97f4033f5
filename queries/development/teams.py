"""Leadership-team structure (领导班子结构): age, gender, education, specialties, retirements.

A unit's team is the current holders of its team posts (``team_member``). For
each team: ages (mean, youngest, under 35, under 40), women, education,
specialty categories present against those needed (the policy's list for the
unit kind, plus what the unit's posts require), who retires within N years
(retirement ages from ``[retirement]``), vacant team posts, and flags:

- ``ageing``: mean age >= ``ageing_mean_age`` and nobody under ``ageing_youngest_age``;
- ``no_young``: nobody under ``young_age`` (40);
- ``missing_specialty``: a needed category nobody brings;
- ``several_retiring``: at least ``several_retiring`` retire within the horizon;
- ``no_woman``; ``vacancies``.

Teams are ranked for adjustment by a weighted count of their flags; the
selection ranking reads the same needed categories (``needed_categories``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from statistics import mean
from typing import Any

from graphsvc.dates import add_months
from graphsvc.vocab import EDUCATION_ORDER, Education
from queries.development.data import DevelopmentData
from queries.development.results import (
    TeamDetail,
    TeamMember,
    TeamMemberDetail,
    TeamRetiring,
    TeamRow,
    TeamsResult,
    TeamsSummary,
    TeamVacancy,
)
from queries.selection.candidates import needed_categories

__all__ = ["FLAG_WEIGHTS", "team_detail", "team_structure"]

# How much each flag weighs when ranking teams for adjustment.
FLAG_WEIGHTS = {
    "ageing": 3.0,
    "several_retiring": 2.0,
    "no_young": 2.0,
    "missing_specialty": 1.0,  # per missing category, at most 3
    "no_woman": 1.0,
    "vacancies": 0.5,  # per vacant team post
}

_FLAG_NAMES = {
    "ageing": "班子老化",
    "no_young": "无40岁以下成员",
    "missing_specialty": "缺少所需专业",
    "several_retiring": "多人3年内退休",
    "no_woman": "无女干部",
    "vacancies": "有空缺职位",
}


def _bachelor_or_above(education: Any) -> bool:
    try:
        return EDUCATION_ORDER[Education(str(education))] >= EDUCATION_ORDER[Education.BACHELOR]
    except ValueError:
        return False


def team_structure(*, data: DevelopmentData) -> TeamsResult:
    """Every leadership team's structure, flags and rank for adjustment, and a district summary.

    Returns
    -------
    dict
        ``teams`` (ranked, most in need of adjustment first) and ``summary``.
    """
    context = data.context
    policy = data.policy.teams
    as_of = data.as_of
    horizon = add_months(as_of, round(policy.retire_within_years * 12))
    team_posts: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for post in context.posts.values():
        if post.get("team_member") and post.get("unit_id"):
            team_posts[str(post["unit_id"])].append(post)

    members_of = {
        unit_id: sorted(
            {c for p in posts for c in context.holders.get(p["id"], set()) if c in data.records}
        )
        for unit_id, posts in team_posts.items()
    }
    # Education and specialty categories of every member at once, from the columns: building
    # each member's record would cost most of the answer at province size.
    facts = data.member_facts(sorted({c for members in members_of.values() for c in members}))
    educated_ids = {
        c
        for c, education in zip(facts.cadre_ids, facts.education, strict=True)
        if _bachelor_or_above(education)
    }
    categories_of = {
        c: {context.category_of[s] for s in specialties if s in context.category_of}
        for c, specialties in zip(facts.cadre_ids, facts.specialties, strict=True)
    }

    teams: list[TeamRow] = []
    for unit_id, posts in sorted(team_posts.items()):
        members = members_of[unit_id]
        vacant = sorted(p["id"] for p in posts if not context.holders.get(p["id"]))
        ages = {c: data.age(c) or 0.0 for c in members}
        women = [c for c in members if data.cadres[c].get("gender") == "女"]
        educated = [c for c in members if c in educated_ids]
        present = {category for c in members for category in categories_of[c]}
        needed = needed_categories(context, unit_id)
        missing = sorted(needed - present)
        retiring: list[TeamRetiring] = []
        for c in members:
            retires = data.retirement_date(c)
            if retires is not None and retires <= horizon:
                retiring.append(
                    {
                        "cadre_id": c,
                        "name": data.name(c),
                        "retires": retires.isoformat(),
                        "overdue": retires <= as_of,  # past the age and still in post
                    }
                )
        mean_age = mean(ages.values()) if ages else None
        youngest = min(ages.values()) if ages else None
        flags = {
            "ageing": bool(
                members
                and mean_age is not None
                and youngest is not None
                and mean_age >= policy.ageing_mean_age
                and youngest >= policy.ageing_youngest_age
            ),
            "no_young": bool(members) and all(a >= policy.young_age for a in ages.values()),
            "missing_specialty": bool(missing),
            "several_retiring": len(retiring) >= policy.several_retiring,
            "no_woman": bool(members) and not women,
            "vacancies": bool(vacant),
        }
        weight = sum(FLAG_WEIGHTS[f] for f, on in flags.items() if on and f not in {
            "missing_specialty", "vacancies"})  # fmt: skip
        weight += FLAG_WEIGHTS["missing_specialty"] * min(len(missing), 3)
        weight += FLAG_WEIGHTS["vacancies"] * len(vacant)
        teams.append(
            {
                "unit_id": unit_id,
                "unit_name": data.units.name(unit_id),
                "unit_kind": data.units.kind(unit_id),
                "members": len(members),
                "posts": len(posts),
                "vacant_posts": vacant,
                "mean_age": round(mean_age, 1) if mean_age is not None else None,
                "youngest_age": round(youngest, 1) if youngest is not None else None,
                "under_35": sum(1 for a in ages.values() if a < 35),
                "under_40": sum(1 for a in ages.values() if a < 40),
                "women": len(women),
                "bachelor_or_above": len(educated),
                "categories_present": sorted(present),
                "categories_needed": sorted(needed),
                "categories_missing": missing,
                "retiring": retiring,
                "flags": sorted(f for f, on in flags.items() if on),
                "flag_names": [_FLAG_NAMES[f] for f, on in flags.items() if on],
                "adjustment_score": round(weight, 2),
                "member_list": [
                    {
                        "cadre_id": c,
                        "name": data.name(c),
                        "age": round(ages[c], 1),
                        "gender": data.cadres[c].get("gender"),
                    }
                    for c in members
                ],
            }
        )
    teams.sort(key=lambda t: (-t["adjustment_score"], t["unit_id"]))
    for rank, team in enumerate(teams, start=1):
        team["rank"] = rank
    flag_counts: Counter[str] = Counter(f for t in teams for f in t["flags"])
    everyone: list[TeamMember] = [m for t in teams for m in t["member_list"]]
    summary: TeamsSummary = {
        "teams": len(teams),
        "members": len(everyone),
        "mean_age": round(mean(m["age"] for m in everyone), 1) if everyone else None,
        "under_35": sum(1 for m in everyone if m["age"] < 35),
        "under_40": sum(1 for m in everyone if m["age"] < 40),
        "women": sum(1 for m in everyone if m["gender"] == "女"),
        "retiring": sum(len(t["retiring"]) for t in teams),
        "vacant_posts": sum(len(t["vacant_posts"]) for t in teams),
        "flagged": {f: flag_counts[f] for f in _FLAG_NAMES},
    }
    return {"as_of": as_of.isoformat(), "summary": summary, "teams": teams}


def team_detail(*, data: DevelopmentData, unit_id: str) -> TeamDetail | None:
    """One unit's leadership team, post by post: who holds each team post (age, 职级,
    retirement date) and which team posts are vacant; ``None`` for an unknown unit.

    Parameters
    ----------
    data : DevelopmentData
    unit_id : str
        The unit whose team (its own team posts, not its sub-units') is wanted.
    """
    if unit_id not in data.units.units:
        return None
    context = data.context
    horizon = add_months(data.as_of, round(data.policy.teams.retire_within_years * 12))
    posts = sorted(
        (p for p in context.posts.values() if p.get("team_member") and p.get("unit_id") == unit_id),
        key=lambda p: (not p.get("principal"), str(p["id"])),
    )
    members: list[TeamMemberDetail] = []
    vacancies: list[TeamVacancy] = []
    for post in posts:
        holders = sorted(c for c in context.holders.get(post["id"], set()) if c in data.records)
        if not holders:
            vacancies.append(
                {"post_id": post["id"], "post_name": post.get("name"), "level": post.get("level")}
            )
        for cadre_id in holders:
            cadre = data.records[cadre_id].cadre
            retires = data.retirement_date(cadre_id)
            age = data.age(cadre_id)
            members.append(
                {
                    "cadre_id": cadre_id,
                    "name": data.name(cadre_id),
                    "gender": cadre.get("gender"),
                    "birth": cadre["birth"].isoformat() if cadre.get("birth") else None,
                    "age": round(age, 1) if age is not None else None,
                    "post_id": post["id"],
                    "post_name": post.get("name"),
                    "principal": bool(post.get("principal")),
                    "level": cadre.get("level"),
                    "rank": cadre.get("rank"),
                    "retires": retires.isoformat() if retires else None,
                    "retiring_soon": retires is not None and retires <= horizon,
                }
            )
    return {
        "as_of": data.as_of.isoformat(),
        "unit_id": unit_id,
        "unit_name": data.units.name(unit_id),
        "unit_kind": data.units.kind(unit_id),
        "members": members,
        "vacancies": vacancies,
    }
