"""The nine-box grid (九宫格): performance from assessments × potential from development.

Both axes are the selection score's own parts (see ``queries.selection.ranking``),
so the grid and the candidate ranking never disagree: **performance** is the
last three annual grades and the quarterly stars, **potential** the
development part (pool membership, training hours in the last year). Each axis
is cut into low, middle and high at fixed thresholds.
"""

from __future__ import annotations

from typing import Any

from queries.development.data import DevelopmentData
from queries.selection.ranking import TeamGaps, score_candidate

__all__ = ["LEVELS", "PERFORMANCE_CUTS", "POTENTIAL_CUTS", "nine_box"]

LEVELS = ("低", "中", "高")
PERFORMANCE_CUTS = (0.6, 0.75)  # below 0.6 low (mostly 称职 or worse), 0.75 and up high
POTENTIAL_CUTS = (1 / 3, 2 / 3)  # thirds of the development part

# A team that lacks nothing: the team-fit part does not matter for the grid.
_NO_TEAM = TeamGaps("", 0, 0.0, True, frozenset(), frozenset())


def _band(value: float, cuts: tuple[float, float]) -> int:
    return 0 if value < cuts[0] else 1 if value < cuts[1] else 2


def nine_box(*, data: DevelopmentData, unit_id: str | None = None) -> dict[str, Any]:
    """Place the pool (``unit_id`` None) or a unit's cadres (with its sub-units) on the grid.

    Parameters
    ----------
    data
        The development data, read once.
    unit_id
        A unit: its active cadres by current post, sub-units included; ``None``
        for the members of the young-cadre pool.

    Returns
    -------
    dict
        ``scope``, ``people`` (id, name, unit, age, performance, potential, box)
        and ``boxes``: for each (performance band, potential band) the people
        in it, best first. Bands index :data:`LEVELS`.
    """
    if unit_id is None:
        chosen = sorted(data.pool_members() & data.records.keys())
        scope = "优秀年轻干部库"
    else:
        chosen = sorted(
            cadre_id
            for cadre_id in data.records
            if (unit := data.unit_of(cadre_id))
            and (unit == unit_id or unit_id in data.units.ancestors(unit))
        )
        scope = data.units.name(unit_id)
    people: list[dict[str, Any]] = []
    for cadre_id in chosen:
        record = data.records[cadre_id]
        _, parts, _ = score_candidate(
            record,
            {},
            requirements={},
            specialty_names={},
            category_of={},
            team=_NO_TEAM,
            units=data.units,
            policy=data.policy,
            as_of=data.as_of,
        )
        performance, potential = parts["performance"], parts["development"]
        age = data.age(cadre_id)
        people.append(
            {
                "cadre_id": cadre_id,
                "name": data.name(cadre_id),
                "unit_name": data.units.name(data.unit_of(cadre_id)),
                "age": round(age, 1) if age is not None else None,
                "performance": round(performance, 3),
                "potential": round(potential, 3),
                "box": [_band(performance, PERFORMANCE_CUTS), _band(potential, POTENTIAL_CUTS)],
            }
        )
    boxes = [
        {
            "performance": p,
            "potential": q,
            "label": f"业绩{LEVELS[p]}·潜力{LEVELS[q]}",
            "people": sorted(
                (person for person in people if person["box"] == [p, q]),
                key=lambda person: (-person["performance"] - person["potential"], person["name"]),
            ),
        }
        for p in range(3)
        for q in range(3)
    ]
    return {"as_of": data.as_of.isoformat(), "scope": scope, "people": people, "boxes": boxes}
