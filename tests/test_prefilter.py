"""The literal prefilter (kzprivacy.vocabulary.prefilter) only skips what cannot match: every pattern the analysis
runs finds the same matches, narrowed, in every text and sentence of the sample web."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import kzprivacy.analysis.declarations as declarations
import kzprivacy.analysis.policy_facts as policy_facts
from kzprivacy.analysis.sentences import split_sentences
from kzprivacy.extract.documents import html_to_document
from kzprivacy.vocabulary import taxonomy
from kzprivacy.vocabulary.prefilter import Joined, Prefiltered, _branches, literals, lowered, newline_blind

SITES = Path(__file__).resolve().parents[1] / "kzprivacy" / "sampleweb" / "sites"


def _patterns() -> dict[str, re.Pattern]:
    """Every regular expression of the taxonomy and of the two modules that read policies."""
    found: dict[str, re.Pattern] = {}
    for name, value in vars(taxonomy).items():
        values = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, tuple) else []
        if name.isupper() and isinstance(value, str) and not name.endswith(("CHARS", "_CASE")):
            found[name] = re.compile(value)
        for key, item in values:
            if name.endswith(("PATTERNS", "TITLES")) and isinstance(item, str):
                found[f"{name}[{key}]"] = re.compile(item)
    for module in (declarations, policy_facts):
        for name, value in vars(module).items():
            if isinstance(value, (re.Pattern, Prefiltered)):
                found[f"{module.__name__}.{name}"] = value if isinstance(value, re.Pattern) else value.regex
    for compiled in declarations._lexicon():
        if compiled.regex is not None:
            found[compiled.rule.rule] = compiled.regex
    return found


def _strings() -> list[str]:
    texts = [html_to_document(path.read_bytes().decode("utf-8", "replace")).text
             for path in sorted(SITES.glob("*/pages/*.html"))]
    return texts + [sentence.text for text in texts for sentence in split_sentences(text)]


def test_the_prefilter_changes_no_match():
    patterns, strings = _patterns(), _strings()
    assert len(patterns) > 100 and len(strings) > 500
    lows = [lowered(s) for s in strings]
    skipped = 0
    for name, regex in patterns.items():
        prefiltered = Prefiltered(regex)
        for string, low in zip(strings, lows, strict=True):
            expected = [m.span() for m in regex.finditer(string)]
            assert [m.span() for m in prefiltered.finditer(string, low)] == expected, (name, string)
            first = regex.search(string, 3, len(string) - 2)
            found = prefiltered.search(string, low, 3, len(string) - 2)
            assert (found and found.span()) == (first and first.span()), (name, string)
            assert prefiltered.possible(low) or not expected, (name, string)
            skipped += not prefiltered.possible(low)
    assert skipped > len(patterns) * len(strings) / 2     # it does skip


def test_literals_are_what_every_match_contains():
    assert literals(r"(?i)за\s+исключением|\bкроме") == (frozenset({"исключением", "кроме"}),)
    # A sequence requires each of its parts, the most selective first; a class or an optional part nothing.
    assert literals(r"Google\s+(?:Analytics|Maps)\s*[.:]?x?") == (frozenset({"google"}),
                                                                  frozenset({"analytics", "maps"}))
    assert literals(r"\d+|[а-я]{3}") == ()
    assert _branches(r"(?i)a[|]b|(c|d)|\|e|[]|]f") == ("(?i)", ["a[|]b", "(c|d)", r"\|e", "[]|]f"])
    # Where matches start: an optional part or what follows it; as written, or lower-cased under (?i).
    starts = [branch.starts for branch in Prefiltered(r"(?:www\.)?site|\bО\s+данных|(?i:Тоо)|\w+@").branches]
    assert starts == [frozenset({("www.", False), ("site", False)}), frozenset({("О", False)}),
                      frozenset({("тоо", True)}), None]


@pytest.mark.parametrize("text", ["İNFO и данные", "Σ data", "ınfo", "ſtore"])
def test_a_text_that_does_not_lower_plainly_runs_every_pattern(text):
    # re folds these together with plain letters (İ -> i, ı ~ i, ſ ~ s), str.lower() does not.
    assert lowered(text) is None
    prefiltered = Prefiltered(r"(?i)info|store|σ")
    assert prefiltered.possible(lowered(text))
    assert prefiltered.search(text, lowered(text)) and prefiltered.regex.search(text)


def test_newline_blind_patterns_are_seen_by_one_scan_of_the_joined_pieces():
    """What declarations._regex_rules_by_sentence rests on: a piece where a newline-blind pattern matches on its
    own overlaps a match of the pieces joined by newlines; the patterns a newline can fool are told apart."""
    blind = [r"(?<![\w+])\+7\d{3}(?!\d)", r"(?<=\s)x", r"(?<!\S)x\b", r"(?i)\bgoogle\s+analytics",
             r"x(?!\d)", r"a(?!.)", r"[\w.+-]+@(?!(?:[\w-]+\.)*example\.com\b)[\w-]+(?:\.[\w-]+)+"]
    fooled = [r"(?<!\s)x", r"x(?!\s)", r"^x", r"x$", r"(?>x\s*)y", r"x\s*+y", r"(?s)a(?!.)", r"a(?![^b])",
              r"(a)(?!\1)"]
    assert all(newline_blind(p) for p in blind)
    assert not any(newline_blind(p) for p in fooled)
    assert all(newline_blind(c.regex) for c in declarations._lexicon() if c.regex is not None)
    pieces = ["x", " x", "x ", "+7727 x", "a", "ab", "google analytics", "Google", "analytics", "e@site.kz",
              "e@example.com", "xy", "x y", "", " "]
    for pattern in blind:
        regex = re.compile(pattern)
        for a in pieces:
            for b in pieces:
                joined = f"{a}\n{b}"
                spans = [m.span() for m in regex.finditer(joined)]
                for start, piece in ((0, a), (len(a) + 1, b)):
                    if regex.search(piece):
                        assert any(s <= start + len(piece) and e >= start for s, e in spans), (pattern, a, b)
    # And the check can fail: a pattern a newline fools matches a piece alone and nothing in the joined text.
    assert re.search(r"(?<!\s)x", "x") and not re.search(r"(?<!\s)x", "a\nx")


def test_pieces_hold_every_sentence_a_pattern_matches():
    """Prefiltered.pieces, on each sample-web text's sentences: every sentence the pattern matches is among them
    (by the joined scan for a newline-blind pattern, by literals for any other), and most others are not."""
    patterns = {**_patterns(), "fooled": re.compile(r"(?<!\s)(?:ТОО|LLP)"), "no start": re.compile(r"\w+@\w+")}
    texts = [html_to_document(path.read_bytes().decode("utf-8", "replace")).text
             for path in sorted(SITES.glob("*/pages/*.html"))]
    joined = []
    for text in texts:
        sentences = [s.text for s in split_sentences(text)]
        joined.append((sentences, Joined(sentences, [lowered(s) for s in sentences])))
    kept = total = 0
    for name, regex in patterns.items():
        prefiltered = Prefiltered(regex)
        for sentences, pieces in joined:
            found = prefiltered.pieces(pieces)
            matching = {i for i, sentence in enumerate(sentences) if regex.search(sentence)}
            assert matching <= found <= set(range(len(sentences))), (name, sorted(matching - found))
            kept, total = kept + len(found), total + len(sentences)
    assert not Prefiltered(patterns["fooled"]).pieces(Joined([], []))
    assert kept < total / 4


def test_a_pattern_kept_within_lines_is_scanned_only_on_the_lines_holding_its_literals():
    """A long text's scan of a pattern whose matches start anywhere ([\\w.]+@…) but cannot take a newline tries
    only the lines with its literals: the same matches as re, at lines' edges and with pos and endpos too."""
    lines = ["a@b.kz", "x a@b.kz.", "9a@b.kz", "a@b.kz9", "", "—a@b.kz—", "no address here", "a@b", "@b.kz a@b.kz"]
    text = "\n".join(lines * 12)
    for pattern in (r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}", r"(?<!\d)\b\w+@\w+\.kz(?!\d)",
                    r"(?<![\w])\w@b(?![.\w])"):
        prefiltered = Prefiltered(pattern)
        assert len(text) > 300 and prefiltered.branches[0].starts is None
        for pos, endpos in ((0, len(text)), (3, len(text) - 5), (7, 200)):
            expected = [m.span() for m in prefiltered.regex.finditer(text, pos, endpos)]
            assert expected and [m.span() for m in prefiltered.finditer(text, lowered(text), pos, endpos)] == expected
