"""The engine's mechanics: lanes, readiness, matching, offers and timers.

:class:`EngineCore` holds all state and the private operations; the public
:class:`~callcenter.routing.RoutingEngine` adds the validated calls on top. Apart from
the id lookups, nothing here validates: the public calls check every argument and
the clock first, then call these to change state.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Any

from .._clock import Clock
from .._timers import TimerQueue
from ..errors import (
    IllegalTransitionError,
    InvalidArgumentError,
    UnknownIdError,
)
from ._definition import RoutingDefinition, ensure_valid
from ._events import (
    Candidate,
    DeclineReason,
    Event,
    Exclusion,
    Explanation,
    LeaveReason,
)
from ._fast_events import (
    new_agent_state_changed,
    new_contact_escalated,
    new_contact_left,
    new_contact_offer_declined,
    new_contact_offered,
    new_contact_overflowed,
    new_contact_queued,
    new_contact_transferred,
)
from ._model import Contact, CrossQueuePolicy, OverflowKind
from ._runtime import (
    AVAILABLE,
    CHANNELS,
    NOT_READY,
    RINGING,
    WAITING,
    AState,
    CState,
    Lane,
    Member,
    QState,
    Requirements,
    Wrap,
)
from ._states import CONTACT_ACTIONS, agent_allowed, contact_allowed, derive_state
from ._strategies import choose_member, chooser

__all__ = ["EngineCore"]


_Item = tuple[float, float, int, str]


class EngineCore:
    """State and private operations of the routing engine (see RoutingEngine)."""

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

    @staticmethod
    def _rekey(c: CState, vstart: float, seq: int) -> None:
        rank = c.queue.defn.aging_rate * vstart - c.priority
        c.key = (rank, vstart, seq, c.spec.id)

    @staticmethod
    def _place(c: CState) -> None:
        """Insert a contact's key into the lane of its eligibility. ``O(log n)``."""
        q = c.queue
        sticky = c.sticky
        lane_key = (c.ch, c.reqs, c.max_tier, sticky)
        lanes = q.lanes if sticky is None else q.sticky_lanes
        lane = lanes.get(lane_key)
        if lane is None:
            lane = lanes[lane_key] = Lane(lane_key)
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

    @staticmethod
    def _unplace(c: CState) -> None:
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

    def _fall_back(self, m: Member, t: float, events: list[Event]) -> None:
        """Open to the whole queue the stranded contacts sticky to ``m``'s agent.

        Those that no preferred agent can take any more (the agent logged out) are
        matched again, best first.
        """
        contacts = self._contacts
        waiting = [contacts[item[3]] for lane in list(m.sticky.values()) for item in lane.items]
        stranded = [c for c in waiting if not self._preferred_can_take(c)]
        for c in stranded:
            self._unplace(c)
            c.sticky = None
            self._place(c)
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
        c.key = (defn.aging_rate * vstart - c.priority, vstart, seq, spec.id)  # as _rekey
        self._place(c)
        self._schedule_contact(c)

    def _sync(self, a: AState, t: float, events: list[Event], reindex: bool = True) -> None:
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

    def _match_contact(self, c: CState, t: float, events: list[Event]) -> None:
        q = c.queue
        ready = q.ready[c.ch]
        if not ready or c.phase is not WAITING:
            return
        # A ready member may take the contact when it fits the contact's lane (skills,
        # open tier, sticky agents; cached per lane) and has not declined it.
        lane = c.lane
        assert lane is not None
        fits = lane.fits
        declined = c.declined
        candidates: list[Member] = []
        for m in ready.values():
            ok = fits.get(m)
            if ok is None:
                ok = fits[m] = self._fits(m, lane)
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
    def _fits(m: Member, lane: Lane) -> bool:
        """May ``m``'s agent take ``lane``'s contacts, channel room and declines aside."""
        a = m.agent
        return (
            (lane.max_tier is None or m.tier <= lane.max_tier)
            and (lane.sticky is None or a.id in lane.sticky)
            and a.qualifies(lane.reqs)
        )

    def _first_not_declined(self, lane: Lane, agent_id: str) -> _Item | None:
        """The best contact of ``lane`` that ``agent_id`` has not declined. ``O(k)``."""
        contacts = self._contacts
        for item in lane.items:
            declined = contacts[item[3]].declined
            if declined is None or agent_id not in declined:
                return item
        return None

    def _match_agent(self, a: AState, t: float, events: list[Event]) -> None:
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
                        fits = lane.fits[m] = self._fits(m, lane)
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
        events: list[Event],
        why: str,
        reindex: bool = True,
    ) -> None:
        a = m.agent
        q = c.queue
        explanation = self._explanation(c, t, a.id, why) if self._explain else None
        self._unplace(c)
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
        self, c: CState, t: float, reason: DeclineReason, events: list[Event]
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

    def _release(self, a: AState, c: CState, t: float, events: list[Event]) -> None:
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
            load = a.load  # a.give_back(ch), inlined
            load[ch] -= 1
            a.room |= (1 << ch) if load[ch] else a.free_mask[ch]
        self._sync(a, t, events, False)
        self._match_agent(a, t, events)  # re-indexes the agent

    def _leave(self, c: CState, t: float, reason: LeaveReason, events: list[Event]) -> None:
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
        self._unplace(c)

    def _move(self, c: CState, target: QState, t: float, events: list[Event]) -> None:
        """Move a waiting contact to ``target`` keeping its place, then match it."""
        self._unplace(c)
        self._prune(c, t)
        c.sticky = None
        self._enter(c, target, t, c.key[1], c.key[2])
        self._queued_event(c, t, events)
        self._match_contact(c, t, events)

    @staticmethod
    def _queued_event(c: CState, t: float, events: list[Event]) -> None:
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

    def _end_wraps(self, a: AState, wraps: list[Wrap], t: float, events: list[Event]) -> None:
        """End ``wraps`` (the agent's, their timers already gone): give back their room."""
        for w in wraps:
            a.wraps.remove(w)
            a.give_back(w.ch)
        self._sync(a, t, events)
        self._match_agent(a, t, events)

    def _contact_timer(self, c: CState, t: float, events: list[Event]) -> None:
        q = c.queue
        defn = q.defn
        self._unplace(c)
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
        self._rekey(c, c.key[1], c.key[2])
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
            self._place(c)
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
                self._place(c)
                self._move(c, self._queues[defn.overflow.queue], t, events)
            else:
                del self._contacts[c.spec.id]
            return
        self._place(c)
        self._schedule_contact(c)
        self._match_contact(c, t, events)
