"""Benchmark the foundation: sample, load and projection, district to province.

Each step runs in a fresh child process, so its peak memory (max RSS) is its own.

    python benchmarks/bench_foundation.py --sizes 3000 300000 --out docs/benchmarks-foundation.md
    python benchmarks/bench_foundation.py --sizes 3000 --neo4j neo4j://127.0.0.1:7687

The Neo4j steps need a running server (`make neo4j`) and empty it first.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "var" / "bench"

# What an analysis typically projects (mentoring coverage), and everything.
MENTORING = {
    "nodes": ["Cadre", "Mentor"],
    "edges": ["MENTORS", "IS_CADRE", "HOLDS"],
    "fields": {"Cadre": ["name", "birth", "channel", "recruit_date", "status"]},
}
EVERYTHING = "all"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def step(name: str, size: int, store: str) -> dict[str, Any]:
    """Run one step in this process and return its figures."""
    sys.path.insert(0, str(ROOT))
    from graphsvc.model import EDGE_SPECS, NODE_SPECS
    from graphsvc.projection import project
    from graphsvc.stores import open_store
    from loaders.load import load_paths
    from loaders.sample import generate_sample, write_sample

    folder = WORK / f"sample-{size}"
    started = time.perf_counter()
    result: dict[str, Any] = {}
    if name == "sample":
        sample = generate_sample(cadres=size, seed=7)
        write_sample(sample, folder)
        result["rows"] = sum(sample.manifest["rows"].values())
    elif name in {"load", "reload"}:
        with open_store(store) as graph:
            outcome = load_paths(graph, [folder])
        result["rows"] = sum(outcome.rows_by_table.values())
        result["created"] = sum(outcome.summary.created.values())
    elif name in {"project-mentoring", "project-all"}:
        with open_store(store) as graph:
            if name == "project-mentoring":
                graph_ = project(graph, nodes=MENTORING["nodes"], edges=MENTORING["edges"],
                                 fields=MENTORING["fields"])  # type: ignore[arg-type]  # fmt: skip
            else:
                graph_ = project(graph, nodes=[s.label for s in NODE_SPECS],
                                 edges=[s.type for s in EDGE_SPECS])  # fmt: skip
        result["nodes"] = graph_.number_of_nodes()
        result["edges"] = graph_.number_of_edges()
    else:
        raise SystemExit(f"unknown step {name}")
    result["seconds"] = round(time.perf_counter() - started, 2)
    result["peak_mb"] = round(_peak_mb())
    return result


def run_child(name: str, size: int, store: str) -> dict[str, Any]:
    output = subprocess.run(
        [sys.executable, __file__, "--step", name, "--size", str(size), "--store", store],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    figures: dict[str, Any] = json.loads(output.stdout.strip().splitlines()[-1])
    print(f"{name:>18} {size:>8,}: {figures}", file=sys.stderr)
    return figures


def clear_neo4j(url: str) -> None:
    sys.path.insert(0, str(ROOT))
    from graphsvc.stores import open_store

    with open_store(url) as graph:
        graph.clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[3000, 300_000])
    parser.add_argument("--neo4j", help="also load into this Neo4j URL (it is emptied)")
    parser.add_argument("--out", type=Path, help="write the Markdown table here")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--store", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(step(args.step, args.size, args.store)))
        return

    WORK.mkdir(parents=True, exist_ok=True)
    rows: list[tuple[str, str, int, dict[str, Any]]] = []
    for size in args.sizes:
        db = WORK / f"graph-{size}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        rows.append(("sample", "files", size, run_child("sample", size, str(db))))
        for name in ("load", "reload", "project-mentoring", "project-all"):
            rows.append((name, "embedded", size, run_child(name, size, str(db))))
        if args.neo4j:
            clear_neo4j(args.neo4j)
            for name in ("load", "reload", "project-mentoring", "project-all"):
                rows.append((name, "neo4j", size, run_child(name, size, args.neo4j)))
    table = [
        "| step | store | cadres | seconds | peak MB | rows | rows/s | nodes | edges |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]

    def number(value: Any) -> str:
        return f"{value:,}" if isinstance(value, int | float) else ""

    for name, where, size, fig in rows:
        rate = fig["rows"] / fig["seconds"] if fig.get("rows") and fig["seconds"] else None
        cells = [name, where, number(size), number(fig["seconds"]), number(fig["peak_mb"]),
                 number(fig.get("rows")), number(round(rate) if rate else None),
                 number(fig.get("nodes")), number(fig.get("edges"))]  # fmt: skip
        table.append("| " + " | ".join(cells) + " |")
    text = "\n".join(table)
    header = (
        f"Measured {date.today()} on {platform.machine()}, {platform.python_implementation()} "
        f"{platform.python_version()}, by `python benchmarks/bench_foundation.py "
        f"--sizes {' '.join(map(str, args.sizes))}"
        + (f" --neo4j {args.neo4j}" if args.neo4j else "")
        + "`.\n\n"
    )
    print(header + text)
    if args.out:
        args.out.write_text(header + text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
