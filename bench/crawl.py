"""Crawl throughput and memory: kzprivacy's HTTP scan beside a bare aiohttp fetch of the same pages.

    python bench/crawl.py --sites 300

Both run in the same session against the same generated sample sites, each in a
child process so that peak memory (max RSS) is measured separately. The figure
that matters is the ratio: these machines are shared and noisy, so absolute
numbers vary from run to run while the ratio holds.

A third client fetches the same pages: a bare Scrapy spider (Scrapy's default middlewares, the scan's
concurrency and reactor, no robots.txt, parsing, WARC or storage). It says how much of the gap to aiohttp
is the framework the scan is built on and how much is the scan's own work per page. The bare clients are
timed from their first request to their last, after their imports; the scan from the command's start,
so a scan of one site is timed too, to show the scan's fixed start-up cost.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, cast

ROOT = Path(__file__).resolve().parents[1]


def _child_peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


async def _fetch_all(urls: list[str], proxy: str, concurrency: int) -> int:
    import aiohttp

    sem = asyncio.Semaphore(concurrency)
    ok = 0
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
        async def one(url: str) -> None:
            nonlocal ok
            async with sem:
                try:
                    async with session.get(url, proxy=proxy, ssl=False) as response:
                        await response.read()
                        ok += 1
                except (aiohttp.ClientError, asyncio.TimeoutError):
                    pass
        await asyncio.gather(*(one(u) for u in urls))
    return ok


def baseline_main(urls_file: str, proxy: str, concurrency: int) -> None:
    """Child process: fetch every URL with aiohttp and print the figures as JSON."""
    urls = json.loads(Path(urls_file).read_text())
    started = time.perf_counter()
    ok = asyncio.run(_fetch_all(urls, proxy, concurrency))
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"pages": ok, "seconds": elapsed, "peak_mb": peak}))


def scrapy_main(urls_file: str, proxy: str, concurrency: int, reactor: str) -> None:
    """Child process: fetch every URL with a bare Scrapy spider (on the scan's `reactor`) and print the figures as
    JSON."""
    import scrapy
    from scrapy.crawler import CrawlerProcess

    urls = json.loads(Path(urls_file).read_text())
    fetched = 0

    class BareSpider(scrapy.Spider):
        name = "bare"

        async def start(self):  # type: ignore[override]
            for url in urls:
                yield scrapy.Request(url, meta={"proxy": proxy}, dont_filter=True)

        def parse(self, response: Any) -> None:
            nonlocal fetched
            fetched += 1

    process = CrawlerProcess({
        "CONCURRENT_REQUESTS": concurrency, "CONCURRENT_REQUESTS_PER_DOMAIN": 8, "DOWNLOAD_DELAY": 0,
        "ROBOTSTXT_OBEY": False, "LOG_LEVEL": "ERROR", "TELNETCONSOLE_ENABLED": False,
        "TWISTED_REACTOR": reactor,
    }, install_root_handler=False)
    process.crawl(BareSpider)
    started = time.perf_counter()
    process.start()
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"pages": fetched, "seconds": elapsed, "peak_mb": peak}))


def _child(mode: str, urls_file: Path, proxy: str, concurrency: int, *extra: str) -> dict[str, Any]:
    """Run this script as a bare client (`mode`: --baseline or --scrapy) in a child process; its figures."""
    result = subprocess.run([sys.executable, __file__, mode, str(urls_file), proxy, str(concurrency), *extra],
                            check=True, capture_output=True, text=True, cwd=ROOT)
    return cast("dict[str, Any]", json.loads(result.stdout.strip().splitlines()[-1]))


def run(sites: int, concurrency: int) -> None:
    from kzprivacy.crawler import settings
    from kzprivacy.sampleweb.server import SampleWeb

    with SampleWeb(generated=sites) as web, tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        domains = out / "domains.txt"
        from kzprivacy.sampleweb.manifest import sample_domains
        generated = [d for d in sample_domains(include_generated=sites) if d.startswith("gen-")]
        domains.write_text("\n".join(generated), encoding="utf-8")

        def scan(crawl_id: str, *extra: str, profile: Path | None = None, sites_file: Path = domains) -> float:
            prefix = [sys.executable, "-m", "cProfile", "-o", str(profile)] if profile else [sys.executable]
            started = time.perf_counter()
            subprocess.run([*prefix, "-m", "kzprivacy.cli", "scan", "-i", str(sites_file), "--out", str(out),
                            "--crawl-id", crawl_id, "--proxy", web.proxy_url, "--no-progress", *extra],
                           check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
            return time.perf_counter() - started

        # kzprivacy: the real CLI, as a user runs it, in a child process, with its polite defaults.
        crawl_seconds = scan("bench")
        crawl_peak = _child_peak_rss_mb()
        # The same with politeness off (no delay, no AutoThrottle): what the machinery itself costs.
        fast = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8"]
        fast_seconds = scan("bench-fast", *fast)
        # And the crawl alone (no analysis and outputs after it): the work the bare client does.
        crawl_only_seconds = scan("bench-crawl-only", *fast, "--no-analyze")
        # The scan's fixed cost (interpreter, imports, settings, the store, the crawler's start and end): a
        # scan of one site, the crawl alone, as above.
        one_site = out / "one-site.txt"
        one_site.write_text(generated[0], encoding="utf-8")
        startup_seconds = scan("bench-one-site", *fast, "--no-analyze", sites_file=one_site)
        profile = out / "scan.prof"
        scan("bench-profile", *fast, profile=profile)
        from kzprivacy.store import open_store

        with open_store(out / "kzprivacy.db", read_only=True) as store:
            pages = store.read_table("pages", "bench")
            urls = list(pages.loc[pages["status_code"].notna(), "url"])
            ok_sites = store.crawl_summary("bench")["statuses"].get("ok", 0)

        # Baseline: the same pages, fetched bare with aiohttp through the same proxy; and the framework's own
        # cost: a bare Scrapy spider over the same pages, as many requests at once as the scan.
        urls_file = out / "urls.json"
        urls_file.write_text(json.dumps(urls))
        base = _child("--baseline", urls_file, web.proxy_url, concurrency)
        bare_scrapy = _child("--scrapy", urls_file, web.proxy_url, settings.CONCURRENT_REQUESTS,
                             settings.TWISTED_REACTOR)

        shares = _profile_shares(profile)

    crawl_rate = len(urls) / crawl_seconds
    fast_rate = len(urls) / fast_seconds
    crawl_only_rate = len(urls) / crawl_only_seconds
    base_rate = base["pages"] / base["seconds"]
    scrapy_rate = bare_scrapy["pages"] / bare_scrapy["seconds"]
    # The crawl alone without its fixed start-up cost: what it does per page once running.
    steady_rate = len(urls) / max(crawl_only_seconds - startup_seconds, 1e-9)
    print(f"sites: {sites} generated, {ok_sites} scanned ok; pages: {len(urls)}")
    print(f"kzprivacy scan, polite defaults : {crawl_rate:8.1f} pages/s  ({crawl_seconds:6.1f} s, whole CLI run)  "
          f"peak RSS {crawl_peak:6.0f} MB")
    print(f"kzprivacy scan, politeness off  : {fast_rate:8.1f} pages/s  ({fast_seconds:6.1f} s)")
    print(f"  the same, --no-analyze        : {crawl_only_rate:8.1f} pages/s  ({crawl_only_seconds:6.1f} s, the crawl "
          "alone)")
    print(f"  a scan of one site            : {startup_seconds:6.1f} s (the fixed start-up cost); the crawl alone "
          f"without it: {steady_rate:8.1f} pages/s")
    print(f"aiohttp bare fetch              : {base_rate:8.1f} pages/s  ({base['seconds']:6.1f} s)  "
          f"peak RSS {base['peak_mb']:6.0f} MB")
    print(f"Scrapy bare spider              : {scrapy_rate:8.1f} pages/s  ({bare_scrapy['seconds']:6.1f} s)  "
          f"peak RSS {bare_scrapy['peak_mb']:6.0f} MB")
    print(f"ratio scan/bare: polite {crawl_rate / base_rate:.3f}x, politeness off {fast_rate / base_rate:.3f}x, "
          f"crawl alone {crawl_only_rate / base_rate:.3f}x, memory {crawl_peak / base['peak_mb']:.2f}x")
    print(f"ratio to the bare Scrapy spider: crawl alone {crawl_only_rate / scrapy_rate:.3f}x, without start-up "
          f"{steady_rate / scrapy_rate:.3f}x; the bare Scrapy spider itself {scrapy_rate / base_rate:.3f}x "
          "the aiohttp fetch")
    print("where the scan's time goes (politeness off, cProfile, own time by area; the waiting is time blocked, "
          "the rest CPU):")
    for area, share in shares:
        print(f"  {area:38s} {share:6.1%}")


# Modules grouped by what they do, to say what limits throughput.
AREAS = [
    # Time the process spends blocked, not computing: shown apart so the shares below it are CPU time.
    ("waiting (epoll, locks, sleeps; not CPU)", ("select.epoll", "time.sleep", "_thread.lock", "acquire'")),
    ("start-up (imports, data files)", ("<frozen importlib", "importlib", "marshal.", "builtins.compile",
                                        "__build_class__", "yaml/", "inspect.py")),
    ("storage (kzprivacy.store, SQLAlchemy, sqlite3)", ("kzprivacy/store", "sqlalchemy", "sqlite3",
                                                        "crawler/pipelines", "crawler/worker")),
    ("JOBDIR disk queues (queuelib, mkdir/rmdir)", ("posix.", "queuelib", "scrapy/squeues", "scrapy/pqueues",
                                                     "pickle", "crawler/queues")),
    ("parsing (kzprivacy.extract, the parse pool, lxml, parsel)", (
        "kzprivacy/extract", "crawler/extract", "crawler/parsepool", "lxml", "parsel", "cssselect", "w3lib",
        "multiprocessing", "concurrent/futures")),
    ("tracker lookup (kzprivacy.vocabulary.trackers)", ("vocabulary/trackers", "tldextract", "crawler/enrich")),
    ("form-field lexicon (kzprivacy.vocabulary.taxonomy)", ("vocabulary/taxonomy",)),
    ("WARC writing (warcio, gzip, zlib)", ("warcio", "gzip", "zlib", "crawler/middlewares")),
    ("network I/O and TLS (sockets, OpenSSL)", ("_socket", "socket.py", "_openssl", "OpenSSL", "ssl.py",
                                                "cryptography", "crawler/netguard", "service_identity")),
    ("the spider (crawler.spiders, kzprivacy.vocabulary)", ("crawler/spiders", "kzprivacy/vocabulary",
                                                            "crawler/errors", "crawler/items")),
    ("the CLI and the scan's set-up (kzprivacy.app, kzprivacy.cli, click, rich)", (
        "kzprivacy/app", "kzprivacy/cli", "click/", "rich/")),
    ("logging", ("logging/",)),
    # A scan ends with the analysis and the outputs (tables, XLSX, report), which `scan` runs unless
    # --no-analyze; in the whole CLI run's time, not in the bare fetch's.
    ("analysis and outputs after the crawl (kzprivacy.analysis, pandas, openpyxl, jinja2)", (
        "kzprivacy/analysis", "analysis/report/templates", "pandas/", "pyarrow", "numpy", "openpyxl", "jinja2",
        "markupsafe", "pymorphy", "dawg", "et_xmlfile", "xlsxwriter", "matplotlib", "PIL/", "fpdf", "weasyprint",
        "reportlab")),
    ("Scrapy, Twisted and asyncio (scheduling)", ("scrapy", "twisted", "asyncio", "selectors", "threading.py",
                                                  "contextvars", "Context' objects")),
]


def _area(filename: str, func: str) -> str | None:
    where = f"{filename}:{func}"
    for name, needles in AREAS:
        if any(n in where for n in needles):
            return name
    return None


def _profile_shares(path: Path) -> list[tuple[str, float]]:
    """Own CPU time by area. A function no area names (a C builtin such as isinstance or
    Context.run, a lambda) is charged to its callers' areas, in the proportion each caller spent
    in it, walking up until an area is found; only what no caller explains stays "other"."""
    import pstats

    stats = pstats.Stats(str(path)).stats
    totals = {name: 0.0 for name, _ in AREAS}
    totals["other"] = 0.0

    memo: dict[tuple, dict[str, float]] = {}

    def shares(func: tuple, depth: int = 0, path: frozenset = frozenset()) -> dict[str, float]:
        """How `func`'s own time divides over areas (memoised: the call graph is walked once)."""
        area = _area(func[0], func[2])
        if area is not None:
            return {area: 1.0}
        if func in memo:
            return memo[func]
        callers = stats.get(func, (0, 0, 0, 0, {}))[4]
        spent = sum(edge[2] for edge in callers.values())  # own time of `func` per calling edge
        if depth >= 8 or not callers or spent <= 0 or func in path:
            return {"other": 1.0}
        out: dict[str, float] = {}
        for caller, edge in callers.items():
            for name, part in shares(caller, depth + 1, path | {func}).items():
                out[name] = out.get(name, 0.0) + part * edge[2] / spent
        memo[func] = out
        return out

    for func, (_cc, _nc, tottime, _ct, _callers) in stats.items():
        for name, part in shares(func).items():
            totals[name] += tottime * part
    whole = sum(totals.values()) or 1.0
    return sorted(((k, v / whole) for k, v in totals.items()), key=lambda kv: -kv[1])


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--baseline":
        baseline_main(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--scrapy":
        os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
        scrapy_main(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
        return
    os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
    # (the parent only: the bare clients' children load no more than they need, their memory is measured)
    from kzprivacy.crawler import settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=300, help="generated sample sites (default 300)")
    parser.add_argument("--concurrency", type=int, default=settings.CONCURRENT_REQUESTS,
                        help="aiohttp's concurrent requests (default: the scan's CONCURRENT_REQUESTS, "
                             f"{settings.CONCURRENT_REQUESTS})")
    args = parser.parse_args()
    run(args.sites, args.concurrency)


if __name__ == "__main__":
    main()
