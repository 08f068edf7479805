"""``callcenter hotline``: work with hotline documents (``check``).

Each action is added by one function of :data:`_ACTIONS`, which takes the ``hotline``
command's subparsers: another action is one more function in that tuple.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from .. import _loading
from ..errors import Problem, Severity
from ..ivr import CallerStatus
from ._definition import HotlineDefinition
from ._document import load_hotline_document

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``hotline`` subcommand with its actions."""
    parser = subparsers.add_parser(
        "hotline",
        help="check a hotline definition (lines, flows, routing, tickets, endpoints)",
        description="Work with hotline documents (.toml, .json or .yaml).",
    )
    actions = parser.add_subparsers(title="hotline commands", metavar="ACTION")
    for add in _ACTIONS:
        add(actions)
    parser.set_defaults(handler=lambda _args: _usage(parser))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def _add_check(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    check = actions.add_parser(
        "check",
        help="load a hotline document and list every problem in it",
        description=(
            "Load a hotline document and the flows, routing definition, workflows and "
            "calendars it names, and report every problem with its path in the hotline "
            "document (errors, then what works but is likely wrong as warnings); when "
            "there is no error, summarise the hotline: lines, flows, queues, agents, "
            "endpoints, known callers and ticket rules. Exit status 0: no error; 1: "
            "errors (or warnings with --strict); 2: a file cannot be read."
        ),
    )
    check.add_argument("file", help="hotline document (.toml, .json or .yaml)")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check.add_argument("--json", action="store_true", help="print the report as JSON")
    check.set_defaults(handler=_check)


_ACTIONS: tuple[Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None], ...] = (
    _add_check,
)


def _check(args: argparse.Namespace) -> int:
    path = Path(args.file)
    data = _loading.read_document(path)
    definition, problems = load_hotline_document(
        data, base=path.parent, what=f"hotline {args.file}"
    )
    errors = [p for p in problems if p.severity is Severity.ERROR]
    warnings = [p for p in problems if p.severity is Severity.WARNING]
    summary = None if definition is None else _summary(definition)
    if args.json:
        report = {
            "file": args.file,
            "ok": not errors,
            "problems": [_problem_json(p) for p in problems],
            "summary": summary,
        }
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        for problem in problems:
            print(f"{args.file}: {problem}")
        verdict = "ok" if not errors else "invalid"
        print(f"{args.file}: {verdict}, {len(errors)} error(s), {len(warnings)} warning(s)")
        if definition is not None:
            print(_summary_text(definition))
    failing = errors or (args.strict and warnings)
    return 1 if failing else 0


def _problem_json(problem: Problem) -> dict[str, str]:
    return {"path": problem.path, "severity": problem.severity.value, "message": problem.message}


def _summary(definition: HotlineDefinition) -> dict[str, object]:
    routing = definition.routing
    return {
        "name": definition.name,
        "timezone": definition.timezone,
        "answer_time": definition.answer_time,
        "lines": [
            {
                "id": line.id,
                "number": line.number,
                "flow": line.flow,
                "queue": line.queue if line.flow is None else None,
                "closed_line": line.closed_line,
            }
            for line in definition.lines
        ],
        "flows": {name: len(flow.nodes) for name, flow in definition.flows.items()},
        "queues": {
            queue.id: sum(1 for a in routing.agents for m in a.queues if m.queue == queue.id)
            for queue in routing.queues
        },
        "agents": len(routing.agents),
        "endpoints": len(definition.endpoints),
        "known_callers": {
            status.value: sum(1 for c in definition.callers if c.status is status)
            for status in CallerStatus
        },
        "ticket_rules": len(definition.ticket_rules),
        "workflows": sorted(definition.workflows),
    }


def _summary_text(definition: HotlineDefinition) -> str:
    routing = definition.routing
    lines = [
        f"  hotline {definition.name!r}, {definition.timezone}, "
        f"service level at {definition.answer_time:g} s"
    ]
    for line in definition.lines:
        target = f"flow {line.flow}" if line.flow is not None else f"queue {line.queue}"
        closed = (
            ""
            if line.closed_line is None
            else f"; line {line.closed_line} while {line.calendar} says closed"
        )
        lines.append(f"  line {line.id}: {line.number} -> {target}{closed}")
    for name, flow in definition.flows.items():
        lines.append(f"  flow {name}: {len(flow.nodes)} nodes, {', '.join(flow.languages)}")
    for queue in routing.queues:
        members = sum(1 for a in routing.agents for m in a.queues if m.queue == queue.id)
        lines.append(f"  queue {queue.id}: {members} members, {queue.strategy.value}")
    endpoints = definition.endpoints.values()
    kinds = {
        "extension": sum(1 for e in endpoints if e.extension is not None),
        "SIP": sum(1 for e in endpoints if e.sip_uri is not None),
        "mobile": sum(1 for e in endpoints if e.mobile is not None),
    }
    ways = ", ".join(f"{count} {kind}" for kind, count in kinds.items() if count)
    lines.append(
        f"  {len(routing.agents)} agents, {len(definition.endpoints)} endpoints"
        + (f" ({ways})" if ways else "")
    )
    statuses = ", ".join(
        f"{sum(1 for c in definition.callers if c.status is status)} {status.value}"
        for status in CallerStatus
    )
    lines.append(f"  {len(definition.callers)} known callers ({statuses})")
    for rule in definition.ticket_rules:
        when = [
            f"IVR result {rule.ivr_result!r}" if rule.ivr_result is not None else "",
            f"agent outcome {rule.agent_outcome!r}" if rule.agent_outcome is not None else "",
            f"queue {rule.queue!r}" if rule.queue is not None else "",
        ]
        condition = ", ".join(part for part in when if part) or "every call"
        lines.append(f"  ticket rule: {rule.workflow} ticket on {condition}")
    return "\n".join(lines)
