"""The message catalogue: every key in all three languages, the same placeholders in each, every code worded."""

from __future__ import annotations

import string

import pytest

from kzprivacy.analysis.rules import POLICY_SIDES, RULES
from kzprivacy.vocabulary import messages, taxonomy
from kzprivacy.vocabulary.messages import CATALOGUES, FROM_RUSSIAN, LANGUAGES, lookup, message


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_key_exists_in_every_language(lang):
    assert messages.undocumented_gaps(lang) == []


def test_the_only_fallback_is_the_documented_one():
    # Russian and English are complete on their own; Kazakh lacks exactly the groups it documents.
    assert set(CATALOGUES["ru"]) == set(CATALOGUES["en"])
    lacking = set(CATALOGUES["en"]) - set(CATALOGUES["kk"])
    assert lacking and all(key.startswith(FROM_RUSSIAN) for key in lacking)
    assert {key.split(".")[0] + "." for key in lacking} == set(FROM_RUSSIAN)  # no stale group in the list
    assert lookup("kk", "rule.KZ-NO-POLICY") == lookup("ru", "rule.KZ-NO-POLICY")
    assert lookup("kk", "no_such_key") is None
    with pytest.raises(KeyError):
        message("en", "no_such_key")
    with pytest.raises(ValueError, match="unknown language 'de'"):
        lookup("de", "site")


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_translations_fill_the_same_placeholders(lang):
    # A translation that drops {observed} or misspells {n} would silently lose what was seen.
    for key, text in CATALOGUES[lang].items():
        assert _fields(text) == _fields(CATALOGUES["en"][key]), (lang, key)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_code_of_the_vocabulary_is_worded(lang):
    keys = [f"category.{c}" for c in taxonomy.CATEGORIES]
    keys += [f"verdict.{c}" for c in taxonomy.VERDICTS] + [f"verdict_meaning.{c}" for c in taxonomy.VERDICTS]
    keys += [f"verdict_sentence.{c}" for c in taxonomy.VERDICTS]
    keys += [f"status.{c}" for c in taxonomy.SITE_STATUSES] + [f"status_meaning.{c}" for c in taxonomy.SITE_STATUSES]
    keys += [f"rule.{c}" for c in RULES] + [f"rule_title.{c}" for c in RULES]
    keys += [f"policy_side.{s}" for s in POLICY_SIDES] + list(taxonomy.SEVERITIES)
    assert [key for key in keys if not lookup(lang, key)] == []


def test_no_message_is_worded_for_a_code_that_does_not_exist():
    codes = {"category": set(taxonomy.CATEGORIES), "verdict": set(taxonomy.VERDICTS),
             "verdict_meaning": set(taxonomy.VERDICTS), "verdict_sentence": set(taxonomy.VERDICTS),
             "status": set(taxonomy.SITE_STATUSES), "status_meaning": set(taxonomy.SITE_STATUSES),
             "rule": set(RULES), "rule_title": set(RULES), "policy_side": set(POLICY_SIDES)}
    for key in CATALOGUES["en"]:
        group, dot, code = key.partition(".")
        if dot and group in codes:
            assert code in codes[group], key
