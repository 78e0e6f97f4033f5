"""The cadre section's analyses: ``mentoring``, ``teams``, ``pool``, ``training``,
``network``, ``targets``, and ``report`` (any analysis as a workbook or HTML).

What each analysis computes and how it reports comes from the registry,
:data:`queries.analyses.ANALYSES`; this module only prints.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

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


def register(app: typer.Typer) -> None:
    """Add the development commands and ``report`` to ``app``."""
    for command in (mentoring, teams, pool, training, network, targets, report):
        app.command()(command)


def _read(kind: str, store: str | None, policy: Path | None, as_of: str | None) -> Any:
    """Read the graph once for the analysis ``kind`` (with a spinner)."""
    from queries.analyses import ANALYSES

    with open_graph(store, need_data=True) as graph, err.status("reading the graph ..."):
        return ANALYSES[kind].read(graph, policy=read_policy(policy), as_of=as_of_day(as_of))


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
) -> dict[str, Any] | None:
    """Run one analysis, write its report if asked; ``None`` once JSON is printed."""
    from queries.analyses import ANALYSES

    analysis = ANALYSES[kind]
    data = _read(kind, store, policy, as_of)
    result: dict[str, Any] = analysis.compute(data)
    if out_file is not None and analysis.report is not None:
        write_report_file(analysis.report(result, data), out_file)
    if as_json:
        print_json(result)
        return None
    return result


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

    data = _read("mentoring", store, policy, as_of)
    covered = ANALYSES["mentoring"].compute(data)
    proposed = ANALYSES["recommendations"].compute(data) if recommend or out_file else None
    if write_back and proposed is not None:
        with open_graph(store) as graph:
            written = write_back_suggestions(store=graph, result=proposed)
        err.print(f"wrote {written} SUGGESTED_MENTOR relations")
    if out_file is not None and proposed is not None:
        # The registry's report would propose the pairings again; they are at hand.
        write_report_file(mentoring_report(covered, proposed), out_file)
    if as_json:
        print_json(proposed if recommend else covered)
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


def report(
    kind: Annotated[
        str,
        typer.Argument(
            # Spelled out so that `graphsvc token` need not load the analyses;
            # tests/test_cli.py checks it against queries.analyses.REPORT_KINDS.
            help="One of: mentoring, teams, pool, training, network, targets, round, bench."
        ),
    ],
    out_file: Annotated[Path, typer.Option("--out", help="FILE.xlsx or FILE.html.")],
    store: StoreOption = None,
    policy: PolicyOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Write one of the cadre section's reports as a workbook or an HTML document with charts."""
    from queries.analyses import REPORT_KINDS, build_report
    from queries.selection.assignment import InfeasibleRound

    if kind not in REPORT_KINDS:
        fail(f"unknown report {kind!r}; choose one of {', '.join(REPORT_KINDS)}", 2)
    if out_file.suffix.lower() not in {".xlsx", ".html"}:
        fail(f"--out {out_file}: a report is written as .xlsx or .html", 2)
    with open_graph(store, need_data=True) as graph, err.status(f"computing the {kind} report ..."):
        try:
            document = build_report(
                kind, store=graph, policy=read_policy(policy), as_of=as_of_day(as_of)
            )
        except InfeasibleRound as error:
            fail(str(error), 1)
    write_report_file(document, out_file)
