"""A Frictionless Data Package for a crawl's CSV export: OUT/<crawl_id>/data/datapackage.json.

Data tools and portals (frictionless, CKAN, Datasette's and pandas' loaders, Open Knowledge's
tooling) read the CSV files with their meaning: a resource per table with a Table Schema whose
fields carry the types (from the database schema and the data dictionary's type column) and the
descriptions of docs/data-dictionary.md, the primary keys of kzprivacy/store/schema.sql, and the
foreign keys that tie every row to its crawl and site (and a form field to its form, a declaration
to its policy).

    from kzprivacy.analysis.report.datapackage import datapackage
    descriptor = datapackage(tables={"sites": {"crawl_id": "TEXT", ...}, ...}, crawl={"crawl_id": ..., ...})

Only the tables' columns and declared SQL types are needed, never their rows: the export streams.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any
from collections.abc import Mapping

__all__ = ["datapackage", "write_datapackage", "field_type", "FOREIGN_KEYS", "PROFILE"]

PROFILE = "tabular-data-package"
ROOT = Path(__file__).resolve().parents[2]
DICTIONARY = ROOT / "docs" / "data-dictionary.md"

# (table, its columns) -> (referenced table, its columns). A reference is only written when both
# tables are exported. Every row belongs to a crawl and (but crawls) to a site of that crawl.
FOREIGN_KEYS: tuple[tuple[str, tuple[str, ...], str, tuple[str, ...]], ...] = (
    ("form_fields", ("crawl_id", "site", "page_url", "form_index"), "forms",
     ("crawl_id", "site", "page_url", "form_index")),
    ("declarations", ("crawl_id", "site", "policy_url"), "policies", ("crawl_id", "site", "url")),
    ("policy_facts", ("crawl_id", "site", "policy_url"), "policies", ("crawl_id", "site", "url")),
    ("forms", ("crawl_id", "site", "page_url"), "pages", ("crawl_id", "site", "url")),
)


@lru_cache(maxsize=1)
def _primary_keys() -> dict[str, list[str]]:
    """PRIMARY KEY columns of each table of the store's schema, in order."""
    from kzprivacy.store.contract import metadata

    return {name: [c.name for c in table.primary_key] for name, table in metadata().tables.items()
            if table.primary_key.columns}


def field_type(column: str, declared: str, documented: str) -> dict[str, Any]:
    """A Table Schema type for a column, from the dictionary's type ("integer 0/1", "text, UTC time", ...)
    and, for undocumented columns, the database's declared type (INTEGER, REAL, TEXT)."""
    kind = documented.lower()
    if "0/1" in kind:
        return {"type": "boolean", "trueValues": ["1"], "falseValues": ["0"]}
    if kind.startswith("integer"):
        return {"type": "integer"}
    if kind.startswith("real"):
        return {"type": "number"}
    if "utc time" in kind:
        return {"type": "datetime"}
    if "json" in kind:
        return {"type": "object" if column == "settings" else "array"}
    if kind:
        return {"type": "string"}
    declared = (declared or "").upper()
    if "INT" in declared:
        return {"type": "integer"}
    if any(t in declared for t in ("REAL", "FLOA", "DOUB")):
        return {"type": "number"}
    return {"type": "string"}


def _name(text: str) -> str:
    return re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-._") or "crawl"


def datapackage(tables: Mapping[str, Mapping[str, str]], crawl: Mapping[str, Any],
                dictionary_markdown: str | None = None) -> dict[str, Any]:
    """The datapackage.json descriptor for CSV files named <table>.csv: `tables` maps each table to its
    columns in file order, each with its declared SQL type."""
    import kzprivacy
    from kzprivacy.analysis.report.dictionary import _plain_markdown, parse_dictionary

    if dictionary_markdown is None:
        dictionary_markdown = DICTIONARY.read_text(encoding="utf-8") if DICTIONARY.exists() else ""
    dictionary = parse_dictionary(dictionary_markdown)
    keys = _primary_keys()
    resources = []
    for table, columns in tables.items():
        documented = dictionary.get(table, {"description": "", "columns": {}})
        fields = []
        for column, declared in columns.items():
            spec = documented["columns"].get(column, {})
            field = {"name": str(column), **field_type(str(column), declared, spec.get("type", ""))}
            if spec.get("meaning"):
                field["description"] = _plain_markdown(spec["meaning"])
            if spec.get("example"):
                field["example"] = _plain_markdown(spec["example"]).strip("`")
            fields.append(field)
        schema: dict[str, Any] = {"fields": fields, "missingValues": [""]}
        names = set(columns)
        primary = keys.get(table)
        if primary and set(primary) <= names:
            schema["primaryKey"] = primary
        foreign = []
        if table != "crawls" and "crawl_id" in names and "crawls" in tables:
            foreign.append({"fields": ["crawl_id"], "reference": {"resource": "crawls", "fields": ["crawl_id"]}})
        if table not in ("crawls", "sites") and {"crawl_id", "site"} <= names and "sites" in tables:
            foreign.append({"fields": ["crawl_id", "site"],
                            "reference": {"resource": "sites", "fields": ["crawl_id", "site"]}})
        for source, key_columns, target, target_columns in FOREIGN_KEYS:
            if source == table and target in tables and set(key_columns) <= names \
                    and set(target_columns) <= set(tables[target]):
                foreign.append({"fields": list(key_columns),
                                "reference": {"resource": target, "fields": list(target_columns)}})
        if foreign:
            schema["foreignKeys"] = foreign
        resource = {
            "name": table, "path": f"{table}.csv", "profile": "tabular-data-resource", "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8-sig", "schema": schema,
            "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": True},
        }
        if documented.get("description"):
            resource["description"] = _plain_markdown(documented["description"])
        resources.append(resource)
    crawl_id = str(crawl.get("crawl_id") or "crawl")
    return {
        "profile": PROFILE,
        "name": f"kzprivacy-{_name(crawl_id)}",
        "title": f"kzprivacy crawl {crawl_id}: privacy scans of Kazakhstan websites",
        "description": "Every table of one kzprivacy crawl: the sites, pages, cookies, third-party requests, "
                       "forms and their fields, privacy policies, what the policies declare, and the findings "
                       "where a site does what its policy does not say. Every row carries crawl_id and site. "
                       "Text that starts like a spreadsheet formula (= + - @) is prefixed with an apostrophe "
                       "in the CSV files; the Parquet files beside them hold the exact values.",
        "version": str(crawl.get("tool_version") or kzprivacy.__version__),
        "created": crawl.get("finished_at") or crawl.get("started_at"),
        "keywords": ["privacy", "Kazakhstan", "privacy policy", "cookies", "trackers", "web measurement"],
        "sources": [{"title": f"kzprivacy {kzprivacy.__version__} crawl {crawl_id}",
                     "path": "https://github.com/kzprivacy/kzprivacy"}],
        "resources": resources,
    }


def write_datapackage(data_dir: Path, tables: Mapping[str, Mapping[str, str]], crawl: Mapping[str, Any]) -> Path:
    """Write data_dir/datapackage.json for the <table>.csv files there (`tables` as for `datapackage`)."""
    descriptor = datapackage(tables, {k: v for k, v in crawl.items() if v is not None})
    if descriptor.get("created") is None:
        descriptor.pop("created")
    path = Path(data_dir) / "datapackage.json"
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    return path
