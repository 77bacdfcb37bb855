"""A crawl plan: the options of a scan, as Scrapy settings and as the record kept in `crawls.settings`.

`kzprivacy scan`, `demo`, `weekly`, `enqueue` and every `worker` build their crawl from one
`CrawlPlan`, so a crawl started one way resumes, or is worked on elsewhere, with the same settings:
the record written at the start (`record()`) is what `from_record()` reads back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from kzprivacy.crawler.settings_table import default
from kzprivacy.vocabulary.domains import SiteEntry, parse_entries, read_entries

__all__ = ["CrawlPlan", "PlanError", "new_crawl_id", "parse_overrides", "read_sites"]


class PlanError(Exception):
    """Options that cannot make a crawl (a malformed -s, --consent without --render, no Chromium)."""


def new_crawl_id(prefix: str = "") -> str:
    """A crawl id from the UTC time: sortable, and fit for Redis keys and folder names."""
    return prefix + datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")


def parse_overrides(items: Iterable[str]) -> dict[str, Any]:
    """-s NAME=VALUE pairs, checked against the settings table before anything starts (a typo would
    otherwise be ignored by Scrapy and the crawl run with the default); values come back converted."""
    from kzprivacy.crawler.settings_table import SettingError, check_overrides

    values = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise PlanError(f"-s/--set: expected NAME=VALUE, got {item!r}")
        values[name.strip()] = value
    try:
        return check_overrides(values)
    except SettingError as error:
        raise PlanError(f"-s/--set: {error}") from None


def read_sites(domains: Iterable[str], input_file: str | Path | None = None
               ) -> tuple[list[SiteEntry], list[tuple[str, str]]]:
    """The sites of DOMAINS and of the --input file (duplicates dropped), and the entries rejected, with why."""
    entries, rejected = parse_entries(list(domains))
    if input_file:
        more, bad = read_entries(input_file)
        known = {e.site for e in entries}
        entries += [e for e in more if e.site not in known]
        rejected += bad
    return entries, rejected


@dataclass(frozen=True)
class CrawlPlan:
    """How to crawl: the options a user gives, whatever command they come through."""

    mode: str = "http"  # "browser": pages rendered in Chromium (docs/browser-mode.md)
    max_pages: int = default("KZPRIVACY_MAX_PAGES")
    proxy: str | None = None
    user_agent: str | None = None
    ignore_robots: bool = False
    timeout: float | None = None
    consent: str | None = None  # browser mode: "none" or "accept" (click the banner's accept button)
    overrides: Mapping[str, Any] = field(default_factory=dict)  # -s NAME=VALUE, checked and converted

    @classmethod
    def from_options(cls, *, render: bool = False, consent: str = "none", **options: Any) -> CrawlPlan:
        """A plan from command-line options; --consent other than none needs --render."""
        if not render and consent != "none":
            raise PlanError("--consent needs --render (clicking a banner takes a browser)")
        return cls(mode="browser" if render else "http", consent=consent if render else None, **options)

    @classmethod
    def from_record(cls, mode: str, record: Mapping[str, Any], *, proxy: str | None = None,
                    local: Mapping[str, Any] | None = None) -> CrawlPlan:
        """The plan a crawl was started with (its `crawls.settings` record), run with this machine's proxy
        and -s values (which win over the crawl's)."""
        max_pages = int(record.get("max_pages") or default("KZPRIVACY_MAX_PAGES"))
        return cls(mode=mode or "http", max_pages=max_pages, proxy=proxy,
                   user_agent=record.get("user_agent"), ignore_robots=bool(record.get("ignore_robots")),
                   timeout=record.get("timeout"),
                   consent=(record.get("consent") or "none") if mode == "browser" else None,
                   overrides={**(record.get("overrides") or {}), **(local or {})})

    def with_proxy(self, proxy: str | None) -> CrawlPlan:
        return replace(self, proxy=proxy)

    def record(self) -> dict[str, Any]:
        """What `crawls.settings` keeps of the plan (docs/data-dictionary.md)."""
        return {"max_pages": self.max_pages, "proxy": self.proxy, "ignore_robots": self.ignore_robots,
                "timeout": self.timeout, "user_agent": self.user_agent, "consent": self.consent,
                "overrides": dict(self.overrides)}

    def browser_problem(self) -> str | None:
        """Why browser mode cannot run on this machine, or None (always None in HTTP mode)."""
        if self.mode != "browser":
            return None
        from kzprivacy.crawler.browser import browser_problem

        return browser_problem(self.overrides.get("KZPRIVACY_CHROMIUM"))

    def settings(self, *, db: str | Path, crawl_id: str, crawl_dir: Path,
                 extra: Mapping[str, Any] | None = None) -> Any:
        """Scrapy settings for this plan: the project's, then the plan's, then -s, then `extra`."""
        from scrapy.settings import Settings

        settings = Settings()
        settings.setmodule("kzprivacy.crawler.settings", priority="project")
        values: dict[str, Any] = {
            "KZPRIVACY_DB": str(db), "KZPRIVACY_CRAWL_ID": crawl_id,
            "KZPRIVACY_WARC_DIR": str(crawl_dir / "warc"), "KZPRIVACY_MAX_PAGES": self.max_pages,
            "KZPRIVACY_MODE": self.mode,
            "LOG_FILE": str(crawl_dir / "crawl.log"), "LOG_FILE_APPEND": True,
            "JOBDIR": str(crawl_dir / "job"),
        }
        if self.proxy:
            values["KZPRIVACY_PROXY"] = self.proxy
        if self.user_agent:
            values["USER_AGENT"] = self.user_agent
        if self.ignore_robots:
            values["ROBOTSTXT_OBEY"] = False
        if self.timeout:
            values["DOWNLOAD_TIMEOUT"] = self.timeout
        if self.mode == "browser":  # home-page screenshots beside the WARC (crawler/browser)
            values["KZPRIVACY_SCREENSHOT_DIR"] = str(crawl_dir / "screenshots")
            values["KZPRIVACY_CONSENT"] = self.consent or "none"
        values.update(self.overrides)
        values.update(extra or {})
        settings.setdict(values, priority="cmdline")
        return settings
