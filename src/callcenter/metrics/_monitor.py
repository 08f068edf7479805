"""The real-time monitor: per-queue counters for today and agents by state, fed by events.

The wallboard of a hotline shows, for every queue, the contacts offered today, how
many are waiting and ringing now, how many were answered, the answer rate, the
longest current wait and the service level so far, and how many agents are in each
state. :class:`LiveMonitor` keeps exactly that, updated in O(1) per event, and
answers :meth:`LiveMonitor.snapshot` in O(queues + agents).

Events are small frozen values (:class:`ContactQueued`, :class:`ContactRinging`,
...) that an integration produces from the router's and the telephony's events;
the monitor never reads the clock: every event carries its time ``at``, and a time
earlier than one already seen is refused. "Today" is the local date in the
monitor's time zone; the daily counters restart at local midnight, while contacts
still waiting stay waiting.

A contact is tracked from :class:`ContactQueued` until it is abandoned, leaves the
queue or ends after being answered; a contact transferred back into a queue is
queued again under a new id (it is a new offer for that queue's counters).

Live definitions (over contacts whose queue outcome is known so far):

* answer rate = answered / (answered + abandoned + left), where *left* are contacts
  that went to voicemail, a callback or an overflow destination;
* service level = answered within ``T`` / (answered + abandoned), i.e. the
  ``"against"`` variant of :func:`~callcenter.metrics.service_level`; abandons
  after a wait of at most ``short_abandon_seconds`` are not counted anywhere (and no
  longer count as offered): the same "within" rule (``wait <= X``) as the
  reports'.

Only this module's events are accepted: a :mod:`callcenter.routing` event with the
same name (``ContactAnswered``) is refused with an error that names its package.

>>> monitor = LiveMonitor(timezone="Asia/Shanghai", answer_time=20)
>>> monitor.handle(ContactQueued(contact_id="c1", queue="enquiry", at=1_790_000_000))
>>> monitor.handle(ContactAnswered(contact_id="c1", agent_id="a1", at=1_790_000_012))
>>> monitor.handle(ContactQueued(contact_id="c2", queue="enquiry", at=1_790_000_030))
>>> board = monitor.snapshot(1_790_000_050).queues["enquiry"]
>>> board.offered, board.waiting, board.answered, board.service_level, board.longest_wait_seconds
(2, 1, 1, 1.0, 20.0)
"""

from __future__ import annotations

import datetime
import enum
import zoneinfo
from collections.abc import Iterable, Mapping

import attrs

from .._checks import check_seconds
from .._clock import Clock
from ..errors import (
    DuplicateIdError,
    IllegalTransitionError,
    InvalidArgumentError,
    UnknownIdError,
)
from ._records import AgentState, Outcome

__all__ = [
    "AgentStateChanged",
    "ContactAbandoned",
    "ContactAnswered",
    "ContactEnded",
    "ContactLeftQueue",
    "ContactQueued",
    "ContactRinging",
    "ContactRingingStopped",
    "LiveMonitor",
    "MonitorEvent",
    "MonitorSnapshot",
    "QueueStatus",
]


@attrs.frozen(kw_only=True)
class ContactQueued:
    """A contact entered a queue."""

    contact_id: str
    queue: str
    at: float


@attrs.frozen(kw_only=True)
class ContactRinging:
    """An agent's phone started ringing for a waiting (or already ringing) contact."""

    contact_id: str
    agent_id: str
    at: float


@attrs.frozen(kw_only=True)
class ContactRingingStopped:
    """The agent did not answer; the contact is back to waiting."""

    contact_id: str
    at: float


@attrs.frozen(kw_only=True)
class ContactAnswered:
    """An agent answered a waiting or ringing contact."""

    contact_id: str
    agent_id: str
    at: float


@attrs.frozen(kw_only=True)
class ContactAbandoned:
    """The caller hung up while waiting or ringing."""

    contact_id: str
    at: float


@attrs.frozen(kw_only=True)
class ContactLeftQueue:
    """The contact left the queue unanswered: voicemail, callback or overflow.

    Attributes:
        outcome: :attr:`Outcome.VOICEMAIL`, :attr:`Outcome.CALLBACK` or
            :attr:`Outcome.OVERFLOWED`.
    """

    contact_id: str
    outcome: Outcome
    at: float


@attrs.frozen(kw_only=True)
class ContactEnded:
    """An answered contact ended (the agent moves on to wrap-up)."""

    contact_id: str
    at: float


@attrs.frozen(kw_only=True)
class AgentStateChanged:
    """An agent changed state; ``state=None`` means logged out."""

    agent_id: str
    state: AgentState | None
    at: float
    reason: str | None = None


MonitorEvent = (
    ContactQueued
    | ContactRinging
    | ContactRingingStopped
    | ContactAnswered
    | ContactAbandoned
    | ContactLeftQueue
    | ContactEnded
    | AgentStateChanged
)
"""Every event the monitor accepts."""

_EVENT_TYPES: tuple[type, ...] = (
    ContactQueued,
    ContactRinging,
    ContactRingingStopped,
    ContactAnswered,
    ContactAbandoned,
    ContactLeftQueue,
    ContactEnded,
    AgentStateChanged,
)
_LEAVING = (Outcome.VOICEMAIL, Outcome.CALLBACK, Outcome.OVERFLOWED)


def _check_id(name: str, value: object) -> None:
    if type(value) is not str:
        raise InvalidArgumentError(name=name, expected="a string", got=value)


class _Phase(enum.Enum):
    WAITING = "waiting"
    RINGING = "ringing"
    ANSWERED = "answered"


@attrs.frozen(kw_only=True)
class QueueStatus:
    """One queue on the wallboard.

    Attributes:
        queue: The queue.
        offered: Contacts queued today (short abandons removed).
        waiting: Contacts waiting now, not ringing.
        ringing: Contacts ringing at an agent now.
        answered: Contacts answered today.
        abandoned: Contacts abandoned today (short abandons removed).
        left: Contacts that left today for voicemail, a callback or an overflow.
        answer_rate: ``answered / (answered + abandoned + left)``; ``None`` before
            any outcome.
        service_level: ``answered within T / (answered + abandoned)``; ``None``
            before any.
        longest_wait_seconds: Longest wait among contacts waiting or ringing now;
            ``None`` when nobody waits.
    """

    queue: str
    offered: int
    waiting: int
    ringing: int
    answered: int
    abandoned: int
    left: int
    answer_rate: float | None
    service_level: float | None
    longest_wait_seconds: float | None


@attrs.frozen(kw_only=True)
class MonitorSnapshot:
    """The wallboard at one instant.

    Attributes:
        at: The instant.
        date: The local date whose counters are shown.
        queues: Status per queue, sorted by name.
        agents: The state of every logged-in agent.
        agents_by_state: How many logged-in agents are in each state (every state
            listed, zeros included).
        not_ready_by_reason: How many not-ready agents give each reason (``""``
            when none).
    """

    at: float
    date: datetime.date
    queues: Mapping[str, QueueStatus]
    agents: Mapping[str, AgentState]
    agents_by_state: Mapping[AgentState, int]
    not_ready_by_reason: Mapping[str, int]


class _QueueCounters:
    __slots__ = ("abandoned", "answered", "answered_within", "left", "offered", "waiting")

    def __init__(self) -> None:
        self.offered = 0
        self.answered = 0
        self.answered_within = 0
        self.abandoned = 0
        self.left = 0
        # contact id -> queued time, in arrival order: the first is the longest wait.
        self.waiting: dict[str, float] = {}

    def reset_day(self) -> None:
        self.offered = len(self.waiting)
        self.answered = self.answered_within = self.abandoned = self.left = 0


@attrs.define
class _Contact:
    queue: str
    queued_at: float
    phase: _Phase
    agent: str | None = None


class LiveMonitor:
    """Wallboard counters per queue and agents by state, updated by :meth:`handle`.

    Args:
        timezone: IANA zone whose local midnight restarts the daily counters.
        answer_time: Service-level threshold ``T`` in seconds.
        short_abandon_seconds: Abandons after a wait of at most this many seconds
            are not counted (default ``None``: every abandon counts).
        queues: Queues to show even before their first contact.

    Raises:
        InvalidArgumentError: An unknown time zone or a negative threshold.

    Complexity: O(1) per event; O(q log q + a) per snapshot.
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
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise InvalidArgumentError(
                name="timezone", expected="an IANA time zone such as 'Asia/Shanghai'", got=timezone
            ) from None
        self._answer_time = check_seconds("answer_time", answer_time, allow_inf=True)
        self._short = (
            None
            if short_abandon_seconds is None
            else check_seconds("short_abandon_seconds", short_abandon_seconds, allow_inf=True)
        )
        self._clock = Clock()
        self._date: datetime.date | None = None
        self._queues: dict[str, _QueueCounters] = {q: _QueueCounters() for q in queues}
        self._contacts: dict[str, _Contact] = {}
        self._agents: dict[str, tuple[AgentState, str | None]] = {}

    # ------------------------------------------------------------------ time

    def _local_date(self, at: float) -> datetime.date:
        try:
            return datetime.datetime.fromtimestamp(at, self._tz).date()
        except (OverflowError, OSError, ValueError):
            raise InvalidArgumentError(
                name="at", expected="POSIX seconds within the calendar's range", got=at
            ) from None

    def _roll(self, date: datetime.date) -> None:
        if self._date is None:
            self._date = date
        elif date != self._date:
            self._date = date
            for counters in self._queues.values():
                counters.reset_day()

    # ------------------------------------------------------------------ events

    def _contact(self, contact_id: str) -> _Contact:
        contact = self._contacts.get(contact_id)
        if contact is None:
            raise UnknownIdError(kind="contact", id=contact_id, known=self._contacts)
        return contact

    def _require(self, contact_id: str, contact: _Contact, action: str, *phases: _Phase) -> None:
        if contact.phase not in phases:
            raise IllegalTransitionError(
                entity=f"contact {contact_id!r}",
                state=contact.phase.value,
                action=action,
                allowed=[p.value for p in phases],
            )

    def handle(self, event: MonitorEvent) -> None:
        """Apply one event.

        Raises:
            InvalidArgumentError: An event that is not one of this module's (a
                :mod:`callcenter.routing` event, say: translate it first), a bad
                time, an id that is not a string, or a :class:`ContactLeftQueue`
                whose outcome is not voicemail, callback or overflowed.
            TimeWentBackwardsError: ``event.at`` is earlier than an event already seen.
            UnknownIdError: The contact is not in a queue or talking.
            DuplicateIdError: A contact queued twice.
            IllegalTransitionError: An event its contact's phase does not allow
                (e.g. answering a contact that is already answered).

        After any error the monitor is unchanged. Complexity: O(1) (refusing an
        unknown contact included).
        """
        kind = type(event)
        if kind not in _EVENT_TYPES:
            module = getattr(kind, "__module__", "") or ""
            package = ".".join(module.split(".")[:2]) if module else "an unknown module"
            raise InvalidArgumentError(
                name="event",
                expected=(
                    "a callcenter.metrics monitor event ("
                    + ", ".join(t.__name__ for t in _EVENT_TYPES)
                    + f"); this is a {kind.__name__} from {package}"
                ),
                got=event,
            )
        at = self._clock.check(event.at)
        # Validate everything first; mutate only after.
        if isinstance(event, AgentStateChanged):
            _check_id("agent_id", event.agent_id)
            if event.reason is not None:
                _check_id("reason", event.reason)
            if event.state is not None and not isinstance(event.state, AgentState):
                raise InvalidArgumentError(
                    name="state", expected="an AgentState or None", got=event.state
                )
        else:
            _check_id("contact_id", event.contact_id)
            if isinstance(event, ContactQueued):
                _check_id("queue", event.queue)
                if event.contact_id in self._contacts:
                    raise DuplicateIdError(kind="contact", id=event.contact_id)
            else:
                if isinstance(event, ContactRinging | ContactAnswered):
                    _check_id("agent_id", event.agent_id)
                contact = self._contact(event.contact_id)
                if isinstance(event, ContactEnded):
                    self._require(event.contact_id, contact, "end", _Phase.ANSWERED)
                elif isinstance(event, ContactRingingStopped):
                    self._require(event.contact_id, contact, "stop ringing", _Phase.RINGING)
                else:
                    if isinstance(event, ContactLeftQueue) and event.outcome not in _LEAVING:
                        raise InvalidArgumentError(
                            name="outcome",
                            expected="Outcome.VOICEMAIL, Outcome.CALLBACK or Outcome.OVERFLOWED",
                            got=event.outcome,
                        )
                    action = kind.__name__.removeprefix("Contact").lower()
                    self._require(event.contact_id, contact, action, _Phase.WAITING, _Phase.RINGING)
        date = self._local_date(at)  # may refuse a time the calendar cannot show
        self._roll(date)
        self._clock.commit(at)
        self._apply(event, at)

    def _apply(self, event: MonitorEvent, at: float) -> None:
        if isinstance(event, AgentStateChanged):
            if event.state is None:
                self._agents.pop(event.agent_id, None)
            else:
                self._agents[event.agent_id] = (event.state, event.reason)
            return
        if isinstance(event, ContactQueued):
            counters = self._queues.setdefault(event.queue, _QueueCounters())
            counters.offered += 1
            counters.waiting[event.contact_id] = at
            self._contacts[event.contact_id] = _Contact(
                queue=event.queue, queued_at=at, phase=_Phase.WAITING
            )
            return
        contact = self._contacts[event.contact_id]
        counters = self._queues[contact.queue]
        if isinstance(event, ContactRinging):
            contact.phase = _Phase.RINGING
            contact.agent = event.agent_id
        elif isinstance(event, ContactRingingStopped):
            contact.phase = _Phase.WAITING
            contact.agent = None
        elif isinstance(event, ContactAnswered):
            del counters.waiting[event.contact_id]
            contact.phase = _Phase.ANSWERED
            contact.agent = event.agent_id
            counters.answered += 1
            if at - contact.queued_at <= self._answer_time:
                counters.answered_within += 1
        elif isinstance(event, ContactAbandoned):
            del counters.waiting[event.contact_id]
            del self._contacts[event.contact_id]
            if self._short is not None and at - contact.queued_at <= self._short:
                counters.offered -= 1  # a short abandon was never really offered
            else:
                counters.abandoned += 1
        elif isinstance(event, ContactLeftQueue):
            del counters.waiting[event.contact_id]
            del self._contacts[event.contact_id]
            counters.left += 1
        else:  # ContactEnded
            del self._contacts[event.contact_id]

    # ------------------------------------------------------------------ queries

    def snapshot(self, now: float) -> MonitorSnapshot:
        """The wallboard at ``now`` (which must not be earlier than the last event).

        Raises:
            TimeWentBackwardsError: ``now`` is earlier than the last event.
        """
        at = self._clock.check(now)
        self._roll(self._local_date(at))
        self._clock.commit(at)
        ringing: dict[str, int] = {}
        for contact in self._contacts.values():
            if contact.phase is _Phase.RINGING:
                ringing[contact.queue] = ringing.get(contact.queue, 0) + 1
        queues: dict[str, QueueStatus] = {}
        for name in sorted(self._queues):
            c = self._queues[name]
            rings = ringing.get(name, 0)
            concluded = c.answered + c.abandoned + c.left
            waited = c.answered + c.abandoned
            oldest = next(iter(c.waiting.values()), None)
            queues[name] = QueueStatus(
                queue=name,
                offered=c.offered,
                waiting=len(c.waiting) - rings,
                ringing=rings,
                answered=c.answered,
                abandoned=c.abandoned,
                left=c.left,
                answer_rate=None if concluded == 0 else c.answered / concluded,
                service_level=None if waited == 0 else c.answered_within / waited,
                longest_wait_seconds=None if oldest is None else at - oldest,
            )
        by_state = dict.fromkeys(AgentState, 0)
        reasons: dict[str, int] = {}
        for state, reason in self._agents.values():
            by_state[state] += 1
            if state is AgentState.NOT_READY:
                reasons[reason or ""] = reasons.get(reason or "", 0) + 1
        assert self._date is not None
        return MonitorSnapshot(
            at=at,
            date=self._date,
            queues=queues,
            agents={agent: state for agent, (state, _) in sorted(self._agents.items())},
            agents_by_state=by_state,
            not_ready_by_reason=dict(sorted(reasons.items())),
        )
