"""``callcenter simulate``: run a scenario through the real engines and print its report."""

from __future__ import annotations

import argparse
import datetime
import sys
import zoneinfo
from pathlib import Path
from typing import TextIO

import attrs

from ..cli import UsageError, check_output
from ..metrics import (
    KpiOptions,
    agent_stats,
    build_report,
    compute_kpis,
    format_agent_table,
    format_ivr_nodes,
    format_summary,
    ivr_node_report,
    records_to_csv,
    records_to_json,
)
from ._driver import simulate
from ._results import SimulationResult
from ._scenario import load_scenario

__all__ = ["register"]

_QUEUE_COLUMNS = (
    "offered",
    "answered",
    "abandoned",
    "short_abandoned",
    "flowed_out",
    "other",
    "answer_rate",
    "service_level",
    "asa_seconds",
    "average_talk_seconds",
    "aht_seconds",
)
_INTERVAL_COLUMNS = (
    "total",
    "ivr_only",
    "offered",
    "answered",
    "abandoned",
    "short_abandoned",
    "flowed_out",
    "other",
    "answer_rate",
    "service_level",
    "asa_seconds",
    "occupancy",
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``simulate`` subcommand."""
    parser = subparsers.add_parser(
        "simulate",
        help="simulate a day of a hotline and print its daily report",
        description=(
            "Run a scenario (TOML or JSON) through the real IVR, ACD, ticket and metrics "
            "engines on a virtual clock, and print the day: a summary of every call "
            "(where it ended, each rate with its formula), then per queue and per "
            "agent; per 30-minute interval with --intervals. The same scenario and "
            "seed give the same records."
        ),
    )
    parser.add_argument("scenario", help="scenario file (.toml or .json)")
    parser.add_argument("--seed", type=int, default=None, help="seed (default: the scenario's)")
    parser.add_argument("--records-out", help="write the contact records to F.csv or F.json")
    parser.add_argument("--report-out", help="write the interval report to F.csv or F.json")
    parser.add_argument("--plot", help="draw the day to F.png (needs the 'plot' extra: matplotlib)")
    parser.add_argument(
        "--intervals",
        action="store_true",
        help="also print the day per 30-minute interval",
    )
    parser.set_defaults(handler=_simulate)


def _suffix(name: str, option: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix not in (".csv", ".json"):
        raise UsageError(option=option, expected="a file name ending in .csv or .json", got=name)
    return suffix


class _Progress:
    """A one-line progress bar on a terminal (stderr), silent elsewhere."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.last = -1

    def __call__(self, done: float) -> None:
        filled = int(done * 30)
        if filled == self.last:
            return
        self.last = filled
        bar = "#" * filled + "." * (30 - filled)
        self.stream.write(f"\rsimulating [{bar}] {done:4.0%}")
        if done >= 1.0:
            self.stream.write("\n")
        self.stream.flush()


def _simulate(args: argparse.Namespace) -> int:
    # Every output is checked before the run, and written before the report is
    # printed: a reader that stops early (| head) still gets complete files.
    for name, option in ((args.records_out, "--records-out"), (args.report_out, "--report-out")):
        if name is not None:
            _suffix(name, option)
            check_output(name, option)
    if args.plot is not None:
        from ._plot import check_plotting

        check_output(args.plot, "--plot")
        check_plotting()
    scenario = load_scenario(args.scenario)
    progress = _Progress(sys.stderr) if sys.stderr is not None and sys.stderr.isatty() else None
    result = simulate(scenario, seed=args.seed, progress=progress)
    report = result.report()
    if args.records_out is not None:
        text = (
            records_to_csv(result.records)
            if _suffix(args.records_out, "--records-out") == ".csv"
            else records_to_json(result.records, result.intervals, timezone=result.timezone)
        )
        Path(args.records_out).write_text(text, encoding="utf-8")
    if args.report_out is not None:
        text = (
            report.to_csv(_INTERVAL_COLUMNS)
            if _suffix(args.report_out, "--report-out") == ".csv"
            else report.to_json(_INTERVAL_COLUMNS)
        )
        Path(args.report_out).write_text(text, encoding="utf-8")
    if args.plot is not None:
        from ._plot import day_span, plot_day

        span = day_span(result)
        open_hours: list[tuple[float, float]] = []
        if span is not None:
            for flow in scenario.flows.values():
                for calendar in flow.calendars.values():
                    open_hours += calendar.open_intervals(*span)
        plot_day(result, args.plot, open_hours=open_hours)
    print(summary(result))
    print()
    print(day_text(result, intervals=args.intervals), end="")
    return 0


def summary(result: SimulationResult) -> str:
    """A few lines about the run: contacts, tickets, what was left unfinished."""
    zone = zoneinfo.ZoneInfo(result.timezone)
    first = min((r.arrived_at for r in result.records), default=None)
    day = "" if first is None else datetime.datetime.fromtimestamp(first, zone).date().isoformat()
    t = result.tickets
    lines = [
        f"scenario {result.scenario!r}, seed {result.seed}, {day} ({result.timezone})",
        f"contacts: {len(result.records)} finished, {result.unfinished} unfinished",
        f"tickets: {t.opened} opened, {t.closed} closed "
        f"({t.closed_within_sla} within SLA), {t.breaches} SLA clocks ran out",
    ]
    return "\n".join(lines)


def day_text(result: SimulationResult, *, intervals: bool = False) -> str:
    """The day as a manager reads it: the summary, then per queue and per agent.

    Args:
        result: A simulated day.
        intervals: Also give one line per 30-minute interval.
    """
    options = KpiOptions(answer_time=result.answer_time)
    t = f"{options.answer_time:g} s"
    day = result.day_report()
    queue_rows = tuple(r for r in day.rows if r.kpis.offered)
    totals = [r for r in day.rows if r.group and r.group[0][1] == "(all)"]
    date = totals[0].period_start.date().isoformat() if totals else ""
    parts = []
    if len(totals) == 1:
        parts.append(
            format_summary(
                totals[0].kpis,
                options,
                title=f"Day summary, {date} ({result.timezone})",
            )
        )
    elif totals:
        # A run of several days: the summary is the whole run's, the tables go by day.
        date = f"{date} to {totals[-1].period_start.date().isoformat()}"
        parts.append(
            format_summary(
                compute_kpis(result.records, result.intervals, options),
                options,
                title=f"Summary of the run, {date} ({result.timezone})",
            )
        )
    by_queue = attrs.evolve(day, rows=queue_rows)
    parts.append(
        by_queue.format_table(
            _QUEUE_COLUMNS,
            title=(
                f"By queue, {date}: the contacts offered to each queue; offered = answered + "
                "abandoned + short_abandoned + flowed_out + other\n"
                "answer_rate = answered / (offered - short_abandoned); "
                f"service_level = answered within {t} / (answered + abandoned + flowed_out)"
            ),
        )
    )
    parts.append(
        format_agent_table(
            agent_stats(result.records, result.intervals, options),
            title=f"By agent, {date}: handled = contacts taken (transfers credit each agent); "
            "talk from answer to hang-up",
        )
    )
    parts.append(
        format_ivr_nodes(
            ivr_node_report(result.records),
            title=f"By IVR node, {date}: entries = hang_ups + to_queue + ended_here + went_on "
            "(to another node)",
        )
    )
    if intervals:
        report = build_report(
            result.records,
            result.intervals,
            granularity="30min",
            group_by=(),
            timezone=result.timezone,
            options=options,
        )
        parts.append(
            report.format_table(
                _INTERVAL_COLUMNS,
                title=f"By 30-minute interval, {date}: total = ivr_only + offered",
            )
        )
    else:
        parts.append("(per 30-minute interval: run with --intervals)\n")
    return "\n".join(parts)
