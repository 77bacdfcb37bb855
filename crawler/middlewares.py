"""Downloader middlewares, each doing one thing and switched by a setting.

- ProxyMiddleware: routes every request through KZPRIVACY_PROXY (Scrapy's own
  HttpProxyMiddleware then speaks to it, CONNECT included).
- PrivateAddressGuard: refuses private and loopback addresses before anything
  is sent (crawler/netguard.py; names are checked at connect time by its resolver).
- SetCookieRecorder: keeps every Set-Cookie header, redirect responses included,
  before the redirect middleware swallows them.
- WarcWriter: writes every request and response, as the server sent it, to WARC.
- FailFast: once an origin failed at the connection level (its name does not resolve, it timed
  out, refused, broke TLS, or the proxy could not reach it), the rest of its requests fail the
  same way at once instead of each waiting again.
- SiteBudget: gives each site KZPRIVACY_SITE_TIMEOUT seconds in all; no request of it outlives that, and
  when it runs out the site's waiting requests are dropped, so one site cannot hold the crawl's end.
- SiteRobotsTxt, SiteCookies: Scrapy's robots.txt and cookie middlewares, keeping what they hold
  per site only until the site is done (signal `site_done`), so memory stays flat over a zone.
"""

from __future__ import annotations

import hashlib
import os
import time
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from scrapy import signals
from scrapy.downloadermiddlewares.cookies import CookiesMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request, Response
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.asyncio import call_later
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

from .errors import BlockedPrivateAddress, OriginFailed, SiteTimedOut, classify_failure, proxy_error_status
from .netguard import allowed_private_hosts, blocked_reason
from .shutdown import writing
from .signals import site_done, site_timed_out, tls_handshake

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.utils.asyncio import CallLaterResult
    from scrapy.crawler import Crawler


class ProxyMiddleware:
    def __init__(self, proxy: str):
        self.proxy = proxy

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProxyMiddleware:
        proxy = crawler.settings.get("KZPRIVACY_PROXY")
        if not proxy:
            raise NotConfigured
        return cls(proxy)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        request.meta.setdefault("proxy", self.proxy)


class PrivateAddressGuard:
    """Refuses, before anything is sent, every request whose host is a private or loopback address in any
    spelling, or a localhost name (crawler/netguard.py). Pages, redirects (each hop comes back through the
    middlewares), robots.txt (RobotsTxtMiddleware downloads through them too, and this guard runs first,
    so a blocked page costs no robots.txt request either) and policy documents all pass here. Names that
    resolve to private addresses are refused at connect time by the crawl's resolver, GuardedResolver."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.allowed = allowed_private_hosts(crawler.settings)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PrivateAddressGuard:
        if not crawler.settings.getbool("KZPRIVACY_BLOCK_PRIVATE_ADDRESSES"):
            raise NotConfigured
        return cls(crawler)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        reason = blocked_reason(request.url, self.allowed)
        if reason:
            raise BlockedPrivateAddress(reason)
        return None


class SetCookieRecorder:
    """Stores ("url", header) pairs in request.meta["set_cookies"] for every response of the chain.

    At most KZPRIVACY_MAX_COOKIES Set-Cookie headers of one response are read (browsers keep about 180
    cookies per site); the rest are cut from the response before the cookie jar sees them, so 30,000 of
    them cost what 300 do, and the cut is counted in request.meta["set_cookies_cut"] as
    (url, kept, total) for the page row's warnings. The WARC record, written first, keeps them all."""

    def __init__(self, max_cookies: int = 0):
        self.max_cookies = max_cookies

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SetCookieRecorder:
        if not crawler.settings.getbool("KZPRIVACY_RECORD_COOKIES"):
            raise NotConfigured
        return cls(crawler.settings.getint("KZPRIVACY_MAX_COOKIES"))

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        headers = response.headers.getlist(b"Set-Cookie")
        if self.max_cookies and len(headers) > self.max_cookies:
            request.meta["set_cookies_cut"] = [*request.meta.get("set_cookies_cut", []),
                                               (response.url, self.max_cookies, len(headers))]
            headers = headers[:self.max_cookies]
            trimmed = response.headers.copy()
            trimmed.setlist(b"Set-Cookie", headers)
            response = response.replace(headers=trimmed)
        if headers:
            # A new list each time: redirected requests copy meta, and must not share it.
            request.meta["set_cookies"] = list(request.meta.get("set_cookies", [])) + [
                (response.url, h.decode("utf-8", "replace")) for h in headers]
        return response


class WarcWriter:
    """Every response (and its request) as a WARC record; rows point to it through meta["warc"].

    Records are WARC/1.0, one gzip member each, the form replay tools (pywb, cdxj-indexer,
    warcio) read everywhere. Scrapy hands over the body with any chunked transfer coding already
    removed (Content-Encoding, such as gzip, is kept as sent), so a Transfer-Encoding header is
    left out of the record: a header announcing chunks over an unchunked body misleads replay.
    The payload is then the entity body the WARC spec defines (6.3.2), and its digest holds.
    """

    # Hop-by-hop framing the body no longer has once Scrapy has read it.
    DROPPED_HEADERS = frozenset({"transfer-encoding"})

    def __init__(self, folder: Path, prefix: str, max_bytes: int, software: str, crawl_id: str = "crawl",
                 robots: str = "obey"):
        from warcio.warcwriter import WARCWriter  # noqa: F401  (fail early when warcio is missing)

        self.folder = folder
        self.prefix = prefix
        self.max_bytes = max_bytes
        self.software = software
        self.crawl_id = crawl_id
        self.robots = robots
        self.serial = 0
        self.file: BinaryIO | None = None
        self.writer: Any = None  # warcio's WARCWriter
        self.path: Path | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcWriter:
        folder = crawler.settings.get("KZPRIVACY_WARC_DIR")
        if not folder:
            raise NotConfigured
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S")
        # Unique per process, so a resumed crawl or a second worker never appends to another's file.
        prefix = f"{crawler.settings.get('KZPRIVACY_CRAWL_ID') or 'crawl'}-{stamp}-{os.getpid()}"
        mw = cls(Path(folder), prefix, crawler.settings.getint("KZPRIVACY_WARC_MAX_BYTES"),
                 crawler.settings.get("USER_AGENT"), str(crawler.settings.get("KZPRIVACY_CRAWL_ID") or
                                                                     "crawl"),
                 "obey" if crawler.settings.getbool("ROBOTSTXT_OBEY") else "ignore")
        crawler.signals.connect(mw.close, signal=signals.spider_closed)
        return mw

    def _open(self) -> tuple[BinaryIO, Path]:
        from warcio.warcwriter import WARCWriter

        self.folder.mkdir(parents=True, exist_ok=True)
        self.path = path = self.folder / f"{self.prefix}-{self.serial:05d}.warc.gz"
        self.file = file = open(path, "ab")  # noqa: SIM115 - stays open across responses; close() closes it
        self.writer = WARCWriter(file, gzip=True)
        info = self.writer.create_warcinfo_record(path.name, {
            "software": self.software, "format": "WARC File Format 1.0", "isPartOf": self.crawl_id,
            "robots": self.robots})
        self.writer.write_record(info)
        return file, path

    def close(self, spider: Spider | None = None) -> None:
        if self.file:
            self.file.close()
            self.file = None

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        with writing:  # a forced stop (crawler/shutdown.py) waits for the record being written
            return self._write(request, response)

    def _write(self, request: Request, response: Response) -> Response:
        from warcio.statusandheaders import StatusAndHeaders

        if self.file is None or self.path is None or self.file.tell() > self.max_bytes:
            if self.file is not None:
                self.close()
                self.serial += 1
            file, warc_path = self._open()
        else:
            file, warc_path = self.file, self.path
        fetched_at = datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
        version = "HTTP/1.1"
        reason = _reason(response.status)
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, vs in response.headers.items() for v in vs
                   if k.decode("latin-1").lower() not in self.DROPPED_HEADERS]
        http_headers = StatusAndHeaders(f"{response.status} {reason}", headers, protocol=version)
        warc_headers = {"WARC-Date": fetched_at}
        if response.ip_address is not None:
            warc_headers["WARC-IP-Address"] = str(response.ip_address)
        record = self.writer.create_warc_record(response.url, "response", payload=BytesIO(response.body),
                                                http_headers=http_headers, warc_headers_dict=warc_headers)
        offset = file.tell()
        self.writer.write_record(record)
        record_id = record.rec_headers.get_header("WARC-Record-ID")
        req_headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, vs in request.headers.items() for v in vs]
        path = request.url.split("://", 1)[-1]
        host, path = (path.split("/", 1)[0], "/" + path.split("/", 1)[1]) if "/" in path else (path, "/")
        if not any(k.lower() == "host" for k, _ in req_headers):  # Scrapy's download handler adds it later
            req_headers.insert(0, ("Host", host.rsplit("@", 1)[-1]))
        req_record = self.writer.create_warc_record(
            request.url, "request", payload=BytesIO(request.body or b""),
            http_headers=StatusAndHeaders(f"{request.method} {path} {version}", req_headers, is_http_request=True),
            warc_headers_dict={"WARC-Date": fetched_at, "WARC-Concurrent-To": record_id})
        self.writer.write_record(req_record)
        for sub in (request.meta.get("browser") or {}).get("cookie_responses") or ():
            self._write_exchange(sub)
        file.flush()  # a stopped crawl keeps every record it wrote (crawler/shutdown.py)
        request.meta["warc"] = {"warc_file": warc_path.name, "warc_record_id": record_id, "warc_offset": offset,
                                "fetched_at": fetched_at,
                                "payload_sha256": hashlib.sha256(response.body).hexdigest()}
        return response


    def _write_exchange(self, sub: dict[str, Any]) -> None:
        """A response browser mode kept because it set a cookie (a tracker's, a redirect), with its request.

        Headers as Chromium reported them; the body as the browser kept it (empty for a redirect).
        """
        from warcio.statusandheaders import StatusAndHeaders

        headers = [(k, v) for k, v in sub.get("headers") or () if k.lower() not in self.DROPPED_HEADERS]
        status = int(sub.get("status") or 0)
        http_headers = StatusAndHeaders(f"{status} {sub.get('reason') or _reason(status)}".strip(), headers,
                                        protocol="HTTP/1.1")
        fetched_at = sub.get("fetched_at") or datetime.now(timezone.utc).isoformat(timespec="seconds").replace(
            "+00:00", "Z")
        url = sub["url"]
        record = self.writer.create_warc_record(url, "response", payload=BytesIO(sub.get("body") or b""),
                                                http_headers=http_headers,
                                                warc_headers_dict={"WARC-Date": fetched_at})
        self.writer.write_record(record)
        rest = url.split("://", 1)[-1]
        host, path = (rest.split("/", 1)[0], "/" + rest.split("/", 1)[1]) if "/" in rest else (rest, "/")
        req_headers = list(sub.get("request_headers") or ())
        if not any(k.lower() == "host" for k, _ in req_headers):
            req_headers.insert(0, ("Host", host.rsplit("@", 1)[-1]))
        self.writer.write_record(self.writer.create_warc_record(
            url, "request", payload=BytesIO(b""),
            http_headers=StatusAndHeaders(f"{sub.get('method') or 'GET'} {path} HTTP/1.1", req_headers,
                                          is_http_request=True),
            warc_headers_dict={"WARC-Date": fetched_at,
                               "WARC-Concurrent-To": record.rec_headers.get_header("WARC-Record-ID")}))


class FailFast:
    """Remembers origins (scheme://host) that have never answered and failed at the connection level;
    their later requests, retries included, fail at once with the same status. A name that does not
    resolve fails for every scheme.

    The robots.txt fetch usually pays the wait (and the home page a second one: a slow robots.txt alone
    must not cost a live site its https); later requests then fail at once. One wait is enough where a
    second could only fail the same way: an https server that took the connection and never answered the
    TLS handshake (crawler/tlswatch.py tells), and plain http after https hung that way or timed out, when
    its robots.txt hangs too (the site hangs on both schemes: its http home page is not waited for as well).
    A timed-out request is never retried: a hang costs one timeout, not one per retry. An origin that has
    answered once (its response head arrived) is never failed fast: one slow page of a live site times out
    alone. A proxy's own error response (X-Squid-Error: it could not resolve or reach the site) is not
    retried either. Memory is bounded: the oldest origins are forgotten past KZPRIVACY_FAIL_FAST_ORIGINS.
    """

    STATUSES = ("dns_error", "timeout", "tls_error", "proxy_error")
    TIMEOUTS = 2  # timeouts of an origin that never answered before it counts as hanging

    def __init__(self, max_origins: int):
        from collections import OrderedDict

        self.max_origins = max_origins
        self.failed: OrderedDict[str, tuple[str, str]] = OrderedDict()
        self.answered: OrderedDict[str, None] = OrderedDict()  # origins that sent a response
        self.timeouts: dict[str, int] = {}
        self.tls: OrderedDict[str, bool] = OrderedDict()  # host -> a TLS handshake with it completed

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FailFast:
        size = crawler.settings.getint("KZPRIVACY_FAIL_FAST_ORIGINS")
        if size <= 0:
            raise NotConfigured
        mw = cls(size)
        # An origin has answered once its response head arrived: a body that then drips is a slow page of a
        # live site, not a dead origin (the response itself only reaches process_response when complete).
        crawler.signals.connect(mw._headers_received, signal=signals.headers_received)
        crawler.signals.connect(mw._tls_handshake, signal=tls_handshake)
        return mw

    def _tls_handshake(self, host: str, done: bool) -> None:
        self.tls[host] = done or self.tls.get(host, False)
        self.tls.move_to_end(host)
        while len(self.tls) > self.max_origins:
            self.tls.popitem(last=False)

    def _hangs(self, request: Request, origin: str) -> bool:
        """A timeout of `origin` that a second request could only repeat: an https server that never
        completed a TLS handshake, or plain http whose https origin already timed out."""
        parts = urlparse_cached(request)
        host = (parts.hostname or "").lower()
        if parts.scheme == "https":
            return self.tls.get(host) is False
        https = self.failed.get(f"https://{parts.netloc}")
        return https is not None and https[0] == "timeout"

    def _headers_received(self, headers: Any, body_length: Any, request: Request, spider: Spider | None = None) -> None:
        self._answered(self._keys(request)[0])
        # Said on the request too, for failures that never pass process_exception: a redirect that hits
        # REDIRECT_MAX_TIMES fails in RedirectMiddleware's process_response (600), whose 3xx responses never
        # reach this middleware's (560) either, yet each of them was the origin answering.
        request.meta["origin_answered"] = True

    @staticmethod
    def _keys(request: Request) -> tuple[str, str]:
        parts = urlparse_cached(request)
        return f"{parts.scheme}://{parts.netloc}", f"*://{parts.hostname or ''}"

    def _remember(self, key: str, status: str, error: str) -> None:
        self.failed[key] = (status, error)
        self.failed.move_to_end(key)
        while len(self.failed) > self.max_origins:
            self.failed.popitem(last=False)

    def _answered(self, origin: str) -> None:
        self.timeouts.pop(origin, None)
        self.answered[origin] = None
        self.answered.move_to_end(origin)
        while len(self.answered) > self.max_origins:
            self.answered.popitem(last=False)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        origin, host = self._keys(request)
        known = self.failed.get(origin) or self.failed.get(host)
        if known is not None:
            status, error = known
            raise OriginFailed(status, f"{error} [not tried again: an earlier request to {origin} failed]")
        return None

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        status = proxy_error_status(response.headers.get("X-Squid-Error")) if response.status >= 500 else None
        if status in ("dns_error", "refused", "timeout", "tls_error"):
            # The proxy already tried: it would only answer the same. Its answer is cheap and the spider
            # reads it (a proxy's page is not the site's), so it is not turned into a failure here.
            request.meta["dont_retry"] = True
        elif not status:
            self._answered(self._keys(request)[0])
        return response

    def process_exception(self, request: Request, exception: Exception, spider: Spider | None = None) -> None:
        if isinstance(exception, OriginFailed):
            return None
        status, error = classify_failure(exception)
        refused = "ConnectionRefused" in type(exception).__name__
        origin, host = self._keys(request)
        # Whether the origin had answered (the spider falls back to plain http only when https never did).
        request.meta["origin_answered"] = origin in self.answered
        if status == "timeout":
            # A hang costs one timeout, not one per retry: a server that held a request for the whole
            # download timeout is not retried (RetryMiddleware, after this on the way back, reads it).
            request.meta["dont_retry"] = True
        if (status in self.STATUSES or refused) and origin not in self.answered:
            if status == "timeout" and not self._hangs(request, origin):  # a slow robots.txt alone must not
                self.timeouts[origin] = self.timeouts.get(origin, 0) + 1     # cost a site its https
                if self.timeouts[origin] < self.TIMEOUTS:
                    return None
            self.timeouts.pop(origin, None)
            self._remember(host if status == "dns_error" else origin, status, error)
        return None


class SiteBudget:
    """Each site's crawl ends within KZPRIVACY_SITE_TIMEOUT seconds of its first request, whatever it does.

    The clock starts when the site's first request (its robots.txt, usually) reaches the downloader. Every
    request of the site (request.meta["site"]: pages, redirects, robots.txt) gets at most the time left
    as its download timeout, so nothing in flight outlives the budget; when the budget runs out, the
    site's requests waiting in its download slot (politeness delays) are dropped at once and any later
    one is refused, each with SiteTimedOut (status site_timeout), and `site_timed_out` is sent: the
    spider then records the site as site_timeout, with every page it fetched before (crawler/spiders/site.py).
    The spider bounds the reading of a page by the same deadline (request.meta["site_deadline"], a
    time.monotonic() value, read by crawler/parsepool.py).

    A budget per site, not per page: a site that hangs, drips or redirects through many hosts cannot hold
    the crawl's end past its budget, however many requests it makes. The clocks are not in the spider's
    persisted state (a monotonic time means nothing to another process): a resumed site starts afresh."""

    def __init__(self, crawler: Crawler, budget: float) -> None:
        self.crawler = crawler
        self.budget = budget
        self.deadlines: dict[str, float] = {}
        self.timers: dict[str, CallLaterResult] = {}
        self.expired: set[str] = set()
        crawler.signals.connect(self._site_done, signal=site_done)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SiteBudget:
        budget = crawler.settings.get("KZPRIVACY_SITE_TIMEOUT")
        if budget is None and crawler.settings.get("KZPRIVACY_MODE") == "browser":
            # Every rendered page also waits for its load event, its network to settle and its forms' probes:
            # how long a site may take there has not been measured, so browser mode has a budget only when set.
            raise NotConfigured
        budget = 3 * crawler.settings.getfloat("DOWNLOAD_TIMEOUT") if budget is None else float(budget)
        if budget <= 0:
            raise NotConfigured
        return cls(crawler, budget)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        site = request.meta.get("site")
        if not site:
            return None
        if site in self.expired:
            raise SiteTimedOut(self._message(site, "not fetched"))
        now = time.monotonic()
        deadline = self.deadlines.get(site)
        if deadline is None:
            deadline = self.deadlines[site] = now + self.budget
            self.timers[site] = call_later(self.budget, self._expire, site)
        left = deadline - now
        # The request's own timeout, kept apart: a redirect or a retry copies the meta of a request whose
        # timeout was cut, and a resumed crawl (JOBDIR) gives its site a fresh budget.
        full = (request.meta.get("site_full_timeout") or request.meta.get("download_timeout")
                or self.crawler.settings.getfloat("DOWNLOAD_TIMEOUT"))
        request.meta["site_full_timeout"] = full
        if left < full:
            request.meta["download_timeout"] = max(left, 0.001)
            request.meta["site_budget_cut"] = True  # a timeout of this request is the budget's, not the origin's
        else:
            request.meta["download_timeout"] = full
            request.meta.pop("site_budget_cut", None)
        request.meta["site_deadline"] = deadline
        return None

    def _expire(self, site: str) -> None:
        self.timers.pop(site, None)
        self.expired.add(site)
        self.crawler.signals.send_catch_log(signal=site_timed_out, site=site, budget=self.budget)
        # Requests waiting in the site's download slot (its politeness delay) would start late with the time
        # that was left when they passed here: drop them now.
        from twisted.python.failure import Failure

        downloader = getattr(self.crawler.engine, "downloader", None)
        for slot in list(getattr(downloader, "slots", {}).values()):
            queue = getattr(slot, "queue", None)
            if not queue:
                continue
            for entry in [e for e in queue if e[0].meta.get("site") == site]:
                queue.remove(entry)
                entry[1].errback(Failure(SiteTimedOut(self._message(site, "not fetched"))))

    def _message(self, site: str, what: str) -> str:
        return f"{what}: the site's time budget ({self.budget:g} s, KZPRIVACY_SITE_TIMEOUT) ran out"

    def _site_done(self, site: str) -> None:
        self.deadlines.pop(site, None)
        self.expired.discard(site)
        timer = self.timers.pop(site, None)
        if timer is not None:
            timer.cancel()


class SiteRobotsTxt(RobotsTxtMiddleware):
    """Scrapy's RobotsTxtMiddleware keyed by origin (scheme and host), forgetting a site's parsed robots.txt
    files when the site is done (Scrapy keeps every host's for the whole crawl: over a zone, hundreds of MB).

    Per origin, not per host: after a failed https robots.txt (and the https -> http fallback) the http
    origin's robots.txt is fetched and obeyed, instead of the https failure counting as «allowed» for http."""

    # RFC 9309 2.3.1.2: follow at least five redirects, then the robots.txt counts as unavailable (allow all).
    MAX_REDIRECTS = 5
    REDIRECTS = (301, 302, 303, 307, 308)

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self._site_origins: dict[str, set[str]] = {}
        crawler.signals.connect(self._site_done, signal=site_done)

    async def robot_parser(self, request: Request) -> Any:
        url = urlparse_cached(request)
        return await self._parser(f"{url.scheme}://{url.netloc}", request, ())

    async def _parser(self, key: str, request: Request, chain: tuple[str, ...]):
        """The parsed robots.txt of origin `key`, fetched once.

        A robots.txt that redirects to another origin's /robots.txt (http -> https, example.kz ->
        www.example.kz) takes that origin's rules, which are fetched (once) as that origin's own: a site
        that redirects every path through many hosts then costs one robots.txt per host, where Scrapy,
        following each chain anew, made each hop's robots.txt a chain of its own (quadratic in the hops)."""
        site = request.meta.get("site")
        if site:
            self._site_origins.setdefault(site, set()).add(key)
        if key not in self._parsers:
            self._parsers[key] = Deferred()
            # Under the site's name, so that its time budget bounds this fetch too (SiteBudget).
            robotsreq = Request(f"{key}/robots.txt", priority=self.DOWNLOAD_PRIORITY, callback=NO_CALLBACK,
                                meta={"dont_obey_robotstxt": True, "dont_redirect": True, **_site_meta(request)})
            try:
                resp = await self.crawler.engine.download_async(robotsreq)
                location = self._location(resp)
                if location is None:
                    await self._parse_robots(resp, key, request)
                else:
                    await self._follow(key, location, request, (*chain, key))
            except Exception as e:
                self._robots_error(e, key)
            self._stats.inc_value("robotstxt/request_count")
        parser = self._parsers[key]
        if isinstance(parser, Deferred):
            return await maybe_deferred_to_future(parser)
        return parser

    def _location(self, response: Response) -> str | None:
        location = response.headers.get(b"Location")
        if response.status not in self.REDIRECTS or not location:
            return None
        from urllib.parse import urljoin

        return urljoin(response.url, location.decode("latin-1"))

    async def _follow(self, key: str, location: str, request: Request, chain: tuple[str, ...]) -> None:
        from urllib.parse import urlsplit

        if len(chain) > self.MAX_REDIRECTS:
            raise IgnoreRequest(f"robots.txt of {chain[0]}: more than {self.MAX_REDIRECTS} redirects")
        parts = urlsplit(location)
        target = f"{parts.scheme}://{parts.netloc}"
        if parts.scheme in ("http", "https") and parts.path == "/robots.txt" and not parts.query \
                and target not in chain and not isinstance(self._parsers.get(target), Deferred):
            parser = await self._parser(target, request, chain)  # that origin's rules, fetched once
        else:  # elsewhere (a page, a query, a fetch in flight): followed as a plain redirect chain
            response = await self.crawler.engine.download_async(Request(
                location, priority=self.DOWNLOAD_PRIORITY, callback=NO_CALLBACK,
                meta={"dont_obey_robotstxt": True, "redirect_ttl": self.MAX_REDIRECTS + 1 - len(chain),
                      **_site_meta(request)}))
            await self._parse_robots(response, key, request)
            return
        dfd = self._parsers[key]
        assert isinstance(dfd, Deferred)
        self._parsers[key] = parser
        dfd.callback(parser)

    def _site_done(self, site: str) -> None:
        for key in self._site_origins.pop(site, ()):
            if not isinstance(self._parsers.get(key), Deferred):  # never drop a fetch in flight
                self._parsers.pop(key, None)


class SiteCookies(CookiesMiddleware):
    """Scrapy's CookiesMiddleware with one cookie jar per site (request.meta["cookiejar"], set by the
    spider), dropped when the site is done: one site's cookies never reach another, and the jars
    do not accumulate over a zone."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SiteCookies:
        mw = super().from_crawler(crawler)
        crawler.signals.connect(mw._site_done, signal=site_done)
        return mw

    def _site_done(self, site: str) -> None:
        self.jars.pop(site, None)


def _site_meta(request: Request) -> dict[str, Any]:
    """The site a robots.txt fetch is made for, as SiteBudget reads it; nothing for a request of no site."""
    site = request.meta.get("site")
    return {"site": site} if site else {}


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
