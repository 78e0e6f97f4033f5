"""Appointments under way (任免建议): what a form proposes, and what a round's plan proposes.

A form's 拟任职务, 拟免职务, 任免理由, 呈报单位, 计算年龄时间 and 填表时间 make one
``Proposal`` of the person, linked to the post 拟任职务 names when the graph has it (one
post of that full name, or the one vacant among several). The same proposal from a later
form is the same record (its id is the cadre and the post, or the text when no post is
found). A proposal is 拟任 until the graph shows the person holding the post (已任命) or
someone withdraws it (撤回); a later import never takes back a decision.

:func:`create_proposals` makes proposals from (cadre, post, reason, unit, date), as a
saved round plan has them, through the loader's own validation: all or nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from graphsvc.stores.base import GraphStore
from graphsvc.vocab import ProposalStatus
from loaders.forms.batch import ImportBatch
from loaders.forms.people import Person
from loaders.forms.record import stable_id
from loaders.forms.units import OrgIndex, normalize_name
from loaders.load import LoadFailed, LoadOutcome, load_records
from loaders.validate import LoadIssue

__all__ = [
    "ProposalRequest",
    "ProposalsMade",
    "create_proposals",
    "proposal_id",
    "proposal_rows",
]

_NOTHING = {"", "无", "无。", "-", "—"}


def proposal_id(cadre_id: str, post_id: str | None, appoint: str | None, remove: str | None) -> str:
    """The id of a cadre's proposal: by the post proposed, else by the texts as written."""
    if post_id:
        key = f"post:{post_id}"
    elif appoint:
        key = f"text:{normalize_name(appoint)}"
    else:
        key = f"remove:{normalize_name(remove or '')}"
    return stable_id("PR", f"{cadre_id}|{key}")


def _text(value: str) -> str | None:
    text = value.replace("\r\n", "\n").strip()
    return None if text in _NOTHING else text


def _post_for(
    batch: ImportBatch, org: OrgIndex, where: str, text: str, on: date
) -> tuple[str | None, str]:
    """The post 拟任职务 names, and how it was found (for the review)."""
    found = org.find_posts(text)
    if len(found) == 1:
        return found[0], "按岗位全称匹配"
    vacant = [post_id for post_id in found if org.vacant(post_id, on)]
    if len(vacant) == 1:
        return vacant[0], f"同名岗位{len(found)}个，取其中空缺的一个"
    if found:
        batch.report.ambiguous.append(
            {
                "file": where,
                "kind": "拟任岗位",
                "text": text,
                "candidates": vacant or found,
                "note": "多个同名岗位都可能是拟任岗位，未关联岗位，按原文保存",
            }
        )
        return None, "同名岗位有多个，未关联岗位"
    return None, "图中没有这个岗位，按原文保存"


def proposal_rows(
    batch: ImportBatch,
    person: Person,
    org: OrgIndex,
    existing: dict[str, dict[str, Any]],
) -> None:
    """The proposal a form (or a roster row with 拟任职务) makes, and proposals of the person
    already under way that the career now shows were made (已任命)."""
    record = person.record
    appoint = _text(record.get("NiRenZhiWu"))
    remove = _text(record.get("NiMianZhiWu"))
    filled = batch.date(record, "TianBiaoShiJian")
    holding = {
        post_id: start for post_id, start, end in org.held.get(person.cadre_id, []) if end is None
    }
    holding.update(
        {row["post_id"]: row["start"] for row in person.holdings if row.get("end") is None}
    )
    made: set[str] = set()
    if appoint or remove:
        post_id, how = (
            _post_for(batch, org, record.where, appoint, filled or date.today())
            if appoint
            else (None, "只有拟免职务")
        )
        key = proposal_id(person.cadre_id, post_id, appoint, remove)
        made.add(key)
        kept = existing.get(key, {})
        status = str(kept.get("status") or ProposalStatus.PROPOSED.value)
        row = {
            "id": key,
            "cadre_id": person.cadre_id,
            "post_id": post_id,
            "appoint": appoint,
            "remove": remove,
            "reason": _text(record.get("RenMianLiYou")),
            "reporting_unit": _text(record.get("ChengBaoDanWei")),
            "date": filled,
            "age_date": batch.date(record, "JiSuanNianLingShiJian"),
            "status": status,
            "source": kept.get("source") or ("花名册" if record.kind == "roster" else "任免审批表"),
        }
        if status == ProposalStatus.PROPOSED and _appointed(row, holding):
            row["status"] = ProposalStatus.APPOINTED.value
        batch.add("proposals", record.where, row)
        batch.report.proposals.append(
            {
                "file": record.where,
                "cadre_id": person.cadre_id,
                "name": person.props.get("name"),
                "appoint": appoint,
                "post_id": post_id,
                "remove": remove,
                "status": row["status"],
                "note": how if key not in existing else f"{how}；更新已有的任免建议",
            }
        )
    for key, kept in existing.items():
        if key in made or kept.get("cadre_id") != person.cadre_id:
            continue
        if kept.get("status") == ProposalStatus.PROPOSED and _appointed(kept, holding):
            row = {**kept, "status": ProposalStatus.APPOINTED.value}
            batch.add("proposals", record.where, row)
            batch.report.proposals.append(
                {
                    "file": record.where,
                    "cadre_id": person.cadre_id,
                    "name": person.props.get("name"),
                    "appoint": kept.get("appoint"),
                    "post_id": kept.get("post_id"),
                    "remove": kept.get("remove"),
                    "status": row["status"],
                    "note": "表中已任该职务：任免建议改为已任命",
                }
            )


def _appointed(proposal: dict[str, Any], holding: dict[str, date]) -> bool:
    """Whether the person now holds the proposed post, since the proposal or after."""
    post_id = proposal.get("post_id")
    if not post_id or post_id not in holding:
        return False
    since = proposal.get("date")
    return since is None or holding[post_id] >= since.replace(day=1)


# ------------------------------------------------------------- from a round


@dataclass(frozen=True)
class ProposalRequest:
    """One proposed appointment, as a round's saved plan gives it."""

    cadre_id: str
    post_id: str
    reason: str = ""
    reporting_unit: str = ""
    date: date | None = None


@dataclass
class ProposalsMade:
    """What :func:`create_proposals` wrote (or, in a dry run, would write)."""

    ids: list[str] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    outcome: LoadOutcome | None = None  # None in a dry run


def _unit_chain(store: GraphStore, unit_id: str | None) -> list[dict[str, Any]]:
    chain: list[dict[str, Any]] = []
    seen: set[str] = set()
    while unit_id and unit_id not in seen:
        seen.add(unit_id)
        unit = store.get_node("Unit", unit_id)
        if unit is None:
            break
        chain.append(unit)
        unit_id = unit.get("parent_id")
    return chain[::-1]


def _post_text(store: GraphStore, post: dict[str, Any]) -> str:
    """A post as a form names it (``东江区兴口镇财政所所长``), as forms out of the graph do."""
    path = [normalize_name(u["name"]) for u in _unit_chain(store, post.get("unit_id"))]
    return OrgIndex.full_name(path, normalize_name(post["name"]))


def _current_title(store: GraphStore, cadre: dict[str, Any], on: date) -> str | None:
    if cadre.get("title"):
        return str(cadre["title"])
    held = [
        e.other_id
        for e in store.edges_of("Cadre", str(cadre["id"]))
        if e.type == "HOLDS"
        and e.props["start"] <= on
        and (e.props.get("end") is None or e.props["end"] > on)
    ]
    posts = store.get_nodes("Post", held)
    return "、".join(_post_text(store, posts[p]) for p in sorted(posts)) or None


def create_proposals(
    *,
    store: GraphStore,
    requests: Sequence[ProposalRequest] | Iterable[ProposalRequest],
    source: str = "整体方案",
    dry_run: bool = False,
) -> ProposalsMade:
    """Proposals (拟任) from (cadre, post, reason, unit, date), through the loader's validation.

    拟任职务 is the post's full name, 拟免职务 the cadre's current title (or posts) on the
    date, 计算年龄时间 and 填表时间 the date. A proposal already made for the same cadre and
    post is updated, never doubled; one already decided (已任命, 撤回) keeps its status.

    Parameters
    ----------
    store : GraphStore
        Read for the cadres and posts; written unless ``dry_run``.
    requests : sequence of ProposalRequest
        One per proposed appointment.
    source : str
        What made them (来源), e.g. the round plan's name.
    dry_run : bool
        Check everything, write nothing.

    Returns
    -------
    ProposalsMade
        The proposals' ids and rows.

    Raises
    ------
    loaders.load.LoadFailed
        An unknown cadre or post, or any other problem: nothing was written.
    """
    wanted = list(requests)
    cadres = store.get_nodes("Cadre", {r.cadre_id for r in wanted})
    posts = store.get_nodes("Post", {r.post_id for r in wanted})
    issues: list[LoadIssue] = []
    rows: list[dict[str, Any]] = []
    for number, request in enumerate(wanted, start=1):
        cadre, post = cadres.get(request.cadre_id), posts.get(request.post_id)
        if cadre is None:
            reason = f"没有编号为“{request.cadre_id}”的干部"
            issues.append(LoadIssue(source, number, "干部编号", reason, request.cadre_id))
        if post is None:
            reason = f"没有编号为“{request.post_id}”的岗位"
            issues.append(LoadIssue(source, number, "拟任岗位编号", reason, request.post_id))
        if cadre is None or post is None:
            continue
        on = request.date or date.today()
        key = proposal_id(request.cadre_id, request.post_id, None, None)
        kept = store.get_node("Proposal", key) or {}
        rows.append(
            {
                "id": key,
                "cadre_id": request.cadre_id,
                "post_id": request.post_id,
                "appoint": _post_text(store, post),
                "remove": _current_title(store, cadre, on),
                "reason": request.reason or None,
                "reporting_unit": request.reporting_unit or None,
                "date": on,
                "age_date": on,
                "status": kept.get("status") or ProposalStatus.PROPOSED.value,
                "source": source,
            }
        )
    if issues:
        raise LoadFailed(issues)
    made = ProposalsMade([row["id"] for row in rows], rows)
    if dry_run:
        return made
    made.outcome = load_records(store, "proposals", rows, source=source)
    return made
