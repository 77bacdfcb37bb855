"""The BrowserMode add-on: with KZPRIVACY_MODE = "browser" it installs the rest of browser mode, and it
is the crawl's own object for what browser mode shares across components (the one download handler)."""

from __future__ import annotations

from typing import Any

from .chromium import DEFAULT_CHROMIUM, chromium_args, chromium_executable

# The components it installs, named as settings name them (importing them would import scrapy-playwright
# in HTTP mode too).
HANDLER = "kzprivacy.crawler.browser.handler.BrowserDownloadHandler"
PROVIDER = "kzprivacy.crawler.browser.provider.ChromiumProvider"
MIDDLEWARE = "kzprivacy.crawler.browser.middleware.BrowserMiddleware"
GATE = "kzprivacy.crawler.browser.gate.SiteGate"


class BrowserMode:
    """Scrapy add-on (listed in ADDONS): with KZPRIVACY_MODE = "browser", render pages in Chromium.

    It only adds settings at add-on priority, so anything set on the command line
    (a PLAYWRIGHT_* setting, say) still wins. Scrapy builds one per crawler (crawler.addons), so it
    also holds the crawl's one BrowserDownloadHandler (see handler.py).
    """

    def __init__(self, crawler: Any = None) -> None:
        self.crawler = crawler
        self.handler: Any = None   # the BrowserDownloadHandler serving http and https, once built

    @classmethod
    def from_crawler(cls, crawler: Any) -> BrowserMode:
        return cls(crawler)

    @staticmethod
    def of(crawler: Any) -> BrowserMode | None:
        """The crawler's BrowserMode add-on, or None when it has none (browser mode set up by hand)."""
        manager = getattr(crawler, "addons", None)
        return next((a for a in getattr(manager, "addons", ()) if isinstance(a, BrowserMode)), None)

    def update_settings(self, settings: Any) -> None:
        if settings.get("KZPRIVACY_MODE") != "browser":
            return
        settings.set("DOWNLOAD_HANDLERS", {"http": HANDLER, "https": HANDLER}, "addon")
        # Scrapy composes DOWNLOAD_HANDLERS over DOWNLOAD_HANDLERS_BASE key by key, each key keeping its
        # own priority, and the project's base dict names HTTP mode's handler at project priority
        # (crawler/settings.py): so the handler replaces it there too, at the priority it had.
        base = settings["DOWNLOAD_HANDLERS_BASE"]
        for scheme in ("http", "https"):
            base.set(scheme, HANDLER, base.getpriority(scheme) or "addon")
        settings.set("PLAYWRIGHT_BROWSER_TYPE", "chromium", "addon")
        settings.set("PLAYWRIGHT_BROWSER_PROVIDER", PROVIDER, "addon")
        options: dict[str, Any] = {"executable_path": chromium_executable(settings.get("KZPRIVACY_CHROMIUM")
                                                                          or DEFAULT_CHROMIUM),
                                   "headless": True, "args": chromium_args(),
                                   # Scrapy decides when the crawl stops (and so what a resumed crawl redoes).
                                   "handle_sigint": False, "handle_sigterm": False, "handle_sighup": False}
        if settings.get("KZPRIVACY_PROXY"):
            options["proxy"] = {"server": settings.get("KZPRIVACY_PROXY")}
        # Without a proxy, the handler refuses what a page asks of private addresses (handler.page_request_guard).
        settings.set("PLAYWRIGHT_LAUNCH_OPTIONS", options, "addon")
        # One context per site, so one site's cookies never reach another; one page at a time per
        # context, so each page's cookies and storage are told apart from the page before.
        # SiteGate keeps to KZPRIVACY_BROWSER_SITES contexts; this cap is a safety net above it (waiting
        # for a free context, scrapy-playwright holds a lock that every other page needs).
        settings.set("PLAYWRIGHT_MAX_CONTEXTS", 2 * settings.getint("KZPRIVACY_BROWSER_SITES"), "addon")
        settings.set("PLAYWRIGHT_MAX_PAGES_PER_CONTEXT", 1, "addon")
        settings.set("PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT", settings.getfloat("DOWNLOAD_TIMEOUT") * 1000, "addon")
        # After the server's document comes back, nearest the downloader: WarcWriter (950) sees it as sent.
        settings.set_in_component_priority_dict("DOWNLOADER_MIDDLEWARES", MIDDLEWARE, 960)
        settings.set_in_component_priority_dict("SPIDER_MIDDLEWARES", GATE, 10)
