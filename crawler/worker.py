"""What a worker of a distributed crawl adds to the Scrapy project (crawler/spiders/queue.py is its spider).

- QueuePipeline: the batched database writer of every crawl (crawler/pipelines.py StoreWriter), which
  here leaves out the rows of sites lost to another worker and marks finished sites done in Redis only
  once their rows are written.
- LeaseKeeper: a thread that renews the leases of the sites the worker holds, so that a long
  parse on the reactor's thread does not cost a lease; it stops renewing when the reactor has
  not moved for `stall_seconds` (a hung worker gives its sites back by letting them expire).
- LostSiteFilter: requests of a site whose lease went to another worker are not sent.
- WorkerWarcWriter: WARC files named with the worker's id, so workers writing to one shared
  folder never collide (two containers may well share a pid and a start second).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Protocol, cast

from scrapy.exceptions import IgnoreRequest

from kzprivacy.crawler.middlewares import WarcWriter
from kzprivacy.crawler.pipelines import StoreWriter

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler


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


class QueuePipeline(StoreWriter):
    """StoreWriter for a worker: rows of a site whose lease went to another worker are not written, and a
    finished site is marked done in Redis only once its rows are in the database."""

    @property
    def spider(self) -> LeaseHolder:
        return cast(LeaseHolder, self.crawler.spider)

    def _keep(self, site: str | None) -> bool:
        return site not in self.spider.lost  # another worker has the site now; its rows are that worker's

    def _site_crawled(self, site: str) -> None:
        self.spider.site_crawled(site)

    def _write_batch(self, pages: list[dict[str, Any]], sites: list[tuple[str, dict[str, Any]]]
                     ) -> list[tuple[str, bool]]:
        """On the database thread: one transaction for the batch, then the finished sites are done in Redis."""
        self._open().write_pages(self.crawl_id, pages, finished=sites)
        queue, worker = self.spider.queue, self.spider.worker_id
        return [(site, queue.complete(worker, site)) for site, _row in sites]

    def _written(self, results: list[tuple[str, bool]]) -> None:
        for site, ok in results:
            if not ok:
                logger.warning("site %s was written but its lease had gone to another worker", site)
            self.spider.site_done(site)


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
