"""What the store's writes cost over the database driver itself, on SQLite and (when installed) PostgreSQL.

    python bench/store.py [--pages 2000] [--batch 50] [--no-postgres]

Writes the same synthetic pages (a home page with cookies, third-party requests and a form, as the
crawler's pipeline hands them over) through the store's `write_pages`, a batch per transaction, then
the same rows with bare driver calls (sqlite3 / psycopg executemany of plain INSERTs into the same
tables, one transaction per batch): the floor any store must pay. Prints seconds and the ratio store /
bare for each database. The bare baseline skips what the store adds on purpose (replacing a page's
earlier rows, ON CONFLICT, validation), so the ratio is the whole price of the store, not only
SQLAlchemy's.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's kzprivacy, not an installed one


def synthetic_page(site: str, n: int) -> dict:
    url = f"https://{site}/p{n}"
    return {"site": site, "url": url, "page": {"url": url, "status_code": 200, "kind": "home", "sha256": f"{n:064x}"},
            "cookies": [{"name": f"c{i}", "domain": site, "path": "/", "set_by": "header", "party": "first"}
                        for i in range(4)],
            "requests": [{"url": f"https://cdn{i}.example/t.js?{n}", "host": f"cdn{i}.example", "party": "third",
                          "resource_type": "script"} for i in range(8)],
            "forms": [{"form_index": 0, "action": f"https://{site}/send", "method": "post",
                       "fields": [{"name": "phone", "type": "tel", "category": "phone"},
                                  {"name": "email", "type": "email", "category": "email"}]}]}


def pages_of(count: int) -> list[dict]:
    return [synthetic_page(f"s{n // 10:05d}-demo.kz", n) for n in range(count)]


def through_store(url: str, pages: list[dict], batch: int) -> float:
    from kzprivacy.store import open_store

    store = open_store(url)
    sites = sorted({p["site"] for p in pages})
    store.begin_crawl("bench", mode="http", tool_version="bench", settings={}, sites=[{"site": s} for s in sites])
    started = time.perf_counter()
    for i in range(0, len(pages), batch):
        store.write_pages("bench", pages[i:i + batch])
    seconds = time.perf_counter() - started
    store.close()
    return seconds


def bare_rows(pages: list[dict]) -> dict[str, list[dict]]:
    from kzprivacy.store import page_rows

    rows: dict[str, list[dict]] = {}
    for page in pages:
        for table, table_rows in page_rows("bare", page).items():
            rows.setdefault(table, []).extend(table_rows)
    return rows


def bare(execute_batch, commit, pages: list[dict], batch: int, mark: str) -> float:
    """Plain INSERTs of the rows the store would write, with the driver's executemany."""
    started = time.perf_counter()
    for i in range(0, len(pages), batch):
        for table, rows in bare_rows(pages[i:i + batch]).items():
            by_keys: dict[tuple, list[list]] = {}
            for row in rows:
                by_keys.setdefault(tuple(row), []).append(list(row.values()))
            for keys, values in by_keys.items():
                columns = ", ".join(f'"{k}"' for k in keys)
                execute_batch(f"INSERT INTO {table} ({columns}) VALUES ({', '.join(mark for _ in keys)})", values)
        commit()
    return time.perf_counter() - started


def run_sqlite(pages: list[dict], batch: int) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        store_seconds = through_store(str(Path(tmp) / "store.db"), pages, batch)
        from kzprivacy.store import open_store

        open_store(Path(tmp) / "bare.db").close()  # the same tables, made by the store
        conn = sqlite3.connect(Path(tmp) / "bare.db")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        bare_seconds = bare(conn.executemany, conn.commit, pages, batch, "?")
        conn.close()
    return store_seconds, bare_seconds


def run_postgres(pages: list[dict], batch: int) -> tuple[float, float]:
    import psycopg

    sys.path.insert(0, str(ROOT / "tests"))
    from scale_fixtures import postgres

    from kzprivacy.store import open_store

    server = postgres()
    store_url, bare_url = server.create_database("bench_store"), server.create_database("bench_bare")
    store_seconds = through_store(store_url, pages, batch)
    open_store(bare_url).close()
    with psycopg.connect(bare_url) as conn, conn.cursor() as cursor:
        bare_seconds = bare(cursor.executemany, conn.commit, pages, batch, "%s")
    return store_seconds, bare_seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=50, help="pages a transaction (a worker writes 50)")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    pages = pages_of(args.pages)
    rows = sum(len(r) for r in bare_rows(pages).values())
    print(f"{args.pages} pages ({rows} rows), {args.batch} pages a transaction")
    runs = [("SQLite", run_sqlite)] + ([] if args.no_postgres else [("PostgreSQL", run_postgres)])
    for name, run in runs:
        store_seconds, bare_seconds = run(pages, args.batch)
        print(f"  {name:10s} store {store_seconds:6.2f} s ({args.pages / store_seconds:7.0f} pages/s), "
              f"bare driver {bare_seconds:6.2f} s: store/bare {store_seconds / bare_seconds:.2f}x")


if __name__ == "__main__":
    main()
