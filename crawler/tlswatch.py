"""Scrapy's HTTP/1.1 download handler, telling which hosts' TLS handshakes begin and which complete.

A download that times out says nothing of where it waited. Two waits look the same to it and mean
opposite things: a server that completed the TLS handshake and then held the request (a slow robots.txt
of a live site, worth a second try for the home page) and one that took the connection and never
answered the ClientHello (nothing is listening on https: a second try only costs a second timeout).
This handler sends `tls_handshake` (crawler/signals.py) with `host` and `done` when a handshake begins
(done False) and when it completes (done True); crawler.middlewares.FailFast reads them. Everything else
is Scrapy's handler unchanged, and a Scrapy whose handler keeps its TLS policy elsewhere gets no
signals (FailFast then counts timeouts as before).

Installed for http and https in DOWNLOAD_HANDLERS_BASE (crawler/settings.py), so that a handler named in
DOWNLOAD_HANDLERS on the command line replaces it; browser mode's add-on replaces it in the base dict.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from OpenSSL import SSL
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from twisted.internet.interfaces import IOpenSSLClientConnectionCreator
from twisted.web.iweb import IPolicyForHTTPS
from zope.interface import implementer

from kzprivacy.vocabulary.domains import to_ascii
from kzprivacy.vocabulary.trackers import is_under

from .signals import site_done, tls_handshake

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

__all__ = ["TlsWatchingHandler", "close_idle_connections"]


class TlsWatchingHandler(HTTP11DownloadHandler):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        policy = getattr(self, "_contextFactory", None)
        if policy is not None:
            self._contextFactory = cast("IPolicyForHTTPS", _WatchedPolicy(policy, crawler))
        crawler.signals.connect(self._site_done, signal=site_done)

    def _site_done(self, site: str) -> None:
        close_idle_connections(getattr(self, "_pool", None), site)


def close_idle_connections(pool: Any, site: str) -> int:
    """Close the idle connections `pool` (Twisted's HTTPConnectionPool) keeps to the site's hosts (the
    site's name and its subdomains, www. among them); returns how many were closed. Connections in use
    are not in the pool's cache and are left alone; plain http through a proxy shares the proxy's
    connections, which are kept."""
    connections = getattr(pool, "_connections", None)
    if not isinstance(connections, dict):
        return 0  # a Scrapy or Twisted whose pool keeps them elsewhere: they then time out as before
    name = to_ascii(site.lower())
    closed = 0
    for key in [k for k in connections if _for_site(k, name)]:
        for connection in list(connections.get(key) or ()):
            timer = pool._timeouts.get(connection)
            if timer is not None and timer.active():
                timer.cancel()
            pool._removeConnection(key, connection)
            closed += 1
        if not connections.get(key):
            connections.pop(key, None)  # Twisted keeps an emptied key's list for good
    return closed


def _for_site(key: Any, name: str) -> bool:
    # Keys are (scheme, host, port), plus the proxy's host, port and credentials for an https tunnel.
    if not isinstance(key, tuple) or len(key) < 3 or not isinstance(key[1], bytes):
        return False
    return is_under(key[1].decode("ascii", "replace").lower(), name)



@implementer(IPolicyForHTTPS)
class _WatchedPolicy:
    def __init__(self, policy: Any, crawler: Crawler) -> None:
        self.policy = policy
        self.crawler = crawler

    def creatorForNetloc(self, hostname: bytes, port: int) -> Any:  # Twisted's interface
        creator = self.policy.creatorForNetloc(hostname, port)
        return _WatchedCreator(creator, hostname.decode("ascii", "replace").lower(), self.crawler)


@implementer(IOpenSSLClientConnectionCreator)
class _WatchedCreator:
    def __init__(self, creator: Any, host: str, crawler: Crawler) -> None:
        self.creator = creator
        self.host = host
        self.crawler = crawler

    def clientConnectionForTLS(self, tlsProtocol: Any) -> SSL.Connection:  # Twisted's interface
        connection = self.creator.clientConnectionForTLS(tlsProtocol)
        # Twisted before 26.4 verifies the host name in the context's info callback, which a connection's own
        # callback replaces: call it first. Later versions verify in the verify callback and set none.
        previous = getattr(self.creator, "_identityVerifyingInfoCallback", None)
        signals = self.crawler.signals
        host = self.host

        def info(conn: SSL.Connection, where: int, ret: int) -> None:
            if previous is not None:
                previous(conn, where, ret)
            if where & SSL.SSL_CB_HANDSHAKE_DONE:
                signals.send_catch_log(signal=tls_handshake, host=host, done=True)

        connection.set_info_callback(info)
        signals.send_catch_log(signal=tls_handshake, host=host, done=False)
        return connection
