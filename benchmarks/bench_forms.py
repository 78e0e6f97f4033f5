"""Benchmark importing the sample district's forms and roster, each beside a bare baseline.

    python benchmarks/bench_forms.py --out docs/benchmarks-forms.md

- forms: the 3,000-cadre sample's forms (.lrmx, and .lrm with its .pic for every fifth),
  every one with a photo (about 20 KB), a dozen proposing a vacant post, imported into a
  store that holds the district's units, posts and specialties (a department setting
  up), through matching, validation and one atomic write. Baseline: plain parsing of the
  same files (ElementTree for .lrmx and its photo's base64, splitting the GB18030 text of
  .lrm and reading its .pic).
- roster: the sample's 3,000-row roster workbook, its header over two rows (学历学位 and
  毕业院校及专业 over 全日制 / 在职, 任职时间 over 职务 / 职级), imported into the store the
  forms made (every row matched, dates of every form). Baseline: ``pandas.read_excel`` of
  the same workbook with its two header rows (the openpyxl engine, as the importer reads it).
- a second import of the same forms (nothing changes: the idempotent path).
Aims: forms under 10 s, roster under 3 s.
"""

from __future__ import annotations

import argparse
import base64
import platform
import shutil
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graphsvc.stores import open_store  # noqa: E402
from loaders.forms.importer import import_forms  # noqa: E402
from loaders.load import load_records  # noqa: E402
from loaders.sample import generate_sample  # noqa: E402
from loaders.sample.forms import write_forms  # noqa: E402


def _timed(action: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def _bare_parse(folder: Path) -> int:
    count = 0
    for path in sorted(folder.iterdir()):
        if path.suffix == ".lrmx":
            root = ET.fromstring(path.read_bytes())
            base64.b64decode(root.findtext("ZhaoPian") or "")
            count += 1
        elif path.suffix == ".lrm":
            path.read_bytes().decode("gb18030").strip('"').split('","')
            path.with_suffix(".pic").read_bytes()
            count += 1
    return count


def run(cadres: int) -> dict[str, Any]:
    import pandas as pd

    sample = generate_sample(cadres=cadres, seed=7)
    with tempfile.TemporaryDirectory(prefix="bench-forms-") as folder:
        work = Path(folder)
        write_forms(sample, work)
        forms, roster = work / "forms", work / "roster" / "花名册.xlsx"
        files = sum(1 for p in forms.iterdir() if p.suffix in {".lrmx", ".lrm"})
        forms_mb = sum(p.stat().st_size for p in forms.iterdir()) / 1e6
        pics = [p.stat().st_size for p in forms.iterdir() if p.suffix == ".pic"]
        photo_kb = sum(pics) / len(pics) / 1024 if pics else 0.0
        store = open_store(str(work / "graph.db"))
        for table in ("units", "specialties", "posts"):
            rows = [{k: v for k, v in r.items() if v is not None} for r in sample.tables[table]]
            load_records(store, table, rows)
        bare_forms, _ = _timed(lambda: _bare_parse(forms))
        forms_s, report = _timed(lambda: import_forms(store=store, paths=[forms]))
        assert report.ok and report.written, report.problems[:3]
        again_s, again = _timed(lambda: import_forms(store=store, paths=[forms]))
        assert again.cadres["unchanged"] == len(sample.tables["cadres"])
        bare_roster, frame = _timed(lambda: pd.read_excel(roster, header=[1, 2], engine="openpyxl"))
        roster_s, read = _timed(lambda: import_forms(store=store, paths=[roster]))
        assert read.ok, read.problems[:3]
        store.close()
        shutil.rmtree(work, ignore_errors=True)
    return {
        "cadres": cadres,
        "files": files,
        "forms_s": forms_s,
        "bare_forms_s": bare_forms,
        "again_s": again_s,
        "roster_rows": len(read.cadre_ids),
        "sheet_rows": len(frame),
        "review": len(report.created),
        "roster_s": roster_s,
        "bare_roster_s": bare_roster,
        "created": report.cadres["created"],
        "relatives": report.summary.get("created", {}).get("RELATIVE_OF", 0),
        "holds": report.summary.get("created", {}).get("HOLDS", 0),
        "photos": report.summary.get("created", {}).get("Photo", 0),
        "photo_kb": photo_kb,
        "proposals": report.summary.get("created", {}).get("Proposal", 0),
        "forms_mb": forms_mb,
    }


def markdown(result: dict[str, Any], note: str = "") -> str:
    r = result
    return f"""# Benchmark: importing forms and rosters

`python benchmarks/bench_forms.py --out docs/benchmarks-forms.md` on {platform.machine()},
Python {platform.python_version()}, the embedded store, one process. The sample district
(seed 7, {r["cadres"]:,} cadres) writes its forms and roster with `loaders.sample.forms`;
the forms are imported into a store holding the district's units, posts and specialties.

| step | what | time | bare baseline | aim |
|---|---|---:|---:|---:|
| forms | {r["files"]:,} forms ({r["forms_mb"]:.0f} MB) → {r["created"]:,} cadres, {r["holds"]:,} posts held, {r["photos"]:,} photos (~{r["photo_kb"]:.0f} KB each), {r["proposals"]} proposals, {r["relatives"]:,} kinship edges, {r["review"]} units/posts created for review | {r["forms_s"]:.2f} s | {r["bare_forms_s"]:.2f} s (parse and decode the photos only) | < 10 s |
| forms again | the same files: every cadre unchanged, nothing written | {r["again_s"]:.2f} s | | |
| roster | {r["roster_rows"]:,} cadre rows under a header over two rows (学历学位, 毕业院校及专业 by 全日制/在职; 任职时间 by 职务/职级), of {r["sheet_rows"]:,} under it (a blank and a 合计 row too), every one matched | {r["roster_s"]:.2f} s | {r["bare_roster_s"]:.2f} s (`pandas.read_excel`, `header=[1, 2]`) | < 3 s |

Ratios to the bare baseline of the same run: forms {r["forms_s"] / r["bare_forms_s"]:.1f}×, roster {r["roster_s"] / r["bare_roster_s"]:.1f}×.

The import does per form what the baseline does (read the file) plus the 简历 parse, unit
and post matching, family matching against every cadre, and the loader's validation of
every row before one atomic write; the roster adds date reading and matching to the read.
Timings vary with the machine; the test suite never asserts them.{note and chr(10) + chr(10) + note}
"""  # noqa: E501


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cadres", type=int, default=3000)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--note", default="", help="A line on how the run was made.")
    args = parser.parse_args()
    result = run(args.cadres)
    text = markdown(result, args.note)
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
