"""Distributed crawl throughput: one worker against two, on the same generated sites, in the same run.

    python bench/distributed.py --sites 300

Starts a throw-away PostgreSQL and Redis on loopback (kzprivacy/app/scale/local.py) and the sample
web with generated sites, then for 1 and 2 workers: a fresh database, `kzprivacy enqueue`, the
workers as child processes (`kzprivacy worker`, as a user runs them), timed from their launch
until Redis has every site done. A single-process `kzprivacy scan` of the same sites into SQLite
runs beside them as the baseline. CPU seconds are the workers' own (user + system), so
"CPU ms/page" says how much machine a page costs, whatever the wall clock did.

On one 2-core machine the sample web (in this process), PostgreSQL, Redis and the workers share
the cores: two workers gain here only because a polite crawl waits on per-site delays more than
it computes; across machines each worker also brings its own CPU. Figures: docs/operations.md.
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _cpu_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "kzprivacy.cli", *args]


def run_workers(count: int, domains: Path, pg, redis_url: str, proxy: str, out: Path, extra: list[str],
                worker_args: list[str], attempt: int) -> dict:
    from kzprivacy.app.scale.queue import SiteQueue
    crawl_id = f"bench-{count}w-{attempt}"
    db = pg.create_database(crawl_id.replace("-", "_"))
    subprocess.run(_cli("enqueue", "-i", str(domains), "--redis", redis_url, "--db", db, "--crawl-id", crawl_id,
                        *extra), check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    queue = SiteQueue(redis_url, crawl_id)
    total = queue.counts()["pending"]
    cpu_before = _cpu_children()
    started = time.perf_counter()
    procs = [subprocess.Popen(_cli("worker", "--redis", redis_url, "--db", db, "--crawl-id", crawl_id,
                                   "--out", str(out / f"w{i}"), "--proxy", proxy, "--idle-exit", "0.5", *worker_args),
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
             for i in range(count)]
    try:
        while len(queue.done()) < total:
            if all(p.poll() is not None for p in procs):
                raise RuntimeError("the workers stopped before the crawl was done")
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        for p in procs:
            p.wait(timeout=120)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    cpu = _cpu_children() - cpu_before
    pages, ok = _pages_and_ok(db, crawl_id)
    return {"label": f"{count} worker{'s' if count > 1 else ''} -> PostgreSQL", "pages": pages, "ok": ok,
            "seconds": seconds, "cpu": cpu}


def _pages_and_ok(db: str | Path, crawl_id: str) -> tuple[int, int]:
    """Pages fetched and sites crawled without error, as the store counts them."""
    from kzprivacy.store import open_store

    with open_store(db, read_only=True) as store:
        summary = store.crawl_summary(crawl_id)
    return summary["pages"], summary["statuses"].get("ok", 0)


def run_single(domains: Path, proxy: str, out: Path, extra: list[str], attempt: int) -> dict:
    cpu_before = _cpu_children()
    started = time.perf_counter()
    crawl_id = f"single-{attempt}"
    subprocess.run(_cli("scan", "-i", str(domains), "--out", str(out), "--crawl-id", crawl_id, "--proxy", proxy,
                        "--no-progress", "--no-analyze", *extra), check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    cpu = _cpu_children() - cpu_before
    pages, ok = _pages_and_ok(out / "kzprivacy.db", crawl_id)
    return {"label": "kzprivacy scan -> SQLite (baseline)", "pages": pages, "ok": ok, "seconds": seconds, "cpu": cpu}


def _median(runs: list[dict]) -> dict:
    """The run with the median pages/s (its own seconds and CPU, not a blend)."""
    ordered = sorted(runs, key=lambda r: r["pages"] / r["seconds"])
    chosen = dict(ordered[len(ordered) // 2])
    chosen["spread"] = [round(r["pages"] / r["seconds"], 1) for r in runs]
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=300, help="generated sample sites (default 300)")
    parser.add_argument("--fast", action="store_true",
                        help="politeness off (no delay, no AutoThrottle, 8 per site): what the machinery costs")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the median is shown (default 3)")
    parser.add_argument("--sites-at-once", type=int, help="the workers' --sites (default: theirs)")
    args = parser.parse_args()
    os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
    # A plain kill still stops the servers this run started (the with-blocks below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    from kzprivacy.sampleweb.manifest import sample_domains
    from kzprivacy.sampleweb.server import SampleWeb
    from kzprivacy.app.scale.local import LocalPostgres, LocalRedis, missing_servers

    problem = missing_servers()
    if problem:
        sys.exit(f"cannot run: {problem}")
    extra = (["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8"]
             if args.fast else [])
    with LocalPostgres() as pg, LocalRedis() as redis, SampleWeb(generated=args.sites) as web, \
            tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        domains = out / "domains.txt"
        domains.write_text("\n".join(d for d in sample_domains(include_generated=args.sites) if d.startswith("gen-")),
                           encoding="utf-8")
        worker_args = ["--sites", str(args.sites_at_once)] if args.sites_at_once else []
        runs: dict[str, list[dict]] = {"single": [], "1": [], "2": []}
        for attempt in range(args.repeat):  # interleaved, so that a noisy minute hits every kind alike
            runs["single"].append(run_single(domains, web.proxy_url, out / "single", extra, attempt))
            for count in (1, 2):
                runs[str(count)].append(run_workers(count, domains, pg, redis.url, web.proxy_url, out, extra,
                                                    worker_args, attempt))
        results = [_median(runs[k]) for k in ("single", "1", "2")]
    print(f"sites: {args.sites} generated; {'politeness off' if args.fast else 'polite defaults'}; "
          f"median of {args.repeat} runs each; "
          f"{os.cpu_count()} cores shared by the sample web, PostgreSQL, Redis and the crawlers")
    print(f"{'run':38s} {'sites ok':>8s} {'pages':>6s} {'seconds':>8s} {'pages/s':>8s} {'CPU ms/page':>12s}  all runs")
    for r in results:
        print(f"{r['label']:38s} {r['ok']:8d} {r['pages']:6d} {r['seconds']:8.1f} {r['pages'] / r['seconds']:8.1f} "
              f"{1000 * r['cpu'] / max(r['pages'], 1):12.1f}  {r['spread']}")
    one, two = results[1], results[2]
    print(f"two workers / one worker: {(two['pages'] / two['seconds']) / (one['pages'] / one['seconds']):.2f}x")


if __name__ == "__main__":
    main()
