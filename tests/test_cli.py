"""The ``graphsvc`` command as a user runs it: a real process, real files."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.service import GRAPHSVC


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*GRAPHSVC, *args], capture_output=True, text=True, check=False, timeout=300, env=env
    )


def stats_json(store: str) -> dict[str, Any]:
    result = run("stats", "--store", store, "--json")
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_sample_load_stats(tmp_path: Path) -> None:
    data, store = tmp_path / "d", str(tmp_path / "g.db")
    result = run("sample", "--out", str(data), "--seed", "7", "--cadres", "500")
    assert result.returncode == 0, result.stderr
    assert (data / "cadres.csv").exists() and (data / "manifest.json").exists()
    result = run("load", str(data), "--store", store)
    assert result.returncode == 0, result.stderr
    assert (
        "张表读入" in result.stderr and "：新增 " in result.stderr and "未变 0 条" in result.stderr
    )
    first = stats_json(store)
    assert first["nodes"]["Cadre"] == 500
    assert {"Cadre", "Post", "Unit", "Mentor", "Project", "Training"} <= first["nodes"].keys()
    assert first["edges"]["HOLDS"] > 500
    # A second load changes no count and no version.
    again = run("load", str(data), "--store", store, "--json")
    assert again.returncode == 0, again.stderr
    report = json.loads(again.stdout)
    assert report["ok"] is True and report["created"] == {} and report["updated"] == {}
    second = stats_json(store)
    assert (second["nodes"], second["edges"], second["version"]) == (
        first["nodes"],
        first["edges"],
        first["version"],
    )


def test_a_bad_load_exits_non_zero_and_writes_nothing(
    tmp_path: Path, small_sample_dir: Path
) -> None:
    data, store = tmp_path / "bad", str(tmp_path / "g.db")
    shutil.copytree(small_sample_dir, data)
    path = data / "cadres.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    birth = rows[0].index("出生年月")
    rows[3][birth] = "1990.13"
    rows.append(rows[5])  # a duplicate id
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    result = run("load", str(data), "--store", store, "--json")
    assert result.returncode == 1
    errors = json.loads(result.stdout)["errors"]
    assert {(e["source"], e["row"], e["column"]) for e in errors} == {
        ("cadres.csv", 4, "出生年月"),
        ("cadres.csv", len(rows), "干部编号"),
    }
    assert (
        "错误：cadres.csv 第4行 「出生年月」列：不是有效日期：月份13不在1–12之间；"
        "应写作1990.05、1990.05.12或1990-05-12（值：1990.13）"
    ) in result.stderr
    assert "未写入任何数据" in result.stderr
    assert not Path(store).exists()  # a failed first load leaves no store file
    assert stats_json(store)["nodes"] == {}


def test_the_store_comes_from_the_environment(tmp_path: Path, small_sample_dir: Path) -> None:
    import os

    env = {**os.environ, "GRAPHSVC_STORE": str(tmp_path / "env.db")}
    assert run("load", str(small_sample_dir), env=env).returncode == 0
    assert (tmp_path / "env.db").exists()
    result = run("stats", "--json", env=env)
    assert json.loads(result.stdout)["nodes"]["Cadre"] == 400


def test_unknown_store_url_is_a_clear_error(tmp_path: Path) -> None:
    result = run("stats", "--store", "redis://localhost", "--json")
    assert result.returncode == 2
    assert "错误：无法识别存储地址 redis://localhost 中的协议 'redis'" in result.stderr


def test_demo_without_serving(tmp_path: Path) -> None:
    data, store = tmp_path / "demo-data", str(tmp_path / "demo.db")
    env = {**os.environ, "GRAPHSVC_ACCESS_DB": str(tmp_path / "access.db")}
    result = run("demo", "--store", store, "--data", str(data), "--no-serve", env=env)
    assert result.returncode == 0, result.stderr
    assert f"正在 {data} 生成示例区县数据（种子 7）" in result.stderr
    assert "导师帮带人数超过上限" in result.stdout  # it reports what it found
    assert stats_json(store)["nodes"]["Cadre"] == 3000
    # A second demo reuses the data and loads nothing new.
    again = run("demo", "--store", store, "--data", str(data), "--no-serve", env=env)
    assert again.returncode == 0 and "生成示例区县数据" not in again.stderr
    assert "（新增 0 条记录）" in again.stderr
    # Each demo prints a fresh admin token (the last one replaces the one before).
    tokens = [r.stdout.strip().splitlines()[-1] for r in (result, again)]
    assert all(t.startswith("gs_") for t in tokens) and tokens[0] != tokens[1]


@pytest.mark.neo4j
def test_load_and_stats_on_neo4j_match_the_embedded_store(
    tmp_path: Path, small_sample_dir: Path, neo4j_url: str
) -> None:
    embedded = str(tmp_path / "e.db")
    assert run("load", str(small_sample_dir), "--store", embedded).returncode == 0
    result = run("load", str(small_sample_dir), "--store", neo4j_url)
    assert result.returncode == 0, result.stderr
    on_neo4j, on_file = stats_json(neo4j_url), stats_json(embedded)
    assert (on_neo4j["nodes"], on_neo4j["edges"]) == (on_file["nodes"], on_file["edges"])
    assert [w["code"] for w in on_neo4j["warnings"]] == [w["code"] for w in on_file["warnings"]]
    # sync back into a fresh file gives the same counts again
    copy = str(tmp_path / "copy.db")
    synced = run("sync", "--from", neo4j_url, "--to", copy, "--json")
    assert synced.returncode == 0, synced.stderr
    assert json.loads(synced.stdout)["nodes"] == on_file["nodes"]


def test_check_prints_the_verdict_rule_by_rule(tmp_path: Path, small_sample_dir: Path) -> None:
    store = str(tmp_path / "g.db")
    assert run("load", str(small_sample_dir), "--store", store).returncode == 0
    manifest = json.loads((small_sample_dir / "manifest.json").read_text("utf-8"))
    # A planted pair: a town head and a relative who serves in a village under that town.
    planted = next(
        c for c in manifest["planted"]["kinship_conflicts"] if c["rule"] == "superior_subordinate"
    )
    found = run("conflicts", "--store", store, "--as-of", "2026-11-01", "--json")
    assert found.returncode == 0, found.stderr
    conflict = next(
        c
        for c in json.loads(found.stdout)["conflicts"]
        if c["rule"] == "superior_subordinate"
        and {c["cadre_id"], c["relative_id"]} == set(planted["cadres"])
    )
    # Propose the relative under the head for the post he holds: the avoidance rule bars it.
    cadre_id, relative_id, post_id = (
        conflict["cadre_id"],
        conflict["relative_id"],
        conflict["post_id"],
    )
    result = run(
        "check",
        "--cadre",
        cadre_id,
        "--post",
        post_id,
        "--store",
        store,
        "--as-of",
        "2026-11-01",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    verdict = json.loads(result.stdout)
    assert verdict["cadre_id"] == cadre_id and verdict["post_id"] == post_id
    assert verdict["verdict"] == "not_eligible"
    assert all({"rule", "status", "message", "facts"} <= r.keys() for r in verdict["rules"])
    # The contract's lines: retirement and scope, pass / warn / fail as the others.
    named = {r["rule"]: r["status"] for r in verdict["rules"]}
    assert {"retirement", "scope"} <= named.keys()
    assert {named["retirement"], named["scope"]} <= {"pass", "warn", "fail"}
    avoidance = next(r for r in verdict["rules"] if r["rule"] == "avoidance")
    assert avoidance["status"] == "fail" and "直接上下级" in avoidance["message"]
    [kin] = [c for c in verdict["conflicts"] if c["relative_id"] == relative_id]
    assert kin["rule"] == "superior_subordinate" and "拟任" in kin["chain"][2]
    shown = run(
        "check", "--cadre", cadre_id, "--post", post_id, "--store", store, "--as-of", "2026-11-01"
    )
    assert shown.returncode == 0, shown.stderr
    assert f"（{cadre_id}）→ " in shown.stdout and "：不符合任职条件" in shown.stdout
    assert "✗ 任职回避（avoidance）：" in shown.stdout
    assert "✗ 上下级回避（superior_subordinate）：" in shown.stdout
    missing = run("check", "--cadre", "NOPE", "--post", post_id, "--store", store, "--json")
    assert missing.returncode == 1 and "错误：未找到编号为 'NOPE' 的干部" in missing.stderr


def test_match_ranks_candidates_for_a_post(tmp_path: Path, small_sample_dir: Path) -> None:
    store = str(tmp_path / "g.db")
    assert run("load", str(small_sample_dir), "--store", store).returncode == 0
    vacancy = json.loads((small_sample_dir / "manifest.json").read_text("utf-8"))["planted"][
        "vacancies"
    ][0]
    result = run(
        "match",
        "--post",
        vacancy,
        "--limit",
        "5",
        "--store",
        store,
        "--as-of",
        "2026-11-01",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    ranked = json.loads(result.stdout)["candidates"]
    assert 0 < len(ranked) <= 5
    assert all({"cadre_id", "score", "parts", "reasons"} <= c.keys() for c in ranked)
    # Who each candidate is: current post, leadership post or not, 职级, age (周岁).
    for c in ranked:
        assert {"current_post", "leader", "rank", "age"} <= c.keys()
        assert isinstance(c["leader"], bool) and isinstance(c["age"], int) and c["age"] > 18
        assert c["rank"] is None or isinstance(c["rank"], str)


def test_match_all_fills_a_round(tmp_path: Path, small_sample_dir: Path) -> None:
    store = str(tmp_path / "g.db")
    assert run("load", str(small_sample_dir), "--store", store).returncode == 0
    out = tmp_path / "round.xlsx"
    result = run(
        "match", "--all", "--store", store, "--as-of", "2026-11-01", "--json", "--out", str(out)
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["assignments"] and {"post_id", "cadre_id", "score"} <= data["assignments"][0].keys()
    for a in data["assignments"]:
        assert {"current_post", "leader", "rank", "age"} <= a.keys()
        assert isinstance(a["leader"], bool) and isinstance(a["age"], int)
    assert data["total"] == pytest.approx(sum(a["score"] for a in data["assignments"]), abs=1e-3)
    assert out.exists()
    both = run("match", "--all", "--post", "P1", "--store", store)
    assert (
        both.returncode == 2 and "错误：请给出 --post 岗位编号 或 --all，二者选其一" in both.stderr
    )


def test_bench_and_conflicts_commands(tmp_path: Path, small_sample_dir: Path) -> None:
    store = str(tmp_path / "g.db")
    assert run("load", str(small_sample_dir), "--store", store).returncode == 0
    manifest = json.loads((small_sample_dir / "manifest.json").read_text("utf-8"))
    posts = ",".join(manifest["planted"]["vacancies"][:2])
    report = tmp_path / "bench.html"
    bench = run(
        "bench",
        "--posts",
        posts,
        "--store",
        store,
        "--as-of",
        "2026-11-01",
        "--json",
        "--out",
        str(report),
    )
    assert bench.returncode == 0, bench.stderr
    assert [p["post_id"] for p in json.loads(bench.stdout)["posts"]] == sorted(posts.split(","))
    assert report.exists()
    found = run("conflicts", "--store", store, "--as-of", "2026-11-01", "--json")
    assert found.returncode == 0, found.stderr
    rules = {c["rule"] for c in json.loads(found.stdout)["conflicts"]}
    assert {"same_unit", "superior_subordinate", "sensitive_function", "regional"} <= rules


def test_load_warnings_are_printed_and_in_the_json(tmp_path: Path, small_sample_dir: Path) -> None:
    data, store = tmp_path / "d", str(tmp_path / "g.db")
    shutil.copytree(small_sample_dir, data)
    path = data / "units.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[0].append("备注")  # a column the model does not know: loaded without it, with a warning
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    result = run("load", str(data), "--store", store, "--json")
    assert result.returncode == 0, result.stderr
    [warning] = json.loads(result.stdout)["warnings"]
    assert (warning["source"], warning["row"], warning["column"]) == ("units.csv", 1, "备注")
    assert "units.csv 第1行 「备注」列：此列未读入" in result.stderr


# ------------------------------------------------------------ the package itself


def test_python_dash_m_cli_is_the_same_command(tmp_path: Path) -> None:
    from tests.service import ROOT

    result = subprocess.run(
        [sys.executable, "-m", "cli", "stats", "--store", str(tmp_path / "g.db"), "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["nodes"] == {}
    usage = subprocess.run(
        [sys.executable, "-m", "cli", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert usage.returncode == 0 and "Usage: graphsvc" in usage.stdout


def test_report_help_names_every_report_of_the_registry() -> None:
    import typer.main

    from cli import app
    from queries.analyses import REPORT_KINDS

    command = typer.main.get_command(app)
    report = command.commands["report"]  # type: ignore[attr-defined]
    kind = next(p for p in report.params if p.name == "kind")
    named = kind.help.removeprefix("One of: ").removesuffix(".").split(", ")
    assert named == list(REPORT_KINDS)


# ------------------------------------------------------------- an empty store

EMPTY_STORE_COMMANDS = [
    ["match", "--all", "--json"],
    ["match", "--post", "P000001", "--json"],
    ["check", "--cadre", "C000001", "--post", "P000001", "--json"],
    ["bench", "--json"],
    ["conflicts", "--json"],
    ["mentoring", "--json"],
    ["mentoring", "--recommend", "--json"],
    ["teams", "--json"],
    ["pool", "--json"],
    ["training", "--json"],
    ["network", "--json"],
    ["targets", "--json"],
    ["report", "teams", "--out", "REPORT.html"],
    ["report", "round", "--out", "REPORT.xlsx"],
]


@pytest.mark.parametrize("args", EMPTY_STORE_COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_commands_over_an_empty_store_say_so(tmp_path: Path, args: list[str]) -> None:
    from typer.testing import CliRunner

    from cli import app

    store = str(tmp_path / "empty.db")
    argv = [str(tmp_path / a) if a.startswith("REPORT.") else a for a in args]
    result = CliRunner().invoke(app, [*argv, "--store", store])
    assert result.exit_code == 1, result.output
    assert "图数据库为空：请先用 graphsvc load 导入数据" in result.stderr
    assert result.stdout == ""  # no JSON of zeros that could pass for an answer
    assert not list(tmp_path.glob("REPORT.*"))


def test_stats_over_an_empty_store_reports_zero_counts(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from cli import app

    result = CliRunner().invoke(app, ["stats", "--store", str(tmp_path / "empty.db"), "--json"])
    assert result.exit_code == 0, result.output
    counts = json.loads(result.stdout)
    assert counts["nodes"] == {} and counts["edges"] == {}


def test_token_and_day_errors_speak_chinese(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from cli import app

    access = ["--access-db", str(tmp_path / "access.db")]
    runner = CliRunner()
    made = runner.invoke(app, ["token", "create", "--role", "viewer", "--name", "会议", *access])
    assert made.exit_code == 0, made.output
    assert "已为“会议”创建令牌（角色 viewer）；令牌只显示这一次，请妥善保管：" in made.stderr
    again = runner.invoke(app, ["token", "create", "--role", "viewer", "--name", "会议", *access])
    assert again.exit_code == 2
    assert again.stderr.strip() == (
        "错误：名为“会议”的令牌已存在；请先吊销它，或选择替换（命令行加 --replace）"
    )
    boss = runner.invoke(app, ["token", "create", "--role", "boss", "--name", "x", *access])
    assert boss.exit_code == 2
    assert (
        boss.stderr.strip() == "错误：没有“boss”这个角色；可选角色：viewer、analyst、editor、admin"
    )
    revoked = runner.invoke(app, ["token", "revoke", "会议", *access])
    assert revoked.exit_code == 0 and revoked.stderr.strip() == "已吊销令牌“会议”，即刻失效"
    day = runner.invoke(app, ["stats", "--store", str(tmp_path / "g.db"), "--as-of", "2026-13-01"])
    assert day.exit_code == 2
    assert day.stderr.strip() == (
        "错误：--as-of 的值“2026-13-01”不是日期：应写作 YYYY-MM-DD，如 2026-11-01"
    )
