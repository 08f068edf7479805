"""``callcenter serve``: run a hotline behind a telephony, one action per adapter.

Each adapter that can serve adds its action with a function of :data:`_ACTIONS`
(imported lazily: an adapter's optional dependencies are needed only to run it).
"""

from __future__ import annotations

import argparse
import importlib
import sys

__all__ = ["register"]

# (module, function) adding one action to ``serve``.
_ACTIONS: tuple[tuple[str, str], ...] = (
    ("callcenter.adapters.twilio._cli", "add_serve_twilio"),
    ("callcenter.adapters._redis_cli", "add_serve_leader"),
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``serve`` subcommand with one action per adapter."""
    parser = subparsers.add_parser(
        "serve",
        help="serve a hotline: behind Twilio, or as a node replicated through Redis",
        description=(
            "Run a long-lived process of the hotline: behind a telephony's wire "
            "(twilio), or as a node of a hotline replicated through Redis (leader)."
        ),
    )
    actions = parser.add_subparsers(title="what to serve", metavar="ACTION")
    for module, function in _ACTIONS:
        getattr(importlib.import_module(module), function)(actions)
    parser.set_defaults(handler=lambda _args: _usage(parser))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2
