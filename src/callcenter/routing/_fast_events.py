"""Fast construction of the engine's own events, for trusted internal data.

attrs' generated ``__init__`` of a frozen slotted class stores each field through a
bound ``object.__setattr__`` looked up by name, which dominates the cost of building
an event (about 2 µs for six fields on CPython 3.11). The engine builds several
events per routing decision from values it already holds and has checked, so here
each event class gets a constructor that creates the instance with
``object.__new__`` and fills every slot through the slot's own descriptor
(``member_descriptor.__set__``), the same store attrs ends with, minus the name
lookup. The result is an ordinary instance of the public class: same type, same
slots, same ``__eq__``, ``__hash__``, ``__repr__`` and immutability, as
``tests/routing/test_fast_events.py`` checks for every event class against the
normal constructor.

This is only safe because the event classes have no validators, converters,
``__attrs_post_init__`` or cached hash; the shared
:func:`callcenter._slots.slot_setters` refuses a class whose fields are not plain
slots or are not all named. Public callers keep using the normal constructors.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._slots import new_instance, slot_setters
from ._events import (
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
    Explanation,
    LeaveReason,
    RefusalReason,
)
from ._model import AgentState, Channel, OverflowKind

_new = new_instance
_setters = slot_setters


(
    _queued__at,
    _queued__contact_id,
    _queued__queue,
    _queued__agent_id,
    _queued__channel,
    _queued__priority,
    _queued__arrived_at,
    _queued__queued_at,
) = _setters(
    ContactQueued,
    "at",
    "contact_id",
    "queue",
    "agent_id",
    "channel",
    "priority",
    "arrived_at",
    "queued_at",
)


def new_contact_queued(
    *,
    at: float,
    contact_id: str,
    queue: str,
    agent_id: None = None,
    channel: Channel,
    priority: int,
    arrived_at: float,
    queued_at: float,
) -> ContactQueued:
    """Build a :class:`ContactQueued` from trusted values (see the module)."""
    event = _new(ContactQueued)
    _queued__at(event, at)
    _queued__contact_id(event, contact_id)
    _queued__queue(event, queue)
    _queued__agent_id(event, agent_id)
    _queued__channel(event, channel)
    _queued__priority(event, priority)
    _queued__arrived_at(event, arrived_at)
    _queued__queued_at(event, queued_at)
    return event


(
    _refused__at,
    _refused__contact_id,
    _refused__queue,
    _refused__agent_id,
    _refused__channel,
    _refused__arrived_at,
    _refused__queued_at,
    _refused__reason,
) = _setters(
    ContactRefused,
    "at",
    "contact_id",
    "queue",
    "agent_id",
    "channel",
    "arrived_at",
    "queued_at",
    "reason",
)


def new_contact_refused(
    *,
    at: float,
    contact_id: str,
    queue: str,
    agent_id: None = None,
    channel: Channel,
    arrived_at: float,
    queued_at: float,
    reason: RefusalReason,
) -> ContactRefused:
    """Build a :class:`ContactRefused` from trusted values (see the module)."""
    event = _new(ContactRefused)
    _refused__at(event, at)
    _refused__contact_id(event, contact_id)
    _refused__queue(event, queue)
    _refused__agent_id(event, agent_id)
    _refused__channel(event, channel)
    _refused__arrived_at(event, arrived_at)
    _refused__queued_at(event, queued_at)
    _refused__reason(event, reason)
    return event


(
    _offered__at,
    _offered__contact_id,
    _offered__queue,
    _offered__agent_id,
    _offered__channel,
    _offered__arrived_at,
    _offered__queued_at,
    _offered__ring_deadline,
    _offered__mobile_number,
    _offered__context,
    _offered__explanation,
) = _setters(
    ContactOffered,
    "at",
    "contact_id",
    "queue",
    "agent_id",
    "channel",
    "arrived_at",
    "queued_at",
    "ring_deadline",
    "mobile_number",
    "context",
    "explanation",
)


def new_contact_offered(
    *,
    at: float,
    contact_id: str,
    queue: str,
    agent_id: str,
    channel: Channel,
    arrived_at: float,
    queued_at: float,
    ring_deadline: float,
    mobile_number: str | None,
    context: Mapping[str, Any],
    explanation: Explanation | None = None,
) -> ContactOffered:
    """Build a :class:`ContactOffered` from trusted values (see the module)."""
    event = _new(ContactOffered)
    _offered__at(event, at)
    _offered__contact_id(event, contact_id)
    _offered__queue(event, queue)
    _offered__agent_id(event, agent_id)
    _offered__channel(event, channel)
    _offered__arrived_at(event, arrived_at)
    _offered__queued_at(event, queued_at)
    _offered__ring_deadline(event, ring_deadline)
    _offered__mobile_number(event, mobile_number)
    _offered__context(event, context)
    _offered__explanation(event, explanation)
    return event


(
    _declined__at,
    _declined__contact_id,
    _declined__queue,
    _declined__agent_id,
    _declined__channel,
    _declined__arrived_at,
    _declined__queued_at,
    _declined__offered_at,
    _declined__reason,
) = _setters(
    ContactOfferDeclined,
    "at",
    "contact_id",
    "queue",
    "agent_id",
    "channel",
    "arrived_at",
    "queued_at",
    "offered_at",
    "reason",
)


def new_contact_offer_declined(
    *,
    at: float,
    contact_id: str,
    queue: str,
    agent_id: str,
    channel: Channel,
    arrived_at: float,
    queued_at: float,
    offered_at: float,
    reason: DeclineReason,
) -> ContactOfferDeclined:
    """Build a :class:`ContactOfferDeclined` from trusted values (see the module)."""
    event = _new(ContactOfferDeclined)
    _declined__at(event, at)
    _declined__contact_id(event, contact_id)
    _declined__queue(event, queue)
    _declined__agent_id(event, agent_id)
    _declined__channel(event, channel)
    _declined__arrived_at(event, arrived_at)
    _declined__queued_at(event, queued_at)
    _declined__offered_at(event, offered_at)
    _declined__reason(event, reason)
    return event


(
    _answered__at,
    _answered__contact_id,
    _answered__queue,
    _answered__agent_id,
    _answered__channel,
    _answered__arrived_at,
    _answered__queued_at,
    _answered__offered_at,
) = _setters(
    ContactAnswered,
    "at",
    "contact_id",
    "queue",
    "agent_id",
    "channel",
    "arrived_at",
    "queued_at",
    "offered_at",
)


def new_contact_answered(
    *,
    at: float,
    contact_id: str,
    queue: str,
    agent_id: str,
    channel: Channel,
    arrived_at: float,
    queued_at: float,
    offered_at: float,
) -> ContactAnswered:
    """Build a :class:`ContactAnswered` from trusted values (see the module)."""
    event = _new(ContactAnswered)
    _answered__at(event, at)
    _answered__contact_id(event, contact_id)
    _answered__queue(event, queue)
    _answered__agent_id(event, agent_id)
    _answered__channel(event, channel)
    _answered__arrived_at(event, arrived_at)
    _answered__queued_at(event, queued_at)
    _answered__offered_at(event, offered_at)
    return event


(
    _completed__at,
    _completed__contact_id,
    _completed__queue,
    _completed__agent_id,
    _completed__channel,
    _completed__arrived_at,
    _completed__queued_at,
    _completed__offered_at,
    _completed__answered_at,
) = _setters(
    ContactCompleted,
    "at",
    "contact_id",
    "queue",
    "agent_id",
    "channel",
    "arrived_at",
    "queued_at",
    "offered_at",
    "answered_at",
)


def new_contact_completed(
    *,
    at: float,
    contact_id: str,
    queue: str,
    agent_id: str,
    channel: Channel,
    arrived_at: float,
    queued_at: float,
    offered_at: float,
    answered_at: float,
) -> ContactCompleted:
    """Build a :class:`ContactCompleted` from trusted values (see the module)."""
    event = _new(ContactCompleted)
    _completed__at(event, at)
    _completed__contact_id(event, contact_id)
    _completed__queue(event, queue)
    _completed__agent_id(event, agent_id)
    _completed__channel(event, channel)
    _completed__arrived_at(event, arrived_at)
    _completed__queued_at(event, queued_at)
    _completed__offered_at(event, offered_at)
    _completed__answered_at(event, answered_at)
    return event


(
    _abandoned__at,
    _abandoned__contact_id,
    _abandoned__queue,
    _abandoned__agent_id,
    _abandoned__channel,
    _abandoned__arrived_at,
    _abandoned__queued_at,
    _abandoned__offered_at,
) = _setters(
    ContactAbandoned,
    "at",
    "contact_id",
    "queue",
    "agent_id",
    "channel",
    "arrived_at",
    "queued_at",
    "offered_at",
)


def new_contact_abandoned(
    *,
    at: float,
    contact_id: str,
    queue: str,
    agent_id: str | None,
    channel: Channel,
    arrived_at: float,
    queued_at: float,
    offered_at: float | None,
) -> ContactAbandoned:
    """Build a :class:`ContactAbandoned` from trusted values (see the module)."""
    event = _new(ContactAbandoned)
    _abandoned__at(event, at)
    _abandoned__contact_id(event, contact_id)
    _abandoned__queue(event, queue)
    _abandoned__agent_id(event, agent_id)
    _abandoned__channel(event, channel)
    _abandoned__arrived_at(event, arrived_at)
    _abandoned__queued_at(event, queued_at)
    _abandoned__offered_at(event, offered_at)
    return event


(
    _overflowed__at,
    _overflowed__contact_id,
    _overflowed__queue,
    _overflowed__agent_id,
    _overflowed__channel,
    _overflowed__arrived_at,
    _overflowed__queued_at,
    _overflowed__kind,
    _overflowed__to_queue,
) = _setters(
    ContactOverflowed,
    "at",
    "contact_id",
    "queue",
    "agent_id",
    "channel",
    "arrived_at",
    "queued_at",
    "kind",
    "to_queue",
)


def new_contact_overflowed(
    *,
    at: float,
    contact_id: str,
    queue: str,
    agent_id: None = None,
    channel: Channel,
    arrived_at: float,
    queued_at: float,
    kind: OverflowKind,
    to_queue: str | None,
) -> ContactOverflowed:
    """Build a :class:`ContactOverflowed` from trusted values (see the module)."""
    event = _new(ContactOverflowed)
    _overflowed__at(event, at)
    _overflowed__contact_id(event, contact_id)
    _overflowed__queue(event, queue)
    _overflowed__agent_id(event, agent_id)
    _overflowed__channel(event, channel)
    _overflowed__arrived_at(event, arrived_at)
    _overflowed__queued_at(event, queued_at)
    _overflowed__kind(event, kind)
    _overflowed__to_queue(event, to_queue)
    return event


(
    _transferred__at,
    _transferred__contact_id,
    _transferred__queue,
    _transferred__agent_id,
    _transferred__channel,
    _transferred__arrived_at,
    _transferred__queued_at,
    _transferred__to_queue,
    _transferred__answered_at,
) = _setters(
    ContactTransferred,
    "at",
    "contact_id",
    "queue",
    "agent_id",
    "channel",
    "arrived_at",
    "queued_at",
    "to_queue",
    "answered_at",
)


def new_contact_transferred(
    *,
    at: float,
    contact_id: str,
    queue: str,
    agent_id: str | None,
    channel: Channel,
    arrived_at: float,
    queued_at: float,
    to_queue: str,
    answered_at: float | None,
) -> ContactTransferred:
    """Build a :class:`ContactTransferred` from trusted values (see the module)."""
    event = _new(ContactTransferred)
    _transferred__at(event, at)
    _transferred__contact_id(event, contact_id)
    _transferred__queue(event, queue)
    _transferred__agent_id(event, agent_id)
    _transferred__channel(event, channel)
    _transferred__arrived_at(event, arrived_at)
    _transferred__queued_at(event, queued_at)
    _transferred__to_queue(event, to_queue)
    _transferred__answered_at(event, answered_at)
    return event


(
    _escalated__at,
    _escalated__contact_id,
    _escalated__queue,
    _escalated__agent_id,
    _escalated__channel,
    _escalated__arrived_at,
    _escalated__queued_at,
    _escalated__step,
) = _setters(
    ContactEscalated,
    "at",
    "contact_id",
    "queue",
    "agent_id",
    "channel",
    "arrived_at",
    "queued_at",
    "step",
)


def new_contact_escalated(
    *,
    at: float,
    contact_id: str,
    queue: str,
    agent_id: None = None,
    channel: Channel,
    arrived_at: float,
    queued_at: float,
    step: int,
) -> ContactEscalated:
    """Build a :class:`ContactEscalated` from trusted values (see the module)."""
    event = _new(ContactEscalated)
    _escalated__at(event, at)
    _escalated__contact_id(event, contact_id)
    _escalated__queue(event, queue)
    _escalated__agent_id(event, agent_id)
    _escalated__channel(event, channel)
    _escalated__arrived_at(event, arrived_at)
    _escalated__queued_at(event, queued_at)
    _escalated__step(event, step)
    return event


(
    _left__at,
    _left__contact_id,
    _left__queue,
    _left__agent_id,
    _left__channel,
    _left__arrived_at,
    _left__queued_at,
    _left__reason,
) = _setters(
    ContactLeft,
    "at",
    "contact_id",
    "queue",
    "agent_id",
    "channel",
    "arrived_at",
    "queued_at",
    "reason",
)


def new_contact_left(
    *,
    at: float,
    contact_id: str,
    queue: str,
    agent_id: None = None,
    channel: Channel,
    arrived_at: float,
    queued_at: float,
    reason: LeaveReason,
) -> ContactLeft:
    """Build a :class:`ContactLeft` from trusted values (see the module)."""
    event = _new(ContactLeft)
    _left__at(event, at)
    _left__contact_id(event, contact_id)
    _left__queue(event, queue)
    _left__agent_id(event, agent_id)
    _left__channel(event, channel)
    _left__arrived_at(event, arrived_at)
    _left__queued_at(event, queued_at)
    _left__reason(event, reason)
    return event


(
    _state__at,
    _state__agent_id,
    _state__old,
    _state__new,
    _state__since,
    _state__reason,
) = _setters(AgentStateChanged, "at", "agent_id", "old", "new", "since", "reason")


def new_agent_state_changed(
    *,
    at: float,
    agent_id: str,
    old: AgentState,
    new: AgentState,
    since: float,
    reason: str | None = None,
) -> AgentStateChanged:
    """Build a :class:`AgentStateChanged` from trusted values (see the module)."""
    event = _new(AgentStateChanged)
    _state__at(event, at)
    _state__agent_id(event, agent_id)
    _state__old(event, old)
    _state__new(event, new)
    _state__since(event, since)
    _state__reason(event, reason)
    return event
