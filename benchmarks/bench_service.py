"""Benchmark the HTTP service: single-query latency, and a bounded load test on loopback.

    python benchmarks/bench_service.py latency --out docs/benchmarks-service-latency.md
    python benchmarks/bench_service.py load --clients 50 --seconds 60 \
        --out docs/benchmarks-service-load.md
    python benchmarks/bench_service.py mixed --clients 30 --seconds 30 --workers 2 \
        --out docs/benchmarks-service-mixed.md
    python benchmarks/bench_service.py cpu
    python benchmarks/bench_service.py search --copies 100

`latency` serves each store (`var/bench/graph-3000.db`, and `graph-300000.db` when
present) with `graphsvc serve`, then times each committee query alone, one after
another: the first call (which reads the graph into the cache when it needs to)
and 30 warm calls. `load` serves the district and runs N concurrent clients for
S seconds of mixed committee queries (profiles, searches, candidates, checks),
counting every request that fails or gets no answer. `mixed` is the same with
writes: on a copy of the district, one request in five is an editor recording a
quarterly star rating (`POST /cadres/{id}/assessments`) and the rest are
profiles and searches (half each); afterwards every written assessment is read
back from the profile. `cpu` serves a copy of the district with one worker and
measures the server's CPU time per request (health check as the bare baseline,
profile, search, write), one request after another. `search` times the directory
search in process over the district's cadres repeated (300,000 at ``--copies 100``)
against the plain filter it replaced. Client and server share the machine's 2 cores.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
# This checkout's command line, not whichever one the environment has installed.
GRAPHSVC = [sys.executable, "-m", "cli"]
CHECKOUT_ENV = {
    "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
}
AS_OF = "2026-11-01"


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _token(access_db: Path, role: str) -> str:
    out = subprocess.run(
        [
            *GRAPHSVC,
            "token",
            "create",
            "--role",
            role,
            "--name",
            f"bench-{role}",
            "--access-db",
            str(access_db),
            "--replace",
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **CHECKOUT_ENV},
    )
    return out.stdout.strip().splitlines()[-1]


@contextmanager
def serve(
    store: str, access_db: Path, workers: int = 1, pids: list[int] | None = None
) -> Iterator[str]:
    """Serve ``store`` on a free port; the server's pid is added to ``pids`` if given."""
    port = _port()
    server = subprocess.Popen(
        [*GRAPHSVC, "serve", "--store", store, "--port", str(port), "--workers", str(workers)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **CHECKOUT_ENV, "GRAPHSVC_ACCESS_DB": str(access_db)},
    )
    base = f"http://127.0.0.1:{port}/api/v1"
    if pids is not None:
        pids.append(server.pid)
    try:
        for _ in range(600):
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _targets(client: httpx.Client) -> dict[str, list[str]]:
    """Ids to query: cadres, vacancies, and a cadre/post pair to check."""
    cadres = [c["id"] for c in client.get("/cadres", params={"limit": 500}).json()["items"]]
    vacancies = [
        p["id"]
        for p in client.get(
            "/posts", params={"vacant": True, "leadership": True, "limit": 20}
        ).json()["items"]
    ]
    return {"cadres": cadres, "vacancies": vacancies}


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_per_request(store: str, calls: int = 300) -> list[dict[str, Any]]:
    """Server CPU per request, one worker, one client calling one request after another.

    CPU time, unlike wall time, hardly moves when other jobs share the cores. The bare
    baseline is the open health check (no token, no audit entry, no graph read) on the
    same server: what any request costs the framework.
    """
    with tempfile.TemporaryDirectory() as folder:
        access_db = Path(folder) / "access.db"
        viewer, editor = _token(access_db, "viewer"), _token(access_db, "editor")
        copy = _copy_store(store, Path(folder) / "graph.db")
        pids: list[int] = []
        with serve(copy, access_db, 1, pids) as base:
            client = httpx.Client(
                base_url=base, headers={"Authorization": f"Bearer {viewer}"}, timeout=600
            )
            writer = httpx.Client(
                base_url=base, headers={"Authorization": f"Bearer {editor}"}, timeout=600
            )
            ids = _targets(client)
            rng = random.Random(7)
            kinds = {
                "health (bare baseline)": lambda: client.get("/health"),
                "profile": lambda: client.get(f"/cadres/{rng.choice(ids['cadres'])}"),
                "search": lambda: client.get(
                    "/cadres", params={"name": rng.choice("王李张刘陈杨"), "limit": 20}
                ),
                "write": lambda: writer.post(
                    f"/cadres/{rng.choice(ids['cadres'])}/assessments",
                    json={"year": 2026, "quarter": rng.randint(1, 4), "stars": rng.randint(1, 5)},
                ),
            }
            rows = []
            for name, call in kinds.items():
                for _ in range(20):
                    assert call().status_code == 200
                time.sleep(2)  # the rebuild after the warm-up writes is done before the clock
                before, started = _cpu_seconds(pids[0]), time.perf_counter()
                for _ in range(calls):
                    assert call().status_code == 200
                wall = (time.perf_counter() - started) * 1000 / calls
                cpu = (_cpu_seconds(pids[0]) - before) * 1000 / calls
                rows.append({"query": name, "cpu_ms": round(cpu, 2), "wall_ms": round(wall, 2)})
                print(rows[-1], file=sys.stderr)
    bare = rows[0]["cpu_ms"] or 0.01
    for row in rows:
        row["ratio"] = round(row["cpu_ms"] / bare, 1)
    return rows


def _plain_search(directory: Any, name: str, max_age: float) -> list[str]:
    """The search before issue 12: every cadre tested in turn (the same filter)."""
    from graphsvc.dates import months_between

    found = []
    for cadre in directory.cadres:
        if name not in str(cadre.get("name", "")):
            continue
        birth = cadre.get("birth")
        age = months_between(birth, directory.as_of) / 12 if birth else None
        if age is None or age >= max_age + 1:
            continue
        found.append(cadre["id"])
    return found


def search_at_scale(store: str, copies: int, calls: int = 30) -> list[dict[str, Any]]:
    """The committee's search (name part 王, at most 35, 20 a page) over the district's
    cadres repeated ``copies`` times, in process: prepared lists against the plain filter,
    beside the bare baseline (one pass testing the name only)."""
    from graphsvc.stores import open_store
    from queries.directory import Directory

    with open_store(store) as graph:
        district = Directory.load(graph, as_of=date.fromisoformat(AS_OF))
    cadres = [{**c, "id": f"{c['id']}-{k:03d}"} for k in range(copies) for c in district.cadres]
    unit_of = {
        f"{cid}-{k:03d}": unit for k in range(copies) for cid, unit in district.unit_of.items()
    }
    started = time.perf_counter()
    big = Directory(district.as_of, cadres, district.posts, district.units, unit_of, {}, set(), {})
    prepare_s = time.perf_counter() - started

    def timed(call: Any) -> tuple[float, Any]:
        timings, result = [], None
        for _ in range(calls):
            began = time.perf_counter()
            result = call()
            timings.append((time.perf_counter() - began) * 1000)
        return _pct(timings, 0.95), result

    bare_ms, _ = timed(lambda: [c for c in cadres if "王" in c["name"]])
    plain_ms, plain = timed(lambda: _plain_search(big, "王", 35))
    prepared_ms, (page, total) = timed(lambda: big.search_cadres(name="王", max_age=35, limit=20))
    assert total == len(plain) and [c["id"] for c in page] == plain[:20]
    label = f"{len(cadres):,} cadres"
    return [
        {"what": f"bare: one pass, name only ({label})", "p95_ms": bare_ms},
        {"what": f"plain filter, the search before ({label})", "p95_ms": plain_ms},
        {"what": f"prepared lists, the search now ({label})", "p95_ms": prepared_ms},
        {"what": f"preparing the lists, once a version ({label})", "p95_ms": prepare_s * 1000},
    ]


def latency(store: str, label: str) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as folder:
        access_db = Path(folder) / "access.db"
        viewer, analyst = _token(access_db, "viewer"), _token(access_db, "analyst")
        with serve(store, access_db) as base:
            client = httpx.Client(
                base_url=base, headers={"Authorization": f"Bearer {viewer}"}, timeout=3600
            )
            analyst_client = httpx.Client(
                base_url=base, headers={"Authorization": f"Bearer {analyst}"}, timeout=3600
            )
            started = time.perf_counter()
            ids = _targets(client)
            first_search = time.perf_counter() - started
            rng = random.Random(7)
            post = ids["vacancies"][0]
            queries = {
                "profile": lambda: client.get(f"/cadres/{rng.choice(ids['cadres'])}"),
                "search": lambda: client.get(
                    "/cadres", params={"name": "王", "max_age": 35, "limit": 20}
                ),
                "candidates": lambda: client.get(
                    f"/posts/{post}/candidates", params={"limit": 10, "as_of": AS_OF}
                ),
                "check": lambda: client.get(
                    "/selection/check",
                    params={"cadre_id": rng.choice(ids["cadres"]), "post_id": post, "as_of": AS_OF},
                ),
                "mentoring": lambda: analyst_client.get("/mentoring", params={"as_of": AS_OF}),
            }
            rows = [
                {
                    "scale": label,
                    "query": "first search (reads the directory)",
                    "first_s": round(first_search, 2),
                    "p50_ms": None,
                    "p95_ms": None,
                }
            ]
            for name, call in queries.items():
                started = time.perf_counter()
                response = call()
                first = time.perf_counter() - started
                assert response.status_code == 200, (name, response.text[:200])
                timings = []
                for _ in range(30):
                    started = time.perf_counter()
                    assert call().status_code == 200
                    timings.append((time.perf_counter() - started) * 1000)
                rows.append(
                    {
                        "scale": label,
                        "query": name,
                        "first_s": round(first, 2),
                        "p50_ms": round(statistics.median(timings), 1),
                        "p95_ms": round(_pct(timings, 0.95), 1),
                    }
                )
                print(rows[-1], file=sys.stderr)
    return rows


async def _client(
    base: str,
    token: str,
    ids: dict[str, list[str]],
    until: float,
    seed: int,
    timings: list[float],
    outcomes: Counter[str],
) -> None:
    rng = random.Random(seed)
    async with httpx.AsyncClient(
        base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=120
    ) as client:
        while time.perf_counter() < until:
            roll = rng.random()
            if roll < 0.4:
                request = client.get(f"/cadres/{rng.choice(ids['cadres'])}")
            elif roll < 0.6:
                request = client.get(
                    "/cadres", params={"name": rng.choice("王李张刘陈杨"), "limit": 20}
                )
            elif roll < 0.8:
                request = client.get(
                    f"/posts/{rng.choice(ids['vacancies'])}/candidates",
                    params={"limit": 10, "as_of": AS_OF},
                )
            else:
                request = client.get(
                    "/selection/check",
                    params={
                        "cadre_id": rng.choice(ids["cadres"]),
                        "post_id": rng.choice(ids["vacancies"]),
                        "as_of": AS_OF,
                    },
                )
            started = time.perf_counter()
            try:
                response = await request
                outcomes[str(response.status_code)] += 1
            except httpx.HTTPError as error:
                outcomes[type(error).__name__] += 1
            timings.append((time.perf_counter() - started) * 1000)


def load_test(store: str, clients: int, seconds: float, workers: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        access_db = Path(folder) / "access.db"
        viewer = _token(access_db, "viewer")
        with serve(store, access_db, workers) as base:
            warm = httpx.Client(
                base_url=base, headers={"Authorization": f"Bearer {viewer}"}, timeout=600
            )
            ids = _targets(warm)
            for _ in range(workers):  # the committee's vacancies, ranked once per worker
                for post in ids["vacancies"]:
                    warm.get(f"/posts/{post}/candidates", params={"limit": 10, "as_of": AS_OF})
            timings: list[float] = []
            outcomes: Counter[str] = Counter()

            async def run() -> None:
                until = time.perf_counter() + seconds
                await asyncio.gather(
                    *(
                        _client(base, viewer, ids, until, seed, timings, outcomes)
                        for seed in range(clients)
                    )
                )

            started = time.perf_counter()
            asyncio.run(run())
            elapsed = time.perf_counter() - started
    failed = sum(n for status, n in outcomes.items() if status != "200")
    return {
        "workers": workers,
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": len(timings),
        "failed": failed,
        "outcomes": dict(outcomes),
        "throughput_rps": round(len(timings) / elapsed, 1),
        "p50_ms": round(_pct(timings, 0.50), 1),
        "p95_ms": round(_pct(timings, 0.95), 1),
        "p99_ms": round(_pct(timings, 0.99), 1),
    }


def _copy_store(source: str, target: Path) -> str:
    """A private copy of an embedded store (SQLite's online backup), for a run that writes."""
    with sqlite3.connect(source) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy)
    return str(target)


async def _mixed_client(
    viewer: httpx.AsyncClient,
    editor: httpx.AsyncClient,
    ids: dict[str, list[str]],
    own_cadres: list[str],
    until: float,
    seed: int,
    timings: dict[str, list[float]],
    outcomes: Counter[str],
    written: dict[tuple[str, int], int],
    versions: dict[str, int],
    seconds: float,
    slowest: list[tuple[int, str, float]],
    write_share: float,
) -> None:
    """One committee member or editor: ``write_share`` writes (on cadres only this client
    writes, so its last write of a quarter is the one that must be found), the rest profiles
    and searches, half each."""
    rng = random.Random(seed)
    while time.perf_counter() < until:
        roll = rng.random()
        write: tuple[str, int, int] | None = None
        if roll < write_share:
            kind = "write"
            write = (rng.choice(own_cadres), rng.randint(1, 4), rng.randint(1, 5))
            cadre_id, quarter, stars = write
            request = editor.post(
                f"/cadres/{cadre_id}/assessments",
                json={"year": 2026, "quarter": quarter, "stars": stars},
            )
        elif roll < write_share + (1 - write_share) / 2:
            kind = "profile"
            request = viewer.get(f"/cadres/{rng.choice(ids['cadres'])}")
        else:
            kind = "search"
            request = viewer.get(
                "/cadres", params={"name": rng.choice("王李张刘陈杨"), "limit": 20}
            )
        started = time.perf_counter()
        try:
            response = await request
            outcomes[f"{kind} {response.status_code}"] += 1
            if response.status_code == 200 and write is not None:
                written[(write[0], write[1])] = write[2]
            if "x-graph-version" in response.headers:
                versions[kind] = max(
                    versions.get(kind, 0), int(response.headers["x-graph-version"])
                )
        except httpx.HTTPError as error:
            outcomes[f"{kind} {type(error).__name__}"] += 1
        took = (time.perf_counter() - started) * 1000
        timings[kind].append(took)
        slowest.append((round(took), kind, round(started - (until - seconds), 1)))


def _written_found(base: str, token: str, written: dict[tuple[str, int], int]) -> int:
    """How many written assessments a profile read afterwards shows with the stars written."""
    found = 0
    with httpx.Client(
        base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60
    ) as client:
        for cadre_id in sorted({cadre for cadre, _ in written}):
            profile = client.get(f"/cadres/{cadre_id}").json()
            stars = {
                a.get("quarter"): a.get("stars")
                for a in profile["assessments"]
                if a.get("year") == 2026 and a.get("quarter")
            }
            found += sum(
                stars.get(quarter) == wanted
                for (cadre, quarter), wanted in written.items()
                if cadre == cadre_id
            )
    return found


def _summary(values: list[float]) -> dict[str, float | int | None]:
    if not values:
        return {"n": 0, "p50_ms": None, "p95_ms": None, "max_ms": None}
    return {
        "n": len(values),
        "p50_ms": round(_pct(values, 0.50), 1),
        "p95_ms": round(_pct(values, 0.95), 1),
        "max_ms": round(max(values), 1),
    }


def mixed_test(
    store: str, clients: int, seconds: float, workers: int, write_share: float = 0.2
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        access_db = Path(folder) / "access.db"
        tokens = {role: _token(access_db, role) for role in ("viewer", "editor")}
        copy = _copy_store(store, Path(folder) / "graph.db")
        with serve(copy, access_db, workers) as base:
            warm = httpx.Client(
                base_url=base, headers={"Authorization": f"Bearer {tokens['viewer']}"}, timeout=600
            )
            ids = _targets(warm)
            # Each worker's directory read before the clock: new connections, which the
            # workers share (one kept-alive connection would always reach the same worker).
            for _ in range(workers * 6):
                httpx.get(
                    f"{base}/cadres",
                    params={"name": "王", "limit": 20},
                    headers={"Authorization": f"Bearer {tokens['viewer']}"},
                    timeout=600,
                )
            timings: dict[str, list[float]] = {"search": [], "profile": [], "write": []}
            outcomes: Counter[str] = Counter()
            written: dict[tuple[str, int], int] = {}
            versions: dict[str, int] = {}
            slowest: list[tuple[int, str, float]] = []  # (ms, kind, seconds into the run)
            cadres = ids["cadres"]

            async def run() -> None:
                # Two connection pools, made before the clock starts (making a client costs
                # the event loop milliseconds that would be counted as the server's).
                limits = httpx.Limits(max_connections=clients)
                timeout = httpx.Timeout(30)  # a request unanswered in 30 s counts as failed
                async with (
                    httpx.AsyncClient(
                        base_url=base,
                        headers={"Authorization": f"Bearer {tokens['viewer']}"},
                        timeout=timeout,
                        limits=limits,
                    ) as viewer,
                    httpx.AsyncClient(
                        base_url=base,
                        headers={"Authorization": f"Bearer {tokens['editor']}"},
                        timeout=timeout,
                        limits=limits,
                    ) as editor,
                ):
                    await each_client(viewer, editor)

            async def each_client(viewer: httpx.AsyncClient, editor: httpx.AsyncClient) -> None:
                until = time.perf_counter() + seconds
                await asyncio.gather(
                    *(
                        _mixed_client(
                            viewer,
                            editor,
                            ids,
                            cadres[seed::clients],
                            until,
                            seed,
                            timings,
                            outcomes,
                            written,
                            versions,
                            seconds,
                            slowest,
                            write_share,
                        )
                        for seed in range(clients)
                    )
                )

            started = time.perf_counter()
            asyncio.run(run())
            elapsed = time.perf_counter() - started
            found = _written_found(base, tokens["editor"], written)
            cache = warm.get("/health/detail").json().get("cache", {})  # one worker's
    everything = [t for values in timings.values() for t in values]
    failed = sum(n for outcome, n in outcomes.items() if not outcome.endswith(" 200"))
    return {
        "workers": workers,
        "clients": clients,
        "write_share": write_share,
        "seconds": round(elapsed, 1),
        "requests": len(everything),
        "failed": failed,
        "over_2s": sum(t > 2000 for t in everything),
        "outcomes": dict(sorted(outcomes.items())),
        "written": len(written),
        "found": found,
        **{kind: _summary(values) for kind, values in timings.items()},
        "max_ms": round(max(everything), 1) if everything else None,
        "slowest": sorted(slowest, reverse=True)[:8],
        "newest_version_seen": versions,
        "cache_one_worker": cache,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["latency", "load", "mixed", "cpu", "search"])
    parser.add_argument(
        "--copies", type=int, default=100, help="search: the district's cadres this many times"
    )
    parser.add_argument("--store", default=str(ROOT / "var" / "bench" / "graph-3000.db"))
    parser.add_argument("--province", default=str(ROOT / "var" / "bench" / "graph-300000.db"))
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, nargs="+", default=[1])
    parser.add_argument(
        "--write-share", type=float, default=0.2, help="mixed: the share of requests that write"
    )
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    header = (
        f"Measured {date.today()} on {platform.machine()}, CPython {platform.python_version()}, "
        f"2 cores shared by client and server, by `python benchmarks/bench_service.py {args.mode}`."
    )
    if args.mode == "latency":
        rows = latency(args.store, "district (3,000)")
        if Path(args.province).exists():
            rows += latency(args.province, "province (300,000)")
        lines = [
            header,
            "",
            "| scale | query | first call s | warm p50 ms | warm p95 ms |",
            "|---|---|---:|---:|---:|",
            *(
                f"| {r['scale']} | {r['query']} | {r['first_s']} | {r['p50_ms'] or '—'} "
                f"| {r['p95_ms'] or '—'} |"
                for r in rows
            ),
        ]
    elif args.mode == "cpu":
        rows = cpu_per_request(args.store)
        lines = [
            header,
            "",
            "| request | server CPU ms per request | × bare | wall ms (one client) |",
            "|---|---:|---:|---:|",
            *(f"| {r['query']} | {r['cpu_ms']} | {r['ratio']} | {r['wall_ms']} |" for r in rows),
        ]
    elif args.mode == "search":
        rows = search_at_scale(args.store, 1) + search_at_scale(args.store, args.copies)
        bare = {r["what"].split("(")[-1]: r["p95_ms"] for r in rows if r["what"].startswith("bare")}
        lines = [
            header,
            "",
            "| step | p95 ms | × bare |",
            "|---|---:|---:|",
            *(
                f"| {r['what']} | {r['p95_ms']:.1f} "
                f"| {r['p95_ms'] / bare[r['what'].split('(')[-1]]:.2f} |"
                for r in rows
            ),
        ]
    elif args.mode == "mixed":
        results = [
            mixed_test(args.store, args.clients, args.seconds, n, args.write_share)
            for n in args.workers
        ]
        for result in results:
            print(result, file=sys.stderr)

        def cell(result: dict[str, Any], kind: str) -> str:
            part = result[kind]
            return f"{part['n']:,} | {part['p50_ms']} | {part['p95_ms']} | {part['max_ms']}"

        lines = [
            header,
            "",
            "| server workers | clients | writes share | seconds | requests | failed | over 2 s "
            "| searches | search p50 ms | search p95 ms | search max ms "
            "| profiles | profile p50 ms | profile p95 ms | profile max ms "
            "| writes | write p50 ms | write p95 ms | write max ms "
            "| assessments written | found afterwards |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:"
            "|---:|---:|---:|---:|",
            *(
                f"| {r['workers']} | {r['clients']} | {r['write_share']:.0%} | {r['seconds']} "
                f"| {r['requests']:,} "
                f"| {r['failed']} | {r['over_2s']} | {cell(r, 'search')} | {cell(r, 'profile')} "
                f"| {cell(r, 'write')} | {r['written']:,} | {r['found']:,} |"
                for r in results
            ),
            "",
            *(f"Outcomes ({r['workers']} workers): {r['outcomes']}" for r in results),
            "",
            *(
                f"Slowest ({r['workers']} workers; ms, kind, seconds into the run): {r['slowest']}"
                for r in results
            ),
        ]
    else:
        results = [load_test(args.store, args.clients, args.seconds, n) for n in args.workers]
        for result in results:
            print(result, file=sys.stderr)
        lines = [
            header,
            "",
            "| server workers | clients | seconds | requests | failed | throughput req/s | p50 ms "
            "| p95 ms | p99 ms | outcomes |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
            *(
                f"| {r['workers']} | {r['clients']} | {r['seconds']} "
                f"| {r['requests']:,} "
                f"| {r['failed']} | {r['throughput_rps']} | {r['p50_ms']} | {r['p95_ms']} "
                f"| {r['p99_ms']} | {r['outcomes']} |"
                for r in results
            ),
        ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
