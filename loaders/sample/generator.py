"""The generator: id counters, specialties, and the order in which districts are built and
facts planted. The order is part of the output: every step draws from one random stream."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from loaders.sample.catalogue import AS_OF, DISTRICT_CADRES
from loaders.sample.district import District
from loaders.sample.forms import photo_rows, proposal_rows
from loaders.sample.mentoring import build_mentoring
from loaders.sample.names import SPECIALTIES
from loaders.sample.planted import (
    build_kinship,
    build_pool,
    build_supervision,
    plant_quiet_performers,
    plant_regional_avoidance,
    plant_training_laggards,
)
from loaders.sample.records import Post, Sample

__all__ = ["Generator", "generate_sample"]


class Generator:
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

    def run(self, on_progress: Callable[[str, int, int], None] | None) -> Sample:
        for number, (name, category, scarce) in enumerate(SPECIALTIES, start=1):
            specialty_id = f"S{number:03d}"
            self.specialty_ids[name] = specialty_id
            self._specialties_by_category[category].append((name, specialty_id))
            self.tables["specialties"].append(
                {"id": specialty_id, "name": name, "category": category, "scarce": scarce}
            )
        n_districts = max(1, round(self.cadres / DISTRICT_CADRES))
        root = None
        if n_districts > 1:
            root = self.unit_id()
            self.tables["units"].append(
                {"id": root, "name": "示范省", "kind": "省", "parent_id": None, "remote": False}
            )
        sizes = [self.cadres // n_districts] * n_districts
        sizes[0] += self.cadres - sum(sizes)
        for index, size in enumerate(sizes):
            district = District(self, index, size, root)
            district.build_units()
            district.build_posts()
            district.build_people()
            district.build_careers()
            district.build_requirements()
            district.build_rotations()
            district.build_projects()
            plant_training_laggards(self, district)
            district.build_trainings()
            district.build_assessments()
            build_pool(self, district)
            build_mentoring(self, district)
            build_supervision(self, district)
            build_kinship(self, district)
            plant_regional_avoidance(self, district)
            plant_quiet_performers(self, district)
            if on_progress is not None:
                on_progress("generate", sum(sizes[: index + 1]), self.cadres)
        self._emit_posts()
        # What forms add (after the random stream is done: the rest stays byte for byte).
        self.tables["proposals"] = proposal_rows(self.tables)
        self.tables["photos"] = photo_rows(self.tables)
        manifest = {
            "seed": self.seed,
            "cadres": self.cadres,
            "districts": n_districts,
            "as_of": AS_OF.isoformat(),
            "rows": {name: len(rows) for name, rows in sorted(self.tables.items())},
            "planted": {key: value for key, value in sorted(self.planted.items())},
        }
        return Sample(dict(self.tables), manifest)

    def _emit_posts(self) -> None:
        for post in self.posts:
            self.tables["posts"].append(
                {
                    "id": post.id,
                    "name": post.name,
                    "unit_id": post.unit_id,
                    "level": post.level,
                    "leadership": post.leadership,
                    "team_member": post.team_member,
                    "principal": post.principal,
                    "function": post.function,
                    "role": post.role,
                }
            )
        self.posts = []


def generate_sample(
    *,
    cadres: int = DISTRICT_CADRES,
    seed: int = 7,
    on_progress: Callable[[str, int, int], None] | None = None,
) -> Sample:
    """Generate a synthetic district (or province, past 4,500 cadres).

    Parameters
    ----------
    cadres : int
        How many cadres, at least 50.
    seed : int
        The same seed gives the same sample, byte for byte.
    on_progress : callable, optional
        Called as ``(what, done, total)`` after each district.
    """
    if cadres < 50:
        raise ValueError(f"示例数据至少需要50名干部，这里要求的是{cadres}名")
    return Generator(cadres, seed).run(on_progress)
