"""Reading .lrm forms (the form editor's version 2): one GB2312/GB18030 text of quoted fields.

Fields are joined by ``","``; inside a field ``@`` separates full-time from in-service
education and ``#`` 学历 from 学位; the family columns are ``@``-joined lists. The photo
is the ``.pic`` file beside the form. Positions follow ``docs/forms.md``.
"""

from __future__ import annotations

from pathlib import Path

from graphsvc.form_layout import LRM_FIELD_COUNT, LRM_POSITIONS
from loaders.forms.record import FamilyEntry, FormProblem, FormRecord, FormUnreadable

__all__ = ["FIELD_COUNT", "LRM_POSITIONS", "decode_form_text", "read_lrm", "read_lrm_bytes"]

FIELD_COUNT = LRM_FIELD_COUNT


def decode_form_text(data: bytes, source: str) -> str:
    """UTF-8 when the bytes are valid UTF-8 (a re-saved file), else GB18030 (covers GB2312)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise FormUnreadable(
            FormProblem(source, None, None, "文件既不是 GB18030/GB2312 也不是 UTF-8 文本")
        ) from None


def read_lrm(path: Path) -> FormRecord:
    """Read one .lrm file and the ``.pic`` photo beside it (if any).

    Raises
    ------
    FormUnreadable
        The text is not a quoted field list or has fewer fields than the format has.
    """
    photo_path = path.with_suffix(".pic")
    if not photo_path.exists():
        photo_path = path.with_suffix(".PIC")
    photo = photo_path.read_bytes() if photo_path.exists() else None
    return read_lrm_bytes(path.read_bytes(), str(path), photo=photo)


def read_lrm_bytes(data: bytes, source: str, *, photo: bytes | None = None) -> FormRecord:
    """Read .lrm content; ``source`` names it in problems."""
    text = decode_form_text(data, source).strip().strip("\x00").strip()
    if not text:
        raise FormUnreadable(FormProblem(source, None, None, "文件为空，不是任免审批表"))
    if not text.startswith('"'):
        raise FormUnreadable(
            FormProblem(
                source, None, text[:20], '不是 .lrm 任免审批表（应为以 "," 分隔的带引号字段）'
            )
        )
    if not text.endswith('"'):
        raise FormUnreadable(
            FormProblem(
                source, None, text[-20:], "文件不完整（最后一个字段没有结束引号），可能被截断"
            )
        )
    parts = text[1:-1].split('","')
    if len(parts) < FIELD_COUNT:
        raise FormUnreadable(
            FormProblem(
                source,
                None,
                str(len(parts)),
                f"文件不完整：只有{len(parts)}个字段，.lrm 任免审批表应有{FIELD_COUNT}个",
            )
        )
    fields = {name: parts[position] for position, name in LRM_POSITIONS.items()}
    full_time, _, in_service = parts[9].partition("@")
    schools_full, _, schools_in = parts[10].partition("@")
    for prefix, education, schools in (
        ("QuanRiZhiJiaoYu", full_time, schools_full),
        ("ZaiZhiJiaoYu", in_service, schools_in),
    ):
        level, _, degree = education.partition("#")
        level_school, _, degree_school = schools.partition("#")
        fields[f"{prefix}_XueLi"] = level
        fields[f"{prefix}_XueWei"] = degree
        fields[f"{prefix}_XueLi_BiYeYuanXiaoXi"] = level_school
        fields[f"{prefix}_XueWei_BiYeYuanXiaoXi"] = degree_school
    columns = [parts[position].split("@") for position in range(20, 25)]
    family: list[FamilyEntry] = []
    for index in range(max(len(column) for column in columns)):
        cells = [column[index].strip() if index < len(column) else "" for column in columns]
        if any(cells):
            family.append(FamilyEntry(*cells))
    return FormRecord(source, fields, family, photo)
