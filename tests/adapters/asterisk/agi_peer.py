"""Asterisk's side of FastAGI, for the tests: written from Asterisk's AGI documentation.

The documentation ("Asterisk Gateway Interface (AGI)" and the "AGI Commands" pages
of docs.asterisk.org) gives what the peer does:

* on connecting, the channel's variables as ``agi_<name>: <value>`` lines, then an
  empty line;
* a command line is words separated by blanks; double quotes group words into one
  argument, and a backslash makes the next character literal, inside quotes or not
  (:func:`parse_args`);
* the replies: ``200 result=<n>`` (``STREAM FILE``: ``0`` when the file played to
  its end, else the ASCII code of the key that stopped it, ``endpos=`` the sample
  reached; ``WAIT FOR DIGIT``: the key's code or ``0`` on timeout; ``RECORD FILE``:
  ``0 (timeout)`` or the key's code ``(dtmf)``, with ``endpos=``; ``-1`` on hang-up),
  ``510 Invalid or unknown command``, ``511 Command Not Permitted on a dead channel
  or intercept routine``, ``520-Invalid command syntax.  Proper usage follows:`` ...
  ``520 End of proper usage.``;
* when the caller hangs up, the line ``HANGUP``, at once, whatever is in progress.

The caller is a list of actions, each at its time, done in order as the server's
commands give the occasion: a sound file plays for its length (``lengths``) unless a key
it takes or a hang-up comes first, ``WAIT FOR DIGIT`` waits its milliseconds for a
key, and the peer moves the server's clock as the channel's time passes (to an
action's time, or by the time a prompt or a wait took).
"""

from __future__ import annotations

import asyncio
import contextlib
import math

import attrs

_KNOWN = (
    "ANSWER",
    "STREAM FILE",
    "WAIT FOR DIGIT",
    "RECORD FILE",
    "SET VARIABLE",
    "HANGUP",
)
PROMPT_SECONDS = 2.0
"""How long a sound file plays when the test gives no length for it."""

_DEAD = b"511 Command Not Permitted on a dead channel or intercept routine\n"
_USAGE = {"STREAM FILE": 2, "WAIT FOR DIGIT": 1, "RECORD FILE": 4, "SET VARIABLE": 2}


def parse_args(line: str) -> list[str]:
    """Split a command line into words as AGI does (quotes group, backslash escapes)."""
    words: list[str] = []
    current: list[str] = []
    quoted = escaped = False
    in_word = False
    for ch in line:
        if ch == '"' and not escaped:
            quoted = not quoted
            if quoted and not in_word:
                in_word = True  # an opening quote starts a word, even an empty one
            continue
        if ch in " \t" and not quoted and not escaped:
            if in_word:
                words.append("".join(current))
                current = []
                in_word = False
            continue
        if ch == "\\" and not escaped:
            escaped = True
            continue
        in_word = True
        current.append(ch)
        escaped = False
    if in_word:
        words.append("".join(current))
    return words


class FakeClock:
    """The server's ``now``, moved by the peer."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@attrs.frozen
class Keys:
    """The caller presses keys (one per STREAM FILE that allows them or WAIT FOR DIGIT)."""

    at: float
    digits: str


@attrs.frozen
class Finish:
    """The prompt being played plays to its end."""

    at: float


@attrs.frozen
class Recorded:
    """The recording in progress ends (timeout or the terminator) after ``seconds``."""

    at: float
    seconds: float


@attrs.frozen
class Hangs:
    """The caller hangs up, the HANGUP line coming before the reply of the command."""

    at: float


Action = Keys | Finish | Recorded | Hangs


@attrs.define
class Peer:
    """One call as Asterisk plays it."""

    env: dict[str, str]
    actions: list[Action]
    clock: FakeClock
    refuse: dict[str, str] = attrs.field(factory=dict)  # command -> "510" / "520"
    silent: bool = False  # never answer (a stuck channel)
    transcript: list[tuple[str, bytes]] = attrs.field(factory=list)
    commands: list[list[str]] = attrs.field(factory=list)
    variables: dict[str, str] = attrs.field(factory=dict)
    closed_by_server: bool = False
    typing: bool = False  # the caller is half-way through a Keys action
    lengths: dict[str, float] = attrs.field(factory=dict)  # sound file -> seconds
    raw_environment: bytes | None = None  # sent instead of the env block (hostile tests)

    def environment(self) -> bytes:
        if self.raw_environment is not None:
            return self.raw_environment
        lines = [f"agi_{name}: {value}\n" for name, value in self.env.items()]
        return ("".join(lines) + "\n").encode()

    async def run(self, port: int, *, timeout: float = 10.0) -> Peer:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            await asyncio.wait_for(self._talk(reader, writer), timeout)
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError, OSError):
                await writer.wait_closed()
        return self

    def _send(self, writer: asyncio.StreamWriter, data: bytes) -> None:
        self.transcript.append(("asterisk", data))
        writer.write(data)

    async def _talk(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._send(writer, self.environment())
        hung_up = False
        while True:
            raw = await reader.readline()
            if not raw:
                self.closed_by_server = True
                return
            self.transcript.append(("server", raw))
            assert raw.endswith(b"\n")
            argv = parse_args(raw[:-1].decode())
            self.commands.append(argv)
            if self.silent:
                continue
            if hung_up:
                self._send(
                    writer, b"511 Command Not Permitted on a dead channel or intercept routine\n"
                )
                continue
            name = next((k for k in _KNOWN if argv[: len(k.split())] == k.split()), None)
            refusal = self.refuse.get(name or "")
            if name is None or refusal == "510":
                self._send(writer, b"510 Invalid or unknown command\n")
                continue
            args = argv[len(name.split()) :]
            if refusal == "520" or len(args) < _USAGE.get(name, 0):
                self._send(
                    writer,
                    b"520-Invalid command syntax.  Proper usage follows:\n"
                    b" Usage: " + name.encode() + b"\n"
                    b"520 End of proper usage.\n",
                )
                continue
            reply, hung_up = self._reply(name, args)
            self._send(writer, reply)
            if name == "HANGUP":
                hung_up = True
            await writer.drain()

    def _next(self) -> Action | None:
        return self.actions[0] if self.actions else None

    def _due(self, action: Action | None, within: float) -> bool:
        """Whether ``action`` happens within ``within`` seconds; if so the clock goes there."""
        if action is None or action.at > self.clock.now + within:
            return False
        self.clock.now = max(self.clock.now, action.at)
        return True

    def _reply(self, name: str, args: list[str]) -> tuple[bytes, bool]:
        if name == "SET VARIABLE":
            self.variables[args[0]] = args[1]
            return b"200 result=1\n", False
        if name in ("ANSWER",):
            return b"200 result=0\n", False
        if name == "HANGUP":
            return b"200 result=1\n", False
        action = self._next()
        reads_keys = name == "WAIT FOR DIGIT" or (name == "STREAM FILE" and args[1])
        if self.typing and not reads_keys:
            # Keys pressed while nothing reads them are lost, as on a real channel.
            self.actions.pop(0)
            self.typing = False
            action = self._next()
        if name == "STREAM FILE":
            length = self.lengths.get(args[0], PROMPT_SECONDS)
            reply = self._stream(args[1], action, length)
            return reply, reply.startswith(b"HANGUP")
        if name == "WAIT FOR DIGIT":
            wait = int(args[0]) / 1000 if args[0].lstrip("-").isdigit() else 0.0
            if isinstance(action, Hangs | Keys) and self._due(action, wait):
                reply = self._act(action, b"")
                return reply, reply.startswith(b"HANGUP")
            self.clock.now += max(wait, 0.0)  # nobody pressed anything: the wait ran out
            return b"200 result=0\n", False
        if name == "RECORD FILE":
            if isinstance(action, Hangs) and self._due(action, math.inf):
                return self._act(action, b""), True
            if isinstance(action, Recorded) and self._due(action, math.inf):
                self.actions.pop(0)
                samples = round(action.seconds * 8000)
                return f"200 result=0 (timeout) endpos={samples}\n".encode(), False
            return b"200 result=0 (timeout) endpos=0\n", False
        raise AssertionError(name)

    def _stream(self, escape: str, action: Action | None, length: float) -> bytes:
        """A prompt plays for ``length`` s unless a key in ``escape`` or a hang-up stops it."""
        while isinstance(action, Keys) and self._due(action, length):
            if action.digits[0] in escape:
                return self._act(action, b" endpos=4000")
            self._act(action, b"")  # a key the prompt does not take is lost
            action = self._next()
        if isinstance(action, Hangs) and self._due(action, length):
            return self._act(action, b"")
        if isinstance(action, Finish) and self._due(action, math.inf):
            self.actions.pop(0)
        else:
            self.clock.now += length
        return f"200 result=0 endpos={round(length * 8000)}\n".encode()

    def _act(self, action: Keys | Hangs, tail: bytes) -> bytes:
        if isinstance(action, Hangs):
            self.actions.pop(0)
            self.typing = False
            return b"HANGUP\n200 result=-1\n"
        return self._key(action, tail)

    def _key(self, action: Keys, tail: bytes) -> bytes:
        key = action.digits[0]
        self.typing = len(action.digits) > 1
        if len(action.digits) == 1:
            self.actions.pop(0)
        else:
            self.actions[0] = Keys(action.at, action.digits[1:])
        return b"200 result=" + str(ord(key)).encode() + tail + b"\n"


def environment(
    uniqueid: str, callerid: str, *, script: str = "4008001234", name: str = "unknown"
) -> dict[str, str]:
    """A FastAGI environment block as Asterisk 20 sends it (values of a PJSIP call)."""
    return {
        "network": "yes",
        "network_script": script,
        "request": f"agi://127.0.0.1/{script}",
        "channel": f"PJSIP/trunk-{uniqueid}",
        "language": "zh",
        "type": "PJSIP",
        "uniqueid": uniqueid,
        "version": "20.5.0",
        "callerid": callerid,
        "calleridname": name,
        "callingpres": "0",
        "callingani2": "0",
        "callington": "0",
        "callingtns": "0",
        "dnid": "4008001234",
        "rdnis": "unknown",
        "context": "from-trunk",
        "extension": "4008001234",
        "priority": "2",
        "enhanced": "0.0",
        "accountcode": "",
        "threadid": "140000000000000",
    }
