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

from .._checks import check_argument
from .._clock import as_instant
from ..errors import (
    DuplicateIdError,
    InvalidArgumentError,
)
from ._core import EngineCore
from ._definition import RoutingDefinition
from ._events import (
    DeclineReason,
    Event,
    Explanation,
    LeaveReason,
    RefusalReason,
    Snapshot,
)
from ._fast_events import (
    new_contact_abandoned,
    new_contact_answered,
    new_contact_completed,
    new_contact_queued,
    new_contact_refused,
    new_contact_transferred,
)
from ._model import MAX_ID_LENGTH, AgentState, Contact
from ._runtime import (
    ACTIVE,
    CHANNEL_INDEX_BY_ID,
    RINGING,
    WAITING,
    CState,
    Wrap,
)
from ._snapshot import take_snapshot
from ._states import AGENT_ACTIONS

__all__ = ["RoutingEngine"]

_Item = tuple[float, float, int, str]

# When each agent call is legal, from the engine's rules.
_CAN_LOGIN = AGENT_ACTIONS["login"].holds
_CAN_LOGOUT = AGENT_ACTIONS["logout"].holds
_CAN_SET_NOT_READY = AGENT_ACTIONS["set_not_ready"].holds
_CAN_SET_READY = AGENT_ACTIONS["set_ready"].holds
_CAN_END_WRAP_UP = AGENT_ACTIONS["end_wrap_up"].holds


class RoutingEngine(EngineCore):
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
        items = sorted(item for lane in q.all_lanes() for item in lane.items)
        return [item[3] for item in items]

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
        # What EngineCore._enter does for a contact new to the engine, inlined: this
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
            (defn.aging_rate * vstart - priority, vstart, seq, cid),  # as _rekey
            q.base_reqs if not contact.skills else self._requirements(q, contact, False),
            defn.start_tier,
        )
        if contact.preferred_agents and contact.sticky_for > 0:
            c.sticky = frozenset(contact.preferred_agents)
            if not self._preferred_can_take(c):
                c.sticky = None  # none of them can: no sticky period
        contacts[cid] = c
        self._place(c)
        if c.sticky is not None or defn.max_wait is not None or defn.escalation:
            self._schedule_contact(c, True)
        events: list[Event] = [
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
        self._clock.commit(t)
        return events

    def route(self, contact: Contact, now: float, *, since: float | None = None) -> list[Event]:
        """Apply the definition's routing rules to ``contact``, then :meth:`enqueue` it.

        The rules choose the queue and may set the priority, the age bonus and extra
        skills (see :class:`RuleSet`).

        Raises:
            InvalidArgumentError: ``contact`` is not a :class:`Contact`.
            NoRouteError: No rule chose a queue and there is no default queue.
            EngineError: Everything :meth:`enqueue` raises.
        """
        if not isinstance(contact, Contact):
            raise InvalidArgumentError(name="contact", expected="a Contact", got=contact)
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
        events: list[Event] = [
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

    def reject(self, contact_id: str, now: float) -> list[Event]:
        """The agent declined the ringing contact; it goes back to its place.

        The contact is not offered to that agent again within its queue's
        ``retry_after``; then it may be. ``O(log n)`` plus a new match.

        Raises:
            UnknownIdError: No such contact.
            IllegalTransitionError: The contact is not ringing.
            TimeWentBackwardsError: ``now`` is earlier than the last call's.
        """
        t = self._clock.check(now)
        c = self._contact(contact_id)
        self._expect_phase(c, "reject")
        events: list[Event] = []
        self._return_offer(c, t, DeclineReason.REJECTED, events)
        self._clock.commit(t)
        return events

    def complete(self, contact_id: str, now: float) -> list[Event]:
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
        events: list[Event] = [
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
        self._expect_phase(c, "abandon")
        a = c.agent
        events: list[Event] = [
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
            self._unplace(c)
        else:
            del a.offers[contact_id]
            a.give_back(c.ch)
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
        self._expect_phase(c, "remove")
        events: list[Event] = []
        self._leave(c, t, LeaveReason.REMOVED, events)
        self._clock.commit(t)
        return events

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
        self._expect_phase(c, "transfer")
        if target is c.queue:
            raise InvalidArgumentError(
                name="queue",
                expected=f"a queue other than {queue!r}, where it already is",
                got=queue,
            )
        a = c.agent
        events: list[Event] = [
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

    def set_priority(self, contact_id: str, priority: int, now: float) -> list[Event]:
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
            self._unplace(c)
        c.priority = priority
        self._rekey(c, c.key[1], c.key[2])
        if waiting:
            self._place(c)
        self._clock.commit(t)
        return []

    def login(self, agent_id: str, now: float, *, ready: bool = True) -> list[Event]:
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
        if not _CAN_LOGOUT(a):
            raise self._agent_illegal(a, "logout")
        events: list[Event] = []
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

    def set_not_ready(self, agent_id: str, reason: str, now: float) -> list[Event]:
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
        if not _CAN_SET_READY(a):
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
        if not _CAN_END_WRAP_UP(a):
            raise self._agent_illegal(a, "end_wrap_up")
        for w in a.wraps:
            self._timers.cancel(w)
        events: list[Event] = []
        self._end_wraps(a, list(a.wraps), t, events)
        self._clock.commit(t)
        return events

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
        return take_snapshot(self, self._clock.check(now))
