"""A FastAGI server that runs the hotline's IVR; Asterisk keeps its dialplan and queues.

Asterisk connects once per call (``AGI(agi://host:4573/<line>)`` in the dialplan).
The server reads the channel's environment, gives the hotline a
:class:`~callcenter.hotline.CallArrived`, and carries out the hotline's outputs for
the call as AGI commands, one at a time, turning each reply into the hotline's next
input:

==========================  ====================================================
hotline output              AGI
==========================  ====================================================
``AnswerCall``              ``ANSWER``
``Play``                    ``STREAM FILE <audio or prompt> <keys if barge-in>``;
                            ``result=0`` gives ``PromptFinished``, a key's code
                            ``DigitsPressed``
``Listen``                  ``WAIT FOR DIGIT <ms>`` until the IVR moves on; each
                            key gives ``DigitsPressed``
``AskHost``                 the server's ``lookup`` coroutine (no AGI); its answer
                            gives ``HostAnswered`` / ``HostNotFound`` /
                            ``HostFailed``
``Record``                  ``RECORD FILE <mailbox>/<call> wav <terminator> <ms>``;
                            gives ``RecordingFinished`` (seconds from ``endpos``)
``Enqueue``                 ``SET VARIABLE`` ``CALLCENTER_QUEUE``,
                            ``CALLCENTER_PRIORITY``, ``CALLCENTER_SKILLS``,
                            ``CALLCENTER_LANGUAGE``, ``CALLCENTER_ATTR_<name>``
                            (other characters than letters, digits and ``_``
                            in the name become ``_``);
                            then the AGI ends and the dialplan runs ``Queue()``
``Transfer``                ``SET VARIABLE CALLCENTER_TRANSFER <to>``; the AGI ends
``RequestCallback``         ``SET VARIABLE CALLCENTER_CALLBACK <queue>`` and
                            ``CALLCENTER_CALLBACK_NUMBER``; the IVR goes on
``HangUp``, ``EndCall``     ``HANGUP``
``RejectCall``              ``SET VARIABLE CALLCENTER_REJECTED <reason>``, ``HANGUP``
==========================  ====================================================

Every command ends with ``SET VARIABLE CALLCENTER_RESULT`` telling the dialplan how
the AGI part ended (``queue``, ``transfer``, ``hangup``, ``rejected``, ``error``).
A ``HANGUP`` line from Asterisk, at any point (even before the reply of a command
in progress), gives the hotline :class:`~callcenter.ivr.CallerHungUp` and ends the
session; so do ``511`` and ``result=-1``. ``510`` and ``520`` (a command Asterisk
does not take) end the session with ``CALLCENTER_RESULT=error``.

What is left to Asterisk: the audio (sound files in the channel's language), the
queue itself (``Queue()`` with ``queues.conf``), agents, recordings' storage, and
the reports of the queue part (``queue_log``, see
:func:`~callcenter.adapters.asterisk.read_queue_log`). The hotline's contact record
of a call handed to ``Queue()`` is therefore not passed on (the queue part is not
the hotline's to report); calls that end in the IVR give theirs as usual.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import re
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from ...errors import CallCenterError, InvalidArgumentError
from ...hotline import (
    AnswerCall,
    CallArrived,
    CallCommand,
    CallInput,
    CallPhase,
    ContactFinished,
    EndCall,
    Hotline,
    HotlineInput,
    HotlineOutput,
    RejectCall,
    TicketUpdate,
)
from ...ivr import (
    AskHost,
    CallerHungUp,
    DigitsPressed,
    Enqueue,
    HangUp,
    HostAnswered,
    HostFailed,
    HostNotFound,
    Listen,
    Play,
    PromptFinished,
    Record,
    RecordingFinished,
    RequestCallback,
    Transfer,
)
from ._agi_wire import (
    MAX_LINE,
    AgiReply,
    AgiWireError,
    format_command,
    parse_environment_line,
    parse_reply,
)

__all__ = ["FastAgiServer", "HostLookup"]

_log = logging.getLogger("callcenter.adapters.asterisk")

HostLookup = Callable[[str, AskHost], Awaitable[Mapping[str, str] | None]]
"""The host's lookup: ``(call_id, AskHost) -> values`` (``None``: not found)."""

_KEYS = "0123456789*#"
_NOT_NAME = re.compile(r"[^A-Za-z0-9_]")


def _variable_name(name: str) -> str:
    """A dialplan variable's name for an attribute: ``waybill.status`` -> ``waybill_status``."""
    return _NOT_NAME.sub("_", name)[:64]


_AUDIO_SUFFIX = re.compile(r"\.(wav|gsm|ulaw|alaw|sln\d*|g722|mp3)$", re.IGNORECASE)
_SAMPLE_RATE = 8000.0
_FINISHED = CallPhase.FINISHED


class _Hangup(Exception):  # noqa: N818 - a signal inside one session, never raised out
    """The caller hung up (a HANGUP line, a 511 reply or result=-1)."""


class _Done(Exception):  # noqa: N818 - a signal inside one session, never raised out
    """The AGI part of the call is over; the dialplan goes on."""


class _Session:
    """One AGI connection: the call's pending outputs and its wire."""

    def __init__(
        self,
        server: FastAgiServer,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> None:
        self.server = server
        self.reader = reader
        self.writer = writer
        self.call_id = ""
        self.pending: deque[HotlineOutput] = deque()
        self.wake = asyncio.Event()
        self.listening = False
        self.handed_off = False
        self.closed = False
        self.hung_up = False
        self.live = False
        self.recordings = 0

    # ------------------------------------------------------------------ the wire

    async def readline(self, timeout: float) -> str:
        try:
            raw = await asyncio.wait_for(self.reader.readline(), timeout)
        except (asyncio.LimitOverrunError, ValueError):
            raise AgiWireError(f"a line longer than {MAX_LINE} bytes") from None
        if not raw:
            raise _Hangup
        if not raw.endswith(b"\n"):
            raise _Hangup  # the connection closed mid-line
        if len(raw) > MAX_LINE:
            raise AgiWireError(f"a line longer than {MAX_LINE} bytes", raw[:80])
        return raw.rstrip(b"\r\n").decode("utf-8", errors="replace")

    async def command(self, command: str, *args: str, runs: float = 0.0) -> AgiReply:
        """Send one command and read its reply; ``runs``: how long it may take."""
        if self.hung_up:
            raise _Hangup
        line = format_command(command, *args)
        self.writer.write(line)
        await self.writer.drain()
        self.server.commands_sent += 1
        timeout = runs + self.server.reply_timeout
        while True:
            text = await self.readline(timeout)
            if text == "HANGUP":
                # Asterisk tells of the hang-up at once; the reply may still follow.
                self.hung_up = True
                await self.caller_hung_up()
                timeout = min(timeout, 1.0)
                continue
            if text.startswith("520-"):
                while not text.startswith("520 "):
                    text = await self.readline(timeout)
            reply = parse_reply(text)
            if reply.code == 511:
                raise _Hangup
            if reply.code != 200:
                raise AgiWireError(f"Asterisk refused {command!r} ({reply.code})", text)
            if self.hung_up:
                raise _Hangup
            return reply

    async def set_variable(self, name: str, value: str) -> None:
        try:
            await self.command("SET VARIABLE", name, value)
        except InvalidArgumentError:
            self.server.refused_values += 1
            _log.warning("call %s: %s not set: its value holds CR, LF or NUL", self.call_id, name)

    # ------------------------------------------------------------------ the hotline

    def feed(self, item: HotlineInput) -> None:
        """Hand an input to the hotline; queue the outputs of every call."""
        server = self.server
        try:
            outputs = server.hotline.handle(item, server.clock())
        except CallCenterError as error:
            _log.warning("call %s: the hotline refused %r: %s", self.call_id, item, error)
            return
        if type(item) is CallInput and type(item.event) is DigitsPressed:
            # A key stops the prompts still to play (barge-in): the IVR has moved on.
            self.pending = deque(
                o for o in self.pending if not (type(o) is CallCommand and type(o.command) is Play)
            )
        server.dispatch(outputs)

    async def caller_hung_up(self) -> None:
        if self.live and not self.handed_off:
            self.live = False
            self.feed(CallInput(call_id=self.call_id, event=CallerHungUp()))

    # ------------------------------------------------------------------ running

    async def run(self) -> None:
        env = await self.environment()
        server = self.server
        self.call_id = call_id = env.get("uniqueid") or f"agi-{id(self)}"
        caller = env.get("callerid", "")
        name = env.get("calleridname", "")
        line = env.get("network_script", "").strip("/") or env.get("dnid", "")
        if not line or line == "unknown":
            line = env.get("extension", "")
        arrived = CallArrived(
            call_id=call_id,
            line=line,
            caller="" if caller == "unknown" else caller,
            caller_name="" if name == "unknown" else name,
        )
        server.sessions[call_id] = self
        try:
            outputs = server.hotline.handle(arrived, server.clock())
        except CallCenterError as error:
            _log.warning("call %s refused: %s", call_id, error)
            await self.set_variable("CALLCENTER_RESULT", "error")
            return
        self.live = True
        server.dispatch(outputs)
        try:
            await self.loop()
        except _Hangup:
            await self.caller_hung_up()
        except _Done:
            pass

    async def environment(self) -> dict[str, str]:
        env: dict[str, str] = {}
        while True:
            text = await self.readline(self.server.reply_timeout)
            item = parse_environment_line(text)
            if item is None:
                return env
            if len(env) >= 200:
                raise AgiWireError("more than 200 environment lines")
            env[item[0]] = item[1]

    async def loop(self) -> None:
        while True:
            if not self.pending:
                if self.listening:
                    await self.wait_for_digit()
                else:
                    self.wake.clear()
                    await self.wake.wait()
                continue
            await self.carry_out(self.pending.popleft())

    async def wait_for_digit(self) -> None:
        server = self.server
        deadline = server.hotline.next_deadline()
        wait = server.poll
        if deadline is not None:
            wait = max(0.0, min(wait, deadline - server.clock()))
        ms = max(1, math.ceil(wait * 1000))
        reply = await self.command("WAIT FOR DIGIT", str(ms), runs=wait)
        if reply.value < 0:
            raise _Hangup
        if reply.value > 0:
            key = chr(reply.value) if reply.value < 128 else ""
            if key in _KEYS and key:
                self.feed(CallInput(call_id=self.call_id, event=DigitsPressed(digits=key)))
                return
            _log.warning("call %s: WAIT FOR DIGIT gave %r", self.call_id, reply.text)
            return
        server.tick()

    async def carry_out(self, output: HotlineOutput) -> None:
        kind = type(output)
        if kind is CallCommand:
            assert isinstance(output, CallCommand)
            await self.ivr(output.command)
        elif kind is AnswerCall:
            await self.command("ANSWER")
        elif kind is RejectCall:
            assert isinstance(output, RejectCall)
            await self.set_variable("CALLCENTER_REJECTED", output.reason)
            await self.finish("rejected", hang_up=True)
        elif kind is EndCall:
            assert isinstance(output, EndCall)
            await self.finish("hangup", hang_up=True)
        # Queue, ringing and agent outputs belong to Asterisk's Queue() in this mode.

    async def ivr(self, command: object) -> None:
        kind = type(command)
        if kind is Play:
            assert isinstance(command, Play)
            self.listening = False
            sound = command.audio or command.prompt
            sound = _AUDIO_SUFFIX.sub("", sound)
            keys = _KEYS if command.barge_in else ""
            reply = await self.command("STREAM FILE", sound, keys, runs=command.seconds)
            if reply.value < 0:
                raise _Hangup
            event: Any = PromptFinished()
            if reply.value > 0:
                key = chr(reply.value) if reply.value < 128 else ""
                event = DigitsPressed(digits=key) if key and key in _KEYS else PromptFinished()
            self.feed(CallInput(call_id=self.call_id, event=event))
        elif kind is Listen:
            self.listening = True
        elif kind is AskHost:
            assert isinstance(command, AskHost)
            self.listening = False
            self.feed(CallInput(call_id=self.call_id, event=await self.ask(command)))
        elif kind is Record:
            assert isinstance(command, Record)
            self.listening = False
            self.recordings += 1
            path = f"{command.mailbox}/{self.call_id}-{self.recordings}"
            ms = str(max(1, math.ceil(command.max_seconds * 1000)))
            keys = command.terminator or "#"
            reply = await self.command(
                "RECORD FILE", path, "wav", keys, ms, runs=command.max_seconds
            )
            seconds = (reply.endpos or 0) / _SAMPLE_RATE
            if reply.value < 0 and reply.data != "timeout":
                raise _Hangup
            done = RecordingFinished(reference=path, seconds=seconds)
            self.feed(CallInput(call_id=self.call_id, event=done))
        elif kind is Enqueue:
            assert isinstance(command, Enqueue)
            await self.set_variable("CALLCENTER_QUEUE", command.queue)
            await self.set_variable("CALLCENTER_PRIORITY", str(command.priority))
            await self.set_variable("CALLCENTER_SKILLS", ",".join(command.skills))
            await self.set_variable("CALLCENTER_LANGUAGE", command.language)
            for name, value in sorted(command.attributes.items()):
                await self.set_variable(f"CALLCENTER_ATTR_{_variable_name(name)}", value)
            await self.finish("queue")
        elif kind is Transfer:
            assert isinstance(command, Transfer)
            await self.set_variable("CALLCENTER_TRANSFER", command.to)
            await self.finish("transfer")
        elif kind is RequestCallback:
            assert isinstance(command, RequestCallback)
            await self.set_variable("CALLCENTER_CALLBACK", command.queue)
            await self.set_variable("CALLCENTER_CALLBACK_NUMBER", command.number)
        elif kind is HangUp:
            await self.finish("hangup", hang_up=True)

    async def ask(self, command: AskHost) -> Any:
        lookup = self.server.lookup
        request = command.request
        if lookup is None:
            return HostFailed(request=request, reason="no lookup configured")
        try:
            values = await asyncio.wait_for(lookup(self.call_id, command), command.timeout)
        except TimeoutError:
            return HostFailed(request=request, reason="timeout")
        except Exception as error:  # the host's code: any failure is the host's
            return HostFailed(request=request, reason=type(error).__name__)
        if values is None:
            return HostNotFound(request=request)
        return HostAnswered(request=request, values=dict(values))

    async def finish(self, result: str, *, hang_up: bool = False) -> None:
        await self.set_variable("CALLCENTER_RESULT", result)
        if hang_up:
            with contextlib.suppress(_Hangup):
                await self.command("HANGUP")
        raise _Done


class FastAgiServer:
    """Serve the hotline's IVR to Asterisk over FastAGI (asyncio, one task per call).

    Args:
        hotline: The hotline whose lines and flows answer the calls. The dialplan's
            ``AGI(agi://host:port/<line>)`` names the line (its id or number);
            without a path, the dialled number (``agi_dnid``), else the extension.
        lookup: The host's lookup for the flows' ``AskHost`` nodes.
        on_output: Called with every contact record and ticket update (calls
            handed to ``Queue()`` give no record: see the module's text).
        clock: ``now`` for the hotline (POSIX seconds).
        max_connections: Calls served at once; more connections are closed at once
            (the dialplan sees ``AGISTATUS=FAILURE`` and goes on).
        reply_timeout: Seconds Asterisk may take to answer a command, on top of
            what the command itself runs (a prompt's length, a recording's).
        call_timeout: Seconds a call may stay in the IVR before it is dropped.
        poll: Longest ``WAIT FOR DIGIT``, in seconds, so that the hotline's timers
            are looked at while a caller says nothing.

    Raises:
        InvalidArgumentError: A limit that is not a positive number.

    Counters, for monitoring: ``active`` (calls served now), ``calls_served``,
    ``commands_sent``, ``refused_connections`` (over ``max_connections``),
    ``refused_values`` (variables not set: CR, LF or NUL in the value) and
    ``wire_errors`` (calls whose AGI part ended with ``CALLCENTER_RESULT=error``).
    """

    def __init__(
        self,
        hotline: Hotline,
        *,
        lookup: HostLookup | None = None,
        on_output: Callable[[HotlineOutput], None] | None = None,
        clock: Callable[[], float] = time.time,
        max_connections: int = 500,
        reply_timeout: float = 10.0,
        call_timeout: float = 3600.0,
        poll: float = 1.0,
    ) -> None:
        for name, value in (
            ("max_connections", max_connections),
            ("reply_timeout", reply_timeout),
            ("call_timeout", call_timeout),
            ("poll", poll),
        ):
            given: object = value
            if (
                isinstance(given, bool)
                or not isinstance(given, int | float)
                or not math.isfinite(given)
                or given <= 0
            ):
                raise InvalidArgumentError(name=name, expected="a number > 0", got=value)
        self.hotline = hotline
        self.lookup = lookup
        self.on_output = on_output
        self.clock = clock
        self.max_connections = int(max_connections)
        self.reply_timeout = float(reply_timeout)
        self.call_timeout = float(call_timeout)
        self.poll = float(poll)
        self.sessions: dict[str, _Session] = {}
        self.active = 0
        self.refused_connections = 0
        self.refused_values = 0
        self.wire_errors = 0
        self.commands_sent = 0
        self.calls_served = 0
        self._server: asyncio.Server | None = None
        self._ticker: asyncio.Task[None] | None = None
        self._kick = asyncio.Event()

    # ------------------------------------------------------------------ outputs

    def dispatch(self, outputs: list[HotlineOutput]) -> None:
        """Send each output to its call's session, or to ``on_output``."""
        for output in outputs:
            kind = type(output)
            if kind is ContactFinished or kind is TicketUpdate:
                call = getattr(output, "call_id", None)
                session = self.sessions.get(call) if call else None
                if kind is ContactFinished:
                    self.sessions.pop(str(call), None)
                    if session is not None and session.handed_off:
                        continue
                if self.on_output is not None:
                    self.on_output(output)
                continue
            session = self.sessions.get(getattr(output, "call_id", ""))
            if session is not None and not (session.handed_off or session.closed):
                session.pending.append(output)
                session.wake.set()
                if kind is CallCommand and type(getattr(output, "command", None)) is Enqueue:
                    # What the hotline's ACD does with the call from here on (refuse
                    # it, end it) is Queue()'s part: none of it reaches the wire.
                    session.handed_off = True
        self._kick.set()

    def tick(self) -> None:
        """Fire the hotline's timers due now and dispatch their outputs."""
        deadline = self.hotline.next_deadline()
        now = self.clock()
        if deadline is not None and deadline <= now:
            self.dispatch(self.hotline.advance(now))

    async def _tick_forever(self) -> None:
        while True:
            deadline = self.hotline.next_deadline()
            wait = self.poll if deadline is None else deadline - self.clock()
            self._kick.clear()
            if wait > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._kick.wait(), min(wait, self.poll))
                continue
            try:
                self.tick()
            except CallCenterError as error:  # a clock that went backwards
                _log.warning("timers: %s", error)
                await asyncio.sleep(self.poll)

    # ------------------------------------------------------------------ connections

    async def handle_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        """Serve one FastAGI connection (one call) until the AGI part ends."""
        if self.active >= self.max_connections:
            self.refused_connections += 1
            writer.close()
            return
        self.active += 1
        session = _Session(self, reader, writer)
        try:
            await asyncio.wait_for(session.run(), self.call_timeout)
        except (CallCenterError, TimeoutError, OSError) as error:
            # A line that is not AGI, a silent Asterisk, a value that cannot be sent,
            # a clock that went backwards: this call's AGI part ends, the server goes on.
            self.wire_errors += 1
            _log.warning("call %s: %s", session.call_id or "?", error)
            with contextlib.suppress(_Hangup, _Done, AgiWireError, OSError, TimeoutError):
                await asyncio.wait_for(session.finish("error"), 1.0)
            await session.caller_hung_up()
        except (_Hangup, _Done):
            await session.caller_hung_up()
        finally:
            self.active -= 1
            self.calls_served += 1
            if session.call_id:
                self._release(session)
            writer.close()
            with contextlib.suppress(OSError, ConnectionError):
                await writer.wait_closed()

    def _release(self, session: _Session) -> None:
        """Let the hotline forget a call whose AGI part is over.

        A call handed to ``Queue()`` (or cut) is still live in the hotline: it is
        ended there as a hang-up, and its record is not passed on for a handed-off
        call (the queue part is Asterisk's).
        """
        hotline = self.hotline
        if session.live and hotline.call_phase(session.call_id) is not _FINISHED:
            try:
                outputs = hotline.handle(
                    CallInput(call_id=session.call_id, event=CallerHungUp()), self.clock()
                )
            except CallCenterError as error:
                _log.warning("call %s: %s", session.call_id, error)
            else:
                session.closed = True  # nothing more goes to this connection
                self.dispatch(outputs)
        self.sessions.pop(session.call_id, None)

    async def start(self, host: str = "127.0.0.1", port: int = 4573) -> int:
        """Listen on ``host:port`` (``port=0``: a free one); return the port."""
        self._server = await asyncio.start_server(
            self.handle_connection, host, port, limit=MAX_LINE, backlog=1024
        )
        self._ticker = asyncio.create_task(self._tick_forever())
        socket = self._server.sockets[0]
        port_used: int = socket.getsockname()[1]
        return port_used

    async def stop(self) -> None:
        """Stop listening and the timers; calls in progress are cut."""
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
            self._ticker = None
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._server.wait_closed(), 2.0)
            self._server = None
