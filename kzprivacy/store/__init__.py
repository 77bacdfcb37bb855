"""The store: the contract's tables in SQLite or PostgreSQL, behind one interface.

`open_store(url_or_path)` opens a SQLite file or, for a postgresql:// URL, a PostgreSQL
database, and returns a `Store` (kzprivacy/store/api.py says what it does). Every write runs in a
transaction and is idempotent: a page's rows are replaced as a whole, a site's summary is
recomputed from its pages, so a resumed crawl or a re-run analysis never leaves duplicates, and a
killed crawl leaves a consistent database.

    contract.py  schema.sql, the constants of the contract, and the one place rows are shaped
    api.py       the Store protocol: the operations the floors above use
    sql.py       those operations, written once (SQLAlchemy Core compiles them per database)
    sqlite.py    SQLiteStore: a file, WAL, BEGIN IMMEDIATE, schema.sql as written
    postgres.py  PostgresStore: many writers, wider types, retries after a lost connection
    frames.py    tables read back as typed DataFrames
    read.py      read helpers by database path (latest/previous crawl, a crawl's tables)
"""

from __future__ import annotations

from pathlib import Path

from .api import Store
from .contract import (ANALYSIS_TABLES, PAGE_CHILD_TABLES, POLICY_THRESHOLD, SCHEMA, Row, is_database_url,
                       page_rows, site_rows, utcnow)

__all__ = ["Store", "open_store", "is_database_url", "utcnow", "SCHEMA", "POLICY_THRESHOLD", "PAGE_CHILD_TABLES",
           "ANALYSIS_TABLES", "page_rows", "site_rows", "Row"]


def open_store(url_or_path: str | Path, *, read_only: bool = False) -> Store:
    """The store over a SQLite file or, for a postgresql:// URL, over PostgreSQL.

    Opened for writing, the database and its tables are created as needed (and an older one gains the
    columns added since); `read_only` opens an existing database without creating or changing anything
    (FileNotFoundError for a SQLite file that is not there)."""
    if is_database_url(url_or_path):
        from .postgres import PostgresStore

        return PostgresStore(str(url_or_path), read_only=read_only)
    from .sqlite import SQLiteStore

    return SQLiteStore(url_or_path, read_only=read_only)
