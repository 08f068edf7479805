"""What a scenario may ask of one run: the size and calendar limits.

Checked when a scenario loads and again by :func:`simulate` before a run, so that a
run that would take hours is refused before it starts.
"""

from __future__ import annotations

import datetime
import math
import zoneinfo
from collections.abc import Iterator, Mapping
from typing import Any

from .._clock import EARLIEST, LATEST
from ..errors import Problem
from ._arrivals import PoissonArrivals, ReplayedArrivals

__all__ = [
    "MAX_AGENT_DAYS",
    "MAX_CALLS",
    "arrival_problems",
    "expected_calls",
    "staff_problems",
    "window_problems",
]

MAX_CALLS = 1_000_000
"""The most calls a run may expect (the sum of its lines' expected arrivals in the run).

The simulator carries a few thousand calls a second through an IVR, the ACD and the
record builder on one core (the Tianjin scenario, IVR and all, runs at about 3,500), so
a run at the limit takes minutes; a scenario that expects more (an arrival rate typed
per second instead of per interval, a year of a large center in one run) is refused
when it loads, before it would run for hours. Split such a run into shorter scenarios
(a study replicates them in parallel).
"""

MAX_AGENT_DAYS = 1_000_000
"""The most agent-days a run may plan (staffed agents times days started).

Each agent-day is a few shift changes (log in, breaks, log out), each an input of the
hotline and an agent state interval: some 100 microseconds an agent-day, so a run at
the limit spends about two minutes on its shifts (20,000 agents for 50 days). More is
refused when the scenario loads.
"""

_DAY = 86400.0


def expected_calls(arrivals: object, window: float) -> float:
    """The expected number of arrivals of ``arrivals`` in ``[0, window)`` seconds."""
    if isinstance(arrivals, ReplayedArrivals):
        return float(sum(1 for t in arrivals.at if 0 <= t < window))
    if isinstance(arrivals, PoissonArrivals):
        total = 0.0
        interval = arrivals.interval
        for index, volume in enumerate(arrivals.per_interval):
            if volume <= 0:
                continue
            begin = arrivals.start + index * interval
            end = arrivals.start + (index + 1) * interval
            overlap = min(end, window) - max(begin, 0.0)
            if overlap > 0:
                total += volume * (overlap / interval)
        return total
    return 0.0


def _early(arrivals: object) -> str | None:
    """The path (under the arrivals) of the first arrival before midnight, if any."""
    if isinstance(arrivals, ReplayedArrivals):
        for index, t in enumerate(arrivals.at):
            if t < 0:
                return f"at.{index}"
    elif isinstance(arrivals, PoissonArrivals) and arrivals.start < 0:
        for index, volume in enumerate(arrivals.per_interval):
            if volume > 0 and arrivals.start + index * arrivals.interval < 0:
                return "start"
    return None


def arrival_problems(lines: Mapping[str, Any], days: float) -> Iterator[Problem]:
    """Arrivals before the run starts, and a run that expects more than :data:`MAX_CALLS`."""
    window = days * _DAY
    per_line: dict[str, float] = {}
    for name, line in lines.items():
        arrivals = line.arrivals
        early = _early(arrivals)
        if early is not None:
            yield Problem(
                path=f"lines.{name}.arrivals.{early}",
                message="arrivals are in seconds after local midnight of the scenario's "
                "date; this one comes before it (expected seconds >= 0)",
            )
        per_line[name] = expected_calls(arrivals, window)
    total = sum(per_line.values())
    if total > MAX_CALLS:
        largest = sorted(per_line.items(), key=lambda item: -item[1])[:3]
        detail = ", ".join(f"{name} {calls:,.0f}" for name, calls in largest)
        yield Problem(
            path="lines",
            message=f"the lines expect {total:,.0f} calls in the run ({detail}); a run may "
            f"expect at most {MAX_CALLS:,} (minutes of simulation): lower the rates "
            "(per_interval is the number of calls per interval) or run fewer days",
        )


def window_problems(
    date: datetime.date, timezone: str, days: float, drain_hours: float
) -> Iterator[Problem]:
    """A run that would start or end outside the instants the engines accept.

    The clock runs from local midnight of ``date`` to ``days`` later, plus the drain.
    """
    try:
        zone = zoneinfo.ZoneInfo(timezone)
        start = datetime.datetime.combine(date, datetime.time(), zone).timestamp()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError, OverflowError):
        start = None
    end = None if start is None else start + days * _DAY + drain_hours * 3600.0
    if start is None or end is None or start < EARLIEST or end > LATEST:
        yield Problem(
            path="date",
            message=f"the run from {date} ({days:g} days and {drain_hours:g} hours of "
            "drain) must lie between 0001-01-02 and 9999-12-31 UTC",
        )


def staff_problems(agents: int, days: float) -> Iterator[Problem]:
    """A run that plans more than :data:`MAX_AGENT_DAYS` agent-days of shifts."""
    planned = agents * math.ceil(days)
    if planned > MAX_AGENT_DAYS:
        yield Problem(
            path="staff",
            message=f"{agents:,} agents for {math.ceil(days)} days are {planned:,} "
            f"agent-days of shifts; a run may plan at most {MAX_AGENT_DAYS:,} "
            "(minutes of simulation): run fewer days or fewer agents",
        )
