"""Broad-crawl behaviour on the sample web: dead names and hanging sites cost one wait per scheme,
nothing is retried that cannot succeed, and sites are started only as others finish."""

from __future__ import annotations

import sqlite3

import pytest

from conftest import run_cli


@pytest.fixture(scope="module")
def web():
    from kzprivacy.sampleweb.server import SampleWeb

    with SampleWeb(hang_seconds=6) as web:
        yield web


def _scan(web, tmp_path, *sites: str, extra: tuple[str, ...] = ()) -> sqlite3.Connection:
    run_cli("scan", *sites, "--proxy", web.proxy_url, "--out", str(tmp_path), "--crawl-id", "b",
            "--timeout", "2", "--no-progress", "--no-analyze", *extra)
    return sqlite3.connect(tmp_path / "kzprivacy.db")


def test_dead_and_hanging_sites_fail_fast(web, tmp_path):
    web.clear_log()
    db = _scan(web, tmp_path, "dead-demo.kz", "hanging-demo.kz", "clinic-demo.kz")
    statuses = dict(db.execute("SELECT site, status FROM sites"))
    assert statuses == {"dead-demo.kz": "dns_error", "hanging-demo.kz": "timeout", "clinic-demo.kz": "ok"}
    # The dead name: one CONNECT for https (robots.txt; the https home page then fails at once), then
    # plain http, which the proxy answers ERR_DNS_FAIL: nothing is asked twice, nothing retried.
    dead = [(s.method, s.scheme, s.path) for s in web.served("dead-demo.kz")]
    assert dead[0] == ("CONNECT", "https", "") and ("GET", "http", "/") in dead
    assert len(dead) == len(set(dead)) <= 3, dead
    # The hanging site: one timeout per scheme, not one per request and retry. Its https robots.txt never
    # gets past the TLS handshake, so the https home page fails at once; plain http's robots.txt then hangs
    # too, so its home page is not waited for either (crawler.middlewares.FailFast, crawler/tlswatch.py).
    hanging = web.served("hanging-demo.kz")
    assert [(s.method, s.scheme) for s in hanging] == [("CONNECT", "https"), ("GET", "http")]
    errors = dict(db.execute("SELECT url, error FROM pages WHERE site = 'hanging-demo.kz'"))
    assert sorted(errors) == ["http://hanging-demo.kz/", "https://hanging-demo.kz/"], errors
    assert all(e.startswith("timeout: ") for e in errors.values()), errors
    # A live site is fetched as before: its robots.txt once, its pages.
    assert len(web.served("clinic-demo.kz", "/robots.txt")) == 1
    assert db.execute(
        "SELECT count(*) FROM pages WHERE site = 'clinic-demo.kz' AND status_code = 200").fetchone()[0] > 1


def test_sites_start_only_as_others_finish(web, tmp_path):
    web.clear_log()
    _scan(web, tmp_path, "clinic-demo.kz", "medshop-demo.kz", "kitap-demo.kz",
          extra=("-s", "KZPRIVACY_SITES_AT_ONCE=1"))
    order = [s.host.removeprefix("www.") for s in web.log
             if s.host.removeprefix("www.") in ("clinic-demo.kz", "medshop-demo.kz", "kitap-demo.kz")]
    # One site at a time: each site's requests form one run, never interleaved with another's.
    runs = [host for i, host in enumerate(order) if i == 0 or order[i - 1] != host]
    assert sorted(runs) == ["clinic-demo.kz", "kitap-demo.kz", "medshop-demo.kz"], runs


def test_processes_share_the_list_and_the_database(web, tmp_path):
    web.clear_log()
    sites = ("clinic-demo.kz", "medshop-demo.kz", "kitap-demo.kz", "dead-demo.kz")
    db = _scan(web, tmp_path, *sites, extra=("--processes", "2"))
    statuses = dict(db.execute("SELECT site, status FROM sites WHERE crawl_id = 'b'"))
    assert statuses == {"clinic-demo.kz": "ok", "medshop-demo.kz": "ok", "kitap-demo.kz": "ok",
                        "dead-demo.kz": "dns_error"}
    assert db.execute("SELECT status FROM crawls").fetchone()[0] == "finished"
    # Each process kept its own log and queue folder; every site was fetched by one of them only.
    assert (tmp_path / "b" / "crawl-0.log").exists() and (tmp_path / "b" / "crawl-1.log").exists()
    for site in sites[:3]:
        assert len(web.served(site, "/robots.txt")) == 1, site
    single = sqlite3.connect(tmp_path / "kzprivacy.db").execute(
        "SELECT count(*) FROM pages WHERE crawl_id = 'b' AND status_code = 200").fetchone()[0]
    assert single > 6


def test_fail_fast_spares_an_origin_that_has_answered():
    from scrapy import Request
    from scrapy.exceptions import DownloadTimeoutError
    from scrapy.http import HtmlResponse

    from kzprivacy.crawler.errors import OriginFailed, classify_failure
    from kzprivacy.crawler.middlewares import FailFast

    mw = FailFast(100)
    # A live site: robots.txt answered, then one slow page timed out: the next page is still fetched.
    mw.process_response(Request("https://live-demo.kz/robots.txt"),
                        HtmlResponse("https://live-demo.kz/robots.txt", body=b""))
    slow = Request("https://live-demo.kz/slow")
    mw.process_exception(slow, DownloadTimeoutError("took longer than 20 s"))
    assert mw.process_request(Request("https://live-demo.kz/privacy")) is None
    assert slow.meta["dont_retry"] and slow.meta["origin_answered"]  # a hang is not retried; https answered
    # A response head that came, then a body that hung: the origin answered all the same.
    mw._headers_received({}, 0, Request("https://drip-demo.kz/robots.txt"))
    mw.process_exception(Request("https://drip-demo.kz/"), DownloadTimeoutError("took longer than 20 s"))
    mw.process_exception(Request("https://drip-demo.kz/"), DownloadTimeoutError("took longer than 20 s"))
    assert mw.process_request(Request("https://drip-demo.kz/privacy")) is None
    # A site that never answered: its next request fails at once, as the first did.
    mw.process_exception(Request("https://hung-demo.kz/robots.txt"), DownloadTimeoutError("took longer than 20 s"))
    assert mw.process_request(Request("https://hung-demo.kz/robots.txt")) is None  # one timeout: tried again
    hung = Request("https://hung-demo.kz/robots.txt")
    mw.process_exception(hung, DownloadTimeoutError("took longer than 20 s"))
    assert hung.meta["dont_retry"] and not hung.meta["origin_answered"]
    with pytest.raises(OriginFailed) as failed:
        mw.process_request(Request("https://hung-demo.kz/"))
    assert classify_failure(failed.value)[0] == "timeout"
    assert mw.process_request(Request("http://hung-demo.kz/")) is None  # plain http is another origin


def test_fail_fast_waits_once_where_a_second_wait_could_only_fail_the_same():
    from scrapy import Request
    from scrapy.exceptions import DownloadTimeoutError

    from kzprivacy.crawler.errors import OriginFailed
    from kzprivacy.crawler.middlewares import FailFast

    mw = FailFast(100)
    # An https server that took the connection and never completed the TLS handshake: one timeout is enough.
    mw._tls_handshake("tlshang-demo.kz", done=False)
    mw.process_exception(Request("https://tlshang-demo.kz/robots.txt"), DownloadTimeoutError("took longer"))
    with pytest.raises(OriginFailed):
        mw.process_request(Request("https://tlshang-demo.kz/"))
    # ... and plain http, when its robots.txt hangs as well, is not waited for a second time either.
    mw.process_exception(Request("http://tlshang-demo.kz/robots.txt"), DownloadTimeoutError("took longer"))
    with pytest.raises(OriginFailed):
        mw.process_request(Request("http://tlshang-demo.kz/"))
    # A server whose handshake completed and whose robots.txt is slow gets its second try, as before.
    mw._tls_handshake("slowrobots-demo.kz", done=False)
    mw._tls_handshake("slowrobots-demo.kz", done=True)
    mw.process_exception(Request("https://slowrobots-demo.kz/robots.txt"), DownloadTimeoutError("took longer"))
    assert mw.process_request(Request("https://slowrobots-demo.kz/")) is None
    # So does plain http when https failed otherwise than by waiting (refused: nothing on port 443).
    from twisted.internet.error import ConnectionRefusedError

    mw.process_exception(Request("https://nohttps-demo.kz/robots.txt"), ConnectionRefusedError())
    mw.process_exception(Request("http://nohttps-demo.kz/robots.txt"), DownloadTimeoutError("took longer"))
    assert mw.process_request(Request("http://nohttps-demo.kz/")) is None


class _IdleConnection:
    """What Twisted's pool asks of a cached connection: its state and a transport it can close."""

    state = "QUIESCENT"

    def __init__(self) -> None:
        self.closed = False
        self.transport = self

    def loseConnection(self) -> None:
        self.closed = True


def test_a_finished_sites_idle_connections_are_closed_at_once():
    # Twisted keeps an idle connection 240 s; over a zone those of finished sites were most of the memory.
    from twisted.internet.task import Clock
    from twisted.web.client import HTTPConnectionPool

    from kzprivacy.crawler.tlswatch import close_idle_connections

    clock = Clock()
    pool = HTTPConnectionPool(clock, persistent=True)
    proxy = (b"127.0.0.1", 3128, None)
    mine = {(b"https", b"shop-demo.kz", 443, *proxy): _IdleConnection(),
            (b"https", b"www.shop-demo.kz", 443, *proxy): _IdleConnection(),
            (b"https", b"xn--80awbu3c.xn--80ao21a", 443, *proxy): _IdleConnection()}
    others = {(b"https", b"myshop-demo.kz", 443, *proxy): _IdleConnection(),      # a name that only ends alike
              (b"http-proxy", b"127.0.0.1", 3128): _IdleConnection()}             # plain http's proxy connection
    for key, connection in {**mine, **others}.items():
        pool._putConnection(key, connection)

    assert close_idle_connections(pool, "shop-demo.kz") == 2
    assert close_idle_connections(pool, "мысал.қаз") == 1
    assert all(c.closed for c in mine.values()) and not any(c.closed for c in others.values())
    assert set(pool._connections) == set(others)           # no emptied key left behind
    assert len(pool._timeouts) == len(others) and len(clock.getDelayedCalls()) == len(others)


def test_the_crawl_does_not_load_pandas():
    # pandas and pyarrow are ~70 MB a process; the crawl only writes rows, the analysis reads tables.
    import subprocess
    import sys

    code = ("import sys, kzprivacy.cli, kzprivacy.crawler.spiders.site, kzprivacy.crawler.pipelines, "
            "kzprivacy.app.scan; print(sorted(m for m in ('pandas', 'pyarrow', 'numpy') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={**__import__("os").environ, "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": ""})
    assert done.stdout.strip() == "[]", done.stdout + done.stderr
