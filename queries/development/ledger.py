"""The cadre section's ledger: mentoring pairings and pool stays as recorded, and the rows an
editor's change to them writes.

Nothing is deleted. A pairing that ends keeps its end date, why it ended and who recorded
that; a pairing *undone* (recorded by mistake) ends on the day it started, so it was never in
force and no analysis counts it (every analysis reads a pairing as current from ``start``
until the day before ``end``). A pool stay ends the same way, with its exit reason.

The row builders check what the loader cannot (the pairing or stay exists, is still open,
dates in order, a reason given) and return the whole row to write: the stores replace an
edge's properties, so a row carries the fields it does not change as well. The caller writes
it through the loader's validation, one writer at a time (reading and writing under the
same lock), and audits it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Literal

from graphsvc.stores.base import GraphStore
from queries.development.data import DevelopmentData, Pairing
from queries.development.results import PairingEntry, PoolStayEntry

__all__ = [
    "EditRefused",
    "end_pairing_row",
    "enter_pool_row",
    "leave_pool_row",
    "new_pairing_row",
    "pairing_ledger",
    "pairing_state",
    "pool_ledger",
    "undo_pairing_row",
]

PairingState = Literal["current", "ended", "undone", "planned"]
STATE_NAMES: dict[str, str] = {
    "current": "进行中",
    "ended": "已结束",
    "undone": "已撤销",
    "planned": "未开始",
}
_REASON_MAX = 200


class EditRefused(ValueError):
    """A change that cannot be made, said in Chinese; ``status`` as HTTP would say it."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def pairing_state(pairing: Pairing, on: date) -> PairingState:
    """Whether a pairing is in force on ``on``, ended, undone (never in force) or to come."""
    if pairing.end is not None and pairing.end <= pairing.start:
        return "undone"
    if pairing.end is not None and pairing.end <= on:
        return "ended"
    return "current" if pairing.start <= on else "planned"


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def pairing_ledger(*, data: DevelopmentData) -> list[PairingEntry]:
    """Every pairing as recorded, the latest change first: both people, dates, state, who
    made and who ended it, and why it ended."""
    rows: list[PairingEntry] = []
    for pairing in data.pairings:
        mentor = data.mentors.get(pairing.mentor_id, {})
        rows.append(
            {
                "mentor_id": pairing.mentor_id,
                "mentor_name": mentor.get("name"),
                "mentor_kind": mentor.get("kind"),
                "mentor_cadre_id": mentor.get("cadre_id"),
                "mentee_id": pairing.mentee_id,
                "mentee_name": data.name(pairing.mentee_id),
                "mentee_unit": data.units.name(data.unit_of(pairing.mentee_id)),
                "start": pairing.start.isoformat(),
                "end": _iso(pairing.end),
                "end_reason": pairing.end_reason,
                "state": pairing_state(pairing, data.as_of),
                "recorded_by": pairing.recorded_by,
                "recorded_on": _iso(pairing.recorded_on),
                "ended_by": pairing.ended_by,
            }
        )
    # The latest change first: made, started or ended, whichever is latest.
    rows.sort(
        key=lambda r: (max(d for d in (r["recorded_on"], r["start"], r["end"]) if d), r["start"]),
        reverse=True,
    )
    return rows


def pool_ledger(*, data: DevelopmentData) -> list[PoolStayEntry]:
    """Every stay in a pool, current ones first, then the latest: who, since when, why they
    entered, when and why they left, and who recorded each."""
    rows: list[PoolStayEntry] = []
    for stay in data.stays:
        cadre = data.cadres.get(stay.cadre_id, {})
        age = data.age(stay.cadre_id)
        rows.append(
            {
                "cadre_id": stay.cadre_id,
                "name": data.name(stay.cadre_id),
                "pool_id": stay.pool_id,
                "pool_name": data.pools.get(stay.pool_id, {}).get("name"),
                "unit_name": data.units.name(data.unit_of(stay.cadre_id)),
                "age": round(age, 1) if age is not None else None,
                "birth": _iso(cadre.get("birth")),
                "level": cadre.get("level"),
                "channel": cadre.get("channel"),
                "active": cadre.get("status", "在职") == "在职",
                "start": stay.start.isoformat(),
                "end": _iso(stay.end),
                "current": stay.current(data.as_of),
                "entry_reason": stay.entry_reason,
                "exit_reason": stay.exit_reason,
                "recorded_by": stay.recorded_by,
                "ended_by": stay.ended_by,
            }
        )
    current = sorted((r for r in rows if r["current"]), key=lambda r: r["start"], reverse=True)
    past = sorted((r for r in rows if not r["current"]), key=lambda r: r["end"] or "", reverse=True)
    return current + past


# ------------------------------------------------------------------ changes


def _reason(text: str | None, what: str) -> str:
    reason = (text or "").strip()
    if not reason:
        raise EditRefused(f"请填写{what}。")
    if len(reason) > _REASON_MAX:
        raise EditRefused(f"{what}不超过{_REASON_MAX}个字。")
    return reason


def _not_after_today(day: date, today: date, what: str) -> None:
    if day > today:
        raise EditRefused(f"{what}（{day:%Y.%m.%d}）不能晚于今天（{today:%Y.%m.%d}）。")


def _cadre(store: GraphStore, cadre_id: str) -> Mapping[str, Any]:
    cadre = store.get_node("Cadre", cadre_id)
    if cadre is None:
        raise EditRefused(f"没有编号为 {cadre_id} 的干部。", status=404)
    return cadre


def _pairings(store: GraphStore, mentor_id: str, mentee_id: str) -> list[Mapping[str, Any]]:
    return [
        edge.props
        for edge in store.edges_of("Cadre", mentee_id)
        if edge.type == "MENTORS" and edge.other_id == mentor_id
    ]


def _row(mentor_id: str, mentee_id: str, props: Mapping[str, Any]) -> dict[str, Any]:
    """A pairing as the loader takes it: ids, then every property (dates as ISO text)."""
    row: dict[str, Any] = {"mentor_id": mentor_id, "mentee_id": mentee_id}
    for key, value in props.items():
        row[key] = value.isoformat() if isinstance(value, date) else value
    return row


def new_pairing_row(
    *, store: GraphStore, mentor_id: str, mentee_id: str, start: date, by: str, today: date
) -> dict[str, Any]:
    """A new pairing, recorded by ``by`` today; refused while the two are already paired."""
    _cadre(store, mentee_id)
    if store.get_node("Mentor", mentor_id) is None:
        raise EditRefused(f"没有编号为 {mentor_id} 的导师。", status=404)
    for props in _pairings(store, mentor_id, mentee_id):
        end = props.get("end")
        if end is None or end > today:
            raise EditRefused(
                f"该导师与帮带对象已在结对中（{props['start']:%Y.%m.%d}起），无需重复结对。",
                status=409,
            )
        if props["start"] == start:  # the same key: a new row would overwrite the kept one
            raise EditRefused(
                f"二人自 {start:%Y.%m.%d} 起的结对已结束或撤销"
                f"（{props.get('end_reason') or '未注明原因'}），记录保留不变；"
                "同一开始日期不能再登记一次。",
                status=409,
            )
    return {
        "mentor_id": mentor_id,
        "mentee_id": mentee_id,
        "start": start.isoformat(),
        "recorded_by": by,
        "recorded_on": today.isoformat(),
    }


def _open_pairing(
    store: GraphStore, mentor_id: str, mentee_id: str, start: date, today: date
) -> Mapping[str, Any]:
    _cadre(store, mentee_id)
    found = [p for p in _pairings(store, mentor_id, mentee_id) if p.get("start") == start]
    if not found:
        raise EditRefused(
            f"没有导师 {mentor_id} 自 {start:%Y.%m.%d} 起帮带 {mentee_id} 的结对记录。", status=404
        )
    props = found[0]
    end = props.get("end")
    if end is not None and end <= today:
        raise EditRefused(
            f"该结对已于 {end:%Y.%m.%d} 结束（{props.get('end_reason') or '未注明原因'}），"
            "记录保留不变。",
            status=409,
        )
    return props


def end_pairing_row(
    *,
    store: GraphStore,
    mentor_id: str,
    mentee_id: str,
    start: date,
    end: date,
    reason: str,
    by: str,
    today: date,
) -> dict[str, Any]:
    """The pairing ended on ``end`` for ``reason``, recorded by ``by``: kept, not deleted."""
    props = _open_pairing(store, mentor_id, mentee_id, start, today)
    why = _reason(reason, "结束原因")
    _not_after_today(end, today, "结束日期")
    if end <= start:
        raise EditRefused(
            f"结束日期须晚于结对开始日期（{start:%Y.%m.%d}）；误登记的结对请用“撤销”。"
        )
    return _row(mentor_id, mentee_id, {**props, "end": end, "end_reason": why, "ended_by": by})


def undo_pairing_row(
    *,
    store: GraphStore,
    mentor_id: str,
    mentee_id: str,
    start: date,
    reason: str,
    by: str,
    today: date,
) -> dict[str, Any]:
    """The pairing undone (recorded by mistake): it ends on the day it started, so it was
    never in force; the record and the reason stay."""
    props = _open_pairing(store, mentor_id, mentee_id, start, today)
    why = _reason(reason, "撤销原因")
    return _row(
        mentor_id,
        mentee_id,
        {**props, "end": start, "end_reason": f"撤销：{why}", "ended_by": by},
    )


def _stays(store: GraphStore, cadre_id: str) -> list[tuple[str, Mapping[str, Any]]]:
    return [
        (edge.other_id, edge.props)
        for edge in store.edges_of("Cadre", cadre_id)
        if edge.type == "IN_POOL"
    ]


def enter_pool_row(
    *,
    store: GraphStore,
    cadre_id: str,
    pool_id: str,
    start: date,
    reason: str,
    by: str,
    today: date,
) -> dict[str, Any]:
    """A cadre entering a pool on ``start`` for ``reason`` (入库), recorded by ``by``."""
    cadre = _cadre(store, cadre_id)
    if store.get_node("Pool", pool_id) is None:
        raise EditRefused(f"没有编号为 {pool_id} 的干部库。", status=404)
    if cadre.get("status", "在职") != "在职":
        raise EditRefused(f"{cadre.get('name')}（{cadre_id}）现为{cadre.get('status')}，不能入库。")
    why = _reason(reason, "入库原因")
    _not_after_today(start, today, "入库日期")
    for other, props in _stays(store, cadre_id):
        if other != pool_id:
            continue
        end = props.get("end")
        if end is None or end > today:
            raise EditRefused(
                f"{cadre.get('name')}（{cadre_id}）自 {props['start']:%Y.%m.%d} 起已在库中。",
                status=409,
            )
        if start <= end:
            raise EditRefused(f"入库日期须晚于该干部上次出库的日期（{end:%Y.%m.%d}）。", status=409)
    return {
        "cadre_id": cadre_id,
        "pool_id": pool_id,
        "start": start.isoformat(),
        "entry_reason": why,
        "recorded_by": by,
    }


def leave_pool_row(
    *,
    store: GraphStore,
    cadre_id: str,
    end: date,
    reason: str,
    by: str,
    today: date,
    pool_id: str | None = None,
) -> dict[str, Any]:
    """The cadre's open stay (in ``pool_id``, or the only one) ended on ``end`` for ``reason``
    (出库), recorded by ``by``: kept, not deleted."""
    cadre = _cadre(store, cadre_id)
    open_stays = [
        (other, props)
        for other, props in _stays(store, cadre_id)
        if (pool_id is None or other == pool_id)
        and (props.get("end") is None or props["end"] > today)
    ]
    if not open_stays:
        raise EditRefused(f"{cadre.get('name')}（{cadre_id}）目前不在库中。", status=409)
    if len(open_stays) > 1:
        raise EditRefused("该干部在多个干部库中，请指明出哪个库。")
    other, props = open_stays[0]
    why = _reason(reason, "出库原因")
    _not_after_today(end, today, "出库日期")
    if end <= props["start"]:
        raise EditRefused(f"出库日期须晚于入库日期（{props['start']:%Y.%m.%d}）。")
    row: dict[str, Any] = {"cadre_id": cadre_id, "pool_id": other}
    for key, value in {**props, "end": end, "exit_reason": why, "ended_by": by}.items():
        row[key] = value.isoformat() if isinstance(value, date) else value
    return row
