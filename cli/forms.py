"""The form commands: ``graphsvc import-forms`` and ``graphsvc form``.

``register(app)`` adds them to the ``graphsvc`` Typer app; this module is an entry
point, so it may wire loaders and queries together.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from graphsvc.settings import get_settings
from graphsvc.stores import GraphStore, StoreError, open_store

__all__ = ["register"]

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


def _open(url: str | None) -> GraphStore:
    try:
        return open_store(url or get_settings().store)
    except StoreError as error:
        err.print(f"[red]error:[/] {error}")
        raise typer.Exit(2) from None


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def _as_of(text: str | None) -> date:
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        err.print(f"[red]error:[/] --as-of must be YYYY-MM-DD, not {text!r}")
        raise typer.Exit(2) from None


def import_forms_command(
    paths: Annotated[
        list[Path],
        typer.Argument(help=".lrmx / .lrm forms, roster .xlsx workbooks, or folders of them."),
    ],
    store: StoreOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check and report everything; write nothing.")
    ] = False,
    review: Annotated[
        Path | None,
        typer.Option("--review", help="Also write the review report (.xlsx or .json)."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Import appointment forms (.lrmx/.lrm) and rosters (.xlsx), all or nothing."""
    from loaders.forms.importer import import_forms
    from loaders.forms.review import write_review_xlsx

    with _open(store) as graph:
        report = import_forms(store=graph, paths=paths, dry_run=dry_run)
    if review is not None:
        if review.suffix.lower() == ".json":
            review.write_text(
                json.dumps(report.as_dict(), ensure_ascii=False, indent=2, default=str),
                encoding="utf-8",
            )
        else:
            write_review_xlsx(report, review)
        err.print(f"wrote {review}")
    if as_json:
        _print_json(report.as_dict())
    else:
        out.print(report.sentence())
        for item in report.ambiguous:
            out.print(f"[yellow]存疑[/] {item['file']}: {item['text']} → {item['candidates']}")
        for item in report.warnings:
            out.print(f"[yellow]提示[/] {item['file']} {item['field'] or ''}: {item['reason']}")
        for item in report.problems:
            shown = f"（{item['value']}）" if item["value"] else ""
            err.print(f"[red]问题[/] {item['file']} {item['field'] or ''}{shown}: {item['reason']}")
    if report.problems:
        err.print(f"[red]{len(report.problems)} 个问题，未写入任何数据[/]")
        raise typer.Exit(1)
    if dry_run:
        err.print("试运行：未写入任何数据")


def form_command(
    out_path: Annotated[
        Path, typer.Option("--out", help="FILE.lrmx|.lrm|.html|.pdf, or a folder with --round.")
    ],
    cadre: Annotated[str | None, typer.Option("--cadre", help="干部编号")] = None,
    post: Annotated[
        str | None, typer.Option("--post", help="岗位编号 proposed: fills 拟任职务 and 拟免职务.")
    ] = None,
    round_plan: Annotated[
        Path | None,
        typer.Option("--round", help="A round's plan (match --all --json): one form each."),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", help="With --round: lrmx, lrm, html or pdf.")
    ] = "lrmx",
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="计算年龄时间 (YYYY-MM-DD); default today.")
    ] = None,
    reason: Annotated[str, typer.Option("--reason", help="任免理由")] = "",
    reporting_unit: Annotated[str, typer.Option("--reporting-unit", help="呈报单位")] = "",
    store: StoreOption = None,
) -> None:
    """Write a cadre's 干部任免审批表 (or one per appointment of a round)."""
    from queries.forms.document import FormNotFound
    from queries.forms.export import FORM_FORMATS, write_form, write_round_forms
    from queries.forms.pdf import PdfUnavailable

    day = _as_of(as_of)
    if (cadre is None) == (round_plan is None):
        err.print("[red]error:[/] give either --cadre ID or --round PLAN.json")
        raise typer.Exit(2)
    try:
        with _open(store) as graph:
            if round_plan is not None:
                if fmt not in FORM_FORMATS:
                    err.print(f"[red]error:[/] --format must be one of {', '.join(FORM_FORMATS)}")
                    raise typer.Exit(2)
                try:
                    plan = json.loads(round_plan.read_text(encoding="utf-8"))
                except (OSError, json.JSONDecodeError) as error:
                    err.print(f"[red]error:[/] {round_plan}: not a round plan ({error})")
                    raise typer.Exit(2) from None
                written = write_round_forms(
                    store=graph,
                    plan=plan,
                    out_dir=out_path,
                    as_of=day,
                    fmt=fmt,
                    reporting_unit=reporting_unit,
                )
                out.print(f"wrote {len(written)} form(s) into {out_path}")
                return
            assert cadre is not None
            write_form(
                store=graph,
                cadre_id=cadre,
                post_id=post,
                out=out_path,
                as_of=day,
                reason=reason,
                reporting_unit=reporting_unit,
            )
    except FormNotFound as error:
        err.print(f"[red]error:[/] {error}")
        raise typer.Exit(1) from None
    except (ValueError, PdfUnavailable) as error:
        err.print(f"[red]error:[/] {error}")
        raise typer.Exit(2) from None
    out.print(f"wrote {out_path}")


def register(app: typer.Typer) -> None:
    """Add ``import-forms`` and ``form`` to the ``graphsvc`` command."""
    app.command(name="import-forms")(import_forms_command)
    app.command(name="form")(form_command)
