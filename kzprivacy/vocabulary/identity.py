"""What makes two observations the same thing: one page under several URLs, one form on several pages.

A finding is a fact; the same fact seen twice is still one fact. This module decides
identity, in one place, for the crawler (which avoids fetching obvious twins and
records aliases and form keys) and for the analysis (which groups by them).
docs/data-dictionary.md, "Identity", says the same in prose.

- ``canonical_url``: the URL a crawler should fetch: without its fragment and without
  tracking parameters (``utm_*``, ``gclid``, ``fbclid``, ``yclid``...), which never change
  what a page says. Nothing else is rewritten: ``/index.html``, a trailing slash or
  ``http://`` may serve something else, so those twins are fetched and compared by body.
- ``page_aliases``: pages of one site with the same response body (SHA-256) are one
  page; the preferred URL (https, no query, not an index file, shortest) stands for it.
- ``form_key``: a form is its method, where it sends (the page itself, a path of the
  site, or another host) and its fields (name and type, in order): the same callback
  widget on every page has one key.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

__all__ = ["TRACKING_PARAMETERS", "canonical_url", "url_preference", "page_aliases", "form_key"]

# Query parameters that only say where a visitor came from (ad clicks, newsletters, analytics
# cross-domain linking): the page is the same with or without them.
TRACKING_PARAMETERS = re.compile(
    r"^(?:utm_\w+|gclid|gclsrc|dclid|gbraid|wbraid|fbclid|yclid|ysclid|msclkid|ttclid|twclid|igshid|"
    r"mc_cid|mc_eid|_openstat|_ga|_gl|roistat\w*|vk_source|from_tg)$", re.I)
_INDEX_FILE = re.compile(r"/index\.(?:html?|php|aspx?|jsp)$", re.I)


def canonical_url(url: str) -> str:
    """The URL without fragment and tracking parameters; scheme and host in lower case, default port dropped.

    >>> canonical_url("https://Shop-demo.kz:443/order?utm_source=ig&id=5#form")
    'https://shop-demo.kz/order?id=5'
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    host = (parts.hostname or "").lower()
    if port and not ((parts.scheme == "https" and port == 443) or (parts.scheme == "http" and port == 80)):
        host = f"{host}:{port}"
    if parts.username or parts.password:
        return url.split("#", 1)[0]  # leave unusual URLs alone
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        kept = [(k, v) for k, v in pairs if not TRACKING_PARAMETERS.match(k)]
        if len(kept) != len(pairs):
            query = urlencode(kept)
    return urlunsplit((parts.scheme.lower(), host, parts.path or "/", query, ""))


def url_preference(url: str) -> tuple:
    """Sort key: the URL that best names a page comes first (https, no query, not /index.html, short)."""
    parts = urlsplit(url)
    return (parts.scheme != "https", bool(parts.query), bool(_INDEX_FILE.search(parts.path)), len(url), url)


def page_aliases(pages: Iterable[tuple[str, str | None, Any]]) -> dict[str, str]:
    """{alias URL: canonical URL} for one site's pages given as (url, sha256, status_code).

    Only successful answers (2xx) with a body hash are compared; an error page that many URLs
    share (a 404 template) is not a page of the site."""
    groups: dict[str, list[str]] = {}
    for url, sha256, status in pages:
        try:
            code = int(status)
        except (TypeError, ValueError):  # no answer (None, or NaN from a table)
            continue
        if isinstance(sha256, str) and sha256 and 200 <= code < 300:
            groups.setdefault(sha256, []).append(url)
    aliases: dict[str, str] = {}
    for urls in groups.values():
        if len(urls) > 1:
            canonical = min(urls, key=url_preference)
            aliases.update({u: canonical for u in urls if u != canonical})
    return aliases


def form_key(action: str | None, method: str | None, page_url: str, fields: Sequence[tuple[str, str]],
             first_party: bool = True, consent: bool = False) -> str:
    """A short stable key of a form: its method, its destination and its fields (name, type).

    The destination is "the page itself" for a form without action (the same footer form on
    every page), the path for the site's own addresses (so http and https twins agree), and
    host and path for another party's."""
    if not action or canonical_url(action) == canonical_url(page_url):
        destination = "self"
    else:
        parts = urlsplit(action)
        destination = (parts.path or "/") if first_party else f"{(parts.hostname or '').lower()}{parts.path or '/'}"
    signature = [(method or "get").lower(), destination, [[n or "", t or ""] for n, t in fields], bool(consent)]
    return hashlib.sha256(json.dumps(signature, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]
