"""The progress display of a running scan: sites done of total, pages, errors, rate, ETA.

It listens to the crawler's signals only; Scrapy's own log goes to a file so
nothing scrolls over it.
"""

from __future__ import annotations

import time
from collections import Counter

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, \
    TimeRemainingColumn
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Response

from kzprivacy.crawler.items import PageItem, SiteItem


class ScanProgress:
    def __init__(self, total_sites: int, console: Console | None = None):
        self.console = console or Console(stderr=True)
        self.total = total_sites
        self.pages = 0
        self.statuses: Counter[str] = Counter()
        self.started = time.monotonic()
        self.progress = Progress(
            TextColumn("[bold]scanning"), BarColumn(), MofNCompleteColumn(), TextColumn("sites"),
            TextColumn("{task.fields[pages]} pages · {task.fields[errors]} failed · {task.fields[rate]}"),
            TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
            console=self.console, transient=False, refresh_per_second=4,
        )
        self.task = self.progress.add_task("scan", total=total_sites, pages=0, errors=0, rate="")

    def connect(self, crawler: Crawler) -> None:
        crawler.signals.connect(self._item, signal=signals.item_scraped)
        crawler.signals.connect(self._opened, signal=signals.spider_opened)
        crawler.signals.connect(self._closed, signal=signals.spider_closed)

    def _opened(self, spider: Spider | None = None) -> None:
        self.progress.start()

    def _closed(self, spider: Spider | None = None, reason: str | None = None) -> None:
        self.progress.stop()

    def _item(self, item: object, response: Response | None = None, spider: Spider | None = None) -> None:
        if isinstance(item, PageItem):
            if item.page.get("status_code") is not None:
                self.pages += 1
        elif isinstance(item, SiteItem):
            self.statuses[item.row.get("status") or "error"] += 1
        done = sum(self.statuses.values())
        elapsed = max(time.monotonic() - self.started, 1e-6)
        errors = done - self.statuses.get("ok", 0)
        self.progress.update(self.task, completed=done, pages=self.pages, errors=errors,
                             rate=f"{self.pages / elapsed:.1f} pages/s")
