"""Throw-away PostgreSQL and Redis for the scale-out tests (kzprivacy/app/scale/local.py starts them).

Import the fixtures into a test module (`from scale_fixtures import pg_url, redis_url`). The
servers start once per test run, on loopback and free ports, and stop by pid when it ends. Where
the server programs are missing the tests fail with the reason (./setup.sh --test installs them).
"""

from __future__ import annotations

import atexit
import itertools
import os

import pytest

from kzprivacy.app.scale.local import LocalPostgres, LocalRedis, missing_servers

_servers: dict[str, object] = {}
_names = itertools.count(1)


def _need_servers() -> None:
    reason = missing_servers()
    if reason:  # a failure, not a skip: ./setup.sh --test installs Redis and PostgreSQL
        pytest.fail(f"scale-out tests cannot run: {reason}", pytrace=False)


def _started(kind: str):
    if kind not in _servers:
        server = LocalPostgres() if kind == "postgres" else LocalRedis()
        server.start()
        atexit.register(server.stop)
        _servers[kind] = server
    return _servers[kind]


def postgres() -> LocalPostgres:
    _need_servers()
    return _started("postgres")


def redis_server() -> LocalRedis:
    _need_servers()
    return _started("redis")


@pytest.fixture
def pg_url() -> str:
    """A new empty PostgreSQL database for this test."""
    return postgres().create_database(f"kz_test_{os.getpid()}_{next(_names)}")


@pytest.fixture
def redis_url() -> str:
    """The test Redis, emptied for this test."""
    import redis

    server = redis_server()
    redis.Redis.from_url(server.url).flushall()
    return server.url
