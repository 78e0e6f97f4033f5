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
        ("pipeline", {"years", "by_unit_kind", "by_specialty", "at_risk"}),
    ],
)
def test_analysis_commands_print_json(store_url: str, command: str, keys: set[str]) -> None:
    data = as_json(command, "--store", store_url, *AS_OF)
    assert keys <= data.keys()
    assert data["as_of"] == "2026-11-01"


@pytest.mark.parametrize(
    "kind", ["mentoring", "teams", "pool", "training", "network", "targets", "path", "pipeline"]
)
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
    result = run("report", "teams", "--out", str(tmp_path / "x.docx"), "--store", store_url)
    assert result.returncode == 2
    assert "x.docx：报告只能写成 .xlsx、.html 或 .pdf 文件" in result.stderr
    assert not (tmp_path / "x.docx").exists()


PATH_KEYS = {
    "cadre_id", "level", "next_level", "ready_now", "ready_on", "rules", "warnings", "actions",
    "pool",
}  # fmt: skip


def test_path_command_contract(store_url: str, district_manifest: dict[str, Any]) -> None:
    member = district_manifest["planted"]["pool_members"][0]
    path = as_json("path", "--cadre", member, "--store", store_url, *AS_OF)
    assert path.keys() >= PATH_KEYS and path["cadre_id"] == member
    assert path["pool"] is not None and {"pool_id", "ages_out_on", "at_risk"} <= path["pool"].keys()
    for line in path["rules"]:
        assert {"rule", "status", "met_on", "needs"} <= line.keys()
    for action in path["actions"]:
        assert {"kind", "unit_id", "post_id", "ready_on"} <= action.keys()
    aimed = as_json("path", "--cadre", member, "--target", "正处", "--store", store_url, *AS_OF)
    assert aimed["next_level"] == "正处"
    printed = run("path", "--cadre", member, "--store", store_url, *AS_OF)
    assert printed.returncode == 0 and "任职条件" in printed.stdout and "一年内" in printed.stdout


def test_path_and_pipeline_errors_speak_chinese(store_url: str) -> None:
    missing = run("path", "--cadre", "NOPE", "--store", store_url, *AS_OF)
    assert missing.returncode == 1 and "未找到编号为 'NOPE' 的在职干部" in missing.stderr
    bad = run("path", "--cadre", "C000001", "--target", "部长", "--store", store_url, *AS_OF)
    assert bad.returncode == 2 and "“部长”不是可作为目标的职务层次" in bad.stderr
    unit = run("pipeline", "--unit", "NOPE", "--store", store_url, *AS_OF)
    assert unit.returncode == 1 and "未找到编号为 'NOPE' 的单位" in unit.stderr
    zero = run("pipeline", "--years", "0", "--store", store_url, *AS_OF)
    assert zero.returncode == 2


def test_pipeline_command_years_and_unit(store_url: str) -> None:
    whole = as_json("pipeline", "--years", "3", "--store", store_url, *AS_OF)
    assert {row["year"] for row in whole["years"]} == {2026, 2027, 2028}
    for row in whole["years"]:
        assert {
            "year",
            "level",
            "demand",
            "supply",
            "supply_young",
            "supply_with_actions",
            "gap",
        } <= (row.keys())
        assert row["supply"] <= row["supply_with_actions"]
    town = next(g for g in whole["by_unit_kind"] if g["group"] == "乡镇")
    assert town["supply"] >= 0
    part = as_json("pipeline", "--years", "3", "--unit", "U00052", "--store", store_url, *AS_OF)
    assert part["cadres"] < whole["cadres"]


def test_the_path_report_as_pdf(store_url: str, tmp_path: Path) -> None:
    pdf = tmp_path / "path.pdf"
    result = run("report", "path", "--out", str(pdf), "--store", store_url, *AS_OF)
    assert result.returncode == 0, result.stderr
    assert pdf.read_bytes()[:5] == b"%PDF-"


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
