"""``callcenter hotline try``: a hotline in the terminal, you being the callers and the agents.

A line-oriented session on a virtual clock: each line typed is one command (a call
arrives, the caller presses keys or hangs up, an agent logs in, answers, declines or
hangs up, the clock moves on), and every output the hotline returns is printed as the
command the telephony side would receive; prompts play to their end as the clock
moves (``wait``), or at once with ``played``. ``board`` shows the hotline's own view of
its live calls and agents. Reading from any text stream and writing to another, it
is tested by feeding it lines; bad input gets a message, never a traceback.
"""

from __future__ import annotations

import argparse
import datetime
import shlex
import sys
import zoneinfo
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TextIO, assert_never

import attrs

from ..errors import CallCenterError
from ..ivr import (
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
    RequestCallback,
    SpeechHeard,
    Transfer,
)
from ..ivr import Command as IvrCommand
from ..metrics import format_wallboard
from ._contract import (
    AgentLegAnswered,
    AgentLegDeclined,
    AgentLegEnded,
    AgentLoggedIn,
    AgentLoggedOut,
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
    HotlineInput,
    HotlineOutput,
    RejectCall,
    RingAgent,
    StopRinging,
    TicketUpdate,
    TransferCall,
    WrapUpDone,
)
from ._definition import HotlineDefinition
from ._document import check_hotline, load_hotline
from ._rules import CallPhase
from ._runtime import Hotline

__all__ = ["TrySession", "add_try", "describe_output"]

_LINE_LIMIT = 4096
_KEYS = set("0123456789*#")

HELP = """\
commands (CALL defaults to the last call; times are seconds on a virtual clock):
  call [NUMBER] [LINE]     a call arrives from NUMBER on LINE (default: the first line)
  press KEYS [CALL]        the caller presses keys (0-9 * #)
  speak TEXT...            the caller says something (speech recognition result)
  played [CALL]            the prompt has finished playing (else it ends by itself)
  recorded [SECONDS] [CALL]
                           the caller's message is recorded
  host KEY=VALUE... | host nf | host fail [CALL]
                           the host answers the call's lookup (found, not found, failed)
  hangup [CALL]            the caller hangs up
  login AGENT              an agent signs in, ready
  ready AGENT | break AGENT [REASON] | logout AGENT | wrapped AGENT
                           an agent's presence
  answer AGENT [CALL]      the agent picks up the call ringing them
  decline AGENT [CALL]     the agent refuses the call ringing them
  end AGENT [OUTCOME] [NAME=VALUE...] [CALL]
                           the agent hangs up; OUTCOME (e.g. complaint) may open a
                           ticket with the fields given (description="late parcel")
  wait SECONDS             the clock moves on; prompts end, due timers fire
  next                     the clock moves to the next prompt end or deadline
  board (or wallboard)     the live calls, the queues and the agents, as the hotline sees them
  help                     this list
  quit                     end the session
"""


def describe_output(output: HotlineOutput) -> str:
    """One line saying what the telephony side (or the host) is asked to do.

    >>> from callcenter.hotline import AnswerCall
    >>> describe_output(AnswerCall(call_id="c1"))
    'call c1: answer'
    """
    match output:
        case AnswerCall(call_id=call):
            return f"call {call}: answer"
        case RejectCall(call_id=call, reason=reason):
            return f"call {call}: reject ({reason})"
        case CallCommand(call_id=call, command=command):
            return f"call {call}: {_describe_command(command)}"
        case HoldCaller(call_id=call, queue=queue, music=music) as hold:
            extra = ""
            if hold.position is not None:
                extra += f", position {hold.position}"
            if hold.expected_wait is not None:
                extra += f", expected wait {hold.expected_wait:.0f} s"
            return f"call {call}: hold in queue {queue!r} with music {music!r}{extra}"
        case RingAgent(call_id=call, agent_id=agent, endpoint=endpoint, timeout=timeout):
            return f"call {call}: ring agent {agent} at {endpoint} (for {timeout:g} s)"
        case StopRinging(call_id=call, agent_id=agent):
            return f"call {call}: stop ringing agent {agent}"
        case ConnectAgent(call_id=call, agent_id=agent):
            return f"call {call}: connect with agent {agent}"
        case TransferCall(call_id=call, number=number):
            return f"call {call}: transfer to {number}"
        case EndCall(call_id=call, reason=reason):
            return f"call {call}: hang up ({reason})"
        case ContactFinished(call_id=call, record=record):
            return f"call {call}: finished, record outcome {record.outcome.value}"
        case TicketUpdate(event=event, call_id=call):
            where = f"call {call}: " if call is not None else ""
            ticket = getattr(event, "ticket_id", "?")
            return f"{where}ticket {ticket}: {type(event).__name__}"
        case _:
            assert_never(output)


def _describe_command(command: IvrCommand) -> str:
    match command:
        case Play(prompt=prompt, text=text, audio=audio, language=language):
            said = text if text is not None else f"<audio {audio}>"
            return f"play {prompt!r} [{language}] {said}"
        case Listen(max_digits=most, terminator=terminator, timeout=timeout):
            end = f", ending with {terminator}" if terminator else ""
            return f"listen for up to {most} key(s){end} (timeout {timeout:g} s)"
        case AskHost(query=query, arguments=arguments, request=request):
            return f"ask the host {query} {dict(arguments)} (request {request})"
        case Enqueue(queue=queue, priority=priority):
            return f"queued in {queue!r} (priority {priority})"
        case Transfer(to=to):
            return f"transfer to {to}"
        case Record(mailbox=mailbox, max_seconds=most):
            return f"record a message into {mailbox!r} (at most {most:g} s)"
        case RequestCallback(queue=queue, number=number):
            return f"callback to {number} booked in {queue!r}"
        case HangUp(reason=reason):
            return f"hang up ({reason})"
        case _:
            assert_never(command)


@attrs.define
class _Phones:
    """What the telephony side knows: whose phone rings or talks, which lookup is open."""

    ringing: dict[str, str] = attrs.field(factory=dict)  # agent -> call
    talking: dict[str, str] = attrs.field(factory=dict)  # agent -> call
    asked: dict[str, int] = attrs.field(factory=dict)  # call -> last lookup request

    def see(self, output: HotlineOutput) -> None:
        match output:
            case CallCommand(call_id=call, command=AskHost(request=request)):
                self.asked[call] = request
            case RingAgent(call_id=call, agent_id=agent):
                self.ringing[agent] = call
            case StopRinging(agent_id=agent):
                self.ringing.pop(agent, None)
            case ConnectAgent(call_id=call, agent_id=agent):
                self.ringing.pop(agent, None)
                self.talking[agent] = call
            case EndCall(call_id=call) | TransferCall(call_id=call) | ContactFinished(call_id=call):
                self.release(call)
            case _:
                pass

    def release(self, call: str) -> None:
        for table in (self.ringing, self.talking):
            for agent in [a for a, c in table.items() if c == call]:
                del table[agent]


class _RefusedError(Exception):
    """A typed command that cannot be carried out; the message says why."""


class TrySession:
    """The loop behind ``callcenter hotline try``.

    Args:
        hotline: The hotline to drive.
        now: The virtual clock's start, in POSIX seconds.
        stdin: Where commands are read, one a line.
        stdout: Where outputs and messages are written.
    """

    def __init__(self, hotline: Hotline, *, now: float, stdin: TextIO, stdout: TextIO) -> None:
        self.hotline = hotline
        self.definition: HotlineDefinition = hotline.definition
        self.now = now
        self.zone = zoneinfo.ZoneInfo(hotline.definition.timezone)
        self.stdin = stdin
        self.stdout = stdout
        self.view = _Phones()
        self.playing: dict[str, tuple[float, bool]] = {}  # call -> (prompt end, barge-in)
        self.last_call: str | None = None
        self.numbered = 0

    def say(self, text: str) -> None:
        """Print a line."""
        print(text, file=self.stdout, flush=True)

    def run(self) -> int:
        """Read and carry out commands until ``quit`` or the end of the input; return 0."""
        self.say(f"hotline {self.definition.name}: type 'help' for the commands")
        while True:
            clock = datetime.datetime.fromtimestamp(self.now, self.zone)
            print(f"[{clock:%H:%M:%S}] > ", end="", file=self.stdout)
            line = self.stdin.readline(_LINE_LIMIT)
            if line == "":
                self.say("")
                return 0
            if len(line) >= _LINE_LIMIT and not line.endswith("\n"):
                self.say("line too long: one command a line, please")
                self.stdin.readline()  # the rest of the overlong line
                continue
            try:
                words = shlex.split(line)
            except ValueError as error:
                self.say(f"cannot read that line ({error}); type 'help'")
                continue
            if not words:
                continue
            if words[0] in ("quit", "exit"):
                return 0
            try:
                self.command(words[0], words[1:])
            except _RefusedError as refusal:
                self.say(f"! {refusal}")
            except CallCenterError as error:
                self.say(f"! the hotline refused it: {error}")

    # ------------------------------------------------------------------ commands

    def command(self, name: str, args: list[str]) -> None:
        """Carry out one typed command."""
        handler = _COMMANDS.get(name)
        if handler is None:
            raise _RefusedError(f"unknown command {name!r}; type 'help'")
        handler(self, args)

    def feed(self, item: HotlineInput, *, after: float = 0.0) -> None:
        """Hand one input to the hotline ``after`` seconds from now; print what comes back.

        The clock moves only when the hotline takes the input.
        """
        outputs = self.hotline.handle(item, self.now + after)
        self.now += after
        if type(item) is CallInput and type(item.event) is not CallerHungUp:
            playing = self.playing.get(item.call_id)
            if playing is not None and (playing[1] or type(item.event) is PromptFinished):
                del self.playing[item.call_id]  # the caller barged in, or it has played
        self.show(outputs)

    def show(self, outputs: Sequence[HotlineOutput]) -> None:
        """Print outputs, one a line, and keep the telephony's view up to date."""
        for output in outputs:
            self.view.see(output)
            self.follow_prompts(output)
            self.say(f"  -> {describe_output(output)}")

    def follow_prompts(self, output: HotlineOutput) -> None:
        """Keep when each call's prompt will have played (none once it left the IVR)."""
        match output:
            case CallCommand(call_id=call, command=Play(seconds=seconds, barge_in=barge_in)):
                # A prompt given while another plays is queued behind it.
                start = max(self.now, self.playing.get(call, (self.now, False))[0])
                self.playing[call] = (start + seconds, barge_in)
            case CallCommand(call_id=call, command=Listen()):
                pass
            case (
                CallCommand(call_id=call)
                | HoldCaller(call_id=call)
                | RingAgent(call_id=call)
                | EndCall(call_id=call)
                | RejectCall(call_id=call)
                | TransferCall(call_id=call)
                | ContactFinished(call_id=call)
            ):
                self.playing.pop(call, None)
            case _:
                pass

    def call_of(self, args: list[str], position: int) -> str:
        """The call named at ``position`` of ``args``, or the last call."""
        if len(args) > position:
            return args[position]
        if self.last_call is None:
            raise _RefusedError("no call yet: start one with 'call'")
        return self.last_call

    def agent_of(self, args: list[str]) -> str:
        """The agent named first in ``args``."""
        if not args:
            raise _RefusedError("which agent? e.g. 'login enquiry-1'")
        return args[0]

    def ringing_call(self, agent: str, args: list[str]) -> str:
        """The call ringing ``agent`` (or the one named in ``args``)."""
        if len(args) > 1:
            return args[1]
        if agent not in self.view.ringing:
            raise _RefusedError(f"nothing rings for {agent}")
        return self.view.ringing[agent]

    def next_event(self) -> float | None:
        """The earliest of the hotline's next deadline and the end of a playing prompt."""
        times = [end for end, _ in self.playing.values()]
        deadline = self.hotline.next_deadline()
        if deadline is not None:
            times.append(deadline)
        return min(times, default=None)

    def move_clock(self, to: float) -> None:
        """Advance the virtual clock to ``to``; prompts end, timers fire, all printed.

        The telephony plays each prompt to its end and says so (``PromptFinished``),
        in time order with the hotline's own timers.
        """
        while True:
            ends = sorted((end, call) for call, (end, _) in self.playing.items())
            deadline = self.hotline.next_deadline()
            if ends and ends[0][0] <= to and (deadline is None or ends[0][0] <= deadline):
                end, call = ends[0]
                del self.playing[call]
                self.now = max(self.now, end)
                try:
                    outputs = self.hotline.handle(
                        CallInput(call_id=call, event=PromptFinished()), self.now
                    )
                except CallCenterError:
                    continue  # the call moved on meanwhile: nothing plays any more
                self.show(outputs)
            elif deadline is not None and deadline <= to:
                self.now = max(self.now, deadline)
                self.show(self.hotline.advance(self.now))
            else:
                break
        self.now = max(self.now, to)
        self.show(self.hotline.advance(self.now))


def _call(session: TrySession, args: list[str]) -> None:
    if not session.definition.lines:
        raise _RefusedError("the hotline has no line to call")
    number = args[0] if args else "13800138000"
    line = args[1] if len(args) > 1 else session.definition.lines[0].number
    session.numbered += 1
    call = f"c{session.numbered}"
    session.last_call = call
    session.say(f"call {call} from {number} to {line}")
    session.feed(CallArrived(call_id=call, line=line, caller=number))


def _press(session: TrySession, args: list[str]) -> None:
    if not args or not set(args[0]) <= _KEYS:
        raise _RefusedError("press what? keys are 0-9, * and #, e.g. 'press 1'")
    session.feed(
        CallInput(call_id=session.call_of(args, 1), event=DigitsPressed(digits=args[0])), after=1.0
    )


def _speak(session: TrySession, args: list[str]) -> None:
    if not args:
        raise _RefusedError("say what? e.g. 'speak waybill'")
    session.feed(
        CallInput(call_id=session.call_of([], 0), event=SpeechHeard(text=" ".join(args))), after=1.0
    )


def _played(session: TrySession, args: list[str]) -> None:
    session.feed(CallInput(call_id=session.call_of(args, 0), event=PromptFinished()))


def _recorded(session: TrySession, args: list[str]) -> None:
    seconds = _seconds(args[0]) if args else 20.0
    call = session.call_of(args, 1)
    recorded = RecordingFinished(reference=f"{call}-msg", seconds=seconds)
    session.feed(CallInput(call_id=call, event=recorded), after=seconds)


def _host(session: TrySession, args: list[str]) -> None:
    if not args:
        raise _RefusedError("host KEY=VALUE ..., host nf or host fail")
    call = session.call_of([], 0)
    values = [a for a in args if "=" in a]
    rest = [a for a in args if "=" not in a and a not in ("nf", "fail")]
    if rest:
        call = rest[-1]
    request = session.view.asked.get(call)
    if request is None:
        raise _RefusedError(f"call {call} has asked the host nothing")
    event: HostAnswered | HostNotFound | HostFailed
    if "nf" in args:
        event = HostNotFound(request=request)
    elif "fail" in args:
        event = HostFailed(request=request, reason="typed 'fail'")
    else:
        event = HostAnswered(request=request, values=dict(v.split("=", 1) for v in values))
    session.feed(CallInput(call_id=call, event=event))


def _hangup(session: TrySession, args: list[str]) -> None:
    session.feed(CallInput(call_id=session.call_of(args, 0), event=CallerHungUp()), after=1.0)


def _presence(kind: str) -> Callable[[TrySession, list[str]], None]:
    def run(session: TrySession, args: list[str]) -> None:
        agent = session.agent_of(args)
        item: HotlineInput
        if kind == "login":
            item = AgentLoggedIn(agent_id=agent)
        elif kind == "ready":
            item = AgentReady(agent_id=agent)
        elif kind == "break":
            item = AgentNotReady(agent_id=agent, reason=args[1] if len(args) > 1 else "break")
        elif kind == "logout":
            item = AgentLoggedOut(agent_id=agent)
        else:
            item = WrapUpDone(agent_id=agent)
        session.feed(item)

    return run


def _answer(session: TrySession, args: list[str]) -> None:
    agent = session.agent_of(args)
    session.feed(
        AgentLegAnswered(call_id=session.ringing_call(agent, args), agent_id=agent), after=1.0
    )


def _decline(session: TrySession, args: list[str]) -> None:
    agent = session.agent_of(args)
    session.feed(AgentLegDeclined(call_id=session.ringing_call(agent, args), agent_id=agent))


def _end(session: TrySession, args: list[str]) -> None:
    agent = session.agent_of(args)
    fields = dict(a.split("=", 1) for a in args[1:] if "=" in a)
    rest = [a for a in args[1:] if "=" not in a]
    outcome = rest[0] if rest else None
    if len(rest) > 1:
        call = rest[1]
    elif agent in session.view.talking:
        call = session.view.talking[agent]
    else:
        raise _RefusedError(f"{agent} is not talking to anyone")
    ended = AgentLegEnded(call_id=call, agent_id=agent, outcome=outcome, fields=fields)
    session.feed(ended, after=1.0)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise _RefusedError(f"expected a number of seconds, got {text!r}") from None
    if not 0 <= value <= 366 * 86_400:
        raise _RefusedError(f"expected seconds between 0 and a year, got {text!r}")
    return value


def _wait(session: TrySession, args: list[str]) -> None:
    if not args:
        raise _RefusedError("wait how long? e.g. 'wait 10'")
    session.move_clock(session.now + _seconds(args[0]))


def _next(session: TrySession, args: list[str]) -> None:
    due = session.next_event()
    if due is None:
        session.say("nothing is due: the hotline waits for you")
        return
    session.move_clock(max(session.now, due))


def _board(session: TrySession, args: list[str]) -> None:
    """The live calls, then the hotline's wallboard (queues and agents)."""
    hotline = session.hotline
    session.say("calls:")
    live = hotline.live_calls()
    talking: dict[str, int] = {}
    for call in live:
        view = hotline.call(call)
        where = view.phase.value
        if view.queue is not None:
            where += f" in {view.queue}"
            if view.phase is CallPhase.CONNECTED:
                talking[view.queue] = talking.get(view.queue, 0) + 1
        if view.agent is not None:
            where += f" with {view.agent}"
        since = session.now - view.arrived_at
        session.say(f"  {call}: from {view.caller or 'withheld'}, {where}, {since:.0f} s")
    if not live:
        session.say("  (none)")
    for line in format_wallboard(hotline.wallboard(session.now)).splitlines():
        session.say(line)


def _help(session: TrySession, args: list[str]) -> None:
    session.say(HELP.rstrip())


_COMMANDS: Mapping[str, Callable[[TrySession, list[str]], None]] = {
    "call": _call,
    "press": _press,
    "speak": _speak,
    "played": _played,
    "recorded": _recorded,
    "host": _host,
    "hangup": _hangup,
    "login": _presence("login"),
    "ready": _presence("ready"),
    "break": _presence("break"),
    "logout": _presence("logout"),
    "wrapped": _presence("wrapped"),
    "answer": _answer,
    "decline": _decline,
    "end": _end,
    "wait": _wait,
    "next": _next,
    "board": _board,
    "wallboard": _board,
    "help": _help,
}


def add_try(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``hotline try`` to the ``hotline`` command's actions."""
    parser = actions.add_parser(
        "try",
        help="be the callers and the agents of a hotline, in the terminal",
        description=(
            "Run a hotline on a virtual clock and type what callers and agents do: "
            "calls, keys, hang-ups, logins, answers. Each output is printed as the "
            "command the telephony side would receive; 'board' shows the calls and "
            "agents; 'help' lists the commands. Exit status 0 at the end of the "
            "input or 'quit'; 1: the hotline document has errors; 2: a file cannot "
            "be read."
        ),
    )
    parser.add_argument("file", help="hotline document (.toml, .json or .yaml)")
    parser.add_argument(
        "--at",
        type=datetime.datetime.fromisoformat,
        default=None,
        help="the virtual clock's start, ISO date-time with offset (default: now)",
    )
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    start = args.at or datetime.datetime.now(datetime.UTC)
    if start.tzinfo is None:
        print("callcenter hotline try: --at needs a UTC offset, e.g. +08:00", file=sys.stderr)
        return 2
    if sys.stdin is None:
        print(
            "callcenter hotline try: standard input is closed; it reads commands from it",
            file=sys.stderr,
        )
        return 2
    definition = load_hotline(Path(args.file))
    hotline = Hotline(definition)
    for problem in check_hotline(definition):  # only warnings: errors refuse the load
        print(f"{args.file}: {problem}", file=sys.stdout)
    session = TrySession(hotline, now=start.timestamp(), stdin=sys.stdin, stdout=sys.stdout)
    return session.run()
