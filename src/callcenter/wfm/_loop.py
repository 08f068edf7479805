"""Closing the loop: a roster becomes a scenario's staff, and the day is simulated.

:func:`staff_scenario` turns each placement of a roster into a simulation
:class:`~callcenter.simulation.StaffGroup`: its heads are new agents, copies of a
template agent of the scenario's routing definition (same skills, queues and
capacity), working the placement's shift. :func:`check_day` simulates the scenario's
day with them -- the scenario's own arrivals, IVR, patience and handle times, not the
forecast -- and sets the service level of each skill group per interval against the
plan's target.

:func:`simulate_history` makes weeks of history from a one-day scenario: each day's
arrival profile is scaled by a weekday factor, a holiday factor and a linear growth,
and simulated with the scenario's staff.
"""

from __future__ import annotations

import datetime
import math
import zoneinfo
from collections.abc import Mapping, Sequence

import attrs

from .._checks import check_argument, number_problem
from ..calendars import BusinessCalendar
from ..errors import InvalidArgumentError
from ..metrics import ContactRecord, KpiOptions, evaluate, service_level, traffic_erlangs
from ..simulation import (
    PoissonArrivals,
    Scenario,
    SimulationResult,
    StaffGroup,
    derive_seed,
    simulate,
)
from ._history import day_kind
from ._plan import Requirements
from ._roster import Roster

__all__ = [
    "DayCheck",
    "IntervalCheck",
    "check_day",
    "scenario_groups",
    "simulate_history",
    "staff_scenario",
]

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def simulate_history(
    scenario: Scenario,
    *,
    start: datetime.date,
    days: int,
    calendar: BusinessCalendar | None = None,
    weekly: Sequence[float] = (1.0, 1.0, 1.0, 1.0, 1.0, 0.6, 0.4),
    holiday: float = 0.3,
    growth_per_week: float = 0.0,
    seed: int | None = None,
) -> tuple[ContactRecord, ...]:
    """Simulate ``days`` consecutive days of a scenario, with weekly seasonality and trend.

    Day ``n`` (from ``start``) gets the scenario's arrival profile times
    ``weekly[kind] * (1 + growth_per_week * n / 7)``, where ``kind`` is its weekday
    (a make-up working day: the weekday it keeps) or ``holiday`` for a holiday of
    ``calendar``. A day with factor 0 is closed and not simulated.

    Args:
        scenario: A scenario whose lines have Poisson arrivals.
        start: The first date.
        days: How many days.
        calendar: Holidays and make-up working days.
        weekly: Seven factors, Monday first.
        holiday: The factor of a holiday.
        growth_per_week: Linear growth of the volume per week (0.02: +2% a week).
        seed: Base seed (default: the scenario's); each day gets its own.

    Returns:
        The contact records of every day, in order.

    Raises:
        InvalidArgumentError: A bad argument, or a line whose arrivals are not Poisson.
    """
    if not isinstance(start, datetime.date):
        raise InvalidArgumentError(name="start", expected="a datetime.date", got=start)
    days = int(check_argument("days", days, minimum=1, maximum=3660, integer=True))
    factors = tuple(weekly)
    if len(factors) != 7 or any(number_problem(f, minimum=0) for f in factors):
        raise InvalidArgumentError(
            name="weekly", expected="seven factors >= 0, Monday first", got=weekly
        )
    check_argument("holiday", holiday, minimum=0)
    check_argument("growth_per_week", growth_per_week, minimum=-1)
    for name, line in scenario.lines.items():
        if not isinstance(line.arrivals, PoissonArrivals):
            raise InvalidArgumentError(
                name=f"lines.{name}.arrivals", expected="Poisson arrivals", got=line.arrivals
            )
    base = scenario.seed if seed is None else seed
    records: list[ContactRecord] = []
    for n in range(days):
        date = start + datetime.timedelta(days=n)
        kind = day_kind(date, calendar)
        factor = holiday if kind == "holiday" else factors[_WEEKDAYS.index(kind)]
        factor *= max(0.0, 1.0 + growth_per_week * n / 7)
        if factor <= 0:
            continue
        lines = {}
        for name, line in scenario.lines.items():
            assert isinstance(line.arrivals, PoissonArrivals)
            scaled = tuple(v * factor for v in line.arrivals.per_interval)
            lines[name] = attrs.evolve(
                line, arrivals=attrs.evolve(line.arrivals, per_interval=scaled)
            )
        day = attrs.evolve(scenario, date=date, lines=lines)
        result = simulate(day, seed=derive_seed(base, 0, n))
        records.extend(result.records)
    return tuple(records)


def scenario_groups(scenario: Scenario) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Skill groups read from a scenario's staff: name to (template agent, queues).

    Staffed agents are taken in the order of the staff groups; an agent whose queues
    are not all already in a group starts a new group, named after the agent's id
    without a trailing ``-number`` and answering the queues no earlier group
    answers. Agents whose queues are all taken (a VIP desk that helps everyone, a
    mobile seat of a queue) start no group.
    """
    agents = {a.id: a for a in scenario.routing.agents}
    groups: dict[str, tuple[str, tuple[str, ...]]] = {}
    taken: set[str] = set()
    for staff in scenario.staff:
        for agent_id in staff.agents:
            queues = tuple(m.queue for m in agents[agent_id].queues if m.queue not in taken)
            if not queues:
                continue
            name = agent_id.rstrip("0123456789").rstrip("-_") or agent_id
            while name in groups:
                name += "'"
            groups[name] = (agent_id, queues)
            taken.update(queues)
    return groups


def staff_scenario(
    scenario: Scenario,
    roster: Roster,
    *,
    agents: Mapping[str, str],
    date: datetime.date | None = None,
) -> Scenario:
    """A copy of ``scenario`` staffed by ``roster`` (and nobody else), on ``date``.

    Args:
        scenario: The scenario to staff.
        roster: The roster.
        agents: For each skill group of the roster, the agent of the scenario's
            routing definition its heads copy (skills, queues, capacity); the heads'
            way of answering (delay, rings unanswered) is that agent's staff group's.
        date: The day to simulate (default: the scenario's).

    Returns:
        The new scenario. Agents of the original staff are off duty, the scenario's
        VIP agent among them, so VIP callers are not held for that agent.

    Raises:
        InvalidArgumentError: A group without a template agent, or an unknown agent.
    """
    known = {a.id: a for a in scenario.routing.agents}
    answering = {a: g for g in scenario.staff for a in g.agents}
    new_agents = list(scenario.routing.agents)
    staff: list[StaffGroup] = []
    counts: dict[str, int] = {}
    for placement in roster.placements:
        template_id = agents.get(placement.group)
        if template_id is None or template_id not in known:
            raise InvalidArgumentError(
                name=f"agents.{placement.group}",
                expected=f"an agent of the routing definition ({', '.join(sorted(known))})",
                got=template_id,
            )
        template = known[template_id]
        ids: list[str] = []
        for _ in range(placement.heads):
            counts[placement.group] = counts.get(placement.group, 0) + 1
            new_id = f"{placement.group}-roster-{counts[placement.group]}"
            while new_id in known:
                new_id += "'"
            new_agents.append(attrs.evolve(template, id=new_id))
            ids.append(new_id)
        model = answering.get(template_id, StaffGroup(agents=()))
        staff.append(
            StaffGroup(
                agents=tuple(ids),
                shift=placement.shift(),
                ring_no_answer=model.ring_no_answer,
                answer_after=model.answer_after,
            )
        )
    routing = attrs.evolve(scenario.routing, agents=tuple(new_agents))
    callers = attrs.evolve(scenario.callers, vip_agent=None)
    staffed = scenario.with_routing(routing).with_staff(tuple(staff))
    return attrs.evolve(staffed, callers=callers, date=scenario.date if date is None else date)


@attrs.frozen(kw_only=True)
class IntervalCheck:
    """One skill group in one interval: the plan against the simulated day.

    Attributes:
        group: The skill group.
        start: The interval's local start, ``"HH:MM"``.
        forecast: Forecast contacts.
        required: Agents the plan requires.
        staffed: Agents the roster puts on (a head on a break half the interval
            counts one half).
        planned_service_level: Service level Erlang C expects with the rostered
            agents (whole agents) and the forecast (``None`` without forecast).
        offered: Contacts offered in the simulation.
        service_level: Simulated service level (``None`` without contacts).
        within: Whether the simulated service level reaches the target less the
            tolerance (``None`` without contacts).
    """

    group: str
    start: str
    forecast: float
    required: float
    staffed: float
    planned_service_level: float | None
    offered: int
    service_level: float | None
    within: bool | None

    @property
    def covered(self) -> bool:
        """Whether the roster puts on at least the required agents."""
        return self.staffed >= self.required


@attrs.frozen(kw_only=True)
class DayCheck:
    """The simulated day of a roster, interval by interval.

    Attributes:
        date: The simulated date.
        target: The service level the plan is sized for.
        answer_time: Its threshold in seconds.
        tolerance: How far below the target an interval may fall and count as
            within the plan.
        intervals: One check per group and interval with a requirement, staff or
            contacts, by group then time.
        simulation: The simulation's result (records, reports).
    """

    date: datetime.date
    target: float
    answer_time: float
    tolerance: float
    intervals: tuple[IntervalCheck, ...]
    simulation: SimulationResult

    def day_service_level(self, group: str | None = None) -> float | None:
        """The simulated service level of ``group`` (or of all) over the day."""
        offered = [i for i in self.intervals if group is None or i.group == group]
        total = sum(i.offered for i in offered)
        if total == 0:
            return None
        met = math.fsum((i.service_level or 0.0) * i.offered for i in offered)
        return met / total

    def format_table(self) -> str:
        """The day as a text table, one group and interval per line."""

        def pct(value: float | None) -> str:
            return "-" if value is None else f"{value:.0%}"

        header = (
            f"{'group':<12}{'start':<7}{'forecast':>9}{'required':>9}{'rostered':>9}"
            f"{'plan_sl':>8}{'offered':>8}{'sim_sl':>8}  verdict"
        )
        lines = [header]
        for i in self.intervals:
            if i.within is None:
                verdict = ""
            elif i.within:
                verdict = "ok"
            else:
                verdict = "BELOW" + ("" if i.covered else " (under-staffed)")
            lines.append(
                f"{i.group:<12}{i.start:<7}{i.forecast:>9.1f}{i.required:>9g}{i.staffed:>9g}"
                f"{pct(i.planned_service_level):>8}{i.offered:>8}{pct(i.service_level):>8}"
                f"  {verdict}"
            )
        lines.append(
            f"target {self.target:.0%} in {self.answer_time:g} s (tolerance "
            f"{self.tolerance:.0%}); day service level {pct(self.day_service_level())}"
        )
        return "\n".join(lines)


def check_day(
    scenario: Scenario,
    roster: Roster,
    requirements: Requirements,
    *,
    agents: Mapping[str, str],
    seed: int | None = None,
    tolerance: float = 0.1,
) -> DayCheck:
    """Simulate the requirements' day staffed by ``roster`` and check each interval.

    Args:
        scenario: The hotline (its routing, lines, callers, queue models).
        roster: The roster to try.
        requirements: The plan the roster was made for (its targets and forecast).
        agents: Template agent per skill group (see :func:`staff_scenario`).
        seed: The simulation's seed (default: the scenario's).
        tolerance: How far below the target an interval may fall (in [0, 1]).

    Returns:
        The :class:`DayCheck`.

    Raises:
        InvalidArgumentError: A bad argument, targets without a service level, or a
            roster whose interval differs from the requirements'.
    """
    targets = requirements.targets
    if targets.service_level is None or targets.answer_time is None:
        raise InvalidArgumentError(
            name="requirements.targets",
            expected="a service level and its answer time",
            got=targets,
        )
    check_argument("tolerance", tolerance, minimum=0, maximum=1)
    if roster.interval_seconds != requirements.interval_seconds:
        raise InvalidArgumentError(
            name="roster",
            expected=f"intervals of {requirements.interval_seconds} s",
            got=roster.interval_seconds,
        )
    day = staff_scenario(scenario, roster, agents=agents, date=requirements.date)
    result = simulate(day, seed=seed)
    step = requirements.interval_seconds
    zone = zoneinfo.ZoneInfo(requirements.timezone)
    owner = {q: g for g, queues in requirements.groups.items() for q in queues}
    buckets: dict[tuple[str, int], list[ContactRecord]] = {}
    for record in result.records:
        if not record.queues or record.queues[0] not in owner or record.queued_at is None:
            continue
        local = datetime.datetime.fromtimestamp(record.queued_at, zone)
        if local.date() != requirements.date:
            continue
        slot = (local.hour * 3600 + local.minute * 60 + local.second) // step
        buckets.setdefault((owner[record.queues[0]], slot), []).append(record)
    options = KpiOptions(answer_time=targets.answer_time)
    checks: list[IntervalCheck] = []
    for group, plans in requirements.plans.items():
        coverage = roster.coverage.get(group)
        for slot, plan in enumerate(plans):
            staffed = coverage.staffed[slot] if coverage is not None else 0.0
            records = buckets.get((group, slot), [])
            if not records and plan.scheduled_agents == 0 and staffed == 0:
                continue
            sl = service_level(records, options) if records else None
            planned = None
            if plan.calls > 0:
                aht = plan.performance.aht_seconds
                traffic = traffic_erlangs(plan.calls, step, aht)
                planned = evaluate(
                    math.floor(staffed + 1e-9), traffic, aht, targets.answer_time
                ).service_level
            checks.append(
                IntervalCheck(
                    group=group,
                    start=f"{slot * step // 3600:02d}:{slot * step // 60 % 60:02d}",
                    forecast=plan.calls,
                    required=float(plan.scheduled_agents),
                    staffed=staffed,
                    planned_service_level=planned,
                    offered=len(records),
                    service_level=sl,
                    within=None if sl is None else sl >= targets.service_level - tolerance,
                )
            )
    return DayCheck(
        date=requirements.date,
        target=targets.service_level,
        answer_time=targets.answer_time,
        tolerance=float(tolerance),
        intervals=tuple(checks),
        simulation=result,
    )
