"""What a scenario may ask of one run, and the checks :func:`simulate` makes up front.

A scenario loaded from a document is checked as it loads; a scenario built or changed
in Python (``attrs.evolve``, :meth:`Scenario.with_staff`) is checked again by
:func:`simulate` before the run starts, so that a bad one is refused with every
problem at its path instead of failing (or running for hours) half-way.
"""

from __future__ import annotations

import datetime
import math
import zoneinfo
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from .._checks import Problems
from .._clock import EARLIEST, LATEST
from ..errors import Problem
from ..hotline import HotlineDefinition
from ..routing import RoutingDefinition
from ..tickets import BUILTIN_WORKFLOWS
from ._arrivals import PoissonArrivals, ReplayedArrivals
from ._distributions import Deterministic, Empirical, Exponential, LogNormal, NoPatience
from ._shifts import Shift

if TYPE_CHECKING:
    from ._scenario import LineModel, Scenario

__all__ = [
    "MAX_AGENT_DAYS",
    "MAX_CALLS",
    "arrival_problems",
    "expected_calls",
    "scenario_problems",
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

_DURATIONS = (Exponential, LogNormal, Empirical, Deterministic)
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


def arrival_problems(lines: Mapping[str, LineModel], days: float) -> Iterator[Problem]:
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


def scenario_problems(scenario: Scenario) -> list[Problem]:
    """Every problem of a scenario built in Python, each at its path, before a run."""
    from ._scenario import (
        MAX_DAYS,
        MAX_DRAIN_HOURS,
        CallerModel,
        LineModel,
        QueueModel,
        StaffGroup,
        TicketModel,
    )

    # Read as values of any type: a scenario built in Python may hold anything.
    sc: Any = scenario
    problems = Problems()
    try:
        zoneinfo.ZoneInfo(sc.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        problems.add("timezone", f"unknown time zone {sc.timezone!r}")
    before = len(problems.items)
    if not isinstance(sc.name, str):
        problems.add("name", f"expected text, got {sc.name!r}")
    if not isinstance(sc.date, datetime.date):
        problems.add("date", f"expected a date, got {sc.date!r}")
    if not isinstance(sc.routing, RoutingDefinition):
        problems.add("routing", f"expected a RoutingDefinition, got {type(sc.routing).__name__}")
    if sc.hotline is not None and not isinstance(sc.hotline, HotlineDefinition):
        problems.add("hotline", f"expected a HotlineDefinition, got {type(sc.hotline).__name__}")
    if not isinstance(sc.flows, Mapping):
        problems.add("flows", f"expected a table of flows, got {type(sc.flows).__name__}")
    for name in ("staff", "tickets"):
        if not isinstance(getattr(sc, name), tuple | list):
            problems.add(name, f"expected a list, got {type(getattr(sc, name)).__name__}")
    if len(problems.items) > before:
        return problems.items  # the rest reads these
    problems.number("seed", sc.seed, integer=True, minimum=0)
    problems.number("days", sc.days, minimum=0, exclusive_minimum=True, maximum=MAX_DAYS)
    problems.number("drain_hours", sc.drain_hours, minimum=0, maximum=MAX_DRAIN_HOURS)
    problems.number("answer_time", sc.answer_time, minimum=0)
    routing = sc.routing
    queues = {q.id for q in routing.queues}
    agents = {a.id for a in routing.agents}
    lines: dict[str, LineModel] = {}
    hotline_lines = set() if sc.hotline is None else {line.id for line in sc.hotline.lines}
    if not isinstance(sc.lines, Mapping):
        problems.add("lines", f"expected a table of line models, got {type(sc.lines)}")
    else:
        for name, line in sc.lines.items():
            path = f"lines.{name}"
            arrivals: object = getattr(line, "arrivals", None)
            if not isinstance(line, LineModel):
                problems.add(path, f"expected a LineModel, got {type(line).__name__}")
            elif not isinstance(arrivals, PoissonArrivals | ReplayedArrivals):
                problems.add(
                    f"{path}.arrivals",
                    f"expected an arrival process, got {type(arrivals).__name__}",
                )
            else:
                lines[name] = line
                if sc.hotline is not None and name not in hotline_lines:
                    known = ", ".join(sorted(hotline_lines))
                    message = f"the hotline has no line {name!r}; expected one of: {known}"
                    problems.add(path, message)
                if line.queue is not None and line.queue not in queues:
                    problems.add(f"{path}.queue", f"unknown queue {line.queue!r}")
                if line.ivr is not None and line.ivr not in sc.flows:
                    problems.add(f"{path}.ivr", f"no flow {line.ivr!r} in the scenario's flows")
    if not isinstance(sc.queues, Mapping):
        problems.add("queues", f"expected a table of queue models, got {type(sc.queues)}")
    else:
        for queue in sorted(queues - set(sc.queues)):
            problems.add(f"queues.{queue}", "no handle_time model for this queue")
        for queue, model in sc.queues.items():
            path = f"queues.{queue}"
            if queue not in queues:
                problems.add(path, "not a queue of the routing definition")
            if not isinstance(model, QueueModel):
                problems.add(path, f"expected a QueueModel, got {type(model).__name__}")
                continue
            handle_time: object = model.handle_time
            patience: object = model.patience
            if not isinstance(handle_time, _DURATIONS):
                problems.add(f"{path}.handle_time", "expected a duration model")
            if not isinstance(patience, (*_DURATIONS, NoPatience)):
                problems.add(f"{path}.patience", "expected a duration model or NoPatience")
    seen: set[str] = set()
    for index, group in enumerate(sc.staff):
        path = f"staff.{index}"
        if not isinstance(group, StaffGroup):
            problems.add(path, f"expected a StaffGroup, got {type(group).__name__}")
            continue
        members: object = group.agents
        shift: object = group.shift
        if not isinstance(members, tuple | list):
            problems.add(f"{path}.agents", f"expected a list of agent ids, got {members!r}")
            continue
        if shift is not None and not isinstance(shift, Shift):
            problems.add(f"{path}.shift", f"expected a Shift, got {type(shift).__name__}")
        for agent in group.agents:
            if agent not in agents:
                problems.add(f"{path}.agents", f"unknown agent {agent!r}")
            elif agent in seen:
                problems.add(f"{path}.agents", f"{agent!r} listed twice")
            seen.add(agent)
    callers = sc.callers
    if not isinstance(callers, CallerModel):
        problems.add("callers", f"expected a CallerModel, got {type(callers).__name__}")
    elif callers.vip_agent is not None and callers.vip_agent not in agents:
        problems.add("callers.vip_agent", f"unknown agent {callers.vip_agent!r}")
    for index, ticket in enumerate(sc.tickets):
        path = f"tickets.{index}"
        if not isinstance(ticket, TicketModel):
            problems.add(path, f"expected a TicketModel, got {type(ticket).__name__}")
            continue
        if ticket.queue not in queues:
            problems.add(f"{path}.queue", f"unknown queue {ticket.queue!r}")
        if ticket.workflow not in BUILTIN_WORKFLOWS:
            names = sorted(BUILTIN_WORKFLOWS)
            problems.add(f"{path}.workflow", f"expected one of {names}, got {ticket.workflow!r}")
    if not problems.items:
        for problem in staff_problems(len(seen), sc.days):
            problems.add(problem.path, problem.message)
        for problem in window_problems(sc.date, sc.timezone, sc.days, sc.drain_hours):
            problems.add(problem.path, problem.message)
    if not problems.items and lines:
        for problem in arrival_problems(lines, sc.days):
            problems.add(problem.path, problem.message)
    return problems.items
