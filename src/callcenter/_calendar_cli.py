"""``callcenter calendar``: show what a business calendar decides, day by day."""

from __future__ import annotations

import argparse
import datetime
import json
from typing import Any

from . import _loading
from ._clock import EARLIEST, LATEST
from .calendars import FIRST_DATE, LAST_DATE, BusinessCalendar
from .cli import UsageError

__all__ = ["register"]

MAX_DAYS = 3660
"""The most days one ``callcenter calendar`` run shows (ten years)."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``calendar`` subcommand."""
    parser = subparsers.add_parser(
        "calendar",
        help="show the opening hours a calendar file gives, day by day",
        description=(
            "Load a business calendar (TOML or JSON), check it, and print the hours "
            "that apply on each day of a date range, with the rule that decided them "
            "(weekly hours, holiday, make-up workday, override)."
        ),
    )
    parser.add_argument("file", help="calendar file (.toml or .json)")
    parser.add_argument(
        "--from",
        dest="start",
        type=datetime.date.fromisoformat,
        default=None,
        help=f"first date, YYYY-MM-DD from {FIRST_DATE} to {LAST_DATE} "
        "(default: today in the calendar's time zone)",
    )
    parser.add_argument(
        "--days",
        type=int,
        default=14,
        help=f"how many days to show, 1 to {MAX_DAYS} (default: 14); the table stops "
        f"at {LAST_DATE}",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    if not 1 <= args.days <= MAX_DAYS:
        raise UsageError(
            option="--days", expected=f"a number of days from 1 to {MAX_DAYS}", got=args.days
        )
    if args.start is not None and not FIRST_DATE <= args.start <= LAST_DATE:
        raise UsageError(
            option="--from",
            expected=f"a date from {FIRST_DATE} to {LAST_DATE}",
            got=str(args.start),
        )
    data = _loading.read_document(args.file)
    calendar = BusinessCalendar.from_dict(data, what=f"calendar {args.file}")
    start: datetime.date = args.start or datetime.datetime.now(calendar.timezone).date()
    days = min(args.days, (LAST_DATE - start).days + 1)
    rows: list[dict[str, Any]] = []
    for offset in range(days):
        date = start + datetime.timedelta(days=offset)
        hours = calendar.hours_on(date)
        midnight = datetime.datetime.combine(date, datetime.time(), calendar.timezone)
        next_day = midnight + datetime.timedelta(days=1)
        open_seconds = calendar.business_seconds(
            max(EARLIEST, midnight.timestamp()), min(LATEST, next_day.timestamp())
        )
        rows.append(
            {
                "date": date.isoformat(),
                "weekday": date.strftime("%a"),
                "hours": [str(r) for r in hours],
                "open_hours": round(open_seconds / 3600, 2),
                "rule": calendar.rule_on(date),
            }
        )
    warnings = [str(problem) for problem in calendar.problems()]
    if args.json:
        doc = {"timezone": calendar.timezone.key, "days": rows, "warnings": warnings}
        print(json.dumps(doc, indent=2))
        return 0
    undefined = calendar.undefined_weekdays()
    title = calendar.name or args.file
    print(f"{title} ({calendar.timezone.key})")
    if undefined:
        names = ", ".join(d.name.lower() for d in undefined)
        print(f"warning: weekly hours leave {names} undefined (treated as closed)")
    for warning in warnings:
        print(warning)
    print(f"{'date':<10}  {'day':<3}  {'open h':>6}  {'hours':<26}  rule")
    for row in rows:
        hours_text = ", ".join(row["hours"]) or "closed"
        print(
            f"{row['date']:<10}  {row['weekday']:<3}  {row['open_hours']:>6.2f}  "
            f"{hours_text:<26}  {row['rule']}"
        )
    return 0
