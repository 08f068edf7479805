"""An AMI peer for the tests, written from Asterisk's manager documentation.

It speaks the framing exactly: the banner line, ``Key: Value`` lines ended by CR LF,
frames ended by an empty line; ``Login`` checks the user and secret, every response
copies the action's ``ActionID``, ``QueueStatus`` answers with an event list ending in
``EventList: Complete``, ``Logoff`` says ``Goodbye`` and closes. The test pushes
events with :meth:`AmiPeer.push` and drops connections with :meth:`AmiPeer.drop`.
Everything the clients sent is kept, byte for byte, in :attr:`AmiPeer.received`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

BANNER = b"Asterisk Call Manager/9.0.0\r\n"


def frame(headers: Mapping[str, str] | list[tuple[str, str]]) -> bytes:
    pairs = list(headers.items()) if isinstance(headers, Mapping) else headers
    return b"".join(f"{k}: {v}\r\n".encode() for k, v in pairs) + b"\r\n"


def parse(raw: bytes) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in raw.decode().split("\r\n"):
        key, _, value = line.partition(": ")
        out[key] = value
    return out


class AmiPeer:
    def __init__(self, *, username: str = "callcenter", secret: str = "s3cret") -> None:
        self.username = username
        self.secret = secret
        self.received = bytearray()
        self.writers: list[asyncio.StreamWriter] = []
        self.logins = 0
        self.queue_members: list[dict[str, str]] = []
        self.hold_pings = False
        self.held: list[tuple[asyncio.StreamWriter, bytes]] = []
        self.server: asyncio.Server | None = None
        self.port = 0

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        for writer in self.writers:
            writer.close()
        if self.server is not None:
            self.server.close()
            await asyncio.wait_for(self.server.wait_closed(), 5)

    async def push(self, headers: Mapping[str, str] | list[tuple[str, str]]) -> None:
        data = frame(headers)
        for writer in self.writers:
            writer.write(data)
            await writer.drain()

    async def push_raw(self, data: bytes) -> None:
        for writer in self.writers:
            writer.write(data)
            await writer.drain()

    def drop(self) -> None:
        for writer in self.writers:
            writer.close()
        self.writers.clear()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(BANNER)
        authenticated = False
        try:
            while True:
                try:
                    raw = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    break
                self.received += raw
                action = parse(raw[:-4])
                name = action.get("Action", "").lower()
                aid = action.get("ActionID")
                head = [("ActionID", aid)] if aid is not None else []
                if name == "login":
                    if (
                        action.get("Username") == self.username
                        and action.get("Secret") == self.secret
                    ):
                        authenticated = True
                        self.logins += 1
                        self.writers.append(writer)
                        writer.write(
                            frame(
                                [
                                    ("Response", "Success"),
                                    *head,
                                    ("Message", "Authentication accepted"),
                                ]
                            )
                        )
                    else:
                        writer.write(
                            frame(
                                [("Response", "Error"), *head, ("Message", "Authentication failed")]
                            )
                        )
                        await writer.drain()
                        break
                elif not authenticated:
                    writer.write(
                        frame([("Response", "Error"), *head, ("Message", "Permission denied")])
                    )
                elif name == "ping":
                    data = frame(
                        [
                            ("Response", "Success"),
                            *head,
                            ("Ping", "Pong"),
                            ("Timestamp", "1790000000.000000"),
                        ]
                    )
                    if self.hold_pings:
                        self.held.append((writer, data))
                    else:
                        writer.write(data)
                elif name == "queuestatus":
                    writer.write(
                        frame(
                            [
                                ("Response", "Success"),
                                *head,
                                ("EventList", "start"),
                                ("Message", "Queue status will follow"),
                            ]
                        )
                    )
                    for member in self.queue_members:
                        writer.write(frame([("Event", "QueueMember"), *head, *member.items()]))
                    writer.write(
                        frame(
                            [
                                ("Event", "QueueStatusComplete"),
                                *head,
                                ("EventList", "Complete"),
                                ("ListItems", str(len(self.queue_members))),
                            ]
                        )
                    )
                elif name == "logoff":
                    writer.write(
                        frame(
                            [
                                ("Response", "Goodbye"),
                                *head,
                                ("Message", "Thanks for all the fish."),
                            ]
                        )
                    )
                    await writer.drain()
                    break
                else:
                    writer.write(
                        frame(
                            [("Response", "Error"), *head, ("Message", "Invalid/unknown command")]
                        )
                    )
                await writer.drain()
        finally:
            if writer in self.writers:
                self.writers.remove(writer)
            writer.close()

    def release_pings(self, *, reverse: bool = True) -> None:
        held = list(reversed(self.held)) if reverse else list(self.held)
        self.held.clear()
        for writer, data in held:
            writer.write(data)
