"""What the spider yields: one PageItem per fetched page, one SiteItem when a site is finished.

A page carries everything found on it so that the database writes it, and
replaces it on a resumed crawl, in one transaction.
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


@dataclass
class SiteItem:
    site: str
    row: dict[str, Any]                                    # the `sites` columns the crawl decided
