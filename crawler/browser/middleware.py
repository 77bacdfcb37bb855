"""BrowserMiddleware: which requests render, in which site's context, and the server's document handed
back to Scrapy; a finished site's context closed; a browser that stops answering restarted."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response

from kzprivacy.crawler.items import SiteItem

from .addon import BrowserMode
from .chromium import CLOSE_TIMEOUT
from .failures import classify_browser_failure
from .recorder import RENDERER_TIMEOUT
from .visit import visit

logger = logging.getLogger(__name__)

# Where a link leads to a file, not a page: fetched by plain Scrapy (PDF/DOCX parsing, size limits).
DOCUMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".rtf", ".odt", ".txt", ".xls", ".xlsx", ".zip", ".rar")
RENDERED_KINDS = {"home", "form", "policy", "other"}


def should_render(url: str, kind: str | None) -> bool:
    """Home pages, their language variants, form pages and policy pages render, unless the URL names
    a file (PDF, DOCX...): files go to plain Scrapy, which parses them and enforces size limits."""
    if kind not in RENDERED_KINDS:
        return False  # robots.txt and anything else the spider did not ask for as a page
    path = urlsplit(url).path.lower()
    return not path.endswith(DOCUMENT_EXTENSIONS)


class BrowserMiddleware:
    """Downloader middleware for browser mode.

    process_request sends the spider's pages (see should_render) to scrapy-playwright
    in the site's own context; process_response hands Scrapy the main document as the
    server sent it, so WarcWriter (950) and the spider see the same bytes as in HTTP
    mode, with the visit in meta["browser"]. A finished site's context is closed, and
    a page that outlives every timeout gets its browser restarted.
    """

    def __init__(self, crawler: Any) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.crawl_id = settings.get("KZPRIVACY_CRAWL_ID") or "crawl"
        timeout = settings.getfloat("DOWNLOAD_TIMEOUT")
        load_wait = min(settings.getfloat("KZPRIVACY_BROWSER_LOAD_WAIT"), max(timeout, 1.0))
        settle_max = settings.getfloat("KZPRIVACY_BROWSER_SETTLE")
        probe_max = settings.getint("KZPRIVACY_FORM_PROBE_MAX")
        probe_wait = settings.getfloat("KZPRIVACY_FORM_PROBE_WAIT")
        self.options = {"consent": settings.get("KZPRIVACY_CONSENT") or "none",
                        "max_bytes": settings.getint("DOWNLOAD_MAXSIZE"), "load_wait": load_wait,
                        "settle_max": settle_max, "form_probe": settings.getbool("KZPRIVACY_FORM_PROBE"),
                        "form_probe_max": probe_max, "form_probe_wait": probe_wait,
                        # Beyond this a page counts as hung, whatever it was waiting for.
                        "budget": load_wait + 3 * settle_max + 4 * RENDERER_TIMEOUT + probe_max * (probe_wait + 1)}
        self.navigation_ms = timeout * 1000
        self.screenshots = settings.get("KZPRIVACY_SCREENSHOT_DIR")
        self.context_kwargs = {"ignore_https_errors": True, "service_workers": "block",
                               "viewport": {"width": 1280, "height": 800}}
        # A download that lasts longer than all its timeouts together: the browser has stopped answering.
        self.deadline = timeout + self.options["budget"] + 30
        self.inflight: dict[int, tuple[float, Any]] = {}
        self.watchdog: asyncio.Task | None = None
        self.closing: set[asyncio.Task] = set()
        self.closed_contexts: set[str] = set()   # sites whose context is closed or closing

    @classmethod
    def from_crawler(cls, crawler: Any) -> BrowserMiddleware:
        if crawler.settings.get("KZPRIVACY_MODE") != "browser":
            raise NotConfigured
        mw = cls(crawler)
        crawler.signals.connect(mw.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(mw.spider_closed, signal=signals.spider_closed)
        return mw

    def _context_name(self, site: str) -> str:
        return f"{self.crawl_id}:{site}"

    def _handler(self) -> Any:
        """The crawl's download handler (held by the add-on), or None."""
        addon = BrowserMode.of(self.crawler)
        return addon.handler if addon is not None else None

    def _contexts(self) -> dict[str, Any]:
        """The crawl's open browser contexts by name, as its download handler has them."""
        handler = self._handler()
        return handler.contexts() if handler is not None else {}

    def process_request(self, request: Request, spider: Any = None) -> None:
        from scrapy_playwright.page import (
            PageMethod,  # scrapy-playwright is imported in browser mode only
        )

        site, kind = request.meta.get("site"), request.meta.get("kind")
        if not site or request.meta.get("playwright") is False or not should_render(request.url, kind):
            return
        name = self._context_name(site)
        options = {**self.options, "context": name, "kind": kind}
        if kind == "home" and self.screenshots:
            options["screenshot_path"] = str(Path(self.screenshots) / f"{site}.png")
            # Stored relative to the database's folder (OUT/), as OUT/<crawl_id>/screenshots/<site>.png.
            parts = Path(self.screenshots).parts
            options["screenshot_ref"] = str(Path(*parts[-2:]) / f"{site}.png") if len(parts) >= 2 else \
                options["screenshot_path"]
        request.meta.update({
            "playwright": True, "playwright_context": name, "playwright_context_kwargs": self.context_kwargs,
            "playwright_page_init_callback": "kzprivacy.crawler.browser.visit.init_page",
            "playwright_page_goto_kwargs": {"wait_until": "domcontentloaded", "timeout": self.navigation_ms},
            "playwright_page_methods": [PageMethod(visit)], "browser_options": options,
        })
        self.inflight[id(request)] = (time.monotonic() + self.deadline, request)
        if self.watchdog is None:
            self.watchdog = asyncio.ensure_future(self._watch())
        return

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        self.inflight.pop(id(request), None)
        result = request.meta.get("browser")
        if "playwright" not in response.flags or not result or not result.get("document"):
            return response
        stats = self.crawler.stats
        stats.inc_value("browser/pages_rendered")
        if result.get("load") != "load":
            stats.inc_value("browser/pages_recorded_after_domcontentloaded")
        if (result.get("site") or {}).get("consent"):
            stats.inc_value(f"browser/consent/{result['site']['consent']}")
        from scrapy.http import Headers
        from scrapy.responsetypes import responsetypes

        document = result["document"]
        names = {name.lower() for name, _ in document["headers"]}
        # The body comes decoded: its length and encoding headers would describe other bytes.
        dropped = {"content-encoding", "transfer-encoding"}
        if "content-encoding" in names:
            dropped.add("content-length")
        headers = Headers()
        for name, value in document["headers"]:
            if name.lower() not in dropped:
                headers.appendlist(name, value)
        cls = responsetypes.from_args(headers=headers, url=document["url"], body=document["body"])
        result["document"] = None  # the bytes now live in the response
        return response.replace(cls=cls, url=document["url"], status=document["status"], headers=headers,
                                body=document["body"], flags=[*response.flags, "rendered"])

    def process_exception(self, request: Request, exception: BaseException, spider: Any = None) -> None:
        if self.inflight.pop(id(request), None) is not None:
            status, _ = classify_browser_failure(exception, request.meta)
            self.crawler.stats.inc_value(f"browser/failed/{status}")

    def item_scraped(self, item: Any, response: Any = None, spider: Any = None) -> None:
        if isinstance(item, SiteItem):
            self._close_context(self._context_name(item.site))

    def _close_context(self, name: str) -> None:
        if name in self.closed_contexts:
            return
        handler = self._handler()
        if handler is not None and hasattr(handler, "forget"):
            handler.forget(name)  # the site's page, kept between its requests, goes with the context
        context = self._contexts().get(name)
        if context is not None:  # its SiteState (recorder.py) goes with it
            self.closed_contexts.add(name)
            self.crawler.stats.inc_value("browser/contexts_closed")
            task = asyncio.ensure_future(self._close(context))
            self.closing.add(task)
            task.add_done_callback(self.closing.discard)

    async def _close(self, context: Any) -> None:
        try:
            await asyncio.wait_for(context.close(), CLOSE_TIMEOUT)
        except Exception as exc:  # closed already, or its browser is gone
            logger.debug("closing a browser context: %r", exc)

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(5)
            now = time.monotonic()
            for key, (deadline, request) in list(self.inflight.items()):
                if now < deadline:
                    continue
                self.inflight.pop(key, None)
                request.meta.setdefault("browser_failure", (
                    "browser_hung", f"no answer from the browser within {self.deadline:.0f} s; browser restarted"))
                context = self._contexts().get(self._context_name(request.meta.get("site", "")))
                browser = getattr(context, "browser", None)
                logger.error("browser stopped answering on %s: restarting it", request.url)
                if browser is not None:  # scrapy-playwright launches a new one for the next page
                    try:
                        await asyncio.wait_for(browser.close(), CLOSE_TIMEOUT)
                    except Exception as exc:
                        logger.error("could not close the browser: %r", exc)

    async def spider_closed(self, spider: Any = None) -> None:
        if self.watchdog is not None:
            self.watchdog.cancel()
        for name in [n for n in self._contexts() if n.startswith(f"{self.crawl_id}:")]:
            self._close_context(name)
        if self.closing:
            await asyncio.gather(*self.closing, return_exceptions=True)
