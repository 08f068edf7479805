"""Asterisk's Manager Interface (AMI): the frame parser, an asyncio client, the queue feed.

AMI is a line protocol over TCP (port 5038 by default). On connect Asterisk sends one
banner line (``Asterisk Call Manager/9.0.0``); after that both sides exchange
*frames*: ``Key: Value`` lines ended by CR LF, a frame ended by an empty line. The
client sends actions (``Action: Login``), each with an ``ActionID`` that Asterisk
copies into its ``Response`` and into the events a list action produces (those end
with an event carrying ``EventList: Complete``); every other frame is an event.

* :class:`AmiParser` is sans-I/O: bytes in, :class:`AmiMessage` out. A frame it
  cannot read is reported as a :class:`~callcenter.errors.WireError` in its place and
  the connection goes on (frames are self-delimiting); a peer that sends more than
  :data:`MAX_FRAME` bytes without ending a frame, or a wrong banner, breaks the
  connection (:attr:`AmiParser.broken`).
* :func:`encode_action` writes an action; CR or LF in any key or value is refused,
  so caller data can never start a new line of its own.
* :class:`AmiClient` logs in, correlates responses by ``ActionID``, collects event
  lists, hands every other event to a callback and reconnects after a drop.
* :class:`~callcenter.adapters.asterisk.AmiQueueFeed` turns app_queue's events into
  the routing events that a :class:`~callcenter.metrics.LiveMonitor` (the
  wallboard) and a :class:`~callcenter.metrics.RecordBuilder` (contact records) take.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import re
from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar

import attrs

from ...errors import CallCenterError, InvalidArgumentError, WireError

__all__ = [
    "MAX_FRAME",
    "AmiClient",
    "AmiError",
    "AmiMessage",
    "AmiParser",
    "encode_action",
]

PROTOCOL = "AMI"
MAX_FRAME = 65_536
"""The most bytes a frame may take; a peer that sends more without an empty line is cut off."""

_T = TypeVar("_T")
_BANNER = "Asterisk Call Manager/"
_END = b"\r\n\r\n"
# A line of a frame: at the start of the frame or after CR LF, a key without a colon,
# ": ", the value to the end of the line.
_LINE = re.compile(r"(?:^|\r\n)([^:\r\n]+): ([^\r\n]*)")


class AmiError(CallCenterError):
    """Asterisk refused an action (``Response: Error``), or the connection is gone.

    Args:
        action: The action's name (``"Login"``).
        message: What Asterisk or the connection said.
    """

    def __init__(self, *, action: str, message: str) -> None:
        self.action = action
        self.message = message
        super().__init__(f"AMI action {action!r} failed: {message}")


@attrs.frozen(slots=True)
class AmiMessage:
    """One frame from Asterisk: an event, or the response to an action.

    A key that comes more than once (the ``Output`` lines of a ``Command``) keeps
    every value, joined by a line feed.

    Attributes:
        headers: Key to value, in the order they came.
    """

    headers: Mapping[str, str]

    @property
    def event(self) -> str | None:
        """The event's name, or ``None`` for a response."""
        return self.headers.get("Event")

    @property
    def response(self) -> str | None:
        """The response (``"Success"``, ``"Error"``, ``"Goodbye"``), or ``None`` for an event."""
        return self.headers.get("Response")

    @property
    def action_id(self) -> str | None:
        """The ``ActionID`` the frame answers, if any."""
        return self.headers.get("ActionID")

    def get(self, key: str, default: str = "") -> str:
        """The value of ``key``, or ``default``."""
        return self.headers.get(key, default)


class AmiParser:
    r"""Bytes from Asterisk in, frames out: sans-I/O, one per connection.

    Args:
        banner: Whether the stream starts with Asterisk's banner line.

    >>> parser = AmiParser()
    >>> frames = parser.feed(b"Asterisk Call Manager/9.0.0\r\nEvent: FullyBooted\r\n")
    >>> frames, parser.banner
    ([], 'Asterisk Call Manager/9.0.0')
    >>> parser.feed(b"Status: Fully Booted\r\n\r\n")[0].event
    'FullyBooted'
    """

    __slots__ = ("_buffer", "_scan_from", "banner", "broken")

    def __init__(self, *, banner: bool = True) -> None:
        self._buffer = b""
        self._scan_from = 0
        self.banner: str | None = None if banner else ""
        self.broken = False

    def feed(self, data: bytes) -> list[AmiMessage | WireError]:
        """Take bytes as they came; return the frames they completed, in order.

        A frame that cannot be read comes back as a :class:`WireError` in its place;
        the frames after it are read as usual. After an error that breaks the stream
        (a wrong banner, a frame longer than :data:`MAX_FRAME`), :attr:`broken` is set
        and the connection must be closed; later calls return nothing.
        """
        if self.broken:
            return []
        buffer = self._buffer + data if self._buffer else data
        out: list[AmiMessage | WireError] = []
        start = 0
        if self.banner is None:
            end = buffer.find(b"\r\n")
            if end < 0:
                if len(buffer) > 200:
                    return self._break(out, "expected the banner line", buffer[:80])
                self._buffer = buffer
                return out
            line = buffer[:end].decode("utf-8", "replace")
            if not line.startswith(_BANNER):
                return self._break(out, f"expected a banner {_BANNER!r}...", line)
            self.banner = line
            start = end + 2
        find = buffer.find
        scan = max(start, self._scan_from)
        while True:
            end = find(_END, scan)
            if end < 0:
                break
            # Empty lines between frames are tolerated (nothing to read in them).
            raw = buffer[start:end].lstrip(b"\r\n")
            if raw:
                out.append(_frame(raw))
            start = scan = end + 4
        rest = buffer[start:]
        if len(rest) > MAX_FRAME:
            return self._break(out, f"a frame of at most {MAX_FRAME} bytes", rest[:80])
        self._buffer = rest
        # An unfinished frame's end may straddle two reads: look again 3 bytes back.
        self._scan_from = max(0, len(rest) - 3)
        return out

    def _break(
        self, out: list[AmiMessage | WireError], detail: str, data: str | bytes
    ) -> list[AmiMessage | WireError]:
        self.broken = True
        self._buffer = b""
        out.append(WireError(protocol=PROTOCOL, detail=detail, data=data))
        return out


def _frame(raw: bytes) -> AmiMessage | WireError:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return WireError(protocol=PROTOCOL, detail="a frame in UTF-8", data=raw)
    breaks = text.count("\r\n")
    if text.count("\n") == breaks and text.count("\r") == breaks:
        # The common frame: every line "Key: Value", no key twice; read in C.
        fast = dict(_LINE.findall(text))
        if len(fast) == breaks + 1:
            return AmiMessage(fast)
    headers: dict[str, str] = {}
    for line in text.split("\r\n"):
        key, colon, value = line.partition(":")
        if not colon or not key or "\r" in line or "\n" in line:
            return WireError(protocol=PROTOCOL, detail="'Key: Value' lines", data=line)
        if value[:1] == " ":
            value = value[1:]
        if key in headers:
            headers[key] += "\n" + value
        else:
            headers[key] = value
    return AmiMessage(headers)


def encode_action(
    action: str, fields: Mapping[str, str] | Iterable[tuple[str, str]] = (), *, action_id: str
) -> bytes:
    r"""An action as the bytes to send: ``Action``, ``ActionID``, the fields, an empty line.

    Args:
        action: The action's name (``"QueueStatus"``).
        fields: Further keys and values; pairs when a key repeats (``Variable``).
        action_id: The id Asterisk copies into the response.

    Returns:
        The frame, UTF-8, lines ended by CR LF.

    Raises:
        InvalidArgumentError: A key that is empty or holds ``:``, a space, CR or LF,
            or a value that holds CR or LF (it would start a line of its own).

    >>> encode_action("Ping", action_id="7")
    b'Action: Ping\r\nActionID: 7\r\n\r\n'
    """
    pairs = list(fields.items()) if isinstance(fields, Mapping) else list(fields)
    pairs = [("Action", action), ("ActionID", action_id), *pairs]
    for key, value in pairs:
        if type(key) is not str or not key or any(c in key for c in ": \r\n\0"):
            raise InvalidArgumentError(
                name="key", expected="an AMI key (no ':', space, CR, LF or NUL)", got=key
            )
        if type(value) is not str or "\r" in value or "\n" in value or "\0" in value:
            raise InvalidArgumentError(
                name=key, expected="a string without CR, LF or NUL", got=value
            )
    return "".join(f"{key}: {value}\r\n" for key, value in pairs).encode() + b"\r\n"


# --------------------------------------------------------------------------- the client


@attrs.define
class _Pending:
    action: str
    future: asyncio.Future[AmiMessage]
    items: list[AmiMessage] | None = None
    response: AmiMessage | None = None
    done: asyncio.Future[list[AmiMessage]] | None = None


class AmiClient:
    """An asyncio AMI client: login, actions with ``ActionID``, event lists, reconnect.

    Args:
        host: Asterisk's address.
        port: The manager port (``5038``).
        username: The ``manager.conf`` user.
        secret: Its secret.
        on_event: Called with every event that does not belong to a list action.
        on_connect: Awaited after every login (the first and each reconnect); a
            place to re-synchronise with ``QueueStatus``.
        on_wire_error: Called with each frame that could not be read (default:
            ignore it; the connection goes on).
        timeout: Seconds to wait for a connection, the banner or a response.
        reconnect_delay: Seconds between attempts after a drop (doubling up to 30).
    """

    def __init__(
        self,
        host: str,
        port: int,
        *,
        username: str,
        secret: str,
        on_event: Callable[[AmiMessage], object],
        on_connect: Callable[[AmiClient], object] | None = None,
        on_wire_error: Callable[[WireError], None] | None = None,
        timeout: float = 10.0,
        reconnect_delay: float = 1.0,
    ) -> None:
        encode_action("Login", {"Username": username, "Secret": secret}, action_id="0")
        self.host = host
        self.port = port
        self._username = username
        self._secret = secret
        self._on_event = on_event
        self._on_connect = on_connect
        self._on_wire_error = on_wire_error
        self.timeout = timeout
        self.reconnect_delay = reconnect_delay
        self._ids = itertools.count(1)
        self._pending: dict[str, _Pending] = {}
        self._writer: asyncio.StreamWriter | None = None
        self._reader_task: asyncio.Task[None] | None = None
        self._closing = False
        self.connections = 0
        """How many times the client has logged in."""

    @property
    def connected(self) -> bool:
        """Whether the client is logged in now."""
        return self._writer is not None and self._reader_task is not None

    async def connect(self) -> None:
        """Open the connection, read the banner and log in.

        Raises:
            AmiError: Login refused, or no answer within :attr:`timeout`.
            OSError: The connection could not be opened.
        """
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(self.host, self.port), self.timeout
        )
        parser = AmiParser()
        self._writer = writer
        self._reader_task = asyncio.create_task(self._read(reader, writer, parser))
        try:
            await self.action("Login", {"Username": self._username, "Secret": self._secret})
        except BaseException:
            await self._drop()
            raise
        self.connections += 1
        if self._on_connect is not None:
            result = self._on_connect(self)
            if asyncio.iscoroutine(result):
                await result

    async def action(
        self, action: str, fields: Mapping[str, str] | Iterable[tuple[str, str]] = ()
    ) -> AmiMessage:
        """Send an action; return its ``Response: Success`` frame.

        Raises:
            InvalidArgumentError: CR or LF in a key or value (nothing is sent).
            AmiError: ``Response: Error``, no response in time, or the connection lost.
        """
        pending = self._send(action, fields, listing=False)
        return await self._wait(pending.future, action)

    async def action_list(
        self, action: str, fields: Mapping[str, str] | Iterable[tuple[str, str]] = ()
    ) -> list[AmiMessage]:
        """Send a list action (``QueueStatus``, ``CoreShowChannels``); return its events.

        The events carrying the action's ``ActionID`` are collected up to the one with
        ``EventList: Complete`` (left out); they never reach ``on_event``.

        Raises:
            InvalidArgumentError: CR or LF in a key or value (nothing is sent).
            AmiError: As for :meth:`action`.
        """
        pending = self._send(action, fields, listing=True)
        assert pending.done is not None
        await self._wait(pending.future, action)
        return await self._wait(pending.done, action)

    def _send(
        self, action: str, fields: Mapping[str, str] | Iterable[tuple[str, str]], *, listing: bool
    ) -> _Pending:
        action_id = f"cc-{next(self._ids)}"
        frame = encode_action(action, fields, action_id=action_id)
        writer = self._writer
        if writer is None:
            raise AmiError(action=action, message="not connected")
        loop = asyncio.get_running_loop()
        pending = _Pending(action, loop.create_future())
        if listing:
            pending.items = []
            pending.done = loop.create_future()
        self._pending[action_id] = pending
        writer.write(frame)
        return pending

    async def _wait(self, future: asyncio.Future[_T], action: str) -> _T:
        try:
            return await asyncio.wait_for(asyncio.shield(future), self.timeout)
        except TimeoutError:
            raise AmiError(action=action, message=f"no answer in {self.timeout} s") from None

    async def _read(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, parser: AmiParser
    ) -> None:
        try:
            while not parser.broken:
                data = await reader.read(65_536)
                if not data:
                    break
                for item in parser.feed(data):
                    if isinstance(item, WireError):
                        if self._on_wire_error is not None:
                            self._on_wire_error(item)
                    else:
                        self._dispatch(item)
        except OSError:
            pass
        finally:
            writer.close()
            if self._writer is writer:
                self._writer = None
                self._reader_task = None
            self._fail_pending("the connection was lost")

    def _dispatch(self, message: AmiMessage) -> None:
        action_id = message.headers.get("ActionID")
        pending = self._pending.get(action_id) if action_id is not None else None
        if pending is None:
            if "Event" in message.headers:
                self._on_event(message)
            return
        if "Response" in message.headers and pending.response is None:
            pending.response = message
            if message.headers["Response"] == "Error":
                del self._pending[action_id]  # type: ignore[arg-type]
                error = AmiError(action=pending.action, message=message.get("Message"))
                _settle(pending.future, error)
                if pending.done is not None:
                    _settle(pending.done, error)
                return
            _settle(pending.future, message)
            if pending.items is None:
                del self._pending[action_id]  # type: ignore[arg-type]
            return
        if pending.items is not None and "Event" in message.headers:
            if message.headers.get("EventList") == "Complete":
                del self._pending[action_id]  # type: ignore[arg-type]
                assert pending.done is not None
                _settle(pending.done, pending.items)
            else:
                pending.items.append(message)

    def _fail_pending(self, why: str) -> None:
        pending, self._pending = self._pending, {}
        for item in pending.values():
            error = AmiError(action=item.action, message=why)
            _settle(item.future, error)
            if item.done is not None:
                _settle(item.done, error)

    async def _drop(self) -> None:
        writer, task = self._writer, self._reader_task
        self._writer = self._reader_task = None
        if writer is not None:
            writer.close()
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        self._fail_pending("the connection was closed")

    async def run(self) -> None:
        """Stay connected until :meth:`close`: connect, and reconnect after each drop.

        Failed attempts wait :attr:`reconnect_delay`, doubling up to 30 seconds.
        The first attempt is not retried: a login refused raises :class:`AmiError`,
        an address that does not answer raises :class:`OSError`.
        """
        delay = self.reconnect_delay
        while not self._closing:
            try:
                await self.connect()
            except (OSError, AmiError):
                if self.connections == 0 and not self._closing:
                    raise
                await asyncio.sleep(delay)
                delay = min(30.0, delay * 2)
                continue
            delay = self.reconnect_delay
            task = self._reader_task
            if task is not None:
                await asyncio.gather(task, return_exceptions=True)
            if not self._closing:
                await asyncio.sleep(delay)

    async def close(self) -> None:
        """Log off (when connected) and close the connection; :meth:`run` returns."""
        self._closing = True
        if self.connected:
            with contextlib.suppress(AmiError, TimeoutError):
                await asyncio.wait_for(self.action("Logoff"), min(self.timeout, 2.0))
        await self._drop()


def _settle(future: asyncio.Future[_T], value: _T | BaseException) -> None:
    if future.done():
        return
    if isinstance(value, BaseException):
        future.set_exception(value)
        future.exception()  # nobody may be waiting: do not warn about it
    else:
        future.set_result(value)
