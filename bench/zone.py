"""A simulated .kz zone: kzprivacy's scan beside a bare aiohttp client doing the same work.

    python bench/zone.py                 # 10,000 simulated sites
    python bench/zone.py --sites 50000   # the memory target's size
    python bench/zone.py --sites 1000 --processes 2 --no-analyze

The zone is the sample web's generated sites with the real web's behaviour
(kzprivacy/sampleweb/zone.py): heavy-tailed latency on every answer, CONNECT and name
lookup, a sixth of the names dead, a few sites hanging until the timeout, http-only sites,
redirects to www., robots.txt, about five pages worth fetching a site. It runs behind the
local proxy in its own process, so the scan and the baseline meet the same web.

Each step runs in a child process whose memory is sampled every half second over its whole process
tree (crawl processes, parse workers, analysis workers), so the output shows whether memory grows with
the number of sites. Two sums are printed: RSS, which counts a page shared by several processes once
per process (every interpreter's shared libraries, the copy-on-write pages a forked analysis worker
shares with its parent), and PSS, which divides each shared page among its sharers: what the tree
takes from the machine.
The baseline is a bare aiohttp client fetching every URL the scan fetched (and each host's
robots.txt) once, at high concurrency, with the same timeout: the latency-bound limit of
this work through this proxy. The figure that matters is the ratio; absolute rates move
with the machine's load. The extrapolation to the whole zone assumes the rate stays flat,
which the RSS samples and the rate per quarter let you check.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this worktree's kzprivacy, not an installed one
ZONE_DOMAINS = 172_000


# --------------------------------------------------------------------------- memory of a process tree


def _pss_bytes(pid: int) -> int:
    """The process's proportional set size: its private pages plus its share of pages it shares."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        pass
    return 0


def _tree_memory_mb(root: int) -> tuple[float, float]:
    """(RSS, PSS) of `root` and all its descendants, summed, in MB (from /proc).

    Summed RSS counts a page shared by several processes once per process: the shared libraries of
    every Python process, and the copy-on-write pages a forked analysis worker shares with its parent.
    Summed PSS divides each shared page among its sharers: what the tree takes from the machine."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read().rsplit(b")", 1)[1].split()
            parents[int(entry)] = int(stat[1])
            rss[int(entry)] = int(stat[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total_rss = total_pss = 0
    todo, seen = [root], set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total_rss += rss.get(pid, 0)
        total_pss += _pss_bytes(pid)
        todo += [child for child, parent in parents.items() if parent == pid]
    return total_rss / 2**20, total_pss / 2**20


class Sampled:
    """Run a command; sample its process tree's RSS and PSS every `every` seconds."""

    def __init__(self, cmd: list[str], every: float = 0.5, **popen):
        self.cmd, self.every, self.popen = cmd, every, popen
        self.samples: list[tuple[float, float, float]] = []  # (seconds since start, RSS MB, PSS MB)

    def run(self) -> float:
        started = time.perf_counter()
        proc = subprocess.Popen(self.cmd, **self.popen)
        stop = threading.Event()

        def sample() -> None:
            while not stop.is_set():
                self.samples.append((time.perf_counter() - started, *_tree_memory_mb(proc.pid)))
                stop.wait(self.every)

        thread = threading.Thread(target=sample, daemon=True)
        thread.start()
        code = proc.wait()
        stop.set()
        thread.join()
        if code != 0:
            raise SystemExit(f"{' '.join(self.cmd[:6])} ... failed with exit code {code}")
        return time.perf_counter() - started

    @property
    def peak(self) -> float:
        """Peak summed RSS, MB."""
        return max((sample[1] for sample in self.samples), default=0.0)

    @property
    def peak_pss(self) -> float:
        """Peak summed PSS, MB."""
        return max((sample[2] for sample in self.samples), default=0.0)

    def profile(self, points: int = 5, column: int = 1) -> str:
        """RSS (column 1) or PSS (column 2) at evenly spaced moments of the run: 'MB@%' pairs."""
        if not self.samples:
            return "-"
        end = self.samples[-1][0] or 1.0
        out = []
        for i in range(1, points + 1):
            t = end * i / points
            mb = min(self.samples, key=lambda s: abs(s[0] - t))[column]  # the sample nearest that moment
            out.append(f"{mb:.0f}@{100 * i // points}%")
        return " ".join(out)


# --------------------------------------------------------------------------- the baseline


def steady_rate(times: list[float]) -> float:
    """Completions per second between the 10th and the 90th percentile of the completion times: the rate
    once the run is under way, without its start-up and its tail (the last sites wait out their timeouts,
    a fixed cost that a run of 2,000 sites shows and a run of 172,000 spreads thin)."""
    times = sorted(times)
    if len(times) < 10:
        return float("nan")
    lo, hi = times[len(times) // 10], times[len(times) * 9 // 10]
    return (len(times) * 9 // 10 - len(times) // 10) / max(hi - lo, 1e-9)


async def _fetch_all(urls: list[str], proxy: str, concurrency: int, timeout: float) -> dict[str, Any]:
    import aiohttp

    sem = asyncio.Semaphore(concurrency)
    counts: dict[str, Any] = {"ok": 0, "failed": 0, "done_at": []}
    connector = aiohttp.TCPConnector(limit=concurrency, ssl=False)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=timeout)) as session:
        async def one(url: str) -> None:
            async with sem:
                try:
                    async with session.get(url, proxy=proxy, allow_redirects=True) as response:
                        await response.read()
                        counts["ok"] += 1
                except (aiohttp.ClientError, asyncio.TimeoutError, OSError):
                    counts["failed"] += 1
                counts["done_at"].append(time.perf_counter())
        await asyncio.gather(*(one(u) for u in urls))
    return counts


def baseline_main(urls_file: str, proxy: str, concurrency: int, timeout: float) -> None:
    """Child process: fetch every URL with aiohttp and print the figures as JSON."""
    urls = json.loads(Path(urls_file).read_text())
    started = time.perf_counter()
    counts = asyncio.run(_fetch_all(urls, proxy, concurrency, timeout))
    steady = steady_rate(counts.pop("done_at"))
    print(json.dumps({**counts, "seconds": time.perf_counter() - started, "steady_per_s": steady}))


def same_work(db: Path, crawl_id: str) -> list[str]:
    """Every URL the scan fetched or tried, once, and robots.txt of every scheme and host among them."""
    conn = sqlite3.connect(db)
    try:
        urls = [r[0] for r in conn.execute("SELECT DISTINCT url FROM pages WHERE crawl_id = ?", (crawl_id,))]
    finally:
        conn.close()
    origins = {u.split("/", 3)[0] + "//" + u.split("/", 3)[2] for u in urls if u.count("/") >= 2}
    return [o + "/robots.txt" for o in sorted(origins)] + urls


# --------------------------------------------------------------------------- a bigger crawl to analyse


CRAWL_TABLES = ("sites", "pages", "policies", "forms", "form_fields", "cookies", "requests", "inline_trackers",
                "storage")


def replicate(db: Path, crawl_id: str, copies: int) -> int:
    """Copy every site's crawl rows `copies` times under new names (site "x.kz" -> "x.kz-c1", ...),
    so that the analysis meets a crawl `copies + 1` times larger; returns the sites in the crawl.
    The copies share their policies' texts with the originals, as template-built sites do."""
    conn = sqlite3.connect(db)
    last = {t: conn.execute(f"SELECT max(rowid) FROM {t}").fetchone()[0] or 0 for t in CRAWL_TABLES
            if conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (t,)).fetchone()}
    with conn:
        for c in range(1, copies + 1):
            for table in CRAWL_TABLES:
                columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
                if table not in last:
                    continue
                picked = ", ".join(f"site || '-c{c}'" if col == "site" else f'"{col}"' for col in columns)
                conn.execute(f'INSERT INTO {table} ({", ".join(chr(34) + c2 + chr(34) for c2 in columns)}) '
                             f"SELECT {picked} FROM {table} WHERE crawl_id = ? AND rowid <= ?",
                             (crawl_id, last[table]))
    total = conn.execute("SELECT count(*) FROM sites WHERE crawl_id = ?", (crawl_id,)).fetchone()[0]
    conn.close()
    return total


# --------------------------------------------------------------------------- the run


def _start_proxy(sites: int, hang: float) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-m", "kzprivacy.sampleweb", "--generated", str(sites), "--zone",
                             "--hang-seconds", str(hang)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    url = proc.stdout.readline().strip()
    if not url.startswith("http://"):
        proc.kill()
        raise SystemExit("the sample web did not start")
    return proc, url


def _zone_counts(sites: int) -> dict[str, int]:
    from kzprivacy.sampleweb.zone import zone_behaviour

    counts = {"dead": 0, "hanging": 0, "http_only": 0, "www": 0}
    for i in range(1, sites + 1):
        b = zone_behaviour(i)
        counts["dead"] += b.get("dns") == "fail"
        counts["hanging"] += bool(b.get("hang"))
        counts["http_only"] += b.get("https") == "refuse"
        counts["www"] += bool(b.get("redirect_www"))
    return counts


def run(args: argparse.Namespace) -> None:
    env = {**os.environ, "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": ""}
    proxy, proxy_url = _start_proxy(args.sites, hang=args.timeout * 3)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp)
            domains = out / "domains.txt"
            domains.write_text("\n".join(f"gen-{i:05d}-demo.kz" for i in range(1, args.sites + 1)), encoding="utf-8")
            scan_cmd = [sys.executable, "-m", "kzprivacy.cli", "scan", "-i", str(domains), "--out", str(out),
                        "--crawl-id", "zone", "--proxy", proxy_url, "--no-progress", "--no-analyze",
                        "--timeout", str(args.timeout)]
            if args.processes > 1:
                scan_cmd += ["--processes", str(args.processes)]
            for override in args.set or []:
                scan_cmd += ["-s", override]
            scan = Sampled(scan_cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
            scan_seconds = scan.run()
            db = out / "kzprivacy.db"
            conn = sqlite3.connect(db)
            pages = conn.execute("SELECT count(*) FROM pages WHERE crawl_id='zone' AND status_code IS NOT NULL"
                                 ).fetchone()[0]
            statuses = dict(conn.execute("SELECT status, count(*) FROM sites WHERE crawl_id='zone' GROUP BY status"))
            finished = list(conn.execute(
                "SELECT finished_at FROM sites WHERE crawl_id='zone' AND finished_at IS NOT NULL ORDER BY finished_at"))
            conn.close()

            analyze = None
            analyzed = args.sites
            if args.analyze_copies:
                analyzed = replicate(db, "zone", args.analyze_copies)
            if not args.no_analyze:
                analyze = Sampled([sys.executable, "-m", "kzprivacy.cli", "analyze", "--out", str(out),
                                   "--crawl-id", "zone"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
                analyze_seconds = analyze.run()

            urls = same_work(db, "zone")
            urls_file = out / "urls.json"
            urls_file.write_text(json.dumps(urls))
            with open(out / "bare.json", "w") as bare_out:
                bare = Sampled([sys.executable, __file__, "--baseline", str(urls_file), proxy_url,
                                str(args.concurrency), str(args.timeout)], cwd=ROOT, env=env, stdout=bare_out)
                bare_seconds = bare.run()
            base = json.loads((out / "bare.json").read_text().strip().splitlines()[-1])
    finally:
        proxy.terminate()
        proxy.wait(10)

    zone = _zone_counts(args.sites)
    n = args.sites
    print(f"zone: {n} sites ({zone['dead']} dead names, {zone['hanging']} hanging, {zone['http_only']} http-only, "
          f"{zone['www']} redirecting to www.); timeout {args.timeout:.0f} s")
    print(f"site statuses: {', '.join(f'{k}={v}' for k, v in sorted(statuses.items(), key=lambda kv: -kv[1]))}")
    print(f"kzprivacy scan   : {scan_seconds:7.1f} s  {n / scan_seconds:7.1f} sites/s"
          f"  {pages / scan_seconds:7.1f} pages/s"
          f"  peak RSS {scan.peak:5.0f} MB, PSS {scan.peak_pss:5.0f} MB"
          + (f"  [{args.processes} processes]" if args.processes > 1 else ""))
    print(f"  memory over the scan, MB@share of time: RSS {scan.profile()}; PSS {scan.profile(column=2)}")
    print(f"bare aiohttp     : {bare_seconds:7.1f} s  {n / bare_seconds:7.1f} sites/s  "
          f"{len(urls) / bare_seconds:7.1f} requests/s  ({len(urls)} URLs, {base['ok']} answered, "
          f"concurrency {args.concurrency})  peak RSS {bare.peak:5.0f} MB")
    print(f"ratio scan/bare  : {bare_seconds / scan_seconds:.2f}x (time of the bare client over the scan's)")
    print(f"extrapolated to {ZONE_DOMAINS:,} domains: scan {scan_seconds * ZONE_DOMAINS / n / 3600:.2f} h, "
          f"bare client {bare_seconds * ZONE_DOMAINS / n / 3600:.2f} h")
    if finished:
        quarters = [finished[min(len(finished) - 1, len(finished) * q // 4)][0] for q in range(1, 5)]
        print(f"sites finished by quarter of the list (UTC): {' '.join(q[11:19] for q in quarters)}")
        scan_steady = steady_rate([datetime.fromisoformat(f[0].replace("Z", "+00:00")).timestamp() for f in finished])
        bare_steady = base["steady_per_s"] * n / len(urls)   # URLs/s as sites/s: the scan's URLs per site
        print(f"steady rates (10th-90th percentile of completions): scan {scan_steady:.1f} sites/s, bare client "
              f"{bare_steady:.1f} sites/s: {scan_steady / bare_steady:.2f}x; at these rates {ZONE_DOMAINS:,} "
              f"domains take {ZONE_DOMAINS / scan_steady / 3600:.2f} h and {ZONE_DOMAINS / bare_steady / 3600:.2f} h")
    if analyze is not None:
        copies = f" (the scanned sites and {args.analyze_copies} renamed copies)" if args.analyze_copies else ""
        print(f"kzprivacy analyze: {analyze_seconds:7.1f} s  {analyzed / analyze_seconds:7.1f} sites/s  "
              f"peak RSS {analyze.peak:5.0f} MB, PSS {analyze.peak_pss:5.0f} MB; {analyzed} sites{copies}")
        print(f"  memory over analyze, MB@share of time: RSS {analyze.profile()}; PSS {analyze.profile(column=2)}")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--baseline":
        baseline_main(sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=10_000, help="simulated sites (default 10,000; at most 99,999)")
    parser.add_argument("--processes", type=int, default=1, help="kzprivacy scan --processes N (default 1)")
    parser.add_argument("--concurrency", type=int, default=512, help="the bare client's requests in flight")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds per request, both clients (default 20)")
    parser.add_argument("--no-analyze", action="store_true", help="skip `kzprivacy analyze` after the scan")
    parser.add_argument("--analyze-copies", type=int, default=0, metavar="K",
                        help="before `kzprivacy analyze`, copy the scanned sites K times under new names "
                             "(a crawl K+1 times larger, to show the analysis' memory stays flat)")
    parser.add_argument("-s", "--set", action="append", metavar="NAME=VALUE", help="a setting for the scan")
    args = parser.parse_args()
    run(args)


if __name__ == "__main__":
    main()
