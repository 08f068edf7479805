"""The record builder against a naive model, under random real routing-engine runs.

Besides the model, every event is also fed on its own to a second builder, whose
moves of contacts between phases must be ones its rules table lists, and every
record either builder produces must pass the records' full validation.
"""

from __future__ import annotations

from collections import Counter

import attrs
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from callcenter.errors import CallCenterError
from callcenter.metrics import AgentStateInterval, ContactRecord, Outcome, RecordBuilder
from callcenter.metrics._builder_rules import Phase, rule_of
from callcenter.routing import (
    AgentDefinition,
    Contact,
    ContactAbandoned,
    ContactCompleted,
    ContactRefused,
    Membership,
    QueueDefinition,
    RoutingDefinition,
    RoutingEngine,
    RoutingEvent,
)

AGENTS = ("a1", "a2", "a3")


def assert_fully_valid(item: ContactRecord | AgentStateInterval) -> None:
    """``item`` passes the validation of its class: its validators and its own checks."""
    attrs.validate(item)
    again = attrs.evolve(item)  # through ``__init__``: converters, validators, post-init
    assert again == item
    assert attrs.astuple(again, recurse=False) == attrs.astuple(item, recurse=False)


def _phases(builder: RecordBuilder) -> dict[str, Phase]:
    return {cid: c.phase for cid, c in builder._contacts.items()}


def feed_checking_moves(builder: RecordBuilder, event: RoutingEvent) -> list[ContactRecord]:
    """Feed ``event`` to ``builder``; check each contact's move against the rules table.

    The event's own contact must make a move its rule lists, and finish only with an
    outcome its rule lists; any other contact may only finish from ``wrap`` (its
    agent's wrap-up ended) as ``answered``.
    """
    rule = rule_of(type(event))
    subject = None if rule.agent else getattr(event, "contact_id", None)
    before = _phases(builder)
    records = builder.feed(event)
    after = _phases(builder)
    finished = {r.contact_id: r.outcome for r in records}
    assert len(finished) == len(records)
    for cid in {*before, *after, *finished}:
        move = (before.get(cid), after.get(cid))
        assert (cid in finished) == (move[1] is None), (event, cid, move)
        if cid == subject:
            assert move in rule.moves, (event, move)
            if cid in finished:
                assert finished[cid] in rule.finishes, (event, finished[cid])
        elif move[0] != move[1]:
            assert move == (Phase.WRAP, None), (event, cid, move)
            assert finished[cid] is Outcome.ANSWERED
    return records


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
        self.single = RecordBuilder()  # fed one event at a time, checking every move
        self.now = 0.0
        self.arrived = 0
        self.logged_in: set[str] = set()
        self.records: list[ContactRecord] = []
        self.last: dict[str, RoutingEvent] = {}

    def _run(self, events: list[RoutingEvent]) -> None:
        for e in events:
            if hasattr(e, "contact_id"):
                self.last[e.contact_id] = e
        records = self.builder.feed_all(events)
        single = [r for e in events for r in feed_checking_moves(self.single, e)]
        assert single == records
        items: list[ContactRecord | AgentStateInterval] = [*records]
        items += self.builder.take_intervals()
        for item in items:
            assert_fully_valid(item)
        self.records.extend(records)

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
        # Only the engine's refusals are expected (an agent in a call cannot log out);
        # the builder must take every event the engine gives.
        try:
            if agent in self.logged_in:
                events = self.engine.logout(agent, self.now)
                self.logged_in.discard(agent)
            else:
                events = self.engine.login(agent, self.now)
                self.logged_in.add(agent)
        except CallCenterError:
            return
        self._run(events)

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
        # An action not legal in the contact's phase is refused by the engine and
        # changes nothing; the builder must take every event the engine gives.
        try:
            events = getattr(self.engine, action)(live[pick % len(live)], self.now)
        except CallCenterError:
            return
        self._run(events)

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

    def teardown(self) -> None:
        # The end of the run: what ``close`` finishes and closes is valid too.
        items: list[ContactRecord | AgentStateInterval] = [*self.builder.close(self.now + 1.0)]
        items += self.builder.take_intervals()
        for item in items:
            assert_fully_valid(item)


BuilderMachine.TestCase.settings = settings(max_examples=60, stateful_step_count=40, deadline=None)
TestBuilderMachine = BuilderMachine.TestCase
