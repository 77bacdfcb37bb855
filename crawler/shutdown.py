"""Ctrl-C and SIGTERM obeyed within KZPRIVACY_SHUTDOWN_GRACE seconds, at any moment.

Scrapy's own handler stops gracefully: it waits for every request in flight, which on a hanging site
is the whole download timeout (20 s by default), and a second signal stops the reactor at once. Here
the first signal starts that graceful stop and gives it the grace period (1.5 s by default); what is
still in flight then is dropped and the reactor stopped, as a second signal would.

Nothing written is lost either way: every page is its own database transaction and every WARC record
is flushed as written. A stop within the grace period saves Scrapy's job folder (queue and spider
state), and `--resume` continues from the queue; after a hurried stop the job folder has no spider
state, and `--resume` crawls the unfinished sites again from their home pages, keeping the finished
ones (kzprivacy.cli.Scan.prepare).
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
from typing import Any

log = logging.getLogger(__name__)

__all__ = ["PromptShutdown"]


class PromptShutdown:
    def __init__(self, process: Any, grace: float):
        self.process = process
        self.grace = grace
        self.interrupted = False
        self.hurried = False

    def install(self) -> None:
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self._handler)

    def _handler(self, signum: int, frame: Any) -> None:
        from twisted.internet import reactor

        reactor.callFromThread(self._on_signal, signum)

    def _on_signal(self, signum: int) -> None:
        from twisted.internet import reactor

        name = signal.Signals(signum).name
        if self.interrupted:
            log.info("Received %s again: stopping now", name)
            self._hurry()
            return
        self.interrupted = True
        log.info("Received %s: stopping (at most %.1f s); everything written so far is kept", name, self.grace)
        self.process.stop()
        reactor.callLater(self.grace, self._hurry)

    def _hurry(self) -> None:
        from twisted.internet import reactor

        if reactor.running and not self.hurried:
            self.hurried = True
            log.info("Requests still in flight are dropped; kzprivacy scan --resume crawls their sites again")
            for child in multiprocessing.active_children():  # our parse workers (crawler/parsepool.py)
                child.kill()
            reactor.stop()
