"""A person's career from their form: posts held, secondments, and what the 简历 leaves out.

Each period of the 简历 is a post held (``HOLDS``), matched to a post of the graph or
created along its units (:mod:`loaders.forms.units`); each ``(其间: ...)`` note is a
secondment or rotation (``ROTATED_TO``) with its role. A roster row gives only the
current post (任现职时间). Lines no rule can read stay on the cadre, each with the
period it follows, so the form written out again keeps them in their place.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from graphsvc.form_layout import placed_line
from loaders.forms.batch import ImportBatch
from loaders.forms.people import Person
from loaders.forms.resume import parse_resume
from loaders.forms.units import OrgIndex

__all__ = ["career_rows"]


def _report_units(
    batch: ImportBatch, org: OrgIndex, where: str, units: list[dict[str, Any]], note: str
) -> None:
    for unit in units:
        if unit["id"] in batch.seen:
            continue
        batch.seen.add(unit["id"])
        unit["_source"] = where
        parent = unit.get("parent_id")
        batch.report.created.append(
            {
                "file": where,
                "kind": "单位",
                "id": unit["id"],
                "name": unit["name"],
                "parent": " / ".join(org.unit_path(parent)) if parent else None,
                "note": note,
            }
        )


def career_rows(batch: ImportBatch, person: Person, org: OrgIndex) -> None:
    """The posts held and secondments the person's record gives, as table rows."""
    record = person.record
    where = record.where
    holdings: dict[tuple[str, date], dict[str, Any]] = {}

    def hold(text: str, start: date, end: date | None) -> None:
        match = org.match_post(text, cadre_id=person.cadre_id, start=start, end=end)
        holdings[(match.post_id, start)] = {
            "cadre_id": person.cadre_id,
            "post_id": match.post_id,
            "start": start,
            "end": end,
        }
        if end is None:
            person.current_posts.append(match.post_id)
        _report_units(batch, org, where, match.created_units, f"由“{text}”推断，待核实")
        if match.created:
            function = org.new_posts[match.post_id].get("function")
            if match.post_id not in batch.seen:
                batch.seen.add(match.post_id)
                org.new_posts[match.post_id]["_source"] = where
                batch.report.created.append(
                    {
                        "file": where,
                        "kind": "岗位",
                        "id": match.post_id,
                        "name": match.post_name,
                        "parent": match.unit_path,
                        "note": f"由“{text}”推断（职能：{function}），待核实",
                    }
                )
        else:
            batch.report.matched.append(
                {
                    "file": where,
                    "kind": "岗位",
                    "text": text,
                    "id": match.post_id,
                    "name": f"{match.post_name}（{match.unit_path}）",
                    "note": "按规范化名称匹配",
                }
            )

    if record.kind == "roster":
        title = record.get("XianRenZhiWu")
        since = batch.date(record, "RenXianZhiShiJian")
        if title and since is not None:
            hold(title, since, None)
        elif title:
            batch.warn(record, "RenXianZhiShiJian", None, "没有任现职时间，现任职务未建立任职经历")
    else:
        resume = parse_resume(record.get("JianLi"))
        for entry in resume.posts:
            hold(entry.text, entry.start, entry.end)
        for note in resume.notes:
            unit_id, created = org.match_unit(note.text)
            _report_units(batch, org, where, created, f"由挂职/交流“{note.text}”推断，待核实")
            batch.add(
                "rotations",
                where,
                {
                    "cadre_id": person.cadre_id,
                    "unit_id": unit_id,
                    "kind": note.kind,
                    "start": note.start,
                    "end": note.end,
                    "role": note.role or None,
                },
            )
        for number, line in resume.unread:
            batch.warn(
                record,
                "JianLi",
                line,
                f"简历第{number}行无法识别，已原样保存在干部记录（未识别简历）中，请核对",
            )
        kept = [placed_line(after, line) for after, line in resume.anchors()]
        person.props["resume_unread"] = "\n".join(kept) or None
    for row in holdings.values():
        batch.add("post_history", where, row)
    person.holdings = list(holdings.values())
    if record.kind == "form" and person.existing is not None and holdings:
        _close_dropped(batch, person, org, holdings)
    if person.existing is None and person.current_posts:
        post = org.posts.get(person.current_posts[-1]) or org.new_posts[person.current_posts[-1]]
        if post.get("level"):
            person.props["level"] = post["level"]


def _close_dropped(
    batch: ImportBatch,
    person: Person,
    org: OrgIndex,
    holdings: dict[tuple[str, date], dict[str, Any]],
) -> None:
    """A newer form's career wins: a post the graph has this person holding that the form no
    longer lists (not that period, nor the post as held now) is closed at the form's date;
    only this person's, only posts begun before the form."""
    record = person.record
    held_now = {post_id for (post_id, _), row in holdings.items() if row["end"] is None}
    dropped = [
        (post_id, start)
        for post_id, start, end in org.held.get(person.cadre_id, [])
        if end is None and (post_id, start) not in holdings and post_id not in held_now
    ]
    if not dropped:
        return
    filled = batch.date(record, "TianBiaoShiJian")
    for post_id, start in sorted(dropped, key=lambda item: item[1]):
        text = org.post_text(post_id) if post_id in org.posts else post_id
        if filled is None or start >= filled:
            why = "本表没有填表时间" if filled is None else "任职始于填表时间之后"
            batch.warn(
                record,
                "JianLi",
                text,
                f"图中在任的“{text}”本表未列出，{why}，未免职，请核对",
            )
            continue
        batch.add(
            "post_history",
            record.where,
            {"cadre_id": person.cadre_id, "post_id": post_id, "start": start, "end": filled},
        )
        batch.report.closed.append(
            {
                "file": record.where,
                "cadre_id": person.cadre_id,
                "name": person.props.get("name"),
                "post_id": post_id,
                "post": text,
                "start": start,
                "end": filled,
                "note": f"填表时间较新的表不再列出此任职，按填表时间{filled:%Y.%m.%d}免职",
            }
        )
