"""The adapter conformance kit: scripted calls that an adapter replays through its wire.

An adapter (Twilio, Asterisk, SIP, your own) translates its telephony's wire into
hotline inputs and the hotline's outputs back into the wire, and nothing more. The
kit proves it does so faithfully. Each :class:`Script` is a call of the Tianjin 400
hotline told as hotline inputs at given times, with the outputs that must come back.
The adapter's author implements :class:`Telephony` in the adapter's tests: encode an
input as the wire would carry it, let the adapter handle it, decode what the adapter
put on the wire back into outputs. :func:`run_conformance` replays every script through
it and through a plain :class:`~callcenter.hotline.Hotline` side by side, and reports
each step where the two differ, where an expected output did not come, or where the
adapter's next deadline is not the hotline's::

    report = run_conformance(lambda hotline: MyWireHarness(hotline))
    assert report.ok, report

:class:`DirectTelephony` is the reference implementation: it hands every input to the
hotline unchanged, so it passes the kit by construction.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol

import attrs

from ..errors import CallCenterError
from ..hotline import (
    AgentLegAnswered,
    AgentLegEnded,
    AgentLegRinging,
    AgentLoggedIn,
    AgentNotReady,
    AgentReady,
    AnswerCall,
    CallArrived,
    CallCommand,
    CallInput,
    ConnectAgent,
    ContactFinished,
    EndCall,
    HoldCaller,
    Hotline,
    HotlineDefinition,
    HotlineInput,
    HotlineOutput,
    RejectCall,
    RingAgent,
    StopRinging,
    TicketUpdate,
)
from ..ivr import (
    AskHost,
    CallerHungUp,
    DigitsPressed,
    HangUp,
    HostAnswered,
    HostNotFound,
    Listen,
    Play,
    PromptFinished,
    Record,
    RecordingFinished,
)
from ._tianjin import TIANJIN_BLOCKED, TIANJIN_LINE, TIANJIN_VIP, tianjin_hotline, tianjin_time

__all__ = [
    "ConformanceReport",
    "DirectTelephony",
    "Drivable",
    "Expect",
    "HostReply",
    "Script",
    "ScriptResult",
    "Step",
    "StepDifference",
    "Telephony",
    "check_script",
    "expect",
    "run_conformance",
    "tianjin_scripts",
]


class Drivable(Protocol):
    """What the kit needs of a hotline: :class:`~callcenter.hotline.Hotline` has it."""

    def handle(self, item: HotlineInput, now: float) -> Sequence[HotlineOutput]:
        """Handle one input at ``now``; return the outputs."""

    def advance(self, now: float) -> Sequence[HotlineOutput]:
        """Fire every timer due by ``now``; return the outputs."""

    def next_deadline(self) -> float | None:
        """The time of the next timer, or ``None``."""


class Telephony(Protocol):
    """An adapter under test, seen from the telephony side.

    The adapter's test harness implements it around the adapter and the hotline the
    kit gives it: :meth:`handle` encodes ``item`` the way the telephony (or the agent's
    desktop, or the host) would send it over the wire, lets the adapter turn that
    back into a hotline input and call the hotline, and decodes every output the
    adapter sent back over the wire (or to the host) into hotline outputs, in the
    order the adapter produced them. Call and agent ids are the kit's on both sides:
    a harness whose wire renames them maps them back.
    """

    def handle(self, item: HotlineInput, now: float) -> Sequence[HotlineOutput]:
        """Carry ``item`` over the wire at ``now``; return the outputs the wire carried."""

    def advance(self, now: float) -> Sequence[HotlineOutput]:
        """Let the adapter's timer fire at ``now``; return the outputs the wire carried."""

    def next_deadline(self) -> float | None:
        """When the adapter will next wake the hotline (its scheduled timer), or ``None``."""


AdapterFactory = Callable[[Drivable], Telephony]
"""Builds the adapter's :class:`Telephony` around the hotline the kit made."""


class DirectTelephony:
    """The identity adapter: inputs go to the hotline unchanged, outputs come back as is.

    The reference implementation of :class:`Telephony`, and the loop every adapter
    runs: hand the input to the hotline, pass its outputs on (none when the hotline
    refuses the input: a real adapter answers its wire with an error there), ask it
    for its next deadline.

    Args:
        hotline: The hotline to drive.
    """

    def __init__(self, hotline: Drivable) -> None:
        self.hotline = hotline

    def handle(self, item: HotlineInput, now: float) -> Sequence[HotlineOutput]:
        """Hand ``item`` to the hotline; an input it refuses gives no output."""
        try:
            return list(self.hotline.handle(item, now))
        except CallCenterError:
            return []

    def advance(self, now: float) -> Sequence[HotlineOutput]:
        """Bring the hotline up to ``now``."""
        return list(self.hotline.advance(now))

    def next_deadline(self) -> float | None:
        """The hotline's next deadline."""
        return self.hotline.next_deadline()


# --------------------------------------------------------------------------- expectations


@attrs.frozen
class Expect:
    """An expected output: its type, and the fields that must have given values.

    A field's expected value may itself be an :class:`Expect` (the IVR command inside a
    :class:`~callcenter.hotline.CallCommand`); fields not named may have any value.
    Build one with :func:`expect`.

    Attributes:
        kind: The output's class.
        fields: Field name to expected value.
    """

    kind: type
    fields: Mapping[str, object] = attrs.field(factory=dict)

    def matches(self, value: object) -> bool:
        """Whether ``value`` is of :attr:`kind` with every named field as expected."""
        if type(value) is not self.kind:
            return False
        for name, wanted in self.fields.items():
            got = getattr(value, name, _MISSING)
            if isinstance(wanted, Expect):
                if not wanted.matches(got):
                    return False
            elif got != wanted:
                return False
        return True

    def __str__(self) -> str:
        inner = ", ".join(f"{name}={_text(value)}" for name, value in self.fields.items())
        return f"{self.kind.__name__}({inner})"


_MISSING = object()


def _text(value: object) -> str:
    return str(value) if isinstance(value, Expect) else repr(value)


def expect(kind: type, **fields: object) -> Expect:
    """An :class:`Expect` for an output of ``kind`` with the given field values.

    >>> from callcenter.hotline import CallCommand
    >>> from callcenter.ivr import Play
    >>> str(expect(CallCommand, call_id="c1", command=expect(Play, prompt="welcome")))
    "CallCommand(call_id='c1', command=Play(prompt='welcome'))"
    """
    return Expect(kind, dict(fields))


@attrs.frozen(kw_only=True)
class HostReply:
    """The host's answer to the call's pending lookup, in a script.

    The kit turns it into :class:`~callcenter.ivr.HostAnswered` (or
    :class:`~callcenter.ivr.HostNotFound` when ``found`` is false) quoting the
    request number of the last :class:`~callcenter.ivr.AskHost` the hotline sent
    for the call, and feeds that as a :class:`~callcenter.hotline.CallInput`.

    Attributes:
        call_id: The call whose lookup is answered.
        values: The values found.
        found: Whether anything was found.
    """

    call_id: str
    values: Mapping[str, str] = attrs.field(factory=dict)
    found: bool = True


@attrs.frozen(kw_only=True)
class Step:
    """One moment of a script: an input at a time (or only time passing), and what follows.

    Attributes:
        at: When, in POSIX seconds.
        input: What happens (a hotline input, or a :class:`HostReply`), or ``None``
            when only the clock moves to :attr:`at` (the adapter's timer fires).
        expect: Outputs that must come back, in this order (others may come between).
        forbid: Outputs that must not come back.
        note: What the step is, in words, for the report.
        refused: The hotline refuses the input (a late or stray message of the
            wire): the adapter must survive it, answer its wire as its protocol
            says (an error reply, a log line) and pass no output on; the script
            goes on as if the input had never come.
    """

    at: float
    input: HotlineInput | HostReply | None = None
    expect: tuple[Expect, ...] = ()
    forbid: tuple[Expect, ...] = ()
    note: str = ""
    refused: bool = False


@attrs.frozen(kw_only=True)
class Script:
    """A scripted call (or a few) on a hotline.

    Attributes:
        name: A short name (``"waybill-self-service"``).
        description: What the call is about, in words.
        steps: The steps, in time order.
    """

    name: str
    description: str
    steps: tuple[Step, ...]


# --------------------------------------------------------------------------- reports


@attrs.frozen(kw_only=True)
class StepDifference:
    """Where an adapter did not do what the script or the hotline said.

    Attributes:
        script: The script's name.
        step: The step's index in the script (0-based).
        note: The step's note.
        message: What differed: expected and got.
    """

    script: str
    step: int
    note: str
    message: str

    def __str__(self) -> str:
        return f"{self.script} step {self.step} ({self.note}): {self.message}"


@attrs.frozen(kw_only=True)
class ScriptResult:
    """The outcome of one script.

    Attributes:
        script: The script's name.
        differences: What differed, in step order; empty when the adapter passed.
        steps: How many steps ran (an input the hotline refuses unexpectedly, or an
            adapter's error, stops the script).
    """

    script: str
    differences: tuple[StepDifference, ...]
    steps: int

    @property
    def ok(self) -> bool:
        """Whether the adapter passed this script."""
        return not self.differences


@attrs.frozen(kw_only=True)
class ConformanceReport:
    """The outcome of the whole kit: one :class:`ScriptResult` per script.

    Attributes:
        results: The scripts' results, in the order run.
    """

    results: tuple[ScriptResult, ...]

    @property
    def ok(self) -> bool:
        """Whether the adapter passed every script."""
        return all(result.ok for result in self.results)

    @property
    def differences(self) -> tuple[StepDifference, ...]:
        """Every difference of every script."""
        return tuple(d for result in self.results for d in result.differences)

    def __str__(self) -> str:
        lines = []
        for result in self.results:
            verdict = "ok" if result.ok else f"FAILED ({len(result.differences)})"
            lines.append(f"{result.script}: {verdict}")
            lines += [f"  {difference}" for difference in result.differences]
        return "\n".join(lines)


# --------------------------------------------------------------------------- running


def _resolve(item: HotlineInput | HostReply, asked: Mapping[str, int]) -> HotlineInput:
    if not isinstance(item, HostReply):
        return item
    request = asked.get(item.call_id, 0)
    event = (
        HostAnswered(request=request, values=dict(item.values))
        if item.found
        else HostNotFound(request=request)
    )
    return CallInput(call_id=item.call_id, event=event)


def _short(value: object, limit: int = 160) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 4] + "...)"


def _first_difference(got: Sequence[object], want: Sequence[object]) -> str:
    for index, (mine, theirs) in enumerate(zip(got, want, strict=False)):
        if mine != theirs:
            if list(got[index:]) == list(want[index + 1 :]):
                return f"output {index}: the adapter lost {_short(theirs)}"
            if list(got[index + 1 :]) == list(want[index:]):
                return f"output {index}: the adapter added {_short(mine)}"
            return f"output {index}: the adapter gave {_short(mine)}, the hotline {_short(theirs)}"
    if len(got) > len(want):
        extra = len(got) - len(want)
        return f"the adapter added {extra} output(s), from {_short(got[len(want)])}"
    lost = len(want) - len(got)
    return f"the adapter lost {lost} output(s), from {_short(want[len(got)])}"


def _expectation_problems(step: Step, got: Sequence[object]) -> list[str]:
    problems = []
    position = 0
    for wanted in step.expect:
        while position < len(got) and not wanted.matches(got[position]):
            position += 1
        if position == len(got):
            kinds = ", ".join(type(o).__name__ for o in got) or "nothing"
            problems.append(f"expected {wanted} (in this order), got {kinds}")
            break
        position += 1
    for banned in step.forbid:
        problems += [f"{banned} must not come, got {_short(o)}" for o in got if banned.matches(o)]
    return problems


def check_script(
    script: Script,
    adapter_factory: AdapterFactory,
    *,
    definition: HotlineDefinition | None = None,
    hotline_factory: Callable[[HotlineDefinition], Drivable] | None = None,
    compare: Callable[[HotlineOutput], object] | None = None,
) -> ScriptResult:
    """Replay one script through the adapter and through a plain hotline, step by step.

    At each step the adapter's outputs must equal the plain hotline's (same outputs,
    same order), contain the step's expected outputs, none of its forbidden ones,
    and the adapter's next deadline must be the hotline's. A step whose input the
    hotline refuses, or where the adapter raises, ends the script with a difference.

    Args:
        script: The script.
        adapter_factory: Builds the adapter's :class:`Telephony` around a hotline.
        definition: The hotline the script calls (default: :func:`tianjin_hotline`).
        hotline_factory: Builds a hotline from the definition (default:
            :class:`~callcenter.hotline.Hotline`).
        compare: What of an output the wire carries: the adapter's outputs and the
            hotline's are compared through it (default: the whole output). A wire
            that cannot carry every field (a TwiML ``<Say>`` has no IVR node name)
            gives a function that keeps the fields it carries; expectations are
            still checked on the adapter's outputs as they came.

    Returns:
        The differences found, each with its step.
    """
    definition = tianjin_hotline() if definition is None else definition
    if hotline_factory is None:
        hotline_factory = Hotline
    reference = hotline_factory(definition)
    adapter = adapter_factory(hotline_factory(definition))
    asked: dict[str, int] = {}
    found: list[StepDifference] = []
    ran = 0

    def differ(index: int, step: Step, message: str) -> None:
        found.append(
            StepDifference(script=script.name, step=index, note=step.note, message=message)
        )

    for index, step in enumerate(script.steps):
        ran = index + 1
        item = None if step.input is None else _resolve(step.input, asked)
        try:
            want = list(
                reference.advance(step.at) if item is None else reference.handle(item, step.at)
            )
        except CallCenterError as error:
            if not step.refused:
                differ(index, step, f"the hotline refused the step's input: {error}")
                break
            want = []
        else:
            if step.refused:
                differ(index, step, "the hotline took an input the script says it refuses")
                break
        try:
            got = list(adapter.advance(step.at) if item is None else adapter.handle(item, step.at))
        except Exception as error:  # any failure of the adapter is reported
            differ(index, step, f"the adapter raised {type(error).__name__}: {error}")
            break
        for output in want:
            if type(output) is CallCommand and type(output.command) is AskHost:
                asked[output.call_id] = output.command.request
        if compare is None:
            if got != want:
                differ(index, step, _first_difference(got, want))
        else:
            seen, wanted = [compare(o) for o in got], [compare(o) for o in want]
            if seen != wanted:
                differ(index, step, _first_difference(seen, wanted))
        for problem in _expectation_problems(step, got):
            differ(index, step, problem)
        mine, theirs = adapter.next_deadline(), reference.next_deadline()
        close = mine is not None and theirs is not None and _close(mine, theirs)
        if mine != theirs and not close:
            differ(index, step, f"next deadline: the adapter says {mine}, the hotline {theirs}")
    return ScriptResult(script=script.name, differences=tuple(found), steps=ran)


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=0.0, abs_tol=1e-6)


def run_conformance(
    adapter_factory: AdapterFactory,
    *,
    scripts: Iterable[Script] | None = None,
    definition: HotlineDefinition | None = None,
    hotline_factory: Callable[[HotlineDefinition], Drivable] | None = None,
    compare: Callable[[HotlineOutput], object] | None = None,
) -> ConformanceReport:
    """Replay every script (default: :func:`tianjin_scripts`) through the adapter.

    Args:
        adapter_factory: Builds the adapter's :class:`Telephony` around a hotline;
            called twice per script, never shared between scripts.
        scripts: The scripts to run.
        definition: The hotline the scripts call (default: :func:`tianjin_hotline`).
        hotline_factory: Builds a hotline from the definition (default:
            :class:`~callcenter.hotline.Hotline`).
        compare: What of an output the wire carries (see :func:`check_script`).

    Returns:
        The report; ``report.ok`` is true when the adapter passed every script, and
        ``str(report)`` lists each difference with its script and step.
    """
    chosen = tianjin_scripts() if scripts is None else tuple(scripts)
    return ConformanceReport(
        results=tuple(
            check_script(
                script,
                adapter_factory,
                definition=definition,
                hotline_factory=hotline_factory,
                compare=compare,
            )
            for script in chosen
        )
    )


# --------------------------------------------------------------------------- the scripts


def _say(call_id: str, prompt: str) -> Expect:
    return expect(CallCommand, call_id=call_id, command=expect(Play, prompt=prompt))


def _command(call_id: str, kind: type, **fields: Any) -> Expect:
    return expect(CallCommand, call_id=call_id, command=expect(kind, **fields))


def _keys(call_id: str, digits: str) -> CallInput:
    return CallInput(call_id=call_id, event=DigitsPressed(digits=digits))


def _played(call_id: str) -> CallInput:
    return CallInput(call_id=call_id, event=PromptFinished())


def _login(at: float, *agents: str) -> list[Step]:
    return [
        Step(at=at, input=AgentLoggedIn(agent_id=agent), note=f"{agent} logs in")
        for agent in agents
    ]


def _arrive(at: float, call_id: str, caller: str, *expected: Expect) -> Step:
    return Step(
        at=at,
        input=CallArrived(call_id=call_id, line=TIANJIN_LINE, caller=caller),
        expect=(expect(AnswerCall, call_id=call_id), _say(call_id, "welcome"), *expected),
        note=f"{caller} calls the hotline",
    )


def _finished(call_id: str) -> Expect:
    return expect(ContactFinished, call_id=call_id)


def _waybill() -> Script:
    t = tianjin_time(10)
    c = "waybill"
    return Script(
        name="waybill-self-service",
        description="A caller enters a waybill number, hears its status and hangs up "
        "happy: the call ends in the IVR (contained), no agent involved.",
        steps=(
            _arrive(t, c, "13800138000", _command(c, Listen)),
            Step(
                at=t + 3,
                input=_keys(c, "1"),
                expect=(_say(c, "enter_waybill"),),
                note="presses 1: waybill enquiry",
            ),
            Step(
                at=t + 12,
                input=_keys(c, "123456789012#"),
                expect=(_command(c, AskHost, query="waybill_status"),),
                note="enters the waybill number",
            ),
            Step(
                at=t + 12.5,
                input=HostReply(call_id=c, values={"status": "在途", "location": "天津分拨中心"}),
                expect=(_say(c, "waybill_status"),),
                note="the host finds the waybill",
            ),
            Step(
                at=t + 20,
                input=_played(c),
                expect=(_say(c, "after_status"),),
                note="the status has been read out",
            ),
            Step(
                at=t + 23,
                input=_keys(c, "9"),
                expect=(_say(c, "thanks"),),
                note="presses 9: done",
            ),
            Step(
                at=t + 25,
                input=_played(c),
                expect=(_finished(c),),
                forbid=(expect(RingAgent),),
                note="the goodbye has played; the flow hangs up",
            ),
        ),
    )


def _vip() -> Script:
    t = tianjin_time(10)
    c = "vip"
    return Script(
        name="vip-dedicated-agent-with-fallback",
        description="A VIP customer asks for an agent. Their dedicated agent, enquiry-1, "
        "is offered the call first; they are busy with another caller and the call "
        "waits for them only 30 seconds, then goes to enquiry-2.",
        steps=(
            *_login(t - 600, "enquiry-1"),
            _arrive(t - 60, "other", "13800000001"),
            Step(at=t - 57, input=_keys("other", "1"), note="the other caller presses 1"),
            Step(
                at=t - 54,
                input=_keys("other", "0"),
                expect=(expect(RingAgent, call_id="other", agent_id="enquiry-1"),),
                note="the other caller asks for an agent: enquiry-1 rings",
            ),
            Step(
                at=t - 52,
                input=AgentLegAnswered(call_id="other", agent_id="enquiry-1"),
                expect=(expect(ConnectAgent, call_id="other", agent_id="enquiry-1"),),
                note="enquiry-1 answers the other caller",
            ),
            *_login(t - 30, "enquiry-2"),
            Step(
                at=t - 20,
                input=AgentNotReady(agent_id="enquiry-2", reason="break"),
                note="enquiry-2 steps away",
            ),
            _arrive(t, c, TIANJIN_VIP),
            Step(at=t + 3, input=_keys(c, "1"), note="the VIP presses 1"),
            Step(
                at=t + 5,
                input=_keys(c, "0"),
                expect=(expect(HoldCaller, call_id=c, queue="tracking"),),
                forbid=(expect(RingAgent),),
                note="the VIP asks for an agent; enquiry-1 is busy, the call waits",
            ),
            Step(
                at=t + 10,
                input=AgentReady(agent_id="enquiry-2"),
                forbid=(expect(RingAgent),),
                note="enquiry-2 is back, but the call is still only for enquiry-1",
            ),
            Step(
                at=t + 40,
                expect=(expect(RingAgent, call_id=c, agent_id="enquiry-2"),),
                note="30 seconds later the call may go to anyone: enquiry-2 rings",
            ),
            Step(
                at=t + 42,
                input=AgentLegAnswered(call_id=c, agent_id="enquiry-2"),
                expect=(expect(ConnectAgent, call_id=c, agent_id="enquiry-2"),),
                note="enquiry-2 answers",
            ),
            Step(
                at=t + 160,
                input=AgentLegEnded(call_id=c, agent_id="enquiry-2"),
                expect=(expect(EndCall, call_id=c),),
                note="enquiry-2 hangs up and starts wrap-up",
            ),
            Step(
                at=t + 175,
                expect=(_finished(c),),
                note="wrap-up (15 s in the tracking queue) is over: the record is complete",
            ),
        ),
    )


def _complaint() -> Script:
    t = tianjin_time(11)
    c = "complaint"
    return Script(
        name="complaint-opens-ticket",
        description="A caller presses 3 for complaints; business-1 takes the call and, "
        "hanging up, reports the outcome 'complaint': a complaint ticket opens.",
        steps=(
            *_login(t - 300, "business-1"),
            _arrive(t, c, "13700000002"),
            Step(
                at=t + 4,
                input=_keys(c, "3"),
                expect=(expect(RingAgent, call_id=c, agent_id="business-1", endpoint="8101"),),
                note="presses 3: complaints; business-1's phone rings",
            ),
            Step(
                at=t + 5,
                input=AgentLegRinging(call_id=c, agent_id="business-1"),
                note="the phone rings",
            ),
            Step(
                at=t + 8,
                input=AgentLegAnswered(call_id=c, agent_id="business-1"),
                expect=(expect(ConnectAgent, call_id=c, agent_id="business-1"),),
                note="business-1 answers",
            ),
            Step(
                at=t + 200,
                input=AgentLegEnded(
                    call_id=c,
                    agent_id="business-1",
                    outcome="complaint",
                    fields={"description": "parcel delivered two days late"},
                ),
                expect=(expect(TicketUpdate, call_id=c), expect(EndCall, call_id=c)),
                note="business-1 hangs up, outcome 'complaint': a ticket opens",
            ),
            Step(
                at=t + 230,
                expect=(_finished(c),),
                note="wrap-up (30 s in the complaints queue) is over: the record is complete",
            ),
        ),
    )


def _hang_up_queued() -> Script:
    t = tianjin_time(12)
    c = "impatient"
    return Script(
        name="caller-hangs-up-while-queued",
        description="Nobody is logged in to the business group; a caller who wants to "
        "place an order waits, then hangs up: the contact is abandoned.",
        steps=(
            _arrive(t, c, "13600000003"),
            Step(
                at=t + 3,
                input=_keys(c, "2"),
                expect=(expect(HoldCaller, call_id=c, queue="orders"),),
                forbid=(expect(RingAgent),),
                note="presses 2: orders; the call waits",
            ),
            Step(
                at=t + 95,
                input=CallInput(call_id=c, event=CallerHungUp()),
                expect=(_finished(c),),
                forbid=(expect(RingAgent),),
                note="the caller gives up",
            ),
        ),
    )


def _missed_ring() -> Script:
    t = tianjin_time(14)
    c = "missed"
    return Script(
        name="agent-misses-the-ring",
        description="enquiry-2 does not pick up within the queue's 20-second ring "
        "timeout: the offer is taken back and enquiry-3 gets the call.",
        steps=(
            *_login(t - 120, "enquiry-2"),
            *_login(t - 60, "enquiry-3"),
            _arrive(t, c, "13500000004"),
            Step(at=t + 3, input=_keys(c, "1"), note="presses 1"),
            Step(
                at=t + 6,
                input=_keys(c, "0"),
                expect=(expect(RingAgent, call_id=c, agent_id="enquiry-2", timeout=20.0),),
                note="asks for an agent: enquiry-2, idle longest, rings",
            ),
            Step(
                at=t + 7,
                input=AgentLegRinging(call_id=c, agent_id="enquiry-2"),
                note="the phone rings",
            ),
            Step(
                at=t + 26,
                expect=(
                    expect(StopRinging, call_id=c, agent_id="enquiry-2"),
                    expect(RingAgent, call_id=c, agent_id="enquiry-3"),
                ),
                note="20 seconds without an answer: the offer moves to enquiry-3",
            ),
            Step(
                at=t + 27,
                input=AgentLegAnswered(call_id=c, agent_id="enquiry-2"),
                refused=True,
                note="enquiry-2 picks up a second too late: refused, nothing changes",
            ),
            Step(
                at=t + 28,
                input=AgentLegAnswered(call_id=c, agent_id="enquiry-3"),
                expect=(expect(ConnectAgent, call_id=c, agent_id="enquiry-3"),),
                note="enquiry-3 answers",
            ),
            Step(
                at=t + 100,
                input=CallInput(call_id=c, event=CallerHungUp()),
                expect=(expect(EndCall, call_id=c),),
                note="the caller hangs up after talking",
            ),
            Step(
                at=t + 115,
                expect=(_finished(c),),
                note="wrap-up is over: the record is complete",
            ),
        ),
    )


def _night() -> Script:
    t = tianjin_time(22)
    c = "night"
    return Script(
        name="night-voicemail",
        description="At 22:00 the hotline is closed: the caller hears the closed "
        "message, leaves a voicemail, and a callback ticket opens.",
        steps=(
            Step(
                at=t,
                input=CallArrived(call_id=c, line=TIANJIN_LINE, caller="13400000005"),
                expect=(expect(AnswerCall, call_id=c), _say(c, "closed")),
                forbid=(_say(c, "welcome"),),
                note="a call at 22:00: the closed message",
            ),
            Step(
                at=t + 8,
                input=_played(c),
                expect=(_command(c, Record, mailbox="voicemail-tianjin"),),
                note="the message has played: the recording starts",
            ),
            Step(
                at=t + 40,
                input=CallInput(
                    call_id=c, event=RecordingFinished(reference="vm-0001", seconds=28.0)
                ),
                expect=(_say(c, "thanks"),),
                note="the message is recorded",
            ),
            Step(
                at=t + 43,
                input=_played(c),
                expect=(expect(TicketUpdate, call_id=c), _finished(c)),
                note="the goodbye has played: a callback ticket opens, the call ends",
            ),
        ),
    )


def _blocked() -> Script:
    t = tianjin_time(15)
    c = "blocked"
    return Script(
        name="blocked-caller",
        description="A caller on the block list is refused without being answered.",
        steps=(
            Step(
                at=t,
                input=CallArrived(call_id=c, line=TIANJIN_LINE, caller=TIANJIN_BLOCKED),
                expect=(expect(RejectCall, call_id=c),),
                forbid=(expect(AnswerCall), _command(c, Play), _command(c, HangUp)),
                note="the blocked number calls",
            ),
        ),
    )


def tianjin_scripts() -> tuple[Script, ...]:
    """The kit's scripted calls on :func:`tianjin_hotline`.

    Waybill enquiry in self-service; a VIP caller to their dedicated agent with a
    fallback; a complaint to an agent who opens a ticket; a caller who hangs up while
    queued; an agent who misses the ring; a night call to voicemail; a blocked caller.
    """
    return (
        _waybill(),
        _vip(),
        _complaint(),
        _hang_up_queued(),
        _missed_ring(),
        _night(),
        _blocked(),
    )
