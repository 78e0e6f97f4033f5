"""Access and serving: ``token`` (create, revoke, list), ``audit``, ``serve``, ``demo``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from cli import (
    JsonOption,
    StoreOption,
    err,
    fail,
    open_graph,
    out,
    print_json,
    progress,
    store_url,
)
from graphsvc.settings import get_settings

if TYPE_CHECKING:
    from graphsvc.access import AccessStore

AccessOption = Annotated[
    Path | None,
    typer.Option(
        "--access-db",
        help="Tokens and audit file (default ./graphsvc-access.db, or GRAPHSVC_ACCESS_DB).",
        show_default=False,
    ),
]


def register(app: typer.Typer) -> None:
    """Add ``token``, ``audit``, ``serve`` and ``demo`` to ``app``."""
    tokens = typer.Typer(help="Bearer tokens for the HTTP service (stored hashed).")
    tokens.command("create")(token_create)
    tokens.command("revoke")(token_revoke)
    tokens.command("list")(token_list)
    app.add_typer(tokens, name="token")
    for command in (audit, serve, demo):
        app.command()(command)


def open_access(path: Path | None) -> AccessStore:
    """The tokens and audit file (``--access-db``, else the setting)."""
    from graphsvc.access import AccessStore

    settings = get_settings()
    return AccessStore(path or settings.access_db, audit_key=settings.audit_key)


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
    import sys
    from datetime import UTC, datetime, timedelta

    from graphsvc.access import AccessError

    expires = datetime.now(UTC) + timedelta(days=expires_days) if expires_days is not None else None
    with open_access(access_db) as access:
        try:
            token = access.create_token(name=name, role=role, replace=replace, expires_at=expires)
        except AccessError as error:
            fail(str(error), 2)
    until = f"，有效期至 {expires:%Y-%m-%d %H:%M}（UTC）" if expires else ""
    err.print(f"已为“{name}”创建令牌（角色 {role}{until}）；令牌只显示这一次，请妥善保管：")
    sys.stdout.write(token + "\n")


def token_revoke(
    name: Annotated[str, typer.Argument(help="The token's name.")],
    access_db: AccessOption = None,
) -> None:
    """Revoke a token: it stops working at once."""
    with open_access(access_db) as access:
        if not access.revoke_token(name):
            fail(f"没有名为“{name}”的有效令牌", 1)
    err.print(f"已吊销令牌“{name}”，即刻失效")


def token_list(access_db: AccessOption = None, as_json: JsonOption = False) -> None:
    """Token names, roles and dates (the tokens themselves are not kept)."""
    with open_access(access_db) as access:
        tokens = access.list_tokens()
    if as_json:
        print_json(tokens)
        return
    table = Table(title="令牌")
    for column in ("名称", "角色", "创建时间", "到期时间", "吊销时间"):
        table.add_column(column)
    for t in tokens:
        table.add_row(
            t["name"], t["role"], t["created_at"], t["expires_at"] or "", t["revoked_at"] or ""
        )
    out.print(table)


def audit(
    subject: Annotated[
        str | None, typer.Option("--subject", help="Entries about this person (cadre id).")
    ] = None,
    who: Annotated[str | None, typer.Option("--who", help="Entries by this token name.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="ISO time, inclusive.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1)] = 50,
    verify: Annotated[
        bool,
        typer.Option(
            "--verify",
            help="Check the whole log for tampering (keyed hashes, links, numbers, the subject "
            "index); exit 1 when anything is found.",
        ),
    ] = False,
    against: Annotated[
        Path | None,
        typer.Option(
            "--against",
            help="With --verify: also check the log against a checkpoint written earlier "
            "(finds entries cut off the end, and any rewrite up to it).",
        ),
    ] = None,
    checkpoint: Annotated[
        Path | None,
        typer.Option(
            "--checkpoint",
            help="Write a checkpoint (the latest entry's number and keyed hash) to FILE, for an "
            "administrator to keep away from the server.",
        ),
    ] = None,
    access_db: AccessOption = None,
    as_json: JsonOption = False,
) -> None:
    """Who read or changed which person's record, when and from where (newest first)."""
    if against is not None and not verify:
        fail("--against 只与 --verify 一起使用：graphsvc audit --verify --against 检查点文件", 2)
    if checkpoint is not None and verify:
        fail("--checkpoint 与 --verify 请分开运行", 2)
    with open_access(access_db) as access:
        if verify:
            _verify(access, against, as_json)
            return
        if checkpoint is not None:
            _checkpoint(access, checkpoint, as_json)
            return
        entries, total = access.query_audit(subject=subject, who=who, since=since, limit=limit)
    if as_json:
        print_json({"total": total, "entries": entries})
        return
    for e in entries:
        people = f" [{', '.join(e['subjects'][:5])}{' ...' if len(e['subjects']) > 5 else ''}]"
        out.print(
            f"{e['at']} {e['who'] or '-'}（{e['role'] or '-'}）来自 {e['client']}："
            f"{e['method']} {e['path']}{'?' + e['query'] if e['query'] else ''} → {e['status']}"
            f"{people if e['subjects'] else ''}",
            highlight=False,
        )
    out.print(f"显示 {len(entries)} 条，共 {total} 条")


def _verify(access: AccessStore, against: Path | None, as_json: bool) -> None:
    """``audit --verify [--against FILE]``: exit 0 only when nothing was found."""
    from graphsvc.audit_check import Checkpoint, CheckpointError

    try:
        point = Checkpoint.read(against) if against is not None else None
    except CheckpointError as error:
        fail(str(error), 2)
    check = access.check_audit(against=point)
    if as_json:
        print_json(
            {**check.as_dict(), "checkpoint": point.as_dict() if point is not None else None}
        )
    else:
        for finding in check.findings:
            out.print(f"[red]发现：[/]{finding}", highlight=False)
        for note in check.notes:
            out.print(f"[yellow]说明：[/]{note}", highlight=False)
        scope = f"，并与检查点（第 {point.seq} 条）相符" if point is not None and point.seq else ""
        out.print(
            f"共 {check.entries} 条记录；未发现篡改{scope}"
            if check.intact
            else f"[red]共 {check.entries} 条记录；发现 {len(check.findings)} 处问题："
            "审计日志可能被篡改[/]",
            highlight=False,
        )
    if not check.intact:
        raise typer.Exit(1)


def _checkpoint(access: AccessStore, path: Path, as_json: bool) -> None:
    """``audit --checkpoint FILE``: only over a log in which nothing was found."""
    from graphsvc.access import AccessError

    try:
        point, check = access.checkpoint()
    except AccessError as error:
        fail(str(error), 1)
    if not check.intact:
        for finding in check.findings:
            err.print(f"[red]发现：[/]{finding}", highlight=False)
        fail("审计日志未通过核验，不写检查点（先查明上述问题）", 1)
    point.write(path)
    if as_json:
        print_json(point.as_dict())
        return
    out.print(
        f"已将检查点写入 {path}：第 {point.seq} 条记录（{point.entry_at or '日志为空'}）。"
        "请把它保存在服务器以外的地方；以后用 graphsvc audit --verify --against "
        f"{path.name} 核验，可发现末尾被删的记录和此前的任何改写。",
        highlight=False,
    )


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
            "store": store_url(store),
            **({"host": host} if host else {}),
            **({"port": port} if port else {}),
        }
    )
    err.print(
        f"正在提供 {settings.store} 的服务：http://{settings.host}:{settings.port}/api/v1"
        "（接口文档见 /docs）" + (f"，{workers} 个进程" if workers > 1 else "")
    )
    options: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "log_level": "info",
        "access_log": access_log,
        # X-Forwarded-For is believed only from GRAPHSVC_TRUSTED_PROXIES, inside the app.
        "proxy_headers": False,
    }
    if workers == 1:
        uvicorn.run(create_app(settings), **options)
        return
    # Worker processes build the app themselves from the environment.
    os.environ["GRAPHSVC_STORE"] = settings.store
    os.environ["GRAPHSVC_ACCESS_DB"] = str(settings.access_db)
    uvicorn.run("api.app:create_app", factory=True, workers=workers, **options)


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
    from loaders.sample.forms import write_forms
    from queries.stats import graph_stats

    folder = data or get_settings().sample_dir
    if not (folder / "cadres.csv").exists():
        err.print(f"正在 {folder} 生成示例区县数据（种子 {seed}）……")
        generated = generate_sample(seed=seed)
        write_sample(generated, folder)
        # What a department keeps: one appointment form per cadre, and a roster workbook.
        write_forms(generated, folder)
    with open_graph(store) as graph:
        with progress() as update:
            outcome = load_paths(graph, [folder], on_progress=update)
            from graphsvc.snapshot import build_snapshot

            build_snapshot(graph)  # what the analyses read, ready before the first page
        created = sum(outcome.summary.created.values())
        err.print(f"已将 {folder} 导入 {graph.url}（新增 {created:,} 条记录）")
        result = graph_stats(store=graph)
    table = Table(title="图中现有数据")
    table.add_column("节点")
    table.add_column("", justify="right")
    table.add_column("关系")
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
        out.print(f"[yellow]发现：[/]{warning.message}：{warning.count} 处")
    from cli.users import demo_user

    with open_access(None) as access:
        user, password = demo_user(access)
        token = access.create_token(name="demo-admin", role="admin", replace=True)
    settings = get_settings()
    address = f"http://{host or settings.host}:{port or settings.port}"
    if (folder / "forms").is_dir():
        out.print(
            f"每名干部的任免审批表：{folder / 'forms'}（可试：graphsvc import-forms "
            f"{folder / 'forms'} --dry-run；graphsvc form --cadre C000001 --out form.pdf）"
        )
    out.print(f"工作台 (workbench): {address}/  登录：{user} / {password}", highlight=False)
    out.print(f"Neo4j Browser 指南：:play {address}/browser-guide", highlight=False)
    out.print("本次演示的管理员令牌（名为 demo-admin；其他令牌请用 graphsvc token create 创建）：")
    out.print(token, highlight=False)
    if not no_serve:
        serve(store=store_url(store), host=host, port=port)
