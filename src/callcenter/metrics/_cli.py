"""``callcenter staffing`` and ``callcenter report``."""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
from typing import Any

from .._loading import read_text
from ..errors import DefinitionError, Problem
from ._staffing import (
    IntervalForecast,
    QueuePerformance,
    StaffingTargets,
    evaluate,
    plan_intervals,
    required_agents,
    scheduled_agents,
    traffic_erlangs,
)

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``staffing`` and ``report`` subcommands."""
    _register_staffing(subparsers)
    from ._report_cli import register_report

    register_report(subparsers)


def _register_staffing(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "staffing",
        help="agents needed for a volume and a service-level target (Erlang C or A)",
        description=(
            "Size one interval: the fewest agents that meet a service-level target "
            "(and optionally a maximum occupancy, ASA or abandonment), by Erlang C, or "
            "by Erlang A when --patience is given. With --agents N, evaluate N agents "
            "instead. With --forecast FILE (CSV with columns start, calls, "
            "aht_seconds), size every interval of a forecast."
        ),
    )
    volume = parser.add_mutually_exclusive_group(required=True)
    volume.add_argument("--calls", type=float, help="contacts in the interval")
    volume.add_argument(
        "--forecast", help="CSV file with columns start, calls, aht_seconds (one row per interval)"
    )
    parser.add_argument(
        "--interval", type=float, default=1800.0, help="interval length in seconds (1800)"
    )
    parser.add_argument("--aht", type=float, help="mean handle time in seconds")
    parser.add_argument(
        "--answer-time", type=float, default=20.0, help="service-level threshold, seconds (20)"
    )
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--target-sl", type=float, help="service-level target, e.g. 0.8")
    group.add_argument("--agents", type=int, help="evaluate this many agents instead")
    parser.add_argument("--max-occupancy", type=float, help="largest acceptable occupancy")
    parser.add_argument("--max-asa", type=float, help="largest acceptable ASA in seconds")
    parser.add_argument(
        "--max-abandonment", type=float, help="largest acceptable abandonment (needs --patience)"
    )
    parser.add_argument(
        "--shrinkage", type=float, default=0.0, help="share of paid time off the phones (0)"
    )
    parser.add_argument(
        "--patience", type=float, help="mean caller patience in seconds: use Erlang A"
    )
    parser.add_argument(
        "--sl-basis",
        choices=("offered", "answered"),
        default="offered",
        help="Erlang A service level over offered (default) or answered contacts",
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=_run_staffing, parser=parser)


def _number(value: float) -> float | None:
    return value if math.isfinite(value) else None


def staffing_document(perf: QueuePerformance, shrinkage: float) -> dict[str, Any]:
    """The JSON object ``callcenter staffing --json`` prints for a result."""
    doc: dict[str, Any] = {
        "model": perf.model,
        "traffic_erlangs": perf.traffic_erlangs,
        "agents": perf.agents,
        "agents_with_shrinkage": scheduled_agents(perf.agents, shrinkage),
        "stable": perf.stable,
        "wait_probability": perf.wait_probability,
        # No calls, no data: an interval without traffic has no service level.
        "service_level": perf.service_level if perf.traffic_erlangs else None,
        "asa_seconds": _number(perf.asa_seconds),
        "occupancy": perf.occupancy,
    }
    if perf.model == "erlang_a":
        doc["abandonment"] = perf.abandonment
        doc["service_level_answered"] = (
            perf.service_level_answered if perf.traffic_erlangs else None
        )
    return doc


def _targets(args: argparse.Namespace) -> StaffingTargets:
    return StaffingTargets(
        service_level=args.target_sl,
        answer_time=args.answer_time,
        asa_seconds=args.max_asa,
        max_occupancy=args.max_occupancy,
        max_abandonment=args.max_abandonment,
        service_level_basis=args.sl_basis,
    )


def _read_forecast(path: str) -> list[IntervalForecast]:
    reader = csv.DictReader(io.StringIO(read_text(path), newline=""))
    rows = list(reader)
    problems: list[Problem] = []
    if not rows:
        problems.append(Problem(path="rows", message="no intervals: the forecast is empty"))
    if problems:
        raise DefinitionError(problems, what=f"forecast {path}")
    forecast: list[IntervalForecast] = []
    for index, row in enumerate(rows):
        try:
            forecast.append(
                IntervalForecast(
                    start=row["start"],
                    calls=float(row["calls"]),
                    aht_seconds=float(row["aht_seconds"]),
                )
            )
        except KeyError as exc:
            problems.append(Problem(path=f"rows.{index}", message=f"missing column {exc}"))
        except (TypeError, ValueError) as exc:
            problems.append(Problem(path=f"rows.{index}", message=f"not a number: {exc}"))
    if problems:
        raise DefinitionError(problems, what=f"forecast {path}")
    return forecast


def _share(value: float | None) -> str:
    """A share as a 6-wide percentage; ``-`` for no data (an interval without calls)."""
    return f"{'-':>6}" if value is None else f"{value:>6.1%}"


def _run_plan(args: argparse.Namespace) -> int:
    if args.agents is not None:
        args.parser.error("--agents evaluates one interval; use --calls, not --forecast")
    plan = plan_intervals(
        _read_forecast(args.forecast),
        interval_seconds=args.interval,
        targets=_targets(args),
        shrinkage=args.shrinkage,
        patience=args.patience,
    )
    rows = [
        {
            "start": str(step.start),
            "calls": step.calls,
            **staffing_document(step.performance, args.shrinkage),
        }
        for step in plan
    ]
    if args.json:
        print(json.dumps({"intervals": rows}, indent=2))
        return 0
    print(f"{'start':<20} {'calls':>7} {'erlangs':>8} {'agents':>6} {'scheduled':>9} {'SL':>6}")
    for row in rows:
        print(
            f"{row['start']:<20} {row['calls']:>7g} {row['traffic_erlangs']:>8.2f} "
            f"{row['agents']:>6} {row['agents_with_shrinkage']:>9} {_share(row['service_level'])}"
        )
    return 0


def _run_staffing(args: argparse.Namespace) -> int:
    targets = (args.target_sl, args.max_asa, args.max_occupancy, args.max_abandonment)
    if args.agents is None and all(target is None for target in targets):
        args.parser.error(
            "give a target (--target-sl, --max-asa, --max-occupancy, --max-abandonment) "
            "or --agents N to evaluate"
        )
    if args.forecast is not None:
        return _run_plan(args)
    if args.aht is None:
        args.parser.error("--aht is required with --calls")
    a = traffic_erlangs(args.calls, args.interval, args.aht)
    if args.agents is not None:
        perf = evaluate(args.agents, a, args.aht, args.answer_time, patience=args.patience)
    else:
        perf = required_agents(a, args.aht, _targets(args), patience=args.patience)
    doc = staffing_document(perf, args.shrinkage)
    if args.json:
        print(json.dumps(doc, indent=2))
        return 0
    label = "Erlang A" if perf.model == "erlang_a" else "Erlang C"
    print(f"{label}: {doc['traffic_erlangs']:.4g} Erlangs")
    print(f"agents on the phones    {doc['agents']}")
    print(f"agents with shrinkage   {doc['agents_with_shrinkage']}")
    print(f"waiting probability     {doc['wait_probability']:.4f}")
    level = doc["service_level"]
    print(f"service level ({args.answer_time:g} s)   {'-' if level is None else f'{level:.4f}'}")
    asa = doc["asa_seconds"]
    print(f"ASA                     {'unstable' if asa is None else f'{asa:.1f} s'}")
    print(f"occupancy               {doc['occupancy']:.4f}")
    if "abandonment" in doc:
        print(f"abandonment             {doc['abandonment']:.4f}")
    return 0
