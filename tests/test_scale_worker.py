"""The worker's lease keeper: a worker counts as alive from its start, not one interval later."""

from __future__ import annotations

import time
from types import SimpleNamespace

from kzprivacy.crawler.worker import LeaseKeeper


class RecordingQueue:
    """Our own queue's two calls the keeper makes, recorded (the real one is tested on Redis)."""

    def __init__(self):
        self.beats, self.renewed = [], []

    def renew(self, worker, sites):
        self.renewed.append(list(sites))
        return []

    def beat(self, worker, info):
        self.beats.append((time.monotonic(), info))


def test_the_first_heartbeat_comes_at_once_then_every_interval():
    queue = RecordingQueue()
    spider = SimpleNamespace(queue=queue, worker_id="w1", active={"a.kz"}, lost=set(), sites_done=0,
                             last_tick=time.monotonic())
    keeper = LeaseKeeper(spider, interval=30, stall_seconds=600)
    started = time.monotonic()
    keeper.start()
    deadline = started + 5
    while not queue.beats and time.monotonic() < deadline:
        time.sleep(0.01)
    keeper.stop()
    keeper.join(timeout=5)
    assert queue.beats and queue.beats[0][0] - started < 5  # not after the 30-second interval
    assert queue.beats[0][1]["held"] == 1 and queue.renewed == [["a.kz"]]
    assert not keeper.is_alive()


def test_a_stalled_crawl_stops_renewing_so_its_leases_expire():
    queue = RecordingQueue()
    spider = SimpleNamespace(queue=queue, worker_id="w1", active={"a.kz"}, lost=set(), sites_done=0,
                             last_tick=time.monotonic() - 3600)
    keeper = LeaseKeeper(spider, interval=0.05, stall_seconds=600)
    keeper.start()
    time.sleep(0.3)
    keeper.stop()
    keeper.join(timeout=5)
    assert queue.renewed == [] and queue.beats == []
