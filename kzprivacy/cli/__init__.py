"""The kzprivacy command: scan sites, run the demo, look things up.

    kzprivacy demo                         # the sample web, end to end
    kzprivacy scan example.kz мысал.қаз    # real sites
    kzprivacy scan -i domains.txt --out results/
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import click

import kzprivacy
from kzprivacy.vocabulary.domains import SiteEntry, parse_entries, read_entries

DEFAULT_OUT = "output"


def _new_crawl_id(prefix: str = "") -> str:
    return prefix + datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")


class Scan:
    """One crawl: where it writes, with which settings, and how it resumes."""

    def __init__(self, out: Path, crawl_id: str, *, proxy: str | None = None, max_pages: int = 20,
                 user_agent: str | None = None, ignore_robots: bool = False, timeout: float | None = None,
                 resume: bool = False, mode: str = "http", extra_settings: dict[str, Any] | None = None,
                 analyze: bool = True, outputs: bool = True, lang: str = "ru", db: str | None = None,
                 processes: int = 1):
        self.processes = max(1, processes)  # crawl processes sharing the site list (both cores at work)
        self.db = db  # a postgresql:// URL (or another SQLite file) instead of OUT/kzprivacy.db
        self.analyze = analyze
        self.outputs = outputs
        self.lang = lang
        self.output_paths: dict[str, Path] = {}
        self.out = out
        self.crawl_id = crawl_id
        self.proxy = proxy
        self.max_pages = max_pages
        self.user_agent = user_agent
        self.ignore_robots = ignore_robots
        self.timeout = timeout
        self.resume = resume
        self.mode = mode
        self.extra_settings = extra_settings or {}

    @property
    def db_path(self) -> Path | str:
        return self.db or self.out / "kzprivacy.db"

    @property
    def crawl_dir(self) -> Path:
        return self.out / self.crawl_id

    def settings(self):
        from scrapy.settings import Settings

        settings = Settings()
        settings.setmodule("kzprivacy.crawler.settings", priority="project")
        values: dict[str, Any] = {
            "KZPRIVACY_DB": str(self.db_path), "KZPRIVACY_CRAWL_ID": self.crawl_id,
            "KZPRIVACY_WARC_DIR": str(self.crawl_dir / "warc"), "KZPRIVACY_MAX_PAGES": self.max_pages,
            "KZPRIVACY_MODE": self.mode,
            "LOG_FILE": str(self.crawl_dir / "crawl.log"), "LOG_FILE_APPEND": True,
            "JOBDIR": str(self.crawl_dir / "job"),
        }
        if self.proxy:
            values["KZPRIVACY_PROXY"] = self.proxy
        if self.user_agent:
            values["USER_AGENT"] = self.user_agent
        if self.ignore_robots:
            values["ROBOTSTXT_OBEY"] = False
        if self.timeout:
            values["DOWNLOAD_TIMEOUT"] = self.timeout
        if self.mode == "browser":  # home-page screenshots beside the WARC (crawler/browser.py)
            values["KZPRIVACY_SCREENSHOT_DIR"] = str(self.crawl_dir / "screenshots")
        values.update(self.extra_settings)
        settings.setdict(values, priority="cmdline")
        return settings

    def prepare(self, entries: list[SiteEntry], rejected: list[tuple[str, str]]) -> list[SiteEntry]:
        """Register the crawl and its sites; return the sites still to crawl."""
        from kzprivacy.store import Store

        self.crawl_dir.mkdir(parents=True, exist_ok=True)
        store = Store(self.db_path)
        try:
            job = self.crawl_dir / "job"
            shard_jobs = sorted(self.crawl_dir.glob("job-*"))
            if self.resume and (shard_jobs or (self.processes > 1 and job.exists())):
                # A crawl split over several processes resumes as after a hard kill: the shards
                # change with what is left, so their queues cannot be reused. Sites in flight start over.
                for folder in [*shard_jobs, job]:
                    shutil.rmtree(folder, ignore_errors=True)
                store.reset_sites(self.crawl_id, store.pending_sites(self.crawl_id))
            elif self.resume and job.exists() and not (job / "spider.state").exists():
                # A hard kill leaves no spider state and maybe a torn queue: start the
                # unfinished sites again from scratch, replacing whatever they had written.
                shutil.rmtree(job)
                store.reset_sites(self.crawl_id, store.pending_sites(self.crawl_id))
            elif not self.resume:
                for folder in [job, *shard_jobs]:
                    shutil.rmtree(folder, ignore_errors=True)
            rows = [{"site": e.site, "input": e.input, "ascii_host": e.ascii_host, "start_url": e.start_url}
                    for e in entries]
            rows += [{"site": entry[:255], "input": entry, "status": "invalid", "error": reason}
                     for entry, reason in rejected]
            store.begin_crawl(self.crawl_id, mode=self.mode, tool_version=kzprivacy.__version__,
                              settings={"max_pages": self.max_pages, "proxy": self.proxy,
                                        "ignore_robots": self.ignore_robots, "timeout": self.timeout,
                                        "user_agent": self.user_agent,
                                        "consent": self.extra_settings.get("KZPRIVACY_CONSENT")}, sites=rows)
            pending = set(store.pending_sites(self.crawl_id))
        finally:
            store.close()
        return [e for e in entries if e.site in pending]

    def run(self, entries: list[SiteEntry], rejected: list[tuple[str, str]], *, show_progress: bool = True) -> str:
        """Crawl; returns Scrapy's finish reason ('finished', or 'shutdown' when interrupted)."""
        from scrapy.crawler import CrawlerProcess

        from kzprivacy.crawler.shutdown import PromptShutdown
        from kzprivacy.crawler.spiders.site import SiteSpider
        from kzprivacy.app.progress import ScanProgress
        from kzprivacy.store import Store

        todo = self.prepare(entries, rejected)
        reason = "finished"
        if todo and self.processes > 1 and len(todo) > 1:
            reason = self._run_processes(todo, show_progress)
        elif todo:
            process = CrawlerProcess(self.settings())
            crawler = process.create_crawler(SiteSpider)
            # Scrapy's signals hold handlers weakly: the display must live as long as the crawl.
            self.progress = ScanProgress(len(todo)) if show_progress else None
            if self.progress:
                self.progress.connect(crawler)
            process.crawl(crawler, domains=[e.input for e in todo], crawl_id=self.crawl_id,
                          max_pages=self.max_pages)
            shutdown = PromptShutdown.from_settings(process, self.settings(), on_forced_exit=self._stopped)
            shutdown.install()
            process.start(install_signal_handlers=False)  # crawler/shutdown.py handles SIGINT and SIGTERM
            reason = (crawler.stats.get_value("finish_reason") if crawler.stats else None) or "finished"
            if shutdown.interrupted:
                reason = "shutdown"
            if shutdown.hurried:  # the queue was not saved whole: --resume restarts the unfinished sites
                (self.crawl_dir / "job" / "spider.state").unlink(missing_ok=True)
            shutdown.on_forced_exit = None  # the crawl's end is written below
        store = Store(self.db_path)
        try:
            store.finish_crawl(self.crawl_id, "finished" if reason == "finished" else "interrupted")
        finally:
            store.close()
        if reason == "finished" and self.analyze:
            from kzprivacy.analysis.run import analyze_crawl

            if show_progress:
                click.echo("Comparing what the sites collect with what their policies declare...", err=True)
            analyze_crawl(self.db_path, self.crawl_id)
            if self.outputs:
                from kzprivacy.cli.analysis import build_outputs

                if show_progress:
                    click.echo("Writing the exports and the report...", err=True)
                self.output_paths = build_outputs(self.db_path, self.crawl_id, self.out, lang=self.lang)
        return reason

    def _stopped(self) -> None:
        """A stop that ran past its deadline (crawler/shutdown.py): the crawl is interrupted, and its
        job folders hold no spider state, so --resume restarts the unfinished sites."""
        from kzprivacy.store import Store

        for job in [self.crawl_dir / "job", *self.crawl_dir.glob("job-*")]:
            (job / "spider.state").unlink(missing_ok=True)
        click.echo(f"Interrupted (shutdown). Resume with: kzprivacy scan --resume --out {self.out} "
                   f"--crawl-id {self.crawl_id}")
        store = Store(self.db_path)
        try:
            store.finish_crawl(self.crawl_id, "interrupted")
        finally:
            store.close()

    def _run_processes(self, todo: list[SiteEntry], show_progress: bool) -> str:
        """Crawl `todo` split over self.processes crawl processes (every n-th site to each), which
        write to the same database; returns 'finished', or 'shutdown' when any was interrupted."""
        import multiprocessing
        import time

        from kzprivacy.crawler.shutdown import ChildrenShutdown

        context = multiprocessing.get_context("spawn")  # a fresh interpreter each: Twisted's reactor is per process
        count = min(self.processes, len(todo))
        workers = [context.Process(target=_crawl_shard, args=(self, i, [e.input for e in todo[i::count]]),
                                   name=f"kzprivacy-scan-{i}") for i in range(count)]
        for worker in workers:
            worker.start()
        # Ctrl-C or SIGTERM: passed on to each crawl process, and the whole scan ends within the deadline.
        shutdown = ChildrenShutdown(workers, self.settings().getfloat("KZPRIVACY_SHUTDOWN_DEADLINE"), self._stopped)
        shutdown.install()
        progress = None
        if show_progress:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            progress = Progress(TextColumn(f"[bold]scanning ({count} processes)"), BarColumn(), MofNCompleteColumn(),
                                TextColumn("sites"), TimeElapsedColumn(), console=None, transient=False)
            task = progress.add_task("scan", total=len(todo))
            progress.start()
        try:
            while any(w.is_alive() for w in workers):
                for worker in workers:
                    worker.join(1.0 / count)
                if progress is not None:
                    from kzprivacy.store import Store

                    store = Store(self.db_path)
                    try:
                        left = len(store.pending_sites(self.crawl_id))
                    finally:
                        store.close()
                    progress.update(task, completed=len(todo) - min(left, len(todo)))
                    if not shutdown.interrupted:
                        time.sleep(1)
        finally:
            shutdown.restore()
            if progress is not None:
                progress.stop()
        return "finished" if all(w.exitcode == 0 for w in workers) and not shutdown.interrupted else "shutdown"


def _crawl_shard(scan: Scan, index: int, inputs: list[str]) -> None:
    """One of `kzprivacy scan --processes N`'s crawl processes: its own queue folder and log."""
    from scrapy.crawler import CrawlerProcess

    from kzprivacy.crawler.spiders.site import SiteSpider

    settings = scan.settings()
    # A stop ends here 0.3 s before the parent's deadline, leaving the parent its time to write the crawl's end.
    scan.extra_settings = {**scan.extra_settings, "JOBDIR": str(scan.crawl_dir / f"job-{index}"),
                           "LOG_FILE": str(scan.crawl_dir / f"crawl-{index}.log"),
                           "KZPRIVACY_SHUTDOWN_GRACE": max(0.0, settings.getfloat("KZPRIVACY_SHUTDOWN_GRACE") - 0.3),
                           "KZPRIVACY_SHUTDOWN_DEADLINE": settings.getfloat("KZPRIVACY_SHUTDOWN_DEADLINE") - 0.3}
    process = CrawlerProcess(scan.settings())
    crawler = process.create_crawler(SiteSpider)
    process.crawl(crawler, domains=inputs, crawl_id=scan.crawl_id, max_pages=scan.max_pages)
    from kzprivacy.crawler.shutdown import PromptShutdown

    shutdown = PromptShutdown.from_settings(process, scan.settings())  # the parent marks the crawl interrupted
    shutdown.install()
    process.start(install_signal_handlers=False)  # crawler/shutdown.py handles SIGINT and SIGTERM
    reason = (crawler.stats.get_value("finish_reason") if crawler.stats else None) or "finished"
    sys.exit(0 if reason == "finished" and not shutdown.interrupted else 3)


def _exit_interrupted() -> None:
    """Exit 130 at once after a signal: everything is written and flushed, and tearing down the interpreter
    (a crawl's worth of objects) would take seconds more than the 2 s a stop may take."""
    import logging

    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(130)


def _summary(db_path: Path, crawl_id: str) -> dict[str, Any]:
    from kzprivacy.store import Store

    store = Store(db_path)
    try:
        statuses = {r["status"]: r["n"] for r in store.query(
            "SELECT status, count(*) AS n FROM sites WHERE crawl_id = ? GROUP BY status ORDER BY n DESC, status",
            (crawl_id,))}
        one = lambda sql: store.query(sql, (crawl_id,))[0][0]  # noqa: E731
        verdicts = {r["verdict"]: r["n"] for r in store.query(
            "SELECT verdict, count(*) AS n FROM findings WHERE crawl_id = ? GROUP BY verdict ORDER BY n DESC",
            (crawl_id,))}
        return {
            "findings": one("SELECT count(*) FROM findings WHERE crawl_id = ?"),
            "findings_by_verdict": verdicts,
            "sites_with_findings": one("SELECT count(DISTINCT site) FROM findings WHERE crawl_id = ?"),
            "crawl_id": crawl_id, "sites": sum(statuses.values()), "statuses": statuses,
            "with_policy": one("SELECT count(*) FROM sites WHERE crawl_id = ? AND policy_url IS NOT NULL"),
            "pages": one("SELECT count(*) FROM pages WHERE crawl_id = ? AND status_code IS NOT NULL"),
            "cookies": one("SELECT count(*) FROM cookies WHERE crawl_id = ?"),
            "third_party_requests": one("SELECT count(*) FROM requests WHERE crawl_id = ?"),
            "forms": one("SELECT count(*) FROM forms WHERE crawl_id = ?"),
        }
    finally:
        store.close()


def _print_summary(summary: dict[str, Any], out: Path, crawl_id: str, outputs: dict[str, Path] | None = None,
                   db: str | Path | None = None) -> None:
    ok = summary["statuses"].get("ok", 0)
    failed = ", ".join(f"{n} {s}" for s, n in summary["statuses"].items() if s != "ok") or "none"
    click.echo(f"\nCrawl {crawl_id}: {summary['sites']} sites, {ok} ok, failed: {failed}.")
    click.echo(f"Policies found on {summary['with_policy']} sites; {summary['pages']} pages fetched; "
               f"{summary['cookies']} cookies, {summary['third_party_requests']} third-party resources, "
               f"{summary['forms']} forms recorded.")
    if summary["findings"]:
        verdicts = ", ".join(f"{n} {v}" for v, n in summary["findings_by_verdict"].items())
        click.echo(f"Findings: {summary['findings']} on {summary['sites_with_findings']} sites ({verdicts}).")
    # A PostgreSQL URL is shown without its password.
    shown = re.sub(r"(://[^:/@]+:)[^@]*@", r"\1***@", str(db)) if db else out / "kzprivacy.db"
    click.echo(f"Database: {shown}")
    click.echo(f"Evidence (WARC) and log: {out / crawl_id}/")
    if outputs:
        if outputs.get("data"):
            click.echo(f"Tables (CSV, Parquet, XLSX): {outputs['data']}/")
        if outputs.get("report"):
            click.echo(f"Report: {outputs['report']}")
        if outputs.get("report_pdf"):
            click.echo(f"Report (PDF): {outputs['report_pdf']}")
        if outputs.get("evidence"):
            click.echo(f"Evidence pack ({outputs['evidence_site']}): {outputs['evidence']}")


def _parse_overrides(overrides: tuple[str, ...]) -> dict[str, Any]:
    """-s NAME=VALUE pairs, checked against the settings table before anything starts (a typo would
    otherwise be ignored by Scrapy and the crawl run with the default)."""
    from kzprivacy.crawler.settings_table import SettingError, check_overrides

    values = {}
    for item in overrides:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"expected NAME=VALUE, got {item!r}", param_hint="--set")
        values[name.strip()] = value
    try:
        return check_overrides(values)
    except SettingError as error:
        raise click.BadParameter(str(error), param_hint="'-s' / '--set'") from None


def _resolve_resume_id(out: Path, crawl_id: str | None) -> str:
    from kzprivacy.store import Store

    if crawl_id:
        return crawl_id
    db = out / "kzprivacy.db"
    if not db.exists():
        raise click.UsageError(f"--resume: no database at {db}")
    store = Store(db)
    try:
        rows = store.query("SELECT crawl_id FROM crawls WHERE status <> 'finished' ORDER BY started_at DESC LIMIT 1")
    finally:
        store.close()
    if not rows:
        raise click.UsageError("--resume: every crawl in the database has finished; give --crawl-id")
    return rows[0]["crawl_id"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(kzprivacy.__version__, prog_name="kzprivacy")
def main() -> None:
    """Website-privacy scanner for Kazakhstan: finds each site's privacy policy, records what the
    site collects (cookies, third-party resources, form fields), and stores it all in SQLite and WARC."""


def _scan_options(func):
    options = [
        click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_OUT,
                     show_default=True, help="Folder for the database, WARC evidence, logs and reports."),
        click.option("--crawl-id", help="Name of this crawl (default: a UTC timestamp)."),
        click.option("--max-pages", type=click.IntRange(1, 500), default=20, show_default=True,
                     help="Pages per site, home page included."),
        click.option("--proxy", metavar="URL", help="Route every request through this HTTP proxy (https via CONNECT)."),
        click.option("--user-agent", help="User-Agent header (default names kzprivacy and its URL)."),
        click.option("--ignore-robots", is_flag=True, help="Do not obey robots.txt (obeyed by default)."),
        click.option("--timeout", type=float, help="Seconds to wait for a response (default 20)."),
        click.option("--no-progress", is_flag=True, help="No progress display (for logs and cron)."),
        click.option("-s", "--set", "overrides", multiple=True, metavar="NAME=VALUE",
                     help="Override a Scrapy or kzprivacy setting (crawler/settings.py), as scrapy's -s does."),
        click.option("--no-analyze", is_flag=True, help="Only crawl; run `kzprivacy analyze` later."),
        click.option("--lang", type=click.Choice(["ru", "en", "kk"]), default="ru", show_default=True,
                     help="Language of the report."),
        click.option("--render", is_flag=True,
                     help="Browser mode: render pages in Chromium, recording what scripts do (docs/browser-mode.md)."),
        click.option("--consent", type=click.Choice(["none", "accept"]), default="none", show_default=True,
                     help="With --render: 'accept' also clicks the cookie banner's accept button and records again."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _browser_mode(render: bool, consent: str, overrides: dict[str, str]) -> tuple[str, dict[str, str]]:
    """(mode, settings) for --render / --consent; exits with status 2 when Chromium cannot run here."""
    if not render:
        if consent != "none":
            raise click.UsageError("--consent needs --render (clicking a banner takes a browser)")
        return "http", {}
    from kzprivacy.crawler.browser import browser_problem

    problem = browser_problem(overrides.get("KZPRIVACY_CHROMIUM"))
    if problem:
        click.echo(problem, err=True)
        sys.exit(2)
    return "browser", {"KZPRIVACY_CONSENT": consent}


def _stored_browser_mode(out: Path, crawl_id: str, consent: str) -> tuple[bool, str]:
    """(render, consent) as the stored crawl was started, so that --resume goes on the same way."""
    from kzprivacy.store import Store

    if not (out / "kzprivacy.db").exists():
        return False, consent
    store = Store(out / "kzprivacy.db")
    try:
        rows = store.query("SELECT mode, settings FROM crawls WHERE crawl_id = ?", (crawl_id,))
    finally:
        store.close()
    if not rows or rows[0]["mode"] != "browser":
        return False, consent
    return True, json.loads(rows[0]["settings"] or "{}").get("consent") or consent


@main.command()
@click.argument("domains", nargs=-1)
@click.option("-i", "--input", "input_file", type=click.Path(exists=True, dir_okay=False),
              help="File of domains or URLs, one a line (# comments), or a CSV with a domain or site column.")
@_scan_options
@click.option("--resume", is_flag=True, help="Continue an interrupted crawl (the latest unfinished one, or --crawl-id).")
@click.option("--processes", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Crawl processes sharing the site list and the database (one per core for a zone).")
def scan(domains: tuple[str, ...], input_file: str | None, out: Path, crawl_id: str | None, max_pages: int,
         proxy: str | None, user_agent: str | None, ignore_robots: bool, timeout: float | None, no_progress: bool,
         overrides: tuple[str, ...], no_analyze: bool, lang: str, render: bool, consent: str, resume: bool,
         processes: int) -> None:
    """Scan sites: DOMAINS and/or the entries of --input."""
    mode, browser_settings = _browser_mode(render, consent, _parse_overrides(overrides))
    entries, rejected = parse_entries(list(domains))
    if input_file:
        more, bad = read_entries(input_file)
        known = {e.site for e in entries}
        entries += [e for e in more if e.site not in known]
        rejected += bad
    for entry, reason in rejected:
        click.echo(f"skipped {entry!r}: {reason}", err=True)
    if resume:
        crawl_id = _resolve_resume_id(out, crawl_id)
        if not render:  # a browser crawl resumes in the browser, with the consent choice it started with
            render, consent = _stored_browser_mode(out, crawl_id, consent)
            mode, browser_settings = _browser_mode(render, consent, _parse_overrides(overrides))
        if not entries:  # resuming needs no list: the database has the crawl's sites
            from kzprivacy.store import Store

            store = Store(out / "kzprivacy.db")
            try:
                entries, _ = parse_entries([r["input"] or r["site"] for r in store.query(
                    "SELECT site, input FROM sites WHERE crawl_id = ? AND status <> 'invalid'", (crawl_id,))])
            finally:
                store.close()
    if not entries:
        raise click.UsageError("no valid domains to scan (give DOMAINS or --input)")
    crawl_id = crawl_id or _new_crawl_id()
    run = Scan(out, crawl_id, proxy=proxy, max_pages=max_pages, user_agent=user_agent, ignore_robots=ignore_robots,
               timeout=timeout, resume=resume, extra_settings={**browser_settings, **_parse_overrides(overrides)},
               analyze=not no_analyze, mode=mode, lang=lang, processes=processes)
    reason = run.run(entries, rejected, show_progress=not no_progress)
    _print_summary(_summary(run.db_path, crawl_id), out, crawl_id, run.output_paths)
    if reason != "finished":
        click.echo(f"Interrupted ({reason}). Resume with: kzprivacy scan --resume --out {out} --crawl-id {crawl_id}")
        _exit_interrupted()


@main.command()
@_scan_options
@click.option("--week", type=click.IntRange(1, 2), default=1, show_default=True,
              help="2: the sample web a week later (a site changed its policy and trackers), to try `kzprivacy diff`.")
def demo(out: Path, crawl_id: str | None, max_pages: int, proxy: str | None, user_agent: str | None,
         ignore_robots: bool, timeout: float | None, no_progress: bool, overrides: tuple[str, ...],
         no_analyze: bool, lang: str, render: bool, consent: str, week: int) -> None:
    """Run the whole job on the built-in sample web (fictional .kz sites served on 127.0.0.1)."""
    mode, browser_settings = _browser_mode(render, consent, _parse_overrides(overrides))
    from kzprivacy.sampleweb.manifest import sample_domains
    from kzprivacy.sampleweb.server import SampleWeb

    crawl_id = crawl_id or _new_crawl_id("demo-")
    with SampleWeb(week=week) as web:
        click.echo(f"Sample web (week {week}) running as a proxy at {web.proxy_url}")
        entries, rejected = parse_entries(sample_domains())
        run = Scan(out, crawl_id, proxy=proxy or web.proxy_url, max_pages=max_pages, user_agent=user_agent,
                   ignore_robots=ignore_robots, timeout=timeout or 5, mode=mode,
                   extra_settings={**browser_settings, **_parse_overrides(overrides)}, analyze=not no_analyze,
                   lang=lang)
        reason = run.run(entries, rejected, show_progress=not no_progress)
    if reason == "finished" and run.output_paths:  # the PDF and one evidence pack, printed by Chromium
        from kzprivacy.cli.analysis import build_demo_evidence

        run.output_paths.update(build_demo_evidence(run.db_path, crawl_id, out, lang=lang))
    _print_summary(_summary(run.db_path, crawl_id), out, crawl_id, run.output_paths)
    if reason != "finished":
        _exit_interrupted()


@main.command(name="summary")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_OUT, show_default=True)
@click.option("--db", metavar="URL", envvar="KZPRIVACY_DB_URL",
              help="Read this database instead of OUT/kzprivacy.db: postgresql://... or a SQLite file.")
@click.option("--crawl-id", help="Default: the latest crawl.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def summary_command(out: Path, db: str | None, crawl_id: str | None, fmt: str) -> None:
    """Counts of a stored crawl: sites by status, policies, pages."""
    db = db or out / "kzprivacy.db"
    crawl_id = crawl_id or _latest_crawl(db)
    summary = _summary(db, crawl_id)
    if fmt == "json":
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        _print_summary(summary, out, crawl_id, db=db)


def _latest_crawl(db: str | Path) -> str:
    """The newest crawl of a database (a SQLite file or a postgresql:// URL), or a usage error."""
    from kzprivacy.store import Store, is_database_url

    if not is_database_url(db) and not Path(db).exists():
        raise click.UsageError(f"no database at {db}: run kzprivacy scan or kzprivacy demo first")
    store = Store(db)
    try:
        ids = store.crawl_ids()
    finally:
        store.close()
    if not ids:
        raise click.UsageError(f"no crawls in {db}")
    return ids[0]


@main.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_OUT, show_default=True,
              help="Folder holding kzprivacy.db.")
@click.option("--db", metavar="URL", envvar="KZPRIVACY_DB_URL",
              help="Analyse this database instead of OUT/kzprivacy.db: postgresql://... or a SQLite file.")
@click.option("--crawl-id", help="Default: the latest crawl.")
def analyze(out: Path, db: str | None, crawl_id: str | None) -> None:
    """Compare what sites collect with what their policies declare, for a stored crawl (no crawling).

    Re-running replaces the crawl's declarations and findings; it never duplicates them."""
    from kzprivacy.analysis.run import analyze_crawl

    db = db or out / "kzprivacy.db"
    crawl_id = crawl_id or _latest_crawl(db)
    counts = analyze_crawl(db, crawl_id)
    click.echo(f"Crawl {crawl_id}: {counts['sites']} sites, {counts['declarations']} declarations, "
               f"{counts['flows']} flows judged, {counts['findings']} findings.")


@main.command()
@click.argument("documents", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--proxy", metavar="URL", help="HTTP proxy for documents given as URLs.")
@click.option("--timeout", type=float, default=20, show_default=True, help="Seconds to wait for a URL.")
def policy(documents: tuple[str, ...], fmt: str, proxy: str | None, timeout: float) -> None:
    """Analyse policy documents on their own: .txt, .html, .pdf or .docx files, or URLs.

    Prints what each declares and denies, with the sentence that says so, and facts about the operator."""
    from kzprivacy.analysis.policy_file import analyze_documents

    results = analyze_documents(list(documents), proxy=proxy, timeout=timeout)
    if fmt == "json":
        click.echo(json.dumps(results if len(results) > 1 else results[0], ensure_ascii=False, indent=2))
        return
    for result in results:
        kind = (result.get("facts") or {}).get("document_type")
        click.echo(f"== {result['document']}  ({result.get('format')}, {result.get('language')}"
                   f"{', ' + kind if kind else ''})")
        if result.get("error"):
            click.echo(f"   error: {result['error']}")
            continue
        for d in result["declarations"]:
            vendors = f"  [{', '.join(d['vendors'])}]" if d["vendors"] else ""
            evidence = " ".join(d["evidence"].split())[:110]
            click.echo(f"   {d['status']:9s} {d['category']:22s} {evidence}{vendors}")
        facts = result["facts"]
        click.echo(f"   operator: {', '.join(facts['operator_names']) or '—'};  BIN: "
                   f"{', '.join(f'{n} ({chr(10003) if ok else chr(10007)})' for n, ok in facts['bins']) or '—'}")
        click.echo(f"   contacts: {', '.join(facts['emails'] + facts['phones']) or '—'};  law: {', '.join(facts['laws']) or '—'}")
        for code, evidence in facts["warnings"]:
            click.echo(f"   warning {code}: {' '.join(evidence.split())[:110]}")


@main.command(name="settings")
@click.option("--json", "as_json", is_flag=True, help="The table as JSON (name, default, type, help...).")
def settings_command(as_json: bool) -> None:
    """Every kzprivacy setting (-s NAME=VALUE) with its default and what it does, the Scrapy settings
    kzprivacy changes, and the environment variables it reads (docs/settings.md)."""
    from kzprivacy.crawler.settings_table import ENVIRONMENT, SETTINGS, render_text

    if as_json:
        click.echo(json.dumps({"settings": [row.as_dict() for row in SETTINGS],
                               "environment": [{"name": n, "help": h} for n, h in ENVIRONMENT]},
                              ensure_ascii=False, indent=2))
    else:
        click.echo(render_text(), nl=False)


from kzprivacy.cli.analysis import diff, evidence, export, report, serve  # noqa: E402  (registered after main)
from kzprivacy.cli.trackers import trackers  # noqa: E402

for _command in (trackers, export, report, diff, evidence, serve):
    main.add_command(_command)

# One crawl on many machines (Redis queue, PostgreSQL results), and the weekly routine: docs/operations.md.
from kzprivacy.app.prune import prune_command  # noqa: E402
from kzprivacy.app.scale.commands import enqueue, status, worker  # noqa: E402
from kzprivacy.app.weekly import weekly  # noqa: E402

for _command in (enqueue, worker, status, weekly, prune_command):
    main.add_command(_command)

if __name__ == "__main__":
    main()
