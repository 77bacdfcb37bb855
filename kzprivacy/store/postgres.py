"""The store over PostgreSQL: the same contract, for a crawl that several machines write at once.

`open_store("postgresql://...")` gives a PostgresStore: the operations of kzprivacy/store/sql.py
(SQLAlchemy compiles them for PostgreSQL) over the tables schema.sql describes. What differs, and why:
- The tables are created from schema.sql as SQLAlchemy reads it, with wider types: TEXT columns
  use the "C" collation, so text sorts by code point as in SQLite whatever the database's locale;
  INTEGER becomes BIGINT and REAL DOUBLE PRECISION (SQLite's are 64-bit). A database made by an
  older version gains the columns added since (never drops). Workers starting together take an
  advisory lock, so they do not race to create the same tables.
- "The order rows were written in" is `ctid`, the row's physical place (insertion order for rows
  never updated); crawls started in the same second are told apart by id.
- A lost connection is retried: an operation runs again on a new connection (its writes are
  idempotent), with growing pauses, before the error stands. So are serialisation failures and
  deadlocks. Replacing a crawl's analysis is not retried (its rows are computed as they are written).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgres_insert

from .contract import metadata
from .sql import SqlStore

__all__ = ["PostgresStore", "RETRY_SECONDS", "postgres_metadata"]

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Pauses between attempts after a lost connection (about five minutes in all), then the error stands.
RETRY_SECONDS = (0.5, 1, 2, 4, 8, 15, 30, 60, 60, 60, 60)
SCHEMA_LOCK = "kzprivacy schema"


def postgres_metadata() -> sa.MetaData:
    """schema.sql's tables with PostgreSQL's types (see the module's doc)."""
    wide = sa.MetaData()
    for table in metadata().sorted_tables:
        copy = table.to_metadata(wide)
        for column in copy.columns:
            if isinstance(column.type, sa.Integer):
                column.type = sa.BigInteger()
            elif isinstance(column.type, (sa.Float, sa.Numeric)):
                column.type = sa.Double()
            elif isinstance(column.type, sa.String):
                column.type = sa.Text(collation="C")
    return wide


def engine_url(url: str) -> sa.URL:
    """postgresql://... as SQLAlchemy's URL for the psycopg (3) driver."""
    return sa.make_url(url).set(drivername="postgresql+psycopg")


class PostgresStore(SqlStore):
    """The store over PostgreSQL (the contract's tables created unless read_only)."""

    insertion_order = sa.literal_column("ctid")
    crawl_tiebreak: sa.ColumnElement[Any] = sa.literal_column("crawl_id").desc()

    def __init__(self, url: str, *, read_only: bool = False, retry_seconds: Sequence[float] = RETRY_SECONDS):
        super().__init__()
        self.url = self.path = url  # kept as given, so the store can be opened again
        self.read_only = read_only
        self.retry_seconds = tuple(retry_seconds)
        connect_args: dict[str, Any] = {"connect_timeout": 15}
        if read_only:
            connect_args["options"] = "-c default_transaction_read_only=on"
        self.engine = sa.create_engine(engine_url(url), connect_args=connect_args, pool_pre_ping=False,
                                       pool_size=2, max_overflow=4)
        if not read_only:
            self._retrying(self._create_schema)

    def dialect_insert(self, table: sa.Table) -> Any:
        return postgres_insert(table)

    # -- a lost connection ------------------------------------------------------------------

    def _write(self, work: Callable[[sa.Connection], T]) -> T:
        return self._retrying(lambda: SqlStore._write(self, work))

    def _read(self, work: Callable[[sa.Connection], T]) -> T:
        return self._retrying(lambda: SqlStore._read(self, work))

    def _retrying(self, attempt: Callable[[], T]) -> T:
        for number, pause in enumerate((*self.retry_seconds, None), start=1):
            try:
                return attempt()
            except sa.exc.DBAPIError as exc:
                if pause is None or not self._worth_retrying(exc):
                    raise
                first_line = (str(exc.orig).strip().splitlines() or [type(exc.orig).__name__])[0]
                logger.warning("database connection lost (%s); again in %.1f s (attempt %d)", first_line, pause,
                               number)
                time.sleep(pause)
                self.engine.dispose()  # every pooled connection may be as dead as this one
        raise AssertionError("unreachable")

    @staticmethod
    def _worth_retrying(exc: sa.exc.DBAPIError) -> bool:
        import psycopg.errors as errors

        if exc.connection_invalidated:
            return True
        # Serialisation failures and deadlocks also deserve another go: the work is idempotent.
        if isinstance(exc.orig, (errors.AdminShutdown, errors.CannotConnectNow, errors.TransactionRollback)):
            return True
        message = str(exc.orig).lower()
        return isinstance(exc, (sa.exc.OperationalError, sa.exc.InterfaceError)) and (
            "connection" in message or "server closed" in message)

    # -- the tables -------------------------------------------------------------------------

    def _create_schema(self) -> None:
        wide = postgres_metadata()
        with self.engine.connect() as conn:
            if not self._missing_columns(conn, wide):
                return
        with self.engine.begin() as conn:
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext(SCHEMA_LOCK))))
            wide.create_all(conn, checkfirst=True)
            for table, column in self._missing_columns(conn, wide):
                default = getattr(column.server_default, "arg", None)  # a DefaultClause's text, or None
                extra = (" NOT NULL" if not column.nullable and default is not None else "") + \
                    (f" DEFAULT {default}" if default is not None else "")
                kind = column.type.compile(dialect=conn.dialect)
                conn.exec_driver_sql(f'ALTER TABLE {table} ADD COLUMN IF NOT EXISTS "{column.name}" {kind}{extra}')

    @staticmethod
    def _missing_columns(conn: sa.Connection, wide: sa.MetaData) -> list[tuple[str, sa.Column[Any]]]:
        inspector = sa.inspect(conn)
        present = set(inspector.get_table_names())
        missing: list[tuple[str, sa.Column[Any]]] = []
        for table in wide.sorted_tables:
            if table.name not in present:
                missing += [(table.name, c) for c in table.columns]
                continue
            have = {c["name"] for c in inspector.get_columns(table.name)}
            missing += [(table.name, c) for c in table.columns if c.name not in have]
        return missing
