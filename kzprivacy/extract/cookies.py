"""Set-Cookie headers to cookie rows (RFC 6265 section 5.2, leniently, as browsers do)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

__all__ = ["SetCookie", "parse_set_cookie"]

MAX_NAME = 256  # longer names are kept, but cut, so a hostile header cannot bloat the database


@dataclass
class SetCookie:
    name: str
    value_length: int
    domain: str          # ".example.kz" from a Domain attribute; the request host when host-only
    path: str
    expires: str | None  # ISO 8601, from Expires or Max-Age
    max_age: int | None
    secure: bool
    httponly: bool
    samesite: str | None
    host_only: bool
    raw: str

    def row(self) -> dict:
        row = asdict(self)
        row.pop("host_only")
        return row


def _default_path(url_path: str) -> str:
    if not url_path.startswith("/") or url_path.count("/") <= 1:
        return "/"
    return url_path[: url_path.rfind("/")]


def parse_set_cookie(header: str | bytes, request_url: str) -> SetCookie | None:
    """Parse one Set-Cookie header value as sent in a response to request_url; None when unusable."""
    if isinstance(header, bytes):
        header = header.decode("utf-8", "replace")
    header = header.replace("\x00", "")
    raw = header[:4096]
    pair, *attrs = header.split(";")
    if "=" in pair:
        name, value = pair.split("=", 1)
    else:  # a nameless cookie: browsers treat the whole pair as the value
        name, value = "", pair
    name, value = name.strip()[:MAX_NAME], value.strip()
    if not name and not value:
        return None
    parts = urlsplit(request_url)
    host = (parts.hostname or "").lower()
    cookie = SetCookie(name=name, value_length=len(value), domain=host, path=_default_path(parts.path),
                       expires=None, max_age=None, secure=False, httponly=False, samesite=None, host_only=True,
                       raw=raw)
    for attr in attrs:
        key, _, val = attr.partition("=")
        key, val = key.strip().lower(), val.strip()
        if key == "domain" and val.strip("."):
            # Written as browsers' jars write it: ".example.kz" for a cookie sent to subdomains too,
            # the bare host for a host-only one, so HTTP and browser modes agree.
            cookie.domain = "." + val.strip(".").lower()
            cookie.host_only = False
        elif key == "path" and val.startswith("/"):
            cookie.path = val
        elif key == "expires" and cookie.max_age is None:
            try:
                cookie.expires = parsedate_to_datetime(val).isoformat()
            except (TypeError, ValueError, IndexError):
                cookie.expires = val[:64] or None
        elif key == "max-age":
            try:
                cookie.max_age = int(val)
                cookie.expires = f"max-age={cookie.max_age}"
            except ValueError:
                pass
        elif key == "secure":
            cookie.secure = True
        elif key == "httponly":
            cookie.httponly = True
        elif key == "samesite":
            cookie.samesite = val.capitalize()[:16] or None
    return cookie
