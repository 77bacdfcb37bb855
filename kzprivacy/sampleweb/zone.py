"""A simulated .kz zone: the generated sites, behaving as the real web does (for bench/zone.py).

With ``SampleWeb(generated=N, zone=True)`` (``python -m kzprivacy.sampleweb --generated N --zone``)
every generated site gets, from its number and nothing else (so two clients see the same web):

- latency: each answer (and each CONNECT, and each failed name lookup) waits a time drawn from a
  heavy-tailed distribution: a per-site speed (log-normal, median LATENCY_MEDIAN) times a per-request
  factor (log-normal), capped at LATENCY_MAX. The draw is a hash of the site, scheme and path, so
  the same request waits the same time whoever sends it;
- a sixth of the names do not resolve (the proxy answers as squid does: ERR_DNS_FAIL);
- a few sites hang: they accept the connection and never answer (until the server's hang time);
- some serve plain http only (CONNECT to port 443 refused);
- some redirect the bare name to ``www.`` (robots.txt and every page);
- every live site has a robots.txt, and about five pages are worth fetching.
"""

from __future__ import annotations

import hashlib
import random
from statistics import NormalDist
from typing import Any

DEAD_SHARE = 1 / 6          # names that do not resolve
HANG_SHARE = 0.01           # sites that accept connections and never answer
HTTP_ONLY_SHARE = 0.08      # no https (CONNECT refused): the scan falls back to http
WWW_SHARE = 0.25            # the bare name redirects to www.
LATENCY_MEDIAN = 0.15       # seconds: median wait for one answer
SITE_SIGMA = 0.7            # spread of sites' speeds (log-normal)
REQUEST_SIGMA = 0.5         # spread of one site's answers (log-normal)
LATENCY_MAX = 8.0           # no single wait is longer

_NORMAL = NormalDist()

ROBOTS_TXT = "User-agent: *\nDisallow: /admin/\nDisallow: /cart\n\nSitemap: https://{{ascii_domain}}/sitemap.xml\n"


def _uniform(key: str) -> float:
    """A number in (0, 1) that depends only on `key`."""
    digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
    return (int.from_bytes(digest, "big") + 0.5) / 2**64


def site_speed(index: int) -> float:
    """Median seconds per answer of zone site `index`."""
    return LATENCY_MEDIAN * _lognormal(f"site-{index}", SITE_SIGMA)


def _lognormal(key: str, sigma: float) -> float:
    import math

    return math.exp(sigma * _NORMAL.inv_cdf(_uniform(key)))


def request_latency(speed: float, key: str) -> float:
    """Seconds to wait before answering the request identified by `key`, on a site of this speed."""
    return min(LATENCY_MAX, speed * _lognormal(key, REQUEST_SIGMA))


def zone_behaviour(index: int) -> dict[str, Any]:
    """The `behaviour:` section (site.yaml shape) of zone site `index`."""
    rng = random.Random(f"zone-{index}")
    roll = rng.random()
    behaviour: dict[str, Any] = {"latency": site_speed(index), "www_alias": True}
    if roll < DEAD_SHARE:
        behaviour["dns"] = "fail"
    elif roll < DEAD_SHARE + HANG_SHARE:
        behaviour["hang"] = True
    elif roll < DEAD_SHARE + HANG_SHARE + HTTP_ONLY_SHARE:
        behaviour["https"] = "refuse"
    if rng.random() < WWW_SHARE:
        behaviour["redirect_www"] = True
    return behaviour


def zone_spec(spec: dict[str, Any], index: int) -> dict[str, Any]:
    """A generated site's spec with its zone behaviour and a robots.txt."""
    routes = {**spec["routes"], "/robots.txt": {"body": ROBOTS_TXT, "content_type": "text/plain"}}
    return {**spec, "routes": routes, "behaviour": {**(spec.get("behaviour") or {}), **zone_behaviour(index)}}
