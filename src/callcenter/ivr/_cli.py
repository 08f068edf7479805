"""``callcenter ivr``: check a flow file, try it in the terminal, draw it."""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from typing import TextIO

from .._loading import read_document
from ..calendars import BusinessCalendar
from ..errors import DocumentError
from ._document import load_flow
from ._events import (
    AskHost,
    CallerHungUp,
    CallerStatus,
    Command,
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
    Transfer,
)
from ._flow import Flow
from ._graph import flow_to_dot, flow_to_mermaid
from ._model import KEYS
from ._session import Session
from ._validate import FlowReport, check_flow_file

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``ivr`` subcommand with ``check``, ``try`` and ``graph``."""
    parser = subparsers.add_parser(
        "ivr",
        help="check, try and draw IVR flows",
        description="Work with IVR flow files (.toml or .json).",
    )
    commands = parser.add_subparsers(title="ivr commands", metavar="ACTION")

    check = commands.add_parser(
        "check",
        help="validate a flow and show how far an agent is",
        description=(
            "Load a flow and report errors (dead ends, loops a silent caller never "
            "leaves, missing prompts...) and warnings (unreachable nodes, ambiguous "
            "keys...), with the best and worst case of key presses and seconds to an "
            "agent. Exit status: 0 no errors, 1 errors (or warnings with --strict), "
            "2 the file cannot be read."
        ),
    )
    check.add_argument("flow", help="flow file (.toml or .json)")
    check.add_argument("--queues", help="comma-separated queues the ACD has")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check.add_argument("--json", action="store_true", help="print the report as JSON")
    _add_calendar_option(check)
    check.set_defaults(handler=_check)

    try_ = commands.add_parser(
        "try",
        help="run a flow in the terminal: it speaks, you type keys",
        description=(
            "Run a flow on a virtual clock. Prompts are printed; type keys (0-9 * #) and "
            "Enter, an empty line to stay silent until the next timeout, 'h' to hang "
            "up. Host lookups ask you for the answer."
        ),
    )
    try_.add_argument("flow", help="flow file (.toml or .json)")
    try_.add_argument("--caller", default="13800138000", help="the caller's number")
    try_.add_argument("--dialled", default="4008001234", help="the number dialled")
    try_.add_argument(
        "--status",
        choices=[s.value for s in CallerStatus],
        default="normal",
        help="the caller's list status",
    )
    try_.add_argument(
        "--at",
        type=datetime.datetime.fromisoformat,
        default=None,
        help="when the call comes, ISO date-time with offset (default: now)",
    )
    _add_calendar_option(try_)
    try_.set_defaults(handler=_try)

    graph = commands.add_parser(
        "graph",
        help="write a flow as a Graphviz DOT or Mermaid diagram",
        description="Write the flow's graph: nodes, and edges labelled with keys and outcomes.",
    )
    graph.add_argument("flow", help="flow file (.toml or .json)")
    graph.add_argument("--format", choices=["dot", "mermaid"], default="dot")
    graph.add_argument("-o", "--output", help="write to this file instead of standard output")
    _add_calendar_option(graph)
    graph.set_defaults(handler=_graph)
    parser.set_defaults(handler=lambda _args: _usage(parser))


def _add_calendar_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--calendar",
        action="append",
        default=[],
        metavar="NAME=FILE",
        help="a calendar file for hours nodes that name NAME (repeatable)",
    )


def _calendars(args: argparse.Namespace) -> dict[str, BusinessCalendar]:
    found: dict[str, BusinessCalendar] = {}
    for item in args.calendar:
        name, sep, path = item.partition("=")
        if not sep or not name or not path:
            raise DocumentError(path=item, detail="expected --calendar NAME=FILE")
        data = read_document(path)
        found[name] = BusinessCalendar.from_dict(data, what=f"calendar {path}")
    return found


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def _report_json(report: FlowReport) -> str:
    return json.dumps(
        {
            "flow": report.flow,
            "ok": report.ok,
            "problems": [
                {"path": p.path, "severity": p.severity.value, "message": p.message}
                for p in report.problems
            ],
            "agents": list(report.agents),
            "best_keys": report.best_keys,
            "best_seconds": report.best_seconds,
            "worst_keys": report.worst_keys,
            "worst_seconds": report.worst_seconds,
            "exact": report.exact,
            "best_keys_path": list(report.best_keys_path),
            "best_seconds_path": list(report.best_seconds_path),
            "worst_keys_path": list(report.worst_keys_path),
            "worst_seconds_path": list(report.worst_seconds_path),
        },
        ensure_ascii=False,
        indent=2,
    )


def _check(args: argparse.Namespace) -> int:
    queues = None if args.queues is None else [q.strip() for q in args.queues.split(",")]
    report = check_flow_file(args.flow, queues=queues, calendars=_calendars(args))
    if args.json:
        print(_report_json(report))
    else:
        for problem in report.problems:
            print(problem)
        errors, warnings = len(report.errors), len(report.warnings)
        print(f"{report.flow}: {errors} error(s), {warnings} warning(s)")
        if report.best_keys is not None:
            bound = "" if report.exact else " (at least; search stopped)"
            for label, figure, way in (
                ("fewest keys", f"{report.best_keys} key(s)", report.best_keys_path),
                ("shortest time", f"{report.best_seconds} s", report.best_seconds_path),
                ("most keys", f"{report.worst_keys} key(s){bound}", report.worst_keys_path),
                ("longest time", f"{report.worst_seconds} s{bound}", report.worst_seconds_path),
            ):
                print(f"to an agent, {label}: {figure} via {' -> '.join(way)}")
    failing = report.errors or (args.strict and report.warnings)
    return 1 if failing else 0


def _graph(args: argparse.Namespace) -> int:
    flow = load_flow(args.flow, calendars=_calendars(args))
    text = flow_to_dot(flow) if args.format == "dot" else flow_to_mermaid(flow)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
    else:
        print(text)
    return 0


def _try(args: argparse.Namespace) -> int:
    flow = load_flow(args.flow, calendars=_calendars(args))
    start = args.at or datetime.datetime.now(datetime.UTC)
    if start.tzinfo is None:
        print("callcenter ivr try: --at needs a UTC offset, e.g. +08:00", file=sys.stderr)
        return 2
    if sys.stdin is None:
        print(
            "callcenter ivr try: standard input is closed; it reads keys from it", file=sys.stderr
        )
        return 2
    return run_terminal(
        flow,
        now=start.timestamp(),
        caller=args.caller,
        dialled=args.dialled,
        status=CallerStatus(args.status),
        stdin=sys.stdin,
        stdout=sys.stdout,
    )


_LINE_LIMIT = 4096


def run_terminal(
    flow: Flow,
    *,
    now: float,
    caller: str,
    dialled: str,
    status: CallerStatus,
    stdin: TextIO,
    stdout: TextIO,
) -> int:
    """The loop behind ``callcenter ivr try`` (reads keys from ``stdin``)."""
    session = Session(flow, session_id="try", caller=caller, dialled=dialled, status=status)
    clock = now
    asked: list[AskHost] = []

    def say(text: str) -> None:
        print(text, file=stdout, flush=True)

    def ask(question: str) -> str | None:
        print(question, end="", file=stdout, flush=True)
        line = stdin.readline(_LINE_LIMIT)
        if len(line) >= _LINE_LIMIT and not line.endswith("\n"):
            return None  # endless or binary input (/dev/zero): treat as the caller gone
        return None if line == "" else line.strip()

    def show(commands: list[Command]) -> list[Command]:
        for command in commands:
            if isinstance(command, Play):
                what = command.text if command.text is not None else f"<audio {command.audio}>"
                say(f"  [{command.node} · {command.language}] {what}")
            elif isinstance(command, Listen):
                pass
            elif isinstance(command, Enqueue):
                say(
                    f"=> enqueue to {command.queue!r} priority {command.priority} "
                    f"skills {list(command.skills)}"
                )
            elif isinstance(command, Transfer):
                say(f"=> transfer to {command.to}")
            elif isinstance(command, HangUp):
                say(f"=> hang up ({command.reason})")
            elif isinstance(command, Record):
                say(f"=> recording into {command.mailbox!r} (max {command.max_seconds:g} s)")
            elif isinstance(command, RequestCallback):
                say(f"=> callback booked to {command.number} in {command.queue!r}")
            elif isinstance(command, AskHost):
                asked.append(command)
                say(f"=> host lookup {command.query} {command.arguments}")
        return commands

    pending = show(session.begin(clock))
    while not session.ended:
        # Prompts play to their end, the clock moving on by their length.
        plays = [c for c in pending if isinstance(c, Play)]
        pending = []
        for play in plays:
            clock += play.seconds
            if session.phase in ("play", "input", "record") and not session.ended:
                pending += show(session.handle(PromptFinished(), clock))
        if pending or session.result is not None:
            continue
        if session.phase == "host":
            line = ask("host answer (key=value ..., 'nf' not found, 'fail'): ")
            if line is None:
                break
            request = asked[-1].request
            answer: HostAnswered | HostNotFound | HostFailed
            if line == "nf":
                answer = HostNotFound(request=request)
            elif line == "fail":
                answer = HostFailed(request=request)
            else:
                values: dict[str, str] = {}
                for pair in line.split():
                    key, _, value = pair.partition("=")
                    values[key] = value
                answer = HostAnswered(request=request, values=values)
            clock += 1.0
            pending = show(session.handle(answer, clock))
            continue
        if session.phase == "record":
            message = ask("your message (Enter to finish, empty for none): ")
            clock += 10.0 if message else 0.0
            recorded = RecordingFinished(
                reference="terminal" if message else "", seconds=10.0 if message else 0.0
            )
            pending = show(session.handle(recorded, clock))
            continue
        typed = ask("keys> ")
        if typed is None or typed == "h":
            clock += 1.0
            session.handle(CallerHungUp(), clock)
            say("=> you hung up")
            break
        if typed == "":
            deadline = session.next_deadline()
            if deadline is not None:
                clock = max(clock, deadline)
                pending = show(session.advance(clock))
            continue
        keys = "".join(ch for ch in typed if ch in KEYS)
        if not keys:
            say("  (type keys 0-9 * #, an empty line for silence, or h to hang up)")
            continue
        clock += 1.0
        pending = show(session.handle(DigitsPressed(digits=keys), clock))
    result = session.result.value if session.result else "unfinished"
    say(f"session {result} at node {session.node!r} after {session.steps} steps")
    say("attributes: " + json.dumps(session.attributes, ensure_ascii=False))
    return 0 if session.result is not None else 1
