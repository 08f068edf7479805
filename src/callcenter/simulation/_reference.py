"""A reference model: one FIFO queue with ``c`` identical servers (M/G/c+G), on the kernel.

This is **not** the library's ACD. It is a deliberately small, self-contained queue
written directly on :class:`~callcenter.simulation._kernel.Simulator`, used to

* validate the kernel and the random models against queueing theory (with
  exponential service and patience it is M/M/c+M, whose exact steady state is
  Erlang C without abandonment and Erlang A with it), and
* measure the kernel's raw speed against other simulation libraries
  (``benchmarks/simulation_kernel.py``).

Customers arrive in a Poisson stream; a customer who finds a free server is served
at once, otherwise joins the back of the queue and leaves if still waiting when
their patience runs out. A server that finishes takes the customer at the head of the
queue (customers who have left are skipped).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Mapping

from ..errors import InvalidArgumentError
from ._checks import is_count, is_real
from ._distributions import Duration, Exponential, NoPatience, Patience
from ._kernel import ScheduledEvent, Simulator
from ._streams import RandomStreams

__all__ = ["fifo_queue_run", "simulate_fifo_queue"]


class _Waiting:
    """A customer in the queue; ``gone`` once their patience ran out."""

    __slots__ = ("arrived", "counted", "gone", "timer")

    def __init__(self, arrived: float, counted: bool) -> None:
        self.arrived = arrived
        self.counted = counted
        self.gone = False
        self.timer: ScheduledEvent | None = None


def simulate_fifo_queue(
    *,
    arrival_rate: float,
    servers: int,
    service: Duration,
    patience: Patience | None = None,
    customers: int,
    warmup: int = 0,
    seed: int,
    answer_within: float = 20.0,
) -> dict[str, float]:
    """Simulate ``customers`` arrivals to an M/G/c+G queue and return its figures.

    Args:
        arrival_rate: Poisson arrival rate, customers per second (> 0).
        servers: The number of servers ``c`` (>= 1).
        service: The service-time model.
        patience: How long a customer waits before leaving (default: forever).
        customers: How many customers arrive in total (>= 1).
        warmup: The first ``warmup`` customers are simulated but left out of the
            figures (they met a system that started empty).
        seed: The seed of the run's :class:`RandomStreams`: arrival gaps, service
            times and patience each come from their own stream, so that variants with
            the same seed see the same callers (common random numbers).
        answer_within: The service-level threshold in seconds.

    Returns:
        Over the customers after the warm-up: ``offered``; ``wait_probability`` (share
        who found every server busy); ``abandon_probability``; ``asa`` (mean wait of
        those served); ``mean_wait_all`` (mean time in queue of everyone, leavers
        included); ``service_level`` (share served within ``answer_within``); and
        ``end_time`` (the virtual time when the last customer left).

    Raises:
        InvalidArgumentError: A parameter out of range.
    """
    if not (is_real(arrival_rate) and arrival_rate > 0):
        raise InvalidArgumentError(
            name="arrival_rate", expected="a finite rate > 0 per second", got=arrival_rate
        )
    if not is_count(servers, 1):
        raise InvalidArgumentError(name="servers", expected="an integer >= 1", got=servers)
    if not is_count(customers, 1):
        raise InvalidArgumentError(name="customers", expected="an integer >= 1", got=customers)
    if not (is_count(warmup) and warmup < customers):
        raise InvalidArgumentError(
            name="warmup", expected=f"an integer in [0, {customers})", got=warmup
        )
    arrivals = Exponential(mean=1.0 / arrival_rate)
    patience = NoPatience() if patience is None else patience
    streams = RandomStreams(seed)
    arrival_rng, service_rng, patience_rng = (
        streams["arrivals"],
        streams["service"],
        streams["patience"],
    )
    sim = Simulator()
    queue: deque[_Waiting] = deque()
    free = servers
    waited = abandoned = served = answered_in_time = 0
    wait_served: list[float] = []
    wait_left: list[float] = []
    draw_gap = arrivals.sample
    draw_service = service.sample
    draw_patience = patience.sample

    def arrive(index: int) -> None:
        nonlocal free, waited, served, answered_in_time
        if index + 1 < customers:
            sim.schedule_after(draw_gap(arrival_rng), arrive, index + 1)
        counted = index >= warmup
        if free:
            free -= 1
            if counted:
                served += 1
                answered_in_time += 1
                wait_served.append(0.0)
            sim.schedule_after(draw_service(service_rng), depart)
            return
        if counted:
            waited += 1
        entry = _Waiting(sim.now, counted)
        limit = draw_patience(patience_rng)
        if limit < math.inf:
            entry.timer = sim.schedule_after(limit, leave, entry)
        queue.append(entry)

    def leave(entry: _Waiting) -> None:
        nonlocal abandoned
        entry.gone = True  # skipped when it reaches the head of the queue
        if entry.counted:
            abandoned += 1
            wait_left.append(sim.now - entry.arrived)

    def depart() -> None:
        nonlocal free, served, answered_in_time
        while queue:
            entry = queue.popleft()
            if entry.gone:
                continue
            if entry.timer is not None:
                sim.cancel(entry.timer)
            if entry.counted:
                wait = sim.now - entry.arrived
                served += 1
                wait_served.append(wait)
                if wait <= answer_within:
                    answered_in_time += 1
            sim.schedule_after(draw_service(service_rng), depart)
            return
        free += 1

    sim.schedule(0.0, arrive, 0)
    sim.run()
    offered = customers - warmup
    total_wait = math.fsum(wait_served) + math.fsum(wait_left)
    return {
        "offered": float(offered),
        "wait_probability": waited / offered,
        "abandon_probability": abandoned / offered,
        "asa": math.fsum(wait_served) / len(wait_served) if wait_served else 0.0,
        "mean_wait_all": total_wait / offered,
        "service_level": answered_in_time / offered,
        "end_time": sim.now,
    }


def fifo_queue_run(variant: Mapping[str, float], seed: int) -> dict[str, float]:
    """:func:`simulate_fifo_queue` in the shape :func:`~callcenter.simulation.run_study` calls.

    Picklable (a module-level function), so it runs on any executor, including a
    process pool that spawns fresh interpreters. Exponential service and patience.

    Args:
        variant: ``arrival_rate`` (per second), ``servers``, ``mean_service`` (s),
            ``customers``; optional ``mean_patience`` (s; absent or ``inf`` for
            callers who never leave), ``warmup`` (customers) and ``answer_within`` (s).
        seed: The run's seed.

    Returns:
        The figures of :func:`simulate_fifo_queue`.
    """
    patience_mean = float(variant.get("mean_patience", math.inf))
    return simulate_fifo_queue(
        arrival_rate=float(variant["arrival_rate"]),
        servers=int(variant["servers"]),
        service=Exponential(mean=float(variant["mean_service"])),
        patience=None if patience_mean == math.inf else Exponential(mean=patience_mean),
        customers=int(variant["customers"]),
        warmup=int(variant.get("warmup", 0)),
        seed=seed,
        answer_within=float(variant.get("answer_within", 20.0)),
    )
