"""Candidates for a post: eligible, conflict-free cadres ranked with reasons.

A :class:`SelectionContext` reads what ranking needs once (every active cadre's
record, units, specialties, post requirements, who holds what), so that one post
or a whole round of posts is ranked without reading the store again. One post's
candidates go the way a round's do (:mod:`queries.selection.vectorized`): the post's
scope, the rule units' masks, the scores, then the lines and reasons of the people
shown; those left out are listed with the lines that bar them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal, cast

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from graphsvc.arrays import distinct_pairs
from graphsvc.dates import completed_years
from graphsvc.rows import EdgeRow
from graphsvc.snapshot import node_dicts, pylist, snapshot_of
from graphsvc.stores.base import GraphStore
from graphsvc.vocab import LEVEL_ORDER, Level
from queries.selection.columns import CadreColumns, Histories, months_between_columns
from queries.selection.heads import governed_area, head_kind
from queries.selection.policy import SelectionPolicy
from queries.selection.ranking import Candidate, TeamGaps
from queries.selection.records import (
    CadreRecord,
    LazyRecords,
    SnapshotGraph,
    UnitIndex,
    date_days,
    day_number,
    read_cadre_records,
    read_units,
)
from queries.selection.results import (
    CandidateRow,
    CandidatesResult,
    ExcludedRow,
    Person,
    ScopeRow,
)
from queries.selection.rules import LEVEL_RULES, CadreFacts, Target, Verdict, verdict
from queries.selection.rules.base import FAIL
from queries.selection.scope import WHOLE_AREA_NAME, ScopeIndex
from queries.selection.scores import CadreArrays, PostScores, score_post, score_reasons
from queries.selection.vectorized import holder_rows, pool_of, ranked_post, without

__all__ = [
    "POOL_REVIEW_FLAG",
    "NotFound",
    "SelectionContext",
    "excluded_rows",
    "explain",
    "is_explained",
    "needed_categories",
    "person",
    "post_team",
    "rank_candidates",
    "rank_in_context",
    "required_categories",
    "unexplained_row",
    "write_back_candidates",
]

POOL_REVIEW_FLAG = "优秀年轻干部库成员，列入出库复核"


class NotFound(LookupError):
    """A cadre or post id that the store does not have."""


@dataclass
class SelectionContext:
    posts: dict[str, dict[str, Any]]
    records: dict[str, CadreRecord]
    units: UnitIndex
    holders: dict[str, set[str]]  # post id → current holders
    requirements: dict[str, dict[str, float]]  # post id → specialty id → weight
    specialty_names: dict[str, str]
    category_of: dict[str, str]
    policy: SelectionPolicy
    as_of: date
    _posts_by_unit: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    _scopes: ScopeIndex | None = field(default=None, repr=False)
    _facts: CadreFacts | None = field(default=None, repr=False)
    _arrays: tuple[CadreFacts, CadreArrays] | None = field(default=None, repr=False)
    _memo: dict[tuple[str, Any], Any] = field(default_factory=dict, repr=False)
    _columns: tuple[date, Histories, CadreColumns] | None = field(default=None, repr=False)
    # The snapshot the context was read from, and the rows of ``sorted(records)`` in it:
    # then columns come from its tables, and no record is built for them.
    graph: SnapshotGraph | None = field(default=None, repr=False)
    rows: NDArray[np.int64] | None = field(default=None, repr=False)

    @property
    def columns(self) -> tuple[Histories, CadreColumns]:
        """Every cadre's histories and properties as columns (rows in ``sorted(records)``
        order; built on first use, from the snapshot's tables when there is one)."""
        if self._columns is None or self._columns[0] != self.as_of:
            if self.graph is not None and self.rows is not None:
                self._columns = (
                    self.as_of,
                    Histories.from_snapshot(self.graph, self.rows, self.units, as_of=self.as_of),
                    CadreColumns.from_snapshot(self.graph.snapshot.nodes("Cadre"), self.rows),
                )
            else:
                ordered = [self.records[cadre_id] for cadre_id in sorted(self.records)]
                self._columns = (
                    self.as_of,
                    Histories.build(ordered, self.units, as_of=self.as_of),
                    CadreColumns.build([record.cadre for record in ordered]),
                )
        return self._columns[1], self._columns[2]

    def prefetch(self, cadre_ids: Collection[str]) -> None:
        """Build the records of ``cadre_ids`` now, in one pass, and only theirs (a round's
        appointees and teams, not their whole districts)."""
        if isinstance(self.records, LazyRecords):
            self.records.prefetch(cadre_ids)

    def avoidance_record(self, cadre_id: str) -> CadreRecord:
        """The cadre's record as avoidance reads it (id, name, hometown, relatives): the
        full record when built, else only those parts, from the snapshot."""
        built = isinstance(self.records, LazyRecords) and dict.__contains__(self.records, cadre_id)
        if self.graph is None or built or not isinstance(self.records, LazyRecords):
            return self.records[cadre_id]
        key = (cadre_id, "avoidance")
        if key not in self._memo:
            self._memo[key] = self.graph.avoidance_records([self.graph.cadre_row[cadre_id]])[0]
        found: CadreRecord = self._memo[key]
        return found

    def names(self, cadre_ids: Sequence[str]) -> list[Any]:
        """Each cadre's name (``None`` when unknown), without building their records."""
        if self.graph is None:
            return [self.records[c].cadre.get("name") for c in cadre_ids]
        names = self.graph.names()
        return [names[self.graph.cadre_row[c]] for c in cadre_ids]

    def young(self, cadre_ids: Sequence[str], young_age: float) -> list[bool]:
        """Whether each cadre is younger than ``young_age`` on the day (unknown birth: no)."""
        birth = self.columns[1].birth
        rows = np.array([self.facts.index[c] for c in cadre_ids], dtype=np.int64)
        days = birth[rows]
        months = months_between_columns(days, self.as_of)
        young: list[bool] = (~np.isnat(days) & (months < young_age * 12)).tolist()
        return young

    @property
    def facts(self) -> CadreFacts:
        """Every cadre's facts as columns, what the rule units judge (built on first use;
        rows in ``sorted(records)`` order; anew when the policy or the day changes)."""
        stale = self._facts is not None and (
            self._facts.policy is not self.policy or self._facts.as_of != self.as_of
        )
        if self._facts is None or stale:
            histories, cadres = self.columns
            self._facts = CadreFacts.build(
                self.records,
                self.units,
                policy=self.policy,
                as_of=self.as_of,
                histories=histories,
                cadres=cadres,
                graph=self.graph,
                rows=self.rows,
                scopes=self.scopes,
                avoidance_record=self.avoidance_record,
            )
        return self._facts

    @property
    def arrays(self) -> CadreArrays:
        """Every cadre's post-independent score figures (built on first use)."""
        facts = self.facts
        if self._arrays is None or self._arrays[0] is not facts:
            self._arrays = (facts, CadreArrays.build(self))
        return self._arrays[1]

    def team(self, post_id: str) -> TeamGaps:
        """What the post's leadership team lacks (remembered)."""
        key = (post_id, self.as_of)
        if key not in self._memo:
            self._memo[key] = post_team(self, post_id)
        found: TeamGaps = self._memo[key]
        return found

    def regional_area(self, post_id: str) -> str | None:
        """For regional avoidance: the area a head post governs, ``None`` when the post is no
        head post (or the policy checks no regional avoidance); remembered."""
        key = (post_id, "area")
        if key not in self._memo:
            post, avoidance = self.posts[post_id], self.policy.avoidance
            head = (
                avoidance.enabled
                and avoidance.regional
                and (head_kind(post, self.units, avoidance) is not None)
            )
            area = governed_area(post.get("unit_id"), self.units, avoidance) if head else None
            self._memo[key] = area
        found: str | None = self._memo[key]
        return found

    def target(self, post_id: str) -> Target:
        return Target.of_post(self.posts[post_id], policy=self.policy, as_of=self.as_of)

    def verdict(self, cadre_id: str, post_id: str) -> Verdict:
        """Every line of a cadre for a post: scope, the level's rules, avoidance."""
        return verdict(self.facts, self.facts.index[cadre_id], self.target(post_id))

    @property
    def scopes(self) -> ScopeIndex:
        """Each post's candidate scope and each scope's cadres (built on first use)."""
        if self._scopes is None:
            self._scopes = ScopeIndex.build(
                records=self.records,
                units=self.units,
                policy=self.policy.scope,
                as_of=self.as_of,
                histories=self.columns[0],
            )
        return self._scopes

    def scope_row(self, post_id: str) -> ScopeRow:
        """Which scope the post's candidates come from, by id and name."""
        scope = self.scopes.of_post(self.posts[post_id])
        return {"scope_id": scope, "scope_name": self.scopes.name(scope)}

    @classmethod
    def load(
        cls,
        store: GraphStore,
        *,
        policy: SelectionPolicy,
        as_of: date,
        source: Literal["snapshot", "store"] = "snapshot",
    ) -> SelectionContext:
        """What ranking reads, from the store's columnar snapshot of its current version.

        Cadre records are built as they are first read (all of them on ``records.items()``),
        so an answer about one scope does not wait for the whole province's.
        ``source="store"`` reads the store row by row instead (the snapshot must equal it).
        """
        if source == "store":
            posts = {post["id"]: post for post in store.iter_nodes("Post")}
            holders: dict[str, set[str]] = defaultdict(set)
            for cadre_id, post_id, props in store.iter_edges("HOLDS"):
                if props["start"] <= as_of and (props.get("end") is None or props["end"] > as_of):
                    holders[post_id].add(cadre_id)
            active = {
                c["id"]
                for c in store.iter_nodes("Cadre", ["status"])
                if c.get("status", "在职") == "在职"
            }
            requirements: dict[str, dict[str, float]] = defaultdict(dict)
            for post_id, specialty_id, props in store.iter_edges("REQUIRES"):
                requirements[post_id][specialty_id] = float(props.get("weight", 1.0))
            specialties = {s["id"]: s for s in store.iter_nodes("Specialty")}
            return cls(
                posts=posts,
                records=read_cadre_records(store, active),
                units=read_units(store),
                holders=holders,
                requirements=requirements,
                **_specialty_fields(specialties),
                policy=policy,
                as_of=as_of,
            )
        graph = SnapshotGraph.of(snapshot_of(store))
        snap = graph.snapshot
        posts = {post["id"]: post for post in graph.posts}
        held = snap.edges("HOLDS")
        starts, _ = date_days(held.column("start"))
        ends, ended = date_days(held.column("end"))
        day = day_number(as_of)
        current = np.flatnonzero((starts <= day) & (~ended | (ends > day)))
        taken = held.select(["src", "dst", "_src", "_dst"]).take(pa.array(current))
        holders = defaultdict(set)
        holder_ids, post_ids = pylist(taken.column("src")), pylist(taken.column("dst"))
        for cadre_id, post_id in zip(holder_ids, post_ids, strict=True):
            holders[post_id].add(cadre_id)
        # The active cadres (no status, or 在职), in id order as the table keeps them.
        status = snap.nodes("Cadre").column("status")
        active_rows = np.flatnonzero(
            np.asarray(pc.fill_null(pc.equal(status, "在职"), True), dtype=bool)
        )
        ids = [graph.cadre_ids[row] for row in active_rows.tolist()]
        requirements = defaultdict(dict)
        needs = snap.edges("REQUIRES")
        for post_id, specialty_id, weight in zip(
            *(pylist(needs.column(name)) for name in ("src", "dst", "weight")), strict=True
        ):
            requirements[post_id][specialty_id] = float(1.0 if weight is None else weight)
        specialties = {s["id"]: s for s in node_dicts(snap.nodes("Specialty"))}
        units = graph.units()
        scopes = _scopes_from_holdings(graph, taken, active_rows, ids, units, policy)

        def build(ids: list[str]) -> dict[str, CadreRecord]:
            return graph.records(graph.rows_of(ids))

        # Records are built a whole area at a time (the top unit below the root a cadre
        # works in, a district in a province): one scope's answer builds its area in one pass.
        area_of = _areas_of(scopes, units)
        return cls(
            posts=posts,
            records=LazyRecords(ids, build, area_of),
            units=units,
            holders=holders,
            requirements=requirements,
            **_specialty_fields(specialties),
            policy=policy,
            as_of=as_of,
            _scopes=scopes,
            graph=graph,
            rows=active_rows.astype(np.int64),
        )

    def posts_in_unit(self, unit_id: str) -> list[dict[str, Any]]:
        if not self._posts_by_unit:
            for post in self.posts.values():
                self._posts_by_unit.setdefault(str(post.get("unit_id") or ""), []).append(post)
        return self._posts_by_unit.get(unit_id, [])

    def vacancies(self) -> list[str]:
        """Leadership posts nobody holds now."""
        return sorted(
            post_id
            for post_id, post in self.posts.items()
            if post.get("leadership") and not self.holders.get(post_id)
        )


def _specialty_fields(specialties: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A context's specialty names and categories, from the Specialty nodes by id."""
    return {
        "specialty_names": {sid: str(s.get("name", sid)) for sid, s in specialties.items()},
        "category_of": {
            sid: str(s["category"]) for sid, s in specialties.items() if s.get("category")
        },
    }


def required_categories(context: SelectionContext, unit_id: str) -> frozenset[str]:
    """Specialty categories the posts of a unit's leadership team require (remembered)."""
    key = (unit_id, "required")
    if key not in context._memo:
        context._memo[key] = frozenset(
            context.category_of[s]
            for post in context.posts_in_unit(unit_id)
            if post.get("team_member")
            for s in context.requirements.get(post["id"], {})
            if s in context.category_of
        )
    found: frozenset[str] = context._memo[key]
    return found


def needed_categories(context: SelectionContext, unit_id: str) -> frozenset[str]:
    """Specialty categories a unit's team should have: the policy's list for its kind,
    plus the categories the team's posts require."""
    kind = context.units.kind(unit_id) or ""
    from_policy = frozenset(context.policy.teams.needed_categories.get(kind, []))
    return from_policy | required_categories(context, unit_id)


def post_team(context: SelectionContext, post_id: str) -> TeamGaps:
    """What the post's leadership team (its unit's other team members) lacks."""
    post = context.posts[post_id]
    unit_id = str(post.get("unit_id") or "")
    unit_posts = context.posts_in_unit(unit_id)
    arrays = context.arrays
    rows = sorted(
        {
            arrays.index[cadre_id]
            for p in unit_posts
            if p.get("team_member") and p["id"] != post_id
            for cadre_id in context.holders.get(p["id"], set())
            if cadre_id in arrays.index
        }
    )
    # Read from the score's own columns: no member's record is built.
    return TeamGaps(
        unit_id,
        len(rows),
        float(arrays.age[rows].min()) if rows else None,
        bool(arrays.female[rows].any()),
        frozenset(c for c, held in arrays.categories.items() if held[rows].any()),
        needed_categories(context, unit_id),
        required_categories(context, unit_id),
    )


def person(context: SelectionContext, cadre_id: str) -> Person:
    """Who a ranked cadre is: the post held now (the highest), whether it is a leadership
    post, the 职级, the age (周岁) and flags (a pool member under exit review)."""
    record = context.records[cadre_id]
    cadre = record.cadre
    current = sorted(
        record.current_tenures(context.as_of),
        key=lambda t: (-LEVEL_ORDER.get(_LEVELS.get(str(t.post.get("level")), Level.STAFF), 0),
                       t.start),
    )  # fmt: skip
    held = cadre.get("title") or (current[0].post.get("name") if current else None)
    row = context.facts.index[cadre_id]
    birth = cadre.get("birth")
    return {
        "current_post": str(held) if held else None,
        "leader": bool(context.facts.leader[row]),
        "rank": str(cadre["rank"]) if cadre.get("rank") else None,
        "age": completed_years(birth, context.as_of) if birth else None,
        "flags": [POOL_REVIEW_FLAG] if context.arrays.flagged[row] else [],
    }


_LEVELS: dict[str, Level] = {level.value: level for level in Level}


def explain(
    context: SelectionContext,
    post_id: str,
    cadre_id: str,
    *,
    reveal_supervision: bool = True,
    scores: PostScores | None = None,
) -> Candidate:
    """One cadre's score for one post, with parts and reasons, the verdict's warnings and
    who the cadre is (``reveal_supervision`` ``False``: a warning that names a supervision
    record says only that there is one). ``scores``: the post's scores of a set of rows
    that holds the cadre's, when the ranking computed them already."""
    arrays = context.arrays
    row = arrays.index[cadre_id]
    i = None if scores is None else scores.index_of(row)
    if scores is None or i is None:
        scores = score_post(context, arrays, post_id, np.array([row], dtype=np.intp))
        i = 0
    found = context.verdict(cadre_id, post_id)
    if not reveal_supervision:
        found = found.masked()
    return Candidate(
        cadre_id,
        str(context.records[cadre_id].cadre.get("name", cadre_id)),
        float(scores.total[i]),
        {name: float(values[i]) for name, values in scores.parts.items()},
        score_reasons(context, arrays, scores, i),
        found.status,
        found.warnings(),
        **person(context, cadre_id),
    )


def _scopes_from_holdings(
    graph: SnapshotGraph,
    taken: pa.Table,
    active_rows: NDArray[np.int64],
    ids: list[str],
    units: UnitIndex,
    policy: SelectionPolicy,
) -> ScopeIndex:
    """The scope index from the posts held on the day (``taken``: those HOLDS rows), as
    columns: each active cadre's (row, unit) pairs of the units of the posts held."""
    position = np.full(len(graph.cadre_ids) + 1, -1, dtype=np.int64)  # row -1: no cadre
    position[active_rows] = np.arange(len(active_rows))
    cadre = position[np.asarray(taken.column("_src").combine_chunks(), dtype=np.int64)]
    post_row = np.asarray(taken.column("_dst").combine_chunks(), dtype=np.int64)
    unit_of_post = pylist(graph.snapshot.nodes("Post").column("unit_id"))
    unit_ids = sorted({str(unit_of_post[r]) for r in set(post_row.tolist()) if r >= 0
                       and unit_of_post[r]})  # fmt: skip
    number = {unit_id: n for n, unit_id in enumerate(unit_ids)}
    post_unit = np.array([number.get(str(u), -1) if u else -1 for u in unit_of_post] + [-1])
    unit = post_unit[post_row]  # row -1 (a post not in the table): no unit
    keep = (cadre >= 0) & (unit >= 0)
    pair_cadre, pair_unit = distinct_pairs(cadre[keep], unit[keep])
    roots = {
        unit_id
        for unit_id, found in units.units.items()
        if not found.get("parent_id") or found["parent_id"] not in units.units
    }
    root = next(iter(roots)) if len(roots) == 1 else None
    return ScopeIndex(policy.scope, units, root, ids, unit_ids, pair_cadre, pair_unit)


def _areas_of(scopes: ScopeIndex, units: UnitIndex) -> dict[str, str]:
    """Each cadre's area: the top unit below the root over the first (lowest id) unit of
    the posts held now, ``""`` for a cadre who holds none."""
    top = []
    for unit_id in scopes.unit_ids:
        chain = [u for u in [unit_id, *units.ancestors(unit_id)] if u != scopes.root]
        top.append(chain[-1] if chain else "")
    area = np.full(len(scopes.ids), len(top), dtype=np.int64)  # len(top): no unit
    first = np.ones(len(scopes.pair_cadre), dtype=bool)
    first[1:] = scopes.pair_cadre[1:] != scopes.pair_cadre[:-1]
    area[scopes.pair_cadre[first]] = scopes.pair_unit[first]
    names = [*top, ""]
    return dict(zip(scopes.ids, [names[a] for a in area.tolist()], strict=True))


def unexplained_row(place: int, cadre_id: str, score: float, leader: bool) -> CandidateRow:
    """A ranked row not explained yet: what ordering and merging read (the score as shown,
    whether the cadre holds a leadership post), without name, parts or reasons."""
    return cast(
        CandidateRow,
        {"place": place, "cadre_id": cadre_id, "score": round(score, 4), "leader": leader},
    )


def is_explained(row: Mapping[str, Any]) -> bool:
    """Whether a ranked row carries its explanation (see :func:`unexplained_row`), or an
    excluded row its name and why (one left unexplained holds its ``cadre_id`` alone)."""
    return "reasons" in row or "why" in row


def excluded_rows(
    context: SelectionContext,
    post_id: str,
    cadre_ids: Sequence[str],
    *,
    reveal_supervision: bool = True,
) -> list[ExcludedRow]:
    """The excluded rows of ``cadre_ids``, cadres of the post's pool whom the level's
    barring rules leave out: each with the lines that bar (with ``reveal_supervision``
    ``False``, lines naming supervision records say only that one bars)."""
    arrays, facts = context.arrays, context.facts
    target = context.target(post_id)
    judged = [(unit, facts.judgement(unit, target)) for unit in LEVEL_RULES]
    fails = [
        (unit, judgement, judgement.status == FAIL)
        for unit, judgement in judged
        if unit.bars(context.policy)
    ]
    found: list[ExcludedRow] = []
    for cadre_id, name in zip(cadre_ids, context.names(list(cadre_ids)), strict=True):
        row = arrays.index[cadre_id]
        lines = [
            unit.line(facts, target, judgement, row)
            for unit, judgement, failed in fails
            if failed[row]
        ]
        shown = Verdict(cadre_id, post_id, lines)
        if not reveal_supervision:
            shown = shown.masked()
        found.append({"cadre_id": cadre_id, "name": name, "why": shown.failures()})
    return found


def rank_in_context(
    context: SelectionContext,
    post_id: str,
    *,
    limit: int | None = 20,
    by_scope: bool = True,
    reveal_supervision: bool = True,
    explained: int | None = None,
) -> CandidatesResult:
    """Rank candidates for one post from a loaded context (see :func:`rank_candidates`).

    Only cadres of the post's scope (``policy.scope``) are considered; ``by_scope=False``
    considers every cadre of the whole area. ``reveal_supervision`` ``False``: the lines
    that name supervision records say only that one bars (for roles that may not see
    them). ``explained``: only the first so many rows shown are explained (the rest are
    :func:`unexplained_row` rows, their place, score and tier only, explained when shown:
    see :class:`queries.selection.follow.Ranking`), and no excluded row (each holds its
    ``cadre_id`` alone, in the same order); None: every row.
    """
    post = context.posts.get(post_id)
    if post is None:
        raise NotFound(f"未找到编号为 '{post_id}' 的岗位")
    unit_id = str(post.get("unit_id") or "")
    team = context.team(post_id)
    scope: ScopeRow = (
        context.scope_row(post_id)
        if by_scope
        else {"scope_id": None, "scope_name": WHOLE_AREA_NAME}
    )
    arrays, facts = context.arrays, context.facts
    pool = pool_of(context, arrays, post, by_scope=by_scope)
    holders = holder_rows(context, arrays, post_id)
    considered = pool.considered[without(pool.considered, holders)]
    allowed = pool.allowed[without(pool.allowed, holders)]
    scores = score_post(context, arrays, post_id, allowed)
    ranked = ranked_post(context, arrays, post_id, scores, top_k=None)
    shown = ranked.kept if limit is None else ranked.kept[:limit]
    told = shown if explained is None else shown[:explained]
    context.prefetch([c for c, _ in told])
    candidates: list[CandidateRow] = []
    for place, (cadre_id, _) in enumerate(told, start=1):
        found = explain(
            context, post_id, cadre_id, reveal_supervision=reveal_supervision, scores=scores
        )
        candidates.append(cast(CandidateRow, {"place": place, **found.as_dict()}))
    leader = facts.leader
    for place, (cadre_id, total) in enumerate(shown[len(told) :], start=len(told) + 1):
        row = arrays.index[cadre_id]
        candidates.append(unexplained_row(place, cadre_id, total, bool(leader[row])))
    # Those left out: the level's barring lines (with ``explained``, said when shown: a
    # post has a thousand and a committee reads the first few), or the conflicts avoidance
    # found.
    barred = [arrays.ids[r] for r in np.setdiff1d(considered, allowed, assume_unique=True)]
    excluded: list[ExcludedRow] = (
        excluded_rows(context, post_id, barred, reveal_supervision=reveal_supervision)
        if explained is None
        else [cast(ExcludedRow, {"cadre_id": cadre_id}) for cadre_id in barred]
    )
    for cadre_id, conflicts in ranked.dropped.items():
        excluded.append(
            {
                "cadre_id": cadre_id,
                "name": context.names([cadre_id])[0],
                "why": [f"回避：{c.message}" for c in conflicts],
            }
        )
    excluded.sort(key=lambda item: item["cadre_id"])
    return {
        "post_id": post_id,
        "post_name": post.get("name"),
        "unit_id": unit_id,
        "unit_name": context.units.name(unit_id),
        "level": post.get("level"),
        "as_of": context.as_of.isoformat(),
        "scope_id": scope["scope_id"],
        "scope_name": scope["scope_name"],
        "team": team.as_dict(),
        "considered": len(considered),
        "candidates": candidates,
        "eligible": len(ranked.kept),
        "excluded": excluded,
        "excluded_total": len(excluded),
    }


def rank_candidates(
    *,
    store: GraphStore,
    post_id: str,
    policy: SelectionPolicy,
    as_of: date,
    limit: int = 20,
) -> CandidatesResult:
    """Eligible, conflict-free candidates for ``post_id``, best first, with score parts and
    reasons; and the cadres at the right level who are excluded, with why.

    Raises
    ------
    NotFound
        When the post does not exist.
    """
    if store.get_node("Post", post_id) is None:
        raise NotFound(f"未找到编号为 '{post_id}' 的岗位")
    context = SelectionContext.load(store, policy=policy, as_of=as_of)
    return rank_in_context(context, post_id, limit=limit)


def write_back_candidates(*, store: GraphStore, results: Sequence[Mapping[str, Any]]) -> int:
    """Write ranked candidates as ``(Cadre)-[:CANDIDATE_FOR {rank, score, reasons, run}]->(Post)``,
    replacing the previous run; returns how many edges were written."""
    rows = [
        EdgeRow(
            "CANDIDATE_FOR",
            c["cadre_id"],
            result["post_id"],
            "",
            {
                "rank": c["place"],
                "score": c["score"],
                "reasons": c["reasons"],
                "run": result["as_of"],
            },
        )
        for result in results
        for c in result["candidates"]
    ]
    return store.replace_results("CANDIDATE_FOR", rows)
