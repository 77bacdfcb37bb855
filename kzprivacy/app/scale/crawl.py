"""One crawl on many machines: putting its sites on the shared queue, and a worker's run.

    kzprivacy enqueue -i domains.txt --redis redis://HOST:6379/0 --db postgresql://USER@HOST/kz
    kzprivacy worker --redis redis://HOST:6379/0 --db postgresql://USER@HOST/kz     # on each machine

The database (PostgreSQL) holds the results, the same tables as a single-machine scan; Redis
holds the queue of sites (kzprivacy/app/scale/queue.py). docs/operations.md tells how to run it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import kzprivacy
from kzprivacy.store import open_store, site_rows
from kzprivacy.vocabulary.domains import SiteEntry

from ..plan import CrawlPlan, PlanError, new_crawl_id
from ..workspace import Workspace, WorkspaceError

__all__ = ["enqueue_crawl", "worker_settings", "wait_for_crawl", "run_worker"]


def enqueue_crawl(db: str, redis_url: str, entries: list[SiteEntry], rejected: list[tuple[str, str]],
                  crawl_id: str | None, plan: CrawlPlan, lease_seconds: float) -> dict[str, Any]:
    """Register a crawl (or, with no entries, reopen `crawl_id`) and queue its pending sites.

    Returns {"crawl_id", "mode", "queued", "counts"}."""
    from .queue import SiteQueue, valid_crawl_id

    if crawl_id and not valid_crawl_id(crawl_id):
        raise PlanError("--crawl-id: use letters, digits, _ . : - only (it names Redis keys and folders)")
    store = open_store(db)
    try:
        if entries:
            crawl_id = crawl_id or new_crawl_id()
            mode, record = plan.mode, {**plan.record(), "proxy": None}  # each worker brings its own proxy
            store.begin_crawl(crawl_id, mode=mode, tool_version=kzprivacy.__version__, settings=record,
                              sites=site_rows(entries, rejected))
        elif crawl_id:  # again: rebuild the queue from the database, which knows what is unfinished
            found = store.crawl(crawl_id)
            if not found:
                raise WorkspaceError(f"no crawl {crawl_id!r} in the database: give DOMAINS or --input")
            mode, record = found["mode"], found["settings"]
            store.reopen_crawl(crawl_id)
        else:
            raise PlanError("no valid domains to enqueue (give DOMAINS or --input)")
        inputs = store.site_inputs(crawl_id, pending_only=True)
        pending = store.pending_sites(crawl_id)
    finally:
        store.close()
    queue = SiteQueue(redis_url, crawl_id, lease_seconds=lease_seconds)
    queue.register({"crawl_id": crawl_id, "mode": mode, "settings": record, "tool_version": kzprivacy.__version__})
    queued = queue.push((site, inputs[site]) for site in pending)
    queue.mark_ready()
    return {"crawl_id": crawl_id, "mode": mode, "queued": queued, "counts": queue.counts()}


def worker_settings(out: Path, crawl_id: str, db: str, worker_id: str, meta: Mapping[str, Any], *,
                    proxy: str | None = None, local: Mapping[str, str] | None = None) -> Any:
    """The Scrapy settings of a worker: those `kzprivacy scan` would use for the crawl's plan, with
    the worker's pipeline, WARC names and log, and no JOBDIR (a lease, not a disk queue, survives a crash)."""
    plan = CrawlPlan.from_record(meta.get("mode") or "http", meta.get("settings") or {}, proxy=proxy, local=local)
    settings = plan.settings(db=db, crawl_id=crawl_id, crawl_dir=Workspace(out).crawl_dir(crawl_id))
    middlewares = dict(settings.getdict("DOWNLOADER_MIDDLEWARES"))
    middlewares.pop("kzprivacy.crawler.middlewares.WarcWriter", None)
    middlewares.update({"kzprivacy.crawler.middlewares.WarcWriter": None,
                        "kzprivacy.crawler.worker.WorkerWarcWriter": 950,
                        "kzprivacy.crawler.worker.LostSiteFilter": 100})
    pipelines = dict(settings.getdict("ITEM_PIPELINES"))  # the enrichment stays; the writer is the worker's
    pipelines.update({"kzprivacy.crawler.pipelines.SiteStoreWriter": None,
                      "kzprivacy.crawler.worker.QueuePipeline": 300})
    settings.setdict({
        "KZPRIVACY_DB": db, "KZPRIVACY_WORKER_ID": worker_id, "JOBDIR": None,
        "LOG_FILE": str(out / crawl_id / f"worker-{worker_id}.log"),
        "ITEM_PIPELINES": pipelines,
        "DOWNLOADER_MIDDLEWARES": middlewares,
    }, priority="cmdline")
    for name, value in (local or {}).items():  # the machine's own -s win over the crawl's
        settings.set(name, value, priority="cmdline")
    return settings


def wait_for_crawl(queue_redis: Any, crawl_id: str | None, wait: float) -> str | None:
    """The crawl to work on (the one named, or the one enqueued last), waiting up to `wait` seconds for it."""
    from .queue import SiteQueue

    deadline = time.monotonic() + wait
    while True:
        chosen = crawl_id or SiteQueue.latest_crawl(queue_redis)
        if chosen and queue_redis.exists(f"kzprivacy:{{{chosen}}}:meta"):
            return chosen
        if time.monotonic() >= deadline:
            return None
        time.sleep(1)


def run_worker(redis_url: str, db: str, crawl_id: str | None, out: Path, *, proxy: str | None, render: bool,
               sites_at_once: int | None, idle_exit: float, local: Mapping[str, Any], analyze: bool,
               say: Callable[[str], None]) -> dict[str, Any]:
    """Crawl sites from the shared queue until it is empty; the last worker marks the crawl finished
    (and, with `analyze`, the first to notice analyses it). Returns {"reason", "crawl_id", ...}."""
    from scrapy.crawler import CrawlerProcess

    from kzprivacy.crawler.spiders.queue import QueueSpider

    from .queue import SiteQueue, connect_redis, new_worker_id

    client = connect_redis(redis_url)
    crawl_id = wait_for_crawl(client, crawl_id, idle_exit)
    if crawl_id is None:
        return {"reason": "no_crawl", "crawl_id": None}
    queue = SiteQueue(client, crawl_id)
    meta = queue.meta()
    mode = meta.get("mode") or "http"
    if (mode == "browser") != render:
        need = "with --render" if mode == "browser" else "without --render"
        raise PlanError(f"crawl {crawl_id} was enqueued as a {mode} crawl: start the worker {need}")
    worker_id = new_worker_id()
    settings = worker_settings(out, crawl_id, db, worker_id, meta, proxy=proxy, local=local)
    if sites_at_once is None:
        # A site waiting out its politeness delay holds no request slot: keep several sites per slot.
        sites_at_once = (settings.getint("KZPRIVACY_BROWSER_SITES") if render
                         else max(1, 4 * settings.getint("CONCURRENT_REQUESTS")))
    (out / crawl_id).mkdir(parents=True, exist_ok=True)
    say(f"Worker {worker_id} on crawl {crawl_id} ({mode}), {sites_at_once} sites at once; "
        f"log: {out / crawl_id / f'worker-{worker_id}.log'}")
    started = time.monotonic()
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(QueueSpider)
    process.crawl(crawler, queue=queue, worker_id=worker_id, sites_at_once=sites_at_once, idle_exit=idle_exit,
                  crawl_id=crawl_id, max_pages=settings.getint("KZPRIVACY_MAX_PAGES"), store_url=db)
    from kzprivacy.crawler.shutdown import PromptShutdown

    def give_back() -> None:  # a stop that cannot wait for the spider to close still returns the sites
        if isinstance(crawler.spider, QueueSpider):
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
    say(f"Worker {worker_id}: {done_here} sites, {pages} responses in {time.monotonic() - started:.0f} s ({reason}).")
    result: dict[str, Any] = {"reason": reason, "crawl_id": crawl_id, "worker_id": worker_id, "complete": False}
    if reason != "finished" or not queue.is_empty():
        return result
    store = open_store(db)
    try:
        left = store.pending_sites(crawl_id)
        if left:
            result["left"] = len(left)
            return result
        store.finish_crawl(crawl_id, "finished")
    finally:
        store.close()
    result["complete"] = True
    say(f"Crawl {crawl_id} is complete.")
    if analyze and client.set(queue.key("analyzed"), worker_id, nx=True):
        from kzprivacy.analysis.run import analyze_crawl

        counts = analyze_crawl(db, crawl_id)
        say(f"Analysed: {counts['declarations']} declarations, {counts['findings']} findings.")
    return result
