"""The phrase index (declarations._candidates) only skips phrases that cannot match: declarations found
with it are exactly those found trying every phrase on every sentence."""

from __future__ import annotations

from pathlib import Path

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
