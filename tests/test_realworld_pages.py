"""bench/realworld_pages.py without the real material: its labels parse, its matching and scoring
count what they say, and a saved site is served and scanned for real through a temporary sample web.

Every page and sentence here is written for this test."""

from __future__ import annotations

import importlib.util
import sqlite3
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def _load():
    spec = importlib.util.spec_from_file_location("realworld_pages", ROOT / "bench" / "realworld_pages.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["realworld_pages"] = module
    spec.loader.exec_module(module)
    return module


rw = _load()

HOME = """<!doctype html><html lang="ru"><head><title>Ремонт Демо</title>
<script async src="https://mc.yandex.ru/metrika/tag.js"></script></head><body>
<form action="/send" method="post">
  <label>Имя <input name="fio"></label>
  <label>Телефон <input type="tel" name="tel"></label>
  <label><input type="checkbox" name="agree" required> Я принимаю
    <a href="/soglashenie.html">Положение об обработке персональных данных</a></label>
  <button>Отправить</button>
</form></body></html>"""

POLICY = """<!doctype html><html lang="ru"><head><title>Положение об обработке персональных данных</title></head>
<body><h1>Положение об обработке персональных данных</h1>
<p>ТОО «Ремонт Демо» обрабатывает имя и номер телефона, которые посетитель оставляет в форме заявки,
чтобы перезвонить ему. Данные не передаются третьим лицам и хранятся один год.</p>
<p>Обработка ведётся по Закону Республики Казахстан «О персональных данных и их защите». Сайт использует
файлы cookie и Яндекс.Метрику для статистики посещений.</p></body></html>"""


def _labels() -> list[dict]:
    return [{
        "site": "remont-rw-demo.kz", "builder": "static",
        "source": {"repository": "example/none", "commit": "0" * 40},
        "policy_urls": ["https://remont-rw-demo.kz/soglashenie.html"],
        "pages": [{
            "url": "https://remont-rw-demo.kz/", "file": "index.html", "source_path": "index.html",
            "policy_links": [{"url": "https://remont-rw-demo.kz/soglashenie.html", "kind": "privacy_policy",
                              "markup": "consent_label"}],
            "third_party": [{"host": "mc.yandex.ru", "via": "script"},
                            {"host": "unknown-counter.example", "via": "img"}],
            "forms": [{"fields": [{"name": "fio", "category": "name"}, {"name": "tel", "category": "phone"},
                                  {"name": "agree", "category": None}]}],
        }],
        "documents": [{"url": "https://remont-rw-demo.kz/soglashenie.html", "file": "soglashenie.html",
                       "source_path": "soglashenie.html", "kind": "privacy_policy"}],
    }]


@pytest.fixture
def material(tmp_path: Path) -> Path:
    site = tmp_path / "pages" / "remont-rw-demo.kz"
    site.mkdir(parents=True)
    (site / "index.html").write_text(HOME, encoding="utf-8")
    (site / "soglashenie.html").write_text(POLICY, encoding="utf-8")
    return tmp_path


def test_committed_labels_parse_and_name_real_taxonomy_codes():
    from kzprivacy.vocabulary.taxonomy import CATEGORIES

    sites = rw.load_labels()
    assert len(sites) >= 14 and sum(len(s["pages"]) for s in sites) >= 30
    for site in sites:
        assert len(site["source"]["commit"]) == 40, site["site"]
        for page in site["pages"]:
            for form in page.get("forms") or []:
                for f in form.get("fields") or []:
                    assert f.get("category") is None or f["category"] in CATEGORIES, (site["site"], f)
    facts = rw.load_findings()
    assert len(facts) >= 10
    from kzprivacy.analysis.rules import RULES

    for site, items in facts.items():
        for fact in items:
            for match in rw._alternatives(fact.get("match") or {}):
                rules = match.get("rule")
                for rule in ([rules] if isinstance(rules, str) else rules or []):
                    assert rule in RULES, (site, rule)


def test_restore_mirror_assets_gives_back_the_live_address():
    html = ('<script src="assets/m-files.cdn1.cc/web/build/app__q_v_17.js"></script>'
            '<img src="../assets/cdn.example.com/a.png">')
    restored = rw.restore_mirror_assets(html)
    assert 'src="https://m-files.cdn1.cc/web/build/app?v_17.js"' in restored
    assert 'src="https://cdn.example.com/a.png"' in restored


def test_urls_compare_across_idn_www_and_trailing_slash():
    assert rw._norm_url("https://сови.kz/politika/") == rw._norm_url("http://www.xn--b1amql.kz/politika")
    assert rw._norm_url("https://a.kz/x") != rw._norm_url("https://a.kz/y")


def test_fact_matching_by_value_list_and_substring():
    finding = {"rule": "KZ-FOREIGN-TRANSFER-UNDECLARED", "service_id": "yandex_webvisor", "observed": "Webvisor (tag)"}
    assert rw._matches(finding, {"rule": "KZ-FOREIGN-TRANSFER-UNDECLARED",
                                 "service_id": ["yandex_metrica", "yandex_webvisor"]})
    assert rw._matches(finding, {"observed_contains": "webvisor"})
    assert not rw._matches(finding, {"rule": "KZ-NO-POLICY"})


def test_findings_are_counted_found_missed_invented_and_duplicated(tmp_path: Path):
    db = tmp_path / "kzprivacy.db"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE sites (crawl_id, site, status, policy_url)")
    con.execute("CREATE TABLE findings (crawl_id, site, rule, category, verdict, observed, observed_url, service_id, "
                "policy_evidence)")
    con.execute("INSERT INTO sites VALUES ('realworld', 'a.kz', 'ok', NULL)")
    rows = [("KZ-NO-POLICY", "name"), ("KZ-NO-POLICY", "phone"), ("KZ-FORM-PLAIN-HTTP", "phone")]
    for rule, category in rows:
        con.execute("INSERT INTO findings VALUES ('realworld', 'a.kz', ?, ?, 'x', '', '', NULL, '')", (rule, category))
    con.commit()
    con.close()
    facts = {"a.kz": [
        {"fact": "no policy", "match": {"rule": "KZ-NO-POLICY"}},
        {"fact": "no consent", "match": {"rule": "KZ-FORM-NO-CONSENT"}},
        {"fact": "goes to a bot", },
        {"fact": "fonts", "optional": True, "match": {"rule": "KZ-FOREIGN-TRANSFER-UNDECLARED"}},
    ]}
    totals = rw.score_findings(db, facts)["totals"]
    assert totals["facts"] == 3 and totals["expressible"] == 2 and totals["no_rule"] == 1
    assert totals["found"] == 1 and totals["missed"] == 1
    assert totals["duplicates"] == 1            # KZ-NO-POLICY twice for one fact
    assert totals["invented"] == 1              # the plain-HTTP finding matches no fact


def test_static_scores_on_a_saved_page(material: Path, tmp_path: Path):
    labels_file = tmp_path / "pages.yaml"
    labels_file.write_text(yaml.safe_dump({"sites": _labels()}, allow_unicode=True), encoding="utf-8")
    result = rw.run(material, labels_file, tmp_path / "none.yaml", scan=False)
    assert result["material"]["pages_present"] == 1
    fields = result["form_fields"]["fields"]
    assert fields["tp"] + fields["fn"] == 2     # the consent checkbox carries no category
    hosts = result["hosts"]
    assert hosts["distinct_hosts"] == 2 and hosts["attributed"] == 1
    assert hosts["unknown"] == ["unknown-counter.example"]
    assert rw.run(tmp_path / "empty", labels_file, scan=False) is None


def test_saved_site_is_served_and_scanned_for_real(material: Path, tmp_path: Path):
    out = tmp_path / "out"
    db = rw.scan_saved_sites(material, _labels(), out)
    sites = {r["site"]: r for r in rw._rows(db, "SELECT site, status FROM sites WHERE crawl_id='realworld'")}
    assert sites["remont-rw-demo.kz"]["status"] == "ok"
    fetched = {r["url"] for r in rw._rows(db, "SELECT url FROM pages WHERE status_code = 200")}
    assert "https://remont-rw-demo.kz/" in fetched
    scored = rw.scanned_discovery(db, _labels(), material)
    assert scored["sites"]["tp"] + scored["sites"]["fn"] == 1


def test_no_material_exits_with_status_2_and_says_so(tmp_path: Path, capsys):
    assert rw.main(["--material", str(tmp_path), "--no-scan"]) == 2
    assert "No real pages under" in capsys.readouterr().err


def test_a_finding_fitting_several_facts_goes_to_one_still_unfound_whatever_the_order(tmp_path: Path):
    db = tmp_path / "kzprivacy.db"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE sites (crawl_id, site, status, policy_url)")
    con.execute("CREATE TABLE findings (crawl_id, site, rule, category, verdict, observed, observed_url, service_id, "
                "policy_evidence)")
    con.execute("INSERT INTO sites VALUES ('realworld', 'a.kz', 'ok', NULL)")
    # the wider form first: it fits both facts, the narrower one fits only the first
    for observed in ("form asking for email, name, phone on /", "form asking for name, phone on /"):
        con.execute("INSERT INTO findings VALUES ('realworld', 'a.kz', 'KZ-FORM-NO-CONSENT', 'consent', 'x', ?, '', "
                    "NULL, '')", (observed,))
    con.commit()
    con.close()
    facts = {"a.kz": [
        {"fact": "callback form", "match": {"rule": "KZ-FORM-NO-CONSENT", "observed_contains": "name, phone"}},
        {"fact": "contact form", "match": {"rule": "KZ-FORM-NO-CONSENT", "observed_contains": "email, name, phone"}},
    ]}
    result = rw.score_findings(db, facts)
    assert result["totals"]["found"] == 2 and result["totals"]["duplicates"] == 0
    assert result["sites"]["a.kz"]["duplicate_findings"] == []
