"""Helpers of the Redis tests: run nodes in threads, wait, read every output."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import redis

from callcenter.adapters.redis import RECORDS, AdapterLink, ReplicatedHotline
from callcenter.adapters.redis._wire import stream_id
from callcenter.hotline import HotlineDefinition


class NodeThread:
    """A node running in a thread of the test, stopped on request."""

    def __init__(self, client: redis.Redis, definition: HotlineDefinition, **options: Any) -> None:
        self.node = ReplicatedHotline(client, definition, **options)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.node.run, args=(self.stop,), daemon=True)
        self.thread.start()

    def halt(self) -> None:
        self.stop.set()
        self.thread.join(10.0)
        assert not self.thread.is_alive(), "a node did not stop within 10 s"


def wait_for(what: str, ready: Callable[[], bool], timeout: float = 15.0) -> None:
    """Poll ``ready`` until it is true; fail after ``timeout`` seconds."""
    end = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > end:
            raise AssertionError(f"waited {timeout} s for {what}")
        time.sleep(0.01)


def applied(client: redis.Redis, name: str) -> str | None:
    value: Any = client.get(f"callcenter:{{{name}}}:applied")
    return None if value is None else value.decode()


def published(
    client: redis.Redis, name: str, adapters: list[str]
) -> list[tuple[str, dict[str, Any]]]:
    """Every output published to ``adapters`` and to the host, in log order."""
    found: list[tuple[tuple[int, int], int, str, dict[str, Any]]] = []
    for adapter in [*adapters, RECORDS]:
        for item in AdapterLink(client, name, adapter).outputs(count=1_000_000):
            found.append((stream_id(item.cause), item.index, adapter, item.output))
    found.sort(key=lambda entry: (entry[0], entry[1]))
    return [(adapter, output) for _cause, _index, adapter, output in found]
