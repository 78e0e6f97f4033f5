"""协作网络 (communities with their members, bridges, quiet performers), and the profile
network's grouped expansion: a unit, a pool or a specialty opens as a few summary nodes
("岗位 32个", "在库干部 · 白沙镇 12人") instead of every neighbour; a summary node opens into
its members on request."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from markupsafe import Markup

from api.web import data
from api.web.deps import allowed, reveal_for, shown
from api.web.development import AnalyseDep, page_tables
from api.web.people import (
    EDGE_NAMES,
    LABEL_NAMES,
    NEIGHBOURS_SHOWN,
    edge_element,
    node_element,
    shown_edge,
)
from api.web.render import render
from api.web.tables import Column, Table
from graphsvc.access import Session
from graphsvc.stores.base import EdgeView
from queries.development.network import network_analysis

__all__ = ["GROUPED_LABELS", "router"]

router = APIRouter()

ReadDep = Annotated[Session, Depends(allowed("read"))]

# ------------------------------------------------------------------ the page


def _community_cell(row: Mapping[str, Any]) -> Markup:
    query = urlencode({"members.f.community_name": row["community_name"]})
    return Markup('<a href="/network?{}#members">{}</a>').format(query, row["community_name"])


COMMUNITIES = (
    Column("community_name", "社区", cell=_community_cell, css="nowrap", width=8),
    Column("size", "人数", kind="number", css="num", width=6),
    Column("main_units", "主要单位（人数）", kind="list", css="wide", width=40),
)
MEMBERS = (
    Column("community_name", "社区", choices=True, css="nowrap", width=8),
    Column("name", "姓名", link="/cadres/{cadre_id}", css="nowrap", width=10),
    Column("unit_name", "单位", width=30),
    Column("role", "网络角色", choices=True, width=14),
)
BRIDGES = (
    Column("name", "姓名", link="/cadres/{cadre_id}", css="nowrap", width=10),
    Column("unit_name", "单位", width=24),
    Column("participation", "参与系数", kind="number", digits=3, css="num", width=8),
    Column("collaborators", "合作者", kind="number", css="num", width=8),
    Column("communities_reached", "连接社区数", kind="number", css="num", width=10),
    Column("community_name", "所在社区", choices=True, css="nowrap", width=8),
)
QUIET = (
    Column("name", "姓名", link="/cadres/{cadre_id}", css="nowrap", width=10),
    Column("unit_name", "单位", width=24),
    Column("level", "职务层次", choices=True, width=10),
    Column("age", "年龄", kind="number", digits=1, css="num", width=6),
    Column("excellent_years", "优秀年度", kind="list", width=16),
    Column("strong_projects", "突出项目", kind="list", css="wide", width=40),
    Column("unpromoted_since", "任现职务层次以来", kind="month", css="nowrap", width=12),
    Column("collaborators", "合作者", kind="number", css="num", width=8),
)


def _community_name(index: int | None, digits: int) -> str:
    """社区07: numbered from 1 and zero-padded, so that the names sort as the numbers do."""
    return "—" if index is None else f"社区{index + 1:0{digits}d}"


@router.get("/network")
def network(request: Request, session: AnalyseDep) -> Response:
    result = data.analysis(request, "network", network_analysis)
    bridges = {b["cadre_id"] for b in result["bridges"]}
    quiet = {q["cadre_id"] for q in result["quiet_performers"]}

    def role(cadre_id: str) -> str:
        if cadre_id in bridges:
            return "桥梁人物"
        return "实绩突出但关注不够" if cadre_id in quiet else "—"

    digits = len(str(len(result["communities"])))
    communities: list[dict[str, Any]] = [
        {**c, "community_name": _community_name(c["community"], digits)}
        for c in result["communities"]
    ]
    members = [
        {**m, "community_name": c["community_name"], "role": role(m["cadre_id"])}
        for c in communities
        for m in c["members"]
    ]
    pages = page_tables(
        request,
        [
            (
                Table(
                    "communities",
                    "协作社区",
                    COMMUNITIES,
                    communities,
                    empty="协作网络中没有社区（没有共同项目或同一班子的干部）。",
                ),
                (),
            ),
            (
                Table(
                    "members",
                    "协作社区成员",
                    MEMBERS,
                    members,
                    subject="cadre_id",
                    empty="没有社区成员。",
                ),
                (),
            ),
            (
                Table(
                    "bridges",
                    "桥梁人物",
                    BRIDGES,
                    [
                        {**b, "community_name": _community_name(b["community"], digits)}
                        for b in result["bridges"]
                    ],
                    subject="cadre_id",
                    empty="没有符合口径的桥梁人物。",
                ),
                (),
            ),
            (
                Table(
                    "quiet",
                    "实绩突出但关注不够",
                    QUIET,
                    result["quiet_performers"],
                    subject="cadre_id",
                    empty="没有符合口径的干部。",
                ),
                (),
            ),
        ],
    )
    if isinstance(pages, Response):
        return pages
    shown(request, "analysis:network", [])
    chart = [(str(c["community"] + 1), float(c["size"])) for c in communities[:15]]
    return render(
        request,
        "network.html",
        title="协作网络",
        session=session,
        result=result,
        tables=pages,
        chart=chart,
    )


# ------------------------------------------------------------------ grouped expansion

GROUPED_LABELS = ("Unit", "Pool", "Specialty")  # nodes with many neighbours open as groups
_SPLIT = 30  # a group of more people than this is split by township, street or department
_TOP_KINDS = {"省", "市", "区县"}  # above the branch a person is grouped under
_NOUNS = {"Cadre": "人", "Mentor": "人"}  # the rest count in 个

# What a group of neighbours is called, by the edge and its direction seen from the node.
_GROUP_NAMES = {
    ("IN_UNIT", "in"): "岗位",
    ("PART_OF", "in"): "下属单位",
    ("PART_OF", "out"): "上级单位",
    ("ROTATED_TO", "in"): "交流轮岗干部",
    ("IN_POOL", "in"): "在库干部",
    ("IN_POOL", "out"): "所在干部库",
    ("HAS_SPECIALTY", "in"): "具备该专业的干部",
    ("HAS_SPECIALTY", "out"): "专业",
    ("HOLDS", "in"): "任职干部",
    ("MENTORS", "in"): "导师",
    ("MENTORS", "out"): "帮带对象",
    ("WORKED_ON", "in"): "参与干部",
}
_ENDED_NAMES = {"IN_POOL": "已出库", "ROTATED_TO": "曾", "HOLDS": "曾", "MENTORS": "已结束的"}


def _ended(edge: EdgeView, today: date) -> bool:
    end = edge.props.get("end")
    return end is not None and end <= today


def _branch(units: Mapping[str, Mapping[str, Any]], unit_id: str | None) -> str | None:
    """The township, street or department a unit belongs to (the unit under the district)."""
    seen: set[str] = set()
    current = unit_id
    while current and current not in seen:
        seen.add(current)
        parent = units.get(current, {}).get("parent_id")
        if not parent or units.get(parent, {}).get("kind") in _TOP_KINDS:
            return current
        current = parent
    return current


def _groups(request: Request, label: str, node_id: str) -> dict[str, list[EdgeView]] | Response:
    """The node's neighbours by group key ``TYPE.DIRECTION.LABEL.now|ended[.BRANCH]``."""
    if label not in GROUPED_LABELS:
        return JSONResponse({"detail": "该类节点不分组展开"}, status_code=400)
    store = data.store(request)
    if store.get_node(label, node_id) is None:
        return JSONResponse({"detail": f"找不到{LABEL_NAMES[label]} {node_id}"}, status_code=404)
    reveal = reveal_for(request.state.principal)
    today = date.today()
    groups: dict[str, list[EdgeView]] = defaultdict(list)
    for edge in store.edges_of(label, node_id):
        if shown_edge(edge, reveal):
            when = "ended" if _ended(edge, today) else "now"
            groups[f"{edge.type}.{edge.direction}.{edge.other_label}.{when}"].append(edge)
    directory = data.directory(request)
    split: dict[str, list[EdgeView]] = {}
    for key, edges in groups.items():
        if edges[0].other_label != "Cadre" or len(edges) <= _SPLIT:
            split[key] = edges
            continue
        for edge in edges:
            branch = _branch(directory.units, directory.unit_of.get(edge.other_id)) or "none"
            split.setdefault(f"{key}.{branch}", []).append(edge)
    return dict(sorted(split.items(), key=lambda kv: (kv[0].split(".")[:4], -len(kv[1]))))


def _group_name(request: Request, key: str, count: int) -> str:
    kind, direction, other, when, *branch = key.split(".")
    name = _GROUP_NAMES.get((kind, direction), f"{EDGE_NAMES.get(kind, kind)}·{LABEL_NAMES[other]}")
    if when == "ended":
        name = f"{_ENDED_NAMES.get(kind, '已结束')}{name.removeprefix('在库')}"
    if branch:
        units = data.directory(request).units
        where = units.get(branch[0], {}).get("name") if branch[0] != "none" else "无现职"
        name = f"{name} · {where or branch[0]}"
    return f"{name} {count}{_NOUNS.get(other, '个')}"


@router.get("/graph/groups/{label}/{node_id}")
def grouped(request: Request, session: ReadDep, label: str, node_id: str) -> Response:
    """A unit, pool or specialty and its neighbours as summary nodes (Cytoscape elements)."""
    groups = _groups(request, label, node_id)
    if isinstance(groups, Response):
        return groups
    store = data.store(request)
    root = f"{label}:{node_id}"
    elements = [node_element(label, node_id, store.get_node(label, node_id) or {})]
    people: list[str] = []
    for key, edges in groups.items():
        if len(edges) == 1:  # a group of one is the node itself
            edge = edges[0]
            props = store.get_nodes(edge.other_label, {edge.other_id}).get(edge.other_id, {})
            elements.append(node_element(edge.other_label, edge.other_id, props))
            elements.append(edge_element(root, edge))
            if edge.other_label in {"Cadre", "Mentor"}:
                people.append(edge.other_id)
            continue
        group_id = f"Group:{root}:{key}"
        elements.append(
            {
                "data": {
                    "id": group_id,
                    "label": _group_name(request, key, len(edges)),
                    "kind": "Group",
                    "kind_name": "分组",
                    "member_kind": edges[0].other_label,
                    "of": root,
                    "group": key,
                    "count": len(edges),
                }
            }
        )
        elements.append(
            {
                "data": {
                    "id": f"{root}|GROUP|{group_id}",
                    "source": root,
                    "target": group_id,
                    "label": "",
                    "type": "GROUP",
                }
            }
        )
    shown(request, "read_network", people)
    return JSONResponse(
        {"elements": elements, "grouped": True, "more": 0}, headers={"Cache-Control": "no-store"}
    )


@router.get("/graph/members/{label}/{node_id}")
def group_members(
    request: Request,
    session: ReadDep,
    label: str,
    node_id: str,
    group: Annotated[str, Query(max_length=120)],
) -> Response:
    """The members of one summary node (at most 40 at a time, and how many more)."""
    groups = _groups(request, label, node_id)
    if isinstance(groups, Response):
        return groups
    if group not in groups:
        return JSONResponse({"detail": "没有这个分组"}, status_code=404)
    store = data.store(request)
    edges = sorted(groups[group], key=lambda e: e.other_id)
    kept = edges[:NEIGHBOURS_SHOWN]
    other = kept[0].other_label if kept else "Cadre"
    found = store.get_nodes(other, {e.other_id for e in kept})
    group_id = f"Group:{label}:{node_id}:{group}"
    elements: list[dict[str, Any]] = []
    for edge in kept:
        elements.append(node_element(edge.other_label, edge.other_id, found.get(edge.other_id, {})))
        elements.append(edge_element(group_id, edge))
    people = [e.other_id for e in kept if e.other_label in {"Cadre", "Mentor"}]
    shown(request, "read_network", people)
    return JSONResponse(
        {"elements": elements, "more": max(len(edges) - NEIGHBOURS_SHOWN, 0)},
        headers={"Cache-Control": "no-store"},
    )
