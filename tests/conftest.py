"""Shared fixtures: the sample web, and one real crawl of it through the CLI, reused by many tests."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"


def run_cli(*args: str, check: bool = True, timeout: float = 600, **kwargs) -> subprocess.CompletedProcess:
    """Run the kzprivacy command as a user would, in its own process."""
    return subprocess.run([sys.executable, "-m", "kzprivacy.cli", *args], cwd=ROOT, check=check, timeout=timeout,
                          capture_output=True, text=True, **kwargs)


def require(problem: str | None) -> None:
    """Fail, not skip, when something this project installs is missing: `./setup.sh --test` installs Chromium,
    poppler-utils, Redis and PostgreSQL, so a missing one is a broken setup, which a skip would hide."""
    if problem:
        pytest.fail(f"{problem}\n(./setup.sh --test installs what the tests need)", pytrace=False)


@pytest.fixture(scope="session")
def chromium() -> str:
    """The Chromium that browser mode and the PDF printer use; fails the test when it is missing."""
    from kzprivacy.crawler.browser import DEFAULT_CHROMIUM, browser_problem

    require(browser_problem(DEFAULT_CHROMIUM))
    return DEFAULT_CHROMIUM


@pytest.fixture(scope="session")
def pdftotext() -> str:
    """poppler-utils' pdftotext, which reads the printed PDFs back; fails the test when it is missing."""
    path = shutil.which("pdftotext")
    require(None if path else "poppler-utils (pdftotext) is not installed")
    assert path is not None
    return path


@pytest.fixture(scope="session")
def sample_web():
    from kzprivacy.sampleweb.server import SampleWeb

    with SampleWeb() as web:
        yield web


class Crawl:
    def __init__(self, out: Path, crawl_id: str, result: subprocess.CompletedProcess):
        self.out = out
        self.crawl_id = crawl_id
        self.result = result
        self.db = sqlite3.connect(out / "kzprivacy.db")
        self.db.row_factory = sqlite3.Row

    def rows(self, sql: str, *params) -> list[sqlite3.Row]:
        return self.db.execute(sql, params).fetchall()


@pytest.fixture(scope="session")
def sample_crawl(sample_web, tmp_path_factory) -> Crawl:
    """The whole sample web scanned once over HTTP through the proxy, as `kzprivacy scan` does it."""
    from kzprivacy.sampleweb.manifest import sample_domains

    out = tmp_path_factory.mktemp("crawl")
    result = run_cli("scan", *sample_domains(), "--proxy", sample_web.proxy_url, "--out", str(out),
                     "--crawl-id", "test", "--timeout", "4", "--no-progress")
    return Crawl(out, "test", result)


@pytest.fixture(scope="session")
def sites_manifest() -> dict:
    from kzprivacy.sampleweb.manifest import load_sites

    return load_sites()


@pytest.fixture
def seeds() -> Path:
    if not SEEDS.is_dir():
        pytest.skip(f"seed policies not found at {SEEDS} (../shared/seeds is absent outside the developers' tree)")
    return SEEDS
