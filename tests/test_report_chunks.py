"""The report's site pages are rendered a chunk of sites at a time: the pages must be those of a report
built from the whole crawl at once."""

from __future__ import annotations

from datetime import datetime, timezone

import kzprivacy.analysis.report.render as render
from kzprivacy.store.read import read_crawl
from kzprivacy.analysis.run import analyze_crawl
from test_analysis_chunks import _crawl


class _Clock(datetime):
    @classmethod
    def now(cls, tz=None):
        return datetime(2026, 1, 5, 10, 0, 0, tzinfo=timezone.utc)


def test_chunked_report_equals_whole_report(tmp_path, monkeypatch):
    db = tmp_path / "k.db"
    _crawl(db)
    analyze_crawl(db, "c")
    monkeypatch.setattr(render, "datetime", _Clock)
    monkeypatch.setattr(render, "REPORT_CHUNK_SITES", 3)
    index = render.render_report(db, "c", tmp_path / "chunked", compare_with=False)
    whole_dir = tmp_path / "whole" / "c"
    render.Report(read_crawl(db, "c"), whole_dir, "ru").write(whole_dir / "report")
    got = {p.relative_to(index.parent): p.read_text(encoding="utf-8") for p in index.parent.rglob("*.html")}
    expected = {p.relative_to(whole_dir / "report"): p.read_text(encoding="utf-8")
                for p in (whole_dir / "report").rglob("*.html")}
    assert set(got) == set(expected) and len(got) == 8  # the summary and seven site pages
    for name in expected:
        assert got[name] == expected[name], name
