"""The record builder against a naive model, under random real routing-engine runs."""

from __future__ import annotations

import contextlib
from collections import Counter

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from callcenter.errors import CallCenterError
from callcenter.metrics import ContactRecord, Outcome, RecordBuilder
from callcenter.routing import (
    AgentDefinition,
    Contact,
    ContactAbandoned,
    ContactCompleted,
    ContactRefused,
    Event,
    Membership,
    QueueDefinition,
    RoutingDefinition,
    RoutingEngine,
)

AGENTS = ("a1", "a2", "a3")


class BuilderMachine(RuleBasedStateMachine):
    """Random calls through a real ACD (no wrap-up); every event goes to the builder.

    The naive model: a contact is open from its first event until its last one
    (answered and completed, abandoned, refused); the builder must have exactly the
    contacts the engine still knows open, and one record per contact that left, whose
    outcome follows from its last event.
    """

    def __init__(self) -> None:
        super().__init__()
        definition = RoutingDefinition(
            queues=(QueueDefinition(id="q", capacity=2, ring_timeout=30.0, auto_pause_after=0),),
            agents=tuple(AgentDefinition(id=a, queues=(Membership(queue="q"),)) for a in AGENTS),
        )
        self.engine = RoutingEngine(definition)
        self.builder = RecordBuilder()
        self.now = 0.0
        self.arrived = 0
        self.logged_in: set[str] = set()
        self.records: list[ContactRecord] = []
        self.last: dict[str, Event] = {}

    def _run(self, events: list[Event]) -> None:
        for e in events:
            if hasattr(e, "contact_id"):
                self.last[e.contact_id] = e
        self.records.extend(self.builder.feed_all(events))

    def _tick(self, dt: float) -> None:
        self.now += dt
        due = self.engine.next_deadline()
        while due is not None and due <= self.now:
            self._run(self.engine.advance(due))
            due = self.engine.next_deadline()

    def _live(self) -> list[str]:
        live = []
        for i in range(self.arrived):
            try:
                self.engine.contact_phase(f"c{i}")
            except CallCenterError:
                continue
            live.append(f"c{i}")
        return live

    @initialize()
    def open_the_line(self) -> None:
        for agent in AGENTS[:2]:
            self._run(self.engine.login(agent, self.now))
            self.logged_in.add(agent)

    @rule(dt=st.floats(0.0, 5.0))
    def arrive(self, dt: float) -> None:
        self._tick(dt)
        self._run(self.engine.enqueue(Contact(id=f"c{self.arrived}"), "q", self.now))
        self.arrived += 1

    @rule(agent=st.sampled_from(AGENTS), dt=st.floats(0.0, 5.0))
    def toggle(self, agent: str, dt: float) -> None:
        self._tick(dt)
        try:
            if agent in self.logged_in:
                self._run(self.engine.logout(agent, self.now))
                self.logged_in.discard(agent)
            else:
                self._run(self.engine.login(agent, self.now))
                self.logged_in.add(agent)
        except CallCenterError:
            pass  # an agent in a call cannot log out

    @rule(
        action=st.sampled_from(["accept", "reject", "complete", "abandon"]),
        pick=st.integers(0, 20),
        dt=st.floats(0.0, 5.0),
    )
    def act(self, action: str, pick: int, dt: float) -> None:
        self._tick(dt)
        live = self._live()
        if not live:
            return
        # An action not legal in the contact's phase is refused and changes nothing.
        with contextlib.suppress(CallCenterError):
            self._run(getattr(self.engine, action)(live[pick % len(live)], self.now))

    @invariant()
    def open_contacts_are_the_engines(self) -> None:
        assert self.builder.open_contacts == len(self._live())

    @invariant()
    def one_record_per_departed_contact(self) -> None:
        ids = Counter(r.contact_id for r in self.records)
        assert all(n == 1 for n in ids.values())
        assert set(ids) == {f"c{i}" for i in range(self.arrived)} - set(self._live())

    @invariant()
    def outcomes_follow_the_last_event(self) -> None:
        for r in self.records:
            e = self.last[r.contact_id]
            if isinstance(e, ContactCompleted):
                assert r.outcome is Outcome.ANSWERED
                assert r.agent == e.agent_id
            elif isinstance(e, ContactAbandoned):
                ringing = e.agent_id is not None
                assert r.outcome is (
                    Outcome.ABANDONED_RINGING if ringing else Outcome.ABANDONED_IN_QUEUE
                )
            else:
                assert isinstance(e, ContactRefused)
                assert r.outcome is Outcome.REJECTED_QUEUE_FULL
            assert r.answered_at is None or isinstance(self.last[r.contact_id], ContactCompleted)

    @invariant()
    def answered_count_matches(self) -> None:
        answered = {r.contact_id for r in self.records if r.outcome is Outcome.ANSWERED}
        completed = {cid for cid, e in self.last.items() if isinstance(e, ContactCompleted)}
        assert answered == completed


BuilderMachine.TestCase.settings = settings(max_examples=60, stateful_step_count=40, deadline=None)
TestBuilderMachine = BuilderMachine.TestCase
