"""HTML reports of a crawl: a summary page and one page per site (static, offline, escaped).

    from kzprivacy.analysis.report import render_report
    render_report("output/kzprivacy.db", "20250101-120000", "output", lang="ru")

Parts: i18n (words and rule explanations in ru/en/kk), ../tables.py (tables the pages are made
of), score (the per-site score), highlight (policy text with evidence marked), charts
(inline SVG), render (pages), templates/ and static/ (Jinja2 and CSS).
"""

from __future__ import annotations

from .render import render_diff_page, render_pdf_report, render_report, site_file_name

__all__ = ["render_report", "render_pdf_report", "render_diff_page", "site_file_name"]
