"""A contact's notes: what its events did so far, and what each event does to them.

One :class:`ContactNotes` per live contact holds the facts its record is made of
(times, queues, agents, ring and talk time, the IVR path). The functions here are
the one place that says what each kind of event does to those notes, and
:data:`CONTACT_NOTES` maps each event class to its function. Two drivers use them:

* :class:`~callcenter.metrics.RecordBuilder`, which takes events from anywhere,
  checks each against the phases of :data:`~callcenter.metrics._builder_rules.RULES`
  and stages the change, so that a refused event changes nothing;
* the :class:`~callcenter.hotline.Hotline`, which keeps the notes on its own call
  state and applies the events of its own engines, in the one dispatch it makes of
  each event anyway.

A function returns ``None``, or the :class:`Outcome` of the record the event
finishes (then ``ended_at`` is set and :func:`record_of` builds the record). The
agents' side (state intervals, the end of a wrap-up) is :func:`interval_of` and
:func:`ends_wrap_up`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import ivr as _ivr
from .. import routing as _rt
from ._builder_rules import Phase
from ._records import AgentStateInterval, ContactRecord, Outcome
from ._trusted import trusted_interval, trusted_record

__all__ = [
    "CLOSED_WAYS",
    "CONTACT_NOTES",
    "ContactNotes",
    "ends_wrap_up",
    "interval",
    "interval_of",
    "record_of",
    "wrap_end",
]

_IVR_END = {
    _ivr.SessionResult.COMPLETED: Outcome.FINISHED_IN_IVR,
    _ivr.SessionResult.VOICEMAIL: Outcome.VOICEMAIL,
    _ivr.SessionResult.CALLBACK: Outcome.CALLBACK,
    _ivr.SessionResult.ABANDONED: Outcome.ABANDONED_IN_IVR,
    _ivr.SessionResult.BLOCKED: Outcome.BLOCKED,
    _ivr.SessionResult.ERROR: Outcome.BLOCKED,
    _ivr.SessionResult.TRANSFERRED: Outcome.OVERFLOWED,
}

CLOSED_WAYS = frozenset({_ivr.NodeOutcome.CLOSED, _ivr.NodeOutcome.HOLIDAY})
"""The ways out of an hours node that mean "closed": a contact that took one and
ended in the IVR is an out-of-hours contact, whatever it did there."""

# Enum members as module constants: on CPython 3.11 reading one through its class
# (``Outcome.ANSWERED``) goes through the enum metaclass, several times slower.
_LOGGED_OUT = _rt.AgentState.LOGGED_OUT
_NOT_READY = _rt.AgentState.NOT_READY
_WRAP_UP = _rt.AgentState.WRAP_UP
_QUEUE_FULL = _rt.RefusalReason.QUEUE_FULL
_TO_QUEUE = _rt.OverflowKind.QUEUE
_TO_VOICEMAIL = _rt.OverflowKind.VOICEMAIL
_ENQUEUED = _ivr.SessionResult.ENQUEUED
_ANSWERED = Outcome.ANSWERED
_IVR = Phase.IVR
_HANDOFF = Phase.HANDOFF
_WAITING = Phase.WAITING
_RINGING = Phase.RINGING
_ACTIVE = Phase.ACTIVE
_WRAP = Phase.WRAP


class ContactNotes:
    """What one live contact did so far: its phase and the facts of its record.

    ``phase`` is a :class:`~callcenter.metrics._builder_rules.Phase`: a contact that
    starts in an IVR session starts in ``IVR``, one handed straight to the ACD in
    ``HANDOFF`` (its ACD events are still to come).
    """

    __slots__ = (
        "agents",
        "answered_at",
        "arrived_at",
        "caller",
        "channel",
        "closed",
        "dialled",
        "ended_at",
        "first_offered_at",
        "id",
        "ivr_exited_at",
        "ivr_path",
        "offered_at",
        "phase",
        "queued_at",
        "queues",
        "ring_seconds",
        "segment_start",
        "talk_seconds",
        "transfers",
        "wrap_agent",
    )

    def __init__(self, contact_id: str, arrived_at: float, phase: Phase) -> None:
        self.id = contact_id
        self.arrived_at = arrived_at
        self.phase = phase
        self.channel = "voice"
        self.caller: str | None = None
        self.closed = False  # the IVR found the center closed (an hours node)
        self.dialled: str | None = None
        self.queues: tuple[str, ...] = ()
        self.agents: tuple[str, ...] = ()
        self.ivr_path: tuple[str, ...] = ()
        self.ivr_exited_at: float | None = None
        self.queued_at: float | None = None
        self.first_offered_at: float | None = None
        self.offered_at: float | None = None
        self.answered_at: float | None = None
        self.segment_start: float | None = None
        self.ended_at: float | None = None
        self.ring_seconds = 0.0
        self.talk_seconds = 0.0
        self.transfers = 0
        self.wrap_agent: str | None = None

    def clone(self) -> ContactNotes:
        """A shallow copy (every field is immutable), cheaper than :func:`copy.copy`."""
        new = ContactNotes.__new__(ContactNotes)
        new.agents = self.agents
        new.answered_at = self.answered_at
        new.arrived_at = self.arrived_at
        new.caller = self.caller
        new.channel = self.channel
        new.closed = self.closed
        new.dialled = self.dialled
        new.ended_at = self.ended_at
        new.first_offered_at = self.first_offered_at
        new.id = self.id
        new.ivr_exited_at = self.ivr_exited_at
        new.ivr_path = self.ivr_path
        new.offered_at = self.offered_at
        new.phase = self.phase
        new.queued_at = self.queued_at
        new.queues = self.queues
        new.ring_seconds = self.ring_seconds
        new.segment_start = self.segment_start
        new.talk_seconds = self.talk_seconds
        new.transfers = self.transfers
        new.wrap_agent = self.wrap_agent
        return new


def record_of(
    c: ContactNotes, outcome: Outcome, wrap_end: float | None, dialled: str | None = None
) -> ContactRecord:
    """The record of a finished contact (``dialled``: the number when the notes have none).

    Every time in the notes is the finite time of an event applied in order, so the
    record is valid by construction (and checked once more as it is built).
    """
    ended = c.ended_at
    assert ended is not None
    return trusted_record(
        c.id,
        outcome,
        c.arrived_at,
        ended,
        c.channel,
        c.dialled or dialled,
        c.caller,
        c.queues,
        c.agents,
        c.ivr_exited_at,
        c.queued_at,
        c.first_offered_at,
        c.answered_at if outcome is _ANSWERED else None,
        wrap_end,
        c.ring_seconds,
        c.talk_seconds,
        0.0 if wrap_end is None else wrap_end - ended,
        c.transfers,
        c.ivr_path,
    )


# ---------------------------------------------------------------------- IVR


def node_entered(c: ContactNotes, e: _ivr.NodeEntered) -> None:
    """The node joins the IVR path."""
    c.ivr_path = (*c.ivr_path, e.node)


def node_exited(c: ContactNotes, e: _ivr.NodeExited) -> None:
    """An hours node left by its closed or holiday way marks the contact closed."""
    if e.outcome in CLOSED_WAYS:
        c.closed = True


def survey_answered(c: ContactNotes, e: _ivr.SurveyAnswered) -> None:
    """Nothing: the answers are in the IVR's own report."""


def session_ended(c: ContactNotes, e: _ivr.SessionEnded) -> Outcome | None:
    """``enqueued`` hands the contact to the ACD; any other result finishes it."""
    c.caller = e.attributes.get("caller") or c.caller
    c.dialled = e.attributes.get("dialled") or c.dialled
    if e.result is _ENQUEUED:
        c.phase = _HANDOFF
        c.ivr_exited_at = e.at
        return None
    outcome = _IVR_END.get(e.result, Outcome.FINISHED_IN_IVR)
    if c.closed and outcome is not Outcome.OVERFLOWED:
        outcome = Outcome.OUT_OF_HOURS
    if outcome is Outcome.OVERFLOWED:
        c.ivr_exited_at = e.at
    c.ended_at = e.at
    return outcome


# ---------------------------------------------------------------------- the ACD


def queued(c: ContactNotes, e: _rt.ContactQueued) -> None:
    """Starts waiting; again while waiting or ringing (a move): adds the queue."""
    if c.phase is _WAITING or c.phase is _RINGING:
        if not c.queues or c.queues[-1] != e.queue:
            c.queues = (*c.queues, e.queue)
        return
    c.channel = e.channel._value_
    c.phase = _WAITING
    c.queues = (*c.queues, e.queue)
    if c.queued_at is None:
        c.queued_at = e.at


def refused(c: ContactNotes, e: _rt.ContactRefused) -> Outcome:
    """Finishes it: the queue was full, or nobody was logged in."""
    c.channel = e.channel._value_
    c.queues = (*c.queues, e.queue)
    c.ended_at = e.at
    return Outcome.REJECTED_QUEUE_FULL if e.reason is _QUEUE_FULL else Outcome.BLOCKED


def offered(c: ContactNotes, e: _rt.ContactOffered) -> None:
    """An agent's phone rings."""
    c.phase = _RINGING
    c.offered_at = e.at
    if c.first_offered_at is None:
        c.first_offered_at = e.at


def _end_ring(c: ContactNotes, at: float) -> None:
    offered_at = c.offered_at
    assert offered_at is not None  # set when it started ringing
    c.ring_seconds += at - offered_at
    c.offered_at = None


def declined(c: ContactNotes, e: _rt.ContactOfferDeclined) -> None:
    """Back to waiting; the ring time counts."""
    _end_ring(c, e.at)
    c.phase = _WAITING


def answered(c: ContactNotes, e: _rt.ContactAnswered) -> None:
    """Talk starts; the ring time counts."""
    at = e.at
    _end_ring(c, at)
    c.phase = _ACTIVE
    if c.answered_at is None:
        c.answered_at = at
    c.segment_start = at
    c.agents = (*c.agents, e.agent_id)


def completed(c: ContactNotes, e: _rt.ContactCompleted) -> None:
    """Talk ends; the record waits for the end of the agent's wrap-up."""
    segment_start = c.segment_start
    assert segment_start is not None
    c.talk_seconds += e.at - segment_start
    c.segment_start = None
    c.ended_at = e.at
    c.phase = _WRAP
    c.wrap_agent = e.agent_id


def abandoned(c: ContactNotes, e: _rt.ContactAbandoned) -> Outcome:
    """Finishes it: the caller hung up waiting, or while an offer rang."""
    outcome = Outcome.ABANDONED_IN_QUEUE
    if c.phase is _RINGING:
        _end_ring(c, e.at)
        outcome = Outcome.ABANDONED_RINGING
    c.ended_at = e.at
    return outcome


def overflowed(c: ContactNotes, e: _rt.ContactOverflowed) -> Outcome | None:
    """To another queue: adds it; to voicemail or callback: finishes it."""
    if e.kind is _TO_QUEUE:
        if e.to_queue is not None and c.queues[-1:] != (e.to_queue,):
            c.queues = (*c.queues, e.to_queue)
        return None
    c.ended_at = e.at
    return Outcome.VOICEMAIL if e.kind is _TO_VOICEMAIL else Outcome.CALLBACK


def transferred(c: ContactNotes, e: _rt.ContactTransferred) -> None:
    """Waits in the new queue; the talk so far counts."""
    if c.phase is _ACTIVE:
        segment_start = c.segment_start
        assert segment_start is not None
        c.talk_seconds += e.at - segment_start
        c.segment_start = None
    c.phase = _WAITING
    c.transfers += 1
    if c.queues[-1:] != (e.to_queue,):
        c.queues = (*c.queues, e.to_queue)


def escalated(c: ContactNotes, e: _rt.ContactEscalated) -> None:
    """Nothing: a ContactQueued or an offer follows when it matters."""


def left(c: ContactNotes, e: _rt.ContactLeft) -> Outcome:
    """Finishes it: it left the queue (no agents, removed by the host)."""
    c.ended_at = e.at
    return Outcome.OVERFLOWED


CONTACT_NOTES: dict[type, Callable[[ContactNotes, Any], Outcome | None]] = {
    _ivr.NodeEntered: node_entered,
    _ivr.NodeExited: node_exited,
    _ivr.SurveyAnswered: survey_answered,
    _ivr.SessionEnded: session_ended,
    _rt.ContactQueued: queued,
    _rt.ContactRefused: refused,
    _rt.ContactOffered: offered,
    _rt.ContactOfferDeclined: declined,
    _rt.ContactAnswered: answered,
    _rt.ContactCompleted: completed,
    _rt.ContactAbandoned: abandoned,
    _rt.ContactOverflowed: overflowed,
    _rt.ContactTransferred: transferred,
    _rt.ContactEscalated: escalated,
    _rt.ContactLeft: left,
}
"""What each contact event does to the notes of its contact."""


# ---------------------------------------------------------------------- agents


def interval(
    agent_id: str,
    state: _rt.AgentState,
    start: float,
    end: float,
    reason: str | None,
    queues: tuple[str, ...],
) -> AgentStateInterval | None:
    """The interval of an agent in ``state`` from ``start`` to ``end``, if it is one.

    Time logged out, and a state that lasted no time, make no interval; ``reason``
    is kept for ``NOT_READY`` only. The caller has checked that both are finite times.
    """
    if state is _LOGGED_OUT or not end > start:
        return None
    return trusted_interval(
        agent_id, state, start, end, reason if state is _NOT_READY else None, queues
    )


def interval_of(
    e: _rt.AgentStateChanged, reason: str | None, queues: tuple[str, ...]
) -> AgentStateInterval | None:
    """The interval ``e`` closes (``reason``: the not-ready reason of ``e.old``), if any."""
    return interval(e.agent_id, e.old, e.since, e.at, reason, queues)


def ends_wrap_up(e: _rt.AgentStateChanged) -> bool:
    """Whether ``e`` finishes the agent's contacts waiting for the end of a wrap-up.

    It does unless the agent enters (or stays in) wrap-up; the wrap-up then ended at
    ``e.at`` if the agent was in it (:func:`wrap_end`), else there was none.
    """
    return e.new is not _WRAP_UP


def wrap_end(e: _rt.AgentStateChanged) -> float | None:
    """When the wrap-up that ``e`` ends ended: ``e.at``, or ``None`` if there was none."""
    return e.at if e.old is _WRAP_UP else None
