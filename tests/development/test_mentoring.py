"""Mentoring coverage finds the planted gaps; matching keeps every rule and is optimal."""

from __future__ import annotations

import itertools
import random
from collections import Counter
from typing import Any

import pytest

from graphsvc.stores import GraphStore
from loaders.sample import AS_OF
from queries.development.data import DevelopmentData
from queries.development.mentoring import (
    available_mentors,
    coverage,
    mentees_needing,
    min_cost_pairing,
    recommend_mentors,
    write_back_suggestions,
)
from queries.selection.policy import load_policy


@pytest.fixture(scope="module")
def covered(data: DevelopmentData) -> dict[str, Any]:
    return coverage(data=data)


@pytest.fixture(scope="module")
def recommended(data: DevelopmentData) -> dict[str, Any]:
    return recommend_mentors(data=data)


def test_coverage_finds_the_planted_gaps(
    covered: dict[str, Any], district_manifest: dict[str, Any], data: DevelopmentData
) -> None:
    planted = district_manifest["planted"]
    uncovered = {row["cadre_id"] for row in covered["uncovered"]}
    assert set(planted["uncovered_mentees"]) <= uncovered
    # The only others: mentees whose every mentor has left.
    for cadre_id in uncovered - set(planted["uncovered_mentees"]):
        mentors = next(r["mentors"] for r in covered["uncovered"] if r["cadre_id"] == cadre_id)
        assert mentors and set(mentors) <= set(planted["departed_mentors"])
    assert set(planted["overloaded_mentors"]) <= {r["mentor_id"] for r in covered["over_capacity"]}
    for row in covered["over_capacity"]:
        assert row["load"] > row["capacity"]
    assert {r["mentor_id"] for r in covered["departed"]} == set(planted["departed_mentors"])
    distant = {(r["mentor_id"], r["mentee_id"]) for r in covered["distant"]}
    cadre_mentors = {m for m, row in data.mentors.items() if row.get("cadre_id")}
    planted_distant = {
        (m, c)
        for m, c in planted["distant_pairings"]
        if m in cadre_mentors and c not in uncovered and data.unit_of(c)
    }
    assert planted_distant and planted_distant <= distant
    assert covered["need"] == covered["covered"] + len(covered["uncovered"])
    assert covered["coverage"] == pytest.approx(covered["covered"] / covered["need"], abs=1e-4)
    assert sum(r["need"] for r in covered["by_unit"]) == covered["need"]
    assert sum(r["covered"] for r in covered["by_channel"]) == covered["covered"]


def test_who_needs_a_mentor_follows_the_policy(data: DevelopmentData) -> None:
    need = mentees_needing(data)
    pool = data.pool_members()
    assert pool & data.records.keys() <= need.keys()
    for cadre_id, reason in need.items():
        cadre = data.cadres[cadre_id]
        assert cadre["status"] == "在职"
        if "录用" in reason:
            assert (AS_OF - cadre["recruit_date"]).days < 3 * 366
    # A cadre far from every criterion is not listed.
    veteran = next(
        c
        for c, row in data.cadres.items()
        if c in data.records
        and row["work_start"].year < 2000
        and c not in pool
        and row["channel"] == "公务员"
    )
    assert veteran not in need


def test_units_without_spare_mentor_really_have_none(
    covered: dict[str, Any], data: DevelopmentData
) -> None:
    spare: Counter[str] = Counter()
    for slot in available_mentors(data):
        if slot.unit_id:
            spare[data.branch(slot.unit_id) or ""] += slot.spare
    assert covered["units_without_spare_mentor"]
    for row in covered["units_without_spare_mentor"]:
        assert row["uncovered"] > 0 and spare[row["unit_id"]] == 0


def test_recommended_pairings_keep_every_rule(
    recommended: dict[str, Any], covered: dict[str, Any], data: DevelopmentData
) -> None:
    pairs = recommended["pairs"]
    assert pairs
    uncovered = {row["cadre_id"] for row in covered["uncovered"]}
    current_load = Counter(p.mentor_id for p in data.pairings if p.current(AS_OF))
    new_load = Counter(p["mentor_id"] for p in pairs)
    assert len({p["mentee_id"] for p in pairs}) == len(pairs)  # one mentor each
    for pair in pairs:
        mentee, mentor = pair["mentee_id"], data.mentors[pair["mentor_id"]]
        assert mentee in uncovered
        assert mentor["status"] == "在岗" and mentor.get("in_pool") is not False
        assert mentor.get("cadre_id") != mentee
        relatives = {r.cadre_id for r in data.records[mentee].relatives}
        assert mentor.get("cadre_id") not in relatives
        if mentor.get("cadre_id"):
            mentor_cadre = mentor["cadre_id"]
            assert data.cadres[mentor_cadre]["status"] == "在职"
            assert (data.level_rank(mentor_cadre) or 0) >= (data.level_rank(mentee) or 0)
            assert data.branch(data.unit_of(mentor_cadre)) == data.branch(data.unit_of(mentee))
            retires = data.retirement_date(mentor_cadre)
            assert retires is None or (retires - AS_OF).days > 365
        assert pair["reasons"] and pair["cost"] >= 0
    for mentor_id, added in new_load.items():
        capacity = int(data.mentors[mentor_id]["capacity"])
        assert current_load[mentor_id] + added <= capacity
    assert recommended["coverage_after"] > recommended["coverage_before"]
    assert recommended["coverage_before"] == covered["coverage"]
    expected = (covered["covered"] + len(pairs)) / covered["need"]
    assert recommended["coverage_after"] == pytest.approx(expected, abs=1e-4)
    assert len(pairs) + len(recommended["unmatched"]) == len(uncovered)


def test_one_to_one_policy_gives_each_mentor_one_mentee_at_most(
    district_store: GraphStore,
) -> None:
    policy = load_policy()
    policy.mentoring.many_to_one = False
    data = DevelopmentData.load(district_store, policy=policy, as_of=AS_OF)
    result = recommend_mentors(data=data)
    current_load = Counter(p.mentor_id for p in data.pairings if p.current(AS_OF))
    new_load = Counter(p["mentor_id"] for p in result["pairs"])
    assert result["pairs"]
    for mentor_id, added in new_load.items():
        assert added == 1 and current_load[mentor_id] == 0


def test_write_back_stores_the_suggestions(
    district_store: GraphStore, recommended: dict[str, Any]
) -> None:
    written = write_back_suggestions(store=district_store, result=recommended)
    assert written == len(recommended["pairs"])
    stored = {(s, t) for s, t, _ in district_store.iter_edges("SUGGESTED_MENTOR")}
    assert stored == {(p["mentor_id"], p["mentee_id"]) for p in recommended["pairs"]}
    district_store.clear_results("SUGGESTED_MENTOR")


# ------------------------------------------------------ optimality, brute force


def _brute_force(
    mentees: list[str],
    slots: dict[str, int],
    pair_cost: dict[tuple[str, str], int],
    slot_cost: dict[str, list[int]],
) -> tuple[int, int]:
    """(most pairings, least cost) over every assignment of mentees to mentors or none."""
    best = (0, 0)
    options = [[None, *[m for (e, m) in pair_cost if e == mentee]] for mentee in mentees]
    for choice in itertools.product(*options):
        used = Counter(m for m in choice if m is not None)
        if any(used[m] > slots[m] for m in used):
            continue
        cost = sum(pair_cost[(e, m)] for e, m in zip(mentees, choice, strict=True) if m)
        cost += sum(sum(slot_cost[m][:n]) for m, n in used.items())
        count = sum(used.values())
        if count > best[0] or (count == best[0] and cost < best[1]):
            best = (count, cost)
    return best


def _value(
    pairs: dict[str, str],
    pair_cost: dict[tuple[str, str], int],
    slot_cost: dict[str, list[int]],
) -> tuple[int, int]:
    used = Counter(pairs.values())
    cost = sum(pair_cost[(e, m)] for e, m in pairs.items())
    return len(pairs), cost + sum(sum(slot_cost[m][:n]) for m, n in used.items())


@pytest.mark.parametrize("seed", range(40))
def test_min_cost_pairing_equals_brute_force(seed: int) -> None:
    rng = random.Random(seed)
    mentees = [f"E{i}" for i in range(rng.randint(1, 6))]
    mentors = [f"M{i}" for i in range(rng.randint(1, 4))]
    slots = {m: rng.randint(1, 3) for m in mentors}
    slot_cost = {m: sorted(rng.randint(0, 60) for _ in range(slots[m])) for m in mentors}
    # Some pairs forbidden (relatives, juniors, too far): absent from pair_cost.
    pair_cost = {
        (e, m): rng.randint(0, 1000) for e in mentees for m in mentors if rng.random() < 0.7
    }
    pairs = min_cost_pairing(mentees, slots, pair_cost, slot_cost)
    for mentee, mentor in pairs.items():
        assert (mentee, mentor) in pair_cost
    assert all(n <= slots[m] for m, n in Counter(pairs.values()).items())
    assert _value(pairs, pair_cost, slot_cost) == _brute_force(mentees, slots, pair_cost, slot_cost)


def test_min_cost_pairing_prefers_more_pairings_over_cheaper_ones() -> None:
    # Pairing A with M1 is cheap but leaves B alone; the optimum pairs both.
    pairs = min_cost_pairing(
        ["A", "B"],
        {"M1": 1, "M2": 1},
        {("A", "M1"): 0, ("A", "M2"): 900, ("B", "M1"): 10},
        {"M1": [0], "M2": [0]},
    )
    assert pairs == {"A": "M2", "B": "M1"}


def test_an_unmatched_mentee_is_told_what_blocks_each_local_mentor(
    tmp_path_factory: pytest.TempPathFactory, small_sample_dir: Any
) -> None:
    """Make every local mentor with room a relative of one mentee: the reason names them."""
    from graphsvc.stores import open_store
    from loaders.load import load_paths

    folder = tmp_path_factory.mktemp("kin")
    with open_store(str(folder / "g.db")) as store:
        load_paths(store, [small_sample_dir])
        data = DevelopmentData.load(store, policy=load_policy(), as_of=AS_OF)
        slots = available_mentors(data)
        chosen, local = None, []
        for pair in recommend_mentors(data=data)["pairs"]:
            branch = data.branch(data.unit_of(pair["mentee_id"]))
            local = [s for s in slots if any(data.branch(u) == branch for u in s.home_units)]
            if local and all(data.mentors[s.mentor_id].get("cadre_id") for s in local):
                chosen = pair["mentee_id"]
                break
        assert chosen is not None and local
        kin = folder / "kin"
        kin.mkdir()
        rows = [f"{chosen},{data.mentors[s.mentor_id]['cadre_id']},兄弟姐妹" for s in local]
        (kin / "kinship.csv").write_text(
            "干部编号,亲属干部编号,关系\n" + "\n".join(rows) + "\n", encoding="utf-8"
        )
        load_paths(store, [kin])
        data = DevelopmentData.load(store, policy=load_policy(), as_of=AS_OF)
        result = recommend_mentors(data=data)
    assert chosen not in {p["mentee_id"] for p in result["pairs"]}
    [row] = [r for r in result["unmatched"] if r["mentee_id"] == chosen]
    assert "亲属回避" in row["reason"] and "附近没有" not in row["reason"]
    for slot in local[:5]:
        assert f"({slot.mentor_id})系其兄弟姐妹" in row["reason"]
