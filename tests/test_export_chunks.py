"""Exports stream a table a chunk of rows at a time: the files must not depend on the chunk size, and a
table longer than an Excel sheet goes on in continuation sheets."""

from __future__ import annotations

import pandas as pd
from openpyxl import load_workbook

import kzprivacy.analysis.report.export as export
from test_analysis_chunks import _crawl


def test_chunked_export_equals_whole_export(tmp_path):
    db = tmp_path / "k.db"
    _crawl(db)
    whole = export.export_crawl(db, "c", tmp_path / "whole")
    chunked = export.export_crawl(db, "c", tmp_path / "chunked", chunk_rows=2)
    assert set(whole) == set(chunked)
    for key in whole:
        if key.startswith("csv:"):
            assert whole[key].read_bytes() == chunked[key].read_bytes(), key
        elif key.startswith("parquet:"):
            a, b = pd.read_parquet(whole[key]), pd.read_parquet(chunked[key])
            pd.testing.assert_frame_equal(a, b, check_categorical=False)
    pages = pd.read_parquet(chunked["parquet:pages"])
    assert len(pages) == 13 and str(pages["status_code"].dtype) == "Int64"


def test_a_table_longer_than_a_sheet_goes_on_in_continuation_sheets(tmp_path, monkeypatch):
    db = tmp_path / "k.db"
    _crawl(db)
    monkeypatch.setattr(export, "XLSX_MAX_ROWS", 6)  # five data rows a sheet
    paths = export.export_crawl(db, "c", tmp_path / "out", chunk_rows=4)
    book = load_workbook(paths["xlsx"], read_only=True)
    assert {"pages", "pages (2)", "pages (3)"} <= set(book.sheetnames)
    rows = [r for name in ("pages", "pages (2)", "pages (3)") for r in list(book[name].iter_rows(values_only=True))]
    headers = [r for r in rows if r[0] == "crawl_id"]
    assert len(headers) == 3 and len(rows) - len(headers) == 13
