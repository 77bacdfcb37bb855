"""SIGTERM in the middle of a crawl: the scan stops, keeps what it wrote, and --resume completes it.

The 2-second target itself is measured by bench/hostile.py (no timed tests); here the process only has
to stop long before the hanging site's download timeout would have ended it."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from kzprivacy.sampleweb import SampleWeb

ROOT = Path(__file__).resolve().parents[1]
SITES = ["hanging-demo.kz", "tlshang-demo.kz", "drip-demo.kz", "kitap-demo.kz", "slow-demo.kz", "medshop-demo.kz"]


def _scan(out: Path, proxy: str, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kzprivacy.cli", "scan", *extra, "--proxy", proxy, "--out",
                             str(out), "--crawl-id", "stop", "--timeout", "60", "--no-progress", "--no-analyze"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_sigterm_mid_crawl_stops_keeps_rows_and_resume_completes(tmp_path):
    with SampleWeb(hang_seconds=120) as web:
        process = _scan(tmp_path, web.proxy_url, *SITES)
        log = tmp_path / "stop" / "crawl.log"
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and process.poll() is None:
            # Wait until the hanging sites are in flight and another site has been written.
            if log.exists() and "Spider opened" in log.read_text(errors="replace") and web.served("hanging-demo.kz") \
                    and web.served("kitap-demo.kz", "/privacy"):
                break
            time.sleep(0.2)
        time.sleep(1.0)
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=40)  # the hanging site alone would hold it 60 s
        assert process.returncode == 130, err[-2000:]
        assert "--resume" in out
        db = sqlite3.connect(tmp_path / "kzprivacy.db")
        assert db.execute("SELECT status FROM crawls WHERE crawl_id = 'stop'").fetchone()[0] == "interrupted"
        statuses = dict(db.execute("SELECT site, status FROM sites WHERE crawl_id = 'stop'"))
        assert statuses["hanging-demo.kz"] == "pending"  # stopped while it hung
        assert db.execute("SELECT COUNT(*) FROM pages WHERE crawl_id = 'stop' AND site = 'kitap-demo.kz'").fetchone()[0]
        db.close()

        resumed = subprocess.run([sys.executable, "-m", "kzprivacy.cli", "scan", "--resume", "--proxy", web.proxy_url,
                                  "--out", str(tmp_path), "--crawl-id", "stop", "--timeout", "3", "--no-progress",
                                  "--no-analyze"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    db = sqlite3.connect(tmp_path / "kzprivacy.db")
    statuses = dict(db.execute("SELECT site, status FROM sites WHERE crawl_id = 'stop'"))
    assert statuses["hanging-demo.kz"] == "timeout" and statuses["kitap-demo.kz"] == "ok"
    assert "pending" not in statuses.values()
    assert db.execute("SELECT status FROM crawls WHERE crawl_id = 'stop'").fetchone()[0] == "finished"
    # no page twice
    assert db.execute("SELECT COUNT(*) = COUNT(DISTINCT site || url) FROM pages WHERE crawl_id = 'stop'").fetchone()[0]


def test_sigterm_before_the_crawl_starts_leaves_a_resumable_crawl(tmp_path):
    with SampleWeb() as web:
        process = _scan(tmp_path, web.proxy_url, "kitap-demo.kz")
        log = tmp_path / "stop" / "crawl.log"
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and not (log.exists() and "Spider opened" in log.read_text(errors="replace")):
            time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=40)
        assert process.returncode in (130, 0)  # a crawl that had already ended is fine too
        resumed = subprocess.run([sys.executable, "-m", "kzprivacy.cli", "scan", "--resume", "--proxy", web.proxy_url,
                                  "--out", str(tmp_path), "--crawl-id", "stop", "--timeout", "5", "--no-progress",
                                  "--no-analyze"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    db = sqlite3.connect(tmp_path / "kzprivacy.db")
    assert dict(db.execute("SELECT site, status FROM sites WHERE crawl_id = 'stop'")) == {"kitap-demo.kz": "ok"}


def test_sigterm_to_a_scan_of_several_processes_stops_them_all_and_resume_completes(tmp_path):
    """`kzprivacy scan --processes 2`: the parent passes SIGTERM on to its crawl processes; none is left running."""
    import os

    with SampleWeb(hang_seconds=120) as web:
        process = _scan(tmp_path, web.proxy_url, *SITES, "--processes", "2")
        logs = [tmp_path / "stop" / f"crawl-{i}.log" for i in (0, 1)]
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and process.poll() is None:
            if all(log.exists() and "Spider opened" in log.read_text(errors="replace") for log in logs) \
                    and web.served("hanging-demo.kz"):
                break
            time.sleep(0.2)
        time.sleep(1.0)
        children = subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True, text=True).stdout.split()
        assert children, "the crawl processes had not started"
        process.send_signal(signal.SIGTERM)  # to the parent only, as a service manager's kill of one pid
        out, err = process.communicate(timeout=40)
        assert process.returncode == 130, err[-2000:]
        assert "--resume" in out
        time.sleep(0.5)
        assert [pid for pid in children if os.path.exists(f"/proc/{pid}")
                and Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"] == []
        db = sqlite3.connect(tmp_path / "kzprivacy.db")
        assert db.execute("SELECT status FROM crawls WHERE crawl_id = 'stop'").fetchone()[0] == "interrupted"
        db.close()

        resumed = subprocess.run([sys.executable, "-m", "kzprivacy.cli", "scan", "--resume", "--proxy", web.proxy_url,
                                  "--out", str(tmp_path), "--crawl-id", "stop", "--timeout", "3", "--no-progress",
                                  "--no-analyze"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    db = sqlite3.connect(tmp_path / "kzprivacy.db")
    statuses = dict(db.execute("SELECT site, status FROM sites WHERE crawl_id = 'stop'"))
    assert "pending" not in statuses.values() and statuses["kitap-demo.kz"] == "ok"
    assert db.execute("SELECT COUNT(*) = COUNT(DISTINCT site || url) FROM pages WHERE crawl_id = 'stop'").fetchone()[0]
