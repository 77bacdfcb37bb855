"""Lookups, party, signatures and the `trackers` CLI, on real-world URLs, cookies and snippets."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

import kzprivacy  # noqa: F401  (sets the offline tldextract environment first)
from kzprivacy.vocabulary.trackers import (
    Service,
    find_signatures,
    get,
    lookup_cookie,
    lookup_url,
    party,
    registrable_domain,
    services,
)
from kzprivacy.cli.trackers import classify, trackers

SCHEMA = Path(__file__).resolve().parents[1] / "kzprivacy" / "store" / "schema.sql"

# ----------------------------------------------------------------- registrable domains and party


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("minzdrav.gov.kz", "minzdrav.gov.kz"),
        ("www.minzdrav.gov.kz", "minzdrav.gov.kz"),
        ("shop.com.kz", "shop.com.kz"),
        ("https://www.shop.com.kz/catalog?x=1", "shop.com.kz"),
        ("kaznu.edu.kz", "kaznu.edu.kz"),
        ("fund.org.kz", "fund.org.kz"),
        ("WWW.Example.KZ.", "example.kz"),
        ("https://user:pw@Sub.Example.kz:8443/p", "example.kz"),
        ("xn--80awbu3c.xn--80ao21a", "мысал.қаз"),
        ("https://www.xn--80awbu3c.xn--80ao21a/", "мысал.қаз"),
        ("www.мысал.қаз", "мысал.қаз"),
        ("ШОП.ҚАЗ", "шоп.қаз"),
        ("192.168.1.10", "192.168.1.10"),
        ("http://10.0.0.1:8080/a", "10.0.0.1"),
        ("http://[2001:db8::1]:8080/x", "2001:db8::1"),
        ("localhost", "localhost"),
        ("gov.kz", "gov.kz"),
        ("mc.yandex.ru", "yandex.ru"),
        ("foo.github.io", "foo.github.io"),  # private-section suffix: each page is its own site
    ],
)
def test_registrable_domain(given, expected):
    assert registrable_domain(given) == expected


def test_party():
    assert party("https://static.shop.kz/app.js", "shop.kz") == "first"
    assert party("https://shop.kz/", "https://www.shop.kz/") == "first"
    assert party("https://mc.yandex.ru/watch/1", "shop.kz") == "third"
    # gov.kz is a public suffix: two ministries are two sites
    assert party("https://www.minzdrav.gov.kz/", "edu.gov.kz") == "third"
    assert party("https://cdn.minzdrav.gov.kz/a.js", "minzdrav.gov.kz") == "first"
    assert party("https://cdn.shop.com.kz/a.js", "shop.com.kz") == "first"
    assert party("https://other.com.kz/a.js", "shop.com.kz") == "third"
    # IDN, in either spelling
    assert party("https://cdn.xn--80awbu3c.xn--80ao21a/x.js", "мысал.қаз") == "first"
    assert party("https://cdn.мысал.қаз/x.js", "xn--80awbu3c.xn--80ao21a") == "first"
    # relative and data: URLs are the site's own
    assert party("/img/logo.png", "shop.kz") == "first"
    assert party("data:image/png;base64,iVBORw0KGgo=", "shop.kz") == "first"
    assert lookup_url("data:image/gif;base64,R0lGOD").host == ""
    # a bare host with a port is a host, not a scheme
    assert registrable_domain("localhost:8080") == "localhost"
    assert registrable_domain("static.shop.kz:8443/a.js") == "shop.kz"


# ----------------------------------------------------------------- URLs


@pytest.mark.parametrize(
    ("url", "service_id"),
    [
        ("https://mc.yandex.ru/watch/87654321?page-url=https%3A%2F%2Fshop.kz%2F", "yandex_metrica"),
        ("https://mc.yandex.ru/metrika/tag.js", "yandex_metrica"),
        ("https://mc.yandex.kz/watch/87654321", "yandex_metrica"),
        ("https://cdn.jsdelivr.net/npm/yandex-metrica-watch/tag.js", "yandex_metrica"),
        ("https://mc.yandex.ru/webvisor/87654321?rn=1", "yandex_webvisor"),
        ("https://www.googletagmanager.com/gtag/js?id=G-7XK2P9QZ1B", "google_analytics"),
        ("https://www.googletagmanager.com/gtag/js?id=AW-987654321", "google_ads"),
        ("https://www.googletagmanager.com/gtm.js?id=GTM-W4B7XQ2", "google_tag_manager"),
        ("https://region1.google-analytics.com/g/collect?v=2&tid=G-7XK2P9QZ1B", "google_analytics"),
        ("https://fonts.googleapis.com/css2?family=Roboto", "google_fonts"),
        ("https://www.google.com/recaptcha/api.js?render=explicit", "google_recaptcha"),
        ("https://www.google.com/maps/embed?pb=!1m18", "google_maps"),
        ("https://www.youtube.com/embed/dQw4w9WgXcQ", "youtube"),
        ("https://connect.facebook.net/en_US/fbevents.js", "meta_pixel"),
        ("https://connect.facebook.net/signals/config/1234567890123456?v=2.9", "meta_pixel"),
        ("https://www.facebook.com/tr?id=1234567890123456&ev=PageView", "meta_pixel"),
        ("https://connect.facebook.net/ru_RU/sdk.js", "facebook"),
        ("https://www.facebook.com/translations/", "facebook"),
        ("https://vk.com/rtrg?p=VK-RTRG-1234567-aBcDe", "vk_pixel"),
        ("https://vk.com/widget_community.php?app=0&gid=1", "vk_widgets"),
        ("https://vk.com/js/api/openapi.js?169", "vk_widgets"),
        ("https://vk.com/club1", "vk"),
        ("https://sun9-1.userapi.com/impg/a.jpg", "vk"),
        ("https://top-fwz1.mail.ru/counter?id=3456789;js=na", "top_mail_ru"),
        ("https://code.jivo.ru/widget/Xy12AbCdEf", "jivo"),
        ("https://code.jivosite.com/widget/Xy12AbCdEf", "jivo"),
        ("https://bitrix24.kz", "bitrix24"),
        ("https://cdn-ru.bitrix24.ru/b7654321/crm/site_button/loader_3_q1w2e3.js", "bitrix24"),
        ("https://mycompany.bitrix24.kz/rest/", "bitrix24"),
        ("https://project4567890.tilda.ws/", "tilda"),
        ("https://static.tildacdn.com/js/tilda-scripts-3.0.min.js", "tilda"),
        ("https://cdn.jsdelivr.net/npm/bootstrap@5.3.0/dist/css/bootstrap.min.css", "jsdelivr"),
        ("https://cdnjs.cloudflare.com/ajax/libs/jquery/3.7.1/jquery.min.js", "cloudflare_cdnjs"),
        ("https://static.cloudflareinsights.com/beacon.min.js", "cloudflare_insights"),
        ("https://challenges.cloudflare.com/turnstile/v0/api.js", "cloudflare_turnstile"),
        ("https://unpkg.com/leaflet@1.9.4/dist/leaflet.js", "unpkg"),
        ("https://www.clarity.ms/tag/abcdefghij", "microsoft_clarity"),
        ("https://bat.bing.com/bat.js", "microsoft_advertising"),
        ("https://static.hotjar.com/c/hotjar-123456.js?sv=6", "hotjar"),
        ("https://analytics.tiktok.com/i18n/pixel/events.js?sdkid=CABCDEFGHJ1234567890", "tiktok_pixel"),
        ("https://snap.licdn.com/li.lms-analytics/insight.min.js", "linkedin_insight"),
        ("https://api-maps.yandex.ru/2.1/?lang=ru_RU&apikey=x", "yandex_maps"),
        ("https://yandex.ru/map-widget/v1/?um=constructor%3Aabc", "yandex_maps"),
        ("https://yastatic.net/share2/share.js", "yandex_share"),
        ("https://yastatic.net/jquery/3.3.1/jquery.min.js", "yandex_static"),
        ("https://an.yandex.ru/system/context.js", "yandex_ads"),
        ("https://yandex.ru/ads/system/context.js", "yandex_ads"),
        ("https://forms.yandex.ru/u/abc/", "yandex_forms"),
        ("https://yandex.kz/", "yandex"),
        ("https://mapgl.2gis.com/api/js/v1", "twogis"),
        ("https://widgets.2gis.com/js/DGWidgetLoader.js", "twogis"),
        ("https://kaspi.kz/kaspibutton/widget/ks-wi_ext.js", "kaspi_pay"),
        ("https://kaspi.kz/shop/p/123/", "kaspi"),
        ("https://epay.homebank.kz/payform/payment-api.js", "halyk_epay"),
        ("https://api.freedompay.kz/init_payment.php", "freedom_pay"),
        ("https://widget.cloudpayments.ru/bundles/cloudpayments.js", "cloudpayments"),
        ("https://idp.egov.kz/idp/login", "egov_kz"),
        ("https://quiz.marquiz.ru/abc", "marquiz"),
        ("https://cloud.roistat.com/api/site/1.0/abc/init", "roistat"),
        ("https://cdn.carrotquest.app/api.min.js", "carrot_quest"),
        ("https://cdn.callibri.ru/callibri.js", "callibri"),
        ("https://cdn.envybox.io/widget/cbk.js", "envybox"),
        ("https://mod.calltouch.ru/init.js?id=abc", "calltouch"),
        ("https://app.uiscom.ru/static/cs.min.js?k=abc", "uis_comagic"),
        ("https://app.comagic.ru/static/cs.min.js?k=abc", "uis_comagic"),
        ("https://gso.amocrm.ru/js/button.js", "amocrm"),
        ("https://call.chatra.io/chatra.js", "chatra"),
        ("https://t.me/shop_kz", "telegram"),
        ("https://telegram.org/js/telegram-widget.js?22", "telegram"),
        ("https://wa.me/77011234567", "whatsapp"),
        ("https://api.whatsapp.com/send?phone=77011234567", "whatsapp"),
        ("//mc.yandex.ru/watch/1", "yandex_metrica"),
        ("mc.yandex.ru", "yandex_metrica"),
        # the held-out real pages' long tail (docs/realworld.md): a call-tracking widget, a translation
        # script, stylesheets and stand-in images loaded from others' hosts
        ("https://widgets.binotel.com/getcall/widgets/abc.js", "binotel"),
        ("https://cdn.weglot.com/weglot.min.js", "weglot"),
        ("https://www.w3schools.com/w3css/4/w3.css", "w3schools"),
        ("https://via.placeholder.com/350x150", "placeholder_images"),
    ],
)
def test_lookup_url(url, service_id):
    assert lookup_url(url).service_id == service_id


def test_lookup_url_fields():
    att = lookup_url("https://MC.Yandex.RU./watch/87654321", site="https://www.shop.kz/")
    assert att.host == "mc.yandex.ru"
    assert att.registrable_domain == "yandex.ru"
    assert att.party == "third"
    assert att.pattern == "mc.yandex.ru"
    svc = att.service
    assert isinstance(svc, Service)
    assert (svc.name, svc.category, svc.company, svc.country) == ("Yandex.Metrica", "analytics", "Yandex LLC", "RU")
    assert att.tracking is True
    # no site given: no party
    assert lookup_url("https://vk.com/rtrg").party is None


def test_path_patterns_beat_host_patterns():
    assert lookup_url("https://vk.com/rtrg?p=VK-RTRG-1-a").pattern == "vk.com/rtrg"
    # a rule ending in a letter stops at a boundary: /tr is the pixel, /translations is not
    assert lookup_url("https://www.facebook.com/tr/").service_id == "meta_pixel"
    assert lookup_url("https://www.facebook.com/trending").service_id == "facebook"


def test_unknown_and_first_party_urls():
    att = lookup_url("https://cdn.shop.kz/app.js", site="shop.kz")
    assert att.service is None and att.party == "first"
    assert lookup_url("https://example.org/").service is None
    assert lookup_url("/local/app.js", site="shop.kz").party == "first"
    # a host that merely contains a vendor's name is not the vendor
    assert lookup_url("https://notyandex.ru/").service is None
    assert lookup_url("https://mc.yandex.ru.evil.example/").service is None


def test_get_and_services():
    assert get("jivo").name.startswith("Jivo")
    with pytest.raises(KeyError):
        get("no_such_service")
    assert services() is not services()  # callers get their own list
    assert len({s.id for s in services()}) == len(services())


# ----------------------------------------------------------------- cookies


@pytest.mark.parametrize(
    ("name", "domain", "service_id", "tracking"),
    [
        ("_ym_uid", ".shop.kz", "yandex_metrica", True),
        ("_ym_d", "shop.kz", "yandex_metrica", True),
        ("_ym_visorc", ".shop.kz", "yandex_webvisor", True),
        ("_ga", ".shop.kz", "google_analytics", True),
        ("_ga_7XK2P9QZ1B", ".shop.kz", "google_analytics", True),
        ("_gid", ".shop.kz", "google_analytics", True),
        ("_gcl_au", ".shop.kz", "google_ads", True),
        ("_fbp", ".shop.kz", "meta_pixel", True),
        ("tmr_lvid", ".shop.kz", "top_mail_ru", True),
        ("tmr_detect", ".shop.kz", "top_mail_ru", True),
        ("BITRIX_SM_GUEST_ID", "shop.kz", "bitrix_site_manager", True),
        ("BITRIX_SM_SALE_UID", "shop.kz", "bitrix_site_manager", False),
        ("jv_enter_ts_Xy12AbCdEf", "shop.kz", "jivo", True),
        ("roistat_visit", ".shop.kz", "roistat", True),
        ("tildauid", "shop.kz", "tilda", True),
        ("_hjSessionUser_123456", ".shop.kz", "hotjar", True),
        ("__cf_bm", ".shop.kz", "cloudflare", False),
        ("_clck", ".shop.kz", "microsoft_clarity", True),
        ("_ttp", ".shop.kz", "tiktok_pixel", True),
        ("yandexuid", ".yandex.ru", "yandex", True),
        ("yandexuid", ".yandex.kz", "yandex", True),
        ("remixlang", ".vk.com", "vk", True),
        ("IDE", ".doubleclick.net", "doubleclick", True),
        ("fr", ".facebook.com", "facebook", True),
        ("MUID", ".clarity.ms", "microsoft_clarity", True),
        ("MUID", ".bing.com", "microsoft_advertising", True),
        ("AMP_TOKEN", ".shop.kz", "google_analytics", True),  # exact name beats a prefix
        ("AMP_1a2b3c", ".shop.kz", "amplitude", True),
    ],
)
def test_lookup_cookie(name, domain, service_id, tracking):
    got = lookup_cookie(name, domain, "shop.kz")
    assert got.service_id == service_id
    assert got.is_tracking is tracking


def test_domain_bound_patterns_need_their_domain():
    # yandexuid written on the site's own domain is not Yandex's cookie
    assert lookup_cookie("yandexuid", ".shop.kz", "shop.kz").service is None
    assert lookup_cookie("IDE", None, None).service is None
    # "fr" on an unrelated domain is not Facebook's
    assert lookup_cookie("fr", "shop.kz", "shop.kz").service is None


@pytest.mark.parametrize("name", ["sessionid", "PHPSESSID", "csrftoken", "JSESSIONID", "ASPSESSIONIDQACSTBRS", "XSRF-TOKEN"])
def test_generic_names_are_never_pinned_on_a_vendor(name):
    for domain in (None, "shop.kz", ".shop.kz"):
        got = lookup_cookie(name, domain, "shop.kz")
        assert got.service is None
        assert got.is_tracking is False
        assert got.generic
        assert got.known


def test_cookie_on_vendor_domain_belongs_to_vendor():
    got = lookup_cookie("some_new_cookie", ".yandex.kz", "shop.kz")
    assert got.service_id == "yandex"
    assert got.pattern == "domain:yandex.kz"
    assert got.party == "third"
    # a generic name on a vendor domain is the vendor's, but not counted as tracking
    sess = lookup_cookie("sessionid", ".instagram.com", "shop.kz")
    assert sess.service_id == "instagram" and sess.is_tracking is False


def test_cookie_party_and_unknown():
    assert lookup_cookie("_ym_uid", ".shop.kz", "https://www.shop.kz/").party == "first"
    assert lookup_cookie("_ym_uid", None, "shop.kz").party is None
    unknown = lookup_cookie("my_site_pref", "shop.kz", "shop.kz")
    assert unknown.service is None and not unknown.known and unknown.is_tracking is False


# ----------------------------------------------------------------- signatures

METRICA = """
<!-- Yandex.Metrika counter -->
<script type="text/javascript" >
   (function(m,e,t,r,i,k,a){m[i]=m[i]||function(){(m[i].a=m[i].a||[]).push(arguments)};
   m[i].l=1*new Date();
   k=e.createElement(t),a=e.getElementsByTagName(t)[0],k.async=1,k.src=r,a.parentNode.insertBefore(k,a)})
   (window, document, "script", "https://mc.yandex.ru/metrika/tag.js", "ym");

   ym(87654321, "init", {
        clickmap:true,
        trackLinks:true,
        accurateTrackBounce:true,
        webvisor:true
   });
</script>
<noscript><div><img src="https://mc.yandex.ru/watch/87654321" style="position:absolute; left:-9999px;" alt="" /></div></noscript>
<!-- /Yandex.Metrika counter -->
"""

GTAG = """
<script async src="https://www.googletagmanager.com/gtag/js?id=G-7XK2P9QZ1B"></script>
<script>
  window.dataLayer = window.dataLayer || [];
  function gtag(){dataLayer.push(arguments);}
  gtag('js', new Date());
  gtag('config', 'G-7XK2P9QZ1B');
  gtag('config', "AW-987654321");
  gtag('config', 'UA-1234567-1');
</script>
"""

GTM = """<script>(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':
new Date().getTime(),event:'gtm.js'});var f=d.getElementsByTagName(s)[0],
j=d.createElement(s),dl=l!='dataLayer'?'&l='+l:'';j.async=true;j.src=
'https://www.googletagmanager.com/gtm.js?id='+i+dl;f.parentNode.insertBefore(j,f);
})(window,document,'script','dataLayer','GTM-W4B7XQ2');</script>
<noscript><iframe src="https://www.googletagmanager.com/ns.html?id=GTM-W4B7XQ2" height="0" width="0"></iframe></noscript>"""

FBQ = """<script>
!function(f,b,e,v,n,t,s){if(f.fbq)return;n=f.fbq=function(){n.callMethod?
n.callMethod.apply(n,arguments):n.queue.push(arguments)};if(!f._fbq)f._fbq=n;
n.push=n;n.loaded=!0;n.version='2.0';n.queue=[];t=b.createElement(e);t.async=!0;
t.src=v;s=b.getElementsByTagName(e)[0];s.parentNode.insertBefore(t,s)}(window, document,'script',
'https://connect.facebook.net/en_US/fbevents.js');
fbq('init', '1234567890123456');
fbq('track', 'PageView');
</script>
<noscript><img height="1" width="1" style="display:none" src="https://www.facebook.com/tr?id=1234567890123456&ev=PageView&noscript=1"/></noscript>"""

VK = """<script type="text/javascript">!function(){var t=document.createElement("script");t.type="text/javascript",t.async=!0,t.src='https://vk.com/js/api/openapi.js?169',t.onload=function(){VK.Retargeting.Init("VK-RTRG-1234567-aBcDe"),VK.Retargeting.Hit()},document.head.appendChild(t)}();</script><noscript><img src="https://vk.com/rtrg?p=VK-RTRG-1234567-aBcDe" style="position:fixed; left:-999px;" alt=""/></noscript>"""

TIKTOK = """<script>
!function (w, d, t) {
  w.TiktokAnalyticsObject=t;var ttq=w[t]=w[t]||[];ttq.methods=["page","track"];
  ttq.load('CABCDEFGHJ1234567890');
  ttq.page();
}(window, document, 'ttq');
</script>"""

TMR = """<script type="text/javascript">
var _tmr = window._tmr || (window._tmr = []);
_tmr.push({id: "3456789", type: "pageView", start: (new Date()).getTime()});
(function (d, w, id) { var ts = d.createElement("script"); ts.src = "https://top-fwz1.mail.ru/js/code.js"; })(document, window, "tmr-code");
</script>
<noscript><div><img src="https://top-fwz1.mail.ru/counter?id=3456789;js=na" alt="Top.Mail.Ru" /></div></noscript>"""


def _hits(html):
    return {(h.service.id, h.tracker_id) for h in find_signatures(html)}


def test_metrica_counter_and_webvisor():
    hits = find_signatures(METRICA)
    assert {(h.service.id, h.tracker_id) for h in hits} == {
        ("yandex_metrica", "87654321"),
        ("yandex_webvisor", "87654321"),
    }
    metrica = next(h for h in hits if h.service.id == "yandex_metrica")
    # deduplicated: the init call and the noscript pixel are one hit, the earliest
    assert METRICA[metrica.start :].startswith("ym(87654321")
    assert len(metrica.snippet) <= 200 and "87654321" in metrica.snippet


def test_metrica_without_webvisor_is_not_webvisor():
    html = 'ym(12345678, "init", {clickmap:true, trackLinks:true, accurateTrackBounce:true});'
    assert _hits(html) == {("yandex_metrica", "12345678")}
    assert _hits('<script src="https://mc.yandex.ru/metrika/tag.js?id=12345678"></script>') == {
        ("yandex_metrica", "12345678")
    }


def test_gtag_ids():
    assert _hits(GTAG) == {
        ("google_analytics", "G-7XK2P9QZ1B"),
        ("google_analytics", "UA-1234567-1"),
        ("google_ads", "AW-987654321"),
    }


def test_gtm_container():
    assert _hits(GTM) == {("google_tag_manager", "GTM-W4B7XQ2")}


def test_meta_pixel():
    assert _hits(FBQ) == {("meta_pixel", "1234567890123456")}


def test_vk_retargeting():
    assert _hits(VK) == {("vk_pixel", "VK-RTRG-1234567-aBcDe")}


def test_tiktok_pixel():
    assert _hits(TIKTOK) == {("tiktok_pixel", "CABCDEFGHJ1234567890")}


def test_top_mail_ru():
    assert _hits(TMR) == {("top_mail_ru", "3456789")}


def test_regional_snippets():
    html = """
    <script src="//code.jivo.ru/widget/Xy12AbCdEf" async></script>
    <script>(function(w,d,u){var s=d.createElement('script');s.async=true;s.src=u+'?'+(Date.now()/60000|0);
    var h=d.getElementsByTagName('script')[0];h.parentNode.insertBefore(s,h);})(window,document,
    'https://cdn-ru.bitrix24.kz/b7654321/crm/site_button/loader_3_q1w2e3.js');</script>
    <body data-tilda-project-id="4567890" data-tilda-page-id="1">
    <script>(function(w, d, s, h, id) { w.roistatProjectId = id; w.roistatHost = h;
    })(window, document, 'script', 'cloud.roistat.com', '0123456789abcdef0123456789abcdef');</script>
    <script>var _zero_kz_ = _zero_kz_ || []; _zero_kz_.push(["id", 12345]);</script>
    <script>var socket = new WebSocket("wss://127.0.0.1:13579/");</script>
    """
    assert _hits(html) == {
        ("jivo", "Xy12AbCdEf"),
        ("bitrix24", "b7654321"),
        ("tilda", "4567890"),
        ("roistat", "0123456789abcdef0123456789abcdef"),
        ("zero_kz", "12345"),
        ("ncalayer", None),
    }


def test_signatures_sorted_and_clean():
    page = METRICA + GTAG + GTM + FBQ + VK + TIKTOK + TMR
    hits = find_signatures(page)
    starts = [h.start for h in hits]
    assert starts == sorted(starts)
    assert len(hits) == len({(h.service.id, h.tracker_id) for h in hits})
    for h in hits:
        assert len(h.snippet) <= 200
        assert "\n" not in h.snippet
    assert find_signatures("<html><body>Привет, мир. G-1234 is not a tag here.</body></html>") == []


# ----------------------------------------------------------------- CLI


def test_classify_arguments():
    assert classify("mc.yandex.ru/watch/1") == ("url", "mc.yandex.ru/watch/1", None)
    assert classify("https://vk.com/rtrg") == ("url", "https://vk.com/rtrg", None)
    assert classify("bitrix24.kz") == ("url", "bitrix24.kz", None)
    assert classify("_ym_uid") == ("cookie", "_ym_uid", None)
    assert classify("_ga=GA1.2.3.4") == ("cookie", "_ga", None)
    assert classify("yandexuid@.yandex.ru") == ("cookie", "yandexuid", ".yandex.ru")
    assert classify("cookie:ASP.NET_SessionId") == ("cookie", "ASP.NET_SessionId", None)
    assert classify("cookie:fr@.facebook.com") == ("cookie", "fr", ".facebook.com")


def test_cli_lookup_json():
    result = CliRunner().invoke(
        trackers,
        [
            "lookup",
            "https://mc.yandex.ru/watch/87654321",
            "_ym_uid",
            "sessionid",
            "https://vk.com/rtrg?p=VK-RTRG-1-a",
            "static.shop.kz/app.js",
            "--site",
            "shop.kz",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    records = json.loads(result.output)
    assert next(r["input"] for r in records) == "https://mc.yandex.ru/watch/87654321"
    metrica, ym_uid, session, vk_pixel, own = records
    assert metrica["kind"] == "url"
    assert (metrica["service_id"], metrica["company"], metrica["country"], metrica["category"]) == (
        "yandex_metrica", "Yandex LLC", "RU", "analytics",
    )
    assert metrica["party"] == "third" and metrica["tracking"] is True
    assert ym_uid["kind"] == "cookie" and ym_uid["service"] == "Yandex.Metrica" and ym_uid["party"] == "first"
    assert session["service"] is None and session["tracking"] is False and session["generic"]
    assert vk_pixel["service_id"] == "vk_pixel" and vk_pixel["company"] == "VK LLC"
    assert own["service"] is None and own["party"] == "first"
    for rec in records:
        for key in ("service", "service_id", "company", "country", "category", "party", "tracking"):
            assert key in rec


def test_cli_lookup_text():
    result = CliRunner().invoke(trackers, ["lookup", "code.jivo.ru/widget/abc123", "unknown-host.example"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert "JivoSite LLC, RU" in lines[0]
    assert lines[1].endswith("unknown")


def _make_db(tmp_path: Path) -> Path:
    db = tmp_path / "kzprivacy.db"
    conn = sqlite3.connect(db)
    conn.executescript(SCHEMA.read_text(encoding="utf-8"))
    req = [
        ("c1", "shop.kz", "https://shop.kz/", "https://mc.yandex.ru/watch/1", "mc.yandex.ru", "script", None),
        ("c1", "shop.kz", "https://shop.kz/", "https://mc.yandex.ru/metrika/tag.js", "mc.yandex.ru", "script", "Yandex.Metrica"),
        ("c1", "shop.kz", "https://shop.kz/", "https://code.jivo.ru/widget/abc", "code.jivo.ru", "script", None),
        ("c1", "shop.kz", "https://shop.kz/", "https://cdn.shop.kz/app.js", "cdn.shop.kz", "script", None),
        ("c1", "shop.kz", "https://shop.kz/", "https://widgets.unknown-vendor.example/w.js", "widgets.unknown-vendor.example", "script", None),
        ("c1", "cafe.kz", "https://cafe.kz/", "https://widgets.unknown-vendor.example/w.js", "widgets.unknown-vendor.example", "script", None),
        ("c1", "cafe.kz", "https://cafe.kz/", "https://pixel.other.example/p.gif", "pixel.other.example", "img", None),
        ("c2", "old.kz", "https://old.kz/", "https://nothing.example/", "nothing.example", "script", None),
    ]
    conn.executemany(
        "INSERT INTO requests (crawl_id, site, page_url, url, host, resource_type, vendor) VALUES (?,?,?,?,?,?,?)", req
    )
    cookies = [
        ("c1", "shop.kz", "https://shop.kz/", "_ym_uid", ".shop.kz", None),
        ("c1", "shop.kz", "https://shop.kz/", "yandexuid", ".yandex.ru", None),
        ("c1", "shop.kz", "https://shop.kz/", "PHPSESSID", "shop.kz", None),
        ("c1", "shop.kz", "https://shop.kz/", "mystery", "shop.kz", None),
        ("c1", "cafe.kz", "https://cafe.kz/", "mystery", "cafe.kz", None),
        ("c1", "cafe.kz", "https://cafe.kz/", "BITRIX_SM_GUEST_ID", "cafe.kz", "1C-Bitrix"),
    ]
    conn.executemany(
        "INSERT INTO cookies (crawl_id, site, page_url, name, domain, vendor) VALUES (?,?,?,?,?,?)", cookies
    )
    conn.commit()
    conn.close()
    return db


def test_cli_stats(tmp_path):
    db = _make_db(tmp_path)
    result = CliRunner().invoke(trackers, ["stats", "--crawl-id", "c1", "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["sites"] == 2
    # third-party requests: 2 Metrica, 1 Jivo, 2 unknown-vendor, 1 other (cdn.shop.kz is first party)
    assert report["third_party_requests"] == 6
    assert report["requests_attributed"] == 3
    assert report["requests_with_stored_vendor"] == 1
    assert report["third_party_hosts"] == 4
    assert report["hosts_attributed"] == 2
    assert report["hosts_attributed_pct"] == 50.0
    top = report["unattributed_hosts"][0]
    assert top["key"] == "widgets.unknown-vendor.example" and top["sites"] == 2 and top["rows"] == 2
    assert [u["key"] for u in report["unattributed_hosts"]] == ["widgets.unknown-vendor.example", "pixel.other.example"]
    assert report["cookies"] == 6
    assert report["cookies_attributed"] == 3  # _ym_uid, yandexuid, BITRIX_SM_GUEST_ID
    assert report["cookies_generic"] == 1
    assert report["cookies_unknown"] == 2
    assert report["third_party_cookies"] == 1
    (mystery,) = report["unattributed_cookies"]
    assert (mystery["key"], mystery["sites"], mystery["rows"]) == ("mystery", 2, 2)
    assert sorted(mystery["examples"]) == ["cafe.kz", "shop.kz"]


def test_cli_stats_text_and_default_path(tmp_path):
    _make_db(tmp_path)
    result = CliRunner().invoke(trackers, ["stats", "--crawl-id", "c1", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "third-party hosts:    2 of 4 attributed (50.0%)" in result.output
    assert "widgets.unknown-vendor.example" in result.output
    assert "mystery" in result.output


def test_cli_stats_errors(tmp_path):
    missing = CliRunner().invoke(trackers, ["stats", "--crawl-id", "c1", "--out", str(tmp_path)])
    assert missing.exit_code != 0 and "no database" in missing.output
    db = _make_db(tmp_path)
    none = CliRunner().invoke(trackers, ["stats", "--crawl-id", "nope", "--db", str(db)])
    assert none.exit_code != 0 and "no requests or cookies" in none.output
