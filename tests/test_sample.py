"""The synthetic district: counts from the report, invariants, planted facts, determinism."""

from __future__ import annotations

import csv
import filecmp
import itertools
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from graphsvc.dates import months_between, parse_cadre_date
from graphsvc.stores import open_store
from loaders.load import load_paths
from loaders.sample import AS_OF, generate_sample, raw_tables, write_sample
from loaders.validate import validate_tables

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def read(folder: Path, table: str) -> list[dict[str, str]]:
    with (folder / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def day(text: str) -> date | None:
    return parse_cadre_date(text)


def age(birth: str) -> float:
    born = day(birth)
    assert born is not None
    return months_between(born, AS_OF) / 12


@pytest.fixture(scope="module")
def tables(district_dir: Path) -> dict[str, list[dict[str, str]]]:
    names = [
        "cadres",
        "units",
        "posts",
        "post_history",
        "mentors",
        "mentoring",
        "pool_membership",
        "kinship",
        "attendance",
        "trainings",
        "assessments",
        "supervision",
    ]
    return {name: read(district_dir, name) for name in names}


def current_holders(tables: dict[str, list[dict[str, str]]]) -> dict[str, list[str]]:
    holders: dict[str, list[str]] = defaultdict(list)
    for row in tables["post_history"]:
        if not row["免职时间"]:
            holders[row["岗位编号"]].append(row["干部编号"])
    return holders


def test_the_district_has_the_reports_figures(tables: dict[str, list[dict[str, str]]]) -> None:
    cadres = tables["cadres"]
    assert len(cadres) == 3000
    kinds = Counter(u["单位类型"] for u in tables["units"])
    assert kinds["乡镇"] + kinds["街道"] == 15
    assert kinds["区直部门"] == 40
    assert kinds["村"] + kinds["社区"] > 100
    this_year = [c for c in cadres if c["录用时间"].startswith(str(AS_OF.year))]
    by_channel = Counter(c["录用渠道"] for c in this_year)
    assert by_channel["公务员"] + by_channel["选调生"] == 118
    assert by_channel["到村(社区)工作大学生"] == 328
    pool = [m for m in tables["pool_membership"] if not m["出库时间"]]
    assert 190 <= len(pool) <= 210
    assert any(m["出库原因"] for m in tables["pool_membership"])  # and some who left it


def test_every_cadre_holds_one_current_post_and_posts_are_not_double_booked(
    tables: dict[str, list[dict[str, str]]],
) -> None:
    current = Counter(r["干部编号"] for r in tables["post_history"] if not r["免职时间"])
    assert set(current) == {c["干部编号"] for c in tables["cadres"]}
    assert set(current.values()) == {1}
    leadership = {p["岗位编号"] for p in tables["posts"] if p["是否领导职务"] == "是"}
    tenures: dict[str, list[tuple[date, date]]] = defaultdict(list)
    for row in tables["post_history"]:
        if row["岗位编号"] in leadership:
            start, end = day(row["任职时间"]), day(row["免职时间"]) or date.max
            assert start is not None
            tenures[row["岗位编号"]].append((start, end))
    for post_id, spans in tenures.items():
        spans.sort()
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert end <= start, f"{post_id} held by two people at once"


def test_careers_are_in_order(tables: dict[str, list[dict[str, str]]]) -> None:
    by_cadre: dict[str, list[tuple[date, date | None]]] = defaultdict(list)
    for row in tables["post_history"]:
        start = day(row["任职时间"])
        assert start is not None
        by_cadre[row["干部编号"]].append((start, day(row["免职时间"])))
    work_start = {c["干部编号"]: day(c["参加工作时间"]) for c in tables["cadres"]}
    for cadre_id, spans in by_cadre.items():
        spans.sort()
        assert spans[0][0] >= work_start[cadre_id]  # type: ignore[operator]
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert end is not None and end <= start


def test_people_are_plausible_and_synthetic(
    tables: dict[str, list[dict[str, str]]], district_manifest: dict[str, Any]
) -> None:
    numbers = set()
    past = {p["cadre_id"] for p in district_manifest["planted"]["past_retirement"]}
    for cadre in tables["cadres"]:
        oldest = 63 if cadre["干部编号"] in past else 60
        assert 21 <= age(cadre["出生年月"]) < oldest, cadre
        number = cadre["身份证号"]
        assert number.startswith("99"), "region code 99 belongs to no real region"
        check = "10X98765432"[
            sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True)) % 11
        ]
        assert number[17] == check
        born = day(cadre["出生年月"])
        assert born is not None and number[6:12] == f"{born.year}{born.month:02d}"
        assert int(number[16]) % 2 == (1 if cadre["性别"] == "男" else 0)
        numbers.add(number)
        assert 2 <= len(cadre["姓名"]) <= 3
    assert len(numbers) == len(tables["cadres"])


def test_planted_vacancies_ageing_and_retirements(
    tables: dict[str, list[dict[str, str]]], district_manifest: dict[str, Any]
) -> None:
    planted = district_manifest["planted"]
    holders = current_holders(tables)
    assert len(planted["vacancies"]) >= 30
    assert all(not holders.get(p) for p in planted["vacancies"])
    birth = {c["干部编号"]: c["出生年月"] for c in tables["cadres"]}
    posts_of = defaultdict(list)
    for post in tables["posts"]:
        if post["是否班子成员"] == "是":
            posts_of[post["单位编号"]].append(post["岗位编号"])
    assert planted["ageing_teams"]
    for unit_id in planted["ageing_teams"]:
        members = [c for p in posts_of[unit_id] for c in holders.get(p, [])]
        assert members and all(age(birth[c]) >= 50 for c in members)
    assert len(planted["retiring_within_3y"]) >= 5
    assert all(57 <= age(birth[c]) < 60 for c in planted["retiring_within_3y"])


# The rank ladder (职务与职级并行规定): the least years from 定级 to each 职级, and the
# ranks of each leadership level.
_LADDER = ["二级科员", "一级科员", "四级主任科员", "三级主任科员", "二级主任科员", "一级主任科员",
           "四级调研员", "三级调研员", "二级调研员", "一级调研员"]  # fmt: skip
_LEAST_YEARS = {"一级科员": 0, "四级主任科员": 3, "三级主任科员": 5, "二级主任科员": 7,
                "一级主任科员": 9, "四级调研员": 11, "三级调研员": 13, "二级调研员": 15,
                "一级调研员": 17}  # fmt: skip


def test_ranks_follow_the_rank_ladder(tables: dict[str, list[dict[str, str]]]) -> None:
    young_principal_staff = 0
    for cadre in tables["cadres"]:
        rank, work = cadre["职级"], day(cadre["参加工作时间"])
        assert work is not None
        if not rank:  # still on probation (or never 定级: village graduates)
            continue
        since = day(cadre["任现职级时间"])
        assert since is not None and since >= work
        # 定级 after a year, then at least the ladder's years for each step.
        years = months_between(work, since) / 12
        assert years >= 1 + _LEAST_YEARS.get(rank, 0) - 1e-9, cadre
        if rank == "四级主任科员" and age(cadre["出生年月"]) < 27:
            young_principal_staff += 1
    assert young_principal_staff < len(tables["cadres"]) / 100  # rarely under 27


def test_leaders_came_up_the_leadership_ladder(
    tables: dict[str, list[dict[str, str]]],
) -> None:
    """A 正科 holder held a 副科 leadership post 2+ years before; a 副处 holder a 正科 one
    3+ years; a 正处 holder a 副处 one 2+ years (由副职提任正职, 下级正职提任上级副职)."""
    posts = {p["岗位编号"]: p for p in tables["posts"]}
    history: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in tables["post_history"]:
        history[row["干部编号"]].append(row)
    needs = {"正科": ("副科", 24), "副处": ("正科", 36), "正处": ("副处", 24)}
    checked = 0
    for cadre in tables["cadres"]:
        if cadre["职务层次"] not in needs:
            continue
        below, months = needs[cadre["职务层次"]]
        held = sum(
            months_between(day(r["任职时间"]), day(r["免职时间"]))  # type: ignore[arg-type]
            for r in history[cadre["干部编号"]]
            if r["免职时间"]
            and posts[r["岗位编号"]]["职务层次"] == below
            and posts[r["岗位编号"]]["是否领导职务"] == "是"
        )
        assert held >= months, (cadre["干部编号"], cadre["职务层次"], held)
        checked += 1
    assert checked > 50


def test_planted_retirement_high_ranks_and_pool_reviews(
    tables: dict[str, list[dict[str, str]]], district_manifest: dict[str, Any]
) -> None:
    from graphsvc.retirement import statutory_retirement

    planted = district_manifest["planted"]
    cadres = {c["干部编号"]: c for c in tables["cadres"]}
    assert len(planted["past_retirement"]) >= 2 and len(planted["near_retirement"]) >= 2
    for entry in planted["past_retirement"] + planted["near_retirement"]:
        cadre = cadres[entry["cadre_id"]]
        born = day(cadre["出生年月"])
        assert born is not None and cadre["状态"] == "在职"
        retires = statutory_retirement(born, cadre["性别"])
        assert retires.isoformat() == entry["retires"]
        if entry in planted["past_retirement"]:
            assert retires <= AS_OF
        else:
            assert AS_OF < retires < date(AS_OF.year + 2, AS_OF.month, AS_OF.day)
    high = planted["high_rank_non_leaders"]
    assert high and all(cadres[h["cadre_id"]]["职务层次"] == "科员" for h in high)
    assert all(cadres[h["cadre_id"]]["职级"] == h["rank"] for h in high)
    reviewed = planted["pool_under_review"]
    assert {r["kind"] for r in reviewed} == {"诫勉", "提醒谈话"}
    pool = {m["干部编号"]: m for m in tables["pool_membership"] if not m["出库时间"]}
    records = {(s["干部编号"], s["类型"], s["日期"]) for s in tables["supervision"]}
    for entry in reviewed:
        start = day(pool[entry["cadre_id"]]["入库时间"])
        assert start is not None and start.isoformat() < entry["date"]
        assert any(c == entry["cadre_id"] and k == entry["kind"] for c, k, _ in records)


def test_planted_mentoring_gaps(
    tables: dict[str, list[dict[str, str]]], district_manifest: dict[str, Any]
) -> None:
    planted = district_manifest["planted"]
    mentors = {m["导师编号"]: m for m in tables["mentors"]}
    active = [r for r in tables["mentoring"] if not r["结束时间"]]
    load = Counter(r["导师编号"] for r in active)
    assert planted["overloaded_mentors"]
    for mentor_id in planted["overloaded_mentors"]:
        assert load[mentor_id] > int(mentors[mentor_id]["最大帮带人数"])
    for mentor_id in planted["departed_mentors"]:
        assert mentors[mentor_id]["状态"] in {"离任", "退休"} and load[mentor_id] > 0
    mentored = {r["干部编号"] for r in active}
    uncovered = planted["uncovered_mentees"]
    assert 50 <= len(uncovered) <= 250
    assert not mentored & set(uncovered)
    for row in active:  # nobody mentors themself
        assert mentors[row["导师编号"]]["干部编号"] != row["干部编号"]


def test_planted_avoidance_cases(
    tables: dict[str, list[dict[str, str]]], district_manifest: dict[str, Any]
) -> None:
    planted = district_manifest["planted"]
    pairs = {frozenset((r["干部编号"], r["亲属干部编号"])) for r in tables["kinship"]}
    rules = {conflict["rule"] for conflict in planted["kinship_conflicts"]}
    assert rules == {"same_team", "superior_subordinate", "sensitive_function"}
    for conflict in planted["kinship_conflicts"]:
        assert frozenset(conflict["cadres"]) in pairs


# Head roles of the regional-avoidance rule in the spellings the sample plants.
_DISTRICT_HEAD_ROLES = {"纪委书记", "组织部长", "公安分局局长", "法院院长", "检察长"}
_TOWNSHIP_HEAD_ROLES = {
    "党委书记", "党工委书记", "镇党委书记", "乡党委书记", "镇长", "乡长",
    "街道党工委书记", "街道办事处主任",
}  # fmt: skip


def ancestors(units: dict[str, dict[str, str]], unit_id: str) -> list[str]:
    """The unit and every unit above it."""
    chain = [unit_id]
    while units[chain[-1]]["上级单位编号"]:
        chain.append(units[chain[-1]]["上级单位编号"])
    return chain


def test_planted_regional_avoidance(
    tables: dict[str, list[dict[str, str]]], district_manifest: dict[str, Any]
) -> None:
    planted = district_manifest["planted"]
    units = {u["单位编号"]: u for u in tables["units"]}
    posts = {p["岗位编号"]: p for p in tables["posts"]}
    cadres = {c["干部编号"]: c for c in tables["cadres"]}
    holders = current_holders(tables)
    cases = planted["regional_avoidance"]
    assert len(cases) >= 6
    assert len({case["cadre_id"] for case in cases}) == len(cases)
    roles = {case["role"] for case in cases}
    assert roles >= _DISTRICT_HEAD_ROLES
    assert {"镇党委书记", "街道党工委书记", "街道办事处主任"} <= roles
    assert roles & {"镇长", "乡长"}
    for case in cases + planted["regional_avoidance_near_misses"]:
        post = posts[case["post_id"]]
        assert holders[case["post_id"]] == [case["cadre_id"]]
        assert post["职务类别"] == case["role"] and post["单位编号"] == case["unit_id"]
        assert cadres[case["cadre_id"]]["成长地单位编号"] == case["hometown_unit_id"]
        assert case["area_unit_id"] in ancestors(units, case["unit_id"])
    for case in cases:
        area = units[case["area_unit_id"]]["单位类型"]
        if case["role"] in _DISTRICT_HEAD_ROLES:
            assert area == "区县"
        else:
            assert case["role"] in _TOWNSHIP_HEAD_ROLES and area in {"乡镇", "街道"}
        # The hometown lies inside the governed area: a village of the township, any place
        # of the district.
        assert case["area_unit_id"] in ancestors(units, case["hometown_unit_id"])
    kinds = {
        (case["role"] in _DISTRICT_HEAD_ROLES, units[case["hometown_unit_id"]]["单位类型"])
        for case in cases
    }
    assert (True, "村") in kinds or (True, "社区") in kinds  # a district head from a village
    assert (False, "村") in kinds  # a township head from a village of the township
    [deputy, elsewhere] = planted["regional_avoidance_near_misses"]
    assert deputy["role"].startswith("副") and posts[deputy["post_id"]]["是否正职"] == "否"
    assert deputy["area_unit_id"] in ancestors(units, deputy["hometown_unit_id"])
    assert posts[elsewhere["post_id"]]["是否正职"] == "是"
    assert elsewhere["area_unit_id"] not in ancestors(units, elsewhere["hometown_unit_id"])


def test_training_gaps_and_sanctions(
    tables: dict[str, list[dict[str, str]]], district_manifest: dict[str, Any]
) -> None:
    planted = district_manifest["planted"]
    attended = {r["干部编号"] for r in tables["attendance"]}
    assert planted["behind_on_training"]
    assert not attended & set(planted["behind_on_training"])
    assert any(r["类型"] in {"诫勉", "党内警告", "记过"} for r in tables["supervision"])
    assert len(planted["sanctioned"]) >= 3


def test_the_same_seed_gives_the_same_files(tmp_path: Path) -> None:
    first, second, other = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    write_sample(generate_sample(cadres=300, seed=5), first)
    write_sample(generate_sample(cadres=300, seed=5), second)
    write_sample(generate_sample(cadres=300, seed=6), other)
    names = sorted(p.name for p in first.iterdir())
    match, mismatch, errors = filecmp.cmpfiles(first, second, names, shallow=False)
    assert mismatch == [] and errors == [] and match == names
    assert (first / "cadres.csv").read_bytes() != (other / "cadres.csv").read_bytes()


def test_a_province_is_several_districts(tmp_path: Path) -> None:
    sample = generate_sample(cadres=6000, seed=3)
    units = sample.tables["units"]
    assert sum(1 for u in units if u["kind"] == "省") == 1
    assert sum(1 for u in units if u["kind"] == "区县") == 2
    ids = [c["id"] for c in sample.tables["cadres"]]
    assert len(ids) == len(set(ids)) == 6000
    assert sample.manifest["districts"] == 2


def test_too_small_a_sample_is_refused() -> None:
    with pytest.raises(ValueError, match=r"^示例数据至少需要50名干部，这里要求的是10名$"):
        generate_sample(cadres=10)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_other_seeds_at_district_size_load_clean(seed: int, tmp_path: Path) -> None:
    folder = tmp_path / "sample"
    sample = generate_sample(cadres=3000, seed=seed)
    write_sample(sample, folder)
    with open_store(str(tmp_path / "graph.db")) as store:
        outcome = load_paths(store, [folder])
        assert outcome.warnings == []
        counts = store.counts().nodes
        assert counts["Cadre"] == 3000
        # The appointments under way and the photos the tables keep load with the rest.
        assert counts["Proposal"] == len(sample.tables["proposals"]) > 0
        assert counts["Photo"] == len(sample.tables["photos"]) == 3000 // 50
    assert len(sample.manifest["planted"]["regional_avoidance"]) >= 6
    assert len(sample.manifest["planted"]["regional_avoidance_near_misses"]) == 2


# (seed, cadres): 294 at 1,000 cadres gave a mentee a past pairing that repeated the open one
# with the same mentor and start, as seed 11 did in the 300,000-cadre province.
@pytest.mark.parametrize(("seed", "cadres"), [(294, 1000), (7, 1000), (11, 400), (5, 6000)])
def test_the_generator_never_writes_a_duplicate_record(seed: int, cadres: int) -> None:
    sample = generate_sample(cadres=cadres, seed=seed)
    checked = validate_tables(raw_tables(sample))  # the loader's own checks, duplicates too
    assert [str(issue) for issue in checked.issues] == []
    mentoring = sample.tables["mentoring"]
    pairs = Counter((row["mentor_id"], row["mentee_id"]) for row in mentoring)
    assert max(pairs.values()) == 1  # a pairing that goes on is never also written as ended
