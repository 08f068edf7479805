"""An ARI peer for the tests: Asterisk's REST resources and WebSocket events, served on loopback.

Written from Asterisk's ARI documentation: the REST resources the Stasis application
uses (``/ari/channels``, ``/ari/bridges``, ``/ari/playbacks``, ``/ari/recordings``)
with their status codes (``204`` for actions, ``200`` with the model for a created
channel or bridge, ``201`` for a playback or a recording, ``404`` with
``{"message": ...}`` for what does not exist), and ``/ari/events?app=NAME`` as a
WebSocket of JSON events (basic authentication). A small ASGI application run by
uvicorn on 127.0.0.1 and a free port.

The test plays the world around Asterisk: a caller dials in (:meth:`AriPeer.call`),
presses keys, a prompt ends, an agent's phone rings and answers, anyone hangs up; and
the peer sends the events Asterisk would. Every request is kept in
:attr:`AriPeer.requests` as ``METHOD /path?query`` (and the JSON body).
"""

from __future__ import annotations

import asyncio
import base64
import json
import socket
import urllib.parse
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import uvicorn

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

STAMP = "2026-12-03T10:00:00.000+0800"


class AriPeer:
    def __init__(
        self, *, app: str = "callcenter", username: str = "callcenter", password: str = "s3cret"
    ) -> None:
        self.app = app
        self.token = "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()
        self.channels: dict[str, dict[str, Any]] = {}
        self.bridges: dict[str, dict[str, Any]] = {}
        self.playbacks: dict[str, dict[str, Any]] = {}
        self.recordings: dict[str, dict[str, Any]] = {}
        self.requests: list[str] = []
        self.sockets: list[asyncio.Queue[str | None]] = []
        self.accept_sockets = True
        self.connects = 0
        self.port = 0
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None
        self._socket: socket.socket | None = None

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        self._socket = sock
        config = uvicorn.Config(
            self.asgi,
            lifespan="off",
            interface="asgi3",
            log_level="error",
            ws="websockets-sansio",
            access_log=False,
        )
        self._server = uvicorn.Server(config)
        self._task = asyncio.create_task(self._server.serve(sockets=[sock]))
        async with asyncio.timeout(10):
            while not self._server.started:
                await asyncio.sleep(0.01)

    async def stop(self) -> None:
        self.drop()
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            await asyncio.wait_for(asyncio.gather(self._task, return_exceptions=True), 10)
        if self._socket is not None:
            self._socket.close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # ------------------------------------------------------------------ the world

    def emit(self, kind: str, **fields: Any) -> None:
        event = {
            "type": kind,
            "timestamp": STAMP,
            "application": self.app,
            "asterisk_id": "00:11:22:33:44:55",
            **fields,
        }
        text = json.dumps(event, ensure_ascii=False)
        for queue in self.sockets:
            queue.put_nowait(text)

    def emit_raw(self, text: str) -> None:
        for queue in self.sockets:
            queue.put_nowait(text)

    def drop(self) -> None:
        """Close every WebSocket, as Asterisk restarting its HTTP server would."""
        for queue in self.sockets:
            queue.put_nowait(None)
        self.sockets.clear()

    def _channel(
        self,
        channel_id: str,
        *,
        state: str,
        number: str = "",
        name: str = "",
        exten: str = "",
        app_data: str = "",
    ) -> dict[str, Any]:
        return {
            "id": channel_id,
            "name": f"PJSIP/trunk-{len(self.channels):08x}",
            "state": state,
            "protocol_id": "",
            "caller": {"name": name, "number": number},
            "connected": {"name": "", "number": ""},
            "accountcode": "",
            "dialplan": {
                "context": "from-trunk",
                "exten": exten,
                "priority": 2,
                "app_name": "Stasis",
                "app_data": app_data,
            },
            "creationtime": STAMP,
            "language": "zh",
        }

    def call(self, channel_id: str, caller: str, line: str, *, silently: bool = False) -> None:
        """A caller reaches ``Stasis(callcenter,LINE)``."""
        channel = self._channel(
            channel_id, state="Ring", number=caller, exten=line, app_data=f"{self.app},{line}"
        )
        self.channels[channel_id] = channel
        if not silently:
            self.emit("StasisStart", args=[line], channel=channel)

    def dtmf(self, channel_id: str, digits: str) -> None:
        for digit in digits:
            self.emit(
                "ChannelDtmfReceived",
                digit=digit,
                duration_ms=120,
                channel=self.channels[channel_id],
            )

    def finish_playbacks(self, channel_id: str, *, silently: bool = False) -> int:
        done = [p for p in self.playbacks.values() if p["target_uri"] == f"channel:{channel_id}"]
        for playback in done:
            del self.playbacks[playback["id"]]
            if not silently:
                self.emit("PlaybackFinished", playback={**playback, "state": "done"})
        return len(done)

    def finish_recording(self, channel_id: str, seconds: int) -> None:
        for name, recording in list(self.recordings.items()):
            if recording["target_uri"] == f"channel:{channel_id}":
                del self.recordings[name]
                self.emit(
                    "RecordingFinished",
                    recording={**recording, "state": "done", "duration": seconds},
                )

    def ring(self, channel_id: str) -> None:
        channel = self.channels[channel_id]
        channel["state"] = "Ringing"
        self.emit("ChannelStateChange", channel=channel)

    def answer(self, channel_id: str, *, silently: bool = False) -> None:
        channel = self.channels[channel_id]
        channel["state"] = "Up"
        if not silently:
            self.emit("ChannelStateChange", channel=channel)
            self.emit("StasisStart", args=["agent"], channel=channel)

    def hangup(self, channel_id: str, cause: int = 16, *, silently: bool = False) -> None:
        channel = self.channels.pop(channel_id, None)
        if channel is None:
            return
        for bridge in self.bridges.values():
            if channel_id in bridge["channels"]:
                bridge["channels"].remove(channel_id)
        if not silently:
            if channel["state"] == "Up" or channel["dialplan"]["exten"]:
                self.emit("StasisEnd", channel=channel)
            self.emit(
                "ChannelDestroyed",
                cause=cause,
                cause_txt="Normal Clearing" if cause == 16 else "User busy",
                channel=channel,
            )

    def agent_channels(self) -> list[str]:
        return [c for c in self.channels if c.startswith("agent-")]

    # ------------------------------------------------------------------ ASGI

    async def asgi(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await self._websocket(scope, receive, send)
        elif scope["type"] == "http":
            await self._http(scope, receive, send)

    def _authorised(self, scope: Scope) -> bool:
        headers: dict[bytes, bytes] = dict(scope.get("headers", []))
        return headers.get(b"authorization", b"").decode() == self.token

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        await receive()  # websocket.connect
        query = urllib.parse.parse_qs(scope.get("query_string", b"").decode())
        if (
            scope["path"] != "/ari/events"
            or not self._authorised(scope)
            or query.get("app") != [self.app]
            or not self.accept_sockets
        ):
            await send({"type": "websocket.close", "code": 1008})
            return
        await send({"type": "websocket.accept"})
        self.connects += 1
        queue: asyncio.Queue[str | None] = asyncio.Queue()
        self.sockets.append(queue)

        async def client_gone() -> None:
            while (await receive())["type"] != "websocket.disconnect":
                pass

        watcher = asyncio.create_task(client_gone())
        try:
            while True:
                getter = asyncio.create_task(queue.get())
                done, _ = await asyncio.wait({getter, watcher}, return_when=asyncio.FIRST_COMPLETED)
                if watcher in done:
                    getter.cancel()
                    break
                text = getter.result()
                if text is None:
                    await send({"type": "websocket.close", "code": 1001})
                    break
                await send({"type": "websocket.send", "text": text})
        finally:
            watcher.cancel()
            if queue in self.sockets:
                self.sockets.remove(queue)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        method = scope["method"]
        path = scope["path"]
        query = scope.get("query_string", b"").decode()
        record = f"{method} {path}" + (f"?{query}" if query else "")
        if body:
            record += " " + body.decode()
        self.requests.append(record)
        if not self._authorised(scope):
            await _respond(send, 401, {"message": "Authentication required"})
            return
        params = dict(urllib.parse.parse_qsl(query))
        status, answer = self._route(
            method,
            path.removeprefix("/ari").strip("/").split("/"),
            params,
            json.loads(body) if body else None,
        )
        await _respond(send, status, answer)

    def _route(
        self, method: str, parts: list[str], params: dict[str, str], body: Any
    ) -> tuple[int, Any]:
        missing = (404, {"message": "Resource not found"})
        if parts == ["channels"] and method == "GET":
            return 200, list(self.channels.values())
        if parts == ["bridges"] and method == "GET":
            return 200, list(self.bridges.values())
        if parts[0] == "playbacks" and len(parts) == 2:
            playback = self.playbacks.get(parts[1])
            if playback is None:
                return missing
            if method == "DELETE":
                del self.playbacks[parts[1]]
                return 204, None
            return 200, playback
        if parts[:2] == ["recordings", "live"] and len(parts) == 3:
            recording = self.recordings.get(parts[2])
            return (200, recording) if recording is not None else missing
        if parts[0] == "channels" and len(parts) == 2 and method == "POST":
            channel = self._channel(
                parts[1],
                state="Down",
                number=params.get("endpoint", ""),
                app_data=f"{params.get('app')},{params.get('appArgs', '')}",
            )
            channel["dialplan"]["exten"] = ""
            self.channels[parts[1]] = channel
            return 200, channel
        if parts[0] == "channels" and len(parts) >= 2:
            found = self.channels.get(parts[1])
            if found is None:
                return missing
            channel = found
            if len(parts) == 2 and method == "DELETE":
                if channel["state"] == "Up" or channel["dialplan"]["exten"]:
                    self.emit("StasisEnd", channel=channel)
                self.channels.pop(parts[1])
                self.emit(
                    "ChannelDestroyed", cause=16, cause_txt="Normal Clearing", channel=channel
                )
                return 204, None
            verb = parts[2] if len(parts) > 2 else ""
            if verb == "answer":
                channel["state"] = "Up"
                return 204, None
            if verb == "play" and len(parts) == 4:
                playback = {
                    "id": parts[3],
                    "media_uri": params.get("media", ""),
                    "target_uri": f"channel:{parts[1]}",
                    "language": params.get("lang", "en"),
                    "state": "playing",
                }
                self.playbacks[parts[3]] = playback
                return 201, playback
            if verb == "record":
                recording = {
                    "name": params["name"],
                    "format": params.get("format", "wav"),
                    "target_uri": f"channel:{parts[1]}",
                    "state": "recording",
                }
                self.recordings[params["name"]] = recording
                return 201, recording
            if verb in ("moh", "continue"):
                if verb == "continue":
                    self.emit("StasisEnd", channel=channel)
                return 204, None
            return missing
        if parts[0] == "bridges" and len(parts) >= 2:
            if len(parts) == 2 and method == "POST":
                bridge = self.bridges.setdefault(
                    parts[1],
                    {
                        "id": parts[1],
                        "technology": "simple_bridge",
                        "bridge_type": params.get("type", "mixing"),
                        "bridge_class": "stasis",
                        "creator": "Stasis",
                        "name": "",
                        "channels": [],
                        "creationtime": STAMP,
                    },
                )
                return 200, bridge
            known = self.bridges.get(parts[1])
            if known is None:
                return missing
            bridge = known
            if len(parts) == 2 and method == "DELETE":
                del self.bridges[parts[1]]
                return 204, None
            members = params.get("channel", "").split(",")
            if parts[2] == "addChannel":
                if any(m not in self.channels for m in members):
                    return 400, {"message": "Channel not found"}
                bridge["channels"] += [m for m in members if m not in bridge["channels"]]
                return 204, None
            if parts[2] == "removeChannel":
                if any(m not in bridge["channels"] for m in members):
                    return 422, {"message": "Channel not in this bridge"}
                bridge["channels"] = [c for c in bridge["channels"] if c not in members]
                return 204, None
        return missing


async def _respond(send: Send, status: int, answer: Any) -> None:
    body = b"" if answer is None else json.dumps(answer, ensure_ascii=False).encode()
    headers = [(b"content-type", b"application/json")] if body else []
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
