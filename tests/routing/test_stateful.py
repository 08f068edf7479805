"""The engine against a naive reference model, driven by Hypothesis.

The model below keeps every contact in one flat dict and decides by scanning
everything (O(n) per decision). The state machine drives both with the same random
arrivals, agent changes, offers, rejections, abandons, transfers and time steps, and
checks after every step that they made the same offers and agree on every contact's
place and every agent's state, and that the engine keeps its invariants: no contact
lost or duplicated, no agent over capacity, work conservation, queue order.
"""

from __future__ import annotations

import inspect
import math
import random
from typing import Any

import attrs
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from callcenter.errors import (
    DuplicateIdError,
    EngineError,
    IllegalTransitionError,
    InvalidArgumentError,
    TimeWentBackwardsError,
)
from callcenter.routing import (
    AgentState,
    AgentStateChanged,
    Channel,
    Contact,
    ContactOffered,
    CrossQueuePolicy,
    OverflowKind,
    RoutingDefinition,
    RoutingEngine,
    RoutingEvent,
    Strategy,
)
from callcenter.testing import RoutingEventChecker, contacts, routing_definitions

# ---------------------------------------------------------------------------- the model


@attrs.define
class MContact:
    spec: Contact
    queue: str
    arrived: float
    queued_at: float
    vstart: float
    seq: int
    priority: int
    phase: str = "waiting"
    agent: str | None = None
    max_tier: int | None = None
    relaxed: bool = False
    sticky: frozenset[str] | None = None
    step: int = 0
    # Agent id -> the time from which it may be offered the contact again.
    declined: dict[str, float] = attrs.field(factory=dict)
    answered_at: float | None = None


@attrs.define
class MAgent:
    id: str
    index: int
    skills: dict[str, int]
    capacity: dict[Channel, int]
    exclusive: frozenset[Channel]
    members: list[tuple[str, int, float]]
    wrap_up: float | None
    logged_in: bool = False
    paused: bool = False
    reason: str | None = None
    # Wrap-ups in progress: (timer id, the channel whose capacity each holds).
    wraps: list[tuple[str, Channel]] = attrs.field(factory=list)
    contacts: list[str] = attrs.field(factory=list)
    idle_since: float = 0.0
    handled: int = 0
    talk: float = 0.0
    # Per queue, for counts_per_queue.
    handled_in: dict[str, int] = attrs.field(factory=dict)
    talk_in: dict[str, float] = attrs.field(factory=dict)
    misses: int = 0
    state: AgentState = AgentState.LOGGED_OUT


class Model:
    """Naive ACD with the documented semantics, deciding by full scans."""

    def __init__(self, definition: RoutingDefinition, seed: int) -> None:
        self.queues = {q.id: q for q in definition.queues}
        self.policy = definition.cross_queue
        self.agents = {
            a.id: MAgent(
                id=a.id,
                index=i,
                skills=dict(a.skills),
                capacity=dict(a.capacity),
                exclusive=a.exclusive_channels,
                members=[(m.queue, m.tier, m.weight) for m in a.queues],
                wrap_up=a.wrap_up,
            )
            for i, a in enumerate(definition.agents)
        }
        self.contacts: dict[str, MContact] = {}
        self.outcomes: dict[str, str] = {}
        self.rng = random.Random(seed)
        self.seq = 0
        self.rr_last = dict.fromkeys(self.queues, -1)
        # key -> (deadline, schedule order)
        self.timers: dict[tuple[str, str], tuple[float, int]] = {}
        self.timer_seq = 0
        self.offers: list[tuple[str, str]] = []

    # -- helpers
    def schedule(self, key: tuple[str, str], deadline: float) -> None:
        self.timer_seq += 1
        self.timers[key] = (deadline, self.timer_seq)

    def cancel(self, key: tuple[str, str]) -> None:
        self.timers.pop(key, None)

    def load(self, a: MAgent, channel: Channel) -> int:
        """Contacts on ``channel``, and wrap-ups holding its capacity."""
        held = sum(1 for _, ch in a.wraps if ch is channel)
        return held + sum(1 for cid in a.contacts if self.contacts[cid].spec.channel is channel)

    def has_room(self, a: MAgent, channel: Channel) -> bool:
        if self.load(a, channel) >= a.capacity.get(channel, 0):
            return False
        # An exclusive channel waits while another exclusive one is in use.
        return channel not in a.exclusive or not any(
            self.load(a, other) for other in a.exclusive if other is not channel
        )

    def ready(self, a: MAgent) -> bool:
        return a.logged_in and not a.paused and any(self.has_room(a, ch) for ch in a.capacity)

    def reqs(self, c: MContact) -> dict[str, int]:
        q = self.queues[c.queue]
        levels: dict[str, int] = {}
        if q.skill is not None:
            levels[q.skill] = q.min_level
        for r in c.spec.skills:
            levels[r.skill] = max(levels.get(r.skill, 0), r.min_level)
        return dict.fromkeys(levels, 0) if c.relaxed else levels

    def tier(self, a: MAgent, queue: str) -> int | None:
        for q, tier, _ in a.members:
            if q == queue:
                return tier
        return None

    def eligible(self, a: MAgent, c: MContact, now: float | None = None) -> bool:
        """May ``a`` take ``c`` now; with ``now``, a decline whose retry delay has
        passed by ``now`` does not count, whether or not it has been forgotten."""
        tier = self.tier(a, c.queue)
        if tier is None or not self.ready(a):
            return False
        if not self.has_room(a, c.spec.channel):
            return False
        if any(a.skills.get(s, -1) < lvl for s, lvl in self.reqs(c).items()):
            return False
        if c.max_tier is not None and tier > c.max_tier:
            return False
        if c.sticky is not None and a.id not in c.sticky:
            return False
        if now is not None:  # a retry delay that ends at ``now`` may still be pending
            return c.declined.get(a.id, -math.inf) < now
        return a.id not in c.declined

    def key(self, c: MContact) -> tuple[float, float, int]:
        rate = self.queues[c.queue].aging_rate
        return (rate * c.vstart - c.priority, c.vstart, c.seq)

    def waiting(self, queue: str) -> list[MContact]:
        found = [c for c in self.contacts.values() if c.queue == queue and c.phase == "waiting"]
        return sorted(found, key=self.key)

    def derive(self, a: MAgent) -> AgentState:
        if not a.logged_in:
            return AgentState.LOGGED_OUT
        phases = [self.contacts[cid].phase for cid in a.contacts]
        if "active" in phases:
            return AgentState.BUSY
        if "ringing" in phases:
            return AgentState.RESERVED
        if a.wraps:
            return AgentState.WRAP_UP
        if a.paused:
            return AgentState.NOT_READY
        return AgentState.AVAILABLE

    def sync(self, a: MAgent, t: float) -> None:
        new = self.derive(a)
        if new is not a.state and new is AgentState.AVAILABLE:
            a.idle_since = t
        a.state = new

    def contact_deadline(self, c: MContact) -> float | None:
        q = self.queues[c.queue]
        options = []
        if c.sticky is not None:
            options.append(c.queued_at + c.spec.sticky_for)
        if c.step < len(q.escalation):
            options.append(c.queued_at + q.escalation[c.step].after)
        if q.max_wait is not None:
            options.append(c.queued_at + q.max_wait)
        if c.declined:
            options.append(min(c.declined.values()))
        return min(options) if options else None

    def schedule_contact(self, c: MContact) -> None:
        deadline = self.contact_deadline(c)
        if deadline is None:
            self.cancel(("c", c.spec.id))
        else:
            self.schedule(("c", c.spec.id), deadline)

    # -- choosing
    def choose(self, queue: str, candidates: list[MAgent]) -> MAgent:
        q = self.queues[queue]
        tiers = {a.id: self.tier(a, queue) or 0 for a in candidates}
        best = min(tiers.values())
        pool = sorted((a for a in candidates if tiers[a.id] == best), key=lambda a: a.index)
        s = q.strategy
        if s is Strategy.LONGEST_IDLE:
            return min(pool, key=lambda a: (a.idle_since, a.index))
        if s is Strategy.ROUND_ROBIN:
            later = [a for a in pool if a.index > self.rr_last[queue]]
            return (later or pool)[0]
        if s is Strategy.FEWEST_HANDLED:
            if q.counts_per_queue:
                return min(pool, key=lambda a: (a.handled_in.get(queue, 0), a.index))
            return min(pool, key=lambda a: (a.handled, a.index))
        if s is Strategy.LEAST_TALK_TIME:
            if q.counts_per_queue:
                return min(pool, key=lambda a: (a.talk_in.get(queue, 0.0), a.index))
            return min(pool, key=lambda a: (a.talk, a.index))
        if s is Strategy.FIXED_ORDER:
            return pool[0]
        if s is Strategy.HIGHEST_SKILL:
            skill = q.skill
            return min(
                pool,
                key=lambda a: (
                    -(a.skills.get(skill, 0) if skill else 0),
                    a.idle_since,
                    a.index,
                ),
            )
        if s is Strategy.RANDOM:
            return pool[self.rng.randrange(len(pool))]
        weights = [next(w for qq, _, w in a.members if qq == queue) for a in pool]
        point = self.rng.random() * sum(weights)
        for a, w in zip(pool, weights, strict=True):
            point -= w
            if point < 0:
                return a
        return pool[-1]

    def offer(self, c: MContact, a: MAgent, t: float) -> None:
        c.phase = "ringing"
        c.agent = a.id
        a.contacts.append(c.spec.id)
        self.rr_last[c.queue] = a.index
        self.schedule(("c", c.spec.id), t + self.queues[c.queue].ring_timeout)
        self.offers.append((c.spec.id, a.id))
        self.sync(a, t)

    def prune(self, c: MContact, t: float) -> None:
        c.declined = {aid: until for aid, until in c.declined.items() if until > t}

    def can_take(self, c: MContact) -> bool:
        """Whether a sticky agent of ``c`` may still take it."""
        assert c.sticky is not None
        for aid in c.sticky:
            a = self.agents.get(aid)
            if (
                a is not None
                and self.tier(a, c.queue) is not None
                and a.logged_in
                and a.capacity.get(c.spec.channel, 0) > 0
                and aid not in c.declined
                and all(a.skills.get(s, -1) >= lvl for s, lvl in self.reqs(c).items())
            ):
                return True
        return False

    def match_contact(self, c: MContact, t: float) -> None:
        if c.phase != "waiting":
            return
        candidates = [a for a in self.agents.values() if self.eligible(a, c)]
        preferred = [a for a in candidates if a.id in c.spec.preferred_agents]
        if preferred:
            self.offer(c, self.choose(c.queue, preferred), t)
        elif candidates:
            self.offer(c, self.choose(c.queue, candidates), t)

    def match_agent(self, a: MAgent, t: float) -> None:
        while self.ready(a):
            best: tuple[tuple[float, ...], MContact] | None = None
            for position, (queue, _, _) in enumerate(a.members):
                heads = [c for c in self.waiting(queue) if self.eligible(a, c)]
                if not heads:
                    continue
                c = heads[0]
                q = self.queues[queue]
                waited = t - c.vstart
                weighted = q.weight * waited
                if self.policy is CrossQueuePolicy.OLDEST_WAIT:
                    score: tuple[float, ...] = (-weighted, position)
                else:
                    score = (-(c.priority + q.aging_rate * waited), -weighted, position)
                if best is None or score < best[0]:
                    best = (score, c)
            if best is None:
                return
            self.offer(best[1], a, t)

    # -- entering queues
    def enter(self, c: MContact, queue: str, t: float) -> None:
        q = self.queues[queue]
        c.queue = queue
        c.queued_at = t
        c.phase = "waiting"
        c.step = 0
        c.max_tier = q.start_tier
        c.relaxed = False
        self.schedule_contact(c)

    def move(self, c: MContact, queue: str, t: float) -> None:
        self.prune(c, t)
        c.sticky = None
        self.enter(c, queue, t)
        self.match_contact(c, t)

    # -- actions (already validated by the caller)
    def enqueue(self, spec: Contact, queue: str, t: float) -> None:
        q = self.queues[queue]
        waiting = len(self.waiting(queue))
        logged = any(a.logged_in and self.tier(a, queue) for a in self.agents.values())
        if (q.capacity is not None and waiting >= q.capacity) or (
            not q.join_when_empty and not logged
        ):
            self.outcomes[spec.id] = "refused"
            return
        self.seq += 1
        c = MContact(
            spec=spec,
            queue=queue,
            arrived=t,
            queued_at=t,
            vstart=t - spec.age_bonus,
            seq=self.seq,
            priority=spec.priority,
        )
        if spec.preferred_agents and spec.sticky_for > 0:
            c.sticky = frozenset(spec.preferred_agents)
            if not self.can_take(c):
                c.sticky = None
        self.contacts[spec.id] = c
        self.enter(c, queue, t)
        self.match_contact(c, t)

    def accept(self, cid: str, t: float) -> None:
        c = self.contacts[cid]
        a = self.agents[c.agent or ""]
        self.cancel(("c", cid))
        c.phase = "active"
        c.answered_at = t
        a.misses = 0
        a.handled += 1
        a.handled_in[c.queue] = a.handled_in.get(c.queue, 0) + 1
        self.sync(a, t)

    def return_offer(self, cid: str, t: float, timeout: bool) -> None:
        c = self.contacts[cid]
        a = self.agents[c.agent or ""]
        a.contacts.remove(cid)
        self.prune(c, t)
        c.declined[a.id] = t + self.queues[c.queue].retry_after
        c.phase = "waiting"
        c.agent = None
        if c.sticky is not None and not self.can_take(c):
            c.sticky = None
        self.schedule_contact(c)
        if timeout:
            a.misses += 1
            limit = self.queues[c.queue].auto_pause_after
            if limit and a.misses >= limit and not a.paused:
                a.paused = True
                a.reason = "missed offers"
        self.sync(a, t)
        self.match_contact(c, t)
        self.match_agent(a, t)

    def release(self, a: MAgent, c: MContact, t: float) -> None:
        a.contacts.remove(c.spec.id)
        assert c.answered_at is not None
        a.talk += t - c.answered_at
        a.talk_in[c.queue] = a.talk_in.get(c.queue, 0.0) + (t - c.answered_at)
        wrap = a.wrap_up if a.wrap_up is not None else self.queues[c.queue].wrap_up
        if wrap > 0:
            self.timer_seq += 1
            ident = f"{a.id}#{self.timer_seq}"
            a.wraps.append((ident, c.spec.channel))
            self.schedule(("a", ident), t + wrap)
        self.sync(a, t)
        self.match_agent(a, t)

    def complete(self, cid: str, t: float) -> None:
        c = self.contacts.pop(cid)
        self.outcomes[cid] = "completed"
        self.release(self.agents[c.agent or ""], c, t)

    def abandon(self, cid: str, t: float) -> None:
        c = self.contacts.pop(cid)
        self.outcomes[cid] = "abandoned"
        self.cancel(("c", cid))
        if c.agent is not None:
            a = self.agents[c.agent]
            a.contacts.remove(cid)
            self.sync(a, t)
            self.match_agent(a, t)

    def remove(self, cid: str) -> None:
        self.contacts.pop(cid)
        self.outcomes[cid] = "removed"
        self.cancel(("c", cid))

    def transfer(self, cid: str, queue: str, t: float) -> None:
        c = self.contacts[cid]
        if c.agent is None:
            self.move(c, queue, t)
            return
        a = self.agents[c.agent]
        c.agent = None
        self.release(a, c, t)
        c.answered_at = None
        self.move(c, queue, t)

    def set_priority(self, cid: str, priority: int) -> None:
        self.contacts[cid].priority = priority

    def login(self, aid: str, t: float) -> None:
        a = self.agents[aid]
        a.logged_in = True
        a.paused = False
        a.reason = None
        a.handled = 0
        a.talk = 0.0
        a.handled_in.clear()
        a.talk_in.clear()
        a.misses = 0
        a.idle_since = t
        self.sync(a, t)
        self.match_agent(a, t)

    def logout(self, aid: str, t: float) -> None:
        a = self.agents[aid]
        a.logged_in = False
        a.paused = False
        a.reason = None
        for ident, _ in a.wraps:
            self.cancel(("a", ident))
        a.wraps.clear()
        self.sync(a, t)
        for queue, _, _ in a.members:
            if not self.queues[queue].leave_when_empty:
                continue
            if any(b.logged_in and self.tier(b, queue) for b in self.agents.values()):
                continue
            for c in self.waiting(queue):
                self.remove(c.spec.id)
                self.outcomes[c.spec.id] = "left"
        for queue, _, _ in a.members:
            stranded = [
                c
                for c in self.waiting(queue)
                if c.sticky is not None and aid in c.sticky and not self.can_take(c)
            ]
            for c in stranded:
                c.sticky = None
                self.schedule_contact(c)
            for c in stranded:
                self.match_contact(c, t)

    def pause(self, aid: str, reason: str, t: float) -> None:
        a = self.agents[aid]
        a.paused = True
        a.reason = reason
        self.sync(a, t)

    def unpause(self, aid: str, t: float) -> None:
        a = self.agents[aid]
        a.paused = False
        a.reason = None
        a.misses = 0
        self.sync(a, t)
        self.match_agent(a, t)

    def end_wrap(self, aid: str, t: float) -> None:
        a = self.agents[aid]
        for ident, _ in a.wraps:
            self.cancel(("a", ident))
        a.wraps.clear()
        self.sync(a, t)
        self.match_agent(a, t)

    def advance(self, now: float, floor: float) -> None:
        while self.timers:
            key = min(self.timers, key=lambda k: self.timers[k])
            deadline = self.timers[key][0]
            if deadline > now:
                return
            del self.timers[key]
            t = max(deadline, floor)
            floor = t
            kind, ident = key
            if kind == "a":
                a = self.agents[ident.split("#")[0]]
                a.wraps = [w for w in a.wraps if w[0] != ident]
                self.sync(a, t)
                self.match_agent(a, t)
            elif self.contacts[ident].phase == "ringing":
                self.return_offer(ident, t, timeout=True)
            else:
                self.contact_timer(self.contacts[ident], t)

    def contact_timer(self, c: MContact, t: float) -> None:
        q = self.queues[c.queue]
        self.prune(c, t)
        if c.sticky is not None and c.queued_at + c.spec.sticky_for <= t:
            c.sticky = None
        while c.step < len(q.escalation) and c.queued_at + q.escalation[c.step].after <= t:
            step = q.escalation[c.step]
            if step.any_tier:
                c.max_tier = None
            elif step.max_tier is not None and c.max_tier is not None:
                c.max_tier = max(c.max_tier, step.max_tier)
            if step.relax_skills:
                c.relaxed = True
            c.priority += step.priority_boost
            c.step += 1
            if step.move_to is not None:
                self.move(c, step.move_to, t)
                return
        if q.max_wait is not None and c.queued_at + q.max_wait <= t:
            assert q.overflow is not None
            if q.overflow.kind is OverflowKind.QUEUE:
                assert q.overflow.queue is not None
                self.move(c, q.overflow.queue, t)
            else:
                del self.contacts[c.spec.id]
                self.outcomes[c.spec.id] = "overflowed"
            return
        self.schedule_contact(c)
        self.match_contact(c, t)


# ---------------------------------------------------------------------------- the machine

# One rule picks an action from this list; the most useful ones are listed first
# (Hypothesis shrinks towards the first) and more than once (to be drawn more often).
ACTIONS = (
    "arrive",
    "tick",
    "accept",
    "login",
    "complete",
    "arrive",
    "tick",
    "accept",
    "reject",
    "abandon",
    "not_ready",
    "ready",
    "logout",
    "end_wrap_up",
    "transfer",
    "set_priority",
    "remove",
    "duplicate_arrival",
    "time_backwards",
)
PARAMS: dict[str, st.SearchStrategy[Any]] = {
    "dt": st.integers(0, 12),
    "count": st.integers(1, 4),
    "reason": st.sampled_from(["break", "lunch", "training"]),
    "ringing": st.booleans(),
    "active": st.booleans(),
    "priority": st.integers(0, 3),
}


class RoutingMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.engine: RoutingEngine
        self.model: Model
        self.now = 0.0
        self.counter = 0
        self.state_seen: dict[str, AgentState] = {}
        self.checker = RoutingEventChecker()

    @initialize(definition=routing_definitions(), seed=st.integers(0, 3), data=st.data())
    def setup(self, definition: RoutingDefinition, seed: int, data: st.DataObject) -> None:
        self.engine = RoutingEngine(definition, seed=seed, explain=True)
        self.model = Model(definition, seed)
        self.agent_ids = [a.id for a in definition.agents]
        self.queue_ids = [q.id for q in definition.queues]
        self.state_seen = dict.fromkeys(self.agent_ids, AgentState.LOGGED_OUT)
        for aid in data.draw(st.lists(st.sampled_from(self.agent_ids), unique=True)):
            self.checker.feed(self.engine.login(aid, self.now))
            self.model.login(aid, self.now)
            self.state_seen[aid] = AgentState.AVAILABLE

    # -- plumbing
    def check_events(self, events: list[RoutingEvent]) -> None:
        offered = [(e.contact_id, e.agent_id) for e in events if isinstance(e, ContactOffered)]
        assert offered == self.model.offers, (offered, self.model.offers)
        self.model.offers.clear()
        self.checker.feed(events)
        last = None
        for e in events:
            assert e.at <= self.now
            if last is not None:
                assert e.at >= last
            last = e.at
            if isinstance(e, AgentStateChanged):
                assert e.old is self.state_seen[e.agent_id]
                assert e.new is not e.old or e.new is AgentState.NOT_READY
                self.state_seen[e.agent_id] = e.new
            if isinstance(e, ContactOffered):
                assert e.explanation is not None
                assert e.explanation.chosen == e.agent_id
                verdict = next(c for c in e.explanation.candidates if c.agent_id == e.agent_id)
                assert verdict.excluded is None

    def projection(self) -> dict[str, Any]:
        snap = self.engine.snapshot(self.now)
        return {
            "waiting": {q: self.engine.waiting(q) for q in self.queue_ids},
            "agents": {a.agent_id: (a.state, sorted(a.contacts)) for a in snap.agents},
            "deadline": self.engine.next_deadline(),
        }

    def expect_error(self, error: type[EngineError], call: Any) -> None:
        before = self.projection()
        with pytest.raises(error):
            call()
        assert self.projection() == before

    def pick(self, data: st.DataObject, phase: str) -> str | None:
        ids = sorted(cid for cid, c in self.model.contacts.items() if c.phase == phase)
        return data.draw(st.sampled_from(ids)) if ids else None

    # -- rules
    @rule(data=st.data(), action=st.sampled_from(ACTIONS))
    def act(self, data: st.DataObject, action: str) -> None:
        method = getattr(self, f"do_{action}")
        params = inspect.signature(method).parameters
        kwargs: dict[str, Any] = {}
        for name in params:
            kwargs[name] = data if name == "data" else data.draw(PARAMS[name], label=name)
        method(**kwargs)

    def do_tick(self, dt: int) -> None:
        floor = self.now
        self.now += dt
        events = self.engine.advance(self.now)
        self.model.advance(self.now, floor)
        self.check_events(events)

    def do_arrive(self, data: st.DataObject, count: int) -> None:
        for _ in range(count):
            self.counter += 1
            spec = data.draw(
                contacts(
                    ids=st.just(f"c{self.counter}"),
                    agent_ids=self.agent_ids,
                    channels=(Channel.VOICE, Channel.CALLBACK, Channel.CHAT),
                )
            )
            queue = data.draw(st.sampled_from(self.queue_ids))
            events = self.engine.enqueue(spec, queue, self.now)
            self.model.enqueue(spec, queue, self.now)
            self.check_events(events)

    def do_duplicate_arrival(self, data: st.DataObject) -> None:
        if not self.model.contacts:
            return
        cid = data.draw(st.sampled_from(sorted(self.model.contacts)))
        self.expect_error(
            DuplicateIdError,
            lambda: self.engine.enqueue(Contact(id=cid), self.queue_ids[0], self.now),
        )

    def do_login(self, data: st.DataObject) -> None:
        aid = data.draw(st.sampled_from(self.agent_ids))
        if self.model.agents[aid].logged_in:
            self.expect_error(IllegalTransitionError, lambda: self.engine.login(aid, self.now))
            return
        events = self.engine.login(aid, self.now)
        self.model.login(aid, self.now)
        self.check_events(events)

    def do_logout(self, data: st.DataObject) -> None:
        aid = data.draw(st.sampled_from(self.agent_ids))
        a = self.model.agents[aid]
        if not a.logged_in or a.contacts:
            self.expect_error(IllegalTransitionError, lambda: self.engine.logout(aid, self.now))
            return
        events = self.engine.logout(aid, self.now)
        self.model.logout(aid, self.now)
        self.check_events(events)

    def do_not_ready(self, data: st.DataObject, reason: str) -> None:
        aid = data.draw(st.sampled_from(self.agent_ids))
        if not self.model.agents[aid].logged_in:
            self.expect_error(
                IllegalTransitionError, lambda: self.engine.set_not_ready(aid, reason, self.now)
            )
            return
        events = self.engine.set_not_ready(aid, reason, self.now)
        self.model.pause(aid, reason, self.now)
        self.check_events(events)

    def do_ready(self, data: st.DataObject) -> None:
        aid = data.draw(st.sampled_from(self.agent_ids))
        if not self.model.agents[aid].logged_in:
            self.expect_error(IllegalTransitionError, lambda: self.engine.set_ready(aid, self.now))
            return
        events = self.engine.set_ready(aid, self.now)
        self.model.unpause(aid, self.now)
        self.check_events(events)

    def do_end_wrap_up(self, data: st.DataObject) -> None:
        aid = data.draw(st.sampled_from(self.agent_ids))
        if not self.model.agents[aid].wraps:
            self.expect_error(
                IllegalTransitionError, lambda: self.engine.end_wrap_up(aid, self.now)
            )
            return
        events = self.engine.end_wrap_up(aid, self.now)
        self.model.end_wrap(aid, self.now)
        self.check_events(events)

    def do_accept(self, data: st.DataObject) -> None:
        cid = self.pick(data, "ringing")
        if cid is None:
            return
        events = self.engine.accept(cid, self.now)
        self.model.accept(cid, self.now)
        self.check_events(events)
        self.expect_error(IllegalTransitionError, lambda: self.engine.accept(cid, self.now))

    def do_reject(self, data: st.DataObject) -> None:
        cid = self.pick(data, "ringing")
        if cid is None:
            return
        missed = data.draw(st.booleans(), label="missed")
        events = self.engine.reject(cid, self.now, missed=missed)
        self.model.return_offer(cid, self.now, timeout=missed)
        self.check_events(events)

    def do_complete(self, data: st.DataObject) -> None:
        cid = self.pick(data, "active")
        if cid is None:
            cid = self.pick(data, "waiting")
            if cid is not None:
                self.expect_error(
                    IllegalTransitionError, lambda: self.engine.complete(cid, self.now)
                )
            return
        events = self.engine.complete(cid, self.now)
        self.model.complete(cid, self.now)
        self.check_events(events)

    def do_abandon(self, data: st.DataObject, ringing: bool) -> None:
        cid = self.pick(data, "ringing" if ringing else "waiting")
        if cid is None:
            return
        events = self.engine.abandon(cid, self.now)
        self.model.abandon(cid, self.now)
        self.check_events(events)

    def do_remove(self, data: st.DataObject) -> None:
        cid = self.pick(data, "waiting")
        if cid is None:
            return
        events = self.engine.remove(cid, self.now)
        self.model.remove(cid)
        self.check_events(events)

    def do_transfer(self, data: st.DataObject, active: bool) -> None:
        cid = self.pick(data, "active" if active else "waiting")
        if cid is None:
            return
        queue = data.draw(st.sampled_from(self.queue_ids))
        if queue == self.model.contacts[cid].queue:
            self.expect_error(
                InvalidArgumentError, lambda: self.engine.transfer(cid, queue, self.now)
            )
            return
        events = self.engine.transfer(cid, queue, self.now)
        self.model.transfer(cid, queue, self.now)
        self.check_events(events)

    def do_set_priority(self, data: st.DataObject, priority: int) -> None:
        cid = self.pick(data, data.draw(st.sampled_from(["waiting", "ringing"])))
        if cid is None:
            return
        self.engine.set_priority(cid, priority, self.now)
        self.model.set_priority(cid, priority)

    def do_time_backwards(self) -> None:
        if self.now > 0:
            self.expect_error(TimeWentBackwardsError, lambda: self.engine.advance(self.now - 1))

    # -- invariants
    @invariant()
    def same_state_as_model(self) -> None:
        if not hasattr(self, "model"):
            return
        for q in self.queue_ids:
            assert self.engine.waiting(q) == [c.spec.id for c in self.model.waiting(q)]
        snap = self.engine.snapshot(self.now)
        for a in snap.agents:
            m = self.model.agents[a.agent_id]
            assert a.state is m.state, (a.agent_id, a.state, m.state)
            assert a.state is self.state_seen[a.agent_id]
            assert sorted(a.contacts) == sorted(m.contacts)
        for cid, c in self.model.contacts.items():
            assert self.engine.contact_phase(cid) == c.phase
            assert self.engine.contact_queue(cid) == c.queue

    @invariant()
    def nothing_lost_or_duplicated(self) -> None:
        if not hasattr(self, "model"):
            return
        placed = [cid for q in self.queue_ids for cid in self.engine.waiting(q)]
        placed += [cid for a in self.engine.snapshot(self.now).agents for cid in a.contacts]
        assert len(placed) == len(set(placed))
        assert set(placed) == set(self.model.contacts)
        assert not set(placed) & set(self.model.outcomes)
        assert len(placed) + len(self.model.outcomes) == self.counter

    @invariant()
    def every_contact_has_an_outcome_in_the_events(self) -> None:
        if not hasattr(self, "model"):
            return
        assert self.checker.open_contacts == set(self.model.contacts)
        for cid, c in self.model.contacts.items():
            assert self.checker.phase(cid) == c.phase
        for cid in self.model.outcomes:
            assert self.checker.outcome(cid) is not None

    @invariant()
    def capacity_respected(self) -> None:
        if not hasattr(self, "model"):
            return
        for a in self.engine.snapshot(self.now).agents:
            m = self.model.agents[a.agent_id]
            for channel in Channel:
                used = sum(
                    1 for cid in a.contacts if self.model.contacts[cid].spec.channel is channel
                )
                assert used <= m.capacity.get(channel, 0)
            in_use = {
                self.model.contacts[cid].spec.channel
                for cid in a.contacts
                if self.model.contacts[cid].spec.channel in m.exclusive
            }
            assert len(in_use) <= 1, f"{a.agent_id} holds exclusive channels {in_use}"

    @invariant()
    def wrap_up_holds_only_its_channel(self) -> None:
        """A wrap-up holds one unit of its channel (as its contact did), nothing more.

        The model counts each wrap-up in its channel's load; the engine, checked
        against the model, agrees on every offer (and work conservation holds), so
        an agent wrapping up an e-mail or a chat still takes calls, and one wrapping
        up a call takes chats. Here: the load with wrap-ups never exceeds the
        capacity, and an agent with wrap-ups and no contact is in ``WRAP_UP``.
        """
        if not hasattr(self, "model"):
            return
        for a in self.model.agents.values():
            for channel in Channel:
                assert self.model.load(a, channel) <= a.capacity.get(channel, 0)
            if a.wraps and not a.contacts:
                assert self.engine.agent_state(a.id) is AgentState.WRAP_UP

    @invariant()
    def work_conserving(self) -> None:
        """No contact waits while an eligible agent is ready and nothing is pending for it.

        A decline or a miss keeps an agent from a contact only for its queue's retry
        delay: once that has passed (before the time the engine has reached; a delay
        ending right now may still be pending), the agent counts as eligible again
        here, whether or not anything forgot the decline.
        """
        if not hasattr(self, "model"):
            return
        for c in self.model.contacts.values():
            if c.phase != "waiting":
                continue
            for a in self.model.agents.values():
                assert not self.model.eligible(a, c, self.now), (c.spec.id, a.id)


RoutingMachine.TestCase.settings = settings(max_examples=150, stateful_step_count=40)
TestRoutingMachine = RoutingMachine.TestCase
