"""Twilio's side of the wire, played by the tests: signed webhooks in, TwiML decoded back.

:class:`TwilioSide` implements the conformance kit's ``Telephony`` around a
:class:`TwilioAdapter`: each kit input becomes the webhook Twilio (or the agent's
desktop, or the host) would send, signed like Twilio signs it; each TwiML document,
REST request and host output the adapter sends back is decoded into the hotline
output it stands for. A transport carries the webhooks: in process
(:class:`InProcess`) or over HTTP to uvicorn (in ``test_end_to_end``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Protocol
from urllib.parse import parse_qs, urlencode, urlsplit
from xml.etree import ElementTree

from callcenter.adapters.twilio import (
    RestRequest,
    TwilioAdapter,
    TwilioSettings,
    WebResponse,
    sign,
)
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
    ContactFinished,
    EndCall,
    HoldCaller,
    HotlineInput,
    HotlineOutput,
    RejectCall,
    RingAgent,
    StopRinging,
    TicketUpdate,
)
from callcenter.ivr import (
    AskHost,
    CallerHungUp,
    DigitsPressed,
    Enqueue,
    HangUp,
    HostAnswered,
    HostFailed,
    HostNotFound,
    Listen,
    Play,
    PromptFinished,
    Record,
    RecordingFinished,
    Transfer,
)

TOKEN = "a-test-auth-token-0123456789abcdef"
PUBLIC = "https://hotline.example.com/twilio"
SETTINGS = TwilioSettings(public_url=PUBLIC, auth_tokens=(TOKEN,), account_sid="ACtest")


def signed(
    url: str, params: dict[str, str], token: str = TOKEN
) -> tuple[list[tuple[str, str]], bytes]:
    """Headers and body of a form POST to ``url`` signed like Twilio signs it."""
    body = urlencode(params).encode()
    signature = sign(token, url, {k: [v] for k, v in params.items()})
    headers = [
        ("content-type", "application/x-www-form-urlencoded"),
        ("x-twilio-signature", signature),
    ]
    return headers, body


class Transport(Protocol):
    """Carries one signed webhook; returns status, body and the adapter's effects."""

    def post(self, url: str, params: dict[str, str], now: float) -> tuple[int, bytes]: ...

    def host(self, item: HotlineInput, now: float) -> None: ...

    def outcome(
        self, call_id: str, agent_id: str, outcome: str | None, fields: dict[str, str]
    ) -> None: ...

    def tick(self, now: float) -> None: ...

    def deadline(self) -> float | None: ...

    def effects(self) -> list[RestRequest | ContactFinished | TicketUpdate]: ...


class InProcess:
    """Webhooks straight into ``adapter.handle``; REST requests executed by a fake Twilio."""

    def __init__(self, adapter: TwilioAdapter) -> None:
        self.adapter = adapter
        self.log: list[RestRequest | ContactFinished | TicketUpdate] = []
        self.responses: list[WebResponse] = []
        self.legs = 0

    def _carry(self, actions: Sequence[RestRequest | ContactFinished | TicketUpdate]) -> None:
        for action in actions:
            self.log.append(action)
            if isinstance(action, RestRequest) and action.purpose == "ring":
                self.legs += 1
                assert action.agent_id is not None
                late = self.adapter.leg_created(
                    action.call_id, action.agent_id, f"CAleg{self.legs}"
                )
                assert late == ()

    def post(self, url: str, params: dict[str, str], now: float) -> tuple[int, bytes]:
        headers, body = signed(url, params)
        response = self.adapter.handle("POST", url, headers, body, now)
        self.responses.append(response)
        self._carry(response.actions)
        return response.status, response.body

    def host(self, item: HotlineInput, now: float) -> None:
        self._carry(self.adapter.host_input(item, now))

    def outcome(
        self, call_id: str, agent_id: str, outcome: str | None, fields: dict[str, str]
    ) -> None:
        self.adapter.report_outcome(call_id, agent_id, outcome, fields)

    def tick(self, now: float) -> None:
        self._carry(self.adapter.advance(now))

    def deadline(self) -> float | None:
        return self.adapter.next_deadline()

    def effects(self) -> list[RestRequest | ContactFinished | TicketUpdate]:
        taken = list(self.log)
        self.log.clear()
        return taken


def _query(url: str) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlsplit(url).query).items()}


class _Call:
    def __init__(self, line: str, caller: str) -> None:
        self.line = line
        self.caller = caller
        self.gather: str | None = None
        self.played: str | None = None
        self.recorded: str | None = None
        self.poll: str | None = None
        self.wait: str | None = None
        self.hold_seen = 0
        self.queue = ""


class TwilioSide:
    """The conformance kit's ``Telephony``: Twilio, the agents' desktops and the host."""

    def __init__(self, transport: Transport, public: str = PUBLIC) -> None:
        self.transport = transport
        self.public = public
        self.calls: dict[str, _Call] = {}
        self.leg_sids: dict[tuple[str, str], str] = {}
        self.ended_legs: set[tuple[str, str]] = set()
        self.refusals: list[tuple[int, bytes]] = []

    # ------------------------------------------------------------------ Telephony

    def handle(self, item: HotlineInput, now: float) -> list[HotlineOutput]:
        out = self._poll_waiting(now)
        out += self._send(item, now)
        return out

    def advance(self, now: float) -> list[HotlineOutput]:
        out = self._poll_waiting(now)
        self.transport.tick(now)
        return out + self._decode_effects()

    def next_deadline(self) -> float | None:
        return self.transport.deadline()

    # ------------------------------------------------------------------ the wire

    def _post(self, url: str, params: dict[str, str], now: float) -> bytes | None:
        status, body = self.transport.post(url, params, now)
        if status >= 300:
            self.refusals.append((status, body))
            return None
        return body

    def _base(self, call_id: str) -> dict[str, str]:
        call = self.calls[call_id]
        return {
            "AccountSid": "ACtest",
            "CallSid": call_id,
            "From": call.caller,
            "To": call.line,
            "Direction": "inbound",
        }

    def _send(self, item: HotlineInput, now: float) -> list[HotlineOutput]:
        if isinstance(item, CallArrived):
            self.calls[item.call_id] = _Call(item.line, item.caller)
            params = self._base(item.call_id) | {"CallStatus": "ringing"}
            if item.caller_name:
                params["CallerName"] = item.caller_name
            body = self._post(self.public + "/voice", params, now)
            return self._decode_call(item.call_id, body, arrival=True) + self._decode_effects()
        if isinstance(item, CallInput):
            return self._call_input(item, now)
        if isinstance(item, AgentLegAnswered):
            key = (item.call_id, item.agent_id)
            url = (
                self.public
                + "/agent/answer?"
                + urlencode({"call": item.call_id, "agent": item.agent_id})
            )
            params = {"CallSid": self.leg_sids.get(key, "CAunknown"), "CallStatus": "in-progress"}
            body = self._post(url, params, now)
            out = self._decode_agent(item, body)
            if any(isinstance(o, ConnectAgent) for o in out) and item.call_id in self.calls:
                self.calls[item.call_id].wait = None  # the caller leaves the Twilio queue
            return out + self._decode_effects()
        if isinstance(item, AgentLegRinging | AgentLegDeclined | AgentLegFailed | AgentLegEnded):
            if isinstance(item, AgentLegRinging):
                status = "ringing"
            elif isinstance(item, AgentLegFailed):
                status = "failed"
            elif isinstance(item, AgentLegEnded):
                status = "completed"
            else:
                status = item.reason
            if isinstance(item, AgentLegEnded):
                self.transport.outcome(item.call_id, item.agent_id, item.outcome, dict(item.fields))
            key = (item.call_id, item.agent_id)
            url = (
                self.public
                + "/agent/status?"
                + urlencode({"call": item.call_id, "agent": item.agent_id})
            )
            self._post(
                url, {"CallSid": self.leg_sids.get(key, "CAunknown"), "CallStatus": status}, now
            )
            return self._decode_effects()
        self.transport.host(item, now)
        return self._decode_effects()

    def _call_input(self, item: CallInput, now: float) -> list[HotlineOutput]:
        c = item.call_id
        call = self.calls.get(c)
        event = item.event
        if call is None:
            return []
        if isinstance(event, HostAnswered | HostNotFound | HostFailed):
            self.transport.host(item, now)
            out = self._decode_effects()
            if call.poll is not None:
                body = self._post(call.poll, self._base(c), now)
                out = self._decode_call(c, body) + out + self._decode_effects()
            return out
        if isinstance(event, CallerHungUp):
            self._post(
                self.public + "/voice/status", self._base(c) | {"CallStatus": "completed"}, now
            )
            return self._decode_effects()
        if isinstance(event, DigitsPressed):
            assert call.gather is not None, "digits without a Gather"
            digits, finished = event.digits, ""
            if digits.endswith("#"):
                digits, finished = digits[:-1], "#"
            params = self._base(c) | {"Digits": digits}
            if finished:
                params["FinishedOnKey"] = finished
            body = self._post(call.gather, params, now)
        elif isinstance(event, PromptFinished):
            assert call.played is not None, "a prompt end without a Redirect"
            body = self._post(call.played, self._base(c), now)
        elif isinstance(event, RecordingFinished):
            assert call.recorded is not None, "a recording without a Record"
            params = self._base(c) | {
                "RecordingSid": event.reference,
                "RecordingDuration": str(event.seconds),
                "RecordingUrl": f"https://api.twilio.com/recordings/{event.reference}",
            }
            body = self._post(call.recorded, params, now)
        else:
            raise AssertionError(f"no Twilio wire for {event!r}")
        return self._decode_call(c, body) + self._decode_effects()

    def _poll_waiting(self, now: float) -> list[HotlineOutput]:
        out: list[HotlineOutput] = []
        for call_id, call in list(self.calls.items()):
            if call.wait is None:
                continue
            params = self._base(call_id) | {"QueuePosition": "1", "QueueTime": "0"}
            body = self._post(call.wait, params, now)
            out += self._decode_hold(call_id, body)
            out += self._decode_effects()
        return out

    # ------------------------------------------------------------------ decoding

    def _decode_effects(self) -> list[HotlineOutput]:
        out: list[HotlineOutput] = []
        for effect in self.transport.effects():
            if not isinstance(effect, RestRequest):
                out.append(effect)
                if isinstance(effect, ContactFinished) and effect.call_id in self.calls:
                    self.calls.pop(effect.call_id)
                continue
            form = dict(effect.form)
            agent = effect.agent_id or ""
            if effect.purpose == "ring":
                self.leg_sids[(effect.call_id, agent)] = f"CAleg-{effect.call_id}-{agent}"
                out.append(
                    RingAgent(
                        call_id=effect.call_id,
                        agent_id=agent,
                        endpoint=form["To"].removeprefix("client:"),
                        timeout=float(form["Timeout"]),
                    )
                )
            elif effect.purpose == "cancel":
                out.append(StopRinging(call_id=effect.call_id, agent_id=agent))
            elif effect.purpose == "hangup":
                out.append(EndCall(call_id=effect.call_id, reason=""))
            elif effect.purpose == "connect":
                out.append(ConnectAgent(call_id=effect.call_id, agent_id=agent))
        return out

    def _decode_agent(self, item: AgentLegAnswered, body: bytes | None) -> list[HotlineOutput]:
        if body is None:
            return []
        root = ElementTree.fromstring(body)
        out: list[HotlineOutput] = []
        for verb in root:
            if verb.tag == "Dial":
                for noun in verb:
                    if noun.tag == "Queue" and noun.text:
                        out.append(ConnectAgent(call_id=noun.text, agent_id=item.agent_id))
        return out

    def _decode_hold(self, call_id: str, body: bytes | None) -> list[HotlineOutput]:
        call = self.calls.get(call_id)
        if body is None or call is None:
            return []
        out: list[HotlineOutput] = []
        for verb in ElementTree.fromstring(body):
            if verb.tag == "Redirect" and verb.text:
                query = _query(verb.text)
                version = int(query["n"])
                if version > call.hold_seen:
                    call.hold_seen = version
                    out.append(_hold(call_id, query["queue"]))
                call.wait = verb.text
            elif verb.tag == "Leave":
                call.wait = None
        return out

    def _decode_call(
        self, call_id: str, body: bytes | None, *, arrival: bool = False
    ) -> list[HotlineOutput]:
        call = self.calls.get(call_id)
        if body is None or call is None:
            return []
        root = ElementTree.fromstring(body)
        verbs = list(root)
        out: list[HotlineOutput] = []
        if arrival and not any(v.tag == "Reject" for v in verbs):
            out.append(AnswerCall(call_id=call_id))
        call.gather = call.played = call.recorded = call.poll = None
        pending_say: ElementTree.Element | None = None
        for verb in verbs:
            if verb.tag in ("Say", "Play"):
                pending_say = verb
            elif verb.tag == "Redirect" and verb.text:
                query = _query(verb.text)
                if "/voice/played" in verb.text:
                    assert pending_say is not None
                    out.append(_play(call_id, query["p"], pending_say))
                    call.played = verb.text
                else:
                    if "ask" in query:
                        out.append(_command(call_id, _ask(query["ask"])))
                    call.poll = verb.text
                pending_say = None
            elif verb.tag == "Gather":
                action = verb.attrib["action"]
                query = _query(action)
                inner = [v for v in verb if v.tag in ("Say", "Play")]
                say = inner[0] if inner else pending_say
                if say is not None:
                    out.append(_play(call_id, query["p"], say))
                out.append(_command(call_id, _listen(verb)))
                call.gather = action
                pending_say = None
            elif verb.tag == "Enqueue":
                query = _query(verb.attrib["waitUrl"])
                out.append(_command(call_id, _enqueue(query["queue"])))
                out.append(_hold(call_id, query["queue"]))
                call.hold_seen = int(query["n"])
                call.wait = verb.attrib["waitUrl"]
                call.poll = verb.attrib["action"]
            elif verb.tag == "Record":
                action = verb.attrib["action"]
                out.append(_command(call_id, _record(verb, _query(action)["mailbox"])))
                call.recorded = action
            elif verb.tag == "Hangup":
                out.append(_command(call_id, HangUp(node="", reason="")))
            elif verb.tag == "Reject":
                out.append(RejectCall(call_id=call_id, reason=verb.attrib.get("reason", "")))
            elif verb.tag == "Dial":
                target = next(iter(verb)).text or ""
                out.append(_command(call_id, Transfer(node="", to=target, attributes={})))
        return out


# ---------------------------------------------------------------------- placeholders


def _command(call_id: str, command: object) -> CallCommand:
    return CallCommand(call_id=call_id, command=command)  # type: ignore[arg-type]


def _play(call_id: str, prompt: str, say: ElementTree.Element) -> CallCommand:
    text = say.text if say.tag == "Say" else None
    audio = say.text if say.tag == "Play" else None
    language = say.attrib.get("language", "")
    play = Play(
        node="",
        prompt=prompt,
        language=language,
        text=text,
        audio=audio,
        seconds=0.0,
        barge_in=True,
    )
    return CallCommand(call_id=call_id, command=play)


def _listen(gather: ElementTree.Element) -> Listen:
    return Listen(
        node="",
        max_digits=int(gather.attrib["numDigits"]),
        terminator=gather.attrib["finishOnKey"] or None,
        timeout=float(gather.attrib["timeout"]),
        inter_digit_timeout=0.0,
    )


def _ask(query: str) -> AskHost:
    return AskHost(node="", request=0, query=query, arguments={}, timeout=0.0)


def _enqueue(queue: str) -> Enqueue:
    return Enqueue(node="", queue=queue, priority=0, skills=(), attributes={}, language="")


def _record(verb: ElementTree.Element, mailbox: str) -> Record:
    return Record(
        node="",
        mailbox=mailbox,
        max_seconds=float(verb.attrib["maxLength"]),
        terminator=verb.attrib["finishOnKey"] or None,
        attributes={},
    )


def _hold(call_id: str, queue: str) -> HoldCaller:
    return HoldCaller(call_id=call_id, queue=queue, music="")


def carried(output: HotlineOutput) -> object:
    """What of an output Twilio's wire carries: the kit compares through it."""
    if isinstance(output, CallCommand):
        command = output.command
        c = output.call_id
        if isinstance(command, Play):
            return ("play", c, command.prompt, command.text)
        if isinstance(command, Listen):
            return ("listen", c, command.max_digits, command.terminator, math.ceil(command.timeout))
        if isinstance(command, AskHost):
            return ("ask", c, command.query)
        if isinstance(command, Enqueue):
            return ("enqueue", c, command.queue)
        if isinstance(command, Record):
            return ("record", c, command.mailbox, math.ceil(command.max_seconds))
        if isinstance(command, HangUp):
            return ("hangup", c)
        if isinstance(command, Transfer):
            return ("transfer", c, command.to)
        return (type(command).__name__, c)
    if isinstance(output, HoldCaller):
        return ("hold", output.call_id, output.queue)
    if isinstance(output, RingAgent):
        return ("ring", output.call_id, output.agent_id, output.endpoint, math.ceil(output.timeout))
    if isinstance(output, RejectCall):
        return ("reject", output.call_id)
    if isinstance(output, EndCall):
        return ("end", output.call_id)
    return output


Factory = Callable[[TwilioAdapter], Transport]
