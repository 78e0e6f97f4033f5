"""Benchmark the development analyses at district and province scale.

    python benchmarks/bench_development.py --out docs/benchmarks-development.md
    python benchmarks/bench_development.py --only path,pipeline,bare_pass

``pipeline`` (every cadre's ready day from the rule units' ``met_on`` over columns, the
posts that open, the breakdowns) and ``path`` (one cadre's path: the first, which computes
its level's columns, then the median of 20 more, each asked again once warm) run beside
``bare_pass``: one pass over the same day columns (the latest of each cadre's level, work
and birth days per level aimed at; the median of five), the floor any ready-day
computation pays. ``pipeline`` first builds the selection columns it reads (the rule
facts and score arrays every analysis shares; ``columns_s``, inside ``seconds``);
``cpu_s`` is the process's CPU time, steadier than the clock on a shared machine.

Each analysis runs in its own child process (so its peak memory, max RSS, is its
own) after reading the graph once (`read`, timed apart). The stores are
`var/bench/graph-3000.db` and `var/bench/graph-300000.db` (`graphsvc sample` +
`graphsvc load`, or bench_foundation.py); the province is skipped when absent.
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
AS_OF = date(2026, 11, 1)
ANALYSES = (
    "coverage",
    "recommend",
    "teams",
    "pool",
    "training",
    "network",
    "targets",
    "bare_pass",
    "pipeline",
    "path",
)


def _peak_mb() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def step(name: str, store: str) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    from graphsvc.stores import open_store
    from queries.development import mentoring, network, pool, targets, teams, training
    from queries.development.data import DevelopmentData
    from queries.selection.policy import load_policy

    started = time.perf_counter()
    with open_store(store) as graph:
        data = DevelopmentData.load(graph, policy=load_policy(), as_of=AS_OF)
    figures: dict[str, Any] = {"read_s": round(time.perf_counter() - started, 1)}
    analyses = {
        "coverage": mentoring.coverage,
        "recommend": mentoring.recommend_mentors,
        "teams": teams.team_structure,
        "pool": pool.pool_review,
        "training": training.training_compliance,
        "network": network.network_analysis,
        "targets": targets.target_figures,
    }
    if name in ("bare_pass", "path"):
        figures.update(_paths_step(name, data))
        figures["peak_mb"] = _peak_mb()
        figures["cadres"] = len(data.records)
        return figures
    analyses["pipeline"] = _pipeline
    started, cpu = time.perf_counter(), time.process_time()
    if name == "pipeline":  # the selection columns it reads, shared by every analysis
        data.context.facts, data.context.arrays  # noqa: B018
        figures["columns_s"] = round(time.perf_counter() - started, 2)
    result = analyses[name](data=data)
    figures["seconds"] = round(time.perf_counter() - started, 2)
    figures["cpu_s"] = round(time.process_time() - cpu, 2)
    figures["peak_mb"] = _peak_mb()
    figures["cadres"] = len(data.records)
    figures.update(_details(name, result))
    return figures


def _pipeline(*, data: Any) -> Any:
    from queries.development.pipeline import pipeline

    return pipeline(data=data)


def _paths_step(name: str, data: Any) -> dict[str, Any]:
    """``bare_pass``: the latest of three day columns per cadre, per level aimed at;
    ``path``: the first path (its level's columns computed) and the median warm one."""
    import numpy as np

    from graphsvc.vocab import Level

    facts = data.context.facts
    cadres = facts.cadres
    if name == "bare_pass":
        times, cpu = [], []
        for _ in range(5):  # the median of five: a district's pass is well under 1 ms
            started, cpu_started = time.perf_counter(), time.process_time()
            aims = np.where(cadres.standing + 1 < len(Level), cadres.standing + 1, -1)
            as_of = np.datetime64(AS_OF, "D")
            ready = 0
            for level in np.unique(aims[aims >= 0]).tolist():
                rows = np.flatnonzero(aims == level)
                days = np.full(len(rows), as_of)
                for column in (cadres.standing_since, cadres.work_start, cadres.birth):
                    day = column[rows]
                    days = np.maximum(days, np.where(np.isnat(day), days, day))
                ready += int((days <= np.datetime64(date(AS_OF.year + 4, 12, 31), "D")).sum())
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
        return {
            "seconds": round(sorted(times)[2], 5),
            "cpu_s": round(sorted(cpu)[2], 5),
            "counted": ready,
        }
    from queries.development.path import cadre_path

    members = [facts.ids[row] for row in np.flatnonzero(facts.in_pool)][:21]
    started = time.perf_counter()
    cadre_path(data=data, cadre_id=members[0])
    first = time.perf_counter() - started
    for cadre_id in members[1:]:  # each one's level columns and openings computed
        cadre_path(data=data, cadre_id=cadre_id)
    warm = []
    for cadre_id in members[1:]:
        started = time.perf_counter()
        cadre_path(data=data, cadre_id=cadre_id)
        warm.append(time.perf_counter() - started)
    return {
        "seconds": round(first, 2),
        "warm_ms": round(1000 * sorted(warm)[len(warm) // 2], 1),
    }


def _details(name: str, result: dict[str, Any]) -> dict[str, Any]:
    if name == "coverage":
        return {"need": result["need"], "uncovered": len(result["uncovered"])}
    if name == "recommend":
        return {
            "pairs": len(result["pairs"]),
            "coverage": f"{result['coverage_before']:.3f}→{result['coverage_after']:.3f}",
        }
    if name == "teams":
        return {"teams": result["summary"]["teams"]}
    if name == "pool":
        return {"members": result["size"], "candidates": len(result["entry_candidates"])}
    if name == "training":
        return {"counted": result["counted"], "below": len(result["below_yearly_hours"])}
    if name == "network":
        return {
            "links": result["edges"],
            "communities": len(result["communities"]),
            "bridges": len(result["bridges"]),
        }
    if name == "pipeline":
        return {
            "rows": len(result["years"]),
            "supply": sum(row["supply"] for row in result["years"]),
            "at_risk": len(result["at_risk"]),
        }
    return {"years": len(result["years"])}


def run_child(name: str, store: str) -> dict[str, Any]:
    output = subprocess.run(
        [sys.executable, __file__, "--step", name, "--store", store],
        capture_output=True,
        text=True,
        check=True,
    )
    figures: dict[str, Any] = json.loads(output.stdout.strip().splitlines()[-1])
    print(f"{name:>10}: {figures}", file=sys.stderr)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", default=str(ROOT / "var" / "bench" / "graph-3000.db"))
    parser.add_argument("--province", default=str(ROOT / "var" / "bench" / "graph-300000.db"))
    parser.add_argument("--out", type=Path)
    parser.add_argument("--only", help="Comma-separated analyses (default all).")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(step(args.step, args.store)))
        return
    scales = [("district", args.store)]
    if Path(args.province).exists():
        scales.append(("province", args.province))
    names = tuple(args.only.split(",")) if args.only else ANALYSES
    results = {scale: {name: run_child(name, store) for name in names} for scale, store in scales}
    lines = [
        f"Measured {date.today()} on {platform.machine()}, CPython {platform.python_version()}, "
        "by `python benchmarks/bench_development.py` (embedded store; reading the graph is "
        "timed apart and shared by all analyses in the service).",
        "",
        "| analysis | scale | cadres | read graph s | analysis s | peak MB | details |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for name in names:
        for scale, _ in scales:
            fig = results[scale][name]
            details = ", ".join(
                f"{k}={v}"
                for k, v in fig.items()
                if k not in {"seconds", "peak_mb", "read_s", "cadres"}
            )
            lines.append(
                f"| {name} | {scale} | {fig['cadres']:,} | {fig['read_s']} | {fig['seconds']} "
                f"| {fig['peak_mb']:,} | {details} |"
            )
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
