"""Imports from the page: files an editor uploaded, checked first, written on confirmation.

An upload is either forms and rosters (``.lrmx``, ``.lrm`` with its ``.pic``, a roster
``.xlsx``) or tables (``.csv`` named after a table, an ``.xlsx`` whose sheets are tables);
the two go through their own path, the same as ``graphsvc import-forms`` and
``graphsvc load``. :func:`review_upload` checks them against the graph (``write=False``: the
review the command prints) or writes them, all or nothing (``write=True``, after the
editor confirmed); both answer a JSON-able review with every problem's file, row and field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from graphsvc.model import edge_spec
from graphsvc.rows import EdgeRow, GraphBatch, NodeRow
from graphsvc.stores.base import GraphStore
from loaders.forms.importer import import_form_bytes
from loaders.forms.reading import UPLOAD_SUFFIXES
from loaders.load import LoadFailed, load_paths
from loaders.tables import TABLE_NAMES, SourceError, open_workbook, read_sources
from loaders.validate import LoadIssue, validate_tables

__all__ = ["UploadKind", "review_upload", "upload_kind"]

UploadKind = Literal["forms", "tables"]


def _is_table_workbook(path: Path) -> bool:
    try:  # within the reading limits (loaders.tables)
        book = open_workbook(path)
    except SourceError:  # damaged, too large or no workbook: the forms path says why
        return False
    try:
        return all(sheet.title.strip() in TABLE_NAMES for sheet in book.worksheets)
    finally:
        book.close()


def upload_kind(files: list[Path]) -> UploadKind | str:
    """``forms`` or ``tables``; otherwise why the upload cannot be taken (in Chinese)."""
    if not files:
        return "没有选择文件"
    unknown = [p.name for p in files if p.suffix.lower() not in {*UPLOAD_SUFFIXES, ".csv"}]
    if unknown:
        return (
            f"{'、'.join(unknown)} 不能导入：请上传 .lrmx/.lrm（及 .pic）任免审批表、"
            ".xlsx 花名册，或以表名命名的 .csv/.xlsx 数据表"
        )
    kinds = {
        "tables"
        if p.suffix.lower() == ".csv" or (p.suffix.lower() == ".xlsx" and _is_table_workbook(p))
        else "forms"
        for p in files
    }
    if len(kinds) > 1:
        return "任免审批表、花名册与数据表请分开上传（它们的导入和检查方式不同）"
    kind: UploadKind = "tables" if kinds == {"tables"} else "forms"
    return kind


def _problem(issue: LoadIssue) -> dict[str, Any]:
    return {
        "file": issue.source,
        "row": issue.row,
        "field": issue.column,
        "value": None if issue.value is None else str(issue.value),
        "reason": issue.reason,
    }


def _people(batch: GraphBatch) -> list[str]:
    """The cadres a batch of table rows names (for the audit)."""
    found: dict[str, None] = {}
    for node in batch.nodes:
        if isinstance(node, NodeRow):
            if node.label == "Cadre":
                found[node.id] = None
            elif node.props.get("cadre_id"):
                found[str(node.props["cadre_id"])] = None
    for edge in batch.edges:
        if isinstance(edge, EdgeRow):
            spec = edge_spec(edge.type)
            for label, cadre_id in ((spec.source, edge.source), (spec.target, edge.target)):
                if label == "Cadre":
                    found[cadre_id] = None
    return list(found)


def _tables(store: GraphStore, paths: list[Path], *, write: bool) -> dict[str, Any]:
    review: dict[str, Any] = {
        "kind": "tables",
        "files": len(paths),
        "rows": {},
        "problems": [],
        "warnings": [],
        "cadre_ids": [],
        "written": False,
        "dry_run": not write,
        "summary": {},
    }
    try:
        tables = read_sources(paths)
    except SourceError as error:
        review["problems"] = [
            {"file": error.source, "row": None, "field": None, "value": None,
             "reason": error.reason}
        ]  # fmt: skip
        return review
    validated = validate_tables(tables, store)
    review["rows"] = validated.rows_by_table
    review["problems"] = [_problem(issue) for issue in validated.issues]
    review["warnings"] = [_problem(issue) for issue in validated.warnings]
    review["cadre_ids"] = _people(validated.batch)
    if validated.issues or not write:
        return review
    try:  # the command's own load: validated again against the graph as it is now
        outcome = load_paths(store, paths, reuse_memo=False)
    except (LoadFailed, SourceError) as error:
        issues = (
            error.issues
            if isinstance(error, LoadFailed)
            else [LoadIssue(error.source, None, None, error.reason)]
        )
        review["problems"] = [_problem(issue) for issue in issues]
        return review
    review["written"] = True
    review["summary"] = outcome.summary.as_dict()
    return review


def review_upload(*, store: GraphStore, folder: Path, write: bool) -> dict[str, Any]:
    """Check (``write=False``) or write (``write=True``) the files uploaded into ``folder``.

    Returns
    -------
    dict
        ``kind`` (forms or tables), ``problems`` (each with ``file``, ``row`` where there is
        one, ``field``, ``value``, ``reason``), ``warnings``, ``cadre_ids`` (the people it
        touches), ``written``; forms add the import-forms review (``matched``, ``created``,
        ``ambiguous`` with its ``candidates``, ``closed``, ``proposals``, ``channels``),
        tables the rows read per table (``rows``).
    """
    paths = sorted(p for p in folder.iterdir() if p.is_file())
    kind = upload_kind(paths)
    if kind not in ("forms", "tables"):
        problem = {"file": None, "row": None, "field": None, "value": None, "reason": kind}
        return {"kind": None, "files": len(paths), "problems": [problem], "warnings": [],
                "cadre_ids": [], "written": False, "dry_run": not write}  # fmt: skip
    if kind == "tables":
        return _tables(store, paths, write=write)
    files = [(path.name, path.read_bytes()) for path in paths]
    report = import_form_bytes(store=store, files=files, dry_run=not write)
    return {"kind": "forms", **report.as_dict()}
