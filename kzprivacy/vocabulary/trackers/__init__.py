"""The tracker knowledge base: who stands behind a third-party host, a cookie or a snippet.

    >>> from kzprivacy.vocabulary.trackers import lookup_url, lookup_cookie, find_signatures
    >>> lookup_url("https://mc.yandex.ru/metrika/tag.js", site="shop.kz").service.name
    'Yandex.Metrica'
    >>> lookup_cookie("_ym_uid", ".shop.kz", site="shop.kz").service.company
    'Yandex LLC'

Everything answers offline from the bundled data file (services.yaml, see
docs/trackers.md). Indexes are built once per process: a URL lookup walks the
host's parent domains through a dict instead of trying every pattern.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Literal

from ._domains import (
    host_suffixes,
    is_under,
    normalize_host,
    registrable_of_host,
    split_url,
)
from ._model import CATEGORIES, CookiePattern, KnowledgeBase, Service, Signature, load

__all__ = [
    "CATEGORIES",
    "Attribution",
    "CookieAttribution",
    "CookiePattern",
    "Service",
    "Signature",
    "SignatureHit",
    "find_signatures",
    "get",
    "lookup_cookie",
    "lookup_url",
    "party",
    "registrable_domain",
    "services",
]

Party = Literal["first", "third"]


@dataclass(frozen=True, slots=True)
class Attribution:
    """What a URL is: its host, its site (registrable domain), its service and its party."""

    url: str
    host: str
    registrable_domain: str
    service: Service | None
    party: Party | None  # None when no site was given
    pattern: str | None = None  # the host or host/path pattern that matched

    @property
    def service_id(self) -> str | None:
        return self.service.id if self.service else None

    @property
    def tracking(self) -> bool | None:
        return self.service.tracking if self.service else None


@dataclass(frozen=True, slots=True)
class CookieAttribution:
    name: str
    domain: str | None
    service: Service | None
    is_tracking: bool
    party: Party | None  # None when the domain or the site is unknown
    pattern: str | None = None  # cookie pattern, or "domain:<suffix>" when the domain alone told
    generic: str | None = None  # purpose, for names every framework uses (PHPSESSID, ...)

    @property
    def known(self) -> bool:
        return self.service is not None or self.generic is not None

    @property
    def service_id(self) -> str | None:
        return self.service.id if self.service else None


@dataclass(frozen=True, slots=True)
class SignatureHit:
    service: Service
    tracker_id: str | None
    snippet: str  # at most 200 characters around the match, whitespace collapsed
    start: int  # offset of the match in the page source


# --------------------------------------------------------------------------- indexes


@dataclass(frozen=True, slots=True)
class _Index:
    base: KnowledgeBase
    by_id: dict[str, Service]
    hosts: dict[str, Service]
    # host suffix -> [(compiled path rule, "host/path" pattern, service)], longest rule first
    paths: dict[str, tuple[tuple[re.Pattern[str], str, Service], ...]]
    cookie_exact: dict[str, tuple[tuple[CookiePattern, Service], ...]]
    cookie_prefix: tuple[tuple[str, CookiePattern, Service], ...]  # longest prefix first
    generic_exact: dict[str, str]
    generic_prefix: tuple[tuple[str, str], ...]
    signatures: tuple[tuple[str | None, re.Pattern[str], Service], ...]


def _path_rule(path: str) -> re.Pattern[str]:
    # "*" is one path segment; a rule ending in a letter or digit must end at a boundary,
    # so "/tr" matches "/tr?id=1" and "/tr/" but not "/translate".
    body = re.escape(path).replace(r"\*", r"[^/?#]*")
    if path[-1:].isalnum():
        body += r"(?![A-Za-z0-9])"
    return re.compile(body, re.IGNORECASE)


@functools.cache
def _index() -> _Index:
    base = load()
    by_id: dict[str, Service] = {}
    hosts: dict[str, Service] = {}
    paths: dict[str, list[tuple[re.Pattern[str], str, Service]]] = {}
    cookie_exact: dict[str, list[tuple[CookiePattern, Service]]] = {}
    cookie_prefix: list[tuple[str, CookiePattern, Service]] = []
    signatures: list[tuple[str | None, re.Pattern[str], Service]] = []
    for svc in base.services:
        by_id[svc.id] = svc
        for host in svc.hosts:
            if host in hosts:
                raise ValueError(f"host {host} is claimed by {hosts[host].id} and {svc.id}")
            hosts[host] = svc
        for pattern in svc.paths:
            host, _, path = pattern.partition("/")
            paths.setdefault(normalize_host(host), []).append((_path_rule("/" + path), pattern, svc))
        for cookie in svc.cookies:
            if cookie.is_prefix:
                cookie_prefix.append((cookie.name[:-1], cookie, svc))
            else:
                cookie_exact.setdefault(cookie.name, []).append((cookie, svc))
        for sig in svc.signatures:
            signatures.append((sig.hint, re.compile(sig.regex), svc))
    generic_exact = {n: p for n, p in base.generic_cookies if not n.endswith("*")}
    generic_prefix = tuple(sorted(((n[:-1], p) for n, p in base.generic_cookies if n.endswith("*")),
                                  key=lambda x: -len(x[0])))
    return _Index(
        base=base,
        by_id=by_id,
        hosts=hosts,
        paths={h: tuple(sorted(rules, key=lambda r: -len(r[1]))) for h, rules in paths.items()},
        cookie_exact={n: tuple(v) for n, v in cookie_exact.items()},
        cookie_prefix=tuple(sorted(cookie_prefix, key=lambda x: -len(x[0]))),
        generic_exact=generic_exact,
        generic_prefix=generic_prefix,
        signatures=tuple(signatures),
    )


# --------------------------------------------------------------------------- public API


def services() -> list[Service]:
    """Every service in the base, in file order."""
    return list(_index().base.services)


def get(service_id: str) -> Service:
    """The service with this id; KeyError when there is none."""
    return _index().by_id[service_id]


def registrable_domain(host_or_url: str) -> str:
    """The site a host belongs to: "www.shop.com.kz" -> "shop.com.kz".

    Accepts a URL or a host, Unicode or punycode, and answers in lowercase Unicode
    without a trailing dot ("xn--80awbu3c.xn--80ao21a" -> "мысал.қаз"). IP
    addresses come back as they are; a host that is itself a public suffix
    ("gov.kz") or has no known suffix ("localhost") comes back whole.
    """
    host, _ = split_url(host_or_url)
    return registrable_of_host(host)


def party(url_or_host: str, site: str) -> Party:
    """"first" when the URL belongs to the site (same registrable domain), else "third".

    A relative URL (no host) is first party.
    """
    host, _ = split_url(url_or_host)
    if not host:
        return "first"
    mine = registrable_of_host(host)
    return "first" if mine and mine == registrable_domain(site) else "third"


def _match_url(host: str, path: str) -> tuple[Service | None, str | None]:
    idx = _index()
    host_hit: tuple[Service, str] | None = None
    for suffix in host_suffixes(host):
        rules = idx.paths.get(suffix)
        if rules:
            for rule, pattern, svc in rules:
                if rule.match(path):
                    return svc, pattern  # a path rule beats every host rule
        if host_hit is None:
            host_svc = idx.hosts.get(suffix)
            if host_svc is not None:
                host_hit = (host_svc, suffix)
    return host_hit if host_hit else (None, None)


def lookup_url(url: str, site: str | None = None) -> Attribution:
    """Attribute a URL (or a bare host) to a service; with a site, say its party too.

    Path patterns win over host patterns: vk.com/rtrg is the VK pixel,
    vk.com/widget_community.php the VK widgets, any other vk.com URL VK itself.
    """
    host, path = split_url(url)
    svc, pattern = _match_url(host, path or "/") if host else (None, None)
    return Attribution(
        url=url,
        host=host,
        registrable_domain=registrable_of_host(host),
        service=svc,
        party=party(url, site) if site else None,
        pattern=pattern,
    )


def _cookie_candidates(name: str):
    idx = _index()
    yield from idx.cookie_exact.get(name, ())
    for prefix, cookie, svc in idx.cookie_prefix:
        if name.startswith(prefix):
            yield cookie, svc


def _generic_purpose(name: str) -> str | None:
    idx = _index()
    purpose = idx.generic_exact.get(name)
    if purpose is None:
        for prefix, p in idx.generic_prefix:
            if name.startswith(prefix):
                return p
    return purpose


def lookup_cookie(name: str, domain: str | None = None, site: str | None = None) -> CookieAttribution:
    """Attribute a cookie by its name and the domain it was set on.

    A name pattern counts only where the data file allows it: on the vendor's own
    domains, or on any domain for cookies the vendor's script writes first-party
    (_ga, _ym_uid, tmr_lvid, BITRIX_SM_*, jv_*, roistat_*, tildauid...). A cookie of
    an unknown name on a vendor's domain (".yandex.ru") belongs to that vendor.
    Names every framework uses (sessionid, PHPSESSID...) are never pinned on a
    vendor: they come back with service None, not tracking, and their purpose.
    """
    name = name.strip()
    cookie_host = normalize_host(domain.lstrip(".")) if domain else ""
    cookie_party: Party | None = party(cookie_host, site) if (cookie_host and site) else None
    generic = _generic_purpose(name)

    def result(svc: Service | None, tracking: bool, pattern: str | None) -> CookieAttribution:
        return CookieAttribution(name, domain, svc, tracking, cookie_party, pattern, generic)

    for cookie, svc in _cookie_candidates(name):
        if cookie.first_party or (cookie_host and any(is_under(cookie_host, d) for d in cookie.domains)):
            tracking = svc.tracking if cookie.tracking is None else cookie.tracking
            return result(svc, tracking, cookie.name)
    if cookie_host:
        owner = _match_url(cookie_host, "/")
        if owner[0] is not None:
            return result(owner[0], False if generic else owner[0].tracking, f"domain:{owner[1]}")
    return result(None, False, None)


def _snippet(html: str, start: int, end: int, width: int = 200) -> str:
    if end - start >= width:
        lo, hi = start, start + width
    else:
        pad = (width - (end - start)) // 2
        lo = max(0, start - pad)
        hi = min(len(html), lo + width)
        lo = max(0, hi - width)
    return " ".join(html[lo:hi].split())


def find_signatures(html: str) -> list[SignatureHit]:
    """Inline trackers in page source: Metrica counters, gtag / GTM ids, pixels...

    One hit per (service, tracker id), the earliest in the page, in page order.
    """
    lowered = html.lower()
    found: dict[tuple[str, str | None], SignatureHit] = {}
    for hint, rule, svc in _index().signatures:
        if hint and hint not in lowered:
            continue
        for m in rule.finditer(html):
            tracker_id = m.groupdict().get("id")
            key = (svc.id, tracker_id)
            if key not in found or m.start() < found[key].start:
                found[key] = SignatureHit(svc, tracker_id, _snippet(html, m.start(), m.end()), m.start())
    return sorted(found.values(), key=lambda h: (h.start, h.service.id))
