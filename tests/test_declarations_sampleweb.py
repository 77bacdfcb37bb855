"""The sample web's policies, as its server sends them, read against what each site.yaml plants.

Each sample site lists the categories its policy covers (`matches`) and the flows it leaves out
or contradicts (`mismatches`); the declarations must agree, or the comparison built on them cannot.
"""

import pytest

from kzprivacy.analysis.declarations import extract_declarations, summarise
from kzprivacy.analysis.policy_facts import extract_facts
from kzprivacy.extract.documents import DocumentError, to_document
from kzprivacy.vocabulary.language import detect_language
from kzprivacy.sampleweb.generated import generated_site
from kzprivacy.sampleweb.manifest import load_site_specs
from kzprivacy.sampleweb.sites import Site


def _served_policies():
    """(site, spec, language, policy text) for every policy the sample web serves, variants included."""
    specs = [(spec, root) for spec, root in load_site_specs()] + [(generated_site(i), None) for i in (1, 2, 7)]
    for spec, root in specs:
        expect = spec.get("expect") or {}
        policies = ([expect["policy"]] if expect.get("policy") else []) + list(expect.get("policy_variants") or [])
        for policy in policies:
            if policy.get("status", "ok") != "ok":
                continue  # planted unreadable (a broken file, a page a script draws): nothing to read statically
            site = Site(spec, root)
            response = site.respond("GET", "https", "/" + policy["url"].split("/", 3)[3])
            if response.status != 200 or response.body is None:
                continue
            content_type = dict(response.headers).get("Content-Type", "text/html")
            text = None
            if content_type.startswith(("text/", "application/xhtml")):
                # The crawler hands over the body decoded as Scrapy does; so does this test.
                charset = content_type.split("charset=", 1)[1] if "charset=" in content_type else site.charset
                text = response.body.decode(charset)
            try:
                document = to_document(response.body, text=text, content_type=content_type, url=policy["url"])
            except DocumentError:
                continue   # the broken PDF: nothing to read
            yield spec["domain"], spec, policy["language"], document.text


SERVED = list(_served_policies())


def test_the_sample_web_serves_policies_in_three_languages():
    assert {language for _, _, language, _ in SERVED} >= {"ru", "kk", "en"}
    assert len(SERVED) >= 15


@pytest.mark.parametrize(("domain", "spec", "language", "text"), SERVED,
                         ids=[f"{d}-{lang}" for d, _, lang, _ in SERVED])
def test_declarations_agree_with_the_planted_expectations(domain, spec, language, text):
    expect = spec["expect"]
    statuses = summarise(extract_declarations(text))
    for category in expect.get("matches") or []:
        assert statuses.get(category) == "declared", (domain, language, category, statuses.get(category))
    for mismatch in expect.get("mismatches") or []:
        category, verdict = mismatch["category"], mismatch["verdict"]
        if verdict == "omitted":
            assert category not in statuses, (domain, language, category, mismatch["note"])
        elif verdict == "incorrect":
            assert statuses.get(category) == "denied", (domain, language, category, mismatch["note"])
    assert detect_language(text) == language


# The served policies whose site plants an operator with a BIN (the others have none to find).
WITH_OPERATOR = [(d, s, lang, t) for d, s, lang, t in SERVED if (s.get("operator") or {}).get("bin")]


def test_some_sample_policies_plant_an_operator():
    assert len(WITH_OPERATOR) >= 5, [d for d, *_ in WITH_OPERATOR]


@pytest.mark.parametrize(("domain", "spec", "language", "text"), WITH_OPERATOR,
                         ids=[f"{d}-{lang}" for d, _, lang, _ in WITH_OPERATOR])
def test_facts_find_the_planted_operator(domain, spec, language, text):
    operator = spec["operator"]
    facts = extract_facts(text)
    assert (operator["bin"], operator["bin_valid"]) in facts.bins, (domain, facts.bins)
    assert facts.operator_names, domain
    assert ("invalid_bin" in [code for code, _ in facts.warnings]) is not operator["bin_valid"]
