"""Benchmark the workbench: every page's warm p95 beside the same analysis without the page,
the 44-post round and its papers.

    PYTHONPATH=. python benchmarks/bench_workbench.py --out docs/benchmarks-workbench.md

Generates the district (3,000 cadres, seed 7) into a temporary embedded store, serves it
with uvicorn (one worker), signs in as an admin (who may open every page), then:

- **pages**: each page once (the first call reads what it needs into the cache), then
  ``WARM`` times; beside it the **baseline**, the same analysis without the page, in the
  same run: the API's JSON answer for the same thing (the same cache, the same audit),
  warm, ``WARM`` times. The ratio page p95 / baseline p95 is the page's own cost
  (HTML, the table, the charts). Pages without an API twin (对比, saved plans) are timed
  against the same query functions called in this process on the same read model.
- **the round**: all 44 vacancies with a 30% young share, through the page and through
  ``POST /api/v1/selection/round``, each uncached (a young share of 30.00001 %, 30.00002 %
  ... makes each call a new round), ``ROUNDS`` times each.
- **the papers** of a saved plan of that round (the 干部任免建议名单 as .xlsx and PDF, the
  forms as one PDF and as a .zip of .lrmx, the plan as .xlsx and HTML): each download
  ``PAPERS`` times, beside the same documents made in this process without HTTP.

Pages of the cadre section (pool roster, teams, network, audit) are measured when the
branch being measured has them; a page that answers 404 is listed as absent. Client and
server share the machine's 2 cores; the figures are wall-clock round trips on loopback.
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
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
WARM = 30
ROUNDS = 3
PAPERS = 5
UVICORN = [sys.executable, "-m", "uvicorn", "--factory", "api.app:create_app"]
COMPARED = ("C002314", "C002836", "C002218")

# (name, page, the API's twin or None for an in-process baseline)
PAGES: list[tuple[str, str, str | None]] = [
    ("首页 overview", "/", "/api/v1/targets"),
    ("空缺岗位 vacancies", "/vacancies", "/api/v1/posts?vacant=true&leadership=true&limit=500"),
    (
        "候选人 candidates (all 303, page 1)",
        "/vacancies/P000007",
        "/api/v1/posts/P000007/candidates?limit=200",
    ),
    (
        "候选人 sorted, last page",
        "/vacancies/P000007?c.sort=age&c.page=16",
        "/api/v1/posts/P000007/candidates?limit=200",
    ),
    (
        "候选人 export .xlsx (303 rows)",
        "/vacancies/P000007?c.export=xlsx",
        "/api/v1/posts/P000007/candidates?limit=200",
    ),
    (
        "逐条审查 check",
        "/check?cadre_id=C000010&post_id=P000016",
        "/api/v1/selection/check?cadre_id=C000010&post_id=P000016",
    ),
    (
        "对比 compare (3)",
        "/compare?post_id=P000007" + "".join(f"&ids={c}" for c in COMPARED),
        None,
    ),
    ("干部档案 search 王", "/cadres?q=王", "/api/v1/cadres?name=王&limit=500"),
    ("干部档案 all cadres, page 40", "/cadres?found.page=40", "/api/v1/cadres?limit=500"),
    ("干部档案 profile", "/cadres/C000010", "/api/v1/cadres/C000010"),
    ("整体方案 form", "/round", "/api/v1/posts?vacant=true&leadership=true&limit=500"),
    ("现职回避情形", "/attention/conflicts", "/api/v1/selection/conflicts"),
    ("3年内到龄退休", "/attention/retiring", "/api/v1/teams"),
    ("已保存的方案 plans", "/round/plans", None),
    ("方案 a saved plan", "/round/plans/{plan}", "/round?run=1&all=1&young=30"),
    ("导师帮带 mentoring", "/mentoring", "/api/v1/mentoring"),
    ("班子结构 teams", "/teams", "/api/v1/teams"),
    ("年轻干部库 pool", "/pool", "/api/v1/pool"),
    ("教育培训 training", "/training", "/api/v1/training"),
    ("九宫格 nine-box", "/ninebox", "/api/v1/pool"),
    ("协作网络 network", "/network", "/api/v1/network"),
    ("审计日志 audit", "/audit", "/api/v1/audit?limit=50"),
]
PAPER_KINDS = ("list.xlsx", "list.pdf", "forms.pdf", "forms.zip", "report.xlsx", "report.html")


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _times(call: Callable[[], Any], count: int) -> list[float]:
    spent = []
    for _ in range(count):
        start = time.perf_counter()
        call()
        spent.append((time.perf_counter() - start) * 1000)
    return spent


def _ok(response: httpx.Response) -> httpx.Response:
    assert response.status_code == 200, (response.request.url, response.status_code)
    return response


class Local:
    """The baselines without HTTP: the same query functions on the same data, in process."""

    def __init__(self, store_path: Path) -> None:
        from graphsvc.stores import open_store
        from queries.selection.candidates import SelectionContext
        from queries.selection.policy import load_policy

        self.store = open_store(str(store_path))
        self.context = SelectionContext.load(
            self.store, policy=load_policy(None), as_of=date.today()
        )

    def compare(self) -> None:
        from queries.selection.candidates import explain

        post = self.context.posts["P000007"]
        for cadre_id in COMPARED:
            explain(self.context, "P000007", cadre_id)
            self.context.verdict(cadre_id, post)

    def round(self, share: float) -> dict[str, Any]:
        from queries.selection.round import run_round

        return dict(run_round(context=self.context, min_young_share=share))

    def papers(self, plan: dict[str, Any], kind: str) -> bytes:
        from queries.forms.export import round_documents
        from queries.reports.appointments import (
            Proposal,
            forms_pdf,
            forms_zip,
            proposal_pdf,
            proposal_rows,
            proposal_workbook,
        )
        from queries.reports.document import write_report_bytes
        from queries.reports.selection import round_report

        if kind.startswith("report"):
            return write_report_bytes(round_report(plan), kind.split(".")[1])  # type: ignore[arg-type]
        documents = round_documents(store=self.store, plan=plan, as_of=self.context.as_of)
        heading = Proposal("金湾区", self.context.as_of, "中共金湾区委组织部")
        if kind == "list.xlsx":
            return proposal_workbook(heading, proposal_rows(documents))
        if kind == "list.pdf":
            return proposal_pdf(heading, proposal_rows(documents))
        if kind == "forms.pdf":
            return forms_pdf([d for _, d in documents])
        return forms_zip(documents)


def run() -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    from graphsvc.access import AccessStore
    from graphsvc.plans import PlanStore
    from graphsvc.stores import open_store
    from loaders.load import load_paths
    from loaders.sample import generate_sample, write_sample

    figures: dict[str, Any] = {"pages": [], "absent": [], "round": {}, "papers": []}
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
            for _ in range(600):
                try:
                    if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
            with AccessStore(base_dir / "access.db") as access:
                token = access.create_token(name="bench-api", role="admin")
            api = httpx.Client(
                base_url=base, timeout=600, headers={"Authorization": f"Bearer {token}"}
            )
            with httpx.Client(base_url=base, timeout=600) as client:
                form = client.get("/login").text
                found = re.search(r'name="form_token" value="([^"]+)"', form)
                assert found, "no sign-in form"
                signed = client.post(
                    "/login",
                    data={"name": "bench", "password": password, "form_token": found.group(1)},
                )
                assert signed.status_code == 303, signed.text[:300]
                local = Local(base_dir / "graph.db")

                # The 44-post round, uncached each time, through the page and the API.
                page_round, api_round, bare_round = [], [], []
                for index in range(ROUNDS):
                    share = 30 + (index + 1) * 1e-5
                    start = time.perf_counter()
                    _ok(client.get(f"/round?run=1&all=1&young={share}"))
                    page_round.append(time.perf_counter() - start)
                    start = time.perf_counter()
                    answer = _ok(
                        api.post("/api/v1/selection/round", json={"min_young_share": share / 100})
                    )
                    api_round.append(time.perf_counter() - start)
                    start = time.perf_counter()
                    local.round(share / 100)
                    bare_round.append(time.perf_counter() - start)
                posts = answer.json()["posts"]
                figures["round"] = {
                    "posts": posts,
                    "page": statistics.median(page_round),
                    "api": statistics.median(api_round),
                    "bare": statistics.median(bare_round),
                }
                print(f"round ({posts} posts): {figures['round']}", flush=True)

                # A saved plan of that round, for the plan pages and the papers.
                page = _ok(client.get("/round?run=1&all=1&young=30"))
                csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
                query = re.search(r'name="query" value="([^"]+)"', page.text)
                assert csrf and query
                saved = client.post(
                    "/round/plans",
                    data={
                        "csrf": csrf.group(1),
                        "query": query.group(1).replace("&amp;", "&"),
                        "name": "基准方案",
                    },
                )
                assert saved.status_code == 303, saved.text[:300]
                plan_path = saved.headers["location"].split("?")[0]
                plan_id = plan_path.rsplit("/", 1)[1]
                plans = PlanStore(base_dir / "access.db")
                stored = plans.get(int(plan_id))
                assert stored is not None

                for kind in PAPER_KINDS:
                    url = f"{plan_path}/papers/{kind}"
                    began = time.perf_counter()
                    size = len(_ok(client.get(url)).content)
                    first_s = time.perf_counter() - began
                    warm = _times(lambda url=url: _ok(client.get(url)), PAPERS)  # type: ignore[misc]
                    bare = _times(
                        lambda kind=kind: local.papers(stored.result["result"], kind),  # type: ignore[misc]
                        PAPERS,
                    )
                    figures["papers"].append((kind, size, first_s, warm, bare))
                    print(
                        f"{kind:12} {size:>9,} B  page p50 {statistics.median(warm):7.0f} ms"
                        f"  bare p50 {statistics.median(bare):7.0f} ms",
                        flush=True,
                    )

                in_process: dict[str, Callable[[], Any]] = {
                    "/compare": local.compare,
                    "/round/plans": plans.list,
                }
                for name, path, twin in PAGES:
                    path = path.replace("{plan}", plan_id)
                    start = time.perf_counter()
                    first = client.get(path)
                    first_s = time.perf_counter() - start
                    if first.status_code == 404:
                        figures["absent"].append(name)
                        print(f"{name:28} absent on this branch", flush=True)
                        continue
                    _ok(first)
                    warm = _times(lambda path=path: _ok(client.get(path)), WARM)  # type: ignore[misc]
                    if twin is not None and not twin.startswith("/api/"):
                        # The same plan shown live (the round cached): what reopening costs.
                        baseline = _times(lambda twin=twin: _ok(client.get(twin)), WARM)  # type: ignore[misc]
                        kind = "the live round page"
                    elif twin is not None:
                        _ok(api.get(twin))
                        baseline = _times(lambda twin=twin: _ok(api.get(twin)), WARM)  # type: ignore[misc]
                        kind = "API " + twin.split("?")[0].removeprefix("/api/v1")
                    else:
                        key = next(k for k in in_process if path.startswith(k.split("{")[0]))
                        baseline = _times(in_process[key], WARM)
                        kind = "in process"
                    figures["pages"].append((name, first_s, warm, baseline, kind))
                    print(
                        f"{name:28} first {first_s:6.2f} s  p95 {_pct(warm, 0.95):7.1f} ms"
                        f"  baseline p95 {_pct(baseline, 0.95):7.1f} ms ({kind})",
                        flush=True,
                    )
            api.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
    return figures


def _markdown(figures: dict[str, Any]) -> str:
    lines = [
        f"Measured {date.today()} on {platform.machine()}, CPython {platform.python_version()},"
        f" by `python benchmarks/bench_workbench.py` (district: 3,000 cadres, embedded store,"
        f" one uvicorn worker, signed in as an admin). Client and server share the machine's"
        f" 2 cores, and the machine was shared with other work while measuring: compare the"
        f" ratios (each against its baseline in the same run), not the absolute times.",
        "",
        "## Pages",
        "",
        f"{WARM} warm calls per page after the first; the baseline is the same analysis"
        " without the page (the API's JSON answer, warm, through the same cache and audit;"
        " or the query functions in process where no API twin exists). Ratio = page p95 /"
        " baseline p95: the page's own cost.",
        "",
        "| page | first call s | warm p50 ms | warm p95 ms | baseline | baseline p95 ms | ratio |",
        "|---|---:|---:|---:|---|---:|---:|",
    ]
    for name, first_s, warm, baseline, kind in figures["pages"]:
        page95, base95 = _pct(warm, 0.95), _pct(baseline, 0.95)
        lines.append(
            f"| {name} | {first_s:.2f} | {statistics.median(warm):.1f} | {page95:.1f} |"
            f" {kind} | {base95:.1f} | {page95 / max(base95, 0.01):.1f}× |"
        )
    if figures["absent"]:
        lines += ["", "Not on the measured branch: " + "、".join(figures["absent"]) + "."]
    r = figures["round"]
    lines += [
        "",
        "## The round",
        "",
        f"All {r['posts']} vacancies, 30% under 35, each call a new round (median of {ROUNDS}):",
        "",
        "| through | s | ratio to in process |",
        "|---|---:|---:|",
        f"| the page (/round, rendered with its table) | {r['page']:.2f} |"
        f" {r['page'] / r['bare']:.2f}× |",
        f"| the API (POST /api/v1/selection/round) | {r['api']:.2f} |"
        f" {r['api'] / r['bare']:.2f}× |",
        f"| in process (run_round) | {r['bare']:.2f} | 1.00× |",
        "",
        "## The papers of that round (a saved plan)",
        "",
        f"Each download {PAPERS} times after the first, beside the same document made in"
        " process without HTTP.",
        "",
        "| paper | bytes | first s | page p50 ms | page p95 ms | in process p50 ms | ratio |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for kind, size, first_s, warm, bare in figures["papers"]:
        lines.append(
            f"| {kind} | {size:,} | {first_s:.2f} | {statistics.median(warm):.0f} |"
            f" {_pct(warm, 0.95):.0f} | {statistics.median(bare):.0f} |"
            f" {statistics.median(warm) / max(statistics.median(bare), 0.01):.2f}× |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write the figures as a Markdown table")
    args = parser.parse_args()
    figures = run()
    text = _markdown(figures)
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
