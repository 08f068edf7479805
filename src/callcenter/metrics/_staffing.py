"""Staffing: evaluate a number of agents, find the fewest that meet targets, plan intervals.

The search walks agent counts upwards from the first candidate (Erlang C: the
smallest integer above the traffic, so ``ceil(A)`` is never skipped when ``A`` is
not an integer; Erlang A: one agent), extending the Erlang B recursion by one step
per candidate, so a search costs about as much as one evaluation.

Rounding a head count up (``ceil(N / (1 - shrinkage))``, ``ceil(A / occupancy)``) is
done in exact rational arithmetic, with a float ratio read as the decimal it is
written as (``0.3`` is 3/10), so ``21 / (1 - 0.3)`` gives 30, not the 31 that
``math.ceil(21 / 0.7)`` gives in floats.
"""

from __future__ import annotations

import datetime
import functools
import math
from collections.abc import Iterable
from fractions import Fraction
from typing import Literal

import attrs

from ..errors import InvalidArgumentError
from ._erlang import _c_values, _check_agents, _check_positive, _Inverse
from ._erlang_a import erlang_a_values

__all__ = [
    "IntervalForecast",
    "IntervalPlan",
    "QueuePerformance",
    "StaffingTargets",
    "evaluate",
    "plan_intervals",
    "required_agents",
    "scheduled_agents",
    "traffic_erlangs",
]

ServiceLevelBasis = Literal["offered", "answered"]

MAX_TRAFFIC = 100_000.0
"""The most offered traffic (Erlangs) that :func:`evaluate` and :func:`required_agents`
size: a hundred thousand agents busy at once, far above any contact center, and small
enough that every answer comes in milliseconds (a mistyped ``1e18`` calls is refused
instead of running for hours)."""


MAX_AGENTS = 1_000_000
"""The most agents :func:`evaluate` sizes."""


def _check_load(agents: int) -> None:
    if agents > MAX_AGENTS:
        raise InvalidArgumentError(
            name="agents", expected=f"at most {MAX_AGENTS:,} agents", got=agents
        )


def _check_traffic(value: object) -> float:
    a = _check_positive(value, "traffic", allow_zero=True)
    if a > MAX_TRAFFIC:
        raise InvalidArgumentError(
            name="traffic",
            expected=f"offered traffic of at most {MAX_TRAFFIC:,.0f} Erlangs "
            "(calls x handle time / interval)",
            got=value,
        )
    return a


def _exact(value: object, name: str) -> Fraction:
    """Read a number as the decimal it is written as (float ``0.3`` -> 3/10)."""
    if isinstance(value, bool):
        raise InvalidArgumentError(name=name, expected="a number", got=value)
    if isinstance(value, Fraction | int):
        return Fraction(value)
    if isinstance(value, float) and math.isfinite(value):
        return Fraction(repr(value))
    raise InvalidArgumentError(name=name, expected="a finite number", got=value)


def traffic_erlangs(calls: float, interval_seconds: float, aht_seconds: float) -> float:
    """Offered traffic in Erlangs: ``calls * aht / interval``.

    Args:
        calls: Contacts arriving in the interval (>= 0).
        interval_seconds: The interval's length (> 0).
        aht_seconds: Mean handle time (> 0).

    Returns:
        ``A``, rounded once from the exact product of the inputs as written.

    Raises:
        InvalidArgumentError: On a negative or non-finite input.

    >>> traffic_erlangs(100, 1800, 180)
    10.0
    """
    _check_positive(calls, "calls", allow_zero=True)
    _check_positive(interval_seconds, "interval_seconds")
    _check_positive(aht_seconds, "aht_seconds")
    exact = (
        _exact(calls, "calls")
        * _exact(aht_seconds, "aht_seconds")
        / _exact(interval_seconds, "interval_seconds")
    )
    return float(exact)


def scheduled_agents(agents: int, shrinkage: float | Fraction) -> int:
    """Agents to schedule so that ``agents`` are on the phones after shrinkage.

    ``ceil(agents / (1 - shrinkage))`` in exact arithmetic (``shrinkage`` read as the
    decimal it is written as).

    Args:
        agents: Agents needed on the phones.
        shrinkage: Share of paid time not available for contacts (breaks, training,
            absence), in [0, 1).

    Returns:
        The head count to schedule.

    Raises:
        InvalidArgumentError: ``shrinkage`` outside [0, 1).

    >>> scheduled_agents(21, 0.3)
    30
    """
    n = _check_agents(agents)
    share = _exact(shrinkage, "shrinkage")
    if not 0 <= share < 1:
        raise InvalidArgumentError(name="shrinkage", expected="a share in [0, 1)", got=shrinkage)
    return math.ceil(Fraction(n) / (1 - share))


@attrs.frozen(kw_only=True)
class QueuePerformance:
    """What a queue with a given number of agents is expected to do.

    Attributes:
        model: ``"erlang_c"`` (callers wait forever) or ``"erlang_a"`` (callers
            abandon after an exponential patience).
        agents: Agents on the phones.
        traffic_erlangs: Offered traffic ``A``.
        aht_seconds: Mean handle time.
        answer_time_seconds: The service-level threshold ``t``.
        patience_seconds: Mean patience (Erlang A), else ``None``.
        stable: False for Erlang C with ``agents <= A`` (the queue grows without
            bound); always True for Erlang A.
        wait_probability: Share of contacts that wait at all.
        service_level: Share answered within ``t`` over offered contacts (Erlang A:
            abandoned contacts count against it). ``None`` without traffic: with
            no contacts the share is no data, neither 100 % nor 0 %, as in the
            reports (``callcenter staffing`` shows ``-``, JSON ``null``). A
            service-level target counts as met by such an interval.
        service_level_answered: Share answered within ``t`` over answered contacts
            (equal to ``service_level`` for Erlang C; ``None`` without traffic).
        asa_seconds: Mean wait of answered contacts (``inf`` when unstable).
        abandonment: Share of contacts that abandon (0 for Erlang C).
        occupancy: Share of agents' time busy: carried traffic over agents.
    """

    model: Literal["erlang_c", "erlang_a"]
    agents: int
    traffic_erlangs: float
    aht_seconds: float
    answer_time_seconds: float
    patience_seconds: float | None
    stable: bool
    wait_probability: float
    service_level: float | None
    service_level_answered: float | None
    asa_seconds: float
    abandonment: float
    occupancy: float


def _performance(
    inv: _Inverse | None,
    agents: int,
    traffic: float,
    aht: float,
    answer_time: float,
    patience: float | None,
) -> QueuePerformance:
    common = functools.partial(
        QueuePerformance,
        agents=agents,
        traffic_erlangs=traffic,
        aht_seconds=aht,
        answer_time_seconds=answer_time,
        patience_seconds=patience,
    )
    if patience is None:
        if traffic == 0:
            return common(
                model="erlang_c",
                stable=True,
                wait_probability=0.0,
                service_level=None,
                service_level_answered=None,
                asa_seconds=0.0,
                abandonment=0.0,
                occupancy=0.0,
            )
        if agents <= traffic:
            return common(
                model="erlang_c",
                stable=False,
                wait_probability=1.0,
                service_level=0.0,
                service_level_answered=0.0,
                asa_seconds=math.inf,
                abandonment=0.0,
                occupancy=1.0,
            )
        assert inv is not None
        wait, sl, asa = _c_values(agents, inv, aht, answer_time)
        return common(
            model="erlang_c",
            stable=True,
            wait_probability=wait,
            service_level=sl,
            service_level_answered=sl,
            asa_seconds=asa,
            abandonment=0.0,
            occupancy=traffic / agents,
        )
    if inv is None or traffic == 0 or agents == 0:
        k, k_scale = 0.0, 0
    else:
        k, k_scale = inv.k, inv.scale
    values = erlang_a_values(agents, traffic, aht, patience, answer_time, k, k_scale)
    occupancy = 0.0 if agents == 0 else min(1.0, traffic * (1.0 - values.abandonment) / agents)
    return common(
        model="erlang_a",
        stable=True,
        wait_probability=values.wait_probability,
        service_level=None if traffic == 0 else values.service_level_offered,
        service_level_answered=None if traffic == 0 else values.service_level_answered,
        asa_seconds=values.asa_seconds,
        abandonment=values.abandonment,
        occupancy=occupancy,
    )


def _inverse_for(agents: int, traffic: float) -> _Inverse | None:
    if traffic == 0 or agents == 0:
        return None
    return _Inverse(traffic, agents)


def evaluate(
    agents: int,
    traffic: float,
    aht: float,
    answer_time: float,
    *,
    patience: float | None = None,
) -> QueuePerformance:
    """Expected performance of ``agents`` agents: Erlang C, or Erlang A with ``patience``.

    Args:
        agents: Agents on the phones (int >= 0).
        traffic: Offered traffic in Erlangs (>= 0).
        aht: Mean handle time in seconds (> 0).
        answer_time: Service-level threshold in seconds (>= 0).
        patience: Mean patience in seconds (> 0) to use Erlang A; ``None`` for
            Erlang C.

    Returns:
        A :class:`QueuePerformance`.

    Raises:
        InvalidArgumentError: On a bad argument.

    Complexity: Erlang C O(sqrt(A) + abs(N - A)); Erlang A adds series of about
    ``max(0, y - x) + 10 sqrt(y)`` terms, ``y = A * patience / aht``.

    >>> perf = evaluate(14, 10.0, 180, 20)
    >>> round(perf.service_level, 3), round(perf.asa_seconds, 2), round(perf.occupancy, 3)
    (0.888, 7.84, 0.714)
    >>> evaluate(10, 10.0, 180, 20).asa_seconds      # N <= A: unstable
    inf
    >>> round(evaluate(10, 10.0, 180, 20, patience=300).abandonment, 3)
    0.109
    """
    n = _check_agents(agents)
    a = _check_traffic(traffic)
    h = _check_positive(aht, "aht")
    t = _check_positive(answer_time, "answer_time", allow_zero=True)
    _check_load(n)
    p = None if patience is None else _check_positive(patience, "patience")
    return _performance(_inverse_for(n, a), n, a, h, t, p)


@attrs.frozen(kw_only=True)
class StaffingTargets:
    """What a staffing search must meet; every target left ``None`` is ignored.

    Attributes:
        service_level: Share to answer within ``answer_time`` (in (0, 1)).
        answer_time: The threshold in seconds, needed with ``service_level``.
        asa_seconds: Largest acceptable average speed of answer.
        max_occupancy: Largest acceptable occupancy (in (0, 1]).
        max_abandonment: Largest acceptable abandonment share (Erlang A only).
        service_level_basis: ``"offered"`` (abandons count against) or
            ``"answered"`` (over answered contacts); matters for Erlang A only.
    """

    service_level: float | None = None
    answer_time: float | None = None
    asa_seconds: float | None = None
    max_occupancy: float | None = None
    max_abandonment: float | None = None
    service_level_basis: ServiceLevelBasis = "offered"

    def check(self, patience: float | None) -> None:
        """Validate the targets for a model (``patience`` None means Erlang C).

        Raises:
            InvalidArgumentError: A target out of range, ``service_level`` without
                ``answer_time``, no target at all, or ``max_abandonment`` with
                Erlang C.
        """
        if self.service_level is not None:
            if not 0 < self.service_level < 1:
                raise InvalidArgumentError(
                    name="service_level", expected="a share in (0, 1)", got=self.service_level
                )
            if self.answer_time is None:
                raise InvalidArgumentError(
                    name="answer_time",
                    expected="seconds >= 0 together with service_level",
                    got=None,
                )
        if self.answer_time is not None:
            _check_positive(self.answer_time, "answer_time", allow_zero=True)
        if self.asa_seconds is not None:
            _check_positive(self.asa_seconds, "asa_seconds")
        if self.max_occupancy is not None and not 0 < self.max_occupancy <= 1:
            raise InvalidArgumentError(
                name="max_occupancy", expected="a share in (0, 1]", got=self.max_occupancy
            )
        if self.max_abandonment is not None:
            if patience is None:
                raise InvalidArgumentError(
                    name="max_abandonment",
                    expected="a patience (Erlang A); Erlang C has no abandonment",
                    got=self.max_abandonment,
                )
            if not 0 < self.max_abandonment < 1:
                raise InvalidArgumentError(
                    name="max_abandonment", expected="a share in (0, 1)", got=self.max_abandonment
                )
        if self.service_level_basis not in ("offered", "answered"):
            raise InvalidArgumentError(
                name="service_level_basis",
                expected="'offered' or 'answered'",
                got=self.service_level_basis,
            )
        if (
            self.service_level is None
            and self.asa_seconds is None
            and self.max_occupancy is None
            and self.max_abandonment is None
        ):
            raise InvalidArgumentError(
                name="targets",
                expected="at least one of service_level, asa_seconds, max_occupancy, "
                "max_abandonment",
                got=self,
            )

    def met_by(self, perf: QueuePerformance) -> bool:
        """Whether ``perf`` meets every target (no traffic misses no service level)."""
        if not perf.stable:
            return False
        if self.service_level is not None:
            level = (
                perf.service_level
                if self.service_level_basis == "offered"
                else perf.service_level_answered
            )
            if level is not None and level < self.service_level:
                return False
        if self.asa_seconds is not None and perf.asa_seconds > self.asa_seconds:
            return False
        if self.max_occupancy is not None:
            limit = _exact(self.max_occupancy, "max_occupancy")
            if perf.model == "erlang_c" and perf.agents > 0:
                # Exactly, with both numbers read as written: 2.1 / 3 <= 0.7 holds.
                if _exact(perf.traffic_erlangs, "traffic") / perf.agents > limit:
                    return False
            elif perf.occupancy > limit:
                return False
        return not (self.max_abandonment is not None and perf.abandonment > self.max_abandonment)


def required_agents(
    traffic: float,
    aht: float,
    targets: StaffingTargets,
    *,
    patience: float | None = None,
    max_agents: int | None = None,
) -> QueuePerformance:
    """The fewest agents (at least one, unless there is no traffic) that meet every target.

    Erlang C starts at the smallest integer above ``traffic`` (and at
    ``ceil(A / max_occupancy)``, exactly) and walks up one agent at a time; Erlang A
    starts at one agent. Service level, ASA and abandonment improve with every agent
    added, so the first count that meets all targets is the answer.

    Args:
        traffic: Offered traffic in Erlangs (>= 0).
        aht: Mean handle time in seconds.
        targets: The targets.
        patience: Mean patience in seconds for Erlang A; ``None`` for Erlang C.
        max_agents: Give up above this many agents (default: ``10 * A + 1000``).

    Returns:
        The :class:`QueuePerformance` of the answer (its ``agents`` is the count).

    Raises:
        InvalidArgumentError: Bad targets, or none met within ``max_agents``.

    Complexity: Erlang C O(sqrt(A) + (N - A)) float steps (about 0.2 ms at 2,000
    Erlangs); Erlang A one series per candidate.

    >>> perf = required_agents(10.0, 180, StaffingTargets(service_level=0.8, answer_time=20))
    >>> perf.agents, round(perf.service_level, 3)
    (14, 0.888)
    """
    a = _check_traffic(traffic)
    h = _check_positive(aht, "aht")
    p = None if patience is None else _check_positive(patience, "patience")
    targets.check(p)
    t = 0.0 if targets.answer_time is None else float(targets.answer_time)
    limit = max_agents if max_agents is not None else 10 * math.ceil(a) + 1000
    exact_a = _exact(a, "traffic")
    start = 1 if p is not None else max(1, math.floor(exact_a) + 1)
    if targets.max_occupancy is not None and p is None:
        # Erlang C carries all the traffic, so occupancy A / N <= max needs
        # N >= A / max. (Erlang A carries less -- callers abandon -- so no such bound.)
        start = max(start, math.ceil(exact_a / _exact(targets.max_occupancy, "max_occupancy")))
    if a == 0:
        return _performance(None, 0, a, h, t, p)
    if p is None:
        inv = _Inverse(a, start)
        for n in range(start, limit + 1):
            inv.advance_to(n)
            perf = _performance(inv, n, a, h, t, None)
            if targets.met_by(perf):
                return perf
    else:
        return _search_erlang_a(a, h, t, p, targets, start, limit)
    raise InvalidArgumentError(
        name="targets", expected=f"targets reachable with at most {limit} agents", got=targets
    )


def _search_erlang_a(
    a: float, h: float, t: float, p: float, targets: StaffingTargets, start: int, limit: int
) -> QueuePerformance:
    def at(n: int) -> QueuePerformance:
        return _performance(_inverse_for(n, a), n, a, h, t, p)

    low = start
    first = at(low)
    if targets.met_by(first):
        return first
    # Exponential search for a count that meets the targets, then bisection.
    step = max(1, math.isqrt(max(1, math.ceil(a))))
    high = max(low + 1, math.floor(a) + 1)
    best = at(high)
    while not targets.met_by(best):
        low = high
        if high >= limit:
            raise InvalidArgumentError(
                name="targets",
                expected=f"targets reachable with at most {limit} agents",
                got=targets,
            )
        high = min(limit, high + step)
        step *= 2
        best = at(high)
    while high - low > 1:
        middle = (low + high) // 2
        perf = at(middle)
        if targets.met_by(perf):
            high, best = middle, perf
        else:
            low = middle
    return best


@attrs.frozen(kw_only=True)
class IntervalForecast:
    """Forecast volume for one interval of a plan.

    Attributes:
        start: The interval's start (any label; usually a timezone-aware datetime).
        calls: Contacts expected in the interval.
        aht_seconds: Expected mean handle time.
    """

    start: datetime.datetime | str
    calls: float
    aht_seconds: float


@attrs.frozen(kw_only=True)
class IntervalPlan:
    """The staffing for one interval.

    Attributes:
        start: The forecast interval's start.
        calls: Forecast contacts.
        traffic_erlangs: ``calls * aht / interval``.
        agents: Agents needed on the phones.
        scheduled_agents: Agents to schedule after shrinkage.
        performance: Expected performance with ``agents``.
    """

    start: datetime.datetime | str
    calls: float
    traffic_erlangs: float
    agents: int
    scheduled_agents: int
    performance: QueuePerformance


def plan_intervals(
    forecast: Iterable[IntervalForecast],
    *,
    interval_seconds: float,
    targets: StaffingTargets,
    shrinkage: float = 0.0,
    patience: float | None = None,
) -> list[IntervalPlan]:
    """Size every interval of a forecast independently.

    Args:
        forecast: Volume and handle time per interval.
        interval_seconds: Length of each interval (e.g. 1800).
        targets: Targets each interval must meet.
        shrinkage: Share of scheduled time lost to breaks, training, absence.
        patience: Mean patience for Erlang A, or ``None`` for Erlang C.

    Returns:
        One :class:`IntervalPlan` per forecast interval, in order. An interval with
        no calls needs no agents.

    Raises:
        InvalidArgumentError: On a bad input.

    Complexity: one :func:`required_agents` per interval.

    >>> plan = plan_intervals(
    ...     [IntervalForecast(start="09:00", calls=100, aht_seconds=180),
    ...      IntervalForecast(start="09:30", calls=0, aht_seconds=180)],
    ...     interval_seconds=1800,
    ...     targets=StaffingTargets(service_level=0.8, answer_time=20),
    ...     shrinkage=0.3,
    ... )
    >>> [(p.start, p.agents, p.scheduled_agents) for p in plan]
    [('09:00', 14, 20), ('09:30', 0, 0)]
    """
    plans: list[IntervalPlan] = []
    for item in forecast:
        a = traffic_erlangs(item.calls, interval_seconds, item.aht_seconds)
        if a == 0:
            perf = _performance(None, 0, 0.0, float(item.aht_seconds), 0.0, patience)
            agents = 0
        else:
            perf = required_agents(a, item.aht_seconds, targets, patience=patience)
            agents = perf.agents
        plans.append(
            IntervalPlan(
                start=item.start,
                calls=item.calls,
                traffic_erlangs=a,
                agents=agents,
                scheduled_agents=scheduled_agents(agents, shrinkage),
                performance=perf,
            )
        )
    return plans
