"""Scan the hostile web beside a control site, as the test and the benchmark both do it."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
CONTROL = "kitap-demo.kz"
# Columns that differ between two scans of the same bytes (when, where in which WARC file).
VOLATILE = {"crawl_id", "fetched_at", "warc_file", "warc_record_id", "warc_offset", "started_at", "finished_at",
            "value_length", "expires"}
CONTROL_TABLES = ("pages", "cookies", "requests", "inline_trackers", "forms", "form_fields", "policies")


@dataclass
class ScanResult:
    seconds: float
    peak_rss_mb: float
    returncode: int
    stderr: str
    db: Path
    stop_seconds: float | None = None   # SIGTERM to exit, when one was sent


def prepare() -> None:
    """Make every hostile payload now (bombs.py caches them per process), so that the scan measures the
    crawler, not the sample web generating a 200 MB bomb on the first request."""
    from kzprivacy.sampleweb import bombs, load_hostile

    for case in load_hostile()["cases"]:
        for route in (case.get("routes") or {}).values():
            if isinstance(route, dict) and route.get("generate"):
                bombs.payload(route["generate"], tuple(sorted((route.get("args") or {}).items())))


def scan(domains: list[str], proxy: str, out: Path, crawl_id: str, timeout: float,
         sigterm_after: float | None = None, extra: tuple[str, ...] = ()) -> ScanResult:
    """`kzprivacy scan` in its own process; its wall time and peak resident memory (wait4's ru_maxrss).
    With `sigterm_after`, SIGTERM is sent that many seconds after the start and the time to exit measured."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.monotonic()
    process = subprocess.Popen([sys.executable, "-m", "kzprivacy.cli", "scan", *domains, "--proxy", proxy,
                                "--out", str(out), "--crawl-id", crawl_id, "--timeout", str(timeout),
                                "--no-progress", "--no-analyze", *extra], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = b""
    stop_seconds = None
    if sigterm_after is not None:
        while time.monotonic() - start < sigterm_after and process.poll() is None:
            time.sleep(0.02)
        if process.poll() is None:
            sent = time.monotonic()
            process.send_signal(signal.SIGTERM)
            _, status, usage = os.wait4(process.pid, 0)
            stop_seconds = time.monotonic() - sent
    if stop_seconds is None:
        _, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - start
    if process.stderr is not None:
        stderr = process.stderr.read()
    process.returncode = os.waitstatus_to_exitcode(status)
    return ScanResult(seconds, usage.ru_maxrss / 1024, process.returncode, stderr.decode("utf-8", "replace"),
                      out / "kzprivacy.db", stop_seconds)


def site_rows(db: Path, crawl_id: str, site: str) -> dict[str, list[tuple]]:
    """Every row a site left in the contract's tables, volatile columns removed, sorted."""
    conn = sqlite3.connect(db)
    try:
        out = {}
        for table in CONTROL_TABLES:
            cursor = conn.execute(f"SELECT * FROM {table} WHERE crawl_id = ? AND site = ?", (crawl_id, site))
            names = [d[0] for d in cursor.description]
            keep = [i for i, name in enumerate(names) if name not in VOLATILE]
            out[table] = sorted((tuple(row[i] for i in keep) for row in cursor.fetchall()), key=repr)
        return out
    finally:
        conn.close()
