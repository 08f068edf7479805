"""The Twilio adapter as an ASGI application: no web framework needed.

:class:`TwilioApp` reads each request (refusing a body larger than the adapter
takes before reading it all), hands it to :meth:`TwilioAdapter.handle` with the URL
Twilio signed, sends the REST requests the webhook caused through an injected
executor, passes records and ticket events to the host, and keeps one timer task
for the hotline's next deadline. Everything runs on the event loop's thread, one
request at a time through the adapter, so the hotline needs no lock.

``GET <prefix>/health`` answers ``{"status": "ok", ...}`` for load balancers, unsigned.
Every webhook is logged as one JSON line on the ``callcenter.adapters.twilio`` logger.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, MutableMapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from ...errors import CallCenterError
from ...hotline import AgentLegFailed, HotlineInput
from ._adapter import Action, RestRequest, TwilioAdapter, WebResponse

__all__ = ["HttpxExecutor", "RestExecutor", "TwilioApp"]

LOGGER = logging.getLogger("callcenter.adapters.twilio")

RestExecutor = Callable[[RestRequest], Awaitable[Mapping[str, Any]]]
"""Sends one :class:`RestRequest` to Twilio; returns the response's JSON object (the
created call's ``sid``), raises when the request failed."""

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class HttpxExecutor:
    """Sends REST requests with an ``httpx.AsyncClient`` (the ``twilio`` extra).

    Args:
        client: The client (its timeouts apply; keep them short, a few seconds).
        account_sid: The account, the user name of HTTP basic authentication.
        auth_token: The auth token, its password (or an API key pair instead).
        base_url: Twilio's API (a test double's address in tests).
    """

    def __init__(
        self,
        client: Any,
        account_sid: str,
        auth_token: str,
        *,
        base_url: str = "https://api.twilio.com",
    ) -> None:
        self.client = client
        self.base_url = base_url.rstrip("/")
        pair = f"{account_sid}:{auth_token}".encode()
        self._authorization = "Basic " + base64.b64encode(pair).decode("ascii")

    async def __call__(self, request: RestRequest) -> Mapping[str, Any]:
        """Send ``request``; return the JSON object Twilio answered.

        Raises:
            RuntimeError: Twilio answered with an error status.
        """
        response = await self.client.request(
            request.method,
            self.base_url + request.path,
            data=list(request.form),
            headers={"authorization": self._authorization},
        )
        if response.status_code >= 300:
            raise RuntimeError(f"Twilio answered {response.status_code}: {response.text[:200]}")
        data = response.json()
        return data if isinstance(data, dict) else {}


class TwilioApp:
    """The ASGI application around a :class:`TwilioAdapter`.

    Args:
        adapter: The adapter (with its hotline and settings).
        executor: Sends the REST requests (agent legs); ``None``: they are only
            logged and passed to ``on_action``, for a host that sends them itself.
        on_action: Called with every action in order: records, ticket events, and
            the REST requests (after they were sent, when there is an executor).
        clock: The time source, POSIX seconds (a time that goes backwards is held
            at the last one).
        timer: Run a task that wakes the hotline at its next deadline; ``False``
            when the host calls :meth:`advance` itself (a test driving the clock).
    """

    def __init__(
        self,
        adapter: TwilioAdapter,
        *,
        executor: RestExecutor | None = None,
        on_action: Callable[[Action], None] | None = None,
        clock: Callable[[], float] = time.time,
        timer: bool = True,
    ) -> None:
        self.adapter = adapter
        self.executor = executor
        self.on_action = on_action
        self.clock = clock
        self._last = 0.0
        self._wake: asyncio.Event | None = None
        self._timer: asyncio.Task[None] | None = None
        self._timed = timer
        parts = urlsplit(adapter.settings.public_url)
        self._origin = f"{parts.scheme}://{parts.netloc}"
        self._health = adapter.settings.prefix + "/health"
        self.loop: asyncio.AbstractEventLoop | None = None

    def now(self) -> float:
        """The clock's time, never before the last one used."""
        self._last = max(self._last, self.clock())
        return self._last

    # ------------------------------------------------------------------ host side

    async def host_input(self, item: HotlineInput) -> None:
        """Hand the hotline an input from the host (an agent's presence, a lookup's answer).

        Call it on the application's event loop (``asyncio.run_coroutine_threadsafe``
        from another thread).

        Raises:
            CallCenterError: The hotline refused it; nothing changed.
        """
        self._start()
        await self._carry_out(self.adapter.host_input(item, self.now()))

    async def advance(self) -> None:
        """Fire the hotline's timers due now, and carry out what they decide.

        The application's own timer task does this at every deadline; call it when
        the clock was moved by hand (a test's clock).
        """
        self._start()
        await self._carry_out(self.adapter.advance(self.now()))

    # ------------------------------------------------------------------ ASGI

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        self._start()
        started = time.perf_counter()
        if scope["method"] == "GET" and scope["path"] == self._health:
            await self._reply(send, self._health_response())
            return
        headers = [
            (name.decode("latin-1"), value.decode("latin-1")) for name, value in scope["headers"]
        ]
        body = await self._body(receive, self.adapter.settings.max_body)
        query = scope.get("query_string", b"").decode("latin-1")
        url = self._origin + scope.get("root_path", "") + scope["path"]
        url += f"?{query}" if query else ""
        if body is None:
            response = WebResponse(
                status=413,
                headers=(("content-type", "text/plain; charset=utf-8"),),
                body=b"the body is larger than the adapter takes",
            )
        else:
            response = self.adapter.handle(scope["method"], url, headers, body, self.now())
        await self._carry_out(response.actions)
        await self._reply(send, response)
        LOGGER.info(
            json.dumps(
                {
                    "event": "webhook",
                    "path": scope["path"],
                    "status": response.status,
                    "outputs": [type(o).__name__ for o in response.outputs],
                    "ms": round((time.perf_counter() - started) * 1000, 3),
                },
                ensure_ascii=False,
            )
        )

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self._start()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.stop()
                await send({"type": "lifespan.shutdown.complete"})
                return

    def _start(self) -> None:
        if self._timer is None and self._timed:
            self.loop = asyncio.get_running_loop()
            self._wake = asyncio.Event()
            self._timer = asyncio.create_task(self._run_timer())

    async def stop(self) -> None:
        """Stop the timer task."""
        if self._timer is not None:
            self._timer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._timer
            self._timer = None

    async def _run_timer(self) -> None:
        assert self._wake is not None
        while True:
            deadline = self.adapter.next_deadline()
            delay = None if deadline is None else max(0.0, deadline - self.clock())
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=delay)
            except TimeoutError:
                try:
                    await self._carry_out(self.adapter.advance(self.now()))
                except CallCenterError as error:  # pragma: no cover - a clock gone wrong
                    LOGGER.error(json.dumps({"event": "timer", "error": str(error)}))

    @staticmethod
    async def _body(receive: Receive, limit: int) -> bytes | None:
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return b""
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                return None
            chunks.append(chunk)
            more = message.get("more_body", False)
        return b"".join(chunks)

    def _health_response(self) -> WebResponse:
        document = {
            "status": "ok",
            "live_calls": len(self.adapter.hotline.live_calls()),
            "next_deadline": self.adapter.next_deadline(),
        }
        return WebResponse(
            status=200,
            headers=(("content-type", "application/json"),),
            body=json.dumps(document).encode(),
        )

    @staticmethod
    async def _reply(send: Send, response: WebResponse) -> None:
        headers: list[tuple[bytes, bytes]] = [
            (name.encode("latin-1"), value.encode("latin-1")) for name, value in response.headers
        ]
        headers.append((b"content-length", str(len(response.body)).encode("ascii")))
        await send({"type": "http.response.start", "status": response.status, "headers": headers})
        await send({"type": "http.response.body", "body": response.body})

    async def _carry_out(self, actions: Sequence[Action]) -> None:
        for action in actions:
            if isinstance(action, RestRequest) and self.executor is not None:
                await self._send_rest(action)
            elif isinstance(action, RestRequest):
                LOGGER.info(json.dumps({"event": "rest", "sent": False, "path": action.path}))
            if self.on_action is not None:
                self.on_action(action)
        if self._wake is not None:
            self._wake.set()

    async def _send_rest(self, request: RestRequest) -> None:
        assert self.executor is not None
        try:
            answer = await self.executor(request)
        except Exception as error:  # the network or Twilio failed: say so to the hotline
            LOGGER.warning(json.dumps({"event": "rest", "path": request.path, "error": str(error)}))
            if request.purpose == "ring" and request.agent_id is not None:
                failed = AgentLegFailed(
                    call_id=request.call_id, agent_id=request.agent_id, reason=str(error)[:200]
                )
                with contextlib.suppress(CallCenterError):
                    await self._carry_out(self.adapter.host_input(failed, self.now()))
            return
        sid = answer.get("sid")
        if request.purpose == "ring" and request.agent_id is not None and isinstance(sid, str):
            await self._carry_out(self.adapter.leg_created(request.call_id, request.agent_id, sid))
