"""How much of a crawl the base can name: pure functions over rows read from the database."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from . import lookup_cookie, lookup_url, party


@dataclass
class Unattributed:
    key: str  # host or cookie name
    sites: set[str] = field(default_factory=set)
    rows: int = 0
    examples: list[str] = field(default_factory=list)  # a few URLs or cookie domains

    def as_dict(self) -> dict:
        return {"key": self.key, "sites": len(self.sites), "rows": self.rows, "examples": self.examples}


def _share(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def request_coverage(rows: Iterable[tuple[str, str, str | None, str | None]]) -> dict:
    """rows: (site, url, host, stored vendor). Party and service are worked out again
    from the base, so the figures improve as the base grows; the stored vendor
    column is only counted for comparison."""
    requests = attributed_requests = stored = 0
    hosts: dict[str, bool] = {}
    missing: dict[str, Unattributed] = {}
    for site, url, host, vendor in rows:
        target = url or host or ""
        if party(target, site) != "third":
            continue
        att = lookup_url(target)
        name = att.host or (host or "")
        requests += 1
        stored += bool(vendor)
        if att.service is not None:
            attributed_requests += 1
            hosts[name] = True
            missing.pop(name, None)
            continue
        if hosts.get(name):
            continue
        hosts[name] = False
        entry = missing.setdefault(name, Unattributed(name))
        entry.sites.add(site)
        entry.rows += 1
        if len(entry.examples) < 3 and url and url not in entry.examples:
            entry.examples.append(url)
    attributed_hosts = sum(1 for ok in hosts.values() if ok)
    return {
        "third_party_requests": requests,
        "requests_attributed": attributed_requests,
        "requests_attributed_pct": _share(attributed_requests, requests),
        "requests_with_stored_vendor": stored,
        "third_party_hosts": len(hosts),
        "hosts_attributed": attributed_hosts,
        "hosts_attributed_pct": _share(attributed_hosts, len(hosts)),
        "unattributed_hosts": sorted(missing.values(), key=lambda u: (-len(u.sites), -u.rows, u.key)),
    }


def cookie_coverage(rows: Iterable[tuple[str, str, str | None, str | None]]) -> dict:
    """rows: (site, name, domain, stored vendor). A cookie without a domain is taken
    to be the site's own."""
    total = attributed = generic = third = stored = 0
    by_service: dict[str, int] = defaultdict(int)
    missing: dict[str, Unattributed] = {}
    for site, name, domain, vendor in rows:
        total += 1
        stored += bool(vendor)
        att = lookup_cookie(name, domain or site, site)
        if att.party == "third":
            third += 1
        if att.service is not None:
            attributed += 1
            by_service[att.service.id] += 1
        elif att.generic is not None:
            generic += 1
        else:
            entry = missing.setdefault(name, Unattributed(name))
            entry.sites.add(site)
            entry.rows += 1
            if len(entry.examples) < 3 and domain and domain not in entry.examples:
                entry.examples.append(domain)
    return {
        "cookies": total,
        "third_party_cookies": third,
        "cookies_attributed": attributed,
        "cookies_attributed_pct": _share(attributed, total),
        "cookies_generic": generic,
        "cookies_unknown": total - attributed - generic,
        "cookies_with_stored_vendor": stored,
        "by_service": dict(sorted(by_service.items(), key=lambda kv: (-kv[1], kv[0]))),
        "unattributed_cookies": sorted(missing.values(), key=lambda u: (-len(u.sites), -u.rows, u.key)),
    }
