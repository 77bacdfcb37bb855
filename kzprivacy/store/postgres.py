"""The same tables in PostgreSQL, for a crawl that several machines write at once.

`Store("postgresql://...")` (or `open_store`) returns a `PostgresStore`: the same methods, the
same schema (created from schema.sql, translated here), the same idempotent writes. SQL written
for SQLite keeps working through `Connection`, which translates the few SQLite-only bits a query
may carry: `?` and `?NNN` placeholders, `INSERT OR IGNORE/REPLACE`, `rowid`, `sqlite_master`,
`PRAGMA table_info(...)` and `BEGIN IMMEDIATE`. Rows read like sqlite3.Row: by index and by name.

What differs, and why:
- TEXT columns use the "C" collation, so text sorts by code point as in SQLite, whatever the
  database's locale; INTEGER becomes BIGINT and REAL DOUBLE PRECISION (SQLite's are 64-bit).
- `rowid` becomes `ctid`, the row's physical place: insertion order for rows never updated.
- A lost connection is retried: each public method of the store runs again on a new connection
  (its writes are idempotent), with growing pauses, before it gives up.
- `write_pages` writes many pages (and finished sites) in one transaction with a handful of
  round trips, for workers that talk to a database across the network.
"""

from __future__ import annotations

import functools
import logging
import re
import sqlite3
import time
import warnings
from collections.abc import Iterable, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from . import PAGE_CHILD_TABLES, SCHEMA, Store, _sql_value, is_database_url

__all__ = ["is_database_url", "translate", "schema_statements", "Connection", "PostgresStore", "connect",
           "RETRY_SECONDS"]

logger = logging.getLogger(__name__)


# Pauses between attempts after a lost connection (about five minutes in all), then the error stands.
RETRY_SECONDS = (0.5, 1, 2, 4, 8, 15, 30, 60, 60, 60, 60)

_TYPES = {"INTEGER": "BIGINT", "REAL": "DOUBLE PRECISION", "TEXT": 'TEXT COLLATE "C"'}
_BACK = {"bigint": "INTEGER", "integer": "INTEGER", "smallint": "INTEGER", "double precision": "REAL",
         "real": "REAL", "text": "TEXT", "character varying": "TEXT", "boolean": "INTEGER"}


# --------------------------------------------------------------------------- schema


def _strip_comments(sql: str) -> str:
    return re.sub(r"--[^\n]*", "", sql)


def _column_type(declared: str) -> str:
    return _TYPES.get(declared.upper(), declared)


def schema_statements(schema: str = SCHEMA) -> list[str]:
    """schema.sql as PostgreSQL statements (tables and indexes)."""
    statements = []
    for statement in _strip_comments(schema).split(";"):
        statement = statement.strip()
        if not statement:
            continue
        statement = re.sub(r"\b(INTEGER|REAL|TEXT)\b", lambda m: _column_type(m.group(1)), statement)
        statements.append(statement)
    return statements


def _reference_columns(schema: str = SCHEMA) -> dict[str, list[tuple[str, str, bool, str | None]]]:
    """Per table: (name, PostgreSQL type, not null, default), as SQLite itself parses schema.sql."""
    reference = sqlite3.connect(":memory:")
    try:
        reference.executescript(schema)
        tables = [r[0] for r in reference.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: [(name, _column_type(ctype), bool(notnull), default)
                    for _cid, name, ctype, notnull, default, _pk in reference.execute(f"PRAGMA table_info({t})")]
                for t in tables}
    finally:
        reference.close()


# --------------------------------------------------------------------------- query translation

_PRAGMA_TABLE_INFO = re.compile(r"^\s*PRAGMA\s+table_info\s*\(\s*[\"'`]?([\w.]+)[\"'`]?\s*\)\s*;?\s*$", re.I)
_PRAGMA_OTHER = re.compile(r"^\s*PRAGMA\b", re.I)
_INSERT_OR = re.compile(r"^\s*INSERT\s+OR\s+(IGNORE|REPLACE)\s+INTO\s+(\"[^\"]+\"|[\w.]+)", re.I)
_BEGIN = re.compile(r"^\s*BEGIN\s+(IMMEDIATE|EXCLUSIVE|DEFERRED)(\s+TRANSACTION)?\s*;?\s*$", re.I)

_SQLITE_MASTER = ("(SELECT 'table' AS type, table_name::text AS name, table_name::text AS tbl_name, NULL AS sql"
                  " FROM information_schema.tables WHERE table_schema = current_schema()"
                  " AND table_type = 'BASE TABLE') AS sqlite_master")

_TABLE_INFO = """
SELECT c.ordinal_position - 1 AS cid, c.column_name::text AS name,
       CASE c.data_type WHEN 'bigint' THEN 'INTEGER' WHEN 'integer' THEN 'INTEGER' WHEN 'smallint' THEN 'INTEGER'
            WHEN 'double precision' THEN 'REAL' WHEN 'real' THEN 'REAL' WHEN 'text' THEN 'TEXT'
            ELSE upper(c.data_type) END AS type,
       CASE WHEN c.is_nullable = 'NO' THEN 1 ELSE 0 END AS notnull,
       regexp_replace(c.column_default, '::[a-z ]+$', '') AS dflt_value,
       coalesce((SELECT k.ordinal_position FROM information_schema.table_constraints t
                 JOIN information_schema.key_column_usage k
                   ON k.constraint_name = t.constraint_name AND k.constraint_schema = t.constraint_schema
                 WHERE t.constraint_type = 'PRIMARY KEY' AND t.table_schema = c.table_schema
                   AND t.table_name = c.table_name AND k.column_name = c.column_name), 0) AS pk
FROM information_schema.columns c
WHERE c.table_schema = current_schema() AND c.table_name = %s
ORDER BY c.ordinal_position
"""


def _scan(sql: str) -> Iterator[tuple[str, str]]:
    """Split SQL into ("code" | "quoted", text) pieces, so that only code outside literals is rewritten."""
    i, n, start = 0, len(sql), 0
    while i < n:
        ch = sql[i]
        if ch in "'\"`":
            if i > start:
                yield "code", sql[start:i]
            j = i + 1
            while j < n:
                if sql[j] == ch:
                    if j + 1 < n and sql[j + 1] == ch:  # a doubled quote stays inside
                        j += 2
                        continue
                    break
                j += 1
            yield "quoted", sql[i:j + 1]
            i = start = j + 1
        elif sql.startswith("--", i) or sql.startswith("/*", i):
            if i > start:
                yield "code", sql[start:i]
            end = sql.find("\n", i) if ch == "-" else sql.find("*/", i + 2)
            end = n if end < 0 else end + (0 if ch == "-" else 2)
            yield "quoted", sql[i:end]
            i = start = end
        else:
            i += 1
    if start < n:
        yield "code", sql[start:]


_PARAM = re.compile(r"\?(\d+)?|(?<!:):([A-Za-z_]\w*)|\b(rowid|sqlite_master)\b", re.I)


def translate(sql: str, params: Any = (),
              replace_clause: Callable[[str], str] | None = None) -> tuple[str, Any]:
    """SQLite-flavoured SQL and its parameters, as psycopg takes them.

    `replace_clause(table)` gives the ON CONFLICT clause for INSERT OR REPLACE into table.
    """
    if _PRAGMA_TABLE_INFO.match(sql):
        return _TABLE_INFO, [_PRAGMA_TABLE_INFO.match(sql).group(1)]
    if _PRAGMA_OTHER.match(sql):
        return "SELECT 1 WHERE false", []  # journal_mode and friends mean nothing here
    if _BEGIN.match(sql):
        return "BEGIN", []
    suffix = ""
    head = _INSERT_OR.match(sql)
    if head:
        table = head.group(2).strip('"')
        if head.group(1).upper() == "IGNORE":
            suffix = " ON CONFLICT DO NOTHING"
        elif replace_clause is not None:
            suffix = " " + replace_clause(table)
        sql = sql[:head.start()] + "INSERT INTO " + head.group(2) + sql[head.end():]
        sql = sql.rstrip().rstrip(";")
    named = isinstance(params, Mapping)
    out: list[str] = []
    values: list[Any] = []
    positional = list(params) if not named and params is not None else []
    next_index = 0

    def code(piece: str) -> str:
        nonlocal next_index

        def one(m: re.Match) -> str:
            nonlocal next_index
            if m.group(3):
                word = m.group(3).lower()
                return "ctid" if word == "rowid" else _SQLITE_MASTER
            if m.group(2):
                if not named:
                    return m.group(0)
                return f"%({m.group(2)})s"
            if named:
                raise ValueError("? placeholders with named parameters")
            if m.group(1):
                values.append(positional[int(m.group(1)) - 1])
            else:
                values.append(positional[next_index])
                next_index += 1
            return "%s"

        return _PARAM.sub(one, piece.replace("%", "%%"))

    for kind, piece in _scan(sql):
        out.append(code(piece) if kind == "code" else piece.replace("%", "%%"))
    return "".join(out) + suffix, (dict(params) if named else values)


# --------------------------------------------------------------------------- connection


class Row(tuple):
    """A result row read by position or by column name, like sqlite3.Row."""

    _names: tuple[str, ...] = ()
    _index: dict[str, int] = {}

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            try:
                return tuple.__getitem__(self, self._index[key])
            except KeyError:
                lowered = {k.lower(): v for k, v in self._index.items()}
                if key.lower() in lowered:
                    return tuple.__getitem__(self, lowered[key.lower()])
                raise IndexError(f"no such column: {key}") from None
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._names)


def _row_factory(cursor: Any) -> Callable[[Sequence[Any]], Any]:
    description = cursor.description
    if description is None:
        return tuple
    names = tuple(c.name for c in description)
    index: dict[str, int] = {}
    for i, name in enumerate(names):
        index.setdefault(name, i)
    cls = type("Row", (Row,), {"_names": names, "_index": index})
    return cls


class Cursor:
    """A DB-API cursor over a psycopg one, taking SQLite-flavoured SQL."""

    def __init__(self, connection: "Connection"):
        self.connection = connection
        self._cursor = connection.raw.cursor(row_factory=_row_factory)

    def execute(self, sql: str, params: Any = ()) -> "Cursor":
        query, values = self.connection.translate(sql, params)
        self._cursor.execute(query, values)
        return self

    def executemany(self, sql: str, seq: Iterable[Any]) -> "Cursor":
        seq = list(seq)
        if not seq:
            return self
        query, _ = self.connection.translate(sql, seq[0])
        self._cursor.executemany(query, [self.connection.translate(sql, p)[1] for p in seq])
        return self

    @property
    def description(self):
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    def fetchone(self):
        return self._cursor.fetchone() if self._cursor.description is not None else None

    def fetchall(self) -> list:
        return self._cursor.fetchall() if self._cursor.description is not None else []

    def fetchmany(self, size: int | None = None) -> list:
        return self._cursor.fetchmany(size) if size else self._cursor.fetchmany()

    def __iter__(self):
        return iter(self.fetchall())

    def close(self) -> None:
        self._cursor.close()


class Connection:
    """A psycopg connection that speaks enough SQLite for this project's SQL (see the module's doc).

    In autocommit mode: each statement is its own transaction unless inside `transaction()`.
    """

    def __init__(self, url: str, *, create_schema: bool = True, read_only: bool = False):
        import psycopg

        self.url = url
        self.raw = psycopg.connect(url, autocommit=True, connect_timeout=15)
        # pandas.read_sql_query takes any DB-API connection but warns for all but sqlite3's; this one is tested.
        warnings.filterwarnings("ignore", message="pandas only supports SQLAlchemy connectable", category=UserWarning)
        if read_only:
            self.raw.execute("SET default_transaction_read_only = on")
        self._keys: dict[str, list[str]] = {}
        self._columns: dict[str, list[str]] = {}
        if create_schema:
            ensure_schema(self.raw)

    # DB-API surface (what pandas.read_sql_query and this project's code use)
    def cursor(self) -> Cursor:
        return Cursor(self)

    def execute(self, sql: str, params: Any = ()) -> Cursor:
        return self.cursor().execute(sql, params)

    def executemany(self, sql: str, seq: Iterable[Any]) -> Cursor:
        return self.cursor().executemany(sql, seq)

    def commit(self) -> None:
        pass  # autocommit, or the enclosing transaction() commits

    def rollback(self) -> None:
        pass

    def close(self) -> None:
        self.raw.close()

    @property
    def closed(self) -> bool:
        return self.raw.closed or self.raw.broken

    @contextmanager
    def transaction(self) -> Iterator["Connection"]:
        with self.raw.transaction():
            yield self

    def translate(self, sql: str, params: Any = ()) -> tuple[str, Any]:
        return translate(sql, params, self.replace_clause)

    # catalogue look-ups, cached per connection
    def columns(self, table: str) -> list[str]:
        if table not in self._columns:
            self._columns[table] = [r[0] for r in self.raw.execute(
                "SELECT column_name::text FROM information_schema.columns"
                " WHERE table_schema = current_schema() AND table_name = %s ORDER BY ordinal_position",
                (table,)).fetchall()]
        return self._columns[table]

    def unique_key(self, table: str) -> list[str]:
        """The table's primary key, else its first unique constraint ([] when it has none)."""
        if table not in self._keys:
            rows = self.raw.execute(
                "SELECT i.indexrelid, a.attname::text FROM pg_index i"
                " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)"
                " WHERE i.indrelid = to_regclass(%s) AND i.indisunique"
                " ORDER BY i.indisprimary DESC, i.indexrelid, array_position(i.indkey::int2[], a.attnum)",
                (table,)).fetchall()
            first = rows[0][0] if rows else None
            self._keys[table] = [name for index, name in rows if index == first]
        return self._keys[table]

    def replace_clause(self, table: str) -> str:
        """ON CONFLICT clause with SQLite's INSERT OR REPLACE meaning: the new row replaces the old one whole."""
        key = self.unique_key(table)
        if not key:
            return ""
        others = [c for c in self.columns(table) if c not in key]
        target = ", ".join(f'"{k}"' for k in key)
        if not others:
            return f"ON CONFLICT ({target}) DO NOTHING"
        # EXCLUDED holds the proposed row with defaults filled in, so unnamed columns reset as in SQLite.
        sets = ", ".join(f'"{c}" = EXCLUDED."{c}"' for c in others)
        return f"ON CONFLICT ({target}) DO UPDATE SET {sets}"


def ensure_schema(raw: Any) -> None:
    """Create the contract's tables and indexes, and add columns a newer schema.sql has (never drops)."""
    reference = _reference_columns()
    have: dict[str, set[str]] = {}
    for table, column in raw.execute("SELECT table_name::text, column_name::text FROM information_schema.columns"
                                     " WHERE table_schema = current_schema()").fetchall():
        have.setdefault(table, set()).add(column)
    if all(t in have and {c[0] for c in cols} <= have[t] for t, cols in reference.items()):
        return
    with raw.transaction():
        # Workers starting together must not race to create the same tables.
        raw.execute("SELECT pg_advisory_xact_lock(hashtext('kzprivacy schema'))")
        for statement in schema_statements():
            raw.execute(statement)
        present = {}
        for table, column in raw.execute("SELECT table_name::text, column_name::text FROM information_schema.columns"
                                         " WHERE table_schema = current_schema()").fetchall():
            present.setdefault(table, set()).add(column)
        for table, columns in reference.items():
            for name, ctype, notnull, default in columns:
                if name not in present.get(table, set()):
                    extra = (" NOT NULL" if notnull and default is not None else "") + \
                        (f" DEFAULT {default}" if default is not None else "")
                    raw.execute(f'ALTER TABLE {table} ADD COLUMN IF NOT EXISTS "{name}" {ctype}{extra}')


def connect(url: str, *, read_only: bool = False) -> Connection:
    """Open a PostgreSQL database (creating the contract's tables unless read_only)."""
    return Connection(url, create_schema=not read_only, read_only=read_only)


# --------------------------------------------------------------------------- the store


def _retrying(method: Callable) -> Callable:
    """Run a store method again on a new connection when the connection was lost (not inside a transaction)."""

    @functools.wraps(method)
    def wrapper(self: "PostgresStore", *args: Any, **kwargs: Any) -> Any:
        import psycopg

        if self._depth:
            return method(self, *args, **kwargs)  # the outermost call retries the whole
        for attempt, pause in enumerate((*self.retry_seconds, None)):
            try:
                return method(self, *args, **kwargs)
            except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
                if pause is None or not self._lost(exc):
                    raise
                logger.warning("database connection lost (%s); retrying %s in %.1f s (attempt %d)",
                               str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__,
                               method.__name__, pause, attempt + 1)
                time.sleep(pause)
                self._reconnect()
    return wrapper


class PostgresStore(Store):
    """Store over PostgreSQL: the same contract, for many writers at once."""

    def __init__(self, path: str, *, retry_seconds: Sequence[float] = RETRY_SECONDS):
        self.path = path  # a URL: kept as given, so the store can be reopened (never a Path)
        self.url = path
        self.retry_seconds = tuple(retry_seconds)
        self._depth = 0
        self._columns = {}
        self.conn = self._connect_with_retry()

    def _connect_with_retry(self) -> Connection:
        import psycopg

        for pause in (*self.retry_seconds, None):
            try:
                return connect(self.url)
            except psycopg.OperationalError as exc:
                if pause is None:
                    raise
                logger.warning("cannot reach the database (%s); again in %.1f s",
                               str(exc).strip().splitlines()[0] if str(exc).strip() else "", pause)
                time.sleep(pause)
        raise AssertionError("unreachable")

    def _lost(self, exc: Exception) -> bool:
        import psycopg.errors as errors

        # Serialisation failures and deadlocks also deserve another go: the work is idempotent.
        return self.conn.closed or isinstance(exc, (errors.AdminShutdown, errors.TransactionRollback,
                                                    errors.CannotConnectNow)) or "connection" in str(exc).lower()

    def _reconnect(self) -> None:
        try:
            self.conn.close()
        except Exception:  # noqa: BLE001 - it is broken already
            pass
        self._depth = 0
        self.conn = self._connect_with_retry()

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        # Nested calls join the outer transaction (as one SQLite transaction would), without savepoints.
        if self._depth:
            self._depth += 1
            try:
                yield self.conn
            finally:
                self._depth -= 1
            return
        self._depth = 1
        try:
            with self.conn.transaction():
                yield self.conn
        finally:
            self._depth = 0

    def columns(self, table: str) -> list[str]:
        return self.conn.columns(table)

    def insert(self, table: str, rows: Iterable[Mapping[str, Any]], *, replace: bool = False) -> int:
        """Insert rows (dicts); keys must be columns of the table. Rows with the same keys go in one batch."""
        allowed = set(self.columns(table))
        count = 0
        batch: list[list[Any]] = []
        batch_keys: tuple[str, ...] | None = None

        def flush() -> None:
            if not batch:
                return
            cols = ", ".join(f'"{k}"' for k in batch_keys)
            marks = ", ".join("%s" for _ in batch_keys)
            clause = self.conn.replace_clause(table) if replace else "ON CONFLICT DO NOTHING"
            sql = f"INSERT INTO {table} ({cols}) VALUES ({marks}) {clause}"
            with self.conn.raw.cursor() as cur:
                if len(batch) == 1:
                    cur.execute(sql, batch[0])
                else:
                    cur.executemany(sql, batch)
            batch.clear()

        for row in rows:
            unknown = set(row) - allowed
            if unknown:
                raise KeyError(f"{table} has no column(s) {sorted(unknown)}")
            keys = tuple(row)
            if keys != batch_keys:
                flush()
                batch_keys = keys
            batch.append([_sql_value(row[k]) for k in keys])
            count += 1
        flush()
        return count

    def pending_sites(self, crawl_id: str) -> list[str]:
        return [r["site"] for r in self.query(
            "SELECT site FROM sites WHERE crawl_id = ? AND status = 'pending' ORDER BY ctid", (crawl_id,))]

    def crawl_ids(self) -> list[str]:
        """Crawls, newest first."""
        return [r["crawl_id"] for r in self.query("SELECT crawl_id FROM crawls ORDER BY started_at DESC, crawl_id DESC")]

    def write_pages(self, crawl_id: str, pages: Sequence[Mapping[str, Any]],
                    finished: Sequence[tuple[str, Mapping[str, Any]]] = ()) -> None:
        """Write many pages, then finish sites, in one transaction: what `write_page` and `finish_site` do
        one by one, with a few round trips for the whole batch."""
        latest: dict[tuple[str, str], Mapping[str, Any]] = {}
        for page in pages:  # a page written twice in a batch: the later copy wins, as one by one
            latest.pop((page["site"], page["url"]), None)
            latest[(page["site"], page["url"])] = page
        with self.transaction():
            keys = [(crawl_id, site, url) for site, url in latest]
            if keys:
                for table in PAGE_CHILD_TABLES:
                    with self.conn.raw.cursor() as cur:
                        cur.executemany(f"DELETE FROM {table} WHERE crawl_id = %s AND site = %s AND page_url = %s",
                                        keys)
            rows: dict[str, list[dict[str, Any]]] = {t: [] for t in ("pages", "cookies", "requests",
                                                                    "inline_trackers", "storage", "forms",
                                                                    "form_fields", "policies",
                                                                    "form_destinations")}
            for (site, url), page in latest.items():
                key = {"crawl_id": crawl_id, "site": site}
                rows["pages"].append({**key, **page["page"]})
                for table in ("cookies", "requests", "inline_trackers", "storage", "form_destinations"):
                    rows[table] += [{**key, "page_url": url, **row} for row in page.get(table) or ()]
                for form in page.get("forms") or ():
                    fields = form.get("fields") or ()
                    rows["forms"].append({**key, "page_url": url, **{k: v for k, v in form.items() if k != "fields"},
                                          "fields_count": len(fields)})
                    rows["form_fields"] += [{**key, "page_url": url, "form_index": form["form_index"],
                                             "field_index": i, **f} for i, f in enumerate(fields)]
                if page.get("policy"):
                    rows["policies"].append({**key, **page["policy"]})
            for table in ("pages", "forms", "form_fields", "policies", "form_destinations"):
                self.insert(table, rows[table], replace=True)
            for table in ("cookies", "requests", "inline_trackers", "storage"):
                self.insert(table, rows[table])
            for site, row in finished:
                Store.finish_site(self, crawl_id, site, row)


# The public methods retry on a lost connection; inside a transaction the outermost call does.
for _name in ("begin_crawl", "finish_crawl", "pending_sites", "reset_sites", "crawl_ids", "write_page",
              "finish_site", "query", "write_pages"):
    setattr(PostgresStore, _name, _retrying(getattr(PostgresStore, _name)))
