"""`kzprivacy enqueue`, `kzprivacy worker` and `kzprivacy status`: one crawl on many machines.

    kzprivacy enqueue -i domains.txt --redis redis://HOST:6379/0 --db postgresql://USER@HOST/kz
    kzprivacy worker --redis redis://HOST:6379/0 --db postgresql://USER@HOST/kz     # on each machine
    kzprivacy status --db postgresql://USER@HOST/kz [--redis redis://HOST:6379/0]

What they do is kzprivacy.app.scale; docs/operations.md tells how to run it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from kzprivacy.app.plan import CrawlPlan, parse_overrides, read_sites
from kzprivacy.app.scale.crawl import enqueue_crawl, run_worker
from kzprivacy.app.workspace import DEFAULT_OUT, Workspace

from .common import Command, plan_from
from .options import crawl_options, db_option, sites_arguments

REDIS_ENV = "KZPRIVACY_REDIS_URL"

__all__ = ["enqueue", "worker", "status"]


def _redis_option(required: bool = True):
    return click.option("--redis", "redis_url", required=required, envvar=REDIS_ENV, metavar="URL",
                        help=f"Redis holding the queue of sites, redis://HOST:PORT/DB (or ${REDIS_ENV}).")


def _shown(url: str) -> str:
    return Workspace(Path("."), url).db_shown


# --------------------------------------------------------------------------- enqueue


@click.command(cls=Command)
@sites_arguments
@_redis_option()
@db_option(required=True, help="Database for the results: postgresql://USER[:PASSWORD]@HOST[:PORT]/NAME, or a "
           "SQLite file.")
@click.option("--crawl-id", help="Name of the crawl (default: a UTC timestamp). Again with no DOMAINS/--input: "
                                 "queue that crawl's unfinished sites again (after Redis lost its data).")
@crawl_options
@click.option("--lease", "lease_seconds", type=click.FloatRange(1, 86400), default=120, show_default=True,
              help="Seconds a worker's hold on a site lasts unless renewed: after a worker dies, its sites "
                   "return to the queue within this time.")
def enqueue(domains: tuple[str, ...], input_file: str | None, redis_url: str, db: str, crawl_id: str | None,
            render: bool, consent: str, overrides: tuple[str, ...], proxy: str | None, lease_seconds: float,
            **options: Any) -> None:
    """Register a crawl in the database and put its sites on the shared queue for `kzprivacy worker`.

    --proxy is not kept with the crawl: each worker brings its own (kzprivacy worker --proxy)."""
    # The browser is checked where it runs (each worker), not here.
    plan = CrawlPlan.from_options(render=render, consent=consent, overrides=parse_overrides(overrides), **options)
    entries, rejected = read_sites(domains, input_file)
    for entry, reason in rejected:
        click.echo(f"skipped {entry!r}: {reason}", err=True)
    done = enqueue_crawl(db, redis_url, entries, rejected, crawl_id, plan, lease_seconds)
    counts = done["counts"]
    click.echo(f"Crawl {done['crawl_id']}: {done['queued']} sites queued ({counts['pending']} waiting, "
               f"{counts['processing']} being crawled, {counts['done']} done;"
               f" {len(rejected)} invalid entries recorded).")
    click.echo(f"Start workers with: kzprivacy worker --redis {_shown(redis_url)} --db {_shown(db)} "
               f"--crawl-id {done['crawl_id']}" + (" --render" if done["mode"] == "browser" else ""))


# --------------------------------------------------------------------------- worker


@click.command(cls=Command)
@_redis_option()
@db_option(required=True, help="Database for the results: postgresql://... or a SQLite file.")
@click.option("--crawl-id", help="Crawl to work on (default: the one enqueued last).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=str(DEFAULT_OUT), show_default=True,
              help="Folder for this machine's WARC evidence and logs (OUT/<crawl_id>/warc/, named per worker).")
@click.option("--proxy", metavar="URL", envvar="KZPRIVACY_PROXY",
              help="Route this worker's requests through an HTTP proxy (or $KZPRIVACY_PROXY).")
@click.option("--render", is_flag=True,
              help="This worker renders pages in Chromium (for a crawl enqueued with --render).")
@click.option("--sites", "sites_at_once", type=click.IntRange(1, 10000), default=None,
              help="Sites crawled at once by this worker (default: 4 x CONCURRENT_REQUESTS; "
                   "KZPRIVACY_BROWSER_SITES with --render).")
@click.option("--idle-exit", type=click.FloatRange(0), default=60, show_default=True,
              help="Stop once the crawl's queue has been empty (nothing waiting, nothing held) this many seconds.")
@click.option("-s", "--set", "overrides", multiple=True, metavar="NAME=VALUE",
              help="A Scrapy or kzprivacy setting for this worker only (CONCURRENT_REQUESTS, say).")
@click.option("--analyze/--no-analyze", default=False, show_default=True,
              help="When the crawl is complete, the first worker to notice runs the analysis.")
def worker(redis_url: str, db: str, crawl_id: str | None, out: Path, proxy: str | None, render: bool,
           sites_at_once: int | None, idle_exit: float, overrides: tuple[str, ...], analyze: bool) -> None:
    """Crawl sites from the shared queue until the crawl is done; run on as many machines as you like."""
    local = parse_overrides(overrides)
    if render:  # exits with the reason when Chromium cannot run here
        plan_from(True, "none", overrides)
    done = run_worker(redis_url, db, crawl_id, out, proxy=proxy, render=render, sites_at_once=sites_at_once,
                      idle_exit=idle_exit, local=local, analyze=analyze, say=click.echo)
    if done["reason"] == "no_crawl":
        click.echo(f"No crawl enqueued in {_shown(redis_url)} within {idle_exit:.0f} s: nothing to do.")
        return
    if done["reason"] != "finished":
        sys.exit(130)
    if done.get("left"):
        click.echo(f"{done['left']} sites are pending in the database but not queued: run kzprivacy enqueue "
                   f"--crawl-id {done['crawl_id']} again.", err=True)


# --------------------------------------------------------------------------- status


@click.command(cls=Command)
@db_option(help="Database of the crawl (default: OUT/kzprivacy.db).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=str(DEFAULT_OUT), show_default=True)
@click.option("--crawl-id", help="Default: the latest crawl.")
@_redis_option(required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def status(db: str | None, out: Path, crawl_id: str | None, redis_url: str | None, fmt: str) -> None:
    """Progress of a crawl, wherever it runs: sites done, failed by status, in progress, and an ETA."""
    from kzprivacy.app.scale.queue import SiteQueue
    from kzprivacy.app.scale.status import crawl_status, format_status

    workspace = Workspace(out, db)
    crawl_id = workspace.crawl_id(crawl_id)
    queue = SiteQueue(redis_url, crawl_id) if redis_url else None
    with workspace.store() as store:
        report = crawl_status(store, crawl_id, queue)
    click.echo(json.dumps(report, ensure_ascii=False, indent=2) if fmt == "json" else format_status(report))
