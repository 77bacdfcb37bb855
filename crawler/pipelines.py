"""Item pipelines: the database writer (one transaction per page, one per finished site)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import kzprivacy
from kzprivacy.store import Store, open_store, site_rows

from .items import PageItem, SiteItem

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

    from .spiders.site import SiteSpider


class SQLitePipeline:
    def __init__(self, crawler: Crawler, path: str, crawl_id: str, settings_snapshot: dict) -> None:
        self.crawler = crawler
        self.path = path
        self.crawl_id = crawl_id
        self.settings_snapshot = settings_snapshot
        self.store: Store | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SQLitePipeline:
        s = crawler.settings
        snapshot = {k: s.get(k) for k in ("KZPRIVACY_MAX_PAGES", "KZPRIVACY_PROXY", "ROBOTSTXT_OBEY", "USER_AGENT",
                                          "DOWNLOAD_TIMEOUT", "CONCURRENT_REQUESTS", "KZPRIVACY_MODE")}
        return cls(crawler, s.get("KZPRIVACY_DB"), s.get("KZPRIVACY_CRAWL_ID"), snapshot)

    def open_spider(self, spider: Spider | None = None) -> None:
        self.store = open_store(self.path)
        spider = cast("SiteSpider", spider or self.crawler.spider)
        crawl_id = self.crawl_id or spider.crawl_id
        assert crawl_id, "SiteSpider.from_crawler gives every crawl an id"
        self.crawl_id = crawl_id
        self.store.begin_crawl(crawl_id, mode=self.settings_snapshot.get("KZPRIVACY_MODE") or "http",
                               tool_version=kzprivacy.__version__, settings=self.settings_snapshot,
                               sites=site_rows(spider.entries, spider.rejected))

    def close_spider(self, spider: Spider | None = None) -> None:
        if self.store is not None:
            self.store.close()

    def process_item(self, item: PageItem | SiteItem, spider: Spider | None = None) -> PageItem | SiteItem:
        assert self.store is not None, "open_spider opens the store before any item arrives"
        if isinstance(item, PageItem):
            self.store.write_page(self.crawl_id, {
                "site": item.site, "url": item.url, "page": item.page, "cookies": item.cookies,
                "requests": item.requests, "inline_trackers": item.inline_trackers, "forms": item.forms,
                "storage": item.storage, "policy": item.policy, "form_destinations": item.form_destinations})
        elif isinstance(item, SiteItem):
            self.store.finish_site(self.crawl_id, item.site, item.row)
        return item
