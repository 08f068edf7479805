"""The engine's state rules: the tables, the engine's behaviour, and the generated page."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import cast

import pytest

from callcenter.errors import IllegalTransitionError, UnknownIdError
from callcenter.routing import (
    AgentDefinition,
    AgentState,
    Channel,
    Contact,
    Membership,
    Overflow,
    OverflowKind,
    QueueDefinition,
    RoutingDefinition,
    RoutingEngine,
    Strategy,
)
from callcenter.routing._runtime import AState, Phase
from callcenter.routing._states import (
    AGENT_ACTIONS,
    CONTACT_ACTIONS,
    CONTACT_MOVES,
    DERIVED_STATE,
    ENDED,
    contact_allowed,
    derive_state,
    states_page,
)
from callcenter.routing._strategies import CHOOSERS, chooser

DOCS = Path(__file__).resolve().parents[2] / "docs"

# --------------------------------------------------------------------- the tables

_FLAGS = ("logged_in", "active", "offers", "wraps", "paused")


def _agents() -> list[SimpleNamespace]:
    """Every combination of the flags the derived state reads."""
    return [
        SimpleNamespace(**dict(zip(_FLAGS, values, strict=True)))
        for values in itertools.product((False, True), repeat=len(_FLAGS))
    ]


def _reachable(a: SimpleNamespace) -> bool:
    # A logged-out agent has nothing ringing, handled, wrapping up or paused.
    return bool(a.logged_in) or not (a.active or a.offers or a.wraps or a.paused)


def test_the_derived_state_is_the_first_row_of_its_table_that_holds() -> None:
    for a in _agents():
        first = next(
            row.state
            for row in DERIVED_STATE
            if row.flag is None or bool(getattr(a, row.flag)) is row.holds_when
        )
        assert derive_state(cast(AState, a)) is first, a


def test_the_derived_state_table_gives_every_state_once_and_ends_unconditionally() -> None:
    assert sorted(row.state.value for row in DERIVED_STATE) == sorted(s.value for s in AgentState)
    assert DERIVED_STATE[-1].flag is None
    assert all(row.flag is not None for row in DERIVED_STATE[:-1])


@pytest.mark.parametrize("action", list(AGENT_ACTIONS))
def test_an_agent_rule_lists_exactly_the_states_where_it_can_hold(action: str) -> None:
    rule = AGENT_ACTIONS[action]
    reached = {
        derive_state(cast(AState, a))
        for a in _agents()
        if _reachable(a) and rule.holds(cast(AState, a))
    }
    assert reached == set(rule.states)


def test_every_phase_has_a_legal_call_and_every_call_a_phase() -> None:
    assert all(contact_allowed(phase) for phase in Phase)
    assert all(CONTACT_ACTIONS.values())


# -------------------------------------------------------------------- the engine


def _engine() -> RoutingEngine:
    agent = AgentDefinition(
        id="a",
        queues=(Membership(queue="q"),),
        capacity={Channel.VOICE: 1, Channel.CHAT: 1},
        exclusive_channels=frozenset(),
    )
    queues = (QueueDefinition(id="q", wrap_up=30.0), QueueDefinition(id="q2"))
    return RoutingEngine(RoutingDefinition(queues=queues, agents=(agent,)))


def _contact_in(phase: Phase) -> RoutingEngine:
    e = _engine()
    if phase is not Phase.WAITING:
        e.login("a", 0)
    e.enqueue(Contact(id="c"), "q", 1)
    if phase is Phase.ACTIVE:
        e.accept("c", 2)
    assert e.contact_phase("c") == phase.value
    return e


_CONTACT_CALLS: dict[str, Callable[[RoutingEngine], object]] = {
    "accept": lambda e: e.accept("c", 5),
    "reject": lambda e: e.reject("c", 5),
    "complete": lambda e: e.complete("c", 5),
    "abandon": lambda e: e.abandon("c", 5),
    "transfer": lambda e: e.transfer("c", "q2", 5),
    "set_priority": lambda e: e.set_priority("c", 3, 5),
    "remove": lambda e: e.remove("c", 5),
}

# What refusals have always listed, phase by phase.
_CONTACT_ALLOWED = {
    Phase.WAITING: ("abandon", "transfer", "set_priority", "remove"),
    Phase.RINGING: ("accept", "reject", "abandon", "set_priority"),
    Phase.ACTIVE: ("complete", "transfer"),
}


def test_every_contact_call_has_its_row() -> None:
    assert set(_CONTACT_CALLS) == set(CONTACT_ACTIONS)


@pytest.mark.parametrize("phase", list(Phase))
@pytest.mark.parametrize("action", list(CONTACT_ACTIONS))
def test_a_contact_call_is_taken_or_refused_as_the_table_says(phase: Phase, action: str) -> None:
    e = _contact_in(phase)
    if phase in CONTACT_ACTIONS[action]:
        _CONTACT_CALLS[action](e)  # legal: no refusal
        return
    with pytest.raises(IllegalTransitionError) as refused:
        _CONTACT_CALLS[action](e)
    assert refused.value.allowed == contact_allowed(phase) == _CONTACT_ALLOWED[phase]
    assert refused.value.state == phase.value
    assert e.contact_phase("c") == phase.value


def _agent_in(situation: str) -> RoutingEngine:
    e = _engine()
    if situation == "logged out":
        return e
    e.login("a", 0, ready=situation != "not ready")
    if situation in {"available", "not ready"}:
        return e
    e.enqueue(Contact(id="c"), "q", 1)
    if situation == "reserved":
        return e
    e.accept("c", 2)
    if situation == "busy":
        return e
    e.complete("c", 3)  # a wrap-up on voice
    if situation == "wrap-up":
        return e
    e.enqueue(Contact(id="d", channel=Channel.CHAT), "q", 4)
    if situation == "reserved, wrapping up":
        return e
    e.accept("d", 4)
    return e  # busy, wrapping up


# What refusals have always listed, situation by situation.
_AGENT_ALLOWED = {
    "logged out": (AgentState.LOGGED_OUT, ("login",)),
    "available": (AgentState.AVAILABLE, ("set_not_ready", "set_ready", "logout")),
    "not ready": (AgentState.NOT_READY, ("set_not_ready", "set_ready", "logout")),
    "reserved": (AgentState.RESERVED, ("set_not_ready", "set_ready")),
    "busy": (AgentState.BUSY, ("set_not_ready", "set_ready")),
    "wrap-up": (AgentState.WRAP_UP, ("set_not_ready", "set_ready", "end_wrap_up", "logout")),
    "reserved, wrapping up": (AgentState.RESERVED, ("set_not_ready", "set_ready", "end_wrap_up")),
    "busy, wrapping up": (AgentState.BUSY, ("set_not_ready", "set_ready", "end_wrap_up")),
}

_AGENT_CALLS: dict[str, Callable[[RoutingEngine], object]] = {
    "login": lambda e: e.login("a", 5),
    "set_not_ready": lambda e: e.set_not_ready("a", "break", 5),
    "set_ready": lambda e: e.set_ready("a", 5),
    "end_wrap_up": lambda e: e.end_wrap_up("a", 5),
    "logout": lambda e: e.logout("a", 5),
}


def test_every_agent_call_has_its_row() -> None:
    assert set(_AGENT_CALLS) == set(AGENT_ACTIONS)


@pytest.mark.parametrize("situation", list(_AGENT_ALLOWED))
@pytest.mark.parametrize("action", list(AGENT_ACTIONS))
def test_an_agent_call_is_taken_or_refused_as_the_table_says(situation: str, action: str) -> None:
    state, allowed = _AGENT_ALLOWED[situation]
    e = _agent_in(situation)
    assert e.agent_state("a") is state
    assert state in AGENT_ACTIONS[action].states or action not in allowed
    if action in allowed:
        _AGENT_CALLS[action](e)  # legal: no refusal
        return
    with pytest.raises(IllegalTransitionError) as refused:
        _AGENT_CALLS[action](e)
    assert refused.value.allowed == allowed
    assert e.agent_state("a") is state


# -------------------------------------------------------------------- strategies


def test_every_strategy_has_a_chooser_of_its_own() -> None:
    assert set(CHOOSERS) == set(Strategy)
    choosers = [chooser(s) for s in Strategy]
    assert len(set(choosers)) == len(choosers)  # no strategy falls through to another's


# ---------------------------------------------------------------------- the page


def test_checked_in_states_page_is_up_to_date() -> None:
    page = DOCS / "reference" / "routing-states.md"
    assert page.read_text(encoding="utf-8") == states_page(), (
        "regenerate with: python -m callcenter.routing._states > docs/reference/routing-states.md"
    )


def test_the_states_page_shows_every_row_of_the_tables() -> None:
    page = states_page()
    for action in (*CONTACT_ACTIONS, *AGENT_ACTIONS):
        assert f"| `{action}` |" in page
    for row in DERIVED_STATE:
        assert f"| {row.meaning} | `{row.state.value}` |" in page


# ------------------------------------------------------------------- the moves


def _phase_of(e: RoutingEngine, contact_id: str = "c") -> str:
    try:
        return e.contact_phase(contact_id)
    except UnknownIdError:
        return ENDED


def test_the_moves_of_the_calls_are_exactly_the_legal_pairs() -> None:
    calls = {(action, phase) for (action, phase) in CONTACT_MOVES if action in CONTACT_ACTIONS}
    legal = {(action, phase) for action, phases in CONTACT_ACTIONS.items() for phase in phases}
    assert calls == legal


def _overflowing(kind: OverflowKind) -> RoutingEngine:
    overflow = Overflow(kind=kind, queue="q2" if kind is OverflowKind.QUEUE else None)
    queues = (QueueDefinition(id="q", max_wait=10.0, overflow=overflow), QueueDefinition(id="q2"))
    e = RoutingEngine(RoutingDefinition(queues=queues, agents=()))
    e.enqueue(Contact(id="c"), "q", 1)
    return e


def _engine_move(move: str) -> RoutingEngine:
    if move == "offer":
        e = _contact_in(Phase.WAITING)
        e.login("a", 5)
        return e
    if move == "ring timeout":
        e = _contact_in(Phase.RINGING)
    elif move == "max wait, overflow to a queue":
        e = _overflowing(OverflowKind.QUEUE)
    else:
        e = _overflowing(OverflowKind.VOICEMAIL)
    deadline = e.next_deadline()
    assert deadline is not None
    e.advance(deadline)
    return e


@pytest.mark.parametrize(("move", "phase"), list(CONTACT_MOVES))
def test_every_move_takes_the_contact_where_the_table_says(move: str, phase: Phase) -> None:
    if move in CONTACT_ACTIONS:
        e = _contact_in(phase)
        _CONTACT_CALLS[move](e)
    else:
        e = _engine_move(move)
    assert _phase_of(e) == CONTACT_MOVES[move, phase]


def test_the_states_page_draws_every_move() -> None:
    page = states_page()
    for (move, phase), target in CONTACT_MOVES.items():
        end = "[*]" if target == ENDED else target
        assert f"{phase.value} --> {end}: {move}" in page
