"""`kzprivacy prune`: delete or compress the WARC evidence of old crawls (kzprivacy.app.prune)."""

from __future__ import annotations

from pathlib import Path

import click

from kzprivacy.app.prune import prune as prune_crawls
from kzprivacy.app.workspace import DEFAULT_OUT

from .common import Command

__all__ = ["prune"]


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


@click.command(cls=Command)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=str(DEFAULT_OUT), show_default=True,
              help="Folder holding the crawls' folders (OUT/<crawl_id>/warc/).")
@click.option("--older-than", "older_than", type=click.FloatRange(0), required=True, metavar="DAYS",
              help="Only crawls started more than DAYS ago.")
@click.option("--compress", is_flag=True, help="Pack the WARC into warc.tar.xz instead of deleting it.")
@click.option("--db", metavar="URL", envvar="KZPRIVACY_DB_URL",
              help="Database giving each crawl's start and status (default: OUT/kzprivacy.db).")
@click.option("--dry-run", is_flag=True, help="Only say what would be done.")
@click.option("--level", "preset", type=click.IntRange(0, 9), default=6, show_default=True,
              help="xz preset for --compress (higher: smaller and slower).")
def prune(out: Path, older_than: float, compress: bool, db: str | None, dry_run: bool, preset: int) -> None:
    """Delete or compress the WARC evidence of old crawls; the database keeps every row."""
    actions = prune_crawls(out, older_than, compress=compress, db=db, dry_run=dry_run, preset=preset)
    if not actions:
        click.echo(f"No crawl folders with WARC evidence in {out}.")
    before = after = 0
    for a in actions:
        if a.action == "skip":
            click.echo(f"keep     {a.crawl_id}: {a.reason}")
            continue
        verb = f"would {a.action}" if dry_run else {"compress": "packed", "delete": "deleted"}[a.action]
        size = f"{_mb(a.bytes_before)}" + ("" if dry_run else f" -> {_mb(a.bytes_after)}")
        click.echo(f"{verb:8s} {a.crawl_id} ({a.age_days:.0f} days): {size}")
        before, after = before + a.bytes_before, after + (a.bytes_after if not dry_run else a.bytes_before)
    if any(a.action != "skip" for a in actions) and not dry_run:
        click.echo(f"WARC storage of those crawls: {_mb(before)} -> {_mb(after)}")
