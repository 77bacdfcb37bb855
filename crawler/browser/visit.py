"""The page side of a visit, as scrapy-playwright hooks: init_page starts a PageRecorder before the
navigation; visit waits for the page to load and settle, records it into request.meta["browser"] (with
the screenshot, the consent click and the form probe on the pages that have them) and leaves the page."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from pathlib import Path
from collections.abc import Callable
from typing import Any

from kzprivacy.crawler.formprobe import (
    leave_then_release,
    probe_candidates,
    probe_forms,
)
from kzprivacy.store import utcnow
from kzprivacy.vocabulary.trackers import registrable_domain

from .consent import click_consent
from .failures import BrowserPageError, classify_browser_failure
from .recorder import (
    _PAGE_ATTR,
    AFTER,
    FETCH_PATTERNS,
    RENDERER_TIMEOUT,
    PageRecorder,
    cookie_rows,
    recorder_of,
    snapshot,
    storage_rows,
)
from .rows import resource_type
from .scripts import script

logger = logging.getLogger(__name__)

# Reports every document.cookie write with the script that made it (the first URL on the stack).
COOKIE_HOOK = script("cookie_hook")


async def init_page(page: Any, request: Any) -> None:
    """scrapy-playwright's page-init callback: start listening before the navigation.

    A site's pages render one after another in one browser page (handler.py keeps it between them), so
    what outlives a visit is set up once per page: the listeners, which hand every event to the page's
    current recorder, the document.cookie hook and the DevTools session. Each visit gets a fresh recorder."""
    recorder = PageRecorder(page, request, request.meta["browser_options"])
    recorder.attach()
    shared = getattr(page, _PAGE_ATTR, None)
    jar = page.context.cookies()
    if shared is None:  # a new page: the round trips that set it up go together
        shared = {"cdp": None, "main_frame_id": None, "tasks": set()}
        setattr(page, _PAGE_ATTR, shared)
        for event, method in (("request", "on_request"), ("requestfinished", "on_request_done"),
                              ("requestfailed", "on_request_done"), ("response", "on_response"),
                              ("crash", "on_crash")):
            page.on(event, _to_recorder(page, method))
        page.on("popup", lambda popup: asyncio.ensure_future(popup.close()))
        cookies, *_ = await asyncio.gather(
            jar, page.expose_binding("__kzprivacyCookieWrite", _to_recorder(page, "on_cookie_write")),
            page.add_init_script(COOKIE_HOOK), _open_devtools(page, shared))
    else:
        cookies = await jar
    for cookie in cookies:
        recorder.jar_before[(cookie["name"], cookie["domain"], cookie["path"])] = (cookie["value"], cookie["expires"])
    recorder.cdp, recorder.main_frame_id = shared["cdp"], shared["main_frame_id"]
    if recorder.cdp is not None:
        try:  # again on every visit: the form probe turns it off while it answers every request itself
            await recorder.cdp.send("Fetch.enable", {"patterns": FETCH_PATTERNS})
        except Exception as exc:
            logger.warning("no DevTools interception for %s: %r", request.url, exc)


def _to_recorder(page: Any, method: str) -> Callable[..., Any]:
    """A listener that hands the event to the recorder of the page's current visit (none between visits)."""
    def handler(*args: Any) -> Any:
        recorder = recorder_of(page)
        return getattr(recorder, method)(*args) if recorder is not None else None
    return handler


def _paused(page: Any, cdp: Any, event: dict[str, Any]) -> None:
    """A request DevTools holds: the current visit's recorder decides; between visits it just goes on."""
    recorder = recorder_of(page)
    if recorder is not None:
        recorder.on_paused(event)
    else:
        tasks = getattr(page, _PAGE_ATTR)["tasks"]
        task = asyncio.ensure_future(_go_on(cdp, event["requestId"]))
        tasks.add(task)
        task.add_done_callback(tasks.discard)


async def _go_on(cdp: Any, request_id: str) -> None:
    with contextlib.suppress(Exception):  # the page closed meanwhile
        await cdp.send("Fetch.continueRequest", {"requestId": request_id})


async def _open_devtools(page: Any, shared: dict[str, Any]) -> None:
    """Chromium's own view of the page: who initiated each request, and the document's bytes as sent."""
    try:
        cdp = await page.context.new_cdp_session(page)
        tree = await cdp.send("Page.getFrameTree")
        cdp.on("Network.requestWillBeSent", _to_recorder(page, "on_cdp_request"))
        cdp.on("Network.responseReceivedExtraInfo", _to_recorder(page, "on_cdp_extra_info"))
        cdp.on("Fetch.requestPaused", lambda event: _paused(page, cdp, event))
        await cdp.send("Network.enable")
        shared.update(cdp=cdp, main_frame_id=tree["frameTree"]["frame"]["id"])
    except Exception as exc:  # still record the page, without initiators
        logger.warning("no DevTools session for %s: %r", page.url, exc)


async def visit(page: Any) -> None:
    """scrapy-playwright page method: record the rendered page into request.meta["browser"].

    Waits for the load event (or carries on from DOMContentLoaded when load does not
    come in time) and for the network to settle; records; on the home page takes the
    screenshot and, when asked, accepts the cookie banner and records again. Ends on
    about:blank, so nothing the site does afterwards can hold the page.
    """
    recorder = recorder_of(page)
    if recorder is None:
        raise BrowserPageError("error", "the browser page could not be prepared for recording")
    options = recorder.options
    try:
        async with asyncio.timeout(options["budget"]):
            await _visit(recorder)
    except TimeoutError:
        recorder.request.meta.setdefault("browser_failure", (
            "browser_hung", f"the page did not finish rendering within {options['budget']:.0f} s"))
        raise BrowserPageError(*recorder.request.meta["browser_failure"]) from None
    except BrowserPageError as exc:
        recorder.request.meta.setdefault("browser_failure", (exc.status, str(exc)))
        raise
    except Exception as exc:
        status = "browser_crash" if recorder.crashed else classify_browser_failure(exc)[0]
        recorder.request.meta.setdefault("browser_failure", (status, f"{type(exc).__name__}: {exc}"[:1000]))
        raise BrowserPageError(*recorder.request.meta["browser_failure"]) from exc
    finally:
        recorder.recording = False
        recorder.detach()
        if recorder.interceptor is not None:  # the visit failed after the form probe: leave, then unroute
            await asyncio.shield(leave_then_release(page, recorder.interceptor))


async def _visit(recorder: PageRecorder) -> None:
    page, options, meta = recorder.page, recorder.options, recorder.request.meta
    if meta.get("browser_failure"):
        raise BrowserPageError(*meta["browser_failure"])
    main = recorder.main_response
    if main is None:  # a download (scrapy-playwright returns its bytes), or nothing committed
        meta["browser"] = {"document": None}
        return
    load = "load"
    recorder.mark("domcontentloaded")
    try:
        await page.wait_for_load_state("load", timeout=options["load_wait"] * 1000)
    except Exception:
        load = "domcontentloaded"  # a resource that never finishes: record what the page has
        logger.info("no load event within %s s, recording after DOMContentLoaded: %s", options["load_wait"], page.url)
    recorder.mark("load")
    await recorder.settle(options["settle_max"])
    await recorder.call(page.evaluate("1"), "a trivial script")
    recorder.mark("settled")

    first = await snapshot(recorder)
    phase = recorder.phase
    cookies = cookie_rows(recorder, first["jar"], recorder.jar_before, phase)
    storage = storage_rows(recorder.state.storage, first["storage"], phase)
    dom = await recorder.call(_content(page), "serialising the page", timeout=2 * RENDERER_TIMEOUT)
    recorder.mark("recorded")
    main = recorder.main_response or main
    body = recorder.bodies.get(main.url)
    if body is None:
        logger.warning("recording %s with the bytes Playwright gives (text re-encoded as UTF-8)", main.url)
        body = await recorder.call(main.body(), "reading the page's bytes")
    limit = options.get("max_bytes") or 0
    if limit and len(body) > limit:
        raise BrowserPageError("too_large", f"the page is {len(body)} bytes, more than DOWNLOAD_MAXSIZE ({limit})")
    document_headers = await recorder.call(main.headers_array(), "reading the page's headers")
    document = {"url": main.url, "status": main.status,
                "headers": [(h["name"], h["value"]) for h in document_headers], "body": body}

    site_info: dict[str, Any] = {}
    # The home page as the site shows it: not an error page, not the proxy's page for a dead host.
    answered = main.status < 400 and not any(h["name"].lower() == "x-squid-error" for h in document_headers)
    if options["kind"] == "home" and answered:
        site_info["screenshot"] = await _screenshot(page, options)
        if options.get("consent") == "accept" and not recorder.state.consent_given:
            outcome, label = await click_consent(recorder)
            site_info.update(consent=outcome, consent_button=label)
            if outcome == "accepted":
                recorder.state.consent_given = True
                recorder.last_activity = time.monotonic()
                await recorder.settle(options["settle_max"])
                with contextlib.suppress(Exception):  # the click may reload the page
                    await page.wait_for_load_state("load", timeout=options["load_wait"] * 1000)
                await recorder.settle(options["settle_max"])
                second = await snapshot(recorder)
                cookies += cookie_rows(recorder, second["jar"], {k: (c["value"], c["expires"])
                                                                  for k, c in first["jar"].items()}, AFTER)
                storage += storage_rows(recorder.state.storage, second["storage"], AFTER)
    recorder.mark("home page extras")
    recorder.recording = False
    form_probes, interceptor = (await _probe_forms(recorder, dom, main.url) if options.get("form_probe")
                                and answered else ([], None))
    recorder.interceptor = interceptor
    requests, seen = [], set()
    for request in recorder.requests:
        row = {"url": request["url"], "resource_type": resource_type(request["type"]),
               "initiator": recorder.initiators.get(request["url"])
               or (f"frame {request['frame_url']}" if request["frame_url"] else None),
               "consent_phase": request["phase"]}
        key = (row["url"], row["resource_type"], row["consent_phase"])
        if key not in seen:
            seen.add(key)
            requests.append(row)
    timing = main.request.timing or {}
    latency = timing["responseEnd"] / 1000 if (timing.get("responseEnd") or 0) > 0 else None
    meta["browser"] = {"document": document, "dom": dom, "cookies": cookies, "requests": requests,
                       "storage": storage, "site": site_info or None, "load": load, "fetched_at": utcnow(),
                       "latency": latency, "form_probes": form_probes,
                       "cookie_responses": list(recorder.cookie_responses)}
    # Leave the site: its timers and late requests stop here, and scrapy-playwright's own
    # wait for the load event and read of the content that follow cannot hang.
    await recorder.call(page.goto("about:blank"), "leaving the page")
    if interceptor is not None:  # the form probe's routes go only now: nothing it set off can still go out
        recorder.interceptor = None
        await interceptor.release()
    recorder.mark("left")
    if logger.isEnabledFor(logging.DEBUG):
        pairs = zip(recorder.marks, recorder.marks[1:], strict=False)
        steps = [f"{what} +{t - prev:.2f}s" for (_, prev), (what, t) in pairs]
        logger.debug("visit of %s: %s", recorder.request.url, ", ".join(steps))


async def _probe_forms(recorder: PageRecorder, dom: str, page_url: str) -> tuple[list[dict[str, Any]], Any]:
    """Browser mode's form probe (crawler/formprobe.py) on this page's forms not yet probed on the site.

    It runs after the page is recorded, so nothing it sets off is counted as the page's own."""
    options, state = recorder.options, recorder.state
    try:
        site_domain = registrable_domain(page_url)
    except ValueError:
        site_domain = ""

    def first_party(host: str) -> bool:
        try:
            return registrable_domain(host) == site_domain
        except ValueError:
            return False

    forms = probe_candidates(dom, page_url, state.probed_forms, first_party)[:options.get("form_probe_max", 5)]
    if not forms:
        return [], None
    if recorder.cdp is not None:
        with contextlib.suppress(Exception):  # the document-body hold is for recording; the probe answers all
            await recorder.cdp.send("Fetch.disable")
    state.probed_forms.update(key for _, key in forms)
    results, interceptor = await probe_forms(recorder.page, forms, wait=options.get("form_probe_wait", 3.0),
                                             call=recorder.call)
    recorder.mark("form probe")
    # What the probe wrote into storage is not the next page's doing.
    with contextlib.suppress(Exception):
        storage_rows(state.storage, (await snapshot(recorder))["storage"], recorder.phase)
    return results, interceptor


async def _content(page: Any) -> str:
    try:
        return await page.content()
    except Exception as exc:
        if "navigating" not in str(exc):
            raise
        await page.wait_for_load_state("domcontentloaded", timeout=RENDERER_TIMEOUT * 1000)
        return await page.content()


async def _screenshot(page: Any, options: dict[str, Any]) -> str | None:
    """The home page as a visitor first sees it (before any click), saved as PNG; its path as stored."""
    path = options.get("screenshot_path")
    if not path:
        return None
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=path, timeout=RENDERER_TIMEOUT * 1000, animations="disabled")
    except Exception as exc:  # evidence is welcome, not essential
        logger.warning("no screenshot of %s: %r", page.url, exc)
        return None
    return options.get("screenshot_ref") or path
