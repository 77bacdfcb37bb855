"""A table read back as a DataFrame typed from the schema, so that it reads the same from either database.

Integers stay integers with missing values (Int64), reals become Float64, vocabulary columns
become categories (smaller, and pandas groups and sorts them as codes), text stays Python strings
with None for missing values.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas is imported where a table is read: the crawl writes without it (~70 MB a process)
    import pandas as pd

__all__ = ["TABLES", "CATEGORICAL", "EXPORT_CHUNK_ROWS", "typed_frame"]

# The contract's tables, in the order a reader meets them. Any other table of the database
# with a crawl_id column comes after these (see Store.crawl_tables).
TABLES = ("crawls", "sites", "pages", "cookies", "requests", "inline_trackers", "storage", "forms", "form_fields",
          "policies", "policy_facts", "declarations", "flows", "findings", "site_summaries")

# Columns holding codes from a small vocabulary: `category` dtype in Parquet (smaller, and
# pandas groups and sorts them as codes). A column is only converted where a table has it.
CATEGORICAL = frozenset({
    "mode", "status", "kind", "party", "set_by", "samesite", "resource_type", "initiator", "service_id", "vendor",
    "company", "country", "category", "consent_phase", "method", "action_party", "type", "autocomplete",
    "found_via", "format", "language", "verdict", "severity", "rule", "encoding", "source", "specificity",
})

EXPORT_CHUNK_ROWS = 50_000  # rows read (and exported) at a time


def typed_frame(frame: pd.DataFrame, types: Mapping[str, str]) -> pd.DataFrame:
    """`frame` with each column typed from `types` ({column: declared SQL type})."""
    import pandas as pd

    out = {}
    for column in frame.columns:
        values = frame[column]
        declared = types.get(column, "").upper()
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
