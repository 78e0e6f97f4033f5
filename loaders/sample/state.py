"""The state one sample is generated into: the tables, the planted facts, id counters and
one random stream. The steps (``district``, ``planted``, ``mentoring``) write into it; the
generator (``generator``) makes it and runs them in order."""

from __future__ import annotations

import random
from collections import defaultdict
from typing import Any

from loaders.sample.names import SPECIALTIES
from loaders.sample.records import Post

__all__ = ["SampleState"]


class SampleState:
    """Shared state of one sample: tables, planted facts, id counters, one random stream."""

    def __init__(self, cadres: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.cadres = cadres
        self.seed = seed
        self.tables: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.planted: dict[str, list[Any]] = defaultdict(list)
        self.place_names: set[str] = set()
        self.district_names: set[str] = set()
        self.posts: list[Post] = []
        self.post_name: dict[str, str] = {}
        self.post_level: dict[str, str] = {}
        self.cadre_rows: dict[str, dict[str, Any]] = {}
        self.behind_on_training: set[str] = set()
        self._counters: dict[str, int] = defaultdict(int)
        self.specialty_ids: dict[str, str] = {}
        self._specialties_by_category: dict[str, list[tuple[str, str]]] = defaultdict(list)

    def _next(self, prefix: str, width: int) -> str:
        self._counters[prefix] += 1
        return f"{prefix}{self._counters[prefix]:0{width}d}"

    def unit_id(self) -> str:
        return self._next("U", 5)

    def post_id(self) -> str:
        return self._next("P", 6)

    def cadre_id(self) -> str:
        return self._next("C", 6)

    def mentor_id(self) -> str:
        return self._next("M", 5)

    def project_id(self) -> str:
        return self._next("J", 5)

    def training_id(self) -> str:
        return self._next("T", 5)

    def assessment_id(self) -> str:
        return self._next("A", 7)

    def record_id(self) -> str:
        return self._next("R", 5)

    def specialty_for(self, category: str | None, rng: random.Random) -> tuple[str, str]:
        """(name, id) of a specialty, from ``category`` most of the time."""
        if category and category in self._specialties_by_category and rng.random() < 0.7:
            return rng.choice(self._specialties_by_category[category])
        name, _category, _scarce = rng.choice(SPECIALTIES)
        return name, self.specialty_ids[name]
