"""SiteGate: in browser mode, no more sites under way than there are browser contexts for them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from kzprivacy.crawler.items import SiteItem


class SiteGate:
    """Spider middleware for browser mode: starts a new site only while fewer than
    KZPRIVACY_BROWSER_SITES are under way, so every started site has a browser context of its own
    at once and no page ever waits for a context (see docs/browser-mode.md: such a wait would stall
    every page). It waits before asking the spider for its next site, so a crawl stopped meanwhile
    leaves no site marked started that was never requested."""

    def __init__(self, crawler: Any, limit: int) -> None:
        self.crawler = crawler
        self.limit = max(1, limit)
        self.active: set[str] = set()
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)

    @classmethod
    def from_crawler(cls, crawler: Any) -> SiteGate:
        if crawler.settings.get("KZPRIVACY_MODE") != "browser":
            raise NotConfigured
        return cls(crawler, crawler.settings.getint("KZPRIVACY_BROWSER_SITES"))

    def item_scraped(self, item: Any, response: Any = None, spider: Any = None) -> None:
        if isinstance(item, SiteItem):
            self.active.discard(item.site)

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        # A resumed crawl's unfinished sites are under way already: their pages wait in the queue.
        sites = (getattr(self.crawler.spider, "state", None) or {}).get("sites") or {}
        self.active |= {site for site, st in sites.items() if st.get("started") and not st.get("done")}
        iterator = start.__aiter__()
        while True:
            while len(self.active) >= self.limit:
                await asyncio.sleep(0.05)
            try:
                item_or_request = await iterator.__anext__()
            except StopAsyncIteration:
                return
            site = getattr(item_or_request, "meta", {}).get("site")
            if site:
                self.active.add(site)
            yield item_or_request
