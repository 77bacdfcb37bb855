"""Caps on what one page may cost: every extraction is linear in its input and stops at these.

A catalogue with 50,000 links, a form with 10,000 fields or a PDF with 5,000 pages is read up to
its cap, and the cut is recorded as a warning on the page row (``pages.warnings``), so a reader
knows the row is partial. The defaults live in crawler/settings.py (``KZPRIVACY_MAX_*``), where
each one is documented; ``Caps.from_settings`` reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

__all__ = ["Caps", "DEFAULT_CAPS", "cap_warning"]


@dataclass(frozen=True)
class Caps:
    links: int = 3000            # links kept per page (footer, banner and head links first)
    resources: int = 2000        # third-party resources kept per page
    forms: int = 50              # forms read per page
    fields: int = 300            # fields read per form
    text_chars: int = 500_000    # characters of a policy document's text
    dom_depth: int = 512         # element nesting read by our walkers (deeper text is skipped)
    pdf_pages: int = 300         # PDF pages converted to text
    docx_parts: int = 1000       # files inside a DOCX (a ZIP)
    inflated_bytes: int = 50 * 1024 * 1024  # bytes a DOCX or a PDF stream may inflate to

    @classmethod
    def from_settings(cls, settings: Any) -> Caps:
        names = {"links": "KZPRIVACY_MAX_LINKS", "resources": "KZPRIVACY_MAX_RESOURCES",
                 "forms": "KZPRIVACY_MAX_FORMS", "fields": "KZPRIVACY_MAX_FIELDS",
                 "text_chars": "KZPRIVACY_MAX_TEXT_CHARS", "dom_depth": "KZPRIVACY_MAX_DOM_DEPTH",
                 "pdf_pages": "KZPRIVACY_MAX_PDF_PAGES", "docx_parts": "KZPRIVACY_MAX_DOCX_PARTS",
                 "inflated_bytes": "KZPRIVACY_MAX_INFLATED_BYTES"}
        values = {}
        for f in fields(cls):
            value = settings.get(names[f.name])
            if value is not None:
                values[f.name] = int(value)
        return cls(**values)


DEFAULT_CAPS = Caps()


def cap_warning(what: str, kept: int, total: int | str) -> str:
    """The text recorded on the page row: `links: kept 3000 of 50000`."""
    return f"{what}: kept {kept} of {total}"

