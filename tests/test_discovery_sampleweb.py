"""Discovery as real sites do it, end to end: the sample sites planted for each pattern, scanned through the CLI.

The manifest-driven tests (test_crawl_sampleweb.py) already check that each policy is found where planted
and how; these check what the manifest has no key for: the consent kept as its own kind, the in-page
policy's text, the finding of a policy named without a link, the short policy's finding, the probes.
"""

from __future__ import annotations


def _rules(crawl, site: str) -> set[str]:
    return {r["rule"] for r in crawl.rows("SELECT rule FROM findings WHERE site = ?", site)}


def test_the_consent_is_fetched_and_kept_as_a_consent_not_as_the_policy(sample_crawl):
    rows = {r["url"]: r for r in sample_crawl.rows("SELECT * FROM policies WHERE site = 'consentlabel-demo.kz'")}
    consent = rows["https://consentlabel-demo.kz/consent.html"]
    regulation = rows["https://consentlabel-demo.kz/regulation.html"]
    assert (consent["document_kind"], consent["is_best"], consent["found_via"]) == ("consent", 0, "consent_link")
    assert (regulation["document_kind"], regulation["is_best"]) == ("privacy_policy", 1)


def test_the_modal_policy_is_the_sites_policy_with_its_own_text(sample_crawl):
    policy = sample_crawl.rows("SELECT * FROM policies WHERE site = 'modal-demo.kz' AND is_best = 1")[0]
    assert policy["url"] == "https://modal-demo.kz/#privacyModal" and policy["found_via"] == "in_page"
    assert "удаляются через шесть месяцев" in policy["text"] and "Зарегистрироваться" not in policy["text"]
    assert policy["chars"] > 500 and policy["warc_record_id"]
    page = sample_crawl.rows("SELECT warc_record_id FROM pages WHERE url = 'https://modal-demo.kz/'")[0]
    assert policy["warc_record_id"] == page["warc_record_id"]  # traceable to the bytes of the page that holds it
    declared = {r["category"] for r in sample_crawl.rows(
        "SELECT category FROM declarations WHERE site = 'modal-demo.kz' AND status = 'declared'")}
    assert {"name", "email", "retention"} <= declared
    assert "KZ-NO-POLICY" not in _rules(sample_crawl, "modal-demo.kz")


def test_a_policy_named_without_a_link_is_its_own_finding_not_no_policy(sample_crawl):
    mention = sample_crawl.rows("SELECT * FROM policies WHERE site = 'mention-demo.kz' ORDER BY url")
    assert [(m["url"], m["status"], m["found_via"], m["is_best"]) for m in mention] == [
        ("https://mention-demo.kz/#policy-mention", "mention", "text_mention", 0),  # the footer's plain text
        ("https://mention-demo.kz/politika.html", "mention", "consent_link", 0)]   # the form note's dead link
    assert "Политика конфиденциальности" in mention[0]["text"] and "404" in mention[1]["error"]
    rules = _rules(sample_crawl, "mention-demo.kz")
    assert "KZ-POLICY-NOT-LINKED" in rules and "KZ-NO-POLICY" not in rules
    finding = sample_crawl.rows(
        "SELECT * FROM findings WHERE site = 'mention-demo.kz' AND rule = 'KZ-POLICY-NOT-LINKED'")
    assert finding[0]["manual_review"] == 1 and "address" in finding[0]["observed"]
    # It looked at the usual addresses before saying so.
    fetched = {r["url"] for r in sample_crawl.rows("SELECT url FROM pages WHERE site = 'mention-demo.kz'")}
    assert "https://mention-demo.kz/privacy-policy" in fetched


def test_the_short_policy_is_kept_and_flagged_for_what_it_lacks(sample_crawl):
    site = sample_crawl.rows("SELECT policy_url FROM sites WHERE site = 'shortpolicy-demo.kz'")[0]
    assert site["policy_url"] == "https://shortpolicy-demo.kz/privacy"
    rules = _rules(sample_crawl, "shortpolicy-demo.kz")
    assert "POLICY-SHORT" in rules and "KZ-NO-POLICY" not in rules
    observed = sample_crawl.rows(
        "SELECT observed FROM findings WHERE site = 'shortpolicy-demo.kz' AND rule = 'POLICY-SHORT'")[0]["observed"]
    assert all(word in observed for word in ("retention", "user_rights", "contact"))


def test_a_page_without_links_is_probed_at_the_common_paths(sample_crawl):
    fetched = {r["url"] for r in sample_crawl.rows("SELECT url FROM pages WHERE site = 'onepage-demo.kz'")}
    assert {"https://onepage-demo.kz/", "https://onepage-demo.kz/privacy-policy"} <= fetched


def test_no_site_that_serves_a_policy_titled_page_is_reported_no_policy(sample_crawl, sites_manifest):
    """Every site whose manifest plants a policy document gets no KZ-NO-POLICY, whatever its shape."""
    for site, spec in sites_manifest.items():
        if spec["expect"].get("policy"):
            assert "KZ-NO-POLICY" not in _rules(sample_crawl, site), site
    assert "KZ-NO-POLICY" in _rules(sample_crawl, "nopolicy-demo.kz")  # and the rule still fires where it should


def test_a_policy_page_drawn_by_a_script_is_an_unreadable_policy_over_http(sample_crawl):
    policy = sample_crawl.rows("SELECT * FROM policies WHERE site = 'spashell-demo.kz' AND is_best = 1")[0]
    assert (policy["status"], policy["document_kind"]) == ("empty", "privacy_policy") and "--render" in policy["error"]
    rules = _rules(sample_crawl, "spashell-demo.kz")
    assert "KZ-POLICY-UNREADABLE" in rules and "KZ-NO-POLICY" not in rules
