"""The private-address guard: one decision, used in front of every request a scan makes.

A scan must never probe the machine it runs on or its network (a cloud metadata service at
169.254.169.254, an admin panel on 127.0.0.1, a router at 192.168.0.1), whatever a site links or
redirects to. The decision is made twice:

1. On the URL, before anything is sent (`PrivateAddressGuard`, the first downloader middleware, so a
   blocked page does not even cost a robots.txt request; `abort_private_request` in browser mode; the
   fetch of `kzprivacy policy URL`): host names that are addresses in any spelling (`127.1`,
   `2130706433`, `0x7f.0.0.1`, `[::ffff:127.0.0.1]`) and `localhost` names.
2. On the address a name resolves to, at the moment the connection is made (`GuardedResolver`, the
   crawl's DNS resolver): a public name that resolves to a private address (DNS rebinding) is refused,
   and the address checked is the address connected to.

Behind a proxy (`--proxy`, and the sample web) names are resolved by the proxy, on its network, so
only step 1 applies; the proxy's own address is of course allowed. `KZPRIVACY_ALLOW_PRIVATE_HOSTS`
exempts named hosts (a test server on the LAN); `KZPRIVACY_BLOCK_PRIVATE_ADDRESSES = False` turns the
guard off.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

from scrapy.resolver import CachingThreadedResolver
from twisted.internet.defer import Deferred

from .errors import BlockedPrivateAddress

__all__ = ["is_private_address", "literal_address", "blocked_reason", "GuardedResolver"]


def is_private_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Private, loopback, link-local, reserved, multicast or unspecified (IPv4-mapped IPv6 unwrapped)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return (address.is_private or address.is_loopback or address.is_link_local or address.is_reserved
            or address.is_multicast or address.is_unspecified)


def literal_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a host name spells, in any form a resolver accepts (127.1, 2130706433, 0x7f.1), or None."""
    host = host.strip("[]").rstrip(".")
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if host and all(part for part in host.split(".")) and all(
            c in "0123456789abcdefxABCDEFX." for c in host) and host[0].isdigit():
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))  # the BSD forms: 127.1, 0x7f.1, 017700000001
        except OSError:
            return None
    return None


def blocked_reason(url_or_host: str, allowed: Iterable[str] = ()) -> str | None:
    """Why a request to this URL (or host) must not go out without resolving anything, or None."""
    host = urlsplit(url_or_host).hostname if "://" in url_or_host else url_or_host
    host = (host or "").lower().rstrip(".")
    if not host or host in allowed:
        return None
    if host == "localhost" or host.endswith(".localhost"):
        return f"{host} names this machine"
    address = literal_address(host)
    if address is not None and is_private_address(address):
        return f"{host} is {address}, a private or loopback address"
    return None


class GuardedResolver(CachingThreadedResolver):
    """Scrapy's caching resolver that refuses names resolving to private addresses (DNS rebinding).

    Connections are made to the address this returns, so the check holds at connect time. Address
    literals (the proxy's, say) pass: the URL check has judged them already."""

    enabled: bool = True
    allowed: frozenset[str] = frozenset()

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> GuardedResolver:
        resolver = super().from_crawler(crawler, reactor)
        settings = crawler.settings
        resolver.enabled = settings.getbool("KZPRIVACY_BLOCK_PRIVATE_ADDRESSES")
        allowed = {h.lower() for h in settings.getlist("KZPRIVACY_ALLOW_PRIVATE_HOSTS")}
        proxy = settings.get("KZPRIVACY_PROXY")
        if proxy:
            allowed.add((urlsplit(proxy).hostname or "").lower())
        resolver.allowed = frozenset(allowed)
        return resolver

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Deferred[str]:  # Twisted's name
        d = super().getHostByName(name, timeout)
        if self.enabled and name.lower() not in self.allowed and literal_address(name) is None:
            d.addCallback(self._refuse_private, name)
        return d

    @staticmethod
    def _refuse_private(address: str, name: str) -> str:
        parsed = literal_address(address)
        if parsed is not None and is_private_address(parsed):
            raise BlockedPrivateAddress(f"{name} resolves to {parsed}, a private or loopback address")
        return address
