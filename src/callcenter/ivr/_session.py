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
Which inputs are legal in which phase, and whether they move the session or are
only checked, is the table of :mod:`._rules`; this module is what the session does.
Entering a node is the other table, :data:`_RUNNERS` (node class to runner).
"""

from __future__ import annotations

import datetime
import math
import operator
import re
from collections.abc import Callable, Mapping
from typing import Any, cast

from .._checks import check_argument
from .._clock import as_instant
from ..errors import (
    CallCenterError,
    IllegalTransitionError,
    InvalidArgumentError,
    TimeWentBackwardsError,
)
from ._caches import ChoiceNode, InputNode, calendar_reach, choices, holidays, open_at
from ._events import (
    AskHost,
    CallerHungUp,
    CallerStatus,
    Command,
    DigitsPressed,
    Enqueue,
    HangUp,
    HostAnswered,
    HostFailed,
    HostNotFound,
    InputEvent,
    Listen,
    NodeEntered,
    NodeExited,
    NodeOutcome,
    Play,
    PromptFinished,
    Record,
    RecordingFinished,
    RequestCallback,
    SessionEnded,
    SessionEvent,
    SessionPhase,
    SessionResult,
    SpeechHeard,
    SurveyAnswered,
    Transfer,
)
from ._flow import Flow
from ._model import (
    CALLER_KINDS,
    DIGITS,
    KEYS,
    REPEAT,
    BranchNode,
    CallbackNode,
    CallNode,
    CollectNode,
    EnqueueNode,
    HangUpNode,
    HoursNode,
    LanguageNode,
    LookupNode,
    MenuNode,
    RecordNode,
    ReturnNode,
    SayNode,
    SetAttributesNode,
    SurveyNode,
    TransferNode,
)
from ._prompts import listen_command, play_command, render
from ._rules import (
    _ENDED,
    _HOST,
    _HOST_GONE,
    _INPUT,
    _NEW,
    _PLAY,
    _RECORD,
    _RECORDING,
    INPUTS,
    PHASE_NAMES,
    RULES,
    Act,
    allowed,
)
from ._state import MAX_ID, STATE_VERSION, read_state, sign_state, verify_state

__all__ = ["Session"]

_MAX_STACK = 8


# What a snapshot holds (with the length of the event list): every field that a call
# changes. Attributes, stack and heard prompts are replaced, never changed in place,
# so keeping the objects keeps their contents.
_SAVED_STATE = (
    "_node",
    "_phase",
    "_buffer",
    "_pending",
    "_ni",
    "_nm",
    "_steps",
    "_deadline",
    "_request",
    "_playing",
    "_now",
    "_t",
    "_lang",
    "_gone",
    "_done",
    "_term",
    "_result",
    "_attrs",
    "_stack",
    "_seen",
)
_read_state = operator.attrgetter(*_SAVED_STATE)


class Session:
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

    Phases: :attr:`phase` names what the session waits for (new, play, input,
    host, record, ended). Which inputs it handles, ignores or refuses in each is one
    table, ``callcenter.ivr._rules.RULES``, that :meth:`handle` looks up; the
    reference page "IVR session rules" shows it with the phase diagram.

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

    # The state. The attributes, the return stack and the set of nodes heard are
    # never changed in place but replaced by a changed copy (they change far less
    # often than the engine is called), so a call can keep the ones it found and put
    # them back if it fails.
    __slots__ = (
        "_attrs",
        "_blocked",
        "_buffer",
        "_deadline",
        "_done",
        "_events",
        "_flow",
        "_gone",
        "_id",
        "_lang",
        "_ni",
        "_nm",
        "_node",
        "_now",
        "_pending",
        "_phase",
        "_playing",
        "_reach",
        "_request",
        "_result",
        "_seen",
        "_stack",
        "_steps",
        "_t",
        "_term",
    )

    _attrs: dict[str, str]
    _blocked: bool
    _buffer: str
    _deadline: float | None
    _done: bool
    _events: list[SessionEvent]
    _flow: Flow
    _gone: bool
    _id: str
    _lang: str
    _nm: int
    _ni: int
    _node: str
    _now: float
    _pending: str | None
    _phase: int
    _playing: int
    """Prompts returned and not yet reported finished."""
    _reach: frozenset[str]
    _request: int
    _result: SessionResult | None
    _seen: set[str]
    _stack: list[str]
    _steps: int
    _t: float
    _term: str

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
        """``now`` as a valid time (the shared check) not before the last one seen."""
        value = as_instant(now)
        if value < self._now:
            raise TimeWentBackwardsError(now=value, last=self._now)
        return value

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
        # The usual case first: a finite float not before the last time (``now - now``
        # is NaN for infinities); anything else takes the shared check.
        if type(now) is not float or not (self._now <= now and now - now == 0.0):
            now = self._check_now(now)
        # One lookup in the rules: the row of the situation, then the input's type.
        row = self._phase
        if row == _RECORD:
            if not self._playing:
                row = _RECORDING
        elif row == _HOST and self._gone:
            row = _HOST_GONE
        handler = _DISPATCH[row].get(type(event))
        if handler is None:
            if type(event) not in _INPUT_TYPES:
                raise InvalidArgumentError(
                    name="event", expected="one of the session input events", got=event
                )
            raise self._refusal(event, row)
        out: list[Command] = []
        saved = self._save() if self._node in self._reach else None
        term = self._term
        try:
            if term and handler is not Session._on_digits:
                self._term = ""  # something else happened since the full value
            handler(self, event, now, out)
        except Exception as error:
            self._term = term  # (an input that fails its checks changes nothing)
            raise self._undo(saved, error, now) from error
        return out

    # All or nothing: every input is checked before anything changes; a call that can
    # still fail half-way (one that may reach a calendar, which may not be able to
    # answer for ``now``) keeps a snapshot and puts back the state it found.

    def _save(self) -> tuple[Any, ...]:
        return _read_state(self), len(self._events)

    def _undo(self, saved: tuple[Any, ...] | None, error: Exception, now: float) -> Exception:
        """Put back the state of ``saved``; return the library error to raise for ``error``.

        Without a snapshot (a call that cannot reach a calendar, which no input
        makes fail half-way once it has been checked) the error is a defect of the
        engine and goes up as it is.
        """
        if saved is None:
            return error
        values, events = saved
        for name, value in zip(_SAVED_STATE, values, strict=True):
            setattr(self, name, value)
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
        digits = _checked_digits(event)
        self._now = self._t = now
        # The rules bring keys here only while a node listens; the keys of a batch
        # after one that moved the session on (to a prompt without barge-in, a
        # lookup, a recording, the end) count no more, as in those phases.
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
        self._now = self._t = now
        self._prompt_finished(out)

    def _on_speech(self, event: SpeechHeard, now: float, out: list[Command]) -> None:
        text = _checked_text(event)
        self._now = self._t = now
        self._speech(text, out)

    def _on_hang_up(self, event: CallerHungUp, now: float, out: list[Command]) -> None:
        self._now = self._t = now
        self._done = getattr(self._flow.nodes[self._node], "hangup_result", None) == "completed"
        self._exit(NodeOutcome.HANGUP)
        if self._flow.on_hangup is None:
            self._end(SessionResult.ABANDONED)
        else:
            # Wrap up without the caller: the nodes from on_hangup run until one that
            # would need the caller, a hang-up, or the end of a lookup.
            self._gone = True
            self._goto(self._flow.on_hangup, out)

    def _on_recording(self, event: RecordingFinished, now: float, out: list[Command]) -> None:
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

    # Inputs the rules ignore in a phase are checked like handled ones and move the
    # clock; nothing else changes.

    def _ignore_digits(self, event: DigitsPressed, now: float, out: list[Command]) -> None:
        _checked_digits(event)
        self._now = self._t = now

    def _ignore_speech(self, event: SpeechHeard, now: float, out: list[Command]) -> None:
        _checked_text(event)
        self._now = self._t = now

    def _refusal(self, event: InputEvent, row: int) -> IllegalTransitionError:
        return IllegalTransitionError(
            entity=f"session {self._id!r} at node {self._node!r}",
            state=PHASE_NAMES[self._phase],
            action=f"handle {type(event).__name__}",
            allowed=allowed(row),
        )

    def advance(self, now: float) -> list[Command]:
        """Let time pass to ``now``, firing the deadline if it is due.

        Raises:
            InvalidArgumentError: ``now`` is not a finite number.
            TimeWentBackwardsError: ``now`` is before the last time seen.
        """
        if type(now) is not float or not (self._now <= now and now - now == 0.0):
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

    # ------------------------------------------------------------------ moving

    def _fire_due(self, now: float, out: list[Command]) -> None:
        while self._deadline is not None and self._deadline <= now and self._phase != _ENDED:
            self._t = self._deadline
            self._deadline = None
            if self._phase == _HOST:
                node = self._flow.nodes[self._node]
                node = cast("LookupNode", node)
                self._request += 1
                self._leave(NodeOutcome.ERROR, node.on_failure or self._flow.on_error, out)
            elif self._phase == _INPUT:
                self._timeout(out)

    def _exit(self, outcome: NodeOutcome, key: str | None = None) -> None:
        if key is None and not self._ni and not self._nm:  # the usual case, built faster
            event = NodeExited(session=self._id, node=self._node, outcome=outcome, at=self._t)
        else:
            event = NodeExited(
                session=self._id,
                node=self._node,
                outcome=outcome,
                at=self._t,
                key=key,
                no_inputs=self._ni,
                no_matches=self._nm,
            )
        self._events.append(event)

    def _leave(
        self, outcome: NodeOutcome, target: str | None, out: list[Command], key: str | None = None
    ) -> None:
        self._exit(outcome, key)
        if target is None:
            out.append(HangUp(node=self._node, reason="error"))
            self._end(SessionResult.ERROR)
        else:
            self._goto(target, out)

    def _end(self, result: SessionResult) -> None:
        if result is SessionResult.COMPLETED:
            if self._blocked:
                result = SessionResult.BLOCKED
            elif self._gone:
                result = self._after_hangup()
            elif "recording" in self._attrs:
                result = SessionResult.VOICEMAIL
            elif "callback_queue" in self._attrs:
                result = SessionResult.CALLBACK
        elif result is SessionResult.ABANDONED:
            result = self._after_hangup()
        self._phase = _ENDED
        self._deadline = None
        self._playing = 0
        self._buffer = ""
        self._pending = None
        self._term = ""
        self._result = result
        self._events.append(
            SessionEnded(
                session=self._id,
                result=result,
                node=self._node,
                at=self._t,
                steps=self._steps,
                attributes=dict(self._attrs),
            )
        )

    def _after_hangup(self) -> SessionResult:
        """The result of a call the caller hung up: what they had completed, if anything."""
        if "recording" in self._attrs:
            return SessionResult.VOICEMAIL
        if "callback_queue" in self._attrs:
            return SessionResult.CALLBACK
        if self._done:
            return SessionResult.COMPLETED
        return SessionResult.ABANDONED

    def _goto(self, target: str, out: list[Command]) -> None:
        """Enter ``target`` and run every node that needs no caller, until one waits."""
        flow = self._flow
        nodes = flow.nodes
        while True:
            if self._steps >= flow.max_steps:
                # The step guard: the session never enters more than max_steps nodes.
                out.append(HangUp(node=self._node, reason="error"))
                self._end(SessionResult.ERROR)
                return
            self._steps += 1
            self._node = target
            self._buffer = ""
            self._pending = None
            self._ni = self._nm = 0
            self._playing = 0
            self._deadline = None
            node = nodes[target]
            self._events.append(
                NodeEntered(session=self._id, node=target, kind=node.KIND, at=self._t)
            )
            if self._gone and isinstance(node, CALLER_KINDS):
                self._exit(NodeOutcome.HANGUP)
                self._end(SessionResult.ABANDONED)
                return
            nxt = _RUNNERS[type(node)](self, node, out)
            if nxt is None:
                return
            target = nxt

    def _run_input(self, node: InputNode, out: list[Command]) -> None:
        self._ask(node, out, first=True)

    def _run_say(self, node: SayNode, out: list[Command]) -> None:
        self._phase = _PLAY
        self._play(node.prompt, False, out)

    def _run_branch(self, node: BranchNode, out: list[Command]) -> str:
        attrs = self._attrs
        for rule in node.rules:
            if all(cond.test(attrs) for cond in rule.when):
                self._exit(NodeOutcome.MATCH)
                return rule.goto
        self._exit(NodeOutcome.NEXT)
        return node.otherwise

    def _run_enqueue(self, node: EnqueueNode, out: list[Command]) -> None:
        attributes = dict(self._attrs)
        for key, value in node.attributes.items():
            attributes[key] = self._render(value)
        out.append(
            Enqueue(
                node=node.id,
                queue=node.queue,
                priority=node.priority,
                skills=node.skills,
                attributes=attributes,
                language=self._lang,
            )
        )
        self._exit(NodeOutcome.HANDOFF)
        self._end(SessionResult.ENQUEUED)

    def _run_hours(self, node: HoursNode, out: list[Command]) -> str:
        if open_at(self._flow, node.calendar, self._t):
            self._exit(NodeOutcome.OPEN)
            return node.open
        if node.holiday is not None:
            zone = self._flow.calendars[node.calendar].timezone
            date = datetime.datetime.fromtimestamp(self._t, zone).date()
            if date in holidays(self._flow, node.calendar):
                self._exit(NodeOutcome.HOLIDAY)
                return node.holiday
        self._exit(NodeOutcome.CLOSED)
        return node.closed

    def _run_set(self, node: SetAttributesNode, out: list[Command]) -> str:
        values = {key: self._render(value) for key, value in node.values.items()}
        self._attrs = {**self._attrs, **values}
        self._exit(NodeOutcome.NEXT)
        return node.next

    def _run_lookup(self, node: LookupNode, out: list[Command]) -> None:
        self._request += 1
        self._phase = _HOST
        self._deadline = self._t + node.timeout
        out.append(
            AskHost(
                node=node.id,
                request=self._request,
                query=node.query,
                arguments={k: self._render(v) for k, v in node.arguments.items()},
                timeout=node.timeout,
            )
        )

    def _run_transfer(self, node: TransferNode, out: list[Command]) -> None:
        out.append(Transfer(node=node.id, to=self._render(node.to), attributes=dict(self._attrs)))
        self._exit(NodeOutcome.HANDOFF)
        self._end(SessionResult.TRANSFERRED)

    def _run_record(self, node: RecordNode, out: list[Command]) -> None:
        self._phase = _RECORD
        self._play(node.prompt, False, out)

    def _run_call(self, node: CallNode, out: list[Command]) -> str | None:
        if len(self._stack) >= _MAX_STACK:
            self._exit(NodeOutcome.ERROR)
            return self._error_target(out)
        self._stack = [*self._stack, node.next]
        self._exit(NodeOutcome.NEXT)
        return node.target

    def _run_return(self, node: ReturnNode, out: list[Command]) -> str | None:
        if not self._stack:
            self._exit(NodeOutcome.ERROR)
            return self._error_target(out)
        self._exit(NodeOutcome.NEXT)
        target = self._stack[-1]
        self._stack = self._stack[:-1]
        return target

    def _run_hangup(self, node: HangUpNode, out: list[Command]) -> None:
        if not self._gone:  # after a caller hang-up the line is already down
            out.append(HangUp(node=node.id, reason="flow"))
        self._exit(NodeOutcome.HANDOFF)
        self._end(SessionResult.COMPLETED)

    def _error_target(self, out: list[Command]) -> str | None:
        target = self._flow.on_error
        if target is None:
            out.append(HangUp(node=self._node, reason="error"))
            self._end(SessionResult.ERROR)
        return target

    # ------------------------------------------------------------------ prompts

    def _render(self, text: str) -> str:
        return render(text, self._attrs)

    # The usual case, a command already built for the flow, is looked up here in the
    # cache of the functions that build them (and key them the same way).

    def _play(self, prompt: str, barge_in: bool, out: list[Command], value: str = "") -> None:
        flow = self._flow
        command = flow._cache.get((prompt, self._lang, self._node, barge_in))
        if type(command) is not Play:
            command = play_command(
                flow, prompt, self._lang, self._node, barge_in, self._attrs, value
            )
        out.append(command)
        self._playing += 1

    def _listen(self, node: InputNode, out: list[Command], confirm: bool = False) -> None:
        command = self._flow._cache.get(("listen", node.id, confirm))
        if type(command) is not Listen:
            command = listen_command(self._flow, node, confirm)
        out.append(command)

    def _ask(
        self, node: InputNode, out: list[Command], *, first: bool, apology: str | None = None
    ) -> None:
        """Play the node's prompt (full the first time, short on repeats) and listen."""
        self._phase = _INPUT
        self._buffer = ""
        self._pending = None
        self._deadline = None
        if apology is not None:
            self._play(apology, True, out)
        seen = node.id in self._seen
        if first and not seen:
            self._seen = self._seen | {node.id}
        prompt = node.prompt
        if (not first or seen) and node.short_prompt is not None:
            prompt = node.short_prompt
        self._play(prompt, True, out)
        self._listen(node, out)

    def _prompt_finished(self, out: list[Command]) -> None:
        if self._playing:
            self._playing -= 1
        if self._playing:
            return
        phase = self._phase
        node = self._flow.nodes[self._node]
        if phase == _PLAY:
            node = cast("SayNode", node)
            self._leave(NodeOutcome.NEXT, node.next, out)
        elif phase == _INPUT:
            if self._deadline is None:
                node = cast("InputNode", node)
                self._deadline = self._t + (
                    node.timeout
                    if not self._buffer
                    else getattr(node, "inter_digit_timeout", node.timeout)
                )
        elif phase == _RECORD:
            node = cast("RecordNode", node)
            out.append(
                Record(
                    node=node.id,
                    mailbox=node.mailbox,
                    max_seconds=node.max_seconds,
                    terminator=node.terminator,
                    attributes=dict(self._attrs),
                )
            )

    # ------------------------------------------------------------------ input

    def _key(self, ch: str, out: list[Command]) -> None:
        node = self._flow.nodes[self._node]
        self._playing = 0  # barge-in: the adapter stops the prompt
        if type(node) is CollectNode:
            self._collect_key(node, ch, out)
            return
        node = cast("MenuNode | LanguageNode | CallbackNode | SurveyNode", node)
        table, prefixes = choices(self._flow, node)
        buf = self._buffer + ch
        if buf in prefixes:
            self._buffer = buf
            self._deadline = self._t + getattr(node, "inter_digit_timeout", 2.0)
            return
        if buf in table:
            self._choose(node, buf, table[buf], out)
            return
        if not self._buffer and ch in self._flow.global_keys:
            self._global(node, ch, out)
            return
        self._retry(node, NodeOutcome.NO_MATCH, out)

    def _global(self, node: InputNode, ch: str, out: list[Command]) -> None:
        target = self._flow.global_keys[ch]
        if target == REPEAT:
            self._global_repeat(node, out)
            return
        self._leave(NodeOutcome.MATCH, target, out, key=ch)

    def _global_repeat(self, node: InputNode, out: list[Command]) -> None:
        # A requested repeat plays the full prompt; later re-prompts stay short.
        self._phase = _INPUT
        self._buffer = ""
        self._pending = None
        self._deadline = None
        self._seen = self._seen | {node.id}
        self._play(node.prompt, True, out)
        self._listen(node, out)

    def _choose(self, node: ChoiceNode, key: str, value: str, out: list[Command]) -> None:
        cls = type(node)
        if cls is MenuNode:
            if value == REPEAT:
                self._global_repeat(node, out)
            else:
                self._leave(NodeOutcome.MATCH, value, out, key=key)
        elif cls is LanguageNode:
            node = cast("LanguageNode", node)
            self._lang = value
            self._attrs = {**self._attrs, "language": value}
            self._leave(NodeOutcome.MATCH, node.next, out, key=key)
        elif cls is CallbackNode:
            node = cast("CallbackNode", node)
            if value == "accept":
                self._attrs = {**self._attrs, "callback_queue": node.queue}
                out.append(
                    RequestCallback(
                        node=node.id,
                        queue=node.queue,
                        number=self._attrs.get(node.number_attribute, ""),
                        attributes=dict(self._attrs),
                    )
                )
                self._leave(NodeOutcome.MATCH, node.next, out, key=key)
            else:
                self._leave(NodeOutcome.DECLINED, node.declined, out, key=key)
        else:
            node = cast("SurveyNode", node)
            self._attrs = {**self._attrs, node.store: value}
            self._events.append(
                SurveyAnswered(
                    session=self._id,
                    node=node.id,
                    attribute=node.store,
                    value=int(value),
                    at=self._t,
                )
            )
            self._leave(NodeOutcome.MATCH, node.next, out, key=key)

    def _collect_key(self, node: CollectNode, ch: str, out: list[Command]) -> None:
        if self._pending is not None:
            if ch == node.confirm_key:
                value = self._pending
                self._attrs = {**self._attrs, node.store: value}
                self._leave(NodeOutcome.MATCH, node.next, out, key=None)
            elif ch == node.reenter_key:
                # Asked for, so not a mistake: no retry is used up.
                self._ask(node, out, first=False)
            elif ch != node.terminator:  # the terminator only ends collection
                self._retry(node, NodeOutcome.NO_MATCH, out)
            return
        if not self._buffer:
            if ch in node.keys:
                self._leave(NodeOutcome.MATCH, node.keys[ch], out, key=ch)
                return
            if (
                node.use_global_keys
                and ch in self._flow.global_keys
                and ch != node.terminator
                and ch != node.clear_key
            ):
                self._global(node, ch, out)
                return
        if ch in DIGITS:
            self._buffer += ch
            if len(self._buffer) >= node.max_digits:
                self._finish_collect(node, out)
            else:
                self._deadline = self._t + node.inter_digit_timeout
        elif ch == node.terminator:
            self._finish_collect(node, out)
        elif ch == node.clear_key:
            self._buffer = ""
            self._deadline = self._t + node.timeout
        else:
            self._retry(node, NodeOutcome.NO_MATCH, out)

    def _collect_digits(
        self, node: CollectNode, digits: str, index: int, out: list[Command]
    ) -> int:
        """Take the digits of a value being typed in one go (same result as key by key).

        Stops at the first key that is not a digit, which the caller of this method
        then handles as a single key.
        """
        self._playing = 0
        limit = min(len(digits), index + node.max_digits - len(self._buffer))
        end = limit
        if not digits[index:limit].isdigit():  # (the keys are 0-9, * and #: checked)
            end = index
            while end < limit and digits[end] in DIGITS:
                end += 1
        self._buffer += digits[index:end]
        if len(self._buffer) >= node.max_digits:
            self._finish_collect(node, out)
        elif end == index or end == len(digits):
            self._deadline = self._t + node.inter_digit_timeout
        return end

    def _finish_collect(self, node: CollectNode, out: list[Command]) -> None:
        value = self._buffer
        self._deadline = None
        if len(value) >= node.max_digits and node.terminator is not None:
            # The caller may still press the terminator out of habit: it only ends
            # this value, whatever node listens next (VoiceXML's termchar).
            self._term = node.terminator
        if not value:
            self._retry(node, NodeOutcome.NO_INPUT, out)
            return
        if len(value) < node.min_digits or (
            node.pattern is not None and re.fullmatch(node.pattern, value) is None
        ):
            self._retry(node, NodeOutcome.NO_MATCH, out)
            return
        if node.confirm_prompt is not None:
            self._pending = value
            self._buffer = ""
            self._play(node.confirm_prompt, True, out, value=value)
            self._listen(node, out, confirm=True)
            return
        self._attrs = {**self._attrs, node.store: value}
        self._leave(NodeOutcome.MATCH, node.next, out)

    def _speech(self, text: str, out: list[Command]) -> None:
        node = self._flow.nodes[self._node]
        self._playing = 0
        words = text.strip().lower()
        if isinstance(node, CollectNode):
            digits = "".join(ch for ch in words if ch in "0123456789")
            if digits and self._pending is None:
                self._buffer = digits[: node.max_digits]
                self._finish_collect(node, out)
            elif self._pending is not None and words in ("yes", "是", "对", "係"):
                self._collect_key(node, node.confirm_key, out)
            else:
                self._retry(node, NodeOutcome.NO_MATCH, out)
            return
        if isinstance(node, MenuNode):
            for word, key in node.words.items():
                if word.lower() in words:
                    self._choose(node, key, node.options[key], out)
                    return
        node = cast("MenuNode | LanguageNode | CallbackNode | SurveyNode", node)
        self._retry(node, NodeOutcome.NO_MATCH, out)

    def _timeout(self, out: list[Command]) -> None:
        node = self._flow.nodes[self._node]
        node = cast("MenuNode | CollectNode | LanguageNode | CallbackNode | SurveyNode", node)
        if isinstance(node, CollectNode):
            if self._pending is not None:
                self._retry(node, NodeOutcome.NO_INPUT, out)
            else:
                self._finish_collect(node, out)
            return
        if not self._buffer:
            self._retry(node, NodeOutcome.NO_INPUT, out)
            return
        table, _ = choices(self._flow, node)
        if self._buffer in table:
            self._choose(node, self._buffer, table[self._buffer], out)
        else:
            self._retry(node, NodeOutcome.NO_MATCH, out)

    def _retry(self, node: InputNode, outcome: NodeOutcome, out: list[Command]) -> None:
        if outcome is NodeOutcome.NO_INPUT:
            self._ni += 1
            if self._ni >= node.no_input_limit:
                target = node.on_no_input or self._flow.on_no_input or self._flow.on_error
                if isinstance(node, LanguageNode | SurveyNode) and node.on_no_input is None:
                    target = node.next
                self._leave(outcome, target, out)
                return
            apology = node.no_input_prompt
        else:
            self._nm += 1
            if self._nm >= node.no_match_limit:
                target = node.on_no_match or self._flow.on_no_match or self._flow.on_error
                self._leave(outcome, target, out)
                return
            apology = node.no_match_prompt
        self._ask(node, out, first=False, apology=apology)

    # ------------------------------------------------------------------ host, recording

    def _host(self, event: HostAnswered | HostNotFound | HostFailed, out: list[Command]) -> None:
        node = self._flow.nodes[self._node]
        node = cast("LookupNode", node)
        self._deadline = None
        if type(event) is HostAnswered:
            prefix = node.into
            self._attrs = {**self._attrs, **{prefix + k: v for k, v in event.values.items()}}
            self._leave(NodeOutcome.FOUND, node.next, out)
        elif type(event) is HostNotFound:
            self._leave(NodeOutcome.NOT_FOUND, node.not_found, out)
        else:
            self._leave(NodeOutcome.ERROR, node.on_failure or self._flow.on_error, out)

    def _recording_finished(self, event: RecordingFinished, out: list[Command]) -> None:
        node = self._flow.nodes[self._node]
        node = cast("RecordNode", node)
        if event.seconds > 0 and event.reference:
            self._attrs = {**self._attrs, "recording": event.reference}
            self._leave(NodeOutcome.MATCH, node.next, out)
        else:
            self._leave(NodeOutcome.NO_INPUT, node.on_no_input or node.next, out)

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


def _checked_digits(event: DigitsPressed) -> str:
    """The event's keys, or the error for keys that are not one or more of 0-9, * and #."""
    digits: object = event.digits
    if not isinstance(digits, str) or not digits or not KEYS.issuperset(digits):
        raise InvalidArgumentError(
            name="digits", expected="one or more of the keys 0-9, * and #", got=digits
        )
    return digits


def _checked_text(event: SpeechHeard) -> str:
    """The event's recognised text, or the error for one that is not text."""
    text: object = event.text
    if not isinstance(text, str):
        raise InvalidArgumentError(name="text", expected="the recognised text", got=text)
    return text


def _interrupted(out: list[Command]) -> None:
    """Drop the prompts a further key of the same batch has barged in on."""
    out[:] = [c for c in out if type(c) is not Play]


# What the session does with each input it takes: its handler, and its check when
# the rules ignore it.
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
_IGNORERS: dict[type, Callable[[Session, Any, float, list[Command]], None]] = {
    DigitsPressed: Session._ignore_digits,
    SpeechHeard: Session._ignore_speech,
}
_INPUT_TYPES = frozenset(INPUTS)

# The rules compiled for dispatch: per row, input type to the function that serves it.
_DISPATCH: tuple[dict[type, Callable[[Session, Any, float, list[Command]], None]], ...] = tuple(
    {
        event: (_HANDLERS if act is Act.HANDLE else _IGNORERS)[event]
        for event, act in row.inputs.items()
    }
    for row in RULES
)

# The node runners, by node class: the engine's transition table for entering a node.
_RUNNERS: dict[type, Callable[[Session, Any, list[Command]], str | None]] = {
    MenuNode: Session._run_input,
    CollectNode: Session._run_input,
    LanguageNode: Session._run_input,
    CallbackNode: Session._run_input,
    SurveyNode: Session._run_input,
    SayNode: Session._run_say,
    BranchNode: Session._run_branch,
    EnqueueNode: Session._run_enqueue,
    HoursNode: Session._run_hours,
    SetAttributesNode: Session._run_set,
    LookupNode: Session._run_lookup,
    TransferNode: Session._run_transfer,
    RecordNode: Session._run_record,
    CallNode: Session._run_call,
    ReturnNode: Session._run_return,
    HangUpNode: Session._run_hangup,
}
