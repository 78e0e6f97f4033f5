"""Benchmark Neo4j loads: bulk import into an empty database, and incremental loads.

Runs its own Neo4j instance (state under /tmp, bolt 7697, http 7484; never the shared one on
7687), built and started through tools/neo4j/neo4j.sh.

    # the province (300,000 cadres): only one province-size run at a time
    flock /tmp/graphsvc-province.lock python benchmarks/bench_neo4j.py \\
        --bulk /tmp/scope/prov/p --out docs/benchmarks-neo4j.md
    # a district only (quick)
    python benchmarks/bench_neo4j.py --bulk var/bench/d7

Steps, each beside its bare baseline in the same run:

- bulk: validate the files (the loaders' validation, as ``load --bulk`` does), write the
  importer's CSV files (baseline: the same rows written with pandas ``to_csv``), run
  ``Neo4jBulkImport`` (emptiness check, ``neo4j-admin database import full``, constraints and
  graph version; baseline: the importer phase on its own), start the server and count.
- incremental: the transactional path loads a district (seed 7) into the emptied database,
  then a changed district (seed 8: the same ids with other values, and new ones), then the
  changed district again (nothing to change). Baseline: one bare ``UNWIND … CREATE`` of as
  many rows, in one transaction, into the same server.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graphsvc.stores import neo4j_queries as cypher  # noqa: E402
from graphsvc.stores.neo4j import Neo4jStore  # noqa: E402
from graphsvc.stores.neo4j_bulk import run_import, write_import_files  # noqa: E402
from loaders.sample import generate_sample, write_sample  # noqa: E402
from loaders.tables import read_sources  # noqa: E402
from loaders.validate import validate_tables  # noqa: E402

SCRIPT = ROOT / "tools" / "neo4j" / "neo4j.sh"
BOLT, HTTP = 7697, 7484
URL = f"neo4j://127.0.0.1:{BOLT}"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _env(state: Path) -> dict[str, str]:
    return {
        **os.environ,
        "NEO4J_STATE_DIR": str(state),
        "NEO4J_BOLT_PORT": str(BOLT),
        "NEO4J_HTTP_PORT": str(HTTP),
        "NEO4J_HEAP": "2g",
        "NEO4J_PAGECACHE_MB": "1024",
    }


def _script(state: Path, *args: str) -> str:
    done = subprocess.run(
        [str(SCRIPT), *args], env=_env(state), capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def bulk(folder: Path, state: Path) -> dict[str, Any]:
    """Validate, write the importer's files, import into the never-started instance, start."""
    import pandas as pd

    figures: dict[str, Any] = {}
    started = time.perf_counter()
    validated = validate_tables(read_sources([folder]), None)
    if validated.issues:
        raise SystemExit(f"{folder}: {len(validated.issues)} problems, e.g. {validated.issues[0]}")
    figures["validate_s"] = time.perf_counter() - started
    figures["input_rows"] = sum(validated.rows_by_table.values())
    batch = validated.batch
    java = [
        "java",
        "-Xmx2g",
        "-XX:+UseG1GC",
        "-cp",
        _script(state, "classpath").splitlines()[-1],
    ]
    with tempfile.TemporaryDirectory(prefix="bench-neo4j-") as scratch:
        started = time.perf_counter()
        files = write_import_files(batch, Path(scratch) / "files")
        figures["files_s"] = time.perf_counter() - started
        figures["graph_rows"] = files.total_rows
        # Baseline: the same node and relation rows written by pandas, one file per kind.
        started = time.perf_counter()
        bare = Path(scratch) / "pandas"
        bare.mkdir()
        by_label: dict[str, list[dict[str, Any]]] = {}
        for node in batch.nodes:
            by_label.setdefault(node.label, []).append({"id": node.id, **node.props})
        for edge in batch.edges:
            by_label.setdefault(edge.type, []).append(
                {"source": edge.source, "target": edge.target, "key": edge.key, **edge.props}
            )
        for name, records in by_label.items():
            pd.DataFrame.from_records(records).to_csv(bare / f"{name}.csv", index=False)
        figures["pandas_s"] = time.perf_counter() - started
        del by_label, batch, validated  # the importer's JVM gets the memory
        figures["peak_mb"] = _peak_mb()
        started = time.perf_counter()
        outcome = run_import(
            files, home=state / "home", java=java, threads=os.cpu_count() or 2, memory="2G"
        )
        figures["import_s"] = time.perf_counter() - started
        figures["phases"] = outcome.phases
        figures["version"] = outcome.version
    started = time.perf_counter()
    _script(state, "start")
    figures["start_s"] = time.perf_counter() - started
    started = time.perf_counter()
    with Neo4jStore(URL) as store:  # the first connect creates the constraints and indexes
        figures["constraints_s"] = time.perf_counter() - started
        counts = store.counts()
        figures["stored"] = sum(counts.nodes.values()) + sum(counts.edges.values())
        figures["stored_version"] = store.version()
    return figures


def incremental(district: Path, changed: Path) -> dict[str, Any]:
    """District, changed district, the same again: write rows/s; a bare CREATE beside."""
    figures: dict[str, Any] = {}
    with Neo4jStore(URL) as store:
        # The first round warms the server (JIT, query plans); the second is measured.
        for _ in range(2):
            store.clear()
            for name, folder in (("first", district), ("changed", changed), ("same", changed)):
                validated = validate_tables(read_sources([folder]), store)
                started = time.perf_counter()
                summary = store.write(validated.batch)
                seconds = time.perf_counter() - started
                figures[name] = {
                    "rows": len(validated.batch),
                    "seconds": seconds,
                    "created": sum(summary.created.values()),
                    "updated": sum(summary.updated.values()),
                    "unchanged": sum(summary.unchanged.values()),
                }
        # Baseline: as many rows as the changed load, their node properties, one bare CREATE.
        rows = [
            {**node.props, "id": f"bench-{number}"}
            for number, node in enumerate(validated.batch.nodes)
        ]
        rows = (rows * (len(validated.batch) // max(len(rows), 1) + 1))[: len(validated.batch)]
        rows = [{**row, "id": f"bench-{number}"} for number, row in enumerate(rows)]
        for _ in range(2):  # warm, then measured
            store.clear()
            started = time.perf_counter()
            with store._driver.session(database=store.database) as session:
                session.execute_write(
                    lambda tx: tx.run(cypher.create_nodes("Specialty"), rows=rows).consume()
                )
            figures["bare"] = {"rows": len(rows), "seconds": time.perf_counter() - started}
        store.clear()
    return figures


def _rate(rows: float, seconds: float) -> str:
    return f"{rows / seconds:,.0f}" if seconds > 0 else "–"


def report(label: str, folder: Path, bulk_figures: dict[str, Any], inc: dict[str, Any]) -> str:
    b = bulk_figures
    rows = b["input_rows"]  # rows/s counts input rows, as the incremental figures do
    phases = b["phases"]
    bulk_s = b["files_s"] + b["import_s"] + b["constraints_s"]
    lines = [
        "# Neo4j loads: bulk import and incremental (benchmarks/bench_neo4j.py)",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, "
        f"{os.cpu_count()} cores shared with other work (load average "
        f"{os.getloadavg()[0]:.1f} at the end), Neo4j 5.26.30 Community "
        f"(own instance, bolt {BOLT}).",
        "",
        f"## Bulk import into an empty database: {label} ({folder})",
        "",
        f"Measured {b.get('measured', 'in this run')}.",
        "",
        f"{rows:,} input rows → {b['graph_rows']:,} graph rows (nodes and relations, "
        f"reference edges included); the database then holds {b['stored']:,} (graph version "
        f"{b['stored_version']}). Rows/s count input rows. Peak memory of the Python process "
        f"{b['peak_mb']:,.0f} MB.",
        "",
        "| step | seconds | rows/s | bare baseline | seconds | ratio |",
        "|---|---:|---:|---|---:|---:|",
        f"| validate the files (loaders) | {b['validate_s']:.1f} | "
        f"{_rate(b['input_rows'], b['validate_s'])} | – | – | – |",
        f"| write the importer's CSV files | {b['files_s']:.1f} | {_rate(rows, b['files_s'])} "
        f"| same rows, pandas to_csv | {b['pandas_s']:.1f} | "
        f"{b['files_s'] / b['pandas_s']:.2f} |",
        f"| Neo4jBulkImport (check + importer, one JVM) | {b['import_s']:.1f} | "
        f"{_rate(rows, b['import_s'])} | the importer phase alone | {phases['import']:.1f} | "
        f"{b['import_s'] / phases['import']:.2f} |",
        f"| constraints and indexes (graphsvc's first connect) | {b['constraints_s']:.1f} | "
        f"– | – | – | – |",
        f"| **bulk: files + import + constraints** | **{bulk_s:.1f}** | "
        f"**{_rate(rows, bulk_s)}** | importer alone | {phases['import']:.1f} | "
        f"{bulk_s / phases['import']:.2f} |",
        f"| end to end incl. validation | {bulk_s + b['validate_s']:.1f} | "
        f"{_rate(rows, bulk_s + b['validate_s'])} | – | – | – |",
        f"| start the server (between import and constraints; not counted) | "
        f"{b['start_s']:.1f} | – | – | – | – |",
        "",
        f"Phases inside Neo4jBulkImport: emptiness check {phases['check']:.1f} s (skipped for "
        f"a database never created), importer {phases['import']:.1f} s.",
        "",
        "## Incremental loads (transactional path, one transaction each)",
        "",
        "Each load's write (after validation), measured in a second round on a warm server; "
        "rows/s count input rows.",
        "",
        "| load | rows | created | updated | unchanged | seconds | rows/s |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    names = {
        "first": "district (seed 7) into the empty database",
        "changed": "changed district (seed 8) over it",
        "same": "the changed district again",
    }
    for key, title in names.items():
        f = inc[key]
        lines.append(
            f"| {title} | {f['rows']:,} | {f['created']:,} | {f['updated']:,} | "
            f"{f['unchanged']:,} | {f['seconds']:.2f} | {_rate(f['rows'], f['seconds'])} |"
        )
    bare = inc["bare"]
    lines += [
        f"| bare baseline: one UNWIND … CREATE of as many node rows | {bare['rows']:,} | – | – "
        f"| – | {bare['seconds']:.2f} | {_rate(bare['rows'], bare['seconds'])} |",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bulk", type=Path, required=True, help="sample folder to bulk-import")
    parser.add_argument("--label", default=None, help="name of that sample in the report")
    parser.add_argument("--out", type=Path, help="write the Markdown report here")
    parser.add_argument(
        "--bulk-figures",
        type=Path,
        help="reuse the bulk figures (JSON) of an earlier run of this script, measure only the "
        "incremental loads (a province bulk run holds the province lock for minutes)",
    )
    args = parser.parse_args()
    state = Path(tempfile.gettempdir()) / "graphsvc-bench-neo4j"
    work = Path(tempfile.mkdtemp(prefix="bench-neo4j-districts-"))
    try:
        subprocess.run([str(SCRIPT), "stop"], env=_env(state), capture_output=True, check=False)
        shutil.rmtree(state, ignore_errors=True)
        district, changed = work / "d7", work / "d8"
        write_sample(generate_sample(cadres=3000, seed=7), district)
        write_sample(generate_sample(cadres=3000, seed=8), changed)
        if args.bulk_figures:
            bulk_figures = json.loads(args.bulk_figures.read_text("utf-8"))
        else:
            bulk_figures = bulk(args.bulk, state)
            bulk_figures["measured"] = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
            (work.parent / "bench-neo4j-bulk.json").write_text(json.dumps(bulk_figures), "utf-8")
        print(bulk_figures, flush=True)
        # Incremental loads into a new, empty instance (emptying a province costs minutes).
        subprocess.run([str(SCRIPT), "stop"], env=_env(state), capture_output=True, check=False)
        shutil.rmtree(state, ignore_errors=True)
        _script(state, "start")
        inc = incremental(district, changed)
        print(inc, flush=True)
    finally:
        subprocess.run([str(SCRIPT), "stop"], env=_env(state), capture_output=True, check=False)
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(state, ignore_errors=True)
    text = report(args.label or args.bulk.name, args.bulk, bulk_figures, inc)
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
