"""Hostile calls on a ticket desk and its SQLite store: refusals change nothing.

A state machine drives a :class:`TicketDesk` (every built-in workflow, the complaint
one escalating from every level) with ordinary calls mixed with hostile ones: unknown
and duplicate ids, triggers of the wrong state or of no workflow, NaN, infinite,
backward and millisecond times, wrong types, unstorable values, lists where text is
expected. Every ticket the desk accepts is saved to a real SQLite file. After each
refused call, the tickets (with their audit trails), the desk's clock and next
deadline, its pending events and the store's content are what they were before, and
the only exceptions ever raised are the library's own. The number of examples and
steps follows the active Hypothesis profile.
"""

from __future__ import annotations

import math
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from callcenter.errors import CallCenterError
from callcenter.testing import check_ticket_trail
from callcenter.tickets import (
    BUILTIN_WORKFLOWS,
    COMPLAINT,
    Actor,
    SQLiteTicketStore,
    Ticket,
    TicketDesk,
    Workflow,
)

WORKFLOWS: dict[str, Workflow] = {
    **BUILTIN_WORKFLOWS,
    "complaint": attrs.evolve(COMPLAINT, escalate_from=None),  # escalates from QA too
}
ROLES = frozenset(role for wf in WORKFLOWS.values() for t in wf.transitions for role in t.roles)
TRIGGERS = sorted({t.trigger for wf in WORKFLOWS.values() for t in wf.transitions})
FIELD_NAMES = sorted(
    {name for wf in WORKFLOWS.values() for name in wf.required_on_open}
    | {name for wf in WORKFLOWS.values() for t in wf.transitions for name in t.requires}
    | {name for wf in WORKFLOWS.values() for t in wf.transitions for name in t.when}
)
HOUR = 3600.0

NASTY_NUMBERS: list[Any] = [
    math.nan,
    math.inf,
    -math.inf,
    10**400,
    -(10**20),
    1e300,
    -1.0,
    -5.0,
    0,
    True,
]
LONG = "x" * 5000
NASTY_TEXTS: list[Any] = ["", "\ud800", "long", "T1", "T999", "owner", "priority", " "]
NASTY_OTHERS: list[Any] = [None, [], ["a", "b"], {"a": 1}, b"bytes", object(), (1, 2)]

nasty = st.sampled_from(NASTY_NUMBERS + NASTY_TEXTS + NASTY_OTHERS).map(
    lambda value: LONG if value == "long" else value  # 5,000 characters, kept out of reprs
)
hashable_nasty = st.sampled_from(
    [v for v in NASTY_NUMBERS + NASTY_TEXTS + NASTY_OTHERS if getattr(v, "__hash__", None)]
)
plain_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(min_value=-1e6, max_value=1e6),
    st.text(max_size=8),
)
values = st.one_of(plain_values, nasty)
field_names = st.one_of(st.sampled_from(FIELD_NAMES), hashable_nasty)
fields = st.one_of(
    st.dictionaries(st.sampled_from(FIELD_NAMES), plain_values, max_size=4),
    st.dictionaries(field_names, values, max_size=3),
    nasty,
)
texts = st.one_of(st.sampled_from(["a1", "a2", "sms-gateway", "T1", "T2"]), nasty)
triggers = st.one_of(st.sampled_from(TRIGGERS), nasty)
# how a call's time relates to the desk's: ahead, the same, back, or not a time at all
times = st.one_of(
    st.tuples(st.just("ahead"), st.floats(min_value=0, max_value=30 * HOUR)),
    st.tuples(st.just("back"), st.floats(min_value=0.001, max_value=HOUR)),
    st.tuples(st.just("raw"), st.sampled_from([*NASTY_NUMBERS, 1.79e12, "0", None])),
)
actors = st.one_of(
    st.tuples(st.just("plain"), st.sampled_from(["a1", "a2", "qa", "sms-gateway"])),
    st.tuples(st.just("roles"), st.sampled_from(["a1", "approver"])),
    st.tuples(st.just("raw"), nasty),
    st.tuples(st.just("bad roles"), nasty),
)


def _actor(spec: tuple[str, Any]) -> Any:
    kind, value = spec
    if kind == "roles":
        return Actor(id=value, roles=ROLES)
    if kind == "bad roles":
        return Actor(id="a1", roles=value)
    return value


class HostileDeskMachine(RuleBasedStateMachine):
    """Ordinary and hostile calls on a desk whose every change is saved to SQLite."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="tickets-hostile-"))
        self.store = SQLiteTicketStore(self.folder / "tickets.db")
        self.desk = TicketDesk(WORKFLOWS.values())
        self.saved: dict[str, int] = {}
        self.refusals = 0

    def teardown(self) -> None:
        self.store.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    # ------------------------------------------------------------------ helpers

    def _time(self, spec: tuple[str, Any]) -> Any:
        kind, value = spec
        last = self.desk.now or 0.0
        if kind == "ahead":
            return last + value
        if kind == "back":
            return last - value if self.desk.now is not None else -value
        return value

    def _ticket_id(self, pick: int, raw: Any) -> Any:
        ids = [t.id for t in self.desk.tickets()]
        if ids and pick % 3:
            return ids[pick % len(ids)]
        return raw

    def _observe(self) -> tuple[object, ...]:
        return (
            list(self.desk.tickets()),
            self.desk.now,
            self.desk.next_deadline(),
            len(self.desk),
            self.store.query(),
            len(self.store),
        )

    def _attempt(self, call: Callable[[], object]) -> None:
        self._persist()  # what came before is saved: only this call is judged
        self.desk.take_events()
        before = self._observe()
        try:
            call()
        except CallCenterError:
            self.refusals += 1
            assert self._observe() == before, "a refused call changed the desk or the store"
            assert self.desk.take_events() == [], "a refused call left events"
            return
        self._persist()

    def _persist(self) -> None:
        for ticket in self.desk.tickets():
            version = self.saved.get(ticket.id)
            if version is None:
                self.store.add(ticket)
            elif version != ticket.version:
                self.store.save(ticket, expected_version=version)
            self.saved[ticket.id] = ticket.version

    # ------------------------------------------------------------------ the desk

    @rule(
        workflow=st.one_of(st.sampled_from(sorted(WORKFLOWS)), nasty),
        actor=actors,
        when=times,
        given=fields,
        priority=st.one_of(st.sampled_from(["low", "normal", "high", "urgent"]), nasty),
        ticket_id=st.one_of(st.none(), texts),
    )
    def open(
        self,
        workflow: Any,
        actor: tuple[str, Any],
        when: tuple[str, Any],
        given: Any,
        priority: Any,
        ticket_id: Any,
    ) -> None:
        now = self._time(when)
        self._attempt(
            lambda: self.desk.open(
                workflow,
                actor=_actor(actor),
                now=now,
                fields=given,
                priority=priority,
                ticket_id=ticket_id,
            )
        )

    @rule(
        workflow=st.sampled_from(sorted(WORKFLOWS)),
        ahead=st.floats(min_value=0, max_value=2 * HOUR),
        extra=st.dictionaries(st.sampled_from(FIELD_NAMES), plain_values, max_size=2),
    )
    def open_properly(self, workflow: str, ahead: float, extra: dict[str, Any]) -> None:
        wf = WORKFLOWS[workflow]
        now = (self.desk.now or 0.0) + ahead
        given: dict[str, Any] = {**extra}
        for name in wf.required_on_open:
            given[name] = 100.0 if name in wf.number_fields else "x"
        if "kind" in wf.required_on_open:
            given["kind"] = "pickup"
        self._attempt(lambda: self.desk.open(workflow, actor="a1", now=now, fields=given))

    @rule(
        pick=st.integers(min_value=0, max_value=1000),
        raw_id=texts,
        trigger=triggers,
        actor=actors,
        when=times,
        given=fields,
        comment=st.one_of(st.just(""), st.text(max_size=5), nasty),
    )
    def fire(
        self,
        pick: int,
        raw_id: Any,
        trigger: Any,
        actor: tuple[str, Any],
        when: tuple[str, Any],
        given: Any,
        comment: Any,
    ) -> None:
        ticket_id = self._ticket_id(pick, raw_id)
        now = self._time(when)
        self._attempt(
            lambda: self.desk.fire(
                ticket_id, trigger, actor=_actor(actor), now=now, fields=given, comment=comment
            )
        )

    @rule(
        pick=st.integers(min_value=0, max_value=1000),
        choices=st.lists(st.integers(min_value=0, max_value=10), min_size=1, max_size=4),
        ahead=st.floats(min_value=0, max_value=4 * HOUR),
        text=st.text(min_size=1, max_size=6),
    )
    def fire_properly(self, pick: int, choices: list[int], ahead: float, text: str) -> None:
        """Allowed triggers with the fields they need: move one ticket along."""
        tickets = list(self.desk.tickets())
        if not tickets:
            return
        ticket_id = tickets[pick % len(tickets)].id
        for choice in choices:
            self._fire_properly(ticket_id, choice, ahead, text)

    def _fire_properly(self, ticket_id: str, choice: int, ahead: float, text: str) -> None:
        ticket = self.desk.get(ticket_id)
        wf = WORKFLOWS[ticket.workflow]
        allowed = wf.allowed_triggers(ticket.state)
        if not allowed:
            return
        trigger = allowed[choice % len(allowed)]
        t = wf.transition_for(ticket.state, trigger)
        assert t is not None
        now = (self.desk.now or 0.0) + ahead
        given: dict[str, Any] = {}
        for name in t.requires:
            given[name] = 10.0 if name in wf.number_fields else text
        for name, allowed_values in t.when.items():
            given[name] = allowed_values[choice % len(allowed_values)]
        if "window_start" in t.requires:
            given.update(window_start=now + HOUR, window_end=now + 3 * HOUR)
        actor = Actor(id="a2", roles=ROLES)
        self._attempt(
            lambda: self.desk.fire(ticket.id, trigger, actor=actor, now=now, fields=given)
        )

    @rule(
        pick=st.integers(min_value=0, max_value=1000),
        raw_id=texts,
        to=texts,
        actor=actors,
        when=times,
    )
    def transfer(
        self, pick: int, raw_id: Any, to: Any, actor: tuple[str, Any], when: tuple[str, Any]
    ) -> None:
        ticket_id = self._ticket_id(pick, raw_id)
        now = self._time(when)
        self._attempt(lambda: self.desk.transfer(ticket_id, to=to, actor=_actor(actor), now=now))

    @rule(when=times)
    def advance(self, when: tuple[str, Any]) -> None:
        now = self._time(when)
        self._attempt(lambda: self.desk.advance(now))

    @rule(hours=st.floats(min_value=6, max_value=30))
    def hours_pass(self, hours: float) -> None:
        """SLA warnings, breaches, escalations (from QA too) and their follow-ups."""
        now = (self.desk.now or 0.0) + hours * HOUR
        self._attempt(lambda: self.desk.advance(now))

    @rule(raw_id=st.one_of(texts, st.integers()))
    def ask_about_a_stale_id(self, raw_id: Any) -> None:
        if raw_id in self.desk:
            return
        for question in (self.desk.get, self.desk.allowed_triggers, self.desk.remove):
            self._attempt(lambda question=question: question(raw_id))  # type: ignore[misc]

    @rule(pick=st.integers(min_value=0, max_value=1000), tamper=st.integers(0, 4))
    def add_again_or_tampered(self, pick: int, tamper: int) -> None:
        tickets = list(self.desk.tickets())
        if not tickets:
            self._attempt(lambda: self.desk.add("not a ticket"))  # type: ignore[arg-type]
            return
        ticket = tickets[pick % len(tickets)]
        changed: list[Any] = [
            ticket,  # a duplicate
            attrs.evolve(ticket, id=ticket.id + "-copy", state="closed"),
            attrs.evolve(ticket, id=ticket.id + "-copy", trail=()),
            attrs.evolve(ticket, id=ticket.id + "-copy", workflow="nope"),
            attrs.evolve(ticket, id=ticket.id + "-copy", fields={"x": math.nan}),
        ]
        self._attempt(lambda: self.desk.add(changed[tamper]))

    # ------------------------------------------------------------------ the store

    @rule(
        pick=st.integers(min_value=0, max_value=1000),
        version=st.one_of(st.integers(min_value=-2, max_value=50), nasty),
        criterion=nasty,
        limit=st.one_of(st.integers(min_value=-3, max_value=3), nasty),
    )
    def misuse_the_store(self, pick: int, version: Any, criterion: Any, limit: Any) -> None:
        tickets = list(self.desk.tickets())
        if tickets:
            ticket = tickets[pick % len(tickets)]
            self._attempt(lambda: self.store.add(ticket))  # already stored
            if version != self.saved.get(ticket.id):
                self._attempt(lambda: self.store.save(ticket, expected_version=version))
        self._attempt(lambda: self.store.get(criterion))
        self._attempt(lambda: self.store.query(state=criterion, limit=limit))
        self._attempt(lambda: self.store.sla_due_within(criterion, criterion))
        unstorable = Ticket(
            id="U1",
            workflow="enquiry",
            state="received",
            priority=WORKFLOWS["enquiry"]
            .open("U1", actor="a", now=0.0, fields={"customer_phone": "1", "question": "q"})
            .priority,
            owner="\ud800",
            created_at=0.0,
            updated_at=0.0,
            fields={"big": 10**5000},
        )
        self._attempt(lambda: self.store.add(unstorable))

    # ------------------------------------------------------------------ always

    @invariant()
    def trails_rebuild_every_ticket(self) -> None:
        for ticket in self.desk.tickets():
            check_ticket_trail(WORKFLOWS[ticket.workflow], ticket)

    @invariant()
    def the_store_holds_what_was_saved(self) -> None:
        stored = {t.id: t for t in self.store.query()}
        assert {k: v.version for k, v in stored.items()} == self.saved
        assert self.store.damaged == {}


TestHostileDesk = HostileDeskMachine.TestCase
