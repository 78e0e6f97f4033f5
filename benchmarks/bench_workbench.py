"""Benchmark the workbench pages: each page's time on the district, first call and warm.

    PYTHONPATH=. python benchmarks/bench_workbench.py --out docs/benchmarks-workbench.md

Generates the district (3,000 cadres, seed 7) into a temporary embedded store,
serves it with uvicorn (one worker), signs in as an admin (who may open every
page), then opens each page once (the first call reads the graph into the cache
when the page needs it) and 30 more times warm. Times are wall-clock round trips
on loopback, so they include HTTP, rendering and the page's audit entry. Client
and server share the machine's 2 cores.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
WARM = 30
UVICORN = [sys.executable, "-m", "uvicorn", "--factory", "api.app:create_app"]

PAGES = {
    "首页 overview": "/",
    "空缺岗位 vacancies": "/vacancies",
    "候选人 candidates": "/vacancies/P000007",
    "逐条审查 check": "/check?cadre_id=C000010&post_id=P000016",
    "对比 compare (3)": "/compare?post_id=P000007&ids=C002314&ids=C002836&ids=C002218",
    "整体方案 round (10 posts)": "/round?run=1&young=30"
    + "".join(f"&posts={p}" for p in ("P000007", "P000009", "P000010", "P000042", "P000092"))
    + "".join(f"&posts={p}" for p in ("P000095", "P000123", "P000124", "P000016", "P000013")),
    "干部档案 search": "/cadres?q=王",
    "干部档案 profile": "/cadres/C000010",
    "关系网络 expand": "/graph/Cadre/C000010",
    "导师帮带 mentoring": "/mentoring",
    "班子结构 teams": "/teams",
    "年轻干部库 pool": "/pool",
    "教育培训 training": "/training",
    "九宫格 nine-box": "/ninebox",
    "九宫格 nine-box (a unit)": "/ninebox?unit=U00009",
}


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run() -> list[tuple[str, float, float, float]]:
    sys.path.insert(0, str(ROOT))
    from graphsvc.access import AccessStore
    from graphsvc.stores import open_store
    from loaders.load import load_paths
    from loaders.sample import generate_sample, write_sample

    rows = []
    with tempfile.TemporaryDirectory() as folder:
        base_dir = Path(folder)
        write_sample(generate_sample(cadres=3000, seed=7), base_dir / "district")
        with open_store(str(base_dir / "graph.db")) as store:
            load_paths(store, [base_dir / "district"])
        with AccessStore(base_dir / "access.db") as access:
            password = access.create_user(name="bench", role="admin", one_time=False)
        port = _port()
        server = subprocess.Popen(
            [*UVICORN, "--port", str(port), "--log-level", "warning"],
            cwd=ROOT,
            env={
                **os.environ,
                "PYTHONPATH": str(ROOT),
                "GRAPHSVC_STORE": str(base_dir / "graph.db"),
                "GRAPHSVC_ACCESS_DB": str(base_dir / "access.db"),
            },
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
            with httpx.Client(base_url=base, timeout=300) as client:
                form = client.get("/login").text
                token = re.search(r'name="form_token" value="([^"]+)"', form)
                assert token, "no sign-in form"
                signed = client.post(
                    "/login",
                    data={"name": "bench", "password": password, "form_token": token.group(1)},
                )
                assert signed.status_code == 303, signed.text[:300]
                for name, path in PAGES.items():
                    start = time.perf_counter()
                    first = client.get(path)
                    first_s = time.perf_counter() - start
                    assert first.status_code == 200, (path, first.status_code)
                    warm = []
                    for _ in range(WARM):
                        start = time.perf_counter()
                        assert client.get(path).status_code == 200
                        warm.append((time.perf_counter() - start) * 1000)
                    rows.append((name, first_s, statistics.median(warm), _pct(warm, 0.95)))
                    print(
                        f"{name:28} first {first_s:6.2f} s  p50 {rows[-1][2]:6.1f} ms"
                        f"  p95 {rows[-1][3]:6.1f} ms",
                        flush=True,
                    )
        finally:
            server.terminate()
            server.wait(timeout=30)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write the figures as a Markdown table")
    args = parser.parse_args()
    rows = run()
    if args.out:
        lines = [
            f"Measured {date.today()} on {platform.machine()}, CPython {platform.python_version()},"
            f" 2 cores shared by client and server, by `python benchmarks/bench_workbench.py`"
            f" (district: 3,000 cadres, embedded store, one uvicorn worker, signed in as an"
            f" admin; {WARM} warm calls per page after the first).",
            "",
            "| page | first call s | warm p50 ms | warm p95 ms |",
            "|---|---:|---:|---:|",
            *(f"| {n} | {f:.2f} | {p50:.1f} | {p95:.1f} |" for n, f, p50, p95 in rows),
            "",
        ]
        args.out.write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    main()
