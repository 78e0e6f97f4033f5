"""Writes a sample as the input format: one CSV per table with Chinese headers, and
``manifest.json`` beside them; or hands the same tables over in memory, as the loader
reads them (for checking a sample without writing it)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from graphsvc.dates import format_cadre_date
from graphsvc.model import EDGE_SPECS, NODE_SPECS
from loaders.sample.records import Sample
from loaders.tables import RawTable

__all__ = ["raw_tables", "write_sample"]

MONTH_FIELDS = frozenset(
    {"birth", "work_start", "party_date", "recruit_date", "level_since", "rank_since"}
)


def _cell(name: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, date):
        return format_cadre_date(value, with_day=name not in MONTH_FIELDS)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _tables(sample: Sample) -> Iterator[tuple[str, list[str], Iterator[list[str]]]]:
    """(table, Chinese header, rows of cells) for every table, in file order."""
    specs: list[tuple[str, Any]] = [(spec.table, spec.model) for spec in NODE_SPECS]
    specs += [(spec.table, spec.model) for spec in EDGE_SPECS if spec.table is not None]
    for table, model in specs:
        rows = sample.tables.get(table, [])
        fields = list(model.model_fields)
        header = [model.model_fields[name].title or name for name in fields]
        yield table, header, ([_cell(name, row.get(name)) for name in fields] for row in rows)


def write_sample(sample: Sample, out_dir: Path) -> list[Path]:
    """Write one CSV per table with Chinese headers, and ``manifest.json``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for table, header, rows in _tables(sample):
        path = out_dir / f"{table}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
        written.append(path)
    manifest = out_dir / "manifest.json"
    manifest.write_text(json.dumps(sample.manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    written.append(manifest)
    return written


def raw_tables(sample: Sample) -> list[RawTable]:
    """The tables :func:`write_sample` would write, as the loader reads them from its CSV files
    (row numbers from 2, after the header), without touching the disk."""
    return [
        RawTable(table, f"{table}.csv", header, list(enumerate(rows, start=2)), "csv")
        for table, header, rows in _tables(sample)
    ]
