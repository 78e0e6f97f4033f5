"""The registry of analyses: each analysis the service offers, named and wired once.

The command line (one command per analysis, made from its entry, and ``graphsvc
report KIND``), the HTTP service (one ``GET`` per analysis under ``/api/v1``, its
parameters from the entry's) and the reports all read :data:`ANALYSES`, so adding an
analysis is its compute, its answer type, its report and its terminal view, named in
one entry here, not edits in three places that can drift apart.

An analysis reads the graph once into plain records (``DevelopmentData`` for
the cadre section's analyses, ``SelectionContext`` for selection), computes a
result from them (with its own parameters, :class:`Param`: a cadre, a unit, a number
of years), and can turn that result into a :class:`Report`.

The modules that compute and report are imported when an analysis first runs, not
with the registry: the command line lists every analysis as a command without loading
them (``graphsvc token`` stays quick).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from graphsvc.vocab import Level
from queries.development.results import (
    CoverageResult,
    NetworkResult,
    PathResult,
    PipelineResult,
    PoolResult,
    RecommendationResult,
    TargetsResult,
    TeamsResult,
    TrainingResult,
)
from queries.reports import terminal
from queries.reports.terminal import View
from queries.selection.results import BenchResult, RoundResult

if TYPE_CHECKING:
    from graphsvc.stores.base import GraphStore
    from queries.reports.document import Report
    from queries.selection.policy import SelectionPolicy

__all__ = [
    "ANALYSES",
    "REPORT_KINDS",
    "Analysis",
    "Param",
    "UnknownReport",
    "build_report",
    "target_level",
]

Reads = Literal["development", "selection"]


@dataclass(frozen=True)
class Param:
    """An option of one analysis beyond the day and the policy: the command's ``--name``
    and the HTTP parameter ``name`` (a query parameter, or a segment of the path).

    Attributes
    ----------
    name : str
        The keyword ``compute`` takes, the option and the parameter.
    kind : type
        ``str`` or ``int``, as given.
    help : str
        What it means, for help texts and the OpenAPI document.
    required : bool
        Must be given (else ``None`` when absent, and ``compute``'s own default holds).
    in_path : bool
        Over HTTP, a segment of the analysis's path (``/cadres/{cadre_id}/path``).
    minimum : int or None
        The least value of an ``int``.
    http_name : str or None
        Its name over HTTP when that differs (``cadre_id``, as every ``/cadres/{cadre_id}``
        route names it).
    parse : callable or None
        Turns the given value into what ``compute`` takes; a ``ValueError`` says why the
        value is wrong, in Chinese (the command exits 2, the request answers 422).
    """

    name: str
    kind: type[Any]
    help: str
    required: bool = False
    in_path: bool = False
    minimum: int | None = None
    parse: Callable[[Any], Any] | None = None
    http_name: str | None = None

    @property
    def over_http(self) -> str:
        return self.http_name or self.name

    def value(self, given: Any) -> Any:
        """The value ``compute`` takes (``None`` stays ``None``)."""
        if given is None or self.parse is None:
            return given
        return self.parse(given)


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
        ``compute(records, **params)``: the result (the analysis's defaults for
        parameters not given).
    report : callable or None
        ``report(result, records)``: the result as a report; ``None`` when another
        analysis's report already shows it.
    path : str or None
        Its ``GET`` path under ``/api/v1``; ``None`` when a router serves it with
        parameters of its own (the round is a ``POST``, the bench takes posts).
    result_type : type
        The answer's type (a ``TypedDict``): the route's response model, and what the
        audit walks to find the people an answer shows.
    view : callable or None
        ``view(result)``: what its command prints without ``--json`` (a
        :class:`~queries.reports.terminal.View`); a command is made from each entry that
        has one. ``None``: no command of its own (the round and the bench take posts and
        constraints; ``mentoring`` also writes pairings back; recommendations are
        ``mentoring --recommend``).
    params : tuple of Param
        Its own options: ``compute(records, **params)``.
    batch : callable or None
        ``batch(records)``: what ``graphsvc report KIND`` shows of an analysis asked about
        one thing at a time (a cadre's path: every pool member's); the report takes it as
        it takes one result.
    """

    name: str
    title: str
    summary: str
    reads: Reads
    compute: Callable[..., Any]
    report: Callable[[Any, Any], Report] | None
    path: str | None
    result_type: type[Any]
    view: Callable[[Any], View] | None = None
    params: tuple[Param, ...] = ()
    batch: Callable[[Any], Any] | None = None

    def run(self, records: Any, **given: Any) -> Any:
        """The result for ``given`` parameters (by name; absent or ``None``: the default).

        Raises
        ------
        ValueError
            A parameter's value is wrong (said in Chinese).
        """
        values = {p.name: p.value(given.get(p.name)) for p in self.params}
        return self.compute(records, **{k: v for k, v in values.items() if v is not None})

    def read(self, store: GraphStore, *, policy: SelectionPolicy, as_of: date) -> Any:
        """Read the records this analysis computes from (the graph read once)."""
        if self.reads == "development":
            from queries.development.data import DevelopmentData

            return DevelopmentData.load(store, policy=policy, as_of=as_of)
        from queries.selection.candidates import SelectionContext

        return SelectionContext.load(store, policy=policy, as_of=as_of)


def _lazy(target: str, records: str | None = None) -> Callable[..., Any]:
    """The function ``module:name``, imported on its first call. ``records``: the keyword
    it takes the records by (``data``, ``context``); the first argument goes there, the
    keywords after it as they are. Without ``records`` the arguments pass as they are."""
    module_name, _, attribute = target.partition(":")

    def call(*args: Any, **kwargs: Any) -> Any:
        function = getattr(importlib.import_module(module_name), attribute)
        if records is None:
            return function(*args, **kwargs)
        first, *rest = args
        return function(*rest, **{records: first}, **kwargs)

    call.__qualname__ = call.__name__ = attribute
    return call


def _single(report: Callable[[Any], Report]) -> Callable[[Any, Any], Report]:
    """A report that needs only the result, not the records it came from."""

    def build(result: Any, _records: Any) -> Report:
        return report(result)

    return build


def _mentoring_report(covered: Any, data: Any) -> Report:
    # The coverage report also proposes who should mentor whom.
    from queries.development.mentoring import recommend_mentors
    from queries.reports.development import mentoring_report

    return mentoring_report(covered, recommend_mentors(data=data))


def _path(data: Any, cadre: str, target: Level | None = None) -> Any:
    from queries.development.path import cadre_path

    return cadre_path(data=data, cadre_id=cadre, target=target)


def _pipeline(data: Any, years: int | None = None, unit: str | None = None) -> Any:
    from queries.development.pipeline import pipeline

    return pipeline(data=data, years=years, unit_id=unit)


_TARGETS = {level.value: level for level in Level if level != Level.STAFF}


def target_level(value: str) -> Level:
    """A level to aim at, as users write it (副科, 正科, 副处 ...).

    Raises
    ------
    ValueError
        Not such a level (科员 is none: nobody is promoted to it).
    """
    level = _TARGETS.get(str(value).strip())
    if level is None:
        raise ValueError(f"“{value}”不是可作为目标的职务层次（应为{'、'.join(_TARGETS)}）")
    return level


_DEVELOPMENT_REPORTS = "queries.reports.development"

_REGISTRY = (
    Analysis(
        name="mentoring",
        title="成长导师帮带覆盖",
        summary="Mentoring coverage and its gaps (导师帮带覆盖)",
        reads="development",
        compute=_lazy("queries.development.mentoring:coverage", "data"),
        report=_mentoring_report,
        path="/mentoring",
        result_type=CoverageResult,
    ),
    Analysis(
        name="recommendations",
        title="导师结对建议",
        summary="Proposed mentor pairings, optimal by min-cost flow (导师结对建议)",
        reads="development",
        compute=_lazy("queries.development.mentoring:recommend_mentors", "data"),
        report=None,  # part of the mentoring report
        path="/mentoring/recommendations",
        result_type=RecommendationResult,
    ),
    Analysis(
        name="teams",
        title="领导班子结构",
        summary="Leadership-team structure, ranked (班子结构)",
        reads="development",
        compute=_lazy("queries.development.teams:team_structure", "data"),
        report=_single(_lazy(f"{_DEVELOPMENT_REPORTS}:teams_report")),
        path="/teams",
        result_type=TeamsResult,
        view=terminal.teams_view,
    ),
    Analysis(
        name="pool",
        title="优秀年轻干部库",
        summary="The young-cadre pool: composition, entry, exit (年轻干部库)",
        reads="development",
        compute=_lazy("queries.development.pool:pool_review", "data"),
        report=_single(_lazy(f"{_DEVELOPMENT_REPORTS}:pool_report")),
        path="/pool",
        result_type=PoolResult,
        view=terminal.pool_view,
    ),
    Analysis(
        name="training",
        title="教育培训达标",
        summary="Training compliance (教育培训达标)",
        reads="development",
        compute=_lazy("queries.development.training:training_compliance", "data"),
        report=_single(_lazy(f"{_DEVELOPMENT_REPORTS}:training_report")),
        path="/training",
        result_type=TrainingResult,
        view=terminal.training_view,
    ),
    Analysis(
        name="network",
        title="干部协作网络",
        summary="Collaboration network: communities, bridges, quiet performers (协作网络)",
        reads="development",
        compute=_lazy("queries.development.network:network_analysis", "data"),
        report=_single(_lazy(f"{_DEVELOPMENT_REPORTS}:network_report")),
        path="/network",
        result_type=NetworkResult,
        view=terminal.network_view,
    ),
    Analysis(
        name="targets",
        title="目标完成情况",
        summary="The report's targets per year (目标完成情况)",
        reads="development",
        compute=_lazy("queries.development.targets:target_figures", "data"),
        report=_single(_lazy(f"{_DEVELOPMENT_REPORTS}:targets_report")),
        path="/targets",
        result_type=TargetsResult,
        view=terminal.targets_view,
    ),
    Analysis(
        name="path",
        title="一人一策",
        summary="A cadre's path to the next level: each rule's day, the ready day, actions "
        "(一人一策)",
        reads="development",
        compute=_path,
        report=_single(_lazy("queries.reports.paths:path_report")),
        path="/cadres/{cadre_id}/path",
        result_type=PathResult,
        view=terminal.path_view,
        params=(
            Param(
                "cadre",
                str,
                "The cadre's id (干部编号).",
                required=True,
                in_path=True,
                http_name="cadre_id",
            ),
            Param(
                "target",
                str,
                "The level aimed at (副科, 正科, 副处 ...; default the one above the cadre's own).",
                parse=target_level,
            ),
        ),
        batch=_lazy("queries.development.path:pool_paths", "data"),
    ),
    Analysis(
        name="pipeline",
        title="年轻干部梯队",
        summary="Ready cadres against the posts that will open, per year and level (超前研判)",
        reads="development",
        compute=_pipeline,
        report=_single(_lazy("queries.reports.paths:pipeline_report")),
        path="/pipeline",
        result_type=PipelineResult,
        view=terminal.pipeline_view,
        params=(
            Param("years", int, "Years ahead, this year first (default 5).", minimum=1),
            Param("unit", str, "Only this unit and the units under it (单位编号)."),
        ),
    ),
    Analysis(
        name="round",
        title="干部选配方案",
        summary="A whole round of vacancies filled best overall (整体选配方案)",
        reads="selection",
        compute=_lazy("queries.selection.round:run_round", "context"),
        report=_single(_lazy("queries.reports.selection:round_report")),
        path=None,  # POST /selection/round, with the round's posts and constraints
        result_type=RoundResult,
    ),
    Analysis(
        name="bench",
        title="领导班子后备梯队",
        summary="Succession bench per leadership post (后备梯队)",
        reads="selection",
        compute=_lazy("queries.selection.bench:succession_bench", "context"),
        report=_single(_lazy("queries.reports.selection:bench_report")),
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
    result = analysis.batch(records) if analysis.batch is not None else analysis.compute(records)
    return analysis.report(result, records)
