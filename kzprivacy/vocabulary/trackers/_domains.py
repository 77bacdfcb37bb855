"""Hosts and registrable domains, offline.

tldextract runs on its bundled public-suffix list only (no fetching), with the
private section included, as browsers do: two shops on myshopify.com or two
buckets on cloudfront.net are different sites. gov.kz, com.kz, org.kz, edu.kz
and the other Kazakh second-level suffixes are in that list, so
"minzdrav.gov.kz" is a site of its own, not a subdomain of "gov.kz".
"""

from __future__ import annotations

import functools
import ipaddress
from urllib.parse import urlsplit

import idna
import tldextract


@functools.cache
def _extractor() -> tldextract.TLDExtract:
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)


@functools.lru_cache(maxsize=131072)
def normalize_host(host: str) -> str:
    """Lowercase, no trailing dot, no brackets; IDN labels in Unicode ("мысал.қаз")."""
    host = host.strip().strip("[]").rstrip(".").lower()
    if not host:
        return ""
    if host.isascii() and "xn--" not in host:
        return host
    try:
        return idna.decode(host, uts46=True)
    except (idna.IDNAError, UnicodeError, ValueError):
        # Hosts that break IDNA 2008 (emoji, underscores next to Unicode) still
        # deserve a stable form; Python's IDNA 2003 codec is more lenient.
        try:
            return host.encode("ascii").decode("idna") if host.isascii() else host
        except UnicodeError:
            return host


# Schemes without a network host: a data: URL is part of the page, not a request elsewhere.
_HOSTLESS_SCHEMES = ("data:", "javascript:", "blob:", "about:", "mailto:", "tel:", "sms:")


def split_url(url_or_host: str) -> tuple[str, str]:
    """(normalised host, path with query) of a URL, a scheme-less URL or a bare host.

    A relative URL ("/img/a.png") has no host: ("", "/img/a.png"); nor do data:,
    blob:, javascript:, mailto: and tel: URLs.
    """
    text = url_or_host.strip()
    if not text or text[:11].lower().startswith(_HOSTLESS_SCHEMES):
        return "", ""
    if text.startswith("/") and not text.startswith("//"):
        path, _, query = text.partition("?")
        return "", path + ("?" + query.split("#", 1)[0] if query else "")
    if "://" not in text and not text.startswith("//"):
        text = "//" + text
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
        path = parts.path or ""
        if parts.query:
            path = f"{path}?{parts.query}"
    except ValueError:  # e.g. an unbalanced "[" in the netloc
        rest = text.split("//", 1)[1]
        netloc, sep, tail = rest.partition("/")
        netloc = netloc.split("?", 1)[0].split("#", 1)[0].rsplit("@", 1)[-1]
        host = netloc[1:].split("]", 1)[0] if netloc.startswith("[") else netloc.split(":", 1)[0]
        path = (sep + tail).split("#", 1)[0]
    return normalize_host(host), path


def host_of(url_or_host: str) -> str:
    return split_url(url_or_host)[0]


def is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


@functools.lru_cache(maxsize=131072)
def registrable_of_host(host: str) -> str:
    """Registrable domain of an already normalised host."""
    if not host or is_ip(host):
        return host
    ext = _extractor()(host)
    if not ext.suffix or not ext.domain:
        # "localhost", an unknown TLD, or a host that is itself a public suffix ("gov.kz").
        return host
    return f"{ext.domain}.{ext.suffix}"


def host_suffixes(host: str):
    """The host, then each parent domain: a.b.c -> a.b.c, b.c, c."""
    yield host
    i = host.find(".")
    while i != -1:
        yield host[i + 1 :]
        i = host.find(".", i + 1)


def is_under(host: str, domain: str) -> bool:
    """True when host is domain or one of its subdomains."""
    return host == domain or host.endswith("." + domain)
