"""The values of routing: channels, contacts, queue and agent definitions.

Everything here is a frozen, keyword-only attrs class or an enum. The engine
(:mod:`._engine`) keeps its own mutable bookkeeping; these are what a host writes
and what a definition document loads into.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

import attrs

__all__ = [
    "AgentDefinition",
    "AgentState",
    "Channel",
    "Contact",
    "CrossQueuePolicy",
    "EscalationStep",
    "Membership",
    "Overflow",
    "OverflowKind",
    "QueueDefinition",
    "SkillRequirement",
    "Strategy",
]


class Channel(enum.Enum):
    """The medium of a contact; each has its own agent capacity."""

    VOICE = "voice"
    CALLBACK = "callback"
    VOICEMAIL = "voicemail"
    EMAIL = "email"
    FAX = "fax"
    CHAT = "chat"
    SMS = "sms"


class AgentState(enum.Enum):
    """What an agent is doing, as reported in events and snapshots.

    The state is derived, in this order: logged out; busy when any contact is being
    handled; reserved when an offer rings; wrap-up while after-contact work runs;
    not ready when paused (with a reason); otherwise available.
    """

    LOGGED_OUT = "logged_out"
    AVAILABLE = "available"
    RESERVED = "reserved"
    BUSY = "busy"
    WRAP_UP = "wrap_up"
    NOT_READY = "not_ready"


class Strategy(enum.Enum):
    """How a queue chooses among several eligible available agents.

    Whatever the strategy, agents of a better (lower) tier are chosen first, and
    remaining ties go to the agent listed first in the queue's membership order
    (agent definition order).
    """

    LONGEST_IDLE = "longest_idle"
    """The agent idle for the longest time (earliest end of last contact or login)."""
    ROUND_ROBIN = "round_robin"
    """The next member after the one this queue offered to last, in member order."""
    FEWEST_HANDLED = "fewest_handled"
    """The agent who has answered the fewest contacts since login."""
    LEAST_TALK_TIME = "least_talk_time"
    """The agent with the least total handling time since login."""
    FIXED_ORDER = "fixed_order"
    """Always the first eligible member, top-down in member order."""
    HIGHEST_SKILL = "highest_skill"
    """The highest level on the queue's skill, then longest idle."""
    RANDOM = "random"
    """Uniformly at random, from the engine's seeded generator."""
    WEIGHTED_RANDOM = "weighted_random"
    """At random in proportion to each membership's weight (seeded)."""


class CrossQueuePolicy(enum.Enum):
    """How an agent who frees up chooses between the heads of several queues."""

    OLDEST_WAIT = "oldest_wait"
    """Greatest ``queue weight x effective wait``; no queue starves (weights > 0)."""
    PRIORITY_FIRST = "priority_first"
    """Highest aged priority first, then as OLDEST_WAIT; needs aging to avoid starvation."""


class OverflowKind(enum.Enum):
    """Where a contact goes when it has waited its queue's maximum wait."""

    QUEUE = "queue"
    """Move to another queue, keeping its place (its virtual start time)."""
    VOICEMAIL = "voicemail"
    """Leave the queue; the host records a voicemail."""
    CALLBACK = "callback"
    """Leave the queue; the host schedules a callback (which may rejoin later)."""


def _non_negative(_: object, attribute: attrs.Attribute[Any], value: float) -> None:
    if value < 0:
        raise ValueError(f"{attribute.name} must be >= 0, got {value!r}")


def _positive_or_none(_: object, attribute: attrs.Attribute[Any], value: float | None) -> None:
    if value is not None and value <= 0:
        raise ValueError(f"{attribute.name} must be > 0 when given, got {value!r}")


@attrs.frozen(kw_only=True)
class SkillRequirement:
    """A skill a contact needs, with the lowest proficiency level that will do.

    Attributes:
        skill: The skill's name, as in the agents' ``skills``.
        min_level: The lowest level of the skill that will do (0: any agent who has
            the skill at all).

    >>> SkillRequirement(skill="english", min_level=3)
    SkillRequirement(skill='english', min_level=3)
    """

    skill: str
    min_level: int = attrs.field(default=1, validator=attrs.validators.ge(0))


@attrs.frozen(kw_only=True)
class Contact:
    """A routed unit of work: a call, a callback request, a chat, an e-mail...

    Attributes:
        id: Unique among the contacts the engine currently knows.
        channel: The medium; agents have a capacity per channel.
        priority: Higher is served first within a queue (default 0).
        skills: Skills the agent must have, each with a minimum level, on top of
            the queue's own skill.
        attributes: Free-form facts used by routing rules (tier, region, language,
            waybill number, IVR answers).
        context: The "screen pop" the host wants to travel with every offer and
            transfer (caller, digits pressed, history). The engine never reads it.
        age_bonus: Seconds the contact moves ahead, as if it had arrived that much
            earlier (a virtual start time).
        preferred_agents: Dedicated or last agents to try first (sticky routing).
        sticky_for: Seconds during which only ``preferred_agents`` are eligible.
    """

    id: str
    channel: Channel = Channel.VOICE
    priority: int = 0
    skills: tuple[SkillRequirement, ...] = ()
    attributes: Mapping[str, Any] = attrs.field(factory=dict, eq=False)
    context: Mapping[str, Any] = attrs.field(factory=dict, eq=False)
    age_bonus: float = attrs.field(default=0.0, validator=_non_negative)
    preferred_agents: tuple[str, ...] = ()
    sticky_for: float = attrs.field(default=0.0, validator=_non_negative)


@attrs.frozen(kw_only=True)
class Overflow:
    """The destination of a contact that reached its queue's maximum wait.

    Attributes:
        kind: Where the contact goes: another queue, a voicemail or a callback.
        queue: The queue to move to (needed with kind ``queue``, else unused).
    """

    kind: OverflowKind
    queue: str | None = None


@attrs.frozen(kw_only=True)
class EscalationStep:
    """A change to a waiting contact after it has waited ``after`` seconds in its queue.

    Attributes:
        after: Seconds of waiting in the queue before the step applies.
        max_tier: Open agent tiers up to this one (``None``: unchanged).
        any_tier: Open every tier.
        relax_skills: Accept any level of the required skills (min level 0).
        priority_boost: Add this to the contact's priority.
        move_to: Transfer the contact to this queue, keeping its place.
    """

    after: float = attrs.field(validator=_non_negative)
    max_tier: int | None = None
    any_tier: bool = False
    relax_skills: bool = False
    priority_boost: int = 0
    move_to: str | None = None


@attrs.frozen(kw_only=True)
class QueueDefinition:
    """A queue (skill group) and its rules.

    Attributes:
        id: The queue's name.
        skill: The skill every contact of this queue needs (``None``: none).
        min_level: The lowest level of ``skill`` that will do.
        strategy: How to choose among eligible available agents.
        aging_rate: Priority points gained per second of waiting (0: none). Order is
            by ``priority + aging_rate x effective wait``, then effective wait, then
            arrival order.
        weight: Weight of this queue in the cross-queue choice (> 0).
        capacity: Most contacts waiting at once (``None``: unlimited).
        max_wait: Seconds after which a waiting contact overflows (``None``: never).
        overflow: Where it overflows to (needed with ``max_wait``).
        ring_timeout: Seconds an offer rings before it times out.
        wrap_up: Seconds of after-contact work (0: none); agents may override.
        auto_pause_after: Consecutive missed offers that pause an agent (0: never).
        join_when_empty: Accept contacts when no member agent is logged in.
        leave_when_empty: Send waiting contacts away when the last member logs out.
        start_tier: Tiers open on arrival (``None``: all); escalation opens more.
        escalation: Steps applied after waits, in increasing ``after``.
    """

    id: str
    skill: str | None = None
    min_level: int = attrs.field(default=1, validator=attrs.validators.ge(0))
    strategy: Strategy = Strategy.LONGEST_IDLE
    aging_rate: float = attrs.field(default=0.0, validator=_non_negative)
    weight: float = attrs.field(default=1.0, validator=attrs.validators.gt(0))
    capacity: int | None = attrs.field(default=None, validator=_positive_or_none)
    max_wait: float | None = attrs.field(default=None, validator=_positive_or_none)
    overflow: Overflow | None = None
    ring_timeout: float = attrs.field(default=20.0, validator=attrs.validators.gt(0))
    wrap_up: float = attrs.field(default=0.0, validator=_non_negative)
    auto_pause_after: int = attrs.field(default=3, validator=attrs.validators.ge(0))
    join_when_empty: bool = True
    leave_when_empty: bool = False
    start_tier: int | None = None
    escalation: tuple[EscalationStep, ...] = ()


@attrs.frozen(kw_only=True)
class Membership:
    """An agent's place in a queue: tier (1 is offered first) and weight.

    Attributes:
        queue: The queue's id.
        tier: The agent's tier in this queue (>= 1); tier 1 is offered contacts
            first, higher tiers as the queue's ``start_tier`` and escalation open them.
        weight: The agent's share in the ``weighted_random`` strategy (> 0).
    """

    queue: str
    tier: int = attrs.field(default=1, validator=attrs.validators.ge(1))
    weight: float = attrs.field(default=1.0, validator=attrs.validators.gt(0))


def _default_capacity() -> dict[Channel, int]:
    return {Channel.VOICE: 1, Channel.CALLBACK: 1}


@attrs.frozen(kw_only=True)
class AgentDefinition:
    """An agent: skills with levels, queue memberships, capacity per channel.

    Attributes:
        id: The agent's id.
        skills: Skill name to proficiency level (higher is better).
        queues: Memberships, in the agent's own order of preference.
        capacity: Contacts at once per channel (default: one voice call, one
            callback); a channel missing here is never offered.
        exclusive_channels: Channels that exclude each other: while the agent has
            a contact offered or in hand on one of them, none of the others is
            offered. The default, voice and callback, keeps an agent who is on the
            phone from being offered a callback to make on that same phone (and the
            other way round); chats and e-mails still come alongside, within their
            capacity. Each channel's own capacity applies as well. Give an empty
            set to make every channel independent.
        wrap_up: Seconds of after-contact work, overriding the queue's value.
        mobile_number: For a mobile seat, the external number to ring. The engine
            routes the agent like any other; the host dials the number.
    """

    id: str
    skills: Mapping[str, int] = attrs.field(factory=dict, eq=False)
    queues: tuple[Membership, ...] = ()
    capacity: Mapping[Channel, int] = attrs.field(factory=_default_capacity, eq=False)
    exclusive_channels: frozenset[Channel] = frozenset({Channel.VOICE, Channel.CALLBACK})
    wrap_up: float | None = None
    mobile_number: str | None = None
