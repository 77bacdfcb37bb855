"""BrowserDownloadHandler: scrapy-playwright's download handler, one instance for http and https, guarding
what pages ask the browser for with the HTTP guard's own check (crawler/netguard.py)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from scrapy_playwright.handler import _SCRAPY_ASYNC_API, ScrapyPlaywrightDownloadHandler

from kzprivacy.crawler.netguard import AddressGuard

from .addon import BrowserMode
from .chromium import CLOSE_TIMEOUT

logger = logging.getLogger(__name__)


def page_request_guard(settings: Any) -> AddressGuard | None:
    """What checks the requests a rendered page makes, or None. Without a proxy: the same decision and
    the same KZPRIVACY_ALLOW_PRIVATE_HOSTS as PrivateAddressGuard, so pages cannot make the browser probe
    the local network. Chromium resolves names itself, so only addresses and localhost names are caught
    here: a name pointing at a private address gets through. Behind a proxy the proxy resolves and
    connects, on its own network, and nothing is checked here (as for HTTP mode's GuardedResolver)."""
    if settings.get("KZPRIVACY_PROXY"):
        return None
    return AddressGuard.from_settings(settings)


class BrowserDownloadHandler(ScrapyPlaywrightDownloadHandler):
    """scrapy-playwright's download handler, one instance for both http and https.

    Scrapy builds one handler per URL scheme; with scrapy-playwright's own class that is
    two browsers, and a site that falls back from https to http would get a second
    context in the other one. Sharing the instance keeps one browser, one context per site.
    The instance is the crawl's BrowserMode add-on's, where the middleware finds it too.
    """

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        self.closed = False
        # A site's pages render one after another in one browser page, kept here between them (by context
        # name): a new page per request costs a renderer process and a dozen round trips to set up.
        self.pages: dict[str, Any] = {}
        self.page_locks: dict[str, asyncio.Lock] = {}
        if getattr(self, "abort_request", None) is None:  # the user's own PLAYWRIGHT_ABORT_REQUEST wins
            self.abort_request = page_request_guard(crawler.settings)

    @classmethod
    def from_crawler(cls, crawler: Any) -> BrowserDownloadHandler:
        addon = BrowserMode.of(crawler)
        if addon is None:  # installed without the add-on: one per scheme, as scrapy-playwright's own
            return cls(crawler)
        if addon.handler is None:
            addon.handler = cls(crawler)
        return addon.handler

    def forget(self, name: str) -> None:
        """A site is done: its page goes with its context (closed by the middleware)."""
        self.pages.pop(name, None)
        self.page_locks.pop(name, None)

    async def _with_site_page(self, request: Any, download: Any) -> Any:
        """Render `request` in its site's page, one request at a time per site; a page whose visit failed
        is closed (that ends its renderer, as scrapy-playwright does with a page it made itself) and the
        site's next request gets a new one."""
        name = request.meta.get("playwright_context")
        if not name or not request.meta.get("browser_options"):
            return await download(request)
        lock = self.page_locks.setdefault(name, asyncio.Lock())
        async with lock:
            page = self.pages.pop(name, None)
            if page is not None and not page.is_closed():
                request.meta["playwright_page"] = page
            request.meta["playwright_include_page"] = True
            failed = True
            try:
                response = await download(request)
                failed = False
            finally:
                page = request.meta.pop("playwright_page", None)
                request.meta.pop("playwright_include_page", None)
                if page is not None and not page.is_closed():
                    if failed or name not in self.page_locks:  # failed, or the site ended meanwhile
                        with contextlib.suppress(Exception):
                            await asyncio.wait_for(page.close(), CLOSE_TIMEOUT)
                    else:
                        self.pages[name] = page
        return response

    def contexts(self) -> dict[str, Any]:
        """The browser contexts open now, by name (scrapy-playwright keeps them; one per site)."""
        return {name: wrapper.context for name, wrapper in self.context_wrappers.items()}

    async def close(self) -> None:
        if self.closed:
            return  # closed already, under the other scheme
        self.closed = True
        await super().close()

    if _SCRAPY_ASYNC_API:

        async def download_request(self, request: Any, *args: Any) -> Any:
            parent = super().download_request
            response = await self._with_site_page(request, lambda r: parent(r, *args))
            latency = (request.meta.get("browser") or {}).get("latency")
            if latency is not None:  # AutoThrottle paces a site by its server, not by our rendering
                request.meta["download_latency"] = latency
            return response
