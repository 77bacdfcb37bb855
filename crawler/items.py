"""What the spider yields: one PageItem per fetched page, one SiteItem when a site is finished.

A page carries everything found on it so that the database writes it, and
replaces it on a resumed crawl, in one transaction. The spider and the browser fill in what they
observed (a cookie's name and domain, a request's URL and initiator); the EnrichObservations pipeline
(crawler/pipelines.py) adds what the tracker knowledge base and the site's domains say of it (party,
service, vendor, company, country, category) before the rows are stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class PageItem:
    site: str
    url: str
    page: dict[str, Any]                                   # a `pages` row
    cookies: list[dict[str, Any]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    inline_trackers: list[dict[str, Any]] = field(default_factory=list)
    forms: list[dict[str, Any]] = field(default_factory=list)   # each with its "fields"
    storage: list[dict[str, Any]] = field(default_factory=list)
    policy: dict[str, Any] | None = None                   # a `policies` row when the page is a candidate
    form_destinations: list[dict[str, Any]] = field(default_factory=list)  # browser mode's form probe
    # The site's registrable domains when the page was read (its own, and where it redirected to):
    # what is under them is first party. Empty means just the site's own.
    site_domains: list[str] = field(default_factory=list)


@dataclass
class SiteItem:
    site: str
    row: dict[str, Any]                                    # the `sites` columns the crawl decided
