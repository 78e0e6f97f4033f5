"""Loading input files into a store: read, validate everything, then write once.

A load with any problem writes nothing (the error lists every problem); a
clean load is one atomic store write, so loading the same files twice
changes nothing and a later load updates records by id.

A store may keep a memo of the last file load: the digest of its files (and of the code
and settings that validate them) and the graph version it left. Loading the same files
into a graph nobody has written to since is then recognised and answered from the memo,
without reading the files again; anything else (another byte in a file, another write,
another graphsvc) runs the whole load.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from graphsvc.rows import ProgressCallback, WriteSummary
from graphsvc.settings import get_settings
from graphsvc.stores.base import GraphStore
from loaders.tables import RawTable, ReadLimits, canonical_table, input_files, read_sources
from loaders.validate import IdNumberCheck, LoadIssue, validate_tables

__all__ = ["LoadFailed", "LoadOutcome", "load_paths", "load_records"]


class LoadFailed(Exception):
    """The input has problems; nothing was written."""

    def __init__(self, issues: list[LoadIssue]) -> None:
        super().__init__(f"输入有{len(issues)}处问题，未写入任何数据")
        self.issues = issues


@dataclass
class LoadOutcome:
    summary: WriteSummary
    rows_by_table: dict[str, int]
    warnings: list[LoadIssue]
    repeated: bool = False  # the same files into an unchanged graph: answered from the memo


@cache
def _code_digest() -> bytes:
    """The code that reads and validates input: a new graphsvc may judge the same files
    differently, so it never reuses an older load's memo."""
    import graphsvc.dates
    import graphsvc.id_number
    import graphsvc.model
    import graphsvc.vocab
    import loaders.columns
    import loaders.tables
    import loaders.validate

    digest = hashlib.sha256()
    for module in (graphsvc.dates, graphsvc.id_number, graphsvc.model, graphsvc.vocab,
                   loaders.columns, loaders.tables, loaders.validate):  # fmt: skip
        digest.update(Path(str(module.__file__)).read_bytes())
    return digest.digest()


def _input_digest(files: list[Path], check: str) -> str:
    digest = hashlib.sha256(_code_digest())
    digest.update(check.encode())
    for file in files:
        digest.update(f"\x00{file.name}\x00".encode())
        with file.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def _repeat(store: GraphStore, digest: str) -> LoadOutcome | None:
    """The outcome of the last load, when these are its files and nobody wrote since."""
    memo = store.load_memo()
    if not memo or memo.get("digest") != digest or memo.get("version") != store.version():
        return None
    return LoadOutcome(
        WriteSummary(unchanged=dict(memo["counts"])),
        dict(memo["rows_by_table"]),
        [LoadIssue(**warning) for warning in memo["warnings"]],
        repeated=True,
    )


def _remember(store: GraphStore, digest: str, outcome: LoadOutcome, *, version: int) -> None:
    counts: dict[str, int] = {}
    for bucket in (outcome.summary.created, outcome.summary.updated, outcome.summary.unchanged):
        for kind, count in bucket.items():
            counts[kind] = counts.get(kind, 0) + count
    store.remember_load(
        {
            "digest": digest,
            "version": version,
            "counts": counts,
            "rows_by_table": outcome.rows_by_table,
            "warnings": [warning.as_dict() for warning in outcome.warnings],
        }
    )


def load_paths(
    store: GraphStore,
    paths: list[Path],
    *,
    on_progress: ProgressCallback | None = None,
    id_number_check: IdNumberCheck | None = None,
    reuse_memo: bool = True,
    limits: ReadLimits | None = None,
) -> LoadOutcome:
    """Load folders of CSV files and .xlsx workbooks into ``store``, all or nothing.

    A repeat of the store's last load (same files, graph unchanged since) is answered from
    its memo unless ``reuse_memo`` is false.

    ``id_number_check`` (``"error"`` or ``"warn"``) overrides the setting
    ``GRAPHSVC_ID_NUMBER_CHECK`` for ID numbers with a wrong check digit or birth date;
    ``limits`` those of reading (:class:`loaders.tables.ReadLimits`, from the settings).
    A table with a header and no rows is a warning.

    Raises
    ------
    loaders.tables.SourceError
        A path cannot be read at all, or is past a limit (``TooLarge``).
    LoadFailed
        The rows have problems; ``issues`` lists each with source, row and column.
    """
    check = id_number_check or get_settings().id_number_check
    digest = _input_digest(input_files(paths), check)
    repeated = _repeat(store, digest) if reuse_memo else None
    if repeated is not None:
        return repeated
    tables = read_sources(paths, limits=limits)
    validated = validate_tables(tables, store, on_progress=on_progress, id_number_check=check)
    empty = [
        LoadIssue(table.source, None, None, "只有表头，没有数据行：这张表未导入任何记录")
        for table in tables
        if not len(table)
    ]
    del tables  # the batch holds what is needed; let the cells go before the write
    if validated.issues:
        raise LoadFailed(validated.issues)
    before = store.version()
    summary = store.write(validated.batch, on_progress=on_progress)
    outcome = LoadOutcome(summary, validated.rows_by_table, [*empty, *validated.warnings])
    # Remembered only when this write alone moved the version (no other writer in between).
    if store.version() == before + int(summary.changed):
        _remember(store, digest, outcome, version=before + int(summary.changed))
    return outcome


def load_records(
    store: GraphStore,
    table: str,
    records: list[dict[str, Any]],
    *,
    source: str = "request",
    id_number_check: IdNumberCheck | None = None,
) -> LoadOutcome:
    """Load rows given as mappings (Chinese or English field names, as in a file's header)
    into ``table``, with exactly the validation of a file load; all or nothing.

    Rows are numbered from 1 in the problems reported (``source``, row N).

    Raises
    ------
    loaders.tables.SourceError
        An unknown table.
    LoadFailed
        The rows have problems; nothing was written.
    """
    name = canonical_table(source, table)
    header = list(dict.fromkeys(key for record in records for key in record))
    rows = [
        (number, [record.get(key) for key in header])
        for number, record in enumerate(records, start=1)
    ]
    validated = validate_tables(
        [RawTable(name, source, header, rows)], store, id_number_check=id_number_check
    )
    if validated.issues:
        raise LoadFailed(validated.issues)
    summary = store.write(validated.batch)
    return LoadOutcome(summary, validated.rows_by_table, validated.warnings)
