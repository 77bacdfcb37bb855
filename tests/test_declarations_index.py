"""The phrase index (declarations._candidates) and the text-wide regex filter (declarations._regex_rules_by_sentence)
only skip what cannot match: declarations found with them are exactly those found trying every phrase and
every regular expression on every sentence."""

from __future__ import annotations

from pathlib import Path

try:
    import re._parser as regex_parser
except ImportError:     # Python 3.10
    import sre_parse as regex_parser  # type: ignore[no-redef]

import kzprivacy.analysis.declarations as declarations
from kzprivacy.extract.documents import html_to_document
from kzprivacy.vocabulary.language import detect_language

SITES = Path(__file__).resolve().parents[1] / "kzprivacy" / "sampleweb" / "sites"


def _texts() -> list[str]:
    texts = []
    for path in sorted(SITES.glob("*/pages/*.html")):
        text = html_to_document(path.read_bytes().decode("utf-8", "replace")).text
        if len(text) > 300:
            texts.append(text)
    return texts


def test_the_index_changes_nothing_but_speed(monkeypatch):
    texts = _texts()
    assert len(texts) > 20
    indexed = [declarations.extract_declarations(t, detect_language(t)) for t in texts]
    every = {(r, p) for r, c in enumerate(declarations._lexicon()) for p in range(len(c.phrases))}
    monkeypatch.setattr(declarations, "_candidates", lambda words: every)
    plain = [declarations.extract_declarations(t, detect_language(t)) for t in texts]
    assert indexed == plain
    assert sum(len(d) for d in plain) > 100


def test_the_regex_filter_changes_nothing_but_speed(monkeypatch):
    texts = _texts()
    filtered = [declarations.extract_declarations(t, detect_language(t)) for t in texts]
    every = declarations._regex_rules()
    monkeypatch.setattr(declarations, "_regex_rules_by_sentence", lambda joined: [every] * len(joined.lows))
    plain = [declarations.extract_declarations(t, detect_language(t)) for t in texts]
    assert filtered == plain
    assert any(d.rule for ds in plain for d in ds if d.category in ("contact", "operator_identity"))


def _anchors(pattern: regex_parser.SubPattern) -> set[str]:
    found = set()
    for op, av in pattern:
        if str(op) == "AT":
            found.add(str(av))
        for item in (av if isinstance(av, (list, tuple)) else [av]):
            for sub in (item if isinstance(item, (list, tuple)) else [item]):
                if isinstance(sub, regex_parser.SubPattern):
                    found |= _anchors(sub)
    return found


def test_no_lexicon_regex_is_anchored_to_the_start_or_end():
    """_regex_rules_by_sentence scans the sentences joined by newlines: sound only while no rule's regex needs the
    start or end of a sentence (^, $, \\A, \\Z); a word boundary (\\b) behaves the same at a newline."""
    regexes = [c.regex for c in declarations._lexicon() if c.regex is not None]
    assert len(regexes) >= 10
    for regex in regexes:
        anchors = _anchors(regex_parser.parse(regex.pattern, regex.flags))
        assert anchors <= {"AT_BOUNDARY", "AT_NON_BOUNDARY"}, (regex.pattern[:80], anchors)
    assert _anchors(regex_parser.parse("^a|b$")) == {"AT_BEGINNING", "AT_END"}   # the check can fail
