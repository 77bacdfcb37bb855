"""Where form data really goes, without sending any: browser mode's form probe (crawler/formprobe.py).

The pure parts on snippets; then a real browser scan of leads-demo.kz (forms without action, sent by
script to a messenger bot's API and to a CRM webhook) and scriptonly-demo.kz (a lead form a script
draws, posting to marquiz.ru), checked against the manifest's `form_destinations` and against the
sample web's own log: no request the probe provoked ever reached a server.
"""

from __future__ import annotations

import json

import pytest
from conftest import Crawl, require, run_cli

import kzprivacy  # noqa: F401  (offline tldextract first)
from kzprivacy.crawler.browser import DEFAULT_CHROMIUM, browser_problem
from kzprivacy.extract.html import extract_forms
from kzprivacy.crawler.formprobe import (destination_rows, fields_in_request, probe_candidates, redact_secrets,
                               synthetic_values)
from kzprivacy.crawler.enrich import enrich_destinations

PROBLEM = browser_problem(DEFAULT_CHROMIUM)

FORM = """<form data-lead="x"><label>Имя <input name="fio"></label>
<label>Телефон <input type="tel" name="phone"></label><label>E-mail <input type="email" name="mail"></label>
<input type="hidden" name="utm" value="a"><input type="file" name="scan">
<label><input type="checkbox" name="agree"> Согласен на обработку персональных данных</label>
<select name="city"><option value="">—</option><option value="ala">Алматы</option></select>
<button>Отправить</button></form>
<form action="/search"><input name="q" placeholder="Поиск"></form>"""


def _values():
    form = extract_forms(FORM, "https://a-demo.kz/")[0]
    return {v["name"]: v for v in synthetic_values(form)}


def test_only_forms_asking_for_personal_data_are_probed_and_once_per_site():
    found = probe_candidates(FORM, "https://a-demo.kz/")
    assert [f.form_index for f, _ in found] == [0]  # the search box asks for nothing personal
    key = found[0][1]
    assert probe_candidates(FORM, "https://a-demo.kz/kontakty", {key}) == []


def test_values_are_synthetic_and_each_findable_files_and_hidden_untouched():
    values = _values()
    assert values["fio"]["value"] == "Kzprobe1" and values["mail"]["value"] == "kzprobe3@example.invalid"
    assert values["phone"]["value"] == "+77000000002"
    assert values["agree"]["kind"] == "check" and values["city"]["kind"] == "select"
    assert "utm" not in values and "scan" not in values  # hidden left as the site set it, no file uploaded


def test_field_values_are_found_however_the_request_encodes_them():
    values = list(_values().values())
    assert fields_in_request("https://api.telegram.org/bot1:x/sendMessage",
                             json.dumps({"text": "Звонок: Kzprobe1, +7 (700) 000-00-02"}, ensure_ascii=True),
                             values) == ["fio", "phone"]
    assert fields_in_request("https://crm.example/lead", "f%5BEMAIL%5D=kzprobe3%40example.invalid&f%5BN%5D=x",
                             values) == ["mail"]
    assert fields_in_request("https://a-demo.kz/?mail=kzprobe3%40example.invalid", None, values) == ["mail"]
    assert fields_in_request("https://mc.yandex.ru/watch/1?page=https%3A%2F%2Fa-demo.kz%2F", "", values) == []


def test_secrets_in_destination_urls_are_masked_and_rows_name_the_company():
    assert redact_secrets("https://api.telegram.org/bot123456:AAH-abcdefghijk/sendMessage?chat_id=1") == \
        "https://api.telegram.org/bot<token>/sendMessage?chat_id=1"
    visit = {"form_probes": [
        {"form_index": 0, "form_key": "k", "outcome": "submitted", "fields_filled": ["phone"], "probed_at": "t",
         "requests": [{"url": "https://api.telegram.org/bot123456:AAH-abcdefghijk/sendMessage", "method": "POST",
                       "resource_type": "fetch", "fields_sent": ["phone"], "body_bytes": 40}]},
        {"form_index": 1, "form_key": "k2", "outcome": "invalid", "fields_filled": [], "probed_at": "t",
         "requests": []}]}
    rows = enrich_destinations(destination_rows(visit), ["a-demo.kz"])
    assert rows[0]["host"] == "api.telegram.org" and rows[0]["party"] == "third"
    assert rows[0]["service_id"] == "telegram" and rows[0]["country"] and "<token>" in rows[0]["url"]
    assert rows[1] == {"form_index": 1, "form_key": "k2", "outcome": "invalid", "fields_filled": [],
                       "probed_at": "t", "request_index": 0}


# -- for real, in Chromium ----------------------------------------------------------------------------

SITES = ["leads-demo.kz", "scriptonly-demo.kz"]


@pytest.fixture(scope="module")
def probe_crawl(sample_web, tmp_path_factory):
    require(PROBLEM)
    start = len(sample_web.log)
    out = tmp_path_factory.mktemp("probe")
    result = run_cli("scan", *SITES, "--render", "--proxy", sample_web.proxy_url, "--out", str(out),
                     "--crawl-id", "probe", "--timeout", "6", "--no-progress", check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    return Crawl(out, "probe", result), list(sample_web.log)[start:]


def test_script_sent_forms_report_their_real_destination(probe_crawl, sites_manifest):
    crawl, _ = probe_crawl
    rows = crawl.rows("SELECT d.*, f.form_key AS key FROM form_destinations d JOIN forms f USING "
                      "(crawl_id, site, page_url, form_index) WHERE d.site = 'leads-demo.kz'")
    got = {(r["host"], r["service_id"], r["method"], r["party"], tuple(json.loads(r["fields_sent"]))) for r in rows}
    for want in sites_manifest["leads-demo.kz"]["expect"]["form_destinations"]:
        assert (want["host"], want["service"], want["method"], want["party"], tuple(want["fields"])) in got, want
    assert all(r["outcome"] == "submitted" for r in rows)
    # Each distinct form once per site, though it stands on several pages.
    assert len({r["key"] for r in rows}) == len(rows) == 3
    assert all("<token>" in r["url"] or "<secret>" in r["url"] for r in rows if r["party"] == "third")
    lead = crawl.rows("SELECT * FROM form_destinations WHERE site = 'scriptonly-demo.kz' AND party = 'third'")
    assert [(r["host"], json.loads(r["fields_sent"])) for r in lead] == [("marquiz.ru", ["name", "phone"])]


def test_no_request_the_probe_provoked_left_the_browser(probe_crawl, sample_web):
    _, log = probe_crawl
    hosts = {"api.telegram.org", "leads-demo.bitrix24.kz", "marquiz.ru"}
    assert any(s.host == "leads-demo.kz" for s in log)  # the scan itself went through this proxy
    assert [s for s in log if s.host in hosts] == []
    assert [s for s in log if "kzprobe" in s.path.lower()] == []
    catalog = {s.host for s in log}
    served_posts = [s for s in log if s.method not in ("GET", "HEAD", "CONNECT") and s.host in catalog
                    and sample_web.catalog.lookup(s.host) is not None]
    assert served_posts == []


def test_a_form_sent_to_a_third_party_is_a_flow_and_its_finding_lists_the_pages(probe_crawl):
    crawl, _ = probe_crawl
    flows = crawl.rows("SELECT category, verdict, service_id FROM flows WHERE source = 'form_destination'"
                       " AND site = 'leads-demo.kz'")
    assert {(f["category"], f["service_id"], f["verdict"]) for f in flows} == {
        ("third_party_sharing", "telegram", "vague"), ("third_party_sharing", "bitrix24", "clear"),
        ("cross_border_transfer", "telegram", "clear"), ("cross_border_transfer", "bitrix24", "clear")}
    finding = crawl.rows("SELECT * FROM findings WHERE site = 'leads-demo.kz' AND rule = 'VENDOR-UNNAMED'")
    assert len(finding) == 1 and "api.telegram.org" in finding[0]["observed"]
    assert finding[0]["policy_side"] == "quoted" and "третьим лицам" in finding[0]["policy_evidence"]
    assert finding[0]["occurrences"] == 3


def test_the_wait_after_a_submission_ends_on_quiet_once_it_has_requested_something():
    """A submission that sent something is watched until 0.5 s pass without a new request; one that has sent
    nothing yet is watched for at least a second (a script may take a moment), and no submission past `wait`."""
    import asyncio
    import time

    from kzprivacy.crawler.formprobe import _Interceptor

    async def watch(requests_at: list[float], wait: float = 3.0) -> float:
        interceptor = _Interceptor(page=None)
        began = time.monotonic()

        async def requests() -> None:
            for at in requests_at:
                await asyncio.sleep(max(0.0, began + at - time.monotonic()))
                interceptor.requests.append({"url": "https://x.example/", "method": "POST", "body": None})
                interceptor.last = time.monotonic()

        task = asyncio.ensure_future(requests())
        await interceptor.quiet(began, wait, 0)
        task.cancel()
        return time.monotonic() - began

    sent_at_once = asyncio.run(watch([0.0]))
    nothing = asyncio.run(watch([]))
    two = asyncio.run(watch([0.0, 0.4]))
    late = asyncio.run(watch([0.8]))
    endless = asyncio.run(watch([i * 0.2 for i in range(20)], wait=1.5))
    assert 0.45 <= sent_at_once < 0.9, sent_at_once
    assert 1.0 <= nothing < 1.4, nothing
    assert 0.85 <= two < 1.3, two
    assert 1.25 <= late < 1.7, late
    assert 1.5 <= endless < 1.9, endless
