"""Browser mode: pages rendered in Chromium (scrapy-playwright), recording what only a browser sees.

An HTTP crawl reads the markup; most tracking happens in script. With
``KZPRIVACY_MODE = "browser"`` (``kzprivacy scan --render``) the home page, form
pages and HTML policy pages load in headless Chromium, and each visit records:

- every request the page made (resource type, and what initiated it);
- every cookie the visit wrote into the browser's jar, third-party ones included,
  each marked ``set_by`` header (a Set-Cookie response header) or script;
- localStorage and sessionStorage keys, per origin;
- the rendered DOM (the spider extracts forms and links from it);
- a screenshot of the home page;
- with ``KZPRIVACY_CONSENT = "accept"``: the same again after clicking the
  cookie banner's accept button, marked ``after_consent``.

The spider sees the main document as the server sent it (so the WARC keeps the
server's bytes and HTTP and browser mode agree on pages and policies) plus the
visit in ``response.meta["browser"]``; ``rendered_rows()`` turns a visit into
table rows. docs/browser-mode.md explains the choices.

Pieces, each switched on by the ``BrowserMode`` add-on only in browser mode:

- ``BrowserMode``: the Scrapy add-on that installs the rest;
- ``ChromiumProvider``: launches Chromium on a throw-away profile that allows
  third-party cookies (Chromium blocks them by default, hiding the cookies that matter);
- ``BrowserDownloadHandler``: scrapy-playwright's handler, one for http and https;
- ``BrowserMiddleware``: decides which requests render, hands the server's
  document back to Scrapy, closes a site's browser context when the site is done,
  and restarts a browser that stops answering;
- ``SiteGate``: starts no more sites than there are browser contexts;
- ``init_page`` / ``visit``: the page-side recording (scrapy-playwright hooks);
- ``abort_private_request``: without a proxy, pages may not make the browser probe the local network.

Pure parts, tested without a browser: ``should_render``, ``choose_consent_button``,
``classify_browser_failure``, ``rendered_rows``, ``resource_type``.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import re
import shutil
import tempfile
import time
import weakref
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import NotConfigured

from kzprivacy.extract.cookies import parse_set_cookie
from kzprivacy.crawler.netguard import blocked_reason
from kzprivacy.crawler.items import SiteItem
from kzprivacy.crawler.settings_table import default

logger = logging.getLogger(__name__)

__all__ = [
    "BrowserMode", "ChromiumProvider", "BrowserDownloadHandler", "BrowserMiddleware", "SiteGate",
    "BrowserPageError", "browser_problem", "should_render", "choose_consent_button", "classify_browser_failure",
    "rendered_rows", "resource_type", "init_page", "visit", "abort_private_request", "DEFAULT_CHROMIUM",
    "CHROMIUM_ARGS",
]

DEFAULT_CHROMIUM = default("KZPRIVACY_CHROMIUM")
# Without the background-networking flags Chromium calls Google hosts on its own (and fails offline).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--mute-audio",
                 "--disable-default-apps", "--disable-extensions", "--disable-domain-reliability",
                 "--disable-client-side-phishing-detection", "--safebrowsing-disable-auto-update", "--no-pings",
                 "--metrics-recording-only", "--disable-breakpad", "--no-service-autorun",
                 "--disable-dev-shm-usage"]  # what Debian's wrapper would add where /dev/shm is small
# Chromium's cookie_controls_mode: 0 never blocks third-party cookies (1 always does, 2 in incognito only).
# Debian's Chromium blocks them in the contexts Playwright opens; a scan must see them.
# net.network_prediction_options 2: no preconnects or DNS prefetches of Chromium's own. A page's requests
# are what it asked for, and the form probe's aborted submissions open no connection to their target.
# The rest keep Chromium from calling Google on its own during a scan: autofill predictions for the forms
# it sees, account checks, safe-browsing and translation.
PROFILE_PREFERENCES = ('{"profile": {"cookie_controls_mode": 0, "block_third_party_cookies": false}, '
                       '"net": {"network_prediction_options": 2}, '
                       '"autofill": {"enabled": false, "profile_enabled": false, "credit_card_enabled": false}, '
                       '"signin": {"allowed": false}, "safebrowsing": {"enabled": false}, '
                       '"translate": {"enabled": false}, "browser": {"enable_spellchecking": false}}')

# Where a link leads to a file, not a page: fetched by plain Scrapy (PDF/DOCX parsing, size limits).
DOCUMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".rtf", ".odt", ".txt", ".xls", ".xlsx", ".zip", ".rar")
RENDERED_KINDS = {"home", "form", "policy", "other"}

BEFORE, AFTER = "before_consent", "after_consent"
QUIET_SECONDS = 0.5          # the network counts as settled after this long without a new request
RENDERER_TIMEOUT = 10.0      # a renderer that leaves a trivial call unanswered this long has hung
CLOSE_TIMEOUT = 10.0


class BrowserPageError(Exception):
    """A page that could not be recorded, with the site status it means (browser_hung, too_large...)."""

    def __init__(self, status: str, message: str):
        super().__init__(message)
        self.status = status


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


# -- set-up ---------------------------------------------------------------------------------------


def browser_problem(chromium: str | None = None) -> str | None:
    """Why browser mode cannot run here (with how to fix it), or None when it can."""
    try:
        import playwright.async_api  # noqa: F401
        import scrapy_playwright  # noqa: F401
    except ImportError as exc:
        return (f"Browser mode needs scrapy-playwright ({exc.name} is not installed).\n"
                "Install it with:  python -m pip install scrapy-playwright   (or run ./setup.sh)")
    path = chromium or DEFAULT_CHROMIUM
    if not (Path(path).is_file() or shutil.which(path)):
        return (f"Browser mode needs Chromium, and there is none at {path}.\n"
                "Install it with:  sudo apt-get install chromium   (or run ./setup.sh)\n"
                "or name another Chromium with -s KZPRIVACY_CHROMIUM=/path/to/chromium.")
    return None


def chromium_executable(path: str) -> str:
    """The Chromium binary to launch for `path`: Debian's /usr/bin/chromium is a shell wrapper that exports
    Google API keys (/etc/chromium.d/apikeys), and with them Chromium calls Google's account, autofill and
    update services on its own during a scan; the binary behind the wrapper, run directly, has no keys."""
    real = Path("/usr/lib/chromium/chromium")
    if Path(path) == Path(DEFAULT_CHROMIUM) and real.is_file():
        return str(real)
    return path


# Chromium's own calls to Google that its switches and preferences do not stop: autofill predictions for
# every form it sees (content-autofill.googleapis.com) and the like, seen through the sample web's proxy.
DISABLED_FEATURES = ("AutofillServerCommunication", "OptimizationGuideModelDownloading", "OptimizationHintsFetching",
                     "OptimizationTargetPrediction", "Translate", "CertificateTransparencyComponentUpdater")


def playwright_disabled_features() -> list[str]:
    """The features Playwright itself disables. Chromium honours only the last --disable-features switch,
    so ours must repeat Playwright's list (HttpsUpgrades among them: http stays http) or undo it."""
    import playwright

    bundle = Path(playwright.__file__).parent / "driver" / "package" / "lib" / "coreBundle.js"
    try:
        source = bundle.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    match = re.search(r"disabledFeatures = \[(.*?)\]", source, re.S)
    return re.findall(r'^\s*"([A-Za-z0-9]+)"', match.group(1), re.M) if match else []


def chromium_args() -> list[str]:
    features = list(dict.fromkeys([*playwright_disabled_features(), *DISABLED_FEATURES]))
    return [*CHROMIUM_ARGS, "--disable-features=" + ",".join(features)]


class BrowserMode:
    """Scrapy add-on (listed in ADDONS): with KZPRIVACY_MODE = "browser", render pages in Chromium.

    It only adds settings at add-on priority, so anything set on the command line
    (a PLAYWRIGHT_* setting, say) still wins.
    """

    def update_settings(self, settings) -> None:
        if settings.get("KZPRIVACY_MODE") != "browser":
            return
        handler = "kzprivacy.crawler.browser.BrowserDownloadHandler"
        settings.set("DOWNLOAD_HANDLERS", {"http": handler, "https": handler}, "addon")
        settings.set("PLAYWRIGHT_BROWSER_TYPE", "chromium", "addon")
        settings.set("PLAYWRIGHT_BROWSER_PROVIDER", "kzprivacy.crawler.browser.ChromiumProvider", "addon")
        options: dict[str, Any] = {"executable_path": chromium_executable(settings.get("KZPRIVACY_CHROMIUM")
                                                                          or DEFAULT_CHROMIUM),
                                   "headless": True, "args": chromium_args(),
                                   # Scrapy decides when the crawl stops (and so what a resumed crawl redoes).
                                   "handle_sigint": False, "handle_sigterm": False, "handle_sighup": False}
        if settings.get("KZPRIVACY_PROXY"):
            options["proxy"] = {"server": settings.get("KZPRIVACY_PROXY")}
        elif settings.getbool("KZPRIVACY_BLOCK_PRIVATE_ADDRESSES"):
            # PrivateAddressGuard checks the pages Scrapy asks for; this, what a page asks the browser for.
            settings.set("PLAYWRIGHT_ABORT_REQUEST", "kzprivacy.crawler.browser.abort_private_request", "addon")
        settings.set("PLAYWRIGHT_LAUNCH_OPTIONS", options, "addon")
        # One context per site, so one site's cookies never reach another; one page at a time per
        # context, so each page's cookies and storage are told apart from the page before.
        # SiteGate keeps to KZPRIVACY_BROWSER_SITES contexts; this cap is a safety net above it (waiting
        # for a free context, scrapy-playwright holds a lock that every other page needs).
        settings.set("PLAYWRIGHT_MAX_CONTEXTS", 2 * settings.getint("KZPRIVACY_BROWSER_SITES"), "addon")
        settings.set("PLAYWRIGHT_MAX_PAGES_PER_CONTEXT", 1, "addon")
        settings.set("PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT", settings.getfloat("DOWNLOAD_TIMEOUT") * 1000, "addon")
        # After the server's document comes back, nearest the downloader: WarcWriter (950) sees it as sent.
        settings.set_in_component_priority_dict("DOWNLOADER_MIDDLEWARES", BrowserMiddleware, 960)
        settings.set_in_component_priority_dict("SPIDER_MIDDLEWARES", SiteGate, 10)


def _chromium_provider() -> type:
    """ChromiumProvider, built on first use: scrapy-playwright is imported in browser mode only."""
    from scrapy_playwright.provider import PlaywrightBrowserProvider

    class ChromiumProvider(PlaywrightBrowserProvider):
        """Launches Chromium on a fresh throw-away profile whose preferences allow third-party cookies.

        Chromium blocks third-party cookies in the contexts Playwright creates
        (Set-Cookie is refused with reason "UserPreferences"), which would hide the
        cookies a scan exists to find. The profile's cookie_controls_mode = 0 lifts
        that, and the per-site contexts opened on this browser inherit it.
        """

        def __init__(self, config) -> None:
            super().__init__(config)
            self._profiles: list[str] = []
            self._default_contexts: list[Any] = []

        async def launch_browser(self):
            if self.config.cdp_url or self.config.connect_url:
                return await super().launch_browser()
            if self.browser_type is None:
                raise RuntimeError("start() must be awaited before launch_browser()")
            for old in self._profiles:  # a previous browser (crashed, restarted) is gone
                shutil.rmtree(old, ignore_errors=True)
            profile = tempfile.mkdtemp(prefix="kzprivacy-chromium-")
            (Path(profile) / "Default").mkdir()
            (Path(profile) / "Default" / "Preferences").write_text(PROFILE_PREFERENCES, encoding="utf-8")
            self._profiles = [profile]
            logger.info("Launching Chromium %s", self.config.launch_options.get("executable_path"))
            default = await self.browser_type.launch_persistent_context(profile, **self.config.launch_options)
            for page in default.pages:  # the profile's own window; sites get contexts of their own
                await page.close()
            self._default_contexts.append(default)
            return default.browser

        async def close(self) -> None:
            for default in self._default_contexts:
                try:
                    await asyncio.wait_for(default.close(), CLOSE_TIMEOUT)
                except Exception:  # already gone with its browser
                    pass
            self._default_contexts.clear()
            await super().close()
            for profile in self._profiles:
                shutil.rmtree(profile, ignore_errors=True)

    return ChromiumProvider


_HANDLERS: "weakref.WeakKeyDictionary[Any, Any]" = weakref.WeakKeyDictionary()


def _download_handler() -> type:
    """BrowserDownloadHandler, built on first use (scrapy-playwright is imported in browser mode only)."""
    from scrapy_playwright.handler import _SCRAPY_ASYNC_API, ScrapyPlaywrightDownloadHandler

    class BrowserDownloadHandler(ScrapyPlaywrightDownloadHandler):
        """scrapy-playwright's download handler, one instance for both http and https.

        Scrapy builds one handler per URL scheme; with scrapy-playwright's own class that is
        two browsers, and a site that falls back from https to http would get a second
        context in the other one. Sharing the instance keeps one browser, one context per site.
        """

        @classmethod
        def from_crawler(cls, crawler):
            if crawler not in _HANDLERS:
                _HANDLERS[crawler] = cls(crawler)
            return _HANDLERS[crawler]

        async def close(self) -> None:
            if getattr(self, "_kzprivacy_closed", False):
                return  # closed already, under the other scheme
            self._kzprivacy_closed = True
            await super().close()

        if _SCRAPY_ASYNC_API:

            async def download_request(self, request, *args):
                response = await super().download_request(request, *args)
                latency = (request.meta.get("browser") or {}).get("latency")
                if latency is not None:  # AutoThrottle paces a site by its server, not by our rendering
                    request.meta["download_latency"] = latency
                return response

    return BrowserDownloadHandler


_LAZY = {"ChromiumProvider": _chromium_provider, "BrowserDownloadHandler": _download_handler}


def __getattr__(name: str) -> Any:  # PEP 562: settings name these classes, which need scrapy-playwright
    if name in _LAZY:
        globals()[name] = _LAZY[name]()
        return globals()[name]
    raise AttributeError(name)


_PRIVATE_ALLOWED: set[str] = set()   # KZPRIVACY_ALLOW_PRIVATE_HOSTS, set by BrowserMiddleware


def abort_private_request(request) -> bool:
    """PLAYWRIGHT_ABORT_REQUEST: refuse what a page asks of localhost or of a private, loopback or
    link-local address in any spelling, with the same decision as HTTP mode's PrivateAddressGuard
    (crawler/netguard.py). Chromium resolves names itself, so names are not checked here: behind a
    proxy the proxy resolves them; without one, a name pointing at a private address gets through."""
    return blocked_reason(request.url, _PRIVATE_ALLOWED) is not None


# -- which pages render ---------------------------------------------------------------------------


def should_render(url: str, kind: str | None) -> bool:
    """Home pages, their language variants, form pages and policy pages render, unless the URL names
    a file (PDF, DOCX...): files go to plain Scrapy, which parses them and enforces size limits."""
    if kind not in RENDERED_KINDS:
        return False  # robots.txt and anything else the spider did not ask for as a page
    path = urlsplit(url).path.lower()
    return not path.endswith(DOCUMENT_EXTENSIONS)


# -- the cookie banner -----------------------------------------------------------------------------

# Accept-button labels, normalised (lower case, ё as е, no punctuation), in Russian, Kazakh and English.
ACCEPT_LABELS = (
    "принять", "принимаю", "согласен", "согласна", "согласиться", "я согласен", "я согласна", "хорошо",
    "понятно", "ясно", "ок", "ok", "okay", "разрешить", "подтвердить",
    "қабылдау", "қабылдаймын", "келісемін", "келісу", "жақсы", "түсінікті",
    "accept", "i accept", "agree", "i agree", "got it", "allow", "allow all", "continue",
)
REJECT_WORDS = ("не ", "нет", "отклон", "отказ", "запрет", "reject", "decline", "deny", "refuse", "настро", "setting",
                "manage", "customi", "preferenc", "параметр", "бас тарт", "қабылдамау", "тек қажет", "только необход",
                "necessary", "essential", "подробн", "more", "details", "изменить", "learn")
COOKIE_WORDS = ("cookie", "куки", "кук", "cooki", "gdpr", "consent", "персональн", "келісім", "печенье")
BANNER_ATTRS = ("cookie", "consent", "gdpr", "cmp", "banner", "notice", "privacy", "onetrust", "cookiebot")
_PUNCT = re.compile(r"[^\w\s]+", re.UNICODE)


def _normalise_label(text: str) -> str:
    return " ".join(_PUNCT.sub(" ", text.lower().replace("ё", "е")).split())


def choose_consent_button(candidates: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The cookie banner's accept button among clickable elements, or None.

    Each candidate: label (its text), context (the text around it), attrs (ids and
    classes of its ancestors), fixed (inside a fixed or sticky box), in_form (inside a
    form with text fields). A label must read as "accept" and not as "reject" or
    "settings", and the button must sit in something about cookies (by its text or
    its ids and classes); a fixed box and an exact label break ties.
    """
    best, best_score = None, 0
    for candidate in candidates:
        label = _normalise_label(candidate.get("label") or "")
        words = label.split()
        if not words or len(words) > 5 or any(w in f" {label} " or label.startswith(w.strip())
                                              for w in REJECT_WORDS):
            continue
        exact = label in ACCEPT_LABELS
        if not exact and not any(label.startswith(a + " ") for a in ACCEPT_LABELS):
            continue
        context = (candidate.get("context") or "").lower()
        attrs = (candidate.get("attrs") or "").lower()
        about_cookies = any(w in context for w in COOKIE_WORDS) or any(w in label for w in COOKIE_WORDS)
        banner_like = any(w in attrs for w in BANNER_ATTRS)
        if not (about_cookies or banner_like):
            continue
        score = 2 * about_cookies + banner_like + bool(candidate.get("fixed")) + exact - 3 * bool(candidate.get("in_form"))
        if score > best_score:
            best, best_score = candidate, score
    return best


# -- failures --------------------------------------------------------------------------------------

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
    from kzprivacy.crawler.errors import classify_failure

    marked = (meta or {}).get("browser_failure")
    if marked:  # decided while the page was open (too large, hung)
        return marked[0], marked[1]
    if isinstance(exc, BrowserPageError):
        return exc.status, str(exc)
    try:
        from playwright.async_api import Error as PlaywrightError, TimeoutError as PlaywrightTimeout
    except ImportError:  # pragma: no cover
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


# -- visit results to rows (pure) -------------------------------------------------------------------

_TYPES = {"image": "img", "fetch": "xhr", "document": "iframe", "imageset": "img"}


def resource_type(playwright_type: str) -> str:
    """Playwright's resource type in the project's words (HTTP mode's img, iframe, xhr...)."""
    return _TYPES.get(playwright_type, playwright_type)


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _service_columns(service) -> dict[str, Any]:
    return {"service_id": service.id if service else None, "vendor": service.name if service else None,
            "company": service.company if service else None, "country": service.country if service else None,
            "category": service.category if service else None}


def rendered_rows(visit_result: dict[str, Any], site: str, domains: list[str],
                  warc_id: str | None) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """(cookies, requests, storage) rows of one rendered page.

    `domains` are the site's registrable domains (its own, and where it redirected):
    what is under them is first party. Requests are recorded for third parties only,
    as in HTTP mode; cookies and storage keys of every party.
    """
    from kzprivacy.vocabulary.trackers import lookup_cookie, lookup_url, registrable_domain

    def first_party(host: str) -> bool:
        try:
            return bool(host) and registrable_domain(host) in domains
        except ValueError:
            return False

    fetched_at = visit_result.get("fetched_at") or _now()
    cookies = []
    for cookie in visit_result.get("cookies") or []:
        match = lookup_cookie(cookie["name"], cookie["domain"], site)
        cookies.append({**cookie, **_service_columns(match.service), "is_tracking": match.is_tracking,
                        "party": "first" if first_party(cookie["domain"].lstrip(".")) else "third",
                        "fetched_at": fetched_at, "warc_record_id": warc_id})
    requests = []
    for request in visit_result.get("requests") or []:
        host = _host(request["url"])
        if not host or first_party(host):
            continue
        service = lookup_url(request["url"], domains[0] if domains else site).service
        requests.append({"url": request["url"][:2000], "host": host, "resource_type": request["resource_type"],
                         "initiator": (request.get("initiator") or "")[:2000] or None, "party": "third",
                         **_service_columns(service), "consent_phase": request["consent_phase"],
                         "fetched_at": fetched_at, "warc_record_id": warc_id})
    storage = []
    for item in visit_result.get("storage") or []:
        host = _host(item["origin"])
        party = "first" if first_party(host) else "third"
        service = lookup_cookie(item["key"], host, site).service  # _ym_*, _ga... name their vendor
        if service is None and party == "third":
            service = lookup_url(item["origin"], site).service
        storage.append({"origin": item["origin"], "kind": item["kind"], "key": item["key"][:500], "party": party,
                        "vendor": service.name if service else None, "consent_phase": item["consent_phase"]})
    return cookies, requests, storage


# -- the page side ----------------------------------------------------------------------------------

# Reports every document.cookie write with the script that made it (the first URL on the stack).
COOKIE_HOOK = r"""(() => {
  if (window.__kzprivacyHooked) return;
  window.__kzprivacyHooked = true;
  const desc = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie');
  if (!desc || !desc.set) return;
  Object.defineProperty(Document.prototype, 'cookie', {
    configurable: true, enumerable: desc.enumerable,
    get() { return desc.get.call(this); },
    set(value) {
      try {
        const urls = ((new Error()).stack || '').match(/(?:https?|file):\/\/[^\s()]+?(?=:\d+:\d+)/g) || [];
        window.__kzprivacyCookieWrite(String(value).slice(0, 4096), urls[0] || '');
      } catch (e) {}
      return desc.set.call(this, value);
    }
  });
})();"""

STORAGE_JS = r"""() => {
  const read = (name) => {
    try {
      const store = window[name], out = {};
      for (let i = 0; i < store.length && i < 500; i++) {
        const key = store.key(i);
        out[key] = String(store.getItem(key)).slice(0, 200);
      }
      return out;
    } catch (e) { return {}; }
  };
  return {origin: location.origin, local: read('localStorage'), session: read('sessionStorage')};
}"""

CANDIDATES_JS = r"""() => {
  const selector = 'button, a, [role="button"], input[type="button"], input[type="submit"], [onclick], ' +
                   '[class*="btn"], [class*="button"]';
  const elements = Array.from(document.querySelectorAll(selector)).slice(0, 3000);
  const out = [];
  elements.forEach((el, index) => {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height) return;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none' || style.pointerEvents === 'none') return;
    const label = String(el.innerText || el.value || el.getAttribute('aria-label') || '').trim();
    if (!label || label.length > 60) return;
    let context = '', attrs = '', fixed = false, inForm = false, node = el;
    for (let depth = 0; node && node.nodeType === 1 && depth < 8; depth++, node = node.parentElement) {
      attrs += ' ' + (node.id || '') + ' ' + (typeof node.className === 'string' ? node.className : '');
      const text = String(node.innerText || '');
      if (!context && text.length > label.length + 20) context = text.slice(0, 600);
      const position = getComputedStyle(node).position;
      if (position === 'fixed' || position === 'sticky') fixed = true;
      if (node.tagName === 'FORM' &&
          node.querySelector('input[type="text"], input[type="email"], input[type="tel"], textarea')) inForm = true;
    }
    out.push({index, label, context, attrs: attrs.slice(0, 600), fixed, in_form: inForm});
  });
  window.__kzprivacyCandidates = elements;
  return out;
}"""

MARK_JS = "(i) => { const el = window.__kzprivacyCandidates[i]; el.setAttribute('data-kzprivacy-consent', '1'); }"
CLICK_JS = "() => { const el = document.querySelector('[data-kzprivacy-consent]'); if (el) el.click(); }"


@dataclass
class _ContextState:
    """What a site's browser context has seen across its pages (they render one at a time)."""

    consent_given: bool = False
    storage: dict[tuple[str, str, str], str] = field(default_factory=dict)
    probed_forms: set[str] = field(default_factory=set)   # form keys the form probe has submitted on this site


_CONTEXTS: dict[str, Any] = {}                 # context name -> BrowserContext (closed when the site is done)
_CONTEXT_STATE: dict[str, _ContextState] = {}
_RECORDERS: "weakref.WeakKeyDictionary[Any, PageRecorder]" = weakref.WeakKeyDictionary()


class PageRecorder:
    """Listens to one page from before its navigation until the visit is recorded."""

    def __init__(self, page, request, options: dict[str, Any]):
        self.page = page
        self.request = request
        self.options = options
        self.state = _CONTEXT_STATE.setdefault(options["context"], _ContextState())
        self.phase = AFTER if self.state.consent_given else BEFORE
        self.recording = True
        self.requests: list[dict[str, Any]] = []
        self.set_cookies: list[tuple[str, str, str]] = []      # (response url, header, phase)
        self.cookie_responses: list[dict[str, Any]] = []       # other responses that set cookies, for the WARC
        self.cookie_writes: list[tuple[str, str, str, str]] = []  # (frame url, cookie string, script url, phase)
        self.initiators: dict[str, str] = {}
        self.main_response = None
        self.cdp = None
        self.main_frame_id: str | None = None
        self.bodies: dict[str, bytes] = {}                        # document URL -> bytes as sent
        self.inflight = 0
        self.last_activity = time.monotonic()
        self.crashed = False
        self.jar_before: dict[tuple[str, str, str], tuple[str, float]] = {}
        self._tasks: set[asyncio.Task] = set()
        self.marks: list[tuple[str, float]] = [("init", time.monotonic())]  # where a visit's time goes (debug log)
        self.interceptor = None  # the form probe's routes, while they are in place (crawler/formprobe.py)

    def mark(self, what: str) -> None:
        self.marks.append((what, time.monotonic()))

    # -- events
    def on_request(self, request) -> None:
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

    def on_request_done(self, request) -> None:
        self.inflight = max(0, self.inflight - 1)
        self.last_activity = time.monotonic()

    def on_response(self, response) -> None:
        try:
            request = response.request
            if request.is_navigation_request() and request.frame == self.page.main_frame and self.recording:
                self.main_response = response  # the page's own document (the last one, after redirects)
        except Exception:
            pass
        task = asyncio.ensure_future(self._response(response))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _response(self, response) -> None:
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

    async def _keep_cookie_response(self, response, headers: list[dict[str, str]]) -> None:
        """A response (a tracker's, a redirect's) whose Set-Cookie a cookie row cites: kept for the WARC,
        so an evidence pack holds the response that set the cookie. The page's own document is
        recorded through Scrapy already."""
        try:
            request = response.request
            if request.is_navigation_request() and request.frame == self.page.main_frame \
                    and not 300 <= response.status < 400:
                return
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
            "body": body, "fetched_at": _now()})

    def on_paused(self, event: dict[str, Any]) -> None:
        task = asyncio.ensure_future(self._paused(event))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _paused(self, event: dict[str, Any]) -> None:
        """A document response held at its headers (DevTools Fetch): keep the main document's bytes
        exactly as the server sent them, and stop one larger than DOWNLOAD_MAXSIZE before it loads.

        Playwright's response.body() re-encodes text as UTF-8 (a windows-1251 page comes back
        altered), so the WARC would not hold what the server sent.
        """
        request_id, held = event["requestId"], True
        try:
            status = event.get("responseStatusCode") or 0
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
                try:
                    await self.cdp.send("Fetch.continueRequest", {"requestId": request_id})
                except Exception:
                    pass  # the page closed meanwhile

    def on_cookie_write(self, source: dict[str, Any], value: str, script_url: str) -> None:
        if self.recording:
            frame = source.get("frame")
            self.cookie_writes.append((frame.url if frame is not None else self.page.url, value, script_url, self.phase))

    def on_cdp_request(self, event: dict[str, Any]) -> None:
        initiator = event.get("initiator") or {}
        kind = initiator.get("type") or "other"
        url = initiator.get("url")
        stack = initiator.get("stack")
        while stack and not url:
            url = next((f.get("url") for f in stack.get("callFrames") or [] if f.get("url")), None)
            stack = stack.get("parent")
        self.initiators.setdefault(event.get("request", {}).get("url", ""), f"{kind} {url}" if url else kind)

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

    async def call(self, awaitable, what: str, timeout: float = RENDERER_TIMEOUT):
        """A call into the renderer, bounded: a page that does not answer has hung."""
        try:
            return await asyncio.wait_for(awaitable, timeout)
        except asyncio.TimeoutError:
            raise BrowserPageError("browser_hung", f"the page stopped responding ({what} took over {timeout:.0f} s)")


async def init_page(page, request) -> None:
    """scrapy-playwright's page-init callback: start listening before the navigation."""
    options = request.meta["browser_options"]
    recorder = PageRecorder(page, request, options)
    _RECORDERS[page] = recorder
    _CONTEXTS[options["context"]] = page.context
    page.on("request", recorder.on_request)
    page.on("requestfinished", recorder.on_request_done)
    page.on("requestfailed", recorder.on_request_done)
    page.on("response", recorder.on_response)
    page.on("crash", recorder.on_crash)
    page.on("popup", lambda popup: asyncio.ensure_future(popup.close()))
    for cookie in await page.context.cookies():
        recorder.jar_before[(cookie["name"], cookie["domain"], cookie["path"])] = (cookie["value"], cookie["expires"])
    await page.expose_binding("__kzprivacyCookieWrite", recorder.on_cookie_write)
    await page.add_init_script(COOKIE_HOOK)
    try:  # Chromium's own view: who initiated each request, and the document's bytes as sent
        cdp = recorder.cdp = await page.context.new_cdp_session(page)
        recorder.main_frame_id = (await cdp.send("Page.getFrameTree"))["frameTree"]["frame"]["id"]
        cdp.on("Network.requestWillBeSent", recorder.on_cdp_request)
        cdp.on("Fetch.requestPaused", recorder.on_paused)
        await cdp.send("Network.enable")
        await cdp.send("Fetch.enable", {"patterns": [{"urlPattern": "*", "resourceType": "Document",
                                                      "requestStage": "Response"}]})
    except Exception as exc:  # still record the page, without initiators
        logger.warning("no DevTools session for %s: %r", request.url, exc)


async def _snapshot(recorder: PageRecorder) -> dict[str, Any]:
    page = recorder.page
    jar = {(c["name"], c["domain"], c["path"]): c for c in await recorder.call(page.context.cookies(), "reading cookies")}
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


def _cookie_rows(recorder: PageRecorder, jar: dict, previous: dict, phase: str) -> list[dict[str, Any]]:
    """Cookies in the jar that this phase wrote: new or changed since `previous`, or seen being set."""
    headers = {}
    for url, header, header_phase in recorder.set_cookies:
        parsed = parse_set_cookie(header, url)
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


def _storage_rows(known: dict, now: dict, phase: str) -> list[dict[str, Any]]:
    rows = []
    for (origin, kind, key), value in now.items():
        if known.get((origin, kind, key)) != value:
            rows.append({"origin": origin, "kind": kind, "key": key, "consent_phase": phase})
            known[(origin, kind, key)] = value
    return rows


async def _click_consent(recorder: PageRecorder) -> tuple[str, str | None]:
    """Click the cookie banner's accept button: ("accepted", its label), ("no_banner", None) or ("click_failed", label)."""
    page = recorder.page
    frames = [page.main_frame] + [f for f in page.frames if f != page.main_frame]
    for frame in frames:
        if frame.is_detached():
            continue
        try:
            candidates = await recorder.call(frame.evaluate(CANDIDATES_JS), "looking for a cookie banner")
        except BrowserPageError:
            if frame == page.main_frame:
                raise
            continue
        except Exception:
            continue
        chosen = choose_consent_button(candidates)
        if chosen is None:
            continue
        label = " ".join(chosen["label"].split())[:200]
        await recorder.call(frame.evaluate(MARK_JS, chosen["index"]), "marking the accept button")
        recorder.phase = AFTER  # what the click itself sets off already counts as after consent
        try:
            await frame.locator("[data-kzprivacy-consent]").first.click(timeout=3000)
        except Exception:  # covered, animated: a script click still runs the banner's handler
            try:
                await recorder.call(frame.evaluate(CLICK_JS), "clicking the accept button")
            except BrowserPageError:
                raise
            except Exception:
                recorder.phase = BEFORE
                return "click_failed", label
        return "accepted", label
    return "no_banner", None


async def visit(page) -> None:
    """scrapy-playwright page method: record the rendered page into request.meta["browser"].

    Waits for the load event (or carries on from DOMContentLoaded when load does not
    come in time) and for the network to settle; records; on the home page takes the
    screenshot and, when asked, accepts the cookie banner and records again. Ends on
    about:blank, so nothing the site does afterwards can hold the page.
    """
    recorder = _RECORDERS.get(page)
    if recorder is None:
        raise BrowserPageError("error", "the browser page could not be prepared for recording")
    options = recorder.options
    try:
        async with asyncio.timeout(options["budget"]):
            await _visit(recorder)
    except TimeoutError:
        recorder.request.meta.setdefault("browser_failure", (
            "browser_hung", f"the page did not finish rendering within {options['budget']:.0f} s"))
        raise BrowserPageError(*recorder.request.meta["browser_failure"])
    except BrowserPageError as exc:
        recorder.request.meta.setdefault("browser_failure", (exc.status, str(exc)))
        raise
    except Exception as exc:
        status = "browser_crash" if recorder.crashed else classify_browser_failure(exc)[0]
        recorder.request.meta.setdefault("browser_failure", (status, f"{type(exc).__name__}: {exc}"[:1000]))
        raise BrowserPageError(*recorder.request.meta["browser_failure"]) from exc
    finally:
        recorder.recording = False
        _RECORDERS.pop(page, None)
        if recorder.interceptor is not None:  # the visit failed after the form probe: leave, then unroute
            from kzprivacy.crawler.formprobe import _leave_then_release

            await asyncio.shield(_leave_then_release(page, recorder.interceptor))


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

    first = await _snapshot(recorder)
    phase = recorder.phase
    cookies = _cookie_rows(recorder, first["jar"], recorder.jar_before, phase)
    storage = _storage_rows(recorder.state.storage, first["storage"], phase)
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
            outcome, label = await _click_consent(recorder)
            site_info.update(consent=outcome, consent_button=label)
            if outcome == "accepted":
                recorder.state.consent_given = True
                recorder.last_activity = time.monotonic()
                await recorder.settle(options["settle_max"])
                try:  # the click may reload the page
                    await page.wait_for_load_state("load", timeout=options["load_wait"] * 1000)
                except Exception:
                    pass
                await recorder.settle(options["settle_max"])
                second = await _snapshot(recorder)
                cookies += _cookie_rows(recorder, second["jar"], {k: (c["value"], c["expires"])
                                                                  for k, c in first["jar"].items()}, AFTER)
                storage += _storage_rows(recorder.state.storage, second["storage"], AFTER)
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
                       "storage": storage, "site": site_info or None, "load": load, "fetched_at": _now(),
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
        steps = [f"{what} +{t - prev:.2f}s" for (_, prev), (what, t) in zip(recorder.marks, recorder.marks[1:])]
        logger.debug("visit of %s: %s", recorder.request.url, ", ".join(steps))


async def _probe_forms(recorder: PageRecorder, dom: str, page_url: str) -> tuple[list[dict[str, Any]], Any]:
    """Browser mode's form probe (crawler/formprobe.py) on this page's forms not yet probed on the site.

    It runs after the page is recorded, so nothing it sets off is counted as the page's own."""
    from kzprivacy.crawler.formprobe import probe_candidates, probe_forms
    from kzprivacy.vocabulary.trackers import registrable_domain

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
        try:  # the document-body hold is for recording; the probe answers every request itself
            await recorder.cdp.send("Fetch.disable")
        except Exception:
            pass
    state.probed_forms.update(key for _, key in forms)
    results, interceptor = await probe_forms(recorder.page, forms, wait=options.get("form_probe_wait", 3.0),
                                             call=recorder.call)
    recorder.mark("form probe")
    # What the probe wrote into storage is not the next page's doing.
    try:
        _storage_rows(state.storage, (await _snapshot(recorder))["storage"], recorder.phase)
    except Exception:
        pass
    return results, interceptor


async def _content(page) -> str:
    try:
        return await page.content()
    except Exception as exc:
        if "navigating" not in str(exc):
            raise
        await page.wait_for_load_state("domcontentloaded", timeout=RENDERER_TIMEOUT * 1000)
        return await page.content()


async def _screenshot(page, options: dict[str, Any]) -> str | None:
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


# -- Scrapy components ------------------------------------------------------------------------------


class BrowserMiddleware:
    """Downloader middleware for browser mode.

    process_request sends the spider's pages (see should_render) to scrapy-playwright
    in the site's own context; process_response hands Scrapy the main document as the
    server sent it, so WarcWriter (950) and the spider see the same bytes as in HTTP
    mode, with the visit in meta["browser"]. A finished site's context is closed, and
    a page that outlives every timeout gets its browser restarted.
    """

    def __init__(self, crawler):
        settings = crawler.settings
        self.crawler = crawler
        self.crawl_id = settings.get("KZPRIVACY_CRAWL_ID") or "crawl"
        timeout = settings.getfloat("DOWNLOAD_TIMEOUT")
        load_wait = min(settings.getfloat("KZPRIVACY_BROWSER_LOAD_WAIT"), max(timeout, 1.0))
        settle_max = settings.getfloat("KZPRIVACY_BROWSER_SETTLE")
        probe_max = settings.getint("KZPRIVACY_FORM_PROBE_MAX")
        probe_wait = settings.getfloat("KZPRIVACY_FORM_PROBE_WAIT")
        self.options = {"consent": settings.get("KZPRIVACY_CONSENT") or "none",
                        "max_bytes": settings.getint("DOWNLOAD_MAXSIZE"), "load_wait": load_wait,
                        "settle_max": settle_max, "form_probe": settings.getbool("KZPRIVACY_FORM_PROBE"),
                        "form_probe_max": probe_max, "form_probe_wait": probe_wait,
                        # Beyond this a page counts as hung, whatever it was waiting for.
                        "budget": load_wait + 3 * settle_max + 4 * RENDERER_TIMEOUT + probe_max * (probe_wait + 1)}
        self.navigation_ms = timeout * 1000
        _PRIVATE_ALLOWED.update(settings.getlist("KZPRIVACY_ALLOW_PRIVATE_HOSTS"))
        self.screenshots = settings.get("KZPRIVACY_SCREENSHOT_DIR")
        self.context_kwargs = {"ignore_https_errors": True, "service_workers": "block",
                               "viewport": {"width": 1280, "height": 800}}
        # A download that lasts longer than all its timeouts together: the browser has stopped answering.
        self.deadline = timeout + self.options["budget"] + 30
        self.inflight: dict[int, tuple[float, Any]] = {}
        self.watchdog: asyncio.Task | None = None
        self.closing: set[asyncio.Task] = set()

    @classmethod
    def from_crawler(cls, crawler):
        if crawler.settings.get("KZPRIVACY_MODE") != "browser":
            raise NotConfigured
        mw = cls(crawler)
        crawler.signals.connect(mw.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(mw.spider_closed, signal=signals.spider_closed)
        return mw

    def _context_name(self, site: str) -> str:
        return f"{self.crawl_id}:{site}"

    def process_request(self, request, spider=None):
        from scrapy_playwright.page import PageMethod

        site, kind = request.meta.get("site"), request.meta.get("kind")
        if not site or request.meta.get("playwright") is False or not should_render(request.url, kind):
            return None
        name = self._context_name(site)
        options = {**self.options, "context": name, "kind": kind}
        if kind == "home" and self.screenshots:
            options["screenshot_path"] = str(Path(self.screenshots) / f"{site}.png")
            # Stored relative to the database's folder (OUT/), as OUT/<crawl_id>/screenshots/<site>.png.
            parts = Path(self.screenshots).parts
            options["screenshot_ref"] = str(Path(*parts[-2:]) / f"{site}.png") if len(parts) >= 2 else \
                options["screenshot_path"]
        request.meta.update({
            "playwright": True, "playwright_context": name, "playwright_context_kwargs": self.context_kwargs,
            "playwright_page_init_callback": "kzprivacy.crawler.browser.init_page",
            "playwright_page_goto_kwargs": {"wait_until": "domcontentloaded", "timeout": self.navigation_ms},
            "playwright_page_methods": [PageMethod(visit)], "browser_options": options,
        })
        self.inflight[id(request)] = (time.monotonic() + self.deadline, request)
        if self.watchdog is None:
            self.watchdog = asyncio.ensure_future(self._watch())
        return None

    def process_response(self, request, response, spider=None):
        self.inflight.pop(id(request), None)
        result = request.meta.get("browser")
        if "playwright" not in response.flags or not result or not result.get("document"):
            return response
        stats = self.crawler.stats
        stats.inc_value("browser/pages_rendered")
        if result.get("load") != "load":
            stats.inc_value("browser/pages_recorded_after_domcontentloaded")
        if (result.get("site") or {}).get("consent"):
            stats.inc_value(f"browser/consent/{result['site']['consent']}")
        from scrapy.http import Headers
        from scrapy.responsetypes import responsetypes

        document = result["document"]
        names = {name.lower() for name, _ in document["headers"]}
        # The body comes decoded: its length and encoding headers would describe other bytes.
        dropped = {"content-encoding", "transfer-encoding"} | ({"content-length"} if "content-encoding" in names else set())
        headers = Headers()
        for name, value in document["headers"]:
            if name.lower() not in dropped:
                headers.appendlist(name, value)
        cls = responsetypes.from_args(headers=headers, url=document["url"], body=document["body"])
        result["document"] = None  # the bytes now live in the response
        return response.replace(cls=cls, url=document["url"], status=document["status"], headers=headers,
                                body=document["body"], flags=[*response.flags, "rendered"])

    def process_exception(self, request, exception, spider=None):
        if self.inflight.pop(id(request), None) is not None:
            status, _ = classify_browser_failure(exception, request.meta)
            self.crawler.stats.inc_value(f"browser/failed/{status}")
        return None

    def item_scraped(self, item, response=None, spider=None):
        if isinstance(item, SiteItem):
            self._close_context(self._context_name(item.site))

    def _close_context(self, name: str) -> None:
        _CONTEXT_STATE.pop(name, None)
        context = _CONTEXTS.pop(name, None)
        if context is not None:
            self.crawler.stats.inc_value("browser/contexts_closed")
            task = asyncio.ensure_future(self._close(context))
            self.closing.add(task)
            task.add_done_callback(self.closing.discard)

    async def _close(self, context) -> None:
        try:
            await asyncio.wait_for(context.close(), CLOSE_TIMEOUT)
        except Exception as exc:  # closed already, or its browser is gone
            logger.debug("closing a browser context: %r", exc)

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(5)
            now = time.monotonic()
            for key, (deadline, request) in list(self.inflight.items()):
                if now < deadline:
                    continue
                self.inflight.pop(key, None)
                request.meta.setdefault("browser_failure", (
                    "browser_hung", f"no answer from the browser within {self.deadline:.0f} s; browser restarted"))
                context = _CONTEXTS.get(self._context_name(request.meta.get("site", "")))
                browser = getattr(context, "browser", None)
                logger.error("browser stopped answering on %s: restarting it", request.url)
                if browser is not None:  # scrapy-playwright launches a new one for the next page
                    try:
                        await asyncio.wait_for(browser.close(), CLOSE_TIMEOUT)
                    except Exception as exc:
                        logger.error("could not close the browser: %r", exc)

    async def spider_closed(self, spider=None) -> None:
        if self.watchdog is not None:
            self.watchdog.cancel()
        for name in [n for n in _CONTEXTS if n.startswith(f"{self.crawl_id}:")]:
            self._close_context(name)
        if self.closing:
            await asyncio.gather(*self.closing, return_exceptions=True)


class SiteGate:
    """Spider middleware for browser mode: starts a new site only while fewer than
    KZPRIVACY_BROWSER_SITES are under way, so every started site has a browser context of its own
    at once and no page ever waits for a context (see docs/browser-mode.md: such a wait would stall
    every page). It waits before asking the spider for its next site, so a crawl stopped meanwhile
    leaves no site marked started that was never requested."""

    def __init__(self, crawler, limit: int):
        self.crawler = crawler
        self.limit = max(1, limit)
        self.active: set[str] = set()
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)

    @classmethod
    def from_crawler(cls, crawler):
        if crawler.settings.get("KZPRIVACY_MODE") != "browser":
            raise NotConfigured
        return cls(crawler, crawler.settings.getint("KZPRIVACY_BROWSER_SITES"))

    def item_scraped(self, item, response=None, spider=None) -> None:
        if isinstance(item, SiteItem):
            self.active.discard(item.site)

    async def process_start(self, start):
        # A resumed crawl's unfinished sites are under way already: their pages wait in the queue.
        sites = (getattr(self.crawler.spider, "state", None) or {}).get("sites") or {}
        self.active |= {site for site, st in sites.items() if st.get("started") and not st.get("done")}
        iterator = start.__aiter__()
        while True:
            while len(self.active) >= self.limit:
                await asyncio.sleep(0.05)
            try:
                item_or_request = await iterator.__anext__()
            except StopAsyncIteration:
                return
            site = getattr(item_or_request, "meta", {}).get("site")
            if site:
                self.active.add(site)
            yield item_or_request
