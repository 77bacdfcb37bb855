"""The sample web: the proxy server, its sites, and the manifest the integration tests trust.

Plain Python clients only (http.client / urllib through the proxy), so these tests
check the sample web on its own, before any crawler is involved.
"""

from __future__ import annotations

import http.client
import io
import socket
import ssl
import time
import urllib.request
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest

import kzprivacy  # offline tldextract settings first
from kzprivacy.sampleweb import SampleWeb, load_sites, sample_domains, validate_site
from kzprivacy.sampleweb.bin import bin_is_valid
from kzprivacy.sampleweb.generated import generated_site
from kzprivacy.sampleweb.manifest import TRACKERS_FILE, load_site_specs
from kzprivacy.sampleweb.sites import PIXEL_GIF, Site, to_ascii_host
from kzprivacy.vocabulary.taxonomy import CATEGORIES

SERVICES_FILE = Path(kzprivacy.__file__).parent / "vocabulary" / "trackers" / "services.yaml"


@pytest.fixture(scope="module")
def web():
    with SampleWeb(generated=3, hang_seconds=1.0, idle_timeout=5.0) as server:
        yield server


def _port(web: SampleWeb) -> int:
    return int(web.proxy_url.rsplit(":", 1)[1])


def http_get(web: SampleWeb, url: str, method: str = "GET") -> tuple[int, http.client.HTTPMessage, bytes]:
    """A plain-http request through the proxy, absolute form, no redirect following."""
    conn = http.client.HTTPConnection("127.0.0.1", _port(web), timeout=10)
    try:
        conn.request(method, url)
        resp = conn.getresponse()
        return resp.status, resp.headers, resp.read()
    finally:
        conn.close()


def https_get(web: SampleWeb, host: str, path: str = "/", verify: bool = True):
    """An https request through a CONNECT tunnel, origin form, no redirect following."""
    if verify:
        ctx = ssl.create_default_context(cadata=web.ca_pem.decode("ascii"))
    else:
        ctx = ssl._create_unverified_context()
    conn = http.client.HTTPSConnection("127.0.0.1", _port(web), context=ctx, timeout=10)
    conn.set_tunnel(host, 443)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.headers, resp.read()
    finally:
        conn.close()


# -- the proxy -----------------------------------------------------------------

def test_home_page_over_http_with_urllib_proxy_handler(web):
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": web.proxy_url}))
    with opener.open("http://medshop-demo.kz/", timeout=10) as resp:
        body = resp.read().decode("utf-8")
        assert resp.status == 200
        assert resp.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "<title>МедШоп Демо" in body
    assert 'ym(12345678, "init"' in body and "gtag('config', 'G-DEMO123456')" in body
    assert "fbq('init', '100000000000001')" in body and "GTM-DEMO123" in body
    assert "{{" not in body  # templates filled
    assert ("GET", "http", "medshop-demo.kz", "/") in web.log


def test_home_page_over_https_through_connect_with_a_verified_certificate(web):
    status, _headers, body = https_get(web, "medshop-demo.kz", "/privacy")
    assert status == 200
    text = body.decode("utf-8")
    assert "Закона Республики Казахстан" in text and "БИН 990140000017" in text
    assert web.served("medshop-demo.kz", method="CONNECT")
    assert web.served("medshop-demo.kz", "/privacy")[-1].scheme == "https"
    # Clients that do not verify (Scrapy, Chromium --ignore-certificate-errors) work too.
    assert https_get(web, "kitap-demo.kz", "/", verify=False)[0] == 200


def test_set_cookie_headers_first_party_and_tracking(web):
    _, headers, _ = https_get(web, "webstudio-demo.kz", "/")
    cookies = headers.get_all("Set-Cookie")
    assert [c.split("=", 1)[0] for c in cookies] == ["csrftoken", "_ym_uid", "_ym_d"]
    assert "Domain=.webstudio-demo.kz" in cookies[1]
    # A cookie on a redirect response.
    status, headers, _ = https_get(web, "medshop-demo.kz", "/cart")
    assert status == 302 and headers["Location"] == "/order"
    assert headers["Set-Cookie"].startswith("cart_id=")


def test_http_to_https_redirect_sets_a_cookie(web):
    status, headers, _ = http_get(web, "http://secure-demo.kz/raschet?x=1")
    assert status == 301
    assert headers["Location"] == "https://secure-demo.kz/raschet?x=1"
    assert headers["Set-Cookie"].startswith("first_visit=1")
    assert https_get(web, "secure-demo.kz", "/raschet")[0] == 200


def test_windows_1251_page_bytes(web):
    status, headers, body = http_get(web, "http://win1251-demo.kz/politika.php")
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=windows-1251"
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    text = body.decode("windows-1251")
    assert 'content="text/html; charset=windows-1251"' in text
    assert "Политика конфиденциальности" in text
    assert "Политика конфиденциальности".encode("windows-1251") in body


def test_unknown_and_dead_hosts_fail_like_squid(web):
    for host in ("dead-demo.kz", "never-heard-of-demo.kz"):
        status, headers, _ = http_get(web, f"http://{host}/")
        assert status == 503
        assert headers["X-Squid-Error"] == "ERR_DNS_FAIL 0"
        conn = http.client.HTTPSConnection("127.0.0.1", _port(web), timeout=5,
                                           context=ssl._create_unverified_context())
        conn.set_tunnel(host, 443)
        with pytest.raises(OSError, match="503"):
            conn.request("GET", "/")
        conn.close()


def test_redirect_loop(web):
    seen, url = [], "https://loop-demo.kz/"
    for _ in range(10):
        if url in seen:
            break
        seen.append(url)
        parts = urlsplit(url)
        status, headers, _ = https_get(web, parts.hostname, parts.path)
        assert status in (301, 302)
        url = urljoin(url, headers["Location"])
    assert url in seen, "the redirects should come back to a URL already seen"
    assert len(seen) == 3


def test_robots_txt_disallows_everything(web):
    status, headers, body = https_get(web, "robots-demo.kz", "/robots.txt")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    lines = [line.strip() for line in body.decode().splitlines()]
    assert "User-agent: *" in lines and "Disallow: /" in lines
    assert load_sites()["robots-demo.kz"]["expect"]["status"] == "robots_blocked"


def test_idn_site_by_punycode_and_unicode_host(web):
    ascii_host = "xn----7sbne1aefqu3h.xn--80ao21a"
    assert to_ascii_host("Мысал-Демо.ҚАЗ") == ascii_host
    status, _, body = https_get(web, ascii_host, "/kupiyalylyk-sayasaty")
    assert status == 200 and "Құпиялылық саясаты" in body.decode("utf-8")
    status, _, body = http_get(web, f"http://{ascii_host.upper()}/")
    assert status == 200 and "Құпиялылық саясаты" in body.decode("utf-8")
    assert web.served("мысал-демо.қаз", "/")


def test_broken_tls_with_working_http_and_with_refused_http(web):
    for host in ("tlsbroken-demo.kz", "tlsdead-demo.kz"):
        with pytest.raises(ssl.SSLError):
            https_get(web, host, "/", verify=False)
    assert http_get(web, "http://tlsbroken-demo.kz/")[0] == 200
    status, headers, _ = http_get(web, "http://tlsdead-demo.kz/")
    assert status == 503 and headers["X-Squid-Error"] == "ERR_CONNECT_FAIL 111"


def test_hanging_site_holds_then_closes_without_answering(web):
    start = time.monotonic()
    with socket.create_connection(("127.0.0.1", _port(web)), timeout=5) as sock:
        sock.sendall(b"GET http://hanging-demo.kz/ HTTP/1.1\r\nHost: hanging-demo.kz\r\n\r\n")
        assert sock.recv(1024) == b""  # closed after hang_seconds, nothing sent
    assert 0.9 <= time.monotonic() - start < 4


def test_slow_site_answers_after_two_seconds(web):
    start = time.monotonic()
    status, _, _ = http_get(web, "http://slow-demo.kz/")
    assert status == 200
    assert 1.9 <= time.monotonic() - start < 4


def test_malformed_requests_get_400_and_the_server_survives(web):
    for raw in (b"NONSENSE\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n", b"GET http://x/ HTTP/1.1\r\nBad Header Line\r\n\r\n",
                b"\xff\xfe garbage \x00\r\n\r\n", b"GET relative HTTP/1.1\r\nHost: kitap-demo.kz\r\n\r\n"):
        with socket.create_connection(("127.0.0.1", _port(web)), timeout=5) as sock:
            sock.sendall(raw)
            assert sock.recv(64).startswith(b"HTTP/1.1 400 "), raw
    # Clients that hang up mid-request or after CONNECT do no harm either.
    with socket.create_connection(("127.0.0.1", _port(web)), timeout=5) as sock:
        sock.sendall(b"GET http://kitap-demo.kz/ HTTP/1.1\r\nHost: kit")
    with socket.create_connection(("127.0.0.1", _port(web)), timeout=5) as sock:
        sock.sendall(b"CONNECT kitap-demo.kz:443 HTTP/1.1\r\n\r\n")
        assert sock.recv(64).startswith(b"HTTP/1.1 200 Connection established")
        sock.sendall(b"this is not a TLS ClientHello\r\n")
    assert http_get(web, "http://kitap-demo.kz/")[0] == 200


def test_keep_alive_serves_several_requests_on_one_connection(web):
    conn = http.client.HTTPConnection("127.0.0.1", _port(web), timeout=5)
    for path in ("/", "/order", "/privacy"):
        conn.request("GET", f"http://kitap-demo.kz{path}")
        resp = conn.getresponse()
        assert resp.status == 200 and resp.headers["Connection"] == "keep-alive"
        resp.read()
    conn.close()


def test_origin_form_requests_are_served_by_host_header_and_the_proxy_has_an_index(web):
    conn = http.client.HTTPConnection("127.0.0.1", _port(web), timeout=5)
    conn.request("GET", "/contacts", headers={"Host": "KITAP-DEMO.KZ"})
    resp = conn.getresponse()
    assert resp.status == 200 and "Контакты" in resp.read().decode()
    conn.request("GET", "/")
    resp = conn.getresponse()
    index = resp.read().decode()
    assert "medshop-demo.kz" in index and "мысал-демо.қаз" in index
    conn.request("GET", "/ca.pem")
    resp = conn.getresponse()
    assert resp.read() == web.ca_pem
    conn.close()


def test_unknown_paths_are_404_and_other_methods_are_handled(web):
    assert https_get(web, "nopolicy-demo.kz", "/privacy")[0] == 404
    assert https_get(web, "hiddenpolicy-demo.kz", "/privacy-policy")[0] == 404
    status, headers, body = http_get(web, "http://kitap-demo.kz/", method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 1000
    assert http_get(web, "http://kitap-demo.kz/", method="DELETE")[0] == 405


# -- documents -----------------------------------------------------------------

def test_pdf_policy_opens_with_pdfminer_and_has_cyrillic_text(web):
    from pdfminer.high_level import extract_text

    status, headers, body = https_get(web, "webstudio-demo.kz", "/files/privacy-policy.pdf")
    assert status == 200 and headers["Content-Type"] == "application/pdf"
    text = extract_text(io.BytesIO(body))
    assert "ПОЛИТИКА КОНФИДЕНЦИАЛЬНОСТИ" in text
    assert "Яндекс.Метрика" in text and "трансграничную передачу" in text
    assert "cookie" not in text.lower() and "куки" not in text.lower()  # the planted omission


def test_docx_policy_opens_with_python_docx_and_has_cyrillic_text(web):
    import docx

    status, headers, body = https_get(web, "docx-demo.kz", "/files/politika-konfidencialnosti.docx")
    assert status == 200
    assert headers["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(body)).paragraphs)
    assert "Политика конфиденциальности и обработки персональных данных" in text
    assert "БИН 990940000096" in text


def test_broken_pdf_is_served_as_pdf_but_does_not_parse(web):
    from pdfminer.high_level import extract_text
    from pdfminer.psexceptions import PSException

    status, headers, body = https_get(web, "brokenpdf-demo.kz", "/docs/privacy.pdf")
    assert status == 200 and headers["Content-Type"] == "application/pdf"
    assert body.startswith(b"%PDF-")
    with pytest.raises(PSException):  # the file ends before its cross-reference table
        extract_text(io.BytesIO(body))


def test_50_mb_page_streams_its_declared_length(web):
    conn = http.client.HTTPConnection("127.0.0.1", _port(web), timeout=10)
    conn.request("GET", "http://huge-demo.kz/")
    resp = conn.getresponse()
    assert resp.status == 200
    assert int(resp.headers["Content-Length"]) == 50 * 1024 * 1024
    first = resp.read(3 * 1024 * 1024)
    assert len(first) == 3 * 1024 * 1024
    assert first.startswith(b"<!DOCTYPE html>")
    conn.close()  # abandon the rest: the server must shrug it off
    assert http_get(web, "http://kitap-demo.kz/")[0] == 200


def test_big_page_generator_is_exact():
    from kzprivacy.sampleweb.sites import big_page

    size, chunks = big_page(200_003)
    data = b"".join(chunks)
    assert size == len(data) == 200_003 and data.endswith(b"</html>\n")


# -- fake trackers ---------------------------------------------------------------

def test_fake_trackers_serve_js_pixels_and_iframes(web):
    status, headers, body = https_get(web, "mc.yandex.ru", "/metrika/tag.js")
    assert status == 200 and headers["Content-Type"].startswith("application/javascript")
    assert b"_ym_uid" in body and b"d.cookie = name" in body
    status, headers, body = https_get(web, "mc.yandex.ru", "/watch/12345678?page-url=x")
    assert status == 200 and body == PIXEL_GIF and headers["Content-Type"] == "image/gif"
    assert "Domain=.yandex.ru" in headers["Set-Cookie"] and headers["Set-Cookie"].startswith("yandexuid=")
    status, headers, body = https_get(web, "www.youtube.com", "/embed/DEMOvideo01")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert {c.split("=")[0] for c in headers.get_all("Set-Cookie")} == {"YSC", "VISITOR_INFO1_LIVE"}
    assert https_get(web, "www.googletagmanager.com", "/gtag/js?id=G-DEMO123456")[0] == 200
    assert http_get(web, "http://www.facebook.com/tr?id=1&ev=PageView")[2] == PIXEL_GIF


def test_every_tracker_script_is_plausible_javascript():
    import yaml

    data = yaml.safe_load(TRACKERS_FILE.read_text(encoding="utf-8"))
    for name, source in data["scripts"].items():
        assert source.count("(") == source.count(")") and source.count("{") == source.count("}"), name
        assert "alert(" not in source and "fetch(" not in source and "eval(" not in source, name
    for host, spec in data["hosts"].items():
        for entry in [*spec.get("paths", []), spec.get("default", {})]:
            if entry.get("kind") == "js":
                assert entry["script"] in data["scripts"], (host, entry)


# -- generated sites ----------------------------------------------------------------

def test_generated_sites_are_served_deterministic_and_bounded(web):
    assert generated_site(2) == generated_site(2)
    status, _headers, body = https_get(web, "gen-00002-demo.kz", "/privacy")
    assert status == 200 and "Политика конфиденциальности" in body.decode()
    assert https_get(web, "gen-00003-demo.kz", "/contacts")[0] == 200
    assert http_get(web, "http://gen-00004-demo.kz/")[0] == 503  # only 3 generated
    assert len(sample_domains(include_generated=3)) == len(sample_domains()) + 3
    # Every fifth generated policy leaves out cookies, and says so in its manifest.
    fifth = generated_site(5)
    assert "cookie" not in fifth["routes"]["/privacy"]["body"]
    assert fifth["expect"]["mismatches"][0]["category"] == "cookies"
    assert "cookie" in generated_site(4)["routes"]["/privacy"]["body"]
    assert bin_is_valid(generated_site(7)["operator"]["bin"])


# -- the manifest ---------------------------------------------------------------------

def _vendor_ids() -> set[str]:
    import yaml

    data = yaml.safe_load(SERVICES_FILE.read_text(encoding="utf-8"))
    services = data.get("services", data) if isinstance(data, dict) else data
    if isinstance(services, dict):
        return set(services)
    return {s["id"] for s in services}


def test_every_site_yaml_validates_and_every_route_file_exists():
    specs = load_site_specs()
    assert len(specs) >= 27
    for spec, root in specs:
        assert validate_site(spec, root, categories=set(CATEGORIES)) == [], spec["domain"]
    for index in (1, 2, 3, 5):
        assert validate_site(generated_site(index), categories=set(CATEGORIES)) == []


def test_the_validator_catches_mistakes():
    spec, root = next((s, r) for s, r in load_site_specs() if s["domain"] == "kitap-demo.kz")
    broken = {**spec, "routes": {**spec["routes"], "/x": {"file": "pages/missing.html"}, "/y": {"status": 302}}}
    broken["expect"] = {**spec["expect"], "status": "fine", "forms": [{"page": "/order"}]}
    errors = validate_site(broken, root, categories=set(CATEGORIES))
    assert any("missing.html does not exist" in e for e in errors)
    assert any("redirect without location" in e for e in errors)
    assert any("expect.status" in e for e in errors)
    assert any("expect.forms[0]: missing 'fields'" in e for e in errors)


def test_planted_vendor_ids_are_known_to_the_tracker_knowledge_base():
    vendors = _vendor_ids()
    for domain, spec in load_sites(include_generated=3).items():
        assert validate_site(spec, vendors=vendors) == [], domain


def test_planted_bins_and_the_one_invalid_bin():
    invalid = [d for d, s in load_sites().items() if s.get("operator") and not s["operator"]["bin_valid"]]
    assert invalid == ["win1251-demo.kz"]
    assert not bin_is_valid("990740000070") and bin_is_valid("990740000079")


def test_sample_domains_cover_every_kind_of_site():
    sites = load_sites()
    domains = sample_domains()
    assert set(domains) == set(sites) and "мысал-демо.қаз" in domains
    statuses = {s["expect"]["status"] for s in sites.values()}
    assert statuses >= {"ok", "dns_error", "timeout", "tls_error", "robots_blocked", "redirect_loop", "too_large"}
    formats = {s["expect"]["policy"]["format"] for s in sites.values() if s["expect"].get("policy")}
    assert formats == {"html", "pdf", "docx"}
    verdicts = {(m["category"], m["verdict"]) for s in sites.values() for m in s["expect"].get("mismatches") or []}
    assert {("health", "omitted"), ("cross_border_transfer", "incorrect"), ("cookies", "omitted"),
            ("iin", "omitted"), ("name", "no_policy")} <= verdicts
    assert sites["kitap-demo.kz"]["expect"]["mismatches"] == []


# -- the manifest agrees with what the sites really serve ---------------------------------

def _as_list(value):
    return value if isinstance(value, list) else [value]


def _pages_of(spec: dict) -> dict[str, tuple[Site, str]]:
    """page URL -> (site, path) for every 200 text/html route of a site that answers."""
    expect = spec["expect"]
    if expect["status"] != "ok":
        return {}
    origin = expect["final_url"].split("/", 3)
    origin = f"{origin[0]}//{origin[2]}"
    site = Site(spec, _root_of(spec["domain"]))
    pages = {}
    for path, route in site.routes.items():
        if int(route.get("status", 200)) == 200 and ("file" in route or "body" in route):
            if str(route.get("file", "")).endswith((".pdf", ".docx", ".txt")):
                continue
            pages[origin + path] = (site, path)
    return pages


def _route_urls(spec: dict) -> list[str]:
    host = to_ascii_host(spec["domain"])
    return [f"{scheme}://{host}{path}" for path in spec["routes"] for scheme in ("http", "https")]


_ROOTS = {spec["domain"]: root for spec, root in load_site_specs()}


def _root_of(domain: str):
    return _ROOTS.get(domain)


def _parse(site: Site, path: str, scheme: str):
    response = site.respond("GET", scheme, path)
    ctype = dict(response.headers)["Content-Type"]
    charset = ctype.split("charset=")[-1]
    return response, lxml.html.fromstring(response.body.decode(charset))


def _third_party_tags(doc, page_url: str, site_host: str) -> set[tuple[str, str, str]]:
    """(url, resource_type, source) of third-party element references in a page."""
    found = set()
    selectors = {"script": ("src", "script"), "img": ("src", "img"), "iframe": ("src", "iframe")}
    for el in doc.iter("script", "img", "iframe", "link"):
        if el.tag == "link":
            rel = (el.get("rel") or "").lower().split()
            kind = "stylesheet" if "stylesheet" in rel else "preconnect" if "preconnect" in rel else None
            attr = "href"
        else:
            attr, kind = selectors[el.tag]
        if kind is None or not el.get(attr):
            continue
        url = urljoin(page_url, el.get(attr))
        host = urlsplit(url).hostname
        if host in (site_host, "www." + site_host):
            continue
        in_noscript = any(a.tag == "noscript" for a in el.iterancestors())
        found.add((url, kind, "noscript" if in_noscript else "tag"))
    return found


SITES_ALL = load_sites(include_generated=5)


@pytest.mark.parametrize("domain", sorted(SITES_ALL))
def test_manifest_requests_match_the_served_html(domain):
    spec = SITES_ALL[domain]
    expect = spec["expect"]
    pages = _pages_of(spec)
    for page_url, (site, path) in pages.items():
        _, doc = _parse(site, path, urlsplit(page_url).scheme)
        served = _third_party_tags(doc, page_url, site.ascii_host)
        planted = {
            (r["url"], r["resource_type"], r["source"])
            for r in expect.get("requests") or []
            if page_url in _as_list(r["page"]) and r["source"] in ("tag", "noscript")
        }
        assert served == planted, page_url
        inline_code = "\n".join(el.text or "" for el in doc.iter("script") if not el.get("src"))
        for r in expect.get("requests") or []:
            if page_url in _as_list(r["page"]) and r["source"] == "inline":
                needle = r["url"]
                assert needle in inline_code or needle.split("?")[0] in inline_code, (page_url, r["url"])
        source = lxml.html.tostring(doc, encoding="unicode")
        for item in expect.get("inline_trackers") or []:
            if page_url in _as_list(item["page"]):
                assert item["id"] in source, (page_url, item)
    # Every page named in the manifest is one the site serves (cookies: redirects too).
    routes = set(_route_urls(spec))
    for key in ("requests", "inline_trackers", "cookies"):
        for item in expect.get(key) or []:
            for page in _as_list(item["page"]):
                assert page in (routes if key == "cookies" else pages), (key, page)


@pytest.mark.parametrize("domain", sorted(SITES_ALL))
def test_manifest_forms_match_the_served_html(domain):
    spec = SITES_ALL[domain]
    expect = spec["expect"]
    policy_url = (expect.get("policy") or {}).get("url")
    policy_urls = {policy_url} | {v["url"] for v in expect.get("policy_variants") or []}
    for page_url, (site, path) in _pages_of(spec).items():
        _, doc = _parse(site, path, urlsplit(page_url).scheme)
        served = []
        for form in doc.iter("form"):
            fields = []
            for el in form.iter("input", "select", "textarea"):
                ftype = (el.get("type") or "text").lower() if el.tag == "input" else el.tag
                if ftype in ("submit", "button", "reset", "image"):
                    continue
                fields.append((el.get("name"), ftype))
            links = {urljoin(page_url, a.get("href")) for a in form.iter("a") if a.get("href")}
            served.append({
                "action": urljoin(page_url, form.get("action") or ""),
                "method": (form.get("method") or "get").lower(),
                "fields": fields,
                "policy_link_near": bool(policy_url and policy_urls & links),
            })
        planted = sorted(
            (f for f in expect.get("forms") or [] if f["page"] == page_url), key=lambda f: f.get("form_index", 0)
        )
        assert len(served) == len(planted), page_url
        for got, want in zip(served, planted, strict=False):
            assert got["action"] == want["action"], page_url
            assert got["method"] == want["method"], page_url
            assert got["fields"] == [(f["name"], f["type"]) for f in want["fields"]], page_url
            if policy_url:
                assert got["policy_link_near"] == want["policy_link_near"], page_url


@pytest.mark.parametrize("domain", sorted(SITES_ALL))
def test_manifest_cookies_and_policy_match_what_the_server_sends(domain):
    spec = SITES_ALL[domain]
    expect = spec["expect"]
    pages = _pages_of(spec)
    site = Site(spec, _root_of(domain))
    planted = {(c["page"], c["name"]) for c in expect.get("cookies") or [] if c["set_by"] == "header"}
    sent = set()
    for path, _route in site.routes.items():
        for scheme in ("https", "http"):
            response = site.respond("GET", scheme, path)
            for name, value in response.headers:
                if name == "Set-Cookie":
                    sent.add((f"{scheme}://{site.ascii_host}{path}", value.split("=", 1)[0]))
    if expect["status"] == "ok":
        # Whatever the crawl's scheme, each planted header cookie is really sent there...
        assert planted <= sent
        # ...and nothing is sent on the crawl's scheme that the manifest does not list.
        scheme = urlsplit(expect["final_url"]).scheme
        assert {s for s in sent if s[0].startswith(scheme + ":")} <= planted
        policy = expect["policy"]
        if policy:
            path = urlsplit(policy["url"]).path
            response = site.respond("GET", urlsplit(policy["url"]).scheme, path)
            assert response.status == 200
            ctype = dict(response.headers)["Content-Type"]
            assert {"html": "text/html", "pdf": "application/pdf", "docx": "application/vnd.openxml"}[
                policy["format"]] in ctype
        final = urlsplit(expect["final_url"])
        assert site.respond("GET", final.scheme, final.path).status == 200
        assert (site.https == "serve") == expect["https"]
        for variant in expect.get("policy_variants") or []:
            assert variant["url"] in pages
    for other in expect.get("not_policies") or []:
        if other["url"].startswith("http"):
            assert other["url"] in pages


def test_every_ok_site_is_served_through_the_proxy(web):
    for _domain, spec in load_sites().items():
        expect = spec["expect"]
        if expect["status"] != "ok" or spec.get("behaviour", {}).get("delay"):
            continue
        for page_url in _pages_of(spec):
            parts = urlsplit(page_url)
            if parts.scheme == "https":
                status, _, body = https_get(web, parts.hostname, parts.path)
            else:
                status, _, body = http_get(web, page_url)
            assert status == 200 and len(body) > 200, page_url


def test_manifest_agrees_with_the_tracker_knowledge_base():
    """Every planted vendor is what kzprivacy.vocabulary.trackers attributes; keeps the two in step."""
    from kzprivacy.vocabulary import trackers

    problems = []
    for domain, spec in SITES_ALL.items():
        expect = spec["expect"]
        for req in expect.get("requests") or []:
            got = trackers.lookup_url(req["url"], site=domain).service_id
            if got != req["vendor"]:
                problems.append(f"{domain} request {req['url']}: manifest {req['vendor']}, base {got}")
        for cookie in expect.get("cookies") or []:
            got = trackers.lookup_cookie(cookie["name"], cookie["domain"], site=domain).service_id
            if got != cookie["vendor"]:
                problems.append(f"{domain} cookie {cookie['name']}: manifest {cookie['vendor']}, base {got}")
        for page_url, (site, path) in _pages_of(spec).items():
            response, _ = _parse(site, path, urlsplit(page_url).scheme)
            charset = dict(response.headers)["Content-Type"].split("charset=")[-1]
            found = {(h.service.id, h.tracker_id) for h in trackers.find_signatures(response.body.decode(charset))}
            planted = {(i["vendor"], i["id"]) for i in expect.get("inline_trackers") or []
                       if page_url in _as_list(i["page"])}
            if found != planted:
                problems.append(f"{page_url} signatures: base only {found - planted}, manifest only {planted - found}")
    assert problems == []
