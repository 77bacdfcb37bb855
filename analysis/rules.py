"""The comparison's rules: stable codes, severities, verdicts, and the sentence a regulator reads.

A rule code never changes meaning once published: reports, datasets and weekly
diffs join on it. Explanations are templates filled with what was observed; their
wording, in every language, is the message catalogue's (`rule.CODE`,
kzprivacy/vocabulary/messages/), the English one being what findings.explanation stores.
"""

from __future__ import annotations

from dataclasses import dataclass

from kzprivacy.vocabulary.messages import lookup, message

__all__ = ["Rule", "RULES", "SEVERITY_POINTS", "POLICY_SIDES", "score", "sentence", "explain", "policy_statement"]


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str          # high | medium | low | info
    verdict: str | None    # the verdict it always gives, or None when the flow's verdict is used
    manual_review: bool = False
    # The policy's side of the finding: the categories whose sentence bears on it (the first one the policy
    # declares is quoted); empty: the finding's own category. `policy_side` fixes the side for a rule whose
    # finding does not depend on any policy ("not_applicable").
    policy_topics: tuple[str, ...] = ()
    policy_side: str | None = None


_RULES = [
    # -- flows judged against the policy (verdict from the comparison) --------------------------
    Rule("FLOW-UNDECLARED", "medium", None),
    Rule("FLOW-VAGUE", "low", None),
    Rule("FLOW-DENIED", "high", None),
    Rule("FLOW-CONTRADICTORY", "medium", None),
    Rule("VENDOR-UNNAMED", "low", "vague"),
    # -- Kazakhstan-specific rules ----------------------------------------------------------------
    Rule("KZ-IIN-UNDECLARED", "high", None),
    Rule("KZ-FOREIGN-TRACKER-VS-STORAGE-IN-KZ", "high", "incorrect"),
    Rule("KZ-FOREIGN-TRANSFER-UNDECLARED", "medium", "omitted"),
    Rule("KZ-NO-POLICY", "high", "no_policy"),
    Rule("KZ-POLICY-UNREADABLE", "medium", "no_policy", manual_review=True),
    Rule("KZ-POLICY-NOT-LINKED", "medium", "bad_practice", manual_review=True),
    Rule("KZ-CONSENT-WITHOUT-POLICY", "medium", "bad_practice"),
    Rule("KZ-FORM-NO-CONSENT", "medium", "bad_practice", policy_topics=("consent",)),
    Rule("KZ-FORM-PLAIN-HTTP", "high", "bad_practice", policy_topics=("security",)),
    Rule("KZ-FORM-DATA-IN-URL", "medium", "bad_practice", policy_topics=("security",)),
    Rule("KZ-TRACKING-BEFORE-CONSENT", "medium", "bad_practice", policy_topics=("cookies", "consent")),
    # -- the policy itself -------------------------------------------------------------------------
    Rule("POLICY-FOREIGN-LAW", "medium", "incorrect"),
    Rule("POLICY-NO-KZ-LAW", "low", "omitted"),
    Rule("POLICY-TEMPLATE-PLACEHOLDER", "medium", "vague"),
    Rule("POLICY-NO-OPERATOR", "medium", "omitted"),
    Rule("POLICY-INVALID-BIN", "medium", "incorrect"),
    Rule("POLICY-EMPTY-CONTACT", "low", "vague"),
    Rule("POLICY-SHORT", "medium", "omitted"),
    # -- language versions of one policy (analysis/versions.py) ------------------------------------
    Rule("POLICY-LANGUAGE-VERSION-GAP", "medium", "omitted"),
    Rule("POLICY-UNLIMITED-RETENTION", "medium", "bad_practice"),
]

RULES: dict[str, Rule] = {rule.code: rule for rule in _RULES}

# The site score: 100 minus these points per finding, never below 0. Documented in docs/analysis.md.
SEVERITY_POINTS = {"high": 20, "medium": 8, "low": 3, "info": 0}


def score(severities: list[str]) -> int:
    return max(0, 100 - sum(SEVERITY_POINTS.get(s, 0) for s in severities))


# The policy's side of a finding when it is not a quoted sentence (findings.policy_side); the sentence
# for each is the catalogue's `policy_side.SIDE`.
POLICY_SIDES: tuple[str, ...] = ("quoted", "silent", "no_policy", "unreadable", "not_applicable")


def _language(lang: str) -> str:
    # The analysis writes English (the data contract) or Russian; any other report language reads the
    # catalogue through its own documented fallback.
    return lang if lang in ("en", "ru", "kk") else "en"


def _topic(code: str, lang: str) -> str:
    return lookup(_language(lang), f"category.{code}") or code


def policy_statement(side: str, lang: str = "en", *, rule: str = "", category: str = "", policy_url: str = "",
                     policy_evidence: str = "", policy_error: str = "") -> str:
    """The policy's side of a finding as one true sentence: the quote, or exactly why there is none."""
    spec = RULES.get(rule)
    topic = (spec.policy_topics[0] if spec and spec.policy_topics else "") or category
    side = side if side in POLICY_SIDES else "silent"
    fill = {"policy_url": policy_url or "—", "policy_evidence": policy_evidence, "policy_error": policy_error or "—",
            "topic": _topic(topic, lang)}
    return message(_language(lang), f"policy_side.{side}").format_map(_Keep(fill))


def sentence(code: str, lang: str = "en") -> str:
    """The rule's sentence as a template ({observed}, {category}, {country}); KeyError for an unknown rule."""
    if code not in RULES:  # an unknown rule is an error, not a blank sentence
        raise KeyError(code)
    return message(_language(lang), f"rule.{code}")


def explain(code: str, lang: str = "en", **values: str) -> str:
    """The rule's sentence with the observed values filled in; unknown placeholders stay visible."""
    fill = {"observed": "", "country": "", **values, "category": _topic(values.get("category", ""), lang)}
    return sentence(code, lang).format_map(_Keep(fill))


class _Keep(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
