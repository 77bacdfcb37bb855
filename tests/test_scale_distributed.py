"""Two workers crawling one crawl through Redis into PostgreSQL give the same result as one
`kzprivacy scan` into SQLite; a worker killed mid-crawl loses nothing."""

from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from scale_fixtures import postgres, redis_server

# Sample sites of every kind that answers quickly: policies in HTML, PDF and DOCX, trackers, forms,
# a dead site, a redirect loop, robots.txt, broken TLS, an IDN name, windows-1251.
SITES = ["medshop-demo.kz", "clinic-demo.kz", "tilda-demo.kz", "dead-demo.kz", "news-demo.kz", "brokenpdf-demo.kz",
         "callcenter-demo.kz", "cookiebanner-demo.kz", "docx-demo.kz", "hiddenpolicy-demo.kz", "loop-demo.kz",
         "nopolicy-demo.kz", "robots-demo.kz", "tlsbroken-demo.kz", "win1251-demo.kz", "мысал-демо.қаз"]
TABLES = ("sites", "pages", "policies", "cookies", "requests", "inline_trackers", "forms", "form_fields",
          "declarations", "findings", "flows", "policy_facts", "site_summaries")
# When and where, not what: these differ between any two runs.
VOLATILE = {"crawl_id", "started_at", "finished_at", "fetched_at", "warc_file", "warc_record_id", "warc_offset",
            "analyzed_at"}
UNIQUE_KEYS = {
    "sites": "site", "pages": "site, url", "policies": "site, url",
    "cookies": "site, page_url, name, domain, path, consent_phase",
    "requests": "site, page_url, url, resource_type, consent_phase",
    "forms": "site, page_url, form_index", "form_fields": "site, page_url, form_index, field_index",
}


def _worker(redis: str, db: str, out: Path, proxy: str, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kzprivacy.cli", "worker", "--redis", redis, "--db", db,
                             "--out", str(out), "--proxy", proxy, *extra], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def _value(value):
    if isinstance(value, float):
        return round(value, 6) if not math.isnan(value) else None
    return value


def _rows(store, table: str, crawl_id: str) -> Counter:
    rows = store.query(f"SELECT * FROM {table} WHERE crawl_id = :c", {"c": crawl_id})
    names = rows[0].keys() if rows else []
    keep = [i for i, n in enumerate(names) if n not in VOLATILE]
    return Counter(tuple(_value(row[i]) for i in keep) for row in rows)


@pytest.fixture(scope="module")
def two_runs(sample_web, tmp_path_factory):
    """The same sites: once by `kzprivacy scan` into SQLite, once by two workers into PostgreSQL."""
    pg, redis = postgres(), redis_server()  # fail here when they are missing
    db = pg.create_database("kz_distributed")
    tmp = tmp_path_factory.mktemp("distributed")
    single = run_cli("scan", *SITES, "--proxy", sample_web.proxy_url, "--out", str(tmp / "single"),
                     "--crawl-id", "single", "--timeout", "4", "--no-progress")
    enqueued = run_cli("enqueue", *SITES, "--redis", redis.url, "--db", db, "--crawl-id", "dist", "--timeout", "4")
    workers = [_worker(redis.url, db, tmp / f"w{i}", sample_web.proxy_url, "--crawl-id", "dist", "--idle-exit", "2",
                       "--sites", "4", "--analyze") for i in (1, 2)]
    outputs = [w.communicate(timeout=300) for w in workers]
    return {"single": single, "enqueued": enqueued, "workers": workers, "outputs": outputs, "db": db,
            "redis": redis.url, "tmp": tmp}


def test_two_workers_share_the_crawl_and_both_exit_cleanly(two_runs):
    for worker, (_stdout, stderr) in zip(two_runs["workers"], two_runs["outputs"], strict=False):
        assert worker.returncode == 0, stderr[-3000:]
    done_by = [int(out.split("sites,")[0].rsplit(":", 1)[1]) for out, _ in two_runs["outputs"]]
    assert sum(done_by) == len(SITES) and all(n > 0 for n in done_by), done_by
    assert sum("Crawl dist is complete." in out for out, _ in two_runs["outputs"]) >= 1
    assert sum("Analysed:" in out for out, _ in two_runs["outputs"]) == 1  # only one worker analyses
    # Each worker wrote its own WARC files, named with its id, and every page points to one of them.
    warcs = {p.name for i in (1, 2) for p in (two_runs["tmp"] / f"w{i}" / "dist" / "warc").glob("*.warc.gz")}
    assert len(warcs) == 2
    from kzprivacy.store.read import open_reader

    conn = open_reader(two_runs["db"])
    named = {r[0] for r in conn.query("SELECT DISTINCT warc_file FROM pages WHERE status_code IS NOT NULL")}
    assert named == warcs
    assert conn.query("SELECT status, sites_done FROM crawls WHERE crawl_id = 'dist'")[0][:] == \
        ("finished", len(SITES))


def test_the_distributed_result_equals_the_single_process_one(two_runs):
    from kzprivacy.store.read import open_reader

    assert two_runs["single"].returncode == 0
    single = open_reader(two_runs["tmp"] / "single" / "kzprivacy.db")
    dist = open_reader(two_runs["db"])
    for table in TABLES:
        expected, got = _rows(single, table, "single"), _rows(dist, table, "dist")
        assert expected, table  # the sample sites plant something in every table
        assert got == expected, (table, list((expected - got).items())[:2], list((got - expected).items())[:2])
    for table, key in UNIQUE_KEYS.items():
        dupes = dist.query(f"SELECT {key}, count(*) FROM {table} WHERE crawl_id = 'dist' GROUP BY {key}"
                             " HAVING count(*) > 1")
        assert dupes == [], (table, dupes[:3])


def test_status_reports_a_finished_crawl_from_postgres_and_redis(two_runs):
    result = run_cli("status", "--db", two_runs["db"], "--redis", two_runs["redis"], "--crawl-id", "dist",
                     "--format", "json")
    import json

    report = json.loads(result.stdout)
    assert (report["sites"], report["done"], report["pending"], report["in_progress"]) == (len(SITES), len(SITES), 0, 0)
    assert report["crawl_status"] == "finished" and report["queue"] == {"pending": 0, "processing": 0,
                                                                        "done": len(SITES)}
    assert report["statuses"]["ok"] >= 10 and report["failed"] == len(SITES) - report["statuses"]["ok"]


GENERATED = 24
SLOW = ["-s", "CONCURRENT_REQUESTS=2", "-s", "DOWNLOAD_DELAY=0.2", "-s", "AUTOTHROTTLE_ENABLED=False"]


def test_a_worker_killed_mid_crawl_loses_nothing(tmp_path):
    from kzprivacy.sampleweb.manifest import sample_domains
    from kzprivacy.sampleweb.server import SampleWeb
    from kzprivacy.app.scale.queue import SiteQueue
    from kzprivacy.store.read import open_reader

    pg, redis = postgres(), redis_server()
    db = pg.create_database("kz_killed")
    names = [d for d in sample_domains(include_generated=GENERATED) if d.startswith("gen-")]
    with SampleWeb(generated=GENERATED) as web:
        run_cli("enqueue", *names, "--redis", redis.url, "--db", db, "--crawl-id", "killed", "--lease", "3")
        queue = SiteQueue(redis.url, "killed")
        doomed = _worker(redis.url, db, tmp_path / "doomed", web.proxy_url, "--crawl-id", "killed", "--sites", "4",
                         *SLOW)
        deadline = time.monotonic() + 120
        while not (len(queue.done()) >= 3 and queue.held()):
            assert doomed.poll() is None and time.monotonic() < deadline, "the worker ended before it was killed"
            time.sleep(0.05)
        os.killpg(doomed.pid, signal.SIGKILL)  # no chance to give anything back
        doomed.communicate(timeout=30)
        done_before, held_when_killed = dict(queue.done()), set(queue.held())
        assert 0 < len(done_before) < GENERATED and held_when_killed

        survivor = _worker(redis.url, db, tmp_path / "survivor", web.proxy_url, "--crawl-id", "killed",
                           "--idle-exit", "1")
        _stdout, stderr = survivor.communicate(timeout=300)
        assert survivor.returncode == 0, stderr[-3000:]
        log = list(web.log)

    # Every site done, once: the killed worker's finished sites stay its own, the rest the survivor's.
    done = queue.done()
    assert sorted(done) == sorted(names)
    assert {s: w for s, w in done.items() if s in done_before} == done_before
    attempts = queue.attempts()
    assert all(attempts[s] == 2 for s in held_when_killed - set(done_before)), attempts
    assert all(attempts[s] == 1 for s in done_before)
    homes = Counter(s.host for s in log if s.method == "GET" and s.path == "/")
    assert all(homes[s] == 1 for s in done_before)  # finished sites were not fetched again
    conn = open_reader(db)
    statuses = Counter(r[0] for r in conn.query("SELECT status FROM sites WHERE crawl_id = 'killed'"))
    assert statuses == {"ok": GENERATED}, statuses
    for table, key in UNIQUE_KEYS.items():
        dupes = conn.query(f"SELECT {key}, count(*) FROM {table} WHERE crawl_id = 'killed' GROUP BY {key}"
                             " HAVING count(*) > 1")
        assert dupes == [], (table, dupes[:3])
    # Nothing is missing either: each generated site has its policy and its contact form.
    assert conn.query("SELECT count(*) FROM sites WHERE crawl_id = 'killed' AND policy_url IS NULL")[0][0] == 0
    assert conn.query("SELECT count(DISTINCT site) FROM forms WHERE crawl_id = 'killed'")[0][0] == GENERATED
    pages = conn.query("SELECT count(*) FROM pages WHERE crawl_id = 'killed' AND status_code IS NOT NULL")[0][0]
    fetched = {(s.host, s.path) for s in log if s.method == "GET" and s.path != "/robots.txt"}
    assert pages == len(fetched)
    assert conn.query("SELECT status FROM crawls WHERE crawl_id = 'killed'")[0][0] == "finished"


def test_analyze_and_summary_take_the_postgres_database(two_runs):
    from kzprivacy.store.read import open_reader

    conn = open_reader(two_runs["db"])
    before = conn.query("SELECT count(*) FROM findings WHERE crawl_id = 'dist'")[0][0]
    result = run_cli("analyze", "--db", two_runs["db"], "--crawl-id", "dist")
    assert f"{before} findings" in result.stdout  # re-running replaces, never duplicates
    assert conn.query("SELECT count(*) FROM findings WHERE crawl_id = 'dist'")[0][0] == before
    import json

    summary = json.loads(run_cli("summary", "--db", two_runs["db"], "--format", "json").stdout)
    assert (summary["crawl_id"], summary["sites"], summary["findings"]) == ("dist", len(SITES), before)


def test_the_export_readers_see_the_same_tables_in_postgres(two_runs):
    """The exports and reports read typed tables through the store, whatever database holds them."""
    from kzprivacy.store.read import open_reader

    single = open_reader(two_runs["tmp"] / "single" / "kzprivacy.db")
    dist = open_reader(two_runs["db"])
    assert dist.crawl_ids() == ["dist"]
    assert dist.crawl_tables() == single.crawl_tables()
    for table in ("sites", "policies", "cookies", "findings"):
        a, b = single.read_table(table, "single"), dist.read_table(table, "dist")
        assert list(a.columns) == list(b.columns) and list(a.dtypes) == list(b.dtypes), table
        keep = [c for c in a.columns if c not in VOLATILE]
        a, b = (f[keep].astype(str).sort_values(keep).reset_index(drop=True) for f in (a, b))
        assert a.equals(b), table


def test_exports_and_report_build_from_postgres_as_from_sqlite(two_runs):
    from kzprivacy.app.outputs import build_outputs

    out = two_runs["tmp"] / "exports"
    paths = build_outputs(two_runs["db"], "dist", out)
    assert paths["report"].exists() and (out / "dist" / "data" / "sites.csv").exists()
    single = build_outputs(two_runs["tmp"] / "single" / "kzprivacy.db", "single", two_runs["tmp"] / "exports-single")
    import pandas as pd

    a, b = (pd.read_parquet(p["parquet:findings"]).drop(columns=["crawl_id", "warc_record_id"])
            for p in (single, paths))
    assert sorted(map(tuple, a.astype(str).values)) == sorted(map(tuple, b.astype(str).values))


def test_a_worker_stopped_with_sigterm_gives_its_sites_back_at_once(tmp_path):
    from kzprivacy.sampleweb.manifest import sample_domains
    from kzprivacy.sampleweb.server import SampleWeb
    from kzprivacy.app.scale.queue import SiteQueue
    from kzprivacy.store.read import open_reader

    pg, redis = postgres(), redis_server()
    db = pg.create_database("kz_sigterm")
    names = [d for d in sample_domains(include_generated=20) if d.startswith("gen-")]
    with SampleWeb(generated=20) as web:
        # A lease far longer than the test: only giving the sites back can let the next worker finish.
        run_cli("enqueue", *names, "--redis", redis.url, "--db", db, "--crawl-id", "stopped", "--lease", "600")
        queue = SiteQueue(redis.url, "stopped")
        stopping = _worker(redis.url, db, tmp_path / "a", web.proxy_url, "--crawl-id", "stopped", "--sites", "2",
                           *SLOW)
        deadline = time.monotonic() + 120
        while not (queue.done() and queue.held()):
            assert stopping.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        os.killpg(stopping.pid, signal.SIGTERM)  # what systemd sends on stop
        _, stderr = stopping.communicate(timeout=120)
        assert stopping.returncode == 130, stderr[-2000:]
        assert queue.held() == {} and 0 < len(queue.done()) < len(names)
        finishing = _worker(redis.url, db, tmp_path / "b", web.proxy_url, "--crawl-id", "stopped", "--idle-exit", "1")
        _, stderr = finishing.communicate(timeout=120)
        assert finishing.returncode == 0, stderr[-2000:]
    assert sorted(queue.done()) == sorted(names)
    conn = open_reader(db)
    assert conn.query("SELECT count(*) FROM sites WHERE crawl_id = 'stopped' AND status = 'ok'")[0][0] == 20


def test_report_export_and_diff_commands_read_postgres_with_db(two_runs):
    out = two_runs["tmp"] / "cli-outputs"
    result = run_cli("report", "--db", two_runs["db"], "--out", str(out), "--crawl-id", "dist")
    assert (out / "dist" / "report" / "index.html").exists(), result.stdout
    run_cli("export", "--db", two_runs["db"], "--out", str(out), "--crawl-id", "dist", "--format", "csv")
    assert (out / "dist" / "data" / "findings.csv").exists()
    diff = run_cli("diff", "--db", two_runs["db"], "--out", str(out), "--from", "dist", "--to", "dist",
                   "--format", "json")
    assert '"from_crawl": "dist"' in diff.stdout
