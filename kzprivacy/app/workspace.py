"""The workspace a command works in: the output folder, its database, and which crawl is meant.

Every command that reads or writes a crawl resolves the same three things the same way:

- the database: `--db` (a postgresql:// URL or another SQLite file) when given, else OUT/kzprivacy.db;
- the crawl: `--crawl-id` when given (it must exist), else the newest crawl of the database;
- the crawl compared with: the newest *finished* crawl started before it (kzprivacy.store.read).

Problems a user can fix (no database yet, no such crawl) are `WorkspaceError`s, which the CLI
prints as usage errors.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kzprivacy.crawler.settings_table import default
from kzprivacy.store import Store, is_database_url, open_store
from kzprivacy.store.read import previous_crawl_id

__all__ = ["DB_NAME", "DEFAULT_OUT", "Workspace", "WorkspaceError"]

# OUT/kzprivacy.db, as the crawl's own KZPRIVACY_DB default has it (a bare `scrapy crawl` writes there too).
DB_NAME = Path(default("KZPRIVACY_DB")).name
DEFAULT_OUT = Path(default("KZPRIVACY_DB")).parent


class WorkspaceError(Exception):
    """Something the user can put right: a database that does not exist yet, a crawl it does not hold."""


@dataclass(frozen=True)
class Workspace:
    """OUT (WARC evidence, logs, exports, reports) and the database the crawls are stored in."""

    out: Path = DEFAULT_OUT
    db_url: str | None = None  # --db: a postgresql:// URL or a SQLite file elsewhere than OUT

    @property
    def db(self) -> str | Path:
        """What kzprivacy.store opens: the URL or path given with --db, else OUT/kzprivacy.db."""
        return self.db_url or self.out / DB_NAME

    @property
    def db_shown(self) -> str:
        """The database as it may be printed: a URL's password replaced by ***."""
        from urllib.parse import urlsplit, urlunsplit

        text = str(self.db)
        parts = urlsplit(text) if is_database_url(text) else None
        if parts is not None and parts.password:
            return urlunsplit(parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@")))
        return text

    def has_database(self) -> bool:
        return is_database_url(self.db) or Path(self.db).exists()

    def require_database(self) -> str | Path:
        if not self.has_database():
            raise WorkspaceError(f"no database at {self.db}: run `kzprivacy scan` or `kzprivacy demo` first")
        return self.db

    def crawl_dir(self, crawl_id: str) -> Path:
        """OUT/<crawl_id>/: the crawl's WARC files, log, queue, exports and report."""
        return self.out / crawl_id

    @contextmanager
    def store(self) -> Iterator[Store]:
        """The database, opened for the length of a `with` block (and created when it is a new SQLite file)."""
        store = open_store(self.db)
        try:
            yield store
        finally:
            store.close()

    # -- which crawl ------------------------------------------------------------------------

    def crawls(self) -> list[dict[str, Any]]:
        """The database's crawls, newest first (none when there is no database yet)."""
        if not self.has_database():
            return []
        with self.store() as store:
            return store.crawls()

    def crawl_id(self, crawl_id: str | None = None) -> str:
        """The crawl a command means: the one named (which must exist) or the newest."""
        self.require_database()
        ids = [c["crawl_id"] for c in self.crawls()]
        if not ids:
            raise WorkspaceError(f"no crawls in {self.db_shown}")
        if crawl_id is None:
            return ids[0]
        if crawl_id not in ids:
            raise WorkspaceError(f"no crawl {crawl_id!r} in {self.db_shown} (crawls: {', '.join(ids[:10])})")
        return crawl_id

    def previous_crawl(self, crawl_id: str) -> str | None:
        """The crawl `crawl_id` is compared with: the newest finished crawl started before it."""
        return previous_crawl_id(self.db, crawl_id) if self.has_database() else None

    def unfinished_crawl(self) -> str:
        """The newest crawl that did not finish (what `--resume` continues)."""
        self.require_database()
        unfinished = [c["crawl_id"] for c in self.crawls() if c["status"] != "finished"]
        if not unfinished:
            raise WorkspaceError("--resume: every crawl in the database has finished; give --crawl-id")
        return unfinished[0]

    def crawl(self, crawl_id: str) -> dict[str, Any] | None:
        """The crawl's row (mode, settings record, status), or None."""
        if not self.has_database():
            return None
        with self.store() as store:
            return store.crawl(crawl_id)

    def summary(self, crawl_id: str) -> dict[str, Any]:
        """Sites by status, policies, pages, cookies, third-party resources, forms and findings of a crawl."""
        with self.store() as store:
            return store.crawl_summary(crawl_id)
