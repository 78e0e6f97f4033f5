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

    with open_graph(store, need_data=True) as graph, err.status("正在读取图数据……"):
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
        err.print(f"已写入 {written} 条 SUGGESTED_MENTOR 关系")
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
            f"建议结对 {len(proposed['pairs'])} 对；帮带覆盖率 "
            f"{proposed['coverage_before']:.1%} → {proposed['coverage_after']:.1%}；"
            f"仍有 {len(proposed['unmatched'])} 人未能配到导师"
        )
        return
    _summary_table(
        f"导师帮带覆盖情况（{covered['as_of']}）",
        [
            ("应配导师人数", covered["need"]),
            ("已配导师人数", covered["covered"]),
            ("覆盖率", f"{covered['coverage']:.1%}" if covered["coverage"] is not None else "—"),
            ("未配导师人数", len(covered["uncovered"])),
            ("帮带超额的导师", len(covered["over_capacity"])),
            ("已离任但仍有帮带对象的导师", len(covered["departed"])),
            ("即将退休的导师", len(covered["retiring"])),
            ("异地结对", len(covered["distant"])),
            ("无富余导师的单位", len(covered["units_without_spare_mentor"])),
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
    table = Table(title=f"领导班子结构，最需调整的在前（{result['as_of']}）")
    for column in ("序号", "单位", "成员数", "平均年龄", "最小年龄", "问题"):
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
        f"优秀年轻干部库（{result['as_of']}）",
        [
            ("在库人数", result["size"]),
            ("符合入库条件但未入库", len(result["entry_candidates"])),
            ("应作出库复核", len(result["exit_review"])),
        ],
    )
    for row in result["exit_review"]:
        out.print(f"  复核 {row['name']}（{row['cadre_id']}）：{'；'.join(row['reasons'])}")


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
        f"培训达标情况（{result['as_of']}）",
        [
            ("统计干部人数", result["counted"]),
            (
                f"年度学时不足 {result['yearly_hours_target']:g} 学时",
                len(result["below_yearly_hours"]),
            ),
            ("未达培训规定", len(result["below_regulation"])),
            ("在库干部未参加脱产培训", len(result["pool_without_offjob"])),
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
        f"干部协作网络（{result['as_of']}）",
        [
            ("人数", result["nodes"]),
            ("协作关系", result["edges"]),
            ("社区", len(result["communities"])),
            ("桥梁人物", len(result["bridges"])),
            ("实绩突出但关注不够", len(result["quiet_performers"])),
        ],
    )
    for row in result["quiet_performers"]:
        out.print(f"  实绩突出但关注不够：{row['name']}（{row['cadre_id']}），{row['unit_name']}")


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
    table = Table(title=f"工作目标（{result['as_of']}）")
    for column in ("年度", "新进干部35岁以下占比", "提拔35岁以下占比", "在库人数", "帮带覆盖率"):
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
        fail(f"没有“{kind}”这种报告；可选：{'、'.join(REPORT_KINDS)}", 2)
    if out_file.suffix.lower() not in {".xlsx", ".html"}:
        fail(f"--out {out_file}：报告只能写成 .xlsx 或 .html 文件", 2)
    with open_graph(store, need_data=True) as graph, err.status(f"正在生成 {kind} 报告……"):
        try:
            document = build_report(
                kind, store=graph, policy=read_policy(policy), as_of=as_of_day(as_of)
            )
        except InfeasibleRound as error:
            fail(str(error), 1)
    write_report_file(document, out_file)
