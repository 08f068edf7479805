"""Asterisk's REST interface (ARI): a Stasis application that runs the hotline's calls.

The dialplan sends each call of the hotline's numbers to the application
(``Stasis(callcenter,LINE)``); from then on Asterisk reports what happens on the call
as JSON events over a WebSocket, and does what the application asks through REST
requests. :class:`AriCore` is the translation, sans-I/O: an ARI event in, the hotline
inputs it stands for handed to the hotline, the hotline's outputs out as
:class:`AriRequest` values (and, for what is not the telephony's, the outputs
themselves, for the host). :class:`~callcenter.adapters.asterisk.AriApp` runs it over
HTTP and the WebSocket.

Events into inputs:

=============================  ==================================================
ARI event                      hotline input
=============================  ==================================================
StasisStart (a new channel)    ``CallArrived`` (line: the first Stasis argument,
                               else the dialled extension)
ChannelDtmfReceived            ``DigitsPressed`` (one key each; a prompt that lets
                               keys cut it short is stopped)
PlaybackFinished               ``PromptFinished`` (the call's latest prompt only)
RecordingFinished / Failed     ``RecordingFinished`` (seconds 0 when it failed)
StasisEnd, ChannelDestroyed    ``CallerHungUp`` (once; not after the application
                               itself hung up or transferred the call)
ChannelStateChange Ringing     ``AgentLegRinging`` (an agent's channel)
StasisStart (agent channel)    ``AgentLegAnswered`` (an originated channel enters
                               the application when it is answered)
ChannelDestroyed (agent)       before the answer: ``AgentLegDeclined`` (cause 17
                               busy, 18/19 no answer, 21 rejected) or
                               ``AgentLegFailed``; after it: ``AgentLegEnded``
=============================  ==================================================

Outputs into requests (paths under ``/ari``):

* ``AnswerCall``: ``POST /channels/{id}/answer``; ``RejectCall``:
  ``DELETE /channels/{id}?reason=busy``.
* ``Play``: ``POST /channels/{id}/play/{playbackId}?media=sound:PROMPT&lang=LANG``
  (a prompt or audio that already names its media, ``recording:...``, is played
  as is); ``Record``: ``POST /channels/{id}/record`` into ``MAILBOX-CALL``.
* ``HoldCaller``: the caller joins the queue's holding bridge ``hold-QUEUE``
  (created once), music on hold of the given class starts on the channel, and the
  position and expected wait are announced on the channel.
* ``RingAgent``: ``POST /channels/{agentChannelId}`` (originate) to the agent's
  endpoint, into the application, with the screen pop in channel variables;
  ``StopRinging``: ``DELETE`` that channel.
* ``ConnectAgent``: the caller leaves the holding bridge; caller and agent join a
  mixing bridge ``call-ID``.
* ``TransferCall`` and the IVR's ``Transfer``: ``POST /channels/{id}/continue`` into
  the transfer context at the number; ``EndCall`` and the IVR's ``HangUp``:
  ``DELETE`` the caller's channel (and the agent's, and the bridge).
* ``Listen``, ``AskHost``, ``Enqueue``, ``RequestCallback``, ``ContactFinished``
  and ``TicketUpdate`` go to the host: keys come as events anyway, the hotline
  runs the IVR's timers, and the host answers lookups with :meth:`AriCore.host`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol, TypeAlias

import attrs

from ...errors import CallCenterError, WireError
from ...hotline import (
    AgentLegAnswered,
    AgentLegDeclined,
    AgentLegEnded,
    AgentLegFailed,
    AgentLegRinging,
    AnswerCall,
    CallArrived,
    CallCommand,
    CallInput,
    ConnectAgent,
    EndCall,
    HoldCaller,
    HotlineInput,
    HotlineOutput,
    RejectCall,
    RingAgent,
    StopRinging,
    TransferCall,
)
from ...ivr import (
    CallerHungUp,
    DigitsPressed,
    HangUp,
    Play,
    PromptFinished,
    Record,
    RecordingFinished,
    Transfer,
)


class Drivable(Protocol):
    """What :class:`AriCore` needs of a hotline: :class:`~callcenter.hotline.Hotline` has it."""

    def handle(self, item: HotlineInput, now: float) -> Sequence[HotlineOutput]:
        """Handle one input at ``now``; return the outputs."""

    def advance(self, now: float) -> Sequence[HotlineOutput]:
        """Fire every timer due by ``now``; return the outputs."""

    def next_deadline(self) -> float | None:
        """The time of the next timer, or ``None``."""


__all__ = ["AriAction", "AriConfig", "AriCore", "AriError", "AriRequest", "decode_event"]

PROTOCOL = "ARI"
_SCHEMES = ("sound:", "recording:", "number:", "digits:", "characters:", "tone:")


class AriError(CallCenterError):
    """Asterisk answered a REST request with an error, or could not be reached.

    Args:
        method: The request's method.
        path: The request's path.
        status: The HTTP status (0 when there was no answer).
        message: What Asterisk said.
    """

    def __init__(self, *, method: str, path: str, status: int, message: str) -> None:
        self.method = method
        self.path = path
        self.status = status
        self.message = message
        super().__init__(f"ARI {method} {path} failed ({status}): {message}")


@attrs.frozen(kw_only=True)
class AriRequest:
    """One REST request to Asterisk.

    Attributes:
        method: ``"GET"``, ``"POST"`` or ``"DELETE"``.
        path: The path under ``/ari`` (``"/channels/1790000010.11/answer"``).
        params: Query parameters, in order.
        body: A JSON body (the originate's channel variables), or ``None``.
    """

    method: str
    path: str
    params: tuple[tuple[str, str], ...] = ()
    body: Mapping[str, Any] | None = None
    call_id: str | None = attrs.field(default=None, eq=False)
    """The call the request is for (not sent): requests of one call go in order."""


AriAction: TypeAlias = AriRequest | HotlineOutput
"""What :class:`AriCore` asks for: a REST request, or an output for the host."""


def _default_dial(config: AriConfig, endpoint: str) -> str:
    if endpoint.startswith(("sip:", "sips:")):
        return config.sip_dial.format(uri=endpoint)
    digits = endpoint.removeprefix("+")
    if endpoint.startswith("+") or (digits.isdigit() and len(digits) >= config.mobile_min_digits):
        return config.mobile_dial.format(number=endpoint)
    if "/" in endpoint:
        return endpoint  # already a dial string: PJSIP/8001, Local/...
    return config.extension_dial.format(extension=endpoint)


@attrs.frozen(kw_only=True)
class AriConfig:
    """How the Stasis application talks to Asterisk.

    Attributes:
        app: The Stasis application's name (``Stasis(callcenter)`` in the dialplan).
        extension_dial: Dial string for a desk phone's extension.
        sip_dial: Dial string for an agent's SIP address (an endpoint to send it by).
        mobile_dial: Dial string for a mobile seat's number: a ``Local`` channel into
            a dialplan context that dials the trunk, or the trunk itself.
        mobile_min_digits: An endpoint of this many digits or more (or starting with
            ``+``) is a mobile number; shorter ones are extensions.
        transfer_context: The dialplan context that transfers go to (``continue``).
        ring_grace: Seconds the agent's phone rings past the ACD's ring timeout
            (the ACD takes the offer back itself; this only bounds a lost channel).
        recording_format: The voicemail recordings' format.
        dial: A function from the agent's endpoint to a dial string, replacing the
            three templates.
    """

    app: str = "callcenter"
    extension_dial: str = "PJSIP/{extension}"
    sip_dial: str = "PJSIP/callcenter-agents/{uri}"
    mobile_dial: str = "Local/{number}@callcenter-mobile"
    mobile_min_digits: int = 7
    transfer_context: str = "callcenter-transfer"
    ring_grace: float = 5.0
    recording_format: str = "wav"
    dial: Callable[[str], str] | None = None

    def dial_string(self, endpoint: str) -> str:
        """The dial string for an agent's endpoint."""
        if self.dial is not None:
            return self.dial(endpoint)
        return _default_dial(self, endpoint)


def decode_event(data: str | bytes) -> dict[str, Any]:
    """An ARI event from the WebSocket: a JSON object with a ``type``.

    Raises:
        WireError: Not JSON, not an object, or without a string ``type``.

    >>> decode_event('{"type": "StasisStart", "application": "callcenter"}')["type"]
    'StasisStart'
    """
    try:
        value = json.loads(data)
    except (ValueError, RecursionError):
        raise WireError(protocol=PROTOCOL, detail="a JSON event", data=data) from None
    if not isinstance(value, dict) or not isinstance(value.get("type"), str):
        raise WireError(protocol=PROTOCOL, detail="a JSON object with a 'type'", data=data)
    return value


def _field(event: Mapping[str, Any], *path: str) -> str:
    value: Any = event
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    if not isinstance(value, str) or not value:
        raise WireError(
            protocol=PROTOCOL,
            detail=f"a {event.get('type')} event with {'.'.join(path)} (text)",
            data=json.dumps(event)[:200],
        )
    return value


def _optional(event: Mapping[str, Any], *path: str) -> Any:
    value: Any = event
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


@attrs.define
class _Call:
    caller: str = ""
    prompt: str | None = None
    barge_in: bool = False
    prompts: int = 0
    recording: str | None = None
    hold: str | None = None
    legs: dict[str, str] = attrs.field(factory=dict)
    connected: str | None = None
    bridge: str | None = None
    gone: bool = False


@attrs.define
class _Leg:
    call_id: str
    agent_id: str
    rang: bool = False
    answered: bool = False


class AriCore:
    """The Stasis application's logic: ARI events in, hotline in between, requests out.

    Sans-I/O: it never opens a socket. Feed it each event from the WebSocket with
    :meth:`event`, host inputs (agents' presence, lookups answered, an agent's
    outcome) with :meth:`host`, and wake it at :meth:`next_deadline` with
    :meth:`advance`; send the :class:`AriRequest` values it returns, in order, and
    hand the other actions to the host.

    It keeps only what the wire needs: which ARI channel is which call or which
    agent's leg, the current prompt's playback, the bridges.

    Args:
        hotline: The hotline that runs the calls.
        config: How to talk to Asterisk.
    """

    def __init__(self, hotline: Drivable, config: AriConfig | None = None) -> None:
        self.hotline = hotline
        self.config = AriConfig() if config is None else config
        self._calls: dict[str, _Call] = {}
        self._legs: dict[str, _Leg] = {}
        self._holds: set[str] = set()
        self._seq = 0
        self.refused: list[CallCenterError] = []
        """Inputs the hotline refused (a late answer, a stray key), newest last."""

    # ------------------------------------------------------------------ in

    def event(self, event: Mapping[str, Any], now: float) -> list[AriAction]:
        """Handle one ARI event (decoded with :func:`decode_event`) at ``now``.

        Raises:
            WireError: The event lacks a field its type must have; nothing changed.
        """
        kind = event.get("type")
        handler = _EVENTS.get(kind) if isinstance(kind, str) else None
        if handler is None:
            return []
        return handler(self, event, now)

    def host(self, item: HotlineInput, now: float) -> list[AriAction]:
        """Handle an input from the host or an agent's desktop at ``now``.

        Presence, a lookup's answer, an agent ending a call with an outcome, a hold,
        a transfer: what does not come from Asterisk.

        Raises:
            CallCenterError: The hotline refused it; nothing changed.
        """
        outputs = self.hotline.handle(item, now)
        if isinstance(item, AgentLegEnded):
            call = self._calls.get(item.call_id)
            if call is not None:
                leg = call.legs.pop(item.agent_id, None)
                if leg is not None:
                    self._legs.pop(leg, None)
                    actions: list[AriAction] = [attrs.evolve(_delete(leg), call_id=item.call_id)]
                    return actions + self._carry_out(outputs)
        return self._carry_out(outputs)

    def advance(self, now: float) -> list[AriAction]:
        """Fire the hotline's timers due by ``now``; carry out their outputs."""
        return self._carry_out(self.hotline.advance(now))

    def next_deadline(self) -> float | None:
        """When to call :meth:`advance` next (the hotline's next deadline)."""
        return self.hotline.next_deadline()

    def _feed(self, item: HotlineInput, now: float) -> list[AriAction]:
        try:
            outputs = self.hotline.handle(item, now)
        except CallCenterError as error:
            self.refused.append(error)
            del self.refused[:-100]
            return []
        return self._carry_out(outputs)

    def _stasis_start(self, event: Mapping[str, Any], now: float) -> list[AriAction]:
        channel = _field(event, "channel", "id")
        leg = self._legs.get(channel)
        if leg is not None:
            if leg.answered:
                return []
            answered = AgentLegAnswered(call_id=leg.call_id, agent_id=leg.agent_id)
            try:
                outputs = self.hotline.handle(answered, now)
            except CallCenterError as error:
                # The offer is over (the caller left, the ACD took it back): the agent's
                # phone must not stay up with no one on the other end.
                self.refused.append(error)
                del self._legs[channel]
                call = self._calls.get(leg.call_id)
                if call is not None and call.legs.get(leg.agent_id) == channel:
                    del call.legs[leg.agent_id]
                self._forget()
                return [attrs.evolve(_delete(channel), call_id=leg.call_id)]
            leg.answered = True
            return self._carry_out(outputs)
        if channel in self._calls:
            return []
        args = event.get("args")
        line = args[0] if isinstance(args, list) and args and isinstance(args[0], str) else None
        if line == "agent":
            # An agent's channel answered after its offer was taken back: hang it up.
            return [attrs.evolve(_delete(channel), call_id=channel)]
        if not line:
            line = _field(event, "channel", "dialplan", "exten")
        number = _optional(event, "channel", "caller", "number")
        name = _optional(event, "channel", "caller", "name")
        arrived = CallArrived(
            call_id=channel,
            line=line,
            caller=number if isinstance(number, str) else "",
            caller_name=name if isinstance(name, str) else "",
        )
        self._calls[channel] = _Call(caller=arrived.caller)
        try:
            outputs = self.hotline.handle(arrived, now)
        except CallCenterError as error:
            # Not a call this hotline takes (an unknown line): do not leave it hanging.
            self.refused.append(error)
            del self._calls[channel]
            return [
                AriRequest(
                    method="DELETE", path=f"/channels/{channel}", params=_BUSY, call_id=channel
                )
            ]
        return self._carry_out(outputs)

    def _dtmf(self, event: Mapping[str, Any], now: float) -> list[AriAction]:
        channel = _field(event, "channel", "id")
        digit = _field(event, "digit")
        call = self._calls.get(channel)
        if call is None or call.gone:
            return []
        actions: list[AriAction] = []
        if call.prompt is not None and call.barge_in:
            actions.append(
                AriRequest(method="DELETE", path=f"/playbacks/{call.prompt}", call_id=channel)
            )
            call.prompt = None
        return actions + self._feed(
            CallInput(call_id=channel, event=DigitsPressed(digits=digit)), now
        )

    def _target(self, event: Mapping[str, Any], kind: str) -> tuple[str, _Call | None]:
        """The channel a playback's or a recording's ``target_uri`` names, and its live call."""
        call_id = _field(event, kind, "target_uri").removeprefix("channel:")
        call = self._calls.get(call_id)
        return call_id, None if call is None or call.gone else call

    def _playback_finished(self, event: Mapping[str, Any], now: float) -> list[AriAction]:
        playback = _field(event, "playback", "id")
        call_id, call = self._target(event, "playback")
        if call is None or call.prompt != playback:
            return []
        call.prompt = None
        return self._feed(CallInput(call_id=call_id, event=PromptFinished()), now)

    def _recording_finished(self, event: Mapping[str, Any], now: float) -> list[AriAction]:
        name = _field(event, "recording", "name")
        call_id, call = self._target(event, "recording")
        if call is None or call.recording != name:
            return []
        call.recording = None
        seconds = _optional(event, "recording", "duration")
        if event.get("type") != "RecordingFinished" or not isinstance(seconds, int | float):
            seconds = 0.0
        if not math.isfinite(seconds) or seconds < 0:
            seconds = 0.0
        finished = RecordingFinished(reference=name, seconds=float(seconds))
        return self._feed(CallInput(call_id=call_id, event=finished), now)

    def _state_change(self, event: Mapping[str, Any], now: float) -> list[AriAction]:
        channel = _field(event, "channel", "id")
        state = _optional(event, "channel", "state")
        leg = self._legs.get(channel)
        if leg is None or leg.rang or leg.answered or state != "Ringing":
            return []
        leg.rang = True
        return self._feed(AgentLegRinging(call_id=leg.call_id, agent_id=leg.agent_id), now)

    def _gone(self, event: Mapping[str, Any], now: float) -> list[AriAction]:
        channel = _field(event, "channel", "id")
        leg = self._legs.pop(channel, None)
        if leg is not None:
            call = self._calls.get(leg.call_id)
            if call is not None and call.legs.get(leg.agent_id) == channel:
                del call.legs[leg.agent_id]
            return self._feed(_leg_end(leg, event), now)
        call = self._calls.get(channel)
        if call is None or call.gone:
            return []
        call.gone = True
        return self._feed(CallInput(call_id=channel, event=CallerHungUp()), now)

    # ------------------------------------------------------------------ out

    def _carry_out(self, outputs: Sequence[HotlineOutput]) -> list[AriAction]:
        actions: list[AriAction] = []
        for output in outputs:
            carry = _OUTPUTS.get(type(output))
            if carry is None:
                actions.append(output)
                continue
            call_id = getattr(output, "call_id", None)
            for action in carry(self, output):
                if type(action) is AriRequest and action.call_id is None:
                    action = attrs.evolve(action, call_id=call_id)
                actions.append(action)
        self._forget()
        return actions

    def _forget(self) -> None:
        finished = [c for c, call in self._calls.items() if call.gone and not call.legs]
        for call_id in finished:
            del self._calls[call_id]

    def _next_id(self, prefix: str, call_id: str) -> str:
        self._seq += 1
        return f"{prefix}-{call_id}-{self._seq}"

    def _answer(self, output: AnswerCall) -> list[AriAction]:
        return [AriRequest(method="POST", path=f"/channels/{output.call_id}/answer")]

    def _reject(self, output: RejectCall) -> list[AriAction]:
        call = self._calls.get(output.call_id)
        if call is not None:
            call.gone = True
        return [AriRequest(method="DELETE", path=f"/channels/{output.call_id}", params=_BUSY)]

    def _command(self, output: CallCommand) -> list[AriAction]:
        command = output.command
        call_id = output.call_id
        call = self._calls.setdefault(call_id, _Call())
        if isinstance(command, Play):
            playback = self._next_id("prompt", call_id)
            call.prompt, call.barge_in = playback, command.barge_in
            media = command.audio or command.prompt
            if not media.startswith(_SCHEMES):
                media = f"sound:{media}"
            return [
                AriRequest(
                    method="POST",
                    path=f"/channels/{call_id}/play/{playback}",
                    params=(("media", media), ("lang", command.language)),
                )
            ]
        if isinstance(command, Record):
            name = self._next_id(command.mailbox, call_id)
            call.recording = name
            params = [
                ("name", name),
                ("format", self.config.recording_format),
                ("maxDurationSeconds", str(math.ceil(command.max_seconds))),
                ("beep", "true"),
                ("ifExists", "fail"),
            ]
            if command.terminator:
                params.append(("terminateOn", command.terminator))
            return [
                AriRequest(method="POST", path=f"/channels/{call_id}/record", params=tuple(params))
            ]
        if isinstance(command, HangUp):
            return self._hang_up(call_id)
        if isinstance(command, Transfer):
            return self._continue(call_id, command.to)
        return [output]  # Listen, AskHost, Enqueue, RequestCallback: for the host

    def _hang_up(self, call_id: str) -> list[AriAction]:
        call = self._calls.get(call_id)
        actions: list[AriAction] = []
        if call is not None:
            actions += [_delete(leg) for leg in call.legs.values()]
            for leg in call.legs.values():
                self._legs.pop(leg, None)
            call.legs.clear()
            call.gone = True
        actions.insert(0, _delete(call_id))
        if call is not None and call.bridge is not None:
            actions.append(AriRequest(method="DELETE", path=f"/bridges/{call.bridge}"))
            call.bridge = None
        return actions

    def _continue(self, call_id: str, number: str) -> list[AriAction]:
        actions: list[AriAction] = [
            AriRequest(
                method="POST",
                path=f"/channels/{call_id}/continue",
                params=(
                    ("context", self.config.transfer_context),
                    ("extension", number),
                    ("priority", "1"),
                ),
            )
        ]
        hang_up = self._hang_up(call_id)
        return actions + hang_up[1:]

    def _hold(self, output: HoldCaller) -> list[AriAction]:
        call = self._calls.setdefault(output.call_id, _Call())
        bridge = f"hold-{output.queue}"
        actions: list[AriAction] = []
        if call.bridge is not None:
            # Transferred to a queue while talking: the talk ends, the agent leaves.
            actions.append(AriRequest(method="DELETE", path=f"/bridges/{call.bridge}"))
            leg = call.legs.pop(call.connected, None) if call.connected is not None else None
            if leg is not None:
                self._legs.pop(leg, None)
                actions.append(_delete(leg))
            call.bridge = call.connected = None
        if call.hold != bridge:
            if bridge not in self._holds:
                self._holds.add(bridge)
                actions.append(
                    AriRequest(
                        method="POST", path=f"/bridges/{bridge}", params=(("type", "holding"),)
                    )
                )
            if call.hold is not None:
                actions.append(_remove(call.hold, output.call_id))
            call.hold = bridge
            actions.append(
                AriRequest(
                    method="POST",
                    path=f"/bridges/{bridge}/addChannel",
                    params=(("channel", output.call_id), ("role", "participant")),
                )
            )
        # Every treatment restarts the music (idempotent), so that each HoldCaller
        # is one request on the wire even when only its announcement changed.
        actions.append(
            AriRequest(
                method="POST",
                path=f"/channels/{output.call_id}/moh",
                params=(("mohClass", output.music),),
            )
        )
        media = _announcement(output.position, output.expected_wait)
        if media:
            announce = self._next_id("announce", output.call_id)
            actions.append(
                AriRequest(
                    method="POST",
                    path=f"/channels/{output.call_id}/play/{announce}",
                    params=(("media", ",".join(media)),),
                )
            )
        return actions

    def _ring(self, output: RingAgent) -> list[AriAction]:
        call = self._calls.setdefault(output.call_id, _Call())
        channel = self._next_id("agent", output.call_id)
        self._legs[channel] = _Leg(output.call_id, output.agent_id)
        call.legs[output.agent_id] = channel
        variables = {
            "CALLCENTER_CALL": output.call_id,
            "CALLCENTER_AGENT": output.agent_id,
            "CALLCENTER_ENDPOINT": output.endpoint,
            "CALLCENTER_TIMEOUT": repr(output.timeout),
            "CALLCENTER_CONTEXT": json.dumps(dict(output.context), ensure_ascii=False),
        }
        params = [
            ("endpoint", self.config.dial_string(output.endpoint)),
            ("app", self.config.app),
            ("appArgs", "agent"),
            ("timeout", str(math.ceil(output.timeout + self.config.ring_grace))),
            ("originator", output.call_id),
        ]
        if call.caller:
            params.append(("callerId", call.caller))
        return [
            AriRequest(
                method="POST",
                path=f"/channels/{channel}",
                params=tuple(params),
                body={"variables": variables},
            )
        ]

    def _stop(self, output: StopRinging) -> list[AriAction]:
        call = self._calls.get(output.call_id)
        channel = call.legs.pop(output.agent_id, None) if call is not None else None
        if channel is None:
            return []
        self._legs.pop(channel, None)
        return [_delete(channel)]

    def _connect(self, output: ConnectAgent) -> list[AriAction]:
        call = self._calls.setdefault(output.call_id, _Call())
        leg = call.legs.get(output.agent_id)
        actions: list[AriAction] = []
        if call.hold is not None:
            actions.append(_remove(call.hold, output.call_id))
            call.hold = None
        bridge = f"call-{output.call_id}"
        call.bridge, call.connected = bridge, output.agent_id
        members = output.call_id if leg is None else f"{output.call_id},{leg}"
        actions += [
            AriRequest(method="POST", path=f"/bridges/{bridge}", params=(("type", "mixing"),)),
            AriRequest(
                method="POST", path=f"/bridges/{bridge}/addChannel", params=(("channel", members),)
            ),
        ]
        return actions

    def _transfer(self, output: TransferCall) -> list[AriAction]:
        return self._continue(output.call_id, output.number)

    def _end(self, output: EndCall) -> list[AriAction]:
        return self._hang_up(output.call_id)

    # ------------------------------------------------------------------ resync

    def resync_requests(self) -> list[AriRequest]:
        """What to GET after a WebSocket drop: channels, bridges, current prompts."""
        requests = [
            AriRequest(method="GET", path="/channels"),
            AriRequest(method="GET", path="/bridges"),
        ]
        requests += [
            AriRequest(method="GET", path=f"/playbacks/{call.prompt}")
            for call in self._calls.values()
            if call.prompt is not None and not call.gone
        ]
        requests += [
            AriRequest(method="GET", path=f"/recordings/live/{call.recording}")
            for call in self._calls.values()
            if call.recording is not None and not call.gone
        ]
        return requests

    def resync(self, answers: Mapping[str, Any], now: float) -> list[AriAction]:
        """Catch up with what happened while the WebSocket was down.

        Args:
            answers: For each path of :meth:`resync_requests`, the JSON Asterisk
                answered, or ``None`` for a 404 (the playback or recording is over).
            now: The time.

        Every call, agent leg, prompt and recording is compared with what Asterisk
        has now, and the events missed are fed as if they had come, once: a caller
        gone hangs up, an agent's channel up is answered, one gone is declined or
        ended, a prompt or a recording over is finished. A caller that entered the
        application meanwhile arrives. Bridges that should exist and do not are made
        again with their channels.
        """
        channels_json = answers.get("/channels")
        bridges_json = answers.get("/bridges")
        if not isinstance(channels_json, list) or not isinstance(bridges_json, list):
            raise WireError(
                protocol=PROTOCOL, detail="lists of channels and bridges to resynchronise"
            )
        channels = {c["id"]: c for c in channels_json if isinstance(c, dict) and "id" in c}
        bridges = {b["id"] for b in bridges_json if isinstance(b, dict) and "id" in b}
        actions: list[AriAction] = []
        for channel_id, leg in list(self._legs.items()):
            seen = channels.get(channel_id)
            if seen is None:
                actions += self._gone(
                    {"type": "ChannelDestroyed", "channel": {"id": channel_id}, "cause": 0}, now
                )
            elif seen.get("state") == "Up" and not leg.answered:
                actions += self._stasis_start({"type": "StasisStart", "channel": seen}, now)
        for call_id, call in list(self._calls.items()):
            if call.gone:
                continue
            if call_id not in channels:
                actions += self._gone({"type": "StasisEnd", "channel": {"id": call_id}}, now)
                continue
            if call.prompt is not None and answers.get(f"/playbacks/{call.prompt}") is None:
                actions += self._playback_finished(
                    {
                        "type": "PlaybackFinished",
                        "playback": {"id": call.prompt, "target_uri": f"channel:{call_id}"},
                    },
                    now,
                )
            if (
                call.recording is not None
                and answers.get(f"/recordings/live/{call.recording}") is None
            ):
                actions += self._recording_finished(
                    {
                        "type": "RecordingFinished",
                        "recording": {"name": call.recording, "target_uri": f"channel:{call_id}"},
                    },
                    now,
                )
            actions += self._rebridge(call_id, call, bridges)
        for channel_id, seen in channels.items():
            if channel_id in self._calls or channel_id in self._legs:
                continue
            dialplan = seen.get("dialplan")
            if not isinstance(dialplan, dict) or dialplan.get("app_name") != "Stasis":
                continue
            data = str(dialplan.get("app_data", ""))
            app, _, rest = data.partition(",")
            if app != self.config.app or rest.split(",")[0] == "agent":
                continue
            args = [a for a in rest.split(",") if a] if rest else []
            actions += self._stasis_start(
                {"type": "StasisStart", "channel": seen, "args": args}, now
            )
        return actions

    def _rebridge(self, call_id: str, call: _Call, bridges: set[str]) -> list[AriAction]:
        actions: list[AriAction] = []
        if call.hold is not None and call.hold not in bridges:
            actions += [
                AriRequest(
                    method="POST", path=f"/bridges/{call.hold}", params=(("type", "holding"),)
                ),
                AriRequest(
                    method="POST",
                    path=f"/bridges/{call.hold}/addChannel",
                    params=(("channel", call_id), ("role", "participant")),
                ),
            ]
            bridges.add(call.hold)
        if call.bridge is not None and call.bridge not in bridges and call.connected:
            leg = call.legs.get(call.connected)
            members = call_id if leg is None else f"{call_id},{leg}"
            actions += [
                AriRequest(
                    method="POST", path=f"/bridges/{call.bridge}", params=(("type", "mixing"),)
                ),
                AriRequest(
                    method="POST",
                    path=f"/bridges/{call.bridge}/addChannel",
                    params=(("channel", members),),
                ),
            ]
        return actions


_BUSY = (("reason", "busy"),)


def _delete(channel: str) -> AriRequest:
    return AriRequest(method="DELETE", path=f"/channels/{channel}", params=(("reason", "normal"),))


def _bridge(bridge: str, kind: str) -> AriRequest:
    return AriRequest(method="POST", path=f"/bridges/{bridge}", params=(("type", kind),))


def _add(bridge: str, members: str) -> AriRequest:
    return AriRequest(
        method="POST", path=f"/bridges/{bridge}/addChannel", params=(("channel", members),)
    )


def _remove(bridge: str, channel: str) -> AriRequest:
    return AriRequest(
        method="POST", path=f"/bridges/{bridge}/removeChannel", params=(("channel", channel),)
    )


def _announcement(position: int | None, expected_wait: float | None) -> list[str]:
    media: list[str] = []
    if position is not None:
        if position <= 1:
            media.append("sound:queue-youarenext")
        else:
            media += ["sound:queue-thereare", f"number:{position - 1}", "sound:queue-callswaiting"]
    if expected_wait is not None and math.isfinite(expected_wait):
        minutes = max(1, math.ceil(expected_wait / 60))
        media += ["sound:queue-holdtime", f"number:{minutes}", "sound:queue-minutes"]
    return media


_DECLINES = {17: "busy", 18: "no-answer", 19: "no-answer", 21: "rejected"}


def _leg_end(leg: _Leg, event: Mapping[str, Any]) -> HotlineInput:
    if leg.answered:
        return AgentLegEnded(call_id=leg.call_id, agent_id=leg.agent_id)
    cause = event.get("cause")
    reason = _DECLINES.get(cause) if isinstance(cause, int) else None
    if reason is not None:
        return AgentLegDeclined(call_id=leg.call_id, agent_id=leg.agent_id, reason=reason)
    text = event.get("cause_txt")
    return AgentLegFailed(
        call_id=leg.call_id,
        agent_id=leg.agent_id,
        reason=text if isinstance(text, str) and text else f"cause {cause}",
    )


_EVENTS: dict[str, Callable[[AriCore, Mapping[str, Any], float], list[AriAction]]] = {
    "StasisStart": AriCore._stasis_start,
    "ChannelDtmfReceived": AriCore._dtmf,
    "PlaybackFinished": AriCore._playback_finished,
    "RecordingFinished": AriCore._recording_finished,
    "RecordingFailed": AriCore._recording_finished,
    "ChannelStateChange": AriCore._state_change,
    "StasisEnd": AriCore._gone,
    "ChannelDestroyed": AriCore._gone,
}

_OUTPUTS: dict[type, Callable[[AriCore, Any], list[AriAction]]] = {
    AnswerCall: AriCore._answer,
    RejectCall: AriCore._reject,
    CallCommand: AriCore._command,
    HoldCaller: AriCore._hold,
    RingAgent: AriCore._ring,
    StopRinging: AriCore._stop,
    ConnectAgent: AriCore._connect,
    TransferCall: AriCore._transfer,
    EndCall: AriCore._end,
}
