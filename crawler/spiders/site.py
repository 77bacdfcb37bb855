"""The site spider: visits each site's home page, then the pages most likely to hold its
privacy policy and its forms, and yields what every page shows.

It parses and yields; storage, WARC, proxies and politeness live in the
middlewares, pipelines and settings. Per-site bookkeeping lives in
``self.state``, which Scrapy's JOBDIR persists, so an interrupted crawl resumes.

    scrapy crawl site -a domains=example.kz,мысал.қаз -s KZPRIVACY_DB=output/kzprivacy.db
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from datetime import datetime, timezone
from collections.abc import AsyncIterator, Iterator
from typing import Any, TypeVar
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Request, Response, TextResponse
from twisted.python.failure import Failure

from kzprivacy.crawler.browser import classify_browser_failure, rendered_rows
from kzprivacy.crawler.errors import OriginFailed, classify_failure, proxy_error_status
from kzprivacy.crawler.formprobe import destination_rows
from kzprivacy.extract.cookies import parse_set_cookie
from kzprivacy.extract.documents import DocumentTooLarge, sniff_format
from kzprivacy.extract.limits import DEFAULT_CAPS, Caps, cap_warning
from kzprivacy.extract.page import PageExtract, PageTask
from kzprivacy.crawler.parsepool import ParseFailure, ParsePool
from kzprivacy.crawler.enrich import is_first_party
from kzprivacy.extract.policy import (COMMON_POLICY_PATHS, POLICY_THRESHOLD, STRONG_LINK_SCORE, document_kind,
                                    form_page_links, is_policy_score, language_variants,
                                    unreadable_policy, with_path)
from kzprivacy.crawler.items import PageItem, SiteItem
from kzprivacy.crawler.settings_table import default
from kzprivacy.crawler.signals import site_done, site_timed_out
from kzprivacy.vocabulary.domains import parse_entries, read_entries
from kzprivacy.vocabulary.identity import canonical_url, form_key
from kzprivacy.vocabulary.language import detect_language
from kzprivacy.vocabulary.trackers import registrable_domain

# How many pages of each kind a site may cost, within the overall page budget.
MAX_POLICY_CANDIDATES = 4
MAX_LANGUAGE_VARIANTS = 3
MAX_FORM_PAGES = 5
MAX_HOME_VARIANTS = 2     # /kk/ and /en/ versions of the home page: their forms may differ
FOLLOW_POLICY_SCORE = 0.4   # follow a policy link from the home page at this score
LATER_POLICY_SCORE = 0.6    # follow one found on a later page only when it is this clear
# When https failed this way and plain http is refused, the https failure is the site's status.
HTTPS_FAILURES_KEPT = ("tls_error", "timeout")
# Statuses after which trying plain http cannot help.
NO_FALLBACK = {"robots_blocked", "blocked_private_address", "dns_error", "redirect_loop", "too_large",
               "site_timeout", "browser_hung", "browser_crash"}  # the browser would only fail the same way again


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")

_S = TypeVar("_S", bound="SiteSpider")


class SiteSpider(scrapy.Spider):
    name = "site"

    def __init__(self, domains: str | list[str] | None = None, domains_file: str | None = None,
                 crawl_id: str | None = None, max_pages: int | str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        lines = domains.split(",") if isinstance(domains, str) else list(domains or [])
        self.entries, self.rejected = parse_entries(lines)
        if domains_file:
            more, bad = read_entries(domains_file)
            known = {e.site for e in self.entries}
            self.entries += [e for e in more if e.site not in known]
            self.rejected += bad
        self.crawl_id = crawl_id
        self.max_pages = int(max_pages) if max_pages else 0  # 0: from_crawler reads KZPRIVACY_MAX_PAGES
        self.state: dict[str, Any] = {}
        self.caps: Caps = DEFAULT_CAPS
        self.max_bytes = 0
        self.url_limit = 0
        self.pool = ParsePool(0, 0, 0)  # in-process until from_crawler reads the settings
        self.max_sites_in_flight = default("KZPRIVACY_SITES_AT_ONCE")  # from_crawler reads the settings

    @classmethod
    def from_crawler(cls: type[_S], crawler: Crawler, *args: Any, **kwargs: Any) -> _S:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.max_pages = spider.max_pages or settings.getint("KZPRIVACY_MAX_PAGES")
        spider.caps = Caps.from_settings(settings)
        spider.max_sites_in_flight = settings.getint("KZPRIVACY_SITES_AT_ONCE")
        spider.crawl_id = (spider.crawl_id or settings.get("KZPRIVACY_CRAWL_ID")
                           or datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S"))
        crawler.signals.connect(spider._request_dropped, signal=signals.request_dropped)
        crawler.signals.connect(spider._bytes_received, signal=signals.bytes_received)
        crawler.signals.connect(spider._site_timed_out, signal=site_timed_out)
        spider.pool = ParsePool.from_settings(settings)
        crawler.signals.connect(spider.pool.close, signal=signals.spider_closed)
        spider.max_bytes = settings.getint("DOWNLOAD_MAXSIZE")
        spider.url_limit = settings.getint("URLLENGTH_LIMIT")
        return spider

    # -- bookkeeping ---------------------------------------------------------------------------

    def _site(self, site: str) -> dict[str, Any]:
        sites = self.state.setdefault("sites", {})
        if site not in sites:
            sites[site] = {"pending": 0, "requested": {}, "domains": [registrable_domain(site)], "status": None,
                           "error": None, "https": None, "final_url": None, "redirect_chain": [],
                           "https_failure": None, "policy_requests": 0, "variant_requests": 0,
                           "form_requests": 0, "probed": False, "done": False, "started_at": _now(),
                           "policy_seen": False, "in_page": [], "mentioned": False}
        return sites[site]

    def _request(self, site: str, url: str, kind: str, **meta: Any) -> Request | None:
        st = self._site(site)
        # no fragment, no utm_*: the same page is not fetched twice (kzprivacy/vocabulary/identity.py)
        url = canonical_url(url)
        if url in st["requested"] or len(st["requested"]) >= self.max_pages:
            return None
        if self.url_limit and len(url) > self.url_limit:
            return None  # UrlLengthMiddleware would drop it silently and the site would never settle
        st["requested"][url] = kind
        st["pending"] += 1
        # One cookie jar per site (crawler.middlewares.SiteCookies drops it when the site is done).
        return Request(url, callback=self.parse_page, errback=self.on_error, dont_filter=True,
                       meta={"site": site, "kind": kind, "cookiejar": site, **meta})

    def _settle(self, site: str) -> Iterator[SiteItem]:
        st = self._site(site)
        st["pending"] = max(0, st["pending"] - 1)
        if st["pending"] == 0 and not st["done"]:
            st["done"] = True
            if st.get("budget_spent") and st["status"] in (None, "ok", "site_timeout"):
                # Cut short by its time budget (crawler.middlewares.SiteBudget): what it fetched before is kept.
                seen = (f"; the home page had answered ({st['final_url']})" if st["final_url"] else
                        f"; https had failed: {st['https_failure'][0]}" if st.get("https_failure") else "")
                st["status"], st["error"] = "site_timeout", st["budget_spent"] + seen
            yield SiteItem(site, {
                "status": st["status"] or "error", "error": st["error"], "final_url": st["final_url"],
                "https": st["https"], "redirect_chain": st["redirect_chain"], "started_at": st["started_at"],
                **(st.get("browser") or {})})  # browser mode: screenshot, consent
            # Forget the site: its row is written, and a resumed crawl skips finished sites anyway
            # (the database knows them). Memory then holds only the sites in flight.
            self.state["sites"].pop(site, None)
            if getattr(self, "crawler", None) is not None:
                self.crawler.signals.send_catch_log(signal=site_done, site=site)

    def _bytes_received(self, data: bytes, request: Request, spider: scrapy.Spider | None = None) -> None:
        # Scrapy cancels a streamed body past DOWNLOAD_MAXSIZE without saying why: count, to tell.
        request.meta["bytes_received"] = request.meta.get("bytes_received", 0) + len(data)

    def _site_timed_out(self, site: str, budget: float) -> None:
        if site in self.state.get("sites", {}):
            st = self._site(site)
            st["budget_spent"] = (f"the site's time budget ({budget:g} s, KZPRIVACY_SITE_TIMEOUT) ran out; "
                                  f"unfinished requests dropped or cut: {st['pending']}")

    def _request_dropped(self, request: Request, spider: scrapy.Spider | None = None) -> None:
        site = request.meta.get("site")
        if site and site in self.state.get("sites", {}):
            st = self._site(site)
            st["pending"] = max(0, st["pending"] - 1)

    def _is_first_party(self, st: dict[str, Any], url_or_host: str) -> bool:
        return is_first_party(url_or_host, st["domains"])

    # -- start -----------------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        for entry in self.entries:
            # Start a site only when there is room: the scheduler then holds the sites in flight,
            # not the whole list (Scrapy would otherwise queue every home page at once).
            while len(self.state.get("sites", {})) >= self.max_sites_in_flight:
                await asyncio.sleep(0.05)
            if entry.site in self.state.get("sites", {}) and self._site(entry.site).get("started"):
                continue  # resumed: its requests are in the JOBDIR queue already
            st = self._site(entry.site)
            st["started"] = True
            request = self._request(entry.site, entry.start_url, "home", attempt="https", max_retry_times=0,
                                    entry=entry.ascii_host)
            if request is not None:
                yield request

    # -- responses ---------------------------------------------------------------------------------

    async def parse_page(self, response: Response) -> AsyncIterator[Any]:
        site = response.meta["site"]
        st = self._site(site)
        try:
            extract = await self._extract(response)
            item, follow = self._page(response, st, extract)
        except Exception as exc:  # a hostile page must not stop the crawl: record it and go on
            self.logger.exception("failed to parse %s", response.url)
            row = {**self._page_row(response), "error": f"parse: {exc!r}"[:500]}
            item, follow = PageItem(site, response.url, row), []
            if response.meta["kind"] == "home" and st["status"] is None:
                st["status"], st["error"] = "error", f"parse: {exc!r}"[:500]
        yield item
        for request in follow:
            yield request
        for done in self._settle(site):
            yield done

    async def _extract(self, response: Response) -> PageExtract:
        """What the page shows, read in the parse pool under the time budget (crawler/parsepool.py)."""
        kind = response.meta["kind"]
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1")[:200]
        is_text = isinstance(response, TextResponse)
        fmt = sniff_format(response.body[:4000], content_type, response.url)
        rendered_dom = (response.meta.get("browser") or {}).get("dom")
        task = PageTask(url=response.url, content_type=content_type, caps=self.caps,
                        in_page=kind != "policy" and response.status < 400)
        if is_text and fmt == "html":
            task.html = rendered_dom or response.text  # forms and links that scripts inserted too
        if kind == "policy" and response.status < 400:
            task.body = response.body
            task.text = response.text if is_text else None
            if fmt == "html" and rendered_dom:
                task.text = rendered_dom  # browser mode: the policy as a reader sees it
        try:
            return await self.pool.run(task, deadline=response.meta.get("site_deadline"))
        except ParseFailure as exc:
            return PageExtract(failure=(exc.status, str(exc)))

    def on_error(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]  # Scrapy sets it on an errback's failure
        exc = failure.value
        assert exc is not None, "an errback's failure holds its exception"
        site, kind = request.meta["site"], request.meta["kind"]
        st = self._site(site)
        status, error = (classify_browser_failure(exc, request.meta) if request.meta.get("playwright")
                         else classify_failure(exc))
        if status == "timeout" and request.meta.get("site_budget_cut") and not isinstance(exc, OriginFailed):
            # its download timeout was what was left of the site's budget (crawler.middlewares.SiteBudget)
            status, error = "site_timeout", f"cut when the site's time budget ran out ({error})"
        if status == "error" and self.max_bytes and request.meta.get("bytes_received", 0) > self.max_bytes:
            status, error = "too_large", f"the body passed DOWNLOAD_MAXSIZE ({self.max_bytes} bytes) as it streamed"
        row = {"url": request.url, "kind": kind, "fetched_at": _now(), "error": f"{status}: {error}"[:1000]}
        yield PageItem(site, request.url, row)
        if kind == "home":
            # Plain http is tried when https failed without ever answering; an https origin that answered
            # (robots.txt, a response head) and then hung or broke is the site's answer: over http it
            # would only cost the same wait again.
            answered = request.meta.get("origin_answered")
            if request.meta.get("attempt") == "https" and status not in NO_FALLBACK and not answered:
                st["https_failure"] = (status, error)
                fallback = self._request(site, "http://" + request.meta["entry"] + "/", "home", attempt="http",
                                         entry=request.meta["entry"])
                if fallback is not None:
                    yield fallback
            else:
                https_failure = st.get("https_failure")
                if https_failure and https_failure[0] in HTTPS_FAILURES_KEPT and status in ("refused", "proxy_error"):
                    status, error = https_failure  # https broke at TLS and there is no plain http either
                st["status"], st["error"] = status, error
                # robots.txt or the page answered over this scheme (a redirect loop is answers that never end:
                # crawler.middlewares.FailFast marks each hop's request as answered when its head arrives)
                if status == "robots_blocked" or answered:
                    st["https"] = request.url.startswith("https://")
                else:
                    st["https"] = False if request.meta.get("attempt") == "http" else None
        yield from self._settle(site)

    def _page_row(self, response: Response) -> dict[str, Any]:
        warc = response.meta.get("warc") or {}
        return {
            "url": response.url, "status_code": response.status,
            "content_type": (response.headers.get("Content-Type") or b"").decode("latin-1")[:200],
            "sha256": hashlib.sha256(response.body).hexdigest(), "bytes": len(response.body),
            "encoding": response.encoding if isinstance(response, TextResponse) else None,
            "fetched_at": warc.get("fetched_at") or _now(), "kind": response.meta["kind"],
            "warc_file": warc.get("warc_file"), "warc_record_id": warc.get("warc_record_id"),
            "warc_offset": warc.get("warc_offset"),
        }

    def _page(self, response: Response, st: dict[str, Any], extract: PageExtract) -> tuple[PageItem, list[Request]]:
        site, kind = response.meta["site"], response.meta["kind"]
        # After a redirect the final URL counts as visited too, so no link leads to it again.
        st["requested"].setdefault(response.url, kind)
        item = PageItem(site, response.url, self._page_row(response))
        warc_id = item.page["warc_record_id"]
        follow: list[Request] = []
        warnings: list[str] = list(extract.warnings)  # caps that cut what this page shows (pages.warnings)
        for url, kept, total in response.meta.get("set_cookies_cut", ()):  # crawler.middlewares.SetCookieRecorder
            warnings.append(cap_warning("Set-Cookie headers" + (f" of {url}" if url != response.url else ""), kept,
                                        total))
        if extract.failure:  # parse_timeout, too_large, parse_error: the page's row says so
            item.page["error"] = f"{extract.failure[0]}: {extract.failure[1]}"[:1000]

        if kind == "home":
            proxy_status = proxy_error_status(response.headers.get("X-Squid-Error"))
            https_failure = st.get("https_failure")
            if proxy_status and https_failure and https_failure[0] in HTTPS_FAILURES_KEPT and proxy_status == "refused":
                st["status"], st["error"] = https_failure  # https broke at TLS and there is no plain http either
            elif proxy_status:
                squid = (response.headers.get("X-Squid-Error") or b"").decode("latin-1")
                st["status"], st["error"] = proxy_status, f"proxy: {squid}"
            elif response.status >= 400:
                st["status"], st["error"] = "http_error", f"HTTP {response.status}"
            else:
                st["status"], st["error"] = "ok", None
            if not proxy_status:  # the proxy's error page is not the site's
                st["final_url"] = response.url
                st["https"] = response.url.startswith("https://")
                st["redirect_chain"] = [*response.meta.get("redirect_urls", []), response.url]
                final_domain = registrable_domain(response.url)
                if final_domain not in st["domains"]:
                    st["domains"].append(final_domain)
        # What is first party for the EnrichObservations pipeline, which adds party and service columns.
        item.site_domains = list(st["domains"])
        rendered = response.meta.get("browser")  # browser mode: what the page did in Chromium
        if rendered:
            item.cookies, item.requests, item.storage = rendered_rows(rendered, warc_id)
            item.form_destinations = [{**row, "warc_record_id": warc_id} for row in destination_rows(rendered)]
            if kind == "home" and rendered.get("site"):
                st["browser"] = rendered["site"]
        else:
            item.cookies = self._cookies(response, warc_id)
        if kind == "home" and st["status"] == "ok" and extract.failure:
            st["status"], st["error"] = extract.failure  # the site answered; its home page could not be read
        if kind == "home" and st["status"] != "ok":
            if warnings:
                item.page["warnings"] = json.dumps(warnings, ensure_ascii=False)
            return item, follow

        is_html = isinstance(response, TextResponse) and sniff_format(
            response.body[:4000], item.page["content_type"], response.url) == "html"
        links, candidates = [], []
        if is_html:
            links, candidates = extract.links, extract.policy_links  # scored in the parse worker
            if not rendered:  # browser mode recorded what was actually fetched instead
                item.requests = self._requests(extract.resources, warc_id)
            item.inline_trackers = [{"service_id": hit.service.id, "tracker_id": hit.tracker_id, "snippet": hit.snippet,
                                     "warc_record_id": warc_id} for hit in extract.signatures]
            item.forms = self._forms(extract.forms, response.url, st, warc_id)

        if kind == "policy" and response.status >= 400 and (response.meta.get("link_score") or 0) >= STRONG_LINK_SCORE:
            item.policy = self._dead_policy_link(response, item.page, warc_id)
        if kind == "policy" and response.status < 400:
            item.policy = self._policy(response, item.page, warc_id, extract)
            if item.policy["is_policy_score"] >= POLICY_THRESHOLD:
                st["policy_seen"] = True
            elif item.policy.get("found_via") != "common_path":
                follow += self._probe(site, st, response.url)  # the links led to no policy: try the usual paths
            if item.policy["is_policy_score"] >= POLICY_THRESHOLD and links:
                for url in language_variants(response.url, links):
                    if st["variant_requests"] >= MAX_LANGUAGE_VARIANTS:
                        break
                    request = self._request(site, url, "policy", found_via="language_variant",
                                            link_text=response.meta.get("link_text", ""))
                    if request is not None:
                        st["variant_requests"] += 1
                        follow.append(request)

        if is_html and kind != "policy" and response.status < 400:
            item.policy = self._in_page_policy(extract, response, item.page, st, warc_id, candidates)
        if links:
            follow += self._follow_links(site, st, links, candidates, response.url, home=(kind == "home"))
        if kind == "home" and not any(c.score >= FOLLOW_POLICY_SCORE for c in candidates):
            follow += self._probe(site, st, response.url)  # no policy link: a page without any links too
        if warnings:
            item.page["warnings"] = json.dumps(warnings, ensure_ascii=False)
        return item, follow

    def _dead_policy_link(self, response: Response, page: dict[str, Any], warc_id: str | None) -> dict[str, Any]:
        """A clear policy link to a page that is not there: the policy is named, not published (status mention)."""
        text = (response.meta.get("link_text") or "")[:300]
        return {"url": response.url, "found_via": response.meta.get("found_via"), "link_text": text,
                "link_score": response.meta.get("link_score"), "format": None, "title": text, "text": text,
                "chars": len(text), "language": detect_language(text) if text else "unknown", "is_policy_score": 0.0,
                "document_kind": None, "status": "mention", "error": f"the link leads to HTTP {response.status}",
                "sha256": page["sha256"], "fetched_at": page["fetched_at"], "warc_record_id": warc_id}

    def _probe(self, site: str, st: dict[str, Any], page_url: str) -> list[Request]:
        """The common policy addresses, once per site."""
        if st["probed"] or st["policy_seen"]:
            return []
        st["probed"] = True
        follow = []
        for path in COMMON_POLICY_PATHS:
            request = self._request(site, with_path(page_url, path), "policy", found_via="common_path", link_text="")
            if request is not None:
                follow.append(request)
        return follow

    def _in_page_policy(self, extract: PageExtract, response: Response, page: dict[str, Any], st: dict[str, Any],
                        warc_id: str | None, candidates: list) -> dict[str, Any] | None:
        """A policy kept inside the page (a modal, a section, a template), else a policy named without a link.

        Either becomes a `policies` row of this page: the in-page one with its own text, found_via
        `in_page`; the mention with status `mention`, so the analysis can tell "named but not published"
        from "nothing at all"."""
        row = {"found_via": "in_page", "link_score": None, "format": "html",
               "fetched_at": page["fetched_at"], "warc_record_id": warc_id}
        for found in extract.in_page:
            key = hashlib.sha256(found.text.encode("utf-8")).hexdigest()
            if key in st["in_page"]:
                continue  # the same modal on every page: kept once, where first seen
            score = is_policy_score(found.heading, found.text, "", found.trigger or found.heading)
            if score < POLICY_THRESHOLD:
                continue
            st["in_page"].append(key)
            st["policy_seen"] = True
            return {**row, "url": response.url.split("#", 1)[0] + "#" + found.anchor,
                    "link_text": (found.trigger or found.heading)[:300], "title": found.heading[:300], "sha256": key,
                    "text": found.text, "chars": len(found.text), "language": detect_language(found.text),
                    "is_policy_score": score, "document_kind": "privacy_policy", "status": "ok"}
        if st["mentioned"] or any(c.score >= FOLLOW_POLICY_SCORE for c in candidates):
            return None
        mentions = extract.mentions
        if not mentions:
            return None
        st["mentioned"] = True
        text = "\n".join(mentions)[:2000]
        return {**row, "found_via": "text_mention", "url": response.url.split("#", 1)[0] + "#policy-mention",
                "link_text": mentions[0][:300], "title": mentions[0][:300], "text": text, "chars": len(text),
                "language": detect_language(text), "is_policy_score": 0.0, "document_kind": None,
                "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
                "status": "mention"}

    def _follow_links(self, site: str, st: dict[str, Any], links: list, candidates: list, page_url: str,
                      home: bool) -> list[Request]:
        follow: list[Request] = []
        threshold = FOLLOW_POLICY_SCORE if home else LATER_POLICY_SCORE
        for candidate in [c for c in candidates if c.score >= threshold]:
            if st["policy_requests"] >= MAX_POLICY_CANDIDATES:
                break
            # Policies may live off-site (a parent company, a document host); form pages may not.
            request = self._request(site, candidate.url, "policy", found_via=candidate.found_via,
                                    link_text=candidate.text, link_score=candidate.score)
            if request is not None:
                st["policy_requests"] += 1
                follow.append(request)
        for url, text in form_page_links(links):
            if st["form_requests"] >= MAX_FORM_PAGES:
                break
            if not self._is_first_party(st, url):
                continue
            request = self._request(site, url, "form", link_text=text)
            if request is not None:
                st["form_requests"] += 1
                follow.append(request)
        if home:
            for url in language_variants(page_url, links)[:MAX_HOME_VARIANTS]:
                if self._is_first_party(st, url):
                    request = self._request(site, url, "other", link_text="")
                    if request is not None:
                        follow.append(request)
        return follow

    # -- what a page shows ---------------------------------------------------------------------------

    def _cookies(self, response: Response, warc_id: str | None) -> list[dict[str, Any]]:
        """The cookies the page's responses set (Set-Cookie headers, redirects included), once each."""
        rows, seen = [], set()
        for url, header in response.meta.get("set_cookies", []):
            cookie = parse_set_cookie(header, url)
            if cookie is None:
                continue
            key = (cookie.name, cookie.domain, cookie.path)
            if key in seen:
                continue
            seen.add(key)
            rows.append({**cookie.row(), "response_url": url, "set_by": "header", "fetched_at": _now(),
                         "warc_record_id": warc_id})
        return rows

    def _requests(self, resources: list, warc_id: str | None) -> list[dict[str, Any]]:
        """What the markup makes a browser fetch (scripts, frames, pixels...). EnrichObservations keeps the
        third parties' and adds their service columns."""
        return [{"url": resource.url, "host": (urlsplit(resource.url).hostname or "").lower(),
                 "resource_type": resource.resource_type, "initiator": "html", "fetched_at": _now(),
                 "warc_record_id": warc_id} for resource in resources]

    def _forms(self, forms: list, page_url: str, st: dict[str, Any], warc_id: str | None) -> list[dict[str, Any]]:
        rows = []
        for form in forms:
            action_host = (urlsplit(form.action).hostname or "").lower() if form.action else None
            third = bool(action_host) and not self._is_first_party(st, action_host or "")
            rows.append({
                "form_index": form.form_index, "action": form.action, "method": form.method,
                "method_explicit": form.method_explicit,
                "action_is_https": form.action.startswith("https://") if form.action else None,
                "action_host": action_host,
                "action_party": (("first" if self._is_first_party(st, action_host) else "third")
                                 if action_host else None),
                "has_consent_checkbox": form.has_consent_checkbox, "policy_link_near": form.policy_link_near,
                "warc_record_id": warc_id,
                "form_key": form_key(form.action, form.method, page_url, [(f.name, f.type) for f in form.fields],
                                     first_party=not third, consent=form.has_consent_checkbox),
                "fields": [{"name": f.name, "type": f.type, "label": f.label, "placeholder": f.placeholder,
                            "autocomplete": f.autocomplete, "pattern": f.pattern, "required": f.required,
                            "category": f.category} for f in form.fields],
            })
        return rows

    def _policy(self, response: Response, page: dict[str, Any], warc_id: str | None,
                extract: PageExtract) -> dict[str, Any]:
        meta = response.meta
        row: dict[str, Any] = {"url": response.url, "found_via": meta.get("found_via"),
                               "link_text": (meta.get("link_text") or "")[:300], "link_score": meta.get("link_score"),
                               "sha256": page["sha256"],
                               "fetched_at": page["fetched_at"], "warc_record_id": warc_id, "chars": 0,
                               "is_policy_score": 0.0, "format": sniff_format(response.body[:4000],
                                                                              page["content_type"], response.url)}
        document = extract.document
        if document is None:
            # Unreadable, a bomb, or past its time budget: the language is the link's, the only text there is.
            exc = extract.document_error
            if exc is not None:
                status, error = ("too_large" if isinstance(exc, DocumentTooLarge) else "parse_error"), str(exc)
            else:
                status, error = extract.failure or ("parse_error", "no document")
            return {**row, "status": status, "error": error[:500],
                    "language": detect_language(row["link_text"]) if row["link_text"] else "unknown"}
        score = is_policy_score(document.title, document.text, response.url, meta.get("link_text") or "")
        row.update(format=document.format, title=document.title, text=document.text, chars=len(document.text),
                   language=detect_language(document.text), is_policy_score=score,
                   document_kind=document_kind(document.title, document.text, score) if document.text.strip() else None,
                   status="ok" if document.text.strip() else "empty")
        if unreadable_policy(document.title, document.text, score):
            # Titled as the policy and (nearly) empty: the site has a policy, which could not be read.
            row.update(status="empty", document_kind="privacy_policy",
                       language=detect_language(document.title) if document.title else row["language"],
                       error="titled as the privacy policy but holds almost no text (filled in by a script? "
                             "try --render)")
        return row
