"""The nine-box grid (九宫格): performance from assessments × potential from evidence.

**Performance** is the selection score's own part (the last three annual grades and the
quarterly stars, :mod:`queries.selection.scores`), so the grid and the candidate
ranking never disagree. **Potential** is read from evidence, never from pool
membership; its four parts, each 0..1, weigh equally:

- **trajectory**: grades and stars over time: the latest graded year against the
  earlier ones of the last three, the latest quarter's stars against the first
  (0.5 when flat or unknown, 1 when rising from the bottom to the top);
- **tasks**: weighted major tasks (lead 1, core 0.7, member 0.4, by result) against
  ``scoring.experience.major_tasks_full``;
- **age at level**: younger than is typical at the level the cadre stands at
  (``ninebox.reference_ages``): 1 at half ``ninebox.age_span`` below it, 0 at half above;
- **training**: last year's hours against ``scoring.development.training_hours_target``.

Each axis is cut into low, middle and high at fixed thresholds.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from graphsvc.vocab import GRADE_VALUE
from queries.development.data import DevelopmentData

__all__ = ["LEVELS", "PERFORMANCE_CUTS", "POTENTIAL_CUTS", "nine_box", "potential_parts"]

LEVELS = ("低", "中", "高")
PERFORMANCE_CUTS = (0.6, 0.75)  # below 0.6 low (mostly 称职 or worse), 0.75 and up high
POTENTIAL_CUTS = (1 / 3, 2 / 3)  # thirds of the potential

Floats = NDArray[np.float64]


def _band(value: float, cuts: tuple[float, float]) -> int:
    return 0 if value < cuts[0] else 1 if value < cuts[1] else 2


def _trend(values: list[float]) -> float | None:
    """The latest against the mean of the ones before, as a change of at most ±1."""
    if len(values) < 2:
        return None
    return values[-1] - sum(values[:-1]) / (len(values) - 1)


def potential_parts(data: DevelopmentData, cadre_id: str) -> dict[str, float]:
    """The four parts of a cadre's potential (see the module)."""
    context = data.context
    arrays, facts = context.arrays, context.facts
    row = facts.index[cadre_id]
    policy = data.policy
    grades = facts.grades_of(row)
    years = sorted(y for y in grades if y < data.as_of.year and grades[y] in GRADE_VALUE)[-3:]
    grade_trend = _trend([GRADE_VALUE[grades[y]] for y in years])
    stars = facts.stars_of(row)
    star_trend = _trend([s / 5 for s in (stars[0], stars[-1])]) if len(stars) > 1 else None
    trends = [t for t in (grade_trend, star_trend) if t is not None]
    trajectory = 0.5 + 0.5 * sum(trends) / len(trends) if trends else 0.5
    reference = policy.ninebox.reference_ages.get(str(arrays.levels[row]), 40.0)
    span = policy.ninebox.age_span
    age_at_level = (reference + span / 2 - float(arrays.age[row])) / span
    target = policy.scoring.development.training_hours_target
    return {
        "trajectory": float(np.clip(trajectory, 0, 1)),
        "tasks": min(float(arrays.tasks[row]) / policy.scoring.experience.major_tasks_full, 1.0),
        "age_at_level": float(np.clip(age_at_level, 0, 1)),
        "training": min(float(arrays.hours[row]) / target, 1.0),
    }


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
        ``scope``, ``people`` (id, name, unit, age, performance, potential, its parts,
        box) and ``boxes``: for each (performance band, potential band) the people in
        it, best first. Bands index :data:`LEVELS`.
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
    arrays = data.context.arrays
    people: list[dict[str, Any]] = []
    for cadre_id in chosen:
        performance = float(arrays.performance[arrays.index[cadre_id]])
        parts = potential_parts(data, cadre_id)
        potential = sum(parts.values()) / len(parts)
        age = data.age(cadre_id)
        people.append(
            {
                "cadre_id": cadre_id,
                "name": data.name(cadre_id),
                "unit_name": data.units.name(data.unit_of(cadre_id)),
                "age": round(age, 1) if age is not None else None,
                "performance": round(performance, 3),
                "potential": round(potential, 3),
                "potential_parts": {k: round(v, 3) for k, v in parts.items()},
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
