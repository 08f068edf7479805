"""``callcenter calendar``: show what a business calendar decides, day by day."""

from __future__ import annotations

import argparse
import datetime
import json
from typing import Any

from . import _loading
from .calendars import BusinessCalendar

__all__ = ["register"]


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
        help="first date, YYYY-MM-DD (default: today in the calendar's time zone)",
    )
    parser.add_argument("--days", type=int, default=14, help="how many days to show (default: 14)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    data = _loading.read_document(args.file)
    calendar = BusinessCalendar.from_dict(data, what=f"calendar {args.file}")
    if args.days < 1:
        raise SystemExit("callcenter calendar: --days must be at least 1")
    start: datetime.date = args.start or datetime.datetime.now(calendar.timezone).date()
    rows: list[dict[str, Any]] = []
    for offset in range(args.days):
        date = start + datetime.timedelta(days=offset)
        hours = calendar.hours_on(date)
        midnight = datetime.datetime.combine(date, datetime.time(), calendar.timezone)
        next_day = midnight + datetime.timedelta(days=1)
        open_seconds = calendar.business_seconds(midnight.timestamp(), next_day.timestamp())
        rows.append(
            {
                "date": date.isoformat(),
                "weekday": date.strftime("%a"),
                "hours": [str(r) for r in hours],
                "open_hours": round(open_seconds / 3600, 2),
                "rule": calendar.rule_on(date),
            }
        )
    if args.json:
        print(json.dumps({"timezone": calendar.timezone.key, "days": rows}, indent=2))
        return 0
    undefined = calendar.undefined_weekdays()
    title = calendar.name or args.file
    print(f"{title} ({calendar.timezone.key})")
    if undefined:
        names = ", ".join(d.name.lower() for d in undefined)
        print(f"warning: weekly hours leave {names} undefined (treated as closed)")
    print(f"{'date':<10}  {'day':<3}  {'open h':>6}  {'hours':<26}  rule")
    for row in rows:
        hours_text = ", ".join(row["hours"]) or "closed"
        print(
            f"{row['date']:<10}  {row['weekday']:<3}  {row['open_hours']:>6.2f}  "
            f"{hours_text:<26}  {row['rule']}"
        )
    return 0
