"""What each host of the sample web answers: pure request -> response logic.

A `Site` is built from a site.yaml spec (or a generated spec); a `TrackerHost`
from an entry of trackers.yaml. The `Catalog` maps host names (case-insensitive,
IDN in Unicode or punycode) to them. Networking lives in server.py.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import formatdate
from http import HTTPStatus
from pathlib import Path
from typing import Any

import idna

TEXT_TYPES = ("text/", "application/javascript", "application/json", "application/xml", "image/svg+xml")
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_TEMPLATE_VAR = re.compile(r"\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}")

# A 1x1 transparent GIF, as every counter pixel answers.
PIXEL_GIF = bytes.fromhex(
    "47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b"
)


def to_ascii_host(host: str) -> str:
    """Normalise a host name: lower case, no port or trailing dot, IDN as punycode."""
    host = host.strip().rstrip(".").lower()
    if host.startswith("[") or not host:
        return host
    if ":" in host:
        host = host.rsplit(":", 1)[0]
    if host.isascii():
        return host
    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError:
        return host.encode("idna").decode("ascii")


def to_unicode_host(host: str) -> str:
    """The Unicode form of a (possibly punycode) host name."""
    host = to_ascii_host(host)
    if "xn--" not in host:
        return host
    try:
        return idna.decode(host)
    except idna.IDNAError:
        return host


@dataclass
class Response:
    """One HTTP response, or an instruction to misbehave (hang, close, break TLS)."""

    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    # A streamed body: (declared length, iterator of chunks). Used for the huge page.
    stream: tuple[int, Iterator[bytes]] | None = None
    delay: float = 0.0
    hang: bool = False          # hold the connection, answer nothing, then close
    # The hostile web's misbehaviours after the head: "endless" (chunked, never ends), "drip" (one byte
    # a second), "reset" (the connection is reset right after the head).
    misbehave: str | None = None
    close: bool = False         # close the connection after this response
    reason: str | None = None

    @property
    def reason_phrase(self) -> str:
        if self.reason:
            return self.reason
        try:
            return HTTPStatus(self.status).phrase
        except ValueError:
            return "Unknown"

    @property
    def length(self) -> int:
        return self.stream[0] if self.stream else len(self.body)


def html_response(status: int, title: str, text: str, headers: list[tuple[str, str]] | None = None) -> Response:
    body = (
        "<!DOCTYPE html><html lang=\"ru\"><head><meta charset=\"utf-8\">"
        f"<title>{title}</title></head><body><h1>{title}</h1><p>{text}</p></body></html>\n"
    ).encode()
    return Response(status, [("Content-Type", "text/html; charset=utf-8"), *(headers or [])], body)


def proxy_error(status: int, squid_error: str, text: str) -> Response:
    """An error the way squid reports it (so clients can tell DNS failure from refusal)."""
    return html_response(status, f"{status} {HTTPStatus(status).phrase}", text, [("X-Squid-Error", squid_error)])


def not_found() -> Response:
    return html_response(404, "Страница не найдена", "Запрошенная страница не существует.")


def is_text_type(content_type: str) -> bool:
    return content_type.startswith(TEXT_TYPES)


def guess_type(path: str) -> str:
    if path.endswith(".docx"):
        return DOCX_TYPE
    if path.endswith(".js"):
        return "application/javascript"
    guessed, _ = mimetypes.guess_type(path)
    return guessed or "application/octet-stream"


def big_page(size: int, title: str = "Каталог") -> tuple[int, Iterator[bytes]]:
    """An HTML page of exactly `size` bytes, produced chunk by chunk (never held in memory)."""
    head = (
        "<!DOCTYPE html><html lang=\"ru\"><head><meta charset=\"utf-8\">"
        f"<title>{title}</title></head><body><h1>{title}</h1>\n"
    ).encode()
    tail = b"</body></html>\n"
    unit = "<p>Позиция каталога: цемент, кирпич, доска обрезная, гвозди, краска.</p>\n".encode()
    if size < len(head) + len(tail):
        raise ValueError("big page too small")

    def chunks() -> Iterator[bytes]:
        yield head
        remaining = size - len(head) - len(tail)
        block = unit * (65536 // len(unit))
        while remaining >= len(block):
            yield block
            remaining -= len(block)
        while remaining >= len(unit):
            yield unit
            remaining -= len(unit)
        yield b" " * remaining
        yield tail

    return size, chunks()


class Site:
    """One sample site: routes from its spec, behaviour flags, files under `root`."""

    def __init__(self, spec: dict[str, Any], root: Path | None = None, week: int = 1) -> None:
        # Week 2 is the same web a week later: a site's `week2:` routes and vars replace week one's,
        # so two demo crawls have something real to diff.
        later = spec.get("week2") if week >= 2 else None
        if later:
            spec = {**spec, "routes": {**(spec.get("routes") or {}), **(later.get("routes") or {})},
                    "vars": {**(spec.get("vars") or {}), **(later.get("vars") or {})}}
        self.spec = spec
        self.root = root
        self.domain: str = to_unicode_host(spec["domain"])
        self.ascii_host: str = to_ascii_host(spec["domain"])
        behaviour = spec.get("behaviour") or {}
        self.dns: str = behaviour.get("dns", "ok")              # ok | fail
        self.http: str = behaviour.get("http", "serve")         # serve | refuse | redirect_https
        self.https: str = behaviour.get("https", "serve")       # serve | refuse | broken_tls
        self.delay: float = float(behaviour.get("delay", 0))
        # Simulated zone (zone.py): median seconds per answer, each request drawing its own wait.
        self.latency: float | None = float(behaviour["latency"]) if behaviour.get("latency") else None
        self.redirect_www: bool = bool(behaviour.get("redirect_www", False))  # bare name -> www.
        self.hang: bool = bool(behaviour.get("hang", False))
        # hostile web: hN.<domain> redirects to hN+1.<domain> up to N, then the site answers
        self.redirect_hops: int = int(behaviour.get("redirect_hops", 0))
        self.www_alias: bool = bool(behaviour.get("www_alias", True))
        self.charset: str = behaviour.get("charset", "utf-8")
        self.redirect_set_cookies: list[str] = list(behaviour.get("redirect_set_cookies") or [])
        self.routes: dict[str, dict[str, Any]] = dict(spec.get("routes") or {})
        self.vars: dict[str, str] = {
            "domain": self.domain,
            "ascii_domain": self.ascii_host,
            **{k: str(v) for k, v in (spec.get("vars") or {}).items()},
        }
        self._cache: dict[str, bytes] = {}

    def delay_for(self, key: str) -> float:
        """Seconds to wait before answering the request identified by `key` (scheme, host, path)."""
        if self.latency is None:
            return self.delay
        from .zone import request_latency

        return self.delay + request_latency(self.latency, f"{self.ascii_host} {key}")

    @property
    def hosts(self) -> list[str]:
        hosts = [self.ascii_host]
        if self.www_alias:
            hosts.append("www." + self.ascii_host)
        hosts += [f"h{n}.{self.ascii_host}" for n in range(1, self.redirect_hops + 1)]
        return hosts

    def hop(self, scheme: str, host: str, target: str) -> Response | None:
        """The redirect chain across hosts: the site, then h1., h2., ... hN. of it, each sending on."""
        if not self.redirect_hops:
            return None
        n = int(host.split(".", 1)[0][1:]) if host.startswith("h") and host != self.ascii_host else 0
        if n >= self.redirect_hops:
            return None
        return Response(302, [("Location", f"{scheme}://h{n + 1}.{self.ascii_host}{target}"),
                              ("Content-Type", "text/html; charset=utf-8")], b"<html><body>Moved</body></html>\n")

    def route_for(self, path: str) -> dict[str, Any] | None:
        if path in self.routes:
            return self.routes[path]
        # Lenient about a trailing slash, as most servers are.
        alt = path[:-1] if path.endswith("/") and len(path) > 1 else path + "/"
        return self.routes.get(alt)

    def render(self, text: str) -> str:
        # A few passes, so a variable may itself use variables (footer -> payload).
        for _ in range(4):
            rendered = _TEMPLATE_VAR.sub(lambda m: self.vars.get(m.group(1), m.group(0)), text)
            if rendered == text:
                break
            text = rendered
        return text

    def route_body(self, route: dict[str, Any], content_type: str, charset: str) -> bytes:
        key = repr(sorted((k, str(v)) for k, v in route.items()))
        if key in self._cache:
            return self._cache[key]
        if "body" in route:
            raw: bytes | str = route["body"]
        elif "file" in route:
            if self.root is None:
                raise FileNotFoundError(route["file"])
            raw = (self.root / route["file"]).read_bytes()
        else:
            raw = b""
        if is_text_type(content_type):
            text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
            if route.get("template", True):
                text = self.render(text)
            # Files are kept in UTF-8; the route's charset says what goes on the wire.
            data = text.encode(charset, errors="xmlcharrefreplace")
        else:
            data = raw if isinstance(raw, bytes) else raw.encode("utf-8")
        self._cache[key] = data
        return data

    def respond(self, method: str, scheme: str, target: str) -> Response:
        """The response to `method target` over `scheme` (behaviours applied by the server)."""
        path = target.split("?", 1)[0].split("#", 1)[0] or "/"
        if scheme == "http" and self.http == "redirect_https":
            headers: list[tuple[str, str]] = [("Location", f"https://{self.ascii_host}{target}")]
            headers += [("Set-Cookie", c) for c in self.redirect_set_cookies]
            return Response(301, [*headers, ("Content-Type", "text/html; charset=utf-8")],
                            b"<html><body>Moved Permanently</body></html>\n")
        route = self.route_for(path)
        if method == "POST":
            return html_response(200, "Спасибо!", "Заявка принята. Мы свяжемся с вами в ближайшее время.")
        if method not in ("GET", "HEAD"):
            return html_response(405, "Метод не поддерживается", "Используйте GET.", [("Allow", "GET, HEAD, POST")])
        if route is None:
            return not_found()
        status = int(route.get("status", 200))
        headers = []
        for name, value in _header_items(route.get("headers")):
            headers.append((name, self.render(str(value))))
        for cookie in route.get("set_cookies") or []:
            headers.append(("Set-Cookie", self.render(cookie)))
        if "location" in route:
            headers.append(("Location", self.render(route["location"])))
        if route.get("generate") == "big_page":
            content_type = "text/html; charset=utf-8"
            headers.insert(0, ("Content-Type", content_type))
            return Response(status, headers, stream=big_page(int(route["size"])))
        if "cookie_count" in route:  # tens of thousands of Set-Cookie headers
            headers += [("Set-Cookie", f"c{i}=v{i}; Path=/") for i in range(int(route["cookie_count"]))]
        if "header_bytes" in route:  # one header of that size
            headers.append(("X-Padding", "a" * int(route["header_bytes"])))
        if "content_encoding" in route:
            headers.append(("Content-Encoding", route["content_encoding"]))
        if route.get("generate"):  # a hostile payload from bombs.py, generated once
            from . import bombs

            body = bombs.payload(route["generate"], tuple(sorted((route.get("args") or {}).items())))
            headers.insert(0, ("Content-Type", route.get("content_type", "text/html; charset=utf-8")))
            return Response(status, headers, body, misbehave=route.get("misbehave"))
        source = route.get("file", "") or ""
        content_type = route.get("content_type") or (guess_type(source) if source else "text/html")
        charset = route.get("charset", self.charset)
        body = self.route_body(route, content_type, charset) if ("file" in route or "body" in route) else b""
        if is_text_type(content_type) and "charset=" not in content_type and route.get("charset_in_header", True):
            content_type = f"{content_type}; charset={charset}"
        headers.insert(0, ("Content-Type", content_type))
        if "last_modified" in route:
            headers.append(("Last-Modified", formatdate(float(route["last_modified"]), usegmt=True)))
        return Response(status, headers, body, misbehave=route.get("misbehave"))


def _header_items(headers: Any) -> list[tuple[str, str]]:
    if not headers:
        return []
    if isinstance(headers, dict):
        return [(str(k), str(v)) for k, v in headers.items()]
    return [(str(k), str(v)) for k, v in headers]


class TrackerHost:
    """A stand-in for a real third-party host (counter, tag manager, widget, CDN)."""

    def __init__(self, host: str, spec: dict[str, Any], scripts: dict[str, str]) -> None:
        self.host = to_ascii_host(host)
        self.vendor: str | None = spec.get("vendor")
        self.paths: list[dict[str, Any]] = list(spec.get("paths") or [])
        self.default: dict[str, Any] = dict(spec.get("default") or {"kind": "gif"})
        self.scripts = scripts

    def entry_for(self, target: str) -> dict[str, Any]:
        for entry in self.paths:
            if target.startswith(entry["prefix"]):
                return entry
        return self.default

    def respond(self, method: str, scheme: str, target: str) -> Response:
        entry = self.entry_for(target)
        kind = entry.get("kind", "gif")
        headers: list[tuple[str, str]] = [("Cache-Control", "no-cache")]
        headers += [("Set-Cookie", c) for c in entry.get("set_cookies") or []]
        headers += _header_items(entry.get("headers"))
        if kind == "js":
            body = self.scripts[entry["script"]].encode("utf-8")
            ctype = "application/javascript; charset=utf-8"
        elif kind == "css":
            body = str(entry.get("body", "/* sample web stylesheet */\n")).encode("utf-8")
            ctype = "text/css; charset=utf-8"
        elif kind == "html":
            body = str(entry.get("body", "<!DOCTYPE html><html><body></body></html>\n")).encode("utf-8")
            ctype = "text/html; charset=utf-8"
        elif kind == "json":
            body = str(entry.get("body", "{}")).encode("utf-8")
            ctype = "application/json"
        elif kind == "font":
            body = b"wOF2" + bytes(60)  # not a usable font; browsers fall back silently
            ctype = "font/woff2"
        elif kind == "empty":
            return Response(204, headers)
        else:
            body, ctype = PIXEL_GIF, "image/gif"
        return Response(int(entry.get("status", 200)), [("Content-Type", ctype), *headers], body)


class Catalog:
    """Every host the sample web knows, by ASCII host name."""

    def __init__(self, sites: list[Site], trackers: list[TrackerHost], generated: int = 0, zone: bool = False) -> None:
        self.sites = sites
        self.hosts: dict[str, Site | TrackerHost] = {}
        for tracker in trackers:
            self.hosts[tracker.host] = tracker
        for site in sites:
            for host in site.hosts:
                self.hosts[host] = site
        self.generated = generated
        self.zone = zone  # generated sites behave as a simulated zone (zone.py)
        self._generated_cache: dict[int, Site] = {}

    def lookup(self, host: str) -> Site | TrackerHost | None:
        """The site or tracker behind `host`; None for hosts that do not resolve."""
        found = self.lookup_any(host)
        if isinstance(found, Site) and found.dns == "fail":
            return None
        return found

    def lookup_any(self, host: str) -> Site | TrackerHost | None:
        """The site or tracker behind `host`, dead names included (they still take time to fail)."""
        ascii_host = to_ascii_host(host)
        found = self.hosts.get(ascii_host)
        if found is None and self.generated:
            found = self._generated(ascii_host)
        return found

    def _generated(self, host: str) -> Site | None:
        from .generated import GENERATED_HOST, generated_site

        m = GENERATED_HOST.fullmatch(host.removeprefix("www."))
        if not m:
            return None
        index = int(m.group(1))
        if not 1 <= index <= self.generated:
            return None
        if index not in self._generated_cache:
            spec = generated_site(index)
            if self.zone:
                from .zone import zone_spec

                spec = zone_spec(spec, index)
            self._generated_cache[index] = Site(spec)
        return self._generated_cache[index]
