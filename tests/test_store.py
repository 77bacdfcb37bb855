import sqlite3

from kzprivacy.store import open_store


def page(site, url, **extra):
    return {"site": site, "url": url, "page": {"url": url, "status_code": 200, "kind": "home"},
            "cookies": [{"name": "sid", "domain": site, "path": "/", "set_by": "header"}],
            "requests": [{"url": "https://mc.yandex.ru/metrika/tag.js", "host": "mc.yandex.ru",
                          "resource_type": "script"}],
            "forms": [{"form_index": 0, "action": f"https://{site}/send", "method": "post",
                       "fields": [{"name": "phone", "type": "tel", "category": "phone"}]}], **extra}


def test_rewriting_a_page_replaces_its_rows(tmp_path):
    store = open_store(tmp_path / "k.db")
    store.begin_crawl("c1", mode="http", tool_version="t", settings={}, sites=[{"site": "a.kz"}])
    store.write_page("c1", page("a.kz", "https://a.kz/"))
    store.write_page("c1", page("a.kz", "https://a.kz/"))  # a resumed crawl fetches it again
    for table in ("pages", "cookies", "requests", "forms", "form_fields"):
        assert store.query(f"SELECT count(*) FROM {table}")[0][0] == 1, table
    assert store.query("SELECT fields_count FROM forms")[0][0] == 1


def test_finish_site_picks_the_best_policy_and_counts_from_the_database(tmp_path):
    store = open_store(tmp_path / "k.db")
    store.begin_crawl("c1", mode="http", tool_version="t", settings={}, sites=[{"site": "a.kz"}, {"site": "b.kz"}])
    store.write_page("c1", page("a.kz", "https://a.kz/"))
    for url, score in (("https://a.kz/terms", 0.2), ("https://a.kz/privacy", 0.9), ("https://a.kz/kk/privacy", 0.9)):
        lang = "kk" if "/kk/" in url else "ru"
        store.write_page("c1", {"site": "a.kz", "url": url, "page": {"url": url, "status_code": 200, "kind": "policy"},
                                "policy": {"url": url, "is_policy_score": score, "status": "ok", "language": lang,
                                           "chars": 100}})
    store.finish_site("c1", "a.kz", {"status": "ok", "https": True})
    row = store.query("SELECT * FROM sites WHERE site = 'a.kz'")[0]
    assert (row["status"], row["policy_url"], row["pages_fetched"], row["policies_found"]) == \
        ("ok", "https://a.kz/privacy", 4, 2)
    assert [r[0] for r in store.query("SELECT url FROM policies WHERE is_best = 1")] == ["https://a.kz/privacy"]
    crawl = store.query("SELECT sites_total, sites_done FROM crawls")[0]
    assert tuple(crawl) == (2, 1)
    assert store.pending_sites("c1") == ["b.kz"]


def test_the_crawls_counts_follow_each_finish_as_a_full_count_would(tmp_path):
    """finish_site moves crawls.sites_total and sites_done by the one site (a full count at every finish
    cost N² row visits over a crawl); whatever order sites finish in, the counts equal a count of the rows."""
    store = open_store(tmp_path / "k.db")
    store.begin_crawl("c1", mode="http", tool_version="t", settings={}, sites=[{"site": f"s{i}.kz"} for i in range(4)])

    def counted() -> tuple[int, int]:
        total = store.query("SELECT count(*) FROM sites WHERE crawl_id = 'c1'")[0][0]
        done = store.query("SELECT count(*) FROM sites WHERE crawl_id = 'c1' AND status != 'pending'")[0][0]
        return total, done

    steps = [("s0.kz", "ok"), ("s1.kz", "timeout"), ("s0.kz", "ok"),        # finished twice (a retry)
             ("new.kz", "ok"), ("s2.kz", "pending")]                       # unknown to the crawl; still pending
    for site, status in steps:
        store.finish_site("c1", site, {"status": status})
        assert tuple(store.query("SELECT sites_total, sites_done FROM crawls")[0]) == counted(), (site, status)
    assert counted() == (5, 3)
    store.write_pages("c1", [page("s3.kz", "https://s3.kz/")], finished=[("s3.kz", {"status": "ok"})])
    assert tuple(store.query("SELECT sites_total, sites_done FROM crawls")[0]) == counted() == (5, 4)


def test_begin_crawl_again_keeps_what_a_resumed_crawl_has(tmp_path):
    store = open_store(tmp_path / "k.db")
    store.begin_crawl("c1", mode="http", tool_version="t", settings={}, sites=[{"site": "a.kz"}])
    store.finish_site("c1", "a.kz", {"status": "timeout", "error": "slow"})
    store.begin_crawl("c1", mode="http", tool_version="t", settings={}, sites=[{"site": "a.kz"}])
    assert store.query("SELECT status FROM sites")[0][0] == "timeout"
    store.reset_sites("c1", ["a.kz"])
    assert store.query("SELECT count(*) FROM pages")[0][0] == 0


def test_a_failed_write_leaves_nothing_behind(tmp_path):
    store = open_store(tmp_path / "k.db")
    bad = page("a.kz", "https://a.kz/")
    bad["cookies"] = [{"name": "x", "no_such_column": 1}]
    try:
        store.write_page("c1", bad)
    except KeyError:
        pass
    else:
        raise AssertionError("an unknown column must fail")
    assert store.query("SELECT count(*) FROM pages")[0][0] == 0
    # the file is a plain SQLite database that other tools can read
    assert sqlite3.connect(tmp_path / "k.db").execute("SELECT count(*) FROM sites").fetchone() == (0,)


def test_an_older_database_gains_the_new_columns(tmp_path):
    path = tmp_path / "old.db"
    old = sqlite3.connect(path)
    old.execute("CREATE TABLE findings (crawl_id TEXT NOT NULL, site TEXT NOT NULL, verdict TEXT NOT NULL,"
                " severity TEXT NOT NULL, rule TEXT NOT NULL)")
    old.execute("INSERT INTO findings VALUES ('c1', 'a.kz', 'omitted', 'high', 'R')")
    old.commit()
    old.close()
    store = open_store(path)
    assert {"manual_review", "service_id", "explanation"} <= set(store.columns("findings"))
    row = store.query("SELECT rule, manual_review, service_id FROM findings")[0]
    assert tuple(row) == ("R", 0, None)
