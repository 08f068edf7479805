"""The :class:`Hotline`: one sans-I/O object that runs a whole contact center.

It owns the engines of one :class:`~callcenter.hotline.HotlineDefinition` -- an IVR
:class:`~callcenter.ivr.Session` per call in the IVR, one
:class:`~callcenter.routing.RoutingEngine` and one
:class:`~callcenter.tickets.TicketDesk` -- and wires them once, so that hosts,
telephony adapters and the simulator drive the same code. Each call's record facts
live on the call, and every event of the engines is applied to them in the one
dispatch the hotline makes of it (the rules of
:class:`~callcenter.metrics.RecordBuilder`, shared in ``callcenter.metrics._notes``).
A host feeds it inputs with ``now`` (:meth:`Hotline.handle`) and carries out the
outputs; it never opens a socket, reads the clock or starts a thread.

How a call goes (the behaviours a host can rely on):

* **Arrival.** The line is found by id or dialled number. A line whose calendar says
  closed hands the call to its ``closed_line``, and on while the line reached is
  closed too (the call keeps its dialled number). A blocked caller (a
  :class:`~callcenter.hotline.KnownCaller` with status ``BLOCKED``, or the caller
  lists) is refused with :class:`RejectCall` and gets a ``blocked`` contact record,
  unless the line's flow has an ``on_blocked`` node, which then answers the call.
  Otherwise :class:`AnswerCall`, then the IVR's first commands (or, for a line
  without a flow, the queue at once).
* **IVR.** Every command of the session goes out as :class:`CallCommand`; an
  ``Enqueue`` goes through :func:`~callcenter.hotline.contact_from_enqueue` and then
  always :meth:`~callcenter.routing.RoutingEngine.route`, so routing rules apply.
* **Queue.** Each time the call is queued, :class:`HoldCaller` with the hold
  treatment's music, the caller's position and the expected wait (position times the
  queue's mean talk time so far, over the agents logged in to it; ``None`` before
  the first answered call), repeated every ``hold.announce_every`` seconds while
  the call waits (at most the latest :data:`CATCH_UP` of a call when the hotline
  is woken late, so that a ``now`` far ahead costs bounded work).
* **Ringing.** :class:`RingAgent` at the agent's endpoint (extension, else SIP URI,
  else mobile number, else the agent definition's mobile number, else the agent's
  id), with the time left to the ring deadline and the screen pop. A ring timeout
  gives :class:`StopRinging`; a declined or failed leg returns the call to its place.
* **Talking.** An answered leg gives :class:`ConnectAgent`. The agent's hang-up
  (:class:`AgentLegEnded`) ends the call with :class:`EndCall`; the caller's hang-up
  too (so the adapter drops the agent's leg). Hold time is tracked and written into
  the record.
* **Overflow.** A queue that overflows to voicemail or callback ends the call with
  :class:`EndCall` (reason ``"voicemail"`` or ``"callback"``: the adapter sends the
  caller to its voicemail box, or confirms the callback); the record says so, and
  ticket rules with that ``ivr_result`` (and the queue) open tickets, so that the
  work is tracked. A refusal (queue full, nobody logged in) or a queue left for want
  of agents ends the call with the reason.
* **Transfers.** To a queue: the call waits there again (:class:`HoldCaller`
  releases the agent's leg). To an agent: the call waits in a queue that agent
  serves, with that agent offered it first (preferred agent). To a number:
  :class:`TransferCall`, and the call leaves the hotline (an answered call).
  A transfer to the call's own queue, or to the agent who transfers it, is refused.
* **Tickets.** :class:`~callcenter.hotline.TicketRule` s open tickets when the IVR
  session ends with their ``ivr_result`` or the agent ends the call with their
  ``agent_outcome`` (:class:`TicketUpdate`); the desk's SLA clocks are timers of
  the hotline. A ticket opened for a voicemail left in the IVR carries the
  message's ``RecordingFinished`` reference in its field ``recording``.
* **Records.** Every call ends with exactly one :class:`ContactFinished` (after the
  agent's wrap-up for an answered call), whose record carries the caller's and the
  dialled number the call arrived with.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeAlias

import attrs

from .._checks import check_argument
from .._clock import Clock
from .._slots import trusted
from .._timers import TimerQueue
from ..errors import (
    CallCenterError,
    DefinitionError,
    DuplicateIdError,
    IllegalTransitionError,
    InvalidArgumentError,
    Problem,
    Severity,
    UnknownIdError,
)
from ..ivr import (
    CallerHungUp,
    CallerLists,
    CallerStatus,
    Command,
    DigitsPressed,
    Enqueue,
    HostAnswered,
    HostFailed,
    HostNotFound,
    PromptFinished,
    RecordingFinished,
    Session,
    SessionResult,
    SpeechHeard,
    normalize_number,
)
from ..metrics import (
    AgentStateInterval,
    ContactRecord,
    LiveMonitor,
    MonitorSnapshot,
    Outcome,
)
from ..metrics import _notes as _n
from ..metrics._builder_rules import Phase as _NotesPhase
from ..metrics._notes import CONTACT_NOTES, ContactNotes, record_of
from ..routing import (
    AgentState,
    AgentStateChanged,
    ContactAbandoned,
    ContactAnswered,
    ContactCompleted,
    ContactEscalated,
    ContactLeft,
    ContactOfferDeclined,
    ContactOffered,
    ContactOverflowed,
    ContactQueued,
    ContactRefused,
    ContactTransferred,
    DeclineReason,
    RoutingEngine,
)
from ..tickets import TicketClosed, TicketDesk
from ._contract import (
    AgentLegAnswered,
    AgentLegDeclined,
    AgentLegEnded,
    AgentLegFailed,
    AgentLegRinging,
    AgentLoggedIn,
    AgentLoggedOut,
    AgentNotReady,
    AgentReady,
    AnswerCall,
    CallArrived,
    CallCommand,
    CallInput,
    CallOnHold,
    ConnectAgent,
    ContactFinished,
    EndCall,
    HoldCaller,
    HotlineInput,
    HotlineOutput,
    RejectCall,
    RingAgent,
    StopRinging,
    TicketUpdate,
    TransferCall,
    TransferRequested,
    WrapUpDone,
)
from ._definition import HotlineDefinition, KnownCaller, Line, TicketRule
from ._document import check_hotline
from ._rules import AGENT_STATES_REFUSING, CALL_PHASE_NEEDED, PHASE_WITH_AGENT, CallPhase
from ._seam import _contact  # contact_from_enqueue of values checked here
from ._serial import input_to_dict, read_state
from ._snapshot import restore_state, save_state

__all__ = ["CallPhase", "CallView", "Hotline"]

# Outputs built from values the hotline has checked (the classes under ``-X dev``).
_new_answer_call = trusted(AnswerCall)
_new_call_command = trusted(CallCommand)
_new_hold_caller = trusted(HoldCaller)
_new_ring_agent = trusted(RingAgent)
_new_connect_agent = trusted(ConnectAgent)
_new_stop_ringing = trusted(StopRinging)
_new_end_call = trusted(EndCall)
_new_contact_finished = trusted(ContactFinished)

_INF = math.inf

_AgentCallInput = (
    CallOnHold
    | TransferRequested
    | AgentLegRinging
    | AgentLegAnswered
    | AgentLegDeclined
    | AgentLegFailed
    | AgentLegEnded
)

MAX_TEXT = 256
"""The longest id, number, name or reason an input may carry."""

CATCH_UP = 10
"""The most hold announcements of one call that a catch-up makes (the latest due)."""

# Any event of the ACD, spelt out from the event classes the hotline handles.
_AcdEvent: TypeAlias = (
    ContactQueued
    | ContactRefused
    | ContactOffered
    | ContactOfferDeclined
    | ContactAnswered
    | ContactCompleted
    | ContactAbandoned
    | ContactOverflowed
    | ContactTransferred
    | ContactEscalated
    | ContactLeft
    | AgentStateChanged
)

_IVR_INPUTS = frozenset(
    {
        DigitsPressed,
        SpeechHeard,
        PromptFinished,
        HostAnswered,
        HostNotFound,
        HostFailed,
        RecordingFinished,
        CallerHungUp,
    }
)


@attrs.frozen(kw_only=True)
class CallView:
    """What the hotline knows about a live call (:meth:`Hotline.call`).

    Attributes:
        call_id: The call's id.
        phase: Where it is.
        line: The id of the line that answers it (after a closed-line switch).
        dialled: The number the caller dialled.
        caller: The caller's number as presented.
        arrived_at: When it arrived.
        language: The caller's language (the IVR's, once it queued the call).
        queue: The queue it waits or was answered in, or ``None``.
        agent: The agent its offer rings at or who talks to it, or ``None``.
        on_hold: Whether the agent has put the caller on hold.
    """

    call_id: str
    phase: CallPhase
    line: str
    dialled: str
    caller: str
    arrived_at: float
    language: str
    queue: str | None
    agent: str | None
    on_hold: bool


class _Call(ContactNotes):
    """One call's state, from arrival to its contact record.

    A call is its own contact notes (the facts of its record, which every event of
    its engines adds to: see ``callcenter.metrics._notes``), with the hotline's own
    state of the call on top: one object a call.
    """

    __slots__ = (
        "agent",
        "announce_from",
        "call_phase",
        "caller_name",
        "context",
        "dialled_number",
        "hold_since",
        "hold_total",
        "known",
        "language",
        "line",
        "presented",
        "queue",
        "session",
        "status",
    )

    def __init__(
        self,
        call_id: str,
        line: Line,
        dialled: str,
        caller: str,
        caller_name: str,
        known: KnownCaller | None,
        status: CallerStatus,
        language: str,
        at: float,
    ) -> None:
        ContactNotes.__init__(self, call_id, at, _NOTES_IVR)
        self.caller = caller or None  # the record's: the number it came from, or None
        self.dialled = dialled
        self.line = line
        self.dialled_number = dialled
        self.presented = caller
        self.caller_name = caller_name
        self.known = known
        self.status = status
        self.language = language
        self.session: Session | None = None
        self.call_phase = CallPhase.IVR
        self.queue: str | None = None
        self.agent: str | None = None
        self.context: Mapping[str, str] = _NO_CONTEXT  # its contact's, once queued
        self.hold_since: float | None = None
        self.hold_total = 0.0
        # When the hold announcements' current series began: the k-th is due at
        # announce_from + k * announce_every (see Hotline._announce_due).
        self.announce_from = 0.0


_NO_CONTEXT: Mapping[str, str] = {}  # shared, never changed


class _Agent:
    """An agent's state as its intervals need it: which, since when, with what reason."""

    __slots__ = ("queues", "reason", "since", "state")

    def __init__(self, queues: tuple[str, ...]) -> None:
        self.queues = queues  # the queues its intervals name
        self.state = AgentState.LOGGED_OUT
        self.since = 0.0
        self.reason: str | None = None  # the not-ready reason, else None


class _RefusedError(Exception):
    """An engine refused the first change of an input: nothing was changed yet."""

    def __init__(self, error: CallCenterError) -> None:
        super().__init__(str(error))
        self.error = error


_CLOSE = "close"  # the log's mark of a call of close()

_IQ = CallPhase.IVR
_QUEUED = CallPhase.QUEUED
_RINGING = CallPhase.RINGING
_CONNECTED = CallPhase.CONNECTED
_FINISHED = CallPhase.FINISHED
_NOTES_IVR = _NotesPhase.IVR
_NOTES_HANDOFF = _NotesPhase.HANDOFF
_LOGGED_OUT = AgentState.LOGGED_OUT
_NOT_READY = AgentState.NOT_READY
_WRAP_UP = AgentState.WRAP_UP
_ANSWERED = Outcome.ANSWERED
_BLOCKED = Outcome.BLOCKED
_NORMAL_CALLER = CallerStatus.NORMAL
_BLOCKED_CALLER = CallerStatus.BLOCKED
_ENQUEUED = SessionResult.ENQUEUED
_VOICEMAIL = SessionResult.VOICEMAIL
# The field of a ticket opened for a voicemail that names the message: the
# reference of the call's RecordingFinished.
_RECORDING_FIELD = "recording"
_RING_TIMEOUT = DeclineReason.RING_TIMEOUT
_NO_ANSWER = "no-answer"  # the AgentLegDeclined reason of a leg that rang out


def _text(name: str, value: object, *, empty: bool = True) -> str:
    """``value`` as text of at most :data:`MAX_TEXT` characters, or a clear error."""
    if type(value) is str and len(value) <= MAX_TEXT and (empty or value):
        return value
    raise InvalidArgumentError(
        name=name,
        expected=f"a {'' if empty else 'non-empty '}text of at most {MAX_TEXT} characters",
        got=value,
    )


def _optional_text(name: str, value: object) -> str | None:
    return None if value is None else _text(name, value, empty=False)


def _fields(name: str, value: object) -> dict[str, str]:
    if type(value) is dict and not value:
        return {}  # the usual case, without the abstract-class test below
    if isinstance(value, Mapping) and len(value) <= 1000:
        out: dict[str, str] = {}
        for key, item in value.items():
            if not (type(key) is str and type(item) is str and len(key) <= MAX_TEXT):
                break
            if len(item) > 100_000:
                break
            out[key] = item
        else:
            return out
    raise InvalidArgumentError(
        name=name,
        expected="a mapping of field names (text) to text values",
        got=value,
    )


_KEYS = frozenset("0123456789*#")


def _check_ivr_values(event: object) -> None:
    """Refuse an IVR input whose values the session would refuse (before any timer).

    The same checks as the session's own; its phase rules stay the session's.
    """
    kind = event.__class__
    if kind is DigitsPressed:
        digits: object = event.digits  # type: ignore[attr-defined]
        if not isinstance(digits, str) or not digits or not _KEYS.issuperset(digits):
            raise InvalidArgumentError(
                name="digits", expected="one or more of the keys 0-9, * and #", got=digits
            )
    elif kind is SpeechHeard:
        text: object = event.text  # type: ignore[attr-defined]
        if not isinstance(text, str):
            raise InvalidArgumentError(name="text", expected="the recognised text", got=text)
    elif kind is HostAnswered or kind is HostNotFound or kind is HostFailed:
        request: object = event.request  # type: ignore[attr-defined]
        if not isinstance(request, int) or isinstance(request, bool):
            raise InvalidArgumentError(
                name="request", expected="the number of the host request", got=request
            )
        if kind is HostAnswered:
            _fields("values", event.values)  # type: ignore[attr-defined]
    elif kind is RecordingFinished:
        reference: object = event.reference  # type: ignore[attr-defined]
        if not isinstance(reference, str):
            raise InvalidArgumentError(
                name="reference", expected="the recording's name (text)", got=reference
            )
        check_argument("seconds", event.seconds, minimum=0)  # type: ignore[attr-defined]


def _check_lists(caller_lists: object) -> None:
    """Refuse what cannot answer for caller lists, before the first arrival asks it."""
    if caller_lists is not None and not callable(getattr(caller_lists, "status", None)):
        raise InvalidArgumentError(
            name="caller_lists",
            expected="caller lists (with status(number, now), as MemoryCallerLists has)",
            got=caller_lists,
        )


def _phone_number(caller: str) -> str | None:
    """The caller's number as the caller lists write it, or ``None``.

    A withheld or unusual caller id (``"anonymous"``, a SIP URI) is no number: such a
    caller is served like any other, neither known nor listed.
    """
    if not caller:
        return None
    try:
        return normalize_number(caller)
    except InvalidArgumentError:
        return None


def _endpoints(definition: HotlineDefinition) -> dict[str, str]:
    """Where the definition's endpoints ring each agent: extension, else SIP URI, else mobile.

    An agent missing here rings at the mobile number the ACD's offer names, else at
    the agent's id.
    """
    found: dict[str, str] = {}
    for agent_id, endpoint in definition.endpoints.items():
        for where in (endpoint.extension, endpoint.sip_uri, endpoint.mobile):
            if where:
                found[agent_id] = where
                break
    return found


def definition_problems(definition: HotlineDefinition) -> list[Problem]:
    """The errors that keep a :class:`Hotline` from running ``definition``.

    The errors of :func:`~callcenter.hotline.check_hotline` (every name a line, a
    flow, a ticket rule, a known caller or an endpoint uses exists...), and one rule
    of the runtime's own: a ticket rule for an IVR result gives every field its
    workflow needs to open a ticket, since no agent is there to add them (a refused
    ticket would refuse the caller's last input).
    """
    problems = [p for p in check_hotline(definition) if p.severity is Severity.ERROR]
    for index, rule in enumerate(definition.ticket_rules):
        workflow = definition.workflows.get(rule.workflow)
        if workflow is None or rule.ivr_result is None:
            continue
        missing = set(workflow.required_on_open) - {"customer_phone", *rule.fields}
        if missing:
            problems.append(
                Problem(
                    path=f"ticket_rules.{index}.fields",
                    message=f"workflow {rule.workflow!r} needs {sorted(missing)} to open a "
                    "ticket; an IVR result has no agent to give them: set them in the rule",
                )
            )
    return problems


class Hotline:
    """A whole contact center, driven by inputs and ``now``; outputs say what to do.

    Args:
        definition: Lines, flows, the ACD, ticket workflows and rules, known
            callers, endpoints and the hold treatment.
        seed: Seed of the routing engine's random strategies: the same inputs at
            the same times give the same outputs.
        caller_lists: Block and VIP lists asked at each arrival (on top of the
            definition's known callers). They live outside the hotline; the log
            keeps their answer at each arrival, and a rebuild from the log uses it
            (a number blocked since changes no call of the past).
        keep_log: Keep the log of accepted inputs, which :meth:`to_dict` saves and
            which undoes a change an engine refused half-way (see below). A
            simulator that needs neither turns it off for speed. The log grows
            with every input: a long-running host saves and restarts from a
            snapshot now and then.
        keep_intervals: Keep the agents' state intervals for
            :meth:`take_intervals` (occupancy and time-per-state reports); a
            long-running host that does not want them turns it off, or they pile
            up until taken.
        wallboard: Keep the live wallboard (:meth:`wallboard`): a
            :class:`~callcenter.metrics.LiveMonitor` fed every event of the ACD and
            the IVR, O(1) per event. A simulator that does not show one turns it
            off for speed.

    Raises:
        InvalidArgumentError: ``definition`` is not a :class:`HotlineDefinition`,
            ``seed`` not an integer, or ``caller_lists`` no caller lists.
        DefinitionError: A name the definition uses is unknown (every problem,
            each with its path).

    Timers: :meth:`next_deadline` is the earliest timer of every engine inside (IVR
    timeouts, ring timeouts, wrap-ups, overflows, escalations, SLA clocks, hold
    announcements); :meth:`advance` fires them in deadline order, and
    :meth:`handle` does the same up to ``now`` before it handles its input, so a
    host never has to call :meth:`advance` first. An input that a timer due by
    ``now`` made moot (an answer after the ring timed out, keys after the IVR
    timed out and hung up) is ignored: the timers' outputs say what happened.

    All or nothing: an input is checked (types, lengths, known ids, the call's
    phase) before anything changes, and refused with an error of
    :mod:`callcenter.errors`; the hotline is then exactly as before. If an engine
    still refuses half-way, the hotline is rebuilt from its input log before the
    error goes up (without the log, it is left as the engine left it).

    >>> from callcenter.hotline import HotlineDefinition, Line, CallArrived
    >>> from callcenter.routing import (AgentDefinition, Membership,
    ...     QueueDefinition, RoutingDefinition)
    >>> hotline = Hotline(HotlineDefinition(
    ...     name="demo",
    ...     lines=(Line(id="main", number="4008001234", queue="general"),),
    ...     routing=RoutingDefinition(
    ...         queues=(QueueDefinition(id="general"),),
    ...         agents=(AgentDefinition(id="li", queues=(Membership(queue="general"),)),))))
    >>> hotline.handle(AgentLoggedIn(agent_id="li"), now=0.0)
    []
    >>> [type(o).__name__ for o in hotline.handle(
    ...     CallArrived(call_id="c1", line="4008001234", caller="13800138000"), now=5.0)]
    ['AnswerCall', 'HoldCaller', 'RingAgent']
    >>> hotline.call_phase("c1")
    <CallPhase.RINGING: 'ringing'>
    """

    def __init__(
        self,
        definition: HotlineDefinition,
        *,
        seed: int = 0,
        caller_lists: CallerLists | None = None,
        keep_log: bool = True,
        keep_intervals: bool = True,
        wallboard: bool = True,
    ) -> None:
        given: object = definition
        if not isinstance(given, HotlineDefinition):
            raise InvalidArgumentError(
                name="definition", expected="a HotlineDefinition", got=definition
            )
        seed_given: object = seed
        if not isinstance(seed_given, int) or isinstance(seed_given, bool):
            raise InvalidArgumentError(name="seed", expected="an integer", got=seed)
        _check_lists(caller_lists)
        problems = definition_problems(definition)
        if problems:
            raise DefinitionError(problems, what="hotline")
        self._definition = definition
        self._seed = seed
        self._lists = caller_lists
        self._keep_log = bool(keep_log)
        self._keep_intervals = bool(keep_intervals)
        self._log: list[tuple[float, HotlineInput | str | None]] = []
        # What the caller lists answered at each arrival that asked them, by the
        # arrival's place in the log: a replay gives the same calls even when the
        # lists changed since (a number blocked during the day). The answer of the
        # input being handled waits in _asked until the input is accepted.
        self._listed: dict[int, CallerStatus] = {}
        self._asked: CallerStatus | None = None
        self._intervals: list[AgentStateInterval] = []
        self._engine = RoutingEngine(definition.routing, seed=seed)
        self._desk = TicketDesk(list(definition.workflows.values()))
        routing = definition.routing
        self._agent_queues = {a.id: tuple(m.queue for m in a.queues) for a in routing.agents}
        self._endpoints = _endpoints(definition)
        # The agents' states as their intervals need them (each from its first
        # change of state on), and the answered calls whose record waits for the
        # end of a wrap-up.
        self._agents: dict[str, _Agent] = {}
        self._wrapping: dict[str, list[_Call]] = {}
        # Agents who completed a call in the batch of events being handled and had
        # no change of state after it, and the time after which calls left waiting
        # for a wrap-up that never came (an agent still talking on another call)
        # are finished, or None.
        self._completed: set[str] = set()
        self._stale: float | None = None
        self._mark = 0  # the intervals kept before the input being handled
        self._monitor: LiveMonitor | None = None
        if wallboard:
            self._monitor = LiveMonitor(
                timezone=definition.timezone,
                answer_time=definition.answer_time,
                queues=[q.id for q in routing.queues],
            )
        self._lines: dict[str, Line] = {}
        for line in definition.lines:
            self._lines[line.number] = line
        for line in definition.lines:
            self._lines[line.id] = line
        self._line_ids = {line.id: line for line in definition.lines}
        self._known: dict[str, KnownCaller] = {}
        for known in definition.callers:
            self._known[normalize_number(known.number)] = known
        self._ivr_rules: dict[str, list[TicketRule]] = {}
        self._agent_rules: dict[str, list[TicketRule]] = {}
        for rule in definition.ticket_rules:
            if rule.ivr_result is not None:
                self._ivr_rules.setdefault(rule.ivr_result, []).append(rule)
            if rule.agent_outcome is not None:
                self._agent_rules.setdefault(rule.agent_outcome, []).append(rule)
        hold = definition.hold
        self._music = hold.music
        self._announce_every = hold.announce_every if hold.announce_every > 0 else 0.0
        self._announce_position = hold.announce_position
        self._announce_wait = hold.announce_wait
        self._clock = Clock()
        self._time = -math.inf  # the latest instant anything was done at
        self._calls: dict[str, _Call] = {}
        # The calls' own timers, at most one a call: its IVR session's while it is in
        # the IVR, the next hold announcement while it is queued (its phase says which).
        self._call_timers: TimerQueue[str] = TimerQueue()
        # The earliest deadline of the engine, IVR and hold timers and of the desk's
        # SLA clocks as the hotline last left them (see next_deadline).
        self._next = _INF
        # The desk's earliest deadline, kept each time the hotline changed the desk
        # (see _tickets); once the desk was handed out (the desk property), where a
        # back office may change it, it is asked instead and this stays inf.
        self._desk_next = _INF
        self._desk_lent = False
        self._ticket_calls: dict[str, str] = {}  # open tickets a call opened: their call
        self._talk: dict[str, list[float]] = {q.id: [0.0, 0.0] for q in routing.queues}
        self._staffed: dict[str, int] = {q.id: 0 for q in routing.queues}

    # ------------------------------------------------------------------ questions

    @property
    def definition(self) -> HotlineDefinition:
        """The definition the hotline runs."""
        return self._definition

    @property
    def seed(self) -> int:
        """The routing engine's seed."""
        return self._seed

    @property
    def now(self) -> float | None:
        """The latest ``now`` accepted, or ``None`` before the first input."""
        return self._clock.now

    @property
    def routing(self) -> RoutingEngine:
        """The ACD, for questions only (snapshots, waiting lists, explanations).

        Calls that change it bypass the hotline and break its bookkeeping.
        """
        return self._engine

    @property
    def desk(self) -> TicketDesk:
        """The ticket desk: the tickets the calls opened, for questions.

        Its SLA clocks are timers of the hotline. A change made on the desk directly
        (a trigger fired by a back office) is not in the hotline's input log: a
        hotline rebuilt from :meth:`to_dict`, or undone after a refusal, has lost it;
        keep such work on a desk of its own, or rebuild with it.
        """
        if not self._desk_lent:  # from now on, its deadline is asked each time
            self._desk_lent = True
            self._desk_next = _INF
            self._refresh_deadline()
        return self._desk

    @property
    def keeps_log(self) -> bool:
        """Whether the input log is kept (see :meth:`to_dict`)."""
        return self._keep_log

    def call_phase(self, call_id: str) -> CallPhase:
        """Where a call is; :attr:`CallPhase.FINISHED` for a call ended or never seen.

        ``O(1)``.
        """
        try:
            call = self._calls.get(call_id)
        except TypeError:
            return _FINISHED
        return _FINISHED if call is None else call.call_phase

    def call(self, call_id: str) -> CallView:
        """What the hotline knows about a live call. ``O(1)``.

        Raises:
            UnknownIdError: The call is not live (ended, or never seen).
        """
        call = self._live_call(call_id)
        return CallView(
            call_id=call.id,
            phase=call.call_phase,
            line=call.line.id,
            dialled=call.dialled_number,
            caller=call.presented,
            arrived_at=call.arrived_at,
            language=call.language if call.session is None else call.session.language,
            queue=call.queue,
            agent=call.agent,
            on_hold=call.hold_since is not None,
        )

    def live_calls(self) -> list[str]:
        """The ids of the calls not finished, in order of arrival. ``O(calls)``."""
        return [cid for cid, call in self._calls.items() if call.call_phase is not _FINISHED]

    def agent_state(self, agent_id: str) -> AgentState:
        """An agent's state in the ACD. ``O(1)``.

        Raises:
            UnknownIdError: No such agent.
        """
        return self._engine.agent_state(agent_id)

    def session(self, call_id: str) -> Session | None:
        """The IVR session of a call in the IVR, for questions only; else ``None``."""
        call = self._calls.get(call_id) if type(call_id) is str else None
        if call is None or call.call_phase is not _IQ:
            return None
        return call.session

    def next_deadline(self) -> float | None:
        """The earliest timer of any engine inside, or ``None``. ``O(1)``.

        The earliest of the ACD's, the IVR sessions' and the hold announcements'
        timers is kept from the end of the latest input (only the hotline's own
        calls move them); so is the ticket desk's until :attr:`desk` hands it out,
        after which it is asked each time (a back office may change it directly).
        """
        best = self._next
        if self._desk_lent:
            d = self._desk.next_deadline()
            if d is not None and d < best:
                best = d
        return None if best == _INF else best

    # ------------------------------------------------------------------ driving

    def advance(self, now: float) -> list[HotlineOutput]:
        """Fire every timer due by ``now``, across engines, in deadline order.

        Returns:
            The outputs, in order.

        Raises:
            InvalidArgumentError: ``now`` is not POSIX seconds.
            TimeWentBackwardsError: ``now`` is earlier than the latest ``now``.
        """
        t = self._clock.check(now)
        out: list[HotlineOutput] = []
        self._mark = len(self._intervals)
        try:
            self._fire(t, out)
        except BaseException:
            self._recover()
            raise
        self._accept(t, None)
        return out

    def close(self, now: float) -> list[HotlineOutput]:
        """End a run at ``now`` (a simulation's end, a report's cut-off).

        Fires the timers due by ``now``, then gives the records of the answered
        calls whose wrap-up is still running (as if it ended at ``now``) and closes
        the agents' state intervals at ``now``. Calls still in the IVR or queued
        stay open. The hotline can go on afterwards.

        Raises:
            InvalidArgumentError: ``now`` is not POSIX seconds.
            TimeWentBackwardsError: ``now`` is earlier than the latest ``now``.
        """
        t = self._clock.check(now)
        out: list[HotlineOutput] = []
        self._mark = len(self._intervals)
        try:
            self._fire(t, out)
            self._close_agents(t, out)
        except BaseException:
            self._recover()
            raise
        self._accept(t, _CLOSE)
        return out

    def take_intervals(self) -> list[AgentStateInterval]:
        """Return and forget the agents' state intervals closed so far.

        Each interval (an agent's state from one change to the next) is returned
        once; occupancy, utilization and the agent reports are computed from them.
        Always empty for a hotline built with ``keep_intervals=False``.
        """
        intervals = self._intervals
        self._intervals = []
        return intervals

    def wallboard(self, now: float | None = None) -> MonitorSnapshot:
        """The live wallboard: per queue and per agent, as of ``now``.

        Per queue: waiting, ringing, talking, offered, answered and abandoned today,
        answer rate, service level (within the definition's ``answer_time``) and
        the longest current wait; per agent: state, reason and time in state; the
        calls in the IVR now. :func:`~callcenter.metrics.format_wallboard` prints it.

        A question: the hotline is unchanged. The board shows the calls and agents
        as the latest input or :meth:`advance` left them, with waits and times in
        state counted up to ``now``; a timer due before ``now`` has not fired yet
        (call :meth:`advance` first for that), and a later input at an earlier
        instant than ``now`` is still accepted. A ``now`` on a later local day
        than the latest event shows that day's counters, at zero.

        Args:
            now: The instant of the snapshot (default: the latest ``now`` given);
                not before the latest event.

        Raises:
            InvalidArgumentError: The hotline was built with ``wallboard=False``, or
                ``now`` is not a time the monitor accepts.
            TimeWentBackwardsError: ``now`` is earlier than the latest event.

        ``O(queues + agents)``.
        """
        monitor = self._monitor
        if monitor is None:
            raise InvalidArgumentError(
                name="wallboard", expected="a hotline built with wallboard=True", got=False
            )
        if now is None:
            now = self._time if self._time > -math.inf else 0.0
        return monitor._peek(now)

    @property
    def open_contacts(self) -> int:
        """Calls seen whose record is not out yet (live, or in the agent's wrap-up).

        ``O(1)``.
        """
        return len(self._calls)

    def _accept(self, t: float, item: HotlineInput | str | None) -> None:
        """Commit a call that succeeded at ``t``: the clock, the log, the intervals."""
        self._time = t
        self._clock.commit(t)
        self._refresh_deadline()
        if self._keep_log:
            log = self._log
            # Two advances in a row are the later one alone (timers fire at their
            # deadlines either way).
            if item is None and log and log[-1][1] is None:
                log[-1] = (t, None)
            else:
                if isinstance(item, _HOLDING_MAPPINGS):
                    item = _owned(item)
                if self._asked is not None and item.__class__ is CallArrived:
                    self._listed[len(log)] = self._asked
                log.append((t, item))
        self._asked = None

    def handle(self, input: HotlineInput, now: float) -> list[HotlineOutput]:
        """Fire the timers due by ``now``, then handle ``input``; return every output.

        Returns:
            The timers' outputs, then the input's, in order.

        Raises:
            InvalidArgumentError: ``input`` is not a hotline input, or one of its
                values is not what it should be (an id too long, a bool where text
                belongs...); or ``now`` is not POSIX seconds.
            TimeWentBackwardsError: ``now`` is earlier than the latest ``now``.
            UnknownIdError: An unknown line, agent or queue, or a call that is not
                live.
            DuplicateIdError: A new call with the id of a call still live (or whose
                record is not out yet).
            IllegalTransitionError: The input does not fit the call's phase or the
                agent's state (e.g. an answer from an agent the call does not ring
                at).
            CallCenterError: What an engine refuses (keys the IVR does not take,
                ticket fields a workflow refuses...).

        After an error the hotline is exactly as it was.

        Complexity: ``O(log n)`` per timer fired (``n`` timers), plus what the
        engines do (see their pages); a hold announcement with the caller's
        position costs ``O(l log w)`` for ``l`` lanes of ``w`` waiting callers
        (:meth:`~callcenter.routing.RoutingEngine.position`).
        """
        t = self._clock.check(now)
        self._asked = None
        try:
            check, do = _HANDLERS[input.__class__]
        except (KeyError, AttributeError):
            raise InvalidArgumentError(
                name="input", expected="a hotline input (CallArrived, CallInput...)", got=input
            ) from None
        check(self, input)
        out: list[HotlineOutput] = []
        self._mark = len(self._intervals)
        # Any timer due by ``t``: the ACD's, the calls' and the desk's (kept, see
        # _refresh_deadline), or a lent desk's (asked: a back office may change it).
        fired = self._next <= t
        if not fired and self._desk_lent:
            d = self._desk.next_deadline()
            fired = d is not None and d <= t
        try:
            if fired:
                self._fire(t, out)
                try:
                    check(self, input)
                except CallCenterError:
                    do = None  # moot: a timer changed the call or agent
            if do is not None:
                do(self, input, t, out)
        except _RefusedError as refused:
            if fired:
                self._recover()
            raise refused.error from None
        except BaseException:
            self._recover()
            raise
        self._accept(t, input)
        return out

    # ------------------------------------------------------------------ timers

    def _refresh_deadline(self) -> None:
        """Keep the earliest timer of the ACD, the calls (IVR sessions, hold) and the desk.

        The desk's is the one kept when the hotline last changed it (``inf`` once lent).
        """
        best = self._engine.next_deadline()
        d = self._call_timers.next_deadline()
        if best is None:
            best = _INF if d is None else d
        elif d is not None and d < best:
            best = d
        d = self._desk_next
        self._next = d if d < best else best

    def _fire(self, t: float, out: list[HotlineOutput]) -> None:
        """Fire what is due by ``t``, one deadline at a time, across engines."""
        engine = self._engine
        timers = self._call_timers
        desk = self._desk
        while True:
            # The earliest due of the ACD, the calls and the desk (ties: that order).
            best = engine.next_deadline()
            which = 1
            if best is not None and best > t:
                best = None
            d = timers.next_deadline()
            if d is not None and d <= t and (best is None or d < best):
                best, which = d, 2
            d = desk.next_deadline() if self._desk_lent else self._desk_next
            if d is not None and d <= t and (best is None or d < best):
                best, which = d, 3
            if best is None:
                return
            at = best if best > self._time else self._time
            self._time = at
            if which == 1:
                self._routing(engine.advance(at), out)
            elif which == 2:
                due = timers.pop_due(at)
                assert due is not None
                call = self._calls.get(due[1])
                if call is None:
                    continue
                if call.call_phase is _IQ:
                    if call.session is not None:
                        self._ivr(call, call.session.advance(at), at, out)
                elif call.call_phase is _QUEUED:
                    self._announce_due(call, due[0], t, out)
            else:
                desk.advance(at)
                self._tickets(out)

    # ------------------------------------------------------------------ recovery

    def _recover(self) -> None:
        """Put the hotline back as it was before the failed call, from the input log."""
        del self._intervals[self._mark :]  # those of the failed call
        if not self._keep_log:
            self._desk_changed()  # the engines stay as they were left
            self._refresh_deadline()
            return
        fresh = Hotline(
            self._definition,
            seed=self._seed,
            caller_lists=self._lists,
            keep_intervals=self._keep_intervals,
            wallboard=self._monitor is not None,
        )
        fresh._listed = self._listed  # the lists' answers, not the lists' say now
        fresh._replay(self._log)
        fresh._intervals = self._intervals  # those not taken yet, as before the call
        self.__dict__ = fresh.__dict__

    def _replay(self, log: Iterable[tuple[float, HotlineInput | str | None]]) -> None:
        for at, item in log:
            if item is None:
                self.advance(at)
            elif isinstance(item, str):
                self.close(at)
            else:
                self.handle(item, at)

    # ------------------------------------------------------------------ calls

    def _live_call(self, call_id: object) -> _Call:
        # A known call's id is valid text: only a miss needs the full check.
        call = self._calls.get(call_id) if type(call_id) is str else None
        if call is not None and call.call_phase is not _FINISHED:
            return call
        call_id = _text("call_id", call_id, empty=False)
        live = (cid for cid, c in self._calls.items() if c.call_phase is not _FINISHED)
        raise UnknownIdError(kind="call", id=call_id, known=live)

    def _check_agent(self, agent_id: object) -> str:
        if type(agent_id) is str and agent_id in self._agent_queues:
            return agent_id
        agent_id = _text("agent_id", agent_id, empty=False)
        if agent_id not in self._agent_queues:
            raise UnknownIdError(kind="agent", id=agent_id, known=self._agent_queues)
        return agent_id

    def _check_arrived(self, item: CallArrived) -> None:
        call_id = _text("call_id", item.call_id, empty=False)
        line = _text("line", item.line, empty=False)
        _text("caller", item.caller)
        _text("caller_name", item.caller_name)
        if call_id in self._calls:
            raise DuplicateIdError(kind="call", id=call_id)
        if line not in self._lines:
            raise UnknownIdError(kind="line", id=line, known=self._lines)

    def _do_arrived(self, item: CallArrived, t: float, out: list[HotlineOutput]) -> None:
        definition = self._definition
        dialled_line = self._lines[item.line]
        line = dialled_line
        caller = item.caller
        try:
            # Hand-overs go on while the line reached is closed too (an office to its
            # branch, the branch to the central center); the definition has no cycle.
            while (
                line.closed_line is not None
                and line.calendar is not None
                and not definition.calendars[line.calendar].is_open(t)
            ):
                line = self._line_ids[line.closed_line]
            # The number, normalised, is only looked up: with no known caller and no
            # caller lists (nor their answers, replaying) there is nothing to look
            # it up in.
            lists = self._lists
            look = self._known or lists is not None or self._listed
            number = _phone_number(caller) if look else None
            known = None if number is None else self._known.get(number)
            status = _NORMAL_CALLER if known is None else known.status
            if number is not None and status is not _BLOCKED_CALLER:
                # Replaying, the lists' answer when the call came; else theirs now.
                listed = self._listed.get(len(self._log)) if self._listed else None
                if listed is None and lists is not None:
                    listed = lists.status(number, t)
                    if listed.__class__ is not CallerStatus:
                        raise InvalidArgumentError(
                            name="caller_lists.status()", expected="a CallerStatus", got=listed
                        )
                if listed is not None:
                    self._asked = listed
                    if listed is not _NORMAL_CALLER:
                        status = listed
        except CallCenterError as error:
            raise _RefusedError(error) from error
        flow = None if line.flow is None else definition.flows[line.flow]
        if status is _BLOCKED_CALLER and (flow is None or flow.on_blocked is None):
            out.append(RejectCall(call_id=item.call_id, reason="blocked"))
            record = ContactRecord(
                contact_id=item.call_id,
                outcome=_BLOCKED,
                arrived_at=t,
                ended_at=t,
                dialled_number=dialled_line.number,
                caller=caller or None,
            )
            out.append(_new_contact_finished(call_id=item.call_id, record=record))
            return
        caller_name = item.caller_name or (known.name if known is not None else "")
        if flow is None:
            language = line.language or ""
            call = _Call(
                item.call_id,
                line,
                dialled_line.number,
                caller,
                caller_name,
                known,
                status,
                language,
                t,
            )
            call.phase = _NOTES_HANDOFF  # straight to the ACD
            self._calls[item.call_id] = call
            out.append(_new_answer_call(call_id=item.call_id))
            self._enqueue(call, None, t, out)
            return
        attributes = {"line": line.id}
        if caller_name:
            attributes["caller_name"] = caller_name
        if known is not None and known.tier:
            attributes["tier"] = known.tier
        try:
            session = Session(
                flow,
                session_id=item.call_id,
                caller=caller,
                dialled=dialled_line.number,
                status=status,
                attributes=attributes,
                language=line.language,
            )
            commands = session.begin(t)
        except CallCenterError as error:
            raise _RefusedError(error) from error
        call = _Call(
            item.call_id,
            line,
            dialled_line.number,
            caller,
            caller_name,
            known,
            status,
            session.language,
            t,
        )
        call.session = session
        self._calls[item.call_id] = call
        out.append(_new_answer_call(call_id=item.call_id))
        self._ivr(call, commands, t, out)

    def _check_call_input(self, item: CallInput) -> None:
        call = self._live_call(item.call_id)
        kind = item.event.__class__
        if kind not in _IVR_INPUTS:
            raise InvalidArgumentError(
                name="event",
                expected="an IVR input (DigitsPressed, CallerHungUp...)",
                got=item.event,
            )
        if call.call_phase is not _IQ and kind is not CallerHungUp:
            raise IllegalTransitionError(
                entity=f"call {call.id!r}",
                state=call.call_phase.value,
                action=f"handle {kind.__name__}",
                allowed=("CallerHungUp",),
            )
        _check_ivr_values(item.event)

    def _do_call_input(self, item: CallInput, t: float, out: list[HotlineOutput]) -> None:
        call = self._calls[item.call_id]
        phase = call.call_phase
        engine = self._engine
        if phase is _IQ:
            session = call.session
            assert session is not None
            try:
                commands = session.handle(item.event, t)
            except CallCenterError as error:
                raise _RefusedError(error) from error
            self._ivr(call, commands, t, out)
        elif phase is _CONNECTED:
            try:
                events = engine.complete(call.id, t)
            except CallCenterError as error:
                raise _RefusedError(error) from error
            self._end_hold(call, t)
            out.append(_new_end_call(call_id=call.id, reason="caller hung up"))
            self._routing(events, out)
        else:
            try:
                events = engine.abandon(call.id, t)
            except CallCenterError as error:
                raise _RefusedError(error) from error
            self._routing(events, out)

    def _check_on_hold(self, item: CallOnHold) -> None:
        self._agents_call(item)
        on: object = item.on
        if not isinstance(on, bool):
            raise InvalidArgumentError(name="on", expected="True or False", got=on)

    def _do_on_hold(self, item: CallOnHold, t: float, out: list[HotlineOutput]) -> None:
        call = self._calls[item.call_id]
        if item.on:
            if call.hold_since is None:
                call.hold_since = t
        else:
            self._end_hold(call, t)

    @staticmethod
    def _end_hold(call: _Call, t: float) -> None:
        if call.hold_since is not None:
            call.hold_total += t - call.hold_since
            call.hold_since = None

    def _agents_call(self, item: _AgentCallInput) -> _Call:
        """The input's call, in the phase :data:`CALL_PHASE_NEEDED` asks, with its agent."""
        phase, action = CALL_PHASE_NEEDED[item.__class__]
        # The usual case: a call in that phase (so live) with this very agent (so a
        # known agent, and text). Anything else takes every check, in order.
        agent: object = item.agent_id
        call_id: object = item.call_id
        if type(call_id) is str and type(agent) is str:
            found = self._calls.get(call_id)
            if found is not None and found.call_phase is phase and found.agent == agent:
                return found
        agent = self._check_agent(agent)
        call = self._live_call(call_id)
        if call.call_phase is not phase or call.agent != agent:
            raise IllegalTransitionError(
                entity=f"call {call.id!r}",
                state=call.call_phase.value
                + ("" if call.agent is None else f" (agent {call.agent!r})"),
                action=f"{action} for agent {agent!r}",
                allowed=(),
                reason=PHASE_WITH_AGENT[phase].format(agent=agent),
            )
        return call

    def _check_transfer(self, item: TransferRequested) -> None:
        call = self._agents_call(item)
        queue = _optional_text("queue", item.queue)
        agent = _optional_text("agent", item.agent)
        number = _optional_text("number", item.number)
        targets = [x for x in (queue, agent, number) if x is not None]
        if len(targets) != 1:
            raise InvalidArgumentError(
                name="target",
                expected="exactly one of queue, agent and number",
                got=targets,
            )
        if queue is not None:
            if queue not in self._talk:
                raise UnknownIdError(kind="queue", id=queue, known=self._talk)
            if queue == call.queue:
                raise InvalidArgumentError(
                    name="queue",
                    expected=f"a queue other than {queue!r}, where the call already is",
                    got=queue,
                )
        if agent is not None:
            self._check_agent(agent)
            if agent == call.agent:
                raise InvalidArgumentError(
                    name="agent",
                    expected=f"an agent other than {agent!r}, who talks to the caller",
                    got=agent,
                )
            if not self._agent_queues[agent]:
                raise InvalidArgumentError(
                    name="agent", expected="an agent who serves a queue", got=agent
                )

    def _transfer_queue(self, call: _Call, agent: str) -> str:
        """The queue of a transfer to ``agent``: the call's own if the agent serves it."""
        queues = self._agent_queues[agent]
        return call.queue if call.queue in queues else queues[0]

    def _do_transfer(self, item: TransferRequested, t: float, out: list[HotlineOutput]) -> None:
        call = self._calls[item.call_id]
        engine = self._engine
        try:
            if item.number is not None:
                events = engine.complete(call.id, t)
            elif item.queue is not None:
                events = engine.transfer(call.id, item.queue, t)
            else:
                assert item.agent is not None
                queue = self._transfer_queue(call, item.agent)
                events = engine.transfer(call.id, queue, t, preferred_agents=(item.agent,))
        except CallCenterError as error:
            raise _RefusedError(error) from error
        self._end_hold(call, t)
        if item.number is not None:
            out.append(TransferCall(call_id=call.id, number=item.number))
        self._routing(events, out)

    def _check_leg_reason(self, item: AgentLegDeclined | AgentLegFailed) -> None:
        self._agents_call(item)
        _text("reason", item.reason)

    def _do_leg_ringing(self, item: AgentLegRinging, t: float, out: list[HotlineOutput]) -> None:
        return None

    def _do_leg_answered(self, item: AgentLegAnswered, t: float, out: list[HotlineOutput]) -> None:
        try:
            events = self._engine.accept(item.call_id, t)
        except CallCenterError as error:
            raise _RefusedError(error) from error
        self._routing(events, out)

    def _do_leg_declined(
        self, item: AgentLegDeclined | AgentLegFailed, t: float, out: list[HotlineOutput]
    ) -> None:
        # A leg that rang out at the telephony, or could not reach the agent's phone,
        # is a missed offer (the queue's auto-pause counts it, as a ring timeout);
        # only a refusal ("busy", "rejected", any other reason) is a plain decline.
        missed = type(item) is AgentLegFailed or item.reason == _NO_ANSWER
        try:
            events = self._engine.reject(item.call_id, t, missed=missed)
        except CallCenterError as error:
            raise _RefusedError(error) from error
        self._routing(events, out)

    def _check_leg_ended(self, item: AgentLegEnded) -> None:
        self._agents_call(item)
        _optional_text("outcome", item.outcome)
        _fields("fields", item.fields)

    def _do_leg_ended(self, item: AgentLegEnded, t: float, out: list[HotlineOutput]) -> None:
        call = self._calls[item.call_id]
        opened = 0
        if item.outcome is not None:
            rules = self._agent_rules.get(item.outcome)
            if rules:
                opened = self._open_tickets(
                    call, rules, call.queue, item.agent_id, t, item.fields, out, by_agent=True
                )
        try:
            events = self._engine.complete(call.id, t)
        except CallCenterError as error:
            if opened:
                raise  # the tickets are open: undone from the log
            raise _RefusedError(error) from error
        self._end_hold(call, t)
        out.append(_new_end_call(call_id=call.id, reason="agent hung up"))
        self._routing(events, out)

    # ------------------------------------------------------------------ agents

    def _check_logged_in(self, item: AgentReady | AgentLoggedOut | WrapUpDone) -> None:
        agent = self._check_agent(item.agent_id)
        if self._engine.agent_state(agent) is _LOGGED_OUT:
            raise IllegalTransitionError(
                entity=f"agent {agent!r}",
                state="logged_out",
                action=f"handle {type(item).__name__}",
                allowed=("AgentLoggedIn",),
            )

    def _check_agent_state(self, item: AgentLoggedOut | WrapUpDone) -> None:
        """Logged in, and not in a state :data:`AGENT_STATES_REFUSING` lists for it."""
        self._check_logged_in(item)
        state = self._engine.agent_state(item.agent_id)
        refusal = AGENT_STATES_REFUSING[item.__class__]
        if state in refusal.states:
            raise IllegalTransitionError(
                entity=f"agent {item.agent_id!r}",
                state=state.value,
                action=refusal.action,
                allowed=refusal.allowed,
                reason=refusal.reason,
            )

    def _check_not_ready(self, item: AgentNotReady) -> None:
        self._check_logged_in(item)  # type: ignore[arg-type]
        _text("reason", item.reason, empty=False)

    def _check_login(self, item: AgentLoggedIn) -> None:
        agent = self._check_agent(item.agent_id)
        ready: object = item.ready
        if not isinstance(ready, bool):
            raise InvalidArgumentError(name="ready", expected="True or False", got=ready)
        if self._engine.agent_state(agent) is not _LOGGED_OUT:
            raise IllegalTransitionError(
                entity=f"agent {agent!r}",
                state=self._engine.agent_state(agent).value,
                action="log in",
                allowed=("AgentReady", "AgentNotReady", "AgentLoggedOut", "WrapUpDone"),
            )

    def _agent_call(self, call: Callable[[], list[_AcdEvent]], out: list[HotlineOutput]) -> None:
        try:
            events = call()
        except CallCenterError as error:
            raise _RefusedError(error) from error
        self._routing(events, out)

    def _do_login(self, item: AgentLoggedIn, t: float, out: list[HotlineOutput]) -> None:
        self._agent_call(lambda: self._engine.login(item.agent_id, t, ready=item.ready), out)

    def _do_ready(self, item: AgentReady, t: float, out: list[HotlineOutput]) -> None:
        self._agent_call(lambda: self._engine.set_ready(item.agent_id, t), out)

    def _do_not_ready(self, item: AgentNotReady, t: float, out: list[HotlineOutput]) -> None:
        self._agent_call(lambda: self._engine.set_not_ready(item.agent_id, item.reason, t), out)

    def _do_logout(self, item: AgentLoggedOut, t: float, out: list[HotlineOutput]) -> None:
        self._agent_call(lambda: self._engine.logout(item.agent_id, t), out)

    def _do_wrap_up_done(self, item: WrapUpDone, t: float, out: list[HotlineOutput]) -> None:
        self._agent_call(lambda: self._end_wrap_up_now(item.agent_id, t), out)

    def _end_wrap_up_now(self, agent: str, t: float) -> list[_AcdEvent]:
        """The ACD's end of ``agent``'s wrap-up; its refusal in the words of the inputs.

        The states the rules table refuses are checked before; the ACD refuses the
        others (a call rings or talks, and no wrap-up runs beside it). While a call
        is on, a presence change still ends a wrap-up, a logout does not.
        """
        engine = self._engine
        try:
            return engine.end_wrap_up(agent, t)
        except IllegalTransitionError as error:
            refusal = AGENT_STATES_REFUSING[WrapUpDone]
            raise IllegalTransitionError(
                entity=f"agent {agent!r}",
                state=engine.agent_state(agent).value,
                action=refusal.action,
                allowed=("AgentReady", "AgentNotReady"),
                reason=refusal.reason,
            ) from error

    # ------------------------------------------------------------------ the IVR

    def _ivr(
        self, call: _Call, commands: list[Command], t: float, out: list[HotlineOutput]
    ) -> None:
        """Carry out what a session asked; route the call when the IVR queues it."""
        session = call.session
        assert session is not None
        events = session.take_events()
        records: list[ContactRecord] = []
        if events:
            if self._stale is not None and events[0].at > self._stale:
                self._finish_stale(records)
            notes = CONTACT_NOTES
            for e in events:
                outcome = notes[e.__class__](call, e)
                if outcome is not None:
                    records.append(record_of(call, outcome, None))
            if self._monitor is not None:
                self._monitor.feed_all(events)
        enqueue: Enqueue | None = None
        cid = call.id
        for command in commands:
            out.append(_new_call_command(call_id=cid, command=command))
            if command.__class__ is Enqueue:
                enqueue = command
        if session.ended:
            self._call_timers.cancel(cid)
            result = session.result
            queue = None if enqueue is None else enqueue.queue
            if result is not None:
                rules = self._ivr_rules.get(result.value)
                if rules:
                    extra: dict[str, str] = {}
                    if result is _VOICEMAIL:  # the back office finds the message by it
                        recording = session.attributes.get("recording")
                        if recording is not None:
                            extra[_RECORDING_FIELD] = recording
                    self._open_tickets(call, rules, queue, "ivr", t, extra, out)
            if result is _ENQUEUED and enqueue is not None:
                call.language = enqueue.language
                self._enqueue(call, enqueue, t, out)
            else:
                call.call_phase = _FINISHED
        else:
            deadline = session.next_deadline()
            if deadline is None:
                self._call_timers.cancel(cid)
            else:
                self._call_timers.schedule(cid, deadline)
        for record in records:
            self._finished(record, out)

    def _enqueue(
        self, call: _Call, enqueue: Enqueue | None, t: float, out: list[HotlineOutput]
    ) -> None:
        contact = _contact(
            enqueue,
            call_id=call.id,
            caller=call.presented,
            caller_name=call.caller_name,
            dialled=call.dialled_number,
            line=call.line.id,
            language=call.language,
            known_caller=call.known,
            status=call.status,
        )
        call.context = contact.context
        call.session = None
        queue = call.line.queue if enqueue is None else enqueue.queue
        self._routing(self._engine.route(contact, t, queue=queue), out)

    # ------------------------------------------------------------------ the ACD

    def _routing(self, events: list[_AcdEvent], out: list[HotlineOutput]) -> None:
        """Turn the ACD's events into outputs and notes (one dispatch per event), then records.

        Each event goes to this hotline's handler, which changes the call's phase,
        adds the outputs and applies the event to the call's notes (the record's
        facts) or, for an agent, closes the agent's state interval and finishes the
        calls whose wrap-up it ends. The records come last, in the order they
        finished.
        """
        if self._monitor is not None:
            self._monitor.feed_all(events)
        records: list[ContactRecord] = []
        if self._stale is not None and events and events[0].at > self._stale:
            self._finish_stale(records)
        handlers = _ON_ROUTING
        for e in events:
            handlers[e.__class__](self, e, out, records)
        if self._completed:
            self._note_stale(events[-1].at)
        for record in records:
            self._finished(record, out)

    def _note_stale(self, at: float) -> None:
        """After a batch: calls completed in it whose agent is in no wrap-up, to finish later."""
        book = self._agents
        for agent in self._completed:
            known = book.get(agent)
            if agent in self._wrapping and (known is None or known.state is not _WRAP_UP):
                self._stale = at
        self._completed.clear()

    def _finish_stale(self, records: list[ContactRecord]) -> None:
        """Once time moves on, finish the calls waiting for a wrap-up their agent is not in."""
        book = self._agents
        for agent in list(self._wrapping):
            known = book.get(agent)
            if known is None or known.state is not _WRAP_UP:
                self._end_wrap_up(agent, None, records)
        self._stale = None

    def _end_wrap_up(self, agent: str, end: float | None, records: list[ContactRecord]) -> None:
        """Finish the calls that waited for ``agent``'s wrap-up, into ``records``.

        ``end``: when the wrap-up ended, ``None`` when there was none.
        """
        # Mostly one call: a loop, without a list built to extend with.
        for call in self._wrapping.pop(agent):
            records.append(record_of(call, _ANSWERED, end))  # noqa: PERF401

    def _on_agent_changed(
        self, e: AgentStateChanged, out: list[HotlineOutput], records: list[ContactRecord]
    ) -> None:
        agent = e.agent_id
        old = e.old
        known = self._agents.get(agent)
        if known is None:
            known = self._agents[agent] = _Agent(self._agent_queues[agent])
        if self._keep_intervals:
            interval = _n.interval(agent, old, e.since, e.at, known.reason, known.queues)
            if interval is not None:
                self._intervals.append(interval)
        known.state = e.new
        known.since = e.at
        known.reason = e.reason
        wrapped = self._wrapping.get(agent)
        if wrapped is not None:
            self._completed.discard(agent)  # its calls wait for this change's wrap-up
            if _n.ends_wrap_up(e):
                self._end_wrap_up(agent, _n.wrap_end(e), records)
        if old is _LOGGED_OUT or e.new is _LOGGED_OUT:
            step = 1 if old is _LOGGED_OUT else -1
            staffed = self._staffed
            for q in known.queues:
                staffed[q] += step

    def _on_queued(
        self, e: ContactQueued, out: list[HotlineOutput], records: list[ContactRecord]
    ) -> None:
        call = self._calls[e.contact_id]
        _n.queued(call, e)
        call.call_phase = _QUEUED
        call.queue = e.queue
        call.agent = None
        call.announce_from = e.at
        self._announce(call, out, self._series_at(call, 1, e.at) if self._announce_every else 0.0)

    def _on_offered(
        self, e: ContactOffered, out: list[HotlineOutput], records: list[ContactRecord]
    ) -> None:
        call = self._calls[e.contact_id]
        _n.offered(call, e)
        call.call_phase = _RINGING
        call.queue = e.queue
        call.agent = agent = e.agent_id
        if self._announce_every:  # the hold announcements stop while it rings
            self._call_timers.cancel(call.id)
        out.append(
            _new_ring_agent(
                call_id=call.id,
                agent_id=agent,
                endpoint=self._endpoints.get(agent) or e.mobile_number or agent,
                timeout=e.ring_deadline - e.at,
                # A copy: a host that adds to the screen pop changes no later offer.
                context=dict(call.context),
            )
        )

    def _on_declined(
        self, e: ContactOfferDeclined, out: list[HotlineOutput], records: list[ContactRecord]
    ) -> None:
        call = self._calls[e.contact_id]
        _n.declined(call, e)
        call.call_phase = _QUEUED
        call.agent = None
        if e.reason is _RING_TIMEOUT:
            out.append(_new_stop_ringing(call_id=call.id, agent_id=e.agent_id))
        if self._announce_every:
            call.announce_from = e.at
            self._call_timers.schedule(call.id, self._series_at(call, 1, e.at))

    def _on_answered(
        self, e: ContactAnswered, out: list[HotlineOutput], records: list[ContactRecord]
    ) -> None:
        call = self._calls[e.contact_id]
        _n.answered(call, e)
        call.call_phase = _CONNECTED
        out.append(_new_connect_agent(call_id=e.contact_id, agent_id=e.agent_id))

    def _on_completed(
        self, e: ContactCompleted, out: list[HotlineOutput], records: list[ContactRecord]
    ) -> None:
        call = self._calls[e.contact_id]
        _n.completed(call, e)
        call.call_phase = _FINISHED
        # The record waits for the end of the agent's wrap-up: the agent's next
        # change of state (in this batch when there is no wrap-up).
        self._wrapping.setdefault(e.agent_id, []).append(call)
        self._completed.add(e.agent_id)
        if self._announce_wait:  # the mean talk time is for the expected wait only
            talk = self._talk[e.queue]
            talk[0] += e.at - e.answered_at
            talk[1] += 1.0

    def _on_abandoned(
        self, e: ContactAbandoned, out: list[HotlineOutput], records: list[ContactRecord]
    ) -> None:
        call = self._calls[e.contact_id]
        records.append(record_of(call, _n.abandoned(call, e), None))
        self._gone(call)
        if e.agent_id is not None:
            out.append(_new_stop_ringing(call_id=e.contact_id, agent_id=e.agent_id))

    def _on_overflowed(
        self, e: ContactOverflowed, out: list[HotlineOutput], records: list[ContactRecord]
    ) -> None:
        call = self._calls[e.contact_id]
        outcome = _n.overflowed(call, e)
        if outcome is None:
            return  # it waits in the other queue (a ContactQueued follows)
        records.append(record_of(call, outcome, None))
        self._gone(call)
        reason = e.kind.value
        out.append(_new_end_call(call_id=call.id, reason=reason))
        rules = self._ivr_rules.get(reason)
        if rules:
            self._open_tickets(call, rules, e.queue, "ivr", e.at, {}, out)

    def _on_sent_away(
        self,
        e: ContactRefused | ContactLeft,
        out: list[HotlineOutput],
        records: list[ContactRecord],
    ) -> None:
        call = self._calls[e.contact_id]
        outcome = CONTACT_NOTES[e.__class__](call, e)
        assert outcome is not None  # both finish the contact
        records.append(record_of(call, outcome, None))
        self._gone(call)
        out.append(_new_end_call(call_id=e.contact_id, reason=e.reason.value))

    def _on_moved(
        self,
        e: ContactTransferred | ContactEscalated,
        out: list[HotlineOutput],
        records: list[ContactRecord],
    ) -> None:
        """Transfers and escalations: a ContactQueued or an offer follows when it matters."""
        CONTACT_NOTES[e.__class__](self._calls[e.contact_id], e)

    def _close_agents(self, t: float, out: list[HotlineOutput]) -> None:
        """End the run at ``t``: the records of calls in wrap-up, the agents' intervals."""
        records: list[ContactRecord] = []
        for agent in list(self._wrapping):
            known = self._agents.get(agent)
            in_wrap = known is not None and known.state is _WRAP_UP
            self._end_wrap_up(agent, t if in_wrap else None, records)
        for record in records:
            self._finished(record, out)
        self._stale = None
        for agent, known in self._agents.items():
            if self._keep_intervals:
                interval = _n.interval(
                    agent, known.state, known.since, t, known.reason, known.queues
                )
                if interval is not None:
                    self._intervals.append(interval)
            known.since = t

    def _gone(self, call: _Call) -> None:
        call.call_phase = _FINISHED
        if self._announce_every:
            self._call_timers.cancel(call.id)

    def _announce_due(
        self, call: _Call, deadline: float, t: float, out: list[HotlineOutput]
    ) -> None:
        """The hold announcement due at ``deadline``, while the hotline catches up to ``t``.

        Every announcement due by ``t`` is made, at its time, unless more than
        :data:`CATCH_UP` of the call's are (a host that wakes the hotline very late,
        a ``now`` far ahead): then only the latest :data:`CATCH_UP` are, so that a
        jump of any length costs a bounded amount of work.
        """
        every = self._announce_every
        start = call.announce_from
        if not (t - start) / every < _COUNTABLE:
            # Too many steps to count (an interval far too small for a jump this
            # long; definitions refuse intervals under a second, forged snapshot
            # bytes need not): one announcement, and the next after t.
            self._announce(call, out, math.nextafter(t, _INF))
            return
        k = _steps((deadline - start) / every)  # the deadline is start + k * every
        last = k + _steps((t - deadline) / every, floor=True)
        # The latest of the series due by t (the division may be one off either way).
        for _ in range(2):
            if last > k and start + every * last > t:
                last -= 1
        for _ in range(2):
            if start + every * (last + 1) <= t:
                last += 1
        first = last - (CATCH_UP - 1)
        if first > k and start + every * first > deadline:
            self._call_timers.schedule(call.id, start + every * first)  # skip the older
        else:
            self._announce(call, out, self._series_at(call, k + 1, t))

    def _announce(self, call: _Call, out: list[HotlineOutput], next_at: float) -> None:
        """Hold treatment for a queued call, and the next announcement's timer at ``next_at``."""
        queue = call.queue
        assert queue is not None
        position: int | None = None
        wait: float | None = None
        if self._announce_position or self._announce_wait:
            engine = self._engine
            # Only a contact still waiting has a position (most are offered at once,
            # in the same batch of events, and cost no sorting).
            try:
                waiting = engine.contact_phase(call.id) == "waiting"
            except UnknownIdError:
                waiting = False  # it left in the same batch of events
            if waiting:
                position = engine.position(call.id)
                if self._announce_wait:
                    total, count = self._talk[queue]
                    if count:
                        wait = position * (total / count) / max(1, self._staffed[queue])
                if not self._announce_position:
                    position = None
        out.append(
            _new_hold_caller(
                call_id=call.id,
                queue=queue,
                music=self._music,
                position=position,
                expected_wait=wait,
                language=call.language if call.session is None else call.session.language,
            )
        )
        if self._announce_every:
            self._call_timers.schedule(call.id, next_at)

    def _series_at(self, call: _Call, k: int, t: float) -> float:
        """When the ``k``-th announcement of the call's series is due (at ``t`` or later)."""
        every = self._announce_every
        start = call.announce_from
        at = start + every * k
        if at <= start + every * (k - 1):
            # Only where the interval is too small to move a time this large (the
            # series cannot go on): the next instant after t, so that time moves on.
            at = math.nextafter(t, _INF)
        return at

    def _finished(self, record: ContactRecord, out: list[HotlineOutput]) -> None:
        call = self._calls.pop(record.contact_id, None)
        if call is not None:
            # Its timer: an IVR session's (only a call that had one), the hold
            # announcements' (only with announcements).
            if call.session is not None or self._announce_every:
                self._call_timers.cancel(call.id)
            if call.hold_total > 0:
                hold = min(call.hold_total, record.talk_seconds)
                record = attrs.evolve(
                    record,
                    hold_seconds=record.hold_seconds + hold,
                    talk_seconds=record.talk_seconds - hold,
                )
        out.append(_new_contact_finished(call_id=record.contact_id, record=record))

    # ------------------------------------------------------------------ tickets

    def _open_tickets(
        self,
        call: _Call,
        rules: list[TicketRule],
        queue: str | None,
        actor: str,
        t: float,
        extra: Mapping[str, str],
        out: list[HotlineOutput],
        *,
        by_agent: bool = False,
    ) -> int:
        """Open the tickets of the rules that match ``queue``; return how many.

        ``by_agent``: the agent's outcome opens them, as the input's first change. A
        ticket its workflow refuses then refuses the input (changing nothing if it is
        the first, undone from the log otherwise), so that the agent's application
        can send the fields. Tickets the hotline opens by itself (an IVR result, an
        overflow, often from a timer) are skipped when refused (a callback for a
        withheld number): the call goes on, since refusing would refuse a caller's
        hang-up, or a timer that every later input fires again.
        """
        desk = self._desk
        opened = 0
        for rule in rules:
            if rule.queue is not None and rule.queue != queue:
                continue
            fields: dict[str, Any] = {"customer_phone": call.presented, **rule.fields, **extra}
            try:
                ticket = desk.open(rule.workflow, actor=actor, now=t, fields=fields)
            except CallCenterError as error:
                if not by_agent:
                    continue
                if opened:
                    raise
                raise _RefusedError(error) from error
            self._ticket_calls[ticket.id] = call.id
            opened += 1
        if opened:
            self._tickets(out)
        return opened

    def _tickets(self, out: list[HotlineOutput]) -> None:
        """Every ticket event so far, each with the call that opened its ticket.

        Called after every change the hotline makes to the desk (a ticket opened, its
        clocks advanced): the desk's deadline is kept here.
        """
        calls = self._ticket_calls
        for event in self._desk.take_events():
            if event.__class__ is TicketClosed:
                call_id = calls.pop(event.ticket_id, None)
            else:
                call_id = calls.get(event.ticket_id)
            out.append(TicketUpdate(event=event, call_id=call_id))
        self._desk_changed()

    def _desk_changed(self) -> None:
        """Keep the desk's earliest deadline after the hotline changed it (not a lent desk)."""
        if not self._desk_lent:
            d = self._desk.next_deadline()
            self._desk_next = _INF if d is None else d

    # ------------------------------------------------------------------ saving

    def to_dict(self) -> dict[str, Any]:
        """The hotline's state as JSON-safe data: its input log.

        The state is the definition (not saved: give it to :meth:`from_dict`), the
        seed and every input accepted with its ``now`` (in the format of
        :func:`~callcenter.hotline.input_to_dict`); :meth:`from_dict` replays them.
        An arrival that asked the caller lists carries their answer (``"listed"``:
        ``"normal"``, ``"vip"`` or ``"blocked"``), which the replay uses instead of
        asking again: a number blocked or listed since changes no call of the past.

        Raises:
            IllegalTransitionError: The hotline was built with ``keep_log=False``.
        """
        if not self._keep_log:
            raise IllegalTransitionError(
                entity=f"hotline {self._definition.name!r}",
                state="running without an input log",
                action="save its state",
                allowed=(),
                reason="it was built with keep_log=False",
            )
        return {
            "format": "callcenter.hotline",
            "version": 1,
            "hotline": self._definition.name,
            "seed": self._seed,
            "log": [
                _logged(at, item, self._listed.get(index))
                for index, (at, item) in enumerate(self._log)
            ],
        }

    @classmethod
    def from_dict(
        cls,
        definition: HotlineDefinition,
        data: Mapping[str, Any],
        *,
        caller_lists: CallerLists | None = None,
        keep_intervals: bool = True,
        wallboard: bool = True,
    ) -> Hotline:
        """Rebuild a hotline saved by :meth:`to_dict`, by replaying its input log.

        The intervals of the replayed past are not kept (they were taken from the
        original).

        Raises:
            InvalidArgumentError: ``data`` is not such a state, or was saved by a
                hotline of another name.
            CallCenterError: What replaying the log raises (a log that does not fit
                the definition).
        """
        seed, log, listed = read_state(definition, data)
        hotline = cls(definition, seed=seed, caller_lists=caller_lists, wallboard=wallboard)
        hotline._listed = listed
        hotline._replay(log)
        hotline._intervals = []  # the original's, taken there
        hotline._keep_intervals = bool(keep_intervals)
        return hotline

    def snapshot(self) -> bytes:
        """The hotline's whole state as bytes, for :meth:`restore`; the hotline is unchanged.

        Unlike :meth:`to_dict` (the input log, replayed from the start), a snapshot
        holds what the engines hold now: restoring one costs the live state (calls
        in progress, agents, queues, timers, open tickets), not the past. Build the
        hotline with ``keep_log=False`` to keep it that size (with the log, the log
        is in the snapshot too). Neither the definition nor the caller lists are in
        the bytes: :meth:`restore` is given them.

        The bytes are read by the same version of the library only, and are a
        pickle: restore only snapshots from a store you trust.

        Complexity: ``O(s)`` for ``s`` objects of live state.
        """
        return save_state(self.__dict__, self._definition, self._lists)

    @classmethod
    def restore(
        cls,
        definition: HotlineDefinition,
        data: bytes,
        *,
        caller_lists: CallerLists | None = None,
    ) -> Hotline:
        """Rebuild the hotline whose :meth:`snapshot` is ``data``.

        The restored hotline handles every later input as the original would
        (same outputs, same records, same random draws).

        Raises:
            InvalidArgumentError: ``data`` is not a snapshot, was written by another
                version of the library, or with another definition; or
                ``caller_lists`` are no caller lists.
        """
        given: object = definition
        if not isinstance(given, HotlineDefinition):
            raise InvalidArgumentError(
                name="definition", expected="a HotlineDefinition", got=definition
            )
        _check_lists(caller_lists)
        state = restore_state(data, definition, caller_lists)
        hotline = cls.__new__(cls)
        hotline.__dict__.update(state)
        hotline._lists = caller_lists
        return hotline


_COUNTABLE = 9_007_199_254_740_992.0  # 2**53: the steps a float counts exactly


def _steps(ratio: float, *, floor: bool = False) -> int:
    """``ratio`` rounded (or floored) to a count of steps; 0 when it is none.

    A ratio beyond 2**53 only comes from an interval too small for the times at
    hand (where the series cannot go on anyway): it counts as none.
    """
    if not 0.0 < ratio < _COUNTABLE:
        return 0
    return math.floor(ratio) if floor else round(ratio)


_HOLDING_MAPPINGS = (AgentLegEnded, CallInput)


def _owned(item: AgentLegEnded | CallInput) -> HotlineInput:
    """``item`` with copies of the mappings it holds, for the log.

    The log must say what was handled: a host that reuses or changes the mapping it
    gave (ticket fields, a lookup's answer) after the call changes neither
    :meth:`Hotline.to_dict` nor a replay.
    """
    if isinstance(item, AgentLegEnded):
        return attrs.evolve(item, fields=dict(item.fields)) if item.fields else item
    event = item.event
    if isinstance(event, HostAnswered) and event.values:
        return CallInput(
            call_id=item.call_id,
            event=HostAnswered(request=event.request, values=dict(event.values)),
        )
    return item


def _logged(
    at: float, item: HotlineInput | str | None, listed: CallerStatus | None = None
) -> dict[str, Any]:
    if item is None:
        return {"at": at, "advance": True}
    if isinstance(item, str):
        return {"at": at, "close": True}
    if listed is not None:
        return {"at": at, "input": input_to_dict(item), "listed": listed.value}
    return {"at": at, "input": input_to_dict(item)}


_Check = Callable[[Hotline, Any], object]  # raises when the input does not fit
_Do = Callable[[Hotline, Any, float, list[HotlineOutput]], None]

_ON_ROUTING: dict[
    type, Callable[[Hotline, Any, list[HotlineOutput], list[ContactRecord]], None]
] = {
    AgentStateChanged: Hotline._on_agent_changed,
    ContactQueued: Hotline._on_queued,
    ContactOffered: Hotline._on_offered,
    ContactOfferDeclined: Hotline._on_declined,
    ContactAnswered: Hotline._on_answered,
    ContactCompleted: Hotline._on_completed,
    ContactAbandoned: Hotline._on_abandoned,
    ContactOverflowed: Hotline._on_overflowed,
    ContactRefused: Hotline._on_sent_away,
    ContactLeft: Hotline._on_sent_away,
    ContactTransferred: Hotline._on_moved,
    ContactEscalated: Hotline._on_moved,
}

_HANDLERS: dict[type, tuple[_Check, _Do | None]] = {
    CallArrived: (Hotline._check_arrived, Hotline._do_arrived),
    CallInput: (Hotline._check_call_input, Hotline._do_call_input),
    CallOnHold: (Hotline._check_on_hold, Hotline._do_on_hold),
    TransferRequested: (Hotline._check_transfer, Hotline._do_transfer),
    AgentLegRinging: (Hotline._agents_call, Hotline._do_leg_ringing),
    AgentLegAnswered: (Hotline._agents_call, Hotline._do_leg_answered),
    AgentLegDeclined: (Hotline._check_leg_reason, Hotline._do_leg_declined),
    AgentLegFailed: (Hotline._check_leg_reason, Hotline._do_leg_declined),
    AgentLegEnded: (Hotline._check_leg_ended, Hotline._do_leg_ended),
    AgentLoggedIn: (Hotline._check_login, Hotline._do_login),
    AgentReady: (Hotline._check_logged_in, Hotline._do_ready),
    AgentNotReady: (Hotline._check_not_ready, Hotline._do_not_ready),
    AgentLoggedOut: (Hotline._check_agent_state, Hotline._do_logout),
    WrapUpDone: (Hotline._check_agent_state, Hotline._do_wrap_up_done),
}
