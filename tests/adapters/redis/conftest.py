"""One real redis-server per test session: 127.0.0.1, a free port, AOF on."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis

from callcenter.testing import RedisServer, RedisServerError


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    try:
        server = RedisServer()
    except RedisServerError as error:
        pytest.fail(f"the Redis tests need a real redis-server: {error}", pytrace=False)
    with server:
        yield server


@pytest.fixture
def client(redis_server: RedisServer) -> Iterator[redis.Redis]:
    """A client of an empty database."""
    redis_server.start()  # a test that restarted it may have left it stopped
    connection = redis.Redis.from_url(redis_server.url, socket_timeout=5.0)
    connection.flushdb()
    yield connection
    connection.close()
