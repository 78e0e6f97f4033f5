"""干部档案: search, a cadre's record with timeline, and the network that expands on click."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from api.web import data
from api.web.deps import PageError, allowed, reveal_for, shown
from api.web.render import render
from graphsvc.access import Session
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


@router.get("/cadres")
def search(
    request: Request,
    session: ReadDep,
    q: Annotated[str, Query(max_length=50)] = "",
    unit: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    directory = data.directory(request)
    if unit and unit not in directory.units:
        raise PageError(400, f"没有编号为 {unit} 的单位。")
    items, total = (
        directory.search_cadres(name=q or None, unit_id=unit or None, limit=50)
        if q or unit
        else ([], 0)
    )
    units = sorted(
        ((u["id"], u.get("name", u["id"])) for u in directory.units.values()),
        key=lambda u: u[0],
    )
    shown(request, "search_records", [item["id"] for item in items])
    return render(
        request,
        "cadres.html",
        title="干部档案",
        session=session,
        items=items,
        total=total,
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
        (
            e
            for e in store.edges_of(label, node_id)
            if e.other_label in LABEL_NAMES
            and e.type in EDGE_NAMES
            and (e.type != "RELATIVE_OF" or "kinship" in reveal)
            and (e.type != "RECORD_OF" or "supervision" in reveal)
        ),
        key=lambda e: (order.index(e.type), e.props.get("end") is not None, e.other_id),
    )
    kept = edges[:NEIGHBOURS_SHOWN]
    ids_by_label: dict[str, set[str]] = {}
    for edge in kept:
        ids_by_label.setdefault(edge.other_label, set()).add(edge.other_id)
    found = {other: store.get_nodes(other, ids) for other, ids in ids_by_label.items() if ids}

    def element(kind: str, key: str, props: dict[str, Any]) -> dict[str, Any]:
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

    elements = [element(label, node_id, node)]
    for edge in kept:
        elements.append(
            element(edge.other_label, edge.other_id, found[edge.other_label].get(edge.other_id, {}))
        )
        source, target = f"{label}:{node_id}", f"{edge.other_label}:{edge.other_id}"
        if edge.direction == "in":
            source, target = target, source
        ended = edge.props.get("end") is not None
        elements.append(
            {
                "data": {
                    "id": f"{source}|{edge.type}|{target}",
                    "source": source,
                    "target": target,
                    "label": EDGE_NAMES[edge.type] + ("（已结束）" if ended else ""),
                    "type": edge.type,
                }
            }
        )
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
