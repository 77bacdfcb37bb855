"""The Store over PostgreSQL: the same contract as over SQLite (same writes, same results), with
SQLite-flavoured SQL translated, and a lost connection retried."""

from __future__ import annotations

import pandas as pd
import pytest

from kzprivacy.store import Store, connect_readonly, is_database_url, open_store
from kzprivacy.store.postgres import PostgresStore, schema_statements, translate
from scale_fixtures import pg_url  # noqa: F401  (fixture)
from test_store import page


# -- pure translation ------------------------------------------------------------------------


def test_placeholders_become_psycopg_ones_outside_literals_only():
    sql, params = translate("SELECT '?', \"a?\" FROM t WHERE x = ? AND y LIKE '%z' AND w = ?", (1, 2))
    assert sql == "SELECT '?', \"a?\" FROM t WHERE x = %s AND y LIKE '%%z' AND w = %s"
    assert params == [1, 2]


def test_numbered_placeholders_repeat_their_values():
    sql, params = translate("SELECT ?1, ?2, ?1", ("a", "b"))
    assert (sql, params) == ("SELECT %s, %s, %s", ["a", "b", "a"])


def test_sqlite_only_statements_are_translated():
    assert translate("INSERT OR IGNORE INTO sites (a) VALUES (?)", (1,))[0] == \
        "INSERT INTO sites (a) VALUES (%s) ON CONFLICT DO NOTHING"
    sql, _ = translate("INSERT OR REPLACE INTO pages (a) VALUES (?)", (1,), lambda t: f"ON CONFLICT ({t}_key) DO X")
    assert sql == "INSERT INTO pages (a) VALUES (%s) ON CONFLICT (pages_key) DO X"
    assert "ctid" in translate("SELECT * FROM t ORDER BY rowid", ())[0]
    assert "information_schema.tables" in translate("SELECT name FROM sqlite_master WHERE type = 'table'")[0]
    sql, params = translate('PRAGMA table_info("sites")')
    assert "information_schema.columns" in sql and params == ["sites"]
    assert translate("BEGIN IMMEDIATE")[0] == "BEGIN"


def test_schema_translation_keeps_every_table_and_widens_types():
    statements = schema_statements()
    tables = [s for s in statements if s.startswith("CREATE TABLE")]
    assert len(tables) >= 15
    joined = "\n".join(statements)
    assert " INTEGER" not in joined and " REAL" not in joined
    assert 'TEXT COLLATE "C"' in joined and "DOUBLE PRECISION" in joined


def test_urls_and_paths_are_told_apart():
    assert is_database_url("postgresql://u@h/db") and is_database_url("postgres://h/db")
    assert not is_database_url("output/kzprivacy.db")


# -- against a real PostgreSQL -----------------------------------------------------------------


def _scenario(store: Store) -> dict[str, list[tuple]]:
    """What test_store.py checks, run on any store; returns the tables as sorted row tuples."""
    store.begin_crawl("c1", mode="http", tool_version="t", settings={"x": 1},
                      sites=[{"site": "a.kz"}, {"site": "b.kz"}, {"site": "c.kz"}])
    store.write_page("c1", page("a.kz", "https://a.kz/"))
    store.write_page("c1", page("a.kz", "https://a.kz/"))  # rewritten: replaced, not duplicated
    for url, score in (("https://a.kz/terms", 0.2), ("https://a.kz/privacy", 0.9), ("https://a.kz/kk/privacy", 0.9)):
        lang = "kk" if "/kk/" in url else "ru"
        store.write_page("c1", {"site": "a.kz", "url": url, "page": {"url": url, "status_code": 200, "kind": "policy"},
                                "policy": {"url": url, "is_policy_score": score, "status": "ok", "language": lang,
                                           "chars": 100}})
    store.finish_site("c1", "a.kz", {"status": "ok", "https": True, "redirect_chain": ["https://a.kz/"]})
    store.finish_site("c1", "b.kz", {"status": "timeout", "error": "slow"})
    store.begin_crawl("c1", mode="http", tool_version="t", settings={}, sites=[{"site": "a.kz"}])
    store.write_page("c1", page("c.kz", "https://c.kz/"))
    store.reset_sites("c1", ["c.kz"])
    tables = {}
    for table in ("sites", "pages", "cookies", "requests", "forms", "form_fields", "policies"):
        rows = store.query(f"SELECT * FROM {table}")
        drop = {"started_at", "finished_at", "fetched_at"}
        tables[table] = sorted(tuple(v for k, v in zip(r.keys(), r, strict=False) if k not in drop) for r in rows)
    tables["crawls"] = [tuple(store.query("SELECT sites_total, sites_done, status FROM crawls")[0])]
    tables["pending"] = [tuple(store.pending_sites("c1"))]
    return tables


def test_postgres_store_gives_what_sqlite_gives(pg_url, tmp_path):  # noqa: F811
    sqlite_store, pg_store = Store(tmp_path / "k.db"), Store(pg_url)
    assert isinstance(pg_store, PostgresStore) and type(sqlite_store) is Store
    expected, got = _scenario(sqlite_store), _scenario(pg_store)
    assert got == expected
    assert got["crawls"] == [(3, 2, "running")] and got["pending"] == [("c.kz",)]
    best = pg_store.query("SELECT url FROM policies WHERE is_best = 1")
    assert [r["url"] for r in best] == ["https://a.kz/privacy"]


def test_write_pages_in_one_batch_equals_page_by_page(pg_url):  # noqa: F811
    one, batch = open_store(pg_url), open_store(pg_url)
    pages = [page("a.kz", "https://a.kz/"), page("a.kz", "https://a.kz/"), page("b.kz", "https://b.kz/")]
    for store, crawl in ((one, "one"), (batch, "batch")):
        store.begin_crawl(crawl, mode="http", tool_version="t", settings={}, sites=[{"site": "a.kz"}, {"site": "b.kz"}])
    for p in pages:
        one.write_page("one", p)
    one.finish_site("one", "a.kz", {"status": "ok"})
    batch.write_pages("batch", pages, finished=[("a.kz", {"status": "ok"})])
    for table in ("pages", "cookies", "requests", "forms", "form_fields"):
        rows = {crawl: sorted(tuple(r)[1:] for r in one.query(f"SELECT * FROM {table} WHERE crawl_id = ?", (crawl,)))
                for crawl in ("one", "batch")}
        assert rows["one"] == rows["batch"] and rows["one"], table
    status = one.query("SELECT crawl_id, status, pages_fetched FROM sites WHERE site = 'a.kz' ORDER BY crawl_id")
    assert [tuple(r) for r in status] == [("batch", "ok", 1), ("one", "ok", 1)]


def test_pandas_and_sqlite_style_readers_work_on_postgres(pg_url):  # noqa: F811
    store = Store(pg_url)
    store.begin_crawl("c1", mode="http", tool_version="t", settings={}, sites=[{"site": "a.kz"}])
    store.write_page("c1", page("a.kz", "https://a.kz/"))
    frame = pd.read_sql_query("SELECT * FROM cookies WHERE crawl_id = ?", store.conn, params=("c1",))
    assert list(frame["name"]) == ["sid"]
    conn = connect_readonly(pg_url)
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    assert {"sites", "pages", "findings"} <= set(tables)
    info = {r[1]: r[2] for r in conn.execute('PRAGMA table_info("policies")')}
    assert (info["link_score"], info["chars"], info["url"]) == ("REAL", "INTEGER", "TEXT")
    pk = [r[1] for r in conn.execute("PRAGMA table_info(pages)") if r[5]]
    assert pk == ["crawl_id", "site", "url"]
    assert conn.execute("SELECT url FROM pages WHERE crawl_id = ? ORDER BY rowid", ("c1",)).fetchone()["url"] == \
        "https://a.kz/"
    with pytest.raises(Exception, match="read-only"):
        conn.execute("DELETE FROM pages")
    conn.close()


def test_a_lost_connection_is_retried_not_fatal(pg_url):  # noqa: F811
    import psycopg

    store = PostgresStore(pg_url, retry_seconds=(0.1, 0.2, 0.4))
    store.begin_crawl("c1", mode="http", tool_version="t", settings={}, sites=[{"site": "a.kz"}])
    # The server ends this store's session, as a restart or a network cut would.
    with psycopg.connect(pg_url, autocommit=True) as admin:
        pid = store.conn.raw.info.backend_pid
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    store.write_page("c1", page("a.kz", "https://a.kz/"))
    store.finish_site("c1", "a.kz", {"status": "ok"})
    assert store.conn.raw.info.backend_pid != pid
    assert store.query("SELECT status, pages_fetched FROM sites")[0][:] == ("ok", 1)


def test_an_older_postgres_database_gains_the_new_columns(pg_url):  # noqa: F811
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as raw:
        raw.execute("CREATE TABLE findings (crawl_id TEXT NOT NULL, site TEXT NOT NULL, verdict TEXT NOT NULL,"
                    " severity TEXT NOT NULL, rule TEXT NOT NULL)")
        raw.execute("INSERT INTO findings VALUES ('c1', 'a.kz', 'omitted', 'high', 'R')")
    store = Store(pg_url)
    assert {"manual_review", "service_id", "explanation"} <= set(store.columns("findings"))
    assert tuple(store.query("SELECT rule, manual_review, service_id FROM findings")[0]) == ("R", 0, None)
