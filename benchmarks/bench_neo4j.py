"""Benchmark Neo4j loads: bulk import into an empty database, and incremental loads.

Runs its own Neo4j instance (state under $TMPDIR/graphsvc-bench-neo4j-<bolt>, on free ports
unless given; it refuses ports where anything answers already, so it never touches another
server), built and started through tools/neo4j/neo4j.sh.

    # the province (300,000 cadres): only one province-size run at a time
    python benchmarks/bench_neo4j.py --bulk /tmp/prov --out docs/benchmarks-neo4j.md
    # a district only (quick)
    python benchmarks/bench_neo4j.py --bulk var/bench/d7

Steps, each beside its bare baseline in the same run:

- bulk: validate the files (the loaders' validation by columns, as ``load --bulk`` does), write
  the importer's CSV files straight from the validated columns (baseline: the same rows
  written with pandas ``to_csv``), run ``Neo4jBulkImport`` (emptiness check and
  ``neo4j-admin database import full``; baseline: the importer phase on its own), start the
  server, let graphsvc create its constraints (its first connect) and count. The bulk rate
  counts input rows over files + import + constraints, against the importer alone.
- incremental: the transactional path loads a district (seed 7) into the emptied database,
  then a changed district (seed 8: the same ids with other values, and new ones), then the
  changed district again (nothing to change); each write after its validation, as the store
  receives it from ``loaders.load``. Baseline: one bare ``UNWIND … CREATE`` of as many node
  rows (the district's own, relabelled), in one transaction, into the same server, measured
  right after each round's loads. Several rounds; the first ones (``--warmup``, 3 by default)
  warm the server up (JIT, plans) and are not counted: a district's first rounds on a new JVM
  take up to twice as long as the later ones.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graphsvc.rows import NodeTable  # noqa: E402
from graphsvc.stores import neo4j_queries as cypher  # noqa: E402
from graphsvc.stores.neo4j import Neo4jStore  # noqa: E402
from graphsvc.stores.neo4j_bulk import run_import, write_import_files  # noqa: E402
from loaders.sample import generate_sample, write_sample  # noqa: E402
from loaders.tables import read_sources  # noqa: E402
from loaders.validate import validate_tables  # noqa: E402

SCRIPT = ROOT / "tools" / "neo4j" / "neo4j.sh"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Instance:
    """The benchmark's own Neo4j: its state folder and ports."""

    def __init__(self, bolt: int, http: int, heap: str, pagecache_mb: int) -> None:
        self.bolt, self.http = bolt, http
        self.state = Path(tempfile.gettempdir()) / f"graphsvc-bench-neo4j-{bolt}"
        self.url = f"neo4j://127.0.0.1:{bolt}"
        self.env = {
            **os.environ,
            "NEO4J_STATE_DIR": str(self.state),
            "NEO4J_BOLT_PORT": str(bolt),
            "NEO4J_HTTP_PORT": str(http),
            "NEO4J_HEAP": heap,
            "NEO4J_PAGECACHE_MB": str(pagecache_mb),
        }

    def start(self) -> None:
        """Start this instance; refuse when anything already answers on its ports (it would be
        somebody else's server, which the benchmark must never touch)."""
        for port in (self.bolt, self.http):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    raise SystemExit(f"port {port} is in use: choose free --bolt/--http ports")
        self.script("start")
        if not (self.state / "neo4j.pid").exists():
            raise SystemExit("the benchmark's Neo4j did not start")

    def script(self, *args: str) -> str:
        done = subprocess.run(
            [str(SCRIPT), *args], env=self.env, capture_output=True, text=True, check=True
        )
        return done.stdout.strip()

    def wipe(self) -> None:
        subprocess.run([str(SCRIPT), "stop"], env=self.env, capture_output=True, check=False)
        shutil.rmtree(self.state, ignore_errors=True)


def bulk(folder: Path, instance: Instance) -> dict[str, Any]:
    """Validate, write the importer's files from the columns, import into the never-started
    instance, start it and let graphsvc create its constraints."""
    figures: dict[str, Any] = {}
    started = time.perf_counter()
    validated = validate_tables(read_sources([folder]), None)
    if validated.issues:
        raise SystemExit(f"{folder}: {len(validated.issues)} problems, e.g. {validated.issues[0]}")
    figures["validate_s"] = time.perf_counter() - started
    figures["input_rows"] = sum(validated.rows_by_table.values())
    batch = validated.batch
    java = ["java", "-Xmx2g", "-XX:+UseG1GC", "-cp", instance.script("classpath").splitlines()[-1]]
    with tempfile.TemporaryDirectory(prefix="bench-neo4j-") as scratch:
        started, cpu = time.perf_counter(), time.process_time()
        files = write_import_files(batch, Path(scratch) / "files")
        figures["files_s"] = time.perf_counter() - started
        figures["files_cpu_s"] = time.process_time() - cpu
        figures["graph_rows"] = files.total_rows
        # Baseline: the same node and relation rows written by pandas, one file per kind.
        started, cpu = time.perf_counter(), time.process_time()
        bare = Path(scratch) / "pandas"
        bare.mkdir()
        for table in batch.parts()[2]:
            if isinstance(table, NodeTable):
                name, frame = table.label, table.props.add_column(0, "id", table.ids)
            else:
                ends = {"source": table.sources, "target": table.targets, "key": table.keys}
                frame = table.props
                for position, (column, values) in enumerate(ends.items()):
                    frame = frame.add_column(position, column, values)
                name = table.type
            frame.to_pandas().to_csv(bare / f"{name}.csv", index=False)
        figures["pandas_s"] = time.perf_counter() - started
        figures["pandas_cpu_s"] = time.process_time() - cpu
        shutil.rmtree(bare)
        del batch, validated  # the importer's JVM gets the memory
        figures["peak_mb"] = _peak_mb()
        started = time.perf_counter()
        outcome = run_import(
            files, home=instance.state / "home", java=java, threads=os.cpu_count() or 2,
            memory="2G",
        )  # fmt: skip
        figures["import_s"] = time.perf_counter() - started
        figures["phases"] = outcome.phases
        figures["version"] = outcome.version
    started = time.perf_counter()
    instance.start()
    figures["start_s"] = time.perf_counter() - started
    started = time.perf_counter()
    with Neo4jStore(instance.url) as store:  # the first connect creates constraints and indexes
        figures["constraints_s"] = time.perf_counter() - started
        counts = store.counts()
        figures["stored"] = sum(counts.nodes.values()) + sum(counts.edges.values())
        figures["stored_version"] = store.version()
    return figures


def _bare_create(store: Neo4jStore, rows: list[dict[str, Any]]) -> float:
    """Seconds for one bare ``UNWIND … CREATE`` of ``rows`` in one transaction."""
    started = time.perf_counter()
    with store._driver.session(database=store.database) as session:
        session.execute_write(
            lambda tx: tx.run(cypher.create_nodes("Specialty"), rows=rows).consume()
        )
    return time.perf_counter() - started


def incremental(
    instance: Instance, district: Path, changed: Path, rounds: int, warmup: int
) -> dict[str, Any]:
    """District, changed district, the same again, then a bare CREATE of as many rows; a round
    at a time, the first ``warmup`` not counted."""
    found: dict[str, list[dict[str, Any]]] = {"first": [], "changed": [], "same": [], "bare": []}
    with Neo4jStore(instance.url) as store:
        loads = {}
        for name, folder in (("first", district), ("changed", changed)):
            validated = validate_tables(read_sources([folder]), None)
            assert not validated.issues, validated.issues[:3]
            loads[name] = validated
        # The bare rows: the district's own node rows (their properties), relabelled, as many
        # as the changed district has input rows.
        count = sum(loads["changed"].rows_by_table.values())
        props = [
            {**row.props}
            for table in loads["first"].batch.parts()[2]
            if isinstance(table, NodeTable)
            for row in table.rows()
        ]
        bare_rows = [{**props[n % len(props)], "id": f"bench-{n}"} for n in range(count)]
        for number in range(warmup + rounds):
            store.clear()
            for name, load in (("first", "first"), ("changed", "changed"), ("same", "changed")):
                # Validated again each time: a batch's columns are written as they are.
                batch = validate_tables(read_sources([district if load == "first" else changed]),
                                        store).batch  # fmt: skip
                cpu = time.process_time()
                started = time.perf_counter()
                summary = store.write(batch)
                seconds = time.perf_counter() - started
                if number >= warmup:
                    found[name].append(
                        {
                            "rows": sum(loads[load].rows_by_table.values()),
                            "seconds": seconds,
                            "client_cpu_s": time.process_time() - cpu,
                            "created": sum(summary.created.values()),
                            "updated": sum(summary.updated.values()),
                            "unchanged": sum(summary.unchanged.values()),
                        }
                    )
            store.clear()
            seconds = _bare_create(store, bare_rows)
            if number >= warmup:
                found["bare"].append({"rows": len(bare_rows), "seconds": seconds})
            print(f"round {number}: " + ", ".join(
                f"{name} {rows[-1]['seconds']:.2f} s" for name, rows in found.items() if rows
            ), file=sys.stderr, flush=True)  # fmt: skip
        store.clear()
    return found


def _each(runs: list[dict[str, Any]]) -> str:
    return ", ".join(f"{run['seconds']:.2f}" for run in runs)


def _rate(rows: float, seconds: float) -> str:
    return f"{rows / seconds:,.0f}" if seconds > 0 else "–"


def report(
    label: str, folder: Path, b: dict[str, Any], inc: dict[str, Any], instance: Instance
) -> str:
    rows = b["input_rows"]  # rows/s counts input rows, as the incremental figures do
    phases = b["phases"]
    alone = phases["import"]
    bulk_s = b["files_s"] + b["import_s"] + b["constraints_s"]
    lines = [
        "# Neo4j loads: bulk import and incremental (benchmarks/bench_neo4j.py)",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, "
        f"{os.cpu_count()} cores shared with other work (load average "
        f"{os.getloadavg()[0]:.1f} at the end), Neo4j 5.26.30 Community "
        f"(own instance, bolt {instance.bolt}).",
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
        f"| validate the files (loaders, by columns) | {b['validate_s']:.1f} | "
        f"{_rate(rows, b['validate_s'])} | – | – | – |",
        f"| write the importer's CSV files from the columns | {b['files_s']:.1f} "
        f"(CPU {b['files_cpu_s']:.1f}) | {_rate(rows, b['files_s'])} | same rows, pandas "
        f"to_csv | {b['pandas_s']:.1f} (CPU {b['pandas_cpu_s']:.1f}) | "
        f"{b['files_s'] / b['pandas_s']:.2f} |",
        f"| Neo4jBulkImport (check + importer, one JVM) | {b['import_s']:.1f} | "
        f"{_rate(rows, b['import_s'])} | the importer phase alone | {alone:.1f} | "
        f"{b['import_s'] / alone:.2f} |",
        f"| constraints and indexes (graphsvc's first connect) | {b['constraints_s']:.1f} | "
        f"– | – | – | – |",
        f"| **bulk: files + import + constraints** | **{bulk_s:.1f}** | "
        f"**{_rate(rows, bulk_s)}** | importer alone ({_rate(rows, alone)} rows/s) | "
        f"{alone:.1f} | **{alone / bulk_s:.0%} of its rate** |",
        f"| end to end incl. validation | {bulk_s + b['validate_s']:.1f} | "
        f"{_rate(rows, bulk_s + b['validate_s'])} | – | – | – |",
        f"| start the server (between import and constraints; not counted) | "
        f"{b['start_s']:.1f} | – | – | – | – |",
        "",
        f"Phases inside Neo4jBulkImport: emptiness check {phases['check']:.1f} s (skipped for "
        f"a database never created), importer {alone:.1f} s.",
        "",
        "## Incremental loads (transactional path, one transaction each)",
        "",
        f"Each load's write (after validation) on a warm server, {len(inc['bare'])} measured "
        "rounds (median; the bare baseline measured in each round right after the loads); "
        "rows/s count input rows.",
        "",
        "| load | rows | created | updated | unchanged | seconds (median) | rows/s | "
        "client CPU s | × bare (time per row) | each round (s) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    names = {
        "first": "district (seed 7) into the empty database",
        "changed": "changed district (seed 8) over it",
        "same": "the changed district again",
    }
    bare_rate = statistics.median(r["rows"] / r["seconds"] for r in inc["bare"])
    for key, title in names.items():
        runs = inc[key]
        first = runs[0]
        seconds = statistics.median(r["seconds"] for r in runs)
        rate = first["rows"] / seconds
        lines.append(
            f"| {title} | {first['rows']:,} | {first['created']:,} | {first['updated']:,} | "
            f"{first['unchanged']:,} | {seconds:.2f} | {rate:,.0f} | "
            f"{statistics.median(r['client_cpu_s'] for r in runs):.2f} | "
            f"{bare_rate / rate:.2f} | {_each(runs)} |"
        )
    bare = inc["bare"]
    lines += [
        f"| bare baseline: one UNWIND … CREATE of as many node rows | {bare[0]['rows']:,} | – | "
        f"– | – | {statistics.median(r['seconds'] for r in bare):.2f} | {bare_rate:,.0f} | – | "
        f"1.00 | {_each(bare)} |",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bulk", type=Path, required=True, help="sample folder to bulk-import")
    parser.add_argument("--label", default=None, help="name of that sample in the report")
    parser.add_argument("--out", type=Path, help="write the Markdown report here")
    parser.add_argument(
        "--bolt", type=int, default=0, help="the bench instance's Bolt port (default: a free one)"
    )
    parser.add_argument(
        "--http", type=int, default=0, help="the bench instance's HTTP port (default: a free one)"
    )
    parser.add_argument("--heap", default="2g")
    parser.add_argument("--pagecache-mb", type=int, default=1024)
    parser.add_argument("--rounds", type=int, default=5, help="measured incremental rounds")
    parser.add_argument("--warmup", type=int, default=3, help="incremental rounds not counted")
    parser.add_argument(
        "--bulk-figures",
        type=Path,
        help="reuse the bulk figures (JSON) of an earlier run of this script, measure only the "
        "incremental loads",
    )
    args = parser.parse_args()
    instance = Instance(args.bolt or _free_port(), args.http or _free_port(), args.heap,
                        args.pagecache_mb)  # fmt: skip
    work = Path(tempfile.mkdtemp(prefix="bench-neo4j-districts-"))
    try:
        instance.wipe()
        district, changed = work / "d7", work / "d8"
        write_sample(generate_sample(cadres=3000, seed=7), district)
        write_sample(generate_sample(cadres=3000, seed=8), changed)
        if args.bulk_figures:
            bulk_figures = json.loads(args.bulk_figures.read_text("utf-8"))
        else:
            bulk_figures = bulk(args.bulk, instance)
            bulk_figures["measured"] = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
            saved = Path(tempfile.gettempdir()) / "bench-neo4j-bulk.json"
            saved.write_text(json.dumps(bulk_figures), "utf-8")
        print(bulk_figures, file=sys.stderr, flush=True)
        # Incremental loads into a new, empty instance (emptying a province costs minutes).
        instance.wipe()
        instance.start()
        inc = incremental(instance, district, changed, args.rounds, args.warmup)
        print(inc, file=sys.stderr, flush=True)
    finally:
        instance.wipe()
        shutil.rmtree(work, ignore_errors=True)
    text = report(args.label or args.bulk.name, args.bulk, bulk_figures, inc, instance)
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
