"""Datasets of one crawl: every contract table as CSV, Parquet and one XLSX workbook.

    OUT/<crawl_id>/data/<table>.csv        UTF-8 with BOM (Excel shows Cyrillic), formula-like text marked
    OUT/<crawl_id>/data/<table>.parquet    exact copy; coded columns as pandas `category`
    OUT/<crawl_id>/data/kzprivacy-<crawl_id>.xlsx   one sheet per table, every value stored as text or number

Reading goes through the store (`Store.iter_table`, `kzprivacy.store.read.read_crawl`), which types the columns from
the schema (integers as nullable Int64, codes as category), so the report and the diff see the same
frames a journalist gets from the Parquet files. docs/data-dictionary.md documents every
column; `python -m kzprivacy.analysis.report.export` regenerates docs/datasette-metadata.json from it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from contextlib import ExitStack, closing
from pathlib import Path
from typing import Any

import pandas as pd

from kzprivacy.store.read import open_reader

__all__ = ["EXCEL_CELL_LIMIT", "csv_safe", "write_csv", "write_parquet", "write_xlsx", "export_crawl"]

EXCEL_CELL_LIMIT = 32_767
XLSX_MAX_ROWS = 1_048_576  # rows a sheet, header included: longer tables go on in "table (2)", ...
XLSX_CUT_MARKER = " […] [CUT for Excel: {n} characters in full; see the CSV or Parquet export]"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


# --------------------------------------------------------------------------- writing


def csv_safe(value: Any) -> Any:
    """Text as Excel may open it: a value starting like a formula (= + - @) gets a leading apostrophe.

    Crawled values come from the sites (a cookie may be named "=HYPERLINK(...)"), and Excel
    evaluates such cells when it opens a CSV. The Parquet files keep the exact values.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _csv_ready(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if not (pd.api.types.is_numeric_dtype(out[column]) and not isinstance(out[column].dtype,
                                                                               pd.CategoricalDtype)):
            out[column] = out[column].astype(object).map(csv_safe, na_action="ignore")
    return out


def write_csv(frame: pd.DataFrame | Iterable[pd.DataFrame], path: Path) -> Path:
    """UTF-8 with a byte-order mark, so Excel reads Cyrillic; text that looks like a formula is marked.
    A frame, or chunks of one (written one after another under one header)."""
    with CsvWriter(path) as writer:
        for chunk in _chunks(frame):
            writer.write(chunk)
    return path


def write_parquet(frame: pd.DataFrame | Iterable[pd.DataFrame], path: Path,
                  types: Mapping[str, str] | None = None) -> Path:
    """A frame, or chunks of one, as one Parquet file (the schema from the first chunk and the
    database's declared types, so every chunk has the same)."""
    with ParquetWriter(path, types) as writer:
        for chunk in _chunks(frame):
            writer.write(chunk)
    return path


def _chunks(frame: pd.DataFrame | Iterable[pd.DataFrame]) -> Iterable[pd.DataFrame]:
    return [frame] if isinstance(frame, pd.DataFrame) else frame


class CsvWriter:
    """Appends chunks of one table to a CSV file, the header once."""

    def __init__(self, path: Path):
        self.path = path
        self.file = open(path, "w", encoding="utf-8-sig", newline="")  # noqa: SIM115 - open across chunks; close()
        self.header = True

    def write(self, chunk: pd.DataFrame) -> None:
        _csv_ready(chunk).to_csv(self.file, index=False, header=self.header, lineterminator="\r\n")
        self.header = False

    def __enter__(self) -> CsvWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.file.close()


class ParquetWriter:
    """Appends chunks of one table to a Parquet file under one schema: INTEGER and REAL columns as
    int64 and double, vocabulary columns (CATEGORICAL) as dictionaries, text as strings."""

    def __init__(self, path: Path, types: Mapping[str, str] | None = None):
        self.path = path
        self.types = types or {}
        self.writer: Any = None  # pyarrow's ParquetWriter, made with the first chunk's schema
        self.schema = None

    def _schema(self, chunk: pd.DataFrame):
        import pyarrow as pa

        inferred = pa.Schema.from_pandas(chunk, preserve_index=False)
        fields = []
        for field in inferred:
            declared = self.types.get(field.name, "")
            kind = field.type
            if "INT" in declared:
                kind = pa.int64()
            elif "REAL" in declared or "FLOA" in declared or "DOUB" in declared:
                kind = pa.float64()
            elif pa.types.is_dictionary(kind):
                kind = pa.dictionary(pa.int32(), pa.string())
            elif declared or pa.types.is_null(kind):
                kind = pa.string()
            fields.append(pa.field(field.name, kind))
        # With pandas' metadata, so nullable integers and categories read back as they were written.
        return pa.Table.from_pandas(chunk, schema=pa.schema(fields), preserve_index=False).schema

    def write(self, chunk: pd.DataFrame) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if self.writer is None:
            self.schema = self._schema(chunk)
            self.writer = pq.ParquetWriter(self.path, self.schema)
        self.writer.write_table(pa.Table.from_pandas(chunk, schema=self.schema, preserve_index=False))

    def __enter__(self) -> ParquetWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.writer is not None:
            self.writer.close()


def _xlsx_text(value: str) -> str:
    value = _ILLEGAL_XML.sub("\ufffd", value)  # control characters are not allowed in XML
    if len(value) > EXCEL_CELL_LIMIT:
        marker = XLSX_CUT_MARKER.format(n=len(value))
        value = value[:EXCEL_CELL_LIMIT - len(marker)] + marker
    return value


def write_xlsx(frames: Mapping[str, pd.DataFrame | Iterable[pd.DataFrame]], path: Path) -> Path:
    """One sheet per table (a frame, or chunks of one). Text longer than Excel's 32,767-character cell
    limit is cut with a marker; every string is stored as text, never as a formula. A table longer than
    Excel's 1,048,576 rows a sheet goes on in continuation sheets, "requests (2)", ..., each with the
    header; the CSV and Parquet files hold every table whole."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for table, frame in frames.items():
        sheets = _XlsxTable(book, table)
        for chunk in _chunks(frame):
            sheets.write(chunk)
        sheets.close()
    if not frames:
        book.create_sheet(title="empty")
    book.save(path)
    return path


class _XlsxTable:
    """The sheet(s) of one table in a write-only workbook."""

    def __init__(self, book: Any, table: str) -> None:  # book: openpyxl's write-only Workbook
        self.book, self.table = book, table
        self.sheet: Any = None  # openpyxl's write-only worksheet
        self.columns: list[str] = []
        self.rows = 0       # data rows on the current sheet
        self.part = 0

    def _new_sheet(self) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        self.close()
        self.part += 1
        title = self.table[:31] if self.part == 1 else f"{self.table[:24]} ({self.part})"
        self.sheet = sheet = self.book.create_sheet(title=title)
        sheet.freeze_panes = "A2"
        for i, column in enumerate(self.columns, start=1):
            width = 60 if column in ("text", "evidence", "policy_evidence", "explanation", "snippet", "raw") else 18
            sheet.column_dimensions[get_column_letter(i)].width = width
        bold = Font(bold=True)
        header = []
        for column in self.columns:
            cell = WriteOnlyCell(sheet, value=str(column))
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        self.rows = 0

    def write(self, chunk: pd.DataFrame) -> None:
        from openpyxl.cell import WriteOnlyCell

        if self.sheet is None:
            self.columns = [str(c) for c in chunk.columns]
            self._new_sheet()
        rows = chunk.astype(object).where(chunk.notna(), None)
        for record in rows.itertuples(index=False, name=None):
            if self.rows >= XLSX_MAX_ROWS - 1:
                self._new_sheet()
            cells = []
            for value in record:
                if isinstance(value, str):
                    cell = WriteOnlyCell(self.sheet, value=_xlsx_text(value))
                    cell.data_type = "s"  # "=..." from a site stays text, not a formula
                else:
                    cell = WriteOnlyCell(self.sheet, value=_plain(value))
                cells.append(cell)
            self.sheet.append(cells)
            self.rows += 1

    def close(self) -> None:
        from openpyxl.utils import get_column_letter

        if self.sheet is not None and self.columns:
            self.sheet.auto_filter.ref = f"A1:{get_column_letter(len(self.columns))}{self.rows + 1}"


def _plain(value: Any) -> Any:
    """numpy scalars to Python ones, which openpyxl writes natively."""
    if hasattr(value, "item"):
        return value.item()
    return value


def export_crawl(db_path: str | Path, crawl_id: str, out_dir: str | Path,
                 formats: Iterable[str] = ("csv", "parquet", "xlsx"), chunk_rows: int | None = None
                 ) -> dict[str, Path]:
    """Write the datasets of one crawl under out_dir/<crawl_id>/data/; returns {"csv:sites": path, ...}.

    Each table is read once, `chunk_rows` rows at a time, and every chunk goes to all the formats
    before the next is read: memory follows the chunk, not the crawl."""
    from openpyxl import Workbook

    formats = set(formats)
    unknown = formats - {"csv", "parquet", "xlsx"}
    if unknown:
        raise ValueError(f"unknown export format(s): {sorted(unknown)}")
    data_dir = Path(out_dir) / crawl_id / "data"
    paths: dict[str, Path] = {"data": data_dir}
    with closing(open_reader(db_path)) as store:
        crawl = store.crawl(crawl_id)
        if crawl is None:
            raise KeyError(f"no crawl {crawl_id!r} in {db_path}")
        data_dir.mkdir(parents=True, exist_ok=True)
        book = Workbook(write_only=True) if "xlsx" in formats else None
        for table in store.crawl_tables():
            types = store.column_types(table)
            with ExitStack() as stack:
                writers: list[CsvWriter | ParquetWriter | _XlsxTable] = []
                if "csv" in formats:
                    paths[f"csv:{table}"] = data_dir / f"{table}.csv"
                    writers.append(stack.enter_context(CsvWriter(paths[f"csv:{table}"])))
                if "parquet" in formats:
                    paths[f"parquet:{table}"] = data_dir / f"{table}.parquet"
                    writers.append(stack.enter_context(ParquetWriter(paths[f"parquet:{table}"], types)))
                if book is not None:
                    sheets = _XlsxTable(book, table)
                    writers.append(sheets)
                    stack.callback(sheets.close)
                for chunk in store.iter_table(table, crawl_id, chunk_rows):
                    for writer in writers:
                        writer.write(chunk)
        if book is not None:
            if not book.worksheets:
                book.create_sheet(title="empty")
            paths["xlsx"] = data_dir / f"kzprivacy-{_file_safe(crawl_id)}.xlsx"
            book.save(paths["xlsx"])
        if "csv" in formats:  # the CSV files' Frictionless Data Package (types, descriptions, keys)
            from kzprivacy.analysis.report.datapackage import write_datapackage

            columns = {t: store.column_types(t) for t in store.crawl_tables()}
            paths["datapackage"] = write_datapackage(data_dir, columns, crawl)
    return paths


def _file_safe(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", name).strip("._") or "crawl"
