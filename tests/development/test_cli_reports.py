"""The development commands as a user runs them: JSON contracts and reports with charts."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from graphsvc.stores import GraphStore
from tests.service import GRAPHSVC

AS_OF = ["--as-of", "2026-11-01"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*GRAPHSVC, *args], capture_output=True, text=True, check=False, timeout=300
    )


def as_json(*args: str) -> dict[str, Any]:
    result = run(*args, "--json")
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


@pytest.fixture(scope="module")
def store_url(district_store: GraphStore) -> str:
    return district_store.url


def test_mentoring_contract(store_url: str, district_manifest: dict[str, Any]) -> None:
    covered = as_json("mentoring", "--store", store_url, *AS_OF)
    assert {"need", "covered", "coverage", "uncovered", "over_capacity"} <= covered.keys()
    uncovered = {row["cadre_id"] for row in covered["uncovered"]}
    assert set(district_manifest["planted"]["uncovered_mentees"]) <= uncovered
    proposed = as_json("mentoring", "--recommend", "--store", store_url, *AS_OF)
    assert proposed["coverage_after"] > proposed["coverage_before"] == covered["coverage"]
    for pair in proposed["pairs"]:
        assert {"mentee_id", "mentor_id", "reasons"} <= pair.keys() and pair["reasons"]
        assert pair["mentee_id"] in uncovered


@pytest.mark.parametrize(
    ("command", "keys"),
    [
        ("teams", {"summary", "teams"}),
        ("pool", {"size", "composition", "entry_candidates", "exit_review", "history"}),
        ("training", {"counted", "below_yearly_hours", "below_regulation", "by_unit"}),
        ("network", {"communities", "bridges", "quiet_performers", "measures"}),
        ("targets", {"years", "targets"}),
    ],
)
def test_analysis_commands_print_json(store_url: str, command: str, keys: set[str]) -> None:
    data = as_json(command, "--store", store_url, *AS_OF)
    assert keys <= data.keys()
    assert data["as_of"] == "2026-11-01"


@pytest.mark.parametrize("kind", ["mentoring", "teams", "pool", "training", "network", "targets"])
def test_reports_open_with_their_charts(store_url: str, tmp_path: Path, kind: str) -> None:
    html, xlsx = tmp_path / f"{kind}.html", tmp_path / f"{kind}.xlsx"
    for path in (html, xlsx):
        result = run("report", kind, "--out", str(path), "--store", store_url, *AS_OF)
        assert result.returncode == 0, result.stderr
    page = html.read_text(encoding="utf-8")
    assert "<svg " in page and "</text>" in page and "data:image/png" not in page
    assert "<table" in page
    workbook = openpyxl.load_workbook(xlsx)
    assert workbook.sheetnames[0] == "概要" and len(workbook.sheetnames) > 1
    assert sum(len(sheet._charts) for sheet in workbook.worksheets) >= 1


def test_report_refuses_unknown_kinds_and_formats(store_url: str, tmp_path: Path) -> None:
    result = run("report", "everything", "--out", str(tmp_path / "x.html"), "--store", store_url)
    assert result.returncode == 2 and "错误：没有“everything”这种报告；可选：" in result.stderr
    result = run("report", "teams", "--out", str(tmp_path / "x.pdf"), "--store", store_url)
    assert result.returncode == 2 and "x.pdf：报告只能写成 .xlsx 或 .html 文件" in result.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_write_back_from_the_command_line(store_url: str, district_store: GraphStore) -> None:
    result = run("mentoring", "--recommend", "--write-back", "--store", store_url, *AS_OF)
    assert result.returncode == 0, result.stderr
    suggested = list(district_store.iter_edges("SUGGESTED_MENTOR"))
    assert suggested and f"已写入 {len(suggested)} 条 SUGGESTED_MENTOR 关系" in result.stderr
    district_store.clear_results("SUGGESTED_MENTOR")


@pytest.mark.parametrize("command", [["network"], ["mentoring", "--recommend"]])
def test_the_answer_is_the_same_in_every_process(store_url: str, command: list[str]) -> None:
    import os

    answers = []
    for seed in ("1", "2", "3"):
        result = subprocess.run(
            [*GRAPHSVC, *command, "--store", store_url, *AS_OF, "--json"],
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
            env={**os.environ, "PYTHONHASHSEED": seed},  # different set orders
        )
        answers.append(json.loads(result.stdout))
    assert answers[0] == answers[1] == answers[2]


def test_network_json_lists_each_communitys_members(store_url: str) -> None:
    data = as_json("network", "--store", store_url, *AS_OF)
    assert data["communities"]
    for community in data["communities"]:
        assert {"community", "size", "main_units", "members"} <= community.keys()  # keys kept
        assert len(community["members"]) == community["size"]
        assert all({"cadre_id", "name", "unit_name"} <= m.keys() for m in community["members"])
