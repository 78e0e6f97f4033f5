"""Candidate scope (干部管理权限, 下管一级) on a two-district province: 科级 posts take the
district's own cadres, 处级 posts the whole area's; a round solves each scope on its own."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from graphsvc.stores import open_store
from loaders.load import load_paths
from loaders.sample import AS_OF, generate_sample, write_sample
from queries.selection.assignment import InfeasibleRound
from queries.selection.bench import succession_bench
from queries.selection.candidates import SelectionContext, rank_in_context
from queries.selection.policy import PolicyError, SelectionPolicy, load_policy
from queries.selection.results import RoundResult
from queries.selection.round import run_round
from queries.selection.vectorized import rank_posts

SECTION_LEVELS = {"科员", "副科", "正科"}


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> SelectionContext:
    folder = tmp_path_factory.mktemp("province")
    write_sample(generate_sample(cadres=6000, seed=5), folder)
    with open_store(str(folder / "g.db")) as store:
        load_paths(store, [folder])
        return SelectionContext.load(store, policy=load_policy(), as_of=AS_OF)


def _with_policy(context: SelectionContext, policy: SelectionPolicy) -> SelectionContext:
    """The same graph under another policy, with nothing remembered from the first."""
    return dataclasses.replace(
        context, policy=policy, _scopes=None, _facts=None, _arrays=None, _memo={}
    )


def _district(context: SelectionContext, unit_id: str | None) -> str:
    chain = [unit_id, *context.units.ancestors(unit_id)]
    return next(str(u) for u in chain if context.units.kind(u) == "区县")


def _districts_of_cadre(context: SelectionContext, cadre_id: str) -> set[str]:
    return {_district(context, u) for u in context.scopes.cadre_units[cadre_id]}


def _section_vacancies(context: SelectionContext) -> list[str]:
    return [p for p in context.vacancies() if context.posts[p].get("level") in SECTION_LEVELS]


def test_the_sample_has_two_districts_and_section_vacancies_in_both(
    province: SelectionContext,
) -> None:
    districts = {u for u, unit in province.units.units.items() if unit.get("kind") == "区县"}
    assert len(districts) == 2
    vacancies = _section_vacancies(province)
    assert {_district(province, province.posts[p].get("unit_id")) for p in vacancies} == districts
    for post_id in vacancies:
        row = province.scope_row(post_id)
        assert row["scope_id"] == _district(province, province.posts[post_id].get("unit_id"))
        assert row["scope_name"].endswith("区")


def test_no_candidate_of_a_section_post_comes_from_another_district(
    province: SelectionContext,
) -> None:
    vacancies = _section_vacancies(province)
    fast = {p: r.kept for p, r in rank_posts(province, vacancies, top_k=50).items()}
    for post_id in vacancies:
        home = _district(province, province.posts[post_id].get("unit_id"))
        assert fast[post_id], post_id
        for cadre_id, _ in fast[post_id]:
            assert _districts_of_cadre(province, cadre_id) == {home}, (post_id, cadre_id)
    for post_id in vacancies[::10]:  # one by one (slower): everyone considered, excluded too
        home = _district(province, province.posts[post_id].get("unit_id"))
        result = rank_in_context(province, post_id, limit=50)
        considered = [c["cadre_id"] for c in result["candidates"]]
        considered += [e["cadre_id"] for e in result["excluded"]]
        for cadre_id in considered:
            assert _districts_of_cadre(province, cadre_id) == {home}, (post_id, cadre_id)
        # The arrays and the one-by-one ranking agree within the scope too.
        assert [c for c, _ in fast[post_id]] == considered[: len(result["candidates"])]


def test_a_division_post_draws_from_the_whole_area(province: SelectionContext) -> None:
    division = [p for p in province.vacancies() if province.posts[p].get("level") == "副处"]
    assert division
    result = rank_in_context(province, division[0], limit=None)
    assert result["scope_id"] is None and result["scope_name"] == "全域"
    found = set().union(
        *(_districts_of_cadre(province, c["cadre_id"]) for c in result["candidates"])
    )
    assert len(found) == 2  # candidates from both districts


def test_a_scoped_round_fills_section_posts_from_their_district(
    province: SelectionContext,
) -> None:
    result = run_round(context=province)
    assert [s["scope_id"] is None for s in result["scopes"]] == [True, False, False]
    assert sum(s["posts"] for s in result["scopes"]) == result["posts"]
    assert result["total"] == pytest.approx(sum(s["total"] for s in result["scopes"]), abs=1e-3)
    assert len({a["cadre_id"] for a in result["assignments"]}) == len(result["assignments"])
    section = [a for a in result["assignments"] if a["post_id"] in _section_vacancies(province)]
    assert section
    for a in section:
        home = _district(province, province.posts[a["post_id"]].get("unit_id"))
        assert _districts_of_cadre(province, a["cadre_id"]) == {home}
        assert a["scope_id"] == home and a["scope_name"] == province.units.name(home)


def test_each_scope_is_solved_on_its_own(province: SelectionContext) -> None:
    everything = run_round(context=province)
    scopes = everything["scopes"]
    first_district = scopes[1]["scope_id"]
    posts = [
        p for p in province.vacancies() if province.scopes.of_post(province.posts[p]) is None
    ] + [
        p
        for p in province.vacancies()
        if province.scopes.of_post(province.posts[p]) == first_district
    ]
    without_the_other = run_round(context=province, post_ids=posts)

    def of_first(result: RoundResult) -> list[tuple[str, str, float]]:
        return [
            (a["post_id"], a["cadre_id"], a["score"])
            for a in result["assignments"]
            if a["scope_id"] == first_district
        ]

    # The other district's posts, left out, change nothing in this one.
    assert of_first(everything) and of_first(everything) == of_first(without_the_other)
    assert without_the_other["scopes"][:2] == scopes[:2]


def test_a_post_that_must_be_filled_must_be_in_the_round(province: SelectionContext) -> None:
    first, second = _section_vacancies(province)[:2]
    with pytest.raises(InfeasibleRound, match=f"{second}.*not posts of the round"):
        run_round(context=province, post_ids=[first], must_fill=[second])
    filled = run_round(context=province, post_ids=[first, second], must_fill=[second])
    assert second in {a["post_id"] for a in filled["assignments"]}


def test_scoped_equals_unscoped_when_every_scope_is_the_whole_area(
    province: SelectionContext,
) -> None:
    data = SelectionPolicy().model_dump()
    data["scope"]["levels"] = {level: "all" for level in data["scope"]["levels"]}
    whole = _with_policy(province, SelectionPolicy.model_validate(data))
    scoped = run_round(context=whole)
    unscoped = run_round(context=_with_policy(province, SelectionPolicy()), by_scope=False)
    assert len(scoped["scopes"]) == len(unscoped["scopes"]) == 1
    assert scoped["assignments"] and scoped["assignments"] == unscoped["assignments"]
    assert scoped["total"] == unscoped["total"]
    # ... and scoping by district changes the answer here (the districts differ).
    by_district = run_round(context=province)
    assert by_district["total"] <= unscoped["total"] + 1e-6
    assert {a["cadre_id"] for a in by_district["assignments"]} != {
        a["cadre_id"] for a in unscoped["assignments"]
    }


def test_exchange_opens_section_posts_to_the_other_district(province: SelectionContext) -> None:
    data = SelectionPolicy().model_dump()
    data["scope"]["exchange"] = True
    exchange = _with_policy(province, SelectionPolicy.model_validate(data))
    post_id = _section_vacancies(province)[0]
    result = rank_in_context(exchange, post_id, limit=None)
    assert result["scope_id"] is None  # the district's parent is the province: the whole area
    found = set().union(
        *(_districts_of_cadre(exchange, c["cadre_id"]) for c in result["candidates"])
    )
    assert len(found) == 2


def test_the_bench_of_a_section_post_is_its_district(province: SelectionContext) -> None:
    team = [
        p
        for p, post in province.posts.items()
        if post.get("team_member") and post.get("level") in SECTION_LEVELS
    ][:6]
    result = succession_bench(context=province, post_ids=team)
    for entry in result["posts"]:
        home = _district(province, province.posts[entry["post_id"]].get("unit_id"))
        assert entry["scope_name"] == province.units.name(home)
        for c in [*entry["ready_now"], *entry["ready_in_1y"], *entry["ready_in_2y"]]:
            assert _districts_of_cadre(province, c["cadre_id"]) == {home}


def test_on_one_district_every_scope_is_the_whole_area(context: SelectionContext) -> None:
    assert {context.scopes.of_post(post) for post in context.posts.values()} == {None}


def test_a_scope_must_name_a_level_and_a_unit_kind(tmp_path: Path) -> None:
    file = tmp_path / "ours.toml"
    file.write_text('[scope.levels]\n"副科" = "地区"\n', encoding="utf-8")
    with pytest.raises(PolicyError, match="“地区”不是单位类型"):
        load_policy(file)
    file.write_text('[scope.levels]\n"科长" = "区县"\n', encoding="utf-8")
    with pytest.raises(PolicyError, match="“科长”不是职务层次"):
        load_policy(file)
    file.write_text('[scope.levels]\n"正科" = "all"\n[scope]\nexchange = true\n', encoding="utf-8")
    policy = load_policy(file)
    assert policy.scope.levels["正科"] == "all" and policy.scope.levels["副科"] == "区县"
