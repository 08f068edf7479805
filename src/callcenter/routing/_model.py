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

from .._checks import LARGEST, Problems, short_repr
from .._slots import checked_init

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
    """The agent who has answered the fewest contacts since login (in all its queues,
    or in this queue only with the queue's ``counts_per_queue``)."""
    LEAST_TALK_TIME = "least_talk_time"
    """The agent with the least total handling time since login (in all its queues,
    or in this queue only with the queue's ``counts_per_queue``)."""
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


MAX_ID_LENGTH = 256
"""The longest id (contact, agent, queue) a definition or a call may use."""

DEFAULT_RETRY_AFTER = 5.0
"""Seconds a contact skips an agent who declined or missed it (see ``retry_after``)."""


def check_id(problems: Problems, path: str, value: object) -> None:
    """Record a problem unless ``value`` is a usable id: a non-empty str of sane length."""
    if not isinstance(value, str):
        problems.add(
            path, f"expected a non-empty text id, got {type(value).__name__} {short_repr(value)}"
        )
    elif not value:
        problems.add(path, "expected a non-empty text id, got ''")
    elif len(value) > MAX_ID_LENGTH:
        problems.add(
            path, f"expected an id of at most {MAX_ID_LENGTH} characters, got {len(value)}"
        )


def check_type(problems: Problems, path: str, value: object, kind: type, name: str) -> None:
    if not isinstance(value, kind):
        problems.add(path, f"expected {name}, got {type(value).__name__} {short_repr(value)}")


def check_items(problems: Problems, path: str, value: object, kind: type, name: str) -> None:
    if not isinstance(value, tuple):
        problems.add(
            path, f"expected a tuple of {name}, got {type(value).__name__} {short_repr(value)}"
        )
        return
    for index, item in enumerate(value):
        check_type(problems, f"{path}.{index}", item, kind, name)


def frozen_key(value: object) -> object:
    """A comparable, hashable stand-in for a value made of mappings, lists and scalars.

    Used as the equality key of mapping fields, so that two definitions or contacts
    that differ in a mapping compare (and hash) differently.
    """
    if isinstance(value, Mapping):
        return ("mapping", frozenset((frozen_key(k), frozen_key(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return ("sequence", tuple(frozen_key(item) for item in value))
    if isinstance(value, set | frozenset):
        return ("set", frozenset(frozen_key(item) for item in value))
    return value


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
    min_level: int = 1

    def __attrs_post_init__(self) -> None:
        problems = Problems()
        check_id(problems, "skill", self.skill)
        problems.number("min_level", self.min_level, minimum=0, integer=True)
        problems.raise_if_any(what="skill requirement")


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
        preferred_agents: Dedicated or last agents, offered the contact first
            whenever one of them can take it (then the queue's strategy decides).
        sticky_for: Seconds during which only ``preferred_agents`` are eligible, as
            long as one of them could take the contact (a member of the queue,
            logged in, with the skills and capacity, and not having declined or
            missed it within the retry delay); otherwise it ends at once.
    """

    id: str
    channel: Channel = Channel.VOICE
    priority: int = 0
    skills: tuple[SkillRequirement, ...] = ()
    attributes: Mapping[str, Any] = attrs.field(factory=dict, eq=frozen_key)
    context: Mapping[str, Any] = attrs.field(factory=dict, eq=False)
    age_bonus: float = 0.0
    preferred_agents: tuple[str, ...] = ()
    sticky_for: float = 0.0

    def __attrs_post_init__(self) -> None:
        if not self._plainly_valid():
            self._check()

    def _check(self) -> None:
        """Every check of every field; raise every problem at once."""
        problems = Problems()
        check_id(problems, "id", self.id)
        check_type(problems, "channel", self.channel, Channel, "a Channel")
        problems.number("priority", self.priority, integer=True)
        check_items(problems, "skills", self.skills, SkillRequirement, "SkillRequirement")
        check_type(problems, "attributes", self.attributes, Mapping, "a mapping")
        check_type(problems, "context", self.context, Mapping, "a mapping")
        problems.number("age_bonus", self.age_bonus, minimum=0)
        check_items(problems, "preferred_agents", self.preferred_agents, str, "agent ids")
        problems.number("sticky_for", self.sticky_for, minimum=0)
        problems.raise_if_any(what="contact")

    def _plainly_valid(self) -> bool:
        """The common contact, told valid by a few type tests (one per call routed).

        Stricter than the full check (exact built-in types only), so that whatever
        it lets through the full check accepts too; anything else gets the full
        check and its messages.
        """
        cid = self.id
        priority = self.priority
        bonus = self.age_bonus
        sticky = self.sticky_for
        skills = self.skills
        agents = self.preferred_agents
        attributes: object = self.attributes
        context: object = self.context
        return (
            type(cid) is str
            and 0 < len(cid) <= MAX_ID_LENGTH
            and type(self.channel) is Channel
            and type(priority) is int
            and -LARGEST <= priority <= LARGEST
            and (type(bonus) is float or type(bonus) is int)
            and 0 <= bonus <= LARGEST
            and (type(sticky) is float or type(sticky) is int)
            and 0 <= sticky <= LARGEST
            and type(skills) is tuple
            and (not skills or all(type(s) is SkillRequirement for s in skills))
            and type(agents) is tuple
            and (not agents or all(type(a) is str for a in agents))
            and (type(attributes) is dict or isinstance(attributes, Mapping))
            and (type(context) is dict or isinstance(context, Mapping))
        )


# Built on every routed contact: the class's own keywords, defaults and check, with
# the slots filled directly instead of through attrs' stores by name.
Contact.__init__ = checked_init(Contact)  # type: ignore[method-assign]


@attrs.frozen(kw_only=True)
class Overflow:
    """The destination of a contact that reached its queue's maximum wait.

    Attributes:
        kind: Where the contact goes: another queue, a voicemail or a callback.
        queue: The queue to move to (needed with kind ``queue``, else unused).
    """

    kind: OverflowKind
    queue: str | None = None

    def __attrs_post_init__(self) -> None:
        problems = Problems()
        check_type(problems, "kind", self.kind, OverflowKind, "an OverflowKind")
        if self.queue is not None:
            check_id(problems, "queue", self.queue)
        problems.raise_if_any(what="overflow")


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

    after: float
    max_tier: int | None = None
    any_tier: bool = False
    relax_skills: bool = False
    priority_boost: int = 0
    move_to: str | None = None

    def __attrs_post_init__(self) -> None:
        problems = Problems()
        problems.number("after", self.after, minimum=0)
        if self.max_tier is not None:
            problems.number("max_tier", self.max_tier, minimum=1, integer=True)
        problems.number("priority_boost", self.priority_boost, integer=True)
        if self.move_to is not None:
            check_id(problems, "move_to", self.move_to)
        problems.raise_if_any(what="escalation step")


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
        max_wait: Seconds after which a waiting contact overflows (``None``: never;
            infinity is refused, leave it out instead).
        overflow: Where it overflows to (needed with ``max_wait``).
        ring_timeout: Seconds an offer rings before it times out (finite: an offer
            nobody answers always comes back).
        wrap_up: Seconds of after-contact work (0: none; finite); agents may override.
            Wrap-up holds the capacity of the channel of the contact it follows.
        auto_pause_after: Consecutive missed offers that pause an agent (0: never).
        retry_after: Seconds a contact skips an agent who declined or missed it;
            after that the agent is eligible for it again (app_queue's ``retry``).
        counts_per_queue: For ``fewest_handled`` and ``least_talk_time``, count the
            contacts answered and the handling time in this queue only (since
            login), as app_queue does; by default they count across all the
            agent's queues.
        join_when_empty: Accept contacts when no member agent is logged in.
        leave_when_empty: Send waiting contacts away when the last member logs out.
        start_tier: Tiers open on arrival (``None``: all); escalation opens more.
        escalation: Steps applied after waits, in increasing ``after``.
    """

    id: str
    skill: str | None = None
    min_level: int = 1
    strategy: Strategy = Strategy.LONGEST_IDLE
    aging_rate: float = 0.0
    weight: float = 1.0
    capacity: int | None = None
    max_wait: float | None = None
    overflow: Overflow | None = None
    ring_timeout: float = 20.0
    wrap_up: float = 0.0
    auto_pause_after: int = 3
    retry_after: float = DEFAULT_RETRY_AFTER
    counts_per_queue: bool = False
    join_when_empty: bool = True
    leave_when_empty: bool = False
    start_tier: int | None = None
    escalation: tuple[EscalationStep, ...] = ()

    def __attrs_post_init__(self) -> None:
        problems = Problems()
        check_id(problems, "id", self.id)
        if self.skill is not None:
            check_id(problems, "skill", self.skill)
        problems.number("min_level", self.min_level, minimum=0, integer=True)
        check_type(problems, "strategy", self.strategy, Strategy, "a Strategy")
        problems.number("aging_rate", self.aging_rate, minimum=0)
        problems.number("weight", self.weight, minimum=0, exclusive_minimum=True)
        if self.capacity is not None:
            problems.number("capacity", self.capacity, minimum=1, integer=True)
        if self.max_wait is not None:
            problems.number("max_wait", self.max_wait, minimum=0, exclusive_minimum=True)
        if self.overflow is not None:
            check_type(problems, "overflow", self.overflow, Overflow, "an Overflow")
        problems.number("ring_timeout", self.ring_timeout, minimum=0, exclusive_minimum=True)
        problems.number("wrap_up", self.wrap_up, minimum=0)
        problems.number("auto_pause_after", self.auto_pause_after, minimum=0, integer=True)
        problems.number("retry_after", self.retry_after, minimum=0)
        if self.start_tier is not None:
            problems.number("start_tier", self.start_tier, minimum=1, integer=True)
        check_items(problems, "escalation", self.escalation, EscalationStep, "EscalationStep")
        problems.raise_if_any(what="queue")


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
    tier: int = 1
    weight: float = 1.0

    def __attrs_post_init__(self) -> None:
        problems = Problems()
        check_id(problems, "queue", self.queue)
        problems.number("tier", self.tier, minimum=1, integer=True)
        problems.number("weight", self.weight, minimum=0, exclusive_minimum=True)
        problems.raise_if_any(what="membership")


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
    skills: Mapping[str, int] = attrs.field(factory=dict, eq=frozen_key)
    queues: tuple[Membership, ...] = ()
    capacity: Mapping[Channel, int] = attrs.field(factory=_default_capacity, eq=frozen_key)
    exclusive_channels: frozenset[Channel] = frozenset({Channel.VOICE, Channel.CALLBACK})
    wrap_up: float | None = None
    mobile_number: str | None = None

    def __attrs_post_init__(self) -> None:
        problems = Problems()
        check_id(problems, "id", self.id)
        # Typed as declared, but built by anyone: look at what really came.
        skills: object = self.skills
        capacity: object = self.capacity
        exclusive: object = self.exclusive_channels
        if isinstance(skills, Mapping):
            for skill, level in skills.items():
                check_id(problems, f"skills.{skill}", skill)
                problems.number(f"skills.{skill}", level, minimum=0, integer=True)
        else:
            check_type(problems, "skills", self.skills, Mapping, "a mapping of skill = level")
        check_items(problems, "queues", self.queues, Membership, "Membership")
        if isinstance(capacity, Mapping):
            for channel, count in capacity.items():
                name = channel.value if isinstance(channel, Channel) else str(channel)
                check_type(problems, f"capacity.{name}", channel, Channel, "a Channel")
                problems.number(f"capacity.{name}", count, minimum=0, integer=True)
        else:
            check_type(problems, "capacity", self.capacity, Mapping, "a mapping of channel = count")
        if not isinstance(exclusive, frozenset) or not all(
            isinstance(channel, Channel) for channel in exclusive
        ):
            problems.add(
                "exclusive_channels",
                f"expected a frozenset of Channel, got {short_repr(self.exclusive_channels)}",
            )
        if self.wrap_up is not None:
            problems.number("wrap_up", self.wrap_up, minimum=0)
        problems.raise_if_any(what="agent")
