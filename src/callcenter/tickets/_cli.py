"""``callcenter tickets``: list, check and draw ticket workflows."""

from __future__ import annotations

import argparse
from pathlib import Path

from ._builtin import BUILTIN_WORKFLOWS
from ._document import load_workflow
from ._workflow import Workflow

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``tickets`` subcommand."""
    parser = subparsers.add_parser(
        "tickets",
        help="list, check and draw ticket workflows",
        description=(
            "Work with ticket workflows: list the built-in ones, check a workflow "
            "document (TOML or JSON) and report every problem, or print a workflow's "
            "state diagram as Mermaid or Graphviz DOT text."
        ),
    )
    actions = parser.add_subparsers(title="actions", metavar="ACTION")
    listing = actions.add_parser("list", help="list the built-in workflows")
    listing.set_defaults(handler=_list)
    check = actions.add_parser("check", help="check a workflow document")
    check.add_argument("file", help="workflow file (.toml or .json)")
    check.set_defaults(handler=_check)
    diagram = actions.add_parser("diagram", help="print a workflow's state diagram")
    diagram.add_argument("workflow", help="a built-in workflow's name, or a workflow file")
    diagram.add_argument("--format", choices=("mermaid", "dot"), default="mermaid")
    diagram.set_defaults(handler=_diagram)
    parser.set_defaults(handler=lambda _: _usage(parser))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _list(_: argparse.Namespace) -> int:
    for workflow in BUILTIN_WORKFLOWS.values():
        print(f"{workflow.name:12} {workflow.description}")
    return 0


def _check(args: argparse.Namespace) -> int:
    workflow = load_workflow(args.file)
    states = len(workflow.states)
    print(
        f"{args.file}: workflow {workflow.name!r} is valid ({states} states, "
        f"{len(workflow.transitions)} transitions)"
    )
    return 0


def _find(name: str) -> Workflow:
    if name in BUILTIN_WORKFLOWS:
        return BUILTIN_WORKFLOWS[name]
    if Path(name).suffix.lower() in (".toml", ".json"):
        return load_workflow(name)
    from ..errors import UnknownIdError

    raise UnknownIdError(kind="workflow", id=name, known=BUILTIN_WORKFLOWS)


def _diagram(args: argparse.Namespace) -> int:
    workflow = _find(args.workflow)
    print(workflow.to_dot() if args.format == "dot" else workflow.to_mermaid(), end="")
    return 0
