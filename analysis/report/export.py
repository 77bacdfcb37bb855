"""Datasets of one crawl: every contract table as CSV, Parquet and one XLSX workbook.

    OUT/<crawl_id>/data/<table>.csv        UTF-8 with BOM (Excel shows Cyrillic), formula-like text marked
    OUT/<crawl_id>/data/<table>.parquet    exact copy; coded columns as pandas `category`
    OUT/<crawl_id>/data/kzprivacy-<crawl_id>.xlsx   one sheet per table, every value stored as text or number

Reading goes through `read_table` / `read_crawl`, which type the columns from the schema
(integers as nullable Int64, codes as category), so the report and the diff see the same
frames a journalist gets from the Parquet files. docs/data-dictionary.md documents every
column; `python -m kzprivacy.analysis.report.export` regenerates docs/datasette-metadata.json from it.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import ExitStack, closing
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd

__all__ = [
    "TABLES", "CATEGORICAL", "EXCEL_CELL_LIMIT", "connect_readonly", "crawl_tables", "crawl_ids", "latest_crawl_id", "previous_crawl_id",
    "read_table", "read_crawl", "iter_table", "csv_safe", "write_csv", "write_parquet", "write_xlsx", "export_crawl",
    "parse_dictionary", "datasette_metadata", "codes_markdown", "with_codes",
]

# The contract's tables, in the order a reader meets them. Any other table of the database
# with a crawl_id column is exported too, after these (see `crawl_tables`).
TABLES = ("crawls", "sites", "pages", "cookies", "requests", "inline_trackers", "storage", "forms", "form_fields",
          "policies", "policy_facts", "declarations", "flows", "findings", "site_summaries")

# Columns holding codes from a small vocabulary: `category` dtype in Parquet (smaller, and
# pandas groups and sorts them as codes). A column is only converted where a table has it.
CATEGORICAL = frozenset({
    "mode", "status", "kind", "party", "set_by", "samesite", "resource_type", "initiator", "service_id", "vendor",
    "company", "country", "category", "consent_phase", "method", "action_party", "type", "autocomplete",
    "found_via", "format", "language", "verdict", "severity", "rule", "encoding", "source", "specificity",
})

EXCEL_CELL_LIMIT = 32_767
XLSX_MAX_ROWS = 1_048_576  # rows a sheet, header included: longer tables go on in "table (2)", ...
EXPORT_CHUNK_ROWS = 50_000  # rows read and written at a time
XLSX_CUT_MARKER = " […] [CUT for Excel: {n} characters in full; see the CSV or Parquet export]"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


# --------------------------------------------------------------------------- reading


def crawl_ids(conn: sqlite3.Connection) -> list[str]:
    """Crawls in the database, newest first."""
    return [r[0] for r in conn.execute("SELECT crawl_id FROM crawls ORDER BY started_at DESC, rowid DESC")]


def latest_crawl_id(db_path: str | Path) -> str | None:
    with closing(connect_readonly(db_path)) as conn:
        ids = crawl_ids(conn)
    return ids[0] if ids else None


def previous_crawl_id(db_path: str | Path, crawl_id: str) -> str | None:
    """The crawl started just before `crawl_id` in the same database (what a weekly diff compares with)."""
    with closing(connect_readonly(db_path)) as conn:
        ids = crawl_ids(conn)
    if crawl_id not in ids:
        return None
    older = ids[ids.index(crawl_id) + 1:]
    return older[0] if older else None


def connect_readonly(db_path: str | Path) -> sqlite3.Connection:
    """Open a database for reading only: exporting and reporting never create or change one.

    A postgresql:// URL opens the shared database of a scaled-out crawl (kzprivacy.store, which
    takes this module's SQLite-flavoured SQL there too)."""
    from kzprivacy.store import connect_readonly as connect_any, is_database_url

    if is_database_url(db_path):
        return connect_any(db_path)
    path = Path(db_path)
    if not path.exists():
        raise FileNotFoundError(f"no database at {path}")
    return sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)


def crawl_tables(conn: sqlite3.Connection) -> list[str]:
    """Tables of the database that hold rows per crawl: TABLES first, then any others by name."""
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    per_crawl = [n for n in names if "crawl_id" in _schema_types(conn, n)]
    return [t for t in TABLES if t in per_crawl] + [t for t in per_crawl if t not in TABLES]


def _schema_types(conn: sqlite3.Connection, table: str) -> dict[str, str]:
    return {r[1]: (r[2] or "").upper() for r in conn.execute(f'PRAGMA table_info("{table}")')}


def read_table(conn: sqlite3.Connection, table: str, crawl_id: str,
               sites: tuple[str, str] | None = None) -> pd.DataFrame:
    """One table's rows of a crawl, typed from the schema (an absent table gives an empty frame);
    with `sites` (first, last), only the rows of the sites named first to last (a table without a
    site column is read whole)."""
    types = _schema_types(conn, table)
    if not types:
        return pd.DataFrame()
    where, params = "crawl_id = ?", [crawl_id]
    if sites is not None and "site" in types:
        where, params = where + " AND site >= ? AND site <= ?", [crawl_id, *sites]
    frame = pd.read_sql_query(f'SELECT * FROM "{table}" WHERE {where} ORDER BY rowid', conn, params=params)
    return _typed(frame, table, types)


def iter_table(conn: sqlite3.Connection, table: str, crawl_id: str, chunk_rows: int | None = None
               ) -> Iterator[pd.DataFrame]:
    """One table's rows of a crawl, typed as read_table types them, `chunk_rows` rows at a time
    (at least one frame, empty when the crawl has no rows; none for an absent table)."""
    types = _schema_types(conn, table)
    if not types:
        return
    chunks = pd.read_sql_query(f'SELECT * FROM "{table}" WHERE crawl_id = ? ORDER BY rowid', conn,
                               params=(crawl_id,), chunksize=chunk_rows or EXPORT_CHUNK_ROWS)
    seen = False
    for chunk in chunks:
        seen = True
        yield _typed(chunk, table, types)
    if not seen:
        yield _typed(pd.DataFrame(columns=list(types)), table, types)


def _typed(frame: pd.DataFrame, table: str, types: Mapping[str, str]) -> pd.DataFrame:
    out = {}
    for column in frame.columns:
        values = frame[column]
        declared = types.get(column, "")
        if "INT" in declared:
            values = pd.to_numeric(values, errors="coerce").astype("Int64")
        elif "REAL" in declared or "FLOA" in declared or "DOUB" in declared:
            values = pd.to_numeric(values, errors="coerce").astype("Float64")
        elif column in CATEGORICAL:
            values = values.astype("category")
        elif values.dtype == object or pd.api.types.is_string_dtype(values):
            values = values.astype(object).where(values.notna(), None)
        out[column] = values
    return pd.DataFrame(out, columns=frame.columns)


def read_crawl(db_path: str | Path, crawl_id: str, tables: Iterable[str] | None = None,
               sites: tuple[str, str] | None = None) -> dict[str, pd.DataFrame]:
    """The tables of one crawl as DataFrames, by table name (default: every per-crawl table);
    with `sites` (first, last), only those sites' rows (see read_table).

    A table the database lacks (an older schema) comes back as an empty frame.
    """
    with closing(connect_readonly(db_path)) as conn:
        if not conn.execute("SELECT 1 FROM crawls WHERE crawl_id = ?", (crawl_id,)).fetchone():
            raise KeyError(f"no crawl {crawl_id!r} in {db_path}")
        return {table: read_table(conn, table, crawl_id, sites) for table in (tables or crawl_tables(conn))}


def site_ranges(db_path: str | Path, crawl_id: str, size: int) -> list[tuple[str, str]]:
    """(first, last) site names of consecutive chunks of `size` sites of a crawl, in the database's order."""
    with closing(connect_readonly(db_path)) as conn:
        names = [r[0] for r in conn.execute("SELECT site FROM sites WHERE crawl_id = ? ORDER BY site", (crawl_id,))]
    return [(names[i], names[min(i + size, len(names)) - 1]) for i in range(0, len(names), size)]


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
        self.file = open(path, "w", encoding="utf-8-sig", newline="")
        self.header = True

    def write(self, chunk: pd.DataFrame) -> None:
        _csv_ready(chunk).to_csv(self.file, index=False, header=self.header, lineterminator="\r\n")
        self.header = False

    def __enter__(self) -> "CsvWriter":
        return self

    def __exit__(self, *exc: object) -> None:
        self.file.close()


class ParquetWriter:
    """Appends chunks of one table to a Parquet file under one schema: INTEGER and REAL columns as
    int64 and double, vocabulary columns (CATEGORICAL) as dictionaries, text as strings."""

    def __init__(self, path: Path, types: Mapping[str, str] | None = None):
        self.path = path
        self.types = types or {}
        self.writer = None
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

    def __enter__(self) -> "ParquetWriter":
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

    def __init__(self, book, table: str):
        self.book, self.table = book, table
        self.sheet = None
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
    with closing(connect_readonly(db_path)) as conn:
        if not conn.execute("SELECT 1 FROM crawls WHERE crawl_id = ?", (crawl_id,)).fetchone():
            raise KeyError(f"no crawl {crawl_id!r} in {db_path}")
        data_dir.mkdir(parents=True, exist_ok=True)
        book = Workbook(write_only=True) if "xlsx" in formats else None
        for table in crawl_tables(conn):
            types = _schema_types(conn, table)
            with ExitStack() as stack:
                writers = []
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
                for chunk in iter_table(conn, table, crawl_id, chunk_rows):
                    for writer in writers:
                        writer.write(chunk)
        if book is not None:
            if not book.worksheets:
                book.create_sheet(title="empty")
            paths["xlsx"] = data_dir / f"kzprivacy-{_file_safe(crawl_id)}.xlsx"
            book.save(paths["xlsx"])
        if "csv" in formats:  # the CSV files' Frictionless Data Package (types, descriptions, keys)
            from kzprivacy.analysis.report.datapackage import write_datapackage

            columns = {t: _schema_types(conn, t) for t in crawl_tables(conn)}
            cursor = conn.execute("SELECT * FROM crawls WHERE crawl_id = ?", (crawl_id,))
            crawl = dict(zip([d[0] for d in cursor.description], cursor.fetchone()))
            paths["datapackage"] = write_datapackage(data_dir, columns, crawl)
    return paths


def _file_safe(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", name).strip("._") or "crawl"


# --------------------------------------------------------------------------- the data dictionary

_TABLE_HEADING = re.compile(r"^###\s+`(?P<table>[a-z_]+)`\s*$")
_ROW = re.compile(r"^\|\s*`(?P<column>[^`]+)`\s*\|(?P<rest>.*)\|\s*$")


def _cells(rest: str) -> list[str]:
    # Cells are split on "|" that is not escaped as "\|" (markdown tables escape pipes in examples).
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", rest)]


def parse_dictionary(markdown: str) -> dict[str, dict[str, Any]]:
    """The tables of docs/data-dictionary.md: {table: {"description", "columns": {column: {type, meaning, example}}}}.

    Only the "## Tables" section is read: a "### `table`" heading, a description, and a
    markdown table whose rows start with a `column` name in backticks.
    """
    tables: dict[str, dict[str, Any]] = {}
    in_tables = False
    current: dict[str, Any] | None = None
    for line in markdown.splitlines():
        if line.startswith("## "):
            in_tables = line[3:].strip().lower() == "tables"
            current = None
            continue
        if not in_tables:
            continue
        heading = _TABLE_HEADING.match(line)
        if heading:
            current = tables.setdefault(heading["table"], {"description": "", "columns": {}})
            continue
        if current is None:
            continue
        row = _ROW.match(line)
        if row:
            cells = _cells(row["rest"])
            cells += [""] * (3 - len(cells))
            current["columns"][row["column"]] = {"type": cells[0], "meaning": cells[1], "example": cells[2]}
        elif line.strip() and not line.startswith("|") and not current["columns"]:
            current["description"] = (current["description"] + " " + line.strip()).strip()
    return tables


# Columns a Datasette user most often filters by, per table.
FACETS: dict[str, tuple[str, ...]] = {
    "sites": ("status", "https"),
    "pages": ("kind", "status_code"),
    "cookies": ("party", "vendor", "set_by"),
    "requests": ("vendor", "country", "category"),
    "inline_trackers": ("vendor", "country"),
    "forms": ("action_party", "has_consent_checkbox"),
    "form_fields": ("category", "type"),
    "policies": ("language", "format", "found_via"),
    "declarations": ("category", "status"),
    "findings": ("verdict", "severity", "category", "rule"),
}

CANNED_QUERIES: dict[str, dict[str, str]] = {
    "site_findings": {
        "title": "Findings of one site, with both sides of the evidence",
        "sql": "SELECT f.severity, f.verdict, f.category, f.rule, f.observed, f.observed_url, f.policy_evidence,\n"
               "       f.policy_url, f.explanation, f.manual_review, p.fetched_at, p.sha256, p.warc_file,\n"
               "       f.warc_record_id\n"
               "FROM findings f LEFT JOIN pages p\n"
               "  ON p.crawl_id = f.crawl_id AND p.site = f.site AND p.warc_record_id = f.warc_record_id\n"
               "WHERE f.site = :site ORDER BY CASE f.severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1\n"
               "  WHEN 'low' THEN 2 ELSE 3 END, f.rule",
    },
    "third_party_services": {
        "title": "Third-party services by number of sites, with company and country",
        "sql": "SELECT coalesce(service_id, vendor, host) AS service, vendor, company, country,\n"
               "       count(DISTINCT site) AS sites\n"
               "FROM requests WHERE party = 'third'\n"
               "GROUP BY 1 ORDER BY sites DESC",
    },
    "sites_without_policy": {
        "title": "Sites reached that have no policy",
        "sql": "SELECT crawl_id, site, final_url, pages_fetched FROM sites\n"
               "WHERE status = 'ok' AND policy_url IS NULL ORDER BY crawl_id, site",
    },
    "iin_collected_not_declared": {
        "title": "IIN asked for in a form and not declared in the policy",
        "description": "Form fields classified as an IIN (individual identification number) on sites whose "
                       "policy has no declaration that it collects the IIN (no policy at all included).",
        "sql": "SELECT ff.crawl_id, ff.site, ff.page_url, ff.name AS field, ff.label, ff.placeholder,\n"
               "       s.policy_url\n"
               "FROM form_fields ff JOIN sites s ON s.crawl_id = ff.crawl_id AND s.site = ff.site\n"
               "WHERE ff.category = 'iin' AND NOT EXISTS (\n"
               "  SELECT 1 FROM declarations d WHERE d.crawl_id = ff.crawl_id AND d.site = ff.site\n"
               "    AND d.category = 'iin' AND d.status = 'declared')\n"
               "ORDER BY ff.crawl_id DESC, ff.site, ff.page_url, ff.form_index, ff.field_index",
    },
    "foreign_trackers_by_country": {
        "title": "Foreign trackers by the country of their company",
        "description": "Third-party analytics, advertising, session-replay, social, call-tracking and tag-manager "
                       "services whose company is outside Kazakhstan, loaded by a script, pixel or frame or found "
                       "as an inline tag: per crawl and country, how many sites and which services.",
        "sql": "WITH seen AS (\n"
               "  SELECT crawl_id, site, coalesce(service_id, vendor, host) AS service, vendor, company, country,\n"
               "         category FROM requests WHERE party = 'third'\n"
               "  UNION ALL\n"
               "  SELECT crawl_id, site, service_id, vendor, company, country, category FROM inline_trackers)\n"
               "SELECT crawl_id, country, count(DISTINCT site) AS sites, count(DISTINCT service) AS services,\n"
               "       group_concat(DISTINCT coalesce(vendor, service)) AS services_seen,\n"
               "       group_concat(DISTINCT company) AS companies\n"
               "FROM seen WHERE country IS NOT NULL AND country <> 'KZ' AND category IN ('analytics',\n"
               "  'advertising', 'session_replay', 'social', 'call_tracking', 'tag_manager')\n"
               "GROUP BY crawl_id, country ORDER BY crawl_id DESC, sites DESC, country",
    },
}


# Datasette lists every column's description above a table's rows; with twenty columns that list
# fills the screen and the rows start below it. In compact columns the rows are in view at once.
DATASETTE_CSS = (
    "dl.column-descriptions{columns:3 24em;column-gap:2.5em;font-size:.8rem;line-height:1.3;margin:.4em 0 1.2em}"
    "dl.column-descriptions dt{break-after:avoid;margin-top:.35em;font-family:monospace}"
    "dl.column-descriptions dd{margin:0 0 0 1em;break-inside:avoid;color:#555}"
)


def datasette_metadata(dictionary_markdown: str) -> dict[str, Any]:
    """Datasette metadata (title, table and column descriptions, facets, canned queries) from the dictionary."""
    tables = parse_dictionary(dictionary_markdown)
    out_tables: dict[str, Any] = {}
    for table, spec in tables.items():
        entry: dict[str, Any] = {
            "description": _plain_markdown(spec["description"]),
            "columns": {column: _column_text(col) for column, col in spec["columns"].items()},
        }
        facets = [c for c in FACETS.get(table, ()) if c in spec["columns"]]
        if facets:
            entry["facets"] = facets
        out_tables[table] = entry
    return {
        "title": "kzprivacy: privacy scans of Kazakhstan websites",
        "description": "Each crawl's sites, pages, cookies, third-party requests, forms, privacy policies, what the "
                       "policies declare and the findings where a site does what its policy does not say. Every row "
                       "carries crawl_id and site. Column meanings: docs/data-dictionary.md.",
        "extra_css_urls": ["data:text/css," + quote(DATASETTE_CSS, safe=":;,.{}()#-")],
        "databases": {"kzprivacy": {"tables": out_tables, "queries": CANNED_QUERIES}},
    }


def _plain_markdown(text: str) -> str:
    """Markdown of a dictionary cell as plain text: links to their words, no backticks or bold."""
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    return text.replace("`", "").replace("**", "")


def _column_text(column: Mapping[str, str]) -> str:
    meaning = _plain_markdown(column["meaning"])
    kind = _plain_markdown(column["type"])
    return f"{meaning} [{kind}]" if kind else meaning


# --------------------------------------------------------------------------- the codes section

CODES_BEGIN, CODES_END = "<!-- codes:begin -->", "<!-- codes:end -->"

DECLARATION_STATUS_MEANINGS = {
    "declared": "the policy says the data is collected or the practice happens",
    "denied": "the policy says it is not («обработка специальных категорий … не осуществляется»)",
}
PAGE_KIND_MEANINGS = {
    "home": "the site's home page (after redirects)",
    "policy": "a privacy-policy candidate (HTML, PDF, DOCX, TXT)",
    "form": "a page holding a form (contacts, booking, order, registration)",
    "other": "any other page followed within the site",
}
SEVERITY_MEANINGS = {
    "high": "special categories (health, IIN, documents, payment cards), a policy contradicted, no policy at all, "
            "data over plain HTTP",
    "medium": "an undeclared collection or transfer, a missing consent, a policy defect",
    "low": "vague wording, an unnamed recipient, technical data",
    "info": "for information; no problem in itself",
}
TRACKER_CATEGORY_MEANINGS = {
    "analytics": "web analytics and counters", "advertising": "advertising and retargeting pixels",
    "social": "social-network widgets, buttons and logins", "session_replay": "session recording (replays of visits)",
    "chat": "live-chat widgets", "forms_crm": "form builders and CRM widgets",
    "call_tracking": "call tracking (phone numbers swapped per visitor)", "maps": "maps and map widgets",
    "payments": "payment providers", "video": "video embeds", "fonts": "web fonts",
    "cdn": "content delivery (libraries, files)", "captcha": "bot checks (CAPTCHA)",
    "tag_manager": "tag managers (load other tags)", "other": "other services",
}


def _md(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def codes_markdown() -> str:
    """The codes section of the data dictionary, from the taxonomy, the tracker base and the rules."""
    from kzprivacy.vocabulary import taxonomy
    from kzprivacy.vocabulary.messages import message
    from kzprivacy.vocabulary.trackers import CATEGORIES as TRACKER_CATEGORIES

    lines: list[str] = []

    def table(title: str, intro: str, header: tuple[str, ...], rows: Iterable[tuple[Any, ...]]) -> None:
        lines.extend([f"### {title}", "", intro, "", "| " + " | ".join(header) + " |",
                      "|" + "---|" * len(header)])
        lines.extend("| `" + str(row[0]) + "` | " + " | ".join(_md(c) for c in row[1:]) + " |" for row in rows)
        lines.append("")

    table("Categories", "Personal-data categories and practices (`category` in form_fields, declarations, flows, "
          "findings).", ("code", "kind", "meaning", "по-русски"),
          [(code, "data" if code in taxonomy.DATA_CATEGORIES else "practice", message("en", f"category.{code}"),
            message("ru", f"category.{code}")) for code in taxonomy.CATEGORIES])
    table("Declaration statuses", "`declarations.status`; a category the policy does not mention has no row.",
          ("code", "meaning"), [(c, DECLARATION_STATUS_MEANINGS.get(c, c)) for c in taxonomy.DECLARATION_STATUSES])
    table("Verdicts", "`flows.verdict`, `findings.verdict`: how the policy covers an observed flow.",
          ("code", "meaning", "по-русски"),
          [(c, message("en", f"verdict_meaning.{c}"), message("ru", f"verdict_meaning.{c}")) for c in taxonomy.VERDICTS])
    try:
        from kzprivacy.analysis.rules import RULES, SEVERITY_POINTS
    except ImportError:  # pragma: no cover - the analysis ships with this package
        RULES, SEVERITY_POINTS = {}, {}
    table("Severities", "`findings.severity`, and the points each takes off a site's score.",
          ("code", "points", "typically"),
          [(c, SEVERITY_POINTS.get(c, 0), SEVERITY_MEANINGS.get(c, c)) for c in taxonomy.SEVERITIES])
    table("Site statuses", "`sites.status`: everything but `ok` is a kind of failure.", ("code", "meaning"),
          [(c, message("en", f"status_meaning.{c}")) for c in taxonomy.SITE_STATUSES])
    table("Page kinds", "`pages.kind`.", ("code", "meaning"),
          [(c, PAGE_KIND_MEANINGS.get(c, c)) for c in taxonomy.PAGE_KINDS])
    table("Tracker categories", "`category` in cookies, requests and inline_trackers: the kind of third-party "
          "service (docs/trackers.md).", ("code", "meaning"),
          [(c, TRACKER_CATEGORY_MEANINGS.get(c, c.replace("_", " "))) for c in TRACKER_CATEGORIES])
    table("Rules", "`findings.rule`: stable codes; reports, datasets and weekly diffs join on them.",
          ("code", "severity", "verdict", "manual review", "explanation"),
          [(code, r.severity, r.verdict or "from the comparison", "yes" if r.manual_review else "",
            message("en", f"rule.{code}"))
           for code, r in RULES.items()])
    return "\n".join(lines).rstrip() + "\n"


def with_codes(markdown: str) -> str:
    """The dictionary with its codes section regenerated between the markers."""
    start, end = markdown.index(CODES_BEGIN) + len(CODES_BEGIN), markdown.index(CODES_END)
    return markdown[:start] + "\n" + codes_markdown() + markdown[end:]


def _main() -> None:
    """Regenerate the codes section of docs/data-dictionary.md and docs/datasette-metadata.json."""
    root = Path(__file__).resolve().parents[2]
    dictionary = root / "docs" / "data-dictionary.md"
    markdown = with_codes(dictionary.read_text(encoding="utf-8"))
    dictionary.write_text(markdown, encoding="utf-8")
    target = root / "docs" / "datasette-metadata.json"
    target.write_text(json.dumps(datasette_metadata(markdown), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {dictionary} and {target}")


if __name__ == "__main__":
    _main()
