"""The one enrichment step (crawler/pipelines.py EnrichObservations): what the spider or the browser
observed gets its party and tracker columns here, the same way for HTTP and browser mode. Pure, over items."""

from __future__ import annotations

from scrapy.settings import Settings

import kzprivacy  # noqa: F401  (offline tldextract first)
from kzprivacy.crawler.items import PageItem, SiteItem
from kzprivacy.crawler.enrich import MAX_URL_CHARS, enrich_page, is_first_party, service_columns
from kzprivacy.crawler.pipelines import EnrichObservations
from kzprivacy.vocabulary import trackers

SERVICE_COLUMNS = {"service_id", "vendor", "company", "country", "category"}


def _page(**observed) -> PageItem:
    return PageItem("shop.kz", "https://shop.kz/", {"url": "https://shop.kz/"}, **observed)


def test_a_cookie_gets_party_service_and_tracking_from_the_knowledge_base():
    page = enrich_page(_page(cookies=[
        {"name": "_ym_uid", "domain": "shop.kz", "path": "/", "set_by": "script"},
        {"name": "yandexuid", "domain": ".yandex.ru", "path": "/", "set_by": "header"},
        {"name": "PHPSESSID", "domain": "www.shop.kz", "path": "/", "set_by": "header"},
    ], site_domains=["shop.kz"]))
    rows = {r["name"]: r for r in page.cookies}
    metrica = trackers.get("yandex_metrica")
    assert rows["_ym_uid"] == {"name": "_ym_uid", "domain": "shop.kz", "path": "/", "set_by": "script",
                               "party": "first", "service_id": "yandex_metrica", "vendor": metrica.name,
                               "company": metrica.company, "country": metrica.country,
                               "category": metrica.category, "is_tracking": True}
    assert rows["yandexuid"]["party"] == "third" and rows["yandexuid"]["company"] == metrica.company
    # A framework's session cookie is nobody's tracker.
    assert {k: rows["PHPSESSID"][k] for k in SERVICE_COLUMNS} == dict.fromkeys(SERVICE_COLUMNS)
    assert rows["PHPSESSID"]["party"] == "first" and rows["PHPSESSID"]["is_tracking"] is False


def test_requests_keep_the_third_parties_with_their_service():
    page = enrich_page(_page(requests=[
        {"url": "https://cdn.shop.kz/app.js", "host": "cdn.shop.kz", "resource_type": "script"},
        {"url": "https://mc.yandex.ru/watch/1", "host": "mc.yandex.ru", "resource_type": "img"},
        {"url": "data:image/png;base64,AAAA", "host": "", "resource_type": "img"},
        {"url": "https://unknown-cdn.example/x.js", "host": "unknown-cdn.example", "resource_type": "script"},
    ], site_domains=["shop.kz"]))
    assert [(r["host"], r["party"], r["service_id"]) for r in page.requests] == [
        ("mc.yandex.ru", "third", "yandex_metrica"), ("unknown-cdn.example", "third", None)]
    assert page.requests[1]["country"] is None
    assert page.requests[0]["category"] == trackers.get("yandex_metrica").category


def test_where_the_site_redirected_to_is_first_party_too():
    observed = [{"url": "https://static.shop-new.kz/a.js", "host": "static.shop-new.kz", "resource_type": "script"}]
    assert enrich_page(_page(requests=list(observed), site_domains=["shop.kz"])).requests[0]["party"] == "third"
    assert enrich_page(_page(requests=list(observed), site_domains=["shop.kz", "shop-new.kz"])).requests == []
    # No domains given: the site's own registrable domain.
    assert enrich_page(_page(requests=[{"url": "https://img.shop.kz/1.png", "host": "img.shop.kz"}])).requests == []


def test_a_long_url_is_cut_and_attributed_as_stored():
    url = "https://www.facebook.com/tr?id=1&ev=PageView&dl=" + "x" * 5000
    page = enrich_page(_page(requests=[{"url": url, "host": "www.facebook.com", "resource_type": "img"}]))
    assert len(page.requests[0]["url"]) == MAX_URL_CHARS and page.requests[0]["service_id"] == "meta_pixel"


def test_storage_keys_name_their_vendor_and_origin_party():
    page = enrich_page(_page(storage=[
        {"origin": "https://shop.kz", "kind": "local", "key": "_ym_retryReqs", "consent_phase": "before_consent"},
        {"origin": "https://www.youtube.com", "kind": "local", "key": "yt-remote-device-id",
         "consent_phase": "before_consent"},
        {"origin": "https://shop.kz", "kind": "session", "key": "cart", "consent_phase": "before_consent"},
    ]))
    assert [(s["key"], s["party"], s["vendor"]) for s in page.storage] == [
        ("_ym_retryReqs", "first", "Yandex.Metrica"), ("yt-remote-device-id", "third", "YouTube"),
        ("cart", "first", None)]


def test_inline_trackers_get_the_columns_of_the_service_their_signature_named():
    page = enrich_page(_page(inline_trackers=[{"service_id": "yandex_metrica", "tracker_id": "12345",
                                               "snippet": "ym(12345, 'init')"}]))
    expected = service_columns(trackers.get("yandex_metrica"))
    assert page.inline_trackers == [{**expected, "tracker_id": "12345", "snippet": "ym(12345, 'init')"}]


def test_form_destinations_get_party_and_service_and_no_category():
    page = enrich_page(_page(site_domains=["shop.kz"], form_destinations=[
        {"form_index": 0, "request_index": 0, "url": "https://api.telegram.org/bot<token>/sendMessage",
         "host": "api.telegram.org"},
        {"form_index": 1, "request_index": 0, "url": "https://shop.kz/lead", "host": "shop.kz"},
        {"form_index": 2, "request_index": 0, "outcome": "invalid"},
    ]))
    telegram, own, nothing = page.form_destinations
    assert (telegram["party"], telegram["service_id"], telegram["country"]) == (
        "third", "telegram", trackers.get("telegram").country)
    assert "category" not in telegram  # form_destinations has no category column
    assert (own["party"], own["service_id"]) == ("first", None)
    assert nothing == {"form_index": 2, "request_index": 0, "outcome": "invalid"}  # nothing was sent


def test_http_and_browser_observations_of_one_cookie_come_out_alike():
    # The same Set-Cookie seen by the spider (header) and by the browser: one set of columns from one step.
    http = {"name": "_ga", "domain": "shop.kz", "path": "/", "set_by": "header"}
    browser = {**http, "consent_phase": "after_consent", "value_length": 26}
    a = enrich_page(_page(cookies=[http])).cookies[0]
    b = enrich_page(_page(cookies=[browser])).cookies[0]
    added = SERVICE_COLUMNS | {"party", "is_tracking"}
    assert {k: a[k] for k in added} == {k: b[k] for k in added} and a["service_id"] == "google_analytics"


def test_is_first_party_is_safe_on_nonsense():
    assert is_first_party("www.shop.kz", ["shop.kz"]) and is_first_party("https://shop.kz/x", ["shop.kz"])
    assert not is_first_party("", ["shop.kz"]) and not is_first_party("evil.kz", ["shop.kz"])
    assert not is_first_party("http://[::1", ["shop.kz"])


def test_the_pipeline_passes_sites_through_and_runs_before_every_writer():
    item = SiteItem("shop.kz", {"status": "ok"})
    assert EnrichObservations().process_item(item) is item
    settings = Settings()
    settings.setmodule("kzprivacy.crawler.settings", priority="project")
    pipelines = settings.getdict("ITEM_PIPELINES")
    assert pipelines["kzprivacy.crawler.pipelines.EnrichObservations"] < pipelines[
        "kzprivacy.crawler.pipelines.SiteStoreWriter"]
