"""Browser mode's pure parts, without a browser: which pages render, which button accepts a cookie
banner, how failures and cookies are classified, how a visit becomes rows, how the add-on sets up."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from scrapy.exceptions import IgnoreRequest
from scrapy.settings import Settings

import kzprivacy  # noqa: F401  (offline tldextract first)
from kzprivacy.crawler.items import PageItem
from kzprivacy.crawler.enrich import enrich_page
from kzprivacy.crawler.browser import (BrowserPageError, browser_problem, chromium_executable, choose_consent_button,
                                       classify_browser_failure, rendered_rows, resource_type)
from kzprivacy.crawler.browser.middleware import should_render
from kzprivacy.crawler.browser.recorder import AFTER, BEFORE, cookie_rows, storage_rows


# -- which pages render ---------------------------------------------------------------------------

@pytest.mark.parametrize(("url", "kind", "rendered"), [
    ("https://shop.kz/", "home", True),
    ("https://shop.kz/kk/", "other", True),
    ("https://shop.kz/contacts", "form", True),
    ("https://shop.kz/privacy", "policy", True),
    ("https://shop.kz/politika.php?lang=ru", "policy", True),
    ("https://shop.kz/docs/Privacy.PDF", "policy", False),
    ("https://shop.kz/files/policy.docx", "policy", False),
    ("https://shop.kz/robots.txt", None, False),
])
def test_pages_render_and_files_go_to_plain_scrapy(url, kind, rendered):
    assert should_render(url, kind) is rendered


# -- the cookie banner's accept button --------------------------------------------------------------

BANNER_RU = "Мы используем файлы cookie, чтобы сайт работал удобнее. Подробнее в Политике."
BANNER_KK = "Біз сайттың жұмысын жақсарту үшін cookie файлдарын қолданамыз."


def _button(label, context=BANNER_RU, attrs="", fixed=True, in_form=False, index=0):
    return {"index": index, "label": label, "context": context, "attrs": attrs, "fixed": fixed, "in_form": in_form}


@pytest.mark.parametrize("label", ["Принять", "Принять все", "Согласен", "Хорошо", "ОК", "Понятно",
                                   "Қабылдау", "Келісемін", "Accept all", "Got it", "I agree"])
def test_accept_labels_in_three_languages(label):
    assert choose_consent_button([_button(label)])["label"] == label


@pytest.mark.parametrize("label", ["Отклонить", "Не принимать", "Настройки cookie", "Бас тарту", "Reject all",
                                   "Только необходимые", "Подробнее", "Manage preferences"])
def test_refusals_and_settings_are_never_clicked(label):
    assert choose_consent_button([_button(label)]) is None


def test_the_accept_button_is_chosen_beside_a_refusal():
    candidates = [_button("Бас тарту", BANNER_KK, index=3), _button("Келісемін", BANNER_KK, index=4)]
    assert choose_consent_button(candidates)["index"] == 4


def test_a_button_needs_a_banner_about_cookies():
    # "Принять" in an order form or a plain page is not a cookie banner.
    assert choose_consent_button([_button("Принять", context="Принять участие в конкурсе и выиграть приз",
                                          fixed=False)]) is None
    # The banner's ids and classes tell too, when its text does not.
    assert choose_consent_button([_button("OK", context="Сайт собирает сведения о посещениях для статистики",
                                          attrs=" cookie-notice  ")]) is not None


def test_a_form_submit_loses_to_the_banner_button():
    candidates = [_button("Согласен", in_form=True, fixed=False, index=1), _button("Согласен", index=2)]
    assert choose_consent_button(candidates)["index"] == 2


# -- failures ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("message", "status"), [
    ("Page.goto: net::ERR_NAME_NOT_RESOLVED at https://x.kz/", "dns_error"),
    ("Page.goto: net::ERR_TUNNEL_CONNECTION_FAILED at https://x.kz/", "proxy_error"),
    ("Page.goto: net::ERR_TOO_MANY_REDIRECTS at https://x.kz/", "redirect_loop"),
    ("Page.goto: net::ERR_SSL_PROTOCOL_ERROR at https://x.kz/", "tls_error"),
    ("Page.goto: net::ERR_CONNECTION_REFUSED at https://x.kz/", "refused"),
    ("Page.goto: Navigation failed because page crashed!", "browser_crash"),
    ("Page.goto: net::ERR_FAILED at https://x.kz/", "error"),
])
def test_chromium_errors_become_site_statuses(message, status):
    from playwright.async_api import Error

    assert classify_browser_failure(Error(message))[0] == status


def test_timeouts_and_decisions_made_on_the_page():
    from playwright.async_api import TimeoutError

    assert classify_browser_failure(TimeoutError("Page.goto: Timeout 4000ms exceeded."))[0] == "timeout"
    assert classify_browser_failure(BrowserPageError("browser_hung", "no answer")) == ("browser_hung", "no answer")
    # The page marked its own failure (a 50 MB page stopped as it began): that wins over the error it caused.
    meta = {"browser_failure": ("too_large", "the page declares 52428800 bytes")}
    assert classify_browser_failure(RuntimeError("navigation interrupted"), meta)[0] == "too_large"
    # What never reached the browser is classified as in HTTP mode.
    assert classify_browser_failure(IgnoreRequest("Forbidden by robots.txt"))[0] == "robots_blocked"


def test_playwright_types_in_the_projects_words():
    assert [resource_type(t) for t in ("image", "document", "fetch", "xhr", "script", "stylesheet", "ping")] == [
        "img", "iframe", "xhr", "xhr", "script", "stylesheet", "ping"]


# -- cookies: header or script, and which phase -------------------------------------------------------

def _jar(*cookies):
    return {(c["name"], c["domain"], c["path"]): c for c in cookies}


def _cookie(name, value, domain, path="/", expires=-1, **extra):
    return {"name": name, "value": value, "domain": domain, "path": path, "expires": expires, "secure": False,
            "httpOnly": False, "sameSite": "Lax", **extra}


def test_cookies_are_told_apart_by_header_and_script():
    recorder = SimpleNamespace(
        set_cookies=[("https://shop.kz/", "sid=abc; Path=/; HttpOnly", BEFORE),
                     ("https://mc.yandex.ru/watch/1", "yandexuid=42; Domain=.yandex.ru; Path=/; Secure; SameSite=None",
                      BEFORE),
                     ("https://shop.kz/", "theme=light; Path=/", BEFORE)],
        cookie_writes=[("https://shop.kz/", "_ym_uid=777; path=/; max-age=31536000", "https://mc.yandex.ru/metrika/tag.js",
                        BEFORE),
                       ("https://shop.kz/", "theme=dark; path=/", "https://shop.kz/app.js", BEFORE)])
    jar = _jar(_cookie("sid", "abc", "shop.kz"), _cookie("yandexuid", "42", ".yandex.ru"),
               _cookie("_ym_uid", "777", "shop.kz", expires=2e9), _cookie("theme", "dark", "shop.kz"),
               _cookie("from_a_worker", "1", "shop.kz"))
    rows = {r["name"]: r for r in cookie_rows(recorder, jar, {}, BEFORE)}
    assert rows["sid"]["set_by"] == "header" and rows["sid"]["raw"] == "sid=abc; Path=/; HttpOnly"
    assert rows["sid"]["response_url"] == "https://shop.kz/" and rows["sid"]["httponly"]
    assert (rows["yandexuid"]["set_by"], rows["yandexuid"]["domain"]) == ("header", ".yandex.ru")
    assert rows["_ym_uid"]["set_by"] == "script"
    assert rows["_ym_uid"]["response_url"] == "https://mc.yandex.ru/metrika/tag.js"  # the script that wrote it
    assert rows["_ym_uid"]["max_age"] == 31536000
    # The server sent theme=light, a script changed it: the jar's value is the script's.
    assert rows["theme"]["set_by"] == "script" and rows["theme"]["value_length"] == 4
    assert rows["from_a_worker"]["set_by"] == "script" and rows["from_a_worker"]["raw"] is None
    assert {r["consent_phase"] for r in rows.values()} == {BEFORE}


def test_a_page_records_only_the_cookies_it_wrote():
    recorder = SimpleNamespace(set_cookies=[("https://shop.kz/b", "sid=abc; Path=/", BEFORE)], cookie_writes=[])
    jar = _jar(_cookie("sid", "abc", "shop.kz"), _cookie("_ga", "GA1.1.1", "shop.kz", expires=2e9),
               _cookie("_ga_X", "GS1.2", "shop.kz", expires=2e9))
    previous = {("sid", "shop.kz", "/"): ("abc", -1), ("_ga", "shop.kz", "/"): ("GA1.1.1", 2e9),
                ("_ga_X", "shop.kz", "/"): ("GS1.1", 2e9)}
    # sid was sent again (a header on this page), _ga is untouched, _ga_X changed.
    assert sorted(r["name"] for r in cookie_rows(recorder, jar, previous, BEFORE)) == ["_ga_X", "sid"]


def test_after_consent_rows_are_what_the_click_wrote():
    recorder = SimpleNamespace(
        set_cookies=[("https://www.facebook.com/tr", "fr=1; Domain=.facebook.com; Path=/; Secure; SameSite=None",
                      AFTER)],
        cookie_writes=[("https://shop.kz/", "cookie_consent=all; path=/", "https://shop.kz/consent.js", AFTER)])
    before = _jar(_cookie("sid", "abc", "shop.kz"))
    after = _jar(_cookie("sid", "abc", "shop.kz"), _cookie("cookie_consent", "all", "shop.kz"),
                 _cookie("fr", "1", ".facebook.com"))
    rows = cookie_rows(recorder, after, {k: (c["value"], c["expires"]) for k, c in before.items()}, AFTER)
    assert {(r["name"], r["set_by"], r["consent_phase"]) for r in rows} == {
        ("cookie_consent", "script", AFTER), ("fr", "header", AFTER)}


def test_storage_rows_are_new_or_changed_keys():
    known = {("https://shop.kz", "local", "a"): "1"}
    rows = storage_rows(known, {("https://shop.kz", "local", "a"): "1", ("https://shop.kz", "session", "b"): "x"},
                         BEFORE)
    assert rows == [{"origin": "https://shop.kz", "kind": "session", "key": "b", "consent_phase": BEFORE}]
    assert storage_rows(known, {("https://shop.kz", "local", "a"): "2"}, AFTER)[0]["key"] == "a"


# -- a visit to rows ---------------------------------------------------------------------------------

def test_a_visit_becomes_rows_with_party_and_vendor():
    visit = {
        "fetched_at": "2024-05-01T00:00:00Z",
        "cookies": [
            {"name": "_ym_uid", "domain": "shop.kz", "path": "/", "set_by": "script", "consent_phase": BEFORE,
             "value_length": 19},
            {"name": "yandexuid", "domain": ".yandex.ru", "path": "/", "set_by": "header", "consent_phase": BEFORE,
             "value_length": 19},
        ],
        "requests": [
            {"url": "https://mc.yandex.ru/watch/1", "resource_type": "img", "initiator": "parser https://shop.kz/",
             "consent_phase": BEFORE},
            {"url": "https://cdn.shop.kz/app.js", "resource_type": "script", "initiator": None,
             "consent_phase": BEFORE},
            {"url": "https://www.googletagmanager.com/gtag/js?id=G-1", "resource_type": "script",
             "initiator": "script https://www.googletagmanager.com/gtm.js?id=GTM-1", "consent_phase": AFTER},
        ],
        "storage": [
            {"origin": "https://shop.kz", "kind": "local", "key": "_ym_retryReqs", "consent_phase": BEFORE},
            {"origin": "https://www.youtube.com", "kind": "local", "key": "yt-remote-device-id",
             "consent_phase": BEFORE},
        ],
    }
    cookies, requests, storage = rendered_rows(visit, "<urn:uuid:1>")
    # As observed: no party or service yet (the EnrichObservations pipeline adds them, for both modes).
    assert not {"party", "service_id", "vendor"} & {k for row in cookies + requests + storage for k in row}
    assert [r["host"] for r in requests] == ["mc.yandex.ru", "cdn.shop.kz", "www.googletagmanager.com"]
    page = PageItem("shop.kz", "https://shop.kz/", {}, cookies=cookies, requests=requests, storage=storage,
                    site_domains=["shop.kz"])
    enrich_page(page)
    by_name = {c["name"]: c for c in page.cookies}
    assert (by_name["_ym_uid"]["party"], by_name["_ym_uid"]["service_id"], by_name["_ym_uid"]["is_tracking"]) == (
        "first", "yandex_metrica", True)
    assert by_name["yandexuid"]["party"] == "third" and by_name["yandexuid"]["warc_record_id"] == "<urn:uuid:1>"
    # First-party requests (the site's own CDN subdomain) are not recorded, as in HTTP mode.
    assert [r["host"] for r in page.requests] == ["mc.yandex.ru", "www.googletagmanager.com"]
    assert page.requests[0]["service_id"] == "yandex_metrica" and page.requests[1]["consent_phase"] == AFTER
    assert page.requests[1]["initiator"].startswith("script https://www.googletagmanager.com/gtm.js")
    assert [(s["party"], s["vendor"]) for s in page.storage] == [("first", "Yandex.Metrica"), ("third", "YouTube")]


# -- set-up ------------------------------------------------------------------------------------------

def _addon_settings(**values) -> Settings:
    from kzprivacy.crawler.browser import BrowserMode

    settings = Settings()
    settings.setmodule("kzprivacy.crawler.settings", priority="project")
    settings.setdict(values, priority="cmdline")
    BrowserMode().update_settings(settings)
    return settings


def test_the_add_on_does_nothing_in_http_mode():
    settings = _addon_settings()
    assert not settings.getdict("DOWNLOAD_HANDLERS") and "PLAYWRIGHT_LAUNCH_OPTIONS" not in settings
    assert settings.getwithbase("DOWNLOAD_HANDLERS")["https"] == "kzprivacy.crawler.tlswatch.TlsWatchingHandler"


def test_a_handler_named_on_the_command_line_wins_over_the_add_on():
    settings = _addon_settings(KZPRIVACY_MODE="browser", DOWNLOAD_HANDLERS={"https": "my.Handler"})
    handlers = settings.getwithbase("DOWNLOAD_HANDLERS")
    assert handlers["https"] == "my.Handler"
    assert handlers["http"] == "kzprivacy.crawler.browser.handler.BrowserDownloadHandler"


def test_the_add_on_sets_up_chromium_through_the_proxy():
    settings = _addon_settings(KZPRIVACY_MODE="browser", KZPRIVACY_PROXY="http://127.0.0.1:3128",
                               DOWNLOAD_TIMEOUT=7, PLAYWRIGHT_MAX_CONTEXTS=2)
    # What Scrapy's downloader loads: the base dict composed with the add-on's, key by key by priority.
    handlers = settings.getwithbase("DOWNLOAD_HANDLERS")
    assert handlers["http"] == handlers["https"] == "kzprivacy.crawler.browser.handler.BrowserDownloadHandler"
    options = settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS")
    assert options["executable_path"] == chromium_executable("/usr/bin/chromium")
    assert options["proxy"] == {"server": "http://127.0.0.1:3128"}
    assert {"--no-sandbox", "--disable-background-networking", "--disable-component-update"} <= set(options["args"])
    # One --disable-features switch (Chromium honours only the last), holding Playwright's list and ours.
    features = [a for a in options["args"] if a.startswith("--disable-features=")]
    assert len(features) == 1 and {"HttpsUpgrades", "AutofillServerCommunication"} <= set(features[0][19:].split(","))
    assert settings.getfloat("PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT") == 7000
    assert settings.getint("PLAYWRIGHT_MAX_PAGES_PER_CONTEXT") == 1
    assert settings.getint("PLAYWRIGHT_MAX_CONTEXTS") == 2  # the command line wins over the add-on
    assert settings.get("PLAYWRIGHT_BROWSER_PROVIDER") == "kzprivacy.crawler.browser.provider.ChromiumProvider"


def test_debian_s_wrapper_is_bypassed_for_the_binary_behind_it(tmp_path):
    # The wrapper exports Google API keys, with which Chromium calls Google services on its own.
    expected = "/usr/lib/chromium/chromium" if Path("/usr/lib/chromium/chromium").is_file() else "/usr/bin/chromium"
    assert chromium_executable("/usr/bin/chromium") == expected
    other = tmp_path / "chrome"
    assert chromium_executable(str(other)) == str(other)


def test_a_missing_chromium_is_explained():
    problem = browser_problem("/nonexistent/chromium")
    assert "sudo apt-get install chromium" in problem and "./setup.sh" in problem


def test_without_a_proxy_pages_cannot_make_the_browser_probe_the_local_network():
    from kzprivacy.crawler.browser.handler import page_request_guard

    def asks(url, **settings):
        guard = page_request_guard(_addon_settings(KZPRIVACY_MODE="browser", **settings))
        return guard is not None and guard(SimpleNamespace(url=url))

    assert asks("http://192.168.1.1/admin") and asks("http://127.0.0.1:8080/") and asks("http://localhost/")
    assert asks("http://[::1]/") and asks("http://169.254.169.254/latest/meta-data/")
    assert not asks("https://mc.yandex.ru/watch/1") and not asks("https://8.8.8.8/")
    # The HTTP guard's allow-list, read the same way (netguard.allowed_private_hosts).
    assert not asks("http://127.0.0.1:8080/static/app.js", KZPRIVACY_ALLOW_PRIVATE_HOSTS=["127.0.0.1"])
    assert asks("http://127.0.0.2:8080/static/app.js", KZPRIVACY_ALLOW_PRIVATE_HOSTS=["127.0.0.1"])
    # Behind a proxy the proxy resolves and connects; with the guard off, nothing is checked.
    assert page_request_guard(_addon_settings(KZPRIVACY_MODE="browser", KZPRIVACY_PROXY="http://p:3128")) is None
    assert not asks("http://127.0.0.1/", KZPRIVACY_BLOCK_PRIVATE_ADDRESSES=False)
    assert "PLAYWRIGHT_ABORT_REQUEST" not in _addon_settings(KZPRIVACY_MODE="browser")  # the user's own would win
