"""The synthetic district as a department keeps it: one appointment form per cadre and a roster.

``write_forms(sample, out_dir)`` writes ``forms/`` (.lrmx for most cadres, .lrm with its
``.pic`` for every fifth; every form with a synthetic photo, the 简历 of 选调生 saying so,
and a dozen forms proposing a vacant post, 拟任) and ``roster/花名册.xlsx`` (a merged title
row, a header over two rows with the usual groupings: 学历学位 and 毕业院校及专业 over
全日制 / 在职, 任职时间 over 职务 / 职级; 序号 and 备注 columns, a 合计 row, dates as
Excel cells, text and numbers), so the demo and the tests import what a department would.
It only reads the Sample.
"""

from __future__ import annotations

import base64
import io
import xml.etree.ElementTree as ET
from collections import defaultdict
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from graphsvc.form_layout import LRM_POSITIONS, LRMX_ORDER
from graphsvc.vocab import LEVEL_ORDER
from loaders.forms.units import OrgIndex
from loaders.sample.catalogue import AS_OF

__all__ = ["photo_bytes", "photo_rows", "proposal_rows", "write_forms"]

_LRMX_ORDER = LRMX_ORDER
_LRM_POSITIONS = LRM_POSITIONS
_TITLES = {
    "配偶": ("丈夫", "妻子"), "父母": ("父亲", "母亲"), "子女": ("儿子", "女儿"),
    "兄弟姐妹": ("哥哥", "姐姐"), "配偶父母": ("岳父", "岳母"), "子女配偶": ("女婿", "儿媳"),
}  # fmt: skip
_BACK = {"配偶": "配偶", "父母": "子女", "子女": "父母", "兄弟姐妹": "兄弟姐妹",
         "配偶父母": "子女配偶", "子女配偶": "配偶父母"}  # fmt: skip
PROPOSED = 12  # forms proposing a vacant post, a district: the demo's appointments under way
PHOTO_VARIANTS = 4
PHOTO_EVERY = 50  # the tables keep every fiftieth cadre's photo; every form carries one


@cache
def photo_bytes(variant: int) -> bytes:
    """A synthetic one-inch portrait (a silhouette, no one's face), about 20 KB as the form
    editor keeps a photo; a few variants by background."""
    from PIL import Image, ImageDraw

    backgrounds = ((66, 132, 214), (214, 66, 66), (235, 235, 235), (80, 160, 120))
    image = Image.new("RGB", (295, 413), backgrounds[variant % len(backgrounds)])
    draw = ImageDraw.Draw(image)
    draw.pieslice((30, 220, 265, 520), 180, 360, fill=(40, 40, 60))  # shoulders
    draw.rectangle((120, 190, 175, 240), fill=(236, 200, 170))  # neck
    draw.ellipse((92, 70, 203, 200), fill=(236, 200, 170))  # face
    draw.ellipse((88, 60, 207, 130), fill=(30, 25, 20))  # hair
    # A scan's grain (~20 KB as a JPEG), from a seeded generator: the same sample, byte for byte.
    noise = np.random.default_rng(variant).normal(128, 40, (413, 295)).clip(0, 255)
    grain = Image.fromarray(noise.astype(np.uint8), "L").convert("RGB")
    image = Image.blend(image, grain, 0.15)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def _ym(value: object) -> str:
    return value.strftime("%Y%m") if isinstance(value, date) else ""


def _dotted(value: object) -> str:
    return value.strftime("%Y.%m") if isinstance(value, date) else ""


def _title(kind: str, gender: str) -> str:
    pair = _TITLES.get(kind, (kind, kind))
    return pair[1] if gender == "女" else pair[0]


def _forms(sample: Any, today: date) -> list[tuple[str, dict[str, Any]]]:
    tables: dict[str, list[dict[str, Any]]] = sample.tables
    org = OrgIndex(tables.get("units", []), tables.get("posts", []), {})
    cadres = {c["id"]: c for c in tables.get("cadres", [])}
    held: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in tables.get("post_history", []):
        held[row["cadre_id"]].append(row)
    rotations: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in tables.get("rotations", []):
        rotations[row["cadre_id"]].append(row)
    grades: dict[str, dict[int, str]] = defaultdict(dict)
    for row in tables.get("assessments", []):
        if row.get("quarter") is None and row.get("grade"):
            grades[row["cadre_id"]][int(row["year"])] = str(row["grade"])
    sanctions: dict[str, list[str]] = defaultdict(list)
    for row in tables.get("supervision", []):
        if row["kind"] not in {"关爱谈话", "提醒谈话"}:
            sanctions[row["cadre_id"]].append(f"{_dotted(row['date'])}受到{row['kind']}")
    specialty_names = {s["id"]: s["name"] for s in tables.get("specialties", [])}
    skills: dict[str, list[str]] = defaultdict(list)
    for row in tables.get("cadre_specialties", []):
        skills[row["cadre_id"]].append(specialty_names.get(row["specialty_id"], ""))
    current: dict[str, str] = {}
    for cadre_id, rows in held.items():
        open_posts = [r for r in rows if r.get("end") is None]
        if open_posts:
            current[cadre_id] = org.post_text(open_posts[-1]["post_id"])
    family: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for row in tables.get("kinship", []):
        me, other, kind = row["cadre_id"], row["relative_id"], str(row["relation"])
        for a, b, k in ((me, other, kind), (other, me, _BACK.get(kind, kind))):
            person = cadres.get(b)
            if person is None:
                continue
            family[a].append(
                (_title(k, str(person["gender"])), str(person["name"]), _ym(person["birth"]),
                 "中共党员" if person.get("party_date") else "群众",
                 current.get(b) or str(person.get("title") or ""))
            )  # fmt: skip
    proposals = {row["cadre_id"]: row for row in tables.get("proposals", [])}
    forms: list[tuple[str, dict[str, Any]]] = []
    for cadre_id, cadre in cadres.items():
        lines: list[str] = []
        for row in sorted(held.get(cadre_id, []), key=lambda r: r["start"]):
            end = _dotted(row.get("end")) or "       "
            lines.append(f"{_dotted(row['start'])}--{end}  {org.post_text(row['post_id'])}")
        if lines and cadre.get("channel") == "选调生":
            lines[0] += "（选调生）"  # as 简历 say it; read back as the 录用渠道
        for row in rotations.get(cadre_id, []):
            unit = org.unit_text(row["unit_id"])
            lines.append(
                f"                  (其间：{_dotted(row['start'])}--{_dotted(row.get('end'))}"
                f"在{unit}{row['kind']})"
            )
        fields = {
            "XingMing": cadre["name"],
            "XingBie": cadre["gender"],
            "ChuShengNianYue": _ym(cadre["birth"]),
            "MinZu": cadre.get("ethnicity") or "",
            "JiGuan": cadre.get("native_place") or "",
            "RuDangShiJian": _ym(cadre.get("party_date")),
            "CanJiaGongZuoShiJian": _ym(cadre["work_start"]),
            "JianKangZhuangKuang": "健康",
            "ShuXiZhuanYeYouHeZhuanChang": "熟悉" + "、".join(skills[cadre_id])
            if skills.get(cadre_id)
            else "",
            "QuanRiZhiJiaoYu_XueLi": cadre["education"],
            "QuanRiZhiJiaoYu_XueWei": cadre.get("degree") or "",
            "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi": cadre.get("school_major") or "",
            "ZaiZhiJiaoYu_XueLi": cadre.get("inservice_education") or "",
            "XianRenZhiWu": cadre.get("title") or current.get(cadre_id, ""),
            "JianLi": "\n".join(lines),
            "JiangChengQingKuang": "；".join(sanctions.get(cadre_id, [])) or "无",
            "NianDuKaoHeJieGuo": "；".join(
                f"{year}年度考核{grade}" for year, grade in sorted(grades[cadre_id].items())
            ),
            "ChengBaoDanWei": "区委组织部",  # over it: the proposal's own, if any
            "JiSuanNianLingShiJian": today.strftime("%Y%m"),
            "TianBiaoShiJian": today.strftime("%Y%m"),
            "TianBiaoRen": "（合成数据）",
            "ShenFenZheng": cadre.get("id_number") or "",
            "Version": "3.2.1.0",
            "family": family.get(cadre_id, []),
            "photo": photo_bytes(len(forms) % PHOTO_VARIANTS),
            **_proposal_fields(proposals.get(cadre_id)),
        }
        forms.append((cadre_id, fields))
    return forms


def _proposal_fields(row: dict[str, Any] | None) -> dict[str, str]:
    if row is None:
        return {}
    return {"NiRenZhiWu": row["appoint"], "NiMianZhiWu": row.get("remove") or "",
            "RenMianLiYou": row["reason"], "ChengBaoDanWei": row["reporting_unit"]}  # fmt: skip


def proposal_rows(tables: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """A dozen vacant leadership posts a district, each proposed (拟任) for the colleague in
    the same unit a step below the post, as the forms of those cadres say it."""
    from loaders.forms.proposals import proposal_id  # the id an import of the form gives

    org = OrgIndex(tables.get("units", []), tables.get("posts", []), {})
    held_now = {r["post_id"] for r in tables.get("post_history", []) if r.get("end") is None}
    current: dict[str, str] = {}
    unit_of = {p["id"]: str(p.get("unit_id")) for p in tables.get("posts", [])}
    by_unit: dict[str, list[str]] = defaultdict(list)
    for row in tables.get("post_history", []):
        if row.get("end") is None:
            current[row["cadre_id"]] = org.post_text(row["post_id"])
            by_unit[unit_of.get(row["post_id"], "")].append(row["cadre_id"])
    rank = {level.value: order for level, order in LEVEL_ORDER.items()}
    level_of = {c["id"]: rank.get(str(c.get("level")), 0) for c in tables.get("cadres", [])}
    districts = sum(1 for u in tables.get("units", []) if u.get("kind") == "区县")
    chosen: dict[str, dict[str, Any]] = {}
    for post in sorted(tables.get("posts", []), key=lambda p: p["id"]):
        if not post.get("leadership") or post["id"] in held_now:
            continue
        wanted = rank.get(str(post.get("level")), 0)
        # The colleague one step below the post (a deputy for the head's post), if any.
        people = sorted(
            (c for c in by_unit.get(str(post.get("unit_id")), []) if c not in chosen),
            key=lambda c: (abs(wanted - 1 - level_of.get(c, 0)), c),
        )
        if not people or len(chosen) >= PROPOSED * max(1, districts):
            continue
        appoint = org.post_text(post["id"])
        chosen[people[0]] = {
            "id": proposal_id(people[0], post["id"], appoint, None),
            "cadre_id": people[0],
            "post_id": post["id"],
            "appoint": appoint,
            "remove": current.get(people[0]) or None,
            "reason": "工作需要",
            "reporting_unit": "区委组织部",
            "date": AS_OF,
            "age_date": AS_OF,
            "status": "拟任",
            "source": "任免审批表",
        }
    return list(chosen.values())


def photo_rows(tables: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The photos the tables keep: every fiftieth cadre's (every form carries one)."""
    return [
        {"id": c["id"], "cadre_id": c["id"], "media_type": "image/jpeg",
         "data": base64.b64encode(photo_bytes(index % PHOTO_VARIANTS)).decode("ascii")}
        for index, c in enumerate(tables.get("cadres", []))
        if index % PHOTO_EVERY == 0
    ]  # fmt: skip


def _lrmx(fields: dict[str, Any]) -> bytes:
    root = ET.Element("Person")
    for name in _LRMX_ORDER:
        element = ET.SubElement(root, name)
        if name == "JiaTingChengYuan":
            for member in fields["family"]:
                item = ET.SubElement(element, "Item")
                for tag, value in zip(
                    ("ChengWei", "XingMing", "ChuShengRiQi", "ZhengZhiMianMao",
                     "GongZuoDanWeiJiZhiWu"), member, strict=True,
                ):  # fmt: skip
                    ET.SubElement(item, tag).text = value
        elif name == "ZhaoPian":
            element.text = base64.b64encode(fields["photo"]).decode("ascii")
        else:
            element.text = str(fields.get(name, ""))
    body: bytes = ET.tostring(root, encoding="utf-8")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body


def _lrm(fields: dict[str, Any]) -> bytes:
    parts = [""] * 33
    for position, name in _LRM_POSITIONS.items():
        parts[position] = str(fields.get(name, ""))
    parts[9] = f"{fields['QuanRiZhiJiaoYu_XueLi']}#{fields['QuanRiZhiJiaoYu_XueWei']}@" + (
        f"{fields['ZaiZhiJiaoYu_XueLi']}#"
    )
    parts[10] = f"{fields['QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi']}#@#"
    for offset in range(5):
        parts[20 + offset] = "@".join(member[offset] for member in fields["family"])
    return ('"' + '","'.join(parts) + '"').replace("\n", "\r\n").encode("gb18030")


def _roster(sample: Any, path: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    tables = sample.tables
    since: dict[str, date] = {}
    for row in tables.get("post_history", []):
        if row.get("end") is None:
            since[row["cadre_id"]] = row["start"]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "花名册"
    # The header over rows 2–3: groups merged across, single headers merged down.
    header = ["序号", "姓名", "性别", "民族", "出生年月", "籍贯", "入党时间", "参加工作时间",
              "学历学位", None, "毕业院校及专业", None, "现任职务", "现任职级", "任职时间", None,
              "身份证号", "备注"]  # fmt: skip
    below = [None] * 8 + ["全日制", "在职", "全日制", "在职", None, None, "职务", "职级"]
    below += [None, None]
    sheet.append(["（合成数据）区科级干部花名册"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(header)
    sheet.append(below)
    for column, (top, sub) in enumerate(zip(header, below, strict=True), start=1):
        if top and sub is None:
            sheet.merge_cells(start_row=2, start_column=column, end_row=3, end_column=column)
        elif top:
            sheet.merge_cells(start_row=2, start_column=column, end_row=2, end_column=column + 1)
    for number, cadre in enumerate(tables.get("cadres", []), start=1):
        birth, work = cadre["birth"], cadre["work_start"]
        party, started = cadre.get("party_date"), since.get(cadre["id"])
        # The forms departments really type: a date cell, text, and numbers (1990.1 = October).
        style = number % 4
        birth_cell: Any = (
            birth
            if style == 0
            else f"{birth:%Y.%m}"
            if style == 1
            else (birth.year + birth.month / 100 if style == 2 else int(f"{birth:%Y%m}"))
        )
        full_time = "\n".join(v for v in (cadre["education"], cadre.get("degree")) if v)
        rank_since = cadre.get("rank_since")
        sheet.append(
            [number, cadre["name"], cadre["gender"], cadre.get("ethnicity"), birth_cell,
             cadre.get("native_place"), f"{party:%Y.%m}" if party else None,
             f"{work.year}.{work.month}", full_time, cadre.get("inservice_education"),
             cadre.get("school_major"), None, cadre.get("title"), cadre.get("rank"), started,
             f"{rank_since:%Y.%m}" if rank_since else None, cadre.get("id_number"), None]
        )  # fmt: skip
        if style == 0:
            sheet.cell(row=sheet.max_row, column=5).number_format = "yyyy.mm"
    sheet.append([])
    sheet.append(["合计", f"{len(tables.get('cadres', []))}人"])
    book.save(path)
    return path


def write_forms(sample: Any, out_dir: Path, *, today: date | None = None) -> list[Path]:
    """Write the sample's forms into ``out_dir/forms`` and its roster as
    ``out_dir/roster/花名册.xlsx`` (folders of their own: ``graphsvc load out_dir`` reads the
    tables beside them and would take a workbook there for a table).

    Parameters
    ----------
    sample : loaders.sample.Sample
        Read only (its ``tables``).
    out_dir : Path
        Created if missing.
    today : date, optional
        填表时间 and 计算年龄时间; the sample's default reference day if not given.

    Returns
    -------
    list of Path
        Every file written.
    """
    day = today or date(2026, 11, 1)
    folder = out_dir / "forms"
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    forms = _forms(sample, day)
    # .lrm has no ID number: only people whose name and birth tell them apart get one.
    seen: dict[tuple[str, str], int] = defaultdict(int)
    for _, fields in forms:
        seen[(fields["XingMing"], fields["ChuShengNianYue"])] += 1
    for index, (cadre_id, fields) in enumerate(forms):
        if index % 5 == 4 and seen[(fields["XingMing"], fields["ChuShengNianYue"])] == 1:
            path = folder / f"{cadre_id}-{fields['XingMing']}.lrm"
            path.write_bytes(_lrm(fields))
            path.with_suffix(".pic").write_bytes(fields["photo"])
            written.extend([path, path.with_suffix(".pic")])
        else:
            path = folder / f"{cadre_id}-{fields['XingMing']}.lrmx"
            path.write_bytes(_lrmx(fields))
            written.append(path)
    (out_dir / "roster").mkdir(parents=True, exist_ok=True)
    written.append(_roster(sample, out_dir / "roster" / "花名册.xlsx"))
    return written
