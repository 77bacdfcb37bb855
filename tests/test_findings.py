"""Findings a regulator can sign: each fact once, and the policy's side of every finding true.

Identity (kzprivacy/vocabulary/identity.py) on its own, then on the sample web's leads-demo.kz, whose home
is linked as / and /index.html, whose order page answers as /zakaz and /zakaz/, and whose
call-back widget stands on every page; then the policy side of every rule, rendered in Russian
and English on a site with a policy and on one without.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from kzprivacy.analysis.compare import FINDING_COLUMNS, policy_sides
from kzprivacy.analysis.report.i18n import Lang
from kzprivacy.analysis.report.render import _policy_statement
from kzprivacy.analysis.rules import POLICY_SIDES, RULES, policy_statement
from kzprivacy.vocabulary.identity import canonical_url, form_key, page_aliases
from kzprivacy.vocabulary.messages import message

LEADS = "leads-demo.kz"


# -- identity, pure ---------------------------------------------------------------------------------

def test_tracking_parameters_and_fragments_never_make_a_new_page():
    assert canonical_url("https://Shop-demo.kz:443/order?utm_source=ig&id=5&fbclid=x#form") == \
        "https://shop-demo.kz/order?id=5"
    assert canonical_url("https://shop-demo.kz/?yclid=1&gclid=2") == "https://shop-demo.kz/"
    # What may serve something else is left alone: compared by body after fetching.
    assert canonical_url("https://shop-demo.kz/index.html") == "https://shop-demo.kz/index.html"
    assert canonical_url("http://shop-demo.kz/a/") == "http://shop-demo.kz/a/"
    assert canonical_url("https://shop-demo.kz/search?q=utm_source") == "https://shop-demo.kz/search?q=utm_source"


def test_the_same_body_under_several_urls_is_one_page_named_by_its_best_url():
    pages = [("https://a-demo.kz/index.html", "h1", 200), ("https://a-demo.kz/", "h1", 200),
             ("http://a-demo.kz/", "h1", 200), ("https://a-demo.kz/c/", "h2", 200),
             ("https://a-demo.kz/c", "h2", 200), ("https://a-demo.kz/x", "h404", 404),
             ("https://a-demo.kz/y", "h404", 404), ("https://a-demo.kz/z", None, None)]
    assert page_aliases(pages) == {"https://a-demo.kz/index.html": "https://a-demo.kz/",
                                   "http://a-demo.kz/": "https://a-demo.kz/",
                                   "https://a-demo.kz/c/": "https://a-demo.kz/c"}
    assert page_aliases([("https://a-demo.kz/", "h", float("nan"))]) == {}


def test_a_form_is_its_destination_and_fields_not_the_page_it_stands_on():
    fields = [("name", "text"), ("phone", "tel")]
    on_home = form_key("https://a-demo.kz/", "get", "https://a-demo.kz/", fields)
    on_contacts = form_key("https://a-demo.kz/kontakty", "get", "https://a-demo.kz/kontakty", fields)
    assert on_home == on_contacts  # no action: it posts to whatever page it is on
    https = form_key("https://a-demo.kz/send", "post", "https://a-demo.kz/", fields)
    assert https == form_key("http://a-demo.kz/send", "post", "http://a-demo.kz/x", fields)
    assert https != form_key("https://a-demo.kz/send", "post", "https://a-demo.kz/", fields[:1])
    assert https != form_key("https://forms.tildacdn.com/send", "post", "https://a-demo.kz/", fields,
                             first_party=False)


# -- one fact, one finding on the sample web ----------------------------------------------------------

def test_aliases_are_recorded_and_tracking_twins_never_fetched(sample_crawl, sample_web, sites_manifest):
    spec = sites_manifest[LEADS]["expect"]
    rows = {r["url"]: r["alias_of"] for r in sample_crawl.rows("SELECT url, alias_of FROM pages WHERE site = ?", LEADS)}
    assert {u: a for u, a in rows.items() if a} == spec["aliases"]
    for path in spec["not_fetched"]:
        assert sample_web.served(LEADS, path) == [], path
    assert sample_web.served(LEADS, "/kontakty")
    # No other sample site has two URLs for one page unless the manifest says so.
    others = sample_crawl.rows("SELECT site, url, alias_of FROM pages WHERE alias_of IS NOT NULL AND site <> ?", LEADS)
    for row in others:
        assert sites_manifest[row["site"]]["expect"].get("aliases", {}).get(row["url"]) == row["alias_of"], tuple(row)


def test_a_form_repeated_on_every_page_is_one_finding_listing_its_pages(sample_crawl):
    keys = sample_crawl.rows("SELECT DISTINCT form_key FROM forms WHERE site = ?", LEADS)
    assert len(keys) == 3  # call-back widget, order form, subscription: on 15 page rows
    findings = sample_crawl.rows("SELECT * FROM findings WHERE site = ? ORDER BY rule", LEADS)
    # the subscription form says method="get": its e-mail travels in the address (one finding for its 4 pages)
    assert [f["rule"] for f in findings] == ["KZ-FORM-DATA-IN-URL", "KZ-FORM-NO-CONSENT"]
    assert findings[0]["observed"].startswith("form sending email to https://leads-demo.kz/")
    assert findings[0]["occurrences"] == 4  # /, /zakaz, /kontakty, /privacy (aliases are one page)
    finding = findings[1]
    pages = ["https://leads-demo.kz/", "https://leads-demo.kz/kontakty", "https://leads-demo.kz/zakaz"]
    assert json.loads(finding["seen_at"]) == pages and finding["occurrences"] == 3
    assert finding["policy_side"] == "quoted"
    assert finding["policy_evidence"].startswith("Отправляя заявку через форму Сайта, Пользователь даёт согласие")
    assert finding["policy_url"] == "https://leads-demo.kz/privacy"
    score = sample_crawl.rows("SELECT score, findings FROM site_summaries WHERE site = ?", LEADS)[0]
    assert (score["score"], score["findings"]) == (84, 2)


def test_no_finding_repeats_a_fact_and_none_lists_an_alias(sample_crawl):
    findings = sample_crawl.rows("SELECT * FROM findings")
    aliases = {r["url"] for r in sample_crawl.rows("SELECT url FROM pages WHERE alias_of IS NOT NULL")}
    seen = set()
    for f in findings:
        places = json.loads(f["seen_at"])
        assert places and f["occurrences"] == len(places), (f["site"], f["rule"])
        assert not aliases & set(places), (f["site"], f["rule"], places)
        key = (f["site"], f["rule"], f["category"], f["service_id"], f["observed"])
        assert key not in seen, key
        seen.add(key)
    # A form rule: one finding per distinct form, never one per page.
    per_form = sample_crawl.rows(
        "SELECT site, rule, count(*) AS n, count(DISTINCT observed) AS forms FROM findings"
        " WHERE rule IN ('KZ-FORM-NO-CONSENT', 'KZ-FORM-PLAIN-HTTP') GROUP BY site, rule")
    for row in per_form:
        keys = sample_crawl.rows("SELECT count(DISTINCT form_key) FROM forms WHERE site = ?", row["site"])[0][0]
        assert row["n"] <= keys, tuple(row)


def test_a_site_with_a_policy_never_reads_policy_not_found(sample_crawl):
    report = sample_crawl.out / sample_crawl.crawl_id / "report" / "sites"
    with_policy = sample_crawl.rows("SELECT site FROM sites WHERE policy_url IS NOT NULL")
    assert len(with_policy) >= 15
    for row in with_policy:
        sides = {r[0] for r in sample_crawl.rows("SELECT policy_side FROM findings WHERE site = ?", row["site"])}
        assert "no_policy" not in sides, row["site"]
    pages = list(report.glob("*.html"))
    assert pages
    leads = next(p for p in pages if p.name.startswith("leads-demo"))
    html = leads.read_text(encoding="utf-8")
    assert "Политика конфиденциальности не найдена" not in html
    assert "Отправляя заявку через форму Сайта" in html


# -- the policy side of every rule, both languages --------------------------------------------------

POLICY = "https://example-demo.kz/privacy"
TOPIC_SENTENCE = {"consent": "Отправляя форму, Пользователь даёт согласие на обработку данных.",
                  "security": "Данные передаются по защищённому каналу с шифрованием.",
                  "cookies": "Сайт использует файлы cookie."}


def _finding(rule: str, site: str) -> dict:
    spec = RULES[rule]
    category = {"KZ-FORM-NO-CONSENT": "consent", "KZ-FORM-PLAIN-HTTP": "security",
                "KZ-TRACKING-BEFORE-CONSENT": "consent", "KZ-IIN-UNDECLARED": "iin"}.get(rule, "phone")
    quoted_by_flow = spec.verdict is None and rule != "FLOW-UNDECLARED" and rule != "KZ-IIN-UNDECLARED"
    return {"site": site, "category": category, "verdict": spec.verdict or "omitted", "severity": spec.severity,
            "observed": "x", "observed_url": f"https://{site}/", "rule": rule,
            "policy_evidence": "Мы собираем номер телефона." if quoted_by_flow and site == "with-demo.kz" else None,
            "policy_url": None}


def _sides(with_topics: bool) -> pd.DataFrame:
    rows = [_finding(rule, site) for rule in RULES for site in ("with-demo.kz", "without-demo.kz", "broken-demo.kz")]
    findings = pd.DataFrame(rows).reindex(columns=FINDING_COLUMNS)
    sites = pd.DataFrame({"site": ["with-demo.kz", "without-demo.kz", "broken-demo.kz"],
                          "policy_url": [POLICY, None, "https://broken-demo.kz/p.pdf"],
                          "policy_status": ["ok", None, "parse_error"]})
    summary = pd.DataFrame([{"site": "with-demo.kz", "category": c, "declared_specific": True,
                             "declared_vague": False, "denied": False, "policy_evidence": s, "policy_url": POLICY,
                             "denied_evidence": None} for c, s in TOPIC_SENTENCE.items()] if with_topics else [],
                           columns=["site", "category", "declared_specific", "declared_vague", "denied",
                                    "policy_evidence", "policy_url", "denied_evidence"])
    return policy_sides(findings, sites, summary)


@pytest.mark.parametrize("with_topics", [True, False])
def test_every_rule_states_the_policy_side_truly_in_both_languages(with_topics):
    out = _sides(with_topics)
    assert set(out["policy_side"]) <= set(POLICY_SIDES)
    for f in out.astype(object).where(out.notna(), None).to_dict("records"):
        rule, site = RULES[f["rule"]], f["site"]
        policy = {"url": POLICY, "status": "ok"} if site == "with-demo.kz" else (
            {"url": "https://broken-demo.kz/p.pdf", "status": "parse_error", "error": "broken PDF"}
            if site == "broken-demo.kz" else None)
        ru = _policy_statement(Lang("ru"), f, policy)
        en = _policy_statement(Lang("en"), f, policy)
        kk = _policy_statement(Lang("kk"), f, policy)
        where = (f["rule"], site, with_topics)
        assert kk == ru, where  # Kazakh reports use the Russian sentence
        if site == "without-demo.kz":
            assert f["policy_side"] == "no_policy", where
            assert ru == "Политика конфиденциальности на сайте не найдена." and \
                en == "No privacy policy was found on the site.", where
            continue
        assert f["policy_url"] == (POLICY if site == "with-demo.kz" else "https://broken-demo.kz/p.pdf"), where
        assert "не найдена" not in ru and "not found" not in en, where
        if site == "broken-demo.kz":
            assert f["policy_side"] == "unreadable", where
            assert "не удалось прочитать" in ru and "broken PDF" in ru and "could not be read" in en, where
            continue
        topic = next((t for t in rule.policy_topics if t in TOPIC_SENTENCE), None) if with_topics else None
        if f["policy_evidence"]:
            assert f["policy_side"] == "quoted", where
            if topic and f["rule"].startswith("KZ-"):
                assert f["policy_evidence"] == TOPIC_SENTENCE[topic], where
            continue
        assert topic is None, where  # a rule with a topic the policy speaks of always quotes it
        assert f["policy_side"] == "silent", where
        named = rule.policy_topics[0] if rule.policy_topics else f["category"]
        en_topic, ru_topic = message("en", f"category.{named}"), message("ru", f"category.{named}")
        assert ru == (f"Политика найдена и прочитана ({POLICY}), но ни одно её предложение не касается темы"
                      f" «{ru_topic}»."), where
        assert en == f"A policy was found and read ({POLICY}); no sentence in it is about “{en_topic}”.", where


def test_every_policy_side_has_a_sentence_in_both_languages():
    for side in POLICY_SIDES:
        for lang in ("ru", "en"):
            text = policy_statement(side, lang, rule="KZ-FORM-NO-CONSENT", category="consent", policy_url=POLICY,
                                    policy_evidence="Цитата.", policy_error="broken PDF")
            assert text and "{" not in text, (side, lang)
