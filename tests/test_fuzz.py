"""OpenAPI-driven fuzzing: schemathesis sends generated requests to every operation of the
real service and checks every answer against the document: no server error (5xx), every
status declared, every body in the declared schema (errors too: one ``ErrorOut`` shape),
declared content types and headers, tokens required where the document says so.

Left out are the two checks that judge the requests rather than the answers: the service
takes what pydantic coerces (``as_of=0`` is 1970-01-01) and refuses data the schema cannot
describe (an unknown cadre, a file that is no table), both answered in the documented shape.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from graphsvc.stores import open_store
from loaders.load import load_paths
from tests.service import make_token, running_service

SCHEMATHESIS = str(Path(sys.executable).parent / "schemathesis")


def test_fuzzing_finds_no_answer_that_breaks_the_document(
    tmp_path: Path, small_sample_dir: Path
) -> None:
    store, access_db = str(tmp_path / "fuzz.db"), tmp_path / "access.db"
    with open_store(store) as graph:
        load_paths(graph, [small_sample_dir])
    token = make_token(access_db, "admin", "fuzzer")  # admin: every operation is reachable
    report = tmp_path / "fuzz.xml"
    with running_service(store, access_db) as base:
        result = subprocess.run(
            [
                SCHEMATHESIS,
                "run",
                f"{base}/openapi.json",
                "--checks",
                "all",
                "--exclude-checks",
                "positive_data_acceptance,negative_data_rejection",
                "--header",
                f"Authorization: Bearer {token}",
                "--max-examples",
                "20",
                # A whole-bench computation on a machine busy with other tests can take more
                # than schemathesis's default 10 s; a slow answer is not a wrong one.
                "--request-timeout",
                "120",
                "--seed",
                "1",
                "--generation-database",
                "none",  # every run starts afresh, in CI and here alike
                "--report",
                "junit",
                "--report-junit-path",
                str(report),
            ],
            capture_output=True,
            text=True,
            timeout=1200,
            check=False,
        )
    keep = Path("var/fuzz")  # the last run's report, for docs/api.md
    keep.mkdir(parents=True, exist_ok=True)
    (keep / "schemathesis.txt").write_text(result.stdout, encoding="utf-8")
    if report.exists():
        shutil.copy(report, keep / "schemathesis.xml")
    assert result.returncode == 0, result.stdout[-4000:]
    cases = ElementTree.parse(report).getroot().iter("testcase")
    names = {case.get("name") for case in cases}
    assert "GET /api/v1/cadres" in names and "POST /api/v1/records/{table}" in names
    counts = re.search(r"(\d+) generated, (\d+) passed", result.stdout)
    assert counts and counts.group(1) == counts.group(2) and int(counts.group(1)) > 500
