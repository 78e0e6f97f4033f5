"""The selection context follows writes: the rows of the cadres a write touched, read again.

:func:`patched_context` brings a :class:`SelectionContext` of graph version ``V`` to the
store's version from the store's change log (``GraphStore.changes_since(V)``): it works
out which cadres' records the changes reach (:func:`touched_cadres`: the cadres written,
the owners old and new of assessments and supervision records written, the ends of the
edges written, and the relatives of cadres whose name or posts changed, whose records
show them), reads those records again from the store (:func:`read_records`, exactly as
the snapshot builds them), and makes a new context that shares everything else with the
old one, which goes on answering meanwhile. What a patch cannot follow says so (None):
a change to posts, units, specialties, trainings, projects or post requirements (every
record may show them), a cadre who joins or leaves the active cadres, or more changed
cadres than reading them whole would cost.

The patched context is read through its records (``graph`` is None): names and
avoidance come from the records, which are right for every cadre. Its columns, rule facts
and score arrays are the old context's with the rows of the cadres touched replaced by
theirs, made for those few cadres alone (:func:`_splice`): a write costs its cadres'
rows, not every cadre's, and a context patched many times stays as cheap to patch.
"""

from __future__ import annotations

import bisect
import copy
import threading
import weakref
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, cast

import numpy as np
from numpy.typing import NDArray

from graphsvc.changes import ChangeSet, Patched
from graphsvc.snapshot import pylist
from graphsvc.stores.base import EdgeView, GraphStore
from graphsvc.vocab import LEVEL_ORDER, Level
from queries.selection.candidates import (
    SelectionContext,
    excluded_rows,
    explain,
    is_explained,
    rank_in_context,
)
from queries.selection.ranking import candidate_levels
from queries.selection.records import (
    CadreRecord,
    Course,
    LazyRecords,
    Relative,
    SnapshotGraph,
    Stint,
    Tenure,
    enter_pool,
    star_order,
)
from queries.selection.results import CandidateRow, CandidatesResult, ExcludedRow
from queries.selection.scope import ScopeIndex
from queries.selection.scores import score_post

__all__ = [
    "CONTEXT_READS",
    "WHOLE_READS",
    "Ranking",
    "candidates_unchanged",
    "followed_candidates",
    "patched_context",
    "read_records",
    "touched_cadres",
]

# What a context reads: any change to these reaches it.
CONTEXT_READS = (
    "Cadre",
    "Post",
    "Unit",
    "Specialty",
    "Training",
    "Project",
    "Assessment",
    "Supervision",
    "HOLDS",
    "ROTATED_TO",
    "ATTENDED",
    "HAS_SPECIALTY",
    "WORKED_ON",
    "IN_POOL",
    "Pool",
    "RELATIVE_OF",
    "REQUIRES",
)
# Read by many records or by the context as a whole: a change to them is read whole
# (a pool's age limit is on its members' records).
WHOLE_READS = ("Post", "Unit", "Specialty", "Training", "Project", "Pool", "REQUIRES")
_OWN_EDGES = ("HOLDS", "ROTATED_TO", "ATTENDED", "HAS_SPECIALTY", "WORKED_ON", "IN_POOL")
_OWNED_NODES = ("Assessment", "Supervision")  # each names its cadre (cadre_id)
_MOST_PATCHED = 0.05  # beyond this share of the cadres touched, reading whole is cheaper


def touched_cadres(
    context: SelectionContext, store: GraphStore, changes: ChangeSet
) -> tuple[set[str], dict[str, list[EdgeView]]] | None:
    """The cadres whose records the changes reach, and the edges of each as the store
    holds them now; None when the changes reach what a patch cannot follow."""
    if changes.touches(WHOLE_READS) or changes.wholly(CONTEXT_READS):
        return None
    written = set(changes.node_ids("Cadre"))
    for edge_type in _OWN_EDGES:
        written.update(source for source, _ in changes.edge_ends(edge_type))
    for source, target in changes.edge_ends("RELATIVE_OF"):
        written.update((source, target))
    owners = _owners(context, store, changes)
    if owners is None:
        return None
    written |= owners
    if len(written) > max(50, _MOST_PATCHED * len(context.records)):
        return None
    edges = {cadre_id: store.edges_of("Cadre", cadre_id) for cadre_id in sorted(written)}
    # A record shows its relatives' names and posts: theirs change with these cadres'.
    shown = set(changes.node_ids("Cadre")) | {s for s, _ in changes.edge_ends("HOLDS")}
    relatives = {
        edge.other_id
        for cadre_id in shown & written
        for edge in edges[cadre_id]
        if edge.type == "RELATIVE_OF"
    }
    for cadre_id in sorted(relatives - written):
        edges[cadre_id] = store.edges_of("Cadre", cadre_id)
    return written | relatives, edges


def _owners(context: SelectionContext, store: GraphStore, changes: ChangeSet) -> set[str] | None:
    """The cadres that the assessments and supervision records written belong to, before
    the write and after it; None when the context cannot tell who had them before."""
    found: set[str] = set()
    for label in _OWNED_NODES:
        ids = changes.node_ids(label)
        if not ids:
            continue
        now = store.get_nodes(label, ids)
        found.update(str(node["cadre_id"]) for node in now.values() if node.get("cadre_id"))
        before = _owners_before(context, label, ids)
        if before is None:
            return None
        found |= before
    return found


def _owners_before(context: SelectionContext, label: str, ids: Collection[str]) -> set[str] | None:
    """Who the nodes ``ids`` belonged to in the context's graph (None: it cannot say): the
    owners the patches since its snapshot have seen, else the snapshot's."""
    carried: Mapping[str, str] = getattr(context, "owners", {})
    graph = context.graph or getattr(context, "base_graph", None)
    if graph is None:
        return None
    found = {carried[node_id] for node_id in ids if node_id in carried}
    unseen = sorted(node_id for node_id in ids if node_id not in carried)
    if unseen:
        table = graph.snapshot.nodes(label)
        # The ids by row, sorted, made once a snapshot (a province has millions).
        known = graph.snapshot.derived(
            ("sorted ids", label), lambda: np.asarray(pylist(table.column("id")), dtype=object)
        )
        rows = np.searchsorted(known, unseen).tolist()
        owners = table.column("cadre_id")
        for node_id, row in zip(unseen, rows, strict=True):
            if row < len(known) and known[row] == node_id and owners[row].is_valid:
                found.add(str(owners[row].as_py()))
    return found


def read_records(
    store: GraphStore, cadre_ids: Iterable[str], edges: Mapping[str, list[EdgeView]]
) -> dict[str, CadreRecord]:
    """The records of ``cadre_ids`` read from the store, as the snapshot builds them (the
    same parts, in the same order); ``edges``: each cadre's edges, read already."""
    wanted = sorted(cadre_ids)
    cadres = store.get_nodes("Cadre", wanted)
    by_type = {cadre_id: _by_type(edges[cadre_id]) for cadre_id in wanted if cadre_id in cadres}
    posts = store.get_nodes(
        "Post", {e.other_id for found in by_type.values() for e in found.get("HOLDS", [])}
    )
    trainings = store.get_nodes(
        "Training", {e.other_id for found in by_type.values() for e in found.get("ATTENDED", [])}
    )
    projects = store.get_nodes(
        "Project", {e.other_id for found in by_type.values() for e in found.get("WORKED_ON", [])}
    )
    assessments = store.get_nodes(
        "Assessment",
        {e.other_id for found in by_type.values() for e in found.get("ASSESSMENT_OF", [])},
    )
    supervision = store.get_nodes(
        "Supervision",
        {e.other_id for found in by_type.values() for e in found.get("RECORD_OF", [])},
    )
    relatives = {e.other_id for found in by_type.values() for e in found.get("RELATIVE_OF", [])}
    relative_nodes = store.get_nodes("Cadre", relatives)
    relative_posts = {r: _tenures(store, store.edges_of("Cadre", r), {}) for r in relatives}
    pools = store.get_nodes(
        "Pool", {e.other_id for found in by_type.values() for e in found.get("IN_POOL", [])}
    )
    records: dict[str, CadreRecord] = {}
    for cadre_id in wanted:
        if cadre_id not in cadres:
            continue
        found = by_type[cadre_id]
        record = CadreRecord(cadres[cadre_id])
        record.tenures = _tenures(store, edges[cadre_id], posts)
        record.rotations = [
            Stint(e.other_id, str(e.props.get("kind") or ""), e.props["start"], e.props.get("end"))
            for e in found.get("ROTATED_TO", [])
            if e.direction == "out"
        ]
        for e in found.get("ATTENDED", []):
            course = trainings.get(e.other_id)
            if course is None or e.props.get("completed") is False:
                continue
            record.courses.append(
                Course(
                    e.other_id,
                    str(course.get("kind", "")),
                    course["start"],
                    float(course.get("days", 0)),
                    float(e.props.get("hours") or course.get("hours", 0)),
                    bool(course.get("off_job")),
                )
            )
        starred: list[tuple[int, int, int]] = []
        for assessment_id in sorted(e.other_id for e in found.get("ASSESSMENT_OF", [])):
            assessment = assessments.get(assessment_id)
            if assessment is None:
                continue
            if assessment.get("quarter") is None and assessment.get("grade"):
                record.annual_grades[int(assessment["year"])] = str(assessment["grade"])
            elif assessment.get("stars"):
                starred.append(star_order(assessment))
        record.stars = [stars for *_, stars in sorted(starred)]
        record.specialties = {e.other_id for e in found.get("HAS_SPECIALTY", [])}
        for e in found.get("WORKED_ON", []):
            if e.other_id in projects:
                record.projects.append(
                    (
                        projects[e.other_id],
                        str(e.props.get("role") or "成员"),
                        e.props.get("result"),
                    )
                )
        for e in found.get("IN_POOL", []):
            enter_pool(record, e.props, pools.get(e.other_id))
        record.supervision = [
            supervision[s]
            for s in sorted(e.other_id for e in found.get("RECORD_OF", []))
            if s in supervision
        ]
        # Relatives in the order of their edges, (source, target) whichever end this is.
        kin = sorted(
            found.get("RELATIVE_OF", []),
            key=lambda e: (
                (cadre_id, e.other_id) if e.direction == "out" else (e.other_id, cadre_id)
            ),
        )
        for e in kin:
            name = relative_nodes.get(e.other_id, {}).get("name")
            record.relatives.append(
                Relative(
                    e.other_id,
                    str(name if name is not None else e.other_id),
                    str(e.props.get("relation") or ""),
                    tuple(relative_posts[e.other_id]),
                )
            )
        records[cadre_id] = record
    return records


def _by_type(edges: Iterable[EdgeView]) -> dict[str, list[EdgeView]]:
    found: dict[str, list[EdgeView]] = {}
    for edge in edges:
        if (
            edge.type == "RELATIVE_OF"
            or edge.direction == "out"
            or edge.type
            in (
                "ASSESSMENT_OF",
                "RECORD_OF",
            )
        ):
            found.setdefault(edge.type, []).append(edge)
    return found


def _tenures(
    store: GraphStore, edges: Iterable[EdgeView], posts: Mapping[str, dict[str, Any]]
) -> list[Tenure]:
    """Posts held, in edge order, sorted by start (as the snapshot's records are)."""
    held = [e for e in edges if e.type == "HOLDS" and e.direction == "out"]
    missing = {e.other_id for e in held} - set(posts)
    known = {**posts, **(store.get_nodes("Post", missing) if missing else {})}
    found = [
        Tenure(e.other_id, known.get(e.other_id, {"id": e.other_id}), e.props["start"],
               e.props.get("end"))
        for e in held
    ]  # fmt: skip
    return sorted(found, key=lambda tenure: tenure.start)


@dataclass
class FollowingContext(SelectionContext):
    """A selection context patched after writes (see the module), read through its records.

    ``base_graph`` is the snapshot graph the first context was read from (the patches look
    up in it who had an assessment before a write), ``owners`` the owners of the
    assessments and supervision records the patches have seen since.
    """

    base_graph: SnapshotGraph | None = field(default=None, repr=False)
    owners: dict[str, str] = field(default_factory=dict, repr=False)
    rewritten: frozenset[str] = frozenset()  # cadres whose records were read since base_graph

    def names(self, cadre_ids: Sequence[str]) -> list[Any]:
        """Each cadre's name: from the snapshot for those no write touched since (no record
        built for a list of names), from the records for the others."""
        graph = self.base_graph
        if graph is None:
            return super().names(cadre_ids)
        names = graph.names()
        return [
            self.records[c].cadre.get("name") if c in self.rewritten else names[graph.cadre_row[c]]
            for c in cadre_ids
        ]

    def avoidance_record(self, cadre_id: str) -> CadreRecord:
        """As :meth:`SelectionContext.avoidance_record`, from the snapshot for a cadre no
        write touched since (its relatives' names and posts too: a write to a relative's
        name or posts touches the cadre)."""
        graph = self.base_graph
        built = isinstance(self.records, LazyRecords) and dict.__contains__(self.records, cadre_id)
        if graph is None or built or cadre_id in self.rewritten:
            return self.records[cadre_id]
        key = (cadre_id, "avoidance")
        if key not in self._memo:
            self._memo[key] = graph.avoidance_records([graph.cadre_row[cadre_id]])[0]
        found: CadreRecord = self._memo[key]
        return found


def patched_context(
    context: SelectionContext, store: GraphStore, changes: ChangeSet
) -> Patched | None:
    """``context`` brought forward to the store's version by reading again the records the
    changes reach (a new context; ``context`` is left as it was); None when it cannot be.

    Asked again for the same context and changes (the service's selection and development
    read models share one context), the same answer: the new context stays shared.
    """
    with _STEP_LOCK:
        if any(seen is not changes for _, seen, _ in _STEP.values()):
            _STEP.clear()  # another step: its answers are not asked for again
        known = _STEP.get(id(context))
        if known is not None and known[0]() is context:
            return known[2]
    found = _patched_context(context, store, changes)
    with _STEP_LOCK:
        # The old context only weakly: kept here, it would outlive its last reader.
        _STEP[id(context)] = (weakref.ref(context), changes, found)
    return found


# Each context's patch in the step under way (see ``patched_context``).
_STEP: dict[int, tuple[weakref.ref[SelectionContext], ChangeSet, Patched | None]] = {}
_STEP_LOCK = threading.Lock()


def _patched_context(
    context: SelectionContext, store: GraphStore, changes: ChangeSet
) -> Patched | None:
    touched = touched_cadres(context, store, changes)
    if touched is None:
        return None
    cadre_ids, edges = touched
    if not cadre_ids:
        return Patched(context, frozenset())
    fresh = read_records(store, cadre_ids, edges)
    active = {c for c, record in fresh.items() if record.cadre.get("status", "在职") == "在职"}
    known = context.records
    if any((c in active) != (c in known) for c in cadre_ids):
        return None  # a cadre joins or leaves the active cadres: every row after moves
    shared = {f.name: getattr(context, f.name) for f in fields(SelectionContext) if f.init}
    patched = FollowingContext(
        **{
            **shared,
            "records": _records(known, {c: fresh[c] for c in active}),
            "holders": _holders(context.holders, cadre_ids, edges, context),
            "_memo": _memo(context._memo, cadre_ids),
            "_scopes": _scopes(context, {c: fresh[c] for c in active}),
            # The columns, the rule units' facts and the score's arrays: spliced below.
            "_facts": None,
            "_arrays": None,
            "_columns": None,
            "graph": None,
            "rows": None,
        },
        base_graph=getattr(context, "base_graph", None) or context.graph,
        owners={**getattr(context, "owners", {}), **_owned(store, changes)},
        rewritten=getattr(context, "rewritten", frozenset()) | frozenset(cadre_ids),
    )
    _splice(context, patched, {c: fresh[c] for c in active})
    return Patched(patched, frozenset(cadre_ids))


def _splice(
    context: SelectionContext, patched: SelectionContext, fresh: Mapping[str, CadreRecord]
) -> None:
    """Give ``patched`` the columns, facts and score arrays of ``context`` with the rows of
    the ``fresh`` records replaced by theirs (made for those few cadres alone), instead of
    every cadre's made again from the records on the next question.

    A context read from the snapshot makes its own first (from the snapshot's columns,
    far cheaper than from every record); one patched before has them already.
    """
    if context.graph is not None:
        context.arrays  # noqa: B018  (builds the columns and facts it reads, too)
    columns, facts, arrays = context._columns, context._facts, context._arrays
    if columns is None or columns[0] != context.as_of:
        return
    part = SelectionContext(
        **{
            **{f.name: getattr(patched, f.name) for f in fields(SelectionContext) if f.init},
            "records": dict(fresh),
            "_memo": {},
            "_scopes": None,
        }
    )
    rows = np.array([context_row for context_row in _rows(context, fresh)], dtype=np.int64)
    part_histories, part_cadres = part.columns
    histories = columns[1].with_rows(rows, part_histories)
    cadres = columns[2].with_rows(rows, part_cadres)
    patched._columns = (context.as_of, histories, cadres)
    if facts is None or facts.policy is not context.policy or facts.as_of != context.as_of:
        return
    patched._facts = facts.with_rows(
        rows,
        part.facts,
        histories=histories,
        cadres=cadres,
        records=patched.records,
        scopes=patched.scopes,
        avoidance_record=patched.avoidance_record,
    )
    if arrays is None or arrays[0] is not facts:
        return
    patched._arrays = (patched._facts, arrays[1].with_rows(patched, rows, part.arrays, part))


def _rows(context: SelectionContext, cadre_ids: Iterable[str]) -> list[int]:
    """The rows of ``cadre_ids`` (sorted) in the context's columns (``sorted(records)``)."""
    if context._facts is not None:
        return [context._facts.index[c] for c in sorted(cadre_ids)]
    ids = sorted(context.records)
    return [bisect.bisect_left(ids, c) for c in sorted(cadre_ids)]


def _memo(memo: Mapping[tuple[str, Any], Any], cadre_ids: Collection[str]) -> dict[Any, Any]:
    """What a context remembers that the written cadres' records do not change: the areas
    head posts govern and the categories units' posts require (keyed by post or unit), and
    the avoidance records of other cadres (a write to a relative touches the cadre too). A
    team's gaps (keyed by post and day) read its members' records: made again."""
    return {
        key: value
        for key, value in memo.items()
        if key[1] in ("area", "required", "avoidance") and key[0] not in cadre_ids
    }


def _owned(store: GraphStore, changes: ChangeSet) -> dict[str, str]:
    found: dict[str, str] = {}
    for label in _OWNED_NODES:
        for node_id, node in store.get_nodes(label, changes.node_ids(label)).items():
            if node.get("cadre_id"):
                found[node_id] = str(node["cadre_id"])
    return found


def _records(
    records: Mapping[str, CadreRecord], fresh: Mapping[str, CadreRecord]
) -> Mapping[str, CadreRecord]:
    """The old records with ``fresh`` in place of theirs: those built already are shared,
    those not built yet are built from the old snapshot when first read (as before)."""
    if not isinstance(records, LazyRecords):
        return {**records, **fresh}
    lazy = LazyRecords(list(records), records._build, records._group_of)
    built = {c: r for c, r in dict.items(records) if c not in fresh}
    dict.update(lazy, {**built, **fresh})
    return lazy


def _holders(
    holders: Mapping[str, set[str]],
    cadre_ids: Collection[str],
    edges: Mapping[str, list[EdgeView]],
    context: SelectionContext,
) -> dict[str, set[str]]:
    """Who holds each post now, with the posts of ``cadre_ids`` read again."""
    found = dict(holders)
    for post_id, held in holders.items():
        if not held.isdisjoint(cadre_ids):
            found[post_id] = held - set(cadre_ids)
    for cadre_id in cadre_ids:
        for e in edges[cadre_id]:
            if e.type == "HOLDS" and e.direction == "out" and _current(e.props, context):
                found[e.other_id] = found.get(e.other_id, set()) | {cadre_id}
    return {post_id: held for post_id, held in found.items() if held}


def _current(props: Mapping[str, Any], context: SelectionContext) -> bool:
    end = props.get("end")
    return bool(props["start"] <= context.as_of and (end is None or end > context.as_of))


def _scopes(context: SelectionContext, fresh: Mapping[str, CadreRecord]) -> ScopeIndex | None:
    """The scope index with the current units of ``fresh`` read again (None: built anew
    from the records when first used): its (cadre, unit) pairs of those cadres replaced."""
    scopes = context._scopes
    if scopes is None:
        return None
    number = {unit_id: n for n, unit_id in enumerate(scopes.unit_ids)}
    rows: list[int] = []
    pairs: list[tuple[int, int]] = []
    for cadre_id, record in fresh.items():
        row = bisect.bisect_left(scopes.ids, cadre_id)
        if row == len(scopes.ids) or scopes.ids[row] != cadre_id:
            return None  # not one of the index's cadres: read whole
        low, high = np.searchsorted(scopes.pair_cadre, [row, row + 1])
        before = set(scopes.pair_unit[low:high].tolist())
        now = {
            str(t.post.get("unit_id"))
            for t in record.current_tenures(context.as_of)
            if t.post.get("unit_id")
        }
        if any(unit_id not in number for unit_id in now):
            return None  # a unit no post of the index was in: numbered anew, read whole
        if {number[unit_id] for unit_id in now} != before:
            rows.append(row)
            pairs.extend((row, number[unit_id]) for unit_id in now)
    if not rows:
        return scopes
    keep = ~np.isin(scopes.pair_cadre, rows)
    cadre = np.concatenate([scopes.pair_cadre[keep], [r for r, _ in pairs]]).astype(np.int64)
    unit = np.concatenate([scopes.pair_unit[keep], [u for _, u in pairs]]).astype(np.int64)
    order = np.lexsort((unit, cadre))  # sorted pairs, as the index keeps them
    return ScopeIndex(
        scopes.policy,
        scopes.units,
        scopes.root,
        scopes.ids,
        scopes.unit_ids,
        cadre[order],
        unit[order],
    )


def candidates_unchanged(
    old: SelectionContext, new: SelectionContext, changed: Collection[str], post_id: str
) -> bool:
    """Whether a post's candidates ranked in ``old`` are exactly those ``new`` would rank,
    when ``new`` is ``old`` patched with the records of ``changed``: none of them holds the
    post, sits on its team, or is a cadre of its scope at a level it ranks, before or after.
    """
    if not changed:
        return True
    post = new.posts.get(post_id)
    if post is None or old.posts.get(post_id) != post:
        return False
    orders = {LEVEL_ORDER[Level(level)] for level in candidate_levels(post)}
    for context in (old, new):
        if not context.holders.get(post_id, set()).isdisjoint(changed):
            return False
        if not _team(context, post).isdisjoint(changed):
            return False
        members = context.scopes.members(context.scopes.of_post(post))  # sorted; None: all
        for cadre_id in changed:
            if cadre_id not in context.records:
                continue
            if members is not None and not _in_sorted(members, cadre_id):
                continue
            if _standing(context, cadre_id) in orders:
                return False
    return True


def _standing(context: SelectionContext, cadre_id: str) -> int:
    """The level a cadre stands at (``LEVEL_ORDER``), as the ranking's pool reads it: from
    the facts' columns (a patched context's hold the written cadres' new rows), not from a
    record made from the snapshot for the purpose (milliseconds, for every post asked)."""
    facts = context.facts
    return int(facts.cadres.standing[facts.index[cadre_id]])


def _team(context: SelectionContext, post: Mapping[str, Any]) -> set[str]:
    """Who holds the other team posts of the post's unit (what ranking reads as its team)."""
    return {
        cadre_id
        for other in context.posts_in_unit(str(post.get("unit_id") or ""))
        if other.get("team_member") and other["id"] != post["id"]
        for cadre_id in context.holders.get(other["id"], set())
    }


def _in_sorted(values: list[str], value: str) -> bool:
    place = bisect.bisect_left(values, value)
    return place < len(values) and values[place] == value


@dataclass
class Ranking:
    """A post's every candidate as ranked (``result``, no limit; after a merge the rows'
    ``place`` is set only when answered), and the exact scores of those whose shown
    (rounded) scores tie, as far as a merge needed them (``exact``).

    Rows may be left unexplained (:func:`~queries.selection.candidates.unexplained_row`):
    a post has hundreds of candidates and a committee reads the first few. Those shown are
    explained when first answered, in ``context`` (the context the ranking is of: a row is
    its cadre's own, so any context the ranking followed explains it the same), and kept.
    """

    result: CandidatesResult
    exact: dict[str, float] = field(default_factory=dict)
    context: SelectionContext | None = field(default=None, repr=False)
    reveal_supervision: bool = True

    def answer(self, limit: int | None, excluded_limit: int | None = None) -> CandidatesResult:
        """The answer showing the first ``limit`` candidates (every one: None), numbered
        (``place``) and explained, and the first ``excluded_limit`` excluded (every one:
        None) with why (``excluded_total`` counts them all)."""
        excluded = self._excluded(excluded_limit)
        rows = self.result["candidates"] if limit is None else self.result["candidates"][:limit]
        todo = [n for n, row in enumerate(rows) if not is_explained(row)]
        if todo:
            if self.context is None:
                raise ValueError("a ranking with unexplained rows needs its context")
            post_id = self.result["post_id"]
            arrays = self.context.arrays
            wanted = np.array([arrays.index[rows[n]["cadre_id"]] for n in todo], dtype=np.intp)
            scores = score_post(self.context, arrays, post_id, wanted)
            self.context.prefetch([rows[n]["cadre_id"] for n in todo])
            for n in todo:
                found = explain(
                    self.context,
                    post_id,
                    rows[n]["cadre_id"],
                    reveal_supervision=self.reveal_supervision,
                    scores=scores,
                )
                # Kept in the ranking: a row is explained once (the same by any reader).
                self.result["candidates"][n] = cast(CandidateRow, found.as_dict())
            rows = self.result["candidates"] if limit is None else self.result["candidates"][:limit]
        return {**self.result, "candidates": _numbered(rows), "excluded": excluded}

    def _excluded(self, limit: int | None) -> list[ExcludedRow]:
        """The first ``limit`` excluded rows (all: None), those not said yet explained now
        and kept (a row is its cadre's own, as for candidates)."""
        rows = self.result["excluded"] if limit is None else self.result["excluded"][:limit]
        todo = [n for n, row in enumerate(rows) if not is_explained(row)]
        if todo:
            if self.context is None:
                raise ValueError("a ranking with unexplained rows needs its context")
            found = excluded_rows(
                self.context,
                self.result["post_id"],
                [rows[n]["cadre_id"] for n in todo],
                reveal_supervision=self.reveal_supervision,
            )
            for n, row in zip(todo, found, strict=True):
                self.result["excluded"][n] = row
            rows = self.result["excluded"] if limit is None else self.result["excluded"][:limit]
        return list(rows)


def followed_candidates(
    ranking: Ranking,
    old: SelectionContext,
    new: SelectionContext,
    changed: Collection[str],
    post_id: str,
    *,
    reveal_supervision: bool = True,
) -> Ranking | None:
    """``ranking`` (ranked in ``old``) as ``new`` ranks the post, ``new`` being ``old``
    patched with the records of ``changed``: the same when none of them can change it
    (:func:`candidates_unchanged`), else with their rows ranked again in ``new`` and merged
    in (each cadre's row is its own: score, reasons or why excluded); None when the post,
    its holders or its team changed (every row may differ).
    """
    if candidates_unchanged(old, new, changed, post_id):
        return ranking
    post = new.posts.get(post_id)
    if post is None or old.posts.get(post_id) != post:
        return None
    for context in (old, new):
        if not context.holders.get(post_id, set()).isdisjoint(changed):
            return None
        if not _team(context, post).isdisjoint(changed):
            return None
    new.arrays  # noqa: B018 (built here, so that the view below shares them)
    members = new.scopes.members(new.scopes.of_post(post))
    only = sorted(
        c for c in changed if c in new.records and (members is None or _in_sorted(members, c))
    )
    view = copy.copy(new)
    view._scopes = _OnlyThese(new.scopes, only)  # type: ignore[assignment]
    part = rank_in_context(view, post_id, limit=None, reveal_supervision=reveal_supervision)
    result, gone = ranking.result, set(changed)
    exact = {c: score for c, score in ranking.exact.items() if c not in gone}
    ranked = [c for c in result["candidates"] if c["cadre_id"] not in gone]
    excluded = [e for e in result["excluded"] if e["cadre_id"] not in gone]
    before = len(result["candidates"]) + len(result["excluded"]) - len(ranked) - len(excluded)
    ranked = _merged(ranked, part["candidates"], exact, new, post_id)
    for row in part["excluded"]:  # in id order, as the ranking lists them
        bisect.insort(excluded, row, key=lambda e: e["cadre_id"])
    followed: CandidatesResult = {
        **result,
        "considered": result["considered"] - before + part["considered"],
        "candidates": ranked,
        "eligible": len(ranked),
        "excluded": excluded,
        "excluded_total": len(excluded),
    }
    return Ranking(followed, exact, new, reveal_supervision)


def _numbered(rows: list[Any]) -> list[Any]:
    """Rows with their places as ``place`` (a row already in its place is kept as it is)."""
    return [
        row if row.get("place") == place else {**row, "place": place}
        for place, row in enumerate(rows, start=1)
    ]


class _OnlyThese:
    """A scope index whose scopes hold only the given cadres (to rank just their rows)."""

    def __init__(self, scopes: ScopeIndex, only: list[str]) -> None:
        self._scopes = scopes
        self._only = only

    def members(self, scope: str | None) -> list[str]:
        found = self._scopes.members(scope)
        return self._only if found is None else [c for c in self._only if _in_sorted(found, c)]

    def member_rows(self, scope: str | None) -> NDArray[np.int64]:
        """The rows (in the index's id order) of the given cadres in the scope."""
        ids = self._scopes.ids
        return np.array([bisect.bisect_left(ids, c) for c in self.members(scope)], dtype=np.int64)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._scopes, name)


def _merged(
    ranked: list[Any],
    rows: list[Any],
    exact: dict[str, float],
    context: SelectionContext,
    post_id: str,
) -> list[Any]:
    """``rows`` put into ``ranked`` (both in the ranking's order: tier, then exact score,
    then id) where the ranking puts them. A leadership post above 副科 ranks those who hold
    no leadership post in a second tier after the rest (``scoring.leaders_first``). The
    rows show their scores rounded: where a row's tier and shown score tie others', their
    exact scores decide (read from ``context`` once, then kept in ``exact``)."""
    second = bool(context.target(post_id).track and context.policy.scoring.leaders_first)

    def shown(r: Any) -> tuple[int, float]:
        return (int(second and not r["leader"]), -r["score"])

    merged = list(ranked)
    for row in rows:
        low = bisect.bisect_left(merged, shown(row), key=shown)
        high = bisect.bisect_right(merged, shown(row), key=shown)
        if low == high:  # no tie: its place by the tier and the shown score
            merged.insert(low, row)
            continue
        tied = [*merged[low:high], row]
        unknown = [r["cadre_id"] for r in tied if r["cadre_id"] not in exact]
        if unknown:  # their scores only (a row's own: no explanation, no record built)
            arrays = context.arrays
            wanted = np.array([arrays.index[c] for c in unknown], dtype=np.intp)
            totals = score_post(context, arrays, post_id, wanted).total.tolist()
            exact.update({c: round(t, 9) for c, t in zip(unknown, totals, strict=True)})
        place = bisect.bisect_left(
            tied[:-1],
            (-exact[row["cadre_id"]], row["cadre_id"]),
            key=lambda r: (-exact[r["cadre_id"]], r["cadre_id"]),
        )
        merged.insert(low + place, row)
    return merged
