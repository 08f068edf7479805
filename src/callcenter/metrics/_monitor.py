"""The real-time monitor: the wallboard of a hotline, fed by the ACD's and the IVR's events.

The wallboard shows, for every queue, how many contacts wait, ring at an agent and
talk now, how many were offered, answered and abandoned today, the answer rate, the
service level so far and the longest current wait; for every logged-in agent its
state, its not-ready reason and how long it has been in that state; and how many
calls are in the IVR now. :class:`LiveMonitor` keeps exactly that, updated in O(1)
per event, and answers :meth:`LiveMonitor.snapshot` in O(queues + agents).

It takes the very events a :class:`~callcenter.metrics.RecordBuilder` takes, in the
order they happened: the routing engine's events (:data:`~callcenter.routing.RoutingEvent`)
and the IVR sessions' reports (:data:`~callcenter.ivr.SessionEvent`), so a host
feeds both the same list. The monitor never reads the clock: every event carries
its time ``at``, and a time earlier than one already seen is refused. "Today" is
the local date in the monitor's time zone; the daily counters restart at local
midnight, while contacts still waiting stay waiting (and count as offered on the
new day).

How events count, per queue:

* ``ContactQueued`` offers the contact to its queue (it waits);
  ``ContactOffered`` rings an agent, ``ContactOfferDeclined`` puts it back to
  waiting, ``ContactAnswered`` makes it talk (answered today),
  ``ContactCompleted`` ends the talk (the agent's wrap-up is its state);
* ``ContactAbandoned`` counts an abandon (an abandon after a wait of at most
  ``short_abandon_seconds`` counts nowhere and is no longer offered);
  ``ContactLeft`` and ``ContactOverflowed`` count a contact that *left* the queue
  unanswered (voicemail, callback, another destination); ``ContactRefused`` offers
  a contact that was turned away at once (queue full, nobody logged in);
* ``ContactTransferred`` takes a waiting or talking contact out of its queue
  (counted as *transferred* there); the ``ContactQueued`` that follows offers it to
  its new queue, as does the one after an overflow to another queue: each queue
  counts the contacts it was offered, while the reports count a contact once, under
  its last queue;
* ``AgentStateChanged`` sets the agent's state and reason; logging out removes it;
* an IVR session is in the IVR from its first report until its ``SessionEnded``,
  which counts under its result.

Live definitions (over the contacts whose outcome in the queue is known so far),
the reports' own with the default :class:`~callcenter.metrics.KpiOptions` (so at the
end of a day without transfers the figures equal the daily report's per queue):

* answer rate = answered / (answered + abandoned + left + refused);
* service level = answered within ``T`` / (answered + abandoned + left), a wait
  within ``T`` being ``wait <= T`` from the time the contact entered the queue.

>>> from callcenter import routing
>>> engine = routing.RoutingEngine(routing.RoutingDefinition(
...     queues=(routing.QueueDefinition(id="enquiry"),),
...     agents=(routing.AgentDefinition(
...         id="a1", queues=(routing.Membership(queue="enquiry"),)),)))
>>> monitor = LiveMonitor(timezone="Asia/Shanghai", answer_time=20)
>>> t = 1_790_000_000
>>> monitor.feed_all(engine.login("a1", t))
>>> monitor.feed_all(engine.enqueue(routing.Contact(id="c1"), "enquiry", t + 5))
>>> monitor.feed_all(engine.accept("c1", t + 12))
>>> monitor.feed_all(engine.enqueue(routing.Contact(id="c2"), "enquiry", t + 30))
>>> board = monitor.snapshot(t + 50)
>>> q = board.queues["enquiry"]
>>> q.offered, q.waiting, q.talking, q.answered, q.service_level, q.longest_wait_seconds
(2, 1, 1, 1, 1.0, 20.0)
>>> board.agents["a1"].state.value, board.agents["a1"].seconds_in_state
('busy', 38.0)
"""

from __future__ import annotations

import bisect
import datetime
import enum
import warnings
import zoneinfo
from collections.abc import Callable, Iterable, Mapping
from typing import TypeAlias

import attrs

from .. import ivr as _ivr
from .. import routing as _rt
from .._checks import check_seconds
from .._clock import Clock
from ..errors import (
    DuplicateIdError,
    IllegalTransitionError,
    InvalidArgumentError,
    UnknownIdError,
)

__all__ = [
    "AgentStatus",
    "LiveMonitor",
    "MonitorEvent",
    "MonitorSnapshot",
    "QueueStatus",
]

AgentState = _rt.AgentState

MonitorEvent: TypeAlias = _rt.RoutingEvent | _ivr.SessionEvent
"""Anything :meth:`LiveMonitor.feed` takes: an ACD event or an IVR session report
(the same events as :data:`~callcenter.metrics.BuilderEvent`)."""

_LOGGED_IN_STATES = tuple(s for s in AgentState if s is not AgentState.LOGGED_OUT)


def _check_id(name: str, value: object) -> None:
    if type(value) is not str:
        raise InvalidArgumentError(name=name, expected="a string", got=value)


class _Phase(enum.Enum):
    WAITING = "waiting"
    RINGING = "ringing"
    TALKING = "talking"
    MOVING = "moving"
    """Taken out of its queue by a transfer or an overflow; the next ContactQueued
    puts it in its new queue."""


@attrs.frozen(kw_only=True)
class QueueStatus:
    """One queue on the wallboard.

    Attributes:
        queue: The queue.
        offered: Contacts offered to the queue today (short abandons removed;
            refused contacts included).
        waiting: Contacts waiting now, not ringing.
        ringing: Contacts ringing at an agent now.
        talking: Contacts answered in this queue and still being handled now.
        answered: Contacts answered today.
        abandoned: Contacts abandoned today (short abandons removed).
        left: Contacts that left today unanswered for voicemail, a callback or
            another destination (an overflow, or removed for want of agents).
        refused: Contacts turned away today (queue full, nobody logged in).
        transferred: Contacts transferred out of the queue today (waiting or
            talking).
        answer_rate: ``answered / (answered + abandoned + left + refused)``;
            ``None`` before any outcome.
        service_level: ``answered within T / (answered + abandoned + left)``;
            ``None`` before any.
        longest_wait_seconds: Longest wait among contacts waiting or ringing now;
            ``None`` when nobody waits.
    """

    queue: str
    offered: int
    waiting: int
    ringing: int
    talking: int
    answered: int
    abandoned: int
    left: int
    refused: int
    transferred: int
    answer_rate: float | None
    service_level: float | None
    longest_wait_seconds: float | None


@attrs.frozen(kw_only=True)
class AgentStatus:
    """One logged-in agent on the wallboard.

    Attributes:
        agent_id: The agent.
        state: Its state (never :attr:`~callcenter.routing.AgentState.LOGGED_OUT`).
        reason: The not-ready reason when not ready, else ``None``.
        since: When the state (with its reason) began.
        seconds_in_state: ``at - since`` for the snapshot's instant ``at``.
    """

    agent_id: str
    state: _rt.AgentState
    reason: str | None
    since: float
    seconds_in_state: float


@attrs.frozen(kw_only=True)
class MonitorSnapshot:
    """The wallboard at one instant.

    Attributes:
        at: The instant.
        date: The local date whose counters are shown.
        queues: Status per queue, sorted by name.
        agents: Every logged-in agent's status, sorted by id.
        agents_by_state: How many logged-in agents are in each state (every
            logged-in state listed, zeros included).
        not_ready_by_reason: How many not-ready agents give each reason (``""``
            when none), sorted by reason.
        in_ivr: Calls in the IVR now.
        ivr_ended: IVR sessions ended today, by result (every result listed).
    """

    at: float
    date: datetime.date
    queues: Mapping[str, QueueStatus]
    agents: Mapping[str, AgentStatus]
    agents_by_state: Mapping[_rt.AgentState, int]
    not_ready_by_reason: Mapping[str, int]
    in_ivr: int
    ivr_ended: Mapping[_ivr.SessionResult, int]


class _QueueCounters:
    __slots__ = (
        "abandoned",
        "answered",
        "answered_within",
        "left",
        "offered",
        "refused",
        "ringing",
        "talking",
        "transferred",
        "waiting",
    )

    def __init__(self) -> None:
        self.offered = 0
        self.answered = 0
        self.answered_within = 0
        self.abandoned = 0
        self.left = 0
        self.refused = 0
        self.transferred = 0
        self.ringing = 0
        self.talking = 0
        # contact id -> time it entered the queue, in that order: the first is the
        # longest wait. Ringing contacts stay here (they still wait).
        self.waiting: dict[str, float] = {}

    def reset_day(self) -> None:
        self.offered = len(self.waiting)
        self.answered = self.answered_within = self.abandoned = 0
        self.left = self.refused = self.transferred = 0


class _Contact:
    __slots__ = ("entered_at", "phase", "queue")

    def __init__(self, queue: str, entered_at: float, phase: _Phase) -> None:
        self.queue = queue
        self.entered_at = entered_at
        self.phase = phase


class _Agent:
    __slots__ = ("reason", "since", "state")

    def __init__(self, state: _rt.AgentState, reason: str | None, since: float) -> None:
        self.state = state
        self.reason = reason
        self.since = since


_IN_QUEUE = (_Phase.WAITING, _Phase.RINGING)


class LiveMonitor:
    """The wallboard's counters, fed with the ACD's and the IVR's events.

    Args:
        timezone: IANA zone whose local midnight restarts the daily counters.
        answer_time: Service-level threshold ``T`` in seconds.
        short_abandon_seconds: Abandons after a wait of at most this many seconds
            are not counted (default ``None``: every abandon counts).
        queues: Queues to show even before their first contact.

    Raises:
        InvalidArgumentError: An unknown time zone or a negative threshold.

    Complexity: O(1) per event; O(q + a) per snapshot for ``q`` queues and ``a``
    logged-in agents (plus sorting the names when a queue or an agent appeared
    since the last snapshot).
    """

    def __init__(
        self,
        *,
        timezone: str = "UTC",
        answer_time: float = 20.0,
        short_abandon_seconds: float | None = None,
        queues: Iterable[str] = (),
    ) -> None:
        try:
            self._tz = zoneinfo.ZoneInfo(timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
            raise InvalidArgumentError(
                name="timezone", expected="an IANA time zone such as 'Asia/Shanghai'", got=timezone
            ) from None
        self._answer_time = check_seconds("answer_time", answer_time, allow_inf=True)
        self._short = (
            None
            if short_abandon_seconds is None
            else check_seconds("short_abandon_seconds", short_abandon_seconds, allow_inf=True)
        )
        names = list(queues)
        for name in names:
            _check_id("queues", name)
        self._clock = Clock()
        self._date: datetime.date | None = None
        self._day_ends = -float("inf")  # see _surely_same_day
        self._queues: dict[str, _QueueCounters] = {q: _QueueCounters() for q in names}
        self._queue_order: list[str] = sorted(self._queues)
        self._contacts: dict[str, _Contact] = {}
        self._agents: dict[str, _Agent] = {}
        self._agent_order: list[str] | None = []
        self._by_state: dict[_rt.AgentState, int] = dict.fromkeys(_LOGGED_IN_STATES, 0)
        self._reasons: dict[str, int] = {}
        self._sessions: set[str] = set()
        self._ivr_ended: dict[_ivr.SessionResult, int] = dict.fromkeys(_ivr.SessionResult, 0)

    # ------------------------------------------------------------------ time

    def _local_date(self, at: float) -> datetime.date:
        try:
            return datetime.datetime.fromtimestamp(at, self._tz).date()
        except (OverflowError, OSError, ValueError):
            raise InvalidArgumentError(
                name="at", expected="POSIX seconds within the calendar's range", got=at
            ) from None

    def _surely_same_day(self, date: datetime.date) -> float:
        """An instant before which every instant is surely still on ``date``.

        Local midnight may not exist, or exist twice, where a clock change falls on
        it; three hours before it every zone is still on ``date``, and from then on
        each event's date is worked out in full.
        """
        following = datetime.datetime.combine(
            date + datetime.timedelta(days=1), datetime.time(), self._tz
        )
        return following.timestamp() - 3 * 3600.0

    def _check_day(self, at: float) -> datetime.date | None:
        """The new local date if ``at`` is on another day than the current one."""
        if at < self._day_ends and self._date is not None:
            return None
        date = self._local_date(at)
        return None if date == self._date else date

    def _roll(self, date: datetime.date) -> None:
        first = self._date is None
        self._date = date
        try:
            self._day_ends = self._surely_same_day(date)
        except (OverflowError, ValueError):  # the last day the calendar can show
            self._day_ends = float("inf")
        if first:
            return
        for counters in self._queues.values():
            counters.reset_day()
        for result in self._ivr_ended:
            self._ivr_ended[result] = 0

    # ------------------------------------------------------------------ feeding

    def feed(self, event: MonitorEvent) -> None:
        """Apply one event of the routing engine or of an IVR session.

        Raises:
            InvalidArgumentError: Not a :mod:`callcenter.routing` event or a
                :mod:`callcenter.ivr` session report, a bad time, or an id that is
                not a string.
            TimeWentBackwardsError: ``event.at`` is earlier than an event already seen.
            UnknownIdError: The event's contact, or IVR session, is not known.
            DuplicateIdError: A contact queued while it is already in a queue.
            IllegalTransitionError: An event its contact's phase does not allow
                (answering a contact already talking), or an agent change whose
                ``old`` state is not the agent's current one.

        After any error the monitor is unchanged. Complexity: O(1) (refusing an
        unknown contact included).
        """
        handler = _HANDLERS.get(event.__class__)
        if handler is None:
            raise InvalidArgumentError(
                name="event",
                expected="a callcenter.routing event or a callcenter.ivr session report",
                got=event,
            )
        at = self._clock.check(event.at, "event.at")
        # Validate everything first (the handler returns the change to make), then
        # roll the day and make it: all or nothing.
        apply = handler(self, event, at)
        new_date = self._check_day(at)
        if new_date is not None:
            self._roll(new_date)
        self._clock.commit(at)
        apply()

    def feed_all(self, events: Iterable[MonitorEvent]) -> None:
        """Feed several events in order.

        Each event is fed on its own: if one raises, the ones before it stay fed
        (as with :meth:`RecordBuilder.feed_all <callcenter.metrics.RecordBuilder.feed_all>`).

        Raises:
            CallCenterError: What :meth:`feed` raises, for the first event refused.
        """
        feed = self.feed
        for event in events:
            feed(event)

    def handle(self, event: MonitorEvent) -> None:
        """Deprecated: use :meth:`feed`, which takes the routing engine's events."""
        warnings.warn(
            "LiveMonitor.handle is deprecated and will be removed in the next release; "
            "use LiveMonitor.feed with the routing engine's and the IVR's events",
            DeprecationWarning,
            stacklevel=2,
        )
        self.feed(event)

    # ------------------------------------------------------------------ contacts

    def _contact(self, contact_id: object, *phases: _Phase, action: str) -> _Contact:
        _check_id("contact_id", contact_id)
        assert isinstance(contact_id, str)
        contact = self._contacts.get(contact_id)
        if contact is None:
            raise UnknownIdError(kind="contact", id=contact_id, known=self._contacts)
        if contact.phase not in phases:
            raise IllegalTransitionError(
                entity=f"contact {contact_id!r}",
                state=contact.phase.value,
                action=action,
                allowed=[p.value for p in phases],
            )
        return contact

    def _counters(self, queue: object) -> _QueueCounters | None:
        """The queue's counters, or ``None`` for a queue not seen yet."""
        _check_id("queue", queue)
        assert isinstance(queue, str)
        return self._queues.get(queue)

    def _add_queue(self, queue: str) -> _QueueCounters:
        counters = self._queues.get(queue)
        if counters is None:
            counters = self._queues[queue] = _QueueCounters()
            bisect.insort(self._queue_order, queue)
        return counters

    def _entering(self, e: _rt.ContactQueued | _rt.ContactRefused) -> str:
        """The id of the contact an event puts in a queue, once checked.

        The queue must be known, the contact new to the board (or moving between queues).
        """
        cid = e.contact_id
        _check_id("contact_id", cid)
        self._counters(e.queue)
        known = self._contacts.get(cid)
        if known is not None and known.phase is not _Phase.MOVING:
            raise DuplicateIdError(kind="contact", id=cid)
        return cid

    def _queued(self, e: _rt.ContactQueued, at: float) -> Callable[[], None]:
        cid = self._entering(e)

        def apply() -> None:
            counters = self._add_queue(e.queue)
            counters.offered += 1
            counters.waiting[cid] = at
            self._contacts[cid] = _Contact(e.queue, at, _Phase.WAITING)

        return apply

    def _refused(self, e: _rt.ContactRefused, at: float) -> Callable[[], None]:
        cid = self._entering(e)

        def apply() -> None:
            counters = self._add_queue(e.queue)
            counters.offered += 1
            counters.refused += 1
            self._contacts.pop(cid, None)

        return apply

    def _offered(self, e: _rt.ContactOffered, at: float) -> Callable[[], None]:
        _check_id("agent_id", e.agent_id)
        c = self._contact(e.contact_id, *_IN_QUEUE, action="ring")

        def apply() -> None:
            if c.phase is _Phase.WAITING:
                self._queues[c.queue].ringing += 1
                c.phase = _Phase.RINGING

        return apply

    def _declined(self, e: _rt.ContactOfferDeclined, at: float) -> Callable[[], None]:
        c = self._contact(e.contact_id, _Phase.RINGING, action="stop ringing")

        def apply() -> None:
            self._queues[c.queue].ringing -= 1
            c.phase = _Phase.WAITING

        return apply

    def _answered(self, e: _rt.ContactAnswered, at: float) -> Callable[[], None]:
        _check_id("agent_id", e.agent_id)
        cid = e.contact_id
        c = self._contact(cid, *_IN_QUEUE, action="answer")

        def apply() -> None:
            counters = self._queues[c.queue]
            del counters.waiting[cid]
            if c.phase is _Phase.RINGING:
                counters.ringing -= 1
            counters.talking += 1
            counters.answered += 1
            if at - c.entered_at <= self._answer_time:
                counters.answered_within += 1
            c.phase = _Phase.TALKING

        return apply

    def _completed(self, e: _rt.ContactCompleted, at: float) -> Callable[[], None]:
        cid = e.contact_id
        c = self._contact(cid, _Phase.TALKING, action="complete")

        def apply() -> None:
            self._queues[c.queue].talking -= 1
            del self._contacts[cid]

        return apply

    def _leave(self, cid: str, c: _Contact, *, moving: bool) -> _QueueCounters:
        """Take a waiting or ringing contact out of its queue; the caller counts why."""
        counters = self._queues[c.queue]
        del counters.waiting[cid]
        if c.phase is _Phase.RINGING:
            counters.ringing -= 1
        if moving:
            c.phase = _Phase.MOVING
        else:
            del self._contacts[cid]
        return counters

    def _abandoned(self, e: _rt.ContactAbandoned, at: float) -> Callable[[], None]:
        cid = e.contact_id
        c = self._contact(cid, *_IN_QUEUE, action="abandon")

        def apply() -> None:
            counters = self._leave(cid, c, moving=False)
            if self._short is not None and at - c.entered_at <= self._short:
                counters.offered -= 1  # a short abandon was never really offered
            else:
                counters.abandoned += 1

        return apply

    def _overflowed(self, e: _rt.ContactOverflowed, at: float) -> Callable[[], None]:
        cid = e.contact_id
        c = self._contact(cid, *_IN_QUEUE, action="overflow")
        moving = e.kind is _rt.OverflowKind.QUEUE

        def apply() -> None:
            self._leave(cid, c, moving=moving).left += 1

        return apply

    def _left(self, e: _rt.ContactLeft, at: float) -> Callable[[], None]:
        cid = e.contact_id
        c = self._contact(cid, *_IN_QUEUE, action="leave")

        def apply() -> None:
            self._leave(cid, c, moving=False).left += 1

        return apply

    def _transferred(self, e: _rt.ContactTransferred, at: float) -> Callable[[], None]:
        cid = e.contact_id
        c = self._contact(cid, *_IN_QUEUE, _Phase.TALKING, action="transfer")

        def apply() -> None:
            if c.phase is _Phase.TALKING:
                counters = self._queues[c.queue]
                counters.talking -= 1
                c.phase = _Phase.MOVING
            else:
                counters = self._leave(cid, c, moving=True)
            counters.transferred += 1

        return apply

    def _escalated(self, e: _rt.ContactEscalated, at: float) -> Callable[[], None]:
        self._contact(e.contact_id, *_IN_QUEUE, action="escalate")
        return _nothing

    # ------------------------------------------------------------------ agents

    def _agent(self, e: _rt.AgentStateChanged, at: float) -> Callable[[], None]:
        agent_id = e.agent_id
        _check_id("agent_id", agent_id)
        new, old, reason = e.new, e.old, e.reason
        given: tuple[object, object] = (new, old)  # whatever came, not the annotations
        if not all(isinstance(state, AgentState) for state in given):
            raise InvalidArgumentError(
                name="state", expected="routing AgentState values for old and new", got=e
            )
        if reason is not None:
            _check_id("reason", reason)
        known = self._agents.get(agent_id)
        current = AgentState.LOGGED_OUT if known is None else known.state
        if known is not None and current is not old:
            raise IllegalTransitionError(
                entity=f"agent {agent_id!r}",
                state=current.value,
                action=f"change from {old.value} to {new.value}",
                allowed=(current.value,),
            )

        def apply() -> None:
            if known is not None:
                self._count_agent(known, -1)
            if new is AgentState.LOGGED_OUT:
                if known is not None:
                    del self._agents[agent_id]
                    self._agent_order = None
                return
            shown = reason if new is AgentState.NOT_READY else None
            agent = _Agent(new, shown, at)
            if known is None:
                self._agent_order = None
            self._agents[agent_id] = agent
            self._count_agent(agent, 1)

        return apply

    def _count_agent(self, agent: _Agent, delta: int) -> None:
        self._by_state[agent.state] += delta
        if agent.state is AgentState.NOT_READY:
            key = agent.reason or ""
            count = self._reasons.get(key, 0) + delta
            if count:
                self._reasons[key] = count
            else:
                del self._reasons[key]

    # ------------------------------------------------------------------ IVR

    def _session(self, session: object) -> str:
        _check_id("session", session)
        assert isinstance(session, str)
        if session not in self._sessions:
            raise UnknownIdError(kind="IVR session", id=session, known=self._sessions)
        return session

    def _node_entered(self, e: _ivr.NodeEntered, at: float) -> Callable[[], None]:
        session = e.session
        _check_id("session", session)
        if session in self._sessions:
            return _nothing
        return lambda: self._sessions.add(session)

    def _node_report(
        self, e: _ivr.NodeExited | _ivr.SurveyAnswered, at: float
    ) -> Callable[[], None]:
        self._session(e.session)
        return _nothing

    def _session_ended(self, e: _ivr.SessionEnded, at: float) -> Callable[[], None]:
        session = self._session(e.session)
        result = e.result
        if not isinstance(result, _ivr.SessionResult):
            raise InvalidArgumentError(name="result", expected="a SessionResult", got=result)

        def apply() -> None:
            self._sessions.discard(session)
            self._ivr_ended[result] += 1

        return apply

    # ------------------------------------------------------------------ queries

    def snapshot(self, now: float) -> MonitorSnapshot:
        """The wallboard at ``now`` (which must not be earlier than the last event).

        ``now`` becomes the monitor's latest time: events earlier than it are
        refused afterwards, as for any engine.

        Raises:
            TimeWentBackwardsError: ``now`` is earlier than the last event.
            InvalidArgumentError: ``now`` is not a time the calendar can show.

        Complexity: O(q + a).
        """
        at = self._clock.check(now, "now")
        new_date = self._check_day(at)
        if new_date is not None:
            self._roll(new_date)
        self._clock.commit(at)
        return self._board(at, None)

    def _peek(self, now: float) -> MonitorSnapshot:
        """The snapshot at ``now``, leaving the monitor as it is (its time, its day).

        A board asked for a later instant than the last event must not refuse the
        events that come between (a host's wallboard refreshed ahead of its inputs).
        """
        at = self._clock.check(now, "now")
        return self._board(at, self._check_day(at))

    def _board(self, at: float, new_date: datetime.date | None) -> MonitorSnapshot:
        """The snapshot at ``at``; ``new_date``: a later day, whose counters start at zero."""
        queues: dict[str, QueueStatus] = {}
        for name in self._queue_order:
            c = self._queues[name]
            if new_date is None:
                c_offered, c_answered, c_within = c.offered, c.answered, c.answered_within
                c_abandoned, c_left, c_refused = c.abandoned, c.left, c.refused
                c_transferred = c.transferred
            else:  # as reset_day leaves them
                c_offered, c_answered, c_within = len(c.waiting), 0, 0
                c_abandoned = c_left = c_refused = c_transferred = 0
            concluded = c_answered + c_abandoned + c_left + c_refused
            waited = c_answered + c_abandoned + c_left
            oldest = next(iter(c.waiting.values()), None)
            queues[name] = QueueStatus(
                queue=name,
                offered=c_offered,
                waiting=len(c.waiting) - c.ringing,
                ringing=c.ringing,
                talking=c.talking,
                answered=c_answered,
                abandoned=c_abandoned,
                left=c_left,
                refused=c_refused,
                transferred=c_transferred,
                answer_rate=None if concluded == 0 else c_answered / concluded,
                service_level=None if waited == 0 else c_within / waited,
                longest_wait_seconds=None if oldest is None else at - oldest,
            )
        if self._agent_order is None:
            self._agent_order = sorted(self._agents)
        agents = {}
        for agent_id in self._agent_order:
            a = self._agents[agent_id]
            agents[agent_id] = AgentStatus(
                agent_id=agent_id,
                state=a.state,
                reason=a.reason,
                since=a.since,
                seconds_in_state=at - a.since,
            )
        date = self._date if new_date is None else new_date
        assert date is not None
        ivr_ended = dict(self._ivr_ended)
        if new_date is not None:
            ivr_ended = dict.fromkeys(ivr_ended, 0)
        return MonitorSnapshot(
            at=at,
            date=date,
            queues=queues,
            agents=agents,
            agents_by_state=dict(self._by_state),
            not_ready_by_reason=dict(sorted(self._reasons.items())),
            in_ivr=len(self._sessions),
            ivr_ended=ivr_ended,
        )


def _nothing() -> None:
    pass


_Handler: TypeAlias = Callable[[LiveMonitor, object, float], Callable[[], None]]

_HANDLERS: dict[type, _Handler] = {
    _rt.ContactQueued: LiveMonitor._queued,  # type: ignore[dict-item]
    _rt.ContactRefused: LiveMonitor._refused,  # type: ignore[dict-item]
    _rt.ContactOffered: LiveMonitor._offered,  # type: ignore[dict-item]
    _rt.ContactOfferDeclined: LiveMonitor._declined,  # type: ignore[dict-item]
    _rt.ContactAnswered: LiveMonitor._answered,  # type: ignore[dict-item]
    _rt.ContactCompleted: LiveMonitor._completed,  # type: ignore[dict-item]
    _rt.ContactAbandoned: LiveMonitor._abandoned,  # type: ignore[dict-item]
    _rt.ContactOverflowed: LiveMonitor._overflowed,  # type: ignore[dict-item]
    _rt.ContactTransferred: LiveMonitor._transferred,  # type: ignore[dict-item]
    _rt.ContactEscalated: LiveMonitor._escalated,  # type: ignore[dict-item]
    _rt.ContactLeft: LiveMonitor._left,  # type: ignore[dict-item]
    _rt.AgentStateChanged: LiveMonitor._agent,  # type: ignore[dict-item]
    _ivr.NodeEntered: LiveMonitor._node_entered,  # type: ignore[dict-item]
    _ivr.NodeExited: LiveMonitor._node_report,  # type: ignore[dict-item]
    _ivr.SurveyAnswered: LiveMonitor._node_report,  # type: ignore[dict-item]
    _ivr.SessionEnded: LiveMonitor._session_ended,  # type: ignore[dict-item]
}
