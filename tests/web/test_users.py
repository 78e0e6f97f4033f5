"""User accounts and sessions in the access file, and the `graphsvc user` commands."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
import typer
from click.testing import Result
from typer.testing import CliRunner

from cli.users import DEMO_USER, demo_user, register
from graphsvc.access import AccessError, AccessStore, Principal, SignInThrottle


def run(*args: str, access_db: Path) -> Result:
    return CliRunner().invoke(app(), ["user", *args, "--access-db", str(access_db)])


def app() -> typer.Typer:
    built = typer.Typer()
    built.command("noop")(lambda: None)  # a group needs a second command to keep its name
    register(built)
    return built


def test_user_create_prints_a_one_time_password_that_signs_in(tmp_path: Path) -> None:
    access_db = tmp_path / "access.db"
    result = run("create", "--name", "李明", "--role", "viewer", access_db=access_db)
    assert result.exit_code == 0, result.output
    password = result.stdout.strip().splitlines()[-1]
    assert len(password) == 16
    with AccessStore(access_db) as access:
        assert access.check_password("李明", password) == Principal("李明", "viewer")
        assert access.check_password("李明", password + "x") is None
        stored = sqlite3.connect(access_db).execute("SELECT password_hash FROM users").fetchone()
        assert password not in stored[0] and stored[0].startswith("$argon2id$")

    again = run("create", "--name", "李明", "--role", "viewer", access_db=access_db)
    assert again.exit_code == 2 and "已存在" in again.output
    bad_role = run("create", "--name", "王", "--role", "boss", access_db=access_db)
    assert bad_role.exit_code == 2 and "未知角色" in bad_role.output


def test_passwd_and_disable_end_sessions(tmp_path: Path) -> None:
    access_db = tmp_path / "access.db"
    with AccessStore(access_db) as access:
        first = access.create_user(name="amy", role="editor")
        session_id, _ = access.open_session(Principal("amy", "editor"))
        assert access.session(session_id, idle=timedelta(minutes=5)) is not None

    result = run("passwd", "--name", "amy", access_db=access_db)
    assert result.exit_code == 0, result.output
    second = result.stdout.strip().splitlines()[-1]
    with AccessStore(access_db) as access:
        assert access.check_password("amy", first) is None
        assert access.check_password("amy", second) is not None
        assert access.session(session_id, idle=timedelta(minutes=5)) is None  # ended
        session_id, _ = access.open_session(Principal("amy", "editor"))

    result = run("disable", "--name", "amy", access_db=access_db)
    assert result.exit_code == 0 and "已停用" in result.stdout
    with AccessStore(access_db) as access:
        assert access.check_password("amy", second) is None
        assert access.session(session_id, idle=timedelta(minutes=5)) is None
    listed = run("list", access_db=access_db)
    assert "amy\teditor\t停用于" in listed.stdout
    missing = run("disable", "--name", "amy", access_db=access_db)
    assert missing.exit_code == 2


def test_a_one_time_password_must_be_changed(tmp_path: Path) -> None:
    with AccessStore(tmp_path / "access.db") as access:
        first = access.create_user(name="dan", role="viewer")
        session_id, session = access.open_session(Principal("dan", "viewer"))
        assert session.must_change
        assert access.session(session_id, idle=timedelta(hours=1)).must_change  # type: ignore[union-attr]
        access.set_password(name="dan", password="my-own-password", one_time=False)
        assert access.check_password("dan", first) is None
        session_id, session = access.open_session(Principal("dan", "viewer"))
        assert not session.must_change
        access.set_password(name="dan")  # an administrator's reset is one-time again
        _, session = access.open_session(Principal("dan", "viewer"))
        assert session.must_change


def test_an_idle_session_expires(tmp_path: Path) -> None:
    with AccessStore(tmp_path / "access.db") as access:
        access.create_user(name="bo", role="viewer")
        session_id, session = access.open_session(Principal("bo", "viewer"))
        assert access.session(session_id, idle=timedelta(hours=1)) == session
        assert access.session(session_id, idle=timedelta(0)) is None
        assert access.session(session_id, idle=timedelta(hours=1)) is None  # gone for good
        assert access.session("made-up", idle=timedelta(hours=1)) is None


def test_passwords_are_checked_and_failures_counted(tmp_path: Path) -> None:
    with AccessStore(tmp_path / "access.db") as access:
        with pytest.raises(AccessError, match="至少10个字符"):
            access.create_user(name="c", role="viewer", password="short")
        assert access.check_password("nobody", "whatever-password") is None
        rule = SignInThrottle(max_wait=300, address_allowance=2)
        assert access.begin_sign_in("c", "10.0.0.1", throttle=rule) == 0  # counted
        assert access.end_sign_in("c", "10.0.0.1", succeeded=False) == 1
        assert 0 < access.begin_sign_in("c", "10.0.0.1", throttle=rule) <= 1  # c waits
        # Another account from the same address goes on, until the address's allowance.
        assert access.begin_sign_in("d", "10.0.0.1", throttle=rule) == 0
        assert access.end_sign_in("d", "10.0.0.1", succeeded=False) == 1
        assert access.begin_sign_in("e", "10.0.0.1", throttle=rule) == 0
        assert access.end_sign_in("e", "10.0.0.1", succeeded=False) == 1
        assert access.begin_sign_in("f", "10.0.0.1", throttle=rule) > 0  # past the allowance
        assert access.begin_sign_in("f", "10.0.0.2", throttle=rule) == 0  # not from elsewhere
        assert access.end_sign_in("f", "10.0.0.2", succeeded=True) == 0
    assert [rule.wait_after(n) for n in range(5)] == [0, 1, 2, 4, 8]
    assert rule.wait_after(100) == 300


def test_demo_user_gives_a_working_sign_in_each_time(tmp_path: Path) -> None:
    with AccessStore(tmp_path / "access.db") as access:
        name, first = demo_user(access)
        assert name == DEMO_USER and access.check_password(name, first) is not None
        _, second = demo_user(access)
        assert second != first
        assert access.check_password(name, second) == Principal(DEMO_USER, "admin")
        assert access.check_password(name, first) is None
