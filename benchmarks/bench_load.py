"""Benchmark loading files into the embedded store, beside bare baselines in the same run.

    python benchmarks/bench_load.py --folders DIR [DIR ...] --out docs/benchmarks-load.md

For each folder of CSV files (a `graphsvc sample`), each step runs in a fresh child process
(its peak memory is its own): the bare baselines — pandas reading every file as text, and
SQLite inserting as many rows of the same average size in one transaction — then a first
load into an empty store (phases: read, validate, write), a repeat of it (recognised from the
store's memo) and a full reload of the same files (read, validated and compared again).
On two shared cores only ratios are stable: load / (pandas read + SQLite insert).
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _peak_mb() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def step(name: str, folder: Path, store: Path) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    result: dict[str, Any] = {}
    started = time.perf_counter()
    if name == "pandas-read":
        import pandas as pd

        rows = 0
        for file in sorted(folder.glob("*.csv")):
            rows += len(pd.read_csv(file, dtype=str, keep_default_na=False, engine="pyarrow"))
        result["rows"] = rows
    elif name == "sqlite-insert":
        # As many rows as the load writes, each as long as the store's average row.
        written = json.loads((store.parent / f"{store.name}.rows.json").read_text())
        count, width = written["rows"], written["bytes_per_row"]
        rows = [("Cadre", f"n{i:09d}", "x" * width) for i in range(count)]
        started = time.perf_counter()
        conn = sqlite3.connect(store.parent / "bare.db", isolation_level=None)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("CREATE TABLE t (label TEXT, id TEXT, props TEXT, PRIMARY KEY (label, id))"
                     " WITHOUT ROWID")  # fmt: skip
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO t VALUES (?, ?, ?)", rows)
        conn.execute("COMMIT")
        conn.close()
        (store.parent / "bare.db").unlink()
        result["rows"] = count
    elif name in {"load", "repeat", "reload"}:
        from graphsvc.stores import open_store
        from loaders.load import load_paths

        marks: dict[str, float] = {}

        def progress(phase: str, done: int, total: int) -> None:
            marks.setdefault(phase, time.perf_counter())

        with open_store(str(store)) as graph:
            outcome = load_paths(graph, [folder], on_progress=progress,
                                 reuse_memo=name != "reload")  # fmt: skip
        ended = time.perf_counter()
        result["rows"] = sum(outcome.rows_by_table.values())
        result["written"] = sum(outcome.summary.created.values()) + sum(
            outcome.summary.updated.values()
        )
        result["repeated"] = outcome.repeated
        if "validate" in marks and "write" in marks:
            result["read_s"] = round(marks["validate"] - started, 2)
            result["validate_s"] = round(marks["write"] - marks["validate"], 2)
            result["write_s"] = round(ended - marks["write"], 2)
        if name == "load":
            conn = sqlite3.connect(store)
            count, size = conn.execute(
                "SELECT COUNT(*), AVG(LENGTH(props) + LENGTH(id)) FROM nodes"
            ).fetchone()
            edges, edge_size = conn.execute(
                "SELECT COUNT(*), AVG(LENGTH(props) + LENGTH(src) + LENGTH(dst)) FROM edges"
            ).fetchone()
            conn.close()
            width = round((count * size + edges * edge_size) / (count + edges))
            (store.parent / f"{store.name}.rows.json").write_text(
                json.dumps({"rows": count + edges, "bytes_per_row": width})
            )
    else:
        raise SystemExit(f"unknown step {name}")
    result["seconds"] = round(time.perf_counter() - started, 2)
    result["peak_mb"] = _peak_mb()
    return result


def run_child(name: str, folder: Path, store: Path) -> dict[str, Any]:
    output = subprocess.run(
        [sys.executable, __file__, "--step", name, "--folder", str(folder), "--store", str(store)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    figures: dict[str, Any] = json.loads(output.stdout.strip().splitlines()[-1])
    print(f"{name:>14} {folder.name}: {figures}", file=sys.stderr)
    return figures


def _sample(folder: Path) -> tuple[int, str]:
    """Cadres and seed of a sample folder (from its manifest)."""
    manifest = folder / "manifest.json"
    if manifest.exists():
        found = json.loads(manifest.read_text())
        return int(found["cadres"]), str(found.get("seed", ""))
    return sum(1 for _ in (folder / "cadres.csv").open(encoding="utf-8")) - 1, ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folders", type=Path, nargs="+", default=[])
    parser.add_argument("--work", type=Path, default=ROOT / "var" / "bench" / "load")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--store", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(step(args.step, args.folder, args.store)))
        return
    args.work.mkdir(parents=True, exist_ok=True)
    lines = [
        f"Measured {date.today()} on {platform.machine()}, CPython {platform.python_version()}, "
        f"by `python benchmarks/bench_load.py --folders {' '.join(str(f) for f in args.folders)}`.",
        "",
        "| cadres | seed | step | rows | seconds | read s | validate s | write s | peak MB "
        "| ratio |",
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for folder in args.folders:
        store = args.work / f"{folder.name}.db"
        for leftover in args.work.glob(f"{folder.name}.db*"):
            leftover.unlink()
        figures = {"load": run_child("load", folder, store)}
        for name in ("repeat", "reload", "pandas-read", "sqlite-insert"):
            figures[name] = run_child(name, folder, store)
        bare = figures["pandas-read"]["seconds"] + figures["sqlite-insert"]["seconds"]
        for name, row in figures.items():
            ratio = f"{row['seconds'] / bare:.1f}× bare" if name in {"load", "reload"} else ""
            cadres, seed = _sample(folder)
            lines.append(
                f"| {cadres:,} | {seed} | {name} | {row.get('rows', 0):,} | {row['seconds']} | "
                f"{row.get('read_s', '')} | {row.get('validate_s', '')} | "
                f"{row.get('write_s', '')} | {row['peak_mb']:,} | {ratio} |"
            )
    table = "\n".join(lines) + "\n"
    print(table)
    if args.out:
        args.out.write_text(
            "# Benchmark: loading files into the embedded store\n\n"
            + (__doc__ or "").split("\n\n", 1)[1]
            + "\n"
            + table,
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
