"""``callcenter route check``: load a routing definition and report its problems."""

from __future__ import annotations

import argparse
import json
import sys

from .. import _loading
from ..errors import Severity
from ._definition import check_definition, load_definition

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``route`` subcommand (with its ``check`` action)."""
    parser = subparsers.add_parser(
        "route",
        help="check a routing definition (queues, agents, rules)",
        description="Work with routing definitions.",
    )
    actions = parser.add_subparsers(title="actions", metavar="ACTION")
    check = actions.add_parser(
        "check",
        help="load a routing definition and list every problem in it",
        description=(
            "Load a routing definition (TOML or JSON), report every problem with its "
            "path, or summarise the queues, agents and rules when there is none "
            "(warnings, such as queues that overflow in a cycle, are listed too). "
            "Exit status 0: sound; 1: problems; 2: unreadable."
        ),
    )
    check.add_argument("file", help="routing definition (.toml or .json)")
    check.add_argument("--json", action="store_true", help="print the summary as JSON")
    check.set_defaults(handler=_check)


def _check(args: argparse.Namespace) -> int:
    data = _loading.read_document(args.file)
    definition = load_definition(data, what=f"routing definition {args.file}")
    queues: list[dict[str, object]] = [
        {
            "id": q.id,
            "skill": q.skill,
            "strategy": q.strategy.value,
            "members": sum(1 for a in definition.agents for m in a.queues if m.queue == q.id),
            "escalation_steps": len(q.escalation),
        }
        for q in definition.queues
    ]
    warnings = [p for p in check_definition(definition) if p.severity is Severity.WARNING]
    summary: dict[str, object] = {
        "queues": queues,
        "agents": len(definition.agents),
        "rules": len(definition.rules.rules),
        "default_queue": definition.rules.default_queue,
        "cross_queue": definition.cross_queue.value,
        "warnings": [{"path": p.path, "message": p.message} for p in warnings],
    }
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
        return 0
    for problem in warnings:
        print(f"{args.file}: {problem}", file=sys.stderr)
    print(f"{args.file}: ok")
    for q in queues:
        print(
            f"  queue {q['id']}: skill {q['skill']}, {q['strategy']}, {q['members']} members, "
            f"{q['escalation_steps']} escalation steps"
        )
    print(
        f"  {summary['agents']} agents, {summary['rules']} rules, "
        f"cross-queue {summary['cross_queue']}"
    )
    return 0
