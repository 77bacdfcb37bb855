"""One "what changed" renderer: the diff's text, Markdown and HTML, the weekly digest and the report's section."""

from __future__ import annotations

import re

import pandas as pd
import pytest

import kzprivacy  # noqa: F401  (sets the offline tldextract environment first)
from kzprivacy.analysis.diff import diff_frames
from kzprivacy.analysis.report.changes import SECTIONS, changes, to_html, to_markdown, to_text
from kzprivacy.app.weekly import digest_html, digest_markdown
from kzprivacy.vocabulary.messages import LANGUAGES, message

PAYLOAD = "<script>alert(1)</script>"
HOSTILE = f"[x](javascript:alert(1)) *b* `c` | {PAYLOAD}"


def _sites(*rows):
    return pd.DataFrame([dict(zip(("site", "status", "policy_url"), r, strict=True)) for r in rows])


def _policies(*rows):
    columns = ("site", "url", "text", "sha256", "language")
    return pd.DataFrame([dict(zip(columns, (*r, None, "ru"), strict=True)) for r in rows])


def _requests(*rows):
    return pd.DataFrame([{"site": s, "url": f"https://{h}/t.js", "host": h, "party": "third", "service_id": None,
                          "vendor": v, "company": None, "country": None} for s, h, v in rows])


def _findings(*rows):
    columns = ("site", "rule", "category", "observed", "verdict", "severity")
    return pd.DataFrame([dict(zip(columns, r, strict=True)) for r in rows])


@pytest.fixture
def diff():
    """A diff with a change in every section, site text hostile wherever a site can put it."""
    old = {"sites": _sites(("a.kz", "ok", "https://a.kz/p"), ("b.kz", "ok", "https://b.kz/p"), ("c.kz", "ok", None),
                           ("gone.kz", "ok", None), ("d.kz", "ok", None)),
           "policies": _policies(("a.kz", "https://a.kz/p", "one\ntwo\n"), ("b.kz", "https://b.kz/p", "b")),
           "requests": _requests(("a.kz", "old.example", "Old Counter")),
           "findings": _findings(("b.kz", "KZ-NO-POLICY", "phone", "x", "no_policy", "high"))}
    new = {"sites": _sites(("a.kz", "ok", "https://a.kz/p"), ("b.kz", "ok", None), ("c.kz", "ok", "https://c.kz/p"),
                           ("d.kz", "timeout", None), ("new.kz", "ok", None)),
           "policies": _policies(("a.kz", "https://a.kz/p", f"one\n{HOSTILE}\n"), ("c.kz", "https://c.kz/p", "c")),
           "requests": _requests(("a.kz", "new.example", HOSTILE)),
           "findings": _findings(("a.kz", "FLOW-UNDECLARED", "health", HOSTILE, "omitted", "low"),
                                 ("c.kz", "FLOW-UNDECLARED", "phone", "поле", "omitted", "high"))}
    result = diff_frames(old, new, "w1", "w2")
    assert all(result.counts().values())  # the fixture exercises every section
    return result


def _section(html: str) -> str:
    start = html.index('<section id="changes">')
    return html[start:html.index("</section>", start) + len("</section>")]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_format_shows_every_section_with_its_catalogue_title(diff, lang):
    ch = changes(diff, lang)
    text, markdown, html = to_text(ch), to_markdown(ch), to_html(ch)
    for name in SECTIONS:
        title, count = message(lang, name), len(getattr(diff, name))
        assert f"{title} ({count}):" in text, name
        assert f"## {title} ({count})" in markdown, name
        assert f"{title} ({count})</h3>" in html, name
    for site in ("a.kz", "b.kz", "c.kz", "d.kz", "gone.kz", "new.kz"):
        assert site in text and site in markdown and site in html


def test_site_text_stays_inert_in_markdown_and_html(diff):
    ch = changes(diff, "en")
    markdown, html = to_markdown(ch), to_html(ch)
    outside_fence = re.sub(r"(?ms)^(`{3,})diff$.*?^\1$", "", markdown)
    assert PAYLOAD not in outside_fence and "&lt;script&gt;" in outside_fence
    assert "[x](" not in outside_fence and "\\[x\\]" in outside_fence and "\\*b\\*" in outside_fence
    assert PAYLOAD not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="javascript' not in html
    assert PAYLOAD in to_text(ch)  # plain text is shown, never interpreted: verbatim


def test_findings_are_listed_most_severe_first_everywhere(diff):
    ch = changes(diff, "en")
    assert [r["site"] for r in ch["findings_new"].items] == ["c.kz", "a.kz"]  # high before low
    text = to_text(ch)
    assert text.index("c.kz: [high") < text.index("a.kz: [low")


def test_max_items_says_how_many_more_in_every_format(diff):
    ch = changes(diff, "en", max_items=1)
    assert ch["findings_new"].more == 1 and len(ch["findings_new"].items) == 1
    more = "… and 1 more (see the report)"
    assert more in to_text(ch) and more in to_markdown(ch) and more in to_html(ch)


def _digest(diff, previous="w1", lang="en"):
    summary = {"sites": 5, "statuses": {"ok": 4, "timeout": 1}, "with_policy": 2, "findings": 2,
               "sites_with_findings": 2}
    return {"crawl_id": "w2", "previous": previous, "summary": summary, "report": "report/index.html",
            "report_link": "report/index.html", "lang": lang,
            "changes": changes(diff, lang, 25) if previous else None}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_digest_and_the_diff_page_share_the_reports_section(diff, lang):
    # The same model through the same template: the digest page's section is the diff page's.
    digest = digest_html(_digest(diff, lang=lang))
    assert _section(digest) == _section(to_html(changes(diff, lang, 25)))
    assert message(lang, "digest_title", crawl="w2") in digest and 'href="report/index.html"' in digest


def test_the_digest_markdown_is_the_renderers(diff):
    md = digest_markdown(_digest(diff))
    assert md.startswith("# Weekly digest: crawl w2\n")
    assert "| Policy appeared | 1 |" in md and "| Sites added to the crawl | 1 |" in md
    # The sections are to_markdown's, without the policies' line diffs (the report has them).
    body = to_markdown(changes(diff, "en", 25), diffs=False)
    assert body[body.index("## "):] in md
    assert "```" not in md and "1 timeout" in md
    first = digest_markdown(_digest(diff, previous=None))
    assert "nothing to compare with yet" in first and "| change |" not in first
    assert "[report/index.html](report/index.html)" in first
