"""The moves of the session engine: entering nodes, prompts, keys, retries, the host.

:class:`_Engine` holds the behaviour that :class:`~callcenter.ivr.Session` inherits;
the public class keeps the calls a driver makes and the state's serialization. The
node runners below are the transition table for entering a node, keyed by node class.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any, cast

from ..errors import IllegalTransitionError
from ._caches import ChoiceNode, InputNode, choices, holidays, open_at
from ._events import (
    AskHost,
    Command,
    Enqueue,
    HangUp,
    HostAnswered,
    HostFailed,
    HostNotFound,
    InputEvent,
    NodeEntered,
    NodeExited,
    Outcome,
    Record,
    RecordingFinished,
    RequestCallback,
    SessionEnded,
    SessionEvent,
    SessionResult,
    SurveyAnswered,
    Transfer,
)
from ._flow import Flow
from ._model import (
    CALLER_KINDS,
    DIGITS,
    REPEAT,
    BranchNode,
    CallbackNode,
    CallNode,
    CollectNode,
    EnqueueNode,
    HangUpNode,
    HoursNode,
    LanguageNode,
    LookupNode,
    MenuNode,
    RecordNode,
    ReturnNode,
    SayNode,
    SetAttributesNode,
    SurveyNode,
    TransferNode,
)
from ._phases import _ENDED, _HOST, _INPUT, _PLAY, _RECORD, ACCEPTS, PHASE_NAMES
from ._prompts import _Prompts

_MAX_STACK = 8


class _Engine(_Prompts):
    """What a session does; the state it works on is declared here, stored by Session.

    The attributes, the return stack and the set of nodes heard are never changed in
    place but replaced by a changed copy (they change far less often than the engine
    is called), so a call can keep the ones it found and put them back if it fails.
    """

    __slots__ = (
        "_attrs",
        "_blocked",
        "_buffer",
        "_deadline",
        "_done",
        "_events",
        "_flow",
        "_gone",
        "_id",
        "_lang",
        "_ni",
        "_nm",
        "_node",
        "_now",
        "_pending",
        "_phase",
        "_reach",
        "_request",
        "_result",
        "_seen",
        "_stack",
        "_steps",
        "_t",
        "_term",
    )

    _attrs: dict[str, str]
    _blocked: bool
    _buffer: str
    _deadline: float | None
    _done: bool
    _events: list[SessionEvent]
    _flow: Flow
    _gone: bool
    _id: str
    _lang: str
    _nm: int
    _ni: int
    _node: str
    _now: float
    _pending: str | None
    _phase: int
    _reach: frozenset[str]
    _request: int
    _result: SessionResult | None
    _seen: set[str]
    _stack: list[str]
    _steps: int
    _t: float
    _term: str

    # ------------------------------------------------------------------ validation

    def _illegal(self, event: InputEvent, allowed: tuple[str, ...]) -> None:
        raise IllegalTransitionError(
            entity=f"session {self._id!r} at node {self._node!r}",
            state=PHASE_NAMES[self._phase],
            action=f"handle {type(event).__name__}",
            allowed=allowed or ACCEPTS[self._phase],
        )

    # ------------------------------------------------------------------ moving

    def _fire_due(self, now: float, out: list[Command]) -> None:
        while self._deadline is not None and self._deadline <= now and self._phase != _ENDED:
            self._t = self._deadline
            self._deadline = None
            if self._phase == _HOST:
                node = self._flow.nodes[self._node]
                node = cast("LookupNode", node)
                self._request += 1
                self._leave(Outcome.ERROR, node.on_failure or self._flow.on_error, out)
            elif self._phase == _INPUT:
                self._timeout(out)

    def _exit(self, outcome: Outcome, key: str | None = None) -> None:
        if key is None and not self._ni and not self._nm:  # the usual case, built faster
            event = NodeExited(session=self._id, node=self._node, outcome=outcome, at=self._t)
        else:
            event = NodeExited(
                session=self._id,
                node=self._node,
                outcome=outcome,
                at=self._t,
                key=key,
                no_inputs=self._ni,
                no_matches=self._nm,
            )
        self._events.append(event)

    def _leave(
        self, outcome: Outcome, target: str | None, out: list[Command], key: str | None = None
    ) -> None:
        self._exit(outcome, key)
        if target is None:
            out.append(HangUp(node=self._node, reason="error"))
            self._end(SessionResult.ERROR)
        else:
            self._goto(target, out)

    def _end(self, result: SessionResult) -> None:
        if result is SessionResult.COMPLETED:
            if self._blocked:
                result = SessionResult.BLOCKED
            elif self._gone:
                result = self._after_hangup()
            elif "recording" in self._attrs:
                result = SessionResult.VOICEMAIL
            elif "callback_queue" in self._attrs:
                result = SessionResult.CALLBACK
        elif result is SessionResult.ABANDONED:
            result = self._after_hangup()
        self._phase = _ENDED
        self._deadline = None
        self._playing = 0
        self._buffer = ""
        self._pending = None
        self._term = ""
        self._result = result
        self._events.append(
            SessionEnded(
                session=self._id,
                result=result,
                node=self._node,
                at=self._t,
                steps=self._steps,
                attributes=dict(self._attrs),
            )
        )

    def _after_hangup(self) -> SessionResult:
        """The result of a call the caller hung up: what they had completed, if anything."""
        if "recording" in self._attrs:
            return SessionResult.VOICEMAIL
        if "callback_queue" in self._attrs:
            return SessionResult.CALLBACK
        if self._done:
            return SessionResult.COMPLETED
        return SessionResult.ABANDONED

    def _goto(self, target: str, out: list[Command]) -> None:
        """Enter ``target`` and run every node that needs no caller, until one waits."""
        flow = self._flow
        nodes = flow.nodes
        while True:
            if self._steps >= flow.max_steps:
                # The step guard: the session never enters more than max_steps nodes.
                out.append(HangUp(node=self._node, reason="error"))
                self._end(SessionResult.ERROR)
                return
            self._steps += 1
            self._node = target
            self._buffer = ""
            self._pending = None
            self._ni = self._nm = 0
            self._playing = 0
            self._deadline = None
            node = nodes[target]
            self._events.append(
                NodeEntered(session=self._id, node=target, kind=node.KIND, at=self._t)
            )
            if self._gone and isinstance(node, CALLER_KINDS):
                self._exit(Outcome.HANGUP)
                self._end(SessionResult.ABANDONED)
                return
            nxt = _RUNNERS[type(node)](self, node, out)
            if nxt is None:
                return
            target = nxt

    def _run_input(self, node: InputNode, out: list[Command]) -> None:
        self._ask(node, out, first=True)

    def _run_say(self, node: SayNode, out: list[Command]) -> None:
        self._phase = _PLAY
        self._play(node.prompt, False, out)

    def _run_branch(self, node: BranchNode, out: list[Command]) -> str:
        attrs = self._attrs
        for rule in node.rules:
            if all(cond.test(attrs) for cond in rule.when):
                self._exit(Outcome.MATCH)
                return rule.goto
        self._exit(Outcome.NEXT)
        return node.otherwise

    def _run_enqueue(self, node: EnqueueNode, out: list[Command]) -> None:
        attributes = dict(self._attrs)
        for key, value in node.attributes.items():
            attributes[key] = self._render(value)
        out.append(
            Enqueue(
                node=node.id,
                queue=node.queue,
                priority=node.priority,
                skills=node.skills,
                attributes=attributes,
                language=self._lang,
            )
        )
        self._exit(Outcome.HANDOFF)
        self._end(SessionResult.ENQUEUED)

    def _run_hours(self, node: HoursNode, out: list[Command]) -> str:
        if open_at(self._flow, node.calendar, self._t):
            self._exit(Outcome.OPEN)
            return node.open
        if node.holiday is not None:
            zone = self._flow.calendars[node.calendar].timezone
            date = datetime.datetime.fromtimestamp(self._t, zone).date()
            if date in holidays(self._flow, node.calendar):
                self._exit(Outcome.HOLIDAY)
                return node.holiday
        self._exit(Outcome.CLOSED)
        return node.closed

    def _run_set(self, node: SetAttributesNode, out: list[Command]) -> str:
        values = {key: self._render(value) for key, value in node.values.items()}
        self._attrs = {**self._attrs, **values}
        self._exit(Outcome.NEXT)
        return node.next

    def _run_lookup(self, node: LookupNode, out: list[Command]) -> None:
        self._request += 1
        self._phase = _HOST
        self._deadline = self._t + node.timeout
        out.append(
            AskHost(
                node=node.id,
                request=self._request,
                query=node.query,
                arguments={k: self._render(v) for k, v in node.arguments.items()},
                timeout=node.timeout,
            )
        )

    def _run_transfer(self, node: TransferNode, out: list[Command]) -> None:
        out.append(Transfer(node=node.id, to=self._render(node.to), attributes=dict(self._attrs)))
        self._exit(Outcome.HANDOFF)
        self._end(SessionResult.TRANSFERRED)

    def _run_record(self, node: RecordNode, out: list[Command]) -> None:
        self._phase = _RECORD
        self._play(node.prompt, False, out)

    def _run_call(self, node: CallNode, out: list[Command]) -> str | None:
        if len(self._stack) >= _MAX_STACK:
            self._exit(Outcome.ERROR)
            return self._error_target(out)
        self._stack = [*self._stack, node.next]
        self._exit(Outcome.NEXT)
        return node.target

    def _run_return(self, node: ReturnNode, out: list[Command]) -> str | None:
        if not self._stack:
            self._exit(Outcome.ERROR)
            return self._error_target(out)
        self._exit(Outcome.NEXT)
        target = self._stack[-1]
        self._stack = self._stack[:-1]
        return target

    def _run_hangup(self, node: HangUpNode, out: list[Command]) -> None:
        if not self._gone:  # after a caller hang-up the line is already down
            out.append(HangUp(node=node.id, reason="flow"))
        self._exit(Outcome.HANDOFF)
        self._end(SessionResult.COMPLETED)

    def _error_target(self, out: list[Command]) -> str | None:
        target = self._flow.on_error
        if target is None:
            out.append(HangUp(node=self._node, reason="error"))
            self._end(SessionResult.ERROR)
        return target

    # ------------------------------------------------------------------ prompts

    def _ask(
        self, node: InputNode, out: list[Command], *, first: bool, apology: str | None = None
    ) -> None:
        """Play the node's prompt (full the first time, short on repeats) and listen."""
        self._phase = _INPUT
        self._buffer = ""
        self._pending = None
        self._deadline = None
        if apology is not None:
            self._play(apology, True, out)
        seen = node.id in self._seen
        if first and not seen:
            self._seen = self._seen | {node.id}
        prompt = node.prompt
        if (not first or seen) and node.short_prompt is not None:
            prompt = node.short_prompt
        self._play(prompt, True, out)
        self._listen(node, out)

    def _prompt_finished(self, out: list[Command]) -> None:
        if self._playing:
            self._playing -= 1
        if self._playing:
            return
        phase = self._phase
        node = self._flow.nodes[self._node]
        if phase == _PLAY:
            node = cast("SayNode", node)
            self._leave(Outcome.NEXT, node.next, out)
        elif phase == _INPUT:
            if self._deadline is None:
                node = cast("InputNode", node)
                self._deadline = self._t + (
                    node.timeout
                    if not self._buffer
                    else getattr(node, "inter_digit_timeout", node.timeout)
                )
        elif phase == _RECORD:
            node = cast("RecordNode", node)
            out.append(
                Record(
                    node=node.id,
                    mailbox=node.mailbox,
                    max_seconds=node.max_seconds,
                    terminator=node.terminator,
                    attributes=dict(self._attrs),
                )
            )

    # ------------------------------------------------------------------ input

    def _key(self, ch: str, out: list[Command]) -> None:
        node = self._flow.nodes[self._node]
        self._playing = 0  # barge-in: the adapter stops the prompt
        if type(node) is CollectNode:
            self._collect_key(node, ch, out)
            return
        node = cast("MenuNode | LanguageNode | CallbackNode | SurveyNode", node)
        table, prefixes = choices(self._flow, node)
        buf = self._buffer + ch
        if buf in prefixes:
            self._buffer = buf
            self._deadline = self._t + getattr(node, "inter_digit_timeout", 2.0)
            return
        if buf in table:
            self._choose(node, buf, table[buf], out)
            return
        if not self._buffer and ch in self._flow.global_keys:
            self._global(node, ch, out)
            return
        self._retry(node, Outcome.NO_MATCH, out)

    def _global(self, node: InputNode, ch: str, out: list[Command]) -> None:
        target = self._flow.global_keys[ch]
        if target == REPEAT:
            self._global_repeat(node, out)
            return
        self._leave(Outcome.MATCH, target, out, key=ch)

    def _global_repeat(self, node: InputNode, out: list[Command]) -> None:
        # A requested repeat plays the full prompt; later re-prompts stay short.
        self._phase = _INPUT
        self._buffer = ""
        self._pending = None
        self._deadline = None
        self._seen = self._seen | {node.id}
        self._play(node.prompt, True, out)
        self._listen(node, out)

    def _choose(self, node: ChoiceNode, key: str, value: str, out: list[Command]) -> None:
        cls = type(node)
        if cls is MenuNode:
            if value == REPEAT:
                self._global_repeat(node, out)
            else:
                self._leave(Outcome.MATCH, value, out, key=key)
        elif cls is LanguageNode:
            node = cast("LanguageNode", node)
            self._lang = value
            self._attrs = {**self._attrs, "language": value}
            self._leave(Outcome.MATCH, node.next, out, key=key)
        elif cls is CallbackNode:
            node = cast("CallbackNode", node)
            if value == "accept":
                self._attrs = {**self._attrs, "callback_queue": node.queue}
                out.append(
                    RequestCallback(
                        node=node.id,
                        queue=node.queue,
                        number=self._attrs.get(node.number_attribute, ""),
                        attributes=dict(self._attrs),
                    )
                )
                self._leave(Outcome.MATCH, node.next, out, key=key)
            else:
                self._leave(Outcome.DECLINED, node.declined, out, key=key)
        else:
            node = cast("SurveyNode", node)
            self._attrs = {**self._attrs, node.store: value}
            self._events.append(
                SurveyAnswered(
                    session=self._id,
                    node=node.id,
                    attribute=node.store,
                    value=int(value),
                    at=self._t,
                )
            )
            self._leave(Outcome.MATCH, node.next, out, key=key)

    def _collect_key(self, node: CollectNode, ch: str, out: list[Command]) -> None:
        if self._pending is not None:
            if ch == node.confirm_key:
                value = self._pending
                self._attrs = {**self._attrs, node.store: value}
                self._leave(Outcome.MATCH, node.next, out, key=None)
            elif ch == node.reenter_key:
                # Asked for, so not a mistake: no retry is used up.
                self._ask(node, out, first=False)
            elif ch != node.terminator:  # the terminator only ends collection
                self._retry(node, Outcome.NO_MATCH, out)
            return
        if not self._buffer:
            if ch in node.keys:
                self._leave(Outcome.MATCH, node.keys[ch], out, key=ch)
                return
            if (
                node.use_global_keys
                and ch in self._flow.global_keys
                and ch != node.terminator
                and ch != node.clear_key
            ):
                self._global(node, ch, out)
                return
        if ch in DIGITS:
            self._buffer += ch
            if len(self._buffer) >= node.max_digits:
                self._finish_collect(node, out)
            else:
                self._deadline = self._t + node.inter_digit_timeout
        elif ch == node.terminator:
            self._finish_collect(node, out)
        elif ch == node.clear_key:
            self._buffer = ""
            self._deadline = self._t + node.timeout
        else:
            self._retry(node, Outcome.NO_MATCH, out)

    def _collect_digits(
        self, node: CollectNode, digits: str, index: int, out: list[Command]
    ) -> int:
        """Take the digits of a value being typed in one go (same result as key by key).

        Stops at the first key that is not a digit, which the caller of this method
        then handles as a single key.
        """
        self._playing = 0
        limit = min(len(digits), index + node.max_digits - len(self._buffer))
        end = limit
        if not digits[index:limit].isdigit():  # (the keys are 0-9, * and #: checked)
            end = index
            while end < limit and digits[end] in DIGITS:
                end += 1
        self._buffer += digits[index:end]
        if len(self._buffer) >= node.max_digits:
            self._finish_collect(node, out)
        elif end == index or end == len(digits):
            self._deadline = self._t + node.inter_digit_timeout
        return end

    def _finish_collect(self, node: CollectNode, out: list[Command]) -> None:
        value = self._buffer
        self._deadline = None
        if len(value) >= node.max_digits and node.terminator is not None:
            # The caller may still press the terminator out of habit: it only ends
            # this value, whatever node listens next (VoiceXML's termchar).
            self._term = node.terminator
        if not value:
            self._retry(node, Outcome.NO_INPUT, out)
            return
        if len(value) < node.min_digits or (
            node.pattern is not None and re.fullmatch(node.pattern, value) is None
        ):
            self._retry(node, Outcome.NO_MATCH, out)
            return
        if node.confirm_prompt is not None:
            self._pending = value
            self._buffer = ""
            self._play(node.confirm_prompt, True, out, value=value)
            self._listen(node, out, confirm=True)
            return
        self._attrs = {**self._attrs, node.store: value}
        self._leave(Outcome.MATCH, node.next, out)

    def _speech(self, text: str, out: list[Command]) -> None:
        node = self._flow.nodes[self._node]
        self._playing = 0
        words = text.strip().lower()
        if isinstance(node, CollectNode):
            digits = "".join(ch for ch in words if ch in "0123456789")
            if digits and self._pending is None:
                self._buffer = digits[: node.max_digits]
                self._finish_collect(node, out)
            elif self._pending is not None and words in ("yes", "是", "对", "係"):
                self._collect_key(node, node.confirm_key, out)
            else:
                self._retry(node, Outcome.NO_MATCH, out)
            return
        if isinstance(node, MenuNode):
            for word, key in node.words.items():
                if word.lower() in words:
                    self._choose(node, key, node.options[key], out)
                    return
        node = cast("MenuNode | LanguageNode | CallbackNode | SurveyNode", node)
        self._retry(node, Outcome.NO_MATCH, out)

    def _timeout(self, out: list[Command]) -> None:
        node = self._flow.nodes[self._node]
        node = cast("MenuNode | CollectNode | LanguageNode | CallbackNode | SurveyNode", node)
        if isinstance(node, CollectNode):
            if self._pending is not None:
                self._retry(node, Outcome.NO_INPUT, out)
            else:
                self._finish_collect(node, out)
            return
        if not self._buffer:
            self._retry(node, Outcome.NO_INPUT, out)
            return
        table, _ = choices(self._flow, node)
        if self._buffer in table:
            self._choose(node, self._buffer, table[self._buffer], out)
        else:
            self._retry(node, Outcome.NO_MATCH, out)

    def _retry(self, node: InputNode, outcome: Outcome, out: list[Command]) -> None:
        if outcome is Outcome.NO_INPUT:
            self._ni += 1
            if self._ni >= node.no_input_limit:
                target = node.on_no_input or self._flow.on_no_input or self._flow.on_error
                if isinstance(node, LanguageNode | SurveyNode) and node.on_no_input is None:
                    target = node.next
                self._leave(outcome, target, out)
                return
            apology = node.no_input_prompt
        else:
            self._nm += 1
            if self._nm >= node.no_match_limit:
                target = node.on_no_match or self._flow.on_no_match or self._flow.on_error
                self._leave(outcome, target, out)
                return
            apology = node.no_match_prompt
        self._ask(node, out, first=False, apology=apology)

    # ------------------------------------------------------------------ host, recording

    def _host(self, event: HostAnswered | HostNotFound | HostFailed, out: list[Command]) -> None:
        node = self._flow.nodes[self._node]
        node = cast("LookupNode", node)
        self._deadline = None
        if type(event) is HostAnswered:
            prefix = node.into
            self._attrs = {**self._attrs, **{prefix + k: v for k, v in event.values.items()}}
            self._leave(Outcome.FOUND, node.next, out)
        elif type(event) is HostNotFound:
            self._leave(Outcome.NOT_FOUND, node.not_found, out)
        else:
            self._leave(Outcome.ERROR, node.on_failure or self._flow.on_error, out)

    def _recording_finished(self, event: RecordingFinished, out: list[Command]) -> None:
        node = self._flow.nodes[self._node]
        node = cast("RecordNode", node)
        if event.seconds > 0 and event.reference:
            self._attrs = {**self._attrs, "recording": event.reference}
            self._leave(Outcome.MATCH, node.next, out)
        else:
            self._leave(Outcome.NO_INPUT, node.on_no_input or node.next, out)


# The node runners, by node class: the engine's transition table for entering a node.
_RUNNERS: dict[type, Callable[[_Engine, Any, list[Command]], str | None]] = {
    MenuNode: _Engine._run_input,
    CollectNode: _Engine._run_input,
    LanguageNode: _Engine._run_input,
    CallbackNode: _Engine._run_input,
    SurveyNode: _Engine._run_input,
    SayNode: _Engine._run_say,
    BranchNode: _Engine._run_branch,
    EnqueueNode: _Engine._run_enqueue,
    HoursNode: _Engine._run_hours,
    SetAttributesNode: _Engine._run_set,
    LookupNode: _Engine._run_lookup,
    TransferNode: _Engine._run_transfer,
    RecordNode: _Engine._run_record,
    CallNode: _Engine._run_call,
    ReturnNode: _Engine._run_return,
    HangUpNode: _Engine._run_hangup,
}
