"""The comparison end to end on the sample web: each planted mismatch gives its finding,
and what a site's policy matches gives none."""

from __future__ import annotations

from conftest import run_cli


def _findings(crawl, site):
    return crawl.rows("SELECT * FROM findings WHERE site = ?", site)


def test_every_planted_mismatch_gives_its_finding(sample_crawl, sites_manifest):
    for site, spec in sites_manifest.items():
        findings = _findings(sample_crawl, site)
        for mismatch in spec["expect"].get("mismatches") or []:
            if mismatch["verdict"] == "no_policy":
                # One finding per site names everything collected without a policy.
                hits = [f for f in findings if f["rule"] == "KZ-NO-POLICY" and mismatch["category"] in f["observed"]]
            else:
                hits = [f for f in findings if f["category"] == mismatch["category"]
                        and f["verdict"] == mismatch["verdict"]]
            assert hits, (site, mismatch)
            for hit in hits:
                assert hit["explanation"] and hit["observed"] and hit["observed_url"], (site, hit["rule"])


def test_what_a_policy_matches_gives_no_finding(sample_crawl, sites_manifest):
    for site, spec in sites_manifest.items():
        matches = set(spec["expect"].get("matches") or [])
        wrong = [(f["rule"], f["category"]) for f in _findings(sample_crawl, site) if f["category"] in matches]
        assert wrong == [], site


def test_the_matching_site_has_no_findings_at_all(sample_crawl):
    assert [tuple(f)[:0] or (f["rule"], f["observed"]) for f in _findings(sample_crawl, "kitap-demo.kz")] == []
    summary = sample_crawl.rows("SELECT score FROM site_summaries WHERE site = 'kitap-demo.kz'")[0]
    assert summary["score"] == 100


def test_kazakhstan_rules_fire_on_their_sites(sample_crawl):
    def rules(site):
        return {f["rule"] for f in _findings(sample_crawl, site)}

    assert "KZ-IIN-UNDECLARED" in rules("docs-demo.kz")
    assert "KZ-FOREIGN-TRACKER-VS-STORAGE-IN-KZ" in rules("medshop-demo.kz")
    assert "KZ-NO-POLICY" in rules("nopolicy-demo.kz")
    assert "KZ-POLICY-UNREADABLE" in rules("brokenpdf-demo.kz")
    assert "KZ-FORM-PLAIN-HTTP" in rules("tlsbroken-demo.kz")
    assert "KZ-TRACKING-BEFORE-CONSENT" in rules("webstudio-demo.kz")
    assert "POLICY-INVALID-BIN" in rules("win1251-demo.kz")


def test_a_language_version_that_says_less_is_a_finding_with_both_versions(sample_crawl, sites_manifest):
    planted = {(site, gap["language"]): gap for site, spec in sites_manifest.items()
               for gap in spec["expect"].get("language_gaps") or []}
    assert planted, "the sample web plants at least one language gap"
    found = sample_crawl.rows("SELECT * FROM findings WHERE rule = 'POLICY-LANGUAGE-VERSION-GAP'")
    # Versions that agree (trilingual-demo.kz) give none; every planted gap gives exactly one.
    assert sorted(f["site"] for f in found) == sorted(site for site, _ in planted)
    for finding in found:
        policies = {row["url"]: row["language"] for row in sample_crawl.rows(
            "SELECT url, language FROM policies WHERE site = ?", finding["site"])}
        gap = planted[(finding["site"], policies[finding["observed_url"]])]
        assert policies[finding["policy_url"]] == gap["against"]
        assert finding["observed"].rsplit(": ", 1)[1].split(", ") == gap["categories"]
        for category in gap["categories"]:
            assert f"{category}: «" in finding["policy_evidence"]
        assert finding["warc_record_id"] and finding["explanation"]
    # Read together the versions cover every flow: the gap is the site's only finding.
    for site, _ in planted:
        assert {f["rule"] for f in _findings(sample_crawl, site)} == {"POLICY-LANGUAGE-VERSION-GAP"}


def test_findings_carry_both_sides_of_the_evidence(sample_crawl):
    incorrect = sample_crawl.rows("SELECT * FROM findings WHERE rule = 'KZ-FOREIGN-TRACKER-VS-STORAGE-IN-KZ'")
    assert incorrect
    for finding in incorrect:
        assert "Казахстан" in finding["policy_evidence"] or "Республики" in finding["policy_evidence"]
        assert finding["warc_record_id"] and finding["service_id"]
        page = sample_crawl.rows("SELECT warc_record_id FROM pages WHERE url = ?", finding["observed_url"])[0]
        assert page["warc_record_id"] == finding["warc_record_id"]
        assert "manual review" in finding["explanation"]


def test_every_readable_policy_has_declarations_with_offsets(sample_crawl):
    policies = sample_crawl.rows("SELECT site, url, text FROM policies WHERE is_best = 1 AND status = 'ok'")
    assert len(policies) >= 15
    for policy in policies:
        rows = sample_crawl.rows("SELECT * FROM declarations WHERE site = ? AND policy_url = ?",
                                 policy["site"], policy["url"])
        assert rows, policy["site"]
        for row in rows:
            assert policy["text"][row["start"]:row["end"]] == row["evidence"], (policy["site"], row["category"])


def test_analyze_again_replaces_instead_of_duplicating(sample_crawl):
    counts = {t: sample_crawl.rows(f"SELECT count(*) FROM {t}")[0][0]
              for t in ("declarations", "flows", "findings", "site_summaries", "policy_facts")}
    result = run_cli("analyze", "--out", str(sample_crawl.out), "--crawl-id", "test")
    assert f"{counts['findings']} findings" in result.stdout
    again = {t: sample_crawl.rows(f"SELECT count(*) FROM {t}")[0][0] for t in counts}
    assert again == counts


def test_every_site_has_a_summary_and_a_documented_score(sample_crawl):
    from kzprivacy.analysis.rules import SEVERITY_POINTS

    for row in sample_crawl.rows("SELECT * FROM site_summaries"):
        points = sum(row[f"findings_{s}"] * p for s, p in SEVERITY_POINTS.items())
        assert row["score"] == max(0, 100 - points)
        assert row["findings"] == sample_crawl.rows("SELECT count(*) FROM findings WHERE site = ?", row["site"])[0][0]
