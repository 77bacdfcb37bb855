"""Datasette for real: `kzprivacy serve` starts it on a crawl of the sample web with docs/datasette-metadata.json,
and the pages a journalist opens answer over HTTP with the project's titles, column descriptions and
canned queries. Headless Chromium takes a screenshot of a table page (kept under $KZPRIVACY_ARTIFACTS).
"""

from __future__ import annotations

import html as html_lib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import datasette  # noqa: F401  (the datasette extra: ./setup.sh --test installs it; missing, these tests fail)
import pytest

from conftest import ROOT

METADATA = json.loads((ROOT / "docs" / "datasette-metadata.json").read_text(encoding="utf-8"))
DB = METADATA["databases"]["kzprivacy"]
CHROMIUM = Path("/usr/bin/chromium")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(sample_crawl):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "kzprivacy.cli", "serve", "--out", str(sample_crawl.out),
                             "--port", str(port)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=2).read()
            break
        except (urllib.error.URLError, ConnectionError, OSError):
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("Datasette did not start: " + proc.stdout.read().decode("utf-8", "replace")[-3000:])
            time.sleep(0.3)
    yield base
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=20)


def get(base: str, path: str) -> str:
    with urllib.request.urlopen(base + path, timeout=30) as response:
        assert response.status == 200
        return response.read().decode("utf-8")


def page_text(base: str, path: str) -> str:
    """An HTML page with entities decoded and whitespace folded, to look for text in."""
    return re.sub(r"\s+", " ", html_lib.unescape(get(base, path)))


def get_json(base: str, path: str, **params) -> object:
    return json.loads(get(base, path + ("?" + urlencode(params) if params else "")))


def test_index_shows_the_title_and_the_database(server):
    html = page_text(server, "/")
    assert f"<title>{METADATA['title']}" in html
    assert "kzprivacy" in html and "sites" in html
    assert METADATA["description"][:60] in html


def test_table_page_has_the_dictionary_descriptions(server, sample_crawl):
    text = page_text(server, "/kzprivacy/sites")
    sites = DB["tables"]["sites"]
    assert sites["description"][:50] in text
    # The documented columns' descriptions are on the page (Datasette's column-descriptions list).
    assert 'class="column-descriptions"' in text
    for column in ("status", "policy_url", "https", "final_url"):
        assert sites["columns"][column][:40] in text, column
    data = get_json(server, "/kzprivacy/sites.json", _shape="objects", _size="max")
    assert len(data["rows"]) == sample_crawl.rows("SELECT count(*) FROM sites")[0][0]


def test_a_filtered_view_and_its_facets(server, sample_crawl):
    rows = get_json(server, "/kzprivacy/findings.json", _shape="array", _size="max", severity="high")
    expected = sample_crawl.rows("SELECT count(*) FROM findings WHERE severity = 'high'")[0][0]
    assert len(rows) == expected > 0 and {r["severity"] for r in rows} == {"high"}
    data = get_json(server, "/kzprivacy/findings.json", severity="high")
    assert set(DB["tables"]["findings"]["facets"]) <= set(data["facet_results"])
    html = get(server, "/kzprivacy/sites?status__not=ok")
    assert "dns_error" in html and "status__not" in html


def query(base: str, name: str, **params) -> list[dict]:
    return get_json(base, f"/kzprivacy/{name}.json", _shape="array", **params)


def test_canned_queries_journalists_need(server, sample_crawl):
    for name in ("sites_without_policy", "iin_collected_not_declared", "foreign_trackers_by_country"):
        assert name in DB["queries"]
        assert DB["queries"][name]["title"] in page_text(server, f"/kzprivacy/{name}")
    no_policy = {r["site"] for r in query(server, "sites_without_policy")}
    assert no_policy == {r[0] for r in sample_crawl.rows(
        "SELECT site FROM sites WHERE status = 'ok' AND policy_url IS NULL")} and "nopolicy-demo.kz" in no_policy
    iin = query(server, "iin_collected_not_declared")
    assert "docs-demo.kz" in {r["site"] for r in iin}
    flagged = {r[0] for r in sample_crawl.rows("SELECT site FROM findings WHERE rule = 'KZ-IIN-UNDECLARED'")}
    assert flagged <= {r["site"] for r in iin}
    countries = {r["country"]: r for r in query(server, "foreign_trackers_by_country")}
    assert "KZ" not in countries and {"RU", "US"} <= set(countries)
    assert "Yandex" in countries["RU"]["companies"] and countries["RU"]["sites"] >= 2
    findings = query(server, "site_findings", site="clinic-demo.kz")
    assert findings and all(f["sha256"] for f in findings)


def test_screenshot_of_a_table_page(server, tmp_path):
    if not CHROMIUM.exists():  # a failure, not a skip: ./setup.sh installs Chromium
        pytest.fail(f"no Chromium at {CHROMIUM} for the screenshot", pytrace=False)
    from playwright.sync_api import sync_playwright

    from kzprivacy.crawler.browser import CHROMIUM_ARGS

    folder = Path(os.environ.get("KZPRIVACY_ARTIFACTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    shot = folder / "datasette-findings.png"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS))
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(server + "/kzprivacy/findings?_sort=severity", wait_until="networkidle")
        title = page.title()
        descriptions = page.locator("dl.column-descriptions dt").count()
        # The metadata's stylesheet (a data: URL) sets the descriptions in columns, so the rows stay in view.
        column_width = page.evaluate("getComputedStyle(document.querySelector('dl.column-descriptions')).columnWidth")
        page.screenshot(path=str(shot), full_page=False)
        browser.close()
    assert "findings" in title
    assert descriptions >= 10
    assert column_width not in ("auto", "", None)
    assert shot.stat().st_size > 20_000
