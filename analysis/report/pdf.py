"""PDF reports: the HTML pages printed by headless Chromium (the browser mode's Debian Chromium).

    from kzprivacy.analysis.report.pdf import print_pdfs, PdfJob
    print_pdfs([PdfJob(html, pdf, lang="ru", crawl_id=..., crawl_time=..., title=site)])

Each page of a PDF carries, in its running header and footer, the crawl id, the crawl's
start time, what the document is about (the summary or the site), and "page N of M".
The pages are opened from disk with JavaScript disabled and every network request
refused, on top of the pages' own Content-Security-Policy (no scripts, no network loads):
printing adds no way for a crawled site's text to run or to call out. The header and
footer are HTML that Chromium renders itself, so every value put in them is escaped here.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import escape

from kzprivacy.analysis.report.i18n import Lang

if TYPE_CHECKING:
    from playwright._impl._api_structures import PdfMargins

__all__ = ["PdfJob", "print_pdfs", "pdf_problem", "PdfError"]

# Page geometry: A4 with room for the running header and footer.
PAGE_FORMAT = "A4"
MARGINS: PdfMargins = {"top": "18mm", "bottom": "16mm", "left": "12mm", "right": "12mm"}
PRINT_TIMEOUT_MS = 120_000
_BAR = ("font-family:'DejaVu Sans',Arial,sans-serif;font-size:7.5px;color:#475467;width:100%;"
        "margin:0 12mm;display:flex;justify-content:space-between;gap:12px;")


class PdfError(RuntimeError):
    """Chromium could not be started or could not print a page."""


@dataclass(frozen=True)
class PdfJob:
    """One HTML page to print: where it is, where the PDF goes, and what the running header says."""

    html: Path
    pdf: Path
    lang: str
    crawl_id: str
    crawl_time: str | None = None
    title: str | None = None  # the site, or None for the summary


def chromium_path() -> str:
    """The Chromium browser mode uses ($KZPRIVACY_CHROMIUM overrides it)."""
    from kzprivacy.crawler.browser import DEFAULT_CHROMIUM

    return os.environ.get("KZPRIVACY_CHROMIUM") or DEFAULT_CHROMIUM


def pdf_problem(chromium: str | None = None) -> str | None:
    """Why PDFs cannot be printed here (with how to fix it), or None when they can."""
    from kzprivacy.crawler.browser import browser_problem

    problem = browser_problem(chromium or chromium_path())
    return problem.replace("Browser mode needs", "PDF reports need") if problem else None


def header_html(job: PdfJob) -> str:
    t = Lang(job.lang)
    what = escape(job.title) if job.title else escape(t("summary"))
    when = f" · {escape(_when(job.crawl_time))}" if job.crawl_time else ""
    return (f'<div style="{_BAR}"><span>kzprivacy · {escape(t("report_title"))} · <b>{what}</b></span>'
            f'<span>{escape(t("crawl"))} {escape(job.crawl_id)}{when}</span></div>')


def footer_html(job: PdfJob) -> str:
    t = Lang(job.lang)
    # Chromium fills the pageNumber and totalPages spans itself.
    return (f'<div style="{_BAR}"><span>{escape(t("crawl"))} {escape(job.crawl_id)}</span>'
            f'<span>{escape(t("pdf_page"))} <span class="pageNumber"></span> {escape(t("pdf_of"))} '
            f'<span class="totalPages"></span></span></div>')


def _when(value: str) -> str:
    return value.replace("T", " ").replace("Z", " UTC")


def print_pdfs(jobs: Iterable[PdfJob], chromium: str | None = None) -> list[Path]:
    """Print every job's HTML page to its PDF with one Chromium; returns the PDFs written."""
    jobs = list(jobs)
    if not jobs:
        return []
    problem = pdf_problem(chromium)
    if problem:
        raise PdfError(problem)
    from playwright.sync_api import Error as PlaywrightError, sync_playwright

    from kzprivacy.crawler.browser import CHROMIUM_ARGS

    written: list[Path] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium or chromium_path(), args=list(CHROMIUM_ARGS),
                                        headless=True)
            try:
                context = browser.new_context(java_script_enabled=False, offline=True)
                # Only the page itself (a file) and its inline data: images may load.
                context.route("**/*", lambda route: route.continue_()
                              if route.request.url.startswith(("file:", "data:")) else route.abort())
                page = context.new_page()
                for job in jobs:
                    job.pdf.parent.mkdir(parents=True, exist_ok=True)
                    page.goto(job.html.resolve().as_uri(), wait_until="load", timeout=PRINT_TIMEOUT_MS)
                    page.emulate_media(media="print")
                    page.pdf(path=str(job.pdf), format=PAGE_FORMAT, margin=MARGINS, print_background=True,
                             display_header_footer=True, header_template=header_html(job),
                             footer_template=footer_html(job), outline=True, tagged=True)
                    written.append(job.pdf)
            finally:
                browser.close()
    except PlaywrightError as exc:
        raise PdfError(f"Chromium could not print the report: {exc}") from exc
    return written
