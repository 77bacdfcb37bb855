"""What changed between two crawls: the pure comparisons over DataFrames, and `kzprivacy diff` on a database."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import kzprivacy  # noqa: F401  (sets the offline tldextract environment first)
from kzprivacy.cli.analysis import diff as diff_command
from kzprivacy.analysis.diff import (compare_findings, compare_policies, compare_services, compare_sites, diff_frames,
                                     inline_changes, site_policies, text_diff)
from kzprivacy.analysis.report.changes import changes, to_json, to_markdown, to_text
from kzprivacy.analysis.tables import third_party_services

PAYLOAD = "<script>alert(1)</script>"


def sites(*rows):
    return pd.DataFrame([dict(zip(("site", "status", "policy_url"), r, strict=False)) for r in rows])


def policies(*rows):
    return pd.DataFrame([dict(zip(("site", "url", "text", "sha256", "language"), (*r, None, "ru"), strict=True))
                         for r in rows])


# --------------------------------------------------------------------------- pure functions


def test_sites_added_removed_and_status_changes():
    old = sites(("a.kz", "ok", None), ("b.kz", "ok", None), ("gone.kz", "ok", None))
    new = sites(("a.kz", "ok", None), ("b.kz", "timeout", None), ("new.kz", "ok", None))
    added, removed, changes = compare_sites(old, new)
    assert added == ["new.kz"] and removed == ["gone.kz"]
    assert changes.to_dict("records") == [{"site": "b.kz", "from_status": "ok", "to_status": "timeout"}]


def test_policy_text_change_gives_a_readable_line_diff():
    old_text = "Политика\n\n1. Мы собираем имя.\n\n2. Данные хранятся в Казахстане.\n"
    new_text = "Политика\n\n1. Мы собираем имя и телефон.\n\n2. Данные хранятся в Казахстане.\n\n3. Cookie.\n"
    old = site_policies(sites(("a.kz", "ok", "https://a.kz/p")), policies(("a.kz", "https://a.kz/p", old_text)))
    new = site_policies(sites(("a.kz", "ok", "https://a.kz/p")), policies(("a.kz", "https://a.kz/p", new_text)))
    appeared, disappeared, changed = compare_policies(old, new, {"a.kz"})
    assert appeared.empty and disappeared.empty
    row = changed.iloc[0]
    assert row["site"] == "a.kz" and not row["moved"]
    assert "-1. Мы собираем имя." in row["diff"] and "+1. Мы собираем имя и телефон." in row["diff"]
    assert "+3. Cookie." in row["diff"]
    assert (row["added"], row["removed"]) == (3, 1)  # the changed line, a blank line and the new item


def test_whitespace_only_changes_are_not_changes_but_a_move_is():
    listed = sites(("a.kz", "ok", "https://a.kz/p"))
    old = site_policies(listed, policies(("a.kz", "https://a.kz/p", "Текст  политики.")))
    same = site_policies(listed, policies(("a.kz", "https://a.kz/p", "Текст\nполитики.")))
    assert compare_policies(old, same, {"a.kz"})[2].empty
    moved = site_policies(sites(("a.kz", "ok", "https://a.kz/privacy")),
                          policies(("a.kz", "https://a.kz/privacy", "Текст политики.")))
    changed = compare_policies(old, moved, {"a.kz"})[2]
    assert changed["moved"].tolist() == [True] and changed["diff"].tolist() == [[]]


def test_the_same_policy_over_http_one_week_and_https_the_next_has_not_moved():
    old = site_policies(sites(("a.kz", "ok", "http://a.kz/p")), policies(("a.kz", "http://a.kz/p", "Текст политики.")))
    new = site_policies(sites(("a.kz", "ok", "https://a.kz/p")),
                        policies(("a.kz", "https://a.kz/p", "Текст политики.")))
    assert compare_policies(old, new, {"a.kz"})[2].empty


def test_policies_appear_and_disappear_only_among_compared_sites():
    old = site_policies(sites(("a.kz", "ok", None), ("b.kz", "ok", "https://b.kz/p")),
                        policies(("b.kz", "https://b.kz/p", "x")))
    new = site_policies(sites(("a.kz", "ok", "https://a.kz/p"), ("b.kz", "ok", None)),
                        policies(("a.kz", "https://a.kz/p", "y")))
    appeared, disappeared, _ = compare_policies(old, new, {"a.kz", "b.kz"})
    assert appeared.to_dict("records") == [{"site": "a.kz", "url": "https://a.kz/p"}]
    assert disappeared.to_dict("records") == [{"site": "b.kz", "url": "https://b.kz/p"}]
    assert compare_policies(old, new, {"a.kz"})[1].empty  # b.kz not compared


def test_inline_changes_mark_words():
    ops = inline_changes("сервиса Google.Метрика для статистики", "сервиса Яндекс.Метрика для статистики")
    assert ("delete", "Google.Метрика") in ops and ("insert", "Яндекс.Метрика") in ops
    assert "".join(t for op, t in ops if op != "insert") == "сервиса Google.Метрика для статистики"
    assert "".join(t for op, t in ops if op != "delete") == "сервиса Яндекс.Метрика для статистики"


def test_services_are_keyed_by_id_then_vendor_then_host():
    def requests(*rows):
        columns = ("site", "url", "host", "party", "service_id", "vendor", "company", "country")
        return pd.DataFrame([dict(zip(columns, r, strict=True))
                             for r in rows])

    empty = pd.DataFrame()
    old = third_party_services(requests(
        ("a.kz", "https://mc.yandex.ru/tag.js", "mc.yandex.ru", "third", "yandex_metrica", "Yandex.Metrica",
         None, None),
        ("a.kz", "https://cdn.unknown.example/x.js", "cdn.unknown.example", "third", None, None, None, None),
        ("a.kz", "https://a.kz/app.js", "a.kz", "first", None, None, None, None)), empty, empty)
    new = third_party_services(requests(
        ("a.kz", "https://mc.yandex.ru/watch/1", "mc.yandex.ru", "third", "yandex_metrica", "Yandex.Metrica",
         None, None),
        ("a.kz", "https://connect.facebook.net/fbevents.js", "connect.facebook.net", "third", None, "Meta Pixel",
         "Meta Platforms, Inc.", "US")), empty, empty)
    assert set(old["key"]) == {"yandex_metrica", "cdn.unknown.example"}  # first-party requests are not services
    added, removed = compare_services(old, new, {"a.kz"})
    assert added[["site", "key", "country"]].to_dict("records") == [{"site": "a.kz", "key": "Meta Pixel",
                                                                      "country": "US"}]
    assert removed["key"].tolist() == ["cdn.unknown.example"]
    known = old.set_index("key").loc["yandex_metrica"]
    assert known["company"] == "Yandex LLC" and known["country"] == "RU"  # filled from the knowledge base


def test_findings_new_and_resolved_by_site_rule_category_observed():
    def findings(*rows):
        return pd.DataFrame([dict(zip(("site", "rule", "category", "observed", "verdict", "severity"), r, strict=False))
                             for r in rows])

    old = findings(("a.kz", "FLOW-UNDECLARED", "phone", "поле «Телефон»", "omitted", "medium"),
                   ("a.kz", "KZ-NO-POLICY", None, "форма", "no_policy", "high"),
                   ("b.kz", "FLOW-UNDECLARED", "email", "поле", "omitted", "medium"))
    new = findings(("a.kz", "FLOW-UNDECLARED", "phone", "поле «Телефон»", "omitted", "medium"),
                   ("a.kz", "FLOW-UNDECLARED", "health", "поле «Жалобы»", "omitted", "high"),
                   ("a.kz", "FLOW-UNDECLARED", "email", "поле «E-mail»", "clear", "info"))
    fresh, resolved = compare_findings(old, new, {"a.kz"})
    assert fresh[["category", "observed"]].to_dict("records") == [{"category": "health", "observed": "поле «Жалобы»"}]
    assert resolved["rule"].tolist() == ["KZ-NO-POLICY"]  # b.kz is not compared; clear is not a problem


def test_an_unreachable_site_loses_nothing_but_its_status():
    old = {"sites": sites(("a.kz", "ok", "https://a.kz/p")), "policies": policies(("a.kz", "https://a.kz/p", "t")),
           "findings": pd.DataFrame([{"site": "a.kz", "rule": "R", "category": "phone", "observed": "x",
                                      "verdict": "omitted", "severity": "low"}])}
    new = {"sites": sites(("a.kz", "timeout", None)), "policies": pd.DataFrame(), "findings": pd.DataFrame()}
    result = diff_frames(old, new, "w1", "w2")
    assert result.counts() == {**dict.fromkeys(result.SECTIONS, 0), "status_changes": 1}
    assert result.compared_sites == 0


def test_renderings_keep_site_text_inert():
    old = {"sites": sites(("a.kz", "ok", None))}
    new = {"sites": sites(("a.kz", "ok", None)),
           "findings": pd.DataFrame([{"site": "a.kz", "rule": "R", "category": None, "verdict": "omitted",
                                      "severity": "high", "observed": f"[click](javascript:alert(1)) {PAYLOAD}"}]),
           "policies": pd.DataFrame()}
    result = diff_frames(old, new, "w1", "w2")
    markdown = to_markdown(changes(result))
    assert PAYLOAD not in markdown and "&lt;script&gt;" in markdown
    assert "[click](" not in markdown and "\\[click\\]" in markdown  # no live link
    assert PAYLOAD in to_text(changes(result))  # plain text is for terminals and mail bodies: kept verbatim
    assert json.loads(to_json(result))["findings_new"][0]["observed"].endswith(PAYLOAD)


def test_markdown_code_fence_cannot_be_closed_by_the_policy():
    old = {"sites": sites(("a.kz", "ok", "u")), "policies": policies(("a.kz", "u", "Текст\n"))}
    new = {"sites": sites(("a.kz", "ok", "u")), "policies": policies(("a.kz", "u", "Текст\n```\n# Заголовок\n"))}
    markdown = to_markdown(changes(diff_frames(old, new, "w1", "w2")))
    assert "````diff" in markdown  # a longer fence than the ``` inside
    assert "+```" in markdown


def test_text_diff_has_no_file_headers():
    assert text_diff("a\nb\n", "a\nc\n") == ["@@ -1,2 +1,2 @@", " a", "-b", "+c"]


# --------------------------------------------------------------------------- a database with two crawls


def _clone_crawl(conn: sqlite3.Connection, source: str, target: str) -> None:
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for table in tables:
        columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
        if "crawl_id" not in columns:
            continue
        names = ", ".join(f'"{c}"' for c in columns)
        values = ", ".join("?" if c == "crawl_id" else f'"{c}"' for c in columns)
        conn.execute(f'INSERT INTO "{table}" ({names}) SELECT {values} FROM "{table}" WHERE crawl_id = ?',
                     (target, source))


@pytest.fixture(scope="module")
def two_crawls(sample_crawl, tmp_path_factory) -> Path:
    """A copy of the sample crawl's database with a second, later crawl that differs in known ways."""
    out = tmp_path_factory.mktemp("diff")
    src = sqlite3.connect(sample_crawl.out / "kzprivacy.db")
    conn = sqlite3.connect(out / "kzprivacy.db")
    src.backup(conn)
    src.close()
    old = sample_crawl.crawl_id
    _clone_crawl(conn, old, "week2")
    conn.execute("UPDATE crawls SET started_at = '2999-01-01T00:00:00Z' WHERE crawl_id = 'week2'")
    text = conn.execute("SELECT text FROM policies WHERE crawl_id = 'week2' AND site = 'clinic-demo.kz' AND is_best = 1"
                        ).fetchone()[0]
    conn.execute("UPDATE policies SET text = ? WHERE crawl_id = 'week2' AND site = 'clinic-demo.kz' AND is_best = 1",
                 (text + f"\n\n9. Новый пункт {PAYLOAD}.\n",))
    conn.execute("UPDATE sites SET policy_url = NULL WHERE crawl_id = 'week2' AND site = 'kitap-demo.kz'")
    conn.execute("DELETE FROM requests WHERE crawl_id = 'week2' AND site = 'news-demo.kz'")
    conn.execute("DELETE FROM inline_trackers WHERE crawl_id = 'week2' AND site = 'news-demo.kz'")
    conn.execute("DELETE FROM cookies WHERE crawl_id = 'week2' AND site = 'news-demo.kz' AND service_id IS NOT NULL")
    conn.execute("INSERT INTO findings (crawl_id, site, category, verdict, severity, observed, rule, explanation) "
                 "VALUES ('week2', 'hostile-demo.kz', 'health', 'omitted', 'high', ?, 'FLOW-UNDECLARED', 'x')",
                 (f"form field {PAYLOAD}",))
    conn.execute("UPDATE sites SET status = 'timeout', policy_url = NULL WHERE crawl_id = 'week2' "
                 "AND site = 'docs-demo.kz'")
    conn.commit()
    conn.close()
    return out


def test_diff_command_defaults_to_the_two_latest_crawls(two_crawls, sample_crawl):
    result = CliRunner().invoke(diff_command, ["--out", str(two_crawls), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["from_crawl"], data["to_crawl"]) == (sample_crawl.crawl_id, "week2")
    assert [r["site"] for r in data["policies_changed"]] == ["clinic-demo.kz"]
    assert any(PAYLOAD in line for line in data["policies_changed"][0]["diff"])
    assert [r["site"] for r in data["policies_disappeared"]] == ["kitap-demo.kz"]
    assert {r["site"] for r in data["services_removed"]} == {"news-demo.kz"}
    assert data["services_added"] == []
    assert [(r["site"], r["category"]) for r in data["findings_new"]] == [("hostile-demo.kz", "health")]
    assert data["status_changes"] == [{"site": "docs-demo.kz", "from_status": "ok", "to_status": "timeout"}]
    # docs-demo.kz did not answer: its policy is not reported as gone
    assert "docs-demo.kz" not in {r["site"] for r in data["policies_disappeared"]}


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_diff_command_formats(two_crawls, fmt, tmp_path):
    target = tmp_path / f"diff.{fmt}"
    result = CliRunner().invoke(diff_command, ["--out", str(two_crawls), "--format", fmt, "-o", str(target),
                                               "--lang", "en"])
    assert result.exit_code == 0, result.output
    body = target.read_text(encoding="utf-8")
    assert "clinic-demo.kz" in body and "kitap-demo.kz" in body
    if fmt == "html":
        assert body.startswith("<!DOCTYPE html>") and "Policy text changed" in body
        assert PAYLOAD not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
        assert '<div class="add">' in body
    if fmt == "markdown":
        assert "## Policy text changed (1)" in body
        # Site text is escaped everywhere but inside the fenced diff, where Markdown shows it as code.
        outside = re.sub(r"(?ms)^(`{3,})diff$.*?^\1$", "", body)
        assert PAYLOAD in body and PAYLOAD not in outside


def test_diff_command_explains_a_missing_crawl(two_crawls, sample_crawl):
    result = CliRunner().invoke(diff_command, ["--out", str(two_crawls), "--to", sample_crawl.crawl_id])
    assert result.exit_code != 0 and "no crawl before" in result.output
    result = CliRunner().invoke(diff_command, ["--out", str(two_crawls), "--from", "nope"])
    assert result.exit_code != 0 and "no crawl 'nope'" in result.output


def test_summary_report_shows_the_changes_since_the_previous_crawl(two_crawls):
    from kzprivacy.analysis.report import render_report, site_file_name

    index = render_report(two_crawls / "kzprivacy.db", "week2", two_crawls, lang="en")
    html = index.read_text(encoding="utf-8")
    changes = html[html.index('<section id="changes">'):]
    assert "What changed since the last crawl" in changes and "Compared with crawl test" in changes
    assert f'href="sites/{site_file_name("clinic-demo.kz")}"' in changes
    assert "Policy disappeared" in changes and "kitap-demo.kz" in changes
    assert PAYLOAD not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in changes  # the new line, escaped
    assert 'class="add"' in changes
