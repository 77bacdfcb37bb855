"""The code checks of .ci/run, so that the one test command (`python -m pytest`) runs them too: ruff over the
whole tree, mypy over the package (crawler/ and analysis/ through its symlinks) and import-linter's floors.

Each runs as its own process from the repository root, with the configuration in pyproject.toml, and must
exit 0; a missing tool is a failure (the `test` extra installs all three)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT


def _run(*command: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)


def _tool(name: str) -> str:
    """The console script next to this Python (the venv's), else on PATH."""
    beside = os.path.join(os.path.dirname(sys.executable), name)
    found = beside if os.path.exists(beside) else shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed (the test extra installs it: ./setup.sh --test)", pytrace=False)
    return found


def test_ruff_finds_nothing():
    result = _run(sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", ".")
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


def test_mypy_finds_nothing():
    # The configuration names the package (`packages = ["kzprivacy"]`).
    result = _run(sys.executable, "-m", "mypy")
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    # It checked crawler/ and analysis/ too, through kzprivacy/crawler and kzprivacy/analysis: at least as many
    # sources as the three folders hold .py files (mypy also counts data folders as namespace packages).
    checked = re.search(r"in (\d+) source files?", result.stdout)
    files = sum(1 for folder in ("kzprivacy", "crawler", "analysis") for _ in (ROOT / folder).rglob("*.py"))
    assert checked and int(checked.group(1)) >= files > 80, (files, result.stdout[-2000:])


def test_import_floors_hold():
    result = _run(_tool("lint-imports"))
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
