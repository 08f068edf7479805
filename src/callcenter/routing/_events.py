"""What the routing engine says: frozen events, explanations and snapshots.

Every contact event carries the contact's id, its queue, the agent involved (or
``None``), its channel, ``arrived_at`` (when the engine first saw the contact, or the
original time a rejoining contact keeps), ``queued_at`` (when it entered its current
queue) and ``at`` (when the event happened), so a metrics module can build a
complete contact record from events alone.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

import attrs

from ._model import AgentState, Channel, OverflowKind, Strategy

__all__ = [
    "AgentSnapshot",
    "AgentStateChanged",
    "Candidate",
    "ContactAbandoned",
    "ContactAnswered",
    "ContactCompleted",
    "ContactEscalated",
    "ContactLeft",
    "ContactOfferDeclined",
    "ContactOffered",
    "ContactOverflowed",
    "ContactQueued",
    "ContactRefused",
    "ContactTransferred",
    "DeclineReason",
    "Exclusion",
    "Explanation",
    "LeaveReason",
    "QueueSnapshot",
    "RefusalReason",
    "RoutingEvent",
    "Snapshot",
]


class RefusalReason(enum.Enum):
    """Why a contact was not admitted to a queue."""

    QUEUE_FULL = "queue_full"
    NO_AGENTS = "no_agents"


class DeclineReason(enum.Enum):
    """Why an offer ended without an answer."""

    REJECTED = "rejected"
    RING_TIMEOUT = "ring_timeout"
    MISSED = "missed"
    """The agent's side reported the offer unanswered before the ring timeout: the
    telephony's own ring timer fired, or the agent's phone could not be reached
    (``RoutingEngine.reject`` with ``missed=True``). Counted like a ring timeout."""


class LeaveReason(enum.Enum):
    """Why a waiting contact left without being answered (other than abandon/overflow)."""

    NO_AGENTS = "no_agents"
    REMOVED = "removed"


class Exclusion(enum.Enum):
    """Why an agent was not a candidate for a contact."""

    LOGGED_OUT = "logged_out"
    NOT_READY = "not_ready"
    WRAP_UP = "wrap_up"
    NO_CAPACITY = "no_capacity"
    LACKS_SKILL = "lacks_skill"
    TIER_NOT_OPEN = "tier_not_open"
    NOT_PREFERRED = "not_preferred"
    DECLINED = "declined"


@attrs.frozen(kw_only=True)
class Candidate:
    """One agent considered for a contact, and the verdict.

    Attributes:
        agent_id: The agent.
        tier: The agent's tier in the contact's queue.
        excluded: Why the agent could not take the contact, or ``None`` if eligible.
        detail: The fact behind the verdict (missing skill, tier limit, state...).
    """

    agent_id: str
    tier: int
    excluded: Exclusion | None
    detail: str = ""


@attrs.frozen(kw_only=True)
class Explanation:
    """Why a contact went to a given agent (or to nobody yet).

    Attributes:
        contact_id: The contact.
        queue: Its queue.
        at: When the decision was made.
        strategy: The queue's strategy.
        candidates: Every member of the queue, with its verdict.
        chosen: The chosen agent, or ``None``.
        reason: In words, why the chosen agent won.
    """

    contact_id: str
    queue: str
    at: float
    strategy: Strategy
    candidates: tuple[Candidate, ...]
    chosen: str | None
    reason: str


@attrs.frozen(kw_only=True)
class ContactQueued:
    """A contact entered a queue and waits (or is offered at once, in a later event)."""

    at: float
    contact_id: str
    queue: str
    agent_id: None = None
    channel: Channel
    priority: int
    arrived_at: float
    queued_at: float


@attrs.frozen(kw_only=True)
class ContactRefused:
    """A contact was not admitted to a queue (full, or nobody logged in)."""

    at: float
    contact_id: str
    queue: str
    agent_id: None = None
    channel: Channel
    arrived_at: float
    queued_at: float
    reason: RefusalReason


@attrs.frozen(kw_only=True)
class ContactOffered:
    """A contact rings at an agent, until ``ring_deadline``."""

    at: float
    contact_id: str
    queue: str
    agent_id: str
    channel: Channel
    arrived_at: float
    queued_at: float
    ring_deadline: float
    mobile_number: str | None
    context: Mapping[str, Any] = attrs.field(eq=False)
    explanation: Explanation | None = None


@attrs.frozen(kw_only=True)
class ContactOfferDeclined:
    """An offer ended unanswered; the contact went back to its place in the queue."""

    at: float
    contact_id: str
    queue: str
    agent_id: str
    channel: Channel
    arrived_at: float
    queued_at: float
    offered_at: float
    reason: DeclineReason


@attrs.frozen(kw_only=True)
class ContactAnswered:
    """An agent accepted an offer; the wait ended at ``at``."""

    at: float
    contact_id: str
    queue: str
    agent_id: str
    channel: Channel
    arrived_at: float
    queued_at: float
    offered_at: float


@attrs.frozen(kw_only=True)
class ContactCompleted:
    """Handling ended (the caller or agent hung up); wrap-up may follow."""

    at: float
    contact_id: str
    queue: str
    agent_id: str
    channel: Channel
    arrived_at: float
    queued_at: float
    offered_at: float
    answered_at: float


@attrs.frozen(kw_only=True)
class ContactAbandoned:
    """The customer left while waiting, or while an offer rang (``agent_id`` set)."""

    at: float
    contact_id: str
    queue: str
    agent_id: str | None
    channel: Channel
    arrived_at: float
    queued_at: float
    offered_at: float | None


@attrs.frozen(kw_only=True)
class ContactOverflowed:
    """A contact waited its queue's maximum wait and went to the overflow target."""

    at: float
    contact_id: str
    queue: str
    agent_id: None = None
    channel: Channel
    arrived_at: float
    queued_at: float
    kind: OverflowKind
    to_queue: str | None


@attrs.frozen(kw_only=True)
class ContactTransferred:
    """A waiting or answered contact moved to ``to_queue`` (with its context)."""

    at: float
    contact_id: str
    queue: str
    agent_id: str | None
    channel: Channel
    arrived_at: float
    queued_at: float
    to_queue: str
    answered_at: float | None


@attrs.frozen(kw_only=True)
class ContactEscalated:
    """An escalation step of the queue applied to a waiting contact."""

    at: float
    contact_id: str
    queue: str
    agent_id: None = None
    channel: Channel
    arrived_at: float
    queued_at: float
    step: int


@attrs.frozen(kw_only=True)
class ContactLeft:
    """A waiting contact left its queue unanswered (no agents, or removed by the host)."""

    at: float
    contact_id: str
    queue: str
    agent_id: None = None
    channel: Channel
    arrived_at: float
    queued_at: float
    reason: LeaveReason


@attrs.frozen(kw_only=True)
class AgentStateChanged:
    """An agent's state changed at ``at``; it had been ``old`` since ``since``.

    A change of not-ready reason is a change of state too: pausing an agent who is
    already not ready with another reason (``"break"`` then ``"lunch"``) gives an
    event with ``old`` and ``new`` both :attr:`AgentState.NOT_READY`, ``reason`` the
    new reason and ``since`` when the previous reason began, so that time per
    reason code adds up. The same reason again gives no event.

    Attributes:
        at: When the change happened.
        agent_id: The agent.
        old: The state before (the same as ``new`` for a change of reason).
        new: The state after.
        since: When ``old`` (with its reason) began.
        reason: The not-ready reason when ``new`` is NOT_READY, else ``None``.
    """

    at: float
    agent_id: str
    old: AgentState
    new: AgentState
    since: float
    reason: str | None = None


RoutingEvent = (
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
"""Any event the engine returns."""


@attrs.frozen(kw_only=True)
class QueueSnapshot:
    """A queue at one instant."""

    queue: str
    waiting: int
    ringing: int
    longest_wait: float
    agents_by_state: Mapping[AgentState, int] = attrs.field(eq=False)


@attrs.frozen(kw_only=True)
class AgentSnapshot:
    """An agent at one instant."""

    agent_id: str
    state: AgentState
    reason: str | None
    time_in_state: float
    contacts: tuple[str, ...]


@attrs.frozen(kw_only=True)
class Snapshot:
    """The whole engine at one instant (for wallboards and supervisors)."""

    at: float
    queues: tuple[QueueSnapshot, ...]
    agents: tuple[AgentSnapshot, ...]
