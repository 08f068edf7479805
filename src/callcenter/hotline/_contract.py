"""The adapter contract: what a host feeds a hotline, and what it gets back.

Inputs say what happened on the telephony side, at the agents' desks or in the host
application; outputs say what the hotline wants done. Every input and output names
the call (``call_id``, the telephony's own id of the caller's leg) or the agent
(``agent_id``, the routing definition's id) it belongs to, so that an adapter that
serves many calls can send each output to the right one.

Inputs carry no time: the host passes ``now`` with every input
(``hotline.handle(input, now)``), the way every engine of the library takes it.

What the IVR does on a call (play a prompt, collect digits, record, ask the host, hang
up, transfer) comes out as :class:`CallCommand`, wrapping the IVR's own command
(:class:`~callcenter.ivr.Play`, :class:`~callcenter.ivr.Listen`...), and what the
caller or the host answers goes in as :class:`CallInput`, wrapping the IVR's own
input (:class:`~callcenter.ivr.DigitsPressed`, :class:`~callcenter.ivr.CallerHungUp`,
:class:`~callcenter.ivr.HostAnswered`...): one name, one meaning, across the library.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeAlias

import attrs

from ..ivr import Command as IvrCommand
from ..ivr import InputEvent as IvrInput
from ..metrics import ContactRecord
from ..tickets import TicketEvent

__all__ = [
    "AgentLegAnswered",
    "AgentLegDeclined",
    "AgentLegEnded",
    "AgentLegFailed",
    "AgentLegRinging",
    "AgentLoggedIn",
    "AgentLoggedOut",
    "AgentNotReady",
    "AgentReady",
    "AnswerCall",
    "CallArrived",
    "CallCommand",
    "CallInput",
    "CallOnHold",
    "ConnectAgent",
    "ContactFinished",
    "EndCall",
    "HoldCaller",
    "HotlineInput",
    "HotlineOutput",
    "RejectCall",
    "RingAgent",
    "StopRinging",
    "TicketUpdate",
    "TransferCall",
    "TransferRequested",
    "WrapUpDone",
]


# --------------------------------------------------------------------------- inputs: calls


@attrs.frozen(kw_only=True)
class CallArrived:
    """A call reached one of the hotline's lines.

    Attributes:
        call_id: The telephony's id of the caller's leg; unique among live calls.
        line: The line's id or dialled number.
        caller: The caller's number as presented (empty when withheld).
        caller_name: The presented name, if any.
    """

    call_id: str
    line: str
    caller: str = ""
    caller_name: str = ""


@attrs.frozen(kw_only=True)
class CallInput:
    """What the caller did, or what the host answered, on a call.

    ``event`` is an IVR input: digits, speech, a prompt that finished playing, a
    recording that finished, the host's answer to a lookup, or the caller hanging
    up. :class:`~callcenter.ivr.CallerHungUp` is valid in every phase of the call
    (in the IVR, queued, ringing, talking); the others only where the IVR waits
    for them.

    Attributes:
        call_id: The call (the telephony's id of the caller's leg).
        event: The IVR input (:class:`~callcenter.ivr.DigitsPressed`,
            :class:`~callcenter.ivr.CallerHungUp`...).
    """

    call_id: str
    event: IvrInput


@attrs.frozen(kw_only=True)
class CallOnHold:
    """An agent put the caller on hold (``on=True``) or took them off hold.

    Attributes:
        call_id: The call (the telephony's id of the caller's leg).
        agent_id: The agent (an agent id of the routing definition).
        on: ``True`` when the caller goes on hold, ``False`` when taken off.
    """

    call_id: str
    agent_id: str
    on: bool = True


@attrs.frozen(kw_only=True)
class TransferRequested:
    """The agent talking to the caller transfers the call.

    Exactly one target is set: a queue (the call is queued again, its data
    following it), an agent (offered that agent first), or an outside number (the
    telephony side transfers; the call leaves the hotline).

    Attributes:
        call_id: The call (the telephony's id of the caller's leg).
        agent_id: The agent who transfers.
        queue: The queue to transfer to, or ``None``.
        agent: The agent to transfer to, or ``None``.
        number: The outside number to transfer to, or ``None``.
    """

    call_id: str
    agent_id: str
    queue: str | None = None
    agent: str | None = None
    number: str | None = None


# --------------------------------------------------------------------------- inputs: agent legs


@attrs.frozen(kw_only=True)
class AgentLegRinging:
    """The agent's phone rings for the call (after :class:`RingAgent`).

    Attributes:
        call_id: The call (the telephony's id of the caller's leg).
        agent_id: The agent (an agent id of the routing definition).
    """

    call_id: str
    agent_id: str


@attrs.frozen(kw_only=True)
class AgentLegAnswered:
    """The agent picked up the offered call.

    Attributes:
        call_id: The call (the telephony's id of the caller's leg).
        agent_id: The agent (an agent id of the routing definition).
    """

    call_id: str
    agent_id: str


@attrs.frozen(kw_only=True)
class AgentLegDeclined:
    """The agent refused the offered call, or it rang out.

    ``"no-answer"`` (the telephony's own ring timer fired before the hotline's
    ``StopRinging``) is a missed offer: it counts towards the queue's
    ``auto_pause_after`` exactly like the hotline's own ring timeout. Any other
    reason is a refusal, which does not.

    Attributes:
        call_id: The call (the telephony's id of the caller's leg).
        agent_id: The agent (an agent id of the routing definition).
        reason: ``"busy"``, ``"no-answer"`` or ``"rejected"``.
    """

    call_id: str
    agent_id: str
    reason: str = "rejected"


@attrs.frozen(kw_only=True)
class AgentLegFailed:
    """The agent's leg could not be set up (unreachable endpoint, network error).

    A missed offer, like a ``"no-answer"`` decline: it counts towards the queue's
    ``auto_pause_after``, so an agent whose phone stays unreachable is paused
    (reason ``"missed offers"``) after that many offers in a row.

    Attributes:
        call_id: The call (the telephony's id of the caller's leg).
        agent_id: The agent (an agent id of the routing definition).
        reason: What went wrong, in the telephony's words.
    """

    call_id: str
    agent_id: str
    reason: str = ""


@attrs.frozen(kw_only=True)
class AgentLegEnded:
    """The agent hung up a connected call.

    Attributes:
        call_id: The call (the telephony's id of the caller's leg).
        agent_id: The agent (an agent id of the routing definition).
        outcome: What the agent's application reports the call was about
            (``"complaint"``); ticket rules with this ``agent_outcome`` apply.
        fields: Fields for the tickets the outcome opens.
    """

    call_id: str
    agent_id: str
    outcome: str | None = None
    fields: Mapping[str, str] = attrs.field(factory=dict)


# --------------------------------------------------------------------------- inputs: presence


@attrs.frozen(kw_only=True)
class AgentLoggedIn:
    """The agent signed in (ready unless ``ready=False``).

    Attributes:
        agent_id: The agent (an agent id of the routing definition).
        ready: Whether the agent is ready for contacts at once.
    """

    agent_id: str
    ready: bool = True


@attrs.frozen(kw_only=True)
class AgentReady:
    """The agent is ready for contacts.

    Attributes:
        agent_id: The agent (an agent id of the routing definition).
    """

    agent_id: str


@attrs.frozen(kw_only=True)
class AgentNotReady:
    """The agent is not ready (break, meeting...), with a reason.

    Attributes:
        agent_id: The agent (an agent id of the routing definition).
        reason: Why (``"break"``, ``"meeting"``), as the agent's application says.
    """

    agent_id: str
    reason: str


@attrs.frozen(kw_only=True)
class AgentLoggedOut:
    """The agent signed out.

    Attributes:
        agent_id: The agent (an agent id of the routing definition).
    """

    agent_id: str


@attrs.frozen(kw_only=True)
class WrapUpDone:
    """The agent ended after-contact work before its timer.

    Attributes:
        agent_id: The agent (an agent id of the routing definition).
    """

    agent_id: str


HotlineInput: TypeAlias = (
    CallArrived
    | CallInput
    | CallOnHold
    | TransferRequested
    | AgentLegRinging
    | AgentLegAnswered
    | AgentLegDeclined
    | AgentLegFailed
    | AgentLegEnded
    | AgentLoggedIn
    | AgentReady
    | AgentNotReady
    | AgentLoggedOut
    | WrapUpDone
)
"""Everything :meth:`~callcenter.hotline.Hotline.handle` takes."""


# --------------------------------------------------------------------------- outputs: telephony


@attrs.frozen(kw_only=True)
class AnswerCall:
    """Answer the caller's leg (before the first prompt).

    Attributes:
        call_id: The call (the telephony's id of the caller's leg).
    """

    call_id: str


@attrs.frozen(kw_only=True)
class RejectCall:
    """Refuse the call without answering it (a blocked caller, a closed line).

    Attributes:
        call_id: The call (the telephony's id of the caller's leg).
        reason: Why (``"blocked"``...).
    """

    call_id: str
    reason: str


@attrs.frozen(kw_only=True)
class CallCommand:
    """Do what the call's IVR asks.

    ``command`` is the IVR's own command: play, listen, record, ask the host,
    enqueue (for information: the hotline queues the call itself), request a
    callback, transfer, hang up.

    Attributes:
        call_id: The call (the telephony's id of the caller's leg).
        command: The IVR command (:class:`~callcenter.ivr.Play`,
            :class:`~callcenter.ivr.Listen`...).
    """

    call_id: str
    command: IvrCommand


@attrs.frozen(kw_only=True)
class HoldCaller:
    """Keep the queued caller on hold treatment: music, and an announcement.

    Attributes:
        call_id: The call (the telephony's id of the caller's leg).
        queue: The queue the caller waits in.
        music: The music on hold's reference.
        position: The caller's 1-based position to announce, or ``None``.
        expected_wait: The expected wait in seconds to announce, or ``None``.
        language: The caller's language, for the announcements (the one the IVR
            spoke, or the line's for a call queued without a flow, as
            ``Hotline.call(call_id).language`` says); ``""`` when the line sets
            none (the telephony's default).
    """

    call_id: str
    queue: str
    music: str
    position: int | None = None
    expected_wait: float | None = None
    language: str = ""


@attrs.frozen(kw_only=True)
class RingAgent:
    """Call the agent's phone for this call; report back with the agent-leg inputs.

    Attributes:
        call_id: The call (the telephony's id of the caller's leg).
        agent_id: The agent (an agent id of the routing definition).
        endpoint: Where to ring (an extension, a SIP URI or a mobile number), from
            the agent's :class:`~callcenter.hotline.Endpoint`; the agent id when the
            hotline has no endpoint for the agent.
        timeout: Seconds until the ACD takes the offer back (the queue's ring
            timeout); the adapter may ring a little longer, never shorter.
        context: The screen pop: what the agent's application shows.
    """

    call_id: str
    agent_id: str
    endpoint: str
    timeout: float
    context: Mapping[str, str] = attrs.field(factory=dict)


@attrs.frozen(kw_only=True)
class StopRinging:
    """Cancel the agent's leg for this call (ring timeout, caller gone).

    Attributes:
        call_id: The call (the telephony's id of the caller's leg).
        agent_id: The agent (an agent id of the routing definition).
    """

    call_id: str
    agent_id: str


@attrs.frozen(kw_only=True)
class ConnectAgent:
    """Bridge the caller with the agent's answered leg.

    Attributes:
        call_id: The call (the telephony's id of the caller's leg).
        agent_id: The agent (an agent id of the routing definition).
    """

    call_id: str
    agent_id: str


@attrs.frozen(kw_only=True)
class TransferCall:
    """Transfer the caller to an outside number; the call leaves the hotline.

    Attributes:
        call_id: The call (the telephony's id of the caller's leg).
        number: The number (or SIP URI) to transfer to.
    """

    call_id: str
    number: str


@attrs.frozen(kw_only=True)
class EndCall:
    """Hang up the caller's leg (and the agent's, if connected).

    Attributes:
        call_id: The call (the telephony's id of the caller's leg).
        reason: Why the call ends, in words (for the telephony's logs).
    """

    call_id: str
    reason: str


# --------------------------------------------------------------------------- outputs: domain


@attrs.frozen(kw_only=True)
class ContactFinished:
    """A call's contact record, once the call has ended.

    Attributes:
        call_id: The call (the telephony's id of the caller's leg).
        record: The record (:class:`~callcenter.metrics.ContactRecord`).
    """

    call_id: str
    record: ContactRecord


@attrs.frozen(kw_only=True)
class TicketUpdate:
    """Something happened to a ticket: opened by a call, an SLA warning or breach.

    Attributes:
        event: The ticket event (:class:`~callcenter.tickets.TicketOpened`...).
        call_id: The call that caused it, or ``None`` (an SLA clock).
    """

    event: TicketEvent
    call_id: str | None = None


HotlineOutput: TypeAlias = (
    AnswerCall
    | RejectCall
    | CallCommand
    | HoldCaller
    | RingAgent
    | StopRinging
    | ConnectAgent
    | TransferCall
    | EndCall
    | ContactFinished
    | TicketUpdate
)
"""Everything :meth:`~callcenter.hotline.Hotline.handle` and ``advance`` return."""
