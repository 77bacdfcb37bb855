"""The scheduler's priority queue (SCHEDULER_PRIORITY_QUEUE).

Scrapy's ScrapyPriorityQueue closes a priority's queue the moment it runs empty and opens a new
one on the next request of that priority. With JOBDIR each is a folder of files on disk, and in a
broad crawl the scheduler hands requests to the downloader as fast as they come, so it runs empty
all the time: a folder made and removed, and files opened and deleted, for nearly every request,
in the reactor's thread (8 % of a zone scan's CPU, and stalls on a busy disk). This one keeps an
emptied queue open until the crawl closes; what it pops, and in which order, is unchanged.
"""

from __future__ import annotations

from scrapy.http import Request
from scrapy.pqueues import ScrapyPriorityQueue

__all__ = ["KeepOpenPriorityQueue"]


class KeepOpenPriorityQueue(ScrapyPriorityQueue):
    def pop(self) -> Request | None:
        while self.curprio is not None:
            for queues in (self.queues, self._start_queues):  # as Scrapy: the other requests first
                queue = queues.get(self.curprio)
                if queue:
                    request = queue.pop()
                    if not queue:
                        self._update_curprio()
                    return request
            self._update_curprio()
        return None
