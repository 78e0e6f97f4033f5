"""干部档案: search, a cadre's record with timeline, and the network that expands on click."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any

import pyarrow as pa
import pyarrow.compute as pc
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from api.web import data
from api.web.deps import PageError, allowed, reveal_for, shown
from api.web.render import render
from api.web.tables import Column, Table
from graphsvc.access import Session
from graphsvc.stores.base import EdgeView
from queries.records import cadre_profile

router = APIRouter()

ReadDep = Annotated[Session, Depends(allowed("read"))]

# What the network shows, in Chinese, and in which order a node's neighbours are kept.
LABEL_NAMES = {
    "Cadre": "干部",
    "Post": "岗位",
    "Unit": "单位",
    "Mentor": "导师",
    "Project": "重大项目",
    "Pool": "干部库",
    "Specialty": "专业",
    "Supervision": "监督记录",
}
EDGE_NAMES = {
    "HOLDS": "任职",
    "IN_UNIT": "所属单位",
    "PART_OF": "上级单位",
    "MENTORS": "帮带",
    "WORKED_ON": "参与",
    "RELATIVE_OF": "亲属",
    "IN_POOL": "入库",
    "HAS_SPECIALTY": "专业",
    "RECORD_OF": "监督",
    "ROTATED_TO": "交流轮岗",
}
NEIGHBOURS_SHOWN = 40


# The search's columns: enough to tell namesakes apart (post, unit, birth month, level).
SEARCH_COLUMNS = (
    Column("name", "姓名", link="/cadres/{id}", css="nowrap", width=10),
    Column("gender", "性别", choices=True, width=6),
    Column("birth", "出生年月", kind="month", css="nowrap", width=10),
    Column("age", "年龄", kind="number", css="num", width=6),
    Column("post", "现任职务", css="wide", width=30),
    Column("unit_name", "单位", width=24),
    Column("level", "职务层次", choices=True, width=10),
    Column("rank", "职级", choices=True, width=14),
    Column("channel", "录用渠道", choices=True, width=14),
    Column("status", "状态", choices=True, width=8),
)


def people_index(request: Request) -> pa.Table:
    """Every cadre as one row of the search's columns (Arrow), built once per graph version."""
    directory = data.directory(request)

    def build() -> pa.Table:
        post_names = {p["id"]: str(p.get("name") or p["id"]) for p in directory.posts}
        posts_of: dict[str, list[str]] = {}
        for post_id, holders in directory.holders.items():
            for cadre_id in holders:
                posts_of.setdefault(cadre_id, []).append(post_names.get(post_id, post_id))
        units = directory.units
        cadres = directory.cadres
        today = directory.as_of
        columns: dict[str, list[Any]] = {
            "id": [c["id"] for c in cadres],
            "name": [c.get("name") for c in cadres],
            "gender": [c.get("gender") for c in cadres],
            "birth": [c.get("birth") for c in cadres],
            "age": [
                (today.year - b.year - ((today.month, today.day) < (b.month, b.day)))
                if isinstance(b := c.get("birth"), date)
                else None
                for c in cadres
            ],
            "post": [
                "、".join(sorted(posts_of.get(c["id"], []))) or c.get("title") for c in cadres
            ],
            "unit_id": [directory.unit_of.get(c["id"]) for c in cadres],
            "unit_name": [
                units.get(directory.unit_of.get(c["id"]) or "", {}).get("name") for c in cadres
            ],
            **{k: [c.get(k) for c in cadres] for k in ("level", "rank", "channel", "status")},
        }
        return pa.table(
            {k: pa.array(v, type=pa.date32() if k == "birth" else None) for k, v in columns.items()}
        )

    table: pa.Table = data.cached(request, ("web-people", directory.as_of), build)
    return table


def _units_under(units: dict[str, dict[str, Any]], top: str) -> set[str]:
    children: dict[str, list[str]] = {}
    for unit in units.values():
        if unit.get("parent_id"):
            children.setdefault(str(unit["parent_id"]), []).append(str(unit["id"]))
    found, todo = {top}, [top]
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def find_people(request: Request, q: str, unit: str = "") -> pa.Table:
    """Cadres whose name, post or unit holds every word of ``q``, within ``unit`` if given."""
    people = people_index(request)
    keep = None
    for word in q.split():
        hit = None
        for key in ("name", "post", "unit_name"):
            found = pc.fill_null(pc.match_substring(people.column(key), word), False)
            hit = found if hit is None else pc.or_(hit, found)
        keep = hit if keep is None else pc.and_(keep, hit)
    if unit:
        within = pa.array(sorted(_units_under(data.directory(request).units, unit)))
        inside = pc.fill_null(pc.is_in(people.column("unit_id"), value_set=within), False)
        keep = inside if keep is None else pc.and_(keep, inside)
    return people if keep is None else people.filter(keep)


@router.get("/cadres")
def search(
    request: Request,
    session: ReadDep,
    q: Annotated[str, Query(max_length=50)] = "",
    unit: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    directory = data.directory(request)
    if unit and unit not in directory.units:
        raise PageError(404, f"没有编号为 {unit} 的单位。")
    q = q.strip()
    found = find_people(request, q, unit)
    table = Table(
        "found",
        "干部查询结果" if q or unit else "干部名册",
        SEARCH_COLUMNS,
        found,
        subject="id",
        empty="没有找到符合条件的干部，可换一个字或词再查。",
        notes=[f"查询：{q}" if q else "全部干部"],
    )
    if (download := table.download(request)) is not None:
        return download
    view = table.view(request)
    units = sorted(
        ((u["id"], u.get("name", u["id"])) for u in directory.units.values()),
        key=lambda u: u[0],
    )
    shown(request, "search_records")
    return render(
        request,
        "cadres.html",
        title="干部档案",
        session=session,
        found=view,
        q=q,
        unit=unit,
        units=units,
    )


@router.get("/cadres/{cadre_id}")
def profile(request: Request, session: ReadDep, cadre_id: str) -> Response:
    store = data.store(request)
    reveal = reveal_for(session.principal)
    shown(request, "read_record", [cadre_id])
    record = cadre_profile(store=store, cadre_id=cadre_id, reveal=reveal)
    if record is None:
        raise PageError(404, f"没有编号为 {cadre_id} 的干部。")
    # Mentees: when this cadre is also a mentor.
    mentor_nodes, _ = store.list_nodes("Mentor", where={"cadre_id": cadre_id}, limit=5)
    mentee_edges = [
        (mentor["id"], edge)
        for mentor in mentor_nodes
        for edge in store.edges_of("Mentor", mentor["id"])
        if edge.type == "MENTORS"
    ]
    mentee_names = store.get_nodes("Cadre", {edge.other_id for _, edge in mentee_edges})
    today = date.today()
    mentees = [
        {
            "cadre_id": edge.other_id,
            "name": mentee_names.get(edge.other_id, {}).get("name"),
            "start": edge.props.get("start"),
            "end": edge.props.get("end"),
            "current": edge.props.get("end") is None or edge.props["end"] > today,
        }
        for _, edge in mentee_edges
    ]
    shown(
        request,
        "read_record",
        [str(m["cadre_id"]) for m in mentees]
        + [str(r["cadre_id"]) for r in record.get("relatives", [])]
        + [str(m["mentor_id"]) for m in record["mentors"]],
    )
    timeline = [
        (f"{h['post_name'] or h['post_id']}", h["start"], h["end"]) for h in record["post_history"]
    ]
    return render(
        request,
        "profile.html",
        title=f"干部档案 · {record['cadre'].get('name')}",
        session=session,
        record=record,
        cadre=record["cadre"],
        mentees=mentees,
        timeline=timeline,
        today=today,
        reveal=reveal,
    )


def shown_edge(edge: EdgeView, reveal: set[str]) -> bool:
    """Whether the network shows an edge to this reader (relatives, supervision by role)."""
    return (
        edge.other_label in LABEL_NAMES
        and edge.type in EDGE_NAMES
        and (edge.type != "RELATIVE_OF" or "kinship" in reveal)
        and (edge.type != "RECORD_OF" or "supervision" in reveal)
    )


def node_element(kind: str, key: str, props: Mapping[str, Any]) -> dict[str, Any]:
    """A node as Cytoscape draws it."""
    name = props.get("name") or props.get("kind") or key
    return {
        "data": {
            "id": f"{kind}:{key}",
            "label": str(name),
            "kind": kind,
            "kind_name": LABEL_NAMES[kind],
            "key": key,
        }
    }


def edge_element(near: str, edge: EdgeView) -> dict[str, Any]:
    """An edge from the element ``near`` (a node, or a summary of nodes) to the edge's other
    end, in the edge's own direction."""
    source, target = near, f"{edge.other_label}:{edge.other_id}"
    if edge.direction == "in":
        source, target = target, source
    ended = edge.props.get("end") is not None
    return {
        "data": {
            "id": f"{source}|{edge.type}|{target}",
            "source": source,
            "target": target,
            "label": EDGE_NAMES[edge.type] + ("（已结束）" if ended else ""),
            "type": edge.type,
        }
    }


@router.get("/graph/{label}/{node_id}")
def neighbours(request: Request, session: ReadDep, label: str, node_id: str) -> Response:
    """A node and its neighbours as Cytoscape elements (JSON), for the profile's graph."""
    if label not in LABEL_NAMES:
        return JSONResponse({"detail": "不支持的节点类型"}, status_code=400)
    reveal = reveal_for(session.principal)
    if label == "Supervision" and "supervision" not in reveal:
        return JSONResponse({"detail": "无权查看监督记录"}, status_code=403)
    store = data.store(request)
    node = store.get_node(label, node_id)
    if node is None:
        return JSONResponse({"detail": f"找不到{LABEL_NAMES[label]} {node_id}"}, status_code=404)
    order = list(EDGE_NAMES)
    edges = sorted(
        (e for e in store.edges_of(label, node_id) if shown_edge(e, reveal)),
        key=lambda e: (order.index(e.type), e.props.get("end") is not None, e.other_id),
    )
    kept = edges[:NEIGHBOURS_SHOWN]
    ids_by_label: dict[str, set[str]] = {}
    for edge in kept:
        ids_by_label.setdefault(edge.other_label, set()).add(edge.other_id)
    found = {other: store.get_nodes(other, ids) for other, ids in ids_by_label.items() if ids}
    elements = [node_element(label, node_id, node)]
    for edge in kept:
        props = found[edge.other_label].get(edge.other_id, {})
        elements.append(node_element(edge.other_label, edge.other_id, props))
        elements.append(edge_element(f"{label}:{node_id}", edge))
    shown(
        request,
        "read_network",
        [node_id] * (label in {"Cadre", "Mentor"})
        + sorted(ids_by_label.get("Cadre", set()) | ids_by_label.get("Mentor", set())),
    )
    return JSONResponse(
        {"elements": elements, "more": max(len(edges) - NEIGHBOURS_SHOWN, 0)},
        headers={"Cache-Control": "no-store"},
    )
