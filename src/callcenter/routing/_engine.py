"""The routing engine: one object that a host drives with calls and ``now``.

Every public method takes ``now`` (POSIX seconds, never earlier than the last one),
validates everything first, and only then changes state, so an error leaves the
engine exactly as it was. Each returns the list of events it caused, in order.
Timers (ring timeouts, wrap-up ends, escalation steps, sticky periods, maximum
waits) fire only in :meth:`RoutingEngine.advance`; call it with the current time
before other calls, or drive it from :meth:`RoutingEngine.next_deadline`.

Matching keeps one invariant after every call: no waiting contact is eligible for
an agent who could take it now (work conservation). A contact that starts waiting
is offered at once to the best eligible ready agent (by its queue's strategy); an
agent who gets room takes the best contact among the heads of its queues (by the
cross-queue policy), and repeats while it has room.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Any, ClassVar

from .._clock import Clock, as_instant
from ..errors import (
    DuplicateIdError,
    IllegalTransitionError,
    InvalidArgumentError,
    UnknownIdError,
)
from ._deadlines import DeadlineHeap
from ._definition import RoutingDefinition, ensure_valid
from ._events import (
    AgentSnapshot,
    AgentStateChanged,
    Candidate,
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
    Event,
    Exclusion,
    Explanation,
    LeaveReason,
    QueueSnapshot,
    RefusalReason,
    Snapshot,
)
from ._model import AgentState, Contact, CrossQueuePolicy, OverflowKind
from ._runtime import AState, CState, Lane, Member, Phase, QState, Requirements, choose_member

__all__ = ["RoutingEngine"]

_Item = tuple[float, float, int, str]


class RoutingEngine:
    """The ACD: queues, agents, offers and timers, driven by method calls.

    Args:
        definition: Queues, agents, rules and the cross-queue policy.
        seed: Seed of the generator used by the random strategies.
        explain: Attach an :class:`Explanation` to every :class:`ContactOffered`
            (costs ``O(members)`` per offer).

    Raises:
        DefinitionError: ``definition`` has problems (all are listed).

    >>> from callcenter.routing import (AgentDefinition, Contact, Membership,
    ...     QueueDefinition, RoutingDefinition, RoutingEngine)
    >>> engine = RoutingEngine(RoutingDefinition(
    ...     queues=(QueueDefinition(id="enquiry", skill="enquiry"),),
    ...     agents=(AgentDefinition(id="li", skills={"enquiry": 3},
    ...                             queues=(Membership(queue="enquiry"),)),)))
    >>> _ = engine.login("li", now=0.0)
    >>> [type(e).__name__ for e in engine.enqueue(Contact(id="c1"), "enquiry", now=5.0)]
    ['ContactQueued', 'ContactOffered', 'AgentStateChanged']
    >>> engine.accept("c1", now=8.0)[0].agent_id
    'li'
    """

    def __init__(
        self, definition: RoutingDefinition, *, seed: int = 0, explain: bool = False
    ) -> None:
        ensure_valid(definition)
        self._definition = definition
        self._clock = Clock()
        self._rng = random.Random(seed)
        self._explain = explain
        self._policy = definition.cross_queue
        self._queues: dict[str, QState] = {
            q.id: QState(q, position) for position, q in enumerate(definition.queues)
        }
        self._agents: dict[str, AState] = {}
        for index, defn in enumerate(definition.agents):
            agent = AState(defn, index)
            self._agents[defn.id] = agent
            for membership in defn.queues:
                queue = self._queues[membership.queue]
                member = Member(agent, queue, membership.tier, membership.weight)
                agent.members.append(member)
                queue.members.append(member)
        self._contacts: dict[str, CState] = {}
        self._timers: DeadlineHeap[CState | AState] = DeadlineHeap()
        self._seq = 0
        self._reqs_cache: dict[tuple[str, tuple[Any, ...], bool], Requirements] = {}

    # ------------------------------------------------------------------ properties

    @property
    def definition(self) -> RoutingDefinition:
        """The definition the engine was built from."""
        return self._definition

    @property
    def now(self) -> float | None:
        """The latest time the engine accepted, or ``None`` before the first call."""
        return self._clock.now

    def next_deadline(self) -> float | None:
        """The earliest pending timer, or ``None``. ``O(1)``."""
        return self._timers.next_deadline()

    def contact_phase(self, contact_id: str) -> str:
        """``"waiting"``, ``"ringing"`` or ``"active"`` for a known contact. ``O(1)``.

        Raises:
            UnknownIdError: The engine does not know the contact (never came, or left).
        """
        return self._contact(contact_id).phase.value

    def contact_queue(self, contact_id: str) -> str:
        """The queue a known contact is in. ``O(1)``.

        Raises:
            UnknownIdError: The engine does not know the contact.
        """
        return self._contact(contact_id).queue.id

    def agent_state(self, agent_id: str) -> AgentState:
        """The current state of an agent. ``O(1)``.

        Raises:
            UnknownIdError: No such agent.
        """
        return self._agent(agent_id).state

    def waiting(self, queue: str) -> list[str]:
        """The ids of a queue's waiting contacts in queue order (best first).

        Contacts in different lanes (different skill needs, tiers or sticky agents)
        are merged by their queue-order key. ``O(n log n)`` for ``n`` waiting.

        Raises:
            UnknownIdError: No such queue.
        """
        q = self._queue(queue)
        items = sorted(item for lane in q.lanes.values() for item in lane.items)
        return [item[3] for item in items]

    # ------------------------------------------------------------------ lookups

    def _contact(self, contact_id: str) -> CState:
        c = self._contacts.get(contact_id)
        if c is None:
            raise UnknownIdError(kind="contact", id=str(contact_id), known=())
        return c

    def _agent(self, agent_id: str) -> AState:
        a = self._agents.get(agent_id)
        if a is None:
            raise UnknownIdError(kind="agent", id=str(agent_id), known=self._agents)
        return a

    def _queue(self, queue_id: str) -> QState:
        q = self._queues.get(queue_id)
        if q is None:
            raise UnknownIdError(kind="queue", id=str(queue_id), known=self._queues)
        return q

    @staticmethod
    def _illegal(c: CState, action: str, allowed: Iterable[str]) -> IllegalTransitionError:
        return IllegalTransitionError(
            entity=f"contact {c.spec.id!r}", state=c.phase.value, action=action, allowed=allowed
        )

    _CONTACT_ACTIONS: ClassVar[dict[Phase, tuple[str, ...]]] = {
        Phase.WAITING: ("abandon", "transfer", "set_priority", "remove"),
        Phase.RINGING: ("accept", "reject", "abandon", "set_priority"),
        Phase.ACTIVE: ("complete", "transfer"),
    }

    def _expect_phase(self, c: CState, action: str, *phases: Phase) -> None:
        if c.phase not in phases:
            raise self._illegal(c, action, self._CONTACT_ACTIONS[c.phase])

    # ------------------------------------------------------------------ lanes and keys

    def _requirements(self, q: QState, spec: Contact, relaxed: bool) -> Requirements:
        cache_key = (q.id, spec.skills, relaxed)
        reqs = self._reqs_cache.get(cache_key)
        if reqs is None:
            levels: dict[str, int] = {}
            if q.defn.skill is not None:
                levels[q.defn.skill] = q.defn.min_level
            for requirement in spec.skills:
                levels[requirement.skill] = max(
                    levels.get(requirement.skill, 0), requirement.min_level
                )
            if relaxed:
                levels = dict.fromkeys(levels, 0)
            reqs = tuple(sorted(levels.items()))
            self._reqs_cache[cache_key] = reqs
        return reqs

    @staticmethod
    def _rekey(c: CState, vstart: float, seq: int) -> None:
        rank = c.queue.defn.aging_rate * vstart - c.priority
        c.key = (rank, vstart, seq, c.spec.id)

    @staticmethod
    def _place(c: CState) -> None:
        q = c.queue
        lane_key = (c.ch, c.reqs, c.max_tier, c.sticky)
        lane = q.lanes.get(lane_key)
        if lane is None:
            lane = q.lanes[lane_key] = Lane(lane_key)
        lane.items.add(c.key)
        c.lane = lane
        q.waiting += 1

    @staticmethod
    def _unplace(c: CState) -> None:
        lane = c.lane
        assert lane is not None
        q = c.queue
        items = lane.items
        if items[0] == c.key:
            del items[0]  # the usual case: the head is taken
        else:
            items.remove(c.key)
        if not items:
            del q.lanes[lane.key]
        c.lane = None
        q.waiting -= 1

    def _schedule_contact(self, c: CState) -> None:
        q = c.queue.defn
        deadline: float | None = None
        if c.sticky is not None:
            deadline = c.queued_at + c.spec.sticky_for
        if c.step < len(q.escalation):
            at = c.queued_at + q.escalation[c.step].after
            deadline = at if deadline is None else min(deadline, at)
        if q.max_wait is not None:
            at = c.queued_at + q.max_wait
            deadline = at if deadline is None else min(deadline, at)
        if deadline is None:
            self._timers.cancel(c)
        else:
            self._timers.schedule(c, deadline)

    def _enter(self, c: CState, q: QState, t: float, vstart: float, seq: int) -> None:
        """Put a contact that is in no queue into ``q`` as a fresh waiting entry."""
        c.queue = q
        c.queued_at = t
        c.phase = Phase.WAITING
        c.step = 0
        c.max_tier = q.defn.start_tier
        c.reqs = self._requirements(q, c.spec, relaxed=False)
        self._rekey(c, vstart, seq)
        self._place(c)
        self._schedule_contact(c)

    # ------------------------------------------------------------------ agents

    def _sync(self, a: AState, t: float, events: list[Event], reindex: bool = True) -> None:
        new = a.derived_state()
        old = a.state
        reason = a.reason if new is AgentState.NOT_READY else None
        if new is not old or (new is AgentState.NOT_READY and reason != a.state_reason):
            events.append(
                AgentStateChanged(
                    at=t, agent_id=a.id, old=old, new=new, since=a.since, reason=reason
                )
            )
            a.state = new
            a.state_reason = reason
            a.since = t
            if new is AgentState.AVAILABLE:
                a.idle_since = t
        if reindex:
            self._reindex(a)

    @staticmethod
    def _reindex(a: AState) -> None:
        """Bring the queues' per-channel ready tables in line with the agent."""
        mask = a.ready_mask()
        changed = mask ^ a.ready
        if changed:
            a.ready = mask
            for i in a.channels:
                if changed >> i & 1:
                    if mask >> i & 1:
                        for m in a.members:
                            m.queue.ready[i][a.id] = m
                    else:
                        for m in a.members:
                            del m.queue.ready[i][a.id]

    # ------------------------------------------------------------------ matching

    @staticmethod
    def _eligible(m: Member, c: CState) -> bool:
        a = m.agent
        return (
            a.qualifies(c.reqs)
            and (c.max_tier is None or m.tier <= c.max_tier)
            and (c.sticky is None or a.id in c.sticky)
            and (c.declined is None or a.id not in c.declined)
        )

    def _match_contact(self, c: CState, t: float, events: list[Event]) -> None:
        q = c.queue
        ready = q.ready[c.ch]
        if not ready or c.phase is not Phase.WAITING:
            return
        candidates = [m for m in ready.values() if self._eligible(m, c)]
        if candidates:
            chosen, why = choose_member(q, candidates, self._rng)
            self._offer(c, chosen, t, events, why)

    def _head_for(self, a: AState, m: Member, mask: int) -> _Item | None:
        best: _Item | None = None
        contacts = self._contacts
        tier = m.tier
        agent_id = a.id
        for lane in m.queue.lanes.values():
            if (
                (lane.max_tier is not None and tier > lane.max_tier)
                or (lane.sticky is not None and agent_id not in lane.sticky)
                or not mask >> lane.channel & 1
                or not a.qualifies(lane.reqs)
            ):
                continue
            items = lane.items
            item = items[0]  # a lane in the table is never empty
            declined = contacts[item[3]].declined
            if declined is not None and agent_id in declined:
                # Rare: skip the contacts this agent declined.
                found = None
                for later in items.islice(1):
                    declined = contacts[later[3]].declined
                    if declined is None or agent_id not in declined:
                        found = later
                        break
                if found is None:
                    continue
                item = found
            if best is None or item < best:
                best = item
        return best

    def _match_agent(self, a: AState, t: float, events: list[Event]) -> None:
        # The live mask, not the indexed one: _release defers re-indexing until the
        # agent has taken what it will take, to spare the ready tables a round trip.
        mask = a.ready_mask()
        while mask:
            best: tuple[tuple[float, ...], Member, CState] | None = None
            for position, m in enumerate(a.members):
                if not m.queue.lanes:
                    continue
                item = self._head_for(a, m, mask)
                if item is None:
                    continue
                c = self._contacts[item[3]]
                waited = t - item[1]
                weighted = m.queue.defn.weight * waited
                if self._policy is CrossQueuePolicy.OLDEST_WAIT:
                    score: tuple[float, ...] = (-weighted, position)
                else:
                    aged = c.priority + m.queue.defn.aging_rate * waited
                    score = (-aged, -weighted, position)
                if best is None or score < best[0]:
                    best = (score, m, c)
            if best is None:
                return
            why = ""
            if self._explain:
                chosen = best[2]
                why = (
                    f"{a.id} had room and took the head of {best[1].queue.id!r} among its "
                    f"queues by the {self._policy.value!r} policy (effective wait "
                    f"{t - chosen.key[1]:g} s, priority {chosen.priority})"
                )
            self._offer(best[2], best[1], t, events, why)
            mask = a.ready_mask()

    def _offer(self, c: CState, m: Member, t: float, events: list[Event], why: str) -> None:
        a = m.agent
        q = c.queue
        explanation = self._explanation(c, t, a.id, why) if self._explain else None
        self._unplace(c)
        c.phase = Phase.RINGING
        c.agent = a
        c.offered_at = t
        a.offers[c.spec.id] = c
        a.load[c.ch] += 1
        q.ringing += 1
        q.rr_last = a.index
        deadline = t + q.defn.ring_timeout
        self._timers.schedule(c, deadline)
        events.append(
            ContactOffered(
                at=t,
                contact_id=c.spec.id,
                queue=q.id,
                agent_id=a.id,
                channel=c.spec.channel,
                arrived_at=c.arrived_at,
                queued_at=c.queued_at,
                ring_deadline=deadline,
                mobile_number=a.defn.mobile_number,
                context=c.spec.context,
                explanation=explanation,
            )
        )
        self._sync(a, t, events)

    def _return_offer(
        self, c: CState, t: float, reason: DeclineReason, events: list[Event]
    ) -> None:
        a = c.agent
        assert a is not None
        assert c.offered_at is not None
        q = c.queue
        del a.offers[c.spec.id]
        a.load[c.ch] -= 1
        q.ringing -= 1
        if c.declined is None:
            c.declined = set()
        c.declined.add(a.id)
        events.append(
            ContactOfferDeclined(
                at=t,
                contact_id=c.spec.id,
                queue=q.id,
                agent_id=a.id,
                channel=c.spec.channel,
                arrived_at=c.arrived_at,
                queued_at=c.queued_at,
                offered_at=c.offered_at,
                reason=reason,
            )
        )
        c.phase = Phase.WAITING
        c.agent = None
        c.offered_at = None
        self._place(c)
        self._schedule_contact(c)
        if reason is DeclineReason.RING_TIMEOUT:
            a.misses += 1
            limit = q.defn.auto_pause_after
            if limit and a.misses >= limit and not a.paused:
                a.paused = True
                a.reason = "missed offers"
        self._sync(a, t, events)
        self._match_contact(c, t, events)
        self._match_agent(a, t, events)

    # ------------------------------------------------------------------ explanations

    def _verdict(self, m: Member, c: CState) -> Candidate:
        a = m.agent
        excluded: Exclusion | None = None
        detail = ""
        if not a.logged_in:
            excluded = Exclusion.LOGGED_OUT
        elif c.declined is not None and a.id in c.declined:
            excluded, detail = Exclusion.DECLINED, "declined or missed this contact"
        elif a.paused:
            excluded, detail = Exclusion.NOT_READY, a.reason or ""
        elif a.wrap:
            excluded = Exclusion.WRAP_UP
        elif not a.has_room(c.ch):
            excluded = Exclusion.NO_CAPACITY
            detail = f"{a.load[c.ch]} of {a.cap[c.ch]} {c.spec.channel.value} in use"
        elif not a.qualifies(c.reqs):
            excluded = Exclusion.LACKS_SKILL
            missing = [
                f"{skill}>={level} (has {a.skills.get(skill, 'none')})"
                for skill, level in c.reqs
                if a.skills.get(skill, -1) < level
            ]
            detail = "needs " + ", ".join(missing)
        elif c.max_tier is not None and m.tier > c.max_tier:
            excluded = Exclusion.TIER_NOT_OPEN
            detail = f"tier {m.tier}; open up to tier {c.max_tier}"
        elif c.sticky is not None and a.id not in c.sticky:
            excluded = Exclusion.NOT_PREFERRED
            detail = "preferred: " + ", ".join(sorted(c.sticky))
        return Candidate(agent_id=a.id, tier=m.tier, excluded=excluded, detail=detail)

    def _explanation(self, c: CState, t: float, chosen: str | None, why: str) -> Explanation:
        q = c.queue
        return Explanation(
            contact_id=c.spec.id,
            queue=q.id,
            at=t,
            strategy=q.defn.strategy,
            candidates=tuple(self._verdict(m, c) for m in q.members),
            chosen=chosen,
            reason=why,
        )

    def explain(self, contact_id: str) -> Explanation:
        """Say, for a contact, why each member of its queue can or cannot take it now.

        For a ringing contact ``chosen`` is the agent it rings at; for a waiting one
        it is ``None`` (had an eligible agent been ready, the contact would ring).
        ``O(members of the queue)``.

        Raises:
            UnknownIdError: The engine does not know the contact.
        """
        c = self._contact(contact_id)
        t = self._clock.now if self._clock.now is not None else c.queued_at
        if c.phase is Phase.WAITING:
            why = "no eligible agent is ready; the contact waits"
            return self._explanation(c, t, None, why)
        assert c.agent is not None
        return self._explanation(c, t, c.agent.id, f"offered to {c.agent.id} ({c.phase.value})")

    # ------------------------------------------------------------------ contact calls

    def enqueue(
        self, contact: Contact, queue: str, now: float, *, since: float | None = None
    ) -> list[Event]:
        """Put a new contact in a queue, and offer it at once if an agent can take it.

        Args:
            contact: The contact; its id must be new to the engine.
            queue: The queue's id.
            now: The current time.
            since: For a callback or a caller who rejoins after a dropped line, the
                time of the original arrival: the contact takes the place it would
                have had. Defaults to ``now``.

        Returns:
            :class:`ContactQueued` then any offer, or a single :class:`ContactRefused`
            when the queue is full or nobody is logged in and the queue does not
            accept contacts then.

        Raises:
            InvalidArgumentError: ``contact`` is not a :class:`Contact`, or ``since``
                is not a time at or before ``now``.
            DuplicateIdError: A contact with this id is already in the engine.
            UnknownIdError: No such queue.
            TimeWentBackwardsError: ``now`` is earlier than the last call's.

        Complexity: ``O(log n)`` for ``n`` waiting in the contact's lane, plus
        ``O(r)`` for ``r`` ready agents in the queue.
        """
        t = self._clock.check(now)
        if not isinstance(contact, Contact):
            raise InvalidArgumentError(name="contact", expected="a Contact", got=contact)
        if contact.id in self._contacts:
            raise DuplicateIdError(kind="contact", id=contact.id)
        q = self._queue(queue)
        arrived = t
        if since is not None:
            arrived = as_instant(since, "since")
            if arrived > t:
                raise InvalidArgumentError(
                    name="since", expected=f"a time at or before now={t!r}", got=since
                )
        events: list[Event] = []
        refusal: RefusalReason | None = None
        if q.defn.capacity is not None and q.waiting >= q.defn.capacity:
            refusal = RefusalReason.QUEUE_FULL
        elif not q.defn.join_when_empty and q.logged_in == 0:
            refusal = RefusalReason.NO_AGENTS
        if refusal is not None:
            events.append(
                ContactRefused(
                    at=t,
                    contact_id=contact.id,
                    queue=q.id,
                    channel=contact.channel,
                    arrived_at=arrived,
                    queued_at=t,
                    reason=refusal,
                )
            )
            self._clock.commit(t)
            return events
        c = CState(contact, q, arrived, t, contact.priority)
        if contact.preferred_agents and contact.sticky_for > 0:
            c.sticky = frozenset(contact.preferred_agents)
        self._contacts[contact.id] = c
        self._seq += 1
        self._enter(c, q, t, arrived - contact.age_bonus, self._seq)
        events.append(
            ContactQueued(
                at=t,
                contact_id=contact.id,
                queue=q.id,
                channel=contact.channel,
                priority=contact.priority,
                arrived_at=arrived,
                queued_at=t,
            )
        )
        self._match_contact(c, t, events)
        self._clock.commit(t)
        return events

    def route(self, contact: Contact, now: float, *, since: float | None = None) -> list[Event]:
        """Apply the definition's routing rules to ``contact``, then :meth:`enqueue` it.

        The rules choose the queue and may set the priority, the age bonus and extra
        skills (see :class:`RuleSet`).

        Raises:
            LookupError: No rule chose a queue and there is no default queue.
            EngineError: Everything :meth:`enqueue` raises.
        """
        decision = self._definition.rules.decide(
            contact.attributes, priority=contact.priority, age_bonus=contact.age_bonus
        )
        return self.enqueue(decision.apply(contact), decision.queue, now, since=since)

    def accept(self, contact_id: str, now: float) -> list[Event]:
        """The agent answered the ringing contact. ``O(log t)`` for ``t`` timers.

        Raises:
            UnknownIdError: No such contact.
            IllegalTransitionError: The contact is not ringing (e.g. answered twice).
            TimeWentBackwardsError: ``now`` is earlier than the last call's.
        """
        t = self._clock.check(now)
        c = self._contact(contact_id)
        self._expect_phase(c, "accept", Phase.RINGING)
        a = c.agent
        assert a is not None
        assert c.offered_at is not None
        self._timers.cancel(c)
        del a.offers[contact_id]
        a.active[contact_id] = c
        a.misses = 0
        a.handled += 1
        c.phase = Phase.ACTIVE
        c.answered_at = t
        c.queue.ringing -= 1
        events: list[Event] = [
            ContactAnswered(
                at=t,
                contact_id=contact_id,
                queue=c.queue.id,
                agent_id=a.id,
                channel=c.spec.channel,
                arrived_at=c.arrived_at,
                queued_at=c.queued_at,
                offered_at=c.offered_at,
            )
        ]
        self._sync(a, t, events)
        self._clock.commit(t)
        return events

    def reject(self, contact_id: str, now: float) -> list[Event]:
        """The agent declined the ringing contact; it goes back to its place.

        The contact will not be offered to that agent again. ``O(log n)`` plus a
        new match.

        Raises:
            UnknownIdError: No such contact.
            IllegalTransitionError: The contact is not ringing.
            TimeWentBackwardsError: ``now`` is earlier than the last call's.
        """
        t = self._clock.check(now)
        c = self._contact(contact_id)
        self._expect_phase(c, "reject", Phase.RINGING)
        events: list[Event] = []
        self._return_offer(c, t, DeclineReason.REJECTED, events)
        self._clock.commit(t)
        return events

    def complete(self, contact_id: str, now: float) -> list[Event]:
        """Handling of an answered contact ended; the agent goes to wrap-up or frees up.

        Complexity: ``O(q (l + log n))`` for the agent's ``q`` queues with ``l`` lanes
        each, when the agent takes its next contact.

        Raises:
            UnknownIdError: No such contact.
            IllegalTransitionError: The contact is not being handled.
            TimeWentBackwardsError: ``now`` is earlier than the last call's.
        """
        t = self._clock.check(now)
        c = self._contact(contact_id)
        self._expect_phase(c, "complete", Phase.ACTIVE)
        a = c.agent
        assert a is not None
        assert c.offered_at is not None
        assert c.answered_at is not None
        events: list[Event] = [
            ContactCompleted(
                at=t,
                contact_id=contact_id,
                queue=c.queue.id,
                agent_id=a.id,
                channel=c.spec.channel,
                arrived_at=c.arrived_at,
                queued_at=c.queued_at,
                offered_at=c.offered_at,
                answered_at=c.answered_at,
            )
        ]
        del self._contacts[contact_id]
        self._release(a, c, t, events)
        self._clock.commit(t)
        return events

    def _release(self, a: AState, c: CState, t: float, events: list[Event]) -> None:
        """The agent's handling of ``c`` ended: talk time, wrap-up, next contact."""
        assert c.answered_at is not None
        del a.active[c.spec.id]
        a.load[c.ch] -= 1
        a.talk += t - c.answered_at
        wrap = a.defn.wrap_up if a.defn.wrap_up is not None else c.queue.defn.wrap_up
        if wrap > 0:
            a.wrap = True
            self._timers.schedule(a, t + wrap)
        self._sync(a, t, events, reindex=False)
        self._match_agent(a, t, events)
        self._reindex(a)

    def abandon(self, contact_id: str, now: float) -> list[Event]:
        """The customer hung up while waiting or while the offer rang. ``O(log n)``.

        Raises:
            UnknownIdError: No such contact.
            IllegalTransitionError: The contact was already answered (use
                :meth:`complete`).
            TimeWentBackwardsError: ``now`` is earlier than the last call's.
        """
        t = self._clock.check(now)
        c = self._contact(contact_id)
        self._expect_phase(c, "abandon", Phase.WAITING, Phase.RINGING)
        a = c.agent
        events: list[Event] = [
            ContactAbandoned(
                at=t,
                contact_id=contact_id,
                queue=c.queue.id,
                agent_id=None if a is None else a.id,
                channel=c.spec.channel,
                arrived_at=c.arrived_at,
                queued_at=c.queued_at,
                offered_at=c.offered_at,
            )
        ]
        del self._contacts[contact_id]
        self._timers.cancel(c)
        if a is None:
            self._unplace(c)
        else:
            del a.offers[contact_id]
            a.load[c.ch] -= 1
            c.queue.ringing -= 1
            self._sync(a, t, events)
            self._match_agent(a, t, events)
        self._clock.commit(t)
        return events

    def remove(self, contact_id: str, now: float) -> list[Event]:
        """Take a waiting contact out of its queue on the host's behalf. ``O(log n)``.

        Raises:
            UnknownIdError: No such contact.
            IllegalTransitionError: The contact is not waiting.
            TimeWentBackwardsError: ``now`` is earlier than the last call's.
        """
        t = self._clock.check(now)
        c = self._contact(contact_id)
        self._expect_phase(c, "remove", Phase.WAITING)
        events: list[Event] = []
        self._leave(c, t, LeaveReason.REMOVED, events)
        self._clock.commit(t)
        return events

    def _leave(self, c: CState, t: float, reason: LeaveReason, events: list[Event]) -> None:
        events.append(
            ContactLeft(
                at=t,
                contact_id=c.spec.id,
                queue=c.queue.id,
                channel=c.spec.channel,
                arrived_at=c.arrived_at,
                queued_at=c.queued_at,
                reason=reason,
            )
        )
        del self._contacts[c.spec.id]
        self._timers.cancel(c)
        self._unplace(c)

    def transfer(self, contact_id: str, queue: str, now: float) -> list[Event]:
        """Move a waiting or answered contact to another queue, keeping its place.

        A waiting contact keeps its virtual start time; an answered one leaves its
        agent (talk time and wrap-up count as for :meth:`complete`) and waits in the
        new queue with its original arrival time and its context. Transfers are
        admitted even to a full queue: the contact is already in the system.
        ``O(log n)``.

        Raises:
            UnknownIdError: No such contact or queue.
            IllegalTransitionError: The contact is ringing.
            InvalidArgumentError: ``queue`` is the contact's own queue.
            TimeWentBackwardsError: ``now`` is earlier than the last call's.
        """
        t = self._clock.check(now)
        c = self._contact(contact_id)
        target = self._queue(queue)
        self._expect_phase(c, "transfer", Phase.WAITING, Phase.ACTIVE)
        if target is c.queue:
            raise InvalidArgumentError(
                name="queue",
                expected=f"a queue other than {queue!r}, where it already is",
                got=queue,
            )
        a = c.agent
        events: list[Event] = [
            ContactTransferred(
                at=t,
                contact_id=contact_id,
                queue=c.queue.id,
                agent_id=None if a is None else a.id,
                channel=c.spec.channel,
                arrived_at=c.arrived_at,
                queued_at=c.queued_at,
                to_queue=target.id,
                answered_at=c.answered_at,
            )
        ]
        if a is None:
            self._move(c, target, t, events)
        else:
            c.agent = None
            self._release(a, c, t, events)
            c.offered_at = None
            c.answered_at = None
            c.sticky = None
            self._enter(c, target, t, c.key[1], c.key[2])
            self._queued_event(c, t, events)
            self._match_contact(c, t, events)
        self._clock.commit(t)
        return events

    def _move(self, c: CState, target: QState, t: float, events: list[Event]) -> None:
        """Move a waiting contact to ``target`` keeping its place, then match it."""
        self._unplace(c)
        c.sticky = None
        self._enter(c, target, t, c.key[1], c.key[2])
        self._queued_event(c, t, events)
        self._match_contact(c, t, events)

    @staticmethod
    def _queued_event(c: CState, t: float, events: list[Event]) -> None:
        events.append(
            ContactQueued(
                at=t,
                contact_id=c.spec.id,
                queue=c.queue.id,
                channel=c.spec.channel,
                priority=c.priority,
                arrived_at=c.arrived_at,
                queued_at=t,
            )
        )

    def set_priority(self, contact_id: str, priority: int, now: float) -> list[Event]:
        """Change a waiting or ringing contact's priority. ``O(log n)``.

        A ringing contact keeps ringing; the new priority counts if it comes back.

        Raises:
            UnknownIdError: No such contact.
            IllegalTransitionError: The contact was already answered.
            InvalidArgumentError: ``priority`` is not an integer.
            TimeWentBackwardsError: ``now`` is earlier than the last call's.
        """
        t = self._clock.check(now)
        c = self._contact(contact_id)
        given: object = priority
        if not isinstance(given, int) or isinstance(given, bool):
            raise InvalidArgumentError(name="priority", expected="an integer", got=priority)
        self._expect_phase(c, "set_priority", Phase.WAITING, Phase.RINGING)
        waiting = c.phase is Phase.WAITING
        if waiting:
            self._unplace(c)
        c.priority = priority
        self._rekey(c, c.key[1], c.key[2])
        if waiting:
            self._place(c)
        self._clock.commit(t)
        return []

    # ------------------------------------------------------------------ agent calls

    def _agent_illegal(self, a: AState, action: str) -> IllegalTransitionError:
        allowed: tuple[str, ...]
        if not a.logged_in:
            allowed = ("login",)
        else:
            allowed = ("set_not_ready", "set_ready")
            if a.wrap:
                allowed += ("end_wrap_up",)
            if not a.offers and not a.active:
                allowed += ("logout",)
        return IllegalTransitionError(
            entity=f"agent {a.id!r}", state=a.state.value, action=action, allowed=allowed
        )

    def login(self, agent_id: str, now: float, *, ready: bool = True) -> list[Event]:
        """Log an agent in, ready (default) or not ready; counters start from zero.

        Complexity: ``O(q (l + log n))`` when the agent takes contacts at once.

        Raises:
            UnknownIdError: No such agent.
            IllegalTransitionError: The agent is already logged in.
            TimeWentBackwardsError: ``now`` is earlier than the last call's.
        """
        t = self._clock.check(now)
        a = self._agent(agent_id)
        if a.logged_in:
            raise self._agent_illegal(a, "login")
        a.logged_in = True
        a.paused = not ready
        a.reason = None if ready else "login"
        a.handled = 0
        a.talk = 0.0
        a.misses = 0
        a.idle_since = t
        for m in a.members:
            m.queue.logged_in += 1
        events: list[Event] = []
        self._sync(a, t, events)
        self._match_agent(a, t, events)
        self._clock.commit(t)
        return events

    def logout(self, agent_id: str, now: float) -> list[Event]:
        """Log an agent out.

        If it was the last member of a queue that sends contacts away when empty,
        that queue's waiting contacts leave (``O(n log n)``).

        Raises:
            UnknownIdError: No such agent.
            IllegalTransitionError: The agent is logged out, or still has a contact
                ringing or being handled.
            TimeWentBackwardsError: ``now`` is earlier than the last call's.
        """
        t = self._clock.check(now)
        a = self._agent(agent_id)
        if not a.logged_in or a.offers or a.active:
            raise self._agent_illegal(a, "logout")
        events: list[Event] = []
        a.logged_in = False
        a.paused = False
        a.reason = None
        if a.wrap:
            a.wrap = False
            self._timers.cancel(a)
        self._sync(a, t, events)
        for m in a.members:
            q = m.queue
            q.logged_in -= 1
            if q.logged_in == 0 and q.defn.leave_when_empty:
                items = sorted(item for lane in q.lanes.values() for item in lane.items)
                for item in items:
                    self._leave(self._contacts[item[3]], t, LeaveReason.NO_AGENTS, events)
        self._clock.commit(t)
        return events

    def set_not_ready(self, agent_id: str, reason: str, now: float) -> list[Event]:
        """Pause an agent with a reason code (break, lunch, training, outbound...).

        Contacts already ringing or being handled stay; no new offers come.

        Raises:
            UnknownIdError: No such agent.
            IllegalTransitionError: The agent is logged out.
            InvalidArgumentError: ``reason`` is not a non-empty string.
            TimeWentBackwardsError: ``now`` is earlier than the last call's.
        """
        t = self._clock.check(now)
        a = self._agent(agent_id)
        given: object = reason
        if not isinstance(given, str) or not given:
            raise InvalidArgumentError(
                name="reason", expected="a non-empty reason code", got=reason
            )
        if not a.logged_in:
            raise self._agent_illegal(a, "set_not_ready")
        a.paused = True
        a.reason = reason
        events: list[Event] = []
        self._sync(a, t, events)
        self._clock.commit(t)
        return events

    def set_ready(self, agent_id: str, now: float) -> list[Event]:
        """End a pause (and reset the missed-offer count); the agent may take work.

        Raises:
            UnknownIdError: No such agent.
            IllegalTransitionError: The agent is logged out.
            TimeWentBackwardsError: ``now`` is earlier than the last call's.
        """
        t = self._clock.check(now)
        a = self._agent(agent_id)
        if not a.logged_in:
            raise self._agent_illegal(a, "set_ready")
        a.paused = False
        a.reason = None
        a.misses = 0
        events: list[Event] = []
        self._sync(a, t, events)
        self._match_agent(a, t, events)
        self._clock.commit(t)
        return events

    def end_wrap_up(self, agent_id: str, now: float) -> list[Event]:
        """End an agent's after-contact work before its time limit.

        Raises:
            UnknownIdError: No such agent.
            IllegalTransitionError: The agent is not in wrap-up.
            TimeWentBackwardsError: ``now`` is earlier than the last call's.
        """
        t = self._clock.check(now)
        a = self._agent(agent_id)
        if not a.wrap:
            raise self._agent_illegal(a, "end_wrap_up")
        self._timers.cancel(a)
        events: list[Event] = []
        self._end_wrap(a, t, events)
        self._clock.commit(t)
        return events

    def _end_wrap(self, a: AState, t: float, events: list[Event]) -> None:
        a.wrap = False
        self._sync(a, t, events)
        self._match_agent(a, t, events)

    # ------------------------------------------------------------------ timers

    def advance(self, now: float) -> list[Event]:
        """Fire every timer due by ``now``, in deadline order.

        Ring timeouts return contacts to their place (and may pause the agent),
        wrap-ups end, sticky periods and escalation steps widen or move contacts,
        and maximum waits overflow them. Events carry the deadline as their time.

        Complexity: ``O(k log n)`` for ``k`` timers due.

        Raises:
            TimeWentBackwardsError: ``now`` is earlier than the last call's.
        """
        t = self._clock.check(now)
        floor = self._clock.now if self._clock.now is not None else t
        events: list[Event] = []
        while (due := self._timers.pop_due(t)) is not None:
            deadline, key = due
            at = max(deadline, floor)
            floor = at
            if isinstance(key, AState):
                self._end_wrap(key, at, events)
            elif key.phase is Phase.RINGING:
                self._return_offer(key, at, DeclineReason.RING_TIMEOUT, events)
            else:
                self._contact_timer(key, at, events)
        self._clock.commit(t)
        return events

    def _contact_timer(self, c: CState, t: float, events: list[Event]) -> None:
        q = c.queue
        defn = q.defn
        self._unplace(c)
        if c.sticky is not None and c.queued_at + c.spec.sticky_for <= t:
            c.sticky = None
        move_to: str | None = None
        while c.step < len(defn.escalation) and c.queued_at + defn.escalation[c.step].after <= t:
            step = defn.escalation[c.step]
            if step.any_tier:
                c.max_tier = None
            elif step.max_tier is not None and c.max_tier is not None:
                c.max_tier = max(c.max_tier, step.max_tier)
            if step.relax_skills:
                c.reqs = self._requirements(q, c.spec, relaxed=True)
            if step.priority_boost:
                c.priority += step.priority_boost
            events.append(
                ContactEscalated(
                    at=t,
                    contact_id=c.spec.id,
                    queue=q.id,
                    channel=c.spec.channel,
                    arrived_at=c.arrived_at,
                    queued_at=c.queued_at,
                    step=c.step,
                )
            )
            c.step += 1
            if step.move_to is not None:
                move_to = step.move_to
                break
        self._rekey(c, c.key[1], c.key[2])
        if move_to is not None:
            target = self._queues[move_to]
            events.append(
                ContactTransferred(
                    at=t,
                    contact_id=c.spec.id,
                    queue=q.id,
                    agent_id=None,
                    channel=c.spec.channel,
                    arrived_at=c.arrived_at,
                    queued_at=c.queued_at,
                    to_queue=move_to,
                    answered_at=None,
                )
            )
            self._place(c)
            self._move(c, target, t, events)
            return
        if defn.max_wait is not None and c.queued_at + defn.max_wait <= t:
            assert defn.overflow is not None
            kind = defn.overflow.kind
            events.append(
                ContactOverflowed(
                    at=t,
                    contact_id=c.spec.id,
                    queue=q.id,
                    channel=c.spec.channel,
                    arrived_at=c.arrived_at,
                    queued_at=c.queued_at,
                    kind=kind,
                    to_queue=defn.overflow.queue,
                )
            )
            if kind is OverflowKind.QUEUE:
                assert defn.overflow.queue is not None
                self._place(c)
                self._move(c, self._queues[defn.overflow.queue], t, events)
            else:
                del self._contacts[c.spec.id]
            return
        self._place(c)
        self._schedule_contact(c)
        self._match_contact(c, t, events)

    # ------------------------------------------------------------------ snapshot

    def snapshot(self, now: float) -> Snapshot:
        """Per queue: waiting, ringing, longest wait, members by state; per agent: state.

        Does not change the engine (``now`` must not be earlier than the last call's,
        and is not recorded). ``O(n + m)`` for ``n`` waiting contacts, ``m`` memberships.

        Raises:
            TimeWentBackwardsError: ``now`` is earlier than the last call's.
        """
        t = self._clock.check(now)
        queues = []
        for q in self._queues.values():
            oldest = min(
                (
                    self._contacts[item[3]].queued_at
                    for lane in q.lanes.values()
                    for item in lane.items
                ),
                default=None,
            )
            by_state = dict.fromkeys(AgentState, 0)
            for m in q.members:
                by_state[m.agent.state] += 1
            queues.append(
                QueueSnapshot(
                    queue=q.id,
                    waiting=q.waiting,
                    ringing=q.ringing,
                    longest_wait=0.0 if oldest is None else t - oldest,
                    agents_by_state=by_state,
                )
            )
        agents = tuple(
            AgentSnapshot(
                agent_id=a.id,
                state=a.state,
                reason=a.state_reason,
                time_in_state=t - a.since if a.state is not AgentState.LOGGED_OUT else 0.0,
                contacts=(*a.offers, *a.active),
            )
            for a in self._agents.values()
        )
        return Snapshot(at=t, queues=tuple(queues), agents=agents)
