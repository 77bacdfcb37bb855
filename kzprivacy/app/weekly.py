"""`kzprivacy weekly`: the routine a scheduler runs every week, ending in a short digest of what changed.

    kzprivacy weekly -i domains.txt --out /srv/kzprivacy           # SQLite in OUT
    kzprivacy weekly -i domains.txt --out /srv/kzprivacy --db postgresql://kz@db/kz

It scans (as `kzprivacy scan` does: analysis, exports and the HTML report included), compares the
crawl with the previous finished crawl of the same database (analysis/diff.py's `diff_frames`),
and writes OUT/<crawl_id>/digest.md and digest.html: policies changed, appeared or disappeared,
third-party services added or removed, findings new or resolved, sites whose status changed.

The exit status says whether the run worked, not how the sites fared: 0 when the scan, the
analysis and the digest were written (however many sites were down), 1 when the run itself
failed, 130 when it was interrupted. docs/operations.md schedules it with cron or systemd.
"""

from __future__ import annotations

import sys
import traceback
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import click

__all__ = ["weekly", "previous_crawl", "read_frames", "week_line", "build_digest", "digest_markdown", "digest_html",
           "write_digest"]


# --------------------------------------------------------------------------- reading


def previous_crawl(db: str | Path, crawl_id: str) -> str | None:
    """The newest finished crawl of the database started before crawl_id (what this week compares with)."""
    from kzprivacy.store import Store

    store = Store(db)
    try:
        ids = store.crawl_ids()
        finished = {r["crawl_id"] for r in store.query("SELECT crawl_id FROM crawls WHERE status = 'finished'")}
    finally:
        store.close()
    older = ids[ids.index(crawl_id) + 1:] if crawl_id in ids else ids
    return next((c for c in older if c in finished), None)


def read_frames(db: str | Path, crawl_id: str, tables: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The crawl's tables the diff needs (DIFF_TABLES) as analysis/report/export.py types them, from SQLite or
    PostgreSQL alike."""
    from contextlib import closing

    from kzprivacy.analysis.diff import DIFF_TABLES
    from kzprivacy.analysis.report.export import read_table

    tables = tables or DIFF_TABLES
    from kzprivacy.store import connect_readonly

    with closing(connect_readonly(db)) as conn:
        return {table: read_table(conn, table, crawl_id) for table in tables}


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
    from kzprivacy.cli import _summary

    digest: dict[str, Any] = {"crawl_id": crawl_id, "previous": previous, "summary": _summary(db, crawl_id),
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


# --------------------------------------------------------------------------- the command


@click.command()
@click.argument("domains", nargs=-1)
@click.option("-i", "--input", "input_file", type=click.Path(exists=True, dir_okay=False),
              help="File of domains or URLs, one a line (# comments), or a CSV with a domain or site column.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default="output", show_default=True,
              help="Folder for the database (unless --db), WARC evidence, exports, report and digest.")
@click.option("--db", metavar="URL", envvar="KZPRIVACY_DB_URL",
              help="Store the crawl in this database instead of OUT/kzprivacy.db: postgresql://... or a SQLite file.")
@click.option("--crawl-id", help="Name of this week's crawl (default: a UTC timestamp).")
@click.option("--compare-with", metavar="CRAWL_ID",
              help="Crawl to compare with (default: the newest finished crawl before this one).")
@click.option("--lang", type=click.Choice(["ru", "en", "kk"]), default="ru", show_default=True,
              help="Language of the HTML report.")
@click.option("--max-items", type=click.IntRange(1, 10000), default=25, show_default=True,
              help="Changes listed per section of the digest (the report has them all).")
@click.option("--max-pages", type=click.IntRange(1, 500), default=20, show_default=True)
@click.option("--proxy", metavar="URL", envvar="KZPRIVACY_PROXY",
              help="Route every request through this HTTP proxy (or $KZPRIVACY_PROXY).")
@click.option("--user-agent", help="User-Agent header (default names kzprivacy and its URL).")
@click.option("--ignore-robots", is_flag=True, help="Do not obey robots.txt (obeyed by default).")
@click.option("--timeout", type=float, help="Seconds to wait for a response (default 20).")
@click.option("-s", "--set", "overrides", multiple=True, metavar="NAME=VALUE",
              help="Override a Scrapy or kzprivacy setting (crawler/settings.py).")
@click.option("--render", is_flag=True, help="Browser mode (Chromium).")
@click.option("--consent", type=click.Choice(["none", "accept"]), default="none", show_default=True)
def weekly(domains: tuple[str, ...], input_file: str | None, out: Path, db: str | None, crawl_id: str | None,
           compare_with: str | None, lang: str, max_items: int, max_pages: int, proxy: str | None,
           user_agent: str | None, ignore_robots: bool, timeout: float | None, overrides: tuple[str, ...],
           render: bool, consent: str) -> None:
    """Scan, analyse, export, and write a digest of what changed since the previous crawl (for cron)."""
    from kzprivacy.cli import Scan, _browser_mode, _new_crawl_id, _parse_overrides
    from kzprivacy.vocabulary.domains import parse_entries, read_entries

    local = _parse_overrides(overrides)
    mode, browser_settings = _browser_mode(render, consent, local)
    entries, rejected = parse_entries(list(domains))
    if input_file:
        more, bad = read_entries(input_file)
        known = {e.site for e in entries}
        entries += [e for e in more if e.site not in known]
        rejected += bad
    if not entries:
        raise click.UsageError("no valid domains to scan (give DOMAINS or --input)")
    for entry, reason in rejected:
        click.echo(f"skipped {entry!r}: {reason}", err=True)
    crawl_id = crawl_id or _new_crawl_id()
    run = Scan(out, crawl_id, db=db, proxy=proxy, max_pages=max_pages, user_agent=user_agent,
               ignore_robots=ignore_robots, timeout=timeout, mode=mode, lang=lang,
               extra_settings={**browser_settings, **local})
    try:
        reason = run.run(entries, rejected, show_progress=False)
        if reason != "finished":
            click.echo(f"Interrupted ({reason}); resume with: kzprivacy scan --resume --out {out} "
                       f"--crawl-id {crawl_id}", err=True)
            sys.exit(130)
        previous = compare_with or previous_crawl(run.db_path, crawl_id)
        paths = write_digest(run.db_path, crawl_id, previous, out / crawl_id,
                             report=run.output_paths.get("report"), max_items=max_items)
    except (click.exceptions.Exit, SystemExit):
        raise
    except Exception as exc:  # the run failed (disk, database, a bug): say so in the exit status
        traceback.print_exc()
        click.echo(f"kzprivacy weekly: the run failed: {exc}", err=True)
        sys.exit(1)
    from kzprivacy.cli import _summary

    click.echo(f"Crawl {crawl_id}: " + week_line(_summary(run.db_path, crawl_id)))
    click.echo(f"Compared with: {previous or 'nothing (first crawl)'}")
    click.echo(f"Digest: {paths['md']} and {paths['html']}")
