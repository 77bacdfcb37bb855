"""The hostile web (kzprivacy/sampleweb/hostile/sites.yaml) scanned all at once beside a control site.

Every site ends with a final status, the one its case expects; the control site's rows are complete
and the same as when it is scanned alone; no request reached a private address (the sample web's
proxy logs every request); the crawler's peak memory stays bounded."""

from __future__ import annotations

import pytest

from kzprivacy.crawler.netguard import blocked_reason
from kzprivacy.sampleweb import SampleWeb, hostile_domains, load_hostile
from kzprivacy.sampleweb.hostile.scan import CONTROL, prepare, scan, site_rows

TIMEOUT = 10.0          # the crawl's download timeout
PEAK_RSS_MB = 1024      # the bombs inflate to ~1 GB in all; the crawler must never hold them


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    prepare()
    with SampleWeb(hang_seconds=TIMEOUT + 5) as web:
        alone = scan([CONTROL], web.proxy_url, tmp_path_factory.mktemp("alone"), "alone", TIMEOUT)
        web.clear_log()
        mixed = scan([*hostile_domains(), CONTROL], web.proxy_url, tmp_path_factory.mktemp("hostile"), "hostile",
                     TIMEOUT)
        log = list(web.log)
    import sqlite3

    db = sqlite3.connect(mixed.db)
    db.row_factory = sqlite3.Row
    yield {"alone": alone, "mixed": mixed, "log": log, "db": db}
    db.close()


def test_the_scan_ends_within_the_site_budget(hostile):
    # Every site starts at once and no site outlives its budget (KZPRIVACY_SITE_TIMEOUT, unset: three
    # download timeouts), so the hostile scan takes at most the control scan's start-up and end plus that.
    # bench/hostile.py measures how far under it the scan ends.
    assert hostile["mixed"].seconds < hostile["alone"].seconds + 3 * TIMEOUT + 5, hostile["mixed"].seconds


def test_the_hostile_web_has_at_least_forty_cases():
    data = load_hostile()
    assert len(data["cases"]) + len(data["inputs"]) >= 40
    assert not set(hostile_domains()) & set(__import__("kzprivacy.sampleweb", fromlist=["x"]).sample_domains())


def test_every_site_ends_with_its_final_status(hostile):
    assert hostile["mixed"].returncode == 0, hostile["mixed"].stderr[-3000:]
    db = hostile["db"]
    statuses = {r["site"]: (r["status"], r["error"])
                for r in db.execute("SELECT * FROM sites WHERE crawl_id='hostile'")}
    data = load_hostile()
    from kzprivacy.vocabulary.domains import parse_entries

    wrong = []
    for case in data["cases"] + data["inputs"]:
        entry = case.get("domain") or case["entry"]
        entries, _rejected = parse_entries([entry])
        site = entries[0].site if entries else entry
        status, error = statuses.get(site, (None, None))
        expected = case["expect"]["status"]
        allowed = expected if isinstance(expected, list) else [expected]
        if case.get("slow"):  # megabytes on the wire: a loaded machine may run out of time first
            allowed = [*allowed, "timeout", "parse_timeout", "site_timeout"]
        if status not in allowed:
            wrong.append((site, status, allowed, (error or "")[:120]))
    assert wrong == []
    assert statuses[CONTROL][0] == "ok"
    assert {s for s, _ in statuses.values()} <= {"ok", "too_large", "timeout", "parse_timeout", "refused",
                                                  "redirect_loop", "site_timeout",
                                                  "blocked_private_address", "robots_blocked", "http_error",
                                                  "dns_error", "invalid"}


def test_policy_statuses_and_cap_warnings_are_recorded(hostile):
    db = hostile["db"]
    wrong = []
    for case in load_hostile()["cases"]:
        expect, site = case["expect"], case["domain"]
        home = db.execute("SELECT status FROM sites WHERE crawl_id='hostile' AND site=?", (site,)).fetchone()
        fetched = [r["error"] for r in db.execute(
            "SELECT error FROM pages WHERE crawl_id='hostile' AND site=? AND url LIKE '%/privacy%'", (site,))]
        if case.get("slow") and (home[0] != "ok" or any(e and "timeout" in e for e in fetched)):
            continue  # ran out of time on a loaded machine: its final status is checked above
        if "policy_status" in expect:
            got = [r["status"] for r in db.execute(
                "SELECT status FROM policies WHERE crawl_id='hostile' AND site=? AND url LIKE '%/privacy%'", (site,))]
            if expect["policy_status"] not in got:
                wrong.append((site, "policy", expect["policy_status"], got))
        if "warning" in expect:
            got = [r["warnings"] or "" for r in db.execute(
                "SELECT warnings FROM pages WHERE crawl_id='hostile' AND site=? AND kind='home'", (site,))]
            if not any(expect["warning"] in w for w in got):
                wrong.append((site, "warning", expect["warning"], got))
    assert wrong == []


def test_no_request_reached_a_private_address(hostile):
    assert [s for s in hostile["log"] if blocked_reason(s.host)] == []
    # ... while the sites that pointed there were reached, so the guard had something to refuse
    hosts = {s.host for s in hostile["log"]}
    assert {"metadata-demo.kz", "loopback-demo.kz", "privatelinks-demo.kz"} <= hosts


def test_the_control_site_is_complete_and_the_same_as_when_scanned_alone(hostile):
    mixed = site_rows(hostile["mixed"].db, "hostile", CONTROL)
    alone = site_rows(hostile["alone"].db, "alone", CONTROL)
    assert mixed["pages"] and mixed["policies"] and mixed["forms"] and mixed["cookies"]
    assert mixed == alone


def test_the_robots_txt_of_the_http_origin_is_obeyed_after_the_fallback(hostile):
    served = [s for s in hostile["log"] if s.host == "httponly-demo.kz" and s.scheme == "http"]
    assert [s.path for s in served] == ["/robots.txt"]


def test_peak_memory_stays_bounded(hostile):
    assert 0 < hostile["mixed"].peak_rss_mb < PEAK_RSS_MB


def test_a_redirect_chain_across_hosts_costs_one_robots_txt_per_host(hostile):
    # Every path of hops-demo.kz, /robots.txt included, redirects to the next of 15 hosts: each host's
    # robots.txt is asked once (the chain it starts takes the next host's rules), not once per page hop.
    robots = [(s.scheme, s.host) for s in hostile["log"]
              if (s.host == "hops-demo.kz" or s.host.endswith(".hops-demo.kz")) and s.path == "/robots.txt"]
    assert len(robots) > 5 and len(robots) == len(set(robots)), robots
