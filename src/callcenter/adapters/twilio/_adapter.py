"""The framework-neutral core: one webhook in, TwiML and REST requests out.

:class:`TwilioAdapter` turns each webhook Twilio sends into a hotline input, hands
it to the :class:`~callcenter.hotline.Hotline`, and turns the outputs back into the
TwiML of the response (for the call that asked), REST requests as data (calling an
agent, cancelling a ring, hanging up a call that is not asking), and the records and
ticket events for the host. It does no I/O: the ASGI application, or any web
framework, reads the request and writes the response.

Every TwiML document it answers ends with a verb that comes back to it (a
``<Gather>`` action, a ``<Redirect>``, the ``<Enqueue>`` wait URL, a ``<Record>``
action), so what the hotline decides for a call between two of its webhooks (a
timer, another call's event) waits for the call's next request, never for a REST
update.
"""

from __future__ import annotations

import collections
import hashlib
import json
import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Literal, TypeAlias
from urllib.parse import parse_qs, urlencode, urlsplit

import attrs

from ...errors import CallCenterError, UnknownIdError
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
    CallPhase,
    ConnectAgent,
    ContactFinished,
    EndCall,
    HoldCaller,
    Hotline,
    HotlineInput,
    HotlineOutput,
    RejectCall,
    RingAgent,
    StopRinging,
    TicketUpdate,
    TransferCall,
)
from ...ivr import (
    AskHost,
    CallerHungUp,
    DigitsPressed,
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
from ._settings import TwilioSettings
from ._signature import valid_signature
from ._twiml import Verb, render

__all__ = [
    "CALL_STATES",
    "Action",
    "HostOutput",
    "Lookup",
    "RestRequest",
    "TwilioAdapter",
    "WebResponse",
]

HostOutput: TypeAlias = ContactFinished | TicketUpdate
"""What goes to the host application, not to Twilio."""

Lookup: TypeAlias = Callable[[str, Mapping[str, str]], Mapping[str, str] | None]
"""The host's answer to an IVR lookup: ``lookup(query, arguments)`` returns the values
found, or ``None`` when nothing is found; raising means the lookup failed."""

CALLER_ENDED = frozenset({"completed", "busy", "failed", "no-answer", "canceled"})
"""The ``CallStatus`` values of a call that has ended."""
CALL_STATES = frozenset({"queued", "initiated", "ringing", "in-progress", *CALLER_ENDED})
"""Every ``CallStatus`` Twilio reports; another value is refused with 400."""
_FORM = "application/x-www-form-urlencoded"
_JSON = "application/json"
_TWIML_HEADERS = (("content-type", "text/xml; charset=utf-8"),)
_TEXT_HEADERS = (("content-type", "text/plain; charset=utf-8"),)
_SID_LIMIT = 64
_STATES = ", ".join(sorted(CALL_STATES))
_REMEMBERED = 4096
_LEG_EVENTS = ("initiated", "ringing", "answered", "completed")


@attrs.frozen(kw_only=True)
class RestRequest:
    """A request to Twilio's REST API that the host (or the adapter's executor) sends.

    Attributes:
        method: ``"POST"``.
        path: The path under ``https://api.twilio.com`` (``/2010-04-01/Accounts/AC.../Calls.json``).
        form: The form parameters, in order (a name may repeat).
        call_id: The caller's call the request is for.
        agent_id: The agent whose leg it is for, or ``None``.
        purpose: ``"ring"`` (create the agent's leg), ``"cancel"`` (stop its ring),
            ``"hangup"`` (end a call) or ``"connect"`` (bridge an answered leg).
    """

    method: str
    path: str
    form: tuple[tuple[str, str], ...]
    call_id: str
    agent_id: str | None = None
    purpose: str = ""


Action: TypeAlias = RestRequest | HostOutput
"""One effect of a webhook besides its TwiML, in the order the hotline decided it."""


@attrs.frozen(kw_only=True)
class WebResponse:
    """The HTTP response to a webhook, and the effects it has beyond it.

    It unpacks as ``status, headers, body``.

    Attributes:
        status: The HTTP status.
        headers: The response headers (name, value), lower-case names.
        body: The body (TwiML, or a short text for a refusal).
        actions: REST requests to send and host outputs to store, in order.
        outputs: The hotline outputs behind this response, in order (for logs).
    """

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    actions: tuple[Action, ...] = ()
    outputs: tuple[HotlineOutput, ...] = ()

    def __iter__(self) -> Iterator[object]:
        return iter((self.status, self.headers, self.body))


class _RefusedError(Exception):
    """A webhook the adapter answers with an error status, nothing changed."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class _Wire:
    """What the wire needs to remember about one caller's call."""

    __slots__ = ("hold", "hold_version", "in_queue", "outbox", "spoken", "step")

    def __init__(self) -> None:
        self.step = 0
        self.outbox: list[HotlineOutput] = []
        self.hold: HoldCaller | None = None
        self.hold_version = 0
        self.spoken = 0
        self.in_queue = False


Requester: TypeAlias = tuple[Literal["call", "agent", "hold", "none"], str, str]


def _text_response(status: int, reason: str) -> WebResponse:
    return WebResponse(status=status, headers=_TEXT_HEADERS, body=reason.encode("utf-8"))


def _header(headers: Iterable[tuple[str, str]], name: str) -> str | None:
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


class TwilioAdapter:
    """Runs a :class:`~callcenter.hotline.Hotline` behind Twilio's voice webhooks.

    Routes, under :attr:`TwilioSettings.public_url`: ``/voice`` (the number's Voice
    webhook), ``/voice/status`` (the number's status callback), and the URLs the
    adapter's own TwiML and REST requests name (``/voice/gather``,
    ``/voice/played``, ``/voice/recorded``, ``/voice/next``, ``/voice/hold``,
    ``/agent/answer``, ``/agent/status``, ``/voice/recording``).

    Args:
        hotline: The hotline to run.
        settings: URLs, tokens, voices.
        lookup: Answers the IVR's lookups at once (a waybill's status); without it,
            the host answers with :meth:`host_input` and the call waits meanwhile.
    """

    def __init__(
        self, hotline: Hotline, settings: TwilioSettings, *, lookup: Lookup | None = None
    ) -> None:
        self.hotline = hotline
        self.settings = settings
        self.lookup = lookup
        self._calls: dict[str, _Wire] = {}
        self._legs: dict[tuple[str, str], str] = {}
        self._cancel: set[tuple[str, str]] = set()
        self._outcomes: dict[tuple[str, str], tuple[str | None, dict[str, str]]] = {}
        self._ended: collections.OrderedDict[str, None] = collections.OrderedDict()
        self._seen: collections.OrderedDict[str, WebResponse] = collections.OrderedDict()
        self._prefix = settings.prefix
        self._calls_path = f"/2010-04-01/Accounts/{settings.account_sid}/Calls"

    # ------------------------------------------------------------------ the host's side

    def next_deadline(self) -> float | None:
        """When :meth:`advance` must next run (the hotline's next deadline)."""
        return self.hotline.next_deadline()

    def advance(self, now: float) -> tuple[Action, ...]:
        """Fire the hotline's timers due by ``now``; return the REST requests and host outputs.

        What the timers decide for a call's TwiML waits for the call's next webhook.
        """
        outputs = self.hotline.advance(now)
        actions: list[Action] = []
        self._dispatch(outputs, ("none", "", ""), actions, [], [], now)
        return tuple(actions)

    def host_input(self, item: HotlineInput, now: float) -> tuple[Action, ...]:
        """Hand the hotline an input that does not come from Twilio.

        An agent's presence (:class:`~callcenter.hotline.AgentLoggedIn`...), the
        host's answer to a lookup, a transfer from the agent's desktop.

        Raises:
            CallCenterError: The hotline refused the input; nothing changed.
        """
        outputs = self.hotline.handle(item, now)
        actions: list[Action] = []
        self._dispatch(outputs, ("none", "", ""), actions, [], [], now)
        return tuple(actions)

    def report_outcome(
        self,
        call_id: str,
        agent_id: str,
        outcome: str | None,
        fields: Mapping[str, str] | None = None,
    ) -> None:
        """Say what a connected call was about, before the agent hangs up.

        The agent's desktop reports it; the agent's hang-up (Twilio's status
        callback) then carries it into :class:`~callcenter.hotline.AgentLegEnded`.
        """
        self._outcomes[(call_id, agent_id)] = (outcome, dict(fields or {}))

    def leg_created(self, call_id: str, agent_id: str, sid: str) -> tuple[Action, ...]:
        """Remember the Call SID Twilio gave the agent's leg (from the REST response).

        Returns:
            The request cancelling the leg, when the hotline took the offer back
            before its Call SID was known; else nothing.
        """
        key = (call_id, agent_id)
        self._legs[key] = sid
        return self._cancel_late(key, sid)

    def _cancel_late(self, key: tuple[str, str], sid: str) -> tuple[Action, ...]:
        if key not in self._cancel:
            return ()
        self._cancel.discard(key)
        stop = StopRinging(call_id=key[0], agent_id=key[1])
        return (self._update(sid, stop, "cancel", ("Status", "canceled")),)

    # ------------------------------------------------------------------ webhooks

    def handle(
        self,
        method: str,
        url: str,
        headers: Sequence[tuple[str, str]],
        body: bytes,
        now: float,
    ) -> WebResponse:
        """Answer one webhook.

        Args:
            method: The HTTP method.
            url: The full URL Twilio requested (behind a proxy: the public one).
            headers: The request headers.
            body: The raw body.
            now: The time, POSIX seconds.

        Returns:
            The response (TwiML, or 204), with the REST requests and host outputs
            it caused. A refused request (bad signature 403, unknown route 404,
            unknown call 404, bad method 405, oversized body 413, wrong content type
            415, missing or malformed parameters 400, an input the hotline refuses
            409) changes nothing.
        """
        try:
            return self._handle(method, url, headers, body, now)
        except _RefusedError as refusal:
            return _text_response(refusal.status, refusal.reason)

    def _handle(
        self,
        method: str,
        url: str,
        headers: Sequence[tuple[str, str]],
        body: bytes,
        now: float,
    ) -> WebResponse:
        try:
            parts = urlsplit(url)
        except ValueError:
            raise _RefusedError(400, f"expected a URL, got {url[:80]!r}") from None
        path = parts.path
        if not path.startswith(self._prefix):
            raise _RefusedError(404, f"no such route: {path}")
        route = path[len(self._prefix) :]
        if route not in _ROUTES:
            raise _RefusedError(404, f"no such route: {path}")
        if method != "POST":
            raise _RefusedError(405, f"expected POST, got {method}")
        if len(body) > self.settings.max_body:
            raise _RefusedError(413, f"expected a body of at most {self.settings.max_body} bytes")
        params = self._params(url, headers, body)
        token = _header(headers, "i-twilio-idempotency-token")
        key = (
            token
            or hashlib.sha256(url.encode("utf-8", "surrogateescape") + b"\0" + body).hexdigest()
        )
        if route != "/voice/hold" or token is not None:
            if key in self._seen:
                return self._seen[key]
        else:
            key = ""
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        response = _ROUTES[route](self, params, query, now)
        if response.status < 300 and key:
            self._seen[key] = attrs.evolve(response, actions=(), outputs=())
            if len(self._seen) > _REMEMBERED:
                self._seen.popitem(last=False)
        return response

    def _params(self, url: str, headers: Sequence[tuple[str, str]], body: bytes) -> dict[str, str]:
        kind = (_header(headers, "content-type") or "").split(";")[0].strip().lower()
        signature = _header(headers, "x-twilio-signature")
        if signature is None:
            raise _RefusedError(403, "expected an X-Twilio-Signature header")
        if kind == _FORM:
            try:
                form = parse_qs(
                    body.decode("utf-8"), keep_blank_values=True, strict_parsing=bool(body)
                )
            except (UnicodeDecodeError, ValueError) as error:
                raise _RefusedError(400, f"expected a form-encoded body: {error}") from None
            if not valid_signature(self.settings.auth_tokens, url, signature, params=form):
                raise _RefusedError(403, "the signature is not Twilio's for this URL and body")
            return {name: values[-1] for name, values in form.items()}
        if kind == _JSON:
            if "bodySHA256" not in parse_qs(urlsplit(url).query):
                raise _RefusedError(403, "expected a bodySHA256 query parameter with a JSON body")
            if not valid_signature(self.settings.auth_tokens, url, signature, json_body=body):
                raise _RefusedError(403, "the signature is not Twilio's for this URL and body")
            try:
                data = json.loads(body)
            except ValueError as error:
                raise _RefusedError(400, f"expected a JSON object: {error}") from None
            if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
                raise _RefusedError(400, "expected a JSON object of text values")
            return data
        raise _RefusedError(415, f"expected {_FORM} or {_JSON}, got {kind or 'no content type'}")

    # ------------------------------------------------------------------ routes

    @staticmethod
    def _sid(params: Mapping[str, str], name: str = "CallSid") -> str:
        sid = params.get(name, "")
        if not sid:
            raise _RefusedError(400, f"expected a {name} parameter")
        if len(sid) > _SID_LIMIT or not sid.isprintable() or not sid.isascii():
            raise _RefusedError(
                400, f"expected a {name} of at most {_SID_LIMIT} printable characters"
            )
        return sid

    def _live(self, sid: str) -> _Wire:
        wire = self._calls.get(sid)
        if wire is None:
            raise _RefusedError(404, f"unknown call {sid!r}")
        return wire

    def _incoming(
        self, params: Mapping[str, str], query: Mapping[str, str], now: float
    ) -> WebResponse:
        sid = self._sid(params)
        if sid in self._calls or sid in self._ended:
            raise _RefusedError(409, f"call {sid!r} has already arrived")
        item = CallArrived(
            call_id=sid,
            line=params.get("To", ""),
            caller=params.get("From", ""),
            caller_name=params.get("CallerName", ""),
        )
        self._calls[sid] = _Wire()
        try:
            return self._run(item, ("call", sid, ""), now)
        except _RefusedError:
            del self._calls[sid]
            raise

    def _caller_status(
        self, params: Mapping[str, str], query: Mapping[str, str], now: float
    ) -> WebResponse:
        sid = self._sid(params)
        status = params.get("CallStatus", "")
        if status not in CALL_STATES:
            raise _RefusedError(400, f"unknown call state {status!r}; expected one of {_STATES}")
        if sid in self._ended and sid not in self._calls:
            return self._run(None, ("none", sid, ""), now)
        self._live(sid)
        if status not in CALLER_ENDED:
            return self._run(None, ("none", sid, ""), now)
        return self._run(CallInput(call_id=sid, event=CallerHungUp()), ("none", sid, ""), now)

    def _gathered(
        self, params: Mapping[str, str], query: Mapping[str, str], now: float
    ) -> WebResponse:
        sid = self._sid(params)
        self._live(sid)
        digits = params.get("Digits", "") + params.get("FinishedOnKey", "")
        if digits and not all(c in "0123456789*#" for c in digits):
            raise _RefusedError(400, f"expected DTMF digits, got {digits!r}")
        item = CallInput(call_id=sid, event=DigitsPressed(digits=digits)) if digits else None
        return self._run(item, ("call", sid, ""), now)

    def _played(
        self, params: Mapping[str, str], query: Mapping[str, str], now: float
    ) -> WebResponse:
        sid = self._sid(params)
        self._live(sid)
        return self._run(CallInput(call_id=sid, event=PromptFinished()), ("call", sid, ""), now)

    def _recorded(
        self, params: Mapping[str, str], query: Mapping[str, str], now: float
    ) -> WebResponse:
        sid = self._sid(params)
        self._live(sid)
        reference = params.get("RecordingSid") or params.get("RecordingUrl", "")
        try:
            seconds = float(params.get("RecordingDuration", "0"))
        except ValueError:
            raise _RefusedError(400, "expected a RecordingDuration in seconds") from None
        if not reference or not math.isfinite(seconds) or seconds < 0:
            raise _RefusedError(400, "expected a RecordingSid and a RecordingDuration >= 0")
        event = RecordingFinished(reference=reference, seconds=seconds)
        return self._run(CallInput(call_id=sid, event=event), ("call", sid, ""), now)

    def _next(self, params: Mapping[str, str], query: Mapping[str, str], now: float) -> WebResponse:
        sid = self._sid(params)
        if sid in self._ended and sid not in self._calls:
            return WebResponse(
                status=200, headers=_TWIML_HEADERS, body=render([Verb(name="Hangup")])
            )
        wire = self._live(sid)
        wire.in_queue = False
        return self._run(None, ("call", sid, ""), now)

    def _hold(self, params: Mapping[str, str], query: Mapping[str, str], now: float) -> WebResponse:
        sid = self._sid(params)
        if sid in self._ended and sid not in self._calls:
            return WebResponse(
                status=200, headers=_TWIML_HEADERS, body=render([Verb(name="Leave")])
            )
        self._live(sid)
        return self._run(None, ("hold", sid, ""), now)

    def _recording(
        self, params: Mapping[str, str], query: Mapping[str, str], now: float
    ) -> WebResponse:
        self._sid(params)
        return WebResponse(status=204, headers=(), body=b"")

    def _leg(self, query: Mapping[str, str]) -> tuple[str, str]:
        call_id = query.get("call", "")
        agent_id = query.get("agent", "")
        if not call_id or not agent_id:
            raise _RefusedError(400, "expected the call and agent query parameters of an agent leg")
        return call_id, agent_id

    def _agent_answer(
        self, params: Mapping[str, str], query: Mapping[str, str], now: float
    ) -> WebResponse:
        sid = self._sid(params)
        call_id, agent_id = self._leg(query)
        self._legs[(call_id, agent_id)] = sid
        try:
            return self._run(
                AgentLegAnswered(call_id=call_id, agent_id=agent_id),
                ("agent", call_id, agent_id),
                now,
            )
        except _RefusedError:
            # The offer went elsewhere (the ring timed out a moment ago): the leg hangs up.
            return WebResponse(
                status=200, headers=_TWIML_HEADERS, body=render([Verb(name="Hangup")])
            )

    def _agent_status(
        self, params: Mapping[str, str], query: Mapping[str, str], now: float
    ) -> WebResponse:
        sid = self._sid(params)
        call_id, agent_id = self._leg(query)
        status = params.get("CallStatus", "")
        if status not in CALL_STATES:
            raise _RefusedError(400, f"unknown call state {status!r}; expected one of {_STATES}")
        key = (call_id, agent_id)
        self._legs[key] = sid
        item = self._leg_input(call_id, agent_id, status, params)
        if item is None:
            response = self._run(None, ("none", call_id, agent_id), now)
        else:
            try:
                response = self._run(item, ("none", call_id, agent_id), now)
            except _RefusedError:
                # A late report about an offer the hotline already took back.
                response = self._run(None, ("none", call_id, agent_id), now)
        if status in CALLER_ENDED:
            self._outcomes.pop(key, None)
            self._legs.pop(key, None)
            self._cancel.discard(key)
        else:
            late = self._cancel_late(key, sid)
            if late:
                response = attrs.evolve(response, actions=response.actions + late)
        return response

    def _leg_input(
        self, call_id: str, agent_id: str, status: str, params: Mapping[str, str]
    ) -> HotlineInput | None:
        try:
            view = self.hotline.call(call_id)
        except CallCenterError:
            return None
        if view.agent != agent_id:
            return None
        if status == "ringing" and view.phase is CallPhase.RINGING:
            return AgentLegRinging(call_id=call_id, agent_id=agent_id)
        if status in ("busy", "no-answer"):
            return AgentLegDeclined(call_id=call_id, agent_id=agent_id, reason=status)
        if status == "failed":
            reason = params.get("SipResponseCode", "") or "failed"
            return AgentLegFailed(call_id=call_id, agent_id=agent_id, reason=reason)
        if status == "completed" and view.phase is CallPhase.CONNECTED:
            outcome, fields = self._outcomes.get((call_id, agent_id), (None, {}))
            return AgentLegEnded(call_id=call_id, agent_id=agent_id, outcome=outcome, fields=fields)
        if status in ("completed", "canceled") and view.phase is CallPhase.RINGING:
            return AgentLegDeclined(call_id=call_id, agent_id=agent_id, reason="no-answer")
        return None

    # ------------------------------------------------------------------ the loop

    def _run(self, item: HotlineInput | None, requester: Requester, now: float) -> WebResponse:
        try:
            outputs = self.hotline.advance(now) if item is None else self.hotline.handle(item, now)
        except UnknownIdError as error:
            raise _RefusedError(404, str(error)) from None
        except CallCenterError as error:
            raise _RefusedError(409, str(error)) from None
        actions: list[Action] = []
        verbs: list[Verb] = []
        agent_verbs: list[Verb] = []
        kind, call_id, _ = requester
        all_outputs = self._dispatch(outputs, requester, actions, verbs, agent_verbs, now)
        if kind == "agent":
            body = render(agent_verbs or [Verb(name="Hangup")])
        elif kind == "call":
            body = render(verbs or self._poll(call_id))
        elif kind == "hold":
            body = render(self._hold_verbs(call_id))
        else:
            return WebResponse(
                status=204, headers=(), body=b"", actions=tuple(actions), outputs=tuple(all_outputs)
            )
        return WebResponse(
            status=200,
            headers=_TWIML_HEADERS,
            body=body,
            actions=tuple(actions),
            outputs=tuple(all_outputs),
        )

    def _dispatch(
        self,
        outputs: Sequence[HotlineOutput],
        requester: Requester,
        actions: list[Action],
        verbs: list[Verb],
        agent_verbs: list[Verb],
        now: float,
    ) -> list[HotlineOutput]:
        kind, asker, asker_agent = requester
        pending = collections.deque(outputs)
        seen: list[HotlineOutput] = []
        touched: list[str] = []
        while pending:
            output = pending.popleft()
            seen.append(output)
            if isinstance(output, ContactFinished | TicketUpdate):
                actions.append(output)
            elif isinstance(output, RingAgent):
                actions.append(self._ring(output))
            elif isinstance(output, StopRinging):
                key = (output.call_id, output.agent_id)
                sid = self._legs.get(key)
                if sid is None:
                    self._cancel.add(key)
                else:
                    actions.append(self._update(sid, output, "cancel", ("Status", "canceled")))
            elif isinstance(output, ConnectAgent):
                dial = Verb(name="Dial", children=(Verb(name="Queue", text=output.call_id),))
                if kind == "agent" and (asker, asker_agent) == (output.call_id, output.agent_id):
                    agent_verbs.append(dial)
                else:
                    sid = self._legs.get((output.call_id, output.agent_id), "")
                    actions.append(
                        self._update(sid, output, "connect", ("Twiml", render([dial]).decode()))
                    )
            elif isinstance(output, EndCall):
                wire = self._calls.get(output.call_id)
                if kind == "call" and asker == output.call_id and wire is not None:
                    wire.outbox.append(output)
                else:
                    actions.append(
                        self._update(output.call_id, output, "hangup", ("Status", "completed"))
                    )
            elif isinstance(output, AnswerCall):
                pass
            else:
                wire = self._calls.get(output.call_id)
                if wire is None:
                    continue
                wire.outbox.append(output)
                if output.call_id not in touched:
                    touched.append(output.call_id)
                if (
                    self.lookup is not None
                    and isinstance(output, CallCommand)
                    and isinstance(output.command, AskHost)
                ):
                    pending.extend(self._answer(output.call_id, output.command, now))
        if kind == "call" and asker in self._calls:
            verbs.extend(self._verbs(asker, self._calls[asker]))
        for output in seen:
            if isinstance(output, ContactFinished | EndCall):
                self._finish(output.call_id)
        return seen

    def _finish(self, call_id: str) -> None:
        self._calls.pop(call_id, None)
        self._ended[call_id] = None
        if len(self._ended) > _REMEMBERED:
            self._ended.popitem(last=False)

    def _answer(self, call_id: str, ask: AskHost, now: float) -> list[HotlineOutput]:
        assert self.lookup is not None
        try:
            values = self.lookup(ask.query, ask.arguments)
        except Exception as error:  # the host's lookup failed: the IVR says so
            event: HostAnswered | HostNotFound | HostFailed = HostFailed(
                request=ask.request, reason=str(error)
            )
        else:
            event = (
                HostNotFound(request=ask.request)
                if values is None
                else HostAnswered(request=ask.request, values=dict(values))
            )
        try:
            outputs = self.hotline.handle(CallInput(call_id=call_id, event=event), now)
        except CallCenterError:
            # The IVR refused the answer (values it cannot take): the call goes on
            # waiting, and the lookup's own timeout decides.
            return []
        self._calls[call_id].outbox.pop()  # answered: nothing to wait for on the wire
        return list(outputs)

    # ------------------------------------------------------------------ TwiML

    def _action(self, route: str, wire: _Wire, **extra: str) -> str:
        wire.step += 1
        return self.settings.url(route) + "?" + urlencode({"s": str(wire.step), **extra})

    def _poll(self, call_id: str) -> list[Verb]:
        wire = self._calls.get(call_id)
        if wire is None:
            return [Verb(name="Hangup")]
        return [
            Verb(name="Pause", attributes={"length": "1"}),
            _redirect(self._action("/voice/next", wire)),
        ]

    def _say(self, call_id: str, play: Play) -> Verb:
        if play.audio is not None:
            return Verb(name="Play", text=self.settings.audio(play.audio))
        language = self.settings.say_language(play.language)
        attributes = {"language": language}
        voice = self.settings.voices.get(language)
        if voice:
            attributes["voice"] = voice
        return Verb(name="Say", attributes=attributes, text=play.text or "")

    def _verbs(self, call_id: str, wire: _Wire) -> list[Verb]:
        items = wire.outbox
        wire.outbox = []
        verbs: list[Verb] = []
        index = 0
        while index < len(items):
            output = items[index]
            index += 1
            if isinstance(output, HoldCaller):
                wire.hold = output
                wire.hold_version += 1
                if not wire.in_queue:
                    wire.in_queue = True
                    wait = (
                        self.settings.url("/voice/hold")
                        + "?"
                        + urlencode(
                            {"call": call_id, "queue": output.queue, "n": str(wire.hold_version)}
                        )
                    )
                    verbs.append(
                        Verb(
                            name="Enqueue",
                            attributes={
                                "waitUrl": wait,
                                "waitUrlMethod": "POST",
                                "action": self._action("/voice/next", wire),
                            },
                            text=call_id,
                        )
                    )
                    wire.spoken = wire.hold_version - 1
                continue
            if isinstance(output, EndCall):
                verbs.append(Verb(name="Hangup"))
                continue
            if isinstance(output, RejectCall):
                reason = "busy" if output.reason == "busy" else "rejected"
                verbs.append(Verb(name="Reject", attributes={"reason": reason}))
                continue
            if isinstance(output, TransferCall):
                verbs.append(self._dial(output.number))
                continue
            if not isinstance(output, CallCommand):
                continue
            command = output.command
            if isinstance(command, Play):
                following = items[index] if index < len(items) else None
                listen = following.command if isinstance(following, CallCommand) else None
                say = self._say(call_id, command)
                if isinstance(listen, Listen):
                    index += 1
                    before = () if command.barge_in else (say,)
                    verbs.extend(before)
                    verbs.append(
                        self._gather(wire, listen, command.prompt, () if before else (say,))
                    )
                else:
                    verbs.append(say)
                    verbs.append(_redirect(self._action("/voice/played", wire, p=command.prompt)))
            elif isinstance(command, Listen):
                verbs.append(self._gather(wire, command, "", ()))
            elif isinstance(command, AskHost):
                verbs.append(Verb(name="Pause", attributes={"length": "1"}))
                verbs.append(_redirect(self._action("/voice/next", wire, ask=command.query)))
            elif isinstance(command, Record):
                attributes = {
                    "maxLength": str(max(1, math.ceil(command.max_seconds))),
                    "finishOnKey": command.terminator or "",
                    "action": self._action("/voice/recorded", wire, mailbox=command.mailbox),
                    "recordingStatusCallback": self.settings.url("/voice/recording"),
                }
                verbs.append(Verb(name="Record", attributes=attributes))
            elif isinstance(command, Transfer):
                verbs.append(self._dial(command.to))
            elif isinstance(command, HangUp):
                verbs.append(Verb(name="Hangup"))
        return verbs

    def _gather(self, wire: _Wire, listen: Listen, prompt: str, inner: tuple[Verb, ...]) -> Verb:
        attributes = {
            "input": "dtmf",
            "numDigits": str(listen.max_digits),
            "finishOnKey": listen.terminator or "",
            "timeout": str(max(1, math.ceil(listen.timeout))),
            "actionOnEmptyResult": "true",
            "action": self._action("/voice/gather", wire, p=prompt),
        }
        return Verb(name="Gather", attributes=attributes, children=inner)

    @staticmethod
    def _dial(number: str) -> Verb:
        noun = "Sip" if number.startswith(("sip:", "sips:")) else "Number"
        return Verb(name="Dial", children=(Verb(name=noun, text=number),))

    def _hold_verbs(self, call_id: str) -> list[Verb]:
        wire = self._calls.get(call_id)
        if wire is None:
            return [Verb(name="Leave")]
        if wire.outbox and not all(isinstance(o, HoldCaller) for o in wire.outbox):
            return [Verb(name="Leave")]
        for output in wire.outbox:
            assert isinstance(output, HoldCaller)
            wire.hold = output
            wire.hold_version += 1
        wire.outbox = []
        hold = wire.hold
        verbs: list[Verb] = []
        if hold is None:
            return [Verb(name="Pause", attributes={"length": "1"})]
        if wire.spoken < wire.hold_version:
            wire.spoken = wire.hold_version
            words = self._announcement(hold)
            if words:
                verbs.append(words)
        verbs.append(Verb(name="Play", text=self.settings.audio(hold.music)))
        query = urlencode({"call": call_id, "queue": hold.queue, "n": str(wire.hold_version)})
        verbs.append(_redirect(self.settings.url("/voice/hold") + "?" + query))
        return verbs

    def _announcement(self, hold: HoldCaller) -> Verb | None:
        language = hold.language  # the caller's, as the hotline says it
        chinese = language.startswith(("zh", "yue"))
        parts = []
        if hold.position is not None:
            parts.append(
                f"您前面还有{hold.position - 1}位客户。"
                if chinese
                else f"You are number {hold.position} in the queue."
            )
        if hold.expected_wait is not None:
            minutes = max(1, math.ceil(hold.expected_wait / 60))
            parts.append(
                f"预计等待{minutes}分钟。"
                if chinese
                else f"The expected wait is {minutes} minutes."
            )
        if not parts:
            return None
        say = self.settings.say_language(language)
        return Verb(name="Say", attributes={"language": say}, text=" ".join(parts))

    # ------------------------------------------------------------------ REST

    def _ring(self, ring: RingAgent) -> RestRequest:
        endpoint = ring.endpoint
        known = self.hotline.definition.endpoints.get(ring.agent_id)
        if endpoint.startswith(("sip:", "sips:", "client:")):
            to = endpoint
        elif known is not None and known.extension == endpoint:
            to = f"client:{endpoint}"
        else:
            to = endpoint
        try:
            caller_id = self.settings.caller_id or self.hotline.call(ring.call_id).dialled
        except CallCenterError:
            caller_id = self.settings.caller_id
        leg = urlencode({"call": ring.call_id, "agent": ring.agent_id})
        form = [
            ("To", to),
            ("From", caller_id),
            ("Url", self.settings.url("/agent/answer") + "?" + leg),
            ("Method", "POST"),
            ("StatusCallback", self.settings.url("/agent/status") + "?" + leg),
            ("StatusCallbackMethod", "POST"),
            *(
                ("StatusCallbackEvent", e)
                for e in ("initiated", "ringing", "answered", "completed")
            ),
            ("Timeout", str(max(1, math.ceil(ring.timeout)))),
        ]
        return RestRequest(
            method="POST",
            path=f"{self._calls_path}.json",
            form=tuple(form),
            call_id=ring.call_id,
            agent_id=ring.agent_id,
            purpose="ring",
        )

    def _update(
        self,
        sid: str,
        output: StopRinging | ConnectAgent | EndCall,
        purpose: str,
        change: tuple[str, str],
    ) -> RestRequest:
        return RestRequest(
            method="POST",
            path=f"{self._calls_path}/{sid}.json",
            form=(change,),
            call_id=output.call_id,
            agent_id=getattr(output, "agent_id", None),
            purpose=purpose,
        )


_Route = Callable[[TwilioAdapter, Mapping[str, str], Mapping[str, str], float], WebResponse]

_ROUTES: dict[str, _Route] = {
    "/voice": TwilioAdapter._incoming,
    "/voice/status": TwilioAdapter._caller_status,
    "/voice/gather": TwilioAdapter._gathered,
    "/voice/played": TwilioAdapter._played,
    "/voice/recorded": TwilioAdapter._recorded,
    "/voice/next": TwilioAdapter._next,
    "/voice/hold": TwilioAdapter._hold,
    "/voice/recording": TwilioAdapter._recording,
    "/agent/answer": TwilioAdapter._agent_answer,
    "/agent/status": TwilioAdapter._agent_status,
}


def _redirect(url: str) -> Verb:
    """``<Redirect method="POST">url</Redirect>``: Twilio asks ``url`` for what comes next."""
    return Verb(name="Redirect", attributes={"method": "POST"}, text=url)
