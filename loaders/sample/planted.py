"""The planted facts: what the analyses must find, recorded in the manifest
(``manifest["planted"]``) as the ground truth the tests check against.

Each function plants one kind of fact into one district after the district's own tables are
built; the generator calls them in a fixed order, since they share its random stream.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date
from typing import Any

from graphsvc.retirement import statutory_retirement
from loaders.sample.catalogue import AS_OF, EXIT_REASONS
from loaders.sample.district import District
from loaders.sample.records import Person, Post, add_months, months_between
from loaders.sample.state import SampleState

__all__ = [
    "build_kinship",
    "build_pool",
    "build_supervision",
    "note_high_rank_staff",
    "plant_pool_reviews",
    "plant_quiet_performers",
    "plant_regional_avoidance",
    "plant_retirement",
    "plant_training_laggards",
]


def plant_training_laggards(gen: SampleState, district: District) -> None:
    """Choose who will be behind on training."""
    rng = gen.rng
    settled = [p for p in district.people if not p.young_recruit]
    behind = rng.sample(settled, min(len(settled), district.scaled(60, 2)))
    # Only people past their first working year count as behind (newcomers are exempt).
    behind = [p for p in behind if months_between(p.work_start, AS_OF) >= 24]
    gen.behind_on_training.update(p.id for p in behind)
    gen.planted["behind_on_training"].extend(sorted(p.id for p in behind))


def build_pool(gen: SampleState, district: District) -> None:
    """The district's young-cadre pool; plants declining and over-age members."""
    rng = gen.rng
    pool_id = f"POOL{district.index + 1:03d}"
    gen.tables["pools"].append(
        {
            "id": pool_id,
            "name": f"{district.unit_name[district.district_id]}优秀年轻干部库",
            "level": "区级",
            "max_age": 40,
        }
    )
    candidates = [
        p
        for p in district.people
        if 26 * 12 <= months_between(p.birth, AS_OF) < 39 * 12
        and months_between(p.work_start, AS_OF) >= 24
        and p.id not in gen.behind_on_training
    ]
    size = min(len(candidates), district.scaled(196, 3))
    members = sorted(rng.sample(candidates, size), key=lambda p: p.id)
    # Planted for exit review: a declining assessment, past the age limit.
    declining = members[: max(1, size // 40)]
    gen.planted["pool_declining"].extend(p.id for p in declining)
    for person in declining:  # last year's grade falls (assessments are already written)
        if (person.id, AS_OF.year - 1) in district.annual_rows:
            district.annual_rows[(person.id, AS_OF.year - 1)]["grade"] = "基本称职"
    for person in members:
        start = add_months(AS_OF, -rng.randint(3, 60))
        start = max(start, add_months(person.work_start, 12))
        gen.tables["pool_membership"].append(
            {
                "cadre_id": person.id,
                "pool_id": pool_id,
                "start": start,
                "end": None,
                "exit_reason": None,
            }
        )
    over_age = [
        p
        for p in district.people
        if 40 * 12 <= months_between(p.birth, AS_OF) < 42 * 12 and p.level == "科员"
    ][: max(1, district.scaled(3))]
    for person in over_age:
        gen.tables["pool_membership"].append(
            {
                "cadre_id": person.id,
                "pool_id": pool_id,
                "start": add_months(AS_OF, -rng.randint(40, 70)),
                "end": None,
                "exit_reason": None,
            }
        )
        gen.planted["pool_over_age"].append(person.id)
    district.pool_ids = {p.id for p in members} | {p.id for p in over_age}
    gen.planted["pool_members"].extend([p.id for p in members] + [p.id for p in over_age])
    current = {p.id for p in members} | {p.id for p in over_age}
    former = [p for p in district.people if p.id not in current]
    for person in rng.sample(former, min(len(former), district.scaled(40, 1))):
        start = max(add_months(AS_OF, -rng.randint(40, 80)), person.work_start)
        end = add_months(start, rng.randint(12, 36))
        if end >= AS_OF:
            continue
        gen.tables["pool_membership"].append(
            {
                "cadre_id": person.id,
                "pool_id": pool_id,
                "start": start,
                "end": end,
                "exit_reason": rng.choice(EXIT_REASONS),
            }
        )


def plant_quiet_performers(gen: SampleState, district: District) -> None:
    """A few strong, unseen people: excellent grades and project results, not in the
    pool, no promotion for years. Own random stream: the rest of the sample is unchanged."""
    rng = random.Random(gen.seed * 1_000 + district.index)
    ids = {p.id for p in district.people}
    worked: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in gen.tables["participation"]:
        if row["cadre_id"] in ids:
            worked[row["cadre_id"]].append(row)
    sanctioned = {row["cadre_id"] for row in gen.tables["supervision"] if row["cadre_id"] in ids}
    settled_before = add_months(AS_OF, -6 * 12)
    chosen = [
        p
        for p in district.people
        if p.id in worked
        and p.id not in district.pool_ids
        and p.id not in sanctioned
        and p.work_start < settled_before
        and (gen.cadre_rows[p.id].get("level_since") or p.work_start) < settled_before
        and all((p.id, AS_OF.year - k) in district.annual_rows for k in (1, 2))
    ]
    for person in rng.sample(chosen, min(len(chosen), district.scaled(5, 1))):
        for k in (1, 2):
            district.annual_rows[(person.id, AS_OF.year - k)]["grade"] = "优秀"
        rng.choice(worked[person.id])["result"] = "优秀"
        gen.planted["quiet_performers"].append(person.id)


def build_supervision(gen: SampleState, district: District) -> None:
    """Talks and sanctions; plants the sanctions (everything heavier than a talk)."""
    rng = gen.rng
    kinds = (
        ("提醒谈话", 35),
        ("关爱谈话", 25),
        ("诫勉", 15),
        ("党内警告", 8),
        ("政务警告", 5),
        ("记过", 4),
        ("党内严重警告", 4),
        ("组织处理", 4),
    )
    subjects = rng.sample(district.people, min(len(district.people), district.scaled(45, 2)))
    for person in sorted(subjects, key=lambda p: p.id):
        kind = rng.choices([k for k, _ in kinds], [w for _, w in kinds])[0]
        earliest = max(person.work_start, add_months(AS_OF, -36))
        span = max(1, months_between(earliest, AS_OF))
        when = add_months(earliest, rng.randint(0, span - 1))
        gen.tables["supervision"].append(
            {
                "id": gen.record_id(),
                "cadre_id": person.id,
                "kind": kind,
                "date": when,
                "effect_months": None,
                "note": "(合成数据)",
            }
        )
        if kind not in {"提醒谈话", "关爱谈话"}:
            gen.planted["sanctioned"].append(
                {"cadre_id": person.id, "kind": kind, "date": when.isoformat()}
            )


def build_kinship(gen: SampleState, district: District) -> None:
    """Relatives; plants the kinship conflicts."""
    rng = gen.rng
    rows = gen.tables["kinship"]
    people = district.people
    holder = district.holder

    def relate(a: Person, b: Person, relation: str) -> None:
        rows.append({"cadre_id": a.id, "relative_id": b.id, "relation": relation})

    # Harmless relatives: different, unrelated units.
    for _ in range(district.scaled(25, 2)):
        a, b = rng.sample(people, 2)
        if district.unit_town.get(a.unit_id) != district.unit_town.get(b.unit_id):
            relate(a, b, rng.choice(("配偶", "兄弟姐妹", "表兄弟姐妹", "配偶兄弟姐妹")))
    conflicts = gen.planted["kinship_conflicts"]
    # 1. Spouses in the same leadership team.
    for unit in district.towns:
        team = [holder[p.id] for p in district.team_posts[unit] if p.id in holder]
        if len(team) >= 2:
            a, b = team[0], team[-1]
            relate(a, b, "配偶")
            conflicts.append({"rule": "same_team", "cadres": [a.id, b.id], "unit_id": unit})
            break
    # 2. A township head's child in a village under that township (superior–subordinate line).
    for unit in district.towns[1:]:
        heads = [holder[p.id] for p in district.team_posts[unit] if p.principal and p.id in holder]
        below = [
            p for p in people if district.unit_town.get(p.unit_id) == unit and p.unit_id != unit
        ]
        if heads and below:
            relate(heads[0], below[0], "子女")
            conflicts.append(
                {
                    "rule": "superior_subordinate",
                    "cadres": [heads[0].id, below[0].id],
                    "unit_id": unit,
                }
            )
            break
    # 3. A department head's spouse in that department's finance post.
    for unit in district.departments:
        heads = [holder[p.id] for p in district.team_posts[unit] if p.principal and p.id in holder]
        finance = [
            p
            for p in people
            if p.unit_id == unit and gen.post_name[p.post_id].endswith("财务股科员")
        ]
        if heads and finance:
            relate(heads[0], finance[0], "配偶")
            conflicts.append(
                {
                    "rule": "sensitive_function",
                    "cadres": [heads[0].id, finance[0].id],
                    "unit_id": unit,
                }
            )
            break


# Head posts planted under the spellings a county or a township writes (the generator's own
# spelling → the planted one). Posts sit in the district (its leadership team) or in one of its
# departments; either way they govern the whole district.
_DISTRICT_TEAM_HEADS = {"区纪委书记": "纪委书记", "区委组织部部长": "组织部长"}
_DEPARTMENT_HEADS = {
    "区公安分局": "公安分局局长",
    "区人民法院": "法院院长",
    "区人民检察院": "检察长",
}


def plant_regional_avoidance(gen: SampleState, district: District) -> None:
    """Head posts held by someone who grew up in the area the post governs (regional avoidance),
    and near misses that are no conflict.

    Listed in ``planted["regional_avoidance"]`` and ``planted["regional_avoidance_near_misses"]``
    with the cadre, the post, its role, the post's unit, the governed area and the hometown. A
    district's head posts govern the district: a hometown anywhere in it counts; a township's
    head posts govern the township: a village inside it counts. Apart from the first case, which
    takes no random draw, the cases come from their own random stream, so the rest of the sample
    is the same with or without them.
    """
    _plant_secretary_at_home(gen, district)
    rng = random.Random(gen.seed * 1_000 + 500 + district.index)
    used = {entry["cadre_id"] for entry in gen.planted["regional_avoidance"]}
    cases = gen.planted["regional_avoidance"]
    villages = [village for town in district.towns for village in district.villages_of[town]]
    # District heads: hometowns in a village, a township, or the district itself.
    district_heads = [
        post
        for post in district.team_posts[district.district_id]
        if post.role in _DISTRICT_TEAM_HEADS
    ]
    for department in district.departments:
        if district.unit_name[department] in _DEPARTMENT_HEADS:
            district_heads.extend(p for p in district.team_posts[department] if p.principal)
    homes = [rng.choice(villages) if villages else district.district_id for _ in district_heads]
    if len(homes) >= 3:
        homes[2] = rng.choice(district.towns)
    if len(homes) >= 5:
        homes[4] = district.district_id
    for post, home in zip(district_heads, homes, strict=True):
        person = district.holder.get(post.id)
        if person is None or person.id in used:
            continue
        post.role = (
            _DISTRICT_TEAM_HEADS.get(str(post.role))
            or _DEPARTMENT_HEADS[district.unit_name[post.unit_id]]
        )
        _grew_up_in(gen, district, person, home)
        cases.append(_case(person, post, district.district_id, home))
        used.add(person.id)
    # Township heads: hometowns in a village (or community) of their own township.
    streets = [town for town in district.towns if district.unit_kind[town] == "街道"]
    towns = [town for town in district.towns if district.unit_kind[town] == "乡镇"]
    wanted = (
        (towns, "党委书记", "镇党委书记"),
        (towns, "镇长", "镇长"),
        (towns, "乡长", "乡长"),
        (streets, "党工委书记", "街道党工委书记"),
        (streets, "办事处主任", "街道办事处主任"),
    )
    planted_towns: set[str] = set()
    for places, role, spelling in wanted:
        for town in rng.sample(places, len(places)):
            head = _held_post(district, town, role, used)
            if town in planted_towns or head is None or not district.villages_of[town]:
                continue
            person = district.holder[head.id]
            home = rng.choice(district.villages_of[town])
            if spelling == "镇党委书记" and district.unit_name[town].endswith("乡"):
                spelling = "乡党委书记"
            head.role = spelling
            _grew_up_in(gen, district, person, home)
            cases.append(_case(person, head, town, home))
            used.add(person.id)
            planted_towns.add(town)
            break
    # Near misses: a deputy at home, and a head whose home is another township.
    near = gen.planted["regional_avoidance_near_misses"]
    for town in rng.sample(towns, len(towns)):
        deputy = next(
            (
                post
                for post in district.team_posts[town]
                if str(post.role).startswith("副")
                and post.id in district.holder
                and district.holder[post.id].id not in used
            ),
            None,
        )
        if deputy is not None and district.villages_of[town]:
            person = district.holder[deputy.id]
            home = rng.choice(district.villages_of[town])
            _grew_up_in(gen, district, person, home)
            near.append({**_case(person, deputy, town, home), "why": "副职不在地域回避之列"})
            used.add(person.id)
            break
    for town in rng.sample(district.towns, len(district.towns)):
        head = next(
            (
                post
                for post in district.team_posts[town]
                if post.principal
                and post.id in district.holder
                and district.holder[post.id].id not in used
            ),
            None,
        )
        elsewhere = [t for t in district.towns if t != town and district.villages_of[t]]
        if head is not None and elsewhere:
            person = district.holder[head.id]
            home = rng.choice(district.villages_of[rng.choice(elsewhere)])
            _grew_up_in(gen, district, person, home)
            near.append({**_case(person, head, town, home), "why": "成长地在另一个乡镇"})
            used.add(person.id)
            break


def _plant_secretary_at_home(gen: SampleState, district: District) -> None:
    """A township party secretary serving in the township where they grew up."""
    for unit in reversed(district.towns):
        secretaries = [
            post
            for post in district.team_posts[unit]
            if post.principal and post.function == "党委" and post.id in district.holder
        ]
        if secretaries:
            post = secretaries[0]
            person = district.holder[post.id]
            _grew_up_in(gen, district, person, unit)
            gen.planted["regional_avoidance"].append(_case(person, post, unit, unit))
            break


def _held_post(district: District, town: str, role: str, used: set[str]) -> Post | None:
    for post in district.team_posts[town]:
        holder = district.holder.get(post.id)
        if post.role == role and holder is not None and holder.id not in used:
            return post
    return None


def _grew_up_in(gen: SampleState, district: District, person: Person, unit_id: str) -> None:
    person.hometown_unit_id = unit_id
    row = gen.cadre_rows[person.id]
    row["hometown_unit_id"] = unit_id
    town = district.unit_town.get(unit_id)
    place = district.unit_name[unit_id]
    if town is not None and town != unit_id:
        place = district.unit_name[town] + place  # a village: its township first
    row["native_place"] = "本区" if unit_id == district.district_id else f"本区{place}"


def _case(person: Person, post: Post, area: str, home: str) -> dict[str, Any]:
    return {
        "cadre_id": person.id,
        "post_id": post.id,
        "role": post.role,
        "unit_id": post.unit_id,
        "area_unit_id": area,
        "hometown_unit_id": home,
    }


def _born_to_retire(gender: str, retires_after: int) -> date:
    """The first birth month whose statutory retirement (the law's 2025 schedule) falls
    ``retires_after`` months after the sample's day or later (negative: before it)."""
    wanted = add_months(AS_OF, retires_after)
    birth = add_months(AS_OF, -12 * (70 if gender == "男" else 65))
    while statutory_retirement(birth, gender) < wanted:
        birth = add_months(birth, 1)
    return birth


def plant_retirement(gen: SampleState, district: District) -> None:
    """Staff past their statutory retirement day yet still active, and people close to it:
    who a committee must not (or only knowingly) appoint. Listed as ``past_retirement`` and
    ``near_retirement``. Own random stream."""
    rng = random.Random(gen.seed * 1_000 + 700 + district.index)
    staff = [
        p
        for p in district.people
        if p.level == "科员" and not p.young_recruit and p.unit_id in district.departments
    ]
    deputies = [p for p in district.people if p.level == "副科"]
    chosen = rng.sample(staff, min(len(staff), 4)) + rng.sample(deputies, min(len(deputies), 1))
    plans = [("男", -rng.randint(2, 14)), ("女", -rng.randint(2, 14))]
    plans += [("男", rng.randint(3, 20)), ("女", rng.randint(3, 20)), ("男", rng.randint(6, 22))]
    for person, (gender, months) in zip(chosen, plans, strict=False):
        birth = _born_to_retire(gender, months)
        person.work_start = max(
            add_months(person.work_start, months_between(person.birth, birth)),
            add_months(birth, 12 * 22),
        )
        person.post_start = max(person.post_start, person.work_start)
        person.birth, person.gender = birth, gender
        entry = {
            "cadre_id": person.id,
            "gender": gender,
            "birth": birth.isoformat(),
            "retires": statutory_retirement(birth, gender).isoformat(),
            "level": person.level,
        }
        gen.planted["past_retirement" if months < 0 else "near_retirement"].append(entry)


def note_high_rank_staff(gen: SampleState, district: District) -> None:
    """Staff who hold no leadership post but a 职级 of 正科 or above (二级主任科员 and up):
    a lateral move (平级转任) into a 正科 post is possible for them, a promotion on the
    leadership track is not. Listed as ``high_rank_non_leaders``."""
    high = {"二级主任科员", "一级主任科员", "四级调研员", "三级调研员", "二级调研员", "一级调研员"}
    for person in district.people:
        row = gen.cadre_rows[person.id]
        if person.level == "科员" and row["rank"] in high:
            gen.planted["high_rank_non_leaders"].append(
                {"cadre_id": person.id, "rank": row["rank"]}
            )


def plant_pool_reviews(gen: SampleState, district: District) -> None:
    """Pool members given an admonishment (诫勉, in its effect period) or a reminder talk
    (提醒谈话) since entering the pool: due for exit review, so they earn no pool credit in
    a ranking. Listed as ``pool_under_review``. Own random stream."""
    rng = random.Random(gen.seed * 1_000 + 800 + district.index)
    planted_before = set(gen.planted["pool_declining"]) | set(gen.planted["pool_over_age"])
    supervised = {row["cadre_id"] for row in gen.tables["supervision"]}
    entered = {
        row["cadre_id"]: row["start"]
        for row in gen.tables["pool_membership"]
        if row["end"] is None and row["cadre_id"] in district.pool_ids
    }
    settled = sorted(
        cadre_id
        for cadre_id, start in entered.items()
        if cadre_id not in planted_before
        and cadre_id not in supervised
        and start <= add_months(AS_OF, -8)
    )
    for cadre_id, kind, ago in zip(
        rng.sample(settled, min(len(settled), 2)), ("诫勉", "提醒谈话"), (2, 5), strict=False
    ):
        when = add_months(AS_OF, -ago)
        gen.tables["supervision"].append(
            {
                "id": gen.record_id(),
                "cadre_id": cadre_id,
                "kind": kind,
                "date": when,
                "effect_months": None,
                "note": "(合成数据)",
            }
        )
        gen.planted["pool_under_review"].append(
            {"cadre_id": cadre_id, "kind": kind, "date": when.isoformat()}
        )
        if kind == "诫勉":
            gen.planted["sanctioned"].append(
                {"cadre_id": cadre_id, "kind": kind, "date": when.isoformat()}
            )
