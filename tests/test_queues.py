"""crawler.queues.KeepOpenPriorityQueue pops what Scrapy's ScrapyPriorityQueue pops, in the same order,
and keeps an emptied on-disk queue open instead of removing and re-making its folder."""

from __future__ import annotations

from scrapy import Request
from scrapy.pqueues import ScrapyPriorityQueue
from scrapy.squeues import PickleFifoDiskQueue, FifoMemoryQueue
from scrapy.utils.test import get_crawler

from kzprivacy.crawler.queues import KeepOpenPriorityQueue


def _requests() -> list[Request]:
    out = []
    for i in range(30):
        meta = {"is_start_request": True} if i % 7 == 0 else {}
        out.append(Request(f"https://site{i % 5}-demo.kz/{i}", priority=[0, -1, 2, 1000, -1][i % 5], meta=meta))
    return out


def _drain(cls, key: str, disk: bool) -> list[str]:
    crawler = get_crawler(settings_dict={"SCHEDULER_START_DISK_QUEUE": "scrapy.squeues.PickleFifoDiskQueue"
                                         if disk else None,
                                         "SCHEDULER_START_MEMORY_QUEUE": "scrapy.squeues.FifoMemoryQueue"})
    queue_cls = PickleFifoDiskQueue if disk else FifoMemoryQueue
    start_cls = PickleFifoDiskQueue if disk else FifoMemoryQueue
    pq = cls(crawler, queue_cls, key, start_queue_cls=start_cls)
    popped = []
    reqs = _requests()
    # Interleave pushes and pops, so queues run empty and fill again, as in a crawl.
    for i, request in enumerate(reqs):
        pq.push(request)
        if i % 3 == 2:
            popped.append(pq.pop().url)
    while (request := pq.pop()) is not None:
        popped.append(request.url)
    pq.close()
    return popped


def test_same_order_as_scrapy(tmp_path):
    for disk in (False, True):
        expected = _drain(ScrapyPriorityQueue, str(tmp_path / f"a{disk}"), disk)
        got = _drain(KeepOpenPriorityQueue, str(tmp_path / f"b{disk}"), disk)
        assert got == expected and len(got) == 30


def test_an_emptied_queue_stays_open(tmp_path):
    crawler = get_crawler()
    pq = KeepOpenPriorityQueue(crawler, PickleFifoDiskQueue, str(tmp_path / "q"))
    pq.push(Request("https://a-demo.kz/"))
    folder = next((tmp_path / "q").iterdir())
    assert pq.pop().url == "https://a-demo.kz/" and pq.pop() is None
    assert folder.is_dir() and len(pq) == 0  # still there, ready for the next request
    pq.push(Request("https://b-demo.kz/"))
    assert pq.pop().url == "https://b-demo.kz/"
    assert pq.close() == [0]
