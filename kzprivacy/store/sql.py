"""The store's operations, written once in SQLAlchemy Core for both databases.

SQLAlchemy compiles each statement for the database at hand (placeholders, ON CONFLICT, quoting),
so nothing here is written for one engine and rewritten for the other. What does differ is said
by the subclass, each in its own module: how to connect and create the tables, how to begin a
write transaction, what "the order rows were written in" is, and whether a lost connection is
worth another go (kzprivacy/store/sqlite.py, kzprivacy/store/postgres.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import sqlalchemy as sa

from .contract import (ANALYSIS_TABLES, PAGE_CHILD_TABLES, PAGE_TABLES, POLICY_THRESHOLD, REPLACED_TABLES,
                       SHARED_ANALYSIS_TABLES, STRONG_LINK_SCORE, Row, metadata, page_rows, sql_value, utcnow)
from .frames import EXPORT_CHUNK_ROWS, TABLES, typed_frame

if TYPE_CHECKING:  # pandas is imported where a table is read: the crawl writes without it (~70 MB a process)
    import pandas as pd

__all__ = ["SqlStore"]

T = TypeVar("T")
INSERT_BATCH = 1000  # rows per executemany: a whole table in one batch held every row's parameters at once
Conn = sa.Connection


class SqlStore:
    """What both databases share; a subclass supplies the engine and the few dialect differences."""

    url: str
    read_only: bool
    engine: sa.Engine
    # The order rows were written in, for reading a table back as the crawl wrote it.
    insertion_order: sa.ColumnElement[Any]
    # How crawls started in the same second are told apart, newest first.
    crawl_tiebreak: sa.ColumnElement[Any]

    def __init__(self) -> None:
        self.tables = metadata().tables
        self._columns: dict[str, dict[str, str]] = {}
        self._statements: dict[Any, Any] = {}

    # -- plumbing ---------------------------------------------------------------------------

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> SqlStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.url!r})"

    def _write(self, work: Callable[[Conn], T]) -> T:
        """Run `work` in one write transaction (committed on return, rolled back on any error)."""
        with self._begin() as conn:
            return work(conn)

    def _read(self, work: Callable[[Conn], T]) -> T:
        with self.engine.connect() as conn:
            return work(conn)

    def _begin(self) -> Any:
        return self.engine.begin()

    def _insert(self, conn: Conn, table: str, rows: Iterable[Mapping[str, Any]], *, replace: bool = False) -> int:
        """Insert rows (dicts whose keys must be columns of the table): a row whose key is stored already
        replaces it (`replace`) or is left out. Rows with the same columns go in batches of INSERT_BATCH, so
        a long iterable of rows is written in bounded memory."""
        target = self.tables[table]
        allowed = set(target.columns.keys())
        count = 0
        batch: list[dict[str, Any]] = []
        batch_keys: tuple[str, ...] | None = None

        def flush() -> None:
            if batch:
                conn.execute(self._upsert(target, batch_keys or (), replace), batch)
                batch.clear()

        for row in rows:
            keys = tuple(row)
            if keys != batch_keys:
                unknown = set(keys) - allowed
                if unknown:
                    raise KeyError(f"{table} has no column(s) {sorted(unknown)}")
                flush()
                batch_keys = keys
            batch.append({k: sql_value(v) for k, v in row.items()})
            count += 1
            if len(batch) >= INSERT_BATCH:
                flush()
        flush()
        return count

    def _upsert(self, table: sa.Table, keys: Sequence[str], replace: bool) -> Any:
        # Built once per table: a statement object used again is compiled once (SQLAlchemy caches it).
        cached = self._statements.get((table.name, replace))
        if cached is None:
            cached = self._statements[(table.name, replace)] = self._build_upsert(table, replace)
        return cached

    def _build_upsert(self, table: sa.Table, replace: bool) -> Any:
        statement = self.dialect_insert(table)
        key = [c.name for c in table.primary_key] or next(
            ([c.name for c in u.columns] for u in table.constraints if isinstance(u, sa.UniqueConstraint)), [])
        if not replace or not key:
            return statement.on_conflict_do_nothing()
        # The new row replaces the old one whole: columns it does not name go back to their defaults.
        sets = {c.name: statement.excluded[c.name] for c in table.columns if c.name not in key}
        if not sets:
            return statement.on_conflict_do_nothing()
        return statement.on_conflict_do_update(index_elements=key, set_=sets)

    def dialect_insert(self, table: sa.Table) -> Any:
        raise NotImplementedError

    def _page_delete(self, name: str) -> Any:
        """DELETE of one page's rows from a table (crawl, site and page URL as parameters c, s, u)."""
        cached = self._statements.get(("delete page", name))
        if cached is None:
            table = self.tables[name]
            cached = self._statements[("delete page", name)] = table.delete().where(
                table.c.crawl_id == sa.bindparam("c"), table.c.site == sa.bindparam("s"),
                table.c.page_url == sa.bindparam("u"))
        return cached

    # -- crawls -----------------------------------------------------------------------------

    def begin_crawl(self, crawl_id: str, *, mode: str, tool_version: str, settings: Mapping[str, Any],
                    sites: Iterable[Mapping[str, Any]]) -> None:
        sites = list(sites)
        crawls = self.tables["crawls"]

        def work(conn: Conn) -> None:
            statement = self.dialect_insert(crawls).values(
                crawl_id=crawl_id, started_at=utcnow(), mode=mode, tool_version=tool_version,
                settings=json.dumps(dict(settings), ensure_ascii=False, default=str), sites_total=0,
                status="running")
            conn.execute(statement.on_conflict_do_update(index_elements=["crawl_id"],
                                                         set_={"status": "running", "finished_at": None}))
            self._insert(conn, "sites", ({"crawl_id": crawl_id, **row} for row in sites))
            self._count_sites(conn, crawl_id)

        self._write(work)

    def _count_sites(self, conn: Conn, crawl_id: str) -> None:
        crawls, sites = self.tables["crawls"], self.tables["sites"]
        mine = sites.c.crawl_id == crawl_id
        conn.execute(crawls.update().where(crawls.c.crawl_id == crawl_id).values(
            sites_total=sa.select(sa.func.count()).where(mine).scalar_subquery(),
            sites_done=sa.select(sa.func.count()).where(mine, sites.c.status != "pending").scalar_subquery()))

    def reopen_crawl(self, crawl_id: str) -> None:
        crawls = self.tables["crawls"]
        self._write(lambda conn: conn.execute(crawls.update().where(crawls.c.crawl_id == crawl_id)
                                              .values(status="running", finished_at=None)))

    def finish_crawl(self, crawl_id: str, status: str = "finished") -> None:
        crawls = self.tables["crawls"]

        def work(conn: Conn) -> None:
            self._count_sites(conn, crawl_id)
            conn.execute(crawls.update().where(crawls.c.crawl_id == crawl_id)
                         .values(finished_at=utcnow(), status=status))

        self._write(work)

    def crawls(self) -> list[dict[str, Any]]:
        c = self.tables["crawls"].c
        statement = (sa.select(c.crawl_id, c.status, c.mode, c.started_at, c.finished_at)
                     .order_by(c.started_at.desc(), self.crawl_tiebreak))
        return self._read(lambda conn: [dict(r._mapping) for r in conn.execute(statement)])

    def crawl_ids(self) -> list[str]:
        return [r["crawl_id"] for r in self.crawls()]

    def crawl(self, crawl_id: str) -> dict[str, Any] | None:
        crawls = self.tables["crawls"]
        found = self._read(lambda conn: conn.execute(
            sa.select(crawls).where(crawls.c.crawl_id == crawl_id)).mappings().first())
        if found is None:
            return None
        row = dict(found)
        row["settings"] = json.loads(row.get("settings") or "{}")
        return row

    # -- sites ------------------------------------------------------------------------------

    def pending_sites(self, crawl_id: str) -> list[str]:
        return list(self.site_inputs(crawl_id, pending_only=True))

    def site_inputs(self, crawl_id: str, *, pending_only: bool = False) -> dict[str, str]:
        s = self.tables["sites"].c
        which = s.status == "pending" if pending_only else s.status != "invalid"
        statement = (sa.select(s.site, s.input).where(s.crawl_id == crawl_id, which)
                     .order_by(self.insertion_order))
        return self._read(lambda conn: {r.site: r.input or r.site for r in conn.execute(statement)})

    def site_names(self, crawl_id: str) -> list[str]:
        s = self.tables["sites"].c
        names = self._read(lambda conn: list(conn.execute(sa.select(s.site).where(s.crawl_id == crawl_id)).scalars()))
        return sorted(names)  # by code point, whatever the database's collation

    def reset_sites(self, crawl_id: str, sites: Iterable[str]) -> None:
        sites = list(sites)
        if not sites:
            return

        def work(conn: Conn) -> None:
            for name in ("pages", "policies", *PAGE_CHILD_TABLES):
                table = self.tables[name]
                conn.execute(table.delete().where(table.c.crawl_id == crawl_id, table.c.site.in_(sites)))

        self._write(work)

    # -- what the crawler writes ------------------------------------------------------------

    def write_page(self, crawl_id: str, page: Mapping[str, Any]) -> None:
        self.write_pages(crawl_id, [page])

    def write_pages(self, crawl_id: str, pages: Sequence[Mapping[str, Any]],
                    finished: Sequence[tuple[str, Mapping[str, Any]]] = ()) -> None:
        latest: dict[tuple[str, str], Mapping[str, Any]] = {}
        for page in pages:  # a page written twice in a batch: the later copy wins, as one by one
            latest.pop((page["site"], page["url"]), None)
            latest[(page["site"], page["url"])] = page
        rows: dict[str, list[dict[str, Any]]] = {table: [] for table in PAGE_TABLES}
        for page in latest.values():
            for table, table_rows in page_rows(crawl_id, page).items():
                rows[table] += table_rows

        def work(conn: Conn) -> None:
            if latest:
                keys = [{"c": crawl_id, "s": site, "u": url} for site, url in latest]
                for name in PAGE_CHILD_TABLES:
                    conn.execute(self._page_delete(name), keys)
            for table in PAGE_TABLES:
                self._insert(conn, table, rows[table], replace=table in REPLACED_TABLES)
            for site, row in finished:
                self._finish_site(conn, crawl_id, site, row)

        self._write(work)

    def finish_site(self, crawl_id: str, site: str, row: Mapping[str, Any]) -> None:
        self._write(lambda conn: self._finish_site(conn, crawl_id, site, row))

    def _finish_site(self, conn: Conn, crawl_id: str, site: str, row: Mapping[str, Any]) -> None:
        policies, pages, sites = self.tables["policies"], self.tables["pages"], self.tables["sites"]
        p = policies.c
        mine = (p.crawl_id == crawl_id, p.site == site)
        best = conn.execute(
            sa.select(p.url).where(*mine, p.status == "ok", p.is_policy_score >= POLICY_THRESHOLD,
                                   # A consent to processing, terms of use and an offer are documents of
                                   # their own kinds.
                                   sa.func.coalesce(p.document_kind, "privacy_policy").not_in(
                                       ["consent", "terms", "offer"]))
            .order_by(p.is_policy_score.desc(), sa.case((p.language == "ru", 1), else_=0).desc(), p.chars.desc(),
                      p.url).limit(1)).scalar()
        if best is None:
            # A policy the site clearly links to but that cannot be read (a broken PDF), or a page titled as the
            # policy with no text to read, is still the site's policy: "unreadable" is a different finding from
            # "none".
            best = conn.execute(
                sa.select(p.url).where(*mine, p.status.not_in(["ok", "mention"]),
                                       sa.or_(p.link_score >= STRONG_LINK_SCORE, p.document_kind == "privacy_policy"))
                .order_by(sa.func.coalesce(p.link_score, 0).desc(), p.url).limit(1)).scalar()
        conn.execute(policies.update().where(*mine).values(
            is_best=sa.case((p.url == best, 1), else_=0) if best is not None else 0))
        self._mark_aliases(conn, crawl_id, site)
        fetched = conn.execute(sa.select(sa.func.count()).where(
            pages.c.crawl_id == crawl_id, pages.c.site == site, pages.c.status_code.is_not(None))).scalar()
        found = conn.execute(sa.select(sa.func.count()).where(
            *mine, sa.or_(p.is_policy_score >= POLICY_THRESHOLD, p.url == best))).scalar()
        values = {**row, "policy_url": best, "pages_fetched": fetched, "policies_found": found,
                  "finished_at": row.get("finished_at") or utcnow()}
        unknown = set(values) - set(sites.columns.keys())
        if unknown:
            raise KeyError(f"sites has no column(s) {sorted(unknown)}")
        values = {k: sql_value(v) for k, v in values.items()}
        this = (sites.c.crawl_id == crawl_id, sites.c.site == site)
        before = conn.execute(sa.select(sites.c.status).where(*this)).first()
        conn.execute(sites.update().where(*this).values(values))
        if before is None:  # a site the crawl was not told about (scrapy crawl used directly)
            self._insert(conn, "sites", [{"crawl_id": crawl_id, "site": site, **values}])
        # The crawl's counts move by this site alone: counting every site of the crawl again at each
        # finish made a crawl of N sites cost N² row visits (minutes at the scale of the .kz zone).
        # begin_crawl and finish_crawl still count them all.
        status = values.get("status", before.status if before is not None else "pending")
        was_done = before is not None and before.status != "pending"
        done_delta = int(status != "pending") - int(was_done)
        if before is None or done_delta:
            crawls = self.tables["crawls"]
            conn.execute(crawls.update().where(crawls.c.crawl_id == crawl_id).values(
                sites_total=sa.func.coalesce(crawls.c.sites_total, 0) + int(before is None),
                sites_done=sa.func.coalesce(crawls.c.sites_done, 0) + done_delta))

    def _mark_aliases(self, conn: Conn, crawl_id: str, site: str) -> None:
        """pages.alias_of: the same body under several URLs is one page (kzprivacy/vocabulary/identity.py
        decides which URL stands for it)."""
        from kzprivacy.vocabulary.identity import page_aliases

        pages = self.tables["pages"]
        c = pages.c
        mine = (c.crawl_id == crawl_id, c.site == site)
        rows = conn.execute(sa.select(c.url, c.sha256, c.status_code).where(*mine)).all()
        aliases = page_aliases((r[0], r[1], r[2]) for r in rows)
        conn.execute(pages.update().where(*mine, c.alias_of.is_not(None)).values(alias_of=None))
        if aliases:
            conn.execute(pages.update().where(*mine, c.url == sa.bindparam("alias"))
                         .values(alias_of=sa.bindparam("canonical")),
                         [{"alias": alias, "canonical": canonical} for alias, canonical in aliases.items()])

    # -- what the analysis writes -----------------------------------------------------------

    def replace_analysis(self, crawl_id: str, chunks: Iterable[Mapping[str, Iterable[Mapping[str, Any]]]]) -> None:
        def work(conn: Conn) -> None:
            for name in ANALYSIS_TABLES:
                table = self.tables[name]
                conn.execute(table.delete().where(table.c.crawl_id == crawl_id))
            for chunk in chunks:
                for name, rows in chunk.items():
                    if name in SHARED_ANALYSIS_TABLES:
                        self._insert(conn, name, rows)     # a text analysed by another crawl stays as it is
                        continue
                    if name not in ANALYSIS_TABLES:
                        raise KeyError(f"{name} is not an analysis table")
                    self._insert(conn, name, ({"crawl_id": crawl_id, **row} for row in rows))

        with self._begin() as conn:  # never retried: `chunks` is consumed as it is written
            work(conn)

    def policy_analyses(self, analyzer: str, text_hashes: Iterable[str]) -> dict[str, str]:
        t = self.tables["policy_analyses"]
        wanted = sorted(set(text_hashes))
        found: dict[str, str] = {}

        def look(conn: Conn) -> None:
            for start in range(0, len(wanted), 500):     # bounded IN lists
                found.update((digest, result) for digest, result in conn.execute(
                    sa.select(t.c.text_sha256, t.c.result).where(
                        t.c.analyzer == analyzer, t.c.text_sha256.in_(wanted[start:start + 500]))))

        if wanted:
            self._read(look)
        return found

    # -- reading ----------------------------------------------------------------------------

    def column_types(self, table: str) -> dict[str, str]:
        if table not in self._columns:
            def look(conn: Conn) -> dict[str, str]:
                inspector = sa.inspect(conn)
                if not inspector.has_table(table):
                    return {}
                return {c["name"]: _generic_type(c["type"]) for c in inspector.get_columns(table)}

            types = self._read(look)
            if not types:
                return {}
            self._columns[table] = types
        return self._columns[table]

    def columns(self, table: str) -> list[str]:
        return list(self.column_types(table))

    def crawl_tables(self) -> list[str]:
        names = sorted(self._read(lambda conn: sa.inspect(conn).get_table_names()))
        per_crawl = [n for n in names if "crawl_id" in self.column_types(n)]
        return [t for t in TABLES if t in per_crawl] + [t for t in per_crawl if t not in TABLES]

    def _table_select(self, table: str, crawl_id: str, sites: tuple[str, str] | None, types: Mapping[str, str]
                      ) -> sa.Select[Any]:
        target = sa.table(table, *[sa.column(name) for name in types])
        statement = sa.select(target).where(target.c.crawl_id == crawl_id)
        if sites is not None and "site" in types:
            statement = statement.where(target.c.site >= sites[0], target.c.site <= sites[1])
        return statement.order_by(self.insertion_order)

    def read_table(self, table: str, crawl_id: str, sites: tuple[str, str] | None = None) -> pd.DataFrame:
        import pandas as pd

        types = self.column_types(table)
        if not types:
            return pd.DataFrame()
        statement = self._table_select(table, crawl_id, sites, types)
        frame = self._read(lambda conn: pd.read_sql_query(statement, conn))
        return typed_frame(frame, types)

    def iter_table(self, table: str, crawl_id: str, chunk_rows: int | None = None) -> Iterator[pd.DataFrame]:
        import pandas as pd

        types = self.column_types(table)
        if not types:
            return
        statement = self._table_select(table, crawl_id, None, types)
        seen = False
        with self.engine.connect() as conn:
            conn = conn.execution_options(stream_results=True)
            for chunk in pd.read_sql_query(statement, conn, chunksize=chunk_rows or EXPORT_CHUNK_ROWS):
                seen = True
                yield typed_frame(chunk, types)
        if not seen:
            yield typed_frame(pd.DataFrame(columns=list(types)), types)

    def read_sql(self, sql: str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
        import pandas as pd

        return self._read(lambda conn: pd.read_sql_query(sa.text(sql), conn, params=dict(params or {})))

    def query(self, sql: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        def work(conn: Conn) -> list[Row]:
            result = conn.execute(sa.text(sql), dict(params or {}))
            if not result.returns_rows:  # rolled back: the store's writes are its named operations
                raise ValueError("Store.query reads; it does not write")
            names = tuple(result.keys())
            return [Row(r, names) for r in result]

        return self._read(work)

    # -- summaries --------------------------------------------------------------------------

    def _counts(self, conn: Conn, table: str, crawl_id: str, *where: Any, distinct: str | None = None) -> int:
        t = self.tables[table]
        counted = sa.func.count(sa.distinct(t.c[distinct])) if distinct else sa.func.count()
        return int(conn.execute(sa.select(counted).select_from(t).where(t.c.crawl_id == crawl_id, *where)).scalar_one())

    def _by(self, conn: Conn, table: str, column: str, crawl_id: str) -> dict[str, int]:
        t = self.tables[table]
        n = sa.func.count().label("n")
        rows = conn.execute(sa.select(t.c[column], n).where(t.c.crawl_id == crawl_id).group_by(t.c[column])).all()
        return dict(sorted(rows, key=lambda r: (-r[1], r[0] or "")))

    def crawl_summary(self, crawl_id: str) -> dict[str, Any]:
        def work(conn: Conn) -> dict[str, Any]:
            statuses = self._by(conn, "sites", "status", crawl_id)
            return {
                "findings": self._counts(conn, "findings", crawl_id),
                "findings_by_verdict": self._by(conn, "findings", "verdict", crawl_id),
                "sites_with_findings": self._counts(conn, "findings", crawl_id, distinct="site"),
                "crawl_id": crawl_id, "sites": sum(statuses.values()), "statuses": statuses,
                "with_policy": self._counts(conn, "sites", crawl_id, self.tables["sites"].c.policy_url.is_not(None)),
                "pages": self._counts(conn, "pages", crawl_id, self.tables["pages"].c.status_code.is_not(None)),
                "cookies": self._counts(conn, "cookies", crawl_id),
                "third_party_requests": self._counts(conn, "requests", crawl_id),
                "forms": self._counts(conn, "forms", crawl_id),
            }

        return self._read(work)

    def crawl_progress(self, crawl_id: str, since: str) -> dict[str, Any]:
        sites, pages = self.tables["sites"], self.tables["pages"]
        s = sites.c

        def work(conn: Conn) -> dict[str, Any]:
            started_pending = conn.execute(
                sa.select(sa.func.count(sa.distinct(pages.c.site)))
                .select_from(pages.join(sites, sa.and_(s.crawl_id == pages.c.crawl_id, s.site == pages.c.site)))
                .where(pages.c.crawl_id == crawl_id, s.status == "pending")).scalar()
            return {
                "statuses": self._by(conn, "sites", "status", crawl_id),
                "in_progress": int(started_pending or 0),
                "finished_since": self._counts(conn, "sites", crawl_id, s.status != "pending", s.finished_at >= since),
                "first_finished_at": conn.execute(sa.select(sa.func.min(s.finished_at))
                                                  .where(s.crawl_id == crawl_id, s.finished_at.is_not(None))).scalar(),
                "finished": self._counts(conn, "sites", crawl_id, s.finished_at.is_not(None)),
            }

        return self._read(work)

    def lowest_scoring_site(self, crawl_id: str) -> str | None:
        c = self.tables["site_summaries"].c
        statement = (sa.select(c.site).where(c.crawl_id == crawl_id, c.findings > 0)
                     .order_by(c.score, c.findings.desc(), c.site).limit(1))
        return self._read(lambda conn: conn.execute(statement).scalar())


def _generic_type(kind: Any) -> str:
    if isinstance(kind, sa.Integer):
        return "INTEGER"
    if isinstance(kind, (sa.Float, sa.Numeric)):
        return "REAL"
    return "TEXT"

