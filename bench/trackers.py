"""How fast the tracker base answers: lookups per second over 100k URLs and cookies.

    python bench/trackers.py [--n 100000] [--seed 1]

Baselines in the same run: urllib's urlsplit alone (the floor of any URL lookup) and a
plain dict lookup of a precomputed host. The URL mix is realistic for a crawl: known
tracker URLs and unknown third-party hosts, about 3,000 distinct hosts in all (so the
per-host caches behave as they would over a few hundred sites).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, installed or not

import kzprivacy  # noqa: F401  (offline tldextract first)
from kzprivacy.vocabulary.trackers import find_signatures, lookup_cookie, lookup_url, services


def make_urls(n: int, rng: random.Random) -> list[str]:
    known = [h for s in services() for h in s.hosts]
    paths = ["/" + p.partition("/")[2].replace("*", "en_US") for s in services() for p in s.paths]
    path_hosts = [p.partition("/")[0] for s in services() for p in s.paths]
    unknown = [f"cdn{i}.vendor{i % 997}.example" for i in range(2000)]
    urls = []
    for i in range(n):
        r = rng.random()
        if r < 0.45:
            urls.append(f"https://www.{rng.choice(known)}/static/{i % 50}.js?v={i}")
        elif r < 0.6:
            j = rng.randrange(len(paths))
            urls.append(f"https://{path_hosts[j]}{paths[j]}?x={i}")
        else:
            urls.append(f"https://{rng.choice(unknown)}/a/{i % 100}.js")
    return urls


def make_cookies(n: int, rng: random.Random) -> list[tuple[str, str]]:
    names = ["_ym_uid", "_ga", "_ga_ABC123", "tmr_lvid", "BITRIX_SM_GUEST_ID", "jv_enter_ts_x", "PHPSESSID",
             "sessionid", "yandexuid", "fr", "cart", "my_pref", "_fbp", "roistat_visit", "tildauid"]
    domains = [".shop.kz", ".yandex.ru", ".facebook.com", "shop.kz", ".cafe.kz"]
    return [(rng.choice(names), rng.choice(domains)) for _ in range(n)]


def rate(label: str, fn, items, baseline: float | None = None) -> float:
    start = time.perf_counter()
    for item in items:
        fn(item)
    elapsed = time.perf_counter() - start
    per_sec = len(items) / elapsed
    ratio = f"  {baseline / per_sec:6.2f}x urlsplit's time" if baseline else ""
    print(f"{label:<42} {per_sec:>12,.0f} /s  {elapsed * 1000:8.1f} ms{ratio}")
    return per_sec


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    t0 = time.perf_counter()
    services()  # load and index once
    print(f"load + index {len(services())} services: {(time.perf_counter() - t0) * 1000:.1f} ms")

    urls = make_urls(args.n, rng)
    hosts = [urlsplit(u).hostname for u in urls]
    table = dict.fromkeys(set(hosts[:len(hosts) // 2]), 1)
    print(f"{args.n:,} URLs over {len(set(hosts)):,} distinct hosts")

    base = rate("baseline: urlsplit(url).hostname", lambda u: urlsplit(u).hostname, urls)
    rate("baseline: dict.get(host)", table.get, hosts, base)
    rate("lookup_url(url)  [first pass, cold caches]", lookup_url, urls, base)
    rate("lookup_url(url)", lookup_url, urls, base)
    rate("lookup_url(url, site='shop.kz')", lambda u: lookup_url(u, "shop.kz"), urls, base)
    cookies = make_cookies(args.n, rng)
    rate("lookup_cookie(name, domain, site)", lambda c: lookup_cookie(c[0], c[1], "shop.kz"), cookies, base)

    attributed = sum(1 for u in urls if lookup_url(u).service is not None)
    print(f"attributed: {attributed:,} of {args.n:,} URLs")

    page = ("<div class='item'><a href='/p/1'>Товар</a></div>\n" * 2000) + (
        "<script>ym(87654321, 'init', {webvisor:true});gtag('config', 'G-7XK2P9QZ1B');"
        "fbq('init', '1234567890123456');</script>"
    )
    reps = 50
    start = time.perf_counter()
    for _ in range(reps):
        hits = find_signatures(page)
    per_page = (time.perf_counter() - start) / reps
    print(f"find_signatures on a {len(page) // 1024} KiB page: {per_page * 1000:.2f} ms/page, {len(hits)} hits")


if __name__ == "__main__":
    main()
