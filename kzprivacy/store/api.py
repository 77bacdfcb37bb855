"""What every floor above asks of the store: one interface, whatever database holds the crawl.

`open_store(url_or_path)` (kzprivacy.store) gives an object with these operations: SQLiteStore
for a file, PostgresStore for a postgresql:// URL (kzprivacy/store/sqlite.py, postgres.py; the
SQL they share is in sql.py). Every write runs in one transaction and is idempotent (a page's
rows are replaced as a whole, a site's summary is recomputed from its pages), so a resumed crawl
or a re-run analysis never leaves duplicates and a killed crawl leaves a consistent database.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from .contract import Row

if TYPE_CHECKING:  # pandas is imported where a table is read: the crawl writes without it (~70 MB a process)
    import pandas as pd

__all__ = ["Store"]


@runtime_checkable
class Store(Protocol):
    """The crawl's writer and the analysis's reader over one database."""

    url: str          # what the store was opened with (a path or a postgresql:// URL), to open it again
    read_only: bool

    def close(self) -> None: ...
    def __enter__(self) -> Store: ...
    def __exit__(self, *exc: object) -> None: ...

    # -- crawls -----------------------------------------------------------------------------
    def begin_crawl(self, crawl_id: str, *, mode: str, tool_version: str, settings: Mapping[str, Any],
                    sites: Iterable[Mapping[str, Any]]) -> None:
        """Register a crawl and its sites (status 'pending'); keeps what a resumed crawl already has."""

    def reopen_crawl(self, crawl_id: str) -> None:
        """Mark a crawl running again (its unfinished sites are about to be crawled)."""

    def finish_crawl(self, crawl_id: str, status: str = "finished") -> None:
        """Recount the crawl's sites and record how it ended."""

    def crawls(self) -> list[dict[str, Any]]:
        """Every crawl's id, status, mode and start and finish times, newest first."""

    def crawl_ids(self) -> list[str]:
        """Crawls, newest first."""

    def crawl(self, crawl_id: str) -> dict[str, Any] | None:
        """One crawl's row, its settings decoded from JSON; None when there is no such crawl."""

    # -- sites ------------------------------------------------------------------------------
    def pending_sites(self, crawl_id: str) -> list[str]:
        """Sites not finished yet, in the order the crawl was given them."""

    def site_inputs(self, crawl_id: str, *, pending_only: bool = False) -> dict[str, str]:
        """{site: what the user gave for it} for the crawl's valid sites (or only those still pending)."""

    def site_names(self, crawl_id: str) -> list[str]:
        """Every site of the crawl, by name."""

    def reset_sites(self, crawl_id: str, sites: Iterable[str]) -> None:
        """Forget what unfinished sites wrote, so crawling them again starts clean."""

    # -- what the crawler writes ------------------------------------------------------------
    def write_page(self, crawl_id: str, page: Mapping[str, Any]) -> None:
        """Write one fetched page with everything found on it, replacing an earlier copy of it."""

    def write_pages(self, crawl_id: str, pages: Sequence[Mapping[str, Any]],
                    finished: Sequence[tuple[str, Mapping[str, Any]]] = ()) -> None:
        """Write many pages, then finish sites, in one transaction (what write_page and finish_site do)."""

    def finish_site(self, crawl_id: str, site: str, row: Mapping[str, Any]) -> None:
        """Record a site's outcome; its page count and best policy are derived from what is stored."""

    # -- what the analysis writes -----------------------------------------------------------
    def replace_analysis(self, crawl_id: str, chunks: Iterable[Mapping[str, Iterable[Mapping[str, Any]]]]) -> None:
        """Replace the crawl's analysis rows (ANALYSIS_TABLES) with those of `chunks` ({table: rows} each),
        in one transaction: a failure part-way leaves the previous analysis whole. A chunk may also carry rows
        of SHARED_ANALYSIS_TABLES (policy_analyses), which are added, never replaced."""

    def policy_analyses(self, analyzer: str, text_hashes: Iterable[str]) -> dict[str, str]:
        """{text_sha256: result JSON} of the policy texts already analysed by this `analyzer`."""

    # -- reading ----------------------------------------------------------------------------
    def crawl_tables(self) -> list[str]:
        """Tables holding rows per crawl: the contract's first (in reading order), then any others by name."""

    def columns(self, table: str) -> list[str]:
        """The table's columns in the database ([] for a table it lacks)."""

    def column_types(self, table: str) -> dict[str, str]:
        """{column: 'INTEGER' | 'REAL' | 'TEXT'} of a table in the database ({} for a table it lacks)."""

    def read_table(self, table: str, crawl_id: str, sites: tuple[str, str] | None = None) -> pd.DataFrame:
        """One table's rows of a crawl, typed from the schema, in the order they were written; with
        `sites` (first, last), only those sites' rows. An absent table gives an empty frame."""

    def iter_table(self, table: str, crawl_id: str, chunk_rows: int | None = None) -> Iterator[pd.DataFrame]:
        """read_table `chunk_rows` rows at a time (at least one frame; none for an absent table)."""

    def read_sql(self, sql: str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
        """The analysis' own read queries: portable SQL with :name parameters, as a DataFrame."""

    def query(self, sql: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """As read_sql, as rows read by position or by column name."""

    # -- summaries --------------------------------------------------------------------------
    def crawl_summary(self, crawl_id: str) -> dict[str, Any]:
        """The counts a command prints at the end of a crawl: sites by status, policies, pages, findings."""

    def crawl_progress(self, crawl_id: str, since: str) -> dict[str, Any]:
        """How far a crawl has got: sites by status, pending sites with pages stored, sites finished
        since `since` (a UTC timestamp), the first finish time and how many sites have one."""

    def lowest_scoring_site(self, crawl_id: str) -> str | None:
        """The site with the lowest score among those with findings."""
