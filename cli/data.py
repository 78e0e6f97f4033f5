"""Getting data in and looking at it: ``sample``, ``load``, ``stats``, ``sync``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

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
)


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
) -> None:
    """Load input files into the store: all or nothing, idempotent, updating by id."""
    from loaders.load import LoadFailed, load_paths
    from loaders.tables import SourceError

    with open_graph(store) as graph:
        try:
            with progress() as update:
                outcome = load_paths(graph, paths, on_progress=update)
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
                    "store": graph.url,
                    "rows": outcome.rows_by_table,
                    **summary.as_dict(),
                    "repeated": outcome.repeated,
                    "warnings": [warning.as_dict() for warning in outcome.warnings],
                }
            )
            return
        created = sum(summary.created.values())
        updated = sum(summary.updated.values())
        unchanged = sum(summary.unchanged.values())
        if outcome.repeated:
            err.print("这些文件与上次导入的完全相同，且此后图未被改动：无需重新读入。")
        err.print(
            f"已从 {len(outcome.rows_by_table)} 张表读入 "
            f"{sum(outcome.rows_by_table.values()):,} 行，导入 {graph.url}："
            f"新增 {created:,} 条，更新 {updated:,} 条，未变 {unchanged:,} 条"
        )


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
