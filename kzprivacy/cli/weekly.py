"""`kzprivacy weekly`: scan, analyse, export, and write a digest of what changed (kzprivacy.app.weekly).

The exit status says whether the run worked, not how the sites fared: 0 when the scan, the
analysis and the digest were written (however many sites were down), 1 when the run itself
failed, 130 when it was interrupted. docs/operations.md schedules it with cron or systemd.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from typing import Any

import click

from kzprivacy.app.plan import new_crawl_id, read_sites
from kzprivacy.app.scan import Scan
from kzprivacy.app.weekly import run_week, week_line
from kzprivacy.app.workspace import Workspace

from .common import CLI_LANG, Command, plan_from, words
from .options import crawl_options, db_option, out_option, sites_arguments

__all__ = ["weekly"]


@click.command(cls=Command)
@sites_arguments
@out_option
@db_option(help="Store the crawl in this database instead of OUT/kzprivacy.db: postgresql://... or a SQLite file.")
@click.option("--crawl-id", help="Name of this week's crawl (default: a UTC timestamp).")
@click.option("--compare-with", metavar="CRAWL_ID",
              help="Crawl to compare with (default: the newest finished crawl before this one).")
@click.option("--lang", type=click.Choice(["ru", "en", "kk"]), default="ru", show_default=True,
              help="Language of the HTML report.")
@click.option("--max-items", type=click.IntRange(1, 10000), default=25, show_default=True,
              help="Changes listed per section of the digest (the report has them all).")
@crawl_options
def weekly(domains: tuple[str, ...], input_file: str | None, out: Path, db: str | None, crawl_id: str | None,
           compare_with: str | None, lang: str, max_items: int, render: bool, consent: str,
           overrides: tuple[str, ...], **options: Any) -> None:
    """Scan, analyse, export, and write a digest of what changed since the previous crawl (for cron)."""
    plan = plan_from(render, consent, overrides, **options)
    entries, rejected = read_sites(domains, input_file)
    if not entries:
        raise click.UsageError("no valid domains to scan (give DOMAINS or --input)")
    for entry, reason in rejected:
        click.echo(f"skipped {entry!r}: {reason}", err=True)
    crawl_id = crawl_id or new_crawl_id()
    scan = Scan(Workspace(out, db), crawl_id, plan, lang=lang, tell=click.echo)
    try:
        week = run_week(scan, entries, rejected, compare_with=compare_with, max_items=max_items)
    except (click.exceptions.Exit, SystemExit):
        raise
    except Exception as exc:  # the run failed (disk, database, a bug): say so in the exit status
        traceback.print_exc()
        click.echo(f"kzprivacy weekly: the run failed: {exc}", err=True)
        sys.exit(1)
    if week["reason"] != "finished":
        click.echo(f"Interrupted ({week['reason']}); resume with: kzprivacy scan --resume --out {out} "
                   f"--crawl-id {crawl_id}", err=True)
        sys.exit(130)
    click.echo(words("summary_week", crawl_id=crawl_id, line=week_line(week["summary"], CLI_LANG)))
    click.echo(words("summary_compared_with", crawl=week["previous"] or words("summary_first_crawl")))
    click.echo(words("summary_digest", md=week["paths"]["md"], html=week["paths"]["html"]))
