"""The store contract: the same assertions on every store kind (see conftest.STORE_KINDS)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from graphsvc.model import edge_spec, node_spec
from graphsvc.projection import node_key, project
from graphsvc.rows import EdgeRow, GraphBatch, NodeRow, edge_key
from graphsvc.stores import GraphStore, StoreError, open_store


def unit(unit_id: str, parent: str | None = None, **extra: Any) -> NodeRow:
    props = {"name": f"单位{unit_id}", "kind": "乡镇", "remote": False, **extra}
    if parent:
        props["parent_id"] = parent
    return NodeRow("Unit", unit_id, props)


def post(post_id: str, unit_id: str | None, **extra: Any) -> NodeRow:
    props = {"name": f"岗位{post_id}", "level": "副科", "leadership": True, **extra}
    if unit_id:
        props["unit_id"] = unit_id
    return NodeRow("Post", post_id, props)


def cadre(cadre_id: str, **extra: Any) -> NodeRow:
    props = {
        "name": "李四",
        "gender": "女",
        "birth": date(1991, 3, 1),
        "work_start": date(2013, 8, 1),
        "education": "研究生",
        "channel": "选调生",
        "level": "副科",
        "status": "在职",
        "id_number": "990001199103011234",
        **extra,
    }
    return NodeRow("Cadre", cadre_id, props)


def holds(cadre_id: str, post_id: str, start: date, end: date | None = None) -> EdgeRow:
    props: dict[str, Any] = {"start": start}
    if end:
        props["end"] = end
    return EdgeRow("HOLDS", cadre_id, post_id, edge_key(edge_spec("HOLDS"), props), props)


def base_batch() -> GraphBatch:
    return GraphBatch(
        nodes=[
            unit("U1"),
            unit("U2", parent="U1"),
            post("P1", "U1"),
            post("P2", "U2"),
            cadre("C1"),
            cadre("C2", name="王五", gender="男"),
        ],
        edges=[
            holds("C1", "P1", date(2019, 5, 1), date(2022, 3, 1)),
            holds("C1", "P2", date(2022, 3, 1)),
            holds("C2", "P1", date(2022, 4, 1)),
        ],
    )


def test_write_then_read_back(store: GraphStore) -> None:
    summary = store.write(base_batch())
    assert summary.created == {
        "Unit": 2,
        "Post": 2,
        "Cadre": 2,
        "PART_OF": 1,
        "IN_UNIT": 2,
        "HOLDS": 3,
    }
    counts = store.counts()
    assert counts.nodes == {"Unit": 2, "Post": 2, "Cadre": 2}
    assert counts.edges == {"PART_OF": 1, "IN_UNIT": 2, "HOLDS": 3}
    got = store.get_node("Cadre", "C1")
    assert got is not None
    assert got["id"] == "C1" and got["birth"] == date(1991, 3, 1) and got["name"] == "李四"
    assert store.get_node("Cadre", "nobody") is None
    assert store.existing_ids("Post", ["P1", "P9"]) == {"P1"}


def test_the_same_write_twice_changes_nothing(store: GraphStore) -> None:
    store.write(base_batch())
    version = store.version()
    before = store.counts()
    summary = store.write(base_batch())
    assert not summary.changed
    assert sum(summary.unchanged.values()) == 12
    assert store.counts() == before
    assert store.version() == version


def test_updates_by_id_and_key(store: GraphStore) -> None:
    store.write(base_batch())
    version = store.version()
    summary = store.write(
        GraphBatch(
            nodes=[cadre("C1", name="李四", level="正科")],
            edges=[holds("C2", "P1", date(2022, 4, 1), date(2024, 1, 1))],
        )
    )
    assert summary.updated == {"Cadre": 1, "HOLDS": 1}
    assert store.get_node("Cadre", "C1")["level"] == "正科"  # type: ignore[index]
    ended = [p for src, dst, p in store.iter_edges("HOLDS") if (src, dst) == ("C2", "P1")]
    assert ended == [{"start": date(2022, 4, 1), "end": date(2024, 1, 1)}]
    assert store.counts().edges["HOLDS"] == 3
    assert store.version() > version


def test_reference_edges_follow_the_property(store: GraphStore) -> None:
    store.write(base_batch())
    summary = store.write(GraphBatch(nodes=[post("P1", "U2")]))  # the post moves to another unit
    assert summary.updated == {"Post": 1, "IN_UNIT": 1}
    in_unit = sorted((src, dst) for src, dst, _ in store.iter_edges("IN_UNIT"))
    assert in_unit == [("P1", "U2"), ("P2", "U2")]
    store.write(GraphBatch(nodes=[post("P1", None)]))  # and then has no unit
    assert sorted((s, d) for s, d, _ in store.iter_edges("IN_UNIT")) == [("P2", "U2")]
    summary = store.write(GraphBatch(nodes=[post("P1", "U1"), post("P2", "U2", name="新名")]))
    assert summary.created == {"IN_UNIT": 1}  # an edge again where there was none
    assert summary.updated == {"Post": 2} and summary.unchanged == {"IN_UNIT": 1}
    assert sorted((s, d) for s, d, _ in store.iter_edges("IN_UNIT")) == [("P1", "U1"), ("P2", "U2")]


def test_each_of_two_references_follows_its_own_property(store: GraphStore) -> None:
    """A proposal names a cadre and a post: each edge moves with its field, the other kept."""
    store.write(base_batch())

    def proposal(cadre_id: str, post_id: str) -> NodeRow:
        props = {"cadre_id": cadre_id, "post_id": post_id, "status": "拟任"}
        return NodeRow("Proposal", "R1", {**props, "date": date(2024, 1, 5)})

    summary = store.write(GraphBatch(nodes=[proposal("C1", "P1")]))
    assert summary.created == {"Proposal": 1, "PROPOSAL_OF": 1, "PROPOSED_FOR": 1}
    summary = store.write(GraphBatch(nodes=[proposal("C1", "P2")]))
    assert summary.updated == {"Proposal": 1, "PROPOSED_FOR": 1}
    assert summary.unchanged == {"PROPOSAL_OF": 1}
    summary = store.write(GraphBatch(nodes=[proposal("C2", "P1")]))
    assert summary.updated == {"Proposal": 1, "PROPOSAL_OF": 1, "PROPOSED_FOR": 1}
    assert [(s, d) for s, d, _ in store.iter_edges("PROPOSAL_OF")] == [("R1", "C2")]
    assert [(s, d) for s, d, _ in store.iter_edges("PROPOSED_FOR")] == [("R1", "P1")]


def test_a_failing_write_writes_nothing(store: GraphStore) -> None:
    store.write(base_batch())
    before = store.counts()
    bad = GraphBatch(
        nodes=[cadre("C3")],
        edges=[EdgeRow("NOT_A_TYPE", "C3", "P1", "", {})],
    )
    with pytest.raises((KeyError, StoreError)):
        store.write(bad)
    assert store.counts() == before
    assert store.get_node("Cadre", "C3") is None


def test_edges_of_a_node(store: GraphStore) -> None:
    store.write(base_batch())
    seen = {(e.type, e.direction, e.other_label, e.other_id) for e in store.edges_of("Post", "P1")}
    assert seen == {
        ("HOLDS", "in", "Cadre", "C1"),
        ("HOLDS", "in", "Cadre", "C2"),
        ("IN_UNIT", "out", "Unit", "U1"),
    }


def test_list_nodes_filters_and_pages(store: GraphStore) -> None:
    store.write(base_batch())
    page, total = store.list_nodes("Cadre", where={"gender": "男"})
    assert total == 1 and [c["id"] for c in page] == ["C2"]
    page, total = store.list_nodes("Post", where={"leadership": True}, limit=1, offset=1)
    assert total == 2 and [p["id"] for p in page] == ["P2"]
    page, total = store.list_nodes("Cadre", where={"birth": date(1991, 3, 1)})
    assert total == 2
    with pytest.raises(StoreError, match="no property"):
        store.list_nodes("Cadre", where={"salary": 1})


def test_iter_nodes_with_fields(store: GraphStore) -> None:
    store.write(base_batch())
    rows = list(store.iter_nodes("Cadre", ["name"]))
    assert rows == [{"id": "C1", "name": "李四"}, {"id": "C2", "name": "王五"}]


def test_projection_holds_only_what_was_asked(store: GraphStore) -> None:
    store.write(base_batch())
    graph = project(store, nodes=["Cadre"], edges=["HOLDS"], fields={"Cadre": ["name"]})
    assert graph.number_of_nodes() == 4  # two cadres with names, two bare posts
    assert graph.nodes[node_key("Cadre", "C1")] == {"label": "Cadre", "id": "C1", "name": "李四"}
    assert graph.nodes[node_key("Post", "P1")] == {"label": "Post", "id": "P1"}
    assert graph.number_of_edges() == 3
    assert graph.number_of_edges(node_key("Cadre", "C1"), node_key("Post", "P2")) == 1
    assert all(data["type"] == "HOLDS" for *_, data in graph.edges(data=True))


def test_reopening_keeps_everything(store_url: str) -> None:
    first = open_store(store_url)
    first.write(base_batch())
    counts, version = first.counts(), first.version()
    first.close()
    again = open_store(store_url)
    try:
        assert again.counts() == counts and again.version() == version
    finally:
        again.close()


def test_every_spec_label_round_trips(store: GraphStore) -> None:
    # A property of every type the model uses (str, bool, int, float, date) survives.
    rows = [
        unit("U1", remote=True),
        NodeRow(
            "Training",
            "T1",
            {
                "name": "班",
                "kind": "党性教育",
                "start": date(2024, 3, 1),
                "days": 7.0,
                "hours": 56.5,
                "off_job": True,
            },
        ),
        NodeRow("Assessment", "A1", {"cadre_id": "C1", "year": 2024, "grade": "优秀"}),
        cadre("C1"),
    ]
    store.write(GraphBatch(nodes=rows))
    assert store.get_node("Training", "T1") == {
        "id": "T1",
        "name": "班",
        "kind": "党性教育",
        "start": date(2024, 3, 1),
        "days": 7.0,
        "hours": 56.5,
        "off_job": True,
    }
    assert store.get_node("Unit", "U1")["remote"] is True  # type: ignore[index]
    assert store.get_node("Assessment", "A1")["year"] == 2024  # type: ignore[index]
    assert node_spec("Assessment").references[0].edge_type in store.counts().edges


def candidate(cadre_id: str, post_id: str, rank: int, score: float) -> EdgeRow:
    props = {
        "rank": rank,
        "score": score,
        "reasons": ["专业匹配", "有基层经历"],
        "run": "2026-11-01",
    }
    return EdgeRow("CANDIDATE_FOR", cadre_id, post_id, "", props)


def test_analysis_results_are_written_back_and_removed(store: GraphStore) -> None:
    store.write(base_batch())
    store.replace_results(
        "CANDIDATE_FOR", [candidate("C1", "P1", 1, 0.9), candidate("C2", "P1", 2, 0.7)]
    )
    found = sorted(store.iter_edges("CANDIDATE_FOR"))
    assert [(s, d, p["rank"], p["score"]) for s, d, p in found] == [
        ("C1", "P1", 1, 0.9),
        ("C2", "P1", 2, 0.7),
    ]
    assert found[0][2]["reasons"] == ["专业匹配", "有基层经历"]
    # a new run replaces the old one whole
    store.replace_results("CANDIDATE_FOR", [candidate("C2", "P2", 1, 0.8)])
    assert [(s, d) for s, d, _ in store.iter_edges("CANDIDATE_FOR")] == [("C2", "P2")]
    assert store.counts().edges["CANDIDATE_FOR"] == 1
    store.clear_results("CANDIDATE_FOR")
    assert "CANDIDATE_FOR" not in store.counts().edges
    assert store.counts().edges["HOLDS"] == 3  # the data itself is untouched


def test_results_must_name_existing_nodes(store: GraphStore) -> None:
    store.write(base_batch())
    with pytest.raises(StoreError, match="no Post"):
        store.replace_results("CANDIDATE_FOR", [candidate("C1", "P404", 1, 0.5)])
    with pytest.raises(StoreError, match="not an analysis result"):
        store.replace_results("HOLDS", [])
    assert "CANDIDATE_FOR" not in store.counts().edges


def test_proposals_and_photos_are_kept_with_their_links(store: GraphStore) -> None:
    photo = "/9j/4AAQSkZJRgABAQAAAQABAAD/" + "A" * 20_000  # base64 text, as a form's photo is
    batch = base_batch()
    batch.nodes.extend([
        NodeRow("Proposal", "PR1", {"cadre_id": "C1", "post_id": "P1", "appoint": "单位U1岗位P1",
                                    "remove": "岗位P2", "date": date(2026, 11, 20),
                                    "age_date": date(2026, 11, 20), "status": "拟任"}),
        NodeRow("Photo", "C1", {"cadre_id": "C1", "media_type": "image/jpeg", "data": photo}),
    ])  # fmt: skip
    store.write(batch)
    assert store.get_node("Photo", "C1") == {
        "id": "C1", "cadre_id": "C1", "media_type": "image/jpeg", "data": photo,
    }  # fmt: skip
    proposal = store.get_node("Proposal", "PR1")
    assert proposal is not None and proposal["date"] == date(2026, 11, 20)
    links = {(e.type, e.other_id) for e in store.edges_of("Cadre", "C1")}
    assert {("PROPOSAL_OF", "PR1"), ("PHOTO_OF", "C1")} <= links
    assert ("PROPOSED_FOR", "PR1") in {(e.type, e.other_id) for e in store.edges_of("Post", "P1")}
    version = store.version()
    store.write(batch)  # the same again: nothing changes
    assert store.version() == version


def test_the_change_log_lists_what_each_write_changed(store: GraphStore) -> None:
    store.write(base_batch())
    start = store.version()
    assert store.changes_since(start) is not None and store.changes_since(start).empty  # type: ignore[union-attr]
    store.write(
        GraphBatch(
            nodes=[cadre("C1", level="正科")],
            edges=[holds("C2", "P1", date(2022, 4, 1), date(2024, 1, 1))],
        )
    )
    store.write(GraphBatch(nodes=[unit("U3", parent="U1")]))
    store.write(GraphBatch(nodes=[unit("U3", parent="U1")]))  # changes nothing: no entry
    assert store.version() == start + 2
    first = store.changes_since(start)
    assert first is not None
    assert first.node_ids("Cadre") >= {"C1"} and first.node_ids("Unit") >= {"U3"}
    assert first.edge_ends("HOLDS") >= {("C2", "P1")}
    # Never less than changed; the embedded store lists exactly what changed.
    if store.url.endswith(".db"):
        assert first.node_ids("Cadre") == {"C1"} and first.edge_ends("HOLDS") == {("C2", "P1")}
    only_last = store.changes_since(start + 1)
    assert only_last is not None and only_last.node_ids("Unit") == {"U3"}
    assert not only_last.node_ids("Cadre")
    # Results replaced wholesale are said as a whole type; a cleared graph as everything.
    store.replace_results("CANDIDATE_FOR", [])
    results = store.changes_since(start + 2)
    assert results is not None and results.wholly(["CANDIDATE_FOR"])
    assert not results.touches(["Cadre", "HOLDS"])
    before_clear = store.version()
    store.clear()
    assert store.changes_since(before_clear) is None
    assert store.changes_since(store.version() + 5) is None  # a version the store never had


def test_the_change_log_of_a_large_write_says_everything(store: GraphStore) -> None:
    from graphsvc.changes import MAX_LOGGED_KEYS

    store.write(base_batch())
    start = store.version()
    many = [cadre(f"X{n:06d}") for n in range(MAX_LOGGED_KEYS + 1)]
    store.write(GraphBatch(nodes=many))
    assert store.changes_since(start) is None
    store.write(GraphBatch(nodes=[cadre("C1", level="正科")]))
    after = store.changes_since(start + 1)
    assert after is not None and after.node_ids("Cadre") >= {"C1"}
