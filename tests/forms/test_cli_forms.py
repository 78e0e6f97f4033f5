"""``graphsvc import-forms`` and ``graphsvc form`` through Typer, on an app built here."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from openpyxl import load_workbook
from typer.testing import CliRunner

from cli.forms import register
from graphsvc.stores import open_store
from tests.forms.kit import DAUGHTER, FATHER, base_district, write_lrmx


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.callback()
    def main() -> None:  # a group, so commands are named as on the real command line
        """graphsvc"""

    return app


def _store(tmp_path: Path) -> str:
    url = str(tmp_path / "graph.db")
    with open_store(url) as store:
        base_district(store)
    return url


def test_import_forms_json_and_review(tmp_path: Path) -> None:
    url = _store(tmp_path)
    forms = tmp_path / "forms"
    forms.mkdir()
    write_lrmx(forms, "d", DAUGHTER)
    write_lrmx(forms, "f", FATHER)
    runner = CliRunner()
    dry = runner.invoke(_app(), ["import-forms", str(forms), "--store", url, "--dry-run", "--json"])
    assert dry.exit_code == 0, dry.output
    with open_store(url) as store:
        assert not list(store.iter_nodes("Cadre"))
    review = tmp_path / "review.xlsx"
    result = runner.invoke(
        _app(), ["import-forms", str(forms), "--store", url, "--json", "--review", str(review)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout[result.stdout.index("{") :])
    assert {"cadres", "matched", "created", "ambiguous", "problems"} <= set(data)
    assert data["cadres"] == {"created": 2, "updated": 0, "unchanged": 0}
    assert any(item["kind"] == "亲属" for item in data["matched"])
    assert load_workbook(review).sheetnames[0] == "概况"


def test_import_forms_fails_with_nothing_written(tmp_path: Path) -> None:
    url = _store(tmp_path)
    bad = tmp_path / "bad.lrmx"
    bad.write_text("not a form", encoding="utf-8")
    good = write_lrmx(tmp_path, "d", DAUGHTER)
    result = CliRunner().invoke(
        _app(), ["import-forms", str(good), str(bad), "--store", url, "--json"]
    )
    assert result.exit_code == 1
    data = json.loads(result.stdout[result.stdout.index("{") : result.stdout.rindex("}") + 1])
    (problem,) = data["problems"]
    assert problem["file"] == str(bad) and set(problem) == {"file", "field", "value", "reason"}
    with open_store(url) as store:
        assert not list(store.iter_nodes("Cadre"))


def test_form_for_a_cadre_and_for_a_round(tmp_path: Path) -> None:
    url = _store(tmp_path)
    runner = CliRunner()
    runner.invoke(
        _app(), ["import-forms", str(write_lrmx(tmp_path, "d", DAUGHTER)), "--store", url]
    )
    with open_store(url) as store:
        cadre_id = next(str(c["id"]) for c in store.iter_nodes("Cadre"))
    out = tmp_path / "one.lrm"
    result = runner.invoke(
        _app(), ["form", "--cadre", cadre_id, "--post", "P1", "--out", str(out), "--store", url,
                 "--as-of", "2025-06-30"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "东江区兴口镇党委书记" in out.read_bytes().decode("gb18030")
    plan = tmp_path / "plan.json"
    plan.write_text(
        json.dumps(
            {
                "assignments": [
                    {
                        "post_id": "P1",
                        "cadre_id": cadre_id,
                        "name": "林晓雯",
                        "reasons": ["专业匹配：财政金融"],
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    folder = tmp_path / "round"
    result = runner.invoke(
        _app(), ["form", "--round", str(plan), "--out", str(folder), "--store", url,
                 "--format", "html"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    (page,) = folder.glob("*.html")
    assert page.name == f"P1-{cadre_id}-林晓雯.html"
    html = page.read_text("utf-8")
    assert "拟 任 职 务" in html and "专业匹配：财政金融" in html  # 任免理由 from the round
    missing = runner.invoke(_app(), ["form", "--cadre", "NOPE", "--out", str(out), "--store", url])
    assert missing.exit_code == 1
    wrong = runner.invoke(
        _app(), ["form", "--cadre", cadre_id, "--out", str(tmp_path / "x.docx"), "--store", url]
    )
    assert wrong.exit_code == 2
