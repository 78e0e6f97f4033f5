"""Reading .lrmx forms (the form editor's version 3): XML, root ``Person``, pinyin element names.

A file that is not XML, is cut short, or has another root is a :class:`FormUnreadable`
with a reason in Chinese, never a crash.
"""

from __future__ import annotations

import base64
import binascii
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import defusedxml.ElementTree as defused
from defusedxml import DefusedXmlException

from graphsvc.form_layout import FAMILY_ELEMENTS
from loaders.forms.record import FamilyEntry, FormProblem, FormRecord, FormUnreadable

__all__ = ["FAMILY_ELEMENTS", "read_lrmx", "read_lrmx_bytes"]


def read_lrmx(path: Path) -> FormRecord:
    """Read one .lrmx file.

    Raises
    ------
    FormUnreadable
        The file is not well-formed XML, is truncated, or its root is not ``Person``.
    """
    return read_lrmx_bytes(path.read_bytes(), str(path))


def read_lrmx_bytes(data: bytes, source: str) -> FormRecord:
    """Read .lrmx content (an upload, or a file's bytes); ``source`` names it in problems."""
    if not data.strip():
        raise FormUnreadable(FormProblem(source, None, None, "文件为空，不是任免审批表"))
    data = _as_utf8(data)
    try:
        # defusedxml: no DTD at all (forms have none), so no entity can expand or fetch.
        root = defused.fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise FormUnreadable(
            FormProblem(source, None, None, "文件含有DTD或实体声明，出于安全原因拒绝读取")
        ) from None
    except ET.ParseError as error:
        line, column = error.position
        reason = (
            "文件不完整（在结尾处中断），可能在复制或保存时被截断"
            if _cut_short(data, line)
            else f"不是有效的 XML 文件（第{line}行第{column}列出错）"
        )
        raise FormUnreadable(FormProblem(source, None, None, reason)) from None
    if root.tag != "Person":
        raise FormUnreadable(
            FormProblem(source, "根元素", root.tag, "根元素应为 Person，这不是 .lrmx 任免审批表")
        )
    fields: dict[str, str] = {}
    family: list[FamilyEntry] = []
    photo: bytes | None = None
    for child in root:
        if child.tag == "JiaTingChengYuan":
            for item in child:
                values = {part.tag: (part.text or "").strip() for part in item}
                if not any(values.values()):
                    continue
                family.append(
                    FamilyEntry(
                        relation=values.get("ChengWei", ""),
                        name=values.get("XingMing", ""),
                        birth=values.get("ChuShengRiQi", ""),
                        politics=values.get("ZhengZhiMianMao", ""),
                        workplace=values.get("GongZuoDanWeiJiZhiWu", ""),
                    )
                )
        elif child.tag == "ZhaoPian":
            text = (child.text or "").strip()
            if text:
                try:
                    photo = base64.b64decode(text, validate=False)
                except (binascii.Error, ValueError):
                    photo = None  # a damaged photo does not stop the record
        else:
            fields[child.tag] = child.text or ""
    return FormRecord(source, fields, family, photo)


_DECLARED = re.compile(rb"^(\s*<\?xml[^>]*?encoding\s*=\s*[\"'])([A-Za-z0-9_\-]+)([\"'])")


def _as_utf8(data: bytes) -> bytes:
    """Expat cannot read multi-byte code pages: a form saved as GB2312/GBK is re-encoded."""
    match = _DECLARED.match(data)
    if match is None or match.group(2).lower().replace(b"-", b"") not in {
        b"gb2312",
        b"gbk",
        b"gb18030",
        b"cp936",
    }:
        return data
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return data  # let the parser say what is wrong
    head = match.group(1).decode("ascii") + "UTF-8" + match.group(3).decode("ascii")
    return (head + text[match.end() :]).encode("utf-8")


def _cut_short(data: bytes, line: int) -> bool:
    # Expat reports a truncated document at (or past) its last line.
    text = data.strip().removeprefix(b"\xef\xbb\xbf")
    if not text.startswith(b"<"):
        return False  # not XML at all
    return line >= text.count(b"\n") + 1 and not text.endswith(b"</Person>")
