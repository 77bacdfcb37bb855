"""Reading a crawl's tables as typed DataFrames, from SQLite or PostgreSQL alike.

Every floor above the store reads through here: the analysis, the diff, the reports and
exports. Columns are typed from the schema (integers stay integers with missing values,
vocabulary columns become categories), so a table reads the same whatever engine holds it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import closing
from pathlib import Path
from urllib.parse import quote

import pandas as pd

__all__ = ["TABLES", "CATEGORICAL", "connect_readonly", "crawl_tables", "crawl_ids", "latest_crawl_id",
           "previous_crawl_id", "read_table", "read_crawl", "iter_table", "site_ranges"]

# The contract's tables, in the order a reader meets them. Any other table of the database
# with a crawl_id column is exported too, after these (see `crawl_tables`).
TABLES = ("crawls", "sites", "pages", "cookies", "requests", "inline_trackers", "storage", "forms", "form_fields",
          "policies", "policy_facts", "declarations", "flows", "findings", "site_summaries")

# Columns holding codes from a small vocabulary: `category` dtype in Parquet (smaller, and
# pandas groups and sorts them as codes). A column is only converted where a table has it.
CATEGORICAL = frozenset({
    "mode", "status", "kind", "party", "set_by", "samesite", "resource_type", "initiator", "service_id", "vendor",
    "company", "country", "category", "consent_phase", "method", "action_party", "type", "autocomplete",
    "found_via", "format", "language", "verdict", "severity", "rule", "encoding", "source", "specificity",
})

EXPORT_CHUNK_ROWS = 50_000  # rows read (and exported) at a time


def crawl_ids(conn: sqlite3.Connection) -> list[str]:
    """Crawls in the database, newest first."""
    return [r[0] for r in conn.execute("SELECT crawl_id FROM crawls ORDER BY started_at DESC, rowid DESC")]


def latest_crawl_id(db_path: str | Path) -> str | None:
    """The newest crawl of the database, finished or not (what a command means by default)."""
    with closing(connect_readonly(db_path)) as conn:
        ids = crawl_ids(conn)
    return ids[0] if ids else None


def previous_crawl_id(db_path: str | Path, crawl_id: str) -> str | None:
    """The newest *finished* crawl started before `crawl_id`: what the weekly digest, `kzprivacy diff`
    and the report's comparison compare with. An interrupted crawl is passed over, since comparing with
    it would report every site it did not reach as gone."""
    with closing(connect_readonly(db_path)) as conn:
        rows = conn.execute("SELECT crawl_id, status FROM crawls ORDER BY started_at DESC, rowid DESC").fetchall()
    ids = [r[0] for r in rows]
    if crawl_id not in ids:
        return None
    return next((c for c, status in rows[ids.index(crawl_id) + 1:] if status == "finished"), None)


def connect_readonly(db_path: str | Path) -> sqlite3.Connection:
    """Open a database for reading only: exporting and reporting never create or change one.

    A postgresql:// URL opens the shared database of a scaled-out crawl (kzprivacy.store, which
    takes this module's SQLite-flavoured SQL there too)."""
    from kzprivacy.store import connect_readonly as connect_any, is_database_url

    if is_database_url(db_path):
        return connect_any(db_path)
    path = Path(db_path)
    if not path.exists():
        raise FileNotFoundError(f"no database at {path}")
    return sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)


def crawl_tables(conn: sqlite3.Connection) -> list[str]:
    """Tables of the database that hold rows per crawl: TABLES first, then any others by name."""
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    per_crawl = [n for n in names if "crawl_id" in _schema_types(conn, n)]
    return [t for t in TABLES if t in per_crawl] + [t for t in per_crawl if t not in TABLES]


def _schema_types(conn: sqlite3.Connection, table: str) -> dict[str, str]:
    return {r[1]: (r[2] or "").upper() for r in conn.execute(f'PRAGMA table_info("{table}")')}


def read_table(conn: sqlite3.Connection, table: str, crawl_id: str,
               sites: tuple[str, str] | None = None) -> pd.DataFrame:
    """One table's rows of a crawl, typed from the schema (an absent table gives an empty frame);
    with `sites` (first, last), only the rows of the sites named first to last (a table without a
    site column is read whole)."""
    types = _schema_types(conn, table)
    if not types:
        return pd.DataFrame()
    where, params = "crawl_id = ?", [crawl_id]
    if sites is not None and "site" in types:
        where, params = where + " AND site >= ? AND site <= ?", [crawl_id, *sites]
    frame = pd.read_sql_query(f'SELECT * FROM "{table}" WHERE {where} ORDER BY rowid', conn, params=params)
    return _typed(frame, table, types)


def iter_table(conn: sqlite3.Connection, table: str, crawl_id: str, chunk_rows: int | None = None
               ) -> Iterator[pd.DataFrame]:
    """One table's rows of a crawl, typed as read_table types them, `chunk_rows` rows at a time
    (at least one frame, empty when the crawl has no rows; none for an absent table)."""
    types = _schema_types(conn, table)
    if not types:
        return
    chunks = pd.read_sql_query(f'SELECT * FROM "{table}" WHERE crawl_id = ? ORDER BY rowid', conn,
                               params=(crawl_id,), chunksize=chunk_rows or EXPORT_CHUNK_ROWS)
    seen = False
    for chunk in chunks:
        seen = True
        yield _typed(chunk, table, types)
    if not seen:
        yield _typed(pd.DataFrame(columns=list(types)), table, types)


def _typed(frame: pd.DataFrame, table: str, types: Mapping[str, str]) -> pd.DataFrame:
    out = {}
    for column in frame.columns:
        values = frame[column]
        declared = types.get(column, "")
        if "INT" in declared:
            values = pd.to_numeric(values, errors="coerce").astype("Int64")
        elif "REAL" in declared or "FLOA" in declared or "DOUB" in declared:
            values = pd.to_numeric(values, errors="coerce").astype("Float64")
        elif column in CATEGORICAL:
            values = values.astype("category")
        elif values.dtype == object or pd.api.types.is_string_dtype(values):
            values = values.astype(object).where(values.notna(), None)
        out[column] = values
    return pd.DataFrame(out, columns=frame.columns)


def read_crawl(db_path: str | Path, crawl_id: str, tables: Iterable[str] | None = None,
               sites: tuple[str, str] | None = None) -> dict[str, pd.DataFrame]:
    """The tables of one crawl as DataFrames, by table name (default: every per-crawl table);
    with `sites` (first, last), only those sites' rows (see read_table).

    A table the database lacks (an older schema) comes back as an empty frame.
    """
    with closing(connect_readonly(db_path)) as conn:
        if not conn.execute("SELECT 1 FROM crawls WHERE crawl_id = ?", (crawl_id,)).fetchone():
            raise KeyError(f"no crawl {crawl_id!r} in {db_path}")
        return {table: read_table(conn, table, crawl_id, sites) for table in (tables or crawl_tables(conn))}


def site_ranges(db_path: str | Path, crawl_id: str, size: int) -> list[tuple[str, str]]:
    """(first, last) site names of consecutive chunks of `size` sites of a crawl, in the database's order."""
    with closing(connect_readonly(db_path)) as conn:
        names = [r[0] for r in conn.execute("SELECT site FROM sites WHERE crawl_id = ? ORDER BY site", (crawl_id,))]
    return [(names[i], names[min(i + size, len(names)) - 1]) for i in range(0, len(names), size)]
