"""uvicorn on 127.0.0.1 and a free port, started and stopped by the tests, with timeouts."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from contextlib import contextmanager
from typing import Any

import uvicorn

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

START_TIMEOUT = 15.0
STOP_TIMEOUT = 15.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Slot:
    """An ASGI application whose inner application a test swaps between calls."""

    def __init__(self) -> None:
        self.app: App | None = None
        self.loop: asyncio.AbstractEventLoop | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            self.loop = asyncio.get_running_loop()
            while True:
                message = await receive()
                kind = message["type"].rsplit(".", 1)[-1]
                await send({"type": f"{message['type']}.complete"})
                if kind == "shutdown":
                    return
        assert self.app is not None
        await self.app(scope, receive, send)


@contextmanager
def serving(app: App, port: int) -> Iterator[uvicorn.Server]:
    """Serve ``app`` on 127.0.0.1:``port`` in a thread for the ``with`` block."""
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            server.should_exit = True
            raise RuntimeError("uvicorn did not start in time")
        time.sleep(0.02)
    try:
        yield server
    finally:
        server.should_exit = True
        thread.join(STOP_TIMEOUT)
        assert not thread.is_alive(), "uvicorn did not stop in time"


def run_on(
    loop: asyncio.AbstractEventLoop, coroutine: Awaitable[Any], timeout: float = 10.0
) -> Any:
    """Run ``coroutine`` on the server's loop from the test's thread, with a timeout."""
    return asyncio.run_coroutine_threadsafe(coroutine, loop).result(timeout)  # type: ignore[arg-type]
