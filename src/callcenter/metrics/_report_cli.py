"""``callcenter report``: a KPI table from a file of contact records."""

from __future__ import annotations

import argparse

from ._io import load_records
from ._kpis import KpiOptions
from ._reports import DEFAULT_COLUMNS, GRANULARITIES, GROUP_DIMENSIONS, build_report

__all__ = ["register_report"]


def register_report(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``report`` subcommand."""
    parser = subparsers.add_parser(
        "report",
        help="KPIs per period and queue/agent/skill group/channel from a records file",
        description=(
            "Read contact records (and agent state intervals, in JSON) from a .json or "
            ".csv file and print their KPIs per period and group, as a table, CSV or "
            "JSON. Periods are wall-clock periods in --timezone."
        ),
    )
    parser.add_argument("file", help="records file (.json or .csv)")
    parser.add_argument(
        "--period",
        choices=GRANULARITIES,
        default="day",
        help="period length (default: day)",
    )
    parser.add_argument(
        "--by",
        default="queue",
        help="comma-separated dimensions among " + ", ".join(GROUP_DIMENSIONS) + ", or "
        "'none' (default: queue)",
    )
    parser.add_argument("--timezone", default="UTC", help="IANA time zone (default: UTC)")
    parser.add_argument(
        "--answer-time", type=float, default=20.0, help="service-level threshold, s (20)"
    )
    parser.add_argument(
        "--abandons",
        choices=("ignored", "against", "for"),
        default="against",
        help="how abandons enter the service level (default: against)",
    )
    parser.add_argument(
        "--short-abandon",
        type=float,
        default=0.0,
        help="abandons shorter than this many seconds are not counted (default: 0)",
    )
    parser.add_argument("--totals", action="store_true", help="add an '(all)' row per period")
    parser.add_argument(
        "--columns",
        default=",".join(DEFAULT_COLUMNS),
        help="comma-separated KPI columns (default: the daily report's)",
    )
    parser.add_argument(
        "--format", choices=("table", "csv", "json"), default="table", help="output format"
    )
    parser.set_defaults(handler=_run_report)


def _run_report(args: argparse.Namespace) -> int:
    data = load_records(args.file)
    by = () if args.by in ("", "none") else tuple(part.strip() for part in args.by.split(","))
    options = KpiOptions(
        answer_time=args.answer_time,
        abandons=args.abandons,
        short_abandon_seconds=args.short_abandon,
    )
    report = build_report(
        data.records,
        data.agent_states,
        granularity=args.period,
        group_by=by,
        timezone=args.timezone,
        options=options,
        totals=args.totals,
    )
    columns = [c.strip() for c in args.columns.split(",") if c.strip()]
    if args.format == "csv":
        print(report.to_csv(columns), end="")
    elif args.format == "json":
        print(report.to_json(columns))
    else:
        print(report.format_table(columns), end="")
    return 0
