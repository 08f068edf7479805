"""The hotline's rules as data: a call's phases, and which inputs each phase or agent state refuses.

The runtime (:mod:`callcenter.hotline._runtime`) checks every input against these
tables before anything changes, and its errors read what is allowed from them:

* :data:`CALL_PHASE_NEEDED`: an agent's input about a call (answering the offered
  leg, hanging up, holding, transferring) needs the call in one phase, with that
  agent;
* :data:`AGENT_STATES_REFUSING`: presence inputs that some agent states refuse (a
  logout while a call rings or is handled, an end of wrap-up with none running).
  Every agent input other than a login is also refused for a logged-out agent.

What the engines inside decide (which IVR keys a node takes, which ticket fields a
workflow needs, which routing moves are legal) stays in their own tables.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

import attrs

from ..routing import AgentState
from ._contract import (
    AgentLegAnswered,
    AgentLegDeclined,
    AgentLegEnded,
    AgentLegFailed,
    AgentLegRinging,
    AgentLoggedOut,
    CallOnHold,
    TransferRequested,
    WrapUpDone,
)

__all__ = ["AGENT_STATES_REFUSING", "CALL_PHASE_NEEDED", "PHASE_WITH_AGENT", "CallPhase"]


class CallPhase(enum.Enum):
    """Where a call is in the hotline (:meth:`Hotline.call_phase`)."""

    IVR = "ivr"
    """An IVR session runs the call."""
    QUEUED = "queued"
    """The call waits in an ACD queue."""
    RINGING = "ringing"
    """An agent's phone rings for the call."""
    CONNECTED = "connected"
    """The caller talks to an agent."""
    FINISHED = "finished"
    """The call has ended, or the hotline never saw it."""


CALL_PHASE_NEEDED: Mapping[type, tuple[CallPhase, str]] = {
    CallOnHold: (CallPhase.CONNECTED, "put the call on hold"),
    TransferRequested: (CallPhase.CONNECTED, "transfer the call"),
    AgentLegEnded: (CallPhase.CONNECTED, "end the call"),
    AgentLegRinging: (CallPhase.RINGING, "handle AgentLegRinging"),
    AgentLegAnswered: (CallPhase.RINGING, "handle AgentLegAnswered"),
    AgentLegDeclined: (CallPhase.RINGING, "handle AgentLegDeclined"),
    AgentLegFailed: (CallPhase.RINGING, "handle AgentLegFailed"),
}
"""Agent inputs about a call: the phase the call must be in, with the input's agent,
and the action an error names."""

PHASE_WITH_AGENT: Mapping[CallPhase, str] = {
    CallPhase.CONNECTED: "the call is not connected to agent {agent!r}",
    CallPhase.RINGING: "the call does not ring at agent {agent!r}",
}
"""Why an input of :data:`CALL_PHASE_NEEDED` is refused, by the phase it needs."""


@attrs.frozen(kw_only=True)
class Refusal:
    """Agent states in which a presence input is refused, and what the error says."""

    states: frozenset[AgentState]
    action: str
    allowed: tuple[str, ...]
    reason: str


AGENT_STATES_REFUSING: Mapping[type, Refusal] = {
    AgentLoggedOut: Refusal(
        states=frozenset({AgentState.BUSY, AgentState.RESERVED}),
        action="log out",
        allowed=("AgentLegDeclined", "AgentLegEnded", "AgentNotReady"),
        reason="a call rings at the agent or is being handled",
    ),
    # An agent whose wrap-up runs shows it unless a call rings or is held.
    WrapUpDone: Refusal(
        states=frozenset({AgentState.AVAILABLE, AgentState.NOT_READY}),
        action="end wrap-up",
        allowed=("AgentNotReady", "AgentLoggedOut"),
        reason="no wrap-up is running",
    ),
}
"""Presence inputs that some agent states refuse (on top of being logged out)."""
