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
rows as observed, and the EnrichObservations pipeline (crawler/pipelines.py) adds
party and tracker columns, as for HTTP mode. docs/browser-mode.md explains the choices.

One module per component, each switched on by the ``BrowserMode`` add-on only in browser mode:

- ``addon``: ``BrowserMode``, the Scrapy add-on that installs the rest, and holds the crawl's handler;
- ``chromium``: where Chromium is, its switches and profile preferences (``browser_problem``);
- ``provider``: ``ChromiumProvider`` launches Chromium on a throw-away profile that allows
  third-party cookies (Chromium blocks them by default, hiding the cookies that matter);
- ``handler``: ``BrowserDownloadHandler``, scrapy-playwright's handler, one for http and https,
  which refuses what a page asks of private addresses with the HTTP guard's check (crawler/netguard.py);
- ``middleware``: ``BrowserMiddleware`` decides which requests render (``should_render``), hands the
  server's document back to Scrapy, closes a site's browser context when the site is done, and
  restarts a browser that stops answering;
- ``gate``: ``SiteGate`` starts no more sites than there are browser contexts;
- ``visit``: ``init_page`` / ``visit``, the page side (scrapy-playwright hooks);
- ``recorder``: ``PageRecorder``, what one page did, and ``SiteState``, what a site's context remembers;
- ``consent``: the cookie banner's accept button (``choose_consent_button``) and its click;
- ``failures``: ``classify_browser_failure``, a failure as the site status it means;
- ``rows``: ``rendered_rows``, a visit as rows; ``scripts``: the JavaScript in js/*.js.

No state lives in these modules: a page's recorder hangs on its Playwright page, a site's state on its
browser context, and the shared handler on the crawler's add-on.

Only the parts below are imported here; the handler and the provider import scrapy-playwright, and
settings name them by their modules' paths.
"""

from __future__ import annotations

from .addon import BrowserMode
from .chromium import (
           CHROMIUM_ARGS,
           DEFAULT_CHROMIUM,
           browser_problem,
           chromium_executable,
)
from .consent import choose_consent_button
from .failures import BrowserPageError, classify_browser_failure
from .rows import rendered_rows, resource_type

__all__ = [
           "CHROMIUM_ARGS",
           "DEFAULT_CHROMIUM",
           "BrowserMode",
           "BrowserPageError",
           "browser_problem",
           "choose_consent_button",
           "chromium_executable",
           "classify_browser_failure",
           "rendered_rows",
           "resource_type",
]
