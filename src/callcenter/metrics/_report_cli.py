"""``callcenter report``: a KPI table from a file of contact records."""

from __future__ import annotations

import argparse

__all__ = ["register_report"]


def register_report(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``report`` subcommand (filled in with the report module)."""
