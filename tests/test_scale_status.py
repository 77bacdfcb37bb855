"""`kzprivacy status`: counts, in-progress sites and the ETA of a crawl, from its database alone."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import datetime, timezone

from conftest import run_cli
from kzprivacy.app.scale.status import crawl_status, format_status
from kzprivacy.store import Store, open_store


def _crawl(tmp_path) -> Store:
    store = open_store(tmp_path / "kzprivacy.db")
    sites = [{"site": f"s{i}.kz"} for i in range(100)]
    store.begin_crawl("c1", mode="http", tool_version="t", settings={}, sites=sites)
    with closing(sqlite3.connect(tmp_path / "kzprivacy.db")) as raw, raw:  # a crawl begun at a known time
        raw.execute("UPDATE crawls SET started_at = '2026-01-05T01:00:00Z'")
    # 30 sites finished in the last ten minutes (3 a minute), 10 of them failed; one more is under way.
    for i in range(30):
        status = "ok" if i >= 10 else "timeout"
        store.finish_site("c1", f"s{i}.kz", {"status": status, "finished_at": f"2026-01-05T01:{50 + i // 3:02d}:00Z"})
    store.write_page("c1", {"site": "s99.kz", "url": "https://s99.kz/", "page": {"url": "https://s99.kz/",
                                                                                  "status_code": 200}})
    return store


def test_status_counts_and_eta_from_the_recent_pace(tmp_path):
    store = _crawl(tmp_path)
    report = crawl_status(store, "c1", now=datetime(2026, 1, 5, 2, 0, tzinfo=timezone.utc))
    assert (report["sites"], report["done"], report["pending"], report["failed"]) == (100, 30, 70, 10)
    assert report["statuses"] == {"ok": 20, "timeout": 10} and report["in_progress"] == 1
    assert report["sites_per_minute"] == 2.0  # 30 sites within the last 15 minutes
    assert report["eta_minutes"] == 35.0 and report["eta"] == "2026-01-05T02:35:00Z"
    text = format_status(report)
    assert "done 30 (30.0%): 20 ok, 10 timeout" in text and "in progress: 1" in text
    assert "ETA 2026-01-05T02:35:00Z" in text


def test_status_command_reads_the_out_folder(tmp_path):
    _crawl(tmp_path).close()
    result = run_cli("status", "--out", str(tmp_path))
    assert "Crawl c1 (http, running)" in result.stdout and "sites: 100; done 30" in result.stdout
