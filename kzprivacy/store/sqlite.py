"""The store over one SQLite file: what a scan on one machine writes, and what Datasette opens.

The tables are made by schema.sql as written (so the file shows the contract's own DDL); a file
made by an older version gains the columns added since. WAL lets readers (Datasette, `kzprivacy
status`) look while a crawl writes; a write transaction takes the write lock when it begins
(BEGIN IMMEDIATE), so two writers queue instead of failing half-way.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from .contract import SCHEMA, metadata
from .sql import SqlStore

__all__ = ["SQLiteStore"]

BUSY_SECONDS = 30  # how long a writer waits for another's transaction to end


class SQLiteStore(SqlStore):
    """The store over a SQLite file (created with the contract's tables unless read_only)."""

    insertion_order = sa.literal_column("rowid")
    crawl_tiebreak: sa.ColumnElement[Any] = sa.literal_column("rowid").desc()

    def __init__(self, path: str | Path, *, read_only: bool = False):
        super().__init__()
        self.path = Path(path)
        self.url = str(path)
        self.read_only = read_only
        if read_only:
            if not self.path.exists():
                raise FileNotFoundError(f"no database at {self.path}")
            target = f"file:{quote(str(self.path.resolve()))}?mode=ro"
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            target = f"file:{quote(str(self.path))}"

        def connect() -> sqlite3.Connection:
            # isolation_level=None: sqlite3 leaves transactions to us (see _begin); one connection may serve
            # the threads a crawler's executor runs store calls on, one at a time (the pool hands it out).
            conn = sqlite3.connect(target, uri=True, timeout=BUSY_SECONDS, isolation_level=None,
                                   check_same_thread=False)
            if not read_only:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
            return conn

        # A pool of connections to the file (not the one-per-thread pool SQLAlchemy gives "sqlite://"): the
        # analysis reads the crawl on one while it writes its results on another.
        self.engine = sa.create_engine("sqlite://", creator=connect, poolclass=sa.pool.QueuePool)
        sa.event.listen(self.engine, "begin", self._on_begin)
        if not read_only:
            self._create_schema()

    @staticmethod
    def _on_begin(conn: sa.Connection) -> None:
        # Reads begin a deferred transaction (a snapshot); writes take the write lock at once.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("write") else "BEGIN")

    @contextmanager
    def _begin(self) -> Iterator[sa.Connection]:
        with self.engine.connect() as conn:
            conn = conn.execution_options(write=True)
            with conn.begin():
                yield conn

    def dialect_insert(self, table: sa.Table) -> Any:
        return sqlite_insert(table)

    def _create_schema(self) -> None:
        with self.engine.connect() as conn:
            driver = conn.connection.driver_connection
            assert driver is not None, "an open connection has its sqlite3 connection"
            driver.executescript(SCHEMA)
            # A database made by an older version: columns are only ever added, with the schema's defaults
            # (SQLite cannot add a NOT NULL column without one).
            inspector = sa.inspect(conn)
            for table in metadata().tables.values():
                have = {c["name"] for c in inspector.get_columns(table.name)}
                for column in table.columns:
                    if column.name in have:
                        continue
                    default = getattr(column.server_default, "arg", None)  # a DefaultClause's text, or None
                    extra = (f" NOT NULL DEFAULT {default}" if not column.nullable else f" DEFAULT {default}") \
                        if default is not None else ""
                    conn.exec_driver_sql(f'ALTER TABLE {table.name} ADD COLUMN "{column.name}" {column.type}{extra}')
            conn.commit()
