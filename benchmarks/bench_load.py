"""Benchmark loading files into the embedded store, beside bare baselines in the same run.

    python benchmarks/bench_load.py --folders DIR [DIR ...] [--rounds N] [--out FILE.md]

For each folder of CSV files (a `graphsvc sample`), each step runs in a fresh child process
(its peak memory is its own), round after round:

- the bare baselines: pandas reading every file as text (its Arrow engine), and SQLite
  inserting as many rows as the load writes, each as long as the store's average row, in one
  transaction (WAL, `synchronous=FULL`, as the store);
- **load**: a first load into an empty store through `loaders.load.load_paths` (phases: read,
  validate, write);
- **cli**: `graphsvc load DIR --store NEW` end to end in its own process (interpreter start,
  imports, the load, and the analysis snapshot the command writes after it);
- once per folder: a repeat of the load (recognised from the store's memo) and a full reload of
  the same files (read, validated and compared again).

Each step reports wall-clock seconds and CPU seconds (user + system, its own process and its
children). On two cores shared with other work the absolute figures move with the machine's
load; the ratios to the bare baseline of the same round are the figures to compare: load /
(pandas read + SQLite insert), by wall clock and by CPU time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _peak_mb() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def _cpu_seconds() -> float:
    """CPU seconds (user + system) of this process and the children it waited for."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def _fresh(store: Path) -> None:
    """No store (nor its WAL, memo or snapshot) left from an earlier step."""
    for leftover in store.parent.glob(f"{store.name}*"):
        if leftover.is_dir():
            shutil.rmtree(leftover)
        else:
            leftover.unlink()


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
        written = json.loads((store.parent / f"{folder.name}.rows.json").read_text())
        count, width = written["rows"], written["bytes_per_row"]
        rows = [("Cadre", f"n{i:09d}", "x" * width) for i in range(count)]
        bare = store.parent / f"{folder.name}.bare.db"
        _fresh(bare)
        conn = sqlite3.connect(bare, isolation_level=None)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("CREATE TABLE t (label TEXT, id TEXT, props TEXT, PRIMARY KEY (label, id))"
                     " WITHOUT ROWID")  # fmt: skip
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO t VALUES (?, ?, ?)", rows)
        conn.execute("COMMIT")
        conn.close()
        _fresh(bare)
        result["rows"] = count
    elif name == "cli":
        _fresh(store)
        done = subprocess.run(
            [sys.executable, "-m", "cli", "load", str(folder), "--store", str(store), "--json"],
            cwd=ROOT, capture_output=True, text=True, check=True,
        )  # fmt: skip
        answer = json.loads(done.stdout)
        result["rows"] = sum(answer["rows"].values())
        result["peak_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    elif name in {"load", "repeat", "reload"}:
        if name == "load":
            _fresh(store)
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
            (store.parent / f"{folder.name}.rows.json").write_text(
                json.dumps({"rows": count + edges, "bytes_per_row": width})
            )
    else:
        raise SystemExit(f"unknown step {name}")
    result["seconds"] = round(time.perf_counter() - started, 2)
    result["cpu_s"] = round(_cpu_seconds(), 2)
    result.setdefault("peak_mb", _peak_mb())
    return result


def run_child(name: str, folder: Path, store: Path) -> dict[str, Any]:
    output = subprocess.run(
        [sys.executable, __file__, "--step", name, "--folder", str(folder), "--store", str(store)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    figures: dict[str, Any] = json.loads(output.stdout.strip().splitlines()[-1])
    figures["load_average"] = round(os.getloadavg()[0], 1)
    print(f"{name:>14} {folder.name}: {figures}", file=sys.stderr, flush=True)
    return figures


def _sample(folder: Path) -> tuple[int, str]:
    """Cadres and seed of a sample folder (from its manifest)."""
    manifest = folder / "manifest.json"
    if manifest.exists():
        found = json.loads(manifest.read_text())
        return int(found["cadres"]), str(found.get("seed", ""))
    return sum(1 for _ in (folder / "cadres.csv").open(encoding="utf-8")) - 1, ""


def _ratio(value: float, bare: float) -> str:
    return f"{value / bare:.2f}×" if bare > 0 else "–"


def measure(folder: Path, work: Path, rounds: int) -> list[dict[str, Any]]:
    """Every step's figures for one folder: rounds of (load, bare baselines, cli), then a
    repeat and a reload of the last load."""
    store = work / f"{folder.name}.db"
    cli_store = work / f"{folder.name}.cli.db"
    found: list[dict[str, Any]] = []
    for number in range(1, rounds + 1):
        # The load first: the SQLite baseline inserts as many rows as it wrote.
        order = ["load", "pandas-read", "sqlite-insert", "cli"]
        if number % 2 == 0:
            order = ["pandas-read", "sqlite-insert", "cli", "load"]
        figures = {
            name: run_child(name, folder, cli_store if name == "cli" else store) for name in order
        }
        for name, row in figures.items():
            found.append({"round": number, "step": name, **row})
    for name in ("repeat", "reload"):
        found.append({"round": rounds, "step": name, **run_child(name, folder, store)})
    _fresh(cli_store)
    return found


def table(folder: Path, rows: list[dict[str, Any]]) -> list[str]:
    cadres, seed = _sample(folder)
    lines = [
        f"### {cadres:,} cadres (seed {seed}), `{folder}`",
        "",
        "| round | step | rows | seconds | CPU s | read s | validate s | write s | peak MB "
        "| load avg | × bare (wall) | × bare (CPU) |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    bare: dict[int, tuple[float, float]] = {}
    for row in rows:
        if row["step"] in {"pandas-read", "sqlite-insert"}:
            wall, cpu = bare.get(row["round"], (0.0, 0.0))
            bare[row["round"]] = (wall + row["seconds"], cpu + row["cpu_s"])
    for row in rows:
        wall, cpu = bare[row["round"]]
        compared = row["step"] in {"load", "cli", "reload"}
        lines.append(
            f"| {row['round']} | {row['step']} | {row.get('rows', 0):,} | {row['seconds']} | "
            f"{row['cpu_s']} | {row.get('read_s', '')} | {row.get('validate_s', '')} | "
            f"{row.get('write_s', '')} | {row['peak_mb']:,} | {row['load_average']} | "
            f"{_ratio(row['seconds'], wall) if compared else ''} | "
            f"{_ratio(row['cpu_s'], cpu) if compared else ''} |"
        )
    lines.append("")
    for name in ("load", "cli"):
        walls = [row["seconds"] / bare[row["round"]][0] for row in rows if row["step"] == name]
        cpus = [row["cpu_s"] / bare[row["round"]][1] for row in rows if row["step"] == name]
        lines.append(
            f"- **{name}** / bare, median of {len(walls)} round(s): "
            f"**{statistics.median(walls):.2f}×** by wall clock, "
            f"**{statistics.median(cpus):.2f}×** by CPU time."
        )
    lines.append("")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folders", type=Path, nargs="+", default=[])
    parser.add_argument("--work", type=Path, default=ROOT / "var" / "bench" / "load")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of load and baselines")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--store", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(step(args.step, args.folder, args.store)))
        return
    args.work.mkdir(parents=True, exist_ok=True)
    started = datetime.now(UTC)
    lines: list[str] = []
    for folder in args.folders:
        lines += table(folder, measure(folder, args.work, args.rounds))
    command = (
        f"python benchmarks/bench_load.py --folders {' '.join(str(f) for f in args.folders)} "
        f"--rounds {args.rounds}"
    )
    head = [
        f"Measured {started:%Y-%m-%d %H:%M}–{datetime.now(UTC):%H:%M} UTC on "
        f"{platform.machine()} ({os.cpu_count()} cores shared with other work), CPython "
        f"{platform.python_version()}, by `{command}`.",
        "",
    ]
    text = "\n".join(head + lines)
    print(text)
    if args.out:
        args.out.write_text(
            "# Benchmark: loading files into the embedded store\n\n"
            + (__doc__ or "").split("\n\n", 1)[1]
            + "\n"
            + text,
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
