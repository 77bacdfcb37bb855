"""PDF reports printed by Chromium, read back with poppler-utils (pdftotext, pdfinfo, pdftoppm).

A copy of the sample crawl gets a finding whose every text is a markup payload; the PDFs must
show those payloads as text, carry the crawl id, its time and "page N of M" on every page,
and come out in Russian, English and Kazakh.
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
from pathlib import Path

import pytest

import kzprivacy  # noqa: F401  (offline tldextract first)
from kzprivacy.analysis.report.i18n import Lang
from kzprivacy.analysis.report.pdf import PdfJob, footer_html, header_html, print_pdfs
from conftest import run_cli

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
HOSTILE = "hostile-demo.kz"

# PDFs are printed by Chromium and read back with poppler-utils.
pytestmark = pytest.mark.usefixtures("chromium", "pdftotext")


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page, as pdftotext reads it (pages end with a form feed)."""
    text = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    return [page for page in text.split("\f") if page.strip()]


def pdf_info(pdf: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def hostile_out(sample_crawl, tmp_path_factory) -> Path:
    """A copy of the sample crawl with a finding made of payloads on the hostile site."""
    out = tmp_path_factory.mktemp("pdf")
    src = sqlite3.connect(sample_crawl.out / "kzprivacy.db")
    conn = sqlite3.connect(out / "kzprivacy.db")
    src.backup(conn)
    src.close()
    crawl = sample_crawl.crawl_id
    home = conn.execute("SELECT warc_record_id FROM pages WHERE crawl_id = ? AND site = ? AND kind = 'home'",
                        (crawl, HOSTILE)).fetchone()[0]
    conn.execute("INSERT INTO findings (crawl_id, site, category, verdict, severity, observed, observed_url,"
                 " policy_evidence, policy_url, rule, explanation, manual_review, warc_record_id)"
                 " VALUES (?, ?, 'health', 'omitted', 'high', ?, 'javascript:alert(1)', ?, NULL, 'TEST-PAYLOAD', ?,"
                 " 0, ?)", (crawl, HOSTILE, f"form field {SCRIPT}", f"policy says {IMG}", f"Stored {IMG}", home))
    conn.commit()
    conn.close()
    return out


def test_report_pdf_in_russian_every_page_headed_and_numbered(hostile_out, sample_crawl):
    result = run_cli("report", "--out", str(hostile_out), "--format", "pdf", "--lang", "ru")
    crawl = sample_crawl.crawl_id
    summary = hostile_out / crawl / "report" / "index.pdf"
    assert f"Report (PDF): {summary}" in result.stdout
    started = sqlite3.connect(hostile_out / "kzprivacy.db").execute(
        "SELECT started_at FROM crawls WHERE crawl_id = ?", (crawl,)).fetchone()[0]
    when = started.replace("T", " ").replace("Z", " UTC")
    site_pdfs = sorted((hostile_out / crawl / "report" / "sites").glob("*.pdf"))
    sites = sample_crawl.rows("SELECT count(*) FROM sites WHERE crawl_id = ?", crawl)[0][0]
    assert len(site_pdfs) == sites
    for pdf in (summary, hostile_out / crawl / "report" / "sites" / f"{HOSTILE}.pdf"):
        pages = pdf_pages(pdf)
        assert int(pdf_info(pdf)["Pages"]) == len(pages) >= 2
        for number, page in enumerate(pages, start=1):
            assert f"Страница {number} из {len(pages)}" in page
            assert f"Обход {crawl} · {when}" in page, f"page {number} of {pdf.name} lacks the crawl id and time"
        assert pdf_info(pdf)["JavaScript"] == "no"
    summary_text = flat(" ".join(pdf_pages(summary)))
    assert "Отчёт о конфиденциальности сайтов" in summary_text and "Сайты по баллам" in summary_text
    assert HOSTILE in summary_text and "clinic-demo.kz" in summary_text


def test_hostile_strings_print_as_text(hostile_out, sample_crawl):
    run_cli("report", "--out", str(hostile_out), "--format", "pdf", "--lang", "ru", "--site", HOSTILE)
    pdf = hostile_out / sample_crawl.crawl_id / "report" / "sites" / f"{HOSTILE}.pdf"
    text = flat(" ".join(pdf_pages(pdf)))
    assert f"form field {SCRIPT}" in text
    assert f"policy says {IMG}" in text
    # The policy's own title, straight from the site, is a payload too.
    assert f"Политика конфиденциальности {SCRIPT}" in text
    assert "javascript:alert(1)" in text  # shown, never a link target
    assert pdf_info(pdf)["JavaScript"] == "no"
    # The page renders to pixels that are not all blank (pdftoppm reads it as poppler does).
    png = pdf.with_name("page")
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(png)],
                   check=True)
    data = png.with_suffix(".png").read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 5000


@pytest.mark.parametrize("lang", ["en", "kk"])
def test_site_pdf_in_english_and_kazakh(hostile_out, sample_crawl, lang):
    result = run_cli("report", "--out", str(hostile_out), "--format", "pdf", "--lang", lang, "--site", HOSTILE,
                     "--site", "clinic-demo.kz")
    t = Lang(lang)
    for site in (HOSTILE, "clinic-demo.kz"):
        pdf = hostile_out / sample_crawl.crawl_id / "report" / "sites" / f"{site}.pdf"
        assert f"Site report (PDF): {pdf}" in result.stdout
        pages = pdf_pages(pdf)
        for number, page in enumerate(pages, start=1):
            assert f"{t('pdf_page')} {number} {t('pdf_of')} {len(pages)}" in page
            assert f"{t('crawl')} {sample_crawl.crawl_id}" in page
        text = flat(" ".join(pages))
        assert t("policy_section") in text and t("evidence_records") in text
        assert t("report_title") in text and site in text
    assert Lang(lang)("policy_section") != Lang("ru")("policy_section")


def test_unknown_site_is_a_usage_error(hostile_out):
    result = run_cli("report", "--out", str(hostile_out), "--format", "pdf", "--site", "nowhere.kz", check=False)
    assert result.returncode == 2 and "nowhere.kz" in result.stderr


def test_header_and_footer_values_are_escaped(tmp_path):
    job = PdfJob(tmp_path / "p.html", tmp_path / "p.pdf", "en", crawl_id=f"c{IMG}", crawl_time="2025-01-01T00:00:00Z",
                 title=SCRIPT)
    for html in (header_html(job), footer_html(job)):
        assert "<img" not in html and "<script" not in html and "&lt;" in html
    # And in a printed PDF the same values read back as the text they are.
    (tmp_path / "p.html").write_text("<!DOCTYPE html><meta charset=utf-8><p>body</p>", encoding="utf-8")
    print_pdfs([job])
    page = flat(pdf_pages(job.pdf)[0])
    assert f"Crawl c{IMG} · 2025-01-01 00:00:00 UTC" in page
    assert SCRIPT in page and re.search(r"Page 1 of 1", page)
