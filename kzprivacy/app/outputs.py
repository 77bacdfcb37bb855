"""What a finished, analysed crawl leaves for people: tables, the HTML report, the PDF and an evidence pack."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["build_outputs", "build_demo_evidence"]


def build_outputs(db: str | Path, crawl_id: str, out_dir: Path, lang: str = "ru") -> dict[str, Any]:
    """Write the datasets and the HTML report of one crawl under out_dir/<crawl_id>/.

    Returns the paths written: "data" (the folder), "xlsx", "csv:<table>", "parquet:<table>",
    and "report" (the summary page, index.html).
    """
    from kzprivacy.analysis.report import render_report
    from kzprivacy.analysis.report.export import export_crawl

    paths: dict[str, Any] = export_crawl(db, crawl_id, out_dir)
    paths["report"] = render_report(db, crawl_id, out_dir, lang=lang)
    return paths


def build_demo_evidence(db: str | Path, crawl_id: str, out_dir: Path, lang: str = "ru",
                        say: Callable[[str], None] = lambda message: None) -> dict[str, Any]:
    """The PDF summary and one evidence pack (the site with the lowest score), for the end of the demo.

    Returns {"report_pdf": path, "evidence": path, "evidence_site": site}; empty when Chromium cannot
    print (the demo goes on without them, and `say` is told why).
    """
    from kzprivacy.analysis.report import render_pdf_report
    from kzprivacy.analysis.report.evidence import build_pack
    from kzprivacy.analysis.report.pdf import PdfError, pdf_problem
    from kzprivacy.store import open_store

    problem = pdf_problem()
    if problem:
        say(f"No PDF report or evidence pack: {problem.splitlines()[0]}")
        return {}
    store = open_store(db)
    try:
        site = store.lowest_scoring_site(crawl_id)
    finally:
        store.close()
    try:
        paths: dict[str, Any] = {"report_pdf": render_pdf_report(db, crawl_id, out_dir, lang=lang, sites=[])["summary"]}
        if site:
            paths["evidence"] = build_pack(db, crawl_id, site, out_dir, lang=lang)["path"]
            paths["evidence_site"] = site
    except PdfError as exc:
        say(f"No PDF report or evidence pack: {exc}")
        return {}
    return paths
