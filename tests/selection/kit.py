"""Hand-built cadres and posts for the rule tests: a small unit tree, a cadre with the
usual fields, posts of any level, and a selection context over them."""

from __future__ import annotations

from datetime import date
from typing import Any

from queries.selection.candidates import SelectionContext
from queries.selection.policy import SelectionPolicy, load_policy
from queries.selection.records import CadreRecord, Tenure, UnitIndex
from queries.selection.rules import Verdict

AS_OF = date(2026, 11, 1)
POLICY = load_policy()
# 甲区 with a township (and its village) and a department; 乙区 beside it, in one city.
UNITS = UnitIndex(
    {
        "S": {"id": "S", "name": "示范市", "kind": "市"},
        "D": {"id": "D", "name": "甲区", "kind": "区县", "parent_id": "S"},
        "T": {"id": "T", "name": "乙镇", "kind": "乡镇", "parent_id": "D"},
        "V": {"id": "V", "name": "丙村", "kind": "村", "parent_id": "T"},
        "B": {"id": "B", "name": "区财政局", "kind": "区直部门", "parent_id": "D"},
        "E": {"id": "E", "name": "乙区", "kind": "区县", "parent_id": "S"},
        "F": {"id": "F", "name": "丁镇", "kind": "乡镇", "parent_id": "E"},
    }
)


def cadre(cadre_id: str = "C1", **extra: Any) -> dict[str, Any]:
    """A man born 1988-03, at work since 2010-07, 本科, 副科 since 2021-03."""
    return {
        "id": cadre_id,
        "name": "张三",
        "gender": "男",
        "birth": date(1988, 3, 1),
        "work_start": date(2010, 7, 1),
        "education": "大学本科",
        "level": "副科",
        "level_since": date(2021, 3, 1),
        **extra,
    }


def post(level: str, unit: str = "T", post_id: str = "P9", **extra: Any) -> dict[str, Any]:
    """A leadership team post of ``level`` in ``unit``."""
    return {
        "id": post_id,
        "name": f"{UNITS.name(unit)}{level}职务",
        "unit_id": unit,
        "level": level,
        "leadership": True,
        "team_member": True,
        **extra,
    }


def tenure(
    post_id: str, unit: str, level: str, start: date, end: date | None, **extra: Any
) -> Tenure:
    """A post held: a leadership post unless its level is 科员."""
    return Tenure(
        post_id,
        {"id": post_id, "unit_id": unit, "level": level, "leadership": level != "科员", **extra},
        start,
        end,
    )


def context(
    records: list[CadreRecord],
    posts: list[dict[str, Any]],
    *,
    policy: SelectionPolicy = POLICY,
    as_of: date = AS_OF,
    holders: dict[str, set[str]] | None = None,
) -> SelectionContext:
    """A selection context over hand-built records and posts (no requirements)."""
    for record in records:  # every cadre holds a post in 乙镇 unless told otherwise
        if not record.tenures:
            record.tenures.append(
                tenure(f"X{record.id}", "T", "科员", date(2015, 1, 1), None, leadership=False)
            )
    return SelectionContext(
        posts={p["id"]: p for p in posts},
        records={record.id: record for record in records},
        units=UNITS,
        holders=holders or {},
        requirements={},
        specialty_names={},
        category_of={},
        policy=policy,
        as_of=as_of,
    )


def verdict_of(
    record: CadreRecord, target: dict[str, Any], *, policy: SelectionPolicy = POLICY,
    as_of: date = AS_OF,
) -> Verdict:  # fmt: skip
    """Every line of one hand-built cadre for one post."""
    return context([record], [target], policy=policy, as_of=as_of).verdict(
        record.id, str(target["id"])
    )


def lines(record: CadreRecord, target: dict[str, Any], **kw: Any) -> dict[str, Any]:
    """The lines by rule, and the verdict under ``"_verdict"``."""
    found = verdict_of(record, target, **kw)
    return {r.rule: r for r in found.rules} | {"_verdict": found.status}


def with_policy(**changes: Any) -> SelectionPolicy:
    """The default policy with ``rules.<section>.<setting>`` or top-level changes."""
    data = POLICY.model_dump()
    for path, value in changes.items():
        node = data
        *parents, last = path.split("__")
        for part in parents:
            node = node[part]
        node[last] = value
    return SelectionPolicy.model_validate(data)
