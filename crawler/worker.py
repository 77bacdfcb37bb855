"""What a worker of a distributed crawl adds to the Scrapy project (crawler/spiders/queue.py is its spider).

- QueuePipeline: writes pages and finished sites in batches, one transaction per batch, on a
  thread of its own (the crawl goes on while the database answers), and only then marks the
  finished sites done in Redis. A batch that fails stays buffered and is tried again; when too
  much is buffered the pipeline makes Scrapy wait instead of piling up memory.
- LeaseKeeper: a thread that renews the leases of the sites the worker holds, so that a long
  parse on the reactor's thread does not cost a lease; it stops renewing when the reactor has
  not moved for `stall_seconds` (a hung worker gives its sites back by letting them expire).
- LostSiteFilter: requests of a site whose lease went to another worker are not sent.
- WorkerWarcWriter: WARC files named with the worker's id, so workers writing to one shared
  folder never collide (two containers may well share a pid and a start second).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Protocol, cast

from scrapy.exceptions import IgnoreRequest

from kzprivacy.crawler.items import PageItem, SiteItem
from kzprivacy.crawler.middlewares import WarcWriter

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from twisted.internet.task import LoopingCall

    from kzprivacy.store import Store

logger = logging.getLogger(__name__)


class LeaseHolder(Protocol):
    """What this module needs of the worker's spider (crawler/spiders/queue.py QueueSpider, which imports
    this module: the spider is described here rather than imported)."""

    queue: Any
    worker_id: str
    active: dict[str, int]
    lost: set[str]
    sites_done: int
    last_tick: float

    def site_crawled(self, site: str) -> None: ...

    def site_done(self, site: str) -> None: ...


class QueuePipeline:
    def __init__(self, crawler: Crawler, db: str, crawl_id: str, batch_pages: int, batch_seconds: float,
                 max_buffered: int) -> None:
        self.crawler = crawler
        self.db = db
        self.crawl_id = crawl_id
        self.batch_pages = batch_pages
        self.batch_seconds = batch_seconds
        self.max_buffered = max_buffered
        self.pages: list[dict[str, Any]] = []
        self.sites: list[tuple[str, dict[str, Any]]] = []
        self.oldest = 0.0
        self.pages_written = 0
        self.store: Store | None = None
        self._task: asyncio.Future | None = None
        self._lock: asyncio.Lock | None = None
        self._timer: LoopingCall | None = None
        self._executor: ThreadPoolExecutor | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> QueuePipeline:
        s = crawler.settings
        return cls(crawler, s.get("KZPRIVACY_DB"), s.get("KZPRIVACY_CRAWL_ID"),
                   s.getint("KZPRIVACY_BATCH_PAGES"), s.getfloat("KZPRIVACY_BATCH_SECONDS"),
                   s.getint("KZPRIVACY_BATCH_MAX"))

    @property
    def spider(self) -> LeaseHolder:
        return cast(LeaseHolder, self.crawler.spider)

    def open_spider(self, spider: Spider | None = None) -> None:
        from twisted.internet import task

        # One thread for every database call: SQLite connections must stay on theirs, and a
        # single writer keeps batches in order.
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="kzprivacy-db")
        self._lock = asyncio.Lock()
        self._timer = task.LoopingCall(self._tick)
        self._timer.start(0.5, now=False)

    def _buffered(self) -> int:
        return len(self.pages) + len(self.sites)

    async def process_item(self, item: PageItem | SiteItem, spider: Spider | None = None) -> PageItem | SiteItem:
        if getattr(item, "site", None) in self.spider.lost:
            return item  # another worker has the site now; its rows are that worker's to write
        if not self._buffered():
            self.oldest = time.monotonic()
        if isinstance(item, PageItem):
            self.pages.append({"site": item.site, "url": item.url, "page": item.page, "cookies": item.cookies,
                               "requests": item.requests, "inline_trackers": item.inline_trackers,
                               "forms": item.forms, "storage": item.storage, "policy": item.policy,
                               "form_destinations": item.form_destinations})
        elif isinstance(item, SiteItem):
            self.sites.append((item.site, item.row))
            self.spider.site_crawled(item.site)
        if self._buffered() >= self.batch_pages:
            self._start_flush()
        if self._buffered() >= self.max_buffered:  # the database is behind: make the crawl wait
            await self._flush()
        return item

    def _tick(self) -> None:
        if self._buffered() and time.monotonic() - self.oldest >= self.batch_seconds:
            self._start_flush()

    def _start_flush(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.ensure_future(self._flush())

    async def _flush(self) -> bool:
        assert self._lock is not None, "open_spider creates the lock before any item arrives"
        async with self._lock:
            if not self._buffered():
                return True
            pages, sites = self.pages, self.sites
            self.pages, self.sites = [], []
            lost = set(self.spider.lost)
            pages = [p for p in pages if p["site"] not in lost]
            sites = [(s, row) for s, row in sites if s not in lost]
            loop = asyncio.get_running_loop()
            try:
                results = await loop.run_in_executor(self._executor, self._write, pages, sites)
            except Exception:
                logger.exception("writing %d pages and %d sites failed; kept for the next try", len(pages),
                                 len(sites))
                self.pages[:0], self.sites[:0] = pages, sites
                self.oldest = time.monotonic()
                return False
            self.pages_written += len(pages)
            for site, ok in results:
                if not ok:
                    logger.warning("site %s was written but its lease had gone to another worker", site)
                self.spider.site_done(site)
            return True

    def _write(self, pages: list[dict[str, Any]], sites: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, bool]]:
        """On the database thread: one transaction for the batch, then the finished sites are done in Redis."""
        from kzprivacy.store import open_store

        if self.store is None:
            self.store = open_store(self.db)
        self.store.write_pages(self.crawl_id, pages, finished=sites)
        queue, worker = self.spider.queue, self.spider.worker_id
        return [(site, queue.complete(worker, site)) for site, _row in sites]

    async def close_spider(self, spider: Spider | None = None) -> None:
        if self._timer is not None and self._timer.running:
            self._timer.stop()
        for attempt in range(5):  # what cannot be written now is crawled again by whoever takes the site
            if not self._buffered():
                break
            if not await self._flush():
                await asyncio.sleep(2 * (attempt + 1))
        if self._buffered():
            logger.error("%d pages and %d sites could not be written; their sites go back to the queue",
                         len(self.pages), len(self.sites))
        if self._executor is not None:
            if self.store is not None:
                await asyncio.get_running_loop().run_in_executor(self._executor, self.store.close)
            self._executor.shutdown(wait=True)


class LeaseKeeper(threading.Thread):
    """Renews the worker's leases every `interval` seconds and reports sites lost to another worker."""

    def __init__(self, spider: LeaseHolder, interval: float, stall_seconds: float) -> None:
        super().__init__(name="kzprivacy-leases", daemon=True)
        self.spider = spider
        self.interval = interval
        self.stall_seconds = stall_seconds
        self.stopped = threading.Event()

    def run(self) -> None:
        # Beat at once, then every interval: a worker counts as alive from its start.
        while True:
            self._tick()
            if self.stopped.wait(self.interval):
                return

    def _tick(self) -> None:
        spider = self.spider
        stalled = time.monotonic() - spider.last_tick
        if stalled > self.stall_seconds:
            logger.error("the crawl has not moved for %.0f s: leases left to expire", stalled)
            return
        try:
            held = list(spider.active)
            for site in spider.queue.renew(spider.worker_id, held):
                if site not in spider.lost:
                    logger.warning("lease of %s lost to another worker: its pages here are dropped", site)
                    spider.lost.add(site)
            spider.queue.beat(spider.worker_id, {"host": socket.gethostname(), "pid": os.getpid(),
                                                 "held": len(held), "done": spider.sites_done})
        except Exception:  # Redis away for a while: try again next round; leases last several rounds
            logger.exception("renewing leases failed")

    def stop(self) -> None:
        self.stopped.set()


class LostSiteFilter:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LostSiteFilter:
        return cls(crawler)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        spider = self.crawler.spider
        if request.meta.get("site") in getattr(spider, "lost", ()):
            raise IgnoreRequest(f"{request.meta['site']} is now crawled by another worker")


class WorkerWarcWriter(WarcWriter):
    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcWriter:
        mw = super().from_crawler(crawler)
        worker = crawler.settings.get("KZPRIVACY_WORKER_ID")
        if worker:
            stamp = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S")
            mw.prefix = f"{crawler.settings.get('KZPRIVACY_CRAWL_ID') or 'crawl'}-{worker}-{stamp}"
        return mw
