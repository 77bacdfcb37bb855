"""HTML reports of a crawl: a summary page and one page per site (static, offline, escaped).

    from kzprivacy.analysis.report import render_report
    render_report("output/kzprivacy.db", "20250101-120000", "output", lang="ru")

Parts: i18n (words and rule explanations in ru/en/kk), data (tables the pages are made
of), score (the per-site score), highlight (policy text with evidence marked), charts
(inline SVG), render (pages), templates/ and static/ (Jinja2 and CSS).
"""

from __future__ import annotations

from typing import Any

__all__ = ["render_report", "render_pdf_report", "render_diff_page", "site_file_name"]


def __getattr__(name: str) -> Any:
    # Imported on first use: analysis.diff uses analysis.report.data, and render uses analysis.diff.
    if name in __all__:
        from kzprivacy.analysis.report import render

        return getattr(render, name)
    raise AttributeError(name)
