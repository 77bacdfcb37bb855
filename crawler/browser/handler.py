"""BrowserDownloadHandler: scrapy-playwright's download handler, one instance for http and https, guarding
what pages ask the browser for with the HTTP guard's own check (crawler/netguard.py)."""

from __future__ import annotations

from typing import Any

from scrapy_playwright.handler import _SCRAPY_ASYNC_API, ScrapyPlaywrightDownloadHandler

from kzprivacy.crawler.netguard import AddressGuard

from .addon import BrowserMode


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
            response = await super().download_request(request, *args)
            latency = (request.meta.get("browser") or {}).get("latency")
            if latency is not None:  # AutoThrottle paces a site by its server, not by our rendering
                request.meta["download_latency"] = latency
            return response
