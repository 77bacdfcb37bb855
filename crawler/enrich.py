"""The enrichment of what a page showed, in pure functions over rows and items: party, service_id, vendor,
company, country and category from the tracker knowledge base and the site's domains. One step for HTTP and
browser mode alike, run by the EnrichObservations pipeline (crawler/pipelines.py)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

from kzprivacy.vocabulary import trackers
from kzprivacy.vocabulary.trackers import Service, lookup_cookie, lookup_url, registrable_domain

from .items import PageItem

# A URL kept longer than this is cut: the row is evidence of where the request went, not an archive of it.
MAX_URL_CHARS = 2000
Row = dict[str, Any]


def is_first_party(host_or_url: str, domains: Sequence[str]) -> bool:
    """Whether a host (or URL) is under one of the site's registrable domains (its own, and where it
    redirected to). Something unparseable is not the site's."""
    try:
        return bool(host_or_url) and registrable_domain(host_or_url) in domains
    except ValueError:
        return False


def service_columns(service: Service | None) -> Row:
    """The knowledge base's columns for a service (all None for an unknown one): the data contract's
    service_id, vendor, company, country (ISO 3166-1 alpha-2) and category."""
    return {"service_id": service.id if service else None, "vendor": service.name if service else None,
            "company": service.company if service else None, "country": service.country if service else None,
            "category": service.category if service else None}


def enrich_cookies(rows: Iterable[Row], site: str, domains: Sequence[str]) -> list[Row]:
    """Cookies with their party, service columns and is_tracking (by name and the domain set on)."""
    out = []
    for row in rows:
        match = lookup_cookie(row["name"], row.get("domain"), site)
        out.append({**row, "party": "first" if is_first_party((row.get("domain") or "").lstrip("."), domains)
                    else "third", **service_columns(match.service), "is_tracking": match.is_tracking})
    return out


def enrich_requests(rows: Iterable[Row], domains: Sequence[str]) -> list[Row]:
    """Third-party requests with their service columns. The table records what a page asks of third
    parties, so requests to the site's own domains (and those with no host) are left out here."""
    out = []
    for row in rows:
        host = row.get("host") or ""
        if not host or is_first_party(host, domains):
            continue
        url = row["url"][:MAX_URL_CHARS]
        out.append({**row, "url": url, "party": "third", **service_columns(lookup_url(url).service)})
    return out


def enrich_storage(rows: Iterable[Row], site: str, domains: Sequence[str]) -> list[Row]:
    """localStorage / sessionStorage keys with their origin's party and the vendor the key names."""
    out = []
    for row in rows:
        host = (urlsplit(row["origin"]).hostname or "").lower()
        party = "first" if is_first_party(host, domains) else "third"
        service = lookup_cookie(row["key"], host, site).service  # _ym_*, _ga... name their vendor
        if service is None and party == "third":
            service = lookup_url(row["origin"]).service
        out.append({**row, "party": party, "vendor": service.name if service else None})
    return out


def enrich_inline_trackers(rows: Iterable[Row]) -> list[Row]:
    """Trackers found in the page source (by signature, which names the service) with their service columns."""
    out = []
    for row in rows:
        columns = service_columns(trackers.get(row["service_id"]))
        del columns["service_id"]
        out.append({**row, **columns})
    return out


def enrich_destinations(rows: Iterable[Row], domains: Sequence[str]) -> list[Row]:
    """Where the form probe's submissions went: each request's party and service (no category column)."""
    out = []
    for row in rows:
        if "url" not in row:  # a form whose submission sent nothing
            out.append(row)
            continue
        columns = service_columns(lookup_url(row["url"]).service)
        del columns["category"]
        out.append({**row, "party": "first" if is_first_party(row.get("host") or "", domains) else "third",
                    **columns})
    return out


def enrich_page(item: PageItem) -> PageItem:
    """Everything a page showed, with what the tracker knowledge base and the site's domains say of it."""
    domains = item.site_domains or [registrable_domain(item.site)]
    item.cookies = enrich_cookies(item.cookies, item.site, domains)
    item.requests = enrich_requests(item.requests, domains)
    item.storage = enrich_storage(item.storage, item.site, domains)
    item.inline_trackers = enrich_inline_trackers(item.inline_trackers)
    item.form_destinations = enrich_destinations(item.form_destinations, domains)
    return item
