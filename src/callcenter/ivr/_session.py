"""The sans-I/O session engine: one caller's way through a flow.

A :class:`Session` is driven by three calls, each taking the time ``now``:

* :meth:`Session.begin` once, when the call is answered;
* :meth:`Session.handle` for every caller or host event;
* :meth:`Session.advance` when :meth:`Session.next_deadline` has passed.

Each returns the commands the adapter must carry out, in order. The engine never
reads the clock, never sleeps and never does I/O; the host asks its own database when
a :class:`~callcenter.ivr.AskHost` command comes and feeds the answer back.

The state is small and flat (current node, phase, key buffer, retry counters,
attributes, a return stack and one deadline), so :meth:`Session.to_dict` gives a
dict of a few hundred bytes that a stateless webhook server can keep between
requests.

An event outside its phase raises :class:`~callcenter.errors.IllegalTransitionError`
and changes nothing; a key that no option expects is a no-match, never an error.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from .._checks import LARGEST, check_argument
from ..errors import (
    CallCenterError,
    IllegalTransitionError,
    InvalidArgumentError,
    TimeWentBackwardsError,
)
from ._caches import calendar_reach
from ._engine import _Engine
from ._events import (
    CallerHungUp,
    CallerStatus,
    Command,
    DigitsPressed,
    HangUp,
    HostAnswered,
    HostFailed,
    HostNotFound,
    InputEvent,
    Listen,
    NodeEntered,
    Outcome,
    Play,
    PromptFinished,
    RecordingFinished,
    SessionEvent,
    SessionPhase,
    SessionResult,
    SpeechHeard,
)
from ._flow import Flow
from ._model import DIGITS, KEYS, CollectNode
from ._phases import _ENDED, _HOST, _INPUT, _NEW, _RECORD, PHASE_NAMES
from ._state import MAX_ID, STATE_VERSION, read_state, sign_state, verify_state

__all__ = ["Session"]

_LARGEST = LARGEST
_NOW_EXPECTED = f"a finite number of POSIX seconds of at most {LARGEST:g} in size"


class Session(_Engine):
    """One call's way through a :class:`~callcenter.ivr.Flow`.

    Args:
        flow: The flow (already reference-checked by its constructor).
        session_id: An id for reports (the call id).
        caller: The caller's number (attribute ``caller``).
        dialled: The number dialled (attribute ``dialled``).
        status: What the caller lists say: a blocked caller goes to the flow's
            ``on_blocked`` node or is hung up at once; a VIP caller gets the
            attribute ``caller_status = "vip"`` for branches to test.
        attributes: Further attributes (call data from the adapter or the host).
        language: The starting language (default: the flow's first language).

    Raises:
        InvalidArgumentError: ``language`` is not one of the flow's languages, an id
            or number is not a text of at most 256 characters, or an attribute is
            not text.

    Phases (the transition table; :attr:`phase` names the current one):

    =========  ===============================================  ====================
    phase      legal events                                     leaves to
    =========  ===============================================  ====================
    new        none: call :meth:`begin`                         any
    play       PromptFinished; keys, speech (ignored); hang-up  next node
    input      keys, speech, PromptFinished, hang-up            next node, or retry
    host       HostAnswered, HostNotFound, HostFailed; keys,    next node
               speech (ignored); hang-up
    record     PromptFinished (of the prompt before),           next node
               RecordingFinished; keys (ignored); hang-up
    ended      none                                             --
    =========  ===============================================  ====================

    >>> from callcenter.ivr import FlowBuilder, DigitsPressed, PromptFinished
    >>> flow = (FlowBuilder("demo", start="menu")
    ...     .prompt("hello", zh="查询请按1")
    ...     .menu("menu", prompt="hello", options={"1": "agent"}, on_no_input="agent",
    ...           on_no_match="agent")
    ...     .enqueue("agent", queue="general")
    ...     .build())
    >>> session = Session(flow, session_id="c1", caller="13800138000", dialled="4008001234")
    >>> [type(c).__name__ for c in session.begin(now=0.0)]
    ['Play', 'Listen']
    >>> [type(c).__name__ for c in session.handle(DigitsPressed(digits="1"), now=2.0)]
    ['Enqueue']
    >>> session.result
    <SessionResult.ENQUEUED: 'enqueued'>
    """

    __slots__ = ()

    def __init__(
        self,
        flow: Flow,
        *,
        session_id: str,
        caller: str = "",
        dialled: str = "",
        status: CallerStatus = CallerStatus.NORMAL,
        attributes: Mapping[str, str] | None = None,
        language: str | None = None,
    ) -> None:
        lang: object = flow.default_language if language is None else language
        if not isinstance(lang, str) or lang not in flow.languages:
            raise InvalidArgumentError(
                name="language", expected=f"one of {list(flow.languages)}", got=language
            )
        if (
            type(session_id) is not str
            or type(caller) is not str
            or type(dialled) is not str
            or len(session_id) > MAX_ID
            or len(caller) > MAX_ID
            or len(dialled) > MAX_ID
        ):
            given: tuple[object, ...] = (session_id, caller, dialled)
            for name, value in zip(("session_id", "caller", "dialled"), given, strict=True):
                if not isinstance(value, str) or len(value) > MAX_ID:
                    raise InvalidArgumentError(
                        name=name, expected=f"a text of at most {MAX_ID} characters", got=value
                    )
        extra: object = attributes
        if extra and (
            not isinstance(extra, Mapping)
            or not all(isinstance(k, str) and isinstance(v, str) for k, v in extra.items())
        ):
            raise InvalidArgumentError(
                name="attributes", expected="a mapping of text to text", got=attributes
            )
        if status.__class__ is not CallerStatus:
            raise InvalidArgumentError(name="status", expected="a CallerStatus", got=status)
        self._flow = flow
        self._reach = calendar_reach(flow)
        self._id = session_id
        self._attrs: dict[str, str] = {**flow.attributes, **(attributes or {})}
        self._attrs["caller"] = caller
        self._attrs["dialled"] = dialled
        if status is not CallerStatus.NORMAL:
            self._attrs["caller_status"] = status.value
        self._blocked = status is CallerStatus.BLOCKED
        self._gone = False
        self._done = False
        self._term = ""
        self._lang = lang
        self._node: str = flow.start
        self._phase = _NEW
        self._playing = 0
        self._buffer = ""
        self._pending: str | None = None
        self._ni = 0
        self._nm = 0
        self._steps = 0
        self._stack: list[str] = []
        self._deadline: float | None = None
        self._request = 0
        self._now = -math.inf
        self._t = 0.0
        self._seen: set[str] = set()
        self._result: SessionResult | None = None
        self._events: list[SessionEvent] = []

    # ------------------------------------------------------------------ inspection

    @property
    def session_id(self) -> str:
        """The session's id."""
        return self._id

    @property
    def flow(self) -> Flow:
        """The flow the session runs."""
        return self._flow

    @property
    def node(self) -> str:
        """The current node's id."""
        return self._node

    @property
    def phase(self) -> SessionPhase:
        """What the session waits for: new, play, input, host, record or ended."""
        return PHASE_NAMES[self._phase]

    @property
    def attributes(self) -> dict[str, str]:
        """A copy of the session's attributes."""
        return dict(self._attrs)

    @property
    def language(self) -> str:
        """The caller's language."""
        return self._lang

    @property
    def steps(self) -> int:
        """Nodes entered so far (what the step guard counts)."""
        return self._steps

    @property
    def ended(self) -> bool:
        """Whether the session has ended."""
        return self._phase == _ENDED

    @property
    def result(self) -> SessionResult | None:
        """How the session ended, or ``None`` while it runs."""
        return self._result

    def next_deadline(self) -> float | None:
        """When the session next needs :meth:`advance`, or ``None``."""
        return self._deadline

    def take_events(self) -> list[SessionEvent]:
        """Return and forget the node and session events reported so far."""
        events = self._events
        self._events = []
        return events

    # ------------------------------------------------------------------ driving

    def _check_now(self, now: float) -> float:
        if type(now) is not float:
            if isinstance(now, bool) or not isinstance(now, int) or not -LARGEST <= now <= LARGEST:
                raise InvalidArgumentError(name="now", expected=_NOW_EXPECTED, got=now)
            now = float(now)
        if not self._now <= now <= _LARGEST or now < -_LARGEST:
            if now != now or not -_LARGEST <= now <= _LARGEST:
                raise InvalidArgumentError(name="now", expected=_NOW_EXPECTED, got=now)
            raise TimeWentBackwardsError(now=now, last=self._now)
        return now

    def begin(self, now: float) -> list[Command]:
        """Start the session at ``now``: enter the start node (or the blocked route).

        Returns:
            The first commands (usually a :class:`~callcenter.ivr.Play` and a
            :class:`~callcenter.ivr.Listen`).

        Raises:
            IllegalTransitionError: The session has already begun.
            InvalidArgumentError: ``now`` is not a finite number.
            TimeWentBackwardsError: ``now`` is before a time given to :meth:`advance`.
        """
        now = self._check_now(now)
        if self._phase != _NEW:
            raise IllegalTransitionError(
                entity=f"session {self._id!r}", state=self.phase, action="begin", allowed=()
            )
        saved = self._save()
        self._now = self._t = now
        out: list[Command] = []
        try:
            target = self._flow.on_blocked if self._blocked else self._flow.start
            if target is None:
                self._steps = 1
                self._events.append(
                    NodeEntered(session=self._id, node=self._node, kind="blocked", at=now)
                )
                out.append(HangUp(node=self._node, reason="blocked"))
                self._end(SessionResult.BLOCKED)
            else:
                self._goto(target, out)
        except Exception as error:
            raise self._undo(saved, error, now) from error
        return out

    def handle(self, event: InputEvent, now: float) -> list[Command]:
        """Feed one event at ``now``; returns the commands that follow.

        Events are taken in the order they are fed, and a deadline fires only in
        :meth:`advance`: a driver that wants a timeout due by ``now`` to count first
        calls ``advance(now)`` before ``handle`` (the scripted caller does).

        Raises:
            IllegalTransitionError: The event is not legal in the session's phase
                (e.g. a host answer when no lookup is pending, or anything after the
                session ended). The session is unchanged.
            InvalidArgumentError: Keys other than 0-9, * and #, or a bad ``now``.
            TimeWentBackwardsError: ``now`` is before the last time seen.
        """
        if type(now) is not float or not self._now <= now <= _LARGEST:  # fast path: a plain float
            now = self._check_now(now)
        handler = _HANDLERS.get(type(event))
        if handler is None:
            raise InvalidArgumentError(
                name="event", expected="one of the session input events", got=event
            )
        if self._phase == _ENDED or self._phase == _NEW:
            self._illegal(event, ())
        out: list[Command] = []
        saved = self._save() if self._node in self._reach else None
        try:
            if self._term and handler is not Session._on_digits:
                self._term = ""  # something else happened since the full value
            handler(self, event, now, out)
        except Exception as error:
            raise self._undo(saved, error, now) from error
        return out

    # All or nothing: every input is checked before anything changes; a call that can
    # still fail half-way (one that may reach a calendar, which may not be able to
    # answer for ``now``) keeps a snapshot and puts back the state it found.

    def _save(self) -> tuple[Any, ...]:
        return (
            self._node,
            self._phase,
            self._buffer,
            self._pending,
            self._ni,
            self._nm,
            self._steps,
            self._deadline,
            self._request,
            self._playing,
            self._now,
            self._t,
            self._lang,
            self._gone,
            self._done,
            self._term,
            self._result,
            len(self._events),
            self._attrs,
            self._stack,
            self._seen,
        )

    def _undo(self, saved: tuple[Any, ...] | None, error: Exception, now: float) -> Exception:
        """Put back the state of ``saved``; return the library error to raise for ``error``.

        Without a snapshot (a call that cannot reach a calendar, which no input
        makes fail half-way once it has been checked) the error is a defect of the
        engine and goes up as it is.
        """
        if saved is None:
            return error
        (
            self._node,
            self._phase,
            self._buffer,
            self._pending,
            self._ni,
            self._nm,
            self._steps,
            self._deadline,
            self._request,
            self._playing,
            self._now,
            self._t,
            self._lang,
            self._gone,
            self._done,
            self._term,
            self._result,
            events,
            self._attrs,
            self._stack,
            self._seen,
        ) = saved
        del self._events[events:]
        if isinstance(error, CallCenterError):
            return error
        if isinstance(error, ArithmeticError | ValueError | OSError):
            # What datetime and zoneinfo raise for a time they cannot represent.
            return InvalidArgumentError(
                name="now",
                expected=f"a time the flow's calendars can answer for ({error})",
                got=now,
            )
        return error

    # Each handler validates its event completely, then moves the clock and acts.

    def _on_digits(self, event: DigitsPressed, now: float, out: list[Command]) -> None:
        digits = event.digits
        given: object = digits
        if not isinstance(given, str) or not digits or not KEYS.issuperset(digits):
            raise InvalidArgumentError(
                name="digits", expected="one or more of the keys 0-9, * and #", got=digits
            )
        self._now = self._t = now
        # Keys count only while a node listens. In other phases they are ignored: a
        # prompt without barge-in plays on, a lookup goes on, and a recording is ended
        # by the telephony side's report.
        index, size = 0, len(digits)
        if self._term:
            index = self._skip_terminator(digits, 0)
        nodes = self._flow.nodes
        while index < size and self._phase == _INPUT:
            node = nodes[self._node]
            ch = digits[index]
            if type(node) is CollectNode:
                if self._pending is not None and ch == node.terminator:
                    index += 1  # the terminator only ends collection, never confirms
                    continue
                if self._buffer and self._pending is None and ch in DIGITS:
                    if out:
                        _interrupted(out)
                    index = self._collect_digits(node, digits, index, out)
                    if self._term:
                        index = self._skip_terminator(digits, index)
                    continue
            if out:
                _interrupted(out)
            self._key(ch, out)
            index += 1
            if self._term:
                index = self._skip_terminator(digits, index)
        if size > 1 and len(out) > 1:
            self._in_force(out)

    def _skip_terminator(self, digits: str, index: int) -> int:
        """Pass over a terminator pressed right after a full value (it only ended it)."""
        if index < len(digits):
            term = self._term
            self._term = ""
            if digits[index] == term:
                return index + 1
        return index

    def _in_force(self, out: list[Command]) -> None:
        """Keep only the last :class:`Listen` of a batch, and only while the session listens."""
        last = -1
        if self._phase == _INPUT:
            for index in range(len(out) - 1, -1, -1):
                if type(out[index]) is Listen:
                    last = index
                    break
        out[:] = [c for i, c in enumerate(out) if type(c) is not Listen or i == last]

    def _on_prompt_finished(self, event: PromptFinished, now: float, out: list[Command]) -> None:
        phase = self._phase
        if phase == _HOST or (phase == _RECORD and self._playing == 0):
            self._illegal(event, ("RecordingFinished",) if phase == _RECORD else ())
        self._now = self._t = now
        self._prompt_finished(out)

    def _on_speech(self, event: SpeechHeard, now: float, out: list[Command]) -> None:
        text: object = event.text
        if not isinstance(text, str):
            raise InvalidArgumentError(name="text", expected="the recognised text", got=text)
        self._now = self._t = now
        if self._phase == _INPUT:
            self._speech(event.text, out)

    def _on_hang_up(self, event: CallerHungUp, now: float, out: list[Command]) -> None:
        if self._gone:
            self._illegal(event, ())
        self._now = self._t = now
        self._done = getattr(self._flow.nodes[self._node], "hangup_result", None) == "completed"
        self._exit(Outcome.HANGUP)
        if self._flow.on_hangup is None:
            self._end(SessionResult.ABANDONED)
        else:
            # Wrap up without the caller: the nodes from on_hangup run until one that
            # would need the caller, a hang-up, or the end of a lookup.
            self._gone = True
            self._goto(self._flow.on_hangup, out)

    def _on_recording(self, event: RecordingFinished, now: float, out: list[Command]) -> None:
        if self._phase != _RECORD or self._playing:
            self._illegal(event, ())
        reference: object = event.reference
        if not isinstance(reference, str):
            raise InvalidArgumentError(
                name="reference", expected="the recording's name (text)", got=reference
            )
        check_argument("seconds", event.seconds, minimum=0)
        self._now = self._t = now
        self._recording_finished(event, out)

    def _on_host(
        self, event: HostAnswered | HostNotFound | HostFailed, now: float, out: list[Command]
    ) -> None:
        if self._phase != _HOST:
            self._illegal(event, ())
        if event.request != self._request:
            raise IllegalTransitionError(
                entity=f"session {self._id!r}",
                state=f"waiting for the answer to request {self._request}",
                action=f"accept an answer to request {event.request}",
                allowed=(f"an answer to request {self._request}",),
            )
        if type(event) is HostAnswered:
            values: object = event.values
            if not isinstance(values, Mapping) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in values.items()
            ):
                raise InvalidArgumentError(
                    name="values", expected="a mapping of text to text", got=event.values
                )
        self._now = self._t = now
        self._host(event, out)

    def advance(self, now: float) -> list[Command]:
        """Let time pass to ``now``, firing the deadline if it is due.

        Raises:
            InvalidArgumentError: ``now`` is not a finite number.
            TimeWentBackwardsError: ``now`` is before the last time seen.
        """
        now = self._check_now(now)
        out: list[Command] = []
        if self._deadline is not None and self._deadline <= now:
            saved = self._save() if self._node in self._reach else None
            try:
                self._term = ""
                self._fire_due(now, out)
            except Exception as error:
                raise self._undo(saved, error, now) from error
        self._now = self._t = now
        return out

    # ------------------------------------------------------------------ state

    def to_dict(self) -> dict[str, Any]:
        """The session's state as a small JSON-ready dict (see :meth:`from_dict`).

        Events not yet collected with :meth:`take_events` are not part of the state.

        >>> from callcenter.ivr import FlowBuilder
        >>> flow = (FlowBuilder("demo", start="bye").hangup("bye").build())
        >>> session = Session(flow, session_id="c1", caller="1", dialled="2")
        >>> sorted(session.to_dict())
        ['a', 'f', 'id', 'n', 'p', 'v']
        """
        state: dict[str, Any] = {
            "v": STATE_VERSION,
            "f": self._flow.name,
            "id": self._id,
            "n": self._node,
            "p": self._phase,
            "a": self._attrs,
        }
        if self._now != -math.inf:
            state["t"] = self._now
        optional: tuple[tuple[str, object, object], ...] = (
            ("pl", self._playing, 0),
            ("b", self._buffer, ""),
            ("c", self._pending, None),
            ("i", self._ni, 0),
            ("m", self._nm, 0),
            ("s", self._steps, 0),
            ("k", self._stack, []),
            ("d", self._deadline, None),
            ("r", self._request, 0),
            ("sn", sorted(self._seen), []),
            ("x", self._blocked, False),
            ("g", self._gone, False),
            ("dn", self._done, False),
            ("tm", self._term, ""),
            ("res", self._result.value if self._result else None, None),
        )
        for key, value, default in optional:
            if value != default:
                state[key] = list(value) if isinstance(value, list) else value
        if self._lang != self._flow.default_language:
            state["l"] = self._lang
        state["a"] = dict(self._attrs)
        return state

    @classmethod
    def from_dict(cls, flow: Flow, data: Mapping[str, Any]) -> Session:
        """Rebuild a session from :meth:`to_dict` output, for the same flow.

        Every field is checked against the flow first (types, node ids, the phase
        that fits the node, the keys typed so far, a value waiting for
        confirmation, retry counters, the return stack, times), so a state that was
        edited while stored cannot put the session where the flow never goes. A
        state kept outside the host's control should also be signed: see
        :meth:`to_token`.

        Raises:
            InvalidArgumentError: The data is not a state a session of this flow can
                be in; the error names the field.
        """
        fields = read_state(flow, data)
        session = cls.__new__(cls)
        session._flow = flow
        session._reach = calendar_reach(flow)
        session._id = fields["id"]
        session._attrs = fields["attributes"]
        session._blocked = fields["blocked"]
        session._gone = fields["gone"]
        session._done = fields["done"]
        session._term = fields["term"]
        session._lang = fields["language"]
        session._node = fields["node"]
        session._phase = fields["phase"]
        session._playing = fields["playing"]
        session._buffer = fields["buffer"]
        session._pending = fields["pending"]
        session._ni = fields["no_inputs"]
        session._nm = fields["no_matches"]
        session._steps = fields["steps"]
        session._stack = fields["stack"]
        session._deadline = fields["deadline"]
        session._request = fields["request"]
        now = fields["now"]
        session._now = -math.inf if now is None else now
        session._t = 0.0 if now is None else now
        session._seen = fields["seen"]
        session._result = fields["result"]
        session._events = []
        return session

    def to_token(self, *, key: bytes, key_id: str) -> str:
        """The state of :meth:`to_dict`, signed with a host key (HMAC-SHA256).

        For a host that hands the state to a client between requests; read it back
        with :meth:`from_token`. The token is signed, not encrypted: it holds the
        session's attributes in the clear.

        Raises:
            InvalidArgumentError: The key is shorter than 16 bytes or the key id
                is not 1-64 letters, digits, ``_`` or ``-``.
        """
        return sign_state(self.to_dict(), key=key, key_id=key_id)

    @classmethod
    def from_token(cls, flow: Flow, token: str, *, keys: Mapping[str, bytes]) -> Session:
        """Rebuild a session from a :meth:`to_token` token after checking its signature.

        Args:
            flow: The session's flow.
            token: The token.
            keys: Key id to key, every key still accepted (old and new while keys
                are rotated).

        Raises:
            InvalidArgumentError: The token is malformed, its key id unknown, its
                signature wrong (checked in constant time), or its state not one of
                this flow.
        """
        return cls.from_dict(flow, verify_state(token, keys=keys))


def _interrupted(out: list[Command]) -> None:
    """Drop the prompts a further key of the same batch has barged in on."""
    out[:] = [c for c in out if type(c) is not Play]


# The event handlers, by event class: what each input does.
_HANDLERS: dict[type, Callable[[Session, Any, float, list[Command]], None]] = {
    DigitsPressed: Session._on_digits,
    PromptFinished: Session._on_prompt_finished,
    SpeechHeard: Session._on_speech,
    CallerHungUp: Session._on_hang_up,
    RecordingFinished: Session._on_recording,
    HostAnswered: Session._on_host,
    HostNotFound: Session._on_host,
    HostFailed: Session._on_host,
}
