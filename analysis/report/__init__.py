"""HTML reports of a crawl: a summary page and one page per site (static, offline, escaped).

    from kzprivacy.analysis.report import render_report
    render_report("output/kzprivacy.db", "20250101-120000", "output", lang="ru")

Parts: i18n (the message catalogue for one language, and rule explanations), changes (what changed
between two crawls, rendered for the diff, the weekly digest and the report), score (the per-site
score), highlight (policy text with evidence marked), charts (inline SVG), templating (the Jinja2
environment), render (pages), templates/ and static/ (Jinja2 and CSS). The tables the pages are
made of are the analysis's (kzprivacy/analysis/tables.py).
"""

from __future__ import annotations

from kzprivacy.analysis.report.render import render_pdf_report, render_report, site_file_name

__all__ = ["render_report", "render_pdf_report", "site_file_name"]
