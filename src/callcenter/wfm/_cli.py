"""``callcenter plan``: history -> forecast -> requirements -> roster -> simulated day."""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import re
from pathlib import Path
from typing import Any

from ..calendars import BusinessCalendar
from ..errors import InvalidArgumentError
from ..metrics import StaffingTargets, load_records
from ..simulation import load_scenario
from ._forecast import backtest, fit_forecast
from ._history import History
from ._loop import DayCheck, check_day, scenario_groups
from ._plan import Requirements, plan_requirements
from ._roster import BreakRule, ShiftTemplate, solve_roster

__all__ = ["register"]

_TARGET = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)\s*$")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``plan`` subcommand."""
    parser = subparsers.add_parser(
        "plan",
        help="forecast a day from contact records, roster it, and simulate it",
        description=(
            "Read contact records, forecast the day's contacts and handle time per "
            "queue and half hour (weekday x intraday profile with a trend; holidays "
            "and make-up days from --calendar), size each skill group by Erlang C (Erlang A "
            "with --patience) for the target, choose the shifts of least cost (HiGHS "
            "through scipy: the 'wfm' extra), and with --scenario simulate the day with "
            "that roster and print its service level per interval against the target."
        ),
    )
    parser.add_argument("records", help="contact records, .csv or .json")
    parser.add_argument("--date", required=True, help="the day to plan, YYYY-MM-DD")
    parser.add_argument(
        "--target", default="80/20", help="service level as PERCENT/SECONDS (default 80/20)"
    )
    parser.add_argument(
        "--scenario", help="scenario file of the hotline: skill groups and the simulated day"
    )
    parser.add_argument("--calendar", help="calendar file with holidays and make-up days")
    parser.add_argument(
        "--timezone",
        help="IANA zone of the history (default: the scenario's, else the calendar's, else UTC)",
    )
    parser.add_argument(
        "--holidays",
        choices=("sunday", "own"),
        default="sunday",
        help="forecast a holiday like a Sunday (default) or with its own profile",
    )
    parser.add_argument(
        "--backtest", type=int, default=2, help="held-out weeks to score (default 2; 0: none)"
    )
    parser.add_argument(
        "--shrinkage", type=float, default=0.0, help="share of rostered time off the phones (0)"
    )
    parser.add_argument(
        "--patience", type=float, help="mean caller patience in seconds: size with Erlang A"
    )
    parser.add_argument(
        "--full-time", type=float, default=9.0, help="full-time shift hours, 1 h lunch (9)"
    )
    parser.add_argument("--part-time", type=float, default=4.0, help="part-time shift hours (4)")
    parser.add_argument(
        "--part-time-share",
        type=float,
        default=0.5,
        help="largest share of a group's heads on part-time shifts (0.5)",
    )
    parser.add_argument(
        "--tolerance", type=float, default=0.1, help="allowed shortfall against the target (0.1)"
    )
    parser.add_argument("--seed", type=int, default=None, help="simulation seed")
    parser.add_argument("--plot", help="draw the simulated day to F.png (needs matplotlib)")
    parser.set_defaults(handler=_plan)


def parse_target(text: str) -> StaffingTargets:
    """Read ``"80/20"`` as 80% answered within 20 seconds.

    Raises:
        InvalidArgumentError: Not ``PERCENT/SECONDS`` with a percent in (0, 100).
    """
    match = _TARGET.match(text)
    if match is None or not 0 < float(match[1]) < 100:
        raise InvalidArgumentError(
            name="--target", expected="PERCENT/SECONDS such as 80/20", got=text
        )
    return StaffingTargets(service_level=float(match[1]) / 100, answer_time=float(match[2]))


def default_templates(
    requirements: Requirements, *, full_time: float, part_time: float
) -> list[ShiftTemplate]:
    """Full-time shifts with a one-hour lunch and part-time shifts, for each group.

    Starts are every half hour from the first interval with a requirement until the
    shift would end after the last one; a part-time hour costs an eighth more.
    """
    step = requirements.interval_seconds
    templates: list[ShiftTemplate] = []
    for group in requirements.plans:
        needed = [i for i, n in enumerate(requirements.agents(group)) if n > 0]
        if not needed:
            continue
        first, last = needed[0] * step, (needed[-1] + 1) * step
        for name, hours, is_part in (
            (f"{group}-ft", full_time, False),
            (f"{group}-pt", part_time, True),
        ):
            length = round(hours * 3600)
            if hours <= 0 or length > 86_400:
                continue
            latest = min(max(first, last - length), 86_400 - length)
            starts = [f"{s // 3600:02d}:{s // 60 % 60:02d}" for s in range(first, latest + 1, 1800)]
            if not starts:
                continue
            breaks = (
                [BreakRule(minutes=60, earliest=180, latest=max(180, int(hours * 60) - 180))]
                if hours >= 6
                else []
            )
            templates.append(
                ShiftTemplate(
                    name=name,
                    group=group,
                    starts=starts,
                    hours=hours,
                    breaks=breaks,
                    cost=hours * (1.125 if is_part else 1.0),
                    part_time=is_part,
                )
            )
    return templates


def _plan(args: argparse.Namespace) -> int:
    try:
        date = datetime.date.fromisoformat(args.date)
    except ValueError:
        raise InvalidArgumentError(
            name="--date", expected="a date YYYY-MM-DD", got=args.date
        ) from None
    targets = parse_target(args.target)
    if args.plot is not None and importlib.util.find_spec("matplotlib") is None:
        raise InvalidArgumentError(
            name="--plot",
            expected="matplotlib installed (pip install 'callcenter[plot]')",
            got="no matplotlib",
        )
    scenario = load_scenario(args.scenario) if args.scenario else None
    calendar = None
    if args.calendar:
        from .._loading import read_document

        calendar = BusinessCalendar.from_dict(read_document(args.calendar))
    zone = args.timezone or (scenario.timezone if scenario else None)
    if zone is None and calendar is not None:
        zone = calendar.timezone.key
    history = History.from_records(load_records(args.records).records, timezone=zone or "UTC")
    print(
        f"history: {history.dates[0]} to {history.dates[-1]} ({len(history.dates)} days), "
        f"queues {', '.join(history.queues)}"
    )
    if args.backtest > 0:
        try:
            scores = backtest(
                history, weeks=args.backtest, calendar=calendar, holidays=args.holidays
            )
        except InvalidArgumentError as exc:
            print(f"backtest skipped: {exc}")
        else:
            print(f"backtest over the weeks from {', '.join(str(w) for w in scores.weeks)}:")
            print(scores.format_table())
    model = fit_forecast(history, calendar=calendar, holidays=args.holidays)
    forecast = model.forecast(date)
    print()
    like = "" if forecast.profile == forecast.kind else f", forecast as a {forecast.profile}"
    print(f"forecast for {date} ({forecast.kind}{like}): {forecast.total:.0f} contacts")
    for queue in forecast.queues:
        print(f"  {queue:<14}{sum(forecast.calls(queue)):>8.0f}")
    groups = scenario_groups(scenario) if scenario else {q: (q, (q,)) for q in forecast.queues}
    requirements = plan_requirements(
        forecast,
        targets=targets,
        groups={g: queues for g, (_, queues) in groups.items()},
        shrinkage=args.shrinkage,
        patience=args.patience,
    )
    templates = default_templates(requirements, full_time=args.full_time, part_time=args.part_time)
    roster = solve_roster(requirements, templates, max_part_time_share=args.part_time_share)
    print()
    print(roster.format_table())
    if scenario is None:
        print()
        print("no --scenario: the day is not simulated")
        return 0
    check = check_day(
        scenario,
        roster,
        requirements,
        agents={g: agent for g, (agent, _) in groups.items()},
        seed=args.seed,
        tolerance=args.tolerance,
    )
    print()
    print(check.format_table())
    if args.plot is not None:
        _plot(check, args.plot)
    return 0


def _plot(check: DayCheck, path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    groups = sorted({i.group for i in check.intervals})
    figure: Any
    figure, axes = plt.subplots(2, len(groups), sharex=True, figsize=(6 * len(groups), 6))
    for column, group in enumerate(groups):
        rows = [i for i in check.intervals if i.group == group]
        hours = [int(i.start[:2]) + int(i.start[3:]) / 60 for i in rows]
        top = axes[0][column] if len(groups) > 1 else axes[0]
        bottom = axes[1][column] if len(groups) > 1 else axes[1]
        top.step(hours, [i.required for i in rows], where="post", label="required")
        top.step(hours, [i.staffed for i in rows], where="post", label="rostered")
        top.set_title(group)
        top.set_ylabel("agents")
        top.legend(loc="upper right")
        levels = [float("nan") if i.service_level is None else 100 * i.service_level for i in rows]
        bottom.plot(hours, levels, marker="o", label="simulated")
        bottom.axhline(100 * check.target, color="grey", linestyle="--", linewidth=1)
        bottom.set_ylim(0, 105)
        bottom.set_ylabel(f"service level, % in {check.answer_time:g} s")
        bottom.set_xlabel(f"hour of {check.date}")
    figure.tight_layout()
    figure.savefig(Path(path), dpi=100)
    plt.close(figure)
