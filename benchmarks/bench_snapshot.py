"""Benchmark the columnar snapshot: its build, the first answers read from it, and the
read models following writes.

    cp /tmp/scope/prov/p.db var/bench/p.db      # the snapshot is written beside the store
    flock /tmp/graphsvc-province.lock python benchmarks/bench_snapshot.py \
        --store var/bench/p.db --out docs/benchmarks-snapshot.md [--with-store-read]

Each step runs in a child process of its own, so its peak memory (max RSS) is its own
and nothing is warm. Beside each step, its bare baseline in the same run: the build
beside a plain read of the same rows from SQLite (``COUNT(*)``, every row's JSON text
fetched, pandas ``read_sql`` of the same rows); reading the graph for the analyses from
the snapshot beside reading it from the store row by row (``--with-store-read``: about
100 s at 300,000 cadres); the first candidates, mentoring and teams answers of a fresh
command line and of a fresh ``graphsvc serve`` (once health says it is ready).

``--follow`` times instead, after each kind of write (an annual grade, quarterly stars,
a mentor pairing), bringing each read model the service keeps forward by its patch beside
reading it whole (the new version's snapshot built, then the model read from it)::

    python benchmarks/bench_snapshot.py --follow --store var/bench/graph-3000.db
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
AS_OF = date(2026, 11, 1)
GRAPHSVC = [sys.executable, "-m", "cli"]
ENV = {
    **os.environ,
    "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
}


def _peak_mb() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def _du_mb(path: Path) -> float:
    return round(sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20, 1)


def step(name: str, store_path: str) -> dict[str, Any]:
    """One measured step, in this (fresh) process."""
    sys.path.insert(0, str(ROOT))
    from graphsvc.snapshot import SNAPSHOT_EDGES, SNAPSHOT_LABELS, build_snapshot, snapshot_root
    from graphsvc.stores import open_store
    from queries.development.data import DevelopmentData
    from queries.development.teams import team_structure
    from queries.selection.candidates import SelectionContext, rank_in_context
    from queries.selection.policy import load_policy

    figures: dict[str, Any] = {}
    started = time.perf_counter()
    if name == "baseline":
        conn = sqlite3.connect(f"file:{store_path}?mode=ro", uri=True)
        counted = conn.execute("SELECT (SELECT COUNT(*) FROM nodes) + (SELECT COUNT(*) FROM edges)")
        figures["count_s"] = round(time.perf_counter() - started, 2)
        figures["rows_total"] = counted.fetchone()[0]
        started = time.perf_counter()
        rows = 0
        for label in SNAPSHOT_LABELS:
            rows += len(
                conn.execute("SELECT id, props FROM nodes WHERE label = ?", (label,)).fetchall()
            )
        for edge_type in SNAPSHOT_EDGES:
            rows += len(
                conn.execute(
                    "SELECT src, dst, key, props FROM edges WHERE type = ?", (edge_type,)
                ).fetchall()
            )
        figures["fetch_s"] = round(time.perf_counter() - started, 2)
        figures["rows"] = rows
        import pandas as pd

        started = time.perf_counter()
        for label in SNAPSHOT_LABELS:
            pd.read_sql("SELECT id, props FROM nodes WHERE label = ?", conn, params=(label,))
        for edge_type in SNAPSHOT_EDGES:
            pd.read_sql(
                "SELECT src, dst, key, props FROM edges WHERE type = ?", conn, params=(edge_type,)
            )
        figures["pandas_s"] = round(time.perf_counter() - started, 2)
        started = time.perf_counter()
        import orjson

        for (text,) in conn.execute("SELECT props FROM nodes"):
            orjson.loads(text)
        for (text,) in conn.execute("SELECT props FROM edges"):
            orjson.loads(text)
        figures["fetch_and_orjson_all_s"] = round(time.perf_counter() - started, 2)
        return figures
    with open_store(store_path) as graph:
        if name == "build":
            root = snapshot_root(graph)
            shutil.rmtree(root, ignore_errors=True)
            started = time.perf_counter()
            path = build_snapshot(graph)
            figures["build_s"] = round(time.perf_counter() - started, 2)
            figures["size_mb"] = _du_mb(path)
            figures["store_mb"] = round(Path(store_path).stat().st_size / 2**20, 1)
        elif name in ("context-snapshot", "context-store"):
            source = "store" if name == "context-store" else "snapshot"
            context = SelectionContext.load(graph, policy=load_policy(), as_of=AS_OF, source=source)
            figures["load_s"] = round(time.perf_counter() - started, 2)
            vacancies = [
                p for p in context.vacancies() if context.posts[p].get("level") in ("正科", "副科")
            ]
            post = vacancies[len(vacancies) // 2]
            started = time.perf_counter()
            result = rank_in_context(context, post)
            figures["post"] = post
            figures["candidates_s"] = round(time.perf_counter() - started, 2)
            figures["considered"] = result["considered"]
            figures["records_built"] = len(dict.keys(context.records))
            figures["records"] = len(context.records)
        elif name == "development":
            DevelopmentData.load(graph, policy=load_policy(), as_of=AS_OF)
            figures["load_s"] = round(time.perf_counter() - started, 2)
        elif name == "teams":
            data = DevelopmentData.load(graph, policy=load_policy(), as_of=AS_OF)
            figures["load_s"] = round(time.perf_counter() - started, 2)
            started = time.perf_counter()
            structure = team_structure(data=data)
            figures["teams_s"] = round(time.perf_counter() - started, 2)
            figures["teams"] = len(structure["teams"])
            figures["members"] = structure["summary"]["members"]
            figures["records_built"] = len(dict.keys(data.records))
            figures["teams_peak_mb"] = _peak_mb()  # before the baseline builds records
            # Baseline, what the answer read before: each member's record (built with the
            # rest of its district, as the lazy records build them).
            members = [m["cadre_id"] for t in structure["teams"] for m in t["member_list"]]
            started = time.perf_counter()
            for cadre_id in members:
                data.records[cadre_id]
            figures["member_records_s"] = round(time.perf_counter() - started, 2)
            figures["member_records_built"] = len(dict.keys(data.records))
    figures["peak_mb"] = _peak_mb()
    return figures


def child(name: str, store: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--step", name, "--store", store],
        capture_output=True,
        text=True,
        env=ENV,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"{name}: {out.stderr[-2000:]}")
    figures: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    print(name, figures, file=sys.stderr)
    return figures


def cli_first(store: str, post: str) -> dict[str, float]:
    """Seconds from a fresh command line to each first answer (snapshot already built)."""
    commands = {
        "candidates": ["match", "--post", post, "--json"],
        "mentoring": ["mentoring", "--json"],
        "teams": ["teams", "--json"],
    }
    found = {}
    for name, args in commands.items():
        started = time.perf_counter()
        subprocess.run(
            [*GRAPHSVC, *args, "--store", store, "--as-of", AS_OF.isoformat()],
            capture_output=True,
            check=True,
            env=ENV,
        )
        found[name] = round(time.perf_counter() - started, 2)
        print("cli", name, found[name], file=sys.stderr)
    return found


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _token(access_db: Path) -> str:
    out = subprocess.run(
        [*GRAPHSVC, "token", "create", "--role", "analyst", "--name", "bench-analyst",
         "--access-db", str(access_db), "--replace"],
        capture_output=True, text=True, check=True, env=ENV,
    )  # fmt: skip
    return out.stdout.strip().splitlines()[-1]


@contextmanager
def serve(store: str, access_db: Path) -> Iterator[tuple[str, float, float]]:
    """A fresh `graphsvc serve`, its base URL, the seconds until it answered health and
    until health said it was ready (its read models prepared: no longer ``warming``)."""
    import httpx

    port = _port()
    started = time.perf_counter()
    server = subprocess.Popen(
        [*GRAPHSVC, "serve", "--store", store, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**ENV, "GRAPHSVC_ACCESS_DB": str(access_db)},
    )
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        for _ in range(1200):
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        up = time.perf_counter() - started
        while httpx.get(f"{base}/health", timeout=30).json().get("status") == "warming":
            time.sleep(0.1)
        yield base, up, time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)


def http_first(store: str, post: str, *, only: str | None = None) -> dict[str, float]:
    """Seconds of each first answer of a fresh server, in order (``only``: just that one)."""
    import httpx

    found: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        access_db = Path(folder) / "access.db"
        token = _token(access_db)
        with serve(store, access_db) as (base, up, ready):
            found["server_up"] = round(up, 2)
            found["server_ready"] = round(ready, 2)
            client = httpx.Client(
                base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=3600
            )
            day = {"as_of": AS_OF.isoformat()}
            calls = {
                "candidates": (f"/posts/{post}/candidates", {"limit": 10, **day}),
                "mentoring": ("/mentoring", day),
                "teams": ("/teams", day),
            }
            for name, (path, params) in calls.items():
                if only is not None and name != only:
                    continue
                started = time.perf_counter()
                response = client.get(path, params=params)
                assert response.status_code == 200, (name, response.text[:300])
                found[name] = round(time.perf_counter() - started, 2)
                print("http", name, found[name], file=sys.stderr)
    return found


def write_report(out: Path, store: str, results: dict[str, Any]) -> None:
    base, build = results["baseline"], results["build"]
    snap, dev, teams = results["context-snapshot"], results["development"], results["teams"]
    from_store = results.get("context-store")
    lines = [
        "# Benchmark: the columnar snapshot",
        "",
        f"Store `{Path(store).name}` ({build['store_mb']} MB, {base['rows_total']:,} rows), "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} cores shared with other work; `benchmarks/bench_snapshot.py`, "
        f"each step a fresh process; as of {AS_OF}. Load average when the run ended: "
        f"{results['load_average']} (other engineers' work shares the cores: absolute seconds "
        "are inflated, the ratios to the baselines of the same run are what to read).",
        "",
        "What the snapshot is: each node label and relation the analyses read, as one Arrow "
        "IPC file with typed columns (`graphsvc/snapshot.py`), written once per graph "
        "version beside the store and memory-mapped by every process. The selection context "
        "reads posts, holders, requirements and each cadre's current units from its columns; "
        "a cadre's record (posts held, courses, assessments, relatives...) is built when "
        "first read, a whole district at a time, so candidates for a 科级 post build only "
        "its district's records.",
        "",
        "## Build (once per graph version)",
        "",
        "| step | seconds | peak MB | baseline in the same run |",
        "| --- | ---: | ---: | --- |",
        f"| snapshot build ({build['size_mb']} MB on disk) | {build['build_s']} | "
        f"{build['peak_mb']} | `COUNT(*)` {base['count_s']} s; fetch every row's JSON text "
        f"{base['fetch_s']} s ({base['rows']:,} rows); pandas `read_sql` of the same "
        f"{base['pandas_s']} s; fetch + orjson every row {base['fetch_and_orjson_all_s']} s |",
        "",
        "## Reading the graph for the analyses",
        "",
        "| step | seconds | peak MB | baseline in the same run |",
        "| --- | ---: | ---: | --- |",
        f"| selection context from the snapshot | {snap['load_s']} | {snap['peak_mb']} | "
        + (
            f"from the store row by row: {from_store['load_s']} s, {from_store['peak_mb']} MB "
            f"(×{round(from_store['load_s'] / max(snap['load_s'], 0.01))}) |"
            if from_store
            else "store read not run (`--with-store-read`) |"
        ),
        f"| first candidates (科级 post `{snap['post']}`, {snap['considered']:,} considered; "
        f"{snap['records_built']:,} of {snap['records']:,} records built) | "
        f"{snap['candidates_s']} | | "
        + (f"from the store's context: {from_store['candidates_s']} s |" if from_store else " |"),
        f"| development data from the snapshot | {dev['load_s']} | {dev['peak_mb']} | |",
        f"| team structure from the development data ({teams['teams']:,} teams, "
        f"{teams['members']:,} members; {teams['records_built']:,} records built) | "
        f"{teams['teams_s']} | {teams['teams_peak_mb']} | building the members' records as it did "
        f"before ({teams['member_records_built']:,} records, a district at a time): "
        f"{teams['member_records_s']} s "
        f"(×{round(teams['member_records_s'] / max(teams['teams_s'], 0.01), 1)}) |",
        "",
        "## First answers from a fresh process (snapshot built by the load, or by the build above)",
        "",
        "| query | command line s | `graphsvc serve` over HTTP s |",
        "| --- | ---: | ---: |",
    ]
    cli, http, alone = results["cli"], results["http"], results["http_teams_alone"]
    for name in ("candidates", "mentoring", "teams"):
        lines.append(f"| {name} | {cli[name]} | {http[name]} |")
    lines += [
        f"| teams, the first question of another fresh server | | {alone['teams']} |",
        "",
        f"The server answered its health check {http['server_up']} s after it started and "
        f"said it was ready (its read models prepared as it starts) "
        f"{http.get('server_ready', http['server_up'])} s after; the "
        "HTTP seconds are each request's own, in order, from then (mentoring and teams share "
        "the development read model the first of them builds; asked first, teams builds it).",
        "",
    ]
    out.write_text("\n".join(lines), "utf-8")


def follow_writes(store: str, rounds: int = 3) -> list[dict[str, Any]]:
    """After each kind of write a committee's service meets, the time to bring each read
    model forward by its patch beside reading it whole (the snapshot of the new version
    built, then the read model read from it), on a private copy of ``store``.

    The read models are those the service keeps: the directory, the selection context
    (with every cadre's facts, as the warm-up prepares it) and the development data. Each
    write is made ``rounds`` times on different cadres; the medians are reported.
    """
    sys.path.insert(0, str(ROOT))
    from graphsvc.snapshot import build_snapshot
    from graphsvc.stores import open_store
    from loaders.load import load_records
    from queries.development.data import DevelopmentData
    from queries.directory import Directory
    from queries.selection.candidates import SelectionContext
    from queries.selection.follow import patched_context
    from queries.selection.policy import load_policy

    policy = load_policy(None)
    found: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "graph.db"
        with sqlite3.connect(store) as origin, sqlite3.connect(copy) as target:
            origin.backup(target)
        with open_store(str(copy)) as graph:
            build_snapshot(graph)
            reads = {
                "directory": lambda: Directory.load(graph, as_of=AS_OF),
                "selection context": lambda: _with_facts(
                    SelectionContext.load(graph, policy=policy, as_of=AS_OF)
                ),
                "development data": lambda: DevelopmentData.load(graph, policy=policy, as_of=AS_OF),
            }
            patches = {
                "directory": lambda model, changes: model.patched(graph, changes),
                "selection context": lambda model, changes: patched_context(model, graph, changes),
                "development data": lambda model, changes: model.patched(graph, changes),
            }
            models = {name: read() for name, read in reads.items()}
            cadres = [c["id"] for c in graph.list_nodes("Cadre", where={"status": "在职"},
                                                         limit=rounds * 10)[0]]  # fmt: skip
            mentors = [m["id"] for m in graph.list_nodes("Mentor", limit=rounds)[0]]
            writes = {
                "an annual grade": lambda n: ("assessments", [{"考核编号": f"A-F-{n}",
                    "干部编号": cadres[n], "年度": 2026, "等次": "称职"}]),
                "quarterly stars": lambda n: ("assessments", [{"考核编号": f"A-S-{n}",
                    "干部编号": cadres[n + rounds], "年度": 2026, "季度": 4, "星级": 5}]),
                "a mentor pairing": lambda n: ("mentoring", [{"导师编号": mentors[n],
                    "干部编号": cadres[n + 2 * rounds], "开始时间": "2026.11.01"}]),
            }  # fmt: skip
            for kind, make in writes.items():
                timings: dict[str, dict[str, list[float]]] = {
                    name: {"patch": [], "whole": []} for name in reads
                }
                for n in range(rounds):
                    before = graph.version()
                    table, rows = make(n)
                    load_records(graph, table, rows, source=table)
                    changes = graph.changes_since(before)
                    assert changes is not None
                    for name in reads:
                        began = time.perf_counter()
                        moved = patches[name](models[name], changes)
                        if name == "selection context" and moved is not None:
                            _with_facts(moved.value)
                        timings[name]["patch"].append(time.perf_counter() - began)
                        assert moved is not None, (name, kind)
                        models[name] = moved.value
                    began = time.perf_counter()
                    build_snapshot(graph)
                    snapshot_s = time.perf_counter() - began
                    for name, read in reads.items():
                        began = time.perf_counter()
                        read()
                        timings[name]["whole"].append(time.perf_counter() - began + snapshot_s)
                for name, parts in timings.items():
                    patch_s = sorted(parts["patch"])[rounds // 2]
                    whole_s = sorted(parts["whole"])[rounds // 2]
                    found.append({"write": kind, "model": name, "patch_ms": patch_s * 1000,
                                  "whole_ms": whole_s * 1000})  # fmt: skip
                    print(found[-1], file=sys.stderr)
    return found


def _with_facts(context: Any) -> Any:
    """The context as the service's warm-up leaves it: facts and scopes built."""
    context.scopes  # noqa: B018
    context.facts  # noqa: B018
    return context


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", required=True)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--step")
    parser.add_argument("--with-store-read", action="store_true")
    parser.add_argument(
        "--follow",
        action="store_true",
        help="only: each read model after each kind of write, patched beside read whole",
    )
    args = parser.parse_args()
    if args.step:
        print(json.dumps(step(args.step, args.store), ensure_ascii=False))
        return
    if args.follow:
        rows = follow_writes(args.store)
        lines = [
            f"Measured {date.today()} on {platform.machine()}, CPython "
            f"{platform.python_version()}, load average "
            f"{', '.join(f'{v:.1f}' for v in os.getloadavg())}, by `python "
            f"benchmarks/bench_snapshot.py --follow --store {args.store}` (medians of 3).",
            "",
            "| write | read model | patched ms | read whole ms (snapshot + read) | × faster |",
            "| --- | --- | ---: | ---: | ---: |",
            *(
                f"| {r['write']} | {r['model']} | {r['patch_ms']:.1f} | {r['whole_ms']:.1f} "
                f"| {r['whole_ms'] / max(r['patch_ms'], 0.001):.0f} |"
                for r in rows
            ),
            "",
        ]
        print("\n".join(lines))
        if args.out:
            args.out.write_text("\n".join(lines), "utf-8")
        return
    results: dict[str, Any] = {}
    for name in ("baseline", "build", "context-snapshot", "development", "teams"):
        results[name] = child(name, args.store)
    if args.with_store_read:
        results["context-store"] = child("context-store", args.store)
    post = results["context-snapshot"]["post"]
    results["cli"] = cli_first(args.store, post)
    results["http"] = http_first(args.store, post)
    results["http_teams_alone"] = http_first(args.store, post, only="teams")
    results["load_average"] = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(json.dumps(results, ensure_ascii=False, indent=1))
    if args.out:
        write_report(args.out, args.store, results)


if __name__ == "__main__":
    main()
