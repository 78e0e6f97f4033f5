"""The ``graphsvc`` command: an entry point, so it may wire every layer together."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from graphsvc.rows import ProgressCallback
from graphsvc.settings import get_settings
from graphsvc.stores import GraphStore, StoreError, open_store

app = typer.Typer(
    name="graphsvc",
    help="Graph-based talent-network analysis for organization departments.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

StoreOption = Annotated[
    str | None,
    typer.Option(
        "--store",
        help="Store URL: a file path (embedded, default ./graphsvc.db) or neo4j:// / bolt://. "
        "Also GRAPHSVC_STORE.",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON on standard output.")]

# Below this many rows a bar would only flicker.
_PROGRESS_THRESHOLD = 20_000


def _store_url(url: str | None) -> str:
    return url or get_settings().store


def _open(url: str | None) -> GraphStore:
    try:
        return open_store(_store_url(url))
    except StoreError as error:
        err.print(f"[red]error:[/] {error}")
        raise typer.Exit(2) from None


@contextmanager
def _progress(enabled: bool = True) -> Iterator[ProgressCallback]:
    """A rich progress bar on stderr, fed by ``(what, done, total)`` callbacks."""
    with Progress(
        TextColumn("{task.description:>10}"),
        BarColumn(),
        TextColumn("{task.completed:,}/{task.total:,}"),
        TimeElapsedColumn(),
        console=err,
        transient=False,
        disable=not enabled,
    ) as progress:
        tasks: dict[str, TaskID] = {}

        def update(what: str, done: int, total: int) -> None:
            if total < _PROGRESS_THRESHOLD:
                return
            if what not in tasks:
                tasks[what] = progress.add_task(what, total=total)
            progress.update(tasks[what], completed=done, total=total)

        yield update


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


# ------------------------------------------------------------------ commands


@app.command()
def sample(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write the CSV tables into.")],
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same files.")] = 7,
    cadres: Annotated[
        int, typer.Option(help="How many cadres (3,000 is a district; 300,000 a province).")
    ] = 3000,
) -> None:
    """Write a synthetic district (no real person) in the input format."""
    from loaders.sample import generate_sample, write_sample

    with _progress(cadres >= _PROGRESS_THRESHOLD) as progress:
        generated = generate_sample(cadres=cadres, seed=seed, on_progress=progress)
        paths = write_sample(generated, out_dir)
    rows = generated.manifest["rows"]
    err.print(
        f"wrote {len(paths) - 1} tables ({sum(rows.values()):,} rows, {cadres:,} cadres) "
        f"and manifest.json to {out_dir}"
    )


@app.command()
def load(
    paths: Annotated[list[Path], typer.Argument(help="Folders of CSV files, .csv or .xlsx files.")],
    store: StoreOption = None,
    as_json: JsonOption = False,
) -> None:
    """Load input files into the store: all or nothing, idempotent, updating by id."""
    from loaders.load import LoadFailed, load_paths
    from loaders.tables import SourceError

    with _open(store) as graph:
        try:
            with _progress() as progress:
                outcome = load_paths(graph, paths, on_progress=progress)
        except SourceError as error:
            err.print(f"[red]error:[/] {error}")
            if as_json:
                _print_json(
                    {"ok": False, "errors": [{"source": error.source, "reason": error.reason}]}
                )
            raise typer.Exit(1) from None
        except LoadFailed as failure:
            for issue in failure.issues:
                err.print(f"[red]error:[/] {issue}", highlight=False)
            err.print(f"[red]{failure}[/]")
            if as_json:
                _print_json({"ok": False, "errors": [i.as_dict() for i in failure.issues]})
            raise typer.Exit(1) from None
        for warning in outcome.warnings:
            err.print(f"[yellow]warning:[/] {warning}", highlight=False)
        summary = outcome.summary
        if as_json:
            _print_json(
                {"ok": True, "store": graph.url, "rows": outcome.rows_by_table, **summary.as_dict()}
            )
            return
        created = sum(summary.created.values())
        updated = sum(summary.updated.values())
        unchanged = sum(summary.unchanged.values())
        err.print(
            f"loaded {sum(outcome.rows_by_table.values()):,} rows from "
            f"{len(outcome.rows_by_table)} tables into {graph.url}: "
            f"{created:,} created, {updated:,} updated, {unchanged:,} unchanged"
        )


@app.command()
def stats(
    store: StoreOption = None,
    as_json: JsonOption = False,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Day deciding what is current (default today).")
    ] = None,
) -> None:
    """Counts by node and edge type, and data-quality warnings."""
    from queries.stats import graph_stats

    day = date.fromisoformat(as_of) if as_of else None
    with _open(store) as graph:
        result = graph_stats(store=graph, as_of=day)
    if as_json:
        _print_json(result.as_dict())
        return
    table = Table(title=f"{result.store} (version {result.version})")
    table.add_column("type")
    table.add_column("kind")
    table.add_column("count", justify="right")
    for label, count in sorted(result.nodes.items()):
        table.add_row(label, "node", f"{count:,}")
    for edge_type, count in sorted(result.edges.items()):
        table.add_row(edge_type, "edge", f"{count:,}")
    out.print(table)
    for warning in result.warnings:
        out.print(
            f"[yellow]warning[/] {warning.message}: {warning.count} "
            f"(e.g. {', '.join(warning.examples[:5])})"
        )


@app.command()
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

    with _open(source) as origin, _open(target) as destination:
        with _progress() as progress:
            summary = copy_store(origin, destination, replace=replace, on_progress=progress)
        counts = destination.counts()
    if as_json:
        _print_json(
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
        f"copied {source} into {target}: {sum(summary.created.values()):,} created, "
        f"{sum(summary.updated.values()):,} updated, "
        f"{sum(summary.unchanged.values()):,} unchanged"
    )


PolicyOption = Annotated[
    Path | None,
    typer.Option("--policy", help="Selection policy file (TOML) merged over the defaults."),
]
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="Day of the decision, YYYY-MM-DD (default today).")
]


def _policy(path: Path | None) -> Any:
    from queries.selection.policy import PolicyError, load_policy

    try:
        return load_policy(path or get_settings().policy)
    except PolicyError as error:
        err.print(f"[red]error:[/] {error}")
        raise typer.Exit(2) from None


def _as_of(text: str | None) -> date:
    try:
        return date.fromisoformat(text) if text else date.today()
    except ValueError:
        err.print(f"[red]error:[/] --as-of {text!r} is not a date (YYYY-MM-DD)")
        raise typer.Exit(2) from None


@app.command()
def check(
    cadre: Annotated[str, typer.Option("--cadre", help="Cadre id.")],
    post: Annotated[str, typer.Option("--post", help="Post id.")],
    store: StoreOption = None,
    policy: PolicyOption = None,
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
) -> None:
    """Does appointing CADRE to POST pass the rules? Rule by rule, with avoidance conflicts."""
    from queries.selection.check import NotFound, check_appointment

    with _open(store) as graph:
        try:
            result = check_appointment(
                store=graph,
                cadre_id=cadre,
                post_id=post,
                policy=_policy(policy),
                as_of=_as_of(as_of),
            )
        except NotFound as error:
            err.print(f"[red]error:[/] {error}")
            raise typer.Exit(1) from None
    if as_json:
        _print_json(result)
        return
    colour = {"eligible": "green", "eligible_with_warnings": "yellow"}.get(result["verdict"], "red")
    out.print(
        f"{result['cadre_name']}({cadre}) → {result['post_name']}（{result['unit_name']}）: "
        f"[{colour}]{result['verdict']}[/]"
    )
    marks = {"pass": "[green]✓[/]", "warn": "[yellow]![/]", "fail": "[red]✗[/]"}
    for rule in result["rules"]:
        out.print(f"  {marks[rule['status']]} {rule['rule']}: {rule['message']}")
    for conflict in result["conflicts"]:
        out.print(f"  [red]✗ {conflict['rule']}[/]: {conflict['message']}")
        for step in conflict["chain"]:
            out.print(f"      {step}")


@app.command()
def match(
    post: Annotated[
        str | None, typer.Option("--post", help="Post id to rank candidates for.")
    ] = None,
    all_posts: Annotated[
        bool, typer.Option("--all", help="Fill a whole round (default: every vacant post).")
    ] = False,
    posts: Annotated[
        str | None, typer.Option("--posts", help="With --all: comma-separated post ids.")
    ] = None,
    must_fill: Annotated[
        str | None, typer.Option("--must-fill", help="With --all: posts that must be filled.")
    ] = None,
    min_young_share: Annotated[
        float,
        typer.Option("--min-young-share", min=0, max=1, help="With --all: share under 35."),
    ] = 0.0,
    own_unit: Annotated[
        str, typer.Option("--own-unit", help="With --all: allow, exclude or prefer own unit.")
    ] = "allow",
    out_file: Annotated[
        Path | None, typer.Option("--out", help="With --all: write a report (.xlsx or .html).")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="How many candidates.")] = 10,
    store: StoreOption = None,
    policy: PolicyOption = None,
    as_of: AsOfOption = None,
    write_back: Annotated[
        bool,
        typer.Option("--write-back", help="Store them as CANDIDATE_FOR edges (for Browser)."),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Ranked candidates for a post (--post), or a whole round filled best overall (--all)."""
    from queries.selection.candidates import rank_candidates, write_back_candidates
    from queries.selection.check import NotFound

    if all_posts == (post is not None):
        err.print("[red]error:[/] give either --post ID or --all")
        raise typer.Exit(2)
    if all_posts:
        _match_round(
            store,
            policy,
            as_of,
            posts,
            must_fill,
            min_young_share,
            own_unit,
            out_file,
            write_back,
            as_json,
        )
        return
    assert post is not None
    with _open(store) as graph:
        try:
            result = rank_candidates(
                store=graph, post_id=post, policy=_policy(policy), as_of=_as_of(as_of), limit=limit
            )
        except NotFound as error:
            err.print(f"[red]error:[/] {error}")
            raise typer.Exit(1) from None
        if write_back:
            written = write_back_candidates(store=graph, results=[result])
            err.print(f"wrote {written} CANDIDATE_FOR edges into {graph.url}")
    if as_json:
        _print_json(result)
        return
    out.print(
        f"{result['post_name']}（{result['unit_name']}，{result['level']}）: "
        f"{result['eligible']} eligible of {result['considered']} considered"
    )
    table = Table()
    for column in (
        "rank",
        "cadre",
        "score",
        "specialty",
        "experience",
        "performance",
        "development",
        "team fit",
        "reasons",
    ):
        table.add_column(column)
    for c in result["candidates"]:
        parts = c["parts"]
        table.add_row(
            str(c["rank"]),
            f"{c['name']} {c['cadre_id']}",
            f"{c['score']:.3f}",
            *(
                f"{parts[k]:.2f}"
                for k in ("specialty", "experience", "performance", "development", "team_fit")
            ),
            "；".join(c["reasons"]),
        )
    out.print(table)


def _match_round(
    store: str | None,
    policy: Path | None,
    as_of: str | None,
    posts: str | None,
    must_fill: str | None,
    min_young_share: float,
    own_unit: str,
    out_file: Path | None,
    write_back: bool,
    as_json: bool,
) -> None:
    from queries.reports.document import write_report
    from queries.reports.selection import round_report
    from queries.selection.assignment import InfeasibleRound
    from queries.selection.candidates import SelectionContext, write_back_candidates
    from queries.selection.round import run_round

    if own_unit not in {"allow", "exclude", "prefer"}:
        err.print(f"[red]error:[/] --own-unit must be allow, exclude or prefer, not {own_unit!r}")
        raise typer.Exit(2)

    def split(text: str | None) -> list[str]:
        return [part.strip() for part in (text or "").split(",") if part.strip()]

    with _open(store) as graph:
        with err.status("ranking every post of the round ..."):
            context = SelectionContext.load(graph, policy=_policy(policy), as_of=_as_of(as_of))
            unknown = [p for p in split(posts) + split(must_fill) if p not in context.posts]
            if unknown:
                err.print(f"[red]error:[/] no post with id(s) {unknown}")
                raise typer.Exit(1)
            try:
                result = run_round(
                    context=context,
                    post_ids=split(posts) or None,
                    must_fill=split(must_fill),
                    min_young_share=min_young_share,
                    own_unit=own_unit,  # type: ignore[arg-type]
                )
            except InfeasibleRound as error:
                err.print(f"[red]error:[/] {error}")
                raise typer.Exit(1) from None
        if write_back:
            rows = [
                {
                    "post_id": a["post_id"],
                    "as_of": result["as_of"],
                    "candidates": [
                        {
                            "cadre_id": a["cadre_id"],
                            "rank": 1,
                            "score": a["score"],
                            "reasons": a["reasons"],
                        }
                    ],
                }
                for a in result["assignments"]
            ]
            written = write_back_candidates(store=graph, results=rows)
            err.print(f"wrote {written} CANDIDATE_FOR edges into {graph.url}")
    if out_file is not None:
        write_report(round_report(result), out_file)
        err.print(f"wrote {out_file}")
    if as_json:
        _print_json(result)
        return
    table = Table(
        title=f"{len(result['assignments'])} of {result['posts']} posts filled, "
        f"total {result['total']:.3f} ({result['method']})"
    )
    for column in ("post", "cadre", "score", "reasons"):
        table.add_column(column)
    for a in result["assignments"]:
        table.add_row(
            f"{a['post_name']} {a['post_id']}",
            f"{a['name']} {a['cadre_id']}",
            f"{a['score']:.3f}",
            "；".join(a["reasons"][:3]),
        )
    out.print(table)


@app.command(name="bench")
def bench_command(
    store: StoreOption = None,
    policy: PolicyOption = None,
    as_of: AsOfOption = None,
    posts: Annotated[
        str | None,
        typer.Option("--posts", help="Comma-separated post ids (default: all team posts)."),
    ] = None,
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Write a report (.xlsx or .html).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Succession bench per leadership post: ready now, in 1–2 years; no bench; retiring soon."""
    from queries.selection.bench import succession_bench
    from queries.selection.candidates import SelectionContext

    chosen = [p.strip() for p in (posts or "").split(",") if p.strip()] or None
    with _open(store) as graph, err.status("reading the bench of every post ..."):
        context = SelectionContext.load(graph, policy=_policy(policy), as_of=_as_of(as_of))
        missing = [p for p in chosen or [] if p not in context.posts]
        if missing:
            err.print(f"[red]error:[/] no post with id(s) {missing}")
            raise typer.Exit(1)
        result = succession_bench(context=context, post_ids=chosen)
    if out_file is not None:
        from queries.reports.document import write_report
        from queries.reports.selection import bench_report

        write_report(bench_report(result), out_file)
        err.print(f"wrote {out_file}")
    if as_json:
        _print_json(result)
        return
    table = Table(title=f"succession bench ({len(result['no_bench'])} posts without one)")
    for column in ("post", "ready now", "in 1 year", "in 2 years", "incumbent"):
        table.add_column(column)
    for p in result["posts"]:
        incumbents = (
            "、".join(
                f"{i['name']}" + (f"（{i['retires']}退休）" if i["retiring_soon"] else "")
                for i in p["incumbents"]
            )
            or "空缺"
        )
        table.add_row(
            f"{p['post_name']} {p['post_id']}",
            "、".join(c["name"] for c in p["ready_now"]) or "[red]无[/]",
            str(p["ready_in_1y_count"]),
            str(p["ready_in_2y_count"]),
            incumbents,
        )
    out.print(table)


@app.command()
def conflicts(
    store: StoreOption = None,
    policy: PolicyOption = None,
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
) -> None:
    """Avoidance conflicts that exist now among the posts people hold, with their chains."""
    from queries.selection.check import current_conflicts

    with _open(store) as graph:
        found = current_conflicts(store=graph, policy=_policy(policy), as_of=_as_of(as_of))
    if as_json:
        _print_json({"conflicts": found})
        return
    for conflict in found:
        out.print(f"[red]{conflict['rule']}[/] {conflict['cadre_id']}: {conflict['message']}")
        for step in conflict["chain"]:
            out.print(f"    {step}")
    out.print(f"{len(found)} conflict(s)")


# ------------------------------------------------------------- development

OutOption = Annotated[
    Path | None, typer.Option("--out", help="Also write a report (.xlsx or .html).")
]


def _development(store: str | None, policy: Path | None, as_of: str | None) -> Any:
    """Read the graph once for the development analyses (with a spinner)."""
    from queries.development.data import DevelopmentData

    with _open(store) as graph, err.status("reading the graph ..."):
        return DevelopmentData.load(graph, policy=_policy(policy), as_of=_as_of(as_of))


def _write(report: Any, path: Path | None) -> None:
    if path is not None:
        from queries.reports.document import write_report

        try:
            write_report(report, path)
        except ValueError as error:
            err.print(f"[red]error:[/] {error}")
            raise typer.Exit(2) from None
        err.print(f"wrote {path}")


def _summary_table(title: str, rows: list[tuple[str, Any]]) -> None:
    table = Table(title=title, show_header=False)
    table.add_column("")
    table.add_column("", justify="right")
    for label, value in rows:
        table.add_row(label, str(value))
    out.print(table)


def _analysis(
    kind: str,
    store: str | None,
    policy: Path | None,
    as_of: str | None,
    out_file: Path | None,
    as_json: bool,
) -> Mapping[str, Any] | None:
    """Run one development analysis, write its report if asked; ``None`` once JSON is printed."""
    from queries.development import network, pool, targets, teams, training
    from queries.reports import development as reports

    analyses: dict[str, tuple[Callable[..., Mapping[str, Any]], Callable[..., Any]]] = {
        "teams": (teams.team_structure, reports.teams_report),
        "pool": (pool.pool_review, reports.pool_report),
        "training": (training.training_compliance, reports.training_report),
        "network": (network.network_analysis, reports.network_report),
        "targets": (targets.target_figures, reports.targets_report),
    }
    analysis, report = analyses[kind]
    result = analysis(data=_development(store, policy, as_of))
    _write(report(result), out_file)
    if as_json:
        _print_json(result)
        return None
    return result


@app.command()
def mentoring(
    recommend: Annotated[
        bool, typer.Option("--recommend", help="Propose new pairings (min-cost flow).")
    ] = False,
    write_back: Annotated[
        bool,
        typer.Option("--write-back", help="With --recommend: store them as SUGGESTED_MENTOR."),
    ] = False,
    store: StoreOption = None,
    policy: PolicyOption = None,
    as_of: AsOfOption = None,
    out_file: OutOption = None,
    as_json: JsonOption = False,
) -> None:
    """Mentoring coverage and its gaps; with --recommend, who should mentor whom."""
    from queries.development.mentoring import (
        coverage,
        recommend_mentors,
        write_back_suggestions,
    )

    data = _development(store, policy, as_of)
    covered = coverage(data=data)
    proposed = recommend_mentors(data=data) if recommend or out_file else None
    if write_back and proposed is not None:
        with _open(store) as graph:
            written = write_back_suggestions(store=graph, result=proposed)
        err.print(f"wrote {written} SUGGESTED_MENTOR relations")
    if out_file is not None and proposed is not None:
        from queries.reports.development import mentoring_report

        _write(mentoring_report(covered, proposed), out_file)
    if as_json:
        _print_json(proposed if recommend else covered)
        return
    if recommend and proposed is not None:
        for pair in proposed["pairs"]:
            out.print(
                f"{pair['mentee_name']}({pair['mentee_id']}) ← {pair['mentor_name']}"
                f"({pair['mentor_id']}) {pair['cost']:.3f}: {'；'.join(pair['reasons'][1:3])}"
            )
        out.print(
            f"{len(proposed['pairs'])} pairings; coverage {proposed['coverage_before']:.1%} → "
            f"{proposed['coverage_after']:.1%}; {len(proposed['unmatched'])} still unmatched"
        )
        return
    _summary_table(
        f"mentoring coverage ({covered['as_of']})",
        [
            ("should have a mentor", covered["need"]),
            ("covered", covered["covered"]),
            ("coverage", f"{covered['coverage']:.1%}" if covered["coverage"] is not None else "—"),
            ("uncovered", len(covered["uncovered"])),
            ("mentors over capacity", len(covered["over_capacity"])),
            ("mentors departed, mentees left", len(covered["departed"])),
            ("mentors retiring soon", len(covered["retiring"])),
            ("distant pairings", len(covered["distant"])),
            ("units without a spare mentor", len(covered["units_without_spare_mentor"])),
        ],
    )


@app.command()
def teams(
    store: StoreOption = None,
    policy: PolicyOption = None,
    as_of: AsOfOption = None,
    out_file: OutOption = None,
    as_json: JsonOption = False,
) -> None:
    """Leadership-team structure: ages, gender, specialties, retirements; ranked for adjustment."""
    result = _analysis("teams", store, policy, as_of, out_file, as_json)
    if result is None:
        return
    table = Table(title=f"leadership teams, most in need of adjustment first ({result['as_of']})")
    for column in ("#", "unit", "members", "mean age", "youngest", "flags"):
        table.add_column(column)
    for team in result["teams"][:25]:
        table.add_row(
            str(team["rank"]),
            team["unit_name"],
            str(team["members"]),
            str(team["mean_age"]),
            str(team["youngest_age"]),
            "、".join(team["flag_names"]),
        )
    out.print(table)


@app.command()
def pool(
    store: StoreOption = None,
    policy: PolicyOption = None,
    as_of: AsOfOption = None,
    out_file: OutOption = None,
    as_json: JsonOption = False,
) -> None:
    """The young-cadre pool: composition, who should enter, who is due for exit review."""
    result = _analysis("pool", store, policy, as_of, out_file, as_json)
    if result is None:
        return
    _summary_table(
        f"young-cadre pool ({result['as_of']})",
        [
            ("members", result["size"]),
            ("meet the entry criteria, not in it", len(result["entry_candidates"])),
            ("due for exit review", len(result["exit_review"])),
        ],
    )
    for row in result["exit_review"]:
        out.print(f"  review {row['name']}({row['cadre_id']}): {'；'.join(row['reasons'])}")


@app.command()
def training(
    store: StoreOption = None,
    policy: PolicyOption = None,
    as_of: AsOfOption = None,
    out_file: OutOption = None,
    as_json: JsonOption = False,
) -> None:
    """Training compliance: yearly hours, the regulation, off-job courses for pool members."""
    result = _analysis("training", store, policy, as_of, out_file, as_json)
    if result is None:
        return
    _summary_table(
        f"training compliance ({result['as_of']})",
        [
            ("cadres counted", result["counted"]),
            (f"below {result['yearly_hours_target']:g} hours", len(result["below_yearly_hours"])),
            ("below the regulation", len(result["below_regulation"])),
            ("pool members without an off-job course", len(result["pool_without_offjob"])),
        ],
    )


@app.command()
def network(
    store: StoreOption = None,
    policy: PolicyOption = None,
    as_of: AsOfOption = None,
    out_file: OutOption = None,
    as_json: JsonOption = False,
) -> None:
    """The collaboration network: communities, bridges, quiet performers (measures stated)."""
    result = _analysis("network", store, policy, as_of, out_file, as_json)
    if result is None:
        return
    _summary_table(
        f"collaboration network ({result['as_of']})",
        [
            ("people", result["nodes"]),
            ("links", result["edges"]),
            ("communities", len(result["communities"])),
            ("bridges", len(result["bridges"])),
            ("quiet performers", len(result["quiet_performers"])),
        ],
    )
    for row in result["quiet_performers"]:
        out.print(f"  quiet performer {row['name']}({row['cadre_id']}), {row['unit_name']}")


@app.command()
def targets(
    store: StoreOption = None,
    policy: PolicyOption = None,
    as_of: AsOfOption = None,
    out_file: OutOption = None,
    as_json: JsonOption = False,
) -> None:
    """The report's targets per year: young share of new cadres and promotions, pool, coverage."""
    result = _analysis("targets", store, policy, as_of, out_file, as_json)
    if result is None:
        return
    table = Table(title=f"targets ({result['as_of']})")
    for column in ("year", "new <35", "promotions <35", "pool", "mentoring coverage"):
        table.add_column(column)

    def pct(value: float | None) -> str:
        return "—" if value is None else f"{value:.1%}"

    for year in result["years"]:
        table.add_row(
            str(year["year"]),
            pct(year["new_cadres_young_share"]),
            pct(year["promotions_young_share"]),
            str(year["pool_size"]),
            pct(year["mentoring_coverage"]),
        )
    out.print(table)


REPORT_KINDS = ("mentoring", "teams", "pool", "training", "network", "targets", "round", "bench")


@app.command()
def report(
    kind: Annotated[str, typer.Argument(help=f"One of: {', '.join(REPORT_KINDS)}.")],
    out_file: Annotated[Path, typer.Option("--out", help="FILE.xlsx or FILE.html.")],
    store: StoreOption = None,
    policy: PolicyOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Write one of the cadre section's reports as a workbook or an HTML document with charts."""
    if kind not in REPORT_KINDS:
        err.print(
            f"[red]error:[/] unknown report {kind!r}; choose one of {', '.join(REPORT_KINDS)}"
        )
        raise typer.Exit(2)
    if out_file.suffix.lower() not in {".xlsx", ".html"}:
        err.print(f"[red]error:[/] --out {out_file}: a report is written as .xlsx or .html")
        raise typer.Exit(2)
    if kind == "round":
        match(all_posts=True, store=store, policy=policy, as_of=as_of, out_file=out_file)
        return
    if kind == "bench":
        bench_command(store=store, policy=policy, as_of=as_of, out_file=out_file)
        return
    commands: dict[str, Callable[..., None]] = {
        "mentoring": mentoring,
        "teams": teams,
        "pool": pool,
        "training": training,
        "network": network,
        "targets": targets,
    }
    with _quiet():
        commands[kind](store=store, policy=policy, as_of=as_of, out_file=out_file)


@contextmanager
def _quiet() -> Iterator[None]:
    """Silence the human summary of a command run for its report only."""
    saved = out.quiet
    out.quiet = True
    try:
        yield
    finally:
        out.quiet = saved


# ------------------------------------------------------------ access, audit

token_app = typer.Typer(help="Bearer tokens for the HTTP service (stored hashed).")
app.add_typer(token_app, name="token")
AccessOption = Annotated[
    Path | None,
    typer.Option(
        "--access-db",
        help="Tokens and audit file (default ./graphsvc-access.db, or GRAPHSVC_ACCESS_DB).",
        show_default=False,
    ),
]


def _access(path: Path | None) -> Any:
    from graphsvc.access import AccessStore

    return AccessStore(path or get_settings().access_db)


@token_app.command("create")
def token_create(
    role: Annotated[str, typer.Option("--role", help="viewer, analyst, editor or admin.")],
    name: Annotated[str, typer.Option("--name", help="Who or what the token is for.")],
    replace: Annotated[
        bool, typer.Option("--replace", help="Revoke the name's current token first.")
    ] = False,
    expires_days: Annotated[
        float | None,
        typer.Option("--expires-days", min=0, help="The token stops working after this many days."),
    ] = None,
    access_db: AccessOption = None,
) -> None:
    """Create a token and print it once, alone on the last line (only its hash is kept)."""
    from datetime import UTC, datetime, timedelta

    from graphsvc.access import AccessError

    expires = datetime.now(UTC) + timedelta(days=expires_days) if expires_days is not None else None
    with _access(access_db) as access:
        try:
            token = access.create_token(name=name, role=role, replace=replace, expires_at=expires)
        except AccessError as error:
            err.print(f"[red]error:[/] {error}")
            raise typer.Exit(2) from None
    until = f", valid until {expires:%Y-%m-%d %H:%M} UTC" if expires else ""
    err.print(f"token for {name!r} ({role}{until}); it is shown once, keep it safe:")
    sys.stdout.write(token + "\n")


@token_app.command("revoke")
def token_revoke(
    name: Annotated[str, typer.Argument(help="The token's name.")],
    access_db: AccessOption = None,
) -> None:
    """Revoke a token: it stops working at once."""
    with _access(access_db) as access:
        if not access.revoke_token(name):
            err.print(f"[red]error:[/] no active token named {name!r}")
            raise typer.Exit(1)
    err.print(f"revoked {name!r}")


@token_app.command("list")
def token_list(access_db: AccessOption = None, as_json: JsonOption = False) -> None:
    """Token names, roles and dates (the tokens themselves are not kept)."""
    with _access(access_db) as access:
        tokens = access.list_tokens()
    if as_json:
        _print_json(tokens)
        return
    table = Table(title="tokens")
    for column in ("name", "role", "created", "expires", "revoked"):
        table.add_column(column)
    for t in tokens:
        table.add_row(
            t["name"], t["role"], t["created_at"], t["expires_at"] or "", t["revoked_at"] or ""
        )
    out.print(table)


@app.command()
def audit(
    subject: Annotated[
        str | None, typer.Option("--subject", help="Entries about this person (cadre id).")
    ] = None,
    who: Annotated[str | None, typer.Option("--who", help="Entries by this token name.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="ISO time, inclusive.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1)] = 50,
    verify: Annotated[
        bool, typer.Option("--verify", help="Check the hash chain of the whole log.")
    ] = False,
    access_db: AccessOption = None,
    as_json: JsonOption = False,
) -> None:
    """Who read or changed which person's record, when and from where (newest first)."""
    with _access(access_db) as access:
        if verify:
            intact, count, broken = access.verify_audit()
            if as_json:
                _print_json({"intact": intact, "entries": count, "first_broken": broken})
            else:
                out.print(
                    f"{count} entries; chain intact"
                    if intact
                    else f"[red]chain broken at entry {broken}[/]"
                )
            if not intact:
                raise typer.Exit(1)
            return
        entries, total = access.query_audit(subject=subject, who=who, since=since, limit=limit)
    if as_json:
        _print_json({"total": total, "entries": entries})
        return
    for e in entries:
        people = f" [{', '.join(e['subjects'][:5])}{' ...' if len(e['subjects']) > 5 else ''}]"
        out.print(
            f"{e['at']} {e['who'] or '-'}({e['role'] or '-'}) from {e['client']}: "
            f"{e['method']} {e['path']}{'?' + e['query'] if e['query'] else ''} → {e['status']}"
            f"{people if e['subjects'] else ''}",
            highlight=False,
        )
    out.print(f"{len(entries)} of {total} entries")


@app.command()
def serve(
    store: StoreOption = None,
    host: Annotated[str | None, typer.Option(help="Address to bind (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8000).")] = None,
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="Server processes (each with its own cache).")
    ] = 1,
    access_log: Annotated[
        bool, typer.Option("--access-log", help="Also log each request to stderr.")
    ] = False,
) -> None:
    """Start the HTTP service (OpenAPI docs at /docs). Every request is in the audit log."""
    import os

    import uvicorn

    from api.app import create_app

    settings = get_settings().model_copy(
        update={
            "store": _store_url(store),
            **({"host": host} if host else {}),
            **({"port": port} if port else {}),
        }
    )
    err.print(
        f"serving {settings.store} at http://{settings.host}:{settings.port}/api/v1 (docs at /docs)"
        + (f" with {workers} workers" if workers > 1 else "")
    )
    options: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "log_level": "info",
        "access_log": access_log,
    }
    if workers == 1:
        uvicorn.run(create_app(settings), **options)
        return
    # Worker processes build the app themselves from the environment.
    os.environ["GRAPHSVC_STORE"] = settings.store
    os.environ["GRAPHSVC_ACCESS_DB"] = str(settings.access_db)
    uvicorn.run("api.app:create_app", factory=True, workers=workers, **options)


@app.command()
def demo(
    store: StoreOption = None,
    data: Annotated[
        Path | None, typer.Option("--data", help="Where the sample district lives (var/sample).")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the sample district.")] = 7,
    host: Annotated[str | None, typer.Option(help="Address to bind (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8000).")] = None,
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Load and report, but do not start the service.")
    ] = False,
) -> None:
    """The main job: generate the sample district if absent, load it, report, and serve it."""
    from loaders.load import load_paths
    from loaders.sample import generate_sample, write_sample
    from queries.stats import graph_stats

    folder = data or get_settings().sample_dir
    if not (folder / "cadres.csv").exists():
        err.print(f"generating the sample district (seed {seed}) in {folder} ...")
        write_sample(generate_sample(seed=seed), folder)
    with _open(store) as graph:
        with _progress() as progress:
            outcome = load_paths(graph, [folder], on_progress=progress)
        created = sum(outcome.summary.created.values())
        err.print(f"loaded {folder} into {graph.url} ({created:,} records created)")
        result = graph_stats(store=graph)
    table = Table(title="what is in the graph")
    table.add_column("nodes")
    table.add_column("", justify="right")
    table.add_column("edges")
    table.add_column("", justify="right")
    node_rows = sorted(result.nodes.items())
    edge_rows = sorted(result.edges.items())
    for index in range(max(len(node_rows), len(edge_rows))):
        node = node_rows[index] if index < len(node_rows) else ("", "")
        edge = edge_rows[index] if index < len(edge_rows) else ("", "")
        table.add_row(
            node[0],
            f"{node[1]:,}" if node[1] != "" else "",
            edge[0],
            f"{edge[1]:,}" if edge[1] != "" else "",
        )
    out.print(table)
    for warning in result.warnings:
        out.print(f"[yellow]found[/] {warning.message}: {warning.count}")
    with _access(None) as access:
        token = access.create_token(name="demo-admin", role="admin", replace=True)
    out.print("admin token for this demo (named demo-admin; `graphsvc token create` makes others):")
    out.print(token, highlight=False)
    if not no_serve:
        serve(store=_store_url(store), host=host, port=port)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
