"""``callcenter simulate``: run a scenario through the real engines and print its report."""

from __future__ import annotations

import argparse
import datetime
import sys
import zoneinfo
from pathlib import Path
from typing import TextIO

from ..cli import UsageError, check_output
from ..metrics import records_to_csv, records_to_json
from ._driver import simulate
from ._results import SimulationResult
from ._scenario import load_scenario

__all__ = ["register"]

_COLUMNS = (
    "offered",
    "answered",
    "abandoned",
    "answer_rate",
    "service_level",
    "asa_seconds",
    "aht_seconds",
    "occupancy",
    "ivr_containment",
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``simulate`` subcommand."""
    parser = subparsers.add_parser(
        "simulate",
        help="simulate a day of a hotline and print its daily report",
        description=(
            "Run a scenario (TOML or JSON) through the real IVR, ACD, ticket and metrics "
            "engines on a virtual clock, and print the day per queue and per 30-minute "
            "interval. The same scenario and seed give the same records."
        ),
    )
    parser.add_argument("scenario", help="scenario file (.toml or .json)")
    parser.add_argument("--seed", type=int, default=None, help="seed (default: the scenario's)")
    parser.add_argument("--records-out", help="write the contact records to F.csv or F.json")
    parser.add_argument("--report-out", help="write the interval report to F.csv or F.json")
    parser.add_argument("--plot", help="draw the day to F.png (needs the 'plot' extra: matplotlib)")
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
            else records_to_json(result.records, result.intervals)
        )
        Path(args.records_out).write_text(text, encoding="utf-8")
    if args.report_out is not None:
        text = (
            report.to_csv(_COLUMNS)
            if _suffix(args.report_out, "--report-out") == ".csv"
            else report.to_json(_COLUMNS)
        )
        Path(args.report_out).write_text(text, encoding="utf-8")
    if args.plot is not None:
        from ._plot import plot_day

        plot_day(result, args.plot)
    print(summary(result))
    print()
    print(result.day_report().format_table(_COLUMNS))
    print()
    print(report.format_table(_COLUMNS))
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
