"""The layers hold: `lint-imports` (run by `make lint`) fails on any upward import.

api → queries → graphsvc ← loaders, with the command line (cli) and the HTTP
service (api) on top as entry points; the contract is in pyproject.toml.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("cli", "api", "queries", "loaders", "graphsvc")
LINT_IMPORTS = str(Path(sys.executable).parent / "lint-imports")


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache"],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree)},  # the copy, not an installed checkout
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the packages and the contract, to break on purpose."""
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_real_tree_keeps_its_layers(tree: Path) -> None:
    result = lint_imports(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "upward"),
    [
        ("graphsvc/model.py", "queries"),  # the core must not know the analyses
        ("graphsvc/stores/base.py", "loaders.tables"),
        ("queries/stats.py", "loaders.load"),  # analyses read the store, never the files
        ("loaders/tables.py", "queries.stats"),
        ("queries/records.py", "api.deps"),
        ("api/deps.py", "cli"),  # the HTTP service never runs the command line
    ],
)
def test_an_upward_import_breaks_the_check(tree: Path, module: str, upward: str) -> None:
    path = tree / module
    path.write_text(path.read_text(encoding="utf-8") + f"\nimport {upward}  # noqa\n", "utf-8")
    result = lint_imports(tree)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout and "1 broken" in result.stdout
    importer = module.removesuffix(".py").replace("/", ".")
    assert f"{importer} -> {upward}" in result.stdout, result.stdout
