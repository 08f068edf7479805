"""``callcenter report``: a KPI table from a file of contact records."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from typing import Any

from ..errors import InvalidArgumentError
from ._io import RecordSet, load_records
from ._kpis import AgentStats, KpiOptions, agent_stats, compute_kpis
from ._reports import DEFAULT_COLUMNS, GRANULARITIES, GROUP_DIMENSIONS, build_report
from ._summary import format_summary

__all__ = ["register_report"]


def register_report(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``report`` subcommand."""
    parser = subparsers.add_parser(
        "report",
        help="KPIs per period and queue/agent/skill group/channel from a records file",
        description=(
            "Read contact records (and agent state intervals, in JSON) from a .json or "
            ".csv file and print their KPIs per period and group, as a table, CSV or "
            "JSON. Periods are wall-clock periods in the center's time zone (--timezone, "
            "or the one the file gives). Times in the file are POSIX seconds or ISO 8601 "
            "with a UTC offset. As a table, a summary of every contact comes first."
        ),
    )
    parser.add_argument("file", nargs="?", help="records file (.json or .csv)")
    parser.add_argument(
        "--queue-log",
        metavar="FILE",
        default=None,
        help="read Asterisk's queue_log instead (the file, or its database table "
        "exported as CSV with a header); lines skipped are counted on stderr",
    )
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
    parser.add_argument(
        "--timezone",
        default=None,
        type=_zone_name,
        help="IANA time zone of the periods, e.g. Asia/Shanghai (default: the one the "
        "records file gives; required when it gives none, as a CSV file never does)",
    )
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
        default=None,
        help="abandons after a wait of at most this many seconds are short abandons, "
        "left out of the rates (default: none)",
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
    parser.add_argument(
        "--agent-stats",
        action="store_true",
        help="print per-agent figures instead (contacts taken, average talk and "
        "after-contact work, not-ready time by reason, breaks and average break, "
        "occupancy, utilization) over the whole file",
    )
    parser.set_defaults(handler=_run_report)


def _agent_rows(stats: dict[str, AgentStats]) -> list[dict[str, Any]]:
    return [
        {
            "agent": s.agent_id,
            "handled": s.handled,
            "average_talk_seconds": s.average_talk_seconds,
            "average_acw_seconds": s.average_acw_seconds,
            "not_ready_seconds": dict(s.not_ready_seconds),
            "breaks": s.breaks,
            "average_break_seconds": s.average_break_seconds,
            "logged_in_seconds": s.logged_in_seconds,
            "occupancy": s.occupancy,
            "utilization": s.utilization,
        }
        for s in stats.values()
    ]


def _print_agent_stats(rows: list[dict[str, Any]], output: str) -> None:
    if output == "json":
        print(json.dumps({"agents": rows}, indent=2))
        return
    reasons = sorted({r for row in rows for r in row["not_ready_seconds"]})
    columns = ["agent", "handled", "average_talk_seconds", "average_acw_seconds"]
    columns += [f"not_ready_{reason or 'unspecified'}_seconds" for reason in reasons]
    columns += ["breaks", "average_break_seconds", "occupancy", "utilization"]
    table = []
    for row in rows:
        breaks: dict[str, float] = row["not_ready_seconds"]
        values = {
            **row,
            **{f"not_ready_{r or 'unspecified'}_seconds": breaks.get(r) for r in reasons},
        }
        table.append([values[c] for c in columns])
    if output == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(["" if v is None else v for v in line] for line in table)
        print(out.getvalue(), end="")
        return
    cells = [[_cell(c, v) for c, v in zip(columns, line, strict=True)] for line in table]
    widths = [max([len(c), *(len(line[i]) for line in cells)]) for i, c in enumerate(columns)]
    print(
        "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(columns, widths, strict=True))
        )
    )
    for line in cells:
        print(
            "  ".join(
                v.ljust(w) if i == 0 else v.rjust(w)
                for i, (v, w) in enumerate(zip(line, widths, strict=True))
            )
        )


def _zone_name(text: str) -> str:
    from ..calendars import zone_problem

    message = zone_problem(text)
    if message is not None:
        raise argparse.ArgumentTypeError(message)
    return text


def _cell(column: str, value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.1f}" if column.endswith("_seconds") else f"{100 * value:.1f}%"
    return str(value)


def _load(args: argparse.Namespace) -> RecordSet:
    if (args.file is None) == (args.queue_log is None):
        raise InvalidArgumentError(
            name="file",
            expected="a records file, or --queue-log FILE (one of the two)",
            got=args.file,
        )
    if args.queue_log is None:
        return load_records(args.file)
    from ..adapters.asterisk import load_queue_log

    args.file = args.queue_log
    imported = load_queue_log(args.queue_log, timezone=args.timezone or "UTC")
    print(imported.summary(), file=sys.stderr)
    return imported.record_set()


def _run_report(args: argparse.Namespace) -> int:
    data = _load(args)
    by = () if args.by in ("", "none") else tuple(part.strip() for part in args.by.split(","))
    options = KpiOptions(
        answer_time=args.answer_time,
        abandons=args.abandons,
        short_abandon_seconds=args.short_abandon,
    )
    if args.agent_stats:
        stats = agent_stats(data.records, data.agent_states, options)
        _print_agent_stats(_agent_rows(stats), args.format)
        return 0
    timezone = args.timezone or data.timezone
    if timezone is None:
        raise InvalidArgumentError(
            name="--timezone",
            expected="the center's IANA time zone (e.g. --timezone Asia/Shanghai): "
            f"{args.file} does not give one, and a day in UTC is not the center's day",
            got=None,
        )
    report = build_report(
        data.records,
        data.agent_states,
        granularity=args.period,
        group_by=by,
        timezone=timezone,
        options=options,
        totals=args.totals,
    )
    columns = [c.strip() for c in args.columns.split(",") if c.strip()]
    if args.format == "csv":
        print(report.to_csv(columns), end="")
    elif args.format == "json":
        print(report.to_json(columns))
    else:
        title = f"All {len(data.records):,} contacts of {args.file} ({timezone})"
        print(
            format_summary(
                compute_kpis(data.records, data.agent_states, options), options, title=title
            )
        )
        by_words = ", ".join(by) if by else "period"
        print(report.format_table(columns, title=f"By {args.period} and {by_words}"), end="")
    return 0
