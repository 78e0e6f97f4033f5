"""Getting data in and looking at it: ``sample``, ``load``, ``stats``, ``sync``."""

from __future__ import annotations

import os
import subprocess
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from cli import (
    PROGRESS_THRESHOLD,
    JsonOption,
    StoreOption,
    as_of_day,
    err,
    fail,
    open_graph,
    out,
    print_json,
    progress,
    store_url,
)
from graphsvc.rows import ProgressCallback
from graphsvc.settings import get_settings
from graphsvc.stores import StoreError, open_store

if TYPE_CHECKING:
    from loaders.load import LoadOutcome


def register(app: typer.Typer) -> None:
    """Add the data commands to ``app``."""
    for command in (sample, load, stats, sync):
        app.command()(command)


def sample(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write the CSV tables into.")],
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same files.")] = 7,
    cadres: Annotated[
        int, typer.Option(help="How many cadres (3,000 is a district; 300,000 a province).")
    ] = 3000,
    forms: Annotated[
        bool,
        typer.Option(
            "--forms",
            help="Also write each cadre's appointment form (.lrmx/.lrm, in forms/) and a "
            "roster workbook (roster/花名册.xlsx), as a department keeps them.",
        ),
    ] = False,
) -> None:
    """Write a synthetic district (no real person) in the input format."""
    from loaders.sample import generate_sample, write_sample

    with progress(cadres >= PROGRESS_THRESHOLD) as update:
        try:
            generated = generate_sample(cadres=cadres, seed=seed, on_progress=update)
        except ValueError as error:  # too few cadres for a district
            fail(str(error), 2)
        paths = write_sample(generated, out_dir)
    rows = generated.manifest["rows"]
    err.print(
        f"已将 {len(paths) - 1} 张表（{sum(rows.values()):,} 行，{cadres:,} 名干部）"
        f"和 manifest.json 写入 {out_dir}"
    )
    if forms:
        from loaders.sample.forms import write_forms

        written = write_forms(generated, out_dir)
        err.print(f"wrote {len(written):,} form and roster files to {out_dir / 'forms'}")


def load(
    paths: Annotated[list[Path], typer.Argument(help="Folders of CSV files, .csv or .xlsx files.")],
    store: StoreOption = None,
    as_json: JsonOption = False,
    bulk: Annotated[
        bool,
        typer.Option(
            "--bulk",
            help="Fill an EMPTY Neo4j database with Neo4j's bulk importer (much faster than a "
            "transactional load; for initial loads). The server must be stopped: give "
            "--neo4j-home, or use `tools/neo4j/neo4j.sh import DIR` (stops, imports, starts).",
        ),
    ] = False,
    neo4j_home: Annotated[
        Path | None,
        typer.Option(
            "--neo4j-home",
            help="With --bulk: the stopped Neo4j's home folder (the local server's is "
            "var/neo4j/home).",
        ),
    ] = None,
) -> None:
    """Load input files into the store: all or nothing, idempotent, updating by id."""
    from loaders.load import LoadFailed, load_paths
    from loaders.tables import SourceError

    url = store_url(store)
    with ExitStack() as stack:
        if bulk:
            home = _bulk_home(url, neo4j_home)
        else:
            graph = stack.enter_context(open_graph(store))
            url = graph.url
        try:
            with progress() as update:
                if bulk:
                    outcome, version = _bulk_load(paths, home, update)
                else:
                    # The analyses read a columnar snapshot of each graph version: made now
                    # (from the load's own columns when it fills an empty store), so the
                    # first question after a load need not wait for it.
                    outcome = load_paths(graph, paths, on_progress=update, snapshot=True)
        except SourceError as error:
            err.print(f"[red]错误：[/]{error}")
            if as_json:
                print_json(
                    {"ok": False, "errors": [{"source": error.source, "reason": error.reason}]}
                )
            raise typer.Exit(1) from None
        except LoadFailed as failure:
            for issue in failure.issues:
                err.print(f"[red]错误：[/]{issue}", highlight=False)
            err.print(f"[red]{failure}[/]")
            if as_json:
                print_json({"ok": False, "errors": [i.as_dict() for i in failure.issues]})
            raise typer.Exit(1) from None
        for warning in outcome.warnings:
            err.print(f"[yellow]警告：[/]{warning}", highlight=False)
        summary = outcome.summary
        if as_json:
            print_json(
                {
                    "ok": True,
                    "store": url,
                    "rows": outcome.rows_by_table,
                    **summary.as_dict(),
                    "repeated": outcome.repeated,
                    "warnings": [warning.as_dict() for warning in outcome.warnings],
                    **({"bulk": True, "version": version} if bulk else {}),
                }
            )
            return
        created = sum(summary.created.values())
        updated = sum(summary.updated.values())
        unchanged = sum(summary.unchanged.values())
        if outcome.repeated:
            err.print("这些文件与上次导入的完全相同，且此后图未被改动：无需重新读入。")
        how = f"批量导入 {url}（{home}，图版本 {version}）" if bulk else f"导入 {url}"
        err.print(
            f"已从 {len(outcome.rows_by_table)} 张表读入 "
            f"{sum(outcome.rows_by_table.values()):,} 行，{how}："
            f"新增 {created:,} 条，更新 {updated:,} 条，未变 {unchanged:,} 条"
        )


def _bulk_home(url: str, neo4j_home: Path | None) -> Path:
    """The stopped Neo4j's home for ``load --bulk``, or exit saying why there is none."""
    from graphsvc.stores import is_neo4j_url

    if not is_neo4j_url(url):
        fail(f"--bulk 只用于 Neo4j（neo4j:// 或 bolt:// 地址），而存储地址是 {url}", 2)
    if neo4j_home is not None:
        return neo4j_home
    # Nothing to write into: tell a database that holds data apart from a running empty one.
    try:
        with open_store(url) as graph:
            holds_data = bool(graph.counts().nodes)
    except StoreError:
        holds_data = False
    if holds_data:
        fail(
            f"{url} 的数据库已有数据：批量导入只用于空数据库。"
            "请去掉 --bulk，用普通导入（按编号增量更新）",
            1,
        )
    fail(
        "批量导入直接写入 Neo4j 的数据目录，须在服务器停止时进行："
        "请先停止服务器（tools/neo4j/neo4j.sh stop）并用 --neo4j-home 指明其目录"
        "（本地服务器为 var/neo4j/home），或直接运行 tools/neo4j/neo4j.sh import 目录"
        "（停止、导入、再启动）",
        2,
    )


def _bulk_load(paths: list[Path], home: Path, update: ProgressCallback) -> tuple[LoadOutcome, int]:
    """Validate as a load does (nothing imported on any problem), then bulk-import.

    Raises the loaders' ``SourceError`` / ``LoadFailed`` as :func:`loaders.load.load_paths`.
    """
    import tempfile

    from graphsvc.stores.neo4j_bulk import run_import, write_import_files
    from loaders.load import LoadFailed, LoadOutcome
    from loaders.tables import read_sources
    from loaders.validate import validate_tables

    # The database is empty (the importer checks), so every reference is in the load itself.
    validated = validate_tables(read_sources(paths), None, on_progress=update)
    if validated.issues:
        raise LoadFailed(validated.issues)
    rows_by_table, warnings = validated.rows_by_table, validated.warnings
    with tempfile.TemporaryDirectory(prefix="graphsvc-bulk-") as folder:
        try:
            files = write_import_files(validated.batch, Path(folder) / "files")
            del validated  # the importer's JVM gets the memory the rows held
            update("write", 0, files.total_rows)
            imported = run_import(
                files,
                home=home,
                java=_launcher_java(),
                database=get_settings().neo4j_database,
                threads=os.cpu_count() or 2,
            )
            update("write", files.total_rows, files.total_rows)
        except StoreError as error:
            fail(str(error), 1)
    outcome = LoadOutcome(imported.summary, rows_by_table, warnings)
    return outcome, imported.version


def _launcher_java() -> list[str]:
    """``java -cp …`` for the classes of tools/neo4j (built by its script when needed)."""
    script = Path(__file__).resolve().parents[1] / "tools" / "neo4j" / "neo4j.sh"
    if not script.exists():
        fail(f"批量导入需要 {script}（graphsvc 源码目录中的 Neo4j 工具），但找不到它", 2)
    built = subprocess.run([str(script), "classpath"], capture_output=True, text=True)
    if built.returncode != 0:
        fail(f"无法构建 tools/neo4j（Maven）：{built.stderr.strip()[-2000:]}", 2)
    java_home = os.environ.get("JAVA_HOME")
    java = str(Path(java_home) / "bin" / "java") if java_home else "java"
    return [java, "-Xmx2g", "-XX:+UseG1GC", "-cp", built.stdout.strip().splitlines()[-1]]


def stats(
    store: StoreOption = None,
    as_json: JsonOption = False,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Day deciding what is current (default today).")
    ] = None,
) -> None:
    """Counts by node and edge type, and data-quality warnings."""
    from queries.stats import graph_stats

    day = as_of_day(as_of) if as_of else None
    # An empty store is a fine answer here: zero counts.
    with open_graph(store) as graph:
        result = graph_stats(store=graph, as_of=day)
    if as_json:
        print_json(result.as_dict())
        return
    table = Table(title=f"{result.store}（版本 {result.version}）")
    table.add_column("类型")
    table.add_column("种类")
    table.add_column("数量", justify="right")
    for label, count in sorted(result.nodes.items()):
        table.add_row(label, "节点", f"{count:,}")
    for edge_type, count in sorted(result.edges.items()):
        table.add_row(edge_type, "关系", f"{count:,}")
    out.print(table)
    for warning in result.warnings:
        out.print(
            f"[yellow]警告：[/]{warning.message}：{warning.count} 处"
            f"（如 {'、'.join(warning.examples[:5])}）"
        )


def sync(
    source: Annotated[str, typer.Option("--from", help="Store URL to copy from.")],
    target: Annotated[str, typer.Option("--to", help="Store URL to copy into.")],
    replace: Annotated[
        bool, typer.Option("--replace", help="Empty the target first, so both end up equal.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Copy one store into another (embedded → Neo4j and back), idempotently."""
    from graphsvc.sync import copy_store

    with open_graph(source) as origin, open_graph(target) as destination:
        with progress() as update:
            summary = copy_store(origin, destination, replace=replace, on_progress=update)
        counts = destination.counts()
    if as_json:
        print_json(
            {
                "from": source,
                "to": target,
                **summary.as_dict(),
                "nodes": counts.nodes,
                "edges": counts.edges,
            }
        )
        return
    err.print(
        f"已将 {source} 复制到 {target}：新增 {sum(summary.created.values()):,} 条，"
        f"更新 {sum(summary.updated.values()):,} 条，"
        f"未变 {sum(summary.unchanged.values()):,} 条"
    )
