"""The registry of analyses: each analysis the service offers, named and wired once.

The command line (one command per analysis and ``graphsvc report KIND``), the
HTTP service (one ``GET`` per analysis under ``/api/v1``) and the reports all
read :data:`ANALYSES`, so adding an analysis is one entry here, not three edits
that can drift apart.

An analysis reads the graph once into plain records (``DevelopmentData`` for
the cadre section's analyses, ``SelectionContext`` for selection), computes a
result from them, and can turn that result into a :class:`Report`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from graphsvc.stores.base import GraphStore
from queries.development.data import DevelopmentData
from queries.development.mentoring import coverage, recommend_mentors
from queries.development.network import network_analysis
from queries.development.pool import pool_review
from queries.development.results import (
    CoverageResult,
    NetworkResult,
    PoolResult,
    RecommendationResult,
    TargetsResult,
    TeamsResult,
    TrainingResult,
)
from queries.development.targets import target_figures
from queries.development.teams import team_structure
from queries.development.training import training_compliance
from queries.reports import development as development_reports
from queries.reports import selection as selection_reports
from queries.reports.document import Report
from queries.selection.bench import succession_bench
from queries.selection.candidates import SelectionContext
from queries.selection.policy import SelectionPolicy
from queries.selection.results import BenchResult, RoundResult
from queries.selection.round import run_round

__all__ = [
    "ANALYSES",
    "REPORT_KINDS",
    "Analysis",
    "UnknownReport",
    "build_report",
]

Reads = Literal["development", "selection"]


@dataclass(frozen=True)
class Analysis:
    """One analysis: what it reads, how it computes and reports, where it is served.

    Attributes
    ----------
    name : str
        The command, the report kind and the cache key (``teams``, ``round`` ...).
    title : str
        What users call it, in Chinese (领导班子结构 ...).
    summary : str
        One line for the OpenAPI document and help texts.
    reads : {"development", "selection"}
        The records it computes from: ``DevelopmentData`` or ``SelectionContext``.
    compute : callable
        ``compute(records)``: the result with the analysis's defaults.
    report : callable or None
        ``report(result, records)``: the result as a report; ``None`` when another
        analysis's report already shows it.
    path : str or None
        Its ``GET`` path under ``/api/v1``; ``None`` when a router serves it with
        parameters of its own (the round is a ``POST``, the bench takes posts).
    result_type : type
        The answer's type (a ``TypedDict``): the route's response model, and what the
        audit walks to find the people an answer shows.
    """

    name: str
    title: str
    summary: str
    reads: Reads
    compute: Callable[[Any], Any]
    report: Callable[[Any, Any], Report] | None
    path: str | None
    result_type: type[Any]

    def read(self, store: GraphStore, *, policy: SelectionPolicy, as_of: date) -> Any:
        """Read the records this analysis computes from (the graph read once)."""
        if self.reads == "development":
            return DevelopmentData.load(store, policy=policy, as_of=as_of)
        return SelectionContext.load(store, policy=policy, as_of=as_of)


def _mentoring_report(covered: Any, data: DevelopmentData) -> Report:
    # The coverage report also proposes who should mentor whom.
    return development_reports.mentoring_report(covered, recommend_mentors(data=data))


def _single(report: Callable[[Any], Report]) -> Callable[[Any, Any], Report]:
    """A report that needs only the result, not the records it came from."""

    def build(result: Any, _records: Any) -> Report:
        return report(result)

    return build


_REGISTRY = (
    Analysis(
        name="mentoring",
        title="成长导师帮带覆盖",
        summary="Mentoring coverage and its gaps (导师帮带覆盖)",
        reads="development",
        compute=lambda data: coverage(data=data),
        report=_mentoring_report,
        path="/mentoring",
        result_type=CoverageResult,
    ),
    Analysis(
        name="recommendations",
        title="导师结对建议",
        summary="Proposed mentor pairings, optimal by min-cost flow (导师结对建议)",
        reads="development",
        compute=lambda data: recommend_mentors(data=data),
        report=None,  # part of the mentoring report
        path="/mentoring/recommendations",
        result_type=RecommendationResult,
    ),
    Analysis(
        name="teams",
        title="领导班子结构",
        summary="Leadership-team structure, ranked (班子结构)",
        reads="development",
        compute=lambda data: team_structure(data=data),
        report=_single(development_reports.teams_report),
        path="/teams",
        result_type=TeamsResult,
    ),
    Analysis(
        name="pool",
        title="优秀年轻干部库",
        summary="The young-cadre pool: composition, entry, exit (年轻干部库)",
        reads="development",
        compute=lambda data: pool_review(data=data),
        report=_single(development_reports.pool_report),
        path="/pool",
        result_type=PoolResult,
    ),
    Analysis(
        name="training",
        title="教育培训达标",
        summary="Training compliance (教育培训达标)",
        reads="development",
        compute=lambda data: training_compliance(data=data),
        report=_single(development_reports.training_report),
        path="/training",
        result_type=TrainingResult,
    ),
    Analysis(
        name="network",
        title="干部协作网络",
        summary="Collaboration network: communities, bridges, quiet performers (协作网络)",
        reads="development",
        compute=lambda data: network_analysis(data=data),
        report=_single(development_reports.network_report),
        path="/network",
        result_type=NetworkResult,
    ),
    Analysis(
        name="targets",
        title="目标完成情况",
        summary="The report's targets per year (目标完成情况)",
        reads="development",
        compute=lambda data: target_figures(data=data),
        report=_single(development_reports.targets_report),
        path="/targets",
        result_type=TargetsResult,
    ),
    Analysis(
        name="round",
        title="干部选配方案",
        summary="A whole round of vacancies filled best overall (整体选配方案)",
        reads="selection",
        compute=lambda context: run_round(context=context),
        report=_single(selection_reports.round_report),
        path=None,  # POST /selection/round, with the round's posts and constraints
        result_type=RoundResult,
    ),
    Analysis(
        name="bench",
        title="领导班子后备梯队",
        summary="Succession bench per leadership post (后备梯队)",
        reads="selection",
        compute=lambda context: succession_bench(context=context),
        report=_single(selection_reports.bench_report),
        path=None,  # GET /selection/bench, with a choice of posts
        result_type=BenchResult,
    ),
)

ANALYSES: dict[str, Analysis] = {analysis.name: analysis for analysis in _REGISTRY}
"""Every analysis by name, in the order help texts and the OpenAPI document list them."""

REPORT_KINDS: tuple[str, ...] = tuple(a.name for a in _REGISTRY if a.report is not None)
"""What ``graphsvc report KIND`` can write."""


class UnknownReport(ValueError):
    """No report of that kind."""


def build_report(kind: str, *, store: GraphStore, policy: SelectionPolicy, as_of: date) -> Report:
    """Read the graph, run the analysis ``kind`` with its defaults and build its report.

    Parameters
    ----------
    kind : str
        One of :data:`REPORT_KINDS`.
    store : GraphStore
        The graph to read.
    policy : SelectionPolicy
        The rules and settings in force.
    as_of : date
        The day of the analysis.

    Returns
    -------
    Report
        Ready for :func:`queries.reports.document.write_report`.

    Raises
    ------
    UnknownReport
        ``kind`` is not a report kind.
    """
    analysis = ANALYSES.get(kind)
    if analysis is None or analysis.report is None:
        raise UnknownReport(f"没有“{kind}”这种报告；可选：{'、'.join(REPORT_KINDS)}")
    records = analysis.read(store, policy=policy, as_of=as_of)
    return analysis.report(analysis.compute(records), records)
