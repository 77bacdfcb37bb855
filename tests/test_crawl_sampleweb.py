"""The real spider, through the real Scrapy stack and the CLI, against the sample web via --proxy.

Every assertion compares the database with what each sample site's manifest
(site.yaml `expect:`) says it plants, in both directions: everything planted is
found where it should be, and nothing is recorded that was not planted.
"""

from __future__ import annotations

import pytest

HTTP_VISIBLE = {"tag", "noscript"}  # where an HTTP-only crawl can see a third-party URL


def _pages(value) -> list[str]:
    return value if isinstance(value, list) else [value]


def _expected_sites(manifest: dict) -> list[str]:
    return sorted(manifest)


def test_the_scan_exits_cleanly_and_prints_a_summary(sample_crawl, sites_manifest):
    assert sample_crawl.result.returncode == 0
    assert f"{len(sites_manifest)} sites" in sample_crawl.result.stdout
    assert "Database:" in sample_crawl.result.stdout
    crawl = sample_crawl.rows("SELECT * FROM crawls")[0]
    assert (crawl["status"], crawl["sites_total"], crawl["sites_done"]) == ("finished", len(sites_manifest),
                                                                            len(sites_manifest))


def test_every_site_has_its_expected_status_https_and_final_url(sample_crawl, sites_manifest):
    rows = {r["site"]: r for r in sample_crawl.rows("SELECT * FROM sites")}
    assert sorted(rows) == _expected_sites(sites_manifest)
    for site, spec in sites_manifest.items():
        expect, row = spec["expect"], rows[site]
        assert row["status"] == expect["status"], (site, row["error"])
        if expect["status"] != "ok":
            assert row["error"], site
        if expect.get("https") is not None:
            assert bool(row["https"]) == expect["https"], site
        assert row["final_url"] == expect.get("final_url"), site


def test_policies_are_found_where_planted(sample_crawl, sites_manifest):
    for site, spec in sites_manifest.items():
        expected = spec["expect"].get("policy")
        row = sample_crawl.rows("SELECT policy_url FROM sites WHERE site = ?", site)[0]
        if not expected:
            assert row["policy_url"] is None, site
            continue
        assert row["policy_url"] == expected["url"], site
        policy = sample_crawl.rows("SELECT * FROM policies WHERE site = ? AND url = ?", site, expected["url"])[0]
        assert (policy["format"], policy["language"], policy["is_best"]) == (
            expected["format"], expected["language"], 1), site
        assert policy["status"] == expected.get("status", "ok") and policy["sha256"], site
        if policy["status"] == "ok":  # a short policy (a few sentences) is kept all the same
            assert policy["chars"] > (50 if expected.get("short") else 500), site
        else:  # unreadable: a broken file has no text; a script-drawn page only its placeholder
            assert policy["error"] and (policy["chars"] or 0) < 300, site
        if expected.get("found_via"):
            assert policy["found_via"] == expected["found_via"], site
        for variant in spec["expect"].get("policy_variants") or []:
            other = sample_crawl.rows("SELECT * FROM policies WHERE site = ? AND url = ?", site, variant["url"])
            assert other and other[0]["language"] == variant["language"], (site, variant)
            assert other[0]["is_policy_score"] >= 0.5, (site, variant)


def test_documents_that_are_not_policies_are_not_chosen(sample_crawl, sites_manifest):
    for site, spec in sites_manifest.items():
        for not_policy in spec["expect"].get("not_policies") or []:
            best = sample_crawl.rows("SELECT url FROM policies WHERE site = ? AND is_best = 1", site)
            assert not_policy["url"] not in [r["url"] for r in best], (site, not_policy)


def _fetched(crawl, site) -> set[str]:
    return {r["url"] for r in crawl.rows("SELECT url FROM pages WHERE site = ? AND status_code IS NOT NULL", site)}


def test_the_crawl_fetches_home_policy_and_every_form_page(sample_crawl, sites_manifest):
    for site, spec in sites_manifest.items():
        expect = spec["expect"]
        if expect["status"] != "ok":
            continue
        needed = {expect["final_url"]} | {form["page"] for form in expect.get("forms") or []}
        if expect.get("policy"):
            needed.add(expect["policy"]["url"].split("#")[0])  # an in-page policy: the page that holds it
        needed |= {v["url"] for v in expect.get("policy_variants") or []}
        fetched = _fetched(sample_crawl, site)
        assert needed <= fetched, (site, sorted(needed - fetched))


def test_cookies_set_in_headers_are_exactly_those_planted(sample_crawl, sites_manifest):
    for site, spec in sites_manifest.items():
        planted = [c for c in spec["expect"].get("cookies") or [] if c["set_by"] == "header"]
        expected = {(c["name"], c["domain"], p) for c in planted if not c.get("optional") for p in _pages(c["page"])}
        allowed = {(c["name"], c["domain"], p) for c in planted for p in _pages(c["page"])}
        found = {(r["name"], r["domain"], r["response_url"])
                 for r in sample_crawl.rows("SELECT * FROM cookies WHERE site = ?", site)}
        assert expected <= found <= allowed, site


def test_cookie_attribution_and_party(sample_crawl, sites_manifest):
    for site, spec in sites_manifest.items():
        for cookie in spec["expect"].get("cookies") or []:
            if cookie["set_by"] != "header" or cookie.get("optional"):
                continue
            rows = sample_crawl.rows("SELECT * FROM cookies WHERE site = ? AND name = ?", site, cookie["name"])
            assert rows, (site, cookie["name"])
            for row in rows:
                assert row["service_id"] == cookie.get("vendor"), (site, cookie["name"])
                assert row["party"] == cookie["party"], (site, cookie["name"])
                assert row["set_by"] == "header" and row["raw"], (site, cookie["name"])


def _matches(entry: dict, url: str) -> bool:
    return url.startswith(entry["url"]) if entry.get("match") == "prefix" else url == entry["url"]


def test_third_party_resources_are_exactly_those_planted(sample_crawl, sites_manifest):
    for site, spec in sites_manifest.items():
        planted = [r for r in spec["expect"].get("requests") or [] if r.get("source", "tag") in HTTP_VISIBLE]
        rows = sample_crawl.rows("SELECT * FROM requests WHERE site = ?", site)
        for row in rows:  # nothing recorded that was not planted
            assert any(_matches(e, row["url"]) and e["resource_type"] == row["resource_type"]
                       and row["page_url"] in _pages(e["page"]) for e in planted), (site, row["url"], row["page_url"])
            assert row["party"] == "third" and row["host"] == row["url"].split("/")[2], (site, row["url"])
        fetched = _fetched(sample_crawl, site)
        for entry in planted:  # everything planted is found, on every fetched page it is on, attributed
            pages = [p for p in _pages(entry["page"]) if p in fetched]
            assert pages, (site, entry["url"], "on no fetched page")
            for page in pages:
                hits = [r for r in rows if _matches(entry, r["url"]) and r["page_url"] == page
                        and r["resource_type"] == entry["resource_type"]]
                assert hits, (site, entry["url"], page)
                assert all(h["service_id"] == entry.get("vendor") for h in hits), (site, entry["url"])


def test_inline_tracker_tags_are_exactly_those_planted(sample_crawl, sites_manifest):
    for site, spec in sites_manifest.items():
        fetched = _fetched(sample_crawl, site)
        expected = {(t["vendor"], str(t["id"]), p) for t in spec["expect"].get("inline_trackers") or []
                    for p in _pages(t["page"]) if p in fetched}
        found = {(r["service_id"], r["tracker_id"], r["page_url"])
                 for r in sample_crawl.rows("SELECT * FROM inline_trackers WHERE site = ?", site)}
        assert found == expected, site
        if spec["expect"].get("inline_trackers"):
            assert found, site


def test_forms_and_their_fields_are_exactly_those_planted(sample_crawl, sites_manifest):
    for site, spec in sites_manifest.items():
        expected = spec["expect"].get("forms") or []
        forms = sample_crawl.rows("SELECT * FROM forms WHERE site = ? ORDER BY page_url, form_index", site)
        assert len(forms) == len(expected), (site, [f["page_url"] for f in forms])
        for planted in expected:
            match = [f for f in forms if f["page_url"] == planted["page"] and f["action"] == planted["action"]
                     and f["form_index"] == planted.get("form_index", f["form_index"])]
            assert len(match) == 1, (site, planted["page"])
            form = match[0]
            assert form["method"] == planted["method"], (site, planted["page"])
            assert bool(form["has_consent_checkbox"]) == planted["has_consent_checkbox"], (site, planted["page"])
            assert bool(form["policy_link_near"]) == planted["policy_link_near"], (site, planted["page"])
            assert bool(form["action_is_https"]) == planted["action"].startswith("https://"), (site, planted["page"])
            fields = sample_crawl.rows("SELECT * FROM form_fields WHERE site = ? AND page_url = ? AND form_index = ?"
                                       " ORDER BY field_index", site, form["page_url"], form["form_index"])
            assert [(f["name"], f["type"]) for f in fields] == [(f["name"], f["type"]) for f in planted["fields"]], site
            for field, planted_field in zip(fields, planted["fields"], strict=False):
                assert field["category"] == planted_field.get("category"), (site, field["name"])
                if planted_field.get("label"):
                    assert field["label"] == planted_field["label"], (site, field["name"])


def test_every_fetched_page_points_to_its_warc_record(sample_crawl):
    from warcio.archiveiterator import ArchiveIterator

    pages = sample_crawl.rows("SELECT * FROM pages WHERE status_code IS NOT NULL")
    assert pages
    records = {}
    for path in (sample_crawl.out / "test" / "warc").glob("*.warc.gz"):
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "response":
                    records[record.rec_headers.get_header("WARC-Record-ID")] = (
                        path.name, record.rec_headers.get_header("WARC-Target-URI"))
    for page in pages:
        assert page["warc_record_id"] in records, page["url"]
        assert records[page["warc_record_id"]] == (page["warc_file"], page["url"])


def test_warc_offsets_lead_to_the_record(sample_crawl):
    from warcio.archiveiterator import ArchiveIterator

    page = sample_crawl.rows("SELECT * FROM pages WHERE kind = 'policy' AND status_code = 200 LIMIT 1")[0]
    with open(sample_crawl.out / "test" / "warc" / page["warc_file"], "rb") as stream:
        stream.seek(page["warc_offset"])
        record = next(iter(ArchiveIterator(stream)))
        assert record.rec_headers.get_header("WARC-Record-ID") == page["warc_record_id"]
        assert record.rec_headers.get_header("WARC-Target-URI") == page["url"]


def test_the_log_goes_to_a_file_not_the_terminal(sample_crawl):
    log = sample_crawl.out / "test" / "crawl.log"
    assert log.exists() and "Spider opened" in log.read_text(encoding="utf-8")
    assert "[scrapy" not in sample_crawl.result.stdout + sample_crawl.result.stderr


@pytest.mark.parametrize("status", ["dns_error", "timeout", "tls_error", "robots_blocked", "redirect_loop",
                                    "too_large"])
def test_each_failure_kind_is_planted_and_recorded(sample_crawl, status):
    rows = sample_crawl.rows("SELECT site, error FROM sites WHERE status = ?", status)
    assert rows, f"no sample site ended with {status}"
    assert all(r["error"] for r in rows)
