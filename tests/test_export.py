"""Datasets: every table of a crawl as CSV, Parquet and XLSX, read back and compared with the database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd
import pytest

import kzprivacy  # noqa: F401  (sets the offline tldextract environment first)
from kzprivacy.store.read import CATEGORICAL, open_reader, read_crawl
from kzprivacy.analysis.report.export import EXCEL_CELL_LIMIT, csv_safe, export_crawl
from kzprivacy.store import open_store

HOSTILE_NAME = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://evil.example/","click")'


def _db_frame(db: Path, table: str, crawl_id: str) -> pd.DataFrame:
    conn = sqlite3.connect(db)
    try:
        return pd.read_sql_query(f'SELECT * FROM "{table}" WHERE crawl_id = ? ORDER BY rowid', conn, params=(crawl_id,))
    finally:
        conn.close()


def _normalise(frame: pd.DataFrame) -> list[list[object]]:
    """Rows as plain Python values, missing as None, numbers as int/float, for comparing across formats."""
    out = []
    for row in frame.astype(object).itertuples(index=False, name=None):
        values = []
        for v in row:
            if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA:
                values.append(None)
            elif isinstance(v, float) and v.is_integer():
                values.append(int(v))
            elif hasattr(v, "item"):
                values.append(v.item())
            else:
                values.append(v)
        out.append(values)
    return out


@pytest.fixture(scope="module")
def exported(sample_crawl, tmp_path_factory):
    """The sample crawl exported once (the database is only read)."""
    out = tmp_path_factory.mktemp("export")
    return sample_crawl, out, export_crawl(sample_crawl.out / "kzprivacy.db", sample_crawl.crawl_id, out)


def test_every_table_is_written_in_every_format(exported):
    crawl, out, paths = exported
    db = crawl.out / "kzprivacy.db"
    with open_reader(db) as store:
        tables = store.crawl_tables()
    assert {"sites", "pages", "cookies", "requests", "forms", "form_fields", "policies", "declarations",
            "findings", "storage"} <= set(tables)
    data = out / crawl.crawl_id / "data"
    for table in tables:
        assert paths[f"csv:{table}"] == data / f"{table}.csv" and paths[f"csv:{table}"].is_file()
        assert paths[f"parquet:{table}"] == data / f"{table}.parquet" and paths[f"parquet:{table}"].is_file()
    assert paths["xlsx"].is_file() and paths["xlsx"].parent == data


def test_parquet_equals_the_database(exported):
    crawl, _, paths = exported
    db = crawl.out / "kzprivacy.db"
    for key, path in paths.items():
        if not key.startswith("parquet:"):
            continue
        table = key.split(":", 1)[1]
        expected = _db_frame(db, table, crawl.crawl_id)
        got = pd.read_parquet(path)
        assert list(got.columns) == list(expected.columns), table
        assert _normalise(got) == _normalise(expected), table


def test_parquet_types_codes_as_category_and_integers_as_nullable(exported):
    _, _, paths = exported
    sites = pd.read_parquet(paths["parquet:sites"])
    assert isinstance(sites["status"].dtype, pd.CategoricalDtype)
    assert "ok" in set(sites["status"])
    assert str(sites["https"].dtype) == "Int64" and str(sites["pages_fetched"].dtype) == "Int64"
    requests = pd.read_parquet(paths["parquet:requests"])
    for column in ("party", "vendor", "country", "category", "resource_type"):
        assert isinstance(requests[column].dtype, pd.CategoricalDtype), column
    policies = pd.read_parquet(paths["parquet:policies"])
    assert str(policies["is_policy_score"].dtype) == "Float64"
    assert not isinstance(policies["text"].dtype, pd.CategoricalDtype)  # free text stays text


def test_csv_has_a_bom_and_reads_back_as_the_database(exported):
    crawl, _, paths = exported
    db = crawl.out / "kzprivacy.db"
    raw = paths["csv:sites"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel needs the BOM to read UTF-8
    assert "мысал-демо.қаз".encode() in raw  # IDN sites stay in Unicode
    for table in ("sites", "cookies", "policies", "form_fields", "findings"):
        got = pd.read_csv(paths[f"csv:{table}"], encoding="utf-8-sig", dtype=str, keep_default_na=False)
        expected = _db_frame(db, table, crawl.crawl_id)
        assert list(got.columns) == list(expected.columns), table
        assert len(got) == len(expected), table
        # Text comes back exactly, except the documented apostrophe before formula-like values.
        for column in expected.columns:
            if expected[column].dtype != object:
                continue
            want = [("" if v is None else csv_safe(v)) for v in expected[column]]
            assert list(got[column]) == want, f"{table}.{column}"


def test_hostile_strings_survive_csv_and_xlsx_as_text(exported):
    _crawl, _, paths = exported
    cookies = pd.read_csv(paths["csv:cookies"], encoding="utf-8-sig")
    assert HOSTILE_NAME in set(cookies["name"])
    from openpyxl import load_workbook

    book = load_workbook(paths["xlsx"], read_only=True)
    names = [row[0] for row in book["cookies"].iter_rows(min_row=2, values_only=True)]
    book.close()
    assert len(names) == len(cookies)


def test_xlsx_has_a_sheet_per_table_with_the_database_rows(exported):
    from openpyxl import load_workbook

    crawl, _, paths = exported
    db = crawl.out / "kzprivacy.db"
    book = load_workbook(paths["xlsx"], read_only=True)
    try:
        for table in ("sites", "requests", "form_fields", "declarations", "findings"):
            rows = list(book[table].iter_rows(values_only=True))
            expected = _db_frame(db, table, crawl.crawl_id)
            assert list(rows[0]) == list(expected.columns), table
            assert len(rows) - 1 == len(expected), table
            width = len(rows[0])  # read-only sheets drop trailing empty cells
            got = [[None if v == "" else v for v in row] + [None] * (width - len(row)) for row in rows[1:]]
            # Excel has no difference between an empty string and no value.
            want = [[None if v == "" else v for v in row] for row in _normalise(expected)]
            assert got == want, table
    finally:
        book.close()


# --------------------------------------------------------------------------- edge cases on a small database


@pytest.fixture
def edge_db(tmp_path) -> Path:
    """A crawl with a policy longer than an Excel cell, formula-like and control-character values."""
    db = tmp_path / "kzprivacy.db"
    store = open_store(db)
    store.begin_crawl("c1", mode="http", tool_version="test", settings={},
                      sites=[{"site": "long-demo.kz", "start_url": "https://long-demo.kz/"}])
    long_text = "Политика конфиденциальности. " + "Пункт о данных. " * 4000  # ~64,000 characters
    page = {"site": "long-demo.kz", "url": "https://long-demo.kz/",
            "page": {"url": "https://long-demo.kz/", "status_code": 200, "kind": "home"},
            "cookies": [{"name": FORMULA, "domain": "long-demo.kz", "path": "/", "party": "first"},
                        {"name": "bell\x07cookie", "domain": "long-demo.kz", "path": "/", "party": "first"}],
            "policy": {"url": "https://long-demo.kz/privacy", "text": long_text, "chars": len(long_text),
                       "is_policy_score": 1.0, "format": "html", "language": "ru"}}
    store.write_page("c1", page)
    store.finish_site("c1", "long-demo.kz", {"status": "ok"})
    store.finish_crawl("c1")
    store.close()
    return db


def test_xlsx_cuts_long_text_with_a_marker_but_csv_and_parquet_keep_it(edge_db, tmp_path):
    from openpyxl import load_workbook

    paths = export_crawl(edge_db, "c1", tmp_path / "out")
    full = _db_frame(edge_db, "policies", "c1")["text"][0]
    assert len(full) > EXCEL_CELL_LIMIT
    book = load_workbook(paths["xlsx"], read_only=True)
    header, row = list(book["policies"].iter_rows(values_only=True))[:2]
    book.close()
    cell = row[list(header).index("text")]
    assert len(cell) <= EXCEL_CELL_LIMIT
    assert cell.endswith(f"[CUT for Excel: {len(full)} characters in full; see the CSV or Parquet export]")
    assert full.startswith(cell[:1000])
    assert pd.read_parquet(paths["parquet:policies"])["text"][0] == full
    assert pd.read_csv(paths["csv:policies"], encoding="utf-8-sig")["text"][0] == full


def test_formula_like_values_never_become_formulas(edge_db, tmp_path):
    from openpyxl import load_workbook

    paths = export_crawl(edge_db, "c1", tmp_path / "out")
    book = load_workbook(paths["xlsx"])  # not read-only: data_type is what Excel will see
    sheet = book["cookies"]
    header = [c.value for c in sheet[1]]
    cells = [row[header.index("name")] for row in sheet.iter_rows(min_row=2)]
    assert next(c.value for c in cells) == FORMULA
    assert all(c.data_type == "s" for c in cells)  # text, not "f" (formula)
    assert "\x07" not in cells[1].value  # XML forbids control characters
    csv = pd.read_csv(paths["csv:cookies"], encoding="utf-8-sig")
    assert csv["name"][0] == "'" + FORMULA
    assert pd.read_parquet(paths["parquet:cookies"])["name"][0] == FORMULA  # the exact value


def test_empty_tables_export_with_their_columns(edge_db, tmp_path):
    paths = export_crawl(edge_db, "c1", tmp_path / "out")
    findings = pd.read_parquet(paths["parquet:findings"])
    assert findings.empty and {"verdict", "severity", "rule", "warc_record_id"} <= set(findings.columns)
    csv = pd.read_csv(paths["csv:findings"], encoding="utf-8-sig")
    assert csv.empty and list(csv.columns) == list(findings.columns)


def test_only_the_asked_crawl_is_exported(edge_db, tmp_path):
    store = open_store(edge_db)
    store.begin_crawl("c2", mode="http", tool_version="test", settings={},
                      sites=[{"site": "other-demo.kz", "start_url": "https://other-demo.kz/"}])
    store.close()
    frames = read_crawl(edge_db, "c1")
    assert set(frames["sites"]["site"]) == {"long-demo.kz"}
    paths = export_crawl(edge_db, "c2", tmp_path / "out", formats=("csv",))
    assert set(pd.read_csv(paths["csv:sites"], encoding="utf-8-sig")["site"]) == {"other-demo.kz"}
    assert "xlsx" not in paths and not any(k.startswith("parquet:") for k in paths)
    with pytest.raises(KeyError):
        read_crawl(edge_db, "no-such-crawl")


def test_categorical_columns_are_codes_not_free_text():
    # A free-text column as category would blow up Parquet dictionaries and mislead pandas users.
    assert not CATEGORICAL & {"text", "evidence", "observed", "explanation", "url", "name", "label", "snippet"}
