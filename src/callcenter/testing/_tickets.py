"""Hypothesis strategies and checkers for ticket workflows."""

from __future__ import annotations

import math
from typing import Any

from hypothesis import strategies as st

from .._checks import LARGEST
from ..tickets import (
    Actor,
    FieldValue,
    Priority,
    Ticket,
    TriggerRefusedError,
    Workflow,
    workflow_from_dict,
)

__all__ = [
    "check_ticket_trail",
    "field_values",
    "ticket_histories",
    "ticket_workflow_documents",
    "ticket_workflows",
]

TRIGGERS = ("advance", "back", "hold", "resume", "finish", "poke", "escalate", "note")
"""The small trigger alphabet generated workflows draw from."""


@st.composite
def ticket_workflow_documents(
    draw: st.DrawFn,
    *,
    max_states: int = 7,
    sla: bool = True,
    escalation: bool = False,
) -> dict[str, Any]:
    """Valid workflow documents: every state reachable, no dead end, unique (state, trigger).

    States are ``s0`` (initial) to ``sN``; triggers come from :data:`TRIGGERS`. Some
    transitions require a field (``f_<trigger>``) or count attempts, some states wait
    on the customer, and with ``sla`` every priority gets first-response and
    resolution targets in whole seconds. With ``escalation`` the document names an
    escalation trigger (one that needs no role and no field), and with ``sla`` too
    some levels it leads to get their own resolution seconds (``escalation_sla``).
    """
    count = draw(st.integers(min_value=2, max_value=max_states))
    states = [f"s{i}" for i in range(count)]
    used: set[tuple[str, str]] = set()
    transitions: list[dict[str, Any]] = []

    def add(source: str, target: str) -> None:
        free = [t for t in TRIGGERS if (source, t) not in used]
        if not free:
            return
        trigger = draw(st.sampled_from(free))
        used.add((source, trigger))
        row: dict[str, Any] = {"trigger": trigger, "source": source, "target": target}
        if draw(st.integers(min_value=0, max_value=3)) == 0:
            row["requires"] = [f"f_{trigger}"]
        if draw(st.integers(min_value=0, max_value=5)) == 0:
            row["increments"] = ["attempts"]
        if draw(st.booleans()):
            row["responds"] = True
        if draw(st.integers(min_value=0, max_value=5)) == 0:
            row["roles"] = ["supervisor"]
        transitions.append(row)

    for index in range(1, count):  # a spanning tree from s0: everything reachable
        add(states[draw(st.integers(min_value=0, max_value=index - 1))], states[index])
    final = sorted(set(draw(st.lists(st.sampled_from(states[1:]), min_size=1, max_size=count))))
    for _ in range(draw(st.integers(min_value=0, max_value=2 * count))):
        add(draw(st.sampled_from(states)), draw(st.sampled_from(states)))
    for name in states:  # a way out of every state that is not final
        if name not in final and not any(
            t["source"] == name and t["target"] != name for t in transitions
        ):
            others = [s for s in states if s != name]
            before = len(transitions)
            add(name, draw(st.sampled_from(others)))
            if len(transitions) == before:  # no trigger left: make it final instead
                final.append(name)
    non_final = [s for s in states[1:] if s not in final]
    waiting = []
    if non_final:
        waiting = sorted(set(draw(st.lists(st.sampled_from(non_final), min_size=1, max_size=2))))
    document: dict[str, Any] = {
        "name": "generated",
        "states": states,
        "initial": "s0",
        "final": sorted(set(final)),
        "waiting": waiting,
        "transitions": transitions,
    }
    if escalation:
        # the tree's first edge leaves the initial state; the SLA actor, who fires
        # escalations, holds no role and gives no field, so the trigger needs neither
        trigger = transitions[0]["trigger"]
        document["escalation_trigger"] = trigger
        for row in transitions:
            if row["trigger"] == trigger:
                row.pop("requires", None)
                row.pop("roles", None)
        if sla:
            # some levels an escalation reaches get their own resolution seconds
            levels = sorted({row["target"] for row in transitions if row["trigger"] == trigger})
            chosen = draw(st.lists(st.sampled_from(levels), unique=True, max_size=len(levels)))
            if chosen:
                document["escalation_sla"] = {
                    level: float(draw(st.integers(min_value=10, max_value=500))) for level in chosen
                }
    if sla:
        targets: dict[str, dict[str, float]] = {}
        for level in Priority:
            target: dict[str, float] = {}
            if draw(st.booleans()):
                target["first_response"] = float(draw(st.integers(min_value=10, max_value=500)))
            if draw(st.booleans()):
                target["resolution"] = float(draw(st.integers(min_value=10, max_value=2000)))
            targets[level.value] = target
        document["sla"] = {"targets": targets, "warn_fraction": 0.5}
    return document


def ticket_workflows(*, max_states: int = 7, sla: bool = True) -> st.SearchStrategy[Workflow]:
    """Valid workflows (:class:`~callcenter.tickets.Workflow`) of ticket_workflow_documents."""
    return ticket_workflow_documents(max_states=max_states, sla=sla).map(workflow_from_dict)


def check_ticket_trail(workflow: Workflow, ticket: Ticket) -> None:
    """Assert that the ticket's trail replays to the ticket itself, and is well-ordered.

    Raises:
        AssertionError: The trail does not rebuild the ticket, its sequence numbers
            are not 0, 1, 2..., its times go back, or its states do not chain.
    """
    rebuilt = workflow.replay(ticket.id, ticket.trail)
    assert rebuilt == ticket, f"trail of {ticket.id} replays to {rebuilt!r}, not {ticket!r}"
    for index, entry in enumerate(ticket.trail):
        assert entry.seq == index, f"entry {index} has seq {entry.seq}"
        if index:
            previous = ticket.trail[index - 1]
            assert entry.at >= previous.at, f"entry {index} goes back in time"
            assert entry.from_state == previous.to_state, f"entry {index} does not chain"


def field_values() -> st.SearchStrategy[FieldValue]:
    """Values a ticket field may hold.

    Text, booleans, None, and finite whole or real numbers of at most
    :data:`~callcenter._checks.LARGEST` in size.
    """
    return st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-int(LARGEST), max_value=int(LARGEST)),
        st.floats(min_value=-LARGEST, max_value=LARGEST),
        st.text(max_size=20),
    )


def _field_for(workflow: Workflow, name: str) -> st.SearchStrategy[FieldValue]:
    """Values a required field may take: within its bounds for a number field."""
    rule = workflow.number_fields.get(name)
    if rule is None:
        return st.text(min_size=1, max_size=8)
    low = 0.0 if rule.minimum is None else rule.minimum
    high = low + 1e6 if rule.maximum is None else rule.maximum
    if rule.integer:
        first = math.floor(low) + 1 if rule.exclusive_minimum else math.ceil(low)
        return st.integers(min_value=first, max_value=max(first, math.floor(high)))
    return st.floats(min_value=low, max_value=high, exclude_min=rule.exclusive_minimum)


@st.composite
def ticket_histories(
    draw: st.DrawFn,
    workflow: Workflow,
    *,
    fields: dict[str, FieldValue] | None = None,
    max_steps: int = 12,
) -> Ticket:
    """Tickets of ``workflow`` after a random history of allowed triggers and transfers.

    Each step fires a trigger defined in the current state with the fields it
    requires (random values) plus random extra fields, by an actor holding every role
    the workflow names, or transfers ownership. Steps a guard refuses are skipped.
    Times advance by random whole seconds. ``fields`` are given when the ticket is
    opened (required ones missing from it get random text); ``max_steps`` bounds the
    steps after opening.
    """
    roles = frozenset(role for t in workflow.transitions for role in t.roles)
    names = st.text(alphabet="abcdefghij_", min_size=1, max_size=6).filter(
        lambda n: n not in ("owner", "priority")
    )
    now = float(draw(st.integers(min_value=0, max_value=2_000_000_000)))
    opening = dict(fields or {})
    for name in workflow.required_on_open:
        opening.setdefault(name, draw(_field_for(workflow, name)))
    ticket = workflow.open(
        "T-" + draw(st.text(alphabet="0123456789", min_size=1, max_size=6)),
        actor=draw(st.sampled_from(["a1", "a2", "a3"])),
        now=now,
        fields=opening,
        priority=draw(st.sampled_from(list(Priority))),
        comment=draw(st.text(max_size=10)),
    )
    for _ in range(draw(st.integers(min_value=0, max_value=max_steps))):
        now += draw(st.integers(min_value=0, max_value=5000))
        allowed = workflow.allowed_triggers(ticket.state)
        if not ticket.closed and draw(st.integers(min_value=0, max_value=5)) == 0:
            to = draw(st.sampled_from(["a1", "a2", "a3", "b1"]))
            if to != ticket.owner:
                ticket = workflow.transfer(ticket, to=to, actor="sup", now=now)
            continue
        if not allowed:
            break
        trigger = draw(st.sampled_from(allowed))
        transition = workflow.transition_for(ticket.state, trigger)
        assert transition is not None
        given: dict[str, FieldValue] = draw(st.dictionaries(names, field_values(), max_size=3))
        for name in transition.requires:
            given[name] = draw(_field_for(workflow, name))
        for name, values in transition.when.items():
            given[name] = draw(st.sampled_from(values))
        for name in transition.increments:
            given.pop(name, None)
        try:
            ticket = workflow.fire(
                ticket,
                trigger,
                actor=Actor(id=draw(st.sampled_from(["a1", "b2", "c3"])), roles=roles),
                now=now,
                fields=given,
                comment=draw(st.text(max_size=10)),
            )
        except TriggerRefusedError:
            continue  # a guard said no: that step did not happen
    return ticket
