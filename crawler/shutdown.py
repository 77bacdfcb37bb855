"""Ctrl-C and SIGTERM obeyed within KZPRIVACY_SHUTDOWN_DEADLINE seconds (2 s), at any moment.

Scrapy's own handler stops gracefully: it waits for every request in flight, which on a hanging site
is the whole download timeout (20 s by default), and a second signal stops the reactor at once. Here
the first signal starts that graceful stop and gives it the grace period (KZPRIVACY_SHUTDOWN_GRACE,
1.5 s by default); what is still in flight then is dropped and the reactor stopped, as a second signal
would.

Both steps are timed by a thread of their own, not by the reactor: a reactor busy with one long
callback (a page's rows, a large WARC record) would otherwise push the stop back by as long. And if
the process has still not exited at the deadline (the reactor stuck in a callback, a database that
does not answer while the pipeline closes), that thread ends it: it waits for the WARC record being
written (`writing`, held by crawler.middlewares.WarcWriter), runs the owner's `on_forced_exit` (the
CLI marks the crawl interrupted and drops the job folder's spider state) and exits with status 130.

Nothing written is lost either way: pages and finished sites are written in batches, each its own
database transaction (one cut short is rolled back), a site counts as finished only once its row is
written, and every WARC record is flushed as written. A graceful stop writes what is buffered (the
pipeline's close); what a forced stop leaves unwritten belongs to sites still pending, which `--resume`
crawls again. A stop within the grace period saves Scrapy's job folder (queue and spider state), and
`--resume` continues from the queue; after a hurried or forced stop the job folder has no spider state,
and `--resume` crawls the unfinished sites again from their home pages, keeping the finished ones
(kzprivacy.cli.Scan.prepare).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, NoReturn

log = logging.getLogger(__name__)

__all__ = ["PromptShutdown", "ChildrenShutdown", "writing", "EXIT_INTERRUPTED", "exit_interrupted"]

EXIT_INTERRUPTED = 130  # 128 + SIGINT, what shells report for a stopped job
# Held while a WARC record is written: a forced exit waits for it (briefly), so no record is cut in two.
writing = threading.RLock()
# Signals this close together are one stop (a terminal's Ctrl-C reaches every process of the group, and
# `kzprivacy scan --processes N` passes the signal it got on to its crawl processes as well).
SAME_STOP = 0.5


def exit_interrupted(on_exit: Callable[[], None] | None = None) -> NoReturn:
    """End the process now with status 130, logs and output flushed: tearing down the interpreter (a
    crawl's worth of objects) would take seconds more than the 2 s a stop may take. `on_exit` (marking
    the crawl interrupted, say) gets 0.2 s: a database that does not answer must not hold the exit."""
    if on_exit is not None:
        done = threading.Thread(target=PromptShutdown._quietly, args=(on_exit,), daemon=True)
        done.start()
        done.join(0.2)
    with contextlib.suppress(Exception):
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(EXIT_INTERRUPTED)


class PromptShutdown:
    """Install with `.install()` before `process.start(install_signal_handlers=False)`."""

    def __init__(self, process: Any, grace: float, deadline: float = 1.8,
                 on_forced_exit: Callable[[], None] | None = None, on_hurry: Callable[[], None] | None = None):
        self.process = process
        self.grace = grace
        self.deadline = max(deadline, grace + 0.3)  # a generous grace (tests) keeps its time to finish
        self.on_forced_exit = on_forced_exit
        self.on_hurry = on_hurry
        self.interrupted = False
        self.hurried = False
        self._signalled_at: float | None = None
        self._again = threading.Event()

    @classmethod
    def from_settings(cls, process: Any, settings: Any, **kwargs: Any) -> PromptShutdown:
        return cls(process, settings.getfloat("KZPRIVACY_SHUTDOWN_GRACE"),
                   settings.getfloat("KZPRIVACY_SHUTDOWN_DEADLINE"), **kwargs)

    def install(self) -> None:
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self._handler)

    # -- in the main thread, at the signal ---------------------------------------------------------

    def _handler(self, signum: int, frame: Any) -> None:
        from twisted.internet import reactor

        if self._signalled_at is None:
            self._signalled_at = time.monotonic()
            threading.Thread(target=self._watchdog, name="kzprivacy-shutdown", daemon=True).start()
        elif time.monotonic() - self._signalled_at < SAME_STOP:
            return  # Ctrl-C reached the whole group and a parent passed it on too: one stop, not two
        else:
            self._again.set()  # a second signal: drop what is in flight now
        reactor.callFromThread(self._on_signal, signum)

    # -- on the reactor ------------------------------------------------------------------------------

    def _on_signal(self, signum: int) -> None:
        name = signal.Signals(signum).name
        if self.interrupted:
            log.info("Received %s again: stopping now", name)
            self._hurry()
            return
        self.interrupted = True
        log.info("Received %s: stopping (at most %.1f s); everything written so far is kept", name, self.grace)
        self.process.stop()

    def _hurry(self) -> None:
        from twisted.internet import reactor

        if reactor.running and not self.hurried:
            self.hurried = True
            log.info("Requests still in flight are dropped; kzprivacy scan --resume crawls their sites again")
            self._kill_children()
            if self.on_hurry is not None:
                try:
                    self.on_hurry()
                except Exception:  # a stop must not fail on what it tried to tidy
                    log.exception("tidying up before the stop failed")
            # Twisted's reactor is typed through zope interfaces, which mypy reads without their `self`.
            reactor.stop()  # type: ignore[misc]

    # -- in the watchdog thread ------------------------------------------------------------------------

    def _watchdog(self) -> None:
        from twisted.internet import reactor

        start = self._signalled_at or time.monotonic()
        self._again.wait(max(0.0, start + self.grace - time.monotonic()))
        with contextlib.suppress(Exception):
            reactor.callFromThread(self._hurry)  # wakes the reactor; runs once its current callback returns
        time.sleep(max(0.0, start + self.deadline - time.monotonic()))
        self._force_exit()

    def _force_exit(self) -> None:
        """The process is still here at the deadline: end it, keeping what is written."""
        took = time.monotonic() - (self._signalled_at or time.monotonic())
        got = writing.acquire(timeout=0.15)  # never cut a WARC record in two; never released: no more writing
        self._kill_children()
        with contextlib.suppress(Exception):
            log.warning("Stopped %.1f s after the signal, with work still running (%s): kzprivacy scan --resume "
                        "crawls the unfinished sites again", took, "WARC writer idle" if got else
                        "a WARC record may be incomplete")
        exit_interrupted(self.on_forced_exit)

    @staticmethod
    def _quietly(func: Callable[[], None]) -> None:
        with contextlib.suppress(Exception):
            func()

    @staticmethod
    def _kill_children() -> None:
        for child in multiprocessing.active_children():  # our parse workers (crawler/parsepool.py)
            with contextlib.suppress(Exception):
                child.kill()


class ChildrenShutdown:
    """The same promise for a process that runs crawl processes (`kzprivacy scan --processes N`): the first
    Ctrl-C or SIGTERM is passed on to every child still running (each stops with its own PromptShutdown);
    children still running at `deadline - 0.25` s are killed, and if this process itself is still there at
    the deadline it runs `on_forced_exit` and exits with status 130. `restore()` puts the previous handlers back."""

    def __init__(self, children: list[Any], deadline: float, on_forced_exit: Callable[[], None] | None = None):
        self.children = children
        self.deadline = deadline
        self.on_forced_exit = on_forced_exit
        self.interrupted = False
        self._previous: dict[int, Any] = {}

    def install(self) -> None:
        for signum in (signal.SIGINT, signal.SIGTERM):
            self._previous[signum] = signal.signal(signum, self._handler)

    def restore(self) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        self._previous.clear()

    def _handler(self, signum: int, frame: Any) -> None:
        if self.interrupted:
            return
        self.interrupted = True
        for child in self.children:
            if child.is_alive():
                with contextlib.suppress(OSError):
                    os.kill(child.pid, signal.SIGTERM)
        threading.Thread(target=self._watchdog, name="kzprivacy-shutdown", daemon=True).start()

    def _watchdog(self) -> None:
        start = time.monotonic()
        time.sleep(max(0.0, self.deadline - 0.25))  # the children stop 0.3 s before the deadline themselves
        for child in self.children:
            if child.is_alive():
                with contextlib.suppress(Exception):
                    child.kill()
        time.sleep(max(0.0, start + self.deadline - time.monotonic()))
        exit_interrupted(self.on_forced_exit)
