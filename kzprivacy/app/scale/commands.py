"""`kzprivacy enqueue`, `kzprivacy worker` and `kzprivacy status`: one crawl on many machines.

    kzprivacy enqueue -i domains.txt --redis redis://HOST:6379/0 --db postgresql://USER@HOST/kz
    kzprivacy worker --redis redis://HOST:6379/0 --db postgresql://USER@HOST/kz     # on each machine
    kzprivacy status --db postgresql://USER@HOST/kz [--redis redis://HOST:6379/0]

The database (PostgreSQL) holds the results, the same tables as a single-machine scan; Redis
holds the queue of sites (kzprivacy/app/scale/queue.py). docs/operations.md tells how to run it.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import click

import kzprivacy

DEFAULT_OUT = "output"
REDIS_ENV, DB_ENV = "KZPRIVACY_REDIS_URL", "KZPRIVACY_DB_URL"

__all__ = ["enqueue", "worker", "status", "worker_settings", "mask_url"]


def mask_url(url: str) -> str:
    """A URL fit to print: its password replaced by ***."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def _redis_option(required: bool = True):
    return click.option("--redis", "redis_url", required=required, envvar=REDIS_ENV, metavar="URL",
                        help=f"Redis holding the queue of sites, redis://HOST:PORT/DB (or ${REDIS_ENV}).")


def _db_option(required: bool = True, help_extra: str = ""):
    return click.option("--db", required=required, envvar=DB_ENV, metavar="URL",
                        help="Database for the results: postgresql://USER[:PASSWORD]@HOST[:PORT]/NAME, or a SQLite "
                             f"file (or ${DB_ENV}).{help_extra}")


def _crawl_settings(max_pages: int, user_agent: str | None, ignore_robots: bool, timeout: float | None,
                    consent: str | None, overrides: dict[str, str]) -> dict[str, Any]:
    # The same record `kzprivacy scan` keeps in crawls.settings, plus the -s overrides every worker applies.
    return {"max_pages": max_pages, "proxy": None, "ignore_robots": ignore_robots, "timeout": timeout,
            "user_agent": user_agent, "consent": consent, "overrides": overrides}


# --------------------------------------------------------------------------- enqueue


@click.command()
@click.argument("domains", nargs=-1)
@click.option("-i", "--input", "input_file", type=click.Path(exists=True, dir_okay=False),
              help="File of domains or URLs, one a line (# comments), or a CSV with a domain or site column.")
@_redis_option()
@_db_option()
@click.option("--crawl-id", help="Name of the crawl (default: a UTC timestamp). Again with no DOMAINS/--input: "
                                 "queue that crawl's unfinished sites again (after Redis lost its data).")
@click.option("--max-pages", type=click.IntRange(1, 500), default=20, show_default=True,
              help="Pages per site, home page included.")
@click.option("--user-agent", help="User-Agent header (default names kzprivacy and its URL).")
@click.option("--ignore-robots", is_flag=True, help="Do not obey robots.txt (obeyed by default).")
@click.option("--timeout", type=float, help="Seconds to wait for a response (default 20).")
@click.option("-s", "--set", "overrides", multiple=True, metavar="NAME=VALUE",
              help="A Scrapy or kzprivacy setting every worker applies to this crawl.")
@click.option("--render", is_flag=True, help="A browser-mode crawl: workers need --render (and Chromium).")
@click.option("--consent", type=click.Choice(["none", "accept"]), default="none", show_default=True,
              help="With --render: also click the cookie banner's accept button and record again.")
@click.option("--lease", "lease_seconds", type=click.FloatRange(1, 86400), default=120, show_default=True,
              help="Seconds a worker's hold on a site lasts unless renewed: after a worker dies, its sites "
                   "return to the queue within this time.")
def enqueue(domains: tuple[str, ...], input_file: str | None, redis_url: str, db: str, crawl_id: str | None,
            max_pages: int, user_agent: str | None, ignore_robots: bool, timeout: float | None,
            overrides: tuple[str, ...], render: bool, consent: str, lease_seconds: float) -> None:
    """Register a crawl in the database and put its sites on the shared queue for `kzprivacy worker`."""
    from kzprivacy.cli import _new_crawl_id, _parse_overrides
    from kzprivacy.vocabulary.domains import parse_entries, read_entries
    from kzprivacy.app.scale.queue import SiteQueue, valid_crawl_id
    from kzprivacy.store import Store

    if consent != "none" and not render:
        raise click.UsageError("--consent needs --render (clicking a banner takes a browser)")
    entries, rejected = parse_entries(list(domains))
    if input_file:
        more, bad = read_entries(input_file)
        known = {e.site for e in entries}
        entries += [e for e in more if e.site not in known]
        rejected += bad
    for entry, reason in rejected:
        click.echo(f"skipped {entry!r}: {reason}", err=True)
    if crawl_id and not valid_crawl_id(crawl_id):
        raise click.UsageError("--crawl-id: use letters, digits, _ . : - only (it names Redis keys and folders)")
    store = Store(db)
    try:
        if entries:
            crawl_id = crawl_id or _new_crawl_id()
            mode = "browser" if render else "http"
            settings = _crawl_settings(max_pages, user_agent, ignore_robots, timeout,
                                       consent if render else None, _parse_overrides(overrides))
            rows = [{"site": e.site, "input": e.input, "ascii_host": e.ascii_host, "start_url": e.start_url}
                    for e in entries]
            rows += [{"site": entry[:255], "input": entry, "status": "invalid", "error": reason}
                     for entry, reason in rejected]
            store.begin_crawl(crawl_id, mode=mode, tool_version=kzprivacy.__version__, settings=settings, sites=rows)
        elif crawl_id:  # again: rebuild the queue from the database, which knows what is unfinished
            found = store.query("SELECT mode, settings FROM crawls WHERE crawl_id = ?", (crawl_id,))
            if not found:
                raise click.UsageError(f"no crawl {crawl_id!r} in the database: give DOMAINS or --input")
            mode, settings = found[0]["mode"], json.loads(found[0]["settings"] or "{}")
            store.query("UPDATE crawls SET status = 'running', finished_at = NULL WHERE crawl_id = ?", (crawl_id,))
        else:
            raise click.UsageError("no valid domains to enqueue (give DOMAINS or --input)")
        inputs = {r["site"]: r["input"] or r["site"] for r in store.query(
            "SELECT site, input FROM sites WHERE crawl_id = ? AND status = 'pending'", (crawl_id,))}
        pending = store.pending_sites(crawl_id)
    finally:
        store.close()
    queue = SiteQueue(redis_url, crawl_id, lease_seconds=lease_seconds)
    queue.register({"crawl_id": crawl_id, "mode": mode, "settings": settings,
                    "tool_version": kzprivacy.__version__})
    queued = queue.push((site, inputs[site]) for site in pending)
    queue.mark_ready()
    counts = queue.counts()
    click.echo(f"Crawl {crawl_id}: {queued} sites queued ({counts['pending']} waiting, {counts['processing']} "
               f"being crawled, {counts['done']} done; {len(rejected)} invalid entries recorded).")
    click.echo(f"Start workers with: kzprivacy worker --redis {mask_url(redis_url)} --db {mask_url(db)} "
               f"--crawl-id {crawl_id}" + (" --render" if mode == "browser" else ""))


# --------------------------------------------------------------------------- worker


def worker_settings(out: Path, crawl_id: str, db: str, worker_id: str, meta: dict[str, Any], *,
                    proxy: str | None = None, local: dict[str, str] | None = None):
    """The Scrapy settings of a worker: those `kzprivacy scan` would use for the crawl's options, with
    the worker's pipeline, WARC names and log, and no JOBDIR (a lease, not a disk queue, survives a crash)."""
    from kzprivacy.cli import Scan

    crawl = meta.get("settings") or {}
    mode = meta.get("mode") or "http"
    extra = dict(crawl.get("overrides") or {})
    if mode == "browser":
        extra["KZPRIVACY_CONSENT"] = crawl.get("consent") or "none"
    extra.update(local or {})
    scan = Scan(out, crawl_id, proxy=proxy, max_pages=int(crawl.get("max_pages") or 20),
                user_agent=crawl.get("user_agent"), ignore_robots=bool(crawl.get("ignore_robots")),
                timeout=crawl.get("timeout"), mode=mode, extra_settings=extra, analyze=False)
    settings = scan.settings()
    middlewares = dict(settings.getdict("DOWNLOADER_MIDDLEWARES"))
    middlewares.pop("kzprivacy.crawler.middlewares.WarcWriter", None)
    middlewares.update({"kzprivacy.crawler.middlewares.WarcWriter": None, "kzprivacy.crawler.worker.WorkerWarcWriter": 950,
                        "kzprivacy.crawler.worker.LostSiteFilter": 100})
    settings.setdict({
        "KZPRIVACY_DB": db, "KZPRIVACY_WORKER_ID": worker_id, "JOBDIR": None,
        "LOG_FILE": str(out / crawl_id / f"worker-{worker_id}.log"),
        "ITEM_PIPELINES": {"kzprivacy.crawler.worker.QueuePipeline": 300},
        "DOWNLOADER_MIDDLEWARES": middlewares,
    }, priority="cmdline")
    for name, value in (local or {}).items():  # the machine's own -s win over the crawl's
        settings.set(name, value, priority="cmdline")
    return settings


def _wait_for_crawl(queue_redis: Any, crawl_id: str | None, wait: float) -> str | None:
    from kzprivacy.app.scale.queue import SiteQueue

    deadline = time.monotonic() + wait
    while True:
        chosen = crawl_id or SiteQueue.latest_crawl(queue_redis)
        if chosen and queue_redis.exists(f"kzprivacy:{{{chosen}}}:meta"):
            return chosen
        if time.monotonic() >= deadline:
            return None
        time.sleep(1)


@click.command()
@_redis_option()
@_db_option()
@click.option("--crawl-id", help="Crawl to work on (default: the one enqueued last).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_OUT, show_default=True,
              help="Folder for this machine's WARC evidence and logs (OUT/<crawl_id>/warc/, named per worker).")
@click.option("--proxy", metavar="URL", envvar="KZPRIVACY_PROXY",
              help="Route this worker's requests through an HTTP proxy (or $KZPRIVACY_PROXY).")
@click.option("--render", is_flag=True, help="This worker renders pages in Chromium (for a crawl enqueued with --render).")
@click.option("--sites", "sites_at_once", type=click.IntRange(1, 10000), default=None,
              help="Sites crawled at once by this worker (default: 4 x CONCURRENT_REQUESTS; "
                   "KZPRIVACY_BROWSER_SITES with --render).")
@click.option("--idle-exit", type=click.FloatRange(0), default=60, show_default=True,
              help="Stop once the crawl's queue has been empty (nothing waiting, nothing held) this many seconds.")
@click.option("-s", "--set", "overrides", multiple=True, metavar="NAME=VALUE",
              help="A Scrapy or kzprivacy setting for this worker only (CONCURRENT_REQUESTS, say).")
@click.option("--analyze/--no-analyze", default=False, show_default=True,
              help="When the crawl is complete, the first worker to notice runs the analysis.")
def worker(redis_url: str, db: str, crawl_id: str | None, out: Path, proxy: str | None, render: bool,
           sites_at_once: int | None, idle_exit: float, overrides: tuple[str, ...], analyze: bool) -> None:
    """Crawl sites from the shared queue until the crawl is done; run on as many machines as you like."""
    from scrapy.crawler import CrawlerProcess

    from kzprivacy.crawler.spiders.queue import QueueSpider
    from kzprivacy.cli import _browser_mode, _parse_overrides
    from kzprivacy.app.scale.queue import SiteQueue, connect_redis, new_worker_id
    from kzprivacy.store import Store

    local = _parse_overrides(overrides)
    client = connect_redis(redis_url)
    crawl_id = _wait_for_crawl(client, crawl_id, idle_exit)
    if crawl_id is None:
        click.echo(f"No crawl enqueued in {mask_url(redis_url)} within {idle_exit:.0f} s: nothing to do.")
        return
    queue = SiteQueue(client, crawl_id)
    meta = queue.meta()
    mode = meta.get("mode") or "http"
    if (mode == "browser") != render:
        need = "with --render" if mode == "browser" else "without --render"
        raise click.UsageError(f"crawl {crawl_id} was enqueued as a {mode} crawl: start the worker {need}")
    if render:
        _browser_mode(True, "none", local)  # exits with the reason when Chromium cannot run here
    worker_id = new_worker_id()
    settings = worker_settings(out, crawl_id, db, worker_id, meta, proxy=proxy, local=local)
    if sites_at_once is None:
        # A site waiting out its politeness delay holds no request slot: keep several sites per slot.
        sites_at_once = (settings.getint("KZPRIVACY_BROWSER_SITES") if render
                         else max(1, 4 * settings.getint("CONCURRENT_REQUESTS")))
    (out / crawl_id).mkdir(parents=True, exist_ok=True)
    click.echo(f"Worker {worker_id} on crawl {crawl_id} ({mode}), {sites_at_once} sites at once; "
               f"log: {out / crawl_id / f'worker-{worker_id}.log'}")
    started = time.monotonic()
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(QueueSpider)
    process.crawl(crawler, queue=queue, worker_id=worker_id, sites_at_once=sites_at_once, idle_exit=idle_exit,
                  crawl_id=crawl_id, max_pages=settings.getint("KZPRIVACY_MAX_PAGES"), store_url=db)
    from kzprivacy.crawler.shutdown import PromptShutdown

    def give_back() -> None:  # a stop that cannot wait for the spider to close still returns the sites
        if crawler.spider is not None:
            crawler.spider.give_back()

    shutdown = PromptShutdown.from_settings(process, settings, on_hurry=give_back, on_forced_exit=give_back)
    shutdown.install()
    process.start(install_signal_handlers=False)  # crawler/shutdown.py: Ctrl-C and SIGTERM obeyed within 2 s
    reason = (crawler.stats.get_value("finish_reason") if crawler.stats else None) or "finished"
    if shutdown.interrupted:
        reason = "shutdown"
    spider = crawler.spider
    done_here = getattr(spider, "sites_done", 0) if spider else 0
    pages = crawler.stats.get_value("response_received_count", 0) if crawler.stats else 0
    click.echo(f"Worker {worker_id}: {done_here} sites, {pages} responses in {time.monotonic() - started:.0f} s "
               f"({reason}).")
    if reason != "finished":
        sys.exit(130)
    if not queue.is_empty():
        return
    store = Store(db)
    try:
        left = store.pending_sites(crawl_id)
        if left:
            click.echo(f"{len(left)} sites are pending in the database but not queued: run kzprivacy enqueue "
                       f"--crawl-id {crawl_id} again.", err=True)
            return
        store.finish_crawl(crawl_id, "finished")
    finally:
        store.close()
    click.echo(f"Crawl {crawl_id} is complete.")
    if analyze and client.set(queue.key("analyzed"), worker_id, nx=True):
        from kzprivacy.analysis.run import analyze_crawl

        counts = analyze_crawl(db, crawl_id)
        click.echo(f"Analysed: {counts['declarations']} declarations, {counts['findings']} findings.")


# --------------------------------------------------------------------------- status


@click.command()
@_db_option(required=False, help_extra=" Default: OUT/kzprivacy.db.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_OUT, show_default=True)
@click.option("--crawl-id", help="Default: the latest crawl.")
@_redis_option(required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def status(db: str | None, out: Path, crawl_id: str | None, redis_url: str | None, fmt: str) -> None:
    """Progress of a crawl, wherever it runs: sites done, failed by status, in progress, and an ETA."""
    from kzprivacy.app.scale.status import crawl_status, format_status
    from kzprivacy.store import Store, is_database_url

    db = db or str(out / "kzprivacy.db")
    if not is_database_url(db) and not Path(db).exists():
        raise click.UsageError(f"no database at {db}")
    queue = None
    store = Store(db)
    try:
        crawl_id = crawl_id or (store.crawl_ids() or [None])[0]
        if crawl_id is None:
            raise click.UsageError("no crawls in the database")
        if redis_url:
            from kzprivacy.app.scale.queue import SiteQueue

            queue = SiteQueue(redis_url, crawl_id)
        report = crawl_status(store, crawl_id, queue)
    finally:
        store.close()
    click.echo(json.dumps(report, ensure_ascii=False, indent=2) if fmt == "json" else format_status(report))
