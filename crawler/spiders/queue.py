"""The worker's spider: SiteSpider fed from the shared queue instead of a list of domains.

One worker is one long Scrapy crawl (Twisted's reactor cannot restart in a process). Its
`start()` does not end when the first sites are scheduled: it keeps leasing sites from Redis
while it holds fewer than `sites_at_once`, and schedules each one's home request exactly as
SiteSpider does, so a site is crawled the same way by a worker as by `kzprivacy scan`. The
pipeline (crawler/worker.py) writes a finished site's rows, then marks it done in Redis and
calls `site_done`, which frees the slot. `start()` returns, and the crawl closes, once the
crawl's queue has stayed empty (nothing waiting, nothing held by any worker) for `idle_exit`
seconds; while other workers still hold sites it waits, to take them over if their leases expire.

    kzprivacy worker --redis redis://HOST:6379/0 --db postgresql://...    (kzprivacy/app/scale/commands.py)
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from twisted.python.failure import Failure

from kzprivacy.crawler.spiders.site import SiteSpider
from kzprivacy.vocabulary.domains import InvalidEntry, normalize_entry

if TYPE_CHECKING:
    from kzprivacy.crawler.worker import LeaseKeeper
    from kzprivacy.store import Store

T = TypeVar("T")


class QueueSpider(SiteSpider):
    name = "site-queue"

    def __init__(self, queue: Any = None, worker_id: str = "", sites_at_once: int | str = 32,
                 idle_exit: float | str = 60.0, poll_seconds: float | str = 1.0, store_url: str | None = None,
                 **kwargs: Any):
        super().__init__(domains=[], **kwargs)
        self.queue = queue
        self.worker_id = worker_id
        self.sites_at_once = int(sites_at_once)
        self.idle_exit = float(idle_exit)
        self.poll_seconds = float(poll_seconds)
        self.store_url = store_url
        self.active: dict[str, int] = {}     # site -> attempt, for the sites this worker holds
        self.crawled: set[str] = set()       # held sites whose crawl has ended, their rows not yet written
        self.lost: set[str] = set()          # sites whose lease went to another worker: dropped here
        self.sites_done = 0
        self.last_tick = time.monotonic()    # the lease keeper renews only while this moves
        self._stopping = False
        self._given_back = False
        self._reset_store: Store | None = None
        self._keeper: LeaseKeeper | None = None
        # One thread for this spider's Redis and database calls (the store's connection stays on it).
        self._io = ThreadPoolExecutor(1, thread_name_prefix="kzprivacy-queue")

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> QueueSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._opened, signal=signals.spider_opened)
        crawler.signals.connect(spider._closed, signal=signals.spider_closed)
        return spider

    def _opened(self, spider: Spider | None = None) -> None:
        from kzprivacy.crawler.worker import LeaseKeeper

        lease = self.queue.lease_seconds
        self._keeper = LeaseKeeper(self, interval=max(0.2, lease / 4), stall_seconds=max(600.0, lease * 5))
        self._keeper.start()

    # -- leasing -------------------------------------------------------------------------------

    async def _call(self, func: Callable[..., T], *args: Any) -> T:
        """Redis and the database answer on a thread: a slow or lost server must not stall the reactor,
        or the downloads in flight would time out and their sites be recorded wrongly."""
        return await asyncio.get_running_loop().run_in_executor(self._io, func, *args)

    async def start(self) -> AsyncIterator[Any]:
        idle_since: float | None = None
        next_requeue = 0.0
        while not self._stopping:
            self.last_tick = now = time.monotonic()
            for site in list(self.lost):
                self.active.pop(site, None)
                self.crawled.discard(site)
            if now >= next_requeue:  # any worker brings back the sites of a dead one
                for site, worker in await self._call(self.queue.requeue_expired):
                    self.logger.warning("lease of %s held by %s expired: back in the queue", site, worker)
                next_requeue = now + max(1.0, self.queue.lease_seconds / 4)
            # A site stops counting against the limit once its crawl ends, before its rows are written.
            free = self.sites_at_once - (len(self.active) - len(self.crawled))
            leased = await self._call(self.queue.lease, self.worker_id, free) if free > 0 else []
            if leased:
                idle_since = None
                given = await self._call(self.queue.entries, [site for site, _ in leased])
                for (site, attempt), entry in zip(leased, given, strict=True):
                    request = await self._begin(site, attempt, entry)
                    if request is not None:
                        yield request
                continue
            if not self.active and await self._call(self.queue.is_empty):
                idle_since = idle_since or now
                if now - idle_since >= self.idle_exit:
                    self.logger.info("queue of crawl %s empty for %.0f s: worker %s stops", self.crawl_id,
                                     self.idle_exit, self.worker_id)
                    return
            else:
                idle_since = None
            await asyncio.sleep(self.poll_seconds if free > 0 else min(self.poll_seconds, 0.2))

    async def _begin(self, site: str, attempt: int, given: str):
        """The home request of a leased site, as SiteSpider.start makes it."""
        try:
            entry = normalize_entry(given)
        except InvalidEntry as exc:  # enqueue only queues valid entries; a hand-pushed one is refused
            self.logger.error("queued entry %r is not a site (%s): marked done", given, exc)
            await self._call(self.queue.complete, self.worker_id, site)
            return None
        self.active[site] = attempt
        if attempt > 1 or site in self.state.get("sites", {}):
            # An earlier holder died or gave it back mid-site: start clean, replacing what it wrote.
            await self._call(self._reset, site)
            self.state.get("sites", {}).pop(site, None)
            self.lost.discard(site)
        st = self._site(entry.site)
        st["started"] = True
        return self._request(entry.site, entry.start_url, "home", attempt="https", max_retry_times=0,
                             entry=entry.ascii_host)

    def _reset(self, site: str) -> None:
        """On the I/O thread: delete what earlier attempts wrote for the site."""
        from kzprivacy.store import open_store

        if self.store_url is None:
            return
        assert self.crawl_id is not None, "from_crawler sets the crawl id"
        if self._reset_store is None:
            self._reset_store = open_store(self.store_url)
        self._reset_store.reset_sites(self.crawl_id, [site])

    def site_crawled(self, site: str) -> None:
        """Called by the pipeline when the site's SiteItem arrives: nothing more will be fetched for it."""
        if site in self.active:
            self.crawled.add(site)

    def site_done(self, site: str) -> None:
        """Called by the pipeline once the site's rows are committed and Redis has it as done."""
        self.crawled.discard(site)
        if self.active.pop(site, None) is not None:
            self.sites_done += 1
        self.state.get("sites", {}).pop(site, None)  # a worker sees many sites: keep memory flat

    # -- what a lost site may still produce is dropped ------------------------------------------------

    # SiteSpider.parse_page is asynchronous (the parse pool)
    async def parse_page(self, response: Response) -> AsyncIterator[Any]:
        if response.meta.get("site") in self.lost:
            return
        async for result in super().parse_page(response):
            yield result

    def on_error(self, failure: Failure) -> Iterator[Any]:
        if failure.request.meta.get("site") in self.lost:  # type: ignore[attr-defined]  # set by Scrapy
            return
        yield from super().on_error(failure)

    # -- stopping --------------------------------------------------------------------------------------

    def _closed(self, spider: Spider | None = None, reason: str = "") -> None:
        self._stopping = True
        if self._keeper is not None:
            self._keeper.stop()
        if self._reset_store is not None:
            self._io.submit(self._reset_store.close)
        # Let a Redis call cut short by the shutdown finish first: a lease taken as the crawl stopped
        # must be given back too, so everything this worker still holds in Redis goes back now.
        self._io.shutdown(wait=True)
        self.give_back(reason)

    def give_back(self, reason: str = "shutdown") -> None:
        """Every site this worker still holds goes back to the queue, once. Called as the spider closes, and
        by a stop that cannot wait for that (crawler/shutdown.py: a hurried or forced stop)."""
        if self._given_back:
            return
        self._given_back = True
        self._stopping = True
        if self._keeper is not None:
            self._keeper.stop()
        unfinished = set(self.active) | set(self.queue.held_by(self.worker_id))
        if unfinished:
            given_back = self.queue.release(self.worker_id, sorted(unfinished))
            self.logger.info("stopping (%s): %d unfinished sites given back to the queue", reason, given_back)
        self.queue.forget_worker(self.worker_id)
