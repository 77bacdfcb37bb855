"""A policy text analysed once is not analysed again: policy_analyses keeps each distinct text's result for
every later crawl in the database, under the fingerprint of the analysis that produced it."""

from __future__ import annotations

import sqlite3

import kzprivacy.analysis.run as run
from kzprivacy.analysis.run import analyze_crawl

from test_analysis_chunks import _analysis_rows, _crawl


def test_a_second_analysis_reuses_every_text_and_finds_the_same(tmp_path, monkeypatch):
    db = tmp_path / "k.db"
    _crawl(db)
    first = analyze_crawl(db, "c")
    assert (first["texts_analysed"], first["texts_reused"]) == (2, 0)   # two distinct texts on six sites
    expected = _analysis_rows(db)

    analysed: list[str] = []
    real = run.analyze_policy_text
    monkeypatch.setattr(run, "analyze_policy_text", lambda text: analysed.append(text) or real(text))
    second = analyze_crawl(db, "c")
    assert analysed == [] and (second["texts_analysed"], second["texts_reused"]) == (0, 2)
    assert _analysis_rows(db) == expected

    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT analyzer, count(*) FROM policy_analyses GROUP BY analyzer").fetchall()
    conn.close()
    assert rows == [(run.analyzer_fingerprint(), 2)]


def test_a_new_analysis_version_analyses_every_text_again(tmp_path, monkeypatch):
    db = tmp_path / "k.db"
    _crawl(db)
    analyze_crawl(db, "c")
    monkeypatch.setattr(run, "analyzer_fingerprint", lambda: "a-changed-lexicon")
    again = analyze_crawl(db, "c")
    assert (again["texts_analysed"], again["texts_reused"]) == (2, 0)
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM policy_analyses").fetchone()[0] == 4
    conn.close()


def test_the_fingerprint_follows_the_lexicon_source(tmp_path, monkeypatch):
    from pathlib import Path

    from kzprivacy.vocabulary import taxonomy

    run.analyzer_fingerprint.cache_clear()
    fingerprint = run.analyzer_fingerprint()
    assert len(fingerprint) == 16
    edited = tmp_path / "taxonomy.py"
    edited.write_bytes(Path(taxonomy.__file__).read_bytes() + b"\n# one more lexicon phrase\n")
    monkeypatch.setattr(taxonomy, "__file__", str(edited))
    run.analyzer_fingerprint.cache_clear()
    try:
        assert run.analyzer_fingerprint() != fingerprint
    finally:
        monkeypatch.undo()
        run.analyzer_fingerprint.cache_clear()
    assert run.analyzer_fingerprint() == fingerprint
