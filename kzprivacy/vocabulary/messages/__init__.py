"""The message catalogue: every user-facing string of kzprivacy, one module per language (ru, en, kk).

Why Python modules and not YAML, JSON or gettext: they need no loader and no package data, a typo in
a key is a KeyError at the call (not a silently blank cell), and a duplicate key is a linter error
(ruff F601). gettext keys messages by their English text, which would make the English sentences
that the data contract stores (findings.explanation) impossible to correct without breaking every
translation; here keys are stable names.

Keys are flat strings; a group is a prefix:

- report keys without a prefix (`report_title`, `site`, `policies_changed` ...): the reports' words,
  also the section titles of "what changed" (kzprivacy/analysis/report/changes.py);
- `status.CODE` / `status_meaning.CODE`: a site status, short and explained (taxonomy.SITE_STATUSES);
- `category.CODE`, `verdict.CODE` (short), `verdict_meaning.CODE`, `verdict_sentence.CODE`;
- `language.CODE`, `country.ISO` (other countries: the ISO 3166 English name of the tracker base);
- `rule.CODE` (the rule's sentence, a template), `rule_title.CODE`, `policy_side.SIDE`.

Every key exists in all three languages. The one documented exception: the key groups in
kk.FROM_RUSSIAN are shown in Russian in Kazakh (kk.py says why). tests/test_messages.py checks both.
This module sits in the vocabulary, the bottom floor, so the analysis (rule sentences), the reports,
the application and the commands all read the same words.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import en, kk, ru

__all__ = ["LANGUAGES", "CATALOGUES", "FROM_RUSSIAN", "lookup", "message", "undocumented_gaps"]

LANGUAGES: tuple[str, ...] = ("ru", "en", "kk")
CATALOGUES: dict[str, Mapping[str, str]] = {"ru": ru.MESSAGES, "en": en.MESSAGES, "kk": kk.MESSAGES}
FROM_RUSSIAN: tuple[str, ...] = kk.FROM_RUSSIAN


def lookup(lang: str, key: str) -> str | None:
    """The text of `key` in `lang`, or None when the catalogue has no such key.

    The only fallback is the documented one: a Kazakh key in a FROM_RUSSIAN group is read in Russian.
    """
    catalogue = CATALOGUES.get(lang)
    if catalogue is None:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
    text = catalogue.get(key)
    if text is None and lang == "kk" and key.startswith(FROM_RUSSIAN):
        text = ru.MESSAGES.get(key)
    return text


def message(lang: str, key: str, **values: Any) -> str:
    """The text of `key` in `lang` with `values` filled in; an unknown key is a KeyError (a bug, not a blank).

    Values are inserted as given: a caller that writes HTML or Markdown escapes site text first.
    """
    text = lookup(lang, key)
    if text is None:
        raise KeyError(f"no message {key!r} in the {lang} catalogue")
    return text.format(**values) if values else text


def undocumented_gaps(lang: str) -> list[str]:
    """Keys of any catalogue that `lang` neither has nor falls back for in the documented way (should be [])."""
    every = set().union(*(set(c) for c in CATALOGUES.values()))
    return sorted(key for key in every if lookup(lang, key) is None)
