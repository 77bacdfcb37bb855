"""The data contract as the store holds it: schema.sql, and the one place rows are shaped for it.

schema.sql is the single source of the tables (docs/data-dictionary.md documents it, a test
compares them). SQLite runs it as written; `metadata()` reads it into SQLAlchemy tables (SQLite
parses it, SQLAlchemy reflects the result), from which the PostgreSQL store creates the same
tables and every write is built.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from functools import lru_cache
from importlib import resources
from typing import Any

import sqlalchemy as sa

from kzprivacy.extract.policy import POLICY_THRESHOLD, STRONG_LINK_SCORE

__all__ = ["SCHEMA", "POLICY_THRESHOLD", "STRONG_LINK_SCORE", "PAGE_CHILD_TABLES", "PAGE_TABLES", "REPLACED_TABLES",
           "ANALYSIS_TABLES", "SHARED_ANALYSIS_TABLES", "utcnow", "is_database_url", "metadata", "sql_value",
           "page_rows", "site_rows", "Row"]

SCHEMA = resources.files(__package__).joinpath("schema.sql").read_text(encoding="utf-8")

# A candidate needs at least POLICY_THRESHOLD (is_policy_score) to become the site's policy; a link scoring
# STRONG_LINK_SCORE names one even when the document behind it cannot be read (kzprivacy/extract/policy.py).

# Tables whose rows belong to one fetched page (replaced together when the page is rewritten).
PAGE_CHILD_TABLES = ("cookies", "requests", "inline_trackers", "forms", "form_fields", "storage", "form_destinations")
# Every table a page writes, in the order its rows are written.
PAGE_TABLES = ("pages", "cookies", "requests", "inline_trackers", "storage", "form_destinations", "forms",
               "form_fields", "policies")
# Rows of these replace a stored row with the same key whole (a page fetched again); the others keep the first.
REPLACED_TABLES = frozenset({"pages", "form_destinations", "forms", "form_fields", "policies"})
# What `kzprivacy analyze` writes for a crawl (replaced as a whole when it runs again).
ANALYSIS_TABLES = ("declarations", "policy_facts", "flows", "findings", "site_summaries")
# Analysis rows that belong to no crawl: kept (never replaced) when a crawl's analysis is.
SHARED_ANALYSIS_TABLES = ("policy_analyses",)


def utcnow() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def is_database_url(value: object) -> bool:
    """True for a PostgreSQL URL (postgresql://...), False for a SQLite path."""
    return isinstance(value, str) and value.lower().startswith(("postgresql://", "postgres://"))


@lru_cache(maxsize=1)
def metadata() -> sa.MetaData:
    """schema.sql's tables, columns, keys and indexes as SQLAlchemy sees them (types as SQLite declares them)."""
    reference = sqlite3.connect(":memory:")
    try:
        reference.executescript(SCHEMA)
        engine = sa.create_engine("sqlite://", creator=lambda: reference, poolclass=sa.pool.StaticPool)
        meta = sa.MetaData()
        meta.reflect(engine)
        engine.dispose()
        return meta
    finally:
        reference.close()


def sql_value(value: Any) -> Any:
    """A Python value as the contract stores it: booleans as 0/1, lists and dicts as JSON text."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (list, dict, tuple)):
        return json.dumps(value, ensure_ascii=False)
    return value


def page_rows(crawl_id: str, page: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The rows one fetched page becomes, by table (PAGE_TABLES): the only place a page's item is shaped.

    `page` is what the crawler's pipeline hands over: site, url, the `page` row, lists of cookies,
    requests, inline_trackers, storage and form_destinations rows, forms (each with its `fields`)
    and an optional `policy` row.
    """
    site, url = page["site"], page["url"]
    key = {"crawl_id": crawl_id, "site": site}
    on_page = {**key, "page_url": url}
    rows: dict[str, list[dict[str, Any]]] = {table: [] for table in PAGE_TABLES}
    rows["pages"].append({**key, **page["page"]})
    for table in ("cookies", "requests", "inline_trackers", "storage", "form_destinations"):
        rows[table] = [{**on_page, **row} for row in page.get(table) or ()]
    for form in page.get("forms") or ():
        fields = form.get("fields") or ()
        rows["forms"].append({**on_page, **{k: v for k, v in form.items() if k != "fields"},
                              "fields_count": len(fields)})
        rows["form_fields"] += [{**on_page, "form_index": form["form_index"], "field_index": i, **f}
                                for i, f in enumerate(fields)]
    if page.get("policy"):
        rows["policies"].append({**key, **page["policy"]})
    return rows


def site_rows(entries: Iterable[Any], rejected: Iterable[tuple[str, str]] = ()) -> list[dict[str, Any]]:
    """The `sites` rows a crawl begins with: one per valid entry (pending), one per rejected input (invalid)."""
    rows = [{"site": e.site, "input": e.input, "ascii_host": e.ascii_host, "start_url": e.start_url} for e in entries]
    rows += [{"site": entry[:255], "input": entry, "status": "invalid", "error": reason} for entry, reason in rejected]
    return rows


class Row(tuple):
    """A result row read by position or by column name (as sqlite3.Row reads), from either database."""

    _names: tuple[str, ...] = ()

    def __new__(cls, values: Iterable[Any], names: tuple[str, ...]) -> Row:
        row = super().__new__(cls, values)
        row._names = names
        return row

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            try:
                return tuple.__getitem__(self, self._names.index(key))
            except ValueError:
                raise IndexError(f"no such column: {key}") from None
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._names)

    def get(self, key: str, default: Any = None) -> Any:
        return tuple.__getitem__(self, self._names.index(key)) if key in self._names else default

