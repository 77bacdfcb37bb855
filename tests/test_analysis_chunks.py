"""The analysis reads a crawl a chunk of sites at a time: the result must not depend on the chunk size."""

from __future__ import annotations

import sqlite3

from kzprivacy.analysis.run import analyze_crawl, site_ranges
from kzprivacy.store import open_store

POLICIES = [
    "ТОО «Пример Демо» (БИН 990140000017) является оператором персональных данных. Мы собираем фамилию, имя "
    "и номер телефона Пользователя для обратной связи. Сайт использует файлы cookie и Яндекс.Метрику.",
    "Оператор обрабатывает адрес электронной почты. Данные хранятся на серверах в Республике Казахстан "
    "и не передаются третьим лицам.",
]


def _crawl(db) -> None:
    store = open_store(db)
    sites = [f"site{i:02d}-demo.kz" for i in range(7)]
    store.begin_crawl("c", mode="http", tool_version="t", settings={}, sites=[{"site": s} for s in sites])
    for i, site in enumerate(sites):
        base = f"https://{site}"
        page = {"site": site, "url": base + "/", "page": {"url": base + "/", "status_code": 200, "kind": "home",
                                                           "warc_record_id": f"<urn:{i}>"},
                "cookies": [{"name": "_ym_uid", "domain": site, "path": "/", "set_by": "header", "party": "first",
                             "service_id": "yandex_metrica", "vendor": "Yandex.Metrica", "is_tracking": True,
                             "warc_record_id": f"<urn:{i}>"}] if i % 2 else [],
                "requests": [{"url": "https://mc.yandex.ru/metrika/tag.js", "host": "mc.yandex.ru",
                              "resource_type": "script", "party": "third", "service_id": "yandex_metrica",
                              "vendor": "Yandex.Metrica", "warc_record_id": f"<urn:{i}>"}] if i % 3 else [],
                "forms": [{"form_index": 0, "action": base + "/send", "method": "post", "action_is_https": True,
                           "action_party": "first", "action_host": site, "has_consent_checkbox": bool(i % 2),
                           "policy_link_near": True,
                           "fields": [{"name": "phone", "type": "tel", "label": "Телефон", "category": "phone"},
                                      {"name": "email", "type": "email", "label": "E-mail", "category": "email"}]}],
                "inline_trackers": []}
        store.write_page("c", page)
        if i != 5:  # one site without a policy
            text = POLICIES[i % 2]
            url = base + "/privacy"
            store.write_page("c", {"site": site, "url": url, "page": {"url": url, "status_code": 200, "kind": "policy"},
                                   "policy": {"url": url, "format": "html", "text": text, "chars": len(text),
                                              "is_policy_score": 0.9, "status": "ok", "link_score": 0.9,
                                              "sha256": f"sha-{i % 2}"}})
        store.finish_site("c", site, {"status": "ok"})
    store.close()


def _analysis_rows(db) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(db)
    out = {}
    for table in ("declarations", "policy_facts", "flows", "findings", "site_summaries"):
        columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if r[1] not in ("analyzed_at", "id")]
        out[table] = sorted(conn.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall(), key=repr)
    conn.close()
    return out


def test_site_ranges_cover_every_site_once(tmp_path):
    db = tmp_path / "k.db"
    _crawl(db)
    store = open_store(db)
    ranges = list(site_ranges(store, "c", 3))
    store.close()
    assert ranges == [("site00-demo.kz", "site02-demo.kz"), ("site03-demo.kz", "site05-demo.kz"),
                      ("site06-demo.kz", "site06-demo.kz")]


def test_chunked_analysis_equals_whole_analysis(tmp_path):
    db = tmp_path / "k.db"
    _crawl(db)
    whole = analyze_crawl(db, "c")
    expected = _analysis_rows(db)
    assert whole["sites"] == 7 and whole["findings"] > 0 and whole["declarations"] > 0
    chunked = analyze_crawl(db, "c", chunk_sites=2)  # re-running replaces, chunk by chunk
    texts = ("texts_analysed", "texts_reused")       # the second run finds both texts analysed already
    assert {k: v for k, v in chunked.items() if k not in texts} == {k: v for k, v in whole.items() if k not in texts}
    assert _analysis_rows(db) == expected
    assert len(expected["site_summaries"]) == 7


def test_policy_sentences_are_not_kept_in_a_process_wide_cache():
    """The comparison tokenises a chunk's policy sentences for vendor names once per chunk: a cache keyed by
    every sentence grew with the number of sites analysed (about 10 MB per 2,000 sites of a zone)."""
    import pandas as pd

    from kzprivacy.analysis.compare import judge_flows, vendor_tokens

    n = 300
    sites = pd.DataFrame({"site": [f"s{i}-demo.kz" for i in range(n)], "status": "ok",
                          "policy_url": [f"https://s{i}-demo.kz/privacy" for i in range(n)], "policy_status": "ok"})
    observations = pd.DataFrame({"site": sites["site"], "category": "analytics", "source": "service",
                                 "observed": "mc.yandex.ru", "observed_url": "https://mc.yandex.ru/metrika/tag.js",
                                 "warc_record_id": "<urn:1>", "service_id": "yandex_metrica",
                                 "vendor": "Yandex.Metrica", "company": "Yandex", "country": "RU"})
    # Every site's policy names the service in a sentence of its own; every third names another company.
    evidence = [f"Сайт {i} использует Яндекс.Метрику для аналитики." if i % 3 else f"Сайт {i} использует Hotjar."
                for i in range(n)]
    declarations = pd.DataFrame({"site": sites["site"], "category": "analytics", "status": "declared",
                                 "specificity": "specific", "evidence": evidence, "start": 0, "end": 10,
                                 "policy_url": sites["policy_url"], "rule": "ru.analytics.vendor",
                                 "vendors": [[] for _ in range(n)]})
    vendor_tokens.cache_clear()
    flows = judge_flows(observations, declarations, sites)
    assert flows["vendor_named"].tolist() == [bool(i % 3) for i in range(n)]
    assert vendor_tokens.cache_info().currsize < 10    # the service's names, not the 300 sentences
