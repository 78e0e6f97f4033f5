"""Benchmark selection: candidates for one post, a whole round, the succession bench,
and the bare solver.

    python benchmarks/bench_selection.py --out docs/benchmarks-selection.md
    python benchmarks/bench_selection.py --province var/bench/graph-300000.db --unscoped

Steps run in child processes, so each peak memory (max RSS) is its own. The
district steps need `var/bench/graph-3000.db` (made by bench_foundation.py); the
province steps run when the 300,000-cadre store exists. A round's seconds count from
the loaded context (``load_context_s`` is the read before it); the province round
runs each scope on its own (``policy.scope``), beside the bare solver on a round of
the same shape in the same run, and with ``--unscoped`` also as one problem over the
whole area. The bench (every leadership-team post at once) runs end to end in a fresh
process, beside the round end to end in the same run (the bench goes the round's way).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import random
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
AS_OF = date(2026, 11, 1)


# Each round beside the bare solver on a round of the same shape, in the same run.
BASELINE = {
    "round": "solver-district",
    "round-province": "solver-province-scoped",
    "round-province-unscoped": "solver-province",
    "round-snapshot": "solver-district",
    "round-snapshot-province": "solver-province-scoped",
    "bench-snapshot": "round-snapshot",
    "bench-snapshot-province": "round-snapshot-province",
}


def _ratio(figures: dict[str, Any], baseline: dict[str, Any] | None) -> str:
    """CPU seconds of a step over its bare baseline's (CPU: the machine is shared)."""
    if baseline is None or not baseline["cpu_s"]:
        return ""
    return f"{figures['cpu_s'] / baseline['cpu_s']:.1f}×"


def _peak_mb() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def step(name: str, store: str) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    from graphsvc.stores import open_store
    from queries.selection.assignment import assign
    from queries.selection.bench import succession_bench
    from queries.selection.candidates import SelectionContext, rank_in_context
    from queries.selection.policy import load_policy
    from queries.selection.round import run_round
    from queries.selection.scope import WHOLE_AREA_NAME
    from queries.selection.vectorized import rank_posts

    started = time.perf_counter()
    cpu = time.process_time()
    figures: dict[str, Any] = {}
    took: tuple[float, float] | None = None  # (wall, CPU) when the step stops its clock early
    if name.startswith("solver"):
        # (scopes, posts a scope, cadres a scope, candidates a post)
        scopes, posts, cadres, per_post = {
            "solver-district": (1, 50, 3_000, 200),
            "solver-province": (1, 5_000, 300_000, 200),
            "solver-province-scoped": (101, 50, 3_000, 200),
        }[name]
        rng = random.Random(7)
        problems = []
        for scope in range(scopes):
            people = [f"C{scope:03d}{i:06d}" for i in range(cadres)]
            problems.append(
                {
                    (f"P{scope:03d}{p:05d}", c): rng.random()
                    for p in range(posts)
                    for c in rng.sample(people, per_post)
                }
            )
        started, cpu = time.perf_counter(), time.process_time()
        results = [assign(scores, posts=sorted({p for p, _ in scores})) for scores in problems]
        figures.update(
            scopes=scopes,
            posts=posts * scopes,
            cadres=cadres * scopes,
            pairs=sum(len(scores) for scores in problems),
            method=results[0].method,
            filled=sum(len(result.pairs) for result in results),
        )
    elif name == "snapshot":
        # Not a measured step: the store's snapshot, written once before the round from it.
        from graphsvc.snapshot import build_snapshot

        with open_store(store) as graph:
            figures["path"] = str(build_snapshot(graph))
    elif name in {"bench-snapshot", "round-snapshot"}:
        # End to end in a fresh process: the context from the snapshot, then the round (or
        # the bench of every leadership-team post).
        with open_store(store) as graph:
            context = SelectionContext.load(graph, policy=load_policy(), as_of=AS_OF)
            figures["load_context_s"] = round(time.perf_counter() - started, 2)
            if name == "round-snapshot":
                result = run_round(context=context)
                took = time.perf_counter() - started, time.process_time() - cpu
                figures.update(
                    posts=result["posts"],
                    filled=len(result["assignments"]),
                    method=result["method"],
                    scopes=len(result["scopes"]),
                    # The answer's fingerprint (two runs agree), made after the clock stops.
                    digest=hashlib.sha256(
                        json.dumps(result, ensure_ascii=False, default=str).encode()
                    ).hexdigest()[:12],
                )
            else:
                bench = succession_bench(context=context)
                figures.update(
                    posts=len(bench["posts"]),
                    no_bench=len(bench["no_bench"]),
                    ready_now=sum(len(p["ready_now"]) for p in bench["posts"]),
                    ready_in_1y=sum(p["ready_in_1y_count"] for p in bench["posts"]),
                    retiring=len(bench["retiring"]),
                )
        figures.update(cadres=len(context.records), records_built=dict.__len__(context.records))
    else:
        with open_store(store) as graph:
            context = SelectionContext.load(graph, policy=load_policy(), as_of=AS_OF)
        figures["load_context_s"] = round(time.perf_counter() - started, 2)
        vacancies = context.vacancies()
        figures["cadres"] = len(context.records)
        # The first 科级 vacancy: a district fills it from its own cadres (policy.scope).
        first = next(
            (p for p in vacancies if context.posts[p].get("level") in {"副科", "正科"}),
            vacancies[0],
        )
        if name == "candidates":
            started, cpu = time.perf_counter(), time.process_time()
            result = rank_in_context(context, first, limit=20)
            figures.update(
                post=first,
                scope=result["scope_name"],
                eligible=result["eligible"],
                considered=result["considered"],
            )
        elif name == "candidates-arrays":
            started, cpu = time.perf_counter(), time.process_time()
            ranked = rank_posts(context, [first], top_k=20)
            figures.update(post=first, kept=len(ranked[first].kept))
        elif name in {"round", "round-unscoped"}:
            started, cpu = time.perf_counter(), time.process_time()
            result = run_round(context=context, by_scope=name == "round")
            scopes = result["scopes"]
            figures.update(
                posts=result["posts"],
                filled=len(result["assignments"]),
                non_leaders_above_deputy_section=sum(
                    1
                    for a in result["assignments"]
                    if not a["leader"]
                    and context.posts[a["post_id"]].get("level") not in {"科员", "副科"}
                ),
                method=result["method"],
                pairs=sum(result["candidates_per_post"].values()),
                scopes=len(scopes),
                whole_area_posts=sum(
                    s["posts"] for s in scopes if s["scope_name"] == WHOLE_AREA_NAME
                ),
                largest_district_posts=max(
                    (s["posts"] for s in scopes if s["scope_name"] != WHOLE_AREA_NAME), default=0
                ),
            )
    if took is None:
        took = time.perf_counter() - started, time.process_time() - cpu
    figures["seconds"] = round(took[0], 3)
    # CPU seconds of this process: the machine is shared, so wall time includes waiting.
    figures["cpu_s"] = round(took[1], 3)
    figures["peak_mb"] = _peak_mb()
    return figures


def run_child(name: str, store: str, *, repeat: int = 1) -> dict[str, Any]:
    """The step's figures in a fresh process; with ``repeat`` > 1, the run of median seconds
    among that many fresh processes, with every run's seconds beside it (``runs``): a 0.1 s
    step on 2 shared cores moves by a third from one process to the next."""
    runs = []
    for _ in range(repeat):
        output = subprocess.run(
            [sys.executable, __file__, "--step", name, "--store", store],
            capture_output=True,
            text=True,
            check=True,
        )
        runs.append(json.loads(output.stdout.strip().splitlines()[-1]))
    runs.sort(key=lambda figures: figures["seconds"])
    figures: dict[str, Any] = runs[len(runs) // 2]
    if repeat > 1:
        figures["runs"] = "/".join(str(run["seconds"]) for run in runs)
    print(f"{name:>16}: {figures}", file=sys.stderr)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", default=str(ROOT / "var" / "bench" / "graph-3000.db"))
    parser.add_argument(
        "--province",
        default=str(ROOT / "var" / "bench" / "graph-300000.db"),
        help="the 300,000-cadre store (skipped when absent)",
    )
    parser.add_argument(
        "--unscoped",
        action="store_true",
        help="also run the province round as one problem over the whole area (slow)",
    )
    parser.add_argument(
        "--province-steps",
        default="candidates,candidates-arrays,round,round-snapshot,bench-snapshot",
        help="the province steps to run, comma-separated (each reads the province anew)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=5,
        help="fresh processes for each district step; the median is reported (default 5)",
    )
    parser.add_argument(
        "--province-repeat",
        type=int,
        default=3,
        help="fresh processes for each province step; the median is reported (default 3)",
    )
    parser.add_argument("--out", type=Path)
    parser.add_argument("--step", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(step(args.step, args.store)))
        return
    rows = [
        (name, run_child(name, args.store, repeat=args.repeat))
        for name in ("candidates", "candidates-arrays", "round", "solver-district")
    ]
    run_child("snapshot", args.store)
    rows.append(("round-snapshot", run_child("round-snapshot", args.store, repeat=args.repeat)))
    rows.append(("bench-snapshot", run_child("bench-snapshot", args.store, repeat=args.repeat)))
    if Path(args.province).exists():
        province_steps = args.province_steps.split(",")
        province_steps += ["round-unscoped"] if args.unscoped else []
        if {"round-snapshot", "bench-snapshot"} & set(province_steps):
            run_child("snapshot", args.province)
        rows += [
            (f"{name}-province", run_child(name, args.province, repeat=args.province_repeat))
            for name in province_steps
        ]
    rows += [
        (name, run_child(name, args.store))
        for name in ("solver-province", "solver-province-scoped")
    ]
    lines = [
        f"Measured {date.today()} on {platform.machine()}, CPython {platform.python_version()}, "
        "by `python benchmarks/bench_selection.py`. District steps: the median of "
        f"{args.repeat} fresh processes (`runs`: each one's seconds, fastest first); "
        f"province steps: of {args.province_repeat}.",
        "",
        "| step | what | seconds | CPU s | peak MB | CPU × bare solver | details |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    what = {
        "candidates": "one 科级 vacancy with its reasons and every exclusion listed with its "
        "lines (district)",
        "candidates-arrays": "one 科级 vacancy, the ranking alone (district)",
        "candidates-province": "one 科级 vacancy with reasons and exclusions, its district's "
        "cadres (province)",
        "candidates-arrays-province": "one 科级 vacancy, the ranking alone, its district's "
        "cadres (province)",
        "bench-snapshot": "the succession bench end to end in a fresh process: the context "
        "from the snapshot, then every leadership-team post at once (seconds include the "
        "context)",
        "bench-snapshot-province": "the province's succession bench end to end in a fresh "
        "process (seconds include the context)",
        "round": "every vacancy of the district at once (exact; one scope)",
        "round-province": "every vacancy of the province, each scope on its own (exact per "
        "scope: the whole area's 处级 posts, then each district's 科级 posts)",
        "round-snapshot": "the district round end to end in a fresh process: the context from "
        "the snapshot, then every vacancy (seconds include the context)",
        "round-snapshot-province": "the province round end to end in a fresh process: the "
        "context from the snapshot, then every vacancy, each scope on its own (seconds "
        "include the context)",
        "round-province-unscoped": "every vacancy of the province as one problem, every cadre "
        "a candidate of every post",
        "solver-district": "bare solver: 50 posts × 3,000 cadres, 200 candidates a post",
        "solver-province": "bare solver: 5,000 posts × 300,000 cadres, 200 candidates a post",
        "solver-province-scoped": "bare solver: 101 scopes of 50 posts × 3,000 cadres, one "
        "after another, 200 candidates a post",
    }
    measured = dict(rows)
    for name, fig in rows:
        shown = {"seconds", "cpu_s", "peak_mb"}
        details = ", ".join(f"{k}={v}" for k, v in fig.items() if k not in shown)
        lines.append(
            f"| {name} | {what[name]} | {fig['seconds']} | {fig['cpu_s']} | {fig['peak_mb']} "
            f"| {_ratio(fig, measured.get(BASELINE.get(name, '')))} | {details} |"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
