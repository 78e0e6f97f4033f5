"""The cadre section's analyses: one command per analysis of the registry (``teams``,
``pool``, ``training``, ``network``, ``targets``, ``path``, ``pipeline`` ...), ``mentoring``
and ``report`` (any analysis as a workbook, an HTML page or a PDF).

Each command is made from its entry in :data:`queries.analyses.ANALYSES`: its options
(the entry's parameters, then ``--store``, ``--policy``, ``--as-of``, ``--out``,
``--json``), its help, what it computes and reports, and what it prints (the entry's
view). ``mentoring`` is written out because ``--write-back`` changes the graph. This
module only draws.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from cli import (
    AsOfOption,
    JsonOption,
    OutOption,
    PolicyOption,
    StoreOption,
    as_of_day,
    err,
    fail,
    open_graph,
    out,
    print_json,
    read_policy,
    write_report_file,
)

if TYPE_CHECKING:
    from queries.analyses import Analysis
    from queries.reports.terminal import View


def register(app: typer.Typer) -> None:
    """Add ``mentoring``, a command per analysis with a view, and ``report`` to ``app``."""
    from queries.analyses import ANALYSES

    app.command()(mentoring)
    for analysis in ANALYSES.values():
        if analysis.view is not None:
            app.command(name=analysis.name)(_command(analysis))
    app.command()(report)


def _read(analysis: Analysis, store: str | None, policy: Path | None, as_of: str | None) -> Any:
    """Read the graph once for ``analysis`` (with a spinner)."""
    with open_graph(store, need_data=True) as graph, err.status("正在读取图数据……"):
        return analysis.read(graph, policy=read_policy(policy), as_of=as_of_day(as_of))


def draw(view: View) -> None:
    """Print a view: its table (label, value pairs when it names no columns), then its
    notes."""
    if view.rows:
        table = Table(title=view.title, show_header=bool(view.columns))
        for column in view.columns or ("", ""):
            table.add_column(column)
        for row in view.rows:
            table.add_row(*("—" if cell is None else str(cell) for cell in row))
        out.print(table)
    else:
        out.print(view.title)
    for line in view.notes:
        out.print(line)


# The options every analysis command takes after its own.
_COMMON = (
    ("store", StoreOption, None),
    ("policy", PolicyOption, None),
    ("as_of", AsOfOption, None),
    ("out_file", OutOption, None),
    ("as_json", JsonOption, False),
)


def _command(analysis: Analysis) -> Callable[..., None]:
    """The command of one analysis: its parameters as options, then the common ones."""

    def command(**options: Any) -> None:
        from queries.selection.candidates import NotFound

        given = {p.name: options[p.name] for p in analysis.params}
        records = _read(analysis, options["store"], options["policy"], options["as_of"])
        try:
            result = analysis.run(records, **given)
        except NotFound as error:
            fail(str(error), 1)
        except ValueError as error:
            fail(str(error), 2)
        out_file: Path | None = options["out_file"]
        if out_file is not None and analysis.report is not None:
            write_report_file(analysis.report(result, records), out_file)
        if options["as_json"]:
            print_json(result)
        elif analysis.view is not None:
            draw(analysis.view(result))

    parameters = [
        inspect.Parameter(
            p.name,
            inspect.Parameter.KEYWORD_ONLY,
            default=... if p.required else None,
            annotation=Annotated[
                p.kind if p.required else p.kind | None,
                typer.Option(f"--{p.name}", help=p.help, min=p.minimum, show_default=False),
            ],
        )
        for p in analysis.params
    ]
    parameters += [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=kind)
        for name, kind, default in _COMMON
    ]
    command.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    command.__annotations__ = {p.name: p.annotation for p in parameters}
    command.__name__ = analysis.name
    command.__doc__ = f"{analysis.summary}."
    return command


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
    from queries.analyses import ANALYSES
    from queries.development.mentoring import write_back_suggestions
    from queries.reports.development import mentoring_report
    from queries.reports.terminal import mentoring_view, recommendations_view

    data = _read(ANALYSES["mentoring"], store, policy, as_of)
    covered = ANALYSES["mentoring"].compute(data)
    proposed = ANALYSES["recommendations"].compute(data) if recommend or out_file else None
    if write_back and proposed is not None:
        with open_graph(store) as graph:
            written = write_back_suggestions(store=graph, result=proposed)
        err.print(f"已写入 {written} 条 SUGGESTED_MENTOR 关系")
    if out_file is not None and proposed is not None:
        # The registry's report would propose the pairings again; they are at hand.
        write_report_file(mentoring_report(covered, proposed), out_file)
    if as_json:
        print_json(proposed if recommend else covered)
    elif recommend and proposed is not None:
        draw(recommendations_view(proposed))
    else:
        draw(mentoring_view(covered))


def report(
    kind: Annotated[
        str,
        typer.Argument(
            # Spelled out so that `graphsvc token` need not read the registry's reports;
            # tests/test_cli.py checks it against queries.analyses.REPORT_KINDS.
            help="One of: mentoring, teams, pool, training, network, targets, path, pipeline, "
            "round, bench."
        ),
    ],
    out_file: Annotated[Path, typer.Option("--out", help="FILE.xlsx, FILE.html or FILE.pdf.")],
    store: StoreOption = None,
    policy: PolicyOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Write a report with charts (.xlsx, .html or .pdf); path: every pool member's sheet."""
    from queries.analyses import REPORT_KINDS, build_report
    from queries.reports.document import REPORT_SUFFIXES
    from queries.selection.assignment import InfeasibleRound

    if kind not in REPORT_KINDS:
        fail(f"没有“{kind}”这种报告；可选：{'、'.join(REPORT_KINDS)}", 2)
    if out_file.suffix.lower() not in REPORT_SUFFIXES:
        fail(f"--out {out_file}：报告只能写成 .xlsx、.html 或 .pdf 文件", 2)
    with open_graph(store, need_data=True) as graph, err.status(f"正在生成 {kind} 报告……"):
        try:
            document = build_report(
                kind, store=graph, policy=read_policy(policy), as_of=as_of_day(as_of)
            )
        except InfeasibleRound as error:
            fail(str(error), 1)
    write_report_file(document, out_file)
