"""Ranking candidates for a post on the district; and the score's parts on hand-built records."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from graphsvc.stores import GraphStore, open_store
from loaders.load import load_paths
from loaders.sample import AS_OF
from queries.selection.candidates import explain, rank_candidates, write_back_candidates
from queries.selection.check import NotFound, check_appointment
from queries.selection.policy import load_policy
from queries.selection.ranking import Candidate, TeamGaps
from queries.selection.records import CadreRecord
from tests.selection.kit import cadre, context, post, tenure, with_policy

POLICY = load_policy()


@pytest.fixture(scope="module")
def district(tmp_path_factory: pytest.TempPathFactory, district_dir: Path) -> GraphStore:
    store = open_store(str(tmp_path_factory.mktemp("ranking") / "district.db"))
    load_paths(store, [district_dir])
    return store


def test_candidates_are_eligible_ranked_and_explained(
    district: GraphStore, district_manifest: dict[str, Any]
) -> None:
    vacancy = next(
        p
        for p in district_manifest["planted"]["vacancies"]
        if district.get_node("Post", p)["level"] == "副科"
    )  # type: ignore[index]
    result = rank_candidates(store=district, post_id=vacancy, policy=POLICY, as_of=AS_OF, limit=15)
    candidates = result["candidates"]
    assert len(candidates) == 15 and result["eligible"] >= 15
    scores = [c["score"] for c in candidates]
    assert scores == sorted(scores, reverse=True)
    assert [c["place"] for c in candidates] == list(range(1, 16))
    weights = POLICY.scoring.weights.model_dump()
    for c in candidates:
        assert set(c["parts"]) == set(weights)
        assert c["score"] == pytest.approx(
            sum(weights[k] * v for k, v in c["parts"].items()), abs=1e-3
        )
        assert c["reasons"] and c["verdict"] in {"eligible", "eligible_with_warnings"}
        assert c["current_post"] and isinstance(c["leader"], bool) and c["age"] > 20
        # the top candidates pass the full check on their own too
        assert (
            check_appointment(
                store=district, cadre_id=c["cadre_id"], post_id=vacancy, policy=POLICY, as_of=AS_OF
            )["verdict"]
            != "not_eligible"
        )
    assert result["excluded"] and all(item["why"] for item in result["excluded"])
    ranked = {c["cadre_id"] for c in candidates}
    sanctioned = {
        s["cadre_id"]
        for s in district_manifest["planted"]["sanctioned"]
        if s["date"] >= "2026-06-01" and s["kind"] in {"诫勉", "记过", "党内警告"}
    }
    assert not ranked & sanctioned


def test_write_back_and_missing_post(
    district: GraphStore, district_manifest: dict[str, Any]
) -> None:
    vacancy = district_manifest["planted"]["vacancies"][0]
    result = rank_candidates(store=district, post_id=vacancy, policy=POLICY, as_of=AS_OF, limit=5)
    assert write_back_candidates(store=district, results=[result]) == len(result["candidates"])
    edges = sorted(district.iter_edges("CANDIDATE_FOR"), key=lambda e: e[2]["rank"])  # 名次
    assert [e[0] for e in edges] == [c["cadre_id"] for c in result["candidates"]]
    assert {e[1] for e in edges} == {vacancy}
    with pytest.raises(NotFound):
        rank_candidates(store=district, post_id="NOPE", policy=POLICY, as_of=AS_OF)


def _parts(record: CadreRecord, *, holders: list[CadreRecord] = ()) -> Candidate:  # type: ignore[assignment]
    """The score of a hand-built cadre for a 副科 post of 乙镇 that requires 农学 (S1), in a
    team whose only member is a man of 52 with 经济."""
    member = CadreRecord(
        cadre("M1", birth=date(1974, 1, 1)),
        tenures=[tenure("PT", "T", "正科", date(2015, 1, 1), None)],
        specialties={"S2"},
    )
    if not record.tenures:  # in the finance bureau, not in a township
        record.tenures.append(tenure("PB", "B", "科员", date(2018, 1, 1), None))
    policy = with_policy(teams__needed_categories={"乡镇": ["经济", "农业"]})
    built = context(
        [record, member, *holders], [post("副科"), post("正科", post_id="PT")], policy=policy
    )
    built.holders["PT"] = {"M1"}
    built.requirements["P9"] = {"S1": 1.0}
    built.specialty_names.update({"S1": "农学", "S2": "经济学"})
    built.category_of.update({"S1": "农业", "S2": "经济"})
    return explain(built, "P9", record.id)


def test_each_part_responds_to_its_facts() -> None:
    base = dict(cadre("C1", gender="女", birth=date(1994, 1, 1)), level="科员", level_since=None)

    def parts(record: CadreRecord) -> dict[str, float]:
        return _parts(record).parts

    plain = parts(CadreRecord(dict(base)))
    skilled = parts(CadreRecord(dict(base), specialties={"S1"}))
    assert (plain["specialty"], skilled["specialty"]) == (0.0, 1.0)
    assert skilled["team_fit"] == pytest.approx(1.0)  # young, a woman, brings 农业
    via_project = parts(CadreRecord(dict(base), projects=[({"domain_id": "S1"}, "负责人", "优秀")]))
    assert via_project["specialty"] == pytest.approx(0.6)
    assert via_project["experience"] > plain["experience"]
    served = CadreRecord(dict(base), tenures=[tenure("P0", "T", "科员", date(2018, 1, 1), None)])
    assert parts(served)["experience"] > plain["experience"]
    good = parts(CadreRecord(dict(base), annual_grades={2023: "优秀", 2024: "优秀", 2025: "优秀"}))
    weak = parts(CadreRecord(dict(base), annual_grades={2025: "基本称职"}))
    assert good["performance"] > plain["performance"] > weak["performance"]
    pooled = CadreRecord(dict(base), in_pool=True, pool_since=date(2025, 1, 1))
    assert parts(pooled)["development"] == pytest.approx(0.5)
    reasons = _parts(CadreRecord(dict(base), specialties={"S1"})).reasons
    assert reasons[:1] == ["具备岗位所需专业：农学"]
    assert "补充班子农业专业短板" in reasons and "班子无女性成员" in reasons


def test_a_pool_member_under_exit_review_earns_no_pool_credit_and_is_flagged() -> None:
    base = dict(cadre("C1", birth=date(1994, 1, 1)), level="科员", level_since=None)
    pooled = CadreRecord(dict(base), in_pool=True, pool_since=date(2025, 1, 1))
    found = _parts(pooled)
    assert found.parts["development"] == pytest.approx(0.5)
    assert "在优秀年轻干部库中" in found.reasons and found.flags == []
    # 诫勉 after entering the pool: due for exit review.
    admonished = CadreRecord(
        dict(base), in_pool=True, pool_since=date(2025, 1, 1),
        supervision=[{"kind": "诫勉", "date": date(2025, 6, 1)}],
    )  # fmt: skip
    flagged = _parts(admonished)
    assert flagged.parts["development"] == 0.0
    assert "在优秀年轻干部库中" not in flagged.reasons
    assert flagged.flags == ["优秀年轻干部库成员，列入出库复核"]
    # A reminder talk (提醒谈话) since entering counts as well.
    talked = CadreRecord(
        dict(base), in_pool=True, pool_since=date(2025, 1, 1),
        supervision=[{"kind": "提醒谈话", "date": date(2026, 2, 1)}],
    )  # fmt: skip
    assert _parts(talked).flags == ["优秀年轻干部库成员，列入出库复核"]


def test_reasons_give_ages_in_completed_years() -> None:
    # 27 years and 11 months on the day: 27岁 (周岁), never rounded up to 28.
    record = CadreRecord(dict(cadre("C1", birth=date(1998, 12, 1)), level="科员", level_since=None))
    found = _parts(record)
    assert "班子无40岁以下成员，该同志27岁" in found.reasons
    assert found.age == 27 and found.leader is False


def test_missing_categories_are_only_what_a_team_post_requires() -> None:
    team = TeamGaps(
        "T",
        4,
        45.0,
        True,
        categories=frozenset({"经济"}),
        wanted_categories=frozenset({"经济", "农业", "规划", "财务"}),
        required_categories=frozenset({"财务", "经济"}),
    )
    shown = team.as_dict()
    assert shown["missing_categories"] == ["财务"]
    assert shown["missing_recommended_categories"] == ["农业", "规划"]


def test_the_districts_team_gaps_name_only_required_categories(context: Any) -> None:
    from queries.selection.candidates import post_team

    checked = 0
    for post_id in context.vacancies():
        unit_id = str(context.posts[post_id].get("unit_id") or "")
        required = {
            context.category_of[s]
            for p in context.posts_in_unit(unit_id)
            if p.get("team_member")
            for s in context.requirements.get(p["id"], {})
            if s in context.category_of
        }
        missing = post_team(context, post_id).as_dict()["missing_categories"]
        assert set(missing) <= required
        checked += bool(required)
    assert checked


# ---------------------------------------------------------------- the default district


@pytest.fixture(scope="module")
def district_context(district: GraphStore) -> Any:
    from queries.selection.candidates import SelectionContext

    return SelectionContext.load(district, policy=POLICY, as_of=AS_OF)


def test_no_non_leader_is_proposed_for_a_leadership_post_above_deputy_section(
    district_context: Any,
) -> None:
    from queries.selection.round import run_round

    context = district_context
    result = run_round(context=context)
    above = [
        a
        for a in result["assignments"]
        if context.posts[a["post_id"]].get("leadership")
        and context.posts[a["post_id"]].get("level") not in {"科员", "副科"}
    ]
    assert above, "the district's round has posts at 正科 and above"
    assert all(a["leader"] for a in above), [(a["post_name"], a["rank"]) for a in above]
    # A 副科 post may still take a 一级科员 or a 主任科员.
    assert any(not a["leader"] for a in result["assignments"])
    # The round still fills every vacancy it can: a post is left empty only without any
    # eligible candidate.
    assert all(u["eligible"] == 0 for u in result["unfilled"])
    assert len(result["assignments"]) + len(result["unfilled"]) == result["posts"]
    for a in result["assignments"]:
        assert a["current_post"] and a["age"] and (a["leader"] or a["rank"])


def test_the_planted_people_are_ranked_as_a_committee_would(
    district_context: Any, district_manifest: dict[str, Any]
) -> None:
    from queries.selection.candidates import POOL_REVIEW_FLAG, explain, rank_in_context

    context = district_context
    planted = district_manifest["planted"]
    deputy_posts = [p for p in context.vacancies() if context.posts[p].get("level") == "副科"]
    principal_posts = [p for p in context.vacancies() if context.posts[p].get("level") == "正科"]
    assert deputy_posts and principal_posts
    past = {p["cadre_id"] for p in planted["past_retirement"]}
    for post_id in deputy_posts[:3]:
        result = rank_in_context(context, post_id, limit=None)
        ranked = {c["cadre_id"] for c in result["candidates"]}
        assert not ranked & past  # past retirement: never a candidate
        why = {e["cadre_id"]: e["why"] for e in result["excluded"]}
        for cadre_id in past & why.keys():
            assert any("达到法定退休年龄" in w for w in why[cadre_id])
    for entry in planted["near_retirement"]:
        verdict = context.verdict(entry["cadre_id"], deputy_posts[0])
        line = next(r for r in verdict.rules if r.rule == "retirement")
        assert line.status == "warn" and line.message.startswith("距法定退休年龄不足2年")
    # Staff without a leadership post at 正科 ranks: at most a lateral move to 正科 posts,
    # never a promotion on the leadership track.
    section_ranks = {"二级主任科员", "一级主任科员"}  # 相当于正科
    staff = [e for e in planted["high_rank_non_leaders"] if e["rank"] in section_ranks]
    assert staff
    for entry in staff[:20]:
        verdict = context.verdict(entry["cadre_id"], principal_posts[0])
        lines = {r.rule: r for r in verdict.rules}
        if "leadership" in lines:
            assert lines["leadership"].message.startswith("无领导职务经历")
        else:
            assert lines["years_at_level"].status == "fail"
    for entry in planted["pool_under_review"]:
        found = explain(context, deputy_posts[0], entry["cadre_id"])
        assert found.flags == [POOL_REVIEW_FLAG]
        assert "在优秀年轻干部库中" not in found.reasons
