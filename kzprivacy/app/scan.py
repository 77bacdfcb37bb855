"""A scan: one crawl of a list of sites, from registering it to the analysis and outputs.

    scan = Scan(Workspace(Path("output")), new_crawl_id(), CrawlPlan(max_pages=10))
    reason = scan.run(*read_sites(["example.kz"]))

`kzprivacy scan`, `demo` and `weekly` are this object behind different options. A scan registers
the crawl and its sites in the database (kzprivacy.store), crawls what is still pending with the
Scrapy project (kzprivacy.crawler), in one process or split over several, marks the crawl finished
or interrupted, and then analyses it and writes the exports and the report (kzprivacy.app.outputs).
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import kzprivacy
from kzprivacy.store import site_rows
from kzprivacy.vocabulary.domains import SiteEntry

from .plan import CrawlPlan
from .workspace import Workspace

__all__ = ["Scan"]


class Scan:
    """One crawl: where it writes, with which plan, and how it resumes."""

    def __init__(self, workspace: Workspace, crawl_id: str, plan: CrawlPlan, *, resume: bool = False,
                 analyze: bool = True, outputs: bool = True, lang: str = "ru", processes: int = 1,
                 say: Callable[[str], None] | None = None, tell: Callable[[str], None] = print):
        self.workspace = workspace
        self.crawl_id = crawl_id
        self.plan = plan
        self.resume = resume
        self.analyze = analyze
        self.outputs = outputs
        self.lang = lang
        self.processes = max(1, processes)  # crawl processes sharing the site list (both cores at work)
        self.say = say or (lambda message: None)  # progress lines for a person watching
        self.tell = tell  # what must be said even then: how to resume a crawl stopped past its deadline
        self.output_paths: dict[str, Any] = {}
        self.progress: Any = None

    @property
    def db(self) -> str | Path:
        return self.workspace.db

    @property
    def crawl_dir(self) -> Path:
        return self.workspace.crawl_dir(self.crawl_id)

    def settings(self, extra: dict[str, Any] | None = None) -> Any:
        return self.plan.settings(db=self.db, crawl_id=self.crawl_id, crawl_dir=self.crawl_dir, extra=extra)

    def prepare(self, entries: list[SiteEntry], rejected: list[tuple[str, str]]) -> list[SiteEntry]:
        """Register the crawl and its sites; return the sites still to crawl."""
        self.crawl_dir.mkdir(parents=True, exist_ok=True)
        with self.workspace.store() as store:
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
            store.begin_crawl(self.crawl_id, mode=self.plan.mode, tool_version=kzprivacy.__version__,
                              settings=self.plan.record(), sites=site_rows(entries, rejected))
            pending = set(store.pending_sites(self.crawl_id))
        return [e for e in entries if e.site in pending]

    def run(self, entries: list[SiteEntry], rejected: list[tuple[str, str]], *, show_progress: bool = True) -> str:
        """Crawl; returns Scrapy's finish reason ('finished', or 'shutdown' when interrupted)."""
        todo = self.prepare(entries, rejected)
        reason = "finished"
        if todo and self.processes > 1 and len(todo) > 1:
            reason = self._run_processes(todo, show_progress)
        elif todo:
            reason = self._run_one(todo, show_progress)
        with self.workspace.store() as store:
            store.finish_crawl(self.crawl_id, "finished" if reason == "finished" else "interrupted")
        if reason == "finished" and self.analyze:
            from kzprivacy.analysis.run import analyze_crawl

            self.say("Comparing what the sites collect with what their policies declare...")
            analyze_crawl(self.db, self.crawl_id)
            if self.outputs:
                from .outputs import build_outputs

                self.say("Writing the exports and the report...")
                self.output_paths = build_outputs(self.db, self.crawl_id, self.workspace.out, lang=self.lang)
        return reason

    def _run_one(self, todo: list[SiteEntry], show_progress: bool) -> str:
        from scrapy.crawler import CrawlerProcess

        from kzprivacy.crawler.shutdown import PromptShutdown
        from kzprivacy.crawler.spiders.site import SiteSpider

        from .progress import ScanProgress

        settings = self.settings()
        process = CrawlerProcess(settings)
        crawler = process.create_crawler(SiteSpider)
        # Scrapy's signals hold handlers weakly: the display must live as long as the crawl.
        self.progress = ScanProgress(len(todo)) if show_progress else None
        if self.progress:
            self.progress.connect(crawler)
        process.crawl(crawler, domains=[e.input for e in todo], crawl_id=self.crawl_id, max_pages=self.plan.max_pages)
        shutdown = PromptShutdown.from_settings(process, settings, on_forced_exit=self._stopped)
        shutdown.install()
        process.start(install_signal_handlers=False)  # crawler/shutdown.py handles SIGINT and SIGTERM
        reason = (crawler.stats.get_value("finish_reason") if crawler.stats else None) or "finished"
        if shutdown.hurried:  # the queue was not saved whole: --resume restarts the unfinished sites
            (self.crawl_dir / "job" / "spider.state").unlink(missing_ok=True)
        shutdown.on_forced_exit = None  # the crawl's end is written by run()
        return "shutdown" if shutdown.interrupted else reason

    def _stopped(self) -> None:
        """A stop that ran past its deadline (crawler/shutdown.py): the crawl is interrupted, and its
        job folders hold no spider state, so --resume restarts the unfinished sites."""
        for job in [self.crawl_dir / "job", *self.crawl_dir.glob("job-*")]:
            (job / "spider.state").unlink(missing_ok=True)
        self.tell(f"Interrupted (shutdown). Resume with: kzprivacy scan --resume --out {self.workspace.out} "
                  f"--crawl-id {self.crawl_id}")
        with self.workspace.store() as store:
            store.finish_crawl(self.crawl_id, "interrupted")

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
                    with self.workspace.store() as store:
                        left = len(store.pending_sites(self.crawl_id))
                    progress.update(task, completed=len(todo) - min(left, len(todo)))
                    if not shutdown.interrupted:
                        time.sleep(1)
        finally:
            shutdown.restore()
            if progress is not None:
                progress.stop()
        return "finished" if all(w.exitcode == 0 for w in workers) and not shutdown.interrupted else "shutdown"

    def __getstate__(self) -> dict[str, Any]:
        # A scan is sent to its shard processes: the progress display and the say() callback stay home.
        state = dict(self.__dict__)
        state["progress"] = None
        state["say"] = state["tell"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.say = lambda message: None
        self.tell = print


def _crawl_shard(scan: Scan, index: int, inputs: list[str]) -> None:
    """One of `kzprivacy scan --processes N`'s crawl processes: its own queue folder and log."""
    from scrapy.crawler import CrawlerProcess

    from kzprivacy.crawler.shutdown import PromptShutdown
    from kzprivacy.crawler.spiders.site import SiteSpider

    settings = scan.settings()
    # A stop ends here 0.3 s before the parent's deadline, leaving the parent its time to write the crawl's end.
    settings = scan.settings({"JOBDIR": str(scan.crawl_dir / f"job-{index}"),
                              "LOG_FILE": str(scan.crawl_dir / f"crawl-{index}.log"),
                              "KZPRIVACY_SHUTDOWN_GRACE": max(0.0, settings.getfloat("KZPRIVACY_SHUTDOWN_GRACE") - 0.3),
                              "KZPRIVACY_SHUTDOWN_DEADLINE": settings.getfloat("KZPRIVACY_SHUTDOWN_DEADLINE") - 0.3})
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(SiteSpider)
    process.crawl(crawler, domains=inputs, crawl_id=scan.crawl_id, max_pages=scan.plan.max_pages)
    shutdown = PromptShutdown.from_settings(process, settings)  # the parent marks the crawl interrupted
    shutdown.install()
    process.start(install_signal_handlers=False)  # crawler/shutdown.py handles SIGINT and SIGTERM
    reason = (crawler.stats.get_value("finish_reason") if crawler.stats else None) or "finished"
    sys.exit(0 if reason == "finished" and not shutdown.interrupted else 3)
