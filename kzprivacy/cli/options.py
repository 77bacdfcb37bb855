"""Options several commands share, declared once: the sites to scan, where results go, how to crawl."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from kzprivacy.app.workspace import DEFAULT_OUT
from kzprivacy.crawler import settings as project_settings
from kzprivacy.crawler.settings_table import setting

F = TypeVar("F", bound=Callable[..., Any])

DB_ENV = "KZPRIVACY_DB_URL"


def _stack(*options: Callable[[F], F]) -> Callable[[F], F]:
    def apply(func: F) -> F:
        for option in reversed(options):
            func = option(func)
        return func
    return apply


sites_arguments = _stack(
    click.argument("domains", nargs=-1),
    click.option("-i", "--input", "input_file", type=click.Path(exists=True, dir_okay=False),
                 help="File of domains or URLs, one a line (# comments), or a CSV with a domain or site column."),
)

out_option = click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), default=str(DEFAULT_OUT), show_default=True,
    help="Folder for the database (unless --db), WARC evidence, logs, exports and reports: OUT/<crawl_id>/.")


def db_option(required: bool = False, help: str = "Database instead of OUT/kzprivacy.db: postgresql://... "
              "or a SQLite file.") -> Callable[[F], F]:
    return click.option("--db", required=required, envvar=DB_ENV, metavar="URL", help=f"{help} (or ${DB_ENV}).")


# How to crawl: `scan`, `demo`, `weekly` and `enqueue` take these (kzprivacy.app.plan.CrawlPlan). An option
# that sets a setting takes its default, bounds and choices from the setting's row (crawler/settings_table.py).
_MAX_PAGES, _CONSENT = setting("KZPRIVACY_MAX_PAGES"), setting("KZPRIVACY_CONSENT")
crawl_options = _stack(
    click.option("--max-pages", type=click.IntRange(int(_MAX_PAGES.minimum or 1), int(_MAX_PAGES.maximum or 10**6)),
                 default=_MAX_PAGES.default, show_default=True, help="Pages per site, home page included."),
    click.option("--proxy", metavar="URL", envvar="KZPRIVACY_PROXY",
                 help="Route every request through this HTTP proxy, https via CONNECT (or $KZPRIVACY_PROXY)."),
    click.option("--user-agent", help="User-Agent header (default names kzprivacy and its URL)."),
    click.option("--ignore-robots", is_flag=True, help="Do not obey robots.txt (obeyed by default)."),
    click.option("--timeout", type=float, help="Seconds to wait for a response (default "
                 f"{project_settings.DOWNLOAD_TIMEOUT:g}: DOWNLOAD_TIMEOUT in crawler/settings.py)."),
    click.option("-s", "--set", "overrides", multiple=True, metavar="NAME=VALUE",
                 help="Override a Scrapy or kzprivacy setting (`kzprivacy settings` lists them), as scrapy's -s does."),
    click.option("--render", is_flag=True,
                 help="Browser mode: render pages in Chromium, recording what scripts do (docs/browser-mode.md)."),
    click.option("--consent", type=click.Choice(_CONSENT.choices), default=_CONSENT.default, show_default=True,
                 help="With --render: 'accept' also clicks the cookie banner's accept button and records again."),
)

# What a person running a scan from a terminal chooses: `scan` and `demo` take these.
run_options = _stack(
    click.option("--no-progress", is_flag=True, help="No progress display (for logs and cron)."),
    click.option("--no-analyze", is_flag=True, help="Only crawl; run `kzprivacy analyze` later."),
    click.option("--lang", type=click.Choice(["ru", "en", "kk"]), default="ru", show_default=True,
                 help="Language of the report."),
)
