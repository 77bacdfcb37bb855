"""docs/data-dictionary.md and docs/datasette-metadata.json stay true to the schema and the taxonomy."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

import kzprivacy  # noqa: F401  (sets the offline tldextract environment first)
from kzprivacy.analysis.report.dictionary import datasette_metadata, parse_dictionary, with_codes
from kzprivacy.vocabulary import taxonomy
from kzprivacy.store import SCHEMA

ROOT = Path(__file__).resolve().parents[1]
DICTIONARY = ROOT / "docs" / "data-dictionary.md"
METADATA = ROOT / "docs" / "datasette-metadata.json"
REGENERATE = "run `python -m kzprivacy.analysis.report.dictionary` to regenerate"


@pytest.fixture(scope="module")
def schema() -> dict[str, dict[str, str]]:
    """table -> column -> declared type, from kzprivacy/store/schema.sql."""
    conn = sqlite3.connect(":memory:")
    conn.executescript(SCHEMA)
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {t: {r[1]: r[2].upper() for r in conn.execute(f'PRAGMA table_info("{t}")')} for t in tables}


@pytest.fixture(scope="module")
def markdown() -> str:
    return DICTIONARY.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def documented(markdown) -> dict:
    return parse_dictionary(markdown)


def test_every_table_and_column_is_documented_and_nothing_else(schema, documented):
    assert set(documented) == set(schema), "tables in the dictionary differ from schema.sql"
    for table, columns in schema.items():
        assert list(documented[table]["columns"]) == list(columns), (
            f"{table}: the dictionary's columns differ from schema.sql (same names, same order)")


def test_every_column_has_a_meaning_a_matching_type_and_an_example(schema, documented):
    for table, columns in schema.items():
        assert documented[table]["description"], f"{table} has no description"
        for column, declared in columns.items():
            entry = documented[table]["columns"][column]
            assert entry["meaning"], f"{table}.{column} has no meaning"
            assert entry["example"], f"{table}.{column} has no example"
            kind = entry["type"].split(",")[0].split()[0]
            expected = {"TEXT": "text", "INTEGER": "integer", "REAL": "real"}[declared]
            assert kind == expected, f"{table}.{column} is {declared} in the schema but '{entry['type']}' here"


def test_codes_section_is_generated_from_the_code(markdown):
    assert with_codes(markdown) == markdown, f"the codes section of {DICTIONARY.name} is stale: {REGENERATE}"


def test_every_taxonomy_code_appears_with_its_meaning(markdown):
    from kzprivacy.analysis.rules import RULES
    from kzprivacy.vocabulary.trackers import CATEGORIES as TRACKER_CATEGORIES

    codes = markdown[markdown.index("<!-- codes:begin -->"):]
    rows: dict[str, str] = {}  # code -> its rows (a code such as "analytics" is in two tables)
    for m in re.finditer(r"^\| `([^`]+)` \|.*$", codes, re.M):
        rows[m.group(1)] = rows.get(m.group(1), "") + m.group(0) + "\n"
    from kzprivacy.vocabulary.messages import message

    for code in taxonomy.CATEGORIES:
        assert message("en", f"category.{code}") in rows[code] and message("ru", f"category.{code}") in rows[code]
    for code in taxonomy.VERDICTS:
        en, ru = message("en", f"verdict_meaning.{code}"), message("ru", f"verdict_meaning.{code}")
        assert en in rows[code] and ru in rows[code], code
    for code in taxonomy.SITE_STATUSES:
        assert message("en", f"status_meaning.{code}") in rows[code], code
    for code in (*taxonomy.SEVERITIES, *taxonomy.PAGE_KINDS, *taxonomy.DECLARATION_STATUSES, *TRACKER_CATEGORIES):
        assert code in rows, code
    for code in RULES:
        assert message("en", f"rule.{code}").replace("|", "\\|") in rows[code], code


def test_datasette_metadata_is_valid_json_and_matches_the_dictionary(schema, markdown):
    metadata = json.loads(METADATA.read_text(encoding="utf-8"))
    assert metadata == datasette_metadata(markdown), f"{METADATA.name} is stale: {REGENERATE}"
    tables = metadata["databases"]["kzprivacy"]["tables"]
    assert set(tables) == set(schema)
    for table, columns in schema.items():
        assert tables[table]["description"]
        assert set(tables[table]["columns"]) == set(columns), table
        assert all(tables[table]["columns"][c] for c in columns), table
        for facet in tables[table].get("facets", []):
            assert facet in columns, f"{table} facet {facet} is not a column"


def test_canned_queries_run_on_a_real_database(tmp_path):
    """The metadata's queries are valid SQL against the schema (Datasette would show an error otherwise)."""
    from kzprivacy.store import open_store

    db = tmp_path / "kzprivacy.db"
    open_store(db).close()
    metadata = json.loads(METADATA.read_text(encoding="utf-8"))
    queries = metadata["databases"]["kzprivacy"]["queries"]
    assert queries
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)  # what Datasette opens
    try:
        for name, query in queries.items():
            params = dict.fromkeys(re.findall(r":(\w+)", query["sql"]), "x")
            conn.execute(query["sql"], params).fetchall()  # raises on a bad column or table
            assert query["title"], name
    finally:
        conn.close()
