"""The parse pool: every page is read in a worker process, under a time budget, so no page can stall
the crawl.

Why processes, not threads: parsing is CPU-bound Python and lxml; in a thread it would still hold the
GIL against the reactor (downloads of other sites would time out behind it, and Ctrl-C would wait), it
could not be stopped when it runs past its budget, and it would not use the machine's second core. A
worker process can be killed and replaced: a page whose parsing or conversion passes
KZPRIVACY_PARSE_TIMEOUT is abandoned, its worker killed and a new one started, and the page recorded
with status `parse_timeout`; the reactor only ever waits on a pipe. Each worker also runs under an
address-space limit (KZPRIVACY_PARSE_MEMORY_MB), so a decompression bomb that slips past the caps
ends as a MemoryError (status `too_large`) in the worker, not as a swapping machine.

With KZPRIVACY_PARSE_WORKERS = 0 pages are read in the crawling process itself, with no budget.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import logging
import multiprocessing
import os
import signal
import time
from collections import deque
from multiprocessing.connection import Connection
from multiprocessing.context import SpawnContext
from typing import TYPE_CHECKING, Any

from kzprivacy.extract.page import PageExtract, PageTask, extract_page

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings as Settings

__all__ = ["ParsePool", "ParseFailure"]

log = logging.getLogger(__name__)


class ParseFailure(Exception):
    """A page that could not be read: `status` is parse_timeout, too_large or parse_error."""

    def __init__(self, status: str, message: str):
        super().__init__(message)
        self.status = status


def _worker_main(conn: Connection, memory_mb: int) -> None:
    """A worker: read tasks from the pipe, answer each with ("ok", PageExtract) or (status, message)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C goes to the whole group: the crawler decides
    # So does systemd's SIGTERM: dying at once would turn the pages in flight into parse errors and finish
    # their sites, where the crawler's graceful stop (1.5 s) would have given them back. The worker outlives
    # it by 2 s (SIGALRM's default action ends it), so a parent that exits without closing the pool still
    # has its workers gone within its 2 s.
    signal.signal(signal.SIGTERM, lambda signum, frame: signal.alarm(2))
    os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
    if memory_mb:
        import resource

        limit = memory_mb * 1024 * 1024
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    # Import everything before saying ready, so a task's budget is never spent on imports.
    extract_page(PageTask(url="https://warm-up.kz/", html="<html><body><a href='/x'>x</a><form></form></body></html>",
                          in_page=True))
    conn.send(("ready", None))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        try:
            result: tuple[str, Any] = ("ok", extract_page(task))
        except MemoryError:
            result = ("too_large", "the page needs more memory than a parse worker may use")
        except RecursionError:
            result = ("parse_error", "nested too deeply to read")
        except Exception as exc:  # a hostile page must not kill the worker
            result = ("parse_error", f"{type(exc).__name__}: {exc}"[:500])
        try:
            conn.send(result)
        except MemoryError:
            conn.send(("too_large", "the result is too large to return"))


class _Worker:
    def __init__(self, context: SpawnContext, memory_mb: int) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, memory_mb), daemon=True,
                                       name="kzprivacy-parse")
        self.process.start()
        child.close()

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
        with contextlib.suppress(Exception):
            self.conn.close()
        with contextlib.suppress(Exception):
            self.process.join(1)


# Pages wait for a worker in the order of when they would be done, not of when they came: a page's
# place is its arrival time plus its size read at this many bytes a second. A 9 MB page then waits
# behind the small pages that came up to ~4.5 s after it, never more, and the home page of a normal
# site is not read after every megabyte page of the hostile ones (FIFO made each site wait for all).
QUEUE_BYTES_PER_SECOND = 2_000_000


class ParsePool:
    def __init__(self, workers: int, budget: float, memory_mb: int):
        self.size = workers
        self.budget = budget
        self.memory_mb = memory_mb
        self._context = multiprocessing.get_context("spawn")
        self._idle: deque[_Worker] = deque()
        self._waiters: list[tuple[float, int, asyncio.Future]] = []  # a heap: (place, arrival, waiter)
        self._arrivals = itertools.count()
        self._all: set[_Worker] = set()
        self._closed = False

    @classmethod
    def from_settings(cls, settings: Settings) -> ParsePool:
        return cls(settings.getint("KZPRIVACY_PARSE_WORKERS"), settings.getfloat("KZPRIVACY_PARSE_TIMEOUT"),
                   settings.getint("KZPRIVACY_PARSE_MEMORY_MB"))

    # -- workers ---------------------------------------------------------------------------------

    def _spawn(self) -> None:
        """Start a worker; it joins the idle ones once it says it is ready."""
        if self._closed:
            return
        worker = _Worker(self._context, self.memory_mb)
        self._all.add(worker)
        loop = asyncio.get_running_loop()
        fd = worker.conn.fileno()

        def ready() -> None:
            loop.remove_reader(fd)
            try:
                worker.conn.recv()
            except (EOFError, OSError):
                self._drop(worker)
                loop.call_later(1.0, self._spawn)  # it died starting: try again, slowly
                return
            self._release(worker)

        loop.add_reader(fd, ready)

    def _release(self, worker: _Worker) -> None:
        while self._waiters:
            _, _, waiter = heapq.heappop(self._waiters)
            if not waiter.done():
                waiter.set_result(worker)
                return
        self._idle.append(worker)

    def _drop(self, worker: _Worker) -> None:
        self._all.discard(worker)
        worker.kill()

    async def _acquire(self, size: int = 0) -> _Worker:
        if not self._all and not self._closed:
            for _ in range(self.size):
                self._spawn()
        if self._idle:
            return self._idle.popleft()
        loop = asyncio.get_running_loop()
        waiter = loop.create_future()
        heapq.heappush(self._waiters, (loop.time() + size / QUEUE_BYTES_PER_SECOND, next(self._arrivals), waiter))
        try:
            return await waiter
        except asyncio.CancelledError:  # the site's deadline passed while waiting (run): a worker given meanwhile
            if waiter.done() and not waiter.cancelled() and waiter.exception() is None:  # goes to the next page
                self._release(waiter.result())
            raise

    # -- the one operation -----------------------------------------------------------------------

    async def run(self, task: PageTask, deadline: float | None = None) -> PageExtract:
        """The page's extract, read in a worker within the budget; ParseFailure otherwise.

        `deadline` (a time.monotonic() value: the end of the page's site's time budget, crawler.middlewares.
        SiteBudget) bounds the wait for a worker and the reading both; past it the page is abandoned as
        site_timeout."""
        if self.size <= 0:
            return extract_page(task)
        if self._closed:
            raise ParseFailure("parse_error", "the crawl is stopping")
        budget, site_cut = self.budget, False
        size = len(task.html or "") + len(task.body or b"")
        if deadline is None:
            worker = await self._acquire(size)
        else:
            try:
                if deadline <= time.monotonic():
                    raise asyncio.TimeoutError
                worker = await asyncio.wait_for(self._acquire(size), deadline - time.monotonic())
                if deadline <= time.monotonic():
                    self._release(worker)
                    raise asyncio.TimeoutError
            except asyncio.TimeoutError:
                raise ParseFailure("site_timeout", "not read: the site's time budget ran out") from None
            if deadline - time.monotonic() < budget:
                budget, site_cut = deadline - time.monotonic(), True
        loop = asyncio.get_running_loop()
        fd = worker.conn.fileno()
        answer = loop.create_future()

        def readable() -> None:
            loop.remove_reader(fd)
            if answer.done():
                return
            try:
                answer.set_result(worker.conn.recv())
            except BaseException as exc:  # EOFError: the worker died (killed by the kernel, a crash)
                answer.set_exception(exc)

        try:
            worker.conn.send(task)
            loop.add_reader(fd, readable)
            status, value = await asyncio.wait_for(answer, budget)
        except asyncio.TimeoutError:
            with contextlib.suppress(Exception):
                loop.remove_reader(fd)
            self._replace(worker)
            if site_cut:
                raise ParseFailure("site_timeout", "reading abandoned: the site's time budget ran out") from None
            raise ParseFailure("parse_timeout",
                               f"reading the page took longer than {self.budget:g} s; abandoned") from None
        except (EOFError, OSError) as exc:
            with contextlib.suppress(Exception):
                loop.remove_reader(fd)
            self._replace(worker)
            raise ParseFailure("parse_error", f"the parse worker died: {type(exc).__name__}") from exc
        except BaseException:  # cancelled (the crawl is stopping): the worker's state is unknown
            with contextlib.suppress(Exception):
                loop.remove_reader(fd)
            self._replace(worker)
            raise
        self._release(worker)
        if status != "ok":
            raise ParseFailure(status, value)
        return value

    def _replace(self, worker: _Worker) -> None:
        self._drop(worker)
        self._spawn()

    def close(self, *args: Any, **kwargs: Any) -> None:
        """Kill every worker and fail every waiter at once (the crawl is stopping)."""
        self._closed = True
        for _, _, waiter in self._waiters:
            if not waiter.done():
                waiter.set_exception(ParseFailure("parse_error", "the crawl is stopping"))
        self._waiters.clear()
        loop = None
        with contextlib.suppress(RuntimeError):
            loop = asyncio.get_running_loop()
        for worker in list(self._all):
            if loop is not None:
                with contextlib.suppress(Exception):
                    loop.remove_reader(worker.conn.fileno())
            self._drop(worker)
        self._idle.clear()
