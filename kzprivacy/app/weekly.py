"""The weekly routine a scheduler runs (`kzprivacy weekly`), ending in a short digest of what changed.

    kzprivacy weekly -i domains.txt --out /srv/kzprivacy           # SQLite in OUT
    kzprivacy weekly -i domains.txt --out /srv/kzprivacy --db postgresql://kz@db/kz

It scans (as `kzprivacy scan` does: analysis, exports and the HTML report included), compares the
crawl with the previous finished crawl of the same database (analysis/diff.py's `diff_frames`),
and writes OUT/<crawl_id>/digest.md and digest.html: policies changed, appeared or disappeared,
third-party services added or removed, findings new or resolved, sites whose status changed. Both
files are analysis/report/changes.py's renderings, the same as `kzprivacy diff` and the report's
"what changed" section.

The exit status says whether the run worked, not how the sites fared: 0 when the scan, the
analysis and the digest were written (however many sites were down), 1 when the run itself
failed, 130 when it was interrupted. docs/operations.md schedules it with cron or systemd.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .scan import Scan

__all__ = ["previous_crawl", "read_frames", "week_line", "build_digest", "digest_markdown", "digest_html",
           "write_digest", "run_week"]


# --------------------------------------------------------------------------- reading


def previous_crawl(db: str | Path, crawl_id: str) -> str | None:
    """The newest finished crawl of the database started before crawl_id (what this week compares with)."""
    from kzprivacy.store.read import previous_crawl_id

    return previous_crawl_id(db, crawl_id)


def read_frames(db: str | Path, crawl_id: str, tables: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The crawl's tables the diff needs (DIFF_TABLES), typed as the store's readers type them, from SQLite or
    PostgreSQL alike."""
    from contextlib import closing

    from kzprivacy.analysis.diff import DIFF_TABLES
    from kzprivacy.store.read import open_reader

    tables = tables or DIFF_TABLES
    with closing(open_reader(db)) as store:
        return {table: store.read_table(table, crawl_id) for table in tables}


# --------------------------------------------------------------------------- the digest


def week_line(summary: dict[str, Any], lang: str = "en") -> str:
    """This week's crawl in one sentence (the digest's and the command's summary line)."""
    from kzprivacy.vocabulary.messages import message

    ok = summary["statuses"].get("ok", 0)
    failed = ", ".join(f"{n} {s}" for s, n in summary["statuses"].items() if s != "ok") or message(lang, "none_failed")
    return message(lang, "week_summary", sites=summary["sites"], ok=ok, failed=failed,
                   with_policy=summary["with_policy"], findings=summary["findings"],
                   sites_with_findings=summary["sites_with_findings"])


def build_digest(db: str | Path, crawl_id: str, previous: str | None, *, max_items: int = 25,
                 report: Path | None = None, lang: str = "en") -> dict[str, Any]:
    """What the digest says, as data: this week's counts and, when there is a previous crawl, its changes.

    "changes" is analysis/report/changes.py's model (at most `max_items` per section), which both
    digest files render; None when there is nothing to compare with.
    """
    from kzprivacy.analysis.diff import diff_frames
    from kzprivacy.analysis.report.changes import changes
    from kzprivacy.store import open_store

    store = open_store(db)
    try:
        summary = store.crawl_summary(crawl_id)
    finally:
        store.close()
    digest: dict[str, Any] = {"crawl_id": crawl_id, "previous": previous, "summary": summary,
                              "written_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                              "report": str(report) if report else None, "lang": lang, "changes": None}
    if previous is not None:
        diff = diff_frames(read_frames(db, previous), read_frames(db, crawl_id), previous, crawl_id)
        digest["changes"] = changes(diff, lang, max_items)
    return digest


def _heading(digest: dict[str, Any]) -> tuple[str, str]:
    from kzprivacy.vocabulary.messages import message

    lang = digest["lang"]
    return (message(lang, "digest_title", crawl=digest["crawl_id"]),
            message(lang, "digest_this_week", summary=week_line(digest["summary"], lang)))


def _link(digest: dict[str, Any], href: str | None) -> tuple[str, str] | None:
    from kzprivacy.vocabulary.messages import message

    return (message(digest["lang"], "full_report"), href) if href else None


def digest_markdown(digest: dict[str, Any]) -> str:
    """digest.md: this week, what changed since the previous crawl (a count table, then each change), the report."""
    from kzprivacy.analysis.report.changes import to_markdown
    from kzprivacy.vocabulary.messages import message

    lang, ch = digest["lang"], digest["changes"]
    heading, this_week = _heading(digest)
    compared = message(lang, "digest_first") if ch is None else \
        message(lang, "digest_compared", crawl=digest["previous"], n=ch.compared_sites)
    return to_markdown(ch, heading=heading, intro=[this_week, compared], counts=True, diffs=False, lang=lang,
                       link=_link(digest, digest.get("report_link") or digest["report"]))


def digest_html(digest: dict[str, Any], report_link: str | None = None) -> str:
    """digest.html: the same as the report's comparison section, under this week's heading and summary."""
    from kzprivacy.analysis.report.changes import to_html

    heading, this_week = _heading(digest)
    return to_html(digest["changes"], heading=heading, intro=[this_week], lang=digest["lang"],
                   link=_link(digest, report_link or digest.get("report_link") or digest["report"]),
                   crawl={"crawl_id": digest["crawl_id"]})


def write_digest(db: str | Path, crawl_id: str, previous: str | None, folder: Path, *,
                 report: Path | None = None, max_items: int = 25, lang: str = "en") -> dict[str, Path]:
    """Write folder/digest.md and folder/digest.html; returns their paths."""
    import os

    digest = build_digest(db, crawl_id, previous, max_items=max_items, report=report, lang=lang)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"md": folder / "digest.md", "html": folder / "digest.html"}
    # Links from the digest's own folder, so they work wherever the folder is copied or served.
    digest["report_link"] = os.path.relpath(report, folder) if report else None
    paths["md"].write_text(digest_markdown(digest), encoding="utf-8")
    paths["html"].write_text(digest_html(digest, digest["report_link"]), encoding="utf-8")
    return paths


# --------------------------------------------------------------------------- the routine


def run_week(scan: Scan, entries: list, rejected: list, *, compare_with: str | None = None,
             max_items: int = 25) -> dict[str, Any]:
    """Scan (analysis, exports and report included), then write the digest against the previous crawl.

    Returns {"reason": Scrapy's finish reason, "previous": crawl compared with, "paths": digest files,
    "summary": the crawl's counts}; no digest is written when the scan was interrupted."""
    reason = scan.run(entries, rejected, show_progress=False)
    result: dict[str, Any] = {"reason": reason, "previous": None, "paths": {}, "summary": None}
    if reason != "finished":
        return result
    previous = compare_with or previous_crawl(scan.db, scan.crawl_id)
    paths = write_digest(scan.db, scan.crawl_id, previous, scan.crawl_dir,
                         report=scan.output_paths.get("report"), max_items=max_items)
    result.update(previous=previous, paths=paths, summary=scan.workspace.summary(scan.crawl_id))
    return result
