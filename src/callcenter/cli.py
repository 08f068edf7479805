"""The ``callcenter`` command.

Each package that offers commands has a private ``_cli`` module with a ``register``
function that adds its subcommand to the parser; this module only assembles them.
A command function returns the process exit status.

Exit statuses shared by every subcommand: 0 success, 1 the input has problems
(a definition error, a failed check), 2 the input could not be read or the command
line is wrong.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from ._version import __version__
from .errors import CallCenterError, DefinitionError, DocumentError

__all__ = ["build_parser", "main"]

# The modules whose ``register(subparsers)`` adds a subcommand, in --help order.
_COMMAND_MODULES: tuple[str, ...] = (
    "callcenter._calendar_cli",
    "callcenter.ivr._cli",
    "callcenter.routing._cli",
    "callcenter.tickets._cli",
    "callcenter.metrics._cli",
    "callcenter.simulation._cli",
    "callcenter.wfm._cli",
)

_DESCRIPTION = """\
Contact-center domain logic for logistics hotlines: IVR flows, skills-based
routing, tickets with SLA clocks, KPIs and Erlang staffing.

Run 'callcenter COMMAND --help' for the options of one command."""

_EPILOG = """\
exit status: 0 success, 1 the input has problems, 2 the input cannot be read
or the command line is wrong.
documentation: docs/ in the source tree, or the published manual."""


def build_parser() -> argparse.ArgumentParser:
    """Build the full argument parser with every registered subcommand."""
    parser = argparse.ArgumentParser(
        prog="callcenter",
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"callcenter {__version__}")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for name in _COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (also used by the console script)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        status: int = handler(args)
    except DocumentError as exc:
        print(f"callcenter: {exc}", file=sys.stderr)
        return 2
    except DefinitionError as exc:
        print(f"callcenter: {exc}", file=sys.stderr)
        return 1
    except CallCenterError as exc:
        print(f"callcenter: {exc}", file=sys.stderr)
        return 1
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
