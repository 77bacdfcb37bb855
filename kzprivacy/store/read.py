"""Reading a crawl by database path, from SQLite or PostgreSQL alike: what the floors above start from.

Each helper opens the database read-only (it never creates or changes one), asks the store, and
closes it. Tables come back typed from the schema (kzprivacy/store/frames.py), so a table reads the
same whatever engine holds it.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING

from . import Store, open_store
from .frames import CATEGORICAL, EXPORT_CHUNK_ROWS, TABLES

if TYPE_CHECKING:  # only for annotations: the tables come from the store, which imports pandas to read them
    import pandas as pd

__all__ = ["TABLES", "CATEGORICAL", "EXPORT_CHUNK_ROWS", "open_reader", "latest_crawl_id", "previous_crawl_id",
           "read_crawl", "site_ranges"]


def open_reader(db_path: str | Path) -> Store:
    """The store of a database opened for reading only (FileNotFoundError when a SQLite file is missing)."""
    return open_store(db_path, read_only=True)


def latest_crawl_id(db_path: str | Path) -> str | None:
    """The newest crawl of the database, finished or not (what a command means by default)."""
    with closing(open_reader(db_path)) as store:
        ids = store.crawl_ids()
    return ids[0] if ids else None


def previous_crawl_id(db_path: str | Path, crawl_id: str) -> str | None:
    """The newest *finished* crawl started before `crawl_id`: what the weekly digest, `kzprivacy diff`
    and the report's comparison compare with. An interrupted crawl is passed over, since comparing with
    it would report every site it did not reach as gone."""
    with closing(open_reader(db_path)) as store:
        rows = store.crawls()
    ids = [r["crawl_id"] for r in rows]
    if crawl_id not in ids:
        return None
    return next((r["crawl_id"] for r in rows[ids.index(crawl_id) + 1:] if r["status"] == "finished"), None)


def read_crawl(db_path: str | Path, crawl_id: str, tables: Iterable[str] | None = None,
               sites: tuple[str, str] | None = None) -> dict[str, pd.DataFrame]:
    """The tables of one crawl as DataFrames, by table name (default: every per-crawl table);
    with `sites` (first, last), only those sites' rows (see Store.read_table).

    A table the database lacks (an older schema) comes back as an empty frame.
    """
    with closing(open_reader(db_path)) as store:
        if store.crawl(crawl_id) is None:
            raise KeyError(f"no crawl {crawl_id!r} in {db_path}")
        return {table: store.read_table(table, crawl_id, sites) for table in (tables or store.crawl_tables())}


def site_ranges(db_path: str | Path, crawl_id: str, size: int) -> list[tuple[str, str]]:
    """(first, last) site names of consecutive chunks of `size` sites of a crawl, by name."""
    with closing(open_reader(db_path)) as store:
        names = store.site_names(crawl_id)
    return [(names[i], names[min(i + size, len(names)) - 1]) for i in range(0, len(names), size)]
