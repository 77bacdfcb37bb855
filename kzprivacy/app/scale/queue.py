"""The shared queue of a distributed crawl: sites in Redis, each held by one worker at a time under a lease.

Redis keys of crawl C (the {C} hash tag keeps them in one Redis Cluster slot, so the scripts
below may touch them together):

    kzprivacy:{C}:meta        hash: mode, settings (JSON), lease seconds, state (enqueuing | ready), ...
    kzprivacy:{C}:entries     hash: site -> the entry as the user gave it (the worker parses it again)
    kzprivacy:{C}:pending     list: sites waiting, taken from the left
    kzprivacy:{C}:processing  hash: site -> worker holding it
    kzprivacy:{C}:lease:SITE  string with a time to live: the holder renews it while it crawls SITE
    kzprivacy:{C}:done        hash: site -> worker that finished it
    kzprivacy:{C}:attempts    hash: site -> times leased (above 1: a worker lost it; start it clean)
    kzprivacy:{C}:workers     hash: worker -> JSON heartbeat (host, pid, sites held, pages, seen at)
    kzprivacy:crawls          sorted set: crawl ids by the time they were enqueued

Why leases of whole sites rather than a shared queue of requests (scrapy-redis): a site's pages
must be fetched by one worker, so that its politeness limits (two requests at a time, delays)
hold across the fleet, and so that one worker sees all of a site's pages and can say when the
site is done (its SiteItem). Each step is one Lua script, so no two workers ever hold a site:
taking a site moves it from `pending` to `processing` and sets its lease at once; a worker that
dies stops renewing, its lease key expires, and any worker's periodic `requeue_expired` puts the
site back at the front of `pending`; finishing needs the lease to still be the caller's.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import time
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["SiteQueue", "new_worker_id", "valid_crawl_id", "CRAWLS_KEY", "DEFAULT_LEASE_SECONDS"]

CRAWLS_KEY = "kzprivacy:crawls"
DEFAULT_LEASE_SECONDS = 120.0
_CRAWL_ID = re.compile(r"^[\w.:-]{1,100}$")

# KEYS: pending, processing, done, attempts. ARGV: worker, how many, lease ms, lease key prefix.
_LEASE = """
local out = {}
local want = tonumber(ARGV[2])
while #out < 2 * want do
  local site = redis.call('LPOP', KEYS[1])
  if not site then break end
  if redis.call('HEXISTS', KEYS[3], site) == 0 and redis.call('HEXISTS', KEYS[2], site) == 0 then
    redis.call('HSET', KEYS[2], site, ARGV[1])
    redis.call('SET', ARGV[4] .. site, ARGV[1], 'PX', ARGV[3])
    local attempt = redis.call('HINCRBY', KEYS[4], site, 1)
    table.insert(out, site)
    table.insert(out, attempt)
  end
end
return out
"""

# KEYS: processing. ARGV: worker, lease ms, lease key prefix, sites... Returns the sites no longer ours.
_RENEW = """
local lost = {}
for i = 4, #ARGV do
  if redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[1] then
    redis.call('SET', ARGV[3] .. ARGV[i], ARGV[1], 'PX', ARGV[2])
  else
    table.insert(lost, ARGV[i])
  end
end
return lost
"""

# KEYS: processing, done. ARGV: worker, site, lease key prefix. 1 when done by us (again, on a retry).
_COMPLETE = """
if redis.call('HGET', KEYS[2], ARGV[2]) == ARGV[1] then return 1 end
if redis.call('HGET', KEYS[1], ARGV[2]) ~= ARGV[1] then return 0 end
redis.call('HDEL', KEYS[1], ARGV[2])
redis.call('DEL', ARGV[3] .. ARGV[2])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
return 1
"""

# KEYS: processing, pending. ARGV: worker, lease key prefix, sites... Gives them back, at the front.
_RELEASE = """
local n = 0
for i = 3, #ARGV do
  if redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[1] then
    redis.call('HDEL', KEYS[1], ARGV[i])
    redis.call('DEL', ARGV[2] .. ARGV[i])
    redis.call('LPUSH', KEYS[2], ARGV[i])
    n = n + 1
  end
end
return n
"""

# KEYS: processing, pending. ARGV: lease key prefix. Sites whose lease expired go back to the front.
_REQUEUE = """
local back = {}
local held = redis.call('HGETALL', KEYS[1])
for i = 1, #held, 2 do
  if redis.call('EXISTS', ARGV[1] .. held[i]) == 0 then
    redis.call('HDEL', KEYS[1], held[i])
    redis.call('LPUSH', KEYS[2], held[i])
    table.insert(back, held[i])
    table.insert(back, held[i + 1])
  end
end
return back
"""


def new_worker_id() -> str:
    """host-pid-random: unique across machines, containers (same pid) and restarts."""
    host = re.sub(r"[^\w.-]", "-", socket.gethostname())[:40] or "host"
    return f"{host}-{os.getpid()}-{secrets.token_hex(3)}"


def valid_crawl_id(crawl_id: str) -> bool:
    """Crawl ids name Redis keys and folders: letters, digits, _ . : - only."""
    return bool(_CRAWL_ID.match(crawl_id))


def connect_redis(url: str):
    """A Redis client that retries a dropped connection for about a minute before giving up."""
    import redis
    from redis.backoff import ExponentialBackoff
    from redis.retry import Retry

    return redis.Redis.from_url(url, decode_responses=True, socket_timeout=30, socket_connect_timeout=10,
                                health_check_interval=30,
                                retry=Retry(ExponentialBackoff(cap=10, base=0.2), 12),
                                retry_on_error=[redis.ConnectionError, redis.TimeoutError])


class SiteQueue:
    """The sites of one crawl in Redis, leased to workers (see the module's doc for the keys)."""

    def __init__(self, redis_url_or_client: Any, crawl_id: str, *, lease_seconds: float | None = None):
        if not valid_crawl_id(crawl_id):
            raise ValueError(f"crawl id {crawl_id!r}: use letters, digits, _ . : - only")
        self.redis = (connect_redis(redis_url_or_client) if isinstance(redis_url_or_client, str)
                      else redis_url_or_client)
        self.crawl_id = crawl_id
        self.prefix = f"kzprivacy:{{{crawl_id}}}:"
        self._lease_seconds = lease_seconds
        self._scripts = {name: self.redis.register_script(src) for name, src in
                         (("lease", _LEASE), ("renew", _RENEW), ("complete", _COMPLETE), ("release", _RELEASE),
                          ("requeue", _REQUEUE))}

    def key(self, name: str) -> str:
        return self.prefix + name

    @property
    def lease_prefix(self) -> str:
        return self.key("lease:")

    @property
    def lease_seconds(self) -> float:
        if self._lease_seconds is None:
            value = self.redis.hget(self.key("meta"), "lease_seconds")
            self._lease_seconds = float(value) if value else DEFAULT_LEASE_SECONDS
        return self._lease_seconds

    # -- the crawl -------------------------------------------------------------------------------

    def register(self, meta: Mapping[str, Any]) -> None:
        """Record the crawl (its settings for every worker) and mark it as being enqueued."""
        values = {k: (json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else str(v))
                  for k, v in meta.items() if v is not None}
        values.setdefault("lease_seconds", str(self._lease_seconds or DEFAULT_LEASE_SECONDS))
        pipe = self.redis.pipeline()
        pipe.hset(self.key("meta"), mapping={**values, "state": "enqueuing"})
        pipe.zadd(CRAWLS_KEY, {self.crawl_id: time.time()}, nx=True)
        pipe.execute()

    def mark_ready(self) -> None:
        self.redis.hset(self.key("meta"), mapping={"state": "ready", "enqueued_at": time.time()})

    def meta(self) -> dict[str, Any]:
        """The crawl's record ({} when it was never enqueued); settings decoded."""
        meta: dict[str, Any] = self.redis.hgetall(self.key("meta"))
        if "settings" in meta:
            meta["settings"] = json.loads(meta["settings"])
        return meta

    def push(self, entries: Iterable[tuple[str, str]]) -> int:
        """Queue (site, input) pairs not already waiting, held or done; returns how many were queued."""
        present = set(self.redis.lrange(self.key("pending"), 0, -1))
        present |= set(self.redis.hkeys(self.key("processing"))) | set(self.redis.hkeys(self.key("done")))
        fresh: dict[str, str] = {}
        for site, given in entries:
            if site not in present and site not in fresh:
                fresh[site] = given
        items = list(fresh.items())
        for start in range(0, len(items), 1000):
            chunk = dict(items[start:start + 1000])
            pipe = self.redis.pipeline()
            pipe.hset(self.key("entries"), mapping=chunk)
            pipe.rpush(self.key("pending"), *chunk)
            pipe.execute()
        return len(items)

    def entry(self, site: str) -> str:
        """What the user gave for the site (a domain or URL), to parse again."""
        return self.redis.hget(self.key("entries"), site) or site

    def entries(self, sites: list[str]) -> list[str]:
        """`entry` for many sites in one round trip."""
        if not sites:
            return []
        return [given or site for site, given in zip(sites, self.redis.hmget(self.key("entries"), sites), strict=True)]

    # -- a worker's side ----------------------------------------------------------------------------

    def lease(self, worker: str, count: int) -> list[tuple[str, int]]:
        """Take up to count sites: [(site, attempt)], attempt above 1 when an earlier holder lost it."""
        if count <= 0:
            return []
        out = self._scripts["lease"](keys=[self.key("pending"), self.key("processing"), self.key("done"),
                                           self.key("attempts")],
                                     args=[worker, count, int(self.lease_seconds * 1000), self.lease_prefix])
        return [(out[i], int(out[i + 1])) for i in range(0, len(out), 2)]

    def renew(self, worker: str, sites: Iterable[str]) -> list[str]:
        """Extend the leases of sites the worker holds; returns those it no longer holds."""
        sites = list(sites)
        if not sites:
            return []
        return list(self._scripts["renew"](keys=[self.key("processing")],
                                           args=[worker, int(self.lease_seconds * 1000), self.lease_prefix,
                                                 *sites]))

    def complete(self, worker: str, site: str) -> bool:
        """Mark a site done (after its rows are committed); False when the worker had lost it."""
        return bool(self._scripts["complete"](keys=[self.key("processing"), self.key("done")],
                                              args=[worker, site, self.lease_prefix]))

    def release(self, worker: str, sites: Iterable[str]) -> int:
        """Give unfinished sites back to the front of the queue (a worker stopping cleanly)."""
        sites = list(sites)
        if not sites:
            return 0
        return int(self._scripts["release"](keys=[self.key("processing"), self.key("pending")],
                                            args=[worker, self.lease_prefix, *sites]))

    def requeue_expired(self) -> list[tuple[str, str]]:
        """Put back sites whose holder stopped renewing: [(site, worker that lost it)]."""
        out = self._scripts["requeue"](keys=[self.key("processing"), self.key("pending")], args=[self.lease_prefix])
        return [(out[i], out[i + 1]) for i in range(0, len(out), 2)]

    def beat(self, worker: str, info: Mapping[str, Any]) -> None:
        self.redis.hset(self.key("workers"), worker, json.dumps({**info, "seen_at": time.time()}))

    def forget_worker(self, worker: str) -> None:
        self.redis.hdel(self.key("workers"), worker)

    # -- looking on ---------------------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        pipe = self.redis.pipeline()
        pipe.llen(self.key("pending"))
        pipe.hlen(self.key("processing"))
        pipe.hlen(self.key("done"))
        pending, processing, done = pipe.execute()
        return {"pending": pending, "processing": processing, "done": done}

    def is_empty(self) -> bool:
        """Nothing waiting and nothing held, and the enqueuing has finished."""
        counts = self.counts()
        enqueuing = self.redis.hget(self.key("meta"), "state") == "enqueuing"
        return not enqueuing and counts["pending"] == 0 and counts["processing"] == 0

    def held(self) -> dict[str, str]:
        """site -> worker, for the sites being crawled now."""
        return self.redis.hgetall(self.key("processing"))

    def held_by(self, worker: str) -> list[str]:
        return [site for site, holder in self.held().items() if holder == worker]

    def done(self) -> dict[str, str]:
        return self.redis.hgetall(self.key("done"))

    def attempts(self) -> dict[str, int]:
        return {k: int(v) for k, v in self.redis.hgetall(self.key("attempts")).items()}

    def workers(self, alive_within: float | None = None) -> dict[str, dict[str, Any]]:
        """Workers' last heartbeats (only those seen within alive_within seconds, when given)."""
        now = time.time()
        out = {}
        for worker, raw in self.redis.hgetall(self.key("workers")).items():
            info = json.loads(raw)
            if alive_within is None or now - info.get("seen_at", 0) <= alive_within:
                out[worker] = info
        return out

    @staticmethod
    def latest_crawl(redis_client: Any) -> str | None:
        """The crawl enqueued last, if any."""
        latest = redis_client.zrevrange(CRAWLS_KEY, 0, 0)
        return latest[0] if latest else None
