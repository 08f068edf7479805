"""The checks :func:`simulate` makes on a scenario before the run.

A scenario loaded from a document is checked as it loads; a scenario built or changed
in Python (``attrs.evolve``, :meth:`Scenario.with_staff`) is checked again here, so
that a bad one is refused with every problem at its path instead of failing (or
running for hours) half-way.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Mapping
from typing import Any

from .._checks import Problems
from ..errors import Problem
from ..hotline import HotlineDefinition
from ..routing import RoutingDefinition
from ..tickets import BUILTIN_WORKFLOWS
from ._arrivals import PoissonArrivals, ReplayedArrivals
from ._distributions import Deterministic, Empirical, Exponential, LogNormal, NoPatience
from ._limits import arrival_problems, staff_problems, window_problems
from ._scenario import (
    MAX_DAYS,
    MAX_DRAIN_HOURS,
    CallerModel,
    LineModel,
    QueueModel,
    Scenario,
    StaffGroup,
    TicketModel,
)
from ._shifts import Shift

__all__ = ["scenario_problems"]

_DURATIONS = (Exponential, LogNormal, Empirical, Deterministic)


def scenario_problems(scenario: Scenario) -> list[Problem]:
    """Every problem of a scenario built in Python, each at its path, before a run."""
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
