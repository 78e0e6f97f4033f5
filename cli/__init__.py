"""The ``graphsvc`` command: an entry point, so it may wire every layer together.

This module holds the typer app and what the command groups share (opening a
store, progress bars, printing JSON, reading the policy and the day). Each
group is a module with ``register(app)`` that adds its commands; the groups
are listed in :data:`COMMAND_GROUPS`, so a new one (``cli/forms.py``) is one
more name there. Heavy imports stay inside the commands, so ``graphsvc token``
does not load the analyses.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from graphsvc.rows import ProgressCallback
from graphsvc.settings import get_settings
from graphsvc.stores import GraphStore, StoreError, open_store

if TYPE_CHECKING:
    from queries.reports.document import Report
    from queries.selection.policy import SelectionPolicy

__all__ = [
    "COMMAND_GROUPS",
    "PROGRESS_THRESHOLD",
    "AsOfOption",
    "JsonOption",
    "OutOption",
    "PolicyOption",
    "StoreOption",
    "app",
    "as_of_day",
    "err",
    "fail",
    "main",
    "open_graph",
    "out",
    "print_json",
    "progress",
    "read_policy",
    "store_url",
    "write_report_file",
]

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
PolicyOption = Annotated[
    Path | None,
    typer.Option("--policy", help="Selection policy file (TOML) merged over the defaults."),
]
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="Day of the decision, YYYY-MM-DD (default today).")
]
OutOption = Annotated[
    Path | None, typer.Option("--out", help="Also write a report (.xlsx, .html or .pdf).")
]

# Below this many rows a bar would only flicker.
PROGRESS_THRESHOLD = 20_000

EMPTY_STORE = "图数据库为空：请先用 graphsvc load 导入数据"


def fail(message: str, code: int = 1) -> NoReturn:
    """Print ``错误：message`` on stderr and exit with ``code``."""
    err.print(f"[red]错误：[/]{message}")
    raise typer.Exit(code)


def store_url(url: str | None) -> str:
    """The store to use: ``--store``, else ``GRAPHSVC_STORE``, else ``./graphsvc.db``."""
    return url or get_settings().store


def open_graph(url: str | None, *, need_data: bool = False) -> GraphStore:
    """Open the store, or exit 2 with the reason; with ``need_data``, exit 1 when it is empty."""
    try:
        graph = open_store(store_url(url))
    except StoreError as error:
        fail(str(error), 2)
    if need_data:
        try:
            empty = not graph.counts().nodes
        except StoreError as error:
            graph.close()
            fail(str(error), 2)
        if empty:
            # An analysis of nothing would print zeros that look like findings.
            graph.close()
            fail(f"{EMPTY_STORE}（{graph.url}）", 1)
    return graph


@contextmanager
def progress(enabled: bool = True) -> Iterator[ProgressCallback]:
    """A rich progress bar on stderr, fed by ``(what, done, total)`` callbacks."""
    with Progress(
        TextColumn("{task.description:>10}"),
        BarColumn(),
        TextColumn("{task.completed:,}/{task.total:,}"),
        TimeElapsedColumn(),
        console=err,
        transient=False,
        disable=not enabled,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def update(what: str, done: int, total: int) -> None:
            if total < PROGRESS_THRESHOLD:
                return
            if what not in tasks:
                tasks[what] = bar.add_task(what, total=total)
            bar.update(tasks[what], completed=done, total=total)

        yield update


def print_json(data: Any) -> None:
    """Write ``data`` as indented JSON (Chinese kept as is) on standard output."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def read_policy(path: Path | None) -> SelectionPolicy:
    """The selection policy (``--policy`` over the defaults), or exit 2 with the problem."""
    from queries.selection.policy import PolicyError, load_policy

    try:
        return load_policy(path or get_settings().policy)
    except PolicyError as error:
        fail(str(error), 2)


def as_of_day(text: str | None) -> date:
    """The ``--as-of`` day (default today), or exit 2 when it is not a date."""
    try:
        return date.fromisoformat(text) if text else date.today()
    except ValueError:
        fail(f"--as-of 的值“{text}”不是日期：应写作 YYYY-MM-DD，如 2026-11-01", 2)


def write_report_file(report: Report, path: Path) -> None:
    """Write a report (.xlsx, .html or .pdf), or exit 2 when the file kind is wrong (1 when
    no Chromium can print the PDF)."""
    from queries.forms.pdf import PdfUnavailable
    from queries.reports.document import write_report

    try:
        write_report(report, path)
    except ValueError as error:
        fail(str(error), 2)
    except PdfUnavailable as error:
        fail(f"{path}：无法生成PDF（{error}）", 1)
    err.print(f"已写入 {path}")


# The command groups, in the order help lists them: cli/<name>.py, each with
# ``register(app: typer.Typer) -> None``. A new group is one more name here.
COMMAND_GROUPS = ("data", "selection", "development", "access", "forms", "users")

for _group in COMMAND_GROUPS:
    importlib.import_module(f"{__name__}.{_group}").register(app)


def main() -> None:
    """Run the command line (the ``graphsvc`` script and ``python -m cli``)."""
    app(prog_name="graphsvc")
