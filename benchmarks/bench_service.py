"""Benchmark the HTTP service: single-query latency, and a bounded load test on loopback.

    python benchmarks/bench_service.py latency --out docs/benchmarks-service-latency.md
    python benchmarks/bench_service.py load --clients 50 --seconds 60 \
        --out docs/benchmarks-service-load.md
    python benchmarks/bench_service.py mixed --clients 30 --seconds 30 --workers 2 \
        --out docs/benchmarks-service-mixed.md
    python benchmarks/bench_service.py first --out docs/benchmarks-service-first.md
    python benchmarks/bench_service.py cpu
    python benchmarks/bench_service.py search --copies 100

`latency` serves each store (`var/bench/graph-3000.db`, and `graph-300000.db` when
present) with `graphsvc serve`, then times each committee query alone, one after
another: the first call (which reads the graph into the cache when it needs to)
and 30 warm calls. `load` serves the district and runs N concurrent clients for
S seconds of mixed committee queries (profiles, searches, candidates, checks),
counting every request that fails or gets no answer. `mixed` is the committee
while the cadre section writes: on a copy of the district, each client asks the
committee's questions (a name search, a profile, a vacancy's candidates, an
appointment check, equally often) and one request in five (``--write-share``) is
an editor's write (an annual grade, a quarterly star rating or a mentor pairing,
equally often); after each write the writer's own next search notes whether it
shows the write, each answer from the read models (search, candidates) notes how
long before it was asked the oldest write it does not show had been made (the
staleness), and afterwards every last write is read back from the profile; by
default the same run without writes follows. `cpu` serves a copy of the district
with one worker and measures the server's CPU time per request (health check as
the bare baseline, profile, search, write), one request after another. `search`
times the directory search in process over the district's cadres repeated (300,000
at ``--copies 100``) against the plain filter it replaced. `first` serves a fresh
copy of a store (the province by default) and times, from the moment health says
ready, the first answer of each kind a committee and an analyst ask, and how long
the service was warming. Client and server share the machine's 2 cores.
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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import aiohttp
import httpx

ROOT = Path(__file__).resolve().parents[1]
# This checkout's command line, not whichever one the environment has installed; or the
# one BENCH_CHECKOUT names (an export of an earlier commit, for a baseline in the same run).
CHECKOUT = Path(os.environ.get("BENCH_CHECKOUT", ROOT)).resolve()
GRAPHSVC = [sys.executable, "-m", "cli"]
CHECKOUT_ENV = {
    "PYTHONPATH": os.pathsep.join(filter(None, [str(CHECKOUT), os.environ.get("PYTHONPATH")]))
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
        cwd=CHECKOUT,
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
        cwd=CHECKOUT,
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


def _family(pid: int) -> Iterator[list[str]]:
    """The /proc stat fields (after the name) of a process and of its children (Linux)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(stat.parent.name) == pid or int(fields[1]) == pid:
            yield fields


def _server_cpu_seconds(pid: int) -> float:
    """CPU time of a server and its worker processes so far."""
    ticks = sum(int(fields[11]) + int(fields[12]) for fields in _family(pid))
    return ticks / os.sysconf("SC_CLK_TCK")


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


READS = ("search", "profile", "candidates", "check")  # what a committee asks
WRITES = ("assessment", "stars", "pairing")  # what the cadre section records meanwhile
CACHED = ("search", "candidates")  # answered from the read models (the others read the store)


@dataclass
class MixedRun:
    """Everything one mixed run saw, gathered by its clients."""

    seconds: float
    timings: dict[str, list[float]] = field(
        default_factory=lambda: {kind: [] for kind in (*READS, *WRITES)}
    )
    outcomes: Counter[str] = field(default_factory=Counter)
    slowest: list[tuple[int, str, float]] = field(default_factory=list)  # ms, kind, at s
    # The last write of each kind per cadre (each cadre written by one client only).
    grades: dict[str, str] = field(default_factory=dict)
    stars: dict[tuple[str, int], int] = field(default_factory=dict)
    pairings: dict[str, str] = field(default_factory=dict)  # mentee → mentor
    writes_done: list[tuple[float, int]] = field(default_factory=list)  # (when, version)
    cached_reads: list[tuple[float, int]] = field(default_factory=list)  # (sent, version)
    own_reads: list[bool] = field(default_factory=list)  # the writer's next read saw it
    loop_lag: tuple[float, float] = (0.0, 0.0)  # the client loop's worst lag (s), when


@dataclass(frozen=True)
class _Call:
    """One request to make: method, path under the API, query and JSON body."""

    method: str
    path: str
    params: dict[str, Any] | None = None
    body: dict[str, Any] | None = None


def _write_request(
    rng: random.Random, cadre_id: str, mentors: list[str], run: MixedRun
) -> tuple[str, _Call, Callable[[], None]]:
    """One write of a random kind: (kind, request, what to remember once it is written)."""
    kind = rng.choice(WRITES)
    if kind == "assessment":
        grade = rng.choice(["优秀", "称职"])
        body: dict[str, Any] = {"year": 2026, "grade": grade}
        remember: Callable[[], None] = lambda: run.grades.__setitem__(cadre_id, grade)  # noqa: E731
        return kind, _Call("POST", f"/cadres/{cadre_id}/assessments", body=body), remember
    if kind == "stars":
        quarter, stars = rng.randint(1, 4), rng.randint(1, 5)
        body = {"year": 2026, "quarter": quarter, "stars": stars}
        remember = lambda: run.stars.__setitem__((cadre_id, quarter), stars)  # noqa: E731
        return kind, _Call("POST", f"/cadres/{cadre_id}/assessments", body=body), remember
    mentor = rng.choice(mentors)
    body = {"mentor_id": mentor, "mentee_id": cadre_id, "start": "2026-11-01"}
    remember = lambda: run.pairings.__setitem__(cadre_id, mentor)  # noqa: E731
    return kind, _Call("POST", "/mentoring/pairs", body=body), remember


def _read_request(rng: random.Random, ids: dict[str, list[str]]) -> tuple[str, _Call]:
    """One of the committee's questions, the four equally often."""
    kind = rng.choice(READS)
    if kind == "search":
        return kind, _Call("GET", "/cadres", {"name": rng.choice("王李张刘陈杨"), "limit": 20})
    if kind == "profile":
        return kind, _Call("GET", f"/cadres/{rng.choice(ids['cadres'])}")
    if kind == "candidates":
        params = {"limit": 10, "as_of": AS_OF}
        return kind, _Call("GET", f"/posts/{rng.choice(ids['vacancies'])}/candidates", params)
    params = {
        "cadre_id": rng.choice(ids["cadres"]),
        "post_id": rng.choice(ids["vacancies"]),
        "as_of": AS_OF,
    }
    return kind, _Call("GET", "/selection/check", params)


async def _mixed_client(
    base: str,
    viewer: aiohttp.ClientSession,
    editor: aiohttp.ClientSession,
    ids: dict[str, list[str]],
    own_cadres: list[str],
    mentors: list[str],
    until: float,
    seed: int,
    run: MixedRun,
    write_share: float,
) -> None:
    """A committee member's questions, and ``write_share`` of the time the cadre section's
    writes (on cadres only this client writes, so its last write is the one to find). After
    a write the writer asks a search with its own session (which got its write's version
    back as a cookie): whether that answer shows the write is noted."""
    rng = random.Random(seed)
    wrote: int | None = None  # the version of this writer's last write, not yet read back
    while time.perf_counter() < until:
        remember: Callable[[], None] | None = None
        session = viewer
        if wrote is not None:
            kind, call = "search", _Call("GET", "/cadres", {"name": "王", "limit": 20})
            session = editor
        elif rng.random() < write_share:
            kind, call, remember = _write_request(rng, rng.choice(own_cadres), mentors, run)
            session = editor
        else:
            kind, call = _read_request(rng, ids)
        started = time.perf_counter()
        try:
            async with session.request(
                call.method, base + call.path, params=call.params, json=call.body
            ) as response:
                status = response.status
                version = response.headers.get("x-graph-version")
                answer = await response.json() if remember is not None and status == 200 else None
                if answer is None:
                    await response.read()
            run.outcomes[f"{kind} {status}"] += 1
            if answer is not None:
                version = str(answer["version"])  # the write's own (the header may be later)
            if status == 200 and version is not None:
                if remember is not None:
                    remember()
                    run.writes_done.append((time.perf_counter(), int(version)))
                elif kind in CACHED:
                    run.cached_reads.append((started, int(version)))
                if wrote is not None:
                    run.own_reads.append(int(version) >= wrote)
            # A write that changed something (the same grade again changes nothing) is the
            # one its writer's next read must show.
            changed = answer is not None and (
                any(answer.get("created", {}).values()) or any(answer.get("updated", {}).values())
            )
            wrote = int(version) if changed and version is not None else None
        except (aiohttp.ClientError, TimeoutError) as error:
            run.outcomes[f"{kind} {type(error).__name__}"] += 1
            wrote = None
        took = (time.perf_counter() - started) * 1000
        run.timings[kind].append(took)
        run.slowest.append((round(took), kind, round(started - (until - run.seconds), 1)))


async def _loop_lag(until: float, run: MixedRun) -> None:
    """How late the client's own event loop wakes a 10 ms sleep, the worst seen (with when):
    a client that stalls would make every answer in flight look slow."""
    while time.perf_counter() < until:
        asked = time.perf_counter()
        await asyncio.sleep(0.01)
        late = time.perf_counter() - asked - 0.01
        if late > run.loop_lag[0]:
            run.loop_lag = (late, round(asked - (until - run.seconds), 1))


def _staleness(run: MixedRun) -> list[float]:
    """For each answer from the read models: how long before it was asked the oldest write
    it does not show had been written (0 when it shows every write done by then)."""
    writes = sorted(run.writes_done)
    found = []
    for sent, version in run.cached_reads:
        missed = [when for when, written in writes if when < sent and written > version]
        found.append(sent - missed[0] if missed else 0.0)
    return found


def _written_found(base: str, token: str, run: MixedRun) -> int:
    """How many of the last writes a profile read afterwards shows: each cadre's annual
    grade, stars per quarter, and current mentor."""
    found = 0
    cadres = sorted({*run.grades, *(c for c, _ in run.stars), *run.pairings})
    with httpx.Client(
        base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60
    ) as client:
        for cadre_id in cadres:
            profile = client.get(f"/cadres/{cadre_id}").json()
            mine = [a for a in profile["assessments"] if a.get("year") == 2026]
            grade = next((a.get("grade") for a in mine if not a.get("quarter")), None)
            stars = {a.get("quarter"): a.get("stars") for a in mine if a.get("quarter")}
            mentors = {m["mentor_id"] for m in profile["mentors"] if m.get("current")}
            if cadre_id in run.grades:
                found += grade == run.grades[cadre_id]
            found += sum(
                stars.get(quarter) == wanted
                for (cadre, quarter), wanted in run.stars.items()
                if cadre == cadre_id
            )
            found += cadre_id in run.pairings and run.pairings[cadre_id] in mentors
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


def _mentors(store: str) -> list[str]:
    from graphsvc.stores import open_store

    with open_store(store) as graph:
        return sorted(m["id"] for m in graph.iter_nodes("Mentor", ["status"]))


def _ready(base: str, seconds: float = 3600) -> float:
    """Wait until the service has prepared its read models (health says ok); the wait."""
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        if httpx.get(f"{base}/health", timeout=10).json().get("status") == "ok":
            break
        time.sleep(0.1)
    return time.perf_counter() - started


def mixed_test(
    store: str, clients: int, seconds: float, workers: int, write_share: float = 0.2
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        access_db = Path(folder) / "access.db"
        tokens = {role: _token(access_db, role) for role in ("viewer", "editor")}
        copy = _copy_store(store, Path(folder) / "graph.db")
        mentors = _mentors(copy)
        pids: list[int] = []
        with serve(copy, access_db, workers, pids) as base:
            for _ in range(workers * 6):  # each worker's health (new connections spread)
                _ready(base)
            warm = httpx.Client(
                base_url=base, headers={"Authorization": f"Bearer {tokens['viewer']}"}, timeout=600
            )
            ids = _targets(warm)
            # The committee's day (AS_OF) read by each worker before the clock, over new
            # connections (one kept-alive connection would always reach the same worker).
            for _ in range(workers * 3):
                for post in ids["vacancies"]:
                    httpx.get(
                        f"{base}/posts/{post}/candidates",
                        params={"limit": 10, "as_of": AS_OF},
                        headers={"Authorization": f"Bearer {tokens['viewer']}"},
                        timeout=600,
                    )
            run = MixedRun(seconds)
            cadres = ids["cadres"]

            async def go() -> None:
                # Sessions made before the clock starts (making one costs the event loop
                # milliseconds that would be counted as the server's); one editor session
                # per writer, so that each keeps its own write's cookie (a cookie of an IP
                # host is kept only by an "unsafe" jar). aiohttp rather than httpx: on these
                # 2 shared cores httpx's client took more CPU a request than the server.
                # Idle connections dropped before the server's own 5 s keep-alive ends them
                # (a request sent on one the server is closing fails: the client's doing).
                timeout = aiohttp.ClientTimeout(total=30)  # unanswered in 30 s: failed

                def session(token: str, connections: int) -> aiohttp.ClientSession:
                    return aiohttp.ClientSession(
                        headers={"Authorization": f"Bearer {token}"},
                        timeout=timeout,
                        connector=aiohttp.TCPConnector(limit=connections, keepalive_timeout=2),
                        cookie_jar=aiohttp.CookieJar(unsafe=True),
                    )

                viewer = session(tokens["viewer"], clients)
                editors = [session(tokens["editor"], 1) for _ in range(clients)]
                until = time.perf_counter() + seconds
                lag = asyncio.create_task(_loop_lag(until, run))
                try:
                    await asyncio.gather(
                        *(
                            _mixed_client(
                                base,
                                viewer,
                                editors[seed],
                                ids,
                                cadres[seed::clients],
                                mentors,
                                until,
                                seed,
                                run,
                                write_share,
                            )
                            for seed in range(clients)
                        )
                    )
                finally:
                    await lag
                    for client in (viewer, *editors):
                        await client.close()

            started, cpu = time.perf_counter(), _server_cpu_seconds(pids[0])
            client_cpu = time.process_time()
            asyncio.run(go())
            elapsed = time.perf_counter() - started
            client_cpu = time.process_time() - client_cpu
            server_cpu = _server_cpu_seconds(pids[0]) - cpu
            load = os.getloadavg()[0]
            found = _written_found(base, tokens["editor"], run)
            cache = warm.get("/health/detail").json().get("cache", {})  # one worker's
    everything = [t for values in run.timings.values() for t in values]
    failed = sum(n for outcome, n in run.outcomes.items() if not outcome.endswith(" 200"))
    stale = _staleness(run)
    written = len(run.grades) + len(run.stars) + len(run.pairings)
    return {
        "workers": workers,
        "clients": clients,
        "write_share": write_share,
        "seconds": round(elapsed, 1),
        "requests": len(everything),
        "failed": failed,
        "over_1s": sum(t > 1000 for t in everything),
        "server_cpu_ms": round(server_cpu * 1000 / max(len(everything), 1), 1),
        # The client's own CPU a request: it shares the 2 cores with the server.
        "client_cpu_ms": round(client_cpu * 1000 / max(len(everything), 1), 1),
        "client_lag_max_ms": round(run.loop_lag[0] * 1000),
        "client_lag_at_s": run.loop_lag[1],
        "load_average": round(load, 1),
        "outcomes": dict(sorted(run.outcomes.items())),
        "written": written,
        "found": found,
        "own_reads": len(run.own_reads),
        "own_reads_fresh": sum(run.own_reads),
        "kinds": {kind: _summary(values) for kind, values in run.timings.items()},
        "stale_p50_s": round(_pct(stale, 0.5), 2) if stale else None,
        "stale_p95_s": round(_pct(stale, 0.95), 2) if stale else None,
        "stale_max_s": round(max(stale), 2) if stale else None,
        "stale_over_2s": sum(s > 2 for s in stale),
        "cached_reads": len(stale),
        "slowest": sorted(run.slowest, reverse=True)[:8],
        "cache_one_worker": cache,
    }


def mixed_tables(results: list[dict[str, Any]]) -> list[str]:
    """The runs as two Markdown tables: the whole run, then each kind of request."""
    lines = [
        "| writes share | server workers | clients | seconds | requests | failed | over 1 s "
        "| writes | found afterwards | writer's next read shows it "
        "| staleness p50 / p95 / max s | answers staler than 2 s | server CPU ms a request "
        "| client CPU ms a request | load average at the end |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|",
    ]
    for r in results:
        stale = f"{r['stale_p50_s']} / {r['stale_p95_s']} / {r['stale_max_s']}"
        lines.append(
            f"| {r['write_share']:.0%} | {r['workers']} | {r['clients']} | {r['seconds']} "
            f"| {r['requests']:,} | {r['failed']} | {r['over_1s']} | {r['written']:,} "
            f"| {r['found']:,} | {r['own_reads_fresh']:,} of {r['own_reads']:,} "
            f"| {stale if r['write_share'] else '—'} | {r['stale_over_2s']} "
            f"| {r['server_cpu_ms']} | {r['client_cpu_ms']} | {r['load_average']} |"
        )
    lines += ["", "| writes share | kind | requests | p50 ms | p95 ms | max ms |"]
    lines.append("|---:|---|---:|---:|---:|---:|")
    for r in results:
        for kind, part in r["kinds"].items():
            if part["n"]:
                lines.append(
                    f"| {r['write_share']:.0%} | {kind} | {part['n']:,} | {part['p50_ms']} "
                    f"| {part['p95_ms']} | {part['max_ms']} |"
                )
    lines.append("")
    lines += [f"Outcomes ({r['write_share']:.0%} writes): {r['outcomes']}" for r in results]
    lines.append("")
    lines += [
        f"Slowest ({r['write_share']:.0%} writes; ms, kind, seconds into the run): {r['slowest']}"
        for r in results
    ]
    lines.append("")
    lines += [
        f"Cache of one worker after the run ({r['write_share']:.0%} writes): "
        f"{r['cache_one_worker']}"
        for r in results
    ]
    return lines


def _rss_mib(pid: int) -> float:
    """Resident memory of a process and its children, in MiB."""
    pages = sum(int(fields[21]) for fields in _family(pid))
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def first_answers(store: str, label: str) -> list[dict[str, Any]]:
    """A fresh ``graphsvc serve`` (one worker): how long it says ``warming`` (when it does),
    then the first answer of each kind a committee and an analyst ask, one after another,
    each for the day (no ``as_of``) as a committee would, then the second of each."""
    from graphsvc.stores import open_store

    # The posts and the person to ask about, read from the store before it is served (a
    # question to the service would read its directory before the clock): the first
    # leadership post of each level, a cadre.
    by_level: dict[str, str] = {}
    with open_store(store) as graph:
        for post in graph.iter_nodes("Post", ["level", "leadership"]):
            if post.get("leadership"):
                by_level.setdefault(str(post.get("level")), post["id"])
        first_cadres, total = graph.list_nodes("Cadre", limit=1)
        cadre = first_cadres[0]["id"]
    label = f"{label} ({total:,} cadres)"
    county = by_level.get("正处") or by_level["副处"]
    township = by_level.get("正科") or by_level["副科"]
    with tempfile.TemporaryDirectory() as folder:
        access_db = Path(folder) / "access.db"
        viewer, analyst = _token(access_db, "viewer"), _token(access_db, "analyst")
        pids: list[int] = []
        started = time.perf_counter()
        with serve(store, access_db, 1, pids) as base:
            up = time.perf_counter() - started
            progress: list[str] = []
            while True:
                body = httpx.get(f"{base}/health", timeout=30).json()
                if body.get("status") != "warming":
                    break
                step = body["warming"]["step"]
                if not progress or progress[-1] != step:
                    progress.append(step)
                    print(f"warming: {body['warming']}", file=sys.stderr)
                time.sleep(0.2)
            ready = time.perf_counter() - started
            rss_ready = _rss_mib(pids[0])
            client, analyst_client = (
                httpx.Client(base_url=base, headers={"Authorization": f"Bearer {t}"}, timeout=3600)
                for t in (viewer, analyst)
            )
            asks = {
                f"candidates, a 处级 post ({county})": lambda: client.get(
                    f"/posts/{county}/candidates", params={"limit": 10}
                ),
                f"candidates, a 科级 post ({township})": lambda: client.get(
                    f"/posts/{township}/candidates", params={"limit": 10}
                ),
                "search (name part, age)": lambda: client.get(
                    "/cadres", params={"name": "王", "max_age": 35, "limit": 20}
                ),
                "check an appointment": lambda: client.get(
                    "/selection/check", params={"cadre_id": cadre, "post_id": township}
                ),
                "profile": lambda: client.get(f"/cadres/{cadre}"),
                "mentoring coverage (analyst)": lambda: analyst_client.get("/mentoring"),
            }
            rows = []
            for name, ask in asks.items():
                times = []
                for _ in range(2):
                    began = time.perf_counter()
                    answer = ask()
                    times.append(time.perf_counter() - began)
                    assert answer.status_code == 200, (name, answer.text[:300])
                rows.append({"scale": label, "query": name, "first_s": times[0],
                             "second_s": times[1]})  # fmt: skip
                print(rows[-1], file=sys.stderr)
            rss_after = _rss_mib(pids[0])
    rows.insert(
        0,
        {
            "scale": label,
            "query": "start: health answers / says ready (warming) / memory MiB",
            "first_s": up,
            "second_s": ready,
            "rss": (rss_ready, rss_after),
        },
    )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["latency", "load", "mixed", "cpu", "search", "first"])
    parser.add_argument(
        "--copies", type=int, default=100, help="search: the district's cadres this many times"
    )
    parser.add_argument("--store", default=str(ROOT / "var" / "bench" / "graph-3000.db"))
    parser.add_argument("--province", default=str(ROOT / "var" / "bench" / "graph-300000.db"))
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, nargs="+", default=[1])
    parser.add_argument(
        "--write-share",
        type=float,
        nargs="+",
        default=[0.2, 0.0],
        help="mixed: the share of requests that write, one run each (default 0.2, then 0)",
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
    elif args.mode == "first":
        rows = first_answers(args.province, Path(args.province).name)
        start = rows[0]
        lines = [
            header,
            f"Checkout served: {CHECKOUT}. Health answered {start['first_s']:.1f} s after the "
            f"start and said ready {start['second_s']:.1f} s after it (warming "
            f"{start['second_s'] - start['first_s']:.1f} s); the server's memory "
            f"{start['rss'][0]:,.0f} MiB when ready, {start['rss'][1]:,.0f} MiB after the "
            "questions below.",
            "",
            "| scale | query (after health says ready) | first s | second s |",
            "|---|---|---:|---:|",
            *(
                f"| {r['scale']} | {r['query']} | {r['first_s']:.2f} | {r['second_s']:.2f} |"
                for r in rows[1:]
            ),
        ]
    elif args.mode == "mixed":
        results = [
            mixed_test(args.store, args.clients, args.seconds, n, share)
            for n in args.workers
            for share in args.write_share
        ]
        for result in results:
            print(result, file=sys.stderr)
        lines = [header, "", *mixed_tables(results)]
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
