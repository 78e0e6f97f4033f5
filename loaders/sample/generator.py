"""The generator: id counters, specialties, and the order in which districts are built and
facts planted. The order is part of the output: every step draws from one random stream."""

from __future__ import annotations

from collections.abc import Callable

from loaders.sample.catalogue import AS_OF, DISTRICT_CADRES
from loaders.sample.district import District
from loaders.sample.forms import photo_rows, proposal_rows
from loaders.sample.mentoring import build_mentoring
from loaders.sample.names import SPECIALTIES
from loaders.sample.path_cases import plant_path_cases
from loaders.sample.planted import (
    build_kinship,
    build_pool,
    build_supervision,
    note_high_rank_staff,
    plant_pool_reviews,
    plant_quiet_performers,
    plant_regional_avoidance,
    plant_retirement,
    plant_training_laggards,
)
from loaders.sample.records import Sample
from loaders.sample.state import SampleState

__all__ = ["Generator", "generate_sample"]


class Generator(SampleState):
    """One sample's generation: the state, and the order of the steps."""

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
            plant_retirement(self, district)
            district.note_retiring()
            district.build_careers()
            note_high_rank_staff(self, district)
            district.build_requirements()
            district.build_rotations()
            district.build_projects()
            plant_training_laggards(self, district)
            district.build_trainings()
            district.build_assessments()
            build_pool(self, district)
            build_mentoring(self, district)
            build_supervision(self, district)
            plant_pool_reviews(self, district)
            build_kinship(self, district)
            plant_regional_avoidance(self, district)
            plant_quiet_performers(self, district)
            plant_path_cases(self, district)
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
