"""Check the manifest's browser-mode expectations with a real headless Chromium.

Developer tool (not part of the test suite: it needs a Chromium binary and takes
about a minute). It starts the sample web, opens every page the manifest
names through the proxy (--proxy-server, --ignore-certificate-errors) with
Playwright, and compares what the browser really requested and stored with
`expect` + `browser_expectations()`:

- every third-party request is planted (source tag/inline, or runtime), and every
  planted one is seen (noscript items and preconnect hints excepted);
- every cookie in the browser is planted (header cookies of that page, cookies
  written by tracker scripts, optional third-party ones), and every non-optional
  planted cookie is there.

    python -m kzprivacy.sampleweb.check_browser [--chromium /usr/bin/chromium] [--generated N]

Exits 1 when anything disagrees, printing each difference.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
from typing import Any
from urllib.parse import urlsplit

import kzprivacy  # noqa: F401  (offline tldextract settings first)

from .manifest import browser_expectations, load_sites
from .server import SampleWeb


def _pages(value: Any) -> list[str]:
    return value if isinstance(value, list) else [value]


def _url_matches(url: str, item: dict[str, Any]) -> bool:
    return url.startswith(item["url"]) if item.get("match") == "prefix" else url == item["url"]


def _cookie_matches(name: str, item: dict[str, Any]) -> bool:
    return name.startswith(item["name"].rstrip("*")) if item.get("match") == "prefix" else name == item["name"]


async def check_site(context: Any, spec: dict[str, Any]) -> list[str]:
    expect = spec["expect"]
    extra = browser_expectations(spec)
    page_urls = {expect["final_url"]}
    for key in ("requests", "inline_trackers"):
        for item in expect.get(key) or []:
            page_urls.update(_pages(item["page"]))
    problems = []
    for page_url in sorted(page_urls):
        await context.clear_cookies()
        page = await context.new_page()
        seen: list[str] = []
        page.on("request", lambda request, seen=seen: seen.append(request.url))
        try:
            await page.goto(page_url, wait_until="networkidle", timeout=20000)
            await page.wait_for_timeout(300)
        except Exception as exc:  # report and go on with the next page
            problems.append(f"{page_url}: {exc}")
            await page.close()
            continue
        host = urlsplit(page_url).hostname
        third = [u for u in seen if urlsplit(u).hostname != host]
        planted = [r for r in expect.get("requests") or [] if page_url in _pages(r["page"])
                   and r["source"] in ("tag", "inline") and r["resource_type"] not in ("preconnect", "dns-prefetch")]
        planted += [r for r in extra["requests"] if page_url in r["page"]]
        problems += [f"{page_url}: request not planted: {u}" for u in third
                     if not any(_url_matches(u, r) for r in planted)]
        problems += [f"{page_url}: planted request not seen: {r['url']}" for r in planted
                     if not any(_url_matches(u, r) for u in third)]
        cookies = await context.cookies()
        planted_cookies = [c for c in expect.get("cookies") or []
                           if c["set_by"] == "header" and page_url in _pages(c["page"])]
        planted_cookies += [c for c in extra["cookies"] if page_url in c["page"]]
        problems += [f"{page_url}: cookie not planted: {c['name']} ({c['domain']})" for c in cookies
                     if not any(_cookie_matches(c["name"], p) for p in planted_cookies)]
        problems += [f"{page_url}: planted cookie not seen: {p['name']}" for p in planted_cookies
                     if not p.get("optional") and not any(_cookie_matches(c["name"], p) for c in cookies)]
        await page.close()
    return problems


async def run(chromium: str, generated: int) -> int:
    from playwright.async_api import async_playwright

    failures = 0
    with SampleWeb(generated=generated) as web:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(
                executable_path=chromium, headless=True,
                args=[f"--proxy-server={web.proxy_url}", "--ignore-certificate-errors"],
            )
            context = await browser.new_context(ignore_https_errors=True)
            for domain, spec in load_sites(include_generated=generated).items():
                if spec["expect"]["status"] != "ok":
                    continue
                problems = await check_site(context, spec)
                print(f"{domain}: {'ok' if not problems else 'DIFFERS'}")
                for problem in problems:
                    print("   ", problem)
                failures += bool(problems)
            await browser.close()
    return failures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m kzprivacy.sampleweb.check_browser", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chromium", default=shutil.which("chromium") or shutil.which("chromium-browser"),
                        help="path of the Chromium binary (default: chromium on PATH)")
    parser.add_argument("--generated", type=int, default=3, help="also check N generated sites")
    args = parser.parse_args(argv)
    if not args.chromium:
        sys.exit("no Chromium found: pass --chromium PATH")
    sys.exit(1 if asyncio.run(run(args.chromium, args.generated)) else 0)


if __name__ == "__main__":
    main()
