"""The data dictionary (docs/data-dictionary.md) as data: column descriptions for the exports,
the Data Package and Datasette's metadata, and the generated section of codes.

    python -m kzprivacy.analysis.report.dictionary   # regenerate the codes section and the metadata
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

__all__ = ["parse_dictionary", "datasette_metadata", "codes_markdown", "with_codes"]


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
          [(c, message("en", f"verdict_meaning.{c}"), message("ru", f"verdict_meaning.{c}"))
           for c in taxonomy.VERDICTS])
    from kzprivacy.analysis.rules import RULES, SEVERITY_POINTS
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
