"""Failures to site statuses: every way a fetch can fail becomes a word a user can filter on."""

from __future__ import annotations

import re

from scrapy.exceptions import IgnoreRequest

__all__ = ["classify_failure", "BlockedPrivateAddress", "OriginFailed", "SiteTimedOut", "proxy_error_status"]


class BlockedPrivateAddress(IgnoreRequest):
    """The host resolves to a private, loopback or link-local address, which a scan never visits."""


class SiteTimedOut(IgnoreRequest):
    """A request of a site whose time budget (KZPRIVACY_SITE_TIMEOUT) has run out, dropped unsent or
    cut short (crawler.middlewares.SiteBudget)."""


class OriginFailed(Exception):
    """A request not sent because an earlier one to the same origin failed at the connection level
    (crawler.middlewares.FailFast); it carries that failure's status and text."""

    def __init__(self, status: str, error: str):
        super().__init__(error)
        self.status = status
        self.error = error


# Squid's error codes, which corporate proxies (and our sample web) send in X-Squid-Error.
_SQUID = {"ERR_DNS_FAIL": "dns_error", "ERR_CONNECT_FAIL": "refused", "ERR_READ_TIMEOUT": "timeout",
          "ERR_LIFETIME_EXP": "timeout", "ERR_SECURE_CONNECT_FAIL": "tls_error"}


# Scrapy's words for a body past DOWNLOAD_MAXSIZE, whether sent as is or inflated from gzip, deflate,
# brotli or zstd: «exceeded DOWNLOAD_MAXSIZE», «larger than download max size», «max size».
_TOO_LARGE = re.compile(r"DOWNLOAD_MAXSIZE|max ?size|larger than", re.I)


def proxy_error_status(header: str | bytes | None) -> str | None:
    if not header:
        return None
    if isinstance(header, bytes):
        header = header.decode("latin-1")
    return _SQUID.get(header.split()[0].strip()) if header.split() else None


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and what it wraps (Twisted's ResponseFailed keeps its reasons in a list)."""
    out: list[BaseException] = []
    todo: list[BaseException] = [exc]
    while todo and len(out) < 20:
        e = todo.pop(0)
        out.append(e)
        for reason in getattr(e, "reasons", None) or []:
            todo.append(getattr(reason, "value", reason))
        if e.__cause__ is not None:
            todo.append(e.__cause__)
    return out


def classify_failure(exc: BaseException) -> tuple[str, str]:
    """(status, error text) for a failed request."""
    chain = _chain(exc)
    names = " ".join(type(e).__name__ for e in chain)
    text = "; ".join(f"{type(e).__name__}: {e}" for e in chain)[:1000]
    if isinstance(exc, OriginFailed):
        return exc.status, exc.error
    if isinstance(exc, SiteTimedOut):
        return "site_timeout", str(exc)
    blocked = next((e for e in chain if isinstance(e, BlockedPrivateAddress)), None)
    if blocked is not None:  # refused by the URL guard, or at connect time by the resolver
        return "blocked_private_address", str(blocked)
    if isinstance(exc, IgnoreRequest):
        message = str(exc)
        if _TOO_LARGE.search(message):  # a compression bomb: HttpCompressionMiddleware's «Ignored response»
            return "too_large", message
        if "robots.txt" in message:
            return "robots_blocked", message
        if "max redirections" in message:
            return "redirect_loop", message
        return "error", message
    if "TunnelError" in names:
        match = re.search(r"'status': (\d+)", str(exc))
        return "proxy_error", text if not match else f"proxy refused CONNECT with {match.group(1)}: {text}"
    if re.search(r"DNSLookupError|CannotResolveHost", names):
        return "dns_error", text
    if re.search(r"Timeout|TimedOut", names):
        return "timeout", text
    if re.search(r"SSL|TLS|OpenSSL", names) or re.search(r"SSL routines|tlsv1|handshake|certificate", text, re.I):
        return "tls_error", text
    if re.search(r"ConnectionRefused|ConnectError|NoRoute", names):
        return "refused", text
    if "DownloadCancelledError" in names or "CancelledError" in names:
        if _TOO_LARGE.search(text):
            return "too_large", text
        return "error", text
    if re.search(r"ConnectionLost|ConnectionDone|ResponseNeverReceived|DownloadFailed|DataLoss|ConnectionAborted",
                 names):
        return "refused", text
    return "error", text
