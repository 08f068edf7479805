"""Contact records (one per contact, like a CDR) and agent state intervals.

A :class:`ContactRecord` holds every timestamp a KPI needs, as POSIX seconds:

``arrived_at <= ivr_exited_at <= queued_at <= first_offered_at <= answered_at``
``<= ended_at <= wrap_up_ended_at``

(each optional one may be ``None``; the ones present must be in this order). It is
built from the events of the IVR and the ACD: arrival and IVR exit from the IVR
session, queued / offered (ringing) / answered from the router, ended from the
telephony hang-up, wrap-up end from the agent leaving after-contact work.

An :class:`AgentStateInterval` says that an agent was in one state from ``start`` to
``end``; occupancy, utilization and break time come from them.
"""

from __future__ import annotations

import enum
import math

import attrs

from ..errors import InvalidArgumentError
from ..routing import AgentState

__all__ = ["AgentStateInterval", "Category", "ContactRecord", "Outcome"]


class Outcome(enum.Enum):
    """How a contact ended."""

    ANSWERED = "answered"
    """An agent answered it."""

    ABANDONED_IN_QUEUE = "abandoned_in_queue"
    """The caller hung up while waiting in a queue."""

    ABANDONED_RINGING = "abandoned_ringing"
    """The caller hung up while an agent's phone was ringing."""

    ABANDONED_IN_IVR = "abandoned_in_ivr"
    """The caller hung up in the IVR before asking for an agent."""

    FINISHED_IN_IVR = "finished_in_ivr"
    """Self-service completed the contact in the IVR."""

    VOICEMAIL = "voicemail"
    """The caller left a voicemail instead of waiting."""

    CALLBACK = "callback"
    """The caller asked to be called back instead of waiting."""

    OVERFLOWED = "overflowed"
    """The contact left the queue for another destination (another center, a number)."""

    BLOCKED = "blocked"
    """Refused: a blocked caller or an IVR failure (no queue), or no agent to queue for."""

    REJECTED_QUEUE_FULL = "rejected_queue_full"
    """Refused because the queue was full."""

    OUT_OF_HOURS = "out_of_hours"
    """The center was closed (the IVR took a closed or holiday way) and the contact
    ended in the IVR, whatever it did there (heard a message, left a voicemail, hung
    up)."""


class Category(enum.Enum):
    """Where a contact sits in the tree of a day's contacts (one leaf per contact).

    ``total = IVR only + offered``;
    ``IVR only = self_service + ivr_hangup + out_of_hours + blocked + ivr_other``;
    ``offered = answered + abandoned + short_abandoned + flowed_out + other``.

    A contact is *offered* when it reached a queue (it has a queue or a
    ``queued_at``); every other contact ended in the IVR (or before it). Short
    abandons depend on the threshold of :class:`~callcenter.metrics.KpiOptions`, so
    :attr:`ContactRecord.category` reports them as ``abandoned``.
    """

    SELF_SERVICE = "self_service"
    """Ended in the IVR by self-service (``finished_in_ivr``)."""
    IVR_HANGUP = "ivr_hangup"
    """Hung up in the IVR before reaching a queue (``abandoned_in_ivr``)."""
    OUT_OF_HOURS = "out_of_hours"
    """Called while the center was closed (``out_of_hours``)."""
    BLOCKED = "blocked"
    """Refused before any queue: a blocked caller, an IVR failure (``blocked``)."""
    IVR_OTHER = "ivr_other"
    """Any other end without a queue: a voicemail or callback left in the IVR, a
    transfer out of the IVR."""
    ANSWERED = "answered"
    """Reached a queue and an agent answered."""
    ABANDONED = "abandoned"
    """Reached a queue; the caller hung up waiting or ringing."""
    SHORT_ABANDONED = "short_abandoned"
    """An abandon whose wait was at most the short-abandon threshold."""
    FLOWED_OUT = "flowed_out"
    """Left the queue unanswered for voicemail, a callback or another destination."""
    OTHER = "other"
    """Reached a queue and ended any other way: refused (queue full, no agent)."""


IVR_ONLY_CATEGORIES = frozenset(
    {
        Category.SELF_SERVICE,
        Category.IVR_HANGUP,
        Category.OUT_OF_HOURS,
        Category.BLOCKED,
        Category.IVR_OTHER,
    }
)
"""The leaves of contacts that never reached a queue."""

_LOGGED_OUT = AgentState.LOGGED_OUT

_IVR_CATEGORY = {
    Outcome.FINISHED_IN_IVR: Category.SELF_SERVICE,
    Outcome.ABANDONED_IN_IVR: Category.IVR_HANGUP,
    Outcome.OUT_OF_HOURS: Category.OUT_OF_HOURS,
    Outcome.BLOCKED: Category.BLOCKED,
}
_QUEUE_CATEGORY = {
    Outcome.ANSWERED: Category.ANSWERED,
    Outcome.ABANDONED_IN_QUEUE: Category.ABANDONED,
    Outcome.ABANDONED_RINGING: Category.ABANDONED,
    Outcome.VOICEMAIL: Category.FLOWED_OUT,
    Outcome.CALLBACK: Category.FLOWED_OUT,
    Outcome.OVERFLOWED: Category.FLOWED_OUT,
}

OFFERED_OUTCOMES = frozenset(Outcome) - {
    Outcome.FINISHED_IN_IVR,
    Outcome.ABANDONED_IN_IVR,
    Outcome.OUT_OF_HOURS,
}
"""Outcomes a contact that reached a queue can have."""

ABANDONED_OUTCOMES = frozenset({Outcome.ABANDONED_IN_QUEUE, Outcome.ABANDONED_RINGING})
"""Outcomes that count as abandoned contacts."""

_ANSWERED = Outcome.ANSWERED
_NEEDS_QUEUE = ABANDONED_OUTCOMES | {_ANSWERED}

_ORDER = (
    "arrived_at",
    "ivr_exited_at",
    "queued_at",
    "first_offered_at",
    "answered_at",
    "ended_at",
    "wrap_up_ended_at",
)


_INF = math.inf

_DURATIONS = ("ring_seconds", "talk_seconds", "hold_seconds", "after_contact_seconds")
_SEQUENCES = ("queues", "agents", "ivr_path")


def check_time(name: str, value: object, expected: str = "finite POSIX seconds") -> None:
    """Refuse anything but a finite int or float (a bool is not a time)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidArgumentError(name=name, expected=expected, got=value)


def _check_duration(name: str, value: object) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value < 0
    ):
        raise InvalidArgumentError(name=name, expected="seconds >= 0", got=value)


def _as_tuples(record: object, names: tuple[str, ...]) -> None:
    """Store each of ``names`` (an iterable of strings, not a string) as a tuple."""
    for name in names:
        value = getattr(record, name)
        if value.__class__ is tuple:
            continue
        try:
            if isinstance(value, str):
                raise TypeError
            converted = tuple(value)
        except TypeError:
            raise InvalidArgumentError(
                name=name, expected="a sequence of strings", got=value
            ) from None
        object.__setattr__(record, name, converted)


def _check_order(record: object, names: tuple[str, ...]) -> None:
    """Refuse the first of ``names`` whose (present) time is before the one before it."""
    last_name, last = "", -_INF
    for name in names:
        value = getattr(record, name)
        if value is None:
            continue
        if value < last:
            raise InvalidArgumentError(
                name=name, expected=f"a time >= {last_name} ({last!r})", got=value
            )
        last_name, last = name, value


@attrs.frozen(kw_only=True)
class ContactRecord:
    """One finished contact, with every timestamp and duration the KPIs use.

    Attributes:
        contact_id: Unique id of the contact.
        outcome: How it ended (:class:`Outcome`).
        arrived_at: When it reached the center (the IVR or the ACD).
        ended_at: When it ended (hang-up, or the end of the IVR session).
        channel: ``"voice"``, ``"callback"``, ``"voicemail"``, ``"email"``, ``"sms"``,
            ``"web"``, ``"fax"``... (free text, grouped as written).
        dialled_number: The number the caller dialled (the hotline), if known.
        caller: The caller's id or number, if known (first-contact resolution needs it).
        queues: Queues the contact entered, in order; the last one is where it was
            answered or lost and is the one reports group it under.
        agents: Agents who handled it, in order; the first answered it.
        skill_group: The skill group reports group it under, if different from the
            queue.
        ivr_exited_at: When it left the IVR for the ACD.
        queued_at: When it entered the (first) queue.
        first_offered_at: When an agent's phone first rang for it.
        answered_at: When an agent answered.
        wrap_up_ended_at: When the answering agent finished after-contact work.
        ring_seconds: Total ringing time over every offer.
        talk_seconds: Total talk time (without hold).
        hold_seconds: Total hold time.
        after_contact_seconds: After-contact work (wrap-up) time.
        transfers: How many times it was transferred.
        disposition: The wrap-up code the agent chose, if any.
        ivr_path: The IVR nodes it went through, in order (empty: no IVR).

    Raises:
        InvalidArgumentError: A timestamp out of order, a negative duration, an
            answered contact without ``answered_at`` (or the reverse), a contact
            answered or abandoned in queue without ``queued_at``.
    """

    contact_id: str
    outcome: Outcome
    arrived_at: float
    ended_at: float
    channel: str = "voice"
    dialled_number: str | None = None
    caller: str | None = None
    queues: tuple[str, ...] = ()
    agents: tuple[str, ...] = ()
    skill_group: str | None = None
    ivr_exited_at: float | None = None
    queued_at: float | None = None
    first_offered_at: float | None = None
    answered_at: float | None = None
    wrap_up_ended_at: float | None = None
    ring_seconds: float = 0.0
    talk_seconds: float = 0.0
    hold_seconds: float = 0.0
    after_contact_seconds: float = 0.0
    transfers: int = 0
    disposition: str | None = None
    ivr_path: tuple[str, ...] = ()

    def __attrs_post_init__(self) -> None:
        # Every check in one pass, the common case first: float times in order, float
        # durations, tuples, an int transfer count. Anything else takes the full check,
        # which raises the first problem in field order (or accepts ints and converts
        # other sequences). For a float, ``x - x == 0.0`` holds exactly when it is
        # finite (a comparison, not a call: the record builder makes one a contact);
        # only the first and the last time need it, since ``<=`` (which a NaN fails)
        # puts every other one between them. Likewise a sum of durations ``>= 0`` is
        # finite only if each is.
        outcome = self.outcome
        answered = self.answered_at
        ended: object = self.ended_at  # a missing one passes the loop below
        last: object = self.arrived_at
        if last.__class__ is float and last - last == 0.0:
            for value in (
                self.ivr_exited_at,
                self.queued_at,
                self.first_offered_at,
                answered,
                self.ended_at,
                self.wrap_up_ended_at,
            ):
                if value is None:
                    continue
                if value.__class__ is not float or not last <= value:
                    break
                last = value
            else:
                ring, talk, hold = self.ring_seconds, self.talk_seconds, self.hold_seconds
                after, transfers = self.after_contact_seconds, self.transfers
                if (
                    last - last == 0.0
                    and ended is not None
                    and outcome.__class__ is Outcome
                    and (outcome is _ANSWERED) is (answered is not None)
                    and (self.queued_at is not None or outcome not in _NEEDS_QUEUE)
                    and ring.__class__ is float
                    and talk.__class__ is float
                    and hold.__class__ is float
                    and after.__class__ is float
                    and ring >= 0.0
                    and talk >= 0.0
                    and hold >= 0.0
                    and after >= 0.0
                    and ring + talk + hold + after < _INF
                    and transfers.__class__ is int
                    and transfers >= 0
                    and self.queues.__class__ is tuple
                    and self.agents.__class__ is tuple
                    and self.ivr_path.__class__ is tuple
                ):
                    return
        self._check()

    def _check(self) -> None:
        """Raise the first problem of this record, in field order; convert sequences."""
        _as_tuples(self, _SEQUENCES)
        for name in ("arrived_at", "ended_at"):
            check_time(name, getattr(self, name))
        for name in _ORDER:
            value = getattr(self, name)
            if value is not None:
                check_time(name, value, "finite POSIX seconds or None")
        for name in _DURATIONS:
            _check_duration(name, getattr(self, name))
        if not isinstance(self.outcome, Outcome):
            raise InvalidArgumentError(name="outcome", expected="an Outcome", got=self.outcome)
        _check_order(self, _ORDER)
        answered = self.outcome is Outcome.ANSWERED
        if answered != (self.answered_at is not None):
            raise InvalidArgumentError(
                name="answered_at",
                expected="a time exactly when the outcome is 'answered'",
                got=self.answered_at,
            )
        if self.queued_at is None and self.outcome in _NEEDS_QUEUE:
            raise InvalidArgumentError(
                name="queued_at",
                expected=f"a time for a contact whose outcome is {self.outcome.value!r}",
                got=None,
            )
        if isinstance(self.transfers, bool) or not isinstance(self.transfers, int):
            raise InvalidArgumentError(name="transfers", expected="an int >= 0", got=self.transfers)
        if self.transfers < 0:
            raise InvalidArgumentError(name="transfers", expected="an int >= 0", got=self.transfers)

    @property
    def queue(self) -> str | None:
        """The queue reports group this contact under: the last one it entered."""
        return self.queues[-1] if self.queues else None

    @property
    def agent(self) -> str | None:
        """The agent who answered (the first in :attr:`agents`), or ``None``."""
        return self.agents[0] if self.agents else None

    @property
    def offered(self) -> bool:
        """Whether the contact reached a queue (it has a queue or a ``queued_at``)."""
        return bool(self.queues) or self.queued_at is not None

    @property
    def category(self) -> Category:
        """Its leaf in the tree of contacts (:class:`Category`).

        Short abandons are reported as :attr:`Category.ABANDONED` (the threshold is
        a KPI option).
        """
        if self.queues or self.queued_at is not None:
            return _QUEUE_CATEGORY.get(self.outcome, Category.OTHER)
        return _IVR_CATEGORY.get(self.outcome, Category.IVR_OTHER)

    @property
    def abandoned(self) -> bool:
        """Whether the caller hung up in a queue or while ringing."""
        return self.outcome in ABANDONED_OUTCOMES

    @property
    def entered_ivr(self) -> bool:
        """Whether the contact went through the IVR."""
        return (
            bool(self.ivr_path)
            or self.ivr_exited_at is not None
            or self.outcome
            in (Outcome.FINISHED_IN_IVR, Outcome.ABANDONED_IN_IVR, Outcome.OUT_OF_HOURS)
        )

    @property
    def wait_seconds(self) -> float | None:
        """Time in queue: from ``queued_at`` to the answer, or to the end if not answered.

        ``None`` for a contact that never queued.
        """
        if self.queued_at is None:
            return None
        stop = self.answered_at if self.answered_at is not None else self.ended_at
        return stop - self.queued_at

    @property
    def handle_seconds(self) -> float:
        """Talk + hold + after-contact work."""
        return self.talk_seconds + self.hold_seconds + self.after_contact_seconds


@attrs.frozen(kw_only=True)
class AgentStateInterval:
    """An agent in one state from ``start`` to ``end`` (logged in all along).

    The state is the routing engine's :class:`~callcenter.routing.AgentState`
    (also exported here as :class:`callcenter.metrics.AgentState`); time logged out
    has no interval, so :attr:`~callcenter.routing.AgentState.LOGGED_OUT` is refused.

    Attributes:
        agent_id: The agent.
        state: The state.
        start: When it began (POSIX seconds).
        end: When it ended (``>= start``).
        reason: For :attr:`AgentState.NOT_READY`, the reason code (``"lunch"``).
        queues: Queues the agent served during the interval; reports by queue count
            the interval under each of them.
        skill_group: The agent's skill group, for reports by skill group.

    Raises:
        InvalidArgumentError: ``end < start``, a non-finite time, or a state that
            is not a logged-in :class:`~callcenter.routing.AgentState`.
    """

    agent_id: str
    state: AgentState
    start: float
    end: float
    reason: str | None = None
    queues: tuple[str, ...] = ()
    skill_group: str | None = None

    def __attrs_post_init__(self) -> None:
        # Every check in one pass, the common case (float times, a tuple) first.
        start, end = self.start, self.end
        if (
            start.__class__ is float
            and end.__class__ is float
            and start - start == 0.0
            and end - end == 0.0
            and start <= end
            and self.state.__class__ is AgentState
            and self.state is not _LOGGED_OUT
            and self.queues.__class__ is tuple
        ):
            return
        _as_tuples(self, ("queues",))
        check_time("start", start)
        check_time("end", end)
        if end < start:
            raise InvalidArgumentError(
                name="end", expected=f"a time >= start ({self.start!r})", got=self.end
            )
        state: object = self.state  # whatever came, not what the annotation says
        if not isinstance(state, AgentState) or state is _LOGGED_OUT:
            raise InvalidArgumentError(
                name="state",
                expected="the AgentState of a logged-in agent (not LOGGED_OUT)",
                got=self.state,
            )

    @property
    def seconds(self) -> float:
        """The interval's length."""
        return self.end - self.start
