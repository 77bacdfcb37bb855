"""The store over PostgreSQL: the same contract as over SQLite (same writes, same results, the same
operations written once), and a lost connection retried."""

from __future__ import annotations

import pandas as pd
import pytest

import sqlalchemy as sa

from kzprivacy.store import Store, is_database_url, open_store
from kzprivacy.store.contract import metadata
from kzprivacy.store.postgres import PostgresStore, postgres_metadata
from kzprivacy.store.sqlite import SQLiteStore
from scale_fixtures import pg_url  # noqa: F401  (fixture)
from test_store import page


# -- the schema, from schema.sql ------------------------------------------------------------


def test_postgres_tables_are_schema_sql_with_wider_types():
    narrow, wide = metadata(), postgres_metadata()
    assert len(wide.tables) >= 15 and set(wide.tables) == set(narrow.tables)
    for name, table in wide.tables.items():
        assert [c.name for c in table.columns] == [c.name for c in narrow.tables[name].columns], name
        assert [c.name for c in table.primary_key] == [c.name for c in narrow.tables[name].primary_key], name
    ddl = "\n".join(str(sa.schema.CreateTable(t).compile(dialect=sa.dialects.postgresql.dialect()))
                    for t in wide.sorted_tables)
    assert " INTEGER" not in ddl and " REAL" not in ddl
    assert 'TEXT COLLATE "C"' in ddl and "DOUBLE PRECISION" in ddl and "BIGINT" in ddl
    assert "UNIQUE (crawl_id, site, page_url, name, domain, path, consent_phase)" in ddl
    assert {i.name for t in wide.sorted_tables for i in t.indexes} >= {"declarations_site", "findings_site"}


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
    sqlite_store, pg_store = open_store(tmp_path / "k.db"), open_store(pg_url)
    assert isinstance(pg_store, PostgresStore) and isinstance(sqlite_store, SQLiteStore)
    assert isinstance(pg_store, Store) and isinstance(sqlite_store, Store)
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
        rows = {crawl: sorted(tuple(r)[1:] for r in one.query(f"SELECT * FROM {table} WHERE crawl_id = :c",
                                                                {"c": crawl}))
                for crawl in ("one", "batch")}
        assert rows["one"] == rows["batch"] and rows["one"], table
    status = one.query("SELECT crawl_id, status, pages_fetched FROM sites WHERE site = 'a.kz' ORDER BY crawl_id")
    assert [tuple(r) for r in status] == [("batch", "ok", 1), ("one", "ok", 1)]


def test_tables_read_back_typed_and_read_only_stays_read_only(pg_url, tmp_path):  # noqa: F811
    frames = {}
    for where in (pg_url, tmp_path / "k.db"):
        store = open_store(where)
        store.begin_crawl("c1", mode="http", tool_version="t", settings={}, sites=[{"site": "a.kz"}])
        store.write_page("c1", page("a.kz", "https://a.kz/"))
        store.write_page("c1", page("a.kz", "https://a.kz/b"))
        store.close()
        reader = open_store(where, read_only=True)
        assert {"sites", "pages", "findings"} <= set(reader.crawl_tables())
        types = reader.column_types("policies")
        assert (types["link_score"], types["chars"], types["url"]) == ("REAL", "INTEGER", "TEXT")
        frames[str(where)[:4]] = {t: reader.read_table(t, "c1") for t in ("pages", "cookies", "policies")}
        chunks = list(reader.iter_table("pages", "c1", chunk_rows=1))
        assert [list(c["url"]) for c in chunks] == [["https://a.kz/"], ["https://a.kz/b"]]  # as written
        assert list(reader.read_sql("SELECT name FROM cookies WHERE crawl_id = :c", {"c": "c1"})["name"]) == \
            ["sid", "sid"]
        with pytest.raises(sa.exc.DBAPIError, match=r"read-only|readonly"):
            reader.query("DELETE FROM pages")
        reader.close()
    pg, lite = frames["post"], frames[str(tmp_path / "k.db")[:4]]
    for table in pg:
        drop = ["fetched_at"]
        left, right = (f.drop(columns=[c for c in drop if c in f]) for f in (pg[table], lite[table]))
        pd.testing.assert_frame_equal(left, right, check_categorical=False)


def test_a_lost_connection_is_retried_not_fatal(pg_url):  # noqa: F811
    import psycopg

    store = PostgresStore(pg_url, retry_seconds=(0.1, 0.2, 0.4))
    store.begin_crawl("c1", mode="http", tool_version="t", settings={}, sites=[{"site": "a.kz"}])
    # The server ends this store's sessions, as a restart or a network cut would.
    pid = store.query("SELECT pg_backend_pid()")[0][0]
    with psycopg.connect(pg_url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                      " WHERE datname = current_database() AND pid <> pg_backend_pid()")
    store.write_page("c1", page("a.kz", "https://a.kz/"))
    store.finish_site("c1", "a.kz", {"status": "ok"})
    assert store.query("SELECT pg_backend_pid()")[0][0] != pid
    assert store.query("SELECT status, pages_fetched FROM sites")[0][:] == ("ok", 1)


def test_an_older_postgres_database_gains_the_new_columns(pg_url):  # noqa: F811
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as raw:
        raw.execute("CREATE TABLE findings (crawl_id TEXT NOT NULL, site TEXT NOT NULL, verdict TEXT NOT NULL,"
                    " severity TEXT NOT NULL, rule TEXT NOT NULL)")
        raw.execute("INSERT INTO findings VALUES ('c1', 'a.kz', 'omitted', 'high', 'R')")
    store = open_store(pg_url)
    assert {"manual_review", "service_id", "explanation"} <= set(store.columns("findings"))
    assert tuple(store.query("SELECT rule, manual_review, service_id FROM findings")[0]) == ("R", 0, None)
