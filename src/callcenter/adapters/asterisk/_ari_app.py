"""The Stasis application over the wire: ARI's WebSocket of events and its REST requests.

:class:`AriApp` runs an :class:`~callcenter.adapters.asterisk.AriCore` on asyncio:
it reads events from ``/ari/events`` (the ``websockets`` package), sends the requests
with ``httpx`` (one keep-alive connection pool), wakes the hotline at its deadlines,
and after a WebSocket drop reconnects and re-synchronises (``GET /channels``,
``GET /bridges``, the current prompts and recordings) before it reads events again,
so that no call is lost or counted twice.

Requests of one call go out in order, one after the other; different calls do not
wait for each other. Both packages come with the ``asterisk`` extra.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import functools
import time
import urllib.parse
from collections.abc import Callable, Sequence
from typing import Any

from ...errors import CallCenterError, WireError
from ...hotline import HotlineInput, HotlineOutput
from ._ari import AriAction, AriConfig, AriCore, AriError, AriRequest, Drivable, decode_event

__all__ = ["AriApp"]


class AriApp:
    """A Stasis application that runs a hotline's calls on Asterisk.

    Args:
        hotline: The hotline.
        url: Asterisk's HTTP server (``http.conf``), e.g. ``"http://127.0.0.1:8088"``.
        username: The ``ari.conf`` user.
        password: Its password.
        config: The application's name, dial strings and transfer context.
        on_output: Called with each output for the host (records, tickets,
            lookups to answer with :meth:`host_input`), in order.
        on_error: Called with each request Asterisk refused (:class:`AriError`), each
            event that could not be read (:class:`~callcenter.errors.WireError`);
            the application goes on.
        clock: The time, in POSIX seconds.
        timeout: Seconds to wait for Asterisk's answer to a request or a connection.
        reconnect_delay: Seconds between attempts after a drop (doubling up to 30).
    """

    def __init__(
        self,
        hotline: Drivable,
        *,
        url: str = "http://127.0.0.1:8088",
        username: str,
        password: str,
        config: AriConfig | None = None,
        on_output: Callable[[HotlineOutput], None] | None = None,
        on_error: Callable[[CallCenterError], None] | None = None,
        clock: Callable[[], float] = time.time,
        timeout: float = 5.0,
        reconnect_delay: float = 0.5,
    ) -> None:
        self.core = AriCore(hotline, config)
        self.url = url.rstrip("/")
        self._auth = (username, password)
        self._on_output = on_output
        self._on_error = on_error
        self._clock = clock
        self.timeout = timeout
        self.reconnect_delay = reconnect_delay
        self._lanes: dict[str | None, asyncio.Task[None]] = {}
        self._wake = asyncio.Event()
        self._closing = False
        self._http: Any = None
        self._socket: Any = None
        self.connected = asyncio.Event()
        """Set while the WebSocket is open (and, after a reconnect, resynchronised)."""
        self.connections = 0
        """How many times the WebSocket has been opened."""

    # ------------------------------------------------------------------ running

    async def run(self) -> None:
        """Run until :meth:`close`: connect, read events, reconnect after each drop.

        Raises:
            ImportError: The ``asterisk`` extra (httpx, websockets) is not installed.
        """
        import httpx
        import websockets.asyncio.client as ws_client
        from websockets.exceptions import InvalidStatus, WebSocketException

        # Keep the connections open: Asterisk's HTTP server allows 100 sessions
        # (http.conf's sessionlimit); opening one per request would cost more than it.
        self._http = httpx.AsyncClient(
            base_url=f"{self.url}/ari",
            auth=self._auth,
            timeout=self.timeout,
            limits=httpx.Limits(max_connections=32, max_keepalive_connections=32),
        )
        timer = asyncio.create_task(self._timer())
        delay = self.reconnect_delay
        events_url = self._events_url()
        token = base64.b64encode(":".join(self._auth).encode()).decode()
        try:
            while not self._closing:
                try:
                    async with ws_client.connect(
                        events_url,
                        additional_headers={"Authorization": f"Basic {token}"},
                        open_timeout=self.timeout,
                        close_timeout=1.0,
                        max_size=2**22,
                    ) as socket:
                        self._socket = socket
                        self.connections += 1
                        if self.connections > 1:
                            await self._resync()
                        self.connected.set()
                        delay = self.reconnect_delay
                        async for message in socket:
                            self._on_message(message)
                except InvalidStatus as refused:
                    # A wrong user or application name: say so, and try again later.
                    self._report(
                        AriError(
                            method="GET",
                            path="/events",
                            status=refused.response.status_code,
                            message="the WebSocket of events was refused",
                        )
                    )
                except AriError as error:
                    self._report(error)  # the resync failed: reconnect and try again
                except (OSError, WebSocketException, TimeoutError, httpx.HTTPError):
                    pass
                finally:
                    self._socket = None
                    self.connected.clear()
                if not self._closing:
                    await asyncio.sleep(delay)
                    delay = min(30.0, delay * 2)
        finally:
            timer.cancel()
            await asyncio.gather(timer, return_exceptions=True)
            await self._drain()
            await self._http.aclose()

    async def close(self) -> None:
        """Stop: close the WebSocket; :meth:`run` returns once requests under way are sent."""
        self._closing = True
        socket = self._socket
        if socket is not None:
            await socket.close()

    def _events_url(self) -> str:
        parts = urllib.parse.urlsplit(self.url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        query = urllib.parse.urlencode({"app": self.core.config.app, "subscribeAll": "false"})
        return f"{scheme}://{parts.netloc}{parts.path}/ari/events?{query}"

    def _on_message(self, message: str | bytes) -> None:
        try:
            event = decode_event(message)
            actions = self.core.event(event, self._clock())
        except WireError as error:
            self._report(error)
            return
        self._dispatch(actions)

    async def host_input(self, item: HotlineInput) -> None:
        """Hand an input from the host or an agent's desktop to the hotline, now.

        Raises:
            CallCenterError: The hotline refused it; nothing changed.
        """
        self._dispatch(self.core.host(item, self._clock()))

    async def idle(self) -> None:
        """Wait until every request handed out so far has been answered."""
        await self._drain()

    # ------------------------------------------------------------------ out

    def _dispatch(self, actions: Sequence[AriAction]) -> None:
        lanes: dict[str | None, list[AriRequest]] = {}
        for action in actions:
            if isinstance(action, AriRequest):
                lanes.setdefault(action.call_id, []).append(action)
            elif self._on_output is not None:
                self._on_output(action)
        for key, requests in lanes.items():
            previous = self._lanes.get(key)
            task = asyncio.create_task(self._send_after(previous, requests))
            self._lanes[key] = task
            task.add_done_callback(functools.partial(self._lane_done, key))
        self._wake.set()

    def _lane_done(self, key: str | None, task: asyncio.Task[None]) -> None:
        if self._lanes.get(key) is task:
            del self._lanes[key]

    async def _send_after(
        self, previous: asyncio.Task[None] | None, requests: list[AriRequest]
    ) -> None:
        if previous is not None:
            await asyncio.gather(previous, return_exceptions=True)
        for request in requests:
            try:
                await self.request(request)
            except AriError as error:
                if not (error.status == 404 and request.method == "DELETE"):
                    self._report(error)

    async def request(self, request: AriRequest) -> Any:
        """Send one request; return the JSON answer (``None`` when there is none).

        Raises:
            AriError: Asterisk answered 4xx or 5xx, or did not answer.
        """
        import httpx

        path = urllib.parse.quote(request.path)
        try:
            response = await self._http.request(
                request.method, path, params=list(request.params), json=request.body
            )
        except httpx.HTTPError as error:
            raise AriError(
                method=request.method, path=request.path, status=0, message=str(error)
            ) from None
        if response.status_code >= 400:
            try:
                message = response.json().get("message", response.text)
            except ValueError:
                message = response.text
            raise AriError(
                method=request.method,
                path=request.path,
                status=response.status_code,
                message=str(message),
            )
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            return None

    async def _resync(self) -> None:
        answers: dict[str, Any] = {}
        for request in self.core.resync_requests():
            try:
                answers[request.path] = await self.request(request)
            except AriError as error:
                if error.status != 404:
                    raise
                answers[request.path] = None
        try:
            actions = self.core.resync(answers, self._clock())
        except WireError as error:
            self._report(error)
            return
        self._dispatch(actions)

    async def _drain(self) -> None:
        while self._lanes:
            await asyncio.gather(*self._lanes.values(), return_exceptions=True)

    def _report(self, error: CallCenterError) -> None:
        if self._on_error is not None:
            self._on_error(error)

    async def _timer(self) -> None:
        while True:
            self._wake.clear()
            deadline = self.core.next_deadline()
            wait = None if deadline is None else max(0.0, deadline - self._clock())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), wait)
                continue
            self._dispatch(self.core.advance(self._clock()))
