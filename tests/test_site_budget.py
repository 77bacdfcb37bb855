"""A site's time budget (KZPRIVACY_SITE_TIMEOUT, crawler.middlewares.SiteBudget) on the real sample web.

slowpolicy-demo.kz (kzprivacy/sampleweb/hostile/sites.yaml) answers its home page at once and drips its
policy page one byte a second. Scanned with a budget of a few seconds and a download timeout far longer,
the site ends when its budget runs out, as site_timeout, with the home page it fetched before kept; without
the budget the policy page would hold the scan for the whole download timeout."""

from __future__ import annotations

import sqlite3

import pytest

from kzprivacy.sampleweb import SampleWeb
from kzprivacy.sampleweb.hostile.scan import scan

TIMEOUT = 20.0   # the download timeout: the dripping page never ends before it
BUDGET = 4.0     # the site's budget: robots.txt and the home page take well under a second
SITE = "slowpolicy-demo.kz"


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    with SampleWeb(hang_seconds=TIMEOUT + 10) as web:
        result = scan([SITE], web.proxy_url, tmp_path_factory.mktemp("budget"), "budget", TIMEOUT,
                      extra=("-s", f"KZPRIVACY_SITE_TIMEOUT={BUDGET:g}"))
        served = [s.path for s in web.served(SITE)]
    db = sqlite3.connect(result.db)
    db.row_factory = sqlite3.Row
    yield {"result": result, "db": db, "served": served}
    db.close()


def test_the_site_ends_as_site_timeout_when_its_budget_runs_out(scanned):
    assert scanned["result"].returncode == 0, scanned["result"].stderr[-3000:]
    site = scanned["db"].execute("SELECT * FROM sites WHERE crawl_id = 'budget'").fetchone()
    assert site["status"] == "site_timeout", dict(site)
    assert f"({BUDGET:g} s, KZPRIVACY_SITE_TIMEOUT)" in site["error"] and "home page had answered" in site["error"]
    assert site["https"] == 1 and site["final_url"] == f"https://{SITE}/"


def test_what_was_fetched_before_the_budget_ran_out_is_kept(scanned):
    pages = {r["url"]: r for r in scanned["db"].execute("SELECT * FROM pages WHERE crawl_id = 'budget'")}
    home = pages[f"https://{SITE}/"]
    assert home["status_code"] == 200 and home["warc_record_id"] and not home["error"]
    # The dripping policy page was asked for (so the budget, not a missing link, ended the site) and cut.
    assert "/privacy" in scanned["served"]
    cut = pages[f"https://{SITE}/privacy"]
    assert cut["status_code"] is None and cut["error"].startswith("site_timeout: "), dict(cut)


def test_the_scan_ends_with_the_budget_not_the_download_timeout(scanned):
    # Process start-up and the report of one site take a few seconds; the dripping page alone would
    # have held the crawl for TIMEOUT seconds.
    assert scanned["result"].seconds < TIMEOUT, scanned["result"].seconds
