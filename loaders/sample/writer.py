"""Writes a sample as the input format: one CSV per table with Chinese headers, and
``manifest.json`` beside them."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path
from typing import Any

from graphsvc.dates import format_cadre_date
from graphsvc.model import EDGE_SPECS, NODE_SPECS
from loaders.sample.records import Sample

__all__ = ["write_sample"]

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


def write_sample(sample: Sample, out_dir: Path) -> list[Path]:
    """Write one CSV per table with Chinese headers, and ``manifest.json``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    specs: list[tuple[str, Any]] = [(spec.table, spec.model) for spec in NODE_SPECS]
    specs += [(spec.table, spec.model) for spec in EDGE_SPECS if spec.table is not None]
    written = []
    for table, model in specs:
        rows = sample.tables.get(table, [])
        fields = list(model.model_fields)
        path = out_dir / f"{table}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([model.model_fields[name].title or name for name in fields])
            for row in rows:
                writer.writerow([_cell(name, row.get(name)) for name in fields])
        written.append(path)
    manifest = out_dir / "manifest.json"
    manifest.write_text(json.dumps(sample.manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    written.append(manifest)
    return written
