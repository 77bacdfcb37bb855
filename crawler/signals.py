"""kzprivacy's own crawler signals (connect with crawler.signals.connect, as Scrapy's)."""

# Sent by the site spider when a site is finished (its SiteItem yielded), with `site`: components
# that keep something per site (robots.txt parsers, cookie jars) release it, so memory stays flat.
site_done = object()

# Sent by crawler.middlewares.SiteBudget when a site's time budget (KZPRIVACY_SITE_TIMEOUT) runs out, with
# `site`: the spider records the site as site_timeout once the requests still pending have ended.
site_timed_out = object()

# Sent by crawler.tlswatch.TlsWatchingHandler with `host` and `done`: a TLS handshake with the host began
# (done False) or completed (done True). crawler.middlewares.FailFast tells by it a server that never
# answered the handshake (nothing on https: one timeout is enough) from one slow to answer a request.
tls_handshake = object()
