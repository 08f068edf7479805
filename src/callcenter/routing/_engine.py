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
from typing import Any

import attrs

from .._checks import check_argument
from .._clock import Clock, as_instant
from .._timers import TimerQueue
from ..errors import (
    DuplicateIdError,
    IllegalTransitionError,
    InvalidArgumentError,
    UnknownIdError,
)
from ._definition import RoutingDefinition, ensure_valid
from ._events import (
    Candidate,
    DeclineReason,
    Exclusion,
    Explanation,
    LeaveReason,
    RefusalReason,
    RoutingEvent,
    Snapshot,
)
from ._fast_events import (
    new_agent_state_changed,
    new_contact_abandoned,
    new_contact_answered,
    new_contact_completed,
    new_contact_escalated,
    new_contact_left,
    new_contact_offer_declined,
    new_contact_offered,
    new_contact_overflowed,
    new_contact_queued,
    new_contact_refused,
    new_contact_transferred,
)
from ._model import MAX_ID_LENGTH, AgentState, Contact, CrossQueuePolicy, OverflowKind
from ._runtime import (
    ACTIVE,
    AVAILABLE,
    CHANNEL_INDEX_BY_ID,
    CHANNELS,
    NOT_READY,
    RINGING,
    WAITING,
    AState,
    CState,
    Lane,
    LaneKey,
    Member,
    QState,
    Requirements,
    Wrap,
    place,
    queue_key,
    rekey,
    unplace,
)
from ._snapshot import take_snapshot
from ._states import AGENT_ACTIONS, CONTACT_ACTIONS, agent_allowed, contact_allowed, derive_state
from ._strategies import choose_member, chooser, ranker

__all__ = ["RoutingEngine"]

_Item = tuple[float, float, int, str]

# When each agent call is legal, from the engine's rules.
_CAN_LOGIN = AGENT_ACTIONS["login"].holds
_CAN_LOGOUT = AGENT_ACTIONS["logout"].holds
_CAN_SET_NOT_READY = AGENT_ACTIONS["set_not_ready"].holds
_CAN_SET_READY = AGENT_ACTIONS["set_ready"].holds
_CAN_END_WRAP_UP = AGENT_ACTIONS["end_wrap_up"].holds


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
        given: object = definition
        if not isinstance(given, RoutingDefinition):
            raise InvalidArgumentError(
                name="definition", expected="a RoutingDefinition", got=definition
            )
        seed_given: object = seed
        if not isinstance(seed_given, int) or isinstance(seed_given, bool):
            raise InvalidArgumentError(name="seed", expected="an integer", got=seed)
        explain_given: object = explain
        if not isinstance(explain_given, bool):
            raise InvalidArgumentError(name="explain", expected="True or False", got=explain)
        ensure_valid(definition)
        self._definition = definition
        self._clock = Clock()
        self._rng = random.Random(seed)
        self._explain = explain
        self._policy = definition.cross_queue
        self._oldest_wait = definition.cross_queue is CrossQueuePolicy.OLDEST_WAIT
        self._queues: dict[str, QState] = {
            q.id: QState(q, position, chooser(q.strategy))
            for position, q in enumerate(definition.queues)
        }
        for queue_state in self._queues.values():
            queue_state.rank = ranker(queue_state)
        self._agents: dict[str, AState] = {}
        for index, defn in enumerate(definition.agents):
            agent = AState(defn, index)
            self._agents[defn.id] = agent
            for membership in defn.queues:
                queue = self._queues[membership.queue]
                member = Member(agent, queue, membership.tier, membership.weight)
                agent.members.append(member)
                queue.members.append(member)
                queue.by_agent[defn.id] = member
        self._contacts: dict[str, CState] = {}
        self._timers: TimerQueue[CState | Wrap] = TimerQueue()
        self._seq = 0
        self._reqs_cache: dict[tuple[str, tuple[Any, ...], bool], Requirements] = {}

    @property
    def definition(self) -> RoutingDefinition:
        """The definition the engine was built from."""
        return self._definition

    @property
    def now(self) -> float | None:
        """The latest time the engine accepted, or ``None`` before the first call."""
        return self._clock.now

    def next_deadline(self) -> float | None:
        """The earliest pending timer, or ``None``. ``O(1)``.

        Never earlier than the engine's latest time: a timer that fell due while
        nobody advanced the engine (a contact's maximum wait passed while it rang,
        and the agent declined it later) is due now, so that
        ``advance(next_deadline())`` is always a legal call.
        """
        deadline = self._timers.next_deadline()
        if deadline is not None:
            now = self._clock.now
            if now is not None and deadline < now:
                return now
        return deadline

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
        items = sorted(item for lane in q.all_lanes() for item in lane.items)
        return [item[3] for item in items]

    def position(self, contact_id: str) -> int:
        """A waiting contact's 1-based place in its queue, in :meth:`waiting`'s order.

        ``O(l log n)`` for ``l`` lanes of the queue (one per distinct skill need,
        tier or sticky agent set) with ``n`` waiting each: what a hold announcement
        needs, without sorting the queue.

        Raises:
            UnknownIdError: The engine does not know the contact.
            IllegalTransitionError: The contact is not waiting (it rings or is
                being handled).
        """
        c = self._contact(contact_id)
        if c.phase is not WAITING:
            raise IllegalTransitionError(
                entity=f"contact {contact_id!r}",
                state=c.phase.value,
                action="tell its place in the queue",
                allowed=(),
                reason="only a waiting contact has one",
            )
        key = c.key
        return 1 + sum(lane.items.bisect_left(key) for lane in c.queue.all_lanes())

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
        if c.phase is WAITING:
            why = "no eligible agent is ready; the contact waits"
            return self._explanation(c, t, None, why)
        assert c.agent is not None
        return self._explanation(c, t, c.agent.id, f"offered to {c.agent.id} ({c.phase.value})")

    def enqueue(
        self, contact: Contact, queue: str, now: float, *, since: float | None = None
    ) -> list[RoutingEvent]:
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
            InvalidArgumentError: ``contact`` is not a :class:`Contact` (or its
                channel not a :class:`Channel`), or ``since`` is not a time at or
                before ``now``.
            DuplicateIdError: A contact with this id is already in the engine.
            UnknownIdError: No such queue.
            TimeWentBackwardsError: ``now`` is earlier than the last call's.

        Complexity: ``O(log n)`` for ``n`` waiting in the contact's lane, plus
        ``O(r)`` for ``r`` ready agents in the queue.
        """
        t = self._clock.check(now)
        if not isinstance(contact, Contact):
            raise InvalidArgumentError(name="contact", expected="a Contact", got=contact)
        ch = CHANNEL_INDEX_BY_ID.get(id(contact.channel))  # members are singletons
        if ch is None:
            raise InvalidArgumentError(
                name="contact.channel", expected="a Channel member", got=contact.channel
            )
        cid = contact.id
        contacts = self._contacts
        if cid in contacts:
            raise DuplicateIdError(kind="contact", id=cid)
        try:
            q = self._queues.get(queue)
        except TypeError:  # unhashable: _queue says what was expected
            q = None
        if q is None:
            q = self._queue(queue)  # raises
        arrived = t
        if since is not None:
            arrived = as_instant(since, "since")
            if arrived > t:
                raise InvalidArgumentError(
                    name="since", expected=f"a time at or before now={t!r}", got=since
                )
        defn = q.defn
        refusal: RefusalReason | None = None
        if defn.capacity is not None and q.waiting >= defn.capacity:
            refusal = RefusalReason.QUEUE_FULL
        elif not defn.join_when_empty and q.logged_in == 0:
            refusal = RefusalReason.NO_AGENTS
        if refusal is not None:
            self._clock.commit(t)
            return [
                new_contact_refused(
                    at=t,
                    contact_id=cid,
                    queue=q.id,
                    channel=contact.channel,
                    arrived_at=arrived,
                    queued_at=t,
                    reason=refusal,
                )
            ]
        # What _enter does for a contact new to the engine, inlined: this
        # is half of all routing events.
        priority = contact.priority
        vstart = arrived - contact.age_bonus
        self._seq = seq = self._seq + 1
        c = CState(
            contact,
            ch,
            q,
            arrived,
            t,
            priority,
            queue_key(defn.aging_rate, priority, vstart, seq, cid),
            q.base_reqs if not contact.skills else self._requirements(q, contact, False),
            defn.start_tier,
        )
        if contact.preferred_agents and contact.sticky_for > 0:
            c.sticky = frozenset(contact.preferred_agents)
            if not self._preferred_can_take(c):
                c.sticky = None  # none of them can: no sticky period
        contacts[cid] = c
        if c.sticky is not None:
            place(c)  # sticky lanes come and go with their contacts
        if c.sticky is not None or defn.max_wait is not None or defn.escalation:
            self._schedule_contact(c, True)
        events: list[RoutingEvent] = [
            new_contact_queued(
                at=t,
                contact_id=cid,
                queue=q.id,
                channel=contact.channel,
                priority=priority,
                arrived_at=arrived,
                queued_at=t,
            )
        ]
        if q.ready[ch]:
            self._match_contact(c, t, events)
        if c.lane is None and c.phase is WAITING:
            place(c)  # not offered at once: it waits (an offered one never took a place)
        self._clock.commit(t)
        return events

    def route(
        self,
        contact: Contact,
        now: float,
        *,
        since: float | None = None,
        queue: str | None = None,
    ) -> list[RoutingEvent]:
        """Apply the definition's routing rules to ``contact``, then :meth:`enqueue` it.

        The rules choose the queue and may set the priority, the age bonus and extra
        skills (see :class:`RuleSet`). ``queue`` (the queue an IVR chose) is used
        when no rule chooses one, before the rules' ``default_queue``.

        Raises:
            InvalidArgumentError: ``contact`` is not a :class:`Contact`.
            NoRouteError: No rule chose a queue and there is no default queue.
            EngineError: Everything :meth:`enqueue` raises.
        """
        if not isinstance(contact, Contact):
            raise InvalidArgumentError(name="contact", expected="a Contact", got=contact)
        rules = self._definition.rules
        if queue is not None and not rules.rules:
            # No rule to read: the decision would be the contact as it is, in ``queue``.
            return self.enqueue(contact, queue, now, since=since)
        decision = rules.decide(
            contact.attributes, priority=contact.priority, age_bonus=contact.age_bonus, queue=queue
        )
        return self.enqueue(decision.apply(contact), decision.queue, now, since=since)

    def accept(self, contact_id: str, now: float) -> list[RoutingEvent]:
        """The agent answered the ringing contact. ``O(log t)`` for ``t`` timers.

        Raises:
            UnknownIdError: No such contact.
            IllegalTransitionError: The contact is not ringing (e.g. answered twice).
            TimeWentBackwardsError: ``now`` is earlier than the last call's.
        """
        t = self._clock.check(now)
        try:
            c = self._contacts.get(contact_id)
        except TypeError:  # unhashable: _contact says what was expected
            c = None
        if c is None or c.phase is not RINGING:
            c = self._contact(contact_id)
            self._expect_phase(c, "accept")
        a = c.agent
        assert a is not None
        assert c.offered_at is not None
        self._timers.cancel(c)
        del a.offers[contact_id]
        a.active[contact_id] = c
        a.misses = 0
        a.handled += 1
        q = c.queue
        if q.per_queue:
            q.by_agent[a.id].handled += 1
        c.phase = ACTIVE
        c.answered_at = t
        q.ringing -= 1
        events: list[RoutingEvent] = [
            new_contact_answered(
                at=t,
                contact_id=contact_id,
                queue=q.id,
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

    def reject(self, contact_id: str, now: float, *, missed: bool = False) -> list[RoutingEvent]:
        """The agent declined the ringing contact, or missed it; it goes back to its place.

        The contact is not offered to that agent again within its queue's
        ``retry_after``; then it may be. ``O(log n)`` plus a new match.

        Args:
            contact_id: The ringing contact.
            now: When the offer ended.
            missed: The offer went unanswered rather than being refused: the
                telephony's own ring timer fired before the queue's ``ring_timeout``,
                or the agent's phone could not be reached. A missed offer counts
                towards the queue's ``auto_pause_after`` exactly like a ring timeout
                (the event's reason is ``DeclineReason.MISSED``); a refusal
                (``missed=False``, reason ``REJECTED``) does not.

        Raises:
            UnknownIdError: No such contact.
            IllegalTransitionError: The contact is not ringing.
            TimeWentBackwardsError: ``now`` is earlier than the last call's.
            InvalidArgumentError: ``missed`` is not a bool.
        """
        t = self._clock.check(now)
        if type(missed) is not bool:
            raise InvalidArgumentError(name="missed", expected="True or False", got=missed)
        c = self._contact(contact_id)
        self._expect_phase(c, "reject")
        events: list[RoutingEvent] = []
        self._return_offer(c, t, DeclineReason.MISSED if missed else DeclineReason.REJECTED, events)
        self._clock.commit(t)
        return events

    def complete(self, contact_id: str, now: float) -> list[RoutingEvent]:
        """Handling of an answered contact ended; the agent goes to wrap-up or frees up.

        Complexity: ``O(q (l + log n))`` for the agent's ``q`` queues with ``l`` open
        lanes each, plus the sticky lanes of contacts that prefer this agent (never
        those of other agents), when the agent takes its next contact.

        Raises:
            UnknownIdError: No such contact.
            IllegalTransitionError: The contact is not being handled.
            TimeWentBackwardsError: ``now`` is earlier than the last call's.
        """
        t = self._clock.check(now)
        try:
            c = self._contacts.get(contact_id)
        except TypeError:  # unhashable: _contact says what was expected
            c = None
        if c is None or c.phase is not ACTIVE:
            c = self._contact(contact_id)
            self._expect_phase(c, "complete")
        a = c.agent
        assert a is not None
        assert c.offered_at is not None
        assert c.answered_at is not None
        events: list[RoutingEvent] = [
            new_contact_completed(
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

    def abandon(self, contact_id: str, now: float) -> list[RoutingEvent]:
        """The customer hung up while waiting or while the offer rang. ``O(log n)``.

        Raises:
            UnknownIdError: No such contact.
            IllegalTransitionError: The contact was already answered (use
                :meth:`complete`).
            TimeWentBackwardsError: ``now`` is earlier than the last call's.
        """
        t = self._clock.check(now)
        c = self._contact(contact_id)
        self._expect_phase(c, "abandon")
        a = c.agent
        events: list[RoutingEvent] = [
            new_contact_abandoned(
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
            unplace(c)
        else:
            del a.offers[contact_id]
            a.give_back(c.ch)
            c.queue.ringing -= 1
            self._sync(a, t, events)
            self._match_agent(a, t, events)
        self._clock.commit(t)
        return events

    def remove(self, contact_id: str, now: float) -> list[RoutingEvent]:
        """Take a waiting contact out of its queue on the host's behalf. ``O(log n)``.

        Raises:
            UnknownIdError: No such contact.
            IllegalTransitionError: The contact is not waiting.
            TimeWentBackwardsError: ``now`` is earlier than the last call's.
        """
        t = self._clock.check(now)
        c = self._contact(contact_id)
        self._expect_phase(c, "remove")
        events: list[RoutingEvent] = []
        self._leave(c, t, LeaveReason.REMOVED, events)
        self._clock.commit(t)
        return events

    def transfer(
        self,
        contact_id: str,
        queue: str,
        now: float,
        *,
        preferred_agents: tuple[str, ...] | None = None,
    ) -> list[RoutingEvent]:
        """Move a waiting or answered contact to another queue, keeping its place.

        A waiting contact keeps its virtual start time; an answered one leaves its
        agent (talk time and wrap-up count as for :meth:`complete`) and waits in the
        new queue with its original arrival time and its context. Transfers are
        admitted even to a full queue: the contact is already in the system.
        ``O(log n)``.

        ``preferred_agents`` (an agent transfer) replaces the contact's preferred
        agents: they are offered it first whenever one of them can take it. With
        it, an answered contact may also go back to its own queue (to a colleague
        of the same group).

        Raises:
            UnknownIdError: No such contact or queue.
            IllegalTransitionError: The contact is ringing.
            InvalidArgumentError: ``queue`` is the contact's own queue (without
                ``preferred_agents`` for an answered contact), or
                ``preferred_agents`` is not a tuple of agent ids.
            TimeWentBackwardsError: ``now`` is earlier than the last call's.
        """
        t = self._clock.check(now)
        c = self._contact(contact_id)
        target = self._queue(queue)
        self._expect_phase(c, "transfer")
        if preferred_agents is not None:
            given: object = preferred_agents
            if not isinstance(given, tuple) or not all(
                isinstance(p, str) and p in self._agents for p in given
            ):
                raise InvalidArgumentError(
                    name="preferred_agents", expected="a tuple of agent ids", got=given
                )
        if target is c.queue and (preferred_agents is None or c.agent is None):
            raise InvalidArgumentError(
                name="queue",
                expected=f"a queue other than {queue!r}, where it already is",
                got=queue,
            )
        if preferred_agents is not None:
            c.spec = attrs.evolve(c.spec, preferred_agents=preferred_agents)
        a = c.agent
        events: list[RoutingEvent] = [
            new_contact_transferred(
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
            self._prune(c, t)
            self._enter(c, target, t, c.key[1], c.key[2])
            self._queued_event(c, t, events)
            self._match_contact(c, t, events)
        self._clock.commit(t)
        return events

    def set_priority(self, contact_id: str, priority: int, now: float) -> list[RoutingEvent]:
        """Change a waiting or ringing contact's priority. ``O(log n)``.

        A ringing contact keeps ringing; the new priority counts if it comes back.

        Raises:
            UnknownIdError: No such contact.
            IllegalTransitionError: The contact was already answered.
            InvalidArgumentError: ``priority`` is not an integer of at most 1e15 in
                size (a larger one would overflow the queue's float keys).
            TimeWentBackwardsError: ``now`` is earlier than the last call's.
        """
        t = self._clock.check(now)
        c = self._contact(contact_id)
        given: object = priority
        if not isinstance(given, int) or isinstance(given, bool):
            raise InvalidArgumentError(name="priority", expected="an integer", got=priority)
        check_argument("priority", priority, integer=True)
        self._expect_phase(c, "set_priority")
        waiting = c.phase is WAITING
        if waiting:
            unplace(c)
        c.priority = priority
        rekey(c)
        if waiting:
            place(c)
        self._clock.commit(t)
        return []

    def login(self, agent_id: str, now: float, *, ready: bool = True) -> list[RoutingEvent]:
        """Log an agent in, ready (default) or not ready; counters start from zero.

        Complexity: ``O(q (l + log n))`` when the agent takes contacts at once.

        Raises:
            UnknownIdError: No such agent.
            IllegalTransitionError: The agent is already logged in.
            InvalidArgumentError: ``ready`` is not a bool.
            TimeWentBackwardsError: ``now`` is earlier than the last call's.
        """
        t = self._clock.check(now)
        a = self._agent(agent_id)
        ready_given: object = ready
        if not isinstance(ready_given, bool):
            raise InvalidArgumentError(name="ready", expected="True or False", got=ready)
        if not _CAN_LOGIN(a):
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
            m.handled = 0
            m.talk = 0.0
        events: list[RoutingEvent] = []
        self._sync(a, t, events)
        self._match_agent(a, t, events)
        self._clock.commit(t)
        return events

    def logout(self, agent_id: str, now: float) -> list[RoutingEvent]:
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
        if not _CAN_LOGOUT(a):
            raise self._agent_illegal(a, "logout")
        events: list[RoutingEvent] = []
        a.logged_in = False
        a.paused = False
        a.reason = None
        for w in a.wraps:
            self._timers.cancel(w)
            a.give_back(w.ch)
        a.wraps.clear()
        self._sync(a, t, events)
        for m in a.members:
            q = m.queue
            q.logged_in -= 1
            if q.logged_in == 0 and q.defn.leave_when_empty:
                items = sorted(item for lane in q.all_lanes() for item in lane.items)
                for item in items:
                    self._leave(self._contacts[item[3]], t, LeaveReason.NO_AGENTS, events)
        for m in a.members:
            if m.sticky:
                self._fall_back(m, t, events)
        self._clock.commit(t)
        return events

    def set_not_ready(self, agent_id: str, reason: str, now: float) -> list[RoutingEvent]:
        """Pause an agent with a reason code (break, lunch, training, outbound...).

        Contacts already ringing or being handled stay; no new offers come.

        Raises:
            UnknownIdError: No such agent.
            IllegalTransitionError: The agent is logged out.
            InvalidArgumentError: ``reason`` is not a non-empty string of at most
                ``MAX_ID_LENGTH`` (256) characters.
            TimeWentBackwardsError: ``now`` is earlier than the last call's.
        """
        t = self._clock.check(now)
        a = self._agent(agent_id)
        given: object = reason
        if not isinstance(given, str) or not given or len(given) > MAX_ID_LENGTH:
            raise InvalidArgumentError(
                name="reason",
                expected=f"a non-empty reason code of at most {MAX_ID_LENGTH} characters",
                got=reason,
            )
        if not _CAN_SET_NOT_READY(a):
            raise self._agent_illegal(a, "set_not_ready")
        a.paused = True
        a.reason = reason
        events: list[RoutingEvent] = []
        self._sync(a, t, events)
        self._clock.commit(t)
        return events

    def set_ready(self, agent_id: str, now: float) -> list[RoutingEvent]:
        """End a pause (and reset the missed-offer count); the agent may take work.

        Raises:
            UnknownIdError: No such agent.
            IllegalTransitionError: The agent is logged out.
            TimeWentBackwardsError: ``now`` is earlier than the last call's.
        """
        t = self._clock.check(now)
        a = self._agent(agent_id)
        if not _CAN_SET_READY(a):
            raise self._agent_illegal(a, "set_ready")
        a.paused = False
        a.reason = None
        a.misses = 0
        events: list[RoutingEvent] = []
        self._sync(a, t, events)
        self._match_agent(a, t, events)
        self._clock.commit(t)
        return events

    def end_wrap_up(self, agent_id: str, now: float) -> list[RoutingEvent]:
        """End an agent's after-contact work before its time limit.

        Raises:
            UnknownIdError: No such agent.
            IllegalTransitionError: The agent is not in wrap-up.
            TimeWentBackwardsError: ``now`` is earlier than the last call's.
        """
        t = self._clock.check(now)
        a = self._agent(agent_id)
        if not _CAN_END_WRAP_UP(a):
            raise self._agent_illegal(a, "end_wrap_up")
        for w in a.wraps:
            self._timers.cancel(w)
        events: list[RoutingEvent] = []
        self._end_wraps(a, list(a.wraps), t, events)
        self._clock.commit(t)
        return events

    def advance(self, now: float) -> list[RoutingEvent]:
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
        events: list[RoutingEvent] = []
        while (due := self._timers.pop_due(t)) is not None:
            deadline, key = due
            at = max(deadline, floor)
            floor = at
            if isinstance(key, Wrap):
                self._end_wraps(key.agent, [key], at, events)
            elif key.phase is RINGING:
                self._return_offer(key, at, DeclineReason.RING_TIMEOUT, events)
            else:
                self._contact_timer(key, at, events)
        self._clock.commit(t)
        return events

    def snapshot(self, now: float) -> Snapshot:
        """Per queue: waiting, ringing, longest wait, members by state; per agent: state.

        Does not change the engine (``now`` must not be earlier than the last call's,
        and is not recorded). ``O(n + m)`` for ``n`` waiting contacts, ``m`` memberships.

        Raises:
            TimeWentBackwardsError: ``now`` is earlier than the last call's.
        """
        t = self._clock.check(now)
        return take_snapshot(self._queues.values(), self._contacts, self._agents.values(), t)

    # ---------------------------------------------------------- the mechanics
    # Lanes, readiness, matching, offers and timers. Apart from the id lookups,
    # nothing below validates: the public calls above check every argument and the
    # clock first, then call these to change state.

    @staticmethod
    def _check_id(name: str, value: object) -> None:
        if not isinstance(value, str):
            raise InvalidArgumentError(name=name, expected="a text id", got=value)

    def _contact(self, contact_id: str) -> CState:
        self._check_id("contact_id", contact_id)
        c = self._contacts.get(contact_id)
        if c is None:
            raise UnknownIdError(kind="contact", id=contact_id, known=())
        return c

    def _agent(self, agent_id: str) -> AState:
        self._check_id("agent_id", agent_id)
        a = self._agents.get(agent_id)
        if a is None:
            raise UnknownIdError(kind="agent", id=agent_id, known=self._agents)
        return a

    def _queue(self, queue_id: str) -> QState:
        self._check_id("queue", queue_id)
        q = self._queues.get(queue_id)
        if q is None:
            raise UnknownIdError(kind="queue", id=queue_id, known=self._queues)
        return q

    @staticmethod
    def _illegal(c: CState, action: str, allowed: Iterable[str]) -> IllegalTransitionError:
        return IllegalTransitionError(
            entity=f"contact {c.spec.id!r}", state=c.phase.value, action=action, allowed=allowed
        )

    @classmethod
    def _expect_phase(cls, c: CState, action: str) -> None:
        if c.phase not in CONTACT_ACTIONS[action]:
            raise cls._illegal(c, action, contact_allowed(c.phase))

    def _requirements(self, q: QState, spec: Contact, relaxed: bool) -> Requirements:
        if not spec.skills and not relaxed:
            return q.base_reqs
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

    def _schedule_contact(self, c: CState, fresh: bool = False) -> None:
        """Set the contact's next waiting timer; ``fresh``: it has none yet."""
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
        declined = c.declined
        if declined:
            at = min(declined.values())  # an agent becomes eligible again
            deadline = at if deadline is None else min(deadline, at)
        if deadline is None:
            if fresh:
                return
            self._timers.cancel(c)
        else:
            self._timers.schedule(c, deadline)

    @staticmethod
    def _prune(c: CState, t: float) -> None:
        """Forget the declines whose retry delay has passed (``c`` must be unplaced)."""
        declined = c.declined
        if declined is not None:
            for aid in [aid for aid, until in declined.items() if until <= t]:
                del declined[aid]
            if not declined:
                c.declined = None

    @staticmethod
    def _preferred_can_take(c: CState) -> bool:
        """Whether one of ``c``'s sticky agents may still take it.

        One may unless it is not a member of the contact's queue, is logged out, has
        no capacity on the contact's channel, lacks the skills, or declined or missed
        the contact within the retry delay. (Busy, paused or in wrap-up, it may:
        the contact waits for it until the sticky period ends.)
        """
        sticky = c.sticky
        assert sticky is not None
        q = c.queue
        declined = c.declined
        for aid in sticky:
            m = q.by_agent.get(aid)
            if m is None:
                continue
            a = m.agent
            if (
                a.logged_in
                and a.cap[c.ch] > 0
                and (declined is None or aid not in declined)
                and a.qualifies(c.reqs)
            ):
                return True
        return False

    def _fall_back(self, m: Member, t: float, events: list[RoutingEvent]) -> None:
        """Open to the whole queue the stranded contacts sticky to ``m``'s agent.

        Those that no preferred agent can take any more (the agent logged out) are
        matched again, best first.
        """
        contacts = self._contacts
        waiting = [contacts[item[3]] for lane in list(m.sticky.values()) for item in lane.items]
        stranded = [c for c in waiting if not self._preferred_can_take(c)]
        for c in stranded:
            unplace(c)
            c.sticky = None
            place(c)
            self._schedule_contact(c)
        for c in sorted(stranded, key=lambda c: c.key):
            self._match_contact(c, t, events)

    def _enter(self, c: CState, q: QState, t: float, vstart: float, seq: int) -> None:
        """Put a contact that is in no queue into ``q`` as a fresh waiting entry.

        (``RoutingEngine.enqueue`` does the same, inlined, for a contact new to the
        engine.)
        """
        defn = q.defn
        spec = c.spec
        c.queue = q
        c.queued_at = t
        c.phase = WAITING
        c.step = 0
        c.max_tier = defn.start_tier
        c.reqs = q.base_reqs if not spec.skills else self._requirements(q, spec, False)
        c.key = queue_key(defn.aging_rate, c.priority, vstart, seq, spec.id)
        place(c)
        self._schedule_contact(c)

    def _sync(self, a: AState, t: float, events: list[RoutingEvent], reindex: bool = True) -> None:
        # The reported state, from the flags (the ordered table DERIVED_STATE). This
        # runs two or three times per routing event.
        new = derive_state(a)
        old = a.state
        if new is not old or (new is NOT_READY and a.reason != a.state_reason):
            reason = a.reason if new is NOT_READY else None
            events.append(
                new_agent_state_changed(
                    at=t, agent_id=a.id, old=old, new=new, since=a.since, reason=reason
                )
            )
            a.state = new
            a.state_reason = reason
            a.since = t
            if new is AVAILABLE:
                a.idle_since = t
        if reindex:
            # Readiness: the channels with room, unless logged out or paused (a
            # wrap-up holds its channel's room). Most changes leave the ready tables
            # as they are.
            mask = 0 if not a.logged_in or a.paused else a.room
            if mask != a.ready:
                self._reindex(a, mask)

    @staticmethod
    def _reindex(a: AState, mask: int) -> None:
        """Bring the queues' per-channel ready tables in line with ``mask`` (live)."""
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

    def _match_contact(self, c: CState, t: float, events: list[RoutingEvent]) -> None:
        q = c.queue
        ready = q.ready[c.ch]
        if not ready or c.phase is not WAITING:
            return
        # A ready member may take the contact when it fits the contact's lane (skills,
        # open tier, sticky agents; cached per lane) and has not declined it. A new
        # contact is matched before it takes a place (its lane would be open).
        lane = c.lane
        if lane is not None:
            key = lane.key
            fits = lane.fits
        else:
            assert c.sticky is None  # enqueue places a sticky contact before matching it
            key = (c.ch, c.reqs, c.max_tier, None)
            known = q.fits.get(key)
            fits = known if known is not None else q.fits.setdefault(key, {})
        declined = c.declined
        candidates: list[Member] = []
        for m in ready.values():
            ok = fits.get(m)
            if ok is None:
                ok = fits[m] = self._fits(m, key)
            if ok and (declined is None or m.agent.id not in declined):
                candidates.append(m)
        if candidates:
            # Preferred agents first, whenever one can take it (sticky or not).
            preferred = c.spec.preferred_agents
            first = preferred and [m for m in candidates if m.agent.id in preferred]
            if first:
                chosen, why = choose_member(q, first, self._rng, self._explain)
                if self._explain:
                    why = "a preferred agent is offered first; " + why
            else:
                chosen, why = choose_member(q, candidates, self._rng, self._explain)
            self._offer(c, chosen, t, events, why)

    @staticmethod
    def _fits(m: Member, key: LaneKey) -> bool:
        """May ``m``'s agent take lane ``key``'s contacts, channel room and declines aside."""
        a = m.agent
        _, reqs, max_tier, sticky = key
        return (
            (max_tier is None or m.tier <= max_tier)
            and (sticky is None or a.id in sticky)
            and a.qualifies(reqs)
        )

    def _first_not_declined(self, lane: Lane, agent_id: str) -> _Item | None:
        """The best contact of ``lane`` that ``agent_id`` has not declined. ``O(k)``."""
        contacts = self._contacts
        for item in lane.items:
            declined = contacts[item[3]].declined
            if declined is None or agent_id not in declined:
                return item
        return None

    def _match_agent(self, a: AState, t: float, events: list[RoutingEvent]) -> None:
        # The live mask, not the indexed one: _release defers re-indexing until the
        # agent has taken what it will take, to spare the ready tables a round trip.
        live = 0 if not a.logged_in or a.paused else a.room  # readiness, as in _sync
        mask = live
        oldest_wait = self._oldest_wait
        members = a.members
        aid = a.id
        sticky = a.sticky_lanes  # no contact prefers the agent: the open lanes only
        while mask:
            best_item: _Item | None = None
            best_member: Member | None = None
            # OLDEST_WAIT ranks a queue by its weighted wait alone (higher wins);
            # PRIORITY_FIRST by the score (-aged priority, -weighted wait, position),
            # lower wins.
            best_weighted = 0.0
            best_score: tuple[float, float, int] = (0.0, 0.0, 0)
            # Bit i: some lane of channel i passed the checks in this pass.
            seen = 0
            for m in members:
                open_lanes = m.lanes
                lanes: Iterable[Lane]
                if sticky and m.sticky:  # the open lanes, and those preferring this agent
                    lanes = [*open_lanes.values(), *m.sticky.values()]
                elif open_lanes:
                    lanes = open_lanes.values()
                else:
                    continue
                # The best contact the agent may take in this queue: the best head
                # among the lanes it fits (a lane with declines: the first contact
                # this agent did not decline).
                item: _Item | None = None
                for lane in lanes:
                    bit = lane.bit
                    if not mask & bit:
                        continue
                    fits = lane.fits.get(m)
                    if fits is None:
                        fits = lane.fits[m] = self._fits(m, lane.key)
                    if not fits:
                        continue
                    seen |= bit
                    head = self._first_not_declined(lane, aid) if lane.declined else lane.head
                    if head is not None and (item is None or head < item):
                        item = head
                if item is None:
                    continue
                weighted = m.queue_weight * (t - item[1])
                if oldest_wait:
                    # Strictly better only: ties stay with the earlier-listed queue.
                    if best_member is None or weighted > best_weighted:
                        best_item, best_member, best_weighted = item, m, weighted
                    continue
                c = self._contacts[item[3]]
                aged = c.priority + m.queue.defn.aging_rate * (t - item[1])
                score = (-aged, -weighted, m.position)
                if best_member is None or score < best_score:
                    best_item, best_member, best_score = item, m, score
            if best_member is None:
                break
            assert best_item is not None
            chosen = self._contacts[best_item[3]]
            why = ""
            if self._explain:
                why = (
                    f"{a.id} had room and took the head of {best_member.queue.id!r} among "
                    f"its queues by the {self._policy.value!r} policy (effective wait "
                    f"{t - chosen.key[1]:g} s, priority {chosen.priority})"
                )
            self._offer(chosen, best_member, t, events, why, False)
            # An offer only takes room (on its channel, and on the other exclusive
            # channels if its own is one; the agent's other flags stay), and only
            # removes a waiting contact: a channel that had no usable lane in this
            # pass has none in the next.
            live &= a.room
            mask = live & seen
        if live != a.ready:
            self._reindex(a, live)

    def _offer(
        self,
        c: CState,
        m: Member,
        t: float,
        events: list[RoutingEvent],
        why: str,
        reindex: bool = True,
    ) -> None:
        a = m.agent
        q = c.queue
        explanation = self._explanation(c, t, a.id, why) if self._explain else None
        if c.lane is not None:  # a new contact offered at once never took a place
            unplace(c)
        cid = c.spec.id
        c.phase = RINGING
        c.agent = a
        c.offered_at = t
        a.offers[cid] = c
        # Count the offer against the agent's room: its channel is full at capacity,
        # and while it holds an exclusive channel the other exclusive ones wait (so
        # at most one is ever in use; AState.give_back relies on it).
        ch = c.ch
        load = a.load
        load[ch] += 1
        room = a.room & a.take_mask[ch]
        if load[ch] >= a.cap[ch]:
            room &= ~(1 << ch)
        a.room = room
        q.ringing += 1
        q.rr_last = a.index
        defn = q.defn
        deadline = t + defn.ring_timeout
        self._timers.schedule(c, deadline)
        events.append(
            new_contact_offered(
                at=t,
                contact_id=cid,
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
        self._sync(a, t, events, reindex)

    def _return_offer(
        self, c: CState, t: float, reason: DeclineReason, events: list[RoutingEvent]
    ) -> None:
        a = c.agent
        assert a is not None
        assert c.offered_at is not None
        q = c.queue
        del a.offers[c.spec.id]
        a.give_back(c.ch)
        q.ringing -= 1
        self._prune(c, t)
        if c.declined is None:
            c.declined = {}
        c.declined[a.id] = t + q.defn.retry_after
        events.append(
            new_contact_offer_declined(
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
        c.phase = WAITING
        c.agent = None
        c.offered_at = None
        if c.sticky is not None and not self._preferred_can_take(c):
            c.sticky = None  # no preferred agent can take it: fall back at once
        place(c)
        self._schedule_contact(c)
        if reason is not DeclineReason.REJECTED:  # a ring timeout, or missed on the phone
            a.misses += 1
            limit = q.defn.auto_pause_after
            if limit and a.misses >= limit and not a.paused:
                a.paused = True
                a.reason = "missed offers"
        self._sync(a, t, events)
        self._match_contact(c, t, events)
        self._match_agent(a, t, events)

    def _verdict(self, m: Member, c: CState) -> Candidate:
        a = m.agent
        if c.agent is a:  # the offer rings at this agent (or it handles the contact)
            return Candidate(agent_id=a.id, tier=m.tier, excluded=None, detail=c.phase.value)
        excluded: Exclusion | None = None
        detail = ""
        if not a.logged_in:
            excluded = Exclusion.LOGGED_OUT
        elif c.declined is not None and a.id in c.declined:
            excluded = Exclusion.DECLINED
            detail = f"declined or missed this contact; eligible again at {c.declined[a.id]:g}"
        elif a.paused:
            excluded, detail = Exclusion.NOT_READY, a.reason or ""
        elif not a.has_room(c.ch) and self._wrap_holds(a, c.ch):
            excluded = Exclusion.WRAP_UP
            detail = f"wrap-up holds the {c.spec.channel.value} capacity"
        elif not a.has_room(c.ch):
            excluded = Exclusion.NO_CAPACITY
            if a.load[c.ch] >= a.cap[c.ch]:
                detail = f"{a.load[c.ch]} of {a.cap[c.ch]} {c.spec.channel.value} in use"
            else:
                held = [CHANNELS[i].value for i in a.channels if a.exclusive >> i & 1 and a.load[i]]
                detail = f"has a {', '.join(held)} contact, exclusive with {c.spec.channel.value}"
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

    def _release(self, a: AState, c: CState, t: float, events: list[RoutingEvent]) -> None:
        """The agent's handling of ``c`` ended: talk time, wrap-up, next contact."""
        assert c.answered_at is not None
        del a.active[c.spec.id]
        ch = c.ch
        a.talk += t - c.answered_at
        q = c.queue
        if q.per_queue:
            q.by_agent[a.id].talk += t - c.answered_at
        wrap = a.defn.wrap_up if a.defn.wrap_up is not None else q.defn.wrap_up
        if wrap > 0:
            # The wrap-up keeps the contact's unit of capacity until it ends: the
            # agent stays free for the other channels.
            w = Wrap(a, ch)
            a.wraps.append(w)
            self._timers.schedule(w, t + wrap)
        else:
            a.give_back(ch)
        self._sync(a, t, events, False)
        self._match_agent(a, t, events)  # re-indexes the agent

    def _leave(self, c: CState, t: float, reason: LeaveReason, events: list[RoutingEvent]) -> None:
        events.append(
            new_contact_left(
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
        unplace(c)

    def _move(self, c: CState, target: QState, t: float, events: list[RoutingEvent]) -> None:
        """Move a waiting contact to ``target`` keeping its place, then match it."""
        unplace(c)
        self._prune(c, t)
        c.sticky = None
        self._enter(c, target, t, c.key[1], c.key[2])
        self._queued_event(c, t, events)
        self._match_contact(c, t, events)

    @staticmethod
    def _queued_event(c: CState, t: float, events: list[RoutingEvent]) -> None:
        events.append(
            new_contact_queued(
                at=t,
                contact_id=c.spec.id,
                queue=c.queue.id,
                channel=c.spec.channel,
                priority=c.priority,
                arrived_at=c.arrived_at,
                queued_at=t,
            )
        )

    @staticmethod
    def _agent_illegal(a: AState, action: str) -> IllegalTransitionError:
        return IllegalTransitionError(
            entity=f"agent {a.id!r}", state=a.state.value, action=action, allowed=agent_allowed(a)
        )

    @staticmethod
    def _wrap_holds(a: AState, ch: int) -> bool:
        """Whether a wrap-up keeps channel index ``ch`` from ``a``.

        That is a wrap-up on ``ch`` itself, or on an exclusive channel when ``ch`` is
        one too.
        """
        both = a.exclusive >> ch & 1
        return any(w.ch == ch or (both and a.exclusive >> w.ch & 1) for w in a.wraps)

    def _end_wraps(
        self, a: AState, wraps: list[Wrap], t: float, events: list[RoutingEvent]
    ) -> None:
        """End ``wraps`` (the agent's, their timers already gone): give back their room."""
        for w in wraps:
            a.wraps.remove(w)
            a.give_back(w.ch)
        self._sync(a, t, events)
        self._match_agent(a, t, events)

    def _contact_timer(self, c: CState, t: float, events: list[RoutingEvent]) -> None:
        q = c.queue
        defn = q.defn
        unplace(c)
        self._prune(c, t)
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
                new_contact_escalated(
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
        rekey(c)
        if move_to is not None:
            target = self._queues[move_to]
            events.append(
                new_contact_transferred(
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
            place(c)
            self._move(c, target, t, events)
            return
        if defn.max_wait is not None and c.queued_at + defn.max_wait <= t:
            assert defn.overflow is not None
            kind = defn.overflow.kind
            events.append(
                new_contact_overflowed(
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
                place(c)
                self._move(c, self._queues[defn.overflow.queue], t, events)
            else:
                del self._contacts[c.spec.id]
            return
        place(c)
        self._schedule_contact(c)
        self._match_contact(c, t, events)
