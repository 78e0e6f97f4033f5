"""Read models that follow writes: patched after each kind of write, they answer exactly as
ones read whole from the store after it, on both stores.

Each test loads the small sample into a store, reads every read model, then makes a
sequence of writes as the service makes them (through the loader's validation: an annual
grade, quarterly stars, a mentor pairing, records of each table a cadre's rows come from,
a file load), and after each one brings the read models forward by their patch from the
store's change log, reads them whole again, and compares what they answer. A write that a
model cannot patch (a new cadre, a changed post) must say so (no patch), never answer wrong.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from graphsvc.changes import ChangeSet, Patched
from graphsvc.stores import GraphStore, open_store
from graphsvc.vocab import Level
from loaders.load import LoadFailed, load_paths, load_records
from queries.analyses import ANALYSES
from queries.development.data import DevelopmentData
from queries.directory import Directory
from queries.selection.candidates import SelectionContext, rank_in_context
from queries.selection.follow import Ranking, followed_candidates, patched_context
from queries.selection.policy import load_policy
from queries.selection.round import run_round
from queries.selection.scores import PER_CADRE

DAY = date(2026, 11, 1)
POLICY = load_policy()


def _rows(folder: Path, table: str) -> list[dict[str, str]]:
    with open(folder / f"{table}.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@dataclass
class Model:
    """A read model under test: how it is read whole, patched, and what it answers."""

    read: Callable[[GraphStore], Any]
    patch: Callable[[Any, GraphStore, ChangeSet], Patched | None]
    answers: Callable[[Any], Any]


def directory_answers(directory: Directory) -> dict[str, Any]:
    everyone = directory.search_cadres(limit=10**6)
    sample = [c["id"] for c in everyone[0][:: max(1, len(everyone[0]) // 40)]]
    units = sorted({c["unit_id"] for c in everyone[0] if c["unit_id"]})[:12]
    specialties = sorted({s for c in everyone[0] for s in c["specialty_ids"]})[:8]
    levels = sorted({str(c.get("level")) for c in everyone[0]})
    queries: list[dict[str, Any]] = [
        *({"name": char} for char in "王李张刘陈杨赵黄周吴孙甄新"),
        *({"level": level} for level in levels),
        *({"unit_id": unit} for unit in units),
        *({"specialty_id": s} for s in specialties),
        {"in_pool": True},
        {"in_pool": False},
        {"min_age": 28, "max_age": 35},
        {"status": "在职"},
        {"status": "退休"},
        {"channel": "选调生", "gender": "女"},
        {"name": "王", "max_age": 40, "level": "副科"},
    ]
    return {
        "everyone": everyone,
        "some": sample,
        "searches": [directory.search_cadres(limit=10**6, **q) for q in queries],
        "posts": directory.search_posts(limit=10**6),
        "vacant": directory.search_posts(vacant=True, limit=10**6),
        "posts by unit": [directory.search_posts(unit_id=u, limit=10**6) for u in units],
    }


def development_answers(data: DevelopmentData) -> dict[str, Any]:
    found = {  # an analysis asked about one thing at a time: its batch (every pool member's path)
        name: analysis.batch(data) if analysis.batch is not None else analysis.compute(data)
        for name, analysis in ANALYSES.items()
        if analysis.reads == "development"
    }
    ids = sorted(data.records)
    found["unit_of"] = [data.unit_of(c) for c in ids]
    found["member_facts"] = data.member_facts(ids)
    found["in_pool"] = sorted(data.pool_members())
    found["records"] = {c: data.records[c] for c in ids}  # every part, in order
    found["holders"] = data.context.holders
    found["scopes"] = data.context.scopes.cadre_units
    return found


def _ranked_posts(context: SelectionContext) -> list[str]:
    leadership = sorted(p for p, post in context.posts.items() if post.get("leadership"))
    return sorted({*leadership[::4], *context.vacancies()})


def selection_answers(context: SelectionContext) -> dict[str, Any]:
    return {
        "candidates": {p: rank_in_context(context, p, limit=None) for p in _ranked_posts(context)},
        "round": run_round(context=context),
        "records": {c: context.records[c] for c in sorted(context.records)},
        "holders": context.holders,
        "scopes": context.scopes.cadre_units,
        "names": context.names(sorted(context.records)),
    }


MODELS: dict[str, Model] = {
    "directory": Model(
        read=lambda store: Directory.load(store, as_of=DAY),
        patch=lambda model, store, changes: model.patched(store, changes),
        answers=directory_answers,
    ),
    "development": Model(
        read=lambda store: DevelopmentData.load(store, policy=POLICY, as_of=DAY),
        patch=lambda model, store, changes: model.patched(store, changes),
        answers=development_answers,
    ),
    "selection": Model(
        read=lambda store: SelectionContext.load(store, policy=POLICY, as_of=DAY),
        patch=lambda model, store, changes: patched_context(model, store, changes),
        answers=selection_answers,
    ),
}
ACTIVE_ROWS = ("development", "selection")  # models with a row per active cadre


@dataclass
class Write:
    """One write as the service makes it, and which models cannot patch it (read whole)."""

    name: str
    run: Callable[[GraphStore, Path], None]
    not_patched: frozenset[str] = frozenset()


def _cadre_row(folder: Path, cadre_id: str, **changes: str) -> dict[str, str]:
    row = next(r for r in _rows(folder, "cadres") if r["干部编号"] == cadre_id)
    return {**row, **changes}


def _some_cadres(folder: Path) -> list[str]:
    """Active cadres of the sample with a current post, a few of each level."""
    return [r["干部编号"] for r in _rows(folder, "cadres") if r["状态"] == "在职"]


def _write_file(folder: Path, name: str, rows: list[dict[str, str]]) -> Path:
    path = folder / name
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def writes(sample: Path, scratch: Path) -> list[Write]:
    cadres = _some_cadres(sample)
    first, second, third, fourth = cadres[10], cadres[60], cadres[120], cadres[200]
    kin = next(r["亲属干部编号"] for r in _rows(sample, "kinship") if r["亲属干部编号"] in cadres)
    posts = _rows(sample, "posts")
    vacant_post = posts[-1]["岗位编号"]
    mentors = _rows(sample, "mentors")
    pools = _rows(sample, "pools")
    specialties = _rows(sample, "specialties")

    def records(table: str, rows: list[dict[str, Any]]) -> Callable[[GraphStore, Path], None]:
        def run(store: GraphStore, _folder: Path) -> None:
            try:
                _check(load_records(store, table, rows, source=table))
            except LoadFailed as failure:
                raise AssertionError([str(issue) for issue in failure.issues]) from None

        return run

    return [
        Write(
            "an annual grade (年度定档)",
            records(
                "assessments",
                [{"考核编号": "A-T-1", "干部编号": first, "年度": 2026, "等次": "基本称职"}],
            ),
        ),
        Write(
            "quarterly stars (季度评星)",
            records(
                "assessments",
                [
                    {"考核编号": "A-T-2", "干部编号": second, "年度": 2026, "季度": 3, "星级": 5},
                    {"考核编号": "A-T-3", "干部编号": first, "年度": 2026, "季度": 3, "星级": 1},
                ],
            ),
        ),
        Write(
            "a mentor pairing (导师结对)",
            records(
                "mentoring",
                [{"导师编号": mentors[0]["导师编号"], "干部编号": third, "开始时间": "2026.10.01"}],
            ),
        ),
        Write(
            "a cadre's record: renamed, promoted, older",
            records(
                "cadres",
                [
                    _cadre_row(
                        sample,
                        second,
                        姓名="甄新来",
                        职务层次="正科",
                        出生年月="1979.04",
                        身份证号="",
                    )
                ],
            ),
        ),
        Write(
            "a post taken now, another left (任免)",
            records(
                "post_history",
                [{"干部编号": third, "岗位编号": vacant_post, "任职时间": "2026.09.01"}],
            ),
        ),
        Write(
            "a specialty and a pool stay",
            records(
                "cadre_specialties",
                [{"干部编号": fourth, "专业编号": specialties[-1]["专业编号"]}],
            ),
        ),
        Write(
            "pool entry and exit",
            records(
                "pool_membership",
                [
                    {"干部编号": fourth, "库编号": pools[0]["库编号"], "入库时间": "2026.06.01"},
                    {
                        "干部编号": first,
                        "库编号": pools[0]["库编号"],
                        "入库时间": "2025.01.01",
                        "出库时间": "2026.05.01",
                        "出库原因": "考核等次下降",
                    },
                ],
            ),
        ),
        Write(
            "a file load: a few cadres' rows, most unchanged",
            lambda store, _folder: _check(
                load_paths(
                    store,
                    [
                        _write_file(
                            scratch,
                            "cadres.csv",
                            [_cadre_row(sample, c) for c in cadres[300:330]]
                            + [_cadre_row(sample, fourth, 全日制学历="研究生", 职级="四级调研员")],
                        )
                    ],
                )
            ),
        ),
        Write(
            "a relative's post, shown in the other's record",
            records(
                "post_history",
                [{"干部编号": kin, "岗位编号": posts[3]["岗位编号"], "任职时间": "2026.08.01"}],
            ),
        ),
        Write(
            "a cadre leaves (调出: no patch of the active cadres' rows)",
            records("cadres", [_cadre_row(sample, first, 状态="调出")]),
            not_patched=frozenset(ACTIVE_ROWS),
        ),
        Write(
            "a new cadre (every row after it moves: the directory's lists made again)",
            records(
                "cadres",
                [
                    {
                        **_cadre_row(sample, fourth),
                        "干部编号": "C9999999",
                        "姓名": "甄后来",
                        "身份证号": "",
                    }
                ],
            ),
            not_patched=frozenset(ACTIVE_ROWS),
        ),
        Write(
            "a post renamed (no patch)",
            records("posts", [{**posts[0], "岗位名称": posts[0]["岗位名称"] + "（新）"}]),
            not_patched=frozenset(MODELS),
        ),
    ]


def _check(outcome: Any) -> None:
    assert outcome.summary.changed, "the write changed nothing: the test would prove nothing"


@pytest.fixture
def loaded(store_url: str, small_sample_dir: Path) -> Iterator[GraphStore]:
    with open_store(store_url) as store:
        load_paths(store, [small_sample_dir])
        yield store


def test_patched_read_models_answer_as_read_whole_after_each_write(
    loaded: GraphStore, small_sample_dir: Path, tmp_path: Path
) -> None:
    store = loaded
    models = {name: model.read(store) for name, model in MODELS.items()}
    answers = {name: MODELS[name].answers(model) for name, model in models.items()}
    patched_counts = dict.fromkeys(MODELS, 0)
    kept = merged = 0
    for write in writes(small_sample_dir, tmp_path):
        before = store.version()
        write.run(store, small_sample_dir)
        changes = store.changes_since(before)
        assert changes is not None, write.name
        for name, model in MODELS.items():
            moved = model.patch(models[name], store, changes)
            whole = model.read(store)
            if name in write.not_patched:
                assert moved is None, f"{name} patched {write.name}, which it cannot follow"
                models[name], answers[name] = whole, model.answers(whole)
                continue
            assert moved is not None, f"{name} could not patch {write.name}"
            found = model.answers(moved.value)
            assert found == model.answers(whole), (name, write.name)
            if name == "selection":  # each post's candidates, followed, as ranked anew
                for post_id, ranked in answers[name]["candidates"].items():
                    old, new, ranking = models[name], moved.value, Ranking(ranked)
                    followed = followed_candidates(ranking, old, new, moved.changed, post_id)
                    if followed is not None:
                        assert followed.answer(None) == found["candidates"][post_id], (
                            post_id,
                            write.name,
                        )
                        kept += followed is ranking
                        merged += followed is not ranking
            patched_counts[name] += moved.value is not models[name]
            models[name], answers[name] = moved.value, found
    # Every model was really patched by most writes (not handed back unchanged each time).
    assert all(count >= 5 for count in patched_counts.values()), patched_counts
    # Some posts' candidates were said unchanged (and were), others merged (and were right).
    assert kept > 0 and merged > 0, (kept, merged)


def test_the_directory_read_from_the_snapshot_equals_the_one_read_row_by_row(
    loaded: GraphStore,
) -> None:
    from_snapshot = Directory.load(loaded, as_of=DAY)
    row_by_row = Directory.load(loaded, as_of=DAY, source="store")
    assert directory_answers(from_snapshot) == directory_answers(row_by_row)
    assert from_snapshot.holders == row_by_row.holders
    assert from_snapshot.unit_of == row_by_row.unit_of
    assert from_snapshot.cadres == row_by_row.cadres and from_snapshot.pool == row_by_row.pool


def test_a_context_shared_by_selection_and_development_stays_shared_when_patched(
    loaded: GraphStore, small_sample_dir: Path
) -> None:
    context = SelectionContext.load(loaded, policy=POLICY, as_of=DAY)
    data = DevelopmentData.load(loaded, policy=POLICY, as_of=DAY, context=context)
    cadre = _some_cadres(small_sample_dir)[5]
    before = loaded.version()
    load_records(
        loaded,
        "assessments",
        [{"考核编号": "A-T-9", "干部编号": cadre, "年度": 2026, "季度": 2, "星级": 3}],
        source="assessments",
    )
    changes = loaded.changes_since(before)
    assert changes is not None
    moved = patched_context(context, loaded, changes)
    followed = data.patched(loaded, changes)
    assert moved is not None and followed is not None
    assert followed.value.context is moved.value  # one context, patched once
    assert sorted(moved.value.records[cadre].stars) == sorted([*context.records[cadre].stars, 3])


def test_a_read_model_first_asked_after_writes_is_patched_forward_not_read_anew(
    loaded: GraphStore, small_sample_dir: Path
) -> None:
    """Another day's read models, first asked for after writes: read from the snapshot the
    service holds and patched from the change log (no snapshot of the new version is made),
    they answer as read at the new version."""
    from api import models
    from api.cache import AnalysisCache, reading
    from graphsvc.snapshot import snapshot_root

    cache = AnalysisCache()
    models.selection(cache, loaded, POLICY, DAY)
    models.directory(cache, loaded, DAY)
    first = sorted(p.name for p in snapshot_root(loaded).iterdir() if p.name.startswith("v"))
    for write in writes(small_sample_dir, small_sample_dir.parent)[:3]:
        write.run(loaded, small_sample_dir)
    other = date(2026, 6, 30)
    with reading(fresh=True):
        context = models.selection(cache, loaded, POLICY, other)
        directory = models.directory(cache, loaded, other)
    made = sorted(p.name for p in snapshot_root(loaded).iterdir() if p.name.startswith("v"))
    assert made == first, "a new snapshot was built for the new version"
    assert selection_answers(context) == selection_answers(
        SelectionContext.load(loaded, policy=POLICY, as_of=other)
    )
    assert directory_answers(directory) == directory_answers(
        Directory.load(loaded, as_of=other, source="store")
    )


def test_a_candidate_merged_back_lands_where_the_ranking_puts_it(loaded: GraphStore) -> None:
    """Shown scores are rounded and often tie: each candidate taken out of a post's ranking
    and merged back lands in its place (exact scores decide the ties)."""
    from queries.selection.follow import _merged

    context = SelectionContext.load(loaded, policy=POLICY, as_of=DAY)
    post_id = max(context.vacancies(), key=lambda p: rank_in_context(context, p)["eligible"])
    ranked = rank_in_context(context, post_id, limit=None)["candidates"]
    shown = [row["score"] for row in ranked]
    assert len(set(shown)) < len(shown)  # there are ties to decide
    exact: dict[str, float] = {}
    for place, row in enumerate(ranked):
        rest = ranked[:place] + ranked[place + 1 :]
        assert _merged(rest, [row], exact, context, post_id) == ranked, row["cadre_id"]


def _patched_after_each_write(
    store: GraphStore, context: SelectionContext, sample: Path, scratch: Path
) -> Iterator[tuple[Write, Patched]]:
    """Each write a selection context can follow, made, and the context patched after it
    (each patch from the one before)."""
    for write in writes(sample, scratch):
        if "selection" in write.not_patched:
            continue
        before = store.version()
        write.run(store, sample)
        changes = store.changes_since(before)
        assert changes is not None
        moved = patched_context(context, store, changes)
        assert moved is not None, write.name
        yield write, moved
        context = moved.value


def test_candidates_follow_several_writes_at_once(
    loaded: GraphStore, small_sample_dir: Path, tmp_path: Path
) -> None:
    """A post's candidates not asked for during several writes follow them all at once:
    the rows of every cadre any of them touched ranked again in the last context."""
    first = SelectionContext.load(loaded, policy=POLICY, as_of=DAY)
    # Half the posts ranked explained, half as the service ranks them (explained when shown).
    rankings = {
        p: Ranking(rank_in_context(first, p, limit=None))
        if n % 2
        else Ranking(rank_in_context(first, p, limit=None, explained=0), context=first)
        for n, p in enumerate(_ranked_posts(first))
    }
    context, changed = first, set()
    for _, moved in _patched_after_each_write(loaded, first, small_sample_dir, tmp_path):
        context, changed = moved.value, changed | moved.changed
    whole = SelectionContext.load(loaded, policy=POLICY, as_of=DAY)
    followed = 0
    for post_id, ranking in rankings.items():
        found = followed_candidates(ranking, first, context, changed, post_id)
        if found is not None:
            every = rank_in_context(whole, post_id, limit=None)
            # The first few excluded said (the rest left unsaid until asked), then all.
            assert found.answer(3, 5) == {
                **rank_in_context(whole, post_id, limit=3),
                "excluded": every["excluded"][:5],
            }, post_id
            assert found.answer(3)["excluded_total"] == len(every["excluded"]), post_id
            assert found.answer(None) == every, post_id
            followed += 1
    assert followed > 0


def _figures(context: SelectionContext) -> dict[str, Any]:
    """What the rules and scores read of every cadre, as plain values to compare: the
    cadre columns, the facts, the score arrays and the sums over each history table."""
    import numpy as np

    facts, arrays = context.facts, context.arrays
    histories, cadres = facts.histories, facts.cadres
    units = histories.current_units()
    figures: dict[str, Any] = {
        f"cadres.{name}": getattr(cadres, name).tolist() for name in vars(cadres)
    }
    for name in ("education", "in_pool", "pool_since", "pool_max_age"):
        figures[f"facts.{name}"] = np.nan_to_num(getattr(facts, name)).tolist()
    figures["grades"] = [facts.grades_of(row) for row in range(len(facts))]
    figures["stars"] = [facts.stars_of(row) for row in range(len(facts))]
    figures["supervision"] = facts.supervision
    for name in PER_CADRE:
        figures[f"arrays.{name}"] = getattr(arrays, name).tolist()
    figures["match"] = arrays.match.toarray().tolist()
    figures["categories"] = {k: v.tolist() for k, v in arrays.categories.items()}
    figures["similar"] = {k: v.tolist() for k, v in arrays.similar.items()}
    figures["current units"] = sorted(
        zip(units[0].tolist(), [histories.unit_ids[u] for u in units[1].tolist()], strict=True)
    )
    figures["posts at 副科"] = histories.leadership_posts_at(Level.DEPUTY_SECTION).tolist()
    figures["courses"] = [c.tolist() for c in histories.course_sums(histories.course_hours >= 0)]
    figures["stints"] = sorted(
        zip(histories.stint_cadre.tolist(), histories.stint_start.astype(str).tolist(), strict=True)
    )
    return figures


def test_a_patch_splices_the_rows_of_the_cadres_written_into_the_columns(
    loaded: GraphStore, small_sample_dir: Path, tmp_path: Path
) -> None:
    """After each write a context can follow, its columns, facts and score arrays are the old
    ones with the written cadres' rows replaced (not every row made again from the records),
    and they equal, figure by figure, those of a context read whole after the write."""
    context = SelectionContext.load(loaded, policy=POLICY, as_of=DAY)
    context.arrays  # noqa: B018  (built, as a question would build them)
    spliced = 0
    for write, moved in _patched_after_each_write(loaded, context, small_sample_dir, tmp_path):
        if moved.value is not context:
            assert moved.value._arrays is not None, f"{write.name}: nothing spliced"
            spliced += 1
        whole = SelectionContext.load(loaded, policy=POLICY, as_of=DAY)
        assert _figures(moved.value) == _figures(whole), write.name
        context = moved.value
    assert spliced >= 5
