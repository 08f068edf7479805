"""The ``callcenter`` command.

Each package that offers commands has a private ``_cli`` module with a ``register``
function that adds its subcommand to the parser; this module only assembles them.
A command function returns the process exit status.

Exit statuses shared by every subcommand (and said in ``--help``):

* 0 success;
* 1 the input has problems (a definition error, a failed check);
* 2 the command line is wrong -- argparse's own refusals and the option values a
  command refuses itself (``--days 0``, an output name with the wrong suffix, an
  ``--at`` out of range) alike -- or a file cannot be read or written;
* 130 interrupted (Ctrl-C).

:func:`main` turns every error the library raises on purpose, and every ``OSError``
(a missing directory, a full disk, a closed pipe), into one line on standard error:
a command never ends in a traceback for bad input. A reader that stops early
(``callcenter simulate ... | head``) ends the command quietly with status 0; files a
command writes are written before its report is printed, so they are complete.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from ._version import __version__
from .errors import CallCenterError, DocumentError, InvalidArgumentError

__all__ = ["UsageError", "build_parser", "check_output", "main"]

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class UsageError(InvalidArgumentError):
    """A command refuses an option's value; the command line ends with status 2.

    Args:
        option: The option, e.g. ``"--days"``.
        expected: What the option accepts.
        got: What came.
    """

    def __init__(self, *, option: str, expected: str, got: object) -> None:
        super().__init__(name=option, expected=expected, got=got)


# The modules whose ``register(subparsers)`` adds a subcommand, in --help order.
def check_output(path: str, option: str) -> None:
    """Refuse an output file that cannot be written, before a command does its work.

    Raises:
        UsageError: ``path`` is a directory, or its directory is missing or not
            writable.
    """
    target = Path(path)
    folder = target.parent
    if target.is_dir():
        raise UsageError(option=option, expected="a file name, not a directory", got=path)
    if not folder.is_dir():
        raise UsageError(option=option, expected="a file in an existing directory", got=path)
    if not os.access(folder, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise UsageError(option=option, expected="a file this user may write", got=path)


# The modules whose ``register(subparsers)`` adds a subcommand, in --help order.
_COMMAND_MODULES: tuple[str, ...] = (
    "callcenter._calendar_cli",
    "callcenter.ivr._cli",
    "callcenter.routing._cli",
    "callcenter.tickets._cli",
    "callcenter.metrics._cli",
    "callcenter.hotline._cli",
    "callcenter.simulation._cli",
    "callcenter.wfm._cli",
    "callcenter.adapters._redis_cli",
)

_DESCRIPTION = """\
Contact-center domain logic for logistics hotlines: IVR flows, skills-based
routing, tickets with SLA clocks, KPIs and Erlang staffing.

Run 'callcenter COMMAND --help' for the options of one command."""

_EPILOG = """\
exit status: 0 success; 1 the input has problems; 2 the command line is wrong
(an unknown option or a value an option refuses) or a file cannot be read or
written; 130 interrupted. A reader that stops early (| head) is not an error.
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


def _quiet_stdout() -> None:
    """Send what is left for standard output nowhere (its reader is gone or it is full)."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def _say(message: str) -> None:
    with contextlib.suppress(OSError, ValueError, AttributeError):
        print(f"callcenter: {message}", file=sys.stderr)


def _run(handler: object, args: argparse.Namespace) -> int:
    try:
        status: int = handler(args)  # type: ignore[operator]
        if sys.stdout is not None:
            sys.stdout.flush()
    except BrokenPipeError:
        _quiet_stdout()
        return EXIT_OK
    except KeyboardInterrupt:
        _say("interrupted")
        return EXIT_INTERRUPTED
    except (DocumentError, InvalidArgumentError) as exc:
        _say(str(exc))
        return EXIT_USAGE
    except CallCenterError as exc:
        _say(str(exc))
        return EXIT_PROBLEMS
    except OSError as exc:
        if exc.filename is None:  # no file named: the standard streams
            _quiet_stdout()
            _say(f"cannot read or write standard input or output: {exc.strerror or exc}")
        else:
            _say(f"cannot read or write {exc.filename}: {exc.strerror or exc}")
        return EXIT_USAGE
    return status


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (also used by the console script).

    Every error the library raises on purpose and every ``OSError`` become one line on
    standard error and the exit status of the module's documentation.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    return _run(handler, args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
