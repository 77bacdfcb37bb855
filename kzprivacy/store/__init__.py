"""Storage: the contract's tables in SQLite, written in transactions.

Every write is idempotent: a page's rows are replaced as a whole, a site's
summary is recomputed from its pages, so a resumed crawl or a re-run analysis
never leaves duplicates, and a killed crawl leaves a consistent database.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any, Iterator

__all__ = ["Store", "connect", "utcnow", "SCHEMA", "POLICY_THRESHOLD", "open_store", "connect_readonly",
           "is_database_url", "site_rows"]

SCHEMA = resources.files(__package__).joinpath("schema.sql").read_text(encoding="utf-8")

# A candidate needs at least POLICY_THRESHOLD (is_policy_score) to become the site's policy; a link scoring
# STRONG_LINK_SCORE names one even when the document behind it cannot be read.
from kzprivacy.extract.policy import POLICY_THRESHOLD, STRONG_LINK_SCORE  # noqa: E402

# Tables whose rows belong to one fetched page (replaced together when the page is rewritten).
PAGE_CHILD_TABLES = ("cookies", "requests", "inline_trackers", "forms", "form_fields", "storage", "form_destinations")


def utcnow() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def connect(path: str | Path) -> sqlite3.Connection:
    """Open (and create) the database with the contract's schema."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=30, isolation_level=None)
    conn.row_factory = sqlite3.Row
    # WAL lets readers (Datasette, a status command) look while a crawl writes.
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.executescript(SCHEMA)
    _add_missing_columns(conn)
    return conn


def _add_missing_columns(conn: sqlite3.Connection) -> None:
    """Bring a database made by an older version up to the schema: columns are only ever added."""
    reference = sqlite3.connect(":memory:")
    reference.executescript(SCHEMA)
    tables = [r[0] for r in reference.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for table in tables:
        have = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
        for _cid, name, ctype, notnull, default, _pk in reference.execute(f"PRAGMA table_info({table})"):
            if name not in have:
                # SQLite cannot add a NOT NULL column without a default; the schema's defaults carry over.
                extra = f" NOT NULL DEFAULT {default}" if notnull and default is not None else \
                    (f" DEFAULT {default}" if default is not None else "")
                conn.execute(f'ALTER TABLE {table} ADD COLUMN "{name}" {ctype}{extra}')
    reference.close()


def is_database_url(value: object) -> bool:
    """True for a PostgreSQL URL (postgresql://...), False for a SQLite path."""
    return isinstance(value, str) and value.lower().startswith(("postgresql://", "postgres://"))


def open_store(url_or_path: str | Path) -> "Store":
    """A Store over a SQLite file or, for a postgresql:// URL, over PostgreSQL (store/postgres.py)."""
    return Store(url_or_path)


def connect_readonly(url_or_path: str | Path):
    """A read-only DB-API connection to either engine, taking this project's SQLite-flavoured SQL
    (for PostgreSQL, store/postgres.py translates it): what exports and reports read through."""
    if is_database_url(url_or_path):
        from .postgres import connect as connect_postgres

        return connect_postgres(str(url_or_path), read_only=True)
    path = Path(url_or_path)
    if not path.exists():
        raise FileNotFoundError(f"no database at {path}")
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def site_rows(entries: Iterable[Any], rejected: Iterable[tuple[str, str]] = ()) -> list[dict[str, Any]]:
    """The `sites` rows a crawl begins with: one per valid entry (pending), one per rejected input (invalid)."""
    rows = [{"site": e.site, "input": e.input, "ascii_host": e.ascii_host, "start_url": e.start_url} for e in entries]
    rows += [{"site": entry[:255], "input": entry, "status": "invalid", "error": reason} for entry, reason in rejected]
    return rows


class Store:
    """The crawl's writer and the analysis's reader over one database."""

    def __new__(cls, path: str | Path, *args, **kwargs):
        # Store("postgresql://...") is the same contract in PostgreSQL, so every caller works on both.
        if cls is Store and is_database_url(path):
            from .postgres import PostgresStore

            return super().__new__(PostgresStore)
        return super().__new__(cls)

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.conn = connect(self.path)
        self._columns: dict[str, list[str]] = {}

    def close(self) -> None:
        self.conn.close()

    # -- plumbing ---------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    def columns(self, table: str) -> list[str]:
        if table not in self._columns:
            self._columns[table] = [r["name"] for r in self.conn.execute(f"PRAGMA table_info({table})")]
        return self._columns[table]

    def insert(self, table: str, rows: Iterable[Mapping[str, Any]], *, replace: bool = False) -> int:
        """Insert rows (dicts); keys must be columns of the table. Returns the number written."""
        allowed = set(self.columns(table))
        count = 0
        verb = "INSERT OR REPLACE" if replace else "INSERT OR IGNORE"
        for row in rows:
            unknown = set(row) - allowed
            if unknown:
                raise KeyError(f"{table} has no column(s) {sorted(unknown)}")
            keys = list(row)
            cols = ", ".join(f'"{k}"' for k in keys)
            marks = ", ".join("?" for _ in keys)
            self.conn.execute(f"{verb} INTO {table} ({cols}) VALUES ({marks})", [_sql_value(row[k]) for k in keys])
            count += 1
        return count

    def query(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, tuple(params)).fetchall()

    # -- crawls and sites -------------------------------------------------------------------

    def begin_crawl(self, crawl_id: str, *, mode: str, tool_version: str, settings: Mapping[str, Any],
                    sites: Iterable[Mapping[str, Any]]) -> None:
        """Register a crawl and its sites (status 'pending'); keeps what a resumed crawl already has."""
        sites = list(sites)
        with self.transaction():
            self.conn.execute(
                "INSERT INTO crawls (crawl_id, started_at, mode, tool_version, settings, sites_total, status)"
                " VALUES (?, ?, ?, ?, ?, 0, 'running')"
                " ON CONFLICT (crawl_id) DO UPDATE SET status='running', finished_at=NULL",
                (crawl_id, utcnow(), mode, tool_version, json.dumps(dict(settings), ensure_ascii=False, default=str)),
            )
            self.insert("sites", ({"crawl_id": crawl_id, **row} for row in sites))
            self._count_sites(crawl_id)

    def _count_sites(self, crawl_id: str) -> None:
        self.conn.execute(
            "UPDATE crawls SET sites_total = (SELECT count(*) FROM sites WHERE crawl_id = ?),"
            " sites_done = (SELECT count(*) FROM sites WHERE crawl_id = ? AND status <> 'pending')"
            " WHERE crawl_id = ?",
            (crawl_id, crawl_id, crawl_id),
        )

    def finish_crawl(self, crawl_id: str, status: str = "finished") -> None:
        with self.transaction():
            self._count_sites(crawl_id)
            self.conn.execute("UPDATE crawls SET finished_at = ?, status = ? WHERE crawl_id = ?",
                              (utcnow(), status, crawl_id))

    def pending_sites(self, crawl_id: str) -> list[str]:
        return [r["site"] for r in self.query(
            "SELECT site FROM sites WHERE crawl_id = ? AND status = 'pending' ORDER BY rowid", (crawl_id,))]

    def reset_sites(self, crawl_id: str, sites: Iterable[str]) -> None:
        """Forget what unfinished sites wrote, so crawling them again starts clean."""
        sites = list(sites)
        with self.transaction():
            for table in ("pages", "policies", *PAGE_CHILD_TABLES):
                self.conn.executemany(f"DELETE FROM {table} WHERE crawl_id = ? AND site = ?",
                                      [(crawl_id, s) for s in sites])

    def crawl_ids(self) -> list[str]:
        """Crawls, newest first."""
        return [r["crawl_id"] for r in self.query("SELECT crawl_id FROM crawls ORDER BY started_at DESC, rowid DESC")]

    def crawls(self) -> list[dict[str, Any]]:
        """Every crawl's id, status, mode and start time, newest first (the one order every command uses)."""
        return [dict(r) for r in self.query("SELECT crawl_id, status, mode, started_at FROM crawls"
                                            " ORDER BY started_at DESC, rowid DESC")]

    def crawl(self, crawl_id: str) -> dict[str, Any] | None:
        """One crawl's row, its settings record decoded from JSON; None when the database has no such crawl."""
        rows = self.query("SELECT * FROM crawls WHERE crawl_id = ?", (crawl_id,))
        if not rows:
            return None
        row = dict(rows[0])
        row["settings"] = json.loads(row.get("settings") or "{}")
        return row

    def reopen_crawl(self, crawl_id: str) -> None:
        """Mark a crawl running again (its unfinished sites are about to be crawled)."""
        with self.transaction():
            self.conn.execute("UPDATE crawls SET status = 'running', finished_at = NULL WHERE crawl_id = ?", (crawl_id,))

    def site_inputs(self, crawl_id: str, *, pending_only: bool = False) -> dict[str, str]:
        """{site: what the user gave for it} for the crawl's valid sites (or only those still pending)."""
        where = "status = 'pending'" if pending_only else "status <> 'invalid'"
        return {r["site"]: r["input"] or r["site"] for r in self.query(
            f"SELECT site, input FROM sites WHERE crawl_id = ? AND {where} ORDER BY rowid", (crawl_id,))}

    def crawl_summary(self, crawl_id: str) -> dict[str, Any]:
        """The counts a command prints at the end of a crawl: sites by status, policies, pages, findings."""
        statuses = {r["status"]: r["n"] for r in self.query(
            "SELECT status, count(*) AS n FROM sites WHERE crawl_id = ? GROUP BY status ORDER BY n DESC, status",
            (crawl_id,))}
        verdicts = {r["verdict"]: r["n"] for r in self.query(
            "SELECT verdict, count(*) AS n FROM findings WHERE crawl_id = ? GROUP BY verdict ORDER BY n DESC",
            (crawl_id,))}

        def one(sql: str) -> int:
            return self.query(sql, (crawl_id,))[0][0]

        return {
            "findings": one("SELECT count(*) FROM findings WHERE crawl_id = ?"),
            "findings_by_verdict": verdicts,
            "sites_with_findings": one("SELECT count(DISTINCT site) FROM findings WHERE crawl_id = ?"),
            "crawl_id": crawl_id, "sites": sum(statuses.values()), "statuses": statuses,
            "with_policy": one("SELECT count(*) FROM sites WHERE crawl_id = ? AND policy_url IS NOT NULL"),
            "pages": one("SELECT count(*) FROM pages WHERE crawl_id = ? AND status_code IS NOT NULL"),
            "cookies": one("SELECT count(*) FROM cookies WHERE crawl_id = ?"),
            "third_party_requests": one("SELECT count(*) FROM requests WHERE crawl_id = ?"),
            "forms": one("SELECT count(*) FROM forms WHERE crawl_id = ?"),
        }

    def lowest_scoring_site(self, crawl_id: str) -> str | None:
        """The site with the lowest score among those with findings (the demo's evidence pack)."""
        rows = self.query("SELECT site FROM site_summaries WHERE crawl_id = ? AND findings > 0"
                          " ORDER BY score, findings DESC, site LIMIT 1", (crawl_id,))
        return rows[0][0] if rows else None

    # -- what the crawler writes ------------------------------------------------------------

    def write_page(self, crawl_id: str, page: Mapping[str, Any]) -> None:
        """Write one fetched page with everything found on it, replacing an earlier copy of it."""
        site, url = page["site"], page["url"]
        key = {"crawl_id": crawl_id, "site": site}
        with self.transaction():
            for table in PAGE_CHILD_TABLES:
                self.conn.execute(f"DELETE FROM {table} WHERE crawl_id = ? AND site = ? AND page_url = ?",
                                  (crawl_id, site, url))
            self.insert("pages", [{**key, **page["page"]}], replace=True)
            for table in ("cookies", "requests", "inline_trackers", "storage"):
                self.insert(table, ({**key, "page_url": url, **row} for row in page.get(table) or ()))
            self.insert("form_destinations", ({**key, "page_url": url, **row}
                                              for row in page.get("form_destinations") or ()), replace=True)
            for form in page.get("forms") or ():
                fields = form.get("fields") or ()
                self.insert("forms", [{**key, "page_url": url, **{k: v for k, v in form.items() if k != "fields"},
                                       "fields_count": len(fields)}], replace=True)
                self.insert("form_fields", ({**key, "page_url": url, "form_index": form["form_index"],
                                             "field_index": i, **f} for i, f in enumerate(fields)), replace=True)
            if page.get("policy"):
                self.insert("policies", [{**key, **page["policy"]}], replace=True)

    def finish_site(self, crawl_id: str, site: str, row: Mapping[str, Any]) -> None:
        """Record a site's outcome; its page count and best policy are derived from what is stored."""
        with self.transaction():
            best = self.conn.execute(
                "SELECT url FROM policies WHERE crawl_id = ? AND site = ? AND status = 'ok' AND is_policy_score >= ?"
                # A consent to processing, terms of use and an offer are documents of their own kinds.
                " AND COALESCE(document_kind, 'privacy_policy') NOT IN ('consent', 'terms', 'offer')"
                " ORDER BY is_policy_score DESC, CASE WHEN language = 'ru' THEN 1 ELSE 0 END DESC, chars DESC, url LIMIT 1",
                (crawl_id, site, POLICY_THRESHOLD),
            ).fetchone()
            if best is None:
                # A policy the site clearly links to but that cannot be read (a broken PDF), or a page titled
                # as the policy with no text to read, is still the site's policy: "unreadable" is a different
                # finding from "none".
                best = self.conn.execute(
                    "SELECT url FROM policies WHERE crawl_id = ? AND site = ? AND status NOT IN ('ok', 'mention')"
                    " AND (link_score >= ? OR document_kind = 'privacy_policy')"
                    " ORDER BY COALESCE(link_score, 0) DESC, url LIMIT 1",
                    (crawl_id, site, STRONG_LINK_SCORE)).fetchone()
            best_url = best["url"] if best else None
            self.conn.execute("UPDATE policies SET is_best = CASE WHEN url = ? THEN 1 ELSE 0 END WHERE crawl_id = ? AND site = ?",
                              (best_url, crawl_id, site))
            self._mark_aliases(crawl_id, site)
            counts = self.conn.execute(
                "SELECT (SELECT count(*) FROM pages WHERE crawl_id = ?1 AND site = ?2 AND status_code IS NOT NULL),"
                " (SELECT count(*) FROM policies WHERE crawl_id = ?1 AND site = ?2"
                "  AND (is_policy_score >= ?3 OR url = ?4))",
                (crawl_id, site, POLICY_THRESHOLD, best_url),
            ).fetchone()
            values = {**row, "policy_url": best_url, "pages_fetched": counts[0], "policies_found": counts[1],
                      "finished_at": row.get("finished_at") or utcnow()}
            allowed = set(self.columns("sites"))
            unknown = set(values) - allowed
            if unknown:
                raise KeyError(f"sites has no column(s) {sorted(unknown)}")
            sets = ", ".join(f'"{k}" = ?' for k in values)
            cur = self.conn.execute(f"UPDATE sites SET {sets} WHERE crawl_id = ? AND site = ?",
                                    [_sql_value(v) for v in values.values()] + [crawl_id, site])
            if cur.rowcount == 0:  # a site the crawl was not told about (scrapy crawl used directly)
                self.insert("sites", [{"crawl_id": crawl_id, "site": site, **values}])
            self._count_sites(crawl_id)


    def _mark_aliases(self, crawl_id: str, site: str) -> None:
        """pages.alias_of: the same body under several URLs is one page (kzprivacy/vocabulary/identity.py decides which URL
        stands for it)."""
        from kzprivacy.vocabulary.identity import page_aliases

        rows = self.conn.execute("SELECT url, sha256, status_code FROM pages WHERE crawl_id = ? AND site = ?",
                                 (crawl_id, site)).fetchall()
        aliases = page_aliases((r[0], r[1], r[2]) for r in rows)
        self.conn.execute("UPDATE pages SET alias_of = NULL WHERE crawl_id = ? AND site = ? AND alias_of IS NOT NULL",
                          (crawl_id, site))
        for alias, canonical in aliases.items():
            self.conn.execute("UPDATE pages SET alias_of = ? WHERE crawl_id = ? AND site = ? AND url = ?",
                              (canonical, crawl_id, site, alias))


def _sql_value(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (list, dict, tuple)):
        return json.dumps(value, ensure_ascii=False)
    return value
