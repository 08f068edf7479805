"""Property and stateful tests of the session engine."""

from __future__ import annotations

import datetime
import json
import zoneinfo
from collections.abc import Sequence
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from callcenter.calendars import BusinessCalendar
from callcenter.errors import CallCenterError, IllegalTransitionError
from callcenter.ivr import (
    AskHost,
    CallerHungUp,
    CallerStatus,
    DigitsPressed,
    Enqueue,
    Flow,
    FlowBuilder,
    HangUp,
    HostAnswered,
    HostFailed,
    HostNotFound,
    Listen,
    NodeEntered,
    Play,
    PromptFinished,
    Record,
    RecordingFinished,
    Session,
    SessionEnded,
    SessionResult,
    SpeechHeard,
    Transfer,
    check_flow,
    load_flow,
)
from callcenter.testing import (
    ScriptedCaller,
    business_calendars,
    caller_scripts,
    check_events,
    find_agent_path,
    random_flows,
    run_script,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "ivr"
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
FLOWS = {
    name: load_flow(EXAMPLES / f"{name}.toml")
    for name in ("tianjin-400", "guangzhou-3lang", "branch-office")
}
# Mornings, evenings and a holiday, so that every branch of the hours checks is used.
STARTS = [
    datetime.datetime(2026, 11, 23, 10, tzinfo=SHANGHAI).timestamp(),
    datetime.datetime(2026, 11, 23, 21, tzinfo=SHANGHAI).timestamp(),
    datetime.datetime(2026, 10, 2, 11, tzinfo=SHANGHAI).timestamp(),
]


# The random callers are the engine's main fuzzing: they run twice the active
# profile's examples (10,000 under ``thorough``).
RANDOM_CALLERS = settings(max_examples=2 * settings().max_examples)


@RANDOM_CALLERS
@given(
    name=st.sampled_from(sorted(FLOWS)),
    start=st.sampled_from(STARTS),
    status=st.sampled_from(list(CallerStatus)),
    script=caller_scripts(),
)
def test_random_callers_always_end_within_the_step_guard(
    name: str, start: float, status: CallerStatus, script: list[tuple[str, str]]
) -> None:
    flow = FLOWS[name]
    caller = run_script(flow, script, now=start, status=status)
    result = caller.session.result
    last = caller.commands[-1] if caller.commands else None
    # The last command says how the call left the IVR, and the result agrees.
    if result is SessionResult.ENQUEUED:
        assert isinstance(last, Enqueue)
    elif result is SessionResult.TRANSFERRED:
        assert isinstance(last, Transfer)
    elif result in (
        SessionResult.COMPLETED,
        SessionResult.VOICEMAIL,
        SessionResult.CALLBACK,
        SessionResult.BLOCKED,
        SessionResult.ERROR,
    ):
        assert isinstance(last, HangUp)
    else:
        assert result is SessionResult.ABANDONED
        assert ("hangup", "") in script


def test_an_agent_is_reachable_through_the_engine_in_business_hours() -> None:
    for flow in FLOWS.values():
        script = find_agent_path(flow, now=STARTS[0], max_depth=4)
        assert script is not None
        caller = run_script(flow, script, now=STARTS[0])
        assert caller.session.result in (SessionResult.ENQUEUED, SessionResult.TRANSFERRED)
    # At night the branch office still reaches the central center; Tianjin takes
    # voicemail only, and the search says so.
    assert find_agent_path(FLOWS["branch-office"], now=STARTS[1]) == [("wait", "30")]
    assert find_agent_path(FLOWS["tianjin-400"], now=STARTS[1], max_depth=4) is None


class SessionMachine(RuleBasedStateMachine):
    """Drives a session with arbitrary adapter events, legal or not.

    The model beside it is naive: it follows the commands to know whether a prompt
    is playing, a lookup or a recording is pending and whether the call has left the
    IVR, and so predicts which events must be refused. A twin session, rebuilt from
    its JSON state before every step, must give the same commands: the state is
    complete.
    """

    def __init__(self) -> None:
        super().__init__()
        self.flow: Flow = FLOWS["tianjin-400"]
        self.now = STARTS[0]
        self.session = Session(self.flow, session_id="m", caller="13800138000", dialled="400")
        self.twin_state = self.session.to_dict()
        self.plays = 0
        self.ask: AskHost | None = None
        self.record_pending = False
        self.ended = False
        self.events: list[object] = []
        self.apply(self.session.begin(self.now), None)

    def apply(self, commands: Sequence[object], twin_commands: Sequence[object] | None) -> None:
        if twin_commands is not None:
            assert twin_commands == commands
        for command in commands:
            if isinstance(command, Play):
                self.plays += 1
            elif isinstance(command, AskHost):
                self.ask = command
            elif isinstance(command, Record):
                self.record_pending = True
            elif isinstance(command, Enqueue | Transfer | HangUp):
                self.ended = True
        self.events.extend(self.session.take_events())
        self.twin_state = json.loads(json.dumps(self.session.to_dict()))

    def step(self, event: object, legal: bool) -> None:
        twin = Session.from_dict(self.flow, self.twin_state)
        before = self.session.to_dict()
        try:
            commands = self.session.handle(event, self.now)  # type: ignore[arg-type]
        except IllegalTransitionError:
            assert not legal, f"{event!r} refused in phase {self.session.phase}"
            assert self.session.to_dict() == before
            return
        assert legal, f"{event!r} accepted in phase {before['p']}"
        twin_commands = twin.handle(event, self.now)  # type: ignore[arg-type]
        if isinstance(event, CallerHungUp):
            self.ended = True
        self.apply(list(commands), list(twin_commands))

    @rule(seconds=st.sampled_from([0.0, 0.5, 2.0, 5.0, 30.0]))
    def time_passes(self, seconds: float) -> None:
        self.now += seconds
        twin = Session.from_dict(self.flow, self.twin_state)
        commands = self.session.advance(self.now)
        self.apply(list(commands), list(twin.advance(self.now)))

    @rule(keys=st.text(alphabet="0123456789*#", min_size=1, max_size=13))
    def press(self, keys: str) -> None:
        if self.session.phase == "input":
            self.plays = 0  # barge-in stops the prompt
        self.step(DigitsPressed(digits=keys), legal=not self.ended)

    @rule()
    def prompt_finished(self) -> None:
        phase = self.session.phase
        legal = (
            not self.ended
            and phase in ("play", "input", "record")
            and not (phase == "record" and self.plays == 0)
        )
        if legal and self.plays:
            self.plays -= 1
        self.step(PromptFinished(), legal=legal)

    @rule(kind=st.sampled_from(["answer", "not_found", "fail", "stale"]))
    def host_replies(self, kind: str) -> None:
        waiting = not self.ended and self.session.phase == "host"
        request = self.ask.request if self.ask else 0
        if kind == "stale":
            self.step(HostNotFound(request=request + 1), legal=False)
        elif kind == "answer":
            self.step(HostAnswered(request=request, values={"status": "ok"}), legal=waiting)
        elif kind == "not_found":
            self.step(HostNotFound(request=request), legal=waiting)
        else:
            self.step(HostFailed(request=request), legal=waiting)

    @rule(seconds=st.sampled_from([0.0, 15.0]))
    def recording_finished(self, seconds: float) -> None:
        legal = not self.ended and self.session.phase == "record" and self.plays == 0
        self.step(RecordingFinished(reference="r", seconds=seconds), legal=legal)

    @precondition(lambda self: not self.ended)
    @rule()
    def hang_up(self) -> None:
        self.step(CallerHungUp(), legal=True)

    @invariant()
    def model_agrees(self) -> None:
        assert self.session.ended == self.ended
        entered = sum(isinstance(e, NodeEntered) for e in self.events)
        assert entered == self.session.steps <= self.flow.max_steps
        if self.ended:
            assert isinstance(self.events[-1], SessionEnded)
            assert self.session.next_deadline() is None
            check_events(self.events, max_steps=self.flow.max_steps)  # type: ignore[arg-type]

    @invariant()
    def state_stays_small(self) -> None:
        assert len(json.dumps(self.session.to_dict(), ensure_ascii=False).encode()) < 1024


SessionMachine.TestCase.settings = settings(max_examples=100, stateful_step_count=40)
TestSessionMachine = SessionMachine.TestCase


@settings(max_examples=60)
@given(
    calendar=business_calendars(),
    offsets=st.lists(st.integers(min_value=0, max_value=60 * 86_400), min_size=1, max_size=30),
)
def test_hours_nodes_agree_with_the_calendar(
    calendar: BusinessCalendar, offsets: list[int]
) -> None:
    flow = (
        FlowBuilder("h", start="hours")
        .calendar("c", calendar)
        .hours("hours", calendar="c", open="in", closed="out")
        .hangup("in")
        .hangup("out")
        .build()
    )
    base = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC).timestamp()
    # Calls in any order: the stretch the engine remembers must never answer wrongly.
    for offset in offsets:
        now = base + offset
        session = Session(flow, session_id="h")
        session.begin(now)
        assert session.node == ("in" if calendar.is_open(now) else "out")


@settings(max_examples=100)
@given(keys=st.text(alphabet="0123456789*#", min_size=1, max_size=30))
def test_keys_fed_together_or_one_by_one_give_the_same_call(keys: str) -> None:
    flow = (
        FlowBuilder("c", start="ask", on_error="agent")
        .prompt("p", zh="请输入")
        .collect(
            "ask",
            prompt="p",
            store="v",
            next="done",
            min_digits=3,
            max_digits=8,
            keys={"0": "agent"},
        )
        .enqueue("done", queue="q")
        .enqueue("agent", queue="general")
        .build()
    )
    together = Session(flow, session_id="t")
    together.begin(0.0)
    batch = together.handle(DigitsPressed(digits=keys), 1.0)
    apart = Session(flow, session_id="t")
    apart.begin(0.0)
    single: list[object] = []
    for key in keys:
        if apart.ended:
            break
        single += apart.handle(DigitsPressed(digits=key), 1.0)
    assert together.to_dict() == apart.to_dict()
    assert together.take_events() == apart.take_events()
    # The batch returns only what is still in force: the hand-off (if any), the
    # prompts after the last key that interrupted one, and the last Listen.
    assert [c for c in batch if not isinstance(c, Play | Listen)] == [
        c for c in single if not isinstance(c, Play | Listen)
    ]
    plays = [c for c in batch if isinstance(c, Play)]
    if plays:
        assert plays == [c for c in single if isinstance(c, Play)][-len(plays) :]
    listens = [c for c in batch if isinstance(c, Listen)]
    assert len(listens) <= 1
    if listens:
        assert listens == [c for c in single if isinstance(c, Listen)][-1:]
        assert not together.ended


@settings(max_examples=200)
@given(flow=random_flows(every_kind=True))
def test_the_validator_predicts_what_a_silent_caller_meets(flow: Flow) -> None:
    report = check_flow(flow)
    caller = ScriptedCaller(flow, now=0.0)
    caller.wait_until_end(limit=1e6)
    assert caller.session.ended
    check_events(caller.events, max_steps=flow.max_steps)
    loops = [p for p in report.errors if "loops forever" in p.message or "dead end" in p.message]
    if caller.session.result is SessionResult.ERROR:
        # Only the step guard stops a silent caller: the validator saw the loop.
        assert loops, caller.path
    if not loops:
        assert caller.session.result is not SessionResult.ERROR
    if caller.session.result is SessionResult.ENQUEUED:
        assert report.best_seconds is not None
        assert report.worst_seconds is not None
        ended = caller.events[-1]
        assert isinstance(ended, SessionEnded)
        elapsed = ended.at
        assert report.best_seconds <= elapsed + 1e-6
        if report.exact:
            assert elapsed <= report.worst_seconds + 1e-6


JSONISH = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-3, max_value=7),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=6),
    st.lists(st.sampled_from(["main", "track", "nowhere"]), max_size=3),
    st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=2),
)


@settings(max_examples=200)
@given(
    key=st.sampled_from(
        [
            "v",
            "f",
            "n",
            "p",
            "a",
            "t",
            "pl",
            "b",
            "c",
            "i",
            "m",
            "s",
            "k",
            "d",
            "r",
            "sn",
            "x",
            "g",
            "res",
            "l",
        ]
    ),
    value=JSONISH,
    keys=st.text(alphabet="0123456789*#", min_size=1, max_size=5),
)
def test_a_tampered_state_is_refused_or_runs_without_crashing(
    key: str, value: object, keys: str
) -> None:
    flow = FLOWS["tianjin-400"]
    caller = ScriptedCaller(flow, now=STARTS[0])
    caller.press("1")
    state = {**caller.session.to_dict(), key: value}
    try:
        session = Session.from_dict(flow, state)
    except CallCenterError:
        return
    # Whatever was accepted must behave: typed errors only, and the call can end.
    now = STARTS[0] + 100
    for event in (DigitsPressed(digits=keys), PromptFinished(), CallerHungUp()):
        try:
            session.handle(event, now)
            session.advance(now + 60)
        except CallCenterError:
            pass
        now += 100


@RANDOM_CALLERS
@given(flow=random_flows(every_kind=True), script=caller_scripts())
def test_any_caller_on_any_flow_ends_with_well_formed_events(
    flow: Flow, script: list[tuple[str, str]]
) -> None:
    caller = run_script(flow, script)  # checks the end and the events itself
    assert caller.session.steps <= flow.max_steps
    restored = Session.from_dict(flow, caller.session.to_dict())
    assert restored.result is caller.session.result


ANY_EVENT = st.one_of(
    st.builds(DigitsPressed, digits=st.text(max_size=6)),
    st.builds(SpeechHeard, text=st.text(max_size=6)),
    st.builds(PromptFinished),
    st.builds(CallerHungUp),
    st.builds(
        HostAnswered,
        request=st.integers(min_value=-1, max_value=3),
        values=st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=2),
    ),
    st.builds(HostNotFound, request=st.integers(min_value=-1, max_value=3)),
    st.builds(HostFailed, request=st.integers(min_value=-1, max_value=3)),
    st.builds(
        RecordingFinished,
        reference=st.text(max_size=3),
        seconds=st.floats(allow_nan=True, allow_infinity=True),
    ),
)


@settings(max_examples=200)
@given(
    name=st.sampled_from(sorted(FLOWS)),
    start=st.sampled_from(STARTS),
    steps=st.lists(
        st.tuples(ANY_EVENT, st.floats(min_value=-5, max_value=60) | st.just(float("nan"))),
        max_size=15,
    ),
)
def test_any_event_at_any_time_is_handled_or_refused_without_a_trace(
    name: str, start: float, steps: list[tuple[object, float]]
) -> None:
    flow = FLOWS[name]
    session = Session(flow, session_id="any", caller="13800138000", dialled="400")
    session.begin(start)
    now = start
    for event, delta in steps:
        before = session.to_dict()
        session.take_events()
        try:
            session.handle(event, now + delta)  # type: ignore[arg-type]
        except CallCenterError:
            assert session.to_dict() == before
            assert session.take_events() == []
        else:
            now += delta
