"""Browser mode's form probe: where a form's data really goes, without sending any of it.

A form's `action` tells where the browser would post it; on many sites a script sends what the
visitor typed somewhere else (a messenger bot's API, a CRM webhook, a lead widget's server). To
see it, the probe fills each form that asks for personal data with clearly synthetic values,
submits it, and records every request the page then makes, while each of those requests is
**aborted inside the browser**: Playwright's route handler answers every request (HTTP and
WebSocket) before Chromium opens a connection, so nothing leaves the machine. CORS preflights are
answered by Playwright itself, so the request that carries the data is still made, and seen.

For each request the row says where (host, company, country from the tracker knowledge base),
how (method, resource type) and which fields' values appear in its URL or body. docs/browser-mode.md
says exactly what is filled and what is not.

Pure parts (tested without a browser): ``probe_candidates``, ``synthetic_values``,
``fields_in_request``, ``destination_rows``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_plus, urlsplit

from kzprivacy.extract.html import Form, extract_forms
from kzprivacy.vocabulary.identity import form_key
from kzprivacy.vocabulary.taxonomy import DATA_CATEGORIES

if TYPE_CHECKING:
    from playwright.async_api import Page, Route, WebSocketRoute
    from playwright.async_api import Request as PlaywrightRequest


logger = logging.getLogger(__name__)

__all__ = ["PROBE_CATEGORIES", "probe_candidates", "synthetic_values", "fields_in_request", "destination_rows",
           "redact_secrets", "probe_forms"]

# Data a visitor types in: a form asking for any of these is probed.
PROBE_CATEGORIES = frozenset(DATA_CATEGORIES) - {"ip_address", "device", "usage"}
# Never typed into a form by the probe: the field is left as it is (the form may then not submit).
NOT_FILLED_TYPES = {"file", "hidden", "submit", "button", "reset", "image"}
# A value that marks itself as a test, unique per field so that each can be found in a request.
MARK = "kzprobe"


def probe_candidates(dom: str, page_url: str, skip_keys: set[str] | None = None,
                     first_party: Callable[[str], bool] = lambda host: True) -> list[tuple[Form, str]]:
    """(form, form_key) of each real <form> in the rendered page that asks for personal data and whose key
    is not in skip_keys (a site's form already probed on an earlier page)."""
    out = []
    for form in extract_forms(dom, page_url):
        if form.method == "script":  # inputs outside any <form>: no form to submit
            continue
        if not any(f.category in PROBE_CATEGORIES for f in form.fields):
            continue
        host = (urlsplit(form.action).hostname or "") if form.action else ""
        key = form_key(form.action, form.method, page_url, [(f.name, f.type) for f in form.fields],
                       first_party=not host or first_party(host), consent=form.has_consent_checkbox)
        if skip_keys and key in skip_keys:
            continue
        out.append((form, key))
    return out


def synthetic_values(form: Form) -> list[dict[str, Any]]:
    """What to put in each field: clearly fictional values, each one findable again in a request.

    [{"index": field position, "name", "kind": text | check | select, "value", "find": [strings to look for]}]
    """
    out = []
    for i, field in enumerate(form.fields):
        ftype = (field.type or "text").lower()
        if ftype in NOT_FILLED_TYPES:
            continue
        n = i + 1
        if ftype in ("checkbox", "radio"):
            out.append({"index": i, "name": field.name, "kind": "check", "value": None, "find": []})
            continue
        if ftype == "select":
            out.append({"index": i, "name": field.name, "kind": "select", "value": None, "find": []})
            continue
        category = field.category
        if category == "email" or ftype == "email":
            value = f"{MARK}{n}@example.invalid"
            find = [value]
        elif category == "phone" or ftype == "tel":
            value = f"+7700000{n:04d}"          # +7 700 000 …: an unassigned-looking Kazakhstan mobile number
            find = [value, f"7700000{n:04d}", f"700000{n:04d}"]
        elif category == "iin":
            value = f"00010150{n:04d}"          # a 12-digit number no one was born with (01.01.2000, serial 5…)
            find = [value]
        elif category == "birth_date" or ftype == "date":
            value = "2000-01-01" if ftype == "date" else "01.01.2000"
            find = []                          # not unique to this field
        elif category == "payment_card":
            value = "4111111111111111"         # the industry's test card number
            find = [value]
        elif ftype == "number":
            value = str(n)
            find = []
        elif ftype == "password":
            value = f"{MARK.capitalize()}{n}pw"
            find = [value]
        elif ftype == "url":
            value = f"https://example.invalid/{MARK}{n}"
            find = [f"{MARK}{n}"]
        else:  # names, addresses, messages: a word that reads as a test
            value = f"{MARK.capitalize()}{n}"
            find = [value]
        out.append({"index": i, "name": field.name, "kind": "text", "value": value, "find": find})
    return out


_DIGITS = re.compile(r"\d[\d\s()+.\-]{8,}\d")


def _renderings(text: str) -> list[str]:
    """The text as sent, URL-decoded, and with JSON escapes read, in lower case."""
    out = [text, unquote_plus(text)]
    with contextlib.suppress(ValueError, TypeError):
        out.append(json.dumps(json.loads(text), ensure_ascii=False))
    return [t.lower() for t in out]


def fields_in_request(url: str, body: str | None, values: list[dict[str, Any]]) -> list[str]:
    """Names of the fields whose value appears in the request's URL or body (also URL-encoded, in JSON,
    or for phone numbers with any spacing and brackets)."""
    texts = _renderings(url) + (_renderings(body) if body else [])
    digit_runs = {re.sub(r"\D", "", m.group()) for t in texts for m in _DIGITS.finditer(t)}
    found = []
    for v in values:
        for needle in v["find"]:
            needle = needle.lower()
            if any(needle in t for t in texts) or (needle.isdigit() and any(needle in run for run in digit_runs)):
                found.append(v["name"] or f"#{v['index']}")
                break
    return found


_SECRETS = (
    (re.compile(r"/bot\d{3,}:[\w-]{10,}"), "/bot<token>"),                       # Telegram bot tokens
    (re.compile(r"(/rest/\d+/)[\w]{8,}(/)"), r"\1<secret>\2"),                   # Bitrix24 webhook secrets
    (re.compile(r"(?i)([?&](?:access_token|token|api_key|apikey|key|secret)=)[^&#]+"), r"\1<secret>"),
)


def redact_secrets(url: str) -> str:
    """The URL with credentials that sites embed in their scripts masked (a bot token, a webhook secret):
    the destination is the evidence, the site's keys are not ours to republish."""
    for pattern, replacement in _SECRETS:
        url = pattern.sub(replacement, url)
    return url


def destination_rows(visit: dict[str, Any]) -> list[dict[str, Any]]:
    """form_destinations rows (without crawl_id, site, page_url) from a visit's probe results, as observed:
    the EnrichObservations pipeline (crawler/pipelines.py) adds each request's party and service."""
    rows = []
    for probe in visit.get("form_probes") or []:
        base = {"form_index": probe["form_index"], "form_key": probe["form_key"], "outcome": probe["outcome"],
                "fields_filled": probe["fields_filled"], "probed_at": probe["probed_at"]}
        if not probe["requests"]:
            rows.append({**base, "request_index": 0})
            continue
        for i, request in enumerate(probe["requests"]):
            rows.append({**base, "request_index": i, "url": redact_secrets(request["url"])[:2000],
                         "host": (urlsplit(request["url"]).hostname or "").lower(), "method": request["method"],
                         "resource_type": request["resource_type"], "fields_sent": request["fields_sent"],
                         "body_bytes": request["body_bytes"]})
    return rows


# -- in the browser --------------------------------------------------------------------------------

# Marks every form (in document order, as extract_forms counts them) and its fields (inputs, selects
# and textareas, buttons left out, as extract_forms counts them), so they can be found after scripts
# have changed the page.
TAG_JS = r"""() => {
  const skip = new Set(["submit", "button", "reset", "image"]);
  const forms = Array.from(document.querySelectorAll("form"));
  forms.forEach((form, i) => {
    form.setAttribute("data-kzprobe-form", String(i));
    let j = 0;
    form.querySelectorAll("input, select, textarea").forEach((el) => {
      const type = (el.tagName === "INPUT" ? (el.getAttribute("type") || "text") : el.tagName).toLowerCase();
      if (skip.has(type)) return;
      el.setAttribute("data-kzprobe-field", i + ":" + j);
      j += 1;
    });
  });
  return forms.length;
}"""

# Fills one form as a visitor would leave it (value set, input and change events fired, so that
# frameworks and masks see it) and submits it the way its own button does; reports what happened.
FILL_AND_SUBMIT_JS = r"""([i, values]) => {
  const form = document.querySelector('[data-kzprobe-form="' + i + '"]');
  if (!form) return {outcome: "gone", filled: []};
  const filled = [];
  const fire = (el) => { ["input", "change", "blur"].forEach((t) => el.dispatchEvent(new Event(t, {bubbles: true}))); };
  for (const v of values) {
    const el = form.querySelector('[data-kzprobe-field="' + i + ':' + v.index + '"]');
    if (!el || el.disabled) continue;
    try {
      if (v.kind === "check") {
        if (!el.checked) { el.checked = true; fire(el); }
      } else if (v.kind === "select") {
        const option = Array.from(el.options || []).find((o) => o.value && !o.disabled);
        if (option) { el.value = option.value; fire(el); }
      } else {
        el.focus();
        const proto = el.tagName === "TEXTAREA" ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
        const setter = Object.getOwnPropertyDescriptor(proto, "value").set;
        setter.call(el, v.value);
        fire(el);
      }
      filled.push(v.name || ("#" + v.index));
    } catch (e) {}
  }
  const invalid = Array.from(form.querySelectorAll(":invalid")).map((el) => el.name || el.id || el.type);
  const button = form.querySelector(
    'button[type="submit"], button:not([type]), input[type="submit"], input[type="image"]');
  try {
    if (button) { button.click(); }
    else if (form.requestSubmit) { form.requestSubmit(); }
    else { form.submit(); }
  } catch (e) {
    return {outcome: "error", filled: filled, invalid: invalid, error: String(e).slice(0, 200)};
  }
  return {outcome: invalid.length ? "invalid" : "submitted", filled: filled, invalid: invalid};
}"""


class _Interceptor:
    """Every request the page (any frame, any popup, any worker of the context) makes while a form is probed
    is recorded and aborted; WebSockets are answered locally and never connect."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.requests: list[dict[str, Any]] = []
        self.last = time.monotonic()

    async def on_route(self, route: Route, request: PlaywrightRequest) -> None:
        try:
            body = request.post_data_buffer
        except Exception:
            body = None
        self.requests.append({"url": request.url, "method": request.method,
                              "resource_type": request.resource_type, "body": body})
        self.last = time.monotonic()
        try:
            if request.is_navigation_request() and request.frame == self.page.main_frame:
                # The page's own navigation (a form posting to its action) is answered here with
                # "204 No Content", which leaves the page as it is, so the next form can be probed.
                await route.fulfill(status=204, body=b"")
            else:
                await route.abort("blockedbyclient")
        except Exception:
            pass  # the page went away meanwhile: nothing was sent either way

    def on_websocket(self, ws: WebSocketRoute) -> None:
        # Not calling connect_to_server() keeps the socket local: the page talks to this handler only.
        self.requests.append({"url": ws.url, "method": "WEBSOCKET", "resource_type": "websocket", "body": None})
        self.last = time.monotonic()

        def message(data: str | bytes) -> None:
            raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
            self.requests.append({"url": ws.url, "method": "WEBSOCKET", "resource_type": "websocket", "body": raw})
            self.last = time.monotonic()

        ws.on_message(message)

    async def quiet(self, since: float, wait: float, start: int, quiet: float = 0.5, least: float = 1.0) -> None:
        """Until nothing new was requested for `quiet` seconds since the submission (at `since`; its requests
        are those from index `start` on), and while it has requested nothing at all, at least `least` seconds
        (a script may take a moment before it sends); `wait` seconds at most. A request that comes later is
        still aborted (the routes stay until the page is left), only not attributed to the form."""
        deadline = since + max(wait, least)
        while time.monotonic() < deadline:
            now = time.monotonic()
            if now - max(self.last, since) >= quiet and (len(self.requests) > start or now - since >= least):
                return
            await asyncio.sleep(0.05)

    async def release(self) -> None:
        """Remove the routes; call only once the page has been left (about:blank), so that nothing the
        submissions set off can still go out."""
        for undo in (self.page.unroute("**/*", self.on_route), self.page.context.unroute("**/*", self.on_route)):
            with contextlib.suppress(Exception):
                await undo


async def probe_forms(page: Page, forms: list[tuple[Form, str]], *, wait: float,
                      call: Callable[[Awaitable[Any], str], Awaitable[Any]]) -> tuple[list[dict[str, Any]], Any]:
    """Fill and submit each form with every request aborted; (one result per form, the interceptor).

    The routes stay in place after this returns: the caller leaves the page (about:blank) and only then
    calls `interceptor.release()`, so that a submission whose requests start late sends nothing either.
    `call(awaitable, what)` bounds a call into the renderer (PageRecorder.call)."""
    interceptor = _Interceptor(page)
    context = page.context
    # The page's own route comes last, so it runs before scrapy-playwright's (which lets requests through);
    # the context's route covers popups and workers.
    await page.route("**/*", interceptor.on_route)
    await context.route("**/*", interceptor.on_route)
    await page.route_web_socket("**/*", interceptor.on_websocket)
    results = []
    try:
        await call(page.evaluate(TAG_JS), "marking the forms")
        for form, key in forms:
            values = synthetic_values(form)
            start = len(interceptor.requests)
            began = time.monotonic()
            try:
                outcome = await call(page.evaluate(FILL_AND_SUBMIT_JS, [form.form_index, values]), "filling a form")
            except Exception as exc:
                if type(exc).__name__ == "BrowserPageError":
                    raise
                outcome = {"outcome": "error", "filled": [], "error": f"{type(exc).__name__}: {exc}"[:200]}
            await interceptor.quiet(began, wait, start)
            sent = []
            for request in interceptor.requests[start:]:
                body = request["body"] or b""
                text = body.decode("utf-8", "replace") if body else None
                sent.append({"url": request["url"], "method": request["method"],
                             "resource_type": request["resource_type"], "body_bytes": len(body),
                             "fields_sent": fields_in_request(request["url"], text, values)})
            status = outcome.get("outcome") or "error"
            if status == "submitted" and not sent:
                status = "no_request"
            elif status == "invalid" and sent:
                status = "submitted"  # a script sent it although the browser's own checks would not
            results.append({"form_index": form.form_index, "form_key": key, "outcome": status,
                            "fields_filled": outcome.get("filled") or [], "requests": sent,
                            "probed_at": _now()})
    except BaseException:
        await asyncio.shield(leave_then_release(page, interceptor))
        raise
    return results, interceptor


async def leave_then_release(page: Page, interceptor: _Interceptor) -> None:
    try:
        await asyncio.wait_for(page.goto("about:blank"), 10)
    except Exception:
        with contextlib.suppress(Exception):
            await page.close()
    await interceptor.release()


def _now() -> str:
    from datetime import datetime, timezone

    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
