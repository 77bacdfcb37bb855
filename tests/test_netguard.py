"""The private-address guard (crawler/netguard.py): URL spellings, connect-time resolution, statuses."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest

from kzprivacy.crawler.errors import BlockedPrivateAddress, classify_failure
from kzprivacy.crawler.netguard import blocked_reason, literal_address

ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/", "http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/", "http://[::1]/",
    "http://192.168.0.10:8080/x", "http://127.1/", "http://2130706433/", "http://0x7f.0.0.1/",
    "http://017700000001/", "http://[::ffff:127.0.0.1]/", "http://0.0.0.0/", "http://localhost:8080/",
    "https://admin.localhost/", "http://LOCALHOST./", "http://224.0.0.1/",
])
def test_private_addresses_in_every_spelling_are_refused_before_anything_is_sent(url):
    assert blocked_reason(url) is not None


@pytest.mark.parametrize("url", [
    "https://medshop-demo.kz/", "http://1.2.3.4/", "http://8.8.8.8/", "https://xn----7sbne1aefqu3h.xn--80ao21a/",
    "http://123.kz/", "http://deadbeef.kz/",
])
def test_public_hosts_pass(url):
    assert blocked_reason(url) is None


def test_allowed_hosts_are_exempt():
    assert blocked_reason("http://127.0.0.1:8899/", allowed={"127.0.0.1"}) is None
    assert literal_address("127.1") is not None and literal_address("medshop-demo.kz") is None


def test_the_guard_middleware_refuses_private_urls_even_behind_a_proxy():
    """With a proxy the proxy resolves names, but an address written in the URL is still ours to refuse."""
    from kzprivacy.crawler.middlewares import PrivateAddressGuard

    guard = PrivateAddressGuard.__new__(PrivateAddressGuard)
    guard.allowed = set()
    for meta in ({}, {"proxy": "http://127.0.0.1:3128"}):
        with pytest.raises(BlockedPrivateAddress) as info:
            guard.process_request(Request("http://169.254.169.254/robots.txt", meta=meta))
        assert classify_failure(info.value)[0] == "blocked_private_address"
    assert guard.process_request(Request("https://medshop-demo.kz/", meta={"proxy": "http://127.0.0.1:1"})) is None


def test_a_name_resolving_to_a_private_address_is_refused_at_connect_time():
    """DNS rebinding: a name (not an address literal) that resolves to a loopback address through the real
    resolver. "localhost" does so on every machine (/etc/hosts); this machine's own name need not."""
    name = "localhost"
    assert blocked_reason(socket.gethostbyname(name)) is not None
    script = f"""
from twisted.internet import reactor
from kzprivacy.crawler.netguard import GuardedResolver
resolver = GuardedResolver(reactor, 0, 5.0)
out = []
d = resolver.getHostByName({name!r})
d.addBoth(lambda r: out.append(type(r.value).__name__ if hasattr(r, 'value') else r))
d.addBoth(lambda _: reactor.stop())
reactor.run()
print(out[0])
"""
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "BlockedPrivateAddress", result.stderr


@pytest.mark.parametrize("message", [
    "Ignored response <200 https://bomb-demo.kz/> because its body (65536 B compressed, 10485770 B decompressed "
    "so far) exceeded DOWNLOAD_MAXSIZE (10485760 B) during decompression.",
])
def test_a_compression_bomb_is_too_large_not_error(message):
    assert classify_failure(IgnoreRequest(message))[0] == "too_large"
    assert classify_failure(IgnoreRequest("Forbidden by robots.txt"))[0] == "robots_blocked"
