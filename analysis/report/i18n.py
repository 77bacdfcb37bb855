"""The reports' words in Russian, English and Kazakh, as `Lang`: the templates' `t`.

The words themselves are the message catalogue's (kzprivacy/vocabulary/messages/, one module
per language, every key in all three); this module only picks from it for one language and
fills what a template needs: a key missing from the catalogue shows as the key itself, so a
gap is visible rather than silent (the catalogue's test keeps there being none).

Rule explanations: the findings table stores one explanation in English, but the rule code
is stable, so a report shows the rule's sentence (`rule.CODE`) in its own language, filled
from the finding with {category} (its meaning in that language), {observed} and {country}
(the country from the knowledge base, by the finding's service_id). A rule with no sentence,
or one whose placeholders cannot all be filled, keeps the explanation the analysis stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from kzprivacy.vocabulary.messages import LANGUAGES, lookup
from kzprivacy.vocabulary.taxonomy import SEVERITIES

__all__ = ["LANGUAGES", "Lang", "rule_template"]

def _first(*values: Any) -> str:
    for value in values:
        if isinstance(value, str) and value:
            return value
    return ""


class _Blank(dict):
    """format_map source that leaves unknown placeholders visible instead of failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass(frozen=True)
class Lang:
    """One language's lookups, handed to the templates as `t`, `cat`, `verdict_name` and so on."""

    code: str

    def __post_init__(self) -> None:
        if self.code not in LANGUAGES:
            raise ValueError(f"unknown report language {self.code!r}; use one of {', '.join(LANGUAGES)}")

    def __call__(self, key: str, **values: Any) -> str:
        text = lookup(self.code, key)
        if text is None:
            return key
        return text.format(**values) if values else text

    def _group(self, group: str, code: Any) -> str | None:
        return lookup(self.code, f"{group}.{code}") if isinstance(code, str) and code else None

    def category(self, code: Any) -> str:
        """A taxonomy category's meaning; unknown codes (tracker categories, say) are shown as they are."""
        if not isinstance(code, str) or not code:
            return "—"
        return self._group("category", code) or code.replace("_", " ")

    def verdict(self, code: Any) -> str:
        if not isinstance(code, str):
            return "—"
        return self._group("verdict", code) or code

    def verdict_meaning(self, code: Any) -> str:
        return self._group("verdict_meaning", code) or ""

    def severity(self, code: Any) -> str:
        return self(code) if code in SEVERITIES else (code if isinstance(code, str) else "—")

    def status(self, code: Any) -> str:
        if not isinstance(code, str):
            return "—"
        return self._group("status", code) or code

    def status_meaning(self, code: Any) -> str:
        return self._group("status_meaning", code) or ""

    def country(self, code: Any) -> str:
        if not isinstance(code, str) or not code:
            return self("unknown")
        # The catalogue names the countries reports usually meet; any other by its ISO 3166 English name.
        return self._group("country", code) or _iso_name(code) or code

    def language(self, code: Any) -> str:
        if not isinstance(code, str) or not code:
            return "—"
        return self._group("language", code) or code

    def explain(self, finding: Mapping[str, Any]) -> str:
        """The explanation of a finding in this language: the rule's sentence, else what the analysis stored."""
        stored = _first(finding.get("explanation"))
        template = rule_template(finding.get("rule") or "", self.code)
        if template is None:
            return stored or self._group("verdict_sentence", finding.get("verdict")) or ""
        category = finding.get("category")
        category = category if isinstance(category, str) else ""
        # The category in the sentence's own language (Kazakh sentences are the documented Russian ones).
        values = _Blank(category=self._group("category", category) or category,
                        observed=_first(finding.get("observed")))
        country = _service_country(finding.get("service_id"))
        if country:
            values["country"] = self.country(country)
        text = template.format_map(values)
        if "{" in text and stored:  # a value the template needs is not in the row: keep the analysis's sentence
            return stored
        return text

    def rule_title(self, code: Any) -> str:
        if not isinstance(code, str):
            return "—"
        return self._group("rule_title", code) or code


def rule_template(rule: str, lang: str) -> str | None:
    """The sentence of a rule code in a language, as a template (catalogue key `rule.CODE`), or None."""
    return lookup(lang, f"rule.{rule}") if rule else None


@cache
def _service_country(service_id: Any) -> str | None:
    if not isinstance(service_id, str) or not service_id:
        return None
    try:
        from kzprivacy.vocabulary import trackers
        return trackers.get(service_id).country
    except (ImportError, KeyError):
        return None


@lru_cache(maxsize=1)
def _iso_names() -> dict[str, str]:
    from kzprivacy.vocabulary.trackers._model import iso_countries

    return iso_countries()


def _iso_name(code: str) -> str | None:
    return _iso_names().get(code)
