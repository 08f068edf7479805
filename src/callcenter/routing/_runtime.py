"""The engine's private bookkeeping: contacts, agents, queues and lanes in motion.

A queue keeps its waiting contacts in *lanes*. All contacts of a lane share the
same eligibility: channel, required skills with levels, highest open agent tier and
sticky agents. So the contacts any agent may take from a lane are a prefix-free
choice: the lane's head (unless that agent declined it). Each lane is a
``SortedList`` of keys ``(rank, virtual_start, seq, contact id)`` where
``rank = aging_rate * virtual_start - priority``: with one aging rate per queue, the
order by aged priority ``priority + aging_rate * (now - virtual_start)`` is the order
by this constant rank, so no key ever changes while stored.
"""

from __future__ import annotations

import enum
import random
from collections.abc import Callable, Mapping
from typing import Any

from sortedcontainers import SortedList

from ._model import AgentDefinition, AgentState, Channel, Contact, QueueDefinition

Requirements = tuple[tuple[str, int], ...]
LaneKey = tuple[int, Requirements, int | None, frozenset[str] | None]

# Channels are handled as small integers inside the engine: indexing a list by an int
# is much cheaper than hashing an enum member (whose __hash__ runs in Python).
CHANNELS: tuple[Channel, ...] = tuple(Channel)
# Keyed by the member's identity: an enum member hashes in Python code
# (``Enum.__hash__``), an int in C, and members are singletons.
CHANNEL_INDEX_BY_ID: dict[int, int] = {id(channel): i for i, channel in enumerate(CHANNELS)}


class Phase(enum.Enum):
    """Where a contact is in the engine."""

    WAITING = "waiting"
    RINGING = "ringing"
    ACTIVE = "active"


# Enum members as module constants for the hot paths: on CPython 3.11 reading
# ``AgentState.BUSY`` goes through the enum metaclass's attribute lookup (about 90 ns),
# a module global costs about a tenth of that.
WAITING = Phase.WAITING
RINGING = Phase.RINGING
ACTIVE = Phase.ACTIVE
LOGGED_OUT = AgentState.LOGGED_OUT
AVAILABLE = AgentState.AVAILABLE
RESERVED = AgentState.RESERVED
BUSY = AgentState.BUSY
WRAP_UP = AgentState.WRAP_UP
NOT_READY = AgentState.NOT_READY


class CState:
    """A contact the engine knows (waiting, ringing or being handled)."""

    __slots__ = (
        "agent",
        "answered_at",
        "arrived_at",
        "ch",
        "declined",
        "key",
        "lane",
        "max_tier",
        "offered_at",
        "phase",
        "priority",
        "queue",
        "queued_at",
        "reqs",
        "spec",
        "step",
        "sticky",
    )

    def __init__(
        self,
        spec: Contact,
        ch: int,
        queue: QState,
        arrived_at: float,
        queued_at: float,
        priority: int,
        key: tuple[float, float, int, str],
        reqs: Requirements,
        max_tier: int | None,
    ) -> None:
        # A fresh waiting entry of ``queue``: every slot is set once, here.
        self.spec = spec
        self.ch = ch
        self.queue = queue
        self.arrived_at = arrived_at
        self.queued_at = queued_at
        self.priority = priority
        # ``(rank, virtual start, seq, contact id)``; the id closes the key: no
        # reference cycle, and ids are unique.
        self.key = key
        self.reqs = reqs
        self.max_tier = max_tier
        self.lane: Lane | None = None
        self.phase = WAITING
        self.agent: AState | None = None
        self.offered_at: float | None = None
        self.answered_at: float | None = None
        # Agents who declined or missed the contact, each with the time from which
        # it may be offered to them again (pruned as those times pass).
        self.declined: dict[str, float] | None = None
        self.sticky: frozenset[str] | None = None
        self.step = 0

    def __repr__(self) -> str:
        return f"<contact {self.spec.id} {self.phase.value} in {self.queue.id}>"


class Lane:
    """Contacts of one queue with identical eligibility, in queue order.

    Keys go in and out through :func:`place` and :func:`unplace` only, which keep
    ``n`` and ``head`` in step with ``items``: reading a ``SortedList``'s length or
    first item runs Python code, and both are read on every routing event.
    """

    __slots__ = (
        "bit",
        "channel",
        "declined",
        "fits",
        "head",
        "items",
        "key",
        "max_tier",
        "n",
        "reqs",
        "sticky",
    )

    def __init__(self, key: LaneKey, fits: dict[Member, bool]) -> None:
        self.key = key
        self.channel, self.reqs, self.max_tier, self.sticky = key
        self.bit = 1 << self.channel
        self.items: SortedList[tuple[float, float, int, str]] = SortedList()
        # How many keys ``items`` holds, and the smallest (``items[0]``) when any.
        self.n = 0
        self.head: tuple[float, float, int, str] = (0.0, 0.0, 0, "")
        # How many contacts of the lane have declined or missed an agent.
        self.declined = 0
        # Per member: may that member's agent take this lane's contacts at all (skills,
        # tier, sticky agents)? Those facts never change (an open lane's are kept by
        # its queue, QState.fits, from one lifetime of the lane to the next).
        self.fits = fits


class Member:
    """An agent's membership of a queue, with the queue it belongs to."""

    __slots__ = (
        "agent",
        "handled",
        "lanes",
        "position",
        "queue",
        "queue_weight",
        "sticky",
        "talk",
        "tier",
        "weight",
    )

    def __init__(self, agent: AState, queue: QState, tier: int, weight: float) -> None:
        self.agent = agent
        self.queue = queue
        self.tier = tier
        self.weight = weight
        # Read for each of the agent's queues whenever it frees up: the queue's lanes
        # (the same dict, never replaced), its cross-queue weight, and the place of
        # this membership among the agent's (the last tie-break).
        self.lanes = queue.lanes
        self.queue_weight = queue.defn.weight
        self.position = len(agent.members)
        # The queue's sticky lanes that name this agent among their preferred agents:
        # a freed agent looks at these and the queue's open lanes, never at the
        # sticky lanes of other agents (however many distinct preferred sets wait).
        self.sticky: dict[LaneKey, Lane] = {}
        # Contacts answered and handling time in this queue since login (for the
        # queue's ``counts_per_queue`` option).
        self.handled = 0
        self.talk = 0.0


class QState:
    """A queue in motion."""

    __slots__ = (
        "base_reqs",
        "by_agent",
        "choose",
        "defn",
        "fits",
        "id",
        "lanes",
        "logged_in",
        "members",
        "per_queue",
        "position",
        "rank",
        "ready",
        "ringing",
        "rr_last",
        "sticky_lanes",
        "waiting",
    )

    def __init__(self, defn: QueueDefinition, position: int, choose: Chooser) -> None:
        self.defn = defn
        # The queue's strategy (see _strategies): picks one of the best-tier members.
        self.choose = choose
        # The same choice in one pass for the deterministic strategies (set by the
        # engine from _strategies.ranker; None: the random ones).
        self.rank: Rank | None = None
        self.id = defn.id
        self.position = position
        # What a contact with no skill needs of its own requires here.
        self.base_reqs: Requirements = () if defn.skill is None else ((defn.skill, defn.min_level),)
        # The lanes without sticky agents (open to every member), and the lanes of
        # contacts still in their sticky period.
        self.lanes: dict[LaneKey, Lane] = {}
        self.sticky_lanes: dict[LaneKey, Lane] = {}
        # Per open lane key: which members may take such contacts (Lane.fits). Kept
        # while the lane comes and goes, as most contacts are offered at once and
        # never wait in a lane (a lane key is a few skills, a channel and a tier).
        self.fits: dict[LaneKey, dict[Member, bool]] = {}
        self.waiting = 0
        self.ringing = 0
        self.members: list[Member] = []
        self.by_agent: dict[str, Member] = {}
        # Per channel index: members who can take an offer on it now, by agent id.
        self.ready: list[dict[str, Member]] = [{} for _ in CHANNELS]
        self.logged_in = 0
        self.rr_last = -1
        # Count handled contacts and talk time per membership (counts_per_queue).
        self.per_queue = defn.counts_per_queue

    def all_lanes(self) -> list[Lane]:
        """Every lane of the queue, open and sticky."""
        return [*self.lanes.values(), *self.sticky_lanes.values()]


class AState:
    """An agent in motion."""

    __slots__ = (
        "active",
        "cap",
        "channels",
        "defn",
        "exclusive",
        "free_mask",
        "handled",
        "id",
        "idle_since",
        "index",
        "load",
        "logged_in",
        "members",
        "misses",
        "offers",
        "paused",
        "ready",
        "reason",
        "room",
        "since",
        "skills",
        "state",
        "state_reason",
        "sticky_lanes",
        "take_mask",
        "talk",
        "wraps",
    )

    def __init__(self, defn: AgentDefinition, index: int) -> None:
        self.defn = defn
        self.id = defn.id
        self.index = index
        self.skills: Mapping[str, int] = dict(defn.skills)
        self.cap: list[int] = [defn.capacity.get(channel, 0) for channel in CHANNELS]
        self.channels: tuple[int, ...] = tuple(i for i, n in enumerate(self.cap) if n > 0)
        self.load: list[int] = [0] * len(CHANNELS)
        # Bits of the exclusive channels the agent has capacity on.
        self.exclusive = sum(
            1 << CHANNEL_INDEX_BY_ID[id(channel)]
            for channel in defn.exclusive_channels
            if defn.capacity.get(channel, 0) > 0
        )
        # Bit i set while the agent has room on channel i: ``load[i] < cap[i]`` and,
        # for an exclusive channel, no contact on another exclusive one. Kept where
        # the load changes (``RoutingEngine._offer``, ``give_back``), as it is read on
        # every routing event.
        self.room = sum(1 << i for i in self.channels)
        # Per channel index: what a contact taken on it leaves of ``room`` (all but
        # the other exclusive channels, if it is one), and what the channel's last
        # contact gone gives back (the channel, and the exclusive ones with it).
        self.take_mask: list[int] = []
        self.free_mask: list[int] = []
        for i in range(len(CHANNELS)):
            bit = 1 << i
            exclusive = self.exclusive & bit
            self.take_mask.append(~(self.exclusive & ~bit) if exclusive else -1)
            self.free_mask.append(bit | self.exclusive if exclusive else bit)
        self.members: list[Member] = []
        # How many sticky lanes name this agent, over its queues (Member.sticky).
        self.sticky_lanes = 0
        self.logged_in = False
        self.paused = False
        self.reason: str | None = None
        # Wrap-ups in progress, each holding a unit of its channel's capacity.
        self.wraps: list[Wrap] = []
        self.offers: dict[str, CState] = {}
        self.active: dict[str, CState] = {}
        self.state = LOGGED_OUT
        self.state_reason: str | None = None
        # Bit i set: the agent is listed in its queues' ``ready[i]`` tables.
        self.ready = 0
        self.since = 0.0
        self.idle_since = 0.0
        self.handled = 0
        self.talk = 0.0
        self.misses = 0

    def has_room(self, ch: int) -> bool:
        """Room for one more contact of channel index ``ch``."""
        return bool(self.room >> ch & 1)

    def give_back(self, ch: int) -> None:
        """Count a contact of channel index ``ch`` gone from the agent.

        The channel is below capacity again; once its last contact is gone, the
        exclusive channels it held back are free too (an offer on an exclusive
        channel, ``RoutingEngine._offer``, lets no other be in use).
        """
        load = self.load
        load[ch] -= 1
        self.room |= (1 << ch) if load[ch] else self.free_mask[ch]

    def qualifies(self, reqs: Requirements) -> bool:
        """Has every required skill at the required level."""
        skills = self.skills
        for skill, level in reqs:
            have = skills.get(skill)
            if have is None or have < level:
                return False
        return True


class Wrap:
    """A wrap-up in progress: it holds one unit of ``ch`` until it ends (a timer key)."""

    __slots__ = ("agent", "ch")

    def __init__(self, agent: AState, ch: int) -> None:
        self.agent = agent
        self.ch = ch

    def __repr__(self) -> str:
        return f"<wrap-up of {self.agent.id} on {CHANNELS[self.ch].value}>"


Rank = Callable[[Member], tuple[Any, ...]]
"""A strategy's order of members (best tier first): the smallest key is chosen."""

Chooser = Callable[[QState, list[Member], random.Random, bool], tuple[Member, str]]
"""A strategy's choice among members of one tier (non-empty): the member, and when
asked to explain, why it won (else ``""``)."""


# ----------------------------------------------------------------- lanes and keys


def queue_key(
    aging_rate: float, priority: float, vstart: float, seq: int, contact_id: str
) -> tuple[float, float, int, str]:
    """A waiting contact's key in its lane, constant while it waits.

    Linear aging needs no re-sorting: with one aging rate per queue, the order by
    ``priority + rate * (now - vstart)`` is the order by the constant
    ``rate * vstart - priority`` (smallest first); the virtual start, a sequence number
    and the id break ties, so no two keys are equal.
    """
    return (aging_rate * vstart - priority, vstart, seq, contact_id)


def rekey(c: CState) -> None:
    """Give a contact the key of its current priority and queue (same start, same seq)."""
    key = c.key
    c.key = queue_key(c.queue.defn.aging_rate, c.priority, key[1], key[2], c.spec.id)


def place(c: CState) -> None:
    """Insert a contact's key into the lane of its eligibility. ``O(log n)``."""
    q = c.queue
    sticky = c.sticky
    lane_key = (c.ch, c.reqs, c.max_tier, sticky)
    lanes = q.lanes if sticky is None else q.sticky_lanes
    lane = lanes.get(lane_key)
    if lane is None:
        if sticky is None:
            fits = q.fits.get(lane_key)
            if fits is None:
                fits = q.fits[lane_key] = {}
        else:
            fits = {}
        lane = lanes[lane_key] = Lane(lane_key, fits)
        if sticky is not None:
            for aid in sticky:
                m = q.by_agent.get(aid)
                if m is not None:
                    m.sticky[lane_key] = lane
                    m.agent.sticky_lanes += 1
    key = c.key
    if not lane.n or key < lane.head:
        lane.head = key
    lane.n += 1
    lane.items.add(key)
    if c.declined is not None:
        lane.declined += 1
    c.lane = lane
    q.waiting += 1


def unplace(c: CState) -> None:
    """Take a contact's key out of its lane; ``O(log n)``, the head the usual case."""
    lane = c.lane
    assert lane is not None
    q = c.queue
    key = c.key
    lane.n -= 1
    if not lane.n:
        if lane.sticky is None:
            del q.lanes[lane.key]
        else:
            del q.sticky_lanes[lane.key]
            for aid in lane.sticky:
                m = q.by_agent.get(aid)
                if m is not None:
                    del m.sticky[lane.key]
                    m.agent.sticky_lanes -= 1
    elif key == lane.head:
        items = lane.items
        items.pop(0)  # SortedList's own fast path for the first item
        lane.head = items[0]
    else:
        lane.items.remove(key)
    if c.declined is not None:
        lane.declined -= 1
    c.lane = None
    q.waiting -= 1
