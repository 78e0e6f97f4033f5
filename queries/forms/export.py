"""Writing forms to files: one cadre's form, or one per appointment of a round."""

from __future__ import annotations

import json
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from graphsvc.exports import UniqueNames, path_inside
from graphsvc.stores.base import GraphStore
from queries.forms.document import FormDocument, build_form
from queries.forms.html import render_html
from queries.forms.lrm import write_lrm
from queries.forms.lrmx import write_lrmx
from queries.forms.pdf import html_to_pdf

__all__ = ["FORM_FORMATS", "form_bytes", "round_documents", "write_form", "write_round_forms"]

FORM_FORMATS = ("lrmx", "lrm", "html", "pdf")
MEDIA_TYPES = {
    "lrmx": "application/xml",
    "lrm": "text/plain; charset=gb18030",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
}


def form_bytes(document: FormDocument, fmt: str) -> bytes:
    """The form in one of ``FORM_FORMATS``.

    Raises
    ------
    ValueError
        An unknown format.
    queries.forms.pdf.PdfUnavailable
        PDF asked for and Chromium cannot print.
    """
    if fmt == "lrmx":
        return write_lrmx(document)
    if fmt == "lrm":
        return write_lrm(document)
    if fmt == "html":
        return render_html(document).encode("utf-8")
    if fmt == "pdf":
        with tempfile.TemporaryDirectory() as folder:
            out = html_to_pdf(render_html(document), Path(folder) / "form.pdf")
            return out.read_bytes()
    raise ValueError(f"unknown form format {fmt!r}; use one of {', '.join(FORM_FORMATS)}")


def write_form(
    *,
    store: GraphStore,
    cadre_id: str,
    post_id: str | None,
    out: Path,
    as_of: date,
    reason: str = "",
    reporting_unit: str = "",
) -> Path:
    """Write the cadre's form to ``out``; the suffix (.lrmx/.lrm/.html/.pdf) picks the format.

    ``reason`` and ``reporting_unit`` fill 任免理由 and 呈报单位.
    """
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in FORM_FORMATS:
        raise ValueError(f"{out}: the suffix must be one of .lrmx, .lrm, .html, .pdf")
    document = build_form(
        store=store,
        cadre_id=cadre_id,
        post_id=post_id,
        as_of=as_of,
        reason=reason,
        reporting_unit=reporting_unit,
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(form_bytes(document, fmt))
    return out


def round_documents(
    *,
    store: GraphStore,
    plan: dict[str, Any],
    as_of: date,
    reporting_unit: str = "",
    reveal: frozenset[str] = frozenset({"id_number", "kinship", "supervision"}),
) -> list[tuple[dict[str, Any], FormDocument]]:
    """Each proposed appointment of a round (``match --all --json`` output) with its form:
    拟任 the post, 拟免 the current posts, 任免理由 the first reasons."""
    documents: list[tuple[dict[str, Any], FormDocument]] = []
    for item in plan.get("assignments", []):
        reasons = "；".join(str(r) for r in item.get("reasons", [])[:3])
        document = build_form(
            store=store,
            cadre_id=str(item["cadre_id"]),
            post_id=str(item["post_id"]),
            as_of=as_of,
            reveal=reveal,
            reason=reasons or "工作需要",
            reporting_unit=reporting_unit,
        )
        documents.append((item, document))
    return documents


def write_round_forms(
    *,
    store: GraphStore,
    plan: dict[str, Any] | Path,
    out_dir: Path,
    as_of: date,
    fmt: str = "lrmx",
    reporting_unit: str = "",
) -> list[Path]:
    """One form per proposed appointment of a round (``match --all --json`` output), each
    named ``岗位-干部编号-姓名.fmt`` made safe and unique inside ``out_dir``.

    Raises
    ------
    graphsvc.exports.OutsideFolder
        A name would be written outside ``out_dir`` (a link in it pointing elsewhere).
    """
    if isinstance(plan, Path):
        plan = json.loads(plan.read_text(encoding="utf-8"))
    assert isinstance(plan, dict)
    if fmt not in FORM_FORMATS:
        raise ValueError(f"unknown form format {fmt!r}; use one of {', '.join(FORM_FORMATS)}")
    written: list[Path] = []
    out_dir.mkdir(parents=True, exist_ok=True)
    names = UniqueNames()  # names, ids and all come from data: each made a safe, unique name
    for item, document in round_documents(
        store=store, plan=plan, as_of=as_of, reporting_unit=reporting_unit
    ):
        cadre_id, post_id = str(item["cadre_id"]), str(item["post_id"])
        name = str(item.get("name") or cadre_id)
        out = path_inside(out_dir, names(f"{post_id}-{cadre_id}-{name}", f".{fmt}"))
        out.write_bytes(form_bytes(document, fmt))
        written.append(out)
    return written
