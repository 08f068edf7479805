"""Stateful tests: random triggers against naive models of a workflow and of SLA clocks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from callcenter.errors import (
    DuplicateIdError,
    IllegalTransitionError,
    InvalidArgumentError,
    TimeWentBackwardsError,
)
from callcenter.testing import check_ticket_trail, ticket_workflow_documents
from callcenter.testing._tickets import TRIGGERS
from callcenter.tickets import (
    Actor,
    EntryKind,
    Priority,
    SlaBreached,
    SlaWarning,
    Ticket,
    TicketDesk,
    TicketOpened,
    TicketTransitioned,
    TriggerRefusedError,
    Workflow,
    workflow_from_dict,
)

AGENTS = ("a1", "a2", "a3")


def _row(doc: dict[str, Any], state: str, trigger: str) -> dict[str, Any] | None:
    """The naive lookup: scan the document's table."""
    for row in doc["transitions"]:
        sources = row["source"] if isinstance(row["source"], list) else [row["source"]]
        if state in sources and row["trigger"] == trigger:
            found: dict[str, Any] = row
            return found
    return None


class WorkflowMachine(RuleBasedStateMachine):
    """One ticket of a random workflow, driven by random triggers, against a plain model."""

    doc: dict[str, Any]
    workflow: Workflow
    ticket: Ticket

    @initialize(doc=ticket_workflow_documents(sla=True))
    def start(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.workflow = workflow_from_dict(doc)
        self.now = 0.0
        self.ticket = self.workflow.open("T1", actor="a1", now=self.now)
        self.state = "s0"
        self.fields: dict[str, Any] = {}
        self.owner = "a1"
        self.entries = 1

    @rule(
        trigger=st.sampled_from((*TRIGGERS, "bogus")),
        give_field=st.booleans(),
        supervisor=st.booleans(),
        dt=st.integers(min_value=0, max_value=100),
        agent=st.sampled_from(AGENTS),
    )
    def fire(self, trigger: str, give_field: bool, supervisor: bool, dt: int, agent: str) -> None:
        self.now += dt
        row = _row(self.doc, self.state, trigger)
        given = {f"f_{trigger}": "x"} if give_field else {}
        roles = {"supervisor"} if supervisor else set()
        expected_ok = (
            row is not None
            and (not row.get("roles") or supervisor)
            and all(name in given or name in self.fields for name in row.get("requires", []))
        )
        before = self.ticket
        actor = Actor(id=agent, roles=roles)
        if not expected_ok:
            with pytest.raises(TriggerRefusedError) as info:
                self.workflow.fire(before, trigger, actor=actor, now=self.now, fields=given)
            assert info.value.ticket_id == "T1"
            assert info.value.state == self.state
            assert info.value.trigger == trigger
            assert set(info.value.allowed) == {
                t["trigger"] for t in self.doc["transitions"] if t["source"] == self.state
            }
            assert self.ticket is before
            return
        assert row is not None
        self.ticket = self.workflow.fire(before, trigger, actor=actor, now=self.now, fields=given)
        self.fields.update(given)
        if row.get("increments"):
            self.fields["attempts"] = self.fields.get("attempts", 0) + 1
        self.state = row["target"]
        self.entries += 1
        assert self.ticket.trail[-1].actor == agent

    @rule(to=st.sampled_from(AGENTS), dt=st.integers(min_value=0, max_value=100))
    def transfer(self, to: str, dt: int) -> None:
        self.now += dt
        closed = self.state in self.doc["final"]
        before = self.ticket
        if closed or to == self.owner:
            with pytest.raises((IllegalTransitionError, InvalidArgumentError)):
                self.workflow.transfer(before, to=to, actor="a9", now=self.now)
            assert self.ticket is before
            return
        self.ticket = self.workflow.transfer(before, to=to, actor="a9", now=self.now)
        self.owner = to
        self.entries += 1

    @rule()
    def time_going_back_is_refused(self) -> None:
        before = self.ticket
        with pytest.raises(TimeWentBackwardsError):
            self.workflow.fire(before, TRIGGERS[0], actor="a1", now=-1.0)
        assert self.ticket is before

    @invariant()
    def matches_model_and_replays(self) -> None:
        ticket = self.ticket
        assert ticket.state == self.state
        assert dict(ticket.fields) == self.fields
        assert ticket.owner == self.owner
        assert ticket.version == self.entries
        assert ticket.closed == (self.state in self.doc["final"])
        check_ticket_trail(self.workflow, ticket)


WorkflowMachine.TestCase.settings = settings(max_examples=60, stateful_step_count=30)
TestWorkflowMachine = WorkflowMachine.TestCase


class _ModelClock:
    def __init__(self, target: float, now: float, running: bool) -> None:
        self.target = target
        self.consumed = 0.0
        self.since: float | None = now if running else None
        self.stopped = False
        self.reported: set[str] = set()

    def used(self, now: float) -> float:
        return self.consumed + (0.0 if self.since is None else now - self.since)

    def pause(self, now: float) -> None:
        if self.since is not None:
            self.consumed += now - self.since
            self.since = None

    def crossings(self, until: float, warn_share: float) -> list[tuple[float, str]]:
        """The moments the warning and breach thresholds are crossed, up to ``until``."""
        found: list[tuple[float, str]] = []
        if self.since is None:
            return found
        for kind, threshold in (("warning", self.target * warn_share), ("breach", self.target)):
            if kind in self.reported:
                continue
            at = self.since + max(0.0, threshold - self.consumed)
            if at <= until:
                found.append((at, kind))
        return found


class SlaMachine(RuleBasedStateMachine):
    """Several tickets on a desk; SLA events against a model, whatever call moves time.

    Time moves with every call: ``advance``, but also ``open``, ``fire`` and
    ``transfer``, each of which must first give the SLA events due by its ``now``,
    ahead of its own. A refused call must leave no trace: a shadow desk receives
    only the calls that succeed, and the two desks must stay equal -- tickets,
    events and their order, and the time.
    """

    @initialize(doc=ticket_workflow_documents(sla=True, max_states=5))
    def start(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.workflow = workflow_from_dict(doc)
        self.desk = TicketDesk([self.workflow])
        self.shadow = TicketDesk([self.workflow])
        self.now = 0.0
        self.states: dict[str, str] = {}
        self.owners: dict[str, str] = {}
        self.clocks: dict[str, dict[str, _ModelClock]] = {}
        self.waiting = set(doc.get("waiting", []))
        self.stops = set(doc["final"]) | set(doc.get("resolved", []))

    def _due(self, until: float) -> list[tuple[float, str, str, str]]:
        """The SLA events the model expects by ``until`` (not yet marked as given)."""
        expected = []
        for ticket_id, clocks in self.clocks.items():
            for name, clock in clocks.items():
                for at, kind in clock.crossings(until, 0.5):
                    expected.append((at, ticket_id, name, kind))
        return expected

    def _given(self, expected: list[tuple[float, str, str, str]]) -> None:
        for _, ticket_id, name, kind in expected:
            self.clocks[ticket_id][name].reported.add(kind)

    def _check_events(self, expected: list[tuple[float, str, str, str]], own: int) -> None:
        """This call's events: the due SLA events in deadline order, then ``own`` others."""
        events = self.desk.take_events()
        assert events == self.shadow.take_events()
        sla = [
            (e.at, e.ticket_id, e.clock, "warning" if isinstance(e, SlaWarning) else "breach")
            for e in events
            if isinstance(e, SlaWarning | SlaBreached)
        ]
        assert len(events) == len(sla) + own
        assert all(isinstance(e, SlaWarning | SlaBreached) for e in events[: len(sla)]), (
            "an SLA event came after the call's own events"
        )
        assert [g[0] for g in sla] == sorted(g[0] for g in sla), "events out of deadline order"
        assert sorted(sla) == sorted(expected)
        if sla and own:
            event("a call gave the SLA events due before its own")
        self._given(expected)

    def _refused(
        self,
        call: Callable[[TicketDesk], object],
        error: type[Exception] | tuple[type[Exception], ...],
    ) -> None:
        """``call`` is refused and leaves the desk exactly as it was."""
        snapshot = list(self.desk.tickets())
        deadline = self.desk.next_deadline()
        desk_now = self.desk.now
        if deadline is not None and deadline <= self.now:
            event("a refused call with SLA events due")
        with pytest.raises(error):
            call(self.desk)
        assert list(self.desk.tickets()) == snapshot
        assert self.desk.next_deadline() == deadline
        assert self.desk.now == desk_now
        assert self.desk.take_events() == []

    @precondition(lambda self: len(self.states) < 3)
    @rule(priority=st.sampled_from(list(Priority)), dt=st.integers(min_value=0, max_value=300))
    def open_ticket(self, priority: Priority, dt: int) -> None:
        self.now += dt
        expected = self._due(self.now)
        call: dict[str, Any] = {"actor": "a1", "now": self.now, "priority": priority}
        ticket = self.desk.open("generated", **call)
        self.shadow.open("generated", **call)
        self._check_events(expected, own=1)
        self.states[ticket.id] = "s0"
        self.owners[ticket.id] = "a1"
        targets = self.doc["sla"]["targets"][priority.value]
        running = "s0" not in self.waiting
        self.clocks[ticket.id] = {
            name: _ModelClock(targets[key], self.now, running)
            for name, key in (("first_response", "first_response"), ("resolution", "resolution"))
            if key in targets
        }

    @precondition(lambda self: bool(self.states))
    @rule(data=st.data(), dt=st.integers(min_value=0, max_value=300))
    def open_a_taken_id_is_refused(self, data: st.DataObject, dt: int) -> None:
        taken = data.draw(st.sampled_from(sorted(self.states)))
        self.now += dt
        self._refused(
            lambda desk: desk.open("generated", actor="a1", now=self.now, ticket_id=taken),
            DuplicateIdError,
        )

    @precondition(lambda self: bool(self.states))
    @rule(
        data=st.data(),
        defined=st.integers(min_value=0, max_value=4),
        dt=st.integers(min_value=0, max_value=300),
    )
    def fire(self, data: st.DataObject, defined: int, dt: int) -> None:
        self.now += dt
        ticket_id = data.draw(st.sampled_from(sorted(self.states)))
        state = self.states[ticket_id]
        here = sorted(t["trigger"] for t in self.doc["transitions"] if t["source"] == state)
        # mostly triggers defined here (so tickets move), sometimes any trigger
        trigger = data.draw(st.sampled_from(here if here and defined else TRIGGERS))
        row = _row(self.doc, state, trigger)
        actor = Actor(id="a2", roles={"supervisor"})
        fields = {f"f_{trigger}": "x"}
        if row is None:
            self._refused(
                lambda desk: desk.fire(
                    ticket_id, trigger, actor=actor, now=self.now, fields=fields
                ),
                TriggerRefusedError,
            )
            return
        expected = self._due(self.now)
        self.desk.fire(ticket_id, trigger, actor=actor, now=self.now, fields=fields)
        self.shadow.fire(ticket_id, trigger, actor=actor, now=self.now, fields=fields)
        target = row["target"]
        closes = target in self.doc["final"] and state not in self.doc["final"]
        self._check_events(expected, own=2 if closes else 1)
        for name, clock in self.clocks[ticket_id].items():
            leaving_stop = state in self.stops and target not in self.stops
            if clock.stopped and name == "resolution" and leaving_stop:
                clock.stopped = False
            if clock.stopped:
                continue
            stop = target in self.stops or (name == "first_response" and row.get("responds"))
            clock.pause(self.now)
            if stop:
                clock.stopped = True
            elif target not in self.waiting:
                clock.since = self.now
        self.states[ticket_id] = target

    @precondition(lambda self: bool(self.states))
    @rule(data=st.data(), to=st.sampled_from(AGENTS), dt=st.integers(min_value=0, max_value=300))
    def transfer(self, data: st.DataObject, to: str, dt: int) -> None:
        self.now += dt
        ticket_id = data.draw(st.sampled_from(sorted(self.states)))
        if self.states[ticket_id] in self.doc["final"] or to == self.owners[ticket_id]:
            self._refused(
                lambda desk: desk.transfer(ticket_id, to=to, actor="sup", now=self.now),
                (IllegalTransitionError, InvalidArgumentError),
            )
            return
        expected = self._due(self.now)
        self.desk.transfer(ticket_id, to=to, actor="sup", now=self.now)
        self.shadow.transfer(ticket_id, to=to, actor="sup", now=self.now)
        self._check_events(expected, own=1)
        self.owners[ticket_id] = to

    @precondition(lambda self: self.desk.now is not None)
    @rule(back=st.integers(min_value=1, max_value=50))
    def time_going_back_is_refused(self, back: int) -> None:
        assert self.desk.now is not None
        earlier = self.desk.now - back
        self._refused(lambda desk: desk.advance(earlier), TimeWentBackwardsError)
        if self.states:
            first = min(self.states)
            self._refused(
                lambda desk: desk.fire(first, TRIGGERS[0], actor="a1", now=earlier),
                TimeWentBackwardsError,
            )

    @rule(dt=st.integers(min_value=0, max_value=300))
    def tick(self, dt: int) -> None:
        self.now += dt
        expected = self._due(self.now)
        events = self.desk.advance(self.now)
        assert events == self.shadow.advance(self.now)
        assert self.desk.take_events() == events
        self.shadow.take_events()
        got = [
            (e.at, e.ticket_id, e.clock, "warning" if isinstance(e, SlaWarning) else "breach")
            for e in events
            if isinstance(e, SlaWarning | SlaBreached)
        ]
        assert len(got) == len(events)
        assert [g[0] for g in got] == sorted(g[0] for g in got), "events out of deadline order"
        assert sorted(got) == sorted(expected)
        self._given(expected)
        deadline = self.desk.next_deadline()
        assert deadline is None or deadline > self.now

    @invariant()
    def trails_replay_and_the_shadow_agrees(self) -> None:
        tickets = list(self.desk.tickets())
        assert tickets == list(self.shadow.tickets())
        assert self.desk.now == self.shadow.now
        assert self.desk.next_deadline() == self.shadow.next_deadline()
        for ticket in tickets:
            check_ticket_trail(self.workflow, ticket)
            assert ticket.state == self.states[ticket.id]
            assert ticket.owner == self.owners[ticket.id]


SlaMachine.TestCase.settings = settings(max_examples=100, stateful_step_count=50)
TestSlaMachine = SlaMachine.TestCase


class EscalatingDeskMachine(RuleBasedStateMachine):
    """Random workflows whose resolution breach fires an escalation trigger.

    Time moves with every call, and calls may come long after deadlines. No model
    of the escalations: checks that each call gives the SLA events due by its time
    first, in deadline order; that every SLA event is in a trail and every SLA entry
    of a trail was given as an event (nothing lost, nothing twice); that each level
    of a clock warns and breaches at most once; that an escalation follows its
    breach, fired by the SLA actor; and that a refused call changes nothing.
    """

    @initialize(doc=ticket_workflow_documents(sla=True, max_states=5, escalation=True))
    def start(self, doc: dict[str, Any]) -> None:
        self.workflow = workflow_from_dict(doc)
        self.stops = set(doc["final"]) | set(doc.get("resolved", []))
        self.desk = TicketDesk([self.workflow])
        self.now = 0.0
        self.given = 0  # SLA events given so far

    def _check_call(self, events: list[Any]) -> None:
        sla = [e for e in events if isinstance(e, SlaWarning | SlaBreached)]
        times = [e.at for e in sla]
        assert times == sorted(times), "SLA events out of deadline order"
        self.given += len(sla)
        if any(isinstance(e, SlaBreached) and e.escalated_to for e in sla[1:]):
            event("a call gave more than one level's breach")
        for e in sla:
            if isinstance(e, SlaBreached) and e.escalated_to is not None:
                trail = self.desk.get(e.ticket_id).trail
                index = next(
                    i
                    for i, entry in enumerate(trail)
                    if entry.kind is EntryKind.SLA_BREACH
                    and entry.trigger == e.clock
                    and entry.at == e.at
                )
                escalation = trail[index + 1]
                assert escalation.actor == "sla"
                assert escalation.trigger == self.workflow.escalation_trigger
                assert escalation.to_state == e.escalated_to

    @precondition(lambda self: len(self.desk) < 3)
    @rule(priority=st.sampled_from(list(Priority)), dt=st.integers(min_value=0, max_value=1000))
    def open_ticket(self, priority: Priority, dt: int) -> None:
        self.now += dt
        self.desk.open("generated", actor="a1", now=self.now, priority=priority)
        events = self.desk.take_events()
        assert isinstance(events[-1], TicketOpened)
        self._check_call(events)

    @precondition(lambda self: len(self.desk) > 0)
    @rule(data=st.data(), dt=st.integers(min_value=0, max_value=1000))
    def fire(self, data: st.DataObject, dt: int) -> None:
        self.now += dt
        ticket = data.draw(st.sampled_from(list(self.desk.tickets())))
        # a trigger allowed before the due escalations, which may have moved the ticket
        allowed = self.workflow.allowed_triggers(ticket.state) or TRIGGERS
        trigger = data.draw(st.sampled_from(allowed))
        actor = Actor(id="a2", roles={"supervisor"})
        fields = {f"f_{trigger}": "x"}
        snapshot = list(self.desk.tickets())
        deadline = self.desk.next_deadline()
        desk_now = self.desk.now
        try:
            self.desk.fire(ticket.id, trigger, actor=actor, now=self.now, fields=fields)
        except TriggerRefusedError:
            if deadline is not None and deadline <= self.now:
                event("a refused call with SLA events due")
            assert list(self.desk.tickets()) == snapshot
            assert self.desk.next_deadline() == deadline
            assert self.desk.now == desk_now
            assert self.desk.take_events() == []
            return
        events = self.desk.take_events()
        mine = [
            i
            for i, e in enumerate(events)
            if isinstance(e, TicketTransitioned) and e.actor == "a2" and e.trigger == trigger
        ]
        assert len(mine) == 1, "the call's own transition is missing"
        assert not any(isinstance(e, SlaWarning | SlaBreached) for e in events[mine[0] :]), (
            "an SLA event came after the call's own events"
        )
        self._check_call(events)

    @rule(dt=st.integers(min_value=0, max_value=1000))
    def tick(self, dt: int) -> None:
        self.now += dt
        self.desk.take_events()
        events = self.desk.advance(self.now)
        assert self.desk.take_events() == events
        self._check_call(events)
        deadline = self.desk.next_deadline()
        assert deadline is None or deadline > self.now
        for ticket in self.desk.tickets():  # nothing due is left behind
            for clock in ticket.clocks():
                if clock.deadline is not None and not clock.breached:
                    assert clock.deadline > self.now
                if clock.warn_at is not None:
                    assert clock.warn_at > self.now

    @invariant()
    def trails_replay_and_match_the_events(self) -> None:
        entries = 0
        for ticket in self.desk.tickets():
            check_ticket_trail(self.workflow, ticket)
            given: dict[str, set[EntryKind]] = {"first_response": set(), "resolution": set()}
            for entry in ticket.trail:
                if entry.kind in (EntryKind.SLA_WARNING, EntryKind.SLA_BREACH):
                    entries += 1
                    assert entry.kind not in given[entry.trigger], f"{entry} given twice"
                    given[entry.trigger].add(entry.kind)
                elif (
                    entry.kind is EntryKind.TRANSITION
                    and entry.trigger == self.workflow.escalation_trigger
                    and EntryKind.SLA_BREACH in given["resolution"]
                    and entry.to_state not in self.stops
                ):
                    given["resolution"] = set()  # the next level's own clock
        assert entries == self.given


EscalatingDeskMachine.TestCase.settings = settings(max_examples=60, stateful_step_count=40)
TestEscalatingDeskMachine = EscalatingDeskMachine.TestCase
