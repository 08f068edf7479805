"""Which calls the routing engine takes for a contact or an agent in which state.

These tables are the engine's rules for its contacts and agents, and the reference
page's tables are generated from them:

- :data:`CONTACT_ACTIONS`: each call on a contact and the phases in which it is
  legal. :class:`~callcenter.routing.RoutingEngine` refuses a call in any other phase
  with an :class:`~callcenter.errors.IllegalTransitionError` whose "allowed" list
  (:func:`contact_allowed`) is read from the same table.
- :data:`CONTACT_MOVES`: where each legal call, and each of the engine's own moves
  (an offer, a ring timeout, a maximum wait), takes a contact; the phase diagram is
  drawn from it, and a test drives the engine through every row.
- :data:`AGENT_ACTIONS`: each call on an agent and the condition on the agent under
  which it is legal (with the reported states in which that condition can hold);
  refusals list :func:`agent_allowed`.
- :data:`DERIVED_STATE`: the agent's reported :class:`~callcenter.routing.AgentState`,
  an ordered table over its flags where the first row that holds wins;
  :func:`derive_state` is generated from it.

``python -m callcenter.routing._states > docs/reference/routing-states.md`` rewrites
the page, and a test checks that the checked-in page is up to date.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from types import MappingProxyType, SimpleNamespace
from typing import NamedTuple, cast

from ._model import AgentState
from ._runtime import ACTIVE, RINGING, WAITING, AState, Phase

__all__ = [
    "AGENT_ACTIONS",
    "CONTACT_ACTIONS",
    "CONTACT_MOVES",
    "DERIVED_STATE",
    "ENDED",
    "AgentRule",
    "StateRow",
    "agent_allowed",
    "contact_allowed",
    "derive_state",
    "states_page",
]

# ------------------------------------------------------------------------ contacts

CONTACT_ACTIONS: Mapping[str, tuple[Phase, ...]] = MappingProxyType(
    {
        "accept": (RINGING,),
        "reject": (RINGING,),
        "complete": (ACTIVE,),
        "abandon": (WAITING, RINGING),
        "transfer": (WAITING, ACTIVE),
        "set_priority": (WAITING, RINGING),
        "remove": (WAITING,),
    }
)
"""Each call on a known contact and the phases where it is legal (in this order the
refusals list them)."""

_CONTACT_ALLOWED: dict[Phase, tuple[str, ...]] = {
    phase: tuple(action for action, phases in CONTACT_ACTIONS.items() if phase in phases)
    for phase in Phase
}


def contact_allowed(phase: Phase) -> tuple[str, ...]:
    """The calls legal on a contact in ``phase`` (what a refusal lists)."""
    return _CONTACT_ALLOWED[phase]


ENDED = "ended"
"""Where a contact goes when the engine lets go of it (it is no longer known)."""

CONTACT_MOVES: Mapping[tuple[str, Phase], str] = MappingProxyType(
    {
        ("offer", WAITING): RINGING.value,
        ("ring timeout", RINGING): WAITING.value,
        ("max wait, overflow to a queue", WAITING): WAITING.value,
        ("max wait, voicemail or callback", WAITING): ENDED,
        ("accept", RINGING): ACTIVE.value,
        ("reject", RINGING): WAITING.value,
        ("complete", ACTIVE): ENDED,
        ("abandon", WAITING): ENDED,
        ("abandon", RINGING): ENDED,
        ("transfer", WAITING): WAITING.value,
        ("transfer", ACTIVE): WAITING.value,
        ("set_priority", WAITING): WAITING.value,
        ("set_priority", RINGING): RINGING.value,
        ("remove", WAITING): ENDED,
    }
)
"""Where a contact goes: ``(call or engine move, phase) -> phase or "ended"``.

The calls' rows are exactly the legal pairs of :data:`CONTACT_ACTIONS`; the engine's
own moves (an offer, a ring timeout, a maximum wait) have theirs. A contact put back
to ``waiting`` may be offered again at once (the ``offer`` row) when an agent can take
it. A test drives the engine through every row."""


# -------------------------------------------------------------------------- agents


class StateRow(NamedTuple):
    """One row of the derived agent state: if the flag test holds, this is the state."""

    state: AgentState
    """The state the agent reports."""
    flag: str | None
    """The agent's flag read (``None``: the last row, which always holds)."""
    holds_when: bool
    """Whether the row holds when the flag is set (true) or when it is not (false)."""
    meaning: str
    """The condition in words, for the docs."""


DERIVED_STATE: tuple[StateRow, ...] = (
    StateRow(AgentState.LOGGED_OUT, "logged_in", False, "is not logged in"),
    StateRow(AgentState.BUSY, "active", True, "handles at least one contact"),
    StateRow(AgentState.RESERVED, "offers", True, "has at least one contact ringing"),
    StateRow(AgentState.WRAP_UP, "wraps", True, "has at least one wrap-up running"),
    StateRow(AgentState.NOT_READY, "paused", True, "is paused (`set_not_ready`)"),
    StateRow(AgentState.AVAILABLE, None, True, "otherwise"),
)
"""The agent's reported state from its flags: the first row that holds wins."""


def _compile_derive(rows: tuple[StateRow, ...]) -> Callable[[AState], AgentState]:
    # The state is derived two or three times per routing event: a chain of ifs
    # generated from the table costs what the hand-written chain did.
    states = {f"_s{i}": row.state for i, row in enumerate(rows)}
    lines = ["def derive_state(a):"]
    for i, row in enumerate(rows):
        if row.flag is None:
            lines.append(f"    return _s{i}")
            break
        test = f"a.{row.flag}" if row.holds_when else f"not a.{row.flag}"
        lines.append(f"    if {test}:\n        return _s{i}")
    else:  # pragma: no cover - the table ends with an unconditional row
        raise ValueError("the derived state table needs a last row without a flag")
    namespace: dict[str, object] = dict(states)
    exec("\n".join(lines), namespace)
    derive = namespace["derive_state"]
    assert callable(derive)
    derive.__doc__ = "The state ``a`` reports: the first row of DERIVED_STATE that holds."
    return derive


derive_state: Callable[[AState], AgentState] = _compile_derive(DERIVED_STATE)
"""The state an agent reports, from :data:`DERIVED_STATE` (generated from it)."""


class AgentRule(NamedTuple):
    """When one call on an agent is legal."""

    holds: Callable[[AState], bool]
    """The condition on the agent's flags under which the call is legal."""
    meaning: str
    """The condition in words, for the docs."""
    states: tuple[AgentState, ...]
    """The reported states in which the condition can hold."""


_LOGGED_IN_STATES = tuple(s for s in AgentState if s is not AgentState.LOGGED_OUT)


def _logged_out(a: AState) -> bool:
    return not a.logged_in


def _logged_in(a: AState) -> bool:
    return a.logged_in


def _wrapping_up(a: AState) -> bool:
    return bool(a.wraps)


def _free(a: AState) -> bool:
    return a.logged_in and not a.offers and not a.active


AGENT_ACTIONS: Mapping[str, AgentRule] = MappingProxyType(
    {
        "login": AgentRule(_logged_out, "logged out", (AgentState.LOGGED_OUT,)),
        "set_not_ready": AgentRule(_logged_in, "logged in", _LOGGED_IN_STATES),
        "set_ready": AgentRule(_logged_in, "logged in", _LOGGED_IN_STATES),
        "end_wrap_up": AgentRule(
            _wrapping_up,
            "a wrap-up runs (on any of its channels)",
            (AgentState.BUSY, AgentState.RESERVED, AgentState.WRAP_UP),
        ),
        "logout": AgentRule(
            _free,
            "logged in, with no contact ringing or being handled",
            (AgentState.WRAP_UP, AgentState.NOT_READY, AgentState.AVAILABLE),
        ),
    }
)
"""Each call on a known agent and when it is legal (in this order the refusals list
them)."""


def _flag_combinations() -> list[AState]:
    """Every combination of the flags an agent's rules read that an agent can have."""
    flags = ("logged_in", "active", "offers", "wraps", "paused")
    agents = []
    for values in itertools.product((False, True), repeat=len(flags)):
        a = SimpleNamespace(**dict(zip(flags, values, strict=True)))
        # A logged-out agent has nothing ringing, handled, wrapping up or paused.
        if a.logged_in or not any(values):
            agents.append(cast(AState, a))
    return agents


def agent_allowed(a: AState) -> tuple[str, ...]:
    """The calls legal on agent ``a`` now (what a refusal lists)."""
    return tuple(action for action, rule in AGENT_ACTIONS.items() if rule.holds(a))


# ---------------------------------------------------------------------------- docs


def states_page() -> str:
    """The reference page of the engine's contact and agent rules, from the tables."""
    phases = list(Phase)
    agent_states = list(AgentState)
    lines = [
        "# Routing engine states",
        "",
        "<!-- Generated by `python -m callcenter.routing._states`; do not edit. -->",
        "",
        "Which calls the `RoutingEngine` takes for a contact or an agent in which state.",
        "The tables are generated from the tables the engine runs, so they cannot drift",
        "from the code. A call that is not legal is refused with an",
        "`IllegalTransitionError` that lists the calls legal now, and the engine is",
        "unchanged. `enqueue` and `route` take a contact the engine does not know yet;",
        "`advance` and the read-only calls are legal at any time.",
        "",
        "## Contacts",
        "",
        "A contact waits in a queue (`waiting`), rings at an agent (`ringing`) or is",
        "handled (`active`).",
        "",
        "| call | " + " | ".join(f"`{p.value}`" for p in phases) + " |",
        "|---|" + "---|" * len(phases),
    ]
    for action, legal in CONTACT_ACTIONS.items():
        cells = ["legal" if p in legal else "refused" for p in phases]
        lines.append(f"| `{action}` | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Where each legal call, and each of the engine's own moves, takes a contact",
        "(`ended`: the engine lets go of it), as a Mermaid state diagram:",
        "",
        "```text",
        "stateDiagram-v2",
        "    [*] --> waiting: enqueue / route",
    ]
    for (move, phase), target in CONTACT_MOVES.items():
        end = "[*]" if target == ENDED else target
        lines.append(f"    {phase.value} --> {end}: {move}")
    lines.append("```")
    lines += [
        "",
        "## The state an agent reports",
        "",
        "Read top-down; the first row that holds gives the state.",
        "",
        "| order | the agent... | state |",
        "|---|---|---|",
    ]
    for order, row in enumerate(DERIVED_STATE, start=1):
        lines.append(f"| {order} | {row.meaning} | `{row.state.value}` |")
    lines += [
        "",
        "## Agents",
        "",
        "A call on an agent is legal when its condition holds; the columns show it by",
        "reported state (*if so*: legal in that state when the condition holds: a",
        "wrap-up may run on one channel while the agent handles or is offered a",
        "contact on another, so `end_wrap_up` may be legal while `busy` or `reserved`).",
        "",
        "| call | legal when | " + " | ".join(f"`{s.value}`" for s in agent_states) + " |",
        "|---|---|" + "---|" * len(agent_states),
    ]
    combinations = _flag_combinations()
    for action, rule in AGENT_ACTIONS.items():
        cells = []
        for state in agent_states:
            holds = {rule.holds(a) for a in combinations if derive_state(a) is state}
            cells.append("legal" if holds == {True} else "if so" if True in holds else "refused")
        lines.append(f"| `{action}` | {rule.meaning} | " + " | ".join(cells) + " |")
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    print(states_page(), end="")
