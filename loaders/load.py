"""Loading input files into a store: read, validate everything, then write once.

A load with any problem writes nothing (the error lists every problem); a
clean load is one atomic store write, so loading the same files twice
changes nothing and a later load updates records by id.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graphsvc.rows import ProgressCallback, WriteSummary
from graphsvc.stores.base import GraphStore
from loaders.tables import RawTable, canonical_table, read_sources
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


def load_paths(
    store: GraphStore,
    paths: list[Path],
    *,
    on_progress: ProgressCallback | None = None,
    id_number_check: IdNumberCheck | None = None,
) -> LoadOutcome:
    """Load folders of CSV files and .xlsx workbooks into ``store``, all or nothing.

    ``id_number_check`` (``"error"`` or ``"warn"``) overrides the setting
    ``GRAPHSVC_ID_NUMBER_CHECK`` for ID numbers with a wrong check digit or birth date.

    Raises
    ------
    loaders.tables.SourceError
        A path cannot be read at all.
    LoadFailed
        The rows have problems; ``issues`` lists each with source, row and column.
    """
    tables = read_sources(paths)
    validated = validate_tables(
        tables, store, on_progress=on_progress, id_number_check=id_number_check
    )
    if validated.issues:
        raise LoadFailed(validated.issues)
    summary = store.write(validated.batch, on_progress=on_progress)
    return LoadOutcome(summary, validated.rows_by_table, validated.warnings)


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
