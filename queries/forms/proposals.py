"""Appointments under way (在办任免): every proposal (任免建议) with its cadre and post.

Proposals come from forms (拟任职务 ...) and from rounds' plans; this lists them, those
still 拟任 first, with the cadre's current title, the post and its unit, for the cadre
section to follow them up.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from typing_extensions import TypedDict

from graphsvc.stores.base import GraphStore
from graphsvc.vocab import ProposalStatus
from queries.records import ProposalEntry, proposal_entry
from queries.results import CadreId

__all__ = ["ProposalRow", "ProposalsResult", "proposals_under_way"]


class ProposalRow(ProposalEntry):
    """One proposed appointment with the cadre it is for."""

    cadre_id: CadreId
    name: str | None
    title: str | None  # the cadre's current title
    unit_name: str | None  # the unit of the post proposed


class ProposalsResult(TypedDict):
    """Proposals by status (拟任 first), and how many of each there are."""

    items: list[ProposalRow]
    total: int
    by_status: dict[str, int]


_ORDER = {status.value: rank for rank, status in enumerate(ProposalStatus)}


def proposals_under_way(
    *, store: GraphStore, status: str | None = ProposalStatus.PROPOSED.value, limit: int = 500
) -> ProposalsResult:
    """Proposals (all, or those of one ``status``), latest first within each status.

    Parameters
    ----------
    store : GraphStore
        Read only.
    status : str or None
        拟任 (the default: appointments under way), 已任命, 撤回, or None for all.
    limit : int
        Rows listed at most (``total`` counts them all).
    """
    proposals = list(store.iter_nodes("Proposal"))
    by_status: dict[str, int] = {s.value: 0 for s in ProposalStatus}
    for proposal in proposals:
        key = str(proposal.get("status") or ProposalStatus.PROPOSED.value)
        by_status[key] = by_status.get(key, 0) + 1
    chosen = [p for p in proposals if status is None or p.get("status") == status]
    chosen.sort(key=lambda p: (p.get("date") or date.min, str(p["id"])), reverse=True)
    chosen.sort(key=lambda p: _ORDER.get(str(p.get("status")), len(_ORDER)))
    shown = chosen[:limit]
    cadres = store.get_nodes("Cadre", {str(p["cadre_id"]) for p in shown})
    posts = store.get_nodes("Post", {str(p["post_id"]) for p in shown if p.get("post_id")})
    units = store.get_nodes("Unit", {str(p["unit_id"]) for p in posts.values() if p.get("unit_id")})

    def row(p: dict[str, Any]) -> ProposalRow:
        cadre = cadres.get(str(p["cadre_id"]), {})
        post = posts.get(str(p.get("post_id")), {})
        unit = units.get(str(post.get("unit_id")), {})
        return {
            **proposal_entry(p, post),
            "cadre_id": str(p["cadre_id"]),
            "name": cadre.get("name"),
            "title": cadre.get("title"),
            "unit_name": unit.get("name"),
        }

    return {"items": [row(p) for p in shown], "total": len(chosen), "by_status": by_status}
