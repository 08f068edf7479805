"""Asterisk's side of ARI for the conformance kit: kit inputs as ARI events, requests back.

Events are the JSON models of Asterisk's ARI documentation (``StasisStart``,
``ChannelDtmfReceived``, ``PlaybackFinished``, ``RecordingFinished``,
``ChannelStateChange``, ``StasisEnd``, ``ChannelDestroyed``), sent as text and decoded
by the adapter's own :func:`decode_event`. The REST requests the adapter sends are
decoded back into the hotline outputs they stand for, from what the wire carries
only; what the wire does not carry (a prompt's text, a node's name) is left out by
:func:`carried`, which the kit compares through.
"""

from __future__ import annotations

import json
import math
import urllib.parse
import zlib
from collections.abc import Sequence
from typing import Any

import attrs

from callcenter.adapters.asterisk import AriCore, AriRequest, decode_event
from callcenter.errors import CallCenterError
from callcenter.hotline import (
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
from callcenter.ivr import (
    CallerHungUp,
    DigitsPressed,
    Enqueue,
    HangUp,
    Play,
    PromptFinished,
    Record,
    RecordingFinished,
    Transfer,
)
from callcenter.testing import Drivable

STAMP = "2026-12-03T10:00:00.000+0800"
CAUSES = {"busy": 17, "no-answer": 19, "rejected": 21}


def channel(
    channel_id: str,
    *,
    state: str = "Up",
    number: str = "",
    name: str = "",
    exten: str = "",
    app_data: str = "",
) -> dict[str, Any]:
    return {
        "id": channel_id,
        "name": f"PJSIP/trunk-{zlib.crc32(channel_id.encode()):08x}",
        "state": state,
        "protocol_id": "",
        "caller": {"name": name, "number": number},
        "connected": {"name": "", "number": ""},
        "accountcode": "",
        "dialplan": {
            "context": "from-trunk",
            "exten": exten,
            "priority": 2,
            "app_name": "Stasis",
            "app_data": app_data,
        },
        "creationtime": STAMP,
        "language": "zh",
    }


def render(request: AriRequest) -> str:
    """A request as the HTTP request line (and JSON body) the adapter sends."""
    query = urllib.parse.urlencode(request.params)
    line = f"{request.method} /ari{urllib.parse.quote(request.path)}" + (
        f"?{query}" if query else ""
    )
    if request.body is not None:
        line += " " + json.dumps(request.body, ensure_ascii=False, sort_keys=True)
    return line


def carried(output: HotlineOutput) -> object:
    """What of an output the ARI wire carries."""
    if type(output) is CallCommand:
        command = output.command
        if type(command) is Play:
            return ("play", output.call_id, command.audio or command.prompt, command.language)
        if type(command) is Record:
            return (
                "record",
                output.call_id,
                command.mailbox,
                math.ceil(command.max_seconds),
                command.terminator,
            )
        if type(command) is HangUp:
            return ("end", output.call_id)
        if type(command) is Transfer:
            return ("transfer", output.call_id, command.to)
        return output
    if type(output) is EndCall:
        return ("end", output.call_id)
    if type(output) is RejectCall:
        return ("reject", output.call_id)
    if type(output) is TransferCall:
        return ("transfer", output.call_id, output.number)
    if type(output) is HoldCaller:
        minutes = (
            None if output.expected_wait is None else max(1, math.ceil(output.expected_wait / 60))
        )
        return ("hold", output.call_id, output.queue, output.music, output.position, minutes)
    if type(output) is RingAgent:
        return attrs.evolve(output, context=dict(output.context))
    return output


class AriWire:
    """The kit's :class:`~callcenter.testing.Telephony` over ARI events and requests."""

    def __init__(self, hotline: Drivable) -> None:
        self.core = AriCore(hotline)
        self.transcript: list[str] = []
        self.out: list[HotlineOutput] = []
        self.prompt: dict[str, str] = {}
        self.recording: dict[str, str] = {}
        self.legs: dict[str, tuple[str, str]] = {}
        self.leg_of: dict[tuple[str, str], str] = {}
        self.bridged: set[str] = set()
        self.deleted: set[str] = set()
        self.acd: set[str] = set()
        self.hold: dict[str, str] = {}
        self.ended: set[str] = set()

    # ------------------------------------------------------------------ Telephony

    def handle(self, item: HotlineInput, now: float) -> Sequence[HotlineOutput]:
        self.out = []
        for event in self.encode(item):
            if event is None:
                try:
                    self.take(self.core.host(item, now))
                except CallCenterError:
                    self.transcript.append(f"host refused {type(item).__name__}")
                continue
            text = json.dumps(event, ensure_ascii=False)
            self.transcript.append(f"event {text}")
            self.take(self.core.event(decode_event(text), now))
        return self.out

    def advance(self, now: float) -> Sequence[HotlineOutput]:
        self.out = []
        self.take(self.core.advance(now))
        return self.out

    def next_deadline(self) -> float | None:
        return self.core.next_deadline()

    # ------------------------------------------------------------------ events

    def encode(self, item: HotlineInput) -> list[dict[str, Any] | None]:
        base = {"timestamp": STAMP, "application": "callcenter", "asterisk_id": "00:11:22:33:44:55"}
        if type(item) is CallArrived:
            ch = channel(
                item.call_id,
                state="Ring",
                number=item.caller,
                name=item.caller_name,
                exten=item.line,
                app_data=f"callcenter,{item.line}",
            )
            return [{"type": "StasisStart", **base, "args": [item.line], "channel": ch}]
        if type(item) is CallInput:
            event = item.event
            ch = channel(item.call_id)
            if type(event) is DigitsPressed:
                return [
                    {
                        "type": "ChannelDtmfReceived",
                        **base,
                        "digit": d,
                        "duration_ms": 120,
                        "channel": ch,
                    }
                    for d in event.digits
                ]
            if type(event) is PromptFinished:
                playback = {
                    "id": self.prompt.get(item.call_id, "none"),
                    "media_uri": "sound:x",
                    "target_uri": f"channel:{item.call_id}",
                    "language": "zh",
                    "state": "done",
                }
                return [{"type": "PlaybackFinished", **base, "playback": playback}]
            if type(event) is RecordingFinished:
                recording = {
                    "name": self.recording.get(item.call_id, "none"),
                    "format": "wav",
                    "target_uri": f"channel:{item.call_id}",
                    "state": "done",
                    "duration": event.seconds,
                }
                return [{"type": "RecordingFinished", **base, "recording": recording}]
            if type(event) is CallerHungUp:
                return [
                    {"type": "StasisEnd", **base, "channel": ch},
                    {
                        "type": "ChannelDestroyed",
                        **base,
                        "cause": 16,
                        "cause_txt": "Normal Clearing",
                        "channel": ch,
                    },
                ]
            return [None]  # a lookup answered, speech: from the host
        if type(item) in (AgentLegRinging, AgentLegAnswered, AgentLegDeclined, AgentLegFailed) or (
            type(item) is AgentLegEnded and item.outcome is None and not item.fields
        ):
            leg = self.leg_of.get((item.call_id, item.agent_id), "unknown")  # type: ignore[union-attr]
            ch = channel(
                leg,
                state="Ringing" if type(item) is AgentLegRinging else "Up",
                app_data="callcenter,agent",
            )
            if type(item) is AgentLegRinging:
                return [{"type": "ChannelStateChange", **base, "channel": ch}]
            if type(item) is AgentLegAnswered:
                return [{"type": "StasisStart", **base, "args": ["agent"], "channel": ch}]
            if type(item) is AgentLegEnded:
                return [
                    {"type": "StasisEnd", **base, "channel": ch},
                    {
                        "type": "ChannelDestroyed",
                        **base,
                        "cause": 16,
                        "cause_txt": "Normal Clearing",
                        "channel": ch,
                    },
                ]
            if type(item) is AgentLegDeclined:
                cause = CAUSES.get(item.reason, 21)
                return [
                    {
                        "type": "ChannelDestroyed",
                        **base,
                        "cause": cause,
                        "cause_txt": item.reason,
                        "channel": ch,
                    }
                ]
            assert type(item) is AgentLegFailed
            return [
                {
                    "type": "ChannelDestroyed",
                    **base,
                    "cause": 20,
                    "cause_txt": item.reason,
                    "channel": ch,
                }
            ]
        return [None]  # presence, an agent's outcome, holds, transfers: from the desktop

    # ------------------------------------------------------------------ requests

    def take(self, actions: Sequence[object]) -> None:
        items = list(actions)
        for index, action in enumerate(items):
            if not isinstance(action, AriRequest):
                if type(action) is CallCommand and type(action.command) is Enqueue:
                    self.acd.add(action.call_id)
                self.out.append(action)  # type: ignore[arg-type]
                continue
            self.transcript.append(render(action))
            following = items[index + 1] if index + 1 < len(items) else None
            decoded = self.decode(action, following)
            if decoded is not None:
                self.out.append(decoded)

    def decode(self, request: AriRequest, following: object) -> HotlineOutput | None:
        params = dict(request.params)
        parts = request.path.strip("/").split("/")
        if request.method == "POST" and parts[0] == "channels" and len(parts) == 2:
            variables = request.body["variables"] if request.body else {}
            call, agent = variables["CALLCENTER_CALL"], variables["CALLCENTER_AGENT"]
            self.legs[parts[1]] = (call, agent)
            self.leg_of[(call, agent)] = parts[1]
            self.acd.add(call)
            return RingAgent(
                call_id=call,
                agent_id=agent,
                endpoint=variables["CALLCENTER_ENDPOINT"],
                timeout=float(variables["CALLCENTER_TIMEOUT"]),
                context=json.loads(variables["CALLCENTER_CONTEXT"]),
            )
        if parts[0] == "channels" and request.method == "DELETE":
            target = parts[1]
            if target in self.legs:
                call, agent = self.legs[target]
                if target in self.bridged or target in self.deleted or call in self.ended:
                    return None
                self.deleted.add(target)
                return StopRinging(call_id=call, agent_id=agent)
            if params.get("reason") == "busy":
                return RejectCall(call_id=target, reason="")
            self.ended.add(target)
            if target in self.acd:
                return EndCall(call_id=target, reason="")
            return CallCommand(call_id=target, command=HangUp(node="", reason="flow"))
        if parts[0] == "channels" and len(parts) >= 3:
            call, verb = parts[1], parts[2]
            if verb == "answer":
                return AnswerCall(call_id=call)
            if verb == "play" and parts[3].startswith("prompt-"):
                self.prompt[call] = parts[3]
                media = params["media"]
                return CallCommand(
                    call_id=call,
                    command=Play(
                        node="",
                        prompt=media.removeprefix("sound:"),
                        language=params["lang"],
                        text=None,
                        audio=None,
                        seconds=0.0,
                        barge_in=False,
                    ),
                )
            if verb == "play":
                return None  # an announcement: part of the HoldCaller before it
            if verb == "record":
                name = params["name"]
                self.recording[call] = name
                mailbox = name.rsplit("-", 1)[0].removesuffix(f"-{call}")
                return CallCommand(
                    call_id=call,
                    command=Record(
                        node="",
                        mailbox=mailbox,
                        max_seconds=float(params["maxDurationSeconds"]),
                        terminator=params.get("terminateOn"),
                        attributes={},
                    ),
                )
            if verb == "moh":
                position = minutes = None
                if isinstance(following, AriRequest) and following.path.startswith(
                    f"/channels/{call}/play/announce-"
                ):
                    announced = dict(following.params)["media"].split(",")
                    if "sound:queue-youarenext" in announced:
                        position = 1
                    if "sound:queue-thereare" in announced:
                        position = (
                            int(
                                announced[announced.index("sound:queue-thereare") + 1].removeprefix(
                                    "number:"
                                )
                            )
                            + 1
                        )
                    if "sound:queue-holdtime" in announced:
                        minutes = int(
                            announced[announced.index("sound:queue-holdtime") + 1].removeprefix(
                                "number:"
                            )
                        )
                self.acd.add(call)
                return HoldCaller(
                    call_id=call,
                    queue=self.hold[call],
                    music=params["mohClass"],
                    position=position,
                    expected_wait=None if minutes is None else minutes * 60.0,
                )
            if verb == "continue":
                self.ended.add(call)
                if call in self.acd:
                    return TransferCall(call_id=call, number=params["extension"])
                return CallCommand(
                    call_id=call, command=Transfer(node="", to=params["extension"], attributes={})
                )
        if parts[0] == "bridges" and len(parts) == 3 and parts[2] == "addChannel":
            members = params["channel"].split(",")
            if parts[1].startswith("hold-"):
                self.hold[members[0]] = parts[1].removeprefix("hold-")
                return None
            self.bridged.update(members[1:])
            call, agent = self.legs[members[1]]
            return ConnectAgent(call_id=call, agent_id=agent)
        return None  # bridges made and left, prompts stopped: no output of their own
