"""The recorder: listens to one page from before its navigation until its visit is recorded (requests,
Set-Cookie headers, document.cookie writes, the document's bytes as sent), and what a site's browser
context remembers between its pages.

State lives on the objects it belongs to, not in this module: a page's recorder on the Playwright page,
a site's SiteState on the site's browser context (so it goes when the context is closed)."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from collections.abc import Awaitable
from typing import Any

from kzprivacy.extract.cookies import parse_set_cookie
from kzprivacy.store import utcnow

from .failures import BrowserPageError
from .scripts import script

logger = logging.getLogger(__name__)

BEFORE, AFTER = "before_consent", "after_consent"
QUIET_SECONDS = 0.5          # the network counts as settled after this long without a new request
RENDERER_TIMEOUT = 10.0      # a renderer that leaves a trivial call unanswered this long has hung
STORAGE_JS = script("storage")
# Attribute names under which the state hangs on Playwright's objects (ours, prefixed, never Playwright's).
_RECORDER_ATTR, _STATE_ATTR = "_kzprivacy_recorder", "_kzprivacy_site_state"
_PAGE_ATTR = "_kzprivacy_page"  # what a page keeps across its visits: the DevTools session, the main frame's id
# What DevTools holds for the recorder: each main document at its headers (its bytes as sent, its size).
# Fonts and media are held too, at their headers: their request, status, headers, Set-Cookie and redirects are
# the browser's as ever, and their body, which can change nothing that is recorded (a font or a video runs
# no script and loads nothing), is not downloaded: the response goes on to the page with an empty body.
BODILESS_TYPES = ("Font", "Media")
FETCH_PATTERNS = [{"urlPattern": "*", "resourceType": kind, "requestStage": "Response"}
                  for kind in ("Document", *BODILESS_TYPES)]
# Headers that describe a body, dropped when the body is: the page gets an empty one.
_BODY_HEADERS = {"content-length", "content-encoding", "transfer-encoding", "content-range"}


@dataclass
class SiteState:
    """What a site's browser context has seen across its pages (they render one at a time)."""

    consent_given: bool = False
    storage: dict[tuple[str, str, str], str] = field(default_factory=dict)
    probed_forms: set[str] = field(default_factory=set)   # form keys the form probe has submitted on this site


def site_state(context: Any) -> SiteState:
    """The SiteState of a site's browser context, kept on the context itself: it lives as long as the
    context does (one per site, closed when the site is done)."""
    state = getattr(context, _STATE_ATTR, None)
    if state is None:
        state = SiteState()
        setattr(context, _STATE_ATTR, state)
    return state


def recorder_of(page: Any) -> PageRecorder | None:
    """The recorder init_page attached to this page, if any."""
    return getattr(page, _RECORDER_ATTR, None)


class PageRecorder:
    """Listens to one page from before its navigation until the visit is recorded."""

    def __init__(self, page: Any, request: Any, options: dict[str, Any]) -> None:
        self.page = page
        self.request = request
        self.options = options
        self.state = site_state(page.context)
        self.phase = AFTER if self.state.consent_given else BEFORE
        self.recording = True
        self.requests: list[dict[str, Any]] = []
        self.set_cookies: list[tuple[str, str, str]] = []      # (response url, header, phase)
        self.cookie_responses: list[dict[str, Any]] = []       # other responses that set cookies, for the WARC
        self.cookie_writes: list[tuple[str, str, str, str]] = []  # (frame url, cookie string, script url, phase)
        self.initiators: dict[str, str] = {}
        self.main_response = None
        self.cdp: Any = None
        self.main_frame_id: str | None = None
        self.bodies: dict[str, bytes] = {}                        # document URL -> bytes as sent
        self.bodiless: dict[str, dict] = {}                       # DevTools request id -> a font or media request
        self.bodiless_cookie_urls: set[str] = set()               # fonts and media whose cookie response is kept
        self.inflight = 0
        self.last_activity = time.monotonic()
        self.crashed = False
        self.jar_before: dict[tuple[str, str, str], tuple[str, float]] = {}
        self._tasks: set[asyncio.Task] = set()
        self.marks: list[tuple[str, float]] = [("init", time.monotonic())]  # where a visit's time goes (debug log)
        self.interceptor = None  # the form probe's routes, while they are in place (crawler/formprobe.py)

    def attach(self) -> None:
        """Hang this recorder on its page, where visit() finds it once the page has loaded."""
        setattr(self.page, _RECORDER_ATTR, self)

    def detach(self) -> None:
        if getattr(self.page, _RECORDER_ATTR, None) is self:
            delattr(self.page, _RECORDER_ATTR)

    def mark(self, what: str) -> None:
        self.marks.append((what, time.monotonic()))

    # -- events
    def on_request(self, request: Any) -> None:
        self.inflight += 1
        self.last_activity = time.monotonic()
        if not self.recording:
            return
        try:
            frame = request.frame
        except Exception:  # a worker's request has no frame
            frame = None
        main = frame == self.page.main_frame if frame is not None else False
        if request.is_navigation_request() and main:
            return  # the page itself (and its redirects)
        if not request.url.startswith(("http://", "https://", "ws://", "wss://")):
            return
        self.requests.append({"url": request.url, "type": request.resource_type, "phase": self.phase,
                              "frame_url": frame.url if frame is not None and not main else None})

    def on_request_done(self, request: Any) -> None:
        self.inflight = max(0, self.inflight - 1)
        self.last_activity = time.monotonic()

    def on_response(self, response: Any) -> None:
        try:
            request = response.request
            if request.is_navigation_request() and request.frame == self.page.main_frame and self.recording:
                self.main_response = response  # the page's own document (the last one, after redirects)
        except Exception:
            pass
        task = asyncio.ensure_future(self._response(response))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _response(self, response: Any) -> None:
        try:
            headers = await response.headers_array()
        except Exception:  # the page closed meanwhile
            return
        phase = self.phase
        setting = False
        for header in headers:
            if header["name"].lower() == "set-cookie":
                for value in header["value"].split("\n"):  # some Chromium builds fold repeats into one
                    if value.strip():
                        setting = True
                        self.set_cookies.append((response.url, value.strip(), phase))
        if setting and self.recording:
            await self._keep_cookie_response(response, headers)

    async def _keep_cookie_response(self, response: Any, headers: list[dict[str, str]]) -> None:
        """A response (a tracker's, a redirect's) whose Set-Cookie a cookie row cites: kept for the WARC,
        so an evidence pack holds the response that set the cookie. The page's own document is
        recorded through Scrapy already."""
        try:
            request = response.request
            if (request.is_navigation_request() and request.frame == self.page.main_frame \
                    and not 300 <= response.status < 400) or response.url in self.bodiless_cookie_urls:
                return  # the page's own document, or kept already from the headers DevTools held
            request_headers = request.headers  # as sent, without a round trip to the browser
            try:
                body = await response.body() if not 300 <= response.status < 400 else b""
            except Exception:  # a redirect or a body the browser did not keep
                body = b""
        except Exception:  # the page closed meanwhile
            return
        split = [(h["name"], v.strip()) for h in headers for v in
                 (h["value"].split("\n") if h["name"].lower() == "set-cookie" else [h["value"]]) if v.strip()]
        self.cookie_responses.append({
            "url": response.url, "status": response.status, "reason": response.status_text, "headers": split,
            "method": request.method, "request_headers": list(request_headers.items()),
            "body": body, "fetched_at": utcnow()})

    def on_cdp_extra_info(self, event: dict[str, Any]) -> None:
        """The response headers as they came over the network (DevTools), for the fonts and media whose body
        is not downloaded: once such a response is answered with an empty body the page's view of it no
        longer shows its Set-Cookie (the browser does store the cookies), so they are recorded from here."""
        request = self.bodiless.get(event.get("requestId", ""))
        if request is None:
            return
        url = request.get("url", "")
        split = [(name, v.strip()) for name, value in (event.get("headers") or {}).items()
                 for v in (value.split("\n") if name.lower() == "set-cookie" else [value]) if v.strip()]
        cookies = [value for name, value in split if name.lower() == "set-cookie"]
        status = event.get("statusCode") or 0
        if not cookies or 300 <= status < 400:  # a redirect's cookies the page sees as ever
            return
        self.set_cookies.extend((url, value, self.phase) for value in cookies)
        if self.recording:
            self.bodiless_cookie_urls.add(url)
            self.cookie_responses.append({
                "url": url, "status": status, "reason": "", "headers": split, "method": request.get("method", "GET"),
                "request_headers": list((request.get("headers") or {}).items()), "body": b"", "fetched_at": utcnow()})

    def on_paused(self, event: dict[str, Any]) -> None:
        task = asyncio.ensure_future(self._paused(event))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _paused(self, event: dict[str, Any]) -> None:
        """A document response held at its headers (DevTools Fetch): keep the main document's bytes
        exactly as the server sent them, and stop one larger than DOWNLOAD_MAXSIZE before it loads.
        A font or media response held at its headers goes on with an empty body (BODILESS_TYPES).

        Playwright's response.body() re-encodes text as UTF-8 (a windows-1251 page comes back
        altered), so the WARC would not hold what the server sent.
        """
        request_id, held = event["requestId"], True
        try:
            status = event.get("responseStatusCode") or 0
            if event.get("resourceType") in BODILESS_TYPES:
                if status and not 300 <= status < 400 and not event.get("responseErrorReason"):
                    headers_kept = [h for h in event.get("responseHeaders") or []
                                    if h["name"].lower() not in _BODY_HEADERS]
                    await self.cdp.send("Fetch.fulfillRequest", {"requestId": request_id, "responseCode": status,
                                                                 "responseHeaders": headers_kept, "body": ""})
                    held = False
                return
            if event.get("frameId") != self.main_frame_id or 300 <= status < 400 or not self.recording:
                return
            headers = {h["name"].lower(): h["value"] for h in event.get("responseHeaders") or []}
            length, limit = headers.get("content-length", ""), self.options.get("max_bytes") or 0
            if limit and length.isdigit() and int(length) > limit:
                self.request.meta["browser_failure"] = (
                    "too_large", f"the page declares {length} bytes, more than DOWNLOAD_MAXSIZE ({limit})")
                self.recording = False
                await self.cdp.send("Fetch.failRequest", {"requestId": request_id, "errorReason": "Failed"})
                held = False
                return
            found = await self.cdp.send("Fetch.getResponseBody", {"requestId": request_id})
            body = found.get("body") or ""
            self.bodies[event["request"]["url"]] = (base64.b64decode(body) if found.get("base64Encoded")
                                                    else body.encode("utf-8"))
        except Exception as exc:  # no body kept: the page is still recorded, its bytes from Playwright
            logger.debug("no raw body for %s: %r", event.get("request", {}).get("url"), exc)
        finally:
            if held:
                with contextlib.suppress(Exception):  # the page closed meanwhile
                    await self.cdp.send("Fetch.continueRequest", {"requestId": request_id})

    def on_cookie_write(self, source: dict[str, Any], value: str, script_url: str) -> None:
        if self.recording:
            frame = source.get("frame")
            frame_url = frame.url if frame is not None else self.page.url
            self.cookie_writes.append((frame_url, value, script_url, self.phase))

    def on_cdp_request(self, event: dict[str, Any]) -> None:
        initiator = event.get("initiator") or {}
        kind = initiator.get("type") or "other"
        url = initiator.get("url")
        stack = initiator.get("stack")
        while stack and not url:
            url = next((f.get("url") for f in stack.get("callFrames") or [] if f.get("url")), None)
            stack = stack.get("parent")
        self.initiators.setdefault(event.get("request", {}).get("url", ""), f"{kind} {url}" if url else kind)
        if event.get("type") in BODILESS_TYPES:
            self.bodiless[event.get("requestId", "")] = event.get("request") or {}

    def on_crash(self, *_: Any) -> None:
        self.crashed = True

    # -- waiting
    async def settle(self, max_seconds: float) -> None:
        """Until no request has started or ended for QUIET_SECONDS, or max_seconds at most."""
        deadline = time.monotonic() + max_seconds
        while time.monotonic() < deadline:
            if self.crashed:
                raise BrowserPageError("browser_crash", "the page crashed while rendering")
            quiet = time.monotonic() - self.last_activity
            if quiet >= QUIET_SECONDS and (self.inflight == 0 or quiet >= 2 * QUIET_SECONDS):
                return
            await asyncio.sleep(0.05)

    async def call(self, awaitable: Awaitable[Any], what: str, timeout: float = RENDERER_TIMEOUT) -> Any:
        """A call into the renderer, bounded: a page that does not answer has hung."""
        try:
            return await asyncio.wait_for(awaitable, timeout)
        except asyncio.TimeoutError:
            raise BrowserPageError("browser_hung",
                                   f"the page stopped responding ({what} took over {timeout:.0f} s)") from None


async def snapshot(recorder: PageRecorder) -> dict[str, Any]:
    """The cookie jar and every frame's localStorage and sessionStorage, as they are now."""
    page = recorder.page
    cookies = await recorder.call(page.context.cookies(), "reading cookies")
    jar = {(c["name"], c["domain"], c["path"]): c for c in cookies}
    storage: dict[tuple[str, str, str], str] = {}
    for frame in page.frames:
        if frame.is_detached() or not frame.url.startswith(("http://", "https://")):
            continue
        try:
            found = await recorder.call(frame.evaluate(STORAGE_JS), "reading storage")
        except BrowserPageError:
            if frame == page.main_frame:
                raise
            continue  # a hung third-party frame costs its storage only
        except Exception:
            continue  # a frame that navigated or closed meanwhile
        if found.get("origin") in (None, "null"):
            continue
        for kind in ("local", "session"):
            for key, value in (found.get(kind) or {}).items():
                storage[(found["origin"], kind, key)] = value
    return {"jar": jar, "storage": storage}


def cookie_rows(recorder: PageRecorder, jar: dict, previous: dict, phase: str) -> list[dict[str, Any]]:
    """Cookies in the jar that this phase wrote: new or changed since `previous`, or seen being set."""
    headers = {}
    for url, set_cookie, header_phase in recorder.set_cookies:
        parsed = parse_set_cookie(set_cookie, url)
        if parsed is not None:
            headers[(parsed.name, parsed.domain, parsed.path)] = (parsed, url, header_phase)
    writes = {}
    for frame_url, value, script_url, write_phase in recorder.cookie_writes:
        parsed = parse_set_cookie(value, frame_url)
        if parsed is not None:
            writes[(parsed.name, parsed.domain, parsed.path)] = (parsed, script_url or frame_url, write_phase)
    rows = []
    for key, cookie in jar.items():
        header = headers.get(key)
        write = writes.get(key)
        before = previous.get(key)
        changed = before is None or before != (cookie["value"], cookie["expires"])
        if not changed and not (header and header[2] == phase) and not (write and write[2] == phase):
            continue
        header_value = header[0].raw.split(";", 1)[0].partition("=")[2].strip() if header else None
        if header and header_value == cookie["value"]:
            row = {**header[0].row(), "set_by": "header", "response_url": header[1]}
        elif write:
            row = {**write[0].row(), "set_by": "script", "response_url": write[1]}
        else:  # written by a script we did not see (cookieStore, a worker)
            expires = cookie.get("expires", -1)
            row = {"name": cookie["name"], "domain": cookie["domain"], "path": cookie["path"],
                   "expires": (datetime.fromtimestamp(expires, timezone.utc).isoformat(timespec="seconds")
                               if expires and expires > 0 else None),
                   "max_age": None, "secure": cookie.get("secure"), "httponly": cookie.get("httpOnly"),
                   "samesite": cookie.get("sameSite"), "raw": None, "set_by": "script", "response_url": None}
        row.update(name=cookie["name"], domain=cookie["domain"], path=cookie["path"],
                   value_length=len(cookie["value"]), consent_phase=phase)
        rows.append(row)
    return rows


def storage_rows(known: dict, now: dict, phase: str) -> list[dict[str, Any]]:
    """Storage keys new or changed since `known` (which is updated), as rows of this phase."""
    rows = []
    for (origin, kind, key), value in now.items():
        if known.get((origin, kind, key)) != value:
            rows.append({"origin": origin, "kind": kind, "key": key, "consent_phase": phase})
            known[(origin, kind, key)] = value
    return rows
