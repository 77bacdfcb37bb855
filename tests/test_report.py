"""HTML reports: built from a real crawl of the sample web, opened from disk in headless Chromium.

The browser checks that the pages render what the database holds, that no script runs
and nothing is fetched from the network, and that the hostile sample site's payloads
stay text. Screenshots are kept under $KZPRIVACY_ARTIFACTS (or the test's tmp folder).
"""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import kzprivacy  # noqa: F401  (sets the offline tldextract environment first)
from kzprivacy.app.outputs import build_outputs
from kzprivacy.cli.analysis import report as report_command
from kzprivacy.analysis.report import render_report, site_file_name
from kzprivacy.analysis.report.charts import bar_chart
from kzprivacy.analysis.report.highlight import Span, excerpt, highlight, locate
from kzprivacy.analysis.report.i18n import Lang, rule_template
from kzprivacy.analysis.report.score import score_from_severities, severity_points, site_scores
from kzprivacy.store import open_store

CHROMIUM = Path("/usr/bin/chromium")
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--no-first-run", "--disable-sync"]
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
HOSTILE = "hostile-demo.kz"


# --------------------------------------------------------------------------- a report of the sample web


@pytest.fixture(scope="module")
def report_out(sample_crawl, tmp_path_factory) -> Path:
    """A copy of the sample crawl with hostile findings and a declaration added, and its report (ru)."""
    out = tmp_path_factory.mktemp("report")
    src = sqlite3.connect(sample_crawl.out / "kzprivacy.db")
    conn = sqlite3.connect(out / "kzprivacy.db")
    src.backup(conn)
    src.close()
    crawl = sample_crawl.crawl_id
    home = conn.execute("SELECT warc_record_id FROM pages WHERE crawl_id = ? AND site = ? AND kind = 'home'",
                        (crawl, HOSTILE)).fetchone()[0]
    policy_url, text = conn.execute("SELECT url, text FROM policies WHERE crawl_id = ? AND site = ? AND is_best = 1",
                                    (crawl, HOSTILE)).fetchone()
    line = next(x for x in text.splitlines() if SCRIPT in x)
    start = text.index(line)
    conn.execute("INSERT INTO declarations (crawl_id, site, policy_url, category, status, evidence, start,"
                 " \"end\", rule) VALUES (?, ?, ?, 'phone', 'declared', ?, ?, ?, 'test.phone')",
                 (crawl, HOSTILE, policy_url, line, start, start + len(line)))
    conn.execute("INSERT INTO findings (crawl_id, site, category, verdict, severity, observed, observed_url,"
                 " policy_evidence, policy_url, rule, explanation, manual_review, warc_record_id)"
                 " VALUES (?, ?, 'health', 'omitted', 'high', ?, 'javascript:alert(1)', ?, ?, 'TEST-UNKNOWN-RULE', ?,"
                 " 0, ?)",
                 (crawl, HOSTILE, f"form field {SCRIPT}", line, policy_url, f"Stored explanation {IMG}", home))
    conn.execute("INSERT INTO findings (crawl_id, site, category, verdict, severity, observed, observed_url,"
                 " policy_evidence, policy_url, rule, explanation, manual_review, warc_record_id)"
                 " VALUES (?, ?, 'phone', 'omitted', 'medium', ?, ?, NULL, ?, 'FLOW-UNDECLARED', 'x', 0, ?)",
                 (crawl, HOSTILE, f"form field «{IMG}»", f"https://{HOSTILE}/contacts", policy_url, home))
    conn.commit()
    conn.close()
    render_report(out / "kzprivacy.db", crawl, out, lang="ru")
    return out / crawl / "report"


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():  # a failure, not a skip: ./setup.sh installs Chromium
        pytest.fail(f"headless Chromium not found at {CHROMIUM}; the browser checks need it", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def artifacts(tmp_path) -> Path:
    folder = Path(os.environ.get("KZPRIVACY_ARTIFACTS") or tmp_path / "artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def open_page(browser, path: Path, shot: Path):
    """Open a report page from disk; return (page, what went wrong) after a full-page screenshot."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    seen = {"errors": [], "requests": [], "dialogs": []}
    page.on("pageerror", lambda e: seen["errors"].append(f"pageerror: {e}"))
    page.on("console", lambda m: seen["errors"].append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("request", lambda r: seen["requests"].append(r.url))

    def dialog(d):
        seen["dialogs"].append(d.message)
        d.dismiss()

    page.on("dialog", dialog)
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    page.screenshot(path=str(shot), full_page=True)
    return page, seen


def assert_clean(page, seen):
    assert seen["errors"] == []
    assert seen["dialogs"] == [], "a payload ran"
    outside = [u for u in seen["requests"] if not u.startswith(("file:", "data:"))]
    assert outside == [], "the report fetched from the network"
    assert page.evaluate("document.scripts.length") == 0
    assert page.evaluate("document.querySelectorAll('img[onerror], img[src=\"x\"], [onerror]').length") == 0
    assert page.evaluate("document.querySelectorAll('a[href^=\"javascript:\" i]').length") == 0


def test_summary_page_in_the_browser(browser, report_out, sample_crawl, artifacts):
    page, seen = open_page(browser, report_out / "index.html", artifacts / "report-summary.png")
    try:
        assert_clean(page, seen)
        body = page.inner_text("body")
        sites = sample_crawl.rows("SELECT site, status FROM sites WHERE crawl_id = ?", sample_crawl.crawl_id)
        reached = sum(1 for r in sites if r["status"] == "ok")
        tiles = dict(zip(page.locator(".tile .l").all_inner_texts(), page.locator(".tile .n").all_inner_texts(),
                         strict=True))
        assert tiles["Сайтов в обходе"] == str(len(sites)) and tiles["Доступны"] == str(reached)
        links = page.locator("#ranking a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
        assert len(links) == len(sites) and f"sites/{site_file_name('мысал-демо.қаз')}" in links
        assert page.locator("#ranking tbody tr").first.locator("a").inner_text() != ""
        assert page.locator("svg.chart").count() == 4  # statuses, verdicts, services, countries
        assert "Yandex.Metrica" in page.inner_text("#services table")
        assert "Россия" in page.inner_text("#countries table")
        assert "TEST-UNKNOWN-RULE" in page.inner_text("#rules")
        assert "Это первый обход в базе" in body  # one crawl in the database: no changes section
    finally:
        page.close()


def test_hostile_site_page_in_the_browser(browser, report_out, artifacts):
    page, seen = open_page(browser, report_out / "sites" / site_file_name(HOSTILE), artifacts / "report-hostile.png")
    try:
        assert_clean(page, seen)
        assert page.inner_text("h1") == HOSTILE
        points = severity_points()
        score = page.locator(".tile .n").first.inner_text()
        # The two findings added above, and whatever the analysis itself found (its policy is short).
        db = sqlite3.connect(report_out.parent.parent / "kzprivacy.db")
        severities = [r[0] for r in db.execute("SELECT severity FROM findings WHERE site = ?", (HOSTILE,))]
        db.close()
        assert {"high", "medium"} <= set(severities)
        assert score == str(score_from_severities(severities)) == str(100 - sum(points[s] for s in severities))
        body = page.inner_text("body")
        assert SCRIPT in body and IMG in body  # shown as text, not run
        cards = page.locator("#findings article.card")
        assert cards.count() >= 2
        first = cards.first
        assert "sev-high" in first.get_attribute("class")
        assert SCRIPT in first.locator(".side").first.inner_text()          # the observed side
        assert first.locator(".side").nth(1).locator("pre.quote").count() == 1  # the policy's sentence
        assert f"Stored explanation {IMG}" in first.locator(".explain").inner_text()  # unknown rule: stored text
        assert "javascript:alert(1)" not in (first.inner_html().split('href="')[1:] or [""])[0]
        # The known rule is explained in Russian from its template, whatever the stored sentence says.
        assert "Политика об этом ничего не говорит" in body
        # The evidence sentence is highlighted, escaped inside the <mark>.
        marks = page.locator("mark.hl").all_inner_texts()
        assert any(SCRIPT in m for m in marks)
        # Every finding links its evidence to a WARC record listed with URL, time and hash.
        ref = first.locator("a.ev").first.get_attribute("href")
        row = page.locator(f"#evidence tr{ref}")
        assert re.search(r"[0-9a-f]{64}", row.inner_text()) and "urn:uuid:" in row.inner_text()
        cookie_names = page.locator("#observed td.mono").all_inner_texts()
        assert SCRIPT in cookie_names
    finally:
        page.close()


def test_idn_site_page_in_the_browser(browser, report_out, artifacts):
    path = report_out / "sites" / site_file_name("мысал-демо.қаз")
    assert path.name == "xn----7sbne1aefqu3h.xn--80ao21a.html"
    page, seen = open_page(browser, path, artifacts / "report-idn.png")
    try:
        assert_clean(page, seen)
        assert page.inner_text("h1") == "мысал-демо.қаз"
        assert "Құпиялылық саясаты" in page.inner_text("#policy")
        assert page.locator("a", has_text="← К сводке").get_attribute("href") == "../index.html"
    finally:
        page.close()


def test_the_ranking_tells_a_policy_named_without_a_link_from_no_policy(report_out, sample_crawl, tmp_path):
    """mention-demo.kz names its policy in plain text with no link: «упомянута без ссылки», not «нет политики»
    (a false accusation for a regulator); nopolicy-demo.kz has nothing policy-like."""
    from bs4 import BeautifulSoup

    from kzprivacy.analysis.report.render import Report
    from kzprivacy.store.read import read_crawl

    def policy_cells(index: Path) -> dict[str, str]:
        soup = BeautifulSoup(index.read_text(encoding="utf-8"), "html.parser")
        return {row.find_all("td")[0].get_text(strip=True): row.find_all("td")[2].get_text(strip=True)
                for row in soup.select("#ranking tbody tr")}

    mentions = {r["site"] for r in sample_crawl.rows(
        "SELECT site FROM policies WHERE crawl_id = ? AND status = 'mention'", sample_crawl.crawl_id)}
    assert "mention-demo.kz" in mentions
    # The summary as render_report writes it (a few columns of policies), and as the PDF report writes it
    # (the whole crawl's tables, policies among them).
    whole = tmp_path / "whole"
    Report(read_crawl(report_out.parents[1] / "kzprivacy.db", sample_crawl.crawl_id), whole, "ru").write(
        whole / "report", sites=(), summary=True)
    for index in (report_out / "index.html", whole / "report" / "index.html"):
        cells = policy_cells(index)
        assert cells["mention-demo.kz"] == "упомянута без ссылки", index
        assert cells["nopolicy-demo.kz"] == "нет политики", index


def test_every_site_has_a_page_and_no_payload_is_markup(report_out, sample_crawl):
    sites = [r["site"] for r in sample_crawl.rows("SELECT site FROM sites WHERE crawl_id = ?", sample_crawl.crawl_id)]
    files = {p.name for p in (report_out / "sites").iterdir()}
    assert files == {site_file_name(s) for s in sites}
    for path in [report_out / "index.html", *(report_out / "sites").iterdir()]:
        html = path.read_text(encoding="utf-8")
        assert SCRIPT not in html and "<img src=x" not in html, path.name
        assert "<script" not in html and "http-equiv=\"Content-Security-Policy\"" in html, path.name
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", html.split("<body>")[0]), path.name  # no CDN


def test_report_in_english_and_kazakh(report_out, sample_crawl, tmp_path):
    db = report_out.parents[1] / "kzprivacy.db"
    for lang, phrase in (("en", "Website privacy report"), ("kk", "Сайттардың құпиялылығы туралы есеп")):
        index = render_report(db, sample_crawl.crawl_id, tmp_path / lang, lang=lang)
        html = index.read_text(encoding="utf-8")
        assert phrase in html and f'<html lang="{lang}">' in html
    hostile = (tmp_path / "en" / sample_crawl.crawl_id / "report" / "sites" / site_file_name(HOSTILE)).read_text()
    assert "The policy says nothing about it" in hostile  # FLOW-UNDECLARED in English


# --------------------------------------------------------------------------- the pieces


def test_site_file_names_are_safe_and_distinct():
    assert site_file_name("clinic-demo.kz") == "clinic-demo.kz.html"
    assert site_file_name("мысал.қаз") == "xn--80awbu3c.xn--80ao21a.html"
    odd = ["../../etc/passwd", "a b/c", "A.KZ", "a.kz/", "", "x" * 300]
    names = [site_file_name(s) for s in odd]
    assert len(set(names)) == len(names)
    for name in names:
        assert re.fullmatch(r"[a-z0-9][a-z0-9.-]*\.html", name) and ".." not in name and len(name) < 130, name


def test_highlight_escapes_then_marks():
    text = f"Мы собираем имя {SCRIPT} и телефон."
    spans = [Span(0, len(text), "d1", 'имя: "заявлено"', "declared"), Span(16, 41, "d2", "x", "denied")]
    html = str(highlight(text, spans))
    assert SCRIPT not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count('<span class="anchor" id="d1">') == 1 and html.count('id="d2"') == 1
    assert 'class="hl hl-both"' in html  # the overlap of a declared and a denied span
    assert 'title="имя: &#34;заявлено&#34;; x"' in html
    assert re.sub(r"<[^>]+>", "", html).replace("&lt;", "<").replace("&gt;", ">") == text


def test_locate_trusts_matching_offsets_and_searches_otherwise():
    text = "Первое. Второе предложение. Третье."
    assert locate(text, 8, 27, "Второе предложение.") == (8, 27)
    assert locate(text, 0, 5, "Второе предложение.") == (8, 27)   # stale offsets: found by search
    assert locate(text, 0, 5, "нет такого") is None
    assert locate(text, 40, 50, None) is None                     # out of range, nothing to search


def test_excerpt_keeps_the_evidence_paragraphs_with_gaps():
    text = "Заголовок\n\n1. Пусто.\n\n2. Мы собираем телефон.\n\n3. Ещё пусто.\n\n4. Cookie используются.\n"
    spans = [Span(text.index("Мы"), text.index("телефон.") + 8, "d1", "телефон", "declared"),
             Span(text.index("Cookie"), text.index("используются.") + 13, "d2", "cookie", "declared")]
    blocks = excerpt(text, spans)
    assert [re.sub(r"<[^>]+>", "", str(b.html)) for b in blocks] == ["2. Мы собираем телефон.",
                                                                      "4. Cookie используются."]
    assert [b.gap_before for b in blocks] == [True, True]


def test_chart_svg_carries_no_site_text():
    svg = str(bar_chart([SCRIPT, IMG, "мысал.қаз"], [3, 2, 1], name="t"))
    assert svg.startswith("<svg") and "<script" not in svg and "onerror" not in svg
    assert "<text" not in svg  # text is drawn as paths


def test_language_fallbacks_and_rule_explanations():
    kk, ru, en = Lang("kk"), Lang("ru"), Lang("en")
    assert kk("report_title") == "Сайттардың құпиялылығы туралы есеп"
    assert kk("diff_scope") not in (ru("diff_scope"), en("diff_scope"))  # the report's words: all in Kazakh
    assert en("no_such_key") == "no_such_key"  # a key the catalogue lacks shows as itself, not as a blank
    finding = {"rule": "FLOW-UNDECLARED", "category": "health", "observed": "поле «Жалобы»", "verdict": "omitted",
               "explanation": "stored"}
    assert ru.explain(finding).startswith("На сайте обнаружено: данные о здоровье — поле «Жалобы».")
    assert en.explain(finding).startswith("Seen on the site: health data (a special category) — поле «Жалобы».")
    assert kk.explain(finding) == ru.explain(finding)  # rule sentences: the catalogue's documented fallback
    assert ru.explain({**finding, "rule": "NOT-A-RULE"}) == "stored"
    foreign = {"rule": "KZ-FOREIGN-TRANSFER-UNDECLARED", "observed": "Yandex.Metrica", "verdict": "omitted",
               "service_id": "yandex_metrica", "explanation": "stored"}
    assert "Россия" in ru.explain(foreign) and "Russia" in en.explain(foreign)
    assert ru.explain({**foreign, "service_id": None}) == "stored"  # the country is unknown: keep the stored text
    assert rule_template("NOT-A-RULE", "ru") is None
    with pytest.raises(ValueError, match="unknown report language 'de'"):
        Lang("de")


def test_scores_come_from_the_summaries_or_the_same_rule():
    sites = pd.DataFrame({"site": ["a.kz", "b.kz", "c.kz"]})
    findings = pd.DataFrame({"site": ["a.kz", "a.kz", "b.kz"], "severity": ["high", "low", "medium"],
                             "manual_review": [0, 0, 1]})
    computed = site_scores(sites, findings).set_index("site")
    points = severity_points()
    assert computed.loc["a.kz", "score"] == 100 - points["high"] - points["low"] == score_from_severities(
        ["high", "low"])
    assert computed.loc["c.kz", "score"] == 100 and computed.loc["b.kz", "manual_review"] == 1
    assert list(site_scores(sites, findings)["site"]) == ["a.kz", "b.kz", "c.kz"]  # worst first
    summaries = pd.DataFrame({"site": ["a.kz", "b.kz", "c.kz"], "score": [10, 50, 100], "findings": [2, 1, 0]})
    assert site_scores(sites, findings, summaries)["score"].tolist() == [10, 50, 100]  # the analysis's own score
    stale = summaries.assign(score=[10, 50, 40], findings=[2, 1, 5])  # c.kz's findings changed since
    assert site_scores(sites, findings, stale).set_index("site")["score"].to_dict() == {"a.kz": 10, "b.kz": 50,
                                                                                       "c.kz": 100}
    empty = site_scores(sites, pd.DataFrame())
    assert set(empty["score"]) == {100} and set(empty["findings"]) == {0}


# --------------------------------------------------------------------------- small databases


@pytest.fixture
def bare_db(tmp_path) -> Path:
    """A crawl that was never analysed: no declarations, findings or summaries."""
    db = tmp_path / "out" / "kzprivacy.db"
    store = open_store(db)
    store.begin_crawl("c1", mode="browser", tool_version="test", settings={},
                      sites=[{"site": "shot-demo.kz", "start_url": "https://shot-demo.kz/"},
                             {"site": "../../evil", "status": "invalid", "error": "not a domain"}])
    store.write_page("c1", {"site": "shot-demo.kz", "url": "https://shot-demo.kz/",
                            "page": {"url": "https://shot-demo.kz/", "status_code": 200, "kind": "home",
                                     "fetched_at": "2025-03-01T09:15:02Z", "sha256": "ab" * 32,
                                     "warc_record_id": "<urn:uuid:1>", "warc_file": "c1.warc.gz", "warc_offset": 0},
                            "cookies": [{"name": "sid", "domain": "shot-demo.kz", "path": "/", "party": "first",
                                         "warc_record_id": "<urn:uuid:1>"}]})
    store.finish_site("c1", "shot-demo.kz", {"status": "ok", "screenshot": "c1/screenshots/shot-demo.kz.png"})
    store.finish_crawl("c1")
    store.close()
    return db


def _png(path: Path) -> None:
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (8, 6), (200, 30, 30)).save(path)


def test_report_of_an_unanalysed_crawl_with_a_screenshot(bare_db):
    out = bare_db.parent
    _png(out / "c1" / "screenshots" / "shot-demo.kz.png")
    _png(out.parent / "outside.png")  # a path out of OUT is never read
    index = render_report(bare_db, "c1", out, lang="en")
    summary = index.read_text(encoding="utf-8")
    assert "The findings table is empty" in summary
    page = (index.parent / "sites" / "shot-demo.kz.html").read_text(encoding="utf-8")
    assert 'src="data:image/png;base64,' in page
    assert "abababab" in page and "&lt;urn:uuid:1&gt;" in page  # the WARC record behind the cookie
    invalid = (index.parent / "sites" / site_file_name("../../evil")).read_text(encoding="utf-8")
    assert "invalid domain" in invalid and "not a domain" in invalid


def test_a_screenshot_path_outside_out_is_ignored(bare_db):
    out = bare_db.parent
    _png(out.parent / "outside.png")
    conn = sqlite3.connect(bare_db)
    conn.execute("UPDATE sites SET screenshot = '../outside.png' WHERE site = 'shot-demo.kz'")
    conn.commit()
    conn.close()
    index = render_report(bare_db, "c1", out, lang="en")
    page = (index.parent / "sites" / "shot-demo.kz.html").read_text(encoding="utf-8")
    assert "data:image/png" not in page and "No screenshot was kept." in page


def test_build_outputs_and_the_report_command(bare_db):
    out = bare_db.parent
    paths = build_outputs(bare_db, "c1", out, lang="ru")
    assert paths["report"] == out / "c1" / "report" / "index.html" and paths["report"].is_file()
    assert paths["xlsx"].is_file() and paths["csv:sites"].is_file() and paths["parquet:findings"].is_file()
    result = CliRunner().invoke(report_command, ["--out", str(out), "--lang", "kk"])
    assert result.exit_code == 0, result.output
    assert 'lang="kk"' in paths["report"].read_text(encoding="utf-8")
    result = CliRunner().invoke(report_command, ["--out", str(out / "nowhere")])
    assert result.exit_code != 0 and "no database" in result.output


def test_every_site_status_has_a_short_label_in_every_language():
    from kzprivacy.vocabulary.taxonomy import SITE_STATUSES

    from kzprivacy.vocabulary.messages import lookup

    for lang in ("ru", "en", "kk"):
        assert all(lookup(lang, f"status.{code}") for code in SITE_STATUSES), lang
        assert all(Lang(lang).status_meaning(code) for code in SITE_STATUSES), lang


def test_the_policy_table_names_the_document_type_in_the_reports_language():
    from kzprivacy.analysis.report.render import _facts

    rows = [{"policy_url": "https://a-demo.kz/consent", "document_type": "consent", "operator_names": "[]",
             "bins": "[]", "emails": "[]", "phones": "[]", "laws": "[]", "dates": "[]", "versions": "[]",
             "warnings": "[]"}]
    assert _facts(rows, "https://a-demo.kz/consent", Lang("ru"))[0] == (
        "Тип документа", ["согласие на обработку персональных данных"])
    assert _facts(rows, "https://a-demo.kz/consent", Lang("kk"))[0] == (
        "Құжат түрі", ["дербес деректерді өңдеуге келісім"])
    assert _facts(rows, "https://a-demo.kz/consent", Lang("en"))[0][1] == ["consent to the processing of personal data"]
