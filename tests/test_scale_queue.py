"""The shared queue's rules, against a real Redis: a site is held by one worker at a time, a dead
worker's sites come back when their leases expire, only the holder can finish a site."""

from __future__ import annotations

import time

import pytest

from kzprivacy.app.scale.queue import SiteQueue, new_worker_id, valid_crawl_id
from scale_fixtures import redis_url  # noqa: F401  (fixture)


def _queue(url: str, lease: float = 30) -> SiteQueue:
    queue = SiteQueue(url, "c1", lease_seconds=lease)
    queue.register({"mode": "http", "settings": {"max_pages": 5}})
    queue.push([("a.kz", "https://A.kz/"), ("b.kz", "b.kz"), ("c.kz", "c.kz")])
    queue.mark_ready()
    return queue


def test_each_site_goes_to_one_worker_only(redis_url):  # noqa: F811
    queue = _queue(redis_url)
    first, second = queue.lease("w1", 2), queue.lease("w2", 5)
    assert [s for s, _ in first] == ["a.kz", "b.kz"] and [s for s, _ in second] == ["c.kz"]
    assert queue.lease("w3", 5) == []
    assert queue.held() == {"a.kz": "w1", "b.kz": "w1", "c.kz": "w2"}
    assert queue.entry("a.kz") == "https://A.kz/" and queue.meta()["settings"] == {"max_pages": 5}
    assert not queue.is_empty()


def test_pushing_again_queues_nothing_twice(redis_url):  # noqa: F811
    queue = _queue(redis_url)
    queue.lease("w1", 1)
    assert queue.complete("w1", "a.kz")
    assert queue.push([("a.kz", "a.kz"), ("b.kz", "b.kz"), ("d.kz", "d.kz")]) == 1  # only d.kz is new
    assert queue.counts() == {"pending": 3, "processing": 0, "done": 1}


def test_only_the_holder_finishes_a_site_and_a_retry_is_harmless(redis_url):  # noqa: F811
    queue = _queue(redis_url)
    queue.lease("w1", 1)
    assert not queue.complete("w2", "a.kz")
    assert queue.complete("w1", "a.kz") and queue.complete("w1", "a.kz")  # a retried call after a lost reply
    assert queue.done() == {"a.kz": "w1"}


def test_an_expired_lease_puts_the_site_back_and_its_holder_learns_it_lost_it(redis_url):  # noqa: F811
    queue = _queue(redis_url, lease=0.3)
    queue.lease("dead", 1)
    held = queue.lease("alive", 1)
    for _ in range(4):  # "alive" keeps renewing; "dead" does not
        time.sleep(0.15)
        assert queue.renew("alive", [s for s, _ in held]) == []
    assert queue.requeue_expired() == [("a.kz", "dead")]
    assert queue.renew("dead", ["a.kz"]) == ["a.kz"]
    again = queue.lease("alive", 1)
    assert again == [("a.kz", 2)]  # the second attempt: the new holder starts it clean
    assert not queue.complete("dead", "a.kz") and queue.complete("alive", "a.kz")
    assert queue.attempts()["a.kz"] == 2


def test_a_worker_stopping_gives_its_sites_back_at_the_front(redis_url):  # noqa: F811
    queue = _queue(redis_url)
    queue.lease("w1", 2)
    assert queue.release("w1", ["a.kz", "b.kz", "c.kz"]) == 2  # c.kz was never w1's
    assert [s for s, _ in queue.lease("w2", 1)] == ["b.kz"]


def test_the_queue_is_empty_only_when_nothing_waits_nothing_is_held_and_enqueuing_ended(redis_url):  # noqa: F811
    queue = SiteQueue(redis_url, "c2")
    queue.register({"mode": "http"})
    assert not queue.is_empty()  # enqueuing: workers must not stop yet
    queue.push([("a.kz", "a.kz")])
    queue.mark_ready()
    (site, _), = queue.lease("w1", 1)
    assert not queue.is_empty()
    queue.complete("w1", site)
    assert queue.is_empty() and SiteQueue.latest_crawl(queue.redis) == "c2"


def test_names():
    assert valid_crawl_id("20260101-000000") and valid_crawl_id("weekly.2026-01")
    assert not valid_crawl_id("a{b}") and not valid_crawl_id("a b") and not valid_crawl_id("")
    with pytest.raises(ValueError, match="crawl id 'bad id'"):
        SiteQueue("redis://127.0.0.1:1/0", "bad id")
    assert new_worker_id() != new_worker_id()
