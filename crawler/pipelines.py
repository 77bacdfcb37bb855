"""Item pipelines: the enrichment of what a page showed (EnrichObservations, crawler/enrich.py), then the
database writer (StoreWriter: pages and finished sites in batches, one transaction per batch)."""

from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Protocol, cast

import kzprivacy
from kzprivacy.store import Store, open_store, site_rows

from .enrich import enrich_page
from .items import PageItem, SiteItem

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from twisted.internet.task import LoopingCall

logger = logging.getLogger(__name__)


class ScanSpider(Protocol):
    """What SiteStoreWriter needs of crawler/spiders/site.py's SiteSpider (described, not imported: the
    spiders' package imports the worker, which builds on this module)."""

    crawl_id: str
    entries: Any
    rejected: Any


class EnrichObservations:
    """Item pipeline, before the writer: the spider (HTTP mode) and the browser (browser mode) yield what
    they observed (a cookie's name and domain, a request's URL and initiator, a storage key, a form's
    destination); this one step adds party, service_id, vendor, company, country and category from the
    tracker knowledge base (kzprivacy.vocabulary.trackers), the same way for both modes."""

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if isinstance(item, PageItem):
            enrich_page(item)
        return item


class StoreWriter:
    """The database writer: pages and finished sites go to the store in batches, one transaction per batch
    (KZPRIVACY_BATCH_PAGES items, or KZPRIVACY_BATCH_SECONDS after the oldest unwritten one), on a thread
    of its own, so the crawl goes on while the database answers. A site's finish is written with or after
    its pages, never before. A batch that fails stays buffered and is tried again; when too much is
    buffered (KZPRIVACY_BATCH_MAX) the pipeline makes Scrapy wait instead of piling up memory.

    One transaction per page cost a commit (and, in SQLite, a WAL append and a checkpoint now and then)
    per page on the reactor's thread: about 2 ms a page, a sixth of a zone scan's CPU. What a stop leaves
    unwritten belongs to sites still `pending` in the database, which `--resume` crawls again.

    Subclasses (crawler/worker.py's QueuePipeline) add what a distributed worker needs through the hooks
    `_keep`, `_site_crawled`, `_write_batch` and `_written`."""

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
    def from_crawler(cls, crawler: Crawler) -> StoreWriter:
        s = crawler.settings
        return cls(crawler, s.get("KZPRIVACY_DB"), s.get("KZPRIVACY_CRAWL_ID"),
                   s.getint("KZPRIVACY_BATCH_PAGES"), s.getfloat("KZPRIVACY_BATCH_SECONDS"),
                   s.getint("KZPRIVACY_BATCH_MAX"))

    def open_spider(self, spider: Spider | None = None) -> None:
        from twisted.internet import task

        # One thread for every database call: SQLite connections must stay on theirs, and a
        # single writer keeps batches in order.
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="kzprivacy-db")
        self._lock = asyncio.Lock()
        self._timer = task.LoopingCall(self._tick)
        self._timer.start(min(0.5, self.batch_seconds or 0.5), now=False)

    def _buffered(self) -> int:
        return len(self.pages) + len(self.sites)

    async def process_item(self, item: PageItem | SiteItem, spider: Spider | None = None) -> PageItem | SiteItem:
        if not self._keep(getattr(item, "site", None)):
            return item
        if not self._buffered():
            self.oldest = time.monotonic()
        if isinstance(item, PageItem):
            self.pages.append({"site": item.site, "url": item.url, "page": item.page, "cookies": item.cookies,
                               "requests": item.requests, "inline_trackers": item.inline_trackers,
                               "forms": item.forms, "storage": item.storage, "policy": item.policy,
                               "form_destinations": item.form_destinations})
        elif isinstance(item, SiteItem):
            self.sites.append((item.site, item.row))
            self._site_crawled(item.site)
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
            pages = [p for p in self.pages if self._keep(p["site"])]
            sites = [(s, row) for s, row in self.sites if self._keep(s)]
            self.pages, self.sites = [], []
            loop = asyncio.get_running_loop()
            try:
                results = await loop.run_in_executor(self._executor, self._write_batch, pages, sites)
            except Exception:
                logger.exception("writing %d pages and %d sites failed; kept for the next try", len(pages),
                                 len(sites))
                self.pages[:0], self.sites[:0] = pages, sites
                self.oldest = time.monotonic()
                return False
            self.pages_written += len(pages)
            self._written(results)
            return True

    def _open(self) -> Store:
        """On the database thread: the store, opened there on first use."""
        if self.store is None:
            self.store = open_store(self.db)
        return self.store

    def _write_batch(self, pages: list[dict[str, Any]], sites: list[tuple[str, dict[str, Any]]]
                     ) -> list[tuple[str, bool]]:
        """On the database thread: one transaction for the batch; (site, written) for each finished site."""
        self._open().write_pages(self.crawl_id, pages, finished=sites)
        return [(site, True) for site, _row in sites]

    # -- hooks for a distributed worker -------------------------------------------------------------

    def _keep(self, site: str | None) -> bool:
        """Whether rows of `site` are this process's to write."""
        return True

    def _site_crawled(self, site: str) -> None:
        """A site's last item has arrived (its rows may not be written yet)."""

    def _written(self, results: list[tuple[str, bool]]) -> None:
        """After a batch's transaction: (site, written) for each finished site in it."""

    async def close_spider(self, spider: Spider | None = None) -> None:
        if self._timer is not None and self._timer.running:
            self._timer.stop()
        for attempt in range(5):  # what cannot be written now is crawled again (its site stays pending)
            if not self._buffered():
                break
            if not await self._flush():
                await asyncio.sleep(2 * (attempt + 1))
        if self._buffered():
            logger.error("%d pages and %d sites could not be written; their sites stay pending",
                         len(self.pages), len(self.sites))
        if self._executor is not None:
            if self.store is not None:
                await asyncio.get_running_loop().run_in_executor(self._executor, self.store.close)
            self._executor.shutdown(wait=True)


class SiteStoreWriter(StoreWriter):
    """StoreWriter for `kzprivacy scan`: it also records the crawl and its list of sites when the crawl opens
    (a distributed crawl's are recorded by `kzprivacy enqueue`)."""

    def open_spider(self, spider: Spider | None = None) -> None:
        super().open_spider(spider)
        site_spider = cast(ScanSpider, spider or self.crawler.spider)
        crawl_id = self.crawl_id or site_spider.crawl_id
        assert crawl_id, "SiteSpider.from_crawler gives every crawl an id"
        self.crawl_id = crawl_id
        s = self.crawler.settings
        snapshot = {k: s.get(k) for k in ("KZPRIVACY_MAX_PAGES", "KZPRIVACY_PROXY", "ROBOTSTXT_OBEY", "USER_AGENT",
                                          "DOWNLOAD_TIMEOUT", "CONCURRENT_REQUESTS", "KZPRIVACY_MODE")}
        assert self._executor is not None
        self._executor.submit(lambda: self._open().begin_crawl(
            crawl_id, mode=snapshot.get("KZPRIVACY_MODE") or "http", tool_version=kzprivacy.__version__,
            settings=snapshot, sites=site_rows(site_spider.entries, site_spider.rejected))).result()
