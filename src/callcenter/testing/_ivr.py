"""Testing IVR flows: a scripted caller, random callers, and engine-level checks.

A :class:`ScriptedCaller` plays the caller's side of a
:class:`~callcenter.ivr.Session` on a virtual clock: it listens to prompts to the
end (or barges in), presses keys, stays silent, answers the host's lookups, and
checks where the call ends::

    caller = ScriptedCaller(flow, now=start)
    caller.press("1")
    caller.press("123456789012#")
    caller.host_answers(status="在途")
    caller.expect_enqueue("tracking", waybill="123456789012")

:func:`caller_scripts` draws random scripts (keys, silences, speech, hang-ups, host
answers and failures) for Hypothesis; :func:`run_script` plays one and checks that
the session ends within the step guard with well-formed events;
:func:`find_agent_path` searches the engine itself for a way to an agent.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterable, Sequence

from hypothesis import strategies as st

from ..ivr import (
    REPEAT,
    AskHost,
    CallerHungUp,
    CallerStatus,
    Command,
    Condition,
    DigitsPressed,
    Enqueue,
    Flow,
    FlowBuilder,
    HangUp,
    HostAnswered,
    HostFailed,
    HostNotFound,
    NodeEntered,
    NodeExited,
    Play,
    PromptFinished,
    Record,
    RecordingFinished,
    Session,
    SessionEnded,
    SessionEvent,
    SessionResult,
    SpeechHeard,
    Transfer,
    Variant,
)

__all__ = [
    "Action",
    "ScriptedCaller",
    "caller_scripts",
    "check_events",
    "find_agent_path",
    "random_flows",
    "run_script",
]

_NUMBERS = itertools.count(1)

Action = tuple[str, str]
"""One step of a caller script: ``("press", keys)``, ``("wait", seconds)``,
``("say", text)``, ``("hangup", "")``, ``("answer", "")``, ``("not_found", "")``,
``("fail", "")``, ``("barge", keys)`` (press without waiting for the prompt)."""


class ScriptedCaller:
    """The caller's side of one session, on a virtual clock.

    Args:
        flow: The flow to call.
        now: The time the call is answered.
        caller: The caller's number.
        dialled: The number dialled.
        status: The caller's list status (normal, VIP, blocked).
        key_gap: Seconds between one key and the next action.
        session_id: The session's id; default: a new ``scripted-<n>`` for every
            caller, so that calls can be told apart in reports.

    Attributes:
        session: The session being driven.
        now: The virtual time.
        commands: Every command the session returned, in order.
        events: Every node and session event, in order.
    """

    def __init__(
        self,
        flow: Flow,
        *,
        now: float = 0.0,
        caller: str = "13800138000",
        dialled: str = "4008001234",
        status: CallerStatus = CallerStatus.NORMAL,
        key_gap: float = 0.5,
        session_id: str | None = None,
    ) -> None:
        if session_id is None:
            session_id = f"scripted-{next(_NUMBERS)}"
        self.session = Session(
            flow, session_id=session_id, caller=caller, dialled=dialled, status=status
        )
        self.now = float(now)
        self.key_gap = key_gap
        self.commands: list[Command] = []
        self.events: list[SessionEvent] = []
        self._playing: deque[Play] = deque()
        self._played = 0.0  # seconds of the first queued prompt already heard
        self._ask: AskHost | None = None
        self._record: Record | None = None
        self._take(self.session.begin(self.now))

    # ------------------------------------------------------------------ plumbing

    def _take(self, commands: list[Command]) -> None:
        self.commands.extend(commands)
        self.events.extend(self.session.take_events())
        for command in commands:
            if isinstance(command, Play):
                self._playing.append(command)
            elif isinstance(command, AskHost):
                self._ask = command
            elif isinstance(command, Record):
                self._record = command
        if self.session.ended:
            self._stop_prompts()

    def _stop_prompts(self) -> None:
        self._playing.clear()
        self._played = 0.0

    def _feed(self, event: object) -> None:
        self._take(self.session.handle(event, self.now))  # type: ignore[arg-type]

    def _move_to(self, when: float) -> None:
        """Move the clock forward to ``when``; the first queued prompt plays on meanwhile."""
        if when > self.now:
            if self._playing:
                self._played += when - self.now
            self.now = when

    def _time_passes(self, until: float) -> None:
        """Move the clock to ``until``, finishing prompts and firing deadlines in order.

        A prompt that is still playing at ``until`` goes on from where it was at the
        next call; the clock stops when the session ends.
        """
        while not self.session.ended:
            deadline = self.session.next_deadline()
            ends = self.now + self._playing[0].seconds - self._played if self._playing else None
            if ends is not None and ends <= until:
                if deadline is not None and deadline <= ends:
                    self._move_to(deadline)
                    self._take(self.session.advance(self.now))
                    continue
                self.now = max(self.now, ends)
                self._playing.popleft()
                self._played = 0.0
                self._feed(PromptFinished())
            elif deadline is not None and deadline <= until:
                self._move_to(deadline)
                self._take(self.session.advance(self.now))
            else:
                break
        if not self.session.ended:
            self._move_to(until)
            self._take(self.session.advance(self.now))

    def listen(self) -> ScriptedCaller:
        """Listen to every queued prompt to its end."""
        while self._playing and not self.session.ended:
            self._time_passes(self.now + self._playing[0].seconds - self._played)
        return self

    # ------------------------------------------------------------------ actions

    def press(self, keys: str, *, barge_in: bool = False) -> ScriptedCaller:
        """Press ``keys`` after the prompts have played (or at once with ``barge_in``)."""
        self._require_live("press keys")
        if not barge_in:
            self.listen()
            self._require_live("press keys")
        if self.session.phase == "input":
            self._stop_prompts()  # keys stop a barge-in prompt; other prompts play on
        self._feed(DigitsPressed(digits=keys))
        self._time_passes(self.now + self.key_gap)
        return self

    def say(self, text: str) -> ScriptedCaller:
        """Say ``text`` (speech recognised by the telephony side) after the prompts."""
        self._require_live("speak")
        self.listen()
        self._require_live("speak")
        self._feed(SpeechHeard(text=text))
        return self

    def wait(self, seconds: float) -> ScriptedCaller:
        """Stay silent for ``seconds`` (prompts finish, timeouts fire)."""
        self._require_live("wait")
        self._time_passes(self.now + seconds)
        return self

    def wait_until_end(self, limit: float = 3600.0) -> ScriptedCaller:
        """Stay silent until the session ends (or ``limit`` seconds pass)."""
        end = self.now + limit
        while not self.session.ended and self.now < end:
            self.listen()
            if self.session.result is not None:
                break
            if self.session.phase == "host":
                assert self._ask is not None
                self.wait(self._ask.timeout)
            elif self.session.phase == "record":
                self.leave_message(seconds=0.0)
            else:
                self._time_passes(min(end, self.now + 60.0))
        return self

    def hang_up(self) -> ScriptedCaller:
        """Hang up."""
        self._require_live("hang up")
        self._feed(CallerHungUp())
        return self

    def _pending_ask(self) -> AskHost:
        self.listen()
        if self.session.phase != "host" or self._ask is None:
            raise AssertionError(
                f"expected a host lookup, but the session is {self.session.phase} at node "
                f"{self.session.node!r}\n{self.transcript()}"
            )
        return self._ask

    def host_answers(self, **values: str) -> ScriptedCaller:
        """Answer the pending host lookup with ``values``."""
        ask = self._pending_ask()
        self._feed(HostAnswered(request=ask.request, values=dict(values)))
        return self

    def host_not_found(self) -> ScriptedCaller:
        """Answer the pending host lookup with not-found."""
        self._feed(HostNotFound(request=self._pending_ask().request))
        return self

    def host_fails(self) -> ScriptedCaller:
        """Answer the pending host lookup with a failure."""
        self._feed(HostFailed(request=self._pending_ask().request, reason="test"))
        return self

    def leave_message(self, seconds: float = 20.0, reference: str = "msg-1") -> ScriptedCaller:
        """Listen to the voicemail prompt and record a message (0 s: record nothing)."""
        self.listen()
        if self.session.phase != "record":
            raise AssertionError(
                f"expected a recording, but the session is {self.session.phase} at node "
                f"{self.session.node!r}\n{self.transcript()}"
            )
        self.now += seconds
        self._feed(RecordingFinished(reference=reference if seconds else "", seconds=seconds))
        return self

    def _require_live(self, action: str) -> None:
        if self.session.ended:
            raise AssertionError(
                f"cannot {action}: the session already ended ({self.session.result})\n"
                + self.transcript()
            )

    # ------------------------------------------------------------------ checks

    @property
    def prompts(self) -> list[str]:
        """The ids of the prompts played so far."""
        return [c.prompt for c in self.commands if isinstance(c, Play)]

    @property
    def path(self) -> list[str]:
        """The nodes entered so far."""
        return [e.node for e in self.events if isinstance(e, NodeEntered)]

    def transcript(self) -> str:
        """The commands so far, one a line (for failure messages)."""
        return "\n".join(f"  {c!r}" for c in self.commands)

    def _last(self) -> Command:
        if not self.session.ended:
            self.wait_until_end()
        if not self.commands:
            raise AssertionError("the session returned no command")
        return self.commands[-1]

    def expect_enqueue(
        self, queue: str, *, skills: Sequence[str] | None = None, **attributes: str
    ) -> Enqueue:
        """Check the call ended in ``queue`` with these attributes (and skills)."""
        last = self._last()
        if not isinstance(last, Enqueue) or last.queue != queue:
            raise AssertionError(
                f"expected enqueue to {queue!r}, got {last!r}\n{self.transcript()}"
            )
        for key, value in attributes.items():
            if last.attributes.get(key) != value:
                raise AssertionError(
                    f"expected attribute {key}={value!r}, got {last.attributes.get(key)!r}"
                )
        if skills is not None and tuple(skills) != last.skills:
            raise AssertionError(f"expected skills {tuple(skills)}, got {last.skills}")
        return last

    def expect_transfer(self, to: str) -> Transfer:
        """Check the call ended in a transfer to ``to``."""
        last = self._last()
        if not isinstance(last, Transfer) or last.to != to:
            raise AssertionError(f"expected transfer to {to!r}, got {last!r}\n{self.transcript()}")
        return last

    def expect_hangup(self, reason: str = "flow") -> HangUp:
        """Check the call ended in a hang-up by the flow (or for ``reason``)."""
        last = self._last()
        if not isinstance(last, HangUp) or last.reason != reason:
            raise AssertionError(f"expected hang-up ({reason}), got {last!r}\n{self.transcript()}")
        return last

    def expect_prompt(self, prompt: str) -> None:
        """Check that ``prompt`` was the last prompt played."""
        if not self.prompts or self.prompts[-1] != prompt:
            raise AssertionError(f"expected prompt {prompt!r}, last prompts: {self.prompts[-3:]}")


def check_events(events: Sequence[SessionEvent], *, max_steps: int) -> None:
    """Check a finished session's events are well formed.

    Every entry is followed by its exit before the next entry, the last event is
    the only :class:`~callcenter.ivr.SessionEnded`, times never go back, and no
    more than ``max_steps`` nodes were entered.

    Raises:
        AssertionError: A rule is broken (the message says which).
    """
    open_node: str | None = None
    entered = 0
    last_time = float("-inf")
    for index, event in enumerate(events):
        at = event.at
        if at < last_time:
            raise AssertionError(f"event {index} goes back in time: {event!r}")
        last_time = at
        if isinstance(event, NodeEntered):
            if open_node is not None:
                raise AssertionError(f"entered {event.node!r} before leaving {open_node!r}")
            open_node = event.node
            entered += 1
        elif isinstance(event, NodeExited):
            if event.node != open_node:
                raise AssertionError(f"left {event.node!r} while in {open_node!r}")
            open_node = None
        elif isinstance(event, SessionEnded) and index != len(events) - 1:
            raise AssertionError("SessionEnded is not the last event")
    if not events or not isinstance(events[-1], SessionEnded):
        raise AssertionError("the session did not end with SessionEnded")
    if entered > max_steps:
        raise AssertionError(f"{entered} nodes entered, more than the step guard {max_steps}")


_KEYS = st.text(alphabet="0123456789*#", min_size=1, max_size=14)


def caller_scripts(*, max_actions: int = 12) -> st.SearchStrategy[list[Action]]:
    """Random caller scripts: keys, silences, speech, hang-ups and host replies."""
    action = st.one_of(
        st.tuples(st.just("press"), _KEYS),
        st.tuples(st.just("barge"), _KEYS),
        st.tuples(st.just("wait"), st.sampled_from(["0.5", "3", "6", "30"])),
        st.tuples(st.just("say"), st.sampled_from(["yes", "agent", "1234", "hello"])),
        st.tuples(st.sampled_from(["answer", "not_found", "fail"]), st.just("")),
        st.tuples(st.just("hangup"), st.just("")),
    )
    return st.lists(action, max_size=max_actions)


def run_script(
    flow: Flow,
    script: Iterable[Action],
    *,
    now: float = 0.0,
    status: CallerStatus = CallerStatus.NORMAL,
) -> ScriptedCaller:
    """Play ``script`` against ``flow``, then stay silent until the session ends.

    Actions that do not fit the session's state (a host reply when no lookup is
    pending, anything after the end) are skipped. Afterwards the session must have
    ended within the step guard with well-formed events (see :func:`check_events`).

    Raises:
        AssertionError: The session did not end, or its events are malformed.
    """
    caller = ScriptedCaller(flow, now=now, status=status)
    for kind, value in script:
        if kind != "barge":
            caller.listen()
        if caller.session.ended:
            break
        if kind == "press":
            caller.press(value)
        elif kind == "barge":
            caller.press(value, barge_in=True)
        elif kind == "wait":
            caller.wait(float(value))
        elif kind == "say":
            caller.say(value)
        elif kind == "hangup":
            caller.hang_up()
        else:
            caller.listen()
            if caller.session.phase == "host":
                {
                    "answer": lambda: caller.host_answers(status="ok"),
                    "not_found": caller.host_not_found,
                    "fail": caller.host_fails,
                }[kind]()
    if not caller.session.ended:
        caller.wait_until_end(limit=flow.max_steps * 600.0)
    if not caller.session.ended:
        raise AssertionError(f"the session did not end\n{caller.transcript()}")
    check_events(caller.events, max_steps=flow.max_steps)
    return caller


def find_agent_path(
    flow: Flow, *, now: float = 0.0, max_depth: int = 8, keys: str = "0123456789*#"
) -> list[Action] | None:
    """Search the engine for a caller script that reaches an agent (enqueue or transfer).

    A breadth-first search over session states: from each state it tries every key,
    a silence, and each host reply, replaying each script from the start; states
    already seen (compared by :meth:`~callcenter.ivr.Session.to_dict`) are not
    expanded again. Returns the shortest script found, or
    ``None`` if no script of up to ``max_depth`` actions reaches an agent.
    """
    start = ScriptedCaller(flow, now=now)
    frontier: deque[tuple[ScriptedCaller, list[Action]]] = deque([(start, [])])
    seen: set[str] = set()
    while frontier:
        caller, script = frontier.popleft()
        if caller.session.ended:
            if caller.session.result in (SessionResult.ENQUEUED, SessionResult.TRANSFERRED):
                return script
            continue
        if len(script) >= max_depth:
            continue
        state = repr(sorted(caller.session.to_dict().items()))
        if state in seen:
            continue
        seen.add(state)
        options: list[Action] = [("wait", "30")]
        if caller.session.phase == "host":
            options = [("answer", ""), ("not_found", ""), ("fail", "")]
        elif caller.session.phase == "record":
            options = [("wait", "30")]
        elif caller.session.phase in ("input", "play"):
            options += [("press", k) for k in keys]
        for action in options:
            branch = run_prefix(flow, [*script, action], now=now)
            frontier.append((branch, [*script, action]))
    return None


def run_prefix(flow: Flow, script: Sequence[Action], *, now: float = 0.0) -> ScriptedCaller:
    """Play ``script`` without waiting for the end (helper of :func:`find_agent_path`)."""
    caller = ScriptedCaller(flow, now=now)
    for kind, value in script:
        caller.listen()
        if caller.session.ended:
            break
        if kind == "press":
            caller.press(value)
        elif kind == "wait":
            if caller.session.phase == "record":
                caller.leave_message(seconds=0.0)
            else:
                caller.wait(float(value))
        else:
            caller.listen()
            if caller.session.phase == "host":
                {
                    "answer": lambda: caller.host_answers(status="ok"),
                    "not_found": caller.host_not_found,
                    "fail": caller.host_fails,
                }[kind]()
    return caller


@st.composite
def random_flows(draw: st.DrawFn, *, max_nodes: int = 8, every_kind: bool = False) -> Flow:
    """Random valid flows of menus, collects, prompts, branches, sets and hand-offs.

    With ``every_kind`` the flows also hold host lookups, voicemail, surveys, callback
    offers and subflow calls and returns. Every reference resolves (so the flow
    loads), but nothing else is promised: the flows may have dead ends, loops a
    silent caller never leaves and unreachable nodes, which is what a validator test
    needs.
    """
    count = draw(st.integers(min_value=2, max_value=max_nodes))
    ids = [f"n{i}" for i in range(count)]
    target = st.sampled_from([*ids, "agent", "bye"])
    seconds = st.sampled_from([0.5, 2.0, 6.0])
    builder = FlowBuilder(
        "random",
        start="n0",
        on_error=draw(st.sampled_from(["agent", "bye"])),
        max_steps=10 * (count + 2),
        global_keys=draw(st.sampled_from([{}, {"0": "agent"}, {"*": REPEAT}])),
    )
    for i in range(count):
        builder.prompt(f"p{i}", zh=Variant(text=f"提示{i}", seconds=draw(seconds)))
    for i, node_id in enumerate(ids):
        kinds = ["menu", "say", "set", "branch", "collect", "handoff"]
        if every_kind:
            kinds += ["lookup", "record", "survey", "callback", "call", "return"]
        kind = draw(st.sampled_from(kinds))
        prompt = f"p{i}"
        if kind == "menu":
            keys = draw(st.lists(st.sampled_from("123456789"), min_size=1, max_size=3, unique=True))
            builder.menu(
                node_id,
                prompt=prompt,
                options={k: draw(target) for k in keys},
                timeout=draw(st.sampled_from([2.0, 5.0])),
                no_input_limit=draw(st.integers(min_value=1, max_value=3)),
                no_match_limit=draw(st.integers(min_value=1, max_value=3)),
                on_no_input=draw(st.none() | target),
            )
        elif kind == "say":
            builder.say(node_id, prompt=prompt, next=draw(target))
        elif kind == "set":
            builder.set(node_id, values={"visited": node_id}, next=draw(target))
        elif kind == "branch":
            builder.branch(
                node_id,
                rules=[
                    (
                        Condition(attribute="visited", equals=draw(st.sampled_from(ids))),
                        draw(target),
                    )
                ],
                otherwise=draw(target),
            )
        elif kind == "collect":
            builder.collect(
                node_id,
                prompt=prompt,
                store="value",
                min_digits=2,
                max_digits=4,
                next=draw(target),
                no_input_limit=draw(st.integers(min_value=1, max_value=3)),
            )
        elif kind == "lookup":
            builder.lookup(
                node_id,
                query="status",
                next=draw(target),
                not_found=draw(target),
                timeout=draw(st.sampled_from([1.0, 4.0])),
                on_failure=draw(st.none() | target),
            )
        elif kind == "record":
            builder.record(
                node_id,
                prompt=prompt,
                mailbox="vm",
                next=draw(target),
                max_seconds=30.0,
                on_no_input=draw(st.none() | target),
            )
        elif kind == "survey":
            builder.survey(node_id, prompt=prompt, store="score", next=draw(target))
        elif kind == "callback":
            builder.callback(
                node_id, prompt=prompt, queue="callbacks", next=draw(target), declined=draw(target)
            )
        elif kind == "call":
            builder.call(node_id, target=draw(target), next=draw(target))
        elif kind == "return":
            builder.return_(node_id)
        elif draw(st.booleans()):
            builder.enqueue(node_id, queue="q")
        else:
            builder.hangup(node_id)
    builder.enqueue("agent", queue="general")
    builder.hangup("bye")
    return builder.build()
