"""Browser mode's failures as the project's site statuses (HTTP mode's words for the same failures)."""

from __future__ import annotations

from typing import Any

from kzprivacy.crawler.errors import classify_failure


class BrowserPageError(Exception):
    """A page that could not be recorded, with the site status it means (browser_hung, too_large...)."""

    def __init__(self, status: str, message: str):
        super().__init__(message)
        self.status = status


# Chromium's network errors as the project's site statuses (HTTP mode's words for the same failures).
_NET_ERRORS = (
    ("ERR_NAME_NOT_RESOLVED", "dns_error"), ("ERR_NAME_RESOLUTION_FAILED", "dns_error"),
    ("ERR_TUNNEL_CONNECTION_FAILED", "proxy_error"), ("ERR_PROXY_CONNECTION_FAILED", "proxy_error"),
    ("ERR_TOO_MANY_REDIRECTS", "redirect_loop"),
    ("ERR_SSL_", "tls_error"), ("ERR_CERT_", "tls_error"), ("ERR_BAD_SSL", "tls_error"),
    ("ERR_CONNECTION_REFUSED", "refused"), ("ERR_CONNECTION_RESET", "refused"), ("ERR_CONNECTION_CLOSED", "refused"),
    ("ERR_EMPTY_RESPONSE", "refused"), ("ERR_CONNECTION_FAILED", "refused"), ("ERR_ADDRESS_UNREACHABLE", "refused"),
    ("ERR_TIMED_OUT", "timeout"), ("ERR_CONNECTION_TIMED_OUT", "timeout"),
    ("crashed", "browser_crash"), ("Target closed", "browser_crash"),
    ("has been closed", "browser_crash"),
)


def classify_browser_failure(exc: BaseException, meta: dict[str, Any] | None = None) -> tuple[str, str]:
    """(status, error text) for a request that failed in the browser."""
    marked = (meta or {}).get("browser_failure")
    if marked:  # decided while the page was open (too large, hung)
        return marked[0], marked[1]
    if isinstance(exc, BrowserPageError):
        return exc.status, str(exc)
    try:
        from playwright.async_api import Error as PlaywrightError
        from playwright.async_api import TimeoutError as PlaywrightTimeout
    except ImportError:  # pragma: no cover  (scrapy-playwright, and with it Playwright, is browser mode's only)
        return classify_failure(exc)
    if not isinstance(exc, PlaywrightError):
        return classify_failure(exc)
    message = str(exc).split("\n", 1)[0][:1000]
    if isinstance(exc, PlaywrightTimeout) or "Timeout" in message:
        return "timeout", message
    for needle, status in _NET_ERRORS:
        if needle in message:
            return status, message
    return "error", message
