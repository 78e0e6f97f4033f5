"""`graphsvc user ...`: accounts for people who sign in to the workbench (web pages).

Passwords are shown once and kept only as Argon2 hashes (see ``graphsvc.access``);
programs keep using bearer tokens (`graphsvc token`).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from graphsvc.access import ROLES, AccessError, AccessStore
from graphsvc.settings import get_settings

__all__ = ["DEMO_USER", "demo_user", "register"]

DEMO_USER = "demo"  # the workbench account `graphsvc demo` prints

AccessOption = Annotated[
    Path | None,
    typer.Option(
        "--access-db",
        help="Users, tokens and audit file (default ./graphsvc-access.db, or GRAPHSVC_ACCESS_DB).",
        show_default=False,
    ),
]


def _access(path: Path | None) -> AccessStore:
    return AccessStore(path or get_settings().access_db)


def _fail(error: AccessError) -> typer.Exit:
    sys.stderr.write(f"错误：{error}\n")
    return typer.Exit(2)


def demo_user(access: AccessStore, *, role: str = "admin") -> tuple[str, str]:
    """A working workbench sign-in for the demo: ``(name, password)``, a fresh password each
    time (the account is created the first time). Unlike the passwords `user create` hands
    out, it need not be changed at the first sign-in: the demo is for trying things."""
    if any(user["name"] == DEMO_USER for user in access.list_users()):
        return DEMO_USER, access.set_password(name=DEMO_USER, one_time=False)
    return DEMO_USER, access.create_user(name=DEMO_USER, role=role, one_time=False)


def register(app: typer.Typer) -> None:
    """Add the `user` command group (create, passwd, disable, list) to ``app``."""
    users = typer.Typer(help="Workbench user accounts (passwords stored as Argon2 hashes).")
    app.add_typer(users, name="user")

    @users.command("create")
    def create(
        name: Annotated[str, typer.Option("--name", help="The user's sign-in name.")],
        role: Annotated[str, typer.Option("--role", help=", ".join(ROLES) + ".")],
        access_db: AccessOption = None,
    ) -> None:
        """Create a user; prints a one-time password alone on the last line (the user
        chooses their own at the first sign-in)."""
        with _access(access_db) as access:
            try:
                password = access.create_user(name=name, role=role)
            except AccessError as error:
                raise _fail(error) from None
        sys.stderr.write(
            f"已创建用户 {name}（{role}）；一次性密码只显示这一次，首次登录后须修改：\n"
        )
        sys.stdout.write(password + "\n")

    @users.command("passwd")
    def passwd(
        name: Annotated[str, typer.Option("--name", help="The user's sign-in name.")],
        access_db: AccessOption = None,
    ) -> None:
        """Give a user a new one-time password (ends their sessions); prints it on the last line."""
        with _access(access_db) as access:
            try:
                password = access.set_password(name=name)
            except AccessError as error:
                raise _fail(error) from None
        sys.stderr.write(f"用户 {name} 的一次性新密码只显示这一次，登录后须修改：\n")
        sys.stdout.write(password + "\n")

    @users.command("disable")
    def disable(
        name: Annotated[str, typer.Option("--name", help="The user's sign-in name.")],
        access_db: AccessOption = None,
    ) -> None:
        """Disable a user at once (their sessions end)."""
        with _access(access_db) as access:
            if not access.disable_user(name):
                sys.stderr.write(f"错误：没有名为 {name} 的启用中用户\n")
                raise typer.Exit(2)
        sys.stdout.write(f"已停用用户 {name}\n")

    @users.command("list")
    def list_(access_db: AccessOption = None) -> None:
        """Users with role and dates (never passwords)."""
        with _access(access_db) as access:
            for user in access.list_users():
                state = f"停用于 {user['disabled_at'][:16]}" if user["disabled_at"] else "启用"
                sys.stdout.write(f"{user['name']}\t{user['role']}\t{state}\n")
