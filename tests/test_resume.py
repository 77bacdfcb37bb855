"""An interrupted crawl resumes: after Ctrl-C nothing is fetched twice; after a hard kill the
unfinished sites are crawled again; either way nothing is lost and no row is duplicated."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from conftest import ROOT, run_cli

GENERATED = 30
# Slow enough to be interrupted in the middle, whatever the machine.
SLOW = ["-s", "CONCURRENT_REQUESTS=2", "-s", "DOWNLOAD_DELAY=0.2", "-s", "AUTOTHROTTLE_ENABLED=False"]

# Every unique key of the contract's tables: a resumed crawl must not duplicate any.
UNIQUE_KEYS = {
    "sites": "site", "pages": "site, url", "policies": "site, url",
    "cookies": "site, page_url, name, domain, path, consent_phase",
    "requests": "site, page_url, url, resource_type, consent_phase",
    "forms": "site, page_url, form_index", "form_fields": "site, page_url, form_index, field_index",
    "inline_trackers": "site, page_url, service_id, tracker_id",
}


@pytest.fixture
def generated_web():
    from kzprivacy.sampleweb.server import SampleWeb

    with SampleWeb(generated=GENERATED) as web:
        yield web


def _domains(tmp_path: Path) -> Path:
    from kzprivacy.sampleweb.manifest import sample_domains

    path = tmp_path / "domains.txt"
    names = [d for d in sample_domains(include_generated=GENERATED) if d.startswith("gen-")]
    path.write_text("\n".join(names), encoding="utf-8")
    return path


def _start(args: list[str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kzprivacy.cli", *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def _wait_for_sites_done(db_path: Path, at_least: int, proc: subprocess.Popen, limit: float = 120) -> int:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the crawl ended before it could be interrupted"
        if db_path.exists():
            try:
                done = sqlite3.connect(db_path).execute(
                    "SELECT count(*) FROM sites WHERE status <> 'pending'").fetchone()[0]
            except sqlite3.OperationalError:
                done = 0
            if done >= at_least:
                return done
        time.sleep(0.1)
    raise AssertionError("the crawl made no progress")


def _assert_complete_without_duplicates(db_path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(db_path)
    statuses = Counter(r[0] for r in db.execute("SELECT status FROM sites"))
    assert statuses == {"ok": GENERATED}, statuses
    for table, key in UNIQUE_KEYS.items():
        dupes = db.execute(f"SELECT {key}, count(*) FROM {table} GROUP BY {key} HAVING count(*) > 1").fetchall()
        assert dupes == [], (table, dupes[:3])
    # Each generated site has a policy and a contact form: none may have gone missing.
    assert db.execute("SELECT count(*) FROM sites WHERE policy_url IS NULL").fetchone()[0] == 0
    assert db.execute("SELECT count(DISTINCT site) FROM forms").fetchone()[0] == GENERATED
    assert db.execute("SELECT status FROM crawls").fetchone()[0] == "finished"
    return db


def test_ctrl_c_then_resume_fetches_nothing_twice(generated_web, tmp_path):
    out = tmp_path / "out"
    args = ["scan", "-i", str(_domains(tmp_path)), "--proxy", generated_web.proxy_url, "--out", str(out),
            "--crawl-id", "r1", "--no-progress", *SLOW,
            # A graceful stop is what saves the queue; a generous grace keeps a loaded machine from hurrying it
            # (the hurried stop and its resume from home pages are tests/test_shutdown.py's).
            "-s", "KZPRIVACY_SHUTDOWN_GRACE=60"]
    proc = _start(args)
    done = _wait_for_sites_done(out / "kzprivacy.db", 3, proc)
    assert done < GENERATED
    proc.send_signal(signal.SIGINT)  # what Ctrl-C sends: Scrapy stops gracefully and saves its queue
    stdout, _ = proc.communicate(timeout=120)
    assert proc.returncode == 130, stdout
    assert "kzprivacy scan --resume" in stdout
    db = sqlite3.connect(out / "kzprivacy.db")
    assert db.execute("SELECT status FROM crawls").fetchone()[0] == "interrupted"
    assert db.execute("SELECT count(*) FROM sites WHERE status = 'pending'").fetchone()[0] > 0
    assert (out / "r1" / "job" / "spider.state").exists()

    result = run_cli("scan", "--resume", "--out", str(out), "--proxy", generated_web.proxy_url, "--no-progress")
    assert "Crawl r1" in result.stdout
    db = _assert_complete_without_duplicates(out / "kzprivacy.db")
    fetched = Counter((s.host, s.path) for s in generated_web.log if s.method == "GET" and s.path != "/robots.txt")
    twice = {k: n for k, n in fetched.items() if n > 1}
    assert twice == {}, twice
    pages = db.execute("SELECT count(*) FROM pages WHERE status_code IS NOT NULL").fetchone()[0]
    assert pages == len(fetched)


def test_hard_kill_then_resume_recrawls_only_unfinished_sites(generated_web, tmp_path):
    out = tmp_path / "out"
    args = ["scan", "-i", str(_domains(tmp_path)), "--proxy", generated_web.proxy_url, "--out", str(out),
            "--crawl-id", "r2", "--no-progress", *SLOW]
    proc = _start(args)
    _wait_for_sites_done(out / "kzprivacy.db", 3, proc)
    os.killpg(proc.pid, signal.SIGKILL)  # no chance to save anything
    proc.communicate(timeout=30)
    db = sqlite3.connect(out / "kzprivacy.db")
    finished_before = {r[0] for r in db.execute("SELECT site FROM sites WHERE status <> 'pending'")}
    assert 0 < len(finished_before) < GENERATED
    pages_before = {r[0]: r[1] for r in db.execute("SELECT url, fetched_at FROM pages")}
    db.close()

    run_cli("scan", "--resume", "--out", str(out), "--crawl-id", "r2", "--proxy", generated_web.proxy_url,
            "--no-progress")
    db = _assert_complete_without_duplicates(out / "kzprivacy.db")
    # Finished sites were kept as they were, not fetched again.
    for url, fetched_at in db.execute("SELECT url, fetched_at FROM pages"):
        site_done_before = any(url.split("/")[2] == s for s in finished_before)
        if site_done_before:
            assert pages_before.get(url) == fetched_at, url
